// drift-v2's core scan against its BigInt reference (reference/venues/drift-v2.ts), account by
// account, on random books of Drift's precisions that mix realistic values with the edges and put
// accounts on the trigger line; the incremental rescans and the stress grid the same way; the
// reference's liquidation prices at the trigger's edge. Seeds change every run (printed on failure).
import { describe, expect, it } from "vitest";
import { createEngine } from "../../bindings/index.js";
import type { Book } from "../../book/types.js";
import { I64_MAX, validateBook } from "../../book/index.js";
import { isLiquidatable, liquidationPrice, scanBook } from "../../reference/index.js";
import { randomDriftBook } from "../support/drift-random.js";
import { Rng } from "../support/random-book.js";

const STATUS = ["ok", "liquidatable", "overflow"];
const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);
const inRange = (x: bigint) => (x < 0n ? 0n : x > I64_MAX ? I64_MAX : x);

async function compareScan(book: Book, seed: number): Promise<Record<string, number>> {
  const live = await (await createEngine("wasm")).load(book);
  const got = live.scan();
  const want = scanBook(book);
  const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0, partial: 0 };
  want.results.forEach((w, a) => {
    const where = `drift-v2 seed ${seed}, account ${a}`;
    seen[w.status]!++;
    if (w.closeOut !== null && w.closeOut.returned === 0n && w.closeOut.badDebt === 0n && w.closeOut.notional > 0n) seen.partial!++;
    expect(STATUS[got.status[a]!], where).toBe(w.status);
    expect(got.account(a), where).toEqual(w);
  });
  expect(got.totals, `drift-v2 seed ${seed} totals`).toEqual(want.totals);
  live.dispose();
  return seen;
}

describe("drift-v2: wasm = reference", () => {
  it("scans 30,000+ random accounts, realistic and extreme, to the same statuses, amounts and totals", async () => {
    const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0, partial: 0 };
    let accounts = 0;
    for (let i = 0; accounts < 30_000; i++) {
      const seed = baseSeed + i;
      const rng = new Rng(seed);
      const book = randomDriftBook(rng, { accounts: rng.int(1, 1_500), extreme: i % 3 === 0 ? 0.6 : 0.1 });
      validateBook(book);
      const s = await compareScan(book, seed);
      for (const k of Object.keys(seen)) seen[k]! += s[k]!;
      accounts += book.accounts.length;
    }
    // The mix must exercise every status and partial steps, or the comparison proves little.
    expect(seen.liquidatable).toBeGreaterThan(500);
    expect(seen.ok).toBeGreaterThan(500);
    expect(seen.overflow).toBeGreaterThan(50);
    expect(seen.partial).toBeGreaterThan(50);
  });

  it("scans random books with spot balances (Drift's weights, the imf size factor, its roundings) to the reference's amounts", async () => {
    const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0, partial: 0 };
    let accounts = 0;
    for (let i = 0; accounts < 20_000; i++) {
      const seed = baseSeed + 30_000 + i;
      const rng = new Rng(seed);
      const book = randomDriftBook(rng, { accounts: rng.int(1, 1_500), extreme: i % 3 === 0 ? 0.5 : 0.05, assets: true });
      validateBook(book);
      const s = await compareScan(book, seed);
      for (const k of Object.keys(seen)) seen[k]! += s[k]!;
      accounts += book.accounts.length;
    }
    expect(seen.liquidatable).toBeGreaterThan(300);
    expect(seen.ok).toBeGreaterThan(300);
    expect(seen.overflow).toBeGreaterThan(20);
  });

  it("rescans incrementally after ticks and edits to what the reference scans", async () => {
    const seed = baseSeed + 50_000;
    const rng = new Rng(seed);
    const book = randomDriftBook(rng, { accounts: 3_000, markets: 6, extreme: 0.05, assets: true });
    const wasm = await (await createEngine("wasm")).load(book);
    const ref = await (await createEngine("reference")).load(book);
    for (let tick = 0; tick < 20; tick++) {
      const m = rng.int(0, book.markets.length - 1);
      const mark = wasm.markPrice(m);
      // Extreme books hold prices near 2^63: a move is kept in range (a price past it is refused, not a test of the scan).
      const price = inRange(mark + (mark * BigInt(rng.int(-30, 30))) / 1000n);
      wasm.setMarkPrice(m, price);
      ref.setMarkPrice(m, price);
      if (tick % 3 === 1 && book.assets) {
        const k = rng.int(0, book.assets.length - 1);
        const p = wasm.assetPrice(k);
        const q = inRange(p + (p * BigInt(rng.int(-100, 100))) / 1000n);
        wasm.setAssetPrice(k, q);
        ref.setAssetPrice(k, q);
      }
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
      const book = randomDriftBook(rng, { accounts: 800, extreme: i % 2 === 0 ? 0.3 : 0.02, assets: i % 3 !== 0 });
      const wasm = await (await createEngine("wasm")).load(book);
      const ref = await (await createEngine("reference")).load(book);
      const shocks = Array.from({ length: 21 }, (_, k) => BigInt((k - 10) * 25_000));
      const betas = book.markets.map((_, m) => (m % 3 === 2 ? 500_000n : 1_000_000n));
      expect(wasm.shockTotals(shocks, betas), `seed ${seed}`).toEqual(ref.shockTotals(shocks, betas));
    }
  });

  it("prices at the trigger's edge: liquidatable at the price, not one tick beyond (wasm hands every position to the reference)", async () => {
    const seed = baseSeed + 80_000;
    const book = randomDriftBook(new Rng(seed), { accounts: 400, extreme: 0, monotone: true });
    const live = await (await createEngine("wasm")).load(book);
    const got = live.liquidationPrices();
    let p = 0, edges = 0;
    book.accounts.forEach((account, a) => {
      account.positions.forEach((pos, k) => {
        const x = got[p++]!;
        expect(x, `seed ${seed} account ${a} position ${k}`).toBe(liquidationPrice(book, a, k) ?? -1n);
        if (x < 0n) return;
        const marks = book.markets.map((m) => m.markPrice);
        const at = (y: bigint) => isLiquidatable(book, a, marks.map((v, m) => (m === pos.market ? y : v)));
        expect(at(x), `seed ${seed} account ${a}`).toBe(true);
        const beyond = pos.size > 0n ? x + 1n : x - 1n;
        if (beyond >= 0n && beyond < 1n << 63n) expect(at(beyond), `seed ${seed} account ${a} beyond`).toBe(false);
        edges++;
      });
    });
    expect(edges).toBeGreaterThan(100);
    live.dispose();
  });
});
