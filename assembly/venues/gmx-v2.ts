// GMX v2 synthetics (docs/venues/gmx-v2.md; reference/venues/gmx-v2.ts states the same rules in
// BigInt and names the contract function each follows). One account is one isolated position: its
// size is sizeInTokens, its sizeInUsd and the given price impact GMX's own USD amounts at 10^-30
// (the region DESC_GMX_WIDE; the entry slot and the quote collateral hold their floors in quote
// units for the generic machinery), its one balance the collateral token net of the close's costs;
// the market's mark is the index min price, the max the mark plus the spread.
//
// Exactness. The trigger (PositionUtils.isPositionLiquidatable) is decided at GMX's own
// FLOAT_PRECISION, 10^30 per USD, in 128-bit integers, with no rounding of its own:
//   collateral  C = b * c * 10^(30 - tdc - pc)         (b the region's exact balance at 10^-tdc, below
//                                                       2^127, c the asset's price < 2^63: formed like V)
//   value       V = |T| * x * 10^(30 - td - pd)         (T the region's sizeInTokens at 10^-td, below
//                                                       2^127; x the min or max index price < 2^63:
//                                                       |T| * x is formed in full, 190 bits at most,
//                                                       and checked below 2^128, then V below 2^125)
//   size        E = sizeInUsd                          (the region's i128, at 10^-30)
//   impact      I = clamp(Q, -applyFactor(E, Fi), 0)    (Q the region's impact, Fi the factor in 10^-9)
//   thresholds  MIN_COLLATERAL_USD (the market's u128) and applyFactor(E, Fm)
// where applyFactor(A, F * 10^21) = floor(A * F / 10^9) = (A div 10^9) * F + floor((A mod 10^9) * F
// / 10^9) exactly (applyFactor9; F <= 10^9, so the result is at most A). Every stored amount of
// the account's and MIN_COLLATERAL_USD is its exact value below 2^125 or saturated at 2^126 (book/gmx-wide.ts: an amount at or past 2^125
// is an overflow in the reference too), so no stored amount has wrapped. Each of C, V, E, |Q|,
// MIN_COLLATERAL_USD is checked below 2^125 before it is used (else the account is an overflow,
// as the reference's GMX_LIMIT says), so pnl = +-(V - E) and R = C + pnl + I stay below 3 * 2^125
// < 2^127 in magnitude: the signed 128-bit sums cannot wrap, and R < threshold is the contract's
// comparison on the same integers.
//
// The pool path (getPositionPnlUsd's cap, for a positive pnl) is 256-bit, exact, and never an
// overflow: the book keeps each side's open interest O and pool worth P below 2^192
// (book/gmx-validate.ts GMX_MARKET_LIMIT: about $6.3 * 10^27, refused past it naming the market
// and field), and the record holds O and getCappedPnl's bound B = applyFactor(P, maxPnlFactor) <= P
// as exact u192 (the wrapper derives B in BigInt). The side's value W = n * x * 10^k (n its open
// interest in tokens at 10^-td, u128 in the record, k = 30 - td - pd >= 0, x the maximising price <
// 2^63; layout 11) is below 2^255: the book keeps n * 10^k below 2^192 (book/gmx-validate.ts
// GMX_TOKENS_LIMIT, refused past it naming the market and field), and x < 2^63. n * x is formed in
// three words (below 2^191), then times 10^k in 19-digit steps, each product below 2^255 (the final
// one is W; the earlier ones are smaller), so the pool pnl +-(W - O) is a two's complement 256-bit
// difference that cannot wrap (|.| < 2^255, as the contracts' int256 holds it too). Where it is positive and above B > 0 (the cap
// binds: cappedPoolPnl != poolPnl, both positive), the capped pnl is floor(pnl * B / pool):
// pnl < 2^126 (V, E < 2^125) and B < 2^192 make a product n below 2^318, held in five words,
// divided bit by bit by pool (< 2^255, so the remainder, below pool, shifted left stays below
// 2^256: four words). The quotient is below pnl < 2^j (j the pnl's bit length), so only its j low bits are
// formed: the division starts from r = floor(n / 2^j) <= B * pnl / 2^j < B < pool, a valid
// remainder, and runs j steps (about 120 for a pnl of $10^5 to $10^7; 128 bits hold the quotient). That is Precision.mulDiv's truncation, and a capped
// pnl is in [0, pnl], so R stays within the signed 128-bit bound above.
// The close-out's fee amount is roundUpDivision(applyFactor(E, Fl), c * 10^(30 - dc - pc)), its receiver share
// floor(amount * Fr / 10^9) = applyFactor(amount, Fr * 10^21). Reported amounts are truncated to
// quote units (10^-6 USD), the pool's shortfall rounded up, as the reference does.
//
// Record fields (layout.ts): the spread, tokenDecimals and open interest in tokens (u128) in the
// market's impact fields and spares, the factors (10^-9) in its u32 spares and the tier's padding, the USD amounts in the
// market's block at the end (MIN_COLLATERAL_USD u128, each side's O and B u192).

