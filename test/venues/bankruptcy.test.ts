// Bankruptcy prices: by hand on the spec's example and on Binance's FAQ account, on both engines;
// on random venue books the definition holds (equity <= 0 at the price, > 0 one tick beyond);
// and the command line's --bankruptcy column.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine, type EngineName } from "../../bindings/index.js";
import { parseBookJson } from "../../book/index.js";
import { evaluateAccount } from "../../reference/index.js";
import { randomVenueBook, Rng } from "../support/random-book.js";
import { liqscan } from "../support/run-cli.js";

const ENGINES: EngineName[] = ["wasm", "reference"];
const SPEC = new URL("../../examples/spec-example.json", import.meta.url);

describe("bankruptcy prices", () => {
  it.each(ENGINES)("the spec's example, by hand (%s)", async (engine) => {
    const live = await (await createEngine(engine)).load(parseBookJson(readFileSync(SPEC, "utf8")));
    // alice 1000 + 0.5 (x - 64000) <= 0: x <= 62000; bob 120 - 0.1 (x - 64000) <= 0: x >= 65200;
    // carol 50 + 0.2 (x - 70000) <= 0: x <= 69750; dave's BTC with ETH's pnl (-350.875) held:
    // x <= 64017.50; dave's ETH with BTC's (-49.975): 400.025 - 3.5 (x - 3300) <= 0: x >= 3414.30
    // (3414.2928... rounded up to the tick); erin 387 + 12 (x - 3420) <= 0: x <= 3387.75.
    expect(Array.from(live.bankruptcyPrices())).toEqual([6_200_000n, 6_520_000n, 6_975_000n, 6_401_750n, 341_430n, 338_775n]);
  });

  it.each(ENGINES)("Binance's FAQ account: 500 USDT, long 0.02 BTC at 50,000 goes bankrupt at 25,000 (%s)", async (engine) => {
    const cases = JSON.parse(readFileSync(new URL("../fixtures/venues/binance/published-liquidation-prices.json", import.meta.url), "utf8"));
    const faq = cases.find((c: { name: string }) => c.name === "faq-long-0.02-btc");
    const live = await (await createEngine(engine)).load(parseBookJson(JSON.stringify(faq.book)));
    expect(live.bankruptcyPrices()[0]).toBe(2_500_000n);
  });

  it("on random venue books: equity <= 0 at the price and > 0 one tick beyond, the same on both engines", async () => {
    let priced = 0;
    for (const venue of ["binance-usdm", "hyperliquid", "dydx-v4"] as const) {
      const book = randomVenueBook(new Rng(777), venue, { accounts: 300, extreme: 0.05 });
      const [w, r] = await Promise.all(ENGINES.map(async (e) => (await (await createEngine(e)).load(book)).bankruptcyPrices()));
      expect(Array.from(w!)).toEqual(Array.from(r!));
      let p = 0;
      book.accounts.forEach((account, a) => {
        account.positions.forEach((pos) => {
          const price = w![p++]!;
          if (price < 0n) return;
          priced++;
          const marks = book.markets.map((m) => m.markPrice);
          const at = (x: bigint) => evaluateAccount(book, a, marks.map((y, m) => (m === pos.market ? x : y))).equity;
          expect(at(price), `${venue} account ${a}`).toBeLessThanOrEqual(0n);
          const beyond = pos.size > 0n ? price + 1n : price - 1n;
          if (beyond >= 0n && beyond < 1n << 63n) expect(at(beyond), `${venue} account ${a}`).toBeGreaterThan(0n);
        });
      });
    }
    expect(priced).toBeGreaterThan(200);
  });

  it("liq-price --bankruptcy adds the column, and the field to --json", async () => {
    const table = await liqscan("liq-price", SPEC.pathname, "--bankruptcy");
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/liquidationPrice\s+bankruptcyPrice$/);
    expect(table.stdout).toMatch(/alice\s+BTC-PERP\s+0\.50000000\s+65000\.50\s+62332\.43\s+62000\.00/);
    const json = await liqscan("liq-price", SPEC.pathname, "--bankruptcy", "--json");
    expect(JSON.parse(json.stdout).positions[1]).toEqual({ account: "bob", market: "BTC-PERP", size: "-0.10000000", liquidationPrice: "64854.12", bankruptcyPrice: "65200.00" });
    const plain = await liqscan("liq-price", SPEC.pathname, "--json");
    expect(JSON.parse(plain.stdout).positions[1]).not.toHaveProperty("bankruptcyPrice");
  });
});
