// What one liquidation step closes: Hyperliquid's 20 % of a position above 100,000 USDC (the rest
// in the next step), the backstop taking everything, and every other venue closing whole; by hand,
// on both engines.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine, type EngineName } from "../../bindings/index.js";
import { parseBookJson } from "../../book/index.js";

const ENGINES: EngineName[] = ["wasm", "reference"];

// 2 BTC at 80,000.0: notional 160,000 USDC at 40x: maintenance 160,000 / 80 = 2,000. Equity is the
// balance plus 160,000.
const hyperliquid = (balance: string) => parseBookJson(JSON.stringify({
  venue: "hyperliquid",
  markets: [{ id: "BTC", sizeDecimals: 5, priceDecimals: 1, markPrice: "80000.0", tiers: [{ maxNotional: "150000000", maxLeverage: "40" }, { maxLeverage: "20" }] }],
  accounts: [
    { id: "big", collateral: balance, positions: [{ market: "BTC", size: "2", entryPrice: "79000.0" }] },
    { id: "small", collateral: "-7950", positions: [{ market: "BTC", size: "0.1", entryPrice: "79000.0" }] },
  ],
}));

describe("liquidation steps", () => {
  it.each(ENGINES)("hyperliquid: a book liquidation of 160,000 closes 32,000 now and 128,000 next; the user keeps the account (%s)", async (engine) => {
    const r = (await (await createEngine(engine)).load(hyperliquid("-158500"))).scan(); // equity 1,500: between 2/3 MM and MM
    expect(r.account(0)).toMatchObject({ status: "liquidatable", equity: 1_500_000_000n, maintenance: 2_000_000_000n });
    expect(r.steps(0)).toEqual([{ now: 32_000_000_000n, next: 128_000_000_000n }]);
    expect(r.account(0).closeOut).toEqual({ notional: 32_000_000_000n, penalty: 0n, liquidatorReward: 0n, insuranceFund: 0n, badDebt: 0n, returned: 0n });
    // 0.1 BTC (8,000 of notional, maintenance 100) with equity 50: the backstop (50 < 66.67) takes it whole.
    expect(r.steps(1)).toEqual([{ now: 8_000_000_000n, next: 0n }]);
    expect(r.account(1).closeOut).toMatchObject({ notional: 8_000_000_000n, penalty: 50_000_000n, liquidatorReward: 50_000_000n, returned: 0n });
  });

  it.each(ENGINES)("hyperliquid: below 2/3 of maintenance the backstop takes the big position whole too (%s)", async (engine) => {
    const r = (await (await createEngine(engine)).load(hyperliquid("-159000"))).scan(); // equity 1,000 < 1,333.33
    expect(r.steps(0)).toEqual([{ now: 160_000_000_000n, next: 0n }]);
    expect(r.account(0).closeOut).toMatchObject({ notional: 160_000_000_000n, liquidatorReward: 1_000_000_000n, badDebt: 0n, returned: 0n });
  });

  it.each(ENGINES)("the generic model closes every position whole; an account that is not liquidatable has no steps (%s)", async (engine) => {
    const book = parseBookJson(readFileSync(new URL("../../examples/spec-example.json", import.meta.url), "utf8"));
    const r = (await (await createEngine(engine)).load(book)).scan();
    expect(r.steps(0)).toBeNull(); // alice is ok
    expect(r.steps(3)).toEqual([{ now: 3_250_025_000n, next: 0n }, { now: 11_900_875_000n, next: 0n }]); // dave
  });
});
