// dYdX v4's own numbers: the Go test tables of github.com/dydxprotocol/v4-chain (commit 84d4664,
// protocol/), transcribed case by case with their names, run through liqscan's dydx-v4 rules and
// both engines. A case liqscan cannot represent is named below with the reason.
//
// Units as the chain's tests build them: a perpetual with atomic resolution r and a market price p
// with exponent x become a market with sizeDecimals -r, priceDecimals -x and markPrice p; a
// position's quantums are its size; USDC quantums are quote units.
import { describe, expect, it } from "vitest";
import { createEngine, type EngineName } from "../../bindings/index.js";
import type { Book, DydxMarket, Market } from "../../book/types.js";
import { validateBook } from "../../book/validate.js";
import { cascade } from "../../views/index.js";
import { evaluateAccount, scanBook } from "../../reference/index.js";
import {
  adjustedImfPpm, bankruptcyQuote, insuranceFundDelta, liquidatableQuantums, maintenanceOf, positionNotionalLimits, quoteQuantums,
} from "../../reference/venues/dydx-v4.js";

const ENGINES: EngineName[] = ["wasm", "reference"];

/** No block limits (constants.PositionBlockLimits_No_Limit, SubaccountBlockLimits_No_Limit). */
const NO_LIMIT: DydxMarket = {
  stepBaseQuantums: 10n, openInterest: 0n, openInterestLowerCap: 0n, openInterestUpperCap: 0n,
  minPositionNotionalLiquidated: 0n, maxPositionPortionLiquidatedPpm: 1_000_000n, subaccountMaxNotionalLiquidated: (1n << 63n) - 1n,
};

function market(id: string, atomicResolution: number, price: bigint, exponent: number, imf: bigint, fraction: bigint, dydx: Partial<DydxMarket> = {}, feePpm = 5_000n): Market {
  return {
    id, sizeDecimals: -atomicResolution, priceDecimals: -exponent, markPrice: price,
    tiers: [{ maxNotional: null, mmrPpm: 0n, imrPpm: imf, maintenanceFractionPpm: fraction }],
    liquidationFeePpm: feePpm, dydx: { ...NO_LIMIT, ...dydx },
  };
}

// protocol/testutil/constants: BtcUsd_20PercentInitial_10PercentMaintenance (atomic resolution -8,
// liquidity tier 3: imf 200,000, fraction 500,000) at $50,000 (5,000,000,000, exponent -5), and
// EthUsd_20PercentInitial_10PercentMaintenance (-9, tier 3) at $3,000 (3,000,000,000, exponent -6).
const BTC = (fee = 5_000n, dydx: Partial<DydxMarket> = {}) => market("BTC-USD", -8, 5_000_000_000n, -5, 200_000n, 500_000n, dydx, fee);
const ETH = market("ETH-USD", -9, 3_000_000_000n, -6, 200_000n, 500_000n);
const DOLLAR = 1_000_000n; // constants.QuoteBalance_OneDollar

function book(markets: Market[], usdc: bigint, positions: [number, bigint][]): Book {
  const b: Book = { venue: "dydx-v4", liquidatorSharePpm: 0n, markets, accounts: [{ id: "s", collateral: usdc, positions: positions.map(([m, size]) => ({ market: m, size, entryPrice: 0n })) }] };
  validateBook(b);
  return b;
}

