/**
 * Drift v2 importer: the program's accounts as the public TypeScript SDK (@drift-labs/sdk)
 * decodes them -> a venue book (`"venue": "drift-v2"`, docs/venues/drift-v2.md), as JSON text.
 * Browser-safe (no Node built-ins).
 *
 * Inputs: `JSON.stringify` of the SDK's decoded accounts, with their field names (sdk/src/types.ts):
 * - the perp markets: an array of PerpMarketAccount (`driftClient.getPerpMarketAccounts()`);
 * - the spot markets: an array of SpotMarketAccount, holding the quote market 0 (USDC) and every
 *   market the users hold a balance in;
 * - the State account (`driftClient.getStateAccount()`): liquidationMarginBufferRatio and
 *   initialPctToLiquidate;
 * - one UserAccount per account (`user.getUserAccount()`).
 * u8/u16/u32 fields are JSON numbers; BN fields (u64, i64, u128, i128) are what BN's toJSON writes,
 * hexadecimal without a prefix ("-" before a negative one: "0a", "-ff"), or, with `bn: "decimal"`,
 * decimal strings; enums are the SDK's objects ({"perpetual": {}}).
 *
 * Mapping: one user account is one account; its collateral is its USDC (spot market 0) token
 * amount (get_token_amount: scaled balance * cumulative interest / 10^(19 - decimals), a deposit
 * rounded down, a borrow up and negative); each perp position is a position of its market with
 * quote asset amount = quoteAssetAmount plus its unrealized funding (calculate_funding_payment:
 * the market's cumulative rate for its side minus the position's, times its base / 10^9, truncated
 * toward zero, longs paying a positive rate). A market's mark is its amm.historicalOracleData.
 * lastOraclePrice (the oracle price the market last recorded), its tier mmr its
 * marginRatioMaintenance, its liquidation fee its liquidatorFee, and `drift` the rest. Markets are
 * the ones the users hold, by market index.
 *
 * Every other spot balance becomes a balance of a collateral asset: its spot market's name,
 * decimals, last oracle price, maintenance and initial asset weights, maintenance liability weight
 * and imf factor (valued as the program does, reference/venues/drift-v2.ts spotValue).
 *
 * Refused, each with an error naming the file, the record and the field, never dropped: open orders (unless
 * `withoutOpenOrders`: the account as liquidate_perp sees it once it has cancelled them), LP shares,
 * isolated positions, high-leverage mode, markets in settlement or that are not perpetuals, a
 * quote spot market other than 0.
 */
import { BookError, describeValue, quote } from "../errors.js";
import { I64_MAX, I64_MIN, formatDecimal } from "../decimal.js";
import { JsonNumber, parseJsonStrict } from "../json.js";
import type { JsonObject, JsonValue } from "../json.js";
import { QUOTE_DECIMALS } from "../types.js";
import { array, describeJson, has, object, rec, required } from "./response.js";

export interface DriftUserFile {
  /** The account id in the book (default: `AUTHORITY/SUBACCOUNT`). */
  readonly id?: string;
  readonly text: string;
  /** The file's name in messages (default: the id, or "user N"). */
  readonly source?: string;
}

export interface DriftInput {
  /** JSON text of the perp market accounts (an array). */
  readonly perpMarkets: string;
  readonly perpMarketsSource?: string;
  /** JSON text of the spot market accounts (an array holding market 0). */
  readonly spotMarkets: string;
  readonly spotMarketsSource?: string;
  /** JSON text of the State account. */
  readonly state: string;
  readonly stateSource?: string;
  readonly users: readonly DriftUserFile[];
  /** How BN fields are written: "hex" (BN's toJSON, the default) or "decimal". */
  readonly bn?: "hex" | "decimal";
  /** Take positions as if their open orders were cancelled (liquidate_perp cancels them first). */
  readonly withoutOpenOrders?: boolean;
}

export interface DriftImport {
  readonly text: string;
  readonly markets: number;
  readonly accounts: number;
  readonly positions: number;
}

