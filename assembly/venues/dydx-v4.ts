// dYdX v4 (docs/venues/dydx-v4.md; reference/venues/dydx-v4.ts states the same rules in BigInt
// and names the chain function each follows). A position is worth trunc(s * P / K) (toward zero,
// the entry does not enter), its notional is trunc(|s| * P / K), its maintenance rounds twice,
// ceil(ceil(n * imf / 10^6) * fraction / 10^6), and an account is liquidatable when its
// maintenance is positive and above its net collateral. A liquidation step closes what the
// per-block limits allow of each position; the fee, capped, goes to the insurance fund, and the
// fund pays what the bankruptcy price leaves below zero.
//
// Record fields (layout.ts): the tier's imf and maintenance fraction in the tier's padding, the
// block limits in the market's impact fields and spares.

import {
  COLLATERAL_WIDE, DESC_ASSETS, DESC_COLLATERAL, DESC_MARKET_TABLE, DESC_POSITION_MARKET, DESC_POSITION_SIZE, DESC_POSITION_END, DESC_POSITION_START, DESC_TIER_TABLE, ENTRY_BAD_DEBT, ENTRY_PENALTY, ENTRY_RETURNED, ENTRY_REWARD, ENTRY_STATUS, MARKET_DIVISOR, MARKET_DYDX_MAX_PORTION,
  MARKET_DYDX_MIN_NOTIONAL, MARKET_DYDX_STEP, MARKET_DYDX_SUBACCOUNT_MAX, MARKET_FEE_PPM, MARKET_MARK, MARKET_MULTIPLIER,
  MARKET_TIER_START, STATUS_LIQUIDATABLE, STATUS_OVERFLOW, TIER_DYDX_FRACTION, TIER_DYDX_IMF,
} from "../layout";
import { add128, hi128, sub128 } from "../i128";
import { marketAt, tierAt } from "../market";
import { TOO_WIDE } from "../position";
import { accAddMagnitude, ceilDiv128, divRem, mulHi, udiv128, umul128 } from "../wide";

const PPM: u64 = 1_000_000;
const I64_MAX: u64 = <u64>i64.MAX_VALUE;
const NONE: i64 = -1;
const WIDE: i64 = -2;

/** floor((hi:lo) / d), or TOO_WIDE when it does not fit 63 bits. */
// @ts-ignore: decorator
@inline function floorDiv128(hi: u64, lo: u64, d: u64): u64 {
  if (hi == 0) return lo / d > I64_MAX ? TOO_WIDE : lo / d;
  if (hi >= d) return TOO_WIDE;
  const q = udiv128(hi, lo, d);
  return q > I64_MAX ? TOO_WIDE : q;
}

/** trunc(|s| * P / K) (lib.BaseToQuoteQuantums of |s|), TOO_WIDE when it leaves 63 bits. */
// @ts-ignore: decorator
@inline function quoteOf(market: usize, absSize: u64, price: u64): u64 {
  const lo = umul128(absSize, price);
  const hi = mulHi;
  const multiplier = load<u64>(market, MARKET_MULTIPLIER);
  if (multiplier == 1) return floorDiv128(hi, lo, load<u64>(market, MARKET_DIVISOR));
  if (hi != 0) return TOO_WIDE;
  const scaled = umul128(lo, multiplier);
  return mulHi != 0 || scaled > I64_MAX ? TOO_WIDE : scaled;
}

/** ceil(ceil(n * imf / 10^6) * fraction / 10^6) (GetMarginRequirementsInQuoteQuantums); n < 2^63, rates <= 10^6. */
// @ts-ignore: decorator
@inline function maintenanceAt(tier: usize, n: u64): u64 {
  const lo = umul128(n, <u64>load<u32>(tier, TIER_DYDX_IMF));
  const imr = ceilDiv128(mulHi, lo, PPM); // <= n < 2^63
  const lo2 = umul128(imr, <u64>load<u32>(tier, TIER_DYDX_FRACTION));
  return ceilDiv128(mulHi, lo2, PPM);
}

/**
 * |delta| in base quantums of this block's liquidation of a position (GetLiquidatablePositionSizeDelta):
 * the whole position when the position and subaccount limits cover its notional or it is at most
 * one step, else the limit in base quantums rounded down to the step, clamped to [step, |s|].
 */
