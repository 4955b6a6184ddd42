/**
 * The CSV form of a book, for big books: three texts, and a fourth for a book with collateral assets.
 *
 * - `markets.json`: the JSON book format with `liquidatorShare` and `markets`, and no `accounts`
 *   (or `"accounts": []`).
 * - `accounts.csv`: header `id,collateral`, one row per account; accounts keep this order.
 * - `positions.csv`: header `account,market,size,entryPrice`, one row per position. `account` is an
 *   id of accounts.csv, `market` an id of markets.json. An account's rows need not be contiguous;
 *   its positions keep the file order.
 * - `balances.csv` (optional; a book whose markets.json lists `assets`): header
 *   `account,asset,amount`, one row per balance, the amount in the asset's decimals; rows in any
 *   account order, each (account, asset) at most once (book/balances.ts).
 *
 * Values are decimal strings as in the JSON form (collateral in quote units with at most 6
 * decimals, size and entryPrice with at most the market's sizeDecimals / priceDecimals). Fields are
 * unquoted: a `"` anywhere is an error, so ids cannot contain `,` `"` or line breaks. Lines end
 * with LF or CRLF; the last line may or may not end with one; any other blank line is an error.
 * A byte-order mark at the start of a file is skipped.
 *
 * The reader scans the texts by char code and writes typed arrays directly: no object and (in the
 * common case) no substring per position.
 */
import { BookError, quote } from "./errors.js";
import { formatDecimal, i64Problem, int32Words, isI64, tryParseDecimal } from "./decimal.js";
import { parseMarketsJson, writeMarketsJson } from "./json.js";
import { checkedIds, sameText, validateColumns, withLazyIds } from "./validate.js";
import { ByteIdIndex, compareBytes, idString, idStrings, idText } from "./id-bytes.js";
import { BALANCES_HEADER, balancesWithoutAssets, groupBalances, hasBalancesTable, noBalances, unknownAsset, type BalanceColumns } from "./balances.js";
import { QUOTE_DECIMALS } from "./types.js";
import type { Asset, BookColumns, Market, VenueName } from "./types.js";
import { refuseFineGmx } from "./gmx-wide.js";

export const ACCOUNTS_HEADER = "id,collateral";
export const POSITIONS_HEADER = "account,market,size,entryPrice";
const ACCOUNT_FIELDS = ["id", "collateral"];
const POSITION_FIELDS = ["account", "market", "size", "entryPrice"];

/** Texts of a book in CSV form. */
export interface BookCsv {
  /** markets.json */
  readonly markets: string;
  /** accounts.csv */
  readonly accounts: string;
  /** positions.csv */
  readonly positions: string;
  /** balances.csv (`account,asset,amount`): written for a book that lists assets; optional when read. */
  readonly balances?: string;
}

/** parseBookCsv's options: progress, and the text of balances.csv when the book has one. */
export interface CsvReadOptions {
  readonly onProgress?: ProgressCallback;
  /** balances.csv; absent: no account holds a balance (markets.json may still list assets). */
  readonly balances?: string;
}

/** Called with the number of data rows read so far (accounts.csv then positions.csv) and their total. */
export type ProgressCallback = (done: number, total: number) => void;

const PROGRESS_EVERY = 1 << 16;

// ---------------------------------------------------------------------------------------------
// Exact decimal scan without substrings (the common case: at most 15 significant digits).

const POW10_NUM = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Set by scanDecimal when it returns Infinity: the value, which needs more than 53 bits. */
let scanBig = 0n;

/**
 * The decimal text t[s, e) as a count of 10^-dec units. Returns the value as a number when it has
 * at most 15 significant digits after scaling (then it was accumulated exactly in a double:
 * < 10^15 < 2^53); Infinity when it is longer but valid and fits signed 64 bits (the value is then
 * in `scanBig`); NaN when it is not a valid decimal, has a non-zero digit beyond `dec` or does not
 * fit 64 bits (the caller builds the message with `decimalProblem`). No substring in the common case.
 */
