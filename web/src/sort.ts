/**
 * Sorting the rows of a table by an exact bigint column, fast enough for 100k+ rows on the main
 * thread: rows are compared by a float copy of the key, which orders them correctly whenever the
 * floats differ (conversion to the nearest double is monotonic), and by the exact bigints when the
 * floats are equal. Equal keys keep book order, so every sort is deterministic.
 */
import type { AmountKey, LiquidatableTable } from "./protocol.js";

export type SortKey = "id" | AmountKey;

/** Row indices of `table` in the order of `key`; `descending` reverses the key, not the ties. */
export function sortRows(table: LiquidatableTable, key: SortKey, descending: boolean): Uint32Array {
  const order = new Uint32Array(table.rows);
  for (let r = 0; r < order.length; r++) order[r] = r;
  const sign = descending ? -1 : 1;
  if (key === "id") {
    const ids = table.ids;
    // Code-unit order: fast, locale-independent, and numeric for zero-padded ids.
    return order.sort((a, b) => (ids[a]! < ids[b]! ? -sign : ids[a]! > ids[b]! ? sign : a - b));
  }
  const exact = table.amounts[key];
  const approx = new Float64Array(exact.length);
  for (let r = 0; r < exact.length; r++) approx[r] = Number(exact[r]!);
  if (key === "marginRatio") {
    // -1 marks "no ratio" (equity <= 0): the account is past any ratio, so it ranks above all.
    for (let r = 0; r < exact.length; r++) if (exact[r]! < 0n) approx[r] = Infinity;
  }
  return order.sort((a, b) => {
    const fa = approx[a]!;
    const fb = approx[b]!;
    if (fa !== fb) return fa < fb ? -sign : sign;
    const ea = exact[a]!;
    const eb = exact[b]!;
    if (ea !== eb && fa !== Infinity) return ea < eb ? -sign : sign;
    return a - b;
  });
}
