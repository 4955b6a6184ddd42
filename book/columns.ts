/**
 * Conversions between the object form (`Book`) and the column form (`BookColumns`) of a book.
 * Both validate their input first: a bigint outside 64 bits would otherwise wrap silently when
 * stored in a BigInt64Array, and a bad offset would produce a garbage book.
 */
import { validateBook, validateColumns } from "./validate.js";
import { SIDE_CODE, SIDE_NAME, type Account, type Balance, type Book, type BookColumns, type Position } from "./types.js";
import { applyWide, collateralOf30, saturated, sizeInTokensOf, sizeInUsdOf, tokenAmountOf, writeWide, GMX_WORDS } from "./gmx-wide.js";

/** A position with the labels the columns give it (leverage, hedge-mode side). */
export function withPositionLabels(c: Pick<BookColumns, "positionLeverage" | "positionSide">, p: number, position: Position): Position {
  const leverage = c.positionLeverage?.[p] ?? 0;
  const side = SIDE_NAME[c.positionSide?.[p] ?? 0];
  if (leverage === 0 && side === undefined) return position;
  return { ...position, ...(leverage !== 0 ? { leverage: BigInt(leverage) } : {}), ...(side !== undefined ? { side } : {}) };
}

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
  // A venue book's labels, as columns only when some account or position carries one.
  const labelled = book.accounts.some((a) => a.margin !== undefined || a.positions.some((q) => q.leverage !== undefined || q.side !== undefined));
  const accountIsolated = labelled ? new Uint8Array(n) : undefined;
  const positionLeverage = labelled ? new Uint32Array(np) : undefined;
  const positionSide = labelled ? new Uint8Array(np) : undefined;
  let p = 0;
  for (let a = 0; a < n; a++) {
    const acc = book.accounts[a];
    accountIds[a] = acc.id;
    collateral[a] = acc.collateral;
    positionStart[a] = p;
    if (accountIsolated && acc.margin === "isolated") accountIsolated[a] = 1;
    for (const pos of acc.positions) {
      positionMarket[p] = pos.market;
      positionSize[p] = pos.size;
      positionEntry[p] = pos.entryPrice;
      if (positionLeverage && pos.leverage !== undefined) positionLeverage[p] = Number(pos.leverage);
      if (positionSide && pos.side !== undefined) positionSide[p] = SIDE_CODE[pos.side];
      p++;
    }
  }
  positionStart[n] = p;
  return { ...(book.venue !== undefined ? { venue: book.venue } : {}), liquidatorSharePpm: book.liquidatorSharePpm, markets: book.markets, accountIds, collateral, positionStart, positionMarket, positionSize, positionEntry,
    ...(labelled ? { accountIsolated, positionLeverage, positionSide } : {}), ...balanceColumns(book), ...gmxColumn(book) };
}

/** gmx-v2: the gmxUsd column when some account gives an amount at 10^-30 (book/gmx-wide.ts). */
function gmxColumn(book: Book): Pick<BookColumns, "gmxUsd"> {
  if (book.venue !== "gmx-v2" || !book.accounts.some((a) => a.collateral30 !== undefined || a.positions.some((p) => p.sizeInUsd30 !== undefined || p.sizeInTokens !== undefined) || (a.balances ?? []).some((b) => b.tokenAmount !== undefined))) return {};
  const gmxUsd = new BigUint64Array(book.accounts.length * GMX_WORDS);
  book.accounts.forEach((a, i) => {
    const p = a.positions[0];
    if (p !== undefined) writeWide(gmxUsd, i, 0, saturated(sizeInUsdOf(p)));
    if (p !== undefined) writeWide(gmxUsd, i, 2, sizeInTokensOf(p, book.markets[p.market]!));
    const b = a.balances?.[0];
    if (b !== undefined) writeWide(gmxUsd, i, 3, tokenAmountOf(b, book.assets![b.asset]!));
    writeWide(gmxUsd, i, 1, saturated(collateralOf30(a)));
  });
  return { gmxUsd };
}

/** The assets and balance columns of a book that lists assets (nothing otherwise: a book without assets is today's book). */
function balanceColumns(book: Book): Pick<BookColumns, "assets" | "balanceStart" | "balanceAsset" | "balanceAmount"> {
  if (book.assets === undefined) return {};
  const n = book.accounts.length;
  let nb = 0;
  for (const a of book.accounts) nb += a.balances?.length ?? 0;
  const balanceStart = new Uint32Array(n + 1), balanceAsset = new Uint32Array(nb), balanceAmount = new BigInt64Array(nb);
  let i = 0;
  for (let a = 0; a < n; a++) {
    balanceStart[a] = i;
    for (const b of book.accounts[a].balances ?? []) {
      balanceAsset[i] = b.asset;
      balanceAmount[i++] = b.amount;
    }
  }
  balanceStart[n] = i;
  return { assets: book.assets, balanceStart, balanceAsset, balanceAmount };
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
      positions[p - start] = withPositionLabels(c, p, { market: c.positionMarket[p], size: c.positionSize[p], entryPrice: c.positionEntry[p] });
    }
    const account: { id: string; collateral: bigint; positions: Position[]; margin?: "isolated"; balances?: Balance[]; collateral30?: bigint } = { id: c.accountIds[a], collateral: c.collateral[a], positions };
    if (c.accountIsolated?.[a] === 1) account.margin = "isolated";
    if (c.balanceStart && c.balanceStart[a + 1] > c.balanceStart[a]) {
      const balances: Balance[] = [];
      for (let i = c.balanceStart[a]; i < c.balanceStart[a + 1]; i++) balances.push({ asset: c.balanceAsset![i], amount: c.balanceAmount![i] });
      account.balances = balances;
    }
    // gmx-v2: the amounts finer than their images (book/gmx-wide.ts), after the balances (the first may take its tokenAmount).
    if (c.gmxUsd) applyWide(c.gmxUsd, a, account, c.markets, c.assets);
    accounts[a] = account;
  }
  return { ...(c.venue !== undefined ? { venue: c.venue } : {}), liquidatorSharePpm: c.liquidatorSharePpm, markets: c.markets, accounts, ...(c.assets !== undefined ? { assets: c.assets } : {}) };
}

/** Account a's balances in a column book (none without balance columns). */
export function balancesOf(c: Pick<BookColumns, "balanceStart" | "balanceAsset" | "balanceAmount">, a: number): Balance[] {
  const out: Balance[] = [];
  if (!c.balanceStart) return out;
  for (let i = c.balanceStart[a]!; i < c.balanceStart[a + 1]!; i++) out.push({ asset: c.balanceAsset![i]!, amount: c.balanceAmount![i]! });
  return out;
}
