// Drift protocol v2 (docs/venues/drift-v2.md; reference/venues/drift-v2.ts states the same rules in
// BigInt and names the program function each follows). Sizes are BASE_PRECISION (10^-9), prices
// PRICE_PRECISION (10^-6), so K = 10^9. A position is worth trunc(s * P / K) toward zero, its pnl
// is that plus its quote asset amount (the entry column), a positive pnl counts at the market's
// maintenance asset weight, and its requirement is trunc(n * mr / 10^4) with the margin ratio
// mr = max(base, base - base/5 + isqrt(10 |s| + 1) * imf / 10^7). Liquidatable when the total
// collateral is below the requirement. The close-out is the first liquidation slot's steps.
//
// Record fields (layout.ts): the maintenance ratio and imf factor in the tier's padding, the step,
// the pnl weight, the insurance fund's fee cap, the buffer and the initial share in the market's
// impact fields and spares.

import {
  ASSET_BYTES, ASSET_DIVISOR, ASSET_DRIFT_IMF, ASSET_LIABILITY_WEIGHT, ASSET_PRICE, ASSET_WEIGHT, DESC_ASSETS,
  DESC_ASSET_TABLE, DESC_BALANCE_AMOUNT, DESC_BALANCE_ASSET, DESC_BALANCE_START, DESC_QUOTE_COLLATERAL,
  ENTRY_BAD_DEBT, ENTRY_NOTIONAL, ENTRY_PENALTY, ENTRY_RETURNED,
  ENTRY_REWARD, ENTRY_STATUS, MARKET_DIVISOR, MARKET_DRIFT_BUFFER, MARKET_DRIFT_IF_FEE, MARKET_DRIFT_INITIAL_PCT,
  MARKET_DRIFT_PNL_WEIGHT, MARKET_DRIFT_STEP, MARKET_FEE_PPM, MARKET_MARK, MARKET_TIER_START, STATUS_LIQUIDATABLE,
  STATUS_OVERFLOW, TIER_DRIFT_IMF, TIER_DRIFT_RATIO, MARKET_F_MARK_K,
} from "../layout";
import { safeBy } from "../prefilter";
import { add128, hi128, mulU128U64, sub128, udivU128 } from "../i128";
import { marketAt, tierAt } from "../market";
import { TOO_WIDE } from "../position";
import { accAddMagnitude, divRem, mulHi, udiv128, umul128 } from "../wide";

const I64_MAX: u64 = <u64>i64.MAX_VALUE;
const U64_MAX: u64 = u64.MAX_VALUE;
const U32_MAX: u64 = 0xffffffff;
const MARGIN: u64 = 10_000; // MARGIN_PRECISION = SPOT_WEIGHT_PRECISION = LIQUIDATION_PCT_PRECISION
const FEE: u64 = 1_000_000; // LIQUIDATION_FEE_PRECISION
const BASE: u64 = 1_000_000_000; // BASE_PRECISION = PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO
const FIFTY: u64 = 50_000_000; // $50 in QUOTE_PRECISION

/** trunc(a * b / d), U64_MAX when the quotient passes 64 bits. */
function mulDiv(a: u64, b: u64, d: u64): u64 {
  const lo = umul128(a, b);
  const hi = mulHi;
  if (hi >= d) return U64_MAX;
  return udiv128(hi, lo, d);
}

/** trunc(|s| * P / 10^9) (calculate_base_asset_value_with_oracle_price), TOO_WIDE past 63 bits. */
// @ts-ignore: decorator
@inline function valueOf(market: usize, absSize: u64, price: u64): u64 {
  const q = mulDiv(absSize, price, load<u64>(market, MARKET_DIVISOR));
  return q > I64_MAX ? TOO_WIDE : q;
}

/** (x * x) > (hi:lo). */
// @ts-ignore: decorator
@inline function squareAbove(x: u64, hi: u64, lo: u64): bool {
  const l = umul128(x, x);
  const h = mulHi;
  return h > hi || (h == hi && l > lo);
}

