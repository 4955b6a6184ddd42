/**
 * GMX v2 importer: what the GMX SDK (@gmx-io/sdk 1.4.0) returns -> a venue book (`"venue":
 * "gmx-v2"`, docs/venues/gmx-v2.md), as JSON text. Browser-safe (no Node built-ins).
 *
 * Inputs, each a JSON text whose bigints are decimal strings (or whole JSON numbers), as a
 * `JSON.stringify` with a bigint replacer writes them:
 * - markets: the SDK's MarketsInfoData (`sdk.markets.getMarketsInfo()`'s marketsInfoData), an
 *   object from market address to MarketInfo, or an array of MarketInfo; each with its indexToken,
 *   longToken and shortToken (TokenData: address, symbol, decimals, prices.minPrice/maxPrice in USD
 *   at 10^30 per whole token) and the factors it reads from the DataStore;
 * - positions: the SDK's PositionsInfoData (`sdk.positions.getPositionsInfo()`), an object from
 *   position key to PositionInfo, or an array of them (the Reader's Position fields are enough:
 *   account, marketAddress, collateralTokenAddress, isLong, sizeInUsd, sizeInTokens,
 *   collateralAmount, pendingBorrowingFeesUsd, fundingFeeAmount, positionFeeAmount,
 *   traderDiscountAmount, uiFeeAmount, pendingImpactAmount; closePriceImpactDeltaUsd where given);
 * - config: what the SDK does not carry, read from the DataStore (Keys.sol): MIN_COLLATERAL_USD,
 *   LIQUIDATION_FEE_RECEIVER_FACTOR, and per market liquidationFeeFactorKey(market), as
 *   {"minCollateralUsd", "liquidationFeeReceiverFactor", "liquidationFeeFactors": {address: factor}}.
 *
 * Mapping: one position is one isolated account `ACCOUNT/MARKET/COLLATERAL/long|short`; its size
 * is sizeInTokens (negative for a short), its entry slot sizeInUsd; its one balance is the collateral
 * token less the close's costs (totalCostAmount: positionFeeAmount + floor(pendingBorrowingFeesUsd
 * / collateral min price) + fundingFeeAmount + uiFeeAmount - traderDiscountAmount); its collateral
 * slot the close's price impact (closePriceImpactDeltaUsd, 0 where absent, plus pendingImpactAmount
 * at the index min price when positive, the max when negative). A market's mark is its index
 * token's min price, the spread max - min; the pool sides are longInterestUsd/InTokens and
 * longPoolAmount at the long token's min price (the short side likewise).
 *
 * Units. USD amounts are GMX's own, at 10^-30 (book/gmx-wide.ts): sizeInUsd and the impact as
 * their quote-unit floors and the exact amounts (below 2^125, about $42.5M, where they have digits
 * past 10^-6), open interest, pools and MIN_COLLATERAL_USD as given (open interest and pool worth
 * below 2^192, the core's 256-bit pool path bound: about $6.3 * 10^27); factors whole parts of 10^9;
 * per market the importer takes the fewest size decimals (at most the index token's) and the most
 * price decimals (at most 18, their sum at most 24) on which every size and price is exact, per
 * collateral token likewise. Where the index token's amounts fit 64 bits in no exact decimals (a
 * real ETH market in wei), the market gets tokenDecimals (the fewest exact: all 18 digits kept,
 * book/gmx-wide.ts) and size units the finest in which its largest position fits 64 bits, each
 * position's size the floor of its magnitude there and sizeInTokens the exact amount; a collateral
 * token's amounts the same way (the asset's tokenDecimals, each balance's tokenAmount). A value that is not exact there, or does not fit 64 bits, is refused,
 * naming the file, the record and the field, and what it would need. Nothing is rounded.
 */
