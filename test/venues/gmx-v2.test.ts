// gmx-v2 (docs/venues/gmx-v2.md): the trigger of PositionUtils.isPositionLiquidatable at
// gmx-synthetics a5c0c8835182 on the suite's own liquidation test and hand-computed positions (each
// of its three conditions, the pnl cap, the impact cap, the fee and its receiver share, the pool's
// shortfall); the core against the BigInt reference on random books; liquidation prices swept
// against the trigger (gmsol-labs/gmx-solana #439's check). Seeds vary per run (printed on failure).
import { describe, expect, it } from "vitest";
import { createEngine } from "../../bindings/index.js";
import type { Asset, Book, GmxMarket, Market } from "../../book/types.js";
import { validateBook } from "../../book/index.js";
import { BookError } from "../../book/errors.js";
import { isLiquidatable, liquidationPrice, scanBook } from "../../reference/index.js";
import { gmxTrigger, indexUnitPrice, poolPnl, viewOf } from "../../reference/venues/gmx-v2.js";
import { Rng } from "../support/random-book.js";
import { gmxBook as book, randomGmxBook as randomBook } from "../support/gmx-random.js";

const F = (pct: string) => { // a percentage as a GMX factor (10^30 = 100 %)
  const [i, d = ""] = pct.split(".");
  return BigInt(i! + d.padEnd(28, "0")) ;
};
const STATUS = ["ok", "liquidatable", "overflow"];
/** Quote units (10^-6 USD) at GMX's 10^-30: the market's USD amounts are GMX's own. */
const U = (quote: bigint) => quote * 10n ** 24n;
const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);

function gmx(over: Partial<GmxMarket> = {}): GmxMarket {
  const side = { maxPnlFactorForTraders: F("50"), openInterestUsd: 0n, openInterestInTokens: 0n, poolUsd: 0n };
  return {
    indexPriceSpread: 0n, minCollateralFactorForLiquidation: F("1"), liquidationFeeFactor: F("0.2"), liquidationFeeReceiverFactor: F("37"),
    maxPositionImpactFactorForLiquidations: F("1"), minCollateralUsd: U(1_000_000n), long: side, short: side, ...over,
  };
}

/** ETH/USD: sizes in 10^-6 ETH, prices in cents. */
function ethMarket(mark: bigint, over: Partial<GmxMarket> = {}): Market {
  return { id: "ETH/USD", sizeDecimals: 6, priceDecimals: 2, markPrice: mark, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 2_000n, gmx: gmx(over) };
}
const weth = (price: bigint): Asset => ({ id: "WETH", decimals: 12, priceDecimals: 2, price, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n });
const usdc: Asset = { id: "USDC", decimals: 6, priceDecimals: 6, price: 1_000_000n, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n };

async function coreScan(b: Book) {
  const live = await (await createEngine("wasm")).load(b);
  const got = live.scan();
  const out = b.accounts.map((_, a) => ({ status: STATUS[got.status[a]!], result: got.account(a) }));
  const totals = got.totals;
  live.dispose();
  return { out, totals };
}