import {
  ASSET_BYTES, DESC_ASSET_TABLE, DESC_BALANCE_AMOUNT, DESC_BALANCE_ASSET, DESC_BALANCE_START, DESC_QUOTE_COLLATERAL,
  ENTRY_ACCOUNT, ENTRY_BAD_DEBT, ENTRY_BYTES, ENTRY_EQUITY, ENTRY_MAINTENANCE, ENTRY_NOTIONAL, ENTRY_PENALTY,
  ENTRY_RETURNED, ENTRY_REWARD, ENTRY_STATUS, MARKET_GMX_LIQ_FEE, MARKET_GMX_LONG_OI, MARKET_GMX_LONG_OI_TOKENS,
  MARKET_GMX_LONG_MAX_PNL, MARKET_GMX_MIN_CF, MARKET_GMX_MIN_USD, MARKET_GMX_SHORT_OI,
  MARKET_GMX_SHORT_OI_TOKENS, MARKET_GMX_SHORT_MAX_PNL, MARKET_GMX_TOKEN_DECIMALS, MARKET_GMX_SPREAD, MARKET_MARK, DESC_GMX_WIDE,
  MARKET_PRICE_DECIMALS, MARKET_SIZE_DECIMALS, MARKET_TIER_START, STATUS_LIQUIDATABLE, STATUS_OK, STATUS_OVERFLOW,
  TIER_GMX_MAX_IMPACT, TIER_GMX_RECEIVER, ASSET_GMX_TOKEN_SHIFT, ASSET_PRICE, ASSET_DIVISOR, ASSET_MULTIPLIER, DESC_STATUS, STATUS_DIRTY,
} from "../layout";
import { add128, ceilDivI128, floorDivI128, hi128, mulU128U64, neg128, overflow128, rem64, sub128, udivU128 } from "../i128";
import { marketAt, tierAt } from "../market";
import { ModelBalances, valueCollateralFor } from "../assets";
import { mulHi, umul128 } from "../wide";

const E12: u64 = 1_000_000_000_000;
const LIMIT_HI: u64 = <u64>1 << 61; // a magnitude (hi:lo) is below 2^125 iff hi < 2^61
const FACTOR: u64 = 1_000_000_000; // the factors' unit, 10^-9

/** The descriptor of the book being evaluated (its balances and quote collateral); set by the entry points. */
let gmxDesc: usize = 0;
/** Whether an account that is not liquidatable still gets its equity and maintenance (evaluateAccount: yes; a scan keeps only flagged entries). */
let reportAll: bool = true;
export function setGmxDescriptor(desc: usize, report: bool): void { gmxDesc = desc; reportAll = report; }

// ---- magnitudes below 2^125 ---------------------------------------------------------------------

let bad: bool = false; // a magnitude passed 2^125 (the account is an overflow)

// 10^0 .. 10^19.
const POW10: StaticArray<u64> = [
  1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
  100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
  10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
];

/** (hi:lo) * 10^k for 0 <= k <= 30, the high word in hi128; sets `bad` past 2^125. */
function timesPow10(lo: u64, hi: u64, k: i32): u64 {
  if (k > 19) {
    lo = mulU128U64(lo, hi, POW10[19]);
    hi = hi128;
    if (overflow128) { bad = true; hi128 = 0; return 0; }
    k -= 19;
  }
  if (k > 0) {
    lo = mulU128U64(lo, hi, unchecked(POW10[k]));
    hi = hi128;
    if (overflow128) { bad = true; hi128 = 0; return 0; }
  }
  if (hi >= LIMIT_HI) bad = true;
  hi128 = hi;
  return lo;
}

/** (ahi:alo) * (bhi:blo) for a product below 2^128 (the caller's bounds make it so), the high word in hi128. */
// @ts-ignore: decorator
@inline function mul128(alo: u64, ahi: u64, blo: u64, bhi: u64): u64 {
  const lo = umul128(alo, blo);
  hi128 = mulHi + alo * bhi + ahi * blo;
  return lo;
}

/** ceil((nhi:nlo) / (dhi:dlo)) for n below 2^126 and d > 0, the high word in hi128. */
function ceilDiv128(nlo: u64, nhi: u64, dlo: u64, dhi: u64): u64 {
  if (dhi == 0) {
    let q = udivU128(nlo, nhi, dlo);
    let qh = hi128;
    if (rem64 != 0) { q += 1; qh += u64(q == 0); }
    hi128 = qh;
    return q;
  }
  let q = mulDiv128(nlo, nhi, 1, 0, dlo, dhi);
  let qh = hi128;
  if (remainderNonZero) { q += 1; qh += u64(q == 0); }
  hi128 = qh;
  return q;
}

/** floor((ahi:alo) * f / 10^9) for f <= 10^9: (a div 10^9) * f + floor((a mod 10^9) * f / 10^9), exact. */
function applyFactor9(alo: u64, ahi: u64, f: u64): u64 {
  const q = udivU128(alo, ahi, FACTOR);
  const qh = hi128;
  const r = rem64;
  const lo = mulU128U64(q, qh, f);
  const hi = hi128;
  const part = (r * f) / FACTOR; // r, f < 2^30: the product fits
  const out = add128(lo, hi, part, 0);
  return out; // hi128 set by add128
}

/** a * b * 10^k as a magnitude below 2^125 (else `bad`). */
// @ts-ignore: decorator
@inline function product(a: u64, b: u64, k: i32): u64 {
  const lo = umul128(a, b);
  return timesPow10(lo, mulHi, k);
}

