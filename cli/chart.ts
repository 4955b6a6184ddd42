/**
 * Text charts for the terminal: bars of characters whose length is proportional to an exact
 * amount (scaled with integer arithmetic; a non-zero amount always gets at least one character).
 */

/** The length of the bar of `value` when `max` gets `width` characters. */
export function barLength(value: bigint, max: bigint, width: number): number {
  if (value <= 0n || max <= 0n) return 0;
  const w = BigInt(width);
  const n = Number((value * w + max / 2n) / max);
  return Math.max(1, Math.min(width, n));
}

/** A bar of `char` for `value` on a scale where `max` is `width` characters. */
export function bar(value: bigint, max: bigint, width: number, char = "#"): string {
  return char.repeat(barLength(value, max, width));
}

/** The largest of some amounts (0 for none). */
export function maxOf(values: Iterable<bigint>): bigint {
  let m = 0n;
  for (const v of values) if (v > m) m = v;
  return m;
}