// @ts-ignore: decorator
@inline function liquidatableQuantums(market: usize, absSize: u64, notional: u64): u64 {
  const minimum = load<u64>(market, MARKET_DYDX_MIN_NOTIONAL);
  const minPos = minimum < notional ? minimum : notional;
  const lo = umul128(notional, <u64>load<u32>(market, MARKET_DYDX_MAX_PORTION));
  const portion = udiv128(mulHi, lo, PPM); // <= notional
  let limit = portion > minPos ? portion : minPos;
  const cap = load<u64>(market, MARKET_DYDX_SUBACCOUNT_MAX);
  if (cap < limit) limit = cap;
  const step = load<u64>(market, MARKET_DYDX_STEP);
  if (notional <= limit || absSize <= step) return absSize;
  // QuoteToBaseQuantums: trunc(limit * K / P) (trunc(limit / (10^-e * P)) when e < 0). Here
  // notional > limit >= 0, so P > 0, and limit < notional <= |s| P / K makes the quotient < |s|;
  // a quotient too wide for 64 bits (it cannot be) would saturate and be clamped to |s| below.
  const price = <u64>load<i64>(market, MARKET_MARK);
  const multiplier = load<u64>(market, MARKET_MULTIPLIER);
  let q: u64;
  if (multiplier == 1) {
    const nLo = umul128(limit, load<u64>(market, MARKET_DIVISOR));
    const nHi = mulHi;
    q = nHi >= price ? u64.MAX_VALUE : udiv128(nHi, nLo, price);
  } else {
    const dLo = umul128(price, multiplier);
    q = mulHi != 0 ? 0 : limit / dLo;
  }
  q -= q % step;
  if (q < step) q = step;
  return q < absSize ? q : absSize;
}

export class DydxV4 {
  // @ts-ignore: decorator
  @inline entry(entry: i64): i64 { return 0; }
  /** |BaseToQuoteQuantums(s)|: truncated. */
  // @ts-ignore: decorator
  @inline notional(market: usize, absSize: u64, price: u64): u64 { return quoteOf(market, absSize, price); }
  /** equity += trunc(s * P / K) (GetNetNotionalInQuoteQuantums, toward zero), into the 192-bit accumulator. */
  // @ts-ignore: decorator
  @inline addPnl(market: usize, size: i64, entry: i64, price: i64): void {
    if (size == 0 || price == 0) return;
    const absSize = <u64>(size < 0 ? -size : size);
    const lo = umul128(absSize, <u64>price);
    const hi = mulHi;
    const multiplier = load<u64>(market, MARKET_MULTIPLIER);
    if (multiplier == 1) {
      const divisor = load<u64>(market, MARKET_DIVISOR);
      let qHi: u64 = 0, qLo: u64;
      if (hi == 0) qLo = lo / divisor;
      else {
        qHi = hi / divisor;
        qLo = udiv128(hi % divisor, lo, divisor);
      }
      accAddMagnitude(size < 0, qLo, qHi, 0);
    } else {
      const m0 = umul128(lo, multiplier);
      const carry = mulHi;
      let m1 = umul128(hi, multiplier);
      let m2 = mulHi;
      m1 += carry;
      if (m1 < carry) m2 += 1;
      accAddMagnitude(size < 0, m0, m1, m2);
    }
  }
  /** Risk.IsLiquidatable: MMR > 0 and MMR > NC. */
  // @ts-ignore: decorator
  @inline triggered(equity: i64, maintenance: u64, anyOpen: bool): bool { return maintenance != 0 && <i64>maintenance > equity; }
  // @ts-ignore: decorator
  @inline maintenance(market: usize, tiers: usize, notional: u64, absSize: u64): u64 {
    return maintenanceAt(tierAt(tiers, load<u32>(market, MARKET_TIER_START)), notional);
  }
  // @ts-ignore: decorator
  @inline triggerSlack(): i64 { return 0; }
  // @ts-ignore: decorator
  @inline prefilters(): bool { return true; }
  // @ts-ignore: decorator
  @inline writesNotional(): bool { return false; }
  /** The fee cap floor(n * maxLiquidationFee / 10^6): what the overflow check sums (the close-out computes the fee). */
  // @ts-ignore: decorator
  @inline fee(market: usize, notional: u64): u64 {
    const lo = umul128(notional, load<u64>(market, MARKET_FEE_PPM));
    return udiv128(mulHi, lo, PPM);
  }
  // @ts-ignore: decorator
  @inline slippage(market: usize, notional: u64): u64 { return 0; }
  /** |DNNV| of this block's step: n - notional(|s| - delta). */
  // @ts-ignore: decorator
  @inline closes(market: usize, absSize: u64, notional: u64): u64 {
    const left = absSize - liquidatableQuantums(market, absSize, notional);
    return notional - quoteOf(market, left, <u64>load<i64>(market, MARKET_MARK));
  }
  /**
   * Per position, the insurance-fund delta floor(TNC * |DMMR| / TMMR) of its step at the oracle
   * price (GetBankruptcyPriceInQuoteQuantums, GetLiquidationInsuranceFundDelta): a positive one is
   * the fee, capped at floor(|DNNV| * maxLiquidationFee / 10^6); a negative one the fund pays.
   */
  // @ts-ignore: decorator
  @inline closeOut(a: u32, out: usize, equity: i64, maintenance: i64, fees: u64, slippage: u64, share: u64, partial: bool,
    first: u32, end: u32, marketCol: usize, sizeCol: usize, entryCol: usize, collateral: i64, markets: usize, tiers: usize): bool {
    const negative = equity < 0;
    const magnitude = <u64>(negative ? -equity : equity); // equity > i64.MIN_VALUE: checked
    let fee: u64 = 0, paid: u64 = 0;
    for (let p = first; p < end; p++) {
      const size = load<i64>(sizeCol + (<usize>p << 3));
      if (size == 0) continue;
      const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
      const price = <u64>load<i64>(market, MARKET_MARK);
      const absSize = <u64>(size < 0 ? -size : size);
      const n = quoteOf(market, absSize, price);
      const left = quoteOf(market, absSize - liquidatableQuantums(market, absSize, n), price);
      const tier = tierAt(tiers, load<u32>(market, MARKET_TIER_START));
      const dmmr = maintenanceAt(tier, n) - maintenanceAt(tier, left);
      // |TNC| * DMMR / TMMR <= |TNC| (DMMR <= TMMR): the quotient fits, and (hi:lo) < TMMR * 2^64.
      const lo = umul128(magnitude, dmmr);
      const q = udiv128(mulHi, lo, <u64>maintenance);
      if (negative) {
        paid += q + u64(divRem != 0); // floor of a negative quotient
      } else {
        const capLo = umul128(n - left, load<u64>(market, MARKET_FEE_PPM));
        const cap = udiv128(mulHi, capLo, PPM);
        fee += cap < q ? cap : q;
      }
    }
    // paid <= |TNC| + one per position: past 2^63 - 1 only for a TNC within that of -2^63.
    store<u32>(out, paid > I64_MAX ? STATUS_OVERFLOW : STATUS_LIQUIDATABLE, ENTRY_STATUS);
    store<i64>(out, <i64>fee, ENTRY_PENALTY);
    store<i64>(out, 0, ENTRY_REWARD);
    store<i64>(out, <i64>paid, ENTRY_BAD_DEBT);
    store<i64>(out, partial ? 0 : equity - <i64>fee + <i64>paid, ENTRY_RETURNED);
    return false;
  }
}

