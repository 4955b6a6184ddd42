/**
 * Price-shock scenarios: the book's totals at every shock of a grid, every other input unchanged.
 * The marks are the shared rule of shock.ts; the engine evaluates the grid (LiveBook.shockTotals:
 * one scan per shock on the reference engine, one pass over the book on the wasm engine) and
 * leaves the book as it was.
 */
import type { LiveBook } from "../bindings/types.js";
import { marksAtShock } from "../reference/shock.js";
import { currentMarks, shockList, shockTarget, targetBetas, withAssetShocks, type AssetShocks, type ShockGrid } from "./shock.js";

export interface StressOptions {
  /** The shocks (ppm): a list, or `{ from, to, step }`. Default -50 % to +50 % in 1 % steps (101 shocks). */
  readonly shocksPpm?: ShockGrid;
  /** Shock this market only (index or id); default: every market at once. */
  readonly market?: number | string;
  /** One beta per market of the book (ppm; 10^6 = moves with the shock); default 10^6 for all. */
  readonly betaPpm?: readonly bigint[];
  /** Collateral assets shocked for the whole grid (asset id to ppm): a depeg or a collateral crash beside the marks' grid. */
  readonly assetShocksPpm?: AssetShocks;
}

/** The totals of the book's scan at one shock (amounts in quote units of 10^-6, exact). */
export interface StressRow {
  readonly shockPpm: bigint;
  /** Every market's mark at this shock (price units); unshocked markets keep their mark. */
  readonly marks: readonly bigint[];
  readonly liquidatable: number;
  readonly overflow: number;
  /** Notional of the liquidatable accounts' positions: what closing them all trades. */
  readonly notional: bigint;
  readonly penalty: bigint;
  readonly liquidatorReward: bigint;
  readonly insuranceFund: bigint;
  readonly badDebt: bigint;
}

/**
 * The book's liquidation totals at every shock of a grid.
 *
 * ```ts
 * const rows = stress(book, { shocksPpm: { from: -200_000n, to: 0n, step: 50_000n } });
 * for (const r of rows) console.log(r.shockPpm, r.liquidatable, r.badDebt);
 * ```
 */
export function stress(book: LiveBook, options: StressOptions = {}): StressRow[] {
  const shocks = shockList("stress", options.shocksPpm);
  const target = shockTarget("stress", book, options.market, options.betaPpm);
  const base = currentMarks(book);
  const betaPpm = targetBetas(target, base.length);
  const totals = withAssetShocks("stress", book, options.assetShocksPpm, () => book.shockTotals(shocks, betaPpm));
  return shocks.map((shockPpm, i) => {
    const t = totals[i]!;
    return {
      shockPpm, marks: marksAtShock(base, shockPpm, betaPpm), liquidatable: t.liquidatable, overflow: t.overflow, notional: t.notional,
      penalty: t.penalty, liquidatorReward: t.liquidatorReward, insuranceFund: t.insuranceFund, badDebt: t.badDebt,
    };
  });
}
