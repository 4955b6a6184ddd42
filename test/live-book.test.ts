/**
 * Live books: the edits that change a book's shape or move money (bindings/live.ts), the change
 * events of a scan, and snapshots. Hand-computed examples of each venue's fill rule, every error
 * path, and a differential property: after random sequences of edits the wasm live book (slots,
 * relocations, compactions, growth) scans, reports changes and snapshots exactly as the
 * reference book does, on every venue.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createEngine, SnapshotError, type Engine, type LiveBook } from "../bindings/index.js";
import type { Book, Market, VenueName } from "../book/types.js";
import { generateBook } from "../book/index.js";
import { randomBook, randomVenueBook, Rng } from "./support/random-book.js";
import { withAssets } from "./support/assets.js";
import { randomGmxBook } from "./support/gmx-random.js";

let wasm: Engine;
let reference: Engine;
beforeAll(async () => {
  wasm = await createEngine("wasm");
  reference = await createEngine("reference");
});
const engines = () => [wasm, reference];

// BTC with 3 size decimals and 1 price decimal: e = -2, so size * price * 100 is in quote units (10^-6 USD).
const btc: Market = { id: "BTC", sizeDecimals: 3, priceDecimals: 1, markPrice: 600_000n, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n };
const hlBtc: Market = { id: "BTC", sizeDecimals: 3, priceDecimals: 1, markPrice: 600_000n, tiers: [{ maxNotional: null, mmrPpm: 0n, maxLeverage: 50n }], liquidationFeePpm: 0n };
const oneAccount = (venue: VenueName, market: Market, collateral: bigint): Book => ({
  ...(venue !== "generic" ? { venue } : {}), liquidatorSharePpm: 0n, markets: [venue === "binance-usdm" ? { ...market, tiers: market.tiers.map((t) => ({ ...t, cum: 0n })) } : market], accounts: [{ id: "alice", collateral, positions: [] }],
});

describe.each(["wasm", "reference"] as const)("fills on the %s engine", (name) => {
  const engine = () => (name === "wasm" ? wasm : reference);

  it("entry venues: weighted-average entry on an increase (rounded against the holder), PnL realized on a reduction, a flip opening at the fill price", async () => {
    for (const venue of ["generic", "binance-usdm"] as const) {
      const book = await engine().load(oneAccount(venue, btc, 1_000_000_000n)); // 1,000 USD
      // Buy 1.000 BTC at 60,000.0: a new position at the fill price.
      expect(book.fill("alice", "BTC", 1_000n, 600_000n)).toEqual({ size: 1_000n, entryPrice: 600_000n, collateralDelta: 0n, collateral: 1_000_000_000n });
      // Buy 2.000 more at 60,000.1: entry (1000 * 600000 + 2000 * 600001) / 3000 = 600000.67, up for a long.
      expect(book.fill("alice", "BTC", 2_000n, 600_001n)).toMatchObject({ size: 3_000n, entryPrice: 600_001n, collateralDelta: 0n });
      // Sell 1.000 at 61,000.0 with a 0.5 USD fee: pnl floor(-1000 * (610000 - 600001) * 100 / ... ) = 1000 * 9999 * 100 = 999,900,000 units.
      expect(book.fill("alice", "BTC", -1_000n, 610_000n, 500_000n)).toEqual({ size: 2_000n, entryPrice: 600_001n, collateralDelta: 999_900_000n - 500_000n, collateral: 1_999_400_000n });
      // Sell 3.000 at 59,000.0: the long's 2.000 realize 2000 * (590000 - 600001) * 100 = -2,000,200,000; a short of 1.000 opens at 59,000.0.
      expect(book.fill("alice", "BTC", -3_000n, 590_000n)).toEqual({ size: -1_000n, entryPrice: 590_000n, collateralDelta: -2_000_200_000n, collateral: -800_000n });
      // Sell 2.000 more at 59,000.1: a short's average rounds down: (1000 * 590000 + 2000 * 590001) / 3000 = 590000.67 -> 590000.
      expect(book.fill("alice", "BTC", -2_000n, 590_001n)).toMatchObject({ size: -3_000n, entryPrice: 590_000n });
      // Buy 3.000 back at 58,000.0: closed, +3000 * 10000 * 100.
      expect(book.fill("alice", "BTC", 3_000n, 580_000n)).toEqual({ size: 0n, entryPrice: 0n, collateralDelta: 3_000_000_000n, collateral: 2_999_200_000n });
      expect(book.positionCount).toBe(0);
      expect(book.toBook().accounts[0]!.positions).toEqual([]);
    }
  });

  it("rounds realized PnL toward the venue: a loss of a fraction of a unit costs a whole unit", async () => {
    // e = 3 + 2 - 6 = -1... use sizeDecimals 6, priceDecimals 2: e = 2, PnL = floor(s * dP / 100).
    const m: Market = { ...btc, sizeDecimals: 6, priceDecimals: 2, markPrice: 6_000_000n };
    const book = await engine().load(oneAccount("generic", m, 0n));
    book.fill(0, 0, 1n, 6_000_000n);
    // Sell the 1 unit at 1 price unit less: pnl = floor(1 * -1 / 100) = -1.
    expect(book.fill(0, 0, -1n, 5_999_999n).collateralDelta).toBe(-1n);
    book.fill(0, 0, 1n, 6_000_000n);
    // ... at 1 price unit more: floor(1 / 100) = 0.
    expect(book.fill(0, 0, -1n, 6_000_001n).collateralDelta).toBe(0n);
  });

  it("hyperliquid: the balance pays for what is bought and receives what is sold, rounded toward the venue", async () => {
    const book = await engine().load(oneAccount("hyperliquid", { ...hlBtc, sizeDecimals: 5, priceDecimals: 2, markPrice: 6_000_000n }, 1_000_000_000n));
    // e = 5 + 2 - 6 = 1: buying 1 unit at 60,000.01 costs ceil(6000001 / 10) = 600,001 units.
    expect(book.fill(0, "BTC", 1n, 6_000_001n)).toEqual({ size: 1n, entryPrice: 6_000_001n, collateralDelta: -600_001n, collateral: 999_399_999n });
    // Selling it at 60,000.09 receives floor(6000009 / 10) = 600,000.
    expect(book.fill(0, "BTC", -1n, 6_000_009n)).toEqual({ size: 0n, entryPrice: 0n, collateralDelta: 600_000n, collateral: 999_999_999n });
  });
});

describe.each(["wasm", "reference"] as const)("edits on the %s engine", (name) => {
  const engine = () => (name === "wasm" ? wasm : reference);

  it("finds accounts by id before and after new ones join, on a book whose ids are the caller's array; refuses a taken id", async () => {
    // The wasm book's id index is built over the caller's ids on the first lookup, and follows the
    // book's own copy once a new account is added (the caller's array is never changed).
    const ids = Array.from({ length: 5_000 }, (_, i) => `acct-${i}`);
    const columns = { ...generateBook({ accounts: 5_000, seed: 3 }), accountIds: ids };
    const book = await engine().load(columns);
    expect(book.accountIndex("acct-4321")).toBe(4321);
    expect(book.accountIndex("acct-5000")).toBeUndefined();
    for (let i = 0; i < 3_000; i++) expect(book.addAccount(`new-${i}`, 1n)).toBe(5_000 + i);
    expect(ids.length, "the caller's ids").toBe(5_000);
    for (let i = 0; i < 3_000; i += 7) expect(book.accountIndex(`new-${i}`)).toBe(5_000 + i);
    for (let i = 0; i < 5_000; i += 13) expect(book.accountIndex(`acct-${i}`)).toBe(i);
    expect(() => book.addAccount("new-2999", 1n)).toThrow(/is already account 7999 of this book/);
    expect(() => book.addAccount("acct-0", 1n)).toThrow(/is already account 0 of this book/);
    book.fill("new-123", 0, 5n, book.markPrice(0));
    expect(book.position(5_123, 0)?.size).toBe(5n);
  });

  it("adds, removes and brings back accounts, opens and closes positions, with the scan following", async () => {
    const book = await engine().load(oneAccount("generic", btc, 0n));
    const bob = book.addAccount("bob", 10_000_000n); // 10 USD
    expect(bob).toBe(1);
    expect(book.accountIndex("bob")).toBe(1);
    // 0.100 BTC at 60,000.0: notional 6,000 USD, maintenance 1 % = 60 USD > 10: liquidatable.
    book.openPosition("bob", "BTC", 100n, 600_000n);
    let r = book.scan();
    expect(r.statusOf(bob)).toBe("liquidatable");
    expect(r.changes()).toEqual([{ account: 1, id: "bob", kind: "liquidatable", before: "ok", after: "liquidatable", result: r.account(1) }]);
    expect(r.account(1)).toMatchObject({ equity: 10_000_000n, maintenance: 60_000_000n });
    book.deposit("bob", 50_000_001n);
    r = book.scan();
    expect(r.changes().map((c) => [c.id, c.kind])).toEqual([["bob", "recovered"]]);
    expect(r.changes()[0]!.result).toMatchObject({ status: "ok", equity: 60_000_001n });
    book.withdraw("bob", 2n);
    expect(book.scan().changes().map((c) => c.kind)).toEqual(["liquidatable"]);
    expect(book.scan().changes()).toEqual([]); // nothing changed since the previous scan
    book.closePosition("bob", "BTC");
    expect(book.scan().changes().map((c) => c.kind)).toEqual(["recovered"]);
    book.openPosition("bob", 0, -100n, 600_000n);
    book.removeAccount("bob");
    expect(book.isRemoved("bob")).toBe(true);
    expect(book.toBook().accounts[1]).toEqual({ id: "bob", collateral: 0n, positions: [] });
    expect(() => book.deposit("bob", 1n)).toThrow(/was removed; addAccount\("bob"\) brings it back/);
    expect(book.addAccount("bob", 5n)).toBe(1);
    expect(book.isRemoved(1)).toBe(false);
    expect(book.accountCount).toBe(2);
  });

  it("refuses what would break the book, naming the account, market and field, and changes nothing", async () => {
    const book = await engine().load({ ...oneAccount("generic", btc, 0n), accounts: [{ id: "alice", collateral: 0n, positions: [{ market: 0, size: 1n, entryPrice: 1n }] }] });
    const before = book.snapshot();
    expect(() => book.openPosition("alice", "BTC", 1n, 1n)).toThrow(/account "alice" market "BTC": field "market": the account already holds a position in this market/);
    expect(() => book.openPosition("alice", "ETH", 1n, 1n)).toThrow(/unknown market "ETH"/);
    expect(() => book.closePosition("nobody", "BTC")).toThrow(/no account "nobody"/);
    expect(() => book.addAccount("alice")).toThrow(/field "id": is already account 0/);
    expect(() => book.fill(0, 0, 0n, 1n)).toThrow(/field "size": a fill of size 0 trades nothing/);
    expect(() => book.fill(0, 0, 1n, -1n)).toThrow(/field "price": -1 is outside/);
    expect(() => book.fill(0, 0, (1n << 63n) - 1n, 1n)).toThrow(/field "size": 9223372036854775808 is outside/);
    expect(() => book.deposit(0, 0n)).toThrow(/deposit: field "amount": 0 is outside 1\.\./);
    book.setCollateral(0, (1n << 63n) - 1n);
    expect(() => book.deposit(0, 1n)).toThrow(/deposit: field "collateral": 9223372036854775808 is outside/);
    expect(() => book.withdraw(5, 1n)).toThrow(/account index 5 is outside 0..0/);
    book.addAccount("bob");
    expect(() => book.openPosition("bob", 0, 1n, 1n, { leverage: 3 })).toThrow(/a leverage is a venue label/);
    book.removeAccount("bob");
    book.setCollateral(0, 0n);
    expect(book.toBook()).toEqual({ ...(await engine().restore(before)).toBook(), accounts: [...book.toBook().accounts.slice(0, 1), { id: "bob", collateral: 0n, positions: [] }] });
    expect(book.snapshot().length).toBeGreaterThan(before.length);
  });

  it("keeps venue labels: a hedge-mode side holds its sign, an isolated account its one position", async () => {
    const binance: Book = {
      venue: "binance-usdm", liquidatorSharePpm: 0n, markets: [{ ...btc, tiers: [{ maxNotional: null, mmrPpm: 10_000n, cum: 0n }] }, { ...btc, id: "ETH", tiers: [{ maxNotional: null, mmrPpm: 10_000n, cum: 0n }] }],
      accounts: [{ id: "iso", collateral: 5n, margin: "isolated", positions: [{ market: 0, size: 1n, entryPrice: 1n, leverage: 10n }] }, { id: "cross", collateral: 5n, positions: [] }],
    };
    const book = await engine().load(binance);
    book.openPosition("cross", "BTC", 10n, 600_000n, { side: "LONG", leverage: 20 });
    expect(() => book.fill("cross", "BTC", -11n, 600_000n)).toThrow(/field "size": -1 is not the size of a LONG position/);
    expect(() => book.openPosition("cross", "ETH", 10n, 1n, { side: "SHORT" })).toThrow(/not the size of a SHORT position/);
    expect(() => book.openPosition("iso", "ETH", 1n, 1n)).toThrow(/an isolated account holds exactly one position/);
    expect(() => book.closePosition("iso", "BTC")).toThrow(/remove the account instead/);
    // An isolated position filled to zero stays, at size 0 (its account is its margin).
    expect(book.fill("iso", "BTC", -1n, 2n).size).toBe(0n);
    expect(book.toBook().accounts[0]!.positions).toEqual([{ market: 0, size: 0n, entryPrice: 1n, leverage: 10n }]);
    expect(book.toBook().accounts[1]!.positions).toEqual([{ market: 0, size: 10n, entryPrice: 600_000n, leverage: 20n, side: "LONG" }]);
    book.removeAccount("iso");
    expect(book.toBook().accounts[0]).toEqual({ id: "iso", collateral: 0n, positions: [] });
  });
});

describe("snapshots", () => {
  it("restore gives the book back bit for bit, on either engine, and the first scan after it reports only what changed since the last scan", async () => {
    const columns = generateBook({ accounts: 3_000, seed: 4 });
    for (const from of engines()) {
      for (const to of engines()) {
        const book = await from.load(columns);
        book.scan();
        book.fill(5, 0, 123n, book.markPrice(0));
        book.addAccount("new", 1n);
        book.openPosition("new", 1, -1_000_000n, book.markPrice(1));
        book.setMarkPrice(2, book.markPrice(2) / 2n);
        const image = book.snapshot();
        const restored = await to.restore(image);
        expect(restored.engine).toBe(to.name);
        expect(restored.snapshot(), `${from.name} -> ${to.name}`).toEqual(image);
        expect(restored.toBook()).toEqual(book.toBook());
        const want = book.scan();
        const got = restored.scan();
        expect(got.totals).toEqual(want.totals);
        expect(got.changes()).toEqual(want.changes());
        expect(got.changes().length).toBeGreaterThan(10);
      }
    }
  });

  it("refuses a corrupt, truncated, foreign or future image, saying which", async () => {
    const image = (await wasm.load(generateBook({ accounts: 100, seed: 1 }))).snapshot();
    for (const engine of engines()) {
      const flipped = image.slice();
      flipped[image.length - 9] ^= 4;
      await expect(engine.restore(flipped)).rejects.toThrow(/the snapshot is corrupt: its checksum is 0x[0-9a-f]{8}, its bytes give 0x[0-9a-f]{8}/);
      await expect(engine.restore(flipped)).rejects.toBeInstanceOf(SnapshotError);
      await expect(engine.restore(image.subarray(0, image.length - 8))).rejects.toThrow(/truncated or corrupt/);
      await expect(engine.restore(new TextEncoder().encode("{\"markets\": []} and more than forty bytes of it"))).rejects.toThrow(/not a liqscan snapshot/);
      const future = image.slice();
      future[8] = 2;
      await expect(engine.restore(future)).rejects.toThrow(/format version 2; this liqscan reads version 1/);
      await expect(engine.restore("text" as unknown as Uint8Array)).rejects.toThrow(/takes the bytes of a snapshot/);
    }
  });
});

// ---- the differential property --------------------------------------------------------------

type Op =
  | { kind: "fill"; a: number; m: number; size: bigint; price: number; fee: bigint }
  | { kind: "open"; a: number; m: number; size: bigint; price: number }
  | { kind: "close"; a: number; m: number }
  | { kind: "deposit" | "withdraw"; a: number; amount: bigint }
  | { kind: "add"; id: number; collateral: bigint }
  | { kind: "remove"; a: number }
  | { kind: "mark"; m: number; price: number }
  | { kind: "scan" }
  | { kind: "snapshot" };

const amount = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }));
const size = fc.oneof(fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }));
const ratio = fc.integer({ min: 0, max: 2_000_000 }); // a price as ppm of the market's mark
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("fill" as const), a: fc.nat(400), m: fc.nat(8), size, price: ratio, fee: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 6n })) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("open" as const), a: fc.nat(400), m: fc.nat(8), size, price: ratio }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("close" as const), a: fc.nat(400), m: fc.nat(8) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("deposit" as const, "withdraw" as const), a: fc.nat(400), amount }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("add" as const), id: fc.nat(30), collateral: fc.bigInt({ min: -(10n ** 9n), max: 10n ** 12n }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), a: fc.nat(400) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("mark" as const), m: fc.nat(8), price: ratio }) },
  { weight: 2, arbitrary: fc.constant({ kind: "scan" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "snapshot" as const }) },
);

/** The op on a book: what it returned, or the error it threw. */
function apply(book: LiveBook, o: Op): unknown {
  const n = book.accountCount;
  const at = (ppm: number, m: number) => (book.markPrice(m % book.markets.length) * BigInt(ppm)) / 1_000_000n;
  try {
    switch (o.kind) {
      case "fill": return book.fill(o.a % n, o.m % book.markets.length, o.size, at(o.price, o.m), o.fee);
      case "open": return book.openPosition(o.a % n, o.m % book.markets.length, o.size, at(o.price, o.m));
      case "close": return book.closePosition(o.a % n, o.m % book.markets.length);
      case "deposit": return book.deposit(o.a % n, o.amount);
      case "withdraw": return book.withdraw(o.a % n, o.amount);
      case "add": return book.addAccount(`new${o.id}`, o.collateral);
      case "remove": return book.removeAccount(o.a % n);
      case "mark": return book.setMarkPrice(o.m % book.markets.length, at(o.price, o.m));
      default: return undefined;
    }
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function expectSame(got: LiveBook, want: LiveBook, where: string): void {
  const a = got.scan();
  const b = want.scan();
  expect(a.totals, `${where}: totals`).toEqual(b.totals);
  expect(Buffer.from(a.status).equals(Buffer.from(b.status)), `${where}: statuses`).toBe(true);
  expect(a.changes(), `${where}: changes`).toEqual(b.changes());
  for (const i of b.liquidatable()) expect(a.account(i), `${where}: account ${i}`).toEqual(b.account(i));
}

/** Labels on some of a venue book's accounts: isolated one-position accounts, leverages, hedge-mode sides. */
function labelled(book: Book, rng: Rng): Book {
  if (book.venue === undefined) return book;
  return {
    ...book,
    accounts: book.accounts.map((acc) => {
      const positions = acc.positions.map((p) => ({
        ...p,
        ...(rng.chance(0.3) ? { leverage: BigInt(rng.int(1, 50)) } : {}),
        ...(book.venue === "binance-usdm" && rng.chance(0.2) && p.size !== 0n ? { side: p.size > 0n ? "LONG" as const : "SHORT" as const } : {}),
      }));
      return positions.length === 1 && rng.chance(0.2) ? { ...acc, positions, margin: "isolated" as const } : { ...acc, positions };
    }),
  };
}

describe.each(["generic", "binance-usdm", "hyperliquid"] as const)("%s: the wasm live book = the reference after random edits", (venue) => {
  it("scans, changes, books and snapshots agree after every burst of edits", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.array(op, { minLength: 1, maxLength: 120 }), async (seed, ops) => {
        const rng = new Rng(seed);
        const accounts = [0, 1, 40, 300][run++ % 4]!;
        const raw = venue === "generic" ? randomBook(rng, { accounts, markets: rng.int(1, 8), extreme: 0.1 }) : randomVenueBook(rng, venue, { accounts, markets: rng.int(1, 8), extreme: 0.1 });
        const book = labelled(raw, rng);
        let live = await wasm.load(book);
        const oracle = await reference.load(book);
        expectSame(live, oracle, "loaded");
        for (const [i, o] of ops.entries()) {
          if (o.kind === "scan") expectSame(live, oracle, `op ${i}`);
          else if (o.kind === "snapshot") {
            const image = live.snapshot();
            expect(Buffer.from(oracle.snapshot()).equals(Buffer.from(image)), `op ${i}: the same image`).toBe(true);
            live.dispose();
            live = await wasm.restore(image);
          } else {
            expect(apply(live, o), `op ${i}: ${JSON.stringify(o, (_, v) => (typeof v === "bigint" ? String(v) : v))}`).toEqual(apply(oracle, o));
          }
        }
        expectSame(live, oracle, "end");
        expect(live.toBook()).toEqual(oracle.toBook());
        expect(live.positionCount).toBe(oracle.positionCount);
        live.dispose();
      }),
      { numRuns: 40 },
    );
  });
});

