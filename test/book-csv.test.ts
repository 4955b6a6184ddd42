import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BookError } from "../book/errors.js";
import { parseBookCsv, writeBookCsv, writeBookCsvChunks } from "../book/csv.js";
import { bookToColumns, columnsToBook } from "../book/columns.js";
import { parseBookJson, writeBookJson } from "../book/json.js";
import { formatDecimal } from "../book/decimal.js";
import { generateBook } from "../book/generate.js";
import type { BookColumns } from "../book/types.js";
import { SPEC_BOOK } from "./fixtures/spec-example.js";
import { errorOf } from "./support/book-error.js";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const MARKETS = fixture("spec-example-csv/markets.json");
const ACCOUNTS = fixture("spec-example-csv/accounts.csv");
const POSITIONS = fixture("spec-example-csv/positions.csv");
const SPEC_COLUMNS = bookToColumns(SPEC_BOOK);


/** Plain arrays, so that toEqual compares values (and reports differences readably). */
function plain(c: BookColumns) {
  return {
    liquidatorSharePpm: c.liquidatorSharePpm,
    markets: c.markets,
    accountIds: [...c.accountIds],
    collateral: [...c.collateral],
    positionStart: [...c.positionStart],
    positionMarket: [...c.positionMarket],
    positionSize: [...c.positionSize],
    positionEntry: [...c.positionEntry],
  };
}

const ACCOUNTS_TEXT = "id,collateral\nalice,1000\nbob,120\n";
const POSITIONS_TEXT = "account,market,size,entryPrice\nalice,BTC-PERP,0.5,64000\nbob,ETH-PERP,-3.5,3300\n";

function csvError(accounts: string, positions: string, record: string, field: string, message: RegExp): BookError {
  const e = errorOf(() => parseBookCsv(MARKETS, accounts, positions));
  expect({ record: e.record, field: e.field }).toEqual({ record, field });
  expect(e.message).toMatch(message);
  return e;
}

describe("parseBookCsv: the spec's example", () => {
  it("reads the fixture (positions not contiguous by account) into the spec's integers", () => {
    const c = parseBookCsv(MARKETS, ACCOUNTS, POSITIONS);
    expect(plain(c)).toEqual(plain(SPEC_COLUMNS));
    expect(columnsToBook(c)).toEqual(SPEC_BOOK);
  });

  it("gives the same book as the JSON form", () => {
    expect(columnsToBook(parseBookCsv(MARKETS, ACCOUNTS, POSITIONS))).toEqual(parseBookJson(readFileSync("examples/spec-example.json", "utf8")));
  });

  it("round-trips through writeBookCsv", () => {
    const w = writeBookCsv(SPEC_COLUMNS);
    expect(w.accounts).toBe("id,collateral\nalice,1000.000000\nbob,120.000000\ncarol,50.000000\ndave,450.000000\nerin,387.000000\n");
    expect(w.positions.split("\n")[5]).toBe("dave,ETH-PERP,-3.500,3300.00");
    expect(JSON.parse(w.markets).accounts).toBeUndefined();
    expect(plain(parseBookCsv(w.markets, w.accounts, w.positions))).toEqual(plain(SPEC_COLUMNS));
  });

  it("accepts CRLF, no final line break, a byte-order mark and accounts.json with an empty accounts list", () => {
    const crlf = (s: string) => s.replace(/\n/g, "\r\n");
    const markets = JSON.stringify({ ...JSON.parse(MARKETS), accounts: [] });
    const c = parseBookCsv(crlf(markets), "\ufeff" + crlf(ACCOUNTS).replace(/\r\n$/, ""), crlf(POSITIONS).replace(/\r\n$/, ""));
    expect(plain(c)).toEqual(plain(SPEC_COLUMNS));
  });

  it("orders positions within an account by file order, accounts by accounts.csv order", () => {
    const positions = "account,market,size,entryPrice\nbob,ETH-PERP,1,1\nalice,ETH-PERP,2,2\nbob,BTC-PERP,3,3\nalice,BTC-PERP,4,4\n";
    const c = parseBookCsv(MARKETS, ACCOUNTS_TEXT, positions);
    expect(c.accountIds).toEqual(["alice", "bob"]);
    expect([...c.positionStart]).toEqual([0, 2, 4]);
    expect([...c.positionMarket]).toEqual([1, 0, 1, 0]);
    expect([...c.positionSize]).toEqual([2000n, 400000000n, 1000n, 300000000n]);
    expect([...c.positionEntry]).toEqual([200n, 400n, 100n, 300n]);
  });

  it("reads accounts without positions, and files with only a header", () => {
    const c = parseBookCsv(MARKETS, "id,collateral\n", "account,market,size,entryPrice");
    expect(c.accountIds).toEqual([]);
    expect([...c.positionStart]).toEqual([0]);
    const d = parseBookCsv(MARKETS, ACCOUNTS_TEXT, "account,market,size,entryPrice\n");
    expect([...d.positionStart]).toEqual([0, 0, 0]);
  });

  it("reports progress and ends with (total, total)", () => {
    const calls: [number, number][] = [];
    parseBookCsv(MARKETS, ACCOUNTS, POSITIONS, (done, total) => calls.push([done, total]));
    expect(calls[0]).toEqual([0, 11]);
    expect(calls[calls.length - 1]).toEqual([11, 11]);
  });
});

