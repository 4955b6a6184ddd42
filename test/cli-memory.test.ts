/**
 * generate and demo refuse up front (exit 2, no stack, what to do instead) a book that cannot fit
 * (issue 9: `generate --accounts 10000000 --out big.json` and `demo --accounts 150000000` used to
 * run for minutes and abort out of memory). The refusals come from the count, so these are fast.
 */
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { checkBookFits, type MemoryLimits } from "../cli/memory.js";
import { CliError } from "../cli/errors.js";
import { liqscan, MAIN } from "./support/run-cli.js";

const GiB = 2 ** 30;
const LIMITS: MemoryLimits = { heapBytes: 3.4 * GiB, systemBytes: 19 * GiB, stringChars: 536_870_888, wasmBytes: 4 * GiB };

function refusal(accounts: number, use: Parameters<typeof checkBookFits>[2], limits = LIMITS): string {
  try {
    checkBookFits("x", accounts, use, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    return (e as CliError).message;
  }
  return "";
}

describe("checkBookFits", () => {
  it("JSON text: refused beyond the longest string, pointing at the CSV form", () => {
    expect(refusal(2_000_000, { kind: "generate", format: "json" })).toBe("");
    expect(refusal(10_000_000, { kind: "generate", format: "json" })).toMatch(/^x: 10_000_000 accounts as JSON need about 2\.2 GiB of text, more than the longest string Node can hold \(512 MiB\): write the CSV form \(--format csv/);
    expect(refusal(10_000_000, { kind: "generate", format: "csv" })).toBe("");
  });

  it("heap: refused beyond the heap limit, with the count that fits and --max-old-space-size", () => {
    const m = refusal(500_000_000, { kind: "generate", format: "csv" });
    expect(m).toMatch(/^x: 500_000_000 accounts need about [\d.]+ GiB of JavaScript heap, more than this Node allows \(3\.4 GiB usable\): use at most about [\d_]+ accounts, or give Node a larger heap \(node --max-old-space-size=\d+ /);
    expect(refusal(20_000_000, { kind: "demo", engine: "reference" })).toMatch(/JavaScript heap/);
    expect(refusal(20_000_000, { kind: "demo", engine: "wasm" })).toBe("");
    expect(refusal(1_000_000, { kind: "demo", engine: "wasm" }, { ...LIMITS, heapBytes: 50 << 20 })).toMatch(/JavaScript heap/);
  });

  it("wasm: refused beyond 4 GiB of WebAssembly memory", () => {
    expect(refusal(100_000_000, { kind: "demo", engine: "wasm" }, { ...LIMITS, heapBytes: 64 * GiB, systemBytes: 64 * GiB })).toMatch(
      /^x: 100_000_000 accounts need about 5\.6 GiB of WebAssembly memory, more than wasm32's 4\.0 GiB: use at most about 71_000_000 accounts$/,
    );
  });
});

/** liqscan with NODE_OPTIONS (a small heap). */
function withNodeOptions(options: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, NODE_OPTIONS: options, LIQSCAN_DEBUG: "" } }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr }));
  });
}

describe("the command line refuses at once", () => {
  it("generate --accounts 10000000 --out big.json; demo --accounts 150000000", async () => {
    const start = Date.now();
    const g = await liqscan("generate", "--accounts", "10000000", "--out", "big.json");
    expect(g.code).toBe(2);
    expect(g.stdout).toBe("");
    expect(g.stderr).toMatch(/^liqscan: generate: 10_000_000 accounts as JSON need about 2\.2 GiB of text, [^\n]*--format csv[^\n]*\n$/);
    const d = await liqscan("demo", "--accounts", "150000000");
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/^liqscan: demo: 150_000_000 accounts need about [\d.]+ GiB of (JavaScript heap|WebAssembly memory)[^\n]*\n$/);
    expect(Date.now() - start).toBeLessThan(10_000);
  });

  it("the heap limit is the running Node's: a small --max-old-space-size refuses a modest book", async () => {
    const r = await withNodeOptions("--max-old-space-size=64", "generate", "--accounts", "2000000", "--out", "never-written");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^liqscan: generate: 2_000_000 accounts need about \d+ MiB of JavaScript heap, more than this Node allows \(\d+ MiB usable\): use at most about [\d_]+ accounts/);
  });
});
