/**
 * The ranges of docs/model.md ("Ranges (anything else is an input error)") and
 * docs/decisions.md 5-6, checked on books that are already in memory: `validateBook` for the
 * object form (the API accepts plain objects from users, so every type is checked too) and
 * `validateColumns` for the struct-of-arrays form. The parsers in json.ts and csv.ts enforce the
 * same rules on the text they read, with the same constants.
 */
import { BookError, bookError, describeValue } from "./errors.js";
import { refuseGmxWide, validateGmxAccount, validateGmxMarket } from "./gmx-validate.js";
import { readWide, validateGmxColumn } from "./gmx-wide.js";
import type { RecordName } from "./errors.js";
import { I64_MAX, I64_MIN, formatDecimal } from "./decimal.js";
import { SIDE_CODE, VENUE_NAMES, leverageRateDenominator, type Asset, type Book, type BookColumns, type Market, type VenueName } from "./types.js";

/** Largest sizeDecimals / priceDecimals. */
export const MAX_DECIMALS = 18;
/** Largest sizeDecimals + priceDecimals. */
export const MAX_DECIMALS_SUM = 24;
/** Decimals of rates (ppm). */
export const RATE_DECIMALS = 6;
/** Rates (mmr, liquidationFee, liquidatorShare, maxSlippage) are in [0, 1] = [0, 1_000_000] ppm. */
export const RATE_MAX_PPM = 1_000_000n;
/** Volatilities are in [0.0001, 10]. */
export const VOLATILITY_MIN_PPM = 100n;
export const VOLATILITY_MAX_PPM = 10_000_000n;
/** depth is at least one quote unit (10^-6). */
export const DEPTH_MIN = 1n;

/**
 * True when t[at, at + s.length) equals s (the caller has checked that the field is that long).
 * Compared from the end: sequential ids such as "acct-0000123" differ in their last characters.
 */
export function sameText(t: string, at: number, s: string): boolean {
  for (let k = s.length - 1; k >= 0; k--) if (t.charCodeAt(at + k) !== s.charCodeAt(k)) return false;
  return true;
}

/**
 * An index from ids to their positions in a list, without a Map (a Map of millions of strings is
 * slow to grow): open addressing over a typed array sized up front, FNV-1a hashes of the char
 * codes. `findSlice` looks up text[start, end) without creating a substring.
 */
export class IdIndex {
  /** Pairs [hash, index + 1] (0 = empty slot): a probe touches one cache line, not the id strings. */
  private table: Int32Array;
  private mask: number;
  private count = 0;
  /** `ids[i]` is the id stored with index i (the caller's list, filled as ids are added). */
  constructor(
    private ids: readonly string[],
    capacity: number,
  ) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size * 2);
    this.mask = size - 1;
  }

  private static hash(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    // murmur3's finalizer: FNV's low bits alone cluster for sequential ids like "acct-000123"
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Doubles the table, re-inserting every entry (by its stored hash). */
  private grow(): void {
    const old = this.table;
    const size = (this.mask + 1) * 2;
    const table = new Int32Array(size * 2);
    const mask = size - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      let slot = old[s] & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = old[s];
      table[2 * slot + 1] = old[s + 1];
    }
    this.table = table;
    this.mask = mask;
  }

  /** The list is now `ids` (the same ids at the same indices: a copy the caller owns). */
  rebind(ids: readonly string[]): void {
    this.ids = ids;
  }

  /** The index of `id`, or -1. */
  find(id: string): number {
    return this.findSlice(id, 0, id.length);
  }

  /** The index of the id spelled by text[start, end), or -1. */
  findSlice(text: string, start: number, end: number): number {
    const len = end - start;
    const { table, mask, ids } = this;
    const h = IdIndex.hash(text, start, end);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[2 * slot + 1] - 1;
      if (k < 0) return -1;
      if (table[2 * slot] === h) {
        const id = ids[k];
        if (id.length === len && sameText(text, start, id)) return k;
      }
    }
  }

  /**
   * Records that `ids[index]` is at `index`; returns the index of an earlier equal id (and then
   * records nothing), else -1. Past the capacity given, the table doubles.
   */
  add(index: number): number {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const { table, mask, ids } = this;
    const id = ids[index];
    const h = IdIndex.hash(id, 0, id.length);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[2 * slot + 1] - 1;
      if (k < 0) {
        table[2 * slot] = h;
        table[2 * slot + 1] = index + 1;
        this.count++;
        return -1;
      }
      if (table[2 * slot] === h && ids[k] === id) return k;
    }
  }
}

