/**
 * The same LiveBook over the pure-TypeScript reference (reference/): plain BigInt, no WebAssembly.
 * It is the oracle the wasm engine is tested against and the baseline it is measured against.
 */

import { bookToColumns, withPositionLabels } from "../book/columns.js";
import type { Account, Book, BookColumns, Market, Totals, VenueName } from "../book/types.js";
import { liquidationPrice, scanBook } from "../reference/index.js";
import { assembleBook, checkColumns, checkIndex, checkIsBook, checkShape, checkSide, checkValue, marketIndex } from "./checks.js";
import { I64_MAX } from "./layout.js";
import { ScanResult } from "./results.js";
import { initialMarginOf, positionsOf } from "./margins.js";
import { bankruptcyPricesOf } from "./bankruptcy.js";
import { marksAtShock } from "../reference/shock.js";
import { checkShockGrid } from "./shocks.js";
import type { BookBuilder, BookShape, LiveBook, ScanOptions, WritableColumns } from "./types.js";

export class ReferenceBook implements LiveBook {
  readonly engine = "reference" as const;
  readonly venue: VenueName;
  private book: Book;
  private marks: bigint[];
  private generation = 0;
  private disposed = false;
  /** The status column, rewritten by every scan (as the wasm engine's is): a result's `status` is this array. */
  private readonly status: Uint8Array;
  /** Edits since the last scan: they supersede its result. */
  private edits = 0;
  private readonly marketIds: Map<string, number>;
  /** account index of every position, to edit one account when one position changes */
  private readonly owner: Uint32Array;

  private constructor(private readonly columns: BookColumns) {
    this.venue = columns.venue ?? "generic";
    this.book = assembleBook(this.venue, columns.liquidatorSharePpm, columns.markets, columns.accountIds, columns);
    this.marks = columns.markets.map((m) => m.markPrice);
    this.marketIds = new Map(columns.markets.map((m, i) => [m.id, i]));
    this.status = new Uint8Array(columns.collateral.length);
    this.owner = new Uint32Array(columns.positionSize.length);
    for (let a = 0; a < columns.collateral.length; a++) {
      this.owner.fill(a, columns.positionStart[a]!, columns.positionStart[a + 1]!);
    }
  }

  static load(columns: BookColumns): ReferenceBook {
    checkColumns(columns);
    return new ReferenceBook(columns);
  }

  static allocate(shape: BookShape): BookBuilder {
    checkShape(shape);
    const columns: WritableColumns = {
      collateral: new BigInt64Array(shape.accounts),
      positionStart: new Uint32Array(shape.accounts + 1),
      positionMarket: new Uint32Array(shape.positions),
      positionSize: new BigInt64Array(shape.positions),
      positionEntry: new BigInt64Array(shape.positions),
    };
    const accountIds = shape.accountIds ?? Array.from({ length: shape.accounts }, (_, a) => String(a));
    return {
      columns,
      finish: () => ReferenceBook.load({ ...columns, ...(shape.venue !== undefined ? { venue: shape.venue } : {}), liquidatorSharePpm: shape.liquidatorSharePpm, markets: shape.markets, accountIds }),
    };
  }

  get markets(): readonly Market[] { return this.columns.markets; }
  get accountIds(): readonly string[] { return this.columns.accountIds; }
  get accountCount(): number { return this.columns.collateral.length; }
  get positionCount(): number { return this.columns.positionSize.length; }
  get positionStart(): Uint32Array { this.alive(); return this.columns.positionStart; }
  get inputs(): Readonly<WritableColumns> { this.alive(); return this.columns; }
  /** The typed input columns only; the BigInt objects of the reference's account records are not counted. */
  get residentBytes(): number {
    this.alive();
    const c = this.columns;
    return c.collateral.byteLength + c.positionStart.byteLength + c.positionMarket.byteLength + c.positionSize.byteLength + c.positionEntry.byteLength;
  }

  markPrice(market: number | string): bigint {
    this.alive();
    return this.marks[marketIndex(this.marketIds, this.marks.length, market)]!;
  }

  setMarkPrice(market: number | string, price: bigint): void {
    this.alive();
    const m = marketIndex(this.marketIds, this.marks.length, market);
    checkValue(`market "${this.markets[m]!.id}"`, "markPrice", price, 0n, I64_MAX);
    this.marks[m] = price;
    this.edits++;
  }

  setCollateral(account: number, collateral: bigint): void {
    this.alive();
    checkIndex(account, this.accountCount, "account");
    checkValue(`account "${this.accountIds[account]}"`, "collateral", collateral, -I64_MAX - 1n, I64_MAX);
    this.columns.collateral[account] = collateral;
    this.rebuildAccount(account);
  }

