// GMX v2 synthetics (docs/venues/gmx-v2.md; reference/venues/gmx-v2.ts states the same rules in
// BigInt and names the contract function each follows). One account is one isolated position: its
// size is sizeInTokens, its entry slot sizeInUsd (quote units), its one balance the collateral
// token net of the close's costs, its quote collateral the given price impact; the market's mark is
// the index min price, the max the mark plus the spread.
//
// Exactness. The trigger (PositionUtils.isPositionLiquidatable) is decided at GMX's own
// FLOAT_PRECISION, 10^30 per USD, in 128-bit integers, with no rounding of its own:
//   collateral  C = b * c * 10^(30 - dc - pc)          (b the balance, c the asset's price, i64 each)
//   value       V = |s| * x * 10^(30 - sd - pd)         (x the min or max index price)
//   size        E = e * 10^24                           (e = sizeInUsd in quote units)
//   impact      I = clamp(q * 10^24, -e * Fi * 10^15, 0) (q the given impact, Fi the factor in 10^-9)
//   thresholds  MIN_COLLATERAL_USD * 10^24 and e * Fm * 10^15 = applyFactor(E, Fm * 10^21) exactly
// Each of C, V, E, q * 10^24 is formed as a magnitude and checked below 2^125 before it is used
// (else the account is an overflow, as the reference's GMX_LIMIT says), so pnl = +-(V - E) and
// R = C + pnl + I stay below 3 * 2^125 < 2^127 in magnitude: the signed 128-bit sums cannot wrap,
// and R < threshold is the contract's comparison on the same integers. The factors' products
// e * F * 10^15 are at most E (F <= 10^9). For a positive pnl the side's pool pnl is formed the same
// way (its open interest value and cost each below 2^125, else an overflow; the cap
// applyFactor(poolUsd, F) may be larger: then it does not bind), and the capped pnl
// is floor(pnl * capped / pool) by a 256-by-128-bit division: Precision.mulDiv's truncation.
// The close-out's fee amount is roundUpDivision(feeUsd, c * 10^(30 - dc - pc)), its receiver share
// floor(amount * Fr / 10^9) = applyFactor(amount, Fr * 10^21). Reported amounts are truncated to
// quote units (10^-6 USD), the pool's shortfall rounded up, as the reference does.
//
// Record fields (layout.ts): the spread, MIN_COLLATERAL_USD and the pools in the market's impact
// fields and spares, the factors (10^-9) in its u32 spares and the tier's padding.

import {
  ASSET_BYTES, DESC_ASSET_TABLE, DESC_BALANCE_AMOUNT, DESC_BALANCE_ASSET, DESC_BALANCE_START, DESC_QUOTE_COLLATERAL,
  ENTRY_ACCOUNT, ENTRY_BAD_DEBT, ENTRY_BYTES, ENTRY_EQUITY, ENTRY_MAINTENANCE, ENTRY_NOTIONAL, ENTRY_PENALTY,
  ENTRY_RETURNED, ENTRY_REWARD, ENTRY_STATUS, MARKET_GMX_LIQ_FEE, MARKET_GMX_LONG_OI, MARKET_GMX_LONG_OI_TOKENS,
  MARKET_GMX_LONG_PNL_FACTOR, MARKET_GMX_LONG_POOL, MARKET_GMX_MIN_CF, MARKET_GMX_MIN_USD, MARKET_GMX_SHORT_OI,
  MARKET_GMX_SHORT_OI_TOKENS, MARKET_GMX_SHORT_PNL_FACTOR, MARKET_GMX_SHORT_POOL, MARKET_GMX_SPREAD, MARKET_MARK,
  MARKET_PRICE_DECIMALS, MARKET_SIZE_DECIMALS, MARKET_TIER_START, STATUS_LIQUIDATABLE, STATUS_OK, STATUS_OVERFLOW,
  TIER_GMX_MAX_IMPACT, TIER_GMX_RECEIVER, ASSET_PRICE, ASSET_DIVISOR, ASSET_MULTIPLIER, DESC_STATUS, STATUS_DIRTY,
} from "../layout";
import { add128, ceilDivI128, floorDivI128, hi128, mulU128U64, neg128, overflow128, sub128 } from "../i128";
import { marketAt, tierAt } from "../market";
import { ModelBalances, valueCollateralFor } from "../assets";
import { mulHi, umul128 } from "../wide";