describe("perpetuals/lib/lib_test.go TestGetMarginRequirementsInQuoteQuantums_2: initial and maintenance margin", () => {
  // [name, price, exponent, atomic resolution, quantums, imf, fraction, open interest, lower cap, upper cap, IMR, MMR]
  const cases: [string, bigint, number, number, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint][] = [
    ["InitialMargin 100 BIPs, MaintenanceMargin 50 BIPs, atomic resolution 4", 55_550n, -1, -4, 7_000n, 10_000n, 500_000n, 0n, 0n, 0n, 38_885_000n, 19_442_500n],
    ["InitialMargin 100 BIPs, MaintenanceMargin 50 BIPs, negative exponent, atomic resolution 6", 42_000_000n, -2, -6, -5_000n, 10_000n, 500_000n, 0n, 0n, 0n, 21_000_000n, 10_500_000n],
    ["InitialMargin 10_000 BIPs (max), MaintenanceMargin 10_000 BIPs (max), atomic resolution 6", 55_550n, -1, -6, 7_000n, 1_000_000n, 1_000_000n, 0n, 0n, 0n, 38_885_000n, 38_885_000n],
    ["InitialMargin 100 BIPs, MaintenanceMargin 100 BIPs, atomic resolution 6", 55_550n, -1, -6, 7_000n, 10_000n, 1_000_000n, 0n, 0n, 0n, 388_850n, 388_850n],
    ["InitialMargin 0 BIPs (min), MaintenanceMargin 0 BIPs (min), atomic resolution 6", 55_550n, -1, -6, 7_000n, 0n, 1_000_000n, 0n, 0n, 0n, 0n, 0n],
    ["Price is zero, atomic resolution 6", 0n, -1, -6, -7_000n, 100n, 1_000_000n, 0n, 0n, 0n, 0n, 0n],
    ["InitialMargin 100 BIPs, MaintenanceMargin 50 BIPs, atomic resolution 6", 55_550n, -1, -6, 7_000n, 10_000n, 500_000n, 0n, 0n, 0n, 388_850n, 194_425n],
    ["InitialMargin 20%, MaintenanceMargin 10%, atomic resolution 6", 367_500n, -1, -6, 12_000n, 200_000n, 500_000n, 0n, 0n, 0n, 88_200_000n, 44_100_000n],
    ["InitialMargin 5%, MaintenanceMargin 3%, atomic resolution 6", 1_234_560n, -1, -6, 74_523n, 50_000n, 600_000n, 0n, 0n, 0n, 460_015_575n, 276_009_345n],
    ["InitialMargin 25%, MaintenanceMargin 15%, atomic resolution 6", 1_234_560n, -1, -6, 74_523n, 250_000n, 600_000n, 0n, 0n, 0n, 2_300_077_872n, 1_380_046_724n],
    ["OIMF: IM 20%, scaled to 60%, MaintenanceMargin 10%, atomic resolution 6", 367_500n, -1, -6, 12_000n, 200_000n, 500_000n, 408_163_265n, 10_000_000_000_000n, 20_000_000_000_000n, 264_599_559n, 44_100_000n],
    ["OIMF: IM 20%, scaled to 100%, MaintenanceMargin 10%, atomic resolution 6", 367_500n, -1, -6, 12_000n, 200_000n, 500_000n, 1_000_000_000n, 10_000_000_000_000n, 20_000_000_000_000n, 441_000_000n, 44_100_000n],
    ["OIMF: IM 20%, lower_cap < realistic open interest < upper_cap, MaintenanceMargin 10%, atomic resolution 6", 367_500n, -1, -6, 12_000n, 200_000n, 500_000n, 1_123_456_789n, 25_000_000_000_000n, 50_000_000_000_000n, 318_042_585n, 44_100_000n],
  ];
  // Not representable, so not run: "Price and quantums are max uints" (2^64 - 1 is above liqscan's
  // largest price and size, 2^63 - 1: validation refuses it), and the cases of
  // TestGetMarginRequirementsInQuoteQuantums with atomic resolution 4 (sizeDecimals would be -4).
  it.each(cases)("%s", async (_, price, exponent, resolution, quantums, imf, fraction, oi, lower, upper, imr, mmr) => {
    const m = market("P", resolution, price, exponent, imf, fraction, { openInterest: oi, openInterestLowerCap: lower, openInterestUpperCap: upper });
    const b = book([m], 0n, [[0, quantums]]);
    const n = quoteQuantums(m, quantums < 0n ? -quantums : quantums, price);
    expect(maintenanceOf(m, n)).toBe(mmr);
    expect((n * adjustedImfPpm(m, price) + 999_999n) / 1_000_000n).toBe(imr);
    for (const engine of ENGINES) {
      const scan = (await (await createEngine(engine)).load(b)).scan();
      expect(scan.account(0).maintenance, engine).toBe(mmr);
      expect(scan.margins(0).initialMargin, engine).toBe(imr);
      // GetNetCollateralAndMarginRequirements: NC = quote balance + the signed net notional.
      expect(scan.account(0).equity, engine).toBe(quoteQuantums(m, quantums, price));
    }
  });
});

