/**
 * parseBookCsvStream (issue 9): accounts.csv and positions.csv read in pieces that cut lines, CRLF
 * pairs and UTF-8 characters anywhere give exactly parseBookCsv's columns, and the same errors
 * (file, line, field). The command line's CSV reading (cli/load-book.ts) with a tiny piece size
 * gives the one-text parse's book too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BookError } from "../book/errors.js";
import { parseBookCsv, parseBookCsvStream, writeBookCsv, type TextChunks } from "../book/csv.js";
import { generateBook } from "../book/generate.js";
import type { BookColumns } from "../book/types.js";
import { loadCsvBook, describeFsError } from "../cli/load-book.js";
import { CliError } from "../cli/errors.js";

const MARKETS = readFileSync("test/fixtures/spec-example-csv/markets.json", "utf8");
const enc = new TextEncoder();

function plain(c: BookColumns) {
  return {
    liquidatorSharePpm: c.liquidatorSharePpm, markets: c.markets, accountIds: [...c.accountIds], collateral: [...c.collateral],
    positionStart: [...c.positionStart], positionMarket: [...c.positionMarket], positionSize: [...c.positionSize], positionEntry: [...c.positionEntry],
  };
}

/** `text` as strings of `size` characters. */
function* strings(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** `text` as UTF-8 bytes in pieces of `size` bytes, delivered asynchronously. */
async function* bytes(text: string, size: number): AsyncGenerator<Uint8Array> {
  const b = enc.encode(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

const PIECES: ((t: string) => TextChunks)[] = [
  (t) => strings(t, 1), (t) => strings(t, 7), (t) => bytes(t, 1), (t) => bytes(t, 5), (t) => bytes(t, 64), (t) => [t], (t) => bytes(t, 1 << 20),
];

async function both(markets: string, accounts: string, positions: string): Promise<void> {
  let expected: unknown;
  try {
    expected = plain(parseBookCsv(markets, accounts, positions));
  } catch (e) {
    if (!(e instanceof BookError)) throw e;
    expected = { record: e.record, field: e.field, message: e.message };
  }
  for (const cut of PIECES) {
    let got: unknown;
    try {
      got = plain(await parseBookCsvStream(markets, cut(accounts), cut(positions), { accountsHint: 1, positionsHint: 1 }));
    } catch (e) {
      if (!(e instanceof BookError)) throw e;
      got = { record: e.record, field: e.field, message: e.message };
    }
    expect(got).toEqual(expected);
  }
}

describe("parseBookCsvStream", () => {
  it("a generated book in pieces of every size equals the one-text parse (the columns grow from a hint of 1)", async () => {
    const csv = writeBookCsv(generateBook({ accounts: 300, seed: 3 }));
    await both(csv.markets, csv.accounts, csv.positions);
    const big = writeBookCsv(generateBook({ accounts: 5000, seed: 4 }));
    const one = plain(parseBookCsv(big.markets, big.accounts, big.positions));
    expect(plain(await parseBookCsvStream(big.markets, bytes(big.accounts, 333), bytes(big.positions, 4097)))).toEqual(one);
  });

  it("CRLF, a BOM, non-ASCII ids, no final line break, unsorted positions", async () => {
    const accounts = "\ufeffid,collateral\r\nzoë,1000\r\n名前,120.5\r\nbob,0";
    const positions = "account,market,size,entryPrice\r\nbob,ETH-PERP,-3.5,3300\r\nzoë,BTC-PERP,0.5,64000\r\n名前,ETH-PERP,1,3000\r\nzoë,ETH-PERP,2,3100";
    await both(MARKETS, accounts, positions);
    expect((await parseBookCsvStream(MARKETS, bytes(accounts, 1), bytes(positions, 1))).accountIds).toEqual(["zoë", "名前", "bob"]);
  });

  it("errors name the same file, line and field as the one-text parse", async () => {
    const A = "id,collateral\nalice,1000\nbob,120\n";
    const P = "account,market,size,entryPrice\nalice,BTC-PERP,0.5,64000\nbob,ETH-PERP,-3.5,3300\n";
    const cases: [string, string][] = [
      ["", P], [A, ""], ["\ufeff", P], ["id,collat\n", P], [A + "\n", P], [A + "\ncarol,1\n", P], [A + "alice,5\n", P], [A + "carol,1.0000001\n", P],
      [A, P + "carol,BTC-PERP,1,1\n"], [A, P + "bob,SOL-PERP,1,1\n"], [A, P + "bob,BTC-PERP,1,-1\n"], [A, P + "alice,BTC-PERP,1,1\n"],
      [A, P + "bob,BTC-PERP,1\n"], [A, P + 'bob,"BTC-PERP",1,1\n'], [A, P + "\n\n"],
    ];
    for (const [a, p] of cases) await both(MARKETS, a, p);
  });

  it("invalid UTF-8 is an error naming the file", async () => {
    const bad = new Uint8Array([...enc.encode("id,collateral\nal"), 0xff, ...enc.encode("ice,1\n")]);
    const e = await parseBookCsvStream(MARKETS, [bad], []).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BookError);
    expect((e as BookError).record).toBe("accounts.csv");
    expect((e as BookError).problem).toBe("is not UTF-8 text");
  });
});

describe("the command line's CSV reading", () => {
  it("with 3-byte pieces (lines span pieces) reads the book the one-text parse reads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "liqscan-stream-"));
    try {
      const csv = writeBookCsv(generateBook({ accounts: 400, seed: 9 }));
      writeFileSync(join(dir, "markets.json"), csv.markets);
      writeFileSync(join(dir, "accounts.csv"), csv.accounts);
      writeFileSync(join(dir, "positions.csv"), csv.positions);
      const seen: number[] = [];
      const loaded = await loadCsvBook(dir, { chunkBytes: 3, progress: { update: (d) => seen.push(d), end() {} } });
      expect(plain(loaded.book as BookColumns)).toEqual(plain(parseBookCsv(csv.markets, csv.accounts, csv.positions)));
      expect(seen.at(-1)).toBe(csv.accounts.length + csv.positions.length);
      // an error deep in positions.csv names the directory's file, the line and the field
      const lines = csv.positions.split("\n");
      lines[100] = lines[100]!.replace(/,[^,]*$/, ",x");
      writeFileSync(join(dir, "positions.csv"), lines.join("\n"));
      const e = await loadCsvBook(dir, { chunkBytes: 5 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).message).toMatch(new RegExp(`^${join(dir, "positions.csv").replace(/[.\\/]/g, "\\$&")} line 101: field "entryPrice": "x" is not a decimal number`));
      mkdirSync(join(dir, "sub"));
      await expect(loadCsvBook(join(dir, "sub"))).rejects.toThrow(`${join(dir, "sub", "markets.json")}: no such file or directory`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a JSON file too large for one string: the message says why and what to use instead", () => {
    const m = describeFsError(Object.assign(new Error("too long"), { code: "ERR_STRING_TOO_LONG" }), "big.json").message;
    expect(m).toMatch(/^big\.json: the file is too large to read as one text \(a JSON book is read whole, and Node holds at most \d+ MiB in one string\)/);
    expect(m).toContain("use the CSV form");
    expect(m).toContain("read line by line");
  });
});