function scanDecimal(t: string, s: number, e: number, dec: number): number {
  let i = s;
  let neg = false;
  if (i < e && t.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  const intStart = i;
  let acc = 0;
  let sig = 0;
  let c = 0;
  for (; i < e; i++) {
    c = t.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (sig !== 0 || c !== 48) {
      acc = acc * 10 + (c - 48);
      sig++;
    }
  }
  if (i === intStart) return NaN;
  let kept = 0;
  if (i < e) {
    if (c !== 46) return NaN;
    i++;
    const fracStart = i;
    for (; i < e; i++) {
      c = t.charCodeAt(i);
      if (c < 48 || c > 57) return NaN;
      if (kept < dec) {
        if (sig !== 0 || c !== 48) {
          acc = acc * 10 + (c - 48);
          sig++;
        }
        kept++;
      } else if (c !== 48) return NaN;
    }
    if (i === fracStart) return NaN;
  }
  if (sig === 0) return 0;
  const pad = dec - kept;
  if (sig + pad <= 15) {
    if (pad > 0) acc *= POW10_NUM[pad];
    return neg ? -acc : acc;
  }
  const r = tryParseDecimal(t.slice(s, e), dec);
  if (typeof r === "string" || !isI64(r)) return NaN;
  scanBig = r;
  return Infinity;
}

/**
 * scanDecimal over UTF-8 bytes b[s, e): the same value, or NaN whenever the text path must decide
 * (not a plain decimal, more than 15 significant digits, a digit beyond `dec`): the caller then
 * reads the line as text, which gives the exact value or the exact error.
 */
function scanDecimalBytes(b: Uint8Array, s: number, e: number, dec: number): number {
  let i = s;
  let neg = false;
  if (i < e && b[i] === 45) {
    neg = true;
    i++;
  }
  const intStart = i;
  let acc = 0;
  let sig = 0;
  let c = 0;
  for (; i < e; i++) {
    c = b[i]!;
    if (c < 48 || c > 57) break;
    if (sig !== 0 || c !== 48) {
      acc = acc * 10 + (c - 48);
      sig++;
    }
  }
  if (i === intStart) return NaN;
  let kept = 0;
  if (i < e) {
    if (c !== 46) return NaN;
    i++;
    const fracStart = i;
    for (; i < e; i++) {
      c = b[i]!;
      if (c < 48 || c > 57) return NaN;
      if (kept < dec) {
        if (sig !== 0 || c !== 48) {
          acc = acc * 10 + (c - 48);
          sig++;
        }
        kept++;
      } else if (c !== 48) return NaN;
    }
    if (i === fracStart) return NaN;
  }
  if (sig === 0) return 0;
  const pad = dec - kept;
  if (sig + pad > 15) return NaN;
  if (pad > 0) acc *= POW10_NUM[pad];
  return neg ? -acc : acc;
}

/** b[s, e) equals the UTF-8 bytes id[k, k + len) of `ids`. */
function sameBytes(b: Uint8Array, s: number, e: number, ids: Uint8Array, k: number, len: number): boolean {
  if (e - s !== len) return false;
  for (let j = 0; j < len; j++) if (b[s + j] !== ids[k + j]) return false;
  return true;
}

/** Strings as one UTF-8 byte array and offsets: string i is bytes[offsets[i], offsets[i + 1]). */
function utf8Table(strings: readonly string[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(strings.length + 1);
  let size = 0;
  for (const t of strings) size += t.length * 3;
  const bytes = new Uint8Array(Math.max(size, 1));
  let len = 0;
  for (let i = 0; i < strings.length; i++) {
    const t = strings[i];
    let j = 0;
    for (; j < t.length; j++) {
      const c = t.charCodeAt(j);
      if (c >= 128) break;
      bytes[len + j] = c;
    }
    len += j === t.length ? t.length : new TextEncoder().encodeInto(t, bytes.subarray(len)).written;
    offsets[i + 1] = len;
  }
  return { bytes, offsets };
}

const lineDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** One line's bytes as text; a BookError naming `file` when they are not UTF-8. */
function decodeLine(bytes: Uint8Array, file: string): string {
  try {
    return lineDecoder.decode(bytes);
  } catch (err) {
    if (err instanceof TypeError) throw new BookError(file, "", "is not UTF-8 text");
    throw err;
  }
}

/** Stores a scanDecimal result (finite or Infinity) into a[i], through the word view w when there is one. */
function store(a: BigInt64Array, w: Int32Array | null, i: number, x: number): void {
  if (x === Infinity) a[i] = scanBig;
  else if (w !== null) {
    w[2 * i] = x;
    w[2 * i + 1] = Math.floor(x / 4294967296);
  } else a[i] = BigInt(x);
}

/** Why t[s, e) was rejected by scanDecimal, as a message tail after the quoted text. */
function decimalProblem(text: string, dec: number, label: string): string {
  const r = tryParseDecimal(text, dec, label);
  if (typeof r === "string") return r;
  return i64Problem(r, dec);
}

// ---------------------------------------------------------------------------------------------
// Lines

function lineRecord(file: string, line: number): string {
  return `${file} line ${line}`;
}

/** Checks the header line; returns the index just after it. */
function readHeader(t: string, file: string, expected: string): number {
  if (typeof t !== "string") throw new BookError(file, "", `expected the file's text as a string, got ${typeof t}`);
  const pos = t.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (pos >= t.length) throw new BookError(lineRecord(file, 1), "header", `the file is empty (expected the header ${quote(expected)})`);
  const nl = t.indexOf("\n", pos);
  const end = nl === -1 ? t.length : nl;
  const lineEnd = end > pos && t.charCodeAt(end - 1) === 13 ? end - 1 : end;
  const header = t.slice(pos, lineEnd);
  if (header !== expected) throw new BookError(lineRecord(file, 1), "header", `expected ${quote(expected)}, got ${quote(header)}`);
  return nl === -1 ? t.length : nl + 1;
}

/** Number of lines from `from` on (a last line without a line break counts). */
function countLines(t: string, from: number): number {
  let n = 0;
  for (let k = t.indexOf("\n", from); k !== -1; k = t.indexOf("\n", k + 1)) n++;
  if (from < t.length && t.charCodeAt(t.length - 1) !== 10) n++;
  return n;
}

function blankLine(file: string, line: number): BookError {
  return new BookError(lineRecord(file, line), "", "blank line (only the last line may be followed by a line break; remove empty lines)");
}

function quoteError(file: string, line: number, field: string): BookError {
  return new BookError(lineRecord(file, line), field, 'contains a quote character ("): quoted CSV fields are not supported (ids cannot contain "," or quotes)');
}

function controlError(file: string, line: number, field: string, code: number): BookError {
  return new BookError(lineRecord(file, line), field, `contains the control character U+${code.toString(16).padStart(4, "0").toUpperCase()}`);
}

function countFields(t: string, s: number, e: number): number {
  let n = 1;
  for (let i = s; i < e; i++) if (t.charCodeAt(i) === 44) n++;
  return n;
}

function fieldCountError(file: string, line: number, names: readonly string[], found: number): BookError {
  const expected = `${names.length} (${names.join(",")})`;
  if (found < names.length) {
    return new BookError(lineRecord(file, line), names[found], `missing: the row has ${found} field${found === 1 ? "" : "s"}, expected ${expected}`);
  }
  return new BookError(lineRecord(file, line), "", `the row has ${found} fields, expected ${expected}`);
}

// ---------------------------------------------------------------------------------------------
// Reader

/** Progress over both files: rows done, their total, the callback and when to call it next. */
interface Progress {
  done: number;
  readonly total: number;
  next: number;
  readonly callback: ProgressCallback | undefined;
}

function tick(progress: Progress): void {
  if (++progress.done >= progress.next) {
    progress.next += PROGRESS_EVERY;
    if (progress.callback) progress.callback(progress.done, progress.total);
  }
}

interface AccountRows {
  /** The number of accounts. */
  n: number;
  /**
   * The ids as strings, made on first call: the byte path needs none, so a streamed book makes
   * them last, once every big column is allocated (each 64 MiB or so of new ArrayBuffers starts a
   * full garbage collection, which would mark every id string made before it).
   */
  strings(): string[];
  /** The ids' UTF-8 bytes: id a is bytes[start[a], start[a + 1]). */
  ids: { bytes: Uint8Array; start: Uint32Array };
  /** The byte index of the ids, made when first asked for (ids in ascending order need none to be checked). */
  index(): ByteIdIndex;
  collateral: BigInt64Array;
}

/** The account whose id is t[s, e), or -1 (its UTF-8 bytes looked up in the byte index). */
function findAccount(accounts: AccountRows, t: string, s: number, e: number): number {
  const b = new Uint8Array((e - s) * 3);
  const len = utf8Encoder.encodeInto(t.slice(s, e), b).written;
  return accounts.index().find(b, 0, len);
}

const AF = "accounts.csv";
const PF = "positions.csv";

/** A copy of `a` with room for `capacity` elements (the first `length` kept). */
function grown<T extends BigInt64Array | Uint32Array | Uint8Array>(a: T, length: number, capacity: number): T {
  const next = new (a.constructor as new (n: number) => T)(capacity);
  next.set(a.subarray(0, length) as never);
  return next;
}

/**
 * `a` cut to `length` elements: itself when it has exactly that many, a view when the room left
 * is small (the columns were sized from a close guess; a copy would touch all of it again), else a copy.
 */
function trimmed<T extends BigInt64Array | Uint32Array>(a: T, length: number): T {
  if (a.length === length) return a;
  return (a.length - length <= a.length / 16 ? a.subarray(0, length) : a.slice(0, length)) as T;
}

/**
 * The data rows of accounts.csv, fed whole lines at a time, as UTF-8 bytes (feedBytes: the common
 * line, a plain id and a plain decimal, with no string) or as text (feed: any other line, and the
 * whole-text API). The ids are kept as bytes (duplicates found by the byte index) and become
 * strings once, in finish. `capacity` is a first guess of the number of rows; the columns grow past it.
 */
class AccountsReader {
  /**
   * Null while the ids have come in strictly ascending byte order (a generated or exported book,
   * usually): such ids cannot repeat, so each is compared with the one before it and none is
   * hashed (inserting a million ids into the index was a third of a CSV load). The first id out of
   * order builds the index of those before it.
   */
  private index: ByteIdIndex | null = null;
  private idBytes: Uint8Array;
  private idStart: Uint32Array;
  private collateral: BigInt64Array;
  private words: Int32Array | null;
  private line = 2;
  private a = 0;

  constructor(
    capacity: number,
    private readonly progress: Progress,
  ) {
    const n = Math.max(capacity, 1);
    this.idBytes = new Uint8Array(n * 16);
    this.idStart = new Uint32Array(n + 1);
    this.collateral = new BigInt64Array(n);
    this.words = int32Words(this.collateral);
  }

  /** Room for one more account whose id has at most `idLen` bytes. */
  private room(idLen: number): void {
    const a = this.a;
    if (a + 1 === this.idStart.length) {
      this.idStart = grown(this.idStart, a + 1, (a + 1) * 2);
      if (this.index !== null) this.index.start = this.idStart;
    }
    if (a === this.collateral.length) {
      this.collateral = grown(this.collateral, a, a * 2);
      this.words = int32Words(this.collateral);
    }
    const used = this.idStart[a]!;
    if (used + idLen > this.idBytes.length) {
      if (used + idLen > 0xffffffff) throw new RangeError(`${AF}: the account ids hold more than 4 GiB of text; liqscan reads at most 2^32-1 bytes of ids`);
      this.idBytes = grown(this.idBytes, used, Math.min(0xffffffff, Math.max(this.idBytes.length * 2, used + idLen)));
      if (this.index !== null) this.index.bytes = this.idBytes;
    }
  }

  /** The byte index of the first `n` ids, room for more. */
  private indexOf(n: number): ByteIdIndex {
    const index = new ByteIdIndex(this.idBytes, this.idStart, Math.max(n * 2, this.collateral.length));
    for (let a = 0; a < n; a++) index.add(a);
    return index;
  }

  /** Records account a (its id bytes just written at idStart[a]..end), refusing a repeated id. */
  private added(end: number): void {
    const a = this.a;
    const start = this.idStart;
    start[a + 1] = end;
    if (this.index === null) {
      if (a === 0 || compareBytes(this.idBytes, start[a - 1]!, start[a]!, this.idBytes, start[a]!, end) < 0) return;
      this.index = this.indexOf(a); // the a ids before, ascending, so distinct
    }
    const other = this.index.add(a);
    if (other >= 0) {
      const id = new TextDecoder().decode(this.idBytes.subarray(this.idStart[a]!, end));
      throw new BookError(lineRecord(AF, this.line), "id", `duplicate account id ${quote(id)} (also line ${other + 2})`);
    }
  }

  /**
   * Reads the lines of UTF-8 bytes b[pos, len) (whole lines): a line with a plain ASCII id and a
   * plain decimal of at most 15 digits straight from the bytes; any other line, and every error,
   * through `feed` on that line's text, so the values and errors are feed's.
   */
  feedBytes(b: Uint8Array, pos: number, len: number, file: string): void {
    const progress = this.progress;
    while (pos < len) {
      let nl = b.indexOf(10, pos);
      if (nl === -1 || nl >= len) nl = -1;
      const next = nl === -1 ? len : nl + 1;
      const end = nl === -1 ? len : nl;
      const le = end > pos && b[end - 1] === 13 ? end - 1 : end;
      let comma = -1;
      for (let i = pos; i < le; i++) {
        const c = b[i]!;
        if (c === 44) {
          comma = i;
          break;
        }
        if (c === 34 || c < 32 || c >= 128) break;
      }
      const v = comma > pos ? scanDecimalBytes(b, comma + 1, le, QUOTE_DECIMALS) : NaN;
      if (v === v) {
        const idLen = comma - pos;
        this.room(idLen);
        const o = this.idStart[this.a]!;
        const ids = this.idBytes;
        for (let j = 0; j < idLen; j++) ids[o + j] = b[pos + j]!;
        this.added(o + idLen);
        store(this.collateral, this.words, this.a, v);
        this.a++;
        this.line++;
        pos = next;
        tick(progress);
        continue;
      }
      this.feed(decodeLine(b.subarray(pos, next), file), 0);
      pos = next;
    }
  }

  /** Reads the lines of `at` from `pos` on. */
  feed(at: string, pos: number): void {
    const progress = this.progress;
    const len = at.length;
    while (pos < len) {
      const line = this.line;
      const nl = at.indexOf("\n", pos);
      const end = nl === -1 ? len : nl;
      const le = end > pos && at.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (le === pos) throw blankLine(AF, line);
      let comma = -1;
      for (let i = pos; i < le; i++) {
        const c = at.charCodeAt(i);
        if (c === 44) {
          if (comma >= 0) throw fieldCountError(AF, line, ACCOUNT_FIELDS, countFields(at, pos, le));
          comma = i;
        } else if (c === 34) throw quoteError(AF, line, comma < 0 ? "id" : "collateral");
        else if (c < 32 && comma < 0) throw controlError(AF, line, "id", c);
      }
      if (comma < 0) throw fieldCountError(AF, line, ACCOUNT_FIELDS, 1);
      if (comma === pos) throw new BookError(lineRecord(AF, line), "id", "is empty");
      this.room((comma - pos) * 3);
      const o = this.idStart[this.a]!;
      const ids = this.idBytes;
      let j = 0;
      for (; j < comma - pos; j++) {
        const c = at.charCodeAt(pos + j);
        if (c >= 128) break;
        ids[o + j] = c;
      }
      const idLen = j === comma - pos ? j : utf8Encoder.encodeInto(at.slice(pos, comma), ids.subarray(o)).written;
      this.added(o + idLen);
      const v = scanDecimal(at, comma + 1, le, QUOTE_DECIMALS);
      if (v !== v) {
        const text = at.slice(comma + 1, le);
        throw new BookError(lineRecord(AF, line), "collateral", `${quote(text)} ${decimalProblem(text, QUOTE_DECIMALS, `${QUOTE_DECIMALS} (quote amounts are in 10^-${QUOTE_DECIMALS} units)`)}`);
      }
      store(this.collateral, this.words, this.a, v);
      this.a++;
      this.line = line + 1;
      pos = nl === -1 ? len : nl + 1;
      tick(progress);
    }
  }

  finish(): AccountRows {
    const n = this.a;
    const start = this.idStart.subarray(0, n + 1);
    // the bytes are UTF-8: each came from a decoded line or is ASCII
    const bytes = this.idBytes;
    let strings: string[] | null = null;
    return {
      n,
      strings: () => (strings ??= idStrings(bytes, start, n, (a) => new BookError(lineRecord(AF, a + 2), "id", "is not UTF-8 text"))),
      ids: { bytes, start },
      index: () => (this.index ??= this.indexOf(n)),
      collateral: trimmed(this.collateral, n),
    };
  }
}

interface PositionRows {
  account: Uint32Array;
  market: Uint32Array;
  size: BigInt64Array;
  entry: BigInt64Array;
  /** True when the rows are already grouped by account in accounts.csv order. */
  sorted: boolean;
}

/** The data rows of positions.csv, fed a text of whole lines at a time (see AccountsReader). */
class PositionsReader {
  private rowAccount: Uint32Array;
  private rowMarket: Uint32Array;
  private rowSize: BigInt64Array;
  private rowEntry: BigInt64Array;
  private sizeWords: Int32Array | null;
  private entryWords: Int32Array | null;
  private readonly marketIds: string[];
  private readonly marketIndex: Map<string, number>;
  private sorted = true;
  private r = 0;
  private line = 2;
  private lastAccount = -1;
  private lastMarket = 0;

  constructor(
    capacity: number,
    private readonly accounts: AccountRows,
    private readonly markets: readonly Market[],
    private readonly progress: Progress,
  ) {
    const n = Math.max(capacity, 1);
    this.rowAccount = new Uint32Array(n);
    this.rowMarket = new Uint32Array(n);
    this.rowSize = new BigInt64Array(n);
    this.rowEntry = new BigInt64Array(n);
    this.sizeWords = int32Words(this.rowSize);
    this.entryWords = int32Words(this.rowEntry);
    this.marketIds = markets.map((m) => m.id);
    this.marketIndex = new Map<string, number>(this.marketIds.map((id, i) => [id, i]));
  }

  private grow(): void {
    const r = this.r;
    this.rowAccount = grown(this.rowAccount, r, r * 2);
    this.rowMarket = grown(this.rowMarket, r, r * 2);
    this.rowSize = grown(this.rowSize, r, r * 2);
    this.rowEntry = grown(this.rowEntry, r, r * 2);
    this.sizeWords = int32Words(this.rowSize);
    this.entryWords = int32Words(this.rowEntry);
  }

  /** Reads the lines of `pt` from `pos` on. */
  feed(pt: string, pos: number): void {
    const accountIds = this.accounts.strings();
    const { markets, marketIds, marketIndex, progress } = this;
    const n = accountIds.length;
    const nm = markets.length;
    let { sorted, r, line, lastAccount, lastMarket } = this;
    const len = pt.length;
    while (pos < len) {
      const nl = pt.indexOf("\n", pos);
      const end = nl === -1 ? len : nl;
      const le = end > pos && pt.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (le === pos) throw blankLine(PF, line);
      let c1 = -1;
      let c2 = -1;
      let c3 = -1;
      for (let i = pos; i < le; i++) {
        const c = pt.charCodeAt(i);
        if (c === 44) {
          if (c1 < 0) c1 = i;
          else if (c2 < 0) c2 = i;
          else if (c3 < 0) c3 = i;
          else throw fieldCountError(PF, line, POSITION_FIELDS, countFields(pt, pos, le));
        } else if (c === 34) {
          throw quoteError(PF, line, POSITION_FIELDS[c1 < 0 ? 0 : c2 < 0 ? 1 : c3 < 0 ? 2 : 3]);
        }
      }
      if (c3 < 0) throw fieldCountError(PF, line, POSITION_FIELDS, countFields(pt, pos, le));

      // account: the previous row's account or the next one in accounts.csv order need no hashing
      let a = -1;
      const alen = c1 - pos;
      if (alen === 0) throw new BookError(lineRecord(PF, line), "account", "is empty");
      if (lastAccount >= 0) {
        const id = accountIds[lastAccount];
        if (id.length === alen && sameText(pt, pos, id)) a = lastAccount;
        else if (lastAccount + 1 < n) {
          const next = accountIds[lastAccount + 1];
          if (next.length === alen && sameText(pt, pos, next)) a = lastAccount + 1;
        }
      } else if (n > 0 && accountIds[0].length === alen && sameText(pt, pos, accountIds[0])) a = 0;
      if (a < 0) {
        a = findAccount(this.accounts, pt, pos, c1);
        if (a < 0) throw new BookError(lineRecord(PF, line), "account", `${quote(pt.slice(pos, c1))} is not an account of accounts.csv`);
      }
      if (a < lastAccount) sorted = false;
      lastAccount = a;

      // market: compare in place with the few market ids
      let m = -1;
      const mlen = c2 - c1 - 1;
      if (nm > 0 && marketIds[lastMarket].length === mlen && sameText(pt, c1 + 1, marketIds[lastMarket])) m = lastMarket;
      else if (nm <= 32) {
        for (let k = 0; k < nm; k++) {
          if (marketIds[k].length === mlen && sameText(pt, c1 + 1, marketIds[k])) {
            m = k;
            break;
          }
        }
      } else {
        const found = marketIndex.get(pt.slice(c1 + 1, c2));
        if (found !== undefined) m = found;
      }
      if (m < 0) throw new BookError(lineRecord(PF, line), "market", `${quote(pt.slice(c1 + 1, c2))} is not a market of markets.json`);
      lastMarket = m;
      const market = markets[m];

      if (r === this.rowSize.length) {
        this.r = r;
        this.grow();
      }
      const size = scanDecimal(pt, c2 + 1, c3, market.sizeDecimals);
      if (size !== size) {
        const text = pt.slice(c2 + 1, c3);
        throw new BookError(lineRecord(PF, line), "size", `${quote(text)} ${decimalProblem(text, market.sizeDecimals, `market ${quote(market.id)}'s sizeDecimals ${market.sizeDecimals}`)}`);
      }
      store(this.rowSize, this.sizeWords, r, size); // before the next scan, which may overwrite scanBig
      const entry = scanDecimal(pt, c3 + 1, le, market.priceDecimals);
      // drift-v2 (its markets carry `drift`): the column holds the quote asset amount, which may be negative.
      if (entry !== entry || (market.drift === undefined && (entry < 0 || (entry === Infinity && scanBig < 0n)))) {
        const text = pt.slice(c3 + 1, le);
        const problem = entry !== entry ? decimalProblem(text, market.priceDecimals, `market ${quote(market.id)}'s priceDecimals ${market.priceDecimals}`) : "is negative (prices are >= 0)";
        throw new BookError(lineRecord(PF, line), "entryPrice", `${quote(text)} ${problem}`);
      }
      store(this.rowEntry, this.entryWords, r, entry);
      this.rowAccount[r] = a;
      this.rowMarket[r] = m;
      r++;
      line++;
      pos = nl === -1 ? len : nl + 1;
      tick(progress);
    }
    Object.assign(this, { sorted, r, line, lastAccount, lastMarket });
  }

  private marketBytes: { bytes: Uint8Array; offsets: Uint32Array } | null = null;

  /**
   * Reads the lines of UTF-8 bytes b[pos, len) (whole lines, as feed's texts): the common line
   * (the previous row's account or the next one, a known market, plain decimals of at most 15
   * digits) straight from the bytes, with no string; any other line, and every error, through
   * `feed` on that line's text, so the values and errors are feed's.
   */
  feedBytes(b: Uint8Array, pos: number, len: number, file: string): void {
    const n = this.accounts.n;
    const mk = (this.marketBytes ??= utf8Table(this.marketIds));
    const { markets, progress } = this;
    const nm = markets.length;
    const idBytes = this.accounts.ids.bytes, idOff = this.accounts.ids.start, mBytes = mk.bytes, mOff = mk.offsets;
    let { r, line, lastAccount, lastMarket, sorted } = this;
    while (pos < len) {
      // one pass to the line break: the three commas, and whether the line is plain
      let c1 = -1, c2 = -1, c3 = -1, nl = -1;
      let plain = true;
      for (let i = pos; i < len; i++) {
        const c = b[i]!;
        if (c === 10) {
          nl = i;
          break;
        }
        if (c === 44) {
          if (c1 < 0) c1 = i;
          else if (c2 < 0) c2 = i;
          else if (c3 < 0) c3 = i;
          else plain = false;
        } else if (c === 34) plain = false;
      }
      const next = nl === -1 ? len : nl + 1;
      const end = nl === -1 ? len : nl;
      const le = end > pos && b[end - 1] === 13 ? end - 1 : end;
      if (le === pos) plain = false;
      if (plain && c3 > 0 && c1 > pos) {
        let a = -1;
        if (lastAccount >= 0 && sameBytes(b, pos, c1, idBytes, idOff[lastAccount], idOff[lastAccount + 1] - idOff[lastAccount])) a = lastAccount;
        else if (lastAccount + 1 < n && sameBytes(b, pos, c1, idBytes, idOff[lastAccount + 1], idOff[lastAccount + 2] - idOff[lastAccount + 1])) a = lastAccount + 1;
        else {
          // any other account: the byte index (a match is an id's bytes, so UTF-8)
          a = this.accounts.index().find(b, pos, c1);
          if (a >= 0 && a < lastAccount) sorted = false;
        }
        let m = -1;
        if (a >= 0 && nm > 0) {
          if (sameBytes(b, c1 + 1, c2, mBytes, mOff[lastMarket], mOff[lastMarket + 1] - mOff[lastMarket])) m = lastMarket;
          else for (let k = 0; k < nm; k++) if (sameBytes(b, c1 + 1, c2, mBytes, mOff[k], mOff[k + 1] - mOff[k])) { m = k; break; }
        }
        if (m >= 0) {
          const market = markets[m];
          const size = scanDecimalBytes(b, c2 + 1, c3, market.sizeDecimals);
          const entry = size === size ? scanDecimalBytes(b, c3 + 1, le, market.priceDecimals) : NaN;
          if (entry === entry && entry >= 0) {
            if (r === this.rowSize.length) {
              this.r = r;
              this.grow();
            }
            store(this.rowSize, this.sizeWords, r, size);
            store(this.rowEntry, this.entryWords, r, entry);
            this.rowAccount[r] = a;
            this.rowMarket[r] = m;
            r++;
            line++;
            lastAccount = a;
            lastMarket = m;
            pos = next;
            tick(progress);
            continue;
          }
        }
      }
      // any other line: as text, through feed (which throws the error, if any)
      Object.assign(this, { r, line, lastAccount, lastMarket, sorted });
      this.feed(decodeLine(b.subarray(pos, next), file), 0);
      ({ r, line, lastAccount, lastMarket, sorted } = this);
      pos = next;
    }
    Object.assign(this, { r, line, lastAccount, lastMarket, sorted });
  }

  finish(): PositionRows {
    const r = this.r;
    return {
      account: trimmed(this.rowAccount, r), market: trimmed(this.rowMarket, r), size: trimmed(this.rowSize, r), entry: trimmed(this.rowEntry, r),
      sorted: this.sorted,
    };
  }
}

const BF = "balances.csv";
const BALANCE_FIELDS = ["account", "asset", "amount"];

/**
 * The data rows of balances.csv, fed a text of whole lines at a time (see AccountsReader). A
 * plainer reader than the positions' (a substring per asset id and amount): the table holds a
 * few balances per account at most.
 */
class BalancesReader {
  private rowAccount = new Uint32Array(16);
  private rowAsset = new Uint32Array(16);
  private rowAmount = new BigInt64Array(16);
  private r = 0;
  private line = 2;
  private readonly assetIndex: Map<string, number>;
  private readonly labels: string[];

  constructor(
    private readonly accounts: AccountRows,
    private readonly assets: readonly Asset[],
  ) {
    this.assetIndex = new Map(assets.map((x, k) => [x.id, k]));
    this.labels = assets.map((x) => `asset ${quote(x.id)}'s decimals ${x.decimals}`);
  }

  feed(t: string, pos: number): void {
    const len = t.length;
    while (pos < len) {
      const nl = t.indexOf("\n", pos);
      const end = nl === -1 ? len : nl;
      const le = end > pos && t.charCodeAt(end - 1) === 13 ? end - 1 : end;
      const line = this.line;
      if (le === pos) throw blankLine(BF, line);
      const commas: number[] = [];
      for (let i = pos; i < le; i++) {
        const c = t.charCodeAt(i);
        if (c === 44) commas.push(i);
        else if (c === 34) throw quoteError(BF, line, BALANCE_FIELDS[Math.min(commas.length, 2)]!);
      }
      if (commas.length !== 2) throw fieldCountError(BF, line, BALANCE_FIELDS, commas.length + 1);
      const [c1, c2] = commas as [number, number];
      if (c1 === pos) throw new BookError(lineRecord(BF, line), "account", "is empty");
      const a = findAccount(this.accounts, t, pos, c1);
      if (a < 0) throw new BookError(lineRecord(BF, line), "account", `${quote(t.slice(pos, c1))} is not an account of ${AF}`);
      const assetId = t.slice(c1 + 1, c2);
      const k = this.assetIndex.get(assetId);
      if (k === undefined) throw new BookError(lineRecord(BF, line), "asset", unknownAsset(assetId, this.assets));
      const text = t.slice(c2 + 1, le);
      const x = tryParseDecimal(text, this.assets[k]!.decimals, this.labels[k]);
      if (typeof x === "string") throw new BookError(lineRecord(BF, line), "amount", `${quote(text)} ${x}`);
      if (!isI64(x)) throw new BookError(lineRecord(BF, line), "amount", `${quote(text)} ${i64Problem(x, this.assets[k]!.decimals)}`);
      const r = this.r;
      if (r === this.rowAccount.length) {
        this.rowAccount = grown(this.rowAccount, r, r * 2);
        this.rowAsset = grown(this.rowAsset, r, r * 2);
        this.rowAmount = grown(this.rowAmount, r, r * 2);
      }
      this.rowAccount[r] = a;
      this.rowAsset[r] = k;
      this.rowAmount[r] = x;
      this.r = r + 1;
      this.line = line + 1;
      pos = nl === -1 ? len : nl + 1;
    }
  }

  finish(): BalanceColumns {
    return groupBalances(this.accounts.strings(), this.assets, this.rowAccount, this.rowAsset, this.rowAmount, this.r, (r) => lineRecord(BF, r + 2), (r) => `line ${r + 2}`);
  }
}

/** Groups the rows by account (stable: file order within an account) into the position columns. */
function groupPositions(rows: PositionRows, n: number): Pick<BookColumns, "positionStart" | "positionMarket" | "positionSize" | "positionEntry"> {
  const np = rows.account.length;
  const positionStart = new Uint32Array(n + 1);
  for (let k = 0; k < np; k++) positionStart[rows.account[k] + 1]++;
  for (let a = 0; a < n; a++) positionStart[a + 1] += positionStart[a];
  if (rows.sorted) return { positionStart, positionMarket: rows.market, positionSize: rows.size, positionEntry: rows.entry };
  const positionMarket = new Uint32Array(np);
  const positionSize = new BigInt64Array(np);
  const positionEntry = new BigInt64Array(np);
  const fill = positionStart.slice(0, n);
  // move 64-bit values as two 32-bit words: no BigInt per element
  const fs = int32Words(rows.size);
  const fe = int32Words(rows.entry);
  const ts = int32Words(positionSize);
  const te = int32Words(positionEntry);
  if (fs !== null && fe !== null && ts !== null && te !== null) {
    for (let k = 0; k < np; k++) {
      const p = fill[rows.account[k]]++;
      positionMarket[p] = rows.market[k];
      ts[2 * p] = fs[2 * k];
      ts[2 * p + 1] = fs[2 * k + 1];
      te[2 * p] = fe[2 * k];
      te[2 * p + 1] = fe[2 * k + 1];
    }
  } else {
    for (let k = 0; k < np; k++) {
      const p = fill[rows.account[k]]++;
      positionMarket[p] = rows.market[k];
      positionSize[p] = rows.size[k];
      positionEntry[p] = rows.entry[k];
    }
  }
  return { positionStart, positionMarket, positionSize, positionEntry };
}

/** At most one position per account and market; the error names the line of the second one. */
function checkOnePerMarket(positionStart: Uint32Array, positionMarket: Uint32Array, rows: PositionRows, accounts: AccountRows, markets: readonly Market[]): void {
  const n = accounts.n;
  const stamp = new Int32Array(markets.length).fill(-1);
  for (let a = 0; a < n; a++) {
    for (let p = positionStart[a]; p < positionStart[a + 1]; p++) {
      const m = positionMarket[p];
      if (stamp[m] === a) {
        let first = -1;
        let k = 0;
        for (; k < rows.account.length; k++) {
          if (rows.account[k] === a && rows.market[k] === m) {
            if (first < 0) first = k;
            else break;
          }
        }
        throw new BookError(
          lineRecord(PF, k + 2),
          "market",
          `account ${quote(idText(accounts.ids.bytes, accounts.ids.start, a))} already holds a position in ${quote(markets[m].id)} (line ${first + 2}); an account holds at most one position per market`,
        );
      }
      stamp[m] = a;
    }
  }
}

/**
 * Reads a book in CSV form (see the top of this file) into columns, checking every rule of the
 * model. Errors are BookErrors naming the file, line and field (`positions.csv line 17`, `size`);
 * errors in markets.json name the market and field as in the JSON form. `onProgress` is called
 * with (0, total) first, every 65536 rows, and with (total, total) at the end, where total is the
 * number of data rows of accounts.csv and positions.csv together. The fourth argument is that
 * callback, or options holding it and the text of balances.csv (for a book whose markets.json
 * lists assets; without it no account holds a balance).
 */
export function parseBookCsv(marketsJson: string, accountsCsv: string, positionsCsv: string, options?: ProgressCallback | CsvReadOptions): BookColumns {
  const { onProgress, balances } = typeof options === "function" ? { onProgress: options, balances: undefined } : (options ?? {});
  const { venue, liquidatorSharePpm, markets, assets } = parseMarketsJson(marketsJson, "markets.json");
  if (balances !== undefined && !assets?.length) throw balancesWithoutAssets(BF);
  const aBody = readHeader(accountsCsv, AF, ACCOUNTS_HEADER);
  const pBody = readHeader(positionsCsv, PF, POSITIONS_HEADER);
  const accountCap = countLines(accountsCsv, aBody);
  const positionCap = countLines(positionsCsv, pBody);
  const progress: Progress = { done: 0, total: accountCap + positionCap, next: PROGRESS_EVERY, callback: onProgress };
  if (onProgress) onProgress(0, progress.total);
  const accountsReader = new AccountsReader(accountCap, progress);
  accountsReader.feed(accountsCsv, aBody);
  const accounts = accountsReader.finish();
  const positionsReader = new PositionsReader(positionCap, accounts, markets, progress);
  positionsReader.feed(positionsCsv, pBody);
  let balanceColumns: BalanceColumns | undefined;
  if (balances !== undefined) {
    const reader = new BalancesReader(accounts, assets!);
    reader.feed(balances, readHeader(balances, BF, BALANCES_HEADER));
    balanceColumns = reader.finish();
  }
  const book = assemble(venue, liquidatorSharePpm, markets, accounts, positionsReader.finish(), assets, balanceColumns);
  if (onProgress) onProgress(progress.total, progress.total);
  return book;
}

function assemble(venue: VenueName | undefined, liquidatorSharePpm: bigint, markets: Market[], accounts: AccountRows, rows: PositionRows, assets?: Asset[], balances?: BalanceColumns): BookColumns {
  const { collateral, n } = accounts;
  const grouped = groupPositions(rows, n);
  checkOnePerMarket(grouped.positionStart, grouped.positionMarket, rows, accounts, markets);
  const withAssets = assets !== undefined ? { assets, ...(balances ?? noBalances(n)) } : {};
  // The reader refused empty and repeated ids as it read them; their strings are made when first
  // read (withLazyIds), unless the text path has made them already.
  const columns: BookColumns = { ...(venue !== undefined ? { venue } : {}), liquidatorSharePpm, markets, accountIds: [], collateral, ...grouped, ...withAssets };
  const { bytes, start } = accounts.ids;
  return withLazyIds(columns, n, () => accounts.strings(), (a) => idString(bytes, start, a));
}

/** A file's content in pieces: texts, or UTF-8 bytes (as a file stream gives them). */
export type TextChunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/**
 * The texts of whole lines of `chunks`: each ends with a line break, except perhaps the last (the
 * file's last line). Bytes are decoded as UTF-8 (a byte-order mark is kept, for readHeader);
 * invalid UTF-8 is a BookError naming `file`.
 */
async function* wholeLines(chunks: TextChunks, file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let carry = "";
  const decode = (bytes: Uint8Array | undefined, stream: boolean): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream });
    } catch (err) {
      if (err instanceof TypeError) throw new BookError(file, "", "is not UTF-8 text");
      throw err;
    }
  };
  for await (const chunk of chunks) {
    const text = carry + (typeof chunk === "string" ? chunk : decode(chunk, true));
    const cut = text.lastIndexOf("\n");
    if (cut === -1) {
      carry = text;
      continue;
    }
    carry = text.slice(cut + 1);
    yield cut + 1 === text.length ? text : text.slice(0, cut + 1);
  }
  const rest = carry + decode(undefined, false);
  if (rest !== "") yield rest;
}

