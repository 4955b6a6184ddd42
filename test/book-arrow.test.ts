/**
 * The Arrow and Parquet forms of a book (issue 15, book/arrow.ts, book/parquet.ts): every form
 * round-trips the same book (generic and venue books, labels included) with the same exact scan;
 * decimal128 and integer columns are read exactly; floats, nulls, unknown or missing columns and
 * every rule of the model are refused with the file, row and column named.
 */
import { Decimal, Dictionary, Field, Float64, Int32, Int64, RecordBatch, Schema, Struct, Table, Uint32, Utf8, makeData, tableToIPC, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { arrowTableFromBytes, bookFromArrowTables, bookToArrowTables, parseBookArrow, utf8Data, writeBookArrow } from "../book/arrow.js";
import { concatBytes, parseBookParquet, writeBookParquet } from "../book/parquet.js";
import { parseBookCsv, writeBookCsv } from "../book/csv.js";
import { bookToColumns, columnsToBook } from "../book/columns.js";
import { generateBook } from "../book/generate.js";
import { parseBookJson, writeBookJson } from "../book/json.js";
import { BookError } from "../book/errors.js";
import type { Book, BookColumns } from "../book/types.js";
import { createEngine } from "../bindings/index.js";
import { Rng, randomBook, randomVenueBook } from "./support/random-book.js";
import { readFileSync } from "node:fs";

const SPEC = parseBookJson(readFileSync("examples/spec-example.json", "utf8"));
const SPEC_MARKETS = readFileSync("test/fixtures/spec-example-csv/markets.json", "utf8");

function plain(c: BookColumns) {
  return {
    venue: c.venue ?? "generic", liquidatorSharePpm: c.liquidatorSharePpm, markets: c.markets, accountIds: [...c.accountIds], collateral: [...c.collateral],
    positionStart: [...c.positionStart], positionMarket: [...c.positionMarket], positionSize: [...c.positionSize], positionEntry: [...c.positionEntry],
    isolated: c.accountIsolated ? [...c.accountIsolated] : null, leverage: c.positionLeverage ? [...c.positionLeverage] : null, side: c.positionSide ? [...c.positionSide] : null,
  };
}

/** Every form's round trip of a book in column form. */
const FORMS: Record<string, (c: BookColumns) => Promise<BookColumns>> = {
  "arrow file, int64": async (c) => {
    const w = writeBookArrow(c, "file");
    return parseBookArrow(w.markets, w.accounts, w.positions);
  },
  "arrow stream, decimal128": async (c) => {
    const w = writeBookArrow(c, "stream", { amounts: "decimal", batchRows: 7 });
    return parseBookArrow(w.markets, w.accounts, w.positions);
  },
  "parquet, int64": async (c) => {
    const w = writeBookParquet(c, { batchRows: 11 });
    return parseBookParquet(w.markets, await concatBytes(w.accounts), await concatBytes(w.positions));
  },
  "parquet, decimal128": async (c) => {
    const w = writeBookParquet(c, { amounts: "decimal" });
    return parseBookParquet(w.markets, new Blob([(await concatBytes(w.accounts)) as Uint8Array<ArrayBuffer>]), await concatBytes(w.positions));
  },
  "parquet, Node Buffers": async (c) => {
    // readFileSync's type: a Buffer's slice() is a view sharing its buffer, not a copy
    const w = writeBookParquet(c);
    return parseBookParquet(w.markets, Buffer.from(await concatBytes(w.accounts)), Buffer.from(await concatBytes(w.positions)));
  },
  json: async (c) => bookToColumns(parseBookJson(writeBookJson(c))),
};

async function scanOf(book: Book | BookColumns) {
  const engine = await createEngine("wasm");
  const live = await engine.load(book);
  const r = live.scan();
  const out = { totals: r.totalsReport(), reports: r.reports({ all: true }) };
  live.dispose();
  return out;
}

/** A venue book with every label: isolated single-position accounts, leverages, hedge-mode sides (binance). */
function labelledVenueBook(venue: "binance-usdm" | "hyperliquid", seed: number): Book {
  const rng = new Rng(seed);
  const b = randomVenueBook(rng, venue, { accounts: 40, markets: 3, extreme: 0 });
  return {
    ...b,
    accounts: b.accounts.map((a, i) => ({
      ...a,
      ...(a.positions.length === 1 && i % 3 === 0 ? { margin: "isolated" as const } : i % 3 === 1 ? { margin: "cross" as const } : {}),
      positions: a.positions.map((p, k) => ({
        ...p,
        ...((i + k) % 2 === 0 ? { leverage: BigInt(1 + ((i * 7 + k) % 20)) } : {}),
        ...(venue === "binance-usdm" && i % 4 === 0 ? { side: p.size >= 0n ? ("LONG" as const) : ("SHORT" as const) } : {}),
      })),
    })),
  };
}

describe("every form round-trips the book and its exact scan", () => {
  const books: [string, Book | BookColumns][] = [
    ["the spec example", SPEC],
    ["a generated book", generateBook({ accounts: 500, seed: 3 })],
    ["a random book with extreme values", randomBook(new Rng(15), { accounts: 120, extreme: 0.5 })],
    ["a hyperliquid book with labels", labelledVenueBook("hyperliquid", 4)],
    ["a binance-usdm book with labels", labelledVenueBook("binance-usdm", 5)],
    ["an empty book", { liquidatorSharePpm: 500_000n, markets: SPEC.markets, accounts: [] }],
  ];
  for (const [name, book] of books) {
    for (const [form, roundTrip] of Object.entries(FORMS)) {
      it(`${name}: ${form}`, async () => {
        const columns = "accountIds" in book ? book : bookToColumns(book);
        const back = await roundTrip(columns);
        expect(plain(back)).toEqual(plain(columns));
        if (columns.accountIds.length > 0) expect(await scanOf(back)).toEqual(await scanOf(columns));
      });
    }
  }

  it("a labelled venue book keeps its labels through Arrow (object form compared)", async () => {
    const book = labelledVenueBook("binance-usdm", 9);
    const w = writeBookArrow(bookToColumns(book));
    const back = columnsToBook(parseBookArrow(w.markets, w.accounts, w.positions));
    expect(back.accounts.filter((a) => a.margin === "isolated").length).toBeGreaterThan(0);
    expect(back.accounts.some((a) => a.positions.some((p) => p.side === "SHORT"))).toBe(true);
    expect(back).toEqual(columnsToBook(bookToColumns(book)));
  });

  it("the same book read from CSV and from Arrow gives the same columns", () => {
    const c = generateBook({ accounts: 300, seed: 11 });
    const csv = writeBookCsv(c);
    const w = writeBookArrow(c);
    expect(plain(parseBookArrow(w.markets, w.accounts, w.positions))).toEqual(plain(parseBookCsv(csv.markets, csv.accounts, csv.positions)));
  });
});

// ---------------------------------------------------------------------------------------------
// Tables made by hand, as another tool writes them

type Col = { name: string; data: ReturnType<typeof makeData> };

function table(cols: Col[]): Table {
  const fields = cols.map((c) => new Field(c.name, c.data.type, c.data.nullCount > 0));
  const length = cols[0]!.data.length;
  return new Table([new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length, children: cols.map((c) => c.data), nullCount: 0 }))]);
}

