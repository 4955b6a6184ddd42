// drift-v2 against the program's own numbers: the expected values of drift-labs/protocol-v2's Rust
// tests (commit 0ae3e3b1db78, programs/drift/src/math/liquidation/tests.rs,
// programs/drift/src/math/margin/tests.rs, programs/drift/src/state/perp_market/tests.rs), recomputed
// by the reference's functions of the same names, and hand-computed accounts (the arithmetic in the
// comments) scanned by both engines.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../bindings/index.js";
import type { Book, Market } from "../../book/types.js";
import { liquidationPrice, scanBook } from "../../reference/index.js";
import {
  sizeDiscountAssetWeight, sizeInBasePrecision, spotValue,
  baseAssetValue, baseToCoverShortage, isqrt, liquidationFee, marginRatio, maxPctToLiquidate, perpIfFee, sizePremiumLiabilityWeight, unrealizedPnl,
} from "../../reference/venues/drift-v2.js";

const BASE = 1_000_000_000n; // BASE_PRECISION
const PRICE = 1_000_000n; // PRICE_PRECISION
const QUOTE = 1_000_000n; // QUOTE_PRECISION
const MARGIN = 10_000n; // MARGIN_PRECISION
const FEE = 1_000_000n; // LIQUIDATION_FEE_PRECISION

function market(over: Omit<Partial<Market>, "drift"> & { mrm?: bigint; drift?: Partial<NonNullable<Market["drift"]>> } = {}): Market {
  const { mrm = 500n, drift, ...rest } = over;
  return {
    id: "SOL-PERP", sizeDecimals: 9, priceDecimals: 6, markPrice: 100n * PRICE,
    tiers: [{ maxNotional: null, mmrPpm: mrm * 100n }], liquidationFeePpm: 10_000n,
    ...rest,
    drift: { marginRatioInitial: 1_000n, imfFactor: 0n, unrealizedPnlMaintenanceAssetWeight: 10_000n, ifLiquidationFee: 0n, orderStepSize: 1n, liquidationMarginBufferRatio: 200n, initialPctToLiquidate: 10_000n, ...drift },
  };
}

