/**
 * Binance USDⓈ-M's published liquidation-price formula, in exact rationals (BigInt), independent of
 * the engine: the oracle the engine's binance-usdm liquidation prices are compared against.
 *
 * Source: Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures"
 * (https://www.binance.com/fr/support/faq/b3c689c1f50a44cabb3a84e663b81d93), variables as listed
 * there (the formula itself is an image; the hedge-mode terms follow its variable list, see
 * shared/research/venues.md section 1):
 *
 *   LP = [WB − TMM1 + UPNL1 + cumB + cumL + cumS − Side1BOTH·Pos1BOTH·EP1BOTH − Pos1LONG·EP1LONG + Pos1SHORT·EP1SHORT]
 *        / [Pos1BOTH·MMRB + Pos1LONG·MMRL + Pos1SHORT·MMRS − Side1BOTH·Pos1BOTH − Pos1LONG + Pos1SHORT]
 *
 * Pos are absolute sizes, Side1BOTH = +1 long / −1 short. Cross: WB = crossWalletBalance, TMM1 and
 * UPNL1 = maintenance margin and unrealized PnL of every OTHER symbol of the account at its mark.
 * Isolated: WB = isolatedWallet, TMM1 = UPNL1 = 0. MMR and cum of each position of symbol 1 are
 * those of the bracket holding that position's notional AT THE LIQUIDATION PRICE: start from the
 * bracket at the mark and move until the LP's notional lies in the bracket used.
 *
 * This is the price where margin balance = maintenance margin:
 *   WB + UPNL1 + Σ side·q·(LP − EP) = TMM1 + Σ (q·LP·MMR − cum).
 */