/** `market "BTC-PERP"`, or `market 3` (1-based) when the id itself is unusable. */
export function marketRecord(id: unknown, index: number): string {
  return typeof id === "string" && id !== "" ? `market ${JSON.stringify(id)}` : `market ${index + 1}`;
}
/** `account "alice"`, or `account 3` (1-based) when the id itself is unusable. */
export function accountRecord(id: unknown, index: number): string {
  return typeof id === "string" && id !== "" ? `account ${JSON.stringify(id)}` : `account ${index + 1}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], record: RecordName, prefix = ""): void {
  for (const key in obj) {
    if (Object.prototype.hasOwnProperty.call(obj, key) && !allowed.includes(key)) {
      throw bookError(record, prefix + key, `unknown field (expected ${allowed.map((k) => prefix + k).join(", ")})`);
    }
  }
}

function objectField(obj: unknown, record: RecordName, field: string): Record<string, unknown> {
  if (!isPlainObject(obj)) throw bookError(record, field, `expected an object, got ${describeValue(obj)}`);
  return obj;
}

function bigintIn(v: unknown, min: bigint, max: bigint, record: RecordName, field: string, what: string): bigint {
  if (typeof v !== "bigint") throw bookError(record, field, `expected a bigint, got ${describeValue(v)}`);
  if (v < min || v > max) throw bookError(record, field, `${v} is outside ${what}`);
  return v;
}

const I64_RANGE = `the signed 64-bit range [${I64_MIN}, ${I64_MAX}]`;
const PRICE_RANGE = `[0, ${I64_MAX}] (prices are >= 0 and fit 64 bits)`;
const RATE_RANGE = "[0, 1000000] ppm (0 to 100%)";

function rate(v: unknown, record: string, field: string): bigint {
  return bigintIn(v, 0n, RATE_MAX_PPM, record, field, RATE_RANGE);
}

function decimalsField(v: unknown, record: string, field: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new BookError(record, field, `expected an integer, got ${describeValue(v)}`);
  if (v < 0 || v > MAX_DECIMALS) throw new BookError(record, field, `${v} is outside [0, ${MAX_DECIMALS}]`);
  return v;
}

const MARKET_KEYS = ["id", "sizeDecimals", "priceDecimals", "markPrice", "tiers", "liquidationFeePpm", "volatility", "impact", "dydx", "drift", "gmx"];
const TIER_KEYS = ["maxNotional", "mmrPpm", "cum", "maxLeverage", "imrPpm", "maintenanceFractionPpm"];
const ACCOUNT_KEYS = ["id", "collateral", "positions", "margin", "balances", "collateral30"];
const POSITION_KEYS = ["market", "size", "entryPrice", "leverage", "side", "sizeInUsd30", "sizeInTokens"];

/**
 * Checks one market (not the uniqueness of its id, which needs the whole list).
 * `index` is its 0-based position in the book, used to name it when its id is unusable.
 */
export function validateMarket(market: Market, index: number, venue: VenueName = "generic"): void {
  const m = objectField(market, `market ${index + 1}`, "");
  const record = marketRecord(m.id, index);
  checkKeys(m, MARKET_KEYS, record);
  if (typeof m.id !== "string" || m.id === "") throw new BookError(record, "id", `expected a non-empty string, got ${describeValue(m.id)}`);
  const sd = decimalsField(m.sizeDecimals, record, "sizeDecimals");
  const pd = decimalsField(m.priceDecimals, record, "priceDecimals");
  if (sd + pd > MAX_DECIMALS_SUM) {
    throw new BookError(record, "priceDecimals", `sizeDecimals + priceDecimals = ${sd} + ${pd} = ${sd + pd} exceeds ${MAX_DECIMALS_SUM}`);
  }
  bigintIn(m.markPrice, 0n, I64_MAX, record, "markPrice", PRICE_RANGE);
  if (!Array.isArray(m.tiers)) throw new BookError(record, "tiers", `expected an array, got ${describeValue(m.tiers)}`);
  if (m.tiers.length === 0) throw new BookError(record, "tiers", "at least one tier is required");
  let prevMax = -1n;
  let prevMmr = 0n;
  for (let j = 0; j < m.tiers.length; j++) {
    const tierRecord = `${record} tier ${j + 1}`;
    const t = objectField(m.tiers[j], tierRecord, "");
    checkKeys(t, TIER_KEYS, tierRecord);
    const last = j === m.tiers.length - 1;
    const mmr = rate(t.mmrPpm, tierRecord, "mmrPpm");
    if (j > 0 && mmr < prevMmr) {
      throw new BookError(tierRecord, "mmrPpm", `${mmr} is less than tier ${j}'s ${prevMmr} (mmr must be non-decreasing)`);
    }
    prevMmr = mmr;
    if (last) {
      if (t.maxNotional !== null) {
        throw new BookError(tierRecord, "maxNotional", `the last tier must have maxNotional null (it covers every larger notional), got ${describeValue(t.maxNotional)}`);
      }
    } else {
      if (t.maxNotional === null || t.maxNotional === undefined) {
        throw new BookError(tierRecord, "maxNotional", "only the last tier may be without maxNotional");
      }
      const max = bigintIn(t.maxNotional, 0n, I64_MAX, tierRecord, "maxNotional", `[0, ${I64_MAX}] quote units`);
      if (max <= prevMax) {
        throw new BookError(tierRecord, "maxNotional", `${max} is not greater than tier ${j}'s ${prevMax} (maxNotional must be strictly increasing)`);
      }
      prevMax = max;
    }
  }
  rate(m.liquidationFeePpm, record, "liquidationFeePpm");
  validateVenueTiers(m as unknown as Market, record, venue);
  if (venue !== "generic" && (m.volatility !== undefined || m.impact !== undefined)) {
    throw new BookError(record, m.volatility !== undefined ? "volatility" : "impact", `a ${venue} market has no ${m.volatility !== undefined ? "volatility scale" : "close-out impact"} (the generic model's)`);
  }
  if (m.volatility !== undefined) {
    const v = objectField(m.volatility, record, "volatility");
    checkKeys(v, ["currentPpm", "referencePpm"], record, "volatility.");
    const range = `[${VOLATILITY_MIN_PPM}, ${VOLATILITY_MAX_PPM}] ppm (0.0001 to 10)`;
    bigintIn(v.currentPpm, VOLATILITY_MIN_PPM, VOLATILITY_MAX_PPM, record, "volatility.currentPpm", range);
    bigintIn(v.referencePpm, VOLATILITY_MIN_PPM, VOLATILITY_MAX_PPM, record, "volatility.referencePpm", range);
  }
  if (m.impact !== undefined) {
    const im = objectField(m.impact, record, "impact");
    checkKeys(im, ["depth", "maxSlippagePpm"], record, "impact.");
    bigintIn(im.depth, DEPTH_MIN, I64_MAX, record, "impact.depth", `[${DEPTH_MIN}, ${I64_MAX}] quote units (depth > 0)`);
    rate(im.maxSlippagePpm, record, "impact.maxSlippagePpm");
  }
}

/**
 * The tier fields each venue's rules read (docs/venues/): generic tiers have no cum or
 * maxLeverage; a binance-usdm bracket's cum is Binance's maintenance amount, checked to be the one
 * that keeps maintenance continuous at the bracket bounds (Binance's published brackets are; the
 * scan's error bounds and the liquidation-price search rely on it); a hyperliquid tier's rate is
 * 1/(2 maxLeverage), so it needs maxLeverage (non-increasing) and no mmr, and a hyperliquid
 * market has no liquidation fee.
 */
