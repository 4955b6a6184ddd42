// Aave v3's own contract test suites, recomputed exactly: each case's full state (the test market's
// reserve configuration, the mock oracle's prices, the amounts the test supplies and borrows, the
// indexes) rebuilt as a lending book, and the pool's outputs (health factor, close factor, debt
// repaid, collateral seized, protocol fee, dust, deficit) checked with toBe on bigint against the
// reference (reference/venues/aave-v3.ts) and, for the account data and the trigger, the core
// (AaveScanner). The expected figures were computed by hand from the contracts' code at the same
// commit (a separate model of LiquidationLogic / GenericLogic, not liqscan's); the suites assert
// them through their own helpers (LiquidationDataProvider, closeTo, events), not as literals.
//
// Sources:
// - v3.3: aave-dao/aave-v3-origin @5431379f (tag v3.3.0), Foundry: tests/protocol/pool/
//   Pool.Liquidations.CloseFactor.t.sol and Pool.Liquidations.t.sol. The market is
//   tests/mocks/AaveV3TestListing.sol: USDX 6 decimals at $1, WBTC 8 at $27,000, WETH 18 at $1,800
//   (lines 44-51), each LTV 82.5 %, LT 86 %, bonus 5 % (the config engine adds 100_00: 10500),
//   protocol fee 10 % (lines 127-192); e-mode category 1 is tests/utils/TestnetProcedures.sol:348-350
//   (LTV 95 %, LT 96 %, bonus 10100). No time passes unless the test warps, so every index is 1 ray.
// - v3.0: aave/aave-v3-core @782f5191, Hardhat: test-suites/liquidation-emode.spec.ts and
//   liquidation-edge.spec.ts, on the market of @aave/deploy-v3 1.56.1 (package.json:36), i.e.
//   aave/aave-v3-deploy @2ba4a03a markets/test/reservesConfigs.ts (DAI 18 decimals LTV 7500 LT 8000
//   bonus 10500, lines 9-18; USDC 6, 8000 / 8500 / 10500, lines 27-36; WETH 18, 8000 / 8250 / 10500,
//   lines 62-71) and helpers/constants.ts:54-59 (prices: WETH $4,000, DAI and USDC $1), copied into
//   the mock oracle by test-suites/helpers/make-suite.ts:175-180; protocol fees start at 0
//   (configurator-liquidation-protocol-fee.spec.ts:23-33).
import { describe, expect, it } from "vitest";
import { AaveScanner } from "../../bindings/aave-v3.js";
import type { AaveBook, AaveEMode, AaveReserve, AaveUser, AaveUserReserve } from "../../book/venues/aave-book.js";
import {
  RAY, WAD, accountData, bestLiquidation, borrowed, compoundedInterest, largestCleanCall, liquidatable, liquidationCall, normalizedDebt, normalizedIncome, percentMul,
  rayDiv, rayMul, supplied,
  type LiquidationOutcome,
} from "../../reference/venues/aave-v3.js";

const E6 = 10n ** 6n, E8 = 10n ** 8n, E18 = 10n ** 18n;

function reserve(id: string, decimals: number, price: bigint, ltv: bigint, lt: bigint, bonus: bigint, fee: bigint, extra: Partial<AaveReserve> = {}): AaveReserve {
  return { id, decimals, price, ltv, liquidationThreshold: lt, liquidationBonus: bonus, liquidationProtocolFee: fee, reserveFactor: 1000n, liquidityIndex: RAY, variableBorrowIndex: RAY, ...extra };
}

interface Pos { readonly supply?: bigint; readonly debt?: bigint; readonly stable?: bigint; readonly collateral?: boolean }
function user(eMode: number, positions: Record<number, Pos>): AaveUser {
  const reserves: AaveUserReserve[] = Object.entries(positions).map(([r, p]) => ({
    reserve: Number(r), scaledATokenBalance: p.supply ?? 0n, usageAsCollateralEnabled: p.collateral ?? (p.supply ?? 0n) > 0n,
    scaledVariableDebt: p.debt ?? 0n, stableDebt: p.stable ?? 0n,
  }));
  return { id: "suite", eMode, reserves };
}

const book = (version: "3.0" | "3.3", reserves: readonly AaveReserve[], u: AaveUser, eModes: AaveEMode[] = []): AaveBook =>
  ({ venue: "aave-v3", version, reserves, eModes, users: [u] });

interface Account { readonly hf: bigint; readonly collateral: bigint; readonly debt: bigint; readonly lt: bigint }

/** The account data by the reference and by the core (AaveScanner's pass), both exactly `want`. */
async function expectAccount(b: AaveBook, want: Account): Promise<void> {
  const d = accountData(b, b.users[0]!);
  expect(d.healthFactor).toBe(want.hf);
  expect(d.totalCollateralBase).toBe(want.collateral);
  expect(d.totalDebtBase).toBe(want.debt);
  expect(d.avgLiquidationThreshold).toBe(want.lt);
  const scanner = await AaveScanner.load(b);
  const r = scanner.scan().users[0]!;
  expect(r.status).toBe(want.hf < WAD ? "liquidatable" : "ok");
  expect(r.healthFactor).toBe(want.hf);
  expect(r.totalCollateralBase).toBe(want.collateral);
  expect(r.totalDebtBase).toBe(want.debt);
  expect(r.avgLiquidationThreshold).toBe(want.lt);
  // The liquidator's view of the core's flagged user is the reference's best pair.
  if (want.hf < WAD) expect(scanner.opportunities()[0]!.best?.debtRepaid).toBe(bestLiquidation(b, b.users[0]!)?.debtRepaid);
}

interface Call {
  readonly closeFactor: bigint; readonly debtRepaid: bigint; readonly seized: bigint; readonly protocolFee: bigint;
  readonly leavesDust?: boolean; readonly deficit?: { reserve: number; amount: bigint }[];
}

