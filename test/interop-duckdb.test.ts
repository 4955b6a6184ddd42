/**
 * DuckDB both ways (issue 15): tables DuckDB writes (COPY ... TO 'x.parquet' (FORMAT parquet) and
 * (FORMAT csv)) are read by `liqscan scan DIR` with the same exact results as the same book in JSON,
 * what cannot be read exactly is refused saying why, and DuckDB reads liqscan's result files
 * (read_parquet, read_csv) with the exact decimals of liqscan's JSON output. DuckDB cannot read or
 * write Arrow IPC without its nanoarrow extension, which is not on npm (DuckDB downloads it from
 * its own extension site), so Arrow is Polars' (test/interop-polars.test.ts).
 *
 * @duckdb/node-api is a devDependency (its native binding comes from npm, nothing from apt); when it
 * does not load, these tests fail saying so.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCAN_COLUMNS, SPEC_CSV, bookDir, duckConnection, expectSameRows, generatedBook, loadDuckDb, ok, refused, scratch } from "./support/interop.js";

let dir: string;
let db: Awaited<ReturnType<typeof duckConnection>>;
let book: { json: string; csv: string };
let markets: { id: string; sizeDecimals: number; priceDecimals: number }[];

beforeAll(async () => {
  dir = scratch("duckdb");
  db = await duckConnection(await loadDuckDb());
  book = await generatedBook(dir, 300, 15);
  markets = JSON.parse(readFileSync(join(book.csv, "markets.json"), "utf8")).markets;
  // The book's tables in DuckDB, every value as the CSV's text (DuckDB's sniffer would make them DOUBLE).
  await db.run(`CREATE TABLE accounts AS SELECT * FROM read_csv('${book.csv}/accounts.csv', all_varchar = true)`);
  await db.run(`CREATE TABLE positions AS SELECT * FROM read_csv('${book.csv}/positions.csv', all_varchar = true)`);
  await db.run(`CREATE TABLE spec_accounts AS SELECT * FROM read_csv('${SPEC_CSV}/accounts.csv', all_varchar = true)`);
  await db.run(`CREATE TABLE spec_positions AS SELECT * FROM read_csv('${SPEC_CSV}/positions.csv', all_varchar = true)`);
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A CASE expression giving 10^(the row's market's decimals), for integer counts of each market's units. */
function unitsOf(field: "sizeDecimals" | "priceDecimals"): string {
  return `CASE market ${markets.map((m) => `WHEN '${m.id}' THEN ${10n ** BigInt(m[field])}`).join(" ")} END`;
}

/** DuckDB writes the two tables of a book directory (Parquet unless `options` say otherwise). */
async function writeBook(name: string, accounts: string, positions: string, options = "FORMAT parquet", ext = "parquet", marketsJson = join(book.csv, "markets.json")): Promise<string> {
  const d = bookDir(dir, name, marketsJson);
  await db.run(`COPY (${accounts}) TO '${d}/accounts.${ext}' (${options})`);
  await db.run(`COPY (${positions}) TO '${d}/positions.${ext}' (${options})`);
  return d;
}

describe("DuckDB", () => {
  it("loads from npm (its native binding included)", async () => {
    expect((await db.rows("SELECT version() AS v"))[0]!.v).toMatch(/^v1\.\d+\.\d+/);
  });
});

