/**
 * A book held in the WebAssembly core's linear memory. Each book gets its own instance (cheap: the
 * compiled module is shared), so its memory is laid out once, never fragmented, and dropped with
 * the book.
 */

import type { Book, BookColumns, Market, Totals, VenueName } from "../book/types.js";
import type { AccountResult } from "../book/types.js";
import { CANDIDATE_CHUNK, checkLayout, DESC, DESC_BYTES, ENTRY, ENTRY_BYTES, I64_MAX, MARKET, MARKET_BYTES, STATUS_DIRTY, TIER, TIER_BYTES, TOTALS, TOTALS_BYTES } from "./layout.js";
import { ScanResult } from "./results.js";
import type { BookBuilder, BookShape, LiveBook, ScanOptions, WritableColumns } from "./types.js";
import { assembleBook, checkColumns, checkIndex, checkShape, checkSide, checkValue, marketIndex } from "./checks.js";
import { marksAtShock, shockIsUnclamped } from "../reference/shock.js";
import { checkShockGrid } from "./shocks.js";
import { CORE_VENUES, type CoreVenue } from "./venues.js";
import { initialMarginOf, positionsOf } from "./margins.js";
import { bankruptcyPricesOf } from "./bankruptcy.js";
import { priceWidePositions } from "./wide-prices.js";

interface CoreExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  layoutVersion(): number;
  descriptorBytes(): number;
  marketBytes(): number;
  tierBytes(): number;
  totalsBytes(): number;
  entryBytes(): number;
  prepareMarkets(desc: number): void;
  summarizeMarkets(desc: number): void;
  /** Each venue's entry points, `${prefix}scanBook` etc. (assembly/venues/index.ts). */
  [venueEntry: string]: unknown;
}

/** A venue's entry points of the core (assembly/venues/index.ts). */
interface VenueEntries {
  /** The number of flagged accounts, or -1 when the list buffers are too small. */
  scanBook(desc: number, incremental: number, movedBits: number): number;
  evaluateAccount(desc: number, account: number): number;
  stressGrid(desc: number, shocks: number, marks: number, totals: number, center: number, interpolate: number): void;
  liquidationPrices(desc: number, out: number, fromAccount: number, toAccount: number): void;
}

function venueEntries(core: CoreExports, venue: CoreVenue): VenueEntries {
  const entry = (name: string) => {
    const f = core[venue.prefix + name];
    if (typeof f !== "function") throw new Error(`liqscan: the WebAssembly core has no ${venue.prefix + name}; rebuild with npm run build`);
    return f as (...args: number[]) => number;
  };
  return {
    scanBook: entry("scanBook"),
    evaluateAccount: entry("evaluateAccount"),
    stressGrid: entry("stressGrid") as VenueEntries["stressGrid"],
    liquidationPrices: entry("liquidationPrices") as VenueEntries["liquidationPrices"],
  };
}

const PAGE = 65536;
/** Room for one stress pass's marks and totals (see shockTotals). */
const STRESS_BUFFER_BYTES = 1 << 20;
/** wasm32 addresses 4 GiB; V8 and SpiderMonkey allow a memory of that size. */
const MAX_PAGES = 65536;

/** Byte offsets of the fixed regions of one book, planned before anything is written. */
interface Plan {
  desc: number;
  marketTable: number;
  tierTable: number;
  collateral: number;
  positionStart: number;
  positionMarket: number;
  positionSize: number;
  positionEntry: number;
  status: number;
  scratch: number;
  totals: number;
  marketSummary: number;
  candidates: number;
  /** First free byte: growable regions (the flagged lists, the liquidation-price buffer) go from here. */
  end: number;
}

