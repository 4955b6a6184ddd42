/**
 * The JSON book format of docs/model.md ("The book file"): reading and writing.
 *
 * The reader is a small strict JSON parser rather than JSON.parse, for two reasons: a duplicate key
 * (`"collateral"` twice) must be an error, not silently "last one wins", and a JSON number must be
 * reported exactly as written (`1e400`, `0.1000000000000000055`), never through a float.
 */
import { BookError, bookError, describeValue, quote } from "./errors.js";
import type { RecordName } from "./errors.js";
import { I64_MAX, I64_MIN, formatDecimal, i64Problem, isI64, tryParseDecimal } from "./decimal.js";
import {
  DEPTH_MIN,
  MAX_DECIMALS,
  MAX_DECIMALS_SUM,
  RATE_DECIMALS,
  RATE_MAX_PPM,
  VOLATILITY_MAX_PPM,
  VOLATILITY_MIN_PPM,
  IdIndex,
  accountRecord,
  marketRecord,
  assetRecord,
  LIABILITY_WEIGHT_MAX_PPM,
  LIABILITY_WEIGHT_MIN_PPM,
  MarketHoldings,
  validateBook,
  validateColumns,
} from "./validate.js";
import { QUOTE_DECIMALS } from "./types.js";
import { balancesOf } from "./columns.js";
import { SIDE_CODE, SIDE_NAME, VENUE_NAMES } from "./types.js";
import type { Account, Asset, Balance, Book, BookColumns, DriftMarket, DydxMarket, GmxMarket, Impact, Market, Position, Tier, VenueName, Volatility } from "./types.js";
import { gmxMarketJson, gmxSizeText, parseGmx, parseGmxSize, parseUsdAmount, usdText } from "./gmx-json.js";
import { assetTokenDecimals, balanceImageOf, balanceScale, derived, readWide } from "./gmx-wide.js";

/** An account's balances from columns, the first with its exact tokenAmount from a gmxUsd column where finer (book/gmx-wide.ts). */
function gmxBalances(book: BookColumns, a: number): Balance[] {
  const bs = balancesOf(book, a);
  const b = bs[0];
  if (!book.gmxUsd || b === undefined) return bs;
  const t = readWide(book.gmxUsd, a, 3);
  return t === b.amount * balanceScale(book.assets![b.asset]!) ? bs : [{ ...b, tokenAmount: t }, ...bs.slice(1)];
}

/** gmx-v2 columns: the exact amount, or none where the column holds the image's (book/gmx-wide.ts). */
const fineOrNone = (image: bigint, x: bigint): bigint | undefined => (x === derived(image) ? undefined : x);

// ---------------------------------------------------------------------------------------------
// Strict JSON reader

/** A JSON number, kept as the exact text that was written. */
export class JsonNumber {
  constructor(readonly raw: string) {}
}
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** A JSON object (a key `"__proto__"` is stored as an own property, never as the prototype). */
export interface JsonObject {
  [key: string]: JsonValue;
}

const MAX_DEPTH = 64;

