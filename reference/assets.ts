/**
 * Collateral in several assets (docs/model.md, "Collateral in several assets"), exact, on BigInt:
 * the value an account's balances add to its quote collateral. The core states the same rule in
 * assembly/assets.ts.
 *
 * A balance b (10^-d units of the asset) at price P (10^-pd quote per unit) is worth b * P in
 * 10^-(d + pd) quote; with e = d + pd - 6 and K = 10^e as for a position (docs/model.md, "Units"):
 *
 *   b >= 0:  value = floor(b * P * w / (10^6 * K))        w: the maintenance (or initial) weight
 *   b <  0:  value = -ceil(|b| * P * lw / (10^6 * K))     lw: the liability weight
 *
 * One rounding per balance, toward the venue's solvency: a deposit never counts for more than it
 * is worth, a borrow never for less. The collateral value of an account is its quote collateral
 * plus the value of every balance.
 *
 * Overflow (docs/model.md, "Overflow"): the account is an overflow when a balance's unweighted
 * value floor(|b| * P / K) reaches 2^63 (as a position's notional would), or when its collateral
 * value leaves [-2^63 + 1, 2^63 - 1] (the core keeps -2^63 to say "does not fit"). The liquidation-price
 * search has no such limit (docs/decisions.md item 3): it takes the exact value.
 */
import type { Account, Asset, Book } from "../book/types.js";
import { venueRules } from "./venues/index.js";
import { I64_MAX, abs, ceilDiv, floorDiv, pow10 } from "./arith.js";

const PPM = 1_000_000n;

/** Which weight a deposit counts with: the maintenance one (equity, the scan) or the initial one (free collateral). */
export type WeightKind = "maintenance" | "initial";

/** The scale K of an asset as a rational: value units per 10^-(d + pd) quote, written num / den. */
function scale(asset: Asset): { num: bigint; den: bigint } {
  const e = asset.decimals + asset.priceDecimals - 6;
  return e >= 0 ? { num: 1n, den: pow10(e) } : { num: pow10(-e), den: 1n };
}

/** The weighted value of one balance at `price` (quote units), exact; `fits`: its unweighted value is below 2^63. */
export function balanceValue(asset: Asset, amount: bigint, price: bigint, kind: WeightKind = "maintenance"): { value: bigint; fits: boolean } {
  const { num, den } = scale(asset);
  const raw = abs(amount) * price * num;
  const fits = floorDiv(raw, den) <= I64_MAX;
  if (amount >= 0n) {
    const w = kind === "maintenance" ? asset.maintenanceWeightPpm : asset.initialWeightPpm;
    return { value: floorDiv(raw * w, PPM * den), fits };
  }
  return { value: -ceilDiv(raw * asset.liabilityWeightPpm, PPM * den), fits };
}

export type BalanceList = readonly { readonly asset: number; readonly amount: bigint }[];

/**
 * What an account's collateral is worth: quote collateral plus its balances' values, exact
 * (the liquidation-price search uses it unbounded), and whether it fits: every balance's
 * unweighted value below 2^63 and the sum in [-2^63 + 1, 2^63 - 1] (else the scan reports an overflow;
 * in a book that lists assets, so an account without balances whose collateral is -2^63 too).
 */
export function collateralValue(
  assets: readonly Asset[] | undefined, collateral: bigint, balances: BalanceList | undefined, kind: WeightKind = "maintenance",
): { value: bigint; fits: boolean } {
  let value = collateral, fits = true;
  // A book without assets is today's book: its collateral is any 64-bit value.
  if (!assets || assets.length === 0) return { value, fits };
  for (const b of balances ?? []) {
    const v = balanceValue(assets![b.asset]!, b.amount, assets![b.asset]!.price, kind);
    value += v.value;
    fits &&= v.fits;
  }
  return { value, fits: fits && value <= I64_MAX && value > -(I64_MAX + 1n) };
}

/** The book's assets at other prices (the prices a stress shock or a live tick gives them). */
export function assetsAt(assets: readonly Asset[], prices: readonly bigint[]): Asset[] {
  if (prices.length !== assets.length) throw new RangeError(`asset prices: expected ${assets.length}, got ${prices.length}`);
  return assets.map((a, i) => (a.price === prices[i] ? a : { ...a, price: prices[i]! }));
}

/** An account's collateral value under its book's venue (the venue's own valuation where it states one). */
export function accountCollateral(book: Book, acct: Account, kind: WeightKind = "maintenance"): { value: bigint; fits: boolean } {
  const rules = venueRules(book.venue);
  if (rules.collateralValue && book.assets && book.assets.length > 0) return rules.collateralValue(book.assets, acct.collateral, acct.balances, kind);
  return collateralValue(book.assets, acct.collateral, acct.balances, kind);
}

/** How much less an account's collateral counts at the initial weights than at the maintenance ones (free collateral takes it off). */
export function initialDiscount(book: Pick<Book, "venue" | "assets">, acct: Pick<Account, "collateral" | "balances">): bigint {
  if (!book.assets || book.assets.length === 0 || !acct.balances?.length) return 0n;
  return accountCollateral(book as Book, acct as Account).value - accountCollateral(book as Book, acct as Account, "initial").value;
}