function plan(base: number, markets: number, tiers: number, accounts: number, positions: number): Plan {
  let at = align8(base);
  const take = (bytes: number) => {
    const start = at;
    at = align8(at + bytes);
    return start;
  };
  const desc = take(DESC_BYTES);
  const marketTable = take(markets * MARKET_BYTES);
  const tierTable = take(tiers * TIER_BYTES);
  const collateral = take(accounts * 8);
  const positionStart = take((accounts + 1) * 4);
  const positionMarket = take(positions * 4);
  const positionSize = take(positions * 8);
  const positionEntry = take(positions * 8);
  const status = take(accounts);
  const scratch = take(ENTRY_BYTES);
  const totals = take(TOTALS_BYTES);
  const marketSummary = take(accounts * 2);
  const candidates = take(CANDIDATE_CHUNK * 4);
  return { desc, marketTable, tierTable, collateral, positionStart, positionMarket, positionSize, positionEntry, status, scratch, totals, marketSummary, candidates, end: at };
}

/**
 * The flagged list starts with room for 3 % of the accounts (a real book flags about 2 %) and
 * doubles when a scan fills it; that keeps a book near 28 resident bytes per position.
 */
const initialCapacity = (accounts: number) => Math.min(accounts, 256 + Math.ceil(accounts / 32));

/** Positions priced per call of the core's liquidationPrices: a 1 MiB buffer, not 8 bytes per position. */
const PRICE_CHUNK = 131072;

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export async function instantiateCore(module: WebAssembly.Module): Promise<CoreExports> {
  const instance = await WebAssembly.instantiate(module, {});
  const core = instance.exports as unknown as CoreExports;
  checkLayout(core);
  return core;
}

export class WasmBook implements LiveBook {
  readonly engine = "wasm" as const;
  private readonly coreVenue: CoreVenue;
  private readonly entries: VenueEntries;
  private readonly plan: Plan;
  private generation = 0;
  private disposed = false;
  private readonly marketIds: Map<string, number>;
  /** First free byte of memory: the growable regions are bump-allocated from here. */
  private top: number;
  private capacity = 0;
  /** The next scan must evaluate every account (first scan, or the list had to grow). */
  private fullScanNeeded = true;
  private readonly movedMarkets = new Set<number>();
  /** Edits since the last scan: they supersede its result too. */
  private edits = 0;
  private priceBuffer = { at: 0, positions: 0 };
  private stressBuffer = { at: 0, bytes: 0 };

  readonly accountIds: readonly string[];
  /** A venue book's labels (isolated accounts, leverage, sides): kept here, the core never reads them. */
  private labels: Pick<BookColumns, "accountIsolated" | "positionLeverage" | "positionSide"> = {};

  private constructor(
    private core: CoreExports,
    readonly markets: readonly Market[],
    accountIds: readonly string[] | undefined,
    readonly accountCount: number,
    readonly positionCount: number,
    private readonly liquidatorSharePpm: bigint,
    readonly venue: VenueName,
  ) {
    this.coreVenue = CORE_VENUES[venue];
    this.entries = venueEntries(core, this.coreVenue);
    const tiers = markets.reduce((n, m) => n + m.tiers.length, 0);
    this.plan = plan(core.heapBase(), markets.length, tiers, accountCount, positionCount);
    this.top = this.plan.end;
    reserve(core.memory, this.plan.end, accountCount, positionCount);
    // Default ids only once the memory is known to be there: a refused book costs nothing.
    this.accountIds = accountIds ?? Array.from({ length: accountCount }, (_, a) => String(a));
    this.marketIds = new Map(markets.map((m, i) => [m.id, i]));
    this.writeDescriptor();
    this.writeMarkets();
    this.growList(initialCapacity(accountCount));
  }

  /** Lay out an empty book of this shape; the caller fills the input columns. */
  static allocate(core: CoreExports, shape: BookShape): BookBuilder {
    checkShape(shape);
    const book = new WasmBook(core, shape.markets, shape.accountIds, shape.accounts, shape.positions, shape.liquidatorSharePpm, shape.venue ?? "generic");
    return {
      columns: book.inputColumns(),
      finish: () => {
        checkColumns(book.columnsForCheck());
        book.core.summarizeMarkets(book.plan.desc);
        return book;
      },
    };
  }

