// drift-v2 books: the JSON form (the `drift` market object, `quoteAssetAmount` in place of an entry
// price, assets with `drift.imfFactor`), its round trip, and every refusal of the parser and of
// validation, each naming the record and the field.
import { describe, expect, test } from "vitest";
import { parseBookJson, validateBook, writeBookJson } from "../../book/index.js";
import type { Book } from "../../book/types.js";
import { errorOf } from "../support/book-error.js";

const MARKET = {
  id: "SOL-PERP", sizeDecimals: 9, priceDecimals: 6, markPrice: "142.318500", tiers: [{ mmr: "0.05" }], liquidationFee: "0.01",
  drift: { marginRatioInitial: "0.1", imfFactor: "0.001", unrealizedPnlMaintenanceAssetWeight: "1", ifLiquidationFee: "0.01", liquidationMarginBufferRatio: "0.02", initialPctToLiquidate: "0.1", orderStepSize: "0.01" },
};
const ASSET = { id: "SOL", decimals: 9, priceDecimals: 6, price: "142.318500", maintenanceWeight: "0.9", initialWeight: "0.8", liabilityWeight: "1.1", drift: { imfFactor: "0.001" } };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const doc = (over: (d: Json) => void = () => {}): string => {
  const d: Json = JSON.parse(JSON.stringify({
    venue: "drift-v2", markets: [MARKET], assets: [ASSET],
    accounts: [{ id: "u", collateral: "-25.5", balances: { SOL: "2.5" }, positions: [{ market: "SOL-PERP", size: "-1.25", quoteAssetAmount: "180.000001" }] }],
  }));
  over(d);
  return JSON.stringify(d);
};
const load = (text: string): Book => {
  const b = parseBookJson(text);
  validateBook(b);
  return b;
};

describe("drift-v2 JSON books", () => {
  test("read in the program's precisions; written back to the same book", () => {
    const book = load(doc());
    expect(book.markets[0]!.tiers).toEqual([{ maxNotional: null, mmrPpm: 50_000n }]);
    expect(book.markets[0]!.liquidationFeePpm).toBe(10_000n);
    expect(book.markets[0]!.drift).toEqual({ marginRatioInitial: 1_000n, imfFactor: 1_000n, unrealizedPnlMaintenanceAssetWeight: 10_000n, ifLiquidationFee: 10_000n, liquidationMarginBufferRatio: 200n, initialPctToLiquidate: 1_000n, orderStepSize: 10_000_000n });
    expect(book.assets![0]!.drift).toEqual({ imfFactor: 1_000n });
    expect(book.accounts[0]!.positions[0]).toEqual({ market: 0, size: -1_250_000_000n, entryPrice: 180_000_001n });
    const text = writeBookJson(book);
    expect(text).toContain('"quoteAssetAmount": "180.000001"');
    expect(text).toContain('"drift": { "marginRatioInitial": "0.1000", "imfFactor": "0.001000", "unrealizedPnlMaintenanceAssetWeight": "1.0000", "ifLiquidationFee": "0.010000", "liquidationMarginBufferRatio": "0.0200", "initialPctToLiquidate": "0.1000", "orderStepSize": "0.010000000" }');
    expect(load(text)).toEqual(book);
  });

  test("every refusal names the record and the field", () => {
    const cases: [string, string][] = [
      [doc((d) => { delete d.markets[0].drift; }), 'market "SOL-PERP": field "drift": missing'],
      [doc((d) => { d.markets[0].drift.imfFactor = "1.5"; }), 'market "SOL-PERP": field "drift.imfFactor": "1.5" is outside [0, 1]'],
      [doc((d) => { d.markets[0].drift.marginRatioInitial = "0.10005"; }), 'market "SOL-PERP": field "drift.marginRatioInitial": "0.10005" has more decimals than 4 (Drift\'s precision for marginRatioInitial)'],
      [doc((d) => { d.markets[0].drift.orderStepSize = "0"; }), 'market "SOL-PERP": field "drift.orderStepSize": "0" is below the least allowed 0.000000001'],
      [doc((d) => { d.markets[0].drift.extra = "1"; }), 'market "SOL-PERP": field "drift.extra"'],
      [doc((d) => { d.accounts[0].positions[0] = { market: "SOL-PERP", size: "1", entryPrice: "100" }; }), 'account "u" position 1: field "entryPrice"'],
      [doc((d) => { delete d.accounts[0].positions[0].quoteAssetAmount; }), 'account "u" position 1: field "quoteAssetAmount": missing'],
      [doc((d) => { d.accounts[0].positions[0].quoteAssetAmount = "1.0000001"; }), 'account "u" position 1: field "quoteAssetAmount"'],
      [doc((d) => { d.markets[0].sizeDecimals = 8; d.markets[0].drift.orderStepSize = "0.01"; d.accounts[0].positions[0].size = "-1.25"; }), 'market "SOL-PERP": field "sizeDecimals": a drift-v2 market\'s sizes are in BASE_PRECISION (9 decimals), got 8'],
      [doc((d) => { d.markets[0].priceDecimals = 4; d.markets[0].markPrice = "142.3185"; }), 'market "SOL-PERP": field "priceDecimals": a drift-v2 market\'s prices are in PRICE_PRECISION (6 decimals), got 4'],
      [doc((d) => { d.markets[0].tiers = [{ maxNotional: "1000", mmr: "0.05" }, { mmr: "0.1" }]; }), 'market "SOL-PERP": field "tiers": a drift-v2 market has one tier'],
      [doc((d) => { d.markets[0].tiers = [{ mmr: "0.00005" }]; }), 'market "SOL-PERP" tier 1: field "mmrPpm": 50 is not a whole number of 10^-4'],
      [doc((d) => { d.markets[0].tiers = [{ mmr: "0" }]; }), 'market "SOL-PERP" tier 1: field "mmrPpm": a drift-v2 market\'s maintenance margin ratio is above 0'],
      [doc((d) => { d.markets[0].drift.marginRatioInitial = "0.05"; }), 'market "SOL-PERP": field "drift.marginRatioInitial": 500 is not above the maintenance ratio 500 (validate_margin: initial > maintenance)'],
      [doc((d) => { d.markets.push({ ...d.markets[0], id: "BTC-PERP", drift: { ...d.markets[0].drift, liquidationMarginBufferRatio: "0.03" } }); }), 'market "BTC-PERP": field "drift.liquidationMarginBufferRatio": 300 differs from market 1\'s 200 (it is the program\'s State, the same for every market)'],
      [doc((d) => { d.accounts[0].positions[0].size = "-1.255"; }), 'account "u" position 1: field "size": -1255000000 is not a multiple of the market\'s order step 10000000 (size units)'],
      [doc((d) => { d.assets[0].priceDecimals = 4; d.assets[0].price = "142.3185"; }), 'asset "SOL": field "priceDecimals": a drift-v2 asset\'s price is in PRICE_PRECISION (6 decimals), got 4'],
      [doc((d) => { d.assets[0].maintenanceWeight = "0.90005"; }), 'asset "SOL": field "maintenanceWeightPpm": 900050 is not a whole number of 10^-4 (Drift\'s SPOT_WEIGHT_PRECISION)'],
      [doc((d) => { d.assets[0].drift = { imfFactor: "2" }; }), 'asset "SOL": field "drift.imfFactor": "2" is outside [0, 1]'],
      [doc((d) => { d.assets[0].drift = { imf: "0.1" }; }), 'asset "SOL": field "drift.imf"'],
    ];
    for (const [text, message] of cases) expect.soft(errorOf(() => load(text)).message, message).toContain(message);
  });

  test("drift parameters belong to drift-v2 books", () => {
    const generic = JSON.stringify({ liquidatorShare: "0.5", markets: [{ id: "M", sizeDecimals: 9, priceDecimals: 6, markPrice: "1", tiers: [{ mmr: "0.05" }], liquidationFee: "0.01" }], accounts: [] });
    const book = parseBookJson(generic);
    expect(errorOf(() => validateBook({ ...book, markets: [{ ...book.markets[0]!, drift: load(doc()).markets[0]!.drift }] })).message).toBe('market "M": field "drift": a generic market has no drift parameters; they belong to drift-v2 books');
    const withAsset = parseBookJson(JSON.stringify({ liquidatorShare: "0.5", markets: [], assets: [ASSET], accounts: [] }));
    expect(errorOf(() => validateBook(withAsset)).message).toBe('asset "SOL": field "drift": a generic book\'s asset has no drift parameters; they belong to drift-v2 books');
    const lev = load(doc());
    expect(errorOf(() => validateBook({ ...lev, accounts: [{ ...lev.accounts[0]!, positions: [{ ...lev.accounts[0]!.positions[0]!, leverage: 5n }] }] })).message).toBe('account "u" position 1: field "leverage": a drift-v2 position has no leverage (its initial margin is the market\'s ratio with its size premium)');
  });
});