/** isqrt(10 * size + 1) (calculate_size_premium_liability_weight's size_sqrt, nth_root(2)): below 2^34. */
// @ts-ignore: decorator
@inline function sizeSqrt(size: u64): u64 { return sizeSqrt128(size, 0); }

/** isqrt(10 * (sHi:sLo) + 1) for a size below 2^100 (a spot balance in 10^-9): below 2^51. */
function sizeSqrt128(sLo: u64, sHi: u64): u64 {
  const t = mulU128U64(sLo, sHi, 10);
  let hi = hi128;
  const lo = t + 1;
  if (lo == 0) hi += 1;
  let x = <u64>Math.sqrt(<f64>hi * 18446744073709551616.0 + <f64>lo);
  while (x > 0 && squareAbove(x, hi, lo)) x--;
  while (!squareAbove(x + 1, hi, lo)) x++;
  return x;
}

/** get_margin_ratio(size, Maintenance, false): max(base, base - base/5 + sqrt * imf / 10^7) (imf 0: base). */
// @ts-ignore: decorator
@inline function marginRatio(tier: usize, absSize: u64): u64 {
  const base = <u64>load<u32>(tier, TIER_DRIFT_RATIO);
  const imf = <u64>load<u32>(tier, TIER_DRIFT_IMF);
  if (imf == 0) return base;
  const premium = base - base / 5 + (sizeSqrt(absSize) * imf) / 10_000_000;
  return premium > base ? premium : base;
}

// The last pnlOf: its sign and magnitude (< 2^64), weighted and raw.
let pnlNegative: bool = false;
let pnlMagnitude: u64 = 0;
let rawMagnitude: u64 = 0;

/**
 * The position's pnl trunc(s * P / 10^9) + q (its value below 2^63: the scan checked it) as a sign
 * and a magnitude, and its weighted magnitude: a positive pnl times the weight / 10^4, truncated.
 */
function pnlOf(market: usize, size: i64, q: i64, price: i64): void {
  const absSize = <u64>(size < 0 ? -size : size);
  const n = size == 0 || price <= 0 ? 0 : valueOf(market, absSize, <u64>price);
  const aq: u64 = q < 0 ? <u64>0 - <u64>q : <u64>q;
  let negative: bool, magnitude: u64;
  if (size >= 0) {
    // n + q
    if (q >= 0) { negative = false; magnitude = n + aq; }
    else if (n >= aq) { negative = false; magnitude = n - aq; }
    else { negative = true; magnitude = aq - n; }
  } else {
    // q - n
    if (q <= 0) { negative = true; magnitude = n + aq; }
    else if (aq >= n) { negative = false; magnitude = aq - n; }
    else { negative = true; magnitude = n - aq; }
  }
  pnlNegative = negative;
  rawMagnitude = magnitude;
  const w = <u64>load<u32>(market, MARKET_DRIFT_PNL_WEIGHT);
  pnlMagnitude = !negative && w != MARGIN ? mulDiv(magnitude, w, MARGIN) : magnitude;
}

/** calculate_perp_if_fee(shortage, base, mrb, fee, price, 10^6, max): 95 % of the room the shortage leaves, capped. */
function ifFeeOf(tracked: u64, absSize: u64, mrb: u64, fee: u64, price: u64, maxFee: u64): u64 {
  const ratio = mrb * 100;
  if (price == 0 || ratio <= fee || absSize == 0) return 0;
  // (shortage * 10^9 / base * 10^6 / price), saturated at u32::MAX
  let lo = umul128(tracked, BASE);
  let hi = mulHi;
  lo = udivU128(lo, hi, absSize);
  hi = hi128;
  lo = mulU128U64(lo, hi, FEE); // < 2^113: no overflow
  hi = hi128;
  lo = udivU128(lo, hi, price);
  const used = hi128 != 0 || lo > U32_MAX ? U32_MAX : lo;
  const room = ratio - fee;
  const implied = ((room > used ? room - used : 0) * 19) / 20;
  return implied < maxFee ? implied : maxFee;
}