/** |T| * x * 10^k for the exact token amount |T| (128 bits) and a price x, as a magnitude below 2^125 (else `bad`). */
function tokenProduct(tLo: u64, tHi: u64, x: u64, k: i32): u64 {
  const lo = mulU128U64(tLo, tHi, x);
  const hi = hi128;
  if (overflow128) { bad = true; hi128 = 0; return 0; }
  return timesPow10(lo, hi, k);
}

/** A signed value (negative, magnitude) as two's complement 128 bits (the magnitude is below 2^125). */
// @ts-ignore: decorator
@inline function signed(negative: bool, lo: u64, hi: u64): u64 {
  if (!negative) { hi128 = hi; return lo; }
  return neg128(lo, hi);
}

/** Unsigned (ahi:alo) <= (bhi:blo). */
// @ts-ignore: decorator
@inline function ule(alo: u64, ahi: u64, blo: u64, bhi: u64): bool {
  return ahi == bhi ? alo <= blo : ahi < bhi;
}

/** Signed (ahi:alo) < (bhi:blo). */
// @ts-ignore: decorator
@inline function slt(alo: u64, ahi: u64, blo: u64, bhi: u64): bool {
  return ahi == bhi ? alo < blo : <i64>ahi < <i64>bhi;
}

// ---- (a * b) / d for 128-bit operands, by shift and subtract -------------------------------------

let remainderNonZero: bool = false;

/**
 * floor((ahi:alo) * (bhi:blo) / (dhi:dlo)) for a, b, d below 2^126 and d > 0, the quotient below
 * 2^128 (the caller's operands make it so), the high word in hi128; remainderNonZero says whether
 * the division was exact.
 */
function mulDiv128(alo: u64, ahi: u64, blo: u64, bhi: u64, dlo: u64, dhi: u64): u64 {
  // The 256-bit product p3:p2:p1:p0.
  const ll = umul128(alo, blo); const llh = mulHi;
  const lh = umul128(alo, bhi); const lhh = mulHi;
  const hl = umul128(ahi, blo); const hlh = mulHi;
  const hh = umul128(ahi, bhi); const hhh = mulHi;
  const p0 = ll;
  let p1 = llh + lh; let c1 = u64(p1 < lh);
  p1 += hl; c1 += u64(p1 < hl);
  let p2 = lhh + hlh; let c2 = u64(p2 < hlh);
  p2 += hh; c2 += u64(p2 < hh);
  p2 += c1; c2 += u64(p2 < c1);
  const p3 = hhh + c2;
  // Long division, one bit at a time; the remainder stays below d < 2^126, so shifting it left once fits.
  let rLo: u64 = 0, rHi: u64 = 0, qLo: u64 = 0, qHi: u64 = 0;
  for (let i = 255; i >= 0; i--) {
    const word = i >= 192 ? p3 : i >= 128 ? p2 : i >= 64 ? p1 : p0;
    const bit = (word >> <u64>(i & 63)) & 1;
    rHi = (rHi << 1) | (rLo >> 63);
    rLo = (rLo << 1) | bit;
    qHi = (qHi << 1) | (qLo >> 63);
    qLo <<= 1;
    if (ule(dlo, dhi, rLo, rHi)) {
      const l = sub128(rLo, rHi, dlo, dhi);
      rHi = hi128;
      rLo = l;
      qLo |= 1;
    }
  }
  remainderNonZero = rLo != 0 || rHi != 0;
  hi128 = qHi;
  return qLo;
}

/** decimals + priceDecimals - 6 of an asset, from its record's divisor 10^e (e >= 0) or multiplier 10^-e. */
function assetExponent(asset: usize): i32 {
  let d = load<u64>(asset, ASSET_DIVISOR);
  let sign = 1;
  if (d == 1) { d = load<u64>(asset, ASSET_MULTIPLIER); sign = -1; }
  let e = 0;
  while (e < 19 && unchecked(POW10[e]) != d) e++;
  return sign * e;
}

// ---- the trigger -------------------------------------------------------------------------------

// The last trigger's amounts (two's complement, lo/hi): R, the larger threshold, the collateral
// token's unit price, the value at the mark; and whether it is liquidatable.
let rLo: u64 = 0, rHi: u64 = 0, mLo: u64 = 0, mHi: u64 = 0;
let cLo: u64 = 0, cHi: u64 = 0;
let liquidatable: bool = false;

// ---- the pool path, 256-bit (header: O, B < 2^192, W < 2^226) -----------------------------------

// The side's pool pnl (getPnl, maximize), two's complement, little-endian words.
let x0: u64 = 0, x1: u64 = 0, x2: u64 = 0, x3: u64 = 0;

/** (x3:x2:x1:x0) *= m, for a product below 2^256 (W's bound makes it so). */
function mulSmall256(m: u64): void {
  let lo = umul128(x0, m);
  let carry = mulHi;
  x0 = lo;
  lo = umul128(x1, m);
  let c = mulHi;
  lo += carry; c += u64(lo < carry);
  x1 = lo; carry = c;
  lo = umul128(x2, m);
  c = mulHi;
  lo += carry; c += u64(lo < carry);
  x2 = lo; carry = c;
  x3 = x3 * m + carry;
}

