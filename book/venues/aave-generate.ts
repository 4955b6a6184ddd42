/**
 * Seeded random Aave v3 lending books (book/venues/aave-book.ts) for the tests and the benchmark:
 * a pool of reserves shaped like Ethereum's (WETH, wstETH, WBTC, USDC, USDT, DAI, LINK, GHO...) with
 * their decimals, thresholds and bonuses, indexes a little above one ray, an e-mode category (ETH
 * correlated), and users who supply one to four reserves and borrow one to three, levered so that
 * health factors spread around 1. `extreme` adds the edges: balances near 2^128, prices near 2^64,
 * 36-decimal tokens, zero thresholds, users without debt or without collateral.
 */
import { Random } from "../random.js";
import type { AaveBook, AaveEMode, AaveReserve, AaveUser, AaveUserReserve, AaveVersion } from "./aave-book.js";

const RAY = 10n ** 27n;
const U128_MAX = (1n << 128n) - 1n;
/** A scaled balance within the book's limit (a 36-decimal token can pass it). */
const clamp = (x: bigint) => (x > U128_MAX ? U128_MAX : x);

/** [symbol, decimals, price in USD, ltv, liquidation threshold, bonus, protocol fee] */
const TEMPLATES: readonly [string, number, number, number, number, number, number][] = [
  ["WETH", 18, 3000, 8050, 8300, 10500, 1000],
  ["wstETH", 18, 3500, 7850, 8100, 10600, 1000],
  ["WBTC", 8, 95000, 7300, 7800, 10500, 1000],
  ["USDC", 6, 1, 7500, 7800, 10450, 1000],
  ["USDT", 6, 1, 7500, 7800, 10450, 1000],
  ["DAI", 18, 1, 6300, 7700, 10500, 1000],
  ["LINK", 18, 20, 6600, 7100, 10700, 1000],
  ["GHO", 18, 1, 0, 0, 0, 0],
  ["AAVE", 18, 300, 6600, 7300, 10750, 1000],
  ["rETH", 18, 3300, 7450, 7700, 10750, 1000],
];

export interface AaveBookOptions {
  readonly users: number;
  readonly version?: AaveVersion;
  readonly extreme?: boolean;
}

function big(rng: Random, bits: number): bigint {
  let x = 0n;
  for (let b = 0; b < bits; b += 32) x = (x << 32n) | BigInt(rng.u32());
  return x & ((1n << BigInt(bits)) - 1n);
}

