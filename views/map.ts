/**
 * The liquidation map of one market: how much long and short notional would be liquidated at each
 * price of a range, from the exact liquidation price of every position (every other mark held
 * fixed), not from an estimated leverage distribution.
 *
 * Buckets: the range [from, to) of w = to - from price units is cut into N half-open buckets;
 * bucket k is [from + floor(k * w / N), from + floor((k + 1) * w / N)), so the widths differ by at
 * most one unit and the remainder of w / N is spread over the range (never piled into the last
 * bucket). A price equal to `to` is outside the range (above it).
 *
 * A position's weight is its notional at the current mark, `ceil(|size| * mark / K)` (the model's
 * formula). Zero-size positions carry nothing and have no liquidation price.
 */
import type { LiveBook } from "../bindings/types.js";
import { ceilDiv } from "../reference/arith.js";
import { venueNotional } from "../reference/position.js";
import { venueRules } from "../reference/venues/index.js";
import { ViewError } from "./errors.js";
import { MAX_PRICE, marketOf, shockedMark, withAssetShocks, type AssetShocks } from "./shock.js";

export interface LiquidationMapOptions {
  /** The market (index or id). */
  readonly market: number | string;
  /** Lowest price of the range (price units, included). Default: the mark - 50 % (floored). */
  readonly from?: bigint;
  /** End of the range (price units, excluded). Default: the mark + 50 % (floored), plus one. */
  readonly to?: bigint;
  /** Number of buckets, 1 to min(to - from, 10^6). Default 20 (fewer when the range is narrower). */
  readonly buckets?: number;
  /** Called as the liquidation prices are computed (positions done, positions in all). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Collateral assets shocked while the prices are computed (asset id to ppm). */
  readonly assetShocksPpm?: AssetShocks;
}

/** Notional (quote units of 10^-6) of the long and of the short positions in a group. */
export interface SideNotional {
  readonly longNotional: bigint;
  readonly shortNotional: bigint;
  readonly longPositions: number;
  readonly shortPositions: number;
}

export interface MapBucket extends SideNotional {
  /** First price of the bucket (included). */
  readonly from: bigint;
  /** End of the bucket (excluded). */
  readonly to: bigint;
}

export interface LiquidationMap {
  readonly market: number;
  readonly marketId: string;
  readonly markPrice: bigint;
  readonly from: bigint;
  readonly to: bigint;
  /** Positions by the bucket their liquidation price falls in. */
  readonly buckets: readonly MapBucket[];
  /**
   * `cumulativeLong[k]`: notional of the longs whose liquidation price is at or above bucket k's
   * first price, i.e. the longs a fall to that price reaches (those above the range included).
   * Non-increasing in k.
   */
  readonly cumulativeLong: readonly bigint[];
  /**
   * `cumulativeShort[k]`: notional of the shorts whose liquidation price is below bucket k's end,
   * i.e. the shorts a rise to its last price reaches (those below the range included).
   * Non-decreasing in k.
   */
  readonly cumulativeShort: readonly bigint[];
  /** Liquidation price below `from`. */
  readonly below: SideNotional;
  /** Liquidation price at or above `to`. */
  readonly above: SideNotional;
  /** Non-zero positions of the market without a liquidation price (no price in [0, 2^63-1] liquidates them). */
  readonly noPrice: SideNotional;
}

export const DEFAULT_BUCKETS = 20;
export const MAX_BUCKETS = 1_000_000;

class Side {
  longNotional = 0n;
  shortNotional = 0n;
  longPositions = 0;
  shortPositions = 0;
  add(long: boolean, n: bigint): void {
    if (long) {
      this.longNotional += n;
      this.longPositions++;
    } else {
      this.shortNotional += n;
      this.shortPositions++;
    }
  }
  plain(): SideNotional {
    return { longNotional: this.longNotional, shortNotional: this.shortNotional, longPositions: this.longPositions, shortPositions: this.shortPositions };
  }
}

/** The default range of a market: [mark - 50 %, mark + 50 %], as a half-open [from, to). */
export function defaultMapRange(mark: bigint): { from: bigint; to: bigint } {
  // shockedMark is at most 2^63 - 1, so `to` is at most 2^63: the largest price is then included.
  return { from: shockedMark(mark, -500_000n), to: shockedMark(mark, 500_000n) + 1n };
}

/**
 * The liquidation map of one market.
 *
 * ```ts
 * const map = liquidationMap(book, { market: "BTC-PERP", from: 6_000_000n, to: 7_200_000n, buckets: 4 });
 * for (const b of map.buckets) console.log(b.from, b.to, b.longNotional, b.shortNotional);
 * ```
 */
export function liquidationMap(book: LiveBook, options: LiquidationMapOptions): LiquidationMap {
  return withAssetShocks("liquidationMap", book, options?.assetShocksPpm, () => mapAt(book, options));
}