describe("perpetuals/lib/lib_test.go TestGetNetNotionalInQuoteQuantums: the signed value, truncated toward zero", () => {
  // Atomic resolution -16, price 123,456,789,123 at exponent -5: 10^12 quantums are worth 123,456,789.
  const m = market("P", -16, 123_456_789_123n, -5, 200_000n, 500_000n);
  it.each([["zero quantums", 0n, 0n], ["positive quantums", 1_000_000_000_000n, 123_456_789n], ["negative quantums", -1_000_000_000_000n, -123_456_789n]] as const)("%s", async (_, q, nc) => {
    for (const engine of ENGINES) expect((await (await createEngine(engine)).load(book([m], 0n, [[0, q]]))).scan().account(0).equity, engine).toBe(nc);
  });
});

/** GetBankruptcyPriceInQuoteQuantums for position k of the book's one account and a delta. */
function bankruptcyOf(b: Book, k: number, delta: bigint): bigint {
  const x = evaluateAccount(b, 0);
  const pos = b.accounts[0]!.positions[k]!;
  const m = b.markets[pos.market]!;
  const after = pos.size + delta;
  const abs = (v: bigint) => (v < 0n ? -v : v);
  return bankruptcyQuote({
    tnc: x.equity, tmmr: x.maintenance,
    nncBefore: quoteQuantums(m, pos.size, m.markPrice), nncAfter: quoteQuantums(m, after, m.markPrice),
    mmrBefore: maintenanceOf(m, quoteQuantums(m, abs(pos.size), m.markPrice)), mmrAfter: maintenanceOf(m, quoteQuantums(m, abs(after), m.markPrice)),
  });
}

describe("clob/keeper/liquidations_test.go TestGetBankruptcyPriceInQuoteQuantums", () => {
  // [name (abridged), perpetual, delta, USDC dollars, positions [market, quantums], expected]
  const cases: [string, number, bigint, bigint, [number, bigint][], bigint][] = [
    ["fully closing one long position that is slightly below maintenance margin requirements", 0, -10_000_000n, -4_501n, [[0, 10_000_000n]], 4_501_000_000n],
    ["fully closing one short position that is slightly below maintenance margin requirements", 0, 10_000_000n, 5_499n, [[0, -10_000_000n]], -5_499_000_000n],
    ["fully closing one long position that is at the bankruptcy price", 0, -10_000_000n, -5_000n, [[0, 10_000_000n]], 5_000_000_000n],
    ["partially closing one long position that is at the bankruptcy price", 0, -5_000_000n, -5_000n, [[0, 10_000_000n]], 2_500_000_000n],
    ["partially closing one short position that is at the bankruptcy price", 0, 5_000_000n, 5_000n, [[0, -10_000_000n]], -2_500_000_000n],
    ["fully closing one short position that is at the bankruptcy price", 0, 10_000_000n, 5_000n, [[0, -10_000_000n]], -5_000_000_000n],
    ["fully closing one long position that is below the bankruptcy price", 0, -10_000_000n, -5_100n, [[0, 10_000_000n]], 5_100_000_000n],
    ["fully closing one short position that is below the bankruptcy price", 0, 10_000_000n, 4_900n, [[0, -10_000_000n]], -4_900_000_000n],
    ["fully closing one long position and has multiple long positions", 1, -100_000_000n, -490n, [[0, 400_000n], [1, 100_000_000n]], 294_000_000n],
    ["fully closing one short position and has multiple short positions", 1, 100_000_000n, 510n, [[0, -400_000n], [1, -100_000_000n]], -306_000_000n],
    ["fully closing one short position and has a long and short position", 1, 100_000_000n, 110n, [[0, 400_000n], [1, -100_000_000n]], -306_000_000n],
    ["Rounds up ... partially closing one long position that is slightly below maintenance margin requirements", 0, -21_347n, -13n, [[0, 100_000_000n]], 2_776n],
    ["Rounds up ... partially closing one short position that is below the bankruptcy price", 0, 21_347n, 13n, [[0, -100_000_000n]], -2_775n],
    ["Account with a long position that cannot be liquidated at a loss has a negative bankruptcy price", 0, -100_000_000n, 1n, [[0, 100_000_000n]], -1_000_000n],
  ];
  it.each(cases)("%s", (_, perpetual, delta, dollars, positions, expected) => {
    const b = book([BTC(), ETH], dollars * DOLLAR, positions);
    const k = positions.findIndex(([m]) => m === perpetual);
    expect(bankruptcyOf(b, k, delta)).toBe(expected);
  });
});

