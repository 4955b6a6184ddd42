/**
 * The WebAssembly core's liquidation prices (assembly/liquidation-price.ts) against the BigInt
 * reference (reference/liquidation-price.ts), bit for bit: the example book of
 * shared/spec/model.md, random books around the maintenance line, and extreme values near 2^63.
 *
 * The books are loaded through the bindings (createEngine("wasm")), so a position the core marks
 * -2 ("needs the wide path") is completed by the wrapper with the reference; the raw core output
 * is also read back to count how often that fallback is taken.
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Account, Book, Market, Position, Tier } from "../book/types.js";
import { createEngine, type Engine, type LiveBook } from "../bindings/index.js";
import type { WasmBook } from "../bindings/wasm-book.js";
import {
  ceilDiv, evaluateAccount, floorDiv, leastMultipleInRange, leastWithResidue, liquidationPrice, scalePpm,
} from "../reference/index.js";

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const WIDE = -2n;

let wasm: Engine;
beforeAll(async () => {
  // LIQSCAN_WASM=path tests another build of the core (e.g. a deliberately broken one).
  const file = process.env.LIQSCAN_WASM;
  wasm = await createEngine("wasm", file ? { wasm: readFileSync(file) } : {});
});

/** The reference's prices, in the wrapper's encoding (-1 for none). */
function referencePrices(book: Book): bigint[] {
  const out: bigint[] = [];
  book.accounts.forEach((acct, a) => {
    acct.positions.forEach((_, i) => out.push(liquidationPrice(book, a, i) ?? -1n));
  });
  return out;
}

/** The core's raw output, before the wrapper prices the -2 markers with the reference. */
function rawCoreOutput(live: LiveBook): BigInt64Array {
  return (live as unknown as WasmBook).corePrices();
}

interface Compared {
  positions: number;
  wide: number;
  found: number;
}

/** Load into the wasm engine, compare every price with the reference, count the -2 markers. */
async function compare(book: Book): Promise<Compared> {
  const live = await wasm.load(book);
  try {
    const got = live.liquidationPrices();
    const raw = rawCoreOutput(live);
    const want = referencePrices(book);
    expect(got.length).toBe(want.length);
    let p = 0;
    const mismatches: string[] = [];
    book.accounts.forEach((acct, a) => {
      acct.positions.forEach((pos, i) => {
        if (got[p] !== want[p] && mismatches.length < 5) {
          mismatches.push(`account ${a} (${acct.id}) position ${i} market ${pos.market} size ${pos.size} entry ${pos.entryPrice}: wasm ${got[p]} (raw ${raw[p]}), reference ${want[p]}`);
        }
        // A value the core computed itself must already be exact.
        if (raw[p] !== WIDE && raw[p] !== want[p] && mismatches.length < 5) {
          mismatches.push(`raw core value differs at position ${p}: ${raw[p]} vs ${want[p]}`);
        }
        p++;
      });
    });
    if (mismatches.length > 0) {
      throw new Error(`liquidation price mismatches:\n${mismatches.join("\n")}\nbook: ${JSON.stringify(book, (_, v) => (typeof v === "bigint" ? `${v}` : v))}`.slice(0, 20_000));
    }
    let wide = 0, found = 0;
    for (let k = 0; k < raw.length; k++) {
      if (raw[k] === WIDE) wide++;
      if (want[k]! >= 0n) found++;
    }
    return { positions: raw.length, wide, found };
  } finally {
    live.dispose();
  }
}

// ---- the example book of model.md ------------------------------------------------------------

