// The per-position formulas of the model (shared/spec/model.md; docs/model.md explains them), exact. A result that does not fit a signed 64-bit
// quote amount comes back as TOO_WIDE (any value above i64.MAX_VALUE means "overflow" to callers).
//
// A venue's rules (assembly/venues/NAME.ts) pick from these formulas or add their own beside
// them; the scan is instantiated per venue (assembly/venues/index.ts).

import {
  MARKET_DEPTH, MARKET_DIVISOR, MARKET_FEE_PPM, MARKET_MAX_SLIPPAGE, MARKET_MULTIPLIER,
  MARKET_SCALE_PPM, MARKET_TIER_COUNT, MARKET_TIER_START, TIER_CUM_HI, TIER_CUM_LO,
  TIER_MAX_NOTIONAL, TIER_MMR_PPM,
} from "./layout";
import { tierAt } from "./market";
import { accAddMagnitude, ceilDiv128, divRem, mulHi, udiv128, umul128 } from "./wide";

export const TOO_WIDE: u64 = u64.MAX_VALUE;
const PPM: u64 = 1_000_000;
const PPM2: u64 = 1_000_000_000_000;

/** notional = ceil(|s| * P / K), or |s| * P * 10^-e when e < 0. */
// @ts-ignore: decorator
@inline export function notionalOf(market: usize, absSize: u64, price: u64): u64 {
  const lo = umul128(absSize, price);
  const hi = mulHi;
  const multiplier = load<u64>(market, MARKET_MULTIPLIER);
  if (multiplier == 1) return ceilDiv128(hi, lo, load<u64>(market, MARKET_DIVISOR));
  if (hi != 0) return TOO_WIDE;
  const scaled = umul128(lo, multiplier);
  return mulHi != 0 || scaled > <u64>i64.MAX_VALUE ? TOO_WIDE : scaled;
}

/**
 * equity += floor(s * (P - p0) / K) (or the exact product when e < 0), into the 192-bit
 * accumulator of wide.ts. P and p0 are both in [0, 2^63), so P - p0 cannot wrap.
 */
// @ts-ignore: decorator
@inline export function addPnl(market: usize, size: i64, entry: i64, price: i64): void {
  const move = price - entry;
  if (size == 0 || move == 0) return;
  const negative = (size ^ move) < 0;
  // |i64.MIN_VALUE| is 2^63, which is right as a u64.
  const absSize = <u64>(size < 0 ? -size : size);
  const absMove = <u64>(move < 0 ? -move : move);
  const lo = umul128(absSize, absMove);
  const hi = mulHi;
  const multiplier = load<u64>(market, MARKET_MULTIPLIER);
  if (multiplier == 1) {
    // Divide the magnitude, then round away from zero for a negative PnL: that is floor().
    const divisor = load<u64>(market, MARKET_DIVISOR);
    let qHi: u64 = 0, qLo: u64, rem: u64;
    if (hi == 0) {
      // The common case, inline: one 64-bit division instead of two and a call.
      qLo = lo / divisor;
      rem = lo - qLo * divisor;
    } else {
      qHi = hi / divisor;
      qLo = udiv128(hi % divisor, lo, divisor);
      rem = divRem;
    }
    if (negative && rem != 0) {
      qLo += 1;
      if (qLo == 0) qHi += 1;
    }
    accAddMagnitude(negative, qLo, qHi, 0);
  } else {
    const m0 = umul128(lo, multiplier);
    const carry = mulHi;
    let m1 = umul128(hi, multiplier);
    let m2 = mulHi;
    m1 += carry;
    if (m1 < carry) m2 += 1;
    accAddMagnitude(negative, m0, m1, m2);
  }
}

/** Address of the tier that applies to `notional`: the first whose bound is >= notional. */
// @ts-ignore: decorator
@inline export function tierOf(market: usize, tierTable: usize, notional: u64): usize {
  let t = load<u32>(market, MARKET_TIER_START);
  const last = t + load<u32>(market, MARKET_TIER_COUNT) - 1;
  // The last tier's bound is i64.MAX_VALUE and a valid notional never exceeds it.
  while (t < last && notional > load<u64>(tierAt(tierTable, t), TIER_MAX_NOTIONAL)) t++;
  return tierAt(tierTable, t);
}

/** High word of tierExcess's answer. */
export let excessHi: u64 = 0;

