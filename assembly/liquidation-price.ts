// The liquidation price of every position (shared/spec/model.md, "Liquidation price"), exact and
// bit-for-bit the same as reference/liquidation-price.ts, whose header derives the algorithm.
// The names here are the reference's (u, K, c, cr, S, A, R, D, B, strong, band, residues).
//
// Output, one i64 per position at `out`:
//   x >= 0  the liquidation price: for a long the greatest liquidatable price in [0, 2^63-1],
//           for a short the least;
//   -1      none: no price makes the account liquidatable, or the size is zero;
//   -2      WIDE: an intermediate of this position does not fit the fixed widths below, or the
//           position is a leg of a hedged pair (reference/hedged-pair.ts). The wrapper
//           (bindings/wasm-book.ts) recomputes those positions with the BigInt reference.
//
// Regime computed here (anything else is WIDE; the checks are conservative, never approximate):
//   u = |s| * 10^-e (e < 0) or |s| (e >= 0) below 2^64;
//   every other position of the account: notional, maintenance and pnl - maintenance within
//     i64 (so A = C + the sum of those terms is exact in i128);
//   |V| < 2^86, where V = A - ceil(c/K) (long) or A + floor(c/K) + 1 (short);
//   scalePpm < 2^37 and mmr <= 2^20 (always true of a validated book: S <= 10^11, mmr <= 10^6).
// Then |D| = |10^12 -+ S*mmr_j| < 2^58, and for every notional n <= 2^63 of tier j
//   f(n) = D*n + B = 10^12*(n + V) - S*W(n)  (long)   or   10^12*(V - n) - S*W(n)  (short),
// with 0 <= W(n) = n*mmr_j - cum_j <= n*mmr_j < 2^83, lies within
// 10^12*(2^86 + 2^63) + 2^37*2^83 < 2^125.9 + 2^120 < 2^126: every f value at a tier bound, and
// every numerator of a bound below (H - f, f - L, < 2^126 + 2^40), is exact in signed 128 bits
// (i128.ts). Prices are < 2^63 and residues mod K < 2^60.
//
// f at the tier bounds instead of B. The tiers' lines agree where they meet: at n = bound_j both
// tier j's and tier j+1's formulas give the same W (that is what cum_j is for), hence the same f,
// so f_{j+1}(tLo_{j+1}) = f_j(tHi_j) + D_{j+1} (tLo_{j+1} = tHi_j + 1), and f_0(0) = B_0 = 10^12*V
// (cum_0 = 0). Walking the tiers from f(0) therefore needs one product D*(tHi - tLo) per tier and
// never forms B_j = 10^12*V + S*cum_j; the bounds of an interval are tLo + (H - f(tLo)) / D etc.
//
// Speed. Where K = 1 (e <= 0) a tier's answer is first proposed by an f64 estimate and kept only
// when exact values of f prove it (estimatedPrice); a miss takes the search below. Else, and then:
// per tier, the values of f at the tier's ends decide most intervals without a division;
// only the tier that holds the answer divides (an f64 estimate corrected exactly, i128.ts). A
// short walks the tiers up and a long down (from the highest tier where f(tLo) < 10^12 when f
// increases across all tiers), and each tier's two intervals are taken in the order of their
// prices, so the first price found is the answer: the tiers' price intervals partition
// [0, 2^63-1] in increasing order (n(x) is nondecreasing), and inside a tier the strong and band
// n-intervals are disjoint and ordered along the sign of D.

import {
  COLLATERAL_WIDE, DESC_ASSETS, DESC_COLLATERAL, DESC_MARKET_TABLE, DESC_POSITION_ENTRY, DESC_POSITION_MARKET,
  DESC_POSITION_SIZE, DESC_POSITION_START, DESC_POSITION_END, DESC_TIER_TABLE, MARKET_DIVISOR, MARKET_MARK,
  MARKET_MULTIPLIER, MARKET_RATE_DENOMINATOR, MARKET_SCALE_PPM, MARKET_TIER_COUNT, MARKET_TIER_START, TIER_CUM_HI,
  TIER_CUM_LO, TIER_MAX_NOTIONAL, TIER_MMR_PPM,
} from "./layout";
import { marketAt, tierAt } from "./market";
import { tierOf } from "./position";
import {
  add128, fitsBits128, gtI64, hi128, isNegative128, lt128, ltI64, mulI64U64, mulMod, mulU128U64, ult128,
  neg128, overflow128, rem64, sub128, udivU128,
} from "./i128";
import { leastWithResidue, NOT_FOUND } from "./modsearch";
import { mulHi, umul128 } from "./wide";

/** Output: no liquidation price. */
export const NONE: i64 = -1;
/** Output: the position needs the wide (BigInt) path. */
export const WIDE: i64 = -2;

const I64_MAX: u64 = <u64>i64.MAX_VALUE;
/** The largest price, 2^63 - 1. */
const X_MAX: u64 = <u64>i64.MAX_VALUE;
/**
 * The denominator of the maintenance lines, Q12 = the market's rate denominator * 10^6 (the
 * volatility scale is in ppm): 10^12 = ppm * ppm for the generic model and Binance; 10^6 Q for
 * Hyperliquid, whose rates are parts of Q = 2 lcm(maxLeverage) <= 10^6 (validated), so Q12 <= 10^12
 * and every bound of the header holds as stated for 10^12. Set per position by positionPrice().
 */
let Q12: u64 = 1_000_000_000_000;

// ---- the position being priced --------------------------------------------------------------
// Set once per position by positionPrice() and read by the helpers below (module globals rather
// than long parameter lists; nothing is allocated).

