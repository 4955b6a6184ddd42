// Exact wide-integer helpers: 64x64->128 multiply, 128/64 divide, and a 192-bit signed
// accumulator. Nothing here allocates. WebAssembly has no multi-value return in AssemblyScript,
// so the second word of a result comes back through a module global, as std/assembly/math.ts
// does with `res128_hi`. Read the global right after the call that sets it.

/** High word of the last `umul128`. */
export let mulHi: u64 = 0;
/** Remainder of the last `udiv128`. */
export let divRem: u64 = 0;

/** Unsigned a*b: returns the low 64 bits, leaves the high 64 bits in `mulHi`. */
// @ts-ignore: decorator
@inline export function umul128(a: u64, b: u64): u64 {
  // Most products of a real book fit 64 bits (a < 2^x, b < 2^y with x + y <= 64): one multiply.
  if (clz(a) + clz(b) >= 64) {
    mulHi = 0;
    return a * b;
  }
  const a0 = a & 0xFFFFFFFF, a1 = a >> 32;
  const b0 = b & 0xFFFFFFFF, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  // Each term is < 2^32, so the middle sum fits 64 bits: (2^32-1) + (2^32-1) + (2^64 - 2^33 + 1).
  const mid = (p00 >> 32) + (p10 & 0xFFFFFFFF) + p01;
  mulHi = p11 + (p10 >> 32) + (mid >> 32);
  return (mid << 32) | (p00 & 0xFFFFFFFF);
}

/**
 * (hi:lo) / d for hi < d (so the quotient fits 64 bits); remainder in `divRem`.
 * Knuth's algorithm D with two 32-bit quotient digits, as in Hacker's Delight `divlu`.
 */
export function udiv128(hi: u64, lo: u64, d: u64): u64 {
  if (hi == 0) {
    divRem = lo % d;
    return lo / d;
  }
  const b: u64 = 1 << 32;
  const s = clz<u64>(d);
  // Normalise so the divisor's top bit is set; guard s == 0 because wasm shifts are mod 64.
  const v = d << s;
  const vn1 = v >> 32, vn0 = v & 0xFFFFFFFF;
  const un32 = s == 0 ? hi : (hi << s) | (lo >> (64 - s));
  const un10 = lo << s;
  const un1 = un10 >> 32, un0 = un10 & 0xFFFFFFFF;

  let q1 = un32 / vn1;
  let rhat = un32 - q1 * vn1;
  while (q1 >= b || q1 * vn0 > (rhat << 32) + un1) {
    q1 -= 1;
    rhat += vn1;
    if (rhat >= b) break;
  }
  const un21 = (un32 << 32) + un1 - q1 * v; // exact modulo 2^64, and the true value is < v

  let q0 = un21 / vn1;
  rhat = un21 - q0 * vn1;
  while (q0 >= b || q0 * vn0 > (rhat << 32) + un0) {
    q0 -= 1;
    rhat += vn1;
    if (rhat >= b) break;
  }
  divRem = ((un21 << 32) + un0 - q0 * v) >> s;
  return (q1 << 32) + q0;
}

/**
 * ceil((hi:lo) / d) for an unsigned 128-bit numerator, or `u64.MAX_VALUE` as a saturated marker
 * when the quotient does not fit 63 bits. Every caller treats anything above `i64.MAX_VALUE` as
 * an overflow, so saturating loses nothing.
 */
// @ts-ignore: decorator
@inline export function ceilDiv128(hi: u64, lo: u64, d: u64): u64 {
  if (hi == 0) {
    // The common case, inlined so that a constant divisor (10^6, 10^12) reaches the engine's
    // division-by-constant rewrite. lo / d + 1 cannot wrap since d >= 2 whenever lo / d is near 2^64.
    const q = lo / d;
    const c = q + u64(lo - q * d != 0);
    return c > <u64>i64.MAX_VALUE ? u64.MAX_VALUE : c;
  }
  return ceilDivWide(hi, lo, d);
}

function ceilDivWide(hi: u64, lo: u64, d: u64): u64 {
  if (hi >= d) return u64.MAX_VALUE;
  const q = udiv128(hi, lo, d);
  const c = q + u64(divRem != 0);
  return c > <u64>i64.MAX_VALUE || c < q ? u64.MAX_VALUE : c;
}

// ---- 192-bit signed accumulator (two's complement, three words) ------------------------------
// Equity is the only sum whose terms can exceed 128 bits (a PnL with e < 0 reaches ~2^146), and
// huge PnLs may cancel, so it is accumulated exactly and range-checked once at the end.

export let acc0: u64 = 0;
export let acc1: u64 = 0;
export let acc2: u64 = 0;

// @ts-ignore: decorator
@inline export function accSet(v: i64): void {
  acc0 = <u64>v;
  acc1 = acc2 = <u64>(v >> 63);
}

/** acc += sign * (m2:m1:m0), where (m2:m1:m0) is a magnitude. */
export function accAddMagnitude(negative: bool, m0: u64, m1: u64, m2: u64): void {
  if (negative) {
    // two's complement negate the magnitude, then add
    m0 = ~m0; m1 = ~m1; m2 = ~m2;
    m0 += 1;
    const c0 = u64(m0 == 0);
    m1 += c0;
    m2 += u64(c0 != 0 && m1 == 0);
  }
  const s0 = acc0 + m0;
  const k0 = u64(s0 < acc0);
  const t1 = acc1 + m1;
  const k1a = u64(t1 < acc1);
  const s1 = t1 + k0;
  const k1 = k1a | u64(s1 < t1);
  acc0 = s0;
  acc1 = s1;
  acc2 = acc2 + m2 + k1;
}

/** True when the accumulator holds a value in the signed 64-bit range. */
// @ts-ignore: decorator
@inline export function accFitsI64(): bool {
  const sign = <u64>(<i64>acc0 >> 63);
  return acc1 == sign && acc2 == sign;
}
