/**
 * Drift protocol v2 perpetuals (docs/venues/drift-v2.md), as the program computes them
 * (github.com/drift-labs/protocol-v2 at 0ae3e3b1db78, programs/drift/src/): integer amounts in the
 * program's precisions, truncating division wherever the program divides, cross margin with the
 * account's USDC as its quote collateral. Every function names the program function it follows.
 *
 * Units: a size is BASE_PRECISION (10^-9 base), a price PRICE_PRECISION (10^-6 USD), quote
 * QUOTE_PRECISION (10^-6 USDC): the book's units with sizeDecimals 9 and priceDecimals 6, so
 * K = PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO = 10^9. A position's `entryPrice` slot holds its
 * quote_asset_amount (book/types.ts Position). The quote (USDC) oracle price is taken as exactly
 * 1 (PRICE_PRECISION), so the program's multiplications by the quote price are identities.
 */
import { leastWhere } from "../price-ranges.js";
import { BookError } from "../../book/errors.js";
import { PPM, type Asset, type CloseOut, type DriftMarket, type Market } from "../../book/types.js";
import type { BalanceList, WeightKind } from "../assets.js";
import { I64_MAX, ceilDiv, floorDiv, max, min } from "../arith.js";
import { scaling } from "../position.js";
import type { CloseOutInput, FillOutcome, PriceQuery, Valuation, VenueRules } from "./rules.js";

/** MARGIN_PRECISION = SPOT_WEIGHT_PRECISION = LIQUIDATION_PCT_PRECISION. */
export const MARGIN_PRECISION = 10_000n;
/** LIQUIDATION_FEE_PRECISION = SPOT_IMF_PRECISION = PERCENTAGE_PRECISION. */
export const FEE_PRECISION = 1_000_000n;
/** PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO = AMM_RESERVE_PRECISION: base * price / this = quote. */
export const BASE_TIMES_PRICE_TO_QUOTE = 1_000_000_000n;
export const PRICE_PRECISION = 1_000_000n;
export const QUOTE_PRECISION = 1_000_000n;
/** LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO. */
const FEE_PER_MARGIN = FEE_PRECISION / MARGIN_PRECISION;
/** $50: below this shortage the whole of it may be freed at once, below this value the whole position taken. */
const FIFTY_DOLLARS = 50n * QUOTE_PRECISION;
const U64_MAX = (1n << 64n) - 1n;

export function driftOf(market: Market): DriftMarket {
  if (market.drift === undefined) throw new RangeError(`market ${market.id}: a drift-v2 market needs its drift parameters`);
  return market.drift;
}

/** The market's margin_ratio_maintenance (10^-4): the tier's ppm rate / 100. */
export function maintenanceRatio(market: Market): bigint {
  return market.tiers[0]!.mmrPpm / FEE_PER_MARGIN;
}

/** num_integer's nth_root(2) on u128: the floor of the square root. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative number");
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/**
 * math/margin.rs calculate_size_premium_liability_weight(size, imf_factor, liability_weight,
 * MARGIN_PRECISION, is_bounded): with imf 0 the weight itself; else
 * (w - w/5) + isqrt(size * 10 + 1) * imf / (100_000 * 10^6 / precision), bounded below by w when asked.
 */
export function sizePremiumLiabilityWeight(size: bigint, imfFactor: bigint, weight: bigint, precision: bigint, bounded: boolean): bigint {
  if (imfFactor === 0n) return weight;
  const sizeSqrt = isqrt(size * 10n + 1n);
  const premium = weight - weight / 5n + (sizeSqrt * imfFactor) / ((100_000n * FEE_PRECISION) / precision);
  return bounded ? max(weight, premium) : premium;
}

/**
 * state/perp_market.rs PerpMarket::get_margin_ratio(size, type, false) for the ordinary (not
 * high-leverage) mode: the type's ratio, or its size premium when larger. `size` is |base| (10^-9).
 */