describe("the wasm live book's slots", () => {
  it("stay right through relocations, compactions and growth on a book of 20,000 accounts", async () => {
    const columns = generateBook({ accounts: 20_000, seed: 8 });
    const live = await wasm.load(columns);
    const oracle = await reference.load(columns);
    const rng = new Rng(99);
    expectSame(live, oracle, "loaded");
    const markets = live.markets.length;
    for (let burst = 0; burst < 6; burst++) {
      for (let i = 0; i < 3_000; i++) {
        const a = rng.int(0, live.accountCount - 1);
        const m = rng.int(0, markets - 1);
        const r = rng.u32() % 10;
        const fillSize = BigInt(rng.int(-50_000, 50_000)) || 1n;
        for (const b of [live, oracle]) {
          try {
            if (r < 5) b.fill(a, m, fillSize, b.markPrice(m));
            else if (r < 7) b.closePosition(a, m);
            else if (r < 9) b.addAccount(`n${burst}-${i}`, 1_000_000n);
            else b.openPosition(a, m, 10n, b.markPrice(m));
          } catch {
            // the same refusal on both engines (the property above compares the messages)
          }
        }
      }
      expectSame(live, oracle, `burst ${burst}`);
    }
    expect(live.toBook()).toEqual(oracle.toBook());
  });

  it("grow past their account capacity: thousands of new accounts on a small book, read back as columns", async () => {
    const book: Book = { liquidatorSharePpm: 0n, markets: [btc, { ...btc, id: "ETH" }], accounts: [{ id: "a", collateral: 1n, positions: [{ market: 0, size: 1n, entryPrice: 1n }] }] };
    const live = await wasm.load(book);
    const oracle = await reference.load(book);
    for (let i = 0; i < 3_000; i++) {
      for (const b of [live, oracle]) {
        const a = b.addAccount(`n${i}`, BigInt(i) * 1_000_000n);
        // Read the columns after every new account (some grow the book): each read compacts the
        // wasm book, the next edit moves it again.
        expect(b.inputs.positionStart[b.accountCount], `${b.engine} account ${a}`).toBe(b.positionCount);
        if (i % 3 !== 0) b.openPosition(a, i % 2, BigInt(i + 1), 600_000n);
      }
      if (i % 700 === 0) expect(live.inputs.positionStart).toEqual(oracle.inputs.positionStart);
    }
    expect(live.inputs.positionStart).toEqual(oracle.inputs.positionStart);
    expect(live.toBook()).toEqual(oracle.toBook());
    expectSame(live, oracle, "grown");
  });
});

