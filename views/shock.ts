/**
 * The mark-shock rule shared by `stress` and `cascade`, and the selection of the markets a shock
 * moves (one market, or all of them, each scaled by its beta).
 *
 * A shock is an integer in ppm (-100_000 = -10 %). Market m, with mark P and beta b_m (ppm,
 * default 10^6), moves to
 *
 *     P' = floor(P * (10^12 + shockPpm * b_m) / 10^12), clamped to [0, 2^63 - 1].
 *
 * With b_m = 10^6 this is exactly the issue's `floor(P * (10^6 + shockPpm) / 10^6)` (numerator and
 * denominator both scaled by 10^6). The beta enters exactly: the market's own shock is the rational
 * shockPpm * b_m / 10^6 ppm, never rounded, so the only rounding is the final floor. A shock below
 * -100 % is refused; a beta may be any integer (negative: the market moves against the shock;
 * above 10^6: further than it), and a combined move past -100 % leaves the mark at 0.
 */
import type { LiveBook } from "../bindings/types.js";
import { MAX_PRICE, MIN_SHOCK_PPM, marksAtShock, shockedMark } from "../reference/shock.js";
import { ViewError } from "./errors.js";

export const PPM = 1_000_000n;
export { MAX_PRICE, MIN_SHOCK_PPM, shockedMark };
/** At most this many shocks in one grid (the engine evaluates every shock). */
export const MAX_SHOCKS = 100_001;

/** A list of shocks (ppm), or a grid `from, from + step, ..., <= to` (ppm). */
export type ShockGrid = readonly bigint[] | { readonly from: bigint; readonly to: bigint; readonly step: bigint };

/** -50 % to +50 % in 1 % steps: 101 shocks. */
export const DEFAULT_SHOCKS = { from: -500_000n, to: 500_000n, step: 10_000n } as const;

/** Checks one shock: a bigint, not below -100 %. */
export function checkShock(view: string, option: string, shockPpm: unknown): bigint {
  if (typeof shockPpm !== "bigint") throw new ViewError(view, option, `expected a bigint (ppm), got ${typeof shockPpm}`);
  if (shockPpm < MIN_SHOCK_PPM) throw new ViewError(view, option, `${shockPpm} ppm is below -100 % (-1000000 ppm): a price cannot fall below 0`);
  return shockPpm;
}

/** The shocks of a grid, in the order given (a list) or ascending (a range). */
export function shockList(view: string, grid: ShockGrid = DEFAULT_SHOCKS): bigint[] {
  const option = "shocksPpm";
  if (Array.isArray(grid)) {
    const list = grid as readonly unknown[];
    if (list.length === 0) throw new ViewError(view, option, "the list is empty");
    if (list.length > MAX_SHOCKS) throw new ViewError(view, option, `${list.length} shocks; at most ${MAX_SHOCKS}`);
    return list.map((s, i) => checkShock(view, `${option}[${i}]`, s));
  }
  const { from, to, step } = grid as { from: unknown; to: unknown; step: unknown };
  checkShock(view, `${option}.from`, from);
  checkShock(view, `${option}.to`, to);
  if (typeof step !== "bigint") throw new ViewError(view, `${option}.step`, `expected a bigint (ppm), got ${typeof step}`);
  const f = from as bigint;
  const t = to as bigint;
  if (step <= 0n) throw new ViewError(view, `${option}.step`, `${step} ppm is not positive`);
  if (t < f) throw new ViewError(view, `${option}.to`, `${t} ppm is below from (${f} ppm)`);
  const count = (t - f) / step + 1n;
  if (count > BigInt(MAX_SHOCKS)) throw new ViewError(view, option, `${count} shocks from ${f} to ${t} ppm by ${step}; at most ${MAX_SHOCKS}`);
  const out: bigint[] = [];
  for (let s = f; s <= t; s += step) out.push(s);
  return out;
}

/** Which markets a shock moves, and by how much relative to the shock. */
export interface ShockTarget {
  /** Indices of the markets the shock moves, ascending. */
  readonly markets: readonly number[];
  /** Beta of every market of the book (ppm), 10^6 unless given. */
  readonly betaPpm: readonly bigint[];
}

