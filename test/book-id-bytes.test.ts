/**
 * The table readers' byte paths (issue 15, book/id-bytes.ts): account ids kept as UTF-8 bytes,
 * duplicates and lookups by the byte index, positions matched against the accounts' id bytes,
 * one string per id. Checked against the object form (bookToColumns) and against the one-text
 * CSV parse, for sorted and unsorted positions, non-ASCII ids, dictionary columns and chunked
 * tables, with every error naming the file, row or line, and field.
 */
import { Dictionary, Field, Int32, Int64, RecordBatch, Schema, Struct, Table, Uint32, Uint64, Utf8, makeData, tableFromArrays, vectorFromArray } from "apache-arrow";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bookFromArrowTables } from "../book/arrow.js";
import { bookToColumns } from "../book/columns.js";
import { parseBookCsv, parseBookCsvStream } from "../book/csv.js";
import { ByteIdIndex, idStrings, isAsciiBytes } from "../book/id-bytes.js";
import { parseBookJson } from "../book/json.js";
import type { BookColumns } from "../book/types.js";
import { loadCsvBook } from "../cli/load-book.js";

const enc = new TextEncoder();
const MARKETS = JSON.stringify({
  liquidatorShare: "0.5",
  markets: [
    { id: "BTC-PERP", sizeDecimals: 8, priceDecimals: 2, markPrice: "65000", tiers: [{ mmr: "0.01" }], liquidationFee: "0.01" },
    { id: "ÉTH-PERP", sizeDecimals: 3, priceDecimals: 2, markPrice: "3400", tiers: [{ mmr: "0.01" }], liquidationFee: "0.01" },
  ],
});

/** Accounts (id, collateral units) and positions (account, market, size units, entry units) in file order. */
const IDS = ["alice", "é", "日本-1", "bob", "acct-ü", "carol-0000000000001", "x"];
const COLLATERAL = [1000n, 2n, 3n, 4n, 5n, 6n, 7n];
const ROWS: [string, string, bigint, bigint][] = [
  ["日本-1", "BTC-PERP", 5n, 100n],
  ["alice", "ÉTH-PERP", -3n, 200n],
  ["é", "BTC-PERP", 7n, 300n],
  ["alice", "BTC-PERP", 1n, 400n],
  ["x", "ÉTH-PERP", 2n, 500n],
  ["日本-1", "ÉTH-PERP", -9n, 600n],
  ["carol-0000000000001", "BTC-PERP", 4n, 700n],
  ["acct-ü", "BTC-PERP", 8n, 800n],
];

/** The expected columns: the object form of the same book (positions grouped in accounts order, file order kept). */
function expected(ids = IDS, rows = ROWS): BookColumns {
  const markets = ["BTC-PERP", "ÉTH-PERP"];
  const m = JSON.parse(MARKETS);
  const decimals = (mk: string) => (mk === "BTC-PERP" ? [8, 2] : [3, 2]);
  const fmt = (v: bigint, d: number) => {
    const neg = v < 0n, a = (neg ? -v : v).toString().padStart(d + 1, "0");
    return `${neg ? "-" : ""}${a.slice(0, a.length - d)}${d > 0 ? "." + a.slice(a.length - d) : ""}`;
  };
  const book = {
    ...m,
    accounts: ids.map((id, a) => ({
      id,
      collateral: fmt(COLLATERAL[a]!, 6),
      positions: rows.filter((r) => r[0] === id).map(([, mk, size, entry]) => ({ market: mk, size: fmt(size, decimals(mk)[0]!), entryPrice: fmt(entry, decimals(mk)[1]!) })),
    })),
  };
  expect(markets.length).toBe(2);
  return bookToColumns(parseBookJson(JSON.stringify(book)));
}

function plain(c: BookColumns) {
  return {
    accountIds: [...c.accountIds], collateral: [...c.collateral], positionStart: [...c.positionStart], positionMarket: [...c.positionMarket],
    positionSize: [...c.positionSize], positionEntry: [...c.positionEntry],
  };
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return "no error";
}

async function asyncErrorOf(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (err) {
    return (err as Error).message;
  }
  return "no error";
}

// ---------------------------------------------------------------------------------------------
// Arrow

