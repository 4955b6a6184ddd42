/**
 * Intervals of prices and notionals for the liquidation-price searches (./liquidation-price.ts,
 * ./hedged-pair.ts): where a linear function of an integer stays in a range, and which prices
 * give a notional in a range.
 */
import { ceilDiv, floorDiv, max, min } from "./arith.js";

/** A closed integer interval; hi === null means +infinity. */
export interface Interval {
  readonly lo: bigint;
  readonly hi: bigint | null;
}

/** {n : lo <= D*n + B <= hi} as an interval of integers (lo null = -infinity), or null when empty. */
export function linearRange(D: bigint, B: bigint, lo: bigint | null, hi: bigint): { lo: bigint | null; hi: bigint | null } | null {
  if (D === 0n) return (lo === null || lo <= B) && B <= hi ? { lo: null, hi: null } : null;
  if (D > 0n) {
    // lo - B <= D*n <= hi - B
    return { lo: lo === null ? null : ceilDiv(lo - B, D), hi: floorDiv(hi - B, D) };
  }
  // D < 0: B - hi <= |D|*n <= B - lo
  const E = -D;
  return { lo: ceilDiv(B - hi, E), hi: lo === null ? null : floorDiv(B - lo, E) };
}

/** Intersection of an n-range with the tier's notional range [tierLo, tierHi]. */
export function intersect(r: { lo: bigint | null; hi: bigint | null } | null, tier: Interval): Interval | null {
  if (r === null) return null;
  const lo = r.lo === null ? tier.lo : max(r.lo, tier.lo);
  const hi = r.hi === null ? tier.hi : tier.hi === null ? r.hi : min(r.hi, tier.hi);
  return hi !== null && lo > hi ? null : { lo, hi };
}

/**
 * The prices x in [xMin, xMax] whose notional ceil(u*x/K) lies in [n.lo, n.hi]:
 *   ceil(u*x/K) >= n1  <=>  u*x > (n1-1)*K  <=>  x >= floor((n1-1)*K/u) + 1
 *   ceil(u*x/K) <= n2  <=>  u*x <= n2*K     <=>  x <= floor(n2*K/u)
 */
export function pricesWithNotional(n: Interval | null, u: bigint, K: bigint, xMin: bigint, xMax: bigint): { lo: bigint; hi: bigint } | null {
  if (n === null) return null;
  const lo = max(xMin, floorDiv((n.lo - 1n) * K, u) + 1n);
  const hi = n.hi === null ? xMax : min(xMax, floorDiv(n.hi * K, u));
  return lo > hi ? null : { lo, hi };
}

/** The least n in [lo, hi) with `holds(n)`, for a `holds` false then true as n grows; hi when none. */
export function leastWhere(lo: bigint, hi: bigint, holds: (n: bigint) => boolean): bigint {
  while (lo < hi) {
    const mid = (lo + hi) >> 1n;
    if (holds(mid)) hi = mid;
    else lo = mid + 1n;
  }
  return lo;
}
