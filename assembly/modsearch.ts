// Modular search, the port of reference/modsearch.ts to u64: the least y >= 0 such that
// (a*y + b) mod m falls in a residue range [l, r]. A Euclid-like recursion, O(log m) steps. The
// liquidation price uses it to find the greatest or least price in an interval whose rounding
// remainder (u * price mod K) lies in a given range.
//
// Operand range: 0 < m <= 2^62 (the liquidation price calls it with m = K <= 10^18), every other
// operand in [0, m). Then every intermediate below fits u64, except m*w, which is formed in 128
// bits (see leastMultipleInRange).

import { divRem, mulHi, udiv128, umul128 } from "./wide";

/** "No solution" (a solution is always < m <= 2^62). */
export const NOT_FOUND: u64 = u64.MAX_VALUE;

/**
 * Least y >= 0 with l <= (a*y) mod m <= r, or NOT_FOUND. Requires 0 <= l <= r < m <= 2^62.
 *
 * Why it is exact: see reference/modsearch.ts. In short, y is a solution iff some interval
 * [l + m*w, r + m*w] (w >= 0) holds the multiple a*y; if [l, r] itself holds none, the least such
 * w solves the same problem with (a, m) replaced by (m mod a, a) and the range
 * [(-r) mod a, (-l) mod a], and then y = ceil((l + m*w) / a).
 *
 * Widths: a solution, when there is one, is < m (the residues a*y mod m repeat with period
 * m / gcd(a, m)), so w < aa below, m*w < m*aa < 2^124 fits 128 bits, and the final quotient is
 * < m, so its high word is < aa as udiv128 requires.
 */
export function leastMultipleInRange(a: u64, m: u64, l: u64, r: u64): u64 {
  if (l == 0) return 0;
  const aa = a % m;
  if (aa == 0) return NOT_FOUND; // a*y mod m is always 0, and 0 is not in [l, r]
  const k = (l + aa - 1) / aa; // ceil(l / aa); l + aa < 2m fits
  if (aa * k <= r) return k; // aa * k < l + aa < 2m fits
  // [l, r] holds no multiple of aa: recurse on (m mod aa, aa) with the negated range.
  const w = leastMultipleInRange(m % aa, aa, (aa - r % aa) % aa, (aa - l % aa) % aa);
  if (w == NOT_FOUND) return NOT_FOUND;
  // y = ceil((l + m*w) / aa), in 128 bits.
  const pLo = umul128(m, w);
  let pHi = mulHi;
  const sLo = pLo + l;
  pHi += u64(sLo < pLo);
  const q = udiv128(pHi, sLo, aa);
  return q + u64(divRem != 0);
}

/**
 * Least y in [0, bound] with l <= (a*y + b) mod m <= r, or NOT_FOUND.
 * Requires 0 <= l <= r < m <= 2^62 and a, b < m (reduce them first).
 */
export function leastWithResidue(a: u64, b: u64, m: u64, l: u64, r: u64, bound: u64): u64 {
  if (l <= b && b <= r) return 0;
  // b is outside [l, r], so shifting the range by -b does not wrap around m:
  // lo = (l - b) mod m, hi = (r - b) mod m, both computed without going negative.
  const lo = l >= b ? l - b : l + (m - b);
  const hi = r >= b ? r - b : r + (m - b);
  const y = leastMultipleInRange(a, m, lo, hi);
  return y != NOT_FOUND && y <= bound ? y : NOT_FOUND;
}