const BTC: Market = {
  id: "BTC-PERP", sizeDecimals: 8, priceDecimals: 2, markPrice: 6500050n,
  tiers: [
    { maxNotional: 50_000_000_000n, mmrPpm: 4000n },
    { maxNotional: 250_000_000_000n, mmrPpm: 5000n },
    { maxNotional: null, mmrPpm: 10_000n },
  ],
  liquidationFeePpm: 12_500n,
  volatility: { currentPpm: 800_000n, referencePpm: 600_000n },
  impact: { depth: 5_000_000_000_000n, maxSlippagePpm: 50_000n },
};
const ETH: Market = {
  id: "ETH-PERP", sizeDecimals: 3, priceDecimals: 2, markPrice: 340025n,
  tiers: [{ maxNotional: 10_000_000_000n, mmrPpm: 5000n }, { maxNotional: null, mmrPpm: 6500n }],
  liquidationFeePpm: 2000n,
};
const EXAMPLE: Book = {
  liquidatorSharePpm: 500_000n,
  markets: [BTC, ETH],
  accounts: [
    { id: "alice", collateral: 1_000_000_000n, positions: [{ market: 0, size: 50_000_000n, entryPrice: 6_400_000n }] },
    { id: "bob", collateral: 120_000_000n, positions: [{ market: 0, size: -10_000_000n, entryPrice: 6_400_000n }] },
    { id: "carol", collateral: 50_000_000n, positions: [{ market: 0, size: 20_000_000n, entryPrice: 7_000_000n }] },
    {
      id: "dave", collateral: 450_000_000n,
      positions: [{ market: 0, size: 5_000_000n, entryPrice: 6_600_000n }, { market: 1, size: -3500n, entryPrice: 330_000n }],
    },
    { id: "erin", collateral: 387_000_000n, positions: [{ market: 1, size: 12_000n, entryPrice: 342_000n }] },
  ],
};

describe("liquidation prices in the wasm core", () => {
  it("gives the example book's prices of model.md", async () => {
    const live = await wasm.load(EXAMPLE);
    const prices = live.liquidationPrices();
    expect([...prices]).toEqual([6233243n, 6485412n, 7012399n, 6561455n, 339159n, 340865n]);
    expect([...rawCoreOutput(live)]).toEqual([...prices]); // all in the core, no fallback
    live.dispose();
    await compare(EXAMPLE);
  });

  it("follows mark and collateral edits", async () => {
    const live = await wasm.load(EXAMPLE);
    live.setMarkPrice("ETH-PERP", 300_000n); // moves dave's BTC price (his ETH short gains)
    live.setCollateral(0, 10_000_000n);
    const book = live.toBook();
    expect([...live.liquidationPrices()]).toEqual(referencePrices(book));
    live.dispose();
  });

  it("agrees with the reference on at least 50,000 random positions near the maintenance line", async () => {
    const rng = new Rng(0x51ed);
    let positions = 0, wide = 0, found = 0, books = 0;
    while (positions < 50_000) {
      const r = await compare(randomBook(rng, { accounts: 150, extreme: false }));
      positions += r.positions;
      wide += r.wide;
      found += r.found;
      books++;
    }
    const fraction = wide / positions;
    console.log(`random realistic books: ${books} books, ${positions} positions, ${found} with a price, ${wide} fallbacks (${(100 * fraction).toFixed(4)} %)`);
    expect(found).toBeGreaterThan(positions / 2);
    expect(fraction).toBeLessThan(0.001);
  });

  it("agrees with the reference near tier bounds and with small K (wide bands, repeating residues)", async () => {
    const rng = new Rng(0xb0d);
    let positions = 0, wide = 0;
    for (let b = 0; b < 120; b++) {
      const r = await compare(randomBook(rng, { accounts: 80, extreme: false, smallK: b % 2 === 0, boundary: b % 4 < 3 }));
      positions += r.positions;
      wide += r.wide;
    }
    console.log(`tier-bound / small-K books: ${positions} positions, ${wide} fallbacks`);
    expect(wide).toBe(0);
  });

  it("agrees with the reference on extreme values near 2^63 (through the wide fallback where needed)", async () => {
    const rng = new Rng(0xe77e);
    let positions = 0, wide = 0;
    for (let b = 0; b < 60; b++) {
      const r = await compare(randomBook(rng, { accounts: 40, extreme: true }));
      positions += r.positions;
      wide += r.wide;
    }
    console.log(`extreme books: ${positions} positions, ${wide} fallbacks (${((100 * wide) / positions).toFixed(1)} %)`);
    expect(wide).toBeGreaterThan(0); // the fallback path is exercised
    expect(wide).toBeLessThan(positions); // and so is the core near the edges
  });

  it("handles hand-picked edges: 100 % margin rates, K = 10^18, e = -6, zero sizes and prices", async () => {
    const market = (over: Partial<Market>): Market => ({
      id: "M", sizeDecimals: 3, priceDecimals: 3, markPrice: 1000n, liquidationFeePpm: 0n,
      tiers: [{ maxNotional: null, mmrPpm: 10_000n }], ...over,
    });
    const markets: Market[] = [
      market({ id: "full", tiers: [{ maxNotional: 1_000_000n, mmrPpm: 10_000n }, { maxNotional: null, mmrPpm: 1_000_000n }] }),
      market({ id: "over", tiers: [{ maxNotional: null, mmrPpm: 600_000n }], volatility: { currentPpm: 2_000_000n, referencePpm: 1_000_000n } }),
      market({ id: "k18", sizeDecimals: 18, priceDecimals: 6, markPrice: 123_456_789n }),
      market({ id: "e-6", sizeDecimals: 0, priceDecimals: 0, markPrice: 7n, tiers: [{ maxNotional: 5n, mmrPpm: 0n }, { maxNotional: null, mmrPpm: 1_000_000n }] }),
      market({ id: "zero", markPrice: 0n }),
      market({ id: "maxvol", volatility: { currentPpm: 10_000_000n, referencePpm: 100n }, tiers: [{ maxNotional: 10n ** 12n, mmrPpm: 1n }, { maxNotional: null, mmrPpm: 1_000_000n }] }),
    ];
    const accounts: Account[] = [];
    const sizes = [1n, -1n, 0n, 7n, -7n, 1000n, -1000n, 123_456_789n, -987_654_321n, 10n ** 15n, -(10n ** 15n)];
    const entries = [0n, 1n, 999n, 1000n, 1001n, 123_456_789n, 10n ** 12n];
    const collaterals = [0n, 1n, -1n, 1000n, 1_000_000n, 10n ** 12n, -(10n ** 12n), I64_MAX, I64_MIN];
    let id = 0;
    for (let m = 0; m < markets.length; m++) {
      for (const size of sizes) {
        for (const entry of entries) {
          const collateral = collaterals[id % collaterals.length]!;
          accounts.push({ id: `a${id++}`, collateral, positions: [{ market: m, size, entryPrice: entry }] });
        }
      }
    }
    await compare({ liquidatorSharePpm: 0n, markets, accounts });
  });
});

