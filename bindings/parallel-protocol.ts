/**
 * The messages between a parallel book (bindings/parallel.ts) and its shard workers
 * (bindings/parallel-worker.ts). A worker answers its requests one by one, in order. The per-scan
 * messages are kept small on purpose: the marks when they changed in, the totals out; the status
 * bytes go into memory shared with the book (or, where none can be shared, one byte per account of
 * the shard out).
 */

import type { Market, Totals, VenueName } from "../book/types.js";
import type { ShardColumns } from "./shards.js";

/** One shard of a book: its markets are the whole book's, its columns its own (offsets from 0). */
export interface ShardBook {
  readonly venue?: VenueName;
  readonly liquidatorSharePpm: bigint;
  readonly markets: readonly Market[];
  readonly columns: ShardColumns;
}

export type ToWorker =
  /** Load a shard into the compiled core (sent once; the columns' buffers are transferred). */
  | { readonly kind: "load"; readonly core: WebAssembly.Module; readonly shard: ShardBook }
  /**
   * Scan the shard, after setting every market's mark to `marks` when they changed since the last
   * scan; the shard's status bytes go into `status.buffer` from byte `status.offset` (memory
   * shared with the parallel book), or, where memory is not shared (null), back in the answer.
   */
  | { readonly kind: "scan"; readonly marks: BigInt64Array | null; readonly status: { readonly buffer: SharedArrayBuffer; readonly offset: number } | null }
  /** The shard's totals at each shock (`shockTotals`), the marks set first as for a scan. */
  | { readonly kind: "stress"; readonly marks: BigInt64Array | null; readonly shocksPpm: readonly bigint[]; readonly betaPpm: readonly bigint[] }
  /** The liquidation price of every position of the shard, the marks set first as for a scan; into the shared array from element `into.offset` where memory is shared. */
  | { readonly kind: "prices"; readonly marks: BigInt64Array | null; readonly into: { readonly buffer: SharedArrayBuffer; readonly offset: number } | null };

export type FromWorker =
  /** Sent unasked once the worker listens: messages sent earlier could be missed in browsers. */
  | { readonly kind: "ready" }
  | { readonly kind: "loaded" }
  /** `status`: null when written into the shared buffer, else a copy whose buffer was transferred (it belongs to the receiver). */
  | { readonly kind: "scanned"; readonly totals: Totals; readonly status: Uint8Array | null }
  | { readonly kind: "stressed"; readonly totals: readonly Totals[] }
  /** `prices`: null when written into the shared array (`into`), else the worker's own array, its buffer transferred. */
  | { readonly kind: "priced"; readonly prices: BigInt64Array | null }
  | { readonly kind: "failed"; readonly name: string; readonly message: string };
