/** `liqscan scan BOOK [--all] [--json] [--engine wasm|reference]` */
import { parseEngine } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { openBook } from "../open-book.js";
import { Output } from "../output.js";
import { phase } from "../progress.js";
import { totalsLines, writeAccountTable, writeScanJson } from "../reports.js";

export const scanCommand: Command = {
  name: "scan",
  summary: "the liquidatable accounts of a book and the totals",
  help: `Usage: liqscan scan BOOK [--all] [--json] [--engine wasm|reference]

Scans every account of BOOK at the markets' mark prices and prints the liquidatable accounts
(every account with --all) and the totals over the book.

BOOK is a JSON book file, or a directory holding markets.json, accounts.csv and positions.csv.

Options:
  --all               every account, not only the liquidatable ones
  --json              one JSON object instead of a table:
                      {"accounts":[{"id","status","equity","maintenance","marginRatio",
                        "penalty","liquidatorReward","insuranceFund","badDebt","returned"}],
                       "totals":{"liquidatable","overflow","penalty","liquidatorReward",
                        "insuranceFund","badDebt","notional"}}
                      amounts are decimal strings in quote units (6 decimals); marginRatio is
                      maintenance/equity (6 decimals) or null when equity <= 0; the close-out
                      fields are present only for liquidatable accounts; an overflow account
                      has null equity, maintenance and marginRatio; totals.notional
                      is the notional that closing the liquidatable accounts trades
  --engine NAME       wasm (default) or reference (the pure-TypeScript oracle)
  -h, --help          this help
`,
  options: {
    all: { type: "boolean" },
    json: { type: "boolean" },
    engine: { type: "string" },
  },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const path = positionals[0];
    if (path === undefined) throw new CliError('scan: missing BOOK (a JSON book file or a CSV book directory; see "liqscan scan --help")');
    const engine = parseEngine(values.engine);
    const { live } = await openBook(path, engine);
    const { value: result } = await phase("scanning", () => live.scan());
    const indices = values.all ? Array.from({ length: result.accountCount }, (_, a) => a) : result.liquidatable();
    const out = new Output();
    if (values.json) {
      await writeScanJson(out, result, indices);
    } else {
      if (indices.length > 0) await writeAccountTable(out, result, indices);
      else out.line(values.all ? "the book has no accounts" : "no liquidatable accounts");
      out.line();
      for (const l of totalsLines(result.totalsReport(), result.accountCount)) out.line(l);
    }
    await out.flush();
    live.dispose();
  },
};
