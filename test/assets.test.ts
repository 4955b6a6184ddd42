// Collateral in several assets (docs/model.md, "Collateral in several assets"): the worked example
// by hand, the core against the reference on random books with balances (every venue), the
// edges of the fixed-width valuation, live edits of prices and balances, and the errors.
import { describe, expect, it } from "vitest";
import { createEngine } from "../bindings/index.js";
import { parseBookJson, writeBookJson } from "../book/json.js";
import { BookError } from "../book/errors.js";
import { bookToColumns, columnsToBook } from "../book/columns.js";
import type { Asset, Book } from "../book/types.js";
import { validateBook } from "../book/validate.js";
import { balanceValue, collateralValue } from "../reference/assets.js";
import { liquidationPrice, scanBook } from "../reference/index.js";
import { I64_MAX, I64_MIN, Rng, randomBook, randomVenueBook } from "./support/random-book.js";
import { EXAMPLE, withAssets } from "./support/assets.js";

const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);
const STATUS = ["ok", "liquidatable", "overflow"];

const ETH: Asset = { id: "ETH", decimals: 8, priceDecimals: 2, price: 340_025n, maintenanceWeightPpm: 900_000n, initialWeightPpm: 800_000n, liabilityWeightPpm: 1_100_000n };
const USDT: Asset = { id: "USDT", decimals: 6, priceDecimals: 6, price: 999_500n, maintenanceWeightPpm: 950_000n, initialWeightPpm: 900_000n, liabilityWeightPpm: 1_050_000n };


describe("the worked example (docs/model.md)", () => {
  const book = parseBookJson(EXAMPLE);

  it("values each balance with one rounding toward solvency", () => {
    // ETH: 33_333_333 * 340_025 = 11_334_166_553_325 (10^-10 quote) * 0.9 / 10^4 = 1_020_074_989.79925: down.
    expect(balanceValue(ETH, 33_333_333n, ETH.price).value).toBe(1_020_074_989n);
    // USDT borrowed: 200_000_001 * 999_500 = 199_900_000_999_500 (10^-12) * 1.05 / 10^6 = 209_895_001.049475: up, against.
    expect(balanceValue(USDT, -200_000_001n, USDT.price).value).toBe(-209_895_002n);
    // With the initial weight (free collateral): 11_334_166_553_325 * 0.8 / 10^4 = 906_733_324.266: down.
    expect(balanceValue(ETH, 33_333_333n, ETH.price, "initial").value).toBe(906_733_324n);
    expect(collateralValue(book.assets, 100_000_000n, book.accounts[0]!.balances)).toEqual({ value: 100_000_000n + 1_020_074_989n - 209_895_002n, fits: true });
  });

  it("equity is the collateral value plus pnl, and both engines say so", async () => {
    // Short 0.5 BTC from 64000 at 65000.50: pnl = floor(-50_000_000 * (6_500_050 - 6_400_000) / 10^4) = -500_250_000.
    // Notional 32_500_250_000 in tier 1: maintenance ceil(32_500_250_000 * 0.004) = 130_001_000.
    const equity = 910_179_987n - 500_250_000n;
    for (const kind of ["wasm", "reference"] as const) {
      const live = await (await createEngine(kind)).load(book);
      const r = live.scan().account(0);
      expect(r, kind).toMatchObject({ status: "ok", equity, maintenance: 130_001_000n });
      // ETH falls 30 %: 0.33333333 at 2380.17 is worth floor(33_333_333 * 238_017 * 0.9 / 10^10) = 714_050_992.
      live.setAssetPrice("ETH", 238_017n);
      const after = live.scan();
      expect(after.account(0), kind).toMatchObject({ status: "liquidatable", equity: 100_000_000n + 714_050_992n - 209_895_002n - 500_250_000n });
      expect(after.changes(), kind).toEqual([expect.objectContaining({ account: 0, id: "frank", kind: "liquidatable", before: "ok", after: "liquidatable" })]);
      live.dispose();
    }
  });

  it("reads back what it writes, in JSON and in columns", () => {
    expect(parseBookJson(writeBookJson(book))).toEqual(book);
    expect(columnsToBook(bookToColumns(book))).toEqual(book);
    expect(writeBookJson(book)).toContain('"balances": { "ETH": "0.33333333", "USDT": "-200.000001" }');
  });
});