function validateVenueTiers(m: Market, record: string, venue: VenueName): void {
  let cum = 0n;
  for (let j = 0; j < m.tiers.length; j++) {
    const t = m.tiers[j]!;
    const tierRecord = `${record} tier ${j + 1}`;
    if (t.maxLeverage !== undefined) bigintIn(t.maxLeverage, 1n, I64_MAX, tierRecord, "maxLeverage", `[1, ${I64_MAX}]`);
    if (t.imrPpm !== undefined) {
      if (venue !== "generic" && venue !== "dydx-v4") throw new BookError(tierRecord, "imrPpm", `a ${venue} tier has no imr: its initial margin is a position's notional over its leverage`);
      const imr = rate(t.imrPpm, tierRecord, "imrPpm");
      if (imr < t.mmrPpm) throw new BookError(tierRecord, "imrPpm", `${imr} is below the tier's mmr ${t.mmrPpm} (initial margin is at least maintenance)`);
    }
    if ((t.imrPpm === undefined) !== (m.tiers[0]!.imrPpm === undefined)) {
      throw new BookError(tierRecord, "imrPpm", `${t.imrPpm === undefined ? "missing" : "given"} while tier 1 ${m.tiers[0]!.imrPpm === undefined ? "has none" : "has one"} (a market gives imr on every tier or on none)`);
    }
    if (venue === "generic") {
      if (t.cum !== undefined) throw new BookError(tierRecord, "cum", "a generic tier has no cum (its continuity offset is derived); cum belongs to binance-usdm books");
      if (t.maxLeverage !== undefined) throw new BookError(tierRecord, "maxLeverage", "a generic tier has no maxLeverage; it belongs to binance-usdm and hyperliquid books");
    } else if (venue === "binance-usdm") {
      if (t.cum === undefined) throw new BookError(tierRecord, "cum", "missing: a binance-usdm bracket gives its maintenance amount cum");
      const given = bigintIn(t.cum, 0n, I64_MAX, tierRecord, "cum", `[0, ${I64_MAX}] quote units`);
      // cum_j = cum_{j-1} + cap_{j-1} * (mmr_j - mmr_{j-1}), in quote units: cap * rate step in ppm / 10^6.
      if (j > 0) {
        const step = m.tiers[j - 1]!.maxNotional! * (t.mmrPpm - m.tiers[j - 1]!.mmrPpm);
        if (step % 1_000_000n !== 0n) {
          throw new BookError(tierRecord, "cum", `no whole quote unit keeps maintenance continuous at tier ${j}'s cap (${formatDecimal(step, 12)} quote is needed); liqscan needs continuous brackets`);
        }
        cum += step / 1_000_000n;
      }
      if (given !== cum) {
        throw new BookError(tierRecord, "cum", `${formatDecimal(given, 6)} is not ${formatDecimal(cum, 6)}, the maintenance amount that keeps maintenance continuous at the bracket bounds (cum_j = cum_(j-1) + cap_(j-1) * (mmr_j - mmr_(j-1))); liqscan needs continuous brackets`);
      }
    } else if (venue === "dydx-v4") {
      if (m.tiers.length !== 1) throw new BookError(record, "tiers", `a dydx-v4 market has one tier (its liquidity tier), got ${m.tiers.length}`);
      if (t.imrPpm === undefined) throw new BookError(tierRecord, "imrPpm", "missing: a dydx-v4 tier gives its initial margin fraction");
      if (t.maintenanceFractionPpm === undefined) throw new BookError(tierRecord, "maintenanceFractionPpm", "missing: a dydx-v4 tier gives its maintenance fraction");
      rate(t.maintenanceFractionPpm, tierRecord, "maintenanceFractionPpm");
      if (t.mmrPpm !== 0n) throw new BookError(tierRecord, "mmrPpm", "a dydx-v4 tier takes its maintenance from imr and maintenanceFraction; mmrPpm must be 0");
      if (t.cum !== undefined) throw new BookError(tierRecord, "cum", "a dydx-v4 tier has no cum");
      if (t.maxLeverage !== undefined) throw new BookError(tierRecord, "maxLeverage", "a dydx-v4 tier has no maxLeverage (its initial margin is the fraction imr)");
    } else if (venue === "gmx-v2") {
      if (t.cum !== undefined || t.maxLeverage !== undefined) throw new BookError(tierRecord, t.cum !== undefined ? "cum" : "maxLeverage", "a gmx-v2 tier has only mmrPpm (minCollateralFactorForLiquidation's image)");
    } else if (venue === "drift-v2") {
      if (m.tiers.length !== 1) throw new BookError(record, "tiers", `a drift-v2 market has one tier (its maintenance margin ratio; the size premium is imfFactor), got ${m.tiers.length}`);
      if (t.mmrPpm % 100n !== 0n) throw new BookError(tierRecord, "mmrPpm", `${t.mmrPpm} is not a whole number of 10^-4 (Drift's margin ratios are in MARGIN_PRECISION 10^4)`);
      if (t.mmrPpm === 0n) throw new BookError(tierRecord, "mmrPpm", "a drift-v2 market's maintenance margin ratio is above 0");
      if (t.cum !== undefined) throw new BookError(tierRecord, "cum", "a drift-v2 tier has no cum");
      if (t.maxLeverage !== undefined) throw new BookError(tierRecord, "maxLeverage", "a drift-v2 tier has no maxLeverage (its initial margin ratio is drift.marginRatioInitial)");
    } else {
      if (t.maxLeverage === undefined) throw new BookError(tierRecord, "maxLeverage", "missing: a hyperliquid tier's rate is 1/(2 maxLeverage)");
      if (t.mmrPpm !== 0n) throw new BookError(tierRecord, "mmrPpm", "a hyperliquid tier takes its rate from maxLeverage; mmrPpm must be 0");
      if (t.cum !== undefined) throw new BookError(tierRecord, "cum", "a hyperliquid tier has no cum (its deduction is derived from the tiers)");
      if (j > 0 && t.maxLeverage > m.tiers[j - 1]!.maxLeverage!) {
        throw new BookError(tierRecord, "maxLeverage", `${t.maxLeverage} is greater than tier ${j}'s ${m.tiers[j - 1]!.maxLeverage} (maxLeverage must be non-increasing)`);
      }
    }
  }
  if (venue === "gmx-v2") validateGmxMarket(m, record);
  else if (m.gmx !== undefined) throw new BookError(record, "gmx", `a ${venue} market has no gmx parameters; they belong to gmx-v2 books`);
  if (venue === "drift-v2") validateDrift(m, record);
  else if (m.drift !== undefined) throw new BookError(record, "drift", `a ${venue} market has no drift parameters; they belong to drift-v2 books`);
  if (venue !== "dydx-v4") {
    m.tiers.forEach((t, j) => {
      if (t.maintenanceFractionPpm !== undefined) throw new BookError(`${record} tier ${j + 1}`, "maintenanceFractionPpm", `a ${venue} tier has no maintenance fraction; it belongs to dydx-v4 books`);
    });
    if (m.dydx !== undefined) throw new BookError(record, "dydx", `a ${venue} market has no dydx parameters; they belong to dydx-v4 books`);
  } else {
    validateDydx(m, record);
  }
  if (venue === "hyperliquid") {
    if (m.liquidationFeePpm !== 0n) throw new BookError(record, "liquidationFeePpm", "a hyperliquid market has no liquidation fee; it must be 0");
    // Every rate 1/(2 L) is a whole number of parts of Q = 2 lcm(L); the core keeps Q within ppm's range.
    if (leverageRateDenominator(m.tiers) > 1_000_000n) {
      throw new BookError(record, "tiers", `the tiers' maxLeverage values have a least common multiple above 500000 (their rates 1/(2 maxLeverage) need a common denominator of at most 10^6)`);
    }
  }
}

