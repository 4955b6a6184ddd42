/**
 * `node dist/bench/main.js [--sizes 10k,100k,1M] [--only id,...] [--ci] [--out DIR]`
 *
 * npm run bench       10k, 100k and 1M positions; writes bench/results/latest.{json,md}
 * npm run bench:full  the same plus 10M
 * npm run bench:ci    100k positions, short sampling, under 2 minutes; writes build/bench/ and
 *                     exits 1 unless the wasm scan is at least 10x the reference in that run
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createEngine } from "../bindings/index.js";
import { parseSize, type BookSize } from "./books.js";
import { CASES, type BenchCase } from "./cases.js";
import { describeMachine } from "./machine.js";
import { toJson, toMarkdown, type BenchReport, type SizeReport } from "./report.js";
import { runSize, type Budget } from "./runner.js";
import { ciGate, evaluateTargets } from "./targets.js";

const CI_MIN_RATIO = 10;

/**
 * Sampling. Standard: at least 5 samples and 2 s per case (the reference and bn.js scans of 1M
 * positions take seconds per call, so they get their 5 samples and stop); at 5M positions and
 * more the slow cases take 2 samples. CI: at least 5 samples and 0.5 s per case at 100k.
 */
function budgetFor(ci: boolean) {
  return (c: BenchCase, size: BookSize): Budget => {
    if (ci) return { minSamples: 5, maxTime: 0.5 };
    if (c.slow && size.positions >= 5_000_000) return { minSamples: 2, maxTime: 0 };
    return { minSamples: 5, maxTime: 2 };
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string" },
      only: { type: "string" },
      ci: { type: "boolean", default: false },
      out: { type: "string" },
    },
  });
  const ci = values.ci!;
  const sizes = (values.sizes ?? (ci ? "100k" : "10k,100k,1M")).split(",").map(parseSize);
  const only = values.only?.split(",");
  const unknown = only?.filter((id) => !CASES.some((c) => c.id === id));
  if (unknown?.length) throw new Error(`bench: unknown case ${unknown.join(", ")}; cases: ${CASES.map((c) => c.id).join(", ")}`);
  const cases = only ? CASES.filter((c) => only.includes(c.id)) : CASES;
  const out = values.out ?? (ci ? "build/bench" : "bench/results");
  const event = process.env.npm_lifecycle_event;
  const command = event?.startsWith("bench") ? `npm run ${event}` : `node dist/bench/main.js ${process.argv.slice(2).join(" ")}`.trim();

  const machine = describeMachine();
  const date = new Date().toISOString();
  const engines = { wasm: await createEngine("wasm"), reference: await createEngine("reference") };
  const log = (line: string) => console.error(line);
  const reports: SizeReport[] = [];
  for (const size of sizes) {
    reports.push(await runSize(size, cases, { engines, budget: budgetFor(ci), rawFolder: "build/bench/raw", log }));
  }
  const report: BenchReport = { date, command, machine, sizes: reports, targets: evaluateTargets(reports) };

  mkdirSync(out, { recursive: true });
  const markdown = toMarkdown(report);
  writeFileSync(join(out, "latest.json"), toJson(report));
  writeFileSync(join(out, "latest.md"), markdown);
  console.log(markdown);
  console.log(`saved ${join(out, "latest.json")} and ${join(out, "latest.md")}`);

  if (!ci) return 0;
  const gate = ciGate(reports[0]!, CI_MIN_RATIO);
  console.log(gate.message);
  return gate.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(2);
  },
);
