/**
 * A venue's rules, as the reference implements them: the few places where venues differ from
 * one another. Everything else (notional, the account loop, overflow, the liquidation-price
 * search) is shared and stated once in ../position.ts, ../account.ts and ../liquidation-price.ts.
 * Each venue is one file beside this one, registered in ./index.ts; the core mirrors each file in
 * assembly/venues/ (docs/venues/ describes each venue's rules with their sources).
 */
import type { Account, AccountResult, Asset, Book, CloseOut, Market, VenueName } from "../../book/types.js";
import type { BalanceList, WeightKind } from "../assets.js";
import { abs, ceilDiv, floorDiv } from "../arith.js";
import { pnl, scaling } from "../position.js";

/**
 * A market's maintenance as exact lines: tier j (the first with n <= maxNotional_j) gives
 *   maintenance(n) = ceil((slope_j * n - offset_j) / denominator)
 * with n the notional in quote units. Slopes are non-decreasing and the lines meet at the tier
 * bounds (offset_j = offset_{j-1} + maxNotional_{j-1} * (slope_j - slope_{j-1})), except where a
 * venue publishes its own offsets (Binance's `cum`).
 */
export interface MaintenanceLines {
  readonly denominator: bigint;
  readonly tiers: readonly { readonly maxNotional: bigint | null; readonly slope: bigint; readonly offset: bigint }[];
}

/** What the close-out of a liquidatable account needs, exact (unbounded). */
export interface CloseOutInput {
  readonly equity: bigint;
  readonly maintenance: bigint;
  readonly sumFee: bigint;
  readonly sumSlippage: bigint;
  /** Notional each position holds at the scanned marks. */
  readonly notionals: readonly bigint[];
  readonly liquidatorSharePpm: bigint;
  /** Each position's size and market, in the account's order (a venue whose steps depend on them reads them). */
  readonly sizes: readonly bigint[];
  readonly markets: readonly Market[];
  /** The scanned price of each position's market. */
  readonly prices: readonly bigint[];
  /** The account's quote collateral and each position's entry as the book holds it (drift-v2: its quote asset amount). */
  readonly collateral?: bigint;
  readonly entries?: readonly bigint[];
  /** The account's balances and the book's assets at the scanned prices (drift-v2's close-out reads its borrows). */
  readonly balances?: BalanceList;
  readonly assets?: readonly Asset[];
}

/**
 * A venue that values positions otherwise than the model (dydx-v4: a position's value truncated
 * toward zero, its notional truncated, a maintenance that rounds twice and so is not one line)
 * states its valuation here; the account loop and the liquidation-price search then use it
 * instead of the model's formulas (../position.ts). Absent: the model's formulas on the lines.
 */
export interface Valuation {
  /** The notional of a position of this size at this price (quote units, >= 0). */
  notional(market: Market, size: bigint, price: bigint): bigint;
  /** The position's contribution to equity at this price (its pnl, or its value where the entry does not enter). */
  value(market: Market, size: bigint, entryPrice: bigint, price: bigint): bigint;
  /** The maintenance of a position of notional n (and of this size: drift-v2's ratio grows with it). */
  maintenance(market: Market, n: bigint, size?: bigint): bigint;
  /** The trigger on the account's exact equity and maintenance. */
  liquidatable(equity: bigint, maintenance: bigint, hasNonZeroPosition: boolean): boolean;
  /**
   * The liquidation price of one position (for a long the greatest liquidatable price in
   * [xMin, xMax], for a short the least, null for none) given A = collateral + the other
   * positions' value - maintenance (bankruptcy: collateral - 1 + their value, no maintenance).
   */
  liquidationPrice(q: PriceQuery): bigint | null;
}