/**
 * w = notional * rate_j - cum_j of the notional's tier j, 128 bits (low word returned, high word in
 * excessHi): the unrounded maintenance in parts of the market's rate denominator (ppm for the
 * generic model, before its volatility scale). w >= 0 inside tier j: the tier function is
 * continuous and increasing.
 */
// @ts-ignore: decorator
@inline export function tierExcess(market: usize, tierTable: usize, notional: u64): u64 {
  const tier = tierOf(market, tierTable, notional);
  const lo = umul128(notional, load<u64>(tier, TIER_MMR_PPM));
  const hi = mulHi;
  const cumLo = load<u64>(tier, TIER_CUM_LO);
  excessHi = hi - load<u64>(tier, TIER_CUM_HI) - u64(lo < cumLo);
  return lo - cumLo;
}

/** maintenance = ceil((notional * mmr_j - cum_j) * scalePpm / 10^12). */
// @ts-ignore: decorator
@inline export function maintenanceOf(market: usize, tierTable: usize, notional: u64): u64 {
  const wLo = tierExcess(market, tierTable, notional);
  const wHi = excessHi;
  // Without a volatility scale (scale = 10^6) this is ceil(w / 10^6): skipping the product keeps
  // a typical w (notional 10^10 quote units times a rate of 10^4 ppm) within one 64-bit word.
  const scale = load<u64>(market, MARKET_SCALE_PPM);
  if (scale == PPM) return ceilDiv128(wHi, wLo, PPM);
  // With a scale, w * scale passes 2^64 on ordinary positions (notional 10^10 times a rate of
  // 4 * 10^3 ppm times a scale near 10^6), and the 128-bit division below is a call and two
  // hardware divisions. When w fits 64 bits, split it by constants instead (each a multiply for
  // the engine): w = a 10^6 + b (b < 10^6) and, where a * scale fits 64 bits, a * scale =
  // c 10^6 + d (d < 10^6). Then w * scale = c 10^12 + t with t = d 10^6 + b * scale, and since
  // c 10^12 is a whole multiple of the divisor, ceil(w * scale / 10^12) = c + ceil(t / 10^12).
  // t < 10^12 + 10^6 * scale, and the validated scale is at most 10^7 * 10^6 / 100 = 10^11
  // (book/validate.ts: volatility rates in [100, 10^7] ppm), so t < 1.1 * 10^17 < 2^64: no wrap. c <= a * scale / 10^6 < 2^64 / 10^6 < 2^63, so c plus
  // a quotient of at most 2^64 / 10^12 fits and is the same value the 128-bit path finds.
  if (wHi == 0 && clz(wLo / PPM) + clz(scale) >= 64) {
    const a = wLo / PPM;
    const b = wLo - a * PPM;
    const as = a * scale; // fits: clz(a) + clz(scale) >= 64 means a < 2^x, scale < 2^(64 - x)
    const c = as / PPM;
    const t = (as - c * PPM) * PPM + b * scale;
    return c + ceilDiv128(0, t, PPM2);
  }
  // w < 2^83 and scale < 2^37, so the scaled value fits 128 bits.
  const sLo = umul128(wLo, scale);
  const sHi = wHi * scale + mulHi;
  return ceilDiv128(sHi, sLo, PPM2);
}

/** fee = ceil(notional * liquidationFeePpm / 10^6); never above the notional. */
// @ts-ignore: decorator
@inline export function feeOf(market: usize, notional: u64): u64 {
  const lo = umul128(notional, load<u64>(market, MARKET_FEE_PPM));
  return ceilDiv128(mulHi, lo, PPM);
}

/** slippage = ceil(notional * min(maxSlippage, ceil(notional * 10^6 / depth)) / 10^6), 0 without impact. */
// @ts-ignore: decorator
@inline export function slippageOf(market: usize, notional: u64): u64 {
  const depth = load<u64>(market, MARKET_DEPTH);
  if (depth == 0) return 0;
  const lo = umul128(notional, PPM);
  let slipPpm = ceilDiv128(mulHi, lo, depth); // saturates above any cap
  const cap = load<u64>(market, MARKET_MAX_SLIPPAGE);
  if (slipPpm > cap) slipPpm = cap;
  const slo = umul128(notional, slipPpm);
  return ceilDiv128(mulHi, slo, PPM);
}