describe("clob/keeper/liquidations_test.go TestGetLiquidationInsuranceFundDelta", () => {
  // BTC's clob pair (constants.ClobPair_Btc) has quantum conversion exponent -8: a fill of q
  // quantums at s subticks is worth trunc(s * q / 10^8) quote quantums (FillAmountToQuoteQuantums).
  // [name (abridged), isBuy, fill quantums, subticks, USDC dollars, position quantums, max fee ppm, expected]
  const cases: [string, boolean, bigint, bigint, bigint, bigint, bigint, bigint][] = [
    ["Fully closing one long position above the bankruptcy price and pays max liquidation fee", false, 10_000_000n, 56_100_000_000n, -5_100n, 10_000_000n, 5_000n, 28_050_000n],
    ["... long ... pays max liquidation fee when MaxLiquidationFeePpm is 25_000", false, 10_000_000n, 56_100_000_000n, -5_100n, 10_000_000n, 25_000n, 140_250_000n],
    ["... long ... pays less than max liquidation fee when MaxLiquidationFeePpm is one million", false, 10_000_000n, 56_100_000_000n, -5_100n, 10_000_000n, 1_000_000n, 510_000_000n],
    ["Fully closing one short position above the bankruptcy price and pays max liquidation fee", true, 10_000_000n, 44_100_000_000n, 4_900n, -10_000_000n, 5_000n, 22_050_000n],
    ["... short ... pays max liquidation fee when MaxLiquidationFeePpm is 25_000", true, 10_000_000n, 44_100_000_000n, 4_900n, -10_000_000n, 25_000n, 110_250_000n],
    ["... short ... pays less than max liquidation fee when MaxLiquidationFeePpm is one million", true, 10_000_000n, 44_100_000_000n, 4_900n, -10_000_000n, 1_000_000n, 490_000_000n],
    ["Fully closing one long position above the bankruptcy price and pays less than max liquidation fee", false, 10_000_000n, 51_051_000_000n, -5_100n, 10_000_000n, 5_000n, 5_100_000n],
    ["Fully closing one short position above the bankruptcy price and pays less than max liquidation fee", true, 10_000_000n, 48_951_000_000n, 4_900n, -10_000_000n, 5_000n, 4_900_000n],
    ["Fully closing one long position at the bankruptcy price and the delta is 0", false, 10_000_000n, 51_000_000_000n, -5_100n, 10_000_000n, 5_000n, 0n],
    ["Fully closing one short position above the bankruptcy price and the delta is 0", true, 10_000_000n, 49_000_000_000n, 4_900n, -10_000_000n, 5_000n, 0n],
    ["Fully closing one long position below the bankruptcy price and the insurance fund must cover the loss", false, 10_000_000n, 50_490_000_000n, -5_100n, 10_000_000n, 5_000n, -51_000_000n],
    ["If fully closing one short position below the bankruptcy price the insurance fund must cover the loss", true, 10_000_000n, 49_490_000_000n, 4_900n, -10_000_000n, 5_000n, -49_000_000n],
    ["Succeeds when delta quote quantums is zero", true, 10_000_000n, 1n, 4_900n, -10_000_000n, 5_000n, 0n],
  ];
  it.each(cases)("%s", (_, isBuy, fill, subticks, dollars, size, fee, expected) => {
    const b = book([BTC(fee)], dollars * DOLLAR, [[0, size]]);
    const quote = (subticks * fill) / 100_000_000n;
    const fillQuote = isBuy ? -quote : quote;
    const delta = isBuy ? fill : -fill;
    expect(insuranceFundDelta(fillQuote, bankruptcyOf(b, 0, delta), fee)).toBe(expected);
  });

  // The same accounts closed at the oracle price (liqscan's close-out): each is liquidatable (TMMR
  // 500,000,000 > TNC), the fund receives the fee or pays the shortfall as GetLiquidationInsuranceFundDelta says at a fill of -DNNV.
  it.each(ENGINES)("liqscan's close-out is that delta at the oracle price (%s)", async (engine) => {
    for (const [dollars, size, fee, fund, badDebt] of [
      [-4_501n, 10_000_000n, 5_000n, 25_000_000n, 0n], // 0.5 % of $5,000, below TNC = $499
      [-4_990n, 10_000_000n, 5_000n, 10_000_000n, 0n], // TNC = $10 caps it
      [-5_100n, 10_000_000n, 5_000n, 0n, 100_000_000n], // TNC = -$100: the fund pays $100
      [4_900n, -10_000_000n, 1_000_000n, 0n, 100_000_000n],
      [5_499n, -10_000_000n, 1_000_000n, 499_000_000n, 0n], // a 100 % cap takes all of TNC
    ] as const) {
      const b = book([BTC(fee)], dollars * DOLLAR, [[0, size]]);
      const r = (await (await createEngine(engine)).load(b)).scan().account(0);
      const chain = insuranceFundDelta(quoteQuantums(b.markets[0]!, size, 5_000_000_000n), bankruptcyOf(b, 0, -size), fee);
      expect(chain > 0n ? chain : 0n).toBe(fund);
      expect(chain < 0n ? -chain : 0n).toBe(badDebt);
      expect(r.status, `${dollars}`).toBe("liquidatable");
      expect(r.closeOut, `${dollars}`).toMatchObject({ insuranceFund: fund, penalty: fund, liquidatorReward: 0n, badDebt, returned: r.equity! - fund + badDebt });
      expect(scanBook(b).results[0]).toEqual(r);
    }
  });
});

