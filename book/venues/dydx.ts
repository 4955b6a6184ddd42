/**
 * dYdX v4 importer: the indexer's own responses -> a venue book (`"venue": "dydx-v4"`,
 * docs/venues/dydx-v4.md), as JSON text. Browser-safe (no Node built-ins).
 *
 * Inputs, as the indexer sends them (https://indexer.dydx.trade/v4):
 * - `GET /v4/perpetualMarkets`: `{"markets": {TICKER: {ticker, oraclePrice, atomicResolution,
 *   initialMarginFraction, maintenanceMarginFraction, openInterest, openInterestLowerCap,
 *   openInterestUpperCap, stepBaseQuantums, ...}}}`.
 * - `GET /v4/addresses/{address}/subaccountNumber/{n}` per subaccount: `{"subaccount":
 *   {openPerpetualPositions: {TICKER: {market, side, size, ...}}, assetPositions: {USDC: {symbol,
 *   side, size}}, ...}}`.
 * - optionally the chain's liquidations config (`GET /dydxprotocol/clob/liquidations_config` of a
 *   node's REST API: `{"liquidations_config": {max_liquidation_fee_ppm, position_block_limits,
 *   subaccount_block_limits}}`); without it, the chain's own values (protocol/testing/genesis.sh,
 *   as on mainnet): 1.5 %, 1,000 USDC, 10 %, 100,000 USDC.
 *
 * Mapping: a market's sizeDecimals is -atomicResolution (0 when the resolution is positive: sizes
 * then count whole coins, which every quantum is a multiple of), its priceDecimals the oracle
 * price's decimals, its tier imr = initialMarginFraction and maintenanceFraction =
 * maintenanceMarginFraction / initialMarginFraction (the indexer sends imf * fraction exactly; a
 * quotient that is not whole ppm is an error). One subaccount is one account: collateral its USDC
 * asset position (SHORT: negative), each open position at entry 0 (the chain values a position at
 * the oracle price; the indexer's average entry price does not enter its margin). Markets are the
 * tickers the subaccounts hold, in the response's order. Every number is read from the JSON text
 * exactly; nothing is rounded: a value the book cannot hold is an error naming the file, the record
 * and the field. Fields not named here are ignored.
 */
import { BookError, describeValue, quote } from "../errors.js";
import { I64_MAX, I64_MIN, NOT_A_DECIMAL, formatDecimal, i64Problem, tryParseDecimal } from "../decimal.js";
import { JsonNumber, parseJsonStrict } from "../json.js";
import type { JsonObject, JsonValue } from "../json.js";
import { MAX_DECIMALS, MAX_DECIMALS_SUM } from "../validate.js";
import { QUOTE_DECIMALS } from "../types.js";
import { has, describeJson, rec, object, required, text, DECIMAL_RE, type Dec } from "./response.js";

export interface DydxSubaccountFile {
  /** The account id in the book. */
  readonly id: string;
  readonly text: string;
  /** The file's name in messages (default `id`). */
  readonly source?: string;
}

/** The chain's liquidations config, as liqscan uses it (quote amounts in USDC quantums). */
export interface DydxLiquidationsConfig {
  readonly maxLiquidationFeePpm: bigint;
  readonly minPositionNotionalLiquidated: bigint;
  readonly maxPositionPortionLiquidatedPpm: bigint;
  readonly subaccountMaxNotionalLiquidated: bigint;
}

/** protocol/testing/genesis.sh (the values mainnet runs with). */
export const DYDX_DEFAULT_LIQUIDATIONS_CONFIG: DydxLiquidationsConfig = {
  maxLiquidationFeePpm: 15_000n,
  minPositionNotionalLiquidated: 1_000_000_000n,
  maxPositionPortionLiquidatedPpm: 100_000n,
  subaccountMaxNotionalLiquidated: 100_000_000_000n,
};

export interface DydxInput {
  /** JSON text of the /v4/perpetualMarkets response. */
  readonly markets: string;
  /** Name of the markets file in messages (default "markets"). */
  readonly marketsSource?: string;
  readonly subaccounts: readonly DydxSubaccountFile[];
  /** JSON text of the liquidations_config response (default: DYDX_DEFAULT_LIQUIDATIONS_CONFIG). */
  readonly liquidationsConfig?: string;
  readonly liquidationsConfigSource?: string;
}

export interface DydxImport {
  readonly text: string;
  readonly markets: number;
  readonly accounts: number;
  readonly positions: number;
}

// ---------------------------------------------------------------------------------------------
// Reading JSON values

