// Binance USDⓈ-M (docs/venues/binance-usdm.md; reference/venues/binance-usdm.ts). The brackets are
// the generic tiers (book/validate.ts checks that Binance's cum is the continuity offset the core
// derives), no volatility scale and no slippage; the trigger is margin ratio >= 100 %
// (equity <= maintenance) and the clearance fee goes to the insurance fund (the share is 0).

import { addPnl as modelPnl, feeOf, maintenanceOf, notionalOf } from "../position";
import { fullCloseOut } from "./generic";

export class BinanceUsdm {
  // @ts-ignore: decorator
  @inline entry(entry: i64): i64 { return entry; }
  // @ts-ignore: decorator
  @inline notional(market: usize, absSize: u64, price: u64): u64 { return notionalOf(market, absSize, price); }
  // @ts-ignore: decorator
  @inline addPnl(market: usize, size: i64, entry: i64, price: i64): void { modelPnl(market, size, entry, price); }
  // @ts-ignore: decorator
  @inline triggered(equity: i64, maintenance: u64, anyOpen: bool): bool { return anyOpen && equity <= <i64>maintenance; }
  // @ts-ignore: decorator
  @inline maintenance(market: usize, tiers: usize, notional: u64, absSize: u64): u64 { return maintenanceOf(market, tiers, notional); }
  // @ts-ignore: decorator
  @inline triggerSlack(): i64 { return 1; } // margin ratio >= 100 %: equity <= maintenance
  // @ts-ignore: decorator
  @inline prefilters(): bool { return true; }
  // @ts-ignore: decorator
  @inline writesNotional(): bool { return false; }
  // @ts-ignore: decorator
  @inline fee(market: usize, notional: u64): u64 { return feeOf(market, notional); }
  // @ts-ignore: decorator
  @inline slippage(market: usize, notional: u64): u64 { return 0; }
  // @ts-ignore: decorator
  @inline closes(market: usize, absSize: u64, notional: u64): u64 { return notional; }
  // @ts-ignore: decorator
  @inline closeOut(a: u32, out: usize, equity: i64, maintenance: i64, fees: u64, slippage: u64, share: u64, partial: bool,
    first: u32, end: u32, marketCol: usize, sizeCol: usize, entryCol: usize, collateral: i64, markets: usize, tiers: usize): bool {
    fullCloseOut(out, equity, fees, 0);
    return true;
  }
}
