/**
 * The page's two risk views, computed in the worker by the package's views (stress,
 * liquidationMap) and reduced to what the charts draw.
 */
import { liquidationMap, stress, type LiveBook } from "liqscan";
import type { LiquidationMapData, StressCurve } from "./protocol.js";

/** -50 % to +50 % of every mark; 2 % steps, or 5 % on books big enough that a scan takes a while. */
export function stressGrid(positions: number): bigint[] {
  const step = positions <= 1_000_000 ? 20_000n : 50_000n;
  const out: bigint[] = [];
  for (let s = -500_000n; s <= 500_000n; s += step) out.push(s);
  return out;
}

/** The stress curve, a few shocks at a time so that the page can show progress. */
export function stressCurveOf(book: LiveBook, onProgress: (done: number, total: number) => void): StressCurve {
  const grid = stressGrid(book.positionCount);
  const curve = { shockPpm: [] as bigint[], liquidatable: [] as number[], notional: [] as bigint[], penalty: [] as bigint[], badDebt: [] as bigint[] };
  const chunk = 4;
  for (let i = 0; i < grid.length; i += chunk) {
    for (const row of stress(book, { shocksPpm: grid.slice(i, i + chunk) })) {
      curve.shockPpm.push(row.shockPpm);
      curve.liquidatable.push(row.liquidatable);
      curve.notional.push(row.notional);
      curve.penalty.push(row.penalty);
      curve.badDebt.push(row.badDebt);
    }
    onProgress(Math.min(grid.length, i + chunk), grid.length);
  }
  return curve;
}

/** Buckets of the liquidation map: 1 % of the mark each, over mark -50 % .. +50 %. */
export const MAP_BUCKETS = 100;

export function liquidationMapOf(book: LiveBook, market: number): LiquidationMapData {
  const mark = book.markPrice(market);
  const from = mark / 2n;
  const to = (mark * 3n) / 2n + 1n;
  const buckets = to - from < BigInt(MAP_BUCKETS) ? Number(to - from) : MAP_BUCKETS;
  const map = liquidationMap(book, { market, from, to, buckets });
  return {
    market,
    from: map.buckets.map((b) => b.from),
    to: map.to,
    long: map.buckets.map((b) => b.longNotional),
    short: map.buckets.map((b) => b.shortNotional),
    cumulativeLong: map.cumulativeLong,
    cumulativeShort: map.cumulativeShort,
  };
}
