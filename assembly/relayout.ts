// A live book's re-layout (bindings/wasm-book.ts `relayout`, which owns the plan and its growth):
// the positions compacted into account order through a scratch region of wasm memory that lies
// past both the old layout and the new one, then placed in the new one. Only copies: no value is
// read as a number, so nothing here can change one.
//
// The scratch, from `to` (8-aligned), for `live` slots and `accounts` accounts:
//   market u32[live] | pad to 8 | size i64[live] | entry i64[live] | start u32[accounts + 1]
// (slotScratch* below give the offsets; the wrapper sizes the region with them).
//
// The compaction copies runs: accounts whose slots follow one another (in a book that has seen few
// relocations, nearly all of it) are one memory.copy a column, however many accounts they hold;
// an account a fill or an opening moved to the top is a run of its own.

import { DESC_ACCOUNTS, DESC_POSITION_END, DESC_POSITION_ENTRY, DESC_POSITION_MARKET, DESC_POSITION_SIZE, DESC_POSITION_START } from "./layout";

@inline function align8(n: usize): usize { return (n + 7) & ~(<usize>7); }

/** The scratch's size column's offset from its start, for `live` slots. */
export function slotScratchSize(live: u32): u32 { return <u32>align8(<usize>live << 2); }
/** The scratch's start column's offset from its start. */
export function slotScratchStarts(live: u32): u32 { return slotScratchSize(live) + (live << 4); }
/** The scratch's bytes for `live` slots and `accounts` accounts. */
export function slotScratchBytes(live: u32, accounts: u32): u32 { return <u32>align8(<usize>slotScratchStarts(live) + ((<usize>accounts + 1) << 2)); }

/**
 * Copies every account's slots [start[a], end[a]) into the scratch at `to`, in account order, and
 * the new starts with them. Returns the slots copied, or 0xffffffff (and copies nothing past the
 * scratch) when the accounts hold more than `live`: the wrapper's count and the book disagree.
 */
export function compactSlots(desc: usize, to: usize, live: u32): u32 {
  const accounts = load<u32>(desc + DESC_ACCOUNTS);
  const starts = <usize>load<u32>(desc + DESC_POSITION_START);
  const ends = <usize>load<u32>(desc + DESC_POSITION_END);
  const market = <usize>load<u32>(desc + DESC_POSITION_MARKET);
  const size = <usize>load<u32>(desc + DESC_POSITION_SIZE);
  const entry = <usize>load<u32>(desc + DESC_POSITION_ENTRY);
  const toMarket = to, toSize = to + slotScratchSize(live), toEntry = toSize + (<usize>live << 3);
  const toStarts = to + slotScratchStarts(live);
  let k: u32 = 0, runFrom: u32 = 0, runTo: u32 = 0;
  for (let a: u32 = 0; a < accounts; a++) {
    const first = load<u32>(starts + (<usize>a << 2)), end = load<u32>(ends + (<usize>a << 2));
    store<u32>(toStarts + (<usize>a << 2), k);
    if (first != runTo) {
      const count = runTo - runFrom, at = k - count;
      memory.copy(toMarket + (<usize>at << 2), market + (<usize>runFrom << 2), <usize>count << 2);
      memory.copy(toSize + (<usize>at << 3), size + (<usize>runFrom << 3), <usize>count << 3);
      memory.copy(toEntry + (<usize>at << 3), entry + (<usize>runFrom << 3), <usize>count << 3);
      runFrom = runTo = first;
    }
    runTo = end;
    k += end - first;
    if (k > live) return 0xffffffff;
  }
  const count = runTo - runFrom, at = k - count;
  memory.copy(toMarket + (<usize>at << 2), market + (<usize>runFrom << 2), <usize>count << 2);
  memory.copy(toSize + (<usize>at << 3), size + (<usize>runFrom << 3), <usize>count << 3);
  memory.copy(toEntry + (<usize>at << 3), entry + (<usize>runFrom << 3), <usize>count << 3);
  store<u32>(toStarts + (<usize>accounts << 2), k);
  return k;
}

/**
 * Places what compactSlots left at `from` (`live` slots) in the layout `desc` now names: the
 * three slot columns, the starts, and the ends (end[a] = start[a + 1]) where the layout has a
 * column of ends.
 */
export function placeSlots(desc: usize, from: usize, live: u32): void {
  const accounts = load<u32>(desc + DESC_ACCOUNTS);
  const starts = <usize>load<u32>(desc + DESC_POSITION_START);
  const ends = <usize>load<u32>(desc + DESC_POSITION_END);
  const fromSize = from + slotScratchSize(live), fromStarts = from + slotScratchStarts(live);
  memory.copy(<usize>load<u32>(desc + DESC_POSITION_MARKET), from, <usize>live << 2);
  memory.copy(<usize>load<u32>(desc + DESC_POSITION_SIZE), fromSize, <usize>live << 3);
  memory.copy(<usize>load<u32>(desc + DESC_POSITION_ENTRY), fromSize + (<usize>live << 3), <usize>live << 3);
  memory.copy(starts, fromStarts, (<usize>accounts + 1) << 2);
  if (ends != starts + 4) memory.copy(ends, fromStarts + 4, <usize>accounts << 2);
}
