// Aave v3 (docs/venues/aave-v3.md; the BigInt statement is reference/venues/aave-v3.ts): the health
// factor of every user of a lending book, exact, and the trigger HF < 1 as the pool decides it
// (GenericLogic.calculateUserAccountData, ValidationLogic.validateLiquidationCall; aave-v3-core
// @782f5191 for v3.0, aave-v3-origin v3.3.0 for v3.3, the same account data but for e-mode, which
// the wrapper resolves into the tables below).
//
// A lending book is not a perp book: its balances are token units of up to 10^38 (an 18-decimal
// token leaves 64 bits at 9.2 tokens), so it has columns of its own, laid out by the wrapper
// (bindings/aave-v3.ts) and read here; one pass over the users, no allocation.
//
// Layout (little-endian; every record 8-aligned):
//   reserve record, RESERVE_BYTES = 64, one per reserve:
//     0 price u64 (base currency, 10^-8 USD per token), 8 decimals u32, 12 liquidationThreshold u32,
//     16 ltv u32, 24 liquidityIndex u128 (lo, hi), 40 variableBorrowIndex u128
//   e-mode record, MODE_BYTES = 32, one per category id 0..255:
//     0 liquidationThreshold u32, 4 ltv u32, 8 price u64 (v3.0 price source; 0: none),
//     16 collateral mask u128 (bit k: reserve k counts with the category's threshold)
//   user columns: starts u32[users + 1] into the entries, eMode u8[users]
//   entry record, ENTRY_BYTES = 64, one per (user, reserve):
//     0 reserve u32, 4 usingAsCollateral u32, 8 scaledATokenBalance u128, 24 scaledVariableDebt u128,
//     40 stableDebt u128 (v3.0)
//   result record, RESULT_BYTES = 48, one per user:
//     0 status u32 (0 ok, 1 liquidatable, 2 overflow), 4 avgLiquidationThreshold u32,
//     8 totalCollateralBase u64, 16 totalDebtBase u64, 24 healthFactor u128 (wad; all ones: no debt,
//     the contract's uint max), 40 X = percentMul(C, avgLT) u64
//
// Arithmetic, exact in fixed widths (the contracts' uint256, whose reverts cannot happen in these
// ranges):
// - rayMul(a, b) = floor((a b + RAY/2) / RAY) with a, b < 2^128: a b + RAY/2 < 2^256 held in four
//   words. 10^27 = 2^27 5^27, and floor(x / (m n)) = floor(floor(x / m) / n) for whole m, n > 0, so
//   floor(x / 10^27) is a shift right by 27 bits, then one division of the words by 5^27 < 2^63
//   from the top (each step's remainder stays below the divisor, what udiv128 needs; a zero top word
//   costs nothing). A result of 2^128 or more is an overflow.
// - a balance's value floor(b * price / 10^decimals), b < 2^128, price < 2^64: three words, shifted
//   right by `decimals` bits and divided by 5^decimals (in two pieces above 27; floor of floors, as
//   above). A value of 2^64 or more, or sums C, D of 2^64 or more, are an overflow.
// - S = sum c_i LT_i < 128 * 2^64 * 2^16 fits two words; avgLT = floor(S / C) < 2^16, so S's high
//   word is below C (udiv128). X = floor((C avgLT + 5000) / 10^4): an overflow when it leaves 64 bits.
// - HF = floor((X 10^18 + floor(D / 2)) / D), X 10^18 < 2^124: a two-word quotient (high word by
//   plain division, then udiv128 on the remainder).
//
// The trigger. With X and D as above (D > 0), HF < 10^18
//   <=> floor((X 10^18 + floor(D/2)) / D) < 10^18
//   <=> X 10^18 + floor(D/2) < D 10^18                 (floor(y) < n <=> y < n, for an integer n)
//   <=> 10^18 (D - X) > floor(D/2)
//   <=> D - X > floor(floor(D/2) / 10^18)              (n > y <=> n > floor(y), for an integer n)
//   <=> X < D - floor(D / (2 10^18))                   (floor(floor(D/2)/10^18) = floor(D/(2 10^18)))
// so the pass decides it on 64-bit words (D >= floor(D / (2 10^18)) always: no wrap), and without
// debt (D = 0, HF = uint max) never. For D < 2 10^18 (20 billion USD of debt) it is X < D.

import { divRem, mulHi, udiv128, umul128 } from "../wide";