/** (nHi:nLo) / (dHi:dLo) for a divisor >= 2^64 (the quotient then fits 64 bits), by shift and subtract. */
function divWide(nLo: u64, nHi: u64, dLo: u64, dHi: u64): u64 {
  let q: u64 = 0;
  let rLo: u64 = 0, rHi: u64 = 0;
  for (let i = 127; i >= 0; i--) {
    rHi = (rHi << 1) | (rLo >> 63);
    rLo = (rLo << 1) | (i >= 64 ? (nHi >> <u64>(i - 64)) & 1 : (nLo >> <u64>i) & 1);
    if (rHi > dHi || (rHi == dHi && rLo >= dLo)) {
      const l = sub128(rLo, rHi, dLo, dHi);
      rHi = hi128;
      rLo = l;
      if (i < 64) q |= <u64>1 << <u64>i;
    }
  }
  return q;
}

/**
 * calculate_base_asset_amount_to_cover_margin_shortage(share, mrb, fee, if_fee, price, 10^6):
 * share * 10^9 / (price * (mrb * 100 - fee) / 10^6 - price * if_fee / 10^6); U64_MAX where the
 * program answers u64::MAX (price 0, ratio not above the fee) or would fail (divisor 0, quotient past u64).
 */
function coverOf(share: u64, mrb: u64, fee: u64, ifFee: u64, price: u64): u64 {
  const ratio = mrb * 100;
  if (price == 0 || ratio <= fee) return U64_MAX;
  // a = price * (ratio - fee) / 10^6 in 128 bits; c = price * ifFee / 10^6 < 2^63.
  let lo = umul128(price, ratio - fee);
  let hi = mulHi;
  const aLo = udivU128(lo, hi, FEE);
  const aHi = hi128;
  const c = mulDiv(price, ifFee, FEE);
  if (aHi == 0 && aLo <= c) return U64_MAX;
  const dLo = sub128(aLo, aHi, c, 0);
  const dHi = hi128;
  lo = umul128(share, BASE);
  hi = mulHi;
  if (dHi != 0) return divWide(lo, hi, dLo, dHi);
  const q = udivU128(lo, hi, dLo);
  return hi128 != 0 ? U64_MAX : q;
}

/** standardize_base_asset_amount_ceil, U64_MAX where the sum would pass 64 bits. */
// @ts-ignore: decorator
@inline function ceilStep(base: u64, step: u64): u64 {
  const r = base % step;
  if (r == 0) return base;
  const up = base + (step - r);
  return up < base ? U64_MAX : up;
}

export class DriftV2 {
  /** The entry column holds the quote asset amount, which addPnl reads as it is. */
  // @ts-ignore: decorator
  @inline entry(entry: i64): i64 { return entry; }
  // @ts-ignore: decorator
  @inline notional(market: usize, absSize: u64, price: u64): u64 { return valueOf(market, absSize, price); }
  /** equity += the position's weighted pnl. */
  // @ts-ignore: decorator
  @inline addPnl(market: usize, size: i64, entry: i64, price: i64): void {
    pnlOf(market, size, entry, price);
    accAddMagnitude(pnlNegative, pnlMagnitude, 0, 0);
  }
  /** meets_margin_requirement fails: total_collateral < margin_requirement. */
  // @ts-ignore: decorator
  @inline triggered(equity: i64, maintenance: u64, anyOpen: bool): bool { return equity < <i64>maintenance; }
  /** trunc(n * mr / 10^4), U64_MAX past 64 bits (an overflow). */
  // @ts-ignore: decorator
  @inline maintenance(market: usize, tiers: usize, notional: u64, absSize: u64): u64 {
    return mulDiv(notional, marginRatio(tierAt(tiers, load<u32>(market, MARKET_TIER_START)), absSize), MARGIN);
  }
  // @ts-ignore: decorator
  @inline triggerSlack(): i64 { return 0; }
  /** The model's float images bound neither the quote asset amounts nor the size premium: the scan takes `floatTerms` instead. */
  // @ts-ignore: decorator
  @inline prefilters(): bool { return false; }
  /** drift-v2's own float image of position p (driftTerms): its (margin, weight) terms for the pre-filter's test. */
  // @ts-ignore: decorator
  @inline floatTerms(p: u32, marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize): v128 {
    return driftTerms(p, marketCol, sizeCol, entryCol, markets, tiers);
  }
  // @ts-ignore: decorator
  @inline writesNotional(): bool { return true; }
  /** A bound on both fees, n * (liquidator fee + insurance fee cap) / 10^6: what the overflow check sums. */
  // @ts-ignore: decorator
  @inline fee(market: usize, notional: u64): u64 {
    return mulDiv(notional, load<u64>(market, MARKET_FEE_PPM) + <u64>load<u32>(market, MARKET_DRIFT_IF_FEE), FEE);
  }
  // @ts-ignore: decorator
  @inline slippage(market: usize, notional: u64): u64 { return 0; }
  // @ts-ignore: decorator
  @inline closes(market: usize, absSize: u64, notional: u64): u64 { return notional; }
  /**
   * The first liquidation slot (reference/venues/drift-v2.ts accountState and driftSteps): the
   * shortage with the buffer, then per position liquidate_perp against its share of it.
   */
  // @ts-ignore: decorator
  @inline closeOut(a: u32, out: usize, equity: i64, maintenance: i64, fees: u64, slippage: u64, share: u64, partial: bool,
    first: u32, end: u32, marketCol: usize, sizeCol: usize, entryCol: usize, collateral: i64, markets: usize, tiers: usize): bool {
    return driftCloseOut(a, out, equity, <u64>maintenance, first, end, marketCol, sizeCol, entryCol, collateral, markets, tiers);
  }
}

