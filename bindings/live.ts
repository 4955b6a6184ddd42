/**
 * The edits of a live book that change its shape or move money (new and removed accounts, opened
 * and closed positions, fills, deposits, withdrawals), stated once for both engines: the checks,
 * the errors and the venue's fill rule live here, and each engine supplies the few primitives that
 * touch its storage (the wasm engine's slots in WebAssembly memory, the reference's objects).
 */
import { BookError, bookError, type RecordName } from "../book/errors.js";
import { SIDE_CODE, type Asset, type Market, type VenueName } from "../book/types.js";
import { venueRules } from "../reference/venues/index.js";
import { checkSide, checkValue, marketIndex } from "./checks.js";
import { I64_MAX } from "./layout.js";
import type { AccountRef, FillResult, PositionLabels } from "./types.js";

const I64_MIN = -I64_MAX - 1n;

/** What an engine provides: positions by account and index within it (k), in the account's order. */
/** What the live edits need of an id index: a Map, or the wasm book's open addressing (book/validate.ts IdIndex). */
export interface IdLookup {
  get(id: string): number | undefined;
  set(id: string, account: number): unknown;
}

export abstract class LiveEdits {
  abstract readonly venue: VenueName;
  abstract readonly markets: readonly Market[];
  abstract readonly accountCount: number;
  protected abstract readonly ids: string[];
  /** Ids to account indices (a Map on the reference engine; `set` is called with the id just appended to `ids`). */
  protected abstract readonly idIndex: IdLookup;
  protected abstract readonly removed: Set<number>;
  protected abstract marketIdMap(): Map<string, number>;

  protected abstract collateralOf(a: number): bigint;
  protected abstract writeCollateral(a: number, value: bigint): void;
  /** Index within account a of its position in market m, or -1. */
  /** The first k >= from of account a's positions that holds market m, or -1. */
  protected abstract findPosition(a: number, m: number, from?: number): number;
  protected abstract positionCountOf(a: number): number;
  protected abstract sizeAt(a: number, k: number): bigint;
  protected abstract entryAt(a: number, k: number): bigint;
  protected abstract sideAt(a: number, k: number): number;
  protected abstract isolated(a: number): boolean;
  protected abstract clearIsolated(a: number): void;
  protected abstract writePosition(a: number, k: number, size: bigint, entry: bigint): void;
  protected abstract appendPosition(a: number, m: number, size: bigint, entry: bigint, leverage: number, side: number): void;
  protected abstract removePosition(a: number, k: number): void;
  protected abstract appendAccount(id: string, collateral: bigint): number;
  protected abstract alive(): void;
  /** The book's assets at their current prices. */
  abstract readonly assets: readonly Asset[];
  /** Account a's balance in asset k (0 where it holds none). */
  protected abstract balanceOf(a: number, k: number): bigint;
  /** Set account a's balance in asset k, and value the account again. */
  protected abstract writeBalance(a: number, k: number, amount: bigint): void;
  /** Set asset k's price, and value every account holding it again. */
  protected abstract writeAssetPrice(k: number, price: bigint): void;

