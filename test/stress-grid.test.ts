// LiveBook.shockTotals: the wasm engine's one-pass stress kernel (assembly/stress.ts) against one
// scan per shock. The kernel proves an account safe over a run of shocks from the run's ends, so
// the books here put accounts exactly on their maintenance line at shocks of the grid, where a
// wrong run would show. Seeds change every run (printed on failure).
import { describe, expect, it } from "vitest";
import { createEngine, generateBook, type LiveBook } from "../bindings/index.js";
import { shockTotalsByScans } from "../bindings/shocks.js";
import type { Book } from "../book/types.js";
import { evaluateAccount } from "../reference/index.js";
import { shockedMark } from "../reference/shock.js";
import { I64_MAX, I64_MIN, randomBook, Rng } from "./support/random-book.js";

const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);
const PPM = 1_000_000n;

async function both(book: Book): Promise<[LiveBook, LiveBook]> {
  const [wasm, reference] = await Promise.all([createEngine("wasm"), createEngine("reference")]);
  return [await wasm.load(book), await reference.load(book)];
}

/** A grid of `count` shocks from `from` by `step`, or a shuffled list with repeats. */
function randomGrid(rng: Rng, count: number, from: number, step: number): bigint[] {
  const grid = Array.from({ length: count }, (_, i) => BigInt(from + i * step));
  if (rng.chance(0.7)) return grid;
  const list = grid.concat(grid.slice(0, rng.int(0, 3)));
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

function marksAt(book: Book, shock: bigint, beta: readonly bigint[]): bigint[] {
  return book.markets.map((m, i) => (beta[i] === 0n ? m.markPrice : shockedMark(m.markPrice, shock, beta[i])));
}

describe("shockTotals", () => {
  it("equals one scan per shock on random books, realistic and extreme, and leaves the book as it was", async () => {
    let liquidatable = 0;
    for (let i = 0; i < 30; i++) {
      const seed = baseSeed + i;
      const rng = new Rng(seed);
      const book = randomBook(rng, { accounts: rng.int(1, 150), extreme: i % 3 === 0 ? 0.4 : 0 });
      const [w, r] = await both(book);
      const before = w.scan().totals;
      const n = book.markets.length;
      // Mostly betas that clamp nothing (the kernel's interpolating mode); some that do.
      const beta = Array.from({ length: n }, () => (rng.chance(0.2) ? 0n : BigInt(rng.chance(0.8) ? rng.int(0, 2_000_000) : rng.int(-3_000_000, 3_000_000))));
      const step = rng.int(1, 40_000);
      const shocks = randomGrid(rng, rng.int(1, 90), rng.int(-1_000_000, 0), step);
      const got = w.shockTotals(shocks, beta);
      expect(got, `seed ${seed}`).toStrictEqual(r.shockTotals(shocks, beta));
      liquidatable += got.reduce((s, t) => s + t.liquidatable, 0);
      expect(w.toBook(), `seed ${seed}: book restored`).toStrictEqual(r.toBook());
      expect(w.scan().totals, `seed ${seed}: scan state intact`).toStrictEqual(before);
      w.setMarkPrice(0, book.markets[0]!.markPrice + 1n);
      r.setMarkPrice(0, book.markets[0]!.markPrice + 1n);
      expect(w.scan().totals, `seed ${seed}: incremental scan after the grid`).toStrictEqual(r.scan().totals);
      w.dispose();
    }
    expect(liquidatable).toBeGreaterThan(500);
  });

  it("is exact for accounts whose margin is 0 or -1 at a shock of the grid", async () => {
    let onTheLine = 0;
    for (let i = 0; i < 12; i++) {
      const seed = baseSeed + 100 + i;
      const rng = new Rng(seed);
      const book = randomBook(rng, { accounts: rng.int(20, 120), extreme: 0 });
      const n = book.markets.length;
      const beta = Array.from({ length: n }, () => BigInt(rng.int(0, 2_000_000)));
      const step = rng.chance(0.5) ? 1 : rng.int(2, 5_000);
      const shocks = randomGrid(rng, rng.int(3, 80), rng.int(-600_000, 0), step);
      // Move each account's collateral so that equity - maintenance is exactly 0 or -1 at one shock.
      const accounts = book.accounts.map((account, a) => {
        const shock = shocks[rng.int(0, shocks.length - 1)]!;
        const x = evaluateAccount(book, a, marksAt(book, shock, beta));
        const collateral = account.collateral - (x.equity - x.maintenance) - (rng.chance(0.5) ? 1n : 0n);
        if (collateral < I64_MIN || collateral > I64_MAX) return account;
        onTheLine++;
        return { ...account, collateral };
      });
      const lined = { ...book, accounts };
      const [w, r] = await both(lined);
      expect(w.shockTotals(shocks, beta), `seed ${seed}`).toStrictEqual(r.shockTotals(shocks, beta));
      w.dispose();
    }
    expect(onTheLine).toBeGreaterThan(500);
  });

  it("equals scanning shock by shock on a generated book over a dense grid, one market or all", async () => {
    const book = generateBook({ accounts: 20_000, seed: baseSeed });
    const w = await (await createEngine("wasm")).load(book);
    const shocks = Array.from({ length: 121 }, (_, i) => BigInt(-600_000 + i * 10_000));
    const all = book.markets.map(() => PPM);
    const one = book.markets.map((_, m) => (m === 0 ? PPM : 0n));
    const shifted = book.markets.map((_, m) => BigInt(500_000 + 250_000 * m));
    for (const beta of [all, one, shifted]) {
      const got = w.shockTotals(shocks, beta);
      expect(got, `seed ${baseSeed}`).toStrictEqual(shockTotalsByScans(w, shocks, beta));
      expect(got[0]!.liquidatable).toBeGreaterThan(0);
    }
  });

  it("on an empty grid and an empty book", async () => {
    const book = randomBook(new Rng(baseSeed), { accounts: 0 });
    for (const engine of ["wasm", "reference"] as const) {
      const live = await (await createEngine(engine)).load(book);
      const beta = book.markets.map(() => PPM);
      expect(live.shockTotals([], beta)).toEqual([]);
      const [t] = live.shockTotals([-500_000n], beta);
      expect(t).toEqual({ liquidatable: 0, overflow: 0, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 0n, notional: 0n });
    }
  });

  it("refuses bad arguments, naming them, on both engines", async () => {
    const book = randomBook(new Rng(baseSeed), { accounts: 5, markets: 2, extreme: 0 });
    for (const engine of ["wasm", "reference"] as const) {
      const live = await (await createEngine(engine)).load(book);
      const beta = [PPM, PPM];
      expect(() => live.shockTotals([-1_000_001n], beta)).toThrow("liqscan: shockTotals: shocksPpm[0] = -1000001 is below -100 % (-1000000 ppm)");
      expect(() => live.shockTotals([0n, 1 as unknown as bigint], beta)).toThrow("liqscan: shockTotals: shocksPpm[1] must be a bigint (ppm), got number");
      expect(() => live.shockTotals("0" as unknown as bigint[], beta)).toThrow("liqscan: shockTotals: shocksPpm must be an array of bigints, got string");
      expect(() => live.shockTotals([0n], [PPM])).toThrow("liqscan: shockTotals: betaPpm must hold one bigint per market (2), got 1");
      expect(() => live.shockTotals([0n], [PPM, 1 as unknown as bigint])).toThrow("liqscan: shockTotals: betaPpm[1] must be a bigint (ppm), got number");
    }
  });
});