type BnFormat = "hex" | "decimal";
const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

/** A BN field: hex (BN's toJSON) or decimal text, or a whole JSON number; within [min, max]. */
function bn(o: JsonObject, key: string, record: string, format: BnFormat, min: bigint, max: bigint, prefix = ""): bigint {
  const v = required(o, key, record, prefix);
  const field = prefix + key;
  let x: bigint;
  if (v instanceof JsonNumber) {
    if (!/^-?[0-9]+$/.test(v.raw)) throw new BookError(record, field, `expected a whole number, got ${describeJson(v)}`);
    x = BigInt(v.raw);
  } else if (typeof v === "string") {
    const re = format === "hex" ? /^-?[0-9a-fA-F]+$/ : /^-?[0-9]+$/;
    if (!re.test(v)) throw new BookError(record, field, `${quote(v)} is not a ${format === "hex" ? "hexadecimal BN (as BN's toJSON writes it)" : "decimal integer"}${format === "hex" ? "; if your BNs are decimal strings, say so (bn: \"decimal\", --bn decimal)" : ""}`);
    const negative = v.startsWith("-");
    const digits = negative ? v.slice(1) : v;
    x = BigInt(format === "hex" ? "0x" + digits : digits);
    if (negative) x = -x;
  } else throw new BookError(record, field, `expected a BN (a string), got ${describeJson(v)}`);
  if (x < min || x > max) throw new BookError(record, field, `${x} is outside [${min}, ${max}]`);
  return x;
}

/** A u8/u16/u32 field: a whole JSON number within [min, max]. */
function num(o: JsonObject, key: string, record: string, min: number, max: number, prefix = ""): bigint {
  const v = required(o, key, record, prefix);
  const field = prefix + key;
  if (!(v instanceof JsonNumber) || !/^[0-9]+$/.test(v.raw)) throw new BookError(record, field, `expected a whole JSON number, got ${describeJson(v)}`);
  const x = BigInt(v.raw);
  if (x < BigInt(min) || x > BigInt(max)) throw new BookError(record, field, `${v.raw} is outside [${min}, ${max}]`);
  return x;
}

/** The variant of an SDK enum object ({"perpetual": {}} -> "perpetual"). */
function variant(o: JsonObject, key: string, record: string, prefix = ""): string {
  const v = object(required(o, key, record, prefix), record, prefix + key);
  const keys = Object.keys(v);
  if (keys.length !== 1) throw new BookError(record, prefix + key, `expected an SDK enum object with one variant ({"name": {}}), got ${keys.length} keys`);
  return keys[0]!;
}

/** The market's name: the SDK's 32 bytes, UTF-8, trailing spaces and zeros cut. */
function nameOf(o: JsonObject, record: string, index: bigint, kind = "PERP"): string {
  if (!has(o, "name")) return `${kind}-${index}`;
  const bytes = array(o.name, record, "name");
  const codes = bytes.map((b, i) => {
    if (!(b instanceof JsonNumber) || !/^[0-9]+$/.test(b.raw) || Number(b.raw) > 255) throw new BookError(record, `name[${i}]`, `expected a byte, got ${describeJson(b)}`);
    return Number(b.raw);
  });
  const s = new TextDecoder().decode(new Uint8Array(codes)).replace(/[\s\u0000]+$/u, "");
  return s === "" ? `${kind}-${index}` : s;
}

function doc(text: string, source: string): JsonValue {
  if (typeof text !== "string") throw new BookError(source, "", `expected the file's JSON text, got ${describeValue(text)}`);
  return parseJsonStrict(text, source);
}

// ---------------------------------------------------------------------------------------------
// The markets

interface PerpIn {
  readonly index: bigint;
  readonly record: string;
  readonly o: JsonObject;
}