/** Feeds the data lines of `chunks` (after its header, checked) to `feed`. */
async function readStream(chunks: TextChunks, file: string, header: string, feed: (text: string, pos: number) => void): Promise<void> {
  let first = true;
  for await (const text of wholeLines(chunks, file)) {
    feed(text, first ? readHeader(text, file, header) : 0);
    first = false;
  }
  if (first) readHeader("", file, header); // the file is empty
}

/** A reader of whole lines, as text or as UTF-8 bytes. */
interface LineReader {
  feed(text: string, pos: number): void;
  feedBytes(b: Uint8Array, pos: number, len: number, file: string): void;
}

/**
 * Feeds the data lines of `chunks` (after its header, checked) to `reader` as bytes when the
 * pieces are bytes (a file stream), as texts when they are strings. Lines are cut at line
 * breaks, which never fall inside a UTF-8 character; invalid UTF-8 shows when a line is read as
 * text. A piece is read in place (only a line cut by the piece's end is copied), and not kept
 * once the next piece is asked for, so a stream may hand out the same buffer each time.
 */
async function readLineStream(chunks: TextChunks, file: string, header: string, reader: LineReader): Promise<void> {
  const iterator = (Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]()) as AsyncIterator<string | Uint8Array> | Iterator<string | Uint8Array>;
  const first = await iterator.next();
  const rest: AsyncIterable<string | Uint8Array> = { [Symbol.asyncIterator]: () => iterator as AsyncIterator<string | Uint8Array> };
  if (first.done || typeof first.value === "string") {
    async function* all(): AsyncGenerator<string | Uint8Array> {
      if (!first.done) yield first.value;
      yield* rest;
    }
    return readStream(all(), file, header, (text, pos) => reader.feed(text, pos));
  }
  const encoder = new TextEncoder();
  let carry: Uint8Array | null = null;
  let header_ = true;
  const feed = (b: Uint8Array, from: number, to: number): void => {
    let pos = from;
    if (header_) {
      header_ = false;
      const nl = b.indexOf(10, from);
      const headEnd = nl === -1 || nl >= to ? to : nl + 1;
      let text: string;
      try {
        text = lineDecoder.decode(b.subarray(from, headEnd));
      } catch (err) {
        if (err instanceof TypeError) throw new BookError(file, "", "is not UTF-8 text");
        throw err;
      }
      readHeader(text, file, header);
      pos = headEnd;
    }
    reader.feedBytes(b, pos, to, file);
  };
  const take = (chunk: string | Uint8Array): void => {
    const b = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    let from = 0;
    if (carry !== null) {
      // the line cut by the last piece's end, completed with this piece's first line
      const nl = b.indexOf(10);
      const upto = nl === -1 ? b.length : nl + 1;
      const joined = new Uint8Array(carry.length + upto);
      joined.set(carry);
      joined.set(b.subarray(0, upto), carry.length);
      if (nl === -1) {
        carry = joined;
        return;
      }
      carry = null;
      feed(joined, 0, joined.length);
      from = upto;
    }
    const cut = b.lastIndexOf(10);
    if (cut < from) {
      if (from < b.length) carry = b.slice(from);
      return;
    }
    if (cut + 1 < b.length) carry = b.slice(cut + 1);
    if (cut + 1 > from) feed(b, from, cut + 1);
  };
  take(first.value);
  for await (const chunk of rest) take(chunk);
  const last = carry as Uint8Array | null;
  if (last !== null) feed(last, 0, last.length);
  else if (header_) readHeader("", file, header); // the file is empty
}

