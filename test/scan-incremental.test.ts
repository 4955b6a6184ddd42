/**
 * The scan's shortcuts must never show: the float pre-filter (only "certainly ok" skips the exact
 * path), incremental rescans after ticks and edits (carried entries), the flagged list growing
 * mid-scan, and amounts computed on demand. Every check compares with the BigInt reference.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createEngine, generateBook, type Engine, type LiveBook } from "../bindings/index.js";
import type { Book, Market } from "../book/types.js";
import { maintenance, notional, pnl, scanBook } from "../reference/index.js";
import { I64_MAX, Rng, randomBook } from "./support/random-book.js";

let wasm: Engine;
let reference: Engine;
beforeAll(async () => {
  wasm = await createEngine("wasm");
  reference = await createEngine("reference");
});

/** Same statuses and totals as the reference, and the same exact amounts for every flagged account and a sample of the rest. */
function expectSameScan(got: LiveBook, want: LiveBook, where: string): void {
  const a = got.scan();
  const b = want.scan();
  expect(a.totals, `${where}: totals`).toEqual(b.totals);
  expect(Buffer.from(a.status).equals(Buffer.from(b.status)), `${where}: statuses`).toBe(true);
  for (const i of b.liquidatable()) expect(a.account(i), `${where}: account ${i}`).toEqual(b.account(i));
  for (let i = 0; i < got.accountCount; i += 97) expect(a.account(i), `${where}: account ${i}`).toEqual(b.account(i));
}