function readPerpMarkets(text: string, source: string): Map<bigint, PerpIn> {
  const list = array(doc(text, source), source, "");
  const out = new Map<bigint, PerpIn>();
  list.forEach((v, i) => {
    const record = rec(source, `[${i}]`);
    const o = object(v, record, "");
    const index = num(o, "marketIndex", record, 0, 65_535);
    const before = out.get(index);
    if (before !== undefined) throw new BookError(record, "marketIndex", `${index} is also the index of ${before.record}`);
    out.set(index, { index, record, o });
  });
  return out;
}

interface PerpOut {
  readonly index: bigint;
  readonly id: string;
  readonly line: string;
  readonly fundingLong: bigint;
  readonly fundingShort: bigint;
}

function perpMarketOf(m: PerpIn, state: { buffer: bigint; initialPct: bigint }, format: BnFormat): PerpOut {
  const { o, record } = m;
  const status = variant(o, "status", record);
  if (status === "settlement" || status === "delisted") throw new BookError(record, "status", `${quote(status)}: a market in settlement values positions at its expiry price with no margin requirement, which liqscan does not model`);
  const contract = variant(o, "contractType", record);
  if (contract !== "perpetual") throw new BookError(record, "contractType", `${quote(contract)}: liqscan models perpetual markets only (a prediction market's liability is valued otherwise)`);
  const quoteMarket = num(o, "quoteSpotMarketIndex", record, 0, 65_535);
  if (quoteMarket !== 0n) throw new BookError(record, "quoteSpotMarketIndex", `${quoteMarket}: liqscan takes the quote in USDC, spot market 0`);
  const mri = num(o, "marginRatioInitial", record, 1, 10_000);
  const mrm = num(o, "marginRatioMaintenance", record, 1, 10_000);
  if (mri <= mrm) throw new BookError(record, "marginRatioInitial", `${mri} is not above marginRatioMaintenance ${mrm}`);
  const imf = num(o, "imfFactor", record, 0, 1_000_000);
  const weight = num(o, "unrealizedPnlMaintenanceAssetWeight", record, 0, 10_000);
  const fee = num(o, "liquidatorFee", record, 0, 1_000_000);
  const ifFee = num(o, "ifLiquidationFee", record, 0, 1_000_000);
  const amm = object(required(o, "amm", record), record, "amm");
  const step = bn(amm, "orderStepSize", record, format, 1n, I64_MAX, "amm.");
  const history = object(required(amm, "historicalOracleData", record, "amm."), record, "amm.historicalOracleData");
  const price = bn(history, "lastOraclePrice", record, format, I64_MIN, I64_MAX, "amm.historicalOracleData.");
  if (price < 0n) throw new BookError(record, "amm.historicalOracleData.lastOraclePrice", `${price} is negative`);
  const fundingLong = bn(amm, "cumulativeFundingRateLong", record, format, -(1n << 127n), U128_MAX >> 1n, "amm.");
  const fundingShort = bn(amm, "cumulativeFundingRateShort", record, format, -(1n << 127n), U128_MAX >> 1n, "amm.");
  const id = nameOf(o, record, m.index);
  const q = JSON.stringify;
  const r4 = (x: bigint) => q(formatDecimal(x, 4));
  const r6 = (x: bigint) => q(formatDecimal(x, 6));
  const line =
    `    { "id": ${q(id)}, "sizeDecimals": 9, "priceDecimals": 6, "markPrice": ${q(formatDecimal(price, 6))},\n` +
    `      "tiers": [ { "mmr": ${r4(mrm)} } ], "liquidationFee": ${r6(fee)},\n` +
    `      "drift": { "marginRatioInitial": ${r4(mri)}, "imfFactor": ${r6(imf)}, "unrealizedPnlMaintenanceAssetWeight": ${r4(weight)}, ` +
    `"ifLiquidationFee": ${r6(ifFee)}, "liquidationMarginBufferRatio": ${r4(state.buffer)}, "initialPctToLiquidate": ${r4(state.initialPct)}, ` +
    `"orderStepSize": ${q(formatDecimal(step, 9))} } }`;
  return { index: m.index, id, line, fundingLong, fundingShort };
}

