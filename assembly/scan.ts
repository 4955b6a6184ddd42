// The scan: one pass over the accounts. Each account is either proven "ok" by the float
// pre-filter (prefilter.ts), which costs one status byte, or evaluated exactly (account.ts); the
// liquidatable and overflow accounts go to the flagged list with their amounts, and the totals
// are summed from that list.
//
// Incremental scans: after a price tick only the accounts holding a market whose mark moved or
// that the wrapper edited (STATUS_DIRTY in their status byte) can change. An incremental scan
// first gathers candidates without branching (an account's market summary shares a bit with the
// moved markets, or it is dirty), a chunk of accounts at a time, then re-evaluates every
// candidate and carries every other entry of the previous list over; both are in account order,
// so carrying is a merge. Branches that depend on the data are what cost in this loop (a
// mispredicted branch costs more than a position's arithmetic), so the pass over all accounts has
// none, and a candidate that only shares a summary bit (market m + 32 moved, not m) is evaluated
// again rather than tested: its entry comes out the same, and the test, a branch per candidate,
// cost more than it saved (a BTC-PERP tick on a 50-market book: 6-7.6 ms with it, 4.7 ms without).
// The summary is 32 bits wide (2 bytes an account more than 16): on that 50-market book a tick of
// market 0 re-evaluates its holders and market 32's, 131k of 526k accounts, instead of the 176k that
// shared a bit of 16 with it (A/B on a machine at load 8: CPU-time medians 6.6 -> 5.5 ms, the
// fastest ticks 4.5 -> 3.7 ms).

import {
  CANDIDATE_CHUNK, DESC_ACCOUNTS, DESC_CANDIDATES, DESC_CAPACITY, DESC_COLLATERAL, DESC_FLAGGED,
  DESC_F_SLACK, DESC_FLAGGED_COUNT, DESC_LIQUIDATOR_SHARE, DESC_MARKET_SUMMARY, DESC_MARKET_TABLE,
  DESC_POSITION_ENTRY, DESC_POSITION_MARKET, DESC_POSITION_SIZE, DESC_POSITION_START,
  DESC_SCRATCH, DESC_SPARE, DESC_STATUS, DESC_TIER_TABLE, DESC_TOTALS, ENTRY_ACCOUNT,
  ENTRY_BYTES, STATUS_DIRTY, STATUS_OK, TOTALS_BYTES, DESC_POSITION_END, DESC_CHANGES,
  DESC_CHANGE_COUNT, DESC_CHANGE_CAPACITY, CHANGE_BYTES, DESC_ASSETS, DESC_MARKETS, MARKET_F_INV_K,
  MARKET_F_MARK_K, MARKET_F_MARK_W, MARKET_F_WEIGHT, MARKET_MARK, DESC_TICK_BOUNDS, DESC_TICK_MARKET,
  DESC_TICK_HOLDERS, DESC_TICK_HOLDER_COUNT, DESC_TICK_SIZES, MARKET_TICK_MARK, MARKET_F_TICK_SLOPE,
  DESC_EDITED_COUNT,
} from "./layout";
import { marketAt } from "./market";
import { evaluateExact, setAssetsHeld } from "./account";
import { accountSums, safeBy, segmentedSums } from "./prefilter";
import { tickBound, tickedBound } from "./tick";
import { addEntry } from "./totals";

/** scanBook's answer when the flagged list outgrew its buffer: grow it and scan again (in full). */
export const LIST_FULL: i32 = -1;

// The book being scanned, read from the descriptor once per scan. Module globals rather than
// parameters: the inlined helpers below would otherwise take ten addresses each. stress.ts reads
// them too.
export let collateralCol: usize = 0, starts: usize = 0, ends: usize = 0, marketCol: usize = 0, sizeCol: usize = 0;
export let entryCol: usize = 0, markets: usize = 0, tiers: usize = 0, statusCol: usize = 0;
export let share: u64 = 0, scratch: usize = 0, listEnd: usize = 0, slackPerPosition: f64 = 0;
// The accounts' tick bounds (tick.ts), 0 when the book keeps none.
let bounds: usize = 0;
// The change list of the scan under way (layout.ts): accounts whose status differs from the one
// their status byte held before, with that previous status.
let changes: usize = 0, changeCount: u32 = 0, changeCapacity: u32 = 0;

