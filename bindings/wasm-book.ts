/**
 * A book held in the WebAssembly core's linear memory. Each book gets its own instance (cheap: the
 * compiled module is shared), so its memory is laid out once, never fragmented, and dropped with
 * the book.
 */

import type { Asset, Book, BookColumns, Market, Totals, VenueName } from "../book/types.js";
import type { AccountResult } from "../book/types.js";
import { ASSET, ASSET_BYTES, CANDIDATE_CHUNK, CHANGE_BYTES, checkLayout, DESC, DESC_BYTES, ENTRY, ENTRY_BYTES, FREE_SLOT, I64_MAX, MARKET, MARKET_BYTES, STATUS_DIRTY, TIER, TIER_BYTES, TOTALS, TOTALS_BYTES } from "./layout.js";
import { ScanResult } from "./results.js";
import type { AccountRef, BookBuilder, BookShape, LiquidationPricesOptions, LiveBook, ScanOptions, WritableColumns } from "./types.js";
import { assembleBook, checkColumns, checkIndex, checkShape, checkSide, checkValue, marketIndex, pricesArray } from "./checks.js";
import { IdIndex, pendingIds, validateColumnsExceptPlainPositions } from "../book/validate.js";
import { LiveEdits, type IdLookup } from "./live.js";
import { checkSnapshotContent, coreChecksum, decodeSnapshot, encodeIds, encodeSnapshot, snapshotContent, SnapshotError, verifyChecksum, type IdImage, type PlacedPart, type SnapshotContent, type SnapshotFrame } from "./snapshot.js";
import { marksAtShock, shockIsUnclamped } from "../reference/shock.js";
import { checkShockGrid } from "./shocks.js";
import { CORE_VENUES, type CoreVenue } from "./venues.js";
import { initialMarginOf, positionsOf } from "./margins.js";
import { bankruptcyPricesOf } from "./bankruptcy.js";
import { priceWidePositions } from "./wide-prices.js";
import { initialDiscount } from "../reference/assets.js";
import { balancesOf } from "../book/columns.js";
import { GMX_WORDS, assetTokenDecimals, balanceScale, columnOfRegion, derived, edited, editedBalance, editedTokens, readWide, regionWords, tokenScale, writeWide } from "../book/gmx-wide.js";

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
  changeBytes(): number;
  assetBytes(): number;
  /** The collateral value of accounts [from, to) from the quote collateral and the balances (assembly/assets.ts); the number that changed. */
  valueCollateral(desc: number, from: number, to: number, markDirty: number): number;
  /** Each market's holders, ascending, at [offsets[m], offsets[m + 1]), and their sizes (assembly/tick.ts). */
  countHolders(desc: number, offsets: number): number;
  fillHolders(desc: number, holders: number, sizes: number, offsets: number): void;
  markHolders(desc: number, holders: number, count: number): void;
  /** -1, or an account of the loaded (compact) book whose positions break a plain rule (assembly/validate.ts). */
  checkPlainPositions(desc: number, positions: number, seen: number): number;
  /** A snapshot image's checksum over wasm memory, and a restore's offset checks (assembly/snapshot.ts; bindings/snapshot.ts coreChecksum, checkSnapshotContent). */
  checksumStart(length: number): void;
  checksumWords(ptr: number, words: number): void;
  checksumEnd(ptr: number, bytes: number): number;
  firstDescent(ptr: number, count: number): number;
  firstAtLeast(ptr: number, count: number, bound: number): number;
  /** A live book's re-layout: its slots compacted into account order in a scratch region of wasm memory, and placed back (assembly/relayout.ts). */
  compactSlots(desc: number, to: number, live: number): number;
  placeSlots(desc: number, from: number, live: number): void;
  slotScratchBytes(live: number, accounts: number): number;
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
  positionEnd: number;
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

/**
 * Where every column of a book with room for `accounts` accounts and `positions` position slots
 * goes (assembly/layout.ts); `live`: with a positionEnd column of its own. The descriptor and the market and tier tables come first, so a
 * re-layout with other capacities (WasmBook.relayout) leaves them where they are.
 */
function plan(base: number, markets: number, tiers: number, accounts: number, positions: number, live: boolean): Plan {
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
  // A compact book's ends are its starts shifted by one (end[a] = start[a + 1]): a column of its
  // own only once the book is live (4 bytes an account that a loaded book does not pay).
  const positionEnd = live ? take(accounts * 4) : positionStart + 4;
  const positionMarket = take(positions * 4);
  const positionSize = take(positions * 8);
  const positionEntry = take(positions * 8);
  const status = take(accounts);
  const scratch = take(ENTRY_BYTES);
  const totals = take(TOTALS_BYTES);
  const marketSummary = take(accounts * 4);
  const candidates = take(CANDIDATE_CHUNK * 4);
  return { desc, marketTable, tierTable, collateral, positionStart, positionEnd, positionMarket, positionSize, positionEntry, status, scratch, totals, marketSummary, candidates, end: at };
}

/**
 * A book with collateral assets (assembly/layout.ts, DESC_ASSETS..): the asset table, the
 * collateral value column the scan reads, and the balances, bump-allocated after the plan's
 * regions (placed again after every re-layout, which frees them). Balances are kept in account
 * order with room for more; a balance in an asset the account did not hold shifts the later ones.
 */
interface AssetRegion {
  table: number;
  value: number;
  balanceStart: number;
  balanceAsset: number;
  balanceAmount: number;
  /** Accounts and balances the region has room for. */
  accountCap: number;
  balanceCap: number;
}

/** The balances as columns (what a region holds, and what relayout carries over). */
interface BalanceData {
  balanceStart: Uint32Array;
  balanceAsset: Uint32Array;
  balanceAmount: BigInt64Array;
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

/**
 * The instance of a disposed book, kept for the engine's next book. A fresh WebAssembly memory
 * is zero pages that the operating system maps on first touch: on this benchmark machine (a
 * virtual machine) that first touch costs about 6 ms per MiB, most of a load or a restore, while
 * clearing memory already mapped costs a fraction of a millisecond per MiB. So dispose() hands the
 * instance back here (one, up to SPARE_LIMIT_BYTES: the memory stays resident until the next book
 * takes it), and the next load, allocate or restore clears the part a book used and takes it:
 * the book then starts from zeroed memory exactly as in a fresh instance.
 */
export class CorePool {
  private spare?: { core: CoreExports; used: number };
  constructor(private readonly module: WebAssembly.Module) {}

  async take(): Promise<CoreExports> {
    const s = this.spare;
    if (s === undefined) return instantiateCore(this.module);
    this.spare = undefined;
    const base = s.core.heapBase();
    new Uint8Array(s.core.memory.buffer, base, Math.min(s.used, s.core.memory.buffer.byteLength) - base).fill(0);
    return s.core;
  }