function mapAt(book: LiveBook, options: LiquidationMapOptions): LiquidationMap {
  const view = "liquidationMap";
  if (options === undefined || options.market === undefined) throw new ViewError(view, "market", "is required");
  const m = marketOf(view, book, options.market);
  const market = book.markets[m]!;
  const mark = book.markPrice(m);
  const range = defaultMapRange(mark);
  const from = options.from ?? range.from;
  const to = options.to ?? range.to;
  if (typeof from !== "bigint") throw new ViewError(view, "from", `expected a bigint (price units), got ${typeof from}`);
  if (typeof to !== "bigint") throw new ViewError(view, "to", `expected a bigint (price units), got ${typeof to}`);
  if (from < 0n || from > MAX_PRICE) throw new ViewError(view, "from", `${from} is outside the prices 0..${MAX_PRICE}`);
  if (to <= from) throw new ViewError(view, "to", `${to} is not above from (${from})`);
  if (to > MAX_PRICE + 1n) throw new ViewError(view, "to", `${to} is beyond the largest price + 1 (${MAX_PRICE + 1n})`);
  const count = options.buckets ?? Math.min(DEFAULT_BUCKETS, Number(to - from));
  if (!Number.isInteger(count) || count < 1 || count > MAX_BUCKETS) throw new ViewError(view, "buckets", `${count} is not a whole number from 1 to ${MAX_BUCKETS}`);
  const width = to - from;
  const n = BigInt(count);
  if (n > width) throw new ViewError(view, "buckets", `${count} buckets do not fit in ${width} price units (each bucket holds at least one)`);

  const edges = Array.from({ length: count + 1 }, (_, k) => from + (BigInt(k) * width) / n);
  const inBucket = Array.from({ length: count }, () => new Side());
  const below = new Side();
  const above = new Side();
  const noPrice = new Side();

  const prices = book.liquidationPrices(options.onProgress ? { onProgress: options.onProgress } : undefined);
  const { positionMarket, positionSize } = book.inputs;
  const rules = venueRules(book.venue); // the venue's notional (dydx-v4 truncates)
  const fallsOf = hedgedLegs(book, m, prices, mark);
  for (let p = 0; p < book.positionCount; p++) {
    if (positionMarket[p] !== m) continue;
    const size = positionSize[p]!;
    if (size === 0n) continue;
    const long = fallsOf.get(p) ?? size > 0n;
    const weight = venueNotional(rules, market, size, mark);
    const price = prices[p]!;
    if (price < 0n) noPrice.add(long, weight);
    else if (price < from) below.add(long, weight);
    else if (price >= to) above.add(long, weight);
    else {
      // The k with edge_k <= price < edge_{k+1}: floor(k w / N) <= d  <=>  k < (d + 1) N / w.
      const k = Number(ceilDiv((price - from + 1n) * n, width)) - 1;
      inBucket[k]!.add(long, weight);
    }
  }

  const buckets = inBucket.map((s, k) => ({ from: edges[k]!, to: edges[k + 1]!, ...s.plain() }));
  const cumulativeLong = new Array<bigint>(count);
  let longs = above.longNotional;
  for (let k = count - 1; k >= 0; k--) cumulativeLong[k] = longs += buckets[k]!.longNotional;
  const cumulativeShort = new Array<bigint>(count);
  let shorts = below.shortNotional;
  for (let k = 0; k < count; k++) cumulativeShort[k] = shorts += buckets[k]!.shortNotional;
  return {
    market: m, marketId: market.id, markPrice: mark, from, to, buckets, cumulativeLong, cumulativeShort,
    below: below.plain(), above: above.plain(), noPrice: noPrice.plain(),
  };
}

/**
 * The legs of hedged pairs in market m (an account holding it both long and short, binance-usdm
 * hedge mode), each with whether a fall liquidates its pair. The pair has one price, on the side of
 * the mark toward which its margin falls (reference/hedged-pair.ts), and both legs are closed there:
 * they count together, with the longs when a fall reaches that price, else with the shorts.
 */
function hedgedLegs(book: LiveBook, m: number, prices: BigInt64Array, mark: bigint): Map<number, boolean> {
  const legs = new Map<number, boolean>();
  const { positionStart, positionMarket, positionSize } = book.inputs;
  for (let a = 0; a < book.accountCount; a++) {
    const held: number[] = [];
    for (let p = positionStart[a]!; p < positionStart[a + 1]!; p++) if (positionMarket[p] === m && positionSize[p] !== 0n) held.push(p);
    if (held.length < 2) continue;
    const price = prices[held[0]!]!;
    const net = held.reduce((s, p) => s + positionSize[p]!, 0n);
    const fall = price >= 0n && price !== mark ? price < mark : net > 0n;
    for (const p of held) legs.set(p, fall);
  }
  return legs;
}
