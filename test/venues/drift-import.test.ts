// The Drift importer on accounts shaped as the public SDK decodes them (test/fixtures/venues/drift:
// hand-built with the SDK's field names, serialized by JSON.stringify with real bn.js BNs, see
// make-fixtures.cjs), on every refusal and malformed shape, and through `liqscan import drift`.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createEngine, importDrift as publicImport } from "../../bindings/index.js";
import { parseBookJson, validateBook, writeBookJson } from "../../book/index.js";
import { fundingPayment, importDrift, importDriftBook, type DriftInput } from "../../book/venues/drift.js";
import { scanBook } from "../../reference/index.js";
import { errorOf } from "../support/book-error.js";
import { liqscan } from "../support/run-cli.js";

const DIR = "test/fixtures/venues/drift";
const read = (f: string) => readFileSync(join(DIR, f), "utf8");
const PERP = read("perp-markets.json"), SPOT = read("spot-markets.json"), STATE = read("state.json");
const HEALTHY = read("user-healthy.json"), BORROW = read("user-borrow.json"), SPOTUSER = read("user-spot.json");

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const edit = (text: string, f: (o: Json) => void): string => {
  const o = JSON.parse(text);
  f(o);
  return JSON.stringify(o);
};
const input = (over: Partial<DriftInput> = {}): DriftInput => ({
  perpMarkets: PERP, perpMarketsSource: "perp.json", spotMarkets: SPOT, spotMarketsSource: "spot.json", state: STATE, stateSource: "state.json",
  users: [{ text: HEALTHY, source: "healthy.json" }, { id: "borrower", text: BORROW, source: "borrow.json" }], ...over,
});
const user = (text: string, source = "u.json") => input({ users: [{ text, source }] });

