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
    expect(m.gmx!.long.poolUsd).toBe(2_000_000n * 1_000_000n);
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
      [() => run([marketInfo()], [position({ sizeInUsd: 10_000n * E30 + 1n })]), 'positions.json: [0]', "sizeInUsd", /not a whole number of 10\^-6 USD/],
      [() => run([marketInfo()], [position({ marketAddress: "0xnone" })]), "positions.json: [0]", "marketAddress", /not a market of markets.json/],
      [() => run([marketInfo()], [position({ collateralTokenAddress: "0xbtc" })]), "positions.json: [0]", "collateralTokenAddress", /neither/],
      [() => run([marketInfo()], [position({ isLong: "yes" })]), "positions.json: [0]", "isLong", /true or false/],
      [() => run([marketInfo()], [position({ sizeInTokens: 12.5 })]), "positions.json: [0]", "sizeInTokens", /whole number/],
      [() => run([marketInfo({ minCollateralFactorForLiquidation: pct(0.5) + 1n })], [position()]), "markets.json: [0]", "minCollateralFactorForLiquidation", /parts of 10\^9/],
      [() => run([marketInfo()], [position({ sizeInTokens: 10n ** 38n })]), "positions.json: [0]", "sizeInTokens", /past 2\^63 - 1/],
      [() => run([marketInfo({ indexToken: token("0xeth", "ETH", 18, 2000n * E30 + 1n) })], [position()]), "markets.json: [0]", "indexToken.prices.minPrice", /no price decimals/],
      [() => run([marketInfo()], [position()], config({ liquidationFeeFactors: {} })), "config.json", "liquidationFeeFactors.0xmarket", /missing/],
      [() => run([marketInfo()], [position()], config({ extra: 1 })), "config.json", "extra", /unknown field/],
      [() => run([marketInfo()], [position(), position()]), "positions.json: [1]", "account", /also/],
      [() => run([marketInfo()], [position({ pendingImpactAmount: 1n })]), "positions.json: [0]", "pendingImpactAmount", /10\^-6 USD/],
      [() => importGmxBook({ markets: "[", marketsSource: "markets.json", positions: "[]", config: json(config()) }), "markets.json", "", /./],
    ];
    for (const [f, record, field, problem] of cases) {
      const e = refusal(f);
      expect([e.record, e.field], e.message).toEqual([record, field]);
      expect(e.problem).toMatch(problem);
    }
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
    const bad = write("bad.json", [position({ sizeInUsd: 1n })]);
    const out = join(dir, "never.json");
    const r = await liqscan("import", "gmx", "--markets", markets, "--positions", bad, "--config", cfg, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^liqscan: ${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\[0\\]: field "sizeInUsd": 1 \\(USD at 10\\^30\\) is not a whole number of 10\\^-6 USD`));
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