describe("gmx-v2: isPositionLiquidatable", () => {
  it("test/exchange/LiquidationOrder.ts: 10 WETH backing $200,000 long ETH opened at $5,000 is not liquidatable at $4,200 and is at $4,000", async () => {
    // 40 ETH (sizeDeltaUsd 200,000 at 5,000; the fixture has no impact). The close's position fee
    // (0.06 %, the negative-impact factor of config/markets.ts) comes off the collateral in WETH.
    for (const [price, want] of [[420_000n, "ok"], [400_000n, "liquidatable"]] as const) {
      const feeWeth = (200_000n * 6n * 10n ** 12n) / 10_000n / (price / 100n) + 1n; // 10^-12 WETH, rounded against the trader
      const b = book(ethMarket(price), [weth(price)], [{ size: 40_000_000n, sizeInUsd: 200_000_000_000n, collateral: 10n * 10n ** 12n - feeWeth }]);
      validateBook(b);
      expect(scanBook(b).results[0]!.status).toBe(want);
      expect((await coreScan(b)).out[0]!.status).toBe(want);
    }
  });

  it("at GMX's own precision: a 10^-30 USD unit of sizeInUsd or of the impact decides, in both engines", async () => {
    // $10,000 long of 5 ETH at $2,000 with $100 USDC: remaining is exactly the 1 % threshold (ok). One
    // unit of 10^-30 more sizeInUsd lowers the pnl by 10^-30 while applyFactor's floor keeps the
    // threshold at $100: liquidatable. So does an impact of -10^-30.
    const usd = 10n ** 30n;
    const cases: [{ sizeInUsd30?: bigint; impact30?: bigint }, string][] = [
      [{}, "ok"], [{ sizeInUsd30: 10_000n * usd + 1n }, "liquidatable"], [{ impact30: -1n }, "liquidatable"],
      [{ sizeInUsd30: 10_000n * usd - 1n }, "ok"], [{ impact30: 1n }, "ok"], // a positive impact counts 0
      [{ sizeInUsd30: 10_000n * usd + 99n, impact30: 10n ** 24n }, "liquidatable"],
    ];
    for (const [fine, want] of cases) {
      const b = book(ethMarket(200_000n), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral: 100_000_000n, ...fine }]);
      validateBook(b);
      expect(scanBook(b).results[0]!.status, JSON.stringify(fine, (_, x) => (typeof x === "bigint" ? String(x) : x))).toBe(want);
      expect((await coreScan(b)).out[0]!.status).toBe(want);
    }
    // LiquidationOrder.ts's position opened through the interface: $200,000.000000000000000000000000000001.
    for (const [price, want] of [[420_000n, "ok"], [400_000n, "liquidatable"]] as const) {
      const feeWeth = (200_000n * 6n * 10n ** 12n) / 10_000n / (price / 100n) + 1n;
      const b = book(ethMarket(price), [weth(price)], [{ size: 40_000_000n, sizeInUsd: 0n, sizeInUsd30: 200_000n * usd + 1n, collateral: 10n * 10n ** 12n - feeWeth }]);
      validateBook(b);
      expect(scanBook(b).results[0]!.status).toBe(want);
      expect((await coreScan(b)).out[0]!.status).toBe(want);
    }
  });

  it("market amounts at 10^-30: MIN_COLLATERAL_USD past 2^125 is an overflow; pools up to 2^192 - 1 exact, 2^192 refused", async () => {
    const at = async (over: Partial<GmxMarket>, collateral: bigint, mark = 200_000n) => {
      const b = book(ethMarket(mark, over), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral }]);
      validateBook(b);
      const want = scanBook(b).results[0]!;
      const got = (await coreScan(b)).out[0]!;
      expect(got.status).toBe(want.status);
      expect(got.result).toEqual(want);
      return want;
    };
    expect((await at({ minCollateralUsd: 2n ** 125n }, 10n ** 12n)).status).toBe("overflow");
    expect((await at({ minCollateralUsd: 2n ** 125n - 1n }, 10n ** 12n)).status).toBe("liquidatable"); // $42.5M of minimum against $1,000,000
    expect((await at({ minCollateralUsd: 2n ** 255n }, 10n ** 12n)).status).toBe("overflow");
    // A pnl of $5,000 (5 ETH from $10,000 at $3,000) against a pool pnl of $10,000: a pool worth
    // 2^192 - 1 at 10^-30 caps nothing (its 50 % is far above the pool pnl), a small one does.
    const long = (poolUsd: bigint) => ({ maxPnlFactorForTraders: F("50"), openInterestUsd: U(20_000_000_000n), openInterestInTokens: 10_000_000n, poolUsd });
    expect((await at({ long: long(2n ** 192n - 1n) }, 0n, 300_000n)).equity).toBe(5_000_000_000n);
    expect((await at({ long: long(U(12_000_000_000n)) }, 0n, 300_000n)).equity).toBe(3_000_000_000n);
    expect((await at({ long: long(2n ** 126n + 12345n) }, 0n, 300_000n)).equity).toBe(5_000_000_000n);
    // Past the bound: refused up front, naming the market and the field.
    for (const [over, field] of [[{ long: long(2n ** 192n) }, "gmx.long.poolUsd"], [{ short: { ...long(0n), openInterestUsd: 2n ** 192n } }, "gmx.short.openInterestUsd"]] as const) {
      const b = book(ethMarket(300_000n, over), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral: 0n }]);
      let e: unknown = null;
      try { validateBook(b); } catch (x) { e = x; }
      expect(e).toBeInstanceOf(BookError);
      expect([(e as BookError).record, (e as BookError).field]).toEqual(['market "ETH/USD"', field]);
      expect((e as BookError).problem).toMatch(/2\^192 - 1/);
    }
  });

  it("each of the three conditions, strict where the contract is strict", () => {
    // $10,000 long of 5 ETH at $2,000, USDC collateral; the mark decides the pnl. minCF 1 %: $100; MIN_COLLATERAL_USD $1.
    const at = (mark: bigint, collateral: bigint, minUsd = 1_000_000n) => {
      const b = book(ethMarket(mark, { minCollateralUsd: U(minUsd) }), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral }]);
      return gmxTrigger(viewOf(b, b.accounts[0]!)!, mark, 1_000_000n);
    };
    // remaining = collateral + 5 * mark - 10,000.
    expect(at(200_000n, 100_000_000n).reason).toBe(null); // remaining exactly $100: not below
    expect(at(200_000n, 99_999_999n).reason).toBe("min collateral for leverage");
    expect(at(199_980n, 101_000_000n).reason).toBe(null); // $100 exactly again (pnl -1)
    expect(at(200_000n, 0n, 0n).reason).toBe("< 0"); // remaining 0 with MIN_COLLATERAL_USD 0: "<= 0"
    expect(at(200_000n, 1n, 0n).reason).toBe("min collateral for leverage");
    expect(at(200_000n, 500_000_000n, 600_000_000n).reason).toBe("min collateral"); // $500 < $600
    expect(at(200_000n, 600_000_000n, 600_000_000n).reason).toBe(null);
  });

  it("the core decides the same on each boundary, a unit either side", async () => {
    const cases: [bigint, bigint, bigint, string][] = [
      [200_000n, 100_000_000n, 1_000_000n, "ok"], [200_000n, 99_999_999n, 1_000_000n, "liquidatable"],
      [200_000n, 0n, 0n, "liquidatable"], [200_000n, 1n, 0n, "liquidatable"],
      [200_000n, 500_000_000n, 600_000_000n, "liquidatable"], [200_000n, 600_000_000n, 600_000_000n, "ok"],
    ];
    // With both thresholds 0, "remaining <= 0" is the condition that decides: $0 exactly is liquidatable.
    for (const [collateral, want] of [[0n, "liquidatable"], [1n, "ok"]] as const) {
      const b = book(ethMarket(200_000n, { minCollateralUsd: 0n, minCollateralFactorForLiquidation: 0n }), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral }]);
      expect((await coreScan(b)).out[0]!.status, `${collateral}`).toBe(want);
      expect(scanBook(b).results[0]!.status).toBe(want);
    }
    for (const [mark, collateral, minUsd, want] of cases) {
      const b = book(ethMarket(mark, { minCollateralUsd: U(minUsd) }), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral }]);
      expect((await coreScan(b)).out[0]!.status, `${collateral} ${minUsd}`).toBe(want);
      expect(scanBook(b).results[0]!.status).toBe(want);
    }
    // At the boundary with large terms (2^99 at 10^30) the float test settles nothing the exact path would not.
    const big = ethMarket(200_000n, { minCollateralUsd: 0n });
    const sizeInUsd = 1_000_000_000_000n; // $1,000,000
    // 500 ETH at $2,000 = $1,000,000: pnl 0; collateral exactly 1 % = $10,000.
    for (const [collateral, want] of [[10_000_000_000n, "ok"], [9_999_999_999n, "liquidatable"]] as const) {
      const b = book(big, [usdc], [{ size: 500_000_000n, sizeInUsd, collateral }]);
      expect((await coreScan(b)).out[0]!.status).toBe(want);
      expect(scanBook(b).results[0]!.status).toBe(want);
    }
    // An account 3.6e-14 USD below its threshold whose f64 image is 9.6e-10 USD above it (found by
    // search): only the pre-filter's band keeps the float test from settling it "ok".
    const m = ethMarket(120_441n, { minCollateralFactorForLiquidation: 51_241_458n * 10n ** 21n, minCollateralUsd: 0n });
    const token: Asset = { id: "T", decimals: 12, priceDecimals: 6, price: 871_115n, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n };
    for (const [collateral, want] of [[431_134_750_375_830_065n, "liquidatable"], [431_134_750_375_830_066n, "ok"]] as const) {
      const b = book(m, [token], [{ size: 6_069_235_503n, sizeInUsd: 7_310_799_837_426n, collateral }]);
      expect(scanBook(b).results[0]!.status, `${collateral}`).toBe(want);
      expect((await coreScan(b)).out[0]!.status, `${collateral}`).toBe(want);
    }
    // The same at 10^-30 (found by search against an f64 mirror of the core's test): sizeInUsd with
    // its 24 finer digits, and a balance whose f64 margin is 6.6e-10 USD above the threshold (inside
    // the band, 4.4e-7 USD) while the exact remaining is below it.
    for (const [collateral, want] of [[431_134_750_375_858_241n, "liquidatable"], [431_134_750_375_858_242n, "ok"]] as const) {
      const b = book(m, [token], [{ size: 6_069_235_503n, sizeInUsd: 0n, sizeInUsd30: 7_310_799_837_426_023348918931669000000001n, collateral }]);
      expect(scanBook(b).results[0]!.status, `${collateral}`).toBe(want);
      expect((await coreScan(b)).out[0]!.status, `${collateral}`).toBe(want);
    }
  });

  it("the pnl that minimises the trigger: a long at the min price, a short at the max", () => {
    const m = ethMarket(200_000n, { indexPriceSpread: 100n }); // max = $2,001
    const b = book(m, [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral: 200_000_000n }, { size: -5_000_000n, sizeInUsd: 10_000_000_000n, collateral: 200_000_000n }]);
    const [l, s] = b.accounts.map((a) => gmxTrigger(viewOf(b, a)!, 200_000n, 1_000_000n));
    expect(l!.remaining).toBe(200n * 10n ** 30n); // pnl 0 at the min
    expect(s!.remaining).toBe(195n * 10n ** 30n); // the short pays 5 * $1 at the max
  });

  it("the price impact: positive counts 0, negative floored at -applyFactor(size, maxPositionImpactFactorForLiquidations)", () => {
    const run = (impact: bigint) => {
      const b = book(ethMarket(200_000n), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral: 500_000_000n, impact }]);
      return gmxTrigger(viewOf(b, b.accounts[0]!)!, 200_000n, 1_000_000n).remaining;
    };
    expect(run(50_000_000n)).toBe(500n * 10n ** 30n);
    expect(run(-50_000_000n)).toBe(450n * 10n ** 30n);
    expect(run(-150_000_000n)).toBe(400n * 10n ** 30n); // 1 % of $10,000 = $100 at most
  });

  it("the pnl cap against the pool: a positive pnl scaled by cappedPoolPnl / poolPnl, truncated", () => {
    // Long 5 ETH from $10,000 at $3,000: pnl $5,000. The longs' pool: OI $20,000 in 10 ETH -> pool pnl $10,000,
    // capped at 50 % of a $12,000 pool = $6,000: pnl = 5,000 * 6,000 / 10,000 = $3,000.
    const long = { maxPnlFactorForTraders: F("50"), openInterestUsd: U(20_000_000_000n), openInterestInTokens: 10_000_000n, poolUsd: U(12_000_000_000n) };
    const b = book(ethMarket(300_000n, { long }), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral: 0n }]);
    expect(gmxTrigger(viewOf(b, b.accounts[0]!)!, 300_000n, 1_000_000n).remaining).toBe(3_000n * 10n ** 30n);
  });

  it("the capped pnl is truncated (Precision.mulDiv): one unit at 10^30 decides, in both engines", async () => {
    // Found by search: 10^-8 ETH long at $2,000.000001 for $0.00002 (pnl 10^16 at 10^30), capped by
    // 0.000999501 of a $0.001 pool against a pool pnl of 1.999e27: 5000004999999.9... truncated;
    // a collateral of 19,994,999,995 units of 10^-6 at 10^30 each leaves R one unit below M.
    const m: Market = {
      id: "ETH/USD", sizeDecimals: 18, priceDecimals: 6, markPrice: 2_000_000_001n, tiers: [{ maxNotional: null, mmrPpm: 0n }], liquidationFeePpm: 0n,
      gmx: gmx({ minCollateralFactorForLiquidation: 10n ** 21n, minCollateralUsd: 0n, liquidationFeeFactor: 0n,
        long: { maxPnlFactorForTraders: 999_501n * 10n ** 21n, openInterestUsd: U(1n), openInterestInTokens: 1_000_000_000_000n, poolUsd: U(1_000n) } }),
    };
    const dust: Asset = { id: "D", decimals: 18, priceDecimals: 6, price: 1n, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n };
    for (const [collateral, want] of [[19_994_999_995n, "liquidatable"], [19_994_999_996n, "ok"]] as const) {
      const b = book(m, [dust], [{ size: 10_000_000_000n, sizeInUsd: 20n, collateral }]);
      expect(scanBook(b).results[0]!.status, `${collateral}`).toBe(want);
      expect((await coreScan(b)).out[0]!.status, `${collateral}`).toBe(want);
    }
  });

  it("the full close: the fee rounded up in collateral tokens, 37 % to the receiver, the pool's share and the shortfall", async () => {
    // $10,000 long at $2,000 with $99 USDC: liquidatable ($99 < $100). Fee 0.2 % = $20 -> 20 USDC;
    // receiver 37 % = 7.4 USDC; returned 99 - 20 = 79.
    const b = book(ethMarket(200_000n), [usdc], [{ size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral: 99_000_000n },
      { size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral: 10_000_000n }, { size: 5_000_000n, sizeInUsd: 10_000_000_000n, collateral: -30_000_000n }]);
    validateBook(b);
    const r = scanBook(b).results;
    expect(r[0]!.closeOut).toEqual({ notional: 10_000_000_000n, penalty: 20_000_000n, liquidatorReward: 7_400_000n, insuranceFund: 12_600_000n, badDebt: 0n, returned: 79_000_000n });
    // $10 does not pay the $20 fee: the fees are emptied, the $10 goes to the pool.
    expect(r[1]!.closeOut).toEqual({ notional: 10_000_000_000n, penalty: 10_000_000n, liquidatorReward: 0n, insuranceFund: 10_000_000n, badDebt: 0n, returned: 0n });
    // -$30: the pool absorbs the shortfall.
    expect(r[2]!.closeOut).toEqual({ notional: 10_000_000_000n, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 30_000_000n, returned: 0n });
    const core = await coreScan(b);
    core.out.forEach((c, a) => expect(c.result).toEqual(r[a]));
    // A coarse collateral token ($20 a unit): a $20.02 fee is 2 units ($40, rounded up), the
    // receiver's 37 % of 2 units is 0 units; remaining 100 - 10 = $90 < $100.10; the trader gets $50.
    const coarse: Asset = { id: "ETHC", decimals: 2, priceDecimals: 2, price: 200_000n, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n };
    const c2 = book(ethMarket(200_000n), [coarse], [{ size: 5_000_000n, sizeInUsd: 10_010_000_000n, collateral: 5n }]);
    const want = { notional: 10_000_000_000n, penalty: 40_000_000n, liquidatorReward: 0n, insuranceFund: 40_000_000n, badDebt: 0n, returned: 50_000_000n };
    expect(scanBook(c2).results[0]!.closeOut).toEqual(want);
    expect((await coreScan(c2)).out[0]!.result.closeOut).toEqual(want);
    // An 18-decimal token, a wei worth 2e-15 USD: a fee of $0.000019999999999 is 10^10 wei after
    // rounding up, $0.000020 (9,999,999,999 wei, rounded down, would be $0.000019).
    const wei: Asset = { id: "WETH", decimals: 18, priceDecimals: 2, price: 200_000n, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n };
    const c3 = book(ethMarket(200_000n, { liquidationFeeFactor: 10n ** 21n }), [wei], [{ size: 10_000_000n, sizeInUsd: 19_999_999_999n, collateral: 5n * 10n ** 16n }]);
    const r3 = scanBook(c3).results[0]!;
    expect(r3.status).toBe("liquidatable");
    expect(r3.closeOut!.penalty).toBe(20n);
    expect((await coreScan(c3)).out[0]!.result).toEqual(r3);
  });
});

