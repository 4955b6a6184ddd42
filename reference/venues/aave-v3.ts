/**
 * Aave v3 (docs/venues/aave-v3.md), the reference: the pool's arithmetic in BigInt, unbounded like
 * the contracts' uint256 and rounded where they round. The core (assembly/venues/aave-v3.ts) decides
 * the same health factor and trigger in fixed widths; the tests hold the two together.
 *
 * Sources (read, not copied):
 * - v3.0: aave/aave-v3-core @782f5191, contracts/protocol/libraries/logic/GenericLogic.sol
 *   (calculateUserAccountData, _getUserBalanceInBaseCurrency, _getUserDebtInBaseCurrency),
 *   LiquidationLogic.sol (executeLiquidationCall, _calculateDebt, _getConfigurationData,
 *   _calculateAvailableCollateralToLiquidate), math/WadRayMath.sol, math/PercentageMath.sol,
 *   math/MathUtils.sol.
 * - v3.3: aave-dao/aave-v3-origin tag v3.3.0 (@5431379f), src/contracts/protocol/libraries/logic/
 *   the same files: the account data is the same but for e-mode (a category's collateral bitmap,
 *   no price source) and stable debt (gone); the liquidation call differs in the close factor
 *   (MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD), the dust rule (MIN_LEFTOVER_BASE) and the deficit.
 * Not implemented: aave-v3-origin after 3.3 (@fd1fbd915042 is 3.6+: percentMulFloor / Ceil and
 * rayMulFloor / Ceil in the liquidation, docs/3.7/liquidation-rounding.md).
 */
import type { AaveBook, AaveReserve, AaveUser } from "../../book/venues/aave-book.js";

export const WAD = 10n ** 18n;
export const RAY = 10n ** 27n;
export const PERCENTAGE_FACTOR = 10_000n;
const HALF_RAY = RAY / 2n;
const HALF_PERCENT = PERCENTAGE_FACTOR / 2n;
/** HEALTH_FACTOR_LIQUIDATION_THRESHOLD: liquidatable iff HF < 1e18 (ValidationLogic.validateLiquidationCall). */
export const HF_LIQUIDATION_THRESHOLD = WAD;
/** LiquidationLogic: CLOSE_FACTOR_HF_THRESHOLD, DEFAULT_LIQUIDATION_CLOSE_FACTOR, MAX (v3.0). */
export const CLOSE_FACTOR_HF_THRESHOLD = 95n * 10n ** 16n;
export const DEFAULT_CLOSE_FACTOR = 5_000n;
export const MAX_CLOSE_FACTOR = 10_000n;
/** v3.3: MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2000e8, MIN_LEFTOVER_BASE = half of it. */
export const MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2000n * 10n ** 8n;
export const MIN_LEFTOVER_BASE = MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD / 2n;
export const UINT256_MAX = (1n << 256n) - 1n;
export const SECONDS_PER_YEAR = 365n * 24n * 3600n;

// ---- WadRayMath / PercentageMath (half-up; the contracts revert on overflow, BigInt has none) ----

export const rayMul = (a: bigint, b: bigint): bigint => (a * b + HALF_RAY) / RAY;
export const rayDiv = (a: bigint, b: bigint): bigint => (a * RAY + b / 2n) / b;
export const wadDiv = (a: bigint, b: bigint): bigint => (a * WAD + b / 2n) / b;
export const percentMul = (v: bigint, p: bigint): bigint => (v * p + HALF_PERCENT) / PERCENTAGE_FACTOR;
export const percentDiv = (v: bigint, p: bigint): bigint => (v * PERCENTAGE_FACTOR + p / 2n) / p;

// ---- MathUtils: the indexes at a later time (the importer accrues the stored ones) ----

/** calculateLinearInterest: RAY + rate * dt / SECONDS_PER_YEAR (truncating). */
export function linearInterest(rate: bigint, lastUpdate: bigint, now: bigint): bigint {
  return RAY + (rate * (now - lastUpdate)) / SECONDS_PER_YEAR;
}

