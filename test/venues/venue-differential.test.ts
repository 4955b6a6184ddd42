// Each venue's core scan against its BigInt reference, account by account, on random books that
// mix realistic values with the edges and put accounts on the venue's own trigger line; then the
// incremental rescans, the one-pass stress grid and the liquidation prices, the same way. Seeds
// change every run (printed on failure).
import { describe, expect, it } from "vitest";
import { createEngine } from "../../bindings/index.js";
import type { Book } from "../../book/types.js";
import { isLiquidatable, liquidationPrice, scanBook } from "../../reference/index.js";
import { venueBook } from "../../bench/books.js";
import { generateBook } from "../../book/index.js";
import { randomVenueBook, Rng } from "../support/random-book.js";

const STATUS = ["ok", "liquidatable", "overflow"];
const MAX_MARK = (1n << 63n) - 1n;
const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);
const VENUES = ["binance-usdm", "hyperliquid", "dydx-v4"] as const;

async function compareScan(book: Book, seed: number): Promise<Record<string, number>> {
  const live = await (await createEngine("wasm")).load(book);
  const got = live.scan();
  const want = scanBook(book);
  const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0 };
  want.results.forEach((w, a) => {
    const where = `${book.venue} seed ${seed}, account ${a}`;
    seen[w.status]!++;
    expect(STATUS[got.status[a]!], where).toBe(w.status);
    expect(got.account(a), where).toEqual(w);
  });
  expect(got.totals, `${book.venue} seed ${seed} totals`).toEqual(want.totals);
  live.dispose();
  return seen;
}