async function compare(book: Book, where: string): Promise<Record<string, number>> {
  const live = await (await createEngine("wasm")).load(book);
  const got = live.scan();
  const want = scanBook(book);
  const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0 };
  want.results.forEach((w, a) => {
    seen[w.status]!++;
    expect(STATUS[got.status[a]!], `${where}, account ${a}`).toBe(w.status);
    expect(got.account(a), `${where}, account ${a}`).toEqual(w);
  });
  expect(got.totals, where).toEqual(want.totals);
  live.dispose();
  return seen;
}

describe("wasm = reference with assets", () => {
  it("on random books of every venue, realistic and extreme", async () => {
    const seen: Record<string, number> = { ok: 0, liquidatable: 0, overflow: 0 };
    for (let i = 0; i < 60; i++) {
      const seed = baseSeed + i;
      const rng = new Rng(seed);
      const extreme = i % 3 === 0 ? 0.5 : 0.05;
      const venue = rng.pick(["generic", "binance-usdm", "hyperliquid", "dydx-v4"] as const);
      const base = venue === "generic" ? randomBook(rng, { accounts: rng.int(1, 400), extreme }) : randomVenueBook(rng, venue, { accounts: rng.int(1, 400), extreme });
      const s = await compare(withAssets(rng, base, extreme), `seed ${seed} (${venue})`);
      for (const k of Object.keys(seen)) seen[k]! += s[k]!;
    }
    expect(seen.liquidatable).toBeGreaterThan(500);
    expect(seen.ok).toBeGreaterThan(500);
    expect(seen.overflow).toBeGreaterThan(50);
  });

  it("liquidation prices take the collateral value (the wide ones through the reference)", async () => {
    for (let i = 0; i < 12; i++) {
      const seed = baseSeed + 500 + i;
      const rng = new Rng(seed);
      const book = withAssets(rng, randomBook(rng, { accounts: 60, extreme: i % 2 ? 0.3 : 0.02 }), i % 2 ? 0.3 : 0.02);
      const live = await (await createEngine("wasm")).load(book);
      const prices = live.liquidationPrices();
      let p = 0;
      book.accounts.forEach((acc, a) => acc.positions.forEach((_, k) => {
        expect(prices[p++], `seed ${seed} account ${a} position ${k}`).toBe(liquidationPrice(book, a, k) ?? -1n);
      }));
      live.dispose();
    }
  });
});

describe("the valuation's edges", () => {
  const market = { id: "X", sizeDecimals: 0, priceDecimals: 6, markPrice: 1n, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n };
  const one = (asset: Asset, amount: bigint, collateral = 0n): Book => ({
    liquidatorSharePpm: 0n, markets: [market], assets: [asset],
    accounts: [{ id: "a", collateral, balances: [{ asset: 0, amount }], positions: [{ market: 0, size: 1n, entryPrice: 1n }] }],
  });
  // Worth exactly its amount in quote units (K = 10^6, price 1): the edges are plain numbers.
  const big: Asset = { id: "B", decimals: 6, priceDecimals: 6, price: 1_000_000n, maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 0n, liabilityWeightPpm: 1_000_000n };

  it.each([
    ["a deposit worth 2^63 - 1 exactly", big, I64_MAX, 0n, "ok"],
    ["a deposit one unit past 2^63 - 1 with the quote collateral", big, I64_MAX, 1n, "overflow"],
    ["a borrow of -2^63 + 1 units: worth -2^63 + 1, fits", big, I64_MIN + 1n, 0n, "liquidatable"],
    ["a borrow of -2^63 units: its value -2^63 does not fit", big, I64_MIN, 0n, "overflow"],
    ["an unweighted value past 2^63 at weight 0 is still an overflow", { ...big, price: 2_000_000n, maintenanceWeightPpm: 0n }, I64_MAX, 0n, "overflow"],
    ["a weighted value under 2^63 from an unweighted one under 2^63", { ...big, price: 1_999_999n, maintenanceWeightPpm: 500_000n }, 4_611_686_018_427_387_904n, 0n, "ok"],
    ["liability weight 100 times a value near 2^57", { ...big, liabilityWeightPpm: 100_000_000n }, -(1n << 56n), 0n, "liquidatable"],
    ["liability weight 100 past 2^63", { ...big, liabilityWeightPpm: 100_000_000n }, -(1n << 57n), 0n, "overflow"],
    ["e < 0: decimals 0, priceDecimals 0 (multiplied by 10^6)", { ...big, decimals: 0, priceDecimals: 0, price: 3n }, 3_074_457_345_618n, 0n, "ok"],
    ["e < 0 past 2^63", { ...big, decimals: 0, priceDecimals: 0, price: 3n }, 3_074_457_345_619n, 0n, "overflow"],
  ] as const)("%s", async (_, asset, amount, collateral, status) => {
    const book = one(asset, amount, collateral);
    expect(scanBook(book).results[0]!.status).toBe(status);
    await compare(book, String(_));
  });

  it("an account without balances in a book with assets: collateral -2^63 is an overflow there, not in a book without assets", async () => {
    const book: Book = { liquidatorSharePpm: 0n, markets: [market], assets: [big], accounts: [{ id: "a", collateral: I64_MIN, positions: [] }] };
    expect(scanBook(book).results[0]!.status).toBe("overflow");
    await compare(book, "assets");
    const { assets: _, ...plain } = book;
    expect(scanBook(plain).results[0]!.status).toBe("ok");
    await compare(plain, "no assets");
  });
});