  static load(core: CoreExports, columns: BookColumns): WasmBook {
    // Check the caller's columns before copying: TypedArray.set would zero-fill a short column
    // and silently convert a plain array's out-of-range values.
    checkColumns(columns);
    const book = new WasmBook(core, columns.markets, columns.accountIds, columns.collateral.length, columns.positionSize.length, columns.liquidatorSharePpm, columns.venue ?? "generic");
    const into = book.inputColumns();
    into.collateral.set(columns.collateral);
    into.positionStart.set(columns.positionStart);
    into.positionMarket.set(columns.positionMarket);
    into.positionSize.set(columns.positionSize);
    into.positionEntry.set(columns.positionEntry);
    if (columns.accountIsolated) book.labels = { accountIsolated: columns.accountIsolated.slice() };
    if (columns.positionLeverage) book.labels = { ...book.labels, positionLeverage: columns.positionLeverage.slice() };
    if (columns.positionSide) book.labels = { ...book.labels, positionSide: columns.positionSide.slice() };
    book.core.summarizeMarkets(book.plan.desc);
    return book;
  }

  private startsCopy?: Uint32Array;

  /** A copy: the offsets must not change under the core once checked. */
  get positionStart(): Uint32Array {
    this.alive();
    this.startsCopy ??= this.inputColumns().positionStart.slice();
    return this.startsCopy;
  }

  get inputs(): Readonly<WritableColumns> {
    return this.inputColumns();
  }

  get residentBytes(): number {
    this.alive();
    return this.core.memory.buffer.byteLength;
  }

  markPrice(market: number | string): bigint {
    const m = marketIndex(this.marketIds, this.markets.length, market);
    return this.view().getBigInt64(this.plan.marketTable + m * MARKET_BYTES + MARKET.mark, true);
  }

  setMarkPrice(market: number | string, price: bigint): void {
    const m = marketIndex(this.marketIds, this.markets.length, market);
    checkValue(`market "${this.markets[m]!.id}"`, "markPrice", price, 0n, I64_MAX);
    const v = this.view();
    const at = this.plan.marketTable + m * MARKET_BYTES;
    v.setBigInt64(at + MARKET.mark, price, true);
    this.movedMarkets.add(m);
    this.edits++;
  }

  setCollateral(account: number, collateral: bigint): void {
    checkIndex(account, this.accountCount, "account");
    checkValue(`account "${this.accountIds[account]}"`, "collateral", collateral, -I64_MAX - 1n, I64_MAX);
    this.inputColumns().collateral[account] = collateral;
    this.markEdited(account);
  }

  setPosition(position: number, size: bigint, entryPrice: bigint): void {
    checkIndex(position, this.positionCount, "position");
    const record = `position ${position}`;
    checkValue(record, "size", size, -I64_MAX - 1n, I64_MAX);
    checkValue(record, "entryPrice", entryPrice, 0n, I64_MAX);
    checkSide(record, this.labels.positionSide?.[position], size);
    const columns = this.inputColumns();
    columns.positionSize[position] = size;
    columns.positionEntry[position] = entryPrice;
    this.markEdited(ownerOf(this.positionStart, position));
  }

  private markEdited(account: number): void {
    const status = new Uint8Array(this.core.memory.buffer, this.plan.status, this.accountCount);
    status[account] = status[account]! | STATUS_DIRTY;
    this.edits++;
  }

