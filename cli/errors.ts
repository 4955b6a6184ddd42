/**
 * Errors the command line reports to the user: a message on stderr (`liqscan: <message>`), nothing
 * on stdout, and an exit code. Bad arguments and bad input (a BookError, an unreadable file) exit
 * with 2; anything else is a failure of liqscan itself and exits with 1.
 */
import { BookError } from "../book/errors.js";
import { basename, join } from "node:path";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error whose message is meant for the user as is. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Names of the files of a CSV book, as the CSV parser names them in its records. */
export const CSV_FILES = ["markets.json", "accounts.csv", "positions.csv"] as const;

/** The forms of a book directory: markets.json and two tables, each table's file ending in the form's extension. */
export const TABLE_EXTENSIONS = { csv: ".csv", arrow: ".arrow", arrows: ".arrows", parquet: ".parquet" } as const;
export type TableForm = keyof typeof TABLE_EXTENSIONS;
export const TABLE_FORMS = Object.keys(TABLE_EXTENSIONS) as TableForm[];

/** The files of a book directory of `form`: markets.json, accounts.EXT, positions.EXT. */
export function bookFiles(form: TableForm): readonly [string, string, string] {
  const ext = TABLE_EXTENSIONS[form];
  return ["markets.json", `accounts${ext}`, `positions${ext}`];
}

/** The optional balances table of a book directory of `form` (a book that lists collateral assets). */
export function balancesFile(form: TableForm): string {
  return `balances${TABLE_EXTENSIONS[form]}`;
}

/** Every file name a book directory may hold, as the parsers name them in their records. */
const DIRECTORY_FILES = ["markets.json", ...TABLE_FORMS.flatMap((f) => [...bookFiles(f).slice(1), balancesFile(f)])];

/**
 * The message of a BookError read from `source` (a JSON file, or the directory of a CSV book), so
 * that it names the file as the user typed it, then the record and the field:
 *
 * - `book.json: account "bob" position 1: field "size": "0.123456789" has more decimals than the market's 8`
 * - `book.json: invalid JSON at line 3 column 7: ...` (the parser's record is the whole book)
 * - `books/x/positions.csv line 17: field "market": "SOL-PERP" is not a market of markets.json`
 * - `books/x/markets.json: market "BTC-PERP" tier 2: field "mmr": ...`
 */
export function bookErrorMessage(err: BookError, source: string, form: "json" | TableForm): string {
  const rest = err.field === "" ? err.problem : `field "${err.field}": ${err.problem}`;
  if (form !== "json") {
    for (const file of DIRECTORY_FILES) {
      if (err.record === file || err.record.startsWith(file + " ")) {
        return `${join(source, file)}${err.record.slice(file.length)}: ${rest}`;
      }
    }
    // markets.json is parsed like the JSON form: its records are `market "BTC-PERP"`, `market 2 tier 1`
    if (err.record.startsWith("market ")) return `${join(source, "markets.json")}: ${err.record}: ${rest}`;
  }
  if (err.record === "book" || err.record === "" || err.record === basename(source)) return `${source}: ${rest}`;
  return `${source}: ${err.record}: ${rest}`;
}

/** Turns a BookError from reading `source` into a CliError; anything else is rethrown unchanged. */
export function rethrowInSource(err: unknown, source: string, form: "json" | TableForm): never {
  if (err instanceof BookError) throw new CliError(bookErrorMessage(err, source, form));
  throw err;
}
