/**
 * Risk views on the scan: price-shock scenarios, the liquidation map, cascade simulation, and
 * realized volatility. Written once against the LiveBook interface, so both engines give the
 * same results by construction (the engine does the scans, these modules the orchestration).
 * Exact definitions: docs/risk-views.md.
 */
export { ViewError } from "./errors.js";
export { DEFAULT_SHOCKS, MAX_SHOCKS, MIN_SHOCK_PPM, shockedMark, type ShockGrid } from "./shock.js";
export { stress, type StressOptions, type StressRow } from "./stress.js";
export { DEFAULT_BUCKETS, MAX_BUCKETS, defaultMapRange, liquidationMap, type LiquidationMap, type LiquidationMapOptions, type MapBucket, type SideNotional } from "./map.js";
export { DEFAULT_MAX_ROUNDS, MAX_ROUNDS, cascade, movedMark, type CascadeOptions, type CascadeResult, type CascadeRound } from "./cascade.js";
export { realizedVolatilityPpm, type VolatilityOptions } from "./volatility.js";
export { afterCall, lendingCascade, lendingLiquidationMap, lendingStress, shockedPrice, type LendingCascadeResult, type LendingCascadeRound, type LendingMap, type LendingMapBucket, type LendingStressColumn, type LendingStressRow } from "./aave-v3.js";
