/**
 * liqscan: exact liquidation scanning of perpetual-futures books.
 *
 * ```ts
 * import { createEngine, parseBookJson } from "liqscan";
 * const engine = await createEngine();                 // the WebAssembly core ("reference" for pure TS)
 * const book = await engine.load(parseBookJson(text));
 * const result = book.scan();
 * for (const a of result.liquidatable()) console.log(result.report(a));
 * book.setMarkPrice("BTC-PERP", 6_400_000n);           // price units of the market (2 decimals here)
 * console.log(book.scan().totalsReport());
 * ```
 */

import type { Book, BookColumns } from "../book/types.js";
import { ReferenceBook, toColumns } from "./reference-book.js";
import type { BookShape, Engine, EngineName } from "./types.js";
import { CorePool, WasmBook } from "./wasm-book.js";
import { compileCore, type WasmSource } from "./wasm-source.js";
import { decodeSnapshot, readSnapshotFrame } from "./snapshot.js";

export interface EngineOptions {
  /** Where the core comes from; by default `liqscan.wasm` next to this module. */
  readonly wasm?: WasmSource;
}

/** An engine: `"wasm"` (default) runs the WebAssembly core; `"reference"` the pure-TS oracle. */
export async function createEngine(name: EngineName = "wasm", options: EngineOptions = {}): Promise<Engine> {
  if (name === "reference") {
    return {
      name,
      load: async (book) => ReferenceBook.load(checked(book)),
      allocate: async (shape: BookShape) => ReferenceBook.allocate(shape),
      restore: async (image) => ReferenceBook.restore(decodeSnapshot(image)),
    };
  }
  if (name !== "wasm") throw new Error(`liqscan: unknown engine ${JSON.stringify(name)}; use "wasm" or "reference"`);
  const module = await compileCore(options.wasm);
  const pool = new CorePool(module);
  const pooled = <T extends { pool?: CorePool }>(book: T): T => ((book.pool = pool), book);
  return {
    name,
    load: async (book) => pooled(WasmBook.load(await pool.take(), checked(book))),
    allocate: async (shape: BookShape) => {
      const builder = WasmBook.allocate(await pool.take(), shape);
      return { columns: builder.columns, finish: () => pooled(builder.finish() as WasmBook) };
    },
    restore: async (image) => {
      const frame = readSnapshotFrame(image);
      return pooled(WasmBook.restoreFrame(await pool.take(), frame));
    },
  };
}

/**
 * Plain-object books become columns (bookToColumns validates them field by field first); columns
 * are checked by the engine once they sit where it scans them. Errors name the record and field.
 */
function checked(book: Book | BookColumns): BookColumns {
  return toColumns(book);
}

export { ScanResult, marginRatioPpm, type AccountChange, type AccountReport, type TotalsReport } from "./results.js";
export type { AccountRef, BookBuilder, BookShape, Engine, EngineName, FillResult, LiquidationPricesOptions, LiveBook, PositionLabels, ScanOptions, WritableColumns } from "./types.js";
export { SnapshotError, SNAPSHOT_VERSION } from "./snapshot.js";
export type { WasmSource } from "./wasm-source.js";
export { openParallel, ParallelScanResult, type ParallelBook, type ParallelOptions } from "./parallel.js";
export * from "../book/index.js";
export { importHyperliquid, type HyperliquidInput, type HyperliquidState } from "../book/venues/hyperliquid.js";
export { importGmx, importGmxBook, type GmxImport, type GmxInput } from "../book/venues/gmx-import.js";
export { importDrift, importDriftBook, type DriftImport, type DriftInput, type DriftUserFile } from "../book/venues/drift.js";
export { DYDX_DEFAULT_LIQUIDATIONS_CONFIG, importDydx, type DydxInput, type DydxLiquidationsConfig, type DydxSubaccountFile } from "../book/venues/dydx.js";
export { importBinance, DEFAULT_CLEARANCE_FEE, type BinanceImportInput, type BinanceSource } from "../book/venues/binance.js";
export * from "../views/index.js";
export * from "./aave-v3.js";