const str = (name: string, values: string[]): Col => ({ name, data: utf8Data(values.length, (i) => values[i]!) });
const i64 = (name: string, values: bigint[]): Col => ({ name, data: makeData({ type: new Int64(), length: values.length, data: BigInt64Array.from(values) }) });
const i32 = (name: string, values: number[]): Col => ({ name, data: makeData({ type: new Int32(), length: values.length, data: Int32Array.from(values) }) });
const f64 = (name: string, values: number[]): Col => ({ name, data: makeData({ type: new Float64(), length: values.length, data: Float64Array.from(values) }) });
/** decimal128(38, scale) of the unscaled values. */
function dec(name: string, scale: number, values: bigint[]): Col {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    const u = BigInt.asUintN(128, v);
    for (let k = 0; k < 4; k++) words[4 * i + k] = Number((u >> BigInt(32 * k)) & 0xffffffffn);
  });
  return { name, data: makeData({ type: new Decimal(scale, 38), length: values.length, data: words }) };
}

const ACCOUNTS = () => table([str("id", ["alice", "bob", "carol", "dave", "erin"]), dec("collateral", 0, [1000n, 120n, 50n, 450n, 387n])]);

/** The spec example's positions, sizes and prices as decimal128 of scales 4 and 1 (within the markets' 8/3 and 2 decimals). */
function specPositions(extra: Col[] = [], override: Partial<Record<string, Col>> = {}): Table {
  const cols = [
    str("account", ["alice", "bob", "carol", "dave", "dave", "erin"]),
    str("market", ["BTC-PERP", "BTC-PERP", "BTC-PERP", "BTC-PERP", "ETH-PERP", "ETH-PERP"]),
    dec("size", 4, [5000n, -1000n, 2000n, 500n, -35000n, 120000n]),
    dec("entryPrice", 1, [640000n, 640000n, 700000n, 660000n, 33000n, 34200n]),
    ...extra,
  ].map((c) => override[c.name] ?? c);
  return table(cols);
}

