/**
 * GMX v2 (synthetics) positions (docs/venues/gmx-v2.md), as the contracts compute them
 * (github.com/gmx-io/gmx-synthetics at a5c0c8835182): every amount at FLOAT_PRECISION (10^30 per
 * USD), exact and unbounded, with the contracts' roundings. Each function names the contract
 * function it follows.
 *
 * The book's shape (book/validate.ts checks it): GMX positions are isolated, so each is an account
 * of its own holding one position and one balance:
 * - the position's size is sizeInTokens (signed: long > 0): its image in the market's size units,
 *   `sizeInTokens` the exact amount in 10^-tokenDecimals where it is finer (book/gmx-wide.ts), its entry
 *   slot holds sizeInUsd in quote units (10^-6 USD, its floor) and `sizeInUsd30` the exact amount
 *   at 10^-30 where it is finer (book/gmx-wide.ts): stored, not size * price;
 * - the balance is the collateral token (an asset, its price the token's min price) net of the
 *   close's costs as given: collateralAmount - totalCostAmount (position, borrowing, funding and
 *   UI fees less discounts, what getPositionFees gives with isLiquidation false);
 * - the account's quote collateral is the price impact of closing it whole as given (quote units,
 *   signed, its floor; `collateral30` the exact amount at 10^-30 where finer): getPriceImpactUsd capped by capPositiveImpactUsdByMaxPositionImpact plus the pending
 *   impact amount at its price; the trigger applies isPositionLiquidatable's cap to it;
 * - the market's mark is the index token's min price, its max the mark plus `gmx.indexPriceSpread`.
 *
 * A value v in the book's units is v * 10^(30 - d) at FLOAT_PRECISION, d its decimals: the
 * collateral price c (d = asset decimals + priceDecimals: the contract's price per token unit), the
 * index price (tokenDecimals + priceDecimals: sizeInTokens is exact in 10^-tokenDecimals). USD amounts (sizeInUsd, the impact, the market's
 * MIN_COLLATERAL_USD, open interest and pools) and factors are GMX's own, at 10^30.
 */
import type { Account, AccountResult, Asset, Book, CloseOut, GmxMarket, GmxPoolSide, Market } from "../../book/types.js";
import { PPM } from "../../book/types.js";
import { I64_MAX, ceilDiv, fitsI64, floorDiv, max, pow10 } from "../arith.js";
import { leastWhere } from "../price-ranges.js";
import { assetTokenDecimals, collateralOf30, gmxTokenDecimals, sizeInTokensOf, sizeInUsdOf, tokenAmountOf } from "../../book/gmx-wide.js";
import type { CloseOutInput, FillOutcome, VenueRules } from "./rules.js";

/** FLOAT_PRECISION (contracts/utils/Precision.sol). */
export const FLOAT_PRECISION = 10n ** 30n;
/** A quote unit (10^-6 USD) at FLOAT_PRECISION. */
export const QUOTE_TO_FLOAT = 10n ** 24n;
/**
 * A position's terms (its value and sizeInUsd, its collateral, the impact, MIN_COLLATERAL_USD)
 * must stay below 2^125 at FLOAT_PRECISION (about $42.5M): the core's 128-bit kernel
 * (assembly/venues/gmx-v2.ts). The pool's amounts are not bounded by it: they are the contracts'
 * uint256 and int256 (UINT256, INT256 below), and the book keeps them below 2^192
 * (book/gmx-validate.ts GMX_MARKET_LIMIT), where the core's 256-bit pool path is exact.
 */
export const GMX_LIMIT = 1n << 125n;
/** SafeCast.toInt256 reverts at 2^255; a uint256 product at 2^256 (Solidity 0.8's checked arithmetic). */
const INT256 = 1n << 255n;
const UINT256 = 1n << 256n;

/** Where the contracts would revert on an amount past its width (no liquidation happens: the scan reports an overflow). */
class Reverts extends Error {}
function int256(x: bigint): bigint {
  if (x >= INT256 || x < -INT256) throw new Reverts();
  return x;
}
function uint256(x: bigint): bigint {
  if (x >= UINT256 || x < 0n) throw new Reverts();
  return x;
}

export function gmxOf(market: Market): GmxMarket {
  if (market.gmx === undefined) throw new RangeError(`market ${market.id}: a gmx-v2 market needs its gmx parameters`);
  return market.gmx;
}

