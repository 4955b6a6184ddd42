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
 * Token amounts (layout 11). A gmx-v2 market may name `gmx.tokenDecimals` (td, absent: its
 * sizeDecimals sd; sd <= td <= sd + 19, td + priceDecimals <= 30): the unit, 10^-td index tokens,
 * in which the position's sizeInTokens and the market's open interest in tokens are exact (18 for
 * ETH: wei). The position's `size` (positionSize) is then the image: its magnitude is
 * floor(|sizeInTokens| / 10^(td - sd)) in size units, its sign the side's, and it is not 0; the
 * exact amount is `Position.sizeInTokens` where it has digits below the size unit (absent:
 * size * 10^(td - sd)), and in the column and the core's region words 4 and 5 of the account
 * (two's complement 128 bits, 0 without a position). |size| < 2^63 and td - sd <= 19 make every
 * sizeInTokens below 2^63 * 10^19 < 2^127 in magnitude, exact and un-saturated in the region; the
 * market's open interest in tokens is below 2^128 and, times 10^(30 - td - priceDecimals), below
 * 2^192 (book/gmx-validate.ts), the core's pool path bound (assembly/venues/gmx-v2.ts).
 *
 * Collateral token amounts likewise: an asset of a gmx-v2 book may name `tokenDecimals` (tdc,
 * absent: its decimals dc; dc <= tdc <= dc + 19, tdc <= 18, tdc + priceDecimals <= 30), the unit
 * in which the account's balance is exact (wei for WETH). The balance's `amount` is the image, its
 * magnitude floor(|tokenAmount| / 10^(tdc - dc)) with its sign (0 for an amount below one unit);
 * `Balance.tokenAmount` the exact amount where finer, and in the column and region words 6 and 7
 * (0 without a balance), below 2^63 * 10^19 < 2^127 in magnitude.
 *
 * Market amounts (MIN_COLLATERAL_USD, open interest, pools) are the `gmx` object's own fields,
 * at 10^-30 too (book/types.ts GmxMarket): MIN_COLLATERAL_USD up to uint256, held saturated the
 * same way in the core's market record; open interest and pools below 2^192
 * (book/gmx-validate.ts), held exactly as u192 for the core's 256-bit pool path (bindings/venues.ts).
 */
import { BookError } from "./errors.js";
import type { Account, Asset, Balance, BookColumns, Market, Position } from "./types.js";

/** A quote unit (10^-6 USD) at FLOAT_PRECISION. */
export const QUOTE_AT_30 = 10n ** 24n;
/** The exact amounts' bound: |x| < 2^125. */
export const WIDE_LIMIT = 1n << 125n;
/** What the core's region holds for an amount at or past WIDE_LIMIT (its magnitude; the sign kept). */
export const WIDE_SATURATED = 1n << 126n;
/** Words per account in the gmxUsd column and the core's region: sizeInUsd (lo, hi), impact (lo, hi), sizeInTokens (lo, hi), the balance's tokenAmount (lo, hi). */
export const GMX_WORDS = 8;

/** The decimals of a gmx-v2 book's exact balances of an asset: its tokenDecimals, else its decimals. */
export function assetTokenDecimals(x: Pick<Asset, "decimals" | "tokenDecimals">): number {
  return x.tokenDecimals ?? x.decimals;
}

/** 10^(tokenDecimals - decimals): the token units in one unit of the asset's balances. */
export function balanceScale(x: Pick<Asset, "decimals" | "tokenDecimals">): bigint {
  return 10n ** BigInt(assetTokenDecimals(x) - x.decimals);
}

/** The exact amount of a gmx-v2 balance (10^-tokenDecimals of its asset, signed). */
export function tokenAmountOf(b: Pick<Balance, "amount" | "tokenAmount">, x: Pick<Asset, "decimals" | "tokenDecimals">): bigint {
  return b.tokenAmount ?? b.amount * balanceScale(x);
}

/** The balance image of an exact amount: its magnitude floored to the asset's unit, its sign kept. */
export function balanceImageOf(t: bigint, x: Pick<Asset, "decimals" | "tokenDecimals">): bigint {
  const s = balanceScale(x);
  return t < 0n ? -(-t / s) : t / s;
}

/** A live edit of a balance (the asset's units) keeps the exact amount's digits below the unit (its residue keeps the old sign when the amount is 0). */
export function editedBalance(old: bigint, amount: bigint, scale: bigint): bigint {
  const residue = (old < 0n ? -old : old) % scale;
  if (amount === 0n) return old < 0n ? -residue : residue;
  return amount < 0n ? amount * scale - residue : amount * scale + residue;
}
/** The widest token unit below the size unit: tokenDecimals - sizeDecimals <= 19 keeps |size| * 10^(td - sd) below 2^127. */
export const MAX_TOKEN_SHIFT = 19;

/** The decimals of a gmx-v2 market's exact index token amounts (sizeInTokens, open interest in tokens): gmx.tokenDecimals, else its sizeDecimals. */
export function gmxTokenDecimals(m: Pick<Market, "sizeDecimals" | "gmx">): number {
  return m.gmx?.tokenDecimals ?? m.sizeDecimals;
}

/** 10^(tokenDecimals - sizeDecimals): the token units in one size unit. */
export function tokenScale(m: Pick<Market, "sizeDecimals" | "gmx">): bigint {
  return 10n ** BigInt(gmxTokenDecimals(m) - m.sizeDecimals);
}

/** The size image of an exact sizeInTokens t: its magnitude floored to size units, its sign kept. */
export function sizeImageOf(t: bigint, m: Pick<Market, "sizeDecimals" | "gmx">): bigint {
  const s = tokenScale(m);
  return t < 0n ? -(-t / s) : t / s;
}

/** The exact sizeInTokens of a gmx-v2 position (10^-tokenDecimals index tokens, signed). */
export function sizeInTokensOf(p: Pick<Position, "size" | "sizeInTokens">, m: Pick<Market, "sizeDecimals" | "gmx">): bigint {
  return p.sizeInTokens ?? p.size * tokenScale(m);
}

/**
 * A live edit of a position's size (size units) keeps the digits of its sizeInTokens below the
 * size unit: |new| = |size| * scale + (|old| mod scale), the size's sign (a size of 0 keeps them
 * as a nonnegative residue: the position is closed, and an edit back restores them, as the views'
 * cascade does). An edit undone restores sizeInTokens bit for bit; below 2^127 (|size| < 2^63,
 * scale <= 10^19). A closed position's residue is not written to JSON (its size is written 0).
 */
export function editedTokens(old: bigint, size: bigint, scale: bigint): bigint {
  const residue = (old < 0n ? -old : old) % scale;
  if (size === 0n) return residue;
  return size < 0n ? size * scale - residue : size * scale + residue;
}

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

/** Words 2k, 2k + 1 of account a in a gmxUsd column as a signed amount (k 0: sizeInUsd, 1: the impact, 2: sizeInTokens, 3: the balance's tokenAmount). */
export function readWide(words: BigUint64Array, a: number, k: 0 | 1 | 2 | 3): bigint {
  const at = a * GMX_WORDS + 2 * k;
  return BigInt.asIntN(128, words[at]! | (words[at + 1]! << 64n));
}

export function writeWide(words: BigUint64Array, a: number, k: 0 | 1 | 2 | 3, x: bigint): void {
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
 * than their images: `positions[0].sizeInUsd30` and `sizeInTokens` (when it holds a position) and `collateral30`.
 */
export function applyWide(words: BigUint64Array, a: number, account: { collateral: bigint; positions: Position[]; collateral30?: bigint; balances?: readonly Balance[] }, markets: readonly Pick<Market, "sizeDecimals" | "gmx">[], assets?: readonly Asset[]): void {
  const size = readWide(words, a, 0), impact = readWide(words, a, 1), tokens = readWide(words, a, 2), held = readWide(words, a, 3);
  const b = account.balances?.[0];
  if (b !== undefined && assets !== undefined && held !== b.amount * balanceScale(assets[b.asset]!)) account.balances = [{ ...b, tokenAmount: held }, ...account.balances!.slice(1)];
  const first = account.positions[0];
  if (first !== undefined && size !== derived(first.entryPrice)) account.positions[0] = { ...first, sizeInUsd30: size };
  if (first !== undefined && tokens !== first.size * tokenScale(markets[first.market]!)) account.positions[0] = { ...account.positions[0]!, sizeInTokens: tokens };
  if (impact !== derived(account.collateral)) account.collateral30 = impact;
}

type RegionColumns = Pick<BookColumns, "collateral" | "positionStart" | "positionEntry" | "positionSize" | "positionMarket" | "markets" | "assets" | "balanceStart" | "balanceAsset" | "balanceAmount">;

/** The tokenAmount a column book's account a holds by its balance's image alone: amount * 10^(tdc - dc), 0 without a balance. */
function derivedBalance(c: RegionColumns, a: number): bigint {
  if (!c.balanceStart || !c.assets || c.balanceStart[a + 1]! <= c.balanceStart[a]!) return 0n;
  const k = c.balanceStart[a]!;
  return c.balanceAmount![k]! * balanceScale(c.assets[c.balanceAsset![k]!]!);
}

/** The sizeInTokens a column book's account a holds by its image alone: size * 10^(td - sd), 0 without a position. */
function derivedTokens(c: RegionColumns, a: number): bigint {
  const p = c.positionStart[a]!;
  return c.positionStart[a + 1]! > p ? c.positionSize[p]! * tokenScale(c.markets[c.positionMarket[p]!]!) : 0n;
}

/** The core's region for a column book: its gmxUsd, or the images' amounts (derived). */
export function regionWords(c: RegionColumns & Pick<BookColumns, "gmxUsd">, accounts: number): BigUint64Array {
  if (c.gmxUsd) return c.gmxUsd;
  const out = new BigUint64Array(accounts * GMX_WORDS);
  for (let a = 0; a < accounts; a++) {
    const p = c.positionStart[a]!;
    if (c.positionStart[a + 1]! > p) writeWide(out, a, 0, derived(c.positionEntry[p]!));
    writeWide(out, a, 1, derived(c.collateral[a]!));
    writeWide(out, a, 2, derivedTokens(c, a));
    writeWide(out, a, 3, derivedBalance(c, a));
  }
  return out;
}

/**
 * The gmxUsd column of the core's region (a copy), or undefined when every amount is its image's
 * (then the column says nothing: left out, so that a book without fine amounts is what it was).
 */
export function columnOfRegion(words: BigUint64Array, c: RegionColumns, accounts: number): BigUint64Array | undefined {
  for (let a = 0; a < accounts; a++) {
    const p = c.positionStart[a]!;
    const held = c.positionStart[a + 1]! > p;
    if (readWide(words, a, 0) !== (held ? derived(c.positionEntry[p]!) : 0n) || readWide(words, a, 1) !== derived(c.collateral[a]!) || readWide(words, a, 2) !== derivedTokens(c, a) || readWide(words, a, 3) !== derivedBalance(c, a)) return words.slice(0, accounts * GMX_WORDS);
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

/** An exact sizeInTokens against its size image: not 0, the size's sign, floor(|t| / 10^(td - sd)) = |size|. */
export function exactTokens(t: bigint, size: bigint, m: Pick<Market, "id" | "sizeDecimals" | "gmx">, record: string, field: string): void {
  if (t === 0n || (t < 0n) !== (size < 0n) || sizeImageOf(t, m) !== size) {
    throw new BookError(record, field, `${t} (10^-${gmxTokenDecimals(m)} tokens, market ${JSON.stringify(m.id)}'s tokenDecimals) is not size ${size} (its magnitude floored to 10^-${m.sizeDecimals}, the side's sign, not 0) and the digits below it`);
  }
}

/** An exact balance against its image: floor(|t| / 10^(tdc - dc)) = |amount|, the same sign where the image is not 0. */
export function exactBalance(t: bigint, amount: bigint, x: Pick<Asset, "id" | "decimals" | "tokenDecimals">, record: string, field: string): void {
  if (balanceImageOf(t, x) !== amount || (amount !== 0n && (t < 0n) !== (amount < 0n))) {
    throw new BookError(record, field, `${t} (10^-${assetTokenDecimals(x)} ${x.id}, its tokenDecimals) is not amount ${amount} (its magnitude floored to 10^-${x.decimals}, its sign) and the digits below it`);
  }
}

/** A gmx-v2 account's exact amounts (object form): each within 2^125 and its image's. */
export function validateGmxWide(acc: Account, record: string, markets?: readonly Market[], assets?: readonly Asset[]): void {
  (acc.balances ?? []).forEach((b, i) => {
    const t = (b as { tokenAmount?: unknown }).tokenAmount;
    if (t === undefined) return;
    if (typeof t !== "bigint") throw new BookError(`${record} balance ${i + 1}`, "tokenAmount", `expected a bigint (token units), got ${typeof t}`);
    const x = assets?.[b.asset];
    if (x !== undefined) exactBalance(t, b.amount, x, `${record} balance ${i + 1}`, "tokenAmount");
  });
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
  acc.positions.forEach((p, i) => {
    const t = (p as { sizeInTokens?: unknown }).sizeInTokens;
    if (t === undefined) return;
    if (typeof t !== "bigint") throw new BookError(`${record} position ${i + 1}`, "sizeInTokens", `expected a bigint (index token units), got ${typeof t}`);
    const m = markets?.[p.market];
    if (m !== undefined) exactTokens(t, p.size, m, `${record} position ${i + 1}`, "sizeInTokens");
  });
}

/** A column book's gmxUsd: gmx-v2 only, 4 words per account, each amount within 2^125 and its image's. */
export function validateGmxColumn(c: BookColumns, record: (a: number) => string): void {
  const w = c.gmxUsd;
  if (w === undefined) return;
  if ((c.venue ?? "generic") !== "gmx-v2") throw new BookError("book", "gmxUsd", `a ${c.venue ?? "generic"} book has no gmxUsd column; it belongs to gmx-v2 books`);
  const n = c.accountIds.length;
  if (!(w instanceof BigUint64Array)) throw new BookError("book", "gmxUsd", "expected a BigUint64Array");
  if (w.length !== n * GMX_WORDS) throw new BookError("book", "gmxUsd", `has length ${w.length}, expected ${n * GMX_WORDS} (${GMX_WORDS} words per account)`);
  for (let a = 0; a < n; a++) {
    const p = c.positionStart[a]!;
    const size = readWide(w, a, 0);
    // (Offsets past the columns are validate.ts's to name.)
    if (c.positionStart[a + 1]! > p && p < c.positionEntry.length) {
      if (size <= 0n) throw new BookError(`${record(a)} position 1`, "sizeInUsd30", `${size}: a gmx-v2 position's sizeInUsd is above 0`);
      if (size !== derived(c.positionEntry[p]!)) exact(size, c.positionEntry[p]!, `${record(a)} position 1`, "sizeInUsd30", "entryPrice");
      const m = c.markets[c.positionMarket[p]!];
      const tokens = readWide(w, a, 2);
      if (m !== undefined && tokens !== c.positionSize[p]! * tokenScale(m)) exactTokens(tokens, c.positionSize[p]!, m, `${record(a)} position 1`, "sizeInTokens");
    } else if (size !== 0n) throw new BookError(record(a), "sizeInUsd30", `${size}: an account without a position has no sizeInUsd (0)`);
    else if (readWide(w, a, 2) !== 0n) throw new BookError(record(a), "sizeInTokens", `${readWide(w, a, 2)}: an account without a position has no sizeInTokens (0)`);
    const impact = readWide(w, a, 1);
    if (impact !== derived(c.collateral[a]!)) exact(impact, c.collateral[a]!, record(a), "collateral30", "collateral");
    const held = readWide(w, a, 3);
    if (held !== derivedBalance(c, a)) {
      if (!c.balanceStart || !c.assets || c.balanceStart[a + 1]! <= c.balanceStart[a]!) throw new BookError(record(a), "tokenAmount", `${held}: an account without a balance has no tokenAmount (0)`);
      const k = c.balanceStart[a]!;
      exactBalance(held, c.balanceAmount![k]!, c.assets[c.balanceAsset![k]!]!, `${record(a)} balance 1`, "tokenAmount");
    }
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
    if (held && readWide(w, a, 2) !== c.positionSize[p]! * tokenScale(c.markets[c.positionMarket[p]!]!)) {
      throw new BookError(`account ${JSON.stringify(c.accountIds[a])} position 1`, "size", `${form} holds a gmx-v2 position's size in its market's size units and this sizeInTokens has digits below them (the token's own decimals): write the book as JSON, the one form that holds them (docs/venues/gmx-v2.md)`);
    }
    if (readWide(w, a, 3) !== derivedBalance(c, a)) {
      throw new BookError(`account ${JSON.stringify(c.accountIds[a])}`, "balances", `${form} holds a gmx-v2 balance in its asset's decimals and this tokenAmount has digits below them (the token's own decimals): write the book as JSON, the one form that holds them (docs/venues/gmx-v2.md)`);
    }
    const field = held && readWide(w, a, 0) !== derived(c.positionEntry[p]!) ? "sizeInUsd" : readWide(w, a, 1) !== derived(c.collateral[a]!) ? "collateral" : null;
    if (field !== null) throw new BookError(`account ${JSON.stringify(c.accountIds[a])}${field === "sizeInUsd" ? " position 1" : ""}`, field, `${form} holds gmx-v2 USD amounts in 10^-6 USD and this one has digits past them (GMX's 10^-30): write the book as JSON, the one form that holds them (docs/venues/gmx-v2.md)`);
  }
}
