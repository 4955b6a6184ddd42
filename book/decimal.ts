/**
 * Exact decimal strings <-> bigint counts of 10^-decimals units. No floating point is involved.
 *
 * Grammar (docs/decisions.md 5): `-?[0-9]+(\.[0-9]+)?` — no exponent, no "+", no blanks, no leading
 * or trailing ".". Digits beyond `decimals` are accepted only when they are all zeros
 * ("65000.500" is a valid 2-decimal price); a non-zero digit there is an error, never rounded.
 */
import { BookError, quote } from "./errors.js";

export const I64_MIN = -(1n << 63n);
export const I64_MAX = (1n << 63n) - 1n;

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 100) {
    throw new RangeError(`decimals must be an integer in [0, 100], got ${decimals}`);
  }
}

/** The reason a text is not a decimal number, as the end of a message that starts with the quoted text. */
export const NOT_A_DECIMAL = 'is not a decimal number (expected digits with an optional leading "-" and ".fraction", like "-12.5")';

/**
 * Parses `text` exactly into a count of 10^-`decimals` units. Returns the bigint, or a string that
 * says what is wrong (to be put after the quoted text: `"1.5x" is not a decimal number ...`).
 * `decimalsLabel` names the limit in that reason: `the market's 8` instead of `8`.
 * No range check here: see `checkI64`.
 */
export function tryParseDecimal(text: string, decimals: number, decimalsLabel: string = String(decimals)): bigint | string {
  checkDecimals(decimals);
  const n = text.length;
  let i = 0;
  const negative = n > 0 && text.charCodeAt(0) === 45; /* - */
  if (negative) i = 1;
  const intStart = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  const intEnd = i;
  if (intEnd === intStart) return NOT_A_DECIMAL;
  let fracEnd = i;
  let keptEnd = i; // end of the fraction digits that are kept (at most `decimals`)
  if (i < n) {
    if (text.charCodeAt(i) !== 46 /* . */) return NOT_A_DECIMAL;
    i++;
    const fracStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return NOT_A_DECIMAL;
      i++;
    }
    fracEnd = i;
    if (fracEnd === fracStart) return NOT_A_DECIMAL;
    keptEnd = Math.min(fracEnd, fracStart + decimals);
    for (let j = keptEnd; j < fracEnd; j++) {
      if (text.charCodeAt(j) !== 48) return `has more decimals than ${decimalsLabel}`;
    }
    const kept = text.slice(fracStart, keptEnd);
    const digits = text.slice(intStart, intEnd) + kept + "0".repeat(decimals - kept.length);
    const magnitude = BigInt(digits);
    return negative ? -magnitude : magnitude;
  }
  const digits = decimals === 0 ? text.slice(intStart, intEnd) : text.slice(intStart, intEnd) + "0".repeat(decimals);
  const magnitude = BigInt(digits);
  return negative ? -magnitude : magnitude;
}

/**
 * Throwing form of `tryParseDecimal`: the error names `record` and `field`,
 * e.g. `account "alice" position 1: field "size": "0.123456789" has more decimals than the market's 8`.
 */
export function parseDecimal(
  text: string,
  decimals: number,
  record = "value",
  field = "",
  decimalsLabel: string = String(decimals),
): bigint {
  const r = tryParseDecimal(text, decimals, decimalsLabel);
  if (typeof r === "string") throw new BookError(record, field, `${quote(text)} ${r}`);
  return r;
}

/**
 * Formats a count of 10^-`decimals` units as a decimal string with exactly `decimals` digits after
 * the point (none, and no point, when `decimals` is 0): 1500250000n,6 -> "1500.250000",
 * -5n,6 -> "-0.000005", 0n,0 -> "0".
 */
export function formatDecimal(value: bigint, decimals: number): string {
  checkDecimals(decimals);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (decimals === 0) return negative ? "-" + digits : digits;
  const padded = digits.length > decimals ? digits : "0".repeat(decimals + 1 - digits.length) + digits;
  const cut = padded.length - decimals;
  return (negative ? "-" : "") + padded.slice(0, cut) + "." + padded.slice(cut);
}

/** True when `value` fits a signed 64-bit integer. */
export function isI64(value: bigint): boolean {
  return value >= I64_MIN && value <= I64_MAX;
}

/** 10^n as a bigint, for small n (cached). */
const POW10: bigint[] = [];
export function pow10(n: number): bigint {
  let p = POW10[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    if (n <= 64) POW10[n] = p;
  }
  return p;
}

/**
 * The message tail for a parsed value that does not fit a signed 64-bit count of 10^-`decimals`
 * units, to follow the quoted text: `does not fit a signed 64-bit count of 10^-8 units (limit 92233720368.54775807)`.
 */
export function i64Problem(value: bigint, decimals: number): string {
  const bound = value > 0n ? I64_MAX : I64_MIN;
  return `does not fit a signed 64-bit count of 10^-${decimals} units (limit ${formatDecimal(bound, decimals)})`;
}

/** True on little-endian platforms (all mainstream ones), where `int32Words` can be used. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The memory of a BigInt64Array as 32-bit words (low word first), or null on a big-endian
 * platform. Hot loops store a safe integer `x` into element i without allocating a BigInt:
 * `w[2 * i] = x; w[2 * i + 1] = Math.floor(x / 4294967296);` (ToInt32 keeps the low 32 bits).
 */
export function int32Words(a: BigInt64Array): Int32Array | null {
  return LITTLE_ENDIAN ? new Int32Array(a.buffer, a.byteOffset, a.length * 2) : null;
}
