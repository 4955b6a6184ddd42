// liqscan import gmx (book/venues/gmx-import.ts): the GMX SDK's shapes to a gmx-v2 book, exact;
// its JSON round trip; every refusal names the file, the record and the field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { liqscan } from "../support/run-cli.js";
import { importGmxBook } from "../../book/venues/gmx-import.js";
import { parseBookJson, validateBook } from "../../book/index.js";
import { BookError } from "../../book/errors.js";
import { scanBook } from "../../reference/index.js";
import { gmxTrigger, viewOf } from "../../reference/venues/gmx-v2.js";
import { createEngine } from "../../bindings/index.js";
import type { Book } from "../../book/types.js";
import { E30, config, json, marketInfo, pct, position, token } from "../support/gmx-sdk.js";

const run = (markets: unknown[], positions: unknown[], cfg: unknown = config()) =>
  importGmxBook({ markets: json(markets), marketsSource: "markets.json", positions: json(positions), positionsSource: "positions.json", config: json(cfg), configSource: "config.json" });

function refusal(f: () => unknown): BookError {
  try { f(); } catch (e) { if (e instanceof BookError) return e; throw e; }
  throw new Error("no error");
}

describe("import gmx", () => {
  it("maps a position to one isolated account: sizeInTokens, sizeInUsd, the collateral net of the close's costs, the impact as given", () => {
    const r = run([marketInfo()], [position({ pendingBorrowingFeesUsd: 3n * E30 + 5n, fundingFeeAmount: 1_000_000n, pendingImpactAmount: -(10n ** 15n) })]);
    validateBook(r.book);
    const m = r.book.markets[0]!;
    // 5 ETH in ETH's own 18 decimals (it fits), $2,000 in the 6 price decimals left (18 + 6 = 24).
    expect([m.sizeDecimals, m.priceDecimals, m.markPrice]).toEqual([18, 6, 2000_000_000n]);
    expect(m.gmx!.minCollateralFactorForLiquidation).toBe(pct(0.5));
    expect(m.gmx!.long.poolUsd).toBe(2_000_000n * E30); // USD at 10^-30, as the contracts keep it
    const a = r.book.accounts[0]!;
    expect(a.id).toBe("0xalice/0xmarket/0xusdc/long");
    expect(a.positions[0]).toEqual({ market: 0, size: 5n * 10n ** 18n, entryPrice: 10_000_000_000n });
    // 500 USDC - 6 (position fee) - floor(3.000...005 / 1) = 3 (borrowing) - 1 (funding) = 490.
    expect(a.balances).toEqual([{ asset: 0, amount: 490_000_000n }]);
    // -10^15 wei of ETH at its max price $2,000: -$2.
    expect(a.collateral).toBe(-2_000_000n);
    // The JSON text reads back to the same book.
    expect(parseBookJson(r.text)).toEqual(r.book);
    // 490 + 5 * 2000 - 10,000 - 2 = 488 > 50 (0.5 %): not liquidatable; at $1,912.4 it is.
    expect(scanBook(r.book).results[0]!.status).toBe("ok");
    expect(scanBook(r.book, [1_912_400_000n]).results[0]!.status).toBe("ok"); // 490 + 9562 - 10002 = 50: not below
    expect(scanBook(r.book, [1_912_399_999n]).results[0]!.status).toBe("liquidatable");
  });

  it("a short on the same market and a second collateral token", () => {
    const r = run([marketInfo()], [position(), position({ account: "0xbob", isLong: false, collateralTokenAddress: "0xeth", collateralAmount: 10n ** 17n, positionFeeAmount: 3n * 10n ** 15n })]);
    validateBook(r.book);
    expect(r.book.assets!.map((x) => x.id)).toEqual(["USDC", "ETH"]);
    expect(r.book.accounts[1]!.positions[0]!.size).toBe(-5n * 10n ** 18n);
    expect(r.book.accounts[1]!.balances).toEqual([{ asset: 1, amount: 97n * 10n ** 15n }]); // 0.1 - 0.003 ETH
    expect(r.book.assets![1]!.decimals).toBe(18);
    // 10 ETH of collateral does not fit 18 decimals in 64 bits: the fewest exact decimals instead.
    const big = run([marketInfo()], [position({ isLong: false, collateralTokenAddress: "0xeth", collateralAmount: 10n ** 19n, positionFeeAmount: 3n * 10n ** 15n })]);
    expect([big.book.assets![0]!.decimals, big.book.accounts[0]!.balances![0]!.amount]).toEqual([3, 9997n]);
  });

  it("refuses what the book cannot hold exactly, naming the file, the record and the field", () => {
    const cases: [() => unknown, string, string, RegExp][] = [
      [() => run([marketInfo()], [position({ sizeInUsd: 2n ** 125n + 1n })]), 'positions.json: [0]', "sizeInUsd", /digits past 10\^-6 USD and is past 2\^125/],
      [() => run([marketInfo()], [position({ closePriceImpactDeltaUsd: -(2n ** 125n) - 7n })]), 'positions.json: [0]', "closePriceImpactDeltaUsd", /past 2\^125/],
      [() => run([marketInfo()], [position({ sizeInUsd: 2n ** 63n * 10n ** 24n })]), 'positions.json: [0]', "sizeInUsd", /past 64 bits/],
      [() => run([marketInfo()], [position({ marketAddress: "0xnone" })]), "positions.json: [0]", "marketAddress", /not a market of markets.json/],
      [() => run([marketInfo()], [position({ collateralTokenAddress: "0xbtc" })]), "positions.json: [0]", "collateralTokenAddress", /neither/],
      [() => run([marketInfo()], [position({ isLong: "yes" })]), "positions.json: [0]", "isLong", /true or false/],
      [() => run([marketInfo()], [position({ sizeInTokens: 12.5 })]), "positions.json: [0]", "sizeInTokens", /whole number/],
      [() => run([marketInfo({ minCollateralFactorForLiquidation: pct(0.5) + 1n })], [position()]), "markets.json: [0]", "minCollateralFactorForLiquidation", /parts of 10\^9/],
      [() => run([marketInfo()], [position({ sizeInTokens: 10n ** 38n })]), "positions.json: [0]", "sizeInTokens", /a size unit of 10\^2 token units/],
      [() => run([marketInfo({ indexToken: token("0xeth", "ETH", 18, 2000n * E30 + 1n) })], [position()]), "markets.json: [0]", "indexToken.prices.minPrice", /no price decimals/],
      [() => run([marketInfo()], [position()], config({ liquidationFeeFactors: {} })), "config.json", "liquidationFeeFactors.0xmarket", /missing/],
      [() => run([marketInfo()], [position()], config({ extra: 1 })), "config.json", "extra", /unknown field/],
      [() => run([marketInfo()], [position(), position()]), "positions.json: [1]", "account", /also/],
      [() => importGmxBook({ markets: "[", marketsSource: "markets.json", positions: "[]", config: json(config()) }), "markets.json", "", /./],
    ];
    for (const [f, record, field, problem] of cases) {
      const e = refusal(f);
      expect([e.record, e.field], e.message).toEqual([record, field]);
      expect(e.problem).toMatch(problem);
    }
  });
});