let long: bool = false;
/** u = |s| * 10^-e (e < 0) or |s|: the notional at price x is ceil(u*x/K). */
let u: u64 = 0;
/** K = 10^e (e >= 0) or 1. */
let K: u64 = 1;
/** u mod K. */
let uModK: u64 = 0;
/** The residue ranges of r = u*x mod K on which d(x) = 1: [res1L, res1R] and, when res2, [res2L, res2R]. */
let hasBand: bool = false;
let res1L: u64 = 0, res1R: u64 = 0;
let res2: bool = false;
let res2L: u64 = 0, res2R: u64 = 0;

// The market's tiers and the current tier j: its notional range [tLo, tHi] (tHi = +infinity on
// the last tier), D, and f = D*n + B at its ends, fLo = f(tLo) and, once computed, fHi = f(tHi).
let tierTable: usize = 0;
let tierFirst: u32 = 0;
let tierCount: u32 = 0;
let scale: u64 = 0;
let j: u32 = 0;
let tLo: u64 = 0, tHi: u64 = 0;
let last: bool = false;
let D: i64 = 0;
let fLoLo: u64 = 0, fLoHi: u64 = 0;
let fHiLo: u64 = 0, fHiHi: u64 = 0;
let fHiKnown: bool = false;

/** D of tier t: 10^12 - S*mmr_t (long) or -(10^12 + S*mmr_t) (short); S*mmr_t < 2^57. */
// @ts-ignore: decorator
@inline function slopeOf(t: u32): i64 {
  const R = scale * load<u64>(tierAt(tierTable, tierFirst + t), TIER_MMR_PPM);
  return long ? <i64>Q12 - <i64>R : -(<i64>Q12 + <i64>R);
}

/** Make tier t current (bounds and D; the caller sets fLo / fHi). False when it holds no notional. */
function enterTier(t: u32): bool {
  j = t;
  last = t == tierCount - 1;
  tLo = t == 0 ? 0 : load<u64>(tierAt(tierTable, tierFirst + t - 1), TIER_MAX_NOTIONAL) + 1;
  tHi = last ? 0 : load<u64>(tierAt(tierTable, tierFirst + t), TIER_MAX_NOTIONAL);
  D = slopeOf(t);
  fHiKnown = false;
  return last || tLo <= tHi; // validated tiers are never empty (strictly increasing bounds)
}

/** fHi = f(tHi) = fLo + D*(tHi - tLo) of a non-last tier (exact: see the header). */
function computeFHi(): void {
  if (fHiKnown) return;
  const dLo = mulI64U64(D, tHi - tLo);
  fHiLo = add128(fLoLo, fLoHi, dLo, hi128);
  fHiHi = hi128;
  fHiKnown = true;
}

/** f(tLo) of tier j + 1: f(tHi) + D_{j+1} (the lines meet at the bound). */
// @ts-ignore: decorator
@inline function nextFLo(nextD: i64): u64 {
  computeFHi();
  return add128(fHiLo, fHiHi, <u64>nextD, <u64>(nextD >> 63));
}

/** Move to tier j + 1 (j is not the last tier). */
function nextTier(): bool {
  const nextD = slopeOf(j + 1);
  const lo = nextFLo(nextD);
  const hi = hi128;
  if (!enterTier(j + 1)) return false;
  fLoLo = lo; fLoHi = hi;
  return true;
}

/** Move to tier j - 1 (j > 0): its f(tHi) = f(tLo of tier j) - D_j, its f(tLo) = f(tHi) - D*(tHi - tLo). */
function previousTier(): bool {
  const hiLo = sub128(fLoLo, fLoHi, <u64>D, <u64>(D >> 63));
  const hiHi = hi128;
  if (!enterTier(j - 1)) return false;
  fHiLo = hiLo; fHiHi = hiHi;
  fHiKnown = true;
  const dLo = mulI64U64(D, tHi - tLo);
  fLoLo = sub128(fHiLo, fHiHi, dLo, hi128);
  fLoHi = hi128;
  return true;
}

// The n-interval found by nRange(): [nLo, nHi] as unsigned 128-bit words, nHi = +infinity when
// nHiInf. Both are >= 0.
let nLoLo: u64 = 0, nLoHi: u64 = 0, nHiLo: u64 = 0, nHiHi: u64 = 0;
let nHiInf: bool = false;

// The x-interval found by pricesWithNotional(): [xLo, xHi], within [0, 2^63-1].
let xLo: u64 = 0, xHi: u64 = 0;

// ---- the liquidatable set of one tier ---------------------------------------------------------

/** tLo + floor(num / d) (ceil when `up`) for a numerator 0 <= num < 2^127, as unsigned 128 bits. */
function tLoPlusQuotient(numLo: u64, numHi: u64, d: u64, up: bool): u64 {
  let qLo = udivU128(numLo, numHi, d);
  let qHi = hi128;
  if (up && rem64 != 0) {
    qLo += 1;
    qHi += u64(qLo == 0);
  }
  return add128(qLo, qHi, tLo, 0);
}

/**
 * {n in [tLo, tHi] : L <= D*n + B <= H} of the current tier (reference:
 * intersect(linearRange(D, B, L, H), tier)), where L = -infinity when !hasL. Leaves it in
 * nLo/nHi and returns false when it is empty.
 *
 * f(n) = D*n + B = fLo + D*(n - tLo) is monotone in n, so its values at the tier's ends decide
 * whether the interval reaches them; a bound is divided out only where the interval ends inside
 * the tier, and then its numerator is positive (that end lies strictly beyond f(tLo)):
 *   D > 0:  f(n) <= H  <=>  n <= tLo + floor((H - fLo) / D),  f(n) >= L  <=>  n >= tLo + ceil((L - fLo) / D)
 *   D < 0:  f(n) <= H  <=>  n >= tLo + ceil((fLo - H) / |D|), f(n) >= L  <=>  n <= tLo + floor((fLo - L) / |D|)
 * On the last tier, whose upper end is unbounded, a decreasing f gives the upper bound by division
 * when L is finite and an increasing one never stops (n is capped by the price range later).
 */
