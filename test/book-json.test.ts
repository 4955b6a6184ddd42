import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BookError } from "../book/errors.js";
import { parseBookJson, parseMarketsJson, writeBookJson } from "../book/json.js";
import type { Book } from "../book/types.js";
import { SPEC_BOOK } from "./fixtures/spec-example.js";
import { errorOf } from "./support/book-error.js";

const SPEC_TEXT = readFileSync(new URL("../examples/spec-example.json", import.meta.url), "utf8");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The spec example as a plain object, mutated by `edit`, as text. */
function edited(edit: (b: Json) => void): string {
  const b = JSON.parse(SPEC_TEXT);
  edit(b);
  return JSON.stringify(b, null, 2);
}


function expectError(text: string, record: string, field: string, message: RegExp): BookError {
  const e = errorOf(() => parseBookJson(text));
  expect({ record: e.record, field: e.field }).toEqual({ record, field });
  expect(e.message).toMatch(message);
  expect(e.message.startsWith(field === "" ? `${record}: ` : `${record}: field "${field}": `)).toBe(true);
  return e;
}

describe("parseBookJson: the spec's example", () => {
  it("parses to exactly the expected integers", () => {
    expect(parseBookJson(SPEC_TEXT)).toEqual(SPEC_BOOK);
  });

  it("has no volatility/impact keys on a market that gives none", () => {
    const b = parseBookJson(SPEC_TEXT);
    expect(Object.keys(b.markets[1]).sort()).toEqual(["id", "liquidationFeePpm", "markPrice", "priceDecimals", "sizeDecimals", "tiers"]);
  });

  it("round-trips through writeBookJson", () => {
    const text = writeBookJson(SPEC_BOOK);
    expect(parseBookJson(text)).toEqual(SPEC_BOOK);
    expect(text).toContain('"markPrice": "65000.50"');
    expect(text).toContain('"collateral": "1000.000000"');
    expect(text).toContain('"size": "-3.500"');
    expect(text).toContain('"sizeDecimals": 8');
    expect(JSON.parse(text).accounts[3].positions[1]).toEqual({ market: "ETH-PERP", size: "-3.500", entryPrice: "3300.00" });
    expect(writeBookJson(parseBookJson(text))).toBe(text);
  });

  it("writes an empty book", () => {
    const empty: Book = { liquidatorSharePpm: 0n, markets: [], accounts: [] };
    expect(parseBookJson(writeBookJson(empty))).toEqual(empty);
  });

  it("writeBookJson refuses an invalid book", () => {
    const bad = { ...SPEC_BOOK, liquidatorSharePpm: 2_000_000n };
    expect(errorOf(() => writeBookJson(bad)).field).toBe("liquidatorSharePpm");
  });

  it("accepts trailing zeros, CRLF, a BOM and digit strings for the decimals counts", () => {
    const text =
      "\ufeff" +
      edited((b) => {
        b.markets[0].markPrice = "65000.5000";
        b.markets[0].sizeDecimals = "8";
        b.accounts[0].collateral = "1000.000000000";
      }).replace(/\n/g, "\r\n");
    expect(parseBookJson(text)).toEqual(SPEC_BOOK);
  });
});

describe("parseBookJson: syntax", () => {
  it.each([
    ["", /invalid JSON at line 1 column 1/],
    ["{", /invalid JSON/],
    ["{}x", /expected the end of the document/],
    ['{"a":1,}', /invalid JSON/],
    ["[1 2]", /invalid JSON/],
    ['{"a": tru}', /invalid JSON/],
    ['{"a": "\\q"}', /bad escape/],
    ['{"a": "x\ny"}', /control character/],
    ['{"a": 01}', /invalid JSON/],
    ['{"a": 1.}', /expected a digit/],
    ["{'a': 1}", /invalid JSON/],
    ["[".repeat(100) + "]".repeat(100), /nesting deeper/],
  ])("rejects %j", (text, message) => {
    expectError(text, "book", "", message);
  });

  it("names line and column", () => {
    expect(errorOf(() => parseBookJson('{\n  "liquidatorShare": "0.5",\n  "markets": [x]\n}')).message).toMatch(/line 3 column 15/);
  });

  it("rejects a duplicate key instead of keeping the last one", () => {
    const text = SPEC_TEXT.replace('"collateral": "1000",', '"collateral": "1000", "collateral": "5",');
    expectError(text, "book", "", /duplicate key "collateral"/);
  });

  it("rejects a top level that is not an object", () => {
    expectError("[]", "book", "", /expected an object, got an array/);
    expectError('"x"', "book", "", /expected an object/);
  });

  it("handles escapes and a __proto__ key as plain data", () => {
    const text = edited((b) => {
      b.accounts[0].id = 'al"ice\\\u00e9\u2603';
    });
    expect(parseBookJson(text).accounts[0].id).toBe('al"ice\\\u00e9\u2603');
    const proto = SPEC_TEXT.replace('"liquidatorShare": "0.5",', '"liquidatorShare": "0.5", "__proto__": {},');
    expectError(proto, "book", "__proto__", /unknown field/);
  });
});

