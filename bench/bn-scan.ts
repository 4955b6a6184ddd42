/**
 * The scan written the way popular TypeScript SDKs of perpetual-futures venues (Drift, Mango,
 * dYdX v3 clients) write their margin math: every amount a `BN` from bn.js, decoded once from the
 * account data (as their account decoders do), every step `.mul` / `.div` / `.add` returning a new
 * `BN`, constants like `PRICE_PRECISION` held as `BN`s, and `divCeil` / `divFloor` helpers for the
 * model's rounding. It is exact: its decisions and totals match the reference (test/bench-*.test.ts),
 * which makes it the fair "exact in plain TypeScript" competitor next to the BigInt reference.
 */
import BN from "bn.js";
import type { BookColumns, Market } from "../book/types.js";

const ZERO = new BN(0);
const ONE = new BN(1);
const PPM = new BN(1_000_000);
const PPM2 = new BN(1_000_000_000_000);
const I64_MAX = new BN("9223372036854775807");
const I64_MIN = new BN("-9223372036854775808");

/** Status codes, as the engines write them. */
const OK = 0;
const LIQUIDATABLE = 1;
const OVERFLOW = 2;

/** floor(a / b) for b > 0 (bn.js divides toward zero and gives the remainder the dividend's sign). */
function divFloor(a: BN, b: BN): BN {
  const { div, mod } = a.divmod(b);
  return mod.isNeg() ? div.sub(ONE) : div;
}

/** ceil(a / b) for b > 0. */
function divCeil(a: BN, b: BN): BN {
  const { div, mod } = a.divmod(b);
  return mod.gt(ZERO) ? div.add(ONE) : div;
}

const fits64 = (x: BN) => x.gte(I64_MIN) && x.lte(I64_MAX);

/** A 64-bit integer as a BN (through a double when that is exact, else through its decimal digits). */
export function bnOf(x: bigint): BN {
  return x >= -9007199254740991n && x <= 9007199254740991n ? new BN(Number(x)) : new BN(x.toString());
}

interface BnTier {
  readonly max: BN | null;
  readonly mmr: BN;
  readonly cum: BN;
}

interface BnMarket {
  /** notional = ceil(|s| * P * mul / div) */
  readonly mul: BN;
  readonly div: BN;
  readonly tiers: readonly BnTier[];
  readonly scale: BN;
  readonly fee: BN;
  readonly depth: BN | null;
  readonly maxSlippage: BN;
}

export interface BnBook {
  readonly liquidatorShare: BN;
  readonly markets: readonly BnMarket[];
  readonly collateral: readonly BN[];
  readonly positionStart: Uint32Array;
  readonly positionMarket: Uint32Array;
  readonly positionSize: readonly BN[];
  readonly positionEntry: readonly BN[];
}

export interface BnTotals {
  liquidatable: number;
  overflow: number;
  penalty: BN;
  liquidatorReward: BN;
  insuranceFund: BN;
  badDebt: BN;
  notional: BN;
}

function bnMarket(m: Market): BnMarket {
  const e = m.sizeDecimals + m.priceDecimals - 6;
  const ten = new BN(10);
  const tiers: BnTier[] = [];
  let cum = ZERO;
  m.tiers.forEach((t, j) => {
    if (j > 0) cum = cum.add(bnOf(m.tiers[j - 1]!.maxNotional!).mul(bnOf(t.mmrPpm).sub(bnOf(m.tiers[j - 1]!.mmrPpm))));
    tiers.push({ max: t.maxNotional === null ? null : bnOf(t.maxNotional), mmr: bnOf(t.mmrPpm), cum });
  });
  let scale = PPM;
  if (m.volatility) {
    const v = divCeil(bnOf(m.volatility.currentPpm).mul(PPM), bnOf(m.volatility.referencePpm));
    if (v.gt(scale)) scale = v;
  }
  return {
    mul: e < 0 ? ten.pow(new BN(-e)) : ONE,
    div: e > 0 ? ten.pow(new BN(e)) : ONE,
    tiers,
    scale,
    fee: bnOf(m.liquidationFeePpm),
    depth: m.impact ? bnOf(m.impact.depth) : null,
    maxSlippage: m.impact ? bnOf(m.impact.maxSlippagePpm) : ZERO,
  };
}

type Columns = Pick<BookColumns, "liquidatorSharePpm" | "markets" | "collateral" | "positionStart" | "positionMarket" | "positionSize" | "positionEntry">;