export const AAVE_RESERVE_BYTES: u32 = 64;
export const AAVE_MODE_BYTES: u32 = 32;
export const AAVE_ENTRY_BYTES: u32 = 64;
export const AAVE_RESULT_BYTES: u32 = 48;
export const AAVE_LAYOUT_VERSION: i32 = 1;

const STATUS_OK: u32 = 0, STATUS_LIQUIDATABLE: u32 = 1, STATUS_OVERFLOW: u32 = 2;
const E18: u64 = 1_000_000_000_000_000_000;
const TWO_E18: u64 = 2_000_000_000_000_000_000;
// RAY / 2 = 5 10^26 as two words.
const HALF_RAY_HI: u64 = 27105054;
const HALF_RAY_LO: u64 = 5757922623132532736;

// Four-word scratch (w0 least significant) and the two-word results.
let w0: u64 = 0, w1: u64 = 0, w2: u64 = 0, w3: u64 = 0;
let rLo: u64 = 0, rHi: u64 = 0;
let wide: bool = false;

/** (w3:w2:w1:w0) = (ahi:alo) * (bhi:blo). */
// @ts-ignore: decorator
@inline function mul128(alo: u64, ahi: u64, blo: u64, bhi: u64): void {
  const p0 = umul128(alo, blo); const p0h = mulHi;
  const p1 = umul128(alo, bhi); const p1h = mulHi;
  const p2 = umul128(ahi, blo); const p2h = mulHi;
  const p3 = umul128(ahi, bhi); const p3h = mulHi;
  w0 = p0;
  let s = p0h + p1; let c: u64 = u64(s < p1);
  s += p2; c += u64(s < p2);
  w1 = s;
  let t = p1h + c; let c2: u64 = u64(t < c);
  t += p2h; c2 += u64(t < p2h);
  t += p3; c2 += u64(t < p3);
  w2 = t;
  w3 = p3h + c2;
}

/** (w3:w2:w1:w0) /= d, 0 < d < 2^64 (floor), from the top word down; a zero top word is skipped. */
// @ts-ignore: decorator
@inline function div4(d: u64): void {
  let r: u64 = 0;
  if (w3 != 0) { w3 = udiv128(0, w3, d); r = divRem; }
  if ((r | w2) != 0) { w2 = udiv128(r, w2, d); r = divRem; }
  if ((r | w1) != 0) { w1 = udiv128(r, w1, d); r = divRem; }
  w0 = udiv128(r, w0, d);
}

/** (w3:w2:w1:w0) >>= s, 0 < s < 64. */
// @ts-ignore: decorator
@inline function shr4(s: u64): void {
  const t = 64 - s;
  w0 = (w0 >> s) | (w1 << t);
  w1 = (w1 >> s) | (w2 << t);
  w2 = (w2 >> s) | (w3 << t);
  w3 = w3 >> s;
}

/** 5^k for k <= 27 (5^27 < 2^63). */
const POW5: StaticArray<u64> = [
  1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125, 9765625, 48828125, 244140625, 1220703125,
  6103515625, 30517578125, 152587890625, 762939453125, 3814697265625, 19073486328125, 95367431640625,
  476837158203125, 2384185791015625, 11920928955078125, 59604644775390625, 298023223876953125,
  1490116119384765625, 7450580596923828125,
];
const FIVE27: u64 = 7450580596923828125;

/** rayMul((ahi:alo), (bhi:blo)) into (rHi:rLo); sets `wide` when it leaves 128 bits. */
function rayMul(alo: u64, ahi: u64, blo: u64, bhi: u64): void {
  mul128(alo, ahi, blo, bhi);
  // + RAY / 2
  const l0 = w0 + HALF_RAY_LO; let c: u64 = u64(l0 < w0); w0 = l0;
  const l1 = w1 + HALF_RAY_HI + c; c = u64(l1 < w1 || (c != 0 && l1 == w1)); w1 = l1;
  const l2 = w2 + c; c = u64(l2 < w2); w2 = l2;
  w3 += c;
  // / 10^27 = / 2^27, then / 5^27
  shr4(27);
  div4(FIVE27);
  if ((w2 | w3) != 0) wide = true;
  rLo = w0; rHi = w1;
}

