// Aave v3's rules (reference/venues/aave-v3.ts) on published values and hand-computed cases, and
// the core (assembly/venues/aave-v3.ts through bindings/aave-v3.ts) against the reference on
// random and extreme lending books. Seeds change every run (LIQSCAN_SEED fixes them).
import { describe, expect, it } from "vitest";
import { AaveScanner, formatHealthFactor } from "../../bindings/aave-v3.js";
import { aaveBookFromJson, parseAaveBook, stringifyAaveBook, type AaveBook, type AaveReserve, type AaveUser } from "../../book/venues/aave-book.js";
import { randomAaveBook } from "../../book/venues/aave-generate.js";
import {
  RAY, UINT256_MAX, WAD, accountData, bestLiquidation, borrowed, compoundedInterest, largestCleanCall, liquidatable, liquidationCall,
  liquidationPrice, linearInterest, normalizedDebt, normalizedIncome, percentDiv, percentMul, rayDiv, rayMul, supplied, triggerByBound,
} from "../../reference/venues/aave-v3.js";

const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);

function reserve(id: string, decimals: number, usd: bigint, lt: bigint, extra: Partial<AaveReserve> = {}): AaveReserve {
  return {
    id, decimals, price: usd * 10n ** 8n, ltv: lt > 500n ? lt - 500n : 0n, liquidationThreshold: lt, liquidationBonus: 10500n,
    liquidationProtocolFee: 1000n, reserveFactor: 1000n, liquidityIndex: RAY, variableBorrowIndex: RAY, ...extra,
  };
}

const book = (version: "3.0" | "3.3", reserves: AaveReserve[], users: AaveUser[], eModes: AaveBook["eModes"] = []): AaveBook =>
  ({ venue: "aave-v3", version, reserves, eModes, users });