describe("drift-v2: the program's liquidation tests (math/liquidation/tests.rs)", () => {
  it("calculate_base_asset_amount_to_cover_margin_shortage", () => {
    // zero_percent_liquidation_fee: $10 shortage, 10x, fee 0, $100: one base.
    expect(baseToCoverShortage(10n * QUOTE, MARGIN / 10n, 0n, 0n, 100n * PRICE)).toBe(BASE);
    // usdc_not_one: the quote oracle at 0.99 and 1.01.
    expect(baseToCoverShortage(10n * QUOTE, MARGIN / 10n, 0n, 0n, 100n * PRICE, 990_000n)).toBe(1_010_101_010n);
    expect(baseToCoverShortage(10n * QUOTE, MARGIN / 10n, 0n, 0n, 100n * PRICE, 1_010_000n)).toBe(990_099_009n);
    // one_percent_liquidation_fee: 10/9 base.
    expect(baseToCoverShortage(10n * QUOTE, MARGIN / 10n, FEE / 100n, 0n, 100n * PRICE)).toBe((BASE * 10n) / 9n);
    // one_percent_liquidation_fee_and_one_percent_if_liquidation_fee.
    expect(baseToCoverShortage(10n * QUOTE, MARGIN / 10n, FEE / 100n, FEE / 100n, 100n * PRICE)).toBe(1_250_000_000n);
  });

  it("calculate_base_asset_amount_to_cover_margin_shortage: u64::MAX where the program says so", () => {
    const U64_MAX = (1n << 64n) - 1n;
    expect(baseToCoverShortage(10n * QUOTE, MARGIN / 10n, 0n, 0n, 0n)).toBe(U64_MAX); // oracle price 0
    expect(baseToCoverShortage(10n * QUOTE, MARGIN / 10n, FEE / 10n, 0n, 100n * PRICE)).toBe(U64_MAX); // ratio * 100 <= fee
  });

  it("calculate_perp_if_fee", () => {
    const args = [10n * BASE, MARGIN / 20n, FEE / 100n, 100n * PRICE, FEE / 20n] as const; // 10 base, 5 %, 1 %, $100, cap 5 %
    const [base, ratio, fee, price, cap] = args;
    expect(perpIfFee(20n * QUOTE, base, ratio, fee, price, cap)).toBe(19_000n); // 2 % * .95
    expect(perpIfFee(QUOTE, base, ratio, fee, price, cap)).toBe(37_050n); // 3.9 % * .95
    expect(perpIfFee(1_000n * QUOTE, base, ratio, fee, price, cap)).toBe(0n);
    expect(perpIfFee(20n * QUOTE, base, ratio, FEE / 10n, price, cap)).toBe(0n); // liquidator fee 10 %
    expect(perpIfFee(20n * QUOTE, base, ratio, fee, 0n, cap)).toBe(0n);
    expect(perpIfFee(20n * QUOTE, base, ratio, fee, price, cap, 0n)).toBe(0n); // quote price 0
    expect(perpIfFee(20n * QUOTE, 0n, ratio, fee, price, cap)).toBe(0n);
  });

  it("calculate_max_pct_to_liquidate: a shortage below $50 is freed whole", () => {
    expect(maxPctToLiquidate(49n * QUOTE, MARGIN / 10n)).toBe(MARGIN);
    // Hand-computed: $100 at a 10 % initial share: trunc(trunc(100e6 * 1000 / 1e4) * 1e4 / 100e6) = 1000.
    expect(maxPctToLiquidate(100n * QUOTE, 1_000n)).toBe(1_000n);
    // $333.333333 at 33.33 %: trunc(333333333 * 3333 / 1e4) = 111099999, * 1e4 / 333333333 = 3332 (the program's two truncations).
    expect(maxPctToLiquidate(333_333_333n, 3_333n)).toBe(3_332n);
  });

  it("get_liquidation_fee", () => {
    const base = (2n * FEE) / 100n, max = (5n * FEE) / 100n;
    expect(liquidationFee(base, max, 0n, 100_000n)).toBe(max);
    expect(liquidationFee(base, max, 0n, 10n)).toBe(base);
    expect(liquidationFee(base, max, 0n, 10_000n)).toBe((3n * FEE) / 100n);
  });
});

describe("drift-v2: the program's margin tests", () => {
  it("get_margin_ratio (state/perp_market/tests.rs): the ratios and the size premium", () => {
    // test: initial 10 %, maintenance 5 %, no imf, one base.
    const m = market({ mrm: MARGIN / 20n, drift: { marginRatioInitial: MARGIN / 10n } });
    expect(marginRatio(m, BASE, "initial")).toBe(MARGIN / 10n);
    expect(marginRatio(m, BASE, "maintenance")).toBe(MARGIN / 20n);
    // new_hlm_imf_size: imf 50, 1,000,000 base: the initial ratio 1300 (1000 - 200 + isqrt(1e16 + 1) * 50 / 1e7 = 800 + 500).
    const sized = market({ mrm: MARGIN / 20n, drift: { marginRatioInitial: MARGIN / 10n, imfFactor: 50n } });
    expect(marginRatio(sized, BASE * 1_000_000n, "initial")).toBe(1_300n);
    // The same test's maintenance ratios, of the high-leverage ratio 50 with imf 50 (the same formula):
    // 67 at 3,000 base ("hardly changed"), 313 at 300,000.
    expect(sizePremiumLiabilityWeight(BASE * 3_000n, 50n, 50n, MARGIN, true)).toBe(67n);
    expect(sizePremiumLiabilityWeight(BASE * 300_000n, 50n, 50n, MARGIN, true)).toBe(313n);
    const hlm = market({ mrm: 50n, drift: { marginRatioInitial: 100n, imfFactor: 50n } });
    expect(marginRatio(hlm, BASE * 3_000n, "maintenance")).toBe(67n);
    expect(marginRatio(hlm, BASE * 300_000n, "maintenance")).toBe(313n);
  });

  it("nth_root(2) (math/margin/tests.rs test_nroot) and isqrt at the edges", () => {
    expect(isqrt(0n)).toBe(0n);
    expect(isqrt(10n * ((1n << 63n) - 1n) + 1n)).toBe(9_603_838_834n); // floor(sqrt(92233720368547758071)), Python math.isqrt
    for (const n of [1n, 2n, 3n, 4n, 99n, 100n, 101n, (1n << 66n) + 12345n]) {
      const r = isqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
    }
  });

  it("calculate_user_equity_value_tests (math/margin/tests.rs): value, pnl and the initial requirement of a BTC short", () => {
    // imf 1000, initial 10 %, a short of 12295081967 / 2 base (Rust's truncation: 6147540983) with quote 153688524588.
    const m = market({ id: "BTC-PERP", mrm: 500n, drift: { marginRatioInitial: 1_000n, imfFactor: 1_000n } });
    const size = -(12_295_081_967n / 2n);
    expect(size).toBe(-6_147_540_983n);
    // At $22,050 the initial requirement is 13555327867 (pmr): value 135553278675, ratio max(1000, 800 + 247942 * 1000 / 1e7 = 824).
    const value = baseAssetValue(m, size, 22_050n * PRICE);
    expect(value).toBe(135_553_278_675n);
    expect(marginRatio(m, -size, "initial")).toBe(1_000n);
    expect((value * marginRatio(m, -size, "initial")) / MARGIN).toBe(13_555_327_867n);
    // At $21,050: pnl 24282786896 and pmr_2 12940573769.
    expect(unrealizedPnl(m, size, 153_688_524_588n, 21_050n * PRICE)).toBe(24_282_786_896n);
    expect((baseAssetValue(m, size, 21_050n * PRICE) * 1_000n) / MARGIN).toBe(12_940_573_769n);
  });
});

