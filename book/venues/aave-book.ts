/**
 * Aave v3 lending books (docs/venues/aave-v3.md): the reserves of one pool and its users' scaled
 * balances, in the contracts' own integers. Not a perp book (book/types.ts Book): an Aave balance
 * of an 18-decimal token leaves 64 bits at 9.2 tokens, and a user may supply and borrow the same
 * reserve, so a lending book has its own records, its own JSON shape and its own core columns
 * (assembly/venues/aave-v3.ts).
 *
 * Units, as the pool keeps them (aave-v3-core @782f5191, DataTypes.sol, ReserveConfiguration.sol):
 * - prices: the oracle's getAssetPrice, base currency (USD) with 8 decimals;
 * - ltv, liquidationThreshold, liquidationBonus, liquidationProtocolFee, reserveFactor: basis
 *   points (PERCENTAGE_FACTOR 10^4 = 100 %), the bonus above 10^4 (10500 = +5 %);
 * - indexes: ray (10^27), the reserve's normalized income (liquidity index) and normalized variable
 *   debt (borrow index) at the scan's time (the importer accrues them from the stored ones);
 * - balances: scaled aToken and variable debt token balances (scaledBalanceOf), token units of
 *   10^-decimals before scaling; stableDebt (v3.0 only) the stable debt token's balanceOf.
 *
 * JSON (all integers as decimal strings, flags as booleans):
 *   { "venue": "aave-v3", "version": "3.0" | "3.3",
 *     "timestamp"?: unix seconds of the book's state (the importer's --at),
 *     "reserves": [{ "id", "decimals", "price", "ltv", "liquidationThreshold", "liquidationBonus",
 *                    "liquidationProtocolFee", "reserveFactor", "liquidityIndex", "variableBorrowIndex",
 *                    "active"?, "paused"?, "liquidationGracePeriodUntil"? }],
 *     "eModes": [{ "id", "ltv", "liquidationThreshold", "liquidationBonus", "price"?, "collateral": [reserve ids] }],
 *     "users": [{ "id", "eMode", "reserves": [{ "reserve", "scaledATokenBalance", "collateral",
 *                 "scaledVariableDebt", "stableDebt"? }] }] }
 * `price` of an e-mode category: the price of its price source (v3.0 only; absent: none).
 * `collateral` of a category: the reserves it counts with its threshold (v3.0: the reserves whose
 * eModeCategory is the id; v3.3: its collateralBitmap).
 * `active` (default true) and `paused` (default false): the reserve's configuration flags; a call
 * on an inactive or paused reserve reverts (ValidationLogic.validateLiquidationCall).
 * `liquidationGracePeriodUntil` (v3.3; default 0): the sentinel's grace period, unix seconds; a
 * call reverts unless it is below the book's `timestamp`, which a book with a grace period needs.
 */
import { BookError, describeValue } from "../errors.js";

export type AaveVersion = "3.0" | "3.3";
export const AAVE_VERSIONS: readonly AaveVersion[] = ["3.0", "3.3"];

export interface AaveReserve {
  readonly id: string;
  readonly decimals: number;
  /** Base currency units (10^-8 USD) per whole token. */
  readonly price: bigint;
  readonly ltv: bigint;
  readonly liquidationThreshold: bigint;
  readonly liquidationBonus: bigint;
  readonly liquidationProtocolFee: bigint;
  readonly reserveFactor: bigint;
  /** Ray: getNormalizedIncome() at the scan's time. */
  readonly liquidityIndex: bigint;
  /** Ray: getNormalizedDebt() at the scan's time. */
  readonly variableBorrowIndex: bigint;
  /** The configuration's active flag (absent: true). */
  readonly active?: boolean;
  /** The configuration's paused flag (absent: false). */
  readonly paused?: boolean;
  /** v3.3: unix seconds until which liquidations on the reserve revert (absent: 0, none). */
  readonly liquidationGracePeriodUntil?: bigint;
}

export interface AaveEMode {
  /** 1..255 (0 is "no e-mode"). */
  readonly id: number;
  readonly ltv: bigint;
  readonly liquidationThreshold: bigint;
  readonly liquidationBonus: bigint;
  /** v3.0: the price of the category's price source (absent: the reserves' own prices). */
  readonly price?: bigint;
  /** Indexes into `reserves` of the reserves the category counts as its collateral. */
  readonly collateral: readonly number[];
}