describe("aave-v3 published values", () => {
  // @aave/math-utils @d4c93961 src/formatters/user/generate-raw-user-summary.test.ts: a 6-decimal
  // and an 18-decimal reserve (mocks.ts: LTV 5000, LT 6000, index 1 ray, price 10), 200 supplied
  // and 100 borrowed of each: totals 4000 and 2000, LT 6000, LTV 5000, HF 1.2; in e-mode 1
  // (LTV 6000, LT 7000): LT 7000, HF 1.4.
  const mock = (eMode: number) => {
    const usdc = { ...reserve("USDC", 6, 10n, 6000n), ltv: 5000n };
    const eth = { ...reserve("ETH", 18, 10n, 6000n), ltv: 5000n };
    const user: AaveUser = {
      id: "mock", eMode, reserves: [
        { reserve: 0, scaledATokenBalance: 200n * 10n ** 6n, usageAsCollateralEnabled: true, scaledVariableDebt: 100n * 10n ** 6n, stableDebt: 0n },
        { reserve: 1, scaledATokenBalance: 200n * 10n ** 18n, usageAsCollateralEnabled: true, scaledVariableDebt: 100n * 10n ** 18n, stableDebt: 0n },
      ],
    };
    return book("3.3", [usdc, eth], [user], [{ id: 1, ltv: 6000n, liquidationThreshold: 7000n, liquidationBonus: 10100n, collateral: [0, 1] }]);
  };

  it("math-utils' user summary: HF 1.2, totals 4000 / 2000, LT 6000, LTV 5000; e-mode 1.4", async () => {
    const b = mock(0);
    const d = accountData(b, b.users[0]!);
    expect(d.totalCollateralBase).toBe(4000n * 10n ** 8n);
    expect(d.totalDebtBase).toBe(2000n * 10n ** 8n);
    expect(d.avgLiquidationThreshold).toBe(6000n);
    expect(d.avgLtv).toBe(5000n);
    expect(d.healthFactor).toBe(12n * 10n ** 17n);
    expect(formatHealthFactor(d.healthFactor)).toBe("1.2");
    const e = mock(1);
    const de = accountData(e, e.users[0]!);
    expect(de.avgLiquidationThreshold).toBe(7000n);
    expect(de.avgLtv).toBe(6000n);
    expect(de.healthFactor).toBe(14n * 10n ** 17n);
    for (const x of [b, e]) {
      const scan = (await AaveScanner.load(x)).scan();
      expect(scan.users[0]!.healthFactor).toBe(accountData(x, x.users[0]!).healthFactor);
      expect(scan.users[0]!.status).toBe("ok");
    }
  });

  it("math-utils' pool math: the YFI balance computed with hardhat, the linear interest and the normalized income", () => {
    // pool-math.test.ts: user 0xa5a6...6e5b at block 11581421, reserve YFI.
    const idx = normalizedIncome(1001723339432542553527150680n, 22461916953455574582370088n, 1609673617n, 1609675535n);
    expect(rayMul(161316503206059870n, idx)).toBe(161594727054623229n);
    expect(linearInterest(500000000000000000n, 1629942200n, 1729942300n)).toBe(1000000001585491184677828513n);
    expect(normalizedIncome(1048540642417873765200833079n, 500000000000000000n, 1629942200n, 1729942300n)).toBe(1048540644080325710530799122n);
    expect(normalizedIncome(1048540642417873800000000000n, 0n, 1629942200n, 1729942300n)).toBe(1048540642417873800000000000n);
    // The compounded balance of 10000 at index 1048540642417873765200833079 is 10485 (getCompoundedBalance).
    expect(rayMul(10000n, normalizedDebt(1048540642417873765200833079n, 500000000000000000n, 1629942200n, 1729942300n))).toBe(10485n);
    expect(compoundedInterest(0n, 5n, 5n)).toBe(RAY);
  });

  it("math-utils' health factor from balances: 1 at LT 5000 and debt half the collateral, uint max (the SDK's -1) without debt", () => {
    const b = book("3.3", [{ ...reserve("A", 8, 1n, 5000n), price: 1n }], [{
      id: "u", eMode: 0, reserves: [{ reserve: 0, scaledATokenBalance: 100000000000000000n, usageAsCollateralEnabled: true, scaledVariableDebt: 50000000000000000n, stableDebt: 0n }],
    }]);
    expect(accountData(b, b.users[0]!).healthFactor).toBe(WAD);
    expect(liquidatable(b, b.users[0]!)).toBe(false); // HF = 1 is not below 1
    const noDebt = book("3.3", b.reserves.slice(), [{ id: "u", eMode: 0, reserves: [{ ...b.users[0]!.reserves[0]!, scaledVariableDebt: 0n }] }]);
    expect(accountData(noDebt, noDebt.users[0]!).healthFactor).toBe(UINT256_MAX);
  });

  it("v3.3's features doc: $1,200 collateral, $900 debt, HF 0.96: the whole debt is liquidatable (below MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD)", () => {
    // aave-v3-origin v3.3.0 docs/3.3/Aave-v3.3-features.md, 2.2.
    const b = book("3.3", [reserve("A", 6, 1n, 7200n), reserve("B", 6, 1n, 7200n)], [{
      id: "u", eMode: 0, reserves: [
        { reserve: 0, scaledATokenBalance: 1200n * 10n ** 6n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
        { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: 900n * 10n ** 6n, stableDebt: 0n },
      ],
    }]);
    const u = b.users[0]!;
    expect(accountData(b, u).healthFactor).toBe(96n * 10n ** 16n);
    const o = liquidationCall(b, u, 1, 0);
    if (typeof o === "string") throw new Error(o);
    expect(o.closeFactor).toBe(10000n);
    // 900 repaid for 945 of A (5 % bonus), 4.5 of it the protocol's (10 % of the 45 bonus).
    expect(o.debtRepaid).toBe(900n * 10n ** 6n);
    expect(o.collateralToLiquidator + o.protocolFee).toBe(945n * 10n ** 6n);
    expect(o.protocolFee).toBe(4_500_000n);
    expect(o.leavesDust).toBe(false);
    // v3.0 on the same user: HF 0.96 > 0.95, so 50 % (percentMul(900, 5000)).
    const o30 = liquidationCall({ ...b, version: "3.0" }, u, 1, 0);
    if (typeof o30 === "string") throw new Error(o30);
    expect(o30.closeFactor).toBe(5000n);
    expect(o30.debtRepaid).toBe(450n * 10n ** 6n);
  });
});

describe("aave-v3 liquidation call, hand-computed", () => {
  const weth = reserve("WETH", 18, 2000n, 8250n);
  const usdc = reserve("USDC", 6, 1n, 7800n);
  const user = (eth: bigint, usd: bigint): AaveUser => ({
    id: "u", eMode: 0, reserves: [
      { reserve: 0, scaledATokenBalance: eth, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: true, scaledVariableDebt: usd, stableDebt: 0n },
    ],
  });

  it("10 WETH at $2,000 against 17,000 USDC: HF 0.9705..., 50 %: 8,500 USDC for 4.4625 WETH, 0.02125 of it the fee, profit 0.19125 WETH = $382.5", () => {
    for (const version of ["3.0", "3.3"] as const) {
      const b = book(version, [weth, usdc], [user(10n * 10n ** 18n, 17000n * 10n ** 6n)]);
      const hf = accountData(b, b.users[0]!).healthFactor;
      expect(hf).toBe((16500n * 10n ** 8n * WAD + 17000n * 10n ** 8n / 2n) / (17000n * 10n ** 8n));
      const o = liquidationCall(b, b.users[0]!, 1, 0);
      if (typeof o === "string") throw new Error(o);
      expect(o.closeFactor).toBe(5000n);
      expect(o.debtRepaid).toBe(8500n * 10n ** 6n);
      expect(o.collateralToLiquidator + o.protocolFee).toBe(44625n * 10n ** 14n);
      expect(o.protocolFee).toBe(2125n * 10n ** 13n);
      expect(o.profit).toBe(19125n * 10n ** 13n);
      expect(o.profitBase).toBe(3825n * 10n ** 7n);
      expect(bestLiquidation(b, b.users[0]!)).toEqual(o);
    }
  });

  it("a call on an inactive or paused reserve, or (v3.3) one in its grace period, reverts in validateLiquidationCall's order; the best pair skips it", () => {
    // The 17,000 USDC user above, with a second collateral (LINK) the call can fall back on.
    const link = reserve("LINK", 18, 10n, 7000n);
    const u: AaveUser = { ...user(10n * 10n ** 18n, 17000n * 10n ** 6n), reserves: [...user(10n * 10n ** 18n, 17000n * 10n ** 6n).reserves,
      { reserve: 2, scaledATokenBalance: 10n * 10n ** 18n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n }] };
    const at = 1_760_000_000n;
    const with_ = (w: Partial<AaveReserve>, d: Partial<AaveReserve> = {}, version: "3.0" | "3.3" = "3.3") =>
      ({ ...book(version, [{ ...weth, ...w }, { ...usdc, ...d }, link], [u]), timestamp: at });
    const call = (b: AaveBook) => liquidationCall(b, b.users[0]!, 1, 0);
    expect(typeof call(with_({}))).toBe("object");
    expect(call(with_({ active: false }))).toBe("reserve-inactive");
    expect(call(with_({}, { active: false }))).toBe("reserve-inactive");
    expect(call(with_({ paused: true }))).toBe("reserve-paused");
    expect(call(with_({}, { paused: true }))).toBe("reserve-paused");
    expect(call(with_({ active: false, paused: true }))).toBe("reserve-inactive"); // the contract checks active first
    // The grace period: reverts while liquidationGracePeriodUntil >= the block time, strictly.
    expect(call(with_({ liquidationGracePeriodUntil: at }))).toBe("grace-period");
    expect(call(with_({}, { liquidationGracePeriodUntil: at + 100n }))).toBe("grace-period");
    expect(typeof call(with_({ liquidationGracePeriodUntil: at - 1n }))).toBe("object");
    // A healthy user on a paused reserve: the flags are checked before the health factor.
    const healthy = { ...with_({ paused: true }), users: [user(10n * 10n ** 18n, 1000n * 10n ** 6n)] };
    expect(call(healthy)).toBe("reserve-paused");
    // The best pair falls back on LINK when WETH is paused; none when the debt reserve is.
    const best = bestLiquidation(with_({ paused: true }), u)!;
    expect(best.collateralReserve).toBe(2);
    expect(bestLiquidation(with_({}, { paused: true }), u)).toBeNull();
    // The book's JSON keeps the flags, and refuses a grace period without a timestamp or on 3.0.
    const b = with_({ paused: true, liquidationGracePeriodUntil: at - 1n }, { active: false });
    expect(parseAaveBook(stringifyAaveBook(b))).toEqual(b);
    const json = JSON.parse(stringifyAaveBook(b));
    delete json.timestamp;
    expect(() => aaveBookFromJson(json, "b.json")).toThrow(/b.json: reserve "WETH": field "liquidationGracePeriodUntil": a grace period needs the book's "timestamp"/);
    const v30 = JSON.parse(stringifyAaveBook(b));
    v30.version = "3.0";
    expect(() => aaveBookFromJson(v30, "b.json")).toThrow(/field "liquidationGracePeriodUntil": the grace period came with v3.1/);
    json.timestamp = "1760000000"; json.reserves[0].paused = "yes";
    expect(() => aaveBookFromJson(json, "b.json")).toThrow(/reserve "WETH": field "paused": expected true or false/);
  });

  it("1 WETH against 1,990 USDC: HF 0.829, 100 %, the collateral does not cover it: all of it for percentDiv(2000, 10500) USDC; v3.3 burns the rest into the deficit", () => {
    for (const version of ["3.0", "3.3"] as const) {
      const b = book(version, [weth, usdc], [user(10n ** 18n, 1990n * 10n ** 6n)]);
      const o = liquidationCall(b, b.users[0]!, 1, 0);
      if (typeof o === "string") throw new Error(o);
      expect(o.closeFactor).toBe(10000n);
      expect(o.debtRepaid).toBe(1904761905n); // (2000e6 * 10^4 + 5250) / 10500, half-up
      expect(o.protocolFee).toBe(4761904761904762n); // percentMul(10^18 - percentDiv(10^18, 10500), 1000)
      expect(o.collateralToLiquidator).toBe(10n ** 18n - 4761904761904762n);
      expect(o.deficit).toEqual(version === "3.3" ? [{ reserve: 1, amount: 1990n * 10n ** 6n - 1904761905n }] : []);
    }
  });

  it("HF at or below 0.95 gets 100 % on both versions; a healthy user, a reserve without debt or a disabled collateral are refused", () => {
    // 10 WETH (LT 82.5 %: 16,500) against 17,400 USDC: HF 0.948...
    const b = book("3.0", [weth, usdc], [user(10n * 10n ** 18n, 17400n * 10n ** 6n)]);
    const o = liquidationCall(b, b.users[0]!, 1, 0);
    if (typeof o === "string") throw new Error(o);
    expect(o.closeFactor).toBe(10000n);
    expect(o.debtRepaid).toBe(17400n * 10n ** 6n);
    const healthy = book("3.0", [weth, usdc], [user(10n * 10n ** 18n, 16000n * 10n ** 6n)]);
    expect(liquidationCall(healthy, healthy.users[0]!, 1, 0)).toBe("healthy");
    expect(liquidationCall(b, b.users[0]!, 0, 0)).toBe("no-debt-in-reserve");
    const off: AaveUser = { ...b.users[0]!, reserves: [{ ...b.users[0]!.reserves[0]!, usageAsCollateralEnabled: false }, b.users[0]!.reserves[1]!] };
    expect(liquidatable(b, off)).toBe(true); // no collateral counted: HF 0
    expect(liquidationCall(b, off, 1, 0)).toBe("collateral-not-enabled");
  });

  it("v3.3's dust rule: leaving less than $1,000 of collateral (with debt left) reverts; the best pair takes the largest call that does not", () => {
    // $2,500 in A and in Z (LT 80 %: X = 4,000) against $4,100 of B: HF 0.9756 > 0.95 and both
    // reserves above $2,000, so 50 % of the total debt: $2,050 repaid for $2,152.5 of A, which
    // leaves $347.5 of A (and $2,050 of B): MUST_NOT_LEAVE_DUST. Z is the same. v3.0 has no such rule.
    const b = book("3.3", [reserve("A", 6, 1n, 8000n), reserve("Z", 6, 1n, 8000n), reserve("B", 6, 1n, 8000n)], [{
      id: "u", eMode: 0, reserves: [
        { reserve: 0, scaledATokenBalance: 2500n * 10n ** 6n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
        { reserve: 1, scaledATokenBalance: 2500n * 10n ** 6n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
        { reserve: 2, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: 4100n * 10n ** 6n, stableDebt: 0n },
      ],
    }]);
    const u = b.users[0]!;
    const viaA = liquidationCall(b, u, 2, 0);
    if (typeof viaA === "string") throw new Error(viaA);
    expect(viaA.closeFactor).toBe(5000n);
    expect(viaA.debtRepaid).toBe(2050n * 10n ** 6n);
    expect(viaA.leavesDust).toBe(true);
    // The largest clean call: 1.05 x (percentMul, half up) seized must leave $1,000 of A's $2,500:
    // floor((10500 x + 5000) / 10^4) <= 1.5e9 <=> x <= 1,428,571,429 (1,428.571429 B). It seizes
    // 1,500 A; the bonus 1,500 - percentDiv(1,500, 10500) = 71.428571 A, the fee 10 % of it
    // (7.142857), the profit 64.285714 A = $64.285714. Z's call is the same; the tie goes to A.
    const best = bestLiquidation(b, u)!;
    expect(best.collateralReserve).toBe(0);
    expect(best.debtRepaid).toBe(1_428_571_429n);
    expect(best.leavesDust).toBe(false);
    expect(best.collateralToLiquidator + best.protocolFee).toBe(1_500_000_000n);
    expect(best.protocolFee).toBe(7_142_857n);
    expect(best.profit).toBe(64_285_714n);
    expect(best.profitBase).toBe(6_428_571_400n);
    const more = liquidationCall(b, u, 2, 0, 1_428_571_430n);
    expect(typeof more !== "string" && more.leavesDust).toBe(true);
    expect(largestCleanCall(b, u, 2, 0, viaA.debtRepaid)).toEqual(best);
    // $1,000 of A exactly: a seizure of one unit leaves dust, so no partial call is clean; the full
    // call (100 %: A is under $2,000) seizes all of A, which the rule exempts, and is the best.
    const tiny = book("3.3", [...b.reserves], [{ ...u, reserves: [{ ...u.reserves[0]!, scaledATokenBalance: 1000_000_000n }, u.reserves[2]!] }]);
    const tinyFull = liquidationCall(tiny, tiny.users[0]!, 2, 0);
    if (typeof tinyFull === "string") throw new Error(tinyFull);
    expect(tinyFull.leavesDust).toBe(false);
    expect(tinyFull.collateralToLiquidator + tinyFull.protocolFee).toBe(1000_000_000n);
    expect(largestCleanCall(tiny, tiny.users[0]!, 2, 0, tinyFull.debtRepaid)).toBeNull();
    expect(bestLiquidation(tiny, tiny.users[0]!)).toEqual(tinyFull);
    const v30 = liquidationCall({ ...b, version: "3.0" }, u, 2, 0);
    if (typeof v30 === "string") throw new Error(v30);
    expect(v30.leavesDust).toBe(false);
    expect(bestLiquidation({ ...b, version: "3.0" }, u)).toEqual(v30);
  });

  it("the close factor's edges: HF exactly 0.95 gets 100 % (v3.0 and v3.3); v3.3's 50 % needs both the reserve's collateral and debt at or above $2,000", () => {
    const a = { ...reserve("A", 8, 1n, 9500n), ltv: 9000n }, b = reserve("B", 8, 1n, 8000n);
    const two = (coll: bigint, debt: bigint): AaveUser => ({ id: "u", eMode: 0, reserves: [
      { reserve: 0, scaledATokenBalance: coll, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: debt, stableDebt: 0n },
    ] });
    // $1 tokens of 8 decimals: one unit is one base unit. C = D = $3,000 at LT 95 %: HF = 0.95 exactly.
    for (const version of ["3.0", "3.3"] as const) {
      const bk = book(version, [a, b], [two(3000n * 10n ** 8n, 3000n * 10n ** 8n)]);
      const o = liquidationCall(bk, bk.users[0]!, 1, 0);
      if (typeof o === "string") throw new Error(o);
      expect(o.healthFactor).toBe(95n * 10n ** 16n);
      expect(o.closeFactor).toBe(10000n);
    }
    // v3.3, LT 80 %: $2,450 of A against exactly $2,000 of B (HF 0.98): 50 % of the total debt, $1,000.
    const a80 = { ...a, liquidationThreshold: 8000n, ltv: 7500n };
    const at = (debt: bigint) => {
      const bk = book("3.3", [a80, b], [two(2450n * 10n ** 8n, debt)]);
      const o = liquidationCall(bk, bk.users[0]!, 1, 0);
      if (typeof o === "string") throw new Error(o);
      return o;
    };
    expect(at(2000n * 10n ** 8n).closeFactor).toBe(5000n);
    expect(at(2000n * 10n ** 8n).debtRepaid).toBe(1000n * 10n ** 8n);
    // One base unit of debt less: below MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD, all of it.
    expect(at(2000n * 10n ** 8n - 1n).closeFactor).toBe(10000n);
    expect(at(2000n * 10n ** 8n - 1n).debtRepaid).toBe(2000n * 10n ** 8n - 1n);
    // The collateral side: exactly $2,000 of A taken, with $500 of a second collateral (LT 80 %:
    // X = 2,000) against 2,050.00000001 of B (HF 0.9756): 50 %, of a total debt of an odd number of
    // base units, so percentMul's half-up shows: 1,025.00000001. A unit of A less: all of B's debt.
    const c2 = { ...a80, id: "C" };
    const three = (coll: bigint): AaveUser => ({ id: "u", eMode: 0, reserves: [...two(coll, 2050n * 10n ** 8n + 1n).reserves,
      { reserve: 2, scaledATokenBalance: 500n * 10n ** 8n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n }] });
    const onA = (coll: bigint) => {
      const bk = book("3.3", [a80, b, c2], [three(coll)]);
      const o = liquidationCall(bk, bk.users[0]!, 1, 0);
      if (typeof o === "string") throw new Error(o);
      return o;
    };
    expect(onA(2000n * 10n ** 8n).closeFactor).toBe(5000n);
    expect(onA(2000n * 10n ** 8n).debtRepaid).toBe(1025n * 10n ** 8n + 1n);
    expect(onA(2000n * 10n ** 8n - 1n).closeFactor).toBe(10000n);
  });

  it("e-mode: the category's threshold and bonus; on v3.0 its price source prices the category's reserves and the debt", () => {
    const eth = reserve("WETH", 18, 2000n, 8250n), st = reserve("wstETH", 18, 2300n, 8100n);
    const mode = { id: 1, ltv: 9300n, liquidationThreshold: 9500n, liquidationBonus: 10100n, collateral: [0, 1] };
    const u: AaveUser = {
      id: "u", eMode: 1, reserves: [
        { reserve: 1, scaledATokenBalance: 10n ** 19n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
        { reserve: 0, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: 109n * 10n ** 17n, stableDebt: 0n },
      ],
    };
    const b = book("3.3", [eth, st], [u], [mode]);
    // C = 23,000, X = 21,850, D = 21,800: HF 1.0022...
    expect(accountData(b, u).healthFactor).toBe((21850n * 10n ** 8n * WAD + 21800n * 10n ** 8n / 2n) / (21800n * 10n ** 8n));
    const b30 = book("3.0", [eth, st], [u], [{ ...mode, price: 2000n * 10n ** 8n }]);
    // Both at the category's $2,000: C = 20,000, X = 19,000, D = 21,800: liquidatable; the bonus is 1 %.
    expect(accountData(b30, u).healthFactor).toBe((19000n * 10n ** 8n * WAD + 21800n * 10n ** 8n / 2n) / (21800n * 10n ** 8n));
    const o = liquidationCall(b30, u, 0, 1);
    if (typeof o === "string") throw new Error(o);
    // HF 0.87: 100 %, but 10.9 WETH * 1.01 is more than the 10 wstETH (both at the category's price):
    // all of it, for percentDiv(10, 10100) WETH.
    expect(o.collateralToLiquidator + o.protocolFee).toBe(10n ** 19n);
    expect(o.debtRepaid).toBe((10n ** 19n * 10000n + 5050n) / 10100n);
  });

  it("the protocol fee is capped at the scaled balance the liquidator's share leaves (rayDiv rounds both up)", () => {
    // A 0-decimal collateral at index 1.7 ray, seized whole (the debt is far larger): for some
    // balances rayDiv(toLiquidator) + rayDiv(fee) passes the scaled balance, and the treasury gets
    // rayMul(what is left, index) instead (LiquidationLogic.executeLiquidationCall).
    const idx = 17n * RAY / 10n + 3n;
    const coll: AaveReserve = { ...reserve("C", 0, 1n, 8000n), price: 10n ** 8n, liquidityIndex: idx, liquidationProtocolFee: 5000n };
    const debt = reserve("D", 6, 1n, 8000n);
    let capped = 0;
    for (let x = 1n; x <= 400n; x++) {
      const b = book("3.0", [coll, debt], [{ id: "u", eMode: 0, reserves: [
        { reserve: 0, scaledATokenBalance: x, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
        { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: 10n ** 12n, stableDebt: 0n },
      ] }]);
      const o = liquidationCall(b, b.users[0]!, 1, 0);
      if (typeof o === "string") throw new Error(o);
      const balance = supplied(coll, x);
      const bonus = balance - percentDiv(balance, coll.liquidationBonus);
      const uncapped = percentMul(bonus, 5000n);
      expect(o.collateralToLiquidator).toBe(balance - uncapped);
      const left = x - rayDiv(o.collateralToLiquidator, idx);
      if (rayDiv(uncapped, idx) > left) {
        expect(o.protocolFee).toBe(rayMul(left, idx));
        capped++;
      } else expect(o.protocolFee).toBe(uncapped);
    }
    expect(capped).toBeGreaterThan(5);
  });

  it("the liquidation price of a collateral: liquidatable one unit below, not at it; of a debt the reverse", () => {
    const b = book("3.3", [weth, usdc], [user(10n * 10n ** 18n, 16000n * 10n ** 6n)]);
    const u = b.users[0]!;
    const p = liquidationPrice(b, u, 0)!;
    const at = (q: bigint) => liquidatable(b, u, [q, usdc.price]);
    expect(at(p - 1n)).toBe(true);
    expect(at(p)).toBe(false);
    // 16,000 / (10 * 0.825) = $1,939.39...: the first price where X reaches D.
    expect(p).toBe(193939393940n);
    const q = liquidationPrice(b, u, 1)!;
    expect(liquidatable(b, u, [weth.price, q - 1n])).toBe(false);
    expect(liquidatable(b, u, [weth.price, q])).toBe(true);
  });
});

describe("aave-v3 core against the reference", () => {
  /** The core's fixed-width bounds (assembly/venues/aave-v3.ts header): where it reports an overflow. */
  function exceedsCore(b: AaveBook, u: AaveUser): boolean {
    const M128 = 1n << 128n, M64 = 1n << 64n;
    const mode = b.eModes.find((e) => e.id === u.eMode);
    let C = 0n, D = 0n, S = 0n;
    for (const e of u.reserves) {
      const r = b.reserves[e.reserve]!;
      const price = b.version === "3.0" && mode?.price !== undefined && mode.collateral.includes(e.reserve) ? mode.price : r.price;
      const unit = 10n ** BigInt(r.decimals);
      if (r.liquidationThreshold !== 0n && e.usageAsCollateralEnabled && e.scaledATokenBalance !== 0n) {
        const a = supplied(r, e.scaledATokenBalance);
        if (a >= M128) return true;
        const c = (a * price) / unit;
        if (c >= M64) return true;
        C += c;
        S += c * (mode?.collateral.includes(e.reserve) ? mode.liquidationThreshold : r.liquidationThreshold);
        if (C >= M64) return true;
      }
      if (e.scaledVariableDebt !== 0n || e.stableDebt !== 0n) {
        if (e.scaledVariableDebt !== 0n && rayMul(e.scaledVariableDebt, r.variableBorrowIndex) >= M128) return true;
        const d = borrowed(r, e.scaledVariableDebt, e.stableDebt);
        if (d >= M128) return true;
        if ((d * price) / unit >= M64) return true;
        D += (d * price) / unit;
        if (D >= M64) return true;
      }
    }
    const avg = C === 0n ? 0n : S / C;
    return C * avg + 5000n >= 10000n * M64;
  }

  async function compare(b: AaveBook, where: string) {
    const scan = (await AaveScanner.load(b)).scan();
    const seen = { ok: 0, liquidatable: 0, overflow: 0, noDebt: 0 };
    b.users.forEach((u, a) => {
      const got = scan.users[a]!;
      const at = `${where} user ${a}`;
      seen[got.status]++;
      expect(got.status === "overflow", at).toBe(exceedsCore(b, u));
      if (got.status === "overflow") return;
      const d = accountData(b, u);
      expect(got.totalCollateralBase, at).toBe(d.totalCollateralBase);
      expect(got.totalDebtBase, at).toBe(d.totalDebtBase);
      expect(got.avgLiquidationThreshold, at).toBe(d.avgLiquidationThreshold);
      expect(got.healthFactor ?? UINT256_MAX, at).toBe(d.healthFactor);
      if (got.healthFactor === null) seen.noDebt++;
      expect(got.status === "liquidatable", at).toBe(d.healthFactor < WAD);
      expect(triggerByBound(d), at).toBe(d.healthFactor < WAD);
    });
    return seen;
  }

  it("random books of both versions: the same health factor, totals, threshold and status for every user", async () => {
    const total = { ok: 0, liquidatable: 0, overflow: 0, noDebt: 0 };
    for (let i = 0; i < 6; i++) {
      const seed = baseSeed + i;
      const b = randomAaveBook(seed, { users: 400, version: i % 2 === 0 ? "3.3" : "3.0", extreme: i >= 4 });
      const s = await compare(b, `seed ${seed} (${b.version}${i >= 4 ? ", extreme" : ""})`);
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += s[k];
    }
    // The books must exercise every outcome, or the comparison proves little.
    expect(total.liquidatable).toBeGreaterThan(50);
    expect(total.ok).toBeGreaterThan(50);
    expect(total.overflow).toBeGreaterThan(0);
    expect(total.noDebt).toBeGreaterThan(0);
  });

  it("users on the trigger line (X = D - floor(D / 2e18), and one unit either side) and debts beyond 2 * 10^18 base units", async () => {
    // One collateral at LT 10000 is X = C: D chosen around it, with a single 8-decimal $1 token (1 unit = 1 base unit).
    const r = { ...reserve("A", 0, 1n, 10000n), price: 1n, ltv: 9000n, liquidationBonus: 10100n };
    const users: AaveUser[] = [];
    for (const D of [1n, 7n, 10n ** 12n, 2n * WAD - 1n, 2n * WAD, 2n * WAD + 1n, 5n * WAD + 3n, (1n << 64n) - 1n]) {
      const k = D / (2n * WAD);
      for (const dx of [-2n, -1n, 0n, 1n, 2n]) {
        const X = D - k + dx;
        if (X < 0n || X >= 1n << 64n) continue;
        users.push({ id: `D${D}dx${dx}`, eMode: 0, reserves: [
          { reserve: 0, scaledATokenBalance: X, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
          { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: D, stableDebt: 0n },
        ] });
      }
    }
    const b = book("3.3", [r, { ...r, id: "B" }], users);
    const seen = await compare(b, "trigger line");
    expect(seen.liquidatable).toBeGreaterThan(10);
    expect(seen.ok).toBeGreaterThan(10);
    // On the line itself HF is exactly... not below 1 (the bound is tight: one unit less of X flags it).
    for (const u of users.filter((x) => x.id.endsWith("dx0"))) expect(liquidatable(b, u), u.id).toBe(false);
    for (const u of users.filter((x) => x.id.endsWith("dx-1"))) expect(liquidatable(b, u), u.id).toBe(true);
  });

  it("rayMul rounds half up in the core as in WadRayMath: index 1.5 ray on odd balances, and one unit below it", async () => {
    // A 0-decimal token at one base unit: the base value is the balance itself.
    const mk = (index: bigint): AaveReserve => ({ ...reserve("H", 0, 1n, 8000n), price: 1n, liquidityIndex: index, variableBorrowIndex: index });
    const users: AaveUser[] = [1n, 3n, 5n, 7n, 1001n, (1n << 60n) + 1n].map((x, i) => ({ id: `u${i}`, eMode: 0, reserves: [
      { reserve: 0, scaledATokenBalance: x, usageAsCollateralEnabled: true, scaledVariableDebt: x, stableDebt: 0n },
    ] }));
    for (const [index, up] of [[RAY + RAY / 2n, true], [RAY + RAY / 2n - 1n, false]] as const) {
      const b = book("3.3", [mk(index)], users);
      const scan = (await AaveScanner.load(b)).scan();
      users.forEach((u, a) => {
        const x = u.reserves[0]!.scaledATokenBalance;
        const want = (x * 3n) / 2n + (up ? 1n : 0n); // x odd: 1.5 x = n + 1/2 exactly, or just below it
        expect(accountData(b, u).totalCollateralBase).toBe(want);
        expect(scan.users[a]!.totalCollateralBase, `index ${index} user ${a}`).toBe(want);
        expect(scan.users[a]!.totalDebtBase).toBe(want);
      });
    }
  });

  it("the core's four-word division where a middle word is zero and the remainder is not (index 2^91, balances of 2^64)", async () => {
    // a = 2^64, b = 2^91: (a b + RAY/2) >> 27 = 2^128 + floor(RAY / 2^28), whose word 1 is 0; so is
    // the rest of the division's, and the quotient still fits 128 bits. 38 decimals: the base value's
    // division runs in two pieces (5^27, then 5^11).
    const users: AaveUser[] = [1n, 3n, 5n, 255n].map((m, i) => ({ id: `u${i}`, eMode: 0, reserves: [
      { reserve: i % 2, scaledATokenBalance: m << 64n, usageAsCollateralEnabled: true, scaledVariableDebt: (m << 64n) + 1n, stableDebt: 0n },
    ] }));
    for (const index of [1n << 91n, 3n << 91n]) {
      const r = (id: string, decimals: number, price: bigint): AaveReserve => ({ ...reserve(id, decimals, 1n, 8000n), price, liquidityIndex: index, variableBorrowIndex: index });
      const b = book("3.3", [r("A", 18, 10n ** 8n), r("B", 38, (1n << 63n) + 12345n)], users);
      const scan = (await AaveScanner.load(b)).scan();
      users.forEach((u, a) => {
        const d = accountData(b, u);
        expect(scan.users[a]!.status, `index ${index} user ${a}`).not.toBe("overflow");
        expect(scan.users[a]!.totalCollateralBase, `index ${index} user ${a}`).toBe(d.totalCollateralBase);
        expect(scan.users[a]!.totalDebtBase).toBe(d.totalDebtBase);
      });
    }
    // A product whose top word is set and next word zero (2^100 * 2^119 >> 27 = 2^192 + ...): far
    // beyond 128 bits after the division, an overflow, whichever word is zero.
    const big = { ...reserve("C", 18, 1n, 8000n), liquidityIndex: 1n << 119n, variableBorrowIndex: 1n << 119n };
    const wide = book("3.3", [big], [{ id: "w", eMode: 0, reserves: [{ reserve: 0, scaledATokenBalance: 1n << 100n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n }] }]);
    expect((await AaveScanner.load(wide)).scan().users[0]!.status).toBe("overflow");
  });

  it("liquidation prices: the core's search gives the reference's price for every (user, reserve) of random and extreme books", async () => {
    let core = 0, reference = 0, found = 0, none = 0;
    for (let i = 0; i < 4; i++) {
      const seed = baseSeed + 40 + i;
      const b = randomAaveBook(seed, { users: 150, version: i % 2 === 0 ? "3.3" : "3.0", extreme: i >= 2 });
      const s = await AaveScanner.load(b);
      b.users.forEach((u, a) => {
        const got = s.liquidationPrices(a);
        for (const e of u.reserves) {
          const want = liquidationPrice(b, u, e.reserve);
          expect(got[b.reserves[e.reserve]!.id], `seed ${seed} user ${a} reserve ${e.reserve}`).toBe(want);
          if (want === null) none++;
          else found++;
        }
      });
      core += s.priceSearches.core;
      reference += s.priceSearches.reference;
    }
    // The core must have searched most pairs itself, and the books must have prices and nulls.
    expect(core).toBeGreaterThan(5 * reference);
    expect(found).toBeGreaterThan(200);
    expect(none).toBeGreaterThan(10);
  });

  it("liquidation prices where the probes' totals pass 64 bits (C's quotient in two words), and past the core's words (the reference's)", async () => {
    // 100 WETH against 150k USDC: the first probes (mid ~ 2^63) value the WETH at ~2^69.6 base
    // units, so avgLT is the two-word quotient; a third, low-threshold collateral keeps S / C
    // off a whole number. The last user's balance is 2^120: its probes pass 2^128.
    const link = reserve("LINK", 18, 15n, 7000n);
    const users: AaveUser[] = [1n, 7n, 100n, 12345n].map((k, i) => ({ id: `u${i}`, eMode: 0, reserves: [
      { reserve: 0, scaledATokenBalance: k * 10n ** 18n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: k * 1500n * 10n ** 6n, stableDebt: 0n },
      { reserve: 2, scaledATokenBalance: 3n * 10n ** 17n + k, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
    ] }));
    users.push({ id: "huge", eMode: 0, reserves: [
      { reserve: 0, scaledATokenBalance: 1n << 120n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: 1n << 100n, stableDebt: 0n },
    ] });
    const b = book("3.3", [weth, usdc, link], users);
    const s = await AaveScanner.load(b);
    b.users.forEach((u, a) => {
      const got = s.liquidationPrices(a);
      for (const e of u.reserves) expect(got[b.reserves[e.reserve]!.id], `user ${a} reserve ${e.reserve}`).toBe(liquidationPrice(b, u, e.reserve));
    });
    expect(s.priceSearches.reference).toBeGreaterThan(0);
    expect(s.priceSearches.core).toBeGreaterThanOrEqual(12);
  });

  const weth = reserve("WETH", 18, 2000n, 8250n), usdc = reserve("USDC", 6, 1n, 7800n);
  it("liquidation prices at a probe where the two-word quotient's estimate is one too high, where a value passes 2^128 by less than 2^64, and under a v3.0 e-mode price source", async () => {
    // 0-decimal tokens, so a value is balance * price. The search's first midpoint is 2^63: there
    // the searched reserve's 2 tokens are worth c1 = 2^64 and the other collateral c2 = 2^64 + 1
    // (274177 * 67280421310721), at thresholds q + 1 and q - 1: S = q C - 1 with C = 2^65 + 1, so
    // avgLT = q - 1, while the top 64 bits of S and C give q. The debt D sits between the two X.
    const q = 5000n;
    const r0 = { ...reserve("A", 0, 1n, q + 1n), price: 5n }, r1 = { ...reserve("B", 0, 1n, q - 1n), price: 67280421310721n }, r2 = { ...reserve("D", 0, 1n, 8000n), price: 1n };
    const C = (1n << 65n) + 1n;
    const X = (avg: bigint) => (C * avg + 5000n) / 10000n;
    let D = X(q - 1n) + 1n;
    while (!(X(q - 1n) < D - D / (2n * WAD) && D - D / (2n * WAD) <= X(q))) D++;
    const estimate: AaveUser = { id: "estimate", eMode: 0, reserves: [
      { reserve: 0, scaledATokenBalance: 2n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 1, scaledATokenBalance: 274177n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 2, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: D, stableDebt: 0n },
    ] };
    // 2^64 + 2 tokens at the search's top, 2^64 - 1: a value of 2^128 + 2^64 - 2, whose middle word
    // is zero (the core must not read it as 2^64 - 2).
    const wrap: AaveUser = { id: "wrap", eMode: 0, reserves: [
      { reserve: 0, scaledATokenBalance: (1n << 64n) + 2n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 2, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: 1n << 100n, stableDebt: 0n },
    ] };
    const b = book("3.3", [r0, r1, r2], [estimate, wrap]);
    expect(liquidatable(b, estimate, [1n << 63n, r1.price, r2.price])).toBe(true); // the truth at the first probe
    expect(accountData(b, estimate, [1n << 63n, r1.price, r2.price]).avgLiquidationThreshold).toBe(q - 1n);
    const s = await AaveScanner.load(b);
    expect(s.liquidationPrices(0)).toEqual({ A: liquidationPrice(b, estimate, 0), B: liquidationPrice(b, estimate, 1), D: liquidationPrice(b, estimate, 2) });
    expect(s.liquidationPrices(1)).toEqual({ A: liquidationPrice(b, wrap, 0), D: liquidationPrice(b, wrap, 2) });
    // v3.0 with the category's price source: the oracle's price of a category reserve is not read.
    const modeBook: AaveBook = { ...book("3.0", [weth, usdc], [{ id: "e", eMode: 1, reserves: [
      { reserve: 0, scaledATokenBalance: 10n ** 19n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: 15_000n * 10n ** 6n, stableDebt: 0n },
    ] }], [{ id: 1, ltv: 9000n, liquidationThreshold: 9300n, liquidationBonus: 10100n, price: 2000n * 10n ** 8n, collateral: [0] }]) };
    const ms = await AaveScanner.load(modeBook);
    expect(liquidationPrice(modeBook, modeBook.users[0]!, 0)).toBe(null);
    expect(ms.liquidationPrices(0)).toEqual({ WETH: null, USDC: liquidationPrice(modeBook, modeBook.users[0]!, 1) });
    expect(ms.liquidationPrices(0).USDC).not.toBe(null);
  });

  it("the scan at other prices (a shock) is the reference at those prices", async () => {
    const b = randomAaveBook(baseSeed + 99, { users: 300 });
    const s = await AaveScanner.load(b);
    for (const ppm of [500_000n, 900_000n, 1_200_000n]) {
      const prices = b.reserves.map((r, k) => (k % 3 === 0 ? (r.price * ppm) / 1_000_000n || 1n : r.price));
      const got = s.scan(prices);
      b.users.forEach((u, a) => {
        if (got.users[a]!.status === "overflow") return;
        expect(got.users[a]!.healthFactor ?? UINT256_MAX, `shock ${ppm} user ${a}`).toBe(accountData(b, u, prices).healthFactor);
      });
    }
    // And back at the book's prices.
    expect(s.scan().liquidatable).toBe(b.users.filter((u) => !exceedsCore(b, u) && liquidatable(b, u)).length);
  });
});

describe("aave-v3 lending book JSON", () => {
  it("round-trips and names the record and field of a bad value", () => {
    const b = randomAaveBook(7, { users: 20, version: "3.0" });
    expect(parseAaveBook(stringifyAaveBook(b))).toEqual(b);
    const raw = JSON.parse(stringifyAaveBook(b));
    const bad = (edit: (x: any) => void, message: RegExp) => {
      const x = structuredClone(raw);
      edit(x);
      expect(() => aaveBookFromJson(x, "B.json")).toThrow(message);
    };
    bad((x) => { x.reserves[0].liquidityIndex = "-1"; }, /B\.json: reserve "WETH": field "liquidityIndex": expected a whole number/);
    bad((x) => { x.reserves[1].price = (1n << 64n).toString(); }, /reserve "wstETH": field "price": .* exceeds/);
    bad((x) => { x.reserves[1].ltv = "9000"; }, /reserve "wstETH": field "ltv": 9000 above the liquidation threshold/);
    bad((x) => { x.users[3].reserves[0].reserve = "NOPE"; }, /user "user-3" reserve 0: field "reserve": "NOPE" is not a reserve/);
    bad((x) => { x.users[3].eMode = 7; }, /user "user-3": field "eMode": 7 is not a category/);
    bad((x) => { x.users[3].reserves[0].collateral = "yes"; }, /field "collateral": expected true or false/);
    bad((x) => { x.version = "3.7"; }, /field "version": expected "3.0" or "3.3"/);
    bad((x) => { x.version = "3.3"; x.eModes[0].price = "1"; }, /eMode 1: field "price": e-mode price sources were removed/);
    bad((x) => { x.users[2].reserves.push(x.users[2].reserves[0]); }, /appears twice for this user/);
    bad((x) => { x.reserves[0].decimals = 39; }, /reserve "WETH": field "decimals": 39 exceeds 38/);
  });
});
