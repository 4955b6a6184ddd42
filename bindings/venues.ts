/**
 * What the wasm wrapper needs to know of each venue (the rules themselves are in
 * assembly/venues/NAME.ts and reference/venues/NAME.ts): the prefix of the core's entry points
 * instantiated for it (assembly/venues/index.ts), how its tiers' rates go into the tier records,
 * its trigger slack, and whether its equity uses the entry price.
 */
import { PPM, type Market, type VenueName } from "../book/types.js";
import { rateDenominator } from "../reference/venues/hyperliquid.js";
import { venueRules } from "../reference/venues/index.js";

export interface CoreVenue {
  /** The core's entry points for this venue are `${prefix}scanBook` etc. */
  readonly prefix: string;
  /** Each tier's rate in parts of `denominator`, as the core's tier records hold them. */
  rates(market: Market): { readonly denominator: bigint; readonly rates: readonly bigint[] };
  /** 1 when the trigger is equity <= maintenance (the search runs on equity - 1). */
  readonly triggerSlack: bigint;
  /** The venue's equity does not use the entry price (hyperliquid: balance + size * mark). */
  readonly entryIgnored: boolean;
}

const ppmRates = (market: Market) => ({ denominator: PPM, rates: market.tiers.map((t) => t.mmrPpm) });

export const CORE_VENUES: Readonly<Record<VenueName, CoreVenue>> = {
  generic: { prefix: "", rates: ppmRates, triggerSlack: venueRules("generic").triggerSlack, entryIgnored: false },
  "binance-usdm": { prefix: "binanceUsdm_", rates: ppmRates, triggerSlack: venueRules("binance-usdm").triggerSlack, entryIgnored: false },
  hyperliquid: {
    prefix: "hyperliquid_",
    rates: (market) => {
      const Q = rateDenominator(market);
      return { denominator: Q, rates: market.tiers.map((t) => Q / (2n * t.maxLeverage!)) };
    },
    triggerSlack: venueRules("hyperliquid").triggerSlack,
    entryIgnored: true,
  },
};
