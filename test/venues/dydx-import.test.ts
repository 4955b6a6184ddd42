// The dYdX importer on recorded real indexer responses (nautechsystems/nautilus_trader's test data:
// a mainnet /v4/perpetualMarkets of 2024-08 with 125 markets, one of 2025-12, and a mainnet
// subaccount), on every malformed shape, and through `liqscan import dydx`.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createEngine, importDydx as publicImport } from "../../bindings/index.js";
import { bookToColumns, columnsToBook, parseBookCsv, parseBookJson, writeBookCsv, writeBookJson } from "../../book/index.js";
import { importDydx, importDydxBook } from "../../book/venues/dydx.js";
import { errorOf } from "../support/book-error.js";
import { liqscan } from "../support/run-cli.js";

const DIR = "test/fixtures/venues/dydx";
const MARKETS = readFileSync(join(DIR, "perpetual-markets-2024-08.json"), "utf8");
const MARKETS_2025 = readFileSync(join(DIR, "perpetual-markets-2025-12.json"), "utf8");
const EMPTY_ORACLE = readFileSync(join(DIR, "perpetual-markets-empty-oracle-price.json"), "utf8");
const SUB = readFileSync(join(DIR, "subaccount-2024-08.json"), "utf8");

const run = (markets: string, ...subs: string[]) =>
  importDydx({ markets, marketsSource: "markets.json", subaccounts: subs.map((text, i) => ({ id: `s${i}`, text, source: `sub${i}.json` })) });

/** A subaccount response in the indexer's shape. */
function subaccount(usdc: string | null, positions: Record<string, { side: string; size: string }>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    subaccount: {
      address: "dydx1test", subaccountNumber: 0, equity: "0", freeCollateral: "0",
      openPerpetualPositions: Object.fromEntries(Object.entries(positions).map(([t, p]) => [t, { market: t, status: "OPEN", ...p, maxSize: p.size, entryPrice: "1.5", netFunding: "0" }])),
      assetPositions: usdc === null ? {} : { USDC: { symbol: "USDC", side: usdc.startsWith("-") ? "SHORT" : "LONG", size: usdc.replace("-", ""), assetId: "0" } },
      marginEnabled: true, ...extra,
    },
  });
}

