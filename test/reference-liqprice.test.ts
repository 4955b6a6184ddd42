/**
 * The reference liquidation price (reference/liquidation-price.ts) against independent oracles:
 * - brute force over every price of small domains (the domain is the whole range by passing it as
 *   the optional [minPrice, maxPrice] of the search), with tiny K, random tiers including
 *   effective rates mmr*scale at, just below and above 100 %, longs and shorts, e < 0 markets;
 * - exact brute-force windows at realistic magnitudes (anywhere in [0, 2^63-1]);
 * - a branch-and-bound oracle over the whole range [0, 2^63-1] that uses only the exact
 *   predicate and the monotonicity of equity and maintenance in the price;
 * - the modular search helper against exhaustive enumeration.
 * The example book's six prices are asserted in test/reference.test.ts.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Account, Book, Market, Position, Tier, Volatility } from "../book/types.js";
import {
  I64_MAX,
  evaluateAccount,
  isLiquidatable,
  leastMultipleInRange,
  leastWithResidue,
  liquidationPrice,
  notional,
} from "../reference/index.js";

type G = fc.GeneratorValue;

const int = (g: G, min: number, max: number): number => g(fc.integer, { min, max });
const big = (g: G, min: bigint, max: bigint): bigint => g(fc.bigInt, { min, max });
const pick = <T>(g: G, xs: readonly T[]): T => xs[int(g, 0, xs.length - 1)]!;
/** A value in [0, 10^d] for a random number of digits d in [0, maxDigits]. */
const logUniform = (g: G, maxDigits: number): bigint => big(g, 0n, 10n ** BigInt(int(g, 0, maxDigits)));

function marksOf(book: Book): bigint[] {
  return book.markets.map((m) => m.markPrice);
}

function withMark(marks: readonly bigint[], market: number, x: bigint): bigint[] {
  const out = marks.slice();
  out[market] = x;
  return out;
}

/** Brute force: the greatest (long) / least (short) liquidatable price in [lo, hi], or null. */
function bruteForce(book: Book, account: number, position: number, marks: readonly bigint[], lo: bigint, hi: bigint): bigint | null {
  const pos = book.accounts[account]!.positions[position]!;
  if (pos.size === 0n) return null;
  const long = pos.size > 0n;
  for (let k = 0n; k <= hi - lo; k++) {
    const x = long ? hi - k : lo + k;
    if (isLiquidatable(book, account, withMark(marks, pos.market, x))) return x;
  }
  return null;
}

const BUDGET = Symbol("budget");

/**
 * Independent full-range oracle. For a fixed position, equity is monotone in its price (rising
 * for a long, falling for a short) and the account maintenance is nondecreasing (notional rises
 * with the price, maintenance rises with the notional). So on a price interval [x1, x2]:
 * equity >= maintenance everywhere if min(equity) >= max(maintenance), and equity < maintenance
 * everywhere if max(equity) < min(maintenance), the extremes being at the ends. Otherwise split,
 * the safe-side half first. Returns undefined when the node budget runs out.
 */
