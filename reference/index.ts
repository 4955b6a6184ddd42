/**
 * The pure-TypeScript reference implementation of the liquidation model
 * (shared/spec/model.md, with the readings of docs/decisions.md), on native BigInt.
 * Written for clarity, not speed: it is the oracle of the differential tests and the baseline of
 * the benchmarks. It depends on nothing in the repository but book/types.ts.
 */
export { I64_MAX, I64_MIN, PPM2, ceilDiv, floorDiv, fitsI64, mod } from "./arith.js";
export {
  fee,
  maintenance,
  maintenanceNumerator,
  notional,
  pnl,
  priceExponent,
  scalePpm,
  scaling,
  slippage,
  slippagePpm,
  tierIndex,
  tierOffsets,
} from "./position.js";
export {
  closeOutOf,
  evaluateAccount,
  isLiquidatable,
  marginRatioPpm,
  scanAccount,
  scanBook,
  type ExactAccount,
} from "./account.js";
export { leastMultipleInRange, leastWithResidue } from "./modsearch.js";
export { liquidationPrice, type LiquidationPriceOptions } from "./liquidation-price.js";
