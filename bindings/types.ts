import type { Book, BookColumns, Market, Totals, VenueName } from "../book/types.js";
import type { ScanResult } from "./results.js";

export type EngineName = "wasm" | "reference";

/** The shape of a book to allocate before filling its columns in place. */
export interface BookShape {
  /** The venue whose rules apply (docs/venues/); absent: "generic". */
  readonly venue?: VenueName;
  readonly liquidatorSharePpm: bigint;
  readonly markets: readonly Market[];
  /** One id per account; defaults to "0", "1", ... */
  readonly accountIds?: readonly string[];
  readonly accounts: number;
  readonly positions: number;
}

/** The input columns of a book, writable, before `finish()` checks them. */
export type WritableColumns = Pick<BookColumns, "collateral" | "positionStart" | "positionMarket" | "positionSize" | "positionEntry">;

export interface BookBuilder {
  /**
   * Fill these before `finish()` (for the wasm engine they are views of WebAssembly memory: no
   * copy follows). Do not write them after `finish()`: edits go through the live book's setters,
   * which check what they write.
   */
  readonly columns: WritableColumns;
  /** Validate what was written and return the live book. */
  finish(): LiveBook;
}

export interface Engine {
  readonly name: EngineName;
  /**
   * Load a book from plain objects (e.g. `parseBookJson`) or columns (`parseBookCsv`,
   * `generateBook`). Asynchronous because browsers only instantiate WebAssembly asynchronously
   * on the main thread.
   */
  load(book: Book | BookColumns): Promise<LiveBook>;
  /** Reserve a book of a given shape and fill its columns in place. */
  allocate(shape: BookShape): Promise<BookBuilder>;
}

export interface ScanOptions {
  /** Evaluate every account even when an incremental rescan would do. */
  readonly full?: boolean;
}

/** A book held by an engine: edit it in place, scan it, and read the results. */
export interface LiveBook {
  readonly engine: EngineName;
  /** The venue whose rules this book follows. */
  readonly venue: VenueName;
  readonly markets: readonly Market[];
  readonly accountIds: readonly string[];
  readonly accountCount: number;
  readonly positionCount: number;
  /** Account `a` holds positions `positionStart[a]` up to `positionStart[a + 1]`. */
  readonly positionStart: Uint32Array;
  /**
   * The input columns as they are now (collateral, positionStart, positionMarket, positionSize,
   * positionEntry). Read them freely; write only through the setters, which check values and keep
   * the engine's caches right. For the wasm engine these are views of WebAssembly memory.
   */
  readonly inputs: Readonly<WritableColumns>;
  /** Bytes this book keeps resident in its engine (for the wasm engine, its linear memory). */
  readonly residentBytes: number;
  /** Mark price of a market (by index or id), in its price units. */
  markPrice(market: number | string): bigint;
  setMarkPrice(market: number | string, price: bigint): void;
  setCollateral(account: number, collateral: bigint): void;
  setPosition(position: number, size: bigint, entryPrice: bigint): void;
  /**
   * Scan the book. After a price tick or a few edits only the accounts they touch are evaluated
   * again (the result equals a full scan's); `{ full: true }` evaluates every account, e.g. to
   * measure the scan. The result is valid until the next scan, edit or dispose(): then its
   * `status` and methods throw. Its `status` is the book's status column, rewritten in place by
   * the next scan: copy it (`.slice()`) to keep it.
   */
  scan(options?: ScanOptions): ScanResult;
  /**
   * The totals `scan()` would give at each shock of a grid, the book left as it was. At shock s
   * market m moves to `floor(mark * (10^12 + s * betaPpm[m]) / 10^12)`, clamped to [0, 2^63 - 1]
   * (betaPpm[m] = 10^6: with the shock; 0: not at all). This is what `stress()` runs; the wasm
   * engine evaluates the whole grid in one pass over the book. Nothing is edited: pending edits
   * count, and earlier scan results stay current.
   *
   * ```ts
   * const [down, up] = book.shockTotals([-100_000n, 100_000n], book.markets.map(() => 1_000_000n));
   * ```
   */
  shockTotals(shocksPpm: readonly bigint[], betaPpm: readonly bigint[]): Totals[];
  /**
   * Liquidation price of every position (price units), -1 where none. `onProgress(done, total)`
   * is called as positions are priced (a million take a tenth of a second in the core, much longer
   * in the reference).
   */
  liquidationPrices(options?: { readonly onProgress?: (done: number, total: number) => void }): BigInt64Array;
  /**
   * Bankruptcy price of every position (price units), -1 where none: every other mark held, for a
   * long the greatest price at which its account's equity is not positive, for a short the least
   * (the price at which a close-out leaves nothing; computed by the BigInt reference on both
   * engines, on demand).
   */
  bankruptcyPrices(): BigInt64Array;
  /** The book as plain objects, with the current marks, collateral and positions. */
  toBook(): Book;
  /** Release the engine's memory for this book; any later use of it or of its results throws. */
  dispose(): void;
}

export type { Totals };