function branchAndBound(
  book: Book,
  account: number,
  position: number,
  marks: readonly bigint[],
  budget: number,
): bigint | null | undefined {
  const pos = book.accounts[account]!.positions[position]!;
  if (pos.size === 0n) return null;
  const long = pos.size > 0n;
  const at = (x: bigint) => evaluateAccount(book, account, withMark(marks, pos.market, x));
  let nodes = 0;
  const search = (x1: bigint, x2: bigint): bigint | null => {
    if (++nodes > budget) throw BUDGET;
    if (x2 - x1 <= 8n) return bruteForce(book, account, position, marks, x1, x2);
    const a = at(x1);
    const b = at(x2);
    const eqMin = long ? a.equity : b.equity;
    const eqMax = long ? b.equity : a.equity;
    if (eqMin >= b.maintenance) return null;
    if (eqMax < a.maintenance) return long ? x2 : x1;
    const mid = (x1 + x2) / 2n;
    return long ? search(mid + 1n, x2) ?? search(x1, mid) : search(x1, mid) ?? search(mid + 1n, x2);
  };
  try {
    return search(0n, I64_MAX);
  } catch (e) {
    if (e === BUDGET) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Random books.

/** Margin rates, sorted (non-decreasing), with 0, 100 % and the rates that make 100 % with a scale. */
function genRates(g: G, count: number): bigint[] {
  const rates: bigint[] = [];
  for (let j = 0; j < count; j++) {
    rates.push(
      pick(g, [
        () => 0n,
        () => 1_000_000n,
        () => 500_000n,
        () => 250_000n,
        () => 999_999n,
        () => 999_000n,
        () => 100n,
        () => big(g, 0n, 1_000_000n),
        () => big(g, 0n, 50_000n),
      ])(),
    );
  }
  return rates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function genVolatility(g: G): Volatility | undefined {
  return pick(g, [
    () => undefined,
    () => undefined,
    () => ({ currentPpm: 1_000_000n, referencePpm: 500_000n }), // scale 2: with mmr 0.5 -> 100 %
    () => ({ currentPpm: 4_000_000n, referencePpm: 1_000_000n }), // scale 4: with mmr 0.25 -> 100 %
    () => ({ currentPpm: 600_000n, referencePpm: 600_000n }),
    () => ({ currentPpm: 1_000_001n, referencePpm: 1_000_000n }), // just above 1 (rounds up)
    () => ({ currentPpm: 10_000_000n, referencePpm: 100n }), // the largest scale, 10^5
    () => ({ currentPpm: big(g, 100n, 10_000_000n), referencePpm: big(g, 100n, 10_000_000n) }),
  ])();
}

/** Tiers whose bounds are spread over [0, nTop] (distinct, increasing); the last has no bound. */
function genTiers(g: G, nTop: bigint): Tier[] {
  const count = int(g, 1, 4);
  const bounds = new Set<bigint>();
  while (bounds.size < count - 1) {
    bounds.add(pick(g, [() => big(g, 0n, nTop), () => logUniform(g, nTop.toString().length), () => 0n])());
  }
  const sorted = [...bounds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rates = genRates(g, count);
  return rates.map((mmrPpm, j) => ({ maxNotional: j < sorted.length ? sorted[j]! : null, mmrPpm }));
}

/** Decimals with e = sizeDecimals + priceDecimals - 6 in [eMin, eMax]. */
function genDecimals(g: G, eMin: number, eMax: number): { sizeDecimals: number; priceDecimals: number } {
  const e = int(g, eMin, eMax);
  const sizeDecimals = int(g, Math.max(0, e + 6 - 18), Math.min(18, e + 6));
  return { sizeDecimals, priceDecimals: e + 6 - sizeDecimals };
}

function genMarket(g: G, id: string, dec: { sizeDecimals: number; priceDecimals: number }, markPrice: bigint, nTop: bigint): Market {
  const volatility = genVolatility(g);
  const impact = int(g, 0, 2) === 0 ? { depth: big(g, 1n, 10n ** 15n), maxSlippagePpm: big(g, 0n, 1_000_000n) } : undefined;
  return {
    id,
    ...dec,
    markPrice,
    tiers: genTiers(g, nTop),
    liquidationFeePpm: big(g, 0n, 1_000_000n),
    ...(volatility ? { volatility } : {}),
    ...(impact ? { impact } : {}),
  };
}

/** Largest effective rate of a market, ceil(max mmr * scale / 10^12), at least 1. */
function maxRate(m: Market): bigint {
  const v = m.volatility;
  const scale = v ? (v.currentPpm * 1_000_000n + v.referencePpm - 1n) / v.referencePpm : 1_000_000n;
  const s = scale > 1_000_000n ? scale : 1_000_000n;
  const r = (m.tiers[m.tiers.length - 1]!.mmrPpm * s + 999_999_999_999n) / 1_000_000_000_000n;
  return r > 1n ? r : 1n;
}

/**
 * An account whose position 0 (market 0, non-zero size) is the one priced; maybe other positions
 * in markets 1 and 2 (one may have size zero). `priceTop` sets the scale of prices.
 */
function genBook(g: G, opts: { eMin: number; eMax: number; sizeMax: bigint; priceTop: bigint; otherMarkets: boolean }): Book {
  const dec = genDecimals(g, opts.eMin, opts.eMax);
  const magnitude = pick(g, [() => big(g, 1n, opts.sizeMax), () => big(g, 1n, 30n), () => 10n ** BigInt(int(g, 0, 6)) * big(g, 1n, 9n)])();
  const size = int(g, 0, 1) === 0 ? magnitude : -magnitude;
  const entryPrice = pick(g, [() => big(g, 0n, opts.priceTop), () => logUniform(g, opts.priceTop.toString().length)])();
  const scratch: Market = { id: "x", ...dec, markPrice: 0n, tiers: [{ maxNotional: null, mmrPpm: 0n }], liquidationFeePpm: 0n };
  const nTop = notional(scratch, size, opts.priceTop) + 10n;
  const m0 = genMarket(g, "M0", dec, big(g, 0n, opts.priceTop), nTop);
  const markets: Market[] = [m0];
  const positions: Position[] = [{ market: 0, size, entryPrice }];
  if (opts.otherMarkets) {
    for (let k = 1; k <= 2; k++) {
      if (int(g, 0, 2) === 0) continue;
      const d = genDecimals(g, -3, 4);
      const mark = logUniform(g, 6);
      const otherSize = int(g, 0, 4) === 0 ? 0n : big(g, -5000n, 5000n);
      const probe: Market = { id: "p", ...d, markPrice: mark, tiers: [{ maxNotional: null, mmrPpm: 0n }], liquidationFeePpm: 0n };
      markets.push(genMarket(g, `M${k}`, d, mark, notional(probe, otherSize, mark) * 2n + 10n));
      positions.push({ market: markets.length - 1, size: otherSize, entryPrice: logUniform(g, 6) });
    }
    // The priced position need not be first.
    if (positions.length > 1 && int(g, 0, 1) === 0) positions.reverse();
  }
  const span = nTop * pick(g, [1n, 2n, maxRate(m0) + 1n]);
  const collateral = pick(g, [() => big(g, -span, span), () => big(g, -span / 8n, span / 8n), () => big(g, -100n, 100n)])();
  const account: Account = { id: "acct", collateral, positions };
  return { liquidatorSharePpm: 500_000n, markets, accounts: [account] };
}

const pricedIndex = (book: Book): number => book.accounts[0]!.positions.findIndex((p) => p.market === 0);

// ---------------------------------------------------------------------------------------------

describe("modular search", () => {
  it("leastMultipleInRange matches enumeration for every small (a, m, l, r)", () => {
    for (let m = 1n; m <= 23n; m++) {
      for (let a = -3n; a <= m + 2n; a++) {
        for (let l = 0n; l < m; l++) {
          for (let r = l; r < m; r++) {
            let expected: bigint | null = null;
            for (let y = 0n; y < m; y++) {
              const v = (((a * y) % m) + m) % m;
              if (l <= v && v <= r) {
                expected = y;
                break;
              }
            }
            expect(leastMultipleInRange(a, m, l, r)).toBe(expected);
          }
        }
      }
    }
  });

  it("leastWithResidue matches enumeration (offsets, bounds, large moduli)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 400n }),
        fc.bigInt({ min: -1000n, max: 1000n }),
        fc.bigInt({ min: -1000n, max: 1000n }),
        fc.bigInt({ min: 0n, max: 400n }),
        fc.bigInt({ min: 0n, max: 400n }),
        fc.bigInt({ min: -1n, max: 900n }),
        (m, a, b, p, q, bound) => {
          const l = (p < q ? p : q) % m;
          const r = l + ((p > q ? p - q : q - p) % (m - l));
          let expected: bigint | null = null;
          for (let y = 0n; y <= bound; y++) {
            const v = (((a * y + b) % m) + m) % m;
            if (l <= v && v <= r) {
              expected = y;
              break;
            }
          }
          expect(leastWithResidue(a, b, m, l, r, bound)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("leastMultipleInRange on huge moduli returns a valid, minimal-looking solution quickly", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n, max: 10n ** 18n }), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.bigInt({ min: 0n, max: 1000n }), (m, a, l0, w) => {
        const l = l0 % m;
        const r = l + w < m ? l + w : m - 1n;
        const y = leastMultipleInRange(a, m, l, r);
        if (y === null) {
          // No solution: then a*y mod m is confined to multiples of gcd(a, m) none of which is in [l, r].
          let x = a % m;
          let n = m;
          while (x !== 0n) [x, n] = [n % x, x];
          for (let v = l; v <= r; v++) expect(v % n === 0n).toBe(false);
        } else {
          const v = (a * y) % m;
          expect(l <= v && v <= r).toBe(true);
          // No smaller solution among the first few candidates below it.
          for (let k = 1n; k <= 50n && y - k >= 0n; k++) {
            const u = (a * (y - k)) % m;
            expect(l <= u && u <= r).toBe(false);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("liquidation price: definition corner cases", () => {
  const base = (over: Partial<Market>): Market => ({
    id: "M",
    sizeDecimals: 3,
    priceDecimals: 3, // e = 0
    markPrice: 1000n,
    tiers: [{ maxNotional: null, mmrPpm: 100_000n }],
    liquidationFeePpm: 0n,
    ...over,
  });
  const one = (m: Market, collateral: bigint, size: bigint, entryPrice: bigint): Book => ({
    liquidatorSharePpm: 0n,
    markets: [m],
    accounts: [{ id: "a", collateral, positions: [{ market: 0, size, entryPrice }] }],
  });

  it("zero-size position: none (decisions.md item 4)", () => {
    expect(liquidationPrice(one(base({}), -5n, 0n, 100n), 0, 0)).toBeNull();
  });

  it("a simple long and a simple short, by hand", () => {
    // Long 1 at 1000, collateral 100, mmr 10 %, K = 1: equity 100 + x - 1000 < ceil(x / 10)
    // <=> x - 900 < ceil(x/10). x = 999: 99 < 100 yes; x = 1000: 100 < 100 no; x = 1001: 101 < 101 no.
    const b = one(base({}), 100n, 1n, 1000n);
    expect(liquidationPrice(b, 0, 0)).toBe(999n);
    // Short 1 at 1000, collateral 100: 100 + 1000 - x < ceil(x/10) <=> 1100 - x < ceil(x/10):
    // x = 1000: 100 < 100 no; x = 1001: 99 < 101 yes.
    expect(liquidationPrice(one(base({}), 100n, -1n, 1000n), 0, 0)).toBe(1001n);
  });

  it("a long with effective rate above 100 % is liquidatable again at high prices: 2^63 - 1", () => {
    // mmr 100 %, scale 2: maintenance = 2x, equity = 1000 + x - 100: liquidatable iff x > 900.
    const m = base({ tiers: [{ maxNotional: null, mmrPpm: 1_000_000n }], volatility: { currentPpm: 2_000_000n, referencePpm: 1_000_000n } });
    const b = one(m, 1000n, 1n, 100n);
    expect(liquidationPrice(b, 0, 0)).toBe(I64_MAX);
    expect(liquidationPrice(b, 0, 0, undefined, { maxPrice: 5000n })).toBe(5000n);
    expect(liquidationPrice(b, 0, 0, undefined, { maxPrice: 900n })).toBeNull();
    // A low tier at 1 %, then 100 % * 2 above notional 10^6: liquidatable at high prices only.
    const t = base({
      tiers: [{ maxNotional: 1_000_000n, mmrPpm: 10_000n }, { maxNotional: null, mmrPpm: 1_000_000n }],
      volatility: { currentPpm: 2_000_000n, referencePpm: 1_000_000n },
    });
    const bt = one(t, 1000n, 1n, 100n);
    expect(liquidationPrice(bt, 0, 0)).toBe(I64_MAX);
    // Just above the bound: W = 1000001*10^6 - 10^6*990000 = 10^6 * 10001, maintenance 2 * 10001 = 20002
    // < equity 1000 + 1000001 - 100: not liquidatable. It becomes liquidatable far above.
    expect(isLiquidatable(bt, 0, [1_000_001n])).toBe(false);
  });

  it("a long at exactly 100 % with K > 1: liquidatable exactly where the rounding remainders line up", () => {
    // e = 3 (K = 1000), mmr 100 %, no scale: maintenance = n = ceil(s*x/K),
    // pnl = floor((s*x - c)/K). With collateral ceil(c/K) the account is liquidatable iff
    // pnl + ceil(c/K) < n, i.e. iff 1 <= (s*x mod K) <= (c mod K) - 1.
    const m = base({ sizeDecimals: 4, priceDecimals: 5, tiers: [{ maxNotional: null, mmrPpm: 1_000_000n }] });
    const s = 7n;
    const p0 = 123n; // c = 861, c mod K = 861
    const b = one(m, 1n, s, p0); // ceil(861/1000) = 1
    const P = liquidationPrice(b, 0, 0)!;
    expect(P).not.toBeNull();
    const r = (x: bigint) => (s * x) % 1000n;
    expect(r(P) >= 1n && r(P) <= 860n).toBe(true);
    expect(isLiquidatable(b, 0, [P])).toBe(true);
    for (let x = P + 1n; x <= I64_MAX && x <= P + 2000n; x++) {
      expect(r(x) >= 1n && r(x) <= 860n).toBe(false);
      expect(isLiquidatable(b, 0, [x])).toBe(false);
    }
    // 7 * (2^63 - 1) mod 1000 = 649 qualifies, so P is 2^63 - 1 itself.
    expect(P).toBe(I64_MAX);
    // With c mod K = 1 the residue range is empty: never liquidatable at any price.
    const b1 = one(m, 1n, 1n, 1n); // c = 1, ceil(1/1000) = 1, range [1, 0]
    expect(liquidationPrice(b1, 0, 0)).toBeNull();
  });

  it("a short is liquidatable at price 0 when the account is already under water there", () => {
    // Short 1 at 100, collateral -101: equity at 0 = -101 + 100 = -1 < 0 = maintenance.
    expect(liquidationPrice(one(base({}), -101n, -1n, 100n), 0, 0)).toBe(0n);
    // A long under water at every price up to the top: 2^63 - 1.
    const never = base({ tiers: [{ maxNotional: null, mmrPpm: 0n }] });
    expect(liquidationPrice(one(never, -(1n << 80n), 1n, 0n), 0, 0)).toBe(I64_MAX);
  });

  it("none when no price in [0, 2^63-1] is liquidatable", () => {
    // A long with enough collateral to survive a fall to 0.
    expect(liquidationPrice(one(base({}), 1000n, 1n, 1000n), 0, 0)).toBeNull();
    // A short whose loss at 2^63 - 1 stays below its collateral: tiny size (e = 4), huge collateral.
    const m = base({ sizeDecimals: 5, priceDecimals: 5, tiers: [{ maxNotional: null, mmrPpm: 0n }] });
    expect(liquidationPrice(one(m, 10n ** 18n, -1n, 0n), 0, 0)).toBeNull();
    // With 10^14: equity 10^14 - ceil(x / 10^4) < 0 <=> x > 10^18.
    expect(liquidationPrice(one(m, 10n ** 14n, -1n, 0n), 0, 0)).toBe(10n ** 18n + 1n);
  });

  it("the predicate ignores 64-bit overflow (decisions.md item 3)", () => {
    // A short priced where its notional overflows: still found.
    const m = base({ sizeDecimals: 0, priceDecimals: 0, tiers: [{ maxNotional: null, mmrPpm: 0n }] }); // e = -6
    const b = one(m, I64_MAX, -1_000_000n, 0n); // loss 10^12 quote units per price unit
    const P = liquidationPrice(b, 0, 0)!;
    // equity = (2^63-1) - 10^12 * x < 0 <=> x > (2^63-1)/10^12 -> x = 9223373.
    expect(P).toBe(9_223_373n);
    expect(isLiquidatable(b, 0, [P])).toBe(true);
  });

  it("rejects two positions in the priced market (an input error)", () => {
    const b: Book = {
      liquidatorSharePpm: 0n,
      markets: [base({})],
      accounts: [{ id: "a", collateral: 0n, positions: [{ market: 0, size: 1n, entryPrice: 1n }, { market: 0, size: 1n, entryPrice: 1n }] }],
    };
    expect(() => liquidationPrice(b, 0, 0)).toThrow();
  });
});

describe("liquidation price: brute force over small domains", () => {
  it("equals the greatest (long) / least (short) liquidatable price of [lo, hi], every price checked", () => {
    let found = 0;
    let none = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const top = BigInt(int(g, 50, 1500));
        const book = genBook(g, { eMin: -3, eMax: 4, sizeMax: 3000n, priceTop: top, otherMarkets: true });
        const pi = pricedIndex(book);
        const marks = marksOf(book);
        const [lo, hi] = pick(g, [() => [0n, top], () => [0n, top], () => [big(g, 0n, top), top], () => [0n, big(g, 0n, top)]])();
        const expected = bruteForce(book, 0, pi, marks, lo, hi);
        expected === null ? none++ : found++;
        expect(liquidationPrice(book, 0, pi, marks, { minPrice: lo, maxPrice: hi })).toBe(expected);
      }),
      { numRuns: 1500 },
    );
    // The generator must exercise both outcomes.
    expect(found).toBeGreaterThan(300);
    expect(none).toBeGreaterThan(100);
  });

  it("effective rates at, just below and just above 100 % with K up to 10^4 (wide residue bands)", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const e = int(g, 0, 4);
        const K = 10n ** BigInt(e);
        const top = BigInt(int(g, 100, 1500));
        const s = pick(g, [() => big(g, 1n, 3n * K), () => big(g, 1n, 20n)])() * (int(g, 0, 1) === 0 ? 1n : -1n);
        const p0 = big(g, 0n, top);
        // mmr * scale / 10^12 in {100 %, 100 % - 1 ppm, 100 % + 1 ppm-ish, 99.9 %}.
        const [mmrPpm, volatility] = pick(g, [
          [1_000_000n, undefined],
          [999_999n, undefined],
          [999_000n, undefined],
          [500_000n, { currentPpm: 1_000_000n, referencePpm: 500_000n }],
          [1_000_000n, { currentPpm: 1_000_001n, referencePpm: 1_000_000n }],
          [250_000n, { currentPpm: 4_000_000n, referencePpm: 1_000_000n }],
        ] as Array<[bigint, Volatility | undefined]>);
        const tiers: Tier[] =
          int(g, 0, 1) === 0
            ? [{ maxNotional: null, mmrPpm }]
            : [{ maxNotional: big(g, 0n, (s < 0n ? -s : s) * top / K + 1n), mmrPpm: big(g, 0n, mmrPpm) }, { maxNotional: null, mmrPpm }];
        const market: Market = {
          id: "M",
          sizeDecimals: e + 3,
          priceDecimals: 3,
          markPrice: 0n,
          tiers,
          liquidationFeePpm: 0n,
          ...(volatility ? { volatility } : {}),
        };
        // Collateral near ceil(c/K) (the long's break-even at 100 %) or random.
        const c = (s < 0n ? -s : s) * p0;
        const collateral = pick(g, [() => (c + K - 1n) / K + big(g, -2n, 2n), () => -(c / K) + big(g, -3n, 3n), () => big(g, -5000n, 5000n)])();
        const book: Book = { liquidatorSharePpm: 0n, markets: [market], accounts: [{ id: "a", collateral, positions: [{ market: 0, size: s, entryPrice: p0 }] }] };
        const expected = bruteForce(book, 0, 0, [0n], 0n, top);
        expect(liquidationPrice(book, 0, 0, [0n], { maxPrice: top })).toBe(expected);
      }),
      { numRuns: 1500 },
    );
  });
});

/** x^-1 mod m (gcd(x, m) = 1). */
function modInverse(x: bigint, m: bigint): bigint {
  let [a, b, u0, u1] = [((x % m) + m) % m, m, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [u0, u1] = [u1, u0 - q * u1];
  }
  if (a !== 1n) throw new Error("not invertible");
  return ((u0 % m) + m) % m;
}

describe("liquidation price: exact edges of the rounding of maintenance", () => {
  // maintenance = ceil(R*n / 10^12): when R*n is one unit above (or at, or just below) a multiple of
  // 10^12 the account sits exactly on an edge of the predicate. Such notionals are rare at random,
  // so they are constructed: n = -t * R^-1 mod 10^12 for a target remainder t, and the collateral
  // is chosen so that the account is within one quote unit of the edge there.
  const E12 = 1_000_000_000_000n;

  it("the band's upper edge, by hand: R*n = 10^18 + 1", () => {
    // K = 10, size 1 unit, entry 5 (c mod K = 5): for a long the pnl is one unit lower when
    // s*x mod 10 is in [1, 4]. Scale 1.000001 and mmr 1 ppm: R = 1000001, and
    // n = 999999000001 gives R*n = 10^18 + 1, maintenance 10^6 + 1.
    const market: Market = {
      id: "M",
      sizeDecimals: 4,
      priceDecimals: 3, // e = 1
      markPrice: 0n,
      tiers: [{ maxNotional: null, mmrPpm: 1n }],
      liquidationFeePpm: 0n,
      volatility: { currentPpm: 1_000_001n, referencePpm: 1_000_000n },
    };
    const n = 999_999_000_001n;
    const collateral = 1_000_000n - n + 2n;
    const book: Book = { liquidatorSharePpm: 0n, markets: [market], accounts: [{ id: "a", collateral, positions: [{ market: 0, size: 1n, entryPrice: 5n }] }] };
    const lo = 10n * (n - 4n);
    const hi = 10n * (n + 4n);
    // Liquidatable in the notional blocks n - 1 and n only where the remainder is in [1, 4].
    expect(isLiquidatable(book, 0, [10n * (n - 1n) + 4n])).toBe(true);
    expect(isLiquidatable(book, 0, [10n * (n - 1n) + 5n])).toBe(false);
    expect(isLiquidatable(book, 0, [10n * (n - 1n) + 10n])).toBe(false);
    expect(bruteForce(book, 0, 0, [0n], lo, hi)).toBe(10n * (n - 1n) + 4n);
    expect(liquidationPrice(book, 0, 0, [0n], { minPrice: lo, maxPrice: hi })).toBe(10n * (n - 1n) + 4n);
  });

  it("random constructed edges, longs and shorts, agree with brute force around the edge", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const e = int(g, 0, 3);
        const K = 10n ** BigInt(e);
        const u = big(g, K / 20n > 0n ? K / 20n : 1n, 5n * K);
        const long = int(g, 0, 1) === 0;
        const p0 = big(g, 0n, 10n ** 6n);
        const coprime10 = (v: bigint) => v - (v % 10n) + pick(g, [1n, 3n, 7n, 9n]);
        const S = coprime10(big(g, 1_000_000n, 9_999_990n));
        const mmr = coprime10(big(g, 0n, 999_990n));
        const R = S * mmr;
        const t = pick(g, [E12 - 2n, E12 - 1n, 0n, 1n, 2n]);
        const n = mod0(-t * modInverse(R, E12), E12) + E12 * big(g, 0n, 3n) + (t === 0n ? E12 : 0n);
        const j = big(g, -1n, 1n); // D*n + B = t + j * 10^12
        const c = u * p0;
        const A = long
          ? (t + E12 * j + R * n) / E12 - n + (c + K - 1n) / K
          : (t + E12 * j + (E12 + R) * n) / E12 - c / K - 1n;
        const market: Market = {
          id: "M",
          sizeDecimals: e + 3,
          priceDecimals: 3,
          markPrice: 0n,
          tiers: [{ maxNotional: null, mmrPpm: mmr }],
          liquidationFeePpm: 0n,
          volatility: { currentPpm: S, referencePpm: 1_000_000n },
        };
        const book: Book = {
          liquidatorSharePpm: 0n,
          markets: [market],
          accounts: [{ id: "a", collateral: A, positions: [{ market: 0, size: long ? u : -u, entryPrice: p0 }] }],
        };
        const xc = (n * K) / u;
        const w = (3n * K) / u + 30n;
        const lo = xc - w > 0n ? xc - w : 0n;
        const hi = xc + w;
        const got = liquidationPrice(book, 0, 0, [0n], { minPrice: lo, maxPrice: hi });
        expect(got).toBe(bruteForce(book, 0, 0, [0n], lo, hi));
      }),
      { numRuns: 1500 },
    );
  });
});