export function randomAaveBook(seed: number, options: AaveBookOptions): AaveBook {
  const rng = new Random(seed);
  const version = options.version ?? "3.3";
  const extreme = options.extreme ?? false;
  const reserves: AaveReserve[] = TEMPLATES.map(([id, decimals, usd, ltv, lt, lb, fee], k) => {
    const wiggle = 1 + (rng.float() - 0.5) * 0.1;
    let price = BigInt(Math.max(1, Math.round(usd * wiggle * 1e8)));
    let dec = decimals;
    if (extreme && k === 6) { price = (1n << 64n) - 1n - BigInt(rng.int(1000)); }
    if (extreme && k === 8) dec = 36;
    return {
      id, decimals: dec, price, ltv: BigInt(ltv), liquidationThreshold: BigInt(lt), liquidationBonus: BigInt(lb),
      liquidationProtocolFee: BigInt(fee), reserveFactor: 1000n,
      liquidityIndex: RAY + big(rng, 80) % (RAY / 5n),
      variableBorrowIndex: RAY + big(rng, 80) % (RAY / 3n),
    };
  });
  const eModes: AaveEMode[] = [{
    id: 1, ltv: 9300n, liquidationThreshold: 9500n, liquidationBonus: 10100n, collateral: [0, 1, 9],
    ...(version === "3.0" && rng.int(2) === 0 ? { price: reserves[0]!.price } : {}),
  }];
  const users: AaveUser[] = [];
  for (let a = 0; a < options.users; a++) {
    const eMode = rng.int(5) === 0 ? 1 : 0;
    const held = new Map<number, AaveUserReserve>();
    const pick = () => (eMode === 1 && rng.int(3) !== 0 ? [0, 1, 9][rng.int(3)]! : rng.int(reserves.length));
    // Collateral worth a random USD amount, spread over 1-4 reserves.
    const usd = Math.exp(rng.float() * 16) * 10; // $10 .. ~$90M
    let collateralUsd = 0;
    const supplies = 1 + rng.int(4);
    for (let j = 0; j < supplies; j++) {
      const k = pick();
      const r = reserves[k]!;
      const share = usd / supplies;
      const amount = BigInt(Math.floor((share / (Number(r.price) / 1e8)) * 1e6)) * 10n ** BigInt(Math.max(0, r.decimals - 6)) / (r.decimals < 6 ? 10n ** BigInt(6 - r.decimals) : 1n);
      const scaled = (amount * RAY) / r.liquidityIndex;
      const prev = held.get(k);
      held.set(k, { reserve: k, scaledATokenBalance: clamp((prev?.scaledATokenBalance ?? 0n) + scaled), usageAsCollateralEnabled: rng.int(10) !== 0, scaledVariableDebt: 0n, stableDebt: 0n });
      if (r.liquidationThreshold > 0n) collateralUsd += share * Number(eMode === 1 && [0, 1, 9].includes(k) ? 9500 : r.liquidationThreshold) / 1e4;
    }
    // Debt: around the thresholded collateral, so that HFs spread around 1.
    const debtUsd = collateralUsd * (0.6 + rng.float() * 0.55);
    const borrows = rng.int(8) === 0 ? 0 : 1 + rng.int(3);
    for (let j = 0; j < borrows; j++) {
      const k = eMode === 1 ? [0, 1, 9, 3][rng.int(4)]! : rng.int(reserves.length);
      const r = reserves[k]!;
      const amount = BigInt(Math.floor((debtUsd / borrows / (Number(r.price) / 1e8)) * 1e6)) * 10n ** BigInt(Math.max(0, r.decimals - 6)) / (r.decimals < 6 ? 10n ** BigInt(6 - r.decimals) : 1n);
      const scaled = (amount * RAY) / r.variableBorrowIndex;
      const prev = held.get(k) ?? { reserve: k, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: 0n, stableDebt: 0n };
      const stable = version === "3.0" && rng.int(10) === 0 ? amount / 3n : 0n;
      held.set(k, { ...prev, scaledVariableDebt: clamp(prev.scaledVariableDebt + scaled), stableDebt: clamp(prev.stableDebt + stable) });
    }
    if (extreme && rng.int(20) === 0) {
      const k = rng.int(reserves.length);
      const prev = held.get(k) ?? { reserve: k, scaledATokenBalance: 0n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n };
      held.set(k, { ...prev, [rng.int(2) === 0 ? "scaledATokenBalance" : "scaledVariableDebt"]: (1n << 128n) - 1n - big(rng, 40) });
    }
    users.push({ id: `user-${a}`, eMode, reserves: [...held.values()] });
  }
  return { venue: "aave-v3", version, reserves, eModes, users };
}

/** A reserve's stand-in address in the humanized responses: 0x00..0(k+1). */
export const reserveAddress = (k: number): string => `0x${(k + 1).toString(16).padStart(40, "0")}`;

/**
 * A lending book as @aave/contract-helpers' UiPoolDataProvider returns it (getReservesHumanized
 * with getEModesHumanized beside it as `eModes`, getUserReservesHumanized per user with `user`):
 * what `liqscan import aave` reads and what @aave/math-utils' formatReserves / formatUserSummary
 * take. Rates are 0 and every reserve updated at `at`, so the indexes are the book's; the fields
 * the importer ignores are the SDK's defaults. A 3.0 book's reserves carry their e-mode category
 * (one per reserve) instead of `eModes`.
 */