  /** Keeps `core` for the next book when its memory is not too large; `used`: the end of what its book wrote. */
  give(core: CoreExports, used: number): void {
    if (core.memory.buffer.byteLength <= SPARE_LIMIT_BYTES) this.spare = { core, used };
  }
}

/** The largest memory a disposed book leaves for the next one (above it, dispose() lets it go). */
export const SPARE_LIMIT_BYTES = 1 << 30;

/**
 * A venue book's slot labels (JavaScript columns beside the core's) in account order, as the
 * core's compactSlots lays out the slots: runs of accounts whose slots follow one another are one
 * copy each.
 */
function compactLabels(starts: Uint32Array, ends: Uint32Array, accounts: number, live: number, leverage?: Uint32Array, side?: Uint8Array): { leverage?: Uint32Array; side?: Uint8Array } {
  const out = { leverage: leverage ? new Uint32Array(live) : undefined, side: side ? new Uint8Array(live) : undefined };
  let k = 0, runFrom = 0, runTo = 0;
  const flush = () => {
    const at = k - (runTo - runFrom);
    if (leverage) out.leverage!.set(leverage.subarray(runFrom, runTo), at);
    if (side) out.side!.set(side.subarray(runFrom, runTo), at);
  };
  for (let a = 0; a < accounts; a++) {
    const first = starts[a]!, end = ends[a]!;
    if (first !== runTo) {
      flush();
      runFrom = runTo = first;
    }
    runTo = end;
    k += end - first;
  }
  flush();
  return out;
}

/** Room a live book gets when its shape first changes, and when it grows again: 1/4 more, at least this. */
const MIN_SPARE_ACCOUNTS = 1024;

// tickPlan's answers other than a market index, and when the tick index goes on.
const NO_TICK_INDEX = -1;
const TICK_FULL = -2;
const TICK_MARKED = -3;
/** Scans after price moves without a change of shape before the tick index goes on (turning it on costs a full scan and the lists, about 4 ticks' saving at 1M positions). */
const TICK_INDEX_AFTER = 4;
const MIN_SPARE_SLOTS = 4096;
const withRoom = (need: number, least: number) => Math.min(0xffff_fffe, need + Math.max(least, Math.ceil(need / 4)));
/**
 * Room a live book gets when it outgrows its room: half as much again. A book that grew once
 * goes on growing (fills that open positions, new accounts), and a growth costs a re-layout whose
 * time is mostly the new memory's first touch (bench live-fill, live-account: at 1M positions
 * growing by 1/4, the growths were most of a fill's mean); the amortized cost is the growth's over
 * the positions added before the next, three times fewer at 1/2 than at 1/4.
 */
const grownRoom = (need: number, least: number) => Math.min(0xffff_fffe, need + Math.max(least, Math.ceil(need / 2)));

/** Typed views of the columns, remade when memory grows (growth detaches views). */
interface Views {
  buffer: ArrayBuffer;
  collateral: BigInt64Array;
  starts: Uint32Array;
  ends: Uint32Array;
  market: Uint32Array;
  size: BigInt64Array;
  entry: BigInt64Array;
  /** collateral, size and entry as u32 words (two a value), for moving slots and touching an account's lines. */
  collateralWords: Uint32Array;
  sizeWords: Uint32Array;
  entryWords: Uint32Array;
  status: Uint8Array;
  summary: Uint32Array;
}

export class WasmBook extends LiveEdits implements LiveBook {
  readonly engine = "wasm" as const;
  private readonly coreVenue: CoreVenue;
  private readonly entries: VenueEntries;
  private plan: Plan;
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
  /** An account's columns or collateral were edited since the last scan (a mark is not an account edit). */
  private accountsEdited = false;
  /**
   * The accounts edited since the last scan, in the order first edited: exactly the accounts with
   * STATUS_DIRTY while `editListValid` (an asset price or a tick's holders marked in bulk make it
   * invalid, and so does passing CANDIDATE_CHUNK). An incremental scan with no moved mark then
   * evaluates these alone (assembly/scan.ts editScan) instead of reading every account's status.
   */
  private editList: number[] = [];
  private editListValid = true;
  /**
   * The tick index (assembly/tick.ts). A book that keeps ticking without changing shape turns it
   * on: the accounts' bounds then take the market summary's place (`bounds`, 0 while it is off:
   * the same 4 bytes an account), and each market's holders and their sizes are listed (`holders`
   * and `sizes` with `offsets`, room for `room` holders, reused). A change of shape (a position
   * opened or closed, an account added) turns it off: the summary is computed again.
   * `stable`: the scans after price moves since the last change of shape; `lowMarks`: each
   * market's lowest mark at any scan since the last full one (the bounds' overflow condition).
   */
  private tick = { bounds: 0, holders: 0, sizes: 0, offsets: 0, room: 0, stable: 0, lowMarks: [] as bigint[] };

  // The live layout (assembly/layout.ts, "Live books"): counts, capacities and the slots in use.
  private accounts: number;
  private livePositions: number;
  private accountCap: number;
  private slotCap: number;
  /** Slots [0, slotTop) have been used; above it every slot is free. */
  private slotTop: number;
  /** end[a] = start[a + 1] for every account and no free slot below slotTop: the public views are the columns. */
  private compact = true;
  /** The shape has changed since the book was loaded: it has spare capacity. */
  private roomy = false;
  private cached?: Views;

  private idList?: string[];
  /** idList is this book's own array (else the caller's, not to be changed: copied on the first new account). */
  private idsOwned = false;
  private idLoader?: () => readonly string[];
  /** Account a's id from a table reader's bytes (book/validate.ts withLazyIds), while no list of them is made. */
  private idOne?: (account: number) => string;
  /** The ids as a snapshot holds them (the image restored from, or the last snapshot's), while no account has been added since: repeated snapshots do not encode a million ids again. */
  private idImage?: IdImage;
  /** The account ids: a restored book decodes them when first read. */
  protected get ids(): string[] {
    return (this.idList ??= this.idLoader!() as string[]); // copied on the first new account, as the caller's
  }
  private idTable?: IdIndex;
  private idLookup?: IdLookup;
  /**
   * Ids to indices, made when first needed (a scan needs none): open addressing over the ids
   * (book/validate.ts IdIndex) rather than a Map, which at 526k ids took three times as long to
   * build (650 against 210 ms: the first edit by id waits for it) and half as long again to look
   * up and insert a new id (0.80 against 0.54 µs).
   */
  protected get idIndex(): IdLookup {
    if (this.idLookup === undefined) {
      const ids = this.ids;
      const table = (this.idTable = new IdIndex(ids, ids.length + MIN_SPARE_ACCOUNTS));
      for (let a = 0; a < ids.length; a++) table.add(a);
      this.idLookup = {
        get: (id: string) => {
          const a = table.find(id);
          return a < 0 ? undefined : a;
        },
        set: (_id: string, account: number) => table.add(account), // ids[account] is the id
      };
    }
    return this.idLookup;
  }
  protected readonly removed = new Set<number>();
  /** A venue book's labels, per account and per slot: kept here, the core never reads them. */
  private accountIsolated?: Uint8Array;
  private slotLeverage?: Uint32Array;
  private slotSide?: Uint8Array;
  /** Collateral assets at their current prices (empty: the book's collateral is its quote collateral). */
  private assetList: Asset[] = [];
  /** The venue's valuation of balances (`${prefix}valueCollateral`, assembly/venues/index.ts), else the model's (assembly/assets.ts). */
  private readonly valueCollateral: (desc: number, from: number, to: number, markDirty: number) => number;
  private region?: AssetRegion;
  private balanceCount = 0;
  /** gmx-v2 books: the address of the accounts' USD amounts at 10^-30 (assembly/layout.ts DESC_GMX_WIDE; book/gmx-wide.ts), room for accountCap accounts. */
  private gmxWide = 0;

