// Parallel scans (openParallel) against one thread's scan of the same book: equal totals and
// statuses for any book, any thread count, after price ticks; the errors a caller can meet; and
// workers that stop. Worker threads run JavaScript only, so this suite uses the built package
// ("liqscan" resolves to dist/ through package.json "exports"; `npm test` builds first).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { BookError, createEngine, generateBook, openParallel, type Book, type BookColumns, type Engine, type ParallelBook } from "liqscan";
import { openParallel as openParallelFromSources } from "../bindings/index.js";
import { planShards, shardColumns } from "../bindings/shards.js";
import { bookToColumns } from "../book/columns.js";
import { randomBook, randomVenueBook, Rng } from "./support/random-book.js";

const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine("wasm");
});

/** Opens a parallel book, runs `body`, and closes it whatever happens. */
async function withParallel<T>(book: Book | BookColumns, threads: number, body: (p: ParallelBook) => Promise<T>): Promise<T> {
  const parallel = await openParallel(book, { threads });
  try {
    return await body(parallel);
  } finally {
    await parallel.close();
  }
}

/** One thread's scan of `book` at the parallel book's marks, compared with a parallel scan. */
async function expectSameScan(parallel: ParallelBook, book: Book | BookColumns, where: string): Promise<void> {
  const single = await engine.load(book);
  parallel.markets.forEach((_, m) => single.setMarkPrice(m, parallel.markPrice(m)));
  const want = single.scan();
  const got = await parallel.scanParallel();
  expect(got.totals, `${where}: totals`).toEqual(want.totals);
  expect(got.accountCount, where).toBe(want.accountCount);
  expect(Buffer.from(got.status).equals(Buffer.from(want.status)), `${where}: statuses`).toBe(true);
  expect(got.liquidatable(), where).toEqual(want.liquidatable());
  single.dispose();
}