describe("clob/keeper/liquidations_test.go TestGetMaxAndMinPositionNotionalLiquidatable (BtcUsd_100PercentMarginRequirement, $50,000)", () => {
  const btc = (min: bigint, portion: bigint) => market("BTC-USD", -8, 5_000_000_000n, -5, 1_000_000n, 1_000_000n, { minPositionNotionalLiquidated: min, maxPositionPortionLiquidatedPpm: portion });
  it.each([
    ["Can get min notional liquidatable", 100n, 1_000_000n, 100_000_000n, 100n, 50_000_000_000n],
    ["Can get max notional liquidatable", 100n, 500_000n, 100_000_000n, 100n, 25_000_000_000n],
    ["min and max notional liquidatable can be overridden", 10_000_000n, 1_000_000n, 10_000n, 5_000_000n, 5_000_000n],
  ] as const)("%s", (_, min, portion, size, wantMin, wantMax) => {
    expect(positionNotionalLimits(btc(min, portion), size, 5_000_000_000n)).toEqual({ min: wantMin, max: wantMax });
  });
});

describe("the per-block step (GetLiquidatablePositionSizeDelta) with the chain's config (protocol/testing/genesis.sh)", () => {
  // 1,000 USDC minimum, 10 % of a position, 100,000 USDC per subaccount; BTC's step 10 quantums.
  const config = { minPositionNotionalLiquidated: 1_000_000_000n, maxPositionPortionLiquidatedPpm: 100_000n, subaccountMaxNotionalLiquidated: 100_000_000_000n, stepBaseQuantums: 10n };
  it("closes 10 % of a $50,000 position, $1,000 of a $5,000 one, all of a $500 one and $100,000 of a $5,000,000 one", () => {
    const m = BTC(15_000n, config);
    const P = m.markPrice;
    expect(liquidatableQuantums(m, 100_000_000n, P)).toBe(10_000_000n);
    expect(liquidatableQuantums(m, -10_000_000n, P)).toBe(2_000_000n);
    expect(liquidatableQuantums(m, 1_000_000n, P)).toBe(1_000_000n);
    expect(liquidatableQuantums(m, 10_000_000_000n, P)).toBe(200_000_000n);
  });
  it.each(ENGINES)("as steps and close-out of a liquidatable 1 BTC account (%s)", async (engine) => {
    const b = book([BTC(15_000n, config)], -45_500n * DOLLAR, [[0, 100_000_000n]]);
    const r = (await (await createEngine(engine)).load(b)).scan();
    // TNC $4,500 < TMMR $5,000; 0.1 BTC ($5,000) this block, DMMR $500: TNC * 500 / 5000 = $450,
    // above the 1.5 % cap of $75.
    expect(r.steps(0)).toEqual([{ now: 5_000_000_000n, next: 45_000_000_000n }]);
    expect(r.account(0).closeOut).toEqual({ notional: 5_000_000_000n, penalty: 75_000_000n, liquidatorReward: 0n, insuranceFund: 75_000_000n, badDebt: 0n, returned: 0n });
  });
});

