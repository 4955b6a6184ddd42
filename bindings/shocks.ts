/**
 * Shock grids on a live book (LiveBook.shockTotals): the argument checks both engines share
 * (the shocked marks are reference/shock.ts's marksAtShock), and the plain way to answer through the public API, one scan per shock,
 * which the tests and the benchmarks hold the wasm engine's one-pass kernel (assembly/stress.ts)
 * against.
 */
import type { Totals } from "../book/types.js";
import { MIN_SHOCK_PPM, marksAtShock } from "../reference/shock.js";
import type { LiveBook } from "./types.js";

/** Throws a TypeError or RangeError naming the argument when the grid or the betas are not usable. */
export function checkShockGrid(markets: number, shocksPpm: readonly bigint[], betaPpm: readonly bigint[]): void {
  if (!Array.isArray(shocksPpm)) throw new TypeError(`liqscan: shockTotals: shocksPpm must be an array of bigints, got ${typeof shocksPpm}`);
  shocksPpm.forEach((s, i) => {
    if (typeof s !== "bigint") throw new TypeError(`liqscan: shockTotals: shocksPpm[${i}] must be a bigint (ppm), got ${typeof s}`);
    if (s < MIN_SHOCK_PPM) throw new RangeError(`liqscan: shockTotals: shocksPpm[${i}] = ${s} is below -100 % (${MIN_SHOCK_PPM} ppm)`);
  });
  if (!Array.isArray(betaPpm) || betaPpm.length !== markets) {
    throw new TypeError(`liqscan: shockTotals: betaPpm must hold one bigint per market (${markets}), got ${Array.isArray(betaPpm) ? `${betaPpm.length}` : typeof betaPpm}`);
  }
  betaPpm.forEach((b, m) => {
    if (typeof b !== "bigint") throw new TypeError(`liqscan: shockTotals: betaPpm[${m}] must be a bigint (ppm), got ${typeof b}`);
  });
}

/**
 * shockTotals the plain way: set the marks, scan, and put the marks back (also when a scan
 * throws). Unlike `book.shockTotals`, this edits the book, so earlier scan results are superseded.
 */
export function shockTotalsByScans(book: LiveBook, shocksPpm: readonly bigint[], betaPpm: readonly bigint[]): Totals[] {
  checkShockGrid(book.markets.length, shocksPpm, betaPpm);
  const base = book.markets.map((_, m) => book.markPrice(m));
  const setMarks = (marks: readonly bigint[]) => marks.forEach((p, m) => {
    if (book.markPrice(m) !== p) book.setMarkPrice(m, p);
  });
  try {
    return shocksPpm.map((s) => {
      setMarks(marksAtShock(base, s, betaPpm));
      return book.scan().totals;
    });
  } finally {
    setMarks(base);
  }
}