import { BookError, describeValue } from "../errors.js";
import { I64_MAX, I64_MIN } from "../decimal.js";
import { JsonNumber, parseJsonStrict } from "../json.js";
import type { JsonObject, JsonValue } from "../json.js";
import { writeBookJson } from "../json.js";
import type { Account, Asset, Book, Market } from "../types.js";
import { describeJson, has, object, rec, required } from "./response.js";
import { splitUsd } from "../gmx-wide.js";
import { GMX_MARKET_LIMIT, GMX_TOKENS_LIMIT } from "../gmx-validate.js";

export interface GmxInput {
  readonly markets: string;
  readonly marketsSource?: string;
  readonly positions: string;
  readonly positionsSource?: string;
  readonly config: string;
  readonly configSource?: string;
}

export interface GmxImport {
  readonly text: string;
  readonly book: Book;
  readonly markets: number;
  readonly accounts: number;
  readonly positions: number;
}

const TEN = (k: number) => 10n ** BigInt(k);
const QUOTE = TEN(24); // 10^-6 USD at FLOAT_PRECISION
const FACTOR = TEN(21); // parts of 10^9 at FLOAT_PRECISION
const U256 = (1n << 256n) - 1n;

function doc(text: string, source: string): JsonValue {
  if (typeof text !== "string") throw new BookError(source, "", `expected the file's JSON text, got ${describeValue(text)}`);
  return parseJsonStrict(text, source);
}

/** A bigint field: a decimal string or a whole JSON number, within [min, max]. */
function big(o: JsonObject, key: string, record: string, min = 0n, max = U256, prefix = ""): bigint {
  const v = required(o, key, record, prefix);
  const field = prefix + key;
  let x: bigint;
  if (v instanceof JsonNumber && /^-?[0-9]+$/.test(v.raw)) x = BigInt(v.raw);
  else if (typeof v === "string" && /^-?[0-9]+$/.test(v)) x = BigInt(v);
  else throw new BookError(record, field, `expected a whole number (a decimal string, as a bigint replacer writes it), got ${describeJson(v)}`);
  if (x < min || x > max) throw new BookError(record, field, `${x} is outside [${min}, ${max}]`);
  return x;
}

function str(o: JsonObject, key: string, record: string, prefix = ""): string {
  const v = required(o, key, record, prefix);
  if (typeof v !== "string" || v === "") throw new BookError(record, prefix + key, `expected a non-empty string, got ${describeJson(v)}`);
  return v;
}

function bool(o: JsonObject, key: string, record: string): boolean {
  const v = required(o, key, record);
  if (typeof v !== "boolean") throw new BookError(record, key, `expected true or false, got ${describeJson(v)}`);
  return v;
}


/** A GMX factor (10^30 = 1) in [0, 1], whole parts of 10^9. */
function factor(x: bigint, record: string, field: string): bigint {
  if (x > TEN(30)) throw new BookError(record, field, `${x} is above 10^30 (a factor above 100 %)`);
  if (x % FACTOR !== 0n) throw new BookError(record, field, `${x} is not a whole number of parts of 10^9 (10^21 at 10^30): the core holds GMX factors so`);
  return x;
}

/** Trailing decimal zeros of x (x = 0: `cap`). */
function zeros(x: bigint, cap: number): number {
  if (x === 0n) return cap;
  let n = 0;
  while (n < cap && x % 10n === 0n) { x /= 10n; n++; }
  return n;
}

interface TokenIn {
  readonly address: string;
  readonly symbol: string;
  readonly decimals: number;
  readonly min: bigint;
  readonly max: bigint;
  readonly record: string;
}