describe("importDydx on recorded real responses", () => {
  test("a mainnet subaccount with an ETH-USD long, against the 125 markets of a mainnet perpetualMarkets", () => {
    expect(publicImport).toBe(importDydx);
    const book = JSON.parse(run(MARKETS, SUB));
    expect(book).toEqual({
      venue: "dydx-v4",
      markets: [{
        // atomicResolution -9; the oracle price's decimals; imf 5 %, maintenance 3 % = 60 % of it.
        id: "ETH-USD", sizeDecimals: 9, priceDecimals: 6, markPrice: "3264.309572",
        tiers: [{ imr: "0.050000", maintenanceFraction: "0.600000" }], liquidationFee: "0.015000",
        dydx: {
          stepSize: "0.001000000", openInterest: "17208.407000000", openInterestLowerCap: "0.000000", openInterestUpperCap: "0.000000",
          minPositionNotionalLiquidated: "1000.000000", maxPositionPortionLiquidated: "0.100000", subaccountMaxNotionalLiquidated: "100000.000000",
        },
      }],
      // The USDC asset position is the collateral; the position at entry 0 (the chain values it at the oracle price).
      accounts: [{ id: "s0", collateral: "90.461932", positions: [{ market: "ETH-USD", size: "0.003000000", entryPrice: "0" }] }],
    });
    expect(() => parseBookJson(JSON.stringify(book))).not.toThrow();
  });

  test("the subaccount's own equity and free collateral, at the oracle price they imply, are the chain's roundings of the indexer's", async () => {
    // equity 99.206819554 = 90.461932 + 0.003 * P: P = 2914.962518. The indexer computes in decimals;
    // the chain truncates the position's value to a quantum (99.206819) and rounds the initial
    // margin up (ceil(8.744887 * 5 %) = 0.437245), so free collateral is 98.769574 where the
    // indexer says 98.7695751763.
    const sub = JSON.parse(SUB).subaccount;
    const markets = JSON.parse(MARKETS);
    markets.markets["ETH-USD"].oraclePrice = "2914.962518";
    for (const engine of ["wasm", "reference"] as const) {
      const live = await (await createEngine(engine)).load(parseBookJson(run(JSON.stringify(markets), SUB)));
      const scan = live.scan();
      expect(scan.account(0).equity).toBe(99_206_819n);
      expect(sub.equity).toBe("99.206819554");
      expect(scan.margins(0)).toEqual({ initialMargin: 437_245n, freeCollateral: 98_769_574n });
      expect(sub.freeCollateral).toBe("98.7695751763");
      // Maintenance 3 %: ceil(ceil(437,244.35) * 0.6) = 262,347.
      expect(scan.account(0).maintenance).toBe(262_347n);
      live.dispose();
    }
  });

  test("a positive atomic resolution counts whole coins; shorts; several subaccounts; markets in the response's order", () => {
    const pepe = subaccount("-1000", { "PEPE-USD": { side: "SHORT", size: "-25000000" }, "BTC-USD": { side: "LONG", size: "0.0001" } });
    const book = JSON.parse(run(MARKETS, pepe, subaccount("5", {})));
    expect(book.markets.map((m: { id: string }) => m.id)).toEqual(["BTC-USD", "PEPE-USD"]);
    const p = book.markets[1];
    expect(p).toMatchObject({ sizeDecimals: 0 }); // atomicResolution 1: a quantum is 10 PEPE
    expect(book.accounts).toEqual([
      { id: "s0", collateral: "-1000.000000", positions: [{ market: "PEPE-USD", size: "-25000000", entryPrice: "0" }, { market: "BTC-USD", size: "0.0001000000", entryPrice: "0" }] },
      { id: "s1", collateral: "5.000000", positions: [] },
    ]);
    // A size the positive resolution cannot hold: 25,000,005 PEPE is not a multiple of 10.
    expect(errorOf(() => run(MARKETS, subaccount("1", { "PEPE-USD": { side: "SHORT", size: "-25000005" } }))).message).toBe(
      'sub0.json: subaccount.openPerpetualPositions.PEPE-USD: field "size": "-25000005" is not a whole number of the market\'s quantums (10 coins each)',
    );
  });

  test("open-interest caps in USDC (2025-12: SOL-USD 40,000,000 to 100,000,000) and a market without an oracle price that nobody holds", () => {
    const book = JSON.parse(run(MARKETS_2025, subaccount("100", { "SOL-USD": { side: "LONG", size: "0.1" } })));
    expect(book.markets[0]).toMatchObject({ id: "SOL-USD", sizeDecimals: 7, priceDecimals: 1, markPrice: "135.3", dydx: { openInterest: "41917.9000000", openInterestLowerCap: "40000000.000000", openInterestUpperCap: "100000000.000000", stepSize: "0.1000000" } });
    expect(() => run(EMPTY_ORACLE, subaccount("1", { "AAVE-USD": { side: "LONG", size: "0.1" } }))).not.toThrow();
    const unpriced = Object.entries(JSON.parse(EMPTY_ORACLE).markets).find(([, m]) => (m as { oraclePrice: unknown }).oraclePrice === null)![0];
    expect(errorOf(() => run(EMPTY_ORACLE, subaccount("1", { [unpriced]: { side: "LONG", size: "1" } }))).message).toBe(
      `markets.json: markets.${unpriced}: field "oraclePrice": has no oracle price: a market the subaccounts hold needs one`,
    );
  });

  test("the chain's liquidations config, when given, replaces the defaults; a limit above 64 bits is no limit", () => {
    const config = JSON.stringify({ liquidations_config: { max_liquidation_fee_ppm: 5000, position_block_limits: { min_position_notional_liquidated: "1000", max_position_portion_liquidated_ppm: 1000000 }, subaccount_block_limits: { max_notional_liquidated: "18446744073709551615", max_quantums_insurance_lost: "100000000000000" }, fillable_price_config: { bankruptcy_adjustment_ppm: 1000000, spread_to_maintenance_margin_ratio_ppm: 100000 } } });
    const book = JSON.parse(importDydx({ markets: MARKETS, subaccounts: [{ id: "a", text: SUB }], liquidationsConfig: config }));
    expect(book.markets[0].liquidationFee).toBe("0.005000");
    expect(book.markets[0].dydx).toMatchObject({ minPositionNotionalLiquidated: "0.001000", maxPositionPortionLiquidated: "1.000000", subaccountMaxNotionalLiquidated: "9223372036854.775807" });
  });

  test("the book reads back and writes back the same, as JSON and as a CSV book", () => {
    const book = parseBookJson(run(MARKETS, SUB, subaccount("-1000", { "PEPE-USD": { side: "SHORT", size: "-25000000" }, "SOL-USD": { side: "LONG", size: "12.5" } })));
    expect(parseBookJson(writeBookJson(book))).toEqual(book);
    const csv = writeBookCsv(bookToColumns(book));
    expect(csv.markets).toContain('"venue": "dydx-v4"');
    expect(columnsToBook(parseBookCsv(csv.markets, csv.accounts, csv.positions))).toEqual(book);
  });

  test("the counts", () => {
    expect(importDydxBook({ markets: MARKETS, subaccounts: [{ id: "a", text: SUB }, { id: "b", text: SUB }] })).toMatchObject({ markets: 1, accounts: 2, positions: 2 });
  });
});

