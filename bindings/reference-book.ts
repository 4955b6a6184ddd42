/**
 * The same LiveBook over the pure-TypeScript reference (reference/): plain BigInt, no WebAssembly.
 * It is the oracle the wasm engine is tested against and the baseline it is measured against.
 */

import { bookToColumns } from "../book/columns.js";
import { SIDE_CODE, type Account, type Asset, type Balance, type Book, type BookColumns, type Market, type Position, type Totals, type VenueName } from "../book/types.js";
import { liquidationPrice, scanBook } from "../reference/index.js";
import { assembleBook, checkColumns, checkIndex, checkIsBook, checkShape, checkSide, checkValue, marketIndex, pricesArray } from "./checks.js";
import { I64_MAX } from "./layout.js";
import { ScanResult } from "./results.js";
import { initialMarginOf, positionsOf } from "./margins.js";
import { bankruptcyPricesOf } from "./bankruptcy.js";
import { marksAtShock } from "../reference/shock.js";
import { checkShockGrid } from "./shocks.js";
import type { BookBuilder, BookShape, LiquidationPricesOptions, LiveBook, ScanOptions, WritableColumns } from "./types.js";
import { LiveEdits } from "./live.js";
import { encodeSnapshot, type SnapshotContent } from "./snapshot.js";
import { balanceScale, derived, edited, editedBalance, editedTokens, tokenScale } from "../book/gmx-wide.js";
import { initialDiscount } from "../reference/assets.js";

export class ReferenceBook extends LiveEdits implements LiveBook {
  readonly engine = "reference" as const;
  readonly venue: VenueName;
  readonly markets: readonly Market[];
  /** The book's accounts, this book's own array (edits replace an account's object). */
  private book: Book;
  private readonly accounts: Account[];
  private marks: bigint[];
  private generation = 0;
  private disposed = false;
  /** The status column, rewritten by every scan (as the wasm engine's is): a result's `status` is this array. */
  private status: Uint8Array;
  /** Edits since the last scan: they supersede its result. */
  private edits = 0;
  private readonly marketIds: Map<string, number>;
  protected readonly ids: string[];
  protected readonly idIndex: Map<string, number>;
  protected readonly removed = new Set<number>();
  /** The book as columns, rebuilt after an edit when asked for. */
  private columnsCache: BookColumns | null;
  /** account index of every position of columnsCache */
  private ownerCache: Uint32Array | null = null;

  private constructor(columns: BookColumns, status?: Uint8Array) {
    super();
    this.venue = columns.venue ?? "generic";
    this.markets = columns.markets;
    const book = assembleBook(this.venue, columns.liquidatorSharePpm, columns.markets, columns.accountIds, columns);
    this.accounts = book.accounts.slice();
    this.book = { ...book, accounts: this.accounts };
    this.marks = columns.markets.map((m) => m.markPrice);
    this.marketIds = new Map(columns.markets.map((m, i) => [m.id, i]));
    this.ids = columns.accountIds.slice();
    this.idIndex = new Map(this.ids.map((id, a) => [id, a]));
    this.status = status ? status.map((x) => x & 0x7f) : new Uint8Array(columns.collateral.length);
    this.columnsCache = columns;
  }

  static load(columns: BookColumns): ReferenceBook {
    checkColumns(columns);
    return new ReferenceBook(columns);
  }