describe("live books with assets", () => {
  it("asset ticks and balance edits: the incremental scan equals a fresh reference scan, on both engines", async () => {
    for (let i = 0; i < 6; i++) {
      const seed = baseSeed + 900 + i;
      const rng = new Rng(seed);
      const book = withAssets(rng, randomBook(rng, { accounts: 300, extreme: 0 }), 0);
      for (const kind of ["wasm", "reference"] as const) {
        const live = await (await createEngine(kind)).load(book);
        live.scan();
        for (let step = 0; step < 30; step++) {
          const k = rng.int(0, book.assets!.length - 1);
          const a = rng.int(0, book.accounts.length - 1);
          const what = rng.int(0, 4);
          if (what === 0) live.setAssetPrice(k, live.assetPrice(k) * BigInt(rng.int(50, 150)) / 100n);
          else if (what === 1) live.setBalance(a, k, live.balance(a, k) - BigInt(rng.int(0, 10_000)) * 10n ** BigInt(Math.min(12, book.assets![k]!.decimals)));
          else if (what === 2) live.deposit(a, BigInt(rng.int(1, 1_000_000_000)));
          else if (what === 3) live.addAccount(`new-${step}`, 5n);
          else live.setMarkPrice(0, live.markPrice(0) * BigInt(rng.int(80, 120)) / 100n);
          if (rng.chance(0.5)) {
            const got = live.scan();
            const want = scanBook(live.toBook());
            want.results.forEach((w, x) => expect(got.account(x), `seed ${seed} ${kind} step ${step} account ${x}`).toEqual(w));
            expect(got.totals).toEqual(want.totals);
          }
        }
        // The snapshot carries the assets at their prices and the balances, on either engine.
        const image = live.snapshot();
        for (const other of ["wasm", "reference"] as const) {
          const back = await (await createEngine(other)).restore(image);
          expect(back.toBook(), `${kind} -> ${other}`).toEqual(live.toBook());
          expect(back.scan().totals).toEqual(live.scan().totals);
          back.dispose();
        }
        live.dispose();
      }
    }
  });

  it("a new balance past the region's room grows it; removeAccount zeroes the balances", async () => {
    const book: Book = {
      liquidatorSharePpm: 0n, markets: [{ id: "X", sizeDecimals: 0, priceDecimals: 6, markPrice: 1_000_000n, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n }],
      assets: [ETH, USDT], accounts: Array.from({ length: 100 }, (_, a) => ({ id: `a${a}`, collateral: 0n, positions: [{ market: 0, size: 1_000n, entryPrice: 1_000_000n }] })),
    };
    const live = await (await createEngine("wasm")).load(book);
    expect(live.scan().totals.liquidatable).toBe(100); // equity 0 < maintenance 10 (1 % of 1,000)
    // 100 USDT each (worth 94.9525): then ETH too, 200 balances where the region had room for 64.
    for (let a = 0; a < 100; a++) live.setBalance(a, "USDT", 100_000_000n);
    expect(live.scan().totals.liquidatable).toBe(0);
    for (let a = 0; a < 100; a++) live.setBalance(`a${a}`, "ETH", BigInt(a));
    expect(live.toBook()).toEqual(columnsToBook(bookToColumns(live.toBook())));
    const want = scanBook(live.toBook());
    const got = live.scan();
    want.results.forEach((w, a) => expect(got.account(a)).toEqual(w));
    live.removeAccount("a5");
    expect(live.balance("a5", "USDT")).toBe(0n);
    expect(live.balance("a6", "USDT")).toBe(100_000_000n);
    live.dispose();
  });
});