describe("drift-v2 books in the table forms", () => {
  test("CSV and Arrow carry the quote asset amounts (negative too) in the entryPrice column, and the assets and balances, and read back to the same book", async () => {
    const { bookToColumns, parseBookCsv, writeBookCsv, validateColumns } = await import("../../book/index.js");
    const { parseBookArrow, writeBookArrow } = await import("../../book/arrow.js");
    const columns = bookToColumns(load(doc((d) => { d.accounts[0].positions[0].quoteAssetAmount = "-180.000001"; d.accounts[0].positions[0].size = "1.25"; })));
    const csv = writeBookCsv(columns);
    expect(csv.positions).toBe("account,market,size,entryPrice\nu,SOL-PERP,1.250000000,-180.000001\n");
    const fromCsv = parseBookCsv(csv.markets, csv.accounts, csv.positions, { balances: csv.balances });
    validateColumns(fromCsv);
    expect(fromCsv.positionEntry[0]).toBe(-180_000_001n);
    expect(fromCsv.balanceAmount).toEqual(columns.balanceAmount);
    const arrow = writeBookArrow(columns);
    const fromArrow = parseBookArrow(arrow.markets, arrow.accounts, arrow.positions, undefined, arrow.balances);
    validateColumns(fromArrow);
    expect(fromArrow.positionEntry[0]).toBe(-180_000_001n);
    expect(fromArrow.markets).toEqual(columns.markets);
    // Another venue's CSV entry stays a price: negative is refused.
    const generic = csv.markets.replace('"venue": "drift-v2"', '"liquidatorShare": "0.5"');
    expect(() => parseBookCsv(generic.replace(/,\s*"drift": \{[^}]*\}/g, ""), csv.accounts, csv.positions)).toThrow("is negative (prices are >= 0)");
  });
});
