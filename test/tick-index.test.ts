/**
 * The tick index (assembly/tick.ts): after a tick of one market a live book goes through that
 * market's holders and proves most of them ok from a lower bound it keeps per account, moved by
 * the tick. A bound that claimed too much would show as an account the book calls ok while a full
 * scan calls it liquidatable: every check here compares the ticking book with a second book of the
 * same columns scanned in full each time (and with the BigInt reference on the small books), and
 * asserts that the ticks did go through the holders.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createEngine, generateBook, type Engine, type LiveBook } from "../bindings/index.js";
import type { Book } from "../book/types.js";
import { I64_MAX, Rng, randomBook, randomVenueBook } from "./support/random-book.js";

let wasm: Engine;
let reference: Engine;
beforeAll(async () => {
  wasm = await createEngine("wasm");
  reference = await createEngine("reference");
});

/** How many scans of `book` went through a market's holders (the wrapper's tick state, read for the test). */
interface TickProbe { tick: { bounds: number }; plan: { desc: number }; core: { memory: WebAssembly.Memory } }
function usedTickPath(book: LiveBook): boolean {
  const b = book as unknown as TickProbe;
  return new DataView(b.core.memory.buffer).getUint32(b.plan.desc + 140, true) !== 0; // DESC.tickMarket of the last scan
}

/** The ticking book's scan equals a full scan of the other book: statuses, totals, every flagged account's amounts, and the change events. */
function expectSame(ticking: LiveBook, whole: LiveBook, where: string): boolean {
  const a = ticking.scan();
  const took = usedTickPath(ticking);
  const b = whole.scan({ full: true });
  expect(a.totals, `${where}: totals`).toEqual(b.totals);
  expect(Buffer.from(a.status).equals(Buffer.from(b.status)), `${where}: statuses`).toBe(true);
  for (const i of b.liquidatable()) expect(a.account(i), `${where}: account ${i}`).toEqual(b.account(i));
  const changes = (r: typeof a) => r.changes().map((c) => `${c.account}:${c.before}>${c.after}`).sort();
  expect(changes(a), `${where}: changes`).toEqual(changes(b));
  return took;
}

function pair(book: Parameters<Engine["load"]>[0]) {
  return Promise.all([wasm.load(book), wasm.load(book)]);
}