// ---- liquidation prices ---------------------------------------------------------------------
// reference/venues/dydx-v4.ts liquidationPrice derives the search: at price x a position of u
// quantums (times 10^-e when e < 0) is worth +-n, n = floor(u x / K), and the account is
// liquidatable iff g(n) = A +- n - M(n) < 0 (and its maintenance is positive), with A the
// collateral plus the other positions' value - maintenance. M steps by 0 or 1, so g is monotone
// in n and a bisection on n finds the boundary; then the price interval of that notional.
// Regime computed here (anything else is WIDE, priced by the wrapper with the BigInt reference):
// every other position's value and maintenance fit i64, |A| < 2^61, u < 2^64, and the boundary
// notional below 2^61 (so every g fits i64: |A| + n + M(n) < 3 * 2^61).

const N_CAP: u64 = (<u64>1 << 61) - 1;
/** A pass-1 slot's mark for a position whose value does not fit i64 (no maintenance is this large). */
const BAD: u64 = u64.MAX_VALUE;

/** g(n) = A + n - M(n) (long) or A - n - M(n) (short), exact in i64 in the regime above. */
// @ts-ignore: decorator
@inline function gOf(A: i64, long: bool, tier: usize, n: u64): i64 {
  const m = <i64>maintenanceAt(tier, n);
  return long ? A + <i64>n - m : A - <i64>n - m;
}

/** floor(u x / K) for x = 2^63 - 1, or N_CAP + 1 when it passes N_CAP. */
// @ts-ignore: decorator
@inline function notionalAtTop(u: u64, K: u64): u64 {
  const lo = umul128(u, <u64>i64.MAX_VALUE);
  const hi = mulHi;
  if (hi >= K) return N_CAP + 1;
  const q = udiv128(hi, lo, K);
  return q > N_CAP ? N_CAP + 1 : q;
}