/** An exact rational n/d, d > 0. */
export interface Q {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function q(n: bigint, d = 1n): Q {
  if (d === 0n) throw new RangeError("zero denominator");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
export const add = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
export const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
export const cmp = (a: Q, b: Q): number => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
const ZERO = q(0n);
const abs = (a: Q): Q => (a.n < 0n ? q(-a.n, a.d) : a);

/** A decimal string ("-1456.84", "0.004", "50") as an exact rational. */
export function dec(text: string): Q {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const frac = m[3] ?? "";
  const v = BigInt(m[2]! + frac);
  return q(m[1] === "-" ? -v : v, 10n ** BigInt(frac.length));
}

/** `x` rounded to `decimals` decimals, half away from zero (how Binance's calculator shows prices), as text. */
export function roundHalfUp(x: Q, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const neg = x.n < 0n;
  const n = neg ? -x.n : x.n;
  const r = (2n * n * scale + x.d) / (2n * x.d);
  const s = r.toString().padStart(decimals + 1, "0");
  const text = decimals === 0 ? s : `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
  return neg && r !== 0n ? "-" + text : text;
}

/** `x` as a decimal text with `decimals` decimals, truncated (for messages). */
export function show(x: Q, decimals = 10): string {
  return roundHalfUp(x, decimals);
}

/** One bracket: notionals up to `cap` (null: the last, unbounded), rate and maintenance amount. */
export interface Bracket {
  readonly cap: string | null;
  readonly mmr: string;
  readonly cum: string;
}

export type Side = "BOTH" | "LONG" | "SHORT";

export interface Position {
  readonly symbol: string;
  /** Signed size: > 0 long, < 0 short (LONG >= 0, SHORT <= 0). */
  readonly size: string;
  readonly entry: string;
  readonly side?: Side;
}

/** Index of the bracket holding `notional` (>= 0): the first whose cap is >= notional. */
export function bracketIndex(brackets: readonly Bracket[], notional: Q): number {
  for (let i = 0; i < brackets.length; i++) {
    const cap = brackets[i]!.cap;
    if (cap === null || cmp(notional, dec(cap)) <= 0) return i;
  }
  return brackets.length - 1;
}

/** Maintenance margin of a position of |size| `qty` at `price`: notional·MMR − cum of the bracket holding the notional. */
export function maintenance(brackets: readonly Bracket[], qty: Q, price: Q): Q {
  const notional = mul(qty, price);
  const b = brackets[bracketIndex(brackets, notional)]!;
  return sub(mul(notional, dec(b.mmr)), dec(b.cum));
}

/** The one-way formula with TMM1 and UPNL1 given (freqtrade's test cases give them so). */
export function oneWayLiquidationPrice(p: {
  wb: string;
  tmm1: string;
  upnl1: string;
  cum: string;
  side: 1 | -1;
  qty: string;
  entry: string;
  mmr: string;
}): Q | null {
  const s = q(BigInt(p.side));
  const qty = dec(p.qty);
  const num = sub(add(add(sub(dec(p.wb), dec(p.tmm1)), dec(p.upnl1)), dec(p.cum)), mul(mul(s, qty), dec(p.entry)));
  const den = sub(mul(qty, dec(p.mmr)), mul(s, qty));
  if (den.n === 0n) return null;
  return div(num, den);
}

export interface Case {
  /** Wallet balance: crossWalletBalance (cross) or the position's isolatedWallet (isolated). */
  readonly wb: string;
  readonly mode: "cross" | "isolated";
  /** Every position of the account (cross), or the one isolated position. */
  readonly positions: readonly Position[];
  readonly marks: Readonly<Record<string, string>>;
  readonly brackets: Readonly<Record<string, readonly Bracket[]>>;
  /** Symbol 1: the contract whose liquidation price is asked (the others are held at their marks). */
  readonly symbol: string;
}

export interface Solution {
  /** The exact liquidation price, or null when there is none (no solution above 0). */
  readonly price: Q | null;
  /** The bracket index used for each position of symbol 1, by side. */
  readonly brackets: Partial<Record<Side, number>>;
  /** TMM1 and UPNL1 as used. */
  readonly tmm1: Q;
  readonly upnl1: Q;
}

/**
 * The liquidation price of `c.symbol` by the FAQ's formula, with the bracket of each position of
 * that symbol taken at the liquidation price (iterated from the bracket at the mark).
 */
export function liquidationPrice(c: Case): Solution {
  let tmm1 = ZERO;
  let upnl1 = ZERO;
  const own: { side: Side; sign: 1n | -1n; qty: Q; entry: Q; brackets: readonly Bracket[] }[] = [];
  for (const p of c.positions) {
    const size = dec(p.size);
    if (size.n === 0n) continue;
    const brackets = c.brackets[p.symbol];
    if (!brackets) throw new Error(`no brackets for ${p.symbol}`);
    const entry = dec(p.entry);
    if (p.symbol === c.symbol) {
      own.push({ side: p.side ?? "BOTH", sign: size.n > 0n ? 1n : -1n, qty: abs(size), entry, brackets });
      continue;
    }
    if (c.mode === "isolated") throw new Error("an isolated case holds one position");
    const mark = c.marks[p.symbol];
    if (mark === undefined) throw new Error(`no mark for ${p.symbol}`);
    tmm1 = add(tmm1, maintenance(brackets, abs(size), dec(mark)));
    upnl1 = add(upnl1, mul(size, sub(dec(mark), entry)));
  }
  if (own.length === 0) throw new Error(`no position in ${c.symbol}`);
  const mark = dec(c.marks[c.symbol] ?? "0");
  // start: the bracket at the mark
  let idx = own.map((o) => bracketIndex(o.brackets, mul(o.qty, mark)));
  const solve = (at: number[]): Q | null => {
    let num = add(sub(dec(c.wb), tmm1), upnl1);
    let den = ZERO;
    own.forEach((o, i) => {
      const b = o.brackets[at[i]!]!;
      num = add(num, dec(b.cum));
      // − Side·Pos·EP for BOTH (Side = sign), − Pos·EP for LONG (sign +1), + Pos·EP for SHORT (sign −1): all are −sign·qty·EP
      num = sub(num, mul(q(o.sign), mul(o.qty, o.entry)));
      den = add(den, sub(mul(o.qty, dec(b.mmr)), mul(q(o.sign), o.qty)));
    });
    return den.n === 0n ? null : div(num, den);
  };
  const seen = new Set<string>();
  for (;;) {
    const key = idx.join(",");
    if (seen.has(key)) break; // a cycle: no consistent bracket reached by iteration
    seen.add(key);
    const lp = solve(idx);
    if (lp === null || cmp(lp, ZERO) <= 0) return result(null, idx);
    const next = own.map((o) => bracketIndex(o.brackets, mul(o.qty, lp)));
    if (next.every((b, i) => b === idx[i])) return result(lp, idx);
    idx = next;
  }
  return result(null, idx);

  function result(price: Q | null, at: number[]): Solution {
    const brackets: Partial<Record<Side, number>> = {};
    own.forEach((o, i) => (brackets[o.side] = at[i]));
    return { price, brackets, tmm1, upnl1 };
  }
}

/** Margin balance minus maintenance margin of the case's account with symbol 1 at `price` (0 at the LP). */
export function marginExcessAt(c: Case, price: Q): Q {
  let excess = dec(c.wb);
  for (const p of c.positions) {
    const size = dec(p.size);
    if (size.n === 0n) continue;
    const at = p.symbol === c.symbol ? price : dec(c.marks[p.symbol]!);
    excess = add(excess, mul(size, sub(at, dec(p.entry))));
    excess = sub(excess, maintenance(c.brackets[p.symbol]!, abs(size), at));
  }
  return excess;
}