  private assetIdMap?: Map<string, number>;
  /** Index of an asset given by index or id, with an error naming what the book has. */
  protected assetIndex(asset: number | string): number {
    const assets = this.assets;
    const k = typeof asset === "string" ? (this.assetIdMap ??= new Map(assets.map((x, i) => [x.id, i]))).get(asset) : asset;
    if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k >= assets.length) {
      const known = assets.length ? `the book's assets are ${assets.map((x) => JSON.stringify(x.id)).join(", ")}` : "the book lists no assets";
      throw new RangeError(`liqscan: ${JSON.stringify(asset)} is not an asset of the book (${known})`);
    }
    return k;
  }

  assetPrice(asset: number | string): bigint {
    this.alive();
    return this.assets[this.assetIndex(asset)]!.price;
  }

  setAssetPrice(asset: number | string, price: bigint): void {
    this.alive();
    const k = this.assetIndex(asset);
    checkValue(`asset ${JSON.stringify(this.assets[k]!.id)}`, "price", price, 0n, I64_MAX);
    this.writeAssetPrice(k, price);
  }

  balance(account: AccountRef, asset: number | string): bigint {
    const a = this.accountRef(account, true);
    return this.balanceOf(a, this.assetIndex(asset));
  }

  setBalance(account: AccountRef, asset: number | string, amount: bigint): void {
    const a = this.accountRef(account);
    const k = this.assetIndex(asset);
    checkValue(() => `account ${JSON.stringify(this.ids[a])} asset ${JSON.stringify(this.assets[k]!.id)}`, "balance", amount, I64_MIN, I64_MAX);
    this.writeBalance(a, k, amount);
  }

  accountIndex(id: string): number | undefined {
    this.alive();
    return this.idIndex.get(id);
  }

  position(account: AccountRef, market: number | string, side?: "LONG" | "SHORT"): { readonly size: bigint; readonly entryPrice: bigint } | null {
    const a = this.accountRef(account, true);
    const m = marketIndex(this.marketIdMap(), this.markets.length, market);
    const record = () => `account ${JSON.stringify(this.ids[a])} market ${JSON.stringify(this.markets[m]!.id)}`;
    const k = this.locate(a, m, this.sideCode(side, record), record);
    return k < 0 ? null : { size: this.sizeAt(a, k), entryPrice: this.entryAt(a, k) };
  }

  /**
   * Account a's position in market m on `side` (0: the one it holds), or -1. An account holding
   * the market both LONG and SHORT (binance-usdm hedge mode) must say which.
   */
  private locate(a: number, m: number, side: number, record: RecordName): number {
    const k = this.findPosition(a, m);
    if (k < 0) return -1;
    const other = this.findPosition(a, m, k + 1);
    if (other < 0) return side === 0 || this.sideAt(a, k) === side ? k : -1;
    if (side === 0) throw bookError(record, "side", "the account holds this market LONG and SHORT (hedge mode): say which side");
    return this.sideAt(a, k) === side ? k : other;
  }

  /** Why account a may not open a position on `side` in market m, which it holds already, or null. */
  private heldAlready(a: number, m: number, side: number): string | null {
    const k = this.findPosition(a, m);
    if (k < 0) return null;
    const held = this.sideAt(a, k);
    if (this.venue === "binance-usdm" && side !== 0 && held !== 0 && held !== side && this.findPosition(a, m, k + 1) < 0) return null;
    return "the account already holds a position in this market (an account holds at most one per market, or in binance-usdm hedge mode a LONG and a SHORT): fill it, or close it first";
  }

  private sideCode(side: "LONG" | "SHORT" | undefined, record: RecordName): number {
    if (side === undefined) return 0;
    if (this.venue !== "binance-usdm") throw bookError(record, "side", `a side is a binance-usdm hedge-mode label; a ${this.venue} position has none`);
    if (side !== "LONG" && side !== "SHORT") throw bookError(record, "side", `expected "LONG" or "SHORT", got ${JSON.stringify(side)}`);
    return SIDE_CODE[side];
  }

  isRemoved(account: AccountRef): boolean {
    return this.removed.has(this.accountRef(account, true));
  }

  addAccount(id: string, collateral = 0n): number {
    this.alive();
    if (typeof id !== "string" || id === "") throw new BookError("account", "id", `expected a non-empty string, got ${typeof id === "string" ? "an empty one" : typeof id}`);
    checkValue(`account ${JSON.stringify(id)}`, "collateral", collateral, I64_MIN, I64_MAX);
    const old = this.idIndex.get(id);
    if (old !== undefined) {
      if (!this.removed.has(old)) throw new BookError(`account ${JSON.stringify(id)}`, "id", `is already account ${old} of this book`);
      this.removed.delete(old);
      this.writeCollateral(old, collateral);
      return old;
    }
    if (this.accountCount >= 0xffff_fffe) throw new RangeError("liqscan: a book holds at most 4294967294 accounts");
    const a = this.appendAccount(id, collateral);
    this.idIndex.set(id, a);
    return a;
  }

  removeAccount(account: AccountRef): void {
    const a = this.accountRef(account);
    for (let k = this.positionCountOf(a) - 1; k >= 0; k--) this.removePosition(a, k);
    this.clearIsolated(a);
    this.writeCollateral(a, 0n);
    for (let k = 0; k < this.assets.length; k++) if (this.balanceOf(a, k) !== 0n) this.writeBalance(a, k, 0n);
    this.removed.add(a);
  }

  openPosition(account: AccountRef, market: number | string, size: bigint, entryPrice: bigint, labels: PositionLabels = {}): void {
    const a = this.accountRef(account);
    const m = marketIndex(this.marketIdMap(), this.markets.length, market);
    // Named only when the edit is refused (building the name cost more than the edit).
    const record = () => `account ${JSON.stringify(this.ids[a])} market ${JSON.stringify(this.markets[m]!.id)}`;
    checkValue(record, "size", size, I64_MIN, I64_MAX);
    checkValue(record, "entryPrice", entryPrice, 0n, I64_MAX);
    const refused = this.heldAlready(a, m, labels.side === "LONG" ? SIDE_CODE.LONG : labels.side === "SHORT" ? SIDE_CODE.SHORT : 0);
    if (refused !== null) throw bookError(record, "market", refused);
    if (this.isolated(a)) throw bookError(record, "market", "an isolated account holds exactly one position (it is that position's own margin)");
    const leverage = labels.leverage ?? 0;
    if (leverage !== 0) {
      if (this.venue === "generic") throw bookError(record, "leverage", "a leverage is a venue label; a generic book has none");
      if (!Number.isInteger(leverage) || leverage < 1 || leverage > 0xffffffff) throw bookError(record, "leverage", `${leverage} is not a whole number from 1 to 4294967295`);
    }
    let side = 0;
    if (labels.side !== undefined) {
      if (this.venue !== "binance-usdm") throw bookError(record, "side", `a side is a binance-usdm hedge-mode label; a ${this.venue} position has none`);
      if (labels.side !== "LONG" && labels.side !== "SHORT") throw bookError(record, "side", `expected "LONG" or "SHORT", got ${JSON.stringify(labels.side)}`);
      side = SIDE_CODE[labels.side];
      checkSide(record, side, size);
    }
    this.appendPosition(a, m, size, entryPrice, leverage, side);
  }

  closePosition(account: AccountRef, market: number | string, side?: "LONG" | "SHORT"): void {
    const a = this.accountRef(account);
    const m = marketIndex(this.marketIdMap(), this.markets.length, market);
    // Named only when the edit is refused (building the name cost more than the edit).
    const record = () => `account ${JSON.stringify(this.ids[a])} market ${JSON.stringify(this.markets[m]!.id)}`;
    const k = this.locate(a, m, this.sideCode(side, record), record);
    if (k < 0) throw bookError(record, "market", "the account holds no position in this market");
    if (this.isolated(a)) throw bookError(record, "market", "an isolated account holds exactly one position (it is that position's own margin): remove the account instead");
    this.removePosition(a, k);
  }

  fill(account: AccountRef, market: number | string, size: bigint, price: bigint, fee = 0n, side?: "LONG" | "SHORT"): FillResult {
    const a = this.accountRef(account);
    const m = marketIndex(this.marketIdMap(), this.markets.length, market);
    // Named only when the fill is refused (two JSON.stringify a fill cost a fifth of it).
    const record = () => `account ${JSON.stringify(this.ids[a])} market ${JSON.stringify(this.markets[m]!.id)} fill`;
    checkValue(record, "size", size, I64_MIN, I64_MAX);
    if (size === 0n) throw bookError(record, "size", "a fill of size 0 trades nothing");
    checkValue(record, "price", price, 0n, I64_MAX);
    checkValue(record, "fee", fee, 0n, I64_MAX);
    const sideCode = this.sideCode(side, record);
    const k = this.locate(a, m, sideCode, record);
    if (k < 0 && this.isolated(a)) throw bookError(record, "market", "an isolated account holds exactly one position (it is that position's own margin)");
    const refused = k < 0 ? this.heldAlready(a, m, sideCode) : null;
    if (refused !== null) throw bookError(record, "side", refused);
    const oldSize = k < 0 ? 0n : this.sizeAt(a, k);
    const oldEntry = k < 0 ? 0n : this.entryAt(a, k);
    const out = venueRules(this.venue).fill(this.markets[m]!, oldSize, oldEntry, size, price);
    const delta = out.collateralDelta - fee;
    const collateral = this.collateralOf(a) + delta;
    checkValue(record, "size", out.size, I64_MIN, I64_MAX);
    checkValue(record, "entryPrice", out.entryPrice, 0n, I64_MAX);
    checkValue(record, "collateral", collateral, I64_MIN, I64_MAX);
    checkSide(record, k >= 0 ? this.sideAt(a, k) : sideCode, out.size);
    const closes = out.size === 0n && !this.isolated(a);
    if (k < 0) this.appendPosition(a, m, out.size, out.entryPrice, 0, sideCode);
    else if (closes) this.removePosition(a, k);
    else this.writePosition(a, k, out.size, out.entryPrice);
    this.writeCollateral(a, collateral);
    return { size: out.size, entryPrice: closes ? 0n : out.entryPrice, collateralDelta: delta, collateral };
  }

  deposit(account: AccountRef, amount: bigint): void {
    this.moveCollateral(account, amount, 1n, "deposit");
  }

  withdraw(account: AccountRef, amount: bigint): void {
    this.moveCollateral(account, amount, -1n, "withdrawal");
  }

  private moveCollateral(account: AccountRef, amount: bigint, sign: bigint, what: string): void {
    const a = this.accountRef(account);
    const record = () => `account ${JSON.stringify(this.ids[a])} ${what}`;
    checkValue(record, "amount", amount, 1n, I64_MAX);
    const collateral = this.collateralOf(a) + sign * amount;
    checkValue(record, "collateral", collateral, I64_MIN, I64_MAX);
    this.writeCollateral(a, collateral);
  }

  /** An account's index from an index or an id; a removed account only where `removedToo`. */
  protected accountRef(account: AccountRef, removedToo = false): number {
    this.alive();
    let a: number | undefined;
    if (typeof account === "string") {
      a = this.idIndex.get(account);
      if (a === undefined) throw new RangeError(`liqscan: no account ${JSON.stringify(account)} in this book`);
    } else {
      a = account;
      if (!Number.isInteger(a) || a < 0 || a >= this.accountCount) throw new RangeError(`liqscan: account index ${a} is outside 0..${this.accountCount - 1}`);
    }
    if (!removedToo && this.removed.has(a)) throw new RangeError(`liqscan: account ${JSON.stringify(this.ids[a])} was removed; addAccount(${JSON.stringify(this.ids[a])}) brings it back`);
    return a;
  }
}
