/**
 * The mark-shock rule of the risk views (docs/risk-views.md). It lives here, beside the other
 * formulas, because the engines need it too: the wasm engine evaluates a whole stress grid in one
 * pass and computes the shocked marks itself.
 *
 * A shock is an integer in ppm (-100_000 = -10 %). A market with mark P and beta b (ppm, 10^6 =
 * moves with the shock) moves to
 *
 *     P' = floor(P * (10^12 + shockPpm * b) / 10^12), clamped to [0, 2^63 - 1].
 *
 * With b = 10^6 this is exactly `floor(P * (10^6 + shockPpm) / 10^6)`; b = 0 leaves P unchanged.
 */

const PPM2 = 1_000_000_000_000n;
/** The deepest shock: -100 % (every shocked mark is then 0). */
export const MIN_SHOCK_PPM = -1_000_000n;
/** Largest mark price: 2^63 - 1. */
export const MAX_PRICE = (1n << 63n) - 1n;

/** `floor(P * (10^12 + shockPpm * betaPpm) / 10^12)` clamped to [0, 2^63 - 1]; P >= 0. */
export function shockedMark(mark: bigint, shockPpm: bigint, betaPpm: bigint = 1_000_000n): bigint {
  const factor = PPM2 + shockPpm * betaPpm;
  if (factor <= 0n) return 0n; // mark >= 0, so the product is <= 0 and clamps to 0
  const p = (mark * factor) / PPM2; // both >= 0: truncation is floor
  return p > MAX_PRICE ? MAX_PRICE : p;
}

/** Every market's mark at `shockPpm`, one beta per market (beta 0 leaves a market alone). */
export function marksAtShock(base: readonly bigint[], shockPpm: bigint, betaPpm: readonly bigint[]): bigint[] {
  return base.map((mark, m) => (betaPpm[m] === 0n ? mark : shockedMark(mark, shockPpm, betaPpm[m]!)));
}

/**
 * True when the rule clamps nothing: `floor(P * (10^12 + shockPpm * b) / 10^12)` is already in
 * [0, 2^63 - 1]. Then the shocked mark is the floor of a price affine in the shock, which the wasm
 * engine's stress pass relies on (assembly/stress.ts).
 */
export function shockIsUnclamped(mark: bigint, shockPpm: bigint, betaPpm: bigint): boolean {
  const factor = PPM2 + shockPpm * betaPpm;
  return factor >= 0n && (mark * factor) / PPM2 <= MAX_PRICE;
}