describe("drift-v2: the program's spot weight tests (math/margin/tests.rs spot_market_asset_weight)", () => {
  it("calculate_size_discount_asset_weight and calculate_size_premium_liability_weight on 1,000 USDC (decimals 6)", () => {
    const size = sizeInBasePrecision(1_000n * QUOTE, 6);
    expect(size).toBe(1_000_000_000_000n); // 1,000 in 10^-9
    // imf 0 and 10: the initial weights 9000 and 11000 unchanged.
    expect(sizeDiscountAssetWeight(size, 0n, 9_000n)).toBe(9_000n);
    expect(sizeDiscountAssetWeight(size, 10n, 9_000n)).toBe(9_000n);
    expect(sizePremiumLiabilityWeight(size, 10n, 11_000n, MARGIN, true)).toBe(11_000n);
    // 1,000,000 times the size at imf 10, or the size at imf 10000: 8357; the liability weight 11962.
    expect(sizeDiscountAssetWeight(size * 1_000_000n, 10n, 9_000n)).toBe(8_357n);
    expect(sizeDiscountAssetWeight(size, 10_000n, 9_000n)).toBe(8_357n);
    expect(sizePremiumLiabilityWeight(size, 10_000n, 11_000n, MARGIN, true)).toBe(11_962n);
    // imf 10 % (SPOT_IMF_PRECISION / 10): 2642 and 40422; the maintenance liability weight (0 in the test's market) 31622.
    expect(sizeDiscountAssetWeight(size, 100_000n, 9_000n)).toBe(2_642n);
    expect(sizePremiumLiabilityWeight(size, 100_000n, 11_000n, MARGIN, true)).toBe(40_422n);
    expect(sizePremiumLiabilityWeight(size, 100_000n, 0n, MARGIN, true)).toBe(31_622n);
  });

  it("the second market: 100,000 units at $0.50, weights 1500 / 7500, imf 10 %: 337 for every type", () => {
    const size = sizeInBasePrecision(100_000n * QUOTE, 6);
    for (const w of [1_500n, 4_500n, 7_500n]) {
      expect(sizeDiscountAssetWeight(size, 0n, w)).toBe(w);
      expect(sizeDiscountAssetWeight(size, 100_000n, w)).toBe(337n);
    }
    // Through spotValue: $50,000 at the maintenance weight 75 % discounted to 3.37 %: 50000e6 * 337 / 1e4.
    const asset = { id: "X", decimals: 6, priceDecimals: 6, price: PRICE / 2n, maintenanceWeightPpm: 750_000n, initialWeightPpm: 150_000n, liabilityWeightPpm: 1_250_000n, drift: { imfFactor: 100_000n } };
    expect(spotValue(asset, 100_000n * QUOTE, asset.price)).toEqual({ tokenValue: 50_000n * QUOTE, weighted: 1_685_000_000n });
    // A borrow's token value is floored (get_strict_token_value): -1 unit at $0.50 is worth -1 (10^-6), not 0.
    expect(spotValue({ ...asset, drift: { imfFactor: 0n } }, -1n, asset.price)).toEqual({ tokenValue: -1n, weighted: -1n });
  });
});

