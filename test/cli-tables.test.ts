/**
 * The command line's Arrow and Parquet books and result files (issue 15): generate and convert
 * write every form, every command gives the same output on every form of one book, results come
 * out as CSV, Arrow or Parquet with exact decimals, and bad tables exit 2 naming file, row, field.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrowTableFromBytes } from "../book/arrow.js";
import { parquetToArrowTable } from "../book/parquet.js";
import { formatDecimal } from "../book/decimal.js";
import type { Table } from "apache-arrow";
import { liqscan } from "./support/run-cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "liqscan-tables-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FORMATS = ["csv", "arrow", "arrows", "parquet"] as const;

/** Row i of an Arrow table, decimals written as exact decimal text (arrow-js gives their unscaled integer). */
function row(t: Table, i: number): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of t.schema.fields) {
    const v = t.getChild(f.name)!.get(i) as unknown;
    const scale = (f.type as { scale?: number }).scale;
    if (v === null) out[f.name] = null;
    else if (scale !== undefined) {
      const w = v as Uint32Array;
      let u = 0n;
      for (let k = 3; k >= 0; k--) u = (u << 32n) | BigInt(w[k]!);
      out[f.name] = formatDecimal(BigInt.asIntN(128, u), scale);
    } else out[f.name] = String(v);
  }
  return out;
}

async function readResult(path: string): Promise<Table> {
  const bytes = readFileSync(path);
  return path.endsWith(".parquet") ? parquetToArrowTable(bytes, path) : arrowTableFromBytes(bytes, path);
}

describe("generate, convert and every command on every form", () => {
  it("one generated book in every form gives the same scan, liq-price and stress output", async () => {
    const outputs = new Map<string, string[]>();
    for (const format of ["json", ...FORMATS]) {
      const path = join(dir, `g-${format}${format === "json" ? ".json" : ""}`);
      const g = await liqscan("generate", "--accounts", "1000", "--seed", "5", "--out", path, "--format", format);
      expect(g.code, g.stderr).toBe(0);
      const runs = await Promise.all([liqscan("scan", path), liqscan("liq-price", path, "--json"), liqscan("stress", path, "--shocks=-20,20", "--json")]);
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      outputs.set(format, runs.map((r) => r.stdout));
    }
    const json = outputs.get("json")!;
    expect(json[0]).toMatch(/liquidatable\s+\d+/);
    for (const format of FORMATS) expect(outputs.get(format), format).toEqual(json);
  });

  it("convert goes through every form and back to the same JSON book, venue labels included", async () => {
    const book = join(dir, "venue.json");
    writeFileSync(book, JSON.stringify({
      venue: "binance-usdm",
      markets: [{ id: "BTCUSDT", sizeDecimals: 3, priceDecimals: 1, markPrice: "60000.0", liquidationFee: "0.0125", tiers: [{ maxNotional: "50000", mmr: "0.004", cum: "0" }, { mmr: "0.005", cum: "50" }] }],
      accounts: [
        { id: "a", collateral: "100", positions: [{ market: "BTCUSDT", size: "0.010", entryPrice: "61000.0", leverage: "20", side: "LONG" }] },
        { id: "a/BTCUSDT", collateral: "30", margin: "isolated", positions: [{ market: "BTCUSDT", size: "-0.002", entryPrice: "59000.0" }] },
      ],
    }));
    const original = await liqscan("scan", book, "--all", "--json");
    expect(original.code, original.stderr).toBe(0);
    let from = book;
    for (const format of ["arrow", "arrows", "parquet"]) {
      const to = join(dir, `venue-${format}`);
      const c = await liqscan("convert", from, to, "--format", format);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toMatch(new RegExp(`to ${to.replace(/[/\\]/g, ".")} \\(${format}\\): 2 accounts and 2 positions`));
      expect((await liqscan("scan", to, "--all", "--json")).stdout).toBe(original.stdout);
      from = to;
    }
    const back = join(dir, "venue-back.json");
    expect((await liqscan("convert", from, back)).code).toBe(0);
    const again = JSON.parse(readFileSync(back, "utf8"));
    expect(again.accounts[0].positions[0]).toEqual({ market: "BTCUSDT", size: "0.010", entryPrice: "61000.0", leverage: "20", side: "LONG" });
    expect(again.accounts[1].margin).toBe("isolated");
    const csv = await liqscan("convert", from, join(dir, "venue-csv"), "--format", "csv");
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/the CSV form has no column for a position's or account's (margin|leverage|side); write this book as JSON/);
  });
});