/** A table of `columns` (name -> per-batch Data) in batches. */
function batches(fields: Field[], columns: ReturnType<typeof makeData>[][]): Table {
  const out: RecordBatch[] = [];
  for (let b = 0; b < columns[0]!.length; b++) {
    const data = columns.map((c) => c[b]!);
    out.push(new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: data[0]!.length, children: data, nullCount: 0 })));
  }
  return new Table(out);
}

/** utf8 Data of raw byte strings (each an array of bytes), so that a test can write bytes that are not UTF-8. */
function rawUtf8(values: Uint8Array[]) {
  const offsets = new Int32Array(values.length + 1);
  let n = 0;
  values.forEach((v, i) => {
    n += v.length;
    offsets[i + 1] = n;
  });
  const bytes = new Uint8Array(n);
  values.forEach((v, i) => bytes.set(v, offsets[i]!));
  return makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data: bytes });
}

const utf8 = (xs: string[]) => rawUtf8(xs.map((x) => enc.encode(x)));
const int64 = (xs: bigint[]) => makeData({ type: new Int64(), length: xs.length, data: BigInt64Array.from(xs) });

/** Splits `xs` into pieces at the given cut points. */
function cut<T>(xs: T[], at: number[]): T[][] {
  const out: T[][] = [];
  let from = 0;
  for (const c of [...at, xs.length]) {
    out.push(xs.slice(from, c));
    from = c;
  }
  return out;
}

function accountsTable(ids = IDS, at: number[] = []): Table {
  const fields = [new Field("id", new Utf8(), false), new Field("collateral", new Int64(), false)];
  return batches(fields, [cut(ids, at).map(utf8), cut(COLLATERAL.slice(0, ids.length), at).map(int64)]);
}

function positionsTable(rows = ROWS, at: number[] = []): Table {
  const fields = [new Field("account", new Utf8(), false), new Field("market", new Utf8(), false), new Field("size", new Int64(), false), new Field("entryPrice", new Int64(), false)];
  const parts = cut(rows, at);
  return batches(fields, [parts.map((p) => utf8(p.map((r) => r[0]))), parts.map((p) => utf8(p.map((r) => r[1]))), parts.map((p) => int64(p.map((r) => r[2]))), parts.map((p) => int64(p.map((r) => r[3])))]);
}

/** A dictionary-encoded string column of `values` (dictionary in first-seen order). */
function dictionary(values: string[]) {
  const dict = [...new Set(values)];
  const type = new Dictionary(new Utf8(), new Int32());
  return makeData({ type, length: values.length, data: Int32Array.from(values, (v) => dict.indexOf(v)), dictionary: vectorFromArray(dict, new Utf8()) });
}