  /**
   * Scan the book. After a price tick that moved a few markets, or a few edits, only the accounts
   * they touch are evaluated again (the core carries the others over); the result is the same as
   * a full scan's.
   */
  scan(options: ScanOptions = {}): ScanResult {
    this.alive();
    if (options.full) this.fullScanNeeded = true;
    // An incremental pass still reads every account's markets, so it pays only when most markets held still.
    const incremental = !this.fullScanNeeded && this.movedMarkets.size * 2 <= this.markets.length;
    let movedBits = 0;
    for (const m of this.movedMarkets) movedBits |= 1 << (m & 15);
    let flagged = this.entries.scanBook(this.plan.desc, incremental ? 1 : 0, movedBits);
    while (flagged < 0) {
      // The list filled up: grow it and scan everything (a cut-short pass leaves statuses half new
      // and some edit flags cleared, so until a full scan succeeds nothing incremental is safe).
      this.fullScanNeeded = true;
      this.growList(this.capacity * 2);
      flagged = this.entries.scanBook(this.plan.desc, 0, 0);
    }
    this.fullScanNeeded = false;
    this.movedMarkets.clear();
    const generation = ++this.generation;
    const edits = this.edits;
    const listAt = this.view().getUint32(this.plan.desc + DESC.flagged, true);
    const totals = this.readTotals();
    // Views are made when read: memory grows later (liquidationPrices, a bigger list) and growth
    // detaches every view made before it.
    const book = this;
    return new ScanResult({
      get status() {
        return new Uint8Array(book.core.memory.buffer, book.plan.status, book.accountCount);
      },
      accountCount: this.accountCount,
      totals,
      accountIds: this.accountIds,
      flagged: () => {
        const entries = new Uint32Array(this.core.memory.buffer, listAt, flagged * (ENTRY_BYTES / 4));
        const out = new Uint32Array(flagged);
        for (let i = 0; i < flagged; i++) out[i] = entries[i * (ENTRY_BYTES / 4)]!;
        return out;
      },
      account: (a) => this.accountResult(a, listAt, flagged),
      initialMargin: (a) => initialMarginOf(this.venue, this.markets, (m) => this.markPrice(m), { ...this.inputColumns(), ...this.labels }, a),
      venue: this.venue,
      positions: (a) => positionsOf(this.venue, this.markets, (m) => this.markPrice(m), this.inputColumns(), a),
      isCurrent: () => {
        if (this.disposed) throw new Error("liqscan: this book was disposed; its scan results went with it");
        return generation === this.generation && edits === this.edits;
      },
    });
  }

