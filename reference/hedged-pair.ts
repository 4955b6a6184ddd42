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
import { ceilDiv, floorDiv, max, min, mod } from "./arith.js";
import { intersect, linearRange, pricesWithNotional } from "./price-ranges.js";
import { lineOf, maintenanceOnLines } from "./position.js";
import type { MaintenanceLines } from "./venues/rules.js";

/** The most prices of one band that the search evaluates one by one. */
export const MAX_BAND = 1n << 24n;

/** One leg of the pair: u = |s| * mul and c = u * entry (the venue's equity entry). */
export interface Leg {
  readonly u: bigint;
  readonly c: bigint;
}

interface Range {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** {x : lo <= s*x + t <= hi} intersected with [from, to], or null when empty (lo null = -infinity). */
function solveLinear(s: bigint, t: bigint, lo: bigint | null, hi: bigint, from: bigint, to: bigint): Range | null {
  return intersect(linearRange(s, t, lo, hi), { lo: from, hi: to }) as Range | null; // a finite `to`: hi is never null
}

/** Each tier's interval of prices x in [xMin, xMax] whose notional ceil(u*x/K) lies in it (u > 0). */
function tierPrices(lines: MaintenanceLines, u: bigint, K: bigint, xMin: bigint, xMax: bigint): (Range & { readonly tier: number })[] {
  const out: (Range & { readonly tier: number })[] = [];
  let nLo = 0n;
  lines.tiers.forEach((t, j) => {
    const x = pricesWithNotional({ lo: nLo, hi: t.maxNotional }, u, K, xMin, xMax);
    if (x !== null) out.push({ ...x, tier: j });
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
  const slope = Q * (long.u - short.u) - lineOf(lines, ceilDiv(long.u * mark, K)).slope * long.u - lineOf(lines, ceilDiv(short.u * mark, K)).slope * short.u;
  const upward = slope < 0n || (slope === 0n && long.u <= short.u); // a short: the least price at or above the mark
  const xMin = upward ? max(domainMin, mark) : domainMin;
  const xMax = upward ? domainMax : min(domainMax, mark);
  if (xMin > xMax) return null;
  // The two legs' tier intervals are increasing partitions of [xMin, xMax]: their intersections,
  // in increasing order, by one merge; then taken from the mark outward.
  const boxes: (Range & { readonly j: number; readonly k: number })[] = [];
  const ls = tierPrices(lines, long.u, K, xMin, xMax);
  const ss = tierPrices(lines, short.u, K, xMin, xMax);
  for (let i = 0, k = 0; i < ls.length && k < ss.length;) {
    const l = ls[i]!;
    const sh = ss[k]!;
    const lo = max(l.lo, sh.lo);
    const hi = min(l.hi, sh.hi);
    if (lo <= hi) boxes.push({ lo, hi, j: l.tier, k: sh.tier });
    if (l.hi < sh.hi) i++;
    else k++;
  }
  if (!upward) boxes.reverse();

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
      if (count > 0n) {
        const hit = walkBand(from, count, upward ? 1n : -1n, f, long, short, K, { R: L.slope, O: L.offset }, { R: S.slope, O: S.offset }, Q);
        if (hit !== undefined) found = hit;
        else {
          throw new RangeError(
            `market ${market.id}: the hedged pair's liquidation price lies among ${count} prices that its roundings decide (its net exposure is within rounding of zero); liqscan evaluates at most ${MAX_BAND} of them one by one`,
          );
        }
      }
    }
    if (found === null && strong !== null) found = upward ? strong.lo : strong.hi;
    if (found !== null && beats(found)) best = found;
  }
  return best;
}

/** Below 2^50: a sum of a few such values is an exact double. */
const SAFE = 2n ** 50n;

/**
 * The first of the prices from, from + dir, ... (count of them) with f(x) < 0, or null; undefined
 * when MAX_BAND prices pass without one. Inside one box (fixed lines R, O for each leg) the walk
 * keeps each rounding's remainder instead of dividing at every price: a value v(x) = alpha*x + beta
 * moves by d = alpha*dir per step, so with r = v mod m, floor(v/m) moves by floor(d/m) plus a carry
 * when r + (d mod m) reaches m. f itself is small in the band (|f| < 4 + 2, the bound of the header),
 * so it is carried as a double, exact, as every remainder and step is when they are below 2^50
 * (else each price is evaluated with f, as exactly, more slowly).
 */
function walkBand(
  from: bigint, count: bigint, dir: bigint, f: (x: bigint) => bigint,
  long: Leg, short: Leg, K: bigint, lineL: { R: bigint; O: bigint }, lineS: { R: bigint; O: bigint }, Q: bigint,
): bigint | null | undefined {
  const n = count < MAX_BAND ? count : MAX_BAND;
  const fast = K < SAFE && Q < SAFE && long.u < SAFE && short.u < SAFE
    && lineL.R * (long.u / K + 1n) < SAFE && lineS.R * (short.u / K + 1n) < SAFE;
  if (!fast) {
    for (let x = from, i = 0n; i < n; i++, x += dir) if (f(x) < 0n) return x;
    return count > MAX_BAND ? undefined : null;
  }
  const x0 = from;
  // Remainders in a Float64Array (a captured mutable double would be boxed at every store).
  // 0, 1: the pnls, mod K; 2, 3: minus the notionals, mod K; 4, 5: minus the maintenances, mod Q.
  const modulus = new Float64Array([Number(K), Number(K), Number(K), Number(K), Number(Q), Number(Q)]);
  const r = new Float64Array([
    long.u * x0 - long.c, short.c - short.u * x0, -long.u * x0, -short.u * x0,
    lineL.O - lineL.R * ceilDiv(long.u * x0, K), lineS.O - lineS.R * ceilDiv(short.u * x0, K),
  ].map((v, i) => Number(mod(v, i < 4 ? K : Q))));
  /** Moves value i by d; returns the change of floor(value / modulus). */
  const step = (i: number, d: number): number => {
    const m = modulus[i]!;
    const dq = Math.floor(d / m);
    const next = r[i]! + (d - dq * m);
    if (next >= m) {
      r[i] = next - m;
      return dq + 1;
    }
    r[i] = next;
    return dq;
  };
  const d = Number(dir);
  const uL = Number(long.u) * d;
  const uS = Number(short.u) * d;
  const RL = Number(lineL.R);
  const RS = Number(lineS.R);
  let value = Number(f(x0));
  if (value < 0) return x0;
  const steps = Number(n); // <= 2^24: a double counts them exactly, and fast
  for (let i = 1; i < steps; i++) {
    // pnl: floor((uL x - cL)/K), floor((cS - uS x)/K); notionals: ceil(u x/K) = -floor(-u x/K);
    // maintenance: ceil((R n - O)/Q) = -floor((O - R n)/Q), so f gains floor's change of each.
    const dnL = -step(2, -uL);
    const dnS = -step(3, -uS);
    value += step(0, uL) + step(1, -uS) + step(4, -RL * dnL) + step(5, -RS * dnS);
    if (value < 0) return x0 + BigInt(i) * dir;
  }
  return count > MAX_BAND ? undefined : null;
}