/**
 * The float pre-filter of a drift-v2 account (the scan's; prefilter.ts is the model's). Why it is
 * exact. With K = 10^9, mark P and quote asset amount q, the program computes per position
 *   v = trunc(s P / K), pnl = v + q, weighted = pnl < 0 ? pnl : trunc(pnl w / 10^4) (0 <= w <= 10^4),
 *   n = trunc(|s| P / K), mr = max(b, b - trunc(b/5) + trunc(isqrt(10|s| + 1) imf / 10^7)),
 *   requirement = trunc(n mr / 10^4),
 * and the account is liquidatable iff C + sum weighted < sum requirement (C the collateral value,
 * spot balances included). Take the real values x = s P / K + q, g(x) = min(x, x w / 10^4) (the
 * weighting: 1-Lipschitz and increasing), and mbar = max(b, b - b/5 + 1 + sqrt(10|s| + 1) imf / 10^7)
 * >= mr (trunc(b/5) > b/5 - 1, isqrt <= sqrt, trunc <= its argument). Then weighted >= g(x) - 2
 * (v and the weighting each truncate by less than 1) and requirement <= |s| P / K mbar / 10^4, so
 * the exact margin E = C + sum(weighted - requirement) is at least the real
 *   M = C + sum g(x) - |s| P / K mbar / 10^4,   minus 2 per position.
 * The float evaluation of M differs from it by a few roundings per term, each relative to
 * X = |s| P / K (1 + mbar / 10^4) + |q| (about 20 u in all, u = 2^-53), plus k u times the sum of
 * the magnitudes over the k positions: below 2^-26 W with W = |C| + sum X, as in prefilter.ts.
 * safeBy's band is 2^-24 W + k slack with slack >= 4 (prepareMarket's 4 + 2 rate), four times the
 * relative part and twice the absolute one: a margin above it proves E > 0. And W + slack < 2^62
 * bounds every exact amount of the account (v, q, n, pnl, requirement and their sums) below 2^62,
 * so the exact path could not report an overflow either: the account is certainly ok.
 * The scan adds the terms below to (C, |C|) (prefilter.ts accountSums, or position-major in
 * segmentedSums for a loaded book): the order of a float sum does not change its error bound.
 * The mark term is the market's scan line P (1/K) (scan.ts floatMarks: one rounding, as P / K was),
 * and min and max are f64x2.pmin and pmax (exact: no NaN here), which V8 compiles without a branch.
 */
