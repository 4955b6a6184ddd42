/**
 * Reads a book from a path given on the command line:
 * - a `.json` file (or any file): the JSON book of docs/model.md;
 * - a directory holding `markets.json` and two tables: `accounts.csv` and `positions.csv` (the CSV
 *   form), or `.arrow` (Arrow IPC file), `.arrows` (Arrow IPC stream) or `.parquet` tables.
 * Every failure is a CliError naming the file (and the record, field, line from the parser).
 */
import { open, readFile, readdir, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { constants } from "node:buffer";
import { parseBookCsvStream, parseBookJson } from "../book/index.js";
import { arrowTableFromBytes, bookFromArrowTables } from "../book/arrow.js";
import { parquetToArrowTable, type ByteRanges } from "../book/parquet.js";
import type { Book, BookColumns } from "../book/types.js";
import { balancesFile, bookFiles, CliError, CSV_FILES, rethrowInSource, TABLE_EXTENSIONS, TABLE_FORMS, type TableForm } from "./errors.js";
import type { Progress } from "./progress.js";

export type BookForm = "json" | TableForm;

export interface LoadedBook {
  /** The path as given. */
  readonly source: string;
  readonly form: BookForm;
  readonly book: Book | BookColumns;
}

export function describeFsError(err: unknown, path: string): CliError {
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
      return new CliError(
        `${path}: the file is too large to read as one text (a JSON book is read whole, and Node holds at most ${(constants.MAX_STRING_LENGTH / 2 ** 20).toFixed(0)} MiB in one string): ` +
          `for books this big use the CSV form, a directory with markets.json, accounts.csv and positions.csv, which is read line by line (liqscan generate --format csv writes one)`,
      );
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

/** Bytes read per piece of a CSV file (a line may span pieces). */
export const CSV_CHUNK_BYTES = 1 << 20;

/**
 * The pieces of the file at `path`, as read; a failure is a CliError naming it. Two buffers of
 * `chunkBytes` are read into in turn (the next piece is read while the caller parses this one),
 * so a piece is valid until the one after the next is asked for: no fresh memory per piece (on a
 * machine where first touching memory costs as much as parsing it, that was a third of a load).
 */
async function* fileChunks(path: string, chunkBytes: number, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  let file: FileHandle;
  try {
    file = await open(path, "r");
  } catch (err) {
    throw describeFsError(err, path);
  }
  try {
    const buffers = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
    const read = (k: number) => file.read(buffers[k]!, 0, chunkBytes, null);
    let k = 0;
    let pending = read(0);
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await pending);
      } catch (err) {
        throw describeFsError(err, path);
      }
      if (bytesRead === 0) break;
      onBytes(bytesRead);
      // the other buffer's piece was handed out two steps ago: the caller is done with it
      pending = read(1 - k);
      pending.catch(() => {}); // awaited on the next step; a failure is reported there
      yield buffers[k]!.subarray(0, bytesRead);
      k = 1 - k;
    }
  } finally {
    await file.close();
  }
}

/** Checks that `path` can be opened for reading, so that a missing file is named before parsing. */
async function checkReadable(path: string): Promise<number> {
  try {
    const file = await open(path, "r");
    try {
      const s = await file.stat();
      if (s.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      return s.size;
    } finally {
      await file.close();
    }
  } catch (err) {
    throw describeFsError(err, path);
  }
}

export interface CsvReadOptions {
  /** Bytes per piece read (default CSV_CHUNK_BYTES); tests make it tiny. */
  readonly chunkBytes?: number;
  /** Follows the bytes read of accounts.csv and positions.csv together. */
  readonly progress?: Progress;
}

/** The size of the optional file at `path`, or null when there is none; any other failure is a CliError naming it. */
async function optionalFile(path: string): Promise<number | null> {
  try {
    await stat(path);
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return null;
    throw describeFsError(err, path);
  }
  return checkReadable(path);
}

/**
 * Reads the CSV book in directory `dir`: markets.json whole, accounts.csv, positions.csv and (when
 * there is one) balances.csv streaming, in pieces of `chunkBytes` (so a book is limited by memory
 * for its columns, not by the longest string). Errors name the file, line and field.
 */
export async function loadCsvBook(dir: string, options: CsvReadOptions = {}): Promise<LoadedBook> {
  const paths = CSV_FILES.map((f) => join(dir, f));
  // one after the other, so that a directory missing several files always names the first
  const markets = await readText(paths[0]!);
  const accountBytes = await checkReadable(paths[1]!);
  const positionBytes = await checkReadable(paths[2]!);
  const balancesPath = join(dir, balancesFile("csv"));
  const balanceBytes = await optionalFile(balancesPath);
  const chunkBytes = Math.max(1, options.chunkBytes ?? CSV_CHUNK_BYTES);
  const total = accountBytes + positionBytes + (balanceBytes ?? 0);
  let done = 0;
  const onBytes = (n: number): void => {
    done += n;
    options.progress?.update(done, total);
  };
  try {
    // about 25 bytes per account line and 37 per position line in generated books: a first guess
    const book = await parseBookCsvStream(markets, fileChunks(paths[1]!, chunkBytes, onBytes), fileChunks(paths[2]!, chunkBytes, onBytes), {
      accountsHint: Math.ceil(accountBytes / 24),
      positionsHint: Math.ceil(positionBytes / 36),
      ...(balanceBytes !== null ? { balances: fileChunks(balancesPath, chunkBytes, onBytes) } : {}),
    });
    return { source: dir, form: "csv", book };
  } catch (err) {
    rethrowInSource(err, dir, "csv");
  }
}

/**
 * The form of the book directory `dir`, from the tables it holds: exactly one form's
 * positions file (a directory holding two is refused: which one is the book?).
 */
export async function directoryForm(dir: string): Promise<TableForm> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw describeFsError(err, dir);
  }
  const found = TABLE_FORMS.filter((f) => names.includes(bookFiles(f)[2]) || names.includes(bookFiles(f)[1]));
  if (found.length === 1) {
    // a balances table of another form would be left unread: refused rather than dropped
    const stray = TABLE_FORMS.filter((f) => f !== found[0] && names.includes(balancesFile(f)));
    if (stray.length > 0) {
      throw new CliError(`${join(dir, balancesFile(stray[0]!))}: a balances table of another form than the book's tables (${bookFiles(found[0]!).slice(1).join(", ")}): keep one form per book directory (the book's is ${balancesFile(found[0]!)})`);
    }
    return found[0]!;
  }
  if (found.length === 0) {
    // the CSV form's messages (markets.json or accounts.csv missing) still apply
    return "csv";
  }
  throw new CliError(`${dir}: holds the tables of ${found.length} forms (${found.map((f) => `positions${TABLE_EXTENSIONS[f]}`).join(", ")}): keep one form per book directory`);
}