describe("a venue book's labels through growth", () => {
  it("keep their positions' leverages and hedge-mode sides when new accounts grow the book's memory", async () => {
    // Each re-layout compacts the labels (JavaScript columns) along the core's runs; the growths
    // here grow the WebAssembly memory mid-re-layout, which detaches every view made before it.
    const raw = randomVenueBook(new Rng(4242), "binance-usdm", { accounts: 20, markets: 3 });
    const book = labelled(raw, new Rng(17));
    const live = await wasm.load(book);
    const oracle = await reference.load(book);
    const rng = new Rng(3);
    const memory = live.residentBytes;
    for (let i = 0; i < 30_000; i++) {
      const m = rng.int(0, 2), leverage = rng.int(1, 50), side = rng.chance(0.5) ? "LONG" as const : "SHORT" as const;
      const size = side === "LONG" ? BigInt(rng.int(1, 1_000)) : -BigInt(rng.int(1, 1_000));
      for (const b of [live, oracle]) {
        const a = b.addAccount(`g${i}`, 10n ** 12n);
        b.openPosition(a, m, size, b.markPrice(m), { leverage, side });
        // an older account's position moves to the top of the slots now and then
        if (i % 7 === 0) try { b.openPosition(i % 20, (m + 1) % 3, 5n, b.markPrice((m + 1) % 3), { leverage: 3 }); } catch { /* held already: the same refusal on both */ }
      }
    }
    expect(live.residentBytes, "the book's memory grew").toBeGreaterThan(4 * memory);
    expect(live.toBook()).toEqual(oracle.toBook());
    expectSame(live, oracle, "grown");
  });
});

