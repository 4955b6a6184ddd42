/**
 * A realistic synthetic book, deterministic for a seed, built directly in column form.
 *
 * Floats (exact multiples of 2^-32 from the seeded PRNG, combined with + - * / only) shape the
 * distributions; every stored value is rounded to an integer before it becomes a bigint, so the
 * same seed gives bit-identical columns in every engine.
 *
 * - 8 markets (BTC, ETH, SOL, BNB, XRP, DOGE, AVAX, LINK -PERP) by default with venue-like size/price
 *   decimals (`markets` asks for more: clones of these eight, see `GenerateOptions.markets`), marks jittered by up to +-5% per seed, 3-5 maintenance tiers (mmr 0.4%..5% rising
 *   with notional, bounds 50k..10M quote), liquidation fees 0.2%..1.25%, volatility scaling on 4
 *   markets (2 above their reference, 2 at or below it) and close-out impact on 6.
 * - Accounts hold 1-4 positions (45/30/15/10 %) in distinct markets chosen by popularity
 *   (BTC 30 %, ETH 24 % ...), 55 % long. Account notional is skewed: 20 % $50-500, 35 % $500-5k,
 *   30 % $5k-50k, 12 % $50k-500k, 3 % $500k-5M.
 * - Leverage (entry notional / collateral) is skewed: 25 % 1-2x, 22 % 2-3x, 27 % 3-5x, 12 % 5-10x,
 *   7 % 10-20x, 4.5 % 20-50x, 2.5 % 50-100x, capped at 0.6 / (first-tier mmr) of the account's
 *   strictest market (60x on the 1 % alts), as venues cap it.
 * - Entry prices are scattered around the mark: roughly normal (Irwin-Hall of 4 uniforms) with a
 *   per-market spread of 2-5 %, and 4 % of positions four times wider (capped at +-60 %).
 * - The leveraged tail ends up near or past the maintenance line. Of the accounts that the entry
 *   spread puts past it (estimated in floats), 65 % are moved back to just past the line (equity
 *   uniform between the close-out slippage and the maintenance), as a venue catches most accounts
 *   soon after they cross. Measured with the exact model on 50k accounts: about 2 % liquidatable,
 *   a third of those (0.7 % of accounts) with bad debt, 3 % with maintenance above half the equity;
 *   median leverage 3.2x, 95th percentile 31x, 99th 62x.
 */
import { checkedIds } from "./validate.js";
import { int32Words } from "./decimal.js";
import { Random } from "./random.js";
import type { BookColumns, Market, Tier } from "./types.js";

export interface GenerateOptions {
  /** Number of accounts (0 to 500_000_000). */
  readonly accounts: number;
  /** Any safe integer; default 1. */
  readonly seed?: number;
  /** Called with accounts generated so far and the total, every 65536 accounts and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Number of markets, 4 to 4096 (default 8: the eight templates, the same book for a seed as
   * before this option existed). Fewer than 8 keeps the first ones (BTC, ETH, ...);
   * more adds clones of the templates in rounds: round r (2, 3, ...) adds "BTC-PERP-r",
   * "ETH-PERP-r", ... with the template's parameters, their own jittered mark, and 1/r of the
   * template's popularity (a long tail, as on venues). Benchmarks use it for books over 50 markets.
   */
  readonly markets?: number;
}

interface MarketTemplate {
  id: string;
  sizeDecimals: number;
  priceDecimals: number;
  /** Mark in quote per base (a float only used to shape; the stored mark is an integer). */
  mark: number;
  /** [maxNotional in whole quote units or null, mmr in ppm] */
  tiers: [number | null, number][];
  feePpm: number;
  volatility?: [number, number];
  impact?: [number, number];
  /** Popularity weight (percent of positions). */
  weight: number;
  /** Spread of entry prices around the mark (fraction, one standard deviation). */
  spread: number;
}