describe("clob/keeper/liquidations_test.go TestIsLiquidatable", () => {
  // [name, USDC dollars, BTC quantums, liquidatable]
  it.each([
    ["Subaccount with no open positions but positive net collateral is not liquidatable", 1n, null, false],
    ["Subaccount with no open positions but negative net collateral is not liquidatable", -1n, null, false],
    ["Subaccount at initial margin requirements is not liquidatable", -4_000n, 10_000_000n, false],
    ["Subaccount below initial but at maintenance margin requirements is not liquidatable", -4_500n, 10_000_000n, false],
    ["Subaccount below maintenance margin requirements is liquidatable", -4_501n, 10_000_000n, true],
  ] as const)("%s", async (_, dollars, quantums, liquidatable) => {
    const b = book([BTC()], dollars * DOLLAR, quantums === null ? [] : [[0, quantums]]);
    for (const engine of ENGINES) {
      expect((await (await createEngine(engine)).load(b)).scan().account(0).status, engine).toBe(liquidatable ? "liquidatable" : "ok");
    }
  });
});

describe("lib/margin/risk.go IsLiquidatable: MMR > 0 and MMR > NC", () => {
  it.each(ENGINES)("at NC = MMR it is not, one quantum below it is, and without maintenance never (%s)", async (engine) => {
    const scan = async (b: Book) => (await (await createEngine(engine)).load(b)).scan().account(0);
    // 0.1 BTC at $50,000: MMR $500 (20 % then half of it).
    expect(await scan(book([BTC()], -4_500n * DOLLAR, [[0, 10_000_000n]]))).toMatchObject({ status: "ok", equity: 500_000_000n, maintenance: 500_000_000n });
    expect(await scan(book([BTC()], -4_500n * DOLLAR - 1n, [[0, 10_000_000n]]))).toMatchObject({ status: "liquidatable" });
    // An imf of 0: no maintenance, so even negative net collateral is not liquidatable (the chain deleverages it).
    const free = market("F", -8, 5_000_000_000n, -5, 0n, 500_000n);
    expect(await scan(book([free], -10_000n * DOLLAR, [[0, 10_000_000n]]))).toMatchObject({ status: "ok", equity: -5_000_000_000n, maintenance: 0n });
  });
});

