/**
 * Risk views on an Aave v3 lending book (docs/venues/aave-v3.md, "Risk views"): what the generic
 * views (stress.ts, map.ts, cascade.ts) give a perp book, stated for reserves and users. Every
 * figure is exact: the core's scan (bindings/aave-v3.ts) decides every user at the shocked prices,
 * and the liquidation calls of the cascade are the reference's (reference/venues/aave-v3.ts).
 *
 * Prices move by the views' shock rule (docs/risk-views.md, "The shock rule"),
 * P' = floor(P (10^6 + s) / 10^6), clamped to [1, 2^64 - 1]: the pool reverts on a zero price, so
 * a -100 % shock leaves the smallest price, one base unit.
 */
import type { AaveBook, AaveUser, AaveUserReserve } from "../book/venues/aave-book.js";
import type { AaveScan, AaveScanner } from "../bindings/aave-v3.js";
import { bestLiquidation, borrowed, rayDiv, supplied } from "../reference/venues/aave-v3.js";
import { ViewError } from "./errors.js";
import { shockList, type ShockGrid } from "./shock.js";

const PPM = 1_000_000n;
const MAX_PRICE = (1n << 64n) - 1n;

/** A reserve's price after a shock (ppm), by the views' rule, kept in [1, 2^64 - 1]. */
export function shockedPrice(price: bigint, shockPpm: bigint): bigint {
  const p = (price * (PPM + shockPpm)) / PPM;
  return p < 1n ? 1n : p > MAX_PRICE ? MAX_PRICE : p;
}

function reserveIndex(book: AaveBook, view: string, id: string): number {
  const k = book.reserves.findIndex((r) => r.id === id);
  if (k < 0) throw new ViewError(view, "reserve", `${JSON.stringify(id)} is not a reserve of the book (${book.reserves.map((r) => r.id).join(", ")})`);
  return k;
}

export interface LendingStressRow {
  readonly shockPpm: bigint;
  /** Users liquidatable at the shocked prices (HF < 1), and those whose values leave the core's widths. */
  readonly liquidatable: number;
  readonly overflow: number;
  /** Their collateral and debt in base currency (10^-8 USD), as calculateUserAccountData totals them. */
  readonly collateralBase: bigint;
  readonly debtBase: bigint;
}

export interface LendingStressColumn {
  /** The reserve shocked alone, or "all" (every reserve at once). */
  readonly reserve: string;
  readonly rows: readonly LendingStressRow[];
}

function totals(scan: AaveScan, shockPpm: bigint): LendingStressRow {
  let collateralBase = 0n, debtBase = 0n;
  for (const u of scan.users) {
    if (u.status !== "liquidatable") continue;
    collateralBase += u.totalCollateralBase!;
    debtBase += u.totalDebtBase!;
  }
  return { shockPpm, liquidatable: scan.liquidatable, overflow: scan.overflow, collateralBase, debtBase };
}

/**
 * The stress grid by asset: for each reserve of `reserves` (default: every reserve, then "all"
 * of them at once), one row per shock of the grid (default -50 % .. +50 % by 1 %) with the users
 * the pool could liquidate at those prices and their totals.
 */
export function lendingStress(scanner: AaveScanner, options: { shocks?: ShockGrid; reserves?: readonly string[]; all?: boolean } = {}): LendingStressColumn[] {
  const book = scanner.book;
  const shocks = shockList("stress", options.shocks);
  const which = (options.reserves ?? book.reserves.map((r) => r.id)).map((id) => reserveIndex(book, "stress", id));
  const base = book.reserves.map((r) => r.price);
  const columns: LendingStressColumn[] = which.map((k) => ({
    reserve: book.reserves[k]!.id,
    rows: shocks.map((s) => {
      const prices = base.slice();
      prices[k] = shockedPrice(base[k]!, s);
      return totals(scanner.scan(prices), s);
    }),
  }));
  if (options.all ?? options.reserves === undefined) {
    columns.push({ reserve: "all", rows: shocks.map((s) => totals(scanner.scan(base.map((p) => shockedPrice(p, s))), s)) });
  }
  return columns;
}

export interface LendingMapBucket {
  /** The reserve's price at this level (base currency per token). */
  readonly price: bigint;
  /** Users first liquidatable at this level (not at any level before it) and their totals at it. */
  readonly users: number;
  readonly collateralBase: bigint;
  readonly debtBase: bigint;
  /** Running totals: every user liquidatable at some level up to this one. */
  readonly cumulativeUsers: number;
  readonly cumulativeDebtBase: bigint;
}