/** Precision.applyFactor(value, factor): value * factor / 10^30, truncated (value >= 0). */
export function applyFactor(value: bigint, factor: bigint): bigint {
  return (value * factor) / FLOAT_PRECISION;
}

/** Calc.roundUpDivision for a >= 0, b > 0. */
export function roundUpDivision(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The index token's price per token unit (10^-tokenDecimals, the unit of sizeInTokens and of the
 * open interest in tokens; book/gmx-wide.ts) at FLOAT_PRECISION for a price x in the market's units.
 */
export function indexUnitPrice(market: Market, x: bigint): bigint {
  return x * pow10(30 - gmxTokenDecimals(market) - market.priceDecimals);
}

/** A collateral token's price per token unit (10^-tokenDecimals, the unit of the exact balance) at FLOAT_PRECISION for a price c in the asset's units. */
export function collateralUnitPrice(asset: Asset, c: bigint): bigint {
  return c * pow10(30 - assetTokenDecimals(asset) - asset.priceDecimals);
}

/** Price.pickPriceForPnl(isLong, maximize): a long's pnl is largest at the max price, a short's at the min. */
export function pickPriceForPnl(min: bigint, max: bigint, isLong: boolean, maximize: boolean): bigint {
  return isLong === maximize ? max : min;
}

/**
 * MarketUtils.getPnl(market, price, isLong, maximize) of one side, from the side's open interest:
 * openInterest.toInt256(), (openInterestInTokens * price).toInt256(), their difference (int256).
 */
export function poolPnl(market: Market, side: GmxPoolSide, isLong: boolean, minPrice: bigint, maxPrice: bigint): bigint {
  const oi = int256(side.openInterestUsd);
  if (oi === 0n || side.openInterestInTokens === 0n) return 0n;
  const value = int256(uint256(side.openInterestInTokens * indexUnitPrice(market, pickPriceForPnl(minPrice, maxPrice, isLong, true))));
  return isLong ? value - oi : oi - value;
}

/** MarketUtils.getCappedPnl(pnl, poolUsd, MAX_PNL_FACTOR_FOR_TRADERS): applyFactor is Math.mulDiv (full width), then toInt256. */
export function cappedPnl(pnl: bigint, side: GmxPoolSide): bigint {
  if (pnl < 0n) return pnl;
  const maxPnl = int256(applyFactor(uint256(side.poolUsd), side.maxPnlFactorForTraders));
  return pnl > maxPnl ? maxPnl : pnl;
}

/**
 * PositionUtils.getPositionPnlUsd(..., sizeDeltaUsd = sizeInUsd): the position's value at the
 * price that minimises its pnl less its sizeInUsd (a short: the reverse); a positive pnl scaled by
 * cappedPoolPnl / poolPnl when the pool's pnl is capped (Precision.mulDiv: Math.mulDiv's 512-bit
 * product, truncated). Throws Reverts where the contract's int256/uint256 would.
 */
export function positionPnl(market: Market, sizeInTokens: bigint, sizeInUsd: bigint, minPrice: bigint, maxPrice: bigint): bigint {
  const isLong = sizeInTokens > 0n;
  const tokens = isLong ? sizeInTokens : -sizeInTokens;
  const value = int256(uint256(tokens * indexUnitPrice(market, pickPriceForPnl(minPrice, maxPrice, isLong, false))));
  const usd = int256(sizeInUsd);
  let pnl = isLong ? value - usd : usd - value;
  if (pnl > 0n) {
    const side = isLong ? gmxOf(market).long : gmxOf(market).short;
    const pool = poolPnl(market, side, isLong, minPrice, maxPrice);
    const capped = cappedPnl(pool, side);
    if (capped !== pool && capped > 0n && pool > 0n) pnl = int256((pnl * capped) / pool);
  }
  return pnl;
}

/**
 * isPositionLiquidatable's price impact: the given impact (capped positive impact plus the
 * pending impact), 0 when not negative, else no lower than -applyFactor(sizeInUsd,
 * maxPositionImpactFactorForLiquidations).
 */
export function liquidationImpact(market: Market, impact: bigint, sizeInUsd: bigint): bigint {
  if (impact >= 0n) return 0n;
  const floor = -applyFactor(sizeInUsd, gmxOf(market).maxPositionImpactFactorForLiquidations);
  return impact < floor ? floor : impact;
}