describe("Arrow: ids as bytes", () => {
  it("non-ASCII ids and unsorted positions give the object form's columns, in one batch and in many", () => {
    const want = plain(expected());
    expect(plain(bookFromArrowTables(MARKETS, accountsTable(), positionsTable()))).toEqual(want);
    expect(plain(bookFromArrowTables(MARKETS, accountsTable(IDS, [1, 2, 5]), positionsTable(ROWS, [1, 3, 4, 7])))).toEqual(want);
  });

  it("sorted positions (each account's rows together, in accounts order) read without a permutation, in batches cut inside an account", () => {
    const sorted = IDS.flatMap((id) => ROWS.filter((r) => r[0] === id));
    const c = bookFromArrowTables(MARKETS, accountsTable(IDS, [3]), positionsTable(sorted, [1, 2, 5]));
    expect(plain(c)).toEqual(plain(expected(IDS, sorted)));
    expect([...c.positionEntry]).toEqual(sorted.map((r) => r[3]));
  });

  it("ascending ids: positions that skip accounts (galloping search), go back (the index, built then) or name no account", () => {
    const ids = Array.from({ length: 300 }, (_, i) => `acct-${String(i).padStart(4, "0")}`);
    const coll = ids.map((_, i) => BigInt(i));
    const fields = [new Field("id", new Utf8(), false), new Field("collateral", new Int64(), false)];
    const accounts = batches(fields, [[utf8(ids.slice(0, 100)), utf8(ids.slice(100))], [int64(coll.slice(0, 100)), int64(coll.slice(100))]]);
    const owners = [0, 1, 5, 6, 7, 120, 121, 299]; // skips of 3, 112 and 177 accounts
    const rows = (o: number[]) => o.map((a, i) => [ids[a]!, "BTC-PERP", BigInt(i + 1), 1n] as (typeof ROWS)[number]);
    const c = bookFromArrowTables(MARKETS, accounts, positionsTable(rows(owners), [3]));
    const start = Array.from({ length: 301 }, (_, a) => owners.filter((o) => o < a).length);
    expect([...c.positionStart]).toEqual(start);
    expect([...c.positionSize]).toEqual(owners.map((_, i) => BigInt(i + 1)));
    // back to an earlier account: grouped in accounts order, file order kept within an account
    const back = [5, 120, 2, 299, 3, 0];
    const b = bookFromArrowTables(MARKETS, accounts, positionsTable(rows(back)));
    expect([...b.positionSize]).toEqual([6n, 3n, 5n, 1n, 2n, 4n]);
    expect(b.positionStart[300]).toBe(6);
    expect(errorOf(() => bookFromArrowTables(MARKETS, accounts, positionsTable([...rows([1, 2]), ["acct-0150x", "BTC-PERP", 1n, 1n], ["acct-9999", "BTC-PERP", 1n, 1n]]))))
      .toBe('positions.arrow row 3: field "account": "acct-0150x" is not an account of accounts.arrow');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accounts, positionsTable([...rows([298]), ["acct-9999", "BTC-PERP", 1n, 1n]]))))
      .toBe('positions.arrow row 2: field "account": "acct-9999" is not an account of accounts.arrow');
    // ids that stop ascending are all checked, in row order: the first fault named
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(["a", "b", "a", "c", ""]), positionsTable([])))).toBe('accounts.arrow row 3: field "id": duplicate account id "a" (also row 1)');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(["a", "b", "", "a"]), positionsTable([])))).toBe('accounts.arrow row 3: field "id": is empty');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(["b", "a", "c", "a"]), positionsTable([])))).toBe('accounts.arrow row 4: field "id": duplicate account id "a" (also row 2)');
  });

  it("dictionary columns: ids, accounts and markets, in several batches", () => {
    const idFields = [new Field("id", new Dictionary(new Utf8(), new Int32()), false), new Field("collateral", new Int64(), false)];
    const accounts = batches(idFields, [[dictionary(IDS.slice(0, 4)), dictionary(IDS.slice(4))], [int64(COLLATERAL.slice(0, 4)), int64(COLLATERAL.slice(4))]]);
    const pFields = [new Field("account", new Dictionary(new Utf8(), new Int32()), false), new Field("market", new Dictionary(new Utf8(), new Int32()), false), new Field("size", new Int64(), false), new Field("entryPrice", new Int64(), false)];
    const parts = cut(ROWS, [3, 6]);
    const positions = batches(pFields, [parts.map((p) => dictionary(p.map((r) => r[0]))), parts.map((p) => dictionary(p.map((r) => r[1]))), parts.map((p) => int64(p.map((r) => r[2]))), parts.map((p) => int64(p.map((r) => r[3])))]);
    expect(plain(bookFromArrowTables(MARKETS, accounts, positions))).toEqual(plain(expected()));
    // a dictionary id column that repeats an entry is a duplicate, naming both rows
    const dup = batches(idFields, [[dictionary(["a", "é", "a"])], [int64([1n, 2n, 3n])]]);
    expect(errorOf(() => bookFromArrowTables(MARKETS, dup, positionsTable([])))).toBe('accounts.arrow row 3: field "id": duplicate account id "a" (also row 1)');
    // an unknown account in a dictionary column names its row
    const unknown = batches(pFields, [[dictionary(["alice", "bob", "zoë"])], [dictionary(["BTC-PERP", "BTC-PERP", "BTC-PERP"])], [int64([1n, 2n, 3n])], [int64([1n, 2n, 3n])]]);
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(), unknown))).toBe('positions.arrow row 3: field "account": "zoë" is not an account of accounts.arrow');
  });

  it("duplicates are found by the byte index, ASCII or not, across batches, naming both rows", () => {
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(["a", "é", "b", "é"], [2]), positionsTable([])))).toBe('accounts.arrow row 4: field "id": duplicate account id "é" (also row 2)');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(["acct-1", "acct-2", "acct-1"]), positionsTable([])))).toBe('accounts.arrow row 3: field "id": duplicate account id "acct-1" (also row 1)');
    // ascending but for one repeat next to its twin, and a repeat at the very end
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(["a", "b", "b", "c"]), positionsTable([])))).toBe('accounts.arrow row 3: field "id": duplicate account id "b" (also row 2)');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(["a", "b", "c", "c"]), positionsTable([])))).toBe('accounts.arrow row 4: field "id": duplicate account id "c" (also row 3)');
    // equal prefixes and lengths are not duplicates
    expect(bookFromArrowTables(MARKETS, accountsTable(["ab", "a", "abc", "b", "ba"]), positionsTable([])).accountIds).toEqual(["ab", "a", "abc", "b", "ba"]);
  });

  it("an unknown account or market, an empty id and bytes that are not UTF-8 name the row", () => {
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(), positionsTable([...ROWS.slice(0, 5), ["alicé", "BTC-PERP", 1n, 1n]], [2])))).toBe('positions.arrow row 6: field "account": "alicé" is not an account of accounts.arrow');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(), positionsTable([ROWS[0]!, ["alice", "ETH-PERP", 1n, 1n]])))).toBe('positions.arrow row 2: field "market": "ETH-PERP" is not a market of markets.json');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(), positionsTable([ROWS[0]!, ["", "BTC-PERP", 1n, 1n]])))).toBe('positions.arrow row 2: field "account": is empty');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(["a", ""]), positionsTable([])))).toBe('accounts.arrow row 2: field "id": is empty');
    const bad = new Table(new RecordBatch(new Schema([new Field("id", new Utf8(), false), new Field("collateral", new Int64(), false)]), makeData({
      type: new Struct([new Field("id", new Utf8(), false), new Field("collateral", new Int64(), false)]), length: 3, nullCount: 0,
      children: [rawUtf8([enc.encode("a"), enc.encode("b"), Uint8Array.of(0x61, 0xff)]), int64([1n, 2n, 3n])],
    })));
    expect(errorOf(() => bookFromArrowTables(MARKETS, bad, positionsTable([])))).toBe('accounts.arrow row 3: field "id": is not UTF-8 text');
    const badAccount = batches([new Field("account", new Utf8(), false), new Field("market", new Utf8(), false), new Field("size", new Int64(), false), new Field("entryPrice", new Int64(), false)],
      [[rawUtf8([enc.encode("alice"), Uint8Array.of(0xc3)])], [utf8(["BTC-PERP", "BTC-PERP"])], [int64([1n, 2n])], [int64([1n, 2n])]]);
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(), badAccount))).toBe('positions.arrow row 2: field "account": is not UTF-8 text');
  });

  it("a second position in a market names both rows, sorted or not", () => {
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(), positionsTable([...ROWS, ["é", "BTC-PERP", 1n, 1n]], [4])))).toBe(
      'positions.arrow row 9: field "market": account "é" already holds a position in "BTC-PERP" (row 3); an account holds at most one position per market');
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(), positionsTable([["alice", "BTC-PERP", 1n, 1n], ["alice", "BTC-PERP", 1n, 1n]])))).toBe(
      'positions.arrow row 2: field "market": account "alice" already holds a position in "BTC-PERP" (row 1); an account holds at most one position per market');
  });

  it("int64 and uint64 amounts: one copy across batches; a negative price or a value past 2^63-1 names its row", () => {
    const c = bookFromArrowTables(MARKETS, accountsTable(), positionsTable(ROWS, [2, 5]));
    expect([...c.positionSize].sort()).toEqual(ROWS.map((r) => r[2]).sort());
    const neg = ROWS.map((r, i) => (i === 6 ? ([r[0], r[1], r[2], -1n] as typeof r) : r));
    expect(errorOf(() => bookFromArrowTables(MARKETS, accountsTable(), positionsTable(neg, [2, 5])))).toBe('positions.arrow row 7: field "entryPrice": "-1" is negative (prices are >= 0)');
    const u64 = (xs: bigint[]) => makeData({ type: new Uint64(), length: xs.length, data: BigUint64Array.from(xs) });
    const fields = [new Field("id", new Utf8(), false), new Field("collateral", new Uint64(), false)];
    expect([...bookFromArrowTables(MARKETS, batches(fields, [[utf8(["a", "b"]), utf8(["c"])], [u64([1n, 2n ** 63n - 1n]), u64([3n])]]), positionsTable([])).collateral]).toEqual([1n, 2n ** 63n - 1n, 3n]);
    expect(errorOf(() => bookFromArrowTables(MARKETS, batches(fields, [[utf8(["a", "b"]), utf8(["c"])], [u64([1n, 2n]), u64([2n ** 63n])]]), positionsTable([])))).toBe(
      'accounts.arrow row 3: field "collateral": "9223372036854775808" does not fit a signed 64-bit count of 10^-6 units');
    // uint32 dictionary keys (as liqscan writes) and tableFromArrays' columns read the same book
    const t = tableFromArrays({ id: IDS, collateral: BigInt64Array.from(COLLATERAL) });
    const p = tableFromArrays({ account: ROWS.map((r) => r[0]), market: ROWS.map((r) => r[1]), size: BigInt64Array.from(ROWS, (r) => r[2]), entryPrice: BigInt64Array.from(ROWS, (r) => r[3]) });
    expect(plain(bookFromArrowTables(MARKETS, t, p))).toEqual(plain(expected()));
    expect(new Dictionary(new Utf8(), new Uint32()).indices).toBeInstanceOf(Uint32);
  });
});