// @ts-ignore: decorator
@inline function driftTerms(p: u32, marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize): v128 {
  const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
  const tier = tierAt(tiers, load<u32>(market, MARKET_TIER_START));
  const size = <f64>load<i64>(sizeCol + (<usize>p << 3));
  const q = <f64>load<i64>(entryCol + (<usize>p << 3));
  const absSize = abs(size);
  const mark = load<f64>(market, MARKET_F_MARK_K);
  const x = size * mark + q;
  const g = f64x2.extract_lane(f64x2.pmin(f64x2.splat(x), f64x2.splat(x * (<f64>load<u32>(market, MARKET_DRIFT_PNL_WEIGHT) * 0.0001))), 0);
  const b = <f64>load<u32>(tier, TIER_DRIFT_RATIO);
  const premium = b - b * 0.2 + 1.0 + Math.sqrt(10.0 * absSize + 1.0) * <f64>load<u32>(tier, TIER_DRIFT_IMF) * 1e-7;
  const mbar = f64x2.extract_lane(f64x2.pmax(f64x2.splat(b), f64x2.splat(premium)), 0) * 0.0001;
  const n = absSize * mark;
  return f64x2.replace_lane(f64x2.splat(g - n * mbar), 1, n * (1.0 + mbar) + abs(q));
}

