// Binance hedge mode: an account holding a LONG and a SHORT in one symbol. The book rules that
// admit exactly that pair, the scan of such accounts on both engines, and the pair's liquidation
// price (reference/hedged-pair.ts): hand-computed examples, Binance's formula on random accounts,
// and the exact search against brute force over whole (small) price domains.
import { describe, expect, it } from "vitest";
import { createEngine, type EngineName } from "../../bindings/index.js";
import { BookError, bookToColumns, parseBookJson, validateColumns } from "../../book/index.js";
import type { Book } from "../../book/types.js";
import { I64_MAX, isLiquidatable, liquidationPrice, scanBook } from "../../reference/index.js";
import { notional, tierIndex } from "../../reference/position.js";
import { MAX_BAND } from "../../reference/hedged-pair.js";
import { liquidationMap } from "../../views/index.js";
import * as binance from "../support/binance-closed-form.js";
import { randomBinanceAccount } from "../support/binance-random.js";
import { Rat } from "../support/hyperliquid-closed-form.js";
import { randomVenueBook, Rng } from "../support/random-book.js";

const ENGINES: EngineName[] = ["wasm", "reference"];
const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);

/** A one-tier BTCUSDT-like market (0.4 %, cum 0; 3 size and 1 price decimals: K = 1) and one account. */
function pairBook(collateral: string, positions: readonly object[], mmr = "0.004"): Book {
  return parseBookJson(JSON.stringify({
    venue: "binance-usdm",
    markets: [
      { id: "BTCUSDT", sizeDecimals: 3, priceDecimals: 1, markPrice: "50000", liquidationFee: "0.0125", tiers: [{ mmr, cum: "0" }] },
      { id: "ETHUSDT", sizeDecimals: 3, priceDecimals: 2, markPrice: "3000", liquidationFee: "0.0125", tiers: [{ mmr: "0.005", cum: "0" }] },
    ],
    accounts: [{ id: "h", collateral, positions }],
  }));
}

const LONG = (size: string, entryPrice: string, market = "BTCUSDT") => ({ market, size, entryPrice, side: "LONG" });
const SHORT = (size: string, entryPrice: string, market = "BTCUSDT") => ({ market, size, entryPrice, side: "SHORT" });

async function prices(engine: EngineName, book: Book): Promise<bigint[]> {
  const live = await (await createEngine(engine)).load(book);
  const out = [...live.liquidationPrices()];
  live.dispose();
  return out;
}

describe("hedge mode: which books hold a market twice", () => {
  const text = (venue: string, positions: object[]) => JSON.stringify({
    venue, markets: [{ id: "BTCUSDT", sizeDecimals: 3, priceDecimals: 1, markPrice: "50000", liquidationFee: "0.0125", tiers: [{ mmr: "0.004", cum: "0" }] }],
    accounts: [{ id: "h", collateral: "1000", positions }],
  });
  it("admits a LONG and a SHORT in one symbol, in either order", () => {
    for (const ps of [[LONG("1", "50000"), SHORT("-0.5", "50000")], [SHORT("-0.5", "50000"), LONG("1", "50000")]]) {
      const book = parseBookJson(text("binance-usdm", ps));
      expect(book.accounts[0]!.positions.map((p) => p.side)).toEqual(ps.map((p) => p.side));
      expect(() => validateColumns(bookToColumns(book))).not.toThrow();
    }
  });
  it.each([
    ["LONG twice", [LONG("1", "50000"), LONG("2", "50000")], /position 2: field "market": "BTCUSDT" is already held by position 1 \(an account holds at most one position per market, or a LONG and a SHORT in hedge mode\)/],
    ["one-way BOTH beside LONG", [{ market: "BTCUSDT", size: "1", entryPrice: "50000" }, SHORT("-1", "50000")], /position 2: field "market": "BTCUSDT" is already held by position 1/],
    ["a third position", [LONG("1", "50000"), SHORT("-1", "50000"), SHORT("-2", "50000")], /position 3: field "market": "BTCUSDT" is already held by position 1 and another/],
  ])("refuses %s, naming the position and the field", (_name, ps, message) => {
    expect(() => parseBookJson(text("binance-usdm", ps as object[]))).toThrow(message);
  });
  it("refuses a market held twice in a generic book, and two LONGs in columns", () => {
    const plain = [{ market: "BTCUSDT", size: "1", entryPrice: "50000" }, { market: "BTCUSDT", size: "-1", entryPrice: "50000" }];
    const generic = JSON.stringify({
      liquidatorShare: "0.5",
      markets: [{ id: "BTCUSDT", sizeDecimals: 3, priceDecimals: 1, markPrice: "50000", liquidationFee: "0.0125", tiers: [{ mmr: "0.004" }] }],
      accounts: [{ id: "h", collateral: "1000", positions: plain }],
    });
    expect(() => parseBookJson(generic)).toThrow(/position 2: field "market": "BTCUSDT" is already held by position 1 \(an account holds at most one position per market\)/);
    const book = parseBookJson(text("binance-usdm", [LONG("1", "50000"), SHORT("-1", "50000")]));
    const columns = { ...bookToColumns(book), positionSide: new Uint8Array([1, 1]) };
    // LONG with a negative size is refused before the pair is considered...
    expect(() => validateColumns(columns)).toThrow(/position 2: field "size": -1000 is not the size of a LONG position/);
    // ...and two LONGs as a market held twice.
    columns.positionSize[1] = 1000n;
    expect(() => validateColumns(columns)).toThrow(/position 2: field "market": market "BTCUSDT" is already held by position 1 \(an account holds at most one position per market, or a LONG and a SHORT in hedge mode\)/);
    expect(() => validateColumns({ ...columns, positionSide: new Uint8Array([1, 2]), positionSize: new BigInt64Array([1000n, -1000n]) })).not.toThrow();
  });
});

