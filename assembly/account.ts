// The exact evaluation of one account (shared/spec/model.md, "Per account"), into a list entry.
//
// Pass 1 over the positions computes what every account needs (equity, maintenance). Pass 2
// (fees, slippage, notional sum) runs only where it can matter: for liquidatable accounts, and
// for accounts whose notionals sum past 2^63 - 1, since only then can a sum of fees or slippage
// overflow and turn the account into an `overflow`: each fee and each slippage is at most its
// notional because the validated rates are at most 10^6 ppm.

import {
  ENTRY_ACCOUNT, ENTRY_BYTES, ENTRY_EQUITY, ENTRY_MAINTENANCE, ENTRY_NOTIONAL, ENTRY_STATUS,
  MARKET_MARK, STATUS_LIQUIDATABLE, STATUS_OK, STATUS_OVERFLOW,
} from "./layout";
import { marketAt } from "./market";
import { COLLATERAL_WIDE } from "./layout";
import { acc0, accFitsI64, accSet } from "./wide";

const I64_MAX: u64 = <u64>i64.MAX_VALUE;

/** The book has collateral assets: a collateral of COLLATERAL_WIDE is a value that does not fit (assets.ts), an overflow. Set by readDescriptor (scan.ts). */
export let assetsHeld: bool = false;
export function setAssetsHeld(held: bool): void { assetsHeld = held; }

/**
 * Zero the entry at `out` (ENTRY_BYTES = 72): five stores. The compiler leaves a memory.fill of a
 * constant size as it is, and the engine runs it as a call out of the module, which a stress grid
 * paid on each of its millions of evaluations.
 */
// @ts-ignore: decorator
@inline function clearEntry(out: usize): void {
  // @ts-ignore: compile-time check (the branch is folded away while the layout says 72)
  if (ENTRY_BYTES != 72) ERROR("clearEntry: ENTRY_BYTES changed");
  const zero = i64x2.splat(0);
  v128.store(out, zero);
  v128.store(out, zero, 16);
  v128.store(out, zero, 32);
  v128.store(out, zero, 48);
  store<u64>(out, 0, 64);
}

/**
 * Evaluate account `a` (collateral, positions [first, end)) exactly and write its entry at `out`:
 * status, equity and maintenance (0 on overflow), and the close-out amounts (0 unless
 * liquidatable). Returns the status.
 */
