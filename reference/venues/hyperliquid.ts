/**
 * Hyperliquid perpetuals (docs/venues/hyperliquid.md): margin tables whose rate is exactly
 * 1 / (2 * maxLeverage), equity valued as USDC balance plus signed position value, no clearance
 * fee, 20 % partial liquidations of positions above 100,000 USDC, and the backstop liquidator
 * vault below 2/3 of maintenance.
 */
import { leverageRateDenominator, type CloseOut, type Market } from "../../book/types.js";
import { ceilDiv, floorDiv, max } from "../arith.js";
import { scaling } from "../position.js";
import { cashFill, continuousOffsets, marginAtLeverage, type CloseOutInput, type VenueRules } from "./rules.js";

/** Notional above which one liquidation step closes only PARTIAL_PPM of a position: 100,000 USDC. */
export const PARTIAL_ABOVE = 100_000_000_000n;
/** The share of such a position one step closes: 20 %. */
export const PARTIAL_PPM = 200_000n;

/** 3 equity < 2 maintenance: the backstop liquidator vault takes the account. */
function backstop(x: { readonly equity: bigint; readonly maintenance: bigint }): boolean {
  return 3n * x.equity < 2n * x.maintenance;
}

/**
 * What this liquidation step closes of each position and what the next would: the backstop takes
 * every position whole; a book liquidation closes 20 % (rounded up) of a position above 100k, the
 * rest going after the cooldown as one order, and any other position whole.
 */
function steps(x: CloseOutInput): { readonly now: bigint; readonly next: bigint }[] {
  const whole = backstop(x);
  return x.notionals.map((n) => {
    const now = whole || n <= PARTIAL_ABOVE ? n : ceilDiv(n * PARTIAL_PPM, 1_000_000n);
    return { now, next: n - now };
  });
}

export const hyperliquid: VenueRules = {
  name: "hyperliquid",
  // MM = ceil(n / (2 L_n) - deduction_n): slope Q / (2 L_n) over the denominator Q, and the
  // deduction recursion of the docs, which is the continuity offset of these lines.
  maintenanceLines(market: Market) {
    const Q = leverageRateDenominator(market.tiers);
    const slopes = market.tiers.map((t) => Q / (2n * t.maxLeverage!));
    const offsets = continuousOffsets(market.tiers, slopes);
    return { denominator: Q, tiers: market.tiers.map((t, j) => ({ maxNotional: t.maxNotional, slope: slopes[j]!, offset: offsets[j]! })) };
  },
  // Account value = USDC balance + sum(size * mark): the entry price does not enter it.
  equityEntry: () => 0n,
  triggerSlack: 0n,
  fee: () => 0n,
  slippage: () => 0n,
  // IM = notional / leverage, rounded up, at the position's leverage (clearinghouseState's leverage.value).
  initialMargin: (_market, _tier, n, leverage) => marginAtLeverage(n, leverage),
  steps,
  fill: cashFill,
  closeOut(x): CloseOut {
    const s = steps(x);
    const notional = s.reduce((sum, p) => sum + p.now, 0n);
    // Backstop: equity < 2/3 MM. The liquidator vault takes every position and the margin with it.
    if (backstop(x)) {
      const kept = max(x.equity, 0n);
      return { notional, penalty: kept, liquidatorReward: kept, insuranceFund: 0n, badDebt: max(-x.equity, 0n), returned: 0n };
    }
    // Market orders on the book, no fee; where a position closes only in part, the account stays open.
    const partial = s.some((p) => p.next !== 0n);
    return { notional, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 0n, returned: partial ? 0n : max(x.equity, 0n) };
  },
};