/** x = (a3:a2:a1:a0) - (b3:b2:b1:b0), two's complement. */
function sub256(a0: u64, a1: u64, a2: u64, a3: u64, b0: u64, b1: u64, b2: u64, b3: u64): void {
  x0 = a0 - b0;
  let borrow = u64(a0 < b0);
  const t1 = a1 - b1;
  let b1o = u64(a1 < b1);
  x1 = t1 - borrow; b1o |= u64(t1 < borrow);
  const t2 = a2 - b2;
  let b2o = u64(a2 < b2);
  x2 = t2 - b1o; b2o |= u64(t2 < b1o);
  x3 = a3 - b3 - b2o;
}

/** The side's pool pnl into x: +-(n * x * 10^k - O), 0 when O or n is 0 (getPnl). */
function poolPnl(market: usize, long: bool, min: u64, max: u64, k: i32): void {
  const oiAt = market + <usize>(long ? MARKET_GMX_LONG_OI : MARKET_GMX_SHORT_OI);
  const o0 = load<u64>(oiAt), o1 = load<u64>(oiAt, 8), o2 = load<u64>(oiAt, 16);
  const tokensAt = market + <usize>(long ? MARKET_GMX_LONG_OI_TOKENS : MARKET_GMX_SHORT_OI_TOKENS);
  const n0 = load<u64>(tokensAt), n1 = load<u64>(tokensAt, 8);
  x0 = 0; x1 = 0; x2 = 0; x3 = 0;
  if ((o0 | o1 | o2) == 0 || (n0 | n1) == 0) return;
  // n * x (n below 2^128, x below 2^63: three words), then times 10^k.
  const price = long ? max : min;
  x0 = umul128(n0, price);
  const carry = mulHi;
  x1 = umul128(n1, price);
  x2 = mulHi;
  x1 += carry; x2 += u64(x1 < carry);
  for (let j = k; j > 0; j -= 19) mulSmall256(unchecked(POW10[j > 19 ? 19 : j]));
  if (long) sub256(x0, x1, x2, x3, o0, o1, o2, 0);
  else sub256(o0, o1, o2, 0, x0, x1, x2, x3);
}

/** The product's words (n0..n4, a sixth 0) for cappedPnl's division. */
const NW: StaticArray<u64> = [0, 0, 0, 0, 0, 0];

/** Word k of NW >> (64 * w + b) for b < 64 (words past the product are 0). */
// @ts-ignore: decorator
@inline function shiftedWord(k: i32, b: u64): u64 {
  const lo = k < 6 ? unchecked(NW[k]) : 0;
  const hi = k + 1 < 6 ? unchecked(NW[k + 1]) : 0;
  return b == 0 ? lo : (lo >> b) | (hi << (64 - b));
}

/**
 * floor((pHi:pLo) * (m2:m1:m0) / x) for x > (m2:m1:m0) > 0 and p below 2^126 (the header's
 * bounds): the quotient is below p, the high word in hi128.
 */
function cappedPnl(pLo: u64, pHi: u64, m0: u64, m1: u64, m2: u64): u64 {
  // The product n4:n3:n2:n1:n0 (below 2^318), row by row; each row's carries fit (a * b + c + d < 2^128).
  let a = umul128(pLo, m0);
  const n0 = a;
  let c = mulHi;
  a = umul128(pLo, m1); a += c; c = mulHi + u64(a < c);
  let n1 = a;
  a = umul128(pLo, m2); a += c; c = mulHi + u64(a < c);
  let n2 = a;
  let n3 = c;
  a = umul128(pHi, m0);
  let h = mulHi;
  let t = n1 + a; let cc = u64(t < a);
  n1 = t; c = h + cc;
  a = umul128(pHi, m1);
  h = mulHi;
  t = n2 + a; cc = u64(t < a);
  let t2 = t + c; cc += u64(t2 < c);
  n2 = t2; c = h + cc;
  a = umul128(pHi, m2);
  h = mulHi;
  t = n3 + a; cc = u64(t < a);
  t2 = t + c; cc += u64(t2 < c);
  n3 = t2;
  const n4 = h + cc;
  // Long division by x (= d), one quotient bit at a time. The quotient is below pnl < 2^j (j the
  // pnl's bit length), so it has j bits, and the division starts from r = floor(n / 2^j) < B < d.
  const d0 = x0, d1 = x1, d2 = x2, d3 = x3;
  const j = pHi != 0 ? 128 - <i32>clz(pHi) : 64 - <i32>clz(pLo);
  unchecked(NW[0] = n0); unchecked(NW[1] = n1); unchecked(NW[2] = n2); unchecked(NW[3] = n3); unchecked(NW[4] = n4);
  const w = j >> 6, b = <u64>(j & 63);
  let r0 = shiftedWord(w, b), r1 = shiftedWord(w + 1, b), r2 = shiftedWord(w + 2, b), r3 = shiftedWord(w + 3, b);
  let q0: u64 = 0, q1: u64 = 0;
  for (let i = j - 1; i >= 0; i--) {
    const word = unchecked(NW[i >> 6]);
    r3 = (r3 << 1) | (r2 >> 63);
    r2 = (r2 << 1) | (r1 >> 63);
    r1 = (r1 << 1) | (r0 >> 63);
    r0 = (r0 << 1) | ((word >> <u64>(i & 63)) & 1);
    q1 = (q1 << 1) | (q0 >> 63);
    q0 <<= 1;
    // r >= d, unsigned 256-bit.
    const ge = r3 != d3 ? r3 > d3 : r2 != d2 ? r2 > d2 : r1 != d1 ? r1 > d1 : r0 >= d0;
    if (ge) {
      const s0 = r0 - d0;
      let bw = u64(r0 < d0);
      const u1 = r1 - d1;
      let bw1 = u64(r1 < d1);
      const s1 = u1 - bw; bw1 |= u64(u1 < bw);
      const u2 = r2 - d2;
      let bw2 = u64(r2 < d2);
      const s2 = u2 - bw1; bw2 |= u64(u2 < bw1);
      r3 = r3 - d3 - bw2; r2 = s2; r1 = s1; r0 = s0;
      q0 |= 1;
    }
  }
  hi128 = q1;
  return q0;
}

