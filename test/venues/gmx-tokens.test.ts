// gmx-v2 index token amounts past 64 bits (layout 11, book/gmx-wide.ts): a market's tokenDecimals
// holds sizeInTokens and the open interest in tokens exactly (wei for ETH) beside the size image in
// coarser size units; both engines form tokens * price from the exact amount. Hand-computed
// real-sized ETH positions (one wei deciding), the pnl cap against 45,000 ETH of open interest, the
// bounds' extremes and refusals, the JSON and table forms, snapshots, live edits. Seeds vary per run.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../bindings/index.js";
import type { Asset, Book, GmxMarket, Market } from "../../book/types.js";
import { bookToColumns, columnsToBook, parseBookCsv, parseBookJson, validateBook, writeBookCsv, writeBookJson } from "../../book/index.js";
import { BookError } from "../../book/errors.js";
import { liquidationPrice, scanBook } from "../../reference/index.js";
import { gmxTrigger, viewOf } from "../../reference/venues/gmx-v2.js";
import { Rng } from "../support/random-book.js";
import { gmxBook as book } from "../support/gmx-random.js";

const E30 = 10n ** 30n, E24 = 10n ** 24n;
const F = (pct: bigint) => pct * 10n ** 28n; // whole percent as a GMX factor
const STATUS = ["ok", "liquidatable", "overflow"];
const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);
const none = { maxPnlFactorForTraders: 0n, openInterestUsd: 0n, openInterestInTokens: 0n, poolUsd: 0n };
const usdc: Asset = { id: "USDC", decimals: 6, priceDecimals: 6, price: 1_000_000n, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n };

function gmx(over: Partial<GmxMarket> = {}): GmxMarket {
  return {
    tokenDecimals: 18, indexPriceSpread: 0n, minCollateralFactorForLiquidation: F(1n), liquidationFeeFactor: F(0n), liquidationFeeReceiverFactor: F(37n),
    maxPositionImpactFactorForLiquidations: F(20n), minCollateralUsd: E30, long: none, short: none, ...over,
  };
}
/** ETH/USD at $2,000.1234: sizes in 10^-12 ETH (images), sizeInTokens in wei (tokenDecimals 18), prices in 10^-4 USD. */
const eth = (over: Partial<GmxMarket> = {}, mark = 20_001_234n): Market =>
  ({ id: "ETH/USD", sizeDecimals: 12, priceDecimals: 4, markPrice: mark, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n, gmx: gmx(over) });

async function both(b: Book) {
  validateBook(b);
  const want = scanBook(b).results;
  const live = await (await createEngine("wasm")).load(b);
  const got = live.scan();
  want.forEach((r, a) => { expect(STATUS[got.status[a]!], `account ${a}`).toBe(r.status); expect(got.account(a), `account ${a}`).toEqual(r); });
  live.dispose();
  return want;
}

// 123.456789012345678901 ETH: all 18 digits (the image is 123.456789012345 ETH in 10^-12).
const T = 123_456_789_012_345_678_901n;

