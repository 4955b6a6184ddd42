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
// short) and a market takes MARKET_BYTES = 2^7 bytes of a 2^32-byte memory, so k < 2^26, and the
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
  MARKET_F_INV_K, MARKET_F_WEIGHT, MARKET_MARK, MARKET_SHIFT,
  MARKET_TIER_START, TIER_BYTES, TIER_F_BOUND, TIER_F_INTERCEPT, TIER_F_SLOPE,
} from "./layout";
import { marketAt, tierAt } from "./market";

const BAND_RELATIVE: f64 = 1.0 / 16777216.0; // 2^-24
const SAFE_MAGNITUDE: f64 = 4611686018427387904.0; // 2^62

/** True when the account holding positions [first, end) with collateral C is certainly "ok" at the records' marks. */
// @ts-ignore: decorator
@inline export function certainlySafe<V>(
  collateral: i64, first: u32, end: u32,
  marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize, slackPerPosition: f64,
): bool {
  return certainlySafeAt<V>(collateral, first, end, marketCol, sizeCol, entryCol, markets, tiers, slackPerPosition, markets + MARKET_MARK, MARKET_SHIFT, 0);
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
  const slack = slackPerPosition * <f64>(end - first);
  return margin > weight * BAND_RELATIVE + slack + extra && weight + slack < SAFE_MAGNITUDE;
}