function expectCall(b: AaveBook, debt: number, coll: number, want: Call, debtToCover?: bigint): LiquidationOutcome {
  const o = liquidationCall(b, b.users[0]!, debt, coll, debtToCover);
  if (typeof o === "string") throw new Error(`refused: ${o}`);
  expect(o.closeFactor).toBe(want.closeFactor);
  expect(o.debtRepaid).toBe(want.debtRepaid);
  expect(o.collateralToLiquidator + o.protocolFee).toBe(want.seized);
  expect(o.protocolFee).toBe(want.protocolFee);
  expect(o.collateralToLiquidator).toBe(want.seized - want.protocolFee);
  expect(o.leavesDust).toBe(want.leavesDust ?? false);
  expect(o.deficit).toEqual(want.deficit ?? []);
  return o;
}

/** _borrowToBeBelowHf (CloseFactor.t.sol:290-302, 327-342): (percentMul(C, LT + 1) 1e18 / hf - D) * unit / price. */
function borrowBelow(b: AaveBook, hf: bigint, r: number): bigint {
  const d = accountData(b, b.users[0]!);
  const base = (percentMul(d.totalCollateralBase, d.avgLiquidationThreshold + 1n) * WAD) / hf - d.totalDebtBase;
  return (base * 10n ** BigInt(b.reserves[r]!.decimals)) / b.reserves[r]!.price;
}

// ---- v3.3: the aave-v3-origin testnet market ----
const USDX = 0, WBTC = 1, WETH = 2;
/** The testnet market, WBTC's price after the test's _calcPrice(27000e8, impact) = 27000e8 - percentMul(27000e8, impact). */
function market33(wbtcPrice = 27000n * E8, wbtcFee = 1000n): AaveReserve[] {
  return [
    reserve("USDX", 6, E8, 8250n, 8600n, 10500n, 1000n),
    reserve("WBTC", 8, wbtcPrice, 8250n, 8600n, 10500n, wbtcFee),
    reserve("WETH", 18, 1800n * E8, 8250n, 8600n, 10500n, 1000n),
  ];
}
const impact = (bps: bigint) => 27000n * E8 - percentMul(27000n * E8, bps);

describe("aave-v3-origin v3.3.0 tests/protocol/pool/Pool.Liquidations.CloseFactor.t.sol", () => {
  // setUp (lines 46-56): a whale supplies liquidity (not bob's state); bob supplies, then borrows
  // USDX with _borrowToBeBelowHf; the liquidation is for type(uint256).max, WETH collateral.
  const bobWith = (positions: Record<number, Pos>, hf: bigint, borrow: number, expectBorrow: bigint) => {
    const pre = book("3.3", market33(), user(0, positions));
    const amount = borrowBelow(pre, hf, borrow);
    expect(amount).toBe(expectBorrow);
    return book("3.3", market33(), user(0, { ...positions, [borrow]: { ...positions[borrow], debt: amount } }));
  };

  it("line 125 (fuzz body 73): 100 WETH, HF below 0.94: the close factor is 100 %", async () => {
    const b = bobWith({ [WETH]: { supply: 100n * E18 } }, 94n * 10n ** 16n, USDX, 164_700_000_000n);
    await expectAccount(b, { hf: 939890710382513661n, collateral: 180000n * E8, debt: 164700n * E8, lt: 8600n });
    // 164,700 USDX repaid for 96.075 WETH (5 % bonus), 0.4575 of it the protocol's.
    expectCall(b, USDX, WETH, { closeFactor: 10000n, debtRepaid: 164_700_000_000n, seized: 96_075n * 10n ** 15n, protocolFee: 4575n * 10n ** 14n });
  });

  it("line 129 (fuzz body 91): 0.5 WETH ($900, below $2,000), HF 0.97: 100 %", async () => {
    const b = bobWith({ [WETH]: { supply: E18 / 2n } }, 97n * 10n ** 16n, USDX, 798_030_927n);
    await expectAccount(b, { hf: 969887223430878387n, collateral: 900n * E8, debt: 79_803_092_700n, lt: 8600n });
    expectCall(b, USDX, WETH, { closeFactor: 10000n, debtRepaid: 798_030_927n, seized: 465518040750000000n, protocolFee: 2216752575000000n });
  });

  it("line 133 (fuzz body 109): 100 WETH, HF 0.97: 50 % of the total debt", async () => {
    const b = bobWith({ [WETH]: { supply: 100n * E18 } }, 97n * 10n ** 16n, USDX, 159_606_185_567n);
    await expectAccount(b, { hf: 969887222416060787n, collateral: 180000n * E8, debt: 15_960_618_556_700n, lt: 8600n });
    // maxDebt = percentMul(D, 5000) * 10^6 / 1e8 = 79,803.092783 USDX; the test's own check
    // (line 282) is percentMul(D * 10^6 / 1e8, 5000) = 79,803.092784 within 1.
    const o = expectCall(b, USDX, WETH, { closeFactor: 5000n, debtRepaid: 79_803_092_783n, seized: 46551804123416666667n, protocolFee: 221675257730555556n });
    expect(percentMul(15_960_618_556_700n / 100n, 5000n) - o.debtRepaid).toBe(1n);
  });

  it("line 137: USDX and WETH collateral each just below $2,000, debt above: 100 % (the collateral reserve's value decides); all the WETH is taken", async () => {
    const usdx = (2000n * E8 - E8) / 100n; // 1,999 USDX
    const weth = ((2000n * E8 - E8) * E18) / (1800n * E8); // 1.110555... WETH, $1,998.99999999
    expect([usdx, weth]).toEqual([1_999_000_000n, 1110555555555555555n]);
    const b = bobWith({ [USDX]: { supply: usdx }, [WETH]: { supply: weth } }, 97n * 10n ** 16n, USDX, 3_545_030_721n);
    await expectAccount(b, { hf: 969887222590870179n, collateral: 399_799_999_999n, debt: 354_503_072_100n, lt: 8600n });
    // 5 % on 3,545.03 USDX is more than the WETH: all of it, for percentDiv($1,998.99999999, 10500).
    expectCall(b, USDX, WETH, { closeFactor: 10000n, debtRepaid: 1_903_809_523n, seized: weth, protocolFee: 5288359788359788n });
  });

  it("line 158: 2,000 USDX + 4 WETH, HF 0.93, 956 USDX against the USDX collateral reverts MUST_NOT_LEAVE_DUST (996.2 USDX left)", async () => {
    const b = bobWith({ [USDX]: { supply: 2000n * E6 }, [WETH]: { supply: 4n * E18 } }, 93n * 10n ** 16n, USDX, 8_508_516_129n);
    await expectAccount(b, { hf: 929891873041544304n, collateral: 9200n * E8, debt: 850_851_612_900n, lt: 8600n });
    // liquidationAmount = usdxSupply / 2 - 44e6 (line 168): 1,003.8 USDX seized of 2,000.
    expectCall(b, USDX, USDX, { closeFactor: 10000n, debtRepaid: 956n * E6, seized: 1_003_800_000n, protocolFee: 4_780_000n, leavesDust: true }, 1000n * E6 - 44n * E6);
  });

  it("line 184: 8,000 USDX, 4,200 USDX borrowed, WETH borrowed to HF 0.98: uint max on USDX/USDX reverts (689.39 USDX of debt left); a smaller call passes", async () => {
    const pre = book("3.3", market33(), user(0, { [USDX]: { supply: 8000n * E6, debt: 4200n * E6 } }));
    const weth = borrowBelow(pre, 98n * 10n ** 16n, WETH);
    expect(weth).toBe(1567346938772222222n);
    const b = book("3.3", market33(), user(0, { [USDX]: { supply: 8000n * E6, debt: 4200n * E6 }, [WETH]: { debt: weth } }));
    await expectAccount(b, { hf: 979886059762714542n, collateral: 8000n * E8, debt: 702_122_448_978n, lt: 8600n });
    expectCall(b, USDX, USDX, { closeFactor: 5000n, debtRepaid: 3_510_612_244n, seized: 3_686_142_856n, protocolFee: 17_553_061n, leavesDust: true });
    // The test then liquidates LiquidationDataProvider's maxDebtToLiquidate, which passes; the
    // largest call that does (liqscan's largestCleanCall) leaves exactly $1,000 of USDX debt.
    const clean = largestCleanCall(b, b.users[0]!, USDX, USDX, 3_510_612_244n)!;
    expect(clean.debtRepaid).toBe(3200n * E6);
    expect(clean.leavesDust).toBe(false);
    const over = liquidationCall(b, b.users[0]!, USDX, USDX, 3200n * E6 + 1n);
    expect(typeof over === "object" && over.leavesDust).toBe(true);
  });

  it("line 217: 4,200 USDX + $4,000 of WETH, USDX borrowed to HF 0.98: uint max on USDX/USDX reverts (421.70 USDX of collateral left)", async () => {
    const weth = (4000n * E8 * E18) / (1800n * E8);
    const b = bobWith({ [USDX]: { supply: 4200n * E6 }, [WETH]: { supply: weth } }, 98n * 10n ** 16n, USDX, 7_196_755_102n);
    await expectAccount(b, { hf: 979886059764660865n, collateral: 819_999_999_999n, debt: 719_675_510_200n, lt: 8600n });
    expectCall(b, USDX, USDX, { closeFactor: 5000n, debtRepaid: 3_598_377_551n, seized: 3_778_296_429n, protocolFee: 17_991_888n, leavesDust: true });
    // The largest clean call leaves exactly $1,000 of USDX collateral: percentMul(x, 10500) <= 3,200.
    const clean = largestCleanCall(b, b.users[0]!, USDX, USDX, 3_598_377_551n)!;
    expect(clean.debtRepaid).toBe(3_047_619_048n);
    expect(clean.collateralToLiquidator + clean.protocolFee).toBe(3200n * E6);
    const over = liquidationCall(b, b.users[0]!, USDX, USDX, 3_047_619_049n);
    expect(typeof over === "object" && over.leavesDust).toBe(true);
  });
});