describe("import gmx: real SDK responses at GMX's 10^-30", () => {
  // A positionsInfoData map as sdk.positions.getPositionsInfo() returns it (keyed by position key),
  // with the digits an interface-opened position has: sizeInUsd, fees and impacts to 10^-30. (Token
  // amounts still fit the 64-bit size column only in the fewest decimals that hold them: 9,036 ETH
  // of open interest needs 4 zeros at the end in wei; docs/venues/gmx-v2.md.)
  const ethMin = 3456_789012n * 10n ** 24n, ethMax = ethMin + 3n * 10n ** 24n; // $3,456.789012 and $3,456.789015 (ETH collateral in wei leaves 6 price decimals)
  const info = marketInfo({
    indexToken: token("0xeth", "ETH", 18, ethMin, ethMax), longToken: token("0xeth", "ETH", 18, ethMin, ethMax),
    maxPositionImpactFactorForLiquidations: pct(100),
    longInterestUsd: 31_234_567_890123456789012345678901234567n, longInterestInTokens: 9_036_123_456_789_012_340_000n,
    shortInterestUsd: 28_765_432_109876543210987654321098765432n, shortInterestInTokens: 8_321_987_654_321_098_760_000n,
    longPoolAmount: 12_345_678_901_234_567_890_123n, shortPoolAmount: 45_678_901_234_567n,
  });
  const alice = position({
    key: "0xk1", sizeInUsd: 1000_123456789012345678901234567890n, sizeInTokens: 289_322_571_438_290_000n, collateralAmount: 150_000_000n,
    pendingBorrowingFeesUsd: 123456789012345678901234567n, fundingFeeAmount: 1_234n, positionFeeAmount: 600_073n,
    pendingImpactAmount: -11_111_111_111_111n, closePriceImpactDeltaUsd: -1_234567890123456789012345678n,
  });
  const bob = position({
    key: "0xk2", account: "0xbob", isLong: false, collateralTokenAddress: "0xeth", sizeInUsd: 2500_000000000000000000000000000001n,
    sizeInTokens: 723_214_285_714_280_000n, collateralAmount: 98_765_432_109_876_543n, pendingBorrowingFeesUsd: 7n, positionFeeAmount: 433_935_000_000_000n,
    pendingImpactAmount: 22_222_222_222n,
  });
  const positionsInfoData = { "0xk1": alice, "0xk2": bob };
  const imported = () => importGmxBook({ markets: json({ "0xmarket": info }), positions: json(positionsInfoData), config: json(config()) });

  it("takes them whole: the exact amounts as given, their floors the quote images", () => {
    const r = imported();
    validateBook(r.book);
    const [a, b] = r.book.accounts;
    expect(a!.positions[0]!.sizeInUsd30).toBe(1000_123456789012345678901234567890n);
    expect(a!.positions[0]!.entryPrice).toBe(1000_123456n);
    // The impact: the close's estimate plus the pending impact (-1.1e-5 ETH) at the index max price.
    const impact = -1_234567890123456789012345678n + (-11_111_111_111_111n * ethMax) / 10n ** 18n;
    expect(a!.collateral30).toBe(impact);
    expect(a!.collateral).toBe(-(( -impact + 10n ** 24n - 1n) / 10n ** 24n)); // the floor
    expect(b!.positions[0]!.sizeInUsd30).toBe(2500_000000000000000000000000000001n);
    expect(b!.collateral30).toBe((22_222_222_222n * ethMin) / 10n ** 18n); // a positive pending impact at the min price
    const g = r.book.markets[0]!.gmx!;
    expect(g.long.openInterestUsd).toBe(31_234_567_890123456789012345678901234567n);
    expect(g.long.poolUsd).toBe((12_345_678_901_234_567_890_123n * ethMin) / 10n ** 18n);
    expect(parseBookJson(r.text)).toEqual(r.book);
    expect(r.text).toContain('"sizeInUsd": "1000.123456789012345678901234567890"');
  });

  it("both engines scan them to the same statuses and amounts, and a unit at 10^-30 decides", async () => {
    const r = imported();
    const [wasm, reference] = await Promise.all([createEngine("wasm"), createEngine("reference")]);
    const check = async (book: Book, where: string) => {
      const want = scanBook(book);
      const w = await wasm.load(book);
      const got = w.scan();
      want.results.forEach((x, i) => expect(got.account(i), `${where} ${i}`).toEqual(x));
      expect(got.totals).toEqual(want.totals);
      // The snapshot holds the exact amounts: restored on either engine, the same book, the same bytes.
      const image = w.snapshot();
      expect((await wasm.restore(image)).snapshot()).toEqual(image);
      expect((await reference.restore(image)).toBook()).toStrictEqual(w.toBook());
      const r = await reference.load(book);
      r.scan();
      expect(r.snapshot()).toEqual(image); // both engines write the same image of the same book
      w.dispose();
      return want.results.map((x) => x.status);
    };
    expect(await check(r.book, "as imported")).toEqual(["ok", "ok"]);
    // Alice's close impact moved so that remaining is her threshold exactly at 10^-30, then one unit less.
    const v = viewOf(r.book, r.book.accounts[0]!)!;
    const t = gmxTrigger(v, r.book.markets[0]!.markPrice, r.book.assets![0]!.price);
    const threshold = t.minCollateralUsd > t.minCollateralUsdForLeverage ? t.minCollateralUsd : t.minCollateralUsdForLeverage;
    const pending = (-11_111_111_111_111n * ethMax) / 10n ** 18n;
    for (const [less, want] of [[0n, "ok"], [1n, "liquidatable"]] as const) {
      const close = -1_234567890123456789012345678n - (t.remaining - threshold) - less;
      const moved = importGmxBook({ markets: json({ "0xmarket": info }), positions: json({ ...positionsInfoData, "0xk1": { ...alice, closePriceImpactDeltaUsd: close } }), config: json(config()) });
      expect(moved.book.accounts[0]!.collateral30).toBe(close + pending);
      expect((await check(moved.book, `less ${less}`))[0]).toBe(want);
    }
  });

  it("a real ETH market's open interest ($300M a side, past the old 2^125 bound) is exact: a profitable position's capped pnl, in both engines", async () => {
    // 5 ETH long at $2,000 for $9,000: pnl $1,000. The longs: $300M of open interest in 160,000 ETH,
    // worth $320M at $2,000: a pool pnl of $20M. A pool of 1,000 ETH ($2M, 90 %: $1.8M) caps it:
    // 1,000 * 1.8M / 20M = $90; 100,000 ETH ($200M, 90 %: $180M) does not. Collateral 500 - 6 USDC.
    for (const [poolEth, equity] of [[1_000n, 584_000_000n], [100_000n, 1_494_000_000n]] as const) {
      const big = marketInfo({ longInterestUsd: 300_000_000n * E30, longInterestInTokens: 160_000n * 10n ** 18n, longPoolAmount: poolEth * 10n ** 18n });
      const r = importGmxBook({ markets: json([big]), positions: json([position({ sizeInUsd: 9_000n * E30 })]), config: json(config()) });
      const want = scanBook(r.book).results[0]!;
      expect(want.status).toBe("ok");
      expect(want.equity, `pool ${poolEth} ETH`).toBe(equity);
      const w = await (await createEngine("wasm")).load(r.book);
      const got = w.scan();
      expect(got.status[0]).toBe(0);
      expect(got.account(0)).toEqual(want);
      w.dispose();
    }
    // Past 2^192 - 1 (the core's 256-bit pool path bound): refused, naming the market's record and field.
    const cases: [Record<string, unknown>, string][] = [[{ longInterestUsd: 2n ** 192n }, "longInterestUsd"], [{ shortInterestUsd: 2n ** 200n }, "shortInterestUsd"],
      [{ shortPoolAmount: 2n ** 192n / E30 * 10n ** 6n + 10n ** 6n }, "shortPoolAmount"]];
    for (const [over, field] of cases) {
      const e = refusal(() => run([marketInfo(over)], [position()]));
      expect([e.record, e.field], e.message).toEqual(["markets.json: [0]", field]);
      expect(e.problem).toMatch(/2\^192 - 1/);
    }
  });

  it("token amounts with all 18 digits (a real ETH market: 45,000.123456789012345678 ETH of open interest, a 123.456789012345678901 ETH long): exact, in both engines", async () => {
    // The SDK's amounts in wei with every digit: none fits 64 bits in wei, nor in fewer exact decimals.
    const T = 123_456_789_012_345_678_901n, n = 45_000_123_456_789_012_345_678n;
    const min = 2000_1234n * 10n ** 26n, max = 2000_1235n * 10n ** 26n; // $2,000.1234 / $2,000.1235 at 10^30
    const ethT = token("0xeth", "ETH", 18, min, max);
    const m = marketInfo({ indexToken: ethT, longToken: ethT, longInterestUsd: 80_000_000n * E30, longInterestInTokens: n,
      shortInterestUsd: 90_000_000n * E30, shortInterestInTokens: n + 4_321n, longPoolAmount: 5_000_123_456_789_012_345_678n });
    const r = run([m], [position({ sizeInTokens: T, sizeInUsd: 200_000n * E30, collateralAmount: 2_500n * 10n ** 6n }), position({ account: "0xbob", isLong: false, sizeInTokens: 1n * 10n ** 15n + 1n, sizeInUsd: 2n * E30 })]);
    validateBook(r.book);
    const bm = r.book.markets[0]!;
    // Exact in wei (tokenDecimals 18); the images in 10^-16 ETH, the finest in which 123.45 ETH fits
    // 64 bits (T / 100 < 2^63); the price in the 8 decimals left (16 + 8 = 24).
    expect([bm.gmx!.tokenDecimals, bm.sizeDecimals, bm.priceDecimals, bm.markPrice, bm.gmx!.indexPriceSpread]).toEqual([18, 16, 8, 200_012_340_000n, 10_000n]);
    expect([bm.gmx!.long.openInterestInTokens, bm.gmx!.short.openInterestInTokens]).toEqual([n, n + 4_321n]);
    expect(r.book.accounts[0]!.positions[0]).toMatchObject({ size: 1_234_567_890_123_456_789n, sizeInTokens: T });
    expect(r.book.accounts[1]!.positions[0]).toMatchObject({ size: -10_000_000_000_000n, sizeInTokens: -(10n ** 15n + 1n) });
    expect(r.text).toContain('"size": "123.456789012345678901"');
    expect(r.text).toContain('"openInterestInTokens": "45000.123456789012345678"');
    expect(parseBookJson(r.text)).toEqual(r.book);
    // The capped pnl by hand: V = T * 2000.1234 at 10^-30, the pool pnl n * 2000.1235 (the long's
    // max) - $80M = $10,005,804.3..., the bound applyFactor(5,000.12 ETH at $2,000.1234, 90 %) = $9.0M: the cap binds.
    const V = T * min / 10n ** 18n, pool = n * max / 10n ** 18n - 80_000_000n * E30;
    const B = (5_000_123_456_789_012_345_678n * min / 10n ** 18n) * pct(90) / E30;
    expect(pool).toBeGreaterThan(B);
    const capped = (V - 200_000n * E30) * B / pool;
    const want = scanBook(r.book).results;
    expect(want[0]!.equity).toBe(((2_500n - 6n) * E30 + capped) / 10n ** 24n); // 2,494 USDC net of the 6 USDC fee
    const w = await (await createEngine("wasm")).load(r.book);
    const got = w.scan();
    want.forEach((x, i) => expect(got.account(i), `account ${i}`).toEqual(x));
    w.dispose();
    // Past the bounds: a position smaller than the size unit the largest needs, open interest past 2^128 wei.
    const small = refusal(() => run([m], [position({ sizeInTokens: T }), position({ account: "0xbob", sizeInTokens: 99n })]));
    expect([small.record, small.field]).toEqual(["positions.json: [1]", "sizeInTokens"]);
    expect(small.problem).toMatch(/below one size unit \(10\^-16 ETH\)/);
    const past = refusal(() => run([marketInfo({ ...m, longInterestInTokens: 2n ** 128n + 1n })], [position({ sizeInTokens: T })]));
    expect([past.record, past.field]).toEqual(["markets.json: [0]", "longInterestInTokens"]);
    expect(past.problem).toMatch(/below 2\^128/);
  });

  it("a small 18-decimal market (every amount below 9.2 ETH in wei) whose prices need 12 decimals: the exact path, not a refusal", async () => {
    // In wei every amount fits 64 bits, but 18 size decimals leave 6 for the price (their sum is at
    // most 24) and $2,000.123456789012 needs 12: the amounts are kept exact in wei beside coarser
    // size images instead (tokenDecimals + priceDecimals <= 30), and the collateral in WETH alike.
    const min = 2000_123456789012n * 10n ** 18n, max = 2000_123456789013n * 10n ** 18n;
    const ethT = token("0xeth", "ETH", 18, min, max);
    const m = marketInfo({ indexToken: ethT, longToken: ethT, longInterestUsd: 10_000n * E30, longInterestInTokens: 5_123_456_789_012_345_678n,
      shortInterestUsd: 6_000n * E30, shortInterestInTokens: 3_000_000_000_000_000_001n, longPoolAmount: 9_000_000_000_000_000_001n });
    const T = 1_000_000_000_000_000_001n;
    const r = run([m], [position({ sizeInTokens: T, sizeInUsd: 2_000n * E30, collateralAmount: 2_500n * 10n ** 6n }),
      position({ account: "0xbob", isLong: false, sizeInTokens: 2n * 10n ** 15n + 7n, sizeInUsd: 4n * E30, collateralTokenAddress: "0xeth", collateralAmount: 1_234_567_890_123_456_789n, positionFeeAmount: 0n })]);
    validateBook(r.book);
    const bm = r.book.markets[0]!;
    expect([bm.gmx!.tokenDecimals, bm.priceDecimals, bm.markPrice]).toEqual([18, 12, 2000_123456789012n]);
    expect(r.book.accounts[0]!.positions[0]).toMatchObject({ sizeInTokens: T });
    expect(r.book.accounts[1]!.positions[0]).toMatchObject({ sizeInTokens: -(2n * 10n ** 15n + 7n) });
    expect(r.text).toContain('"size": "1.000000000000000001"');
    const weth = r.book.assets!.find((a) => a.id === "ETH")!;
    expect(weth.tokenDecimals).toBe(18);
    expect(parseBookJson(r.text)).toEqual(r.book);
    const want = scanBook(r.book).results;
    const w = await (await createEngine("wasm")).load(r.book);
    const got = w.scan();
    want.forEach((x, i) => expect(got.account(i), `account ${i}`).toEqual(x));
    w.dispose();
  });

  it("WETH collateral with all 18 digits (12.345678901234567891 WETH, past 9.2 ETH in wei): exact, in both engines", async () => {
    const W = 12_345_678_901_234_567_891n, fee = 3n * 10n ** 15n + 7n;
    const r = run([marketInfo()], [position({ isLong: false, collateralTokenAddress: "0xeth", collateralAmount: W, positionFeeAmount: fee }), position({ account: "0xbob", collateralTokenAddress: "0xeth", collateralAmount: 10n ** 18n + 1n, positionFeeAmount: 0n })]);
    validateBook(r.book);
    const a = r.book.assets![0]!;
    // Exact in wei; balances in the finest unit that holds 12.34 WETH in 64 bits (10^-17: j = 1),
    // the price ($2,000 at 10^30) in the decimals left (17 + pc <= 24, 18 + pc <= 30).
    expect([a.id, a.tokenDecimals, a.decimals, a.priceDecimals, a.price]).toEqual(["ETH", 18, 17, 7, 20_000_000_000n]);
    expect(r.book.accounts[0]!.balances).toEqual([{ asset: 0, amount: (W - fee) / 10n, tokenAmount: W - fee }]);
    expect(r.book.accounts[1]!.balances).toEqual([{ asset: 0, amount: 10n ** 17n, tokenAmount: 10n ** 18n + 1n }]);
    expect(r.text).toContain('"ETH": "12.342678901234567884"');
    expect(parseBookJson(r.text)).toEqual(r.book);
    // The collateral by hand: (W - fee) wei at $2,000 is C = (W - fee) * 2000 * 10^12 at 10^-30.
    const v = viewOf(r.book, r.book.accounts[0]!)!;
    expect(gmxTrigger(v, r.book.markets[0]!.markPrice, a.price).remaining).toBe((W - fee) * 2000n * 10n ** 12n + 10_000n * E30 - 5n * 10n ** 18n * 2000n * 10n ** 12n);
    const want = scanBook(r.book).results;
    const w = await (await createEngine("wasm")).load(r.book);
    const got = w.scan();
    want.forEach((x, i) => expect(got.account(i), `account ${i}`).toEqual(x));
    w.dispose();
  });
});