/** A value as messages show it: a string in quotes, anything else described. */
function shown(v: JsonValue | undefined): string {
  return typeof v === "string" ? quote(v) : describeJson(v);
}

function decimal(v: JsonValue, record: string, field: string): Dec {
  if (typeof v !== "string") throw new BookError(record, field, `expected a decimal string, got ${describeJson(v)}`);
  if (!DECIMAL_RE.test(v)) throw new BookError(record, field, `${quote(v)} ${NOT_A_DECIMAL}`);
  const dot = v.indexOf(".");
  let decimals = dot < 0 ? 0 : v.length - dot - 1;
  // Trailing zeros say nothing about the value: "0.0300" holds the same as "0.03".
  let t = v;
  while (decimals > 0 && t.endsWith("0")) { t = t.slice(0, -1); decimals--; }
  if (t.endsWith(".")) t = t.slice(0, -1);
  return { text: v, units: tryParseDecimal(t, decimals) as bigint, decimals };
}

/** `d` in units of 10^-decimals, or an error when it has more decimals than that. */
function unitsAt(d: Dec, decimals: number, record: string, field: string, what: string): bigint {
  if (d.decimals > decimals) throw new BookError(record, field, `${quote(d.text)} has more decimals (${d.decimals}) than ${what} (${decimals})`);
  return d.units * 10n ** BigInt(decimals - d.decimals);
}

function fits(units: bigint, d: Dec, decimals: number, record: string, field: string): bigint {
  if (units < I64_MIN || units > I64_MAX) throw new BookError(record, field, `${quote(d.text)} ${i64Problem(units, decimals)}`);
  return units;
}

/** A whole JSON number in [min, max] (atomicResolution, stepBaseQuantums, the config's ppm). */
function integer(v: JsonValue, record: string, field: string, min: bigint, max: bigint): bigint {
  const raw = v instanceof JsonNumber ? v.raw : typeof v === "string" ? v : null;
  if (raw === null || !/^-?[0-9]+$/.test(raw)) throw new BookError(record, field, `expected a whole number, got ${describeJson(v)}`);
  const x = BigInt(raw);
  if (x < min || x > max) throw new BookError(record, field, `${raw} is outside [${min}, ${max}]`);
  return x;
}

const PPM = 1_000_000n;

/** A fraction of one (imf, a fraction) in ppm: at most 6 decimals and at most 1. */
function fractionPpm(d: Dec, record: string, field: string, decimals = 6): bigint {
  const x = unitsAt(d, decimals, record, field, "a whole number of ppm has");
  if (x < 0n || x > 10n ** BigInt(decimals)) throw new BookError(record, field, `${quote(d.text)} is outside [0, 1]`);
  return x;
}

// ---------------------------------------------------------------------------------------------
// The markets

interface MarketIn {
  readonly ticker: string;
  readonly index: number;
  readonly record: string;
  readonly o: JsonObject;
}

function readMarkets(marketsText: string, source: string): Map<string, MarketIn> {
  const doc = object(parseJsonStrict(marketsText, source), source, "");
  const markets = object(required(doc, "markets", source), source, "markets");
  const out = new Map<string, MarketIn>();
  Object.keys(markets).forEach((ticker, index) => {
    const record = rec(source, `markets.${ticker}`);
    const o = object(markets[ticker], record, "");
    if (has(o, "ticker") && o.ticker !== ticker) throw new BookError(record, "ticker", `${shown(o.ticker)} is not the key it is listed under (${quote(ticker)})`);
    out.set(ticker, { ticker, index, record, o });
  });
  return out;
}

interface MarketOut {
  readonly ticker: string;
  readonly index: number;
  readonly sizeDecimals: number;
  /** 10^atomicResolution when the resolution is positive (quantums to whole coins), else 1. */
  readonly coinsPerQuantum: bigint;
  readonly line: string;
}

