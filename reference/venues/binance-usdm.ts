/**
 * Binance USDⓈ-M futures (docs/venues/binance-usdm.md): leverage brackets with Binance's own
 * maintenance amount `cum`, the trigger at margin ratio >= 100 %, a clearance fee that goes to
 * the insurance fund.
 */
import { PPM, type Market } from "../../book/types.js";
import { closeOutOf } from "../account.js";
import { ppmOf } from "./generic.js";
import { marginAtLeverage, wholeSteps, entryPriceFill, type VenueRules } from "./rules.js";

export const binanceUsdm: VenueRules = {
  name: "binance-usdm",
  // MM = ceil(n * mmr_j - cum_j), in ppm: slope mmr_j, offset cum_j * 10^6, the bracket's cum as
  // Binance publishes it (not derived).
  maintenanceLines(market: Market) {
    return {
      denominator: PPM,
      tiers: market.tiers.map((t) => ({ maxNotional: t.maxNotional, slope: t.mmrPpm, offset: (t.cum ?? 0n) * PPM })),
    };
  },
  equityEntry: (entryPrice) => entryPrice,
  // "liquidation happens when the margin ratio reaches 100 %": equity <= MM.
  triggerSlack: 1n,
  fee: (market, n) => ppmOf(n, market.liquidationFeePpm),
  slippage: () => 0n,
  // The whole fee, up to what is left, goes to the insurance fund (liquidatorShare is 0).
  closeOut: (x) => closeOutOf(x.equity, x.sumFee, 0n, x.notionals.reduce((s, n) => s + n, 0n)),
  steps: wholeSteps,
  fill: entryPriceFill,
  // IM = notional / leverage, rounded up, at the position's leverage.
  initialMargin: (_market, _tier, n, leverage) => marginAtLeverage(n, leverage),
};
