/**
 * Realized volatility of a price series, exact, so that the spec's volatility-scaled maintenance
 * (`volatility.current`) can be fed from data with a number every engine and every run agrees on.
 *
 * Window: the whole series given, p_0 .. p_n (n + 1 prices in any one unit, e.g. a market's price
 * units, equally spaced in time, oldest first). Simple returns r_i = (p_i - p_{i-1}) / p_{i-1},
 * i = 1..n, kept as exact rationals.
 *
 * - `mean: "sample"` (default; needs n >= 2): the sample variance
 *   v = sum((r_i - rbar)^2) / (n - 1) = (n * sum(r_i^2) - (sum r_i)^2) / (n * (n - 1)).
 * - `mean: "zero"` (needs n >= 1): v = sum(r_i^2) / n, the usual "realized variance" of returns
 *   whose mean is taken as 0 (high-frequency data).
 *
 * Annualised: sigma = sqrt(periodsPerYear * v) (365 for daily closes of a market that trades every
 * day, 8760 for hourly, 525600 for minutes). The result is sigma in ppm rounded UP:
 * the least integer V with V^2 >= periodsPerYear * v * 10^12. Up is the venue's side: a higher
 * volatility raises the maintenance. Nothing is a float: the sums are exact fractions (summed
 * pairwise, so long series stay fast), and the square root is an integer one.
 */
import { ceilDiv } from "../reference/arith.js";
import { ViewError } from "./errors.js";

export interface VolatilityOptions {
  /** How many periods of the series make a year (a positive whole number). */
  readonly periodsPerYear: number | bigint;
  /** "sample" (default): the sample variance around the mean return; "zero": around a zero mean. */
  readonly mean?: "sample" | "zero";
}

const PPM2 = 1_000_000_000_000n;

/**
 * Annualised realized volatility of `prices` in ppm (1_000_000 = 100 %), rounded up.
 *
 * ```ts
 * realizedVolatilityPpm([100n, 110n, 99n], { periodsPerYear: 365 }); // 2701852n: 270.1852 % (returns +10 %, -10 %)
 * ```
 */
export function realizedVolatilityPpm(series: readonly bigint[], options: VolatilityOptions): bigint {
  const view = "realizedVolatilityPpm";
  const prices: readonly bigint[] = series; // (Array.isArray below would widen the type to any[])
  if (!Array.isArray(series)) throw new ViewError(view, "prices", `expected an array of bigint prices, got ${typeof prices}`);
  const mean = options?.mean ?? "sample";
  if (mean !== "sample" && mean !== "zero") throw new ViewError(view, "mean", `${JSON.stringify(mean)} is not "sample" or "zero"`);
  const minimum = mean === "sample" ? 3 : 2;
  if (prices.length < minimum) {
    throw new ViewError(view, "prices", `${prices.length} price${prices.length === 1 ? "" : "s"}; the ${mean === "sample" ? "sample variance needs at least 3 (two returns)" : "zero-mean variance needs at least 2 (one return)"}`);
  }
  prices.forEach((p, i) => {
    if (typeof p !== "bigint") throw new ViewError(view, `prices[${i}]`, `expected a bigint, got ${typeof p}`);
    if (p <= 0n) throw new ViewError(view, `prices[${i}]`, `${p} is not positive (a return needs a price above 0 to divide by)`);
  });
  const periods = toPeriods(view, options?.periodsPerYear);

  // r_i = d_i / p_{i-1}: sum of r_i as a / q and sum of r_i^2 as b / q^2 with q = prod p_{i-1}.
  const n = BigInt(prices.length - 1);
  const returns = Array.from({ length: prices.length - 1 }, (_, i) => ({ d: prices[i + 1]! - prices[i]!, p: prices[i]! }));
  const s1 = sumFractions(returns.map((r) => ({ num: r.d, den: r.p })));
  const s2 = sumFractions(returns.map((r) => ({ num: r.d * r.d, den: r.p * r.p })));
  // The same pairing gives s1.den = q and s2.den = q^2, so
  // n * S2 - S1^2 = (n * s2.num - s1.num^2) / q^2, and num / den below is the variance v.
  let num: bigint;
  let den: bigint;
  if (mean === "sample") {
    num = n * s2.num - s1.num * s1.num;
    den = s2.den * n * (n - 1n);
  } else {
    num = s2.num;
    den = s2.den * n;
  }
  // sigma_ppm^2 = periods * num / den * 10^12; V^2 >= x  <=>  V^2 >= ceil(x) for a whole V.
  return ceilSqrt(ceilDiv(periods * PPM2 * num, den));
}

function toPeriods(view: string, value: unknown): bigint {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return BigInt(value);
  if (typeof value === "bigint" && value > 0n) return value;
  throw new ViewError(view, "periodsPerYear", `${String(value)} is not a positive whole number (e.g. 365 for daily prices)`);
}

interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * The exact sum of fractions, added pairwise as a balanced tree (a/b + c/d = (ad + cb) / bd):
 * operands of similar size, so V8's fast multiplication keeps a long series near-linear. The
 * denominator is the product of all the denominators (no reduction), which the caller relies on.
 */
function sumFractions(items: Fraction[]): Fraction {
  let level = items;
  while (level.length > 1) {
    const next: Fraction[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const x = level[i]!;
      const y = level[i + 1]!;
      next.push({ num: x.num * y.den + y.num * x.den, den: x.den * y.den });
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** The least V >= 0 with V^2 >= x (x >= 0). */
export function ceilSqrt(x: bigint): bigint {
  if (x < 0n) throw new RangeError(`ceilSqrt: ${x} is negative`);
  const s = floorSqrt(x);
  return s * s === x ? s : s + 1n;
}

/** The greatest V >= 0 with V^2 <= x (Newton's iteration from above, on integers). */
export function floorSqrt(x: bigint): bigint {
  if (x < 2n) return x;
  let v = 1n << BigInt(Math.ceil(x.toString(2).length / 2)); // >= sqrt(x)
  for (;;) {
    const next = (v + x / v) >> 1n;
    if (next >= v) return v;
    v = next;
  }
}