describe("collateral assets and gmx-v2's exact amounts through growth", () => {
  it.each(["assets", "gmx-v2"] as const)("%s: thousands of new accounts with positions and balances grow the book; scans and the book = the reference", async (kind) => {
    // A growth moves the columns and places the regions after the layout (the balances, gmx-v2's
    // 10^-30 amounts) again: every account's values must come through.
    const rng = new Rng(kind === "assets" ? 61 : 62);
    const book = kind === "assets" ? withAssets(rng, randomBook(rng, { accounts: 200, extreme: 0 }), 0) : randomGmxBook(rng, 200);
    const live = await wasm.load(book);
    const oracle = await reference.load(book);
    expectSame(live, oracle, "loaded");
    const memory = live.residentBytes;
    for (let i = 0; i < 12_000; i++) {
      for (const b of [live, oracle]) {
        const a = b.addAccount(`g${i}`, BigInt(1 + (i % 997)) * 1_000_000n);
        if (kind === "gmx-v2" || i % 2 === 0) b.openPosition(a, 0, BigInt(1 + (i % 13)), b.markPrice(0));
        if (b.assets.length > 0 && i % 3 === 0) b.setBalance(a, i % b.assets.length, BigInt(i) * 1_000n);
      }
      if (i % 4_000 === 3_999) expectSame(live, oracle, `after ${i + 1} new accounts`);
    }
    expect(live.residentBytes, "the book's memory grew").toBeGreaterThan(4 * memory);
    expect(live.toBook()).toEqual(oracle.toBook());
    expectSame(live, oracle, "grown");
  });
});

