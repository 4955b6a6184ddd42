/**
 * Liquidation price of one position (shared/spec/model.md, "Liquidation price"), exact.
 *
 * Definition: every other mark held fixed, for a long the greatest price x in [0, 2^63-1] at
 * which the account is liquidatable, for a short the least; null when there is none, and null for
 * a zero-size position (docs/decisions.md item 4). "Liquidatable" is the exact predicate with no
 * 64-bit limits (decisions.md item 3), so isLiquidatable() of ./account.ts is the oracle. A leg of
 * a hedged pair (the account also holds the market on the other side) is ./hedged-pair.ts's.
 *
 * The predicate is not monotone in x (rounding wiggles, convex tiers, and an effective margin
 * rate mmr*scale/10^12 that may reach or exceed 100 %), so this is not a binary search. It is an
 * exact description of the liquidatable set, tier by tier:
 *
 * Notation. u = |s| (size units; for e < 0 we use u*10^-e and K = 1, which is the same formulas
 * exactly), K = 10^e, c = u*p0 (p0 the entry as the venue's equity uses it: hyperliquid's is 0).
 * At price x the position has notional n(x) = ceil(u*x/K) and pnl q(x) = floor((u*x - c)/K) (long)
 * or floor((c - u*x)/K) (short). A = C + sum over the other positions of (pnl - maintenance), a
 * constant, less the venue's trigger slack (1 where liquidatable means equity <= maintenance).
 * The venue's lines (./venues/rules.ts) give tier j of n a slope R and an offset O over a
 * denominator Q (generic: R = S*mmr_j, O = S*cum_j, Q = 10^12 = ppm*ppm with S the volatility
 * scale): maintenance = ceil((R*n - O)/Q), and since A + q is an integer,
 *     liquidatable  <=>  A + q < ceil((R*n - O)/Q)  <=>  Q*(A + q) < R*n - O.
 * (Below, 10^12 stands for Q and S*cum_j for O.)
 *
 * Rounding remainder. Let r = (u*x) mod K. Splitting u*x = K*a + r and c = K*cq + cr:
 *   long:  q = n - ceil(c/K) - d,     d = 1 iff 1 <= r <= (cr - 1) mod K   (else 0)
 *   short: q = -n + floor(c/K) + 1 - d, d = 1 iff r = 0 or cr + 1 <= r <= K - 1
 * (the pnl and the notional round differently; their difference takes two adjacent values).
 * Substituting, in both cases
 *     liquidatable  <=>  D*n + B - 10^12*d < 0
 *   long:  D = 10^12 - R,      B = 10^12*(A - ceil(c/K)) + S*cum_j
 *   short: D = -(10^12 + R),   B = 10^12*(A + floor(c/K) + 1) + S*cum_j
 * so, inside tier j, a price x is liquidatable iff
 *   (strong) D*n(x) + B < 0, or
 *   (band)   0 <= D*n(x) + B < 10^12 and d(x) = 1 (a condition on r = u*x mod K only).
 * D*n + B is linear in n, so each of the two conditions holds on an interval of n (intersected with
 * the tier's notional range); since n(x) is nondecreasing in x, each is an interval of x. The
 * greatest (long) / least (short) liquidatable x of the tier is then the end of the strong interval
 * or the greatest / least x of the band interval whose remainder lies in d's residue ranges, found
 * by the O(log K) modular search of ./modsearch.ts. The tiers' x-intervals partition [0, 2^63-1],
 * so the answer is the max (long) / min (short) over tiers. Every step is an exact equivalence on
 * integers: no rounding, no sampling, O(tiers * log K) BigInt operations.
 */
import { accountCollateral } from "./assets.js";
import type { Book, Position } from "../book/types.js";
import { I64_MAX, abs, ceilDiv, floorDiv, max, min, mod } from "./arith.js";
import { linesOf, scaling, venueMaintenance, venueNotional, venuePnl } from "./position.js";
import { venueRules } from "./venues/index.js";
import { leastWithResidue } from "./modsearch.js";
import { intersect, linearRange, pricesWithNotional, type Interval } from "./price-ranges.js";
import { hedgedPairPrice, type Leg } from "./hedged-pair.js";