// ---- random books -----------------------------------------------------------------------------

/** xorshift128+, enough for test data (deterministic per seed). */
class Rng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: number) {
    this.s0 = BigInt(seed) * 0x9e3779b97f4a7c15n & 0xffff_ffff_ffff_ffffn | 1n;
    this.s1 = BigInt(seed) * 0xbf58476d1ce4e5b9n & 0xffff_ffff_ffff_ffffn | 2n;
    for (let i = 0; i < 8; i++) this.next();
  }
  next(): bigint {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x ^= (x << 23n) & 0xffff_ffff_ffff_ffffn;
    this.s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (this.s1 + y) & 0xffff_ffff_ffff_ffffn;
  }
  /** Uniform in [0, n) for n <= 2^53. */
  int(n: number): number {
    return Number(this.next() % BigInt(n));
  }
  /** Uniform in [lo, hi]. */
  big(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    let r = 0n;
    for (let bits = 0n; (1n << bits) < span * 1024n; bits += 64n) r = (r << 64n) | this.next();
    return lo + (r % span);
  }
  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Log-uniform magnitude in [1, 10^digits]. */
  magnitude(digits: number): bigint {
    const d = this.int(digits + 1);
    return this.big(10n ** BigInt(Math.max(0, d - 1)), 10n ** BigInt(d));
  }
}

const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);

interface BookOptions {
  accounts: number;
  /** Sizes, prices, bounds and collateral near the 64-bit limits. */
  extreme: boolean;
  /** K = 10..1000 and sizes of 1..200 units: residues mod K repeat often, bands are wide. */
  smallK?: boolean;
  /** Collateral that puts the liquidation price right at a tier bound of one position. */
  boundary?: boolean;
}

