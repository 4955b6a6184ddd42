/**
 * The reference implementation (reference/): arithmetic helpers, every per-position formula on
 * hand-computed values, the account scan (statuses, close-out, overflow), and the example book of
 * shared/spec/model.md with every number of its expected table.
 * Liquidation prices are tested in test/reference-liqprice.test.ts.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Account, Book, Market, Position } from "../book/types.js";
import {
  I64_MAX,
  I64_MIN,
  ceilDiv,
  fee,
  floorDiv,
  isLiquidatable,
  liquidationPrice,
  maintenance,
  marginRatioPpm,
  mod,
  notional,
  pnl,
  scalePpm,
  scanAccount,
  scanBook,
  slippage,
  slippagePpm,
  tierIndex,
  tierOffsets,
} from "../reference/index.js";

// ---------------------------------------------------------------------------------------------
// The example book of model.md, by hand in integer units.

const BTC: Market = {
  id: "BTC-PERP",
  sizeDecimals: 8,
  priceDecimals: 2,
  markPrice: 6500050n, // 65000.50
  tiers: [
    { maxNotional: 50_000_000_000n, mmrPpm: 4000n }, // 50000 quote, 0.004
    { maxNotional: 250_000_000_000n, mmrPpm: 5000n }, // 250000 quote, 0.005
    { maxNotional: null, mmrPpm: 10_000n }, // 0.01
  ],
  liquidationFeePpm: 12_500n, // 0.0125
  volatility: { currentPpm: 800_000n, referencePpm: 600_000n },
  impact: { depth: 5_000_000_000_000n, maxSlippagePpm: 50_000n }, // 5000000 quote, 0.05
};

const ETH: Market = {
  id: "ETH-PERP",
  sizeDecimals: 3,
  priceDecimals: 2,
  markPrice: 340025n, // 3400.25
  tiers: [
    { maxNotional: 10_000_000_000n, mmrPpm: 5000n }, // 10000 quote, 0.005
    { maxNotional: null, mmrPpm: 6500n }, // 0.0065
  ],
  liquidationFeePpm: 2000n, // 0.002
};

const EXAMPLE_BOOK: Book = {
  liquidatorSharePpm: 500_000n,
  markets: [BTC, ETH],
  accounts: [
    { id: "alice", collateral: 1_000_000_000n, positions: [{ market: 0, size: 50_000_000n, entryPrice: 6_400_000n }] },
    { id: "bob", collateral: 120_000_000n, positions: [{ market: 0, size: -10_000_000n, entryPrice: 6_400_000n }] },
    { id: "carol", collateral: 50_000_000n, positions: [{ market: 0, size: 20_000_000n, entryPrice: 7_000_000n }] },
    {
      id: "dave",
      collateral: 450_000_000n,
      positions: [
        { market: 0, size: 5_000_000n, entryPrice: 6_600_000n },
        { market: 1, size: -3500n, entryPrice: 330_000n },
      ],
    },
    { id: "erin", collateral: 387_000_000n, positions: [{ market: 1, size: 12_000n, entryPrice: 342_000n }] },
  ],
};

function market(over: Partial<Market> = {}): Market {
  return {
    id: "M",
    sizeDecimals: 3,
    priceDecimals: 3, // e = 0, K = 1
    markPrice: 1000n,
    tiers: [{ maxNotional: null, mmrPpm: 0n }],
    liquidationFeePpm: 0n,
    ...over,
  };
}

function bookOf(markets: Market[], accounts: Account[], liquidatorSharePpm = 500_000n): Book {
  return { liquidatorSharePpm, markets, accounts };
}

function acct(collateral: bigint, positions: Position[], id = "a"): Account {
  return { id, collateral, positions };
}

// ---------------------------------------------------------------------------------------------

describe("exact integer helpers", () => {
  it("floorDiv / ceilDiv round toward -inf / +inf for every sign", () => {
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(floorDiv(7n, -2n)).toBe(-4n);
    expect(floorDiv(-7n, -2n)).toBe(3n);
    expect(floorDiv(-6n, 2n)).toBe(-3n);
    expect(ceilDiv(7n, 2n)).toBe(4n);
    expect(ceilDiv(-7n, 2n)).toBe(-3n);
    expect(ceilDiv(7n, -2n)).toBe(-3n);
    expect(ceilDiv(-7n, -2n)).toBe(4n);
    expect(ceilDiv(-6n, 2n)).toBe(-3n);
    expect(ceilDiv(0n, -5n)).toBe(0n);
    expect(() => floorDiv(1n, 0n)).toThrow();
    for (let a = -40; a <= 40; a++) {
      for (let b = -9; b <= 9; b++) {
        if (b === 0) continue;
        expect(floorDiv(BigInt(a), BigInt(b))).toBe(BigInt(Math.floor(a / b)));
        expect(ceilDiv(BigInt(a), BigInt(b))).toBe(BigInt(Math.ceil(a / b)));
        if (b > 0) expect(mod(BigInt(a), BigInt(b))).toBe(BigInt(((a % b) + b) % b));
      }
    }
  });

  it("floorDiv / ceilDiv are exact on huge values", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), fc.bigInt({ min: -(1n << 100n), max: 1n << 100n }), (a, b) => {
        fc.pre(b !== 0n);
        const f = floorDiv(a, b);
        const c = ceilDiv(a, b);
        // f*b <= a < (f+1)*b for b > 0 (mirrored for b < 0), and c = -floor(-a/b).
        if (b > 0n) expect(f * b <= a && a < (f + 1n) * b).toBe(true);
        else expect(f * b >= a && a > (f + 1n) * b).toBe(true);
        expect(c).toBe(-floorDiv(-a, b));
        expect(c - f).toBe(a % b === 0n ? 0n : 1n);
      }),
    );
  });
});

describe("per-position formulas", () => {
  it("notional = ceil(|s| * P / K)", () => {
    // BTC: e = 8 + 2 - 6 = 4. alice 0.5 BTC at 65000.50 = 32500.25 quote.
    expect(notional(BTC, 50_000_000n, 6_500_050n)).toBe(32_500_250_000n);
    expect(notional(BTC, -50_000_000n, 6_500_050n)).toBe(32_500_250_000n); // |s|
    // 1e-8 BTC at 0.01: 1 * 1 / 10^4 rounds up to 1 quote unit.
    expect(notional(BTC, 1n, 1n)).toBe(1n);
    expect(notional(BTC, -1n, 1n)).toBe(1n);
    expect(notional(BTC, 10_000n, 1n)).toBe(1n);
    expect(notional(BTC, 10_001n, 1n)).toBe(2n);
    expect(notional(BTC, 123n, 0n)).toBe(0n);
    expect(notional(BTC, 0n, 6_500_050n)).toBe(0n);
  });

  it("notional multiplies by 10^-e when e < 0", () => {
    // sizeDecimals 0, priceDecimals 2: e = -4. 3 units at 12.34 = 37.02 quote = 37_020_000.
    const m = market({ sizeDecimals: 0, priceDecimals: 2 });
    expect(notional(m, 3n, 1234n)).toBe(37_020_000n);
    expect(notional(m, -3n, 1234n)).toBe(37_020_000n);
    // e = -6 (both decimals 0): 1 unit at 1 quote = 1_000_000.
    expect(notional(market({ sizeDecimals: 0, priceDecimals: 0 }), 1n, 1n)).toBe(1_000_000n);
    // e = 0 exactly: no scaling.
    expect(notional(market(), 7n, 11n)).toBe(77n);
  });

  it("pnl = floor(s * (P - p0) / K): losses round toward -inf", () => {
    expect(pnl(BTC, 50_000_000n, 6_400_000n, 6_500_050n)).toBe(500_250_000n); // +500.25
    expect(pnl(BTC, -10_000_000n, 6_400_000n, 6_500_050n)).toBe(-100_050_000n); // -100.05
    // 1e-8 BTC losing 0.01: -1/10^4 floors to -1 quote unit; gaining 0.01 floors to 0.
    expect(pnl(BTC, 1n, 2n, 1n)).toBe(-1n);
    expect(pnl(BTC, 1n, 1n, 2n)).toBe(0n);
    expect(pnl(BTC, -1n, 1n, 2n)).toBe(-1n);
    expect(pnl(BTC, -1n, 2n, 1n)).toBe(0n);
    expect(pnl(BTC, -3n, 10n, 10_000n)).toBe(-3n); // -29970 / 10^4 = -2.997 -> -3
    expect(pnl(BTC, 3n, 10_000n, 10n)).toBe(-3n);
    expect(pnl(BTC, 3n, 10n, 10_000n)).toBe(2n); // 2.997 -> 2
    expect(pnl(BTC, 7n, 5n, 5n)).toBe(0n);
    // e < 0: exact multiplication.
    const m = market({ sizeDecimals: 0, priceDecimals: 2 });
    expect(pnl(m, -3n, 1234n, 1000n)).toBe(7_020_000n); // -3 * -2.34 = 7.02
    expect(pnl(m, 3n, 1234n, 1000n)).toBe(-7_020_000n);
  });

  it("scalePpm: ceil(current * 10^6 / reference), at least 10^6, default 10^6", () => {
    expect(scalePpm(BTC)).toBe(1_333_334n); // 0.8 / 0.6 = 1.3333.. rounds up
    expect(scalePpm(ETH)).toBe(1_000_000n); // no volatility
    expect(scalePpm(market({ volatility: { currentPpm: 1_200_000n, referencePpm: 600_000n } }))).toBe(2_000_000n);
    expect(scalePpm(market({ volatility: { currentPpm: 300_000n, referencePpm: 600_000n } }))).toBe(1_000_000n); // floor at 100 %
    expect(scalePpm(market({ volatility: { currentPpm: 600_000n, referencePpm: 600_000n } }))).toBe(1_000_000n);
    expect(scalePpm(market({ volatility: { currentPpm: 600_001n, referencePpm: 600_000n } }))).toBe(1_000_002n); // 1.0000016.. -> up
    expect(scalePpm(market({ volatility: { currentPpm: 10_000_000n, referencePpm: 100n } }))).toBe(100_000_000_000n); // 10 / 0.0001
  });

  it("tierOffsets: the continuity offsets cum_j", () => {
    // cum_1 = 50000e6 * (5000 - 4000); cum_2 = cum_1 + 250000e6 * (10000 - 5000)
    expect(tierOffsets(BTC)).toEqual([0n, 50_000_000_000_000n, 1_300_000_000_000_000n]);
    expect(tierOffsets(ETH)).toEqual([0n, 15_000_000_000_000n]);
    expect(tierOffsets(market())).toEqual([0n]);
    // Equal rates: no offset.
    const flat = market({ tiers: [{ maxNotional: 10n, mmrPpm: 7n }, { maxNotional: 20n, mmrPpm: 7n }, { maxNotional: null, mmrPpm: 9n }] });
    expect(tierOffsets(flat)).toEqual([0n, 0n, 40n]);
  });

  it("tiers: maxNotional is inclusive; maintenance is continuous across bounds", () => {
    const bound0 = 50_000_000_000n;
    expect(tierIndex(BTC, 0n)).toBe(0);
    expect(tierIndex(BTC, bound0)).toBe(0);
    expect(tierIndex(BTC, bound0 + 1n)).toBe(1);
    expect(tierIndex(BTC, 250_000_000_000n)).toBe(1);
    expect(tierIndex(BTC, 250_000_000_001n)).toBe(2);
    // ceil(50000e6 * 4000 * 1333334 / 10^12) = 266666800 exactly (266.6668 quote).
    expect(maintenance(BTC, bound0)).toBe(266_666_800n);
    // One unit above: (50000000001 * 5000 - 5e13) * 1333334 / 10^12 = 266666800.0066.. -> 266666801.
    expect(maintenance(BTC, bound0 + 1n)).toBe(266_666_801n);
    expect(maintenance(BTC, 250_000_000_000n)).toBe(1_600_000_800n);
    expect(maintenance(BTC, 250_000_000_001n)).toBe(1_600_000_801n);
    // ETH (no volatility): 10000 quote * 0.005 = 50 quote; one unit above: ceil(0.0065 - ...) = +1.
    expect(maintenance(ETH, 10_000_000_000n)).toBe(50_000_000n);
    expect(maintenance(ETH, 10_000_000_001n)).toBe(50_000_001n);
    expect(maintenance(ETH, 20_000_000_000n)).toBe(115_000_000n); // 50 + 10000 * 0.0065
    expect(maintenance(BTC, 0n)).toBe(0n);
    // Small notionals round up: 1 unit * 0.004 * 1.333334 -> 1 unit.
    expect(maintenance(BTC, 1n)).toBe(1n);
    expect(maintenance(ETH, 200n)).toBe(1n); // exactly 1
    expect(maintenance(ETH, 201n)).toBe(2n); // 1.005 -> 2
    // A first tier with maxNotional 0 holds only the zero notional.
    const zeroFirst = market({ tiers: [{ maxNotional: 0n, mmrPpm: 1000n }, { maxNotional: null, mmrPpm: 2000n }] });
    expect(tierIndex(zeroFirst, 0n)).toBe(0);
    expect(tierIndex(zeroFirst, 1n)).toBe(1);
    expect(maintenance(zeroFirst, 1_000_000n)).toBe(2000n);
  });

  it("a last tier with a maxNotional is an input error", () => {
    const bad = market({ tiers: [{ maxNotional: 10n, mmrPpm: 1000n }] });
    expect(tierIndex(bad, 10n)).toBe(0);
    expect(() => tierIndex(bad, 11n)).toThrow();
  });

  it("maintenance with a 100 % rate and the largest volatility scale", () => {
    const m = market({ tiers: [{ maxNotional: null, mmrPpm: 1_000_000n }], volatility: { currentPpm: 10_000_000n, referencePpm: 100n } });
    expect(maintenance(m, 7n)).toBe(700_000n); // 7 * 10^5
  });

  it("fee = ceil(notional * fee / 10^6)", () => {
    expect(fee(BTC, 32_500_250_000n)).toBe(406_253_125n); // 32500.25 * 0.0125 = 406.253125
    expect(fee(BTC, 1n)).toBe(1n); // 0.0125 unit -> 1
    expect(fee(BTC, 80n)).toBe(1n); // exactly 1
    expect(fee(BTC, 81n)).toBe(2n);
    expect(fee(BTC, 0n)).toBe(0n);
    expect(fee(market(), 123n)).toBe(0n);
  });

  it("slippage: min(maxSlippage, ceil(notional * 10^6 / depth)), then ceil(notional * rate / 10^6)", () => {
    // 123.456789 quote on 5_000_000 depth: rate ceil(24.69..) = 25 ppm; slippage ceil(3086.41..) = 3087.
    expect(slippagePpm(BTC, 123_456_789n)).toBe(25n);
    expect(slippage(BTC, 123_456_789n)).toBe(3087n);
    // 100000 quote: 20000 ppm exactly, slippage 2000 quote.
    expect(slippagePpm(BTC, 100_000_000_000n)).toBe(20_000n);
    expect(slippage(BTC, 100_000_000_000n)).toBe(2_000_000_000n);
    // The cap: 250000 quote is exactly 50000 ppm = maxSlippage; 1_000_000 quote would be 200000, capped.
    expect(slippagePpm(BTC, 250_000_000_000n)).toBe(50_000n);
    expect(slippagePpm(BTC, 250_000_000_001n)).toBe(50_000n);
    expect(slippagePpm(BTC, 1_000_000_000_000n)).toBe(50_000n);
    expect(slippage(BTC, 1_000_000_000_000n)).toBe(50_000_000_000n);
    expect(slippage(BTC, 1n)).toBe(1n); // rate 1 ppm, 10^-6 unit -> 1
    expect(slippage(BTC, 0n)).toBe(0n);
    // No impact: 0.
    expect(slippagePpm(ETH, 10n ** 15n)).toBe(0n);
    expect(slippage(ETH, 10n ** 15n)).toBe(0n);
  });
});

describe("the example book of model.md", () => {
  it("scans to exactly the expected table and totals", () => {
    const { results, totals } = scanBook(EXAMPLE_BOOK);
    const rows = results.map((r) => ({
      status: r.status,
      equity: r.equity,
      maintenance: r.maintenance,
      marginRatio: marginRatioPpm(r),
      penalty: (r.closeOut?.penalty),
      liquidatorReward: (r.closeOut?.liquidatorReward),
      insuranceFund: (r.closeOut?.insuranceFund),
      badDebt: (r.closeOut?.badDebt),
      returned: (r.closeOut?.returned),
    }));
    expect(rows).toEqual([
      // alice ok 1500.250000 173.334754 0.115537
      { status: "ok", equity: 1_500_250_000n, maintenance: 173_334_754n, marginRatio: 115_537n, penalty: undefined, liquidatorReward: undefined, insuranceFund: undefined, badDebt: undefined, returned: undefined },
      // bob liquidatable 19.950000 34.666951 1.737691 11.493434 5.746717 5.746717 0 0
      { status: "liquidatable", equity: 19_950_000n, maintenance: 34_666_951n, marginRatio: 1_737_691n, penalty: 11_493_434n, liquidatorReward: 5_746_717n, insuranceFund: 5_746_717n, badDebt: 0n, returned: 0n },
      // carol liquidatable -949.900000 69.333902 none 0 0 0 983.713261 0
      { status: "liquidatable", equity: -949_900_000n, maintenance: 69_333_902n, marginRatio: null, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 983_713_261n, returned: 0n },
      // dave liquidatable 49.150000 79.689164 1.621346 47.034233 23.517116 23.517117 0 0
      { status: "liquidatable", equity: 49_150_000n, maintenance: 79_689_164n, marginRatio: 1_621_346n, penalty: 47_034_233n, liquidatorReward: 23_517_116n, insuranceFund: 23_517_117n, badDebt: 0n, returned: 0n },
      // erin liquidatable 150.000000 250.219500 1.668130 81.606000 40.803000 40.803000 0 68.394000
      { status: "liquidatable", equity: 150_000_000n, maintenance: 250_219_500n, marginRatio: 1_668_130n, penalty: 81_606_000n, liquidatorReward: 40_803_000n, insuranceFund: 40_803_000n, badDebt: 0n, returned: 68_394_000n },
    ]);
    expect(results[0]!.closeOut).toBeNull();
    expect(totals).toEqual({
      liquidatable: 4,
      overflow: 0,
      penalty: 140_133_667n,
      liquidatorReward: 70_066_833n,
      insuranceFund: 70_066_834n,
      badDebt: 983_713_261n,
      // bob 6500.05 + carol 13000.10 + dave 3250.025 + 11900.875 + erin 40803.00
      notional: 75_454_050_000n,
    });
  });

  it("per-account scan agrees with the book scan and the close-out invariant holds", () => {
    const { results } = scanBook(EXAMPLE_BOOK);
    for (let a = 0; a < EXAMPLE_BOOK.accounts.length; a++) {
      const r = scanAccount(EXAMPLE_BOOK, a);
      expect(r).toEqual(results[a]);
      expect(isLiquidatable(EXAMPLE_BOOK, a, EXAMPLE_BOOK.markets.map((m) => m.markPrice))).toBe(r.status === "liquidatable");
      if (r.closeOut !== null) {
        const slip = EXAMPLE_BOOK.accounts[a]!.positions.reduce((acc, p) => {
          const m = EXAMPLE_BOOK.markets[p.market]!;
          return acc + slippage(m, notional(m, p.size, m.markPrice));
        }, 0n);
        const closeEquity = r.equity! - slip;
        const c = r.closeOut;
        expect(closeEquity).toBe(c.penalty + c.returned - c.badDebt);
        expect(c.liquidatorReward + c.insuranceFund).toBe(c.penalty);
      }
    }
  });

  it("gives exactly the six expected liquidation prices", () => {
    const lp = (a: number, p: number) => liquidationPrice(EXAMPLE_BOOK, a, p);
    expect(lp(0, 0)).toBe(6_233_243n); // alice BTC-PERP 62332.43
    expect(lp(1, 0)).toBe(6_485_412n); // bob BTC-PERP 64854.12
    expect(lp(2, 0)).toBe(7_012_399n); // carol BTC-PERP 70123.99
    expect(lp(3, 0)).toBe(6_561_455n); // dave BTC-PERP 65614.55
    expect(lp(3, 1)).toBe(339_159n); // dave ETH-PERP 3391.59
    expect(lp(4, 0)).toBe(340_865n); // erin ETH-PERP 3408.65
    // Each is liquidatable, and the next price on the safe side is not.
    const marks = EXAMPLE_BOOK.markets.map((m) => m.markPrice);
    const at = (mk: number, x: bigint) => marks.map((v, i) => (i === mk ? x : v));
    const cases: Array<[number, number, number, bigint, bigint]> = [
      [0, 0, 0, 6_233_243n, 1n],
      [1, 0, 0, 6_485_412n, -1n],
      [2, 0, 0, 7_012_399n, 1n],
      [3, 0, 0, 6_561_455n, 1n],
      [3, 1, 1, 339_159n, -1n],
      [4, 0, 1, 340_865n, 1n],
    ];
    for (const [a, , mk, p, step] of cases) {
      expect(isLiquidatable(EXAMPLE_BOOK, a, at(mk, p))).toBe(true);
      for (let k = 1n; k <= 200n; k++) expect(isLiquidatable(EXAMPLE_BOOK, a, at(mk, p + step * k))).toBe(false);
    }
  });

  it("scanAccount takes explicit marks", () => {
    // alice at 60000.00: pnl = 0.5 * (60000 - 64000) = -2000, equity -1000: liquidatable.
    const marks = [6_000_000n, ETH.markPrice];
    const r = scanAccount(EXAMPLE_BOOK, 0, marks);
    expect(r.status).toBe("liquidatable");
    expect(r.equity).toBe(-1_000_000_000n);
    // notional 30000 quote, tier 0: ceil(30000e6 * 4000 * 1333334 / 10^12) = 160000080.
    expect(r.maintenance).toBe(160_000_080n);
    expect(() => scanAccount(EXAMPLE_BOOK, 0, [1n])).toThrow();
  });
});

describe("account scan", () => {
  const m0 = market({ tiers: [{ maxNotional: null, mmrPpm: 100_000n }], liquidationFeePpm: 10_000n }); // 10 %, fee 1 %

  it("an empty account is ok with equity = collateral and no maintenance", () => {
    for (const c of [0n, 5n, -5n, I64_MIN, I64_MAX]) {
      const b = bookOf([m0], [acct(c, [])]);
      expect(scanAccount(b, 0)).toEqual({ status: "ok", equity: c, maintenance: 0n, closeOut: null });
      expect(isLiquidatable(b, 0)).toBe(false);
    }
  });

  it("zero-size positions alone never make an account liquidatable, even with negative equity", () => {
    const b = bookOf([m0], [acct(-100n, [{ market: 0, size: 0n, entryPrice: 5n }])]);
    expect(scanAccount(b, 0)).toEqual({ status: "ok", equity: -100n, maintenance: 0n, closeOut: null });
    expect(marginRatioPpm(scanAccount(b, 0))).toBeNull();
    expect(isLiquidatable(b, 0)).toBe(false);
  });

  it("equity exactly equal to maintenance is not liquidatable; one unit less is", () => {
    // size 10 at mark 1000 (e = 0): notional 10000, maintenance 1000, pnl 0.
    const pos = [{ market: 0, size: 10n, entryPrice: 1000n }];
    const okB = bookOf([m0], [acct(1000n, pos)]);
    expect(scanAccount(okB, 0)).toEqual({ status: "ok", equity: 1000n, maintenance: 1000n, closeOut: null });
    expect(marginRatioPpm(scanAccount(okB, 0))).toBe(1_000_000n);
    const liqB = bookOf([m0], [acct(999n, pos)]);
    const r = scanAccount(liqB, 0);
    expect(r.status).toBe("liquidatable");
    // fee = ceil(10000 * 1 %) = 100 <= 999: penalty 100, reward 50, insurance 50, returned 899.
    expect(r.closeOut).toEqual({ notional: 10_000n, penalty: 100n, liquidatorReward: 50n, insuranceFund: 50n, badDebt: 0n, returned: 899n });
    expect(marginRatioPpm(r)).toBe(1_001_001n); // floor(1000 * 10^6 / 999)
  });

  it("a zero-size position next to a non-zero one: the account can be liquidatable", () => {
    const m1 = market({ id: "N" });
    const b = bookOf([m0, m1], [acct(5n, [{ market: 1, size: 0n, entryPrice: 1n }, { market: 0, size: 10n, entryPrice: 1000n }])]);
    expect(scanAccount(b, 0).status).toBe("liquidatable");
  });

  it("penalty is capped by the close-out equity; reward floors, insurance takes the rest", () => {
    // fee 1 % of 10000 = 100, equity 51 -> penalty 51, reward floor(25.5) = 25, insurance 26.
    const b = bookOf([m0], [acct(51n, [{ market: 0, size: 10n, entryPrice: 1000n }])]);
    expect(scanAccount(b, 0).closeOut).toEqual({ notional: 10_000n, penalty: 51n, liquidatorReward: 25n, insuranceFund: 26n, badDebt: 0n, returned: 0n });
    // Share 0 and share 100 %.
    const b0 = bookOf([m0], [acct(51n, [{ market: 0, size: 10n, entryPrice: 1000n }])], 0n);
    expect(scanAccount(b0, 0).closeOut).toEqual({ notional: 10_000n, penalty: 51n, liquidatorReward: 0n, insuranceFund: 51n, badDebt: 0n, returned: 0n });
    const b1 = bookOf([m0], [acct(51n, [{ market: 0, size: 10n, entryPrice: 1000n }])], 1_000_000n);
    expect(scanAccount(b1, 0).closeOut).toEqual({ notional: 10_000n, penalty: 51n, liquidatorReward: 51n, insuranceFund: 0n, badDebt: 0n, returned: 0n });
  });

  it("bad debt when the close-out equity is negative, including through slippage", () => {
    const b = bookOf([m0], [acct(-7n, [{ market: 0, size: 10n, entryPrice: 1000n }])]);
    expect(scanAccount(b, 0)).toEqual({
      status: "liquidatable",
      equity: -7n,
      maintenance: 1000n,
      closeOut: { notional: 10_000n, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 7n, returned: 0n },
    });
    // Slippage 10 % capped (depth 1000, notional 10000 -> 10^7 ppm, capped to 100000): slippage 1000.
    const mi = market({ ...m0, impact: { depth: 1000n, maxSlippagePpm: 100_000n } });
    const bi = bookOf([mi], [acct(600n, [{ market: 0, size: 10n, entryPrice: 1000n }])]);
    // closeEquity = 600 - 1000 = -400.
    expect(scanAccount(bi, 0).closeOut).toEqual({ notional: 10_000n, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 400n, returned: 0n });
    // closeEquity = 1050 - 1000... but 1050 >= maintenance 1000 -> ok, no close-out.
    expect(scanAccount(bookOf([mi], [acct(1050n, [{ market: 0, size: 10n, entryPrice: 1000n }])]), 0).status).toBe("ok");
  });

  it("margin ratio: none when equity <= 0 or on overflow", () => {
    expect(marginRatioPpm({ status: "ok", equity: 0n, maintenance: 0n, closeOut: null })).toBeNull();
    expect(marginRatioPpm({ status: "liquidatable", equity: -1n, maintenance: 5n, closeOut: null })).toBeNull();
    expect(marginRatioPpm({ status: "overflow", equity: null, maintenance: null, closeOut: null })).toBeNull();
    expect(marginRatioPpm({ status: "ok", equity: 3n, maintenance: 1n, closeOut: null })).toBe(333_333n);
    expect(marginRatioPpm({ status: "ok", equity: 3n, maintenance: 0n, closeOut: null })).toBe(0n);
  });

  describe("overflow (signed 64-bit limits)", () => {
    const free = market({ tiers: [{ maxNotional: null, mmrPpm: 0n }] }); // e = 0, no maintenance, no fee
    const OVERFLOW = { status: "overflow", equity: null, maintenance: null, closeOut: null };

    it("a position's notional just over 2^63 - 1", () => {
      const fits = bookOf([free], [acct(0n, [{ market: 0, size: 1n, entryPrice: I64_MAX }])], 0n);
      // notional 2^63 - 1 fits (and pnl 0, no maintenance): ok.
      expect(scanAccount(fits, 0, [I64_MAX])).toEqual({ status: "ok", equity: 0n, maintenance: 0n, closeOut: null });
      const over = bookOf([free], [acct(0n, [{ market: 0, size: 2n, entryPrice: 1n << 62n }])], 0n);
      expect(scanAccount(over, 0, [1n << 62n])).toEqual(OVERFLOW); // notional 2^63
      // e = -1 (sizeDecimals 0, priceDecimals 5): 1 unit at 2^63 - 1 has notional (2^63 - 1) * 10.
      const m5 = market({ sizeDecimals: 0, priceDecimals: 5 });
      const over2 = bookOf([m5], [acct(0n, [{ market: 0, size: -1n, entryPrice: I64_MAX }])], 0n);
      expect(scanAccount(over2, 0, [I64_MAX])).toEqual(OVERFLOW);
    });

    it("equity just over, via collateral", () => {
      const pos = [{ market: 0, size: 1n, entryPrice: 10n }];
      expect(scanAccount(bookOf([free], [acct(I64_MAX - 1n, pos)]), 0, [11n])).toEqual({ status: "ok", equity: I64_MAX, maintenance: 0n, closeOut: null });
      expect(scanAccount(bookOf([free], [acct(I64_MAX, pos)]), 0, [11n])).toEqual(OVERFLOW);
      expect(scanAccount(bookOf([free], [acct(I64_MIN, pos)]), 0, [9n])).toEqual(OVERFLOW);
      // Huge pnls that cancel are fine (decisions.md item 2).
      const two = bookOf(
        [free, market({ id: "B" })],
        [acct(0n, [{ market: 0, size: I64_MAX, entryPrice: 0n }, { market: 1, size: -I64_MAX, entryPrice: 0n }])],
      );
      // notionals I64_MAX * 1 each fit; pnls +-(2^63-1) cancel.
      expect(scanAccount(two, 0, [1n, 1n])).toEqual({ status: "ok", equity: 0n, maintenance: 0n, closeOut: null });
    });

    it("maintenance just over", () => {
      // mmr 100 %, scale 10^5 (10 / 0.0001): maintenance = notional * 10^5.
      const hot = market({ tiers: [{ maxNotional: null, mmrPpm: 1_000_000n }], volatility: { currentPpm: 10_000_000n, referencePpm: 100n } });
      const n = I64_MAX / 100_000n; // 92233720368547
      const fits = bookOf([hot], [acct(0n, [{ market: 0, size: n, entryPrice: 1n }])]);
      const r = scanAccount(fits, 0, [1n]);
      expect(r.status).toBe("liquidatable");
      expect(r.maintenance).toBe(9_223_372_036_854_700_000n);
      const over = bookOf([hot], [acct(0n, [{ market: 0, size: n + 1n, entryPrice: 1n }])]);
      expect(scanAccount(over, 0, [1n])).toEqual(OVERFLOW);
      // ...and it is still liquidatable on exact values.
      expect(isLiquidatable(over, 0, [1n])).toBe(true);
    });

    it("sum of fees just over, with every notional fitting", () => {
      const allFee = market({ liquidationFeePpm: 1_000_000n }); // fee = notional
      const mB = { ...allFee, id: "B" };
      const half = 1n << 62n;
      const mk = (s2: bigint) =>
        bookOf([allFee, mB], [acct(I64_MAX, [{ market: 0, size: half, entryPrice: 1n }, { market: 1, size: s2, entryPrice: 1n }])]);
      expect(scanAccount(mk(half - 1n), 0, [1n, 1n]).status).toBe("ok");
      expect(scanAccount(mk(half), 0, [1n, 1n])).toEqual(OVERFLOW); // 2^62 + 2^62 = 2^63
    });

    it("sum of slippage just over (checked for every account, decisions.md item 1)", () => {
      const allSlip = market({ impact: { depth: 1n, maxSlippagePpm: 1_000_000n } }); // slippage = notional
      const mB = { ...allSlip, id: "B" };
      const half = 1n << 62n;
      const mk = (s2: bigint) =>
        bookOf([allSlip, mB], [acct(I64_MAX, [{ market: 0, size: half, entryPrice: 1n }, { market: 1, size: s2, entryPrice: 1n }])]);
      expect(scanAccount(mk(half - 1n), 0, [1n, 1n]).status).toBe("ok");
      expect(scanAccount(mk(half), 0, [1n, 1n])).toEqual(OVERFLOW);
    });

    it("closeEquity at and under -2^63 for a liquidatable account", () => {
      const slip = market({ impact: { depth: 1n, maxSlippagePpm: 1_000_000n } }); // slippage = notional
      // equity = -2^63 + 2, slippage 1 -> closeEquity = -2^63 + 1: bad debt 2^63 - 1 still fits.
      const fits = bookOf([slip], [acct(I64_MIN + 2n, [{ market: 0, size: 1n, entryPrice: 1n }])]);
      const r = scanAccount(fits, 0, [1n]);
      expect(r.status).toBe("liquidatable");
      expect(r.closeOut).toEqual({ notional: 1n, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: I64_MAX, returned: 0n });
      // closeEquity = -2^63 exactly: its bad debt 2^63 fits no i64, so overflow (decisions.md item 7).
      const edge = bookOf([slip], [acct(I64_MIN + 1n, [{ market: 0, size: 1n, entryPrice: 1n }])]);
      expect(scanAccount(edge, 0, [1n])).toEqual(OVERFLOW);
      const over = bookOf([slip], [acct(I64_MIN, [{ market: 0, size: 1n, entryPrice: 1n }])]);
      expect(scanAccount(over, 0, [1n])).toEqual(OVERFLOW); // closeEquity = -2^63 - 1
    });

    it("book totals are exact sums wider than 64 bits; overflow accounts are counted, not summed", () => {
      const pos = [{ market: 0, size: 1n, entryPrice: 1n }];
      const b = bookOf(
        [market({ tiers: [{ maxNotional: null, mmrPpm: 1_000_000n }] })],
        [acct(I64_MIN + 2n, pos, "x"), acct(I64_MIN + 2n, pos, "y"), acct(I64_MIN, [{ market: 0, size: 1n, entryPrice: 2n }], "z"), acct(5n, [], "w")],
      );
      const { results, totals } = scanBook(b, [1n]);
      expect(results.map((r) => r.status)).toEqual(["liquidatable", "liquidatable", "overflow", "ok"]);
      expect(totals).toEqual({
        liquidatable: 2,
        overflow: 1,
        penalty: 0n,
        liquidatorReward: 0n,
        insuranceFund: 0n,
        badDebt: 2n * ((1n << 63n) - 2n),
        notional: 2n, // x and y; z is an overflow and adds nothing
      });
    });
  });
});