describe("parseBookCsv: errors", () => {
  it.each<[string, string, string, string, string, RegExp]>([
    ["empty accounts.csv", "", POSITIONS_TEXT, "accounts.csv line 1", "header", /the file is empty/],
    ["bad accounts header", "id,collat\nalice,1\n", POSITIONS_TEXT, "accounts.csv line 1", "header", /expected "id,collateral", got "id,collat"/],
    ["header with blanks", "id, collateral\n", POSITIONS_TEXT, "accounts.csv line 1", "header", /expected "id,collateral"/],
    ["bad positions header", ACCOUNTS_TEXT, "account,market,size,entry\n", "positions.csv line 1", "header", /expected "account,market,size,entryPrice"/],
    ["empty positions.csv", ACCOUNTS_TEXT, "", "positions.csv line 1", "header", /the file is empty/],
    ["quoted id", 'id,collateral\n"alice",1000\n', POSITIONS_TEXT, "accounts.csv line 2", "id", /quote character/],
    ["quoted collateral", 'id,collateral\nalice,"1000"\n', POSITIONS_TEXT, "accounts.csv line 2", "collateral", /quote character/],
    ["quoted size", ACCOUNTS_TEXT, 'account,market,size,entryPrice\nalice,BTC-PERP,"0.5",64000\n', "positions.csv line 2", "size", /quote character/],
    ["quoted entry", ACCOUNTS_TEXT, 'account,market,size,entryPrice\nalice,BTC-PERP,0.5,"64000"\n', "positions.csv line 2", "entryPrice", /quote character/],
    ["blank line in accounts", "id,collateral\nalice,1000\n\nbob,120\n", POSITIONS_TEXT, "accounts.csv line 3", "", /blank line/],
    ["blank CRLF line in accounts", "id,collateral\r\nalice,1000\r\n\r\nbob,120\r\n", POSITIONS_TEXT, "accounts.csv line 3", "", /blank line/],
    ["blank line right after the header", "id,collateral\n\nalice,1000\n", POSITIONS_TEXT, "accounts.csv line 2", "", /blank line/],
    ["two line breaks at the end", "id,collateral\nalice,1000\nbob,120\n\n", POSITIONS_TEXT, "accounts.csv line 4", "", /blank line/],
    ["blank line in positions", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,64000\n\nbob,ETH-PERP,-3.5,3300\n", "positions.csv line 3", "", /blank line/],
    ["short account row", "id,collateral\nalice\n", POSITIONS_TEXT, "accounts.csv line 2", "collateral", /missing: the row has 1 field, expected 2 \(id,collateral\)/],
    ["long account row", "id,collateral\nalice,1000,x\n", POSITIONS_TEXT, "accounts.csv line 2", "", /the row has 3 fields, expected 2/],
    ["empty account id", "id,collateral\n,1000\n", POSITIONS_TEXT, "accounts.csv line 2", "id", /is empty/],
    ["control character in an id", "id,collateral\nal\tice,1000\n", POSITIONS_TEXT, "accounts.csv line 2", "id", /control character U\+0009/],
    ["duplicate account", "id,collateral\nalice,1\nbob,2\nalice,3\n", POSITIONS_TEXT, "accounts.csv line 4", "id", /duplicate account id "alice" \(also line 2\)/],
    ["collateral empty", "id,collateral\nalice,\n", POSITIONS_TEXT, "accounts.csv line 2", "collateral", /"" is not a decimal number/],
    ["collateral too precise", "id,collateral\nalice,1.0000001\n", POSITIONS_TEXT, "accounts.csv line 2", "collateral", /"1\.0000001" has more decimals than 6/],
    ["collateral with a blank", "id,collateral\nalice, 1000\n", POSITIONS_TEXT, "accounts.csv line 2", "collateral", /not a decimal number/],
    ["collateral with an exponent", "id,collateral\nalice,1e3\n", POSITIONS_TEXT, "accounts.csv line 2", "collateral", /not a decimal number/],
    ["collateral beyond 64 bits", "id,collateral\nalice,9223372036854.775808\n", POSITIONS_TEXT, "accounts.csv line 2", "collateral", /does not fit a signed 64-bit count of 10\^-6 units/],
    ["collateral below 64 bits", "id,collateral\nalice,-9223372036854.775809\n", POSITIONS_TEXT, "accounts.csv line 2", "collateral", /does not fit/],
    ["short position row", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5\n", "positions.csv line 2", "entryPrice", /missing: the row has 3 fields, expected 4 \(account,market,size,entryPrice\)/],
    ["one-field position row", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice\n", "positions.csv line 2", "market", /missing: the row has 1 field/],
    ["long position row", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,64000,x\n", "positions.csv line 2", "", /the row has 5 fields, expected 4/],
    ["unknown account", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,64000\nzed,BTC-PERP,1,1\n", "positions.csv line 3", "account", /"zed" is not an account of accounts.csv/],
    ["empty account", ACCOUNTS_TEXT, "account,market,size,entryPrice\n,BTC-PERP,1,1\n", "positions.csv line 2", "account", /is empty/],
    ["account prefix", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalic,BTC-PERP,1,1\n", "positions.csv line 2", "account", /"alic" is not an account/],
    ["unknown market", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,SOL-PERP,1,1\n", "positions.csv line 2", "market", /"SOL-PERP" is not a market of markets.json/],
    ["market in lower case", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,btc-perp,1,1\n", "positions.csv line 2", "market", /not a market/],
    ["size too precise", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.123456789,64000\n", "positions.csv line 2", "size", /^positions\.csv line 2: field "size": "0\.123456789" has more decimals than market "BTC-PERP"'s sizeDecimals 8$/],
    ["size with a plus", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,+1,64000\n", "positions.csv line 2", "size", /not a decimal number/],
    ["size leading point", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,.5,64000\n", "positions.csv line 2", "size", /not a decimal number/],
    ["size trailing point", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,5.,64000\n", "positions.csv line 2", "size", /not a decimal number/],
    ["size beyond 64 bits", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,92233720368.54775808,64000\n", "positions.csv line 2", "size", /does not fit a signed 64-bit count of 10\^-8 units \(limit 92233720368\.54775807\)/],
    ["entry negative", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,-1\n", "positions.csv line 2", "entryPrice", /"-1" is negative/],
    ["long entry negative", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,-92233720368547758.08\n", "positions.csv line 2", "entryPrice", /negative|does not fit/],
    ["entry too precise", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,64000.001\n", "positions.csv line 2", "entryPrice", /more decimals than market "BTC-PERP"'s priceDecimals 2/],
    ["entry beyond 64 bits", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,92233720368547758.08\n", "positions.csv line 2", "entryPrice", /does not fit/],
    ["entry with a CR inside", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,64\r000\n", "positions.csv line 2", "entryPrice", /not a decimal number/],
    ["two positions in one market, apart", ACCOUNTS_TEXT, "account,market,size,entryPrice\nalice,BTC-PERP,0.5,64000\nbob,ETH-PERP,1,1\nalice,BTC-PERP,1,1\n", "positions.csv line 4", "market", /account "alice" already holds a position in "BTC-PERP" \(line 2\)/],
    ["two positions in one market, together", ACCOUNTS_TEXT, "account,market,size,entryPrice\nbob,ETH-PERP,1,1\nbob,ETH-PERP,2,2\n", "positions.csv line 3", "market", /account "bob" already holds a position in "ETH-PERP" \(line 2\)/],
  ])("%s", (_, accounts, positions, record, field, message) => {
    csvError(accounts, positions, record, field, message);
  });

  it("names market errors in markets.json", () => {
    const markets = MARKETS.replace('"markPrice": "65000.50"', '"markPrice": "65000.505"');
    const e = errorOf(() => parseBookCsv(markets, ACCOUNTS, POSITIONS));
    expect([e.record, e.field]).toEqual(['market "BTC-PERP"', "markPrice"]);
    const withAccounts = readFileSync("examples/spec-example.json", "utf8");
    const f = errorOf(() => parseBookCsv(withAccounts, ACCOUNTS, POSITIONS));
    expect([f.record, f.field]).toEqual(["markets.json", "accounts"]);
    const g = errorOf(() => parseBookCsv("{", ACCOUNTS, POSITIONS));
    expect(g.record).toBe("markets.json");
  });

  it("accepts the 64-bit edges (the long-value path)", () => {
    const c = parseBookCsv(
      MARKETS,
      "id,collateral\nalice,9223372036854.775807\nbob,-9223372036854.775808\n",
      "account,market,size,entryPrice\nalice,BTC-PERP,92233720368.54775807,92233720368547758.07\nbob,BTC-PERP,-92233720368.54775808,0\n",
    );
    expect([...c.collateral]).toEqual([(1n << 63n) - 1n, -(1n << 63n)]);
    expect([...c.positionSize]).toEqual([(1n << 63n) - 1n, -(1n << 63n)]);
    expect([...c.positionEntry]).toEqual([(1n << 63n) - 1n, 0n]);
  });
});

describe("parseBookCsv: exact values (property)", () => {
  it("reads back every 64-bit size, entry and collateral, with extra zeros, in any row order", () => {
    const markets = SPEC_COLUMNS.markets;
    const row = fc.record({
      market: fc.integer({ min: 0, max: 1 }),
      size: fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n })),
      entry: fc.oneof(fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }), fc.bigInt({ min: 0n, max: 10n ** 9n })),
      zeros: fc.nat(3),
    });
    const account = fc.record({
      collateral: fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n })),
      rows: fc.array(row, { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(account, { maxLength: 8 }), fc.boolean(), (accounts, reverse) => {
        const pad = (text: string, zeros: number, d: number) => (zeros === 0 ? text : text + (d === 0 ? "." : "") + "0".repeat(zeros));
        let accountsCsv = "id,collateral\n";
        const lines: string[] = [];
        const expected: { ids: string[]; collateral: bigint[]; start: number[]; market: number[]; size: bigint[]; entry: bigint[] } = {
          ids: [], collateral: [], start: [0], market: [], size: [], entry: [],
        };
        accounts.forEach((a, i) => {
          const id = `acct-${i}`;
          accountsCsv += `${id},${formatDecimal(a.collateral, 6)}\n`;
          expected.ids.push(id);
          expected.collateral.push(a.collateral);
          const seen = new Set<number>();
          for (const r of a.rows) {
            if (seen.has(r.market)) continue;
            seen.add(r.market);
            const m = markets[r.market];
            lines.push(`${id},${m.id},${pad(formatDecimal(r.size, m.sizeDecimals), r.zeros, m.sizeDecimals)},${formatDecimal(r.entry, m.priceDecimals)}`);
            expected.market.push(r.market);
            expected.size.push(r.size);
            expected.entry.push(r.entry);
          }
          expected.start.push(expected.market.length);
        });
        // reversing the rows keeps each account's two positions in the opposite order
        const ordered = reverse ? [...lines].reverse() : lines;
        const c = parseBookCsv(MARKETS, accountsCsv, ["account,market,size,entryPrice", ...ordered].join("\n"));
        const got = plain(c);
        expect(got.accountIds).toEqual(expected.ids);
        expect(got.collateral).toEqual(expected.collateral);
        expect(got.positionStart).toEqual(expected.start);
        if (!reverse) {
          expect(got.positionMarket).toEqual(expected.market);
          expect(got.positionSize).toEqual(expected.size);
          expect(got.positionEntry).toEqual(expected.entry);
        } else {
          // within each account the order is reversed
          for (let a = 0; a < expected.ids.length; a++) {
            const s = expected.start[a];
            const e = expected.start[a + 1];
            expect(got.positionSize.slice(s, e)).toEqual(expected.size.slice(s, e).reverse());
            expect(got.positionEntry.slice(s, e)).toEqual(expected.entry.slice(s, e).reverse());
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("writeBookCsv: exact values (property)", () => {
  it("writes every 64-bit value as formatDecimal does, and reads it back", () => {
    const i64 = fc.oneof(
      fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
      fc.bigInt({ min: -(1n << 54n), max: 1n << 54n }),
      fc.bigInt({ min: -(1n << 33n), max: 1n << 33n }),
      fc.bigInt({ min: -1000n, max: 1000n }),
      fc.constantFrom(0n, -1n, 1n, (1n << 63n) - 1n, -(1n << 63n), 1n << 53n, -(1n << 53n), (1n << 53n) + 1n, 1n << 31n, -(1n << 31n), 1n << 32n, -(1n << 32n)),
    );
    const account = fc.record({ collateral: i64, btc: fc.option(fc.record({ size: i64, entry: i64 })), eth: fc.option(fc.record({ size: i64, entry: i64 })) });
    fc.assert(
      fc.property(fc.array(account, { maxLength: 6 }), (accounts) => {
        const start = [0];
        const market: number[] = [];
        const size: bigint[] = [];
        const entry: bigint[] = [];
        for (const a of accounts) {
          for (const [m, p] of [[0, a.btc], [1, a.eth]] as const) {
            if (p === null) continue;
            market.push(m);
            size.push(p.size);
            entry.push(p.entry < 0n ? -(p.entry + 1n) : p.entry);
          }
          start.push(market.length);
        }
        const c: BookColumns = {
          liquidatorSharePpm: 1n,
          markets: SPEC_COLUMNS.markets,
          accountIds: accounts.map((_, i) => `a${i}`),
          collateral: BigInt64Array.from(accounts.map((a) => a.collateral)),
          positionStart: Uint32Array.from(start),
          positionMarket: Uint32Array.from(market),
          positionSize: BigInt64Array.from(size),
          positionEntry: BigInt64Array.from(entry),
        };
        const w = writeBookCsv(c);
        const expectedAccounts = ["id,collateral", ...accounts.map((a, i) => `a${i},${formatDecimal(a.collateral, 6)}`)].join("\n") + "\n";
        expect(w.accounts).toBe(expectedAccounts);
        const lines = w.positions.split("\n").slice(1, -1);
        lines.forEach((line, p) => {
          const m = c.markets[market[p]];
          expect(line.split(",").slice(1)).toEqual([m.id, formatDecimal(size[p], m.sizeDecimals), formatDecimal(entry[p], m.priceDecimals)]);
        });
        expect(plain(parseBookCsv(w.markets, w.accounts, w.positions))).toEqual(plain(c));
      }),
      { numRuns: 500 },
    );
  });
});

describe("CSV round trip of generated books", () => {
  it("writeBookCsv then parseBookCsv gives identical columns", () => {
    const g = generateBook({ accounts: 3000, seed: 11 });
    const w = writeBookCsv(g);
    expect(plain(parseBookCsv(w.markets, w.accounts, w.positions))).toEqual(plain(g));
  });

  it("shuffled positions.csv gives the same columns (positions of an account keep their relative order)", () => {
    const g = generateBook({ accounts: 2000, seed: 12 });
    const w = writeBookCsv(g);
    const [header, ...rows] = w.positions.trimEnd().split("\n");
    // interleave: rows of odd and even accounts alternate in reverse halves, relative order per account unchanged
    const byAccount = new Map<string, string[]>();
    for (const r of rows) {
      const id = r.slice(0, r.indexOf(","));
      (byAccount.get(id) ?? byAccount.set(id, []).get(id)!).push(r);
    }
    const queues = [...byAccount.values()].reverse();
    const mixed: string[] = [];
    while (queues.some((q) => q.length)) for (const q of queues) if (q.length) mixed.push(q.shift()!);
    const c = parseBookCsv(w.markets, w.accounts, [header, ...mixed].join("\r\n"));
    expect(plain(c)).toEqual(plain(g));
  });

  it("the chunked writer gives the same texts", () => {
    const g = generateBook({ accounts: 500, seed: 3 });
    const w = writeBookCsv(g);
    const chunks = writeBookCsvChunks(g, 7);
    const accounts = [...chunks.accounts];
    expect(accounts.length).toBeGreaterThan(10);
    expect(accounts.join("")).toBe(w.accounts);
    expect([...chunks.positions].join("")).toBe(w.positions);
    expect(chunks.markets).toBe(w.markets);
  });

  it("JSON and CSV forms of a generated book agree", () => {
    const g = generateBook({ accounts: 300, seed: 5 });
    const book = columnsToBook(g);
    expect(parseBookJson(writeBookJson(book))).toEqual(book);
    expect(parseBookJson(writeBookJson(g))).toEqual(book);
  });

  it("writes non-ASCII ids as UTF-8 and reads them back", () => {
    const c = { ...SPEC_COLUMNS, accountIds: ["alïce", "bøb", "carol☃", "dave", "😀"] };
    const w = writeBookCsv(c);
    expect(plain(parseBookCsv(w.markets, w.accounts, w.positions))).toEqual(plain(c));
  });

  it("refuses ids that cannot be written unquoted", () => {
    for (const id of ["a,b", 'a"b', "a\nb"]) {
      const e = errorOf(() => writeBookCsv({ ...SPEC_COLUMNS, accountIds: [id, "bob", "carol", "dave", "erin"] }));
      expect([e.record, e.field]).toEqual([`account ${JSON.stringify(id)}`, "id"]);
    }
    const m = errorOf(() => writeBookCsv({ ...SPEC_COLUMNS, markets: [{ ...SPEC_COLUMNS.markets[0], id: "BTC,PERP" }, SPEC_COLUMNS.markets[1]] }));
    expect([m.record, m.field]).toEqual(['market "BTC,PERP"', "id"]);
  });
});