describe("DuckDB -> liqscan: the tables DuckDB writes scan exactly as the same book in JSON", () => {
  const sd = () => Math.max(...markets.map((m) => m.sizeDecimals));
  const pd = () => Math.max(...markets.map((m) => m.priceDecimals));
  const variants: Record<string, () => [string, string, string?]> = {
    // DECIMAL(18, s) is stored as INT64, DECIMAL(38, s) as FIXED_LEN_BYTE_ARRAY; the strings dictionary-encoded (DuckDB's default)
    "DECIMAL(18, s)": () => [`SELECT id, collateral::DECIMAL(18, 6) AS collateral FROM accounts`, `SELECT account, market, size::DECIMAL(18, ${sd()}) AS size, entryPrice::DECIMAL(18, ${pd()}) AS entryPrice FROM positions`],
    "DECIMAL(38, s), more decimals than the markets' (trailing zeros)": () => [`SELECT id, collateral::DECIMAL(38, 12) AS collateral FROM accounts`, `SELECT account, market, size::DECIMAL(38, 20) AS size, entryPrice::DECIMAL(38, 18) AS entryPrice FROM positions`],
    "BIGINT counts of each field's units": () => [
      `SELECT id, (collateral::DECIMAL(38, 6) * 1000000)::BIGINT AS collateral FROM accounts`,
      `SELECT account, market, (size::DECIMAL(38, ${sd()}) * ${unitsOf("sizeDecimals")})::BIGINT AS size, (entryPrice::DECIMAL(38, ${pd()}) * ${unitsOf("priceDecimals")})::BIGINT AS entryPrice FROM positions`,
    ],
    "INTEGER and UBIGINT counts": () => [
      `SELECT id, (collateral::DECIMAL(38, 6) * 1000000)::BIGINT AS collateral FROM accounts`,
      `SELECT account, market, (size::DECIMAL(38, ${sd()}) * ${unitsOf("sizeDecimals")})::INTEGER AS size, (entryPrice::DECIMAL(38, ${pd()}) * ${unitsOf("priceDecimals")})::UBIGINT AS entryPrice FROM positions`,
    ],
    "columns in another order, rows shuffled, row groups of 64 rows, zstd": () => [
      `SELECT collateral::DECIMAL(18, 6) AS collateral, id FROM accounts`,
      `SELECT entryPrice::DECIMAL(18, ${pd()}) AS entryPrice, market, size::DECIMAL(18, ${sd()}) AS size, account FROM positions ORDER BY hash(account || market)`,
      "FORMAT parquet, ROW_GROUP_SIZE 64, COMPRESSION zstd",
    ],
    "ENUM markets, Parquet v2 pages": () => [
      `SELECT id, collateral::DECIMAL(18, 6) AS collateral FROM accounts`,
      `SELECT account, market::ENUM(${markets.map((m) => `'${m.id}'`).join(", ")}) AS market, size::DECIMAL(18, ${sd()}) AS size, entryPrice::DECIMAL(18, ${pd()}) AS entryPrice FROM positions`,
      "FORMAT parquet, PARQUET_VERSION v2",
    ],
  };
  let want: string;
  beforeAll(async () => {
    want = await ok("scan", book.json, "--all", "--json");
    expect(JSON.parse(want).accounts.length).toBe(300);
    expect(JSON.parse(want).totals.liquidatable).toBeGreaterThan(0);
  });

  for (const [name, variant] of Object.entries(variants)) {
    it(name, async () => {
      const [accounts, positions, options] = variant();
      const d = await writeBook(name.replace(/\W+/g, "-"), accounts, positions, options);
      expect(await ok("scan", d, "--all", "--json")).toBe(want);
    });
  }

  it("DECIMAL(9, s) (stored as INT32), rescaled up and down to each market's decimals, on the spec's example book", async () => {
    const d = await writeBook(
      "int32-decimals",
      `SELECT id, collateral::DECIMAL(9, 4) AS collateral FROM spec_accounts`,
      `SELECT account, market, size::DECIMAL(9, 7) AS size, entryPrice::DECIMAL(9, 2) AS entryPrice FROM spec_positions`,
      undefined,
      undefined,
      join(SPEC_CSV, "markets.json"),
    );
    const types = await db.rows(`SELECT name, type FROM parquet_schema('${d}/positions.parquet') WHERE name IN ('size', 'entryPrice')`);
    expect(types).toEqual([{ name: "size", type: "INT32" }, { name: "entryPrice", type: "INT32" }]);
    expect(await ok("scan", d, "--all", "--json")).toBe(await ok("scan", "examples/spec-example.json", "--all", "--json"));
  });

  it("COPY ... (FORMAT csv) of DECIMAL columns: the CSV form, read exactly", async () => {
    const d = await writeBook(
      "csv",
      `SELECT id, collateral::DECIMAL(18, 6) AS collateral FROM accounts`,
      // a CSV has no types: the text DuckDB writes is what liqscan reads (here with the markets' largest decimals, trailing zeros beyond a market's)
      `SELECT account, market, size::DECIMAL(18, ${sd()}) AS size, entryPrice::DECIMAL(18, ${pd()}) AS entryPrice FROM positions`,
      "FORMAT csv, HEADER true",
      "csv",
    );
    expect(await ok("scan", d, "--all", "--json")).toBe(want);
  });
});

