// The WebAssembly scan against the BigInt reference, account by account, on random books that mix
// realistic values with the edges (values near 2^63, e < 0, zero sizes, empty accounts, equity on
// the maintenance line). Seeds change every run (printed on failure) so CI keeps exploring.
import { describe, expect, it } from "vitest";
import { createEngine } from "../bindings/index.js";
import type { Book } from "../book/types.js";
import { scanBook } from "../reference/index.js";
import { randomBook, Rng } from "./support/random-book.js";

const STATUS = ["ok", "liquidatable", "overflow"];
const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);

async function compare(book: Book, seed: number): Promise<{ statuses: Record<string, number> }> {
  const engine = await createEngine("wasm");
  const live = await engine.load(book);
  const got = live.scan();
  const want = scanBook(book);
  const statuses: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0 };
  want.results.forEach((w, a) => {
    const where = `seed ${seed}, account ${a}`;
    statuses[w.status]!++;
    expect(STATUS[got.status[a]!], where).toBe(w.status);
    if (w.status !== "overflow") {
      expect(got.equity[a], where).toBe(w.equity);
      expect(got.maintenance[a], where).toBe(w.maintenance);
    }
    const c = w.closeOut;
    expect([got.penalty[a], got.liquidatorReward[a], got.insuranceFund[a], got.badDebt[a], got.returned[a]], where)
      .toEqual(c ? [c.penalty, c.liquidatorReward, c.insuranceFund, c.badDebt, c.returned] : [0n, 0n, 0n, 0n, 0n]);
  });
  expect(got.totals, `seed ${seed} totals`).toEqual(want.totals);
  live.dispose();
  return { statuses };
}

describe("wasm scan = reference scan", () => {
  it("on 100,000+ random accounts, realistic and extreme", async () => {
    const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0 };
    let accounts = 0;
    for (let i = 0; accounts < 100_000; i++) {
      const seed = baseSeed + i;
      const rng = new Rng(seed);
      const book = randomBook(rng, { accounts: rng.int(1, 2_000), extreme: i % 3 === 0 ? 0.6 : 0.1 });
      const { statuses } = await compare(book, seed);
      for (const k of Object.keys(seen)) seen[k]! += statuses[k]!;
      accounts += book.accounts.length;
    }
    // The mix must actually exercise every status, or the comparison proves little.
    expect(seen.liquidatable).toBeGreaterThan(1_000);
    expect(seen.ok).toBeGreaterThan(1_000);
    expect(seen.overflow).toBeGreaterThan(100);
  });

  it("on books made only of extremes", async () => {
    for (let i = 0; i < 20; i++) {
      const seed = baseSeed + 10_000 + i;
      await compare(randomBook(new Rng(seed), { accounts: 500, extreme: 1 }), seed);
    }
  });
});
