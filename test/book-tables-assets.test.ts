// Collateral assets and balances in the table forms (docs/book-format.md, "Balances"): markets.json
// lists the assets, a third table holds the balances. Round trips JSON -> each form -> the same
// book (the worked example by hand, random books of every venue), scans of the converted books, the
// command line (convert to each form and back, atomic writes), and every error path.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decimal, Field, Float64, Int64, RecordBatch, Schema, Struct, Table, Utf8, makeData, tableFromArrays, tableToIPC, vectorFromArray } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "../bindings/index.js";
import { bookToColumns, columnsToBook } from "../book/columns.js";
import { parseBookCsv, parseBookCsvStream, writeBookCsv, writeBookCsvChunks } from "../book/csv.js";
import { BookError } from "../book/errors.js";
import { parseBookJson, writeBookJson } from "../book/json.js";
import { arrowToParquet, bookToArrowTables, concatBytes, parseBookArrow, parseBookParquet, writeBookArrow, writeBookParquet } from "../book/tables.js";
import type { Book, BookColumns } from "../book/types.js";
import { nodeFs, type WriteFs } from "../cli/atomic-write.js";
import { writeBook } from "../cli/commands/generate.js";
import { EXAMPLE, withAssets } from "./support/assets.js";
import { Rng, randomBook, randomVenueBook } from "./support/random-book.js";
import { liqscan } from "./support/run-cli.js";

const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);
const example = parseBookJson(EXAMPLE);
const columns = bookToColumns(example);

/** The book read back from each table form as liqscan writes it (Arrow also with decimal128 amounts). */
async function throughEachForm(c: BookColumns, withCsv = true): Promise<Record<string, BookColumns>> {
  const out: Record<string, BookColumns> = {};
  if (withCsv) {
    const csv = writeBookCsv(c);
    out.csv = parseBookCsv(csv.markets, csv.accounts, csv.positions, csv.balances !== undefined ? { balances: csv.balances } : undefined);
  }
  for (const format of ["file", "stream"] as const) {
    for (const amounts of ["int64", "decimal"] as const) {
      const w = writeBookArrow(c, format, { amounts, batchRows: 7 });
      out[`arrow ${format} ${amounts}`] = parseBookArrow(w.markets, w.accounts, w.positions, undefined, w.balances);
    }
  }
  const pq = writeBookParquet(c, { batchRows: 5 });
  out.parquet = await parseBookParquet(pq.markets, await concatBytes(pq.accounts), await concatBytes(pq.positions), undefined, pq.balances && (await concatBytes(pq.balances)));
  return out;
}