/**
 * A drift-v2 market's program parameters (docs/venues/drift-v2.md): Drift's precisions
 * (BASE_PRECISION 10^9 sizes, PRICE_PRECISION 10^6 prices), the ranges the program's own checks
 * keep (validate_margin: the initial ratio above the maintenance one, at most MARGIN_PRECISION;
 * weights at most SPOT_WEIGHT_PRECISION; fees at most 10^6) and a step that every size is a
 * multiple of.
 */
function validateDrift(m: Market, record: string): void {
  if (m.sizeDecimals !== 9) throw new BookError(record, "sizeDecimals", `a drift-v2 market's sizes are in BASE_PRECISION (9 decimals), got ${m.sizeDecimals}`);
  if (m.priceDecimals !== 6) throw new BookError(record, "priceDecimals", `a drift-v2 market's prices are in PRICE_PRECISION (6 decimals), got ${m.priceDecimals}`);
  const d = objectField(m.drift, record, "drift");
  checkKeys(d, ["marginRatioInitial", "imfFactor", "unrealizedPnlMaintenanceAssetWeight", "ifLiquidationFee", "orderStepSize", "liquidationMarginBufferRatio", "initialPctToLiquidate"], record, "drift.");
  const mrm = m.tiers[0]!.mmrPpm / 100n;
  const mri = bigintIn(d.marginRatioInitial, 1n, 10_000n, record, "drift.marginRatioInitial", "[1, 10000] (MARGIN_PRECISION 10^-4)");
  if (mri <= mrm) throw new BookError(record, "drift.marginRatioInitial", `${mri} is not above the maintenance ratio ${mrm} (validate_margin: initial > maintenance)`);
  bigintIn(d.imfFactor, 0n, 1_000_000n, record, "drift.imfFactor", "[0, 1000000] (SPOT_IMF_PRECISION 10^-6)");
  bigintIn(d.unrealizedPnlMaintenanceAssetWeight, 0n, 10_000n, record, "drift.unrealizedPnlMaintenanceAssetWeight", "[0, 10000] (SPOT_WEIGHT_PRECISION 10^-4)");
  bigintIn(d.ifLiquidationFee, 0n, 1_000_000n, record, "drift.ifLiquidationFee", "[0, 1000000] (LIQUIDATION_FEE_PRECISION 10^-6)");
  bigintIn(d.orderStepSize, 1n, I64_MAX, record, "drift.orderStepSize", `[1, ${I64_MAX}] size units`);
  bigintIn(d.liquidationMarginBufferRatio, 0n, 10_000n, record, "drift.liquidationMarginBufferRatio", "[0, 10000] (MARGIN_PRECISION 10^-4)");
  bigintIn(d.initialPctToLiquidate, 0n, 10_000n, record, "drift.initialPctToLiquidate", "[0, 10000] (LIQUIDATION_PCT_PRECISION 10^-4)");
}

/** A dydx-v4 market's chain parameters (protocol/x/clob/types/liquidations_config.go Validate, LiquidityTier.Validate). */
function validateDydx(m: Market, record: string): void {
  const d = objectField(m.dydx, record, "dydx");
  checkKeys(d, ["stepBaseQuantums", "openInterest", "openInterestLowerCap", "openInterestUpperCap", "minPositionNotionalLiquidated", "maxPositionPortionLiquidatedPpm", "subaccountMaxNotionalLiquidated"], record, "dydx.");
  const range = `[0, ${I64_MAX}]`;
  bigintIn(d.stepBaseQuantums, 1n, I64_MAX, record, "dydx.stepBaseQuantums", `[1, ${I64_MAX}] size units`);
  bigintIn(d.openInterest, 0n, I64_MAX, record, "dydx.openInterest", `${range} size units`);
  const lower = bigintIn(d.openInterestLowerCap, 0n, I64_MAX, record, "dydx.openInterestLowerCap", `${range} quote units`);
  const upper = bigintIn(d.openInterestUpperCap, 0n, I64_MAX, record, "dydx.openInterestUpperCap", `${range} quote units`);
  if (upper !== 0n && lower > upper) throw new BookError(record, "dydx.openInterestLowerCap", `${lower} is above the upper cap ${upper}`);
  bigintIn(d.minPositionNotionalLiquidated, 0n, I64_MAX, record, "dydx.minPositionNotionalLiquidated", `${range} quote units`);
  bigintIn(d.maxPositionPortionLiquidatedPpm, 1n, 1_000_000n, record, "dydx.maxPositionPortionLiquidatedPpm", "[1, 1000000] ppm (the chain refuses 0)");
  bigintIn(d.subaccountMaxNotionalLiquidated, 1n, I64_MAX, record, "dydx.subaccountMaxNotionalLiquidated", `[1, ${I64_MAX}] quote units (the chain refuses 0)`);
}

/**
 * Which positions hold each market in the account being read: an account holds one position per
 * market, or in a binance-usdm hedge-mode account a LONG and a SHORT (each labelled with its side).
 * Accounts are read one after the other; `hold` returns why a position is refused, or null.
 */
export class MarketHoldings {
  private readonly stamp: Int32Array;
  private readonly pair: Int32Array;
  private readonly first: Int32Array;
  private readonly firstSide: Uint8Array;

  constructor(markets: number, private readonly venue: VenueName) {
    this.stamp = new Int32Array(markets).fill(-1);
    this.pair = new Int32Array(markets).fill(-1);
    this.first = new Int32Array(markets);
    this.firstSide = new Uint8Array(markets);
  }

  /** Position `p` (index in account `a`) holds market `m` with `side` (0 unlabelled, else SIDE_CODE). */
  hold(a: number, m: number, p: number, side: number): string | null {
    if (this.stamp[m] !== a) {
      this.stamp[m] = a;
      this.first[m] = p;
      this.firstSide[m] = side;
      return null;
    }
    const held = `is already held by position ${this.first[m]! + 1}`;
    const hedge = this.venue === "binance-usdm";
    const rule = hedge ? "an account holds at most one position per market, or a LONG and a SHORT in hedge mode" : "an account holds at most one position per market";
    if (this.pair[m] === a) return `${held} and another (${rule})`;
    if (!hedge || side === 0 || this.firstSide[m] === 0 || side === this.firstSide[m]) return `${held} (${rule})`;
    this.pair[m] = a;
    return null;
  }
}

