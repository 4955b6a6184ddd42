/**
 * Polars both ways (issue 15): tables Polars writes (write_parquet, write_ipc, write_ipc_stream,
 * write_csv; Decimal, Int64 and Categorical columns) are read by `liqscan scan DIR` with the same
 * exact results as the same book in JSON, what cannot be read exactly is refused saying why, and
 * Polars reads liqscan's result files (Parquet, Arrow IPC file and stream, CSV) with the exact
 * decimals of liqscan's JSON output.
 *
 * What Polars writes that the readers had to meet: string views (Utf8View) in write_ipc, large_utf8
 * in write_ipc_stream, a Categorical column as a dictionary of string views, which parquet-wasm
 * could not decode in Parquet (it trapped and killed the process: book/parquet.ts now reads such a
 * file without Polars' Arrow schema hint), and LZ4/ZSTD-compressed IPC, which apache-arrow cannot
 * decompress (refused, saying what to write).
 *
 * nodejs-polars is a devDependency (its native binding comes from npm, nothing from apt); when it
 * does not load, these tests fail saying so. Its readIPC takes a Buffer: a string argument is a
 * path only when it ends in ".ipc", else it is parsed as the IPC bytes themselves.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCAN_COLUMNS, SPEC_CSV, bookDir, expectSameRows, generatedBook, loadPolars, ok, refused, scratch, type Polars } from "./support/interop.js";

type DataFrame = ReturnType<Polars["DataFrame"]>;

let pl: Polars;
let dir: string;
let book: { json: string; csv: string };
let markets: { id: string; sizeDecimals: number; priceDecimals: number }[];
let accounts: DataFrame; // the book's tables, every column as the CSV's text
let positions: DataFrame;
let want: string;

beforeAll(async () => {
  pl = await loadPolars();
  dir = scratch("polars");
  book = await generatedBook(dir, 300, 16);
  markets = JSON.parse(readFileSync(join(book.csv, "markets.json"), "utf8")).markets;
  accounts = pl.readCSV(join(book.csv, "accounts.csv"), { inferSchemaLength: 0 });
  positions = pl.readCSV(join(book.csv, "positions.csv"), { inferSchemaLength: 0 });
  want = await ok("scan", book.json, "--all", "--json");
  expect(JSON.parse(want).totals.liquidatable).toBeGreaterThan(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sd = () => Math.max(...markets.map((m) => m.sizeDecimals));
const pd = () => Math.max(...markets.map((m) => m.priceDecimals));

/** A decimal text as a count of 10^-dec units, exactly ("-0.0872", 4 -> -872n). */
function countOf(text: string, dec: number): bigint {
  const [whole, frac = ""] = text.replace(/^-/, "").split(".");
  const v = BigInt(whole! + frac.padEnd(dec, "0").slice(0, dec));
  expect(frac.slice(dec).replace(/0/g, "")).toBe("");
  return text.startsWith("-") ? -v : v;
}

const decimalTables = (collateral: [number, number], size: [number, number], price: [number, number]): [DataFrame, DataFrame] => [
  accounts.withColumns(pl.col("collateral").cast(pl.Decimal(...collateral))),
  positions.withColumns(pl.col("size").cast(pl.Decimal(...size)), pl.col("entryPrice").cast(pl.Decimal(...price))),
];

/**
 * Int64 counts of each field's units. Made from the text in JavaScript: in Polars a Decimal times an
 * integer literal is a Float64 (0.1483 * 10^4 is 1482.9999..., cast to Int64 1482), which is the
 * pitfall docs/book-format.md warns of, and which no reader can see (1482 is a valid size).
 */
const countTables = (): [DataFrame, DataFrame] => {
  // (nodejs-polars makes a Series of a bigint[] all null; of a BigInt64Array it keeps the values)
  const int64 = (name: string, values: bigint[]) => pl.Series(name, BigInt64Array.from(values), pl.Int64);
  const text = (df: DataFrame, c: string) => df.getColumn(c).toArray() as string[];
  const m = text(positions, "market").map((id) => markets.find((x) => x.id === id)!);
  return [
    accounts.withColumns(int64("collateral", text(accounts, "collateral").map((t) => countOf(t, 6)))),
    positions.withColumns(
      int64("size", text(positions, "size").map((t, i) => countOf(t, m[i]!.sizeDecimals))),
      int64("entryPrice", text(positions, "entryPrice").map((t, i) => countOf(t, m[i]!.priceDecimals))),
    ),
  ];
};

type Writer = (df: DataFrame, file: string) => void;
const WRITERS: Record<string, [string, Writer]> = {
  write_parquet: ["parquet", (df, f) => df.writeParquet(f)],
  "write_parquet zstd": ["parquet", (df, f) => df.writeParquet(f, { compression: "zstd" })],
  "write_parquet lz4": ["parquet", (df, f) => df.writeParquet(f, { compression: "lz4" })],
  write_ipc: ["arrow", (df, f) => df.writeIPC(f)],
  write_ipc_stream: ["arrows", (df, f) => df.writeIPCStream(f)],
  write_csv: ["csv", (df, f) => df.writeCSV(f)],
};