function randomMarket(rng: Rng, i: number, options: BookOptions): Market {
  const { extreme } = options;
  // Decimals: mostly venue-like, with e < 0 (sd + pd < 6), e = 0 and large e.
  let sd: number, pd: number;
  const kind = rng.int(6);
  if (options.smallK) { sd = 4 + rng.int(3); pd = 3; } // e = 1..3
  else if (kind === 0) { sd = rng.int(3); pd = rng.int(6 - sd); } // e < 0
  else if (kind === 1) { sd = rng.int(7); pd = 6 - sd; } // e = 0
  else if (kind === 2) { sd = 6 + rng.int(13); pd = Math.min(18, 24 - sd) - rng.int(3); } // large e
  else { sd = rng.int(9); pd = 1 + rng.int(6); }
  const markPrice = extreme && rng.chance(0.4)
    ? I64_MAX - rng.big(0n, 10n ** BigInt(rng.int(19)))
    : options.smallK ? rng.big(1000n, 10_000_000n)
    : rng.chance(0.03) ? rng.big(0n, 2n) : rng.magnitude(extreme ? 18 : 12);

  const count = 1 + rng.int(4);
  const tiers: Tier[] = [];
  let bound = 0n;
  let mmr = rng.chance(0.2) ? 0n : rng.big(0n, 20_000n);
  for (let j = 0; j < count; j++) {
    if (j > 0) {
      const step = rng.chance(0.15) ? rng.big(0n, 1_000_000n - mmr) : rng.big(0n, (1_000_000n - mmr) / 20n);
      mmr += step;
    }
    if (j === count - 2 && rng.chance(0.15)) mmr = 1_000_000n; // exactly 100 % (times the scale)
    let maxNotional: bigint | null = null;
    if (j < count - 1) {
      const room = (extreme ? I64_MAX : options.smallK ? 10n ** 10n : 10n ** 16n) - bound;
      bound = bound + 1n + (rng.chance(0.5) ? rng.big(0n, room / 4n) : rng.magnitude(extreme ? 18 : 13) % room);
      if (extreme && j === count - 2 && rng.chance(0.3)) bound = I64_MAX - BigInt(count - 2 - j);
      maxNotional = bound;
    }
    tiers.push({ maxNotional, mmrPpm: mmr });
  }
  const m: Market = {
    id: `M${i}`, sizeDecimals: sd, priceDecimals: pd, markPrice, tiers,
    liquidationFeePpm: rng.big(0n, 20_000n),
  };
  const withVol = rng.chance(0.4);
  const volatility = withVol
    ? rng.chance(extreme ? 0.3 : 0.05)
      ? { currentPpm: 10_000_000n, referencePpm: rng.big(100n, 1000n) } // scale up to 10^11
      : { currentPpm: rng.big(100_000n, 3_000_000n), referencePpm: rng.big(100_000n, 1_500_000n) }
    : undefined;
  const impact = rng.chance(0.3) ? { depth: rng.big(1n, 10n ** 15n), maxSlippagePpm: rng.big(0n, 100_000n) } : undefined;
  return { ...m, ...(volatility ? { volatility } : {}), ...(impact ? { impact } : {}) };
}

/** A size whose notional at `price` is roughly `notional` quote units (at least 1 size unit). */
function sizeFor(market: Market, price: bigint, notional: bigint): bigint {
  const e = market.sizeDecimals + market.priceDecimals - 6;
  const p = price === 0n ? 1n : price;
  const s = e >= 0 ? (notional * 10n ** BigInt(e)) / p : notional / (p * 10n ** BigInt(-e));
  return clamp(s < 1n ? 1n : s, 1n, I64_MAX);
}