describe("hedge mode: hand-computed liquidation prices (both legs report the pair's price)", () => {
  // LONG 1 BTC and SHORT 0.5 BTC, both at 50,000, 1,000 USDT, 0.4 %: equity = 1000 + 0.5 (X - 50000),
  // MM = 0.004 * 1.5 X; equity <= MM  <=>  0.494 X <= 24000  <=>  X <= 48582.9959...: 48582.9 at 0.1.
  // In units (K = 1, mul 100): equity = 5e4 x - 2.4e10, MM = 400x + 200x; 49400 x <= 2.4e10, x <= 485829.
  it.each(ENGINES)("net long: 48582.9 on both legs (%s)", async (engine) => {
    const book = pairBook("1000", [LONG("1", "50000"), SHORT("-0.5", "50000")]);
    expect(await prices(engine, book)).toEqual([485829n, 485829n]);
    expect(isLiquidatable(book, 0, [485829n, 300000n])).toBe(true);
    expect(isLiquidatable(book, 0, [485830n, 300000n])).toBe(false);
  });
  // LONG 1 and SHORT 1 at 50,000 and 51,000: equity = 1000 + 1000 = 2000 at every mark, MM = 0.008 X:
  // liquidatable from X = 250,000 on (equity <= MM at 2000 = 0.008 * 250000 exactly).
  it.each(ENGINES)("flat: 250000.0, the least liquidatable price, on both legs (%s)", async (engine) => {
    const book = pairBook("1000", [SHORT("-1", "51000"), LONG("1", "50000")]);
    expect(await prices(engine, book)).toEqual([2_500_000n, 2_500_000n]);
  });
  // SHORT 2, LONG 0.5 at 50,000, 4,000 USDT: equity = 4000 - 1.5 (X - 50000) = 79000 - 1.5 X,
  // MM = 0.004 * 2.5 X = 0.01 X; liquidatable iff 79000 <= 1.51 X iff X >= 52317.88...: 52317.9.
  it.each(ENGINES)("net short: 52317.9 (%s)", async (engine) => {
    const book = pairBook("4000", [LONG("0.5", "50000"), SHORT("-2", "50000")]);
    expect(await prices(engine, book)).toEqual([523179n, 523179n]);
  });
  // Another symbol's pnl and maintenance are constants of the search: ETH 10 long at 3000 (mark
  // 3000) adds pnl 0 and MM 150 (0.5 % of 30,000): the first example with 1000 - 150 = 850 USDT:
  // 0.494 X <= 24150 -> X <= 48886.6396...: 48886.6; ETH's own price is the one-way search.
  it.each(ENGINES)("beside a one-way position in another symbol (%s)", async (engine) => {
    const book = pairBook("1000", [LONG("1", "50000"), { market: "ETHUSDT", size: "10", entryPrice: "3000" }, SHORT("-0.5", "50000")]);
    const got = await prices(engine, book);
    expect([got[0], got[2]]).toEqual([488866n, 488866n]);
    expect(got[1]).toBe(liquidationPrice(book, 0, 1));
  });
  it.each(ENGINES)("a zero-size leg leaves the other a one-way position (%s)", async (engine) => {
    const pair = pairBook("1000", [LONG("1", "50000"), SHORT("0", "50000")]);
    const alone = pairBook("1000", [LONG("1", "50000")]);
    const got = await prices(engine, pair);
    expect(got).toEqual([(await prices(engine, alone))[0], -1n]);
  });
  it("bankruptcy price of the pair: equity <= 0 at X <= 48000 (1000 + 0.5 (X - 50000) = 0)", async () => {
    for (const engine of ENGINES) {
      const live = await (await createEngine(engine)).load(pairBook("1000", [LONG("1", "50000"), SHORT("-0.5", "50000")]));
      expect([...live.bankruptcyPrices()], engine).toEqual([480000n, 480000n]);
      live.dispose();
    }
  });
});