function token(o: JsonObject, key: string, record: string): TokenIn {
  const t = object(required(o, key, record), record, key);
  const d = required(t, "decimals", record, `${key}.`);
  if (!(d instanceof JsonNumber) || !/^[0-9]+$/.test(d.raw) || Number(d.raw) > 36) throw new BookError(record, `${key}.decimals`, `expected a whole number in [0, 36], got ${describeJson(d)}`);
  const prices = object(required(t, "prices", record, `${key}.`), record, `${key}.prices`);
  const min = big(prices, "minPrice", record, 1n, U256, `${key}.prices.`);
  const max = big(prices, "maxPrice", record, min, U256, `${key}.prices.`);
  return { address: str(t, "address", record, `${key}.`).toLowerCase(), symbol: has(t, "symbol") ? str(t, "symbol", record, `${key}.`) : str(t, "address", record, `${key}.`), decimals: Number(d.raw), min, max, record };
}

/** The entries of an SDK data map (object keyed by address or key) or a list, with their records. */
function entries(v: JsonValue, source: string): { record: string; o: JsonObject }[] {
  if (Array.isArray(v)) return v.map((x, i) => ({ record: rec(source, `[${i}]`), o: object(x, rec(source, `[${i}]`), "") }));
  const o = object(v, source, "");
  return Object.keys(o).map((k) => ({ record: rec(source, JSON.stringify(k)), o: object(o[k], rec(source, JSON.stringify(k)), "") }));
}

interface MarketIn {
  readonly address: string;
  readonly name: string;
  readonly record: string;
  readonly o: JsonObject;
  readonly index: TokenIn;
  readonly long: TokenIn;
  readonly short: TokenIn;
}

interface PositionIn {
  readonly record: string;
  readonly id: string;
  readonly market: MarketIn;
  readonly collateral: TokenIn;
  readonly isLong: boolean;
  readonly sizeInUsd: { image: bigint; exact?: bigint };
  readonly sizeInTokens: bigint;
  /** Set per market: the size image (size units) and, where finer, the exact amount (tokenDecimals). */
  readonly size: bigint;
  readonly exactTokens?: bigint;
  readonly net: bigint;
  readonly impact: { image: bigint; exact?: bigint };
}

/**
 * The fewest price decimals p <= cap at which every price (USD at 10^30 per whole token) is a whole
 * number of 10^-p USD, -1 when there is none: x / 10^(30 - p) is whole iff x has 30 - p trailing zeros.
 */
function priceDecimals(prices: readonly bigint[], cap: number): number {
  const p = Math.max(0, ...prices.map((x) => 30 - zeros(x, 30)));
  return p <= cap ? p : -1;
}

