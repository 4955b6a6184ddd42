// The registry of venues in the core: each venue's scan, account evaluation, stress pass and liquidation prices,
// instantiated with its rules (assembly/venues/NAME.ts). The wrapper (bindings/wasm-book.ts) calls
// `<prefix>scanBook` etc., the prefix being the venue's (bindings/venues.ts); the generic model's
// have no prefix. One line per venue and entry point.

import { liquidationPricesFor, wideLiquidationPrices } from "../liquidation-price";
import { evaluateAccountFor, scanBookFor } from "../scan";
import { stressGridFor } from "../stress";
import { BinanceUsdm } from "./binance-usdm";
import { DriftBalances, DriftV2, setDriftDescriptor } from "./drift-v2";
import { valueCollateralFor } from "../assets";
import { DydxV4, dydxLiquidationPrices } from "./dydx-v4";
import { Generic } from "./generic";
import { Hyperliquid } from "./hyperliquid";
import { GmxV2, gmxValueCollateral, setGmxDescriptor } from "./gmx-v2";

export function scanBook(desc: usize, incremental: bool, movedBits: u32): i32 { return scanBookFor<Generic>(desc, incremental, movedBits); }
export function evaluateAccount(desc: usize, a: u32): u8 { return evaluateAccountFor<Generic>(desc, a); }
export function stressGrid(desc: usize, shocks: u32, marks: usize, totals: usize, center: u32, interpolate: bool): void { stressGridFor<Generic>(desc, shocks, marks, totals, center, interpolate); }
export function liquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void { liquidationPricesFor<Generic>(desc, outFirst, from, to); }

export function binanceUsdm_scanBook(desc: usize, incremental: bool, movedBits: u32): i32 { return scanBookFor<BinanceUsdm>(desc, incremental, movedBits); }
export function binanceUsdm_evaluateAccount(desc: usize, a: u32): u8 { return evaluateAccountFor<BinanceUsdm>(desc, a); }
export function binanceUsdm_stressGrid(desc: usize, shocks: u32, marks: usize, totals: usize, center: u32, interpolate: bool): void { stressGridFor<BinanceUsdm>(desc, shocks, marks, totals, center, interpolate); }
export function binanceUsdm_liquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void { liquidationPricesFor<BinanceUsdm>(desc, outFirst, from, to); }

export function hyperliquid_scanBook(desc: usize, incremental: bool, movedBits: u32): i32 { return scanBookFor<Hyperliquid>(desc, incremental, movedBits); }
export function hyperliquid_evaluateAccount(desc: usize, a: u32): u8 { return evaluateAccountFor<Hyperliquid>(desc, a); }
export function hyperliquid_stressGrid(desc: usize, shocks: u32, marks: usize, totals: usize, center: u32, interpolate: bool): void { stressGridFor<Hyperliquid>(desc, shocks, marks, totals, center, interpolate); }
export function hyperliquid_liquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void { liquidationPricesFor<Hyperliquid>(desc, outFirst, from, to); }

export function dydxV4_scanBook(desc: usize, incremental: bool, movedBits: u32): i32 { return scanBookFor<DydxV4>(desc, incremental, movedBits); }
export function dydxV4_evaluateAccount(desc: usize, a: u32): u8 { return evaluateAccountFor<DydxV4>(desc, a); }
export function dydxV4_stressGrid(desc: usize, shocks: u32, marks: usize, totals: usize, center: u32, interpolate: bool): void { stressGridFor<DydxV4>(desc, shocks, marks, totals, center, interpolate); }
export function dydxV4_liquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void { dydxLiquidationPrices(desc, outFirst, from, to); }

// drift-v2's close-out reads the account's balances: its entry points hand it the descriptor first.
export function driftV2_scanBook(desc: usize, incremental: bool, movedBits: u32): i32 { setDriftDescriptor(desc); return scanBookFor<DriftV2>(desc, incremental, movedBits); }
export function driftV2_evaluateAccount(desc: usize, a: u32): u8 { setDriftDescriptor(desc); return evaluateAccountFor<DriftV2>(desc, a); }
export function driftV2_stressGrid(desc: usize, shocks: u32, marks: usize, totals: usize, center: u32, interpolate: bool): void { setDriftDescriptor(desc); stressGridFor<DriftV2>(desc, shocks, marks, totals, center, interpolate); }
export function driftV2_valueCollateral(desc: usize, from: u32, to: u32, markDirty: bool): u32 { return valueCollateralFor<DriftBalances>(desc, from, to, markDirty); }
export function driftV2_liquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void { wideLiquidationPrices(desc, outFirst, from, to); }
export { aaveV3_scanUsers, aaveV3_liquidationPrice, aaveV3_layoutVersion } from "./aave-v3";

// gmx-v2 evaluates each account (one isolated position) whole and reads its balance: the descriptor first.
export function gmxV2_scanBook(desc: usize, incremental: bool, movedBits: u32): i32 { setGmxDescriptor(desc, false); return scanBookFor<GmxV2>(desc, incremental, movedBits); }
export function gmxV2_evaluateAccount(desc: usize, a: u32): u8 { setGmxDescriptor(desc, true); return evaluateAccountFor<GmxV2>(desc, a); }
export function gmxV2_stressGrid(desc: usize, shocks: u32, marks: usize, totals: usize, center: u32, interpolate: bool): void { setGmxDescriptor(desc, false); stressGridFor<GmxV2>(desc, shocks, marks, totals, center, interpolate); }
export function gmxV2_valueCollateral(desc: usize, from: u32, to: u32, markDirty: bool): u32 { return gmxValueCollateral(desc, from, to, markDirty); }
export function gmxV2_liquidationPrices(desc: usize, outFirst: usize, from: u32, to: u32): void { wideLiquidationPrices(desc, outFirst, from, to); }