describe("errors name the record and field", () => {
  const withAsset = (asset: Record<string, string | number>, balances = '{ "ETH": "1" }') => EXAMPLE
    .replace(/\{ "id": "ETH"[^}]*\}/, JSON.stringify({ id: "ETH", decimals: 8, priceDecimals: 2, price: "3400.25", maintenanceWeight: "0.9", initialWeight: "0.8", liabilityWeight: "1.1", ...asset }))
    .replace(/"balances": \{[^}]*\}/, `"balances": ${balances}`);
  it.each([
    [{ liabilityWeight: "0.99" }, undefined, 'asset "ETH": field "liabilityWeight"'],
    [{ liabilityWeight: "100.000001" }, undefined, 'asset "ETH": field "liabilityWeight"'],
    [{ maintenanceWeight: "1.01" }, undefined, 'asset "ETH": field "maintenanceWeight"'],
    [{ initialWeight: "0.95" }, undefined, 'asset "ETH": field "initialWeight"'],
    [{ price: "-1" }, undefined, 'asset "ETH": field "price"'],
    [{ price: "3400.255" }, undefined, 'asset "ETH": field "price"'],
    [{ decimals: 19 }, undefined, 'asset "ETH": field "decimals"'],
    [{ decimals: 18, priceDecimals: 7 }, undefined, 'asset "ETH": field "priceDecimals"'],
    [{}, '{ "BTC": "1" }', 'account "frank": field "balances.BTC"'],
    [{}, '{ "ETH": "0.000000001" }', 'account "frank": field "balances.ETH"'],
    [{}, '{ "ETH": 1 }', 'account "frank": field "balances.ETH"'],
    [{}, '["ETH"]', 'account "frank": field "balances"'],
  ] as const)("%j %s", (asset, balances, where) => {
    expect(() => parseBookJson(withAsset(asset, balances))).toThrow(BookError);
    expect(() => parseBookJson(withAsset(asset, balances))).toThrow(where);
  });

  it("a duplicate asset id, a balance in an asset twice, a book without assets", () => {
    expect(() => parseBookJson(EXAMPLE.replace('"id": "USDT"', '"id": "ETH"'))).toThrow('asset "ETH": field "id": duplicate asset id');
    expect(() => parseBookJson(EXAMPLE.replace('"USDT": "-200.000001"', '"ETH": "1"'))).toThrow(/duplicate|ETH/);
    const book = parseBookJson(EXAMPLE);
    expect(() => validateBook({ ...book, accounts: [{ ...book.accounts[0]!, balances: [{ asset: 0, amount: 1n }, { asset: 0, amount: 2n }] }] })).toThrow('account "frank" balance 2: field "asset": the account already holds a balance in "ETH"');
    const { assets: _, ...none } = book;
    expect(() => validateBook(none)).toThrow('account "frank": field "balances": the book lists no assets');
  });

  it("live edits check the asset and the amount", async () => {
    const live = await (await createEngine("wasm")).load(parseBookJson(EXAMPLE));
    expect(() => live.setAssetPrice("BTC", 1n)).toThrow('"BTC" is not an asset of the book (the book\'s assets are "ETH", "USDT")');
    expect(() => live.setAssetPrice("ETH", -1n)).toThrow("price");
    expect(() => live.setBalance("frank", 2, 1n)).toThrow("not an asset");
    expect(() => live.setBalance("frank", "ETH", 1n << 63n)).toThrow("balance");
    live.dispose();
  });
});