const TEMPLATES: MarketTemplate[] = [
  {
    id: "BTC-PERP", sizeDecimals: 4, priceDecimals: 1, mark: 65000, weight: 30, spread: 0.02,
    tiers: [[50_000, 4_000], [250_000, 5_000], [1_000_000, 10_000], [10_000_000, 25_000], [null, 50_000]],
    feePpm: 5_000, volatility: [650_000, 600_000], impact: [50_000_000, 20_000],
  },
  {
    id: "ETH-PERP", sizeDecimals: 3, priceDecimals: 2, mark: 3400, weight: 24, spread: 0.025,
    tiers: [[50_000, 5_000], [500_000, 6_500], [2_500_000, 12_500], [null, 25_000]],
    feePpm: 2_000, impact: [20_000_000, 30_000],
  },
  {
    id: "SOL-PERP", sizeDecimals: 2, priceDecimals: 3, mark: 150, weight: 12, spread: 0.04,
    tiers: [[50_000, 10_000], [250_000, 15_000], [1_000_000, 25_000], [null, 50_000]],
    feePpm: 10_000, volatility: [900_000, 750_000], impact: [5_000_000, 50_000],
  },
  {
    id: "BNB-PERP", sizeDecimals: 2, priceDecimals: 2, mark: 580, weight: 7, spread: 0.03,
    tiers: [[50_000, 5_000], [500_000, 10_000], [null, 25_000]],
    feePpm: 7_500,
  },
  {
    id: "XRP-PERP", sizeDecimals: 1, priceDecimals: 4, mark: 0.52, weight: 8, spread: 0.04,
    tiers: [[50_000, 6_500], [250_000, 10_000], [1_000_000, 20_000], [null, 50_000]],
    feePpm: 10_000, impact: [2_000_000, 50_000],
  },
  {
    id: "DOGE-PERP", sizeDecimals: 0, priceDecimals: 5, mark: 0.12, weight: 8, spread: 0.05,
    tiers: [[50_000, 10_000], [100_000, 15_000], [500_000, 25_000], [2_000_000, 40_000], [null, 50_000]],
    feePpm: 12_500, volatility: [1_200_000, 1_200_000], impact: [1_000_000, 50_000],
  },
  {
    id: "AVAX-PERP", sizeDecimals: 2, priceDecimals: 3, mark: 35, weight: 5, spread: 0.045,
    tiers: [[50_000, 10_000], [200_000, 20_000], [null, 50_000]],
    feePpm: 10_000, volatility: [850_000, 1_000_000],
  },
  {
    id: "LINK-PERP", sizeDecimals: 2, priceDecimals: 3, mark: 14.5, weight: 6, spread: 0.045,
    tiers: [[50_000, 10_000], [150_000, 20_000], [600_000, 30_000], [null, 50_000]],
    feePpm: 8_000, impact: [1_500_000, 40_000],
  },
];

/** [probability, low, high] buckets, sampled uniformly within, skewed toward `low` by u^2. */
type Buckets = readonly (readonly [number, number, number])[];
const POSITION_COUNT = [0.45, 0.75, 0.9, 1]; // cumulative: 1, 2, 3, 4 positions
const NOTIONAL: Buckets = [
  [0.2, 50, 500],
  [0.35, 500, 5_000],
  [0.3, 5_000, 50_000],
  [0.12, 50_000, 500_000],
  [0.03, 500_000, 5_000_000],
];
const LEVERAGE: Buckets = [
  [0.25, 1, 2],
  [0.22, 2, 3],
  [0.27, 3, 5],
  [0.12, 5, 10],
  [0.07, 10, 20],
  [0.045, 20, 50],
  [0.025, 50, 100],
];
const LONG_SHARE = 0.55;
/** Leverage is capped at LEVERAGE_CAP / (first-tier mmr of the account's strictest market). */
const LEVERAGE_CAP = 0.6;
/** Share of the accounts found past the maintenance line that are moved back to just past it. */
const RESCUE_SHARE = 0.65;
const WIDE_SHARE = 0.04;
const WIDE_FACTOR = 4;
const MAX_DEVIATION = 0.6;
const SQRT3 = 1.7320508075688772;
/** Exact powers of ten (decimal literals, not Math.pow, whose rounding is engine-specific). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];
const LIQUIDATOR_SHARE_PPM = 500_000n;

/** What the generator needs of a market to estimate an account's health (floats, shaping only). */
interface MarketShape {
  /** tier bounds (quote), mmr (fraction), continuity offsets (quote) */
  max: number[];
  mmr: number[];
  cum: number[];
  volScale: number;
  depth: number;
  maxSlip: number;
}

function marketShape(t: MarketTemplate): MarketShape {
  const max = t.tiers.map(([m]) => (m === null ? Infinity : m));
  const mmr = t.tiers.map(([, r]) => r / 1_000_000);
  const cum = [0];
  for (let j = 1; j < mmr.length; j++) cum.push(cum[j - 1] + max[j - 1] * (mmr[j] - mmr[j - 1]));
  const volScale = t.volatility ? Math.max(1, t.volatility[0] / t.volatility[1]) : 1;
  return { max, mmr, cum, volScale, depth: t.impact ? t.impact[0] : Infinity, maxSlip: t.impact ? t.impact[1] / 1_000_000 : 0 };
}

function approxMaintenance(s: MarketShape, notional: number): number {
  let j = 0;
  while (notional > s.max[j]) j++;
  return (notional * s.mmr[j] - s.cum[j]) * s.volScale;
}