describe("DuckDB -> liqscan: what cannot be read exactly is refused, saying why (exit 2)", () => {
  const spec = (name: string, accounts: string, positions = `SELECT account, market, size::DECIMAL(18, 8) AS size, entryPrice::DECIMAL(18, 2) AS entryPrice FROM spec_positions`) =>
    writeBook(name, accounts, positions, undefined, undefined, join(SPEC_CSV, "markets.json"));
  const accounts = `SELECT id, collateral::DECIMAL(18, 6) AS collateral FROM spec_accounts`;

  it("a DOUBLE column: a float cannot hold the book's decimals", async () => {
    const d = await spec("double", `SELECT id, collateral::DOUBLE AS collateral FROM spec_accounts`);
    expect(await refused("scan", d)).toBe(
      `liqscan: ${d}/accounts.parquet: field "collateral": is a floating-point column (Float64): a float cannot hold most decimals exactly (0.1 is not a double), so liqscan does not read it; ` +
        `write collateral as decimal128 (DuckDB DECIMAL(p, s), Polars Decimal(p, s); any scale up to the market's decimals) or as integers in the field's units (10^-decimals) (DuckDB writes HUGEINT and UHUGEINT to Parquet as DOUBLE: cast such a column to BIGINT or DECIMAL(38, s))`,
    );
  });

  it("a HUGEINT column, which DuckDB writes to Parquet as DOUBLE: the error says so", async () => {
    const d = await spec("hugeint", `SELECT id, (collateral::DECIMAL(38, 6) * 1000000)::HUGEINT AS collateral FROM spec_accounts`);
    expect(await refused("scan", d)).toMatch(/accounts\.parquet: field "collateral": is a floating-point column \(Float64\).*DuckDB writes HUGEINT and UHUGEINT to Parquet as DOUBLE/);
  });

  it("a digit beyond the market's decimals, a value past 64 bits, a NULL: the row and the column", async () => {
    let d = await spec("decimals", accounts, `SELECT account, market, (CASE WHEN account = 'erin' THEN '12.0001' ELSE size END)::DECIMAL(18, 4) AS size, entryPrice::DECIMAL(18, 2) AS entryPrice FROM spec_positions`);
    expect(await refused("scan", d)).toBe(`liqscan: ${d}/positions.parquet row 5: field "size": "12.0001" has more decimals than market "ETH-PERP"'s sizeDecimals 3`);
    d = await spec("toobig", `SELECT id, (CASE WHEN id = 'bob' THEN '99999999999999.5' ELSE collateral END)::DECIMAL(38, 6) AS collateral FROM spec_accounts`);
    expect(await refused("scan", d)).toBe(`liqscan: ${d}/accounts.parquet row 2: field "collateral": "99999999999999.500000" does not fit a signed 64-bit count of 10^-6 units`);
    d = await spec("null", `SELECT id, CASE WHEN id = 'carol' THEN NULL ELSE collateral::DECIMAL(18, 6) END AS collateral FROM spec_accounts`);
    expect(await refused("scan", d)).toBe(`liqscan: ${d}/accounts.parquet row 3: field "collateral": is null (only the venue labels margin, leverage and side may be null)`);
  });

  it("an extra TIMESTAMP column, and a TIMESTAMP or VARCHAR in an amount's place", async () => {
    let d = await spec("extra", `SELECT id, collateral::DECIMAL(18, 6) AS collateral, TIMESTAMP '2026-12-02 07:00:00' AS updated_at FROM spec_accounts`);
    expect(await refused("scan", d)).toBe(
      `liqscan: ${d}/accounts.parquet: field "updated_at": unknown column (expected id, collateral, and for venue books margin): liqscan reads every column of a table, so that nothing is dropped unseen; write only these (SELECT id, collateral ...)`,
    );
    d = await spec("timestamp", accounts, `SELECT account, market, size::DECIMAL(18, 8) AS size, TIMESTAMP '2026-12-02' AS entryPrice FROM spec_positions`);
    expect(await refused("scan", d)).toBe(`liqscan: ${d}/positions.parquet: field "entryPrice": is a Timestamp<MICROSECOND> column; expected decimal128 or an integer column (entryPrice)`);
    d = await spec("varchar", accounts, `SELECT account, market, size, entryPrice::DECIMAL(18, 2) AS entryPrice FROM spec_positions`);
    expect(await refused("scan", d)).toBe(`liqscan: ${d}/positions.parquet: field "size": is a Utf8 column; expected decimal128 or an integer column (size): cast the text to a decimal (DuckDB DECIMAL(p, s), Polars Decimal(p, s)) when writing the table, or give the book as CSV, whose decimal text liqscan reads`);
  });
});

