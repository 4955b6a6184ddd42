/** `liqscan demo [--accounts N] [--seed S] [--runs R] [--engine wasm|reference]` */
import { createEngine } from "../../bindings/index.js";
import type { ScanResult } from "../../bindings/results.js";
import { generateBook } from "../../book/index.js";
import { parseCount, parseEngine } from "../args.js";
import type { Command } from "../command.js";
import { checkBookFits } from "../memory.js";
import { Output } from "../output.js";
import { phase } from "../progress.js";
import { totalsLines, writeAccountTable } from "../reports.js";

/** Book sizes that take a few seconds in all: the reference engine is about 50 times slower. */
const DEFAULT_ACCOUNTS = { wasm: 200_000, reference: 20_000 } as const;
const DEFAULT_RUNS = 5;
const TOP = 10;

/** The `count` liquidatable accounts with the largest penalty + badDebt (ties in book order). */
export function topByLoss(result: ScanResult, count: number): number[] {
  const loss = new Map<number, bigint>();
  for (const a of result.liquidatable()) {
    const c = result.account(a).closeOut!;
    loss.set(a, c.penalty + c.badDebt);
  }
  const key = (a: number): bigint => loss.get(a)!;
  const top: number[] = [];
  for (const a of loss.keys()) {
    if (top.length === count && key(a) <= key(top[count - 1]!)) continue;
    let i = top.length;
    while (i > 0 && key(top[i - 1]!) < key(a)) i--;
    top.splice(i, 0, a);
    if (top.length > count) top.pop();
  }
  return top;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** 12345678, "positions" -> "12.3 M positions/s" */
function rate(perSecond: number, what: string): string {
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} G ${what}/s`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M ${what}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k ${what}/s`;
  return `${perSecond.toFixed(0)} ${what}/s`;
}

function duration(seconds: number): string {
  return seconds >= 1 ? `${seconds.toFixed(2)} s` : `${(seconds * 1000).toFixed(2)} ms`;
}

export const demoCommand: Command = {
  name: "demo",
  summary: "generate a book in memory, scan it, show the worst accounts and the throughput",
  help: `Usage: liqscan demo [--accounts N] [--seed S] [--runs R] [--engine wasm|reference]

Generates a synthetic book in memory, loads it into the engine, scans it R times and prints the
${TOP} liquidatable accounts with the largest penalty + badDebt, the totals, the full-scan throughput
and the time of a rescan after a price tick
(positions per second, median of the R scans).

Options:
  --accounts N        accounts to generate (default ${DEFAULT_ACCOUNTS.wasm}, or ${DEFAULT_ACCOUNTS.reference} with
                      the reference engine)
  --seed S            seed of the generator (default 1)
  --runs R            scans to time (default ${DEFAULT_RUNS})
  --engine NAME       wasm (default) or reference (the pure-TypeScript oracle; much slower)
  -h, --help          this help
`,
  options: {
    accounts: { type: "string" },
    seed: { type: "string" },
    runs: { type: "string" },
    engine: { type: "string" },
  },
  maxPositionals: 0,
  async run({ values }) {
    const engineName = parseEngine(values.engine);
    const accounts = parseCount(values.accounts, "accounts", 0, 500_000_000) ?? DEFAULT_ACCOUNTS[engineName];
    const seed = parseCount(values.seed, "seed", 0, Number.MAX_SAFE_INTEGER) ?? 1;
    const runs = parseCount(values.runs, "runs", 1, 1000) ?? DEFAULT_RUNS;
    checkBookFits("demo", accounts, { kind: "demo", engine: engineName });
    const out = new Output();

    const engine = await createEngine(engineName);
    const generated = await phase("generating", (progress) =>
      generateBook({ accounts, seed, onProgress: (done, total) => progress.update(done, total) }),
    );
    const columns = generated.value;
    const loaded = await phase(`loading into the ${engineName} engine`, () => engine.load(columns));
    const live = loaded.value;
    out.line(
      `book: ${live.accountCount} accounts, ${live.positionCount} positions, ${live.markets.length} markets (seed ${seed}); ` +
        `generated in ${duration(generated.seconds)}, loaded into the ${engineName} engine in ${duration(loaded.seconds)}`,
    );

    const times: number[] = [];
    const scanned = await phase(`scanning ${runs} times`, (progress) => {
      let result: ScanResult | undefined;
      for (let r = 0; r < runs; r++) {
        const start = performance.now();
        result = live.scan({ full: true });
        times.push((performance.now() - start) / 1000);
        progress.update(r + 1, runs);
      }
      return result!;
    });
    const result = scanned.value;

    const top = topByLoss(result, TOP);
    out.line();
    if (top.length === 0) {
      out.line("no liquidatable accounts");
    } else {
      out.line(`top ${top.length} liquidatable accounts by penalty + badDebt:`);
      await writeAccountTable(out, result, top);
    }
    out.line();
    for (const l of totalsLines(result.totalsReport(), result.accountCount)) out.line(l);
    out.line();
    // A price tick: the first market moves by one price unit and back; only its holders are rescanned.
    const mark = live.markPrice(0);
    const ticks: number[] = [];
    for (let r = 0; r < runs; r++) {
      live.setMarkPrice(0, r % 2 === 0 ? mark + 1n : mark);
      const start = performance.now();
      live.scan();
      ticks.push((performance.now() - start) / 1000);
    }
    const t = median(times);
    const positionsPerSecond = t > 0 ? live.positionCount / t : Infinity;
    const accountsPerSecond = t > 0 ? live.accountCount / t : Infinity;
    out.line(
      `throughput: ${rate(positionsPerSecond, "positions")}, ${rate(accountsPerSecond, "accounts")} ` +
        `(${engineName} engine, median full scan ${duration(t)} of ${runs})`,
    );
    out.line(`price tick: ${live.markets[0]!.id} moves, rescan in ${duration(median(ticks))} (median of ${runs})`);
    await out.flush();
    live.dispose();
  },
};