export interface AaveUserReserve {
  /** Index into `reserves`. */
  readonly reserve: number;
  readonly scaledATokenBalance: bigint;
  /** The user's usingAsCollateral bit for this reserve. */
  readonly usageAsCollateralEnabled: boolean;
  readonly scaledVariableDebt: bigint;
  /** v3.0: the stable debt token's balance (0 on 3.3, which has none). */
  readonly stableDebt: bigint;
}

export interface AaveUser {
  readonly id: string;
  /** The user's e-mode category, 0 for none. */
  readonly eMode: number;
  /** At most one entry per reserve. */
  readonly reserves: readonly AaveUserReserve[];
}

export interface AaveBook {
  readonly venue: "aave-v3";
  readonly version: AaveVersion;
  /** Unix seconds of the book's state: the block time a liquidation call is checked at (absent: unknown). */
  readonly timestamp?: bigint;
  readonly reserves: readonly AaveReserve[];
  readonly eModes: readonly AaveEMode[];
  readonly users: readonly AaveUser[];
}

/** Limits the core's columns hold (assembly/venues/aave-v3.ts); the book refuses what exceeds them up front. */
export const AAVE_LIMITS = {
  /** Reserves per pool: the contracts' bitmaps hold 128 (ReserveConfiguration.MAX_RESERVES_COUNT). */
  reserves: 128,
  /** Token decimals (the pool keeps 8 bits; the core divides by 10^decimals in pieces of 10^19). */
  decimals: 38,
  /** Prices, indexes and scaled balances: u64, u128, u128. */
  price: (1n << 64n) - 1n,
  index: (1n << 128n) - 1n,
  balance: (1n << 128n) - 1n,
  /** Basis-point fields: 16 bits in the configuration bitmap. */
  bps: 65535n,
} as const;

// ---- JSON -------------------------------------------------------------------------------------

type Json = unknown;

function fail(source: string, record: string, field: string, problem: string): never {
  throw new BookError(`${source}: ${record}`, field, problem);
}

function obj(v: Json, source: string, record: string): Record<string, Json> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail(source, record, "", `expected an object, got ${describeValue(v)}`);
  return v as Record<string, Json>;
}

function arr(o: Record<string, Json>, key: string, source: string, record: string): Json[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(source, record, key, `expected an array, got ${describeValue(v)}`);
  return v;
}

function str(o: Record<string, Json>, key: string, source: string, record: string): string {
  const v = o[key];
  if (typeof v !== "string" || v === "") fail(source, record, key, `expected a non-empty string, got ${describeValue(v)}`);
  return v;
}

/** A whole number in [0, max], from a decimal string or a safe JSON integer. */
export function uint(v: Json, source: string, record: string, field: string, max: bigint): bigint {
  let x: bigint;
  if (typeof v === "string" && /^[0-9]+$/.test(v)) x = BigInt(v);
  else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) x = BigInt(v);
  else if (typeof v === "bigint" && v >= 0n) x = v;
  else fail(source, record, field, `expected a whole number >= 0 (a decimal string), got ${describeValue(v)}`);
  if (x > max) fail(source, record, field, `${x} exceeds ${max}`);
  return x;
}

function small(o: Record<string, Json>, key: string, source: string, record: string, max: number): number {
  return Number(uint(o[key], source, record, key, BigInt(max)));
}

function bool(o: Record<string, Json>, key: string, source: string, record: string): boolean {
  const v = o[key];
  if (typeof v !== "boolean") fail(source, record, key, `expected true or false, got ${describeValue(v)}`);
  return v;
}

/** Parses and validates a lending book's JSON text; errors name the file, the record and the field. */
export function parseAaveBook(text: string, source = "book"): AaveBook {
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BookError(source, "", `not JSON: ${(e as Error).message}`);
  }
  return aaveBookFromJson(raw, source);
}

