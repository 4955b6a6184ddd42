/**
 * gmx-v2 books (docs/venues/gmx-v2.md): what a gmx-v2 market and account must hold
 * (book/validate.ts calls these). The core holds the factors in parts of 10^9 and each account is
 * one isolated GMX position (reference/venues/gmx-v2.ts).
 */
import { BookError, type RecordName } from "./errors.js";
import { I64_MAX } from "./decimal.js";
import type { Account, Asset, Market } from "./types.js";
import { MAX_TOKEN_SHIFT, gmxTokenDecimals, validateGmxWide } from "./gmx-wide.js";

/** A factor at FLOAT_PRECISION the core holds exactly: a multiple of 10^21 in [0, 10^30]. */
export const FACTOR_UNIT = 10n ** 21n;
const ONE = 10n ** 30n;
/** USD amounts of a market at 10^-30: what the contracts' uint256 holds. */
const U256 = (1n << 256n) - 1n;
/**
 * A side's open interest and pool worth at 10^-30 are below 2^192 (about $6.3 * 10^27): the bound
 * under which the core's 256-bit pool path is exact (assembly/venues/gmx-v2.ts, header).
 */
export const GMX_MARKET_LIMIT = 1n << 192n;
/**
 * A side's open interest in tokens (10^-tokenDecimals) is below 2^128 (the record's u128) and its
 * value at one price unit, n * 10^(30 - tokenDecimals - priceDecimals) at 10^-30, below 2^192: at a
 * price below 2^63 the side's value stays below 2^255 (assembly/venues/gmx-v2.ts, the pool path).
 */
export const GMX_TOKENS_LIMIT = 1n << 128n;

function label(r: RecordName): string {
  return typeof r === "function" ? r() : r;
}

function within(v: unknown, lo: bigint, hi: bigint, record: RecordName, field: string, range: string): bigint {
  if (typeof v !== "bigint") throw new BookError(label(record), field, `expected an integer, got ${typeof v}`);
  if (v < lo || v > hi) throw new BookError(label(record), field, `${v} is outside ${range}`);
  return v;
}

function factor(v: unknown, record: RecordName, field: string): void {
  const f = within(v, 0n, ONE, record, field, "[0, 10^30] (a GMX factor at FLOAT_PRECISION)");
  if (f % FACTOR_UNIT !== 0n) throw new BookError(label(record), field, `${f} is not a multiple of 10^21 (the core holds GMX factors in parts of 10^9)`);
}

export function validateGmxMarket(m: Market, record: RecordName): void {
  if (m.tiers.length !== 1) throw new BookError(label(record), "tiers", `a gmx-v2 market has one tier (minCollateralFactorForLiquidation's image), got ${m.tiers.length}`);
  const g = m.gmx as unknown as Record<string, unknown> | undefined;
  if (g === undefined || g === null || typeof g !== "object") throw new BookError(label(record), "gmx", "missing: a gmx-v2 market gives its gmx parameters");
  const keys = ["indexPriceSpread", "minCollateralFactorForLiquidation", "liquidationFeeFactor", "liquidationFeeReceiverFactor", "maxPositionImpactFactorForLiquidations", "minCollateralUsd", "long", "short", "tokenDecimals"];
  for (const k of Object.keys(g)) if (!keys.includes(k)) throw new BookError(label(record), `gmx.${k}`, "unknown field");
  within(g.indexPriceSpread, 0n, I64_MAX, record, "gmx.indexPriceSpread", "[0, 2^63 - 1] price units");
  if (m.markPrice + (g.indexPriceSpread as bigint) > I64_MAX) throw new BookError(label(record), "gmx.indexPriceSpread", "markPrice + indexPriceSpread (the index max price) passes 2^63 - 1");
  for (const f of ["minCollateralFactorForLiquidation", "liquidationFeeFactor", "liquidationFeeReceiverFactor", "maxPositionImpactFactorForLiquidations"]) factor(g[f], record, `gmx.${f}`);
  within(g.minCollateralUsd, 0n, U256, record, "gmx.minCollateralUsd", "[0, 2^256 - 1] (USD at 10^-30)");
  if (g.tokenDecimals !== undefined) {
    const td = g.tokenDecimals;
    if (typeof td !== "number" || !Number.isInteger(td)) throw new BookError(label(record), "gmx.tokenDecimals", `expected an integer, got ${typeof td === "number" ? td : typeof td}`);
    if (td > 18) throw new BookError(label(record), "gmx.tokenDecimals", `${td} passes 18 (a book's decimals, as the JSON form reads them)`);
    if (td < m.sizeDecimals || td > m.sizeDecimals + MAX_TOKEN_SHIFT) throw new BookError(label(record), "gmx.tokenDecimals", `${td} is outside [sizeDecimals ${m.sizeDecimals}, sizeDecimals + ${MAX_TOKEN_SHIFT}] (a size unit is at most 10^${MAX_TOKEN_SHIFT} token units, so every sizeInTokens stays below 2^127)`);
    if (td + m.priceDecimals > 30) throw new BookError(label(record), "gmx.tokenDecimals", `${td} + priceDecimals ${m.priceDecimals} passes 30 (a token unit's price must be a whole number of 10^-30 USD)`);
  }
  const tokenDecimals = gmxTokenDecimals(m as Market);
  const unitValue = 10n ** BigInt(Math.max(0, 30 - tokenDecimals - m.priceDecimals));
  for (const side of ["long", "short"] as const) {
    const s = g[side] as Record<string, unknown> | undefined;
    if (s === undefined || s === null || typeof s !== "object") throw new BookError(label(record), `gmx.${side}`, "missing: the side's pnl factor and pool");
    for (const k of Object.keys(s)) if (!["maxPnlFactorForTraders", "openInterestUsd", "openInterestInTokens", "poolUsd"].includes(k)) throw new BookError(label(record), `gmx.${side}.${k}`, "unknown field");
    factor(s.maxPnlFactorForTraders, record, `gmx.${side}.maxPnlFactorForTraders`);
    within(s.openInterestUsd, 0n, GMX_MARKET_LIMIT - 1n, record, `gmx.${side}.openInterestUsd`, "[0, 2^192 - 1] (USD at 10^-30, about $6.3 * 10^27: the core's 256-bit pool path bound)");
    const n = within(s.openInterestInTokens, 0n, GMX_TOKENS_LIMIT - 1n, record, `gmx.${side}.openInterestInTokens`, `[0, 2^128 - 1] (10^-${tokenDecimals} tokens)`);
    if (n * unitValue >= GMX_MARKET_LIMIT) throw new BookError(label(record), `gmx.${side}.openInterestInTokens`, `${n} (10^-${tokenDecimals} tokens) times 10^${30 - tokenDecimals - m.priceDecimals} (its value at one price unit, 10^-30 USD) reaches 2^192, the core's pool path bound`);
    within(s.poolUsd, 0n, GMX_MARKET_LIMIT - 1n, record, `gmx.${side}.poolUsd`, "[0, 2^192 - 1] (USD at 10^-30, about $6.3 * 10^27: the core's 256-bit pool path bound)");
  }
}