/** The book's market of one ticker the subaccounts hold (its mark, tier and chain parameters). */
function marketOf(m: MarketIn, config: DydxLiquidationsConfig): MarketOut {
  const { o, record } = m;
  const resolution = integer(required(o, "atomicResolution", record), record, "atomicResolution", -BigInt(MAX_DECIMALS), 30n);
  const sizeDecimals = resolution < 0n ? Number(-resolution) : 0;
  const coinsPerQuantum = resolution > 0n ? 10n ** resolution : 1n;
  const oracleValue = required(o, "oraclePrice", record);
  if (oracleValue === null || oracleValue === "") throw new BookError(record, "oraclePrice", "has no oracle price: a market the subaccounts hold needs one");
  const oracle = decimal(oracleValue, record, "oraclePrice");
  if (oracle.units < 0n) throw new BookError(record, "oraclePrice", `${quote(oracle.text)} is negative`);
  if (oracle.decimals > MAX_DECIMALS) throw new BookError(record, "oraclePrice", `${quote(oracle.text)} has ${oracle.decimals} decimals, more than a book holds (${MAX_DECIMALS})`);
  const priceDecimals = oracle.decimals;
  if (sizeDecimals + priceDecimals > MAX_DECIMALS_SUM) {
    throw new BookError(record, "oraclePrice", `market ${quote(m.ticker)} would need sizeDecimals + priceDecimals = ${sizeDecimals} + ${priceDecimals}, more than a book holds (${MAX_DECIMALS_SUM})`);
  }
  fits(oracle.units, oracle, priceDecimals, record, "oraclePrice");
  // GetMaintenanceMarginPpm: the indexer's maintenanceMarginFraction is imf * fraction / 10^6 ppm, exact.
  const imfDec = decimal(required(o, "initialMarginFraction", record), record, "initialMarginFraction");
  const imf = fractionPpm(imfDec, record, "initialMarginFraction");
  const mmfDec = decimal(required(o, "maintenanceMarginFraction", record), record, "maintenanceMarginFraction");
  const mmf12 = fractionPpm(mmfDec, record, "maintenanceMarginFraction", 12); // imf * fraction, in ppm^2
  let fraction = 0n;
  if (imf === 0n) {
    if (mmf12 !== 0n) throw new BookError(record, "maintenanceMarginFraction", `${quote(mmfDec.text)} with an initialMarginFraction of 0 (maintenance is a fraction of the initial margin)`);
  } else {
    if (mmf12 % imf !== 0n) throw new BookError(record, "maintenanceMarginFraction", `${quote(mmfDec.text)} / ${quote(imfDec.text)} is not a whole number of ppm (the liquidity tier's maintenance fraction)`);
    fraction = mmf12 / imf;
    if (fraction > PPM) throw new BookError(record, "maintenanceMarginFraction", `${quote(mmfDec.text)} is above initialMarginFraction ${quote(imfDec.text)}`);
  }
  const oiDec = decimal(required(o, "openInterest", record), record, "openInterest");
  const oi = fits(unitsAt(oiDec, sizeDecimals, record, "openInterest", "the market's atomic resolution allows"), oiDec, sizeDecimals, record, "openInterest");
  if (oi < 0n) throw new BookError(record, "openInterest", `${quote(oiDec.text)} is negative`);
  const cap = (field: string): bigint => {
    const v = has(o, field) ? o[field]! : null;
    if (v === null) return 0n; // the liquidity tier has none: no scaling
    const d = decimal(v, record, field);
    const units = fits(unitsAt(d, QUOTE_DECIMALS, record, field, "a USDC amount has"), d, QUOTE_DECIMALS, record, field);
    if (units < 0n) throw new BookError(record, field, `${quote(d.text)} is negative`);
    return units;
  };
  const lower = cap("openInterestLowerCap");
  const upper = cap("openInterestUpperCap");
  if (upper !== 0n && lower > upper) throw new BookError(record, "openInterestLowerCap", `is above openInterestUpperCap`);
  const stepQuantums = integer(required(o, "stepBaseQuantums", record), record, "stepBaseQuantums", 1n, I64_MAX);
  const step = stepQuantums * coinsPerQuantum;
  if (step > I64_MAX) throw new BookError(record, "stepBaseQuantums", `${stepQuantums} quantums of 10^${resolution} coins do not fit a size`);
  const q = JSON.stringify;
  const rate = (ppm: bigint) => q(formatDecimal(ppm, 6));
  const money = (x: bigint) => q(formatDecimal(x, QUOTE_DECIMALS));
  const line =
    `    { "id": ${q(m.ticker)}, "sizeDecimals": ${sizeDecimals}, "priceDecimals": ${priceDecimals}, "markPrice": ${q(formatDecimal(oracle.units, priceDecimals))},\n` +
    `      "tiers": [ { "imr": ${rate(imf)}, "maintenanceFraction": ${rate(fraction)} } ], "liquidationFee": ${rate(config.maxLiquidationFeePpm)},\n` +
    `      "dydx": { "stepSize": ${q(formatDecimal(step, sizeDecimals))}, "openInterest": ${q(formatDecimal(oi, sizeDecimals))}, ` +
    `"openInterestLowerCap": ${money(lower)}, "openInterestUpperCap": ${money(upper)}, ` +
    `"minPositionNotionalLiquidated": ${money(config.minPositionNotionalLiquidated)}, "maxPositionPortionLiquidated": ${rate(config.maxPositionPortionLiquidatedPpm)}, ` +
    `"subaccountMaxNotionalLiquidated": ${money(config.subaccountMaxNotionalLiquidated)} } }`;
  return { ticker: m.ticker, index: m.index, sizeDecimals, coinsPerQuantum, line };
}