describe("a parallel scan equals one thread's scan", () => {
  it.each([1, 2, 3])("on random books, realistic and extreme, with %i thread(s)", async (threads) => {
    const seen = { liquidatable: 0, overflow: 0 };
    for (let i = 0; i < 4; i++) {
      const seed = baseSeed + 1000 * threads + i;
      const book = randomBook(new Rng(seed), { accounts: 400 + 300 * i, extreme: i === 0 ? 0.5 : 0.15 });
      await withParallel(book, threads, async (parallel) => {
        expect(parallel.threads).toBe(Math.min(threads, availableParallelism())); // capped at the hardware's
        await expectSameScan(parallel, book, `seed ${seed}`);
        const last = await parallel.scanParallel();
        seen.liquidatable += last.totals.liquidatable;
        seen.overflow += last.totals.overflow;
      });
    }
    // The books exercised both non-ok statuses, so the comparison above compared something.
    expect(seen.liquidatable).toBeGreaterThan(0);
    expect(seen.overflow).toBeGreaterThan(0);
  });

  it("on a generated book in column form, shards balanced by work", async () => {
    const book = generateBook({ accounts: 20_000, seed: baseSeed });
    await withParallel(book, 3, (parallel) => expectSameScan(parallel, book, `generated, seed ${baseSeed}`));
  });

  it("with more threads than accounts: at most one account per thread", async () => {
    const book = randomBook(new Rng(baseSeed), { accounts: 3, extreme: 0 });
    await withParallel(book, 8, async (parallel) => {
      expect(parallel.threads).toBe(Math.min(3, availableParallelism()));
      await expectSameScan(parallel, book, `seed ${baseSeed}`);
    });
  });

  it("uses as many threads as the hardware offers by default", async () => {
    const book = randomBook(new Rng(baseSeed), { accounts: 100, extreme: 0 });
    const parallel = await openParallel(book);
    try {
      expect(parallel.threads).toBe(Math.min(availableParallelism(), 100));
      await expectSameScan(parallel, book, `seed ${baseSeed}`);
    } finally {
      await parallel.close();
    }
  });

  it("never starts more workers than the hardware has threads: threads: 1000 gives one per hardware thread", async () => {
    const book = generateBook({ accounts: 2000, seed: baseSeed });
    const tasks = () => (existsSync("/proc/self/task") ? readdirSync("/proc/self/task").length : 0);
    const before = tasks();
    await withParallel(book, 1000, async (parallel) => {
      expect(parallel.threads).toBe(availableParallelism());
      if (before > 0) expect(tasks() - before).toBeLessThanOrEqual(availableParallelism() + 8); // not 1000 more threads
      await expectSameScan(parallel, book, `generated, seed ${baseSeed}`);
    });
  });

  it("on an empty book", async () => {
    const book = randomBook(new Rng(baseSeed), { accounts: 0 });
    await withParallel(book, 4, async (parallel) => {
      expect([parallel.threads, parallel.accountCount, parallel.positionCount]).toEqual([1, 0, 0]);
      const result = await parallel.scanParallel();
      expect(result.totals).toEqual({ liquidatable: 0, overflow: 0, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 0n, notional: 0n });
      expect(result.status.length).toBe(0);
      expect(result.liquidatable()).toEqual([]);
    });
  });

  it.each(["binance-usdm", "hyperliquid", "dydx-v4"] as const)("on a %s book, under the venue's rules, after a tick", async (venue) => {
    const seed = baseSeed + 11;
    const rng = new Rng(seed);
    const book = randomVenueBook(rng, venue, { accounts: 1200, markets: 3, extreme: 0.05 });
    await withParallel(book, 2, async (parallel) => {
      await expectSameScan(parallel, book, `${venue} seed ${seed}`);
      parallel.setMarkPrice(0, (parallel.markPrice(0) * 97n) / 100n);
      await expectSameScan(parallel, book, `${venue} seed ${seed}, after a tick`);
    });
  });

  it("after price ticks, set by market id and by index", async () => {
    const seed = baseSeed + 7;
    const rng = new Rng(seed);
    const book = randomBook(rng, { accounts: 1500, markets: 4, extreme: 0.1 });
    await withParallel(book, 2, async (parallel) => {
      for (let tick = 0; tick < 5; tick++) {
        const m = rng.int(0, 3);
        // An extreme mark near 2^63 moved up would leave the price range: clamp it to the largest price.
        const scaled = (parallel.markPrice(m) * BigInt(rng.int(700, 1300))) / 1000n;
        const moved = scaled > (1n << 63n) - 1n ? (1n << 63n) - 1n : scaled;
        if (tick % 2 === 0) parallel.setMarkPrice(m, moved);
        else parallel.setMarkPrice(book.markets[m]!.id, moved);
        expect(parallel.markPrice(m)).toBe(moved);
        await expectSameScan(parallel, book, `seed ${seed}, tick ${tick}`);
      }
    });
  });

  it("scans started back to back each see the marks of their own start", async () => {
    const book = generateBook({ accounts: 5000, seed: baseSeed });
    const btc = book.markets[0]!;
    await withParallel(book, 2, async (parallel) => {
      const atLoad = parallel.scanParallel();
      parallel.setMarkPrice(btc.id, (btc.markPrice * 8n) / 10n);
      const afterDrop = parallel.scanParallel();
      const [a, b] = await Promise.all([atLoad, afterDrop]);
      const single = await engine.load(book);
      expect(a.totals).toEqual(single.scan().totals);
      single.setMarkPrice(btc.id, (btc.markPrice * 8n) / 10n);
      expect(b.totals).toEqual(single.scan().totals);
      expect(b.totals.liquidatable).toBeGreaterThan(a.totals.liquidatable);
    });
  });

  it("keeps a result until a later scan's result arrives; then its statuses throw and its totals stay", async () => {
    const book = generateBook({ accounts: 3000, seed: baseSeed });
    await withParallel(book, 2, async (parallel) => {
      const before = await parallel.scanParallel();
      expect(before.status.buffer).toBeInstanceOf(SharedArrayBuffer); // Node shares memory with its workers
      const copy = before.status.slice();
      parallel.setMarkPrice(0, 1n);
      const pending = parallel.scanParallel();
      expect(before.status).toEqual(copy); // the later scan has not given its result yet
      const after = await pending;
      expect(Buffer.from(after.status).equals(Buffer.from(copy))).toBe(false);
      expect(() => before.status).toThrow("liqscan: this parallel scan result was superseded by a later scan of the same book");
      expect(() => before.liquidatable()).toThrow("superseded");
      expect(() => before.statusOf(0)).toThrow("superseded");
      expect(before.accountCount).toBe(3000);
      expect(before.totals.liquidatable).toBe(copy.filter((s) => s === 1).length);
    });
  });

  it("gives each of several scans sent at once its own statuses, read as each arrives", async () => {
    // Pipelined scans need more status buffers than the two that alternate turn by turn: a buffer
    // reused too early would show a later scan's statuses.
    const book = generateBook({ accounts: 4000, seed: baseSeed + 7 });
    const btc = book.markets[0]!;
    const drops = [10n, 9n, 8n, 7n, 10n, 6n];
    const single = await engine.load(book);
    const want = drops.map((d) => {
      single.setMarkPrice(0, (btc.markPrice * d) / 10n);
      return single.scan().status.slice();
    });
    single.dispose();
    await withParallel(book, 2, async (parallel) => {
      for (let round = 0; round < 2; round++) {
        const got = await Promise.all(drops.map((d) => {
          parallel.setMarkPrice(0, (btc.markPrice * d) / 10n);
          return parallel.scanParallel().then((r) => r.status.slice());
        }));
        got.forEach((status, i) => expect(Buffer.from(status).equals(Buffer.from(want[i]!)), `round ${round}, scan ${i}`).toBe(true));
      }
      // Turn by turn after that: each result right, the previous one superseded. While a scan
      // runs, the current result may still be read (a bot reading the last result while the next
      // scan runs), so the scan must not write into its statuses: the array read from the previous
      // result still holds that scan's statuses when the next result arrives.
      let previous: { result: Awaited<ReturnType<ParallelBook["scanParallel"]>>; status: Uint8Array; i: number } | undefined;
      for (let i = 0; i < drops.length; i++) {
        parallel.setMarkPrice(0, (btc.markPrice * drops[i]!) / 10n);
        const result = await parallel.scanParallel();
        expect(Buffer.from(result.status).equals(Buffer.from(want[i]!)), `turn ${i}`).toBe(true);
        if (previous) {
          expect(() => previous!.result.status).toThrow("superseded");
          expect(Buffer.from(previous.status).equals(Buffer.from(want[previous.i]!)), `turn ${i}: the previous result's statuses while this scan ran`).toBe(true);
        }
        previous = { result, status: result.status, i };
      }
    });
  });

  it("gives every position's liquidation price in an array the workers filled (shared memory), or in a copy where memory cannot be shared", async () => {
    const book = generateBook({ accounts: 3000, seed: baseSeed + 13 });
    const single = await engine.load(book);
    single.setMarkPrice(0, (book.markets[0]!.markPrice * 9n) / 10n);
    const want = [...single.liquidationPrices()];
    single.dispose();
    expect(want.filter((p) => p >= 0n).length).toBeGreaterThan(1000);
    const global = globalThis as { crossOriginIsolated?: boolean };
    for (const isolated of [true, false]) {
      if (!isolated) global.crossOriginIsolated = false;
      const parallel = await openParallel(book, { threads: 2 }).finally(() => delete global.crossOriginIsolated);
      try {
        parallel.setMarkPrice(0, (book.markets[0]!.markPrice * 9n) / 10n);
        const prices = await parallel.liquidationPricesParallel();
        expect(prices.buffer).toBeInstanceOf(isolated ? SharedArrayBuffer : ArrayBuffer);
        expect([...prices], `shared: ${isolated}`).toEqual(want);
        const again = await parallel.liquidationPricesParallel();
        expect(again.buffer).not.toBe(prices.buffer); // each call's array is the caller's own
        expect([...prices]).toEqual(want);
      } finally {
        await parallel.close();
      }
    }
  });

  it("gives the same statuses where memory cannot be shared (a browser page that is not cross-origin isolated)", async () => {
    const book = generateBook({ accounts: 3000, seed: baseSeed + 11 });
    const global = globalThis as { crossOriginIsolated?: boolean };
    global.crossOriginIsolated = false;
    let parallel: ParallelBook;
    try {
      parallel = await openParallel(book, { threads: 2 });
    } finally {
      delete global.crossOriginIsolated;
    }
    try {
      await expectSameScan(parallel, book, "copied statuses");
      const first = await parallel.scanParallel();
      expect(first.status.buffer).toBeInstanceOf(ArrayBuffer); // a copy, not shared memory
      parallel.setMarkPrice(0, 1n);
      await parallel.scanParallel();
      expect(() => first.status).toThrow("superseded");
    } finally {
      await parallel.close();
    }
  });
});