interface SpotIn {
  readonly index: bigint;
  readonly record: string;
  readonly o: JsonObject;
  readonly decimals: bigint;
  readonly depositInterest: bigint;
  readonly borrowInterest: bigint;
}

/** The spot markets by index, each with what get_token_amount reads; market 0 (USDC) must be there, with 6 decimals. */
function readSpotMarkets(text: string, source: string, format: BnFormat): Map<bigint, SpotIn> {
  const list = array(doc(text, source), source, "");
  const out = new Map<bigint, SpotIn>();
  list.forEach((v, i) => {
    const record = rec(source, `[${i}]`);
    const o = object(v, record, "");
    const index = num(o, "marketIndex", record, 0, 65_535);
    const before = out.get(index);
    if (before !== undefined) throw new BookError(record, "marketIndex", `spot market ${index} is listed twice (also ${before.record})`);
    const decimals = num(o, "decimals", record, 0, 18);
    if (index === 0n && decimals !== 6n) throw new BookError(record, "decimals", `${decimals}: the quote market (USDC) has QUOTE_PRECISION's 6 decimals`);
    out.set(index, {
      index, record, o, decimals,
      depositInterest: bn(o, "cumulativeDepositInterest", record, format, 0n, U128_MAX),
      borrowInterest: bn(o, "cumulativeBorrowInterest", record, format, 0n, U128_MAX),
    });
  });
  if (!out.has(0n)) throw new BookError(source, "", "has no spot market 0 (USDC, every account's quote collateral)");
  return out;
}

/**
 * A spot market other than USDC as a collateral asset of the book: its name, decimals, the price it
 * last recorded (historicalOracleData.lastOraclePrice, PRICE_PRECISION), its maintenance and
 * initial asset weights and its maintenance liability weight (SPOT_WEIGHT_PRECISION, written as
 * decimals of 1) and its imf factor. The scaled initial weight (scaleInitialAssetWeightStart)
 * bears on the initial weight only and is not applied.
 */
function assetOf(m: SpotIn, format: BnFormat): { id: string; decimals: number; line: string } {
  const { o, record } = m;
  const history = object(required(o, "historicalOracleData", record), record, "historicalOracleData");
  const price = bn(history, "lastOraclePrice", record, format, I64_MIN, I64_MAX, "historicalOracleData.");
  if (price < 0n) throw new BookError(record, "historicalOracleData.lastOraclePrice", `${price} is negative`);
  const w = num(o, "maintenanceAssetWeight", record, 0, 10_000);
  const iw = num(o, "initialAssetWeight", record, 0, 10_000);
  if (iw > w) throw new BookError(record, "initialAssetWeight", `${iw} is above maintenanceAssetWeight ${w}`);
  const lw = num(o, "maintenanceLiabilityWeight", record, 10_000, 1_000_000);
  const imf = num(o, "imfFactor", record, 0, 1_000_000);
  const id = nameOf(o, record, m.index, "SPOT");
  const q = JSON.stringify;
  const line = `    { "id": ${q(id)}, "decimals": ${m.decimals}, "priceDecimals": 6, "price": ${q(formatDecimal(price, 6))}, ` +
    `"maintenanceWeight": ${q(formatDecimal(w, 4))}, "initialWeight": ${q(formatDecimal(iw, 4))}, "liabilityWeight": ${q(formatDecimal(lw, 4))}, "drift": { "imfFactor": ${q(formatDecimal(imf, 6))} } }`;
  return { id, decimals: Number(m.decimals), line };
}

function readState(text: string, source: string): { buffer: bigint; initialPct: bigint } {
  const o = object(doc(text, source), source, "");
  return {
    buffer: num(o, "liquidationMarginBufferRatio", source, 0, 10_000),
    initialPct: num(o, "initialPctToLiquidate", source, 0, 10_000),
  };
}

// ---------------------------------------------------------------------------------------------
// The users

