/**
 * Per-position formulas of the model (shared/spec/model.md, "Per position i"), exact, on BigInt.
 * Every function works on unbounded integers: range checks (overflow) belong to the account scan.
 */
import { PPM, type Market } from "../book/types.js";
import { PPM2, abs, ceilDiv, floorDiv, max, min, pow10 } from "./arith.js";
import type { MaintenanceLines, VenueRules } from "./venues/rules.js";

/**
 * e = sizeDecimals + priceDecimals - 6: size * price is in 10^-(6+e) quote units, so it is
 * divided by K = 10^e when e >= 0 and multiplied by 10^-e when e < 0.
 */
export function priceExponent(market: Market): number {
  return market.sizeDecimals + market.priceDecimals - 6;
}

/**
 * The exact notional and pnl are ceil / floor of (integer / K) with K = 10^e; for e < 0 they are
 * integer * 10^-e. Both cases are "(integer * mul) / div" with div = 1 or mul = 1.
 */
export function scaling(market: Market): { readonly mul: bigint; readonly div: bigint } {
  const e = priceExponent(market);
  return e >= 0 ? { mul: 1n, div: pow10(e) } : { mul: pow10(-e), div: 1n };
}

/** notional = ceil(|s| * P / K) (quote units). */
export function notional(market: Market, size: bigint, price: bigint): bigint {
  const { mul, div } = scaling(market);
  return ceilDiv(abs(size) * price * mul, div);
}

/** pnl = floor(s * (P - p0) / K) (quote units): a loss rounds away from zero. */
export function pnl(market: Market, size: bigint, entryPrice: bigint, price: bigint): bigint {
  const { mul, div } = scaling(market);
  return floorDiv(size * (price - entryPrice) * mul, div);
}

/**
 * Volatility scale in ppm: max(10^6, ceil(current * 10^6 / reference)) when the market gives a
 * volatility, else 10^6.
 */
export function scalePpm(market: Market): bigint {
  const v = market.volatility;
  if (v === undefined) return PPM;
  return max(PPM, ceilDiv(v.currentPpm * PPM, v.referencePpm));
}

/**
 * The continuity offsets cum_j (quote * ppm), one per tier:
 * cum_0 = 0, cum_j = cum_{j-1} + maxNotional_{j-1} * (mmr_j - mmr_{j-1}).
 * With them n * mmr_j - cum_j is continuous in n across tier bounds.
 */
export function tierOffsets(market: Market): bigint[] {
  const tiers = market.tiers;
  if (tiers.length === 0) throw new RangeError(`market ${market.id}: no maintenance tier`);
  const cum: bigint[] = [0n];
  for (let j = 1; j < tiers.length; j++) {
    const bound = tiers[j - 1]!.maxNotional;
    if (bound === null) throw new RangeError(`market ${market.id}: tier ${j - 1} has no maxNotional but is not the last tier`);
    cum.push(cum[j - 1]! + bound * (tiers[j]!.mmrPpm - tiers[j - 1]!.mmrPpm));
  }
  return cum;
}

/** Index of the tier of a notional: the first tier j with notional <= maxNotional_j (inclusive). */
export function tierIndex(market: Market, notionalValue: bigint): number {
  const tiers = market.tiers;
  for (let j = 0; j < tiers.length; j++) {
    const bound = tiers[j]!.maxNotional;
    if (bound === null || notionalValue <= bound) return j;
  }
  throw new RangeError(`market ${market.id}: notional ${notionalValue} is above every tier (the last tier must have no maxNotional)`);
}

/**
 * The unrounded maintenance, in units of 10^-12 quote: W(n) * scalePpm with
 * W(n) = n * mmr_j - cum_j (quote * ppm), so that maintenance = ceil(W(n) * scalePpm / 10^12).
 */
export function maintenanceNumerator(market: Market, notionalValue: bigint): bigint {
  const j = tierIndex(market, notionalValue);
  const cum = tierOffsets(market)[j]!;
  return (notionalValue * market.tiers[j]!.mmrPpm - cum) * scalePpm(market);
}

/** maintenance = ceil((notional * mmr_j - cum_j) * scalePpm / 10^12) (quote units). */
export function maintenance(market: Market, notionalValue: bigint): bigint {
  return ceilDiv(maintenanceNumerator(market, notionalValue), PPM2);
}

/** fee = ceil(notional * liquidationFeePpm / 10^6) (quote units). */
export function fee(market: Market, notionalValue: bigint): bigint {
  return ceilDiv(notionalValue * market.liquidationFeePpm, PPM);
}

/** Close-out slippage rate in ppm: min(maxSlippage, ceil(notional * 10^6 / depth)); 0 without impact. */
export function slippagePpm(market: Market, notionalValue: bigint): bigint {
  const impact = market.impact;
  if (impact === undefined) return 0n;
  return min(impact.maxSlippagePpm, ceilDiv(notionalValue * PPM, impact.depth));
}

/** slippage = ceil(notional * slipPpm / 10^6) (quote units); 0 without impact. */
export function slippage(market: Market, notionalValue: bigint): bigint {
  return ceilDiv(notionalValue * slippagePpm(market, notionalValue), PPM);
}

/** The line of the tier holding notional n: the first with n <= maxNotional. */
export function lineOf(lines: MaintenanceLines, notionalValue: bigint): MaintenanceLines["tiers"][number] {
  for (const t of lines.tiers) if (t.maxNotional === null || notionalValue <= t.maxNotional) return t;
  throw new RangeError(`notional ${notionalValue} is above every tier (the last tier must have no maxNotional)`);
}

/** maintenance = ceil((slope_j * n - offset_j) / denominator) on a venue's lines (./venues/rules.ts). */
export function maintenanceOnLines(lines: MaintenanceLines, notionalValue: bigint): bigint {
  const t = lineOf(lines, notionalValue);
  return ceilDiv(t.slope * notionalValue - t.offset, lines.denominator);
}

const linesCache = new WeakMap<Market, Map<VenueRules, MaintenanceLines>>();

/** A market's maintenance lines under a venue's rules, computed once per market object and venue. */
export function linesOf(rules: VenueRules, market: Market): MaintenanceLines {
  let byVenue = linesCache.get(market);
  if (byVenue === undefined) {
    byVenue = new Map();
    linesCache.set(market, byVenue);
  }
  let lines = byVenue.get(rules);
  if (lines === undefined) {
    lines = rules.maintenanceLines(market);
    byVenue.set(rules, lines);
  }
  return lines;
}

/** A position's notional under a venue's valuation (./venues/rules.ts Valuation; absent: the model's). */
export function venueNotional(rules: VenueRules, market: Market, size: bigint, price: bigint): bigint {
  return rules.valuation ? rules.valuation.notional(market, size, price) : notional(market, size, price);
}

/** A position's contribution to equity under a venue's rules: its pnl from the venue's entry, or the venue's value. */
export function venuePnl(rules: VenueRules, market: Market, size: bigint, entryPrice: bigint, price: bigint): bigint {
  return rules.valuation ? rules.valuation.value(market, size, entryPrice, price) : pnl(market, size, rules.equityEntry(entryPrice), price);
}

/** A position's maintenance at notional n (a position of this size) under a venue's rules. */
export function venueMaintenance(rules: VenueRules, market: Market, n: bigint, size?: bigint): bigint {
  return rules.valuation ? rules.valuation.maintenance(market, n, size) : maintenanceOnLines(linesOf(rules, market), n);
}
