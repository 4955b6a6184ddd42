/**
 * Results as files a data pipeline reads (`scan --all --format parquet --out results.parquet`):
 * one row per account (scan), position (liq-price) or shock (stress), in CSV, Arrow IPC or
 * Parquet. Amounts are exact decimals: decimal128(38, scale) columns in Arrow and Parquet (DuckDB
 * and Polars read them as DECIMAL), decimal text in CSV; nothing passes through a float.
 *
 * Rows are written in batches of 65536, so a 20M-account result never exists as one text or one
 * table; the file is written atomically (cli/atomic-write.ts).
 */
import { Data, Decimal, Field, Int64, RecordBatch, Schema, Struct, Utf8, makeData } from "apache-arrow";
import { formatDecimal } from "../book/decimal.js";
import { arrowIpcChunks, utf8Data } from "../book/arrow.js";
import { arrowToParquet } from "../book/parquet.js";
import { writeFileAtomically, type Chunks } from "./atomic-write.js";
import { CliError } from "./errors.js";
import type { Progress } from "./progress.js";

export type ResultFormat = "csv" | "arrow" | "arrows" | "parquet";
export const RESULT_FORMATS: readonly ResultFormat[] = ["csv", "arrow", "arrows", "parquet"];

export type ResultColumn =
  | { readonly name: string; readonly kind: "string" }
  | { readonly name: string; readonly kind: "int" }
  /** A count of 10^-scale units, written as a decimal of `scale` decimals. */
  | { readonly name: string; readonly kind: "decimal"; readonly scale: number };

/** A row: per column a string, a bigint (int and decimal columns) or null. */
export type Cell = string | bigint | null;

const BATCH = 1 << 16;