function approxSlippage(s: MarketShape, notional: number): number {
  return notional * Math.min(s.maxSlip, notional / s.depth);
}

/** Whether market `m` is among the first `j` markets chosen for an account. */
function chosenBefore(chosen: Int32Array, j: number, m: number): boolean {
  for (let i = 0; i < j; i++) if (chosen[i] === m) return true;
  return false;
}

function sample(rng: Random, buckets: Buckets, skew: boolean): number {
  let u = rng.float();
  for (const [p, lo, hi] of buckets) {
    if (u < p) {
      const v = rng.float();
      return lo + (hi - lo) * (skew ? v * v : v);
    }
    u -= p;
  }
  const [, lo, hi] = buckets[buckets.length - 1];
  return lo + (hi - lo) * rng.float();
}

/** Default number of markets: the eight templates. */
const TEMPLATE_COUNT = TEMPLATES.length;
const MIN_MARKETS = 4; // an account holds up to 4 positions, each in a distinct market
const MAX_MARKETS = 4096;

/** The template of every market of a book of `count` markets (clones renamed, less popular per round). */
function marketTemplates(count: number): MarketTemplate[] {
  if (count <= TEMPLATE_COUNT) return TEMPLATES.slice(0, count);
  return Array.from({ length: count }, (_, i) => {
    const t = TEMPLATES[i % TEMPLATE_COUNT]!;
    const round = Math.floor(i / TEMPLATE_COUNT) + 1;
    return round === 1 ? t : { ...t, id: `${t.id}-${round}`, weight: t.weight / round };
  });
}

/** The markets of a generated book for `seed` (marks jittered by up to +-5 %). */
function buildMarkets(rng: Random, templates: readonly MarketTemplate[]): Market[] {
  return templates.map((t) => {
    const scale = POW10[t.priceDecimals];
    const jitter = 1 + (rng.float() - 0.5) * 0.1;
    const markPrice = BigInt(Math.max(1, Math.round(t.mark * jitter * scale)));
    const tiers: Tier[] = t.tiers.map(([max, mmr]) => ({ maxNotional: max === null ? null : BigInt(max) * 1_000_000n, mmrPpm: BigInt(mmr) }));
    const m: { -readonly [K in keyof Market]: Market[K] } = {
      id: t.id,
      sizeDecimals: t.sizeDecimals,
      priceDecimals: t.priceDecimals,
      markPrice,
      tiers,
      liquidationFeePpm: BigInt(t.feePpm),
    };
    if (t.volatility) m.volatility = { currentPpm: BigInt(t.volatility[0]), referencePpm: BigInt(t.volatility[1]) };
    if (t.impact) m.impact = { depth: BigInt(t.impact[0]) * 1_000_000n, maxSlippagePpm: BigInt(t.impact[1]) };
    return m;
  });
}

/**
 * Generates a book of `accounts` accounts (ids `acct-000001`, ... zero-padded to at least 6 digits)
 * over 8 markets (or `markets`). Same options, same columns. Memory: the columns themselves plus one byte per
 * account; 10M accounts take about 0.5 GB of typed arrays plus the id strings.
 */
