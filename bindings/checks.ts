/**
 * Checks on what callers hand the engines: the same rules as the book parsers, applied to columns
 * and to single edits, with errors that name the record and the field.
 */

import { columnsToBook } from "../book/columns.js";
import { BookError, bookError, describeValue, type RecordName } from "../book/errors.js";
import type { Book, BookColumns, Market, VenueName } from "../book/types.js";
import { validateBook, validateColumns } from "../book/validate.js";
import type { BookShape, WritableColumns } from "./types.js";

/**
 * What `load()` (or `openParallel()`) was handed is a book at all: an object, and not a JSON book
 * file as JSON.parse reads it (decimal strings where a book has exact integers), the one mistake
 * the field-by-field validation would only describe as an unknown field.
 */
export function checkIsBook(book: unknown, call: string): void {
  const TAKES = "parseBookJson(text) of a JSON book file, parseBookCsv(markets, accounts, positions) of the CSV form, or columns such as generateBook()'s";
  if (typeof book !== "object" || book === null || Array.isArray(book)) {
    throw new TypeError(`liqscan: ${call} takes a book: ${TAKES}; got ${describeValue(book)}`);
  }
  const b = book as Record<string, unknown>;
  const rawMarket = (m: unknown) => typeof m === "object" && m !== null && (typeof (m as Record<string, unknown>).markPrice === "string" || "liquidationFee" in m);
  if ("liquidatorShare" in b || (Array.isArray(b.markets) && b.markets.some(rawMarket))) {
    throw new TypeError(
      `liqscan: ${call} was given a JSON book file as JSON.parse reads it (amounts as decimal strings, fields such as "liquidatorShare"); ` +
      `read a JSON book file with parseBookJson(text), which checks it and turns its amounts into exact integers: ${call.replace("()", "")}(parseBookJson(text))`,
    );
  }
}

/** `record` may be a function that names it: an edit on the hot path builds no name unless it is refused. */
export function checkValue(record: RecordName, field: string, value: bigint, min: bigint, max: bigint): void {
  if (typeof value !== "bigint") throw bookError(record, field, `expected a bigint, got ${typeof value}`);
  if (value < min || value > max) throw bookError(record, field, `${value} is outside ${min}..${max}`);
}

export function marketIndex(ids: Map<string, number>, count: number, market: number | string): number {
  const m = typeof market === "string" ? ids.get(market) : market;
  if (m === undefined || !Number.isInteger(m) || m < 0 || m >= count) {
    throw new RangeError(`liqscan: unknown market ${JSON.stringify(market)}`);
  }
  return m;
}

/** A hedge-mode side label (1 LONG, 2 SHORT) holds the sign of the size the position is set to. */
export function checkSide(record: RecordName, sideCode: number | undefined, size: bigint): void {
  if ((sideCode === 1 && size < 0n) || (sideCode === 2 && size > 0n)) {
    throw bookError(record, "size", `${size} is not the size of a ${sideCode === 1 ? "LONG" : "SHORT"} position (LONG >= 0, SHORT <= 0)`);
  }
}

export function checkIndex(i: number, count: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`liqscan: ${what} index ${i} is outside 0..${count - 1}`);
}

/** The markets, the share and the counts of a book about to be allocated. */
export function checkShape(shape: BookShape): void {
  validateBook({ ...(shape.venue !== undefined ? { venue: shape.venue } : {}), liquidatorSharePpm: shape.liquidatorSharePpm, markets: shape.markets, accounts: [] });
  for (const [what, n] of [["accounts", shape.accounts], ["positions", shape.positions]] as const) {
    if (!Number.isInteger(n) || n < 0 || n > 0xffff_fffe) throw new BookError("book", what, `${n} is not a count from 0 to 4294967294`);
  }
  if (shape.accountIds && shape.accountIds.length !== shape.accounts) {
    throw new BookError("book", "accountIds", `${shape.accountIds.length} ids for ${shape.accounts} accounts`);
  }
}

export function assembleBook(venue: VenueName, liquidatorSharePpm: bigint, markets: readonly Market[], accountIds: readonly string[], c: WritableColumns & Partial<BookColumns>): Book {
  return columnsToBook({ ...(venue !== "generic" ? { venue } : {}), liquidatorSharePpm, markets, accountIds, ...c });
}

/**
 * Everything the scan relies on and a typed array cannot guarantee by itself (offsets that walk
 * the position columns in order, market indices in range, one position per market per account,
 * prices >= 0, unique ids) is book/validate.ts's `validateColumns`, shared with the parsers.
 */
export { validateColumns as checkColumns };

/** The array `liquidationPrices` writes into: `into` when given (checked: a BigInt64Array of one entry per position), else a new one. */
export function pricesArray(positions: number, into: BigInt64Array | undefined): BigInt64Array {
  if (into === undefined) return new BigInt64Array(positions);
  if (!(into instanceof BigInt64Array) || into.length !== positions) {
    throw new RangeError(`liquidationPrices: into must be a BigInt64Array of ${positions} entries (one per position), got ${into instanceof BigInt64Array ? `${into.length} entries` : typeof into}`);
  }
  return into;
}