export function readDescriptor(desc: usize): void {
  collateralCol = load<u32>(desc, DESC_COLLATERAL) as usize;
  starts = load<u32>(desc, DESC_POSITION_START) as usize;
  ends = load<u32>(desc, DESC_POSITION_END) as usize;
  marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  sizeCol = load<u32>(desc, DESC_POSITION_SIZE) as usize;
  entryCol = load<u32>(desc, DESC_POSITION_ENTRY) as usize;
  markets = load<u32>(desc, DESC_MARKET_TABLE) as usize;
  tiers = load<u32>(desc, DESC_TIER_TABLE) as usize;
  statusCol = load<u32>(desc, DESC_STATUS) as usize;
  share = load<u64>(desc, DESC_LIQUIDATOR_SHARE);
  scratch = load<u32>(desc, DESC_SCRATCH) as usize;
  slackPerPosition = load<f64>(desc, DESC_F_SLACK);
  listEnd = (load<u32>(desc, DESC_SPARE) as usize) + <usize>load<u32>(desc, DESC_CAPACITY) * ENTRY_BYTES;
  changes = load<u32>(desc, DESC_CHANGES) as usize;
  changeCount = load<u32>(desc, DESC_CHANGE_COUNT);
  changeCapacity = load<u32>(desc, DESC_CHANGE_CAPACITY);
  setAssetsHeld(load<u32>(desc, DESC_ASSETS) != 0);
  bounds = load<u32>(desc, DESC_TICK_BOUNDS) as usize;
}

/** Record that account `a` left status `prev` (a status changes once per scan: the buffer holds the old and the new list's accounts). */
// @ts-ignore: decorator
@inline function changed(a: u32, prev: u32): void {
  if (changeCount < changeCapacity) {
    const at = changes + <usize>changeCount * CHANGE_BYTES;
    store<u32>(at, a);
    store<u32>(at, prev, 4);
    changeCount++;
  }
}

/** Whether the venue's valuation has a float image for the pre-filter: the model's, or one of its own (`floatTerms`, drift-v2's). */
// @ts-ignore: decorator
@inline function floatImage<V>(): bool {
  return changetype<V>(0).prefilters() || isDefined(changetype<V>(0).floatTerms);
}

/**
 * Evaluate account `a`, write its status, and append its entry at `out` when it is flagged.
 * Returns the next free entry, or 0 when the list is full.
 */
// @ts-ignore: decorator
@inline function evaluateInto<V>(a: u32, out: usize): usize {
  const first = load<u32>(starts + (<usize>a << 2));
  const end = load<u32>(ends + (<usize>a << 2));
  const c = load<i64>(collateralCol + (<usize>a << 3));
  // A venue whose valuation the model's float images do not bound has its own (drift-v2's
  // floatTerms, whose accounts have no tick bounds) or none.
  let safe = false;
  if (floatImage<V>()) {
    const sums = accountSums<V>(c, first, end, marketCol, sizeCol, entryCol, markets, tiers);
    const margin = f64x2.extract_lane(sums, 0), weight = f64x2.extract_lane(sums, 1);
    safe = safeBy(margin, weight, end - first, slackPerPosition, 0);
    if (bounds != 0) store<f32>(bounds + (<usize>a << 2), tickBound(margin, weight, end - first, slackPerPosition));
  }
  return settle<V>(a, c, first, end, safe, out);
}

/** Account `a` is proven ok: its status, and a change record when it was not ok before. */
// @ts-ignore: decorator
@inline function settleOk(a: u32): void {
  const prev = <u32>load<u8>(statusCol + <usize>a) & ~(<u32>STATUS_DIRTY);
  store<u8>(statusCol + <usize>a, STATUS_OK);
  if (prev != STATUS_OK) changed(a, prev);
}