export interface CsvStreamOptions {
  /** First guesses of the number of accounts and positions (the columns grow past them). */
  readonly accountsHint?: number;
  readonly positionsHint?: number;
  /** balances.csv in pieces, when the book has one (see parseBookCsv). */
  readonly balances?: TextChunks;
}

/**
 * parseBookCsv for files too big to hold as one text: accounts.csv and positions.csv come in
 * pieces (strings, or UTF-8 bytes; a piece may end anywhere, even inside a line or a character),
 * and are read line by line as they come. The result and every error (file, line, field) are
 * those of parseBookCsv on the whole texts. Progress is the caller's: it sees the pieces go by.
 */
export async function parseBookCsvStream(marketsJson: string, accountsCsv: TextChunks, positionsCsv: TextChunks, options: CsvStreamOptions = {}): Promise<BookColumns> {
  const { venue, liquidatorSharePpm, markets, assets } = parseMarketsJson(marketsJson, "markets.json");
  if (options.balances !== undefined && !assets?.length) throw balancesWithoutAssets(BF);
  const progress: Progress = { done: 0, total: 0, next: Infinity, callback: undefined };
  const accountsReader = new AccountsReader(Math.max(16, options.accountsHint ?? 0), progress);
  await readLineStream(accountsCsv, AF, ACCOUNTS_HEADER, accountsReader);
  const accounts = accountsReader.finish();
  const positionsReader = new PositionsReader(Math.max(16, options.positionsHint ?? 0), accounts, markets, progress);
  await readLineStream(positionsCsv, PF, POSITIONS_HEADER, positionsReader);
  let balanceColumns: BalanceColumns | undefined;
  if (options.balances !== undefined) {
    const reader = new BalancesReader(accounts, assets!);
    await readStream(options.balances, BF, BALANCES_HEADER, (text, pos) => reader.feed(text, pos));
    balanceColumns = reader.finish();
  }
  return assemble(venue, liquidatorSharePpm, markets, accounts, positionsReader.finish(), assets, balanceColumns);
}