export function importGmxBook(input: GmxInput): GmxImport {
  const mSource = input.marketsSource ?? "markets", pSource = input.positionsSource ?? "positions", cSource = input.configSource ?? "config";
  // The DataStore values the SDK does not carry.
  const config = object(doc(input.config, cSource), cSource, "");
  for (const k of Object.keys(config)) if (!["minCollateralUsd", "liquidationFeeReceiverFactor", "liquidationFeeFactors"].includes(k)) throw new BookError(cSource, k, "unknown field (expected minCollateralUsd, liquidationFeeReceiverFactor, liquidationFeeFactors)");
  const minCollateralUsd = big(config, "minCollateralUsd", cSource);
  const receiver = factor(big(config, "liquidationFeeReceiverFactor", cSource), cSource, "liquidationFeeReceiverFactor");
  const feeFactors = object(required(config, "liquidationFeeFactors", cSource), cSource, "liquidationFeeFactors");
  const feeOf = new Map<string, bigint>();
  for (const k of Object.keys(feeFactors)) feeOf.set(k.toLowerCase(), factor(big(feeFactors, k, cSource, 0n, U256, "liquidationFeeFactors."), cSource, `liquidationFeeFactors.${k}`));

  // Markets by address.
  const markets = new Map<string, MarketIn>();
  for (const { record, o } of entries(doc(input.markets, mSource), mSource)) {
    const address = str(o, "marketTokenAddress", record).toLowerCase();
    if (markets.has(address)) throw new BookError(record, "marketTokenAddress", `${address} is also ${markets.get(address)!.record}`);
    markets.set(address, { address, name: has(o, "name") ? str(o, "name", record) : address, record, o, index: token(o, "indexToken", record), long: token(o, "longToken", record), short: token(o, "shortToken", record) });
  }

  // Positions.
  const positions: PositionIn[] = [];
  const ids = new Map<string, string>();
  for (const { record, o } of entries(doc(input.positions, pSource), pSource)) {
    const mAddr = str(o, "marketAddress", record).toLowerCase();
    const market = markets.get(mAddr);
    if (market === undefined) throw new BookError(record, "marketAddress", `${mAddr} is not a market of ${mSource}`);
    if (has(market.o, "isSpotOnly") && market.o.isSpotOnly === true) throw new BookError(record, "marketAddress", `${market.name} is a swap-only market: it holds no positions`);
    const cAddr = str(o, "collateralTokenAddress", record).toLowerCase();
    const collateral = cAddr === market.long.address ? market.long : cAddr === market.short.address ? market.short : null;
    if (collateral === null) throw new BookError(record, "collateralTokenAddress", `${cAddr} is neither ${market.name}'s long token nor its short token`);
    const isLong = bool(o, "isLong", record);
    const sizeInUsd = big(o, "sizeInUsd", record, 1n);
    const sizeInTokens = big(o, "sizeInTokens", record, 1n);
    const amount = big(o, "collateralAmount", record);
    // totalCostAmount of the close (getPositionFees with isLiquidation false), in collateral token units.
    const unitMin = collateral.min / TEN(collateral.decimals);
    if (unitMin * TEN(collateral.decimals) !== collateral.min) throw new BookError(collateral.record, `${collateral === market.long ? "longToken" : "shortToken"}.prices.minPrice`, `${collateral.min} is not a whole price per token unit (USD at 10^30 times 10^decimals)`);
    const borrowingAmount = big(o, "pendingBorrowingFeesUsd", record) / unitMin;
    const cost = big(o, "positionFeeAmount", record) + borrowingAmount + big(o, "fundingFeeAmount", record) + big(o, "uiFeeAmount", record) - big(o, "traderDiscountAmount", record);
    // The close's impact as given: its estimate where the SDK gives one, plus the pending impact at its price.
    const pending = big(o, "pendingImpactAmount", record, -U256, U256);
    const indexUnit = (pending > 0n ? market.index.min : market.index.max);
    const pendingUsd = pending * indexUnit;
    if (pendingUsd % TEN(market.index.decimals) !== 0n) throw new BookError(record, "pendingImpactAmount", `${pending} at ${indexUnit} is not a whole USD amount at 10^30`);
    const close = has(o, "closePriceImpactDeltaUsd") ? big(o, "closePriceImpactDeltaUsd", record, -U256, U256) : 0n;
    const impact = splitUsd(close + pendingUsd / TEN(market.index.decimals), record, has(o, "closePriceImpactDeltaUsd") ? "closePriceImpactDeltaUsd" : "pendingImpactAmount");
    const id = `${str(o, "account", record)}/${market.address}/${collateral.address}/${isLong ? "long" : "short"}`;
    if (ids.has(id)) throw new BookError(record, "account", `the position ${id} is also ${ids.get(id)}`);
    ids.set(id, record);
    positions.push({ record, id, market, collateral, isLong, sizeInUsd: splitUsd(sizeInUsd, record, "sizeInUsd"), sizeInTokens, size: 0n, net: amount - cost, impact });
  }

  // Units per market held: the fewest size decimals, the most price decimals on which everything is exact.
  const used = [...new Set(positions.map((p) => p.market))];
  const bookMarkets: Market[] = [];
  const marketIndex = new Map<MarketIn, number>();
  for (const m of used) {
    const o = m.o, record = m.record, td = m.index.decimals;
    const held = positions.filter((p) => p.market === m);
    const longOiTokens = big(o, "longInterestInTokens", record), shortOiTokens = big(o, "shortInterestInTokens", record);
    // The index token's own decimals where every size fits 64 bits, else the fewest exact ones;
    // where even those do not fit 64 bits (a real ETH market's open interest, a position past 9.2
    // ETH in wei), the amounts are kept exact in tokenDecimals (the fewest exact decimals) and the
    // sizes are images in coarser size units (book/gmx-wide.ts).
    const sizes = [...held.map((p) => p.sizeInTokens), longOiTokens, shortOiTokens];
    const fitsAt = (z: number) => sizes.every((x) => x / TEN(z) <= I64_MAX);
    const exactZeros = Math.min(td, ...sizes.map((x) => zeros(x, td)));
    // Also where the sizes fit but the price needs more decimals than 24 less theirs (an 18-decimal
    // market whose amounts are all below 9.2 tokens, its price at 12 decimals): the exact path's
    // price room is 30 less the token decimals.
    const narrowZeros = fitsAt(0) && td <= 24 ? 0 : exactZeros;
    const wide = (!(fitsAt(0) && td <= 24) && !fitsAt(exactZeros)) ||
      (priceDecimals([m.index.min, m.index.max], Math.min(18, 24 - (td - narrowZeros))) < 0 && td - exactZeros <= 18 && priceDecimals([m.index.min, m.index.max], Math.min(18, 30 - (td - exactZeros))) >= 0);
    const sizeZeros = !wide ? narrowZeros : exactZeros;
    const tokenDecimals = td - sizeZeros; // the unit every token amount is exact in
    if (wide && tokenDecimals > 18) throw new BookError(held[0]?.record ?? record, "sizeInTokens", `${m.index.symbol} amounts need ${tokenDecimals} decimals to be exact; a book's decimals are at most 18`);
    let sd = tokenDecimals;
    let pdExact: number;
    if (!wide) {
      const cap = Math.min(18, 24 - sd);
      // The fewest exact price decimals, raised while the max price stays below 2^62 (finer shocks).
      pdExact = priceDecimals([m.index.min, m.index.max], cap);
      while (pdExact >= 0 && pdExact < cap && m.index.max / TEN(29 - pdExact) < 1n << 62n) pdExact++;
      if (pdExact < 0) throw new BookError(m.index.record, "indexToken.prices.minPrice", `${m.index.min}: no price decimals in [0, ${cap}] hold the index price exactly (sizes need ${sd} decimals, and sizeDecimals + priceDecimals is at most 24)`);
    } else {
      // Exact prices first (tokenDecimals + priceDecimals <= 30), then the finest size units in
      // which every position's size fits 64 bits and is at least one unit (sizeDecimals +
      // priceDecimals <= 24, tokenDecimals - sizeDecimals <= 19), then finer prices as room allows.
      const pCap = Math.min(18, 30 - tokenDecimals);
      pdExact = priceDecimals([m.index.min, m.index.max], pCap);
      if (pdExact < 0) throw new BookError(m.index.record, "indexToken.prices.minPrice", `${m.index.min}: no price decimals in [0, ${pCap}] hold the index price exactly (sizes are exact in ${tokenDecimals} decimals, and tokenDecimals + priceDecimals is at most 30)`);
      const shiftOf = (x: bigint) => { let j = 0; while (x / TEN(j) > I64_MAX) j++; return j; };
      const j = Math.max(0, tokenDecimals - (24 - pdExact), ...held.map((p) => shiftOf(p.sizeInTokens / TEN(sizeZeros))));
      sd = tokenDecimals - j;
      if (j > 19 || sd < 0) throw new BookError(held[0]!.record, "sizeInTokens", `${m.index.symbol} sizes need a size unit of 10^${j} token units (10^-${tokenDecimals}) to fit 64 bits beside ${pdExact} price decimals; the book's is at most 10^19 and no coarser than 1 token`);
      const small = held.find((p) => p.sizeInTokens / TEN(sizeZeros) < TEN(j));
      if (small !== undefined) throw new BookError(small.record, "sizeInTokens", `${small.sizeInTokens} is below one size unit (10^-${sd} ${m.index.symbol}), the coarsest that holds the market's largest size in 64 bits: its size image would be no position`);
      const cap = Math.min(18, 24 - sd, 30 - tokenDecimals);
      while (pdExact < cap && m.index.max / TEN(29 - pdExact) < 1n << 62n) pdExact++;
    }
    const pd = pdExact;
    // Token amounts: images in size units (64 bits, the position's size) and exact ones in tokenDecimals.
    const toSize = (x: bigint, rec2: string, field: string) => {
      const s = x / TEN(td - sd);
      if (s > I64_MAX) throw new BookError(rec2, field, `${x} is ${s} units of 10^-${sd} ${m.index.symbol}, past 2^63 - 1 (the book's 64-bit size column)`);
      return s;
    };
    const toTokens = (x: bigint, field: string) => {
      if (!wide) return toSize(x, record, field);
      const t = x / TEN(sizeZeros);
      if (t >= GMX_TOKENS_LIMIT || t * TEN(30 - tokenDecimals - pd) >= GMX_MARKET_LIMIT) throw new BookError(record, field, `${x} (10^-${td} ${m.index.symbol}) is past the core's bound: below 2^128 in 10^-${tokenDecimals} and below 2^192 times 10^${30 - tokenDecimals - pd} (its value at one price unit, 10^-30 USD)`);
      return t;
    };
    const toPrice = (x: bigint, field: string) => {
      const p = x / TEN(30 - pdExact);
      if (p > I64_MAX) throw new BookError(m.index.record, field, `${x} is ${p} units of 10^-${pdExact} USD, past 2^63 - 1`);
      return p;
    };
    const mark = toPrice(m.index.min, "indexToken.prices.minPrice");
    const spread = toPrice(m.index.max, "indexToken.prices.maxPrice") - mark;
    const fee = feeOf.get(m.address);
    if (fee === undefined) throw new BookError(cSource, `liquidationFeeFactors.${m.address}`, `missing: the liquidationFeeFactor of ${m.name} (liquidationFeeFactorKey(market) in the DataStore)`);
    const minCf = factor(big(o, "minCollateralFactorForLiquidation", record), record, "minCollateralFactorForLiquidation");
    const poolUsd = (amountKey: string, t: TokenIn) => {
      const amount = big(o, amountKey, record);
      const worth = amount * t.min;
      if (worth % TEN(t.decimals) !== 0n) throw new BookError(t.record, `${t === m.long ? "longToken" : "shortToken"}.prices.minPrice`, `${t.min} is not a whole price per token unit (USD at 10^30 times 10^decimals): the pool's worth is not a whole amount at 10^30`);
      const usd = worth / TEN(t.decimals);
      if (usd >= GMX_MARKET_LIMIT) throw new BookError(record, amountKey, `${amount} tokens at ${t.min} are ${usd} USD at 10^-30, past 2^192 - 1 (about $6.3 * 10^27: the core's 256-bit pool path bound)`);
      return usd;
    };
    const interest = (key: string) => {
      const usd = big(o, key, record);
      if (usd >= GMX_MARKET_LIMIT) throw new BookError(record, key, `${usd} (USD at 10^-30) is past 2^192 - 1 (about $6.3 * 10^27: the core's 256-bit pool path bound)`);
      return usd;
    };
    bookMarkets.push({
      id: m.name, sizeDecimals: sd, priceDecimals: pd, markPrice: mark,
      tiers: [{ maxNotional: null, mmrPpm: minCf / QUOTE }], liquidationFeePpm: fee / QUOTE,
      gmx: {
        indexPriceSpread: spread, minCollateralFactorForLiquidation: minCf, liquidationFeeFactor: fee, liquidationFeeReceiverFactor: receiver,
        maxPositionImpactFactorForLiquidations: factor(big(o, "maxPositionImpactFactorForLiquidations", record), record, "maxPositionImpactFactorForLiquidations"),
        minCollateralUsd,
        ...(wide ? { tokenDecimals } : {}),
        long: { maxPnlFactorForTraders: factor(big(o, "maxPnlFactorForTradersLong", record), record, "maxPnlFactorForTradersLong"), openInterestUsd: interest("longInterestUsd"), openInterestInTokens: toTokens(longOiTokens, "longInterestInTokens"), poolUsd: poolUsd("longPoolAmount", m.long) },
        short: { maxPnlFactorForTraders: factor(big(o, "maxPnlFactorForTradersShort", record), record, "maxPnlFactorForTradersShort"), openInterestUsd: interest("shortInterestUsd"), openInterestInTokens: toTokens(shortOiTokens, "shortInterestInTokens"), poolUsd: poolUsd("shortPoolAmount", m.short) },
      },
    });
    marketIndex.set(m, bookMarkets.length - 1);
    for (const p of held) {
      const x = p.sizeInTokens;
      (p as { size: bigint }).size = toSize(x, p.record, "sizeInTokens");
      // The exact amount where it has digits below the size unit.
      if (wide && x / TEN(sizeZeros) !== p.size * TEN(tokenDecimals - sd)) (p as { exactTokens?: bigint }).exactTokens = x / TEN(sizeZeros);
    }
  }

  // Collateral tokens: the fewest decimals on which every net amount is exact, the most price decimals.
  const tokens = [...new Map(positions.map((p) => [p.collateral.address, p.collateral])).values()];
  const assets: Asset[] = [];
  const assetIndex = new Map<string, number>();
  const shift = new Map<string, number>();
  /** Per collateral token kept exact (tokenDecimals): the zeros dropped from its amounts; -1 for a token whose amounts fit. */
  const exactShift = new Map<string, number>();
  for (const t of tokens) {
    const held = positions.filter((p) => p.collateral.address === t.address);
    // The token's own decimals where every amount fits 64 bits, else the fewest exact ones; where
    // even those do not fit 64 bits (WETH collateral past 9.2 ETH in wei), the amounts are kept
    // exact in tokenDecimals (the fewest exact) and the balances are images in coarser units.
    const mag = (x: bigint) => (x < 0n ? -x : x);
    const fitsAt = (z: number) => held.every((p) => mag(p.net) / TEN(z) <= I64_MAX);
    const exactZeros = Math.min(t.decimals, ...held.map((p) => zeros(mag(p.net), t.decimals)));
    const fits = t.decimals <= 18 && fitsAt(0);
    // Also where the amounts fit but the price needs more decimals than 24 less theirs (as for the index token above).
    const wide = (!fits && !fitsAt(exactZeros)) ||
      (priceDecimals([t.min], Math.min(18, 24 - (t.decimals - (fits ? 0 : exactZeros)))) < 0 && t.decimals - exactZeros <= 18 && priceDecimals([t.min], Math.min(18, 30 - (t.decimals - exactZeros))) >= 0);
    const z = fits && !wide ? 0 : exactZeros;
    const tdc = t.decimals - z;
    if (tdc > 18) throw new BookError(held[0]!.record, "collateralAmount", `collateral in ${t.symbol} needs ${tdc} decimals; liqscan's assets hold at most 18`);
    let dc = tdc;
    let pc: number;
    if (!wide) {
      const cap = Math.min(18, 24 - dc);
      pc = priceDecimals([t.min], cap);
      while (pc >= 0 && pc < cap && t.min / TEN(29 - pc) < 1n << 62n) pc++;
      if (pc < 0) throw new BookError(t.record, "prices.minPrice", `${t.min}: no price decimals in [0, ${cap}] hold ${t.symbol}'s min price exactly`);
    } else {
      // Exact prices first (tokenDecimals + priceDecimals <= 30), then the finest balance unit in
      // which every amount fits 64 bits (decimals + priceDecimals <= 24, a unit at most 10^19 token units).
      const pCap = Math.min(18, 30 - tdc);
      pc = priceDecimals([t.min], pCap);
      if (pc < 0) throw new BookError(t.record, "prices.minPrice", `${t.min}: no price decimals in [0, ${pCap}] hold ${t.symbol}'s min price exactly (amounts are exact in ${tdc} decimals, and tokenDecimals + priceDecimals is at most 30)`);
      const shiftOf = (x: bigint) => { let j = 0; while (x / TEN(j) > I64_MAX) j++; return j; };
      const j = Math.max(0, tdc - (24 - pc), ...held.map((p) => shiftOf(mag(p.net) / TEN(z))));
      dc = tdc - j;
      if (j > 19 || dc < 0) throw new BookError(held[0]!.record, "collateralAmount", `${t.symbol} amounts need a unit of 10^${j} token units (10^-${tdc}) to fit 64 bits beside ${pc} price decimals; a book's is at most 10^19 and no coarser than 1 token`);
      const cap = Math.min(18, 24 - dc, 30 - tdc);
      while (pc < cap && t.min / TEN(29 - pc) < 1n << 62n) pc++;
    }
    const price = t.min / TEN(30 - pc);
    if (price > I64_MAX) throw new BookError(t.record, "prices.minPrice", `${t.min} is ${price} units of 10^-${pc} USD, past 2^63 - 1`);
    assetIndex.set(t.address, assets.length);
    shift.set(t.address, t.decimals - dc);
    exactShift.set(t.address, wide ? z : -1);
    assets.push({ id: t.symbol, decimals: dc, priceDecimals: pc, price, ...(wide ? { tokenDecimals: tdc } : {}), maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n });
  }
  if (new Set(assets.map((a) => a.id)).size !== assets.length) {
    assets.forEach((a, i) => { (a as { id: string }).id = `${a.id}:${tokens[i]!.address}`; });
  }

  const accounts: Account[] = positions.map((p) => {
    // The balance: its magnitude floored to the asset's unit (its sign kept), and the exact amount where finer.
    const m = p.net < 0n ? -p.net : p.net;
    const net = (p.net < 0n ? -1n : 1n) * (m / TEN(shift.get(p.collateral.address)!));
    const ez = exactShift.get(p.collateral.address)!;
    const exactNet = ez >= 0 ? p.net / TEN(ez) : undefined;
    const finer = exactNet !== undefined && exactNet !== net * TEN(shift.get(p.collateral.address)! - ez);
    if (net > I64_MAX || net < I64_MIN) throw new BookError(p.record, "collateralAmount", `${p.net} ${p.collateral.symbol} units net of the close's costs pass 64 bits in the book's units`);
    return {
      id: p.id, collateral: p.impact.image, margin: "isolated",
      positions: [{ market: marketIndex.get(p.market)!, size: p.isLong ? p.size : -p.size, entryPrice: p.sizeInUsd.image, ...(p.sizeInUsd.exact !== undefined ? { sizeInUsd30: p.sizeInUsd.exact } : {}),
        ...(p.exactTokens !== undefined ? { sizeInTokens: p.isLong ? p.exactTokens : -p.exactTokens } : {}) }],
      balances: [{ asset: assetIndex.get(p.collateral.address)!, amount: net, ...(finer ? { tokenAmount: exactNet } : {}) }],
      ...(p.impact.exact !== undefined ? { collateral30: p.impact.exact } : {}),
    };
  });
  const book: Book = { venue: "gmx-v2", liquidatorSharePpm: 0n, markets: bookMarkets, accounts, ...(assets.length ? { assets } : {}) };
  return { text: writeBookJson(book), book, markets: bookMarkets.length, accounts: accounts.length, positions: accounts.length };
}


/** The book's JSON text alone (as the other importers of the API give it). */
export function importGmx(input: GmxInput): string {
  return importGmxBook(input).text;
}