let n = 0;
/** Polars writes the two tables of a book directory. */
function writeBook([a, p]: [DataFrame, DataFrame], ext: string, write: Writer, marketsJson = join(book.csv, "markets.json")): string {
  const d = bookDir(dir, `book-${++n}`, marketsJson);
  write(a, join(d, `accounts.${ext}`));
  write(p, join(d, `positions.${ext}`));
  return d;
}

/** The Arrow schema of an IPC file, as apache-arrow reads it: what liqscan's reader meets. */
async function ipcTypes(file: string): Promise<string[]> {
  const { tableFromIPC } = await import("apache-arrow");
  return tableFromIPC(readFileSync(file)).schema.fields.map((f) => `${f.name}: ${f.type}`);
}

describe("Polars", () => {
  it("loads from npm (its native binding included)", () => {
    expect(pl.DataFrame({ a: [1, 2] }).height).toBe(2);
  });
});

describe("Polars -> liqscan: the tables Polars writes scan exactly as the same book in JSON", () => {
  const tables: Record<string, () => [DataFrame, DataFrame]> = {
    "Decimal(18, s)": () => decimalTables([18, 6], [18, sd()], [18, pd()]),
    "Decimal(38, s), more decimals than the markets'": () => decimalTables([38, 10], [38, 20], [38, 18]),
    "Int64 counts of each field's units": countTables,
    "Categorical markets": () => {
      const [a, p] = decimalTables([18, 6], [18, sd()], [18, pd()]);
      // one chunk: Polars' own write_ipc refuses a Categorical whose chunks have different dictionaries
      return [a, p.rechunk().withColumns(pl.col("market").cast(pl.Categorical))];
    },
  };
  for (const [t, make] of Object.entries(tables)) {
    for (const [w, [ext, write]] of Object.entries(WRITERS)) {
      if (w === "write_csv" && t !== "Decimal(18, s)") continue; // a CSV is text: one decimal variant says it all (counts: see below)
      if (w === "write_parquet lz4" && t !== "Decimal(18, s)") continue; // a page codec: once is enough
      it(`${t}, ${w}`, async () => {
        const d = writeBook(make(), ext, write);
        expect(await ok("scan", d, "--all", "--json")).toBe(want);
      });
    }
  }

  it("what the readers meet: write_ipc's strings are Utf8View, write_ipc_stream's LargeUtf8, a Categorical a dictionary of views", async () => {
    const [a, p] = tables["Categorical markets"]!();
    const d = writeBook([a, p], "arrow", WRITERS.write_ipc![1]);
    expect(await ipcTypes(join(d, "positions.arrow"))).toEqual(["account: Utf8View", "market: Dictionary<Uint32, Utf8View>", `size: Decimal[18e+${sd()}]`, `entryPrice: Decimal[18e+${pd()}]`]);
    const s = writeBook(decimalTables([18, 6], [18, sd()], [18, pd()]), "arrows", WRITERS.write_ipc_stream![1]);
    expect((await ipcTypes(join(s, "positions.arrows"))).slice(0, 2)).toEqual(["account: LargeUtf8", "market: LargeUtf8"]);
  });

  it("record batches of several chunks (rechunk: false), long and non-ASCII ids", async () => {
    const ids = ["0x4f3a9b2c1d0e8f7a6b5c4d3e2f1a0b9c8d7e6f5a-alice", "bob", "carolé日本", "dave-with-an-identifier-past-twelve-bytes", "erin"];
    const rename = (s: string) => ids[["alice", "bob", "carol", "dave", "erin"].indexOf(s)]!;
    const specAccounts = pl.readCSV(join(SPEC_CSV, "accounts.csv"), { inferSchemaLength: 0 });
    const specPositions = pl.readCSV(join(SPEC_CSV, "positions.csv"), { inferSchemaLength: 0 });
    const a = pl.DataFrame({ id: (specAccounts.getColumn("id").toArray() as string[]).map(rename), collateral: specAccounts.getColumn("collateral").toArray() }).withColumns(pl.col("collateral").cast(pl.Decimal(18, 6)));
    const p0 = pl
      .DataFrame({ account: (specPositions.getColumn("account").toArray() as string[]).map(rename), market: specPositions.getColumn("market").toArray(), size: specPositions.getColumn("size").toArray(), entryPrice: specPositions.getColumn("entryPrice").toArray() })
      .withColumns(pl.col("size").cast(pl.Decimal(38, 8)), pl.col("entryPrice").cast(pl.Decimal(18, 2)));
    const p = pl.concat([p0.slice(0, 2), p0.slice(2, 2), p0.slice(4, 2)], { rechunk: false, how: "vertical" });
    expect(p.nChunks()).toBe(3);
    const spec = JSON.parse(await ok("scan", "examples/spec-example.json", "--all", "--json"));
    for (const [ext, write] of [WRITERS.write_ipc!, WRITERS.write_parquet!]) {
      const d = writeBook([a, p], ext, write, join(SPEC_CSV, "markets.json"));
      if (ext === "arrow") {
        const { tableFromIPC } = await import("apache-arrow");
        expect(tableFromIPC(readFileSync(join(d, "positions.arrow"))).batches.length).toBe(3);
      }
      const got = JSON.parse(await ok("scan", d, "--all", "--json"));
      expect(got.accounts.map((r: { id: string }) => r.id)).toEqual(ids);
      expect(got.accounts.map((r: { id?: string }) => ({ ...r, id: undefined }))).toEqual(spec.accounts.map((r: { id?: string }) => ({ ...r, id: undefined })));
      expect(got.totals).toEqual(spec.totals);
    }
  });
});

