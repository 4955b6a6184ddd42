// The tick index: a rescan after one market's mark moved touches that market's holders only, and
// for most of them proves "still ok" from a bound kept per account, without reading the account's
// other positions.
//
// What is kept. For every account a an f32 lower bound L_a on its margin (DESC_TICK_BOUNDS), valid at
// the marks MARKET_TICK_MARK, and per market the ascending list of the accounts that hold it (the
// wrapper builds it with buildHolders and hands it to the scan of a tick of that market).
//
// The invariant. Take the real-valued margin of prefilter.ts and stress.ts,
//   R(P) = C + sum_p s_p (P_m(p) - e_p) / K_p  -  sum_p f_p(|s_p| P_m(p) / K_p),
// f_p the market's tier function (the maximum of its pieces, convex, slopes up to sigma_m, the
// steepest rate). The pre-filter's proof gives |E - R| < sum_p (2 + r_p) for the exact margin E
// (equity - maintenance) and |m - R| <= 2^-26 W for the float margin m it sums. L_a is kept at most
// R(P) - k (2 + r), k the account's positions, so E > R - k (2 + r) >= L_a: L_a > 0 proves the
// account is not liquidatable.
//   - A fresh bound (tickBound, written by every scan that sums an account's terms):
//     m - (2^-24 W + k slack), the pre-filter's own band subtracted from its float margin. The band
//     is four times 2^-26 W and slack = 4 + 2 r >= 2 (2 + r), so the difference is below
//     R - k (2 + r) by more than the subtraction's own rounding (u (|m| + band), u = 2^-53, and
//     |m| < 2 W). It is rounded down to f32.
//   - A tick of market m from mark P0 to P1 changes R by
//       sum over a's positions p in m of  s_p (P1 - P0) / K  -  (f(|s_p| P1 / K) - f(|s_p| P0 / K)),
//     and |f(x) - f(y)| <= sigma |x - y|, so by at least  sum s d - sigma |s d|,  d = (P1 - P0)/K.
//     The update adds that, computed in float with slope MARKET_F_TICK_SLOPE = sigma +
//     (1 + sigma) 2^-21 from the holder's size as an f32 s' (the holder list keeps it beside the
//     account, so a tick reads no position): s = s' (1 + e) with |e| <= 2^-24, so
//     s d - sigma |s d| >= s' d - |s' d| (sigma + 2^-24) (1 + 2^-23), and the slope's extra part
//     exceeds that and every float rounding of the term (d from the exact integer P1 - P0 and 1/K,
//     the products, the sum: a few u |s d| (1 + sigma)). A hedge (two positions in m) has no single
//     size (NaN in the list): its terms s d - |s d| slope are summed from its positions. The sum
//     L + delta is then lowered by 2^-50 of its magnitude, more than its rounding, and rounded down
//     to f32. Nothing rounds up, so L stays a lower bound, tick after tick. It only loses: a
//     round trip of a mark costs 2 sigma |s d| and two f32 roundings (2^-24 of |L|); when it no
//     longer proves the account the scan sums the account's terms again (a fresh bound).
// Overflow. A fresh bound is finite only when W + k slack < 2^60 (else -Infinity, and the account
// goes through the exact path); the wrapper uses the tick index only while every mark is at most 4
// times the lowest the market had at any scan since the last full one, so the account's W now is
// at most 4 times the W of its bound's scan (collateral, entries and sizes do not change in a tick:
// an edited account takes the other path), below 2^62: prefilter.ts's condition for "no exact
// amount can overflow". test/tick-index.test.ts checks the scan against full scans through long
// runs of ticks, near the line, hedged, at the magnitude limit.

import { BAND_RELATIVE } from "./prefilter";
import { DESC_ACCOUNTS, DESC_MARKETS, DESC_POSITION_END, DESC_POSITION_MARKET, DESC_POSITION_SIZE, DESC_POSITION_START, DESC_STATUS, STATUS_DIRTY } from "./layout";

const TICK_MAGNITUDE: f64 = 1152921504606846976.0; // 2^60
const SUM_GUARD: f64 = 1.0 / 1125899906842624.0; // 2^-50

/** The largest f32 at most x (x not NaN). */
// @ts-ignore: decorator
@inline export function f32Down(x: f64): f32 {
  const f = <f32>x;
  // When f rounded up, one step toward -Infinity: a positive f's bits down, a negative one's up (a
  // tiny negative x rounds to -0, whose bits + 1 are the least negative f32). Selects, not
  // branches: which way f rounded is a coin toss.
  const up = <u32>(<f64>f > x);
  const bits = reinterpret<u32>(f);
  return reinterpret<f32>(select<u32>(bits + up, bits - up, (bits >> 31) != 0));
}

