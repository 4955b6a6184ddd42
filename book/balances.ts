/**
 * The balances table of the table forms (docs/book-format.md, "Balances"): one row per balance,
 * columns `account` (an id of the accounts table), `asset` (an id of markets.json's assets) and
 * `amount` (in the asset's decimals). Rows come in any account order; an account's balances keep
 * their order in the file; each (account, asset) at most once. The CSV and Arrow readers turn the
 * rows into indices and amounts, and `groupBalances` makes the book's balance columns of them.
 */
import { BookError, quote } from "./errors.js";
import type { Asset, BookColumns } from "./types.js";

export const BALANCES_HEADER = "account,asset,amount";
export const BALANCE_COLUMNS = ["account", "asset", "amount"] as const;

export type BalanceColumns = Required<Pick<BookColumns, "balanceStart" | "balanceAsset" | "balanceAmount">>;

/** The balance columns of a book with assets and no balances table: no account holds a balance. */
export function noBalances(accounts: number): BalanceColumns {
  return { balanceStart: new Uint32Array(accounts + 1), balanceAsset: new Uint32Array(0), balanceAmount: new BigInt64Array(0) };
}

/** A BookError for a balances table given with a markets.json that lists no assets. */
export function balancesWithoutAssets(file: string): BookError {
  return new BookError(file, "", "is a balances table, and markets.json lists no assets to hold balances in: add the assets to markets.json, or remove the file");
}

/** The message tail for an asset id that is not one of markets.json's. */
export function unknownAsset(id: string, assets: readonly Asset[]): string {
  return `${quote(id)} is not an asset of markets.json (its assets are ${assets.map((x) => quote(x.id)).join(", ")})`;
}

/**
 * The balance columns of `count` rows (`rowAccount`, `rowAsset`, `rowAmount`, in file order),
 * grouped by account in account order, each account's rows in file order. A second row of the same
 * account and asset is an error naming it (`record(row)`), its field `asset` and the first row.
 */
export function groupBalances(
  accountIds: readonly string[],
  assets: readonly Asset[],
  rowAccount: Uint32Array,
  rowAsset: Uint32Array,
  rowAmount: BigInt64Array,
  count: number,
  record: (row: number) => string,
  rowName: (row: number) => string,
): BalanceColumns {
  const n = accountIds.length;
  const balanceStart = new Uint32Array(n + 1);
  for (let r = 0; r < count; r++) balanceStart[rowAccount[r]! + 1]!++;
  for (let a = 0; a < n; a++) balanceStart[a + 1]! += balanceStart[a]!;
  const order = new Uint32Array(count);
  const fill = balanceStart.slice(0, n);
  for (let r = 0; r < count; r++) order[fill[rowAccount[r]!]!++] = r;
  const balanceAsset = new Uint32Array(count);
  const balanceAmount = new BigInt64Array(count);
  const stamp = new Int32Array(assets.length).fill(-1);
  const firstRow = new Int32Array(assets.length);
  for (let a = 0; a < n; a++) {
    for (let i = balanceStart[a]!; i < balanceStart[a + 1]!; i++) {
      const r = order[i]!;
      const k = rowAsset[r]!;
      if (stamp[k] === a) {
        throw new BookError(record(r), "asset", `account ${quote(accountIds[a]!)} already holds a balance in ${quote(assets[k]!.id)} (${rowName(firstRow[k]!)}); an account holds at most one balance per asset`);
      }
      stamp[k] = a;
      firstRow[k] = r;
      balanceAsset[i] = k;
      balanceAmount[i] = rowAmount[r]!;
    }
  }
  return { balanceStart, balanceAsset, balanceAmount };
}

/** Whether a book is written with a balances table: it lists at least one asset. */
export function hasBalancesTable(c: Pick<BookColumns, "assets">): boolean {
  return c.assets !== undefined && c.assets.length > 0;
}