function nRange(hasL: bool, L: i64, H: i64): bool {
  nHiInf = false;
  if (D == 0) {
    // f = fLo on the whole tier.
    if ((hasL && ltI64(fLoLo, fLoHi, L)) || gtI64(fLoLo, fLoHi, H)) return false;
    nLoLo = tLo; nLoHi = 0;
    nHiLo = tHi; nHiHi = 0; nHiInf = last;
    return true;
  }
  if (D > 0) {
    const E = <u64>D;
    // Increasing: empty when the smallest value is already above H.
    if (gtI64(fLoLo, fLoHi, H)) return false;
    // Lower end: tLo when f(tLo) >= L, else tLo + ceil((L - fLo) / D).
    if (!hasL || !ltI64(fLoLo, fLoHi, L)) {
      nLoLo = tLo; nLoHi = 0;
    } else {
      const numLo = sub128(<u64>L, <u64>(L >> 63), fLoLo, fLoHi);
      nLoLo = tLoPlusQuotient(numLo, hi128, E, true); nLoHi = hi128;
    }
    // Upper end: tHi when f(tHi) <= H, else tLo + floor((H - fLo) / D).
    let upperByDivision = last;
    if (!last) {
      computeFHi();
      if (hasL && ltI64(fHiLo, fHiHi, L)) return false; // the largest value is below L
      if (gtI64(fHiLo, fHiHi, H)) upperByDivision = true;
      else { nHiLo = tHi; nHiHi = 0; }
    }
    if (upperByDivision) {
      const numLo = sub128(<u64>H, <u64>(H >> 63), fLoLo, fLoHi);
      nHiLo = tLoPlusQuotient(numLo, hi128, E, false); nHiHi = hi128;
    }
  } else {
    const E = <u64>(-D); // |D| < 2^58
    // Decreasing: empty when the largest value is already below L.
    if (hasL && ltI64(fLoLo, fLoHi, L)) return false;
    // Lower end: tLo when f(tLo) <= H, else tLo + ceil((fLo - H) / |D|).
    if (!gtI64(fLoLo, fLoHi, H)) {
      nLoLo = tLo; nLoHi = 0;
    } else {
      const numLo = sub128(fLoLo, fLoHi, <u64>H, <u64>(H >> 63));
      nLoLo = tLoPlusQuotient(numLo, hi128, E, true); nLoHi = hi128;
    }
    // Upper end: tHi (or +infinity) when f >= L there, else tLo + floor((fLo - L) / |D|).
    let upperByDivision = false;
    if (last) {
      if (hasL) upperByDivision = true;
      else nHiInf = true;
    } else {
      computeFHi();
      if (gtI64(fHiLo, fHiHi, H)) return false; // the smallest value is above H
      if (hasL && ltI64(fHiLo, fHiHi, L)) upperByDivision = true;
      else { nHiLo = tHi; nHiHi = 0; }
    }
    if (upperByDivision) {
      const numLo = sub128(fLoLo, fLoHi, <u64>L, <u64>(L >> 63));
      nHiLo = tLoPlusQuotient(numLo, hi128, E, false); nHiHi = hi128;
    }
  }
  // Both ends are >= tLo >= 0 here; the interval may still be empty (a band that D*n steps over).
  return nHiInf || !lt128(nHiLo, nHiHi, nLoLo, nLoHi);
}

/**
 * The prices x in [0, 2^63-1] whose notional ceil(u*x/K) lies in [nLo, nHi], into xLo/xHi;
 * false when there is none (reference: pricesWithNotional).
 *   ceil(u*x/K) >= n1  <=>  u*x > (n1-1)*K  <=>  x >= floor((n1-1)*K/u) + 1
 *   ceil(u*x/K) <= n2  <=>  u*x <= n2*K     <=>  x <= floor(n2*K/u)
 * A product n*K beyond 128 bits, or a quotient beyond 64 bits (high word >= u), lies above every
 * price, so it saturates to "above 2^63-1" instead of being formed.
 */
function pricesWithNotional(): bool {
  xHi = greatestPrice();
  const x = leastPrice();
  if (x == NO_PRICE) return false;
  xLo = x;
  return xLo <= xHi;
}

/** No price: leastPrice()'s answer when the least x lies above 2^63-1. */
const NO_PRICE: u64 = u64.MAX_VALUE;

/** The greatest x in [0, 2^63-1] with ceil(u*x/K) <= nHi (pricesWithNotional's xHi; n(0) = 0, so it exists). */
function greatestPrice(): u64 {
  if (nHiInf) return X_MAX;
  let pLo = nHiLo, pHi = nHiHi;
  if (K != 1) {
    pLo = mulU128U64(nHiLo, nHiHi, K);
    pHi = hi128;
    if (overflow128) return X_MAX;
  }
  if (pHi >= u) return X_MAX;
  const q = udivU128(pLo, pHi, u);
  return q > X_MAX ? X_MAX : q;
}

