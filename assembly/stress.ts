// A stress grid in one pass over the book (views/stress.ts): for every shock of a grid, the totals
// a scan would give at that shock's marks. Scanning once per shock repeats the float pre-filter for
// every account at every shock, and that was half the cost of a grid; here an account that stays
// safe over a run of shocks is proven safe for the whole run from a few tests, and the shocks that
// remain go through the same exact evaluation as a scan (account.ts), so the totals are the scan's.
//
// Why a run can be proven from its ends. The wrapper passes the interpolating mode only when the
// grid is sorted by shock and no shocked mark was clamped, so at shock s market m's mark is
// P_m(s) = floor(x_m(s)) with x_m(s) = P_m (10^12 + s b_m) / 10^12 >= 0, affine in s. For one
// account take the real-valued margin
//   R(s) = C + sum s_p (x(s) - E_p) / K  -  sum f(|s_p| x(s) / K),   f(n) = max_j(n slope_j - icpt_j)
// (prefilter.ts: the tier function is that maximum because the rates do not decrease). The
// equity part is affine in s and each f is convex, so R is concave in s. The exact margin
// M(k) = equity - maintenance at shock k differs from R(s_k) by less than
//   rho = sum over positions p of [(1 + r_p)(1 + |s_p| / K_p) + 1]   (r_p: the steepest rate)
// whatever k: the floor of the mark moves x by less than 1 (pnl and notional by less than |s|/K,
// maintenance by r times that), and the exact pnl and maintenance each round by less than 1 (the
// notional's ceil moves maintenance by r more). With e < 0 pnl and notional are exact and only
// the mark's floor counts. rho is below
//   sum |s_p| F_WEIGHT_p + n (4 + 2 max r) = sum |s_p| F_WEIGHT_p + n slack,
// and the test below adds twice that (extra) to the pre-filter's band. So a shock that passes
// the test has M(k) > 2 rho, hence R(s_k) > rho; two such shocks bound an interval on which the
// concave R stays above rho, and every shock k inside it has M(k) > R(s_k) - rho > 0: not
// liquidatable. No overflow there either: the real weight W(s) = |C| + sum |s| (x(s) + E) w is
// affine in s too, so inside the interval it is at most the larger end's, and the floors add at
// most sum |s| F_WEIGHT <= extra / 2 < margin / 2 <= W / 2 at that end, where the test also gave
// W + slack < 2^62. So W < 1.5 * 2^62 < 2^63, within prefilter.ts's overflow argument (every
// amount is below W, and 2^63 is the limit). test/stress-grid.test.ts has a book where the
// allowance decides (a hedged pair at small marks) and fails without it.
// Every other shock is tested on its own with the plain pre-filter, then evaluated exactly.
//
// Where the time goes (the benchmark's 1M-position book, 101 shocks from -50 % to +50 %): about
// 8.2M (account, shock) pairs are liquidatable and each needs its exact close-out amounts, which
// is 85 % of the pass; the proofs, bisections and the loop are the rest. So an evaluation at a
// shock right after one where the account was not ok is asked for in one pass (account.ts,
// likelyLiquidatable: the same values, each notional computed once), and the shared formulas
// avoid the 128-bit division call on their common paths (position.ts maintenanceOf's scaled
// ceiling, generic.ts's reward).

import { DESC_ACCOUNTS, DESC_MARKETS, MARKET_F_WEIGHT, MARKET_MARK, STATUS_OK, TOTALS_BYTES } from "./layout";
import { evaluateExact } from "./account";
import { marketAt } from "./market";
import { certainlySafeAt } from "./prefilter";
import {
  collateralCol, entryCol, marketCol, markets, readDescriptor, scratch, share, sizeCol,
  slackPerPosition, starts, ends, tiers,
} from "./scan";
import { addEntry } from "./totals";

// The grid of the pass under way, and the account being tested (globals: the bisection helpers
// would otherwise take them all as parameters).
let marksTable: usize = 0, rowBytes: usize = 0;
let collateral: i64 = 0, first: u32 = 0, end: u32 = 0, extra: f64 = 0;

/** The pre-filter at shock k with the interpolation allowance: a pass proves M(k) > 2 rho. */
// @ts-ignore: decorator
@inline function provenAt<V>(k: u32): bool {
  return certainlySafeAt<V>(collateral, first, end, marketCol, sizeCol, entryCol, markets, tiers, slackPerPosition, marksTable + <usize>k * rowBytes, 3, extra);
}

