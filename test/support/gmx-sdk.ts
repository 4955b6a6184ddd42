// SDK-shaped inputs for the gmx-v2 tests: MarketInfo / PositionInfo as @gmx-io/sdk 1.4.0 returns
// them (bigints at 10^30 for USD and factors, token amounts in token units), and their JSON text
// as a bigint replacer writes it.
export const E30 = 10n ** 30n;
export const pct = (x: number) => (BigInt(Math.round(x * 1e6)) * E30) / 100_000_000n; // x % as a factor

export interface SdkToken { address: string; symbol: string; decimals: number; prices: { minPrice: bigint; maxPrice: bigint } }

export const token = (address: string, symbol: string, decimals: number, min: bigint, max = min): SdkToken =>
  ({ address, symbol, decimals, prices: { minPrice: min, maxPrice: max } });

export function marketInfo(over: Record<string, unknown> = {}): Record<string, unknown> {
  const eth = token("0xeth", "ETH", 18, 2000n * E30), usdc = token("0xusdc", "USDC", 6, E30);
  return {
    marketTokenAddress: "0xmarket", name: "ETH/USD [ETH-USDC]", isSpotOnly: false,
    indexToken: eth, longToken: eth, shortToken: usdc,
    minCollateralFactor: pct(1), minCollateralFactorForLiquidation: pct(0.5),
    maxPositionImpactFactorForLiquidations: pct(1),
    positionFeeFactorForBalanceWasImproved: pct(0.04), positionFeeFactorForBalanceWasNotImproved: pct(0.06),
    positionImpactFactorPositive: 0n, positionImpactFactorNegative: 0n, positionImpactExponentFactorPositive: 2n * E30, positionImpactExponentFactorNegative: 2n * E30,
    maxPositionImpactFactorPositive: 0n, maxPositionImpactFactorNegative: 0n, useOpenInterestInTokensForBalance: false, virtualInventoryForPositions: 0n,
    maxPnlFactorForTradersLong: pct(90), maxPnlFactorForTradersShort: pct(90),
    longInterestUsd: 0n, shortInterestUsd: 0n, longInterestInTokens: 0n, shortInterestInTokens: 0n,
    longPoolAmount: 1000n * 10n ** 18n, shortPoolAmount: 2_000_000n * 10n ** 6n,
    ...over,
  };
}

export function position(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key: "k", account: "0xalice", marketAddress: "0xmarket", collateralTokenAddress: "0xusdc", isLong: true,
    sizeInUsd: 10_000n * E30, sizeInTokens: 5n * 10n ** 18n, collateralAmount: 500n * 10n ** 6n,
    pendingBorrowingFeesUsd: 0n, fundingFeeAmount: 0n, positionFeeAmount: 6n * 10n ** 6n, traderDiscountAmount: 0n, uiFeeAmount: 0n,
    pendingImpactAmount: 0n,
    ...over,
  };
}

export const config = (over: Record<string, unknown> = {}) => ({ minCollateralUsd: E30, liquidationFeeReceiverFactor: pct(37), liquidationFeeFactors: { "0xmarket": pct(0.2) }, ...over });

export const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));
