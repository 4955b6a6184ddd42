import { describe, expect, it } from "vitest";
import { BookError } from "../book/errors.js";
import { validateBook, validateColumns } from "../book/validate.js";
import { bookToColumns, columnsToBook } from "../book/columns.js";
import type { Book, BookColumns } from "../book/types.js";
import { SPEC_BOOK } from "./fixtures/spec-example.js";
import { errorOf } from "./support/book-error.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** A deep copy of the spec book (bigints kept), mutated by `edit`. */
function editedBook(edit: (b: Any) => void): Book {
  const b = structuredClone(SPEC_BOOK) as Any;
  edit(b);
  return b;
}


const BTC = 'market "BTC-PERP"';
const ETH = 'market "ETH-PERP"';
const I64_MAX = (1n << 63n) - 1n;

describe("validateBook", () => {
  it("accepts the spec's example", () => {
    expect(() => validateBook(SPEC_BOOK)).not.toThrow();
  });

  it("accepts explicit undefined optional fields", () => {
    expect(() => validateBook(editedBook((b) => (b.markets[1].volatility = undefined)))).not.toThrow();
  });

  it.each<[string, (b: Any) => void, string, string, RegExp]>([
    ["book not an object", (b) => Object.assign(b, { markets: 5 }), "book", "markets", /expected an array/],
    ["unknown book field", (b) => (b.liquidatorShare = 5n), "book", "liquidatorShare", /unknown field/],
    ["share a number", (b) => (b.liquidatorSharePpm = 500000), "book", "liquidatorSharePpm", /expected a bigint, got number 500000/],
    ["share above 100%", (b) => (b.liquidatorSharePpm = 1_000_001n), "book", "liquidatorSharePpm", /1000001 is outside \[0, 1000000\]/],
    ["share negative", (b) => (b.liquidatorSharePpm = -1n), "book", "liquidatorSharePpm", /outside/],
    ["accounts missing", (b) => delete b.accounts, "book", "accounts", /expected an array/],
    ["market not an object", (b) => (b.markets[0] = null), "market 1", "", /expected an object, got null/],
    ["market id empty", (b) => (b.markets[0].id = ""), "market 1", "id", /non-empty string/],
    ["market id duplicate", (b) => (b.markets[1].id = "BTC-PERP"), BTC, "id", /duplicate market id/],
    ["market unknown field", (b) => (b.markets[0].volatilty = b.markets[0].volatility), BTC, "volatilty", /unknown field/],
    ["sizeDecimals 19", (b) => (b.markets[0].sizeDecimals = 19), BTC, "sizeDecimals", /19 is outside \[0, 18\]/],
    ["sizeDecimals 1.5", (b) => (b.markets[0].sizeDecimals = 1.5), BTC, "sizeDecimals", /expected an integer/],
    ["sizeDecimals bigint", (b) => (b.markets[0].sizeDecimals = 8n), BTC, "sizeDecimals", /expected an integer, got bigint 8/],
    ["priceDecimals -1", (b) => (b.markets[0].priceDecimals = -1), BTC, "priceDecimals", /outside/],
    ["decimals sum", (b) => ((b.markets[0].sizeDecimals = 12), (b.markets[0].priceDecimals = 13)), BTC, "priceDecimals", /exceeds 24/],
    ["markPrice negative", (b) => (b.markets[0].markPrice = -1n), BTC, "markPrice", /-1 is outside/],
    ["markPrice beyond 64 bits", (b) => (b.markets[0].markPrice = I64_MAX + 1n), BTC, "markPrice", /outside/],
    ["markPrice a string", (b) => (b.markets[0].markPrice = "65000.50"), BTC, "markPrice", /expected a bigint, got string "65000.50"/],
    ["no tiers", (b) => (b.markets[0].tiers = []), BTC, "tiers", /at least one tier/],
    ["tiers missing", (b) => delete b.markets[0].tiers, BTC, "tiers", /expected an array/],
    ["tier unknown field", (b) => (b.markets[0].tiers[0].mmr = 1n), `${BTC} tier 1`, "mmr", /unknown field/],
    ["middle tier without bound", (b) => (b.markets[0].tiers[1].maxNotional = null), `${BTC} tier 2`, "maxNotional", /only the last tier/],
    ["last tier with bound", (b) => (b.markets[1].tiers[1].maxNotional = 20_000_000_000n), `${ETH} tier 2`, "maxNotional", /last tier must have maxNotional null/],
    ["last tier with undefined bound", (b) => delete b.markets[1].tiers[1].maxNotional, `${ETH} tier 2`, "maxNotional", /last tier must have maxNotional null/],
    ["bound negative", (b) => (b.markets[0].tiers[0].maxNotional = -1n), `${BTC} tier 1`, "maxNotional", /outside/],
    ["bound not increasing", (b) => (b.markets[0].tiers[1].maxNotional = 50_000_000_000n), `${BTC} tier 2`, "maxNotional", /strictly increasing/],
    ["mmr decreasing", (b) => (b.markets[0].tiers[2].mmrPpm = 4_999n), `${BTC} tier 3`, "mmrPpm", /non-decreasing/],
    ["mmr above 100%", (b) => (b.markets[0].tiers[2].mmrPpm = 1_000_001n), `${BTC} tier 3`, "mmrPpm", /outside/],
    ["fee above 100%", (b) => (b.markets[1].liquidationFeePpm = 1_000_001n), ETH, "liquidationFeePpm", /outside/],
    ["fee a number", (b) => (b.markets[1].liquidationFeePpm = 2000), ETH, "liquidationFeePpm", /expected a bigint/],
    ["volatility too low", (b) => (b.markets[0].volatility.currentPpm = 99n), BTC, "volatility.currentPpm", /outside \[100, 10000000\]/],
    ["volatility too high", (b) => (b.markets[0].volatility.referencePpm = 10_000_001n), BTC, "volatility.referencePpm", /outside/],
    ["volatility unknown field", (b) => (b.markets[0].volatility.current = 1n), BTC, "volatility.current", /unknown field/],
    ["volatility null", (b) => (b.markets[0].volatility = null), BTC, "volatility", /expected an object/],
    ["depth zero", (b) => (b.markets[0].impact.depth = 0n), BTC, "impact.depth", /outside \[1,/],
    ["maxSlippage above 100%", (b) => (b.markets[0].impact.maxSlippagePpm = 1_000_001n), BTC, "impact.maxSlippagePpm", /outside/],
    ["account not an object", (b) => (b.accounts[1] = "bob"), "account 2", "", /expected an object/],
    ["account id not a string", (b) => (b.accounts[1].id = 2), "account 2", "id", /non-empty string/],
    ["account id duplicate", (b) => (b.accounts[4].id = "bob"), 'account "bob"', "id", /duplicate account id "bob" \(accounts 2 and 5\)/],
    ["account unknown field", (b) => (b.accounts[0].colateral = 1n), 'account "alice"', "colateral", /unknown field/],
    ["collateral beyond 64 bits", (b) => (b.accounts[0].collateral = I64_MAX + 1n), 'account "alice"', "collateral", /outside the signed 64-bit range/],
    ["collateral a number", (b) => (b.accounts[0].collateral = 1000), 'account "alice"', "collateral", /expected a bigint/],
    ["positions missing", (b) => delete b.accounts[0].positions, 'account "alice"', "positions", /expected an array/],
    ["position market out of range", (b) => (b.accounts[3].positions[1].market = 2), 'account "dave" position 2', "market", /index into markets \(0 to 1\)/],
    ["position market an id", (b) => (b.accounts[3].positions[1].market = "ETH-PERP"), 'account "dave" position 2', "market", /index into markets/],
    ["two positions in one market", (b) => (b.accounts[3].positions[1].market = 0), 'account "dave" position 2', "market", /"BTC-PERP" is already held by position 1/],
    ["size beyond 64 bits", (b) => (b.accounts[3].positions[0].size = -(1n << 63n) - 1n), 'account "dave" position 1', "size", /outside/],
    ["entry negative", (b) => (b.accounts[3].positions[0].entryPrice = -1n), 'account "dave" position 1', "entryPrice", /outside/],
    ["position unknown field", (b) => (b.accounts[3].positions[0].sides = "long"), 'account "dave" position 1', "sides", /unknown field/],
    ["a venue label on a generic position", (b) => (b.accounts[3].positions[0].side = "LONG"), 'account "dave" position 1', "side", /a side is a binance-usdm hedge-mode label; a generic position has none/],
  ])("%s", (_, edit, record, field, message) => {
    const e = errorOf(() => validateBook(editedBook(edit)));
    expect({ record: e.record, field: e.field }).toEqual({ record, field });
    expect(e.message).toMatch(message);
  });

  it("rejects a book that is not an object", () => {
    expect(errorOf(() => validateBook(null as Any)).record).toBe("book");
  });
});

describe("bookToColumns / columnsToBook", () => {
  it("convert the spec's example both ways", () => {
    const c = bookToColumns(SPEC_BOOK);
    expect(c.accountIds).toEqual(["alice", "bob", "carol", "dave", "erin"]);
    expect([...c.collateral]).toEqual([1_000_000_000n, 120_000_000n, 50_000_000n, 450_000_000n, 387_000_000n]);
    expect([...c.positionStart]).toEqual([0, 1, 2, 3, 5, 6]);
    expect([...c.positionMarket]).toEqual([0, 0, 0, 0, 1, 1]);
    expect([...c.positionSize]).toEqual([50_000_000n, -10_000_000n, 20_000_000n, 5_000_000n, -3_500n, 12_000n]);
    expect([...c.positionEntry]).toEqual([6_400_000n, 6_400_000n, 7_000_000n, 6_600_000n, 330_000n, 342_000n]);
    expect(columnsToBook(c)).toEqual(SPEC_BOOK);
  });

  it("bookToColumns refuses a value that would wrap in a BigInt64Array", () => {
    const e = errorOf(() => bookToColumns(editedBook((b) => (b.accounts[0].collateral = 1n << 63n))));
    expect([e.record, e.field]).toEqual(['account "alice"', "collateral"]);
  });

  it("handles an account without positions and an empty book", () => {
    const b = editedBook((b) => (b.accounts[1].positions = []));
    expect(columnsToBook(bookToColumns(b))).toEqual(b);
    const empty: Book = { liquidatorSharePpm: 0n, markets: [], accounts: [] };
    expect(columnsToBook(bookToColumns(empty))).toEqual(empty);
  });
});

describe("validateColumns", () => {
  const good = (): BookColumns => bookToColumns(SPEC_BOOK);
  const edit = (f: (c: Any) => void): BookColumns => {
    const c = { ...good() } as Any;
    f(c);
    return c;
  };

  it("accepts good columns", () => {
    expect(() => validateColumns(good())).not.toThrow();
  });

  it.each<[string, (c: Any) => void, string, string, RegExp]>([
    ["collateral length", (c) => (c.collateral = new BigInt64Array(4)), "book", "collateral", /has length 4, expected 5/],
    ["collateral type", (c) => (c.collateral = [1n, 2n, 3n, 4n, 5n]), "book", "collateral", /expected a BigInt64Array/],
    ["positionStart length", (c) => (c.positionStart = new Uint32Array([0, 1, 2, 3, 5])), "book", "positionStart", /expected 6/],
    ["positionStart[0]", (c) => (c.positionStart = new Uint32Array([1, 1, 2, 3, 5, 6])), "book", "positionStart", /positionStart\[0\] is 1/],
    ["positionStart decreasing", (c) => (c.positionStart = new Uint32Array([0, 1, 0, 3, 5, 6])), 'account "bob"', "positionStart", /less than/],
    ["position columns length", (c) => (c.positionSize = new BigInt64Array(5)), "book", "positionSize", /expected 6/],
    ["market index", (c) => (c.positionMarket = new Uint32Array([0, 0, 0, 0, 2, 1])), 'account "dave" position 2', "market", /market index 2/],
    ["same market twice", (c) => (c.positionMarket = new Uint32Array([0, 0, 0, 1, 1, 1])), 'account "dave" position 2', "market", /already held by position 1/],
    ["negative entry", (c) => (c.positionEntry = new BigInt64Array([1n, 1n, 1n, 1n, -1n, 1n])), 'account "dave" position 2', "entryPrice", /negative/],
    ["duplicate id", (c) => (c.accountIds = ["a", "b", "c", "a", "e"]), 'account "a"', "id", /duplicate account id "a" \(accounts 1 and 4\)/],
    ["empty id", (c) => (c.accountIds = ["a", "", "c", "d", "e"]), "account 2", "id", /non-empty/],
    ["bad share", (c) => (c.liquidatorSharePpm = 2_000_000n), "book", "liquidatorSharePpm", /outside/],
    ["bad market", (c) => (c.markets = [SPEC_BOOK.markets[0], { ...SPEC_BOOK.markets[1], tiers: [] }]), ETH, "tiers", /at least one/],
  ])("%s", (_, f, record, field, message) => {
    const e = errorOf(() => validateColumns(edit(f)));
    expect({ record: e.record, field: e.field }).toEqual({ record, field });
    expect(e.message).toMatch(message);
    expect(() => columnsToBook(edit(f))).toThrow(BookError);
  });
});

describe("ids checked once", () => {
  it("a frozen id list is still checked unless a parser, the generator or an earlier check vouched for it", async () => {
    const { generateBook } = await import("../book/generate.js");
    const { validateColumns } = await import("../book/validate.js");
    const g = generateBook({ accounts: 5, seed: 3 });
    expect(Object.isFrozen(g.accountIds)).toBe(true);
    expect(() => validateColumns(g)).not.toThrow();
    // The user's own frozen list with a repeated id: refused, as an unfrozen one would be.
    const dup = Object.freeze(["a", "b", "a", "c", "d"]);
    expect(() => validateColumns({ ...g, accountIds: dup })).toThrow('account "a": field "id": duplicate account id "a" (accounts 1 and 3)');
    expect(() => validateColumns({ ...g, accountIds: dup })).toThrow("duplicate account id");
    const empty = Object.freeze(["a", "", "c", "d", "e"]);
    expect(() => validateColumns({ ...g, accountIds: empty })).toThrow("non-empty");
    // A frozen list checked once is not hashed again, and a mutable one always is.
    const ok = Object.freeze(["v", "w", "x", "y", "z"]);
    validateColumns({ ...g, accountIds: ok });
    const open = ["v", "w", "x", "y", "z"];
    validateColumns({ ...g, accountIds: open });
    open[4] = "v";
    expect(() => validateColumns({ ...g, accountIds: open })).toThrow("duplicate account id");
  });
});