export function marginRatio(market: Market, absSize: bigint, type: "initial" | "maintenance"): bigint {
  const d = driftOf(market);
  const base = type === "initial" ? d.marginRatioInitial : maintenanceRatio(market);
  return max(base, sizePremiumLiabilityWeight(absSize, d.imfFactor, base, MARGIN_PRECISION, true));
}

/** math/position.rs calculate_base_asset_value_with_oracle_price: |base| * price / 10^9, truncated. */
export function baseAssetValue(market: Market, size: bigint, price: bigint): bigint {
  const { mul, div } = scaling(market);
  return ((size < 0n ? -size : size) * price * mul) / div;
}

/**
 * math/position.rs calculate_base_asset_value_and_pnl_with_oracle_price: the signed value
 * base * price / 10^9 (i128 division: toward zero) plus the quote asset amount.
 */
export function unrealizedPnl(market: Market, size: bigint, quoteAssetAmount: bigint, price: bigint): bigint {
  if (size === 0n) return quoteAssetAmount;
  const { mul, div } = scaling(market);
  return (size * price * mul) / div + quoteAssetAmount;
}

/**
 * math/margin.rs calculate_perp_position_value_and_pnl for the maintenance type: a positive pnl
 * times unrealized_pnl_maintenance_asset_weight / 10^4 (get_unrealized_asset_weight; i128 division,
 * so truncated), a negative one whole.
 */
export function weightedPnl(market: Market, pnl: bigint): bigint {
  const w = driftOf(market).unrealizedPnlMaintenanceAssetWeight;
  return pnl > 0n && w !== MARGIN_PRECISION ? (pnl * w) / MARGIN_PRECISION : pnl;
}

/** The position's maintenance margin requirement: liability value * margin ratio / 10^4 (no open orders). */
export function marginRequirement(market: Market, size: bigint, n: bigint): bigint {
  return (n * marginRatio(market, size < 0n ? -size : size, "maintenance")) / MARGIN_PRECISION;
}

/**
 * math/liquidation.rs calculate_perp_if_fee(shortage, base, margin_ratio, liquidator_fee, price,
 * max_if_fee, quote_price): 95 % of the fee the shortage leaves room for, capped. The scan's quote
 * price is 10^6 (USDC at 1); the parameter carries the program's own test vectors over.
 */
export function perpIfFee(shortage: bigint, absSize: bigint, marginRatioWithBuffer: bigint, liquidatorFee: bigint, oraclePrice: bigint, maxIfFee: bigint, quotePrice = PRICE_PRECISION): bigint {
  const ratio = marginRatioWithBuffer * FEE_PER_MARGIN;
  if (oraclePrice === 0n || quotePrice === 0n || ratio <= liquidatorFee || absSize === 0n) return 0n;
  const price = (oraclePrice * quotePrice) / PRICE_PRECISION;
  // (shortage * BASE_PRECISION / base * PRICE_PRECISION / price).cast::<u32>().unwrap_or(u32::MAX)
  const perBase = ((shortage * BASE_TIMES_PRICE_TO_QUOTE) / absSize) * PRICE_PRECISION / price;
  const used = perBase > 0xffff_ffffn ? 0xffff_ffffn : perBase;
  const room = ratio - liquidatorFee - used; // saturating_sub twice: at least 0
  const implied = ((room > 0n ? room : 0n) * 19n) / 20n;
  return min(maxIfFee, implied);
}

/**
 * math/liquidation.rs calculate_base_asset_amount_to_cover_margin_shortage(shortage, margin_ratio,
 * liquidator_fee, if_fee, price, quote_price; the scan's is 10^6): shortage * 10^9 / (price * (ratio * 100 -
 * fee) / 10^6 - price * if_fee / 10^6); u64::MAX when the price is 0 or the ratio does not exceed
 * the fee (the program's answer), and also where the program's division or cast would fail (a
 * zero divisor, a quotient past u64): the liquidation may then take the whole position.
 */