function errorOf(fn: () => unknown): BookError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BookError);
    return e as BookError;
  }
  throw new Error("expected a BookError");
}

describe("reading tables written by other tools", () => {
  it("decimal128 columns of any scale give the spec example exactly (and its scan)", async () => {
    const c = bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions());
    expect(plain(c)).toEqual(plain(bookToColumns(SPEC)));
  });

  it("integer columns (int64, int32) are counts of the field's units", () => {
    const positions = specPositions([], {
      size: i64("size", [50_000_000n, -10_000_000n, 20_000_000n, 5_000_000n, -3500n, 12000n]),
      entryPrice: i32("entryPrice", [6_400_000, 6_400_000, 7_000_000, 6_600_000, 330_000, 342_000]),
    });
    const accounts = table([str("id", ["alice", "bob", "carol", "dave", "erin"]), i64("collateral", [1000_000000n, 120_000000n, 50_000000n, 450_000000n, 387_000000n])]);
    expect(plain(bookFromArrowTables(SPEC_MARKETS, accounts, positions))).toEqual(plain(bookToColumns(SPEC)));
  });

  it("a decimal with more decimals than the market's: zeros are accepted, a non-zero digit is an error naming the row", () => {
    const zeros = specPositions([], { size: dec("size", 10, [50n * 10n ** 8n, -10n * 10n ** 8n, 20n * 10n ** 8n, 5n * 10n ** 8n, -35n * 10n ** 8n, 120n * 10n ** 8n]) });
    expect(bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), zeros).positionSize[0]).toBe(50_000_000n);
    const e = errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([], { size: dec("size", 9, [500000001n, 0n, 0n, 0n, 0n, 0n]) })));
    expect(e.message).toBe('positions.arrow row 1: field "size": "0.500000001" has more decimals than market "BTC-PERP"\'s sizeDecimals 8');
  });

  it("a value past 64 bits and a negative price are errors naming the row", () => {
    const big = errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([], { size: dec("size", 0, [1n, 1n, 1n, 1n, 10n ** 20n, 1n]) })));
    expect(big.message).toBe('positions.arrow row 5: field "size": "100000000000000000000" does not fit a signed 64-bit count of 10^-3 units');
    const neg = errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([], { entryPrice: dec("entryPrice", 1, [1n, 1n, -5n, 1n, 1n, 1n]) })));
    expect(neg.message).toBe('positions.arrow row 3: field "entryPrice": "-0.5" is negative (prices are >= 0)');
  });

  it("a float column is refused, saying why", () => {
    const e = errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([], { size: f64("size", [0.5, -0.1, 0.2, 0.05, -3.5, 12]) })));
    expect(e.record).toBe("positions.arrow");
    expect(e.field).toBe("size");
    expect(e.problem).toMatch(/^is a floating-point column \(Float64\): a float cannot hold most decimals exactly \(0\.1 is not a double\)/);
    expect(e.problem).toMatch(/decimal128/);
  });

  it("nulls, unknown and missing columns, unknown ids and duplicates are errors naming file, row and column", () => {
    const withNull = { name: "size", data: makeData({ type: new Int64(), length: 6, data: new BigInt64Array(6), nullCount: 1, nullBitmap: Uint8Array.of(0b111011) }) };
    expect(errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([], { size: withNull }))).message).toBe(
      'positions.arrow row 3: field "size": is null (only the venue labels margin, leverage and side may be null)',
    );
    expect(errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([str("note", ["", "", "", "", "", ""])]))).message).toBe(
      'positions.arrow: field "note": unknown column (expected account, market, size, entryPrice, and for venue books leverage, side): ' +
        "liqscan reads every column of a table, so that nothing is dropped unseen; write only these (SELECT account, market, size, entryPrice ...)",
    );
    expect(errorOf(() => bookFromArrowTables(SPEC_MARKETS, table([str("id", ["alice"])]), specPositions())).message).toBe(
      'accounts.arrow: field "collateral": missing column (a accounts table has columns id, collateral)',
    );
    const accounts = table([str("id", ["alice", "bob", "alice"]), i64("collateral", [1n, 2n, 3n])]);
    expect(errorOf(() => bookFromArrowTables(SPEC_MARKETS, accounts, specPositions())).message).toBe('accounts.arrow row 3: field "id": duplicate account id "alice" (also row 1)');
    expect(errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([], { account: str("account", ["alice", "bob", "carol", "dave", "dave", "zed"]) }))).message).toBe(
      'positions.arrow row 6: field "account": "zed" is not an account of accounts.arrow',
    );
    expect(errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([], { market: str("market", ["BTC-PERP", "BTC-PERP", "SOL-PERP", "BTC-PERP", "ETH-PERP", "ETH-PERP"]) }))).message).toBe(
      'positions.arrow row 3: field "market": "SOL-PERP" is not a market of markets.json',
    );
    expect(errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), specPositions([], { market: str("market", ["BTC-PERP", "BTC-PERP", "BTC-PERP", "ETH-PERP", "ETH-PERP", "ETH-PERP"]) }))).message).toBe(
      'positions.arrow row 5: field "market": account "dave" already holds a position in "ETH-PERP" (row 4); an account holds at most one position per market',
    );
    const labels = specPositions([{ name: "leverage", data: makeData({ type: new Uint32(), length: 6, data: new Uint32Array(6).fill(5) }) }]);
    expect(errorOf(() => bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), labels)).message).toBe(
      'positions.arrow: field "leverage": is a venue label column, and a generic book has none (markets.json names no venue)',
    );
  });

  it("rows in any order and dictionary-encoded ids are grouped by account in accounts order", () => {
    const keys = Uint32Array.of(0, 1, 1, 1, 0, 1);
    const dictionary = vectorFromArray(["ETH-PERP", "BTC-PERP"], new Utf8());
    const market = { name: "market", data: makeData({ type: new Dictionary(new Utf8(), new Uint32()), length: 6, data: keys, dictionary }) };
    const positions = table([
      str("account", ["erin", "dave", "carol", "alice", "dave", "bob"]),
      market,
      dec("size", 3, [12000n, 50n, 200n, 500n, -3500n, -100n]),
      dec("entryPrice", 0, [3420n, 66000n, 70000n, 64000n, 3300n, 64000n]),
    ]);
    expect(plain(bookFromArrowTables(SPEC_MARKETS, ACCOUNTS(), positions))).toEqual(plain(bookToColumns(SPEC)));
  });

  it("bytes that are not Arrow or Parquet are refused naming the file", async () => {
    expect(errorOf(() => arrowTableFromBytes(new TextEncoder().encode("id,collateral\n"), "accounts.arrow")).message).toMatch(/^accounts\.arrow: is not an Arrow IPC file or stream/);
    const w = writeBookArrow(bookToColumns(SPEC));
    await expect(parseBookParquet(w.markets, w.accounts, w.positions)).rejects.toThrow(/^accounts\.parquet: is not a Parquet file/);
  });

  it("the writer's tables have the documented schema", () => {
    const t = bookToArrowTables(bookToColumns(SPEC), { amounts: "decimal" });
    expect(t.accounts.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["id:Utf8", "collateral:Decimal[38e+6]"]);
    expect(t.positions.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["account:Utf8", "market:Dictionary<Uint32, Utf8>", "size:Decimal[38e+8]", "entryPrice:Decimal[38e+2]"]);
    const ints = bookToArrowTables(bookToColumns(SPEC));
    expect(ints.positions.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["account:Utf8", "market:Dictionary<Uint32, Utf8>", "size:Int64", "entryPrice:Int64"]);
    expect(tableToIPC(ints.positions, "file").length).toBeGreaterThan(0);
  });
});
