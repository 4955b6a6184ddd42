/**
 * The ranges of docs/model.md ("Ranges (anything else is an input error)") and
 * docs/decisions.md 5-6, checked on books that are already in memory: `validateBook` for the
 * object form (the API accepts plain objects from users, so every type is checked too) and
 * `validateColumns` for the struct-of-arrays form. The parsers in json.ts and csv.ts enforce the
 * same rules on the text they read, with the same constants.
 */
import { BookError, bookError, describeValue } from "./errors.js";
import type { RecordName } from "./errors.js";
import { I64_MAX, I64_MIN, formatDecimal } from "./decimal.js";
import type { Book, BookColumns, Market } from "./types.js";

/** Largest sizeDecimals / priceDecimals. */
export const MAX_DECIMALS = 18;
/** Largest sizeDecimals + priceDecimals. */
export const MAX_DECIMALS_SUM = 24;
/** Decimals of rates (ppm). */
export const RATE_DECIMALS = 6;
/** Rates (mmr, liquidationFee, liquidatorShare, maxSlippage) are in [0, 1] = [0, 1_000_000] ppm. */
export const RATE_MAX_PPM = 1_000_000n;
/** Volatilities are in [0.0001, 10]. */
export const VOLATILITY_MIN_PPM = 100n;
export const VOLATILITY_MAX_PPM = 10_000_000n;
/** depth is at least one quote unit (10^-6). */
export const DEPTH_MIN = 1n;

/**
 * True when t[at, at + s.length) equals s (the caller has checked that the field is that long).
 * Compared from the end: sequential ids such as "acct-0000123" differ in their last characters.
 */
export function sameText(t: string, at: number, s: string): boolean {
  for (let k = s.length - 1; k >= 0; k--) if (t.charCodeAt(at + k) !== s.charCodeAt(k)) return false;
  return true;
}

/**
 * An index from ids to their positions in a list, without a Map (a Map of millions of strings is
 * slow to grow): open addressing over a typed array sized up front, FNV-1a hashes of the char
 * codes. `findSlice` looks up text[start, end) without creating a substring.
 */
export class IdIndex {
  /** Pairs [hash, index + 1] (0 = empty slot): a probe touches one cache line, not the id strings. */
  private table: Int32Array;
  private mask: number;
  private count = 0;
  /** `ids[i]` is the id stored with index i (the caller's list, filled as ids are added). */
  constructor(
    private readonly ids: readonly string[],
    capacity: number,
  ) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size * 2);
    this.mask = size - 1;
  }

  private static hash(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    // murmur3's finalizer: FNV's low bits alone cluster for sequential ids like "acct-000123"
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Doubles the table, re-inserting every entry (by its stored hash). */
  private grow(): void {
    const old = this.table;
    const size = (this.mask + 1) * 2;
    const table = new Int32Array(size * 2);
    const mask = size - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      let slot = old[s] & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = old[s];
      table[2 * slot + 1] = old[s + 1];
    }
    this.table = table;
    this.mask = mask;
  }

  /** The index of `id`, or -1. */
  find(id: string): number {
    return this.findSlice(id, 0, id.length);
  }

  /** The index of the id spelled by text[start, end), or -1. */
  findSlice(text: string, start: number, end: number): number {
    const len = end - start;
    const { table, mask, ids } = this;
    const h = IdIndex.hash(text, start, end);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[2 * slot + 1] - 1;
      if (k < 0) return -1;
      if (table[2 * slot] === h) {
        const id = ids[k];
        if (id.length === len && sameText(text, start, id)) return k;
      }
    }
  }

  /**
   * Records that `ids[index]` is at `index`; returns the index of an earlier equal id (and then
   * records nothing), else -1. Past the capacity given, the table doubles.
   */
  add(index: number): number {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const { table, mask, ids } = this;
    const id = ids[index];
    const h = IdIndex.hash(id, 0, id.length);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[2 * slot + 1] - 1;
      if (k < 0) {
        table[2 * slot] = h;
        table[2 * slot + 1] = index + 1;
        this.count++;
        return -1;
      }
      if (table[2 * slot] === h && ids[k] === id) return k;
    }
  }
}