describe("risk views and margins with assets", () => {
  const book = parseBookJson(EXAMPLE);

  it("stress, map and cascade shock asset prices for the view, then put them back (both engines)", async () => {
    const { stress, liquidationMap, cascade } = await import("../views/index.js");
    for (const kind of ["wasm", "reference"] as const) {
      const live = await (await createEngine(kind)).load(book);
      // ETH -30 %: 340_025 * 700_000 / 10^6 = 238_017.5, floored: the worked example's 2380.17, where frank is liquidatable.
      expect(stress(live, { shocksPpm: [0n] })[0]!.liquidatable, kind).toBe(0);
      expect(stress(live, { shocksPpm: [0n, 10_000n], assetShocksPpm: { ETH: -300_000n } }).map((r) => r.liquidatable), kind).toEqual([1, 1]);
      expect(live.assetPrice("ETH"), kind).toBe(340_025n);
      expect(cascade(live, { shockPpm: 0n }).liquidated, kind).toBe(0);
      expect(cascade(live, { shockPpm: 0n, assetShocksPpm: { ETH: -300_000n } }).liquidated, kind).toBe(1);
      // The map with the shock is the map of the book whose ETH price is 2380.17.
      const shocked = liquidationMap(live, { market: "BTC-PERP", assetShocksPpm: { ETH: -300_000n } });
      const moved = await (await createEngine(kind)).load({ ...book, assets: book.assets!.map((x) => (x.id === "ETH" ? { ...x, price: 238_017n } : x)) });
      expect(shocked, kind).toEqual(liquidationMap(moved, { market: "BTC-PERP" }));
      expect(shocked, kind).not.toEqual(liquidationMap(live, { market: "BTC-PERP" }));
      expect(() => stress(live, { assetShocksPpm: { BTC: -1n } })).toThrow("assetShocksPpm.BTC");
      expect(() => stress(live, { assetShocksPpm: { ETH: -1_000_001n } })).toThrow("assetShocksPpm.ETH");
      expect(live.assetPrice("ETH"), kind).toBe(340_025n);
      live.dispose();
      moved.dispose();
    }
  });

  it("free collateral counts deposits at their initial weight", async () => {
    const withImr = parseBookJson(EXAMPLE.replace('{ "maxNotional": "50000", "mmr": "0.004" }, { "maxNotional": "250000", "mmr": "0.005" }, { "mmr": "0.01" }',
      '{ "maxNotional": "50000", "mmr": "0.004", "imr": "0.01" }, { "maxNotional": "250000", "mmr": "0.005", "imr": "0.0125" }, { "mmr": "0.01", "imr": "0.02" }'));
    for (const kind of ["wasm", "reference"] as const) {
      const live = await (await createEngine(kind)).load(withImr);
      // initialMargin ceil(32_500_250_000 * 0.01) = 325_002_500; ETH counts 1_020_074_989 - 906_733_324 = 113_341_665 less at 0.8 than at 0.9.
      expect(live.scan().margins(0), kind).toEqual({ initialMargin: 325_002_500n, freeCollateral: 409_929_987n - 113_341_665n - 325_002_500n });
      live.dispose();
    }
  });

  it("a parallel book carries each shard's balances", async () => {
    const { openParallel } = await import("liqscan");
    const rng = new Rng(baseSeed + 77);
    const random = withAssets(rng, randomBook(rng, { accounts: 2_000, extreme: 0.05 }), 0.05);
    const parallel = await openParallel(random, { threads: 2 });
    try {
      const got = await parallel.scanParallel();
      const want = scanBook(random);
      expect(got.totals).toEqual(want.totals);
      want.results.forEach((w, a) => expect(STATUS[got.status[a]!], `account ${a}`).toBe(w.status));
    } finally {
      await parallel.close();
    }
  });

  it("the command line: --asset on stress, map and cascade (convert to the table forms: test/book-tables-assets.test.ts)", async () => {
    const { liqscan } = await import("./support/run-cli.js");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "liqscan-assets-"));
    const file = join(dir, "book.json");
    writeFileSync(file, EXAMPLE);
    const plain = await liqscan("stress", file, "--shocks=0", "--json");
    expect(JSON.parse(plain.stdout).shocks[0].liquidatable).toBe(0);
    const crash = await liqscan("stress", file, "--shocks=0", "--asset", "ETH=-30", "--json");
    expect(crash.code, crash.stderr).toBe(0);
    expect(JSON.parse(crash.stdout).shocks[0].liquidatable).toBe(1);
    const cascadeRun = await liqscan("cascade", file, "--shock=0", "--asset=ETH=-30,USDT=5", "--json");
    expect(cascadeRun.code, cascadeRun.stderr).toBe(0);
    expect(JSON.parse(cascadeRun.stdout).totals.liquidated).toBe(1);
    const map = await liqscan("map", file, "--market", "BTC-PERP", "--asset", "ETH=-30", "--json");
    expect(map.code, map.stderr).toBe(0);
    const bad = await liqscan("stress", file, "--asset", "BTC=-5");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--asset: "BTC" is not an asset of the book (ETH, USDT)');
    const twice = await liqscan("stress", file, "--asset", "ETH=-5", "--asset", "ETH=-6");
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("--asset: asset ETH is given twice");
    const scan = await liqscan("scan", file, "--json");
    expect(scan.code, scan.stderr).toBe(0);
  });
});
