/**
 * gmx-v2 USD amounts at GMX's own FLOAT_PRECISION (10^-30 USD), beside the book's 64-bit quote
 * columns (docs/venues/gmx-v2.md, "Exactness"). A gmx-v2 account is one isolated position; two of
 * its amounts are USD at 10^-30 on chain: the position's sizeInUsd and the close's price impact
 * (the account's collateral slot). The book keeps, for each:
 *
 * - the image in quote units (10^-6 USD) where every venue keeps it: `Position.entryPrice`,
 *   `Account.collateral` (the 64-bit columns positionEntry and collateral). It is the amount's
 *   floor: image = floor(exact / 10^24). Reports and the generic machinery read it;
 * - the exact amount, where it has digits past 10^-6: `Position.sizeInUsd30`,
 *   `Account.collateral30` (bigints at 10^-30), and in the column form the venue's own column
 *   `gmxUsd` (BigUint64Array[4 * accounts]: per account sizeInUsd's low and high words, then the
 *   impact's, two's complement 128 bits, little-endian: the bytes of the core's region,
 *   assembly/layout.ts DESC_GMX_WIDE). Absent, the exact amount is image * 10^24; in the column
 *   an amount given by its image alone whose image * 10^24 is at or past 2^125 is the saturated
 *   +-2^126 (`derived`), the one entry that is not an exact amount.
 *
 * Exactness: floor(exact / 10^24) = image ties the two, so a book holds one value per amount; an
 * exact amount must satisfy |exact| < 2^125 (the core's 128-bit kernel bound, about $42.5M) and is
 * refused otherwise, naming the record and field. An image-only amount keeps the full 64-bit
 * range: image * 10^24 may pass 2^125, and then the core's region holds the saturated +-2^126 (any
 * magnitude at or past 2^125 makes the account an overflow in both engines: the reference's
 * GMX_LIMIT), so the region's 128 bits never wrap.
 *
 * Market amounts (MIN_COLLATERAL_USD, open interest, pools) are the `gmx` object's own fields,
 * at 10^-30 too (book/types.ts GmxMarket): MIN_COLLATERAL_USD up to uint256, held saturated the
 * same way in the core's market record; open interest and pools below 2^192
 * (book/gmx-validate.ts), held exactly as u192 for the core's 256-bit pool path (bindings/venues.ts).
 */
import { BookError } from "./errors.js";
import type { Account, BookColumns, Position } from "./types.js";

/** A quote unit (10^-6 USD) at FLOAT_PRECISION. */
export const QUOTE_AT_30 = 10n ** 24n;
/** The exact amounts' bound: |x| < 2^125. */
export const WIDE_LIMIT = 1n << 125n;
/** What the core's region holds for an amount at or past WIDE_LIMIT (its magnitude; the sign kept). */
export const WIDE_SATURATED = 1n << 126n;
/** Words per account in the gmxUsd column and the core's region: sizeInUsd (lo, hi), impact (lo, hi). */
export const GMX_WORDS = 4;

const M64 = (1n << 64n) - 1n;

/** floor(x / 10^24): the quote-unit image of an amount at 10^-30. */
export function imageOf(x: bigint): bigint {
  const q = x / QUOTE_AT_30;
  return x < 0n && q * QUOTE_AT_30 !== x ? q - 1n : q;
}

/** The amount the core holds: x itself below 2^125 in magnitude, else +-2^126. */
export function saturated(x: bigint): bigint {
  if (x >= WIDE_LIMIT) return WIDE_SATURATED;
  if (x <= -WIDE_LIMIT) return -WIDE_SATURATED;
  return x;
}

/** The exact sizeInUsd of a gmx-v2 position (10^-30 USD). */
export function sizeInUsdOf(p: Position): bigint {
  return p.sizeInUsd30 ?? p.entryPrice * QUOTE_AT_30;
}

/** The exact collateral (the close's price impact) of a gmx-v2 account (10^-30 USD). */
export function collateralOf30(a: Account): bigint {
  return a.collateral30 ?? a.collateral * QUOTE_AT_30;
}

/** Words 2k, 2k + 1 of account a in a gmxUsd column as a signed amount. */
export function readWide(words: BigUint64Array, a: number, k: 0 | 1): bigint {
  const at = a * GMX_WORDS + 2 * k;
  return BigInt.asIntN(128, words[at]! | (words[at + 1]! << 64n));
}