describe("liqscan import gmx", () => {
  const dir = mkdtempSync(join(tmpdir(), "liqscan-import-gmx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, v: unknown) => { const f = join(dir, name); writeFileSync(f, json(v)); return f; };
  const markets = write("markets.json", { "0xmarket": marketInfo() });
  const cfg = write("config.json", config());

  it("writes the book: exit 0; it scans and prices", async () => {
    const positions = write("positions.json", { k1: position(), k2: position({ account: "0xbob", collateralAmount: 60n * 10n ** 6n }) });
    const out = join(dir, "book.json");
    const r = await liqscan("import", "gmx", "--markets", markets, "--positions", positions, "--config", cfg, "--out", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote 2 accounts and 2 positions over 1 markets (gmx) to ${out}\n`);
    expect(readFileSync(out, "utf8")).toBe(run([marketInfo()], [position(), position({ account: "0xbob", collateralAmount: 60n * 10n ** 6n })]).text);
    const scan = await liqscan("scan", out, "--all", "--json");
    expect(scan.code).toBe(0);
    // bob: 60 - 6 = $54 against 0.5 % of $10,000 = $50: ok; at the mark alice has $494.
    expect(JSON.parse(scan.stdout).accounts.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([["0xalice/0xmarket/0xusdc/long", "ok"], ["0xbob/0xmarket/0xusdc/long", "ok"]]);
    const prices = await liqscan("liq-price", out, "--json");
    expect(prices.code).toBe(0);
    expect(prices.stdout).toContain("0xbob");
  });

  it("bad input and usage errors: exit 2 naming the file, no book written", async () => {
    const bad = write("bad.json", [position({ sizeInUsd: 2n ** 126n + 1n })]);
    const out = join(dir, "never.json");
    const r = await liqscan("import", "gmx", "--markets", markets, "--positions", bad, "--config", cfg, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^liqscan: ${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\[0\\]: field "sizeInUsd": ${2n ** 126n + 1n} \\(USD at 10\\^-30\\) has digits past 10\\^-6 USD and is past 2\\^125`));
    expect(existsSync(out)).toBe(false);
    const cases: [string[], string][] = [
      [["import", "gmx", "--positions", "p.json", "--config", "c.json", "--out", "b.json"], 'liqscan: import gmx: missing --markets MARKETS.json (see "liqscan import --help")\n'],
      [["import", "gmx", "--markets", "m.json", "--config", "c.json", "--out", "b.json"], 'liqscan: import gmx: missing --positions POSITIONS.json (see "liqscan import --help")\n'],
      [["import", "gmx", "--markets", "m.json", "--positions", "p.json", "--out", "b.json"], 'liqscan: import gmx: missing --config CONFIG.json (see "liqscan import --help")\n'],
    ];
    for (const [args, stderr] of cases) {
      const res = await liqscan(...args);
      expect({ args, code: res.code, stderr: res.stderr }).toEqual({ args, code: 2, stderr });
    }
  });
});
