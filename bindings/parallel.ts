/**
 * Parallel scans: a book split into shards of whole accounts, each held by a worker thread in its
 * own instance of the core, scanned together. Results equal one thread's scan of the whole book
 * exactly: an account's status depends on that account alone, and the totals are sums, which the
 * shards' exact (bigint) totals add up to.
 *
 * The shards are loaded once and kept, so a price tick costs one small message per worker (the
 * marks in, the totals out), not a reload. Each worker writes its accounts' status bytes straight
 * into a status buffer shared with this thread (a SharedArrayBuffer), so a scan allocates nothing
 * the size of the book: on a 4M-position book, a fresh 2 MB status array a scan (and a copy of each
 * shard's in its worker) cost a third of the scan, most of it the first touch of new memory and the
 * garbage collections it starts. Where memory cannot be shared (a browser page that is not
 * cross-origin isolated), each worker sends a copy of its statuses instead, as before.
 */

import { describeValue } from "../book/errors.js";
import { validateColumns } from "../book/validate.js";
import type { Book, BookColumns, Market, Status, Totals } from "../book/types.js";
import { STATUS_NAME } from "../book/types.js";
import { checkIndex, checkValue, marketIndex } from "./checks.js";
import { I64_MAX } from "./layout.js";
import type { FromWorker } from "./parallel-protocol.js";
import { toColumns } from "./reference-book.js";
import { planShards, shardColumns, type ShardRange } from "./shards.js";
import { checkShockGrid } from "./shocks.js";
import { hardwareThreads, Thread } from "./threads.js";
import { compileCore, type WasmSource } from "./wasm-source.js";

export interface ParallelOptions {
  /**
   * Worker threads (one shard each); default and maximum: the platform's hardware concurrency
   * (more would only cost memory and contention), and never more than the accounts. The book's
   * `threads` says how many it started.
   */
  readonly threads?: number;
  /** Where the core comes from, as for `createEngine`; compiled once and shared with the workers. */
  readonly wasm?: WasmSource;
}

/** A book held by worker threads, scanned in parallel. Close it to stop the workers. */
export interface ParallelBook {
  readonly markets: readonly Market[];
  readonly accountIds: readonly string[];
  readonly accountCount: number;
  readonly positionCount: number;
  /** Worker threads holding the book (one shard of whole accounts each). */
  readonly threads: number;
  /** Mark price of a market (by index or id), in its price units. */
  markPrice(market: number | string): bigint;
  /** Set a mark price; checked here, and applied to every shard before the next scan. */
  setMarkPrice(market: number | string, price: bigint): void;
  /**
   * Scan every shard at the current marks; equals one thread's `scan()` of the whole book. The
   * result is valid until a later scan's result arrives (as one thread's is until the next scan):
   * then its `status` is rewritten and reading it throws; copy it (`status.slice()`) to keep it.
   */
  scanParallel(): Promise<ParallelScanResult>;
  /** The totals at each shock, every shard at once; equals one thread's `shockTotals` of the whole book. */
  shockTotalsParallel(shocksPpm: readonly bigint[], betaPpm: readonly bigint[]): Promise<Totals[]>;
  /**
   * Every position's liquidation price (-1 where none), every shard at once; equals one thread's
   * `liquidationPrices()`. The array is the caller's; where memory is shared with the workers it is
   * backed by a SharedArrayBuffer, which they filled.
   */
  liquidationPricesParallel(): Promise<BigInt64Array>;
  /** Stop the workers (pending scans reject). The book cannot be used afterwards. */
  close(): Promise<void>;
}

/**
 * Open a book for parallel scans. The book is validated once here, so errors name the book's own
 * accounts; each worker then receives its shard's columns (transferred, not copied) and loads them.
 * In Node this runs the built package (worker threads cannot run the TypeScript sources).
 */