/** Both engines' result for one account of a one-market book. */
async function both(book: Book) {
  const want = scanBook(book).results[0]!;
  const live = await (await createEngine("wasm")).load(book);
  const got = live.scan().account(0);
  live.dispose();
  expect(got).toEqual(want);
  return want;
}

describe("drift-v2: hand-computed accounts, both engines", () => {
  it("a long liquidated in part: the shortage with the buffer, the insurance fund's fee, the size that covers it ceiled to the step", async () => {
    // 10 SOL long at $100 (n = $1,000), quote -$995 (pnl +$5), $10 USDC; maintenance 3 %, buffer 2 %,
    // liquidator fee 1 %, IF cap 5 %, step 0.001 SOL.
    // TC = 10 + 5 = $15 < requirement 1000 * 300 / 1e4 = $30: liquidatable.
    // shortage = (30 + 1000 * 200 / 1e4) - 15 = $35 (below $50: the whole of it at once).
    // IF fee: 35e6 * 1e9 / 10e9 * 1e6 / 100e6 = 35000; (50000 - 10000 - 35000) * 19 / 20 = 4750.
    // to cover: 35e6 * 1e9 / (100e6 * 40000 / 1e6 - 100e6 * 4750 / 1e6) = 35e15 / 3525000 = 9929078014,
    // ceiled to 0.001: 9.93 SOL, worth $993; fees 993e6 * 1% = 9930000 and 993e6 * 4750 / 1e6 = 4716750.
    const book: Book = {
      venue: "drift-v2", liquidatorSharePpm: 0n,
      markets: [market({ mrm: 300n, drift: { ifLiquidationFee: 50_000n, orderStepSize: 1_000_000n } })],
      accounts: [{ id: "u", collateral: 10n * QUOTE, positions: [{ market: 0, size: 10n * BASE, entryPrice: -995n * QUOTE }] }],
    };
    const r = await both(book);
    expect(r.status).toBe("liquidatable");
    expect(r.equity).toBe(15n * QUOTE);
    expect(r.maintenance).toBe(30n * QUOTE);
    expect(r.closeOut).toEqual({ notional: 993n * QUOTE, penalty: 14_646_750n, liquidatorReward: 9_930_000n, insuranceFund: 4_716_750n, badDebt: 0n, returned: 0n });
  });

  it("a bankrupt long closed whole: the liquidator's fee deepens the loss, the rest is bad debt", async () => {
    // 1 SOL long at $100, quote -$150 (pnl -$50), $10 USDC: TC = -$40. requirement $3 (3 %).
    // shortage = (3 + 2) - (-40 + trunc(-50e6 * 200 / 1e4) = -1) = $46; IF fee room negative: 0;
    // to cover 46e15 / 4e6 = 11.5 SOL: the whole 1 SOL, $100; liquidator fee $1.
    // Left: 10 - 50 - 1 = -$41: bad debt.
    const book: Book = {
      venue: "drift-v2", liquidatorSharePpm: 0n,
      markets: [market({ mrm: 300n, drift: { ifLiquidationFee: 50_000n, orderStepSize: 1_000_000n } })],
      accounts: [{ id: "u", collateral: 10n * QUOTE, positions: [{ market: 0, size: BASE, entryPrice: -150n * QUOTE }] }],
    };
    const r = await both(book);
    expect(r.equity).toBe(-40n * QUOTE);
    expect(r.closeOut).toEqual({ notional: 100n * QUOTE, penalty: QUOTE, liquidatorReward: QUOTE, insuranceFund: 0n, badDebt: 41n * QUOTE, returned: 0n });
  });

  it("the first slot frees only the initial share of a shortage from $50", async () => {
    // 10 SOL long at $100, quote -$1,000 (pnl 0), no USDC: TC 0 < $50 (5 %); shortage 50 + 20 = $70,
    // initial share 10 %: pct trunc(trunc(70e6 * 1000 / 1e4) * 1e4 / 70e6) = 1000.
    // IF fee 0 (cap 0); to cover 70e15 / (100e6 * 60000 / 1e6) = 70e15 / 6e6 = 11666666666: more than
    // the position; allowed = 11666666666 * 1000 / 1e4 = 1166666666 base: ceiled to 0.001, 1.167 SOL = $116.70.
    const book: Book = {
      venue: "drift-v2", liquidatorSharePpm: 0n,
      markets: [market({ mrm: 500n, drift: { orderStepSize: 1_000_000n, initialPctToLiquidate: 1_000n } })],
      accounts: [{ id: "u", collateral: 0n, positions: [{ market: 0, size: 10n * BASE, entryPrice: -1_000n * QUOTE }] }],
    };
    const r = await both(book);
    expect(r.closeOut).toEqual({ notional: 116_700_000n, penalty: 1_167_000n, liquidatorReward: 1_167_000n, insuranceFund: 0n, badDebt: 0n, returned: 0n });
  });

  it("the size premium raises the maintenance of a large position (imf 50: 900 at 1,000,000 base)", async () => {
    // maintenance 5 %, imf 50, 1,000,000 SOL at $1: n = $1,000,000; ratio max(500, 400 + 1e8 * 50 / 1e7) = 900;
    // requirement $90,000. Quote -$1,000,000 and $89,999.999999 USDC: TC one unit below: liquidatable.
    const book: Book = {
      venue: "drift-v2", liquidatorSharePpm: 0n,
      markets: [market({ mrm: 500n, markPrice: PRICE, drift: { imfFactor: 50n } })],
      accounts: [
        { id: "below", collateral: 90_000n * QUOTE - 1n, positions: [{ market: 0, size: 1_000_000n * BASE, entryPrice: -1_000_000n * QUOTE }] },
        { id: "at", collateral: 90_000n * QUOTE, positions: [{ market: 0, size: 1_000_000n * BASE, entryPrice: -1_000_000n * QUOTE }] },
      ],
    };
    const want = scanBook(book).results;
    const live = await (await createEngine("wasm")).load(book);
    const got = live.scan();
    expect(got.account(0)).toEqual(want[0]);
    expect(got.account(1)).toEqual(want[1]);
    live.dispose();
    expect(want[0]!.maintenance).toBe(90_000n * QUOTE);
    expect(want[0]!.status).toBe("liquidatable");
    expect(want[1]!.status).toBe("ok"); // total_collateral >= margin_requirement: not strict
  });

  it("spot balances: a SOL deposit at 90 % and an ETH borrow at 105 % (its size premium below the weight) against a SOL-PERP long", async () => {
    // 10 SOL at $100: 1000e6 * 9000 / 1e4 = $900. -0.5 ETH at $2,000: -$1,000, liability weight
    // max(10500, 10500 - 2100 + isqrt(5e9 + 1) * 1000 / 1e7 = 8407) = 10500: -$1,050. USDC $100:
    // collateral value -$50; the perp's pnl 0; equity -$50 < requirement $5 (5 % of $100).
    // shortage = 5 + 50 + (100 * 2 %) + (1000 * 2 %: the borrow's liability) = $77: the whole of it;
    // to cover 77e15 / (100e6 * 60000 / 1e6) = 12.8 SOL: the whole 1 SOL; fee 1 % of $100; bad debt 50 + 1.
    const book: Book = {
      venue: "drift-v2", liquidatorSharePpm: 0n,
      markets: [market()],
      assets: [
        { id: "SOL", decimals: 9, priceDecimals: 6, price: 100n * PRICE, maintenanceWeightPpm: 900_000n, initialWeightPpm: 800_000n, liabilityWeightPpm: 1_100_000n },
        { id: "ETH", decimals: 9, priceDecimals: 6, price: 2_000n * PRICE, maintenanceWeightPpm: 900_000n, initialWeightPpm: 800_000n, liabilityWeightPpm: 1_050_000n, drift: { imfFactor: 1_000n } },
      ],
      accounts: [{ id: "u", collateral: 100n * QUOTE, positions: [{ market: 0, size: BASE, entryPrice: -100n * QUOTE }], balances: [{ asset: 0, amount: 10n * BASE }, { asset: 1, amount: -BASE / 2n }] }],
    };
    const r = await both(book);
    expect(r.equity).toBe(-50n * QUOTE);
    expect(r.maintenance).toBe(5n * QUOTE);
    expect(r.closeOut).toEqual({ notional: 100n * QUOTE, penalty: QUOTE, liquidatorReward: QUOTE, insuranceFund: 0n, badDebt: 51n * QUOTE, returned: 0n });
  });

  it("a positive pnl counts at the market's maintenance asset weight, truncated; a negative one whole", async () => {
    // 1 SOL long at $100, quote -$90: pnl $10 at 95 %: $9.5; at 33.33 %: trunc(10e6 * 3333 / 1e4) = 3333000.
    const at = (w: bigint, q: bigint) => ({ venue: "drift-v2" as const, liquidatorSharePpm: 0n, markets: [market({ drift: { unrealizedPnlMaintenanceAssetWeight: w } })], accounts: [{ id: "u", collateral: 0n, positions: [{ market: 0, size: BASE, entryPrice: q }] }] });
    expect((await both(at(9_500n, -90n * QUOTE))).equity).toBe(9_500_000n);
    expect((await both(at(3_333n, -90n * QUOTE))).equity).toBe(3_333_000n);
    expect((await both(at(3_333n, -110n * QUOTE))).equity).toBe(-10n * QUOTE);
    // A short's value truncates toward zero: -1 base unit at $1.5 is worth trunc(-1.5e6 / 1e9) = 0.
    const short: Book = { venue: "drift-v2", liquidatorSharePpm: 0n, markets: [market({ markPrice: 1_500_000n })], accounts: [{ id: "u", collateral: 0n, positions: [{ market: 0, size: -1n, entryPrice: 0n }] }] };
    expect((await both(short)).equity).toBe(0n);
  });
});

