import type { Asset, Book, BookColumns, Market, Totals, VenueName } from "../book/types.js";
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
  /**
   * The book `snapshot()` saved, bit for bit (either engine's snapshot): its columns, marks,
   * labels, removed accounts and the statuses of its last scan, so the first scan after a restore
   * reports only what changed since that scan. Throws a SnapshotError on an image that is
   * corrupt, truncated, of another format version or not a liqscan snapshot at all.
   */
  restore(image: Uint8Array): Promise<LiveBook>;
}

/** An account by index, or by id. */
export type AccountRef = number | string;

/** Labels of a new position on a venue book (docs/venues/): its leverage, and a binance-usdm hedge-mode side. */
export interface PositionLabels {
  readonly leverage?: number;
  readonly side?: "LONG" | "SHORT";
}

/** What `fill()` did: the position after it (size 0: closed) and the account's collateral after it. */
export interface FillResult {
  readonly size: bigint;
  readonly entryPrice: bigint;
  /** What the fill moved the collateral by (realized PnL, or on Hyperliquid the trade's cash), less the fee. */
  readonly collateralDelta: bigint;
  readonly collateral: bigint;
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
  /** Every account's id (a book read from a table makes the list when it is first read). */
  readonly accountIds: readonly string[];
  /** Account `account`'s id, without making the list of every id. */
  accountId(account: number): string;
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
  /** The index of the account with this id (a removed one included), or undefined. */
  accountIndex(id: string): number | undefined;
  /**
   * A new account, empty but for its collateral (a cross account: an isolated one comes with its
   * position from a venue's import); returns its index, the next one. The id of a removed account
   * brings that account back at its old index. Throws on an id already held.
   */
  addAccount(id: string, collateral?: bigint): number;
  /** Close every position of an account and zero its collateral; its index and id stay (empty) until addAccount brings it back. */
  removeAccount(account: AccountRef): void;
  /**
   * The account's position in a market (size and entry price), or null where it holds none. A
   * binance-usdm hedge-mode account holding the market LONG and SHORT must give the side, here and
   * to `closePosition` and `fill`; `openPosition` with the other side's label opens the pair.
   */
  position(account: AccountRef, market: number | string, side?: "LONG" | "SHORT"): { readonly size: bigint; readonly entryPrice: bigint } | null;
  /** Whether removeAccount removed it (and addAccount did not bring it back). */
  isRemoved(account: AccountRef): boolean;
  /** A position in a market the account does not hold yet, after its others. */
  openPosition(account: AccountRef, market: number | string, size: bigint, entryPrice: bigint, labels?: PositionLabels): void;
  /** Remove a position as it is (nothing realized: a trade that closes it is a `fill`); the account's later positions move up one. */
  closePosition(account: AccountRef, market: number | string, side?: "LONG" | "SHORT"): void;
  /**
   * A trade of `size` (> 0 buys, < 0 sells) at `price` on the account's position in `market`
   * (opened when it holds none, closed when it comes to size 0), by the venue's rule (`fill` of
   * reference/venues/NAME.ts): on the entry-price venues a weighted-average entry on an increase
   * (rounded against the holder), the entry unchanged on a reduction with its PnL realized into
   * the collateral, a flip realizing it all and opening the rest at `price`; on Hyperliquid the
   * balance pays for what is bought. `fee` (quote units, >= 0) is taken from the collateral.
   * Nothing is changed when the result would not fit 64 bits or breaks a label (a hedge-mode side).
   */
  fill(account: AccountRef, market: number | string, size: bigint, price: bigint, fee?: bigint, side?: "LONG" | "SHORT"): FillResult;
  /** Add `amount` (quote units, > 0) to the collateral. */
  deposit(account: AccountRef, amount: bigint): void;
  /** Take `amount` (quote units, > 0) from the collateral (it may go negative: the book records, the venue decides). */
  withdraw(account: AccountRef, amount: bigint): void;
  /** The book's collateral assets, with their current prices (empty: quote collateral only; docs/model.md, "Collateral in several assets"). */
  readonly assets: readonly Asset[];
  /** An asset's price (by index or id), in its price units. */
  assetPrice(asset: number | string): bigint;
  /** Move an asset's price: every account holding it is valued again (the next scan evaluates the ones whose collateral value changed). */
  setAssetPrice(asset: number | string, price: bigint): void;
  /** The account's balance in an asset (its units; negative: borrowed), 0 where it holds none. */
  balance(account: AccountRef, asset: number | string): bigint;
  /** Set the account's balance in an asset (a deposit, a withdrawal, a borrow or a repayment of that asset). */
  setBalance(account: AccountRef, asset: number | string, amount: bigint): void;
  /**
   * The book as bytes: a versioned, checksummed image of its columns (bindings/snapshot.ts)
   * that `engine.restore()` gives back bit for bit, on either engine.
   */
  snapshot(): Uint8Array;
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
   * in the reference). `into`, a caller-owned array of exactly `positionCount` entries, receives
   * the prices and is returned (every entry overwritten): a caller that asks every tick reuses one
   * array instead of a fresh 8 bytes per position each time, which the runtime must map, zero and
   * later collect. Without it a new array is returned.
   */
  liquidationPrices(options?: LiquidationPricesOptions): BigInt64Array;
  /**
   * Bankruptcy price of every position (price units), -1 where none: every other mark held, for a
   * long the greatest price at which its account's equity is not positive, for a short the least
   * (the price at which a close-out leaves nothing; computed by the BigInt reference on both
   * engines, on demand).
   */
  bankruptcyPrices(): BigInt64Array;
  /** The book as plain objects, with the current marks, asset prices, collateral, balances and positions. */
  toBook(): Book;
  /** Release the engine's memory for this book; any later use of it or of its results throws. */
  dispose(): void;
}

export type { Totals };

/** Options of `LiveBook.liquidationPrices`. */
export interface LiquidationPricesOptions {
  readonly onProgress?: (done: number, total: number) => void;
  /** Where to write the prices (exactly `positionCount` entries; returned): see `liquidationPrices`. */
  readonly into?: BigInt64Array;
}