/** The search's predicate: g(n) >= 0 for a long (no longer liquidatable), g(n) < 0 for a short (liquidatable). */
// @ts-ignore: decorator
@inline function past(A: i64, long: bool, tier: usize, n: u64): bool {
  const g = gOf(A, long, tier, n);
  return long ? g >= 0 : g < 0;
}

/**
 * The least n in [lo, hi] where `past` holds, given that it holds at hi (it is monotone in n).
 * A float estimate of the boundary (M(n) = n * imf * fraction / 10^12 within 2) brackets it first,
 * so the bisection runs over a few units, not over 2^61; a bracket the exact test refutes only
 * widens the search, never changes its answer.
 */
function boundary(A: i64, long: bool, tier: usize, lo: u64, hi: u64): u64 {
  const r = <f64>load<u32>(tier, TIER_DYDX_IMF) * <f64>load<u32>(tier, TIER_DYDX_FRACTION) * 1e-12;
  // long: A + n - M(n) >= 0 from n = -A / (1 - r); short: A - n - M(n) < 0 from n = A / (1 + r).
  const slope = long ? 1.0 - r : 1.0 + r;
  const e = (long ? -<f64>A : <f64>A) / slope;
  const d = 8.0 + 4.0 / slope + abs(e) * 1e-9;
  if (slope > 1e-6 && e == e && d < 1e15) {
    const a = e - d <= <f64>lo ? lo : (e - d >= <f64>hi ? hi : <u64>(e - d));
    const b = e + d >= <f64>hi ? hi : (e + d <= <f64>lo ? lo : <u64>(e + d));
    if (past(A, long, tier, a)) hi = a; // the boundary is at or below a
    else if (!past(A, long, tier, b)) lo = b + 1; // above b
    else { lo = a + 1; hi = b; }
  }
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (past(A, long, tier, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The price of one non-zero position given A (fits the regime) and whether the others hold maintenance. */
function dydxPositionPrice(market: usize, tiers: usize, size: i64, A: i64, othersMaintained: bool): i64 {
  const long = size > 0;
  const K = load<u64>(market, MARKET_DIVISOR);
  const u = umul128(<u64>(size < 0 ? -size : size), load<u64>(market, MARKET_MULTIPLIER));
  if (mulHi != 0) return WIDE;
  const tier = tierAt(tiers, load<u32>(market, MARKET_TIER_START));
  // The least n at which the account's maintenance is positive: 0 when the others hold some, else
  // 1 (M(1) >= 1 when imf and fraction are positive); without either, never.
  if (!othersMaintained && (load<u32>(tier, TIER_DYDX_IMF) == 0 || load<u32>(tier, TIER_DYDX_FRACTION) == 0)) return NONE;
  const least: u64 = othersMaintained ? 0 : 1;
  const top = notionalAtTop(u, K); // N_CAP + 1: beyond the regime
  const hiN = top > N_CAP ? N_CAP : top;
  if (hiN < least) return NONE; // n(2^63 - 1) = 0 and nothing else holds maintenance
  if (long) {
    // The least n in [0, hiN] with g(n) >= 0 (g nondecreasing); none: the answer may lie beyond.
    if (gOf(A, true, tier, hiN) < 0) return top > N_CAP ? WIDE : <i64>I64_MAX;
    const lo = boundary(A, true, tier, 0, hiN);
    if (lo == 0 || lo - 1 < least) return NONE; // no liquidatable notional (with a positive maintenance)
    // The greatest x with floor(u x / K) <= lo - 1: x = floor((lo K - 1) / u), below 2^63 (lo <= hiN).
    const nLo = umul128(lo, K);
    const nHi = mulHi;
    const mLo = nLo - 1;
    const mHi = nHi - u64(nLo == 0);
    if (mHi >= u) return <i64>I64_MAX;
    const x = udiv128(mHi, mLo, u);
    if (x > I64_MAX) return <i64>I64_MAX;
    // Where only this position can hold maintenance, a price whose notional truncates to 0 holds
    // none: when one price unit moves the notional past every liquidatable one, no price is.
    if (least == 1) {
      const at = umul128(u, x);
      if (mulHi == 0 && at < K) return NONE;
    }
    return <i64>x;
  }
  // A short: the least n in [least, hiN] with g(n) < 0 (g nonincreasing).
  if (gOf(A, false, tier, hiN) >= 0) return top > N_CAP ? WIDE : NONE;
  const lo = boundary(A, false, tier, least, hiN);
  // The least x with floor(u x / K) >= lo: ceil(lo K / u), at most 2^63 - 1 (lo <= n(2^63 - 1)).
  const pLo = umul128(lo, K);
  const pHi = mulHi;
  const q = udiv128(pHi, pLo, u); // pHi < u: lo K <= u (2^63 - 1)
  return <i64>(q + u64(divRem != 0));
}

/**
 * Liquidation price of every position of accounts [from, to) into i64 slots at `out` (the layout
 * of liquidation-price.ts: -1 none, -2 WIDE for the wrapper's BigInt reference).
 */
export function dydxLiquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void {
  const collateral = load<u32>(desc, DESC_COLLATERAL) as usize;
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const ends = load<u32>(desc, DESC_POSITION_END) as usize;
  const marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  const sizeCol = load<u32>(desc, DESC_POSITION_SIZE) as usize;
  const markets = load<u32>(desc, DESC_MARKET_TABLE) as usize;
  const tiers = load<u32>(desc, DESC_TIER_TABLE) as usize;
  const out = outFirst - (<usize>load<u32>(starts + (<usize>from << 2)) << 3);
  const assetsHeld = load<u32>(desc, DESC_ASSETS) != 0;
  for (let a: u32 = from; a < to; a++) {
    const first = load<u32>(starts + (<usize>a << 2));
    const end = load<u32>(ends + (<usize>a << 2));
    const C = load<i64>(collateral + (<usize>a << 3));
    // A collateral value that does not fit 64 bits (assets.ts): the wrapper prices it, exactly.
    if (assetsHeld && C == COLLATERAL_WIDE) {
      for (let p = first; p < end; p++) store<i64>(out + (<usize>p << 3), load<i64>(sizeCol + (<usize>p << 3)) == 0 ? NONE : WIDE);
      continue;
    }
    // T = C + sum(value - maintenance) over the positions whose value fits i64, in 128 bits, and
    // their maintenance summed (each < 2^63, at most 2^32 of them); each one's maintenance parked
    // in its slot, BAD for one that does not fit. A position's own value does not enter its price:
    // one that does not fit can still be priced when it is the only one.
    let TLo = <u64>C, THi = <u64>(C >> 63);
    let mLo: u64 = 0, mHi: u64 = 0;
    let bad: u32 = 0;
    for (let p = first; p < end; p++) {
      const size = load<i64>(sizeCol + (<usize>p << 3));
      const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
      const q = quoteOf(market, <u64>(size < 0 ? -size : size), <u64>load<i64>(market, MARKET_MARK));
      if (q > I64_MAX) { bad++; store<u64>(out + (<usize>p << 3), BAD); continue; }
      const m = maintenanceAt(tierAt(tiers, load<u32>(market, MARKET_TIER_START)), q);
      const value: i64 = size < 0 ? -<i64>q : <i64>q;
      // value - m in (-2^64, 2^63): kept as 128 bits, then added.
      const tLo = sub128(<u64>value, <u64>(value >> 63), m, 0);
      const tHi = hi128;
      TLo = add128(TLo, THi, tLo, tHi);
      THi = hi128;
      mLo += m;
      mHi += u64(mLo < m);
      store<u64>(out + (<usize>p << 3), m);
    }
    for (let p = first; p < end; p++) {
      const at = out + (<usize>p << 3);
      const size = load<i64>(sizeCol + (<usize>p << 3));
      const m = load<u64>(at);
      if (size == 0) { store<i64>(at, NONE); continue; }
      if (bad > 1 || (bad == 1 && m != BAD)) { store<i64>(at, WIDE); continue; }
      const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
      // A = T - (value - m) = T - value + m; T already leaves out a position that does not fit.
      let ALo = TLo, AHi = THi, othersLo = mLo, othersHi = mHi;
      if (m != BAD) {
        const q = quoteOf(market, <u64>(size < 0 ? -size : size), <u64>load<i64>(market, MARKET_MARK));
        const value: i64 = size < 0 ? -<i64>q : <i64>q;
        ALo = sub128(TLo, THi, <u64>value, <u64>(value >> 63));
        AHi = hi128;
        ALo = add128(ALo, AHi, m, 0);
        AHi = hi128;
        othersLo = mLo - m;
        othersHi = mHi - u64(mLo < m);
      }
      // |A| < 2^61: the high word is A's sign and the low word within the range.
      const A = <i64>ALo;
      if (AHi != <u64>(A >> 63) || A >= (<i64>1 << 61) || A <= -(<i64>1 << 61)) { store<i64>(at, WIDE); continue; }
      store<i64>(at, dydxPositionPrice(market, tiers, size, A, othersLo != 0 || othersHi != 0));
    }
  }
}