describe("importDrift on the SDK's accounts", () => {
  test("the book: USDC with the program's interest rounding, quote amounts with their funding, the markets held", () => {
    expect(publicImport).toBe(importDrift);
    const r = importDriftBook(input());
    expect([r.markets, r.accounts, r.positions]).toEqual([3, 2, 4]);
    const book = JSON.parse(r.text);
    expect(book.venue).toBe("drift-v2");
    expect(book.markets.map((m: Json) => m.id)).toEqual(["SOL-PERP", "BTC-PERP", "ETH-PERP"]);
    expect(book.markets[0]).toEqual({
      id: "SOL-PERP", sizeDecimals: 9, priceDecimals: 6, markPrice: "142.318500", tiers: [{ mmr: "0.0500" }], liquidationFee: "0.010000",
      drift: { marginRatioInitial: "0.1000", imfFactor: "0.001000", unrealizedPnlMaintenanceAssetWeight: "1.0000", ifLiquidationFee: "0.010000", liquidationMarginBufferRatio: "0.0200", initialPctToLiquidate: "0.1000", orderStepSize: "0.010000000" },
    });
    // 1173184000000 * 10523456789 / 10^13 = 1234595112.2...: down, a deposit. The borrow:
    // 4450000000000 * 11234567890 / 10^13 = 4999382711.05: up.
    expect(book.accounts[0].id).toBe("4rmhwkDAfrNGLRbx4J3H2pAfj4n4LZB3N5sDpXJ6A1Pq/0");
    expect(book.accounts[0].collateral).toBe("1234.595112");
    expect(book.accounts[1]).toEqual({ id: "borrower", collateral: "-4999.382712", positions: [{ market: "SOL-PERP", size: "2000.000000000", quoteAssetAmount: "-300000.000000" }] });
    // SOL long: (-1052331876 + 1052001876) = -330000 over 12.5 base: 330000 * 12.5e9 / 1e6 / 1e3 = 4125000, / 1e3 = 4125
    // received (a long receives a falling rate). BTC short: 9988100 * 5e7 / 1e9 = 499405, / 1e3 = 499 (toward zero)
    // received. ETH: base 0, the unsettled -3.2 with no funding.
    expect(book.accounts[0].positions).toEqual([
      { market: "SOL-PERP", size: "12.500000000", quoteAssetAmount: "-1812.495875" },
      { market: "BTC-PERP", size: "-0.050000000", quoteAssetAmount: "4850.000499" },
      { market: "ETH-PERP", size: "0.000000000", quoteAssetAmount: "-3.200000" },
    ]);
  });

  test("a spot balance other than USDC: a balance of the spot market's asset, valued by Drift's weights in both engines", async () => {
    const text = importDrift(input({ users: [{ id: "spot", text: SPOTUSER, source: "spot.json" }] }));
    const json = JSON.parse(text);
    expect(json.assets).toEqual([{ id: "SOL", decimals: 9, priceDecimals: 6, price: "142.318500", maintenanceWeight: "0.9000", initialWeight: "0.8000", liabilityWeight: "1.1000", drift: { imfFactor: "0.001000" } }]);
    // SOL: 24750000000 * 10101010101 / 10^(19 - 9) = 24999999999 (down); USDC borrowed: 2000000000000 * 11234567890 / 10^13 up.
    expect(json.accounts[0]).toEqual({ id: "spot", collateral: "-2246.913578", balances: { SOL: "24.999999999" }, positions: [{ market: "ETH-PERP", size: "-1.000000000", quoteAssetAmount: "3100.000000" }] });
    const book = parseBookJson(text);
    validateBook(book);
    const want = scanBook(book).results[0]!;
    const live = await (await createEngine("wasm")).load(book);
    expect(live.scan().account(0)).toEqual(want);
    live.dispose();
    // SOL: 24999999999 * 142318500 / 1e9 = 3557962499, weight min(9000, 1.1e10 / (1e6 + isqrt(249999999991) * 1000 / 1e5 = 4999)
    // = 10945) = 9000: 3202166249. ETH short: pnl 3100 - 3020.11 = 79.89. Equity -2246.913578 + 3202.166249 + 79.89.
    expect(want.equity).toBe(1_035_142_671n);
    expect(want.maintenance).toBe(151_005_500n);
    expect(parseBookJson(writeBookJson(book))).toEqual(book);
  });

  test("calculate_funding_payment's signs and truncation", () => {
    expect(fundingPayment(-1_052_331_876n, -1_052_001_876n, 12_500_000_000n)).toBe(4_125n);
    expect(fundingPayment(1_000_000n, 0n, 1_000_000_000n)).toBe(-1_000n); // a long pays a rising rate: 1e6 * 1e9 / 1e12
    expect(fundingPayment(1_000_000n, 0n, -1_000_000_000n)).toBe(1_000n);
    expect(fundingPayment(1_999n, 0n, 1_000_000_000n)).toBe(-1n); // 1999e9 / 1e9 = 1999 -> -1999 / 1000 = -1 (toward zero)
    expect(fundingPayment(5n, 5n, 1n)).toBe(0n);
  });

  test("the book scans in both engines: the healthy account ok, the borrower below its size-premium requirement", async () => {
    const book = parseBookJson(importDrift(input()));
    validateBook(book);
    const want = scanBook(book).results;
    const live = await (await createEngine("wasm")).load(book);
    const got = live.scan();
    expect(got.account(0)).toEqual(want[0]);
    expect(got.account(1)).toEqual(want[1]);
    live.dispose();
    // healthy: SOL 12.5 * 142.3185 = 1778.98125 (req 5 %: 88.949062), pnl -33.514625; BTC -0.05 * 91244.123456 ->
    // 4562.206172 (req 228.110308), pnl 287.794327; ETH -3.2: equity 1234.595112 - 33.514625 + 287.794327 - 3.2.
    expect(want[0]!.equity).toBe(1_485_674_814n);
    expect(want[0]!.maintenance).toBe(88_949_062n + 228_110_308n);
    expect(want[0]!.status).toBe("ok");
    // borrower: 2000 SOL, n = 284637, ratio max(500, 400 + isqrt(2e13 + 1) * 1000 / 1e7 = 847): 24108.7539;
    // equity -4999.382712 + 284637 - 300000.
    expect(want[1]!.maintenance).toBe(24_108_753_900n);
    expect(want[1]!.equity).toBe(-20_362_382_712n);
    expect(want[1]!.status).toBe("liquidatable");
  });

  test("the imported book reads back and writes again to the same book", () => {
    const book = parseBookJson(importDrift(input()));
    expect(parseBookJson(writeBookJson(book))).toEqual(book);
  });

  test("BN fields as decimal strings with bn: decimal", () => {
    const decimal = (t: string) => edit(t, (o) => {
      const walk = (v: Json) => { for (const k of Object.keys(v)) { if (typeof v[k] === "string" && /^-?[0-9a-f]+$/.test(v[k]) && !["authority", "delegate"].includes(k)) v[k] = (v[k].startsWith("-") ? -BigInt("0x" + v[k].slice(1)) : BigInt("0x" + v[k])).toString(); else if (typeof v[k] === "object" && v[k] !== null) walk(v[k]); } };
      walk(o);
    });
    const hex = importDrift(input());
    const dec = importDrift(input({ bn: "decimal", perpMarkets: decimal(PERP), spotMarkets: decimal(SPOT), users: [{ text: decimal(HEALTHY), source: "healthy.json" }, { id: "borrower", text: decimal(BORROW), source: "borrow.json" }] }));
    expect(dec).toBe(hex);
  });

  test("open orders are refused, or taken as liquidate_perp takes them once cancelled", () => {
    const withOrders = edit(HEALTHY, (o) => { o.perpPositions[0].openOrders = 2; o.perpPositions[0].openBids = "3b9aca00"; });
    expect(errorOf(() => importDrift(user(withOrders))).message).toBe('u.json: perpPositions[0]: field "openOrders": 2 open orders (bids 1000000000, asks 0): their worst-case fill margin is not modelled; import with withoutOpenOrders (--without-open-orders) to take the account as liquidate_perp does once it has cancelled them');
    const book = JSON.parse(importDrift({ ...user(withOrders), withoutOpenOrders: true }));
    expect(book.accounts[0].positions[0]).toEqual({ market: "SOL-PERP", size: "12.500000000", quoteAssetAmount: "-1812.495875" });
  });

  test("every refusal and malformed shape names the file, the record and the field", () => {
    const cases: [DriftInput, string][] = [
      [user(edit(HEALTHY, (o) => { o.spotPositions[1] = { ...o.spotPositions[1], marketIndex: 5, scaledBalance: "3b9aca00" }; })), 'u.json: spotPositions[1]: field "marketIndex": 5 is not a market of the spot markets file'],
      [user(edit(SPOTUSER, (o) => { o.spotPositions[2] = { ...o.spotPositions[0] }; })), 'u.json: spotPositions[2]: field "marketIndex": spot market 1 is held twice'],
      [{ ...user(SPOTUSER), spotMarkets: edit(SPOT, (o) => { o[1].historicalOracleData.lastOraclePrice = "-01"; }) }, 'spot.json: [1]: field "historicalOracleData.lastOraclePrice": -1 is negative'],
      [{ ...user(SPOTUSER), spotMarkets: edit(SPOT, (o) => { o[1].maintenanceLiabilityWeight = 9000; }) }, 'spot.json: [1]: field "maintenanceLiabilityWeight": 9000 is outside [10000, 1000000]'],
      [{ ...user(SPOTUSER), spotMarkets: edit(SPOT, (o) => { o[1].initialAssetWeight = 9500; }) }, 'spot.json: [1]: field "initialAssetWeight": 9500 is above maintenanceAssetWeight 9000'],
      [{ ...user(edit(SPOTUSER, (o) => { o.spotPositions[2] = { ...o.spotPositions[0], marketIndex: 2 }; })), spotMarkets: edit(SPOT, (o) => { o.push({ ...o[1], marketIndex: 2 }); }) }, 'spot.json: [2]: field "name": "SOL" is also the name of spot market 1'],
      [user(edit(HEALTHY, (o) => { o.spotPositions[0].openOrders = 1; })), 'u.json: spotPositions[0]: field "openOrders": 1 open spot orders: their margin is not modelled'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[0].lpShares = "0a"; })), 'u.json: perpPositions[0]: field "lpShares": 10: LP positions are not modelled'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[1].positionFlag = 1; })), 'u.json: perpPositions[1]: field "positionFlag": an isolated position: liqscan models Drift\'s cross margin only'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[1].isolatedPositionScaledBalance = "01"; })), 'u.json: perpPositions[1]: field "isolatedPositionScaledBalance": an isolated position: liqscan models Drift\'s cross margin only'],
      [user(edit(HEALTHY, (o) => { o.marginMode = { highLeverage: {} }; })), 'u.json: field "marginMode": "highLeverage": high-leverage mode has ratios of its own, which liqscan does not model'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[0].marketIndex = 7; })), 'u.json: perpPositions[0]: field "marketIndex": 7 is not a market of the perp markets file'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[1].marketIndex = 0; })), 'u.json: perpPositions[1]: field "marketIndex": market 0 is held twice'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[0].baseAssetAmount = 12.5; })), 'u.json: perpPositions[0]: field "baseAssetAmount": expected a whole number, got JSON number 12.5'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[0].baseAssetAmount = "12.5"; })), 'u.json: perpPositions[0]: field "baseAssetAmount": "12.5" is not a hexadecimal BN (as BN\'s toJSON writes it); if your BNs are decimal strings, say so (bn: "decimal", --bn decimal)'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[0].baseAssetAmount = "8000000000000000"; })), `u.json: perpPositions[0]: field "baseAssetAmount": ${2n ** 63n} is outside [${-(2n ** 63n)}, ${2n ** 63n - 1n}]`],
      [user(edit(HEALTHY, (o) => { delete o.perpPositions[0].quoteAssetAmount; })), 'u.json: perpPositions[0]: field "quoteAssetAmount": missing'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[0].openOrders = "1"; })), 'u.json: perpPositions[0]: field "openOrders": expected a whole JSON number, got string "1"'],
      [user(edit(HEALTHY, (o) => { o.perpPositions[0].quoteAssetAmount = "-7fffffffffffffff"; o.perpPositions[0].lastCumulativeFundingRate = "-7fffffff"; })), 'u.json: perpPositions[0]: field "quoteAssetAmount": with its unrealized funding (-13689397) it does not fit a book\'s quote asset amount'],
      [user(edit(HEALTHY, (o) => { delete o.authority; })), 'u.json: field "authority": missing'],
      [user(edit(HEALTHY, (o) => { o.spotPositions[0].balanceType = {}; })), 'u.json: spotPositions[0]: field "balanceType": expected an SDK enum object with one variant ({"name": {}}), got 0 keys'],
      [user("[1]"), 'u.json: expected an object, got an array'],
      [user("{"), "u.json"],
      [input({ users: [{ text: HEALTHY, source: "a.json" }, { text: HEALTHY, source: "b.json" }] }), 'b.json: account id "4rmhwkDAfrNGLRbx4J3H2pAfj4n4LZB3N5sDpXJ6A1Pq/0" is already taken (by a.json); give each user a distinct ID (--user ID=FILE)'],
      [input({ perpMarkets: edit(PERP, (o) => { o[0].status = { settlement: {} }; }) }), 'perp.json: [0]: field "status": "settlement": a market in settlement values positions at its expiry price with no margin requirement, which liqscan does not model'],
      [input({ perpMarkets: edit(PERP, (o) => { o[1].contractType = { prediction: {} }; }) }), 'perp.json: [1]: field "contractType": "prediction": liqscan models perpetual markets only (a prediction market\'s liability is valued otherwise)'],
      [input({ perpMarkets: edit(PERP, (o) => { o[0].quoteSpotMarketIndex = 1; }) }), 'perp.json: [0]: field "quoteSpotMarketIndex": 1: liqscan takes the quote in USDC, spot market 0'],
      [input({ perpMarkets: edit(PERP, (o) => { o[0].marginRatioInitial = 500; }) }), 'perp.json: [0]: field "marginRatioInitial": 500 is not above marginRatioMaintenance 500'],
      [input({ perpMarkets: edit(PERP, (o) => { o[0].marginRatioMaintenance = 0; }) }), 'perp.json: [0]: field "marginRatioMaintenance": 0 is outside [1, 10000]'],
      [input({ perpMarkets: edit(PERP, (o) => { o[0].unrealizedPnlMaintenanceAssetWeight = 10001; }) }), 'perp.json: [0]: field "unrealizedPnlMaintenanceAssetWeight": 10001 is outside [0, 10000]'],
      [input({ perpMarkets: edit(PERP, (o) => { o[0].amm.orderStepSize = "00"; }) }), 'perp.json: [0]: field "amm.orderStepSize": 0 is outside [1, 9223372036854775807]'],
      [input({ perpMarkets: edit(PERP, (o) => { o[0].amm.historicalOracleData.lastOraclePrice = "-01"; }) }), 'perp.json: [0]: field "amm.historicalOracleData.lastOraclePrice": -1 is negative'],
      [input({ perpMarkets: edit(PERP, (o) => { delete o[0].amm.historicalOracleData; }) }), 'perp.json: [0]: field "amm.historicalOracleData": missing'],
      [input({ perpMarkets: edit(PERP, (o) => { o[2].marketIndex = 0; }) }), 'perp.json: [2]: field "marketIndex": 0 is also the index of perp.json: [0]'],
      [input({ perpMarkets: edit(PERP, (o) => { o[1].name = o[0].name; }) }), 'perp.json: [1]: field "name": "SOL-PERP" is also the name of perp market 0'],
      [input({ perpMarkets: edit(PERP, (o) => { o[1].name = [300]; }) }), 'perp.json: [1]: field "name[0]": expected a byte, got JSON number 300'],
      [input({ perpMarkets: "{}" }), 'perp.json: expected an array, got an object'],
      [input({ spotMarkets: edit(SPOT, (o) => { o.shift(); }) }), "spot.json: has no spot market 0 (USDC, every account's quote collateral)"],
      [input({ spotMarkets: edit(SPOT, (o) => { o[0].decimals = 9; }) }), 'spot.json: [0]: field "decimals": 9: the quote market (USDC) has QUOTE_PRECISION\'s 6 decimals'],
      [input({ spotMarkets: edit(SPOT, (o) => { o[1].marketIndex = 0; }) }), 'spot.json: [1]: field "marketIndex": spot market 0 is listed twice (also spot.json: [0])'],
      [input({ state: "{}" }), 'state.json: field "liquidationMarginBufferRatio": missing'],
      [input({ state: edit(STATE, (o) => { o.initialPctToLiquidate = 10001; }) }), 'state.json: field "initialPctToLiquidate": 10001 is outside [0, 10000]'],
      [input({ bn: "octal" as "hex" }), 'input: field "bn": string "octal" is not "hex" or "decimal"'],
    ];
    for (const [i, message] of cases) {
      const e = errorOf(() => importDrift(i));
      if (message.endsWith(".json")) expect(e.message.startsWith(message), message).toBe(true);
      else expect.soft(e.message).toBe(message);
    }
  });

  test("a size the market's step does not divide is refused when the book is validated", () => {
    const text = importDrift(user(edit(HEALTHY, (o) => { o.perpPositions[0].baseAssetAmount = "02e90edd01"; }))); // 12.5 SOL + 1 unit
    const e = errorOf(() => validateBook(parseBookJson(text)));
    expect(e.message).toBe('account "4rmhwkDAfrNGLRbx4J3H2pAfj4n4LZB3N5sDpXJ6A1Pq/0" position 1: field "size": 12500000001 is not a multiple of the market\'s order step 10000000 (size units)');
  });
});

