/**
 * Progress of long computations on a terminal (issue 9): with stderr made a TTY (a preload sets
 * process.stderr.isTTY), stress shows a bar advancing over its passes of shocks and cascade over
 * its rounds; stdout is exactly what it is without a terminal.
 */
import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MAIN, liqscan } from "./support/run-cli.js";
import { stressInPasses } from "../cli/commands/stress.js";
import { createEngine } from "../bindings/index.js";
import { parseBookJson } from "../book/index.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stress } from "../views/index.js";

const EXAMPLE = "test/fixtures/cli/example.json";
const TTY = 'data:text/javascript,Object.defineProperty(process.stderr, "isTTY", { value: true })';

function onTerminal(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", TTY, MAIN, ...args], { env: { ...process.env, TERM: "xterm", LIQSCAN_DEBUG: "" }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr }));
  });
}

describe("progress on a terminal", () => {
  it("stress over 20,001 shocks shows the bar reaching 100 %; the output is unchanged", async () => {
    const args = ["stress", EXAMPLE, "--from=-100", "--to=100", "--step=0.01", "--market", "BTC-PERP", "--json"];
    const t = await onTerminal(...args);
    expect(t.code).toBe(0);
    expect(t.stderr).toContain("stressing [");
    expect(t.stderr).toContain("100%");
    const plain = await liqscan(...args);
    expect(plain.stderr).toBe("");
    expect(t.stdout).toBe(plain.stdout);
    expect((JSON.parse(t.stdout) as { shocks: unknown[] }).shocks).toHaveLength(20_001);
  }, 60_000);

  it("cascade shows its rounds", async () => {
    const args = ["cascade", "test/fixtures/views/cascade.json", "--shock=-10", "--json"];
    const t = await onTerminal(...args);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/running the cascade \[#*\s*\]/);
    expect(t.stdout).toBe((await liqscan(...args)).stdout);
  });

  it.each([["liq-price"], ["map", "--market", "BTC-PERP"]])("%s shows the liquidation prices' progress bar; the output is unchanged", async (...args) => {
    const book = join(mkdtempSync(join(tmpdir(), "liqscan-progress-")), "book.json");
    await liqscan("generate", "--accounts", "30000", "--seed", "3", "--out", book);
    const t = await onTerminal(args[0]!, book, ...args.slice(1), "--json");
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/computing liquidation prices \[#+\] 100%/);
    expect(t.stdout).toBe((await liqscan(args[0]!, book, ...args.slice(1), "--json")).stdout);
  }, 60_000);

  it.each(["wasm", "reference"] as const)("liquidationPrices reports its progress and ends at the total (%s)", async (engine) => {
    const live = await (await createEngine(engine)).load(parseBookJson(readFileSync(EXAMPLE, "utf8")));
    const seen: [number, number][] = [];
    const prices = live.liquidationPrices({ onProgress: (d, t) => seen.push([d, t]) });
    expect(prices).toEqual(live.liquidationPrices());
    expect(seen.at(-1)).toEqual([live.positionCount, live.positionCount]);
    expect(seen.every(([d], i) => i === 0 || d >= seen[i - 1]![0])).toBe(true);
  });

  it("stressInPasses: the rows of every pass size equal one call of stress, with a report after each pass", async () => {
    const live = await (await createEngine("wasm")).load(parseBookJson(readFileSync(EXAMPLE, "utf8")));
    const shocks = Array.from({ length: 37 }, (_, i) => BigInt(i * 20_000 - 360_000));
    const one = stress(live, { shocksPpm: shocks });
    for (const pass of [1, 5, 36, 37, 100]) {
      const seen: number[] = [];
      const rows = stressInPasses(live, shocks, undefined, undefined, {}, { update: (d) => seen.push(d), end() {} }, pass);
      expect(rows).toEqual(one);
      expect(seen).toEqual([0, ...Array.from({ length: Math.ceil(37 / pass) }, (_, k) => Math.min(37, (k + 1) * pass))]);
    }
    live.dispose();
  });
});
