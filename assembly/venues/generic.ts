// The generic model's rules (docs/model.md), as the scan instantiates them: reference/venues/generic.ts
// states the same rules in BigInt. A venue is a class of @inline methods that never reads `this`;
// the scan is a generic function instantiated once per venue (changetype<V>(0) stands for the
// class), so each venue's scan is compiled with its own rules inlined and no dispatch in the loop.

import { ENTRY_BAD_DEBT, ENTRY_PENALTY, ENTRY_RETURNED, ENTRY_REWARD, ENTRY_STATUS, STATUS_LIQUIDATABLE } from "../layout";
import { addPnl as modelPnl, feeOf, maintenanceOf, notionalOf, slippageOf } from "../position";
import { mulHi, udiv128, umul128 } from "../wide";

const PPM: u64 = 1_000_000;

export class Generic {
  /** The entry price as the venue's equity uses it. */
  // @ts-ignore: decorator
  @inline entry(entry: i64): i64 { return entry; }
  // @ts-ignore: decorator
  @inline notional(market: usize, absSize: u64, price: u64): u64 { return notionalOf(market, absSize, price); }
  // @ts-ignore: decorator
  @inline addPnl(market: usize, size: i64, entry: i64, price: i64): void { modelPnl(market, size, entry, price); }
  /** Liquidatable iff some position is open and equity < maintenance + triggerSlack. */
  // @ts-ignore: decorator
  @inline triggered(equity: i64, maintenance: u64, anyOpen: bool): bool { return anyOpen && equity < <i64>maintenance; }
  // @ts-ignore: decorator
  @inline maintenance(market: usize, tiers: usize, notional: u64, absSize: u64): u64 { return maintenanceOf(market, tiers, notional); }
  /** The trigger: liquidatable iff equity < maintenance + triggerSlack (0: strictly below; 1: at it too). */
  // @ts-ignore: decorator
  @inline triggerSlack(): i64 { return 0; }
  /** The float pre-filter (prefilter.ts) may prove this venue's accounts safe. */
  // @ts-ignore: decorator
  @inline prefilters(): bool { return true; }
  /** The close-out writes the entry's notional itself (else the scan writes the whole or the step sum). */
  // @ts-ignore: decorator
  @inline writesNotional(): bool { return false; }
  // @ts-ignore: decorator
  @inline fee(market: usize, notional: u64): u64 { return feeOf(market, notional); }
  // @ts-ignore: decorator
  @inline slippage(market: usize, notional: u64): u64 { return slippageOf(market, notional); }
  /** What one liquidation step closes of a position of this notional: all of it. */
  // @ts-ignore: decorator
  @inline closes(market: usize, absSize: u64, notional: u64): u64 { return notional; }
  /**
   * Write the close-out of a liquidatable account into its entry (closeEquity fits: checked);
   * true when this step closes every position whole, false when it closes what `closes` says.
   */
  // @ts-ignore: decorator
  @inline closeOut(a: u32, out: usize, equity: i64, maintenance: i64, fees: u64, slippage: u64, share: u64, partial: bool,
    first: u32, end: u32, marketCol: usize, sizeCol: usize, entryCol: usize, collateral: i64, markets: usize, tiers: usize): bool {
    fullCloseOut(out, equity - <i64>slippage, fees, share);
    return true;
  }
}

/** A full close-out: penalty = min(fees, max(closeEquity, 0)) shared with the liquidator, bad debt, the rest returned. */
// @ts-ignore: decorator
@inline export function fullCloseOut(out: usize, closeEquity: i64, fees: u64, share: u64): void {
  const positive: i64 = closeEquity > 0 ? closeEquity : 0;
  const penalty: i64 = <i64>fees < positive ? <i64>fees : positive;
  const lo = umul128(<u64>penalty, share);
  // penalty * share / 10^6 <= penalty: fits. A product within 64 bits (the usual one) is divided
  // by the constant here, which the engine turns into a multiply; udiv128 is a call that divides
  // by a parameter. Both give floor(penalty * share / 10^6).
  const reward = <i64>(mulHi == 0 ? lo / PPM : udiv128(mulHi, lo, PPM));
  store<u32>(out, STATUS_LIQUIDATABLE, ENTRY_STATUS);
  store<i64>(out, penalty, ENTRY_PENALTY);
  store<i64>(out, reward, ENTRY_REWARD);
  store<i64>(out, closeEquity < 0 ? -closeEquity : 0, ENTRY_BAD_DEBT);
  store<i64>(out, closeEquity - penalty > 0 ? closeEquity - penalty : 0, ENTRY_RETURNED);
}