describe("gmx-v2: sizeInTokens exact in wei", () => {
  it("a 123.456789012345678901 ETH long sits exactly on the 1 % threshold; one wei less is liquidatable, in both engines", async () => {
    // V = T * 20,001,234 * 10^(30 - 18 - 4) = $246,928.812592455481258776383400000000 at 10^-30.
    const V = 246_928_812_592_455_481_258_776_383_400_000_000n;
    expect(T * 20_001_234n * 10n ** 8n).toBe(V);
    // 2,500 USDC; sizeInUsd E with C + V - E = floor(E / 100) (the 1 % threshold): E = 100 q + r,
    // 101 q + r = C + V, q = floor((C + V) / 101), r = 27.
    const E = 246_959_220_388_569_783_424_531_072_673_267_327n;
    const M = 2_469_592_203_885_697_834_245_310_726_732_673n; // floor(E / 100), > MIN_COLLATERAL_USD ($1)
    expect(2_500n * E30 + V - E).toBe(M);
    const at = (tokens: bigint) => book(eth(), [usdc], [{ size: 0n, tokens, sizeInUsd: E / E24, sizeInUsd30: E, collateral: 2_500_000_000n }]);
    const exact = at(T);
    expect(exact.accounts[0]!.positions[0]).toMatchObject({ size: 123_456_789_012_345n, sizeInTokens: T });
    const [ok] = await both(exact);
    expect(ok!.status).toBe("ok");
    expect(ok!.equity).toBe(M / E24); // remaining = M, truncated to quote units
    expect(ok!.maintenance).toBe(M / E24 + 1n); // the threshold rounded up
    expect((await both(at(T - 1n)))[0]!.status).toBe("liquidatable");
    expect((await both(at(T + 1n)))[0]!.status).toBe("ok");
    // The image alone (123.456789012345 ETH, the wei below dropped) is $0.0013578857763834 short: liquidatable.
    const image = at(123_456_789_012_345n * 10n ** 6n);
    expect(image.accounts[0]!.positions[0]!.sizeInTokens).toBeUndefined();
    expect((await both(image))[0]!.status).toBe("liquidatable");
    // The short of the same size: E - V at the max price (spread 0); C + E - V = floor(E / 100):
    // 99 q + r = V - C, q = floor((V - C) / 99).
    const q = (V - 2_500n * E30) / 99n, Es = 100n * q + (V - 2_500n * E30 - 99n * q);
    const short = (tokens: bigint) => book(eth(), [usdc], [{ size: 0n, tokens: -tokens, sizeInUsd: Es / E24, sizeInUsd30: Es, collateral: 2_500_000_000n }]);
    expect(2_500n * E30 + Es - V).toBe(Es / 100n);
    expect((await both(short(T)))[0]!.status).toBe("ok");
    expect((await both(short(T + 1n)))[0]!.status).toBe("liquidatable");
    expect((await both(short(T - 1n)))[0]!.status).toBe("ok");
  });

  it("the pnl cap against 45,000.123456789012345678 ETH of long open interest ($300M pool a side), one wei of the position deciding", async () => {
    // The long side: n = 45,000.123456789012345678 ETH in wei (past 2^75), bought for $80,000,000;
    // worth W = n * x * 10^8 = $90,005,799.8... at $2,000.1234, so the pool pnl W - O is about $10.0M,
    // above the bound B = applyFactor($300,000,000, 2 %) = $6,000,000: the cap binds.
    const n = 45_000_123_456_789_012_345_678n;
    const O = 80_000_000n * E30, B = 6_000_000n * E30;
    const long = { maxPnlFactorForTraders: F(2n), openInterestUsd: O, openInterestInTokens: n, poolUsd: 300_000_000n * E30 };
    const m = eth({ long, short: { ...long, openInterestInTokens: n, openInterestUsd: 300_000_000n * E30 } });
    const W = n * 20_001_234n * 10n ** 8n;
    expect(W).toBe(90_005_799_928_812_592_455_479_456_665_200_000_000n);
    const pool = W - O;
    // The position: sizeInUsd $200,000, so pnl = V - E = $46,928.81...; capped = floor(pnl * B / pool).
    const V = T * 20_001_234n * 10n ** 8n, E = 200_000n * E30;
    const capped = ((V - E) * B) / pool;
    expect(capped).toBe(28_140_965_995_524_126_264_019_723_452_906_287n); // $28,140.97, not $46,928.81
    const b0 = book(m, [usdc], [{ size: 0n, tokens: T, sizeInUsd: 200_000_000_000n, collateral: 1_000_000_000n }]);
    const [r0] = await both(b0);
    expect(r0!.status).toBe("ok");
    expect(r0!.equity).toBe((1_000n * E30 + capped) / E24); // $29,123.522398
    // An impact that brings the remainder to the threshold (max($1, applyFactor(E, 1 %)) = $2,000)
    // exactly: ok; one wei less of the position lowers the capped pnl past a 10^-30 unit: liquidatable.
    const Q = 2_000n * E30 - 1_000n * E30 - capped;
    const at = (tokens: bigint) => book(m, [usdc], [{ size: 0n, tokens, sizeInUsd: 200_000_000_000n, collateral: 1_000_000_000n, impact30: Q }]);
    expect(gmxTrigger(viewOf(at(T), at(T).accounts[0]!)!, m.markPrice, 1_000_000n).remaining).toBe(2_000n * E30);
    expect((await both(at(T)))[0]!.status).toBe("ok");
    const capped1 = ((T - 1n) * 20_001_234n * 10n ** 8n - E) * B / pool;
    expect(capped1).toBeLessThan(capped);
    expect((await both(at(T - 1n)))[0]!.status).toBe("liquidatable");
    // One wei more open interest in tokens raises the pool pnl by $2.0001234 * 10^-15 and the cap
    // lowers the capped pnl by less than a 10^-30 unit here: the floor keeps it (both engines agree).
    const more = book(eth({ long: { ...long, openInterestInTokens: n + 1n } }), [usdc], [{ size: 0n, tokens: T, sizeInUsd: 200_000_000_000n, collateral: 1_000_000_000n, impact30: Q }]);
    const cappedMore = ((V - E) * B) / (pool + 20_001_234n * 10n ** 8n);
    expect((await both(more))[0]!.status).toBe(cappedMore < capped ? "liquidatable" : "ok");
  });

  it("the bounds' extremes: open interest in tokens at 2^128 - 1 (2^192 at one price unit), sizeInTokens near 2^127, in both engines", async () => {
    // td + pd = 30: one price unit is 10^-30 USD a token unit, so n may reach 2^128 - 1 and the
    // side's value n * x (x below 2^63) passes 2^190; td - sd = 19: a size unit of 10^19 token units.
    const rng = new Rng(baseSeed);
    const seen = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const isLong = rng.chance(0.6);
      const mark = rng.chance(0.5) ? BigInt(rng.int(1, 1000)) : 2n ** 62n + rng.bits(40);
      const n = rng.chance(0.5) ? 2n ** 128n - 1n - rng.bits(30) : rng.bits(rng.int(1, 128));
      const side = { maxPnlFactorForTraders: F(BigInt(rng.int(0, 100))), openInterestUsd: rng.bits(rng.int(1, 192)), openInterestInTokens: n, poolUsd: rng.bits(rng.int(1, 192)) };
      const m: Market = { id: "X", sizeDecimals: 0, priceDecimals: 12, markPrice: mark, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n,
        gmx: gmx({ tokenDecimals: 18, minCollateralUsd: 0n, ...(isLong ? { long: side } : { short: side }) }) };
      // sizeInTokens up to (2^63 - 1) * 10^18 + 10^18 - 1 (sd 0, td 18); most positions below 2^125 in value.
      const tokens = rng.chance(0.3) ? (2n ** 63n - 1n) * 10n ** 18n + rng.bits(59) % 10n ** 18n : rng.bits(rng.int(1, 100)) + 10n ** 18n;
      const value = tokens * mark;
      const e = value - BigInt(rng.int(-100, 100)) * (value / 1000n) + 1n;
      const sizeInUsd30 = e > 0n && e < 2n ** 125n ? e : rng.bits(120) + 1n;
      const r = await both(book(m, [usdc], [{ size: 0n, tokens: isLong ? tokens : -tokens, sizeInUsd: sizeInUsd30 / E24, sizeInUsd30, collateral: BigInt(rng.int(-1000, 1000)) * 1_000_000n }]));
      seen.add(r[0]!.status);
      if (n >= 2n ** 127n) seen.add("n past 2^127");
    }
    expect([...seen].sort()).toEqual(["liquidatable", "n past 2^127", "ok", "overflow"]);
  });

  it("refuses past the bounds, naming the record and the field", () => {
    const refusal = (b: Book): BookError => { try { validateBook(b); } catch (e) { if (e instanceof BookError) return e; throw e; } throw new Error("no error"); };
    const one = (m: Market, p: Record<string, bigint> = {}): Book => ({ venue: "gmx-v2", liquidatorSharePpm: 0n, markets: [m], assets: [usdc],
      accounts: [{ id: "p", collateral: 0n, margin: "isolated", positions: [{ market: 0, size: 123_456_789_012_345n, entryPrice: 1n, sizeInTokens: T, ...p }], balances: [{ asset: 0, amount: 0n }] }] });
    const side = (tokens: bigint) => ({ ...none, openInterestInTokens: tokens });
    const whole = (tokens: bigint): Book => ({ venue: "gmx-v2", liquidatorSharePpm: 0n, assets: [usdc],
      markets: [{ id: "X", sizeDecimals: 0, priceDecimals: 0, markPrice: 1n, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n, gmx: gmx({ tokenDecimals: 0, short: side(tokens) }) }],
      accounts: [{ id: "p", collateral: 0n, margin: "isolated", positions: [{ market: 0, size: 5n, entryPrice: 1n }], balances: [{ asset: 0, amount: 0n }] }] });
    const cases: [Book, string, string, RegExp][] = [
      [one(eth({ long: side(2n ** 128n) }, 1n)), 'market "ETH/USD"', "gmx.long.openInterestInTokens", /\[0, 2\^128 - 1\]/],
      // td = pd = 0: one price unit is 10^30 at 10^-30 a token, so n * 10^30 reaches 2^192 below 2^128.
      [whole(2n ** 192n / E30 + 1n), 'market "X"', "gmx.short.openInterestInTokens", /times 10\^30 .* reaches 2\^192/],
      [one(eth({ tokenDecimals: 11 })), 'market "ETH/USD"', "gmx.tokenDecimals", /outside \[sizeDecimals 12/],
      [one(eth({ tokenDecimals: 19 })), 'market "ETH/USD"', "gmx.tokenDecimals", /passes 18/],
      [one({ ...eth(), sizeDecimals: 0, priceDecimals: 13 }), 'market "ETH/USD"', "gmx.tokenDecimals", /passes 30/],
      [one(eth(), { sizeInTokens: T + 10n ** 6n }), 'account "p" position 1', "sizeInTokens", /is not size 123456789012345/],
      [one(eth(), { sizeInTokens: -T }), 'account "p" position 1', "sizeInTokens", /the side's sign/],
    ];
    for (const [b, record, field, problem] of cases) {
      const e = refusal(b);
      expect([e.record, e.field], e.message).toEqual([record, field]);
      expect(e.message).toMatch(problem);
    }
    // Below the bounds: accepted.
    validateBook(one(eth({ long: side(2n ** 128n - 1n) }, 1n)));
    validateBook(whole(2n ** 192n / E30));
    // A non-gmx book holds no sizeInTokens.
    const generic = { ...one(eth()), venue: undefined, markets: [{ ...eth(), gmx: undefined }] } as unknown as Book;
    expect(() => validateBook(generic)).toThrow(/sizeInTokens|gmx/);
  });
});

describe("gmx-v2: collateral token amounts exact in wei", () => {
  // WETH collateral: balances in 10^-12 WETH (images), exact in wei (tokenDecimals 18), priced in 10^-4 USD.
  const weth = (price = 20_001_234n): Asset => ({ id: "WETH", decimals: 12, tokenDecimals: 18, priceDecimals: 4, price, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n });
  // 12.345678901234567891 WETH: past 9.2 ETH in wei, all 18 digits.
  const W = 12_345_678_901_234_567_891n;
  const E = 268_932_370_150_199_038_996_489_240_396_039_604n;

  it("12.345678901234567891 WETH backing 123.456789012345678901 ETH sits exactly on the 1 % threshold; one wei less is liquidatable, in both engines", async () => {
    // C = W * 20,001,234 * 10^(30 - 18 - 4) = $24,692.881259245548127677749400000000; V as above;
    // E = 100 q + r with 101 q + r = C + V (r = 4): C + V - E = floor(E / 100).
    const C = 24_692_881_259_245_548_127_677_749_400_000_000n;
    expect(W * 20_001_234n * 10n ** 8n).toBe(C);
    const V = T * 20_001_234n * 10n ** 8n;
    expect(C + V - E).toBe(E / 100n);
    const at = (wei: bigint) => book(eth(), [weth()], [{ size: 0n, tokens: T, sizeInUsd: E / E24, sizeInUsd30: E, collateral: 0n, collateralTokens: wei }]);
    const exact = at(W);
    expect(exact.accounts[0]!.balances![0]).toEqual({ asset: 0, amount: 12_345_678_901_234n, tokenAmount: W });
    const [ok] = await both(exact);
    expect([ok!.status, ok!.equity]).toEqual(["ok", E / 100n / E24]);
    expect((await both(at(W - 1n)))[0]!.status).toBe("liquidatable");
    expect((await both(at(W + 1n)))[0]!.status).toBe("ok");
    // The image alone (12.345678901234 WETH) is $0.00113... short: liquidatable.
    expect((await both(at(12_345_678_901_234n * 10n ** 6n)))[0]!.status).toBe("liquidatable");
    // A negative net amount (costs past the collateral): floored in magnitude, its sign kept.
    const owed = at(-W);
    expect(owed.accounts[0]!.balances![0]).toEqual({ asset: 0, amount: -12_345_678_901_234n, tokenAmount: -W });
    const [r] = await both(owed);
    expect(r!.status).toBe("liquidatable");
  });

  it("refusals, the JSON and CSV forms, snapshots and balance edits on both engines", async () => {
    const x = book(eth(), [weth()], [{ size: 0n, tokens: T, sizeInUsd: E / E24, sizeInUsd30: E, collateral: 0n, collateralTokens: W }, { size: 0n, tokens: -T, sizeInUsd: 200_000_000_000n, collateral: 0n, collateralTokens: -7n }]);
    validateBook(x);
    const text = writeBookJson(x);
    expect(text).toContain('"balances": { "WETH": "12.345678901234567891" }');
    expect(text).toContain('"balances": { "WETH": "-0.000000000000000007" }');
    expect(text).toContain('"tokenDecimals": 18');
    expect(parseBookJson(text)).toEqual(x);
    expect(columnsToBook(bookToColumns(x))).toEqual(x);
    const table = bookToColumns({ ...x, accounts: x.accounts.map(({ margin: _, ...a }) => ({ ...a, positions: a.positions.map(({ sizeInTokens: _t, ...p }) => ({ ...p, size: p.size })) })) });
    expect(() => writeBookCsv(table)).toThrow(/^account "p0": field "balances": the CSV form holds a gmx-v2 balance in its asset's decimals/);
    const bad = (over: Partial<Asset>, amount?: Record<string, bigint>): Book => ({ ...x, assets: [{ ...weth(), ...over }], accounts: [{ ...x.accounts[0]!, balances: [{ ...x.accounts[0]!.balances![0]!, ...amount }] }] });
    const msg = (b: Book) => { try { validateBook(b); } catch (e) { return (e as Error).message; } return "none"; };
    expect(msg(bad({ tokenDecimals: 11 }))).toMatch(/asset "WETH": field "tokenDecimals": 11 is outside \[decimals 12/);
    expect(msg(bad({ priceDecimals: 13 }))).toMatch(/tokenDecimals|priceDecimals/);
    expect(msg(bad({}, { tokenAmount: W + 10n ** 6n }))).toMatch(/account "p0" balance 1: field "tokenAmount": 12345678901235567891 .* is not amount 12345678901234/);
    expect(msg(bad({}, { tokenAmount: -W }))).toMatch(/field "tokenAmount"/);
    expect(msg({ ...x, venue: undefined, markets: [{ ...eth(), gmx: undefined }], accounts: [] } as unknown as Book)).toMatch(/asset "WETH": field "tokenDecimals": a generic book's asset has no tokenDecimals/);
    for (const kind of ["wasm", "reference"] as const) {
      const engine = await createEngine(kind);
      const live = await engine.load(x);
      const back = await engine.restore(live.snapshot());
      expect(back.toBook(), kind).toEqual(x);
      // An edit of the balance keeps the 567,891 wei below its unit; undone (through 0), the book is the same.
      live.setBalance(0, 0, 20_000_000_000_000n);
      expect(live.toBook().accounts[0]!.balances![0]!.tokenAmount, kind).toBe(20_000_000_000_000n * 10n ** 6n + 567_891n);
      live.setBalance(0, 0, 0n);
      live.setBalance(0, 0, 12_345_678_901_234n);
      expect(live.toBook(), kind).toEqual(x);
      back.dispose();
      live.dispose();
    }
  });
});

describe("gmx-v2: liquidation prices read sizeInTokens", () => {
  it("the wide fallback prices each position with its exact sizeInTokens (the image alone is a whole token off)", async () => {
    // Sizes in whole ETH (sd 0), exact in wei: 1.999999999999999999 ETH has the image 1 ETH.
    const m: Market = { ...eth(), sizeDecimals: 0 };
    const b = book(m, [usdc], [
      { size: 0n, tokens: 2n * 10n ** 18n - 1n, sizeInUsd: 4_000_000_000n, collateral: 400_000_000n },
      { size: 0n, tokens: -(3n * 10n ** 18n - 1n), sizeInUsd: 6_000_000_000n, collateral: 500_000_000n },
      { size: 0n, tokens: 10n ** 18n + 123_456_789n, sizeInUsd: 1_900_000_000n, collateral: 50_000_000n },
    ]);
    validateBook(b);
    const want = b.accounts.map((_, a) => liquidationPrice(b, a, 0) ?? -1n);
    expect(want.every((x) => x > 0n)).toBe(true);
    // With the images alone the long at 1.999... ETH would be priced as 1 ETH: far off.
    const images: Book = { ...b, accounts: b.accounts.map((a) => ({ ...a, positions: a.positions.map(({ sizeInTokens: _, ...p }) => p) })) };
    expect(liquidationPrice(images, 0, 0)).not.toBe(want[0]);
    for (const kind of ["wasm", "reference"] as const) {
      const live = await (await createEngine(kind)).load(b);
      expect(Array.from(live.liquidationPrices()), kind).toEqual(want);
      live.dispose();
    }
  });
});

describe("gmx-v2: token amounts through the book's forms", () => {
  const b = (): Book => book(eth({ long: { maxPnlFactorForTraders: F(2n), openInterestUsd: 80_000_000n * E30, openInterestInTokens: 45_000_123_456_789_012_345_678n, poolUsd: 300_000_000n * E30 } }), [usdc], [
    { size: 0n, tokens: T, sizeInUsd: 200_000_000_000n, collateral: 1_000_000_000n },
    { size: 0n, tokens: -T - 7n, sizeInUsd: 250_000_000_000n, collateral: 1_000_000_000n },
    { size: 0n, tokens: 5n * 10n ** 18n, sizeInUsd: 10_000_000_000n, collateral: 100_000_000n },
  ]);

  it("JSON: size with the token's 18 decimals, open interest in tokens in wei; reads back to the same book; columns and back", () => {
    const x = b();
    validateBook(x);
    const text = writeBookJson(x);
    expect(text).toContain('"size": "123.456789012345678901"');
    expect(text).toContain('"size": "-123.456789012345678908"');
    expect(text).toContain('"openInterestInTokens": "45000.123456789012345678"');
    expect(text).toContain('"tokenDecimals": 18');
    expect(parseBookJson(text)).toEqual(x);
    const c = bookToColumns(x);
    expect(c.gmxUsd!.length).toBe(3 * 8);
    expect(writeBookJson(c)).toBe(text);
    // A size below one size unit (10^-12 ETH) would have no image: refused, naming the field.
    expect(() => parseBookJson(text.replace('"size": "5.000000000000000000"', '"size": "0.000000000000100000"'))).toThrow(/position 1: field "size".*below one size unit/);
    // Tables hold sizes in size units: refused ("write the book as JSON"), naming the account.
    const table = (y: Book) => bookToColumns({ ...y, accounts: y.accounts.map(({ margin: _, ...a }) => a) });
    expect(() => writeBookCsv(table(x))).toThrow(/^account "p0" position 1: field "size": the CSV form holds a gmx-v2 position's size in its market's size units and this sizeInTokens has digits below them[\s\S]*write the book as JSON/);
    // Without such digits (whole 10^-12 ETH), a tokenDecimals book travels in CSV: the markets' amounts in markets.json.
    const whole = table(book(x.markets[0]!, [usdc], [{ size: 0n, tokens: 123_456_789_012_345n * 10n ** 6n, sizeInUsd: 200_000_000_000n, collateral: 1_000_000_000n }]));
    const t = writeBookCsv(whole);
    const back = parseBookCsv(t.markets, t.accounts, t.positions, { balances: t.balances });
    expect(columnsToBook(back)).toEqual(columnsToBook(whole));
  });

  it("snapshots (flag 128) and live edits keep the wei below the size unit, on both engines", async () => {
    const x = b();
    for (const kind of ["wasm", "reference"] as const) {
      const engine = await createEngine(kind);
      const live = await engine.load(x);
      const image = live.snapshot();
      expect(new DataView(image.buffer, image.byteOffset).getUint32(24, true) & 192).toBe(192);
      const back = await engine.restore(image);
      expect(back.toBook(), kind).toEqual(x);
      expect(back.scan().status).toEqual(live.scan().status);
      // An edit of the size keeps the 678,901 wei below it; undone, the book is the same bit for bit.
      live.setPosition(0, 200_000_000_000_000n, 200_000_000_000n);
      expect(live.toBook().accounts[0]!.positions[0]!.sizeInTokens, kind).toBe(200_000_000_000_000n * 10n ** 6n + 678_901n);
      live.setPosition(0, 0n, 200_000_000_000n);
      live.setPosition(0, 123_456_789_012_345n, 200_000_000_000n);
      expect(live.toBook(), kind).toEqual(x);
      back.dispose();
      live.dispose();
    }
  });
});
