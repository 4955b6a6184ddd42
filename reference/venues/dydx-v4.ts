/**
 * dYdX v4 perpetuals (docs/venues/dydx-v4.md), as the chain computes them (github.com/dydxprotocol/
 * v4-chain, protocol/): integer quantums, one liquidity tier per market, a maintenance that rounds
 * twice, the trigger MMR > 0 and MMR > NC, and liquidations closed against the account's
 * bankruptcy price with a capped fee to the insurance fund and the per-block limits as partial
 * liquidation. Every function names the chain function it follows.
 *
 * Units: a size is base quantums (sizeDecimals = -atomicResolution), a price is the oracle price in
 * 10^-priceDecimals quote per coin, quote is USDC quantums (10^-6). The chain's conversion
 * lib.BaseToQuoteQuantums(q, atomicResolution, price, exponent) = trunc(q * price * 10^(exponent +
 * atomicResolution + 6)) is trunc(q * P * mul / div) here (../position.ts scaling): the same exact
 * rational, so the same truncation whatever the price's decimals.
 */
import { leastWhere } from "../price-ranges.js";
import { PPM, type CloseOut, type DydxMarket, type Market } from "../../book/types.js";
import { ceilDiv, floorDiv, max, min } from "../arith.js";
import { scaling } from "../position.js";
import { cashFill, type CloseOutInput, type PriceQuery, type Valuation, type VenueRules } from "./rules.js";

export function dydxOf(market: Market): DydxMarket {
  if (market.dydx === undefined) throw new RangeError(`market ${market.id}: a dydx-v4 market needs its dydx parameters`);
  return market.dydx;
}

/** lib.BaseToQuoteQuantums: trunc(q * P * 10^(exponent)), truncated toward zero (signed). */
export function quoteQuantums(market: Market, quantums: bigint, price: bigint): bigint {
  const { mul, div } = scaling(market);
  return (quantums * price * mul) / div; // BigInt division truncates toward zero, as big.Int.Quo
}

/** lib.QuoteToBaseQuantums for a non-negative amount at a positive price: trunc(quote / 10^exponent / P). */
function baseQuantums(market: Market, quote: bigint, price: bigint): bigint {
  const { mul, div } = scaling(market);
  return (quote * div) / (price * mul);
}

/** The position's notional: |BaseToQuoteQuantums(q)| (GetMarginRequirementsInQuoteQuantums takes |q| first). */
export function notionalOf(market: Market, size: bigint, price: bigint): bigint {
  return quoteQuantums(market, size < 0n ? -size : size, price);
}

/**
 * perpetuals/lib GetMarginRequirementsInQuoteQuantums: base IMR = ceil(n * imf / 10^6)
 * (LiquidityTier.GetInitialMarginQuoteQuantums with open interest 0, BigMulPpm rounding up), then
 * MMR = ceil(IMR * maintenanceFraction / 10^6) (BigMulPpm, rounding up). The open-interest scaling
 * of the IMF does not enter the maintenance.
 */
export function maintenanceOf(market: Market, n: bigint): bigint {
  const t = market.tiers[0]!;
  const imr = ceilDiv(n * t.imrPpm!, PPM);
  return ceilDiv(imr * t.maintenanceFractionPpm!, PPM);
}

/**
 * LiquidityTier.GetAdjustedInitialMarginPpm: the base IMF up to the lower cap, 10^6 from the upper
 * cap, in between imf + floor((10^6 - imf) * (oi - lower) / (upper - lower)); upper cap 0 turns the
 * scaling off. oi is the open interest's notional at the oracle price (BaseToQuoteQuantums).
 */
export function adjustedImfPpm(market: Market, price: bigint): bigint {
  const d = dydxOf(market);
  const imf = market.tiers[0]!.imrPpm!;
  const oi = quoteQuantums(market, d.openInterest, price);
  if (d.openInterestUpperCap === 0n || oi <= d.openInterestLowerCap) return imf;
  if (oi >= d.openInterestUpperCap) return PPM;
  return ((PPM - imf) * (oi - d.openInterestLowerCap)) / (d.openInterestUpperCap - d.openInterestLowerCap) + imf;
}

/**
 * clob keeper GetLiquidatablePositionSizeDelta with nothing liquidated yet in the block: the
 * position limit max(min(minNotional, n), floor(n * maxPortion / 10^6))
 * (GetMaxAndMinPositionNotionalLiquidatable), capped by the subaccount's block limit
 * (GetSubaccountMaxNotionalLiquidatable); the whole position when that covers it or the position
 * is at most one step; else that notional in base quantums (QuoteToBaseQuantums), rounded down to
 * a multiple of the step and clamped to [step, |q|]. Returns |delta| in base quantums.
 */
/**
 * clob keeper GetMaxAndMinPositionNotionalLiquidatable: min(minNotional, n) and, not below it,
 * floor(n * maxPortion / 10^6) (BigIntMulPpm), n the position's notional.
 */