/** The file `handle` (of `size` bytes) as ByteRanges: each range read with one read into a buffer of its size. */
function fileRanges(handle: FileHandle, size: number, path: string): ByteRanges {
  return {
    size,
    slice: (start, end) => ({
      arrayBuffer: async () => {
        const s = Math.max(0, start), e = Math.min(size, end);
        const buf = new Uint8Array(Math.max(0, e - s));
        for (let o = 0; o < buf.length; ) {
          let bytesRead: number;
          try {
            ({ bytesRead } = await handle.read(buf, o, buf.length - o, s + o));
          } catch (err) {
            throw describeFsError(err, path);
          }
          if (bytesRead === 0) throw new CliError(`${path}: the file got shorter while it was read`);
          o += bytesRead;
        }
        return buf.buffer;
      },
    }),
  };
}

/**
 * Reads the Arrow or Parquet book in directory `dir`: markets.json, and the accounts, positions and
 * (when there is one) balances tables. An Arrow file is read whole (its int64 columns are the core's
 * columns after one copy); a Parquet file is read a row group at a time from disk.
 */
export async function loadTableBook(dir: string, form: "arrow" | "arrows" | "parquet", progress?: Progress): Promise<LoadedBook> {
  const [m, a, p] = bookFiles(form);
  const b = balancesFile(form);
  const paths = [m, a, p, b].map((f) => join(dir, f));
  const markets = await readText(paths[0]!);
  const sizes = [await checkReadable(paths[1]!), await checkReadable(paths[2]!)];
  const balanceBytes = await optionalFile(paths[3]!);
  if (balanceBytes !== null) sizes.push(balanceBytes);
  const total = sizes.reduce((x, y) => x + y, 0);
  try {
    const tables = [];
    let done = 0;
    for (let k = 1; k <= sizes.length; k++) {
      const path = paths[k]!;
      const file = [a, p, b][k - 1]!;
      if (form === "parquet") {
        let handle: FileHandle;
        try {
          handle = await open(path, "r");
        } catch (err) {
          throw describeFsError(err, path);
        }
        try {
          tables.push(await parquetToArrowTable(fileRanges(handle, sizes[k - 1]!, path), file));
        } finally {
          await handle.close();
        }
      } else {
        let bytes: Uint8Array;
        try {
          bytes = await readFile(path);
        } catch (err) {
          throw describeFsError(err, path);
        }
        tables.push(arrowTableFromBytes(bytes, file));
      }
      done += sizes[k - 1]!;
      progress?.update(done, total);
    }
    return { source: dir, form, book: bookFromArrowTables(markets, tables[0]!, tables[1]!, { accounts: a, positions: p, balances: b }, tables[2]) };
  } catch (err) {
    rethrowInSource(err, dir, form);
  }
}

/** Reads and parses the book at `path`. `progress` follows the reading of a CSV book. */
export async function loadBook(path: string, progress?: Progress): Promise<LoadedBook> {
  if (path === "") throw new CliError("the book path is empty");
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw describeFsError(err, path);
  }
  if (isDirectory) {
    const form = await directoryForm(path);
    return form === "csv" ? loadCsvBook(path, { progress }) : loadTableBook(path, form, progress);
  }
  if (/\.csv$/i.test(path)) {
    throw new CliError(`${path}: a CSV book is a directory holding markets.json, accounts.csv and positions.csv: give the directory`);
  }
  const table = /\.(arrow|arrows|parquet)$/i.exec(path);
  if (table) {
    const ext = table[1]!.toLowerCase();
    throw new CliError(`${path}: an ${ext === "parquet" ? "Parquet" : "Arrow"} book is a directory holding markets.json, accounts.${ext} and positions.${ext}: give the directory`);
  }
  const text = await readText(path);
  try {
    return { source: path, form: "json", book: parseBookJson(text) };
  } catch (err) {
    rethrowInSource(err, path, "json");
  }
}