/** `market "BTC-PERP"`, or `market 3` (1-based) when the id itself is unusable. */
export function marketRecord(id: unknown, index: number): string {
  return typeof id === "string" && id !== "" ? `market ${JSON.stringify(id)}` : `market ${index + 1}`;
}
/** `account "alice"`, or `account 3` (1-based) when the id itself is unusable. */
export function accountRecord(id: unknown, index: number): string {
  return typeof id === "string" && id !== "" ? `account ${JSON.stringify(id)}` : `account ${index + 1}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], record: RecordName, prefix = ""): void {
  for (const key in obj) {
    if (Object.prototype.hasOwnProperty.call(obj, key) && !allowed.includes(key)) {
      throw bookError(record, prefix + key, `unknown field (expected ${allowed.map((k) => prefix + k).join(", ")})`);
    }
  }
}

function objectField(obj: unknown, record: RecordName, field: string): Record<string, unknown> {
  if (!isPlainObject(obj)) throw bookError(record, field, `expected an object, got ${describeValue(obj)}`);
  return obj;
}

function bigintIn(v: unknown, min: bigint, max: bigint, record: RecordName, field: string, what: string): bigint {
  if (typeof v !== "bigint") throw bookError(record, field, `expected a bigint, got ${describeValue(v)}`);
  if (v < min || v > max) throw bookError(record, field, `${v} is outside ${what}`);
  return v;
}

const I64_RANGE = `the signed 64-bit range [${I64_MIN}, ${I64_MAX}]`;
const PRICE_RANGE = `[0, ${I64_MAX}] (prices are >= 0 and fit 64 bits)`;
const RATE_RANGE = "[0, 1000000] ppm (0 to 100%)";

function rate(v: unknown, record: string, field: string): bigint {
  return bigintIn(v, 0n, RATE_MAX_PPM, record, field, RATE_RANGE);
}

function decimalsField(v: unknown, record: string, field: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new BookError(record, field, `expected an integer, got ${describeValue(v)}`);
  if (v < 0 || v > MAX_DECIMALS) throw new BookError(record, field, `${v} is outside [0, ${MAX_DECIMALS}]`);
  return v;
}

const MARKET_KEYS = ["id", "sizeDecimals", "priceDecimals", "markPrice", "tiers", "liquidationFeePpm", "volatility", "impact"];
const TIER_KEYS = ["maxNotional", "mmrPpm"];
const ACCOUNT_KEYS = ["id", "collateral", "positions"];
const POSITION_KEYS = ["market", "size", "entryPrice"];

/**
 * Checks one market (not the uniqueness of its id, which needs the whole list).
 * `index` is its 0-based position in the book, used to name it when its id is unusable.
 */
export function validateMarket(market: Market, index: number): void {
  const m = objectField(market, `market ${index + 1}`, "");
  const record = marketRecord(m.id, index);
  checkKeys(m, MARKET_KEYS, record);
  if (typeof m.id !== "string" || m.id === "") throw new BookError(record, "id", `expected a non-empty string, got ${describeValue(m.id)}`);
  const sd = decimalsField(m.sizeDecimals, record, "sizeDecimals");
  const pd = decimalsField(m.priceDecimals, record, "priceDecimals");
  if (sd + pd > MAX_DECIMALS_SUM) {
    throw new BookError(record, "priceDecimals", `sizeDecimals + priceDecimals = ${sd} + ${pd} = ${sd + pd} exceeds ${MAX_DECIMALS_SUM}`);
  }
  bigintIn(m.markPrice, 0n, I64_MAX, record, "markPrice", PRICE_RANGE);
  if (!Array.isArray(m.tiers)) throw new BookError(record, "tiers", `expected an array, got ${describeValue(m.tiers)}`);
  if (m.tiers.length === 0) throw new BookError(record, "tiers", "at least one tier is required");
  let prevMax = -1n;
  let prevMmr = 0n;
  for (let j = 0; j < m.tiers.length; j++) {
    const tierRecord = `${record} tier ${j + 1}`;
    const t = objectField(m.tiers[j], tierRecord, "");
    checkKeys(t, TIER_KEYS, tierRecord);
    const last = j === m.tiers.length - 1;
    const mmr = rate(t.mmrPpm, tierRecord, "mmrPpm");
    if (j > 0 && mmr < prevMmr) {
      throw new BookError(tierRecord, "mmrPpm", `${mmr} is less than tier ${j}'s ${prevMmr} (mmr must be non-decreasing)`);
    }
    prevMmr = mmr;
    if (last) {
      if (t.maxNotional !== null) {
        throw new BookError(tierRecord, "maxNotional", `the last tier must have maxNotional null (it covers every larger notional), got ${describeValue(t.maxNotional)}`);
      }
    } else {
      if (t.maxNotional === null || t.maxNotional === undefined) {
        throw new BookError(tierRecord, "maxNotional", "only the last tier may be without maxNotional");
      }
      const max = bigintIn(t.maxNotional, 0n, I64_MAX, tierRecord, "maxNotional", `[0, ${I64_MAX}] quote units`);
      if (max <= prevMax) {
        throw new BookError(tierRecord, "maxNotional", `${max} is not greater than tier ${j}'s ${prevMax} (maxNotional must be strictly increasing)`);
      }
      prevMax = max;
    }
  }
  rate(m.liquidationFeePpm, record, "liquidationFeePpm");
  if (m.volatility !== undefined) {
    const v = objectField(m.volatility, record, "volatility");
    checkKeys(v, ["currentPpm", "referencePpm"], record, "volatility.");
    const range = `[${VOLATILITY_MIN_PPM}, ${VOLATILITY_MAX_PPM}] ppm (0.0001 to 10)`;
    bigintIn(v.currentPpm, VOLATILITY_MIN_PPM, VOLATILITY_MAX_PPM, record, "volatility.currentPpm", range);
    bigintIn(v.referencePpm, VOLATILITY_MIN_PPM, VOLATILITY_MAX_PPM, record, "volatility.referencePpm", range);
  }
  if (m.impact !== undefined) {
    const im = objectField(m.impact, record, "impact");
    checkKeys(im, ["depth", "maxSlippagePpm"], record, "impact.");
    bigintIn(im.depth, DEPTH_MIN, I64_MAX, record, "impact.depth", `[${DEPTH_MIN}, ${I64_MAX}] quote units (depth > 0)`);
    rate(im.maxSlippagePpm, record, "impact.maxSlippagePpm");
  }
}

