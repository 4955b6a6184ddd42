// Entry point of a test-only build (build/testing.wasm) that exposes the wide-integer helpers to
// the vitest suite, which checks them against BigInt on random and extreme operands.

import { acc0, acc1, acc2, accAddMagnitude, accFitsI64, accSet, ceilDiv128, divRem, mulHi, udiv128, umul128 } from "./wide";
import {
  ceilDivI128, floorDivI128, hi128, mulI64U64, mulU128U64, overflow128, rem64, udivU128,
} from "./i128";
import { leastMultipleInRange, leastWithResidue } from "./modsearch";

export function testUmul128(a: u64, b: u64): u64 { return umul128(a, b); }
export function testMulHi(): u64 { return mulHi; }
export function testUdiv128(hi: u64, lo: u64, d: u64): u64 { return udiv128(hi, lo, d); }
export function testDivRem(): u64 { return divRem; }
export function testCeilDiv128(hi: u64, lo: u64, d: u64): u64 { return ceilDiv128(hi, lo, d); }
export function testAccSet(v: i64): void { accSet(v); }
export function testAccAdd(negative: bool, m0: u64, m1: u64, m2: u64): void { accAddMagnitude(negative, m0, m1, m2); }
export function testAccWord(i: i32): u64 { return i == 0 ? acc0 : i == 1 ? acc1 : acc2; }
export function testAccFits(): bool { return accFitsI64(); }

// The liquidation price's helpers: 128-bit arithmetic (i128.ts) and the modular search
// (modsearch.ts), checked against BigInt and the reference in test/liquidation-price-wasm.test.ts.
export function testHi128(): u64 { return hi128; }
export function testRem64(): u64 { return rem64; }
export function testOverflow128(): bool { return overflow128; }
export function testUdivU128(lo: u64, hi: u64, d: u64): u64 { return udivU128(lo, hi, d); }
export function testFloorDivI128(lo: u64, hi: u64, d: u64): u64 { return floorDivI128(lo, hi, d); }
export function testCeilDivI128(lo: u64, hi: u64, d: u64): u64 { return ceilDivI128(lo, hi, d); }
export function testMulU128U64(lo: u64, hi: u64, m: u64): u64 { return mulU128U64(lo, hi, m); }
export function testMulI64U64(d: i64, n: u64): u64 { return mulI64U64(d, n); }
export function testLeastMultipleInRange(a: u64, m: u64, l: u64, r: u64): u64 { return leastMultipleInRange(a, m, l, r); }
export function testLeastWithResidue(a: u64, b: u64, m: u64, l: u64, r: u64, bound: u64): u64 { return leastWithResidue(a, b, m, l, r, bound); }
