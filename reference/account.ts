/**
 * Per-account and per-book scan of the model (shared/spec/model.md, "Per account"), exact, on
 * BigInt. Overflow is checked for every account (docs/decisions.md item 1); a position's pnl is
 * exact at any width, only the named sums must fit in 64 bits (item 2).
 */
import { PPM, type AccountResult, type Book, type CloseOut, type Totals } from "../book/types.js";
import { I64_MAX, I64_MIN, fitsI64, floorDiv, max, min } from "./arith.js";
import { venueMaintenance, venueNotional, venuePnl } from "./position.js";
import type { Asset, Balance, Market } from "../book/types.js";
import { venueRules } from "./venues/index.js";
import { accountCollateral } from "./assets.js";

/** The exact (unbounded) amounts of one account at the given marks. */
export interface ExactAccount {
  /** C + sum(pnl_i), C the collateral value (quote collateral and weighted balances: ./assets.ts). */
  readonly equity: bigint;
  /** The collateral value fits 64 bits (./assets.ts); else the account is an overflow. */
  readonly collateralFits: boolean;
  /** sum(maintenance_i). */
  readonly maintenance: bigint;
  readonly sumFee: bigint;
  readonly sumSlippage: bigint;
  /** The largest position notional (0 without positions); notionals are >= 0. */
  readonly maxNotional: bigint;
  /** Sum of the position notionals. */
  readonly sumNotional: bigint;
  /** At least one position of non-zero size. */
  readonly hasNonZeroPosition: boolean;
  /** Each position's notional, in the account's order. */
  readonly notionals: readonly bigint[];
  /** Each position's size, market and its market's price, in the account's order. */
  readonly sizes: readonly bigint[];
  readonly markets: readonly Market[];
  readonly prices: readonly bigint[];
  /** The account's quote collateral (the book's field), each position's entry as the book holds it, its balances and the book's assets. */
  readonly collateral: bigint;
  readonly entries: readonly bigint[];
  readonly balances?: readonly Balance[];
  readonly assets?: readonly Asset[];
}

function marksOf(book: Book, marks: readonly bigint[] | undefined): readonly bigint[] {
  if (marks === undefined) return book.markets.map((m) => m.markPrice);
  if (marks.length !== book.markets.length) {
    throw new RangeError(`marks: expected ${book.markets.length} prices, got ${marks.length}`);
  }
  return marks;
}

/** Exact amounts of account `account` (index into book.accounts) at `marks` (default: each market's markPrice). */
export function evaluateAccount(book: Book, account: number, marks?: readonly bigint[]): ExactAccount {
  const acct = book.accounts[account];
  if (acct === undefined) throw new RangeError(`no account at index ${account}`);
  const prices = marksOf(book, marks);
  const collateral = accountCollateral(book, acct);
  let equity = collateral.value;
  let maint = 0n;
  let sumFee = 0n;
  let sumSlippage = 0n;
  let maxNotional = 0n;
  let sumNotional = 0n;
  let hasNonZeroPosition = false;
  const notionals: bigint[] = [];
  const sizes: bigint[] = [];
  const markets: Market[] = [];
  const positionPrices: bigint[] = [];
  const entries: bigint[] = [];
  const rules = venueRules(book.venue);
  for (const pos of acct.positions) {
    const market = book.markets[pos.market];
    if (market === undefined) throw new RangeError(`account ${acct.id}: unknown market index ${pos.market}`);
    const price = prices[pos.market]!;
    const n = venueNotional(rules, market, pos.size, price);
    equity += venuePnl(rules, market, pos.size, pos.entryPrice, price);
    maint += venueMaintenance(rules, market, n, pos.size);
    sumFee += rules.fee(market, n);
    sumSlippage += rules.slippage(market, n);
    maxNotional = max(maxNotional, n);
    sumNotional += n;
    notionals.push(n);
    sizes.push(pos.size);
    markets.push(market);
    positionPrices.push(price);
    entries.push(pos.entryPrice);
    if (pos.size !== 0n) hasNonZeroPosition = true;
  }
  return { equity, collateralFits: collateral.fits, maintenance: maint, sumFee, sumSlippage, maxNotional, sumNotional, hasNonZeroPosition, notionals, sizes, markets, prices: positionPrices, collateral: acct.collateral, entries, ...(acct.balances ? { balances: acct.balances } : {}), ...(book.assets ? { assets: book.assets } : {}) };
}

/** The liquidatable predicate on exact amounts under a venue's trigger (strict, or equity <= maintenance; or the venue's own). */
export function triggered(x: ExactAccount, triggerSlack: bigint, rules = venueRules(undefined)): boolean {
  if (rules.valuation) return rules.valuation.liquidatable(x.equity, x.maintenance, x.hasNonZeroPosition);
  return x.hasNonZeroPosition && x.equity < x.maintenance + triggerSlack;
}

