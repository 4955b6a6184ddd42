// Hand-computed examples of the risk views (docs/risk-views.md) on small books, on both engines.
// Every expected number is worked out in the comments: quote amounts are in units of 10^-6.
import { describe, expect, it } from "vitest";
import { createEngine, type EngineName, type LiveBook } from "../bindings/index.js";
import { shockTotalsByScans } from "../bindings/shocks.js";
import { parseBookJson } from "../book/index.js";
import type { Account, Book, Market } from "../book/types.js";
import { ViewError, cascade, liquidationMap, movedMark, shockedMark, stress } from "../views/index.js";
import { SPEC_BOOK as SPEC_EXAMPLE } from "./fixtures/spec-example.js";

const ENGINES: readonly EngineName[] = ["wasm", "reference"];
const USD = 1_000_000n;

/**
 * Market with sizeDecimals 0 and priceDecimals 6: e = 0, K = 1, so a price unit is 10^-6 USD and
 * notional = |size| * price quote units. Maintenance 10 %, liquidation fee 1 %.
 */
function market(id: string, impact?: Market["impact"]): Market {
  return {
    id, sizeDecimals: 0, priceDecimals: 6, markPrice: 100n * USD,
    tiers: [{ maxNotional: null, mmrPpm: 100_000n }], liquidationFeePpm: 10_000n,
    ...(impact ? { impact } : {}),
  };
}

const account = (id: string, collateralUsd: bigint, market: number, size: bigint): Account =>
  ({ id, collateral: collateralUsd * USD, positions: [{ market, size, entryPrice: 100n * USD }] });

async function load(engine: EngineName, book: Book): Promise<LiveBook> {
  return (await createEngine(engine)).load(book);
}

function viewError(fn: () => unknown): ViewError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ViewError);
    return e as ViewError;
  }
  throw new Error("expected a ViewError");
}

describe("shockedMark", () => {
  it("floors mark * (10^6 + shock) / 10^6", () => {
    expect(shockedMark(100_000_001n, -100_000n)).toBe(90_000_000n); // 90_000_000.9
    expect(shockedMark(100_000_001n, 100_000n)).toBe(110_000_001n); // 110_000_001.1
    expect(shockedMark(7n, 0n)).toBe(7n);
    expect(shockedMark(123n, -1_000_000n)).toBe(0n);
  });
  it("combines the beta exactly: mark * (10^12 + shock * beta) / 10^12, one floor", () => {
    // beta 1.5 on -33.3333 %: the market's own shock is -49.99995 %, not rounded to ppm.
    // 10^7 * (10^12 - 333_333 * 1_500_000) / 10^12 = 10^7 * 500_000_500_000 / 10^12 = 5_000_005
    expect(shockedMark(10_000_000n, -333_333n, 1_500_000n)).toBe(5_000_005n);
    // a negative beta moves against the shock: -10 % * -2 = +20 %
    expect(shockedMark(1_000n, -100_000n, -2_000_000n)).toBe(1_200n);
  });
  it("clamps to [0, 2^63 - 1]", () => {
    const max = (1n << 63n) - 1n;
    expect(shockedMark(max, 500_000n)).toBe(max);
    expect(shockedMark(1_000n, -600_000n, 2_000_000n)).toBe(0n); // -120 % combined
  });
});

describe("movedMark (cascade impact)", () => {
  it("rounds the move away from the old mark", () => {
    expect(movedMark(101n, 1n, 100_000n)).toBe(90n); // selling: floor(90.9)
    expect(movedMark(101n, -1n, 100_000n)).toBe(112n); // buying: ceil(111.1)
    expect(movedMark(101n, 0n, 100_000n)).toBe(101n);
    expect(movedMark((1n << 63n) - 1n, -1n, 1n)).toBe((1n << 63n) - 1n);
  });
});

/**
 * One market X at 100 USD, three accounts (entry 100):
 * - A long 10, collateral 150: equity 150 + 10 (P - 100) < maintenance P  <=>  P < 94.44
 * - B long 10, collateral 250: 250 + 10 (P - 100) < P  <=>  P < 83.33
 * - S short 10, collateral 150: 150 - 10 (P - 100) < P  <=>  P > 104.54
 * and a second market Y at 100 with Y-long: long 10, collateral 150 (like A).
 */
