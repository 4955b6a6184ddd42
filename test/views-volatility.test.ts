// realizedVolatilityPpm: hand-computed values, the rounding (up, exact square roots stay), an
// independent exact oracle on random series, scale invariance, and every error.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ViewError, realizedVolatilityPpm } from "../views/index.js";
import { ceilSqrt, floorSqrt } from "../views/volatility.js";

describe("realizedVolatilityPpm", () => {
  it("hand-computed: returns +10 %, -10 %", () => {
    // r = 10/100 = 0.1 and -11/110 = -0.1; mean 0; sample variance (0.01 + 0.01) / 1 = 0.02;
    // annualised 365 * 0.02 = 7.3; sigma = sqrt(7.3) = 2.70185121...: 2_701_852 ppm (up).
    expect(realizedVolatilityPpm([100n, 110n, 99n], { periodsPerYear: 365 })).toBe(2_701_852n);
    // zero mean: (0.01 + 0.01) / 2 = 0.01; sqrt(3.65) = 1.91049731...: 1_910_498 ppm.
    expect(realizedVolatilityPpm([100n, 110n, 99n], { periodsPerYear: 365n, mean: "zero" })).toBe(1_910_498n);
  });

  it("is exact: an exact square root is not rounded up, a constant return has no sample variance", () => {
    // one return of 10 %, one period a year: sqrt(0.01) = 0.1 exactly = 100_000 ppm
    expect(realizedVolatilityPpm([100n, 110n], { periodsPerYear: 1, mean: "zero" })).toBe(100_000n);
    expect(realizedVolatilityPpm([100n, 110n, 121n], { periodsPerYear: 365 })).toBe(0n);
    expect(realizedVolatilityPpm([7n, 7n, 7n, 7n], { periodsPerYear: 8760 })).toBe(0n);
  });

  it("equals an independent exact computation on random series", () => {
    // The oracle sums the returns one by one over a common denominator (no tree, no shortcut formula).
    const oracle = (prices: bigint[], periods: bigint, mean: "sample" | "zero"): bigint => {
      const n = BigInt(prices.length - 1);
      let q = 1n;
      for (let i = 0; i + 1 < prices.length; i++) q *= prices[i]!;
      // r_i = d_i / p_{i-1} = (d_i * q / p_{i-1}) / q: every return over the same denominator q
      const nums = prices.slice(1).map((p, i) => (p - prices[i]!) * (q / prices[i]!));
      const sum = nums.reduce((s, x) => s + x, 0n);
      let num: bigint; // variance = num / den
      let den: bigint;
      if (mean === "sample") {
        // sum((r_i - mean)^2) / (n - 1), with r_i - mean = (n * nums_i - sum) / (n q)
        num = nums.reduce((s, x) => s + (n * x - sum) ** 2n, 0n);
        den = n * n * q * q * (n - 1n);
      } else {
        num = nums.reduce((s, x) => s + x * x, 0n);
        den = q * q * n;
      }
      const x = periods * 10n ** 12n * num;
      // least v with v^2 * den >= x, by bisection
      let hi = 1n;
      while (hi * hi * den < x) hi *= 2n;
      let lo = 0n;
      while (lo < hi) {
        const mid = (lo + hi) / 2n;
        if (mid * mid * den >= x) hi = mid;
        else lo = mid + 1n;
      }
      return lo;
    };
    fc.assert(fc.property(
      fc.array(fc.bigInt({ min: 1n, max: 1n << 62n }), { minLength: 3, maxLength: 40 }),
      fc.bigInt({ min: 1n, max: 600_000n }),
      fc.constantFrom("sample" as const, "zero" as const),
      (prices, periods, mean) => {
        expect(realizedVolatilityPpm(prices, { periodsPerYear: periods, mean })).toBe(oracle(prices, periods, mean));
      },
    ), { numRuns: 300 });
  });

  it("does not depend on the price unit: k * prices give the same volatility", () => {
    fc.assert(fc.property(
      fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 3, maxLength: 30 }),
      fc.bigInt({ min: 2n, max: 10n ** 6n }),
      (prices, k) => {
        expect(realizedVolatilityPpm(prices.map((p) => p * k), { periodsPerYear: 365 })).toBe(realizedVolatilityPpm(prices, { periodsPerYear: 365 }));
      },
    ), { numRuns: 200 });
  });

  it("agrees with a float computation to a few ppm on a realistic daily series", () => {
    const prices: bigint[] = [];
    let p = 6_500_000;
    for (let i = 0; i < 366; i++) {
      prices.push(BigInt(Math.round(p)));
      p *= 1 + 0.03 * Math.sin(i * 1.7) ; // deterministic wiggle of up to 3 % a day
    }
    const got = realizedVolatilityPpm(prices, { periodsPerYear: 365 });
    const r = prices.slice(1).map((x, i) => Number(x - prices[i]!) / Number(prices[i]!));
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const variance = r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1);
    expect(Math.abs(Number(got) - Math.sqrt(365 * variance) * 1e6)).toBeLessThan(2);
  });

  it("handles a long series (10,000 prices) exactly", () => {
    const prices = Array.from({ length: 10_000 }, (_, i) => 6_500_000n + BigInt((i * 7919) % 100_003) - 50_000n);
    const v = realizedVolatilityPpm(prices, { periodsPerYear: 525_600 });
    expect(v).toBeGreaterThan(0n);
    expect(realizedVolatilityPpm(prices.map((x) => x * 3n), { periodsPerYear: 525_600 })).toBe(v);
  });

  it("refuses bad input, naming it", () => {
    const err = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ViewError);
        return (e as Error).message;
      }
      throw new Error("expected a ViewError");
    };
    expect(err(() => realizedVolatilityPpm([1n, 2n], { periodsPerYear: 365 }))).toBe(
      "realizedVolatilityPpm: prices: 2 prices; the sample variance needs at least 3 (two returns)");
    expect(err(() => realizedVolatilityPpm([1n], { periodsPerYear: 365, mean: "zero" }))).toBe(
      "realizedVolatilityPpm: prices: 1 price; the zero-mean variance needs at least 2 (one return)");
    expect(err(() => realizedVolatilityPpm([1n, 0n, 2n], { periodsPerYear: 365 }))).toBe(
      "realizedVolatilityPpm: prices[1]: 0 is not positive (a return needs a price above 0 to divide by)");
    expect(err(() => realizedVolatilityPpm([1n, -3n, 2n], { periodsPerYear: 365 }))).toMatch(/^realizedVolatilityPpm: prices\[1\]: -3 is not positive/);
    expect(err(() => realizedVolatilityPpm([1n, 2, 2n] as bigint[], { periodsPerYear: 365 }))).toBe("realizedVolatilityPpm: prices[1]: expected a bigint, got number");
    expect(err(() => realizedVolatilityPpm("1 2 3" as unknown as bigint[], { periodsPerYear: 365 }))).toMatch(/^realizedVolatilityPpm: prices: expected an array/);
    for (const bad of [0, -1, 1.5, 0n, Number.NaN, undefined]) {
      expect(err(() => realizedVolatilityPpm([1n, 2n, 3n], { periodsPerYear: bad as number }))).toMatch(/^realizedVolatilityPpm: periodsPerYear: .* is not a positive whole number/);
    }
    expect(err(() => realizedVolatilityPpm([1n, 2n, 3n], { periodsPerYear: 1, mean: "log" as "zero" }))).toBe('realizedVolatilityPpm: mean: "log" is not "sample" or "zero"');
  });
});

describe("integer square roots", () => {
  it("floorSqrt and ceilSqrt bracket x", () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 1n << 300n }), (x) => {
      const f = floorSqrt(x);
      const c = ceilSqrt(x);
      expect(f * f <= x && (f + 1n) * (f + 1n) > x).toBe(true);
      expect(c * c >= x && (c === 0n || (c - 1n) * (c - 1n) < x)).toBe(true);
    }));
    expect([floorSqrt(0n), floorSqrt(1n), floorSqrt(3n), floorSqrt(4n), ceilSqrt(5n)]).toEqual([0n, 1n, 1n, 2n, 3n]);
    expect(() => ceilSqrt(-1n)).toThrow(RangeError);
  });
});
