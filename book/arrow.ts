/**
 * The Arrow form of a book (docs/book-format.md, "Arrow and Parquet forms"): the same three parts
 * as the CSV form, with the two tables as Apache Arrow tables.
 *
 * - markets: the JSON text of markets.json (venue, liquidatorShare, markets), as in the CSV form;
 * - accounts: columns `id` (string), `collateral` (integer in 10^-6 quote units, or decimal128 of
 *   any scale), and for venue books an optional `margin` ("cross" / "isolated" / null);
 * - positions: `account`, `market` (strings, or dictionary-encoded strings), `size`, `entryPrice`
 *   (integers in the market's units, or decimal128 of any scale, checked exactly against the
 *   market's decimals), and for venue books optional `leverage` (integer, null: none) and `side`
 *   ("LONG" / "SHORT" / "BOTH" / null).
 *
 * Floats are refused: a double cannot hold 0.1, so a float column cannot be read exactly. Nulls are
 * refused in every required column. Every error is a BookError naming the file, the row (from 1)
 * and the column. Parquet (book/parquet.ts) is read and written through these same tables.
 */
import {
  Data,
  Decimal,
  Dictionary,
  Field,
  Int64,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Table,
  Type,
  Uint32,
  Utf8,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  type DataType,
  type Vector,
} from "apache-arrow";
import { BookError, quote } from "./errors.js";
import { I64_MAX, I64_MIN, formatDecimal, int32Words, pow10 } from "./decimal.js";
import { parseMarketsJson, writeMarketsJson } from "./json.js";
import { checkedIds, sameText, validateColumns, withLazyIds } from "./validate.js";
import { ByteIdIndex, checkUtf8Ids, compareBytes, idString, idStrings, idText, sameBytes, type Offsets } from "./id-bytes.js";
import { BALANCE_COLUMNS, balancesWithoutAssets, groupBalances, hasBalancesTable, noBalances, unknownAsset, type BalanceColumns } from "./balances.js";
import { QUOTE_DECIMALS, SIDE_CODE, type Asset, type BookColumns, type Market } from "./types.js";
import { refuseFineGmx } from "./gmx-wide.js";

/** File names of the tables, as errors name them. */
export interface TableFiles {
  readonly accounts: string;
  readonly positions: string;
  /** The balances table (default: the accounts file's name with "balances" for "accounts", e.g. balances.arrow). */
  readonly balances?: string;
}

/** The name errors give the balances table of `files`. */
function balancesFile(files: TableFiles): string {
  return files.balances ?? files.accounts.replace(/^accounts(?=\.|$)/, "balances");
}

export const ACCOUNT_COLUMNS = ["id", "collateral"] as const;
export const POSITION_COLUMNS = ["account", "market", "size", "entryPrice"] as const;
const ACCOUNT_LABELS = ["margin"];
const POSITION_LABELS = ["leverage", "side"];

// ---------------------------------------------------------------------------------------------
// Columns of a table

function typeName(t: DataType): string {
  return String(t);
}

/** The column `name` of `table`, checking that the table has no column it does not know. */
function columnsOf(table: Table, file: string, required: readonly string[], optional: readonly string[]): Map<string, Vector> {
  if (!(table instanceof Table)) throw new BookError(file, "", `expected an Arrow table, got ${table === null ? "null" : typeof table}`);
  const out = new Map<string, Vector>();
  const known = [...required, ...optional];
  table.schema.fields.forEach((f, i) => {
    if (!known.includes(f.name)) {
      throw new BookError(
        file,
        f.name,
        `unknown column (expected ${required.join(", ")}${optional.length > 0 ? `, and for venue books ${optional.join(", ")}` : ""}): ` +
          `liqscan reads every column of a table, so that nothing is dropped unseen; write only these (SELECT ${required.join(", ")} ...)`,
      );
    }
    if (out.has(f.name)) throw new BookError(file, f.name, "the column appears twice");
    out.set(f.name, table.getChildAt(i)!);
  });
  for (const name of required) if (!out.has(name)) throw new BookError(file, name, `missing column (a ${file.replace(/\..*$/, "")} table has columns ${required.join(", ")})`);
  return out;
}

function rowRecord(file: string, row: number): string {
  return `${file} row ${row + 1}`;
}

function nullError(file: string, row: number, field: string): BookError {
  return new BookError(rowRecord(file, row), field, "is null (only the venue labels margin, leverage and side may be null)");
}

/** Row numbers of a column's chunks: chunk k starts at starts[k]. */
function chunkStarts(v: Vector): number[] {
  const starts: number[] = [];
  let s = 0;
  for (const d of v.data) {
    starts.push(s);
    s += d.length;
  }
  return starts;
}

function firstNull(d: Data): number {
  for (let i = 0; i < d.length; i++) if (!d.getValid(i)) return i;
  return -1;
}

function checkNoNulls(v: Vector, file: string, field: string): void {
  const starts = chunkStarts(v);
  v.data.forEach((d, k) => {
    if (d.nullCount > 0) throw nullError(file, starts[k]! + firstNull(d), field);
  });
}

// ---------------------------------------------------------------------------------------------
// Numbers: integer columns in the field's units, decimal128 of any scale

/** A numeric column's reading: the unit of the column (10^-scale) and how to get row i of a chunk. */
type NumericKind = { kind: "int"; signed: boolean; bits: number } | { kind: "decimal"; scale: number };

function numericKind(t: DataType, file: string, field: string, what: string): NumericKind {
  if (t.typeId === Type.Int) {
    const it = t as unknown as { bitWidth: number; isSigned: boolean };
    return { kind: "int", signed: it.isSigned, bits: it.bitWidth };
  }
  if (t.typeId === Type.Decimal) {
    const dt = t as unknown as Decimal;
    if (dt.bitWidth !== 128) throw new BookError(file, field, `is ${typeName(t)} (${dt.bitWidth}-bit); liqscan reads decimal128 and integer columns`);
    return { kind: "decimal", scale: dt.scale };
  }
  if (t.typeId === Type.Float) {
    throw new BookError(
      file,
      field,
      `is a floating-point column (${typeName(t)}): a float cannot hold most decimals exactly (0.1 is not a double), so liqscan does not read it; ` +
        `write ${what} as decimal128 (DuckDB DECIMAL(p, s), Polars Decimal(p, s); any scale up to the market's decimals) or as integers in the field's units (10^-decimals)` +
        (t.typeId === Type.Float && (t as unknown as { precision: number }).precision === 2 ? ` (DuckDB writes HUGEINT and UHUGEINT to Parquet as DOUBLE: cast such a column to BIGINT or DECIMAL(38, s))` : ""),
    );
  }
  const text = t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8 || t.typeId === Type.Utf8View || t.typeId === Type.Dictionary;
  throw new BookError(file, field, `is a ${typeName(t)} column; expected decimal128 or an integer column (${what})` + (text ? ": cast the text to a decimal (DuckDB DECIMAL(p, s), Polars Decimal(p, s)) when writing the table, or give the book as CSV, whose decimal text liqscan reads" : ""));
}