export function writeWide(words: BigUint64Array, a: number, k: 0 | 1, x: bigint): void {
  const at = a * GMX_WORDS + 2 * k;
  const u = BigInt.asUintN(128, x);
  words[at] = u & M64;
  words[at + 1] = u >> 64n;
}

/** What the column and the core's region hold for an amount given by its image alone: image * 10^24, saturated. */
export function derived(image: bigint): bigint {
  return saturated(image * QUOTE_AT_30);
}

/**
 * Account a's exact amounts from a gmxUsd column, written into its record where they are finer
 * than their images: `positions[0].sizeInUsd30` (when it holds a position) and `collateral30`.
 */
export function applyWide(words: BigUint64Array, a: number, account: { collateral: bigint; positions: Position[]; collateral30?: bigint }): void {
  const size = readWide(words, a, 0), impact = readWide(words, a, 1);
  const first = account.positions[0];
  if (first !== undefined && size !== derived(first.entryPrice)) account.positions[0] = { ...first, sizeInUsd30: size };
  if (impact !== derived(account.collateral)) account.collateral30 = impact;
}

/** The core's region for a column book: its gmxUsd, or the images' amounts (derived). */
export function regionWords(c: Pick<BookColumns, "collateral" | "positionStart" | "positionEntry" | "gmxUsd">, accounts: number): BigUint64Array {
  if (c.gmxUsd) return c.gmxUsd;
  const out = new BigUint64Array(accounts * GMX_WORDS);
  for (let a = 0; a < accounts; a++) {
    const p = c.positionStart[a]!;
    if (c.positionStart[a + 1]! > p) writeWide(out, a, 0, derived(c.positionEntry[p]!));
    writeWide(out, a, 1, derived(c.collateral[a]!));
  }
  return out;
}

/**
 * The gmxUsd column of the core's region (a copy), or undefined when every amount is its image's
 * (then the column says nothing: left out, so that a book without fine amounts is what it was).
 */
export function columnOfRegion(words: BigUint64Array, c: Pick<BookColumns, "collateral" | "positionStart" | "positionEntry">, accounts: number): BigUint64Array | undefined {
  for (let a = 0; a < accounts; a++) {
    const p = c.positionStart[a]!;
    const held = c.positionStart[a + 1]! > p;
    if (readWide(words, a, 0) !== (held ? derived(c.positionEntry[p]!) : 0n) || readWide(words, a, 1) !== derived(c.collateral[a]!)) return words.slice(0, accounts * GMX_WORDS);
  }
  return undefined;
}

/**
 * A live edit in quote units (setCollateral, setPosition, and the views that edit and restore a
 * book) sets an amount's image and keeps its digits past 10^-6: the new amount is
 * value * 10^24 + (old mod 10^24), so an edit undone restores the amount bit for bit. Where that
 * passes 2^125 (no exact amount there), the amount is the image's alone (`derived`).
 */
export function edited(old: bigint, value: bigint): bigint {
  const residue = old >= WIDE_LIMIT || old <= -WIDE_LIMIT ? 0n : ((old % QUOTE_AT_30) + QUOTE_AT_30) % QUOTE_AT_30;
  const x = value * QUOTE_AT_30 + residue;
  return x >= WIDE_LIMIT || x <= -WIDE_LIMIT ? derived(value) : x;
}

/**
 * An amount at 10^-30 as the book holds it: its image (floor, quote units, 64 bits) and, where it
 * is finer, the exact amount (below 2^125 in magnitude); refused otherwise, naming the record and field.
 */
export function splitUsd(x: bigint, record: string, field: string): { image: bigint; exact?: bigint } {
  const image = imageOf(x);
  if (image < -(1n << 63n) || image >= 1n << 63n) throw new BookError(record, field, `${x} (USD at 10^-30) is ${image} quote units (10^-6 USD), past 64 bits`);
  if (x % QUOTE_AT_30 === 0n) return { image };
  if (x >= WIDE_LIMIT || x <= -WIDE_LIMIT) throw new BookError(record, field, `${x} (USD at 10^-30) has digits past 10^-6 USD and is past 2^125 (about $42.5M), the core's 128-bit bound: only a whole number of 10^-6 USD may be that large`);
  return { image, exact: x };
}