/** Checks the market list: each market, and that ids are unique. */
export function validateMarkets(markets: unknown, record = "book"): void {
  if (!Array.isArray(markets)) throw new BookError(record, "markets", `expected an array, got ${describeValue(markets)}`);
  const seen = new Map<string, number>();
  for (let i = 0; i < markets.length; i++) {
    validateMarket(markets[i] as Market, i);
    const id = (markets[i] as Market).id;
    const other = seen.get(id);
    if (other !== undefined) {
      throw new BookError(marketRecord(id, i), "id", `duplicate market id ${JSON.stringify(id)} (markets ${other + 1} and ${i + 1})`);
    }
    seen.set(id, i);
  }
}

function validateShare(v: unknown): void {
  rate(v, "book", "liquidatorSharePpm");
}

/**
 * Checks every range and rule of the model on a book in object form, and the types of its fields.
 * Throws a BookError naming the record (`account "dave" position 2`, `market "BTC-PERP" tier 3`)
 * and the field (`size`, `mmrPpm`); unknown fields are errors too.
 */
export function validateBook(book: Book): void {
  const b = objectField(book, "book", "");
  checkKeys(b, ["liquidatorSharePpm", "markets", "accounts"], "book");
  validateShare(b.liquidatorSharePpm);
  validateMarkets(b.markets);
  const markets = b.markets as readonly Market[];
  if (!Array.isArray(b.accounts)) throw new BookError("book", "accounts", `expected an array, got ${describeValue(b.accounts)}`);
  const accounts = b.accounts as unknown[];
  const accountIds: string[] = [];
  const ids = new IdIndex(accountIds, accounts.length);
  const heldBy = new Int32Array(markets.length).fill(-1); // position index (in the current account) holding each market
  const stamp = new Int32Array(markets.length).fill(-1);
  for (let a = 0; a < accounts.length; a++) {
    const acc = objectField(accounts[a], () => `account ${a + 1}`, "");
    const record = (): string => accountRecord(acc.id, a);
    checkKeys(acc, ACCOUNT_KEYS, record);
    const id = acc.id;
    if (typeof id !== "string" || id === "") throw bookError(record, "id", `expected a non-empty string, got ${describeValue(id)}`);
    accountIds.push(id);
    const other = ids.add(a);
    if (other >= 0) throw bookError(record, "id", `duplicate account id ${JSON.stringify(id)} (accounts ${other + 1} and ${a + 1})`);
    bigintIn(acc.collateral, I64_MIN, I64_MAX, record, "collateral", I64_RANGE);
    const positions = acc.positions;
    if (!Array.isArray(positions)) throw bookError(record, "positions", `expected an array, got ${describeValue(positions)}`);
    for (let p = 0; p < positions.length; p++) {
      const posRecord = (): string => `${record()} position ${p + 1}`;
      const pos = objectField(positions[p], posRecord, "");
      checkKeys(pos, POSITION_KEYS, posRecord);
      const m = pos.market;
      if (typeof m !== "number" || !Number.isInteger(m) || m < 0 || m >= markets.length) {
        throw bookError(posRecord, "market", `expected an index into markets (0 to ${markets.length - 1}), got ${describeValue(m)}`);
      }
      if (stamp[m] === a) {
        throw bookError(posRecord, "market", `market ${JSON.stringify(markets[m].id)} is already held by position ${heldBy[m] + 1} (an account holds at most one position per market)`);
      }
      stamp[m] = a;
      heldBy[m] = p;
      bigintIn(pos.size, I64_MIN, I64_MAX, posRecord, "size", I64_RANGE);
      bigintIn(pos.entryPrice, 0n, I64_MAX, posRecord, "entryPrice", PRICE_RANGE);
    }
  }
}

