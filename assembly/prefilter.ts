// The float pre-filter: most accounts of a real book are far from their maintenance line, and a
// float estimate of equity - maintenance proves it for them at float speed. Every other account
// (near the line, liquidatable, or large enough to risk an overflow) goes to the exact path in
// account.ts. A float never decides a status on its own: it only answers "certainly ok".
//
// Why the answer is exact. Let u = 2^-53 (f64 rounding). For a position of size s at entry p0,
// mark P, let X = |s| (P + p0) / K. The exact model computes
//   pnl = floor(s (P - p0) / K),  notional N = ceil(|s| P / K),
//   maintenance = ceil(max_j(N slope_j - intercept_j))     (slope_j = mmr_j scale / 10^12)
// (a convex piecewise-linear tier function equals the maximum of its pieces, and the tier that
// contains N is the one that attains it; see docs/decisions.md). The float versions below
// differ from the unrounded real values by a few roundings each, every one relative to a
// magnitude at most X (1 + r): about 20u X (1 + r) in all, counting a float notional that picks a
// neighbouring tier near a bound (it costs |N - bound| times the rate step). The exact roundings
// add less than 2 + r per position, and a sum of k terms in float adds at most k u times the sum
// of their magnitudes. An account holds at most two positions per market (a hedge-mode long and
// short) and a market takes MARKET_BYTES = 2^9 bytes of a 2^32-byte memory, so k < 2^25, and the
// total error of the float margin is below
//   (20 + 2^26) u W + sum(2 + r) < 2^-26 W + sum(2 + r),  W = |C| + sum X (1 + r).
// The band used is 2^-24 W + k (4 + 2 max r): four times the relative part and twice the absolute
// part, so the float evaluation of the band itself (W is summed in float too) cannot eat the
// margin. When the float margin exceeds the band, the exact equity - maintenance is > 0: not
// liquidatable.
// Overflow: when W + slack < 2^62, every notional, pnl sum, maintenance, fee sum and slippage sum
// of the account is below 2^63 (fees and slippage are at most the notional), so the exact path
// could not report an overflow either. Such an account's status is certainly "ok".

import {
  MARKET_F_BOUND1, MARKET_F_INTERCEPT0, MARKET_F_INTERCEPT1, MARKET_F_INV_K, MARKET_F_NEG_INV_K,
  MARKET_F_MARK_K, MARKET_F_SLOPE0, MARKET_F_SLOPE1, MARKET_F_WEIGHT,
  MARKET_F_WEIGHT2, MARKET_MARK, MARKET_SHIFT, MARKET_TIER_START, TIER_BYTES, TIER_F_BOUND, TIER_F_INTERCEPT, TIER_F_SLOPE,
} from "./layout";
import { marketAt, tierAt } from "./market";

export const BAND_RELATIVE: f64 = 1.0 / 16777216.0; // 2^-24
const SAFE_MAGNITUDE: f64 = 4611686018427387904.0; // 2^62

/**
 * segmentedSums's terms, summed account by account (the incremental scan's candidates, a live
 * book's full scan): (margin, weight) for certainlySafeAt's test at the records' marks, from the
 * scan line.
 */
// @ts-ignore: decorator
@inline export function accountSums<V>(
  collateral: i64, first: u32, end: u32,
  marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize,
): v128 {
  let sums = f64x2.replace_lane(f64x2.splat(<f64>collateral), 1, abs(<f64>collateral));
  for (let p = first; p < end; p++) sums = f64x2.add(sums, positionTerms<V>(p, marketCol, sizeCol, entryCol, markets, tiers));
  return sums;
}

/**
 * The test at marks read from `marks + (m << markShift)` for market m (the records' own marks, or
 * a row of a stress grid: stress.ts tests an account at many mark vectors without writing them
 * into the records), with `extra` >= 0 added to the band, which only makes the test stricter.
 */
// @ts-ignore: decorator
@inline export function certainlySafeAt<V>(
  collateral: i64, first: u32, end: u32,
  marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize, slackPerPosition: f64,
  marks: usize, markShift: usize, extra: f64,
): bool {
  const venue = changetype<V>(0);
  // A venue whose valuation these float images do not bound (drift-v2) goes to the exact path.
  if (!venue.prefilters()) return false;
  let margin = <f64>collateral;
  let weight = abs(margin);
  for (let p = first; p < end; p++) {
    const m = load<u32>(marketCol + (<usize>p << 2));
    const market = marketAt(markets, m);
    const size = <f64>load<i64>(sizeCol + (<usize>p << 3));
    // The venue's entry (hyperliquid's is 0); the band's weight below keeps the book's own, which
    // only widens it.
    const entry = <f64>venue.entry(load<i64>(entryCol + (<usize>p << 3)));
    const mark = <f64>load<i64>(marks + (<usize>m << markShift));
    const inverseK = load<f64>(market, MARKET_F_INV_K);
    const absSize = abs(size);
    const notional = absSize * (mark * inverseK);
    let tier = tierAt(tiers, load<u32>(market, MARKET_TIER_START));
    while (notional > load<f64>(tier, TIER_F_BOUND)) tier += TIER_BYTES;
    margin += size * (mark - entry) * inverseK
      - (notional * load<f64>(tier, TIER_F_SLOPE) - load<f64>(tier, TIER_F_INTERCEPT));
    weight += absSize * (mark + entry) * load<f64>(market, MARKET_F_WEIGHT);
  }
  return safeBy(margin, weight, end - first, slackPerPosition, extra);
}