/** calculateCompoundedInterest: the three-term binomial approximation of (1 + rate / year)^dt. */
export function compoundedInterest(rate: bigint, lastUpdate: bigint, now: bigint): bigint {
  const exp = now - lastUpdate;
  if (exp === 0n) return RAY;
  const expMinusOne = exp - 1n;
  const expMinusTwo = exp > 2n ? exp - 2n : 0n;
  const basePowerTwo = rayMul(rate, rate) / (SECONDS_PER_YEAR * SECONDS_PER_YEAR);
  const basePowerThree = rayMul(basePowerTwo, rate) / SECONDS_PER_YEAR;
  const secondTerm = (exp * expMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (exp * expMinusOne * expMinusTwo * basePowerThree) / 6n;
  return RAY + (rate * exp) / SECONDS_PER_YEAR + secondTerm + thirdTerm;
}

/** ReserveLogic.getNormalizedIncome: the liquidity index at `now`. */
export function normalizedIncome(index: bigint, rate: bigint, lastUpdate: bigint, now: bigint): bigint {
  return now === lastUpdate ? index : rayMul(linearInterest(rate, lastUpdate, now), index);
}

/** ReserveLogic.getNormalizedDebt: the variable borrow index at `now`. */
export function normalizedDebt(index: bigint, rate: bigint, lastUpdate: bigint, now: bigint): bigint {
  return now === lastUpdate ? index : rayMul(compoundedInterest(rate, lastUpdate, now), index);
}

// ---- prices and e-mode ----

/** The book's reserve prices, or others (a stress shock, a liquidation-price search). */
export type Prices = readonly bigint[];

function inCategory(book: AaveBook, eMode: number, reserve: number): boolean {
  if (eMode === 0) return false;
  const mode = book.eModes.find((e) => e.id === eMode);
  return mode !== undefined && mode.collateral.includes(reserve);
}

function eModeOf(book: AaveBook, eMode: number) {
  return eMode === 0 ? undefined : book.eModes.find((e) => e.id === eMode);
}

/**
 * The price calculateUserAccountData reads for a reserve: v3.0 takes the user's e-mode category's
 * price source for the reserves of that category (eModeAssetPrice), else the oracle's.
 */
function accountPrice(book: AaveBook, user: AaveUser, reserve: number, prices: Prices): bigint {
  const mode = eModeOf(book, user.eMode);
  if (book.version === "3.0" && mode?.price !== undefined && mode.collateral.includes(reserve)) return mode.price;
  return prices[reserve]!;
}

// ---- the user's balances ----

/** aToken.balanceOf: scaled * normalized income, half-up. */
export const supplied = (r: AaveReserve, scaled: bigint): bigint => rayMul(scaled, r.liquidityIndex);
/** Variable debt balanceOf (0 stays 0, as _getUserDebtInBaseCurrency skips the product) plus stable debt. */
export const borrowed = (r: AaveReserve, scaledDebt: bigint, stableDebt: bigint): bigint =>
  (scaledDebt === 0n ? 0n : rayMul(scaledDebt, r.variableBorrowIndex)) + stableDebt;

export interface AccountData {
  /** totalCollateralBase, totalDebtBase: base currency (10^-8 USD), each reserve's value truncated. */
  readonly totalCollateralBase: bigint;
  readonly totalDebtBase: bigint;
  /** avgLtv, avgLiquidationThreshold: bps, the collateral-weighted averages truncated. */
  readonly avgLtv: bigint;
  readonly avgLiquidationThreshold: bigint;
  /** Wad; UINT256_MAX without debt (the contract's type(uint256).max). */
  readonly healthFactor: bigint;
  readonly hasZeroLtvCollateral: boolean;
}

/** GenericLogic.calculateUserAccountData, for `user` at `prices` (default: the reserves'). */
export function accountData(book: AaveBook, user: AaveUser, prices: Prices = book.reserves.map((r) => r.price)): AccountData {
  const mode = eModeOf(book, user.eMode);
  let C = 0n, D = 0n, ltvSum = 0n, ltSum = 0n, zeroLtv = false;
  // The pool walks reserves in their id order; the sums do not depend on the order.
  for (const e of user.reserves) {
    const r = book.reserves[e.reserve]!;
    const unit = 10n ** BigInt(r.decimals);
    const price = accountPrice(book, user, e.reserve, prices);
    if (r.liquidationThreshold !== 0n && e.usageAsCollateralEnabled) {
      const c = (supplied(r, e.scaledATokenBalance) * price) / unit;
      C += c;
      const inMode = mode !== undefined && inCategory(book, user.eMode, e.reserve);
      if (r.ltv !== 0n) ltvSum += c * (inMode ? mode!.ltv : r.ltv);
      else zeroLtv = true;
      ltSum += c * (inMode ? mode!.liquidationThreshold : r.liquidationThreshold);
    }
    if (e.scaledVariableDebt !== 0n || e.stableDebt !== 0n) D += (price * borrowed(r, e.scaledVariableDebt, e.stableDebt)) / unit;
  }
  const avgLtv = C !== 0n ? ltvSum / C : 0n;
  const avgLT = C !== 0n ? ltSum / C : 0n;
  const healthFactor = D === 0n ? UINT256_MAX : wadDiv(percentMul(C, avgLT), D);
  return { totalCollateralBase: C, totalDebtBase: D, avgLtv, avgLiquidationThreshold: avgLT, healthFactor, hasZeroLtvCollateral: zeroLtv };
}

/** The trigger: HF < 1e18, strictly (a user without debt has HF = uint max and is never liquidatable). */
export function liquidatable(book: AaveBook, user: AaveUser, prices?: Prices): boolean {
  return accountData(book, user, prices).healthFactor < HF_LIQUIDATION_THRESHOLD;
}

/**
 * The trigger as the core decides it (assembly/venues/aave-v3.ts): with X = percentMul(C, avgLT),
 * HF < 1e18 iff D > 0 and X < D - floor(D / (2 * 10^18)). Stated here so the tests check it against
 * the health factor itself.
 */
export function triggerByBound(data: AccountData): boolean {
  const D = data.totalDebtBase;
  const X = percentMul(data.totalCollateralBase, data.avgLiquidationThreshold);
  return D > 0n && X < D - D / (2n * WAD);
}

// ---- the liquidation call ----

export interface LiquidationOutcome {
  readonly debtReserve: number;
  readonly collateralReserve: number;
  /** The debt the liquidator repays (debt token units): actualDebtToLiquidate after the collateral cap. */
  readonly debtRepaid: bigint;
  /** The collateral the liquidator receives (collateral token units), the protocol fee taken off. */
  readonly collateralToLiquidator: bigint;
  /** liquidationProtocolFeeAmount: collateral to the treasury (as the contract caps it to the balance). */
  readonly protocolFee: bigint;
  /** The liquidator's bonus net of the protocol fee, collateral units: seized - seized.percentDiv(bonus) - fee. */
  readonly profit: bigint;
  /** The same in base currency at the collateral's liquidation price: floor(profit * price / unit). */
  readonly profitBase: bigint;
  /** The close factor applied (bps): 5000 or 10000 (v3.3: 10000 unless the 50 % cap on the total debt applies). */
  readonly closeFactor: bigint;
  /** The user's HF before the call (wad). */
  readonly healthFactor: bigint;
  /** v3.3: the debt burned into reserves' deficit when no collateral is left (debt units per reserve). */
  readonly deficit: readonly { readonly reserve: number; readonly amount: bigint }[];
  /** v3.3: the call reverts with MUST_NOT_LEAVE_DUST (the amounts are what it would have done). */
  readonly leavesDust: boolean;
}

export type LiquidationRefusal = "reserve-inactive" | "reserve-paused" | "grace-period" | "healthy" | "no-debt-in-reserve" | "collateral-not-enabled" | "no-collateral";

/**
 * v3.3: liquidations on the reserve revert until its grace period is over,
 * liquidationGracePeriodUntil < block.timestamp (the book's timestamp; without one, which the
 * book's JSON allows only when no reserve has a grace period, a grace period counts as not over).
 */
function inGracePeriod(book: AaveBook, r: AaveReserve): boolean {
  const until = r.liquidationGracePeriodUntil ?? 0n;
  return until !== 0n && !(book.timestamp !== undefined && until < book.timestamp);
}

/**
 * LiquidationLogic.executeLiquidationCall on (debt reserve, collateral reserve) with `debtToCover`
 * (default uint max: as much as the close factor allows), or why the pool refuses it.
 */
export function liquidationCall(
  book: AaveBook, user: AaveUser, debtReserve: number, collateralReserve: number,
  debtToCover: bigint = UINT256_MAX, prices: Prices = book.reserves.map((r) => r.price),
): LiquidationOutcome | LiquidationRefusal {
  const dr = book.reserves[debtReserve]!, cr = book.reserves[collateralReserve]!;
  // validateLiquidationCall's order: both reserves active, neither paused, (the price oracle
  // sentinel: not modelled), v3.3's grace periods over (strictly before the block time), then HF.
  if (cr.active === false || dr.active === false) return "reserve-inactive";
  if (cr.paused === true || dr.paused === true) return "reserve-paused";
  if (book.version === "3.3" && (inGracePeriod(book, cr) || inGracePeriod(book, dr))) return "grace-period";
  const data = accountData(book, user, prices);
  const hf = data.healthFactor;
  if (hf >= HF_LIQUIDATION_THRESHOLD) return "healthy";
  const de = user.reserves.find((e) => e.reserve === debtReserve);
  const ce = user.reserves.find((e) => e.reserve === collateralReserve);
  const userDebt = de === undefined ? 0n : borrowed(dr, de.scaledVariableDebt, de.stableDebt);
  // validateLiquidationCall checks the collateral (threshold not 0, the user's bit set) before the
  // debt (aave-v3-core @782f5191 ValidationLogic lines 532-533, v3.3.0 lines 422-423).
  if (ce === undefined || !ce.usageAsCollateralEnabled || cr.liquidationThreshold === 0n) return "collateral-not-enabled";
  if (userDebt === 0n) return "no-debt-in-reserve";
  const collateralBalance = supplied(cr, ce.scaledATokenBalance);
  if (collateralBalance === 0n) return "no-collateral";
  const mode = eModeOf(book, user.eMode);
  const collInMode = mode !== undefined && mode.collateral.includes(collateralReserve);
  const bonus = collInMode ? mode!.liquidationBonus : cr.liquidationBonus;
  let collPrice = prices[collateralReserve]!, debtPrice = prices[debtReserve]!;
  if (book.version === "3.0" && mode?.price !== undefined) {
    // _getConfigurationData: the category's price source for a collateral of the category, and
    // for the debt whenever the user is in a category that has one.
    if (collInMode) collPrice = mode.price;
    debtPrice = mode.price;
  }
  const cu = 10n ** BigInt(cr.decimals), du = 10n ** BigInt(dr.decimals);
  let closeFactor: bigint, maxDebt: bigint;
  if (book.version === "3.0") {
    closeFactor = hf > CLOSE_FACTOR_HF_THRESHOLD ? DEFAULT_CLOSE_FACTOR : MAX_CLOSE_FACTOR;
    maxDebt = percentMul(userDebt, closeFactor);
  } else {
    closeFactor = MAX_CLOSE_FACTOR;
    maxDebt = userDebt;
    const debtBase = (userDebt * debtPrice) / du;
    const collBase = (collateralBalance * collPrice) / cu;
    if (collBase >= MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD && debtBase >= MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD && hf > CLOSE_FACTOR_HF_THRESHOLD) {
      const half = percentMul(data.totalDebtBase, DEFAULT_CLOSE_FACTOR);
      if (debtBase > half) {
        maxDebt = (half * du) / debtPrice;
        closeFactor = DEFAULT_CLOSE_FACTOR;
      }
    }
  }
  let debt = debtToCover > maxDebt ? maxDebt : debtToCover;
  // _calculateAvailableCollateralToLiquidate
  const baseCollateral = (debtPrice * debt * cu) / (collPrice * du);
  const maxCollateral = percentMul(baseCollateral, bonus);
  let collateral: bigint;
  if (maxCollateral > collateralBalance) {
    collateral = collateralBalance;
    debt = percentDiv((collPrice * collateral * du) / (debtPrice * cu), bonus);
  } else {
    collateral = maxCollateral;
  }
  const seizedBase = (collateral * collPrice) / cu;
  let fee = 0n;
  const bonusCollateral = collateral - percentDiv(collateral, bonus);
  if (cr.liquidationProtocolFee !== 0n) fee = percentMul(bonusCollateral, cr.liquidationProtocolFee);
  const toLiquidator = collateral - fee;
  // The treasury's transfer is capped at the user's scaled balance once the liquidator's share has
  // left it (both scaled down by rayDiv, half-up, so their sum can pass the balance by a unit).
  const index = cr.liquidityIndex;
  const scaledLeft = ce.scaledATokenBalance - rayDiv(toLiquidator, index);
  if (fee !== 0n && scaledLeft >= 0n && rayDiv(fee, index) > scaledLeft) fee = rayMul(scaledLeft, index);
  let leavesDust = false, deficit: { reserve: number; amount: bigint }[] = [];
  if (book.version === "3.3") {
    if (debt < userDebt && toLiquidator + fee < collateralBalance) {
      const debtLeft = ((userDebt - debt) * debtPrice) / du >= MIN_LEFTOVER_BASE;
      const collLeft = ((collateralBalance - toLiquidator - fee) * collPrice) / cu >= MIN_LEFTOVER_BASE;
      leavesDust = !(debtLeft && collLeft);
    }
    if (data.totalCollateralBase === seizedBase) {
      // hasNoCollateralLeft: this reserve's remaining debt, then every other debt (_burnBadDebt).
      if (userDebt - debt !== 0n) deficit.push({ reserve: debtReserve, amount: userDebt - debt });
      for (const e of user.reserves) {
        if (e.reserve === debtReserve) continue;
        const d = borrowed(book.reserves[e.reserve]!, e.scaledVariableDebt, e.stableDebt);
        if (d !== 0n) deficit.push({ reserve: e.reserve, amount: d });
      }
    }
  }
  const profit = bonusCollateral - fee; // the fee as transferred (capped above)
  return {
    debtReserve, collateralReserve, debtRepaid: debt, collateralToLiquidator: toLiquidator, protocolFee: fee,
    profit, profitBase: (profit * collPrice) / cu, closeFactor, healthFactor: hf, deficit, leavesDust,
  };
}

/**
 * What a liquidator reads: of every (debt reserve, collateral reserve) pair the pool would accept
 * (not reverting, v3.3's dust rule included), the one whose net bonus is worth most in base
 * currency (ties: the first debt reserve, then the first collateral reserve, in the user's order);
 * null for a healthy user or one with no acceptable pair. A pair whose full call (as much as the
 * close factor allows) would leave dust is taken at the largest debtToCover that does not
 * (`largestCleanCall`): a smaller call seizes less, so it is the pair's most profitable one.
 */
export function bestLiquidation(book: AaveBook, user: AaveUser, prices?: Prices): LiquidationOutcome | null {
  if (!liquidatable(book, user, prices)) return null;
  let best: LiquidationOutcome | null = null;
  for (const d of user.reserves) {
    if (d.scaledVariableDebt === 0n && d.stableDebt === 0n) continue;
    for (const c of user.reserves) {
      if (!c.usageAsCollateralEnabled || c.scaledATokenBalance === 0n) continue;
      let o = liquidationCall(book, user, d.reserve, c.reserve, UINT256_MAX, prices);
      if (typeof o === "string") continue;
      if (o.leavesDust) {
        const clean = largestCleanCall(book, user, d.reserve, c.reserve, o.debtRepaid, prices);
        if (clean === null) continue;
        o = clean;
      }
      if (best === null || o.profitBase > best.profitBase) best = o;
    }
  }
  return best;
}

/**
 * v3.3: the call on (debt, collateral) with the largest debtToCover below `dusty` (a debtToCover
 * whose call leaves dust) that does not leave dust; null when even 1 does. Both leftovers (the
 * reserve's debt and the collateral after the seizure and the fee) fall as debtToCover grows, so
 * the calls that pass are those up to a bound, found by bisection: the answer passes and one unit
 * more does not.
 */
export function largestCleanCall(book: AaveBook, user: AaveUser, debtReserve: number, collateralReserve: number, dusty: bigint, prices?: Prices): LiquidationOutcome | null {
  const call = (x: bigint) => liquidationCall(book, user, debtReserve, collateralReserve, x, prices);
  const clean = (o: LiquidationOutcome | LiquidationRefusal): o is LiquidationOutcome => typeof o !== "string" && !o.leavesDust;
  let best = call(1n);
  if (!clean(best)) return null;
  let lo = 1n, hi = dusty;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    const o = call(mid);
    if (clean(o)) { lo = mid; best = o; }
    else hi = mid;
  }
  return best;
}