// ---------------------------------------------------------------------------------------------
// Writer

function checkCsvId(id: string, kind: string): void {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 44 || c === 34 || c < 32) {
      throw new BookError(`${kind} ${quote(id)}`, "id", `${quote(id)} cannot be written to CSV: ids in CSV cannot contain ",", quotes or control characters`);
    }
  }
}

/** The CSV form has no columns for a venue book's labels: a book that carries one is refused, not thinned. */
function checkNoLabels(c: BookColumns): void {
  const label = c.accountIsolated?.some((x) => x !== 0) ? "margin" : c.positionLeverage?.some((x) => x !== 0) ? "leverage" : c.positionSide?.some((x) => x !== 0) ? "side" : null;
  if (label !== null) {
    throw new BookError("book", label, `the CSV form has no column for a position's or account's ${label}; write this book as JSON (the labels would be lost)`);
  }
}

function checkCsvIds(c: BookColumns): void {
  c.markets.forEach((m: Market) => checkCsvId(m.id, "market"));
  c.assets?.forEach((x) => checkCsvId(x.id, "asset"));
  for (const id of c.accountIds) checkCsvId(id, "account");
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Builds a chunk of CSV text as UTF-8 bytes (digits written straight from the 64-bit words, no
 * string per value) and decodes it once per chunk.
 */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  private readonly digits = new Uint8Array(24);

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.len++] = c;
  }

  text(s: string): void {
    this.room(s.length * 3);
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        len += utf8Encoder.encodeInto(s.slice(i), buf.subarray(len)).written;
        break;
      }
      buf[len++] = c;
    }
    this.len = len;
  }

  /** a[i] (a count of 10^-dec units) as formatDecimal writes it; `w` is a's int32Words view or null. */
  decimal(a: BigInt64Array, w: Int32Array | null, i: number, dec: number): void {
    let x: number;
    if (w !== null) {
      const hi = w[2 * i + 1];
      if (hi < -2097152 || hi >= 2097152) return this.text(formatDecimal(a[i], dec));
      x = hi * 4294967296 + (w[2 * i] >>> 0); // exact: |x| <= 2^53
    } else {
      const v = a[i];
      if (v < -9007199254740992n || v > 9007199254740992n) return this.text(formatDecimal(v, dec));
      x = Number(v);
    }
    this.room(dec + 24);
    const buf = this.buf;
    let len = this.len;
    if (x < 0) {
      buf[len++] = 45;
      x = -x;
    }
    const d = this.digits;
    let nd = 0;
    while (x >= 2147483648) {
      const q = Math.floor(x / 10); // exact for x < 2^53: x / 10 cannot round across an integer
      d[nd++] = 48 + (x - q * 10);
      x = q;
    }
    let y = x | 0;
    do {
      const q = (y / 10) | 0;
      d[nd++] = 48 + (y - q * 10);
      y = q;
    } while (y > 0);
    if (nd <= dec) buf[len++] = 48;
    else for (let k = nd - 1; k >= dec; k--) buf[len++] = d[k];
    if (dec > 0) {
      buf[len++] = 46;
      for (let k = dec - 1; k >= 0; k--) buf[len++] = k < nd ? d[k] : 48;
    }
    this.len = len;
  }

  get size(): number {
    return this.len;
  }

  take(): string {
    const s = utf8Decoder.decode(this.buf.subarray(0, this.len));
    this.len = 0;
    return s;
  }
}