/** The least x in [0, 2^63-1] with ceil(u*x/K) >= nLo (pricesWithNotional's xLo), NO_PRICE when it lies above. */
function leastPrice(): u64 {
  if (nLoLo == 0 && nLoHi == 0) return 0; // floor(-K/u) + 1 <= 0
  let pLo = nLoLo - 1;
  let pHi = nLoHi - u64(nLoLo == 0);
  if (K != 1) {
    pLo = mulU128U64(pLo, pHi, K);
    pHi = hi128;
    if (overflow128) return NO_PRICE;
  }
  if (pHi >= u) return NO_PRICE;
  const q = udivU128(pLo, pHi, u);
  if (q >= X_MAX) return NO_PRICE; // x >= q + 1 > 2^63 - 1
  return q + 1;
}

/**
 * The greatest (long) / least (short) price x in [0, 2^63-1] whose notional n(x) = ceil(u*x/K)
 * lies in [nLo, nHi], or NONE: greatestPrice() (long) or leastPrice() (short) alone, with one
 * division where pricesWithNotional() takes two. Exact: n is nondecreasing, so for a long xHi = the greatest x
 * with n(x) <= nHi (it exists: n(0) = 0 <= nHi) is the greatest of the set whenever the set is
 * not empty (every member x has x <= xHi and nLo <= n(x) <= n(xHi)), and the set is empty exactly
 * when n(xHi) < nLo. The test needs no division:
 *   n(xHi) >= nLo  <=>  u*xHi / K > nLo - 1  <=>  u*xHi > (nLo - 1)*K      (nLo >= 1; nLo = 0 always holds),
 * with u*xHi < 2^64 * 2^63 exact and a product (nLo - 1)*K beyond 128 bits above it. A short is the
 * mirror image: xLo = the least x with n(x) >= nLo, and the set is not empty exactly when
 *   n(xLo) <= nHi  <=>  u*xLo / K <= nHi  <=>  u*xLo <= nHi*K              (nHi = +infinity always holds).
 */
function extremeWithNotional(): i64 {
  if (long) {
    const x = greatestPrice();
    if (nLoLo == 0 && nLoHi == 0) return <i64>x;
    let mLo = nLoLo - 1;
    let mHi = nLoHi - u64(nLoLo == 0);
    if (K != 1) {
      mLo = mulU128U64(mLo, mHi, K);
      mHi = hi128;
      if (overflow128) return NONE; // (nLo - 1)*K >= 2^128 > u*xHi
    }
    const pLo = umul128(u, x);
    const pHi = mulHi;
    return ult128(mLo, mHi, pLo, pHi) ? <i64>x : NONE;
  }
  const x = leastPrice();
  if (x == NO_PRICE) return NONE;
  if (nHiInf) return <i64>x;
  let mLo = nHiLo, mHi = nHiHi;
  if (K != 1) {
    mLo = mulU128U64(nHiLo, nHiHi, K);
    mHi = hi128;
    if (overflow128) return <i64>x; // nHi*K >= 2^128 > u*xLo
  }
  const pLo = umul128(u, x);
  const pHi = mulHi;
  return ult128(mLo, mHi, pLo, pHi) ? NONE : <i64>x;
}

/** estimatedPrice(): the estimate was not confirmed (the exact search decides). */
/** Added to every estimate by the test build (assembly/testing-book.ts); 0 in the shipped core. */
let estimateBias: i64 = 0;
/** Test build only: make every estimate of estimatedPrice() off by `bias` prices. */
export function setEstimateBias(bias: i64): void { estimateBias = bias; }
const UNCONFIRMED: i64 = -3;
const TWO63F: f64 = 9223372036854775808.0; // 2^63
const TWO64F: f64 = 18446744073709551616.0; // 2^64
const TWO63: u64 = <u64>1 << 63;

/**
 * The current tier's answer when K = 1 (a long with D > 0, or a short, D < 0), from an f64
 * estimate confirmed exactly, or UNCONFIRMED. No float decides: the estimate only proposes x; the
 * answer is returned only when the exact 128-bit values of f at the notionals n1 = u*x and its
 * neighbour prove it, and anything else (a float out of range, a neighbour outside the tier or
 * beyond 2^63, a failed test) leaves it to the exact search (nRange, extremeWithNotional).
 *
 * Long (D > 0): the tier's liquidatable notionals are those with f(n) = fLo + D*(n - tLo) < 0.
 * x is the greatest price with such a notional, when n1 = u*x lies in [tLo, tHi], f(n1) < 0, and
 * either n2 = n1 + u lies above tHi (no higher price's notional is in the tier) or f(n2) >= 0
 * (every higher price's notional n >= n2 has f(n) >= f(n2) >= 0, f increasing).
 * Short (D < 0): liquidatable is f(n) < 10^12. x is the least price with such a notional when n1
 * lies in the tier, f(n1) < 10^12, and x = 0, or n0 = n1 - u lies below tLo, or f(n0) >= 10^12
 * (every lower price's notional n <= n0 has f(n) >= f(n0), f decreasing).
 * Exactness of the values: n1, n2 <= max(tHi, 2^63) (the last tier is capped at 2^63), so f there
 * is within the header's 2^126 bound, and D*(n - tLo) < 2^58 * 2^64 is mulI64U64's exact product.
 * The estimate is the real solution of f(n) = -1 (long: the greatest notional tLo + (-1 - fLo)/D,
 * price floor(n/u)) or f(n) = 10^12 - 1 (short: ceil of n/u), whose rounding error is a few units
 * in practice; a miss costs the exact search, never a wrong answer.
 */