/** Write account `a`'s status: ok when the pre-filter proved it `safe`, else what the exact path finds (its entry appended at `out`). */
// @ts-ignore: decorator
@inline function settle<V>(a: u32, c: i64, first: u32, end: u32, safe: bool, out: usize): usize {
  if (safe) {
    settleOk(a);
    return out;
  }
  const prev = <u32>load<u8>(statusCol + <usize>a) & ~(<u32>STATUS_DIRTY);
  const at = out < listEnd ? out : scratch;
  const status = evaluateExact<V>(a, c, first, end, share, at, marketCol, sizeCol, entryCol, markets, tiers);
  store<u8>(statusCol + <usize>a, status);
  if (<u32>status != prev) changed(a, prev);
  if (status == STATUS_OK) return out;
  return at == scratch ? 0 : out + ENTRY_BYTES;
}

// A full scan of a compact book (layout.ts: ends = starts + 4, slots in account order) runs the
// pre-filter position-major (prefilter.ts segmentedSums), a chunk of accounts at a time, in the
// candidates buffer, which a full scan does not otherwise use: per position 16 bytes of sums and
// one head byte. Then one pass over the chunk's accounts reads each one's sums and settles it.
const SEGMENT_POSITIONS: u32 = 3840; // 17 bytes each + 1 fit CANDIDATE_CHUNK * 4 = 64 KiB

function scanCompact<V>(accounts: u32, out: usize, area: usize): usize {
  const sums = area;
  const heads = area + <usize>SEGMENT_POSITIONS * 16;
  let a: u32 = 0;
  while (a < accounts) {
    const base = load<u32>(starts + (<usize>a << 2));
    // The accounts [a, to) whose positions fit the chunk; a head byte where each one begins (an
    // empty account marks its successor's first position, or the byte past the chunk).
    memory.fill(heads, 0, SEGMENT_POSITIONS + 1);
    let to = a;
    let first = base;
    while (to < accounts) {
      const next = load<u32>(starts + (<usize>to << 2), 4);
      if (next - base > SEGMENT_POSITIONS) break;
      store<u8>(heads + <usize>(first - base), 1);
      first = next;
      to++;
    }
    if (to == a) {
      // One account with more positions than a chunk: on its own.
      out = evaluateInto<V>(a, out);
      if (out == 0) return 0;
      a++;
      continue;
    }
    segmentedSums<V>(base, first - base, heads, sums, marketCol, sizeCol, entryCol, markets, tiers);
    let end = base;
    for (let b = a; b < to; b++) {
      const start = end;
      end = load<u32>(starts + (<usize>b << 2), 4);
      const k = end - start;
      const c = load<i64>(collateralCol + (<usize>b << 3));
      // The sums at the account's last position; zero for an empty account (a mask, not an f64
      // select, which V8 compiles to a branch).
      const at = sums + (<usize>select<u32>(end - 1 - base, 0, k != 0) << 4);
      const terms = v128.and(v128.load(at), i64x2.splat(-<i64>(k != 0)));
      const margin = <f64>c + f64x2.extract_lane(terms, 0);
      const weight = abs(<f64>c) + f64x2.extract_lane(terms, 1);
      if (bounds != 0) store<f32>(bounds + (<usize>b << 2), tickBound(margin, weight, k, slackPerPosition));
      out = settle<V>(b, c, start, end, safeBy(margin, weight, k, slackPerPosition, 0), out);
      if (out == 0) return 0;
    }
    a = to;
  }
  return out;
}

/** Every market's mark images for the full scan's pre-filter (layout.ts MARKET_F_MARK_K), from its mark as it is now. */
function floatMarks(count: u32): void {
  for (let m: u32 = 0; m < count; m++) {
    const market = marketAt(markets, m);
    const mark = <f64>load<i64>(market, MARKET_MARK);
    store<f64>(market, mark * load<f64>(market, MARKET_F_INV_K), MARKET_F_MARK_K);
    store<f64>(market, mark * load<f64>(market, MARKET_F_WEIGHT), MARKET_F_MARK_W);
  }
}