/** (w2:w1:w0) = floor((hi:lo) * price / 10^decimals), three words. */
// @ts-ignore: decorator
@inline function scaledValue(lo: u64, hi: u64, price: u64, decimals: u32): void {
  w0 = umul128(lo, price); const c0 = mulHi;
  const m = umul128(hi, price);
  w1 = c0 + m; w2 = mulHi + u64(w1 < m); w3 = 0;
  // / 10^d = / 2^d, then / 5^d (5^27 at most at a time); d <= 38 < 64
  if (decimals > 0) {
    shr4(<u64>decimals);
    let d = decimals;
    if (d > 27) { div4(FIVE27); d -= 27; }
    div4(unchecked(POW5[d]));
  }
}

/** floor((hi:lo) * price / 10^decimals); sets `wide` when it leaves 64 bits. */
function baseValue(lo: u64, hi: u64, price: u64, decimals: u32): u64 {
  scaledValue(lo, hi, price, decimals);
  if ((w1 | w2) != 0) wide = true;
  return w0;
}

/** Entry e's debt (reserve r): the variable debt's balance (rayMul, 0 stays 0) plus the stable debt, into (rHi:rLo); sets `wide` at 2^128. */
// @ts-ignore: decorator
@inline function debtBalance(e: usize, r: usize): void {
  const dLo = load<u64>(e, 24), dHi = load<u64>(e, 32);
  let bLo: u64 = 0, bHi: u64 = 0;
  if ((dLo | dHi) != 0) {
    rayMul(dLo, dHi, load<u64>(r, 40), load<u64>(r, 48));
    bLo = rLo; bHi = rHi;
  }
  const sl = bLo + load<u64>(e, 40);
  const carry = u64(sl < bLo);
  const t = bHi + load<u64>(e, 48);
  const sh = t + carry;
  if (t < bHi || sh < carry) wide = true; // the sum reached 2^128
  rLo = sl; rHi = sh;
}

/** Whether entry e owes anything (variable or stable debt). */
// @ts-ignore: decorator
@inline function owesDebt(e: usize): bool {
  return (load<u64>(e, 24) | load<u64>(e, 32) | load<u64>(e, 40) | load<u64>(e, 48)) != 0;
}

/**
 * The health factor of users [from, to) into their result records; returns how many are
 * liquidatable. `version` 0 is v3.0 (stable debt counted, e-mode prices), 1 is v3.3.
 */
