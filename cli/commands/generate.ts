/** `liqscan generate --accounts N --out PATH [--seed S] [--format json|csv|arrow|arrows|parquet]` */
import { stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { generateBook, writeBookCsvChunks, writeBookJson } from "../../book/index.js";
import type { BookColumns } from "../../book/types.js";
import { parseCount } from "../args.js";
import type { Command } from "../command.js";
import { nodeFs, writeError, writeFileAtomically, writeFilesAtomically, type WriteFs } from "../atomic-write.js";
import { arrowIpcChunks, bookToArrowTables } from "../../book/arrow.js";
import { arrowToParquet } from "../../book/parquet.js";
import { balancesFile, bookFiles, CliError, TABLE_FORMS, type TableForm } from "../errors.js";
import { checkBookFits } from "../memory.js";
import { phase, type Progress } from "../progress.js";

export type BookFormat = "json" | TableForm;
export const BOOK_FORMATS: readonly BookFormat[] = ["json", ...TABLE_FORMS];

const MAX_ACCOUNTS = 500_000_000;

async function existing(path: string): Promise<"file" | "directory" | null> {
  try {
    return (await stat(path)).isDirectory() ? "directory" : "file";
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return null;
    throw writeError(err, path);
  }
}

/**
 * The format to write: `--format` when given; else `.json` -> json; an existing directory, a path
 * ending in "/" or a name without extension -> csv (a directory); anything else is an error.
 */
export async function chooseFormat(path: string, format: string | undefined): Promise<BookFormat> {
  const kind = await existing(path);
  if (format !== undefined) {
    if (!(BOOK_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format: ${JSON.stringify(format)} is not a format (use ${BOOK_FORMATS.map((f) => JSON.stringify(f)).join(", ")})`);
    if (format === "json" && kind === "directory") throw new CliError(`${path}: is a directory (a JSON book is one file)`);
    if (format !== "json" && kind === "file") throw new CliError(`${path}: is a file (a ${format === "csv" ? "CSV" : format === "parquet" ? "Parquet" : "Arrow"} book is a directory holding ${bookFiles(format as TableForm).join(", ")})`);
    return format as BookFormat;
  }
  if (kind === "directory" || /[\\/]$/.test(path)) return "csv";
  const ext = extname(path).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === "" && kind === null && basename(path) !== "") return "csv";
  throw new CliError(`${path}: cannot tell the format from the name: use a .json file, a directory (CSV), or --format ${BOOK_FORMATS.join("|")}`);
}

const ROWS_PER_CHUNK = 1 << 16;

/**
 * Writes `columns` to `path` in `format` (creating the directory of a CSV book), through `fs`.
 * Nothing is ever half written under a real name (see atomic-write.ts): on failure an older book
 * at `path` is left intact and no temporary file remains.
 */
export async function writeBook(columns: BookColumns, path: string, format: BookFormat, progress?: Progress, fs: WriteFs = nodeFs): Promise<void> {
  if (format === "json") {
    let text: string;
    try {
      text = writeBookJson(columns);
    } catch (err) {
      if (err instanceof RangeError && /string length/i.test(err.message)) {
        throw new CliError(`${path}: the book is too big for one JSON text; write it as CSV (a directory, or --format csv)`);
      }
      throw err;
    }
    await writeFileAtomically(path, [text], fs);
    return;
  }
  try {
    await fs.mkdir(path);
  } catch (err) {
    throw writeError(err, path);
  }
  if (format !== "csv") {
    const [m, a, p] = bookFiles(format);
    const tables = bookToArrowTables(columns, { batchRows: 1 << 20 });
    const encode = (t: typeof tables.accounts) => (format === "parquet" ? arrowToParquet(t) : arrowIpcChunks(t.batches, format === "arrow" ? "file" : "stream"));
    const total = tables.accounts.batches.length + tables.positions.batches.length + (tables.balances?.batches.length ?? 0);
    let done = 0;
    const step = (): void => progress?.update(Math.min(++done, total), total);
    const balances = join(path, balancesFile(format));
    await writeFilesAtomically(
      [
        { path: join(path, a), chunks: encode(tables.accounts), onChunk: step },
        { path: join(path, p), chunks: encode(tables.positions), onChunk: step },
        ...(tables.balances ? [{ path: balances, chunks: encode(tables.balances), onChunk: step }] : []),
        { path: join(path, m), chunks: [tables.markets] },
      ],
      fs,
      // an older book's balances table, which this book (without assets) does not have
      tables.balances ? [] : [balances],
    );
    return;
  }
  const csv = writeBookCsvChunks(columns, ROWS_PER_CHUNK);
  const nb = columns.balanceStart?.[columns.accountIds.length] ?? 0;
  const total = Math.ceil(columns.accountIds.length / ROWS_PER_CHUNK) + Math.ceil(columns.positionSize.length / ROWS_PER_CHUNK) + (csv.balances ? Math.max(1, Math.ceil(nb / ROWS_PER_CHUNK)) : 0);
  let done = 0;
  const step = (): void => progress?.update(Math.min(++done, total), total);
  const balances = join(path, balancesFile("csv"));
  // markets.json last: a directory is a book (for scan) only once it is there
  await writeFilesAtomically(
    [
      { path: join(path, "accounts.csv"), chunks: csv.accounts, onChunk: step },
      { path: join(path, "positions.csv"), chunks: csv.positions, onChunk: step },
      ...(csv.balances ? [{ path: balances, chunks: csv.balances, onChunk: step }] : []),
      { path: join(path, "markets.json"), chunks: [csv.markets] },
    ],
    fs,
    csv.balances ? [] : [balances],
  );
}

export const generateCommand: Command = {
  name: "generate",
  summary: "write a synthetic book (JSON file or CSV directory)",
  help: `Usage: liqscan generate --accounts N --out PATH [--seed S] [--format json|csv|arrow|arrows|parquet]

Writes a realistic synthetic book of N accounts over 8 markets, the same for the same seed.

Options:
  --accounts N        number of accounts (0 to ${MAX_ACCOUNTS}, as memory allows: a count that
                      cannot fit is refused up front, saying what it needs)
  --out PATH          where to write: a .json file (the JSON form), or a directory that
                      receives markets.json, accounts.csv and positions.csv (the CSV form,
                      for big books); the directory is created when missing
  --seed S            seed of the generator, a whole number (default 1)
  --format FORMAT     json, csv, arrow (Arrow IPC files), arrows (Arrow IPC streams) or
                      parquet: the last three write a directory like csv, with
                      accounts.EXT and positions.EXT (docs/book-format.md); without
                      --format, PATH tells: a .json file, else a CSV directory
  -h, --help          this help

Existing files are replaced, but never by a half-written book: each file is written under a
temporary name in the same directory and renamed at the end; on failure (a full disk) the
temporary files are removed and an older book at PATH is left intact. A directory's files
are renamed one after the other, markets.json last.
`,
  options: {
    accounts: { type: "string" },
    out: { type: "string", short: "o" },
    seed: { type: "string" },
    format: { type: "string" },
  },
  maxPositionals: 0,
  async run({ values }) {
    const accounts = parseCount(values.accounts, "accounts", 0, MAX_ACCOUNTS);
    if (accounts === undefined) throw new CliError('generate: missing --accounts N (see "liqscan generate --help")');
    const out = values.out;
    if (typeof out !== "string" || out === "") throw new CliError('generate: missing --out PATH (see "liqscan generate --help")');
    const seed = parseCount(values.seed, "seed", 0, Number.MAX_SAFE_INTEGER) ?? 1;
    const format = await chooseFormat(out, values.format as string | undefined);
    checkBookFits("generate", accounts, { kind: "generate", format });
    const { value: columns, seconds } = await phase("generating", (progress) =>
      generateBook({ accounts, seed, onProgress: (done, total) => progress.update(done, total) }),
    );
    const { seconds: writeSeconds } = await phase(`writing ${out}`, (progress) => writeBook(columns, out, format, progress));
    process.stdout.write(
      `wrote ${columns.accountIds.length} accounts and ${columns.positionSize.length} positions over ${columns.markets.length} markets (seed ${seed}) to ${out} (${format}) ` +
        `in ${(seconds + writeSeconds).toFixed(2)} s\n`,
    );
  },
};