function driftCloseOut(a: u32, out: usize, equity: i64, requirement: u64, first: u32, end: u32,
  marketCol: usize, sizeCol: usize, entryCol: usize, collateral: i64, markets: usize, tiers: usize): bool {
  // The State's buffer and initial share, the same on every market (book/validate.ts), read from the
  // first position's; an account without positions has no steps to take.
  let buffer: u64 = 0, initial: u64 = 0;
  if (first < end) {
    const m0 = marketAt(markets, load<u32>(marketCol + (<usize>first << 2)));
    buffer = <u64>load<u32>(m0, MARKET_DRIFT_BUFFER);
    initial = <u64>load<u32>(m0, MARKET_DRIFT_INITIAL_PCT);
  }
  // shortage = requirement - equity + the buffer's terms (liability * b / 10^4 per position, per
  // negative weighted pnl, per borrow), in 128 bits. E = what closing every position leaves before
  // fees: equity less the weighted pnls plus the raw ones.
  let sLo = sub128(requirement, 0, <u64>equity, <u64>(equity >> 63));
  let sHi = hi128;
  let eLo = <u64>equity, eHi = <u64>(equity >> 63);
  for (let p = first; p < end; p++) {
    const size = load<i64>(sizeCol + (<usize>p << 3));
    const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
    const price = load<i64>(market, MARKET_MARK);
    const n = size == 0 ? 0 : valueOf(market, <u64>(size < 0 ? -size : size), <u64>price);
    sLo = add128(sLo, sHi, mulDiv(n, buffer, MARGIN), 0);
    sHi = hi128;
    pnlOf(market, size, load<i64>(entryCol + (<usize>p << 3)), price);
    if (pnlNegative) {
      sLo = add128(sLo, sHi, mulDiv(pnlMagnitude, buffer, MARGIN), 0);
      sHi = hi128;
    } else {
      eLo = add128(eLo, eHi, rawMagnitude - pnlMagnitude, 0);
      eHi = hi128;
    }
  }
  // The borrows: USDC below zero (weight 1) and the spot balances' (their token values and weighted values).
  const assets = load<u32>(driftDesc, DESC_ASSETS) != 0;
  const quote = assets ? load<i64>((load<u32>(driftDesc, DESC_QUOTE_COLLATERAL) as usize) + (<usize>a << 3)) : collateral;
  const borrow: u64 = quote < 0 ? <u64>0 - <u64>quote : 0;
  sLo = add128(sLo, sHi, mulDiv(borrow, buffer, MARGIN), 0);
  sHi = hi128;
  let rLo = add128(requirement, 0, borrow, 0); // the program's margin_requirement, 128 bits
  let rHi = hi128;
  if (assets) {
    const table = load<u32>(driftDesc, DESC_ASSET_TABLE) as usize;
    const starts = load<u32>(driftDesc, DESC_BALANCE_START) as usize;
    const assetCol = load<u32>(driftDesc, DESC_BALANCE_ASSET) as usize;
    const amountCol = load<u32>(driftDesc, DESC_BALANCE_AMOUNT) as usize;
    const bEnd = load<u32>(starts + (<usize>(a + 1) << 2));
    for (let i = load<u32>(starts + (<usize>a << 2)); i < bEnd; i++) {
      // Every balance fits: the account's collateral value did (an overflow is not closed out).
      spotOf(table + <usize>load<u32>(assetCol + (<usize>i << 2)) * ASSET_BYTES, load<i64>(amountCol + (<usize>i << 3)));
      if (!spotNegative) continue;
      sLo = add128(sLo, sHi, mulDiv(spotToken, buffer, MARGIN), 0);
      sHi = hi128;
      rLo = add128(rLo, rHi, spotWeighted, 0);
      rHi = hi128;
    }
  }
  if (<i64>sHi < 0) { sLo = 0; sHi = 0; }
  // A shortage past 2^63 - 1 is an overflow (reference: the same).
  if (sHi != 0 || sLo > I64_MAX) {
    store<u32>(out, STATUS_OVERFLOW, ENTRY_STATUS);
    return false;
  }
  const shortage = sLo;
  // calculate_max_pct_to_liquidate at the first slot.
  let pct = MARGIN;
  if (shortage >= FIFTY) {
    pct = mulDiv(mulDiv(shortage, initial < MARGIN ? initial : MARGIN, MARGIN), MARGIN, shortage);
  }
  let reward: u64 = 0, fund: u64 = 0, closedLo: u64 = 0, closedHi: u64 = 0;
  let whole = true;
  for (let p = first; p < end; p++) {
    const size = load<i64>(sizeCol + (<usize>p << 3));
    if (size == 0) continue;
    const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
    const price = <u64>load<i64>(market, MARKET_MARK);
    const absSize = <u64>(size < 0 ? -size : size);
    const n = valueOf(market, absSize, price);
    const mr = marginRatio(tierAt(tiers, load<u32>(market, MARKET_TIER_START)), absSize);
    const req = mulDiv(n, mr, MARGIN); // <= the requirement: fits
    const mrb = mr + <u64>load<u32>(market, MARKET_DRIFT_BUFFER);
    const fee = load<u64>(market, MARKET_FEE_PPM);
    // tracked_market_margin_shortage: shortage * req / the program's requirement.
    let tracked: u64 = 0;
    if (rHi != 0) {
      const tLo = umul128(shortage, req);
      tracked = divWide(tLo, mulHi, rLo, rHi);
    } else if (rLo != 0) tracked = mulDiv(shortage, req, rLo);
    const ifRate = ifFeeOf(tracked, absSize, mrb, fee, price, <u64>load<u32>(market, MARKET_DRIFT_IF_FEE));
    const part = requirement == 0 ? shortage : mulDiv(shortage, req, requirement);
    const step = load<u64>(market, MARKET_DRIFT_STEP);
    let cover = coverOf(part, mrb, fee, ifRate, price);
    if (cover != U64_MAX) cover = ceilStep(cover, step);
    const allowed = mulDiv(cover, pct, MARGIN);
    let base: u64 = 0;
    if (allowed != 0) {
      const least = n > FIFTY ? 0 : absSize;
      base = allowed > least ? allowed : least;
      if (base > absSize) base = absSize;
      base = ceilStep(base, step); // |s| is a multiple of the step: still <= |s|
    }
    if (base != absSize) whole = false;
    const value = valueOf(market, base, price);
    reward += mulDiv(value, fee, FEE);
    fund += mulDiv(value, ifRate, FEE);
    closedLo += value;
    closedHi += u64(closedLo < value);
  }
  // reward + fund <= the fee bound the scan checked (< 2^63).
  const penalty = reward + fund;
  eLo = sub128(eLo, eHi, penalty, 0);
  eHi = hi128;
  let badDebt: u64 = 0, returned: u64 = 0;
  if (whole) {
    if (<i64>eHi < 0) {
      const m = sub128(0, 0, eLo, eHi);
      if (hi128 != 0 || m > I64_MAX) { store<u32>(out, STATUS_OVERFLOW, ENTRY_STATUS); return false; }
      badDebt = m;
    } else {
      if (eHi != 0 || eLo > I64_MAX) { store<u32>(out, STATUS_OVERFLOW, ENTRY_STATUS); return false; }
      returned = eLo;
    }
  }
  store<u32>(out, STATUS_LIQUIDATABLE, ENTRY_STATUS);
  store<i64>(out, <i64>penalty, ENTRY_PENALTY);
  store<i64>(out, <i64>reward, ENTRY_REWARD);
  store<i64>(out, <i64>badDebt, ENTRY_BAD_DEBT);
  store<i64>(out, <i64>returned, ENTRY_RETURNED);
  store<u64>(out, closedLo, ENTRY_NOTIONAL);
  store<u64>(out, closedHi, ENTRY_NOTIONAL + 8);
  return whole;
}

