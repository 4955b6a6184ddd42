/**
 * `node dist/bench/book-formats.js [--accounts 5M] [--samples 3] [--out DIR]` (npm run bench:formats)
 *
 * Reading a generated book from disk in each form (issue 15): the CLI's loader (cli/load-book.ts:
 * CSV streaming, Arrow IPC file and stream, Parquet) against reading the same bytes from disk
 * (readFile of the two tables, alternated with the loads in one process, so both see the same page
 * cache and the same machine load). Reports medians, MB/s of the table files, and the ratio
 * load speed / disk speed. Writes DIR/book-formats.{json,md} (default bench/results).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateBook } from "../book/generate.js";
import { writeBook, type BookFormat } from "../cli/commands/generate.js";
import { bookFiles } from "../cli/errors.js";
import { loadBook } from "../cli/load-book.js";

/** "5M" -> 5_000_000 accounts; also "20k" and plain integers. */
function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const n = m ? Math.round(Number(m[1]) * ({ "": 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 } as Record<string, number>)[m[2]!]!) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`--accounts: expected a count such as 5M, got ${JSON.stringify(text)}`);
  return n;
}

const FORMS: readonly Exclude<BookFormat, "json">[] = ["csv", "arrow", "arrows", "parquet"];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export interface FormatRow {
  readonly form: string;
  readonly bytes: number;
  readonly diskSeconds: number;
  readonly loadSeconds: number;
  /** CPU time of the load (user + system, all threads): on a shared machine, what the load would take alone. */
  readonly loadCpuSeconds: number;
  readonly diskMBps: number;
  readonly loadMBps: number;
  /** load speed / disk speed: 1 is disk speed. */
  readonly ratio: number;
}

export async function measureFormats(accounts: number, samples: number, log: (s: string) => void = () => {}): Promise<FormatRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "liqscan-formats-"));
  try {
    const book = generateBook({ accounts, seed: 1 });
    const rows: FormatRow[] = [];
    for (const form of FORMS) {
      const path = join(dir, form);
      await writeBook(book, path, form);
      const [, a, p] = bookFiles(form).map((f) => join(path, f));
      const bytes = statSync(a!).size + statSync(p!).size;
      const disk: number[] = [];
      const load: number[] = [];
      const cpu: number[] = [];
      for (let k = 0; k < samples; k++) {
        let t = performance.now();
        await readFile(a!);
        await readFile(p!);
        disk.push((performance.now() - t) / 1000);
        (globalThis as { gc?: () => void }).gc?.();
        t = performance.now();
        const c0 = process.cpuUsage();
        const loaded = await loadBook(path);
        load.push((performance.now() - t) / 1000);
        const c1 = process.cpuUsage(c0);
        cpu.push((c1.user + c1.system) / 1e6);
        if (!("accountIds" in loaded.book) || loaded.book.accountIds.length !== accounts) throw new Error(`bench: ${form}: the book read back has the wrong size`);
        (globalThis as { gc?: () => void }).gc?.();
      }
      const d = median(disk), l = median(load);
      const row = { form, bytes, diskSeconds: d, loadSeconds: l, loadCpuSeconds: median(cpu), diskMBps: bytes / d / 1e6, loadMBps: bytes / l / 1e6, ratio: d / l };
      log(`${form}: ${(bytes / 1e6).toFixed(0)} MB, disk ${row.diskMBps.toFixed(0)} MB/s, load ${row.loadMBps.toFixed(0)} MB/s (${l.toFixed(2)} s, ${median(cpu).toFixed(2)} s of CPU), ratio ${row.ratio.toFixed(3)}`);
      rows.push(row);
      rmSync(path, { recursive: true, force: true });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatsMarkdown(accounts: number, rows: readonly FormatRow[]): string {
  return [
    `# Reading a ${accounts.toLocaleString("en-US")}-account book (medians)`,
    "",
    "| form | table bytes | disk read | load | load CPU time | load / disk speed |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.form} | ${(r.bytes / 1e6).toFixed(0)} MB | ${r.diskMBps.toFixed(0)} MB/s | ${r.loadMBps.toFixed(0)} MB/s (${r.loadSeconds.toFixed(2)} s) | ${r.loadCpuSeconds.toFixed(2)} s | ${r.ratio.toFixed(3)} |`),
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { accounts: { type: "string" }, samples: { type: "string" }, out: { type: "string" } } });
  const accounts = parseCount(values.accounts ?? "5M");
  const samples = Number(values.samples ?? 3);
  const rows = await measureFormats(accounts, samples, (s) => console.error(s));
  const out = values.out ?? "bench/results";
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "book-formats.json"), JSON.stringify({ date: new Date().toISOString(), accounts, samples, rows }, null, 2) + "\n");
  writeFileSync(join(out, "book-formats.md"), formatsMarkdown(accounts, rows));
  console.log(formatsMarkdown(accounts, rows));
}

if (process.argv[1]?.endsWith("book-formats.js")) await main();
