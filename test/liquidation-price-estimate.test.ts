/**
 * The core's float estimate of a liquidation price (assembly/liquidation-price.ts estimatedPrice,
 * used where K = 1, i.e. e <= 0) proposes a price that exact 128-bit tests confirm or reject. The
 * estimate is almost always right, so the ordinary differential tests rarely see a rejection; here
 * a test build of the core (assembly/testing-book.ts, built by test/global-setup.ts) shifts every
 * estimate by a fixed number of prices, and the core's own answers (no WIDE marker, so nothing is
 * left to the BigInt reference) must stay the reference's: an estimate off by one, two or a
 * thousand units is rejected and the exact search answers. Books: e < 0, e = 0 (the estimate) and
 * e > 0 (the exact search's one-division strong interval), several tiers with positions whose
 * liquidation notional lies next to a tier bound, longs and shorts, one to three positions an
 * account, sizes up to 2^62.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Account, Book, Market, Position } from "../book/types.js";
import { createEngine, type Engine } from "../bindings/index.js";
import type { WasmBook } from "../bindings/wasm-book.js";
import { liquidationPrice } from "../reference/index.js";

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine("wasm", { wasm: readFileSync("build/testing-book.wasm") });
});

/** xorshift64*: deterministic random bigints. */
class Rng {
  private s: bigint;
  constructor(seed: number) { this.s = BigInt(seed) | 1n; }
  next(): bigint {
    let x = this.s;
    x ^= x >> 12n; x ^= (x << 25n) & 0xffffffffffffffffn; x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  }
  below(n: bigint): bigint { return this.next() % n; }
  int(lo: number, hi: number): number { return lo + Number(this.below(BigInt(hi - lo + 1))); }
}

const pow10 = (k: number) => 10n ** BigInt(k);

/** A market with e = sizeDecimals + priceDecimals - 6 and 1-4 tiers. */
function market(rng: Rng, i: number, e: number): Market {
  const sizeDecimals = rng.int(0, 8);
  const priceDecimals = Math.max(0, e + 6 - sizeDecimals);
  const tiers = [];
  let bound = pow10(rng.int(6, 12)) * BigInt(rng.int(1, 9));
  let mmr = BigInt(rng.int(1_000, 20_000));
  const count = rng.int(1, 4);
  for (let t = 0; t < count; t++) {
    tiers.push({ maxNotional: t === count - 1 ? null : bound, mmrPpm: mmr });
    bound *= BigInt(rng.int(2, 20));
    mmr += BigInt(rng.int(0, 30_000));
  }
  const m: Market = {
    id: `M${i}`, sizeDecimals, priceDecimals,
    markPrice: pow10(rng.int(1, 9)) * BigInt(rng.int(1, 99)),
    tiers, liquidationFeePpm: 5_000n,
    ...(rng.int(0, 2) === 0 ? { volatility: { currentPpm: BigInt(rng.int(300_000, 2_000_000)), referencePpm: 600_000n } } : {}),
  };
  return m;
}

function notionalOf(m: Market, size: bigint, price: bigint): bigint {
  const e = m.sizeDecimals + m.priceDecimals - 6;
  const raw = (size < 0n ? -size : size) * price;
  return e <= 0 ? raw * pow10(-e) : raw / pow10(e);
}

/** Accounts near the maintenance line, some with a liquidation notional next to a tier bound. */
function randomBook(rng: Rng, accounts: number): Book {
  const markets = [0, 1, 2, 3, 4, 5].map((i) => market(rng, i, [-3, -1, 0, 0, 1, 4][i]!));
  const list: Account[] = [];
  for (let a = 0; a < accounts; a++) {
    const count = rng.int(1, 3);
    const used = new Set<number>();
    const positions: Position[] = [];
    let notional = 0n;
    for (let k = 0; k < count; k++) {
      let mi = rng.int(0, markets.length - 1);
      while (used.has(mi)) mi = (mi + 1) % markets.length;
      used.add(mi);
      const m = markets[mi]!;
      const huge = rng.int(0, 15) === 0;
      const magnitude = huge ? pow10(rng.int(12, 18)) : pow10(rng.int(0, 8));
      let size = magnitude * BigInt(rng.int(1, 9));
      // Aim the notional at the mark just past a tier bound now and then.
      const bounds = m.tiers.map((t) => t.maxNotional).filter((b): b is bigint => b !== null);
      if (!huge && bounds.length > 0 && rng.int(0, 2) === 0) {
        const b = bounds[rng.int(0, bounds.length - 1)]!;
        const perUnit = notionalOf(m, 1n, m.markPrice);
        if (perUnit > 0n) size = b / perUnit + BigInt(rng.int(0, 2));
        if (size === 0n) size = 1n;
      }
      if (size > (1n << 62n)) size = 1n << 62n;
      if (rng.int(0, 1) === 0) size = -size;
      const spread = BigInt(rng.int(-300, 300));
      const entryPrice = m.markPrice + (m.markPrice * spread) / 1000n;
      positions.push({ market: mi, size, entryPrice: entryPrice < 0n ? 0n : entryPrice });
      notional += notionalOf(m, size, m.markPrice);
    }
    const leverage = BigInt(rng.int(1, 120));
    let collateral = notional / leverage + BigInt(rng.int(-1000, 1000));
    if (collateral >= 1n << 63n) collateral = (1n << 63n) - 1n - BigInt(rng.int(0, 1000));
    list.push({ id: `a${a}`, collateral, positions });
  }
  return { liquidatorSharePpm: 500_000n, markets, accounts: list };
}

