/**
 * The Parquet form of a book: the Arrow form's two tables (book/arrow.ts) stored as Parquet files,
 * read and written with parquet-wasm (the Rust arrow-rs Parquet implementation compiled to
 * WebAssembly), which decodes into Arrow data: a decimal128 column stays 128-bit integers, an
 * int64 column stays int64, and the one reader of book/arrow.ts checks both.
 *
 * parquet-wasm is loaded on first use (a dynamic import: the browser fetches its WebAssembly only
 * when a Parquet book is opened). A file is read one row group at a time through a Blob, so the
 * WebAssembly memory holds one row group, not the file; it is written one record batch at a time
 * (one row group each) through parquet-wasm's streaming writer.
 */
import { Field, RecordBatch, Table, Type, tableFromIPC, tableToIPC, type DataType } from "apache-arrow";
import { bookFromArrowTables, bookToArrowTables, type ArrowWriteOptions, type TableFiles } from "./arrow.js";
import { BookError } from "./errors.js";
import type { BookColumns } from "./types.js";

type ParquetWasm = typeof import("parquet-wasm");
let loading: Promise<ParquetWasm> | null = null;

/** parquet-wasm, initialised (the browser build needs its WebAssembly fetched; Node's loads it itself). */
export function parquetWasm(): Promise<ParquetWasm> {
  loading ??= (async () => {
    const m = (await import("parquet-wasm")) as ParquetWasm & { default?: unknown };
    if (typeof m.default === "function") await (m.default as () => Promise<unknown>)();
    return (typeof m.ParquetFile === "function" ? m : (m.default as ParquetWasm));
  })();
  return loading;
}

/**
 * A file read by byte ranges, as parquet-wasm reads a Blob: its size, and `slice(start, end)`'s
 * bytes. A Blob is one; so is the command line's reader of a file on disk (cli/load-book.ts),
 * which reads each range with one read into a buffer of its size (a Blob of Node's fs.openAsBlob
 * reads in pieces and joins them: a fifth of a Parquet load).
 */
