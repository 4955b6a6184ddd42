// Random gmx-v2 books for the tests: one isolated position per account, its collateral token a
// balance, its impact the quote collateral; realistic values mixed with the edges (sizes and
// amounts near 2^63, pools that cap the pnl or pass the core's 2^125 bound, zero prices).
import type { Asset, Book, Market } from "../../book/types.js";
import type { Rng } from "./random-book.js";

export function gmxBook(market: Market, assets: Asset[], accounts: { size: bigint; sizeInUsd: bigint; collateral: bigint; asset?: number; impact?: bigint }[]): Book {
  return {
    venue: "gmx-v2", liquidatorSharePpm: 0n, markets: [market], assets,
    accounts: accounts.map((a, i) => ({ id: `p${i}`, collateral: a.impact ?? 0n, margin: "isolated", positions: [{ market: 0, size: a.size, entryPrice: a.sizeInUsd }], balances: [{ asset: a.asset ?? 0, amount: a.collateral }] })),
  };
}

export function randomGmxBook(rng: Rng, maxAccounts = 300): Book {
  const extreme = rng.chance(0.3);
  const sd = rng.int(0, 12), pd = rng.int(0, Math.min(18, 24 - sd));
  const mark = extreme && rng.chance(0.3) ? rng.bits(rng.int(1, 62)) : BigInt(rng.int(1, 1_000_000)) * 10n ** BigInt(Math.min(12, Math.max(0, pd - 3)));
  const factor = (max: number) => BigInt(rng.int(0, max)) * 10n ** 21n;
  const side = () => ({ maxPnlFactorForTraders: factor(1_000_000_000), openInterestUsd: rng.chance(0.3) ? 0n : rng.bits(rng.int(1, extreme ? 63 : 50)), openInterestInTokens: rng.bits(rng.int(1, extreme ? 63 : 45)), poolUsd: rng.bits(rng.int(1, extreme ? 63 : 50)) });
  const market: Market = {
    id: "M", sizeDecimals: sd, priceDecimals: pd, markPrice: mark, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n,
    gmx: { indexPriceSpread: rng.chance(0.5) ? 0n : BigInt(rng.int(0, 1000)), minCollateralFactorForLiquidation: factor(200_000_000), liquidationFeeFactor: factor(10_000_000),
      liquidationFeeReceiverFactor: factor(1_000_000_000), maxPositionImpactFactorForLiquidations: factor(50_000_000), minCollateralUsd: BigInt(rng.int(0, 5_000_000)), long: side(), short: side() },
  };
  const dc = rng.int(0, 18), pc = rng.int(0, Math.min(18, 24 - dc));
  const asset: Asset = { id: "C", decimals: dc, priceDecimals: pc, price: rng.chance(0.05) ? 0n : BigInt(rng.int(1, 1_000_000)) * 10n ** BigInt(Math.min(12, Math.max(0, pc - 3))), maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n };
  const accounts = Array.from({ length: rng.int(1, maxAccounts) }, () => {
    const size = rng.bits(rng.int(1, extreme ? 63 : 40)) * (rng.chance(0.5) ? -1n : 1n);
    // sizeInUsd near the size's value at the mark, so that accounts sit near the trigger.
    const value = (size < 0n ? -size : size) * mark * 10n ** 6n / 10n ** BigInt(sd + pd);
    const sizeInUsd = value > 0n && value < 1n << 62n && !rng.chance(0.1) ? value + BigInt(rng.int(-1000, 1000)) * (value / 10_000n + 1n) : rng.bits(rng.int(1, 62));
    const collateral = rng.bits(rng.int(0, extreme ? 63 : 45)) * (rng.chance(0.1) ? -1n : 1n);
    return { size, sizeInUsd: sizeInUsd > 0n ? sizeInUsd : 1n, collateral, impact: rng.chance(0.5) ? 0n : BigInt(rng.int(-1_000_000_000, 100_000_000)) };
  });
  return gmxBook(market, [asset], accounts);
}

