/**
 * Modular search: the least y >= 0 such that (a*y + b) mod m falls in a residue range [l, r].
 * A Euclid-like recursion, O(log m) steps. Used by the liquidation price to find the greatest or
 * least price in an interval whose rounding remainder (size * price mod K) has a given range.
 */
import { ceilDiv, mod } from "./arith.js";

/**
 * Least y >= 0 with l <= (a*y) mod m <= r, or null when there is none.
 * Requires m > 0 and 0 <= l <= r < m.
 *
 * Why it is exact. Write a*y = m*w + v with v = (a*y) mod m; for y >= 0 the wrap count w is >= 0.
 * y is a solution iff the interval [l + m*w, r + m*w] contains the multiple a*y. Those intervals
 * are disjoint and increasing in w (r < m), so the least solution comes from the least w whose
 * interval contains a multiple of a, and is y = ceil((l + m*w) / a).
 * - w = 0: [l, r] contains a multiple of a iff a * ceil(l/a) <= r (and l = 0 gives y = 0).
 * - Otherwise [l, r] holds no multiple of a, so r - l < a - 1 and l, r lie strictly inside one
 *   block (k*a, (k+1)*a). Then "[l + m*w, r + m*w] contains a multiple of a" iff
 *   m*w - a*y lies in [-r, -l] for some y iff (m*w) mod a lies in [(-r) mod a, (-l) mod a], a
 *   range that does not wrap and excludes 0 (so w = 0 is excluded, as it must be). That is the
 *   same problem with (a, m) replaced by (m mod a, a): the Euclidean step, so the depth is
 *   O(log m).
 */
export function leastMultipleInRange(a: bigint, m: bigint, l: bigint, r: bigint): bigint | null {
  if (!(m > 0n && 0n <= l && l <= r && r < m)) {
    throw new RangeError(`leastMultipleInRange: bad arguments a=${a} m=${m} l=${l} r=${r}`);
  }
  if (l === 0n) return 0n;
  const aa = mod(a, m);
  if (aa === 0n) return null; // a*y mod m is always 0, and 0 is not in [l, r]
  const k = ceilDiv(l, aa);
  if (aa * k <= r) return k;
  const w = leastMultipleInRange(m % aa, aa, mod(-r, aa), mod(-l, aa));
  if (w === null) return null;
  return ceilDiv(l + m * w, aa);
}

/**
 * Least y in [0, bound] with l <= (a*y + b) mod m <= r, or null.
 * Requires m > 0 and 0 <= l <= r < m.
 */
export function leastWithResidue(a: bigint, b: bigint, m: bigint, l: bigint, r: bigint, bound: bigint): bigint | null {
  if (bound < 0n) return null;
  const b0 = mod(b, m);
  if (l <= b0 && b0 <= r) return 0n;
  // b0 is outside [l, r], so shifting the range by -b0 does not wrap around m.
  const lo = mod(l - b0, m);
  const hi = mod(r - b0, m);
  const y = leastMultipleInRange(a, m, lo, hi);
  return y !== null && y <= bound ? y : null;
}