function mod0(a: bigint, m: bigint): bigint {
  return ((a % m) + m) % m;
}

/** Realistic magnitudes: prices up to ~10^12 units, sizes up to 10^12, all the decimals. */
function genRealistic(g: G): Book {
  return genBook(g, {
    eMin: -6,
    eMax: 18,
    sizeMax: pick(g, [10n ** 6n, 10n ** 12n, 10n ** 18n]),
    priceTop: pick(g, [10n ** 4n, 10n ** 8n, 10n ** 12n, 10n ** 18n]),
    otherMarkets: true,
  });
}

describe("liquidation price: exact windows over the full range", () => {
  const W = 200n;

  it("the result is liquidatable, and no price within a window beyond it on the safe side is", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const book = genRealistic(g);
        const pi = pricedIndex(book);
        const marks = marksOf(book);
        const pos = book.accounts[0]!.positions[pi]!;
        const P = liquidationPrice(book, 0, pi, marks);
        if (P === null) return;
        expect(P >= 0n && P <= I64_MAX).toBe(true);
        expect(isLiquidatable(book, 0, withMark(marks, 0, P))).toBe(true);
        if (pos.size > 0n) {
          const hi = P + W < I64_MAX ? P + W : I64_MAX;
          if (P < hi) expect(bruteForce(book, 0, pi, marks, P + 1n, hi)).toBeNull();
        } else if (P > 0n) {
          expect(bruteForce(book, 0, pi, marks, P - W > 0n ? P - W : 0n, P - 1n)).toBeNull();
        }
      }),
      { numRuns: 400 },
    );
  });

  it("restricted to [0, X] (long) or [X, 2^63-1] (short), agrees with brute force on [X-W, X] / [X, X+W]", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const book = genRealistic(g);
        const pi = pricedIndex(book);
        const marks = marksOf(book);
        const pos = book.accounts[0]!.positions[pi]!;
        const long = pos.size > 0n;
        const P = liquidationPrice(book, 0, pi, marks);
        // Windows anywhere: near the answer, near the entry, near the top, near tier bounds, random.
        const m0 = book.markets[0]!;
        const u = pos.size < 0n ? -pos.size : pos.size;
        const e = m0.sizeDecimals + m0.priceDecimals - 6;
        const tierPrices = m0.tiers
          .filter((t) => t.maxNotional !== null)
          .map((t) => (e >= 0 ? (t.maxNotional! * 10n ** BigInt(e)) / u : t.maxNotional! / (u * 10n ** BigInt(-e))));
        const anchor = pick(g, [
          () => P ?? 0n,
          () => pos.entryPrice,
          () => I64_MAX,
          () => (tierPrices.length > 0 ? pick(g, tierPrices) : 0n),
          () => logUniform(g, 19),
        ])();
        let X = anchor + big(g, -W, W);
        if (X < 0n) X = 0n;
        if (X > I64_MAX) X = I64_MAX;
        if (long) {
          const got = liquidationPrice(book, 0, pi, marks, { maxPrice: X });
          const lo = X - W > 0n ? X - W : 0n;
          const brute = bruteForce(book, 0, pi, marks, lo, X);
          if (brute !== null) expect(got).toBe(brute);
          else expect(got === null || got < lo).toBe(true);
          if (P !== null && X >= P) expect(got).toBe(P);
        } else {
          const got = liquidationPrice(book, 0, pi, marks, { minPrice: X });
          const hi = X + W < I64_MAX ? X + W : I64_MAX;
          const brute = bruteForce(book, 0, pi, marks, X, hi);
          if (brute !== null) expect(got).toBe(brute);
          else expect(got === null || got > hi).toBe(true);
          if (P !== null && X <= P) expect(got).toBe(P);
        }
      }),
      { numRuns: 600 },
    );
  });

  it("equals an independent branch-and-bound search over all of [0, 2^63-1] whenever it terminates", () => {
    let verified = 0;
    let runs = 0;
    const kinds = { none: 0, zero: 0, top: 0, inner: 0 };
    fc.assert(
      fc.property(fc.gen(), (g) => {
        runs++;
        const book = pick(g, [
          () => genRealistic(g),
          () => genBook(g, { eMin: -3, eMax: 6, sizeMax: 10n ** 9n, priceTop: 10n ** 9n, otherMarkets: true }),
        ])();
        const pi = pricedIndex(book);
        const marks = marksOf(book);
        const oracle = branchAndBound(book, 0, pi, marks, 3000);
        if (oracle === undefined) return;
        verified++;
        const kind = oracle === null ? "none" : oracle === 0n ? "zero" : oracle === I64_MAX ? "top" : "inner";
        kinds[kind]++;
        expect(liquidationPrice(book, 0, pi, marks)).toBe(oracle);
      }),
      { numRuns: 300 },
    );
    expect(verified).toBeGreaterThan(runs / 2);
    // ...and it covers every kind of answer, mostly prices strictly inside the range.
    expect(kinds.inner).toBeGreaterThan(runs / 5);
    expect(Math.min(kinds.none, kinds.zero, kinds.top)).toBeGreaterThan(0);
  });
});