describe("stress grids and liquidation prices on the parallel book equal one thread's", () => {
  it.each(["generic", "binance-usdm", "hyperliquid"] as const)("%s: the scan, 21 shocks on every market and every position's price, after a tick", async (venue) => {
    const seed = baseSeed + 31;
    const rng = new Rng(seed);
    // binance-usdm books hold hedged pairs too (their legs priced by the reference in each worker).
    const book = venue === "generic" ? randomBook(rng, { accounts: 900, markets: 3, extreme: 0.05 }) : randomVenueBook(rng, venue, { accounts: 900, markets: 3, extreme: 0.02, hedges: 0.1 });
    const shocks = Array.from({ length: 21 }, (_, k) => BigInt((k - 10) * 50_000));
    const betas = book.markets.map((_, m) => BigInt(1_000_000 - m * 250_000));
    await withParallel(book, 2, async (parallel) => {
      parallel.setMarkPrice(0, (parallel.markPrice(0) * 99n) / 100n);
      const single = await engine.load(book);
      single.setMarkPrice(0, parallel.markPrice(0));
      await expectSameScan(parallel, book, `${venue} seed ${seed}: scan`);
      expect(await parallel.shockTotalsParallel(shocks, betas), `${venue} seed ${seed}: totals`).toEqual(single.shockTotals(shocks, betas));
      // The same prices, or the same refusal: a random binance-usdm book can hold a hedged pair
      // whose band is too wide to walk (docs/venues/binance-usdm.md, "Hedge mode").
      let want: bigint[] | string;
      try {
        want = [...single.liquidationPrices()];
      } catch (e) {
        want = (e as Error).message;
      }
      // (Which pair's refusal comes first differs: one thread meets them in book order, the workers at once.)
      if (typeof want === "string") await expect(parallel.liquidationPricesParallel(), `${venue} seed ${seed}: prices`).rejects.toThrow(/the hedged pair's liquidation price lies among \d+ prices/);
      else expect([...(await parallel.liquidationPricesParallel())], `${venue} seed ${seed}: prices`).toEqual(want);
      single.dispose();
    });
  });

  it("checks the grid once, as one thread's shockTotals does", async () => {
    const book = randomBook(new Rng(baseSeed + 32), { accounts: 50, markets: 2 });
    await withParallel(book, 2, async (parallel) => {
      const single = await engine.load(book);
      let want = "";
      try { single.shockTotals([0n], [1_000_000n]); } catch (e) { want = (e as Error).message; }
      await expect(parallel.shockTotalsParallel([0n], [1_000_000n])).rejects.toThrow(want);
      single.dispose();
    });
  });
});

describe("shards", () => {
  it("cover every account once, in order, none empty, balanced by accounts + positions", () => {
    const book = generateBook({ accounts: 10_001, seed: baseSeed });
    const starts = book.positionStart;
    for (const count of [1, 2, 3, 7]) {
      const ranges = planShards(starts, count);
      expect(ranges.length).toBe(count);
      expect(ranges[0]!.from).toBe(0);
      expect(ranges.at(-1)!.to).toBe(10_001);
      ranges.forEach((r, i) => {
        expect(r.to).toBeGreaterThan(r.from);
        if (i > 0) expect(r.from).toBe(ranges[i - 1]!.to);
        // Within one account's work (at most 8 positions + 1) of an equal share.
        const work = starts[r.to]! + r.to - (starts[r.from]! + r.from);
        expect(Math.abs(work - (starts[10_001]! + 10_001) / count)).toBeLessThanOrEqual(9);
      });
    }
  });

  it("carry their own columns with offsets from 0", () => {
    const book = bookToColumns({
      liquidatorSharePpm: 0n,
      markets: [{ id: "M", sizeDecimals: 0, priceDecimals: 0, markPrice: 10n, tiers: [{ maxNotional: null, mmrPpm: 0n }], liquidationFeePpm: 0n }],
      accounts: [
        { id: "a", collateral: 1n, positions: [{ market: 0, size: 1n, entryPrice: 1n }] },
        { id: "b", collateral: 2n, positions: [] },
        { id: "c", collateral: 3n, positions: [{ market: 0, size: 3n, entryPrice: 3n }] },
      ],
    });
    const shard = shardColumns(book, { from: 1, to: 3 });
    expect([...shard.collateral]).toEqual([2n, 3n]);
    expect([...shard.positionStart]).toEqual([0, 0, 1]);
    expect([...shard.positionSize]).toEqual([3n]);
    expect([...shard.positionEntry]).toEqual([3n]);
    expect([...shard.positionMarket]).toEqual([0]);
    expect(book.positionStart[1]).toBe(1); // the book's own columns are untouched
  });
});

describe("errors", () => {
  const book = () => randomBook(new Rng(baseSeed), { accounts: 50, markets: 2, extreme: 0 });

  it("says what it takes when given no book, or a JSON book file as JSON.parse reads it", async () => {
    await expect(openParallel(null as never)).rejects.toThrow(/^liqscan: openParallel\(\) takes a book: .*got null$/);
    await expect(openParallel({ liquidatorShare: "0.5", markets: [], accounts: [] } as never)).rejects.toThrow(/openParallel\(parseBookJson\(text\)\)/);
  });

  it.each([0, -1, 1.5, Number.NaN, "2", 2n])("refuses threads = %s", async (threads) => {
    await expect(openParallel(book(), { threads: threads as number })).rejects.toThrow(/^liqscan: threads must be a whole number of at least 1, got /);
  });

  it("names the book's own account when a shard other than the first holds the bad value", async () => {
    const columns = bookToColumns(book());
    // The first account of the second shard that holds a position (random books have empty ones).
    const second = planShards(columns.positionStart, 2)[1]!;
    let a = second.from;
    while (a < second.to && columns.positionStart[a] === columns.positionStart[a + 1]) a++;
    expect(a, `seed ${baseSeed}: the second shard holds no position`).toBeLessThan(second.to);
    (columns.positionEntry as BigInt64Array)[columns.positionStart[a]!] = -5n;
    const error = await openParallel(columns, { threads: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BookError);
    expect((error as BookError).record).toBe(`account "${columns.accountIds[a]}" position 1`);
    expect((error as BookError).field).toBe("entryPrice");
  });

  it("checks marks like a live book: unknown markets, prices out of range", async () => {
    await withParallel(book(), 2, async (parallel) => {
      expect(() => parallel.setMarkPrice("NOPE", 1n)).toThrow('liqscan: unknown market "NOPE"');
      expect(() => parallel.setMarkPrice(2, 1n)).toThrow("liqscan: unknown market 2");
      expect(() => parallel.markPrice(-1)).toThrow("liqscan: unknown market -1");
      for (const price of [-1n, 1n << 63n]) {
        let error: unknown;
        try {
          parallel.setMarkPrice("M1", price);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(BookError);
        expect((error as BookError).message).toBe(`market "M1": field "markPrice": ${price} is outside 0..9223372036854775807`);
      }
      // A refused mark changes nothing.
      await expectSameScan(parallel, book(), "after refused marks");
    });
  });

  it("refuses a closed book, and close() twice is fine", async () => {
    const parallel = await openParallel(book(), { threads: 2 });
    await parallel.close();
    await parallel.close();
    await expect(parallel.scanParallel()).rejects.toThrow("liqscan: this parallel book was closed");
    expect(() => parallel.setMarkPrice(0, 1n)).toThrow("liqscan: this parallel book was closed");
    expect(() => parallel.markPrice(0)).toThrow("liqscan: this parallel book was closed");
  });

  it("rejects a scan still running when the book is closed", async () => {
    const parallel = await openParallel(generateBook({ accounts: 20_000, seed: 1 }), { threads: 2 });
    const rejected = expect(parallel.scanParallel()).rejects.toThrow("liqscan: this parallel book was closed");
    await parallel.close();
    await rejected;
  });

  it("reports a failure inside a worker and stops the workers", async () => {
    // A valid but empty WebAssembly module: it compiles, and the worker's engine refuses it.
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(openParallel(book(), { threads: 2, wasm: empty })).rejects.toThrow(/layoutVersion/);
  });

  it("says that the TypeScript sources cannot start worker threads", async () => {
    await expect(openParallelFromSources(book(), { threads: 1 })).rejects.toThrow(/run the built package/);
  });
});

describe("workers and the process", () => {
  // Child processes: a worker that outlived its book would keep Node running until the timeout.
  function runScript(name: string, body: string): string {
    mkdirSync("build", { recursive: true });
    const path = `build/${name}.mjs`;
    writeFileSync(path, `import { generateBook, openParallel } from "liqscan";\n${body}`);
    return execFileSync(process.execPath, [path], { encoding: "utf8", timeout: 30_000 });
  }

  // Linux lists a process's threads in /proc/self/task: each worker is one more. Elsewhere the
  // test fails saying so (no test is skipped).
  it("close() ends the worker threads", () => {
    expect(existsSync("/proc/self/task"), "this test counts threads in /proc/self/task, which only Linux has").toBe(true);
    const out = runScript("parallel-close", `
import { readdirSync } from "node:fs";
const threads = () => readdirSync("/proc/self/task").length;
const before = threads();
const book = await openParallel(generateBook({ accounts: 2000, seed: 1 }), { threads: 3 });
await book.scanParallel();
const open = threads();
await book.close();
console.log(open - before, threads() - before);
`);
    expect(out.trim()).toBe(`${Math.min(3, availableParallelism())} 0`);
  });

  it("a book that is never closed does not keep Node running", () => {
    const out = runScript("parallel-forgotten", `
const book = await openParallel(generateBook({ accounts: 2000, seed: 1 }), { threads: 2 });
console.log((await book.scanParallel()).accountCount);
`);
    expect(out.trim()).toBe("2000");
  });
});