/** Decode the columns into BNs, once (not timed: an SDK keeps its decoded accounts). */
export function toBnBook(c: Columns): BnBook {
  return {
    liquidatorShare: bnOf(c.liquidatorSharePpm),
    markets: c.markets.map(bnMarket),
    collateral: Array.from(c.collateral, bnOf),
    positionStart: c.positionStart,
    positionMarket: c.positionMarket,
    positionSize: Array.from(c.positionSize, bnOf),
    positionEntry: Array.from(c.positionEntry, bnOf),
  };
}

/** Mark prices as BNs, one per market (an SDK's oracle prices). */
export function bnMarks(marks: readonly bigint[]): BN[] {
  return marks.map(bnOf);
}

function notionalOf(m: BnMarket, size: BN, price: BN): BN {
  return divCeil(size.abs().mul(price).mul(m.mul), m.div);
}

function maintenanceOf(m: BnMarket, notional: BN): BN {
  let tier = m.tiers[0]!;
  for (const t of m.tiers) {
    tier = t;
    if (t.max === null || notional.lte(t.max)) break;
  }
  return divCeil(notional.mul(tier.mmr).sub(tier.cum).mul(m.scale), PPM2);
}

function slippageOf(m: BnMarket, notional: BN): BN {
  if (m.depth === null) return ZERO;
  const rate = BN.min(m.maxSlippage, divCeil(notional.mul(PPM), m.depth));
  return divCeil(notional.mul(rate), PPM);
}

/**
 * Scan every account exactly: `status[a]` = 0 ok, 1 liquidatable, 2 overflow (the model's
 * 64-bit limits, checked on the exact values). Fees and slippage are computed for the accounts
 * that need them, as the core does: the liquidatable ones, and those whose notionals sum past
 * 2^63 - 1 (only then can a sum of fees or slippage overflow).
 */
export function bnScan(book: BnBook, marks: readonly BN[], status: Uint8Array): BnTotals {
  const { markets, collateral, positionStart: starts, positionMarket, positionSize, positionEntry } = book;
  const totals: BnTotals = { liquidatable: 0, overflow: 0, penalty: ZERO, liquidatorReward: ZERO, insuranceFund: ZERO, badDebt: ZERO, notional: ZERO };
  for (let a = 0; a < collateral.length; a++) {
    const first = starts[a]!;
    const end = starts[a + 1]!;
    let equity = collateral[a]!;
    let maintenance = ZERO;
    let notionalSum = ZERO;
    let open = false;
    let overflow = false;
    for (let p = first; p < end; p++) {
      const m = markets[positionMarket[p]!]!;
      const price = marks[positionMarket[p]!]!;
      const size = positionSize[p]!;
      const notional = notionalOf(m, size, price);
      if (notional.gt(I64_MAX)) overflow = true;
      equity = equity.add(divFloor(size.mul(price.sub(positionEntry[p]!)).mul(m.mul), m.div));
      maintenance = maintenance.add(maintenanceOf(m, notional));
      notionalSum = notionalSum.add(notional);
      if (!size.isZero()) open = true;
    }
    overflow ||= !fits64(equity) || !fits64(maintenance);
    const liquidatable = !overflow && open && equity.lt(maintenance);
    let fees = ZERO;
    let slippage = ZERO;
    if (liquidatable || (!overflow && notionalSum.gt(I64_MAX))) {
      for (let p = first; p < end; p++) {
        const m = markets[positionMarket[p]!]!;
        const notional = notionalOf(m, positionSize[p]!, marks[positionMarket[p]!]!);
        fees = fees.add(divCeil(notional.mul(m.fee), PPM));
        slippage = slippage.add(slippageOf(m, notional));
      }
      overflow = !fits64(fees) || !fits64(slippage);
    }
    const closeEquity = equity.sub(slippage);
    // -2^63 fits 64 bits but its bad debt would not (docs/decisions.md item 7).
    if (liquidatable && !overflow && (!fits64(closeEquity) || closeEquity.eq(I64_MIN))) overflow = true;
    if (overflow) {
      status[a] = OVERFLOW;
      totals.overflow++;
      continue;
    }
    if (!liquidatable) {
      status[a] = OK;
      continue;
    }
    status[a] = LIQUIDATABLE;
    const penalty = BN.min(fees, BN.max(closeEquity, ZERO));
    const reward = divFloor(penalty.mul(book.liquidatorShare), PPM);
    totals.liquidatable++;
    totals.penalty = totals.penalty.add(penalty);
    totals.liquidatorReward = totals.liquidatorReward.add(reward);
    totals.insuranceFund = totals.insuranceFund.add(penalty.sub(reward));
    totals.badDebt = totals.badDebt.add(BN.max(closeEquity.neg(), ZERO));
    totals.notional = totals.notional.add(notionalSum);
  }
  return totals;
}
