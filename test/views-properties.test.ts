// Properties of the risk views (fast-check), on the wasm engine (the differential suite shows the
// reference agrees):
// - stress: a deeper shock never liquidates fewer accounts of a one-directional book;
// - liquidationMap: the buckets hold exactly the notional whose liquidation price is in range, and
//   with the outside groups they add up to the market's notional; the cumulative curves follow;
// - cascade: each account is liquidated in at most one round, was liquidatable at that round's
//   marks (checked on the reference model, independently), round 1 is the stress row of the shock,
//   and the book comes back unchanged.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../bindings/index.js";
import type { Account, Book, Market, Tier } from "../book/types.js";
import { notional, scanAccount } from "../reference/index.js";
import { cascade, liquidationMap, shockedMark, stress } from "../views/index.js";
import { randomBook, Rng } from "./support/random-book.js";

let engine: Engine | undefined;
async function wasm(): Promise<Engine> {
  return (engine ??= await createEngine("wasm"));
}

/**
 * A book whose accounts are all long (or all short). Markets have e = 0 (sizeDecimals +
 * priceDecimals = 6), marks of at least 10^4 price units and sizes of at least 1, so a 5 % step of
 * the shock moves every position's notional by at least 500 quote units; and mmr * volatility scale
 * stays at or below 45 %. Why: as the price falls, a long's maintenance falls too, slower than its
 * equity only when mmr * scale < 100 %; and a rounding of the floors and ceilings can take back a
 * few units, so a step must move the notional by more than that. Without these bounds an account
 * exactly on the line could leave it under a deeper shock by one quote unit (or, with mmr * scale
 * above 100 %, by a lot), and the statement would be false.
 */
function oneDirectionalBook(seed: number, side: 1n | -1n): Book {
  const rng = new Rng(seed);
  const markets: Market[] = Array.from({ length: rng.int(1, 3) }, (_, i) => {
    const sizeDecimals = rng.int(0, 6);
    const tiers: Tier[] = [];
    let bound = 0n;
    let mmr = BigInt(rng.int(1_000, 100_000));
    for (let j = 0, count = rng.int(1, 3); j < count; j++) {
      bound += BigInt(rng.int(1, 1_000_000)) * 1_000_000n;
      tiers.push({ maxNotional: j === count - 1 ? null : bound, mmrPpm: mmr });
      mmr += BigInt(rng.int(0, 100_000));
    }
    // mmr <= 300_000 and scale <= 1.5: mmr * scale <= 45 %
    return {
      id: `M${i}`, sizeDecimals, priceDecimals: 6 - sizeDecimals, markPrice: BigInt(rng.int(10_000, 2_000_000_000)), tiers,
      liquidationFeePpm: BigInt(rng.int(0, 20_000)),
      ...(rng.chance(0.5) ? { volatility: { currentPpm: BigInt(rng.int(100_000, 1_500_000)), referencePpm: 1_000_000n } } : {}),
      ...(rng.chance(0.5) ? { impact: { depth: BigInt(rng.int(1, 1_000_000_000)) * 1_000_000n, maxSlippagePpm: BigInt(rng.int(0, 100_000)) } } : {}),
    };
  });
  const accounts: Account[] = Array.from({ length: rng.int(1, 60) }, (_, a) => {
    const held = markets.map((_, m) => m).filter(() => rng.chance(0.6));
    const positions = held.map((m) => {
      const mark = markets[m]!.markPrice;
      return { market: m, size: side * BigInt(rng.int(1, 1_000_000)), entryPrice: mark + BigInt(rng.int(-1_000, 1_000)) * (mark / 10_000n) };
    });
    // collateral around the positions' notional times a small margin, so shocks cross the line
    const exposure = positions.reduce((s, p) => s + notional(markets[p.market]!, p.size, markets[p.market]!.markPrice), 0n);
    return { id: `a${a}`, collateral: (exposure * BigInt(rng.int(0, 600))) / 1_000n, positions };
  });
  return { liquidatorSharePpm: 500_000n, markets, accounts };
}

describe("stress", () => {
  it("a deeper shock never liquidates fewer accounts of a one-directional book", async () => {
    const e = await wasm();
    await fc.assert(fc.asyncProperty(fc.integer(), fc.boolean(), async (seed, long) => {
      const book = await e.load(oneDirectionalBook(seed, long ? 1n : -1n));
      // longs suffer as prices fall, shorts as they rise: deeper = further in that direction
      const grid = long ? { from: -1_000_000n, to: 0n, step: 50_000n } : { from: 0n, to: 2_000_000n, step: 50_000n };
      const counts = stress(book, { shocksPpm: grid }).map((r) => r.liquidatable);
      if (long) counts.reverse(); // from 0 down to -100 %
      for (let i = 1; i < counts.length; i++) expect(counts[i]!, `seed ${seed}, step ${i}: ${counts.join(" ")}`).toBeGreaterThanOrEqual(counts[i - 1]!);
      book.dispose();
    }), { numRuns: 150 });
  });
});