function estimatedPrice(): i64 {
  const F = <f64><i64>fLoHi * TWO64F + <f64>fLoLo;
  const target: f64 = long ? -1.0 : <f64>(Q12 - 1);
  const dF = <f64>D;
  const xF = (<f64>tLo * dF + (target - F)) / (dF * <f64>u);
  if (!(xF >= 0.0 && xF < TWO63F)) return UNCONFIRMED;
  let xs = <u64>(long ? Math.floor(xF) : Math.ceil(xF));
  xs += <u64>estimateBias; // 0 but in tests (an estimate off by that many must not change the answer)
  if (xs > X_MAX) return UNCONFIRMED;
  const n1 = umul128(u, xs);
  if (mulHi != 0 || n1 < tLo) return UNCONFIRMED;
  const limit = last ? TWO63 : tHi;
  if (n1 > limit) return UNCONFIRMED;
  // f(n1) = fLo + D*(n1 - tLo).
  const dLo = mulI64U64(D, n1 - tLo);
  const f1Lo = add128(fLoLo, fLoHi, dLo, hi128);
  const f1Hi = hi128;
  if (long) {
    if (!isNegative128(f1Hi)) return UNCONFIRMED; // f(n1) >= 0: x is not liquidatable
    if (u > limit - n1) {
      // n2 = n1 + u > limit: above tHi no higher price is in the tier; past 2^63 on the last tier
      // f is not bounded by the header, so the exact search decides.
      return last ? UNCONFIRMED : <i64>xs;
    }
    // f(n2) = f(n1) + D*u; its sign is its high word's.
    const eLo = mulI64U64(D, u);
    add128(f1Lo, f1Hi, eLo, hi128);
    return isNegative128(hi128) ? UNCONFIRMED : <i64>xs; // f(n2) < 0: a higher price is liquidatable
  }
  if (!ltI64(f1Lo, f1Hi, <i64>Q12)) return UNCONFIRMED; // f(n1) >= 10^12: x is not liquidatable
  if (xs == 0 || n1 - tLo < u) return <i64>xs; // no lower price, or none whose notional is in the tier
  const eLo = mulI64U64(D, u);
  const f0Lo = sub128(f1Lo, f1Hi, eLo, hi128);
  return ltI64(f0Lo, hi128, <i64>Q12) ? UNCONFIRMED : <i64>xs; // f(n0) < 10^12: a lower price is liquidatable
}

/** Above this many candidate prices the residue search uses the Euclid-like recursion. */
const SCAN_LIMIT: u64 = 16;

/**
 * Greatest (long) / least (short) x in [xLo, xHi] with u*x mod K in one of the residue ranges,
 * or NONE (reference: extremeWithResidue). Long: x = xHi - y with y the least y >= 0 such that
 * (-u)*y + u*xHi lies in the range mod K; short: x = xLo + y with u*y + u*xLo.
 *
 * The band is usually a few prices wide (about K/u of them), so up to SCAN_LIMIT candidates are
 * simply tried in order (y = 0, 1, ...: the same least y), stepping the residue by -u or +u mod K;
 * wider bands take modsearch.ts's O(log K) search.
 */
function extremeWithResidue(): i64 {
  if (K == 1) return long ? NONE : <i64>xLo; // r = 0 always: a long has no range, a short [0, 0]
  const bound = xHi - xLo;
  if (long) {
    const b = mulMod(uModK, xHi % K, K); // u*xHi mod K
    if (bound <= SCAN_LIMIT) {
      let r = b;
      for (let y: u64 = 0; y <= bound; y++) {
        if (res1L <= r && r <= res1R) return <i64>(xHi - y);
        r = r >= uModK ? r - uModK : r + (K - uModK); // r - u mod K
      }
      return NONE;
    }
    const a = uModK == 0 ? 0 : K - uModK;
    const y = leastWithResidue(a, b, K, res1L, res1R, bound); // a long has one range
    return y == NOT_FOUND ? NONE : <i64>(xHi - y);
  }
  const b = mulMod(uModK, xLo % K, K); // u*xLo mod K
  if (bound <= SCAN_LIMIT) {
    let r = b;
    for (let y: u64 = 0; y <= bound; y++) {
      if ((res1L <= r && r <= res1R) || (res2 && res2L <= r && r <= res2R)) return <i64>(xLo + y);
      r = r < K - uModK ? r + uModK : r - (K - uModK); // r + u mod K
    }
    return NONE;
  }
  let best: u64 = NOT_FOUND;
  const y1 = leastWithResidue(uModK, b, K, res1L, res1R, bound);
  if (y1 != NOT_FOUND) best = y1;
  if (res2 && best != 0) {
    const y2 = leastWithResidue(uModK, b, K, res2L, res2R, bound);
    if (y2 < best) best = y2; // NOT_FOUND is the largest u64
  }
  return best == NOT_FOUND ? NONE : <i64>(xLo + best);
}

/** The strong interval of the tier (D*n + B < 0): its greatest (long) / least (short) price, or NONE. */
function strongPrice(): i64 {
  return nRange(false, 0, -1) ? extremeWithNotional() : NONE;
}

/** The band interval of the tier (0 <= D*n + B < 10^12 and d(x) = 1): its extreme price, or NONE. */
function bandPrice(): i64 {
  if (!hasBand) return NONE;
  if (!nRange(true, 0, <i64>(Q12 - 1)) || !pricesWithNotional()) return NONE;
  return extremeWithResidue();
}

/**
 * The liquidation price within the current tier, or NONE. Inside a tier the interval with the
 * larger n (long) / smaller n (short) comes first: D > 0 puts the band (D*n + B in [0, 10^12))
 * above the strong part (D*n + B < 0), D < 0 below it.
 */