const TWO32 = 4294967296;
const POW10_NUM = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Reads a numeric column into `out` (BigInt64Array in 10^-dec units), `decOf(row)` giving each row's
 * decimals. An integer column holds counts of that unit already; a decimal128 column of scale s is
 * rescaled exactly (a non-zero digit beyond dec is an error, as is a value past 64 bits).
 * `nonNegative` refuses negative values (prices).
 */
function readAmounts(
  v: Vector,
  out: BigInt64Array,
  decOf: (row: number) => number,
  file: string,
  field: string,
  describeDec: (row: number) => string,
  nonNegative: boolean,
): void {
  const kind = numericKind(v.type, file, field, field);
  checkNoNulls(v, file, field);
  const starts = chunkStarts(v);
  const words = int32Words(out);
  const unitLabel = (row: number, dec: number) => `10^-${dec} units`;
  const tooMany = (row: number, text: string) =>
    new BookError(rowRecord(file, row), field, `${quote(text)} has more decimals than ${describeDec(row)}`);
  const tooBig = (row: number, text: string, dec: number) =>
    new BookError(rowRecord(file, row), field, `${quote(text)} does not fit a signed 64-bit count of ${unitLabel(row, dec)}`);
  const negative = (row: number, text: string) => new BookError(rowRecord(file, row), field, `${quote(text)} is negative (prices are >= 0)`);
  v.data.forEach((d, k) => {
    const base = starts[k]!;
    const n = d.length;
    if (kind.kind === "int") {
      const values = d.values as ArrayLike<number | bigint> & { [i: number]: number | bigint };
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
        // the sign (or, unsigned, the top bit) is the high 32-bit word's: read as Int32, no BigInt per row
        const hi = int32Words(new BigInt64Array(values.buffer, values.byteOffset, n));
        if (hi !== null && (nonNegative || values instanceof BigUint64Array)) {
          for (let i = 0; i < n; i++) {
            if (hi[2 * i + 1]! < 0) {
              const x = values[i]!;
              throw x < 0n ? negative(base + i, String(x)) : tooBig(base + i, String(x), decOf(base + i));
            }
          }
        } else if (hi === null) {
          for (let i = 0; i < n; i++) {
            const x = values[i]!;
            if (nonNegative && x < 0n) throw negative(base + i, String(x));
            if (x > I64_MAX) throw tooBig(base + i, String(x), decOf(base + i));
          }
        }
        // one copy of the column (an unsigned column's values are below 2^63 here: the same bits)
        out.set(values instanceof BigInt64Array ? values.subarray(0, n) : new BigInt64Array(values.buffer, values.byteOffset, n), base);
      } else {
        const nums = values as unknown as ArrayLike<number>;
        for (let i = 0; i < n; i++) {
          const x = nums[i]!;
          if (nonNegative && x < 0) throw negative(base + i, String(x));
          const r = base + i;
          if (words !== null) {
            words[2 * r] = x;
            words[2 * r + 1] = x < 0 ? -1 : 0;
          } else out[r] = BigInt(x);
        }
      }
      return;
    }
    // decimal128: four little-endian 32-bit words per value, two's complement
    const w = d.values as Uint32Array;
    const s = kind.scale;
    for (let i = 0; i < n; i++) {
      const row = base + i;
      const dec = decOf(row);
      const w0 = w[4 * i]!, w1 = w[4 * i + 1]!, w2 = w[4 * i + 2]!, w3 = w[4 * i + 3]!;
      const hiSign = (w1 | 0) < 0 ? 0xffffffff : 0;
      // fast path: the value fits 53 bits and needs at most a power of ten up to 10^15
      if (w2 === hiSign && w3 === hiSign && (w1 | 0) >= -2097152 && (w1 | 0) < 2097152) {
        const x = (w1 | 0) * TWO32 + w0; // exact, |x| < 2^53
        if (nonNegative && x < 0) throw negative(row, decimalText(w, i, s));
        if (s === dec) {
          store(out, words, row, x);
          continue;
        }
        if (s < dec && dec - s <= 15) {
          const y = x * POW10_NUM[dec - s]!;
          if (Math.abs(y) <= 9007199254740991) {
            store(out, words, row, y);
            continue;
          }
        } else if (s > dec && s - dec <= 15) {
          const f = POW10_NUM[s - dec]!;
          const q = x / f;
          if (Number.isInteger(q)) {
            store(out, words, row, q);
            continue;
          }
          throw tooMany(row, decimalText(w, i, s));
        }
      }
      // general path, in BigInt
      const big = decimalBig(w, i);
      if (nonNegative && big < 0n) throw negative(row, decimalText(w, i, s));
      let scaled: bigint;
      if (s <= dec) scaled = big * pow10(dec - s);
      else {
        const f = pow10(s - dec);
        if (big % f !== 0n) throw tooMany(row, decimalText(w, i, s));
        scaled = big / f;
      }
      if (scaled < I64_MIN || scaled > I64_MAX) throw tooBig(row, decimalText(w, i, s), dec);
      out[row] = scaled;
    }
  });
}

function store(a: BigInt64Array, w: Int32Array | null, i: number, x: number): void {
  if (w !== null) {
    w[2 * i] = x;
    w[2 * i + 1] = Math.floor(x / TWO32);
  } else a[i] = BigInt(x);
}

function decimalBig(w: Uint32Array, i: number): bigint {
  const u = (BigInt(w[4 * i + 3]!) << 96n) | (BigInt(w[4 * i + 2]!) << 64n) | (BigInt(w[4 * i + 1]!) << 32n) | BigInt(w[4 * i]!);
  return BigInt.asIntN(128, u);
}

function decimalText(w: Uint32Array, i: number, scale: number): string {
  const big = decimalBig(w, i);
  if (scale >= 0) return formatDecimal(big, scale);
  return (big * pow10(-scale)).toString();
}

