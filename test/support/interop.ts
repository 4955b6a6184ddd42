/**
 * What the interop tests (test/interop-duckdb.test.ts, test/interop-polars.test.ts) share: loading
 * the two query engines from npm (a failure to load fails the test, saying why: they are
 * devDependencies and `npm ci` installs them with their native bindings), a generated book in JSON
 * and in CSV (the same book: `generate` is deterministic in its seed), liqscan's JSON results, and
 * exact comparison of decimal text.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { liqscan } from "./run-cli.js";

/** A package that must load; when it does not, the error says which and why (never a skip). */
async function load<T>(name: string, what: string, get: () => Promise<T>): Promise<T> {
  try {
    return await get();
  } catch (err) {
    throw new Error(`${name} did not load (${what}; a devDependency, installed by npm ci): ${(err as Error).message}`);
  }
}

export type DuckDb = typeof import("@duckdb/node-api");
export type Polars = typeof import("nodejs-polars").default;

export function loadDuckDb(): Promise<DuckDb> {
  return load("@duckdb/node-api", "DuckDB's Node API, with its native binding @duckdb/node-bindings-linux-x64 from npm", () => import("@duckdb/node-api"));
}

export async function loadPolars(): Promise<Polars> {
  return load("nodejs-polars", "Polars for Node, with its native binding nodejs-polars-linux-x64-gnu from npm", async () => {
    const m = await import("nodejs-polars");
    const pl = (m.default ?? m) as Polars;
    pl.DataFrame({ a: [1] }); // the native binding loads lazily: make it load here
    return pl;
  });
}

/** A DuckDB connection to an in-memory database, and a query's rows as JSON values (decimals as text). */
export async function duckConnection(duck: DuckDb): Promise<{ run: (sql: string) => Promise<void>; rows: (sql: string) => Promise<Record<string, unknown>[]>; close: () => void }> {
  const instance = await duck.DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  return {
    run: async (sql) => {
      await c.run(sql);
    },
    rows: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[],
    close: () => {
      c.closeSync();
      instance.closeSync();
    },
  };
}

export const SPEC_CSV = "test/fixtures/spec-example-csv";

/** A fresh scratch directory. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `liqscan-${prefix}-`));
}

/** A book directory `dir/name` holding a copy of `markets` (a markets.json); the tables are the caller's. */
export function bookDir(dir: string, name: string, markets: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  copyFileSync(markets, join(d, "markets.json"));
  return d;
}

/** `liqscan generate` of one seed in JSON (book.json) and in CSV (csv/): the same book. */
export async function generatedBook(dir: string, accounts: number, seed: number): Promise<{ json: string; csv: string }> {
  const json = join(dir, "book.json");
  const csv = join(dir, "csv");
  for (const out of [json, csv]) {
    const r = await liqscan("generate", "--accounts", String(accounts), "--seed", String(seed), "--out", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }
  return { json, csv };
}

/** The stdout of a liqscan command that must succeed. */
export async function ok(...args: string[]): Promise<string> {
  const r = await liqscan(...args);
  expect(r.stderr, `liqscan ${args.join(" ")}`).toBe("");
  expect(r.code, `liqscan ${args.join(" ")}`).toBe(0);
  return r.stdout;
}

/** The stderr of a liqscan command that must fail with status 2 (an input error, no stack trace). */
export async function refused(...args: string[]): Promise<string> {
  const r = await liqscan(...args);
  expect(r.code, `liqscan ${args.join(" ")}: ${r.stderr}`).toBe(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.stderr.trim();
}

/** A decimal string as an exact value: its digits as an integer and its scale ("-3.500" -> [-3500n, 3]). */
function decimalValue(text: string): [bigint, number] {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const frac = m[3] ?? "";
  const v = BigInt(m[2]! + frac);
  return [m[1] === "-" ? -v : v, frac.length];
}

/** Whether two decimal strings are the same number exactly ("-3.500" and "-3.50000000" are). */
export function sameDecimal(a: string, b: string): boolean {
  const [x, s] = decimalValue(a);
  const [y, t] = decimalValue(b);
  return s >= t ? x === y * 10n ** BigInt(s - t) : x * 10n ** BigInt(t - s) === y;
}

/**
 * Each row of `got` (a query engine's rows, values as text or null) equals the same row of `want`
 * (liqscan's JSON, decimal strings): strings and counts as they are, decimals exactly (a different
 * number of trailing zeros is the same decimal), null as null; `columns` maps a result column to
 * the JSON row's field.
 */
export function expectSameRows(got: readonly Record<string, unknown>[], want: readonly Record<string, unknown>[], columns: Readonly<Record<string, (row: Record<string, unknown>) => unknown>>): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    for (const [name, field] of Object.entries(columns)) {
      const w = field(want[i]!) ?? null;
      const v = g[name] ?? null;
      const where = `row ${i + 1} column ${name}: got ${JSON.stringify(v)}, JSON has ${JSON.stringify(w)}`;
      if (w === null || v === null) expect(v, where).toBe(w);
      else if (typeof w === "number") expect(String(v), where).toBe(String(w));
      else if (/^-?\d+(\.\d+)?$/.test(String(w))) expect(typeof v === "string" && sameDecimal(v, String(w)), where).toBe(true);
      else expect(v, where).toBe(w);
    }
  });
}

export const SCAN_COLUMNS = ["equity", "maintenance", "marginRatio", "penalty", "liquidatorReward", "insuranceFund", "badDebt", "returned"] as const;
