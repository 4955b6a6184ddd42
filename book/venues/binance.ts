/**
 * Binance USDⓈ-M futures: the responses of the venue's REST API -> a venue book (JSON text) in the
 * format of docs/book-format.md ("Venue books"), venue "binance-usdm". docs/venues/binance-usdm.md states
 * the rules and the mapping field by field.
 *
 * Inputs (the bodies of the responses, as text):
 * - `GET /fapi/v1/leverageBracket`: `[{ symbol, brackets: [{ notionalCap, notionalFloor, maintMarginRatio, cum, initialLeverage }] }]`
 *   (or one such object when the request named a symbol);
 * - `GET /fapi/v1/premiumIndex`: `[{ symbol, markPrice }]` (or one object);
 * - `GET /fapi/v2/account` or `/fapi/v3/account`: `{ assets: [{ asset, crossWalletBalance }], positions?: [...] }`;
 * - `GET /fapi/v2/positionRisk` or `/fapi/v3/positionRisk`: `[{ symbol, positionSide, positionAmt, entryPrice, marginType?, isolatedWallet, leverage? }]`;
 * - `GET /fapi/v1/exchangeInfo`: `{ symbols: [{ symbol, quantityPrecision, pricePrecision, marginAsset }] }`.
 *
 * Every value is read from the JSON text (Binance sends brackets as JSON numbers, `0.004`, `50.0`):
 * never through a double, and nothing is rounded. Fields the importer does not use are ignored.
 * Every bad input is a BookError naming the file, the record and the field.
 *
 * Browser-safe: no Node built-ins.
 */
import { BookError, describeValue, quote } from "../errors.js";
import { formatDecimal } from "../decimal.js";
import { JsonNumber, parseJsonStrict } from "../json.js";
import type { JsonObject, JsonValue } from "../json.js";

/** One response body and the name it is reported under (a file name). */
export interface BinanceSource {
  readonly text: string;
  /** How errors name this input; by default the endpoint's name (`leverageBracket`, ...). */
  readonly source?: string;
}

export interface BinanceImportInput {
  readonly brackets: BinanceSource;
  readonly premiumIndex: BinanceSource;
  readonly account: BinanceSource;
  readonly positionRisk: BinanceSource;
  readonly exchangeInfo: BinanceSource;
  /** The clearance-fee rate (a decimal string, at most 6 decimals, in [0, 1]); default DEFAULT_CLEARANCE_FEE. */
  readonly clearanceFee?: string;
  /** Rates of particular symbols (`{ BTCUSDT: "0.01" }`), over `clearanceFee`; each must be a market of the book. */
  readonly clearanceFees?: Readonly<Record<string, string>>;
  /** Id of the API key's account; isolated positions become `<id>/<symbol>[/<LONG|SHORT>]`. Default "account". */
  readonly accountId?: string;
  /**
   * Binance books wallet balances to 10^-8 USDT, and liqscan's quote unit is 10^-6: a balance with
   * more decimals is an error, unless this is given. Then it is rounded down (toward the venue's
   * solvency: at most 0.000001 USDT less collateral) and reported here, one call per balance.
   */
  readonly onRoundedBalance?: (where: string, field: string, from: string, to: string) => void;
}

/**
 * The default clearance-fee rate, 1.25 %. Binance publishes no table of these rates (they are set per
 * symbol and change); 1.25 % is the generic example book's BTC fee, and is in the range
 * users report for the large USDⓈ-M contracts. Pass the rate you know with `clearanceFee`.
 */
export const DEFAULT_CLEARANCE_FEE = "0.0125";
export const DEFAULT_ACCOUNT_ID = "account";

/** The engine's quote unit is 10^-6 USDT: quote amounts (collateral, caps, cum) may have at most this many decimals. */
const QUOTE_DECIMALS = 6;
/** Rates are whole ppm. */
const RATE_DECIMALS = 6;
const MAX_DECIMALS = 18;
const MAX_DECIMALS_SUM = 24;
const I64_MAX = (1n << 63n) - 1n;