describe("hedge mode: the liquidation map counts both legs on the side of the move that liquidates the pair", () => {
  it.each(ENGINES)("a net long pair at 48582.9: both legs' notional with the longs (%s)", async (engine) => {
    const live = await (await createEngine(engine)).load(pairBook("1000", [LONG("1", "50000"), SHORT("-0.5", "50000")]));
    const map = liquidationMap(live, { market: "BTCUSDT", from: 480_000n, to: 490_000n, buckets: 2 });
    // 1 BTC and 0.5 BTC at the mark 50,000: 50,000 and 25,000 USDT, in the bucket [485000, 490000).
    expect(map.buckets[1]).toMatchObject({ longNotional: 75_000_000_000n, shortNotional: 0n, longPositions: 2, shortPositions: 0 });
    expect(map.cumulativeLong).toEqual([75_000_000_000n, 75_000_000_000n]);
    expect(map.cumulativeShort).toEqual([0n, 0n]);
    live.dispose();
  });
  it("a net short pair above the mark: both with the shorts", async () => {
    const live = await (await createEngine("wasm")).load(pairBook("4000", [LONG("0.5", "50000"), SHORT("-2", "50000")]));
    const map = liquidationMap(live, { market: "BTCUSDT", from: 520_000n, to: 530_000n, buckets: 1 });
    expect(map.buckets[0]).toMatchObject({ longNotional: 0n, shortNotional: 125_000_000_000n, longPositions: 0, shortPositions: 2 });
    live.dispose();
  });
});

/** Greatest (downward) or least liquidatable mark of market 0 in [lo, hi], by evaluating every price. */
function bruteForce(book: Book, lo: bigint, hi: bigint, upward: boolean): bigint | null {
  const marks = book.markets.map((m) => m.markPrice);
  for (let i = 0n; i <= hi - lo; i++) {
    const x = upward ? lo + i : hi - i;
    marks[0] = x;
    if (isLiquidatable(book, 0, marks)) return x;
  }
  return null;
}

/**
 * Whether the pair in market 0 is liquidated by a rise: the sign of Binance's denominator at the
 * mark's brackets, sum(|s| * mmr) - (|sL| - |sS|) in rates of ppm, a zero following the net size.
 */
function liquidatedUpward(book: Book): boolean {
  const m = book.markets[0]!;
  let slope = 0n;
  let net = 0n;
  for (const p of book.accounts[0]!.positions.filter((x) => x.market === 0)) {
    const q = p.size < 0n ? -p.size : p.size;
    slope += q * m.tiers[tierIndex(m, notional(m, p.size, m.markPrice))]!.mmrPpm - p.size * 1_000_000n;
    net += p.size;
  }
  return slope > 0n || (slope === 0n && net <= 0n);
}