describe("a disposed book's instance is reused by the engine's next book", () => {
  it("the next load, restore and allocate start from zeroed memory: the same results as a fresh engine's", async () => {
    const { createEngine, generateBook } = await import("../bindings/index.js");
    const { scanBook } = await import("../reference/index.js");
    const { columnsToBook } = await import("../book/columns.js");
    const engine = await createEngine("wasm");
    // A live book that grew and laid itself out again (its lists and labels high in memory), then disposed.
    const big = await engine.load(generateBook({ accounts: 3_000, seed: 11 }));
    for (let i = 0; i < 2_000; i++) big.addAccount(`x${i}`, 5n);
    for (let i = 0; i < 500; i++) big.openPosition(`x${i}`, 0, 1_000n, 1n);
    big.scan();
    big.liquidationPrices();
    const image = big.snapshot();
    const want = scanBook(big.toBook());
    big.dispose();
    // A smaller book in the same memory: every status, list and total as the reference says.
    const small = generateBook({ accounts: 700, seed: 12 });
    const next = await engine.load(small);
    const got = next.scan();
    scanBook(columnsToBook(small)).results.forEach((w, a) => expect(got.account(a)).toEqual(w));
    expect(got.changes().length).toBe(got.totals.liquidatable + got.totals.overflow); // changes since a book of ok accounts: nothing left over
    next.dispose();
    const back = await engine.restore(image);
    const again = back.scan();
    want.results.forEach((w, a) => expect(again.account(a)).toEqual(w));
    back.dispose();
    const built = await engine.allocate({ accounts: 1, positions: 0, markets: small.markets, liquidatorSharePpm: 0n });
    built.columns.collateral[0] = 7n;
    const one = built.finish();
    expect(one.scan().account(0)).toEqual({ status: "ok", equity: 7n, maintenance: 0n, closeOut: null });
    one.dispose();
    one.dispose(); // twice is fine, and gives nothing back twice
  });
});