describe("the worked example in the table forms", () => {
  it("CSV: markets.json lists the assets, balances.csv holds one row per balance in the asset's decimals", () => {
    const csv = writeBookCsv(columns);
    expect(csv.balances).toBe("account,asset,amount\nfrank,ETH,0.33333333\nfrank,USDT,-200.000001\n");
    expect(csv.markets).toContain('"assets": [\n    { "id": "ETH", "decimals": 8, "priceDecimals": 2, "price": "3400.25", "maintenanceWeight": "0.900000", "initialWeight": "0.800000", "liabilityWeight": "1.100000" },');
    expect(csv.accounts).toBe("id,collateral\nfrank,100.000000\n");
    expect(csv.positions).toBe("account,market,size,entryPrice\nfrank,BTC-PERP,-0.50000000,64000.00\n");
    const back = parseBookCsv(csv.markets, csv.accounts, csv.positions, { balances: csv.balances });
    expect([...back.balanceStart!]).toEqual([0, 2]);
    expect([...back.balanceAsset!]).toEqual([0, 1]);
    expect([...back.balanceAmount!]).toEqual([33_333_333n, -200_000_001n]);
    expect(columnsToBook(back)).toEqual(example);
  });

  it("Arrow: account utf8, asset a dictionary, amount int64 in the asset's units (decimal128 at the largest decimals on request)", () => {
    const t = bookToArrowTables(columns);
    expect(t.balances!.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(["account:Utf8", "asset:Dictionary<Uint32, Utf8>", "amount:Int64"]);
    expect(t.balances!.getChild("amount")!.toArray()).toEqual(new BigInt64Array([33_333_333n, -200_000_001n]));
    expect([...t.balances!.getChild("asset")!].map(String)).toEqual(["ETH", "USDT"]);
    const d = bookToArrowTables(columns, { amounts: "decimal" }).balances!;
    const type = d.schema.fields[2]!.type as Decimal;
    expect([type.scale, type.precision]).toEqual([8, 38]);
    // USDT's 6 decimals written at scale 8: -200.000001 is -20000000100 units of 10^-8.
    const words = d.getChild("amount")!.data[0]!.values as Uint32Array;
    expect(BigInt.asIntN(64, (BigInt(words[5]!) << 32n) | BigInt(words[4]!))).toBe(-20_000_000_100n);
  });

  it("reads back the same book from every form, and scans it as the JSON book", async () => {
    const want = (await (await createEngine("wasm")).load(example)).scan();
    expect(want.account(0).status).toBe("ok"); // without its balances frank would be liquidatable
    for (const [form, c] of Object.entries(await throughEachForm(columns))) {
      expect(c, form).toEqual(columns);
      const got = (await (await createEngine("wasm")).load(c)).scan();
      expect(got.account(0), form).toEqual(want.account(0));
      expect(got.totals, form).toEqual(want.totals);
    }
  });

  it("books without assets are written exactly as before: no balances file, no assets in markets.json", async () => {
    const spec = bookToColumns(parseBookJson(readFileSync("examples/spec-example.json", "utf8")));
    const csv = writeBookCsv(spec);
    expect(Object.keys(csv)).toEqual(["markets", "accounts", "positions"]);
    // markets.json is the JSON form's header and nothing more
    expect(writeBookJson(spec).startsWith(csv.markets.slice(0, -3) + ',\n  "accounts": [')).toBe(true);
    expect(csv.markets).not.toContain("assets");
    expect("balances" in writeBookCsvChunks(spec)).toBe(false);
    expect("balances" in writeBookArrow(spec)).toBe(false);
    expect("balances" in writeBookParquet(spec)).toBe(false);
    const back = parseBookCsv(csv.markets, csv.accounts, csv.positions);
    expect(back).toEqual(spec);
    expect("assets" in back || "balanceStart" in back).toBe(false);
  });

  it("a book that lists no asset ([]) keeps its empty list and has no balances file; assets without a balances file: no balances", () => {
    const none = { ...example, assets: [], accounts: example.accounts.map(({ balances: _, ...a }) => a) };
    const c = bookToColumns(none);
    const csv = writeBookCsv(c);
    expect(csv.markets).toContain('"assets": []');
    expect(csv.balances).toBeUndefined();
    expect(parseBookCsv(csv.markets, csv.accounts, csv.positions)).toEqual(c);
    const a = writeBookArrow(c);
    expect(a.balances).toBeUndefined();
    expect(parseBookArrow(a.markets, a.accounts, a.positions)).toEqual(c);
    // markets.json with the example's assets, and no balances table: frank holds none
    const full = writeBookCsv(columns);
    const bare = columnsToBook(parseBookCsv(full.markets, full.accounts, full.positions));
    expect(bare.assets).toEqual(example.assets);
    expect(bare.accounts[0]!.balances).toBeUndefined();
  });

  it("rows in any account order: grouped by account in accounts order, each account's balances in file order", async () => {
    const csv = writeBookCsv(bookToColumns({ ...example, accounts: ["a", "b", "c"].map((id) => ({ id, collateral: 0n, positions: [] })) }));
    const rows = "account,asset,amount\r\nc,ETH,1\r\na,USDT,-2\r\nc,USDT,3.5\r\na,ETH,0.5";
    const c = parseBookCsv(csv.markets, csv.accounts, csv.positions, { balances: rows });
    expect([...c.balanceStart!]).toEqual([0, 2, 2, 4]);
    expect([...c.balanceAsset!]).toEqual([1, 0, 0, 1]);
    expect([...c.balanceAmount!]).toEqual([-2_000_000n, 50_000_000n, 100_000_000n, 3_500_000n]);
    // the same rows streamed in pieces of 3 characters
    const pieces = (t: string) => Array.from({ length: Math.ceil(t.length / 3) }, (_, i) => t.slice(3 * i, 3 * i + 3));
    expect(await parseBookCsvStream(csv.markets, pieces(csv.accounts), pieces(csv.positions), { balances: pieces(rows) })).toEqual(c);
    // and as Arrow, with dictionary strings and int32 amounts in the assets' units
    const w = writeBookArrow(c);
    const table = tableFromArrays({ account: ["c", "a", "c", "a"], asset: ["ETH", "USDT", "USDT", "ETH"], amount: new Int32Array([100_000_000, -2_000_000, 3_500_000, 50_000_000]) });
    expect(parseBookArrow(w.markets, w.accounts, w.positions, undefined, tableToIPC(table))).toEqual(c);
  });
});

describe("random books with balances", () => {
  it("round-trip through every form and scan as the JSON book (generic books through CSV; every venue through Arrow and Parquet)", async () => {
    let balances = 0;
    for (let i = 0; i < 24; i++) {
      const seed = baseSeed + i;
      const rng = new Rng(seed);
      const extreme = i % 3 === 0 ? 0.4 : 0.05;
      const venue = i % 2 === 0 ? "generic" : rng.pick(["binance-usdm", "hyperliquid", "dydx-v4"] as const);
      const base = venue === "generic" ? randomBook(rng, { accounts: rng.int(1, 200), extreme }) : randomVenueBook(rng, venue, { accounts: rng.int(1, 200), extreme });
      const book: Book = withAssets(rng, base, extreme);
      const c = bookToColumns(parseBookJson(writeBookJson(book)));
      balances += c.balanceAsset!.length;
      // a venue book's labels (margin, leverage, side) have no CSV columns: Arrow and Parquet only
      const forms = await throughEachForm(c, c.accountIsolated === undefined);
      const want = (await (await createEngine("wasm")).load(c)).scan();
      for (const [form, got] of Object.entries(forms)) {
        expect(got, `seed ${seed} ${venue} ${form}`).toEqual(c);
        const scan = (await (await createEngine("wasm")).load(got)).scan();
        expect(scan.totals, `seed ${seed} ${venue} ${form}`).toEqual(want.totals);
        expect([...scan.status], `seed ${seed} ${venue} ${form}`).toEqual([...want.status]);
      }
    }
    expect(balances).toBeGreaterThan(500);
  });
});

/** Arrow IPC bytes of a table of the given columns (apache-arrow vectors or arrays). */
function ipc(columns: Record<string, unknown>): Uint8Array {
  return tableToIPC(tableFromArrays(columns as never) as unknown as Table);
}

/** A decimal128(38, scale) column of the given unscaled values. */
function decimalColumn(values: bigint[], scale: number) {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    const u = BigInt.asUintN(128, v);
    for (let k = 0; k < 4; k++) words[4 * i + k] = Number((u >> BigInt(32 * k)) & 0xffffffffn);
  });
  return makeData({ type: new Decimal(scale, 38), length: values.length, data: words });
}

