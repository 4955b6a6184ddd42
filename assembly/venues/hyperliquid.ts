// Hyperliquid (docs/venues/hyperliquid.md; reference/venues/hyperliquid.ts). A tier's rate is
// 1/(2 maxLeverage): the wrapper writes each tier's slope Q/(2 L) into the tier's rate field and
// Q (2 lcm of the leverages) into the market's rate denominator, and prepareMarket derives the
// deduction as the continuity offset. Equity is the USDC balance plus the signed position values
// (the entry price does not enter it), no fee, 20 % steps above 100,000 USDC, and the backstop
// below 2/3 of maintenance.

import {
  ENTRY_BAD_DEBT, ENTRY_PENALTY, ENTRY_RETURNED, ENTRY_REWARD, ENTRY_STATUS, MARKET_RATE_DENOMINATOR,
  STATUS_LIQUIDATABLE,
} from "../layout";
import { addPnl as modelPnl, excessHi, notionalOf, tierExcess } from "../position";
import { ceilDiv128, mulHi, umul128 } from "../wide";

/** 100,000 USDC in quote units: above it one step closes 20 % of a position. */
const PARTIAL_ABOVE: u64 = 100_000_000_000;

export class Hyperliquid {
  // @ts-ignore: decorator
  @inline entry(entry: i64): i64 { return 0; }
  // @ts-ignore: decorator
  @inline notional(market: usize, absSize: u64, price: u64): u64 { return notionalOf(market, absSize, price); }
  // @ts-ignore: decorator
  @inline addPnl(market: usize, size: i64, entry: i64, price: i64): void { modelPnl(market, size, entry, price); }
  // @ts-ignore: decorator
  @inline triggered(equity: i64, maintenance: u64, anyOpen: bool): bool { return anyOpen && equity < <i64>maintenance; }
  /** ceil((n * slope_j - deduction_j) / Q). */
  // @ts-ignore: decorator
  @inline maintenance(market: usize, tiers: usize, notional: u64, absSize: u64): u64 {
    const wLo = tierExcess(market, tiers, notional);
    return ceilDiv128(excessHi, wLo, load<u64>(market, MARKET_RATE_DENOMINATOR));
  }
  // @ts-ignore: decorator
  @inline triggerSlack(): i64 { return 0; }
  // @ts-ignore: decorator
  @inline prefilters(): bool { return true; }
  // @ts-ignore: decorator
  @inline writesNotional(): bool { return false; }
  // @ts-ignore: decorator
  @inline fee(market: usize, notional: u64): u64 { return 0; }
  // @ts-ignore: decorator
  @inline slippage(market: usize, notional: u64): u64 { return 0; }
  /** One step closes 20 % (rounded up) of a position above 100,000 USDC, else all of it. */
  // @ts-ignore: decorator
  @inline closes(market: usize, absSize: u64, notional: u64): u64 { return notional > PARTIAL_ABOVE ? notional / 5 + u64(notional % 5 != 0) : notional; }
  // @ts-ignore: decorator
  @inline closeOut(a: u32, out: usize, equity: i64, maintenance: i64, fees: u64, slippage: u64, share: u64, partial: bool,
    first: u32, end: u32, marketCol: usize, sizeCol: usize, entryCol: usize, collateral: i64, markets: usize, tiers: usize): bool {
    store<u32>(out, STATUS_LIQUIDATABLE, ENTRY_STATUS);
    // Backstop, 3 equity < 2 maintenance (both fit 64 bits; the products fit 128, compared as such):
    // the liquidator vault takes the account and its margin.
    if (backstop(equity, maintenance)) {
      const kept: i64 = equity > 0 ? equity : 0;
      store<i64>(out, kept, ENTRY_PENALTY);
      store<i64>(out, kept, ENTRY_REWARD);
      store<i64>(out, equity < 0 ? -equity : 0, ENTRY_BAD_DEBT);
      store<i64>(out, 0, ENTRY_RETURNED);
      return true;
    }
    // On the book, no fee; the user keeps what is left once every position is closed.
    store<i64>(out, 0, ENTRY_PENALTY);
    store<i64>(out, 0, ENTRY_REWARD);
    store<i64>(out, 0, ENTRY_BAD_DEBT);
    store<i64>(out, partial || equity < 0 ? 0 : equity, ENTRY_RETURNED);
    return false;
  }
}

/** 3 * equity < 2 * maintenance, exactly (maintenance >= 0 and both are 64-bit). */
// @ts-ignore: decorator
@inline function backstop(equity: i64, maintenance: i64): bool {
  if (equity < 0) return true;
  // equity >= 0: 3 * equity < 3 * 2^63 and 2 * maintenance < 2^64 both fit u128; compare as u128.
  const l = umul128(<u64>equity, 3);
  const lHi = mulHi;
  const r = umul128(<u64>maintenance, 2);
  const rHi = mulHi;
  return lHi < rHi || (lHi == rHi && l < r);
}