const E12: u64 = 1_000_000_000_000;
const E15: u64 = 1_000_000_000_000_000;
const LIMIT_HI: u64 = <u64>1 << 61; // a magnitude (hi:lo) is below 2^125 iff hi < 2^61
const FACTOR: u64 = 1_000_000_000; // the factors' unit, 10^-9
const NONE: i64 = -1;
const WIDE: i64 = -2;

/** The descriptor of the book being evaluated (its balances and quote collateral); set by the entry points. */
let gmxDesc: usize = 0;
export function setGmxDescriptor(desc: usize): void { gmxDesc = desc; }

// ---- magnitudes below 2^125 ---------------------------------------------------------------------

let bad: bool = false; // a magnitude passed 2^125 (the account is an overflow)

/** (hi:lo) * 10^k for k <= 30, the high word in hi128; sets `bad` past 2^125. */
function timesPow10(lo: u64, hi: u64, k: i32): u64 {
  while (k > 0) {
    const step = k > 19 ? 19 : k;
    let m: u64 = 1;
    for (let i = 0; i < step; i++) m *= 10;
    lo = mulU128U64(lo, hi, m);
    hi = hi128;
    if (overflow128) { bad = true; hi128 = 0; return 0; }
    k -= step;
  }
  if (hi >= LIMIT_HI) bad = true;
  hi128 = hi;
  return lo;
}

/** a * b * 10^k as a magnitude below 2^125 (else `bad`). */
// @ts-ignore: decorator
@inline function product(a: u64, b: u64, k: i32): u64 {
  const lo = umul128(a, b);
  return timesPow10(lo, mulHi, k);
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
  while (d >= 10) { d /= 10; e++; }
  return sign * e;
}

// ---- the trigger -------------------------------------------------------------------------------

// The last trigger's amounts (two's complement, lo/hi): R, the larger threshold, the collateral
// token's unit price, the value at the mark; and whether it is liquidatable.
let rLo: u64 = 0, rHi: u64 = 0, mLo: u64 = 0, mHi: u64 = 0;
let cLo: u64 = 0, cHi: u64 = 0;
let liquidatable: bool = false;

/** The side's pool pnl (getPnl, maximize) as two's complement into (poolLo, poolHi); `bad` past 2^125. */
let poolLo: u64 = 0, poolHi: u64 = 0;
function poolPnl(market: usize, long: bool, min: u64, max: u64, k: i32): void {
  const oi = load<u64>(market + <usize>(long ? MARKET_GMX_LONG_OI : MARKET_GMX_SHORT_OI));
  const tokens = load<u64>(market + <usize>(long ? MARKET_GMX_LONG_OI_TOKENS : MARKET_GMX_SHORT_OI_TOKENS));
  poolLo = 0; poolHi = 0;
  if (oi == 0 || tokens == 0) return;
  const vLo = product(tokens, long ? max : min, k);
  const vHi = hi128;
  const oLo = product(oi, E12, 12);
  const oHi = hi128;
  poolLo = long ? sub128(vLo, vHi, oLo, oHi) : sub128(oLo, oHi, vLo, vHi);
  poolHi = hi128;
}

/**
 * isPositionLiquidatable for the account's position: sets rLo/rHi, mLo/mHi, cLo/cHi and
 * `liquidatable`; false when an amount passes 2^125 (an overflow).
 */
