// Totals over liquidatable accounts: exact 128-bit sums (layout.ts, TOTALS_*), so no book can wrap
// them. A scan sums its flagged list; a stress pass adds each shock's flagged accounts as it goes.

import {
  ENTRY_BAD_DEBT, ENTRY_NOTIONAL, ENTRY_PENALTY, ENTRY_REWARD, ENTRY_STATUS, STATUS_LIQUIDATABLE,
  TOTALS_BAD_DEBT, TOTALS_INSURANCE, TOTALS_LIQUIDATABLE, TOTALS_NOTIONAL, TOTALS_OVERFLOW,
  TOTALS_PENALTY, TOTALS_REWARD,
} from "./layout";

/** Add a non-negative 128-bit amount (lo, hi) to the 128-bit total at `at`. */
// @ts-ignore: decorator
@inline function addToTotal(at: usize, lo: u64, hi: u64): void {
  const sum = load<u64>(at) + lo;
  store<u64>(at, load<u64>(at, 8) + hi + u64(sum < lo), 8);
  store<u64>(at, sum);
}

/** Count the flagged entry at `entry` (liquidatable or overflow) into the totals at `totals`. */
// @ts-ignore: decorator
@inline export function addEntry(totals: usize, entry: usize): void {
  if (load<u32>(entry, ENTRY_STATUS) != STATUS_LIQUIDATABLE) {
    store<u32>(totals, load<u32>(totals, TOTALS_OVERFLOW) + 1, TOTALS_OVERFLOW);
    return;
  }
  store<u32>(totals, load<u32>(totals, TOTALS_LIQUIDATABLE) + 1, TOTALS_LIQUIDATABLE);
  const penalty = load<u64>(entry, ENTRY_PENALTY), reward = load<u64>(entry, ENTRY_REWARD);
  addToTotal(totals + TOTALS_PENALTY, penalty, 0);
  addToTotal(totals + TOTALS_REWARD, reward, 0);
  addToTotal(totals + TOTALS_INSURANCE, penalty - reward, 0);
  addToTotal(totals + TOTALS_BAD_DEBT, load<u64>(entry, ENTRY_BAD_DEBT), 0);
  addToTotal(totals + TOTALS_NOTIONAL, load<u64>(entry, ENTRY_NOTIONAL), load<u64>(entry, ENTRY_NOTIONAL + 8));
}