describe("aave-v3-origin v3.3.0 tests/protocol/pool/Pool.Liquidations.t.sol", () => {
  // alice supplies and borrows in setUp's block; _loadLiquidationInput (lines 968-1009) moves
  // WBTC's mock price by the test's impact, then the call is checked against
  // LiquidationDataProvider's maxDebtToLiquidate / maxCollateralToLiquidate (the
  // LiquidationCall event) and the balances (_afterLiquidationChecksVariable, lines 1266-1302).

  // The USDX / WBTC / WETH rates after a borrow: DefaultReserveInterestRateStrategyV2
  // .calculateInterestRates with the listing's optimal 45 %, base 0, slope1 4 % (lines 118-123):
  // usage = debt / (available + debt), variable rate = rayDiv(rayMul(4e25, usage), 4.5e26),
  // liquidity rate = percentMul(rayMul(rate, usage), 10^4 - reserve factor 10 %). The supplies
  // before it are setUp's (carol: 100,000 USDX, 100 WETH) and the test's.
  const rates = (debt: bigint, total: bigint) => {
    const usage = rayDiv(debt, total);
    const variable = rayDiv(rayMul(400n * 10n ** 23n, usage), 4500n * 10n ** 23n);
    return { variable, liquidity: percentMul(rayMul(variable, usage), 9000n) };
  };
  const DAY = 86400n;

  it("line 96: 2,000 USDX supplied and 1,620 USDX borrowed, 20,000 days: HF 0.9839, the USDX debt below $2,000: 100 % against the same reserve", async () => {
    const r = rates(1620n * E6, 102000n * E6);
    expect([r.variable, r.liquidity]).toEqual([1411764705882352941176471n, 20179930795847750865052n]);
    const income = normalizedIncome(RAY, r.liquidity, 0n, 20000n * DAY), debtIndex = normalizedDebt(RAY, r.variable, 0n, 20000n * DAY);
    expect([income, debtIndex]).toEqual([1001105749632649191828222027n, 1080349020210098897303697041n]);
    const reserves = market33().map((x, i) => (i === USDX ? { ...x, liquidityIndex: income, variableBorrowIndex: debtIndex } : x));
    const b = book("3.3", reserves, user(0, { [USDX]: { supply: 2000n * E6, debt: 1620n * E6 } }));
    // 2,002.211499 USDX against 1,750.165413 USDX.
    await expectAccount(b, { hf: 983850941373848302n, collateral: 200_221_149_900n, debt: 175_016_541_300n, lt: 8600n });
    expectCall(b, USDX, USDX, { closeFactor: 10000n, debtRepaid: 1_750_165_413n, seized: 1_837_673_684n, protocolFee: 8_750_827n });
  });

  // lines 147 and 857: 1.00999999 WBTC, 20,500.999999 USDX borrowed; 30 days; 0.002e8 (200,000
  // units) of WETH and of WBTC borrowed; 30 days more. USDX's index compounds over the 60 days in
  // one step (nothing touches it between), WETH's and WBTC's over the last 30; WBTC's supply
  // earns its liquidity rate for those 30.
  function repro(wbtcImpact: bigint): AaveBook {
    const u = rates(20_500_999_999n, 100000n * E6), w = rates(200_000n, 100n * E18), t = rates(200_000n, 100_999_999n);
    expect([u.variable, t.variable, t.liquidity, w.variable]).toEqual([18223111110222222222222222n, 176017603502924567135667n, 313694742021991723826n, 177777777778n]);
    const at = (x: AaveReserve, liquidityIndex: bigint, variableBorrowIndex: bigint) => ({ ...x, liquidityIndex, variableBorrowIndex });
    const m = market33(impact(wbtcImpact));
    const reserves = [
      at(m[USDX]!, RAY, normalizedDebt(RAY, u.variable, 0n, 60n * DAY)),
      at(m[WBTC]!, normalizedIncome(RAY, t.liquidity, 0n, 30n * DAY), normalizedDebt(RAY, t.variable, 0n, 30n * DAY)),
      at(m[WETH]!, RAY, normalizedDebt(RAY, w.variable, 0n, 30n * DAY)),
    ];
    expect(reserves.map((x) => [x.liquidityIndex, x.variableBorrowIndex])).toEqual([
      [RAY, 1003000066657150977650096803n], [1000000025783129481259593739n, 1000014467304934666499265726n], [RAY, 1000000000000000014611872146n],
    ]);
    const b = book("3.3", reserves, user(0, { [WBTC]: { supply: 100_999_999n, debt: 200_000n }, [USDX]: { debt: 20_500_999_999n }, [WETH]: { debt: 200_000n } }));
    // Balances: 1.01000002 WBTC, 20,562.504366 USDX, 0.00200003 WBTC, 200,000 wei of WETH.
    expect([supplied(reserves[WBTC]!, 100_999_999n), borrowed(reserves[WBTC]!, 200_000n, 0n), borrowed(reserves[USDX]!, 20_500_999_999n, 0n), borrowed(reserves[WETH]!, 200_000n, 0n)])
      .toEqual([101_000_002n, 200_003n, 20_562_504_366n, 200_000n]);
    return b;
  }

  it("line 147: the repro (USDX's own fee set to 23.33 %, not the collateral's), WBTC -16 %: HF 0.9559, 50 % of the total debt", async () => {
    const b = repro(1600n);
    await expectAccount(b, { hf: 955938344207149107n, collateral: 2_290_680_045_360n, debt: 2_060_786_504_640n, lt: 8600n });
    expectCall(b, USDX, WBTC, { closeFactor: 5000n, debtRepaid: 10_303_932_523n, seized: 47_703_391n, protocolFee: 227_159n });
  });

  it("line 857: the same, WBTC -21.5 %: all the WBTC; the rest of the USDX debt, the WBTC and the WETH debts become deficits", async () => {
    expect(impact(2150n)).toBe(21195n * E8);
    const b = repro(2150n);
    await expectAccount(b, { hf: 893475912539086929n, collateral: 2_140_695_042_390n, debt: 2_060_489_500_185n, lt: 8600n });
    // DeficitCreated(USDX, userDebtBefore - actualDebtToLiquidate) (line 897) and the WBTC debt 0
    // after (line 913): 174.932535 USDX, 200,003 WBTC units, 200,000 wei.
    expectCall(b, USDX, WBTC, {
      closeFactor: 10000n, debtRepaid: 20_387_571_831n, seized: 101_000_002n, protocolFee: 480_952n,
      deficit: [{ reserve: USDX, amount: 174_932_535n }, { reserve: WBTC, amount: 200_003n }, { reserve: WETH, amount: 200_000n }],
    });
  });

  it("lines 1030-1101: the refusals in validateLiquidationCall's order (reserve inactive, paused, HF not below 1, collateral not enabled, currency not borrowed)", () => {
    const call = (b: AaveBook, debt: number, coll: number) => liquidationCall(b, b.users[0]!, debt, coll, 100n * E6);
    // 1030 / 1093: bob holds nothing; WBTC inactive, or paused, is refused before anything else.
    const bob = user(0, {});
    expect(call(book("3.3", market33().map((r, i) => (i === WBTC ? { ...r, active: false } : r)), bob), WBTC, USDX)).toBe("reserve-inactive");
    expect(call(book("3.3", market33().map((r, i) => (i === WBTC ? { ...r, paused: true } : r)), bob), WBTC, USDX)).toBe("reserve-paused");
    // 1040: 1 WBTC against 2 WETH: HF 6.45.
    const healthy = book("3.3", market33(), user(0, { [WBTC]: { supply: E8 }, [WETH]: { debt: 2n * E18 } }));
    expect(accountData(healthy, healthy.users[0]!).healthFactor).toBe(645n * 10n ** 16n);
    expect(call(healthy, WETH, WBTC)).toBe("healthy");
    // 1052 / 1074: 1 WBTC against 10 WETH, WBTC -40 % ($16,200): HF 0.774. USDX as the collateral
    // (alice has none; WBTC's pause does not touch the call), or USDX as the debt (none).
    const paused = market33(impact(4000n)).map((r, i) => (i === WBTC ? { ...r, paused: true } : r));
    const alice = user(0, { [WBTC]: { supply: E8 }, [WETH]: { debt: 10n * E18 } });
    expect(accountData(book("3.3", paused, alice), alice).healthFactor).toBe(774n * 10n ** 15n);
    expect(call(book("3.3", paused, alice), WETH, USDX)).toBe("collateral-not-enabled");
    expect(call(book("3.3", market33(impact(4000n)), alice), USDX, WBTC)).toBe("no-debt-in-reserve");
    // Neither the collateral nor the debt: the collateral's check comes first (ValidationLogic
    // v3.3.0 lines 422-423; aave-v3-core @782f5191 lines 532-533).
    for (const version of ["3.3", "3.0"] as const) expect(call(book(version, market33(impact(4000n)), alice), USDX, USDX)).toBe("collateral-not-enabled");
  });

  it("lines 1154-1252: a grace period on WBTC, USDX or both: 1.25 WBTC against 22,500 USDX, WBTC -25 %, 5,000 USDX; refused up to and at the period's end, allowed one second after", () => {
    const at = 1_700_000_000n, period = 3600n;
    const state = (grace: readonly number[], now: bigint) => ({
      ...book("3.3", market33(impact(2500n)).map((r, i) => (grace.includes(i) ? { ...r, liquidationGracePeriodUntil: at + period } : r)),
        user(0, { [WBTC]: { supply: 125n * E6 }, [USDX]: { debt: 22500n * E6 } })),
      timestamp: now,
    });
    // Before the grace period (line 1208): HF 0.9675, under half the total debt, so 5,000 as asked.
    const before = state([], at);
    expect(accountData(before, before.users[0]!).healthFactor).toBe(9675n * 10n ** 14n);
    expectCall(before, USDX, WBTC, { closeFactor: 5000n, debtRepaid: 5000n * E6, seized: 25_925_926n, protocolFee: 123_457n }, 5000n * E6);
    // During it and at liquidationGracePeriodUntil itself: LIQUIDATION_GRACE_SENTINEL_CHECK_FAILED;
    // one second later it goes through. (The suite calls again on the state its first call left;
    // the refusal does not depend on the balances.)
    for (const grace of [[WBTC], [USDX], [WBTC, USDX]]) {
      expect(liquidationCall(state(grace, at), before.users[0]!, USDX, WBTC, 5000n * E6)).toBe("grace-period");
      expect(liquidationCall(state(grace, at + period), before.users[0]!, USDX, WBTC, 5000n * E6)).toBe("grace-period");
      expect(typeof liquidationCall(state(grace, at + period + 1n), before.users[0]!, USDX, WBTC, 5000n * E6)).toBe("object");
    }
  });

  it("line 208: no protocol fee on WBTC, 1 WBTC against 20,500 USDX, WBTC -16 % ($22,680): HF 0.9514, 50 % of the total debt, no fee", async () => {
    expect(impact(1600n)).toBe(22680n * E8);
    const b = book("3.3", market33(impact(1600n), 0n), user(0, { [WBTC]: { supply: E8 }, [USDX]: { debt: 20500n * E6 } }));
    await expectAccount(b, { hf: 951453658536585366n, collateral: 22680n * E8, debt: 20500n * E8, lt: 8600n });
    // 10,250 USDX for 10,250 / 22,680 * 1.05 WBTC, truncated then half-up: 0.47453703 WBTC.
    expectCall(b, USDX, WBTC, { closeFactor: 5000n, debtRepaid: 10250n * E6, seized: 47_453_703n, protocolFee: 0n });
  });

  it("line 265 (and 320 with aTokens): 106 USDX of the same debt, WBTC -25 % ($20,250): HF 0.8495, 100 %; the fee is 10 % of the bonus", async () => {
    expect(impact(2500n)).toBe(20250n * E8);
    const b = book("3.3", market33(impact(2500n)), user(0, { [WBTC]: { supply: E8 }, [USDX]: { debt: 20500n * E6 } }));
    await expectAccount(b, { hf: 849512195121951220n, collateral: 20250n * E8, debt: 20500n * E8, lt: 8600n });
    const o = expectCall(b, USDX, WBTC, { closeFactor: 10000n, debtRepaid: 106n * E6, seized: 549_629n, protocolFee: 2_617n }, 106n * E6);
    expect(o.profit).toBe(26_173n - 2_617n); // bonus 549629 - percentDiv(549629, 10500) = 26173
  });

  it("line 427 (and 376): 1 WBTC against 199.999999 USDX and 10 WETH, WBTC -30 % ($18,900): the whole USDX debt goes", async () => {
    expect(impact(3000n)).toBe(18900n * E8);
    const b = book("3.3", market33(impact(3000n)), user(0, { [WBTC]: { supply: E8 }, [USDX]: { debt: 200n * E6 - 1n }, [WETH]: { debt: 10n * E18 } }));
    await expectAccount(b, { hf: 893076923125993238n, collateral: 18900n * E8, debt: 1_819_999_999_900n, lt: 8600n });
    // The test asserts the user's USDX debt is 0 after (line 475).
    expectCall(b, USDX, WBTC, { closeFactor: 10000n, debtRepaid: 200n * E6 - 1n, seized: 1_111_111n, protocolFee: 5_291n });
  });

  it("line 478: the same with 0.01 WETH supplied too, liquidating the WETH: it does not cover debt plus bonus, all of it goes (ReserveUsedAsCollateralDisabled)", async () => {
    const b = book("3.3", market33(impact(3000n)), user(0, {
      [WBTC]: { supply: E8 }, [WETH]: { supply: 10n ** 16n, debt: 10n * E18 }, [USDX]: { debt: 200n * E6 - 1n },
    }));
    await expectAccount(b, { hf: 893927472576589422n, collateral: 1_891_800_000_000n, debt: 1_819_999_999_900n, lt: 8600n });
    // percentDiv($18 in USDX, 10500) = 17.142857 USDX; seized + fee = the whole 0.01 WETH.
    expectCall(b, USDX, WETH, { closeFactor: 10000n, debtRepaid: 17_142_857n, seized: 10n ** 16n, protocolFee: 47619047619048n });
  });

  it("line 565 (isolated; the debt ceiling is not modelled and does not change the call): 0.5 WBTC against 11,000 USDX, WBTC -12 % ($23,760): HF 0.9288, all of it", async () => {
    expect(impact(1200n)).toBe(23760n * E8);
    const b = book("3.3", market33(impact(1200n)), user(0, { [WBTC]: { supply: E8 / 2n }, [USDX]: { debt: 11000n * E6 } }));
    await expectAccount(b, { hf: 9288n * 10n ** 14n, collateral: 11880n * E8, debt: 11000n * E8, lt: 8600n });
    expectCall(b, USDX, WBTC, { closeFactor: 10000n, debtRepaid: 11000n * E6, seized: 48_611_111n, protocolFee: 231_482n });
  });

  it("lines 627, 659, 701 (self-liquidation; the suite checks the collateral flag): the same position, WBTC -40 % ($16,200): all of it, 3,285.714286 USDX to the deficit", async () => {
    expect(impact(4000n)).toBe(16200n * E8);
    const b = book("3.3", market33(impact(4000n)), user(0, { [WBTC]: { supply: E8 / 2n }, [USDX]: { debt: 11000n * E6 } }));
    await expectAccount(b, { hf: 633272727272727273n, collateral: 8100n * E8, debt: 11000n * E8, lt: 8600n });
    expectCall(b, USDX, WBTC, { closeFactor: 10000n, debtRepaid: 7_714_285_714n, seized: E8 / 2n, protocolFee: 238_095n, deficit: [{ reserve: USDX, amount: 3_285_714_286n }] });
  });

  it("line 741: e-mode 1 (LT 96 %, bonus 1 %), 1 WBTC against 12 WETH, WBTC -20 % ($21,600): HF 0.96, 50 %: 6 WETH for 0.505 WBTC", async () => {
    expect(impact(2000n)).toBe(21600n * E8);
    const modes: AaveEMode[] = [{ id: 1, ltv: 9500n, liquidationThreshold: 9600n, liquidationBonus: 10100n, collateral: [WBTC, WETH] }];
    const b = book("3.3", market33(impact(2000n)), user(1, { [WBTC]: { supply: E8 }, [WETH]: { debt: 12n * E18 } }), modes);
    await expectAccount(b, { hf: 96n * 10n ** 16n, collateral: 21600n * E8, debt: 21600n * E8, lt: 9600n });
    expectCall(b, WETH, WBTC, { closeFactor: 5000n, debtRepaid: 6n * E18, seized: 50_500_000n, protocolFee: 50_000n });
    // Outside the category the same user would be at LT 86 % and a 5 % bonus.
    const out = book("3.3", b.reserves, { ...b.users[0]!, eMode: 0 }, modes);
    expect(accountData(out, out.users[0]!).healthFactor).toBe(86n * 10n ** 16n);
  });

  it("lines 808 and 916: 0.5 WBTC against 11,000 USDX, 30 days of USDX interest, WBTC -20 %: all the collateral, the rest of the debt is the reserve's deficit", async () => {
    // The USDX rate after alice's borrow (DefaultReserveInterestRateStrategyV2.calculateInterestRates,
    // the listing's optimal 45 %, base 0, slope1 4 %, lines 118-123): usage = 11,000 /
    // (89,000 available + 11,000 debt), carol's 100,000 USDX supplied in setUp;
    // rate = rayDiv(rayMul(4e25, usage), 4.5e26). The debt index after vm.warp(30 days) is the
    // pool's compounded interest at that rate; WBTC has no borrower, its index stays 1 ray.
    const usage = rayDiv(11000n * E6, 100000n * E6);
    const rate = rayDiv(rayMul(400n * 10n ** 23n, usage), 4500n * 10n ** 23n);
    expect(rate).toBe(9777777777777777777777778n);
    const index = compoundedInterest(rate, 0n, 30n * 86400n);
    expect(index).toBe(1000803975896957594313197296n);
    const reserves = market33(impact(2000n)).map((r, i) => (i === USDX ? { ...r, variableBorrowIndex: index } : r));
    const b = book("3.3", reserves, user(0, { [WBTC]: { supply: E8 / 2n }, [USDX]: { debt: 11000n * E6 } }));
    await expectAccount(b, { hf: 843685333680503914n, collateral: 10800n * E8, debt: 1_100_884_373_500n, lt: 8600n });
    // userDebtBefore = 11,008.843735 USDX; repaid percentDiv(10,800, 10500) = 10,285.714286; the
    // DeficitCreated event and getReserveDeficit (line 963) carry the difference, 723.129449.
    expectCall(b, USDX, WBTC, { closeFactor: 10000n, debtRepaid: 10_285_714_286n, seized: E8 / 2n, protocolFee: 238_095n, deficit: [{ reserve: USDX, amount: 723_129_449n }] });
  });
});

