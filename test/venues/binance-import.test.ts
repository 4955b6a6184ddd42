/**
 * The Binance USDⓈ-M importer (book/venues/binance.ts) on responses built in the venue's shapes
 * (test/fixtures/venues/binance/, see its README), field by field; every malformed shape with its
 * exact error; `liqscan import binance` end to end; and the closed-form liquidation price of
 * test/support/binance-closed-form.ts against every published Binance figure.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importBinance, type BinanceImportInput } from "../../book/venues/binance.js";
import { errorOf } from "../support/book-error.js";
import {
  add, cmp, dec, liquidationPrice, marginExcessAt, oneWayLiquidationPrice, q, roundHalfUp, show,
  type Bracket, type Case,
} from "../support/binance-closed-form.js";
import { liqscan, MAIN } from "../support/run-cli.js";

const DIR = "test/fixtures/venues/binance";
const text = (f: string): string => readFileSync(join(DIR, f), "utf8");
const FILES = {
  brackets: "leverageBracket.json",
  premiumIndex: "premiumIndex.json",
  exchangeInfo: "exchangeInfo.json",
  account: "account-oneway.json",
  positionRisk: "positionRisk-oneway.json",
} as const;
type Key = keyof typeof FILES;

/** The one-way fixture set, with `edit` applied to the parsed JSON of some inputs. */
function input(edit: Partial<Record<Key, (v: any) => unknown>> = {}, extra: Partial<BinanceImportInput> = {}, files: Partial<Record<Key, string>> = {}): BinanceImportInput {
  const src = (k: Key) => {
    const f = files[k] ?? FILES[k];
    const t = text(f);
    const e = edit[k];
    if (!e) return { text: t, source: f };
    const v = JSON.parse(t);
    const r = e(v);
    return { text: JSON.stringify(r === undefined ? v : r), source: f };
  };
  return { brackets: src("brackets"), premiumIndex: src("premiumIndex"), exchangeInfo: src("exchangeInfo"), account: src("account"), positionRisk: src("positionRisk"), ...extra };
}
const HEDGE = { account: "account-hedge.json", positionRisk: "positionRisk-hedge.json" };
const book = (i: BinanceImportInput) => JSON.parse(importBinance(i));
const message = (i: BinanceImportInput) => errorOf(() => importBinance(i)).message;

const BTC_TIERS = [
  { maxNotional: "50000", mmr: "0.004", cum: "0", maxLeverage: "125" },
  { maxNotional: "250000", mmr: "0.005", cum: "50", maxLeverage: "100" },
  { maxNotional: "1000000", mmr: "0.01", cum: "1300", maxLeverage: "50" },
  { maxNotional: "10000000", mmr: "0.025", cum: "16300", maxLeverage: "20" },
  { maxNotional: "20000000", mmr: "0.05", cum: "266300", maxLeverage: "10" },
  { maxNotional: "50000000", mmr: "0.1", cum: "1266300", maxLeverage: "5" },
  { maxNotional: "100000000", mmr: "0.125", cum: "2516300", maxLeverage: "4" },
  { maxNotional: "200000000", mmr: "0.15", cum: "5016300", maxLeverage: "3" },
  { maxNotional: "300000000", mmr: "0.25", cum: "25016300", maxLeverage: "2" },
  { mmr: "0.5", cum: "100016300", maxLeverage: "1" },
];

