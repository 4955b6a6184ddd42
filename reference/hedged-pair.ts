/**
 * The liquidation price of a hedged pair: an account holding a long and a short position in one
 * market (Binance hedge mode), exact.
 *
 * Both legs move with the one mark x, so the account's margin at x carries two pnl roundings and
 * two maintenance roundings, whose remainders are two different residues of x: the one-position
 * search of ./liquidation-price.ts (one residue mod K) does not apply. This search bounds the
 * roundings instead and evaluates exactly where they can decide.
 *
 * Definition. The pair has one liquidation price, which both legs report, as on Binance's formula
 * (docs/venues/binance-usdm.md): the mark that the market must reach, moving from the current mark
 * in the direction in which the account's margin falls, for the account to be liquidatable (the
 * mark itself when it already is). The direction is the sign of the margin's slope at the mark,
 * which is Binance's denominator with the brackets at the mark: net size less maintenance rates,
 * (uL - uS) - (rL*uL + rS*uS). A positive slope makes the pair a long (the greatest liquidatable
 * price at or below the mark), otherwise it is a short (the least at or above it); a zero slope
 * follows the net size, a flat pair being a short. Every other mark is held fixed. Unlike a single
 * position's price the search stays on one side of the mark: a pair's maintenance grows with both
 * legs, so in the upper brackets it usually outgrows the net pnl, and the account is liquidatable
 * again at prices far above a long pair's mark; that is no price its holder can act on.
 * Notation as in ./liquidation-price.ts: u = |s| * mul, c = u * entry, K, and a leg's maintenance
 * m(n) = ceil((R_j * n - O_j) / Q) with R_j >= 0 on the tier j of its notional n = ceil(u * x / K).
 * With A the collateral and the other positions' (pnl - maintenance), less the trigger slack,
 *     f(x) = A + floor((uL*x - cL)/K) + floor((cS - uS*x)/K) - mL(ceil(uL*x/K)) - mS(ceil(uS*x/K))
 * and x is liquidatable iff f(x) < 0.
 *
 * Boxes. The two legs' tier intervals of x intersect in at most (tiersL + tiersS) boxes. In a box
 * (R, O fixed for each leg) drop the four roundings: Q*K*f(x) is at most and within W of
 *     G(x) = sigma * x + tau,   sigma = Q*(uL - uS) - RL*uL - RS*uS,
 *                               tau   = Q*K*A - Q*cL + Q*cS + K*(OL + OS),
 *     W = K * (4*Q + RL + RS)
 * (each floor and ceil moves its term by less than 1, and a notional's ceil moves its maintenance
 * by less than R/Q more), i.e. G(x) - W < Q*K*f(x) <= G(x). So in the box
 *   G(x) < 0       implies f(x) < 0: liquidatable (the strong interval);
 *   G(x) >= W      implies f(x) > 0: not liquidatable;
 *   0 <= G(x) < W  the band: f(x) is evaluated exactly, price by price.
 * G is linear, so the strong interval and the band are intervals of x, adjacent along the sign of
 * sigma. The greatest (long) / least (short) liquidatable price of a box is the first price with
 * f < 0 met walking the band from its outer end, or else the strong interval's end. Boxes are
 * taken from the outermost and a box that cannot beat the best price found is skipped.
 *
 * Cost. The band holds about W / |sigma| prices: a few for any pair whose net exposure is not
 * within rounding of zero (|sigma| ~ Q * |uL - uS| against W ~ 4 * Q * K), and up to about
 * 500 * K / u for a pair of equal legs at a maintenance rate of 0.4 %. A band is walked only where
 * it can hold the answer, and only until a liquidatable price is met; a walk that passes MAX_BAND
 * prices without meeting one is refused with an error that says so, rather than answered by
 * anything but the exact predicate.
 */
import type { Market } from "../book/types.js";
import { ceilDiv, floorDiv, max, min } from "./arith.js";
import { maintenanceOnLines } from "./position.js";
import type { MaintenanceLines } from "./venues/rules.js";

/** The most prices of one band that the search evaluates one by one. */
export const MAX_BAND = 1n << 20n;

/** One leg of the pair: u = |s| * mul and c = u * entry (the venue's equity entry). */
export interface Leg {
  readonly u: bigint;
  readonly c: bigint;
}

/** The line of the tier holding notional n. */
function lineAt(lines: MaintenanceLines, n: bigint): MaintenanceLines["tiers"][number] {
  return lines.tiers.find((t) => t.maxNotional === null || n <= t.maxNotional) ?? lines.tiers[lines.tiers.length - 1]!;
}