export function generateBook(options: GenerateOptions): BookColumns {
  const n = options.accounts;
  if (!Number.isSafeInteger(n) || n < 0 || n > 500_000_000) throw new RangeError(`accounts must be an integer in [0, 500000000], got ${n}`);
  const seed = options.seed ?? 1;
  const marketCount = options.markets ?? TEMPLATE_COUNT;
  if (!Number.isSafeInteger(marketCount) || marketCount < MIN_MARKETS || marketCount > MAX_MARKETS) {
    throw new RangeError(`markets must be an integer in [${MIN_MARKETS}, ${MAX_MARKETS}], got ${marketCount}`);
  }
  const templates = marketTemplates(marketCount);
  const onProgress = options.onProgress;
  const rng = new Random(seed);
  const markets = buildMarkets(rng, templates);
  const nm = markets.length;

  // Pass 1: how many positions each account holds (a separate stream, so sizes are exact up front).
  const countRng = new Random(seed ^ 0x5bd1e995);
  const counts = new Uint8Array(n);
  let np = 0;
  for (let a = 0; a < n; a++) {
    const u = countRng.float();
    let k = 1;
    while (u >= POSITION_COUNT[k - 1]) k++;
    counts[a] = k;
    np += k;
  }

  const accountIds: string[] = [];
  const collateral = new BigInt64Array(n);
  const positionStart = new Uint32Array(n + 1);
  const positionMarket = new Uint32Array(np);
  const positionSize = new BigInt64Array(np);
  const positionEntry = new BigInt64Array(np);
  // Values are safe integers: store them as two 32-bit words, without a BigInt each.
  const collateralWords = int32Words(collateral);
  const sizeWords = int32Words(positionSize);
  const entryWords = int32Words(positionEntry);
  const put = (a: BigInt64Array, w: Int32Array | null, i: number, x: number): void => {
    if (w !== null) {
      w[2 * i] = x;
      w[2 * i + 1] = Math.floor(x / 4294967296);
    } else a[i] = BigInt(x);
  };

  const markUnits = markets.map((m) => Number(m.markPrice));
  const priceScale = markets.map((m) => POW10[m.priceDecimals]);
  const sizeScale = markets.map((m) => POW10[m.sizeDecimals]);
  const markQuote = markUnits.map((u, i) => u / priceScale[i]);
  const spread = templates.map((t) => t.spread);
  const baseMmr = templates.map((t) => t.tiers[0][1] / 1_000_000);
  const shapes = templates.map(marketShape);
  const weights: number[] = [];
  {
    const total = templates.reduce((s, t) => s + t.weight, 0);
    let acc = 0;
    for (const t of templates) weights.push((acc += t.weight / total));
    weights[nm - 1] = 1;
  }
  const width = Math.max(6, String(n).length);
  const share = new Float64Array(4);
  const chosen = new Int32Array(4);

  let p = 0;
  for (let a = 0; a < n; a++) {
    accountIds.push("acct-" + String(a + 1).padStart(width, "0"));
    positionStart[a] = p;
    const k = counts[a];
    const notional = sample(rng, NOTIONAL, true);
    let leverage = sample(rng, LEVERAGE, false);
    // distinct markets by popularity, and a random split of the notional
    let shareSum = 0;
    let firstMmr = 0;
    for (let j = 0; j < k; j++) {
      let m: number;
      do {
        const u = rng.float();
        m = 0;
        while (u >= weights[m]) m++;
      } while (chosenBefore(chosen, j, m));
      chosen[j] = m;
      share[j] = 0.2 + rng.float();
      shareSum += share[j];
      if (baseMmr[m] > firstMmr) firstMmr = baseMmr[m];
    }
    // venues cap leverage well below 1 / mmr (else a position is liquidatable when it opens)
    const cap = LEVERAGE_CAP / firstMmr;
    if (leverage > cap) leverage = cap;
    let entryNotional = 0;
    let pnl = 0; // quote, float: only to shape the health of the account
    let maintenance = 0;
    let slippage = 0;
    for (let j = 0; j < k; j++) {
      const m = chosen[j];
      const quote = (notional * share[j]) / shareSum;
      const units = Math.max(1, Math.round((quote / markQuote[m]) * sizeScale[m]));
      const long = rng.float() < LONG_SHARE;
      // Irwin-Hall(4), standardised: close to a normal, bounded at +-3.46
      let z = (rng.float() + rng.float() + rng.float() + rng.float() - 2) * SQRT3;
      if (rng.float() < WIDE_SHARE) z *= WIDE_FACTOR;
      let dev = z * spread[m];
      if (dev > MAX_DEVIATION) dev = MAX_DEVIATION;
      else if (dev < -MAX_DEVIATION) dev = -MAX_DEVIATION;
      const entry = Math.max(1, Math.round(markUnits[m] * (1 + dev)));
      const base = units / sizeScale[m];
      entryNotional += base * (entry / priceScale[m]);
      const markNotional = base * markQuote[m];
      pnl += (long ? base : -base) * (markQuote[m] - entry / priceScale[m]);
      maintenance += approxMaintenance(shapes[m], markNotional);
      slippage += approxSlippage(shapes[m], markNotional);
      positionMarket[p] = m;
      put(positionSize, sizeWords, p, long ? units : -units);
      put(positionEntry, entryWords, p, entry);
      p++;
    }
    let equity = entryNotional / leverage + pnl;
    // An account past the line is usually caught soon after it crosses it: most of those the
    // entry spread pushed far under water are placed back between the close-out slippage and the
    // maintenance line (liquidatable, no bad debt), as if their trader had topped up margin.
    if (equity < maintenance && rng.float() < RESCUE_SHARE) equity = slippage + (maintenance - slippage) * rng.float();
    // (a handful per million would need negative collateral for that: they keep one unit instead)
    put(collateral, collateralWords, a, Math.max(1, Math.round((equity - pnl) * 1_000_000)));
    if (onProgress && (a & 0xffff) === 0xffff) onProgress(a + 1, n);
  }
  positionStart[n] = p;
  if (onProgress) onProgress(n, n);
  // "acct-" and a zero-padded number: unique by construction.
  return { liquidatorSharePpm: LIQUIDATOR_SHARE_PPM, markets, accountIds: checkedIds(accountIds), collateral, positionStart, positionMarket, positionSize, positionEntry };
}