describe("drift-v2: liquidation prices where the search does not reach", () => {
  it("a long whose positive pnl counts below 100 % is refused with a book error naming the field; a short is priced", async () => {
    const book: Book = {
      venue: "drift-v2", liquidatorSharePpm: 0n,
      markets: [market({ drift: { unrealizedPnlMaintenanceAssetWeight: 5_000n } })],
      accounts: [{ id: "u", collateral: 10n * QUOTE, positions: [{ market: 0, size: BASE, entryPrice: -90n * QUOTE }, ] }, { id: "s", collateral: 10n * QUOTE, positions: [{ market: 0, size: -BASE, entryPrice: 90n * QUOTE }] }],
    };
    expect(() => liquidationPrice(book, 0, 0)).toThrow('market "SOL-PERP": field "drift.unrealizedPnlMaintenanceAssetWeight": a long\'s liquidation price is not computed');
    // The short (n = x in 10^-6): below $90 its pnl (90 - x) counts half, 10 + (90 - x) / 2 >= x / 20 there;
    // from $90 the pnl is a loss: liquidatable iff 100e6 - x < trunc(x / 20). At 95238096: 4761904 < 4761904,
    // no; at 95238097: 4761903 < 4761904, yes.
    const x = liquidationPrice(book, 1, 0)!;
    expect(x).toBe(95_238_097n);
    const live = await (await createEngine("wasm")).load({ ...book, accounts: [book.accounts[1]!] });
    expect(live.liquidationPrices()[0]).toBe(x);
    live.dispose();
  });
});