const STRESS_BOOK: Book = {
  liquidatorSharePpm: 500_000n,
  markets: [market("X"), market("Y")],
  accounts: [account("A", 150n, 0, 10n), account("B", 250n, 0, 10n), account("S", 150n, 0, -10n), account("YL", 150n, 1, 10n)],
};

describe.each(ENGINES)("stress on a hand-computed book (%s)", (engine) => {
  it("one market, four shocks", async () => {
    const book = await load(engine, STRESS_BOOK);
    const rows = stress(book, { market: "X", shocksPpm: [-200_000n, -100_000n, 0n, 100_000n] });
    const zero = { liquidatable: 0, overflow: 0, notional: 0n, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 0n };
    expect(rows).toStrictEqual([
      // P = 80: A equity 150 - 200 = -50 < 8: liquidatable, fee 8, closeEquity -50: penalty 0, bad debt 50.
      //         B equity 250 - 200 = 50 < 80: liquidatable, fee 8, penalty min(8, 50) = 8 (4 + 4).
      //         S equity 150 + 200 = 350: ok. Notional 800 + 800.
      { shockPpm: -200_000n, marks: [80n * USD, 100n * USD], liquidatable: 2, overflow: 0, notional: 1_600n * USD,
        penalty: 8n * USD, liquidatorReward: 4n * USD, insuranceFund: 4n * USD, badDebt: 50n * USD },
      // P = 90: A equity 50 < 90, fee 9 = penalty, reward 4.5, fund 4.5. B 150 >= 90 ok.
      { shockPpm: -100_000n, marks: [90n * USD, 100n * USD], liquidatable: 1, overflow: 0, notional: 900n * USD,
        penalty: 9n * USD, liquidatorReward: 4_500_000n, insuranceFund: 4_500_000n, badDebt: 0n },
      { shockPpm: 0n, marks: [100n * USD, 100n * USD], ...zero },
      // P = 110: S equity 150 - 100 = 50 < 110, fee 11 = penalty; Y is not shocked, YL stays ok.
      { shockPpm: 100_000n, marks: [110n * USD, 100n * USD], liquidatable: 1, overflow: 0, notional: 1_100n * USD,
        penalty: 11n * USD, liquidatorReward: 5_500_000n, insuranceFund: 5_500_000n, badDebt: 0n },
    ]);
    expect([book.markPrice(0), book.markPrice(1)]).toEqual([100n * USD, 100n * USD]);
  });

  it("all markets with a beta: Y moves twice as far as X", async () => {
    const book = await load(engine, STRESS_BOOK);
    const [row] = stress(book, { shocksPpm: [-50_000n], betaPpm: [1_000_000n, 2_000_000n] });
    // X at 95: A equity 100 >= 95 ok. Y at 90: YL equity 50 < 90, penalty 9.
    expect(row).toMatchObject({ marks: [95n * USD, 90n * USD], liquidatable: 1, notional: 900n * USD, penalty: 9n * USD });
  });

  it("the default grid is -50 % .. +50 % in 1 % steps, every market", async () => {
    const book = await load(engine, STRESS_BOOK);
    const rows = stress(book);
    expect(rows.map((r) => r.shockPpm)).toEqual(Array.from({ length: 101 }, (_, i) => BigInt(i - 50) * 10_000n));
    // At -50 % (P = 50) A, B and YL are liquidatable; S is not.
    expect(rows[0]).toMatchObject({ marks: [50n * USD, 50n * USD], liquidatable: 3 });
    expect(stress(book, { shocksPpm: { from: -20_000n, to: 0n, step: 15_000n } }).map((r) => r.shockPpm)).toEqual([-20_000n, -5_000n]);
  });

  it("puts the marks back when a scan throws (the scan-per-shock path)", async () => {
    const book = await load(engine, STRESS_BOOK);
    const scan = book.scan.bind(book);
    let calls = 0;
    (book as { scan: LiveBook["scan"] }).scan = () => {
      if (++calls === 2) throw new Error("boom");
      return scan();
    };
    expect(() => shockTotalsByScans(book, [-100_000n, -200_000n], [1_000_000n, 1_000_000n])).toThrow("boom");
    expect([book.markPrice(0), book.markPrice(1)]).toEqual([100n * USD, 100n * USD]);
  });

  it("refuses bad options, naming them", async () => {
    const book = await load(engine, STRESS_BOOK);
    expect(viewError(() => stress(book, { shocksPpm: [-1_000_001n] })).message).toBe(
      "stress: shocksPpm[0]: -1000001 ppm is below -100 % (-1000000 ppm): a price cannot fall below 0");
    expect(viewError(() => stress(book, { shocksPpm: [] })).option).toBe("shocksPpm");
    expect(viewError(() => stress(book, { shocksPpm: { from: 0n, to: 10n, step: 0n } })).option).toBe("shocksPpm.step");
    expect(viewError(() => stress(book, { shocksPpm: { from: 10n, to: 0n, step: 1n } })).option).toBe("shocksPpm.to");
    expect(viewError(() => stress(book, { shocksPpm: { from: -1_000_000n, to: 1_000_000n, step: 1n } })).option).toBe("shocksPpm");
    expect(viewError(() => stress(book, { shocksPpm: [1 as unknown as bigint] })).option).toBe("shocksPpm[0]");
    expect(viewError(() => stress(book, { market: "Z" })).message).toBe('stress: market: "Z" is not a market of the book (X, Y)');
    expect(viewError(() => stress(book, { market: 2 })).option).toBe("market");
    expect(viewError(() => stress(book, { betaPpm: [1n] })).message).toBe("stress: betaPpm: expected one beta per market (2), got 1");
    expect(viewError(() => stress(book, { betaPpm: [1n, 2] as bigint[] })).option).toBe("betaPpm[1]");
  });
});