describe("parseBookJson: top level", () => {
  it.each<[string, (b: Json) => void, string, string, RegExp]>([
    ["missing liquidatorShare", (b) => delete b.liquidatorShare, "book", "liquidatorShare", /missing/],
    ["liquidatorShare as a JSON number", (b) => (b.liquidatorShare = 0.5), "book", "liquidatorShare", /expected a decimal string, got JSON number 0\.5 .*write "0\.5"/],
    ["liquidatorShare above 1", (b) => (b.liquidatorShare = "1.000001"), "book", "liquidatorShare", /"1\.000001" is outside \[0, 1\]/],
    ["liquidatorShare negative", (b) => (b.liquidatorShare = "-0.1"), "book", "liquidatorShare", /outside \[0, 1\]/],
    ["liquidatorShare with 7 decimals", (b) => (b.liquidatorShare = "0.5000001"), "book", "liquidatorShare", /more decimals than 6/],
    ["liquidatorShare null", (b) => (b.liquidatorShare = null), "book", "liquidatorShare", /got null/],
    ["unknown top-level field", (b) => (b.liquidatorShares = "0.5"), "book", "liquidatorShares", /unknown field \(expected venue, liquidatorShare, markets, accounts, assets\)/],
    ["missing markets", (b) => delete b.markets, "book", "markets", /missing/],
    ["markets not an array", (b) => (b.markets = {}), "book", "markets", /expected an array, got an object/],
    ["missing accounts", (b) => delete b.accounts, "book", "accounts", /missing/],
    ["accounts not an array", (b) => (b.accounts = "none"), "book", "accounts", /expected an array/],
  ])("%s", (_, edit, record, field, message) => {
    expectError(edited(edit), record, field, message);
  });

  it("accepts exactly 0 and 1", () => {
    expect(parseBookJson(edited((b) => (b.liquidatorShare = "0"))).liquidatorSharePpm).toBe(0n);
    expect(parseBookJson(edited((b) => (b.liquidatorShare = "1.000000"))).liquidatorSharePpm).toBe(1_000_000n);
  });
});

const BTC = 'market "BTC-PERP"';
const ETH = 'market "ETH-PERP"';

