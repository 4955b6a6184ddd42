/**
 * The two charts, drawn by uPlot (canvas, built for large series). Values reach the charts as
 * floats converted from the exact bigints: a chart only draws them; the exact figures are in the
 * totals, the table and the JSON export.
 */
// First: uPlot reads navigator.language when it loads, and an invalid tag would throw there.
import "./locale.js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { compact, count, money, price } from "./money.js";
import type { LiquidationMapData, MarketInfo, StressCurve } from "./protocol.js";

const COLORS = {
  penalty: "#2563eb",
  badDebt: "#dc2626",
  liquidatable: "#6b7280",
  long: "#dc2626",
  short: "#059669",
  mark: "#111827",
};

const quote = (v: bigint): number => Number(v) / 1e6;
const HEIGHT = 300;

/** A uPlot chart that follows its container's width. */
abstract class Chart {
  protected plot: uPlot | undefined;

  constructor(protected readonly host: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(host);
  }

  protected width(): number {
    return Math.max(320, this.host.clientWidth);
  }

  protected replace(options: Omit<uPlot.Options, "width" | "height">, data: uPlot.AlignedData): void {
    this.plot?.destroy();
    this.plot = new uPlot({ ...options, width: this.width(), height: HEIGHT }, data, this.host);
  }

  clear(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }
}

const GRID = "#eef0f3";

/** A money axis, labelled in the colour of its series when a chart has two. */
function moneyAxis(label: string, scale: string, colour = "#374151", side: 1 | 3 = 3): uPlot.Axis {
  return {
    label,
    scale,
    side,
    size: 64,
    stroke: colour,
    values: (_u, splits) => splits.map((v) => compact(v)),
    grid: side === 3 ? { stroke: GRID } : { show: false },
  };
}

/**
 * Penalties (left axis) and bad debt (right axis) against the shock: each on its own scale, as bad
 * debt under a deep shock is orders of magnitude above the penalties. The number of liquidatable
 * accounts is in the legend (and on the chart when switched on there).
 */
export class StressChart extends Chart {
  show(curve: StressCurve): void {
    const x = curve.shockPpm.map((s) => Number(s) / 1e4);
    const at = (series: readonly bigint[]) => (_u: uPlot, _v: number | null, _s: number, i: number | null) =>
      i === null || i === undefined ? "–" : money(series[i]!);
    this.replace(
      {
        class: "stress-chart",
        cursor: { points: { size: 7 } },
        scales: { x: { time: false }, penalty: { range: (_u, _min, max) => [0, max || 1] }, badDebt: { range: (_u, _min, max) => [0, max || 1] }, count: {} },
        series: [
          { label: "shock", value: (_u, v) => (v === null ? "–" : signedPercent(v)) },
          { label: "penalties", scale: "penalty", stroke: COLORS.penalty, width: 2, value: at(curve.penalty) },
          { label: "bad debt", scale: "badDebt", stroke: COLORS.badDebt, width: 2, value: at(curve.badDebt) },
          {
            label: "liquidatable accounts", scale: "count", stroke: COLORS.liquidatable, width: 1.5, dash: [5, 4], show: false,
            value: (_u, _v, _s, i) => (i === null || i === undefined ? "–" : count(curve.liquidatable[i]!)),
          },
        ],
        axes: [
          { label: "shock to every mark price", values: (_u, splits) => splits.map(signedPercent), grid: { stroke: GRID } },
          moneyAxis("penalties", "penalty", COLORS.penalty, 3),
          moneyAxis("bad debt", "badDebt", COLORS.badDebt, 1),
        ],
      },
      [x, curve.penalty.map(quote), curve.badDebt.map(quote), [...curve.liquidatable]],
    );
  }
}

function signedPercent(v: number): string {
  return `${v > 0 ? "+" : ""}${v}%`;
}

/**
 * Notional that would be liquidated at each price of one market (every other mark held): long
 * positions liquidate as the price falls, shorts as it rises. A line marks the current mark price.
 */
export class LiquidationMapChart extends Chart {
  show(map: LiquidationMapData, market: MarketInfo): void {
    const d = market.priceDecimals;
    const scale = 10 ** d;
    const x = map.from.map((p) => Number(p) / scale);
    const mark = Number(market.markPrice) / scale;
    const bars = uPlot.paths.bars!({ size: [0.92, 40], align: 1 });
    const at = (series: readonly bigint[]) => (_u: uPlot, _v: number | null, _s: number, i: number | null) =>
      i === null || i === undefined ? "–" : money(series[i]!);
    this.replace(
      {
        class: "map-chart",
        scales: { x: { time: false }, money: {}, cumulative: {} },
        series: [
          {
            label: "price",
            value: (_u, _v, _s, i) =>
              i === null || i === undefined ? "–" : `${price(map.from[i]!, d)} – ${price(i + 1 < map.from.length ? map.from[i + 1]! : map.to, d)}`,
          },
          { label: "longs liquidated", scale: "money", stroke: COLORS.long, fill: COLORS.long + "99", paths: bars, points: { show: false }, value: at(map.long) },
          { label: "shorts liquidated", scale: "money", stroke: COLORS.short, fill: COLORS.short + "99", paths: bars, points: { show: false }, value: at(map.short) },
          { label: "longs, cumulative", scale: "cumulative", stroke: COLORS.long, width: 1.5, dash: [6, 3], points: { show: false }, value: at(map.cumulativeLong) },
          { label: "shorts, cumulative", scale: "cumulative", stroke: COLORS.short, width: 1.5, dash: [6, 3], points: { show: false }, value: at(map.cumulativeShort) },
        ],
        axes: [
          { label: `${market.id} price (dashed line: mark ${price(market.markPrice, d)})`, values: (_u, splits) => splits.map((v) => compact(v)), grid: { stroke: GRID } },
          moneyAxis("notional per 1 % bucket", "money"),
          moneyAxis("cumulative (dashed)", "cumulative", undefined, 1),
        ],
        hooks: {
          draw: [
            (u) => {
              const left = Math.round(u.valToPos(mark, "x", true));
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = COLORS.mark;
              ctx.setLineDash([4, 4]);
              ctx.lineWidth = devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(left, u.bbox.top);
              ctx.lineTo(left, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.restore();
            },
          ],
        },
      },
      [x, map.long.map(quote), map.short.map(quote), map.cumulativeLong.map(quote), map.cumulativeShort.map(quote)],
    );
  }
}

