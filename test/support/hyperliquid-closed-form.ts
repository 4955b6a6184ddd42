/**
 * Hyperliquid's documented liquidation price, in exact rationals (BigInt numerator/denominator),
 * as an independent check of the venue books and, later, of the engine's liquidation prices.
 *
 *   liq_price = price - side * margin_available / position_size / (1 - l * side)
 *   l = mmr of the position's tier = 1 / (2 * maxLeverage)
 *   margin_available = account value - maintenance margin required   (cross)
 *                    = isolated margin - maintenance margin required  (isolated)
 *
 * Sources: https://hyperliquid-co.gitbook.io/wiki/architecture/hypercore/dex/clearinghouse/liquidations,
 * https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers (mmr, deduction recursion).
 * The formula holds the other positions' marks fixed and the position's tier fixed (exact when the
 * liquidation price stays in the same tier, which is the case for every recorded value here).
 */

/** A rational n/d, d > 0, in lowest terms. */
export class Rat {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d: bigint = 1n) {
    if (d === 0n) throw new RangeError("division by zero");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    this.n = n / g;
    this.d = d / g;
  }
  static of(x: bigint | number | string | Rat): Rat {
    if (x instanceof Rat) return x;
    if (typeof x === "bigint") return new Rat(x);
    if (typeof x === "number") {
      if (!Number.isSafeInteger(x)) throw new RangeError(`not an integer: ${x}`);
      return new Rat(BigInt(x));
    }
    const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(x);
    if (!m) throw new RangeError(`not a decimal: ${JSON.stringify(x)}`);
    const frac = m[3] ?? "";
    const v = BigInt(m[2]! + frac);
    return new Rat(m[1] === "-" ? -v : v, 10n ** BigInt(frac.length));
  }
  add(o: Rat): Rat {
    return new Rat(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Rat): Rat {
    return new Rat(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Rat): Rat {
    return new Rat(this.n * o.n, this.d * o.d);
  }
  div(o: Rat): Rat {
    return new Rat(this.n * o.d, this.d * o.n);
  }
  neg(): Rat {
    return new Rat(-this.n, this.d);
  }
  abs(): Rat {
    return this.n < 0n ? this.neg() : this;
  }
  sign(): number {
    return this.n > 0n ? 1 : this.n < 0n ? -1 : 0;
  }
  cmp(o: Rat): number {
    const x = this.n * o.d;
    const y = o.n * this.d;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  /** |this / o - 1| as a float (for tolerance checks only). */
  relativeTo(o: Rat): number {
    const r = this.div(o).sub(new Rat(1n)).abs();
    return Number((r.n * 10n ** 18n) / r.d) / 1e18;
  }
  toNumber(): number {
    return Number((this.n * 10n ** 18n) / this.d) / 1e18;
  }
  /** Decimal text truncated toward zero at `digits` decimals. */
  toFixed(digits: number): string {
    const s = 10n ** BigInt(digits);
    const v = (this.n * s) / this.d;
    const neg = v < 0n || (v === 0n && this.n < 0n);
    const a = (v < 0n ? -v : v).toString().padStart(digits + 1, "0");
    return (neg ? "-" : "") + (digits === 0 ? a : `${a.slice(0, -digits)}.${a.slice(-digits)}`);
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** A margin tier: notionals from `lowerBound` up use `maxLeverage`. */
export interface ClosedFormTier {
  readonly lowerBound: Rat;
  readonly maxLeverage: number;
}

/** mmr_n = 1 / (2 * maxLeverage_n). */
export function tierMmr(t: ClosedFormTier): Rat {
  return new Rat(1n, 2n * BigInt(t.maxLeverage));
}

/** The tier holding `notional` (the last whose lowerBound is below or at it) and its deduction. */
export function tierAt(tiers: readonly ClosedFormTier[], notional: Rat): { index: number; mmr: Rat; deduction: Rat } {
  let deduction = new Rat(0n);
  let index = 0;
  for (let n = 1; n < tiers.length; n++) {
    if (notional.cmp(tiers[n]!.lowerBound) <= 0) break; // a notional at a bound stays in the lower tier
    deduction = deduction.add(tiers[n]!.lowerBound.mul(tierMmr(tiers[n]!).sub(tierMmr(tiers[n - 1]!))));
    index = n;
  }
  return { index, mmr: tierMmr(tiers[index]!), deduction };
}

/** maintenance = notional * mmr_n - deduction_n. */
export function maintenance(tiers: readonly ClosedFormTier[], notional: Rat): Rat {
  const t = tierAt(tiers, notional);
  return notional.mul(t.mmr).sub(t.deduction);
}

/** The documented formula itself; null when the result is not a positive price. */
export function liquidationPrice(args: { side: 1 | -1; size: Rat; price: Rat; marginAvailable: Rat; l: Rat }): Rat | null {
  const { side, size, price, marginAvailable, l } = args;
  const s = new Rat(BigInt(side));
  const lp = price.sub(s.mul(marginAvailable).div(size).div(new Rat(1n).sub(l.mul(s))));
  return lp.sign() > 0 ? lp : null;
}

export interface ClosedFormPosition {
  readonly market: string;
  /** Signed size: long > 0. */
  readonly size: Rat;
  readonly mark: Rat;
  readonly tiers: readonly ClosedFormTier[];
}

/**
 * The liquidation price of `market` in an account of collateral C (the USDC raw balance) and
 * `positions`: account value = C + sum size*mark (for an isolated account this is the isolated
 * margin), maintenance = the sum of the positions' maintenance at their marks.
 */
export function accountLiquidationPrice(collateral: Rat, positions: readonly ClosedFormPosition[], market: string): Rat | null {
  let value = collateral;
  let mm = new Rat(0n);
  for (const p of positions) {
    value = value.add(p.size.mul(p.mark));
    mm = mm.add(maintenance(p.tiers, p.size.abs().mul(p.mark)));
  }
  const p = positions.find((x) => x.market === market);
  if (!p) throw new Error(`no position in ${market}`);
  if (p.size.sign() === 0) return null;
  const l = tierAt(p.tiers, p.size.abs().mul(p.mark)).mmr;
  return liquidationPrice({ side: p.size.sign() > 0 ? 1 : -1, size: p.size.abs(), price: p.mark, marginAvailable: value.sub(mm), l });
}

/** The same from a venue book (contract JSON, already parsed with JSON.parse: every number is a string there). */
export function bookLiquidationPrice(book: unknown, accountId: string, market: string): Rat | null {
  const b = book as {
    markets: { id: string; markPrice: string; tiers: { maxNotional?: string; maxLeverage: string }[] }[];
    accounts: { id: string; collateral: string; positions: { market: string; size: string }[] }[];
  };
  const account = b.accounts.find((a) => a.id === accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  const positions = account.positions.map((p): ClosedFormPosition => {
    const m = b.markets.find((x) => x.id === p.market)!;
    const tiers = m.tiers.map((t, n) => ({
      lowerBound: n === 0 ? new Rat(0n) : Rat.of(m.tiers[n - 1]!.maxNotional!),
      maxLeverage: Number(t.maxLeverage),
    }));
    return { market: p.market, size: Rat.of(p.size), mark: Rat.of(m.markPrice), tiers };
  });
  return accountLiquidationPrice(Rat.of(account.collateral), positions, market);
}