describe("ticks through the holders of one market", () => {
  it("a long run of ticks, small and large, of one market at a time: every scan equals a full scan", async () => {
    const columns = generateBook({ accounts: 6_000, seed: 21, markets: 20 });
    const [ticking, whole] = await pair(columns);
    const rng = new Rng(2101);
    let took = 0;
    expectSame(ticking, whole, "first");
    for (let step = 0; step < 400; step++) {
      const m = rng.int(0, 3); // the most held markets
      const ppm = rng.pick([1, 10, 1_000, 20_000, 150_000]) * (rng.chance(0.5) ? 1 : -1);
      const price = (ticking.markPrice(m) * BigInt(1_000_000 + ppm)) / 1_000_000n;
      for (const b of [ticking, whole]) b.setMarkPrice(m, price > 0n ? price : 1n);
      if (expectSame(ticking, whole, `step ${step}`)) took++;
    }
    expect(took).toBeGreaterThan(350);
  });

  it("a mark moved by one unit back and forth 2,000 times, on a book with accounts on their line", async () => {
    const rng = new Rng(31);
    const book = randomBook(rng, { accounts: 400, markets: 3, extreme: 0 });
    const [ticking, whole] = await pair(book);
    const oracle = await reference.load(book);
    let took = 0;
    const base = ticking.markPrice(0);
    for (let step = 0; step < 2_000; step++) {
      const price = base + BigInt(step % 2);
      for (const b of [ticking, whole, oracle]) b.setMarkPrice(0, price);
      if (expectSame(ticking, whole, `step ${step}`)) took++;
      if (step % 250 === 0) {
        const want = oracle.scan();
        expect(Buffer.from(ticking.scan().status).equals(Buffer.from(want.status)), `step ${step}: reference`).toBe(true);
      }
    }
    expect(took).toBeGreaterThan(1_990);
  });

  it("random books with extreme values, every venue with a float image, ticks of random size", async () => {
    let took = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const rng = new Rng(seed * 7_919);
      const venue = (["generic", "binance-usdm", "hyperliquid", "dydx-v4"] as const)[seed % 4]!;
      const book: Book = venue === "generic" ? randomBook(rng, { accounts: 250, markets: rng.int(1, 5) }) : randomVenueBook(rng, venue, { accounts: 250, markets: rng.int(1, 5), hedges: 0.3 });
      const [ticking, whole] = await pair(book);
      const oracle = await reference.load(book);
      expectSame(ticking, whole, `seed ${seed}`);
      for (let step = 0; step < 30; step++) {
        const m = rng.int(0, book.markets.length - 1);
        const price = rng.chance(0.05) ? rng.bits(63) : (ticking.markPrice(m) * BigInt(rng.pick([999_999, 1_000_001, 990_000, 1_010_000, 700_000, 1_300_000]))) / 1_000_000n;
        const clamped = price > I64_MAX ? I64_MAX : price < 0n ? 0n : price;
        for (const b of [ticking, whole, oracle]) b.setMarkPrice(m, clamped);
        if (expectSame(ticking, whole, `seed ${seed} (${venue}) step ${step}`)) took++;
      }
      const want = oracle.scan();
      const got = ticking.scan();
      expect(got.totals, `seed ${seed}: reference totals`).toEqual(want.totals);
      expect(Buffer.from(got.status).equals(Buffer.from(want.status)), `seed ${seed}: reference statuses`).toBe(true);
    }
    expect(took).toBeGreaterThan(24 * 15);
  });

  it("several markets moved at once, or a tick and a fill before one scan: the holders are marked and evaluated", async () => {
    const columns = generateBook({ accounts: 4_000, seed: 12, markets: 10 });
    const [ticking, whole] = await pair(columns);
    const rng = new Rng(1_212);
    const kinds = { ticks: 0, marked: 0 };
    for (let step = 0; step < 200; step++) {
      const moved = rng.chance(0.4) ? [rng.int(0, 9), rng.int(0, 9), rng.int(0, 9)] : [rng.int(0, 9)];
      for (const m of moved) {
        const price = (ticking.markPrice(m) * BigInt(1_000_000 + rng.int(-20_000, 20_000))) / 1_000_000n;
        for (const b of [ticking, whole]) b.setMarkPrice(m, price);
      }
      const fill = moved.length === 1 && rng.chance(0.3);
      if (fill) {
        // A fill of a position the account holds: the book's shape stays, so the index stays on.
        const p = rng.int(0, ticking.positionCount - 1);
        const size = ticking.inputs.positionSize[p]! + BigInt(rng.int(-3, 3)) * 1_000n;
        const entry = ticking.inputs.positionEntry[p]!;
        for (const b of [ticking, whole]) b.setPosition(p, size, entry);
      }
      const onIndex = (ticking as unknown as TickProbe).tick.bounds !== 0;
      const took = expectSame(ticking, whole, `step ${step}`);
      if (took) kinds.ticks++;
      else if (onIndex && (new Set(moved).size > 1 || fill)) kinds.marked++;
    }
    expect(kinds.ticks).toBeGreaterThan(60);
    expect(kinds.marked).toBeGreaterThan(60);
  });

  it("hedged accounts (two positions in the ticked market) are moved from their positions", async () => {
    const rng = new Rng(4_242);
    const book = randomVenueBook(rng, "binance-usdm", { accounts: 400, markets: 2, hedges: 1, extreme: 0 });
    expect(book.accounts.filter((a) => a.positions.length > new Set(a.positions.map((p) => p.market)).size).length).toBeGreaterThan(100);
    const [ticking, whole] = await pair(book);
    let took = 0;
    for (let step = 0; step < 200; step++) {
      const m = step % 2;
      const price = (ticking.markPrice(m) * BigInt(rng.pick([999_000, 1_001_000, 1_000_001, 999_999]))) / 1_000_000n;
      for (const b of [ticking, whole]) b.setMarkPrice(m, price);
      if (expectSame(ticking, whole, `step ${step}`)) took++;
    }
    expect(took).toBeGreaterThan(190);
  });

  it("fills, new positions, new accounts and collateral between ticks: the holder list follows, or is built again", async () => {
    const columns = generateBook({ accounts: 3_000, seed: 9, markets: 6 });
    const [ticking, whole] = await pair(columns);
    const rng = new Rng(99);
    let took = 0;
    for (let step = 0; step < 300; step++) {
      const kind = rng.int(0, 9);
      const m = rng.int(0, 5);
      if (kind <= 5) {
        const price = (ticking.markPrice(m) * BigInt(1_000_000 + rng.int(-30_000, 30_000))) / 1_000_000n;
        for (const b of [ticking, whole]) b.setMarkPrice(m, price);
      } else if (kind === 6) {
        const a = rng.int(0, ticking.accountCount - 1);
        const size = BigInt(rng.int(-5_000, 5_000)) * 1_000n;
        const price = ticking.markPrice(m);
        if (size !== 0n) for (const b of [ticking, whole]) b.fill(a, m, size, price);
      } else if (kind === 7) {
        const p = rng.int(0, ticking.positionCount - 1);
        const size = ticking.inputs.positionSize[p]! * BigInt(rng.int(1, 4));
        const entry = ticking.inputs.positionEntry[p]!;
        for (const b of [ticking, whole]) b.setPosition(p, size, entry);
      } else if (kind === 8) {
        const id = `new-${step}`;
        for (const b of [ticking, whole]) {
          const a = b.addAccount(id, 1_000_000_000n);
          b.openPosition(a, m, 1_000n, b.markPrice(m));
        }
      } else {
        const a = rng.int(0, ticking.accountCount - 1);
        const collateral = ticking.inputs.collateral[a]! / 3n;
        for (const b of [ticking, whole]) b.setCollateral(a, collateral);
      }
      if (expectSame(ticking, whole, `step ${step} (kind ${kind})`)) took++;
    }
    expect(took).toBeGreaterThan(40);
  });

  it("a mark past 4 times its lowest since the last full scan takes a full scan, and the book stays exact up to overflow", async () => {
    const rng = new Rng(5);
    const book = randomBook(rng, { accounts: 300, markets: 2, extreme: 0.3 });
    const [ticking, whole] = await pair(book);
    const oracle = await reference.load(book);
    const paths: boolean[] = [];
    for (let step = 0; step < 40; step++) {
      const price = ticking.markPrice(0) * 2n;
      const clamped = price > I64_MAX || price === 0n ? I64_MAX : price;
      for (const b of [ticking, whole, oracle]) b.setMarkPrice(0, clamped);
      paths.push(expectSame(ticking, whole, `step ${step}`));
      const want = oracle.scan();
      expect(ticking.scan().totals, `step ${step}: reference`).toEqual(want.totals);
    }
    // Doubling until the mark is clamped at 2^63 - 1 (then it stays): a tick that passes 4 times the
    // mark of the last full scan takes a full scan, the others go through the holders.
    expect(paths.slice(0, 20).filter((p) => !p).length).toBeGreaterThan(4);
    expect(paths.filter((p) => p).length).toBeGreaterThan(5);
  });
});
