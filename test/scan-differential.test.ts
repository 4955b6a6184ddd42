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
    expect(got.account(a), where).toEqual(w);
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

  // A full scan of a loaded book runs the pre-filter a chunk of 3,840 positions at a time
  // (assembly/scan.ts scanCompact): accounts straddle chunk ends, runs of empty accounts fall on
  // them, and an account with more positions than a chunk is scanned on its own.
  it("across the full scan's position chunks, with empty accounts and accounts larger than a chunk", async () => {
    const seed = baseSeed + 20_000;
    const rng = new Rng(seed);
    const base = randomBook(rng, { accounts: 6_000, markets: 4_100, extreme: 0.1 });
    const big = (id: string, count: number, sign: bigint) => ({
      id, collateral: 50_000_000_000n * sign,
      positions: Array.from({ length: count }, (_, m) => ({ market: m, size: (m % 3 === 0 ? -1n : 1n) * BigInt(1 + (m % 7)), entryPrice: base.markets[m]!.markPrice })),
    });
    const empty = (id: string) => ({ id, collateral: BigInt(rng.int(-5, 5)), positions: [] });
    const accounts = [
      empty("e0"), ...base.accounts.slice(0, 1_700), empty("e1"), empty("e2"),
      big("whale-ok", 4_000, 1n), big("whale-short", 3_841, -1n), empty("e3"), big("whale-chunk", 3_840, -1n),
      ...base.accounts.slice(1_700), empty("e4"),
    ];
    const { statuses } = await compare({ ...base, accounts }, seed);
    expect(statuses.ok).toBeGreaterThan(100);
    expect(statuses.liquidatable).toBeGreaterThan(10);
  });

  it("on books made only of extremes", async () => {
    for (let i = 0; i < 20; i++) {
      const seed = baseSeed + 10_000 + i;
      await compare(randomBook(new Rng(seed), { accounts: 500, extreme: 1 }), seed);
    }
  });
});

describe("wasm scan = reference scan at the formulas' boundaries", () => {
  // With sizeDecimals 0 and priceDecimals 6 (K = 1) and a mark of 1, a position's notional is
  // exactly |size|, so sizes can be aimed at tier bounds and at the slippage cap.
  it("at tier bounds, the slippage cap and the maintenance line", async () => {
    const depth = 7_000_000_000_000n; // 7M quote: the cap is crossed at a notional of 210k quote
    const cap = 30_000n;
    const bounds = [50_000_000n, 250_000_000n, 1_000_000_000n];
    const market = {
      id: "X", sizeDecimals: 0, priceDecimals: 6, markPrice: 1n, liquidationFeePpm: 12_500n,
      tiers: [{ maxNotional: bounds[0]!, mmrPpm: 4_000n }, { maxNotional: bounds[1]!, mmrPpm: 5_000n }, { maxNotional: bounds[2]!, mmrPpm: 10_000n }, { maxNotional: null, mmrPpm: 25_000n }],
      volatility: { currentPpm: 800_000n, referencePpm: 600_000n },
      impact: { depth, maxSlippagePpm: cap },
    };
    // ceil(n * 10^6 / depth) crosses the cap at n = cap * depth / 10^6.
    const capNotional = (cap * depth) / 1_000_000n;
    const sizes = [...bounds, capNotional].flatMap((n) => [n - 2n, n - 1n, n, n + 1n, n + 2n]);
    const accounts = sizes.flatMap((size, i) => [-1n, 0n, 1n, 5_000n, -size].map((collateral, k) => ({
      id: `a${i}-${k}`, collateral, positions: [{ market: 0, size: k % 2 ? -size : size, entryPrice: 1n }],
    })));
    const book = { liquidatorSharePpm: 333_333n, markets: [market], accounts };
    // Put each account on its maintenance line, then one unit either side.
    const onLine = scanBook(book).results.flatMap((r, a) => [-1n, 0n, 1n].map((d) => ({
      ...accounts[a]!, id: `${accounts[a]!.id}${d}`, collateral: accounts[a]!.collateral + (r.maintenance! - r.equity!) + d,
    })));
    await compare({ ...book, accounts: [...accounts, ...onLine] }, 0);
  });
});