/**
 * Checks a book in column form: the same rules as `validateBook`, plus the shape of the columns
 * (lengths, offsets, array types). Entries of a BigInt64Array are 64-bit by construction.
 */
export function validateColumns(columns: BookColumns): void {
  const c = objectField(columns, "book", "") as unknown as BookColumns;
  validateShare(c.liquidatorSharePpm);
  validateMarkets(c.markets);
  const nm = c.markets.length;
  if (!Array.isArray(c.accountIds)) throw new BookError("book", "accountIds", `expected an array, got ${describeValue(c.accountIds)}`);
  const n = c.accountIds.length;
  const typed = (v: unknown, type: Function, name: string, length: number | null): void => {
    if (!(v instanceof type)) throw new BookError("book", name, `expected a ${type.name}, got ${describeValue(v)}`);
    const len = (v as ArrayLike<unknown>).length;
    if (length !== null && len !== length) throw new BookError("book", name, `has length ${len}, expected ${length}`);
  };
  typed(c.collateral, BigInt64Array, "collateral", n);
  typed(c.positionStart, Uint32Array, "positionStart", n + 1);
  const np = c.positionStart[n];
  typed(c.positionMarket, Uint32Array, "positionMarket", np);
  typed(c.positionSize, BigInt64Array, "positionSize", np);
  typed(c.positionEntry, BigInt64Array, "positionEntry", np);
  if (c.positionStart[0] !== 0) throw new BookError("book", "positionStart", `positionStart[0] is ${c.positionStart[0]}, expected 0`);
  const ids = new IdIndex(c.accountIds, n);
  const stamp = new Int32Array(nm).fill(-1);
  const heldBy = new Int32Array(nm);
  for (let a = 0; a < n; a++) {
    const id = c.accountIds[a];
    if (typeof id !== "string" || id === "") throw new BookError(accountRecord(id, a), "id", `expected a non-empty string, got ${describeValue(id)}`);
    const other = ids.add(a);
    if (other >= 0) throw new BookError(accountRecord(id, a), "id", `duplicate account id ${JSON.stringify(id)} (accounts ${other + 1} and ${a + 1})`);
    const start = c.positionStart[a];
    const end = c.positionStart[a + 1];
    if (end < start) throw new BookError(accountRecord(id, a), "positionStart", `positionStart[${a + 1}] = ${end} is less than positionStart[${a}] = ${start}`);
    for (let p = start; p < end; p++) {
      const m = c.positionMarket[p];
      if (m >= nm) throw new BookError(`${accountRecord(id, a)} position ${p - start + 1}`, "market", `market index ${m} is not below the ${nm} markets`);
      if (stamp[m] === a) {
        throw new BookError(
          `${accountRecord(id, a)} position ${p - start + 1}`,
          "market",
          `market ${JSON.stringify(c.markets[m].id)} is already held by position ${heldBy[m] + 1} (an account holds at most one position per market)`,
        );
      }
      stamp[m] = a;
      heldBy[m] = p - start;
      const entry = c.positionEntry[p];
      if (entry < 0n) {
        throw new BookError(`${accountRecord(id, a)} position ${p - start + 1}`, "entryPrice", `${entry} (${formatDecimal(entry, c.markets[m].priceDecimals)}) is negative (prices are >= 0)`);
      }
    }
  }
}