describe("parseBookJson: markets", () => {
  it.each<[string, (b: Json) => void, string, string, RegExp]>([
    ["not an object", (b) => (b.markets[0] = "BTC"), "market 1", "", /expected an object, got string "BTC"/],
    ["missing id", (b) => delete b.markets[0].id, "market 1", "id", /missing/],
    ["id a number", (b) => (b.markets[1].id = 7), "market 2", "id", /expected a string, got JSON number 7/],
    ["empty id", (b) => (b.markets[0].id = ""), "market 1", "id", /is empty/],
    ["duplicate id", (b) => (b.markets[1].id = "BTC-PERP"), BTC, "id", /duplicate market id "BTC-PERP" \(markets 1 and 2\)/],
    ["unknown field", (b) => (b.markets[0].fee = "0.01"), BTC, "fee", /unknown field/],
    ["missing sizeDecimals", (b) => delete b.markets[0].sizeDecimals, BTC, "sizeDecimals", /missing/],
    ["sizeDecimals 19", (b) => (b.markets[0].sizeDecimals = 19), BTC, "sizeDecimals", /19 is not an integer in \[0, 18\]/],
    ["sizeDecimals -1", (b) => (b.markets[0].sizeDecimals = -1), BTC, "sizeDecimals", /not an integer/],
    ["sizeDecimals 2.5", (b) => (b.markets[0].sizeDecimals = 2.5), BTC, "sizeDecimals", /not an integer/],
    ["sizeDecimals 1e1", (b) => (b.markets[0].sizeDecimals = "1e1"), BTC, "sizeDecimals", /not an integer/],
    ["sizeDecimals null", (b) => (b.markets[0].sizeDecimals = null), BTC, "sizeDecimals", /expected an integer/],
    ["priceDecimals 19", (b) => (b.markets[0].priceDecimals = 19), BTC, "priceDecimals", /not an integer in \[0, 18\]/],
    ["decimals sum above 24", (b) => ((b.markets[0].sizeDecimals = 18), (b.markets[0].priceDecimals = 7)), BTC, "priceDecimals", /18 \+ 7 = 25 exceeds 24/],
    ["missing markPrice", (b) => delete b.markets[0].markPrice, BTC, "markPrice", /missing/],
    ["markPrice a number", (b) => (b.markets[0].markPrice = 65000.5), BTC, "markPrice", /JSON number 65000\.5/],
    ["markPrice negative", (b) => (b.markets[0].markPrice = "-0.01"), BTC, "markPrice", /"-0\.01" is negative/],
    ["markPrice too precise", (b) => (b.markets[0].markPrice = "65000.505"), BTC, "markPrice", /"65000\.505" has more decimals than the market's priceDecimals 2/],
    ["markPrice beyond 64 bits", (b) => (b.markets[0].markPrice = "92233720368547758.08"), BTC, "markPrice", /does not fit a signed 64-bit count of 10\^-2 units \(limit 92233720368547758\.07\)/],
    ["markPrice with an exponent", (b) => (b.markets[0].markPrice = "6.5e4"), BTC, "markPrice", /is not a decimal number/],
    ["markPrice with a blank", (b) => (b.markets[0].markPrice = " 65000"), BTC, "markPrice", /is not a decimal number/],
    ["markPrice with a plus", (b) => (b.markets[0].markPrice = "+65000"), BTC, "markPrice", /is not a decimal number/],
    ["missing tiers", (b) => delete b.markets[0].tiers, BTC, "tiers", /missing/],
    ["tiers not an array", (b) => (b.markets[0].tiers = { mmr: "0.01" }), BTC, "tiers", /expected an array/],
    ["no tiers", (b) => (b.markets[0].tiers = []), BTC, "tiers", /at least one tier/],
    ["tier not an object", (b) => (b.markets[0].tiers[1] = "0.005"), `${BTC} tier 2`, "", /expected an object/],
    ["tier unknown field", (b) => (b.markets[0].tiers[0].max = "1"), `${BTC} tier 1`, "max", /unknown field \(expected maxNotional, mmr, imr\)/],
    ["tier without mmr", (b) => delete b.markets[0].tiers[1].mmr, `${BTC} tier 2`, "mmr", /missing/],
    ["middle tier without maxNotional", (b) => delete b.markets[0].tiers[1].maxNotional, `${BTC} tier 2`, "maxNotional", /missing \(only the last tier/],
    ["last tier with maxNotional", (b) => (b.markets[0].tiers[2].maxNotional = "1000000"), `${BTC} tier 3`, "maxNotional", /last tier must have no maxNotional.*"1000000"/],
    ["only tier with maxNotional", (b) => (b.markets[1].tiers = [{ maxNotional: "1", mmr: "0.01" }]), `${ETH} tier 1`, "maxNotional", /last tier must have no maxNotional/],
    ["maxNotional a number", (b) => (b.markets[0].tiers[0].maxNotional = 50000), `${BTC} tier 1`, "maxNotional", /JSON number 50000/],
    ["maxNotional negative", (b) => (b.markets[0].tiers[0].maxNotional = "-1"), `${BTC} tier 1`, "maxNotional", /negative/],
    ["maxNotional too precise", (b) => (b.markets[0].tiers[0].maxNotional = "50000.0000001"), `${BTC} tier 1`, "maxNotional", /more decimals than 6/],
    ["maxNotional beyond 64 bits", (b) => (b.markets[0].tiers[1].maxNotional = "9223372036854.775808"), `${BTC} tier 2`, "maxNotional", /does not fit/],
    ["maxNotional equal", (b) => (b.markets[0].tiers[1].maxNotional = "50000"), `${BTC} tier 2`, "maxNotional", /"50000" is not greater than tier 1's "50000" \(maxNotional must be strictly increasing\)/],
    ["maxNotional decreasing", (b) => (b.markets[0].tiers[1].maxNotional = "49999.999999"), `${BTC} tier 2`, "maxNotional", /strictly increasing/],
    ["mmr decreasing", (b) => (b.markets[0].tiers[2].mmr = "0.0049"), `${BTC} tier 3`, "mmr", /"0\.0049" is less than tier 2's "0\.005" \(mmr must be non-decreasing\)/],
    ["mmr above 1", (b) => (b.markets[0].tiers[2].mmr = "1.5"), `${BTC} tier 3`, "mmr", /outside \[0, 1\]/],
    ["mmr negative", (b) => (b.markets[0].tiers[0].mmr = "-0.004"), `${BTC} tier 1`, "mmr", /outside \[0, 1\]/],
    ["mmr too precise", (b) => (b.markets[0].tiers[0].mmr = "0.0040001"), `${BTC} tier 1`, "mmr", /more decimals than 6/],
    ["mmr a number", (b) => (b.markets[0].tiers[0].mmr = 0.004), `${BTC} tier 1`, "mmr", /JSON number 0\.004/],
    ["missing liquidationFee", (b) => delete b.markets[1].liquidationFee, ETH, "liquidationFee", /missing/],
    ["liquidationFee above 1", (b) => (b.markets[1].liquidationFee = "2"), ETH, "liquidationFee", /outside \[0, 1\]/],
    ["liquidationFee a number", (b) => (b.markets[1].liquidationFee = 0.002), ETH, "liquidationFee", /JSON number/],
    ["volatility not an object", (b) => (b.markets[0].volatility = "0.8"), BTC, "volatility", /expected an object/],
    ["volatility missing reference", (b) => delete b.markets[0].volatility.reference, BTC, "volatility.reference", /missing/],
    ["volatility unknown field", (b) => (b.markets[0].volatility.ref = "0.6"), BTC, "volatility.ref", /unknown field \(expected volatility\.current, volatility\.reference\)/],
    ["volatility below 0.0001", (b) => (b.markets[0].volatility.current = "0.000099"), BTC, "volatility.current", /"0\.000099" is outside \[0\.0001, 10\]/],
    ["volatility above 10", (b) => (b.markets[0].volatility.reference = "10.000001"), BTC, "volatility.reference", /outside \[0\.0001, 10\]/],
    ["volatility zero", (b) => (b.markets[0].volatility.reference = "0"), BTC, "volatility.reference", /outside/],
    ["volatility too precise", (b) => (b.markets[0].volatility.current = "0.80000001"), BTC, "volatility.current", /more decimals than 6/],
    ["volatility null", (b) => (b.markets[0].volatility = null), BTC, "volatility", /expected an object, got null/],
    ["impact missing depth", (b) => delete b.markets[0].impact.depth, BTC, "impact.depth", /missing/],
    ["impact unknown field", (b) => (b.markets[0].impact.slippage = "0.05"), BTC, "impact.slippage", /unknown field/],
    ["depth zero", (b) => (b.markets[0].impact.depth = "0"), BTC, "impact.depth", /"0" is not > 0/],
    ["depth negative", (b) => (b.markets[0].impact.depth = "-5"), BTC, "impact.depth", /not > 0/],
    ["depth below one unit", (b) => (b.markets[0].impact.depth = "0.0000001"), BTC, "impact.depth", /more decimals than 6/],
    ["depth beyond 64 bits", (b) => (b.markets[0].impact.depth = "9223372036854.775808"), BTC, "impact.depth", /does not fit/],
    ["depth a number", (b) => (b.markets[0].impact.depth = 5000000), BTC, "impact.depth", /JSON number 5000000/],
    ["maxSlippage above 1", (b) => (b.markets[0].impact.maxSlippage = "1.01"), BTC, "impact.maxSlippage", /outside \[0, 1\]/],
    ["maxSlippage missing", (b) => delete b.markets[0].impact.maxSlippage, BTC, "impact.maxSlippage", /missing/],
  ])("%s", (_, edit, record, field, message) => {
    expectError(edited(edit), record, field, message);
  });

  it("accepts the edges of every range", () => {
    const b = parseBookJson(
      edited((b) => {
        b.markets[0].sizeDecimals = 18;
        b.markets[0].priceDecimals = 6;
        b.markets[0].markPrice = "9223372036854.775807";
        b.markets[0].tiers = [{ maxNotional: "0", mmr: "0" }, { maxNotional: "9223372036854.775807", mmr: "1" }, { mmr: "1" }];
        b.markets[0].liquidationFee = "1";
        b.markets[0].volatility = { current: "0.0001", reference: "10" };
        b.markets[0].impact = { depth: "0.000001", maxSlippage: "0" };
        b.accounts = [];
      }),
    );
    const m = b.markets[0];
    expect(m.markPrice).toBe(9223372036854775807n);
    expect(m.tiers.map((t) => t.maxNotional)).toEqual([0n, 9223372036854775807n, null]);
    expect(m.volatility).toEqual({ currentPpm: 100n, referencePpm: 10_000_000n });
    expect(m.impact).toEqual({ depth: 1n, maxSlippagePpm: 0n });
    const zero = parseBookJson(edited((b) => ((b.markets[1].sizeDecimals = 0), (b.markets[1].priceDecimals = 0), (b.markets[1].markPrice = "0"), (b.accounts = []))));
    expect(zero.markets[1].markPrice).toBe(0n);
  });
});

const DAVE = 'account "dave"';

describe("parseBookJson: accounts and positions", () => {
  it.each<[string, (b: Json) => void, string, string, RegExp]>([
    ["account not an object", (b) => (b.accounts[2] = []), "account 3", "", /expected an object, got an array/],
    ["missing id", (b) => delete b.accounts[0].id, "account 1", "id", /missing/],
    ["id a number", (b) => (b.accounts[0].id = 1), "account 1", "id", /expected a string, got JSON number 1/],
    ["empty id", (b) => (b.accounts[1].id = ""), "account 2", "id", /is empty/],
    ["duplicate id", (b) => (b.accounts[3].id = "alice"), 'account "alice"', "id", /duplicate account id "alice" \(accounts 1 and 4\)/],
    ["typo colateral", (b) => ((b.accounts[0].colateral = b.accounts[0].collateral), delete b.accounts[0].collateral), 'account "alice"', "colateral", /unknown field \(expected id, collateral, positions, balances\)/],
    ["missing collateral", (b) => delete b.accounts[0].collateral, 'account "alice"', "collateral", /missing/],
    ["collateral a number", (b) => (b.accounts[0].collateral = 1000), 'account "alice"', "collateral", /expected a decimal string, got JSON number 1000 .*write "1000"/],
    ["collateral too precise", (b) => (b.accounts[0].collateral = "1000.0000001"), 'account "alice"', "collateral", /"1000\.0000001" has more decimals than 6/],
    ["collateral above 64 bits", (b) => (b.accounts[0].collateral = "9223372036854.775808"), 'account "alice"', "collateral", /does not fit a signed 64-bit count of 10\^-6 units \(limit 9223372036854\.775807\)/],
    ["collateral below 64 bits", (b) => (b.accounts[0].collateral = "-9223372036854.775809"), 'account "alice"', "collateral", /limit -9223372036854\.775808/],
    ["missing positions", (b) => delete b.accounts[4].positions, 'account "erin"', "positions", /missing/],
    ["positions not an array", (b) => (b.accounts[4].positions = {}), 'account "erin"', "positions", /expected an array/],
    ["position not an object", (b) => (b.accounts[3].positions[1] = "ETH"), `${DAVE} position 2`, "", /expected an object/],
    ["position unknown field", (b) => (b.accounts[3].positions[1].side = "short"), `${DAVE} position 2`, "side", /unknown field \(expected market, size, entryPrice\)/],
    ["position missing market", (b) => delete b.accounts[3].positions[1].market, `${DAVE} position 2`, "market", /missing/],
    ["unknown market", (b) => (b.accounts[3].positions[1].market = "SOL-PERP"), `${DAVE} position 2`, "market", /"SOL-PERP" is not a market of the book/],
    ["market a number", (b) => (b.accounts[3].positions[1].market = 1), `${DAVE} position 2`, "market", /expected a market id string, got JSON number 1/],
    ["two positions in one market", (b) => (b.accounts[3].positions[1].market = "BTC-PERP"), `${DAVE} position 2`, "market", /"BTC-PERP" is already held by position 1 \(an account holds at most one position per market\)/],
    ["missing size", (b) => delete b.accounts[0].positions[0].size, 'account "alice" position 1', "size", /missing/],
    ["size a number", (b) => (b.accounts[0].positions[0].size = 0.5), 'account "alice" position 1', "size", /JSON number 0\.5/],
    ["size too precise", (b) => (b.accounts[0].positions[0].size = "0.123456789"), 'account "alice" position 1', "size", /^account "alice" position 1: field "size": "0\.123456789" has more decimals than the market's 8$/],
    ["size beyond 64 bits", (b) => (b.accounts[0].positions[0].size = "92233720368.54775808"), 'account "alice" position 1', "size", /does not fit a signed 64-bit count of 10\^-8 units/],
    ["size below 64 bits", (b) => (b.accounts[0].positions[0].size = "-92233720368.54775809"), 'account "alice" position 1', "size", /does not fit/],
    ["size with an exponent", (b) => (b.accounts[0].positions[0].size = "5e-1"), 'account "alice" position 1', "size", /not a decimal number/],
    ["size leading point", (b) => (b.accounts[0].positions[0].size = ".5"), 'account "alice" position 1', "size", /not a decimal number/],
    ["size empty", (b) => (b.accounts[0].positions[0].size = ""), 'account "alice" position 1', "size", /"" is not a decimal number/],
    ["missing entryPrice", (b) => delete b.accounts[4].positions[0].entryPrice, 'account "erin" position 1', "entryPrice", /missing/],
    ["entryPrice negative", (b) => (b.accounts[4].positions[0].entryPrice = "-3420"), 'account "erin" position 1', "entryPrice", /negative/],
    ["entryPrice too precise", (b) => (b.accounts[4].positions[0].entryPrice = "3420.001"), 'account "erin" position 1', "entryPrice", /more decimals than the market's 2/],
    ["entryPrice beyond 64 bits", (b) => (b.accounts[4].positions[0].entryPrice = "92233720368547758.08"), 'account "erin" position 1', "entryPrice", /does not fit/],
    ["entryPrice a number", (b) => (b.accounts[4].positions[0].entryPrice = 3420), 'account "erin" position 1', "entryPrice", /JSON number 3420/],
  ])("%s", (_, edit, record, field, message) => {
    expectError(edited(edit), record, field, message);
  });

  it("accepts the 64-bit edges after scaling, a zero size and negative collateral", () => {
    const b = parseBookJson(
      edited((b) => {
        b.accounts[0].collateral = "9223372036854.775807";
        b.accounts[1].collateral = "-9223372036854.775808";
        b.accounts[0].positions[0].size = "92233720368.54775807";
        b.accounts[1].positions[0].size = "-92233720368.54775808";
        b.accounts[2].positions[0].size = "0";
        b.accounts[0].positions[0].entryPrice = "92233720368547758.07";
        b.accounts[1].positions[0].entryPrice = "0";
        b.accounts[4].positions = [];
      }),
    );
    expect(b.accounts[0].collateral).toBe(9223372036854775807n);
    expect(b.accounts[1].collateral).toBe(-9223372036854775808n);
    expect(b.accounts[0].positions[0]).toEqual({ market: 0, size: 9223372036854775807n, entryPrice: 9223372036854775807n });
    expect(b.accounts[1].positions[0]).toEqual({ market: 0, size: -9223372036854775808n, entryPrice: 0n });
    expect(b.accounts[2].positions[0].size).toBe(0n);
    expect(b.accounts[4].positions).toEqual([]);
  });

  it("keeps long offending values short in messages", () => {
    const e = errorOf(() => parseBookJson(edited((b) => (b.accounts[0].collateral = "1".repeat(5000) + "x"))));
    expect(e.message.length).toBeLessThan(400);
  });
});

describe("parseMarketsJson", () => {
  it("reads markets without accounts, or with an empty list", () => {
    const noAccounts = edited((b) => delete b.accounts);
    expect(parseMarketsJson(noAccounts)).toEqual({ liquidatorSharePpm: 500_000n, markets: SPEC_BOOK.markets });
    expect(parseMarketsJson(edited((b) => (b.accounts = []))).markets).toHaveLength(2);
  });

  it("rejects accounts in markets.json", () => {
    const e = errorOf(() => parseMarketsJson(SPEC_TEXT));
    expect([e.record, e.field]).toEqual(["markets.json", "accounts"]);
    expect(e.message).toMatch(/must be absent or empty/);
  });
});