export function baseToCoverShortage(shortage: bigint, marginRatioWithBuffer: bigint, liquidatorFee: bigint, ifFee: bigint, price: bigint, quotePrice = PRICE_PRECISION): bigint {
  const ratio = marginRatioWithBuffer * FEE_PER_MARGIN;
  if (price === 0n || ratio <= liquidatorFee) return U64_MAX;
  const divisor = ((price * quotePrice) / PRICE_PRECISION) * (ratio - liquidatorFee) / FEE_PRECISION - (price * ifFee) / FEE_PRECISION;
  if (divisor <= 0n) return U64_MAX;
  const q = (shortage * BASE_TIMES_PRICE_TO_QUOTE) / divisor;
  return q > U64_MAX ? U64_MAX : q;
}

/**
 * math/liquidation.rs get_liquidation_fee(base, max, last_active_slot, slot): the base fee within
 * LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS (1,500) of the user's last activity, then 1 (10^-6) more
 * per slot, capped at the market's max (PerpMarket::get_max_liquidation_fee: min(3 * fee,
 * maintenance ratio * 100)). The scan's step is at the slot the account enters liquidation, when
 * the program sets last_active_slot: the base fee.
 */
export function liquidationFee(baseFee: bigint, maxFee: bigint, lastActiveSlot: bigint, slot: bigint): bigint {
  const elapsed = slot - lastActiveSlot;
  if (elapsed < 1_500n) return baseFee;
  return min(baseFee + elapsed, maxFee);
}

export function maxLiquidationFee(market: Market): bigint {
  return min(3n * market.liquidationFeePpm, maintenanceRatio(market) * FEE_PER_MARGIN);
}

/** math/orders.rs standardize_base_asset_amount_ceil: up to a multiple of the step. */
export function ceilToStep(base: bigint, step: bigint): bigint {
  const r = base % step;
  return r === 0n ? base : base + step - r;
}

/**
 * math/liquidation.rs calculate_max_pct_to_liquidate at the slot the account enters liquidation
 * (slots elapsed 0, nothing freed yet; controller/liquidation.rs enter_liquidation sets
 * last_active_slot): 100 % below a $50 shortage, else the state's initial share, as the program
 * rounds it: trunc(trunc(shortage * pct / 10^4) * 10^4 / shortage).
 */
export function maxPctToLiquidate(shortage: bigint, initialPct: bigint): bigint {
  if (shortage < FIFTY_DOLLARS) return MARGIN_PRECISION;
  const pct = min(MARGIN_PRECISION, initialPct);
  return (((shortage * pct) / MARGIN_PRECISION) * MARGIN_PRECISION) / shortage;
}

/** One position's liquidation step (controller/liquidation.rs liquidate_perp), against a share of the account's shortage. */
export interface DriftStep {
  /** Base (10^-9) transferred to the liquidator. */
  readonly base: bigint;
  /** Its value at the oracle price: the notional closed. */
  readonly value: bigint;
  readonly liquidatorFee: bigint;
  readonly ifFee: bigint;
}

/** The account's amounts the liquidation reads (state/margin_calculation.rs MarginCalculation in liquidation mode). */
export interface DriftAccountState {
  /** margin_shortage: max(0, requirement_plus_buffer - (total_collateral + total_collateral_buffer)). */
  readonly shortage: bigint;
  /** Each position's maintenance requirement. */
  readonly requirements: readonly bigint[];
  /** The program's margin_requirement: the positions' plus the borrows' weighted values (a USDC borrow at weight 1). */
  readonly programRequirement: bigint;
  /** What the account holds once every position is closed at the oracle price, before fees: equity less the weighted pnls plus the raw ones. */
  readonly unweighted: bigint;
}