export function aaveBookFromJson(raw: Json, source = "book"): AaveBook {
  const o = obj(raw, source, "book");
  if (o.venue !== "aave-v3") fail(source, "book", "venue", `expected "aave-v3", got ${describeValue(o.venue)}`);
  const version = o.version;
  if (version !== "3.0" && version !== "3.3") fail(source, "book", "version", `expected "3.0" or "3.3", got ${describeValue(version)}`);
  const L = AAVE_LIMITS;
  const timestamp = o.timestamp === undefined ? undefined : uint(o.timestamp, source, "book", "timestamp", (1n << 40n) - 1n);
  const rawReserves = arr(o, "reserves", source, "book");
  if (rawReserves.length > L.reserves) fail(source, "book", "reserves", `${rawReserves.length} reserves; a pool holds at most ${L.reserves}`);
  const index = new Map<string, number>();
  const reserves: AaveReserve[] = rawReserves.map((rv, i) => {
    const rec = `reserve ${i}`;
    const r = obj(rv, source, rec);
    const id = str(r, "id", source, rec);
    const name = `reserve ${JSON.stringify(id)}`;
    if (index.has(id)) fail(source, name, "id", "appears twice");
    index.set(id, i);
    const bps = (k: string) => uint(r[k], source, name, k, L.bps);
    const reserve: AaveReserve = {
      id,
      decimals: small(r, "decimals", source, name, L.decimals),
      price: uint(r.price, source, name, "price", L.price),
      ltv: bps("ltv"),
      liquidationThreshold: bps("liquidationThreshold"),
      liquidationBonus: bps("liquidationBonus"),
      liquidationProtocolFee: bps("liquidationProtocolFee"),
      reserveFactor: bps("reserveFactor"),
      liquidityIndex: uint(r.liquidityIndex, source, name, "liquidityIndex", L.index),
      variableBorrowIndex: uint(r.variableBorrowIndex, source, name, "variableBorrowIndex", L.index),
      ...(r.active === undefined ? {} : { active: bool(r, "active", source, name) }),
      ...(r.paused === undefined ? {} : { paused: bool(r, "paused", source, name) }),
      ...(r.liquidationGracePeriodUntil === undefined ? {} : { liquidationGracePeriodUntil: uint(r.liquidationGracePeriodUntil, source, name, "liquidationGracePeriodUntil", (1n << 40n) - 1n) }),
    };
    if (reserve.liquidationGracePeriodUntil !== undefined && version === "3.0") fail(source, name, "liquidationGracePeriodUntil", "the grace period came with v3.1; a 3.0 book has none");
    if ((reserve.liquidationGracePeriodUntil ?? 0n) !== 0n && timestamp === undefined) fail(source, name, "liquidationGracePeriodUntil", "a grace period needs the book's \"timestamp\" (the block time the calls are checked at)");
    if (reserve.ltv > reserve.liquidationThreshold) fail(source, name, "ltv", `${reserve.ltv} above the liquidation threshold ${reserve.liquidationThreshold}`);
    if (reserve.liquidationThreshold !== 0n && reserve.liquidationBonus <= 10000n) fail(source, name, "liquidationBonus", `${reserve.liquidationBonus}: a collateral's bonus is above 10000 (100 %)`);
    if (reserve.liquidationProtocolFee > 10000n) fail(source, name, "liquidationProtocolFee", `${reserve.liquidationProtocolFee} above 10000 (100 %)`);
    if (reserve.reserveFactor > 10000n) fail(source, name, "reserveFactor", `${reserve.reserveFactor} above 10000 (100 %)`);
    if (reserve.price === 0n) fail(source, name, "price", "0: the oracle never returns a zero price (the pool reverts)");
    return reserve;
  });
  const seenModes = new Set<number>();
  const eModes: AaveEMode[] = (o.eModes === undefined ? [] : arr(o, "eModes", source, "book")).map((ev, i) => {
    const e = obj(ev, source, `eMode ${i}`);
    const id = small(e, "id", source, `eMode ${i}`, 255);
    const name = `eMode ${id}`;
    if (id === 0) fail(source, `eMode ${i}`, "id", "0 is no e-mode; categories are 1..255");
    if (seenModes.has(id)) fail(source, name, "id", "appears twice");
    seenModes.add(id);
    const collateral = arr(e, "collateral", source, name).map((c, j) => {
      const k = typeof c === "string" ? index.get(c) : undefined;
      if (k === undefined) fail(source, name, `collateral[${j}]`, `${describeValue(c)} is not a reserve of the book`);
      return k;
    });
    const mode: AaveEMode = {
      id,
      ltv: uint(e.ltv, source, name, "ltv", L.bps),
      liquidationThreshold: uint(e.liquidationThreshold, source, name, "liquidationThreshold", L.bps),
      liquidationBonus: uint(e.liquidationBonus, source, name, "liquidationBonus", L.bps),
      collateral,
      ...(e.price === undefined ? {} : { price: uint(e.price, source, name, "price", L.price) }),
    };
    if (mode.price !== undefined && version === "3.3") fail(source, name, "price", "e-mode price sources were removed in v3.2; a 3.3 book has none");
    if (mode.price === 0n) fail(source, name, "price", "0: leave it out for no price source");
    if (mode.liquidationBonus <= 10000n) fail(source, name, "liquidationBonus", `${mode.liquidationBonus}: a bonus is above 10000 (100 %)`);
    return mode;
  });
  const users: AaveUser[] = arr(o, "users", source, "book").map((uv, i) => {
    const u = obj(uv, source, `user ${i}`);
    const id = str(u, "id", source, `user ${i}`);
    const name = `user ${JSON.stringify(id)}`;
    const eMode = small(u, "eMode", source, name, 255);
    if (eMode !== 0 && !seenModes.has(eMode)) fail(source, name, "eMode", `${eMode} is not a category of the book's eModes`);
    const held = new Set<number>();
    const entries = arr(u, "reserves", source, name).map((rv, j) => {
      const rec = `${name} reserve ${j}`;
      const r = obj(rv, source, rec);
      const rid = str(r, "reserve", source, rec);
      const k = index.get(rid);
      if (k === undefined) fail(source, rec, "reserve", `${JSON.stringify(rid)} is not a reserve of the book`);
      if (held.has(k)) fail(source, rec, "reserve", `${JSON.stringify(rid)} appears twice for this user`);
      held.add(k);
      const stable = r.stableDebt === undefined ? 0n : uint(r.stableDebt, source, rec, "stableDebt", L.balance);
      if (stable !== 0n && version === "3.3") fail(source, rec, "stableDebt", "v3.3 has no stable debt");
      return {
        reserve: k,
        scaledATokenBalance: uint(r.scaledATokenBalance, source, rec, "scaledATokenBalance", L.balance),
        usageAsCollateralEnabled: bool(r, "collateral", source, rec),
        scaledVariableDebt: uint(r.scaledVariableDebt, source, rec, "scaledVariableDebt", L.balance),
        stableDebt: stable,
      };
    });
    return { id, eMode, reserves: entries };
  });
  return { venue: "aave-v3", version, ...(timestamp === undefined ? {} : { timestamp }), reserves, eModes, users };
}