export function aaveV3_scanUsers(reserves: usize, modes: usize, starts: usize, eModes: usize, entries: usize, results: usize, from: u32, to: u32): u32 {
  let flagged: u32 = 0;
  for (let u = from; u < to; u++) {
    const mode = modes + <usize>load<u8>(eModes + <usize>u) * AAVE_MODE_BYTES;
    const modeLT = <u64>load<u32>(mode, 0);
    const modePrice = load<u64>(mode, 8);
    const maskLo = load<u64>(mode, 16), maskHi = load<u64>(mode, 24);
    wide = false;
    let C: u64 = 0, D: u64 = 0, sLo: u64 = 0, sHi: u64 = 0;
    const end = load<u32>(starts + (<usize>(u + 1) << 2));
    for (let i = load<u32>(starts + (<usize>u << 2)); i < end; i++) {
      const e = entries + <usize>i * AAVE_ENTRY_BYTES;
      const k = load<u32>(e, 0);
      const r = reserves + <usize>k * AAVE_RESERVE_BYTES;
      const inMode = k < 64 ? ((maskLo >> <u64>k) & 1) != 0 : ((maskHi >> <u64>(k - 64)) & 1) != 0;
      // v3.0's e-mode price (modePrice 0 on 3.3 and where the category has no price source).
      const price = inMode && modePrice != 0 ? modePrice : load<u64>(r, 0);
      const decimals = load<u32>(r, 8);
      const lt = <u64>load<u32>(r, 12);
      const aLo = load<u64>(e, 8), aHi = load<u64>(e, 16);
      if (lt != 0 && load<u32>(e, 4) != 0 && (aLo | aHi) != 0) {
        rayMul(aLo, aHi, load<u64>(r, 24), load<u64>(r, 32));
        const c = baseValue(rLo, rHi, price, decimals);
        const nc = C + c;
        if (nc < c) wide = true;
        C = nc;
        const weight = inMode ? modeLT : lt;
        const p = umul128(c, weight);
        const ph = mulHi;
        sLo += p;
        sHi += ph + u64(sLo < p);
      }
      if (owesDebt(e)) {
        debtBalance(e, r);
        const d = baseValue(rLo, rHi, price, decimals);
        const nd = D + d;
        if (nd < d) wide = true;
        D = nd;
      }
    }
    const out = results + <usize>u * AAVE_RESULT_BYTES;
    if (wide) {
      store<u32>(out, STATUS_OVERFLOW, 0);
      continue;
    }
    let avgLT: u64 = 0;
    if (C != 0) avgLT = udiv128(sHi, sLo, C);
    // X = percentMul(C, avgLT) = floor((C avgLT + 5000) / 10^4)
    let xLo = umul128(C, avgLT);
    let xHi = mulHi;
    xLo += 5000;
    xHi += u64(xLo < 5000);
    if (xHi >= 10000) {
      store<u32>(out, STATUS_OVERFLOW, 0);
      continue;
    }
    const X = udiv128(xHi, xLo, 10000);
    store<u32>(out, <u32>avgLT, 4);
    store<u64>(out, C, 8);
    store<u64>(out, D, 16);
    store<u64>(out, X, 40);
    if (D == 0) {
      store<u64>(out, u64.MAX_VALUE, 24);
      store<u64>(out, u64.MAX_VALUE, 32);
      store<u32>(out, STATUS_OK, 0);
      continue;
    }
    // HF = floor((X 10^18 + floor(D / 2)) / D)
    let nLo = umul128(X, E18);
    let nHi = mulHi;
    const half = D >> 1;
    nLo += half;
    nHi += u64(nLo < half);
    const qHi = nHi / D;
    const qLo = udiv128(nHi % D, nLo, D);
    store<u64>(out, qLo, 24);
    store<u64>(out, qHi, 32);
    // The trigger, from the header's derivation: HF < 10^18 <=> X < D - floor(D / (2 10^18)).
    const liquidatable = X < D - D / TWO_E18;
    store<u32>(out, liquidatable ? STATUS_LIQUIDATABLE : STATUS_OK, 0);
    if (liquidatable) flagged++;
  }
  return flagged;
}

// ---- liquidation prices ----
//
// aaveV3_liquidationPrice is reference/venues/aave-v3.ts liquidationPrice in the core: the same
// bisection over [1, 2^64 - 1] (the same midpoints, floor((lo + hi) / 2) = lo + floor((hi - lo) / 2),
// so the same answer where the trigger changes more than once: the truncated average threshold
// makes it non-monotone by a unit here and there), each probe the trigger at the user's other
// reserves' prices held. The balances are index products taken once per call; a probe is two
// values at the probed price and the trigger of the header, in 128-bit words:
//   c = floor(a p / 10^dec), d = floor(b p / 10^dec)        (a, b < 2^128, p < 2^64: three words)
//   C = C0 + c, S = S0 + c w, D = D0 + d                    (C0, S0, D0: the other reserves', fixed)
//   avgLT = floor(S / C),  X = floor((C avgLT + 5000) / 10^4),  liquidatable iff D > 0 and
//   X < D - floor(D / (2 10^18))
// The probes of the first steps are far above any real price, where these pass 128 bits: a value,
// a sum, or C of 2^111 or more (so that S < 2^111 2^16 < 2^128 and C avgLT + 5000 cannot wrap) is
// reported (PRICE_WIDE) and the wrapper asks the reference for that pair. avgLT < 2^16 is the one
// quotient of two 128-bit words: an estimate from the top 64 bits of S and C, at most one too high
// (proof where it is taken), corrected by one step.

const PRICE_NONE: u32 = 0, PRICE_FOUND: u32 = 1, PRICE_WIDE: u32 = 2;
const TWO111_HI: u64 = <u64>1 << 47;

// The pair under search: the other reserves' sums and the searched reserve's balances.
let c0Lo: u64 = 0, c0Hi: u64 = 0, s0Lo: u64 = 0, s0Hi: u64 = 0, d0Lo: u64 = 0, d0Hi: u64 = 0;
let kaLo: u64 = 0, kaHi: u64 = 0, kbLo: u64 = 0, kbHi: u64 = 0, kWeight: u64 = 0;
let kDecimals: u32 = 0, kCollateral = false, kDebt = false;