function trigger(market: usize, tier: usize, size: i64, e: i64, q: i64, balance: i64, asset: usize, mark: u64): bool {
  bad = false;
  const long = size > 0;
  const tokens = <u64>(long ? size : -size);
  const spread = load<u64>(market, MARKET_GMX_SPREAD);
  const max = mark + spread;
  if (max < mark || <i64>max < 0) return false; // the max price passes 63 bits: an overflow
  const k = 30 - load<i32>(market, MARKET_SIZE_DECIMALS) - load<i32>(market, MARKET_PRICE_DECIMALS);
  // V at the price that minimises the pnl: a long's min, a short's max.
  const vLo = product(tokens, long ? mark : max, k);
  const vHi = hi128;
  const eu = <u64>e;
  const sLo = product(eu, E12, 12); // E = e * 10^24
  const sHi = hi128;
  // Collateral: b * c * 10^(30 - dc - pc), the asset's unit price c * 10^(...) kept for the fees.
  let colLo: u64 = 0, colHi: u64 = 0;
  cLo = 0; cHi = 0;
  if (asset != 0) {
    const price = <u64>load<i64>(asset, ASSET_PRICE);
    const kc = 24 - assetExponent(asset);
    cLo = timesPow10(price, 0, kc);
    cHi = hi128;
    const b = <u64>(balance < 0 ? -balance : balance);
    const mag = product(b, price, kc);
    colLo = signed(balance < 0, mag, hi128);
    colHi = hi128;
  }
  // The impact: q * 10^24, 0 when not negative, no lower than -e * Fi * 10^15.
  let iLo: u64 = 0, iHi: u64 = 0;
  if (q < 0) {
    let mag = product(<u64>(-q), E12, 12);
    let magHi = hi128;
    const fi = <u64>load<u32>(tier, TIER_GMX_MAX_IMPACT);
    const capLo = product(eu, fi, 15);
    const capHi = hi128;
    if (ule(capLo, capHi, mag, magHi)) { mag = capLo; magHi = capHi; }
    iLo = neg128(mag, magHi);
    iHi = hi128;
  }
  // The thresholds: max(MIN_COLLATERAL_USD, applyFactor(E, Fm)), and remaining <= 0 is remaining < 1.
  const minLo = product(load<u64>(market, MARKET_GMX_MIN_USD), E12, 12);
  const minHi = hi128;
  const levLo = product(eu, <u64>load<u32>(market, MARKET_GMX_MIN_CF), 15);
  const levHi = hi128;
  if (bad) return false;
  mLo = minLo; mHi = minHi;
  if (ule(mLo, mHi, levLo, levHi)) { mLo = levLo; mHi = levHi; }
  if (mHi == 0 && mLo == 0) mLo = 1;
  // R without the pnl, then the pnl: a long's V - E, a short's E - V.
  const baseLo = add128(colLo, colHi, iLo, iHi);
  const baseHi = hi128;
  const pLo = long ? sub128(vLo, vHi, sLo, sHi) : sub128(sLo, sHi, vLo, vHi);
  const pHi = hi128;
  rLo = add128(baseLo, baseHi, pLo, pHi);
  rHi = hi128;
  liquidatable = slt(rLo, rHi, mLo, mHi);
  // A positive pnl capped against the pool (getPositionPnlUsd): the pool's amounts below 2^125 too.
  if (<i64>pHi >= 0 && (pLo != 0 || pHi != 0)) {
    poolPnl(market, long, mark, max, k);
    if (bad) return false;
    if (<i64>poolHi > 0 || (poolHi == 0 && poolLo != 0)) {
      // getCappedPnl: min(pool, applyFactor(poolUsd, factor)); poolUsd * F * 10^15 may pass 2^125:
      // then it is above the pool pnl (below 2^125) and the cap does not bind.
      const poolUsd = load<u64>(market + <usize>(long ? MARKET_GMX_LONG_POOL : MARKET_GMX_SHORT_POOL));
      const f = <u64>load<u32>(market + <usize>(long ? MARKET_GMX_LONG_PNL_FACTOR : MARKET_GMX_SHORT_PNL_FACTOR));
      const maxLo = product(poolUsd, f, 15);
      const maxHi = hi128;
      const capBinds = !bad && !ule(poolLo, poolHi, maxLo, maxHi);
      bad = false;
      if (capBinds && (maxLo != 0 || maxHi != 0)) {
        const cappedLo = mulDiv128(pLo, pHi, maxLo, maxHi, poolLo, poolHi);
        const cappedHi = hi128;
        rLo = add128(baseLo, baseHi, cappedLo, cappedHi);
        rHi = hi128;
        liquidatable = slt(rLo, rHi, mLo, mHi);
      }
    }
  }
  return true;
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
  const e = load<i64>(entryCol + (<usize>first << 3));
  // The account's one balance (the collateral token), if any.
  const bStart = load<u32>(gmxDesc, DESC_BALANCE_START) as usize;
  const bFirst = load<u32>(bStart + (<usize>a << 2));
  const bEnd = load<u32>(bStart + (<usize>(a + 1) << 2));
  let asset: usize = 0, balance: i64 = 0;
  if (bFirst < bEnd) {
    asset = (load<u32>(gmxDesc, DESC_ASSET_TABLE) as usize) + <usize>load<u32>((load<u32>(gmxDesc, DESC_BALANCE_ASSET) as usize) + (<usize>bFirst << 2)) * ASSET_BYTES;
    balance = load<i64>((load<u32>(gmxDesc, DESC_BALANCE_AMOUNT) as usize) + (<usize>bFirst << 3));
  }
  const mark = <u64>load<i64>(market, MARKET_MARK);
  if (!trigger(market, tier, size, e, q, balance, asset, mark)) {
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
  const tokens = <u64>(size < 0 ? -size : size);
  bad = false;
  const k = 30 - load<i32>(market, MARKET_SIZE_DECIMALS) - load<i32>(market, MARKET_PRICE_DECIMALS);
  const nLo = product(tokens, mark, k);
  const notional = toQuote(nLo, hi128, false);
  // getLiquidationFees: amount = roundUpDivision(applyFactor(E, Fl), c), its receiver share floor(amount * Fr / 10^9).
  let feeLo: u64 = 0, feeHi: u64 = 0, recvLo: u64 = 0, recvHi: u64 = 0;
  const fl = <u64>load<u32>(market, MARKET_GMX_LIQ_FEE);
  if (fl != 0 && (cLo != 0 || cHi != 0)) {
    const usdLo = product(<u64>e, fl, 15);
    const usdHi = hi128;
    let amountLo = mulDiv128(usdLo, usdHi, 1, 0, cLo, cHi);
    let amountHi = hi128;
    if (remainderNonZero) { amountLo += 1; amountHi += u64(amountLo == 0); }
    // amount * c < feeUsd + c < 2^126: the product's quotient by 1 is the product itself.
    feeLo = mulDiv128(amountLo, amountHi, cLo, cHi, 1, 0);
    feeHi = hi128;
    const recvAmount = mulDiv128(amountLo, amountHi, <u64>load<u32>(tier, TIER_GMX_RECEIVER), 0, FACTOR, 0);
    const recvAmountHi = hi128;
    recvLo = mulDiv128(recvAmount, recvAmountHi, cLo, cHi, 1, 0);
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

/** Liquidation prices: every open position's slot is WIDE, priced by the wrapper with the reference (gmxLiquidationPrice). */
export function gmxLiquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void {
  const starts = load<u32>(desc, 16) as usize; // DESC_POSITION_START
  const ends = load<u32>(desc, 96) as usize; // DESC_POSITION_END
  const sizeCol = load<u32>(desc, 24) as usize; // DESC_POSITION_SIZE
  const out = outFirst - (<usize>load<u32>(starts + (<usize>from << 2)) << 3);
  for (let a: u32 = from; a < to; a++) {
    const first = load<u32>(starts + (<usize>a << 2));
    const end = load<u32>(ends + (<usize>a << 2));
    for (let p = first; p < end; p++) {
      store<i64>(out + (<usize>p << 3), load<i64>(sizeCol + (<usize>p << 3)) == 0 ? NONE : WIDE);
    }
  }
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