describe("gmx-v2: open interest past $42.5M (the 256-bit pool path)", () => {
  const both = async (b: Book) => {
    validateBook(b);
    const want = scanBook(b).results;
    const got = await coreScan(b);
    got.out.forEach((g, a) => { expect(g.status, `account ${a}`).toBe(want[a]!.status); expect(g.result, `account ${a}`).toEqual(want[a]); });
    return want;
  };

  it("gmx-synthetics test/exchange/DecreasePosition/CappedPnl.ts: two $250,000 longs at +50 %, MAX_PNL_FACTOR_FOR_TRADERS 7 %: 135,000 and 168,775 USDC", async () => {
    // ethUsdSingleTokenMarket (USDC both sides: a side's pool is half the 2,000,000 USDC), each long
    // 50 ETH for $250,000 at $5,000 with 100,000 USDC, closed at $7,500: pnl $125,000 each. First
    // close: pool pnl 100 ETH * 7,500 - 500,000 = $250,000, capped at 7 % of $1,000,000 = $70,000:
    // 125,000 * 70,000 / 250,000 = $35,000, so 135,000 USDC back. Second: the pool paid 35,000
    // (half of 1,965,000 = $982,500, 7 %: $68,775) against a pool pnl of $125,000: $68,775, 168,775 USDC.
    // (The suite's fees are 0; our remaining collateral is what the close pays out.)
    const side = (oi: bigint, eth: bigint, pool: bigint) => ({ maxPnlFactorForTraders: F("7"), openInterestUsd: U(oi), openInterestInTokens: eth * 1_000_000n, poolUsd: U(pool) });
    for (const [long, want] of [[side(500_000_000_000n, 100n, 1_000_000_000_000n), 135_000_000_000n], [side(250_000_000_000n, 50n, 982_500_000_000n), 168_775_000_000n]] as const) {
      const r = await both(book(ethMarket(750_000n, { long }), [usdc], [{ size: 50_000_000n, sizeInUsd: 250_000_000_000n, collateral: 100_000_000_000n }]));
      expect(r[0]!.status).toBe("ok");
      expect(r[0]!.equity).toBe(want);
    }
  });

  it("$300M of open interest a side: a profitable long and short, the cap binding and not, a 10^-30 unit of open interest deciding", async () => {
    // ETH at $3,300 (long) / $2,700 (short). Each side: $300M of open interest in 100,000 ETH, so a
    // pool pnl of $30M at 10^-30 is 3 * 10^37 (past 2^125 ~ 4.25 * 10^37 once the value is formed:
    // $330M). The position: 1,000 ETH for $3M, pnl $300,000; 1 % of $3M is the $30,000 threshold;
    // -220,000 USDC of collateral. Pool $500M: at 10 % the bound $50M does not bind (R = $80,000),
    // at 5 % it does: 300,000 * 25M / 30M = $250,000, R = $30,000 exactly: not liquidatable
    // (strict). With the open interest one 10^-30 unit below $300M the pool pnl is 3 * 10^37 + 1 and
    // the capped pnl 250,000 * 10^30 - 1/120,000,000 truncated: 250,000 * 10^30 - 1, R one unit
    // below: liquidatable. (Rounding up would give R = $30,000: the mutation this catches.)
    const oneSide = (factor: string, oi: bigint) => ({ maxPnlFactorForTraders: F(factor), openInterestUsd: oi, openInterestInTokens: 100_000_000_000n, poolUsd: U(500_000_000_000_000n) });
    const none = { maxPnlFactorForTraders: F("50"), openInterestUsd: 0n, openInterestInTokens: 0n, poolUsd: 0n };
    const oi = U(300_000_000_000_000n);
    for (const isLong of [true, false]) {
      const at = async (factor: string, o: bigint) => {
        const s = oneSide(factor, o);
        const m = ethMarket(isLong ? 330_000n : 270_000n, isLong ? { long: s, short: none } : { long: none, short: s });
        const r = await both(book(m, [usdc], [{ size: (isLong ? 1n : -1n) * 1_000_000_000n, sizeInUsd: 3_000_000_000_000n, collateral: -220_000_000_000n }]));
        return r[0]!;
      };
      expect((await at("10", oi)).equity, `${isLong} 10 %`).toBe(80_000_000_000n);
      const capped = await at("5", oi);
      expect([capped.status, capped.equity, capped.maintenance], `${isLong} 5 %`).toEqual(["ok", 30_000_000_000n, 30_000_000_000n]);
      // One unit toward more pool pnl: below $300M for the longs' (value - OI), above for the shorts' (OI - value).
      const o1 = isLong ? oi - 1n : oi + 1n;
      const v = viewOf(book(ethMarket(0n, isLong ? { long: oneSide("5", o1), short: none } : { long: none, short: oneSide("5", o1) }), [usdc],
        [{ size: (isLong ? 1n : -1n) * 1_000_000_000n, sizeInUsd: 3_000_000_000_000n, collateral: -220_000_000_000n }]), { positions: [{ market: 0, size: (isLong ? 1n : -1n) * 1_000_000_000n, entryPrice: 3_000_000_000_000n }], balances: [{ asset: 0, amount: -220_000_000_000n }], collateral: 0n, id: "x" } as never)!;
      const t = gmxTrigger(v, isLong ? 330_000n : 270_000n, 1_000_000n);
      expect(t.remaining, `${isLong}: 10^30 * 30,000 - 1`).toBe(30_000n * 10n ** 30n - 1n);
      const unit = await at("5", o1);
      expect([unit.status, unit.equity], `${isLong} 5 %, OI - 10^-30`).toEqual(["liquidatable", 29_999_999_999n]);
    }
  });

  it("the bound's extremes: open interest and pools at 2^192 - 1, side values near 2^226, in both engines", async () => {
    // sd = pd = 0: a size-price unit is 10^30 at 10^-30. A long's pool is valued at the max price, its
    // pnl at the min: a spread of 2^62 over a mark below 1,000 takes 2^63 - 1 tokens of open interest
    // to ~2^225 while the position (at most 10^4 tokens at the mark, below 2^125) stays in range.
    const big = 2n ** 192n - 1n;
    const m = (isLong: boolean, oi: bigint, tokens: bigint, pool: bigint, factor: string, mark: bigint, spread: bigint): Market => {
      const s = { maxPnlFactorForTraders: F(factor), openInterestUsd: oi, openInterestInTokens: tokens, poolUsd: pool };
      const none = { maxPnlFactorForTraders: 0n, openInterestUsd: 0n, openInterestInTokens: 0n, poolUsd: 0n };
      return { id: "X", sizeDecimals: 0, priceDecimals: 0, markPrice: mark, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n,
        gmx: gmx({ minCollateralUsd: 0n, indexPriceSpread: spread, ...(isLong ? { long: s, short: none } : { long: none, short: s }) }) };
    };
    const seen = new Set<string>();
    const rng = new Rng(baseSeed);
    for (let i = 0; i < 200; i++) {
      const isLong = rng.chance(0.6);
      const mark = BigInt(rng.int(1, 1000));
      const spread = isLong && rng.chance(0.5) ? 2n ** 62n : BigInt(rng.int(0, 3));
      const tokens = rng.chance(0.5) ? 2n ** 63n - 1n - rng.bits(20) : rng.bits(rng.int(1, 63));
      const oi = rng.chance(0.3) ? big - rng.bits(rng.int(0, 100)) : rng.bits(rng.int(1, 192));
      const pool = rng.chance(0.3) ? big : rng.bits(rng.int(1, 192));
      const factor = ["100", "50", "7", "0.0000001", "0"][rng.int(0, 4)]!;
      const size = BigInt(rng.int(1, 10_000));
      const value = size * (isLong ? mark : mark + spread) * 10n ** 30n;
      const sizeInUsd = value - BigInt(rng.int(-100, 100)) * (value / 1000n) + rng.bits(40) + 1n;
      const b = book(m(isLong, oi, tokens, pool, factor, mark, spread), [usdc], [{ size: isLong ? size : -size, sizeInUsd: sizeInUsd / 10n ** 24n, sizeInUsd30: sizeInUsd, collateral: BigInt(rng.int(-100_000, 100_000)) * 1_000_000n }]);
      const r = await both(b);
      seen.add(r[0]!.status);
      // Where the cap binds on a pool pnl past 2^200, with a capped pnl that is not 0 or the pnl.
      const mk = b.markets[0]!, sd = isLong ? mk.gmx!.long : mk.gmx!.short;
      const pp = poolPnl(mk, sd, isLong, mark, mark + spread);
      const pnl = isLong ? size * mark * 10n ** 30n - sizeInUsd : sizeInUsd - size * (mark + spread) * 10n ** 30n;
      const bound = (pool * F(factor)) / 10n ** 30n;
      if (pnl > 0n && pp > bound && bound > 0n) {
        seen.add("capped");
        if (pp >= 2n ** 200n) seen.add("capped past 2^200");
        const q = (pnl * bound) / pp;
        if (q > 0n && q < pnl && (pnl * bound) % pp !== 0n) seen.add("capped, truncated");
      }
    }
    expect([...seen].sort()).toEqual(["capped", "capped past 2^200", "capped, truncated", "liquidatable", "ok"]);
  });
});