// ---------------------------------------------------------------------------------------------
// The liquidations config

function readConfig(configText: string, source: string): DydxLiquidationsConfig {
  const doc = object(parseJsonStrict(configText, source), source, "");
  const c = object(required(doc, "liquidations_config", source), source, "liquidations_config");
  const p = "liquidations_config.";
  const pos = object(required(c, "position_block_limits", source, p), source, p + "position_block_limits");
  const sub = object(required(c, "subaccount_block_limits", source, p), source, p + "subaccount_block_limits");
  const U64 = (1n << 64n) - 1n;
  const quoteOf = (v: bigint, field: string) => {
    if (v > I64_MAX) throw new BookError(source, field, `${v} quote quantums do not fit a book's quote amount (at most ${I64_MAX})`);
    return v;
  };
  // liquidations_config.go Validate: the fee and the portion in (0, 10^6], the subaccount limit > 0.
  return {
    maxLiquidationFeePpm: integer(required(c, "max_liquidation_fee_ppm", source, p), source, p + "max_liquidation_fee_ppm", 1n, PPM),
    minPositionNotionalLiquidated: quoteOf(integer(required(pos, "min_position_notional_liquidated", source, p + "position_block_limits."), source, p + "position_block_limits.min_position_notional_liquidated", 0n, U64), p + "position_block_limits.min_position_notional_liquidated"),
    maxPositionPortionLiquidatedPpm: integer(required(pos, "max_position_portion_liquidated_ppm", source, p + "position_block_limits."), source, p + "position_block_limits.max_position_portion_liquidated_ppm", 1n, PPM),
    // A limit above what a book's amounts hold is no limit for any of them: it is kept at 2^63 - 1.
    subaccountMaxNotionalLiquidated: (() => {
      const v = integer(required(sub, "max_notional_liquidated", source, p + "subaccount_block_limits."), source, p + "subaccount_block_limits.max_notional_liquidated", 1n, U64);
      return v > I64_MAX ? I64_MAX : v;
    })(),
  };
}

// ---------------------------------------------------------------------------------------------
// The subaccounts

interface PositionIn {
  readonly ticker: string;
  readonly size: Dec;
  readonly record: string;
}

interface AccountIn {
  readonly id: string;
  readonly collateral: string;
  readonly positions: PositionIn[];
}

function readSubaccount(file: DydxSubaccountFile, index: number, markets: Map<string, MarketIn>): AccountIn {
  if (typeof file !== "object" || file === null) throw new BookError(`subaccounts[${index}]`, "", `expected {id, text}, got ${describeValue(file)}`);
  if (typeof file.id !== "string" || file.id === "") throw new BookError(`subaccounts[${index}]`, "id", `expected a non-empty account id, got ${describeValue(file.id)}`);
  const source = typeof file.source === "string" && file.source !== "" ? file.source : file.id;
  const doc = object(parseJsonStrict(file.text, source), source, "");
  const s = object(required(doc, "subaccount", source), source, "subaccount");
  // The quote balance: the USDC asset position (the indexer adds the unsettled funding to it).
  let collateral = 0n;
  const assets = has(s, "assetPositions") ? object(s.assetPositions, source, "subaccount.assetPositions") : {};
  for (const symbol of Object.keys(assets)) {
    const record = rec(source, `subaccount.assetPositions.${symbol}`);
    if (symbol !== "USDC") throw new BookError(record, "symbol", `${quote(symbol)}: liqscan takes a subaccount's collateral in USDC only (the chain's quote asset)`);
    const a = object(assets[symbol], record, "");
    const size = decimal(required(a, "size", record), record, "size");
    const side = text(required(a, "side", record), record, "side");
    if (side !== "LONG" && side !== "SHORT") throw new BookError(record, "side", `${quote(side)} is not LONG or SHORT`);
    if (size.units < 0n) throw new BookError(record, "size", `${quote(size.text)} is negative (the side says the sign)`);
    const units = fits(unitsAt(size, QUOTE_DECIMALS, record, "size", "a USDC amount has"), size, QUOTE_DECIMALS, record, "size");
    collateral = side === "SHORT" ? -units : units;
  }
  const positions: PositionIn[] = [];
  const open = has(s, "openPerpetualPositions") ? object(s.openPerpetualPositions, source, "subaccount.openPerpetualPositions") : {};
  for (const ticker of Object.keys(open)) {
    const record = rec(source, `subaccount.openPerpetualPositions.${ticker}`);
    const p = object(open[ticker], record, "");
    if (has(p, "market") && p.market !== ticker) throw new BookError(record, "market", `${shown(p.market)} is not the key it is listed under (${quote(ticker)})`);
    if (!markets.has(ticker)) throw new BookError(record, "market", `${quote(ticker)} is not a market of the perpetualMarkets response`);
    if (has(p, "status") && p.status !== "OPEN") throw new BookError(record, "status", `${shown(p.status)}: an open position's status is "OPEN"`);
    const size = decimal(required(p, "size", record), record, "size");
    const side = text(required(p, "side", record), record, "side");
    if (side !== "LONG" && side !== "SHORT") throw new BookError(record, "side", `${quote(side)} is not LONG or SHORT`);
    // The indexer sends a short's size negative; a positive one with side SHORT is taken as its magnitude.
    if (side === "LONG" && size.units < 0n) throw new BookError(record, "size", `${quote(size.text)} is negative but the side is LONG`);
    const signed = side === "SHORT" && size.units > 0n ? { ...size, units: -size.units } : size;
    positions.push({ ticker, size: signed, record });
  }
  return { id: file.id, collateral: formatDecimal(collateral, QUOTE_DECIMALS), positions };
}