describe.each(ENGINES)("liquidationMap on the spec's example book (%s)", (engine) => {
  // BTC-PERP: sizeDecimals 8, priceDecimals 2, K = 10^4, mark 65000.50 = 6_500_050.
  // Notionals at the mark, ceil(|s| * 6_500_050 / 10^4):
  //   alice long 0.5 (50_000_000)  -> 32_500_250_000 (32500.25), liquidation price 62332.43
  //   bob   short 0.1 (10_000_000) ->  6_500_050_000 (6500.05),  64854.12
  //   carol long 0.2 (20_000_000)  -> 13_000_100_000 (13000.10), 70123.99
  //   dave  long 0.05 (5_000_000)  ->  3_250_025_000 (3250.025), 65614.55
  it("four buckets from 60000 to 72000", async () => {
    const book = await load(engine, SPEC_EXAMPLE);
    const map = liquidationMap(book, { market: "BTC-PERP", from: 6_000_000n, to: 7_200_000n, buckets: 4 });
    const b = (from: bigint, to: bigint, longNotional: bigint, shortNotional: bigint, longPositions: number, shortPositions: number) =>
      ({ from, to, longNotional, shortNotional, longPositions, shortPositions });
    const none = { longNotional: 0n, shortNotional: 0n, longPositions: 0, shortPositions: 0 };
    expect(map).toStrictEqual({
      market: 0, marketId: "BTC-PERP", markPrice: 6_500_050n, from: 6_000_000n, to: 7_200_000n,
      buckets: [
        b(6_000_000n, 6_300_000n, 32_500_250_000n, 0n, 1, 0), // alice
        b(6_300_000n, 6_600_000n, 3_250_025_000n, 6_500_050_000n, 1, 1), // dave, bob
        b(6_600_000n, 6_900_000n, 0n, 0n, 0, 0),
        b(6_900_000n, 7_200_000n, 13_000_100_000n, 0n, 1, 0), // carol
      ],
      // longs with a liquidation price at or above each bucket's first price
      cumulativeLong: [48_750_375_000n, 16_250_125_000n, 13_000_100_000n, 13_000_100_000n],
      // shorts with a liquidation price below each bucket's end
      cumulativeShort: [0n, 6_500_050_000n, 6_500_050_000n, 6_500_050_000n],
      below: none, above: none, noPrice: none,
    });
  });

  it("spreads the remainder of (to - from) / N over the range; to is excluded", async () => {
    const book = await load(engine, SPEC_EXAMPLE);
    // 10 units in 3 buckets: edges 0 + floor(k * 10 / 3) = 0, 3, 6, 10
    const small = liquidationMap(book, { market: "BTC-PERP", from: 6_485_410n, to: 6_485_420n, buckets: 3 });
    expect(small.buckets.map((x) => [x.from - 6_485_410n, x.to - 6_485_410n])).toEqual([[0n, 3n], [3n, 6n], [6n, 10n]]);
    // bob's 64854.12 is offset 2: bucket 0. alice is below, carol and dave above.
    expect(small.buckets[0]!.shortNotional).toBe(6_500_050_000n);
    expect(small.below).toStrictEqual({ longNotional: 32_500_250_000n, shortNotional: 0n, longPositions: 1, shortPositions: 0 });
    expect(small.above.longNotional).toBe(16_250_125_000n);
    expect(small.cumulativeLong).toEqual([16_250_125_000n, 16_250_125_000n, 16_250_125_000n]);
    // A price equal to `to` is above the range: carol's 7_012_399 with to = 7_012_399.
    const edge = liquidationMap(book, { market: "BTC-PERP", from: 7_000_000n, to: 7_012_399n, buckets: 1 });
    expect(edge.buckets[0]!.longNotional).toBe(0n);
    expect(edge.above.longNotional).toBe(13_000_100_000n);
  });

  it("defaults to the mark +-50 % in 20 buckets", async () => {
    const book = await load(engine, SPEC_EXAMPLE);
    const map = liquidationMap(book, { market: 1 });
    // ETH-PERP mark 3400.25 = 340_025: from floor(170_012.5) = 170_012, to floor(510_037.5) + 1 = 510_038
    expect([map.marketId, map.from, map.to, map.buckets.length]).toEqual(["ETH-PERP", 170_012n, 510_038n, 20]);
    // dave short 3.5 (3_500, e = -1: notional 3_500 * 340_025 * 10 = 11_900_875_000) at 3391.59;
    // erin long 12 (12_000 -> 40_803_000_000) at 3408.65
    const long = map.buckets.reduce((s, x) => s + x.longNotional, 0n);
    const short = map.buckets.reduce((s, x) => s + x.shortNotional, 0n);
    expect([long, short]).toEqual([40_803_000_000n, 11_900_875_000n]);
  });

  it("refuses bad options, naming them", async () => {
    const book = await load(engine, SPEC_EXAMPLE);
    expect(viewError(() => liquidationMap(book, { market: "BTC" })).option).toBe("market");
    expect(viewError(() => liquidationMap(book, { market: 0, from: 10n, to: 10n })).message).toBe("liquidationMap: to: 10 is not above from (10)");
    expect(viewError(() => liquidationMap(book, { market: 0, from: -1n, to: 10n })).option).toBe("from");
    expect(viewError(() => liquidationMap(book, { market: 0, from: 0n, to: (1n << 63n) + 1n })).option).toBe("to");
    expect(viewError(() => liquidationMap(book, { market: 0, from: 0n, to: 3n, buckets: 4 })).message).toBe(
      "liquidationMap: buckets: 4 buckets do not fit in 3 price units (each bucket holds at least one)");
    expect(viewError(() => liquidationMap(book, { market: 0, buckets: 0 })).option).toBe("buckets");
    expect(viewError(() => liquidationMap(book, { market: 0, buckets: 1.5 })).option).toBe("buckets");
    expect(viewError(() => liquidationMap(book, { market: 0, from: 5 as unknown as bigint })).option).toBe("from");
  });
});