describe("gmx-v2: wasm = reference", () => {
  it("scans random books (every status, the pnl cap, the impact cap, fees, shortfalls) to the same statuses and amounts", async () => {
    const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0 };
    for (let i = 0; i < 60; i++) {
      const seed = baseSeed + i;
      const b = randomBook(new Rng(seed));
      validateBook(b);
      const want = scanBook(b);
      const got = await coreScan(b);
      want.results.forEach((w, a) => {
        seen[w.status]!++;
        // Positions whose pnl the pool caps with a pool pnl past the old 2^125 bound (exact now).
        const acct = b.accounts[a]!, v = viewOf(b, acct);
        if (v !== null && w.status !== "overflow") {
          const isLong = v.size > 0n, mk = v.market, g = mk.gmx!, sd = isLong ? g.long : g.short;
          const pp = poolPnl(mk, sd, isLong, mk.markPrice, mk.markPrice + g.indexPriceSpread);
          const bound = (sd.poolUsd * sd.maxPnlFactorForTraders) / 10n ** 30n;
          const value = (isLong ? v.size : -v.size) * indexUnitPrice(mk, isLong ? mk.markPrice : mk.markPrice + g.indexPriceSpread);
          const pnl = isLong ? value - v.sizeInUsd : v.sizeInUsd - value;
          if (pnl > 0n && pp >= 2n ** 125n && pp > bound && bound > 0n) seen.wide = (seen.wide ?? 0) + 1;
        }
        expect(got.out[a]!.status, `gmx-v2 seed ${seed} account ${a}`).toBe(w.status);
        expect(got.out[a]!.result, `gmx-v2 seed ${seed} account ${a}`).toEqual(w);
      });
      expect(got.totals, `gmx-v2 seed ${seed} totals`).toEqual(want.totals);
    }
    expect(seen.ok).toBeGreaterThan(300);
    expect(seen.liquidatable).toBeGreaterThan(300);
    expect(seen.overflow).toBeGreaterThan(10);
    expect(seen.wide ?? 0, "capped pnls on pool pnls past 2^125").toBeGreaterThan(50);
  });

  it("liquidation prices agree with the trigger: liquidatable at the price, not one tick beyond (the sweep gmx-solana #439 asked for)", () => {
    let checked = 0;
    for (let i = 0; i < 40; i++) {
      const seed = baseSeed + 1000 + i;
      const b = randomBook(new Rng(seed));
      b.accounts.forEach((acct, a) => {
        if (acct.positions[0]!.size === 0n) return;
        const lp = liquidationPrice(b, a, 0);
        if (lp === null) return;
        const long = acct.positions[0]!.size > 0n;
        const at = (x: bigint) => isLiquidatable(b, a, [x]);
        expect(at(lp), `seed ${seed} account ${a} at ${lp}`).toBe(true);
        const beyond = long ? lp + 1n : lp - 1n;
        if (beyond >= 0n && beyond < 1n << 63n) expect(at(beyond), `seed ${seed} account ${a} beyond ${lp}`).toBe(false);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(200);
  });
});