export interface LendingMap {
  readonly reserve: string;
  readonly price: bigint;
  /** Users already liquidatable at the book's prices (not in any bucket). */
  readonly alreadyLiquidatable: number;
  readonly buckets: readonly LendingMapBucket[];
}

/**
 * The liquidation map by one reserve's price: `buckets` price levels from the book's price toward
 * `to` (default -50 %: a collateral falling; give a higher `to` for a debt asset rising), others
 * held. Each level counts the users first liquidatable there, exactly (the core scans the book at
 * every level), with their collateral and debt in base currency.
 */
export function lendingLiquidationMap(scanner: AaveScanner, options: { reserve: string; to?: bigint; buckets?: number }): LendingMap {
  const book = scanner.book;
  const k = reserveIndex(book, "map", options.reserve);
  const base = book.reserves.map((r) => r.price);
  const p0 = base[k]!;
  const to = options.to ?? shockedPrice(p0, -500_000n);
  const n = options.buckets ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new ViewError("map", "buckets", `must be a whole number in [1, 10000], got ${n}`);
  if (to < 1n || to > MAX_PRICE) throw new ViewError("map", "to", `the price ${to} is outside [1, 2^64 - 1]`);
  const first = scanner.scan();
  const seen = new Uint8Array(book.users.length);
  first.users.forEach((u, a) => { if (u.status === "liquidatable") seen[a] = 1; });
  const buckets: LendingMapBucket[] = [];
  let cumulativeUsers = 0, cumulativeDebtBase = 0n;
  for (let i = 1; i <= n; i++) {
    const price = p0 + ((to - p0) * BigInt(i)) / BigInt(n);
    const prices = base.slice();
    prices[k] = price;
    const scan = scanner.scan(prices);
    let users = 0, collateralBase = 0n, debtBase = 0n;
    scan.users.forEach((u, a) => {
      if (u.status !== "liquidatable" || seen[a]) return;
      seen[a] = 1;
      users++;
      collateralBase += u.totalCollateralBase!;
      debtBase += u.totalDebtBase!;
    });
    cumulativeUsers += users;
    cumulativeDebtBase += debtBase;
    buckets.push({ price, users, collateralBase, debtBase, cumulativeUsers, cumulativeDebtBase });
  }
  return { reserve: book.reserves[k]!.id, price: p0, alreadyLiquidatable: first.liquidatable, buckets };
}

export interface LendingCascadeRound {
  /** The shocked reserve's price this round. */
  readonly price: bigint;
  /** Liquidation calls made (one per liquidatable user, its best pair), and users with no acceptable pair. */
  readonly calls: number;
  readonly stuck: number;
  /** Base currency at the round's prices: debt repaid, collateral to liquidators, the protocol's fee, v3.3's deficit. */
  readonly debtRepaidBase: bigint;
  readonly collateralBase: bigint;
  readonly protocolFeeBase: bigint;
  readonly deficitBase: bigint;
  /** The shocked reserve's collateral the liquidators sell (base currency), and the price impact it makes (ppm). */
  readonly soldBase: bigint;
  readonly impactPpm: bigint;
}

export interface LendingCascadeResult {
  readonly reserve: string;
  readonly rounds: readonly LendingCascadeRound[];
  readonly finalPrice: bigint;
  /** Why it ended: no liquidatable user left, only users without a pair the pool accepts (v3.3's dust rule, no collateral), or maxRounds. */
  readonly ended: "settled" | "stuck" | "max-rounds";
}

/**
 * The cascade: reserve `reserve` falls by `shockPpm`; each round every liquidatable user is
 * liquidated once on its best pair (bestLiquidation: the balances move as the pool moves them, the
 * aToken and debt token burns scaled by rayDiv, v3.3's deficit clearing the rest), and the
 * liquidators sell the shocked reserve's collateral they received into a depth curve: `depthBase`
 * (base currency) moves the price by 100 %, impactPpm = min(maxSlippagePpm, ceil(sold 10^6 /
 * depth)), P' = floor(P (10^6 - impact) / 10^6) (at least 1). It ends when no user is liquidatable
 * (settled), when those left have no pair the pool accepts (stuck), or after `maxRounds`. The book is left as it was.
 */