/** Reads a small non-negative integer label column (leverage): null -> 0. */
function readLeverage(v: Vector, out: Uint32Array, file: string, field: string): void {
  const kind = numericKind(v.type, file, field, "leverage as whole numbers");
  if (kind.kind !== "int") throw new BookError(file, field, `is ${typeName(v.type)}; leverage is a whole number: write it as an integer column`);
  const starts = chunkStarts(v);
  v.data.forEach((d, k) => {
    const base = starts[k]!;
    const values = d.values as ArrayLike<number | bigint>;
    for (let i = 0; i < d.length; i++) {
      if (d.nullCount > 0 && !d.getValid(i)) continue;
      const x = Number(values[i]!);
      if (!(x >= 1 && x <= 0xffffffff)) throw new BookError(rowRecord(file, base + i), field, `${String(values[i])} is not a leverage (a whole number from 1, or null for none)`);
      out[base + i] = x;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Strings

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The strings of one chunk of a string column, as one text and char offsets: for ASCII the byte
 * offsets are the char offsets, and the whole chunk is decoded once (no string per row).
 */
interface TextChunk {
  readonly text: string;
  /** [length + 1] start of row i in text; row i is text[start[i], start[i + 1]). */
  readonly start: Int32Array | Float64Array;
  /** Row indices into `dict` for a dictionary column: then `text`/`start` describe the dictionary. */
  readonly keys?: ArrayLike<number>;
}

/** A dictionary column's chunk: its dictionary and its keys as numbers (64-bit keys converted). */
function dictionaryOf(d: Data, file: string, field: string): { dict: Vector; keys: ArrayLike<number> } {
  const dict = (d as unknown as { dictionary?: Vector }).dictionary;
  if (!dict) throw new BookError(file, field, "a dictionary column without its dictionary");
  const keys = d.values as unknown as ArrayLike<number>;
  return { dict, keys: keys instanceof BigInt64Array || keys instanceof BigUint64Array ? Array.from(keys as unknown as bigint[], Number) : keys };
}

function stringChunk(d: Data, file: string, field: string, base: number): TextChunk {
  const t = d.type;
  if (t.typeId === Type.Dictionary) {
    const { dict, keys } = dictionaryOf(d, file, field);
    const inner = dictionaryText(dict, file, field);
    return { text: inner.text, start: inner.start, keys };
  }
  if (t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8) {
    const bytes = d.values as Uint8Array;
    const offs = d.valueOffsets as Int32Array | BigInt64Array;
    const n = d.length;
    const o0 = Number(offs[0]!), o1 = Number(offs[n]!);
    let ascii = true;
    for (let i = o0; i < o1; i++) {
      if (bytes[i]! >= 128) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const text = o1 > o0 ? asciiText(bytes, o0, o1) : "";
      const start = offs instanceof Int32Array && o0 === 0 ? offs.subarray(0, n + 1) : Float64Array.from({ length: n + 1 }, (_, i) => Number(offs[i]!) - o0);
      return { text, start };
    }
    const parts: string[] = new Array(n);
    const start = new Float64Array(n + 1);
    let len = 0;
    for (let i = 0; i < n; i++) {
      let s: string;
      try {
        s = utf8.decode(bytes.subarray(Number(offs[i]!), Number(offs[i + 1]!)));
      } catch {
        throw new BookError(rowRecord(file, base + i), field, "is not UTF-8 text");
      }
      parts[i] = s;
      start[i] = len;
      len += s.length;
    }
    start[n] = len;
    return { text: parts.join(""), start };
  }
  if (t.typeId === Type.Utf8View) {
    const vec = makeVector(d);
    const parts: string[] = new Array(d.length);
    const start = new Float64Array(d.length + 1);
    let len = 0;
    for (let i = 0; i < d.length; i++) {
      const s = (vec.get(i) as string | null) ?? "";
      parts[i] = s;
      start[i] = len;
      len += s.length;
    }
    start[d.length] = len;
    return { text: parts.join(""), start };
  }
  throw new BookError(file, field, `is a ${typeName(t)} column; expected strings (utf8, large_utf8 or a dictionary of them)`);
}

const ascii = new TextDecoder("utf-8");

/** bytes[s, e), all below 128, as a string (one decoding for a whole chunk of ids). */
function asciiText(bytes: Uint8Array, s: number, e: number): string {
  return ascii.decode(bytes.subarray(s, e));
}

function dictionaryText(dict: Vector, file: string, field: string): { text: string; start: Int32Array | Float64Array } {
  const chunks = dict.data.map((d) => stringChunk(d, file, field, 0));
  if (chunks.length === 1) return chunks[0]!;
  const start = new Float64Array(dict.length + 1);
  let k = 0, len = 0;
  for (const c of chunks) {
    for (let i = 0; i + 1 < c.start.length; i++) start[k++] = len + c.start[i]!;
    len += c.text.length;
  }
  start[k] = len;
  return { text: chunks.map((c) => c.text).join(""), start };
}

/** Row i's text span [s, e) in a chunk (through the dictionary when there is one). */
function span(c: TextChunk, i: number): [number, number] {
  const j = c.keys !== undefined ? c.keys[i]! : i;
  return [c.start[j]!, c.start[j + 1]!];
}


/**
 * One chunk of a string column as bytes, not decoded: row i is bytes[start[j], start[j + 1]),
 * j = keys[i] for a dictionary column (then bytes/start are the dictionary's), else j = i.
 */
interface ByteChunk {
  readonly bytes: Uint8Array;
  readonly start: Offsets;
  readonly keys?: ArrayLike<number>;
}

const utf8Bytes = new TextEncoder();

/** Strings as one UTF-8 byte array and offsets. */
function encodeStrings(strings: readonly string[]): { bytes: Uint8Array; start: Float64Array } {
  const start = new Float64Array(strings.length + 1);
  const parts = strings.map((s) => utf8Bytes.encode(s));
  let len = 0;
  parts.forEach((b, i) => {
    start[i] = len;
    len += b.length;
  });
  start[strings.length] = len;
  const bytes = new Uint8Array(len);
  parts.forEach((b, i) => bytes.set(b, start[i]!));
  return { bytes, start };
}

function byteChunk(d: Data, file: string, field: string): ByteChunk {
  const t = d.type;
  if (t.typeId === Type.Dictionary) {
    const { dict, keys } = dictionaryOf(d, file, field);
    const inner = columnBytes(dict, file, field);
    return { bytes: inner.bytes, start: inner.start, keys };
  }
  if (t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8) {
    const offs = d.valueOffsets as Int32Array | BigInt64Array;
    const n = d.length;
    const start = offs instanceof Int32Array ? offs.subarray(0, n + 1) : Float64Array.from({ length: n + 1 }, (_, i) => Number(offs[i]!));
    return { bytes: d.values as Uint8Array, start };
  }
  if (t.typeId === Type.Utf8View) {
    const vec = makeVector(d);
    return encodeStrings(Array.from({ length: d.length }, (_, i) => (vec.get(i) as string | null) ?? ""));
  }
  throw new BookError(file, field, `is a ${typeName(t)} column; expected strings (utf8, large_utf8 or a dictionary of them)`);
}

/** The rows of a string column as one byte array and offsets (a single plain chunk as it is, without a copy). */
function columnBytes(v: Vector, file: string, field: string): { bytes: Uint8Array; start: Offsets } {
  const chunks = v.data.map((d) => byteChunk(d, file, field));
  if (chunks.length === 1 && chunks[0]!.keys === undefined) return chunks[0]!;
  let total = 0;
  const rows = v.data.reduce((x, d) => x + d.length, 0);
  chunks.forEach((c, k) => {
    const n = v.data[k]!.length;
    if (c.keys === undefined) total += c.start[n]! - c.start[0]!;
    else for (let i = 0; i < n; i++) total += c.start[c.keys[i]! + 1]! - c.start[c.keys[i]!]!;
  });
  const bytes = new Uint8Array(total);
  const start: Offsets = total <= 0x7fffffff ? new Int32Array(rows + 1) : new Float64Array(rows + 1);
  let o = 0, r = 0;
  chunks.forEach((c, k) => {
    const n = v.data[k]!.length;
    const b = c.bytes, st = c.start;
    if (c.keys === undefined) {
      const s0 = st[0]!;
      bytes.set(b.subarray(s0, st[n]!), o);
      for (let i = 0; i < n; i++) start[r++] = o + st[i]! - s0;
      o += st[n]! - s0;
    } else {
      for (let i = 0; i < n; i++) {
        const j = c.keys[i]!;
        start[r++] = o;
        for (let q = st[j]!; q < st[j + 1]!; q++) bytes[o++] = b[q]!;
      }
    }
  });
  start[rows] = o;
  return { bytes, start };
}

const utf8Fatal = new TextDecoder("utf-8", { fatal: true });

/** The text of b[s, e), or null when it is not UTF-8. */
function bytesText(b: Uint8Array, s: number, e: number): string | null {
  try {
    return utf8Fatal.decode(b.subarray(s, e));
  } catch {
    return null;
  }
}

/** Row `row`'s bytes b[s, e) are no id of `ids`: the error names it, or says it is not UTF-8. */
function unknownId(file: string, row: number, field: string, b: Uint8Array, s: number, e: number, what: string): BookError {
  if (s === e) return new BookError(rowRecord(file, row), field, "is empty");
  const text = bytesText(b, s, e);
  if (text === null) return new BookError(rowRecord(file, row), field, "is not UTF-8 text");
  return new BookError(rowRecord(file, row), field, `${quote(text)} ${what}`);
}

/** The accounts' ids as bytes, and their byte index, built on first use (an ascending id column needs none to refuse duplicates). */
interface AccountBytes {
  readonly bytes: Uint8Array;
  readonly start: Offsets;
  readonly n: number;
  /** True when the ids are in strictly ascending byte order. */
  readonly ascending: boolean;
  index(): ByteIdIndex;
}

/**
 * The account at or after `from` whose id is b[s, e), in ascending ids, or -1: a galloping search
 * (rows in accounts order that skip accounts without positions find theirs in a few compares).
 */
function seekAscending(ids: AccountBytes, b: Uint8Array, s: number, e: number, from: number): number {
  const ab = ids.bytes, as = ids.start, n = ids.n;
  let lo = from, k = from, step = 1;
  while (k < n && compareBytes(b, s, e, ab, as[k]!, as[k + 1]!) > 0) {
    lo = k + 1;
    k = from + step;
    step *= 2;
  }
  let hi = Math.min(k, n); // the first id >= the row's is in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(b, s, e, ab, as[mid]!, as[mid + 1]!) > 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && compareBytes(b, s, e, ab, as[lo]!, as[lo + 1]!) === 0 ? lo : -1;
}

/**
 * The account (row of the accounts table) of each row of the string column `col`, comparing
 * bytes with the accounts' id bytes: the previous row's account or the next one in accounts
 * order first (a sorted table needs no hashing), else the byte index; a dictionary's entries are
 * looked up once each. Counts each account's rows into `counts[a + 1]`. The rows' accounts are
 * kept (returned) when `keep` is set or the rows are not in accounts order; null: they were.
 */
function accountsOfRows(col: Vector, file: string, AF: string, ids: AccountBytes, counts: Uint32Array, keep: boolean): Uint32Array | null {
  checkNoNulls(col, file, "account");
  const starts = chunkStarts(col);
  const ab = ids.bytes, as = ids.start, n = ids.n;
  const what = `is not an account of ${AF}`;
  let rows: Uint32Array | null = keep ? new Uint32Array(col.length) : null;
  let last = -1;
  /** Row r's account is a, before the last row's: from here on the rows are kept (those before, in order, rebuilt from the counts). */
  const unsorted = (): Uint32Array => {
    const out = new Uint32Array(col.length);
    let r = 0;
    for (let x = 0; x <= last; x++) for (let c = counts[x + 1]!; c > 0; c--) out[r++] = x;
    return out;
  };
  col.data.forEach((d, k) => {
    const c = byteChunk(d, file, "account");
    const b = c.bytes, st = c.start, keys = c.keys;
    const base = starts[k]!;
    if (keys !== undefined) {
      const byKey = Int32Array.from({ length: st.length - 1 }, (_, j) => (st[j] === st[j + 1] ? -1 : ids.index().find(b, st[j]!, st[j + 1]!)));
      for (let i = 0; i < d.length; i++) {
        const j = keys[i]!;
        const a = byKey[j]!;
        if (a < 0) throw unknownId(file, base + i, "account", b, st[j]!, st[j + 1]!, what);
        if (a < last && rows === null) rows = unsorted();
        if (rows !== null) rows[base + i] = a;
        counts[a + 1]++;
        last = a;
      }
      return;
    }
    for (let i = 0; i < d.length; i++) {
      const s = st[i]!, e = st[i + 1]!;
      let a = -1;
      if (last >= 0 && sameBytes(b, s, e, ab, as[last]!, as[last + 1]! - as[last]!)) a = last;
      else if (last + 1 < n && sameBytes(b, s, e, ab, as[last + 1]!, as[last + 2]! - as[last + 1]!)) a = last + 1;
      else if (s < e) {
        if (ids.ascending && last + 2 < n) a = seekAscending(ids, b, s, e, last + 2);
        if (a < 0) a = ids.index().find(b, s, e);
      }
      if (a < 0) throw unknownId(file, base + i, "account", b, s, e, what);
      if (a < last && rows === null) rows = unsorted();
      if (rows !== null) rows[base + i] = a;
      counts[a + 1]++;
      last = a;
    }
  });
  return rows;
}

/**
 * Checks the accounts' ids (none empty, none twice; errors in row order) and gives their bytes
 * with a byte index. Ids in strictly ascending byte order (a generated or exported book, usually)
 * cannot repeat: then the index is built only if a lookup needs it.
 */
function checkIds(ids: { bytes: Uint8Array; start: Offsets }, n: number, AF: string): AccountBytes {
  const { bytes, start } = ids;
  let a = 0;
  for (; a < n; a++) {
    if (start[a] === start[a + 1]) break;
    if (a > 0 && compareBytes(bytes, start[a - 1]!, start[a]!, bytes, start[a]!, start[a + 1]!) >= 0) break;
  }
  let index: ByteIdIndex | null = null;
  const build = (check: boolean): ByteIdIndex => {
    const x = new ByteIdIndex(bytes, start, n);
    for (let r = 0; r < n; r++) {
      if (check && start[r] === start[r + 1]) throw new BookError(rowRecord(AF, r), "id", "is empty");
      const other = x.add(r);
      if (other >= 0) throw new BookError(rowRecord(AF, r), "id", `duplicate account id ${quote(idText(bytes, start, r))} (also row ${other + 1})`);
    }
    return x;
  };
  if (a < n) index = build(true);
  return { bytes, start, n, ascending: a === n, index: () => (index ??= build(false)) };
}

// ---------------------------------------------------------------------------------------------
// Reader

/**
 * A book from its Arrow tables (see the top of this file): `marketsJson` is markets.json, and
 * `files` names the tables in errors (`positions.arrow row 17: field "size": ...`).
 */
export function bookFromArrowTables(marketsJson: string, accounts: Table, positions: Table, files: TableFiles = { accounts: "accounts.arrow", positions: "positions.arrow" }, balances?: Table): BookColumns {
  const { venue, liquidatorSharePpm, markets, assets } = parseMarketsJson(marketsJson, "markets.json");
  const AF = files.accounts, PF = files.positions;
  if (balances !== undefined && !assets?.length) throw balancesWithoutAssets(balancesFile(files));
  const ac = columnsOf(accounts, AF, ACCOUNT_COLUMNS, ACCOUNT_LABELS);
  const pc = columnsOf(positions, PF, POSITION_COLUMNS, POSITION_LABELS);
  const n = accounts.numRows;
  const np = positions.numRows;
  if (np > 0xffffffff) throw new RangeError(`a book holds at most 2^32-1 positions, ${PF} has ${np}`);

  // accounts: ids as bytes (a plain column as it is), duplicates through the byte index, then one string each
  const idCol = ac.get("id")!;
  checkNoNulls(idCol, AF, "id");
  const idBytes = columnBytes(idCol, AF, "id");
  const notUtf8 = (a: number) => new BookError(rowRecord(AF, a), "id", "is not UTF-8 text");
  checkUtf8Ids(idBytes.bytes, idBytes.start, n, notUtf8);
  const ids = checkIds(idBytes, n, AF);
  // The ids' strings are made last, once every big column is allocated: each 64 MiB or so of
  // new ArrayBuffers starts a full garbage collection, which would mark every id string made
  // before it (at 5M accounts that made the load's time grow faster than the book).
  const collateral = new BigInt64Array(n);
  readAmounts(ac.get("collateral")!, collateral, () => QUOTE_DECIMALS, AF, "collateral", () => `${QUOTE_DECIMALS} (quote amounts are in 10^-${QUOTE_DECIMALS} units)`, false);
  let accountIsolated: Uint8Array | undefined;
  const marginCol = ac.get("margin");
  if (marginCol) {
    accountIsolated = new Uint8Array(n);
    readLabels(marginCol, AF, "margin", { cross: 0, isolated: 1 }, accountIsolated);
  }

  // positions: account and market to indices, then the amounts in each row's market units
  const rowMarket = new Uint32Array(np);
  {
    const col = pc.get("market")!;
    checkNoNulls(col, PF, "market");
    const mk = encodeStrings(markets.map((m) => m.id));
    const mb = mk.bytes, ms = mk.start, nm = markets.length;
    const starts = chunkStarts(col);
    const what = "is not a market of markets.json";
    col.data.forEach((d, k) => {
      const c = byteChunk(d, PF, "market");
      const b = c.bytes, st = c.start, keys = c.keys;
      const find = (s: number, e: number): number => {
        for (let m = 0; m < nm; m++) if (sameBytes(b, s, e, mb, ms[m]!, ms[m + 1]! - ms[m]!)) return m;
        return -1;
      };
      const base = starts[k]!;
      if (keys !== undefined) {
        // a dictionary column: each dictionary entry looked up once
        const byKey = Int32Array.from({ length: st.length - 1 }, (_, j) => find(st[j]!, st[j + 1]!));
        for (let i = 0; i < d.length; i++) {
          const m = byKey[keys[i]!]!;
          if (m < 0) throw unknownId(PF, base + i, "market", b, st[keys[i]!]!, st[keys[i]! + 1]!, what);
          rowMarket[base + i] = m;
        }
        return;
      }
      let last = 0;
      for (let i = 0; i < d.length; i++) {
        const s = st[i]!, e = st[i + 1]!;
        const m = last < nm && sameBytes(b, s, e, mb, ms[last]!, ms[last + 1]! - ms[last]!) ? last : find(s, e);
        if (m < 0) throw unknownId(PF, base + i, "market", b, s, e, what);
        rowMarket[base + i] = last = m;
      }
    });
  }
  // each account's number of rows, into positionStart[a + 1]; the rows' accounts only when they are not grouped in accounts order
  const positionStart = new Uint32Array(n + 1);
  const rowAccount = accountsOfRows(pc.get("account")!, PF, AF, ids, positionStart, false);
  const size = new BigInt64Array(np);
  const entry = new BigInt64Array(np);
  const m = (r: number): Market => markets[rowMarket[r]!]!;
  readAmounts(pc.get("size")!, size, (r) => m(r).sizeDecimals, PF, "size", (r) => `market ${quote(m(r).id)}'s sizeDecimals ${m(r).sizeDecimals}`, false);
  // drift-v2: the column holds each position's quote asset amount, which may be negative.
  readAmounts(pc.get("entryPrice")!, entry, (r) => m(r).priceDecimals, PF, "entryPrice", (r) => `market ${quote(m(r).id)}'s priceDecimals ${m(r).priceDecimals}`, venue !== "drift-v2");
  let leverage: Uint32Array | undefined;
  let side: Uint8Array | undefined;
  if (pc.get("leverage")) readLeverage(pc.get("leverage")!, (leverage = new Uint32Array(np)), PF, "leverage");
  if (pc.get("side")) readLabels(pc.get("side")!, PF, "side", { BOTH: 0, LONG: SIDE_CODE.LONG, SHORT: SIDE_CODE.SHORT }, (side = new Uint8Array(np)));
  const labelled = accountIsolated !== undefined || leverage !== undefined || side !== undefined;
  if (labelled && (venue ?? "generic") === "generic") {
    const [file, column] = marginCol ? [AF, "margin"] : [PF, pc.get("leverage") ? "leverage" : "side"];
    throw new BookError(file, column, "is a venue label column, and a generic book has none (markets.json names no venue)");
  }
  if (labelled) {
    accountIsolated ??= new Uint8Array(n);
    leverage ??= new Uint32Array(np);
    side ??= new Uint8Array(np);
  }

  // group by account (stable), as the CSV reader does
  for (let a = 0; a < n; a++) positionStart[a + 1] += positionStart[a]!;
  let order: Uint32Array | null = null;
  if (rowAccount !== null) {
    order = new Uint32Array(np);
    const fill = positionStart.slice(0, n);
    for (let r = 0; r < np; r++) order[fill[rowAccount[r]!]!++] = r;
  }
  const permute = <T extends Uint32Array | Uint8Array | BigInt64Array>(a: T): T => {
    if (order === null) return a;
    const out = new (a.constructor as new (n: number) => T)(a.length);
    const from = a instanceof BigInt64Array ? int32Words(a) : null;
    if (from !== null) {
      // 64-bit values moved as two 32-bit words: no BigInt per element
      const to = int32Words(out as BigInt64Array)!;
      for (let p = 0; p < np; p++) {
        const r = order[p]!;
        to[2 * p] = from[2 * r]!;
        to[2 * p + 1] = from[2 * r + 1]!;
      }
    } else for (let p = 0; p < np; p++) out[p] = a[order[p]!]!;
    return out;
  };
  // one position per account and market; the error names the second row
  {
    const stamp = new Int32Array(markets.length).fill(-1);
    const rowOf = (p: number) => (order === null ? p : order[p]!);
    for (let a = 0; a < n; a++) {
      const end = positionStart[a + 1]!;
      for (let p = positionStart[a]!; p < end; p++) {
        const r = order === null ? p : order[p]!;
        const mk = rowMarket[r]!;
        if (stamp[mk] === a) {
          let first = positionStart[a]!;
          while (rowMarket[rowOf(first)] !== mk) first++;
          throw new BookError(rowRecord(PF, r), "market", `account ${quote(idText(ids.bytes, ids.start, a))} already holds a position in ${quote(markets[mk]!.id)} (row ${rowOf(first) + 1}); an account holds at most one position per market`);
        }
        stamp[mk] = a;
      }
    }
  }
  // Empty and repeated ids were refused as they were read. Their strings are made when first read
  // (withLazyIds), except where the balances' checks need them now.
  const strings = () => idStrings(idBytes.bytes, idBytes.start, n, notUtf8);
  const accountIds = balances !== undefined ? checkedIds(strings()) : undefined;
  const columns: BookColumns = {
    ...(venue !== undefined ? { venue } : {}),
    liquidatorSharePpm,
    markets,
    accountIds: accountIds ?? [], // replaced by the lazy property below
    collateral,
    positionStart,
    positionMarket: permute(rowMarket),
    positionSize: permute(size),
    positionEntry: permute(entry),
    ...(labelled ? { accountIsolated, positionLeverage: permute(leverage!), positionSide: permute(side!) } : {}),
    ...(assets !== undefined ? { assets, ...(balances !== undefined ? readBalances(balances, balancesFile(files), AF, accountIds!, ids, assets) : noBalances(n)) } : {}),
  };
  if (accountIds === undefined) withLazyIds(columns, n, strings, (a) => idString(idBytes.bytes, idBytes.start, a));
  // the venue labels' rules (side against size, an isolated account's one position) are validateColumns'
  if (labelled) validateColumns(columns);
  return columns;
}

/**
 * The balances table (book/balances.ts): `account` and `asset` strings (or dictionaries of them),
 * `amount` as the position tables' sizes are read (decimal128 of any scale, or integers counting
 * 10^-decimals units of the row's asset).
 */
function readBalances(table: Table, BF: string, AF: string, accountIds: readonly string[], ids: AccountBytes, assets: readonly Asset[]): BalanceColumns {
  const bc = columnsOf(table, BF, BALANCE_COLUMNS, []);
  const nb = table.numRows;
  const rowAsset = new Uint32Array(nb);
  const each = (field: string, visit: (row: number, text: string, s: number, e: number) => void): void => {
    const col = bc.get(field)!;
    checkNoNulls(col, BF, field);
    const starts = chunkStarts(col);
    col.data.forEach((d, k) => {
      const c = stringChunk(d, BF, field, starts[k]!);
      for (let i = 0; i < d.length; i++) {
        const [s, e] = span(c, i);
        visit(starts[k]! + i, c.text, s, e);
      }
    });
  };
  const rowAccount = accountsOfRows(bc.get("account")!, BF, AF, ids, new Uint32Array(accountIds.length + 1), true)!;
  each("asset", (r, t, s, e) => {
    let k = 0;
    while (k < assets.length && !(assets[k]!.id.length === e - s && sameText(t, s, assets[k]!.id))) k++;
    if (k === assets.length) throw new BookError(rowRecord(BF, r), "asset", unknownAsset(t.slice(s, e), assets));
    rowAsset[r] = k;
  });
  const amount = new BigInt64Array(nb);
  const x = (r: number): Asset => assets[rowAsset[r]!]!;
  readAmounts(bc.get("amount")!, amount, (r) => x(r).decimals, BF, "amount", (r) => `asset ${quote(x(r).id)}'s decimals ${x(r).decimals}`, false);
  return groupBalances(accountIds, assets, rowAccount, rowAsset, amount, nb, (r) => rowRecord(BF, r), (r) => `row ${r + 1}`);
}

/** A string label column into codes (`codes[text]`); null -> 0. */
function readLabels(v: Vector, file: string, field: string, codes: Record<string, number>, out: Uint8Array): void {
  const starts = chunkStarts(v);
  v.data.forEach((d, k) => {
    const c = stringChunk(d, file, field, starts[k]!);
    for (let i = 0; i < d.length; i++) {
      if (d.nullCount > 0 && !d.getValid(i)) continue;
      const [s, e] = span(c, i);
      const text = c.text.slice(s, e);
      const code = Object.hasOwn(codes, text) ? codes[text] : undefined;
      if (code === undefined) throw new BookError(rowRecord(file, starts[k]! + i), field, `${quote(text)} is not one of ${Object.keys(codes).map((x) => quote(x)).join(", ")} (or null)`);
      out[starts[k]! + i] = code;
    }
  });
}

/** An Arrow table from IPC bytes (file or stream format); a BookError naming `file` when they are not. */
export function arrowTableFromBytes(bytes: Uint8Array, file: string): Table {
  try {
    return tableFromIPC(bytes);
  } catch (err) {
    const message = (err as Error).message;
    // apache-arrow has no LZ4 or ZSTD decoder of its own (pyarrow's feather.write_feather compresses
    // with LZ4 by default; Polars' write_ipc(compression="lz4" | "zstd")): say so rather than
    // "not an Arrow file". A program may register a codec in apache-arrow's compressionRegistry.
    if (/batch is compressed but codec not found/.test(message)) {
      throw new BookError(
        file,
        "",
        "is a compressed Arrow IPC file (LZ4 or ZSTD record batches), and liqscan reads uncompressed Arrow IPC only: write it uncompressed " +
          `(Polars: write_ipc(..., compression="uncompressed"), pyarrow: feather.write_feather(..., compression="uncompressed")) or as Parquet`,
      );
    }
    throw new BookError(file, "", `is not an Arrow IPC file or stream (${message})`);
  }
}

/**
 * parseBookCsv's Arrow counterpart: markets.json, and the IPC bytes (file or stream format) of the
 * two tables, and of the balances table when the book has one.
 */
export function parseBookArrow(marketsJson: string, accounts: Uint8Array, positions: Uint8Array, files: TableFiles = { accounts: "accounts.arrow", positions: "positions.arrow" }, balances?: Uint8Array): BookColumns {
  const b = balances !== undefined ? arrowTableFromBytes(balances, balancesFile(files)) : undefined;
  return bookFromArrowTables(marketsJson, arrowTableFromBytes(accounts, files.accounts), arrowTableFromBytes(positions, files.positions), files, b);
}

// ---------------------------------------------------------------------------------------------
// Writer

export interface ArrowWriteOptions {
  /** Rows per record batch (default 2^20). */
  readonly batchRows?: number;
  /**
   * How amounts are written: "int64" (default: counts of the field's units, which map straight
   * onto the core's columns) or "decimal" (decimal128 at the largest decimals of any market, so a
   * query engine sees 0.5 BTC as 0.5).
   */
  readonly amounts?: "int64" | "decimal";
}

const utf8Encoder = new TextEncoder();

/** A utf8 column of `count` strings `text(i)` as Arrow data (no nulls). */
export function utf8Data(count: number, text: (i: number) => string): Data<Utf8> {
  const offsets = new Int32Array(count + 1);
  let buf = new Uint8Array(Math.max(64, count * 8));
  let len = 0;
  for (let i = 0; i < count; i++) {
    const s = text(i);
    if (len + s.length * 3 > buf.length) {
      const next = new Uint8Array(Math.max(buf.length * 2, len + s.length * 3));
      next.set(buf.subarray(0, len));
      buf = next;
    }
    let ascii = true;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c >= 128) {
        ascii = false;
        break;
      }
      buf[len + j] = c;
    }
    len += ascii ? s.length : utf8Encoder.encodeInto(s, buf.subarray(len)).written;
    if (len > 0x7fffffff) throw new RangeError("a string column of one batch holds at most 2 GiB: use smaller batches");
    offsets[i + 1] = len;
  }
  return makeData({ type: new Utf8(), length: count, valueOffsets: offsets, data: buf.subarray(0, len) });
}

/** decimal128 data of `count` values `value(i)` given as int64 counts of 10^-scale, multiplied by 10^shift(i). */
function decimalData(type: Decimal, count: number, src: BigInt64Array, from: number, shift: (i: number) => number): Data<Decimal> {
  const words = new Uint32Array(count * 4);
  for (let i = 0; i < count; i++) {
    const k = shift(i);
    let v = src[from + i]!;
    if (k > 0) v *= pow10(k);
    const u = BigInt.asUintN(128, v);
    words[4 * i] = Number(u & 0xffffffffn);
    words[4 * i + 1] = Number((u >> 32n) & 0xffffffffn);
    words[4 * i + 2] = Number((u >> 64n) & 0xffffffffn);
    words[4 * i + 3] = Number((u >> 96n) & 0xffffffffn);
  }
  return makeData({ type, length: count, data: words });
}

function int64Data(src: BigInt64Array, from: number, count: number): Data<Int64> {
  return makeData({ type: new Int64(), length: count, data: src.subarray(from, from + count) });
}

function batch(fields: Field[], data: Data[], length: number): RecordBatch {
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length, children: data, nullCount: 0 }));
}

