// The scan: one pass over the accounts. Each account is either proven "ok" by the float
// pre-filter (prefilter.ts), which costs one status byte, or evaluated exactly (account.ts); the
// liquidatable and overflow accounts go to the flagged list with their amounts, and the totals
// are summed from that list.
//
// Incremental scans: after a price tick only the accounts holding a market whose mark moved (the
// wrapper sets MARKET_DIRTY) or that the wrapper edited (STATUS_DIRTY in their status byte) can
// change. An incremental scan re-evaluates those and carries every other account's list entry
// over from the previous list, which is in account order, so carrying is a merge.

import {
  DESC_ACCOUNTS, DESC_CAPACITY, DESC_COLLATERAL, DESC_FLAGGED, DESC_FLAGGED_COUNT,
  DESC_LIQUIDATOR_SHARE, DESC_MARKET_SUMMARY, DESC_MARKET_TABLE, DESC_MARKETS, DESC_POSITION_ENTRY,
  DESC_POSITION_MARKET, DESC_POSITION_SIZE, DESC_POSITION_START, DESC_SCRATCH, DESC_SPARE,
  DESC_STATUS, DESC_TIER_TABLE, DESC_TOTALS, ENTRY_ACCOUNT, ENTRY_BAD_DEBT, ENTRY_BYTES,
  ENTRY_NOTIONAL, ENTRY_PENALTY, ENTRY_REWARD, ENTRY_STATUS, MARKET_DIRTY, STATUS_DIRTY,
  STATUS_LIQUIDATABLE, STATUS_OK, TOTALS_BAD_DEBT, TOTALS_BYTES, TOTALS_INSURANCE,
  TOTALS_LIQUIDATABLE, TOTALS_NOTIONAL, TOTALS_OVERFLOW, TOTALS_PENALTY, TOTALS_REWARD,
} from "./layout";
import { evaluateExact } from "./account";
import { marketAt, refreshMarks } from "./market";
import { certainlySafe } from "./prefilter";

/** scanBook's answer when the flagged list outgrew its buffer: grow it and scan again (in full). */
export const LIST_FULL: i32 = -1;

/** Does account [first, end) hold a market whose mark moved? */
// @ts-ignore: decorator
@inline function holdsMovedMarket(first: u32, end: u32, marketCol: usize, markets: usize): bool {
  for (let p = first; p < end; p++) {
    if (load<u32>(marketAt(markets, load<u32>(marketCol + (<usize>p << 2))), MARKET_DIRTY) != 0) return true;
  }
  return false;
}

/** Fill the market summary: bit (m & 7) of account a's byte when it holds market m. Positions never change market. */
export function summarizeMarkets(desc: usize): void {
  const accounts = load<u32>(desc, DESC_ACCOUNTS);
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  const summary = load<u32>(desc, DESC_MARKET_SUMMARY) as usize;
  for (let a: u32 = 0; a < accounts; a++) {
    let bits: u32 = 0;
    const end = load<u32>(starts + (<usize>a << 2), 4);
    for (let p = load<u32>(starts + (<usize>a << 2)); p < end; p++) bits |= 1 << (load<u32>(marketCol + (<usize>p << 2)) & 7);
    store<u8>(summary + <usize>a, <u8>bits);
  }
}

/**
 * Scan the book described at `desc`: every account, or with `incremental` only the accounts a
 * moved mark or an edit can have changed. `movedBits` has bit (m & 7) set for every market m
 * whose mark moved (their MARKET_DIRTY is set too): an account whose summary shares no bit with
 * it is skipped after one byte. Returns the number of flagged accounts, or LIST_FULL
 * (nothing is lost: the previous list and the dirty marks are intact, but statuses may be
 * partly rewritten, so the wrapper must follow with a full scan).
 */