function tierPrice(): i64 {
  if (K == 1) {
    // r = u*x mod 1 = 0 at every price: d(x) = 0 for a long (only the strong interval counts)
    // and d(x) = 1 for a short (the band and the strong interval merge into D*n + B < 10^12).
    // One interval, and for a short the least price of the union is the least of the two.
    if (!long) {
      // A short's f decreases along the tier: none of it is below 10^12 when f(tHi) is not.
      if (!last) {
        computeFHi();
        if (!ltI64(fHiLo, fHiHi, <i64>Q12)) return NONE;
      }
      const x = estimatedPrice();
      if (x != UNCONFIRMED) return x;
    } else if (D > 0) {
      const x = estimatedPrice();
      if (x != UNCONFIRMED) return x;
    }
    return nRange(false, 0, long ? -1 : <i64>(Q12 - 1)) ? extremeWithNotional() : NONE;
  }
  // Both intervals need D*n + B < 10^12 somewhere in the tier: skip it cheaply when that fails
  // at the end where D*n + B is least (tLo when increasing, tHi when decreasing).
  if (D > 0 && !ltI64(fLoLo, fLoHi, <i64>Q12)) return NONE;
  if (D == 0 && !ltI64(fLoLo, fLoHi, <i64>Q12)) return NONE;
  if (D < 0 && !last) {
    computeFHi();
    if (!ltI64(fHiLo, fHiHi, <i64>Q12)) return NONE;
  }
  let x: i64;
  if (long && D < 0) {
    x = strongPrice();
    if (x < 0) x = bandPrice();
  } else {
    // long with D >= 0 (D = 0: at most one of the two is non-empty), or short (D < 0).
    x = bandPrice();
    if (x < 0) x = strongPrice();
  }
  return x;
}

// ---- one position -----------------------------------------------------------------------------

/**
 * The liquidation price of one non-zero position given A = C + sum over the other positions of
 * (pnl - maintenance), a signed 128-bit (AHi:ALo). Returns the price, NONE or WIDE.
 */
function positionPrice(market: usize, tiers: usize, size: i64, entry: i64, ALo: u64, AHi: u64): i64 {
  long = size > 0;
  K = load<u64>(market, MARKET_DIVISOR);
  // e < 0: notional = |s| * 10^-e * x exactly, i.e. K = 1 and u = |s| * 10^-e.
  u = umul128(<u64>(size < 0 ? -size : size), load<u64>(market, MARKET_MULTIPLIER));
  if (mulHi != 0) return WIDE;
  uModK = K == 1 ? 0 : u % K;

  // c = u * p0 = K*cq + cr (c < 2^64 * 2^63).
  const cLo = umul128(u, <u64>entry);
  const cHi = mulHi;
  let cqLo = cLo, cqHi = cHi, cr: u64 = 0;
  if (K != 1) {
    cqLo = udivU128(cLo, cHi, K);
    cqHi = hi128;
    cr = rem64;
  }

  // V = A - ceil(c/K) (long) or A + floor(c/K) + 1 (short); with |A| < 2^100 and cq < 2^126
  // neither sum can wrap, and |V| < 2^86 keeps every f within 2^126 (see the header).
  if (!fitsBits128(AHi, 100) || cqHi >= (<u64>1 << 62)) return WIDE;
  let VLo: u64, VHi: u64;
  if (long) {
    const ccLo = cqLo + u64(cr != 0);
    const ccHi = cqHi + u64(ccLo < cqLo);
    VLo = sub128(ALo, AHi, ccLo, ccHi);
    VHi = hi128;
  } else {
    VLo = add128(ALo, AHi, cqLo, cqHi);
    VHi = hi128;
    VLo = add128(VLo, VHi, 1, 0);
    VHi = hi128;
  }
  if (!fitsBits128(VHi, 86)) return WIDE;

  const S = load<u64>(market, MARKET_SCALE_PPM);
  if (S >= (<u64>1 << 37)) return WIDE;
  Q12 = load<u64>(market, MARKET_RATE_DENOMINATOR) * 1_000_000;

  // Residue ranges of r = u*x mod K on which d(x) = 1 (reference header), as non-wrapping [l, r].
  if (long) {
    res1L = 1;
    res1R = cr == 0 ? K - 1 : cr - 1; // (cr - 1) mod K
    hasBand = res1R >= 1;
    res2 = false;
  } else {
    res1L = 0; res1R = 0;
    res2 = cr + 1 <= K - 1;
    res2L = cr + 1; res2R = K - 1;
    hasBand = true;
  }

  tierTable = tiers;
  tierFirst = load<u32>(market, MARKET_TIER_START);
  tierCount = load<u32>(market, MARKET_TIER_COUNT);
  scale = S;
  // mmr is non-decreasing, so the last tier's bounds every R = S*mmr_j (validated: <= 10^6).
  const lastMmr = load<u64>(tierAt(tiers, tierFirst + tierCount - 1), TIER_MMR_PPM);
  if (lastMmr > (<u64>1 << 20)) return WIDE;

  // Tier 0: f(0) = B_0 = 10^12 * V (cum_0 = 0), by magnitude: |V| < 2^86, so the high word of |V|
  // is < 2^22 and the product < 2^126.
  if (!enterTier(0)) return WIDE;
  const negativeV = isNegative128(VHi);
  let mLo = VLo, mHi = VHi;
  if (negativeV) { mLo = neg128(VLo, VHi); mHi = hi128; }
  fLoLo = umul128(mLo, Q12);
  fLoHi = mHi * Q12 + mulHi;
  if (negativeV) { fLoLo = neg128(fLoLo, fLoHi); fLoHi = hi128; }

  if (!long) {
    // A short's D = -(10^12 + R) < 0 in every tier: from the bottom tier up, the first price found
    // is the answer (the tiers' price intervals are increasing).
    while (true) {
      const x = tierPrice();
      if (x >= 0) return x;
      if (last) return NONE;
      if (!nextTier()) return WIDE;
    }
  }

  // A long: from the top tier down, the first price found is the answer. When D > 0 in every
  // tier (S*mmr < 10^12 everywhere; mmr is non-decreasing, so the last tier decides), f increases
  // with n across the tiers (the lines meet at the bounds), so every tier above the first one
  // whose f(tLo) >= 10^12 holds no liquidatable price: the walk up stops there.
  const increasing = S * lastMmr < Q12;
  while (!last) {
    if (increasing) {
      const lo = nextFLo(slopeOf(j + 1));
      if (!ltI64(lo, hi128, <i64>Q12)) break;
    }
    if (!nextTier()) return WIDE;
  }
  while (true) {
    const x = tierPrice();
    if (x >= 0) return x;
    if (j == 0) return NONE;
    if (!previousTier()) return WIDE;
  }
}