describe("results for pipelines", () => {
  let book: string;
  beforeAll(async () => {
    book = join(dir, "r-parquet");
    expect((await liqscan("generate", "--accounts", "2000", "--seed", "9", "--out", book, "--format", "parquet")).code).toBe(0);
  });

  it("scan --all --format F --out FILE: one row per account with --json's exact values, in every format", async () => {
    const json = JSON.parse((await liqscan("scan", book, "--all", "--json")).stdout) as { accounts: Record<string, string | null>[] };
    const expected = json.accounts.map((a) => ({
      account: a.id!, status: a.status!, equity: a.equity ?? null, maintenance: a.maintenance ?? null, marginRatio: a.marginRatio ?? null,
      penalty: a.penalty ?? null, liquidatorReward: a.liquidatorReward ?? null, insuranceFund: a.insuranceFund ?? null, badDebt: a.badDebt ?? null, returned: a.returned ?? null,
    }));
    expect(expected.some((a) => a.status === "liquidatable")).toBe(true);
    for (const format of ["arrow", "arrows", "parquet"] as const) {
      const out = join(dir, `scan.${format}`);
      const r = await liqscan("scan", book, "--all", "--format", format, "--out", out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^totals/);
      const t = await readResult(out);
      expect(t.numRows).toBe(2000);
      expect(t.schema.fields.map((f) => String(f.type))).toEqual(["Utf8", "Utf8", ...Array(8).fill("Decimal[38e+6]")]);
      expect(Array.from({ length: t.numRows }, (_, i) => row(t, i))).toEqual(expected);
    }
    const csv = await liqscan("scan", book, "--all", "--format", "csv");
    const lines = csv.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("account,status,equity,maintenance,marginRatio,penalty,liquidatorReward,insuranceFund,badDebt,returned");
    expect(lines.slice(1)).toEqual(expected.map((a) => Object.values(a).map((v) => v ?? "").join(",")));
  });

  it("liq-price and stress write files with the --json values", async () => {
    const json = JSON.parse((await liqscan("liq-price", book, "--json")).stdout) as { positions: { account: string; market: string; size: string; liquidationPrice: string | null }[] };
    const out = join(dir, "lp.parquet");
    expect((await liqscan("liq-price", book, "--out", out)).code).toBe(0);
    const t = await readResult(out);
    expect(t.numRows).toBe(json.positions.length);
    const num = (s: string | null) => (s === null ? null : Number(s)); // compared as numbers: the file's scale is the book's largest
    for (let i = 0; i < t.numRows; i += 97) {
      const r = row(t, i);
      const j = json.positions[i]!;
      expect([r.account, r.market, num(r.size), num(r.liquidationPrice)]).toEqual([j.account, j.market, num(j.size), num(j.liquidationPrice)]);
      // exact: the file's decimal is the --json text padded with zeros
      if (j.liquidationPrice !== null) expect(r.liquidationPrice!.startsWith(j.liquidationPrice)).toBe(true);
    }
    const stress = JSON.parse((await liqscan("stress", book, "--shocks=-10,10", "--json")).stdout) as { shocks: Record<string, unknown>[] };
    const s = await liqscan("stress", book, "--shocks=-10,10", "--format", "csv");
    const lines = s.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]!.split(",")[0]).toBe(stress.shocks[0]!.shock);
    expect(lines[1]!.split(",").at(-1)).toBe(stress.shocks[0]!.badDebt);
  });

  it("bad result options exit 2 saying what to do", async () => {
    expect((await liqscan("scan", book, "--format", "parquet")).stderr).toBe("liqscan: scan: --format parquet writes a binary file: give --out FILE\n");
    expect((await liqscan("scan", book, "--out", join(dir, "x.txt"))).stderr).toMatch(/^liqscan: --out: cannot tell the format from ".*x\.txt": give --format csv\|arrow\|arrows\|parquet/);
    expect((await liqscan("scan", book, "--format", "xlsx", "--out", "x")).stderr).toMatch(/^liqscan: --format: "xlsx" is not a result format/);
    expect((await liqscan("scan", book, "--json", "--format", "csv")).code).toBe(2);
  });
});

describe("bad tables on the command line", () => {
  it("a file that is not Parquet, two forms in one directory, a table file for its directory: exit 2 saying so", async () => {
    const d = join(dir, "bad");
    expect((await liqscan("generate", "--accounts", "10", "--out", d, "--format", "arrow")).code).toBe(0);
    const bad = join(dir, "bad-pq");
    mkdirSync(bad);
    writeFileSync(join(bad, "markets.json"), readFileSync(join(d, "markets.json")));
    writeFileSync(join(bad, "accounts.parquet"), "not parquet");
    writeFileSync(join(bad, "positions.parquet"), "not parquet");
    const r = await liqscan("scan", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^liqscan: ${join(bad, "accounts.parquet").replace(/[/\\.]/g, ".")}: is not a Parquet file`));
    writeFileSync(join(d, "positions.csv"), "account,market,size,entryPrice\n");
    const two = await liqscan("scan", d);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/holds the tables of 2 forms \(positions\.csv, positions\.arrow\): keep one form per book directory/);
    expect((await liqscan("scan", join(d, "positions.arrow"))).stderr).toMatch(/an Arrow book is a directory holding markets\.json, accounts\.arrow and positions\.arrow: give the directory/);
  });
});