/**
 * isPositionLiquidatable for the account's position: sets rLo/rHi, mLo/mHi, cLo/cHi and
 * `liquidatable`; false when an amount passes 2^125 (an overflow). (eLo, eHi) is sizeInUsd and
 * (qLo, qHi) the impact, at 10^-30.
 */
function trigger(market: usize, tier: usize, size: i64, tLo: u64, tHi: u64, eLo: u64, eHi: u64, qLo: u64, qHi: u64, bLo: u64, bHi: u64, asset: usize, mark: u64): bool {
  bad = false;
  const long = size > 0;
  const spread = load<u64>(market, MARKET_GMX_SPREAD);
  const max = mark + spread;
  if (max < mark || <i64>max < 0) return false; // the max price passes 63 bits: an overflow
  if (eHi >= LIMIT_HI) return false; // sizeInUsd at or past 2^125 (saturated, or negative: never in a valid book)
  const k = 30 - load<i32>(market, MARKET_GMX_TOKEN_DECIMALS) - load<i32>(market, MARKET_PRICE_DECIMALS);
  // V at the price that minimises the pnl: a long's min, a short's max.
  const vLo = tokenProduct(tLo, tHi, long ? mark : max, k);
  const vHi = hi128;
  // Collateral: b * c * 10^(30 - dc - pc), the asset's unit price c * 10^(...) kept for the fees.
  let colLo: u64 = 0, colHi: u64 = 0;
  cLo = 0; cHi = 0;
  if (asset != 0) {
    const price = <u64>load<i64>(asset, ASSET_PRICE);
    const kc = 24 - assetExponent(asset) - <i32>load<u32>(asset, ASSET_GMX_TOKEN_SHIFT);
    cLo = timesPow10(price, 0, kc);
    cHi = hi128;
    const negative = <i64>bHi < 0;
    let gLo = bLo, gHi = bHi;
    if (negative) { gLo = neg128(bLo, bHi); gHi = hi128; }
    const mag = tokenProduct(gLo, gHi, price, kc);
    colLo = signed(negative, mag, hi128);
    colHi = hi128;
  }
  // The impact: Q, 0 when not negative, no lower than -applyFactor(E, Fi).
  let iLo: u64 = 0, iHi: u64 = 0;
  if (<i64>qHi < 0) {
    let mag = neg128(qLo, qHi);
    let magHi = hi128;
    if (magHi >= LIMIT_HI) return false;
    const capLo = applyFactor9(eLo, eHi, <u64>load<u32>(tier, TIER_GMX_MAX_IMPACT));
    const capHi = hi128;
    if (ule(capLo, capHi, mag, magHi)) { mag = capLo; magHi = capHi; }
    iLo = neg128(mag, magHi);
    iHi = hi128;
  }
  // The thresholds: max(MIN_COLLATERAL_USD, applyFactor(E, Fm)), and remaining <= 0 is remaining < 1.
  const minLo = load<u64>(market, MARKET_GMX_MIN_USD);
  const minHi = load<u64>(market, MARKET_GMX_MIN_USD + 8);
  if (minHi >= LIMIT_HI) return false;
  const levLo = applyFactor9(eLo, eHi, <u64>load<u32>(market, MARKET_GMX_MIN_CF));
  const levHi = hi128;
  if (bad) return false;
  mLo = minLo; mHi = minHi;
  if (ule(mLo, mHi, levLo, levHi)) { mLo = levLo; mHi = levHi; }
  if (mHi == 0 && mLo == 0) mLo = 1;
  // R without the pnl, then the pnl: a long's V - E, a short's E - V.
  const baseLo = add128(colLo, colHi, iLo, iHi);
  const baseHi = hi128;
  const pLo = long ? sub128(vLo, vHi, eLo, eHi) : sub128(eLo, eHi, vLo, vHi);
  const pHi = hi128;
  rLo = add128(baseLo, baseHi, pLo, pHi);
  rHi = hi128;
  liquidatable = slt(rLo, rHi, mLo, mHi);
  // A positive pnl capped against the pool (getPositionPnlUsd), on the 256-bit pool path (header).
  if (<i64>pHi >= 0 && (pLo != 0 || pHi != 0)) {
    poolPnl(market, long, mark, max, k);
    if (<i64>x3 >= 0 && (x0 | x1 | x2 | x3) != 0) {
      // getCappedPnl: min(pool, B); applied when B < pool and B > 0 (cappedPoolPnl != poolPnl, both positive).
      const boundAt = market + <usize>(long ? MARKET_GMX_LONG_MAX_PNL : MARKET_GMX_SHORT_MAX_PNL);
      const m0 = load<u64>(boundAt), m1 = load<u64>(boundAt, 8), m2 = load<u64>(boundAt, 16);
      const binds = x3 != 0 || (x2 != m2 ? x2 > m2 : x1 != m1 ? x1 > m1 : x0 > m0);
      if (binds && (m0 | m1 | m2) != 0) {
        const cappedLo = cappedPnl(pLo, pHi, m0, m1, m2);
        const cappedHi = hi128;
        rLo = add128(baseLo, baseHi, cappedLo, cappedHi);
        rHi = hi128;
        liquidatable = slt(rLo, rHi, mLo, mHi);
      }
    }
  }
  return true;
}