describe("liquidation price: speed", () => {
  it("well under a millisecond per position, including 100 % rates with K = 10^18", () => {
    const books: Book[] = [];
    fc.assert(
      fc.property(fc.gen(), (g) => {
        books.push(genRealistic(g));
      }),
      { numRuns: 500 },
    );
    const hard: Market = {
      id: "H",
      sizeDecimals: 12,
      priceDecimals: 12, // e = 18
      markPrice: 0n,
      tiers: [{ maxNotional: 10n ** 6n, mmrPpm: 1000n }, { maxNotional: null, mmrPpm: 1_000_000n }],
      liquidationFeePpm: 0n,
    };
    for (let k = 0n; k < 500n; k++) {
      const s = 123_456_789_012_345_678n * (k + 1n) + 7n;
      books.push({ liquidatorSharePpm: 0n, markets: [hard], accounts: [{ id: "h", collateral: 2n + k, positions: [{ market: 0, size: k % 2n === 0n ? s : -s, entryPrice: 987_654_321_987n + k }] }] });
    }
    const t0 = performance.now();
    for (const b of books) liquidationPrice(b, 0, pricedIndex(b), marksOf(b));
    const perPosition = (performance.now() - t0) / books.length;
    expect(perPosition).toBeLessThan(0.5);
  });
});