/**
 * The margin calculation in liquidation mode (MarginContext::liquidation(buffer)) of the account
 * as scanned (x.equity: total collateral less the borrows' requirements):
 * add_cross_margin_margin_requirement adds liability * buffer / 10^4 beside each requirement (a
 * position's liability is its value, a borrow's its token value), add_cross_margin_total_collateral
 * adds contribution * buffer / 10^4 (toward zero) for each negative contribution (a position's
 * negative weighted pnl). A USDC borrow (negative quote collateral) is a liability of value and
 * requirement |collateral| (weight 1). So shortage = max(0, requirement - equity + the buffer's
 * terms). The buffer ratio is the State's, the same on every market.
 */
export function accountState(x: CloseOutInput): DriftAccountState {
  const quote = x.collateral ?? 0n;
  const entries = x.entries ?? [];
  const buffer = x.markets.length > 0 ? driftOf(x.markets[0]!).liquidationMarginBufferRatio : 0n;
  const bufferOf = (liability: bigint) => (liability * buffer) / MARGIN_PRECISION;
  let extra = 0n, requirement = 0n, unweighted = x.equity;
  const requirements: bigint[] = [];
  x.notionals.forEach((n, i) => {
    const market = x.markets[i]!;
    const size = x.sizes[i]!;
    const req = marginRequirement(market, size, n);
    requirements.push(req);
    requirement += req;
    extra += bufferOf(n);
    const raw = unrealizedPnl(market, size, entries[i]!, x.prices[i]!);
    const w = weightedPnl(market, raw);
    unweighted += raw - w;
    if (w < 0n) extra += bufferOf(-w);
  });
  let programRequirement = requirement;
  if (quote < 0n) {
    extra += bufferOf(-quote);
    programRequirement += -quote;
  }
  for (const b of x.balances ?? []) {
    const asset = x.assets![b.asset]!;
    const v = spotValue(asset, b.amount, asset.price);
    if (v.weighted < 0n) {
      extra += bufferOf(-v.tokenValue);
      programRequirement += -v.weighted;
    }
  }
  return { shortage: max(0n, requirement - x.equity + extra), requirements, programRequirement, unweighted };
}

// ---- spot balances (collateral assets) --------------------------------------------------------

/** The asset's imf factor (10^-6; SpotMarket.imf_factor), 0 when the book gives none. */
function spotImf(asset: Asset): bigint {
  return asset.drift?.imfFactor ?? 0n;
}

/**
 * math/margin.rs calculate_size_discount_asset_weight(size, imf, w): with imf 0 the weight, else
 * min(w, (1.1 * 10^6) * 10^4 / (10^6 + isqrt(size * 10 + 1) * imf / 10^5)).
 */
export function sizeDiscountAssetWeight(size: bigint, imfFactor: bigint, weight: bigint): bigint {
  if (imfFactor === 0n) return weight;
  const sizeSqrt = isqrt(size * 10n + 1n);
  const discounted = ((FEE_PRECISION + FEE_PRECISION / 10n) * MARGIN_PRECISION) / (FEE_PRECISION + (sizeSqrt * imfFactor) / 100_000n);
  return min(weight, discounted);
}

/** state/spot_market.rs: a token amount in AMM_RESERVE_PRECISION (10^9), truncated. */
export function sizeInBasePrecision(absAmount: bigint, decimals: number): bigint {
  const precision = 10n ** BigInt(decimals);
  return precision > BASE_TIMES_PRICE_TO_QUOTE ? absAmount / (precision / BASE_TIMES_PRICE_TO_QUOTE) : (absAmount * BASE_TIMES_PRICE_TO_QUOTE) / precision;
}

/**
 * A balance's token value and weighted value (the maintenance type; `kind` "initial" takes the
 * asset's initial weight): math/spot_balance.rs get_strict_token_value (strict off, as in
 * liquidation: the oracle price; a borrow's value floored, away from zero), then
 * SpotPosition::simulate_fills_both_sides' weighting: a deposit at get_asset_weight (the
 * maintenance weight, size-discounted), a borrow at get_liability_weight (size-premium, bounded
 * below by the weight), value * weight / 10^4 truncated toward zero (i128 division).
 */