  setPosition(position: number, size: bigint, entryPrice: bigint): void {
    this.alive();
    checkIndex(position, this.positionCount, "position");
    checkValue(`position ${position}`, "size", size, -I64_MAX - 1n, I64_MAX);
    checkValue(`position ${position}`, "entryPrice", entryPrice, 0n, I64_MAX);
    checkSide(`position ${position}`, this.columns.positionSide?.[position], size);
    this.columns.positionSize[position] = size;
    this.columns.positionEntry[position] = entryPrice;
    this.rebuildAccount(this.owner[position]!);
  }

  /** The reference always evaluates every account (ScanOptions change nothing here). */
  scan(_options?: ScanOptions): ScanResult {
    this.alive();
    const { results, totals } = scanBook(this.book, this.marks);
    const status = this.status;
    const flagged: number[] = [];
    results.forEach((r, a) => {
      status[a] = r.status === "ok" ? 0 : r.status === "liquidatable" ? 1 : 2;
      if (r.status !== "ok") flagged.push(a);
    });
    const generation = ++this.generation;
    const edits = this.edits;
    return new ScanResult({
      status, accountCount: status.length, totals, accountIds: this.accountIds,
      flagged: () => flagged,
      account: (a) => results[a]!,
      initialMargin: (a) => initialMarginOf(this.venue, this.markets, (m) => this.marks[m]!, this.columns, a),
      venue: this.venue,
      positions: (a) => positionsOf(this.venue, this.markets, (m) => this.marks[m]!, this.columns, a),
      isCurrent: () => {
        if (this.disposed) throw new Error("liqscan: this book was disposed; its scan results went with it");
        return generation === this.generation && edits === this.edits;
      },
    });
  }

  /** One reference scan per shock at the shocked marks; the book is not edited, so results stay current. */
  shockTotals(shocksPpm: readonly bigint[], betaPpm: readonly bigint[]): Totals[] {
    this.alive();
    checkShockGrid(this.markets.length, shocksPpm, betaPpm);
    return shocksPpm.map((s) => scanBook(this.book, marksAtShock(this.marks, s, betaPpm)).totals);
  }

  liquidationPrices(options?: { readonly onProgress?: (done: number, total: number) => void }): BigInt64Array {
    this.alive();
    const out = new BigInt64Array(this.positionCount);
    let next = 0;
    for (let a = 0; a < this.accountCount; a++) {
      const first = this.positionStart[a]!;
      if (options?.onProgress && first >= next) {
        options.onProgress(first, this.positionCount);
        next = first + 10_000;
      }
      for (let p = first; p < this.positionStart[a + 1]!; p++) {
        out[p] = liquidationPrice(this.book, a, p - first, this.marks) ?? -1n;
      }
    }
    options?.onProgress?.(this.positionCount, this.positionCount);
    return out;
  }

  bankruptcyPrices(): BigInt64Array {
    return bankruptcyPricesOf(this.toBook());
  }

  toBook(): Book {
    this.alive();
    return { ...this.book, accounts: this.book.accounts.slice(), markets: this.markets.map((m, i) => ({ ...m, markPrice: this.marks[i]! })) };
  }

  /** Drop the book; every later use throws, as on the wasm engine. */
  dispose(): void {
    this.disposed = true;
  }

  private alive(): void {
    if (this.disposed) throw new Error("liqscan: this book was disposed");
  }

  private rebuildAccount(a: number): void {
    this.edits++;
    const c = this.columns;
    const account: Account = {
      id: c.accountIds[a]!,
      collateral: c.collateral[a]!,
      positions: Array.from({ length: c.positionStart[a + 1]! - c.positionStart[a]! }, (_, k) => {
        const p = c.positionStart[a]! + k;
        return withPositionLabels(c, p, { market: c.positionMarket[p]!, size: c.positionSize[p]!, entryPrice: c.positionEntry[p]! });
      }),
      ...(c.accountIsolated?.[a] === 1 ? { margin: "isolated" as const } : {}),
    };
    // Copy the accounts array once, then edit the copy in place: an edit costs O(positions of the
    // account), not O(accounts) (a cascade closes thousands of positions). toBook() hands out a copy.
    if (this.ownAccounts === null) {
      this.ownAccounts = this.book.accounts.slice();
      this.book = { ...this.book, accounts: this.ownAccounts };
    }
    this.ownAccounts[a] = account;
  }

  /** The accounts array once this book has copied it for editing (see rebuildAccount). */
  private ownAccounts: Account[] | null = null;
}

/** A book in column form; `call` names the caller's function in the errors for what is not a book at all. */
export function toColumns(book: Book | BookColumns, call = "load()"): BookColumns {
  checkIsBook(book, call);
  return "collateral" in book ? book : bookToColumns(book);
}
