/**
 * Conversions between the object form (`Book`) and the column form (`BookColumns`) of a book.
 * Both validate their input first: a bigint outside 64 bits would otherwise wrap silently when
 * stored in a BigInt64Array, and a bad offset would produce a garbage book.
 */
import { validateBook, validateColumns } from "./validate.js";
import type { Account, Book, BookColumns, Position } from "./types.js";

/** The column form of a book; throws a BookError if the book breaks a rule of the model. */
export function bookToColumns(book: Book): BookColumns {
  validateBook(book);
  const n = book.accounts.length;
  let np = 0;
  for (const a of book.accounts) np += a.positions.length;
  if (np > 0xffffffff) throw new RangeError(`a book in column form holds at most 2^32-1 positions, this one has ${np}`);
  const accountIds: string[] = new Array(n);
  const collateral = new BigInt64Array(n);
  const positionStart = new Uint32Array(n + 1);
  const positionMarket = new Uint32Array(np);
  const positionSize = new BigInt64Array(np);
  const positionEntry = new BigInt64Array(np);
  let p = 0;
  for (let a = 0; a < n; a++) {
    const acc = book.accounts[a];
    accountIds[a] = acc.id;
    collateral[a] = acc.collateral;
    positionStart[a] = p;
    for (const pos of acc.positions) {
      positionMarket[p] = pos.market;
      positionSize[p] = pos.size;
      positionEntry[p] = pos.entryPrice;
      p++;
    }
  }
  positionStart[n] = p;
  return { ...(book.venue !== undefined ? { venue: book.venue } : {}), liquidatorSharePpm: book.liquidatorSharePpm, markets: book.markets, accountIds, collateral, positionStart, positionMarket, positionSize, positionEntry };
}

/** The object form of a book in column form; throws a BookError if the columns are inconsistent or break a rule. */
export function columnsToBook(c: BookColumns): Book {
  validateColumns(c);
  const n = c.accountIds.length;
  const accounts: Account[] = new Array(n);
  for (let a = 0; a < n; a++) {
    const start = c.positionStart[a];
    const end = c.positionStart[a + 1];
    const positions: Position[] = new Array(end - start);
    for (let p = start; p < end; p++) {
      positions[p - start] = { market: c.positionMarket[p], size: c.positionSize[p], entryPrice: c.positionEntry[p] };
    }
    accounts[a] = { id: c.accountIds[a], collateral: c.collateral[a], positions };
  }
  return { ...(c.venue !== undefined ? { venue: c.venue } : {}), liquidatorSharePpm: c.liquidatorSharePpm, markets: c.markets, accounts };
}