export function spotValue(asset: Asset, amount: bigint, price: bigint, kind: "maintenance" | "initial" = "maintenance"): { tokenValue: bigint; weighted: bigint } {
  if (amount === 0n) return { tokenValue: 0n, weighted: 0n };
  const precision = 10n ** BigInt(asset.decimals);
  const product = amount * price;
  const tokenValue = product < 0n ? floorDiv(product, precision) : product / precision;
  const size = sizeInBasePrecision(amount < 0n ? -amount : amount, asset.decimals);
  if (tokenValue > 0n) {
    const w = (kind === "maintenance" ? asset.maintenanceWeightPpm : asset.initialWeightPpm) / FEE_PER_MARGIN;
    return { tokenValue, weighted: (tokenValue * sizeDiscountAssetWeight(size, spotImf(asset), w)) / MARGIN_PRECISION };
  }
  if (tokenValue < 0n) {
    const lw = asset.liabilityWeightPpm / FEE_PER_MARGIN;
    return { tokenValue, weighted: (tokenValue * sizePremiumLiabilityWeight(size, spotImf(asset), lw, MARGIN_PRECISION, true)) / MARGIN_PRECISION };
  }
  return { tokenValue, weighted: 0n };
}

/**
 * The collateral value of an account with spot balances: its USDC plus each balance's weighted
 * value (spotValue). It fits when every balance's token value and weighted value fit 64 bits and
 * the sum lies in [-2^63 + 1, 2^63 - 1].
 */
function collateralValue(assets: readonly Asset[], collateral: bigint, balances: BalanceList | undefined, kind: WeightKind): { value: bigint; fits: boolean } {
  let value = collateral, fits = true;
  for (const b of balances ?? []) {
    const asset = assets[b.asset]!;
    const v = spotValue(asset, b.amount, asset.price, kind);
    value += v.weighted;
    const abs = (y: bigint) => (y < 0n ? -y : y);
    fits &&= abs(v.tokenValue) <= I64_MAX && abs(v.weighted) <= I64_MAX;
  }
  return { value, fits: fits && value <= I64_MAX && value > -(I64_MAX + 1n) };
}

/**
 * Each position's step of the account's first liquidation slot: liquidate_perp on every position
 * in turn, each against its share of the shortage, shortage * requirement_i / sum of the
 * requirements (the program's tracked_market_margin_shortage share, which the insurance-fund fee
 * already reads; one position: the whole shortage, as the program), with the program's
 * liquidator fee at its base (the user was active at this slot), the insurance-fund fee,
 * the size that covers the share ceiled to the step, the first slot's share of it, and a position
 * worth at most $50 taken whole.
 */
export function driftSteps(x: CloseOutInput, state = accountState(x)): DriftStep[] {
  const { shortage, requirements, programRequirement } = state;
  const perpRequirement = requirements.reduce((s, r) => s + r, 0n);
  return x.notionals.map((_n, i) => {
    const size = x.sizes[i]!;
    if (size === 0n) return { base: 0n, value: 0n, liquidatorFee: 0n, ifFee: 0n };
    const market = x.markets[i]!;
    const d = driftOf(market);
    const price = x.prices[i]!;
    const abs = size < 0n ? -size : size;
    const ratioWithBuffer = marginRatio(market, abs, "maintenance") + d.liquidationMarginBufferRatio;
    const fee = market.liquidationFeePpm;
    const tracked = programRequirement === 0n ? 0n : (shortage * requirements[i]!) / programRequirement;
    const ifRate = perpIfFee(tracked, abs, ratioWithBuffer, fee, price, d.ifLiquidationFee);
    const share = perpRequirement === 0n ? shortage : (shortage * requirements[i]!) / perpRequirement;
    let cover = baseToCoverShortage(share, ratioWithBuffer, fee, ifRate, price);
    // Ceiled to the step; a ceiling past u64 is the program's failed safe_add: taken as u64::MAX too.
    if (cover !== U64_MAX) cover = min(ceilToStep(cover, d.orderStepSize), U64_MAX);
    const pct = maxPctToLiquidate(shortage, d.initialPctToLiquidate);
    const allowedWide = (cover * pct) / MARGIN_PRECISION;
    const allowed = allowedWide > U64_MAX ? U64_MAX : allowedWide;
    if (allowed === 0n) return { base: 0n, value: 0n, liquidatorFee: 0n, ifFee: 0n };
    const minimum = baseAssetValue(market, abs, price) > FIFTY_DOLLARS ? 0n : abs;
    const base = ceilToStep(min(abs, max(allowed, minimum)), d.orderStepSize);
    const value = baseAssetValue(market, base, price);
    return { base, value, liquidatorFee: (value * fee) / FEE_PRECISION, ifFee: (value * ifRate) / FEE_PRECISION };
  });
}

