/**
 * Splitting a book into shards for parallel scans: contiguous account ranges, so that a shard's
 * statuses land in one slice of the book's status column and its positions stay one contiguous
 * run of the position columns.
 */

import type { BookColumns } from "../book/types.js";
import type { WritableColumns } from "./types.js";

/** Accounts `from` up to (not including) `to` of the book. */
export interface ShardRange {
  readonly from: number;
  readonly to: number;
}

/**
 * At most `shards` ranges covering every account, none empty (one empty range for an empty book).
 * Balanced by the scan's work, which is one step per account plus one per position: range k ends
 * at the first account where `positionStart[a] + a` (the work before account a) reaches k/shards
 * of the total, found by binary search (that sum only grows with a).
 */
export function planShards(positionStart: Uint32Array, shards: number): ShardRange[] {
  const accounts = positionStart.length - 1;
  const count = Math.max(1, Math.min(shards, accounts));
  const workBefore = (a: number) => positionStart[a]! + a;
  const total = workBefore(accounts);
  const ranges: ShardRange[] = [];
  let from = 0;
  for (let k = 1; k <= count; k++) {
    // Leave at least one account for each range still to come.
    const last = accounts - (count - k);
    let to = last;
    if (k < count) {
      const target = (total * k) / count;
      let lo = from + 1;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (workBefore(mid) >= target) hi = mid;
        else lo = mid + 1;
      }
      to = lo;
    }
    ranges.push({ from, to });
    from = to;
  }
  return ranges;
}

/**
 * The input columns of one shard, as fresh arrays the caller may hand over (transfer) to another
 * thread; its offsets start at 0.
 */
export function shardColumns(book: BookColumns, range: ShardRange): ShardColumns {
  const first = book.positionStart[range.from]!;
  const end = book.positionStart[range.to]!;
  const positionStart = book.positionStart.slice(range.from, range.to + 1);
  if (first !== 0) for (let a = 0; a < positionStart.length; a++) positionStart[a] -= first;
  return {
    collateral: book.collateral.slice(range.from, range.to),
    positionStart,
    positionMarket: book.positionMarket.slice(first, end),
    positionSize: book.positionSize.slice(first, end),
    positionEntry: book.positionEntry.slice(first, end),
    // A venue book's labels go with their accounts and positions (a hedged pair's sides are what
    // lets an account hold a market twice).
    ...(book.accountIsolated ? { accountIsolated: book.accountIsolated.slice(range.from, range.to) } : {}),
    ...(book.positionLeverage ? { positionLeverage: book.positionLeverage.slice(first, end) } : {}),
    ...(book.positionSide ? { positionSide: book.positionSide.slice(first, end) } : {}),
    // Collateral assets go to every shard, each account's balances with it.
    ...(book.assets && book.balanceStart ? balanceShard(book, range) : book.assets ? { assets: book.assets } : {}),
  };
}

function balanceShard(book: BookColumns, range: ShardRange): Pick<BookColumns, "assets" | "balanceStart" | "balanceAsset" | "balanceAmount"> {
  const first = book.balanceStart![range.from]!, end = book.balanceStart![range.to]!;
  const balanceStart = book.balanceStart!.slice(range.from, range.to + 1);
  if (first !== 0) for (let a = 0; a < balanceStart.length; a++) balanceStart[a] -= first;
  return { assets: book.assets, balanceStart, balanceAsset: book.balanceAsset!.slice(first, end), balanceAmount: book.balanceAmount!.slice(first, end) };
}

/** A shard's input columns and, for a venue book, its labels. */
export type ShardColumns = WritableColumns & Pick<BookColumns, "accountIsolated" | "positionLeverage" | "positionSide" | "assets" | "balanceStart" | "balanceAsset" | "balanceAmount">;