  /** The exact result of account `a`: from the flagged list when it is there, else evaluated now. */
  private accountResult(a: number, listAt: number, flagged: number): AccountResult {
    const v = this.view();
    // Binary search: the list is in account order.
    let lo = 0, hi = flagged;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v.getUint32(listAt + mid * ENTRY_BYTES + ENTRY.account, true) < a) lo = mid + 1;
      else hi = mid;
    }
    let entry = listAt + lo * ENTRY_BYTES;
    if (lo === flagged || v.getUint32(entry + ENTRY.account, true) !== a) {
      this.entries.evaluateAccount(this.plan.desc, a);
      entry = this.plan.scratch;
    }
    return readEntry(v, entry);
  }

  /**
   * The grid in passes of the core (assembly/stress.ts), each over a slice of the shocks in
   * ascending order, which with nothing clamped lets the core prove an account safe over a run of
   * shocks at once; the totals come back in the caller's order. A slice's marks and totals fit
   * STRESS_BUFFER_BYTES, so a huge grid costs passes, not resident memory (101 shocks over 50
   * markets is one pass).
   */
  shockTotals(shocksPpm: readonly bigint[], betaPpm: readonly bigint[]): Totals[] {
    this.alive();
    const markets = this.markets.length;
    checkShockGrid(markets, shocksPpm, betaPpm);
    const shocks = shocksPpm.length;
    const base = this.markets.map((_, m) => this.markPrice(m));
    const order = shocksPpm.map((_, i) => i).sort((i, j) => (shocksPpm[i]! < shocksPpm[j]! ? -1 : shocksPpm[i]! > shocksPpm[j]! ? 1 : i - j));
    const perPass = Math.max(3, Math.floor((STRESS_BUFFER_BYTES - markets * 8) / (markets * 8 + TOTALS_BYTES)));
    const rows = Math.min(perPass, shocks);
    const marksBytes = (rows + 1) * markets * 8;
    const at = this.stressBufferFor(marksBytes + rows * TOTALS_BYTES);
    const abs = (x: bigint) => (x < 0n ? -x : x);
    const totals: Totals[] = new Array(shocks);
    for (let from = 0; from < shocks; from += perPass) {
      const slice = order.slice(from, from + perPass);
      const marks = new BigInt64Array(this.core.memory.buffer, at, (slice.length + 1) * markets);
      let interpolate = true;
      let center = 0;
      slice.forEach((i, row) => {
        const s = shocksPpm[i]!;
        marks.set(marksAtShock(base, s, betaPpm), row * markets);
        for (let m = 0; m < markets; m++) interpolate &&= betaPpm[m] === 0n || shockIsUnclamped(base[m]!, s, betaPpm[m]!);
        if (abs(s) < abs(shocksPpm[slice[center]!]!)) center = row;
      });
      marks.set(base, slice.length * markets);
      this.entries.stressGrid(this.plan.desc, slice.length, at, at + marksBytes, center, interpolate ? 1 : 0);
      slice.forEach((i, row) => (totals[i] = this.readTotals(at + marksBytes + row * TOTALS_BYTES)));
    }
    return totals;
  }

  liquidationPrices(options?: { readonly onProgress?: (done: number, total: number) => void }): BigInt64Array {
    const onProgress = options?.onProgress;
    const prices = this.corePrices(onProgress);
    // The core computes in fixed widths (128-bit signed intermediates; see the header of
    // assembly/liquidation-price.ts for the exact regime) and writes -2 ("wide") for a position
    // whose intermediates might leave them (sizes and prices near 2^63, e < 0 with huge products,
    // an account whose other positions' pnl or maintenance leave 64 bits) and for the two legs of
    // a hedged pair: ./wide-prices.ts prices those with the exact BigInt reference, so the result
    // is exact for every valid book.
    const c = this.inputColumns();
    priceWidePositions(prices, { venue: this.venue, liquidatorSharePpm: this.liquidatorSharePpm, markets: () => this.markets.map((m, i) => ({ ...m, markPrice: this.markPrice(i) })), ...c });
    onProgress?.(this.positionCount, this.positionCount);
    return prices;
  }

  /** The core's own answer, with -2 where a position needs the wide fallback (for tests and diagnostics). */
  corePrices(onProgress?: (done: number, total: number) => void): BigInt64Array {
    this.alive();
    const prices = new BigInt64Array(this.positionCount);
    const starts = this.positionStart;
    // Whole accounts per call, as many as fit the buffer (one account larger than it grows it).
    for (let from = 0; from < this.accountCount;) {
      let to = from + 1;
      while (to < this.accountCount && starts[to + 1]! - starts[from]! <= PRICE_CHUNK) to++;
      const count = starts[to]! - starts[from]!;
      const at = this.priceBufferFor(count);
      this.entries.liquidationPrices(this.plan.desc, at, from, to);
      prices.set(new BigInt64Array(this.core.memory.buffer, at, count), starts[from]!);
      from = to;
      onProgress?.(starts[from]!, this.positionCount);
    }
    return prices;
  }

  bankruptcyPrices(): BigInt64Array {
    return bankruptcyPricesOf(this.toBook());
  }

  toBook(): Book {
    const c = this.inputColumns();
    const markets = this.markets.map((m, i) => ({ ...m, markPrice: this.markPrice(i) }));
    return assembleBook(this.venue, this.liquidatorSharePpm, markets, this.accountIds, { ...c, ...this.labels });
  }

  dispose(): void {
    this.disposed = true;
    // Drop the instance so its memory can be collected.
    this.core = undefined as unknown as CoreExports;
  }

  // ---- memory ------------------------------------------------------------------------------

  private view(): DataView {
    this.alive();
    return new DataView(this.core.memory.buffer);
  }

  /** Views are made on demand: any memory growth detaches the old ones. */
  private inputColumns(): WritableColumns {
    this.alive();
    const buffer = this.core.memory.buffer;
    const p = this.plan;
    return {
      collateral: new BigInt64Array(buffer, p.collateral, this.accountCount),
      positionStart: new Uint32Array(buffer, p.positionStart, this.accountCount + 1),
      positionMarket: new Uint32Array(buffer, p.positionMarket, this.positionCount),
      positionSize: new BigInt64Array(buffer, p.positionSize, this.positionCount),
      positionEntry: new BigInt64Array(buffer, p.positionEntry, this.positionCount),
    };
  }

  private columnsForCheck(): BookColumns {
    return { ...this.inputColumns(), ...(this.venue !== "generic" ? { venue: this.venue } : {}), liquidatorSharePpm: this.liquidatorSharePpm, markets: this.markets, accountIds: this.accountIds };
  }

  /** Bump-allocate `bytes` at the top of memory, growing it. */
  private take(bytes: number): number {
    const at = align8(this.top);
    reserve(this.core.memory, at + bytes, this.accountCount, this.positionCount);
    this.top = at + bytes;
    return at;
  }

  /**
   * New list buffers of `capacity` entries, empty: every growth is followed by a full scan, which
   * does not read the previous list (a result still holding the old buffers keeps reading them).
   */
  private growList(capacity: number): void {
    capacity = Math.max(1, capacity);
    const current = this.take(capacity * ENTRY_BYTES);
    const spare = this.take(capacity * ENTRY_BYTES);
    const v = this.view();
    const d = this.plan.desc;
    v.setUint32(d + DESC.flagged, current, true);
    v.setUint32(d + DESC.flaggedCount, 0, true);
    v.setUint32(d + DESC.spare, spare, true);
    v.setUint32(d + DESC.capacity, capacity, true);
    this.capacity = capacity;
  }

  /** A buffer of at least `bytes` for stress grids, reused from call to call (the allocator never frees). */
  private stressBufferFor(bytes: number): number {
    if (this.stressBuffer.bytes < bytes) this.stressBuffer = { at: this.take(bytes), bytes };
    return this.stressBuffer.at;
  }

  private priceBufferFor(positions: number): number {
    if (this.priceBuffer.positions < positions) {
      const room = Math.max(positions, Math.min(PRICE_CHUNK, this.positionCount));
      this.priceBuffer = { at: this.take(room * 8), positions: room };
    }
    return this.priceBuffer.at;
  }

  private readTotals(at = this.plan.totals): Totals {
    const v = this.view();
    const u128 = (offset: number) => v.getBigUint64(at + offset, true) | (v.getBigUint64(at + offset + 8, true) << 64n);
    return {
      liquidatable: v.getUint32(at + TOTALS.liquidatable, true),
      overflow: v.getUint32(at + TOTALS.overflow, true),
      penalty: u128(TOTALS.penalty),
      liquidatorReward: u128(TOTALS.liquidatorReward),
      insuranceFund: u128(TOTALS.insuranceFund),
      badDebt: u128(TOTALS.badDebt),
      notional: u128(TOTALS.notional),
    };
  }

  private writeDescriptor(): void {
    const v = new DataView(this.core.memory.buffer);
    const p = this.plan;
    const d = p.desc;
    const u32 = (offset: number, value: number) => v.setUint32(d + offset, value, true);
    u32(DESC.accounts, this.accountCount);
    u32(DESC.positions, this.positionCount);
    u32(DESC.markets, this.markets.length);
    u32(DESC.collateral, p.collateral);
    u32(DESC.positionStart, p.positionStart);
    u32(DESC.positionMarket, p.positionMarket);
    u32(DESC.positionSize, p.positionSize);
    u32(DESC.positionEntry, p.positionEntry);
    u32(DESC.marketTable, p.marketTable);
    u32(DESC.tierTable, p.tierTable);
    u32(DESC.status, p.status);
    u32(DESC.scratch, p.scratch);
    u32(DESC.totals, p.totals);
    u32(DESC.marketSummary, p.marketSummary);
    u32(DESC.candidates, p.candidates);
    u32(DESC.flagged, 0);
    u32(DESC.flaggedCount, 0);
    v.setBigInt64(d + DESC.liquidatorShare, this.liquidatorSharePpm, true);
  }

  private writeMarkets(): void {
    const v = new DataView(this.core.memory.buffer);
    let tier = 0;
    this.markets.forEach((market, m) => {
      const at = this.plan.marketTable + m * MARKET_BYTES;
      v.setBigInt64(at + MARKET.mark, market.markPrice, true);
      v.setInt32(at + MARKET.sizeDecimals, market.sizeDecimals, true);
      v.setInt32(at + MARKET.priceDecimals, market.priceDecimals, true);
      v.setBigInt64(at + MARKET.feePpm, market.liquidationFeePpm, true);
      v.setBigInt64(at + MARKET.volCurrent, market.volatility?.currentPpm ?? 0n, true);
      v.setBigInt64(at + MARKET.volReference, market.volatility?.referencePpm ?? 0n, true);
      v.setBigInt64(at + MARKET.depth, market.impact?.depth ?? 0n, true);
      v.setBigInt64(at + MARKET.maxSlippage, market.impact?.maxSlippagePpm ?? 0n, true);
      v.setUint32(at + MARKET.tierStart, tier, true);
      v.setUint32(at + MARKET.tierCount, market.tiers.length, true);
      const { denominator, rates } = this.coreVenue.rates(market);
      v.setBigUint64(at + MARKET.rateDenominator, denominator, true);
      const tierAts: number[] = [];
      market.tiers.forEach((t, j) => {
        const tierAt = this.plan.tierTable + tier * TIER_BYTES;
        v.setBigInt64(tierAt + TIER.maxNotional, t.maxNotional ?? I64_MAX, true);
        v.setBigInt64(tierAt + TIER.mmrPpm, rates[j]!, true);
        tierAts.push(tierAt);
        tier++;
      });
      this.coreVenue.writeFields?.(v, at, tierAts, market);
    });
    this.core.prepareMarkets(this.plan.desc);
  }

  private alive(): void {
    if (this.disposed) throw new Error("liqscan: this book was disposed");
  }
}