/** math/funding.rs calculate_funding_payment: (rate - last) * |base| / 10^6 / 10^3 / 10^3, signed; longs pay a positive delta. */
export function fundingPayment(marketRate: bigint, lastRate: bigint, base: bigint): bigint {
  const delta = marketRate - lastRate;
  if (delta === 0n) return 0n;
  const magnitude = ((delta < 0n ? -delta : delta) * (base < 0n ? -base : base)) / 1_000_000n / 1_000n;
  const sign = (base > 0n ? -1n : 1n) * (delta > 0n ? 1n : -1n);
  return (magnitude * sign) / 1_000n; // i128 division: toward zero
}

/** math/spot_balance.rs get_token_amount: a deposit rounded down, a borrow up. */
export function tokenAmount(scaledBalance: bigint, m: { readonly decimals: bigint; readonly depositInterest: bigint; readonly borrowInterest: bigint }, borrow: boolean): bigint {
  const decrease = 10n ** (19n - m.decimals);
  const product = scaledBalance * (borrow ? m.borrowInterest : m.depositInterest);
  return borrow ? (product + decrease - 1n) / decrease : product / decrease;
}

interface PositionOut {
  readonly market: bigint;
  readonly size: bigint;
  readonly quote: bigint;
}

interface AccountOut {
  readonly id: string;
  readonly source: string;
  readonly collateral: bigint;
  readonly positions: PositionOut[];
  /** Token amounts (10^-decimals, negative borrowed) by spot market index, other than USDC. */
  readonly balances: Map<bigint, bigint>;
}

