// The risk views on the wasm engine against the same views on the reference engine, on random books
// that mix realistic values with the edges (marks near 2^63, e < 0, zero sizes, overflow accounts).
// The views are one TypeScript implementation over LiveBook, so this checks that everything they
// read from an engine (scans, liquidation prices, inputs, edits) agrees, and that both books come
// back unchanged. Seeds change every run (printed on failure).
import { describe, expect, it } from "vitest";
import { createEngine, type LiveBook } from "../bindings/index.js";
import type { Book } from "../book/types.js";
import { cascade, liquidationMap, shockedMark, stress } from "../views/index.js";
import { randomBook, randomVenueBook, Rng } from "./support/random-book.js";

const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);

async function both(book: Book): Promise<[LiveBook, LiveBook]> {
  const [wasm, reference] = await Promise.all([createEngine("wasm"), createEngine("reference")]);
  return [await wasm.load(book), await reference.load(book)];
}

function randomBeta(rng: Rng, markets: number): bigint[] | undefined {
  if (rng.chance(0.5)) return undefined;
  return Array.from({ length: markets }, () => BigInt(rng.int(-3_000_000, 3_000_000)));
}

/** The views on `count` random books of a venue (generic: randomBook) on both engines; what they saw. */
async function compareViews(venue: "generic" | "binance-usdm" | "hyperliquid" | "dydx-v4", count: number, seedOffset: number): Promise<{ liquidated: number; rounds: number; mapped: bigint }> {
    let liquidated = 0;
    let rounds = 0;
    let mapped = 0n;
    for (let i = 0; i < count; i++) {
      const seed = baseSeed + seedOffset + i;
      const where = `${venue} seed ${seed}`;
      const rng = new Rng(seed);
      const options = { accounts: rng.int(1, 250), extreme: i % 4 === 0 ? 0.5 : 0.05 };
      const book = venue === "generic" ? randomBook(rng, options) : randomVenueBook(rng, venue, options);
      const [w, r] = await both(book);
      const original = r.toBook();
      const n = book.markets.length;

      const market = rng.chance(0.5) ? rng.int(0, n - 1) : undefined;
      const shocks = [-1_000_000n, -500_000n, BigInt(rng.int(-999_999, 0)), 0n, BigInt(rng.int(0, 2_000_000)), 9_000_000n];
      const grid = { shocksPpm: shocks, market, betaPpm: randomBeta(rng, n) };
      const rows = stress(w, grid);
      expect(rows, where).toStrictEqual(stress(r, grid));
      liquidated += rows.reduce((s, x) => s + x.liquidatable, 0);

      for (let m = 0; m < n; m++) {
        const mark = book.markets[m]!.markPrice;
        const from = shockedMark(mark, BigInt(rng.int(-1_000_000, 0)));
        const to = shockedMark(mark, BigInt(rng.int(0, 3_000_000))) + 1n;
        const buckets = rng.int(1, Number(to - from < 60n ? to - from : 60n));
        const map = liquidationMap(w, { market: m, from, to, buckets });
        expect(map, `${where} market ${m}`).toStrictEqual(liquidationMap(r, { market: m, from, to, buckets }));
        mapped += map.buckets.reduce((s, b) => s + b.longNotional + b.shortNotional, 0n);
      }

      const c = { shockPpm: BigInt(rng.int(-600_000, 600_000)), market, betaPpm: randomBeta(rng, n), maxRounds: rng.int(1, 12) };
      const got = cascade(w, c);
      expect(got, where).toStrictEqual(cascade(r, c));
      rounds += got.rounds.length;

      expect(w.toBook(), `${where}: wasm book restored`).toStrictEqual(original);
      expect(r.toBook(), `${where}: reference book restored`).toStrictEqual(original);
      w.dispose();
    }
    return { liquidated, rounds, mapped };
}

describe("views: wasm = reference", () => {
  it("stress, liquidationMap and cascade on random books", async () => {
    const { liquidated, rounds, mapped } = await compareViews("generic", 40, 0);
    // The comparison must see real work, or it proves little.
    expect(liquidated).toBeGreaterThan(100);
    expect(rounds).toBeGreaterThan(20);
    expect(mapped).toBeGreaterThan(0n);
  });

  it.each(["binance-usdm", "hyperliquid", "dydx-v4"] as const)("the same on random %s books, under the venue's rules", async (venue) => {
    const { liquidated, rounds, mapped } = await compareViews(venue, 12, 1_000);
    expect(liquidated).toBeGreaterThan(20);
    expect(rounds).toBeGreaterThan(5);
    expect(mapped).toBeGreaterThan(0n);
  });
});