describe("liqscan -> DuckDB: result files keep liqscan's exact decimals", () => {
  let d: string;
  beforeAll(async () => {
    // the book as a data team would hand it over: DuckDB's Parquet
    d = await writeBook("results-book", `SELECT id, collateral::DECIMAL(18, 6) AS collateral FROM accounts`, `SELECT account, market, size::DECIMAL(18, 4) AS size, entryPrice::DECIMAL(18, 5) AS entryPrice FROM positions`);
  });
  const describeTypes = async (from: string) => Object.fromEntries((await db.rows(`DESCRIBE SELECT * FROM ${from}`)).map((r) => [r.column_name, r.column_type]));

  it("scan --all: read_parquet sees DECIMAL(38,6) amounts, VARCHAR ids and statuses, and every value equals --json's", async () => {
    const want = JSON.parse(await ok("scan", d, "--all", "--json")).accounts as Record<string, unknown>[];
    const out = join(dir, "scan.parquet");
    await ok("scan", d, "--all", "--format", "parquet", "--out", out);
    expect(await describeTypes(`read_parquet('${out}')`)).toEqual({ account: "VARCHAR", status: "VARCHAR", ...Object.fromEntries(SCAN_COLUMNS.map((c) => [c, "DECIMAL(38,6)"])) });
    const got = await db.rows(`SELECT * FROM read_parquet('${out}')`);
    expectSameRows(got, want, { account: (r) => r.id, status: (r) => r.status, ...Object.fromEntries(SCAN_COLUMNS.map((c) => [c, (r: Record<string, unknown>) => r[c]])) });
    // the decimals arrive with their 6 digits: DuckDB's own text of them is liqscan's
    expect(got.map((r) => r.badDebt)).toEqual(want.map((r) => r.badDebt ?? null));
  });

  it("scan --all --format csv: read_csv's sniffer makes the amounts DOUBLE; with the columns' types it reads them exactly", async () => {
    const want = JSON.parse(await ok("scan", d, "--all", "--json")).accounts as Record<string, unknown>[];
    const out = join(dir, "scan.csv");
    await ok("scan", d, "--all", "--format", "csv", "--out", out);
    expect((await describeTypes(`read_csv('${out}')`)).equity).toBe("DOUBLE"); // what docs/book-format.md warns of
    // every amount of scan's CSV has exactly 6 decimals, so DECIMAL(38, 6) is each column's exact type
    const typed = `read_csv('${out}', auto_type_candidates = ['BIGINT', 'DECIMAL(38, 6)', 'VARCHAR'])`;
    expect((await describeTypes(typed)).equity).toBe("DECIMAL(38,6)");
    expectSameRows(await db.rows(`SELECT * FROM ${typed}`), want, { account: (r) => r.id, status: (r) => r.status, ...Object.fromEntries(SCAN_COLUMNS.map((c) => [c, (r: Record<string, unknown>) => r[c]])) });
  });

  it("liq-price: size and liquidationPrice as DECIMAL(38, the markets' largest decimals), null where none", async () => {
    const want = JSON.parse(await ok("liq-price", d, "--json")).positions as Record<string, unknown>[];
    const out = join(dir, "lp.parquet");
    await ok("liq-price", d, "--out", out);
    expect(await describeTypes(`'${out}'`)).toEqual({ account: "VARCHAR", market: "VARCHAR", size: "DECIMAL(38,4)", liquidationPrice: "DECIMAL(38,5)" });
    const cols = { account: (r: Record<string, unknown>) => r.account, market: (r: Record<string, unknown>) => r.market, size: (r: Record<string, unknown>) => r.size, liquidationPrice: (r: Record<string, unknown>) => r.liquidationPrice };
    expectSameRows(await db.rows(`SELECT * FROM '${out}'`), want, cols);
    expect(want.some((r) => r.liquidationPrice === null)).toBe(true);
    const csv = join(dir, "lp.csv");
    await ok("liq-price", d, "--format", "csv", "--out", csv);
    expectSameRows(await db.rows(`SELECT * FROM read_csv('${csv}', types = {'size': 'DECIMAL(38, 4)', 'liquidationPrice': 'DECIMAL(38, 5)'})`), want, cols);
  });

  it("stress: one row per shock, the marks as DECIMAL(38, each market's priceDecimals), counts as BIGINT", async () => {
    const shocks = ["--shocks=-20,-5,0,5,20"];
    const want = JSON.parse(await ok("stress", d, ...shocks, "--json")).shocks as Record<string, unknown>[];
    const out = join(dir, "stress.parquet");
    await ok("stress", d, ...shocks, "--out", out);
    const types = await describeTypes(`'${out}'`);
    expect(types.shock).toBe("DECIMAL(38,6)");
    expect(types.liquidatable).toBe("BIGINT");
    for (const m of markets) expect(types[`mark.${m.id}`]).toBe(`DECIMAL(38,${m.priceDecimals})`);
    const cols: Record<string, (r: Record<string, unknown>) => unknown> = {
      shock: (r) => r.shock,
      liquidatable: (r) => r.liquidatable,
      overflow: (r) => r.overflow,
      ...Object.fromEntries(["notional", "penalty", "liquidatorReward", "insuranceFund", "badDebt"].map((c) => [c, (r: Record<string, unknown>) => r[c]])),
      ...Object.fromEntries(markets.map((m) => [`mark.${m.id}`, (r: Record<string, unknown>) => (r.marks as Record<string, string>)[m.id]])),
    };
    expectSameRows(await db.rows(`SELECT * FROM '${out}'`), want, cols);
  });
});