export interface PriceQuery {
  readonly market: Market;
  readonly size: bigint;
  /** The position's entry as the book holds it (drift-v2: its quote asset amount). */
  readonly entryPrice?: bigint;
  readonly A: bigint;
  /** The other positions' maintenance is positive (the trigger may ask for a positive maintenance). */
  readonly othersMaintained: boolean;
  readonly xMin: bigint;
  readonly xMax: bigint;
  readonly bankruptcy: boolean;
}

export interface VenueRules {
  readonly name: VenueName;
  /** The maintenance lines of a market (computed once per market and cached by the caller). */
  maintenanceLines(market: Market): MaintenanceLines;
  /**
   * The entry price as the venue's equity uses it: equity = collateral + sum floor(s * (P - e) / K)
   * with e = equityEntry(entryPrice). Hyperliquid values an account as its USDC balance plus the
   * signed value of its positions, so its e is 0 and its collateral is that balance.
   */
  equityEntry(entryPrice: bigint): bigint;
  /** 0: liquidatable iff equity < maintenance (strict); 1: iff equity <= maintenance. */
  readonly triggerSlack: bigint;
  /** The liquidation fee of a position of notional n (quote units). */
  fee(market: Market, n: bigint): bigint;
  /** The close-out slippage of a position of notional n (quote units). */
  slippage(market: Market, n: bigint): bigint;
  /**
   * The close-out of a liquidatable account; its notional is what this liquidation step closes.
   * Returns null when closeEquity (equity - slippage) or what follows from it leaves 64 bits.
   */
  closeOut(x: CloseOutInput): CloseOut;
  /**
   * The initial margin of a position of notional n (quote units) whose tier is `tier`, or null when
   * the book does not give what it needs (a generic tier's imr, a venue position's leverage).
   */
  initialMargin(market: Market, tier: number, n: bigint, leverage: bigint | undefined, price: bigint): bigint | null;
  /**
   * Per position of a liquidatable account, the notional this liquidation step closes and the
   * notional the next step would (0 where this step closes it all): the account's amounts and each
   * position's notional at the scanned marks.
   */
  steps(x: CloseOutInput): { readonly now: bigint; readonly next: bigint }[];
  /** Where the venue departs from the model's valuation (dydx-v4); absent: the model's. */
  readonly valuation?: Valuation;
  /**
   * A venue that values collateral assets otherwise than the model (../assets.ts: one rounding per
   * balance with a flat weight) states it here; the core's counterpart is an entry point
   * `${prefix}valueCollateral` (assembly/venues/index.ts) that the wrapper prefers to the model's.
   */
  collateralValue?(assets: readonly Asset[], collateral: bigint, balances: BalanceList | undefined, kind: WeightKind): { value: bigint; fits: boolean };
  /**
   * A position closed in part is stepped again by the next liquidation (dydx-v4: each block its
   * share); absent, the next step closes it whole (hyperliquid: after the cooldown, one order).
   */
  readonly repeatsSteps?: boolean;
  /** The size (size units, > 0) one liquidation step closes of a position, where the venue states it so (dydx-v4). */
  readonly stepSize?: (market: Market, size: bigint, price: bigint) => bigint;
  /**
   * A trade of `fillSize` (signed: > 0 buys) at `price` on a position of `size` at `entryPrice`
   * (size 0: none): the position's new size and entry price and what moves the collateral, exact
   * and unbounded (the live books refuse what leaves 64 bits). Both engines apply this one rule.
   */
  fill(market: Market, size: bigint, entryPrice: bigint, fillSize: bigint, price: bigint): FillOutcome;
  /**
   * A venue that evaluates an account whole, in its own precision (gmx-v2: one isolated position at
   * FLOAT_PRECISION), states it here; ../account.ts and ../liquidation-price.ts then defer to it.
   */
  readonly ownAccount?: OwnAccount;
}

export interface OwnAccount {
  scan(book: Book, acct: Account, marks: readonly bigint[]): AccountResult;
  /** The exact trigger, with no 64-bit limit. */
  liquidatable(book: Book, acct: Account, marks: readonly bigint[]): boolean;
  liquidationPrice(book: Book, acct: Account, marks: readonly bigint[], xMin: bigint, xMax: bigint): bigint | null;
}