// ---- v3.0: the aave-v3-core Hardhat market ----
const DAI = 0, USDC = 1, WETH0 = 2;
function market30(dai: bigint, usdc: bigint, weth: bigint, wethFee = 0n, usdcIndex = RAY): AaveReserve[] {
  return [
    reserve("DAI", 18, dai, 7500n, 8000n, 10500n, 0n),
    reserve("USDC", 6, usdc, 8000n, 8500n, 10500n, 0n, { variableBorrowIndex: usdcIndex }),
    reserve("WETH", 18, weth, 8000n, 8250n, 10500n, wethFee),
  ];
}
/** liquidation-emode.spec.ts:14-21: LTV 98 %, LT 98.5 %, bonus 1 %; DAI and USDC in it (lines 69-73). */
const stable = (price?: bigint): AaveEMode[] => [{ id: 1, ltv: 9800n, liquidationThreshold: 9850n, liquidationBonus: 10100n, collateral: [DAI, USDC], ...(price === undefined ? {} : { price }) }];
/** availableBorrowsBase with no debt: percentMul(C, avgLtv) (GenericLogic.calculateAvailableBorrows). */
const availableBorrows = (b: AaveBook) => { const d = accountData(b, b.users[0]!); return percentMul(d.totalCollateralBase, d.avgLtv) - d.totalDebtBase; };