// ---- the float pre-filter ----------------------------------------------------------------------
//
// An account is settled "ok" without the exact path when, in f64, R' - M > 2^-45 * S, where R' is
// R with a positive pnl counted as 0 (the pool's cap keeps a positive pnl >= 0), M the larger
// threshold (at least 1), S the sum of the terms' magnitudes, and every magnitude the exact path
// forms below 2^124 (so it forms none past 2^125: no overflow; the pool path forms none, header).
// Why that proves the exact R >= M: a 128-bit amount converts to
// f64 as hi * 2^64 + lo (three roundings, both parts of one sign: within 3 * 2^-53 relatively); a
// product of the book's integers and powers of ten takes at most three factors, each converted
// (relative error 2^-53; the powers of ten up to 10^22 exact, the larger ones rounded; V's
// sizeInTokens a 128-bit amount, three roundings, with x and 10^k exact or rounded once each), and
// two multiplications (V: 3 + 1 + 1 + 2 = 7 * 2^-53); applyFactor's A * F * 10^-9 takes A's three roundings, F exact, 10^-9 and two
// multiplications; so every term is within 7 * 2^-53 of its exact value relatively (applyFactor's
// floor only lowers the exact thresholds and the impact's cap, which moves R and M toward "ok": the
// float image errs the other way); the sums of at most four terms add 4 * 2^-53 * S; in all
// |R'_f - R'| + |M_f - M| < 11 * 2^-53 * S < 2^-49 * S, far inside the band, and R >= R' (the capped
// pnl is >= 0 when the pnl is positive). Every account the test does not settle takes the exact
// path, which alone decides liquidatable and overflow.

const F_POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30,
];
const F_LIMIT: f64 = 21267647932558653966460912964485513216.0; // 2^124
const F_BAND: f64 = 2.842170943040401e-14; // 2^-45
const F_2_64: f64 = 18446744073709551616.0;

/** A 128-bit amount >= 0 as f64 (three roundings, both parts >= 0). */
// @ts-ignore: decorator
@inline function f128(lo: u64, hi: u64): f64 {
  return <f64>hi * F_2_64 + <f64>lo;
}

function surelySafe(market: usize, tier: usize, size: i64, tLo: u64, tHi: u64, eLo: u64, eHi: u64, qLo: u64, qHi: u64, bLo: u64, bHi: u64, asset: usize, mark: u64): bool {
  const long = size > 0;
  const max = mark + load<u64>(market, MARKET_GMX_SPREAD);
  if (max < mark || <i64>max < 0) return false;
  const k = 30 - load<i32>(market, MARKET_GMX_TOKEN_DECIMALS) - load<i32>(market, MARKET_PRICE_DECIMALS);
  const tokens = f128(tLo, tHi);
  const pk = unchecked(F_POW10[k]);
  const v = tokens * <f64>(long ? mark : max) * pk;
  const sizeUsd = f128(eLo, eHi);
  let c: f64 = 0, unit: f64 = 0;
  if (asset != 0) {
    unit = <f64>load<i64>(asset, ASSET_PRICE) * unchecked(F_POW10[24 - assetExponent(asset) - <i32>load<u32>(asset, ASSET_GMX_TOKEN_SHIFT)]);
    // The exact balance as f64: its magnitude's two parts (three roundings), the sign applied.
    const negative = <i64>bHi < 0;
    let gLo = bLo, gHi = bHi;
    if (negative) { gLo = neg128(bLo, bHi); gHi = hi128; }
    const mag = f128(gLo, gHi);
    c = (negative ? -mag : mag) * unit;
  }
  let impact: f64 = 0, qMag: f64 = 0;
  if (<i64>qHi < 0) {
    const magLo = neg128(qLo, qHi);
    qMag = f128(magLo, hi128); // the magnitude's two parts are >= 0: no cancellation
    const cap = sizeUsd * <f64>load<u32>(tier, TIER_GMX_MAX_IMPACT) * 1e-9;
    impact = -(qMag < cap ? qMag : cap);
  }
  const minUsd = f128(load<u64>(market, MARKET_GMX_MIN_USD), load<u64>(market, MARKET_GMX_MIN_USD + 8));
  const lev = sizeUsd * <f64>load<u32>(market, MARKET_GMX_MIN_CF) * 1e-9;
  let m = minUsd > lev ? minUsd : lev;
  if (m < 1) m = 1;
  const pnl = long ? v - sizeUsd : sizeUsd - v;
  const cAbs = c < 0 ? -c : c;
  if (v >= F_LIMIT || sizeUsd >= F_LIMIT || sizeUsd < 0 || unit >= F_LIMIT || cAbs >= F_LIMIT || qMag >= F_LIMIT || minUsd >= F_LIMIT) return false;
  const sum = v + sizeUsd + cAbs + (impact < 0 ? -impact : 0) + m;
  const band = sum * F_BAND;
  const r = c + impact + (pnl < 0 ? pnl : 0);
  return r - m > band;
}

