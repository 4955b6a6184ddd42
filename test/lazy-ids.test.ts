/**
 * A book read from tables keeps its account ids as the reader's checked UTF-8 bytes until the list
 * is read (book/validate.ts withLazyIds): loading it into the wasm engine, scanning it and naming
 * its liquidatable accounts makes no list of every id; reading `accountIds` makes the same frozen
 * list the readers made before. And the CSV reader checks ascending ids for repeats without its
 * byte index, building the index at the first id out of order.
 */
import { describe, expect, it } from "vitest";
import { tableFromArrays } from "apache-arrow";
import { createEngine } from "../bindings/index.js";
import { bookFromArrowTables } from "../book/arrow.js";
import { parseBookCsv, parseBookCsvStream, writeBookCsv } from "../book/csv.js";
import { generateBook } from "../book/generate.js";
import { bookToColumns, columnsToBook } from "../book/columns.js";
import { writeMarketsJson } from "../book/json.js";
import { BookError } from "../book/errors.js";
import { pendingIds } from "../book/validate.js";
import type { Book, BookColumns } from "../book/types.js";
import { scanBook } from "../reference/index.js";

const enc = new TextEncoder();

/** A generated book, its ids made non-ASCII for one account in ten (the byte paths must decode UTF-8), shuffled or not. */
function sample(seed: number, shuffled: boolean): Book {
  const book = columnsToBook(generateBook({ accounts: 400, seed }));
  const accounts = book.accounts.map((a, i) => ({ ...a, id: i % 10 === 3 ? `${a.id}-é€${i}` : a.id }));
  if (shuffled) for (let i = accounts.length - 1; i > 0; i--) { const j = (i * 7919 + seed) % (i + 1); [accounts[i], accounts[j]] = [accounts[j]!, accounts[i]!]; }
  return { ...book, accounts };
}

function csvColumns(book: Book): Promise<BookColumns> {
  const text = writeBookCsv(bookToColumns(book));
  return parseBookCsvStream(text.markets, [enc.encode(text.accounts)], [enc.encode(text.positions)]);
}

function arrowColumns(book: Book): BookColumns {
  const c = bookToColumns(book);
  const counts = Array.from({ length: c.accountIds.length }, (_, a) => c.positionStart[a + 1]! - c.positionStart[a]!);
  const owner = counts.flatMap((k, a) => Array<string>(k).fill(c.accountIds[a]!));
  const accounts = tableFromArrays({ id: [...c.accountIds], collateral: c.collateral });
  const positions = tableFromArrays({ account: owner, market: Array.from(c.positionMarket, (m) => c.markets[m]!.id), size: c.positionSize, entryPrice: c.positionEntry });
  return bookFromArrowTables(writeMarketsJson(c.liquidatorSharePpm, c.markets), accounts, positions);
}

const READERS: [string, (b: Book) => BookColumns | Promise<BookColumns>][] = [["csv", csvColumns], ["arrow", arrowColumns]];