export function lendingCascade(scanner: AaveScanner, options: { reserve: string; shockPpm: bigint; depthBase: bigint; maxSlippagePpm?: bigint; maxRounds?: number }): LendingCascadeResult {
  const book = scanner.book;
  const k = reserveIndex(book, "cascade", options.reserve);
  if (options.shockPpm < -PPM) throw new ViewError("cascade", "shockPpm", `${options.shockPpm} is below -100 %`);
  if (options.depthBase <= 0n) throw new ViewError("cascade", "depthBase", `must be positive, got ${options.depthBase}`);
  const maxSlippage = options.maxSlippagePpm ?? PPM;
  const maxRounds = options.maxRounds ?? 20;
  const cu = 10n ** BigInt(book.reserves[k]!.decimals);
  const original = book.users.map((u) => u);
  const prices = book.reserves.map((r) => r.price);
  prices[k] = shockedPrice(prices[k]!, options.shockPpm);
  const rounds: LendingCascadeRound[] = [];
  let ended: LendingCascadeResult["ended"] = "max-rounds";
  try {
    for (let r = 0; r < maxRounds; r++) {
      const scan = scanner.scan(prices);
      if (scan.liquidatable === 0) { ended = "settled"; break; }
      const at = { ...book, reserves: book.reserves.map((x, j) => (x.price === prices[j] ? x : { ...x, price: prices[j]! })) };
      let calls = 0, stuck = 0, debtRepaidBase = 0n, collateralBase = 0n, protocolFeeBase = 0n, deficitBase = 0n, soldBase = 0n;
      scan.users.forEach((res, a) => {
        if (res.status !== "liquidatable") return;
        const user = book.users[a]!;
        const o = bestLiquidation(at, user);
        if (o === null) { stuck++; return; }
        calls++;
        const dr = at.reserves[o.debtReserve]!, cr = at.reserves[o.collateralReserve]!;
        const du = 10n ** BigInt(dr.decimals), cuu = 10n ** BigInt(cr.decimals);
        debtRepaidBase += (o.debtRepaid * dr.price) / du;
        collateralBase += (o.collateralToLiquidator * cr.price) / cuu;
        protocolFeeBase += (o.protocolFee * cr.price) / cuu;
        if (o.collateralReserve === k) soldBase += (o.collateralToLiquidator * prices[k]!) / cu;
        const deficit = new Map(o.deficit.map((d) => [d.reserve, d.amount]));
        for (const d of o.deficit) deficitBase += (d.amount * at.reserves[d.reserve]!.price) / 10n ** BigInt(at.reserves[d.reserve]!.decimals);
        scanner.setUser(a, afterCall(at, user, o.debtReserve, o.debtRepaid, o.collateralReserve, o.collateralToLiquidator + o.protocolFee, deficit));
      });
      const impactPpm = soldBase === 0n ? 0n : minBig(maxSlippage, (soldBase * PPM + options.depthBase - 1n) / options.depthBase);
      rounds.push({ price: prices[k]!, calls, stuck, debtRepaidBase, collateralBase, protocolFeeBase, deficitBase, soldBase, impactPpm });
      if (calls === 0) { ended = "stuck"; break; }
      const next = (prices[k]! * (PPM - impactPpm)) / PPM;
      prices[k] = next < 1n ? 1n : next;
    }
  } finally {
    original.forEach((u, a) => { if (book.users[a] !== u) scanner.setUser(a, u); });
  }
  return { reserve: book.reserves[k]!.id, rounds, finalPrice: prices[k]!, ended };
}

const minBig = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * The user after a liquidation call: the debt token burns `repaid` (scaled down by rayDiv at the
 * borrow index: VariableDebtToken.burn; v3.0's stable debt first takes what the variable debt
 * does not cover), the aToken loses `seized` (the liquidator's share and the protocol's, rayDiv at
 * the liquidity index), and v3.3's deficit (`deficit`, per reserve) clears those debts whole.
 */
export function afterCall(book: AaveBook, user: AaveUser, debtReserve: number, repaid: bigint, collateralReserve: number, seized: bigint, deficit: ReadonlyMap<number, bigint>): AaveUser {
  const reserves: AaveUserReserve[] = user.reserves.map((e) => {
    const r = book.reserves[e.reserve]!;
    let { scaledATokenBalance: a, scaledVariableDebt: d, stableDebt: s } = e;
    if (e.reserve === collateralReserve) {
      const burn = rayDiv(seized, r.liquidityIndex);
      a = burn >= a || seized >= supplied(r, a) ? 0n : a - burn;
    }
    if (e.reserve === debtReserve) {
      const variable = d === 0n ? 0n : borrowed(r, d, 0n);
      if (repaid >= variable) { d = 0n; s = s - (repaid - variable) > 0n ? s - (repaid - variable) : 0n; }
      else { const burn = rayDiv(repaid, r.variableBorrowIndex); d = burn >= d ? 0n : d - burn; }
    }
    if (deficit.has(e.reserve)) { d = 0n; s = 0n; }
    return { ...e, scaledATokenBalance: a, scaledVariableDebt: d, stableDebt: s };
  });
  return { ...user, reserves };
}
