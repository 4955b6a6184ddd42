/**
 * Liquidation cascade: a shock, then rounds of forced close-outs whose market impact moves the
 * marks, until no new account is liquidated or a round limit is hit.
 *
 * Round r (r = 1, 2, ...), at marks M_r (M_1 = the shocked marks, shock.ts):
 * 1. scan the book at M_r; the liquidatable accounts are this round's liquidations (an account
 *    closed whole in an earlier round holds only zero-size positions, so it is never liquidatable
 *    again; no round un-liquidates one);
 * 2. close each position of those accounts by the venue's liquidation step at M_r (`steps`: whole,
 *    or hyperliquid's 20 % of a position above 100,000 USDC, whose rest may go in a later round):
 *    per market, `sold` = notional of the closed longs, `bought` = notional of the closed shorts
 *    (notional = ceil(|size| * mark / K) of the size closed, or the venue's: dydx-v4 truncates);
 * 3. per market with `impact`, net = sold - bought moves the mark in the direction of the forced
 *    trades by the spec's close-out slippage of |net|:
 *    `impactPpm = min(maxSlippagePpm, ceil(|net| * 10^6 / depth))`;
 *    net > 0 (selling): `M' = floor(M * (10^6 - impactPpm) / 10^6)`;
 *    net < 0 (buying): `M' = min(2^63 - 1, ceil(M * (10^6 + impactPpm) / 10^6))`;
 *    the move is rounded away from the old mark: the cascade is never milder than its rule.
 *    Markets without `impact`, or with net = 0, keep their mark.
 * 4. if no mark moved and every step closed its positions whole, the cascade has settled (a
 *    rescan at the same marks would find nobody new);
 *    if r = maxRounds, it stops there; else go on with M_{r+1} = M'.
 * A scan that finds nobody liquidatable ends the cascade without adding a round.
 *
 * The penalties, rewards, insurance-fund shares and bad debts of a round are the scan's totals at
 * M_r (full close-out at mark, as the model defines it). Overflow accounts cannot be valued: they
 * are counted per round but never closed.
 *
 * The book is changed only while the cascade runs (positions set to size 0 with `setPosition`,
 * marks with `setMarkPrice`) and put back exactly afterwards, also when a step throws.
 */
import type { LiveBook } from "../bindings/types.js";
import { ceilDiv } from "../reference/arith.js";
import { slippagePpm, venueNotional, venuePnl } from "../reference/position.js";
import { venueRules } from "../reference/venues/index.js";
import { ViewError } from "./errors.js";
import { MAX_PRICE, PPM, checkShock, currentMarks, setMarks, shockTarget, shockedMarks, withAssetShocks, type AssetShocks } from "./shock.js";

export interface CascadeOptions {
  /** The initial shock (ppm, >= -10^6). */
  readonly shockPpm: bigint;
  /** Shock this market only (index or id); default: every market. Impact moves any market. */
  readonly market?: number | string;
  /** One beta per market (ppm) for the initial shock; default 10^6 for all. */
  readonly betaPpm?: readonly bigint[];
  /** At most this many rounds (1 to 10_000); default 20. */
  readonly maxRounds?: number;
  /** Called after each round with its number and the round limit (for progress). */
  readonly onRound?: (round: number, maxRounds: number) => void;
  /** Collateral assets shocked for the whole cascade (asset id to ppm), beside the initial shock of the marks. */
  readonly assetShocksPpm?: AssetShocks;
}

export interface CascadeRound {
  /** 1 for the round at the shocked marks. */
  readonly round: number;
  /** The marks this round was scanned at (price units, every market). */
  readonly marks: readonly bigint[];
  /** The accounts liquidated in this round (indices, ascending); one closed whole is in no later round. */
  readonly accounts: readonly number[];
  /** Accounts reported as overflow by this round's scan (not closed). */
  readonly overflow: number;
  /** Notional closed in this round: the sum of sold and bought (the scan's `totals.notional` where a liquidation closes every position whole, as in the generic model). */
  readonly notionalClosed: bigint;
  readonly penalty: bigint;
  readonly liquidatorReward: bigint;
  readonly insuranceFund: bigint;
  readonly badDebt: bigint;
  /** Per market: notional of the longs closed (sold by the liquidator). */
  readonly sold: readonly bigint[];
  /** Per market: notional of the shorts closed (bought). */
  readonly bought: readonly bigint[];
  /** Per market: the impact of the net flow (ppm); 0 for markets that do not move. */
  readonly impactPpm: readonly bigint[];
  /** The marks after this round's impact: the next round's marks. */
  readonly marksAfter: readonly bigint[];
}

