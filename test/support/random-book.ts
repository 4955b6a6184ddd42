/**
 * Random books for differential tests: realistic values most of the time, and the edges the
 * engines must agree on the rest of the time (values near 2^63, e < 0 markets, zero sizes, empty
 * accounts, equity exactly on the maintenance line, huge volatility scales).
 */
import type { Account, Book, Market, Position, Tier } from "../../book/types.js";
import { evaluateAccount, maintenance, notional, pnl } from "../../reference/index.js";

export const I64_MAX = (1n << 63n) - 1n;
export const I64_MIN = -(1n << 63n);

/** A small deterministic PRNG (xorshift128+ on BigInt-free 32-bit halves) so failures replay by seed. */
export class Rng {
  private a: number;
  private b: number;
  constructor(seed: number) {
    this.a = (seed ^ 0x9e3779b9) >>> 0 || 1;
    this.b = (Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 2;
  }
  u32(): number {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 ^= s1 << 11;
    s1 ^= s1 >>> 8;
    this.b = (s1 ^ s0 ^ (s0 >>> 19)) >>> 0;
    return this.b;
  }
  int(lo: number, hi: number): number {
    return lo + (this.u32() % (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  /** Uniform-ish bigint in [0, 2^bits). */
  bits(bits: number): bigint {
    let v = 0n;
    for (let got = 0; got < bits; got += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(bits)) - 1n);
  }
  /** A non-negative value of a random magnitude: small, realistic or near the top of i64. */
  magnitude(): bigint {
    const r = this.u32() % 10;
    if (r < 5) return this.bits(this.int(1, 40));
    if (r < 8) return this.bits(this.int(1, 62));
    return I64_MAX - this.bits(this.int(0, 20));
  }
}

function randomTiers(rng: Rng, extreme: boolean): Tier[] {
  const count = rng.int(1, 4);
  const tiers: Tier[] = [];
  let bound = 0n;
  let mmr = BigInt(rng.int(0, 20_000));
  for (let j = 0; j < count; j++) {
    const last = j === count - 1;
    bound += 1n + (extreme && rng.chance(0.3) ? rng.bits(62) / BigInt(count) : rng.bits(rng.int(20, 45)));
    if (bound > I64_MAX) bound = I64_MAX - BigInt(count - j);
    tiers.push({ maxNotional: last ? null : bound, mmrPpm: mmr });
    mmr += BigInt(rng.int(0, extreme ? 400_000 : 20_000));
    if (mmr > 1_000_000n) mmr = 1_000_000n;
  }
  return tiers;
}

export function randomMarket(rng: Rng, index: number, extreme: boolean): Market {
  const sizeDecimals = rng.int(0, 18);
  const priceDecimals = rng.int(0, Math.min(18, 24 - sizeDecimals));
  const market: Market = {
    id: `M${index}`,
    sizeDecimals,
    priceDecimals,
    markPrice: extreme ? rng.magnitude() : BigInt(rng.int(1, 2_000_000_000)),
    tiers: randomTiers(rng, extreme),
    liquidationFeePpm: BigInt(rng.chance(0.1) ? rng.int(0, 1_000_000) : rng.int(0, 20_000)),
    ...(rng.chance(0.5) ? {
      volatility: extreme && rng.chance(0.3)
        ? { currentPpm: 10_000_000n, referencePpm: 100n }
        : { currentPpm: BigInt(rng.int(100, 10_000_000)), referencePpm: BigInt(rng.int(100, 10_000_000)) },
    } : {}),
    ...(rng.chance(0.5) ? {
      impact: { depth: extreme ? (rng.magnitude() || 1n) : 1n + rng.bits(rng.int(1, 50)), maxSlippagePpm: BigInt(rng.int(0, 1_000_000)) },
    } : {}),
  };
  return market;
}

function randomPosition(rng: Rng, market: number, m: Market, extreme: boolean): Position {
  let size: bigint;
  if (rng.chance(0.05)) size = 0n;
  else if (extreme) size = rng.chance(0.5) ? rng.magnitude() : -rng.magnitude();
  else size = BigInt(rng.int(1, 1_000_000_000)) * (rng.chance(0.5) ? 1n : -1n);
  if (size < I64_MIN) size = I64_MIN;
  const mark = m.markPrice;
  let entryPrice: bigint;
  if (extreme && rng.chance(0.5)) entryPrice = rng.magnitude();
  else {
    // within +-20 % of the mark
    const spread = mark / 5n + 1n;
    entryPrice = mark + (rng.bits(40) % (2n * spread)) - spread;
    if (entryPrice < 0n) entryPrice = 0n;
    if (entryPrice > I64_MAX) entryPrice = I64_MAX;
  }
  return { market, size, entryPrice };
}

/** equity - maintenance of an account at the book's marks, exact (no 64-bit limit). */
function margin(book: Pick<Book, "markets">, account: Account): bigint {
  let equity = account.collateral;
  let required = 0n;
  for (const p of account.positions) {
    const m = book.markets[p.market]!;
    equity += pnl(m, p.size, p.entryPrice, m.markPrice);
    required += maintenance(m, notional(m, p.size, m.markPrice));
  }
  return equity - required;
}

export interface RandomBookOptions {
  readonly accounts: number;
  readonly markets?: number;
  /** Share of values drawn from the extreme ranges (0..1). */
  readonly extreme?: number;
}

export function randomBook(rng: Rng, options: RandomBookOptions): Book {
  const extremeShare = options.extreme ?? 0.2;
  const marketCount = options.markets ?? rng.int(1, 6);
  const markets = Array.from({ length: marketCount }, (_, i) => randomMarket(rng, i, rng.chance(extremeShare)));
  const accounts: Account[] = [];
  for (let a = 0; a < options.accounts; a++) {
    const extreme = rng.chance(extremeShare);
    const held = new Set<number>();
    const count = rng.chance(0.05) ? 0 : rng.int(1, Math.min(4, marketCount));
    const positions: Position[] = [];
    while (positions.length < count) {
      const m = rng.int(0, marketCount - 1);
      if (held.has(m)) continue;
      held.add(m);
      positions.push(randomPosition(rng, m, markets[m]!, extreme));
    }
    let collateral = extreme ? (rng.chance(0.5) ? rng.magnitude() : -rng.magnitude()) : BigInt(rng.int(-1_000_000, 2_000_000_000));
    let account: Account = { id: `a${a}`, collateral, positions };
    // Put some accounts exactly on the line, or one unit either side of it.
    if (rng.chance(0.25)) {
      const shifted = collateral - margin({ markets }, account) + BigInt(rng.int(-1, 1));
      if (shifted >= I64_MIN && shifted <= I64_MAX) {
        collateral = shifted;
        account = { ...account, collateral };
      }
    }
    accounts.push(account);
  }
  return { liquidatorSharePpm: BigInt(rng.int(0, 1_000_000)), markets, accounts };
}

/**
 * A random book of a venue (docs/venues/): the generic generator's accounts over markets turned
 * into the venue's (binance-usdm: brackets on whole quote bounds with their continuous cum, no
 * volatility or impact; hyperliquid: tiers by max leverage, no fee), with a quarter of the
 * accounts moved onto their trigger line under the venue's own rules, or one unit either side.
 */
/**
 * A random venue book. `hedges` (binance-usdm only): the share of accounts given a hedge-mode pair,
 * the other side of one of their positions in its market (sometimes the same size), both labelled.
 */
export function randomVenueBook(rng: Rng, venue: "binance-usdm" | "hyperliquid" | "dydx-v4", options: RandomBookOptions & { readonly hedges?: number }): Book {
  const generic = randomBook(rng, options);
  const markets = generic.markets.map((m): Market => {
    const base = { id: m.id, sizeDecimals: m.sizeDecimals, priceDecimals: m.priceDecimals, markPrice: m.markPrice };
    if (venue === "dydx-v4") {
      // Realistic tiers (imf 2 % to 100 %, fraction 60 % or so) and the edges (0, 1 ppm, 100 %);
      // block limits from none to the chain's own (1,000 USDC, 10 %, 100,000 USDC) to tiny and huge.
      const ppm = () => (rng.chance(0.15) ? rng.pick([0n, 1n, 999_999n, 1_000_000n]) : BigInt(rng.int(20_000, 1_000_000)));
      const quote = () => rng.pick([0n, 1n, 1_000_000_000n, 100_000_000_000n, BigInt(rng.int(0, 2_000_000_000)), I64_MAX]);
      const lower = rng.pick([0n, 1_000_000n, BigInt(rng.int(0, 1_000_000_000_000))]);
      return {
        ...base,
        tiers: [{ maxNotional: null, mmrPpm: 0n, imrPpm: ppm(), maintenanceFractionPpm: rng.chance(0.5) ? 600_000n : ppm() }],
        liquidationFeePpm: rng.chance(0.5) ? 15_000n : ppm(),
        dydx: {
          stepBaseQuantums: rng.pick([1n, 10n, BigInt(rng.int(1, 1_000_000)), 1_000_000_000n]),
          openInterest: BigInt(rng.int(0, 2_000_000_000)),
          openInterestLowerCap: lower,
          openInterestUpperCap: rng.pick([0n, lower, lower + BigInt(rng.int(1, 2_000_000_000_000))]),
          minPositionNotionalLiquidated: quote(),
          maxPositionPortionLiquidatedPpm: rng.pick([1n, 100_000n, 1_000_000n, BigInt(rng.int(1, 1_000_000))]),
          subaccountMaxNotionalLiquidated: rng.pick([1n, 100_000_000_000n, I64_MAX, BigInt(rng.int(1, 2_000_000_000))]),
        },
      };
    }
    if (venue === "binance-usdm") {
      let cum = 0n;
      let prevBound = 0n;
      const tiers = m.tiers.map((t, j): Tier => {
        if (j > 0) cum += (prevBound * (t.mmrPpm - m.tiers[j - 1]!.mmrPpm)) / 1_000_000n;
        const bound = t.maxNotional === null ? null : (t.maxNotional / 1_000_000n + 1n) * 1_000_000n;
        const tier: Tier = { maxNotional: bound !== null && bound > prevBound ? bound : bound === null ? null : prevBound + 1_000_000n, mmrPpm: t.mmrPpm, cum, maxLeverage: BigInt(rng.int(1, 125)) };
        prevBound = tier.maxNotional ?? prevBound;
        return tier;
      });
      if (tiers.some((t) => t.maxNotional !== null && t.maxNotional > I64_MAX)) return { ...base, tiers: [{ maxNotional: null, mmrPpm: m.tiers[0]!.mmrPpm, cum: 0n }], liquidationFeePpm: m.liquidationFeePpm };
      return { ...base, tiers, liquidationFeePpm: m.liquidationFeePpm };
    }
    const leverages = [200n, 100n, 50n, 40n, 25n, 20n, 10n, 5n, 3n, 2n, 1n];
    let k = rng.int(0, 5);
    const tiers = m.tiers.map((t): Tier => {
      const tier: Tier = { maxNotional: t.maxNotional, mmrPpm: 0n, maxLeverage: leverages[k]! };
      k = Math.min(leverages.length - 1, k + rng.int(0, 2));
      return tier;
    });
    return { ...base, tiers, liquidationFeePpm: 0n };
  });
  const hedged = generic.accounts.map((account): Account => {
    const p = account.positions.findIndex((x) => x.size !== 0n && x.size !== I64_MIN);
    if (venue !== "binance-usdm" || p < 0 || !rng.chance(options.hedges ?? 0)) return account;
    const pos = account.positions[p]!;
    const magnitude = rng.chance(0.3) ? (pos.size < 0n ? -pos.size : pos.size) : rng.chance(0.8) ? BigInt(rng.int(1, 1_000_000_000)) : rng.bits(rng.int(1, 62)) + 1n;
    const size = pos.size > 0n ? -magnitude : magnitude;
    const other = randomPosition(rng, pos.market, markets[pos.market]!, rng.chance(0.1));
    const side = (s: bigint): "LONG" | "SHORT" => (s > 0n ? "LONG" : "SHORT");
    const positions = account.positions.map((x, k) => (k === p ? { ...x, side: side(x.size) } : x));
    positions.splice(rng.int(0, positions.length), 0, { market: pos.market, size, entryPrice: other.entryPrice, side: side(size) });
    return { ...account, positions };
  });
  const book: Book = { venue, liquidatorSharePpm: 0n, markets, accounts: hedged };
  const accounts = hedged.map((account, a) => {
    if (!rng.chance(0.25)) return account;
    const x = evaluateAccount(book, a);
    const slack = venue === "binance-usdm" ? 0n : -1n; // binance's line is equity = MM, hyperliquid's and dydx's equity = MM - 1
    const shifted = account.collateral - (x.equity - x.maintenance) + slack + BigInt(rng.int(-1, 1));
    return shifted >= I64_MIN && shifted <= I64_MAX ? { ...account, collateral: shifted } : account;
  });
  return { ...book, accounts };
}