/** The test itself, on an account's float margin and weight summed over its k positions (collateral included). */
// @ts-ignore: decorator
@inline export function safeBy(margin: f64, weight: f64, k: u32, slackPerPosition: f64, extra: f64): bool {
  const slack = slackPerPosition * <f64>k;
  return margin > weight * BAND_RELATIVE + slack + extra && weight + slack < SAFE_MAGNITUDE;
}

/**
 * The pre-filter position-major: positions [first, first + n) of a compact book (slots in account
 * order), each account's terms summed in a run that starts again at every position whose
 * `heads[i]` byte is set (the first position of an account). `sums` gets, for position i, the
 * margin and weight terms (two f64) of its account's positions up to i, so the sums of an account
 * ending at i are at `sums + 16 i`. The terms are certainlySafeAt's (at the records' marks), from
 * the market's scan line (layout.ts): s (mark/K - entry/K) instead of s (mark - entry)/K, and
 * |s| (mark W + entry W) instead of |s| (mark + entry) W, each a few roundings relative to
 * X (1 + r) as the band counts them; and the additions run C + (t0 + t1 + ...) instead of
 * ((C + t0) + t1) + ...: the error bound of a float sum (k u times the sum of the magnitudes) holds
 * in any order, so the band is the same. What it saves is the branch on the number of positions
 * an account holds, which no processor predicts on a real book (1 to 4, mixed): the loop here runs
 * over positions only.
 */
// @ts-ignore: decorator
@inline export function segmentedSums<V>(
  first: u32, n: u32, heads: usize, out: usize,
  marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize,
): void {
  let sums = f64x2.splat(0);
  for (let i: u32 = 0; i < n; i++) {
    const terms = positionTerms<V>(first + i, marketCol, sizeCol, entryCol, markets, tiers);
    // (margin, weight) := head ? terms : (margin, weight) + terms, without a branch: V8 compiles
    // an f64 select to one, but an and-mask of the lanes (all ones, or zero at a head) to none.
    const keep = i64x2.splat(<i64>load<u8>(heads + <usize>i) - 1);
    sums = f64x2.add(v128.and(sums, keep), terms);
    v128.store(out + (<usize>i << 4), sums);
  }
}

/**
 * Position p's terms at the records' marks, (margin, weight) as one f64x2, from its market's scan
 * line (layout.ts): (s, |s|) * ((mark/K, mark W) + entry (-1/K, W)) - (maintenance, 0).
 */
// @ts-ignore: decorator
@inline function positionTerms<V>(p: u32, marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize): v128 {
  const venue = changetype<V>(0);
  // A venue with a float image of its own (drift-v2) gives its terms, with its own proof.
  if (isDefined(venue.floatTerms)) return venue.floatTerms(p, marketCol, sizeCol, entryCol, markets, tiers);
  const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
  const size = <f64>load<i64>(sizeCol + (<usize>p << 3));
  const entry = <f64>venue.entry(load<i64>(entryCol + (<usize>p << 3)));
  const notional = abs(size) * load<f64>(market, MARKET_F_MARK_K);
  const lines = f64x2.add(v128.load(market, MARKET_F_MARK_K), f64x2.mul(f64x2.splat(entry), v128.load(market, MARKET_F_NEG_INV_K)));
  const sizes = v128.and(f64x2.splat(size), i64x2(-1, i64.MAX_VALUE)); // |s| by clearing the sign bit
  return f64x2.sub(f64x2.mul(sizes, lines), f64x2.replace_lane(f64x2.splat(0), 0, floatMaintenance(market, tiers, notional)));
}

/**
 * The float maintenance of a position of float notional N in `market`: the larger of its first two
 * tiers' pieces N slope_j - intercept_j when N is within the second tier's bound, else the piece of
 * the tier that holds N. The same real value as the piece of N's tier, up to the roundings the
 * band counts: the tier function is convex and equals the maximum of all its pieces, and up to the
 * second bound that maximum is attained at piece 0 or 1. What it saves is the search's exit, which
 * mispredicts on about one position in nine of a real book (most in tier 0, the rest mostly in
 * tier 1); "beyond the second tier" is rare. The max is f64x2.pmax (maxpd), since V8 compiles an
 * f64 select or f64.max to branches. A market with one tier takes its piece twice.
 */
// @ts-ignore: decorator
@inline export function floatMaintenance(market: usize, tiers: usize, notional: f64): f64 {
  const piece0 = notional * load<f64>(market, MARKET_F_SLOPE0) - load<f64>(market, MARKET_F_INTERCEPT0);
  const piece1 = notional * load<f64>(market, MARKET_F_SLOPE1) - load<f64>(market, MARKET_F_INTERCEPT1);
  let maintenance = f64x2.extract_lane(f64x2.pmax(f64x2.splat(piece0), f64x2.splat(piece1)), 0);
  if (notional > load<f64>(market, MARKET_F_BOUND1)) {
    // Beyond the second bound (so the market has at least three tiers): search from the third.
    let tier = tierAt(tiers, load<u32>(market, MARKET_TIER_START) + 2);
    while (notional > load<f64>(tier, TIER_F_BOUND)) tier += TIER_BYTES;
    maintenance = notional * load<f64>(tier, TIER_F_SLOPE) - load<f64>(tier, TIER_F_INTERCEPT);
  }
  return maintenance;
}