describe("hedge mode: the exact search against brute force over whole price domains", () => {
  it("agrees on 600 random hedged accounts, windows of 1,500 prices around the line (K = 1, 10^5 and 10^16)", () => {
    let found = 0, none = 0;
    for (let i = 0; i < 600; i++) {
      const seed = baseSeed + i;
      const rng = new Rng(seed);
      const { book } = randomBinanceAccount(rng, true);
      // A third of the books get 8 price decimals (K = 10^5, as Binance's 8-decimal marks give), a
      // third 12 size and 10 price decimals (K = 10^16: the band walk's exact BigInt path).
      const wide = i % 3 === 1 ? rescalePrices(book, 6) : i % 3 === 2 ? rescaleSizes(rescalePrices(book, 8), 9) : book;
      const a = wide.accounts[0]!;
      const k = a.positions.findIndex((p) => p.market === 0);
      const upward = liquidatedUpward(wide);
      const mark = wide.markets[0]!.markPrice;
      const free = liquidationPrice(wide, 0, k);
      // A window around the unrestricted answer (or the mark); the pair's price lies on one side of the mark.
      const centre = free ?? mark;
      const lo = centre > 700n ? centre - 700n - BigInt(rng.int(0, 99)) : 0n;
      const hi = lo + 1_499n < I64_MAX ? lo + 1_499n : I64_MAX;
      const want = upward ? (hi >= mark ? bruteForce(wide, lo > mark ? lo : mark, hi, true) : null) : lo <= mark ? bruteForce(wide, lo, hi < mark ? hi : mark, false) : null;
      const got = liquidationPrice(wide, 0, k, undefined, { minPrice: lo, maxPrice: hi });
      expect(got, `seed ${seed}: [${lo}, ${hi}]`).toBe(want);
      if (want === null) none++;
      else found++;
    }
    expect(found).toBeGreaterThan(300);
    expect(none).toBeGreaterThan(10);
  });

  it("prices a small flat hedge at 8 price decimals, whose band holds millions of prices", () => {
    // 0.010 BTC each way at 50,000 and 51,000, 5 USDT, 0.4 %: equity = 5 + 10 = 15 at every mark,
    // MM = 0.008 * 0.01 X: liquidatable from about X = 187,500 (a rise). K = 10^5, u = 10: the band
    // is about 5 * 10^6 prices of 10^-8 wide.
    const book = rescalePrices(pairBook("5", [LONG("0.01", "50000"), SHORT("-0.01", "51000")]), 7);
    const price = liquidationPrice(book, 0, 0)!;
    expect(price).toBe(liquidationPrice(book, 0, 1));
    expect(price > 18_749_000_000_000n && price < 18_751_000_000_000n, `${price}`).toBe(true);
    const at = (x: bigint) => isLiquidatable(book, 0, [x, book.markets[1]!.markPrice]);
    expect([at(price), at(price - 1n)]).toEqual([true, false]);
  });

  it("refuses, saying why, a band of prices it would have to walk past MAX_BAND", () => {
    // A flat pair at a 0 % rate: the margin is the constant A = 1 unit at every price, which the
    // bounds cannot tell from 0 (the band is the whole domain), so every price would be evaluated.
    const book = parseBookJson(JSON.stringify({
      venue: "binance-usdm",
      markets: [{ id: "X", sizeDecimals: 3, priceDecimals: 1, markPrice: "50000", liquidationFee: "0", tiers: [{ mmr: "0", cum: "0" }] }],
      accounts: [{ id: "h", collateral: "0.000002", positions: [LONG("1", "50000", "X"), SHORT("-1", "50000", "X")] }],
    }));
    expect(() => liquidationPrice(book, 0, 0)).toThrow(new RegExp(`market X: the hedged pair's liquidation price lies among \\d+ prices that its roundings decide .*at most ${MAX_BAND}`));
  });
});

/** The same book with `extra` more size decimals (sizes times 10^extra). */
function rescaleSizes(book: Book, extra: number): Book {
  const f = 10n ** BigInt(extra);
  return {
    ...book,
    markets: book.markets.map((m) => ({ ...m, sizeDecimals: m.sizeDecimals + extra })),
    accounts: book.accounts.map((a) => ({ ...a, positions: a.positions.map((p) => ({ ...p, size: p.size * f })) })),
  };
}

/** The same book with `extra` more price decimals (prices times 10^extra): K grows by 10^extra. */
function rescalePrices(book: Book, extra: number): Book {
  const f = 10n ** BigInt(extra);
  return {
    ...book,
    markets: book.markets.map((m) => ({ ...m, priceDecimals: m.priceDecimals + extra, markPrice: m.markPrice * f })),
    accounts: book.accounts.map((a) => ({ ...a, positions: a.positions.map((p) => ({ ...p, entryPrice: p.entryPrice * f })) })),
  };
}

