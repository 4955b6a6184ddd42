// The core's 128-bit helpers against BigInt, on random operands and on the edges where carries,
// normalisation shifts and quotient-digit corrections happen.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";

interface Wide {
  testUmul128(a: bigint, b: bigint): bigint;
  testMulHi(): bigint;
  testUdiv128(hi: bigint, lo: bigint, d: bigint): bigint;
  testDivRem(): bigint;
  testCeilDiv128(hi: bigint, lo: bigint, d: bigint): bigint;
  testAccSet(v: bigint): void;
  testAccAdd(negative: number, m0: bigint, m1: bigint, m2: bigint): void;
  testAccWord(i: number): bigint;
  testAccFits(): number;
}

const U64 = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
let w: Wide;

beforeAll(async () => {
  const { instance } = await WebAssembly.instantiate(readFileSync("build/testing.wasm"), {});
  w = instance.exports as unknown as Wide;
});

const edgy = fc.oneof(
  fc.bigInt({ min: 0n, max: U64 }),
  fc.constantFrom(0n, 1n, 2n, 0xffff_ffffn, 1n << 32n, (1n << 32n) + 1n, I64_MAX, 1n << 63n, U64, U64 - 1n, 10n ** 18n, 10n ** 12n, 999_999_999_999n),
  fc.bigInt({ min: 0n, max: 1n << 40n }),
);

describe("umul128", () => {
  it("equals the BigInt product, both words", () => {
    fc.assert(fc.property(edgy, edgy, (a, b) => {
      const lo = u64(w.testUmul128(a, b));
      const hi = u64(w.testMulHi());
      expect((hi << 64n) | lo).toBe(a * b);
    }), { numRuns: 20_000 });
  });
  it("is exact on both sides of the one-multiply path (bit lengths summing to 64, 65)", () => {
    for (let x = 0n; x <= 64n; x++) {
      const lengths: [bigint, bigint][] = [[x, 64n - x], [x, 65n - x]];
      for (const [la, lb] of lengths) {
        if (lb < 0n || lb > 64n) continue;
        for (const a of [(1n << la) - 1n, la > 0n ? 1n << (la - 1n) : 0n]) {
          for (const b of [(1n << lb) - 1n, lb > 0n ? 1n << (lb - 1n) : 0n]) {
            const lo = u64(w.testUmul128(a, b));
            expect((u64(w.testMulHi()) << 64n) | lo, `${a} * ${b}`).toBe(a * b);
          }
        }
      }
    }
  });
  it("handles the largest operands", () => {
    const lo = u64(w.testUmul128(U64, U64));
    expect((u64(w.testMulHi()) << 64n) | lo).toBe(U64 * U64);
  });
});

describe("udiv128", () => {
  const divisor = fc.oneof(
    fc.bigInt({ min: 1n, max: U64 }),
    fc.constantFrom(1n, 3n, 7n, 10n, 10n ** 6n, 10n ** 12n, 10n ** 18n, 1n << 32n, (1n << 32n) - 1n, (1n << 63n) + 1n, U64),
    fc.bigInt({ min: 1n, max: 1n << 33n }),
  );
  it("gives quotient and remainder of (hi:lo)/d whenever hi < d", () => {
    fc.assert(fc.property(divisor, edgy, edgy, (d, hiSeed, lo) => {
      const hi = hiSeed % d;
      const n = (hi << 64n) | lo;
      expect(u64(w.testUdiv128(hi, lo, d))).toBe(n / d);
      expect(u64(w.testDivRem())).toBe(n % d);
    }), { numRuns: 30_000 });
  });
  it("ceilDiv128 rounds up and saturates beyond 2^63 - 1", () => {
    fc.assert(fc.property(divisor, edgy, edgy, (d, hi, lo) => {
      const n = (hi << 64n) | lo;
      const q = (n + d - 1n) / d;
      expect(u64(w.testCeilDiv128(hi, lo, d))).toBe(q > I64_MAX ? U64 : q);
    }), { numRuns: 30_000 });
    expect(u64(w.testCeilDiv128(0n, 7n, 2n))).toBe(4n);
    expect(u64(w.testCeilDiv128(0n, I64_MAX, 1n))).toBe(I64_MAX);
    expect(u64(w.testCeilDiv128(0n, 1n << 63n, 1n))).toBe(U64);
  });
});

describe("192-bit accumulator", () => {
  const magnitude = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 150n) }), fc.bigInt({ min: 0n, max: 1n << 64n }), fc.constantFrom(0n, 1n, I64_MAX, 1n << 63n, 1n << 64n, (1n << 128n) - 1n));
  it("sums signed wide terms exactly and knows when the sum fits 64 bits", () => {
    fc.assert(fc.property(fc.bigInt({ min: -(1n << 63n), max: I64_MAX }), fc.array(fc.tuple(fc.boolean(), magnitude), { maxLength: 8 }), (start, terms) => {
      w.testAccSet(start);
      let sum = start;
      for (const [negative, m] of terms) {
        w.testAccAdd(negative ? 1 : 0, u64(m), u64(m >> 64n), u64(m >> 128n));
        sum += negative ? -m : m;
      }
      const words = u64(w.testAccWord(0)) | (u64(w.testAccWord(1)) << 64n) | (u64(w.testAccWord(2)) << 128n);
      expect(BigInt.asIntN(192, words)).toBe(sum);
      expect(w.testAccFits() === 1).toBe(sum >= -(1n << 63n) && sum <= I64_MAX);
    }), { numRuns: 20_000 });
  });
});