/** One gmx-v2 account's position, balance and collateral asset (book/validate.ts guarantees the shape). */
export interface GmxPositionView {
  readonly market: Market;
  /** sizeInTokens (10^-tokenDecimals index tokens), signed: exact, not the size image. */
  readonly size: bigint;
  /** sizeInUsd at FLOAT_PRECISION. */
  readonly sizeInUsd: bigint;
  /** The given price impact at FLOAT_PRECISION. */
  readonly impact: bigint;
  /** collateralAmount less totalCostAmount (10^-tokenDecimals of its asset, exact), and its asset (null: no balance, 0 collateral). */
  readonly collateral: bigint;
  readonly asset: Asset | null;
}

/** Everything isPositionLiquidatable computes, at FLOAT_PRECISION. */
export interface GmxTrigger {
  /** remainingCollateralUsd. */
  readonly remaining: bigint;
  /** MIN_COLLATERAL_USD and minCollateralUsdForLeverage = applyFactor(sizeInUsd, minCollateralFactorForLiquidation). */
  readonly minCollateralUsd: bigint;
  readonly minCollateralUsdForLeverage: bigint;
  /** The collateral token's min price per unit. */
  readonly collateralPrice: bigint;
  /** The reason, as the contract names it, or null when not liquidatable. */
  readonly reason: "min collateral" | "< 0" | "min collateral for leverage" | null;
  /** The largest magnitude among the position's terms (the core's 128-bit bound applies to it). */
  readonly largest: bigint;
  /** The contracts would revert on an amount past uint256 or int256 (unreachable below the book's bounds). */
  readonly reverts: boolean;
}

export function viewOf(book: Pick<Book, "markets" | "assets">, acct: Account): GmxPositionView | null {
  const pos = acct.positions[0];
  if (pos === undefined || pos.size === 0n) return null;
  const market = book.markets[pos.market]!;
  const balance = acct.balances?.[0];
  return {
    market,
    size: sizeInTokensOf(pos, market),
    sizeInUsd: sizeInUsdOf(pos),
    impact: collateralOf30(acct),
    collateral: balance === undefined ? 0n : tokenAmountOf(balance, book.assets![balance.asset]!),
    asset: balance === undefined ? null : book.assets![balance.asset]!,
  };
}

/**
 * PositionUtils.isPositionLiquidatable(..., shouldValidateMinCollateralUsd = true, forLiquidation
 * = true), as the liquidation path calls it (DecreasePositionUtils): remaining < MIN_COLLATERAL_USD,
 * or remaining <= 0, or remaining < applyFactor(sizeInUsd, minCollateralFactorForLiquidation).
 * `indexMin` is the index token's min price (the market's mark), `collateralMin` the collateral's.
 */
export function gmxTrigger(v: GmxPositionView, indexMin: bigint, collateralMin: bigint): GmxTrigger {
  const g = gmxOf(v.market);
  const indexMax = indexMin + g.indexPriceSpread;
  let pnl = 0n, reverts = false;
  try {
    pnl = positionPnl(v.market, v.size, v.sizeInUsd, indexMin, indexMax);
  } catch (e) {
    if (!(e instanceof Reverts)) throw e;
    reverts = true;
  }
  const collateralPrice = v.asset === null ? 0n : collateralUnitPrice(v.asset, collateralMin);
  const collateralUsd = v.collateral * collateralPrice;
  const impact = liquidationImpact(v.market, v.impact, v.sizeInUsd);
  const remaining = collateralUsd + pnl + impact;
  const minCollateralUsd = g.minCollateralUsd;
  const minCollateralUsdForLeverage = applyFactor(v.sizeInUsd, g.minCollateralFactorForLiquidation);
  const reason = remaining < minCollateralUsd ? "min collateral" : remaining <= 0n ? "< 0" : remaining < minCollateralUsdForLeverage ? "min collateral for leverage" : null;
  // The position's magnitudes the core forms (assembly/venues/gmx-v2.ts), each of which must stay
  // below GMX_LIMIT. The pool's are not among them: the core's pool path is 256-bit, exact for the
  // book's market amounts (below 2^192).
  const tokens = v.size < 0n ? -v.size : v.size;
  const isLong = v.size > 0n;
  const terms = [tokens * indexUnitPrice(v.market, pickPriceForPnl(indexMin, indexMax, isLong, false)), v.sizeInUsd, minCollateralUsd];
  if (v.impact < 0n) terms.push(-v.impact);
  if (v.asset !== null) terms.push(collateralPrice, (v.collateral < 0n ? -v.collateral : v.collateral) * collateralPrice);
  const largest = terms.reduce(max, 0n);
  return { remaining, minCollateralUsd, minCollateralUsdForLeverage, collateralPrice, reason: reverts ? null : reason, largest, reverts };
}