describe("Polars -> liqscan: what cannot be read exactly is refused, saying why (exit 2)", () => {
  const spec = (): [DataFrame, DataFrame] => [
    pl.readCSV(join(SPEC_CSV, "accounts.csv"), { inferSchemaLength: 0 }).withColumns(pl.col("collateral").cast(pl.Decimal(18, 6))),
    pl.readCSV(join(SPEC_CSV, "positions.csv"), { inferSchemaLength: 0 }).withColumns(pl.col("size").cast(pl.Decimal(18, 8)), pl.col("entryPrice").cast(pl.Decimal(18, 2))),
  ];
  const specMarkets = join(SPEC_CSV, "markets.json");

  it("a Float64 column, in Parquet and in Arrow", async () => {
    const [a, p] = spec();
    const floats = p.withColumns(pl.col("size").cast(pl.Float64));
    for (const [ext, write] of [WRITERS.write_parquet!, WRITERS.write_ipc!]) {
      const d = writeBook([a, floats], ext, write, specMarkets);
      expect(await refused("scan", d)).toMatch(new RegExp(`^liqscan: ${d}/positions\\.${ext}: field "size": is a floating-point column \\(Float64\\): a float cannot hold most decimals exactly \\(0\\.1 is not a double\\)`));
    }
  });

  it("an LZ4- or ZSTD-compressed Arrow IPC file: apache-arrow has no decoder, so the error says to write it uncompressed", async () => {
    for (const compression of ["lz4", "zstd"] as const) {
      const d = writeBook(spec(), "arrow", (df, f) => df.writeIPC(f, { compression }), specMarkets);
      expect(await refused("scan", d)).toBe(
        `liqscan: ${d}/accounts.arrow: is a compressed Arrow IPC file (LZ4 or ZSTD record batches), and liqscan reads uncompressed Arrow IPC only: write it uncompressed ` +
          `(Polars: write_ipc(..., compression="uncompressed"), pyarrow: feather.write_feather(..., compression="uncompressed")) or as Parquet`,
      );
    }
  });

  it("a CSV of Int64 counts is read as what it says: whole units, so give a CSV decimals in the fields' units", async () => {
    // A CSV has no types: "50000000" in a BTC-PERP size column is 50,000,000 BTC, not satoshis. liqscan
    // cannot tell; docs/book-format.md says to write decimals (or to keep counts in Parquet or Arrow).
    const d = writeBook(countTables(), "csv", WRITERS.write_csv![1]);
    const got = JSON.parse(await ok("scan", d, "--all", "--json"));
    expect(got.totals).not.toEqual(JSON.parse(want).totals);
  });
});