describe("importDydx refuses every malformed shape, naming the file, record and field", () => {
  const market = (edit: (m: Record<string, unknown>) => void, ticker = "ETH-USD") => {
    const m = JSON.parse(MARKETS);
    edit(m.markets[ticker]);
    return errorOf(() => run(JSON.stringify(m), SUB)).message;
  };
  const sub = (edit: (s: Record<string, any>) => void) => {
    const s = JSON.parse(SUB);
    edit(s.subaccount);
    return errorOf(() => run(MARKETS, JSON.stringify(s))).message;
  };
  const E = "markets.json: markets.ETH-USD: field";
  const P = "sub0.json: subaccount.openPerpetualPositions.ETH-USD: field";
  test.each([
    ["not JSON", () => errorOf(() => run("{", SUB)).message, /^markets\.json/],
    ["no markets", () => errorOf(() => run("{}", SUB)).message, 'markets.json: field "markets": missing'],
    ["markets not an object", () => errorOf(() => run('{"markets": []}', SUB)).message, 'markets.json: field "markets": expected an object, got an array'],
    ["a ticker field that is not its key", () => market((m) => (m.ticker = "BTC-USD")), `${E} "ticker": "BTC-USD" is not the key it is listed under ("ETH-USD")`],
    ["no atomicResolution", () => market((m) => delete m.atomicResolution), `${E} "atomicResolution": missing`],
    ["a fractional atomicResolution", () => market((m) => (m.atomicResolution = -9.5)), /field "atomicResolution": expected a whole number, got JSON number -9.5/],
    ["an atomicResolution beyond a book's decimals", () => market((m) => (m.atomicResolution = -19)), `${E} "atomicResolution": -19 is outside [-18, 30]`],
    ["no oraclePrice", () => market((m) => delete m.oraclePrice), `${E} "oraclePrice": missing`],
    ["an oracle price as a number", () => market((m) => (m.oraclePrice = 3264.3)), /field "oraclePrice": expected a decimal string, got JSON number 3264.3/],
    ["a negative oracle price", () => market((m) => (m.oraclePrice = "-1")), `${E} "oraclePrice": "-1" is negative`],
    ["an oracle price with too many decimals for the resolution", () => market((m) => (m.oraclePrice = "1.0000000000000001")), `${E} "oraclePrice": market "ETH-USD" would need sizeDecimals + priceDecimals = 9 + 16, more than a book holds (24)`],
    ["no initialMarginFraction", () => market((m) => delete m.initialMarginFraction), `${E} "initialMarginFraction": missing`],
    ["an imf above 1", () => market((m) => (m.initialMarginFraction = "1.5")), `${E} "initialMarginFraction": "1.5" is outside [0, 1]`],
    ["an imf of a fraction of a ppm", () => market((m) => (m.initialMarginFraction = "0.0500001")), `${E} "initialMarginFraction": "0.0500001" has more decimals (7) than a whole number of ppm has (6)`],
    ["a maintenance that is no whole ppm of the imf", () => market((m) => (m.maintenanceMarginFraction = "0.03000001")), `${E} "maintenanceMarginFraction": "0.03000001" / "0.05" is not a whole number of ppm (the liquidity tier's maintenance fraction)`],
    ["a maintenance above the imf", () => market((m) => (m.maintenanceMarginFraction = "0.06")), `${E} "maintenanceMarginFraction": "0.06" is above initialMarginFraction "0.05"`],
    ["a maintenance without an imf", () => market((m) => ((m.initialMarginFraction = "0"), (m.maintenanceMarginFraction = "0.01"))), `${E} "maintenanceMarginFraction": "0.01" with an initialMarginFraction of 0 (maintenance is a fraction of the initial margin)`],
    ["no openInterest", () => market((m) => delete m.openInterest), `${E} "openInterest": missing`],
    ["an openInterest finer than a quantum", () => market((m) => (m.openInterest = "1.0000000001")), `${E} "openInterest": "1.0000000001" has more decimals (10) than the market's atomic resolution allows (9)`],
    ["a negative openInterest", () => market((m) => (m.openInterest = "-1")), `${E} "openInterest": "-1" is negative`],
    ["a cap finer than a USDC quantum", () => market((m) => (m.openInterestLowerCap = "0.0000001")), `${E} "openInterestLowerCap": "0.0000001" has more decimals (7) than a USDC amount has (6)`],
    ["a lower cap above the upper", () => market((m) => ((m.openInterestLowerCap = "10"), (m.openInterestUpperCap = "5"))), `${E} "openInterestLowerCap": is above openInterestUpperCap`],
    ["a cap too large", () => market((m) => (m.openInterestUpperCap = "99999999999999")), /field "openInterestUpperCap": "99999999999999" .*/],
    ["no stepBaseQuantums", () => market((m) => delete m.stepBaseQuantums), `${E} "stepBaseQuantums": missing`],
    ["a zero step", () => market((m) => (m.stepBaseQuantums = 0)), /field "stepBaseQuantums": 0 is outside \[1, /],
    ["no subaccount", () => errorOf(() => run(MARKETS, "{}")).message, 'sub0.json: field "subaccount": missing'],
    ["a non-USDC asset", () => sub((s) => (s.assetPositions.ETH = { symbol: "ETH", side: "LONG", size: "1" })), 'sub0.json: subaccount.assetPositions.ETH: field "symbol": "ETH": liqscan takes a subaccount\'s collateral in USDC only (the chain\'s quote asset)'],
    ["a USDC side that is neither", () => sub((s) => (s.assetPositions.USDC.side = "BOTH")), 'sub0.json: subaccount.assetPositions.USDC: field "side": "BOTH" is not LONG or SHORT'],
    ["a negative USDC size", () => sub((s) => (s.assetPositions.USDC.size = "-1")), 'sub0.json: subaccount.assetPositions.USDC: field "size": "-1" is negative (the side says the sign)'],
    ["a USDC size finer than a quantum", () => sub((s) => (s.assetPositions.USDC.size = "1.0000001")), 'sub0.json: subaccount.assetPositions.USDC: field "size": "1.0000001" has more decimals (7) than a USDC amount has (6)'],
    ["a USDC size as a number", () => sub((s) => (s.assetPositions.USDC.size = 90.5)), /field "size": expected a decimal string, got JSON number 90.5/],
    ["a market the response does not list", () => sub((s) => (s.openPerpetualPositions["FOO-USD"] = { market: "FOO-USD", side: "LONG", size: "1" })), 'sub0.json: subaccount.openPerpetualPositions.FOO-USD: field "market": "FOO-USD" is not a market of the perpetualMarkets response'],
    ["a market field that is not its key", () => sub((s) => (s.openPerpetualPositions["ETH-USD"].market = "BTC-USD")), `${P} "market": "BTC-USD" is not the key it is listed under ("ETH-USD")`],
    ["a closed position among the open ones", () => sub((s) => (s.openPerpetualPositions["ETH-USD"].status = "CLOSED")), `${P} "status": "CLOSED": an open position's status is "OPEN"`],
    ["no size", () => sub((s) => delete s.openPerpetualPositions["ETH-USD"].size), `${P} "size": missing`],
    ["no side", () => sub((s) => delete s.openPerpetualPositions["ETH-USD"].side), `${P} "side": missing`],
    ["a long of negative size", () => sub((s) => (s.openPerpetualPositions["ETH-USD"].size = "-0.003")), `${P} "size": "-0.003" is negative but the side is LONG`],
    ["a size finer than a quantum", () => sub((s) => (s.openPerpetualPositions["ETH-USD"].size = "0.0000000001")), `${P} "size": "0.0000000001" has more decimals (10) than the market's atomic resolution allows (9)`],
    ["a size beyond 64 bits", () => sub((s) => (s.openPerpetualPositions["ETH-USD"].size = "10000000000000")), new RegExp(`^${P.replace(/\./g, "\\.")} "size": "10000000000000" `)],
    ["positions not an object", () => sub((s) => (s.openPerpetualPositions = [])), 'sub0.json: field "subaccount.openPerpetualPositions": expected an object, got an array'],
  ] as [string, () => string, string | RegExp][])("%s", (_, message, expected) => {
    if (typeof expected === "string") expect(message()).toBe(expected);
    else expect(message()).toMatch(expected);
  });

  test("two subaccounts under one id", () => {
    expect(errorOf(() => importDydx({ markets: MARKETS, subaccounts: [{ id: "a", text: SUB, source: "x.json" }, { id: "a", text: SUB, source: "y.json" }] })).message).toBe(
      'y.json: account id "a" is already taken (by x.json); give each subaccount a distinct ID (--subaccount ID=FILE)',
    );
  });

  test.each([
    ["no liquidations_config", {}, 'cfg.json: field "liquidations_config": missing'],
    ["a fee of 0 (the chain refuses it)", { liquidations_config: { max_liquidation_fee_ppm: 0, position_block_limits: { min_position_notional_liquidated: "0", max_position_portion_liquidated_ppm: 1 }, subaccount_block_limits: { max_notional_liquidated: "1" } } }, 'cfg.json: field "liquidations_config.max_liquidation_fee_ppm": 0 is outside [1, 1000000]'],
    ["no position limits", { liquidations_config: { max_liquidation_fee_ppm: 1 } }, 'cfg.json: field "liquidations_config.position_block_limits": missing'],
    ["a portion above 100 %", { liquidations_config: { max_liquidation_fee_ppm: 1, position_block_limits: { min_position_notional_liquidated: "0", max_position_portion_liquidated_ppm: 1000001 }, subaccount_block_limits: { max_notional_liquidated: "1" } } }, 'cfg.json: field "liquidations_config.position_block_limits.max_position_portion_liquidated_ppm": 1000001 is outside [1, 1000000]'],
    ["a minimum beyond a quote amount", { liquidations_config: { max_liquidation_fee_ppm: 1, position_block_limits: { min_position_notional_liquidated: "18446744073709551615", max_position_portion_liquidated_ppm: 1 }, subaccount_block_limits: { max_notional_liquidated: "1" } } }, 'cfg.json: field "liquidations_config.position_block_limits.min_position_notional_liquidated": 18446744073709551615 quote quantums do not fit a book\'s quote amount (at most 9223372036854775807)'],
  ] as const)("a liquidations config with %s", (_, config, expected) => {
    expect(errorOf(() => importDydx({ markets: MARKETS, subaccounts: [{ id: "a", text: SUB }], liquidationsConfig: JSON.stringify(config), liquidationsConfigSource: "cfg.json" })).message).toBe(expected);
  });
});

describe("liqscan import dydx", () => {
  const dir = mkdtempSync(join(tmpdir(), "liqscan-import-dydx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("writes the book: exit 0, account ids from ID= or the file's name; the book scans and prices", async () => {
    const out = join(dir, "book.json");
    const short = join(dir, "trader.json");
    writeFileSync(short, subaccount("1000", { "ETH-USD": { side: "SHORT", size: "-0.2" } }));
    const r = await liqscan("import", "dydx", "--markets", join(DIR, "perpetual-markets-2024-08.json"), "--subaccount", `whale=${join(DIR, "subaccount-2024-08.json")}`, "--subaccount", short, "--out", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote 2 accounts and 2 positions over 1 markets (dydx) to ${out}\n`);
    expect(readFileSync(out, "utf8")).toBe(importDydx({ markets: MARKETS, subaccounts: [{ id: "whale", text: SUB }, { id: "trader", text: readFileSync(short, "utf8") }] }));
    expect(readdirSync(dir).sort()).toEqual(["book.json", "trader.json"]);
    const scan = await liqscan("scan", out, "--all", "--json");
    expect(scan.code).toBe(0);
    expect(JSON.parse(scan.stdout).accounts.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([["whale", "ok"], ["trader", "ok"]]);
    const prices = await liqscan("liq-price", out, "--json");
    expect(prices.code).toBe(0);
    // trader: 1,000 USDC short 0.2 ETH: liquidatable from the least price x where 0.2 x * 1.03 > 1,000 (x near 4854.37).
    expect(prices.stdout).toContain('"trader"');
  });

  test("bad input: exit 2, the file, record and field on stderr, no book written", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, subaccount("1", { "FOO-USD": { side: "LONG", size: "1" } }));
    const out = join(dir, "never.json");
    const r = await liqscan("import", "dydx", "--markets", join(DIR, "perpetual-markets-2024-08.json"), "--subaccount", bad, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`liqscan: ${bad}: subaccount.openPerpetualPositions.FOO-USD: field "market": "FOO-USD" is not a market of the perpetualMarkets response\n`);
    expect(existsSync(out)).toBe(false);
  });

  test("usage errors exit 2", async () => {
    const cases: [string[], string][] = [
      [["import", "dydx", "--subaccount", "a.json", "--out", "b.json"], 'liqscan: import dydx: missing --markets MARKETS.json (see "liqscan import --help")\n'],
      [["import", "dydx", "--markets", "m.json", "--out", "b.json"], 'liqscan: import dydx: missing --subaccount [ID=]SUB.json (see "liqscan import --help")\n'],
      [["import", "dydx", "--markets", "m.json", "--subaccount", "a=", "--out", "b.json"], 'liqscan: --subaccount: "a=" has no file after "="\n'],
      [["import", "dydx", "--markets", "m.json", "--subaccount", "a.json", "--meta", "x", "--out", "b.json"], 'liqscan: import dydx: --meta is not an option of this venue (see "liqscan import --help")\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await liqscan(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toBe(stderr);
    }
    expect((await liqscan("import", "--help")).stdout).toContain("liqscan import dydx --markets MARKETS.json --subaccount [ID=]SUB.json");
  });
});