/** A utf8 label column with nulls where `code(i)` is 0. */
function labelData(count: number, name: (i: number) => string | null): Data<Utf8> {
  const d = utf8Data(count, (i) => name(i) ?? "");
  const bitmap = new Uint8Array((count + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < count; i++) {
    if (name(i) === null) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return nulls === 0 ? d : makeData({ type: new Utf8(), length: count, nullCount: nulls, nullBitmap: bitmap, valueOffsets: d.valueOffsets, data: d.values });
}

/**
 * The book as two Arrow tables and markets.json (see the top of this file), in record batches of
 * `batchRows`. Positions are grouped by account in account order. The book is validated first.
 */
export function bookToArrowTables(c: BookColumns, options: ArrowWriteOptions = {}): { markets: string; accounts: Table; positions: Table; balances?: Table } {
  validateColumns(c);
  refuseFineGmx(c, "the Arrow and Parquet forms");
  const batchRows = Math.max(1, Math.floor(options.batchRows ?? 1 << 20));
  const decimal = options.amounts === "decimal";
  const n = c.accountIds.length;
  const np = c.positionSize.length;
  const labelled = c.accountIsolated !== undefined || c.positionLeverage !== undefined || c.positionSide !== undefined;
  const sizeScale = Math.max(0, ...c.markets.map((m) => m.sizeDecimals));
  const priceScale = Math.max(0, ...c.markets.map((m) => m.priceDecimals));
  const collateralType = decimal ? new Decimal(QUOTE_DECIMALS, 38) : new Int64();
  const sizeType = decimal ? new Decimal(sizeScale, 38) : new Int64();
  const priceType = decimal ? new Decimal(priceScale, 38) : new Int64();

  const accountFields = [new Field("id", new Utf8(), false), new Field("collateral", collateralType, false), ...(labelled ? [new Field("margin", new Utf8(), true)] : [])];
  const accountBatches: RecordBatch[] = [];
  for (let from = 0; from < n || (from === 0 && accountBatches.length === 0); from += batchRows) {
    const count = Math.min(batchRows, n - from);
    const data: Data[] = [
      utf8Data(count, (i) => c.accountIds[from + i]!),
      decimal ? decimalData(collateralType as Decimal, count, c.collateral, from, () => 0) : int64Data(c.collateral, from, count),
    ];
    if (labelled) data.push(labelData(count, (i) => (c.accountIsolated?.[from + i] === 1 ? "isolated" : null)));
    accountBatches.push(batch(accountFields, data, count));
    if (n === 0) break;
  }

  // the account of each position, by a walk of positionStart
  const marketIds = c.markets.map((m) => m.id);
  const dictType = new Dictionary(new Utf8(), new Uint32());
  const dictionary = makeVector(utf8Data(marketIds.length, (i) => marketIds[i]!));
  const positionFields = [
    new Field("account", new Utf8(), false),
    new Field("market", dictType, false),
    new Field("size", sizeType, false),
    new Field("entryPrice", priceType, false),
    ...(labelled ? [new Field("leverage", new Uint32(), true), new Field("side", new Utf8(), true)] : []),
  ];
  const positionBatches: RecordBatch[] = [];
  let a = 0;
  for (let from = 0; from < np || (from === 0 && positionBatches.length === 0); from += batchRows) {
    const count = Math.max(0, Math.min(batchRows, np - from));
    const owner = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      while (c.positionStart[a + 1]! <= from + i) a++;
      owner[i] = a;
    }
    const keys = c.positionMarket.subarray(from, from + count);
    const data: Data[] = [
      utf8Data(count, (i) => c.accountIds[owner[i]!]!),
      makeData({ type: dictType, length: count, data: keys, dictionary }),
      decimal ? decimalData(sizeType as Decimal, count, c.positionSize, from, (i) => sizeScale - c.markets[keys[i]!]!.sizeDecimals) : int64Data(c.positionSize, from, count),
      decimal ? decimalData(priceType as Decimal, count, c.positionEntry, from, (i) => priceScale - c.markets[keys[i]!]!.priceDecimals) : int64Data(c.positionEntry, from, count),
    ];
    if (labelled) {
      const lev = c.positionLeverage?.subarray(from, from + count) ?? new Uint32Array(count);
      const bitmap = new Uint8Array((count + 7) >> 3);
      let nulls = 0;
      for (let i = 0; i < count; i++) {
        if (lev[i] === 0) nulls++;
        else bitmap[i >> 3]! |= 1 << (i & 7);
      }
      data.push(makeData({ type: new Uint32(), length: count, data: lev, nullCount: nulls, nullBitmap: nulls > 0 ? bitmap : undefined }));
      data.push(labelData(count, (i) => (c.positionSide?.[from + i] === SIDE_CODE.LONG ? "LONG" : c.positionSide?.[from + i] === SIDE_CODE.SHORT ? "SHORT" : null)));
    }
    positionBatches.push(batch(positionFields, data, count));
    if (np === 0) break;
  }
  return {
    markets: writeMarketsJson(c.liquidatorSharePpm, c.markets, c.venue, c.assets),
    accounts: new Table(accountBatches),
    positions: new Table(positionBatches),
    ...(hasBalancesTable(c) ? { balances: balanceTable(c, batchRows, decimal) } : {}),
  };
}

/** The balances table of a book with assets: account (utf8), asset (a dictionary of utf8), amount. */
function balanceTable(c: BookColumns, batchRows: number, decimal: boolean): Table {
  const assets = c.assets!;
  const n = c.accountIds.length;
  const start = c.balanceStart ?? new Uint32Array(n + 1);
  const assetOf = c.balanceAsset ?? new Uint32Array(0);
  const amounts = c.balanceAmount ?? new BigInt64Array(0);
  const nb = start[n]!;
  const scale = Math.max(0, ...assets.map((x) => x.decimals));
  const amountType = decimal ? new Decimal(scale, 38) : new Int64();
  const dictType = new Dictionary(new Utf8(), new Uint32());
  const dictionary = makeVector(utf8Data(assets.length, (i) => assets[i]!.id));
  const fields = [new Field("account", new Utf8(), false), new Field("asset", dictType, false), new Field("amount", amountType, false)];
  const batches: RecordBatch[] = [];
  let a = 0;
  for (let from = 0; from < nb || batches.length === 0; from += batchRows) {
    const count = Math.max(0, Math.min(batchRows, nb - from));
    const owner = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      while (start[a + 1]! <= from + i) a++;
      owner[i] = a;
    }
    const keys = assetOf.subarray(from, from + count);
    batches.push(batch(fields, [
      utf8Data(count, (i) => c.accountIds[owner[i]!]!),
      makeData({ type: dictType, length: count, data: keys, dictionary }),
      decimal ? decimalData(amountType as Decimal, count, amounts, from, (i) => scale - assets[keys[i]!]!.decimals) : int64Data(amounts, from, count),
    ], count));
    if (nb === 0) break;
  }
  return new Table(batches);
}

