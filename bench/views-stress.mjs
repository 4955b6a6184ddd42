// Times the risk views on a generated book of about 1M positions (run `npm run build` first):
//   node bench/views-stress.mjs [--engine wasm|reference] [--accounts N] [--runs R]
// Prints the median of R runs of the default stress grid (101 shocks, every market), one scan for
// comparison, the BTC-PERP liquidation map and a -10 % cascade. A measurement, not a test.
import { parseArgs } from "node:util";
import { createEngine, generateBook, stress, liquidationMap, cascade } from "../dist/bindings/index.js";

const { values } = parseArgs({ options: { engine: { type: "string", default: "wasm" }, accounts: { type: "string", default: "526000" }, runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function time(label, runs, fn) {
  const ms = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    ms.push(performance.now() - t);
  }
  console.log(`${label.padEnd(44)} median ${median(ms).toFixed(1).padStart(8)} ms  (runs: ${ms.map((x) => x.toFixed(0)).join(", ")})`);
  return result;
}

const columns = generateBook({ accounts: Number(values.accounts), seed: 1 });
const book = await (await createEngine(values.engine)).load(columns);
console.log(`${values.engine} engine, ${book.accountCount} accounts, ${book.positionCount} positions, node ${process.version}`);
time("one scan", runs, () => book.scan());
const rows = time("stress: 101 shocks, every market", runs, () => stress(book));
console.log(`  liquidatable at -50 % / 0 / +50 %: ${rows[0].liquidatable} / ${rows[50].liquidatable} / ${rows[100].liquidatable}`);
time("liquidation map: BTC-PERP, 20 buckets", Math.min(runs, 3), () => liquidationMap(book, { market: "BTC-PERP" }));
const c = time("cascade: -10 %, every market, 20 rounds max", Math.min(runs, 3), () => cascade(book, { shockPpm: -100_000n }));
console.log(`  ${c.rounds.length} rounds, ${c.liquidated} accounts, stop: ${c.stop}`);