/** A long of u = 2 whose answer (just above 2^62) an f64 estimate rounds down to 2^62: n1 = 2^63, n2 past it. */
const NEAR_2_63: Book = {
  liquidatorSharePpm: 500_000n,
  markets: [{ id: "X", sizeDecimals: 0, priceDecimals: 6, markPrice: 1n << 62n, tiers: [{ maxNotional: null, mmrPpm: 0n }], liquidationFeePpm: 0n }],
  accounts: [
    { id: "long", collateral: 0n, positions: [{ market: 0, size: 2n, entryPrice: (1n << 62n) + 500n }] },
    { id: "long2", collateral: 7n, positions: [{ market: 0, size: 2n, entryPrice: (1n << 62n) + 300n }] },
    ...[2n, 20n, 64n, 100n, 200n, 255n, 400n].map((k) => ({ id: `long+${k}`, collateral: 0n, positions: [{ market: 0, size: 2n, entryPrice: (1n << 62n) + k }] })),
    { id: "short", collateral: 0n, positions: [{ market: 0, size: -2n, entryPrice: (1n << 61n) }] },
  ],
};

/**
 * Shorts of u = 1, 3, 7 (e = 0) whose least liquidatable price has its notional exactly at a tier's
 * lower bound b + 1 (or next to it): equity C + p0 - n against maintenance ceil(n * mmr / 10^6),
 * with C chosen so that the account is just not liquidatable at notional b.
 */
function boundaryShorts(): Book {
  const bounds = [1_000_000n, 50_000_000n, 123_456_789n];
  const markets: Market[] = bounds.map((b, i) => ({
    id: `B${i}`, sizeDecimals: 0, priceDecimals: 6, markPrice: b, liquidationFeePpm: 0n,
    tiers: [{ maxNotional: b, mmrPpm: 10_000n }, { maxNotional: b * 10n, mmrPpm: 25_000n }, { maxNotional: null, mmrPpm: 50_000n }],
  }));
  const accounts: Account[] = [];
  bounds.forEach((b, m) => {
    for (const u of [1n, 3n, 7n]) {
      const p0 = b / u / 2n;
      const x = b / u; // a price whose notional u*x is at or just below b
      const n = u * x;
      const maint = (n * 10_000n + 999_999n) / 1_000_000n;
      const c0 = maint + n - u * p0; // equity C + u*(p0 - x) = maint at price x
      for (let d = -3n; d <= 3n; d++) accounts.push({ id: `s${m}-${u}-${d}`, collateral: c0 + d, positions: [{ market: m, size: -u, entryPrice: p0 }] });
    }
  });
  return { liquidatorSharePpm: 500_000n, markets, accounts };
}

/** The core's own prices (raw: -2 would be the wide marker) and the reference's, position by position. */
async function check(book: Book, bias: bigint): Promise<{ positions: number; priced: number }> {
  const live = await engine.load(book);
  try {
    const core = (live as unknown as { core: { setEstimateBias(b: bigint): void } }).core;
    core.setEstimateBias(bias);
    const raw = (live as unknown as WasmBook).corePrices();
    core.setEstimateBias(0n);
    let p = 0, priced = 0;
    const bad: string[] = [];
    book.accounts.forEach((acct, a) => acct.positions.forEach((pos, i) => {
      const want = liquidationPrice(book, a, i) ?? -1n;
      if (raw[p] !== -2n && raw[p] !== want && bad.length < 5) {
        bad.push(`bias ${bias}: account ${acct.id} position ${i} (market ${pos.market}, size ${pos.size}, entry ${pos.entryPrice}): core ${raw[p]}, reference ${want}`);
      }
      if (raw[p] !== -2n && want >= 0n) priced++;
      p++;
    }));
    expect(bad).toEqual([]);
    return { positions: p, priced };
  } finally {
    live.dispose();
  }
}

describe("the core's liquidation price estimate is confirmed exactly", () => {
  it("the edge books reach the edges: an answer just above 2^62 at u = 2, shorts priced at a tier's first notional", async () => {
    expect(await check(NEAR_2_63, 0n)).toEqual({ positions: 10, priced: 10 });
    expect(NEAR_2_63.accounts.map((_, a) => liquidationPrice(NEAR_2_63, a, 0)! - (1n << 62n))).toEqual([499n, 296n, 1n, 19n, 63n, 99n, 199n, 254n, 399n, -(1n << 61n) + 1n]);
    const book = boundaryShorts();
    await check(book, 0n);
    const atBound = book.accounts.filter((acct, a) => {
      const x = liquidationPrice(book, a, 0);
      const b = book.markets[acct.positions[0]!.market]!.tiers[0]!.maxNotional!;
      return x !== null && -acct.positions[0]!.size * x === b + 1n;
    });
    expect(atBound.length).toBeGreaterThan(0);
  });

  for (const bias of [0n, -1n, 1n, -2n, 2n, -1000n, 1000n]) {
    it(`random books (e < 0, e = 0, e > 0; tier bounds; sizes to 2^62): an estimate off by ${bias} changes no answer`, async () => {
      const rng = new Rng(0x1e57 + Number(bias) * 7919);
      let positions = 0, priced = 0;
      for (let b = 0; b < 12; b++) {
        const r = await check(randomBook(rng, 120), bias);
        positions += r.positions;
        priced += r.priced;
      }
      expect(priced).toBeGreaterThan(positions / 3); // most positions are answered by the core itself
      await check(NEAR_2_63, bias);
      await check(boundaryShorts(), bias);
    });
  }
});
