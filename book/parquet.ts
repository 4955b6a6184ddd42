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
import { RecordBatch, Table, tableFromIPC, tableToIPC } from "apache-arrow";
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

/** A Parquet file: its bytes, or a Blob (a browser File, Node's fs.openAsBlob) or other ByteRanges, read a row group at a time. */
export type ParquetSource = Uint8Array | Blob | ByteRanges;

/** Bytes as ByteRanges: each range one copy (no Blob holding a second copy of the file). */
function bytesRanges(bytes: Uint8Array): ByteRanges {
  return {
    size: bytes.length,
    slice: (start, end) => ({ arrayBuffer: async () => bytes.slice(Math.max(0, start), Math.min(bytes.length, end)).buffer as ArrayBuffer }),
  };
}

/** The Parquet file `source` as an Arrow table, one record batch per row group; a BookError naming `file` when it is not Parquet. */
export async function parquetToArrowTable(source: ParquetSource, file: string): Promise<Table> {
  const pw = await parquetWasm();
  const blob = source instanceof Uint8Array ? bytesRanges(source) : source;
  let pf: Awaited<ReturnType<ParquetWasm["ParquetFile"]["fromFile"]>>;
  try {
    pf = await pw.ParquetFile.fromFile(blob as Blob); // parquet-wasm asks a Blob for its size and slices' arrayBuffer() only
  } catch (err) {
    throw new BookError(file, "", `is not a Parquet file (${String((err as Error)?.message ?? err)})`);
  }
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
