/**
 * Reads a book from a path given on the command line:
 * - a `.json` file (or any file): the JSON book of docs/model.md;
 * - a directory holding `markets.json`, `accounts.csv` and `positions.csv`: the CSV form.
 * Every failure is a CliError naming the file (and the record, field, line from the parser).
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseBookCsv, parseBookJson } from "../book/index.js";
import type { Book, BookColumns } from "../book/types.js";
import { CliError, CSV_FILES, rethrowInSource } from "./errors.js";
import type { Progress } from "./progress.js";

export type BookForm = "json" | "csv";

export interface LoadedBook {
  /** The path as given. */
  readonly source: string;
  readonly form: BookForm;
  readonly book: Book | BookColumns;
}

function describeFsError(err: unknown, path: string): CliError {
  const code = (err as { code?: string }).code;
  switch (code) {
    case "ENOENT":
      return new CliError(`${path}: no such file or directory`);
    case "EACCES":
    case "EPERM":
      return new CliError(`${path}: permission denied`);
    case "EISDIR":
      return new CliError(`${path}: is a directory`);
    case "ENOTDIR":
      return new CliError(`${path}: a part of the path is not a directory`);
    case "ERR_STRING_TOO_LONG":
    case "ERR_FS_FILE_TOO_LARGE":
      return new CliError(`${path}: the file is too large to read as one text; for books this big use the CSV form (a directory with markets.json, accounts.csv, positions.csv)`);
    default:
      return new CliError(`${path}: cannot read: ${(err as Error).message ?? String(err)}`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of a file, which must be UTF-8. */
export async function readText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw describeFsError(err, path);
  }
  try {
    return utf8.decode(bytes);
  } catch (err) {
    if (err instanceof TypeError) throw new CliError(`${path}: is not UTF-8 text`);
    throw describeFsError(err, path);
  }
}

/** Reads and parses the book at `path`. `progress` follows the CSV parser, when it reports any. */
export async function loadBook(path: string, progress?: Progress): Promise<LoadedBook> {
  if (path === "") throw new CliError("the book path is empty");
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw describeFsError(err, path);
  }
  if (isDirectory) {
    // one after the other, so that a directory missing several files always names the first
    const markets = await readText(join(path, CSV_FILES[0]));
    const accounts = await readText(join(path, CSV_FILES[1]));
    const positions = await readText(join(path, CSV_FILES[2]));
    try {
      const book = parseBookCsv(markets, accounts, positions, progress ? (done: number, total?: number) => progress.update(done, total) : undefined);
      return { source: path, form: "csv", book };
    } catch (err) {
      rethrowInSource(err, path, "csv");
    }
  }
  if (/\.csv$/i.test(path)) {
    throw new CliError(`${path}: a CSV book is a directory holding markets.json, accounts.csv and positions.csv: give the directory`);
  }
  const text = await readText(path);
  try {
    return { source: path, form: "json", book: parseBookJson(text) };
  } catch (err) {
    rethrowInSource(err, path, "json");
  }
}