interface Range {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** {x : lo <= s*x + t <= hi} intersected with [from, to], or null when empty (lo null = -infinity). */
function solveLinear(s: bigint, t: bigint, lo: bigint | null, hi: bigint, from: bigint, to: bigint): Range | null {
  let a = from;
  let b = to;
  if (s === 0n) {
    if ((lo !== null && t < lo) || t > hi) return null;
  } else if (s > 0n) {
    if (lo !== null) a = max(a, ceilDiv(lo - t, s));
    b = min(b, floorDiv(hi - t, s));
  } else {
    a = max(a, ceilDiv(t - hi, -s));
    if (lo !== null) b = min(b, floorDiv(t - lo, -s));
  }
  return a > b ? null : { lo: a, hi: b };
}

/** Each tier's interval of prices x in [xMin, xMax] whose notional ceil(u*x/K) lies in it (u > 0). */
function tierPrices(lines: MaintenanceLines, u: bigint, K: bigint, xMin: bigint, xMax: bigint): (Range & { readonly tier: number })[] {
  const out: (Range & { readonly tier: number })[] = [];
  let nLo = 0n;
  lines.tiers.forEach((t, j) => {
    // ceil(u*x/K) >= nLo  <=>  x >= floor((nLo-1)*K/u) + 1;  ceil(u*x/K) <= nHi  <=>  x <= floor(nHi*K/u)
    const lo = max(xMin, floorDiv((nLo - 1n) * K, u) + 1n);
    const hi = t.maxNotional === null ? xMax : min(xMax, floorDiv(t.maxNotional * K, u));
    if (lo <= hi) out.push({ lo, hi, tier: j });
    if (t.maxNotional !== null) nLo = t.maxNotional + 1n;
  });
  return out;
}

/**
 * The pair's liquidation price in [xMin, xMax] (see the header), or null when no price there is
 * liquidatable. `A` is the account's constant part, `lines` the market's maintenance lines (no
 * maintenance for a bankruptcy price), `mark` the market's current mark.
 */
export function hedgedPairPrice(
  market: Market,
  A: bigint,
  long: Leg,
  short: Leg,
  K: bigint,
  lines: MaintenanceLines,
  mark: bigint,
  domainMin: bigint,
  domainMax: bigint,
): bigint | null {
  const Q = lines.denominator;
  const f = (x: bigint): bigint =>
    A + floorDiv(long.u * x - long.c, K) + floorDiv(short.c - short.u * x, K)
    - maintenanceOnLines(lines, ceilDiv(long.u * x, K)) - maintenanceOnLines(lines, ceilDiv(short.u * x, K));
  const slope = Q * (long.u - short.u) - lineAt(lines, ceilDiv(long.u * mark, K)).slope * long.u - lineAt(lines, ceilDiv(short.u * mark, K)).slope * short.u;
  const upward = slope < 0n || (slope === 0n && long.u <= short.u); // a short: the least price at or above the mark
  const xMin = upward ? max(domainMin, mark) : domainMin;
  const xMax = upward ? domainMax : min(domainMax, mark);
  if (xMin > xMax) return null;
  const boxes: (Range & { readonly j: number; readonly k: number })[] = [];
  for (const l of tierPrices(lines, long.u, K, xMin, xMax)) {
    for (const s of tierPrices(lines, short.u, K, xMin, xMax)) {
      const lo = max(l.lo, s.lo);
      const hi = min(l.hi, s.hi);
      if (lo <= hi) boxes.push({ lo, hi, j: l.tier, k: s.tier });
    }
  }
  boxes.sort((a, b) => (upward ? (a.lo < b.lo ? -1 : 1) : a.hi > b.hi ? -1 : 1));

  let best: bigint | null = null;
  const beats = (x: bigint): boolean => best === null || (upward ? x < best : x > best);
  for (const box of boxes) {
    if (!beats(upward ? box.lo : box.hi)) continue;
    const L = lines.tiers[box.j]!;
    const S = lines.tiers[box.k]!;
    const sigma = Q * (long.u - short.u) - L.slope * long.u - S.slope * short.u;
    const tau = Q * K * A - Q * long.c + Q * short.c + K * (L.offset + S.offset);
    const W = K * (4n * Q + L.slope + S.slope);
    const strong = solveLinear(sigma, tau, null, -1n, box.lo, box.hi);
    const band = solveLinear(sigma, tau, 0n, W - 1n, box.lo, box.hi);
    // The band's prices beyond the strong interval's end (toward the outer side) can beat it,
    // and only those that beat the best price so far.
    let found: bigint | null = null;
    if (band !== null) {
      const from = upward ? band.lo : band.hi;
      let limit = strong === null ? (upward ? band.hi : band.lo) : upward ? min(band.hi, strong.lo - 1n) : max(band.lo, strong.hi + 1n);
      if (best !== null) limit = upward ? min(limit, best - 1n) : max(limit, best + 1n);
      const count = upward ? limit - from + 1n : from - limit + 1n;
      for (let x = from, i = 0n; i < count; i++, x = upward ? x + 1n : x - 1n) {
        if (i === MAX_BAND) {
          throw new RangeError(
            `market ${market.id}: the hedged pair's liquidation price lies among ${count} prices that its roundings decide (its net exposure is within rounding of zero); liqscan evaluates at most ${MAX_BAND} of them one by one`,
          );
        }
        if (f(x) < 0n) {
          found = x;
          break;
        }
      }
    }
    if (found === null && strong !== null) found = upward ? strong.lo : strong.hi;
    if (found !== null && beats(found)) best = found;
  }
  return best;
}