describe("a table-read book's ids stay bytes until they are read", () => {
  for (const [form, read] of READERS) {
    for (const shuffled of [false, true]) {
      it(`${form}${shuffled ? ", ids out of order" : ""}: a wasm load, a scan and its reports name accounts without the list; the list read is the book's, frozen`, async () => {
        const book = sample(shuffled ? 11 : 5, shuffled);
        const ids = book.accounts.map((a) => a.id);
        const columns = await read(book);
        expect(pendingIds(columns)?.n).toBe(ids.length);
        const live = await (await createEngine("wasm")).load(columns);
        const result = live.scan();
        const want = scanBook(book);
        const flagged = result.liquidatable();
        expect(flagged.length).toBeGreaterThan(0);
        for (const a of flagged) {
          expect(result.report(a).id).toBe(ids[a]);
          expect(result.accountId(a)).toBe(ids[a]);
          expect(live.accountId(a)).toBe(ids[a]);
          expect(result.account(a)).toEqual(want.results[a]);
        }
        expect(result.changes().map((c) => c.id)).toEqual(flagged.map((a) => ids[a]));
        // nothing above made the list
        expect(pendingIds(columns)).toBeDefined();
        expect(Object.getOwnPropertyDescriptor(columns, "accountIds")?.get).toBeTypeOf("function");

        expect(live.accountIds).toEqual(ids);
        expect(pendingIds(columns)).toBeUndefined();
        const list = Object.getOwnPropertyDescriptor(columns, "accountIds")!;
        expect(list.get).toBeUndefined();
        expect(list.value).toEqual(ids);
        expect(Object.isFrozen(list.value)).toBe(true);
        expect(columns.accountIds).toBe(list.value); // made once
        // a new account after the list: its id, and the others unchanged
        live.addAccount("new-account", 5n);
        expect(live.accountId(ids.length)).toBe("new-account");
        expect(live.accountId(0)).toBe(ids[0]);
        live.dispose();
      });
    }
  }

  it("reading accountIds first, spreading and cloning the columns give the list; the reference engine and a second wasm load agree", async () => {
    const book = sample(7, false);
    const ids = book.accounts.map((a) => a.id);
    for (const [, read] of READERS) {
      const spread = { ...(await read(book)) };
      expect(spread.accountIds).toEqual(ids);
      expect(structuredClone(await read(book)).accountIds).toEqual(ids);
      const columns = await read(book);
      const [w, r] = await Promise.all([createEngine("wasm"), createEngine("reference")]);
      const a = await r.load(columns);
      expect(pendingIds(columns)).toBeUndefined(); // the reference reads the list
      const b = await w.load(columns);
      expect(b.scan().totals).toEqual(a.scan().totals);
      expect(b.accountIds).toEqual(ids);
      b.dispose();
    }
  });
});

describe("the CSV reader's repeated ids, with and without its byte index", () => {
  const one = generateBook({ accounts: 1, seed: 1 });
  const MARKETS = writeMarketsJson(one.liquidatorSharePpm, one.markets);
  const market = JSON.parse(MARKETS).markets[0].id as string;
  const positions = (ids: string[]) => `account,market,size,entryPrice\n${ids.map((id) => `${id},${market},1,1`).join("\n")}\n`;

  it.each([
    ["the id just before, ids ascending", ["a1", "a2", "a3", "a3", "a4"], 5, 4],
    ["an earlier id after an ascending run", ["a1", "a2", "a3", "a4", "a2"], 6, 3],
    ["an id repeated after the order broke", ["a1", "a3", "a2", "a4", "a3"], 6, 3],
    ["the first two", ["b", "b"], 3, 2],
  ])("%s: the error names both lines, in one text and streamed", async (_, ids, line, first) => {
    const accounts = `id,collateral\n${ids.map((id) => `${id},10`).join("\n")}\n`;
    const message = `accounts.csv line ${line}: field "id": duplicate account id "${ids[line - 2]}" (also line ${first})`;
    expect(() => parseBookCsv(MARKETS, accounts, positions([...new Set(ids)]))).toThrow(message);
    await expect(parseBookCsvStream(MARKETS, [enc.encode(accounts)], [enc.encode(positions([...new Set(ids)]))])).rejects.toThrow(BookError);
    await expect(parseBookCsvStream(MARKETS, [enc.encode(accounts)], [enc.encode(positions([...new Set(ids)]))])).rejects.toThrow(message);
  });

  it("ids out of order, and positions that skip accounts or go back, find their accounts", async () => {
    const ids = ["k5", "k1", "k9", "k3", "k7"];
    const accounts = `id,collateral\n${ids.map((id, i) => `${id},${i + 1}`).join("\n")}\n`;
    for (const order of [["k9", "k5", "k7"], ["k5", "k3"], ["k7", "k1"]]) {
      const c = await parseBookCsvStream(MARKETS, [enc.encode(accounts)], [enc.encode(positions(order))]);
      expect(c.accountIds).toEqual(ids);
      const holders = ids.flatMap((id, a) => (c.positionStart[a + 1]! > c.positionStart[a]! ? [id] : []));
      expect(holders).toEqual(ids.filter((id) => order.includes(id)));
    }
    // ascending ids whose positions skip an account (the index is made for that lookup)
    const asc = `id,collateral\na1,1\na2,2\na3,3\n`;
    const c = await parseBookCsvStream(MARKETS, [enc.encode(asc)], [enc.encode(positions(["a1", "a3"]))]);
    expect(Array.from(c.positionStart)).toEqual([0, 1, 1, 2]);
  });
});