/** drift-v2: a position's size is a multiple of its market's order step (the program checks it after every fill and liquidation). */
function driftStep(market: Market, size: bigint, record: RecordName): void {
  const step = market.drift!.orderStepSize;
  if (size % step !== 0n) throw bookError(record, "size", `${size} is not a multiple of the market's order step ${step} (size units)`);
}

/** A venue position's labels: leverage a whole number from 1, a hedge-mode side (binance-usdm) that agrees with the size's sign. */
function validatePositionLabels(venue: VenueName, pos: Record<string, unknown>, size: bigint, record: RecordName): void {
  if (pos.leverage !== undefined) {
    if (venue === "generic") throw bookError(record, "leverage", "a position's leverage is a venue label; a generic position has none");
    if (venue === "dydx-v4") throw bookError(record, "leverage", "a dydx-v4 position has no leverage (its initial margin is the market's fraction)");
    if (venue === "drift-v2") throw bookError(record, "leverage", "a drift-v2 position has no leverage (its initial margin is the market's ratio with its size premium)");
    bigintIn(pos.leverage, 1n, 0xffff_ffffn, record, "leverage", "[1, 4294967295]");
  }
  if (pos.side !== undefined) {
    if (venue !== "binance-usdm") throw bookError(record, "side", `a side is a binance-usdm hedge-mode label; a ${venue} position has none`);
    if (pos.side !== "LONG" && pos.side !== "SHORT") throw bookError(record, "side", `expected "LONG" or "SHORT", got ${describeValue(pos.side)}`);
    if ((pos.side === "LONG" && size < 0n) || (pos.side === "SHORT" && size > 0n)) {
      throw bookError(record, "size", `${size} is not the size of a ${pos.side} position (LONG >= 0, SHORT <= 0)`);
    }
  }
}

function validateVenue(v: unknown): VenueName {
  if (v === undefined) return "generic";
  if (typeof v !== "string" || !(VENUE_NAMES as readonly string[]).includes(v)) {
    throw new BookError("book", "venue", `${describeValue(v)} is not a venue liqscan knows (${VENUE_NAMES.map((n) => JSON.stringify(n)).join(", ")})`);
  }
  return v as VenueName;
}

/** Checks the market list: each market, and that ids are unique. */
export function validateMarkets(markets: unknown, record = "book", venue: VenueName = "generic"): void {
  if (!Array.isArray(markets)) throw new BookError(record, "markets", `expected an array, got ${describeValue(markets)}`);
  const seen = new Map<string, number>();
  for (let i = 0; i < markets.length; i++) {
    validateMarket(markets[i] as Market, i, venue);
    const id = (markets[i] as Market).id;
    const other = seen.get(id);
    if (other !== undefined) {
      throw new BookError(marketRecord(id, i), "id", `duplicate market id ${JSON.stringify(id)} (markets ${other + 1} and ${i + 1})`);
    }
    seen.set(id, i);
    // The buffer and the initial share are the program's State, one for every market.
    if (venue === "drift-v2" && i > 0) {
      const first = (markets[0] as Market).drift!, d = (markets[i] as Market).drift!;
      for (const f of ["liquidationMarginBufferRatio", "initialPctToLiquidate"] as const) {
        if (d[f] !== first[f]) throw new BookError(marketRecord(id, i), `drift.${f}`, `${d[f]} differs from market 1's ${first[f]} (it is the program's State, the same for every market)`);
      }
    }
  }
}

function validateShare(v: unknown, venue: VenueName): void {
  const share = rate(v, "book", "liquidatorSharePpm");
  if (venue !== "generic" && share !== 0n) {
    throw new BookError("book", "liquidatorSharePpm", `${share}: a ${venue} book has no liquidator share (its rules say who receives the fee); it must be 0`);
  }
}

/**
 * Id lists already checked (non-empty strings, unique) and frozen, so unchanged since: a load of
 * the same columns does not hash a million ids again (the id check was most of a load's
 * validation). The parsers and the generator hand out such lists (`checkedIds`); validateColumns
 * adds any frozen list it has checked.
 */
const CHECKED_IDS = new WeakSet<readonly string[]>();

/** Freezes a list of ids its maker has checked (unique, non-empty strings) and remembers it. */
export function checkedIds(ids: string[]): string[] {
  Object.freeze(ids);
  CHECKED_IDS.add(ids);
  return ids;
}

/** The account ids of columns that a table reader holds as checked UTF-8 bytes until they are read (withLazyIds). */
export interface PendingIds {
  /** The number of accounts. */
  readonly n: number;
  /** Account a's id, decoded from its bytes alone. */
  id(a: number): string;
}

const PENDING_IDS = new WeakMap<object, PendingIds>();

/**
 * Gives `columns` an `accountIds` property whose strings are made when it is first read (then it
 * is a plain property holding a checkedIds list), for a reader that has checked the ids as bytes
 * (non-empty, unique, UTF-8). Until then the ids cost no string: at a million accounts the strings
 * and the young-generation copies of them were a third of an Arrow load, and a scan that prints
 * its liquidatable accounts needs a few of them (pendingIds(columns).id(a)). Reading
 * `columns.accountIds` (or spreading, cloning, validating a venue book) makes them all, as before.
 */
export function withLazyIds<T extends object>(columns: T, n: number, strings: () => string[], id: (a: number) => string): T & { accountIds: readonly string[] } {
  Object.defineProperty(columns, "accountIds", {
    enumerable: true,
    configurable: true,
    get(): readonly string[] {
      const ids = checkedIds(strings());
      PENDING_IDS.delete(columns);
      Object.defineProperty(columns, "accountIds", { value: ids, enumerable: true, configurable: true, writable: true });
      return ids;
    },
  });
  PENDING_IDS.set(columns, { n, id });
  return columns as T & { accountIds: readonly string[] };
}

/** The ids of columns made by withLazyIds whose accountIds have not been read yet, else undefined. */
export function pendingIds(columns: object): PendingIds | undefined {
  return PENDING_IDS.get(columns);
}

/** Typed arrays use the platform's byte order (little-endian everywhere liqscan runs, and in WebAssembly). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Liability weights are in [1, 100] (a borrow counts at least at its value). */
export const LIABILITY_WEIGHT_MIN_PPM = 1_000_000n;
export const LIABILITY_WEIGHT_MAX_PPM = 100_000_000n;
const ASSET_KEYS = ["id", "decimals", "priceDecimals", "price", "maintenanceWeightPpm", "initialWeightPpm", "liabilityWeightPpm", "drift", "tokenDecimals"];

