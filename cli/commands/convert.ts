/** `liqscan convert IN OUT [--format json|csv|arrow|arrows|parquet]` */
import { bookToColumns } from "../../book/columns.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { loadBook } from "../load-book.js";
import { phase } from "../progress.js";
import { chooseFormat, writeBook } from "./generate.js";

export const convertCommand: Command = {
  name: "convert",
  summary: "write a book in another form (JSON, CSV, Arrow, Parquet)",
  help: `Usage: liqscan convert IN OUT [--format json|csv|arrow|arrows|parquet]

Reads the book IN (any form) and writes the same book to OUT: the same markets, accounts and
positions, every value exact. Reading OUT back gives IN's book, and every command gives the same
results on both.

IN and OUT are a JSON book file, or a directory holding markets.json and two tables:
accounts.csv and positions.csv (CSV), accounts.arrow and positions.arrow (Arrow IPC files),
.arrows (Arrow IPC streams) or .parquet (docs/book-format.md).

Options:
  --format FORMAT     json, csv, arrow, arrows or parquet; without it OUT tells: a .json file,
                      else a CSV directory
  -h, --help          this help

A book with collateral assets lists them in markets.json and keeps its balances in a third
table, balances.csv (.arrow, .arrows, .parquet), in every table form. A venue book's labels
(margin, leverage, side) have columns in the Arrow and Parquet forms and in JSON; the CSV form
has none, so such a book is refused as CSV rather than thinned.
OUT is written as generate writes (a temporary name, then a rename): never half written.
`,
  options: { format: { type: "string" } },
  maxPositionals: 2,
  async run({ values, positionals }) {
    const [input, output] = positionals;
    if (input === undefined || output === undefined) throw new CliError('convert: expected IN and OUT (see "liqscan convert --help")');
    const format = await chooseFormat(output, values.format as string | undefined);
    const { value: loaded, seconds } = await phase(`reading ${input}`, (progress) => loadBook(input, progress));
    const columns = "accountIds" in loaded.book ? loaded.book : bookToColumns(loaded.book);
    const { seconds: writeSeconds } = await phase(`writing ${output}`, (progress) => writeBook(columns, output, format, progress));
    process.stdout.write(
      `converted ${input} (${loaded.form}) to ${output} (${format}): ${columns.accountIds.length} accounts and ${columns.positionSize.length} positions in ${(seconds + writeSeconds).toFixed(2)} s\n`,
    );
  },
};
