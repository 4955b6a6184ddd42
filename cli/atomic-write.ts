/**
 * Writing files so that a file is never half written under its real name: every command that
 * writes goes through here. The text goes to a temporary name in the same directory
 * (`.NAME.liqscan-tmp-PID-N`), which is renamed to the real name only once everything is written
 * and closed; on any failure the temporary file is removed and whatever was under the real name
 * before (an older book, or nothing) is left as it was.
 *
 * A CSV book (a directory of three files, four with balances) is written the same way, file by file: all go to
 * temporary names first and are renamed at the end, markets.json last. Each file is then always
 * complete; only a crash between the renames (not an error, which removes the temporaries)
 * can leave a directory mixing new and old files.
 *
 * The file system is a parameter (`WriteFs`), so that tests can make a write fail midway.
 */
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CliError } from "./errors.js";

/** An open file being written. */
export interface WriteHandle {
  write(chunk: string | Uint8Array): Promise<unknown>;
  close(): Promise<void>;
}

/** The operations the writers use; `nodeFs` is the real one. */
export interface WriteFs {
  /** Creates (or truncates) the file at `path` for writing. */
  create(path: string): Promise<WriteHandle>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file, ignoring one that does not exist. */
  remove(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
}

export const nodeFs: WriteFs = {
  async create(path) {
    const file = await open(path, "w");
    // writeFile writes the whole piece from the current position (write may write a part of a buffer)
    return { write: (chunk: string | Uint8Array) => (typeof chunk === "string" ? file.write(chunk) : file.writeFile(chunk)), close: () => file.close() };
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  mkdir: async (path) => {
    await mkdir(path, { recursive: true });
  },
};

/** The message of a failed write of `path`. */
export function writeError(err: unknown, path: string): CliError {
  if (err instanceof CliError) return err;
  const code = (err as { code?: string }).code;
  if (code === "EACCES" || code === "EPERM") return new CliError(`${path}: permission denied`);
  if (code === "ENOENT") return new CliError(`${path}: the directory it goes into does not exist`);
  if (code === "ENOTDIR") return new CliError(`${path}: a part of the path is not a directory`);
  if (code === "EISDIR") return new CliError(`${path}: is a directory`);
  if (code === "ENOSPC") return new CliError(`${path}: no space left on the device (nothing was written under this name)`);
  if (code === "EDQUOT") return new CliError(`${path}: disk quota exceeded (nothing was written under this name)`);
  return new CliError(`${path}: cannot write: ${(err as Error).message ?? String(err)}`);
}

/** A file's content in pieces: texts or bytes, produced as they are written. */
export type Chunks = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

let counter = 0;

/** A temporary name next to `path`, in the same directory (so that renaming it is atomic). */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.liqscan-tmp-${process.pid}-${++counter}`);
}

/** Writes `chunks` to the file `temp` (not yet under its real name); removes it on failure. */
async function writeTemporary(fs: WriteFs, temp: string, real: string, chunks: Chunks, onChunk?: () => void): Promise<void> {
  let file: WriteHandle;
  try {
    file = await fs.create(temp);
  } catch (err) {
    throw writeError(err, real);
  }
  let failure: unknown;
  try {
    for await (const chunk of chunks) {
      await file.write(chunk);
      onChunk?.();
    }
  } catch (err) {
    failure = err;
  }
  try {
    await file.close();
  } catch (err) {
    failure ??= err;
  }
  if (failure !== undefined) {
    await fs.remove(temp).catch(() => {});
    throw writeError(failure, real);
  }
}

/** One file to write: its real path and its text in pieces. */
export interface FileToWrite {
  readonly path: string;
  readonly chunks: Chunks;
  /** Called after each piece is written. */
  readonly onChunk?: () => void;
}

/**
 * Writes every file of `files` to a temporary name, then renames them all to their real names in
 * order. On a failure nothing is renamed (or, if a rename fails, the files not yet renamed are
 * not) and every temporary file is removed. `obsolete` files (a balances table the new book does
 * not have) are removed just before the last rename (markets.json of a book directory), once
 * everything else is in place, so that an older book is never left without them on a failure.
 */
export async function writeFilesAtomically(files: readonly FileToWrite[], fs: WriteFs = nodeFs, obsolete: readonly string[] = []): Promise<void> {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const temp = temporaryName(f.path);
      temps.push(temp);
      await writeTemporary(fs, temp, f.path, f.chunks, f.onChunk);
    }
    for (let i = 0; i < files.length; i++) {
      if (i === files.length - 1) {
        for (const path of obsolete) {
          try {
            await fs.remove(path);
          } catch (err) {
            throw writeError(err, path);
          }
        }
      }
      try {
        await fs.rename(temps[i]!, files[i]!.path);
      } catch (err) {
        throw writeError(err, files[i]!.path);
      }
      temps[i] = "";
    }
  } catch (err) {
    for (const t of temps) if (t !== "") await fs.remove(t).catch(() => {});
    throw err;
  }
}

/** Writes one file atomically (see writeFilesAtomically). */
export function writeFileAtomically(path: string, chunks: Chunks, fs: WriteFs = nodeFs, onChunk?: () => void): Promise<void> {
  return writeFilesAtomically([{ path, chunks, onChunk }], fs);
}
