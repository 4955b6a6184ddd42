// A venue book's labels (isolated accounts, leverage, hedge-mode sides): the CSV form, which has no
// columns for them, refuses a labelled book rather than drop them (an unlabelled venue book goes
// through CSV with its venue); an edit that contradicts a side is refused on both engines.
import { describe, expect, it } from "vitest";
import { createEngine, type EngineName } from "../../bindings/index.js";
import { bookToColumns, parseBookCsv, parseBookJson, writeBookCsv } from "../../book/index.js";

const ENGINES: EngineName[] = ["wasm", "reference"];
const market = { id: "BTCUSDT", sizeDecimals: 3, priceDecimals: 2, markPrice: "50000.00", liquidationFee: "0.0125", tiers: [{ maxNotional: "50000", mmr: "0.004", cum: "0" }, { mmr: "0.005", cum: "50" }] };
const book = (position: Record<string, string>, extra: Record<string, string> = {}) =>
  parseBookJson(JSON.stringify({ venue: "binance-usdm", markets: [market], accounts: [{ id: "k", collateral: "500", ...extra, positions: [{ market: "BTCUSDT", size: "-0.020", entryPrice: "50000.00", ...position }] }] }));

describe("venue labels", () => {
  it.each([
    ["leverage", book({ leverage: "20" })],
    ["side", book({ side: "SHORT" })],
    ["margin", book({}, { margin: "isolated" })],
  ] as const)("the CSV writer refuses a book with a %s label", (label, b) => {
    expect(() => writeBookCsv(bookToColumns(b))).toThrow(`book: field "${label}": the CSV form has no column for a position's or account's ${label}; write this book as JSON (the labels would be lost)`);
  });

  it("an unlabelled venue book goes through the CSV form with its venue and tiers", () => {
    const columns = bookToColumns(book({}));
    const csv = writeBookCsv(columns);
    const back = parseBookCsv(csv.markets, csv.accounts, csv.positions);
    expect(back.venue).toBe("binance-usdm");
    expect(back.markets).toEqual(columns.markets);
    expect(Array.from(back.positionSize)).toEqual(Array.from(columns.positionSize));
  });

  it.each(ENGINES)("setPosition keeps a SHORT position's size <= 0 (%s)", async (engine) => {
    const live = await (await createEngine(engine)).load(book({ side: "SHORT" }));
    expect(() => live.setPosition(0, 5n, 5_000_000n)).toThrow('position 0: field "size": 5 is not the size of a SHORT position (LONG >= 0, SHORT <= 0)');
    live.setPosition(0, -40n, 5_000_000n);
    expect(live.toBook().accounts[0]!.positions[0]).toMatchObject({ size: -40n, side: "SHORT" });
  });
});
