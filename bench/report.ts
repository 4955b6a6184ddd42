/**
 * The benchmark report: its data (saved as JSON), the ratios between rows, and the markdown
 * tables (saved next to it and shown in the README).
 */
import { BASELINE, type CaseKind } from "./cases.js";
import type { Machine } from "./machine.js";
import type { TargetResult } from "./targets.js";

export interface CaseRow {
  readonly id: string;
  readonly label: string;
  readonly kind: CaseKind;
  /** Why the case did not run at this size. */
  readonly skipped?: string;
  readonly medianSeconds?: number;
  /** The mean of the samples (seconds per call): an amortized cost, the occasional slow call (a compaction) included. */
  readonly meanSeconds?: number;
  readonly positionsPerSecond?: number;
  readonly samples?: number;
  /** Speed relative to a baseline scan: baseline median / this median (2 = twice as fast). */
  readonly vsReference?: number;
  readonly vsFloat?: number;
  readonly vsBandwidth?: number;
  /** Accounts whose liquidatable-or-not decision differs from the exact one. */
  readonly wrongDecisions?: number;
  readonly bytesPerPosition?: number;
  /** A latency case's 99th percentile over its operations timed one by one (timedOperations of them, warm-up included). */
  readonly p99Seconds?: number;
  readonly timedOperations?: number;
}

export interface SizeReport {
  /** As asked for: "1M". */
  readonly label: string;
  /** Positions asked for (the generated book has about this many). */
  readonly requested: number;
  readonly accounts: number;
  readonly positions: number;
  readonly markets: number;
  readonly tickMarkets: number;
  /** Which scan's decisions the wrong-decision counts compare with. */
  readonly exactDecisionsFrom: string | null;
  readonly rows: readonly CaseRow[];
}

export interface BenchReport {
  readonly date: string;
  /** The command that reproduces the run. */
  readonly command: string;
  readonly machine: Machine;
  readonly sizes: readonly SizeReport[];
  readonly targets: readonly TargetResult[];
}

/** Fill the ratio columns of the scan rows from the baselines' medians at the same size. */
export function withRatios(rows: readonly CaseRow[]): CaseRow[] {
  const median = (id: string) => rows.find((r) => r.id === id)?.medianSeconds;
  const ratio = (id: string, row: CaseRow) => {
    const base = median(id);
    return base !== undefined && row.medianSeconds ? base / row.medianSeconds : undefined;
  };
  return rows.map((row) => row.kind !== "scan" || row.medianSeconds === undefined ? row : {
    ...row,
    vsReference: ratio(BASELINE.reference, row),
    vsFloat: ratio(BASELINE.float, row),
    vsBandwidth: ratio(BASELINE.bandwidth, row),
  });
}

// ---- formatting ------------------------------------------------------------------------------

/** 3 significant digits, then a unit: 1.23 s, 45.6 ms, 789 µs, 12.0 ns. */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [[1, "s"], [1e-3, "ms"], [1e-6, "µs"], [1e-9, "ns"]];
  const [scale, unit] = units.find(([s]) => seconds >= s) ?? units[units.length - 1]!;
  return `${significant(seconds / scale)} ${unit}`;
}

/** 152 M, 1.52 G, 87.3 k (per second). */
export function formatRate(perSecond: number): string {
  const units: [number, string][] = [[1e9, " G"], [1e6, " M"], [1e3, " k"], [1, ""]];
  const [scale, unit] = units.find(([s]) => perSecond >= s) ?? units[units.length - 1]!;
  return `${significant(perSecond / scale)}${unit}`;
}

/** 30.5×, 1.02×, 0.251×. */
export function formatRatio(ratio: number): string {
  return `${significant(ratio)}×`;
}

function significant(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

const grouped = (n: number) => n.toLocaleString("en-US");
const optional = <T>(value: T | undefined, format: (v: T) => string) => (value === undefined ? "" : format(value));

const COLUMNS = ["case", "median", "positions/s", "vs reference", "vs float", "vs bandwidth", "wrong decisions", "bytes/position", "samples"];

export function rowCells(row: CaseRow): string[] {
  if (row.skipped !== undefined) return [row.label, `skipped: ${row.skipped}`, "", "", "", "", "", "", ""];
  return [
    row.label,
    optional(row.medianSeconds, formatDuration) + (row.p99Seconds === undefined ? "" : ` (p99 ${formatDuration(row.p99Seconds)} of ${row.timedOperations})`),
    optional(row.positionsPerSecond, formatRate),
    optional(row.vsReference, formatRatio),
    optional(row.vsFloat, formatRatio),
    optional(row.vsBandwidth, formatRatio),
    optional(row.wrongDecisions, grouped),
    optional(row.bytesPerPosition, (b) => b.toFixed(1)),
    optional(row.samples, String),
  ];
}

/** A markdown table (also readable as plain text in a log). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: (column: number) => boolean): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const rule = header.map((_, i) => (rightAligned(i) ? "--:" : "---"));
  return [line(header), line(rule), ...rows.map(line)].join("\n");
}

export function sizeTable(size: SizeReport): string {
  return markdownTable(COLUMNS, size.rows.map(rowCells), (i) => i > 0);
}

export function sizeHeading(size: SizeReport): string {
  return `### ${size.label} positions\n\n${grouped(size.positions)} positions in ${grouped(size.accounts)} accounts over ${size.markets} markets ` +
    `(the tick rescan: the same size over ${size.tickMarkets} markets). Wrong decisions: accounts whose ` +
    `liquidatable-or-not decision differs from the ${size.exactDecisionsFrom ?? "exact scan (none ran)"}.`;
}

export function machineLine(report: BenchReport): string {
  const m = report.machine;
  return `\`${report.command}\` on ${report.date.slice(0, 16).replace("T", " ")} UTC: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ` +
    `${m.os}, Node ${m.node}; load average ${m.loadAverage} at the start. One thread; medians.`;
}

export function targetsTable(targets: readonly TargetResult[]): string {
  return markdownTable(["target (issues 3, 4 and 10)", "measured", "met"], targets.map((t) => [t.text, t.measured, t.met ? "yes" : "**no**"]), (i) => i > 0);
}

export function toMarkdown(report: BenchReport): string {
  const parts = [
    "## Benchmarks",
    machineLine(report),
    ...report.sizes.flatMap((s) => [sizeHeading(s), sizeTable(s)]),
  ];
  if (report.targets.length > 0) parts.push("### Targets", targetsTable(report.targets));
  return parts.join("\n\n") + "\n";
}

/** JSON with numbers as numbers (no bigint in a report). */
export function toJson(report: BenchReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