// ---------------------------------------------------------------------------------------------
// The book

export function importDydxBook(input: DydxInput): DydxImport {
  if (typeof input !== "object" || input === null) throw new BookError("input", "", `expected {markets, subaccounts}, got ${describeValue(input)}`);
  const marketsSource = typeof input.marketsSource === "string" && input.marketsSource !== "" ? input.marketsSource : "markets";
  const markets = readMarkets(input.markets, marketsSource);
  const config = input.liquidationsConfig === undefined ? DYDX_DEFAULT_LIQUIDATIONS_CONFIG : readConfig(input.liquidationsConfig, input.liquidationsConfigSource || "liquidations config");
  if (!Array.isArray(input.subaccounts)) throw new BookError("input", "subaccounts", `expected an array of subaccounts, got ${describeValue(input.subaccounts)}`);
  const accounts: AccountIn[] = [];
  const ids = new Map<string, string>();
  input.subaccounts.forEach((file, s) => {
    const a = readSubaccount(file, s, markets);
    const source = file.source || file.id;
    const before = ids.get(a.id);
    if (before !== undefined) throw new BookError(source, "", `account id ${quote(a.id)} is already taken (by ${before}); give each subaccount a distinct ID (--subaccount ID=FILE)`);
    ids.set(a.id, source);
    accounts.push(a);
  });
  const held = new Map<string, MarketOut>();
  for (const a of accounts) for (const p of a.positions) if (!held.has(p.ticker)) held.set(p.ticker, marketOf(markets.get(p.ticker)!, config));
  const ordered = [...held.values()].sort((x, y) => x.index - y.index);
  const q = JSON.stringify;
  let positionCount = 0;
  const accountLines = accounts.map((a) => {
    const head = `    { "id": ${q(a.id)}, "collateral": ${q(a.collateral)}, "positions": [`;
    if (a.positions.length === 0) return head + "] }";
    const ps = a.positions.map((p) => {
      positionCount++;
      const m = held.get(p.ticker)!;
      // Whole coins when the resolution is positive: the size is a count of them.
      const units = fits(unitsAt(p.size, m.sizeDecimals, p.record, "size", "the market's atomic resolution allows"), p.size, m.sizeDecimals, p.record, "size");
      if (units % m.coinsPerQuantum !== 0n) throw new BookError(p.record, "size", `${quote(p.size.text)} is not a whole number of the market's quantums (${m.coinsPerQuantum} coins each)`);
      return `{ "market": ${q(p.ticker)}, "size": ${q(formatDecimal(units, m.sizeDecimals))}, "entryPrice": "0" }`;
    });
    return `${head}\n        ${ps.join(",\n        ")}\n      ] }`;
  });
  const list = (lines: string[]): string => (lines.length === 0 ? "[]" : `[\n${lines.join(",\n")}\n  ]`);
  const text = `{\n  "venue": "dydx-v4",\n  "markets": ${list(ordered.map((m) => m.line))},\n  "accounts": ${list(accountLines)}\n}\n`;
  return { text, markets: ordered.length, accounts: accounts.length, positions: positionCount };
}

/** The venue book of a perpetualMarkets response and one subaccount response per account, as JSON text. */
export function importDydx(input: DydxInput): string {
  return importDydxBook(input).text;
}