/** Fill the market summary: bit (m & 31) of account a's word when it holds market m (the wrapper keeps it up to date on edits). */
export function summarizeMarkets(desc: usize): void {
  readDescriptor(desc);
  const accounts = load<u32>(desc, DESC_ACCOUNTS);
  const summary = load<u32>(desc, DESC_MARKET_SUMMARY) as usize;
  for (let a: u32 = 0; a < accounts; a++) {
    let bits: u32 = 0;
    const end = load<u32>(ends + (<usize>a << 2));
    for (let p = load<u32>(starts + (<usize>a << 2)); p < end; p++) bits |= 1 << (load<u32>(marketCol + (<usize>p << 2)) & 31);
    store<u32>(summary + (<usize>a << 2), bits);
  }
}

/**
 * Scan the book described at `desc`: every account, or with `incremental` only the accounts a
 * moved mark or an edit can have changed. `movedBits` has bit (m & 31) set for every market m
 * whose mark moved. Returns the number of flagged accounts, or
 * LIST_FULL (the previous list is intact, but statuses may be partly
 * rewritten, so the wrapper must follow with a full scan).
 */
export function scanBookFor<V>(desc: usize, incremental: bool, movedBits: u32): i32 {
  readDescriptor(desc);
  floatMarks(load<u32>(desc, DESC_MARKETS));
  const accounts = load<u32>(desc, DESC_ACCOUNTS);
  const list = load<u32>(desc, DESC_SPARE) as usize;
  const edited = load<u32>(desc, DESC_EDITED_COUNT);
  store<u32>(desc, 0, DESC_EDITED_COUNT); // one scan's list: never read again
  let out = list;
  // The position-major pre-filter for a loaded (compact) book, where the venue's valuation has a float image.
  if (!incremental && ends == starts + 4 && floatImage<V>()) {
    out = scanCompact<V>(accounts, out, load<u32>(desc, DESC_CANDIDATES) as usize);
    if (out == 0) return listFull(desc);
  } else if (!incremental) {
    for (let a: u32 = 0; a < accounts; a++) {
      out = evaluateInto<V>(a, out);
      if (out == 0) return listFull(desc);
    }
  } else {
    carried = load<u32>(desc, DESC_FLAGGED) as usize;
    carriedEnd = carried + <usize>load<u32>(desc, DESC_FLAGGED_COUNT) * ENTRY_BYTES;
    const tick = load<u32>(desc, DESC_TICK_MARKET);
    if (tick != 0) {
      out = tickScan<V>(tick - 1, load<u32>(desc, DESC_TICK_HOLDERS) as usize, load<u32>(desc, DESC_TICK_SIZES) as usize, load<u32>(desc, DESC_TICK_HOLDER_COUNT), load<u32>(desc, DESC_CANDIDATES) as usize, out);
      if (out == 0) return listFull(desc);
    } else if (edited != 0 && movedBits == 0) {
      out = editScan<V>(load<u32>(desc, DESC_CANDIDATES) as usize, edited - 1, out);
      if (out == 0) return listFull(desc);
    } else {
      out = summaryScan<V>(accounts, load<u32>(desc, DESC_MARKET_SUMMARY) as usize, load<u32>(desc, DESC_CANDIDATES) as usize, movedBits, out);
      if (out == 0) return listFull(desc);
    }
    out = carryTo(u32.MAX_VALUE, out);
    if (out == 0) return listFull(desc);
  }
  // The bounds now hold at the marks as they are (every account whose terms moved was updated).
  if (bounds != 0) {
    for (let m: u32 = 0, n = load<u32>(desc, DESC_MARKETS); m < n; m++) {
      const market = marketAt(markets, m);
      store<i64>(market, load<i64>(market, MARKET_MARK), MARKET_TICK_MARK);
    }
  }

  // Success: the new list becomes current.
  store<u32>(desc, changeCount, DESC_CHANGE_COUNT);
  store<u32>(desc, load<u32>(desc, DESC_FLAGGED), DESC_SPARE);
  store<u32>(desc, <u32>list, DESC_FLAGGED);
  const count = <u32>((out - list) / ENTRY_BYTES);
  store<u32>(desc, count, DESC_FLAGGED_COUNT);
  sumTotals(load<u32>(desc, DESC_TOTALS) as usize, list, out);
  return <i32>count;
}

