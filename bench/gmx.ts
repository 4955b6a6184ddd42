/**
 * The gmx-v2 benchmark (docs/venues/gmx-v2.md): the benchmark book under GMX's rules, one isolated
 * account per position, and the peer row: @gmx-io/sdk 1.4.0's getLiquidationPrice for every
 * position of the same book, each compared with its market's price (what a UI or a keeper built
 * on the SDK does to find the liquidatable positions; the SDK has no trigger of its own).
 */
import { createRequire } from "node:module";
import type { BookColumns, Market } from "../book/types.js";

const E24 = 10n ** 24n;
const E30 = 10n ** 30n;

/**
 * Each position of the benchmark book as a GMX position: its account's collateral shared out in
 * USDC (6 decimals at $1) over the account's positions, sizeInUsd = |size| * entry in quote units,
 * the market's first tier rate as minCollateralFactorForLiquidation, 0.2 % fee, 37 % to the
 * receiver, $1 MIN_COLLATERAL_USD, pools that do not cap.
 */
export function gmxBenchBook(columns: BookColumns): BookColumns {
  const n = columns.positionSize.length;
  const markets = columns.markets.map((m): Market => {
    const side = { maxPnlFactorForTraders: E30, openInterestUsd: 0n, openInterestInTokens: 0n, poolUsd: 0n };
    const f = m.tiers[0]!.mmrPpm * E24;
    return {
      id: m.id, sizeDecimals: m.sizeDecimals, priceDecimals: m.priceDecimals, markPrice: m.markPrice, liquidationFeePpm: 2_000n, tiers: [{ maxNotional: null, mmrPpm: m.tiers[0]!.mmrPpm }],
      gmx: { indexPriceSpread: 0n, minCollateralFactorForLiquidation: f, liquidationFeeFactor: 2_000n * E24, liquidationFeeReceiverFactor: 370_000n * E24, maxPositionImpactFactorForLiquidations: 10_000n * E24, minCollateralUsd: 1_000_000n * E24, long: side, short: side },
    };
  });
  const positionStart = new Uint32Array(n + 1);
  for (let p = 0; p <= n; p++) positionStart[p] = p;
  const collateral = new BigInt64Array(n);
  const positionEntry = new BigInt64Array(n);
  const balanceStart = new Uint32Array(n + 1);
  const balanceAsset = new Uint32Array(n);
  const balanceAmount = new BigInt64Array(n);
  const accountIds: string[] = new Array(n);
  for (let a = 0; a + 1 < columns.positionStart.length; a++) {
    const first = columns.positionStart[a]!, end = columns.positionStart[a + 1]!;
    const share = end > first ? columns.collateral[a]! / BigInt(end - first) : 0n;
    for (let p = first; p < end; p++) {
      const m = markets[columns.positionMarket[p]!]!;
      const size = columns.positionSize[p]! < 0n ? -columns.positionSize[p]! : columns.positionSize[p]!;
      const e = m.sizeDecimals + m.priceDecimals - 6;
      const usd = e >= 0 ? (size * columns.positionEntry[p]!) / 10n ** BigInt(e) : size * columns.positionEntry[p]! * 10n ** BigInt(-e);
      positionEntry[p] = usd > 0n ? usd : 1n;
      balanceStart[p + 1] = p + 1;
      balanceAmount[p] = share;
      accountIds[p] = `${columns.accountIds[a]}/${p - first}`;
    }
  }
  return {
    venue: "gmx-v2", liquidatorSharePpm: 0n, markets, accountIds, collateral, positionStart, positionMarket: columns.positionMarket, positionSize: columns.positionSize, positionEntry,
    assets: [{ id: "USDC", decimals: 6, priceDecimals: 6, price: 1_000_000n, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n }],
    balanceStart, balanceAsset, balanceAmount,
  };
}

type GetLiquidationPrice = (p: Record<string, unknown>) => bigint | undefined;

/**
 * The SDK's decisions on the same book: for every position, getLiquidationPrice with its
 * MarketInfo (built once per market, untimed), liquidatable when the mark is at or beyond it.
 */
export function sdkScan(book: BookColumns): { run(): void; decisions(): Uint8Array; positions: number } {
  const { getLiquidationPrice } = createRequire(import.meta.url)("@gmx-io/sdk/utils/positions") as { getLiquidationPrice: GetLiquidationPrice };
  const usdc = { address: "usdc", symbol: "USDC", decimals: 6, prices: { minPrice: E30, maxPrice: E30 } };
  // Index tokens at the market's decimals; SDK prices are USD at 10^30 per whole token.
  const infos = book.markets.map((m) => {
    const price = m.markPrice * 10n ** BigInt(30 - m.priceDecimals);
    const index = { address: m.id, symbol: m.id, decimals: m.sizeDecimals, prices: { minPrice: price, maxPrice: price } };
    return {
      indexToken: index, longToken: index, shortToken: usdc, positionFeeFactorForBalanceWasImproved: 0n, positionFeeFactorForBalanceWasNotImproved: 0n,
      maxPositionImpactFactorForLiquidations: m.gmx!.maxPositionImpactFactorForLiquidations, minCollateralFactorForLiquidation: m.gmx!.minCollateralFactorForLiquidation,
      positionImpactFactorPositive: 0n, positionImpactFactorNegative: 0n, positionImpactExponentFactorPositive: 2n * E30, positionImpactExponentFactorNegative: 2n * E30,
      maxPositionImpactFactorPositive: 0n, maxPositionImpactFactorNegative: 0n, longInterestUsd: 0n, shortInterestUsd: 0n, longInterestInTokens: 0n, shortInterestInTokens: 0n,
      useOpenInterestInTokensForBalance: false, virtualInventoryForPositions: 0n,
    };
  });
  const n = book.positionSize.length;
  // The positions in the SDK's units (untimed): bigints at 10^30, token amounts in token units.
  const inputs = Array.from({ length: n }, (_, p) => {
    const s = book.positionSize[p]!;
    const amount = book.balanceAmount![p]!;
    return {
      sizeInUsd: book.positionEntry[p]! * E24, sizeInTokens: s < 0n ? -s : s, collateralAmount: amount, collateralUsd: amount * E24, collateralToken: usdc,
      marketInfo: infos[book.positionMarket[p]!]!, pendingFundingFeesUsd: 0n, pendingBorrowingFeesUsd: 0n, pendingImpactAmount: 0n, minCollateralUsd: E30, isLong: s > 0n, userReferralInfo: undefined,
    };
  });
  const marks = infos.map((i) => i.indexToken.prices.minPrice);
  const out = new Uint8Array(n);
  return {
    run() {
      for (let p = 0; p < n; p++) {
        const x = inputs[p]!;
        const lp = getLiquidationPrice(x);
        const mark = marks[book.positionMarket[p]!]!;
        out[p] = lp === undefined ? 0 : x.isLong ? Number(mark <= lp) : Number(mark >= lp);
      }
    },
    decisions: () => out.slice(),
    positions: n,
  };
}