describe("liqscan import drift", () => {
  const dir = mkdtempSync(join(tmpdir(), "liqscan-import-drift-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = ["--perp-markets", join(DIR, "perp-markets.json"), "--spot-markets", join(DIR, "spot-markets.json"), "--state-account", join(DIR, "state.json")];

  test("writes the book: exit 0; it scans and prices", async () => {
    const out = join(dir, "book.json");
    const r = await liqscan("import", "drift", ...files, "--user", `healthy=${join(DIR, "user-healthy.json")}`, "--user", join(DIR, "user-borrow.json"), "--out", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote 2 accounts and 4 positions over 3 markets (drift) to ${out}\n`);
    expect(readFileSync(out, "utf8")).toBe(importDrift(input({ users: [{ id: "healthy", text: HEALTHY }, { id: "user-borrow", text: BORROW }] })));
    const scan = await liqscan("scan", out, "--all", "--json");
    expect(scan.code).toBe(0);
    expect(JSON.parse(scan.stdout).accounts.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([["healthy", "ok"], ["user-borrow", "liquidatable"]]);
    const prices = await liqscan("liq-price", out, "--json");
    expect(prices.code).toBe(0);
    expect(prices.stdout).toContain('"healthy"');
  });

  test("bad input and usage errors: exit 2, no book written", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, edit(HEALTHY, (o) => { o.perpPositions[0].lpShares = "01"; }));
    const out = join(dir, "never.json");
    const r = await liqscan("import", "drift", ...files, "--user", bad, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`liqscan: ${bad}: perpPositions[0]: field "lpShares": 1: LP positions are not modelled\n`);
    expect(existsSync(out)).toBe(false);
    const cases: [string[], string][] = [
      [["import", "drift", "--spot-markets", "s.json", "--state-account", "t.json", "--user", "u.json", "--out", "b.json"], 'liqscan: import drift: missing --perp-markets PERP.json (see "liqscan import --help")\n'],
      [["import", "drift", "--perp-markets", "p.json", "--state-account", "t.json", "--user", "u.json", "--out", "b.json"], 'liqscan: import drift: missing --spot-markets SPOT.json (see "liqscan import --help")\n'],
      [["import", "drift", "--perp-markets", "p.json", "--spot-markets", "s.json", "--user", "u.json", "--out", "b.json"], 'liqscan: import drift: missing --state-account STATE.json (see "liqscan import --help")\n'],
      [["import", "drift", "--perp-markets", "p.json", "--spot-markets", "s.json", "--state-account", "t.json", "--out", "b.json"], 'liqscan: import drift: missing --user [ID=]USER.json (see "liqscan import --help")\n'],
      [["import", "drift", ...files, "--user", "u.json", "--bn", "octal", "--out", "b.json"], 'liqscan: import drift: --bn "octal" is not hex or decimal\n'],
    ];
    for (const [args, stderr] of cases) {
      const res = await liqscan(...args);
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr, args.join(" ")).toBe(stderr);
    }
    expect((await liqscan("import", "--help")).stdout).toContain("liqscan import drift --perp-markets PERP.json");
  });
});