// ---------------------------------------------------------------------------------------------
// Exact decimal text

/** A decimal number as the importer keeps it: normalized text, no exponent, no trailing fraction zeros. */
interface Dec {
  /** `-12.5`, `0.004`, `50` (from `50.0`), `0` (from `-0.000`). */
  readonly text: string;
  /** Decimals that carry a nonzero digit's position (trailing zeros do not count). */
  readonly decimals: number;
  readonly negative: boolean;
  readonly zero: boolean;
}

const DECIMAL_RE = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;
const JSON_NUMBER_RE = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/** The normalized decimal of a sign, integer digits, fraction digits and a power of ten (exact). */
function normalize(sign: string, int: string, frac: string, exp: number): Dec {
  let digits = int + frac;
  let point = int.length + exp; // position of the decimal point within `digits`
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += "0".repeat(point - digits.length);
  let ip = digits.slice(0, point).replace(/^0+/, "");
  const fp = digits.slice(point).replace(/0+$/, "");
  if (ip === "") ip = "0";
  const zero = ip === "0" && fp === "";
  const negative = sign === "-" && !zero;
  return { text: (negative ? "-" : "") + ip + (fp === "" ? "" : "." + fp), decimals: fp.length, negative, zero };
}

/** Reads `v` (a JSON number or a decimal string) exactly; null when it is neither. */
function toDec(v: JsonValue | undefined): Dec | null {
  if (v instanceof JsonNumber) {
    const m = JSON_NUMBER_RE.exec(v.raw);
    if (!m) return null;
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 400) return null;
    return normalize(m[1]!, m[2]!, m[3] ?? "", exp);
  }
  if (typeof v === "string") {
    const m = DECIMAL_RE.exec(v);
    if (!m) return null;
    return normalize(m[1]!, m[2]!, m[3] ?? "", 0);
  }
  return null;
}

/** `text` scaled to a count of 10^-decimals units (text has at most `decimals` decimals). */
function scaled(d: Dec, decimals: number): bigint {
  const neg = d.text.startsWith("-");
  const body = neg ? d.text.slice(1) : d.text;
  const [ip, fp = ""] = body.split(".");
  const v = BigInt(ip + fp + "0".repeat(decimals - fp.length));
  return neg ? -v : v;
}

/** The decimal text of `d` with exactly `decimals` decimals (d has at most that many). */
function padded(d: Dec, decimals: number): string {
  if (decimals === 0) return d.text;
  const [ip, fp = ""] = d.text.split(".");
  return `${ip}.${fp}${"0".repeat(decimals - fp.length)}`;
}

function describeJson(v: JsonValue | undefined): string {
  if (v instanceof JsonNumber) return `JSON number ${v.raw.length > 40 ? v.raw.slice(0, 40) + "..." : v.raw}`;
  if (v === undefined) return "nothing";
  return describeValue(v);
}

