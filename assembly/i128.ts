// Signed and unsigned 128-bit helpers for the liquidation price (liquidation-price.ts).
//
// A 128-bit value is a pair of u64 words (lo, hi); a signed one is two's complement, so its sign
// is the top bit of `hi` (read it as `<i64>hi`). As in wide.ts, AssemblyScript has no
// multi-value return: a function that produces 128 bits returns the low word and leaves the high
// word in the module global `hi128`, to be read right after the call. Nothing here allocates.
//
// Every function is exact on the operand ranges its comment states; the caller (the liquidation
// price) checks those ranges and takes the wide path (-2) when they do not hold.

import { divRem, mulHi, udiv128, umul128 } from "./wide";

/** High word of the last 128-bit result of this module. */
export let hi128: u64 = 0;
/** Set by `mulU128U64` when the product does not fit 128 bits. */
export let overflow128: bool = false;

/** True when the signed (hi:lo) is negative. */
// @ts-ignore: decorator
@inline export function isNegative128(hi: u64): bool {
  return <i64>hi < 0;
}

/** True when the signed (hi:lo) lies in [-2^bits, 2^bits), for 64 <= bits <= 127. */
// @ts-ignore: decorator
@inline export function fitsBits128(hi: u64, bits: i32): bool {
  // Bits `bits`..127 must all equal the sign bit: an arithmetic shift leaves 0 or -1.
  const top = <i64>hi >> <i64>(bits - 64);
  return top == 0 || top == -1;
}

/** (ahi:alo) + (bhi:blo), modulo 2^128. */
// @ts-ignore: decorator
@inline export function add128(alo: u64, ahi: u64, blo: u64, bhi: u64): u64 {
  const lo = alo + blo;
  hi128 = ahi + bhi + u64(lo < alo);
  return lo;
}

/** (ahi:alo) - (bhi:blo), modulo 2^128. */
// @ts-ignore: decorator
@inline export function sub128(alo: u64, ahi: u64, blo: u64, bhi: u64): u64 {
  const lo = alo - blo;
  hi128 = ahi - bhi - u64(alo < blo);
  return lo;
}

/** -(hi:lo), modulo 2^128. */
// @ts-ignore: decorator
@inline export function neg128(lo: u64, hi: u64): u64 {
  hi128 = ~hi + u64(lo == 0);
  return 0 - lo;
}

/** Signed (ahi:alo) < (bhi:blo). */
// @ts-ignore: decorator
@inline export function lt128(alo: u64, ahi: u64, blo: u64, bhi: u64): bool {
  return ahi == bhi ? alo < blo : <i64>ahi < <i64>bhi;
}

/** Signed (hi:lo) < v for an i64 v. */
// @ts-ignore: decorator
@inline export function ltI64(lo: u64, hi: u64, v: i64): bool {
  return lt128(lo, hi, <u64>v, <u64>(v >> 63));
}

/** Signed (hi:lo) > v for an i64 v. */
// @ts-ignore: decorator
@inline export function gtI64(lo: u64, hi: u64, v: i64): bool {
  return lt128(<u64>v, <u64>(v >> 63), lo, hi);
}

/** Unsigned (ahi:alo) < (bhi:blo). */
// @ts-ignore: decorator
@inline export function ult128(alo: u64, ahi: u64, blo: u64, bhi: u64): bool {
  return ahi == bhi ? alo < blo : ahi < bhi;
}

/** The signed 128-bit product d * n of an i64 and a u64 (|d| * n < 2^127 always). */
// @ts-ignore: decorator
@inline export function mulI64U64(d: i64, n: u64): u64 {
  // |i64.MIN_VALUE| = 2^63 is right as a u64, and 2^63 * (2^64 - 1) < 2^127.
  const lo = umul128(<u64>(d < 0 ? -d : d), n);
  const hi = mulHi;
  if (d >= 0) {
    hi128 = hi;
    return lo;
  }
  return neg128(lo, hi);
}

/**
 * Unsigned (hi:lo) * m. Sets `overflow128` (and leaves the words meaningless) when the product
 * does not fit 128 bits; clears it otherwise.
 */
// @ts-ignore: decorator
@inline export function mulU128U64(lo: u64, hi: u64, m: u64): u64 {
  const rLo = umul128(lo, m);
  if (hi == 0) {
    overflow128 = false;
    hi128 = mulHi;
    return rLo;
  }
  const carry = mulHi;
  const h = umul128(hi, m);
  const top = mulHi;
  const rHi = h + carry;
  overflow128 = top != 0 || rHi < carry;
  hi128 = rHi;
  return rLo;
}

/** Remainder of the last division of this module (udivU128, floorDivI128, ceilDivI128). */
export let rem64: u64 = 0;

const TWO62: u64 = <u64>1 << 62;
const TWO62F: f64 = 4611686018427387904.0; // 2^62
const TWO64F: f64 = 18446744073709551616.0; // 2^64