/** floor or ceil of a signed 128-bit amount at FLOAT_PRECISION to quote units (/ 10^24 as two / 10^12). */
function toQuote(lo: u64, hi: u64, up: bool): i64 {
  let q = up ? ceilDivI128(lo, hi, E12) : floorDivI128(lo, hi, E12);
  const h = hi128;
  q = up ? ceilDivI128(q, h, E12) : floorDivI128(q, h, E12);
  return <i64>q; // |amount| < 2^127 / 10^24 < 2^48: fits
}

/**
 * The account evaluated whole (assembly/account.ts defers to it): the trigger, then the full close
 * at its valuation (reference/venues/gmx-v2.ts gmxCloseOut).
 */
export function gmxEvaluate(a: u32, first: u32, end: u32, out: usize, marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize): u8 {
  memory.fill(out, 0, ENTRY_BYTES);
  store<u32>(out, a, ENTRY_ACCOUNT);
  const q = load<i64>((load<u32>(gmxDesc, DESC_QUOTE_COLLATERAL) as usize) + (<usize>a << 3));
  const size = first < end ? load<i64>(sizeCol + (<usize>first << 3)) : 0;
  if (size == 0) {
    store<i64>(out, q, ENTRY_EQUITY);
    store<u32>(out, STATUS_OK, ENTRY_STATUS);
    return STATUS_OK;
  }
  const market = marketAt(markets, load<u32>(marketCol + (<usize>first << 2)));
  const tier = tierAt(tiers, load<u32>(market, MARKET_TIER_START));
  // sizeInUsd and the impact at 10^-30, sizeInTokens and the balance at their tokens' units (the region: 64 bytes an account).
  const wide = (load<u32>(gmxDesc, DESC_GMX_WIDE) as usize) + (<usize>a << 6);
  const eLo = load<u64>(wide), eHi = load<u64>(wide, 8);
  const qLo = load<u64>(wide, 16), qHi = load<u64>(wide, 24);
  // |sizeInTokens| (signed in the region, its sign the size's; below 2^127 in magnitude, book/gmx-wide.ts).
  let tLo = load<u64>(wide, 32), tHi = load<u64>(wide, 40);
  if (<i64>tHi < 0) { tLo = neg128(tLo, tHi); tHi = hi128; }
  // The account's one balance (the collateral token), if any.
  const bStart = load<u32>(gmxDesc, DESC_BALANCE_START) as usize;
  const bFirst = load<u32>(bStart + (<usize>a << 2));
  const bEnd = load<u32>(bStart + (<usize>(a + 1) << 2));
  let asset: usize = 0, bLo: u64 = 0, bHi: u64 = 0;
  if (bFirst < bEnd) {
    asset = (load<u32>(gmxDesc, DESC_ASSET_TABLE) as usize) + <usize>load<u32>((load<u32>(gmxDesc, DESC_BALANCE_ASSET) as usize) + (<usize>bFirst << 2)) * ASSET_BYTES;
    // The exact amount in the region (words 6-7), not the 64-bit image.
    bLo = load<u64>(wide, 48); bHi = load<u64>(wide, 56);
  }
  const mark = <u64>load<i64>(market, MARKET_MARK);
  // A scan keeps no entry of an account that is not flagged: the float test may settle it.
  if (!reportAll && surelySafe(market, tier, size, tLo, tHi, eLo, eHi, qLo, qHi, bLo, bHi, asset, mark)) {
    store<u32>(out, STATUS_OK, ENTRY_STATUS);
    return STATUS_OK;
  }
  if (!trigger(market, tier, size, tLo, tHi, eLo, eHi, qLo, qHi, bLo, bHi, asset, mark)) {
    store<u32>(out, STATUS_OVERFLOW, ENTRY_STATUS);
    return STATUS_OVERFLOW;
  }
  store<i64>(out, toQuote(rLo, rHi, false), ENTRY_EQUITY);
  store<i64>(out, toQuote(mLo, mHi, true), ENTRY_MAINTENANCE);
  if (!liquidatable) {
    store<u32>(out, STATUS_OK, ENTRY_STATUS);
    return STATUS_OK;
  }
  // The notional at the mark, truncated to quote units: V(mark) / 10^24 (below 2^125 / 10^24).
  bad = false;
  const k = 30 - load<i32>(market, MARKET_GMX_TOKEN_DECIMALS) - load<i32>(market, MARKET_PRICE_DECIMALS);
  const nLo = tokenProduct(tLo, tHi, mark, k);
  const notional = toQuote(nLo, hi128, false);
  // getLiquidationFees: amount = roundUpDivision(applyFactor(E, Fl), c), its receiver share floor(amount * Fr / 10^9).
  let feeLo: u64 = 0, feeHi: u64 = 0, recvLo: u64 = 0, recvHi: u64 = 0;
  const fl = <u64>load<u32>(market, MARKET_GMX_LIQ_FEE);
  if (fl != 0 && (cLo != 0 || cHi != 0)) {
    const usdLo = applyFactor9(eLo, eHi, fl);
    const usdHi = hi128;
    const amountLo = ceilDiv128(usdLo, usdHi, cLo, cHi);
    const amountHi = hi128;
    // amount * c < feeUsd + c < 2^126, and the receiver's amount * c is at most that.
    feeLo = mul128(amountLo, amountHi, cLo, cHi);
    feeHi = hi128;
    const recvAmount = applyFactor9(amountLo, amountHi, <u64>load<u32>(tier, TIER_GMX_RECEIVER));
    const recvAmountHi = hi128;
    recvLo = mul128(recvAmount, recvAmountHi, cLo, cHi);
    recvHi = hi128;
  }
  if (!slt(rLo, rHi, feeLo, feeHi)) {
    const penalty = toQuote(feeLo, feeHi, false);
    const reward = toQuote(recvLo, recvHi, false);
    store<i64>(out, penalty, ENTRY_PENALTY);
    store<i64>(out, reward, ENTRY_REWARD);
    const leftLo = sub128(rLo, rHi, feeLo, feeHi);
    store<i64>(out, toQuote(leftLo, hi128, false), ENTRY_RETURNED);
  } else if (<i64>rHi < 0) {
    // What remains is negative: the pool's shortfall, rounded up.
    const mag = neg128(rLo, rHi);
    store<i64>(out, toQuote(mag, hi128, true), ENTRY_BAD_DEBT);
  } else {
    // Not enough to pay the fee whole: the fees are emptied, what was paid goes to the pool.
    store<i64>(out, toQuote(rLo, rHi, false), ENTRY_PENALTY);
  }
  store<u64>(out, <u64>notional, ENTRY_NOTIONAL);
  store<u32>(out, STATUS_LIQUIDATABLE, ENTRY_STATUS);
  return STATUS_LIQUIDATABLE;
}