describe("aave-v3-core @782f5191 test-suites/liquidation-emode.spec.ts", () => {
  // Each case borrows availableBorrowsBase / 100 USDC (a base amount read as 6-decimal units) and
  // liquidates toBorrow / 2. Hardhat mines a block per transaction, so the USDC debt has a few
  // seconds of interest by the call; debtToCover is fixed and below the close factor's cap either
  // way, so the call's amounts do not depend on it (checked at an index 1e-6 higher); only the
  // HF's last digits do, and the books here hold the index at 1 ray.
  const at = (usdcIndex: bigint, dai: bigint, usdc: bigint, weth: bigint, positions: Record<number, Pos>, modes: AaveEMode[]) =>
    book("3.0", market30(dai, usdc, weth, 0n, usdcIndex), user(1, positions), modes);

  it("line 244: 1 DAI + 1 WETH in e-mode without a price source, 3,200.8 USDC borrowed, WETH -10 %: WETH is not in the category, its own 5 % bonus", async () => {
    const pre = at(RAY, E8, E8, 4000n * E8, { [DAI]: { supply: E18 }, [WETH0]: { supply: E18 } }, stable());
    const toBorrow = availableBorrows(pre) / 100n;
    expect(toBorrow).toBe(3_200_800_000n); // avgLtv floor((1 * 9800 + 4000 * 8000) / 4001) = 8000
    const positions = { [DAI]: { supply: E18 }, [WETH0]: { supply: E18 }, [USDC]: { debt: toBorrow } };
    await expectAccount(at(RAY, E8, E8, 4000n * E8, positions, stable()), { hf: 1031250000000000000n, collateral: 4001n * E8, debt: 3200n * E8 + 80_000_000n, lt: 8250n });
    for (const idx of [RAY, RAY + 10n ** 21n]) {
      const b = at(idx, E8, E8, percentMul(4000n * E8, 9000n), positions, stable());
      if (idx === RAY) await expectAccount(b, { hf: 928150774806298425n, collateral: 3601n * E8, debt: 3200n * E8 + 80_000_000n, lt: 8250n });
      // The test's expectation (lines 358-362, closeTo 2): 1,600.4 USDC at $1 * 1.05 / $3,600 WETH.
      expectCall(b, USDC, WETH0, { closeFactor: 10000n, debtRepaid: 1_600_400_000n, seized: 466783333333333333n, protocolFee: 0n }, toBorrow / 2n);
    }
  });

  it("line 368: 5,000 DAI + 1 WETH, e-mode with a price source at $1 then $2: DAI and the USDC debt at the category's price, the category's 1 % bonus", async () => {
    const positions = { [DAI]: { supply: 5000n * E18 }, [WETH0]: { supply: E18 } };
    const pre = at(RAY, 99n * E6, 101n * E6, 4000n * E8, positions, stable(E8));
    const toBorrow = availableBorrows(pre) / 100n;
    expect(toBorrow).toBe(8100n * E6); // C = 5,000 (DAI at the source's $1) + 4,000; avgLtv 9000
    const withDebt = { ...positions, [USDC]: { debt: toBorrow } };
    await expectAccount(at(RAY, 99n * E6, 101n * E6, 4000n * E8, withDebt, stable(E8)), { hf: 1015333333333333333n, collateral: 9000n * E8, debt: 8100n * E8, lt: 9138n });
    for (const idx of [RAY, RAY + 10n ** 21n]) {
      const b = at(idx, 99n * E6, 101n * E6, 4000n * E8, withDebt, stable(2n * E8));
      if (idx === RAY) await expectAccount(b, { hf: 811654320987654321n, collateral: 14000n * E8, debt: 16200n * E8, lt: 9392n });
      // lines 486-494: 4,050 USDC at $2 * 1.01 / $2 = 4,090.5 DAI.
      expectCall(b, USDC, DAI, { closeFactor: 10000n, debtRepaid: 4050n * E6, seized: 40905n * 10n ** 17n, protocolFee: 0n }, toBorrow / 2n);
    }
  });

  it("line 497: 1 DAI + 1 WETH, the same category: WETH at its own $4,000 and 5 % bonus, the USDC debt at the category's $2", async () => {
    const positions = { [DAI]: { supply: E18 }, [WETH0]: { supply: E18 } };
    const pre = at(RAY, 99n * E6, 101n * E6, 4000n * E8, positions, stable(E8));
    const toBorrow = availableBorrows(pre) / 100n;
    expect(toBorrow).toBe(3_200_800_000n);
    const withDebt = { ...positions, [USDC]: { debt: toBorrow } };
    await expectAccount(at(RAY, 99n * E6, 101n * E6, 4000n * E8, withDebt, stable(E8)), { hf: 1031250000000000000n, collateral: 4001n * E8, debt: 3200n * E8 + 80_000_000n, lt: 8250n });
    for (const idx of [RAY, RAY + 10n ** 21n]) {
      const b = at(idx, 99n * E6, 101n * E6, 4000n * E8, withDebt, stable(2n * E8));
      if (idx === RAY) await expectAccount(b, { hf: 515753874031492127n, collateral: 4002n * E8, debt: 6401n * E8 + 60_000_000n, lt: 8250n });
      // lines 613-625: 1,600.4 USDC at $2 * 1.05 / $4,000 = 0.84021 WETH (at USDC's own $1.01 it would be 0.42430605).
      expectCall(b, USDC, WETH0, { closeFactor: 10000n, debtRepaid: 1_600_400_000n, seized: 84021n * 10n ** 13n, protocolFee: 0n }, toBorrow / 2n);
    }
  });
});