// The previous list, read by an incremental scan: entries of accounts it does not re-evaluate are
// carried over (both lists are in account order, so carrying is a merge).
let carried: usize = 0, carriedEnd: usize = 0;

/** Carry the previous list's entries of the accounts before `a` and drop a's own (about to be evaluated again); 0 when the list is full. */
// @ts-ignore: decorator
@inline function carryTo(a: u32, out: usize): usize {
  // The run of entries before a, found first, then copied at once (one copy per run, not per entry).
  let end = carried;
  while (end < carriedEnd && load<u32>(end, ENTRY_ACCOUNT) < a) end += ENTRY_BYTES;
  const bytes = end - carried;
  if (bytes > listEnd - out) return 0; // the new list cannot hold them
  memory.copy(out, carried, bytes);
  out += bytes;
  carried = end;
  if (carried < carriedEnd && load<u32>(carried, ENTRY_ACCOUNT) == a) carried += ENTRY_BYTES;
  return out;
}

/**
 * The incremental scan after edits alone (no mark moved): the wrapper's list of the `count`
 * edited accounts, ascending, which are exactly the accounts with STATUS_DIRTY, so the result is
 * summaryScan's with movedBits 0 without its pass over every account's status (at 1M positions
 * that pass, not the edited accounts, was most of a rescan after 1,000 fills).
 */
function editScan<V>(list: usize, count: u32, out: usize): usize {
  for (let i: u32 = 0; i < count; i++) {
    const a = load<u32>(list + (<usize>i << 2));
    out = carryTo(a, out);
    if (out == 0) return 0;
    out = evaluateInto<V>(a, out);
    if (out == 0) return 0;
  }
  return out;
}

/** The incremental scan through the market summary: every account that holds a moved market (mod 32) or was edited. */
function summaryScan<V>(accounts: u32, summary: usize, candidates: usize, movedBits: u32, out: usize): usize {
  for (let from: u32 = 0; from < accounts; from += CANDIDATE_CHUNK) {
    const to = min(accounts, from + CANDIDATE_CHUNK);
    // Gather without branches: every account is written, the count moves only for candidates.
    let n: usize = 0;
    for (let a = from; a < to; a++) {
      store<u32>(candidates + (n << 2), a);
      const touched = (load<u32>(summary + (<usize>a << 2)) & movedBits) | (<u32>load<u8>(statusCol + <usize>a) & STATUS_DIRTY);
      n += <usize>(touched != 0);
    }
    for (let i: usize = 0; i < n; i++) {
      const a = load<u32>(candidates + (i << 2));
      // Entries of the accounts before `a` are unchanged: carry them.
      out = carryTo(a, out);
      if (out == 0) return 0;
      out = evaluateInto<V>(a, out);
      if (out == 0) return 0;
    }
  }
  return out;
}

/**
 * The incremental scan of a tick of market m alone (no account edited): its `count` holders, each
 * proven ok by its tick bound moved by the tick (tick.ts) or evaluated as in any scan. A chunk of
 * holders at a time, in three passes: move every bound, and list the holders that are not simply
 * "ok before, still proven ok" (few: the ones near or past their line); touch what the exact path
 * will read of those that need it (their positions are not in cache, and these independent loads
 * overlap where the evaluation's dependent ones would wait one by one: 1,576 liquidatable holders
 * of a BTC-PERP tick cost 0.45 ms cold); then settle the list in account order, carrying the
 * previous list's other entries.
 */