export interface ByteRanges {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

type ParquetFileHandle = Awaited<ReturnType<ParquetWasm["ParquetFile"]["fromFile"]>>;

/** A Parquet file: its bytes, or a Blob (a browser File, Node's fs.openAsBlob) or other ByteRanges, read a row group at a time. */
export type ParquetSource = Uint8Array | Blob | ByteRanges;

/**
 * Bytes as ByteRanges: each range one copy (no Blob holding a second copy of the file), into an
 * ArrayBuffer of its own (a Node Buffer's slice() is a view that shares its pool's buffer).
 */
function bytesRanges(bytes: Uint8Array): ByteRanges {
  return {
    size: bytes.length,
    slice: (start, end) => ({ arrayBuffer: async () => new Uint8Array(bytes.subarray(Math.max(0, start), Math.min(bytes.length, end))).buffer }),
  };
}

/** The Parquet file `source` as an Arrow table, one record batch per row group; a BookError naming `file` when it is not Parquet. */
export async function parquetToArrowTable(source: ParquetSource, file: string): Promise<Table> {
  const pw = await parquetWasm();
  const blob = source instanceof Uint8Array ? bytesRanges(source) : source;
  let pf: ParquetFileHandle;
  try {
    pf = await pw.ParquetFile.fromFile(blob as Blob); // parquet-wasm asks a Blob for its size and slices' arrayBuffer() only
  } catch (err) {
    throw new BookError(file, "", `is not a Parquet file (${String((err as Error)?.message ?? err)})`);
  }
  pf = await withoutViewDictionaryHint(pw, pf, blob, file);
  try {
    const groups = pf.metadata().numRowGroups();
    if (groups === 0) return tableFromIPC((await pf.read()).intoIPCStream());
    const batches: RecordBatch[] = [];
    for (let g = 0; g < groups; g++) {
      const t = await pf.read({ rowGroups: [g], batchSize: 1 << 30 });
      batches.push(...tableFromIPC(t.intoIPCStream()).batches);
    }
    return new Table(batches);
  } catch (err) {
    if (err instanceof BookError) throw err;
    throw new BookError(file, "", `cannot be read as Parquet (${String((err as Error)?.message ?? err)})`);
  } finally {
    pf.free();
  }
}

// ---------------------------------------------------------------------------------------------
// Polars' Categorical columns (interop: a small fix of its own, see test/interop-polars.test.ts)
//
// Polars stores its Arrow schema in the file ("ARROW:schema" in the footer's key-value metadata),
// and a Categorical column there is a dictionary of string views (Dictionary<UInt32,
// Utf8View>). parquet-wasm 0.8 (arrow-rs) cannot decode a dictionary of views: it aborts with a
// WebAssembly trap ("unreachable") from inside its async reader, which no try/catch receives, and
// the process dies with a stack trace. Such a file is read without the hint instead: the footer's
// key is renamed in a copy of the footer bytes ("ARROW:schema" -> "ARROW:schem_", same length, so
// every offset stays valid), and arrow-rs then reads the column from the Parquet types alone, as
// plain utf8 strings: the same values, nothing else changes. The data pages are not copied (the
// Blob is the file's slices around the patched footer).

const HINT_KEY = "ARROW:schema";

/** Whether an Arrow type is a dictionary whose values are string or binary views. */
function viewDictionary(t: DataType): boolean {
  if (t.typeId !== Type.Dictionary) return false;
  const v = (t as unknown as { dictionary: DataType }).dictionary;
  return v.typeId === Type.Utf8View || v.typeId === Type.BinaryView;
}

/** `pf`, or when its Arrow schema hint holds a dictionary of views, the file reopened without the hint; `pf` is freed unless returned (also when this throws). */
async function withoutViewDictionaryHint(pw: ParquetWasm, pf: ParquetFileHandle, blob: Blob | ByteRanges, file: string): Promise<ParquetFileHandle> {
  let reopened: ParquetFileHandle;
  try {
    const blobWithoutHint = await hintlessBlob(pf, blob, file);
    if (blobWithoutHint === null) return pf;
    reopened = await pw.ParquetFile.fromFile(blobWithoutHint as Blob).catch((err: unknown) => {
      throw new BookError(file, "", `cannot be read as Parquet (${String((err as Error)?.message ?? err)})`);
    });
  } catch (err) {
    pf.free();
    throw err;
  }
  pf.free();
  return reopened;
}

/** The file with its Arrow schema hint renamed when the hint holds a dictionary of views, else null. */
async function hintlessBlob(pf: ParquetFileHandle, blob: Blob | ByteRanges, file: string): Promise<ByteRanges | null> {
  let fields: readonly Field[];
  try {
    fields = tableFromIPC(pf.schema().intoIPCStream()).schema.fields;
  } catch {
    return null; // apache-arrow cannot read the schema: let the read report what it finds
  }
  if (!fields.some((f) => viewDictionary(f.type))) return null;
  const size = blob.size;
  const tail = new Uint8Array(await blob.slice(size - 8, size).arrayBuffer());
  const footerLength = (tail[0]! | (tail[1]! << 8) | (tail[2]! << 16) | (tail[3]! << 24)) >>> 0;
  const footerStart = size - 8 - footerLength;
  const footer = new Uint8Array(await blob.slice(footerStart, size - 8).arrayBuffer());
  // The key in Thrift's compact encoding: field 1 of KeyValue, binary (0x18), length 12 (0x0c).
  const needle = [0x18, HINT_KEY.length, ...Array.from(HINT_KEY, (c) => c.charCodeAt(0))];
  const found: number[] = [];
  for (let i = 0; i + needle.length <= footer.length; i++) {
    let k = 0;
    while (k < needle.length && footer[i + k] === needle[k]) k++;
    if (k === needle.length) found.push(i);
  }
  const columns = fields.filter((f) => viewDictionary(f.type)).map((f) => f.name);
  if (found.length !== 1) {
    throw new BookError(file, columns[0]!, `is a dictionary of string views (a Polars Categorical column), which parquet-wasm cannot read: cast it to a string column (pl.Utf8) before writing`);
  }
  footer[found[0]! + needle.length - 1] = 0x5f; // "_"
  return patchedEnd(blob, footerStart, footer, tail);
}

/** `blob` with its bytes from `at` on replaced by `footer` then `tail` (same length): ranges before `at` still read from `blob`. */
function patchedEnd(blob: Blob | ByteRanges, at: number, footer: Uint8Array, tail: Uint8Array): ByteRanges {
  const end = new Uint8Array(footer.length + tail.length);
  end.set(footer);
  end.set(tail, footer.length);
  const size = blob.size;
  return {
    size,
    slice: (start, stop) => ({
      arrayBuffer: async () => {
        const s = Math.max(0, Math.min(start, size));
        const e = Math.max(s, Math.min(stop, size));
        const out = new Uint8Array(e - s);
        if (s < at) out.set(new Uint8Array(await blob.slice(s, Math.min(e, at)).arrayBuffer()));
        if (e > at) out.set(end.subarray(Math.max(s, at) - at, e - at), Math.max(0, at - s));
        return out.buffer as ArrayBuffer;
      },
    }),
  };
}

/** parseBookArrow for Parquet files: markets.json, and the accounts, positions (and, when the book has one, balances) tables as Parquet. */
export async function parseBookParquet(marketsJson: string, accounts: ParquetSource, positions: ParquetSource, files: TableFiles = { accounts: "accounts.parquet", positions: "positions.parquet" }, balances?: ParquetSource): Promise<BookColumns> {
  const a = await parquetToArrowTable(accounts, files.accounts);
  const p = await parquetToArrowTable(positions, files.positions);
  const b = balances !== undefined ? await parquetToArrowTable(balances, files.balances ?? files.accounts.replace(/^accounts(?=\.|$)/, "balances")) : undefined;
  return bookFromArrowTables(marketsJson, a, p, files, b);
}

/**
 * Record batches as Parquet bytes, in pieces (one row group per batch), snappy-compressed. Only
 * one batch at a time is in WebAssembly memory; the next is taken once the writer asks for it.
 */
export async function* arrowToParquet(source: Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>): AsyncGenerator<Uint8Array> {
  const pw = await parquetWasm();
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setCreatedBy("liqscan").build();
  const batches: AsyncIterator<RecordBatch> | Iterator<RecordBatch> =
    source instanceof Table ? source.batches[Symbol.iterator]() : Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const input = new ReadableStream({
    async pull(controller) {
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      const wt = pw.Table.fromIPCStream(tableToIPC(new Table([next.value]), "stream"));
      controller.enqueue(wt.recordBatch(0));
      wt.free();
    },
  });
  const output = await pw.transformParquetStream(input, props);
  const reader = output.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    yield value as Uint8Array;
  }
}

/** The book's tables as Parquet (pieces of bytes each; `balances` for a book that lists assets), and markets.json. The book is validated first. */
export function writeBookParquet(c: BookColumns, options: ArrowWriteOptions = {}): { markets: string; accounts: AsyncIterable<Uint8Array>; positions: AsyncIterable<Uint8Array>; balances?: AsyncIterable<Uint8Array> } {
  const t = bookToArrowTables(c, options);
  return { markets: t.markets, accounts: arrowToParquet(t.accounts), positions: arrowToParquet(t.positions), ...(t.balances ? { balances: arrowToParquet(t.balances) } : {}) };
}

/** All pieces of `chunks` as one byte array. */
export async function concatBytes(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    parts.push(c);
    n += c.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of parts) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