  static restore(c: SnapshotContent): ReferenceBook {
    const columns: BookColumns = {
      ...(c.venue !== "generic" ? { venue: c.venue } : {}), liquidatorSharePpm: c.liquidatorSharePpm, markets: c.markets, accountIds: c.accountIds,
      collateral: c.collateral.slice(), positionStart: c.positionStart.slice(), positionMarket: c.positionMarket.slice(), positionSize: c.positionSize.slice(), positionEntry: c.positionEntry.slice(),
      ...(c.accountIsolated ? { accountIsolated: c.accountIsolated.slice() } : {}),
      ...(c.positionLeverage ? { positionLeverage: c.positionLeverage.slice() } : {}),
      ...(c.positionSide ? { positionSide: c.positionSide.slice() } : {}),
      ...(c.assets ? { assets: c.assets, balanceStart: c.balanceStart!.slice(), balanceAsset: c.balanceAsset!.slice(), balanceAmount: c.balanceAmount!.slice() } : {}),
      ...(c.gmxUsd ? { gmxUsd: c.gmxUsd.slice() } : {}),
    };
    const book = new ReferenceBook(columns, c.status);
    for (const a of c.removed) book.removed.add(a);
    return book;
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

  get accountIds(): readonly string[] { return this.ids; }
  accountId(account: number): string { return this.ids[account]!; }
  get accountCount(): number { return this.accounts.length; }
  get positionCount(): number { return this.columns().positionSize.length; }
  get positionStart(): Uint32Array { this.alive(); return this.columns().positionStart; }
  get inputs(): Readonly<WritableColumns> { this.alive(); return this.columns(); }
  /** The typed input columns only; the BigInt objects of the reference's account records are not counted. */
  get residentBytes(): number {
    this.alive();
    const c = this.columns();
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
    checkValue(`account "${this.accountId(account)}"`, "collateral", collateral, -I64_MAX - 1n, I64_MAX);
    this.writeCollateral(account, collateral);
  }

  setPosition(position: number, size: bigint, entryPrice: bigint): void {
    this.alive();
    const c = this.columns();
    checkIndex(position, c.positionSize.length, "position");
    checkValue(`position ${position}`, "size", size, -I64_MAX - 1n, I64_MAX);
    checkValue(`position ${position}`, "entryPrice", entryPrice, 0n, I64_MAX);
    checkSide(`position ${position}`, c.positionSide?.[position], size);
    const a = this.owner()[position]!;
    this.writePosition(a, position - c.positionStart[a]!, size, entryPrice);
  }

  /** The reference always evaluates every account (ScanOptions change nothing here). */
  scan(_options?: ScanOptions): ScanResult {
    this.alive();
    const { results, totals } = scanBook(this.book, this.marks);
    const status = this.status;
    const flagged: number[] = [];
    const changes: number[] = [];
    results.forEach((r, a) => {
      const s = r.status === "ok" ? 0 : r.status === "liquidatable" ? 1 : 2;
      if (status[a] !== s) changes.push(a, status[a]!);
      status[a] = s;
      if (r.status !== "ok") flagged.push(a);
    });
    const generation = ++this.generation;
    const edits = this.edits;
    const columns = () => ({ ...this.columns(), positionLeverage: this.columns().positionLeverage, positionSide: this.columns().positionSide });
    return new ScanResult({
      status, accountCount: status.length, totals, accountIds: this.accountIds,
      flagged: () => flagged,
      account: (a) => results[a]!,
      initialMargin: (a) => initialMarginOf(this.venue, this.markets, (m) => this.marks[m]!, columns(), a),
      initialDiscount: (a) => initialDiscount(this.book, this.accounts[a]!),
      venue: this.venue,
      positions: (a) => positionsOf(this.venue, this.markets, (m) => this.marks[m]!, columns(), a),
      isCurrent: () => {
        if (this.disposed) throw new Error("liqscan: this book was disposed; its scan results went with it");
        return generation === this.generation && edits === this.edits;
      },
      changes: () => changes,
    });
  }

  /** One reference scan per shock at the shocked marks; the book is not edited, so results stay current. */
  shockTotals(shocksPpm: readonly bigint[], betaPpm: readonly bigint[]): Totals[] {
    this.alive();
    checkShockGrid(this.markets.length, shocksPpm, betaPpm);
    return shocksPpm.map((s) => scanBook(this.book, marksAtShock(this.marks, s, betaPpm)).totals);
  }

  liquidationPrices(options?: LiquidationPricesOptions): BigInt64Array {
    this.alive();
    const starts = this.positionStart;
    const out = pricesArray(this.positionCount, options?.into);
    let next = 0;
    for (let a = 0; a < this.accountCount; a++) {
      const first = starts[a]!;
      if (options?.onProgress && first >= next) {
        options.onProgress(first, this.positionCount);
        next = first + 10_000;
      }
      for (let p = first; p < starts[a + 1]!; p++) {
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
    return { ...this.book, accounts: this.accounts.slice(), markets: this.markets.map((m, i) => ({ ...m, markPrice: this.marks[i]! })) };
  }

  snapshot(): Uint8Array {
    this.alive();
    const c = this.columns();
    return encodeSnapshot({
      venue: this.venue, liquidatorSharePpm: this.book.liquidatorSharePpm,
      markets: this.markets.map((m, i) => ({ ...m, markPrice: this.marks[i]! })),
      accountIds: this.ids, collateral: c.collateral, positionStart: c.positionStart, positionMarket: c.positionMarket, positionSize: c.positionSize, positionEntry: c.positionEntry,
      accountIsolated: c.accountIsolated, positionLeverage: c.positionLeverage, positionSide: c.positionSide,
      ...(c.assets ? { assets: this.assets, balanceStart: c.balanceStart, balanceAsset: c.balanceAsset, balanceAmount: c.balanceAmount } : {}),
      ...(c.gmxUsd ? { gmxUsd: c.gmxUsd } : {}),
      status: this.status, removed: [...this.removed].sort((x, y) => x - y),
    });
  }

  /** Drop the book; every later use throws, as on the wasm engine. */
  dispose(): void {
    this.disposed = true;
  }

  protected alive(): void {
    if (this.disposed) throw new Error("liqscan: this book was disposed");
  }

  private columns(): BookColumns {
    if (this.columnsCache === null) this.columnsCache = bookToColumns(this.book);
    return this.columnsCache;
  }

  private owner(): Uint32Array {
    if (this.ownerCache === null) {
      const c = this.columns();
      this.ownerCache = new Uint32Array(c.positionSize.length);
      for (let a = 0; a < this.accountCount; a++) this.ownerCache.fill(a, c.positionStart[a]!, c.positionStart[a + 1]!);
    }
    return this.ownerCache;
  }

  /** Account a replaced by `account`: the columns are rebuilt when next asked for. */
  private edit(a: number, account: Account): void {
    this.alive();
    this.accounts[a] = account;
    this.columnsCache = null;
    this.ownerCache = null;
    this.edits++;
  }

  // ---- the primitives of the live edits (bindings/live.ts) ----------------------------------

  protected marketIdMap(): Map<string, number> { return this.marketIds; }
  get assets(): readonly Asset[] { return this.book.assets ?? []; }
  protected balanceOf(a: number, k: number): bigint { return this.accounts[a]!.balances?.find((b) => b.asset === k)?.amount ?? 0n; }
  protected writeBalance(a: number, k: number, amount: bigint): void {
    const acc = this.accounts[a]!;
    const balances = acc.balances ?? [];
    const held = balances.some((b) => b.asset === k);
    if (!held && amount === 0n) return;
    // gmx-v2: an exact amount moves with the edit, keeping its digits below the unit (book/gmx-wide.ts).
    const moved = (b: Balance): Balance => {
      if (b.tokenAmount === undefined) return { asset: k, amount };
      const scale = balanceScale(this.assets[k]!);
      const t = editedBalance(b.tokenAmount, amount, scale);
      return t === amount * scale ? { asset: k, amount } : { asset: k, amount, tokenAmount: t };
    };
    this.edit(a, { ...acc, balances: held ? balances.map((b) => (b.asset === k ? moved(b) : b)) : [...balances, { asset: k, amount }] });
  }
  protected writeAssetPrice(k: number, price: bigint): void {
    this.book = { ...this.book, assets: this.assets.map((x, i) => (i === k ? { ...x, price } : x)) };
    this.columnsCache = null;
    this.edits++;
  }
  protected collateralOf(a: number): bigint { return this.accounts[a]!.collateral; }
  protected writeCollateral(a: number, value: bigint): void {
    // gmx-v2: an edit in quote units moves the amount at 10^-30 and keeps its finer digits (book/gmx-wide.ts).
    const { collateral30, ...acc } = this.accounts[a]!;
    const fine = collateral30 === undefined ? undefined : edited(collateral30, value);
    this.edit(a, { ...acc, collateral: value, ...(fine !== undefined && fine !== derived(value) ? { collateral30: fine } : {}) });
  }
  protected findPosition(a: number, m: number, from = 0): number { return this.accounts[a]!.positions.findIndex((p, k) => k >= from && p.market === m); }
  protected positionCountOf(a: number): number { return this.accounts[a]!.positions.length; }
  protected sizeAt(a: number, k: number): bigint { return this.accounts[a]!.positions[k]!.size; }
  protected entryAt(a: number, k: number): bigint { return this.accounts[a]!.positions[k]!.entryPrice; }
  protected sideAt(a: number, k: number): number { const side = this.accounts[a]!.positions[k]!.side; return side === undefined ? 0 : SIDE_CODE[side]; }
  protected isolated(a: number): boolean { return this.accounts[a]!.margin === "isolated"; }
  protected clearIsolated(a: number): void {
    const { margin: _, ...rest } = this.accounts[a]!;
    this.edit(a, rest);
  }
  protected writePosition(a: number, k: number, size: bigint, entry: bigint): void {
    const acc = this.accounts[a]!;
    this.edit(a, { ...acc, positions: acc.positions.map((p, i) => (i === k ? withEntry(p, size, entry, this.book.markets[p.market]!) : p)) });
  }
  protected appendPosition(a: number, m: number, size: bigint, entry: bigint, leverage: number, side: number): void {
    const acc = this.accounts[a]!;
    const position: Position = { market: m, size, entryPrice: entry, ...(leverage !== 0 ? { leverage: BigInt(leverage) } : {}), ...(side !== 0 ? { side: side === 1 ? "LONG" as const : "SHORT" as const } : {}) };
    this.edit(a, { ...acc, positions: [...acc.positions, position] });
  }
  protected removePosition(a: number, k: number): void {
    const acc = this.accounts[a]!;
    this.edit(a, { ...acc, positions: acc.positions.filter((_, i) => i !== k) });
  }
  protected appendAccount(id: string, collateral: bigint): number {
    const a = this.accounts.length;
    this.accounts.push({ id, collateral, positions: [] });
    this.ids.push(id);
    const status = new Uint8Array(a + 1);
    status.set(this.status);
    this.status = status;
    this.columnsCache = null;
    this.ownerCache = null;
    this.edits++;
    return a;
  }
}

/** A book in column form; `call` names the caller's function in the errors for what is not a book at all. */
export function toColumns(book: Book | BookColumns, call = "load()"): BookColumns {
  checkIsBook(book, call);
  return "collateral" in book ? book : bookToColumns(book);
}

/**
 * A position's entry and size edited (gmx-v2: its sizeInUsd at 10^-30 moves with the entry and its
 * sizeInTokens with the size, each keeping its finer digits; book/gmx-wide.ts).
 */
function withEntry(p: Position, size: bigint, entry: bigint, market: Market): Position {
  const { sizeInUsd30, sizeInTokens, ...rest } = p;
  const fine = sizeInUsd30 === undefined ? undefined : edited(sizeInUsd30, entry);
  const scale = tokenScale(market);
  const tokens = sizeInTokens === undefined ? undefined : editedTokens(sizeInTokens, size, scale);
  return { ...rest, size, entryPrice: entry, ...(fine !== undefined && fine !== derived(entry) ? { sizeInUsd30: fine } : {}), ...(tokens !== undefined && tokens !== size * scale ? { sizeInTokens: tokens } : {}) };
}
