/** Bankruptcy prices of every position of a book (both engines): the reference's search on equity <= 0. */
import type { Book } from "../book/types.js";
import { liquidationPrice } from "../reference/liquidation-price.js";

export function bankruptcyPricesOf(book: Book): BigInt64Array {
  let positions = 0;
  for (const a of book.accounts) positions += a.positions.length;
  const out = new BigInt64Array(positions);
  let p = 0;
  book.accounts.forEach((account, a) => {
    for (let k = 0; k < account.positions.length; k++) out[p++] = liquidationPrice(book, a, k, undefined, { bankruptcy: true }) ?? -1n;
  });
  return out;
}