/** Given provenAt(lo) and not provenAt(hi), a t in [lo, hi) with provenAt(t), not provenAt(t + 1). */
function lastProven<V>(lo: u32, hi: u32): u32 {
  while (hi - lo > 1) {
    const mid = lo + ((hi - lo) >> 1);
    if (provenAt<V>(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Given not provenAt(lo) and provenAt(hi), a t in (lo, hi] with provenAt(t), not provenAt(t - 1). */
function firstProven<V>(lo: u32, hi: u32): u32 {
  while (hi - lo > 1) {
    const mid = lo + ((hi - lo) >> 1);
    if (provenAt<V>(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Evaluate account a exactly at shock k, as a scan at those marks would, and count it in k's totals; whether it was not ok. */
function evaluateAt<V>(a: u32, k: u32, totals: usize, likelyLiquidatable: bool): bool {
  const row = marksTable + <usize>k * rowBytes;
  for (let p = first; p < end; p++) {
    const m = load<u32>(marketCol + (<usize>p << 2));
    store<i64>(marketAt(markets, m), load<i64>(row + (<usize>m << 3)), MARKET_MARK);
  }
  if (evaluateExact<V>(a, collateral, first, end, share, scratch, marketCol, sizeCol, entryCol, markets, tiers, likelyLiquidatable) != STATUS_OK) {
    addEntry(totals + <usize>k * TOTALS_BYTES, scratch);
    return true;
  }
  return false;
}

/**
 * Totals at every shock of a grid (layout.ts, "Stress grid"): `marks` holds shocks + 1 rows of
 * one i64 mark per market, row k the marks at shock k and row `shocks` the book's own (restored
 * at the end); the totals of shock k go to `totals + k * TOTALS_BYTES`. With `interpolate` the
 * rows are in ascending shock order with nothing clamped, and `center` is the row the book's
 * accounts are most likely safe at (the smallest shock).
 */
export function stressGridFor<V>(desc: usize, shocks: u32, marks: usize, totals: usize, center: u32, interpolate: bool): void {
  readDescriptor(desc);
  const accounts = load<u32>(desc, DESC_ACCOUNTS);
  const marketCount = load<u32>(desc, DESC_MARKETS);
  marksTable = marks;
  rowBytes = <usize>marketCount << 3;
  memory.fill(totals, 0, <usize>shocks * TOTALS_BYTES);
  const last = shocks - 1;
  for (let a: u32 = 0; a < accounts; a++) {
    collateral = load<i64>(collateralCol + (<usize>a << 3));
    first = load<u32>(starts + (<usize>a << 2));
    end = load<u32>(ends + (<usize>a << 2));
    // [safeFrom, safeTo]: shocks proven safe together; empty while safeFrom > safeTo.
    let safeFrom: u32 = 1, safeTo: u32 = 0;
    if (interpolate && shocks > 2) {
      let allowance = slackPerPosition * <f64>(end - first);
      for (let p = first; p < end; p++) {
        const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
        allowance += abs(<f64>load<i64>(sizeCol + (<usize>p << 3))) * load<f64>(market, MARKET_F_WEIGHT);
      }
      extra = 2 * allowance;
      if (provenAt<V>(center)) {
        safeFrom = center == 0 || provenAt<V>(0) ? 0 : firstProven<V>(0, center);
        safeTo = center == last || provenAt<V>(last) ? last : lastProven<V>(center, last);
      } else {
        const low = center != 0 && provenAt<V>(0);
        const high = center != last && provenAt<V>(last);
        if (low && high) { safeFrom = 0; safeTo = last; }
        else if (low) { safeFrom = 0; safeTo = lastProven<V>(0, center); }
        else if (high) { safeFrom = firstProven<V>(center, last); safeTo = last; }
      }
    }
    // Outside the proven run every shock is decided exactly; the plain pre-filter only spares an
    // exact evaluation where it proves the shock safe. Next to a shock just found not ok (the far
    // side of a liquidation price, where the concave R keeps falling) it would fail: it is not run
    // there, and a shock found ok again turns it back on. Which shocks skip the test changes the
    // work, never a total: every shock not skipped as proven is evaluated exactly.
    let lastNotOk = false;
    for (let k: u32 = 0; k < shocks; k++) {
      // The proven run is stepped over at once (most of an account's shocks, most accounts).
      if (k == safeFrom && safeFrom <= safeTo) { lastNotOk = false; k = safeTo; continue; }
      const row = marksTable + <usize>k * rowBytes;
      if (!lastNotOk && certainlySafeAt<V>(collateral, first, end, marketCol, sizeCol, entryCol, markets, tiers, slackPerPosition, row, 3, 0)) continue;
      lastNotOk = evaluateAt<V>(a, k, totals, lastNotOk);
    }
  }
  // The records' marks are the book's own again (the float images were never touched).
  const own = marksTable + <usize>shocks * rowBytes;
  for (let m: u32 = 0; m < marketCount; m++) store<i64>(marketAt(markets, m), load<i64>(own + (<usize>m << 3)), MARKET_MARK);
}