/**
 * Record batches as Arrow IPC bytes ("file" or "stream" format), in pieces, without holding them
 * all: the next batch is encoded only once the pieces of the earlier ones have been taken (less
 * than 64 MiB waiting).
 */
export async function* arrowIpcChunks(batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>, format: "file" | "stream"): AsyncGenerator<Uint8Array> {
  const writer = format === "file" ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
  let produced = 0;
  let consumed = 0;
  let wake: (() => void) | null = null;
  const LIMIT = 64 * 2 ** 20;
  async function* paced(): AsyncGenerator<RecordBatch> {
    for await (const b of batches) {
      while (produced - consumed > LIMIT) await new Promise<void>((r) => (wake = r));
      produced += b.data.byteLength;
      yield b;
    }
  }
  const done = writer.writeAll(paced());
  let failure: unknown = null;
  done.catch((err: unknown) => {
    failure = err;
  });
  for await (const chunk of writer) {
    consumed += chunk.byteLength;
    if (wake !== null && produced - consumed <= LIMIT) {
      const w: () => void = wake;
      wake = null;
      w();
    }
    yield chunk;
  }
  await done;
  if (failure !== null) throw failure;
}

/**
 * The book's tables as Arrow IPC bytes ("file", the .arrow format, or "stream", .arrows), and
 * markets.json; `balances` only for a book that lists assets.
 */
export function writeBookArrow(c: BookColumns, format: "file" | "stream" = "file", options: ArrowWriteOptions = {}): { markets: string; accounts: Uint8Array; positions: Uint8Array; balances?: Uint8Array } {
  const t = bookToArrowTables(c, options);
  return { markets: t.markets, accounts: tableToIPC(t.accounts, format), positions: tableToIPC(t.positions, format), ...(t.balances ? { balances: tableToIPC(t.balances, format) } : {}) };
}