export class GmxV2 {
  /** The account is the venue's own: assembly/account.ts calls this instead of its loop. */
  // @ts-ignore: decorator
  @inline own(a: u32, first: u32, end: u32, out: usize, marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize): u8 {
    return gmxEvaluate(a, first, end, out, marketCol, sizeCol, entryCol, markets, tiers);
  }
  // What the generic code still asks of a venue (the pre-filter is off, the loop is not run).
  // @ts-ignore: decorator
  @inline entry(entry: i64): i64 { return 0; }
  // @ts-ignore: decorator
  @inline notional(market: usize, absSize: u64, price: u64): u64 { return 0; }
  // @ts-ignore: decorator
  @inline addPnl(market: usize, size: i64, entry: i64, price: i64): void {}
  // @ts-ignore: decorator
  @inline triggered(equity: i64, maintenance: u64, anyOpen: bool): bool { return false; }
  // @ts-ignore: decorator
  @inline maintenance(market: usize, tiers: usize, notional: u64, absSize: u64): u64 { return 0; }
  // @ts-ignore: decorator
  @inline triggerSlack(): i64 { return 0; }
  /** No float image of the trigger at FLOAT_PRECISION: the exact path decides every account. */
  // @ts-ignore: decorator
  @inline prefilters(): bool { return false; }
  // @ts-ignore: decorator
  @inline writesNotional(): bool { return true; }
  // @ts-ignore: decorator
  @inline fee(market: usize, notional: u64): u64 { return 0; }
  // @ts-ignore: decorator
  @inline slippage(market: usize, notional: u64): u64 { return 0; }
  // @ts-ignore: decorator
  @inline closes(market: usize, absSize: u64, notional: u64): u64 { return notional; }
  // @ts-ignore: decorator
  @inline closeOut(a: u32, out: usize, equity: i64, maintenance: i64, fees: u64, slippage: u64, share: u64, partial: bool,
    first: u32, end: u32, marketCol: usize, sizeCol: usize, entryCol: usize, collateral: i64, markets: usize, tiers: usize): bool { return true; }
}

/**
 * The collateral value column as the model's (what reports show), and with `markDirty` (an asset's
 * price moved) every account of [from, to) that holds a balance marked: its trigger reads the price
 * at FLOAT_PRECISION, which moves where the model's value, in quote units, may not.
 */
export function gmxValueCollateral(desc: usize, from: u32, to: u32, markDirty: bool): u32 {
  const changed = valueCollateralFor<ModelBalances>(desc, from, to, markDirty);
  if (!markDirty) return changed;
  const starts = load<u32>(desc, DESC_BALANCE_START) as usize;
  const status = load<u32>(desc, DESC_STATUS) as usize;
  let marked: u32 = 0;
  for (let a = from; a < to; a++) {
    if (load<u32>(starts + (<usize>(a + 1) << 2)) == load<u32>(starts + (<usize>a << 2))) continue;
    store<u8>(status + <usize>a, load<u8>(status + <usize>a) | STATUS_DIRTY);
    marked++;
  }
  return marked > changed ? marked : changed;
}