// ---- spot balances ------------------------------------------------------------------------------

/** The descriptor of the book being scanned (the close-out reads the balances from it); set by the entry points. */
let driftDesc: usize = 0;
export function setDriftDescriptor(desc: usize): void { driftDesc = desc; }

// The last spotOf: the balance's sign, its token value's and its weighted value's magnitudes.
let spotNegative: bool = false;
let spotToken: u64 = 0;
let spotWeighted: u64 = 0;

/**
 * One balance (reference/venues/drift-v2.ts spotValue): the token value b * P / 10^decimals (a
 * deposit's truncated, a borrow's floored), then weighted: a deposit at the maintenance weight,
 * size-discounted (calculate_size_discount_asset_weight), a borrow at the liability weight with its
 * size premium (calculate_size_premium_liability_weight, bounded), value * weight / 10^4 truncated.
 * False when the token value or the weighted value passes 2^63 - 1 (the account is an overflow).
 * A drift-v2 asset's price has 6 decimals, so the record's divisor is 10^decimals.
 */
function spotOf(asset: usize, amount: i64): bool {
  spotNegative = amount < 0;
  spotToken = 0;
  spotWeighted = 0;
  if (amount == 0) return true;
  const size = amount < 0 ? <u64>0 - <u64>amount : <u64>amount;
  const lo = umul128(size, <u64>load<i64>(asset, ASSET_PRICE));
  const hi = mulHi;
  const k = load<u64>(asset, ASSET_DIVISOR);
  if (hi >= k) return false;
  let tv = udiv128(hi, lo, k);
  if (spotNegative && divRem != 0) tv++;
  if (tv > I64_MAX) return false;
  spotToken = tv;
  if (tv == 0) return true;
  // The size in AMM_RESERVE_PRECISION (10^9), truncated.
  let sLo: u64, sHi: u64 = 0;
  if (k > BASE) sLo = size / (k / BASE);
  else {
    const pLo = umul128(size, BASE);
    sLo = udivU128(pLo, mulHi, k);
    sHi = hi128;
  }
  const imf = load<u64>(asset, ASSET_DRIFT_IMF);
  let w: u64;
  if (!spotNegative) {
    w = load<u64>(asset, ASSET_WEIGHT) / 100;
    if (imf != 0) {
      const discounted = (1_100_000 * MARGIN) / (FEE + mulDiv(sizeSqrt128(sLo, sHi), imf, 100_000));
      if (discounted < w) w = discounted;
    }
  } else {
    w = load<u64>(asset, ASSET_LIABILITY_WEIGHT) / 100;
    if (imf != 0) {
      const premium = w - w / 5 + mulDiv(sizeSqrt128(sLo, sHi), imf, 10_000_000);
      if (premium > w) w = premium;
    }
  }
  const m = mulDiv(tv, w, MARGIN);
  if (m > I64_MAX) return false;
  spotWeighted = m;
  return true;
}

/**
 * drift-v2's weighing of a balance for assets.ts valueCollateralFor: spotOf's weighted value
 * (Drift's token value, size-adjusted weights, its truncations), u64.MAX_VALUE where it does not fit.
 */
export class DriftBalances {
  // @ts-ignore: decorator
  @inline magnitude(asset: usize, amount: i64): u64 { return spotOf(asset, amount) ? spotWeighted : u64.MAX_VALUE; }
  // @ts-ignore: decorator
  @inline negative(amount: i64): bool { return spotNegative; }
}