/** A gmx-v2 account is one isolated position: at most one position, at most one balance (its collateral token), sizeInUsd above 0. */
export function validateGmxAccount(acc: Account, record: RecordName, markets?: readonly Market[], assets?: readonly Asset[]): void {
  if (!Array.isArray(acc.positions)) return; // validate.ts names that error
  if (acc.positions.length > 1) throw new BookError(label(record), "positions", `a gmx-v2 account is one isolated GMX position, this one holds ${acc.positions.length}`);
  if ((acc.balances?.length ?? 0) > 1) throw new BookError(label(record), "balances", `a gmx-v2 account holds one balance, its position's collateral token; this one holds ${acc.balances!.length}`);
  const p = acc.positions[0];
  if (p !== undefined && p.size !== 0n && p.sizeInUsd30 === undefined && p.entryPrice <= 0n) throw new BookError(`${label(record)} position 1`, "entryPrice", `${p.entryPrice}: a gmx-v2 position's entry slot is its sizeInUsd (quote units), above 0`);
  if (typeof acc.collateral === "bigint" && acc.positions.every((q) => typeof q?.entryPrice === "bigint")) validateGmxWide(acc, label(record), markets, assets);
}

/** The amounts at 10^-30 (book/gmx-wide.ts) belong to gmx-v2 books. */
export function refuseGmxWide(acc: Account, venue: string, record: RecordName): void {
  if (Array.isArray(acc.balances)) acc.balances.forEach((b, i) => {
    if (b !== null && typeof b === "object" && (b as { tokenAmount?: unknown }).tokenAmount !== undefined) throw new BookError(`${label(record)} balance ${i + 1}`, "tokenAmount", `a ${venue} balance has no tokenAmount apart from its amount; it belongs to gmx-v2 books`);
  });
  if ((acc as { collateral30?: unknown }).collateral30 !== undefined) throw new BookError(label(record), "collateral30", `a ${venue} account has no collateral at 10^-30; it belongs to gmx-v2 books`);
  if (!Array.isArray(acc.positions)) return;
  acc.positions.forEach((p, i) => {
    if (p !== null && typeof p === "object" && (p as { sizeInUsd30?: unknown }).sizeInUsd30 !== undefined) throw new BookError(`${label(record)} position ${i + 1}`, "sizeInUsd30", `a ${venue} position has no sizeInUsd; it belongs to gmx-v2 books`);
    if (p !== null && typeof p === "object" && (p as { sizeInTokens?: unknown }).sizeInTokens !== undefined) throw new BookError(`${label(record)} position ${i + 1}`, "sizeInTokens", `a ${venue} position has no sizeInTokens apart from its size; it belongs to gmx-v2 books`);
  });
}