// ---------------------------------------------------------------------------------------------
// CSV

const ACCOUNTS_CSV = "id,collateral\n" + IDS.map((id, a) => `${id},0.00000${COLLATERAL[a]! % 10n}`).join("\n") + "\n";
const fmtUnits = (v: bigint, d: number) => {
  const neg = v < 0n, a = (neg ? -v : v).toString().padStart(d + 1, "0");
  return `${neg ? "-" : ""}${a.slice(0, a.length - d)}.${a.slice(a.length - d)}`;
};
const positionsCsv = (rows: typeof ROWS) =>
  "account,market,size,entryPrice\n" + rows.map(([a, m, s, e]) => `${a},${m},${fmtUnits(s, m === "BTC-PERP" ? 8 : 3)},${fmtUnits(e, 2)}`).join("\r\n") + (rows.length > 0 ? "\r\n" : "");

async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const b = enc.encode(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe("CSV: ids as bytes", () => {
  const SIZES = [1, 2, 5, 64, 1 << 20];

  it("non-ASCII ids, unsorted positions: the byte stream in pieces of any size reads the one-text parse's columns", async () => {
    const want = parseBookCsv(MARKETS, ACCOUNTS_CSV, positionsCsv(ROWS));
    expect(want.accountIds).toEqual(IDS);
    expect(plain(want).positionStart).toEqual(plain(expected()).positionStart);
    expect(plain(want).positionSize).toEqual(plain(expected()).positionSize);
    for (const size of SIZES) {
      expect(plain(await parseBookCsvStream(MARKETS, pieces(ACCOUNTS_CSV, size), pieces(positionsCsv(ROWS), size), { accountsHint: 1, positionsHint: 1 }))).toEqual(plain(want));
    }
  });

  it("duplicates (found by the byte index) and unknown accounts name the line, as the one-text parse does", async () => {
    const cases: [string, string, string][] = [
      ["id,collateral\na,1\né,2\nb,3\né,4\n", positionsCsv([]), 'accounts.csv line 5: field "id": duplicate account id "é" (also line 3)'],
      ["id,collateral\nacct-1,1\nacct-2,2\nacct-1,3\n", positionsCsv([]), 'accounts.csv line 4: field "id": duplicate account id "acct-1" (also line 2)'],
      [ACCOUNTS_CSV, positionsCsv([...ROWS.slice(0, 5), ["alicé", "BTC-PERP", 1n, 1n]]), 'positions.csv line 7: field "account": "alicé" is not an account of accounts.csv'],
      [ACCOUNTS_CSV, positionsCsv([...ROWS, ["é", "BTC-PERP", 1n, 1n]]), 'positions.csv line 10: field "market": account "é" already holds a position in "BTC-PERP" (line 4); an account holds at most one position per market'],
      ["id,collateral\na,1\n,2\n", positionsCsv([]), 'accounts.csv line 3: field "id": is empty'],
      ["id,collateral\na,1\nb\"c,2\n", positionsCsv([]), 'accounts.csv line 3: field "id": contains a quote character ("): quoted CSV fields are not supported (ids cannot contain "," or quotes)'],
      ["id,collateral\na,1\nb,2,3\n", positionsCsv([]), 'accounts.csv line 3: the row has 3 fields, expected 2 (id,collateral)'],
      ["id,collateral\na,1\nb,0.0000001\n", positionsCsv([]), 'accounts.csv line 3: field "collateral": "0.0000001" has more decimals than 6 (quote amounts are in 10^-6 units)'],
      ["id,collateral\na,1\n\nb,2\n", positionsCsv([]), "accounts.csv line 3: blank line (only the last line may be followed by a line break; remove empty lines)"],
    ];
    for (const [a, p, message] of cases) {
      expect(errorOf(() => parseBookCsv(MARKETS, a, p))).toBe(message);
      for (const size of SIZES) expect(await asyncErrorOf(() => parseBookCsvStream(MARKETS, pieces(a, size), pieces(p, size)))).toBe(message);
    }
  });

  it("a long collateral (past 15 digits) and a non-UTF-8 id take the text path: the exact value, or the error", async () => {
    const a = "id,collateral\nwhale,9223372036854.775807\nsmall,1\n";
    const c = await parseBookCsvStream(MARKETS, pieces(a, 3), pieces(positionsCsv([]), 3));
    expect([...c.collateral]).toEqual([9223372036854775807n, 1000000n]);
    const bad = Uint8Array.of(...enc.encode("id,collateral\na,1\n"), 0xff, ...enc.encode(",2\n"));
    expect(await asyncErrorOf(() => parseBookCsvStream(MARKETS, [bad], pieces(positionsCsv([]), 4)))).toBe("accounts.csv: is not UTF-8 text");
  });

  it("the command line's reader (two buffers read in turn) with tiny pieces reads the same book", async () => {
    const dir = mkdtempSync(join(tmpdir(), "liqscan-idbytes-"));
    try {
      writeFileSync(join(dir, "markets.json"), MARKETS);
      writeFileSync(join(dir, "accounts.csv"), ACCOUNTS_CSV);
      writeFileSync(join(dir, "positions.csv"), positionsCsv(ROWS));
      const want = plain(parseBookCsv(MARKETS, ACCOUNTS_CSV, positionsCsv(ROWS)));
      for (const chunkBytes of [1, 3, 7, 1 << 20]) expect(plain((await loadCsvBook(dir, { chunkBytes })).book as BookColumns)).toEqual(want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The byte index

describe("ByteIdIndex and idStrings", () => {
  it("finds exactly what a Map of the strings finds, and the first of each duplicate (growing from a capacity of 1)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("a", "b", "é", "日", "1", "-"), maxLength: 4 }), { maxLength: 60 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 10 }), (ids, probes) => {
        const parts = ids.map((s) => enc.encode(s));
        const start = new Uint32Array(ids.length + 1);
        parts.forEach((p, i) => (start[i + 1] = start[i]! + p.length));
        const bytes = new Uint8Array(start[ids.length]!);
        parts.forEach((p, i) => bytes.set(p, start[i]!));
        const index = new ByteIdIndex(bytes, start, 1);
        const first = new Map<string, number>();
        ids.forEach((id, i) => {
          const other = index.add(i);
          expect(other).toBe(first.has(id) ? first.get(id) : -1);
          if (!first.has(id)) first.set(id, i);
        });
        for (const q of [...probes, ...ids]) {
          const b = enc.encode(q);
          expect(index.find(b, 0, b.length)).toBe(first.get(q) ?? -1);
        }
        expect(idStrings(bytes, start, ids.length, () => new Error("not UTF-8"))).toEqual(ids);
      }),
    );
  });

  it("isAsciiBytes looks at every byte, at any alignment", () => {
    const b = new Uint8Array(40).fill(0x61);
    for (let s = 0; s < 8; s++) {
      for (let k = s; k < 40; k++) {
        b[k] = 0x80;
        expect(isAsciiBytes(b, s, 40)).toBe(false);
        expect(isAsciiBytes(b, k + 1, 40)).toBe(true);
        b[k] = 0x61;
      }
    }
    expect(errorOf(() => idStrings(Uint8Array.of(0x61, 0xff), Uint32Array.of(0, 1, 2), 2, (i) => new Error(`id ${i}`)))).toBe("id 1");
  });
});
