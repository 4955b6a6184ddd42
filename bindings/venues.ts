/**
 * What the wasm wrapper needs to know of each venue (the rules themselves are in
 * assembly/venues/NAME.ts and reference/venues/NAME.ts): the prefix of the core's entry points
 * instantiated for it (assembly/venues/index.ts) and how its tiers' rates go into the tier records.
 */
import { PPM, leverageRateDenominator, type Market, type VenueName } from "../book/types.js";
import { MARKET, TIER } from "./layout.js";
import { gmxTokenDecimals, saturated } from "../book/gmx-wide.js";

export interface CoreVenue {
  /** The core's entry points for this venue are `${prefix}scanBook` etc. */
  readonly prefix: string;
  /** Each tier's rate in parts of `denominator`, as the core's tier records hold them. */
  rates(market: Market): { readonly denominator: bigint; readonly rates: readonly bigint[] };
  /** Writes the venue's own fields of a market's record and its tiers' records (bindings/layout.ts), after the common ones. */
  writeFields?(view: DataView, marketAt: number, tierAt: readonly number[], market: Market): void;
  /** False when the venue's valuation has no float image (its rules' `prefilters()` in the core): every account takes the exact path, and a tick has no bounds to move (assembly/tick.ts). */
  readonly prefilters?: false;
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
  "dydx-v4": {
    prefix: "dydxV4_",
    // The float image of the maintenance: imf * fraction in ppm^2 (the exact one rounds twice, from the fields below).
    rates: (market) => ({ denominator: PPM * PPM, rates: market.tiers.map((t) => t.imrPpm! * t.maintenanceFractionPpm!) }),
    writeFields(v, at, tierAt, market) {
      const d = market.dydx!;
      v.setBigUint64(at + MARKET.dydxMinNotional, d.minPositionNotionalLiquidated, true);
      v.setBigUint64(at + MARKET.dydxSubaccountMax, d.subaccountMaxNotionalLiquidated, true);
      v.setUint32(at + MARKET.dydxMaxPortion, Number(d.maxPositionPortionLiquidatedPpm), true);
      v.setBigUint64(at + MARKET.dydxStep, d.stepBaseQuantums, true);
      market.tiers.forEach((t, j) => {
        v.setUint32(tierAt[j]! + TIER.dydxImf, Number(t.imrPpm!), true);
        v.setUint32(tierAt[j]! + TIER.dydxFraction, Number(t.maintenanceFractionPpm!), true);
      });
    },
  },
  "gmx-v2": {
    prefix: "gmxV2_",
    prefilters: false,
    // The float image only (the trigger is exact at FLOAT_PRECISION in the core): minCollateralFactorForLiquidation in ppm.
    rates: ppmRates,
    writeFields(v, at, tierAt, market) {
      const g = market.gmx!;
      const f = (x: bigint) => Number(x / 10n ** 21n); // factors in 10^-9 (book/validate.ts: multiples of 10^21)
      // MIN_COLLATERAL_USD at 10^-30 as u128, saturated at 2^126 (book/gmx-wide.ts; the core makes an account that reads one an overflow).
      const u128 = (offset: number, x: bigint) => {
        const y = saturated(x);
        v.setBigUint64(at + offset, y & ((1n << 64n) - 1n), true);
        v.setBigUint64(at + offset + 8, y >> 64n, true);
      };
      // Open interest and the pnl cap's bound as u192, exact (book/gmx-validate.ts: below 2^192).
      const u192 = (offset: number, x: bigint) => {
        for (let w = 0; w < 3; w++) v.setBigUint64(at + offset + 8 * w, (x >> BigInt(64 * w)) & ((1n << 64n) - 1n), true);
      };
      v.setBigUint64(at + MARKET.gmxSpread, g.indexPriceSpread, true);
      v.setUint32(at + MARKET.gmxMinCf, f(g.minCollateralFactorForLiquidation), true);
      v.setUint32(at + MARKET.gmxLiqFee, f(g.liquidationFeeFactor), true);
      // The index token's exact unit and each side's open interest in tokens in it, u128 (book/gmx-validate.ts: below 2^128).
      v.setInt32(at + MARKET.gmxTokenDecimals, gmxTokenDecimals(market), true);
      for (let w = 0; w < 2; w++) {
        v.setBigUint64(at + MARKET.gmxLongOiTokens + 8 * w, (g.long.openInterestInTokens >> BigInt(64 * w)) & ((1n << 64n) - 1n), true);
        v.setBigUint64(at + MARKET.gmxShortOiTokens + 8 * w, (g.short.openInterestInTokens >> BigInt(64 * w)) & ((1n << 64n) - 1n), true);
      }
      u128(MARKET.gmxMinUsd, g.minCollateralUsd);
      u192(MARKET.gmxLongOi, g.long.openInterestUsd);
      u192(MARKET.gmxShortOi, g.short.openInterestUsd);
      // getCappedPnl's bound, a constant of the market: applyFactor(poolUsd, maxPnlFactorForTraders), exact.
      u192(MARKET.gmxLongMaxPnl, (g.long.poolUsd * g.long.maxPnlFactorForTraders) / 10n ** 30n);
      u192(MARKET.gmxShortMaxPnl, (g.short.poolUsd * g.short.maxPnlFactorForTraders) / 10n ** 30n);
      v.setUint32(tierAt[0]! + TIER.gmxReceiver, f(g.liquidationFeeReceiverFactor), true);
      v.setUint32(tierAt[0]! + TIER.gmxMaxImpact, f(g.maxPositionImpactFactorForLiquidations), true);
    },
  },
  "drift-v2": {
    prefix: "driftV2_",
    prefilters: false,
    // The base maintenance ratio in ppm (the float image; the exact requirement adds the size premium).
    rates: ppmRates,
    writeFields(v, at, tierAt, market) {
      const d = market.drift!;
      v.setBigUint64(at + MARKET.driftStep, d.orderStepSize, true);
      v.setUint32(at + MARKET.driftPnlWeight, Number(d.unrealizedPnlMaintenanceAssetWeight), true);
      v.setUint32(at + MARKET.driftIfFee, Number(d.ifLiquidationFee), true);
      v.setUint32(at + MARKET.driftBuffer, Number(d.liquidationMarginBufferRatio), true);
      v.setUint32(at + MARKET.driftInitialPct, Number(d.initialPctToLiquidate), true);
      v.setUint32(tierAt[0]! + TIER.driftRatio, Number(market.tiers[0]!.mmrPpm / 100n), true);
      v.setUint32(tierAt[0]! + TIER.driftImf, Number(d.imfFactor), true);
    },
  },
};