/** The format of `--format`, or from the extension of `--out`; undefined when neither is given (print a table). */
export function resultFormat(format: unknown, out: unknown, command: string): { format: ResultFormat; out: string | null } | undefined {
  if (format === undefined && out === undefined) return undefined;
  if (out !== undefined && (typeof out !== "string" || out === "")) throw new CliError(`--out: expected a file name`);
  let f: ResultFormat;
  if (format !== undefined) {
    if (!(RESULT_FORMATS as readonly unknown[]).includes(format)) throw new CliError(`--format: ${JSON.stringify(format)} is not a result format (use ${RESULT_FORMATS.join(", ")})`);
    f = format as ResultFormat;
  } else {
    const ext = /\.([a-z]+)$/i.exec(out as string)?.[1]?.toLowerCase();
    if (!(RESULT_FORMATS as readonly (string | undefined)[]).includes(ext)) throw new CliError(`--out: cannot tell the format from ${JSON.stringify(out)}: give --format ${RESULT_FORMATS.join("|")}`);
    f = ext as ResultFormat;
  }
  if (f !== "csv" && out === undefined) throw new CliError(`${command}: --format ${f} writes a binary file: give --out FILE`);
  return { format: f, out: (out as string | undefined) ?? null };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The rows as CSV text in pieces: a header line, then one line per row (RFC 4180 quoting where needed; null is empty). */
function* csvChunks(columns: readonly ResultColumn[], rows: Iterable<readonly Cell[]>): Generator<string> {
  let parts: string[] = [columns.map((c) => csvField(c.name)).join(",") + "\n"];
  for (const row of rows) {
    let line = "";
    for (let k = 0; k < columns.length; k++) {
      const c = columns[k]!;
      const v = row[k];
      if (k > 0) line += ",";
      if (v === null || v === undefined) continue;
      line += c.kind === "string" ? csvField(v as string) : c.kind === "decimal" ? formatDecimal(v as bigint, c.scale) : String(v);
    }
    parts.push(line + "\n");
    if (parts.length >= BATCH) {
      yield parts.join("");
      parts = [];
    }
  }
  if (parts.length > 0) yield parts.join("");
}

function validity(nulls: boolean[], count: number): { nullCount: number; nullBitmap?: Uint8Array } {
  let n = 0;
  const bitmap = new Uint8Array((count + 7) >> 3);
  for (let i = 0; i < count; i++) {
    if (nulls[i]) n++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return n === 0 ? { nullCount: 0 } : { nullCount: n, nullBitmap: bitmap };
}

/** One column of `count` rows as Arrow data. */
function columnData(c: ResultColumn, cells: readonly Cell[], count: number): Data {
  const nulls = cells.map((v) => v === null || v === undefined);
  const valid = validity(nulls, count);
  if (c.kind === "string") {
    const d = utf8Data(count, (i) => (cells[i] ?? "") as string);
    return makeData({ type: new Utf8(), length: count, valueOffsets: d.valueOffsets, data: d.values, ...valid });
  }
  if (c.kind === "int") {
    const a = new BigInt64Array(count);
    for (let i = 0; i < count; i++) a[i] = (cells[i] ?? 0n) as bigint;
    return makeData({ type: new Int64(), length: count, data: a, ...valid });
  }
  const words = new Uint32Array(count * 4);
  for (let i = 0; i < count; i++) {
    const u = BigInt.asUintN(128, (cells[i] ?? 0n) as bigint);
    words[4 * i] = Number(u & 0xffffffffn);
    words[4 * i + 1] = Number((u >> 32n) & 0xffffffffn);
    words[4 * i + 2] = Number((u >> 64n) & 0xffffffffn);
    words[4 * i + 3] = Number((u >> 96n) & 0xffffffffn);
  }
  return makeData({ type: new Decimal(c.scale, 38), length: count, data: words, ...valid });
}

function arrowType(c: ResultColumn) {
  return c.kind === "string" ? new Utf8() : c.kind === "int" ? new Int64() : new Decimal(c.scale, 38);
}

/** The rows as Arrow record batches of BATCH rows (one empty batch for no rows, so the schema is written). */
function* recordBatches(columns: readonly ResultColumn[], rows: Iterable<readonly Cell[]>): Generator<RecordBatch> {
  const fields = columns.map((c) => new Field(c.name, arrowType(c), true));
  const schema = new Schema(fields);
  let cells: Cell[][] = columns.map(() => []);
  let count = 0;
  let any = false;
  const flush = (): RecordBatch => {
    const data = columns.map((c, k) => columnData(c, cells[k]!, count));
    const b = new RecordBatch(schema, makeData({ type: new Struct(fields), length: count, children: data, nullCount: 0 }));
    cells = columns.map(() => []);
    count = 0;
    any = true;
    return b;
  };
  for (const row of rows) {
    for (let k = 0; k < columns.length; k++) cells[k]!.push(row[k] ?? null);
    if (++count === BATCH) yield flush();
  }
  if (count > 0 || !any) yield flush();
}

/** The rows in `format`, in pieces. */
export function resultChunks(format: ResultFormat, columns: readonly ResultColumn[], rows: Iterable<readonly Cell[]>): Chunks {
  if (format === "csv") return csvChunks(columns, rows);
  if (format === "parquet") return arrowToParquet(recordBatches(columns, rows));
  return arrowIpcChunks(recordBatches(columns, rows), format === "arrow" ? "file" : "stream");
}

/** Writes the rows to `out` in `format`, atomically; with no `out` (CSV only), to stdout. */
export async function writeResults(format: ResultFormat, out: string | null, columns: readonly ResultColumn[], rows: Iterable<readonly Cell[]>, total: number, progress?: Progress): Promise<void> {
  let done = 0;
  function* counted(): Generator<readonly Cell[]> {
    for (const r of rows) {
      yield r;
      if (++done % BATCH === 0) progress?.update(done, total);
    }
  }
  const chunks = resultChunks(format, columns, counted());
  if (out === null) {
    for await (const chunk of chunks) {
      if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once("drain", resolve));
    }
    return;
  }
  await writeFileAtomically(out, chunks);
  progress?.update(total, total);
}