describe("liquidationMap", () => {
  it("buckets, outside groups and cumulative curves account for every position's notional", async () => {
    const e = await wasm();
    await fc.assert(fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 40 }), fc.integer({ min: -1_000_000, max: 0 }), fc.integer({ min: 0, max: 3_000_000 }), async (seed, wanted, down, up) => {
      const rng = new Rng(seed);
      const raw = randomBook(rng, { accounts: rng.int(1, 200), extreme: 0.1 });
      const book = await e.load(raw);
      const prices = book.liquidationPrices();
      for (let m = 0; m < raw.markets.length; m++) {
        const market = raw.markets[m]!;
        const mark = market.markPrice;
        const from = shockedMark(mark, BigInt(down));
        const to = shockedMark(mark, BigInt(up)) + 1n;
        const buckets = Math.min(wanted, Number(to - from));
        const map = liquidationMap(book, { market: m, from, to, buckets });
        // independently: every non-zero position of the market, by where its price falls
        let inLong = 0n, inShort = 0n, allLong = 0n, allShort = 0n;
        let p = 0;
        for (const acc of raw.accounts) {
          for (const pos of acc.positions) {
            const price = prices[p++]!;
            if (pos.market !== m || pos.size === 0n) continue;
            const n = notional(market, pos.size, mark);
            if (pos.size > 0n) allLong += n;
            else allShort += n;
            if (price >= from && price < to) {
              if (pos.size > 0n) inLong += n;
              else inShort += n;
            }
          }
        }
        const sum = (pick: (b: (typeof map.buckets)[number]) => bigint) => map.buckets.reduce((s, b) => s + pick(b), 0n);
        expect([sum((b) => b.longNotional), sum((b) => b.shortNotional)]).toEqual([inLong, inShort]);
        const groups = [map.below, map.above, map.noPrice];
        expect(inLong + groups.reduce((s, g) => s + g.longNotional, 0n)).toBe(allLong);
        expect(inShort + groups.reduce((s, g) => s + g.shortNotional, 0n)).toBe(allShort);
        // edges: contiguous from `from` to `to`, widths floor(w/N) or ceil(w/N)
        const w = to - from;
        const n = BigInt(buckets);
        expect(map.buckets[0]!.from).toBe(from);
        expect(map.buckets[buckets - 1]!.to).toBe(to);
        map.buckets.forEach((b, k) => {
          if (k > 0) expect(b.from).toBe(map.buckets[k - 1]!.to);
          expect(b.to - b.from >= w / n && b.to - b.from <= (w + n - 1n) / n).toBe(true);
        });
        // cumulative curves: longs from the top, shorts from the bottom
        expect(map.cumulativeLong[0]).toBe(inLong + map.above.longNotional);
        expect(map.cumulativeShort[buckets - 1]).toBe(inShort + map.below.shortNotional);
        for (let k = 1; k < buckets; k++) {
          expect(map.cumulativeLong[k - 1]! - map.cumulativeLong[k]!).toBe(map.buckets[k - 1]!.longNotional);
          expect(map.cumulativeShort[k]! - map.cumulativeShort[k - 1]!).toBe(map.buckets[k]!.shortNotional);
        }
      }
      book.dispose();
    }), { numRuns: 60 });
  });
});

describe("cascade", () => {
  it("liquidates each account once, only when liquidatable at its round's marks, and restores the book", async () => {
    const e = await wasm();
    let rounds = 0;
    await fc.assert(fc.asyncProperty(fc.integer(), fc.integer({ min: -700_000, max: 700_000 }), fc.integer({ min: 1, max: 15 }), async (seed, shock, maxRounds) => {
      const rng = new Rng(seed);
      const raw = randomBook(rng, { accounts: rng.int(1, 200), extreme: rng.chance(0.3) ? 0.3 : 0 });
      const book = await e.load(raw);
      const before = book.toBook();
      const c = cascade(book, { shockPpm: BigInt(shock), maxRounds });
      rounds += c.rounds.length;
      expect(book.toBook()).toStrictEqual(before);
      expect(c.rounds.length).toBeLessThanOrEqual(maxRounds);
      // round 1 is the stress row of the same shock
      const [row] = stress(book, { shocksPpm: [BigInt(shock)] });
      expect(c.rounds[0]?.accounts.length ?? 0).toBe(row!.liquidatable);
      // replay on the reference model: close earlier rounds' accounts, check each round's accounts
      const closed = new Set<number>();
      let accounts = raw.accounts.slice();
      for (const r of c.rounds) {
        expect(r.accounts.length).toBeGreaterThan(0);
        const current: Book = { ...raw, accounts };
        for (let a = 0; a < accounts.length; a++) {
          const status = scanAccount(current, a, r.marks).status;
          // exactly the accounts liquidatable now are this round's, and none was liquidated before
          expect(r.accounts.includes(a), `seed ${seed} round ${r.round} account ${a}`).toBe(status === "liquidatable");
          if (status === "liquidatable") expect(closed.has(a)).toBe(false);
        }
        for (const a of r.accounts) closed.add(a);
        accounts = accounts.map((acc, a) => (r.accounts.includes(a) ? { ...acc, positions: acc.positions.map((p) => ({ ...p, size: 0n })) } : acc));
        // sold + bought is what the round closed
        expect(r.sold.reduce((s, x) => s + x, 0n) + r.bought.reduce((s, x) => s + x, 0n)).toBe(r.notionalClosed);
      }
      expect(closed.size).toBe(c.liquidated);
      expect(c.insuranceFundDraw >= 0n && c.insuranceFundDraw >= -c.insuranceFundNet).toBe(true);
      book.dispose();
    }), { numRuns: 80 });
    expect(rounds).toBeGreaterThan(40);
  });
});
