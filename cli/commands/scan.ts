/** `liqscan scan BOOK [--all] [--json] [--engine wasm|reference]` */
import { runIfLending } from "./aave.js";
import { parseEngine } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { openBook } from "../open-book.js";
import { Output } from "../output.js";
import { phase } from "../progress.js";
import { totalsLines, writeAccountTable, writeScanJson } from "../reports.js";
import { resultFormat, writeResults, type Cell, type ResultColumn } from "../result-files.js";
import { marginRatioPpm, type ScanResult } from "../../bindings/results.js";
import { QUOTE_DECIMALS, type Book, type BookColumns } from "../../book/types.js";

const money = (name: string): ResultColumn => ({ name, kind: "decimal", scale: QUOTE_DECIMALS });

/** The columns of a scan's result file: those of --json, initialMargin and freeCollateral where the book gives them. */
export function scanColumns(margins: boolean): ResultColumn[] {
  return [
    { name: "account", kind: "string" }, { name: "status", kind: "string" }, money("equity"), money("maintenance"), { name: "marginRatio", kind: "decimal", scale: 6 },
    ...(margins ? [money("initialMargin"), money("freeCollateral")] : []),
    money("penalty"), money("liquidatorReward"), money("insuranceFund"), money("badDebt"), money("returned"),
  ];
}

/** Whether some account of the book has an initial margin: a generic tier's imr, or a venue position's leverage. */
function givesInitialMargins(book: Book | BookColumns): boolean {
  if (book.markets.some((m) => m.tiers.some((t) => t.imrPpm !== undefined))) return true;
  if ("accountIds" in book) return book.positionLeverage?.some((x) => x !== 0) ?? false;
  return book.accounts.some((a) => a.positions.some((p) => p.leverage !== undefined));
}

/** One row of the result file per account of `indices`: exact amounts, null where --json has null or no field. */
export function* scanRows(result: ScanResult, indices: Iterable<number>, margins: boolean): Generator<Cell[]> {
  for (const a of indices) {
    const r = result.account(a);
    const m = margins ? result.margins(a) : null;
    const c = r.closeOut;
    yield [
      result.accountId(a), r.status, r.equity, r.maintenance, r.equity === null || r.maintenance === null ? null : marginRatioPpm(r.equity, r.maintenance),
      ...(m ? [m.initialMargin, m.freeCollateral] : []),
      c?.penalty ?? null, c?.liquidatorReward ?? null, c?.insuranceFund ?? null, c?.badDebt ?? null, c?.returned ?? null,
    ];
  }
}

export const scanCommand: Command = {
  name: "scan",
  summary: "the liquidatable accounts of a book and the totals",
  help: `Usage: liqscan scan BOOK [--all] [--json | --format csv|arrow|arrows|parquet [--out FILE]]
                 [--engine wasm|reference]

Scans every account of BOOK at the markets' mark prices and prints the liquidatable accounts
(every account with --all) and the totals over the book.

BOOK is a JSON book file, or a directory holding markets.json and the accounts and positions
tables (.csv, .arrow, .arrows or .parquet). An aave-v3 lending book (liqscan import aave) lists
its liquidatable users with their health factor and best pair (docs/venues/aave-v3.md); --all and
--json apply.

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
  --format FORMAT     the accounts (the liquidatable ones; every account with --all) as a
                      table for a data pipeline: csv, arrow (Arrow IPC file), arrows (Arrow
                      IPC stream) or parquet, one row per account with
                      the columns of --json (account, status, equity, maintenance,
                      marginRatio, [initialMargin, freeCollateral,] penalty, liquidatorReward,
                      insuranceFund, badDebt, returned); amounts are exact decimals
                      (decimal128(38, 6) in Arrow and Parquet), null where --json has null or
                      no field; the totals table is printed on stdout
  --out FILE          where to write it (required but for csv, which goes to stdout without
                      it); the format follows from FILE's extension when --format is absent
  --engine NAME       wasm (default) or reference (the pure-TypeScript oracle)
  -h, --help          this help
`,
  options: {
    all: { type: "boolean" },
    format: { type: "string" },
    out: { type: "string", short: "o" },
    json: { type: "boolean" },
    engine: { type: "string" },
  },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const path = positionals[0];
    if (path === undefined) throw new CliError('scan: missing BOOK (a JSON book file or a CSV book directory; see "liqscan scan --help")');
    if (await runIfLending("scan", path, values)) return;
    const engine = parseEngine(values.engine);
    const { live, loaded } = await openBook(path, engine);
    const { value: result } = await phase("scanning", () => live.scan());
    const indices = values.all ? Array.from({ length: result.accountCount }, (_, a) => a) : result.liquidatable();
    const file = resultFormat(values.format, values.out, "scan");
    if (file && values.json) throw new CliError("scan: give --json or --format, not both");
    const out = new Output();
    if (file) {
      const margins = givesInitialMargins(loaded.book);
      await phase(`writing ${file.out ?? "stdout"}`, (progress) => writeResults(file.format, file.out, scanColumns(margins), scanRows(result, indices, margins), indices.length, progress));
      if (file.out !== null) for (const l of totalsLines(result.totalsReport(), result.accountCount)) out.line(l);
    } else if (values.json) {
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