export function positionNotionalLimits(market: Market, size: bigint, price: bigint): { readonly min: bigint; readonly max: bigint } {
  const d = dydxOf(market);
  const n = notionalOf(market, size, price);
  const least = min(d.minPositionNotionalLiquidated, n);
  return { min: least, max: max(least, (n * d.maxPositionPortionLiquidatedPpm) / PPM) };
}

/**
 * clob keeper GetLiquidatablePositionSizeDelta with nothing liquidated yet in the block: the
 * position's limit (above) capped by the subaccount's block limit
 * (GetSubaccountMaxNotionalLiquidatable); the whole position when that covers its notional or the
 * position is at most one step; else that notional in base quantums (QuoteToBaseQuantums),
 * rounded down to a multiple of the step and clamped to [step, |q|]. Returns |delta| in base quantums.
 */
export function liquidatableQuantums(market: Market, size: bigint, price: bigint): bigint {
  const d = dydxOf(market);
  const abs = size < 0n ? -size : size;
  const n = quoteQuantums(market, abs, price);
  const maxQuote = min(positionNotionalLimits(market, size, price).max, d.subaccountMaxNotionalLiquidated);
  if (n <= maxQuote || abs <= d.stepBaseQuantums) return abs;
  let q = baseQuantums(market, maxQuote, price);
  q -= q % d.stepBaseQuantums;
  return min(max(q, d.stepBaseQuantums), abs);
}

/**
 * clob keeper GetBankruptcyPriceInQuoteQuantums: -DNNV - floor(TNC * |DMMR| / TMMR) (the one
 * division rounds toward -infinity so that the result rounds toward +infinity), from the position's
 * net notional and maintenance before and after the delta and the account's TNC and TMMR.
 */
export function bankruptcyQuote(x: { tnc: bigint; tmmr: bigint; nncBefore: bigint; nncAfter: bigint; mmrBefore: bigint; mmrAfter: bigint }): bigint {
  const dmmr = x.mmrAfter - x.mmrBefore;
  return -(x.nncAfter - x.nncBefore) - floorDiv(x.tnc * (dmmr < 0n ? -dmmr : dmmr), x.tmmr);
}

/**
 * clob keeper GetLiquidationInsuranceFundDelta: fill - bankruptcy (quote received by the account
 * for the delta, signed); where positive, capped at floor(|fill| * maxLiquidationFee / 10^6).
 * Positive: the account pays the insurance fund; negative: the fund covers the loss.
 */
export function insuranceFundDelta(fillQuote: bigint, bankruptcy: bigint, maxLiquidationFeePpm: bigint): bigint {
  const delta = fillQuote - bankruptcy;
  if (delta <= 0n) return delta;
  return min(((fillQuote < 0n ? -fillQuote : fillQuote) * maxLiquidationFeePpm) / PPM, delta);
}

/** Per position: the notional this block's liquidation closes (|DNNV| = n - n after) and what is left. */
function steps(x: CloseOutInput): { readonly now: bigint; readonly next: bigint }[] {
  return x.notionals.map((n, i) => {
    const market = x.markets[i]!;
    const size = x.sizes[i]!;
    if (size === 0n) return { now: 0n, next: 0n };
    const price = x.prices[i]!;
    const abs = size < 0n ? -size : size;
    const left = quoteQuantums(market, abs - liquidatableQuantums(market, size, price), price);
    return { now: n - left, next: left };
  });
}


/**
 * The close-out: every position liquidated by its block's step at the oracle price, against the
 * account as scanned. Per position, the insurance-fund delta (GetLiquidationInsuranceFundDelta) is
 * fill - bankruptcy quote (GetBankruptcyPriceInQuoteQuantums: -DNNV - floor(TNC * |DMMR| / TMMR)),
 * which at the oracle price (fill = -DNNV) is floor(TNC * |DMMR| / TMMR); where positive it is the
 * liquidation fee, capped at floor(|fill| * maxLiquidationFee / 10^6), and goes to the insurance
 * fund; where negative the fund pays it (bad debt).
 */
function closeOut(x: CloseOutInput): CloseOut {
  const s = steps(x);
  let fees = 0n, paid = 0n;
  x.notionals.forEach((n, i) => {
    const size = x.sizes[i]!;
    if (size === 0n) return;
    const market = x.markets[i]!;
    const price = x.prices[i]!;
    const delta = liquidatableQuantums(market, size, price);
    const after = size < 0n ? size + delta : size - delta;
    const nncBefore = quoteQuantums(market, size, price), nncAfter = quoteQuantums(market, after, price);
    const bankruptcy = bankruptcyQuote({ tnc: x.equity, tmmr: x.maintenance, nncBefore, nncAfter, mmrBefore: maintenanceOf(market, n), mmrAfter: maintenanceOf(market, s[i]!.next) });
    // Filled at the oracle price: the account receives -DNNV.
    const d = insuranceFundDelta(nncBefore - nncAfter, bankruptcy, market.liquidationFeePpm);
    if (d > 0n) fees += d;
    else paid -= d;
  });
  const partial = s.some((p) => p.next !== 0n);
  return {
    notional: s.reduce((sum, p) => sum + p.now, 0n),
    penalty: fees,
    liquidatorReward: 0n,
    insuranceFund: fees,
    badDebt: paid,
    returned: partial ? 0n : x.equity - fees + paid,
  };
}