describe("liqscan -> DuckDB: a book liqscan writes", () => {
  it("convert --format parquet: DuckDB reads VARCHAR ids and markets and BIGINT counts of each market's units", async () => {
    const out = join(dir, "converted");
    await ok("convert", SPEC_CSV, out, "--format", "parquet");
    expect(await db.rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '${out}/positions.parquet')`)).toEqual([
      { column_name: "account", column_type: "VARCHAR" },
      { column_name: "market", column_type: "VARCHAR" },
      { column_name: "size", column_type: "BIGINT" },
      { column_name: "entryPrice", column_type: "BIGINT" },
    ]);
    expect((await db.rows(`SELECT account, size FROM '${out}/positions.parquet'`)).map((r) => `${r.account} ${r.size}`)).toEqual([
      "alice 50000000", "bob -10000000", "carol 20000000", "dave 5000000", "dave -3500", "erin 12000",
    ]);
  });
});

describe("README: a data team's book through liqscan and back into DuckDB, in two commands", () => {
  it("the README's DuckDB statements write the book, its two commands scan it and query the results, and print the README's rows", async () => {
    const readme = readFileSync("README.md", "utf8");
    const at = readme.indexOf("<!-- example:duckdb");
    expect(at).toBeGreaterThan(0);
    const section = readme.slice(at);
    const sql = /```sql\n([\s\S]*?)```/.exec(section)![1]!;
    const sh = /```sh\n([\s\S]*?)```/.exec(section)![1]!.trim().split("\n");
    const shown = /```\n(┌[\s\S]*?)```/.exec(section)![1]!;
    expect(sh).toHaveLength(2);
    // The data team's tables: the spec's example book (examples/spec-example.json), as text columns.
    const cwd = scratch("readme-duckdb");
    bookDir(cwd, "books/today", join(SPEC_CSV, "markets.json"));
    const team = await duckConnection(await loadDuckDb());
    try {
      await team.run(`CREATE TABLE accounts AS SELECT * FROM read_csv('${SPEC_CSV}/accounts.csv', all_varchar = true)`);
      await team.run(`CREATE TABLE positions AS SELECT * FROM read_csv('${SPEC_CSV}/positions.csv', all_varchar = true)`);
      for (const statement of sql.split(/;\s*\n/).filter((s) => s.trim() !== "")) await team.run(statement.replaceAll("'books/today/", `'${cwd}/books/today/`));
      // command 1: liqscan (the README's `npx liqscan`, here the built one)
      const scan = /^npx liqscan (.*)$/.exec(sh[0]!)![1]!.split(" ").map((a) => a.replace(/^books\/today$/, join(cwd, "books/today")).replace(/^results\.parquet$/, join(cwd, "results.parquet")));
      await ok(...scan);
      // command 2: the query, through DuckDB's Node API (the README shows the duckdb CLI's table of the same rows)
      const query = /^duckdb -c "(.*)"$/.exec(sh[1]!)![1]!.replace("'results.parquet'", `'${join(cwd, "results.parquet")}'`);
      const rows = await team.rows(query);
      const cells = shown
        .split("\n")
        .filter((l) => l.startsWith("│"))
        .map((l) => l.slice(1, -1).split("│").map((c) => c.trim()));
      const [header, types, ...values] = cells;
      expect(values.length).toBeGreaterThan(0);
      expect(header).toEqual(Object.keys(rows[0]!));
      expect(types!.every((t) => /^(varchar|decimal\(38,6\))$/.test(t))).toBe(true);
      expect(values).toEqual(rows.map((r) => Object.values(r).map(String)));
    } finally {
      team.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
