/**
 * Runs the cases at one book size with benny, one case at a time (each case's book is released
 * before the next is built, so a 10M-position run holds one competitor's copy at a time), and
 * turns benny's samples into report rows.
 */
import b from "benny";
import type { Engine } from "../bindings/types.js";
import { createEngine } from "../bindings/index.js";
import type { BookColumns } from "../book/types.js";
import { benchBook, TICK_MARKETS, type BookSize } from "./books.js";
import { BASELINE, type BenchCase, type Prepared, type SizeContext } from "./cases.js";
import { wrongDecisions } from "./float-scan.js";
import { formatDuration, withRatios, type CaseRow, type SizeReport } from "./report.js";

/** benny / benchmark.js sampling: at least `minSamples` samples, then stop once `maxTime` s have passed. */
export interface Budget {
  readonly minSamples: number;
  readonly maxTime: number;
}

export interface RunOptions {
  readonly engines: { readonly wasm: Engine; readonly reference: Engine };
  readonly budget: (c: BenchCase, size: BookSize) => Budget;
  /** Where benny saves each case's raw summary (samples included). */
  readonly rawFolder: string;
  readonly log: (line: string) => void;
}

const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

export async function runSize(size: BookSize, cases: readonly BenchCase[], options: RunOptions): Promise<SizeReport> {
  const { log } = options;
  log(`${size.label}: generating ${size.accounts.toLocaleString("en-US")} accounts`);
  const columns = benchBook(size);
  let tick: BookColumns | undefined;
  const ctx: SizeContext = {
    size,
    columns,
    engines: options.engines,
    tickColumns: () => (tick ??= benchBook(size, TICK_MARKETS)),
  };
  const positions = columns.positionSize.length;
  const rows: CaseRow[] = [];
  const decisions = new Map<string, Uint8Array>();

  for (const c of cases) {
    const base = { id: c.id, label: c.label, kind: c.kind };
    if (c.maxPositions !== undefined && positions > c.maxPositions) {
      rows.push({ ...base, skipped: `above ${c.maxPositions.toLocaleString("en-US")} positions` });
      continue;
    }
    if (c.minPositions !== undefined && positions < c.minPositions) {
      rows.push({ ...base, skipped: `below ${c.minPositions.toLocaleString("en-US")} positions` });
      continue;
    }
    // A wasm engine of its own per case: an engine reuses the memory of the books it disposed,
    // so a book's bytes/position would otherwise be the largest earlier book's.
    const prepared = await c.prepare({ ...ctx, engines: { ...ctx.engines, wasm: await createEngine("wasm") } });
    try {
      const budget = options.budget(c, size);
      const { medianSeconds, meanSeconds, samples } = await measure(`${size.label} ${c.id}`, c.label, prepared, c.minSamples !== undefined ? { ...budget, minSamples: Math.max(budget.minSamples, c.minSamples) } : budget, options.rawFolder);
      const latencies = prepared.latencies?.();
      const d = prepared.decisions?.();
      if (d) decisions.set(c.id, d);
      rows.push({
        ...base,
        medianSeconds,
        meanSeconds,
        samples,
        positionsPerSecond: prepared.positions / medianSeconds,
        ...(prepared.residentBytes === undefined ? {} : { bytesPerPosition: prepared.residentBytes / prepared.positions }),
        ...(latencies !== undefined && latencies.length > 0 ? { p99Seconds: percentile(latencies, 0.99), timedOperations: latencies.length } : {}),
      });
      log(`${size.label}: ${c.label}: ${formatDuration(medianSeconds)} (median of ${samples})`);
    } finally {
      prepared.dispose?.();
      collect();
    }
  }

  // The oracle's decisions when it ran, else the core's (which the differential tests hold to it).
  const exactFrom = [BASELINE.reference, "wasm"].find((id) => decisions.has(id)) ?? null;
  const exact = exactFrom === null ? undefined : decisions.get(exactFrom)!;
  const counted = rows.map((row) => {
    const d = decisions.get(row.id);
    return d && exact ? { ...row, wrongDecisions: wrongDecisions(d, exact) } : row;
  });
  return {
    label: size.label,
    requested: size.positions,
    accounts: columns.collateral.length,
    positions,
    markets: columns.markets.length,
    tickMarkets: TICK_MARKETS,
    exactDecisionsFrom: exactFrom === null ? null : cases.find((c) => c.id === exactFrom)!.label,
    rows: withRatios(counted),
  };
}

/** The nearest-rank percentile q (0 < q <= 1) of xs: the smallest x with at least q of them at or below it. */
export function percentile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** One benny suite with one case; the median and mean of benchmark.js's samples (seconds per call). */
async function measure(file: string, label: string, prepared: Prepared, budget: Budget, folder: string): Promise<{ medianSeconds: number; meanSeconds: number; samples: number }> {
  const summary = await b.suite(
    label,
    b.add(label, prepared.run, { minSamples: budget.minSamples, maxTime: budget.maxTime }),
    b.cycle(() => undefined), // the runner logs its own line per case
    b.complete(() => undefined),
    b.save({ file: file.replace(/[^\w.-]+/g, "-"), folder, details: true, format: "json" }),
  );
  const result = summary.results[0];
  if (!result || result.samples === 0) throw new Error(`bench: ${label} produced no samples`);
  return { medianSeconds: result.details.median, meanSeconds: result.details.mean, samples: result.samples };
}
