// Per-market constants, derived once per book load (and again after a market edit) so that the
// scan loop reads them instead of recomputing them per position.

import {
  MARKET_BYTES, MARKET_DIVISOR, MARKET_F_BOUND1, MARKET_F_TICK_SLOPE, MARKET_F_INTERCEPT0, MARKET_F_INTERCEPT1, MARKET_F_INV_K,
  MARKET_F_NEG_INV_K, MARKET_F_SLOPE0, MARKET_F_SLOPE1, MARKET_F_WEIGHT2,
  MARKET_F_WEIGHT, MARKET_MULTIPLIER,
  MARKET_PRICE_DECIMALS, MARKET_RATE_DENOMINATOR, MARKET_SCALE_PPM, MARKET_SIZE_DECIMALS, MARKET_TIER_COUNT,
  MARKET_TIER_START, MARKET_VOL_CURRENT, MARKET_VOL_REFERENCE, TIER_BYTES, TIER_CUM_HI,
  TIER_CUM_LO, TIER_F_BOUND, TIER_F_INTERCEPT, TIER_F_SLOPE, TIER_MAX_NOTIONAL, TIER_MMR_PPM,
} from "./layout";
import { mulHi, umul128 } from "./wide";

const PPM: u64 = 1_000_000;

function pow10(k: i32): u64 {
  let r: u64 = 1;
  for (let i = 0; i < k; i++) r *= 10;
  return r;
}

/** Address of market `m`'s record. */
// @ts-ignore: decorator
@inline export function marketAt(table: usize, m: u32): usize {
  return table + <usize>m * MARKET_BYTES;
}

/** Address of tier `t` (an index into the whole tier table). */
// @ts-ignore: decorator
@inline export function tierAt(table: usize, t: u32): usize {
  return table + <usize>t * TIER_BYTES;
}

/**
 * Derive K (or its inverse), the volatility scale and the tiers' continuity offsets for one market.
 * The inputs were validated by the wrapper (decimals in range, tiers sorted, rates in [0, 10^6]).
 */
/** The relative guard of a tick's update (tick.ts). */
export const TICK_GUARD: f64 = 1.0 / 2097152.0; // 2^-21

export function prepareMarket(record: usize, tierTable: usize): f64 {
  const e = load<i32>(record, MARKET_SIZE_DECIMALS) + load<i32>(record, MARKET_PRICE_DECIMALS) - 6;
  store<u64>(record, e >= 0 ? pow10(e) : 1, MARKET_DIVISOR);
  store<u64>(record, e < 0 ? pow10(-e) : 1, MARKET_MULTIPLIER);

  // scalePpm = max(10^6, ceil(current * 10^6 / reference)); current <= 10^7 so the product fits.
  const current = load<u64>(record, MARKET_VOL_CURRENT);
  let scale = PPM;
  if (current != 0) {
    const reference = load<u64>(record, MARKET_VOL_REFERENCE);
    const ratio = (current * PPM + reference - 1) / reference;
    if (ratio > scale) scale = ratio;
  }
  store<u64>(record, scale, MARKET_SCALE_PPM);

  // cum_0 = 0; cum_j = cum_{j-1} + maxNotional_{j-1} * (mmr_j - mmr_{j-1}), kept as 128 bits:
  // a bound near 2^63 times a rate step near 2^20 does not fit 64.
  const first = load<u32>(record, MARKET_TIER_START);
  const count = load<u32>(record, MARKET_TIER_COUNT);
  let cumLo: u64 = 0, cumHi: u64 = 0;
  for (let j: u32 = 0; j < count; j++) {
    const tier = tierAt(tierTable, first + j);
    if (j > 0) {
      const previous = tierAt(tierTable, first + j - 1);
      const step = load<u64>(tier, TIER_MMR_PPM) - load<u64>(previous, TIER_MMR_PPM);
      const lo = umul128(load<u64>(previous, TIER_MAX_NOTIONAL), step);
      const hi = mulHi;
      const sum = cumLo + lo;
      cumHi += hi + u64(sum < cumLo);
      cumLo = sum;
    }
    store<u64>(tier, cumLo, TIER_CUM_LO);
    store<u64>(tier, cumHi, TIER_CUM_HI);
    // Float images for the pre-filter; their rounding is inside its error band (prefilter.ts).
    // rate * scale / (denominator * 10^6): generic and binance-usdm rates are ppm (10^12 in all).
    const scaleOver: f64 = <f64>scale / (<f64>load<u64>(record, MARKET_RATE_DENOMINATOR) * 1e6);
    store<f64>(tier, j == count - 1 ? Infinity : <f64>load<i64>(tier, TIER_MAX_NOTIONAL), TIER_F_BOUND);
    store<f64>(tier, <f64>load<u64>(tier, TIER_MMR_PPM) * scaleOver, TIER_F_SLOPE);
    store<f64>(tier, (<f64>cumHi * 18446744073709551616.0 + <f64>cumLo) * scaleOver, TIER_F_INTERCEPT);
  }

  // mmr is non-decreasing, so the last tier has the steepest maintenance rate.
  const steepest = <f64>load<u64>(tierAt(tierTable, first + count - 1), TIER_MMR_PPM) * (<f64>scale / (<f64>load<u64>(record, MARKET_RATE_DENOMINATOR) * 1e6));
  const inverseK: f64 = e >= 0 ? 1.0 / <f64>pow10(e) : <f64>pow10(-e);
  store<f64>(record, inverseK, MARKET_F_INV_K);
  store<f64>(record, inverseK * (1.0 + steepest), MARKET_F_WEIGHT);
  // The full scan's line (layout.ts): the same values, next to the first two tiers' pieces.
  store<f64>(record, -inverseK, MARKET_F_NEG_INV_K);
  store<f64>(record, inverseK * (1.0 + steepest), MARKET_F_WEIGHT2);
  // A tick's update of a lower bound (tick.ts): the tier function's Lipschitz constant, with room
  // for the holder's size as an f32 and the update's roundings (relative 2^-21 of the term,
  // against 2^-24 (1 + 2^-23) and a few 2^-53).
  store<f64>(record, steepest + (1.0 + steepest) * TICK_GUARD, MARKET_F_TICK_SLOPE);
  const tier0 = tierAt(tierTable, first);
  const tier1 = tierAt(tierTable, count > 1 ? first + 1 : first);
  store<f64>(record, load<f64>(tier0, TIER_F_SLOPE), MARKET_F_SLOPE0);
  store<f64>(record, load<f64>(tier0, TIER_F_INTERCEPT), MARKET_F_INTERCEPT0);
  store<f64>(record, load<f64>(tier1, TIER_F_SLOPE), MARKET_F_SLOPE1);
  store<f64>(record, load<f64>(tier1, TIER_F_INTERCEPT), MARKET_F_INTERCEPT1);
  store<f64>(record, load<f64>(tier1, TIER_F_BOUND), MARKET_F_BOUND1);
  // The pre-filter's absolute allowance per position (prefilter.ts): the exact amounts round by
  // less than 1 (pnl), 1 (maintenance) and the notional's ceil, which moves maintenance by at most
  // the steepest rate: 2 + steepest; doubled for room.
  return 4.0 + 2.0 * steepest;
}