// ---- the other positions' terms ---------------------------------------------------------------

/** False after termOf() when the term, the notional or the maintenance leaves the signed 64-bit range. */
let termFits: bool = true;

/**
 * pnl - maintenance of one position at its market's mark: the formulas of position.ts (addPnl,
 * notionalOf, maintenanceOf), exact, with the divisions done by i128.ts's fast exact path.
 * Sets termFits = false (and returns 0) when the term, the notional or the maintenance does not
 * fit i64: the account then takes the wide path.
 */
function termOf(market: usize, tiers: usize, size: i64, entry: i64): i64 {
  termFits = false;
  const price = load<i64>(market, MARKET_MARK);
  const multiplier = load<u64>(market, MARKET_MULTIPLIER);
  const divisor = load<u64>(market, MARKET_DIVISOR);
  const absSize = <u64>(size < 0 ? -size : size); // |i64.MIN_VALUE| = 2^63 is right as a u64

  // pnl = floor(s * (P - p0) / K), or s * (P - p0) * 10^-e when e < 0. P and p0 are in
  // [0, 2^63), so P - p0 cannot wrap. A |pnl| >= 2^64 leaves the term outside i64 whatever the
  // maintenance (0 <= maintenance < 2^63), so it is rejected rather than formed.
  const move = price - entry;
  let pnlLo: u64 = 0, pnlHi: u64 = 0;
  if (size != 0 && move != 0) {
    const negative = (size ^ move) < 0;
    let mLo = umul128(absSize, <u64>(move < 0 ? -move : move));
    let mHi = mulHi;
    if (multiplier != 1) {
      mLo = mulU128U64(mLo, mHi, multiplier);
      mHi = hi128;
      if (overflow128) return 0;
    }
    if (divisor != 1) {
      mLo = udivU128(mLo, mHi, divisor);
      mHi = hi128;
      // A loss rounds away from zero: floor(-m/K) = -ceil(m/K).
      if (negative && rem64 != 0) {
        mLo += 1;
        mHi += u64(mLo == 0);
      }
    }
    if (mHi != 0) return 0;
    pnlLo = mLo;
    if (negative) {
      pnlLo = neg128(mLo, 0);
      pnlHi = hi128;
    }
  }

  // notional = ceil(|s| * P / K), or |s| * P * 10^-e.
  let nLo = umul128(absSize, <u64>price);
  let nHi = mulHi;
  if (multiplier != 1) {
    nLo = mulU128U64(nLo, nHi, multiplier);
    nHi = hi128;
    if (overflow128) return 0;
  } else if (divisor != 1) {
    nLo = udivU128(nLo, nHi, divisor);
    nHi = hi128;
    const carry = u64(rem64 != 0);
    nLo += carry;
    nHi += u64(nLo < carry);
  }
  if (nHi != 0 || nLo > I64_MAX) return 0;
  const notional = nLo;

  // maintenance = ceil((notional * mmr_j - cum_j) * scalePpm / 10^12), as maintenanceOf:
  // w = notional * mmr_j - cum_j >= 0 inside tier j, w < 2^83 and S < 2^37 (validated books).
  const tier = tierOf(market, tiers, notional);
  const mmr = load<u64>(tier, TIER_MMR_PPM);
  const S = load<u64>(market, MARKET_SCALE_PPM);
  if (mmr > (<u64>1 << 20) || S >= (<u64>1 << 37)) return 0;
  const wLo0 = umul128(notional, mmr);
  const wHi0 = mulHi;
  const cumLo = load<u64>(tier, TIER_CUM_LO);
  const wLo = wLo0 - cumLo;
  const wHi = wHi0 - load<u64>(tier, TIER_CUM_HI) - u64(wLo0 < cumLo);
  const sLo = umul128(wLo, S);
  const sHi = wHi * S + mulHi;
  let maintenance = udivU128(sLo, sHi, load<u64>(market, MARKET_RATE_DENOMINATOR) * 1_000_000);
  if (hi128 != 0) return 0;
  maintenance += u64(rem64 != 0);
  if (maintenance > I64_MAX) return 0;

  // term = pnl - maintenance, which must fit i64.
  const termLo = sub128(pnlLo, pnlHi, maintenance, 0);
  if (hi128 != <u64>(<i64>termLo >> 63)) return 0;
  termFits = true;
  return <i64>termLo;
}

// ---- the book -----------------------------------------------------------------------------------

/** Position p's entry price as venue V's equity uses it (hyperliquid ignores it). */
// @ts-ignore: decorator
@inline function entryOf<V>(entryCol: usize, p: u32): i64 {
  return changetype<V>(0).entry(load<i64>(entryCol + (<usize>p << 3)));
}

