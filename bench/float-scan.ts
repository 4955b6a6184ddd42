/**
 * A naive scan in Float64, the way a first TypeScript implementation would write the model: the
 * book held as doubles, every formula (notional, pnl, tiers, volatility scale, fees, slippage) in
 * doubles, no rounding rule. It is a speed yardstick, and its decisions are wrong wherever a
 * double cannot tell equity from maintenance; `wrongDecisions` counts them against an exact scan.
 */
import type { BookColumns } from "../book/types.js";

/** What a float scan needs of a market, converted once (quote amounts in 10^-6 units, rates as fractions). */
export interface FloatMarket {
  /** size * price / scale = quote units */
  readonly scale: number;
  readonly tierMax: Float64Array;
  readonly tierMmr: Float64Array;
  /** continuity offsets, quote units */
  readonly tierCum: Float64Array;
  readonly volatilityScale: number;
  readonly fee: number;
  /** Infinity without impact */
  readonly depth: number;
  readonly maxSlippage: number;
}

/** The book as a float implementation would hold it: doubles, converted once from the integer columns. */
export interface FloatBook {
  readonly liquidatorShare: number;
  readonly markets: readonly FloatMarket[];
  readonly collateral: Float64Array;
  readonly positionStart: Uint32Array;
  readonly positionMarket: Uint32Array;
  readonly positionSize: Float64Array;
  readonly positionEntry: Float64Array;
}

export interface FloatTotals {
  liquidatable: number;
  penalty: number;
  liquidatorReward: number;
  insuranceFund: number;
  badDebt: number;
  notional: number;
}

type Columns = Pick<BookColumns, "liquidatorSharePpm" | "markets" | "collateral" | "positionStart" | "positionMarket" | "positionSize" | "positionEntry">;

/** Convert a book's integer columns to doubles (not timed: a float implementation stores doubles). */
export function toFloatBook(c: Columns): FloatBook {
  const markets = c.markets.map((m): FloatMarket => {
    const n = m.tiers.length;
    const tierMax = new Float64Array(n);
    const tierMmr = new Float64Array(n);
    const tierCum = new Float64Array(n);
    m.tiers.forEach((t, j) => {
      tierMax[j] = t.maxNotional === null ? Infinity : Number(t.maxNotional);
      tierMmr[j] = Number(t.mmrPpm) / 1e6;
      if (j > 0) tierCum[j] = tierCum[j - 1]! + tierMax[j - 1]! * (tierMmr[j]! - tierMmr[j - 1]!);
    });
    return {
      scale: 10 ** (m.sizeDecimals + m.priceDecimals - 6),
      tierMax,
      tierMmr,
      tierCum,
      volatilityScale: m.volatility ? Math.max(1, Number(m.volatility.currentPpm) / Number(m.volatility.referencePpm)) : 1,
      fee: Number(m.liquidationFeePpm) / 1e6,
      depth: m.impact ? Number(m.impact.depth) : Infinity,
      maxSlippage: m.impact ? Number(m.impact.maxSlippagePpm) / 1e6 : 0,
    };
  });
  const doubles = (column: BigInt64Array) => Float64Array.from(column, Number);
  return {
    liquidatorShare: Number(c.liquidatorSharePpm) / 1e6,
    markets,
    collateral: doubles(c.collateral),
    positionStart: c.positionStart,
    positionMarket: c.positionMarket,
    positionSize: doubles(c.positionSize),
    positionEntry: doubles(c.positionEntry),
  };
}

/** Mark prices as doubles, one per market. */
export function floatMarks(marks: readonly bigint[]): Float64Array {
  return Float64Array.from(marks, Number);
}

function notionalOf(m: FloatMarket, size: number, price: number): number {
  return (Math.abs(size) * price) / m.scale;
}

/**
 * Scan every account in doubles: `out[a]` = 1 when the account looks liquidatable, else 0.
 * Like the exact core it computes fees and slippage only for the accounts it liquidates.
 */
export function floatScan(book: FloatBook, marks: Float64Array, out: Uint8Array): FloatTotals {
  const { markets, collateral, positionStart: starts, positionMarket, positionSize, positionEntry } = book;
  const totals: FloatTotals = { liquidatable: 0, penalty: 0, liquidatorReward: 0, insuranceFund: 0, badDebt: 0, notional: 0 };
  const accounts = collateral.length;
  for (let a = 0; a < accounts; a++) {
    const first = starts[a]!;
    const end = starts[a + 1]!;
    let equity = collateral[a]!;
    let maintenance = 0;
    let open = false;
    for (let p = first; p < end; p++) {
      const m = markets[positionMarket[p]!]!;
      const price = marks[positionMarket[p]!]!;
      const size = positionSize[p]!;
      const notional = notionalOf(m, size, price);
      equity += (size * (price - positionEntry[p]!)) / m.scale;
      let j = 0;
      while (notional > m.tierMax[j]!) j++;
      maintenance += (notional * m.tierMmr[j]! - m.tierCum[j]!) * m.volatilityScale;
      if (size !== 0) open = true;
    }
    const liquidatable = open && equity < maintenance;
    out[a] = liquidatable ? 1 : 0;
    if (!liquidatable) continue;
    let fees = 0;
    let slippage = 0;
    let notionalSum = 0;
    for (let p = first; p < end; p++) {
      const m = markets[positionMarket[p]!]!;
      const notional = notionalOf(m, positionSize[p]!, marks[positionMarket[p]!]!);
      fees += notional * m.fee;
      slippage += notional * Math.min(m.maxSlippage, notional / m.depth);
      notionalSum += notional;
    }
    const closeEquity = equity - slippage;
    const penalty = Math.min(fees, Math.max(closeEquity, 0));
    const reward = penalty * book.liquidatorShare;
    totals.liquidatable++;
    totals.penalty += penalty;
    totals.liquidatorReward += reward;
    totals.insuranceFund += penalty - reward;
    totals.badDebt += Math.max(-closeEquity, 0);
    totals.notional += notionalSum;
  }
  return totals;
}

/**
 * Accounts whose decision (liquidatable or not) differs between `decisions` (1 = liquidatable,
 * anything else = not) and an exact scan's `status` (1 = liquidatable; 0 ok and 2 overflow are
 * both "not liquidatable").
 */
export function wrongDecisions(decisions: Uint8Array, status: Uint8Array): number {
  if (decisions.length !== status.length) {
    throw new RangeError(`wrongDecisions: ${decisions.length} decisions for ${status.length} accounts`);
  }
  let wrong = 0;
  for (let a = 0; a < status.length; a++) if ((decisions[a] === 1) !== (status[a] === 1)) wrong++;
  return wrong;
}
