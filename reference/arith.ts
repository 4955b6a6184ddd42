/**
 * Exact integer helpers on native BigInt.
 *
 * BigInt `/` truncates toward zero and `%` takes the sign of the dividend; the model
 * (docs: shared/spec/model.md) needs floor (toward -infinity) and ceil (toward +infinity),
 * and a non-negative remainder for the modular arithmetic of the liquidation price.
 */

/** Smallest signed 64-bit integer, -2^63. */
export const I64_MIN = -(1n << 63n);
/** Largest signed 64-bit integer, 2^63 - 1 (also the largest price). */
export const I64_MAX = (1n << 63n) - 1n;

/** 10^12 = ppm * ppm (a margin rate times a volatility scale). */
export const PPM2 = 1_000_000_000_000n;

/** floor(a / b), exact, for any signs (b != 0). */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError("floorDiv: division by zero");
  const q = a / b;
  // Truncation rounded up exactly when the true quotient is negative and not whole.
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** ceil(a / b), exact, for any signs (b != 0). */
export function ceilDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError("ceilDiv: division by zero");
  const q = a / b;
  // Truncation rounded down exactly when the true quotient is positive and not whole.
  return a % b !== 0n && (a < 0n) === (b < 0n) ? q + 1n : q;
}

/** a mod m in [0, m), for m > 0. */
export function mod(a: bigint, m: bigint): bigint {
  if (m <= 0n) throw new RangeError("mod: modulus must be positive");
  const r = a % m;
  return r < 0n ? r + m : r;
}

export function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function pow10(k: number): bigint {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`pow10: bad exponent ${k}`);
  return k < POW10.length ? POW10[k]! : 10n ** BigInt(k);
}

/** 10^0 .. 10^38, computed once: a fill's pnl asks for its market's K every time. */
const POW10: readonly bigint[] = Array.from({ length: 39 }, (_, k) => 10n ** BigInt(k));

/** True when v lies in the signed 64-bit range [-2^63, 2^63 - 1]. */
export function fitsI64(v: bigint): boolean {
  return v >= I64_MIN && v <= I64_MAX;
}