/** The lending book as JSON text (integers as decimal strings), the shape parseAaveBook reads. */
export function stringifyAaveBook(book: AaveBook): string {
  const s = (v: bigint) => v.toString();
  return JSON.stringify({
    venue: "aave-v3",
    version: book.version,
    ...(book.timestamp === undefined ? {} : { timestamp: s(book.timestamp) }),
    reserves: book.reserves.map((r) => ({
      id: r.id, decimals: r.decimals, price: s(r.price), ltv: s(r.ltv), liquidationThreshold: s(r.liquidationThreshold),
      liquidationBonus: s(r.liquidationBonus), liquidationProtocolFee: s(r.liquidationProtocolFee), reserveFactor: s(r.reserveFactor),
      liquidityIndex: s(r.liquidityIndex), variableBorrowIndex: s(r.variableBorrowIndex),
      ...(r.active === undefined ? {} : { active: r.active }), ...(r.paused === undefined ? {} : { paused: r.paused }),
      ...(r.liquidationGracePeriodUntil === undefined ? {} : { liquidationGracePeriodUntil: s(r.liquidationGracePeriodUntil) }),
    })),
    eModes: book.eModes.map((e) => ({
      id: e.id, ltv: s(e.ltv), liquidationThreshold: s(e.liquidationThreshold), liquidationBonus: s(e.liquidationBonus),
      ...(e.price === undefined ? {} : { price: s(e.price) }),
      collateral: e.collateral.map((k) => book.reserves[k]!.id),
    })),
    users: book.users.map((u) => ({
      id: u.id, eMode: u.eMode,
      reserves: u.reserves.map((r) => ({
        reserve: book.reserves[r.reserve]!.id, scaledATokenBalance: s(r.scaledATokenBalance), collateral: r.usageAsCollateralEnabled,
        scaledVariableDebt: s(r.scaledVariableDebt), ...(r.stableDebt === 0n ? {} : { stableDebt: s(r.stableDebt) }),
      })),
    })),
  }, null, 1) + "\n";
}

/** True when JSON text (already parsed) is a lending book rather than a perp book. */
export function isAaveBookJson(raw: unknown): boolean {
  return raw !== null && typeof raw === "object" && (raw as { venue?: unknown }).venue === "aave-v3";
}