export interface CascadeResult {
  /** The rounds that liquidated at least one account. */
  readonly rounds: readonly CascadeRound[];
  /** The marks before the shock. */
  readonly initialMarks: readonly bigint[];
  /** The marks once the cascade stopped. */
  readonly finalMarks: readonly bigint[];
  /** `settled`: nobody new would be liquidated; `maxRounds`: stopped by the round limit while marks still moved. */
  readonly stop: "settled" | "maxRounds";
  /** Accounts liquidated over all rounds. */
  readonly liquidated: number;
  readonly notionalClosed: bigint;
  readonly penalty: bigint;
  readonly liquidatorReward: bigint;
  readonly insuranceFund: bigint;
  readonly badDebt: bigint;
  /**
   * The most the insurance fund is down at any point of the cascade: the largest over rounds k of
   * (bad debt of rounds 1..k) - (insurance-fund share of the penalties of rounds 1..k-1), and at
   * least 0. A round's bad debt is taken before its own penalties come in, so this is the fund a
   * venue must hold before the shock to cover the cascade.
   */
  readonly insuranceFundDraw: bigint;
  /** insuranceFund - badDebt over the whole cascade: the fund's change once it has settled (signed). */
  readonly insuranceFundNet: bigint;
}

export const DEFAULT_MAX_ROUNDS = 20;
export const MAX_ROUNDS = 10_000;

/** One closed position, to put back afterwards. */
/** What a round changed, to put back: a position's size and entry, or an account's collateral. */
type Closed =
  | { readonly position: number; readonly size: bigint; readonly entry: bigint }
  | { readonly account: number; readonly collateral: bigint };

/**
 * Runs a liquidation cascade from a shock.
 *
 * ```ts
 * const c = cascade(book, { shockPpm: -100_000n });
 * for (const r of c.rounds) console.log(r.round, r.accounts.length, r.marks, r.badDebt);
 * console.log(c.insuranceFundDraw);
 * ```
 */
export function cascade(book: LiveBook, options: CascadeOptions): CascadeResult {
  return withAssetShocks("cascade", book, options?.assetShocksPpm, () => cascadeAt(book, options));
}

function cascadeAt(book: LiveBook, options: CascadeOptions): CascadeResult {
  const view = "cascade";
  if (options === undefined) throw new ViewError(view, "shockPpm", "is required");
  const shockPpm = checkShock(view, "shockPpm", options.shockPpm);
  const target = shockTarget(view, book, options.market, options.betaPpm);
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  if (!Number.isInteger(maxRounds) || maxRounds < 1 || maxRounds > MAX_ROUNDS) {
    throw new ViewError(view, "maxRounds", `${maxRounds} is not a whole number from 1 to ${MAX_ROUNDS}`);
  }

  const initialMarks = currentMarks(book);
  const closed: Closed[] = [];
  const stepped = new Set<number>(); // positions a partial step has closed in part
  const rounds: CascadeRound[] = [];
  let marks = shockedMarks(initialMarks, target, shockPpm);
  let stop: CascadeResult["stop"] = "settled";
  try {
    for (let round = 1; ; round++) {
      setMarks(book, marks);
      const result = book.scan();
      const t = result.totals;
      if (t.liquidatable === 0) break;
      const accounts = result.liquidatable(); // read before the book changes
      const steps = accounts.map((a) => result.steps(a)!);
      const { sold, bought, partial } = closeSteps(book, accounts, steps, marks, closed, stepped);
      const impactPpm = book.markets.map((market, m) => (market.impact === undefined ? 0n : slippagePpm(market, abs(sold[m]! - bought[m]!))));
      const marksAfter = marks.map((p, m) => movedMark(p, sold[m]! - bought[m]!, impactPpm[m]!));
      options.onRound?.(round, maxRounds);
      rounds.push({
        // What this round closes: each position's liquidation step (whole, or hyperliquid's 20 %),
        // as the flows of the sizes closed.
        round, marks, accounts, overflow: t.overflow, notionalClosed: sold.reduce((s, x, m) => s + x + bought[m]!, 0n),
        penalty: t.penalty, liquidatorReward: t.liquidatorReward, insuranceFund: t.insuranceFund, badDebt: t.badDebt,
        sold, bought, impactPpm, marksAfter,
      });
      const moved = marksAfter.some((p, m) => p !== marks[m]);
      marks = marksAfter;
      // Settled: the same marks again would liquidate nobody new, unless a step left part of a
      // position open (its next step comes in the next round).
      if (!moved && !partial) break;
      if (round === maxRounds) {
        stop = "maxRounds";
        break;
      }
    }
  } finally {
    restore(book, closed, initialMarks);
  }

  const sum = (pick: (r: CascadeRound) => bigint) => rounds.reduce((s, r) => s + pick(r), 0n);
  const insuranceFund = sum((r) => r.insuranceFund);
  const badDebt = sum((r) => r.badDebt);
  return {
    rounds, initialMarks, finalMarks: marks, stop,
    liquidated: rounds.reduce((n, r) => n + r.accounts.length, 0),
    notionalClosed: sum((r) => r.notionalClosed),
    penalty: sum((r) => r.penalty),
    liquidatorReward: sum((r) => r.liquidatorReward),
    insuranceFund,
    badDebt,
    insuranceFundDraw: peakDraw(rounds),
    insuranceFundNet: insuranceFund - badDebt,
  };
}