function readUser(file: DriftUserFile, index: number, perps: Map<bigint, PerpIn>, outOf: (m: PerpIn) => PerpOut, spotMarkets: Map<bigint, SpotIn>, input: DriftInput, format: BnFormat): AccountOut {
  if (typeof file !== "object" || file === null) throw new BookError(`users[${index}]`, "", `expected {text}, got ${describeValue(file)}`);
  const source = typeof file.source === "string" && file.source !== "" ? file.source : typeof file.id === "string" && file.id !== "" ? file.id : `user ${index + 1}`;
  const u = object(doc(file.text, source), source, "");
  let id = file.id;
  if (id === undefined || id === "") {
    const authority = required(u, "authority", source);
    if (typeof authority !== "string" || authority === "") throw new BookError(source, "authority", `expected the authority's base58 string, got ${describeJson(authority)}`);
    id = `${authority}/${num(u, "subAccountId", source, 0, 65_535)}`;
  }
  if (has(u, "marginMode")) {
    const mode = variant(u, "marginMode", source);
    if (mode !== "default") throw new BookError(source, "marginMode", `${quote(mode)}: high-leverage mode has ratios of its own, which liqscan does not model`);
  }
  // The USDC balance is the collateral; every other spot balance is a balance of its asset.
  let collateral = 0n;
  const balances = new Map<bigint, bigint>();
  const spots = array(required(u, "spotPositions", source), source, "spotPositions");
  spots.forEach((v, i) => {
    const record = rec(source, `spotPositions[${i}]`);
    const s = object(v, record, "");
    const balance = bn(s, "scaledBalance", record, format, 0n, U64_MAX);
    const open = num(s, "openOrders", record, 0, 255);
    if (balance === 0n && open === 0n) return; // an available slot
    const market = num(s, "marketIndex", record, 0, 65_535);
    const spot = spotMarkets.get(market);
    if (spot === undefined) throw new BookError(record, "marketIndex", `${market} is not a market of the spot markets file`);
    if (open !== 0n) throw new BookError(record, "openOrders", `${open} open spot orders: their margin is not modelled`);
    const borrow = variant(s, "balanceType", record) === "borrow";
    const amount = tokenAmount(balance, spot, borrow);
    if (market === 0n) collateral += borrow ? -amount : amount;
    else {
      if (balances.has(market)) throw new BookError(record, "marketIndex", `spot market ${market} is held twice`);
      if (amount > I64_MAX) throw new BookError(record, "scaledBalance", `a balance of ${amount} (10^-${spot.decimals}) does not fit a book's balance`);
      balances.set(market, borrow ? -amount : amount);
    }
  });
  if (collateral < I64_MIN || collateral > I64_MAX) throw new BookError(rec(source, "spotPositions"), "scaledBalance", `a USDC balance of ${formatDecimal(collateral, QUOTE_DECIMALS)} does not fit a book's collateral`);
  const positions: PositionOut[] = [];
  const perpList = array(required(u, "perpPositions", source), source, "perpPositions");
  const held = new Set<bigint>();
  perpList.forEach((v, i) => {
    const record = rec(source, `perpPositions[${i}]`);
    const p = object(v, record, "");
    const base = bn(p, "baseAssetAmount", record, format, I64_MIN, I64_MAX);
    const quoteAmount = bn(p, "quoteAssetAmount", record, format, I64_MIN, I64_MAX);
    const open = num(p, "openOrders", record, 0, 255);
    const bids = bn(p, "openBids", record, format, I64_MIN, I64_MAX);
    const asks = bn(p, "openAsks", record, format, I64_MIN, I64_MAX);
    const lp = has(p, "lpShares") ? bn(p, "lpShares", record, format, 0n, U64_MAX) : 0n;
    const flag = has(p, "positionFlag") ? num(p, "positionFlag", record, 0, 255) : 0n;
    const isolated = has(p, "isolatedPositionScaledBalance") ? bn(p, "isolatedPositionScaledBalance", record, format, 0n, U64_MAX) : 0n;
    const orders = open !== 0n || bids !== 0n || asks !== 0n;
    // PerpPosition::is_available: nothing open, no orders, no unsettled pnl, no isolated balance.
    if (base === 0n && quoteAmount === 0n && !orders && lp === 0n && isolated === 0n && (flag & 1n) === 0n) return;
    const market = num(p, "marketIndex", record, 0, 65_535);
    const m = perps.get(market);
    if (m === undefined) throw new BookError(record, "marketIndex", `${market} is not a market of the perp markets file`);
    if (lp !== 0n) throw new BookError(record, "lpShares", `${lp}: LP positions are not modelled`);
    if ((flag & 1n) !== 0n || isolated !== 0n) throw new BookError(record, (flag & 1n) !== 0n ? "positionFlag" : "isolatedPositionScaledBalance", "an isolated position: liqscan models Drift's cross margin only");
    if (orders && input.withoutOpenOrders !== true) {
      throw new BookError(record, "openOrders", `${open} open orders (bids ${bids}, asks ${asks}): their worst-case fill margin is not modelled; import with withoutOpenOrders (--without-open-orders) to take the account as liquidate_perp does once it has cancelled them`);
    }
    if (held.has(market)) throw new BookError(record, "marketIndex", `market ${market} is held twice`);
    held.add(market);
    const out = outOf(m);
    const last = bn(p, "lastCumulativeFundingRate", record, format, I64_MIN, I64_MAX);
    const funding = base === 0n ? 0n : fundingPayment(base > 0n ? out.fundingLong : out.fundingShort, last, base);
    const q = quoteAmount + funding;
    if (q < I64_MIN || q > I64_MAX) throw new BookError(record, "quoteAssetAmount", `with its unrealized funding (${funding}) it does not fit a book's quote asset amount`);
    positions.push({ market, size: base, quote: q });
  });
  return { id, source, collateral, positions, balances };
}

// ---------------------------------------------------------------------------------------------
// The book