/** `asset "ETH"`, or `asset 2` (1-based) when the id itself is unusable. */
export function assetRecord(id: unknown, index: number): string {
  return typeof id === "string" && id !== "" ? `asset ${JSON.stringify(id)}` : `asset ${index + 1}`;
}

/**
 * Checks the collateral assets (docs/model.md, "Collateral in several assets"): ids unique,
 * decimals as a market's, a price in [0, 2^63 - 1], 0 <= initialWeight <= maintenanceWeight <= 1,
 * a liability weight in [1, 100].
 */
export function validateAssets(assets: unknown, record = "book", venue: VenueName = "generic"): void {
  if (assets === undefined) return;
  if (!Array.isArray(assets)) throw new BookError(record, "assets", `expected an array, got ${describeValue(assets)}`);
  const seen = new Map<string, number>();
  for (let i = 0; i < assets.length; i++) {
    const x = objectField(assets[i], `asset ${i + 1}`, "");
    const r = assetRecord(x.id, i);
    checkKeys(x, ASSET_KEYS, r);
    if (typeof x.id !== "string" || x.id === "") throw new BookError(r, "id", `expected a non-empty string, got ${describeValue(x.id)}`);
    const other = seen.get(x.id);
    if (other !== undefined) throw new BookError(r, "id", `duplicate asset id ${JSON.stringify(x.id)} (assets ${other + 1} and ${i + 1})`);
    seen.set(x.id, i);
    const d = decimalsField(x.decimals, r, "decimals");
    const pd = decimalsField(x.priceDecimals, r, "priceDecimals");
    if (d + pd > MAX_DECIMALS_SUM) throw new BookError(r, "priceDecimals", `decimals + priceDecimals = ${d} + ${pd} = ${d + pd} exceeds ${MAX_DECIMALS_SUM}`);
    bigintIn(x.price, 0n, I64_MAX, r, "price", PRICE_RANGE);
    const mw = rate(x.maintenanceWeightPpm, r, "maintenanceWeightPpm");
    const iw = rate(x.initialWeightPpm, r, "initialWeightPpm");
    if (iw > mw) throw new BookError(r, "initialWeightPpm", `${iw} is above the maintenance weight ${mw} (what opens a position counts a deposit for no more than what keeps it open)`);
    bigintIn(x.liabilityWeightPpm, LIABILITY_WEIGHT_MIN_PPM, LIABILITY_WEIGHT_MAX_PPM, r, "liabilityWeightPpm",
      `[${LIABILITY_WEIGHT_MIN_PPM}, ${LIABILITY_WEIGHT_MAX_PPM}] ppm (a borrow counts for 1 to 100 times its value)`);
    if (venue === "drift-v2") {
      // A spot market's weights are in SPOT_WEIGHT_PRECISION (10^-4), its price in PRICE_PRECISION.
      if (pd !== 6) throw new BookError(r, "priceDecimals", `a drift-v2 asset's price is in PRICE_PRECISION (6 decimals), got ${pd}`);
      for (const f of ["maintenanceWeightPpm", "initialWeightPpm", "liabilityWeightPpm"] as const) {
        if ((x[f] as bigint) % 100n !== 0n) throw new BookError(r, f, `${x[f]} is not a whole number of 10^-4 (Drift's SPOT_WEIGHT_PRECISION)`);
      }
      if (x.drift !== undefined) {
        const dd = objectField(x.drift, r, "drift");
        checkKeys(dd, ["imfFactor"], r, "drift.");
        bigintIn(dd.imfFactor, 0n, 1_000_000n, r, "drift.imfFactor", "[0, 1000000] (SPOT_IMF_PRECISION 10^-6)");
      }
    } else if (x.drift !== undefined) throw new BookError(r, "drift", `a ${venue} book's asset has no drift parameters; they belong to drift-v2 books`);
    if (x.tokenDecimals !== undefined) {
      if (venue !== "gmx-v2") throw new BookError(r, "tokenDecimals", `a ${venue} book's asset has no tokenDecimals; they belong to gmx-v2 books`);
      const td = x.tokenDecimals;
      if (typeof td !== "number" || !Number.isInteger(td)) throw new BookError(r, "tokenDecimals", `expected an integer, got ${describeValue(td)}`);
      if (td > 18) throw new BookError(r, "tokenDecimals", `${td} passes 18 (a book's decimals, as the JSON form reads them)`);
      if (td < d || td > d + 19) throw new BookError(r, "tokenDecimals", `${td} is outside [decimals ${d}, decimals + 19] (a unit is at most 10^19 token units, so every tokenAmount stays below 2^127)`);
      if (td + pd > 30) throw new BookError(r, "tokenDecimals", `${td} + priceDecimals ${pd} passes 30 (a token unit's price must be a whole number of 10^-30 USD)`);
    }
  }
}

/** Checks one account's balances: an asset index in range, at most one balance per asset, a 64-bit amount. */
function validateBalances(balances: unknown, assetCount: number, assets: readonly { id: string }[] | undefined, record: () => string): void {
  if (balances === undefined) return;
  if (!Array.isArray(balances)) throw bookError(record, "balances", `expected an array, got ${describeValue(balances)}`);
  if (balances.length > 0 && assetCount === 0) throw bookError(record, "balances", "the book lists no assets to hold a balance in");
  const held = new Set<number>();
  for (let i = 0; i < balances.length; i++) {
    const br = (): string => `${record()} balance ${i + 1}`;
    const b = objectField(balances[i], br, "");
    checkKeys(b, ["asset", "amount", "tokenAmount"], br);
    const k = b.asset;
    if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k >= assetCount) throw bookError(br, "asset", `expected an index into assets (0 to ${assetCount - 1}), got ${describeValue(k)}`);
    if (held.has(k)) throw bookError(br, "asset", `the account already holds a balance in ${JSON.stringify(assets?.[k]?.id ?? k)} (one balance per asset)`);
    held.add(k);
    bigintIn(b.amount, I64_MIN, I64_MAX, br, "amount", I64_RANGE);
  }
}

/**
 * Checks every range and rule of the model on a book in object form, and the types of its fields.
 * Throws a BookError naming the record (`account "dave" position 2`, `market "BTC-PERP" tier 3`)
 * and the field (`size`, `mmrPpm`); unknown fields are errors too.
 */