/** Market index of `market` (index or id) in `book`, with an error naming the option. */
export function marketOf(view: string, book: LiveBook, market: number | string, option = "market"): number {
  const m = typeof market === "string" ? book.markets.findIndex((x) => x.id === market) : market;
  if (typeof m !== "number" || !Number.isInteger(m) || m < 0 || m >= book.markets.length) {
    throw new ViewError(view, option, `${JSON.stringify(market)} is not a market of the book (${book.markets.map((x) => x.id).join(", ")})`);
  }
  return m;
}

/** The markets a shock moves: `market` alone, or every market; each with its beta. */
export function shockTarget(view: string, book: LiveBook, market?: number | string, betaPpm?: readonly bigint[]): ShockTarget {
  const n = book.markets.length;
  if (betaPpm !== undefined) {
    if (!Array.isArray(betaPpm) || betaPpm.length !== n) {
      throw new ViewError(view, "betaPpm", `expected one beta per market (${n}), got ${Array.isArray(betaPpm) ? betaPpm.length : typeof betaPpm}`);
    }
    betaPpm.forEach((b, m) => {
      if (typeof b !== "bigint") throw new ViewError(view, `betaPpm[${m}]`, `expected a bigint (ppm), got ${typeof b}`);
    });
  }
  const markets = market === undefined ? Array.from({ length: n }, (_, m) => m) : [marketOf(view, book, market)];
  return { markets, betaPpm: betaPpm ?? Array.from({ length: n }, () => PPM) };
}

/** The marks of every market after `shockPpm` moves the target markets from `base`. */
export function shockedMarks(base: readonly bigint[], target: ShockTarget, shockPpm: bigint): bigint[] {
  return marksAtShock(base, shockPpm, targetBetas(target, base.length));
}

/** One beta per market: the target's, and 0 (stay put) for the markets outside it. */
export function targetBetas(target: ShockTarget, markets: number): bigint[] {
  return Array.from({ length: markets }, (_, m) => (target.markets.includes(m) ? target.betaPpm[m]! : 0n));
}

/** The book's current marks. */
export function currentMarks(book: LiveBook): bigint[] {
  return book.markets.map((_, m) => book.markPrice(m));
}

/** Sets every mark of `book` to `marks` (only those that differ from the current one). */
export function setMarks(book: LiveBook, marks: readonly bigint[]): void {
  marks.forEach((p, m) => {
    if (book.markPrice(m) !== p) book.setMarkPrice(m, p);
  });
}

/** Shocks of collateral assets (docs/model.md, "Collateral in several assets"): asset id to ppm, each price moved by shockedMark. */
export type AssetShocks = Readonly<Record<string, bigint>>;

/**
 * Runs `run` with the book's asset prices shocked (a stablecoin depeg, a collateral crash), then
 * puts them back: P' = floor(P (10^6 + shockPpm) / 10^6), clamped to [0, 2^63 - 1], as a mark's.
 * Setting asset prices is an edit of the book: scan results from before the view are superseded.
 */
export function withAssetShocks<T>(view: string, book: LiveBook, shocks: AssetShocks | undefined, run: () => T): T {
  if (shocks === undefined) return run();
  if (typeof shocks !== "object" || shocks === null || Array.isArray(shocks)) throw new ViewError(view, "assetShocksPpm", `expected an object of asset id to shock (ppm), got ${Array.isArray(shocks) ? "an array" : typeof shocks}`);
  const ids = Object.keys(shocks);
  if (ids.length === 0) return run();
  const assets = book.assets;
  const moves = ids.map((id) => {
    const k = assets.findIndex((x) => x.id === id);
    if (k < 0) throw new ViewError(view, `assetShocksPpm.${id}`, `${JSON.stringify(id)} is not an asset of the book (${assets.length ? assets.map((x) => x.id).join(", ") : "it lists none"})`);
    const shock = checkShock(view, `assetShocksPpm.${id}`, shocks[id]);
    return { k, before: assets[k]!.price, after: shockedMark(assets[k]!.price, shock) };
  });
  for (const m of moves) book.setAssetPrice(m.k, m.after);
  try {
    return run();
  } finally {
    for (const m of moves) book.setAssetPrice(m.k, m.before);
  }
}
