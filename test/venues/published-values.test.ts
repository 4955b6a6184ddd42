// Each venue's own published numbers, run through the engines: Binance's FAQ and calculator
// liquidation prices, and the liquidation prices Hyperliquid reported for real positions. Then the
// venues' closed-form liquidation prices against liqscan's exact ones on random accounts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine, type EngineName } from "../../bindings/index.js";
import { formatDecimal, parseBookJson } from "../../book/index.js";
import type { Book } from "../../book/types.js";
import { isLiquidatable } from "../../reference/index.js";
import * as binance from "../support/binance-closed-form.js";
import { bookLiquidationPrice, Rat } from "../support/hyperliquid-closed-form.js";
import { randomBinanceAccount } from "../support/binance-random.js";
import { Rng } from "../support/random-book.js";

const ENGINES: EngineName[] = ["wasm", "reference"];

interface Case { book: unknown; account: string; market: string; source: string }
const binanceCases = JSON.parse(readFileSync(new URL("../fixtures/venues/binance/published-liquidation-prices.json", import.meta.url), "utf8")) as (Case & { name: string; expectedLiquidationPrice: string })[];
const hyperliquidCases = JSON.parse(readFileSync(new URL("../fixtures/venues/hyperliquid/reported-liquidation-prices.json", import.meta.url), "utf8")) as (Case & { liquidationPx: string | null })[];

/** The engine's liquidation price of the account's position in the market, in the market's price units (-1n: none). */
async function engineLiquidationPrice(engine: EngineName, book: Book, account: string, market: string): Promise<bigint> {
  const live = await (await createEngine(engine)).load(book);
  const a = book.accounts.findIndex((x) => x.id === account);
  const m = book.markets.findIndex((x) => x.id === market);
  const k = book.accounts[a]!.positions.findIndex((p) => p.market === m);
  expect(a >= 0 && m >= 0 && k >= 0, `${account} holds ${market}`).toBe(true);
  const price = live.liquidationPrices()[live.positionStart[a]! + k]!;
  live.dispose();
  return price;
}

/** |x - y| in ticks of 10^-decimals, y a rational. */
function ticksApart(x: bigint, decimals: number, y: Rat): number {
  return new Rat(x, 10n ** BigInt(decimals)).sub(y).abs().mul(new Rat(10n ** BigInt(decimals))).toNumber();
}

describe("binance-usdm: Binance's published liquidation prices", () => {
  it.each(binanceCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const book = parseBookJson(JSON.stringify(c.book));
    const m = book.markets.find((x) => x.id === c.market)!;
    const a = book.accounts.findIndex((x) => x.id === c.account);
    const mi = book.markets.indexOf(m);
    const long = book.accounts[a]!.positions.find((p) => p.market === mi)!.size > 0n;
    for (const engine of ENGINES) {
      const price = await engineLiquidationPrice(engine, book, c.account, c.market);
      // Binance shows the exact solution rounded to its tick; liqscan's is the last liquidatable
      // tick (for a long the greatest price at which margin balance <= maintenance): the same
      // tick, or the one before it when Binance rounded up.
      expect(ticksApart(price, m.priceDecimals, Rat.of(c.expectedLiquidationPrice)), `${engine}: ${formatDecimal(price, m.priceDecimals)}; ${c.source}`).toBeLessThanOrEqual(1);
      const marks = book.markets.map((x) => x.markPrice);
      expect(isLiquidatable(book, a, marks.map((p, j) => (j === mi ? price : p)))).toBe(true);
      expect(isLiquidatable(book, a, marks.map((p, j) => (j === mi ? price + (long ? 1n : -1n) : p)))).toBe(false);
    }
  });
});

describe("hyperliquid: the liquidation prices Hyperliquid reported", () => {
  it.each(hyperliquidCases.map((c, i) => [`${i + 1} ${c.account} ${c.market}`, c] as const))("%s", async (_, c) => {
    const book = parseBookJson(JSON.stringify(c.book));
    const m = book.markets.find((x) => x.id === c.market)!;
    for (const engine of ENGINES) {
      const price = await engineLiquidationPrice(engine, book, c.account, c.market);
      if (c.liquidationPx === null) {
        expect(price, `${engine}: ${c.source}`).toBe(-1n);
        continue;
      }
      expect(price, `${engine}: ${c.source}`).toBeGreaterThanOrEqual(0n);
      // Within one price tick of the venue's own figure.
      expect(ticksApart(price, m.priceDecimals, Rat.of(c.liquidationPx)), `${engine}: ${c.source}`).toBeLessThanOrEqual(1);
    }
  });
});

