// gmx-v2 books: the JSON form (the market's `gmx` object, `sizeInUsd` in place of an entry price),
// its round trip and the table forms', and every refusal of the parser and of validation, each
// naming the record and the field.
import { describe, expect, test } from "vitest";
import { parseBookJson, validateBook, writeBookJson } from "../../book/index.js";
import type { Book } from "../../book/types.js";
import { errorOf } from "../support/book-error.js";

const SIDE = { maxPnlFactorForTraders: "0.9", openInterestUsd: "1000000", openInterestInTokens: "500", poolUsd: "2000000" };
const MARKET = {
  id: "ETH/USD", sizeDecimals: 6, priceDecimals: 4, markPrice: "2000.1234", tiers: [{ mmr: "0.005" }], liquidationFee: "0.002",
  gmx: { indexPriceSpread: "0.0002", minCollateralFactorForLiquidation: "0.005", liquidationFeeFactor: "0.002", liquidationFeeReceiverFactor: "0.37", maxPositionImpactFactorForLiquidations: "0.01", minCollateralUsd: "1", long: SIDE, short: SIDE },
};
const USDC = { id: "USDC", decimals: 6, priceDecimals: 6, price: "0.999900", maintenanceWeight: "1", initialWeight: "1", liabilityWeight: "1" };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const doc = (over: (d: Json) => void = () => {}): string => {
  const d: Json = JSON.parse(JSON.stringify({
    venue: "gmx-v2", markets: [MARKET], assets: [USDC],
    accounts: [{ id: "0xa/eth/usdc/long", margin: "isolated", collateral: "-2.5", balances: { USDC: "480.5" }, positions: [{ market: "ETH/USD", size: "5.000001", sizeInUsd: "10000.25" }] }],
  }));
  over(d);
  return JSON.stringify(d);
};
const load = (text: string): Book => {
  const b = parseBookJson(text);
  validateBook(b);
  return b;
};

describe("gmx-v2 JSON books", () => {
  test("read in GMX's factors and the book's units; written back to the same book", () => {
    const book = load(doc());
    const g = book.markets[0]!.gmx!;
    expect(g.minCollateralFactorForLiquidation).toBe(5n * 10n ** 27n);
    expect(g.liquidationFeeReceiverFactor).toBe(37n * 10n ** 28n);
    expect(g.indexPriceSpread).toBe(2n);
    expect(g.long).toEqual({ maxPnlFactorForTraders: 9n * 10n ** 29n, openInterestUsd: 1_000_000_000_000n, openInterestInTokens: 500_000_000n, poolUsd: 2_000_000_000_000n });
    expect(book.accounts[0]!.positions[0]).toEqual({ market: 0, size: 5_000_001n, entryPrice: 10_000_250_000n });
    const text = writeBookJson(book);
    expect(text).toContain('"sizeInUsd": "10000.250000"');
    expect(load(text)).toEqual(book);
  });

  test("every refusal names the record and the field", () => {
    const cases: [string, string][] = [
      [doc((d) => { delete d.markets[0].gmx; }), 'market "ETH/USD": field "gmx": missing'],
      [doc((d) => { d.markets[0].gmx.liquidationFeeFactor = "0.0000000001"; }), 'market "ETH/USD": field "gmx.liquidationFeeFactor": "0.0000000001" has more decimals than 9'],
      [doc((d) => { d.markets[0].gmx.liquidationFeeReceiverFactor = "1.5"; }), 'market "ETH/USD": field "gmx.liquidationFeeReceiverFactor"'],
      [doc((d) => { d.markets[0].gmx.extra = "1"; }), 'market "ETH/USD": field "gmx.extra"'],
      [doc((d) => { delete d.markets[0].gmx.long.poolUsd; }), 'market "ETH/USD": field "gmx.long.poolUsd": missing'],
      [doc((d) => { d.markets[0].gmx.indexPriceSpread = "-1"; }), 'market "ETH/USD": field "gmx.indexPriceSpread"'],
      [doc((d) => { d.accounts[0].positions[0] = { market: "ETH/USD", size: "1", entryPrice: "100" }; }), 'account "0xa/eth/usdc/long" position 1: field "entryPrice"'],
      [doc((d) => { d.accounts[0].positions[0].sizeInUsd = "0"; }), 'account "0xa/eth/usdc/long" position 1: field "sizeInUsd"'],
      [doc((d) => { d.accounts[0].positions[0].sizeInUsd = "1.0000001"; }), 'account "0xa/eth/usdc/long" position 1: field "sizeInUsd"'],
      [doc((d) => { d.markets[0].tiers = [{ mmr: "0.005" }, { mmr: "0.01" }]; d.markets[0].tiers[0].maxNotional = "1000"; }), 'market "ETH/USD": field "tiers": a gmx-v2 market has one tier'],
      [doc((d) => { d.markets.push({ ...d.markets[0], id: "BTC/USD" }); d.accounts[0].positions.push({ market: "BTC/USD", size: "1", sizeInUsd: "1" }); delete d.accounts[0].margin; }), 'account "0xa/eth/usdc/long": field "positions": a gmx-v2 account is one isolated GMX position, this one holds 2'],
      [doc((d) => { d.assets.push({ ...USDC, id: "ETH" }); d.accounts[0].balances.ETH = "1"; }), 'account "0xa/eth/usdc/long": field "balances": a gmx-v2 account holds one balance'],
    ];
    for (const [text, message] of cases) expect.soft(errorOf(() => load(text)).message, message).toContain(message);
  });

  test("gmx parameters belong to gmx-v2 books", () => {
    const book = load(doc());
    expect(errorOf(() => validateBook({ ...book, venue: "generic", liquidatorSharePpm: 0n, accounts: [] })).message).toBe('market "ETH/USD": field "gmx": a generic market has no gmx parameters; they belong to gmx-v2 books');
  });

  test("CSV and Arrow carry a gmx-v2 book (sizeInUsd in the entryPrice column) and read back to the same book", async () => {
    const { bookToColumns, parseBookCsv, writeBookCsv, validateColumns, columnsToBook } = await import("../../book/index.js");
    const { parseBookArrow, writeBookArrow } = await import("../../book/arrow.js");
    // The table forms have no column for the isolated label (as for any venue book): refused, not dropped.
    expect(errorOf(() => writeBookCsv(bookToColumns(load(doc())))).message).toContain('field "margin"');
    const book = load(doc((d) => { delete d.accounts[0].margin; }));
    const columns = bookToColumns(book);
    const csv = writeBookCsv(columns);
    const fromCsv = parseBookCsv(csv.markets, csv.accounts, csv.positions, { balances: csv.balances });
    validateColumns(fromCsv);
    expect(fromCsv.positionEntry[0]).toBe(10_000_250_000n);
    expect(fromCsv.markets).toEqual(book.markets);
    const arrow = writeBookArrow(columns);
    const fromArrow = parseBookArrow(arrow.markets, arrow.accounts, arrow.positions, undefined, arrow.balances);
    validateColumns(fromArrow);
    expect(columnsToBook(fromArrow).accounts).toEqual(book.accounts);
  });
});