describe("incremental rescans", () => {
  it("after price ticks of one market, edits of collateral and positions, equal the reference every time", async () => {
    const columns = generateBook({ accounts: 6_000, seed: 5 });
    const live = await wasm.load(columns);
    const oracle = await reference.load(columns);
    const rng = new Rng(77);
    expectSameScan(live, oracle, "first scan");
    for (let step = 0; step < 40; step++) {
      const kind = rng.int(0, 3);
      if (kind <= 1) {
        // One market moves by up to +-8 %: an incremental rescan of its holders.
        const m = rng.int(0, live.markets.length - 1);
        const price = (live.markPrice(m) * BigInt(1_000_000 + rng.int(-80_000, 80_000))) / 1_000_000n;
        for (const b of [live, oracle]) b.setMarkPrice(m, price);
      } else if (kind === 2) {
        const a = rng.int(0, live.accountCount - 1);
        const c = live.inputs.collateral[a]! / BigInt(rng.int(1, 20));
        for (const b of [live, oracle]) b.setCollateral(a, c);
      } else {
        const p = rng.int(0, live.positionCount - 1);
        const size = rng.chance(0.3) ? 0n : live.inputs.positionSize[p]! * BigInt(rng.int(1, 6));
        const entry = live.inputs.positionEntry[p]!;
        for (const b of [live, oracle]) b.setPosition(p, size, entry);
      }
      expectSameScan(live, oracle, `step ${step} (kind ${kind})`);
    }
  });

  it("on random books with extreme values, after ticks of one and of every market", async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rng = new Rng(seed * 1_000_003);
      const book = randomBook(rng, { accounts: 300, markets: rng.int(2, 9) });
      const live = await wasm.load(book);
      const oracle = await reference.load(book);
      expectSameScan(live, oracle, `seed ${seed}`);
      for (let step = 0; step < 6; step++) {
        const moved = step % 3 === 2 ? book.markets.map((_, m) => m) : [rng.int(0, book.markets.length - 1)];
        for (const m of moved) {
          const price = rng.chance(0.2) ? rng.bits(63) : (live.markPrice(m) * BigInt(rng.int(500_000, 1_500_000))) / 1_000_000n;
          for (const b of [live, oracle]) b.setMarkPrice(m, price > I64_MAX ? I64_MAX : price);
        }
        expectSameScan(live, oracle, `seed ${seed} step ${step}`);
      }
    }
  });

  // The market summary keeps one bit per market mod 32: markets 0 and 32 share one, 31 takes the
  // sign bit of the word; a tick of each must rescan exactly its holders (and those sharing its bit).
  it("after ticks of markets that share or end the summary word (40 markets)", async () => {
    const columns = generateBook({ accounts: 5_000, seed: 11, markets: 40 });
    const live = await wasm.load(columns);
    const oracle = await reference.load(columns);
    expectSameScan(live, oracle, "first scan");
    for (const [step, m] of [31, 0, 32, 15, 16, 39, 31, 33].entries()) {
      // Far enough (-15 %) that some holders change status on every tick.
      const price = (live.markPrice(m) * BigInt(step % 2 ? 1_150_000 : 850_000)) / 1_000_000n;
      for (const b of [live, oracle]) b.setMarkPrice(m, price);
      expectSameScan(live, oracle, `tick ${step} of market ${m}`);
    }
  });

  it("after edits alone, few or more than one work list holds (16,384), and after none", async () => {
    // The wasm book hands the core its list of edited accounts when no mark moved (editScan), and
    // falls back to reading every status once the list passes a chunk of the candidates buffer.
    const columns = generateBook({ accounts: 20_000, seed: 11 });
    const live = await wasm.load(columns);
    const oracle = await reference.load(columns);
    const rng = new Rng(5);
    expectSameScan(live, oracle, "first scan");
    for (const edits of [0, 1, 3, 500, 16_383, 16_384, 16_385, 19_999]) {
      for (let i = 0; i < edits; i++) {
        const a = rng.int(0, live.accountCount - 1);
        const c = BigInt(rng.int(-1_000_000, 2_000_000_000));
        live.setCollateral(a, c);
        oracle.setCollateral(a, c);
      }
      expectSameScan(live, oracle, `${edits} edits`);
    }
    // a new account and a position opened in it, with edits of others
    for (const book of [live, oracle]) {
      const a = book.addAccount("fresh", 10n);
      book.openPosition(a, 0, 1_000n, book.markPrice(0));
      book.setCollateral(7, -5_000_000_000n);
    }
    expectSameScan(live, oracle, "a new account");
  });

  it("carries the market summary through growths of the book: a tick after many new accounts rescans the old holders", async () => {
    // A re-layout that moves the columns (the book outgrew its room) carries each account's market
    // bits over; a summary left behind would skip old holders of a market that then moves.
    const columns = generateBook({ accounts: 3_000, seed: 21 });
    const live = await wasm.load(columns);
    const oracle = await reference.load(columns);
    expectSameScan(live, oracle, "first scan");
    for (const b of [live, oracle]) b.setMarkPrice(0, (b.markPrice(0) * 101n) / 100n);
    expectSameScan(live, oracle, "a tick (the summary is computed)");
    for (let i = 0; i < 6_000; i++) {
      for (const b of [live, oracle]) {
        const a = b.addAccount(`new-${i}`, 10n ** 12n);
        b.openPosition(a, 1, 1n, b.markPrice(1));
      }
    }
    expectSameScan(live, oracle, "after the growths");
    const before = live.scan().liquidatable().length;
    for (const b of [live, oracle]) b.setMarkPrice(0, (b.markPrice(0) * 70n) / 100n);
    expectSameScan(live, oracle, "market 0 falls 30 %");
    expect(live.scan().liquidatable().length, "the fall makes old holders liquidatable").toBeGreaterThan(before + 10);
  });

  it("an unchanged book rescans to the same result; a result is superseded by an edit", async () => {
    const live = await wasm.load(generateBook({ accounts: 2_000, seed: 9 }));
    const first = live.scan();
    const totals = first.totals;
    const flagged = first.liquidatable();
    const again = live.scan();
    expect(again.totals).toEqual(totals);
    expect(again.liquidatable()).toEqual(flagged);
    live.setCollateral(0, 1n);
    expect(() => again.report(0)).toThrow(/superseded/);
  });
});