/**
 * Closes each liquidated account's positions by its liquidation step (`steps`: the notional this
 * step closes of each position, at the marks): a whole position goes to size 0 (entry kept); a
 * partial step closes ceil(|size| * now / notional) of it, the venue's side (a position stepped in
 * an earlier round goes whole: the venue's next step), and books the
 * difference of the venue's pnl into the collateral, so that the account's equity at the marks is
 * what it was. Records what it changed; returns the flows per market and whether a step was partial.
 */
function closeSteps(
  book: LiveBook, accounts: readonly number[], steps: readonly (readonly { readonly now: bigint }[])[], marks: readonly bigint[], closed: Closed[],
  stepped: Set<number>,
): { sold: bigint[]; bought: bigint[]; partial: boolean } {
  const sold = book.markets.map(() => 0n);
  const bought = book.markets.map(() => 0n);
  const starts = book.positionStart;
  const { collateral, positionMarket, positionSize, positionEntry } = book.inputs;
  const rules = venueRules(book.venue);
  let partial = false;
  accounts.forEach((a, i) => {
    let realized = 0n;
    for (let p = starts[a]!; p < starts[a + 1]!; p++) {
      const size = positionSize[p]!;
      if (size === 0n) continue;
      const m = positionMarket[p]!;
      const market = book.markets[m]!;
      const n = venueNotional(rules, market, size, marks[m]!);
      // A position stepped before goes whole (hyperliquid: after the cooldown the rest is one order),
      // unless the venue steps it again (dydx-v4: each block its share).
      const whole = stepped.has(p) && !rules.repeatsSteps;
      const now = whole ? n : steps[i]![p - starts[a]!]!.now;
      const q = abs(size);
      // The size closed: the venue's own where it states one (dydx-v4: the block's quantums),
      // else ceil(|size| * now / notional), the venue's side.
      const closes = whole ? q : rules.stepSize ? rules.stepSize(market, size, marks[m]!) : now >= n ? q : ceilDiv(q * now, n);
      const left = (size > 0n ? 1n : -1n) * (q - closes);
      const closedNotional = venueNotional(rules, market, size - left, marks[m]!);
      if (size > 0n) sold[m] += closedNotional;
      else bought[m] += closedNotional;
      const entry = positionEntry[p]!;
      closed.push({ position: p, size, entry });
      if (left !== 0n) {
        partial = true;
        stepped.add(p);
        realized += venuePnl(rules, market, size, entry, marks[m]!) - venuePnl(rules, market, left, entry, marks[m]!);
      }
      book.setPosition(p, left, entry);
    }
    if (realized !== 0n) {
      closed.push({ account: a, collateral: collateral[a]! });
      book.setCollateral(a, collateral[a]! + realized);
    }
  });
  return { sold, bought, partial };
}

/** The mark after a net flow (sold - bought) with its impact, rounded away from the old mark. */
export function movedMark(mark: bigint, net: bigint, impactPpm: bigint): bigint {
  if (net === 0n || impactPpm === 0n) return mark;
  if (net > 0n) return (mark * (PPM - impactPpm)) / PPM; // >= 0: truncation is floor
  const up = (mark * (PPM + impactPpm) + PPM - 1n) / PPM; // ceil
  return up > MAX_PRICE ? MAX_PRICE : up;
}

/** max(0, max_k (badDebt_1..k - insuranceFund_1..k-1)). */
function peakDraw(rounds: readonly CascadeRound[]): bigint {
  let peak = 0n;
  let paidIn = 0n;
  let paidOut = 0n;
  for (const r of rounds) {
    paidOut += r.badDebt;
    if (paidOut - paidIn > peak) peak = paidOut - paidIn;
    paidIn += r.insuranceFund;
  }
  return peak;
}

/** Puts the closed positions and changed collaterals back (latest first: a position may be stepped twice) and the marks. */
function restore(book: LiveBook, closed: readonly Closed[], marks: readonly bigint[]): void {
  for (let i = closed.length - 1; i >= 0; i--) {
    const c = closed[i]!;
    if ("account" in c) book.setCollateral(c.account, c.collateral);
    else book.setPosition(c.position, c.size, c.entry);
  }
  setMarks(book, marks);
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}