export interface LiquidationPriceOptions {
  /** For tests: restrict the search domain to [minPrice, maxPrice] (default [0, 2^63-1]). */
  readonly minPrice?: bigint;
  readonly maxPrice?: bigint;
  /**
   * The bankruptcy price instead: the same search on equity <= 0, no maintenance anywhere (for a
   * long the greatest price at which the account's equity is not positive, for a short the least).
   */
  readonly bankruptcy?: boolean;
}

/** Maintenance 0 at every notional: the lines of a bankruptcy search. */
const NO_MAINTENANCE = { denominator: 1n, tiers: [{ maxNotional: null, slope: 0n, offset: 0n }] } as const;

/**
 * Liquidation price of position `position` (index into the account's positions) of account
 * `account` (index into book.accounts), at `marks` (default: each market's markPrice; the mark of
 * the position's own market is ignored, it is the variable).
 */
export function liquidationPrice(
  book: Book,
  account: number,
  position: number,
  marks?: readonly bigint[],
  options?: LiquidationPriceOptions,
): bigint | null {
  const acct = book.accounts[account];
  if (acct === undefined) throw new RangeError(`no account at index ${account}`);
  const pos = acct.positions[position];
  if (pos === undefined) throw new RangeError(`account ${acct.id}: no position at index ${position}`);
  const market = book.markets[pos.market];
  if (market === undefined) throw new RangeError(`account ${acct.id}: unknown market index ${pos.market}`);
  const prices = marks ?? book.markets.map((m) => m.markPrice);
  if (prices.length !== book.markets.length) {
    throw new RangeError(`marks: expected ${book.markets.length} prices, got ${prices.length}`);
  }
  const xMin = max(0n, options?.minPrice ?? 0n);
  const xMax = min(I64_MAX, options?.maxPrice ?? I64_MAX);

  if (pos.size === 0n) return null; // decisions.md item 4
  if (xMin > xMax) return null;
  const own = venueRules(book.venue).ownAccount;
  if (own) return options?.bankruptcy ? null : own.liquidationPrice(book, acct, prices, xMin, xMax);

  // A = C + sum over the other positions of (pnl - maintenance), exact, less the venue's trigger
  // slack (equity <= maintenance is equity - 1 < maintenance: the same search on A - 1).
  const rules = venueRules(book.venue);
  const bankruptcy = options?.bankruptcy === true;
  let A = accountCollateral(book, acct).value - (bankruptcy ? 1n : rules.triggerSlack);
  let othersMaintenance = 0n;
  // The other side of a hedged pair (binance-usdm hedge mode) moves with this mark too.
  let partner: Position | null = null;
  acct.positions.forEach((other, k) => {
    if (k === position) return;
    if (other.market === pos.market && other.size !== 0n) {
      if (partner !== null || (other.size > 0n) === (pos.size > 0n)) {
        throw new RangeError(`account ${acct.id}: market ${market.id} is held by more than a long and a short (input error)`);
      }
      partner = other;
      return;
    }
    const m = book.markets[other.market];
    if (m === undefined) throw new RangeError(`account ${acct.id}: unknown market index ${other.market}`);
    const price = prices[other.market]!;
    const mm = bankruptcy ? 0n : venueMaintenance(rules, m, venueNotional(rules, m, other.size, price), other.size);
    othersMaintenance += mm;
    A += venuePnl(rules, m, other.size, other.entryPrice, price) - mm;
  });
  // A venue with its own valuation (dydx-v4) searches its own way (./venues/rules.ts Valuation).
  if (rules.valuation) {
    return rules.valuation.liquidationPrice({ market, size: pos.size, entryPrice: pos.entryPrice, A, othersMaintained: othersMaintenance > 0n, xMin, xMax, bankruptcy });
  }

  const long = pos.size > 0n;
  const { mul, div: K } = scaling(market);
  const u = abs(pos.size) * mul; // e < 0: notional = u*x exactly, i.e. K = 1
  const c = u * rules.equityEntry(pos.entryPrice);
  const cr = mod(c, K);
  // maintenance = ceil((R_j * n - O_j) / Q) on the venue's lines (generic: R = S * mmr, O = S * cum, Q = 10^12).
  const lines = bankruptcy ? NO_MAINTENANCE : linesOf(rules, market);
  if (partner !== null) {
    const other: Position = partner;
    const leg = (p: Position): Leg => ({ u: abs(p.size) * mul, c: abs(p.size) * mul * rules.equityEntry(p.entryPrice) });
    return hedgedPairPrice(market, A, leg(long ? pos : other), leg(long ? other : pos), K, lines, prices[pos.market]!, xMin, xMax);
  }
  const Q = lines.denominator;

  // Residue ranges of r = u*x mod K on which d(x) = 1 (see the header), as non-wrapping [l, r].
  const residues: Array<readonly [bigint, bigint]> = [];
  if (long) {
    const rmax = mod(cr - 1n, K);
    if (rmax >= 1n) residues.push([1n, rmax]);
  } else {
    residues.push([0n, 0n]);
    if (cr + 1n <= K - 1n) residues.push([cr + 1n, K - 1n]);
  }

  /** Greatest (long) / least (short) x in [lo, hi] with u*x mod K in one of the residue ranges. */
  const extremeWithResidue = (iv: { lo: bigint; hi: bigint }): bigint | null => {
    let best: bigint | null = null;
    for (const [l, r] of residues) {
      if (long) {
        // x = hi - y, u*x = (-u)*y + u*hi: least y in [0, hi - lo].
        const y = leastWithResidue(-u, u * iv.hi, K, l, r, iv.hi - iv.lo);
        if (y !== null && (best === null || iv.hi - y > best)) best = iv.hi - y;
      } else {
        // x = lo + y, u*x = u*y + u*lo.
        const y = leastWithResidue(u, u * iv.lo, K, l, r, iv.hi - iv.lo);
        if (y !== null && (best === null || iv.lo + y < best)) best = iv.lo + y;
      }
    }
    return best;
  };

  let result: bigint | null = null;
  const consider = (x: bigint | null): void => {
    if (x === null) return;
    if (result === null || (long ? x > result : x < result)) result = x;
  };

  for (let j = 0; j < lines.tiers.length; j++) {
    const tier = lines.tiers[j]!;
    const prevBound = j === 0 ? null : lines.tiers[j - 1]!.maxNotional;
    if (j > 0 && prevBound === null) throw new RangeError(`market ${market.id}: only the last tier may omit maxNotional`);
    if (j === lines.tiers.length - 1 && tier.maxNotional !== null) {
      throw new RangeError(`market ${market.id}: the last tier must have no maxNotional`);
    }
    const tierN: Interval = { lo: prevBound === null ? 0n : prevBound + 1n, hi: tier.maxNotional };
    if (tierN.hi !== null && tierN.lo > tierN.hi) continue;

    const R = lines.tiers[j]!.slope;
    const O = lines.tiers[j]!.offset;
    const D = long ? Q - R : -(Q + R);
    const B = long
      ? Q * (A - ceilDiv(c, K)) + O
      : Q * (A + floorDiv(c, K) + 1n) + O;

    const strong = pricesWithNotional(intersect(linearRange(D, B, null, -1n), tierN), u, K, xMin, xMax);
    if (strong !== null) consider(long ? strong.hi : strong.lo);

    if (residues.length > 0) {
      const band = pricesWithNotional(intersect(linearRange(D, B, 0n, Q - 1n), tierN), u, K, xMin, xMax);
      if (band !== null) consider(extremeWithResidue(band));
    }
  }
  return result;
}