function shown(v: JsonValue | undefined): string {
  return v instanceof JsonNumber ? v.raw : typeof v === "string" ? quote(v) : describeJson(v);
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function has(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

// ---------------------------------------------------------------------------------------------
// Field readers: each names the record and the field when the value is wrong

class Reader {
  constructor(readonly source: string) {}

  /** Each item of a list keyed by its "symbol", read by `read`; a symbol twice is an error naming both records. */
  bySymbol<T extends { readonly record: string }>(items: readonly JsonValue[], prefix: string, read: (o: JsonObject, record: string) => T): Map<string, T> {
    const out = new Map<string, T>();
    for (let i = 0; i < items.length; i++) {
      const record = itemRecord(prefix, i, items[i]);
      const o = this.object(items[i], record);
      const symbol = this.string(o, record, "symbol");
      const other = out.get(symbol);
      if (other) this.fail(record, "symbol", `duplicate symbol ${quote(symbol)} (also ${other.record})`);
      out.set(symbol, read(o, record));
    }
    return out;
  }

  fail(record: string, field: string, problem: string): never {
    throw new BookError(record === "" ? this.source : `${this.source}: ${record}`, field, problem);
  }

  object(v: JsonValue | undefined, record: string, field = ""): JsonObject {
    if (!isObject(v)) this.fail(record, field, `expected an object, got ${describeJson(v)}`);
    return v;
  }

  array(v: JsonValue | undefined, record: string, field: string): JsonValue[] {
    if (!Array.isArray(v)) this.fail(record, field, `expected an array, got ${describeJson(v)}`);
    return v;
  }

  /** A list response: an array of objects, or (a request for one symbol) one object. */
  list(v: JsonValue): JsonValue[] {
    if (Array.isArray(v)) return v;
    if (isObject(v)) return [v];
    return this.fail("", "", `expected an array of objects (or one object), got ${describeJson(v)}`);
  }

  required(o: JsonObject, record: string, field: string): JsonValue {
    if (!has(o, field)) this.fail(record, field, "missing");
    return o[field]!;
  }

  string(o: JsonObject, record: string, field: string): string {
    const v = this.required(o, record, field);
    if (typeof v !== "string") this.fail(record, field, `expected a string, got ${describeJson(v)}`);
    if (v === "") this.fail(record, field, "is empty");
    return v;
  }

  decimal(o: JsonObject, record: string, field: string): Dec {
    const v = this.required(o, record, field);
    const d = toDec(v);
    if (d === null) this.fail(record, field, `${shown(v)} is not a decimal number (expected a JSON number or a decimal string like "0.004")`);
    return d;
  }

  /** A USDT amount: at most 6 decimals (the engine's quote unit is 10^-6), fitting signed 64 bits. */
  quote(o: JsonObject, record: string, field: string, nonNegative: boolean): Dec {
    const d = this.decimal(o, record, field);
    if (nonNegative && d.negative) this.fail(record, field, `${shown(o[field])} is negative`);
    return this.fitQuote(d, o, record, field);
  }

  /** A wallet balance: a USDT amount, rounded down to 10^-6 when `onRounded` is given (see BinanceImportInput). */
  balance(o: JsonObject, record: string, field: string, onRounded: BinanceImportInput["onRoundedBalance"]): Dec {
    const d = this.decimal(o, record, field);
    if (d.decimals <= QUOTE_DECIMALS || onRounded === undefined) {
      try {
        return this.fitQuote(d, o, record, field);
      } catch (err) {
        if (err instanceof BookError && d.decimals > QUOTE_DECIMALS) {
          throw new BookError(err.record, err.field, `${err.problem}. To round wallet balances down to 10^-6 USDT (toward the venue's solvency) pass --round-balances (API: onRoundedBalance)`);
        }
        throw err;
      }
    }
    const [ip, fp = ""] = d.text.replace("-", "").split(".");
    const kept = fp.slice(0, QUOTE_DECIMALS);
    let units = BigInt(ip + kept.padEnd(QUOTE_DECIMALS, "0"));
    const dropped = /[1-9]/.test(fp.slice(QUOTE_DECIMALS));
    if (d.negative) units = -units - (dropped ? 1n : 0n); // floor: a negative balance rounds away from zero
    const text = formatDecimal(units, QUOTE_DECIMALS);
    const down = toDec(text)!;
    if (dropped) onRounded(`${this.source}: ${record}`, field, d.text, text);
    return this.fitQuote(down, { [field]: text }, record, field);
  }

  private fitQuote(d: Dec, o: JsonObject, record: string, field: string): Dec {
    if (d.decimals > QUOTE_DECIMALS) {
      this.fail(
        record,
        field,
        `${shown(o[field])} has ${d.decimals} decimals: a USDT amount may have at most ${QUOTE_DECIMALS} (the engine's quote unit is 10^-${QUOTE_DECIMALS} USDT; nothing is rounded)`,
      );
    }
    const x = scaled(d, QUOTE_DECIMALS);
    if (x > I64_MAX || -x > I64_MAX) this.fail(record, field, `${shown(o[field])} does not fit a signed 64-bit count of 10^-${QUOTE_DECIMALS} USDT`);
    return d;
  }

  /** A rate in [0, 1] with at most 6 decimals (whole ppm). */
  rate(o: JsonObject, record: string, field: string): Dec {
    const d = this.decimal(o, record, field);
    if (d.decimals > RATE_DECIMALS) this.fail(record, field, `${shown(o[field])} has ${d.decimals} decimals: a rate may have at most ${RATE_DECIMALS} (rates are whole ppm; nothing is rounded)`);
    const ppm = scaled(d, RATE_DECIMALS);
    if (ppm < 0n || ppm > 1_000_000n) this.fail(record, field, `${shown(o[field])} is outside [0, 1]`);
    return d;
  }

  /** A whole number in [min, max], as a JSON number or a string of digits. */
  integer(o: JsonObject, record: string, field: string, min: number, max: number): number {
    const v = this.required(o, record, field);
    const d = toDec(v);
    if (d === null || d.decimals > 0 || d.negative || d.text.length > 12 || Number(d.text) < min || Number(d.text) > max) {
      this.fail(record, field, `${shown(v)} is not a whole number in [${min}, ${max}]`);
    }
    return Number(d.text);
  }
}

/** The record name of element `i` of a list, with its symbol when it has one: `[3] "BTCUSDT"`. */
function itemRecord(prefix: string, i: number, v: JsonValue | undefined, extra = ""): string {
  const sym = isObject(v) && typeof v.symbol === "string" ? ` ${quote(v.symbol)}` : "";
  return `${prefix}[${i}]${sym}${extra}`;
}

// ---------------------------------------------------------------------------------------------
// The responses

interface Bracket {
  readonly cap: Dec;
  readonly mmr: Dec;
  readonly cum: Dec;
  readonly leverage: number;
}

interface SymbolInfo {
  readonly quantityPrecision: number;
  readonly pricePrecision: number;
  readonly marginAsset: string | null;
  readonly record: string;
}

type Side = "BOTH" | "LONG" | "SHORT";

interface Pos {
  readonly symbol: string;
  readonly side: Side;
  readonly amount: Dec;
  readonly entry: Dec;
  readonly isolated: boolean;
  readonly isolatedWallet: Dec | null;
  readonly leverage: number | null;
  readonly record: string;
}

function readExchangeInfo(src: BinanceSource): Map<string, SymbolInfo> {
  const r: Reader = new Reader(src.source ?? "exchangeInfo");
  const top = r.object(parseJsonStrict(src.text, r.source), "");
  const symbols = r.array(r.required(top, "", "symbols"), "", "symbols");
  return r.bySymbol(symbols, "symbols", (o, record) => {
    const quantityPrecision = r.integer(o, record, "quantityPrecision", 0, MAX_DECIMALS);
    const pricePrecision = r.integer(o, record, "pricePrecision", 0, MAX_DECIMALS);
    let marginAsset: string | null = null;
    if (has(o, "marginAsset")) marginAsset = r.string(o, record, "marginAsset");
    return { quantityPrecision, pricePrecision, marginAsset, record };
  });
}

function readPremiumIndex(src: BinanceSource): Map<string, { mark: Dec; record: string }> {
  const r: Reader = new Reader(src.source ?? "premiumIndex");
  const items = r.list(parseJsonStrict(src.text, r.source));
  return r.bySymbol(items, "", (o, record) => {
    const mark = r.decimal(o, record, "markPrice");
    if (mark.negative) r.fail(record, "markPrice", `${shown(o.markPrice)} is negative`);
    return { mark, record };
  });
}

function readBrackets(src: BinanceSource): Map<string, { brackets: Bracket[]; record: string }> {
  const r: Reader = new Reader(src.source ?? "leverageBracket");
  const items = r.list(parseJsonStrict(src.text, r.source));
  return r.bySymbol(items, "", (o, record) => {
    const list = r.array(r.required(o, record, "brackets"), record, "brackets");
    if (list.length === 0) r.fail(record, "brackets", "is empty (at least one bracket is required)");
    const brackets: Bracket[] = [];
    for (let j = 0; j < list.length; j++) {
      const br = `${record} brackets[${j}]`;
      const b = r.object(list[j], br);
      const cap = r.quote(b, br, "notionalCap", true);
      const mmr = r.rate(b, br, "maintMarginRatio");
      const cum = r.quote(b, br, "cum", true);
      const leverage = r.integer(b, br, "initialLeverage", 1, 1_000_000);
      const prev = brackets[j - 1];
      if (has(b, "notionalFloor")) {
        const floor = r.quote(b, br, "notionalFloor", true);
        const expected = prev ? prev.cap.text : "0";
        if (floor.text !== expected) {
          r.fail(br, "notionalFloor", `${shown(b.notionalFloor)} is not ${prev ? `the previous bracket's notionalCap ${expected}` : "0"} (brackets must follow each other without gap or overlap)`);
        }
      }
      if (prev) {
        if (scaled(cap, QUOTE_DECIMALS) <= scaled(prev.cap, QUOTE_DECIMALS)) {
          r.fail(br, "notionalCap", `${shown(b.notionalCap)} is not greater than the previous bracket's ${prev.cap.text} (caps must increase)`);
        }
        if (scaled(mmr, RATE_DECIMALS) < scaled(prev.mmr, RATE_DECIMALS)) {
          r.fail(br, "maintMarginRatio", `${shown(b.maintMarginRatio)} is less than the previous bracket's ${prev.mmr.text} (rates must not decrease)`);
        }
      } else if (cap.zero) {
        r.fail(br, "notionalCap", `${shown(b.notionalCap)} is not > 0`);
      }
      brackets.push({ cap, mmr, cum, leverage });
    }
    return { brackets, record };
  });
}

interface AccountInfo {
  readonly crossWalletBalance: Dec;
  /** (symbol, positionSide) -> the account's `isolated` flag and `leverage` (v2 account only). */
  readonly positions: Map<string, { isolated: boolean | null; leverage: number | null }>;
}

function readAccount(src: BinanceSource, onRounded: BinanceImportInput["onRoundedBalance"]): AccountInfo {
  const r: Reader = new Reader(src.source ?? "account");
  const top = r.object(parseJsonStrict(src.text, r.source), "");
  if (has(top, "multiAssetsMargin") && top.multiAssetsMargin !== false) {
    if (top.multiAssetsMargin !== true) r.fail("", "multiAssetsMargin", `expected true or false, got ${describeJson(top.multiAssetsMargin)}`);
    r.fail("", "multiAssetsMargin", "is true: Multi-Assets mode (collateral in several assets at their haircut prices) is not supported; only single-asset USDT margin is");
  }
  const assets = r.array(r.required(top, "", "assets"), "", "assets");
  let usdt: Dec | null = null;
  let usdtRecord = "";
  for (let i = 0; i < assets.length; i++) {
    const record = `assets[${i}]`;
    const o = r.object(assets[i], record);
    const asset = r.string(o, record, "asset");
    if (asset !== "USDT") continue;
    const rec = `${record} "USDT"`;
    if (usdt !== null) r.fail(rec, "asset", `duplicate asset "USDT" (also ${usdtRecord})`);
    usdt = r.balance(o, rec, "crossWalletBalance", onRounded);
    usdtRecord = record;
  }
  if (usdt === null) r.fail("", "assets", 'has no "USDT" asset (its crossWalletBalance is the cross account\'s collateral)');
  const positions = new Map<string, { isolated: boolean | null; leverage: number | null }>();
  if (has(top, "positions")) {
    const list = r.array(top.positions, "", "positions");
    for (let i = 0; i < list.length; i++) {
      const record = itemRecord("positions", i, list[i]);
      const o = r.object(list[i], record);
      const symbol = r.string(o, record, "symbol");
      const side = has(o, "positionSide") ? readSide(r, o, record) : "BOTH";
      let isolated: boolean | null = null;
      if (has(o, "isolated")) {
        const flag = o.isolated;
        if (typeof flag !== "boolean") r.fail(record, "isolated", `expected true or false, got ${describeJson(flag)}`);
        isolated = flag as boolean;
      }
      const leverage = has(o, "leverage") ? r.integer(o, record, "leverage", 1, 1_000_000) : null;
      positions.set(`${symbol}\u0000${side}`, { isolated, leverage });
    }
  }
  return { crossWalletBalance: usdt as Dec, positions };
}

function readSide(r: Reader, o: JsonObject, record: string): Side {
  const side = r.required(o, record, "positionSide");
  if (side !== "BOTH" && side !== "LONG" && side !== "SHORT") r.fail(record, "positionSide", `${shown(side)} is not "BOTH", "LONG" or "SHORT"`);
  return side;
}

function readPositionRisk(src: BinanceSource, account: AccountInfo, onRounded: BinanceImportInput["onRoundedBalance"]): Pos[] {
  const r: Reader = new Reader(src.source ?? "positionRisk");
  const items = r.list(parseJsonStrict(src.text, r.source));
  const out: Pos[] = [];
  const seen = new Map<string, string>();
  for (let i = 0; i < items.length; i++) {
    const record0 = itemRecord("", i, items[i]);
    const o = r.object(items[i], record0);
    const symbol = r.string(o, record0, "symbol");
    const side = readSide(r, o, record0);
    const record = side === "BOTH" ? record0 : `${record0} ${side}`;
    const amount = r.decimal(o, record, "positionAmt");
    const entry = r.decimal(o, record, "entryPrice");
    if (entry.negative) r.fail(record, "entryPrice", `${shown(o.entryPrice)} is negative`);
    if (has(o, "marginAsset")) {
      const asset = r.string(o, record, "marginAsset");
      if (asset !== "USDT") r.fail(record, "marginAsset", `${quote(asset)} is not "USDT" (only USDT-margined positions are supported)`);
    }
    // Margin mode: positionRisk v2 says `marginType`; else the v2 account's `isolated`; else (v3,
    // which has neither) an isolated position is one with an isolated wallet.
    let isolated: boolean;
    const fromAccount = account.positions.get(`${symbol}\u0000${side}`);
    if (has(o, "marginType")) {
      const t = o.marginType;
      const mode = typeof t === "string" ? t.toLowerCase() : "";
      if (mode !== "cross" && mode !== "crossed" && mode !== "isolated") r.fail(record, "marginType", `${shown(t)} is not "cross" or "isolated"`);
      isolated = mode === "isolated";
    } else if (fromAccount && fromAccount.isolated !== null) {
      isolated = fromAccount.isolated;
    } else {
      isolated = !r.decimal(o, record, "isolatedWallet").zero;
    }
    if (amount.zero) continue; // no position: dropped (positionRisk lists every symbol in v2)
    if (side === "LONG" && amount.negative) r.fail(record, "positionAmt", `${shown(o.positionAmt)} is negative on a LONG position`);
    if (side === "SHORT" && !amount.negative) r.fail(record, "positionAmt", `${shown(o.positionAmt)} is positive on a SHORT position`);
    const isolatedWallet = isolated ? r.balance(o, record, "isolatedWallet", onRounded) : null;
    let leverage: number | null = null;
    if (has(o, "leverage")) leverage = r.integer(o, record, "leverage", 1, 1_000_000);
    else if (fromAccount && fromAccount.leverage !== null) leverage = fromAccount.leverage;
    const key = `${symbol}\u0000${side}`;
    const dup = seen.get(key);
    if (dup !== undefined) r.fail(record, "positionSide", `a second ${side} position in ${quote(symbol)} (also ${dup})`);
    const mixed = side === "BOTH" ? seen.get(`${symbol}\u0000LONG`) ?? seen.get(`${symbol}\u0000SHORT`) : seen.get(`${symbol}\u0000BOTH`);
    if (mixed !== undefined) r.fail(record, "positionSide", `${side} mixed with ${mixed} in ${quote(symbol)} (one-way BOTH and hedge-mode LONG/SHORT cannot both hold a position)`);
    seen.set(key, record);
    out.push({ symbol, side, amount, entry, isolated, isolatedWallet, leverage, record: `${r.source}: ${record}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The book

const q = JSON.stringify;

function checkedId(id: string): string {
  if (typeof id !== "string" || id === "") throw new BookError("importBinance", "accountId", `expected a non-empty string, got ${describeValue(id)}`);
  if (id.includes("/")) throw new BookError("importBinance", "accountId", `${quote(id)} contains "/" (isolated accounts are named "<id>/<symbol>")`);
  return id;
}

function checkedFee(fee: string, field = "clearanceFee"): string {
  const d = typeof fee === "string" ? toDec(fee) : null;
  if (d === null) throw new BookError("importBinance", field, `${typeof fee === "string" ? quote(fee) : describeValue(fee)} is not a decimal rate like "0.0125"`);
  if (d.decimals > RATE_DECIMALS) throw new BookError("importBinance", field, `${quote(fee)} has ${d.decimals} decimals: a rate may have at most ${RATE_DECIMALS} (whole ppm)`);
  if (d.negative || scaled(d, RATE_DECIMALS) > 1_000_000n) throw new BookError("importBinance", field, `${quote(fee)} is outside [0, 1]`);
  return d.text;
}

/** The per-symbol rates, checked; a symbol that holds no position (no market) is an error, not ignored. */
function checkedFees(fees: Readonly<Record<string, string>> | undefined, symbols: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [symbol, fee] of Object.entries(fees ?? {})) {
    const field = `clearanceFees.${symbol}`;
    if (!symbols.includes(symbol)) throw new BookError("importBinance", field, `${quote(symbol)} is not a market of the book (the symbols holding a position: ${symbols.map(quote).join(", ") || "none"})`);
    out.set(symbol, checkedFee(fee, field));
  }
  return out;
}

/**
 * Builds the venue book (docs/book-format.md ("Venue books"), venue "binance-usdm") from the five
 * responses. Returns the JSON text. Throws a BookError naming file, record and field.
 */
export function importBinance(input: BinanceImportInput): string {
  const id = checkedId(input.accountId ?? DEFAULT_ACCOUNT_ID);
  const fee = checkedFee(input.clearanceFee ?? DEFAULT_CLEARANCE_FEE);
  const infoSource = input.exchangeInfo.source ?? "exchangeInfo";
  const markSource = input.premiumIndex.source ?? "premiumIndex";
  const bracketSource = input.brackets.source ?? "leverageBracket";
  const info = readExchangeInfo(input.exchangeInfo);
  const marks = readPremiumIndex(input.premiumIndex);
  const brackets = readBrackets(input.brackets);
  const account = readAccount(input.account, input.onRoundedBalance);
  const positions = readPositionRisk(input.positionRisk, account, input.onRoundedBalance);

  // Markets: the symbols holding a position, in the order of their first position.
  const symbols: string[] = [];
  const bySymbol = new Map<string, Pos[]>();
  for (const p of positions) {
    let list = bySymbol.get(p.symbol);
    if (!list) {
      list = [];
      bySymbol.set(p.symbol, list);
      symbols.push(p.symbol);
    }
    list.push(p);
  }
  const fees = checkedFees(input.clearanceFees, symbols);
  const decimals = new Map<string, { size: number; price: number }>();
  const marketTexts: string[] = [];
  for (const symbol of symbols) {
    const held = bySymbol.get(symbol)!;
    const first = held[0]!;
    const si = info.get(symbol);
    if (!si) throw new BookError(first.record, "symbol", `${quote(symbol)} is not a symbol of ${infoSource}`);
    if (si.marginAsset !== null && si.marginAsset !== "USDT") {
      throw new BookError(`${infoSource}: ${si.record}`, "marginAsset", `${quote(si.marginAsset)} is not "USDT" (only USDT-margined symbols are supported)`);
    }
    const mark = marks.get(symbol);
    if (!mark) throw new BookError(first.record, "symbol", `${quote(symbol)} has no markPrice in ${markSource}`);
    const br = brackets.get(symbol);
    if (!br) throw new BookError(first.record, "symbol", `${quote(symbol)} has no brackets in ${bracketSource}`);
    let size = si.quantityPrecision;
    let price = Math.max(si.pricePrecision, mark.mark.decimals);
    for (const p of held) {
      size = Math.max(size, p.amount.decimals);
      price = Math.max(price, p.entry.decimals);
    }
    const market = `${quote(symbol)}`;
    if (size > MAX_DECIMALS) throw new BookError(first.record, "positionAmt", `market ${market} would need ${size} size decimals (at most ${MAX_DECIMALS})`);
    if (price > MAX_DECIMALS) throw new BookError(`${markSource}: ${mark.record}`, "markPrice", `market ${market} would need ${price} price decimals (at most ${MAX_DECIMALS})`);
    if (size + price > MAX_DECIMALS_SUM) {
      throw new BookError(first.record, "positionAmt", `market ${market} would need ${size} size + ${price} price decimals = ${size + price} (at most ${MAX_DECIMALS_SUM})`);
    }
    decimals.set(symbol, { size, price });
    const tiers = br.brackets.map((b, j) => {
      const last = j === br.brackets.length - 1;
      const cap = last ? "" : `"maxNotional": ${q(b.cap.text)}, `;
      return `        { ${cap}"mmr": ${q(b.mmr.text)}, "cum": ${q(b.cum.text)}, "maxLeverage": ${q(String(b.leverage))} }`;
    });
    marketTexts.push(
      `    { "id": ${q(symbol)}, "sizeDecimals": ${size}, "priceDecimals": ${price}, "markPrice": ${q(padded(mark.mark, price))},\n` +
        `      "liquidationFee": ${q(fees.get(symbol) ?? fee)},\n` +
        `      "tiers": [\n${tiers.join(",\n")}\n      ] }`,
    );
  }

  const positionText = (p: Pos): string => {
    const d = decimals.get(p.symbol)!;
    const side = p.side === "BOTH" ? "" : `, "side": ${q(p.side)}`;
    const leverage = p.leverage === null ? "" : `, "leverage": ${q(String(p.leverage))}`;
    return `{ "market": ${q(p.symbol)}, "size": ${q(padded(p.amount, d.size))}, "entryPrice": ${q(padded(p.entry, d.price))}${side}${leverage} }`;
  };
  const accountText = (accountId: string, margin: string, collateral: Dec, ps: Pos[]): string => {
    const m = margin === "isolated" ? `"margin": "isolated", ` : "";
    const head = `    { "id": ${q(accountId)}, ${m}"collateral": ${q(collateral.text)}, "positions": [`;
    if (ps.length === 0) return head + "] }";
    return `${head}\n        ${ps.map(positionText).join(",\n        ")}\n      ] }`;
  };
  const accounts: string[] = [accountText(id, "cross", account.crossWalletBalance, positions.filter((p) => !p.isolated))];
  for (const p of positions) {
    if (!p.isolated) continue;
    const accountId = p.side === "BOTH" ? `${id}/${p.symbol}` : `${id}/${p.symbol}/${p.side}`;
    accounts.push(accountText(accountId, "isolated", p.isolatedWallet!, [p]));
  }
  return (
    `{\n  "venue": "binance-usdm",\n  "liquidatorShare": "0",\n` +
    `  "markets": [${marketTexts.length ? "\n" + marketTexts.join(",\n") + "\n  " : ""}],\n` +
    `  "accounts": [\n${accounts.join(",\n")}\n  ]\n}\n`
  );
}