// ---- the venues' closed forms against liqscan's exact prices, on random accounts --------------

/** A random cross or isolated hyperliquid account over 1-3 markets with BTC's two tiers (40x to 150M, then 20x). */
function randomHyperliquidAccount(rng: Rng): { book: Book; json: unknown } {
  const count = rng.int(1, 3);
  const markets = Array.from({ length: count }, (_, i) => ({
    id: `C${i}`, sizeDecimals: 5, priceDecimals: 1, markPrice: String(rng.int(1_000, 1_000_000) / 10),
    tiers: [{ maxNotional: "150000000", maxLeverage: String([50, 40, 25, 20, 10][rng.int(0, 4)]) }, { maxLeverage: "3" }],
  }));
  const positions = markets.map((m) => ({ market: m.id, size: ((rng.chance(0.5) ? 1 : -1) * rng.int(1, 5_000_000) / 100_000).toFixed(5), entryPrice: m.markPrice }));
  const value = positions.reduce((s, p, i) => s + Number(p.size) * Number(markets[i]!.markPrice), 0);
  const notional = positions.reduce((s, p, i) => s + Math.abs(Number(p.size)) * Number(markets[i]!.markPrice), 0);
  // rawUsd so that the account value is 2 % to 60 % of the notional
  const raw = (notional * rng.int(20, 600) / 1000 - value).toFixed(6);
  const json = { venue: "hyperliquid", markets, accounts: [{ id: "x", collateral: raw, positions }] };
  return { book: parseBookJson(JSON.stringify(json)), json };
}

describe("closed forms against the exact liquidation prices, 400 random accounts each", () => {
  it("binance-usdm: Binance's formula (bracket at the liquidation price) is liqscan's price to within one tick; shorts above the mark", async () => {
    const engine = await createEngine("wasm");
    let exact = 0, shorts = 0, compared = 0, unsolved = 0;
    for (let i = 0; i < 400; i++) {
      const seed = 90_000 + i;
      const { book, case: c } = randomBinanceAccount(new Rng(seed));
      const live = await engine.load(book);
      const price = live.liquidationPrices()[0]!;
      const closed = binance.liquidationPrice(c).price;
      const size = book.accounts[0]!.positions[0]!.size;
      // An account liquidatable already has no liquidation price in Binance's sense (its formula's
      // root lies past the mark); liqscan's definition then gives the last liquidatable price.
      if (isLiquidatable(book, 0)) continue;
      compared++;
      if (closed === null) {
        // No price by the formula: none above 0, or its bracket iteration found no consistent
        // bracket (it cycles). liqscan's price is then checked against its definition instead.
        if (price >= 0n) {
          unsolved++;
          const marks = book.markets.map((x) => x.markPrice);
          expect(isLiquidatable(book, 0, marks.map((p, j) => (j === 0 ? price : p))), `seed ${seed}`).toBe(true);
          expect(isLiquidatable(book, 0, marks.map((p, j) => (j === 0 ? price + (size > 0n ? 1n : -1n) : p))), `seed ${seed}`).toBe(false);
        }
        continue;
      }
      const ticks = ticksApart(price, 2, new Rat(closed.n, closed.d));
      expect(ticks, `seed ${seed}: ${formatDecimal(price, 2)} vs ${binance.show(closed, 4)}`).toBeLessThanOrEqual(1);
      if (ticks === 0 || formatDecimal(price, 2) === binance.roundHalfUp(closed, 2)) exact++;
      // The direction: a short that is not liquidatable now is liquidated above the mark, a long below.
      if (!isLiquidatable(book, 0)) {
        if (size < 0n) { shorts++; expect(price, `seed ${seed}`).toBeGreaterThan(book.markets[0]!.markPrice); }
        else expect(price, `seed ${seed}`).toBeLessThan(book.markets[0]!.markPrice);
      }
    }
    expect(compared).toBeGreaterThan(250);
    expect(unsolved).toBeLessThan(compared / 20);
    expect(shorts).toBeGreaterThan(50);
    expect(exact).toBeGreaterThan(100);
  });

  it("hyperliquid: the documented formula is liqscan's price to within one tick; shorts above the mark", async () => {
    const engine = await createEngine("wasm");
    let shorts = 0, compared = 0;
    for (let i = 0; i < 400; i++) {
      const seed = 95_000 + i;
      const { book, json } = randomHyperliquidAccount(new Rng(seed));
      const live = await engine.load(book);
      const price = live.liquidationPrices()[0]!;
      const closed = bookLiquidationPrice(json, "x", "C0");
      const size = book.accounts[0]!.positions[0]!.size;
      if (closed === null) {
        expect(price, `seed ${seed}: the formula has no price`).toBe(-1n);
        continue;
      }
      // The formula takes the tier at the mark; where the price lies in another tier it does not apply.
      const n = new Rat(size < 0n ? -size : size, 100_000n).mul(closed);
      if ((n.cmp(Rat.of("150000000")) > 0) !== (new Rat(size < 0n ? -size : size, 100_000n).mul(Rat.of(book.markets[0]!.markPrice.toString()).div(Rat.of("10"))).cmp(Rat.of("150000000")) > 0)) continue;
      compared++;
      expect(ticksApart(price, 1, closed), `seed ${seed}: ${formatDecimal(price, 1)} vs ${closed.toFixed(4)}`).toBeLessThanOrEqual(1);
      if (!isLiquidatable(book, 0)) {
        if (size < 0n) { shorts++; expect(price, `seed ${seed}`).toBeGreaterThan(book.markets[0]!.markPrice); }
        else expect(price, `seed ${seed}`).toBeLessThan(book.markets[0]!.markPrice);
      }
    }
    expect(compared).toBeGreaterThan(300);
    expect(shorts).toBeGreaterThan(50);
  });
});