/** floor((hi:lo) * price / 10^decimals) into (rHi:rLo); sets `wide` when it leaves 128 bits. */
function baseValue128(lo: u64, hi: u64, price: u64, decimals: u32): void {
  scaledValue(lo, hi, price, decimals);
  if (w2 != 0) wide = true;
  rLo = w0; rHi = w1;
}

/** (hi:lo) < (bhi:blo) */
// @ts-ignore: decorator
@inline function lt128(lo: u64, hi: u64, blo: u64, bhi: u64): bool { return hi < bhi || (hi == bhi && lo < blo); }

/** The trigger at price p of the searched reserve; sets `wide` where the words above do not hold it. */
function liquidatableAt(p: u64): bool {
  let cLo: u64 = 0, cHi: u64 = 0, dLo: u64 = 0, dHi: u64 = 0;
  if (kCollateral) { baseValue128(kaLo, kaHi, p, kDecimals); cLo = rLo; cHi = rHi; }
  if (kDebt) { baseValue128(kbLo, kbHi, p, kDecimals); dLo = rLo; dHi = rHi; }
  // C0 < 2^111 (checked as it was summed), so with c < 2^111 the sum cannot wrap
  if (cHi >= TWO111_HI) wide = true;
  const CLo = c0Lo + cLo; const CHi = c0Hi + cHi + u64(CLo < cLo);
  if (CHi >= TWO111_HI) wide = true;
  const DLo = d0Lo + dLo; const dt = d0Hi + dHi; const DHi = dt + u64(DLo < dLo);
  if (dt < d0Hi || DHi < dt) wide = true; // D reached 2^128
  if (wide) return false;
  if ((DLo | DHi) == 0) return false;
  // S = S0 + c w: c < 2^111 and w < 2^16, so c w < 2^127 and the sum < 2^128 (S0 <= C0 2^16 < 2^127).
  const pLo = umul128(cLo, kWeight); const pHi = cHi * kWeight + mulHi;
  const SLo = s0Lo + pLo; const SHi = s0Hi + pHi + u64(SLo < pLo);
  // avgLT = floor(S / C) < 2^16
  let q: u64 = 0;
  if (CHi == 0) {
    if (CLo != 0) q = udiv128(SHi, SLo, CLo); // S < 2^16 C: SHi < C
  } else {
    const sh = 64 - clz(CHi); // 1..47: C >> sh fits 64 bits with its top bit set
    const cTop = (CLo >> sh) | (CHi << (64 - sh));
    const sTopHi = SHi >> sh, sTopLo = (SLo >> sh) | (SHi << (64 - sh));
    // With C' = floor(C / 2^sh) >= 2^63 and S' = floor(S / 2^sh), the estimate e = floor(S' / C')
    // is floor(S / C) or one more: S >= n C implies S' >= floor(n C / 2^sh) >= n C' (so e is not
    // below), and S' / C' <= S / (C - 2^sh) <= (S / C)(1 + 2^-62) < S / C + 2^-46 (so not two above).
    q = udiv128(sTopHi, sTopLo, cTop); // S < 2^127: sTopHi < 2^(63 - sh) < 2^63 <= cTop
    const mLo = umul128(CLo, q); const mHi = CHi * q + mulHi;
    if (lt128(SLo, SHi, mLo, mHi)) q--;
  }
  // X = floor((C q + 5000) / 10^4): C q <= S < 2^127
  let xLo = umul128(CLo, q); let xHi = CHi * q + mulHi;
  xLo += 5000; xHi += u64(xLo < 5000);
  const XHi = xHi / 10000;
  const XLo = udiv128(xHi % 10000, xLo, 10000);
  // floor(D / (2 10^18)), then D minus it (no wrap: it is at most D)
  const fHi = DHi / TWO_E18;
  const fLo = udiv128(DHi % TWO_E18, DLo, TWO_E18);
  const tLo = DLo - fLo; const tHi = DHi - fHi - u64(DLo < fLo);
  return lt128(XLo, XHi, tLo, tHi);
}

/**
 * The liquidation price of reserve `k` for user `u` (reference liquidationPrice): PRICE_FOUND with
 * the price at `out`, PRICE_NONE where the user holds no such reserve, holds it neither as a
 * collateral nor as a debt, or no price changes the trigger (the reference's null), PRICE_WIDE
 * where a probe leaves the words above (the wrapper asks the reference).
 */