/** What the liquidation fee comes to (PositionPricingUtils.getLiquidationFees): its token amount, the fee receiver's share of it. */
export function liquidationFees(market: Market, sizeInUsd: bigint, collateralPrice: bigint): { amount: bigint; receiverAmount: bigint } {
  const g = gmxOf(market);
  if (g.liquidationFeeFactor === 0n || collateralPrice === 0n) return { amount: 0n, receiverAmount: 0n };
  const feeUsd = applyFactor(sizeInUsd, g.liquidationFeeFactor);
  const amount = roundUpDivision(feeUsd, collateralPrice);
  return { amount, receiverAmount: applyFactor(amount, g.liquidationFeeReceiverFactor) };
}

/**
 * The full close (LiquidationUtils.createLiquidationOrder: sizeDeltaUsd = sizeInUsd) at the
 * trigger's valuation, in quote units: the liquidation fee (its token amount at the collateral's
 * min price) when what remains pays it whole, the fee receiver's share the liquidatorReward and
 * the rest the pool's (insuranceFund); when it does not, the fees are emptied and what was paid
 * goes to the pool (DecreasePositionCollateralUtils: "credit the fee amount entirely to the
 * pool"), and a negative remainder is the pool's shortfall (badDebt). Amounts are truncated to
 * quote units, the shortfall rounded up.
 */
export function gmxCloseOut(v: GmxPositionView, t: GmxTrigger, notional: bigint): CloseOut {
  const fees = liquidationFees(v.market, v.sizeInUsd, t.collateralPrice);
  const feeUsd = fees.amount * t.collateralPrice;
  if (t.remaining >= feeUsd) {
    const penalty = feeUsd / QUOTE_TO_FLOAT;
    const reward = (fees.receiverAmount * t.collateralPrice) / QUOTE_TO_FLOAT;
    return { notional, penalty, liquidatorReward: reward, insuranceFund: penalty - reward, badDebt: 0n, returned: (t.remaining - feeUsd) / QUOTE_TO_FLOAT };
  }
  const paid = t.remaining > 0n ? t.remaining / QUOTE_TO_FLOAT : 0n;
  return { notional, penalty: paid, liquidatorReward: 0n, insuranceFund: paid, badDebt: t.remaining < 0n ? ceilDiv(-t.remaining, QUOTE_TO_FLOAT) : 0n, returned: 0n };
}

/** The position's notional at the mark (quote units, truncated): what the close trades. */
function notionalAt(market: Market, size: bigint, mark: bigint): bigint {
  const tokens = size < 0n ? -size : size;
  return (tokens * indexUnitPrice(market, mark)) / QUOTE_TO_FLOAT;
}

function collateralPriceOf(book: Pick<Book, "assets">, acct: Account, assetPrices?: readonly bigint[]): bigint {
  const b = acct.balances?.[0];
  if (b === undefined) return 0n;
  return assetPrices?.[b.asset] ?? book.assets![b.asset]!.price;
}

/**
 * Scan one account at `marks` (the index min prices): overflow when a position's term passes
 * GMX_LIMIT (the core's bound), the contracts would revert, or a reported amount passes 64 bits; equity is remainingCollateralUsd truncated to
 * quote units, maintenance the larger threshold rounded up (both reported; the trigger decides
 * on the exact values).
 */
