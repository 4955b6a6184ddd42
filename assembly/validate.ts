// The rules every unlabelled position of a loaded book follows, checked in the core once the
// columns are in memory (book/validate.ts validateColumnsExceptPlainPositions leaves them here): a
// check per position in a tight loop instead of JavaScript's per-position calls. It only answers
// "some rule fails at or before this account"; the wrapper then runs the JavaScript validation,
// whose error names the record and field (the rules are the same, so it finds that fault).

import { DESC_ACCOUNTS, DESC_MARKETS, DESC_POSITION_ENTRY, DESC_POSITION_MARKET, DESC_POSITION_START } from "./layout";

/**
 * -1 when every account a of the compact book at `desc` has start[a] <= start[a + 1] <= `positions`,
 * each of its positions a market index below the markets, held once, and an entry >= 0; else an
 * account where one of these fails (the first, but for a book without markets). `seen` is scratch
 * of 4 bytes per market.
 */
export function checkPlainPositions(desc: usize, positions: u32, seen: usize): i32 {
  const accounts = load<u32>(desc, DESC_ACCOUNTS);
  const marketCount = load<u32>(desc, DESC_MARKETS);
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  const entryCol = load<u32>(desc, DESC_POSITION_ENTRY) as usize;
  // seen[m] = 1 + the last account that held m: a second position of one account in m is a fault.
  if (marketCount == 0) return positions == 0 ? -1 : 0;
  memory.fill(seen, 0, <usize>marketCount << 2);
  let start = load<u32>(starts);
  for (let a: u32 = 0; a < accounts; a++) {
    const end = load<u32>(starts + ((<usize>a + 1) << 2));
    if (end < start || end > positions) return <i32>a;
    let bad = false;
    for (let p = start; p < end; p++) {
      const m = load<u32>(marketCol + (<usize>p << 2));
      // An index past the markets reads no table: min() keeps the load in the scratch.
      const at = seen + (<usize>min(m, marketCount - 1) << 2);
      bad = bad || m >= marketCount || load<i64>(entryCol + (<usize>p << 3)) < 0 || load<u32>(at) == a + 1;
      store<u32>(at, a + 1);
    }
    if (bad) return <i32>a;
    start = end;
  }
  return -1;
}