export function aaveV3_liquidationPrice(reserves: usize, modes: usize, starts: usize, eModes: usize, entries: usize, u: u32, k: u32, out: usize): u32 {
  const mode = modes + <usize>load<u8>(eModes + <usize>u) * AAVE_MODE_BYTES;
  const modeLT = <u64>load<u32>(mode, 0);
  const modePrice = load<u64>(mode, 8);
  const maskLo = load<u64>(mode, 16), maskHi = load<u64>(mode, 24);
  wide = false;
  c0Lo = 0; c0Hi = 0; s0Lo = 0; s0Hi = 0; d0Lo = 0; d0Hi = 0;
  let found = false, fixedPrice = false;
  kCollateral = false; kDebt = false;
  const end = load<u32>(starts + (<usize>(u + 1) << 2));
  for (let i = load<u32>(starts + (<usize>u << 2)); i < end; i++) {
    const e = entries + <usize>i * AAVE_ENTRY_BYTES;
    const reserve = load<u32>(e, 0);
    const r = reserves + <usize>reserve * AAVE_RESERVE_BYTES;
    const inMode = reserve < 64 ? ((maskLo >> <u64>reserve) & 1) != 0 : ((maskHi >> <u64>(reserve - 64)) & 1) != 0;
    const overridden = inMode && modePrice != 0;
    const price = overridden ? modePrice : load<u64>(r, 0);
    const decimals = load<u32>(r, 8);
    const lt = <u64>load<u32>(r, 12);
    const aLo = load<u64>(e, 8), aHi = load<u64>(e, 16);
    const counts = lt != 0 && load<u32>(e, 4) != 0 && (aLo | aHi) != 0;
    const owes = owesDebt(e);
    // the balances, as the scan takes them
    let supLo: u64 = 0, supHi: u64 = 0, debLo: u64 = 0, debHi: u64 = 0;
    if (counts) { rayMul(aLo, aHi, load<u64>(r, 24), load<u64>(r, 32)); supLo = rLo; supHi = rHi; }
    if (owes) { debtBalance(e, r); debLo = rLo; debHi = rHi; }
    if (reserve == k) {
      found = true;
      fixedPrice = overridden; // v3.0's e-mode price source: the oracle's price of k is not read
      kCollateral = counts; kDebt = owes;
      kaLo = supLo; kaHi = supHi; kbLo = debLo; kbHi = debHi;
      kWeight = inMode ? modeLT : lt;
      kDecimals = decimals;
      continue;
    }
    // a reserve whose value does not move with the searched price
    if (counts) {
      baseValue128(supLo, supHi, price, decimals);
      if (rHi >= TWO111_HI) wide = true; // then C0 + c below cannot wrap: both high words < 2^47
      const w = inMode ? modeLT : lt;
      const lo = c0Lo + rLo; c0Hi += rHi + u64(lo < rLo); c0Lo = lo;
      if (c0Hi >= TWO111_HI) wide = true;
      const pLo = umul128(rLo, w); const pHi = rHi * w + mulHi;
      const sl = s0Lo + pLo; s0Hi += pHi + u64(sl < pLo); s0Lo = sl;
    }
    if (owes) {
      baseValue128(debLo, debHi, price, decimals);
      const lo = d0Lo + rLo; const t = d0Hi + rHi; const hi = t + u64(lo < rLo);
      if (t < d0Hi || hi < t) wide = true; // D0 reached 2^128
      d0Lo = lo; d0Hi = hi;
    }
  }
  // No such reserve, neither a collateral nor a debt, or a price the pool does not read: no price
  // of it changes the trigger (the reference's null).
  if (!found || (!kCollateral && !kDebt) || fixedPrice) return PRICE_NONE;
  if (wide) return PRICE_WIDE;
  const tLo = liquidatableAt(1);
  const tHi = liquidatableAt(u64.MAX_VALUE);
  if (wide) return PRICE_WIDE;
  if (tLo == tHi) return PRICE_NONE;
  let lo: u64 = 1, hi: u64 = u64.MAX_VALUE;
  while (hi - lo > 1) {
    const mid = lo + ((hi - lo) >> 1);
    const t = liquidatableAt(mid);
    if (wide) return PRICE_WIDE;
    if (t == tLo) lo = mid;
    else hi = mid;
  }
  store<u64>(out, hi);
  return PRICE_FOUND;
}

export function aaveV3_layoutVersion(): i32 { return AAVE_LAYOUT_VERSION; }