describe("hedge mode: Binance's formula against the exact price, 400 random hedged accounts", () => {
  it("is liqscan's price to within one tick; a pair whose margin falls with a rise (Binance's denominator > 0 at the mark) above the mark, else below", async () => {
    const engine = await createEngine("wasm");
    let compared = 0, exact = 0, upward = 0, flat = 0;
    for (let i = 0; i < 400; i++) {
      const seed = baseSeed + 10_000 + i;
      const { book, case: c } = randomBinanceAccount(new Rng(seed), true);
      if (isLiquidatable(book, 0)) continue;
      const live = await engine.load(book);
      const all = live.liquidationPrices();
      live.dispose();
      const legs = book.accounts[0]!.positions.flatMap((p, k) => (p.market === 0 ? [all[k]!] : []));
      expect(legs[0], `seed ${seed}: both legs`).toBe(legs[1]);
      const price = legs[0]!;
      const closed = binance.liquidationPrice(c).price;
      if (closed === null) continue;
      compared++;
      const ticks = new Rat(price, 100n).sub(new Rat(closed.n, closed.d)).abs().mul(new Rat(100n)).toNumber();
      expect(ticks, `seed ${seed}: ${price} vs ${binance.show(closed, 4)}`).toBeLessThanOrEqual(1);
      if (ticks < 1) exact++;
      const net = book.accounts[0]!.positions.filter((p) => p.market === 0).reduce((s, p) => s + p.size, 0n);
      if (net === 0n) flat++;
      if (liquidatedUpward(book)) {
        upward++;
        expect(price, `seed ${seed}`).toBeGreaterThan(book.markets[0]!.markPrice);
      } else expect(price, `seed ${seed}`).toBeLessThan(book.markets[0]!.markPrice);
    }
    expect(compared).toBeGreaterThan(250);
    expect(upward).toBeGreaterThan(50);
    expect(flat).toBeGreaterThan(20);
    expect(exact).toBeGreaterThan(100);
  });
});

describe("hedge mode: the core scans hedged accounts as the reference does", () => {
  it("3,000+ random binance-usdm accounts, a third of them hedged, realistic and extreme", async () => {
    let hedged = 0;
    for (let i = 0; hedged < 1_000; i++) {
      const seed = baseSeed + 20_000 + i;
      const book = randomVenueBook(new Rng(seed), "binance-usdm", { accounts: 500, extreme: i % 2 === 0 ? 0.4 : 0.05, hedges: 0.35 });
      hedged += book.accounts.filter((a) => a.positions.some((p) => p.side === "SHORT") && a.positions.some((p) => p.side === "LONG")).length;
      const live = await (await createEngine("wasm")).load(book);
      const got = live.scan();
      const want = scanBook(book);
      want.results.forEach((w, a) => expect(got.account(a), `seed ${seed} account ${a}`).toEqual(w));
      expect(got.totals, `seed ${seed}`).toEqual(want.totals);
      live.dispose();
    }
  });
});

describe("hedge mode: live edits say which side", () => {
  it.each(ENGINES)("opens the other side, fills and closes each side, and refuses an ambiguous edit (%s)", async (engine) => {
    const live = await (await createEngine(engine)).load(pairBook("1000", [LONG("1", "50000")]));
    expect(() => live.openPosition(0, "BTCUSDT", -500n, 500_000n)).toThrow(/already holds a position in this market/);
    live.openPosition(0, "BTCUSDT", -500n, 500_000n, { side: "SHORT" });
    expect(() => live.position(0, "BTCUSDT")).toThrow(/holds this market LONG and SHORT \(hedge mode\): say which side/);
    expect(live.position(0, "BTCUSDT", "SHORT")).toEqual({ size: -500n, entryPrice: 500_000n });
    expect(() => live.fill(0, "BTCUSDT", 100n, 500_000n)).toThrow(/say which side/);
    live.fill(0, "BTCUSDT", -500n, 500_000n, 0n, "SHORT"); // the short grows to 1 BTC
    expect(live.position(0, "BTCUSDT", "SHORT")).toEqual({ size: -1000n, entryPrice: 500_000n });
    expect(live.position(0, "BTCUSDT", "LONG")).toEqual({ size: 1000n, entryPrice: 500_000n });
    // The scan and the prices of the edited pair are the reference's of the same book.
    const want = scanBook(live.toBook());
    expect(live.scan().account(0)).toEqual(want.results[0]);
    expect([...live.liquidationPrices()]).toEqual([liquidationPrice(live.toBook(), 0, 0) ?? -1n, liquidationPrice(live.toBook(), 0, 1) ?? -1n]);
    expect(() => live.fill(0, "BTCUSDT", -2000n, 500_000n, 0n, "LONG")).toThrow(BookError); // a LONG cannot cross zero
    live.closePosition(0, "BTCUSDT", "LONG");
    expect(live.position(0, "BTCUSDT")).toEqual({ size: -1000n, entryPrice: 500_000n });
    expect(() => live.openPosition(0, "ETHUSDT", 1n, 1n, { side: "LONG" })).not.toThrow();
    live.dispose();
  });
});