describe("each venue's trigger, at the line exactly", () => {
  // One unit of a market quoted in whole units at 100, a 1 % rate: notional 100, maintenance 1.
  const book = (venue: "binance-usdm" | "hyperliquid", collateral: string) => parseBookJson(JSON.stringify({
    venue,
    markets: [{ id: "X", sizeDecimals: 0, priceDecimals: 0, markPrice: "100", ...(venue === "binance-usdm" ? { liquidationFee: "0.01", tiers: [{ mmr: "0.01", cum: "0" }] } : { tiers: [{ maxLeverage: "50" }] }) }],
    accounts: [{ id: "a", collateral, positions: [{ market: "X", size: "1", entryPrice: "100" }] }],
  }));
  it.each(ENGINES)("binance-usdm liquidates at margin ratio 100 % (equity = maintenance), hyperliquid only below it (%s)", async (engine) => {
    const scan = async (b: Book) => (await (await createEngine(engine)).load(b)).scan().account(0);
    expect(await scan(book("binance-usdm", "1"))).toMatchObject({ status: "liquidatable", equity: 1_000_000n, maintenance: 1_000_000n });
    expect(await scan(book("binance-usdm", "1.000001"))).toMatchObject({ status: "ok" });
    expect(await scan(book("hyperliquid", "-99"))).toMatchObject({ status: "ok", equity: 1_000_000n, maintenance: 1_000_000n });
    expect(await scan(book("hyperliquid", "-99.000001"))).toMatchObject({ status: "liquidatable" });
  });
});

describe("the worked examples of docs/venues/", () => {
  it.each(ENGINES)("hyperliquid's two-tier BTC account: MM 2,125,000, liquidation price 75961.5 (%s)", async (engine) => {
    const book = parseBookJson(JSON.stringify({
      venue: "hyperliquid",
      markets: [{ id: "BTC", sizeDecimals: 5, priceDecimals: 1, markPrice: "80000.0", tiers: [{ maxNotional: "150000000", maxLeverage: "40" }, { maxLeverage: "20" }] }],
      accounts: [{ id: "x", collateral: "-150000000", positions: [{ market: "BTC", size: "2000", entryPrice: "80000.0" }] }],
    }));
    const live = await (await createEngine(engine)).load(book);
    expect(live.scan().account(0)).toMatchObject({ status: "ok", equity: 10_000_000_000_000n, maintenance: 2_125_000_000_000n });
    expect(live.liquidationPrices()[0]).toBe(759_615n);
    live.setMarkPrice(0, 759_615n);
    const at = live.scan();
    expect(at.account(0)).toMatchObject({ status: "liquidatable", equity: 1_923_000_000_000n, maintenance: 1_923_075_000_000n });
    // The position (151,923,000 of notional at that tick) goes 20 % at a time: 30,384,600 now, the rest next.
    expect(at.steps(0)).toEqual([{ now: 30_384_600_000_000n, next: 121_538_400_000_000n }]);
  });
});