function reserve(memory: WebAssembly.Memory, end: number, accounts: number, positions: number): void {
  const pages = Math.ceil(end / PAGE);
  const have = memory.buffer.byteLength / PAGE;
  const tooLarge = () => new RangeError(
    `liqscan: a book of ${accounts} accounts and ${positions} positions needs ${mib(end)} of WebAssembly memory; ` +
    `the limit is ${mib(MAX_PAGES * PAGE)} (wasm32) and this runtime could not provide it. Split the book into shards.`,
  );
  if (pages > MAX_PAGES) throw tooLarge();
  if (pages > have) {
    try {
      memory.grow(pages - have);
    } catch {
      throw tooLarge();
    }
  }
}

/** An entry of the flagged list (or the scratch entry) as the model's AccountResult. */
function readEntry(v: DataView, at: number): AccountResult {
  const i64 = (field: number) => v.getBigInt64(at + field, true);
  const status = v.getUint32(at + ENTRY.status, true);
  if (status === 2) return { status: "overflow", equity: null, maintenance: null, closeOut: null };
  const equity = i64(ENTRY.equity), maintenance = i64(ENTRY.maintenance);
  if (status === 0) return { status: "ok", equity, maintenance, closeOut: null };
  const penalty = i64(ENTRY.penalty), liquidatorReward = i64(ENTRY.liquidatorReward);
  const notional = v.getBigUint64(at + ENTRY.notional, true) | (v.getBigUint64(at + ENTRY.notional + 8, true) << 64n);
  return {
    status: "liquidatable", equity, maintenance,
    closeOut: { notional, penalty, liquidatorReward, insuranceFund: penalty - liquidatorReward, badDebt: i64(ENTRY.badDebt), returned: i64(ENTRY.returned) },
  };
}

/** The account holding position `p`: the last a with start[a] <= p. */
function ownerOf(starts: Uint32Array, p: number): number {
  let lo = 0, hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const mib = (bytes: number) => `${Math.ceil(bytes / 2 ** 20)} MiB`;