describe("a scan result", () => {
  it("stays readable after liquidation prices grow the book's memory", async () => {
    const live = await wasm.load(generateBook({ accounts: 20_000, seed: 2 }));
    const before = live.residentBytes;
    const result = live.scan();
    const flagged = result.liquidatable();
    expect(flagged.length).toBeGreaterThan(100);
    live.liquidationPrices();
    expect(live.residentBytes).toBeGreaterThan(before); // the price buffer did grow memory
    expect(result.accountCount).toBe(20_000);
    expect(result.liquidatable()).toEqual(flagged);
    expect(result.statusOf(flagged[0]!)).toBe("liquidatable");
    expect(result.status.length).toBe(20_000);
  });
});

describe("the flagged list", () => {
  it("grows when most of the book becomes liquidatable, and the scan still equals the reference", async () => {
    const columns = generateBook({ accounts: 20_000, seed: 3 });
    const live = await wasm.load(columns);
    const oracle = await reference.load(columns);
    expectSameScan(live, oracle, "at the marks");
    // Every mark halves: the longs (55 %) go under, far past the list's first 3 % + 256.
    for (let m = 0; m < live.markets.length; m++) {
      const half = live.markPrice(m) / 2n;
      for (const b of [live, oracle]) b.setMarkPrice(m, half);
    }
    expectSameScan(live, oracle, "after a 50 % crash");
    expect(live.scan().totals.liquidatable).toBeGreaterThan(5_000);
  });
});

describe("the float pre-filter", () => {
  /** One account on one market, collateral chosen so that equity - maintenance = margin exactly. */
  function onTheLine(market: Market, size: bigint, entry: bigint, margin: bigint): Book {
    const n = notional(market, size, market.markPrice);
    const collateral = maintenance(market, n) - pnl(market, size, entry, market.markPrice) + margin;
    return { liquidatorSharePpm: 500_000n, markets: [market], accounts: [{ id: "x", collateral, positions: [{ market: 0, size, entryPrice: entry }] }] };
  }

  it("never calls an account ok that is one unit under its line, at magnitudes where floats lose units", async () => {
    // e = 0, mark and sizes near 2^29: notional and pnl near 2^58, where an f64 step is 64 units,
    // yet below the 2^62 under which the pre-filter may decide.
    const market: Market = {
      id: "BIG", sizeDecimals: 0, priceDecimals: 6, markPrice: 536_870_911n,
      tiers: [{ maxNotional: 1n << 56n, mmrPpm: 4_000n }, { maxNotional: null, mmrPpm: 50_000n }],
      liquidationFeePpm: 5_000n, volatility: { currentPpm: 900_000n, referencePpm: 600_000n },
    };
    // Random positions there, with the account one unit under, on, and one unit over its line:
    // the float margin of these is off by tens of units, so only the band keeps them exact.
    const rng = new Rng(2024);
    const books: Book[] = [];
    for (let k = 0; k < 300; k++) {
      const size = BigInt(rng.int(1 << 28, 2 ** 29 - 1)) * (rng.chance(0.5) ? 1n : -1n);
      const entry = BigInt(rng.int(1 << 28, 2 ** 29 - 1));
      for (const margin of [-1n, 0n, 1n]) books.push(onTheLine(market, size, entry, margin));
    }
    // One book of all of them, so the wasm scan sees them side by side.
    const book: Book = { ...books[0]!, accounts: books.map((b, i) => ({ ...b.accounts[0]!, id: `x${i}` })) };
    const want = scanBook(book).results;
    const got = (await wasm.load(book)).scan();
    want.forEach((w, i) => {
      expect(w.status, `account ${i}`).toBe(i % 3 === 0 ? "liquidatable" : "ok");
      expect(got.statusOf(i), `account ${i}`).toBe(w.status);
      expect(got.account(i), `account ${i}`).toEqual(w);
    });
    expect(got.totals).toEqual(scanBook(book).totals);
  });
});
