/**
 * What the wasm wrapper needs to know of each venue (the rules themselves are in
 * assembly/venues/NAME.ts and reference/venues/NAME.ts): the prefix of the core's entry points
 * instantiated for it (assembly/venues/index.ts) and how its tiers' rates go into the tier records.
 */
import { PPM, leverageRateDenominator, type Market, type VenueName } from "../book/types.js";

export interface CoreVenue {
  /** The core's entry points for this venue are `${prefix}scanBook` etc. */
  readonly prefix: string;
  /** Each tier's rate in parts of `denominator`, as the core's tier records hold them. */
  rates(market: Market): { readonly denominator: bigint; readonly rates: readonly bigint[] };
}

const ppmRates = (market: Market) => ({ denominator: PPM, rates: market.tiers.map((t) => t.mmrPpm) });

export const CORE_VENUES: Readonly<Record<VenueName, CoreVenue>> = {
  generic: { prefix: "", rates: ppmRates },
  "binance-usdm": { prefix: "binanceUsdm_", rates: ppmRates },
  hyperliquid: {
    prefix: "hyperliquid_",
    rates: (market) => {
      const Q = leverageRateDenominator(market.tiers);
      return { denominator: Q, rates: market.tiers.map((t) => Q / (2n * t.maxLeverage!)) };
    },
  },
};