describe("importBinance: realistic responses", () => {
  it("one-way: a cross account with two symbols and an isolated position; zero positions dropped", () => {
    const b = book(input());
    expect(Object.keys(b)).toEqual(["venue", "liquidatorShare", "markets", "accounts"]);
    expect(b.venue).toBe("binance-usdm");
    expect(b.liquidatorShare).toBe("0");
    expect(b.markets.map((m: any) => m.id)).toEqual(["BTCUSDT", "ETHUSDT", "SOLUSDT"]); // XRPUSDT holds 0: no market
    const [btc, eth, sol] = b.markets;
    // BTCUSDT: pricePrecision 2 raised to 7 by the mark 64012.34567890 (trailing zero does not count)
    expect(btc).toEqual({ id: "BTCUSDT", sizeDecimals: 3, priceDecimals: 7, markPrice: "64012.3456789", liquidationFee: "0.0125", tiers: BTC_TIERS });
    // ETHUSDT: raised to 6 by the entry 3050.123456
    expect(eth.sizeDecimals).toBe(3);
    expect(eth.priceDecimals).toBe(6);
    expect(eth.markPrice).toBe("3011.520000");
    expect(eth.tiers[1]).toEqual({ maxNotional: "100000", mmr: "0.0065", cum: "15", maxLeverage: "75" });
    expect(eth.tiers[9]).toEqual({ mmr: "0.5", cum: "15010365", maxLeverage: "1" });
    // SOLUSDT: quantityPrecision 0, pricePrecision 4 kept
    expect(sol).toMatchObject({ sizeDecimals: 0, priceDecimals: 4, markPrice: "139.8765" });
    expect(sol.tiers).toHaveLength(4);
    expect(b.accounts).toEqual([
      {
        id: "account", collateral: "10234.5182", positions: [
          { market: "BTCUSDT", size: "0.250", entryPrice: "61000.5000000", leverage: "20" },
          { market: "ETHUSDT", size: "-3.125", entryPrice: "3050.123456", leverage: "10" },
        ],
      },
      { id: "account/SOLUSDT", margin: "isolated", collateral: "571.25", positions: [{ market: "SOLUSDT", size: "40", entryPrice: "142.3150", leverage: "10" }] },
    ]);
  });

  it("hedge mode (v3 shapes): LONG and SHORT in one symbol carry their side; an isolated LONG is <id>/<symbol>/LONG", () => {
    const b = book(input({}, { accountId: "main" }, HEDGE));
    expect(b.markets.map((m: any) => [m.id, m.sizeDecimals, m.priceDecimals, m.markPrice])).toEqual([
      ["BTCUSDT", 3, 7, "64012.3456789"],
      ["ETHUSDT", 3, 2, "3011.52"],
    ]);
    expect(b.accounts).toEqual([
      {
        id: "main", collateral: "5000", positions: [
          { market: "BTCUSDT", size: "0.100", entryPrice: "60000.0000000", side: "LONG" },
          { market: "BTCUSDT", size: "-0.040", entryPrice: "65500.1000000", side: "SHORT" },
        ],
      },
      // v3 has no marginType: isolated because its isolatedWallet is not 0
      { id: "main/ETHUSDT/LONG", margin: "isolated", collateral: "310.5", positions: [{ market: "ETHUSDT", size: "2.000", entryPrice: "2990.00", side: "LONG" }] },
    ]);
  });

  it("without marginType, the v2 account's isolated flag decides; leverage falls back to the account's", () => {
    const b = book(input({
      positionRisk: (v) => v.map((p: any) => { delete p.marginType; delete p.leverage; return p; }),
    }));
    expect(b.accounts.map((a: any) => a.id)).toEqual(["account", "account/SOLUSDT"]);
    expect(b.accounts[0].positions[0].leverage).toBe("20");
  });

  it("reads numbers from the JSON text, never through a double; exponents exactly; single-object responses", () => {
    const t = text(FILES.brackets)
      .replace('"cum": 100016300.0', '"cum": 9000000000000.000001')
      .replace('"maintMarginRatio": 0.004,', '"maintMarginRatio": 4E-3,');
    const b = book({ ...input(), brackets: { text: t } });
    expect(b.markets[0].tiers[9].cum).toBe("9000000000000.000001");
    expect(b.markets[0].tiers[0].mmr).toBe("0.004");
    const one = book(input({
      premiumIndex: (v) => v, // arrays as usual
    }, {}, {}));
    expect(one.markets).toHaveLength(3);
    // a request for one symbol returns one object, not an array
    const single = book(input({
      positionRisk: (v) => v[0],
      premiumIndex: (v) => v[0],
      brackets: (v) => v[0],
    }));
    expect(single.markets.map((m: any) => m.id)).toEqual(["BTCUSDT"]);
  });

  it("raises sizeDecimals to fit a size", () => {
    const b = book(input({ positionRisk: (v) => { v[2].positionAmt = "40.25"; } }));
    expect(b.markets[2]).toMatchObject({ id: "SOLUSDT", sizeDecimals: 2 });
    expect(b.accounts[1].positions[0].size).toBe("40.25");
  });

  it("clearance fee and account id are parameters", () => {
    const b = book(input({}, { clearanceFee: "0.015", accountId: "k1" }));
    expect(b.markets.every((m: any) => m.liquidationFee === "0.015")).toBe(true);
    expect(b.accounts.map((a: any) => a.id)).toEqual(["k1", "k1/SOLUSDT"]);
  });

  it("a symbol's own clearance-fee rate overrides the book's", () => {
    const b = book(input({}, { clearanceFee: "0.015", clearanceFees: { ETHUSDT: "0.01", SOLUSDT: "0" } }));
    expect(b.markets.map((m: any) => [m.id, m.liquidationFee])).toEqual([["BTCUSDT", "0.015"], ["ETHUSDT", "0.01"], ["SOLUSDT", "0"]]);
  });

  it("uses no Node built-in (browser-safe)", () => {
    const src = readFileSync("book/venues/binance.ts", "utf8");
    expect(src).not.toMatch(/from "node:|require\(/);
  });
});

describe("importBinance: wallet balances of 10^-8 USDT, rounded down only when asked", () => {
  it("rounds each balance down to 10^-6 (a loss away from zero) and reports it; the rest of the book is unchanged", () => {
    const notes: string[][] = [];
    const edited = input(
      { account: (v) => { v.assets[0].crossWalletBalance = "10234.51820099"; }, positionRisk: (v) => { v[2].isolatedWallet = "-0.00000001"; } },
      { onRoundedBalance: (...a) => notes.push(a) },
    );
    const book = JSON.parse(importBinance(edited));
    expect(book.accounts[0].collateral).toBe("10234.5182");
    expect(book.accounts[1].collateral).toBe("-0.000001");
    expect(notes).toEqual([
      ["account-oneway.json: assets[0] \"USDT\"", "crossWalletBalance", "10234.51820099", "10234.518200"],
      ["positionRisk-oneway.json: [2] \"SOLUSDT\"", "isolatedWallet", "-0.00000001", "-0.000001"],
    ]);
    // Six decimals or fewer: nothing to round, nothing reported, the same book as without the option.
    const plain: string[][] = [];
    expect(importBinance(input({}, { onRoundedBalance: (...a) => plain.push(a) }))).toBe(importBinance(input()));
    expect(plain).toEqual([]);
  });
});

describe("importBinance: every malformed shape names file, record and field", () => {
  const cases: [string, BinanceImportInput, string][] = [
    ["brackets not JSON", { ...input(), brackets: { text: "[{", source: "B.json" } }, 'B.json: invalid JSON at line 1 column 3: expected a key string ("..."), found end of text'],
    ["brackets not a list", input({ brackets: () => 5 }), "leverageBracket.json: expected an array of objects (or one object), got JSON number 5"],
    ["bracket entry not an object", input({ brackets: (v) => [v[0], "x"] }), 'leverageBracket.json: [1]: expected an object, got string "x"'],
    ["symbol missing", input({ brackets: (v) => { delete v[0].symbol; } }), 'leverageBracket.json: [0]: field "symbol": missing'],
    ["duplicate symbol", input({ brackets: (v) => [v[0], v[0]] }), 'leverageBracket.json: [1] "BTCUSDT": field "symbol": duplicate symbol "BTCUSDT" (also [0] "BTCUSDT")'],
    ["brackets missing", input({ brackets: (v) => { delete v[0].brackets; } }), 'leverageBracket.json: [0] "BTCUSDT": field "brackets": missing'],
    ["brackets empty", input({ brackets: (v) => { v[0].brackets = []; } }), 'leverageBracket.json: [0] "BTCUSDT": field "brackets": is empty (at least one bracket is required)'],
    ["mmr not a number", input({ brackets: (v) => { v[0].brackets[1].maintMarginRatio = "abc"; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[1]: field "maintMarginRatio": "abc" is not a decimal number (expected a JSON number or a decimal string like "0.004")'],
    ["mmr 7 decimals", input({ brackets: (v) => { v[0].brackets[1].maintMarginRatio = "0.0050001"; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[1]: field "maintMarginRatio": "0.0050001" has 7 decimals: a rate may have at most 6 (rates are whole ppm; nothing is rounded)'],
    ["mmr above 1", input({ brackets: (v) => { v[0].brackets[9].maintMarginRatio = "1.5"; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[9]: field "maintMarginRatio": "1.5" is outside [0, 1]'],
    ["cum 7 decimals", input({ brackets: (v) => { v[0].brackets[1].cum = "50.0000001"; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[1]: field "cum": "50.0000001" has 7 decimals: a USDT amount may have at most 6 (the engine\'s quote unit is 10^-6 USDT; nothing is rounded)'],
    ["cum negative", input({ brackets: (v) => { v[0].brackets[1].cum = "-50"; } }), 'leverageBracket.json: [0] "BTCUSDT" brackets[1]: field "cum": "-50" is negative'],
    ["cap too large", input({ brackets: (v) => { v[0].brackets[9].notionalCap = "10000000000000"; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[9]: field "notionalCap": "10000000000000" does not fit a signed 64-bit count of 10^-6 USDT'],
    ["caps not increasing", input({ brackets: (v) => { v[0].brackets[1].notionalCap = 50000; v[0].brackets[2].notionalFloor = 50000; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[1]: field "notionalCap": 50000 is not greater than the previous bracket\'s 50000 (caps must increase)'],
    ["floor gap", input({ brackets: (v) => { v[0].brackets[2].notionalFloor = 260000; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[2]: field "notionalFloor": 260000 is not the previous bracket\'s notionalCap 250000 (brackets must follow each other without gap or overlap)'],
    ["first floor not 0", input({ brackets: (v) => { v[0].brackets[0].notionalFloor = 5; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[0]: field "notionalFloor": 5 is not 0 (brackets must follow each other without gap or overlap)'],
    ["mmr decreasing", input({ brackets: (v) => { v[0].brackets[1].maintMarginRatio = 0.003; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[1]: field "maintMarginRatio": 0.003 is less than the previous bracket\'s 0.004 (rates must not decrease)'],
    ["leverage 0", input({ brackets: (v) => { v[0].brackets[0].initialLeverage = 0; } }),
      'leverageBracket.json: [0] "BTCUSDT" brackets[0]: field "initialLeverage": 0 is not a whole number in [1, 1000000]'],
    ["mark missing", input({ premiumIndex: (v) => { delete v[1].markPrice; } }), 'premiumIndex.json: [1] "ETHUSDT": field "markPrice": missing'],
    ["mark with exponent in a string", input({ premiumIndex: (v) => { v[1].markPrice = "3e3"; } }),
      'premiumIndex.json: [1] "ETHUSDT": field "markPrice": "3e3" is not a decimal number (expected a JSON number or a decimal string like "0.004")'],
    ["mark negative", input({ premiumIndex: (v) => { v[1].markPrice = "-1"; } }), 'premiumIndex.json: [1] "ETHUSDT": field "markPrice": "-1" is negative'],
    ["account not an object", input({ account: () => [] }), "account-oneway.json: expected an object, got an array"],
    ["no USDT asset", input({ account: (v) => { v.assets = v.assets.slice(1); } }),
      'account-oneway.json: field "assets": has no "USDT" asset (its crossWalletBalance is the cross account\'s collateral)'],
    ["crossWalletBalance with 8 decimals (what real accounts send)", input({ account: (v) => { v.assets[0].crossWalletBalance = "10234.51820001"; } }),
      'account-oneway.json: assets[0] "USDT": field "crossWalletBalance": "10234.51820001" has 8 decimals: a USDT amount may have at most 6 (the engine\'s quote unit is 10^-6 USDT; nothing is rounded). To round wallet balances down to 10^-6 USDT (toward the venue\'s solvency) pass --round-balances (API: onRoundedBalance)'],
    ["crossWalletBalance missing", input({ account: (v) => { delete v.assets[0].crossWalletBalance; } }), 'account-oneway.json: assets[0] "USDT": field "crossWalletBalance": missing'],
    ["multi-assets mode", input({ account: (v) => { v.multiAssetsMargin = true; } }),
      'account-oneway.json: field "multiAssetsMargin": is true: Multi-Assets mode (collateral in several assets at their haircut prices) is not supported; only single-asset USDT margin is'],
    ["account isolated flag not boolean", input({ account: (v) => { v.positions[0].isolated = "no"; } }),
      'account-oneway.json: positions[0] "BTCUSDT": field "isolated": expected true or false, got string "no"'],
    ["positionSide wrong", input({ positionRisk: (v) => { v[1].positionSide = "BUY"; } }), 'positionRisk-oneway.json: [1] "ETHUSDT": field "positionSide": "BUY" is not "BOTH", "LONG" or "SHORT"'],
    ["positionAmt missing", input({ positionRisk: (v) => { delete v[1].positionAmt; } }), 'positionRisk-oneway.json: [1] "ETHUSDT": field "positionAmt": missing'],
    ["positionAmt a boolean", input({ positionRisk: (v) => { v[1].positionAmt = true; } }),
      'positionRisk-oneway.json: [1] "ETHUSDT": field "positionAmt": boolean true is not a decimal number (expected a JSON number or a decimal string like "0.004")'],
    ["entryPrice negative", input({ positionRisk: (v) => { v[0].entryPrice = "-5"; } }), 'positionRisk-oneway.json: [0] "BTCUSDT": field "entryPrice": "-5" is negative'],
    ["marginType wrong", input({ positionRisk: (v) => { v[0].marginType = "portfolio"; } }), 'positionRisk-oneway.json: [0] "BTCUSDT": field "marginType": "portfolio" is not "cross" or "isolated"'],
    ["isolatedWallet with 8 decimals", input({ positionRisk: (v) => { v[2].isolatedWallet = "571.25000001"; } }),
      'positionRisk-oneway.json: [2] "SOLUSDT": field "isolatedWallet": "571.25000001" has 8 decimals: a USDT amount may have at most 6 (the engine\'s quote unit is 10^-6 USDT; nothing is rounded). To round wallet balances down to 10^-6 USDT (toward the venue\'s solvency) pass --round-balances (API: onRoundedBalance)'],
    ["leverage not whole", input({ positionRisk: (v) => { v[0].leverage = "2.5"; } }), 'positionRisk-oneway.json: [0] "BTCUSDT": field "leverage": "2.5" is not a whole number in [1, 1000000]'],
    ["duplicate position", input({ positionRisk: (v) => [v[0], v[0]] }),
      'positionRisk-oneway.json: [1] "BTCUSDT": field "positionSide": a second BOTH position in "BTCUSDT" (also [0] "BTCUSDT")'],
    ["BOTH mixed with LONG", input({ positionRisk: (v) => [...v, { ...v[0], positionSide: "LONG" }] }),
      'positionRisk-oneway.json: [4] "BTCUSDT" LONG: field "positionSide": LONG mixed with [0] "BTCUSDT" in "BTCUSDT" (one-way BOTH and hedge-mode LONG/SHORT cannot both hold a position)'],
    ["LONG negative", input({ positionRisk: (v) => { v[0].positionSide = "LONG"; v[0].positionAmt = "-0.25"; } }),
      'positionRisk-oneway.json: [0] "BTCUSDT" LONG: field "positionAmt": "-0.25" is negative on a LONG position'],
    ["SHORT positive", input({ positionRisk: (v) => { v[0].positionSide = "SHORT"; } }),
      'positionRisk-oneway.json: [0] "BTCUSDT" SHORT: field "positionAmt": "0.250" is positive on a SHORT position'],
    ["marginAsset USDC (v3)", input({ positionRisk: (v) => { v[0].marginAsset = "USDC"; } }),
      'positionRisk-oneway.json: [0] "BTCUSDT": field "marginAsset": "USDC" is not "USDT" (only USDT-margined positions are supported)'],
    ["symbol not in exchangeInfo", input({ positionRisk: (v) => { v[3].positionAmt = "100"; } }),
      'positionRisk-oneway.json: [3] "XRPUSDT": field "symbol": "XRPUSDT" is not a symbol of exchangeInfo.json'],
    ["no mark", input({ premiumIndex: (v) => v.filter((p: any) => p.symbol !== "SOLUSDT") }),
      'positionRisk-oneway.json: [2] "SOLUSDT": field "symbol": "SOLUSDT" has no markPrice in premiumIndex.json'],
    ["no brackets", input({ brackets: (v) => v.slice(0, 2) }), 'positionRisk-oneway.json: [2] "SOLUSDT": field "symbol": "SOLUSDT" has no brackets in leverageBracket.json'],
    ["symbols missing", input({ exchangeInfo: (v) => { delete v.symbols; } }), 'exchangeInfo.json: field "symbols": missing'],
    ["precision out of range", input({ exchangeInfo: (v) => { v.symbols[0].quantityPrecision = 19; } }),
      'exchangeInfo.json: symbols[0] "BTCUSDT": field "quantityPrecision": 19 is not a whole number in [0, 18]'],
    ["precision a string", input({ exchangeInfo: (v) => { v.symbols[0].pricePrecision = "x"; } }),
      'exchangeInfo.json: symbols[0] "BTCUSDT": field "pricePrecision": "x" is not a whole number in [0, 18]'],
    ["held symbol margined in USDC", input({ exchangeInfo: (v) => { v.symbols[2].marginAsset = "USDC"; } }),
      'exchangeInfo.json: symbols[2] "SOLUSDT": field "marginAsset": "USDC" is not "USDT" (only USDT-margined symbols are supported)'],
    ["decimals beyond 24 in all", input({ positionRisk: (v) => { v[0].positionAmt = "0.000000000000000001"; } }),
      'positionRisk-oneway.json: [0] "BTCUSDT": field "positionAmt": market "BTCUSDT" would need 18 size + 7 price decimals = 25 (at most 24)'],
    ["clearance fee 8 decimals", input({}, { clearanceFee: "0.00000001" }), 'importBinance: field "clearanceFee": "0.00000001" has 8 decimals: a rate may have at most 6 (whole ppm)'],
    ["clearance fee above 1", input({}, { clearanceFee: "2" }), 'importBinance: field "clearanceFee": "2" is outside [0, 1]'],
    ["a symbol's fee for a symbol without a position", input({}, { clearanceFees: { XRPUSDT: "0.01" } }), 'importBinance: field "clearanceFees.XRPUSDT": "XRPUSDT" is not a market of the book (the symbols holding a position: "BTCUSDT", "ETHUSDT", "SOLUSDT")'],
    ["a symbol's fee above 1", input({}, { clearanceFees: { BTCUSDT: "1.5" } }), 'importBinance: field "clearanceFees.BTCUSDT": "1.5" is outside [0, 1]'],
    ["account id empty", input({}, { accountId: "" }), 'importBinance: field "accountId": expected a non-empty string, got string ""'],
    ["account id with /", input({}, { accountId: "a/b" }), 'importBinance: field "accountId": "a/b" contains "/" (isolated accounts are named "<id>/<symbol>")'],
  ];
  it.each(cases)("%s", (_name, i, expected) => {
    expect(message(i)).toBe(expected);
  });

  it("names the endpoint when no source is given", () => {
    const i = input({ brackets: () => 5 });
    expect(message({ ...i, brackets: { text: i.brackets.text } })).toBe("leverageBracket: expected an array of objects (or one object), got JSON number 5");
  });
});

describe("liqscan import binance", () => {
  let dir: string;
  const args = (out: string, extra: string[] = [], f: Record<string, string> = {}) => [
    "import", "binance",
    "--brackets", f.brackets ?? join(DIR, FILES.brackets),
    "--premium-index", join(DIR, FILES.premiumIndex),
    "--account", join(DIR, FILES.account),
    "--position-risk", f.positionRisk ?? join(DIR, FILES.positionRisk),
    "--exchange-info", join(DIR, FILES.exchangeInfo),
    ...extra, "--out", out,
  ];
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), "liqscan-binance-"));
  });

  it("writes the importer's book, atomically (no temporary file left)", async () => {
    const out = join(dir, "book.json");
    writeFileSync(out, "old");
    const r = await liqscan(...args(out, ["--clearance-fee", "0.01", "--clearance-fee", "SOLUSDT=0.005", "--id", "k1"]));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote 2 accounts and 3 positions over 3 markets (binance) to ${out}\n`);
    const i = input({}, { clearanceFee: "0.01", clearanceFees: { SOLUSDT: "0.005" }, accountId: "k1" });
    const expected = importBinance({
      ...i,
      brackets: { ...i.brackets, source: join(DIR, FILES.brackets) },
    });
    expect(readFileSync(out, "utf8")).toBe(expected);
    expect(readdirSync(dir)).toEqual(["book.json"]);
  });

  it("bad input: exit 2, the file, record and field on stderr, the old book untouched", async () => {
    const bad = join(dir, "risk.json");
    const v = JSON.parse(text(FILES.positionRisk));
    v[2].isolatedWallet = "571.25000001";
    writeFileSync(bad, JSON.stringify(v));
    const out = join(dir, "kept.json");
    writeFileSync(out, "old");
    const r = await liqscan(...args(out, [], { positionRisk: bad }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`liqscan: ${bad}: [2] "SOLUSDT": field "isolatedWallet": "571.25000001" has 8 decimals: a USDT amount may have at most 6 (the engine's quote unit is 10^-6 USDT; nothing is rounded). To round wallet balances down to 10^-6 USDT (toward the venue's solvency) pass --round-balances (API: onRoundedBalance)\n`);
    expect(readFileSync(out, "utf8")).toBe("old");
  });

  it.each([
    [["import"], 'liqscan: import: missing VENUE (one of hyperliquid, binance, dydx, drift, gmx, aave; see "liqscan import --help")\n'],
    [["import", "kraken"], 'liqscan: import: unknown venue "kraken" (venues: hyperliquid, binance, dydx, drift, gmx, aave)\n'],
    [["import", "binance", "--out", "x.json"], 'liqscan: import binance: missing --brackets FILE (see "liqscan import --help")\n'],
  ])("usage error %j", async (argv, expected) => {
    const r = await liqscan(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(expected);
  });

  it("a hedge-mode book (LONG and SHORT of BTCUSDT) goes through liq-price: both legs at Binance's formula's price", async () => {
    const out = join(dir, "hedge.json");
    const argv = args(out).map((a) => a === join(DIR, FILES.account) ? join(DIR, HEDGE.account) : a === join(DIR, FILES.positionRisk) ? join(DIR, HEDGE.positionRisk) : a);
    expect((await liqscan(...argv)).code).toBe(0);
    // The recorded account's 5,000 USDT keep it safe at every price (no price, as Binance shows
    // "--"); with 100 USDT the pair's net 0.06 BTC long is liquidated near 55,182.
    const b = JSON.parse(readFileSync(out, "utf8"));
    b.accounts[0].collateral = "100";
    writeFileSync(out, JSON.stringify(b));
    const r = await liqscan("liq-price", out, "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const rows = JSON.parse(r.stdout).positions.filter((p: any) => p.account === "main" || p.account === "account");
    const btc = rows.filter((p: any) => p.market === "BTCUSDT");
    expect(btc.map((p: any) => p.size)).toEqual(["0.100", "-0.040"]);
    expect(btc[0].liquidationPrice).not.toBeNull();
    expect(btc[1].liquidationPrice).toBe(btc[0].liquidationPrice);
    // Net long 0.06 BTC: liquidated by a fall, below the mark (64012.3456789).
    expect(Number(btc[0].liquidationPrice)).toBeLessThan(64012.3456789);
    const c: Case = {
      wb: b.accounts[0].collateral, mode: "cross",
      positions: b.accounts[0].positions.map((p: any) => ({ symbol: p.market, size: p.size, entry: p.entryPrice, side: p.side })),
      marks: Object.fromEntries(b.markets.map((m: any) => [m.id, m.markPrice])),
      brackets: Object.fromEntries(b.markets.map((m: any) => [m.id, m.tiers.map((t: any) => ({ cap: t.maxNotional ?? null, mmr: t.mmr, cum: t.cum }))])),
      symbol: "BTCUSDT",
    };
    // Binance's formula ignores the roundings: its root is 55181.62853...; liqscan's exact price is
    // the last tick (10^-7) at which equity <= MM in whole 10^-6 USDT (pnl floored, MM ceiled per
    // leg), so Binance's own (unrounded) margin excess is below 4 units there and above 0 one tick up.
    const closed = liquidationPrice(c).price!;
    expect(show(closed, 5)).toBe("55181.62853");
    const lp = dec(btc[0].liquidationPrice);
    const up = add(lp, dec("0.0000001"));
    expect(cmp(lp, closed)).toBeGreaterThanOrEqual(0); // the conservative side of the root, for a long
    expect(cmp(marginExcessAt(c, lp), dec("0.000004"))).toBeLessThan(0);
    expect(cmp(marginExcessAt(c, up), q(0n))).toBeGreaterThan(0);
  });

  it("a missing file, a bad rate, a missing output directory", async () => {
    let r = await liqscan(...args(join(dir, "a.json"), [], { brackets: join(dir, "nope.json") }));
    expect([r.code, r.stderr]).toEqual([2, `liqscan: ${join(dir, "nope.json")}: no such file or directory\n`]);
    r = await liqscan(...args(join(dir, "a.json"), ["--clearance-fee", "1.5"]));
    expect([r.code, r.stderr]).toEqual([2, 'liqscan: --clearance-fee: "1.5" is outside [0, 1]\n']);
    r = await liqscan(...args(join(dir, "a.json"), ["--clearance-fee", "XRPUSDT=0.01"]));
    expect([r.code, r.stderr]).toEqual([2, 'liqscan: --clearance-fee XRPUSDT: "XRPUSDT" is not a market of the book (the symbols holding a position: "BTCUSDT", "ETHUSDT", "SOLUSDT")\n']);
    r = await liqscan(...args(join(dir, "a.json"), ["--clearance-fee", "BTCUSDT=0.01", "--clearance-fee", "BTCUSDT=0.02"]));
    expect([r.code, r.stderr]).toEqual([2, "liqscan: --clearance-fee: BTCUSDT is given twice\n"]);
    r = await liqscan(...args(join(dir, "a.json"), ["--clearance-fee", "=0.01"]));
    expect([r.code, r.stderr]).toEqual([2, 'liqscan: --clearance-fee: "=0.01" is not a rate (a decimal such as 0.0125) or SYMBOL=RATE\n']);
    r = await liqscan(...args(join(dir, "no-such-dir", "a.json")));
    expect([r.code, r.stderr]).toEqual([2, `liqscan: ${join(dir, "no-such-dir", "a.json")}: the directory it goes into does not exist\n`]);
  });

  it("help lists the venue and its options", async () => {
    const r = await liqscan("import", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--position-risk");
    expect(r.stdout).toContain("binance");
  });
});

// ---------------------------------------------------------------------------------------------
// The closed form against Binance's published figures

const brackets = JSON.parse(text(FILES.brackets)) as { symbol: string; brackets: any[] }[];
const raw = (s: string) => text(FILES.brackets).match(new RegExp(`"symbol": "${s}"[\\s\\S]*?\\]\\s*\\}`))![0];
/** Brackets of a symbol from the fixture, with every value as its JSON text. */
function bracketsOf(symbol: string): Bracket[] {
  const block = raw(symbol);
  const rows = [...block.matchAll(/"notionalCap": ([0-9.]+),[^}]*"maintMarginRatio": ([0-9.]+), "cum": ([0-9.]+)/g)];
  expect(rows.length).toBe(brackets.find((b) => b.symbol === symbol)!.brackets.length);
  return rows.map((m, i) => ({ cap: i === rows.length - 1 ? null : m[1]!, mmr: m[2]!, cum: m[3]! }));
}

describe("closed-form liquidation price (Binance's formula, exact rationals)", () => {
  // freqtrade's test table (tests/leverage/test_liquidation_price.py; later tests/exchange/test_binance.py),
  // the values of Binance's liquidation-price calculator; TMM1/UPNL1 as freqtrade gives them
  it.each([
    ["isolated ETH", { wb: "1535443.01", tmm1: "0", upnl1: "0", cum: "135365", side: 1, qty: "3683.979", entry: "1456.84", mmr: "0.10" }, "1114.78"],
    ["isolated BTC", { wb: "1535443.01", tmm1: "0", upnl1: "0", cum: "16300", side: 1, qty: "109.488", entry: "32481.98", mmr: "0.025" }, "18778.73"],
    ["cross ETH", { wb: "1535443.01", tmm1: "71200.81144", upnl1: "-56354.57", cum: "135365", side: 1, qty: "3683.979", entry: "1456.84", mmr: "0.10" }, "1153.26"],
    ["cross BTC", { wb: "1535443.01", tmm1: "356512.508", upnl1: "-448192.89", cum: "16300", side: 1, qty: "109.488", entry: "32481.98", mmr: "0.025" }, "26316.89"],
    ["FAQ: WB 500, long 0.02 BTC at 50,000", { wb: "500", tmm1: "0", upnl1: "0", cum: "0", side: 1, qty: "0.02", entry: "50000", mmr: "0.004" }, "25100.40"],
  ] as const)("%s -> %s", (_n, p, expected) => {
    expect(roundHalfUp(oneWayLiquidationPrice(p)!, 2)).toBe(expected);
  });

  it("FAQ case exactly: (500 - 0.02*50000) / (0.02*0.004 - 0.02) = 500/0.01992 = 25100.4016...", () => {
    const lp = oneWayLiquidationPrice({ wb: "500", tmm1: "0", upnl1: "0", cum: "0", side: 1, qty: "0.02", entry: "50000", mmr: "0.004" })!;
    expect(lp).toEqual(q(6250000n, 249n)); // 500 / 0.01992 = 500000/19.92 = 6250000/249
    expect(show(lp, 6)).toBe("25100.401606");
  });

  const published = JSON.parse(text("published-liquidation-prices.json")) as {
    name: string; book: any; account: string; market: string; side?: string; expectedLiquidationPrice: string; source: string;
  }[];

  /** A published case's book as the closed form's input (every value from the book's text). */
  function caseOf(p: (typeof published)[number]): Case {
    const acc = p.book.accounts.find((a: any) => a.id === p.account);
    const bs: Record<string, Bracket[]> = {};
    const marks: Record<string, string> = {};
    for (const m of p.book.markets) {
      bs[m.id] = m.tiers.map((t: any) => ({ cap: t.maxNotional ?? null, mmr: t.mmr, cum: t.cum }));
      marks[m.id] = m.markPrice;
    }
    return {
      wb: acc.collateral, mode: acc.margin === "isolated" ? "isolated" : "cross",
      positions: acc.positions.map((x: any) => ({ symbol: x.market, size: x.size, entry: x.entryPrice, side: x.side })),
      marks, brackets: bs, symbol: p.market,
    };
  }

  it("the published cases: five, each with a source", () => {
    expect(published.map((p) => p.expectedLiquidationPrice)).toEqual(["25100.40", "1114.78", "18778.73", "1153.26", "26316.89"]);
    for (const p of published) expect(p.source.length).toBeGreaterThan(40);
    // the fixture's brackets are those of the books
    expect(published[0]!.book.markets[0].tiers.map((t: any) => t.cum)).toEqual(bracketsOf("BTCUSDT").map((b) => b.cum.replace(/\.0$/, "")));
  });

  it.each(published.map((p) => [p.name, p] as const))("%s: the book reproduces the published price; equity = MM there", (_n, p) => {
    const c = caseOf(p);
    const s = liquidationPrice(c);
    expect(s.price).not.toBeNull();
    expect(roundHalfUp(s.price!, 2)).toBe(p.expectedLiquidationPrice);
    expect(marginExcessAt(c, s.price!)).toEqual(q(0n));
    // just above (long) the price the account is safe, just below liquidatable
    const eps = q(1n, 10n ** 9n);
    expect(cmp(marginExcessAt(c, { n: s.price!.n * eps.d + s.price!.d, d: s.price!.d * eps.d }), q(0n))).toBe(1);
    expect(cmp(marginExcessAt(c, { n: s.price!.n * eps.d - s.price!.d, d: s.price!.d * eps.d }), q(0n))).toBe(-1);
  });

  it("cross: TMM1 and UPNL1 from the marks agree with freqtrade's figures", () => {
    const eth = liquidationPrice(caseOf(published[3]!));
    expect(show(eth.tmm1, 5)).toBe("71200.81144"); // 109.488 * 31967.27 * 0.025 - 16300
    expect(show(eth.upnl1, 2)).toBe("-56354.57");
    const btc = liquidationPrice(caseOf(published[4]!));
    expect(show(btc.tmm1, 3)).toBe("356512.508");
    expect(show(btc.upnl1, 2)).toBe("-448192.89");
    expect(btc.brackets.BOTH).toBe(3); // 1M-10M at 2.5 %
    expect(eth.brackets.BOTH).toBe(5); // 2M-5M at 10 %
  });

  it("iterates the bracket: a position whose LP falls into a lower bracket than its mark", () => {
    // 30 BTC long at 40,000, isolated wallet 300,000: at the mark the notional 1.2M is in the 2.5 % bracket;
    // with it the LP would be ~30,400 (notional ~913k, in the 1 % bracket); with the 1 % bracket
    // (cum 1,300) LP = (300,000 + 1,300 - 1,200,000) / (0.3 - 30) = 30,259.26 (notional 907,778): consistent.
    const c: Case = {
      wb: "300000", mode: "isolated", positions: [{ symbol: "BTCUSDT", size: "30", entry: "40000" }],
      marks: { BTCUSDT: "40000" }, brackets: { BTCUSDT: bracketsOf("BTCUSDT") }, symbol: "BTCUSDT",
    };
    const s = liquidationPrice(c);
    expect(s.brackets.BOTH).toBe(2); // moved from bracket index 3 (at the mark) to 2
    expect(marginExcessAt(c, s.price!)).toEqual(q(0n));
    // the LP computed with the mark's bracket is NOT where equity = MM
    const atMark = oneWayLiquidationPrice({ wb: "300000", tmm1: "0", upnl1: "0", cum: "16300", side: 1, qty: "30", entry: "40000", mmr: "0.025" })!;
    expect(cmp(marginExcessAt(c, atMark), q(0n))).not.toBe(0);
  });

  it("short one-way, and no LP when there is none", () => {
    const c: Case = {
      wb: "500", mode: "cross", positions: [{ symbol: "BTCUSDT", size: "-0.02", entry: "50000" }],
      marks: { BTCUSDT: "50000" }, brackets: { BTCUSDT: bracketsOf("BTCUSDT") }, symbol: "BTCUSDT",
    };
    const s = liquidationPrice(c);
    // (500 + 0.02*50000) / (0.02*0.004 + 0.02) = 1500 / 0.02008
    expect(s.price).toEqual(div(dec("1500"), dec("0.02008")));
    expect(marginExcessAt(c, s.price!)).toEqual(q(0n));
    // a long backed by more than its notional: LP below 0, none
    expect(liquidationPrice({ ...c, wb: "2000", positions: [{ symbol: "BTCUSDT", size: "0.02", entry: "50000" }] }).price).toBeNull();
  });

  it("hedge mode: LONG + SHORT of one symbol by the FAQ's variable list; equity = MM at the LP", () => {
    const c: Case = {
      wb: "1000", mode: "cross",
      positions: [
        { symbol: "BTCUSDT", size: "0.5", entry: "60000", side: "LONG" },
        { symbol: "BTCUSDT", size: "-0.2", entry: "62000", side: "SHORT" },
        { symbol: "ETHUSDT", size: "-3", entry: "3000", side: "SHORT" },
      ],
      marks: { BTCUSDT: "61000", ETHUSDT: "3050" },
      brackets: { BTCUSDT: bracketsOf("BTCUSDT"), ETHUSDT: bracketsOf("ETHUSDT") },
      symbol: "BTCUSDT",
    };
    const s = liquidationPrice(c);
    expect(s.price).not.toBeNull();
    expect(marginExcessAt(c, s.price!)).toEqual(q(0n));
    expect(s.brackets).toEqual({ LONG: 0, SHORT: 0 });
    // with only BOTH, the hedge formula is the one-way formula
    const oneWay = liquidationPrice({ ...c, positions: [{ symbol: "BTCUSDT", size: "0.3", entry: "60000" }] });
    expect(oneWay.price).toEqual(oneWayLiquidationPrice({ wb: "1000", tmm1: "0", upnl1: "0", cum: "0", side: 1, qty: "0.3", entry: "60000", mmr: "0.004" }));
  });
});

function div(a: ReturnType<typeof dec>, b: ReturnType<typeof dec>) {
  return q(a.n * b.d, a.d * b.n);
}
