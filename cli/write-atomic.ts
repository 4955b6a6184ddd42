/** Writing an output file so that readers never see it half-written. */
import { randomBytes } from "node:crypto";
import { rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CliError } from "./errors.js";

function writeError(err: unknown, path: string): CliError {
  const code = (err as { code?: string }).code;
  if (code === "EACCES" || code === "EPERM") return new CliError(`${path}: permission denied`);
  if (code === "ENOENT") return new CliError(`${path}: the directory it goes into does not exist`);
  if (code === "ENOTDIR") return new CliError(`${path}: a part of the path is not a directory`);
  if (code === "EISDIR") return new CliError(`${path}: is a directory`);
  if (code === "ENOSPC") return new CliError(`${path}: no space left on the device`);
  return new CliError(`${path}: cannot write: ${(err as Error).message ?? String(err)}`);
}

/** Writes `text` to a temporary file next to `path`, then renames it over `path`. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, text, { flag: "wx" });
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw writeError(err, path);
  }
}