describe.each(VENUES)("%s: wasm = reference", (venue) => {
  it("scans 30,000+ random accounts, realistic and extreme, to the same statuses, amounts and totals", async () => {
    const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0 };
    let accounts = 0;
    for (let i = 0; accounts < 30_000; i++) {
      const seed = baseSeed + i;
      const rng = new Rng(seed);
      const book = randomVenueBook(rng, venue, { accounts: rng.int(1, 1_500), extreme: i % 3 === 0 ? 0.6 : 0.1, hedges: 0.1 });
      const s = await compareScan(book, seed);
      for (const k of Object.keys(seen)) seen[k]! += s[k]!;
      accounts += book.accounts.length;
    }
    // The mix must exercise every status, or the comparison proves little.
    expect(seen.liquidatable).toBeGreaterThan(500);
    expect(seen.ok).toBeGreaterThan(500);
    expect(seen.overflow).toBeGreaterThan(50);
  });

  it("rescans incrementally after ticks and edits to what the reference scans", async () => {
    const seed = baseSeed + 50_000;
    const rng = new Rng(seed);
    const book = randomVenueBook(rng, venue, { accounts: 3_000, markets: 6, extreme: 0.05, hedges: 0.1 });
    const wasm = await (await createEngine("wasm")).load(book);
    const ref = await (await createEngine("reference")).load(book);
    for (let tick = 0; tick < 20; tick++) {
      const m = rng.int(0, book.markets.length - 1);
      const mark = wasm.markPrice(m);
      const moved = mark + (mark * BigInt(rng.int(-30, 30))) / 1000n;
      // An extreme market's mark may sit near 2^63 - 1: a rise stops there (a mark beyond it is refused).
      const price = moved < 0n ? 0n : moved > MAX_MARK ? MAX_MARK : moved;
      wasm.setMarkPrice(m, price);
      ref.setMarkPrice(m, price);
      if (tick % 4 === 0) {
        const a = rng.int(0, book.accounts.length - 1);
        const c = BigInt(rng.int(-1_000_000, 2_000_000_000));
        wasm.setCollateral(a, c);
        ref.setCollateral(a, c);
      }
      const got = wasm.scan();
      const want = ref.scan();
      expect(got.totals, `seed ${seed} tick ${tick}`).toEqual(want.totals);
      expect(Array.from(got.status), `seed ${seed} tick ${tick}`).toEqual(Array.from(want.status));
    }
  });

  it("gives the reference's stress totals in one pass", async () => {
    for (let i = 0; i < 6; i++) {
      const seed = baseSeed + 60_000 + i;
      const rng = new Rng(seed);
      const book = randomVenueBook(rng, venue, { accounts: 800, extreme: i % 2 === 0 ? 0.3 : 0.02 });
      const wasm = await (await createEngine("wasm")).load(book);
      const ref = await (await createEngine("reference")).load(book);
      const shocks = Array.from({ length: 21 }, (_, k) => BigInt((k - 10) * 25_000));
      const betas = book.markets.map((_, m) => (m % 3 === 2 ? 500_000n : 1_000_000n));
      expect(wasm.shockTotals(shocks, betas), `seed ${seed}`).toEqual(ref.shockTotals(shocks, betas));
    }
  });

  it("gives the reference's stress totals on the benchmark's book over -50 % .. +50 %, where accounts stay liquidatable shock after shock", async () => {
    // The kernel evaluates an account in one pass at a shock after one where it was not ok
    // (assembly/account.ts, likelyLiquidatable); the generated book's large positions take
    // hyperliquid's partial step and dydx-v4's liquidatable portion there, shock after shock.
    // (Fails with the one-pass mode's step sum taking whole notionals, as the test above does.)
    const seed = baseSeed + 65_000;
    const book = venueBook(generateBook({ accounts: 2_000, seed }), venue);
    const wasm = await (await createEngine("wasm")).load(book);
    const ref = await (await createEngine("reference")).load(book);
    const shocks = Array.from({ length: 21 }, (_, k) => BigInt((k - 10) * 50_000));
    const betas = book.markets.map(() => 1_000_000n);
    const got = wasm.shockTotals(shocks, betas);
    expect(got, `seed ${seed}`).toEqual(ref.shockTotals(shocks, betas));
    expect(got[0]!.liquidatable + got[20]!.liquidatable, `seed ${seed}`).toBeGreaterThan(200);
    wasm.dispose();
  });

  it("prices every position as the reference does", async () => {
    let priced = 0;
    for (let i = 0; i < 12; i++) {
      const seed = baseSeed + 70_000 + i;
      const rng = new Rng(seed);
      const book = randomVenueBook(rng, venue, { accounts: venue === "hyperliquid" ? 150 : 600, extreme: i % 3 === 0 ? 0.5 : 0.05 });
      const live = await (await createEngine("wasm")).load(book);
      const got = live.liquidationPrices();
      let p = 0;
      book.accounts.forEach((account, a) => {
        account.positions.forEach((_, k) => {
          const want = liquidationPrice(book, a, k) ?? -1n;
          expect(got[p], `${venue} seed ${seed} account ${a} position ${k}`).toBe(want);
          if (want >= 0n) priced++;
          p++;
        });
      });
    }
    expect(priced).toBeGreaterThan(500);
  });

  it("prices a realistic book in the core itself, without the BigInt fallback", async () => {
    const live = await (await createEngine("wasm")).load(venueBook(generateBook({ accounts: 3_000, seed: baseSeed }), venue));
    const core = (live as unknown as { corePrices(): BigInt64Array }).corePrices();
    expect(core.filter((x) => x === -2n).length, `${venue} seed ${baseSeed}`).toBe(0);
    expect(core.filter((x) => x >= 0n).length).toBeGreaterThan(1_000);
    live.dispose();
  });

  it("prices at the trigger's edge: liquidatable at the price, not one tick beyond", async () => {
    const seed = baseSeed + 80_000;
    const book = randomVenueBook(new Rng(seed), venue, { accounts: 400, extreme: 0 });
    const live = await (await createEngine("wasm")).load(book);
    const core = live.liquidationPrices();
    let p = 0, edges = 0;
    book.accounts.forEach((account, a) => {
      account.positions.forEach((pos) => {
        const x = core[p++]!;
        if (x < 0n) return;
        const marks = book.markets.map((m) => m.markPrice);
        const at = (y: bigint) => isLiquidatable(book, a, marks.map((v, m) => (m === pos.market ? y : v)));
        expect(at(x), `${venue} seed ${seed} account ${a}`).toBe(true);
        const beyond = pos.size > 0n ? x + 1n : x - 1n;
        if (beyond >= 0n && beyond < 1n << 63n) expect(at(beyond), `${venue} seed ${seed} account ${a} beyond`).toBe(false);
        edges++;
      });
    });
    expect(edges).toBeGreaterThan(100);
    live.dispose();
  });
});

describe("dydx-v4: a long whose notional goes from 0 past every liquidatable one in one price unit", () => {
  it("has no liquidation price when no other position holds maintenance (seed 230281293 account 370: both engines said 0)", async () => {
    // The account is liquidatable only where its maintenance is positive, and its only maintained
    // position's notional at price 0 is 0 (no maintenance) and at price 1 already past the line.
    const book = randomVenueBook(new Rng(230_281_293), "dydx-v4", { accounts: 400, extreme: 0 });
    const live = await (await createEngine("wasm")).load(book);
    const prices = live.liquidationPrices();
    let p = 0;
    for (let a = 0; a < 370; a++) p += book.accounts[a]!.positions.length;
    expect(book.accounts[370]!.positions[1]!.market).toBe(3);
    expect(liquidationPrice(book, 370, 1)).toBeNull();
    expect(prices[p + 1]).toBe(-1n);
    const marks = book.markets.map((m) => m.markPrice);
    for (const y of [0n, 1n, 2n]) expect(isLiquidatable(book, 370, marks.map((v, m) => (m === 3 ? y : v)))).toBe(false);
    live.dispose();
  });
});