/** Own property test (a JSON object's inherited names such as "constructor" are not its keys). */
function has(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

class JsonReader {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.i = 1; // byte-order mark
  }

  fail(what: string, at = this.i): never {
    let line = 1;
    let lineStart = 0;
    for (let k = this.text.indexOf("\n"); k !== -1 && k < at; k = this.text.indexOf("\n", k + 1)) {
      line++;
      lineStart = k + 1;
    }
    const found = at >= this.text.length ? "end of text" : quote(this.text.slice(at, at + 12));
    throw new BookError(this.source, "", `invalid JSON at line ${line} column ${at - lineStart + 1}: ${what}, found ${found}`);
  }

  private ws(): void {
    const t = this.text;
    let i = this.i;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  document(): JsonValue {
    const v = this.value(0);
    this.ws();
    if (this.i < this.text.length) this.fail("expected the end of the document");
    return v;
  }

  private value(depth: number): JsonValue {
    this.ws();
    const t = this.text;
    const c = t.charCodeAt(this.i);
    if (c === 34) return this.string();
    if (c === 123 || c === 91) {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      return c === 123 ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (t.startsWith("true", this.i)) return (this.i += 4), true;
    if (t.startsWith("false", this.i)) return (this.i += 5), false;
    if (t.startsWith("null", this.i)) return (this.i += 4), null;
    return this.fail("expected a JSON value");
  }

  private object(depth: number): JsonObject {
    const obj: JsonObject = {};
    this.i++; // {
    this.ws();
    if (this.text.charCodeAt(this.i) === 125) {
      this.i++;
      return obj;
    }
    for (;;) {
      this.ws();
      if (this.text.charCodeAt(this.i) !== 34) this.fail('expected a key string ("...")');
      const keyAt = this.i;
      const key = this.string();
      if (has(obj, key)) this.fail(`duplicate key ${quote(key)} in an object`, keyAt);
      this.ws();
      if (this.text.charCodeAt(this.i) !== 58) this.fail('expected ":"');
      this.i++;
      const value = this.value(depth);
      if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      this.ws();
      const c = this.text.charCodeAt(this.i);
      if (c === 44) {
        this.i++;
        continue;
      }
      if (c === 125) {
        this.i++;
        return obj;
      }
      this.fail('expected "," or "}"');
    }
  }

  private array(depth: number): JsonValue[] {
    const arr: JsonValue[] = [];
    this.i++; // [
    this.ws();
    if (this.text.charCodeAt(this.i) === 93) {
      this.i++;
      return arr;
    }
    for (;;) {
      arr.push(this.value(depth));
      this.ws();
      const c = this.text.charCodeAt(this.i);
      if (c === 44) {
        this.i++;
        continue;
      }
      if (c === 93) {
        this.i++;
        return arr;
      }
      this.fail('expected "," or "]"');
    }
  }

  private string(): string {
    const t = this.text;
    let i = this.i + 1;
    let start = i;
    let out = "";
    for (;;) {
      if (i >= t.length) this.fail("unterminated string", this.i);
      const c = t.charCodeAt(i);
      if (c === 34) {
        out += t.slice(start, i);
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) this.fail("control character in a string (write it as an escape)", i);
      if (c === 92) {
        out += t.slice(start, i);
        const e = t.charCodeAt(i + 1);
        switch (e) {
          case 34: out += '"'; break;
          case 92: out += "\\"; break;
          case 47: out += "/"; break;
          case 98: out += "\b"; break;
          case 102: out += "\f"; break;
          case 110: out += "\n"; break;
          case 114: out += "\r"; break;
          case 116: out += "\t"; break;
          case 117: {
            const hex = t.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape", i);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.fail("bad escape in a string", i);
        }
        i += 2;
        start = i;
        continue;
      }
      i++;
    }
  }

  private number(): JsonNumber {
    const t = this.text;
    const start = this.i;
    let i = start;
    const digits = (): void => {
      const from = i;
      while (i < t.length && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
      if (i === from) this.fail("expected a digit", i);
    };
    if (t.charCodeAt(i) === 45) i++;
    if (t.charCodeAt(i) === 48) i++;
    else digits();
    if (t.charCodeAt(i) === 46) {
      i++;
      digits();
    }
    const e = t.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const s = t.charCodeAt(i);
      if (s === 43 || s === 45) i++;
      digits();
    }
    this.i = i;
    return new JsonNumber(t.slice(start, i));
  }
}

/** Parses strict JSON (RFC 8259, duplicate keys rejected); numbers are kept as `JsonNumber` text. */
export function parseJsonStrict(text: string, source = "book"): JsonValue {
  if (typeof text !== "string") throw new BookError(source, "", `expected the JSON text as a string, got ${describeValue(text)}`);
  return new JsonReader(text, source).document();
}

// ---------------------------------------------------------------------------------------------
// JSON value -> Book

function describeJson(v: JsonValue | undefined): string {
  if (v instanceof JsonNumber) return `JSON number ${v.raw.length > 40 ? v.raw.slice(0, 40) + "..." : v.raw}`;
  if (v === undefined) return "nothing";
  return describeValue(v);
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/** Checks that `v` is an object with only `allowed` keys and every `required` one. */
function expectObject(
  v: JsonValue | undefined,
  record: RecordName,
  field: string,
  allowed: readonly string[],
  required: readonly string[],
  prefix = "",
): JsonObject {
  if (!isObject(v)) throw bookError(record, field, `expected an object, got ${describeJson(v)}`);
  for (const key in v) {
    if (!allowed.includes(key) && has(v, key)) {
      throw bookError(record, prefix + key, `unknown field (expected ${allowed.map((k) => prefix + k).join(", ")})`);
    }
  }
  for (const key of required) {
    if (!has(v, key)) throw bookError(record, prefix + key, "missing");
  }
  return v;
}

function expectArray(v: JsonValue | undefined, record: RecordName, field: string): JsonValue[] {
  if (!Array.isArray(v)) throw bookError(record, field, `expected an array, got ${describeJson(v)}`);
  return v;
}

function expectId(v: JsonValue | undefined, record: RecordName): string {
  if (typeof v !== "string") throw bookError(record, "id", `expected a string, got ${describeJson(v)}`);
  if (v === "") throw bookError(record, "id", "is empty");
  return v;
}

/** A decimal string field, parsed exactly; no range check yet. */
function decimalField(v: JsonValue | undefined, decimals: number, decimalsLabel: string, record: RecordName, field: string): bigint {
  if (typeof v !== "string") {
    const hint = v instanceof JsonNumber ? ` (every number of a book is a decimal string: write "${v.raw}")` : "";
    throw bookError(record, field, `expected a decimal string, got ${describeJson(v)}${hint}`);
  }
  const r = tryParseDecimal(v, decimals, decimalsLabel);
  if (typeof r === "string") throw bookError(record, field, `${quote(v)} ${r}`);
  return r;
}

/** A decimal string that is a count of `decimals` units fitting signed 64 bits, with a lower bound. */
function i64Field(v: JsonValue | undefined, decimals: number, decimalsLabel: string, min: bigint, record: RecordName, field: string): bigint {
  const x = decimalField(v, decimals, decimalsLabel, record, field);
  const text = v as string;
  if (!isI64(x)) throw bookError(record, field, `${quote(text)} ${i64Problem(x, decimals)}`);
  if (x < min) {
    if (min === 0n) throw bookError(record, field, `${quote(text)} is negative (must be >= 0)`);
    throw bookError(record, field, `${quote(text)} is below the least allowed ${formatDecimal(min, decimals)}`);
  }
  return x;
}

/** The field readers handed to the gmx-v2 parsers (book/gmx-json.ts). */
const READERS = { expectObject, decimalField, i64Field, decimalsCount };

const RATE_LABEL = `${RATE_DECIMALS} (rates are whole ppm)`;

function rateField(v: JsonValue | undefined, record: RecordName, field: string): bigint {
  const x = decimalField(v, RATE_DECIMALS, RATE_LABEL, record, field);
  if (x < 0n || x > RATE_MAX_PPM) throw bookError(record, field, `${quote(v as string)} is outside [0, 1]`);
  return x;
}

function volatilityField(v: JsonValue | undefined, record: RecordName, field: string): bigint {
  const x = decimalField(v, RATE_DECIMALS, RATE_LABEL, record, field);
  if (x < VOLATILITY_MIN_PPM || x > VOLATILITY_MAX_PPM) throw bookError(record, field, `${quote(v as string)} is outside [0.0001, 10]`);
  return x;
}

function decimalsCount(v: JsonValue | undefined, record: RecordName, field: string): number {
  // A JSON integer as in the spec's example; a string of digits is accepted too ("every number is a decimal string").
  let text: string;
  if (v instanceof JsonNumber) text = v.raw;
  else if (typeof v === "string") text = v;
  else throw bookError(record, field, `expected an integer in [0, ${MAX_DECIMALS}], got ${describeJson(v)}`);
  if (!/^[0-9]{1,3}$/.test(text) || Number(text) > MAX_DECIMALS) {
    throw bookError(record, field, `${v instanceof JsonNumber ? text : quote(text)} is not an integer in [0, ${MAX_DECIMALS}]`);
  }
  return Number(text);
}

const QUOTE_LABEL = `${QUOTE_DECIMALS} (quote amounts are in 10^-${QUOTE_DECIMALS} units)`;

/** What a market and its tiers hold in a book of each venue (docs/venues/). */
interface VenueShape {
  readonly marketFields: readonly string[];
  readonly requiredMarketFields: readonly string[];
  readonly tierFields: readonly string[];
  readonly requiredTierFields: readonly string[];
  /** The tier's rate is 1/(2 maxLeverage): maxLeverage may not increase from tier to tier. */
  readonly leverageDecides: boolean;
}
const MARKET_BASE = ["id", "sizeDecimals", "priceDecimals", "markPrice", "tiers"];
export const VENUE_SHAPES: Readonly<Record<VenueName, VenueShape>> = {
  generic: { marketFields: [...MARKET_BASE, "liquidationFee", "volatility", "impact"], requiredMarketFields: [...MARKET_BASE, "liquidationFee"], tierFields: ["mmr", "imr"], requiredTierFields: ["mmr"], leverageDecides: false },
  "binance-usdm": { marketFields: [...MARKET_BASE, "liquidationFee"], requiredMarketFields: [...MARKET_BASE, "liquidationFee"], tierFields: ["mmr", "cum", "maxLeverage"], requiredTierFields: ["mmr", "cum"], leverageDecides: false },
  hyperliquid: { marketFields: MARKET_BASE, requiredMarketFields: MARKET_BASE, tierFields: ["maxLeverage"], requiredTierFields: ["maxLeverage"], leverageDecides: true },
  "dydx-v4": { marketFields: [...MARKET_BASE, "liquidationFee", "dydx"], requiredMarketFields: [...MARKET_BASE, "liquidationFee", "dydx"], tierFields: ["imr", "maintenanceFraction"], requiredTierFields: ["imr", "maintenanceFraction"], leverageDecides: false },
  "drift-v2": { marketFields: [...MARKET_BASE, "liquidationFee", "drift"], requiredMarketFields: [...MARKET_BASE, "liquidationFee", "drift"], tierFields: ["mmr"], requiredTierFields: ["mmr"], leverageDecides: false },
  "gmx-v2": { marketFields: [...MARKET_BASE, "liquidationFee", "gmx"], requiredMarketFields: [...MARKET_BASE, "liquidationFee", "gmx"], tierFields: ["mmr"], requiredTierFields: ["mmr"], leverageDecides: false },
};

/**
 * A drift-v2 market's `drift` object (docs/venues/drift-v2.md): rates as decimals of 1 in the
 * program's precision (ratios and weights 4 decimals, fees and the imf factor 6), the step in the
 * market's size decimals.
 */
const DRIFT_RATES: readonly (readonly [keyof DriftMarket, number, bigint])[] = [
  ["marginRatioInitial", 4, 10_000n],
  ["imfFactor", 6, 1_000_000n],
  ["unrealizedPnlMaintenanceAssetWeight", 4, 10_000n],
  ["ifLiquidationFee", 6, 1_000_000n],
  ["liquidationMarginBufferRatio", 4, 10_000n],
  ["initialPctToLiquidate", 4, 10_000n],
];
const DRIFT_FIELDS = [...DRIFT_RATES.map(([f]) => f as string), "orderStepSize"];

function parseDrift(v: JsonValue | undefined, record: RecordName, sizeDecimals: number): DriftMarket {
  const o = expectObject(v, record, "drift", DRIFT_FIELDS, DRIFT_FIELDS, "drift.");
  const d: Record<string, bigint> = {};
  for (const [f, decimals, top] of DRIFT_RATES) {
    const x = decimalField(o[f], decimals, `${decimals} (Drift's precision for ${f})`, record, `drift.${f}`);
    if (x < 0n || x > top) throw bookError(record, `drift.${f}`, `${quote(o[f] as string)} is outside [0, 1]`);
    d[f] = x;
  }
  d.orderStepSize = i64Field(o.orderStepSize, sizeDecimals, `the market's sizeDecimals ${sizeDecimals}`, 1n, record, "drift.orderStepSize");
  return d as unknown as DriftMarket;
}

/** A dydx-v4 market's `dydx` object (docs/venues/dydx-v4.md): the chain's step, open interest and block limits. */
const DYDX_FIELDS = ["stepSize", "openInterest", "openInterestLowerCap", "openInterestUpperCap", "minPositionNotionalLiquidated", "maxPositionPortionLiquidated", "subaccountMaxNotionalLiquidated"];

function parseDydx(v: JsonValue | undefined, record: RecordName, sizeDecimals: number): DydxMarket {
  const o = expectObject(v, record, "dydx", DYDX_FIELDS, DYDX_FIELDS, "dydx.");
  const sizeLabel = `the market's sizeDecimals ${sizeDecimals}`;
  const quoteField = (f: string, min = 0n) => i64Field(o[f], QUOTE_DECIMALS, QUOTE_LABEL, min, record, `dydx.${f}`);
  const d: DydxMarket = {
    stepBaseQuantums: i64Field(o.stepSize, sizeDecimals, sizeLabel, 1n, record, "dydx.stepSize"),
    openInterest: i64Field(o.openInterest, sizeDecimals, sizeLabel, 0n, record, "dydx.openInterest"),
    openInterestLowerCap: quoteField("openInterestLowerCap"),
    openInterestUpperCap: quoteField("openInterestUpperCap"),
    minPositionNotionalLiquidated: quoteField("minPositionNotionalLiquidated"),
    maxPositionPortionLiquidatedPpm: rateField(o.maxPositionPortionLiquidated, record, "dydx.maxPositionPortionLiquidated"),
    subaccountMaxNotionalLiquidated: quoteField("subaccountMaxNotionalLiquidated"),
  };
  return d;
}

function parseMarket(v: JsonValue, index: number, shape: VenueShape): Market {
  const idValue = isObject(v) ? v.id : undefined;
  const record = marketRecord(idValue, index);
  const o = expectObject(v, record, "", shape.marketFields, shape.requiredMarketFields);
  const id = expectId(o.id, record);
  const sizeDecimals = decimalsCount(o.sizeDecimals, record, "sizeDecimals");
  const priceDecimals = decimalsCount(o.priceDecimals, record, "priceDecimals");
  if (sizeDecimals + priceDecimals > MAX_DECIMALS_SUM) {
    throw new BookError(record, "priceDecimals", `sizeDecimals + priceDecimals = ${sizeDecimals} + ${priceDecimals} = ${sizeDecimals + priceDecimals} exceeds ${MAX_DECIMALS_SUM}`);
  }
  const markPrice = i64Field(o.markPrice, priceDecimals, `the market's priceDecimals ${priceDecimals}`, 0n, record, "markPrice");
  const tierValues = expectArray(o.tiers, record, "tiers");
  if (tierValues.length === 0) throw new BookError(record, "tiers", "at least one tier is required");
  const tiers: Tier[] = [];
  for (let j = 0; j < tierValues.length; j++) {
    const tierRecord = `${record} tier ${j + 1}`;
    const last = j === tierValues.length - 1;
    const t = expectObject(tierValues[j], tierRecord, "", ["maxNotional", ...shape.tierFields], shape.requiredTierFields);
    let maxNotional: bigint | null = null;
    if (last) {
      if (has(t, "maxNotional")) {
        throw new BookError(tierRecord, "maxNotional", `the last tier must have no maxNotional (it covers every larger notional), got ${describeJson(t.maxNotional)}`);
      }
    } else {
      if (!has(t, "maxNotional")) throw new BookError(tierRecord, "maxNotional", "missing (only the last tier is without maxNotional)");
      maxNotional = i64Field(t.maxNotional, QUOTE_DECIMALS, QUOTE_LABEL, 0n, tierRecord, "maxNotional");
      const prev = j > 0 ? tiers[j - 1].maxNotional : null;
      if (prev !== null && maxNotional <= prev) {
        throw new BookError(tierRecord, "maxNotional", `${quote(t.maxNotional as string)} is not greater than tier ${j}'s ${quote((tierValues[j - 1] as JsonObject).maxNotional as string)} (maxNotional must be strictly increasing)`);
      }
    }
    const tier: { maxNotional: bigint | null; mmrPpm: bigint; cum?: bigint; maxLeverage?: bigint; imrPpm?: bigint; maintenanceFractionPpm?: bigint } = { maxNotional, mmrPpm: 0n };
    if (has(t, "mmr")) {
      tier.mmrPpm = rateField(t.mmr, tierRecord, "mmr");
      if (j > 0 && tier.mmrPpm < tiers[j - 1].mmrPpm) {
        throw new BookError(tierRecord, "mmr", `${quote(t.mmr as string)} is less than tier ${j}'s ${quote((tierValues[j - 1] as JsonObject).mmr as string)} (mmr must be non-decreasing)`);
      }
    }
    if (has(t, "imr")) tier.imrPpm = rateField(t.imr, tierRecord, "imr");
    if (has(t, "maintenanceFraction")) tier.maintenanceFractionPpm = rateField(t.maintenanceFraction, tierRecord, "maintenanceFraction");
    if (has(t, "cum")) tier.cum = i64Field(t.cum, QUOTE_DECIMALS, QUOTE_LABEL, 0n, tierRecord, "cum");
    if (has(t, "maxLeverage")) {
      tier.maxLeverage = i64Field(t.maxLeverage, 0, "0 (a whole number)", 1n, tierRecord, "maxLeverage");
      const prev = j > 0 ? tiers[j - 1].maxLeverage : undefined;
      if (shape.leverageDecides && prev !== undefined && tier.maxLeverage > prev) {
        throw new BookError(tierRecord, "maxLeverage", `${quote(t.maxLeverage as string)} is greater than tier ${j}'s ${quote((tierValues[j - 1] as JsonObject).maxLeverage as string)} (maxLeverage must be non-increasing: the margin rate 1/(2 maxLeverage) does not decrease)`);
      }
    }
    tiers.push(tier);
  }
  const liquidationFeePpm = has(o, "liquidationFee") ? rateField(o.liquidationFee, record, "liquidationFee") : 0n;
  let volatility: Volatility | undefined;
  if (has(o, "volatility")) {
    const vo = expectObject(o.volatility, record, "volatility", ["current", "reference"], ["current", "reference"], "volatility.");
    volatility = {
      currentPpm: volatilityField(vo.current, record, "volatility.current"),
      referencePpm: volatilityField(vo.reference, record, "volatility.reference"),
    };
  }
  let impact: Impact | undefined;
  if (has(o, "impact")) {
    const io = expectObject(o.impact, record, "impact", ["depth", "maxSlippage"], ["depth", "maxSlippage"], "impact.");
    const depthText = io.depth;
    const d = decimalField(depthText, QUOTE_DECIMALS, QUOTE_LABEL, record, "impact.depth");
    if (d < DEPTH_MIN) throw new BookError(record, "impact.depth", `${quote(depthText as string)} is not > 0 (depth is at least 0.000001)`);
    const depth = i64Field(depthText, QUOTE_DECIMALS, QUOTE_LABEL, DEPTH_MIN, record, "impact.depth");
    impact = { depth, maxSlippagePpm: rateField(io.maxSlippage, record, "impact.maxSlippage") };
  }
  const market: Market = { id, sizeDecimals, priceDecimals, markPrice, tiers, liquidationFeePpm };
  if (volatility) (market as { volatility?: Volatility }).volatility = volatility;
  if (impact) (market as { impact?: Impact }).impact = impact;
  if (has(o, "dydx")) (market as { dydx?: DydxMarket }).dydx = parseDydx(o.dydx, record, sizeDecimals);
  if (has(o, "drift")) (market as { drift?: DriftMarket }).drift = parseDrift(o.drift, record, sizeDecimals);
  if (has(o, "gmx")) (market as { gmx?: GmxMarket }).gmx = parseGmx(o.gmx, record, sizeDecimals, priceDecimals, READERS);
  return market;
}

const ACCOUNT_KEYS = ["id", "collateral", "positions"];
const ACCOUNT_FIELDS = [...ACCOUNT_KEYS, "balances"];
const POSITION_KEYS = ["market", "size", "entryPrice"];
/** Labels a venue book may carry: an isolated account, a position's leverage, a hedge-mode side. */
const VENUE_ACCOUNT_KEYS = [...ACCOUNT_FIELDS, "margin"];
const VENUE_POSITION_KEYS = [...POSITION_KEYS, "leverage", "side"];
/** drift-v2: a position's quote asset amount (quote units, signed) in place of an entry price. */
const DRIFT_POSITION_KEYS = ["market", "size", "quoteAssetAmount"];
/** gmx-v2: a position's sizeInUsd (quote units) in place of an entry price; its size with up to the market's tokenDecimals (book/gmx-wide.ts). */
const GMX_POSITION_KEYS = ["market", "size", "sizeInUsd"];

interface Header {
  venue: VenueName | undefined;
  liquidatorSharePpm: bigint;
  markets: Market[];
  marketIndex: Map<string, number>;
  accounts: JsonValue[] | undefined;
  assets: Asset[] | undefined;
  assetIndex: Map<string, number>;
}

const ASSET_FIELDS = ["id", "decimals", "priceDecimals", "price", "maintenanceWeight", "initialWeight", "liabilityWeight"];
/** drift-v2 books: an asset may give its spot market's imf factor (docs/venues/drift-v2.md). */
const ASSET_DRIFT_FIELDS = [...ASSET_FIELDS.slice(0), "drift", "tokenDecimals"];

/** A collateral asset (docs/book-format.md, "Collateral assets"): rates as decimals, the price in the asset's priceDecimals. */
function parseAsset(v: JsonValue, index: number): Asset {
  const record = (): string => assetRecord(isObject(v) ? v.id : undefined, index);
  const o = expectObject(v, record, "", ASSET_DRIFT_FIELDS, ASSET_FIELDS);
  const id = expectId(o.id, record);
  const decimals = decimalsCount(o.decimals, record, "decimals");
  const priceDecimals = decimalsCount(o.priceDecimals, record, "priceDecimals");
  if (decimals + priceDecimals > MAX_DECIMALS_SUM) {
    throw bookError(record, "priceDecimals", `decimals + priceDecimals = ${decimals} + ${priceDecimals} = ${decimals + priceDecimals} exceeds ${MAX_DECIMALS_SUM}`);
  }
  const price = i64Field(o.price, priceDecimals, `the asset's ${priceDecimals}`, 0n, record, "price");
  const maintenanceWeightPpm = rateField(o.maintenanceWeight, record, "maintenanceWeight");
  const initialWeightPpm = rateField(o.initialWeight, record, "initialWeight");
  if (initialWeightPpm > maintenanceWeightPpm) {
    throw bookError(record, "initialWeight", `${quote(o.initialWeight as string)} is above the maintenance weight ${quote(o.maintenanceWeight as string)} (what opens a position counts a deposit for no more than what keeps it open)`);
  }
  const liabilityWeightPpm = decimalField(o.liabilityWeight, RATE_DECIMALS, RATE_LABEL, record, "liabilityWeight");
  if (liabilityWeightPpm < LIABILITY_WEIGHT_MIN_PPM || liabilityWeightPpm > LIABILITY_WEIGHT_MAX_PPM) {
    throw bookError(record, "liabilityWeight", `${quote(o.liabilityWeight as string)} is outside [1, 100] (a borrow counts for at least its value)`);
  }
  const asset: Asset = { id, decimals, priceDecimals, price, maintenanceWeightPpm, initialWeightPpm, liabilityWeightPpm };
  // gmx-v2 books: the decimals in which its balances are exact (book/gmx-wide.ts; validate.ts checks the venue and range).
  if (has(o, "tokenDecimals")) (asset as { tokenDecimals?: number }).tokenDecimals = decimalsCount(o.tokenDecimals, record, "tokenDecimals");
  if (has(o, "drift")) {
    const d = expectObject(o.drift, record, "drift", ["imfFactor"], ["imfFactor"], "drift.");
    const imf = decimalField(d.imfFactor, 6, "6 (Drift's SPOT_IMF_PRECISION)", record, "drift.imfFactor");
    if (imf < 0n || imf > 1_000_000n) throw bookError(record, "drift.imfFactor", `${quote(d.imfFactor as string)} is outside [0, 1]`);
    (asset as { drift?: { imfFactor: bigint } }).drift = { imfFactor: imf };
  }
  return asset;
}

/** The top level and the markets; `accountsRule` says whether `accounts` is required or must be absent/empty. */
function parseHeader(text: string, source: string, accountsRule: "required" | "absent-or-empty"): Header {
  const doc = parseJsonStrict(text, source);
  const venueValue = isObject(doc) ? doc.venue : undefined;
  let venue: VenueName | undefined;
  if (venueValue !== undefined) {
    if (typeof venueValue !== "string" || !(VENUE_NAMES as readonly string[]).includes(venueValue)) {
      throw new BookError(source, "venue", `${describeJson(venueValue)} is not a venue liqscan knows (${VENUE_NAMES.map((n) => quote(n)).join(", ")})`);
    }
    venue = venueValue as VenueName;
  }
  const isGeneric = (venue ?? "generic") === "generic";
  // A venue's own rules say who receives the fee: only the generic model takes a share.
  const required = [...(isGeneric ? ["liquidatorShare"] : []), "markets", ...(accountsRule === "required" ? ["accounts"] : [])];
  const top = expectObject(doc, source, "", ["venue", "liquidatorShare", "markets", "accounts", "assets"], required);
  const liquidatorSharePpm = has(top, "liquidatorShare") ? rateField(top.liquidatorShare, source, "liquidatorShare") : 0n;
  if (!isGeneric && liquidatorSharePpm !== 0n) {
    throw new BookError(source, "liquidatorShare", `${describeJson(top.liquidatorShare)}: a ${venue} book has no liquidator share (its rules say who receives the fee); leave it out or give "0"`);
  }
  const shape = VENUE_SHAPES[venue ?? "generic"];
  const marketValues = expectArray(top.markets, source, "markets");
  const markets: Market[] = [];
  const marketIndex = new Map<string, number>();
  for (let i = 0; i < marketValues.length; i++) {
    const m = parseMarket(marketValues[i], i, shape);
    const other = marketIndex.get(m.id);
    if (other !== undefined) {
      throw new BookError(marketRecord(m.id, i), "id", `duplicate market id ${quote(m.id)} (markets ${other + 1} and ${i + 1})`);
    }
    marketIndex.set(m.id, i);
    markets.push(m);
  }
  let accounts: JsonValue[] | undefined;
  if (has(top, "accounts")) {
    accounts = expectArray(top.accounts, source, "accounts");
    if (accountsRule === "absent-or-empty" && accounts.length > 0) {
      throw new BookError(source, "accounts", `must be absent or empty (accounts are read from accounts.csv and positions.csv), has ${accounts.length}`);
    }
  }
  let assets: Asset[] | undefined;
  const assetIndex = new Map<string, number>();
  if (has(top, "assets")) {
    const values = expectArray(top.assets, source, "assets");
    assets = [];
    for (let i = 0; i < values.length; i++) {
      const x = parseAsset(values[i], i);
      const other = assetIndex.get(x.id);
      if (other !== undefined) throw new BookError(assetRecord(x.id, i), "id", `duplicate asset id ${quote(x.id)} (assets ${other + 1} and ${i + 1})`);
      assetIndex.set(x.id, i);
      assets.push(x);
    }
  }
  return { venue, liquidatorSharePpm, markets, marketIndex, accounts, assets, assetIndex };
}

/**
 * The markets part of a book (`markets.json` of the table forms): `accounts` must be absent or
 * `[]`; `assets`, when present, are the book's collateral assets (their balances are the balances
 * table's).
 */
export function parseMarketsJson(text: string, source = "markets.json"): { venue?: VenueName; liquidatorSharePpm: bigint; markets: Market[]; assets?: Asset[] } {
  const h = parseHeader(text, source, "absent-or-empty");
  return { ...(h.venue ? { venue: h.venue } : {}), liquidatorSharePpm: h.liquidatorSharePpm, markets: h.markets, ...(h.assets ? { assets: h.assets } : {}) };
}

/**
 * Reads a JSON book (docs/model.md, "The book file") into integer units, checking every range and
 * rule. Throws a BookError naming the record and field of the first problem.
 */
export function parseBookJson(text: string): Book {
  const h = parseHeader(text, "book", "required");
  const { markets, marketIndex } = h;
  const accountValues = h.accounts as JsonValue[];
  const accounts: Account[] = new Array(accountValues.length);
  const accountIds: string[] = [];
  const ids = new IdIndex(accountIds, accountValues.length);
  const holdings = new MarketHoldings(markets.length, h.venue ?? "generic");
  const sizeLabels = markets.map((m) => `the market's ${m.sizeDecimals}`);
  const priceLabels = markets.map((m) => `the market's ${m.priceDecimals}`);
  for (let a = 0; a < accountValues.length; a++) {
    const v = accountValues[a];
    const record = (): string => accountRecord(isObject(v) ? v.id : undefined, a);
    const o = expectObject(v, record, "", h.venue ? VENUE_ACCOUNT_KEYS : ACCOUNT_FIELDS, ACCOUNT_KEYS);
    const id = expectId(o.id, record);
    accountIds.push(id);
    const other = ids.add(a);
    if (other >= 0) throw bookError(record, "id", `duplicate account id ${quote(id)} (accounts ${other + 1} and ${a + 1})`);
    // gmx-v2: up to 30 decimals (book/gmx-wide.ts: the image, and the exact amount where finer).
    const gmxCollateral = h.venue === "gmx-v2" ? parseUsdAmount(READERS, o.collateral, -(1n << 256n), record, "collateral") : undefined;
    const collateral = gmxCollateral ? gmxCollateral.image : i64Field(o.collateral, QUOTE_DECIMALS, QUOTE_LABEL, I64_MIN, record, "collateral");
    const balances = has(o, "balances") ? parseBalances(o.balances, h, record) : undefined;
    const posValues = expectArray(o.positions, record, "positions");
    const positions: Position[] = new Array(posValues.length);
    for (let p = 0; p < posValues.length; p++) {
      const posRecord = (): string => `${record()} position ${p + 1}`;
      const drift = h.venue === "drift-v2", gmx = h.venue === "gmx-v2";
      const keys = drift ? DRIFT_POSITION_KEYS : gmx ? GMX_POSITION_KEYS : null;
      const po = expectObject(posValues[p], posRecord, "", keys ?? (h.venue ? VENUE_POSITION_KEYS : POSITION_KEYS), keys ?? POSITION_KEYS);
      const marketId = po.market;
      if (typeof marketId !== "string") throw bookError(posRecord, "market", `expected a market id string, got ${describeJson(marketId)}`);
      const m = marketIndex.get(marketId);
      if (m === undefined) throw bookError(posRecord, "market", `${quote(marketId)} is not a market of the book`);
      const market = markets[m];
      const gmxTokens = gmx && market.gmx !== undefined ? parseGmxSize(READERS, po.size, market, posRecord) : undefined;
      const size = gmxTokens ? gmxTokens.image : i64Field(po.size, market.sizeDecimals, sizeLabels[m], I64_MIN, posRecord, "size");
      const entryPrice = drift
        ? i64Field(po.quoteAssetAmount, QUOTE_DECIMALS, QUOTE_LABEL, I64_MIN, posRecord, "quoteAssetAmount")
        : gmx ? undefined
        : i64Field(po.entryPrice, market.priceDecimals, priceLabels[m], 0n, posRecord, "entryPrice");
      const gmxSize = gmx ? parseUsdAmount(READERS, po.sizeInUsd, 1n, posRecord, "sizeInUsd") : undefined;
      const position: { market: number; size: bigint; entryPrice: bigint; leverage?: bigint; side?: "LONG" | "SHORT"; sizeInUsd30?: bigint; sizeInTokens?: bigint } = { market: m, size, entryPrice: entryPrice ?? gmxSize!.image };
      if (gmxSize?.exact !== undefined) position.sizeInUsd30 = gmxSize.exact;
      if (gmxTokens?.exact !== undefined) position.sizeInTokens = gmxTokens.exact;
      if (has(po, "leverage")) position.leverage = i64Field(po.leverage, 0, "0 (a whole number)", 1n, posRecord, "leverage");
      if (has(po, "side")) {
        if (h.venue !== "binance-usdm") throw bookError(posRecord, "side", `a side is a binance-usdm hedge-mode label; a ${h.venue} position has none`);
        if (po.side !== "LONG" && po.side !== "SHORT" && po.side !== "BOTH") throw bookError(posRecord, "side", `expected "LONG", "SHORT" or "BOTH", got ${describeJson(po.side)}`);
        if (po.side !== "BOTH") position.side = po.side;
      }
      const refused = holdings.hold(a, m, p, position.side === undefined ? 0 : SIDE_CODE[position.side]);
      if (refused !== null) throw bookError(posRecord, "market", `${quote(marketId)} ${refused}`);
      positions[p] = position;
    }
    const account: { id: string; collateral: bigint; positions: Position[]; margin?: "cross" | "isolated"; balances?: Balance[]; collateral30?: bigint } = { id, collateral, positions };
    if (balances && balances.length > 0) account.balances = balances;
    if (gmxCollateral?.exact !== undefined) account.collateral30 = gmxCollateral.exact;
    if (has(o, "margin")) {
      if (o.margin !== "cross" && o.margin !== "isolated") throw bookError(record, "margin", `expected "cross" or "isolated", got ${describeJson(o.margin)}`);
      account.margin = o.margin;
    }
    accounts[a] = account;
  }
  return { ...(h.venue ? { venue: h.venue } : {}), liquidatorSharePpm: h.liquidatorSharePpm, markets, accounts, ...(h.assets ? { assets: h.assets } : {}) };
}

/** An account's balances: an object from asset id to a decimal amount in the asset's decimals (negative: borrowed). */
function parseBalances(v: JsonValue | undefined, h: Header, record: () => string): Balance[] {
  if (!isObject(v)) throw bookError(record, "balances", `expected an object of asset id to amount, got ${describeJson(v)}`);
  const out: Balance[] = [];
  for (const id in v) {
    if (!has(v, id)) continue;
    const k = h.assetIndex.get(id);
    if (k === undefined) {
      const known = h.assets?.length ? `the book's assets are ${h.assets.map((x) => quote(x.id)).join(", ")}` : "the book lists no assets";
      throw bookError(record, `balances.${id}`, `${quote(id)} is not an asset of the book (${known})`);
    }
    const asset = h.assets![k]!;
    if (h.venue === "gmx-v2" && asset.tokenDecimals !== undefined) {
      // Up to the token's decimals: the image (the magnitude floored to the asset's unit) and, where finer, the exact amount.
      const t = decimalField(v[id], asset.tokenDecimals, `the asset's tokenDecimals ${asset.tokenDecimals}`, record, `balances.${id}`);
      const amount = balanceImageOf(t, asset);
      if (amount < I64_MIN || amount > I64_MAX) throw bookError(record, `balances.${id}`, `${describeJson(v[id])} is ${amount} units of 10^-${asset.decimals}, past 64 bits`);
      out.push(t === amount * balanceScale(asset) ? { asset: k, amount } : { asset: k, amount, tokenAmount: t });
      continue;
    }
    out.push({ asset: k, amount: i64Field(v[id], asset.decimals, `the asset's ${asset.decimals}`, I64_MIN, record, `balances.${id}`) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Book -> JSON text

const q = JSON.stringify;

function marketJson(m: Market, indent: string, shape: VenueShape): string {
  const i2 = indent + "  ";
  const lines: string[] = [
    `${i2}"id": ${q(m.id)}, "sizeDecimals": ${m.sizeDecimals}, "priceDecimals": ${m.priceDecimals}, "markPrice": ${q(formatDecimal(m.markPrice, m.priceDecimals))},`,
    `${i2}"tiers": [`,
    m.tiers
      .map((t) => {
        const fields: string[] = [];
        if (t.maxNotional !== null) fields.push(`"maxNotional": ${q(formatDecimal(t.maxNotional, QUOTE_DECIMALS))}`);
        if (shape.tierFields.includes("mmr")) fields.push(`"mmr": ${q(formatDecimal(t.mmrPpm, RATE_DECIMALS))}`);
        if (t.imrPpm !== undefined) fields.push(`"imr": ${q(formatDecimal(t.imrPpm, RATE_DECIMALS))}`);
        if (t.cum !== undefined) fields.push(`"cum": ${q(formatDecimal(t.cum, QUOTE_DECIMALS))}`);
        if (t.maxLeverage !== undefined) fields.push(`"maxLeverage": ${q(t.maxLeverage.toString())}`);
        if (t.maintenanceFractionPpm !== undefined) fields.push(`"maintenanceFraction": ${q(formatDecimal(t.maintenanceFractionPpm, RATE_DECIMALS))}`);
        return `${i2}  { ${fields.join(", ")} }`;
      })
      .join(",\n"),
    `${i2}]`,
  ];
  if (shape.marketFields.includes("liquidationFee")) {
    lines[lines.length - 1] += ",";
    lines.push(`${i2}"liquidationFee": ${q(formatDecimal(m.liquidationFeePpm, RATE_DECIMALS))}`);
  }
  if (m.volatility) {
    lines[lines.length - 1] += ",";
    lines.push(`${i2}"volatility": { "current": ${q(formatDecimal(m.volatility.currentPpm, RATE_DECIMALS))}, "reference": ${q(formatDecimal(m.volatility.referencePpm, RATE_DECIMALS))} }`);
  }
  if (m.impact) {
    lines[lines.length - 1] += ",";
    lines.push(`${i2}"impact": { "depth": ${q(formatDecimal(m.impact.depth, QUOTE_DECIMALS))}, "maxSlippage": ${q(formatDecimal(m.impact.maxSlippagePpm, RATE_DECIMALS))} }`);
  }
  if (m.dydx) {
    const d = m.dydx;
    const money = (x: bigint) => q(formatDecimal(x, QUOTE_DECIMALS));
    lines[lines.length - 1] += ",";
    lines.push(`${i2}"dydx": { "stepSize": ${q(formatDecimal(d.stepBaseQuantums, m.sizeDecimals))}, "openInterest": ${q(formatDecimal(d.openInterest, m.sizeDecimals))}, ` +
      `"openInterestLowerCap": ${money(d.openInterestLowerCap)}, "openInterestUpperCap": ${money(d.openInterestUpperCap)}, ` +
      `"minPositionNotionalLiquidated": ${money(d.minPositionNotionalLiquidated)}, "maxPositionPortionLiquidated": ${q(formatDecimal(d.maxPositionPortionLiquidatedPpm, RATE_DECIMALS))}, ` +
      `"subaccountMaxNotionalLiquidated": ${money(d.subaccountMaxNotionalLiquidated)} }`);
  }
  if (m.drift) {
    const d = m.drift;
    lines[lines.length - 1] += ",";
    const rates = DRIFT_RATES.map(([f, decimals]) => `${q(f)}: ${q(formatDecimal(d[f], decimals))}`);
    lines.push(`${i2}"drift": { ${rates.join(", ")}, "orderStepSize": ${q(formatDecimal(d.orderStepSize, m.sizeDecimals))} }`);
  }
  if (m.gmx) {
    lines[lines.length - 1] += ",";
    lines.push(`${i2}"gmx": ${gmxMarketJson(m)}`);
  }
  return `${indent}{\n${lines.join("\n")}\n${indent}}`;
}

/** The top of a book text, up to and including `"markets": [...]` (no trailing comma or brace). */
function headerJson(liquidatorSharePpm: bigint, markets: readonly Market[], venue: VenueName | undefined): string {
  const shape = VENUE_SHAPES[venue ?? "generic"];
  const ms = markets.map((m) => marketJson(m, "    ", shape)).join(",\n");
  const top = venue === undefined || venue === "generic"
    ? `{\n  "liquidatorShare": ${q(formatDecimal(liquidatorSharePpm, RATE_DECIMALS))},`
    : `{\n  "venue": ${q(venue)},`;
  return `${top}\n  "markets": [${markets.length ? "\n" + ms + "\n  " : ""}]`;
}

/** The markets part alone (`markets.json` of the table forms, without `accounts`), with the book's assets when it lists them. */
export function writeMarketsJson(liquidatorSharePpm: bigint, markets: readonly Market[], venue?: VenueName, assets?: readonly Asset[]): string {
  return headerJson(liquidatorSharePpm, markets, venue) + assetsJson(assets) + "\n}\n";
}

/** A venue book's labels of a position (its leverage, its hedge-mode side), as JSON fields. */
function positionLabels(leverage: bigint | undefined, side: string | undefined): string {
  return (leverage !== undefined ? `, "leverage": ${q(leverage.toString())}` : "") + (side !== undefined ? `, "side": ${q(side)}` : "");
}

function positionJson(market: Market, size: bigint, entry: bigint, labels = "", exact?: bigint, tokens?: bigint): string {
  if (market.gmx !== undefined) {
    return `{ "market": ${q(market.id)}, "size": ${q(gmxSizeText(market, size, tokens))}, "sizeInUsd": ${q(usdText(entry, exact))}${labels} }`;
  }
  if (market.drift !== undefined) {
    return `{ "market": ${q(market.id)}, "size": ${q(formatDecimal(size, market.sizeDecimals))}, "quoteAssetAmount": ${q(formatDecimal(entry, QUOTE_DECIMALS))}${labels} }`;
  }
  return `{ "market": ${q(market.id)}, "size": ${q(formatDecimal(size, market.sizeDecimals))}, "entryPrice": ${q(formatDecimal(entry, market.priceDecimals))}${labels} }`;
}

function balancesJson(assets: readonly Asset[] | undefined, balances: readonly Balance[] | undefined): string {
  if (!balances || balances.length === 0) return "";
  // gmx-v2: an asset with tokenDecimals writes its balances with them (the exact amount, or the image's).
  const text = (b: Balance, x: Asset) => (x.tokenDecimals === undefined ? formatDecimal(b.amount, x.decimals) : formatDecimal(b.tokenAmount ?? b.amount * balanceScale(x), assetTokenDecimals(x)));
  return `"balances": { ${balances.map((b) => `${q(assets![b.asset]!.id)}: ${q(text(b, assets![b.asset]!))}`).join(", ")} }, `;
}

function assetJson(x: Asset): string {
  const rate = (v: bigint) => q(formatDecimal(v, RATE_DECIMALS));
  return `    { "id": ${q(x.id)}, "decimals": ${x.decimals}, "priceDecimals": ${x.priceDecimals}, "price": ${q(formatDecimal(x.price, x.priceDecimals))}, ` +
    `"maintenanceWeight": ${rate(x.maintenanceWeightPpm)}, "initialWeight": ${rate(x.initialWeightPpm)}, "liabilityWeight": ${rate(x.liabilityWeightPpm)}` +
    (x.tokenDecimals !== undefined ? `, "tokenDecimals": ${x.tokenDecimals}` : "") +
    (x.drift ? `, "drift": { "imfFactor": ${rate(x.drift.imfFactor)} } }` : " }");
}

/** The assets part of a book text (`,\n  "assets": [...]`), empty for a book without them. */
function assetsJson(assets: readonly Asset[] | undefined): string {
  if (assets === undefined) return "";
  return `,\n  "assets": [${assets.length ? "\n" + assets.map(assetJson).join(",\n") + "\n  " : ""}]`;
}

function accountJson(id: string, collateral: bigint, positions: string[], isolated = false, balances = "", collateralText = formatDecimal(collateral, QUOTE_DECIMALS)): string {
  const head = `    { "id": ${q(id)}, ${isolated ? '"margin": "isolated", ' : ""}"collateral": ${q(collateralText)}, ${balances}"positions": [`;
  if (positions.length === 0) return head + "] }";
  return `${head}\n        ${positions.join(",\n        ")}\n      ] }`;
}

function isColumns(b: Book | BookColumns): b is BookColumns {
  return typeof b === "object" && b !== null && "accountIds" in b;
}

/**
 * Writes a book (object or column form) as JSON in the spec's format: every amount a decimal string
 * with exactly its field's decimals ("1000.000000", "0.004000", "65000.50"), sizeDecimals and
 * priceDecimals as JSON integers, one market field group / tier / position per line. The book is
 * validated first, so the text always reads back to the same book.
 */
export function writeBookJson(book: Book | BookColumns): string {
  const parts: string[] = [];
  if (isColumns(book)) {
    validateColumns(book);
    const { markets } = book;
    parts.push(headerJson(book.liquidatorSharePpm, markets, book.venue) + assetsJson(book.assets));
    for (let a = 0; a < book.accountIds.length; a++) {
      const ps: string[] = [];
      for (let p = book.positionStart[a]; p < book.positionStart[a + 1]; p++) {
        const leverage = book.positionLeverage?.[p] ? BigInt(book.positionLeverage[p]) : undefined;
        const side = SIDE_NAME[book.positionSide?.[p] ?? 0];
        ps.push(positionJson(markets[book.positionMarket[p]], book.positionSize[p], book.positionEntry[p], positionLabels(leverage, side), book.gmxUsd && p === book.positionStart[a] ? fineOrNone(book.positionEntry[p], readWide(book.gmxUsd, a, 0)) : undefined, book.gmxUsd && p === book.positionStart[a] ? readWide(book.gmxUsd, a, 2) : undefined));
      }
      const gmxCollateral = book.gmxUsd ? usdText(book.collateral[a], fineOrNone(book.collateral[a], readWide(book.gmxUsd, a, 1))) : undefined;
      parts.push(accountJson(book.accountIds[a], book.collateral[a], ps, book.accountIsolated?.[a] === 1, balancesJson(book.assets, gmxBalances(book, a)), gmxCollateral));
    }
  } else {
    validateBook(book);
    const { markets } = book;
    parts.push(headerJson(book.liquidatorSharePpm, markets, book.venue) + assetsJson(book.assets));
    for (const acc of book.accounts) {
      parts.push(accountJson(acc.id, acc.collateral, acc.positions.map((p) => positionJson(markets[p.market], p.size, p.entryPrice, positionLabels(p.leverage, p.side), p.sizeInUsd30, p.sizeInTokens)), acc.margin === "isolated", balancesJson(book.assets, acc.balances), acc.collateral30 !== undefined ? usdText(acc.collateral, acc.collateral30) : undefined));
    }
  }
  const n = parts.length - 1;
  if (n === 0) return parts[0] + ',\n  "accounts": []\n}\n';
  return parts[0] + ',\n  "accounts": [\n' + parts.slice(1).join(",\n") + "\n  ]\n}\n";
}