describe("the chain's roundings, hand-computed where they differ from one rounding", () => {
  it.each(ENGINES)("maintenance rounds twice, a short's value toward zero, a notional down (%s)", async (engine) => {
    // n = 11 quote quantums, imf 10 %, fraction 60 %: ceil(ceil(1.1) * 0.6) = ceil(1.2) = 2, where
    // one rounding of 11 * 0.06 = 0.66 would give 1.
    const tiny = market("T", -6, 11n, 0, 100_000n, 600_000n);
    expect((await (await createEngine(engine)).load(book([tiny], 0n, [[0, 1n]]))).scan().account(0)).toMatchObject({ equity: 11n, maintenance: 2n });
    // 1 quantum short of BTC at 50,000.00001: worth -500.0000001 quote quantums, truncated to -500
    // (a floor would give -501); its notional 500 (not 501): MMR ceil(ceil(100) * 0.5) = 50.
    const btc = market("BTC-USD", -8, 5_000_000_001n, -5, 200_000n, 500_000n);
    expect((await (await createEngine(engine)).load(book([btc], 1_000n, [[0, -1n]]))).scan().account(0)).toMatchObject({ equity: 500n, maintenance: 50n });
    expect((await (await createEngine(engine)).load(book([btc], 1_000n, [[0, 1n]]))).scan().account(0)).toMatchObject({ equity: 1_500n, maintenance: 50n });
  });
});

describe("the worked example of docs/venues/dydx-v4.md", () => {
  it.each(ENGINES)("1 BTC at 50,000 on -45,500 USDC: NC 4,500 < MMR 5,000, a 0.1 BTC step, a 75 USDC fee, liquidation price 50,555.55555 (%s)", async (engine) => {
    const config = { minPositionNotionalLiquidated: 1_000_000_000n, maxPositionPortionLiquidatedPpm: 100_000n, subaccountMaxNotionalLiquidated: 100_000_000_000n, stepBaseQuantums: 10n };
    const b = book([BTC(15_000n, config)], -45_500n * DOLLAR, [[0, 100_000_000n]]);
    const live = await (await createEngine(engine)).load(b);
    const r = live.scan();
    expect(r.account(0)).toMatchObject({ status: "liquidatable", equity: 4_500_000_000n, maintenance: 5_000_000_000n });
    expect(bankruptcyOf(b, 0, -10_000_000n)).toBe(4_550_000_000n);
    expect(r.steps(0)).toEqual([{ now: 5_000_000_000n, next: 45_000_000_000n }]);
    expect(r.account(0).closeOut).toMatchObject({ penalty: 75_000_000n, insuranceFund: 75_000_000n, returned: 0n });
    expect(live.liquidationPrices()[0]).toBe(5_055_555_555n);
    // A cascade at these marks: the block's 0.1 BTC goes (its value booked into the balance, so NC
    // stays 4,500); the 0.9 BTC left needs MMR 4,500, not above NC: no second liquidation.
    const c = cascade(live, { shockPpm: 0n, maxRounds: 10 });
    expect(c.rounds.map((r) => [r.accounts, r.sold[0], r.notionalClosed, r.insuranceFund])).toEqual([[[0], 5_000_000_000n, 5_000_000_000n, 75_000_000n]]);
    expect(live.toBook()).toEqual(b);
    live.dispose();
  });
});

describe("overflow is reported, never wrapped", () => {
  it.each(ENGINES)("a bad debt past 2^63 - 1 (the rounded-up shares of a TNC of -(2^63 - 1)) makes the account an overflow (%s)", async (engine) => {
    // Two shorts worth -1 and -2 with MMR 1 and 2 (imf = fraction = 100 %): TNC = C - 3 = -(2^63 - 1),
    // and the fund pays ceil(|TNC| / 3) + ceil(2 |TNC| / 3) = 2^63.
    const m = (id: string) => market(id, -6, 1n, 0, 1_000_000n, 1_000_000n);
    const b = book([m("X"), m("Y")], -(1n << 63n) + 4n, [[0, -1n], [1, -2n]]);
    const r = (await (await createEngine(engine)).load(b)).scan();
    expect(r.account(0)).toEqual({ status: "overflow", equity: null, maintenance: null, closeOut: null });
    expect(r.totals.overflow).toBe(1);
    // One quantum less of debt: |TNC| = 2^63 - 2 is a multiple of 3, the shares are exact and fit.
    const fits = (await (await createEngine(engine)).load(book([m("X"), m("Y")], -(1n << 63n) + 5n, [[0, -1n], [1, -2n]]))).scan();
    expect(fits.account(0)).toMatchObject({ status: "liquidatable", closeOut: { badDebt: (1n << 63n) - 2n } });
  });
});
