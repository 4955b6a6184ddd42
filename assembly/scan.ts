// The scan: one pass over the accounts, writing the per-account output columns and the totals.
//
// Pass 1 over an account's positions computes what every account needs (equity, maintenance).
// Pass 2 (fees, slippage) runs only where it can matter: for liquidatable accounts, and for
// accounts whose notionals sum past 2^63 - 1, since only then can a sum of fees or slippage
// overflow and turn the account into an `overflow`: each fee and each slippage is at most its
// notional because the validated rates are at most 10^6 ppm.

import {
  DESC_ACCOUNTS, DESC_BAD_DEBT, DESC_COLLATERAL, DESC_EQUITY, DESC_INSURANCE,
  DESC_LIQUIDATOR_SHARE, DESC_MAINTENANCE, DESC_MARKET_TABLE, DESC_PENALTY, DESC_POSITION_ENTRY,
  DESC_POSITION_MARKET, DESC_POSITION_SIZE, DESC_POSITION_START, DESC_RETURNED, DESC_REWARD,
  DESC_STATUS, DESC_TIER_TABLE, DESC_TOTALS, MARKET_MARK, STATUS_LIQUIDATABLE, STATUS_OK,
  STATUS_OVERFLOW, TOTALS_BAD_DEBT, TOTALS_BYTES, TOTALS_INSURANCE, TOTALS_LIQUIDATABLE,
  TOTALS_NOTIONAL, TOTALS_OVERFLOW, TOTALS_PENALTY, TOTALS_REWARD,
} from "./layout";
import { marketAt } from "./market";
import { addPnl, feeOf, maintenanceOf, notionalOf, slippageOf } from "./position";
import { acc0, accFitsI64, accSet, mulHi, udiv128, umul128 } from "./wide";

const I64_MAX: u64 = <u64>i64.MAX_VALUE;
const PPM: u64 = 1_000_000;

/** Add a non-negative amount to a 128-bit total stored as (lo, hi) at `at`. */
// @ts-ignore: decorator
@inline function addToTotal(at: usize, amount: u64): void {
  const lo = load<u64>(at);
  const sum = lo + amount;
  store<u64>(at, sum);
  store<u64>(at, load<u64>(at, 8) + u64(sum < lo), 8);
}