/** True when another position of nonzero size in [first, end) holds position p's market. */
function heldTwice(marketCol: usize, sizeCol: usize, first: u32, end: u32, p: u32): bool {
  const m = load<u32>(marketCol + (<usize>p << 2));
  for (let q = first; q < end; q++) {
    if (q != p && load<u32>(marketCol + (<usize>q << 2)) == m && load<i64>(sizeCol + (<usize>q << 3)) != 0) return true;
  }
  return false;
}

/**
 * The liquidation prices of a venue whose search the core does not do (drift-v2, gmx-v2: the
 * reference's alone): every open position's slot WIDE, for the wrapper to price with the BigInt
 * reference, and NONE for a position of size 0.
 */
export function wideLiquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void {
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const ends = load<u32>(desc, DESC_POSITION_END) as usize;
  const sizeCol = load<u32>(desc, DESC_POSITION_SIZE) as usize;
  const out = outFirst - (<usize>load<u32>(starts + (<usize>from << 2)) << 3);
  for (let a: u32 = from; a < to; a++) {
    const first = load<u32>(starts + (<usize>a << 2));
    const end = load<u32>(ends + (<usize>a << 2));
    for (let p = first; p < end; p++) {
      store<i64>(out + (<usize>p << 3), load<i64>(sizeCol + (<usize>p << 3)) == 0 ? NONE : WIDE);
    }
  }
}

/**
 * Liquidation price of every position of accounts [from, to) of the book described at `desc`,
 * into i64 slots at `out`, the first for position positionStart[from] (see the header for the
 * values). Every other mark is held at its market's MARKET_MARK. Account ranges let the wrapper
 * price a big book through a small buffer. The slots follow the position columns, so the wrapper
 * compacts a live book (layout.ts) before it asks.
 */
export function liquidationPricesFor<V>(desc: usize, outFirst: usize, from: u32, to: u32): void {
  const triggerSlack = changetype<V>(0).triggerSlack();
  const collateral = load<u32>(desc, DESC_COLLATERAL) as usize;
  const assetsHeld = load<u32>(desc, DESC_ASSETS) != 0;
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const ends = load<u32>(desc, DESC_POSITION_END) as usize;
  const marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  const sizeCol = load<u32>(desc, DESC_POSITION_SIZE) as usize;
  const entryCol = load<u32>(desc, DESC_POSITION_ENTRY) as usize;
  const markets = load<u32>(desc, DESC_MARKET_TABLE) as usize;
  const tiers = load<u32>(desc, DESC_TIER_TABLE) as usize;
  // Slot of position p: out + 8p, with out placed so that positionStart[from] lands on outFirst
  // (wasm32 address arithmetic wraps, so the subtraction is harmless).
  const out = outFirst - (<usize>load<u32>(starts + (<usize>from << 2)) << 3);

  for (let a: u32 = from; a < to; a++) {
    const first = load<u32>(starts + (<usize>a << 2));
    const end = load<u32>(ends + (<usize>a << 2));
    // A venue whose trigger is equity <= maintenance (triggerSlack 1) is searched as equity - 1 <
    // maintenance: the collateral less the slack, in 128 bits (C - 1 may pass -2^63).
    const C = load<i64>(collateral + (<usize>a << 3));
    // A collateral value that does not fit 64 bits (assets.ts) is priced by the wrapper, exactly.
    if (assetsHeld && C == COLLATERAL_WIDE) {
      for (let p = first; p < end; p++) store<i64>(out + (<usize>p << 3), load<i64>(sizeCol + (<usize>p << 3)) == 0 ? NONE : WIDE);
      continue;
    }
    const CLo = sub128(<u64>C, <u64>(C >> 63), <u64>triggerSlack, 0);
    const CHi = hi128;

    if (end - first == 1) {
      // One position: A = C.
      const p = first;
      const size = load<i64>(sizeCol + (<usize>p << 3));
      const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
      const price = size == 0 ? NONE
        : positionPrice(market, tiers, size, entryOf<V>(entryCol, p), CLo, CHi);
      store<i64>(out + (<usize>p << 3), price);
      continue;
    }

    // Pass 1: T = C + sum over all positions of their term (pnl - maintenance), each term parked
    // in its output slot. Every term must fit i64 (else the account takes the wide path), so the
    // i128 sum of at most 2^32 of them cannot wrap.
    let TLo = CLo, THi = CHi;
    let fits = true;
    for (let p = first; p < end; p++) {
      const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
      const term = termOf(market, tiers, load<i64>(sizeCol + (<usize>p << 3)), entryOf<V>(entryCol, p));
      if (!termFits) { fits = false; break; }
      TLo = add128(TLo, THi, <u64>term, <u64>(term >> 63));
      THi = hi128;
      store<i64>(out + (<usize>p << 3), term);
    }

    // Pass 2: A_i = T - term_i, then the price.
    for (let p = first; p < end; p++) {
      const size = load<i64>(sizeCol + (<usize>p << 3));
      const at = out + (<usize>p << 3);
      if (size == 0) { store<i64>(at, NONE); continue; }
      // A hedged pair (a long and a short in this market, binance-usdm hedge mode) moves with
      // this mark on both legs: reference/hedged-pair.ts prices it (the wide path).
      if (!fits || heldTwice(marketCol, sizeCol, first, end, p)) { store<i64>(at, WIDE); continue; }
      const term = load<i64>(at);
      const A0 = sub128(TLo, THi, <u64>term, <u64>(term >> 63));
      const A1 = hi128;
      const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
      store<i64>(at, positionPrice(market, tiers, size, entryOf<V>(entryCol, p), A0, A1));
    }
  }
}