// ---- liquidation prices ----

/**
 * The liquidation price of reserve `reserve` for `user`, other prices held: a price p (base
 * currency, 8 decimals) at which the user's trigger differs from its trigger at p - 1, found by
 * bisection over [1, maxPrice]; null when the trigger is the same at both ends. For a reserve that is only collateral the
 * user is liquidatable below p and not at p; for one that is only debt, not below p and liquidatable
 * at p. The health factor is monotone in a price up to the truncations of the average threshold
 * (a step of one base unit can lower floor(sum / C) and so X by about C / 10^4 units), so in a
 * band of a few units the boundary need not be unique; the bisection returns one boundary point,
 * exact: trigger(p - 1) != trigger(p).
 */
export function liquidationPrice(book: AaveBook, user: AaveUser, reserve: number, maxPrice: bigint = (1n << 64n) - 1n): bigint | null {
  const base = book.reserves.map((r) => r.price);
  const at = (p: bigint) => {
    const prices = base.slice();
    prices[reserve] = p;
    return liquidatable(book, user, prices);
  };
  const e = user.reserves.find((x) => x.reserve === reserve);
  if (e === undefined) return null;
  const isCollateral = e.usageAsCollateralEnabled && e.scaledATokenBalance !== 0n && book.reserves[reserve]!.liquidationThreshold !== 0n;
  const isDebt = e.scaledVariableDebt !== 0n || e.stableDebt !== 0n;
  if (!isCollateral && !isDebt) return null;
  // Search [1, maxPrice] for a point where the trigger changes.
  let lo = 1n, hi = maxPrice;
  const tLo = at(lo);
  if (tLo === at(hi)) return null;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (at(mid) === tLo) lo = mid;
    else hi = mid;
  }
  return hi;
}