function exact(x: bigint, image: bigint, record: string, field: string, imageField: string): void {
  if (x >= WIDE_LIMIT || x <= -WIDE_LIMIT) throw new BookError(record, field, `${x} (USD at 10^-30) is past 2^125 in magnitude (about $42.5M), the core's 128-bit bound; give it in quote units (${imageField}) alone`);
  if (imageOf(x) !== image) throw new BookError(record, field, `${x} (USD at 10^-30) is not ${imageField} ${image} (its floor in 10^-6 USD) and the digits below it`);
}

/** A gmx-v2 account's exact amounts (object form): each within 2^125 and its image's. */
export function validateGmxWide(acc: Account, record: string): void {
  const c30 = (acc as { collateral30?: unknown }).collateral30;
  if (c30 !== undefined) {
    if (typeof c30 !== "bigint") throw new BookError(record, "collateral30", `expected a bigint (USD at 10^-30), got ${typeof c30}`);
    exact(c30, acc.collateral, record, "collateral30", "collateral");
  }
  acc.positions.forEach((p, i) => {
    const s = (p as { sizeInUsd30?: unknown }).sizeInUsd30;
    if (s === undefined) return;
    if (typeof s !== "bigint") throw new BookError(`${record} position ${i + 1}`, "sizeInUsd30", `expected a bigint (USD at 10^-30), got ${typeof s}`);
    if (s <= 0n) throw new BookError(`${record} position ${i + 1}`, "sizeInUsd30", `${s}: a gmx-v2 position's sizeInUsd is above 0`);
    exact(s, p.entryPrice, `${record} position ${i + 1}`, "sizeInUsd30", "entryPrice");
  });
}

/** A column book's gmxUsd: gmx-v2 only, 4 words per account, each amount within 2^125 and its image's. */
export function validateGmxColumn(c: BookColumns, record: (a: number) => string): void {
  const w = c.gmxUsd;
  if (w === undefined) return;
  if ((c.venue ?? "generic") !== "gmx-v2") throw new BookError("book", "gmxUsd", `a ${c.venue ?? "generic"} book has no gmxUsd column; it belongs to gmx-v2 books`);
  const n = c.accountIds.length;
  if (!(w instanceof BigUint64Array)) throw new BookError("book", "gmxUsd", "expected a BigUint64Array");
  if (w.length !== n * GMX_WORDS) throw new BookError("book", "gmxUsd", `has length ${w.length}, expected ${n * GMX_WORDS} (4 words per account)`);
  for (let a = 0; a < n; a++) {
    const p = c.positionStart[a]!;
    const size = readWide(w, a, 0);
    // (Offsets past the columns are validate.ts's to name.)
    if (c.positionStart[a + 1]! > p && p < c.positionEntry.length) {
      if (size <= 0n) throw new BookError(`${record(a)} position 1`, "sizeInUsd30", `${size}: a gmx-v2 position's sizeInUsd is above 0`);
      if (size !== derived(c.positionEntry[p]!)) exact(size, c.positionEntry[p]!, `${record(a)} position 1`, "sizeInUsd30", "entryPrice");
    } else if (size !== 0n) throw new BookError(record(a), "sizeInUsd30", `${size}: an account without a position has no sizeInUsd (0)`);
    const impact = readWide(w, a, 1);
    if (impact !== derived(c.collateral[a]!)) exact(impact, c.collateral[a]!, record(a), "collateral30", "collateral");
  }
}

/**
 * The table forms (CSV, Arrow, Parquet) hold a gmx-v2 book's sizeInUsd and collateral in quote
 * units (entryPrice and collateral columns): a book with an amount finer than 10^-6 USD is JSON-only,
 * refused here rather than rounded, naming its first such account and field.
 */
export function refuseFineGmx(c: BookColumns, form: string): void {
  const w = c.gmxUsd;
  if (w === undefined) return;
  for (let a = 0; a < c.accountIds.length; a++) {
    const p = c.positionStart[a]!;
    const held = c.positionStart[a + 1]! > p;
    const field = held && readWide(w, a, 0) !== derived(c.positionEntry[p]!) ? "sizeInUsd" : readWide(w, a, 1) !== derived(c.collateral[a]!) ? "collateral" : null;
    if (field !== null) throw new BookError(`account ${JSON.stringify(c.accountIds[a])}${field === "sizeInUsd" ? " position 1" : ""}`, field, `${form} holds gmx-v2 USD amounts in 10^-6 USD and this one has digits past them (GMX's 10^-30): write the book as JSON, the one form that holds them (docs/venues/gmx-v2.md)`);
  }
}