export function scanGmxAccount(book: Book, acct: Account, marks: readonly bigint[], assetPrices?: readonly bigint[]): AccountResult {
  const v = viewOf(book, acct);
  if (v === null) return { status: "ok", equity: floorDiv(acct.collateral, 1n), maintenance: 0n, closeOut: null };
  const mark = marks[acct.positions[0]!.market]!;
  const t = gmxTrigger(v, mark, collateralPriceOf(book, acct, assetPrices));
  if (t.largest >= GMX_LIMIT || t.reverts) return { status: "overflow", equity: null, maintenance: null, closeOut: null };
  const equity = floorDiv(t.remaining, QUOTE_TO_FLOAT);
  const maintenance = ceilDiv(max(t.minCollateralUsd, t.minCollateralUsdForLeverage), QUOTE_TO_FLOAT);
  if (t.reason === null) return { status: "ok", equity, maintenance, closeOut: null };
  const closeOut = gmxCloseOut(v, t, notionalAt(v.market, v.size, mark));
  if (!fitsI64(closeOut.notional)) return { status: "overflow", equity: null, maintenance: null, closeOut: null };
  return { status: "liquidatable", equity, maintenance, closeOut };
}

/** The exact trigger at `marks`, unbounded. */
export function gmxLiquidatable(book: Book, acct: Account, marks: readonly bigint[], assetPrices?: readonly bigint[]): boolean {
  const v = viewOf(book, acct);
  if (v === null) return false;
  return gmxTrigger(v, marks[acct.positions[0]!.market]!, collateralPriceOf(book, acct, assetPrices)).reason !== null;
}

/**
 * The liquidation price (index min price, the collateral's price held): for a long the greatest
 * price in [xMin, xMax] at which the position is liquidatable, for a short the least; null for
 * none. The remaining collateral is nondecreasing in the price for a long (nonincreasing for a
 * short) wherever the pnl is not positive; a positive pnl scaled by the pool's cap can bend it, so
 * the search (a bisection) is checked, not assumed: the answer is verified liquidatable and its
 * neighbour not, and a failed check is an error (test/venues/gmx-*.test.ts sweeps it).
 */
export function gmxLiquidationPrice(book: Book, acct: Account, marks: readonly bigint[], xMin = 0n, xMax = I64_MAX, assetPrices?: readonly bigint[]): bigint | null {
  const v = viewOf(book, acct);
  if (v === null || xMin > xMax) return null;
  const c = collateralPriceOf(book, acct, assetPrices);
  const liq = (x: bigint) => gmxTrigger(v, x, c).reason !== null;
  if (v.size > 0n) {
    // The least x with "not liquidatable" (false below it, true above), minus one.
    const first = leastWhere(xMin, xMax + 1n, (x) => !liq(x));
    return first === xMin ? null : first - 1n;
  }
  const first = leastWhere(xMin, xMax + 1n, liq);
  return first > xMax ? null : first;
}

/** Every position whole (a full close). */
function steps(x: CloseOutInput): { readonly now: bigint; readonly next: bigint }[] {
  return x.notionals.map((n) => ({ now: n, next: 0n }));
}

/** A fill is not modelled on a gmx-v2 book (an increase or decrease re-derives sizeInUsd, fees and impact): refused. */
function fill(market: Market): FillOutcome {
  throw new RangeError(`market ${market.id}: fills are not modelled on gmx-v2 books (docs/venues/gmx-v2.md); edit the position instead`);
}

/** The image the generic machinery reads (notional * minCollateralFactorForLiquidation in ppm); the exact rules are scanGmxAccount's. */
function ratePpm(market: Market): bigint {
  return gmxOf(market).minCollateralFactorForLiquidation / QUOTE_TO_FLOAT;
}

export const gmxV2: VenueRules = {
  name: "gmx-v2",
  maintenanceLines(market: Market) {
    return { denominator: PPM, tiers: [{ maxNotional: null, slope: ratePpm(market), offset: 0n }] };
  },
  equityEntry: () => 0n,
  triggerSlack: 0n,
  fill,
  fee: (market, n) => (n * gmxOf(market).liquidationFeeFactor) / FLOAT_PRECISION,
  slippage: () => 0n,
  // Not reached: the account is the venue's own (ownAccount below).
  closeOut: () => { throw new RangeError("gmx-v2: the close-out is scanGmxAccount's"); },
  steps,
  initialMargin: () => null,
  ownAccount: {
    scan: (book, acct, marks) => scanGmxAccount(book, acct, marks),
    liquidatable: (book, acct, marks) => gmxLiquidatable(book, acct, marks),
    liquidationPrice: (book, acct, marks, xMin, xMax) => gmxLiquidationPrice(book, acct, marks, xMin, xMax),
  },
};