function* accountRows(c: BookColumns, rowsPerChunk: number): Generator<string> {
  const out = new ByteWriter();
  out.text(ACCOUNTS_HEADER);
  out.byte(10);
  const n = c.accountIds.length;
  const w = int32Words(c.collateral);
  for (let a = 0; a < n; a++) {
    out.text(c.accountIds[a]);
    out.byte(44);
    out.decimal(c.collateral, w, a, QUOTE_DECIMALS);
    out.byte(10);
    if ((a + 1) % rowsPerChunk === 0) yield out.take();
  }
  if (out.size > 0) yield out.take();
}

function* positionRows(c: BookColumns, rowsPerChunk: number): Generator<string> {
  const out = new ByteWriter();
  out.text(POSITIONS_HEADER);
  out.byte(10);
  const n = c.accountIds.length;
  const ms = c.markets;
  const ids = ms.map((m) => m.id);
  const sd = ms.map((m) => m.sizeDecimals);
  const pd = ms.map((m) => m.priceDecimals);
  const ws = int32Words(c.positionSize);
  const we = int32Words(c.positionEntry);
  let rows = 0;
  for (let a = 0; a < n; a++) {
    const id = c.accountIds[a];
    for (let p = c.positionStart[a]; p < c.positionStart[a + 1]; p++) {
      const m = c.positionMarket[p];
      out.text(id);
      out.byte(44);
      out.text(ids[m]);
      out.byte(44);
      out.decimal(c.positionSize, ws, p, sd[m]);
      out.byte(44);
      out.decimal(c.positionEntry, we, p, pd[m]);
      out.byte(10);
      if (++rows % rowsPerChunk === 0) yield out.take();
    }
  }
  if (out.size > 0) yield out.take();
}

