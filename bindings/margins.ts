/**
 * Initial margin and free collateral of one account at the scanned marks, under the book's venue
 * (reference/venues/: a generic tier's imr, a venue position's leverage). Both engines compute them
 * here, on demand, from their input columns: a risk engine reads them for the accounts it shows,
 * not on every scan, so they cost the scan nothing.
 */
import type { Asset, Balance, BookColumns, Market, VenueName } from "../book/types.js";
import { balancesOf } from "../book/columns.js";
import { tierIndex, venueNotional } from "../reference/position.js";
import { venueRules } from "../reference/venues/index.js";

/** What a venue's steps read of an account: each position's notional, size, market, price and entry, its quote collateral and balances. */
export interface PositionsOf {
  notionals: bigint[]; sizes: bigint[]; markets: Market[]; prices: bigint[];
  entries?: bigint[]; collateral?: bigint; balances?: Balance[]; assets?: readonly Asset[];
}

/** Each position's notional, size, market and price at the scanned marks, in the account's order (what a venue's steps read). */
export function positionsOf(venue: VenueName, markets: readonly Market[], marks: (m: number) => bigint, c: MarginColumns, a: number): PositionsOf {
  const out: PositionsOf = { notionals: notionalsOf(venue, markets, marks, c, a), sizes: [], markets: [], prices: [] };
  // The entries, the quote collateral and the balances, where the columns hold them (drift-v2's steps read them).
  if (c.positionEntry !== undefined) out.entries = [];
  if (c.collateral !== undefined) out.collateral = c.collateral[a]!;
  if (c.balanceStart !== undefined && c.assets !== undefined) {
    out.balances = balancesOf(c, a);
    out.assets = c.assets;
  }
  for (let p = c.positionStart[a]!; p < c.positionStart[a + 1]!; p++) {
    const m = c.positionMarket[p]!;
    out.entries?.push(c.positionEntry![p]!);
    out.sizes.push(c.positionSize[p]!);
    out.markets.push(markets[m]!);
    out.prices.push(marks(m));
  }
  return out;
}

/** Each position's notional at the scanned marks, in the account's order. */
export function notionalsOf(venue: VenueName, markets: readonly Market[], marks: (m: number) => bigint, c: MarginColumns, a: number): bigint[] {
  const rules = venueRules(venue);
  const out: bigint[] = [];
  for (let p = c.positionStart[a]!; p < c.positionStart[a + 1]!; p++) {
    const m = c.positionMarket[p]!;
    out.push(venueNotional(rules, markets[m]!, c.positionSize[p]!, marks(m)));
  }
  return out;
}

export type MarginColumns = Pick<BookColumns, "positionStart" | "positionMarket" | "positionSize" | "positionLeverage"> & Partial<Pick<BookColumns, "positionEntry" | "collateral" | "assets" | "balanceStart" | "balanceAsset" | "balanceAmount">>;

/** The sum of the positions' initial margins, or null when one of them has none (the book does not give it). */
export function initialMarginOf(venue: VenueName, markets: readonly Market[], marks: (m: number) => bigint, c: MarginColumns, a: number): bigint | null {
  const rules = venueRules(venue);
  // An account without positions needs no margin, where the book gives margins at all.
  if (c.positionStart[a] === c.positionStart[a + 1]) {
    const given = venue === "generic" ? markets.some((m) => m.tiers[0]?.imrPpm !== undefined) : venue === "dydx-v4" || c.positionLeverage !== undefined;
    return given ? 0n : null;
  }
  const first = c.positionStart[a]!;
  let sum = 0n;
  for (const [k, n] of notionalsOf(venue, markets, marks, c, a).entries()) {
    const m = c.positionMarket[first + k]!;
    const market = markets[m]!;
    const leverage = c.positionLeverage?.[first + k] ? BigInt(c.positionLeverage[first + k]!) : undefined;
    const im = rules.initialMargin(market, tierIndex(market, n), n, leverage, marks(m));
    if (im === null) return null;
    sum += im;
  }
  return sum;
}