export function validateBook(book: Book): void {
  const b = objectField(book, "book", "");
  checkKeys(b, ["venue", "liquidatorSharePpm", "markets", "accounts", "assets"], "book");
  const venue = validateVenue(b.venue);
  validateShare(b.liquidatorSharePpm, venue);
  validateMarkets(b.markets, "book", venue);
  validateAssets(b.assets, "book", venue);
  const assets = b.assets as readonly { id: string }[] | undefined;
  const markets = b.markets as readonly Market[];
  if (!Array.isArray(b.accounts)) throw new BookError("book", "accounts", `expected an array, got ${describeValue(b.accounts)}`);
  const accounts = b.accounts as unknown[];
  const accountIds: string[] = [];
  const ids = new IdIndex(accountIds, accounts.length);
  const holdings = new MarketHoldings(markets.length, venue);
  for (let a = 0; a < accounts.length; a++) {
    const acc = objectField(accounts[a], () => `account ${a + 1}`, "");
    const record = (): string => accountRecord(acc.id, a);
    checkKeys(acc, ACCOUNT_KEYS, record);
    const id = acc.id;
    if (typeof id !== "string" || id === "") throw bookError(record, "id", `expected a non-empty string, got ${describeValue(id)}`);
    accountIds.push(id);
    const other = ids.add(a);
    if (other >= 0) throw bookError(record, "id", `duplicate account id ${JSON.stringify(id)} (accounts ${other + 1} and ${a + 1})`);
    bigintIn(acc.collateral, I64_MIN, I64_MAX, record, "collateral", I64_RANGE);
    validateBalances(acc.balances, assets?.length ?? 0, assets, record);
    if (venue === "gmx-v2") validateGmxAccount(acc as never, record, markets, assets as readonly Asset[] | undefined);
    else refuseGmxWide(acc as never, venue, record);
    const positions = acc.positions;
    if (!Array.isArray(positions)) throw bookError(record, "positions", `expected an array, got ${describeValue(positions)}`);
    if (acc.margin !== undefined) {
      if (venue === "generic") throw bookError(record, "margin", "cross and isolated margin are venue labels; a generic account has none");
      if (acc.margin !== "cross" && acc.margin !== "isolated") throw bookError(record, "margin", `expected "cross" or "isolated", got ${describeValue(acc.margin)}`);
      if (acc.margin === "isolated" && positions.length !== 1) throw bookError(record, "margin", `an isolated account holds exactly one position (it is that position's own margin), this one holds ${positions.length}`);
    }
    for (let p = 0; p < positions.length; p++) {
      const posRecord = (): string => `${record()} position ${p + 1}`;
      const pos = objectField(positions[p], posRecord, "");
      checkKeys(pos, POSITION_KEYS, posRecord);
      const m = pos.market;
      if (typeof m !== "number" || !Number.isInteger(m) || m < 0 || m >= markets.length) {
        throw bookError(posRecord, "market", `expected an index into markets (0 to ${markets.length - 1}), got ${describeValue(m)}`);
      }
      const size = bigintIn(pos.size, I64_MIN, I64_MAX, posRecord, "size", I64_RANGE);
      validatePositionLabels(venue, pos, size, posRecord);
      const refused = holdings.hold(a, m, p, pos.side === undefined ? 0 : SIDE_CODE[pos.side as "LONG" | "SHORT"]);
      if (refused !== null) throw bookError(posRecord, "market", `market ${JSON.stringify(markets[m].id)} ${refused}`);
      if (venue === "drift-v2") {
        bigintIn(pos.entryPrice, I64_MIN, I64_MAX, posRecord, "entryPrice", `${I64_RANGE} (drift-v2: the position's quote asset amount, quote units)`);
        driftStep(markets[m], size, posRecord);
      } else bigintIn(pos.entryPrice, 0n, I64_MAX, posRecord, "entryPrice", PRICE_RANGE);
    }
  }
}

/**
 * Checks a book in column form: the same rules as `validateBook`, plus the shape of the columns
 * (lengths, offsets, array types). Entries of a BigInt64Array are 64-bit by construction.
 */
export function validateColumns(columns: BookColumns): void {
  checkColumns(columns, false);
}

/**
 * validateColumns, except that the loop over the positions is left to the caller when it needs only
 * the rules every unlabelled position follows (no venue labels, no balances, not drift-v2's order
 * step): the offsets increase, each market index is below the markets, each entry price is >= 0,
 * and an account holds a market once. The wasm engine checks those in the core once the columns
 * are in its memory (assembly/validate.ts) and, when the core finds a fault, calls
 * validateColumns for the error that names it. True when the loop was left.
 */
export function validateColumnsExceptPlainPositions(columns: BookColumns): boolean {
  return checkColumns(columns, true);
}