/**
 * Cascade: market X at 100 with impact depth 10,000 USD and maxSlippage 10 %; liquidator share 50 %.
 * A long 10 (collateral 150, liquidatable below 94.44), B long 10 (250, below 83.33),
 * C long 10 (350, below 72.22), D short 1 (1000, safe).
 */
const CASCADE_BOOK: Book = {
  liquidatorSharePpm: 500_000n,
  markets: [market("X", { depth: 10_000n * USD, maxSlippagePpm: 100_000n })],
  accounts: [account("A", 150n, 0, 10n), account("B", 250n, 0, 10n), account("C", 350n, 0, 10n), account("D", 1_000n, 0, -1n)],
};

describe.each(ENGINES)("cascade on a hand-computed book (%s)", (engine) => {
  it("-10 %: two rounds, then it settles", async () => {
    const book = await load(engine, CASCADE_BOOK);
    const before = book.toBook();
    const c = cascade(book, { shockPpm: -100_000n });
    // Round 1 at 90: A equity 150 - 100 = 50 < maintenance 90. Notional 900; fee 9;
    //   slippage rate ceil(900 * 10^6 / 10,000) ppm = 90_000, slippage 81, closeEquity 50 - 81 = -31:
    //   penalty 0, bad debt 31. Sold 900 -> impact 90_000 ppm: mark floor(90 * 0.91) = 81.9.
    // Round 2 at 81.9: B equity 250 - 181 = 69 < 81.9. Notional 819, fee 8.19; slippage rate 81_900 ppm,
    //   slippage ceil(819 * 0.0819) = 67.0761; closeEquity 1.9239 = penalty (reward 0.96195, fund 0.96195).
    //   Sold 819 -> impact 81_900: mark floor(81.9 * 0.9181) = 75.19239.
    // Round 3 at 75.19239: C equity 350 - 248.0761 = 101.9239 >= 75.19239; D gains: nobody. Settled.
    expect(c.rounds).toStrictEqual([
      { round: 1, marks: [90n * USD], accounts: [0], overflow: 0, notionalClosed: 900n * USD, penalty: 0n, liquidatorReward: 0n,
        insuranceFund: 0n, badDebt: 31n * USD, sold: [900n * USD], bought: [0n], impactPpm: [90_000n], marksAfter: [81_900_000n] },
      { round: 2, marks: [81_900_000n], accounts: [1], overflow: 0, notionalClosed: 819n * USD, penalty: 1_923_900n, liquidatorReward: 961_950n,
        insuranceFund: 961_950n, badDebt: 0n, sold: [819n * USD], bought: [0n], impactPpm: [81_900n], marksAfter: [75_192_390n] },
    ]);
    expect(c).toMatchObject({
      initialMarks: [100n * USD], finalMarks: [75_192_390n], stop: "settled", liquidated: 2,
      notionalClosed: 1_719n * USD, penalty: 1_923_900n, liquidatorReward: 961_950n, insuranceFund: 961_950n, badDebt: 31n * USD,
      // Round 1's bad debt is paid before any penalty came in: the fund is down 31 at the worst point,
      // and 31 - 0.96195 = 30.03805 once round 2's share arrives.
      insuranceFundDraw: 31n * USD, insuranceFundNet: -30_038_050n,
    });
    expect(book.toBook()).toStrictEqual(before);
  });

  it("maxRounds stops it while marks still move", async () => {
    const book = await load(engine, CASCADE_BOOK);
    const c = cascade(book, { shockPpm: -100_000n, maxRounds: 1 });
    expect([c.rounds.length, c.stop, c.finalMarks]).toEqual([1, "maxRounds", [81_900_000n]]);
  });

  it("buying pushes the mark up, rounded up, capped by maxSlippage", async () => {
    // F short 10 (150: liquidatable above 104.54), G short 10 (250: above 113.63).
    const book = await load(engine, { ...CASCADE_BOOK, accounts: [account("F", 150n, 0, -10n), account("G", 250n, 0, -10n)] });
    const c = cascade(book, { shockPpm: 100_000n });
    // Round 1 at 110: F equity 50 < 110. Bought 1100: impact min(10 %, 11 %) = 10 %: mark ceil(121) = 121.
    //   slippage 10 % of 1100 = 110, closeEquity -60: bad debt 60.
    // Round 2 at 121: G equity 250 - 210 = 40 < 121; slippage 121, bad debt 81. Mark 133.1. Nobody left.
    expect(c.rounds.map((r) => [r.marks[0], r.accounts, r.bought[0], r.impactPpm[0], r.badDebt, r.marksAfter[0]])).toEqual([
      [110n * USD, [0], 1_100n * USD, 100_000n, 60n * USD, 121n * USD],
      [121n * USD, [1], 1_210n * USD, 100_000n, 81n * USD, 133_100_000n],
    ]);
    expect([c.stop, c.insuranceFundDraw, c.insuranceFundNet]).toEqual(["settled", 141n * USD, -141n * USD]);
  });

  it("a market without impact does not move: one round", async () => {
    const book = await load(engine, STRESS_BOOK);
    const c = cascade(book, { shockPpm: -200_000n, market: "X" });
    expect(c.rounds.map((r) => [r.accounts, r.marks, r.marksAfter])).toEqual([[[0, 1], [80n * USD, 100n * USD], [80n * USD, 100n * USD]]]);
    expect(c.stop).toBe("settled");
  });

  it("puts the book back when a step throws", async () => {
    const book = await load(engine, CASCADE_BOOK);
    const before = book.toBook();
    const scan = book.scan.bind(book);
    let calls = 0;
    (book as { scan: LiveBook["scan"] }).scan = () => {
      if (++calls === 2) throw new Error("boom");
      return scan();
    };
    expect(() => cascade(book, { shockPpm: -100_000n })).toThrow("boom");
    expect(book.toBook()).toStrictEqual(before);
  });

  it("refuses bad options, naming them", async () => {
    const book = await load(engine, CASCADE_BOOK);
    expect(viewError(() => cascade(book, { shockPpm: -2_000_000n })).option).toBe("shockPpm");
    expect(viewError(() => cascade(book, { shockPpm: 0n, maxRounds: 0 })).message).toBe("cascade: maxRounds: 0 is not a whole number from 1 to 10000");
    expect(viewError(() => cascade(book, { shockPpm: 0n, market: "Y" })).option).toBe("market");
    expect(viewError(() => cascade(book, {} as { shockPpm: bigint })).option).toBe("shockPpm");
  });
});

