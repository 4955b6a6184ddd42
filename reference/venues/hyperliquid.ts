/**
 * Hyperliquid perpetuals (docs/venues/hyperliquid.md): margin tables whose rate is exactly
 * 1 / (2 * maxLeverage), equity valued as USDC balance plus signed position value, no clearance
 * fee, 20 % partial liquidations of positions above 100,000 USDC, and the backstop liquidator
 * vault below 2/3 of maintenance.
 */
import type { CloseOut, Market } from "../../book/types.js";
import { ceilDiv, max } from "../arith.js";
import { continuousOffsets, marginAtLeverage, type VenueRules } from "./rules.js";

/** Notional above which one liquidation step closes only PARTIAL_PPM of a position: 100,000 USDC. */
export const PARTIAL_ABOVE = 100_000_000_000n;
/** The share of such a position one step closes: 20 %. */
export const PARTIAL_PPM = 200_000n;

/** 3 equity < 2 maintenance: the backstop liquidator vault takes the account. */
function backstop(x: { readonly equity: bigint; readonly maintenance: bigint }): boolean {
  return 3n * x.equity < 2n * x.maintenance;
}

/** What one book liquidation closes of a position of notional n: 20 % (rounded up) above 100k, else all. */
function stepOf(n: bigint): bigint {
  return n > PARTIAL_ABOVE ? ceilDiv(n * PARTIAL_PPM, 1_000_000n) : n;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** 2 * lcm of the tiers' maxLeverage: the least denominator in which every 1/(2 L) is whole. */
export function rateDenominator(market: Market): bigint {
  let l = 1n;
  for (const t of market.tiers) {
    const L = t.maxLeverage ?? 0n;
    if (L <= 0n) throw new RangeError(`market ${market.id}: a hyperliquid tier needs maxLeverage >= 1`);
    l = (l / gcd(l, L)) * L;
  }
  return 2n * l;
}

export const hyperliquid: VenueRules = {
  name: "hyperliquid",
  // MM = ceil(n / (2 L_n) - deduction_n): slope Q / (2 L_n) over the denominator Q, and the
  // deduction recursion of the docs, which is the continuity offset of these lines.
  maintenanceLines(market: Market) {
    const Q = rateDenominator(market);
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
  // A position above 100k closes 20 % now; after the cooldown the rest goes as one order. The
  // backstop takes every position whole.
  steps(x) {
    if (backstop(x)) return x.notionals.map((n) => ({ now: n, next: 0n }));
    return x.notionals.map((n) => {
      const now = stepOf(n);
      return { now, next: n - now };
    });
  },
  closeOut(x): CloseOut {
    const notionalSum = x.notionals.reduce((s, n) => s + n, 0n);
    // Backstop: equity < 2/3 MM. The liquidator vault takes every position and the margin with it.
    if (backstop(x)) {
      const kept = max(x.equity, 0n);
      return { notional: notionalSum, penalty: kept, liquidatorReward: kept, insuranceFund: 0n, badDebt: max(-x.equity, 0n), returned: 0n };
    }
    // Market orders on the book, no fee: positions above 100k close 20 % this step.
    let partial = false;
    let closed = 0n;
    for (const n of x.notionals) {
      const now = stepOf(n);
      if (now !== n) partial = true;
      closed += now;
    }
    return { notional: closed, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 0n, returned: partial ? 0n : max(x.equity, 0n) };
  },
};