function* balanceRows(c: BookColumns, rowsPerChunk: number): Generator<string> {
  const out = new ByteWriter();
  out.text(BALANCES_HEADER);
  out.byte(10);
  const assets = c.assets ?? [];
  const start = c.balanceStart;
  if (start !== undefined) {
    const amounts = c.balanceAmount!;
    const w = int32Words(amounts);
    let rows = 0;
    for (let a = 0; a < c.accountIds.length; a++) {
      for (let i = start[a]!; i < start[a + 1]!; i++) {
        const x = assets[c.balanceAsset![i]!]!;
        out.text(c.accountIds[a]!);
        out.byte(44);
        out.text(x.id);
        out.byte(44);
        out.decimal(amounts, w, i, x.decimals);
        out.byte(10);
        if (++rows % rowsPerChunk === 0) yield out.take();
      }
    }
  }
  if (out.size > 0) yield out.take();
}

/**
 * Writes a book in column form as CSV texts, in pieces of about `rowsPerChunk` lines, for books too
 * big for one string (a JavaScript string holds at most about 2^29 characters). Concatenating the
 * pieces of each file gives the text of `writeBookCsv`. The book is validated first.
 */
export function writeBookCsvChunks(
  columns: BookColumns,
  rowsPerChunk = 1 << 16,
): { markets: string; accounts: Iterable<string>; positions: Iterable<string>; balances?: Iterable<string> } {
  validateColumns(columns);
  checkCsvIds(columns);
  checkNoLabels(columns);
  refuseFineGmx(columns, "the CSV form");
  const size = Math.max(1, Math.floor(rowsPerChunk));
  return {
    markets: writeMarketsJson(columns.liquidatorSharePpm, columns.markets, columns.venue, columns.assets),
    accounts: { [Symbol.iterator]: () => accountRows(columns, size) },
    positions: { [Symbol.iterator]: () => positionRows(columns, size) },
    ...(hasBalancesTable(columns) ? { balances: { [Symbol.iterator]: () => balanceRows(columns, size) } } : {}),
  };
}

/**
 * Writes a book in column form as the texts of the CSV form: markets.json (without
 * accounts; with the assets of a book that lists them), accounts.csv, positions.csv, and for a book
 * that lists assets balances.csv (LF line ends, a line break after the last row, positions and
 * balances grouped by account in account order). Throws a BookError when the book is invalid or
 * an id cannot be written unquoted.
 */
export function writeBookCsv(columns: BookColumns): BookCsv {
  const w = writeBookCsvChunks(columns);
  return { markets: w.markets, accounts: [...w.accounts].join(""), positions: [...w.positions].join(""), ...(w.balances ? { balances: [...w.balances].join("") } : {}) };
}