/** A fresh bound from an account's float margin and weight over its k positions (the pre-filter's sums). */
// @ts-ignore: decorator
@inline export function tickBound(margin: f64, weight: f64, k: u32, slackPerPosition: f64): f32 {
  const slack = slackPerPosition * <f64>k;
  if (!(weight + slack < TICK_MAGNITUDE)) return -Infinity;
  return f32Down(margin - (weight * BAND_RELATIVE + slack));
}

/** The bound after a tick: L plus the change delta (computed with the tick slope), lowered by its rounding. */
// @ts-ignore: decorator
@inline export function tickedBound(bound: f32, delta: f64): f32 {
  const x = <f64>bound + delta;
  return f32Down(x - abs(x) * SUM_GUARD);
}

/** Whether account slot p's market appears in an earlier slot of [first, p): the account's first position in that market is its listed one. */
// @ts-ignore: decorator
@inline function heldBefore(marketCol: usize, first: u32, p: u32, m: u32): bool {
  let seen = false;
  for (let q = first; q < p; q++) seen = seen || load<u32>(marketCol + (<usize>q << 2)) == m;
  return seen;
}

/**
 * Each market's holders, counted: offsets[m] = the holders of markets before m (markets + 1
 * entries, the last the total, returned): where fillHolders puts market m's list.
 */
export function countHolders(desc: usize, offsets: usize): u32 {
  const accounts = load<u32>(desc, DESC_ACCOUNTS);
  const marketCount = load<u32>(desc, DESC_MARKETS);
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const ends = load<u32>(desc, DESC_POSITION_END) as usize;
  const marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  memory.fill(offsets, 0, (<usize>marketCount + 1) << 2);
  for (let a: u32 = 0; a < accounts; a++) {
    const first = load<u32>(starts + (<usize>a << 2));
    const end = load<u32>(ends + (<usize>a << 2));
    for (let p = first; p < end; p++) {
      const m = load<u32>(marketCol + (<usize>p << 2));
      const at = offsets + ((<usize>m + 1) << 2);
      store<u32>(at, load<u32>(at) + u32(!heldBefore(marketCol, first, p, m)));
    }
  }
  for (let m: u32 = 0; m < marketCount; m++) {
    const at = offsets + ((<usize>m + 1) << 2);
    store<u32>(at, load<u32>(at) + load<u32>(at - 4));
  }
  return load<u32>(offsets + (<usize>marketCount << 2));
}

/**
 * Fill `holders` with, for each market m, the accounts holding it in ascending order, at
 * [offsets[m], offsets[m + 1]) (countHolders), and `sizes` beside it with the holder's size in m
 * as an f32 (NaN when the account holds m twice, a hedge: the scan reads its positions).
 */
export function fillHolders(desc: usize, holders: usize, sizes: usize, offsets: usize): void {
  const sizeCol = load<u32>(desc, DESC_POSITION_SIZE) as usize;
  const accounts = load<u32>(desc, DESC_ACCOUNTS);
  const marketCount = load<u32>(desc, DESC_MARKETS);
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const ends = load<u32>(desc, DESC_POSITION_END) as usize;
  const marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  for (let a: u32 = 0; a < accounts; a++) {
    const first = load<u32>(starts + (<usize>a << 2));
    const end = load<u32>(ends + (<usize>a << 2));
    for (let p = first; p < end; p++) {
      const m = load<u32>(marketCol + (<usize>p << 2));
      const at = offsets + (<usize>m << 2);
      const k = load<u32>(at);
      if (heldBefore(marketCol, first, p, m)) {
        // The second position of a hedge: the entry just written for this account has no single size.
        store<f32>(sizes + ((<usize>k - 1) << 2), NaN);
        continue;
      }
      store<u32>(holders + (<usize>k << 2), a);
      store<f32>(sizes + (<usize>k << 2), <f32><f64>load<i64>(sizeCol + (<usize>p << 3)));
      store<u32>(at, k + 1);
    }
  }
  // The fill moved each offsets[m] to the end of m's run, the start of m + 1's: shift back.
  for (let m = marketCount; m > 0; m--) store<u32>(offsets + (<usize>m << 2), load<u32>(offsets + ((<usize>m - 1) << 2)));
  store<u32>(offsets, 0);
}

/** Mark the `count` accounts at `holders` edited (STATUS_DIRTY): the next incremental scan evaluates them. */
export function markHolders(desc: usize, holders: usize, count: u32): void {
  const status = load<u32>(desc, DESC_STATUS) as usize;
  for (let i: u32 = 0; i < count; i++) {
    const at = status + <usize>load<u32>(holders + (<usize>i << 2));
    store<u8>(at, load<u8>(at) | STATUS_DIRTY);
  }
}