describe("aave-v3-core @782f5191 test-suites/liquidation-edge.spec.ts", () => {
  it("line 223: 0.9 WETH against 1,000 USDC + 100 DAI stable + 100 DAI variable, USDC x10, WETH fee 10 %: all the WETH, for percentDiv($3,600 in USDC, 10500)", async () => {
    // HF 2.475 before (the test's comment, line 301, says 1.275 from an older price set); then
    // USDC at $10: HF 0.2912, 100 %. The USDC and DAI debts accrue a few seconds of interest,
    // which moves only the HF: the collateral caps the call. aWETH balance 0 after (line 339).
    const positions = { [WETH0]: { supply: 9n * 10n ** 17n }, [USDC]: { debt: 1000n * E6 }, [DAI]: { debt: 100n * E18, stable: 100n * E18 } };
    await expectAccount(book("3.0", market30(E8, E8, 4000n * E8, 1000n), user(0, positions)), { hf: 2475n * 10n ** 15n, collateral: 3600n * E8, debt: 1200n * E8, lt: 8250n });
    for (const idx of [RAY, RAY + 10n ** 21n]) {
      const b = book("3.0", market30(E8, 10n * E8, 4000n * E8, 1000n, idx), user(0, positions));
      if (idx === RAY) await expectAccount(b, { hf: 291176470588235294n, collateral: 3600n * E8, debt: 10200n * E8, lt: 8250n });
      expectCall(b, USDC, WETH0, { closeFactor: 10000n, debtRepaid: 342_857_143n, seized: 9n * 10n ** 17n, protocolFee: 4285714285714286n });
      expect(liquidatable(b, b.users[0]!)).toBe(true);
    }
  });
});