/**
 * The liquidatable predicate on exact values, with no 64-bit limit (decisions.md item 3):
 * at least one non-zero position and equity < maintenance.
 */
export function isLiquidatable(book: Book, account: number, marks?: readonly bigint[]): boolean {
  const rules = venueRules(book.venue);
  if (rules.ownAccount) return rules.ownAccount.liquidatable(book, accountAt(book, account), marksOf(book, marks));
  return triggered(evaluateAccount(book, account, marks), rules.triggerSlack, rules);
}

function accountAt(book: Book, account: number) {
  const acct = book.accounts[account];
  if (acct === undefined) throw new RangeError(`no account at index ${account}`);
  return acct;
}

function overflow(): AccountResult {
  return { status: "overflow", equity: null, maintenance: null, closeOut: null };
}

/** Full close-out at mark of a liquidatable account (closeEquity already checked to fit 64 bits). */
export function closeOutOf(closeEquity: bigint, sumFee: bigint, liquidatorSharePpm: bigint, notional: bigint): CloseOut {
  const penalty = min(sumFee, max(closeEquity, 0n));
  const liquidatorReward = floorDiv(penalty * liquidatorSharePpm, PPM);
  return {
    notional,
    penalty,
    liquidatorReward,
    insuranceFund: penalty - liquidatorReward,
    badDebt: max(-closeEquity, 0n),
    returned: max(closeEquity - penalty, 0n),
  };
}

/**
 * Scan one account: 'overflow' when any position's notional, the equity, the maintenance, the
 * sum of fees, the sum of slippage or (liquidatable accounts) closeEquity leaves the signed
 * 64-bit range; else 'liquidatable' (with its close-out) or 'ok'.
 */
export function scanAccount(book: Book, account: number, marks?: readonly bigint[]): AccountResult {
  const own = venueRules(book.venue).ownAccount;
  if (own) return own.scan(book, accountAt(book, account), marksOf(book, marks));
  const x = evaluateAccount(book, account, marks);
  if (
    !x.collateralFits ||
    x.maxNotional > I64_MAX ||
    !fitsI64(x.equity) ||
    !fitsI64(x.maintenance) ||
    !fitsI64(x.sumFee) ||
    !fitsI64(x.sumSlippage)
  ) {
    return overflow();
  }
  const rules = venueRules(book.venue);
  if (!triggered(x, rules.triggerSlack, rules)) {
    return { status: "ok", equity: x.equity, maintenance: x.maintenance, closeOut: null };
  }
  const closeEquity = x.equity - x.sumSlippage;
  // -2^63 fits 64 bits but its bad debt, 2^63, would not: an overflow (docs/decisions.md item 7).
  if (!fitsI64(closeEquity) || closeEquity === I64_MIN) return overflow();
  const closeOut = rules.closeOut({ ...x, liquidatorSharePpm: book.liquidatorSharePpm });
  // A venue's close-out amount beyond 64 bits (dydx-v4's bad debt near -2^63) is an overflow too.
  if (!fitsI64(closeOut.badDebt) || !fitsI64(closeOut.penalty) || !fitsI64(closeOut.returned)) return overflow();
  return { status: "liquidatable", equity: x.equity, maintenance: x.maintenance, closeOut };
}

/** Scan every account; totals are exact sums over the liquidatable accounts. */
export function scanBook(book: Book, marks?: readonly bigint[]): { results: AccountResult[]; totals: Totals } {
  const prices = marksOf(book, marks);
  const results: AccountResult[] = [];
  let liquidatable = 0;
  let overflow = 0;
  let penalty = 0n;
  let liquidatorReward = 0n;
  let insuranceFund = 0n;
  let badDebt = 0n;
  let notional = 0n;
  for (let a = 0; a < book.accounts.length; a++) {
    const r = scanAccount(book, a, prices);
    results.push(r);
    if (r.status === "overflow") overflow++;
    if (r.status === "liquidatable" && r.closeOut !== null) {
      liquidatable++;
      penalty += r.closeOut.penalty;
      liquidatorReward += r.closeOut.liquidatorReward;
      insuranceFund += r.closeOut.insuranceFund;
      badDebt += r.closeOut.badDebt;
      notional += r.closeOut.notional;
    }
  }
  return { results, totals: { liquidatable, overflow, penalty, liquidatorReward, insuranceFund, badDebt, notional } };
}

/** floor(maintenance * 10^6 / equity) when equity > 0; null otherwise (infinite) and for overflow. */
export function marginRatioPpm(result: AccountResult): bigint | null {
  if (result.equity === null || result.maintenance === null) return null;
  if (result.equity <= 0n) return null;
  return floorDiv(result.maintenance * PPM, result.equity);
}