function randomBook(rng: Rng, options: BookOptions): Book {
  const { extreme } = options;
  const nm = 3 + rng.int(4);
  const markets = Array.from({ length: nm }, (_, i) => randomMarket(rng, i, options));
  const accounts: Account[] = [];
  for (let a = 0; a < options.accounts; a++) {
    const k = 1 + rng.int(4);
    const held = new Set<number>();
    const positions: Position[] = [];
    for (let i = 0; i < k && held.size < nm; i++) {
      let m = rng.int(nm);
      while (held.has(m)) m = (m + 1) % nm;
      held.add(m);
      const market = markets[m]!;
      const mark = market.markPrice;
      let size: bigint;
      let entryPrice: bigint;
      if (extreme && rng.chance(0.5)) {
        size = rng.pick([I64_MAX, I64_MIN, I64_MAX - rng.big(0n, 1000n), -rng.magnitude(18), rng.magnitude(18), 1n, -1n]);
        entryPrice = rng.pick([0n, I64_MAX, I64_MAX - rng.big(0n, 10n ** 9n), rng.magnitude(18), mark]);
      } else {
        const notional = rng.magnitude(extreme ? 17 : 11) * 1000n; // up to ~10^14 quote units (10^8 USD)
        size = options.smallK ? rng.big(1n, 200n) : sizeFor(market, mark, notional);
        size = rng.chance(0.05) ? 0n : size * (rng.chance(0.55) ? 1n : -1n);
        // Entry within about +-20 % of the mark, sometimes far away.
        const spread = rng.chance(0.1) ? mark : mark / 5n;
        entryPrice = clamp(mark + rng.big(-spread, spread), 0n, I64_MAX);
      }
      positions.push({ market: m, size, entryPrice });
    }
    const probe = { liquidatorSharePpm: 0n, markets, accounts: [{ id: "x", collateral: 0n, positions }] };
    let collateral: bigint;
    const open = positions.filter((p) => p.size !== 0n);
    if (options.boundary && open.length > 0) {
      // Put the line (equity = maintenance) within a few units of a tier bound of one position:
      // at the price x* where its notional reaches the bound, with the other marks unchanged.
      const pos = rng.pick(open);
      const market = markets[pos.market]!;
      const e = market.sizeDecimals + market.priceDecimals - 6;
      const u = (pos.size < 0n ? -pos.size : pos.size) * (e < 0 ? 10n ** BigInt(-e) : 1n);
      const K = e >= 0 ? 10n ** BigInt(e) : 1n;
      const bounds = market.tiers.map((t) => t.maxNotional).filter((b): b is bigint => b !== null);
      const bound = bounds.length > 0 ? rng.pick(bounds) : rng.magnitude(12);
      const xStar = clamp((bound * K) / u + rng.big(-2n, 2n), 0n, I64_MAX);
      const marks = markets.map((mk, i) => (i === pos.market ? xStar : mk.markPrice));
      const x = evaluateAccount(probe, 0, marks);
      collateral = x.maintenance - x.equity + rng.big(-3n, 3n);
    } else {
      // Collateral near the line: equity - maintenance within a few percent of the maintenance.
      const x = evaluateAccount(probe, 0);
      const line = x.maintenance - x.equity; // the collateral at which equity = maintenance
      const width = x.maintenance / 20n + 1n;
      collateral = extreme && rng.chance(0.3)
        ? rng.pick([I64_MAX, I64_MIN, 0n, rng.big(I64_MIN, I64_MAX)])
        : line + rng.big(-width, 3n * width);
    }
    accounts.push({ id: `a${a}`, collateral: clamp(collateral, I64_MIN, I64_MAX), positions });
  }
  return { liquidatorSharePpm: 500_000n, markets, accounts };
}

describe("random one-position-per-account books (property)", () => {
  it("prices books of random markets exactly", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const rng = new Rng(seed);
        await compare(randomBook(rng, { accounts: 20, extreme: rng.chance(0.2) }));
      }),
      { numRuns: 40 },
    );
  });

  it("scalePpm stays within the core's bound (< 2^37) for every valid volatility", () => {
    const worst = scalePpm({ ...ETH, volatility: { currentPpm: 10_000_000n, referencePpm: 100n } });
    expect(worst < 1n << 37n).toBe(true);
  });
});

// ---- the helpers of the core, against BigInt (build/testing.wasm, built by test/global-setup.ts) --

interface Helpers {
  testHi128(): bigint;
  testRem64(): bigint;
  testOverflow128(): number;
  testUdivU128(lo: bigint, hi: bigint, d: bigint): bigint;
  testFloorDivI128(lo: bigint, hi: bigint, d: bigint): bigint;
  testCeilDivI128(lo: bigint, hi: bigint, d: bigint): bigint;
  testMulU128U64(lo: bigint, hi: bigint, m: bigint): bigint;
  testMulI64U64(d: bigint, n: bigint): bigint;
  testLeastMultipleInRange(a: bigint, m: bigint, l: bigint, r: bigint): bigint;
  testLeastWithResidue(a: bigint, b: bigint, m: bigint, l: bigint, r: bigint, bound: bigint): bigint;
}

const U64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const words = (v: bigint) => [u64(v), u64(v >> 64n)] as const;
let h: Helpers;