// liquidation-underlying.spec.ts and liquidation-with-fee.spec.ts run one borrower through two
// cases: 0.06775 WETH, availableBorrowsBase / $1 (216, an integer division) * 95.02 % = 205 USDC
// borrowed at the stable rate, USDC +12 %, half the stable debt liquidated; then 0.033 (0.03) AAVE
// supplied, USDC +14 % more, half the debt again, which the AAVE does not cover. The stable debt
// accrues a few seconds of interest per mined block, and the first call's debtToCover is
// currentStableDebt / 2: the book takes the state with that interest removed (205 USDC, so
// 102.5 USDC to cover), which the first case's figures depend on by a few units. The second case's
// call takes all the AAVE and its figures do not depend on it (checked with the debt and the WETH a
// few units off); those are the ones the suites assert exactly (liquidation-with-fee lines 761-769).
const AAVE = 3;
function market30b(usdc: bigint, wethFee: bigint, aaveFee: bigint): AaveReserve[] {
  // markets/test/reservesConfigs.ts:45-54: AAVE 18 decimals, LTV 5000, LT 6500, bonus 11000; $300.
  return [...market30(E8, usdc, 4000n * E8, wethFee), reserve("AAVE", 18, 300n * E8, 5000n, 6500n, 11000n, aaveFee)];
}
const usdc112 = percentMul(E8, 11200n), usdc114 = percentMul(usdc112, 11400n);