/**
 * The close-out: the first liquidation slot's steps (driftSteps). The liquidator's fee is its
 * reward, the insurance-fund fee the fund's (both taken from the account's quote); penalty = both.
 * When the steps take every position whole the account is left with its collateral value plus the
 * positions' unweighted pnl less the fees (spot balances stay, at their weighted value): returned if positive, bad debt (the insurance fund, then
 * the funding-rate socialisation of resolve_perp_bankruptcy) if negative; a partial step returns
 * nothing and leaves any loss to a later step.
 */
function closeOut(x: CloseOutInput): CloseOut {
  const state = accountState(x);
  // A shortage past 2^63 - 1 is an overflow in both engines (the program's u128 would hold it, the
  // scan's 64-bit amounts would not): amounts beyond 64 bits say so to the scan.
  if (state.shortage > I64_MAX) return { notional: 0n, penalty: 1n << 63n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 1n << 63n, returned: 0n };
  const steps = driftSteps(x, state);
  const reward = steps.reduce((s, p) => s + p.liquidatorFee, 0n);
  const fund = steps.reduce((s, p) => s + p.ifFee, 0n);
  const whole = steps.every((p, i) => p.base === (x.sizes[i]! < 0n ? -x.sizes[i]! : x.sizes[i]!));
  const left = state.unweighted - reward - fund;
  return {
    notional: steps.reduce((s, p) => s + p.value, 0n),
    penalty: reward + fund,
    liquidatorReward: reward,
    insuranceFund: fund,
    badDebt: whole && left < 0n ? -left : 0n,
    returned: whole && left > 0n ? left : 0n,
  };
}

/** Per position: the value this step closes and the value of what it leaves (0 where it takes the position whole). */
function steps(x: CloseOutInput): { readonly now: bigint; readonly next: bigint }[] {
  return driftSteps(x).map((p, i) => {
    const size = x.sizes[i]!;
    const left = (size < 0n ? -size : size) - p.base;
    return { now: p.value, next: left === 0n ? 0n : baseAssetValue(x.markets[i]!, left, x.prices[i]!) };
  });
}

/**
 * The liquidation price of one position: at price x its contribution to the trigger is
 * g(n) = W(+-n + q) - trunc(n * mr / 10^4), n = trunc(|s| x / 10^9), with W the weighting of a
 * positive pnl and mr its margin ratio (fixed: it depends on the size only), and the account is
 * liquidatable iff A + g(n) < 0. For a short g never increases with n (W's and the requirement's
 * steps both lower it); for a long it never decreases when positive pnl counts whole (weight 100 %)
 * and mr <= 100 %: then a bisection on n finds the boundary, as for dydx-v4. Otherwise g is not
 * monotone and this search is refused (docs/venues/drift-v2.md).
 */