describe("liqscan -> Polars: result files keep liqscan's exact decimals", () => {
  let d: string;
  beforeAll(() => {
    d = writeBook(decimalTables([18, 6], [18, 4], [18, 5]), "parquet", WRITERS.write_parquet![1]);
  });
  /** A frame's rows with every value as text (Polars' Decimal cast to Utf8 is its exact decimal text), null as null. */
  const rowsOf = (df: DataFrame): Record<string, unknown>[] => {
    const cols = df.columns.map((c) => [c, df.getColumn(c).cast(pl.Utf8).toArray() as (string | null)[]] as const);
    return Array.from({ length: df.height }, (_, i) => Object.fromEntries(cols.map(([c, v]) => [c, v[i]])));
  };
  const typesOf = (df: DataFrame) => Object.fromEntries(df.columns.map((c, k) => [c, String(df.dtypes[k]).replace(/^DataType\((.*)\)$/, "$1")]));
  const READERS: Record<string, (f: string) => DataFrame> = {
    parquet: (f) => pl.readParquet(f),
    arrow: (f) => pl.readIPC(readFileSync(f)),
    arrows: (f) => pl.readIPCStream(readFileSync(f)),
  };

  it("scan --all as Parquet, Arrow IPC file and stream: Decimal(38,6) amounts, String ids, every value --json's", async () => {
    const json = JSON.parse(await ok("scan", d, "--all", "--json")).accounts as Record<string, unknown>[];
    const cols = { account: (r: Record<string, unknown>) => r.id, status: (r: Record<string, unknown>) => r.status, ...Object.fromEntries(SCAN_COLUMNS.map((c) => [c, (r: Record<string, unknown>) => r[c]])) };
    for (const [format, read] of Object.entries(READERS)) {
      const out = join(dir, `scan.${format}`);
      await ok("scan", d, "--all", "--format", format, "--out", out);
      const df = read(out);
      expect(typesOf(df), format).toEqual({ account: "String", status: "String", ...Object.fromEntries(SCAN_COLUMNS.map((c) => [c, "Decimal(38,6)"])) });
      expectSameRows(rowsOf(df), json, cols);
      expect(rowsOf(df).map((r) => r.equity)).toEqual(json.map((r) => r.equity)); // the same text: 6 decimals each
    }
  });

  it("a book liqscan writes (convert --format parquet): String ids, Categorical markets, Int64 counts", async () => {
    const out = join(dir, "converted");
    await ok("convert", SPEC_CSV, out, "--format", "parquet");
    const df = pl.readParquet(join(out, "positions.parquet"));
    expect(typesOf(df)).toEqual({ account: "String", market: "Categorical", size: "Int64", entryPrice: "Int64" });
    expect(rowsOf(df).map((r) => `${r.market} ${r.size}`)).toEqual(["BTC-PERP 50000000", "BTC-PERP -10000000", "BTC-PERP 20000000", "BTC-PERP 5000000", "ETH-PERP -3500", "ETH-PERP 12000"]);
  });

  it("scan --all --format csv: read_csv infers Float64; with Decimal(38, 6) dtypes it reads the exact values", async () => {
    const json = JSON.parse(await ok("scan", d, "--all", "--json")).accounts as Record<string, unknown>[];
    const out = join(dir, "scan.csv");
    await ok("scan", d, "--all", "--format", "csv", "--out", out);
    expect(typesOf(pl.readCSV(out)).equity).toBe("Float64"); // what docs/book-format.md warns of
    const df = pl.readCSV(out, { dtypes: Object.fromEntries(SCAN_COLUMNS.map((c) => [c, pl.Decimal(38, 6)])) });
    expect(typesOf(df).equity).toBe("Decimal(38,6)");
    expectSameRows(rowsOf(df), json, { account: (r) => r.id, status: (r) => r.status, ...Object.fromEntries(SCAN_COLUMNS.map((c) => [c, (r: Record<string, unknown>) => r[c]])) });
  });

  it("liq-price and stress as Parquet and Arrow: the markets' decimals, null where no price", async () => {
    const lp = JSON.parse(await ok("liq-price", d, "--json")).positions as Record<string, unknown>[];
    const shocks = ["--shocks=-20,-5,0,5,20"];
    const st = JSON.parse(await ok("stress", d, ...shocks, "--json")).shocks as Record<string, unknown>[];
    for (const format of ["parquet", "arrow"]) {
      const f = join(dir, `lp.${format}`);
      await ok("liq-price", d, "--format", format, "--out", f);
      const df = READERS[format]!(f);
      expect(typesOf(df)).toEqual({ account: "String", market: "String", size: "Decimal(38,4)", liquidationPrice: "Decimal(38,5)" });
      expectSameRows(rowsOf(df), lp, { account: (r) => r.account, market: (r) => r.market, size: (r) => r.size, liquidationPrice: (r) => r.liquidationPrice });
      const g = join(dir, `stress.${format}`);
      await ok("stress", d, ...shocks, "--format", format, "--out", g);
      const sf = READERS[format]!(g);
      expect(typesOf(sf).liquidatable).toBe("Int64");
      for (const m of markets) expect(typesOf(sf)[`mark.${m.id}`]).toBe(`Decimal(38,${m.priceDecimals})`);
      expectSameRows(rowsOf(sf), st, {
        shock: (r) => r.shock,
        liquidatable: (r) => r.liquidatable,
        overflow: (r) => r.overflow,
        ...Object.fromEntries(["notional", "penalty", "liquidatorReward", "insuranceFund", "badDebt"].map((c) => [c, (r: Record<string, unknown>) => r[c]])),
        ...Object.fromEntries(markets.map((m) => [`mark.${m.id}`, (r: Record<string, unknown>) => (r.marks as Record<string, string>)[m.id]])),
      });
    }
    expect(lp.some((r) => r.liquidationPrice === null)).toBe(true);
  });
});