function twoCalls(wethFee: bigint, aaveFee: bigint, aave: bigint, first: Call, firstHf: bigint, second: Call, secondAccount: Account, afterHf: bigint) {
  return async () => {
    expect([usdc112, usdc114]).toEqual([112_000_000n, 127_680_000n]);
    const pre = book("3.0", market30b(E8, wethFee, aaveFee), user(0, { [WETH0]: { supply: 6775n * 10n ** 13n } }));
    const borrow = percentMul(availableBorrows(pre) / E8, 9502n);
    expect(borrow).toBe(205n);
    const b1 = book("3.0", market30b(usdc112, wethFee, aaveFee), user(0, { [WETH0]: { supply: 6775n * 10n ** 13n }, [USDC]: { stable: 205n * E6 } }));
    await expectAccount(b1, { hf: firstHf, collateral: 271n * E8, debt: 22_960_000_000n, lt: 8250n });
    const o1 = expectCall(b1, USDC, WETH0, first, 205n * E6 / 2n);
    const wethLeft = 6775n * 10n ** 13n - o1.collateralToLiquidator - o1.protocolFee, debtLeft = 205n * E6 - o1.debtRepaid;
    for (const [dw, dd] of [[0n, 0n], [-5n, 7n], [3n, 3n]] as const) {
      const b2 = book("3.0", market30b(usdc114, wethFee, aaveFee), user(0, { [WETH0]: { supply: wethLeft + dw }, [USDC]: { stable: debtLeft + dd }, [AAVE]: { supply: aave } }));
      if (dw === 0n) await expectAccount(b2, secondAccount);
      expectCall(b2, USDC, AAVE, second, (debtLeft + dd) / 2n);
      // The user is above 1 after it (line 480 / 729 / 896).
      const after = book("3.0", b2.reserves, user(0, { [WETH0]: { supply: wethLeft + dw }, [USDC]: { stable: debtLeft + dd - second.debtRepaid } }));
      if (dw === 0n) expect(accountData(after, after.users[0]!).healthFactor).toBe(afterHf);
      expect(accountData(after, after.users[0]!).healthFactor > WAD).toBe(true);
    }
  };
}

describe("aave-v3-core @782f5191 test-suites/liquidation-underlying.spec.ts", () => {
  it("lines 249 and 401: 102.5 USDC for 0.030135 WETH (HF 0.9738, 50 %); then 0.033 AAVE, all of it, for percentDiv($9.90 in USDC at $1.2768, 11000) = 7.048872 USDC", twoCalls(
    0n, 0n, 33n * 10n ** 15n,
    { closeFactor: 5000n, debtRepaid: 102_500_000n, seized: 30135n * 10n ** 12n, protocolFee: 0n }, 973758710801393728n,
    { closeFactor: 5000n, debtRepaid: 7_048_872n, seized: 33n * 10n ** 15n, protocolFee: 0n },
    { hf: 997532520325203252n, collateral: 16_036_000_000n, debt: 13_087_200_000n, lt: 8141n }, 1018523530964779341n,
  ));
});

describe("aave-v3-core @782f5191 test-suites/liquidation-with-fee.spec.ts", () => {
  // Fees set at lines 155-187: WETH 10 %, AAVE 5 %; line 774 sets AAVE's to 0 (from the same snapshot).
  it("lines 425 and 615: WETH fee 10 % of 0.001435 bonus; then 0.03 AAVE, all of it: 6.408065 USDC, the treasury's 0.000136363636363636 AAVE, the liquidator's aTokens the rest (lines 761-769, equal)", twoCalls(
    1000n, 500n, 3n * 10n ** 16n,
    { closeFactor: 5000n, debtRepaid: 102_500_000n, seized: 30135n * 10n ** 12n, protocolFee: 1435n * 10n ** 11n }, 973758710801393728n,
    { closeFactor: 5000n, debtRepaid: 6_408_065n, seized: 3n * 10n ** 16n, protocolFee: 136363636363636n },
    { hf: 993152439024390244n, collateral: 15_946_000_000n, debt: 13_087_200_000n, lt: 8151n }, 1011731316797306649n,
  ));
  it("line 774: the same with AAVE's fee 0: the liquidator gets all 0.03 AAVE", twoCalls(
    1000n, 0n, 3n * 10n ** 16n,
    { closeFactor: 5000n, debtRepaid: 102_500_000n, seized: 30135n * 10n ** 12n, protocolFee: 1435n * 10n ** 11n }, 973758710801393728n,
    { closeFactor: 5000n, debtRepaid: 6_408_065n, seized: 3n * 10n ** 16n, protocolFee: 0n },
    { hf: 993152439024390244n, collateral: 15_946_000_000n, debt: 13_087_200_000n, lt: 8151n }, 1011731316797306649n,
  ));
});