export async function openParallel(book: Book | BookColumns, options: ParallelOptions = {}): Promise<ParallelBook> {
  const requested = options.threads;
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1)) {
    throw new RangeError(`liqscan: threads must be a whole number of at least 1, got ${describeValue(requested)}`);
  }
  const columns = toColumns(book, "openParallel()"); // validates plain-object books while converting them
  if (columns === book) validateColumns(columns);
  const core = await compileCore(options.wasm);
  // More workers than hardware threads only add memory (a core instance and a shard each) and
  // contention: a request above the hardware's concurrency is capped to it (see `threads`).
  const hardware = await hardwareThreads();
  const ranges = planShards(columns.positionStart, Math.min(requested ?? hardware, hardware));
  const threads: Thread[] = [];
  try {
    for (let i = 0; i < ranges.length; i++) threads.push(await Thread.start());
    await Promise.all(threads.map(async (thread, i) => {
      await thread.ready;
      const shard = shardColumns(columns, ranges[i]!);
      const transfer = (Object.values(shard) as unknown[]).filter((column): column is ArrayBufferView => ArrayBuffer.isView(column)).map((column) => column.buffer as ArrayBuffer);
      const shardBook = { ...(columns.venue !== undefined ? { venue: columns.venue } : {}), liquidatorSharePpm: columns.liquidatorSharePpm, markets: columns.markets, columns: shard };
      await thread.request({ kind: "load", core, shard: shardBook }, transfer);
    }));
  } catch (error) {
    await Promise.all(threads.map((t) => t.terminate(new Error("liqscan: opening the parallel book failed"))));
    throw error;
  }
  return new WorkerBook(columns, ranges, threads);
}

class WorkerBook implements ParallelBook {
  readonly markets: readonly Market[];
  readonly accountIds: readonly string[];
  readonly accountCount: number;
  readonly positionCount: number;
  private readonly marketIds: Map<string, number>;
  private readonly marks: BigInt64Array;
  private marksChanged = false;
  /** Where each account's positions start in the whole book (a copy: the shards' columns were transferred). */
  private readonly positionStart: Uint32Array;
  private closed = false;
  /**
   * The status buffers, shared with the workers (null where memory cannot be shared). A scan
   * takes one no result still holds: in turn-by-turn use two alternate, and scans sent before the
   * last one's answer arrived (pipelined) add more. `scan` is the scan that wrote (or is writing) it.
   */
  private readonly statusBuffers: { readonly status: Uint8Array; scan: number }[] | null;
  /** Scans sent, and the latest whose result arrived: a result is current until a later one arrives. */
  private scansSent = 0;
  private latestArrived = 0;

  constructor(columns: BookColumns, private readonly ranges: readonly ShardRange[], private readonly workers: readonly Thread[]) {
    this.markets = columns.markets;
    this.accountIds = columns.accountIds;
    this.accountCount = columns.collateral.length;
    this.positionCount = columns.positionSize.length;
    this.marketIds = new Map(columns.markets.map((m, i) => [m.id, i]));
    this.marks = BigInt64Array.from(columns.markets, (m) => m.markPrice);
    this.positionStart = columns.positionStart.slice();
    this.statusBuffers = canShareMemory() ? [] : null;
  }

  get threads(): number {
    return this.workers.length;
  }

  markPrice(market: number | string): bigint {
    this.alive();
    return this.marks[marketIndex(this.marketIds, this.markets.length, market)]!;
  }

  setMarkPrice(market: number | string, price: bigint): void {
    this.alive();
    const m = marketIndex(this.marketIds, this.markets.length, market);
    checkValue(`market "${this.markets[m]!.id}"`, "markPrice", price, 0n, I64_MAX);
    this.marks[m] = price;
    this.marksChanged = true;
  }

  async scanParallel(): Promise<ParallelScanResult> {
    this.alive();
    const marks = this.pendingMarks();
    const scan = ++this.scansSent;
    const buffer = this.statusBufferFor(scan);
    const answers = await Promise.all(this.workers.map((w, i) => w.request({ kind: "scan", marks, status: buffer && { buffer: buffer.buffer as SharedArrayBuffer, offset: this.ranges[i]!.from } })));
    let status = buffer;
    if (!status) {
      status = new Uint8Array(this.accountCount);
      answers.forEach((answer, i) => status!.set((answer as Extract<FromWorker, { kind: "scanned" }>).status!, this.ranges[i]!.from));
    }
    this.latestArrived = Math.max(this.latestArrived, scan);
    let totals = ZERO_TOTALS;
    for (const answer of answers) totals = addTotals(totals, (answer as Extract<FromWorker, { kind: "scanned" }>).totals);
    return new ParallelScanResult(totals, status, this.accountIds, () => this.latestArrived <= scan);
  }

  /** A shared status buffer for scan `scan`: one whose result a later result superseded (or a new one); null where memory is not shared. */
  private statusBufferFor(scan: number): Uint8Array | null {
    if (!this.statusBuffers) return null;
    let free = this.statusBuffers.find((b) => b.scan < this.latestArrived);
    if (!free) {
      free = { status: new Uint8Array(new SharedArrayBuffer(this.accountCount)), scan: 0 };
      this.statusBuffers.push(free);
    }
    free.scan = scan;
    return free.status;
  }