/** Scan accounts [from, to) of the book described at `desc`. Totals are added to, not reset. */
export function scanRange(desc: usize, from: u32, to: u32): void {
  const collateral = load<u32>(desc, DESC_COLLATERAL) as usize;
  const starts = load<u32>(desc, DESC_POSITION_START) as usize;
  const marketCol = load<u32>(desc, DESC_POSITION_MARKET) as usize;
  const sizeCol = load<u32>(desc, DESC_POSITION_SIZE) as usize;
  const entryCol = load<u32>(desc, DESC_POSITION_ENTRY) as usize;
  const markets = load<u32>(desc, DESC_MARKET_TABLE) as usize;
  const tiers = load<u32>(desc, DESC_TIER_TABLE) as usize;
  const statusCol = load<u32>(desc, DESC_STATUS) as usize;
  const equityCol = load<u32>(desc, DESC_EQUITY) as usize;
  const maintenanceCol = load<u32>(desc, DESC_MAINTENANCE) as usize;
  const penaltyCol = load<u32>(desc, DESC_PENALTY) as usize;
  const rewardCol = load<u32>(desc, DESC_REWARD) as usize;
  const insuranceCol = load<u32>(desc, DESC_INSURANCE) as usize;
  const badDebtCol = load<u32>(desc, DESC_BAD_DEBT) as usize;
  const returnedCol = load<u32>(desc, DESC_RETURNED) as usize;
  const totals = load<u32>(desc, DESC_TOTALS) as usize;
  const share = load<u64>(desc, DESC_LIQUIDATOR_SHARE);

  let liquidatableCount: u32 = 0, overflowCount: u32 = 0;

  for (let a = from; a < to; a++) {
    const first = load<u32>(starts + (<usize>a << 2));
    const end = load<u32>(starts + (<usize>a << 2), 4);
    accSet(load<i64>(collateral + (<usize>a << 3)));
    let maintenance: u64 = 0, notionalSum: u64 = 0;
    let anyOpen = false, overflow = false, notionalsLarge = false;

    for (let p = first; p < end; p++) {
      const size = load<i64>(sizeCol + (<usize>p << 3));
      const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
      const price = load<i64>(market, MARKET_MARK);
      const notional = notionalOf(market, <u64>(size < 0 ? -size : size), <u64>price);
      if (notional > I64_MAX) { overflow = true; break; }
      const m = maintenanceOf(market, tiers, notional);
      if (m > I64_MAX) { overflow = true; break; }
      maintenance += m; // both operands <= 2^63 - 1 here: the u64 sum cannot wrap
      if (maintenance > I64_MAX) { overflow = true; break; }
      // Only a flag is needed: "can the fee or slippage sums overflow?" (both < 2^63: no wrap)
      notionalSum += notional;
      if (notionalSum > I64_MAX) { notionalsLarge = true; notionalSum = 0; }
      addPnl(market, size, load<i64>(entryCol + (<usize>p << 3)), price);
      anyOpen = anyOpen || size != 0;
    }
    if (!overflow && !accFitsI64()) overflow = true;
    const equity = <i64>acc0;
    const liquidatable = !overflow && anyOpen && equity < <i64>maintenance;

    // Pass 2: fees and slippage, where they can matter.
    let fees: u64 = 0, slippage: u64 = 0;
    let closedLo: u64 = 0, closedHi: u64 = 0; // the account's notional sum, 128 bits: it can pass 2^64
    if (!overflow && (liquidatable || notionalsLarge)) {
      for (let p = first; p < end; p++) {
        const size = load<i64>(sizeCol + (<usize>p << 3));
        const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
        const notional = notionalOf(market, <u64>(size < 0 ? -size : size), <u64>load<i64>(market, MARKET_MARK));
        closedLo += notional;
        closedHi += u64(closedLo < notional);
        fees += feeOf(market, notional);
        slippage += slippageOf(market, notional);
        if (fees > I64_MAX || slippage > I64_MAX) { overflow = true; break; }
      }
    }

    let penalty: i64 = 0, reward: i64 = 0, badDebt: i64 = 0, returned: i64 = 0;
    if (!overflow && liquidatable) {
      // closeEquity = equity - slippage must fit, and so must badDebt = -closeEquity
      // (docs/decisions.md: closeEquity = -2^63 is an overflow).
      if (equity <= i64.MIN_VALUE + <i64>slippage) {
        overflow = true;
      } else {
        const closeEquity = equity - <i64>slippage;
        const positive: i64 = closeEquity > 0 ? closeEquity : 0;
        penalty = <i64>fees < positive ? <i64>fees : positive;
        const lo = umul128(<u64>penalty, share);
        reward = <i64>udiv128(mulHi, lo, PPM); // penalty * share / 10^6 <= penalty: fits
        badDebt = closeEquity < 0 ? -closeEquity : 0;
        returned = closeEquity - penalty > 0 ? closeEquity - penalty : 0;
      }
    }

    const at8 = <usize>a << 3;
    if (overflow) {
      store<u8>(statusCol + <usize>a, STATUS_OVERFLOW);
      store<i64>(equityCol + at8, 0);
      store<i64>(maintenanceCol + at8, 0);
      overflowCount++;
    } else {
      store<u8>(statusCol + <usize>a, liquidatable ? STATUS_LIQUIDATABLE : STATUS_OK);
      store<i64>(equityCol + at8, equity);
      store<i64>(maintenanceCol + at8, <i64>maintenance);
    }
    const closed = !overflow && liquidatable;
    store<i64>(penaltyCol + at8, closed ? penalty : 0);
    store<i64>(rewardCol + at8, closed ? reward : 0);
    store<i64>(insuranceCol + at8, closed ? penalty - reward : 0);
    store<i64>(badDebtCol + at8, closed ? badDebt : 0);
    store<i64>(returnedCol + at8, closed ? returned : 0);
    if (closed) {
      liquidatableCount++;
      addToTotal(totals + TOTALS_PENALTY, <u64>penalty);
      addToTotal(totals + TOTALS_REWARD, <u64>reward);
      addToTotal(totals + TOTALS_INSURANCE, <u64>(penalty - reward));
      addToTotal(totals + TOTALS_BAD_DEBT, <u64>badDebt);
      addToTotal(totals + TOTALS_NOTIONAL, closedLo);
      store<u64>(totals + TOTALS_NOTIONAL, load<u64>(totals + TOTALS_NOTIONAL, 8) + closedHi, 8);
    }
  }
  store<u32>(totals, load<u32>(totals, TOTALS_LIQUIDATABLE) + liquidatableCount, TOTALS_LIQUIDATABLE);
  store<u32>(totals, load<u32>(totals, TOTALS_OVERFLOW) + overflowCount, TOTALS_OVERFLOW);
}

/** Zero the totals block before a full scan. */
export function resetTotals(desc: usize): void {
  memory.fill(load<u32>(desc, DESC_TOTALS) as usize, 0, TOTALS_BYTES);
}

/** Scan the whole book: reset the totals, then every account. */
export function scanBook(desc: usize): void {
  resetTotals(desc);
  scanRange(desc, 0, load<u32>(desc, DESC_ACCOUNTS));
}