/** What a fill does to a position and its account's collateral. */
export interface FillOutcome {
  readonly size: bigint;
  readonly entryPrice: bigint;
  /** Added to the collateral: realized PnL (entry venues) or the trade's cash (Hyperliquid). */
  readonly collateralDelta: bigint;
}

/**
 * The entry-price venues (generic, Binance USD-M), whose equity is collateral plus unrealized PnL
 * against the entry price:
 * - opening or adding to a position: entry = the size-weighted average of the old entry and the
 *   fill price, rounded against the holder (up for a long, down for a short), nothing realized;
 * - reducing it: entry unchanged, the closed part's PnL at the fill price realized into the
 *   collateral, floor(closed * (price - entry) / K) like any PnL (a loss rounds away from zero);
 * - crossing zero: the whole old position's PnL realized, the rest opened at the fill price.
 * Both roundings go toward the venue's solvency: the holder never gains from them.
 */
export function entryPriceFill(market: Market, size: bigint, entryPrice: bigint, fillSize: bigint, price: bigint): FillOutcome {
  const next = size + fillSize;
  if (size === 0n) return { size: next, entryPrice: price, collateralDelta: 0n };
  if ((size > 0n) === (fillSize > 0n)) {
    const weighted = abs(size) * entryPrice + abs(fillSize) * price;
    const entry = next > 0n ? ceilDiv(weighted, abs(next)) : weighted / abs(next); // both >= 0: truncation is floor
    return { size: next, entryPrice: entry, collateralDelta: 0n };
  }
  if (abs(fillSize) <= abs(size)) {
    return { size: next, entryPrice, collateralDelta: pnl(market, -fillSize, entryPrice, price) };
  }
  return { size: next, entryPrice: price, collateralDelta: pnl(market, size, entryPrice, price) };
}


/**
 * The venues whose equity is a cash balance plus each position's value at the mark (Hyperliquid,
 * dYdX v4): the balance pays for what the account buys and receives what it sells,
 * floor(-fill * price / K), a payment rounded up and a receipt down (toward the venue). The entry
 * price moves only as information, by the entry venues' weighted average.
 */
export function cashFill(market: Market, size: bigint, entryPrice: bigint, fillSize: bigint, price: bigint): FillOutcome {
  const { size: next, entryPrice: entry } = entryPriceFill(market, size, entryPrice, fillSize, price);
  const { mul, div } = scaling(market);
  return { size: next, entryPrice: entry, collateralDelta: floorDiv(-fillSize * price * mul, div) };
}

/** Every position whole in one step (the generic model, Binance). */
export function wholeSteps(x: CloseOutInput): { readonly now: bigint; readonly next: bigint }[] {
  return x.notionals.map((n) => ({ now: n, next: 0n }));
}

/** ceil(n / leverage): the venues' initial margin of a position opened at that leverage. */
export function marginAtLeverage(n: bigint, leverage: bigint | undefined): bigint | null {
  return leverage === undefined ? null : (n + leverage - 1n) / leverage;
}

/** Offsets that make the lines meet at the bounds: offset_0 = 0, offset_j = offset_{j-1} + bound_{j-1} * (slope_j - slope_{j-1}). */
export function continuousOffsets(
  tiers: readonly { readonly maxNotional: bigint | null }[],
  slopes: readonly bigint[],
): bigint[] {
  const offsets: bigint[] = [0n];
  for (let j = 1; j < tiers.length; j++) {
    const bound = tiers[j - 1]!.maxNotional;
    if (bound === null) throw new RangeError(`tier ${j - 1} has no maxNotional but is not the last tier`);
    offsets.push(offsets[j - 1]! + bound * (slopes[j]! - slopes[j - 1]!));
  }
  return offsets;
}