function tickScan<V>(m: u32, holders: usize, sizes: usize, count: u32, work: usize, out: usize): usize {
  const market = marketAt(markets, m);
  // d = (P1 - P0) / K from the exact difference of the integer marks (tick.ts); the slope's
  // guard covers the roundings of d and of each term.
  const d = <f64>(load<i64>(market, MARKET_MARK) - load<i64>(market, MARKET_TICK_MARK)) * load<f64>(market, MARKET_F_INV_K);
  const slope = load<f64>(market, MARKET_F_TICK_SLOPE);
  for (let from: u32 = 0; from < count; from += CANDIDATE_CHUNK) {
    const to = min(count, from + CANDIDATE_CHUNK);
    let n: usize = 0;
    for (let i = from; i < to; i++) {
      const a = load<u32>(holders + (<usize>i << 2));
      const size = <f64>load<f32>(sizes + (<usize>i << 2));
      let term = size * d;
      let delta = term - abs(term) * slope;
      if (isNaN(size)) {
        // A hedge: the terms of its positions in m.
        delta = 0;
        const end = load<u32>(ends + (<usize>a << 2));
        for (let p = load<u32>(starts + (<usize>a << 2)); p < end; p++) {
          if (load<u32>(marketCol + (<usize>p << 2)) != m) continue;
          term = <f64>load<i64>(sizeCol + (<usize>p << 3)) * d;
          delta += term - abs(term) * slope;
        }
      }
      const at = bounds + (<usize>a << 2);
      const bound = tickedBound(load<f32>(at), delta);
      store<f32>(at, bound);
      // Listed unless it was ok and is still proven so (without a branch: every holder is written).
      store<u32>(work + (n << 2), a);
      n += <usize>(!(bound > 0) || load<u8>(statusCol + <usize>a) != STATUS_OK);
    }
    let sink: u64 = 0;
    for (let k: usize = 0; k < n; k++) {
      const a = load<u32>(work + (k << 2));
      if (load<f32>(bounds + (<usize>a << 2)) > 0) continue;
      const first = load<u32>(starts + (<usize>a << 2));
      const end = load<u32>(ends + (<usize>a << 2));
      sink ^= load<u64>(collateralCol + (<usize>a << 3));
      for (let p = first; p < end; p++) {
        sink ^= <u64>load<u32>(marketCol + (<usize>p << 2)) ^ load<u64>(sizeCol + (<usize>p << 3)) ^ load<u64>(entryCol + (<usize>p << 3));
      }
    }
    touched ^= sink;
    for (let k: usize = 0; k < n; k++) {
      const a = load<u32>(work + (k << 2));
      out = carryTo(a, out);
      if (out == 0) return 0;
      if (load<f32>(bounds + (<usize>a << 2)) > 0) {
        settleOk(a); // proven ok now, not before
      } else {
        // No longer proven by its bound: a fresh one from the account's terms, and the exact path if need be.
        out = evaluateInto<V>(a, out);
        if (out == 0) return 0;
      }
    }
  }
  return out;
}

/** What tickScan's touching loads read, kept so that they are not optimised away. */
let touched: u64 = 0;

/** A cut-short pass keeps the changes it recorded: the full scan that follows adds the rest (each account once, since its status byte is already new). */
function listFull(desc: usize): i32 {
  store<u32>(desc, changeCount, DESC_CHANGE_COUNT);
  return LIST_FULL;
}

/** Totals over the list [from, to): exact 128-bit sums, so no book can wrap them. */
function sumTotals(totals: usize, from: usize, to: usize): void {
  memory.fill(totals, 0, TOTALS_BYTES);
  for (let e = from; e < to; e += ENTRY_BYTES) addEntry(totals, e);
}

/** Evaluate one account exactly into the scratch entry (for reports of accounts the list does not hold). */
export function evaluateAccountFor<V>(desc: usize, a: u32): u8 {
  readDescriptor(desc);
  return evaluateExact<V>(
    a, load<i64>(collateralCol + (<usize>a << 3)),
    load<u32>(starts + (<usize>a << 2)), load<u32>(ends + (<usize>a << 2)),
    share, scratch, marketCol, sizeCol, entryCol, markets, tiers,
  );
}