export function scanBook(desc: usize, incremental: bool, movedBits: u32): i32 {
  refreshMarks(desc);
  const accounts = load<u32>(desc, DESC_ACCOUNTS);
  const collateral = load<u32>(desc, DESC_COLLATERAL) as usize;
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  const sizeCol = load<u32>(desc, DESC_POSITION_SIZE) as usize;
  const entryCol = load<u32>(desc, DESC_POSITION_ENTRY) as usize;
  const markets = load<u32>(desc, DESC_MARKET_TABLE) as usize;
  const tiers = load<u32>(desc, DESC_TIER_TABLE) as usize;
  const statusCol = load<u32>(desc, DESC_STATUS) as usize;
  const share = load<u64>(desc, DESC_LIQUIDATOR_SHARE);
  const scratch = load<u32>(desc, DESC_SCRATCH) as usize;
  const summary = load<u32>(desc, DESC_MARKET_SUMMARY) as usize;

  const previous = load<u32>(desc, DESC_FLAGGED) as usize;
  const previousEnd = previous + <usize>load<u32>(desc, DESC_FLAGGED_COUNT) * ENTRY_BYTES;
  const list = load<u32>(desc, DESC_SPARE) as usize;
  const listEnd = list + <usize>load<u32>(desc, DESC_CAPACITY) * ENTRY_BYTES;
  let carried = previous, out = list;

  for (let a: u32 = 0; a < accounts; a++) {
    const first = load<u32>(starts + (<usize>a << 2));
    const end = load<u32>(starts + (<usize>a << 2), 4);
    const statusAt = statusCol + <usize>a;
    if (
      incremental && (load<u8>(statusAt) & STATUS_DIRTY) == 0 &&
      ((load<u8>(summary + <usize>a) & movedBits) == 0 || !holdsMovedMarket(first, end, marketCol, markets))
    ) {
      // Unchanged: keep its entry, if it had one.
      while (carried < previousEnd && load<u32>(carried, ENTRY_ACCOUNT) < a) carried += ENTRY_BYTES;
      if (carried < previousEnd && load<u32>(carried, ENTRY_ACCOUNT) == a) {
        if (out == listEnd) return LIST_FULL;
        memory.copy(out, carried, ENTRY_BYTES);
        out += ENTRY_BYTES;
      }
      continue;
    }
    const c = load<i64>(collateral + (<usize>a << 3));
    if (certainlySafe(c, first, end, marketCol, sizeCol, entryCol, markets, tiers)) {
      store<u8>(statusAt, STATUS_OK);
      continue;
    }
    const at = out < listEnd ? out : scratch;
    const status = evaluateExact(a, c, first, end, share, at, marketCol, sizeCol, entryCol, markets, tiers);
    store<u8>(statusAt, status);
    if (status != STATUS_OK) {
      if (at == scratch) return LIST_FULL;
      out += ENTRY_BYTES;
    }
  }

  // Success: the new list becomes current, the moved marks are absorbed.
  store<u32>(desc, <u32>list, DESC_FLAGGED);
  store<u32>(desc, <u32>previous, DESC_SPARE);
  const count = <u32>((out - list) / ENTRY_BYTES);
  store<u32>(desc, count, DESC_FLAGGED_COUNT);
  const marketCount = load<u32>(desc, DESC_MARKETS);
  for (let m: u32 = 0; m < marketCount; m++) store<u32>(marketAt(markets, m), 0, MARKET_DIRTY);
  sumTotals(load<u32>(desc, DESC_TOTALS) as usize, list, out);
  return <i32>count;
}

/** Add a non-negative 128-bit amount (lo, hi) to the 128-bit total at `at`. */
// @ts-ignore: decorator
@inline function addToTotal(at: usize, lo: u64, hi: u64): void {
  const sum = load<u64>(at) + lo;
  store<u64>(at, load<u64>(at, 8) + hi + u64(sum < lo), 8);
  store<u64>(at, sum);
}

/** Totals over the list [from, to): exact 128-bit sums, so no book can wrap them. */
function sumTotals(totals: usize, from: usize, to: usize): void {
  memory.fill(totals, 0, TOTALS_BYTES);
  let liquidatable: u32 = 0, overflow: u32 = 0;
  for (let e = from; e < to; e += ENTRY_BYTES) {
    if (load<u32>(e, ENTRY_STATUS) != STATUS_LIQUIDATABLE) { overflow++; continue; }
    liquidatable++;
    const penalty = load<u64>(e, ENTRY_PENALTY), reward = load<u64>(e, ENTRY_REWARD);
    addToTotal(totals + TOTALS_PENALTY, penalty, 0);
    addToTotal(totals + TOTALS_REWARD, reward, 0);
    addToTotal(totals + TOTALS_INSURANCE, penalty - reward, 0);
    addToTotal(totals + TOTALS_BAD_DEBT, load<u64>(e, ENTRY_BAD_DEBT), 0);
    addToTotal(totals + TOTALS_NOTIONAL, load<u64>(e, ENTRY_NOTIONAL), load<u64>(e, ENTRY_NOTIONAL + 8));
  }
  store<u32>(totals, liquidatable, TOTALS_LIQUIDATABLE);
  store<u32>(totals, overflow, TOTALS_OVERFLOW);
}

/** Evaluate one account exactly into the scratch entry (for reports of accounts the list does not hold). */
export function evaluateAccount(desc: usize, a: u32): u8 {
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  return evaluateExact(
    a, load<i64>((load<u32>(desc, DESC_COLLATERAL) as usize) + (<usize>a << 3)),
    load<u32>(starts + (<usize>a << 2)), load<u32>(starts + (<usize>a << 2), 4),
    load<u64>(desc, DESC_LIQUIDATOR_SHARE), load<u32>(desc, DESC_SCRATCH) as usize,
    load<u32>(desc, DESC_POSITION_MARKET) as usize, load<u32>(desc, DESC_POSITION_SIZE) as usize,
    load<u32>(desc, DESC_POSITION_ENTRY) as usize, load<u32>(desc, DESC_MARKET_TABLE) as usize,
    load<u32>(desc, DESC_TIER_TABLE) as usize,
  );
}
