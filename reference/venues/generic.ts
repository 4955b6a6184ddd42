/**
 * The generic model (docs/model.md, shared/spec/model.md): tiers with ppm rates and continuity
 * offsets, a volatility scale, a fee per market shared with the liquidator, close-out slippage.
 */
import { PPM, type Market } from "../../book/types.js";
import { PPM2, ceilDiv } from "../arith.js";
import { closeOutOf } from "../account.js";
import { fee, scalePpm, slippage, tierOffsets } from "../position.js";
import { wholeSteps, entryPriceFill, type VenueRules } from "./rules.js";

export const generic: VenueRules = {
  name: "generic",
  // maintenance = ceil((n * mmr_j - cum_j) * S / 10^12): slope S * mmr_j, offset S * cum_j.
  maintenanceLines(market: Market) {
    const S = scalePpm(market);
    const cum = tierOffsets(market);
    return {
      denominator: PPM2,
      tiers: market.tiers.map((t, j) => ({ maxNotional: t.maxNotional, slope: S * t.mmrPpm, offset: S * cum[j]! })),
    };
  },
  equityEntry: (entryPrice) => entryPrice,
  triggerSlack: 0n,
  fee,
  slippage,
  closeOut: (x) => closeOutOf(x.equity - x.sumSlippage, x.sumFee, x.liquidatorSharePpm, x.notionals.reduce((s, n) => s + n, 0n)),
  steps: wholeSteps,
  fill: entryPriceFill,
  // IM = ceil(n * imr_j / 10^6) of the position's tier, where the book gives imr.
  initialMargin: (market, tier, n) => {
    const imr = market.tiers[tier]!.imrPpm;
    return imr === undefined ? null : ppmOf(n, imr);
  },
};

/** ceil(n * rate / 10^6): a ppm rate of a notional, rounded toward the venue. */
export function ppmOf(n: bigint, ratePpm: bigint): bigint {
  return ceilDiv(n * ratePpm, PPM);
}
