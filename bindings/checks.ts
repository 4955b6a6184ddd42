/**
 * Checks on what callers hand the engines: the same rules as the book parsers, applied to columns
 * and to single edits, with errors that name the record and the field.
 */

import { columnsToBook } from "../book/columns.js";
import { BookError } from "../book/errors.js";
import type { Book, BookColumns, Market } from "../book/types.js";
import { validateBook } from "../book/validate.js";
import type { BookShape, WritableColumns } from "./types.js";

export function checkValue(record: string, field: string, value: bigint, min: bigint, max: bigint): void {
  if (typeof value !== "bigint") throw new BookError(record, field, `expected a bigint, got ${typeof value}`);
  if (value < min || value > max) throw new BookError(record, field, `${value} is outside ${min}..${max}`);
}

export function marketIndex(ids: Map<string, number>, count: number, market: number | string): number {
  const m = typeof market === "string" ? ids.get(market) : market;
  if (m === undefined || !Number.isInteger(m) || m < 0 || m >= count) {
    throw new RangeError(`liqscan: unknown market ${JSON.stringify(market)}`);
  }
  return m;
}

/** The markets, the share and the counts of a book about to be allocated. */
export function checkShape(shape: BookShape): void {
  validateBook({ liquidatorSharePpm: shape.liquidatorSharePpm, markets: shape.markets, accounts: [] });
  for (const [what, n] of [["accounts", shape.accounts], ["positions", shape.positions]] as const) {
    if (!Number.isInteger(n) || n < 0 || n > 0xffff_fffe) throw new BookError("book", what, `${n} is not a count from 0 to 4294967294`);
  }
  if (shape.accountIds && shape.accountIds.length !== shape.accounts) {
    throw new BookError("book", "accountIds", `${shape.accountIds.length} ids for ${shape.accounts} accounts`);
  }
}

/**
 * Everything the scan relies on and a typed array cannot guarantee by itself: offsets that walk
 * the position columns in order, market indices in range, one position per market per account,
 * prices >= 0, unique account ids.
 */
export function checkColumns(c: BookColumns): void {
  const accounts = c.collateral.length;
  const positions = c.positionSize.length;
  const start = c.positionStart;
  if (start.length !== accounts + 1 || start[0] !== 0 || start[accounts] !== positions) {
    throw new BookError("book", "positionStart", `must have ${accounts + 1} entries from 0 to ${positions}`);
  }
  if (c.positionMarket.length !== positions || c.positionEntry.length !== positions) {
    throw new BookError("book", "positions", "the position columns differ in length");
  }
  const ids = new Set<string>();
  // lastHolder[m] = the last account seen holding market m: positions of one account are
  // contiguous, so a repeat within the account shows up as lastHolder[m] === a.
  const lastHolder = new Int32Array(c.markets.length).fill(-1);
  for (let a = 0; a < accounts; a++) {
    const id = c.accountIds[a];
    if (typeof id !== "string" || id.length === 0) throw new BookError(`account ${a}`, "id", "missing");
    if (ids.has(id)) throw new BookError(`account "${id}"`, "id", "duplicate account id");
    ids.add(id);
    const from = start[a]!, to = start[a + 1]!;
    if (to < from) throw new BookError(`account "${id}"`, "positionStart", `${to} is before ${from}`);
    for (let p = from; p < to; p++) {
      const record = `account "${id}" position ${p - from + 1}`;
      const m = c.positionMarket[p]!;
      if (m >= c.markets.length) throw new BookError(record, "market", `index ${m} but the book has ${c.markets.length} markets`);
      if (lastHolder[m] === a) throw new BookError(record, "market", `second position in market "${c.markets[m]!.id}"`);
      lastHolder[m] = a;
      if (c.positionEntry[p]! < 0n) throw new BookError(record, "entryPrice", `${c.positionEntry[p]} is negative`);
    }
  }
}

export function assembleBook(liquidatorSharePpm: bigint, markets: readonly Market[], accountIds: readonly string[], c: WritableColumns): Book {
  return columnsToBook({ liquidatorSharePpm, markets, accountIds, ...c });
}