describe.each(ENGINES)("cascade on a Hyperliquid book: the 20 percent step, round by round (%s)", (engine) => {
  // docs/risk-views.md ("Venue books"): 2 BTC long at 40x (MM 1/80), balance -197,000 USDC, mark 100,000.
  const book = (size: string, collateral: string) => parseBookJson(JSON.stringify({
    venue: "hyperliquid",
    markets: [{ id: "BTC", sizeDecimals: 5, priceDecimals: 1, markPrice: "100000", tiers: [{ maxLeverage: "40" }] }],
    accounts: [{ id: "w", collateral, positions: [{ market: "BTC", size, entryPrice: "100000" }] }],
  }));

  it("sells 0.4 BTC at 99,500, keeps equity 2,000 against MM 1,990, and ends with 1.6 BTC open; the book is put back", async () => {
    const live = await (await createEngine(engine)).load(book("2", "-197000"));
    const c = cascade(live, { shockPpm: -5_000n });
    expect(c.rounds.map((r) => [r.round, r.marks[0], r.accounts, r.sold[0], r.bought[0], r.notionalClosed])).toEqual([[1, 995_000n, [0], 39_800_000_000n, 0n, 39_800_000_000n]]);
    expect(c.stop).toBe("settled");
    // The same account after the step, scanned at 99,500: balance -157,200, 1.6 BTC: not liquidatable.
    const after = await (await createEngine(engine)).load(book("1.6", "-157200"));
    after.setMarkPrice(0, 995_000n);
    expect(after.scan().account(0)).toMatchObject({ status: "ok", equity: 2_000_000_000n, maintenance: 1_990_000_000n });
    expect(live.inputs.positionSize[0]).toBe(200_000n);
    expect(live.inputs.collateral[0]).toBe(-197_000_000_000n);
    expect(live.markPrice(0)).toBe(1_000_000n);
  });

  it("takes the rest in the next round at the same marks when the first step does not save the account", async () => {
    // Balance -197,300: at 99,500 equity 1,700 < MM 2,487.5, above the backstop's 2/3 (1,658.3);
    // after 20 %, equity 1,700 < MM 1,990, so round 2 sells the remaining 1.6 BTC whole (the order
    // after the cooldown). At -197,400 equity 1,600 is below 2/3 of MM: the backstop takes it whole.
    const live = await (await createEngine(engine)).load(book("2", "-197300"));
    const c = cascade(live, { shockPpm: -5_000n });
    expect(c.rounds.map((r) => [r.round, r.accounts, r.sold[0]])).toEqual([[1, [0], 39_800_000_000n], [2, [0], 159_200_000_000n]]);
    expect(c.notionalClosed).toBe(199_000_000_000n);
    const whole = cascade(await (await createEngine(engine)).load(book("2", "-197400")), { shockPpm: -5_000n });
    expect(whole.rounds.map((r) => [r.round, r.accounts, r.sold[0]])).toEqual([[1, [0], 199_000_000_000n]]);
  });
});