/**
 * The liquidation price: at price x the position is worth v = +-n with n = trunc(u x / K), so the
 * account is liquidatable iff A + v - M(n) < 0 (and its maintenance is positive: the other
 * positions' or M(n) > 0, i.e. n >= 1). M(n + 1) - M(n) is 0 or 1 (two ceilings of rates <= 1), so
 * A + n - M(n) never decreases and A - n - M(n) never increases: the liquidatable notionals of a
 * long are those below the least n where A + n - M(n) >= 0, a short's those from the least n where
 * A - n - M(n) < 0, found by bisection on n; then the price interval of those notionals.
 */
function liquidationPrice(q: PriceQuery): bigint | null {
  const { market, size, A, xMin, xMax } = q;
  if (size === 0n || xMin > xMax) return null;
  const { mul, div: K } = scaling(market);
  const u = (size < 0n ? -size : size) * mul;
  const M = (n: bigint) => (q.bankruptcy ? 0n : maintenanceOf(market, n));
  const long = size > 0n;
  const g = (n: bigint) => A + (long ? n : -n) - M(n); // liquidatable iff g(n) < 0 (and maintained)
  // The least n at which the account's maintenance is positive: 0 when the others hold some, else
  // 1 (M(1) >= 1 when imf and fraction are positive); without either, never: not liquidatable.
  const t = market.tiers[0]!;
  if (!q.bankruptcy && !q.othersMaintained && (t.imrPpm === 0n || t.maintenanceFractionPpm === 0n)) return null;
  const least = q.bankruptcy || q.othersMaintained ? 0n : 1n;
  const nOf = (x: bigint) => (u * x) / K;
  const nLo = nOf(xMin), nHi = nOf(xMax);
  if (long) {
    // The least n in [nLo, nHi] with g(n) >= 0 (g nondecreasing), nHi + 1 when none.
    const top = leastWhere(nLo, nHi + 1n, (n) => g(n) >= 0n) - 1n; // the greatest liquidatable notional
    if (top < max(least, nLo)) return null;
    // The greatest x with trunc(u x / K) <= top: u x < (top + 1) K; none when its notional is
    // below `least` (one price unit moves the notional from 0 past every liquidatable one).
    const x = min(xMax, ((top + 1n) * K - 1n) / u);
    return nOf(x) < least ? null : x;
  }
  // A short: the least n in [max(nLo, least), nHi] with g(n) < 0 (g nonincreasing).
  const lo = leastWhere(max(nLo, least), nHi + 1n, (n) => g(n) < 0n);
  if (lo > nHi) return null;
  // The least x with trunc(u x / K) >= lo: u x >= lo K.
  return max(xMin, ceilDiv(lo * K, u));
}

const valuation: Valuation = {
  notional: notionalOf,
  // perpetuals/lib GetNetNotionalInQuoteQuantums: the signed value, truncated toward zero; the
  // entry price does not enter (the subaccount's quote balance carries what was paid).
  value: (market, size, _entry, price) => quoteQuantums(market, size, price),
  maintenance: maintenanceOf,
  // lib/margin Risk.IsLiquidatable: MMR > 0 and MMR > NC.
  liquidatable: (equity, maintenance) => maintenance > 0n && maintenance > equity,
  liquidationPrice,
};

export const dydxV4: VenueRules = {
  name: "dydx-v4",
  // One line without the double rounding: what the core's float pre-filter is given (the exact
  // maintenance is valuation.maintenance, within 2 quantums above it).
  maintenanceLines(market: Market) {
    const t = market.tiers[0]!;
    return { denominator: PPM * PPM, tiers: [{ maxNotional: null, slope: t.imrPpm! * t.maintenanceFractionPpm!, offset: 0n }] };
  },
  equityEntry: () => 0n,
  triggerSlack: 0n,
  // A live fill moves the USDC balance by the trade's cash, as on Hyperliquid (rules.ts cashFill,
  // rounded against the holder; the chain's own quote rounding of a fill is not modelled).
  fill: cashFill,
  // The liquidation fee cap, floor(n * maxLiquidationFee / 10^6) (BigIntMulPpm).
  fee: (market, n) => (n * market.liquidationFeePpm) / PPM,
  slippage: () => 0n,
  closeOut,
  steps,
  // GetInitialMarginQuoteQuantums with the open interest: ceil(n * adjusted imf / 10^6).
  initialMargin: (market, _tier, n, _leverage, price) => ceilDiv(n * adjustedImfPpm(market, price), PPM),
  valuation,
  repeatsSteps: true,
  stepSize: liquidatableQuantums,
};
