// Risk views on Aave v3 lending books (views/aave-v3.ts): the stress grid by asset and the
// liquidation map against the reference at the same prices, the cascade on a hand-built book (its
// rounds, the price path of the depth curve, the balances the calls leave), and the book restored.
import { describe, expect, it } from "vitest";
import { AaveScanner } from "../../bindings/aave-v3.js";
import type { AaveBook, AaveReserve, AaveUser } from "../../book/venues/aave-book.js";
import { randomAaveBook } from "../../book/venues/aave-generate.js";
import { RAY, accountData, bestLiquidation, borrowed, liquidatable, supplied } from "../../reference/venues/aave-v3.js";
import { afterCall, lendingCascade, lendingLiquidationMap, lendingStress, shockedPrice } from "../../views/aave-v3.js";

const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);

describe("aave-v3 risk views", () => {
  it("the stress grid by asset: each row is the reference's count and totals at those prices", async () => {
    const b = randomAaveBook(baseSeed, { users: 150 });
    const s = await AaveScanner.load(b);
    const shocks = [-500_000n, -200_000n, 0n, 300_000n];
    const grid = lendingStress(s, { shocks, reserves: ["WETH", "USDC"], all: true });
    expect(grid.map((c) => c.reserve)).toEqual(["WETH", "USDC", "all"]);
    for (const col of grid) {
      col.rows.forEach((row, i) => {
        const prices = b.reserves.map((r) => (col.reserve === "all" || r.id === col.reserve ? shockedPrice(r.price, shocks[i]!) : r.price));
        const flagged = b.users.map((u) => accountData(b, u, prices)).filter((d) => d.healthFactor < 10n ** 18n);
        expect(row.liquidatable, `${col.reserve} ${shocks[i]}`).toBe(flagged.length);
        expect(row.debtBase).toBe(flagged.reduce((n, d) => n + d.totalDebtBase, 0n));
        expect(row.collateralBase).toBe(flagged.reduce((n, d) => n + d.totalCollateralBase, 0n));
      });
    }
    // The 0 % row is the book as it is.
    for (const col of grid) expect(col.rows[2]!.liquidatable).toBe(s.scan().liquidatable);
    expect(shockedPrice(5n, -1_000_000n)).toBe(1n);
  });

  it("the liquidation map by a collateral's price: each user in the bucket of the first level where the reference liquidates it", async () => {
    const b = randomAaveBook(baseSeed + 1, { users: 150 });
    const s = await AaveScanner.load(b);
    const map = lendingLiquidationMap(s, { reserve: "WETH", buckets: 8 });
    const k = b.reserves.findIndex((r) => r.id === "WETH");
    const at = (p: bigint) => b.reserves.map((r, j) => (j === k ? p : r.price));
    const level = b.users.map((u) => {
      if (liquidatable(b, u)) return -1;
      const i = map.buckets.findIndex((x) => liquidatable(b, u, at(x.price)));
      return i < 0 ? -2 : i;
    });
    expect(map.alreadyLiquidatable).toBe(level.filter((l) => l === -1).length);
    map.buckets.forEach((bucket, i) => {
      const here = b.users.filter((_, a) => level[a] === i);
      expect(bucket.users, `bucket ${i}`).toBe(here.length);
      expect(bucket.debtBase).toBe(here.reduce((n, u) => n + accountData(b, u, at(bucket.price)).totalDebtBase, 0n));
    });
    expect(map.buckets.at(-1)!.price).toBe(shockedPrice(b.reserves[k]!.price, -500_000n));
    expect(map.buckets.at(-1)!.cumulativeUsers).toBeGreaterThan(0);
  });

  const reserve = (id: string, decimals: number, usd: bigint, lt: bigint): AaveReserve => ({
    id, decimals, price: usd * 10n ** 8n, ltv: lt - 500n, liquidationThreshold: lt, liquidationBonus: 10500n,
    liquidationProtocolFee: 1000n, reserveFactor: 1000n, liquidityIndex: RAY, variableBorrowIndex: RAY,
  });
  const user = (id: string, eth: bigint, usdc: bigint): AaveUser => ({
    id, eMode: 0, reserves: [
      { reserve: 0, scaledATokenBalance: eth * 10n ** 18n, usageAsCollateralEnabled: true, scaledVariableDebt: 0n, stableDebt: 0n },
      { reserve: 1, scaledATokenBalance: 0n, usageAsCollateralEnabled: false, scaledVariableDebt: usdc * 10n ** 6n, stableDebt: 0n },
    ],
  });

  it("the cascade: WETH sold into the depth curve liquidates the next user; the book is restored", async () => {
    // WETH $2,000, LT 80 %: A is liquidatable below $1,875 (10 WETH vs 15,000), B below $1,700, C below $1,500.
    const b: AaveBook = {
      venue: "aave-v3", version: "3.3", eModes: [], reserves: [reserve("WETH", 18, 2000n, 8000n), reserve("USDC", 6, 1n, 8000n)],
      users: [user("A", 10n, 15000n), user("B", 10n, 13600n), user("C", 10n, 12000n)],
    };
    const s = await AaveScanner.load(b);
    const before = s.scan();
    // -7 %: $1,860, A only. A's call sells WETH worth about $7,900 into a $50,000 depth: -15.8 %.
    const c = lendingCascade(s, { reserve: "WETH", shockPpm: -70_000n, depthBase: 50_000n * 10n ** 8n });
    expect(c.rounds[0]!.price).toBe(1860n * 10n ** 8n);
    expect(c.rounds[0]!.calls).toBe(1);
    const o = bestLiquidation({ ...b, reserves: [{ ...b.reserves[0]!, price: 1860n * 10n ** 8n }, b.reserves[1]!] }, b.users[0]!)!;
    expect(c.rounds[0]!.debtRepaidBase).toBe(o.debtRepaid * 10n ** 8n / 10n ** 6n);
    expect(c.rounds[0]!.soldBase).toBe((o.collateralToLiquidator * 1860n * 10n ** 8n) / 10n ** 18n);
    const impact = (c.rounds[0]!.soldBase * 1_000_000n + 50_000n * 10n ** 8n - 1n) / (50_000n * 10n ** 8n);
    expect(c.rounds[0]!.impactPpm).toBe(impact);
    expect(c.rounds[1]!.price).toBe((1860n * 10n ** 8n * (1_000_000n - impact)) / 1_000_000n);
    // The second round's price is below $1,700: B goes (and A again if its 50 % left it liquidatable).
    expect(c.rounds[1]!.price).toBeLessThan(1700n * 10n ** 8n);
    expect(c.rounds.reduce((n, r) => n + r.calls, 0)).toBeGreaterThanOrEqual(3);
    expect(c.ended).toBe("settled");
    // Everything back as it was.
    expect(s.book.users).toEqual(b.users);
    expect(s.scan()).toEqual(before);
  });

  it("a call's balances: the seized collateral and the repaid debt leave the user, scaled as the tokens burn", () => {
    const b = randomAaveBook(baseSeed + 2, { users: 200 });
    let checked = 0;
    for (const u of b.users) {
      const o = bestLiquidation(b, u);
      if (o === null) continue;
      const after = afterCall(b, u, o.debtReserve, o.debtRepaid, o.collateralReserve, o.collateralToLiquidator + o.protocolFee, new Map(o.deficit.map((d) => [d.reserve, d.amount])));
      const cr = b.reserves[o.collateralReserve]!, dr = b.reserves[o.debtReserve]!;
      const ce0 = u.reserves.find((e) => e.reserve === o.collateralReserve)!, ce1 = after.reserves.find((e) => e.reserve === o.collateralReserve)!;
      const de0 = u.reserves.find((e) => e.reserve === o.debtReserve)!, de1 = after.reserves.find((e) => e.reserve === o.debtReserve)!;
      const seized = supplied(cr, ce0.scaledATokenBalance) - supplied(cr, ce1.scaledATokenBalance);
      const repaid = borrowed(dr, de0.scaledVariableDebt, de0.stableDebt) - borrowed(dr, de1.scaledVariableDebt, de1.stableDebt);
      // Within the rounding of one scaled unit (an index of at most 1.34 ray: two token units).
      expect(seized - (o.collateralToLiquidator + o.protocolFee), u.id).toBeLessThanOrEqual(2n);
      expect(seized - (o.collateralToLiquidator + o.protocolFee), u.id).toBeGreaterThanOrEqual(-2n);
      if (o.deficit.length === 0) expect(repaid - o.debtRepaid <= 2n && o.debtRepaid - repaid <= 2n, u.id).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});