function liquidationPrice(q: PriceQuery): bigint | null {
  const { market, size, A, xMin, xMax } = q;
  if (size === 0n || xMin > xMax) return null;
  const entry = q.entryPrice ?? 0n;
  const { mul, div: K } = scaling(market);
  const abs = size < 0n ? -size : size;
  const u = abs * mul;
  const long = size > 0n;
  const mr = q.bankruptcy ? 0n : marginRatio(market, abs, "maintenance");
  const w = driftOf(market).unrealizedPnlMaintenanceAssetWeight;
  if (long && !q.bankruptcy && (w !== MARGIN_PRECISION || mr > MARGIN_PRECISION)) {
    // An input the search does not cover: said as a book error (the CLI's exit 2), not computed wrongly.
    throw new BookError(`market ${JSON.stringify(market.id)}`, w !== MARGIN_PRECISION ? "drift.unrealizedPnlMaintenanceAssetWeight" : "tiers",
      `a long's liquidation price is not computed when positive pnl counts below 100 % or the size premium takes the margin ratio past 100 % (the trigger is then not monotone in the price; docs/venues/drift-v2.md)`);
  }
  // Bankruptcy: the unweighted value, no requirement (equity <= 0 is A - 1 + value < 0, A given so).
  const g = (n: bigint) => {
    const pnl = (long ? n : -n) + entry;
    return (q.bankruptcy ? pnl : weightedPnl(market, pnl)) - (n * mr) / MARGIN_PRECISION;
  };
  const nOf = (x: bigint) => (u * x) / K;
  const nLo = nOf(xMin), nHi = nOf(xMax);
  if (long) {
    // The least n in [nLo, nHi] with A + g(n) >= 0 (g nondecreasing), nHi + 1 when none.
    const top = leastWhere(nLo, nHi + 1n, (n) => A + g(n) >= 0n) - 1n;
    if (top < nLo) return null;
    return min(xMax, ((top + 1n) * K - 1n) / u);
  }
  const lo = leastWhere(nLo, nHi + 1n, (n) => A + g(n) < 0n);
  if (lo > nHi) return null;
  return max(xMin, ceilDiv(lo * K, u));
}

const valuation: Valuation = {
  notional: baseAssetValue,
  // The position's weighted pnl: its value at the oracle price plus its quote asset amount.
  value: (market, size, quoteAssetAmount, price) => weightedPnl(market, unrealizedPnl(market, size, quoteAssetAmount, price)),
  maintenance: (market, n, size) => marginRequirement(market, size ?? 0n, n),
  // state/margin_calculation.rs meets_margin_requirement: total_collateral >= margin_requirement.
  liquidatable: (equity, maintenance) => equity < maintenance,
  liquidationPrice,
};

/**
 * A fill moves the position's quote asset amount by the trade's cash (controller/position.rs
 * update_position_and_market: quote -= base * price / 10^9 bought, += sold), rounded against the
 * holder: a payment up, a receipt down. Nothing moves the USDC collateral (pnl is settled apart).
 */
function fill(market: Market, size: bigint, quoteAssetAmount: bigint, fillSize: bigint, price: bigint): FillOutcome {
  const { mul, div } = scaling(market);
  return { size: size + fillSize, entryPrice: quoteAssetAmount + floorDiv(-fillSize * price * mul, div), collateralDelta: 0n };
}

export const driftV2: VenueRules = {
  name: "drift-v2",
  // The base ratio as one line (what the core's lines and float images are given; the exact
  // requirement is valuation.maintenance, with the size premium).
  maintenanceLines(market: Market) {
    return { denominator: PPM, tiers: [{ maxNotional: null, slope: market.tiers[0]!.mmrPpm, offset: 0n }] };
  },
  equityEntry: () => 0n,
  triggerSlack: 0n,
  fill,
  // What the core's overflow check sums: a bound on both fees, value * (liquidator fee + if fee cap) / 10^6.
  fee: (market, n) => (n * (market.liquidationFeePpm + driftOf(market).ifLiquidationFee)) / FEE_PRECISION,
  slippage: () => 0n,
  closeOut,
  steps,
  // The initial requirement's size premium needs the position's size, which this hook is not
  // given: not provided (docs/venues/drift-v2.md).
  initialMargin: () => null,
  valuation,
  collateralValue,
  // A position left after a slot's step is stepped again at the next (the time ramp frees more).
  repeatsSteps: true,
};
