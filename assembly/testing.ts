// Entry point of a test-only build (build/testing.wasm) that exposes the wide-integer helpers to
// the vitest suite, which checks them against BigInt on random and extreme operands.

import { acc0, acc1, acc2, accAddMagnitude, accFitsI64, accSet, ceilDiv128, divRem, mulHi, udiv128, umul128 } from "./wide";

export function testUmul128(a: u64, b: u64): u64 { return umul128(a, b); }
export function testMulHi(): u64 { return mulHi; }
export function testUdiv128(hi: u64, lo: u64, d: u64): u64 { return udiv128(hi, lo, d); }
export function testDivRem(): u64 { return divRem; }
export function testCeilDiv128(hi: u64, lo: u64, d: u64): u64 { return ceilDiv128(hi, lo, d); }
export function testAccSet(v: i64): void { accSet(v); }
export function testAccAdd(negative: bool, m0: u64, m1: u64, m2: u64): void { accAddMagnitude(negative, m0, m1, m2); }
export function testAccWord(i: i32): u64 { return i == 0 ? acc0 : i == 1 ? acc1 : acc2; }
export function testAccFits(): bool { return accFitsI64(); }
