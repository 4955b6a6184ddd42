// gmx-v2 books: the JSON form (the market's `gmx` object, `sizeInUsd` in place of an entry price),
// its round trip and the table forms', and every refusal of the parser and of validation, each
// naming the record and the field.
import { describe, expect, test } from "vitest";
import { bookToColumns, columnsToBook, parseBookJson, validateBook, validateColumns, writeBookJson } from "../../book/index.js";
import type { Book } from "../../book/types.js";
import { errorOf } from "../support/book-error.js";
import { readWide, writeWide } from "../../book/gmx-wide.js";

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
    // USD amounts are GMX's own, at 10^-30.
    expect(g.long).toEqual({ maxPnlFactorForTraders: 9n * 10n ** 29n, openInterestUsd: 10n ** 36n, openInterestInTokens: 500_000_000n, poolUsd: 2n * 10n ** 36n });
    expect(g.minCollateralUsd).toBe(10n ** 30n);
    expect(book.accounts[0]!.positions[0]).toEqual({ market: 0, size: 5_000_001n, entryPrice: 10_000_250_000n });
    const text = writeBookJson(book);
    expect(text).toContain('"sizeInUsd": "10000.250000"');
    expect(load(text)).toEqual(book);
    expect(text).toContain('"minCollateralUsd": "1.000000"'); // whole 10^-6 USD: written as before
  });

  test("USD amounts at GMX's 10^-30: read exactly (the quote image its floor), written back with 30 decimals", () => {
    const size = "1000.123456789012345678901234567890", impact = "-2.000000000000000000000000000001", oi = "123456789.000000000000000000000000000007";
    const book = load(doc((d) => { d.accounts[0].positions[0].sizeInUsd = size; d.accounts[0].collateral = impact; d.markets[0].gmx.long.openInterestUsd = oi; }));
    const acc = book.accounts[0]!;
    expect(acc.positions[0]).toEqual({ market: 0, size: 5_000_001n, entryPrice: 1_000_123_456n, sizeInUsd30: 1000_123456789012345678901234567890n });
    expect(acc.collateral).toBe(-2_000_001n); // the floor of -2.000000000000000000000000000001 in 10^-6
    expect(acc.collateral30).toBe(-2_000000000000000000000000000001n);
    expect(book.markets[0]!.gmx!.long.openInterestUsd).toBe(123456789_000000000000000000000000000007n);
    const text = writeBookJson(book);
    expect(text).toContain(`"sizeInUsd": "${size}"`);
    expect(text).toContain(`"collateral": "${impact}"`);
    expect(text).toContain(`"openInterestUsd": "${oi}"`);
    expect(load(text)).toEqual(book);
    // The column form carries them (gmxUsd) and gives them back.
    const columns = bookToColumns(book);
    expect(columns.gmxUsd).toBeInstanceOf(BigUint64Array);
    expect(columnsToBook(columns)).toEqual(book);
    expect(writeBookJson(columns)).toBe(text);
    // A book without finer amounts has no gmxUsd column, and its text is what it was.
    expect(bookToColumns(load(doc())).gmxUsd).toBeUndefined();
  });

  test("the exact amounts' refusals name the record and the field", () => {
    const past = (2n ** 125n + 1n).toString().padStart(31, "0");
    const past125 = `${past.slice(0, -30)}.${past.slice(-30)}`;
    const cases: [string, string][] = [
      [doc((d) => { d.accounts[0].positions[0].sizeInUsd = "1.0000000000000000000000000000001"; }), 'account "0xa/eth/usdc/long" position 1: field "sizeInUsd": "1.0000000000000000000000000000001" has more decimals than 30'],
      [doc((d) => { d.accounts[0].positions[0].sizeInUsd = past125; }), 'account "0xa/eth/usdc/long" position 1: field "sizeInUsd"'],
      [doc((d) => { d.accounts[0].collateral = `-${past125}`; }), 'account "0xa/eth/usdc/long": field "collateral"'],
      [doc((d) => { d.accounts[0].collateral = "10000000000000.000001"; }), 'account "0xa/eth/usdc/long": field "collateral"'],
      [doc((d) => { d.markets[0].gmx.minCollateralUsd = "-0.000000000000000000000000000001"; }), 'market "ETH/USD": field "gmx.minCollateralUsd"'],
      [doc((d) => { d.markets[0].gmx.short.poolUsd = "1.0000000000000000000000000000001"; }), 'market "ETH/USD": field "gmx.short.poolUsd"'],
    ];
    for (const [text, message] of cases) expect.soft(errorOf(() => load(text)).message, message).toContain(message);
    expect(errorOf(() => load(cases[1]![0])).message).toContain("past 2^125");
    // The object form: an exact amount must be its image's, below 2^125, and a gmx-v2 book's.
    const book = load(doc());
    const acc = book.accounts[0]!;
    const with_ = (a: object) => ({ ...book, accounts: [{ ...acc, ...a }] }) as Book;
    expect(errorOf(() => validateBook(with_({ collateral30: 5n }))).message).toContain('field "collateral30"');
    expect(errorOf(() => validateBook(with_({ positions: [{ ...acc.positions[0]!, sizeInUsd30: 10_000_250_000n * 10n ** 24n + 10n ** 24n }] }))).message).toContain('position 1: field "sizeInUsd30"');
    expect(errorOf(() => validateBook(with_({ positions: [{ ...acc.positions[0]!, sizeInUsd30: 0n }] }))).message).toContain("above 0");
    expect(errorOf(() => validateBook(with_({ collateral: 0n, collateral30: 2n ** 125n }))).message).toContain("past 2^125");
    expect(errorOf(() => validateBook({ venue: "generic", liquidatorSharePpm: 0n, markets: [], accounts: [{ id: "x", collateral: 0n, positions: [], collateral30: 1n }] } as Book)).message).toBe('account "x": field "collateral30": a generic account has no collateral at 10^-30; it belongs to gmx-v2 books');
    // The column form: gmxUsd of the right length, each amount its image's.
    const columns = bookToColumns(with_({ collateral30: -2_500_000n * 10n ** 24n + 7n }));
    expect(errorOf(() => validateColumns({ ...columns, gmxUsd: columns.gmxUsd!.subarray(0, 2) })).message).toContain('field "gmxUsd": has length 2, expected 8');
    const off = columns.gmxUsd!.slice();
    writeWide(off, 0, 0, readWide(off, 0, 0) + 5n * 10n ** 24n); // sizeInUsd 5 quote units above its image
    expect(errorOf(() => validateColumns({ ...columns, gmxUsd: off })).message).toContain('position 1: field "sizeInUsd30"');
    expect(errorOf(() => validateColumns({ ...columns, venue: "generic", liquidatorSharePpm: 0n, markets: [], positionStart: new Uint32Array(2), positionMarket: new Uint32Array(0), positionSize: new BigInt64Array(0), positionEntry: new BigInt64Array(0), assets: undefined, balanceStart: undefined, balanceAsset: undefined, balanceAmount: undefined, accountIsolated: undefined, positionLeverage: undefined, positionSide: undefined })).message).toContain('field "gmxUsd"');
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
      [doc((d) => { d.accounts[0].positions[0].sizeInUsd = "-0.000000000000000000000000000001"; }), 'account "0xa/eth/usdc/long" position 1: field "sizeInUsd"'],
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
    // A book with amounts finer than 10^-6 USD is JSON-only: the table forms refuse it, naming the account and field.
    const fine = bookToColumns(load(doc((d) => { delete d.accounts[0].margin; d.accounts[0].positions[0].sizeInUsd = "10000.250000000000000000000000000001"; })));
    expect(errorOf(() => writeBookCsv(fine)).message).toBe('account "0xa/eth/usdc/long" position 1: field "sizeInUsd": the CSV form holds gmx-v2 USD amounts in 10^-6 USD and this one has digits past them (GMX\'s 10^-30): write the book as JSON, the one form that holds them (docs/venues/gmx-v2.md)');
    expect(errorOf(() => writeBookArrow(fine)).message).toContain('field "sizeInUsd": the Arrow and Parquet forms hold');
    const fineCollateral = bookToColumns(load(doc((d) => { delete d.accounts[0].margin; d.accounts[0].collateral = "1.0000000000001"; })));
    expect(errorOf(() => writeBookCsv(fineCollateral)).message).toContain('account "0xa/eth/usdc/long": field "collateral": the CSV form');
    // The markets' amounts at 10^-30 travel in markets.json.
    const fineMarket = bookToColumns(load(doc((d) => { delete d.accounts[0].margin; d.markets[0].gmx.long.poolUsd = "2000000.000000000000000000000000000003"; })));
    const t = writeBookCsv(fineMarket);
    expect(parseBookCsv(t.markets, t.accounts, t.positions, { balances: t.balances }).markets).toEqual(fineMarket.markets);
  });
});