function tableOf(fields: [string, ReturnType<typeof makeData>][]): Uint8Array {
  const schema = new Schema(fields.map(([name, d]) => new Field(name, d.type, d.nullCount > 0)));
  const n = fields[0]![1].length;
  return tableToIPC(new Table([new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, children: fields.map(([, d]) => d), nullCount: 0 }))]));
}

describe("errors name the file, the line or row, and the field", () => {
  const csv = writeBookCsv(columns);
  const readCsv = (balances: string, markets = csv.markets) => () => parseBookCsv(markets, csv.accounts, csv.positions, { balances });
  const noAssets = csv.markets.replace(/,\n  "assets": \[[\s\S]*\n  \]/, "");

  it.each([
    ["frank,ETH,1\nbob,ETH,1\n", 'balances.csv line 3: field "account": "bob" is not an account of accounts.csv'],
    ["frank,BTC,1\n", 'balances.csv line 2: field "asset": "BTC" is not an asset of markets.json (its assets are "ETH", "USDT")'],
    ["frank,ETH,0.123456789\n", 'balances.csv line 2: field "amount": "0.123456789" has more decimals than asset "ETH"\'s decimals 8'],
    ["frank,USDT,1e3\n", 'balances.csv line 2: field "amount": "1e3" is not a decimal number'],
    ["frank,USDT, 1\n", 'balances.csv line 2: field "amount": " 1" is not a decimal number'],
    ["frank,USDT,9223372036854.775808\n", 'balances.csv line 2: field "amount": "9223372036854.775808" does not fit a signed 64-bit count of 10^-6 units'],
    ["frank,USDT,\n", 'balances.csv line 2: field "amount": "" is not a decimal number'],
    ["frank,ETH,1\nfrank,USDT,2\nfrank,ETH,3\n", 'balances.csv line 4: field "asset": account "frank" already holds a balance in "ETH" (line 2); an account holds at most one balance per asset'],
    ["frank,ETH\n", 'balances.csv line 2: field "amount": missing: the row has 2 fields, expected 3 (account,asset,amount)'],
    ["frank,ETH,1,2\n", "balances.csv line 2: the row has 4 fields, expected 3 (account,asset,amount)"],
    ['frank,"ETH",1\n', 'balances.csv line 2: field "asset": contains a quote character'],
    ["frank,ETH,1\n\nfrank,USDT,1\n", "balances.csv line 3: blank line"],
    [",ETH,1\n", 'balances.csv line 2: field "account": is empty'],
  ])("CSV %j", (rows, message) => {
    expect(readCsv("account,asset,amount\n" + rows)).toThrow(BookError);
    expect(readCsv("account,asset,amount\n" + rows)).toThrow(message);
  });

  it("CSV: a wrong or missing header, an empty file, a balances file without assets in markets.json", async () => {
    expect(readCsv("account,asset\nfrank,ETH\n")).toThrow('balances.csv line 1: field "header": expected "account,asset,amount", got "account,asset"');
    expect(readCsv("")).toThrow('balances.csv line 1: field "header": the file is empty');
    expect(readCsv("account,asset,amount\n", noAssets)).toThrow("balances.csv: is a balances table, and markets.json lists no assets to hold balances in");
    expect(readCsv("account,asset,amount\n", noAssets.replace('\n}\n', ',\n  "assets": []\n}\n'))).toThrow("balances.csv: is a balances table, and markets.json lists no assets");
    await expect(parseBookCsvStream(noAssets, [csv.accounts], [csv.positions], { balances: ["account,asset,amount\n"] })).rejects.toThrow("balances.csv: is a balances table");
    // a bad asset in markets.json is the JSON form's error
    expect(() => parseBookCsv(csv.markets.replace('"liabilityWeight": "1.100000"', '"liabilityWeight": "0.9"'), csv.accounts, csv.positions)).toThrow('asset "ETH": field "liabilityWeight"');
  });

  const w = writeBookArrow(columns);
  const readArrow = (balances: Uint8Array, markets = w.markets) => () => parseBookArrow(markets, w.accounts, w.positions, undefined, balances);
  it.each([
    [{ account: ["frank", "bob"], asset: ["ETH", "USDT"], amount: new BigInt64Array([1n, 2n]) }, 'balances.arrow row 2: field "account": "bob" is not an account of accounts.arrow'],
    [{ account: ["frank"], asset: ["BTC"], amount: new BigInt64Array([1n]) }, 'balances.arrow row 1: field "asset": "BTC" is not an asset of markets.json (its assets are "ETH", "USDT")'],
    [{ account: ["frank", "frank"], asset: ["USDT", "USDT"], amount: new BigInt64Array([1n, 2n]) }, 'balances.arrow row 2: field "asset": account "frank" already holds a balance in "USDT" (row 1)'],
    [{ account: ["frank"], asset: ["ETH"] }, 'balances.arrow: field "amount": missing column (a balances table has columns account, asset, amount)'],
    [{ account: ["frank"], asset: ["ETH"], amount: new BigInt64Array([1n]), note: ["x"] }, 'balances.arrow: field "note": unknown column (expected account, asset, amount)'],
    [{ account: ["frank"], asset: ["ETH"], amount: new Float64Array([0.5]) }, 'balances.arrow: field "amount": is a floating-point column (Float64)'],
    [{ account: ["frank"], asset: ["ETH"], amount: new BigUint64Array([1n << 63n]) }, 'balances.arrow row 1: field "amount": "9223372036854775808" does not fit a signed 64-bit count'],
    [{ account: ["frank", null], asset: ["ETH", "USDT"], amount: new BigInt64Array([1n, 2n]) }, 'balances.arrow row 2: field "account": is null'],
    [{ account: ["frank"], asset: [""], amount: new BigInt64Array([1n]) }, 'balances.arrow row 1: field "asset": "" is not an asset of markets.json'],
  ])("Arrow %#", (table, message) => {
    expect(readArrow(ipc(table))).toThrow(BookError);
    expect(readArrow(ipc(table))).toThrow(message);
  });

  it("Arrow: decimal128 amounts are rescaled exactly to each asset's decimals, a digit beyond them refused", () => {
    const strings = (xs: string[]) => vectorFromArray(xs, new Utf8()).data[0]!;
    const ok = tableOf([["account", strings(["frank", "frank"])], ["asset", strings(["USDT", "ETH"])], ["amount", decimalColumn([-2_000_000_010_000n, 3_333_333_300n], 10)]]);
    const c = parseBookArrow(w.markets, w.accounts, w.positions, undefined, ok);
    expect([...c.balanceAmount!]).toEqual([-200_000_001n, 33_333_333n]);
    expect([...c.balanceAsset!]).toEqual([1, 0]);
    const bad = tableOf([["account", strings(["frank"])], ["asset", strings(["USDT"])], ["amount", decimalColumn([-2_000_000_010_001n], 10)]]);
    expect(readArrow(bad)).toThrow('balances.arrow row 1: field "amount": "-200.0000010001" has more decimals than asset "USDT"\'s decimals 6');
    const wide = tableOf([["account", strings(["frank"])], ["asset", strings(["ETH"])], ["amount", decimalColumn([1n << 70n], 0)]]);
    expect(readArrow(wide)).toThrow('balances.arrow row 1: field "amount": "1180591620717411303424" does not fit a signed 64-bit count of 10^-8 units');
    const floats = tableOf([["account", strings(["frank"])], ["asset", strings(["ETH"])], ["amount", makeData({ type: new Float64(), length: 1, data: new Float64Array([1]) })]]);
    expect(readArrow(floats)).toThrow("floating-point");
    expect(readArrow(tableOf([["account", strings(["frank"])], ["asset", strings(["ETH"])], ["amount", makeData({ type: new Int64(), length: 1, data: new BigInt64Array([5n]) })]]), w.markets.replace(/,\n  "assets": \[[\s\S]*\n  \]/, "")))
      .toThrow("balances.arrow: is a balances table, and markets.json lists no assets");
  });

  it("Parquet: the file and row are named; the stream form names balances.arrows", async () => {
    const pq = writeBookParquet(columns);
    const [m, a, p] = [pq.markets, await concatBytes(pq.accounts), await concatBytes(pq.positions)];
    const dup = await concatBytes(arrowToParquet(tableFromArrays({ account: ["frank", "frank", "frank"], asset: ["ETH", "USDT", "ETH"], amount: new BigInt64Array([1n, 2n, 3n]) })));
    await expect(parseBookParquet(m, a, p, undefined, dup)).rejects.toThrow('balances.parquet row 3: field "asset": account "frank" already holds a balance in "ETH" (row 1)');
    await expect(parseBookParquet(m, a, p, undefined, new Uint8Array([1, 2, 3]))).rejects.toThrow("balances.parquet: is not a Parquet file");
    const s = writeBookArrow(columns, "stream");
    expect(() => parseBookArrow(s.markets, s.accounts, s.positions, { accounts: "accounts.arrows", positions: "positions.arrows" }, ipc({ account: ["x"], asset: ["ETH"], amount: new BigInt64Array([1n]) })))
      .toThrow('balances.arrows row 1: field "account": "x" is not an account of accounts.arrows');
  });

  it("writing: an asset id the CSV form cannot hold unquoted is refused", () => {
    const odd = bookToColumns({ ...example, assets: example.assets!.map((x, k) => (k === 0 ? { ...x, id: "E,TH" } : x)) });
    expect(() => writeBookCsv(odd)).toThrow('asset "E,TH": field "id": "E,TH" cannot be written to CSV');
    expect(writeBookArrow(odd).balances).toBeDefined();
  });
});

