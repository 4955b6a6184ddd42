// Initial margin and free collateral: hand-computed on the spec's example with initial-margin
// rates and on a Hyperliquid account, the same on both engines, and the book errors around them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine, type EngineName } from "../../bindings/index.js";
import { BookError, parseBookJson } from "../../book/index.js";
import type { Book } from "../../book/types.js";
import { randomVenueBook, Rng } from "../support/random-book.js";

const ENGINES: EngineName[] = ["wasm", "reference"];
const spec = JSON.parse(readFileSync(new URL("../../examples/spec-example.json", import.meta.url), "utf8"));

/** The spec's example with an initial-margin rate on every tier: BTC 1 %, 1.25 %, 2 %; ETH 1 %, 1.3 %. */
function withImr(): Book {
  const b = structuredClone(spec);
  b.markets[0].tiers.forEach((t: { imr?: string }, j: number) => (t.imr = ["0.01", "0.0125", "0.02"][j]));
  b.markets[1].tiers.forEach((t: { imr?: string }, j: number) => (t.imr = ["0.01", "0.013"][j]));
  return parseBookJson(JSON.stringify(b));
}

describe("initial margin and free collateral", () => {
  it.each(ENGINES)("generic tiers with imr, by hand (%s)", async (engine) => {
    const live = await (await createEngine(engine)).load(withImr());
    const r = live.scan();
    // alice: 0.5 BTC at 65,000.50: notional 32,500.25 (tier 1, 1 %): IM 325.0025; equity 1,500.25.
    expect(r.margins(0)).toEqual({ initialMargin: 325_002_500n, freeCollateral: 1_500_250_000n - 325_002_500n });
    expect(r.report(0)).toMatchObject({ initialMargin: "325.002500", freeCollateral: "1175.247500" });
    // dave: 0.05 BTC (3,250.025 at 1 % = 32.50025) and 3.5 ETH short (11,900.875, tier 2 at 1.3 % =
    // 154.711375): IM 187.211625; equity 49.15: free collateral -138.061625.
    expect(r.margins(3)).toEqual({ initialMargin: 187_211_625n, freeCollateral: 49_150_000n - 187_211_625n });
  });

  it.each(ENGINES)("a book without imr reports none (%s)", async (engine) => {
    const live = await (await createEngine(engine)).load(parseBookJson(JSON.stringify(spec)));
    const r = live.scan();
    expect(r.margins(0)).toEqual({ initialMargin: null, freeCollateral: null });
    expect(r.report(0)).not.toHaveProperty("initialMargin");
  });

  it.each(ENGINES)("hyperliquid: notional / leverage, rounded up (%s)", async (engine) => {
    const book = parseBookJson(JSON.stringify({
      venue: "hyperliquid",
      markets: [{ id: "BTC", sizeDecimals: 5, priceDecimals: 1, markPrice: "80639.0", tiers: [{ maxNotional: "150000000", maxLeverage: "40" }, { maxLeverage: "20" }] }],
      accounts: [
        // short 0.5 BTC: notional 40,319.5 at 40x = 1,007.9875; balance 45,000: equity 45,000 - 40,319.5.
        { id: "bob", collateral: "45000", positions: [{ market: "BTC", size: "-0.5", entryPrice: "88000.0", leverage: "40" }] },
        // 0.00123 BTC: notional 99.18597 at 3x: 33.06199, whole in 10^-6 USDC.
        { id: "carol", collateral: "0", positions: [{ market: "BTC", size: "0.00123", entryPrice: "80000.0", leverage: "3" }] },
        { id: "dan", collateral: "10", positions: [{ market: "BTC", size: "0.001", entryPrice: "80000.0" }] },
      ],
    }));
    const r = (await (await createEngine(engine)).load(book)).scan();
    expect(r.margins(0)).toEqual({ initialMargin: 1_007_987_500n, freeCollateral: 45_000_000_000n - 40_319_500_000n - 1_007_987_500n });
    expect(r.margins(1).initialMargin).toBe(33_061_990n);
    // no leverage on the position: no initial margin
    expect(r.margins(2)).toEqual({ initialMargin: null, freeCollateral: null });
  });

  it("both engines agree on random venue books with leverages", async () => {
    for (const venue of ["binance-usdm", "hyperliquid", "dydx-v4"] as const) {
      const rng = new Rng(4242);
      const raw = randomVenueBook(rng, venue, { accounts: 400, extreme: 0.05 });
      // dYdX's initial margin is the market's fraction (open-interest scaled): its positions carry no leverage.
      const book: Book = venue === "dydx-v4" ? raw : { ...raw, accounts: raw.accounts.map((a) => ({ ...a, positions: a.positions.map((p) => ({ ...p, leverage: BigInt(rng.int(1, 125)) })) })) };
      const [w, f] = await Promise.all(ENGINES.map(async (e) => (await (await createEngine(e)).load(book)).scan()));
      let some = 0;
      for (let a = 0; a < book.accounts.length; a++) {
        expect(w!.margins(a), `${venue} account ${a}`).toEqual(f!.margins(a));
        if (w!.margins(a).initialMargin !== null) some++;
      }
      expect(some).toBeGreaterThan(300);
    }
  });

  it("book errors: imr below mmr, on some tiers only, on a venue tier", async () => {
    const engine = await createEngine("reference");
    const low = withImr();
    const lowBook: Book = { ...low, markets: low.markets.map((m, i) => (i === 0 ? { ...m, tiers: m.tiers.map((t, j) => (j === 1 ? { ...t, imrPpm: 1_000n } : t)) } : m)) };
    await expect(engine.load(lowBook)).rejects.toThrow(/market "BTC-PERP" tier 2: field "imrPpm": 1000 is below the tier's mmr 5000/);
    const some = withImr();
    const someBook: Book = { ...some, markets: some.markets.map((m, i) => (i === 0 ? { ...m, tiers: m.tiers.map((t, j) => (j === 2 ? { maxNotional: t.maxNotional, mmrPpm: t.mmrPpm } : t)) } : m)) };
    await expect(engine.load(someBook)).rejects.toThrow(/tier 3: field "imrPpm": missing while tier 1 has one/);
    expect(() => parseBookJson(JSON.stringify({ venue: "hyperliquid", markets: [{ id: "X", sizeDecimals: 0, priceDecimals: 0, markPrice: "1", tiers: [{ maxLeverage: "2", imr: "0.5" }] }], accounts: [] })))
      .toThrow(BookError);
  });
});