  private constructor(
    private core: CoreExports,
    readonly markets: readonly Market[],
    accountIds: readonly string[] | (() => readonly string[]) | undefined,
    accountCount: number,
    positionCount: number,
    private readonly liquidatorSharePpm: bigint,
    readonly venue: VenueName,
  ) {
    super();
    this.coreVenue = CORE_VENUES[venue];
    this.entries = venueEntries(core, this.coreVenue);
    const own = core[this.coreVenue.prefix + "valueCollateral"];
    this.valueCollateral = (typeof own === "function" ? own : core.valueCollateral) as WasmBook["valueCollateral"];
    this.accounts = this.accountCap = accountCount;
    this.livePositions = this.slotCap = this.slotTop = positionCount;
    const tiers = markets.reduce((n, m) => n + m.tiers.length, 0);
    this.plan = plan(core.heapBase(), markets.length, tiers, accountCount, positionCount, false);
    this.top = this.plan.end;
    reserve(core.memory, this.plan.end, accountCount, positionCount);
    // Default ids only once the memory is known to be there: a refused book costs nothing.
    if (typeof accountIds === "function") this.idLoader = accountIds;
    // The caller's list is shared until an account is added (copying a million ids cost more than the rest of a load).
    else if (accountIds) this.idList = accountIds as string[];
    else { this.idList = Array.from({ length: accountCount }, (_, a) => String(a)); this.idsOwned = true; }
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
        book.withGmx(undefined);
        book.loaded();
        return book;
      },
    };
  }

  static load(core: CoreExports, columns: BookColumns): WasmBook {
    // Check the caller's columns before copying: TypedArray.set would zero-fill a short column
    // and silently convert a plain array's out-of-range values. The positions' plain rules are
    // checked in the core after the copy (assembly/validate.ts), JavaScript naming a fault it finds.
    const deferred = validateColumnsExceptPlainPositions(columns);
    // Ids a table reader holds as bytes stay so until the list is read: a scan names a few accounts.
    const pending = pendingIds(columns);
    const book = new WasmBook(core, columns.markets, pending !== undefined ? () => columns.accountIds : columns.accountIds, columns.collateral.length, columns.positionSize.length, columns.liquidatorSharePpm, columns.venue ?? "generic");
    if (pending !== undefined) book.idOne = (a) => pending.id(a);
    const into = book.inputColumns();
    for (const [to, from] of [[into.collateral, columns.collateral], [into.positionStart, columns.positionStart], [into.positionMarket, columns.positionMarket], [into.positionSize, columns.positionSize], [into.positionEntry, columns.positionEntry]] as const) copyBytes(to, from);
    if (deferred && core.checkPlainPositions(book.plan.desc, book.livePositions, book.take(Math.max(1, columns.markets.length) * 4)) >= 0) {
      checkColumns(columns); // throws the BookError that names the record and field
      throw new Error("liqscan: the core found a fault in the positions that the book's validation does not name; please report this book");
    }
    if (columns.accountIsolated) book.accountIsolated = columns.accountIsolated.slice();
    if (columns.positionLeverage) book.slotLeverage = columns.positionLeverage.slice();
    if (columns.positionSide) book.slotSide = columns.positionSide.slice();
    book.withAssets(columns);
    book.withGmx(columns.gmxUsd);
    book.loaded();
    return book;
  }

  /**
   * A book from a snapshot image whose frame is read (bindings/snapshot.ts), statuses and removed
   * accounts with it. Its columns and statuses are copied into place and the image's checksum is
   * computed there by the core as they are copied (coreChecksum: one pass over the bytes, at wasm
   * SIMD speed, instead of a JavaScript pass before the copy), then the offsets are checked, by the
   * core on its copies (JavaScript then names the fault). A
   * corrupt image may fail anywhere on the way (its header is read before its sum is known): any
   * failure asks decodeSnapshot, which checks the sum first in JavaScript, for the error to throw.
   */
  static restoreFrame(core: CoreExports, frame: SnapshotFrame): WasmBook {
    let fault: unknown;
    try {
      const c = snapshotContent(frame);
      const book = new WasmBook(core, c.markets, () => c.accountIds, c.collateral.length, c.positionSize.length, c.liquidatorSharePpm, c.venue);
      const into = book.inputColumns();
      const base = frame.image.byteOffset;
      const part = (from: ArrayBufferView, to: ArrayBufferView): PlacedPart => ({ at: from.byteOffset - base, bytes: from.byteLength, address: to.byteOffset });
      const placed = [part(c.collateral, into.collateral), part(c.positionStart, into.positionStart), part(c.positionMarket, into.positionMarket),
        part(c.positionSize, into.positionSize), part(c.positionEntry, into.positionEntry), part(c.status, book.views().status.subarray(0, book.accounts))];
      // The scratch is the candidates buffer (dead between scans), zeroed again after: the book's memory is then a fresh book's.
      const scratch = new Uint8Array(core.memory.buffer, book.plan.candidates, CANDIDATE_CHUNK * 4);
      const got = coreChecksum(core, frame.image, placed, scratch.byteOffset, scratch.byteLength, true);
      scratch.fill(0);
      verifyChecksum(frame, got);
      checkSnapshotContent(c, { positionStart: into.positionStart.byteOffset, positionMarket: into.positionMarket.byteOffset, firstDescent: core.firstDescent, firstAtLeast: core.firstAtLeast });
      return book.restored(c);
    } catch (e) {
      fault = e;
    }
    decodeSnapshot(frame.image); // throws the error of a corrupt image
    // The image is sound: the fault was the book's (memory), or a sum the core got wrong.
    throw fault instanceof SnapshotError ? new Error(`liqscan: the core's checksum of a sound snapshot is not JavaScript's (${fault.message}); please report this`) : fault;
  }

  /** The rest of a restore, the columns and statuses in place. */
  private restored(c: SnapshotContent): WasmBook {
    const book = this;
    book.idImage = c.idImage;
    if (c.accountIsolated) book.accountIsolated = c.accountIsolated.slice();
    if (c.positionLeverage) book.slotLeverage = c.positionLeverage.slice();
    if (c.positionSide) book.slotSide = c.positionSide.slice();
    for (const a of c.removed) book.removed.add(a);
    book.withAssets(c);
    book.withGmx(c.gmxUsd);
    book.loaded();
    return book;
  }

  /**
   * gmx-v2: the region of the accounts' USD amounts at 10^-30, from the book's gmxUsd column or,
   * without one, from the images (book/gmx-wide.ts regionWords), after the plan's regions.
   */
  private withGmx(gmxUsd: BigUint64Array | undefined): void {
    if (this.venue !== "gmx-v2") return;
    const c = this.inputColumns();
    this.placeGmx(regionWords({ ...c, markets: this.markets, ...this.assetColumns(), gmxUsd }, this.accounts));
  }

  private placeGmx(words: BigUint64Array): void {
    this.gmxWide = this.take(this.accountCap * GMX_WORDS * 8);
    const region = new BigUint64Array(this.core.memory.buffer, this.gmxWide, this.accountCap * GMX_WORDS);
    region.set(words.subarray(0, Math.min(words.length, region.length)));
    region.fill(0n, words.length);
    new DataView(this.core.memory.buffer).setUint32(this.plan.desc + DESC.gmxWide, this.gmxWide, true);
  }

  /** The region's words of the accounts (a view: copy before memory moves). */
  private gmxWords(): BigUint64Array {
    return new BigUint64Array(this.core.memory.buffer, this.gmxWide, this.accounts * GMX_WORDS);
  }

  /**
   * gmx-v2: an edit in quote units (k 0: sizeInUsd, 1: the collateral) moves the amount at 10^-30
   * and keeps its digits past 10^-6 (book/gmx-wide.ts `edited`); `fresh`: a new position or account, none.
   */
  private gmxEdited(a: number, k: 0 | 1, value: bigint, fresh = false): void {
    if (this.gmxWide === 0) return;
    const words = new BigUint64Array(this.core.memory.buffer, this.gmxWide, this.accountCap * GMX_WORDS);
    writeWide(words, a, k, fresh ? derived(value) : edited(readWide(words, a, k), value));
  }

  /**
   * gmx-v2: an edit of the first position's size (size units) moves its sizeInTokens and keeps the
   * digits below the size unit (book/gmx-wide.ts `editedTokens`); `fresh`: a new position, none;
   * market m null: no position (0).
   */
  private gmxTokensEdited(a: number, size: bigint, m: number | null, fresh = false): void {
    if (this.gmxWide === 0) return;
    const words = new BigUint64Array(this.core.memory.buffer, this.gmxWide, this.accountCap * GMX_WORDS);
    const scale = m === null ? 1n : tokenScale(this.markets[m]!);
    writeWide(words, a, 2, m === null ? 0n : fresh ? size * scale : editedTokens(readWide(words, a, 2), size, scale));
  }

  /** The book's gmxUsd column, where some amount is finer than its image (nothing otherwise, and for other venues). */
  private gmxColumn(): Pick<BookColumns, "gmxUsd"> {
    if (this.gmxWide === 0) return {};
    const gmxUsd = columnOfRegion(this.gmxWords(), { ...this.inputColumns(), markets: this.markets, ...this.assetColumns() }, this.accounts);
    return gmxUsd ? { gmxUsd } : {};
  }

  /** A loaded book's assets and balances into memory, and every account's collateral value (nothing for a book without assets). */
  private withAssets(c: Pick<BookColumns, "assets" | "balanceStart" | "balanceAsset" | "balanceAmount">): void {
    if (!c.assets || c.assets.length === 0) return;
    this.assetList = c.assets.slice();
    const n = this.accounts;
    const data = c.balanceStart ? { balanceStart: c.balanceStart, balanceAsset: c.balanceAsset!, balanceAmount: c.balanceAmount! }
      : { balanceStart: new Uint32Array(n + 1), balanceAsset: new Uint32Array(0), balanceAmount: new BigInt64Array(0) };
    this.placeAssets(data);
    this.valueCollateral(this.plan.desc, 0, n, 0);
  }

  /** Lay the asset region out (after the plan's regions, with room for `balanceCap` balances) and fill it with `data`. */
  private placeAssets(data: BalanceData, balanceCap = Math.max(64, data.balanceAmount.length + Math.ceil(data.balanceAmount.length / 4))): void {
    const na = this.assetList.length, cap = this.accountCap, n = this.accounts;
    const nb = data.balanceStart[n]!;
    const r: AssetRegion = {
      table: this.take(na * ASSET_BYTES), value: this.take(cap * 8), balanceStart: this.take((cap + 1) * 4),
      balanceAsset: this.take(balanceCap * 4), balanceAmount: this.take(balanceCap * 8), accountCap: cap, balanceCap,
    };
    this.region = r;
    this.balanceCount = nb;
    const buffer = this.core.memory.buffer;
    const starts = new Uint32Array(buffer, r.balanceStart, cap + 1);
    starts.set(data.balanceStart.subarray(0, n + 1));
    starts.fill(nb, n + 1);
    new Uint32Array(buffer, r.balanceAsset, nb).set(data.balanceAsset.subarray(0, nb));
    new BigInt64Array(buffer, r.balanceAmount, nb).set(data.balanceAmount.subarray(0, nb));
    this.assetList.forEach((_, k) => this.writeAssetRecord(k));
    const v = new DataView(buffer);
    const d = this.plan.desc;
    v.setUint32(d + DESC.assets, na, true);
    v.setUint32(d + DESC.assetTable, r.table, true);
    v.setUint32(d + DESC.quoteCollateral, this.plan.collateral, true);
    v.setUint32(d + DESC.collateral, r.value, true);
    v.setUint32(d + DESC.balanceStart, r.balanceStart, true);
    v.setUint32(d + DESC.balanceAsset, r.balanceAsset, true);
    v.setUint32(d + DESC.balanceAmount, r.balanceAmount, true);
  }

  private writeAssetRecord(k: number): void {
    const x = this.assetList[k]!;
    const v = new DataView(this.core.memory.buffer);
    const at = this.region!.table + k * ASSET_BYTES;
    const e = x.decimals + x.priceDecimals - 6;
    v.setBigInt64(at + ASSET.price, x.price, true);
    v.setBigUint64(at + ASSET.weight, x.maintenanceWeightPpm, true);
    v.setBigUint64(at + ASSET.liabilityWeight, x.liabilityWeightPpm, true);
    v.setBigUint64(at + ASSET.divisor, e >= 0 ? 10n ** BigInt(e) : 1n, true);
    v.setBigUint64(at + ASSET.multiplier, e < 0 ? 10n ** BigInt(-e) : 1n, true);
    // drift-v2: the imf factor; gmx-v2: tokenDecimals - decimals, the balances' exact unit (ASSET_GMX_TOKEN_SHIFT).
    v.setBigUint64(at + ASSET.driftImf, x.drift?.imfFactor ?? BigInt(assetTokenDecimals(x) - x.decimals), true);
  }

  /** The balances as they sit in the region (views: copy before memory moves). */
  private balanceViews(): BalanceData {
    const r = this.region!, buffer = this.core.memory.buffer;
    return {
      balanceStart: new Uint32Array(buffer, r.balanceStart, this.accounts + 1),
      balanceAsset: new Uint32Array(buffer, r.balanceAsset, this.balanceCount),
      balanceAmount: new BigInt64Array(buffer, r.balanceAmount, this.balanceCount),
    };
  }

  /** Account a valued again after an edit of its quote collateral or balances (the edit marked it). */
  private revalue(a: number): void {
    if (this.region) this.valueCollateral(this.plan.desc, a, a + 1, 0);
  }

  get assets(): readonly Asset[] { return this.assetList; }

  protected balanceOf(a: number, k: number): bigint {
    this.alive();
    if (!this.region) return 0n;
    const b = this.balanceViews();
    for (let i = b.balanceStart[a]!; i < b.balanceStart[a + 1]!; i++) if (b.balanceAsset[i] === k) return b.balanceAmount[i]!;
    return 0n;
  }

  protected writeBalance(a: number, k: number, amount: bigint): void {
    this.alive();
    let b = this.balanceViews();
    let i = b.balanceStart[a]!;
    const end = b.balanceStart[a + 1]!;
    while (i < end && b.balanceAsset[i] !== k) i++;
    if (i === end) {
      if (amount === 0n) return;
      // A new balance: after the account's others, the later accounts' shifted up one.
      if (this.balanceCount === this.region!.balanceCap) {
        const copy = { balanceStart: b.balanceStart.slice(), balanceAsset: b.balanceAsset.slice(), balanceAmount: b.balanceAmount.slice() };
        this.placeAssets(copy, withRoom(this.balanceCount + 1, 64));
        this.valueCollateral(this.plan.desc, 0, this.accounts, 0);
        b = this.balanceViews();
      }
      this.balanceCount++;
      b = this.balanceViews();
      b.balanceAsset.copyWithin(end + 1, end, this.balanceCount - 1);
      b.balanceAmount.copyWithin(end + 1, end, this.balanceCount - 1);
      const starts = new Uint32Array(this.core.memory.buffer, this.region!.balanceStart, this.region!.accountCap + 1);
      for (let x = a + 1; x < starts.length; x++) starts[x]!++;
      b.balanceAsset[end] = k;
    }
    b.balanceAmount[i] = amount;
    // gmx-v2: the first balance's exact amount moves with it, keeping its digits below the unit (a new one has none).
    if (i === b.balanceStart[a]! && this.gmxWide !== 0) {
      const words = new BigUint64Array(this.core.memory.buffer, this.gmxWide, this.accountCap * GMX_WORDS);
      const scale = balanceScale(this.assetList[k]!);
      writeWide(words, a, 3, i === end ? amount * scale : editedBalance(readWide(words, a, 3), amount, scale));
    }
    this.revalue(a);
    this.markEdited(a);
  }

  protected writeAssetPrice(k: number, price: bigint): void {
    this.assetList[k] = { ...this.assetList[k]!, price };
    this.writeAssetRecord(k);
    // Every account whose value moved is marked; the next scan (incremental) evaluates those.
    this.valueCollateral(this.plan.desc, 0, this.accounts, 1);
    this.editListValid = false; // marked in the core, in bulk
    this.edits++;
    this.accountsEdited = true;
  }

  /**
   * The columns are written (the ends of the accounts' slots are the starts shifted by one: plan).
   * The market summary is computed when an incremental scan first reads it (ensureSummary): a
   * loaded or restored book scans in full first, and its summary cost 5.7 ms of a 1M-position load.
   */
  private loaded(): void {
    this.summaryValid = false;
  }

  /** The market summary holds every account's markets (else it is computed before an incremental scan reads it, and shape edits leave it alone). */
  private summaryValid = false;

  private ensureSummary(): void {
    if (this.summaryValid) return;
    this.core.summarizeMarkets(this.plan.desc);
    this.summaryValid = true;
  }

  get accountIds(): readonly string[] { return this.ids; }
  accountId(account: number): string {
    return this.idList === undefined && this.idOne !== undefined ? this.idOne(account) : this.ids[account]!;
  }
  get accountCount(): number { return this.accounts; }
  get positionCount(): number { return this.livePositions; }

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
    this.alive();
    checkIndex(account, this.accountCount, "account");
    checkValue(`account "${this.accountId(account)}"`, "collateral", collateral, -I64_MAX - 1n, I64_MAX);
    this.writeCollateral(account, collateral);
  }

  setPosition(position: number, size: bigint, entryPrice: bigint): void {
    checkIndex(position, this.positionCount, "position");
    const record = `position ${position}`;
    checkValue(record, "size", size, -I64_MAX - 1n, I64_MAX);
    checkValue(record, "entryPrice", entryPrice, 0n, I64_MAX);
    checkSide(record, this.slotSide?.[position], size);
    const columns = this.inputColumns(); // compact: slot = position
    columns.positionSize[position] = size;
    columns.positionEntry[position] = entryPrice;
    const owner = ownerOf(this.positionStart, position);
    if (position === this.positionStart[owner]) this.gmxEdited(owner, 0, entryPrice);
    if (position === this.positionStart[owner]) this.gmxTokensEdited(owner, size, columns.positionMarket[position]!);
    if (this.tick.bounds !== 0) this.holderSizeMoved(owner, columns.positionMarket[position]!, size);
    this.markEdited(owner);
  }

  private markEdited(account: number): void {
    const status = this.views().status;
    if ((status[account]! & STATUS_DIRTY) === 0) this.noteEdited(account);
    status[account] = status[account]! | STATUS_DIRTY;
    this.edits++;
    this.accountsEdited = true;
  }

  /** Account `a` newly marked STATUS_DIRTY: onto the edit list while it holds every such account. */
  private noteEdited(a: number): void {
    if (!this.editListValid) return;
    if (this.editList.length === CANDIDATE_CHUNK) {
      this.editListValid = false;
      this.editList.length = 0;
      return;
    }
    this.editList.push(a);
  }

  // ---- the primitives of the live edits (bindings/live.ts) ----------------------------------

  /**
   * An edit's account, its cache lines loaded at once: the edit reads its offsets, status and
   * collateral and its first slot's market, size and entry, each a cache miss on a random account
   * of a large book; independent loads here overlap those misses instead of taking them one by one.
   */
  protected override accountRef(account: AccountRef, removedToo = false): number {
    const a = super.accountRef(account, removedToo);
    const v = this.views();
    const first = v.starts[a]!;
    this.touched = (v.ends[a]! ^ v.status[a]! ^ v.collateralWords[2 * a]! ^ v.market[first]! ^ v.sizeWords[2 * first]! ^ v.entryWords[2 * first]!) | 0;
    return a;
  }

  /** Keeps accountRef's loads from being optimized away. */
  private touched = 0;

  protected marketIdMap(): Map<string, number> { return this.marketIds; }
  protected collateralOf(a: number): bigint { return this.views().collateral[a]!; }
  protected writeCollateral(a: number, value: bigint): void {
    this.views().collateral[a] = value;
    this.gmxEdited(a, 1, value);
    this.revalue(a);
    this.markEdited(a);
  }
  protected findPosition(a: number, m: number, from = 0): number {
    const v = this.views();
    const first = v.starts[a]!, end = v.ends[a]!;
    for (let p = first + from; p < end; p++) if (v.market[p] === m) return p - first;
    return -1;
  }
  protected positionCountOf(a: number): number { const v = this.views(); return v.ends[a]! - v.starts[a]!; }
  protected sizeAt(a: number, k: number): bigint { const v = this.views(); return v.size[v.starts[a]! + k]!; }
  protected entryAt(a: number, k: number): bigint { const v = this.views(); return v.entry[v.starts[a]! + k]!; }
  protected sideAt(a: number, k: number): number { return this.slotSide?.[this.views().starts[a]! + k] ?? 0; }
  protected isolated(a: number): boolean { return this.accountIsolated?.[a] === 1; }
  protected clearIsolated(a: number): void { if (this.accountIsolated) this.accountIsolated[a] = 0; }

  protected writePosition(a: number, k: number, size: bigint, entry: bigint): void {
    const v = this.views();
    const p = v.starts[a]! + k;
    v.size[p] = size;
    v.entry[p] = entry;
    if (k === 0) this.gmxEdited(a, 0, entry);
    if (k === 0) this.gmxTokensEdited(a, size, v.market[p]!);
    if (this.tick.bounds !== 0) this.holderSizeMoved(a, v.market[p]!, size);
    this.markEdited(a);
  }

  /** The size the holder list of market m keeps for account a (assembly/tick.ts), after a fill. */
  private holderSizeMoved(a: number, m: number, size: bigint): void {
    const offsets = new Uint32Array(this.core.memory.buffer, this.tick.offsets, this.markets.length + 1);
    const holders = new Uint32Array(this.core.memory.buffer, this.tick.holders, this.tick.room);
    let lo = offsets[m]!, hi = offsets[m + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (holders[mid]! < a) lo = mid + 1;
      else hi = mid;
    }
    const sizes = new Float32Array(this.core.memory.buffer, this.tick.sizes, this.tick.room);
    // A hedge keeps NaN (its positions are read); else the size rounded to f32, as the core rounds it.
    if (!Number.isNaN(sizes[lo]!)) sizes[lo] = Number(size);
  }

  protected appendPosition(a: number, m: number, size: bigint, entry: bigint, leverage: number, side: number): void {
    this.reshaping();
    const p = this.slotAfter(a);
    const v = this.views();
    v.market[p] = m;
    v.size[p] = size;
    v.entry[p] = entry;
    if (leverage !== 0) (this.slotLeverage ??= new Uint32Array(this.slotCap))[p] = leverage;
    else if (this.slotLeverage) this.slotLeverage[p] = 0;
    if (side !== 0) (this.slotSide ??= new Uint8Array(this.slotCap))[p] = side;
    else if (this.slotSide) this.slotSide[p] = 0;
    v.ends[a] = p + 1;
    if (p === v.starts[a]) this.gmxEdited(a, 0, entry, true);
    if (p === v.starts[a]) this.gmxTokensEdited(a, size, m, true);
    if (this.summaryValid) v.summary[a] = v.summary[a]! | (1 << (m & 31));
    this.livePositions++;
    this.markEdited(a);
  }

  protected removePosition(a: number, k: number): void {
    this.reshaping();
    const v = this.views();
    const first = v.starts[a]!, end = v.ends[a]!;
    const p = first + k;
    if (p + 1 < end) this.moveSlots(p + 1, p, end - p - 1);
    v.market[end - 1] = FREE_SLOT;
    v.ends[a] = end - 1;
    if (k === 0) this.gmxEdited(a, 0, first < end - 1 ? v.entry[first]! : 0n, true);
    if (k === 0) this.gmxTokensEdited(a, first < end - 1 ? v.size[first]! : 0n, first < end - 1 ? v.market[first]! : null, true);
    if (this.summaryValid) {
      let bits = 0;
      for (let q = first; q < end - 1; q++) bits |= 1 << (v.market[q]! & 31);
      v.summary[a] = bits;
    }
    this.livePositions--;
    this.markEdited(a);
  }

  protected appendAccount(id: string, collateral: bigint): number {
    this.reshaping();
    if (this.accounts === this.accountCap) this.relayout(grownRoom(this.accounts + 1, MIN_SPARE_ACCOUNTS), this.slotCap, false);
    const a = this.accounts++;
    const v = this.views();
    v.starts[a] = v.ends[a] = this.slotTop;
    v.collateral[a] = collateral;
    this.gmxEdited(a, 0, 0n, true);
    this.gmxEdited(a, 1, collateral, true);
    this.gmxTokensEdited(a, 0n, null, true);
    v.status[a] = STATUS_DIRTY;
    this.noteEdited(a);
    if (this.summaryValid) v.summary[a] = 0;
    this.revalue(a);
    if (this.accountIsolated) this.accountIsolated[a] = 0;
    if (!this.idsOwned) {
      this.idList = [...this.ids];
      this.idsOwned = true;
      this.idTable?.rebind(this.idList);
    }
    this.ids.push(id);
    this.idImage = undefined;
    // A re-layout for room just made the book compact; the new account's end of the public
    // positionStart (start[a + 1]) is not written, so the views must compact again.
    this.compact = false;
    new DataView(this.core.memory.buffer).setUint32(this.plan.desc + DESC.accounts, this.accounts, true);
    this.edits++;
    this.accountsEdited = true;
    return a;
  }

  /** A shape edit: the public views are stale, and a book still in its loaded (exact) layout gets room first. */
  private reshaping(): void {
    this.alive();
    // The markets an account holds change: the tick index goes (built again once ticks resume alone).
    this.tickIndexOff();
    this.tick.stable = 0;
    this.compact = false;
    this.startsCopy = undefined;
    if (!this.roomy) {
      this.roomy = true;
      this.relayout(withRoom(this.accounts, MIN_SPARE_ACCOUNTS), withRoom(this.livePositions, MIN_SPARE_SLOTS));
      this.compact = false;
    }
  }

  /** The slot after account a's last position, moving its positions to the top when that slot is taken. */
  private slotAfter(a: number): number {
    const v = this.views();
    const end = v.ends[a]!;
    if (end < this.slotTop ? v.market[end] === FREE_SLOT : end === this.slotTop && end < this.slotCap) {
      if (end === this.slotTop) this.slotTop++;
      return end;
    }
    const n = end - v.starts[a]!;
    if (this.slotTop + n + 1 > this.slotCap) {
      // Full: compact in place, or grow when compacting would leave less than 1/8 of the slots
      // free after this account's move to the top (its n positions and the new one). A growth
      // keeps the slots where they are when its room holds the move, else compacts too; either way
      // the move then fits, so this recursion ends.
      const need = this.livePositions + n + 1;
      if (need + this.slotCap / 8 > this.slotCap) {
        const cap = grownRoom(need, MIN_SPARE_SLOTS);
        this.relayout(this.accountCap, cap, this.slotTop + n + 1 > cap);
      } else this.relayout(this.accountCap, this.slotCap);
      this.compact = false;
      return this.slotAfter(a);
    }
    const w = this.views();
    this.moveSlots(w.starts[a]!, this.slotTop, n);
    w.market.fill(FREE_SLOT, w.starts[a]!, end);
    w.starts[a] = this.slotTop;
    w.ends[a] = this.slotTop + n;
    this.slotTop += n;
    return this.slotAfter(a);
  }

  /** Copy n slots (every column and label) from `from` to `to` (ranges may overlap). */
  private moveSlots(from: number, to: number, n: number): void {
    const v = this.views();
    v.market.copyWithin(to, from, from + n);
    // As u32 words: BigInt64Array.copyWithin took most of a relocating fill's time.
    v.sizeWords.copyWithin(2 * to, 2 * from, 2 * (from + n));
    v.entryWords.copyWithin(2 * to, 2 * from, 2 * (from + n));
    this.slotLeverage?.copyWithin(to, from, from + n);
    this.slotSide?.copyWithin(to, from, from + n);
  }

  /**
   * The one place the live layout changes size: the book laid out with room for `accountCap`
   * accounts and `slotCap` slots (at the same addresses when both are unchanged, so a current scan
   * result stays valid), its positions compacted into account order, or, for a growth that does
   * not compact (`compacting` false: a roomy book that outgrew its room), every column moved up
   * as it is, holes and relocated accounts included (one copy of the book and no scratch: a growth
   * then first-touches only the memory it adds). Statuses, the market summary, the flagged list
   * and the marks are carried over.
   */
  private relayout(accountCap: number, slotCap: number, compacting = true): void {
    this.tickIndexOff(); // the summary region holds a summary again (when valid, it is carried over)
    const n = this.accounts, live = this.livePositions, top = this.slotTop;
    const moved = accountCap !== this.accountCap || slotCap !== this.slotCap;
    if (!compacting && (!moved || !this.roomy || slotCap < top)) throw new Error("liqscan: a growth that cannot keep the slots where they are; please report this");
    const tiers = this.markets.reduce((t, m) => t + m.tiers.length, 0);
    const next = moved ? plan(this.core.heapBase(), this.markets.length, tiers, accountCap, slotCap, this.roomy) : this.plan;
    // The core compacts the slots (assembly/relayout.ts: a memory.copy a run of accounts whose
    // slots follow one another) into a scratch region past both layouts and the buffers taken
    // after the old one: wasm memory that stays for the next re-layout, where JavaScript scratch
    // was allocated, and first touched, anew at each growth (on this VM a fresh page costs 60
    // times a warm one, 3.6 ms a MiB; a growth still touches the new layout's added part first).
    const scratch = align8(Math.max(this.top, next.end));
    let labels: { leverage?: Uint32Array; side?: Uint8Array } | undefined;
    if (compacting) {
      const slotBytes = this.core.slotScratchBytes(live, n);
      reserve(this.core.memory, scratch + slotBytes, n, live);
      this.highWater = Math.max(this.highWater, scratch + slotBytes);
      if (this.core.compactSlots(this.plan.desc, scratch, live) !== live) {
        throw new Error(`liqscan: a re-layout found the accounts' slots do not hold the book's ${live} positions; please report this`);
      }
      // The labels of a venue book (JavaScript columns) follow the same runs (views made after
      // the scratch's reserve, which may have grown the memory and so detached the old ones).
      const v = this.views();
      if (this.slotLeverage || this.slotSide) labels = compactLabels(v.starts, v.ends, n, live, this.slotLeverage, this.slotSide);
    } else {
      reserve(this.core.memory, next.end, n, live);
      this.highWater = Math.max(this.highWater, next.end);
      labels = { leverage: this.slotLeverage?.subarray(0, top), side: this.slotSide?.subarray(0, top) };
    }
    const keep = moved
      ? { list: this.savedList(), balances: this.region ? this.assetColumns() : undefined, gmx: this.gmxWide !== 0 ? this.gmxWords().slice() : undefined }
      : undefined;
    if (moved) {
      // The columns move to the new layout's places in memory, each where it is: a larger layout
      // puts every region at or above where it was (plan() takes them in one order), so moved from
      // the highest down, none overwrites one not yet moved (compacted slots are in the scratch;
      // the lists and the regions after the layout in `keep`).
      const o = this.plan;
      const columns = [[o.collateral, next.collateral, n * 8], [o.status, next.status, n],
        ...(this.summaryValid ? [[o.marketSummary, next.marketSummary, n * 4]] : []),
        ...(compacting ? [] : [[o.positionStart, next.positionStart, (n + 1) * 4], [o.positionEnd, next.positionEnd, n * 4],
          [o.positionMarket, next.positionMarket, top * 4], [o.positionSize, next.positionSize, top * 8], [o.positionEntry, next.positionEntry, top * 8]]),
      ].sort((x, y) => y[0]! - x[0]!);
      if (columns.some(([from, to]) => to! < from!)) throw new Error("liqscan: a re-layout to a smaller layout; please report this");
      const memory = new Uint8Array(this.core.memory.buffer);
      for (const [from, to, bytes] of columns) memory.copyWithin(to!, from!, from! + bytes!);
      this.plan = next;
      this.accountCap = accountCap;
      this.slotCap = slotCap;
      this.top = this.plan.end;
      this.priceBuffer = { at: 0, positions: 0 };
      this.stressBuffer = { at: 0, bytes: 0 };
      // The holder lists were in the regions given up (the index is off: every shape edit turns it off first).
      this.tick = { bounds: 0, holders: 0, sizes: 0, offsets: 0, room: 0, stable: 0, lowMarks: [] };
      this.cached = undefined;
      this.writeDescriptor();
    }
    if (compacting) this.core.placeSlots(this.plan.desc, scratch, live);
    if (labels?.leverage) { const l = new Uint32Array(slotCap); l.set(labels.leverage); this.slotLeverage = l; }
    if (labels?.side) { const l = new Uint8Array(slotCap); l.set(labels.side); this.slotSide = l; }
    if (this.accountIsolated && this.accountIsolated.length !== accountCap) {
      const iso = new Uint8Array(accountCap);
      iso.set(this.accountIsolated.subarray(0, Math.min(n, accountCap)));
      this.accountIsolated = iso;
    }
    if (keep) {
      this.growList(this.capacity, keep.list);
      if (keep.balances) {
        this.placeAssets(keep.balances as BalanceData);
        this.valueCollateral(this.plan.desc, 0, n, 0);
      }
      if (keep.gmx) this.placeGmx(keep.gmx);
    }
    if (compacting) {
      this.slotTop = live;
      this.compact = true;
    } else this.compact = false;
    this.startsCopy = undefined;
  }

  /** The current flagged list's bytes. */
  private savedList(): Uint8Array {
    const d = new DataView(this.core.memory.buffer);
    const at = d.getUint32(this.plan.desc + DESC.flagged, true);
    const count = d.getUint32(this.plan.desc + DESC.flaggedCount, true);
    return new Uint8Array(this.core.memory.buffer, at, count * ENTRY_BYTES).slice();
  }

  /** The book compacted, for the views that read it as contiguous columns. */
  private compacted(): void {
    if (!this.compact) this.relayout(this.accountCap, this.slotCap);
  }

  snapshot(): Uint8Array {
    const c = this.inputColumns();
    const book = this;
    return encodeSnapshot({
      venue: this.venue, liquidatorSharePpm: this.liquidatorSharePpm,
      markets: this.markets.map((m, i) => ({ ...m, markPrice: this.markPrice(i) })),
      get accountIds() { return book.ids; }, idImage: (this.idImage ??= encodeIds(this.ids)), ...c,
      ...this.labelColumns(), ...this.assetColumns(), ...this.gmxColumn(),
      status: this.views().status.subarray(0, this.accounts).map((x) => x & ~STATUS_DIRTY),
      removed: [...this.removed].sort((x, y) => x - y),
    }, (image, parts) => {
      // The columns still in wasm memory are summed there by the core; the rest through its scratch, the candidates buffer (dead between scans).
      const memory = this.core.memory.buffer;
      const placed = parts.filter((p) => p.view.buffer === memory).map((p): PlacedPart => ({ at: p.at, bytes: p.view.byteLength, address: p.view.byteOffset }));
      return coreChecksum(this.core, image, placed, this.plan.candidates, CANDIDATE_CHUNK * 4);
    });
  }

  /** The assets and a copy of the balance columns (nothing for a book without assets). */
  private assetColumns(): Pick<BookColumns, "assets" | "balanceStart" | "balanceAsset" | "balanceAmount"> {
    if (!this.region) return {};
    const b = this.balanceViews();
    return { assets: this.assetList.slice(), balanceStart: b.balanceStart.slice(), balanceAsset: b.balanceAsset.slice(), balanceAmount: b.balanceAmount.slice() };
  }

  /** The labels as columns of the compact book. */
  private labelColumns(): Pick<BookColumns, "accountIsolated" | "positionLeverage" | "positionSide"> {
    this.compacted();
    return {
      ...(this.accountIsolated ? { accountIsolated: this.accountIsolated.subarray(0, this.accounts) } : {}),
      ...(this.slotLeverage ? { positionLeverage: this.slotLeverage.subarray(0, this.livePositions) } : {}),
      ...(this.slotSide ? { positionSide: this.slotSide.subarray(0, this.livePositions) } : {}),
    };
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
    let incremental = !this.fullScanNeeded && this.movedMarkets.size * 2 <= this.markets.length;
    // Marks moved: through the tick index where it is on (assembly/tick.ts).
    const tickMarket = incremental && this.movedMarkets.size > 0 ? this.tickPlan() : NO_TICK_INDEX;
    if (tickMarket === TICK_FULL) incremental = false;
    let movedBits = 0;
    if (tickMarket === NO_TICK_INDEX) for (const m of this.movedMarkets) movedBits |= 1 << (m & 31);
    const d0 = new DataView(this.core.memory.buffer);
    d0.setUint32(this.plan.desc + DESC.changeCount, 0, true);
    d0.setUint32(this.plan.desc + DESC.tickMarket, tickMarket >= 0 ? tickMarket + 1 : 0, true);
    if (incremental && movedBits !== 0) this.ensureSummary();
    if (incremental && this.movedMarkets.size === 0 && this.editListValid && this.editList.length <= CANDIDATE_CHUNK) {
      // Edits alone (or none): the edited accounts are the work list (the core evaluates them, carries the rest).
      const list = this.editList.sort((x, y) => x - y);
      new Uint32Array(this.core.memory.buffer, this.plan.candidates, list.length).set(list);
      d0.setUint32(this.plan.desc + DESC.editedCount, list.length + 1, true);
    }
    let flagged = this.entries.scanBook(this.plan.desc, incremental ? 1 : 0, movedBits);
    this.editList.length = 0;
    this.editListValid = true;
    let wholeScan = !incremental;
    while (flagged < 0) {
      wholeScan = true;
      // The list filled up: grow it and scan everything (a cut-short pass leaves statuses half new
      // and some edit flags cleared, so until a full scan succeeds nothing incremental is safe).
      this.fullScanNeeded = true;
      this.growList(this.capacity * 2);
      flagged = this.entries.scanBook(this.plan.desc, 0, 0);
    }
    this.fullScanNeeded = false;
    this.movedMarkets.clear();
    this.accountsEdited = false;
    if (this.tick.bounds !== 0) this.lowerMarks(wholeScan);
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
      get accountIds() {
        return book.accountIds;
      },
      accountId: (a) => this.accountId(a),
      flagged: () => {
        const entries = new Uint32Array(this.core.memory.buffer, listAt, flagged * (ENTRY_BYTES / 4));
        const out = new Uint32Array(flagged);
        for (let i = 0; i < flagged; i++) out[i] = entries[i * (ENTRY_BYTES / 4)]!;
        return out;
      },
      account: (a) => this.accountResult(a, listAt, flagged),
      initialMargin: (a) => initialMarginOf(this.venue, this.markets, (m) => this.markPrice(m), { ...this.inputColumns(), ...this.labelColumns() }, a),
      initialDiscount: (a) => (this.region ? initialDiscount({ venue: this.venue, assets: this.assetList }, { collateral: 0n, balances: balancesOf(this.balanceViews(), a) }) : 0n),
      changes: () => {
        const d = new DataView(this.core.memory.buffer);
        const at = d.getUint32(this.plan.desc + DESC.changes, true);
        const count = d.getUint32(this.plan.desc + DESC.changeCount, true);
        return new Uint32Array(this.core.memory.buffer, at, count * (CHANGE_BYTES / 4)).slice();
      },
      venue: this.venue,
      // The account's balances too, where the book has assets (drift-v2's steps read its borrows).
      positions: (a) => ({ ...positionsOf(this.venue, this.markets, (m) => this.markPrice(m), this.inputColumns(), a), ...(this.region ? { balances: balancesOf(this.balanceViews(), a), assets: this.assetList } : {}) }),
      isCurrent: () => {
        if (this.disposed) throw new Error("liqscan: this book was disposed; its scan results went with it");
        return generation === this.generation && edits === this.edits;
      },
    });
  }

  /**
   * How a scan after price moves goes (assembly/tick.ts): through the market summary
   * (NO_TICK_INDEX: the index is off, or the venue has no float image); a full scan (TICK_FULL: it
   * writes every account's bound, when the index has just been turned on or a mark rose past 4
   * times its lowest since the last full scan); through the holders of the one market that
   * ticked (its index), when no account was edited; or through the edited accounts, the holders
   * of every moved market marked as edited too (TICK_MARKED). The index is turned on after
   * TICK_INDEX_AFTER such scans without a change of shape.
   */
  private tickPlan(): number {
    if (this.coreVenue.prefilters === false) return NO_TICK_INDEX;
    if (this.tick.bounds === 0) {
      if (++this.tick.stable < TICK_INDEX_AFTER) return NO_TICK_INDEX;
      this.tickIndexOn();
      return TICK_FULL;
    }
    const v = this.view();
    for (let m = 0; m < this.markets.length; m++) {
      if (v.getBigInt64(this.plan.marketTable + m * MARKET_BYTES + MARKET.mark, true) > 4n * this.tick.lowMarks[m]!) return TICK_FULL;
    }
    const offsets = new Uint32Array(this.core.memory.buffer, this.tick.offsets, this.markets.length + 1);
    if (this.movedMarkets.size === 1 && !this.accountsEdited) {
      const [m] = this.movedMarkets;
      v.setUint32(this.plan.desc + DESC.tickHolders, this.tick.holders + offsets[m!]! * 4, true);
      v.setUint32(this.plan.desc + DESC.tickHolderCount, offsets[m! + 1]! - offsets[m!]!, true);
      v.setUint32(this.plan.desc + DESC.tickSizes, this.tick.sizes + offsets[m!]! * 4, true);
      return m!;
    }
    this.editListValid = false; // the holders are marked in the core, in bulk
    for (const m of this.movedMarkets) this.core.markHolders(this.plan.desc, this.tick.holders + offsets[m]! * 4, offsets[m + 1]! - offsets[m]!);
    return TICK_MARKED;
  }

  /** The tick index on: each market's holders listed (in regions reused while they have room), the bounds in the summary's place. */
  private tickIndexOn(): void {
    const offsets = this.tick.offsets || this.take((this.markets.length + 1) * 4);
    this.tick.offsets = offsets;
    const count = this.core.countHolders(this.plan.desc, offsets);
    if (this.tick.room < count) {
      this.tick.room = count;
      this.tick.holders = this.take(count * 4);
      this.tick.sizes = this.take(count * 4);
    }
    this.core.fillHolders(this.plan.desc, this.tick.holders, this.tick.sizes, this.tick.offsets);
    this.tick.bounds = this.plan.marketSummary;
    this.summaryValid = false;
    this.view().setUint32(this.plan.desc + DESC.tickBounds, this.tick.bounds, true);
  }

  /** The tick index off: the market summary is computed again in its region when next read. */
  private tickIndexOff(): void {
    if (this.tick.bounds === 0) return;
    this.tick.bounds = 0;
    this.view().setUint32(this.plan.desc + DESC.tickBounds, 0, true);
    this.summaryValid = false;
  }

  /** After a scan that kept the bounds: each market's lowest mark (all of them reset after a full scan). */
  private lowerMarks(full: boolean): void {
    const v = this.view();
    for (let m = 0; m < this.markets.length; m++) {
      const mark = v.getBigInt64(this.plan.marketTable + m * MARKET_BYTES + MARKET.mark, true);
      const low = this.tick.lowMarks[m];
      if (full || low === undefined || mark < low) this.tick.lowMarks[m] = mark;
    }
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

  liquidationPrices(options?: LiquidationPricesOptions): BigInt64Array {
    const onProgress = options?.onProgress;
    const prices = this.corePrices(onProgress, options?.into);
    // The core computes in fixed widths (128-bit signed intermediates; see the header of
    // assembly/liquidation-price.ts for the exact regime) and writes -2 ("wide") for a position
    // whose intermediates might leave them (sizes and prices near 2^63, e < 0 with huge products,
    // an account whose other positions' pnl or maintenance leave 64 bits) and for the two legs of
    // a hedged pair: ./wide-prices.ts prices those with the exact BigInt reference, so the result
    // is exact for every valid book.
    const c = this.inputColumns();
    priceWidePositions(prices, { venue: this.venue, liquidatorSharePpm: this.liquidatorSharePpm, markets: () => this.markets.map((m, i) => ({ ...m, markPrice: this.markPrice(i) })), ...c, ...this.assetColumns(), ...this.gmxColumn() });
    onProgress?.(this.positionCount, this.positionCount);
    return prices;
  }

  /** The core's own answer, with -2 where a position needs the wide fallback (for tests and diagnostics). */
  corePrices(onProgress?: (done: number, total: number) => void, into?: BigInt64Array): BigInt64Array {
    this.alive();
    const prices = pricesArray(this.positionCount, into);
    const starts = this.positionStart;
    // Whole accounts per call, as many as fit the buffer (one account larger than it grows it).
    for (let from = 0; from < this.accountCount;) {
      let to = from + 1;
      while (to < this.accountCount && starts[to + 1]! - starts[from]! <= PRICE_CHUNK) to++;
      const count = starts[to]! - starts[from]!;
      const at = this.priceBufferFor(count);
      this.entries.liquidationPrices(this.plan.desc, at, from, to);
      // As bytes: BigInt64Array.set converts element by element (18 ms of a 1M-position call).
      new Uint8Array(prices.buffer, prices.byteOffset + starts[from]! * 8, count * 8).set(new Uint8Array(this.core.memory.buffer, at, count * 8));
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
    return assembleBook(this.venue, this.liquidatorSharePpm, markets, this.accountIds, { ...c, ...this.labelColumns(), ...this.assetColumns(), ...this.gmxColumn() });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Hand the instance to the engine's pool (the next book reuses its mapped memory), or drop it
    // so its memory can be collected.
    this.pool?.give(this.core, Math.max(this.highWater, this.top, this.plan.end));
    this.core = undefined as unknown as CoreExports;
  }

  /** Where dispose() returns the instance (set by the engine that made the book). */
  pool?: CorePool;

  // ---- memory ------------------------------------------------------------------------------

  private view(): DataView {
    this.alive();
    // Growth detaches the buffer (its byteLength becomes 0): a cheaper test than reading memory.buffer, a call into the engine, on every edit.
    if (this.dataView !== undefined && this.dataView.buffer.byteLength !== 0) return this.dataView;
    return (this.dataView = new DataView(this.core.memory.buffer));
  }

  private dataView?: DataView;

  /** Views of every column, remade after memory growth (which detaches the buffer: byteLength 0) or a re-layout (which drops them). */
  private views(): Views {
    this.alive();
    if (this.cached !== undefined && this.cached.buffer.byteLength !== 0) return this.cached;
    const buffer = this.core.memory.buffer as ArrayBuffer;
    const p = this.plan;
    return (this.cached = {
      buffer,
      collateral: new BigInt64Array(buffer, p.collateral, this.accountCap),
      starts: new Uint32Array(buffer, p.positionStart, this.accountCap + 1),
      ends: new Uint32Array(buffer, p.positionEnd, this.accountCap),
      market: new Uint32Array(buffer, p.positionMarket, this.slotCap),
      size: new BigInt64Array(buffer, p.positionSize, this.slotCap),
      entry: new BigInt64Array(buffer, p.positionEntry, this.slotCap),
      collateralWords: new Uint32Array(buffer, p.collateral, 2 * this.accountCap),
      sizeWords: new Uint32Array(buffer, p.positionSize, 2 * this.slotCap),
      entryWords: new Uint32Array(buffer, p.positionEntry, 2 * this.slotCap),
      status: new Uint8Array(buffer, p.status, this.accountCap),
      summary: new Uint32Array(buffer, p.marketSummary, this.accountCap),
    });
  }

  /** The input columns as a contiguous book (compacted first when edits left it in slots); views are made on demand: any memory growth detaches the old ones. */
  private inputColumns(): WritableColumns {
    this.alive();
    this.compacted();
    const buffer = this.core.memory.buffer;
    const p = this.plan;
    const c = this.inputsCache;
    // The same views while nothing moved them (a report reads them once per account).
    if (c && c.buffer === buffer && c.plan === p && c.accounts === this.accounts && c.positions === this.livePositions) return c.columns;
    const columns = {
      collateral: new BigInt64Array(buffer, p.collateral, this.accountCount),
      positionStart: new Uint32Array(buffer, p.positionStart, this.accountCount + 1),
      positionMarket: new Uint32Array(buffer, p.positionMarket, this.positionCount),
      positionSize: new BigInt64Array(buffer, p.positionSize, this.positionCount),
      positionEntry: new BigInt64Array(buffer, p.positionEntry, this.positionCount),
    };
    this.inputsCache = { buffer, plan: p, accounts: this.accounts, positions: this.livePositions, columns };
    return columns;
  }

  private inputsCache?: { buffer: ArrayBufferLike; plan: Plan; accounts: number; positions: number; columns: WritableColumns };

  private columnsForCheck(): BookColumns {
    return { ...this.inputColumns(), ...(this.venue !== "generic" ? { venue: this.venue } : {}), liquidatorSharePpm: this.liquidatorSharePpm, markets: this.markets, accountIds: this.accountIds, ...this.assetColumns(), ...this.gmxColumn() };
  }

  /** Bump-allocate `bytes` at the top of memory, growing it. */
  private take(bytes: number): number {
    const at = align8(this.top);
    reserve(this.core.memory, at + bytes, this.accounts, this.livePositions);
    this.top = at + bytes;
    this.highWater = Math.max(this.highWater, this.top);
    return at;
  }

  /** The end of every byte this book has written (a re-layout moves `top` back; this never goes down). */
  private highWater = 0;

  /**
   * New list buffers of `capacity` entries and a change list of twice that, empty: every growth
   * is followed by a full scan, which does not read the previous list (a result still holding the
   * old buffers keeps reading them). The change records of a scan cut short are carried over;
   * `list` (a re-layout's) becomes the current list.
   */
  private growList(capacity: number, list?: Uint8Array): void {
    capacity = Math.max(1, capacity);
    const v0 = this.view();
    const d = this.plan.desc;
    const oldChanges = this.capacity === 0 || list ? new Uint8Array(0)
      : new Uint8Array(this.core.memory.buffer, v0.getUint32(d + DESC.changes, true), v0.getUint32(d + DESC.changeCount, true) * CHANGE_BYTES).slice();
    const current = this.take(capacity * ENTRY_BYTES);
    const spare = this.take(capacity * ENTRY_BYTES);
    const changes = this.take(2 * capacity * CHANGE_BYTES);
    const v = this.view();
    v.setUint32(d + DESC.flagged, current, true);
    v.setUint32(d + DESC.flaggedCount, list ? list.length / ENTRY_BYTES : 0, true);
    if (list) new Uint8Array(this.core.memory.buffer, current, list.length).set(list);
    v.setUint32(d + DESC.spare, spare, true);
    v.setUint32(d + DESC.capacity, capacity, true);
    v.setUint32(d + DESC.changes, changes, true);
    v.setUint32(d + DESC.changeCount, oldChanges.length / CHANGE_BYTES, true);
    v.setUint32(d + DESC.changeCapacity, 2 * capacity, true);
    new Uint8Array(this.core.memory.buffer, changes, oldChanges.length).set(oldChanges);
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
    u32(DESC.accounts, this.accounts);
    u32(DESC.positions, this.slotCap);
    u32(DESC.markets, this.markets.length);
    u32(DESC.collateral, p.collateral);
    u32(DESC.positionStart, p.positionStart);
    u32(DESC.positionEnd, p.positionEnd);
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
    u32(DESC.tickBounds, 0);
    u32(DESC.tickMarket, 0);
    u32(DESC.gmxWide, this.gmxWide);
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

  protected alive(): void {
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

/**
 * A column copied into WebAssembly memory as bytes when it is a typed array of the same kind
 * (BigInt64Array.set converts element by element), else element by element, which converts and
 * range-checks a plain array's values as TypedArray.set does.
 */
function copyBytes(to: Uint32Array | BigInt64Array, from: ArrayLike<number> | ArrayLike<bigint>): void {
  if (from instanceof to.constructor) {
    const f = from as unknown as ArrayBufferView;
    new Uint8Array(to.buffer, to.byteOffset, to.byteLength).set(new Uint8Array(f.buffer, f.byteOffset, Math.min(f.byteLength, to.byteLength)));
  } else (to as unknown as { set(x: unknown): void }).set(from);
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