function checkColumns(columns: BookColumns, deferPlain: boolean): boolean {
  const c = objectField(columns, "book", "") as unknown as BookColumns;
  const venue = validateVenue(c.venue);
  validateShare(c.liquidatorSharePpm, venue);
  validateMarkets(c.markets, "book", venue);
  const nm = c.markets.length;
  // ids a table reader checked as bytes and has not made strings of (withLazyIds) are checked already
  const pending = pendingIds(columns);
  if (pending === undefined && !Array.isArray(c.accountIds)) throw new BookError("book", "accountIds", `expected an array, got ${describeValue(c.accountIds)}`);
  const n = pending?.n ?? c.accountIds.length;
  const typed = (v: unknown, type: Function, name: string, length: number | null): void => {
    if (!(v instanceof type)) throw new BookError("book", name, `expected a ${type.name}, got ${describeValue(v)}`);
    const len = (v as ArrayLike<unknown>).length;
    if (length !== null && len !== length) throw new BookError("book", name, `has length ${len}, expected ${length}`);
  };
  typed(c.collateral, BigInt64Array, "collateral", n);
  typed(c.positionStart, Uint32Array, "positionStart", n + 1);
  const np = c.positionStart[n];
  // When the three position columns agree on their length, a last offset that differs is
  // positionStart's fault (typically a builder's positionStart left unfilled, all zeros).
  const lengths = [c.positionMarket, c.positionSize, c.positionEntry].map((v) => (ArrayBuffer.isView(v) ? (v as unknown as ArrayLike<unknown>).length : -1));
  if (lengths[0]! >= 0 && lengths.every((l) => l === lengths[0]) && np !== lengths[0]) {
    const zeros = np === 0 && c.positionStart.every((o) => o === 0);
    throw new BookError("book", "positionStart", `positionStart[${n}] is ${np}, expected ${lengths[0]}: the last account's positions must end at the ${lengths[0]} positions of positionMarket, positionSize and positionEntry` +
      (zeros ? " (positionStart is all zeros: was it filled?)" : ""));
  }
  typed(c.positionMarket, Uint32Array, "positionMarket", np);
  typed(c.positionSize, BigInt64Array, "positionSize", np);
  typed(c.positionEntry, BigInt64Array, "positionEntry", np);
  if (c.positionStart[0] !== 0) throw new BookError("book", "positionStart", `positionStart[0] is ${c.positionStart[0]}, expected 0`);
  const labelled = c.accountIsolated !== undefined || c.positionLeverage !== undefined || c.positionSide !== undefined;
  if (labelled && venue === "generic") throw new BookError("book", "accountIsolated", "margin, leverage and side are venue labels; a generic book has none");
  if (c.accountIsolated !== undefined) typed(c.accountIsolated, Uint8Array, "accountIsolated", n);
  if (c.positionLeverage !== undefined) typed(c.positionLeverage, Uint32Array, "positionLeverage", np);
  if (c.positionSide !== undefined) typed(c.positionSide, Uint8Array, "positionSide", np);
  validateAssets(c.assets, "book", venue);
  const idOf = (a: number): string => (pending !== undefined ? pending.id(a) : c.accountIds[a]!);
  validateGmxColumn(c, (a) => accountRecord(idOf(a), a));
  const na = c.assets?.length ?? 0;
  const withBalances = c.balanceStart !== undefined || c.balanceAsset !== undefined || c.balanceAmount !== undefined;
  if (withBalances) {
    if (c.assets === undefined) throw new BookError("book", "balanceStart", "balance columns need the book's assets");
    typed(c.balanceStart, Uint32Array, "balanceStart", n + 1);
    const nb = c.balanceStart![n]!;
    if (c.balanceStart![0] !== 0) throw new BookError("book", "balanceStart", `balanceStart[0] is ${c.balanceStart![0]}, expected 0`);
    typed(c.balanceAsset, Uint32Array, "balanceAsset", nb);
    typed(c.balanceAmount, BigInt64Array, "balanceAmount", nb);
  }
  const knownIds = pending !== undefined || (Object.isFrozen(c.accountIds) && CHECKED_IDS.has(c.accountIds));
  if (!knownIds) {
    const ids = new IdIndex(c.accountIds, n);
    for (let a = 0; a < n; a++) {
      const id = c.accountIds[a];
      if (typeof id !== "string" || id === "") throw new BookError(accountRecord(id, a), "id", `expected a non-empty string, got ${describeValue(id)}`);
      const other = ids.add(a);
      if (other >= 0) throw new BookError(accountRecord(id, a), "id", `duplicate account id ${JSON.stringify(id)} (accounts ${other + 1} and ${a + 1})`);
    }
  }
  if (deferPlain && !labelled && !withBalances && venue !== "drift-v2") {
    if (!knownIds && Object.isFrozen(c.accountIds)) CHECKED_IDS.add(c.accountIds);
    return true;
  }
  const holdings = new MarketHoldings(nm, venue);
  const held = new Int32Array(na).fill(-1);
  // An entry is negative iff the high 32 bits of its little-endian word are: read as Int32 so the
  // loop creates no BigInt per position (that allocation was most of the cost of a load).
  const entryHigh = new Int32Array(c.positionEntry.buffer, c.positionEntry.byteOffset, np * 2);
  const high = LITTLE_ENDIAN ? 1 : 0;
  for (let a = 0; a < n; a++) {
    const start = c.positionStart[a];
    const end = c.positionStart[a + 1];
    if (end < start) throw new BookError(accountRecord(idOf(a), a), "positionStart", `positionStart[${a + 1}] = ${end} is less than positionStart[${a}] = ${start}`);
    if (withBalances) {
      const bs = c.balanceStart![a]!, be = c.balanceStart![a + 1]!;
      if (be < bs) throw new BookError(accountRecord(idOf(a), a), "balanceStart", `balanceStart[${a + 1}] = ${be} is less than balanceStart[${a}] = ${bs}`);
      for (let i = bs; i < be; i++) {
        const k = c.balanceAsset![i]!;
        const br = `${accountRecord(idOf(a), a)} balance ${i - bs + 1}`;
        if (k >= na) throw new BookError(br, "asset", `asset index ${k} is not below the ${na} assets`);
        if (held[k] === a) throw new BookError(br, "asset", `the account already holds a balance in ${JSON.stringify(c.assets![k]!.id)} (one balance per asset)`);
        held[k] = a;
      }
    }
    if (venue === "gmx-v2") validateGmxAccount({ positions: Array.from({ length: end - start }, (_, k) => ({ market: c.positionMarket[start + k]!, size: c.positionSize[start + k]!, entryPrice: c.positionEntry[start + k]!, ...(c.gmxUsd && k === 0 ? { sizeInUsd30: readWide(c.gmxUsd, a, 0) } : {}) })), balances: withBalances ? Array.from({ length: c.balanceStart![a + 1]! - c.balanceStart![a]! }, () => ({ asset: 0, amount: 0n })) : [] } as never, accountRecord(idOf(a), a));
    if (c.accountIsolated?.[a] && end - start !== 1) throw new BookError(accountRecord(idOf(a), a), "margin", `an isolated account holds exactly one position (it is that position's own margin), this one holds ${end - start}`);
    for (let p = start; p < end; p++) {
      const m = c.positionMarket[p];
      if (m >= nm) throw new BookError(`${accountRecord(idOf(a), a)} position ${p - start + 1}`, "market", `market index ${m} is not below the ${nm} markets`);
      const side = c.positionSide?.[p] ?? 0;
      if (labelled) {
        validatePositionLabels(venue, { leverage: c.positionLeverage?.[p] ? BigInt(c.positionLeverage[p]) : undefined, side: side === 0 ? undefined : side === 1 ? "LONG" : side === 2 ? "SHORT" : side }, c.positionSize[p], `${accountRecord(idOf(a), a)} position ${p - start + 1}`);
      }
      const refused = holdings.hold(a, m, p - start, side);
      if (refused !== null) throw new BookError(`${accountRecord(idOf(a), a)} position ${p - start + 1}`, "market", `market ${JSON.stringify(c.markets[m].id)} ${refused}`);
      if (venue === "drift-v2") driftStep(c.markets[m], c.positionSize[p], `${accountRecord(idOf(a), a)} position ${p - start + 1}`);
      else if (entryHigh[2 * p + high]! < 0) {
        const entry = c.positionEntry[p];
        throw new BookError(`${accountRecord(idOf(a), a)} position ${p - start + 1}`, "entryPrice", `${entry} (${formatDecimal(entry, c.markets[m].priceDecimals)}) is negative (prices are >= 0)`);
      }
    }
  }
  if (!knownIds && Object.isFrozen(c.accountIds)) CHECKED_IDS.add(c.accountIds);
  return false;
}