export function evaluateExact<V>(
  a: u32, collateral: i64, first: u32, end: u32, share: u64, out: usize,
  marketCol: usize, sizeCol: usize, entryCol: usize, markets: usize, tiers: usize,
  likelyLiquidatable: bool = false,
): u8 {
  const venue = changetype<V>(0);
  // A venue that evaluates an account whole in its own precision (gmx-v2) does it here.
  if (isDefined(venue.own)) return venue.own(a, first, end, out, marketCol, sizeCol, entryCol, markets, tiers);
  if (assetsHeld && collateral == COLLATERAL_WIDE) {
    clearEntry(out);
    store<u32>(out, a, ENTRY_ACCOUNT);
    store<u32>(out, STATUS_OVERFLOW, ENTRY_STATUS);
    return STATUS_OVERFLOW;
  }
  accSet(collateral);
  let maintenance: u64 = 0, notionalSum: u64 = 0;
  let anyOpen = false, overflow = false, notionalsLarge = false;
  // Pass 2's sums (below), which pass 1 also forms when the caller expects the account to be
  // liquidatable (a stress grid's account at the shock after one where it was): one pass over
  // the positions instead of two, each notional computed once. The values are pass 2's, from the
  // same formulas on the same notionals, in the same order; a fee or slippage sum past 2^63 - 1
  // is only noted (feesWide) and counts as an overflow exactly where pass 2 would have run.
  let fees: u64 = 0, slippage: u64 = 0;
  let closedLo: u64 = 0, closedHi: u64 = 0; // 128 bits: with zero fee rates it can pass 2^64
  let stepLo: u64 = 0, stepHi: u64 = 0; // what one liquidation step closes, where it is less
  let partial = false, feesWide = false;

  for (let p = first; p < end; p++) {
    const size = load<i64>(sizeCol + (<usize>p << 3));
    const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
    const price = load<i64>(market, MARKET_MARK);
    const absSize = <u64>(size < 0 ? -size : size);
    const notional = venue.notional(market, absSize, <u64>price);
    if (notional > I64_MAX) { overflow = true; break; }
    const m = venue.maintenance(market, tiers, notional, absSize);
    if (m > I64_MAX) { overflow = true; break; }
    maintenance += m; // both operands <= 2^63 - 1 here: the u64 sum cannot wrap
    if (maintenance > I64_MAX) { overflow = true; break; }
    // Only a flag is needed: "can the fee or slippage sums overflow?" (both < 2^63: no wrap)
    notionalSum += notional;
    if (notionalSum > I64_MAX) { notionalsLarge = true; notionalSum = 0; }
    venue.addPnl(market, size, venue.entry(load<i64>(entryCol + (<usize>p << 3))), price);
    anyOpen = anyOpen || size != 0;
    if (likelyLiquidatable && !feesWide) {
      closedLo += notional;
      closedHi += u64(closedLo < notional);
      const closes = venue.closes(market, absSize, notional);
      partial = partial || closes != notional;
      stepLo += closes;
      stepHi += u64(stepLo < closes);
      fees += venue.fee(market, notional);
      slippage += venue.slippage(market, notional);
      if (fees > I64_MAX || slippage > I64_MAX) feesWide = true;
    }
  }
  if (!overflow && !accFitsI64()) overflow = true;
  const equity = <i64>acc0;
  // The venue's trigger (equity < maintenance + slack, without forming the sum: maintenance may be 2^63 - 1).
  const liquidatable = !overflow && venue.triggered(equity, maintenance, anyOpen);

  // Pass 2: fees, slippage and the notional sum, where they can matter.
  if (likelyLiquidatable) {
    if (!overflow && (liquidatable || notionalsLarge) && feesWide) overflow = true;
  } else if (!overflow && (liquidatable || notionalsLarge)) {
    for (let p = first; p < end; p++) {
      const size = load<i64>(sizeCol + (<usize>p << 3));
      const market = marketAt(markets, load<u32>(marketCol + (<usize>p << 2)));
      const absSize = <u64>(size < 0 ? -size : size);
      const notional = venue.notional(market, absSize, <u64>load<i64>(market, MARKET_MARK));
      closedLo += notional;
      closedHi += u64(closedLo < notional);
      const closes = venue.closes(market, absSize, notional);
      partial = partial || closes != notional;
      stepLo += closes;
      stepHi += u64(stepLo < closes);
      fees += venue.fee(market, notional);
      slippage += venue.slippage(market, notional);
      if (fees > I64_MAX || slippage > I64_MAX) { overflow = true; break; }
    }
  }

  clearEntry(out);
  store<u32>(out, a, ENTRY_ACCOUNT);
  if (!overflow && liquidatable) {
    // closeEquity = equity - slippage must fit, and so must badDebt = -closeEquity
    // (docs/decisions.md: closeEquity = -2^63 is an overflow).
    if (equity <= i64.MIN_VALUE + <i64>slippage) overflow = true;
  }
  if (overflow) {
    store<u32>(out, STATUS_OVERFLOW, ENTRY_STATUS);
    return STATUS_OVERFLOW;
  }
  store<i64>(out, equity, ENTRY_EQUITY);
  store<i64>(out, <i64>maintenance, ENTRY_MAINTENANCE);
  if (!liquidatable) {
    store<u32>(out, STATUS_OK, ENTRY_STATUS);
    return STATUS_OK;
  }
  // The venue's close-out says whether this step takes every position whole (a backstop does).
  const whole = venue.closeOut(a, out, equity, <i64>maintenance, fees, slippage, share, partial, first, end, marketCol, sizeCol, entryCol, collateral, markets, tiers);
  // A venue's close-out may find an amount beyond 64 bits (dydx-v4's bad debt, a sum of rounded-up
  // shares of a TNC near -2^63): it says so in the status, and the entry is an overflow's.
  if (load<u32>(out, ENTRY_STATUS) == STATUS_OVERFLOW) {
    clearEntry(out);
    store<u32>(out, a, ENTRY_ACCOUNT);
    store<u32>(out, STATUS_OVERFLOW, ENTRY_STATUS);
    return STATUS_OVERFLOW;
  }
  if (!venue.writesNotional()) {
    store<u64>(out, whole ? closedLo : stepLo, ENTRY_NOTIONAL);
    store<u64>(out, whole ? closedHi : stepHi, ENTRY_NOTIONAL + 8);
  }
  return STATUS_LIQUIDATABLE;
}