describe("128-bit helpers (i128.ts) and the modular search (modsearch.ts)", () => {
  beforeAll(async () => {
    // LIQSCAN_TESTING_WASM=path tests another build of the helpers.
    const { instance } = await WebAssembly.instantiate(readFileSync(process.env.LIQSCAN_TESTING_WASM ?? "build/testing.wasm"), {});
    h = instance.exports as unknown as Helpers;
  });
  const result128 = (lo: bigint) => BigInt.asIntN(128, (u64(h.testHi128()) << 64n) | u64(lo));

  // Magnitudes around every threshold of the fast path (2^64, 2^110, quotients near 2^62).
  const magnitude = fc.oneof(
    fc.integer({ min: 0, max: 126 }).chain((bits) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) })),
    fc.constantFrom(0n, 1n, U64, 1n << 64n, (1n << 110n) - 1n, 1n << 110n, (1n << 126n) + 12345n, (1n << 127n) - 1n),
  );
  const divisor = fc.oneof(
    fc.integer({ min: 0, max: 64 }).chain((bits) => fc.bigInt({ min: 1n, max: (1n << BigInt(bits)) })),
    fc.constantFrom(1n, 3n, 10n, 10n ** 12n, 999_999_000_000n, (1n << 62n) - 1n, 1n << 62n, (1n << 63n) + 1n, U64),
  ).filter((d) => d >= 1n && d <= U64);

  it("udivU128: quotient and remainder of any unsigned 128-bit value", () => {
    fc.assert(fc.property(magnitude, fc.boolean(), divisor, (m, top, d) => {
      const n = top ? m | (1n << 127n) : m;
      const [lo, hi] = words(n);
      const q = h.testUdivU128(lo, hi, d);
      expect((u64(h.testHi128()) << 64n) | u64(q)).toBe(n / d);
      expect(u64(h.testRem64())).toBe(n % d);
    }), { numRuns: 30_000 });
  });

  it("floorDivI128 / ceilDivI128: exact for signed numerators (not -2^127)", () => {
    fc.assert(fc.property(magnitude, fc.boolean(), divisor, (m, negative, d) => {
      const n = negative ? -m : m;
      const [lo, hi] = words(n);
      const f = result128(h.testFloorDivI128(lo, hi, d));
      expect(f).toBe(floorDiv(n, d));
      expect(u64(h.testRem64())).toBe(n - f * d);
      expect(result128(h.testCeilDivI128(lo, hi, d))).toBe(ceilDiv(n, d));
    }), { numRuns: 30_000 });
  });

  it("mulU128U64 flags overflow and is exact otherwise; mulI64U64 is exact", () => {
    fc.assert(fc.property(magnitude, fc.boolean(), divisor, (m, top, k) => {
      const n = top ? m | (1n << 127n) : m;
      const [lo, hi] = words(n);
      const p = u64(h.testMulU128U64(lo, hi, k));
      const want = n * k;
      expect(h.testOverflow128() !== 0).toBe(want >= 1n << 128n);
      if (want < 1n << 128n) expect((u64(h.testHi128()) << 64n) | p).toBe(want);
    }), { numRuns: 20_000 });
    fc.assert(fc.property(fc.bigInt({ min: I64_MIN, max: I64_MAX }), fc.bigInt({ min: 0n, max: U64 }), (d, n) => {
      expect(result128(h.testMulI64U64(d, n))).toBe(d * n);
    }), { numRuns: 20_000 });
  });

  it("the modular search equals the reference's on random moduli up to 10^18 and 2^62", () => {
    const modulus = fc.oneof(
      fc.integer({ min: 0, max: 18 }).map((e) => 10n ** BigInt(e)),
      fc.bigInt({ min: 1n, max: 1n << 62n }),
      fc.bigInt({ min: 1n, max: 1000n }),
    );
    const NOT_FOUND = U64;
    fc.assert(fc.property(modulus, fc.bigInt({ min: 0n, max: 1n << 62n }), fc.bigInt({ min: 0n, max: 1n << 62n }),
      fc.bigInt({ min: 0n, max: 1n << 62n }), fc.bigInt({ min: 0n, max: 1n << 62n }), fc.bigInt({ min: 0n, max: U64 }),
      (m, aSeed, bSeed, x, y, bound) => {
        const a = aSeed % m, b = bSeed % m;
        let l = x % m, r = y % m;
        if (l > r) [l, r] = [r, l];
        if (m > 3n && x % 3n === 0n) r = l + ((r - l) % 4n); // narrow ranges need the recursion
        const want = leastMultipleInRange(a, m, l, r);
        expect(u64(h.testLeastMultipleInRange(a, m, l, r))).toBe(want ?? NOT_FOUND);
        const wantR = leastWithResidue(a, b, m, l, r, bound);
        expect(u64(h.testLeastWithResidue(a, b, m, l, r, bound))).toBe(wantR ?? NOT_FOUND);
      }), { numRuns: 30_000 });
  });
});