/**
 * Fast exact floor((hi:lo) / d) for a signed numerator N with |N| < 2^110 and 0 < d < 2^62 whose
 * quotient is below 2^62 in magnitude: returns false (and computes nothing) otherwise. The
 * quotient goes to the low word returned through `fastQuotient`, the remainder to `rem64`.
 *
 * Why it is exact. The f64 estimate q = floor(f64(N) / f64(d)) is within a small distance of
 * N/d: f64(hi) is exact (|hi| < 2^46), 2*f64(lo >> 1) is off by at most 2^10 + 1, the sum and the
 * quotient each round by at most 2^-53 relative, so |N - q*d| <= d + 2^-53*|N| + 2^-53*|N| + 2^12
 * < 2^62 + 2^58 < 2^63. The true remainder N - q*d therefore fits i64, and computing it modulo
 * 2^64 (lo - q*d with wrapping u64 arithmetic) gives it exactly. One native i64 division of that
 * remainder (skipped when it already lies in [0, d), the usual case) then corrects q exactly.
 */
let fastQuotient: i64 = 0;
// @ts-ignore: decorator
@inline function fastFloorDiv(lo: u64, hi: u64, d: u64): bool {
  if (d >= TWO62 || !fitsBits128(hi, 110)) return false;
  // Signed conversions only (wasm has no native u64 -> f64 on x64): lo >> 1 and d are < 2^63.
  const qf = (<f64><i64>hi * TWO64F + <f64><i64>(lo >> 1) * 2.0) / <f64><i64>d;
  if (!(qf > -TWO62F && qf < TWO62F)) return false;
  let q = <i64>Math.floor(qf);
  const sd = <i64>d;
  let r = <i64>(lo - <u64>q * d);
  // The estimate is usually exact or off by one; otherwise one native division corrects it.
  if (r < 0) {
    q -= 1;
    r += sd;
  } else if (r >= sd) {
    q += 1;
    r -= sd;
  }
  if (r < 0 || r >= sd) {
    const t = r / sd; // truncated; r - t*sd lies in (-d, d)
    q += t;
    r -= t * sd;
    if (r < 0) {
      q -= 1;
      r += sd;
    }
  }
  fastQuotient = q;
  rem64 = <u64>r;
  return true;
}

/**
 * Unsigned (hi:lo) / d for any hi (d > 0): the quotient's low word, its high word in `hi128`,
 * the remainder in `rem64`.
 */
export function udivU128(lo: u64, hi: u64, d: u64): u64 {
  if (hi == 0) {
    const q = lo / d;
    rem64 = lo - q * d;
    hi128 = 0;
    return q;
  }
  // A numerator below 2^110 (unsigned, so it is also a non-negative signed one): the fast path
  // applies as is.
  if (hi < (<u64>1 << 46) && fastFloorDiv(lo, hi, d)) {
    hi128 = 0;
    return <u64>fastQuotient;
  }
  // Divide the high word first so that udiv128's precondition (high word < d) holds.
  let qHi: u64 = 0, rHi = hi;
  if (hi >= d) {
    qHi = hi / d;
    rHi = hi % d;
  }
  const qLo = udiv128(rHi, lo, d);
  rem64 = divRem;
  hi128 = qHi;
  return qLo;
}

/**
 * floor((hi:lo) / d) for a signed 128-bit numerator other than -2^127 and d > 0; high word in
 * `hi128`, remainder (in [0, d)) in `rem64`.
 */
export function floorDivI128(lo: u64, hi: u64, d: u64): u64 {
  if (fastFloorDiv(lo, hi, d)) {
    hi128 = <u64>(fastQuotient >> 63);
    return <u64>fastQuotient;
  }
  // For a non-negative numerator floor is truncation.
  if (<i64>hi >= 0) return udivU128(lo, hi, d);
  // Numerator -m with m > 0: floor(-m/d) = -ceil(m/d), and the remainder is d - (m mod d).
  const mLo = neg128(lo, hi);
  const mHi = hi128;
  let qLo = udivU128(mLo, mHi, d);
  let qHi = hi128;
  if (rem64 != 0) {
    qLo += 1;
    qHi += u64(qLo == 0);
    rem64 = d - rem64;
  }
  return neg128(qLo, qHi);
}

/**
 * ceil((hi:lo) / d) for a signed 128-bit numerator other than -2^127 and d > 0; high word in
 * `hi128`.
 */
export function ceilDivI128(lo: u64, hi: u64, d: u64): u64 {
  // ceil = floor, plus one when the division is not exact.
  let qLo = floorDivI128(lo, hi, d);
  let qHi = hi128;
  if (rem64 != 0) {
    qLo += 1;
    qHi += u64(qLo == 0);
  }
  hi128 = qHi;
  return qLo;
}

/** (a * b) mod m for a, b < m. */
// @ts-ignore: decorator
@inline export function mulMod(a: u64, b: u64, m: u64): u64 {
  const lo = umul128(a, b);
  udivU128(lo, mulHi, m);
  return rem64;
}