describe("the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "liqscan-tables-assets-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const json = join(dir, "book.json");
  writeFileSync(json, EXAMPLE);

  it("convert writes each table form with its balances table, reads it back to the same book, and scans it as the JSON book", async () => {
    const rng = new Rng(baseSeed + 900);
    const random = withAssets(rng, randomBook(rng, { accounts: 300, extreme: 0.05 }), 0.05);
    const randomJson = join(dir, "random.json");
    writeFileSync(randomJson, writeBookJson(random));
    for (const [name, source] of [["example", json], ["random", randomJson]] as const) {
      const want = await liqscan("scan", source, "--json");
      expect(want.code, want.stderr).toBe(0);
      for (const form of ["csv", "arrow", "arrows", "parquet"] as const) {
        const out = join(dir, `${name}-${form}`);
        const run = await liqscan("convert", source, out, "--format", form);
        expect(run.code, run.stderr).toBe(0);
        expect(readdirSync(out).sort(), form).toEqual([`accounts.${form}`, `balances.${form}`, "markets.json", `positions.${form}`]);
        const scan = await liqscan("scan", out, "--json");
        expect(scan.code, scan.stderr).toBe(0);
        expect(scan.stdout, `${name} ${form}`).toBe(want.stdout);
        const back = join(dir, `${name}-${form}.json`);
        const again = await liqscan("convert", out, back);
        expect(again.code, again.stderr).toBe(0);
        expect(parseBookJson(readFileSync(back, "utf8")), `${name} ${form}`).toEqual(parseBookJson(readFileSync(source, "utf8")));
      }
    }
    expect(readFileSync(join(dir, "example-csv", "balances.csv"), "utf8")).toBe("account,asset,amount\nfrank,ETH,0.33333333\nfrank,USDT,-200.000001\n");
  }, 120_000);

  it("errors in the balances table name the path, line and field (exit 2); a balances table of another form is refused", async () => {
    const out = join(dir, "bad-csv");
    expect((await liqscan("convert", json, out, "--format", "csv")).code).toBe(0);
    writeFileSync(join(out, "balances.csv"), "account,asset,amount\nfrank,ETH,1\nfrank,BTC,2\n");
    const bad = await liqscan("scan", out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`liqscan: ${join(out, "balances.csv")} line 3: field "asset": "BTC" is not an asset of markets.json (its assets are "ETH", "USDT")\n`);
    const arrow = join(dir, "stray-arrow");
    expect((await liqscan("convert", json, arrow, "--format", "arrow")).code).toBe(0);
    copyFileSync(join(out, "balances.csv"), join(arrow, "balances.csv"));
    const stray = await liqscan("scan", arrow);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain(`${join(arrow, "balances.csv")}: a balances table of another form than the book's tables (accounts.arrow, positions.arrow)`);
    // markets.json lists the assets and there is no balances table: a valid book, no account holds a balance
    unlinkSync(join(out, "balances.csv"));
    const bare = await liqscan("scan", out, "--json");
    expect(bare.code, bare.stderr).toBe(0);
    expect(JSON.parse(bare.stdout).accounts[0]).toMatchObject({ id: "frank", status: "liquidatable" });
    // a balances table with a markets.json that lists no assets
    const spec = join(dir, "spec-parquet");
    expect((await liqscan("convert", "examples/spec-example.json", spec, "--format", "parquet")).code).toBe(0);
    copyFileSync(join(dir, "example-parquet", "balances.parquet"), join(spec, "balances.parquet"));
    const orphan = await liqscan("scan", spec);
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toBe(`liqscan: ${join(spec, "balances.parquet")}: is a balances table, and markets.json lists no assets to hold balances in: add the assets to markets.json, or remove the file\n`);
  }, 120_000);

  it("a book without assets written over one with them removes the old balances table; a failed write leaves the old book whole", async () => {
    const out = join(dir, "over");
    expect((await liqscan("convert", json, out, "--format", "csv")).code).toBe(0);
    const old = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), "utf8")]));
    const spec = bookToColumns(parseBookJson(readFileSync("examples/spec-example.json", "utf8")));
    // every write of the new book fails in turn: the old book (with its balances.csv) stays as it was
    for (let failAt = 1; failAt <= 3; failAt++) {
      let writes = 0;
      const fs: WriteFs = {
        ...nodeFs,
        async create(path) {
          const h = await nodeFs.create(path);
          return { write: async (chunk) => { if (++writes === failAt) throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" }); return h.write(chunk); }, close: () => h.close() };
        },
      };
      await expect(writeBook(spec, out, "csv", undefined, fs), `write ${failAt}`).rejects.toThrow("no space left");
      expect(Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), "utf8")])), `write ${failAt}`).toEqual(old);
    }
    await writeBook(spec, out, "csv");
    expect(readdirSync(out).sort()).toEqual(["accounts.csv", "markets.json", "positions.csv"]);
    const scan = await liqscan("scan", out, "--json");
    expect(scan.stdout).toBe((await liqscan("scan", "examples/spec-example.json", "--json")).stdout);
    // and the other way: a book with assets over one without
    await writeBook(columns, out, "csv");
    expect(existsSync(join(out, "balances.csv"))).toBe(true);
  }, 120_000);
});