export function toHumanized(book: AaveBook, at: number): { reserves: Record<string, unknown>; users: Record<string, unknown>[] } {
  const modeOf = (k: number) => book.eModes.find((e) => e.collateral.includes(k));
  const reservesData = book.reserves.map((r, k) => ({
    originalId: k, id: `1-${reserveAddress(k)}-0xpool`, underlyingAsset: reserveAddress(k), name: r.id, symbol: r.id, decimals: r.decimals,
    baseLTVasCollateral: r.ltv.toString(), reserveLiquidationThreshold: r.liquidationThreshold.toString(),
    reserveLiquidationBonus: r.liquidationBonus.toString(), reserveFactor: r.reserveFactor.toString(), liquidationProtocolFee: r.liquidationProtocolFee.toString(),
    usageAsCollateralEnabled: r.liquidationThreshold !== 0n, borrowingEnabled: true, isActive: true, isFrozen: false, isPaused: false, isSiloedBorrowing: false,
    liquidityIndex: r.liquidityIndex.toString(), variableBorrowIndex: r.variableBorrowIndex.toString(), liquidityRate: "0", variableBorrowRate: "0",
    lastUpdateTimestamp: at, aTokenAddress: "0x0", variableDebtTokenAddress: "0x0", interestRateStrategyAddress: "0x0",
    availableLiquidity: "0", totalScaledVariableDebt: "0", priceInMarketReferenceCurrency: r.price.toString(), priceOracle: "0x0",
    variableRateSlope1: "0", variableRateSlope2: "0", baseVariableBorrowRate: "0", optimalUsageRatio: "0",
    debtCeiling: "0", borrowCap: "0", supplyCap: "0", accruedToTreasury: "0", deficit: "0", isolationModeTotalDebt: "0", debtCeilingDecimals: 2,
    borrowableInIsolation: false, flashLoanEnabled: true, virtualUnderlyingBalance: "0",
    ...(book.version === "3.0" ? {
      eModeCategoryId: modeOf(k)?.id ?? 0, eModeLtv: Number(modeOf(k)?.ltv ?? 0n), eModeLiquidationThreshold: Number(modeOf(k)?.liquidationThreshold ?? 0n),
      eModeLiquidationBonus: Number(modeOf(k)?.liquidationBonus ?? 0n), eModePriceSource: "0x" + "0".repeat(40), eModeLabel: modeOf(k) ? `e-mode ${modeOf(k)!.id}` : "",
      stableBorrowRate: "0", stableDebtLastUpdateTimestamp: at, totalPrincipalStableDebt: "0", averageStableRate: "0", stableBorrowRateEnabled: false,
    } : {}),
  }));
  const eModes = book.eModes.map((e) => ({
    id: e.id,
    eMode: {
      ltv: e.ltv.toString(), liquidationThreshold: e.liquidationThreshold.toString(), liquidationBonus: e.liquidationBonus.toString(),
      collateralBitmap: e.collateral.reduce((m, k) => m | (1n << BigInt(k)), 0n).toString(2).padStart(256, "0"), label: `e-mode ${e.id}`, isolated: false,
      borrowableBitmap: ((1n << BigInt(book.reserves.length)) - 1n).toString(2).padStart(256, "0"), ltvzeroBitmap: "0".padStart(256, "0"),
    },
  }));
  const reserves = {
    reservesData,
    baseCurrencyData: { marketReferenceCurrencyDecimals: 8, marketReferenceCurrencyPriceInUsd: "100000000", networkBaseTokenPriceInUsd: "300000000000", networkBaseTokenPriceDecimals: 8 },
    ...(book.version === "3.0" ? {} : { eModes }),
  };
  const users = book.users.map((u) => ({
    user: u.id,
    userEmodeCategoryId: u.eMode,
    userReserves: u.reserves.map((e) => ({
      id: `1-${u.id}-${reserveAddress(e.reserve)}`, underlyingAsset: reserveAddress(e.reserve), scaledATokenBalance: e.scaledATokenBalance.toString(),
      usageAsCollateralEnabledOnUser: e.usageAsCollateralEnabled, scaledVariableDebt: e.scaledVariableDebt.toString(),
      ...(book.version === "3.0" ? { principalStableDebt: e.stableDebt.toString(), stableBorrowRate: "0", stableBorrowLastUpdateTimestamp: at } : {}),
    })),
  }));
  return { reserves, users };
}
