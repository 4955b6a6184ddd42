// gmx-v2's liquidation prices side by side with @gmx-io/sdk 1.4.0's getLiquidationPrice
// (sdk/src/utils/positions.ts) on random positions where both model the same thing: collateral in
// the short token (USDC at $1, so the SDK's USD fees are the contract's token amounts), no pnl cap
// at the boundary (a liquidation's pnl is not positive), the price impact and the pending fees as
// given. The SDK solves remaining = threshold for the price and truncates; ours is the greatest
// (long) / least (short) price at which the trigger holds, so the SDK's price lies within one tick
// beyond ours, and ours is checked against the trigger itself.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { importGmxBook } from "../../book/venues/gmx-import.js";
import { isLiquidatable, liquidationPrice } from "../../reference/index.js";
import { Rng } from "../support/random-book.js";
import { E30, config, json, marketInfo, pct, position, token } from "../support/gmx-sdk.js";

// The SDK's ESM build imports without file extensions, which Node's loader refuses: its CJS build.
const { getLiquidationPrice } = createRequire(import.meta.url)("@gmx-io/sdk/utils/positions") as {
  getLiquidationPrice(p: Record<string, unknown>): bigint | undefined;
};
const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);

describe("gmx-v2 vs @gmx-io/sdk getLiquidationPrice", () => {
  it("agrees within one tick on random USDC-collateral positions, and ours is where the trigger flips", () => {
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const seed = baseSeed + i;
      const rng = new Rng(seed);
      const price = BigInt(rng.int(500, 5000)) * E30; // ETH at whole dollars
      const eth = token("0xeth", "ETH", 18, price);
      const usdc = token("0xusdc", "USDC", 6, E30);
      const minCf = pct(rng.int(1, 200) / 100);
      const feeFactor = pct([0.04, 0.05, 0.06, 0.07][rng.int(0, 3)]!);
      const info = marketInfo({ indexToken: eth, longToken: eth, minCollateralFactorForLiquidation: minCf, positionFeeFactorForBalanceWasNotImproved: feeFactor, maxPositionImpactFactorForLiquidations: pct(rng.int(0, 100) / 100) });
      const isLong = rng.chance(0.5);
      // A size in cents (so the close fee is whole micro-USD), tokens as if opened near the price, in
      // whole 10^-6 ETH (the book's 64-bit size column holds 9.2 ETH in wei: docs/venues/gmx-v2.md).
      const sizeInUsd = BigInt(rng.int(100, 2_000_000)) * 10n ** 28n;
      const sizeInTokens = ((sizeInUsd * 10n ** 6n) / (price + BigInt(rng.int(-200, 200)) * E30 / 100n)) * 10n ** 12n;
      if (sizeInTokens === 0n) continue;
      const collateralAmount = BigInt(rng.int(1, 1_000_000)) * 10n ** 4n; // USDC units
      const borrowingUsd = BigInt(rng.int(0, 1000)) * 10n ** 24n;
      const fundingAmount = BigInt(rng.int(0, 1000));
      const pendingImpact = rng.chance(0.5) ? 0n : -BigInt(rng.int(0, 1000)) * 10n ** 12n;
      const closeFeeUsd = (sizeInUsd * feeFactor) / E30;
      const pos = position({ isLong, sizeInUsd, sizeInTokens, collateralAmount, pendingBorrowingFeesUsd: borrowingUsd, fundingFeeAmount: fundingAmount, positionFeeAmount: closeFeeUsd / 10n ** 24n, pendingImpactAmount: pendingImpact });
      const imported = importGmxBook({ markets: json([info]), positions: json([pos]), config: json(config({ minCollateralUsd: E30 * BigInt(rng.int(0, 10)) })) });
      const book = imported.book;
      const m = book.markets[0]!;
      const ours = liquidationPrice(book, 0, 0);
      const sdk = getLiquidationPrice({
        sizeInUsd, sizeInTokens, collateralAmount, collateralUsd: collateralAmount * 10n ** 24n, collateralToken: usdc, marketInfo: info,
        pendingFundingFeesUsd: fundingAmount * 10n ** 24n, pendingBorrowingFeesUsd: borrowingUsd, pendingImpactAmount: pendingImpact,
        minCollateralUsd: book.markets[0]!.gmx!.minCollateralUsd, isLong, userReferralInfo: undefined,
      });
      const where = `seed ${seed}: ${isLong ? "long" : "short"} ours ${ours} sdk ${sdk}`;
      if (ours === null || sdk === undefined) {
        // Both find none (a long whose boundary is at or below 0), or the SDK's price is not positive.
        if (ours !== null) expect(isLong ? ours : 0n, where).toBe(0n);
        continue;
      }
      // The SDK's price per whole token at 10^30; one tick of ours is 10^(30 - priceDecimals).
      const tick = 10n ** BigInt(30 - m.priceDecimals);
      const slack = 10n ** 18n; // the SDK truncates per token unit (10^-18 ETH) before scaling up
      if (isLong) {
        expect(sdk > ours * tick - slack && sdk <= (ours + 1n) * tick, where).toBe(true);
        expect(isLiquidatable(book, 0, [ours]) && !isLiquidatable(book, 0, [ours + 1n]), where).toBe(true);
      } else {
        expect(sdk >= (ours - 1n) * tick - slack && sdk < ours * tick, where).toBe(true);
        expect(isLiquidatable(book, 0, [ours]) && !isLiquidatable(book, 0, [ours - 1n]), where).toBe(true);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("uses minCollateralFactorForLiquidation, not minCollateralFactor (the error gmsol-labs/gmx-solana #439 fixed)", () => {
    // 1 % to open, 0.5 % to liquidate: a $10,000 long with $60 left after fees is not liquidatable.
    const info = marketInfo({ minCollateralFactor: pct(1), minCollateralFactorForLiquidation: pct(0.5) });
    const r = importGmxBook({ markets: json([info]), positions: json([position({ collateralAmount: 66n * 10n ** 6n })]), config: json(config()) });
    expect(isLiquidatable(r.book, 0)).toBe(false); // 66 - 6 = 60 >= 50
    expect(r.book.markets[0]!.gmx!.minCollateralFactorForLiquidation).toBe(pct(0.5));
  });
});