  async shockTotalsParallel(shocksPpm: readonly bigint[], betaPpm: readonly bigint[]): Promise<Totals[]> {
    this.alive();
    // Checked here, once, as one thread's shockTotals checks them: a worker's error would name its shard.
    checkShockGrid(this.markets.length, shocksPpm, betaPpm);
    const marks = this.pendingMarks();
    const answers = await Promise.all(this.workers.map((w) => w.request({ kind: "stress", marks, shocksPpm, betaPpm })));
    return shocksPpm.map((_, k) => answers.reduce((sum, a) => addTotals(sum, (a as Extract<FromWorker, { kind: "stressed" }>).totals[k]!), ZERO_TOTALS));
  }

  async liquidationPricesParallel(): Promise<BigInt64Array> {
    this.alive();
    const marks = this.pendingMarks();
    // Where memory is shared, the workers write their shards' prices into the caller's array (its
    // memory first touched by them, in parallel), else they send theirs and they are copied here.
    const shared = this.statusBuffers ? new BigInt64Array(new SharedArrayBuffer(this.positionCount * 8)) : null;
    const answers = await Promise.all(this.workers.map((w, i) => w.request({ kind: "prices", marks, into: shared && { buffer: shared.buffer as SharedArrayBuffer, offset: this.positionStart[this.ranges[i]!.from]! } })));
    if (shared) return shared;
    const prices = new BigInt64Array(this.positionCount);
    answers.forEach((answer, i) => prices.set((answer as Extract<FromWorker, { kind: "priced" }>).prices!, this.positionStart[this.ranges[i]!.from]!));
    return prices;
  }

  /** The marks for the next request when they changed since the last: requests are answered in order, so a later setMarkPrice cannot reach it. */
  private pendingMarks(): BigInt64Array | null {
    const marks = this.marksChanged ? this.marks.slice() : null;
    this.marksChanged = false;
    return marks;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate(closedError())));
  }

  private alive(): void {
    if (this.closed) throw closedError();
  }
}

const closedError = () => new Error("liqscan: this parallel book was closed");

const ZERO_TOTALS: Totals = { liquidatable: 0, overflow: 0, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 0n, notional: 0n };

function addTotals(a: Totals, b: Totals): Totals {
  return {
    liquidatable: a.liquidatable + b.liquidatable,
    overflow: a.overflow + b.overflow,
    penalty: a.penalty + b.penalty,
    liquidatorReward: a.liquidatorReward + b.liquidatorReward,
    insuranceFund: a.insuranceFund + b.insuranceFund,
    badDebt: a.badDebt + b.badDebt,
    notional: a.notional + b.notional,
  };
}

/** Whether this thread can share memory with its workers: a SharedArrayBuffer exists and may be posted (browsers: cross-origin isolated pages only). */
function canShareMemory(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer === "function" && isolated !== false;
}

/**
 * The result of one parallel scan: exact totals and every account's status, in book order. It is
 * valid until a later scan of the same book gives its result: then `status` (the book's shared
 * status buffer) is rewritten, and reading it or any method but `totals` throws rather than show
 * another scan's statuses. Copy `status` (`.slice()`) to keep it.
 */
export class ParallelScanResult {
  readonly accountCount: number;

  constructor(
    readonly totals: Totals,
    /** 0 ok, 1 liquidatable, 2 overflow, one byte per account. */
    private readonly statuses: Uint8Array,
    readonly accountIds: readonly string[],
    /** False once a later scan's result superseded this one. */
    private readonly isCurrent: () => boolean = () => true,
  ) {
    this.accountCount = statuses.length;
  }

  /** 0 ok, 1 liquidatable, 2 overflow, one byte per account; throws once a later result superseded this one. */
  get status(): Uint8Array {
    if (!this.isCurrent()) throw new Error("liqscan: this parallel scan result was superseded by a later scan of the same book; copy its status (status.slice()) before scanning again to keep it");
    return this.statuses;
  }

  /** Indices of the liquidatable accounts, in book order. */
  liquidatable(): number[] {
    const out: number[] = [];
    const status = this.status;
    for (let a = 0; a < status.length; a++) if (status[a] === 1) out.push(a);
    return out;
  }

  statusOf(account: number): Status {
    checkIndex(account, this.accountCount, "account");
    return STATUS_NAME[this.status[account]!]!;
  }
}