export function importDriftBook(input: DriftInput): DriftImport {
  if (typeof input !== "object" || input === null) throw new BookError("input", "", `expected {perpMarkets, spotMarkets, state, users}, got ${describeValue(input)}`);
  const format: BnFormat = input.bn ?? "hex";
  if (format !== "hex" && format !== "decimal") throw new BookError("input", "bn", `${describeValue(input.bn)} is not "hex" or "decimal"`);
  const perpSource = input.perpMarketsSource || "perp markets";
  const perps = readPerpMarkets(input.perpMarkets, perpSource);
  const spotMarkets = readSpotMarkets(input.spotMarkets, input.spotMarketsSource || "spot markets", format);
  const state = readState(input.state, input.stateSource || "state");
  if (!Array.isArray(input.users)) throw new BookError("input", "users", `expected an array of user accounts, got ${describeValue(input.users)}`);
  const markets = new Map<bigint, PerpOut>();
  const outOf = (m: PerpIn): PerpOut => {
    let out = markets.get(m.index);
    if (out === undefined) {
      out = perpMarketOf(m, state, format);
      markets.set(m.index, out);
    }
    return out;
  };
  const ids = new Map<string, string>();
  const accounts = input.users.map((file, i) => {
    const a = readUser(file, i, perps, outOf, spotMarkets, input, format);
    const before = ids.get(a.id);
    if (before !== undefined) throw new BookError(a.source, "", `account id ${quote(a.id)} is already taken (by ${before}); give each user a distinct ID (--user ID=FILE)`);
    ids.set(a.id, a.source);
    return a;
  });
  const ordered = [...markets.values()].sort((x, y) => (x.index < y.index ? -1 : 1));
  const seenIds = new Map<string, bigint>();
  for (const m of ordered) {
    const other = seenIds.get(m.id);
    if (other !== undefined) throw new BookError(perps.get(m.index)!.record, "name", `${quote(m.id)} is also the name of perp market ${other}`);
    seenIds.set(m.id, m.index);
  }
  // The assets: the spot markets the users hold besides USDC, by index.
  const heldSpots = [...new Set(accounts.flatMap((a) => [...a.balances.keys()]))].sort((x, y) => (x < y ? -1 : 1));
  const assets = new Map(heldSpots.map((k) => [k, assetOf(spotMarkets.get(k)!, format)]));
  const assetIds = new Map<string, bigint>();
  for (const [k, x] of assets) {
    const other = assetIds.get(x.id);
    if (other !== undefined) throw new BookError(spotMarkets.get(k)!.record, "name", `${quote(x.id)} is also the name of spot market ${other}`);
    assetIds.set(x.id, k);
  }
  const q = JSON.stringify;
  let positionCount = 0;
  const accountLines = accounts.map((a) => {
    const held = [...a.balances.entries()].sort(([x], [y]) => (x < y ? -1 : 1));
    const balances = held.length === 0 ? "" : `"balances": { ${held.map(([k, amount]) => `${q(assets.get(k)!.id)}: ${q(formatDecimal(amount, assets.get(k)!.decimals))}`).join(", ")} }, `;
    const head = `    { "id": ${q(a.id)}, "collateral": ${q(formatDecimal(a.collateral, QUOTE_DECIMALS))}, ${balances}"positions": [`;
    if (a.positions.length === 0) return head + "] }";
    const ps = a.positions.map((p) => {
      positionCount++;
      return `{ "market": ${q(markets.get(p.market)!.id)}, "size": ${q(formatDecimal(p.size, 9))}, "quoteAssetAmount": ${q(formatDecimal(p.quote, QUOTE_DECIMALS))} }`;
    });
    return `${head}\n        ${ps.join(",\n        ")}\n      ] }`;
  });
  const list = (lines: string[]): string => (lines.length === 0 ? "[]" : `[\n${lines.join(",\n")}\n  ]`);
  const assetPart = assets.size === 0 ? "" : `,\n  "assets": ${list([...assets.values()].map((x) => x.line))}`;
  const text = `{\n  "venue": "drift-v2",\n  "markets": ${list(ordered.map((m) => m.line))}${assetPart},\n  "accounts": ${list(accountLines)}\n}\n`;
  return { text, markets: ordered.length, accounts: accounts.length, positions: positionCount };
}

/** The venue book of Drift's decoded accounts, as JSON text. */
export function importDrift(input: DriftInput): string {
  return importDriftBook(input).text;
}
