/**
 * Random drift-v2 books for the differential tests: Drift's precisions (sizes 10^-9, prices
 * 10^-6), realistic market parameters (margin ratios 1 % to 50 %, imf factors 0 to 0.005, pnl
 * weights 100 % or less, liquidator fees of 0.5 % to 2 %) and the edges (imf 10^6, weight 0,
 * prices and sizes near 2^63, quote asset amounts at the ends of i64, USDC borrows), with a share
 * of the accounts put exactly on their trigger line or one unit either side.
 */
import type { Account, Asset, Balance, Book, DriftMarket, Market, Position } from "../../book/types.js";
import { evaluateAccount } from "../../reference/index.js";
import { I64_MAX, I64_MIN, Rng } from "./random-book.js";

export interface DriftBookOptions {
  readonly accounts: number;
  readonly markets?: number;
  /** Share of extreme values (0 to 1). */
  readonly extreme: number;
  /** Every market weights positive pnl at 100 % and keeps its ratios below 100 % (the liquidation-price search's domain). */
  readonly monotone?: boolean;
  /** Collateral assets (Drift's spot markets) and balances in them. */
  readonly assets?: boolean;
}

function randomAsset(rng: Rng, i: number, extreme: boolean): Asset {
  const decimals = rng.pick([6, 8, 9, 5, extreme ? 12 : 9]);
  const w = BigInt(rng.pick([10_000, 9_000, 8_000, 0, rng.int(0, 10_000)])) * 100n;
  const iw = (w * BigInt(rng.int(0, 100))) / 100n / 100n * 100n;
  const lw = BigInt(rng.pick([10_000, 11_000, 12_500, rng.int(10_000, extreme ? 1_000_000 : 20_000)])) * 100n;
  const price = extreme && rng.chance(0.3) ? rng.pick([0n, 1n, I64_MAX, I64_MAX - rng.bits(20)]) : BigInt(rng.int(1, 100_000)) * 1_000_000n + BigInt(rng.int(0, 999_999));
  const imf = extreme && rng.chance(0.3) ? rng.pick([1n, 1_000_000n, BigInt(rng.int(0, 1_000_000))]) : rng.pick([0n, 0n, 1_000n, 10_000n]);
  return { id: `S${i}`, decimals, priceDecimals: 6, price, maintenanceWeightPpm: w, initialWeightPpm: iw, liabilityWeightPpm: lw, drift: { imfFactor: imf } };
}

function randomMarket(rng: Rng, i: number, extreme: boolean, monotone: boolean, buffer: bigint, initialPct: bigint): Market {
  const mrm = extreme && rng.chance(0.3) ? rng.pick([1n, 9_999n, BigInt(rng.int(1, 9_999))]) : BigInt(rng.pick([100, 250, 300, 500, 1_000, 2_500]));
  const mri = mrm + (extreme && rng.chance(0.3) ? rng.pick([1n, 10_000n - mrm]) : BigInt(rng.int(1, Number(10_000n - mrm))));
  const imf = monotone ? rng.pick([0n, 0n, 50n, 1_000n]) : extreme && rng.chance(0.3) ? rng.pick([1n, 1_000_000n, BigInt(rng.int(0, 1_000_000))]) : rng.pick([0n, 0n, 50n, 500n, 1_000n, 5_000n]);
  const drift: DriftMarket = {
    marginRatioInitial: mri > 10_000n ? 10_000n : mri,
    imfFactor: imf,
    unrealizedPnlMaintenanceAssetWeight: monotone ? 10_000n : rng.chance(0.6) ? 10_000n : rng.pick([0n, 1n, 9_500n, BigInt(rng.int(0, 10_000))]),
    ifLiquidationFee: extreme && rng.chance(0.3) ? rng.pick([0n, 1_000_000n]) : rng.pick([0n, 10_000n, 20_000n, BigInt(rng.int(0, 50_000))]),
    orderStepSize: rng.pick([1n, 1_000n, 1_000_000n, 10_000_000n]),
    liquidationMarginBufferRatio: buffer,
    initialPctToLiquidate: initialPct,
  };
  const price = extreme && rng.chance(0.2) ? rng.pick([0n, 1n, I64_MAX, I64_MAX - rng.bits(20)]) : BigInt(rng.int(1, 100_000)) * 1_000_000n + BigInt(rng.int(0, 999_999));
  return {
    id: `M${i}`, sizeDecimals: 9, priceDecimals: 6, markPrice: price,
    tiers: [{ maxNotional: null, mmrPpm: mrm * 100n }],
    liquidationFeePpm: extreme && rng.chance(0.3) ? rng.pick([0n, 1n, 1_000_000n]) : rng.pick([5_000n, 10_000n, 20_000n, BigInt(rng.int(0, 50_000))]),
    drift: { ...drift, marginRatioInitial: drift.marginRatioInitial <= mrm ? mrm + 1n : drift.marginRatioInitial },
  };
}

function randomPosition(rng: Rng, m: number, market: Market, extreme: boolean): Position {
  const step = market.drift!.orderStepSize;
  const price = market.markPrice;
  let units: bigint;
  if (extreme && rng.chance(0.4)) units = rng.pick([0n, 1n, I64_MAX / step, rng.bits(rng.int(1, 62)) / step]);
  else units = (BigInt(rng.int(1, 2_000_000)) * 1_000_000n + BigInt(rng.int(0, 999_999))) / step; // up to 2,000 base units
  const size = (rng.chance(0.5) ? 1n : -1n) * units * step;
  // The quote asset amount: about -size * entry / 10^9 for an entry near the mark, or the edges.
  let q: bigint;
  if (extreme && rng.chance(0.3)) q = rng.pick([0n, I64_MIN, I64_MAX, -rng.bits(rng.int(1, 63)), rng.bits(rng.int(1, 62))]);
  else {
    const entry = price + (price * BigInt(rng.int(-200, 200))) / 1000n;
    const v = (-size * entry) / 1_000_000_000n;
    q = v > I64_MAX ? I64_MAX : v < I64_MIN ? I64_MIN : v;
  }
  return { market: m, size, entryPrice: q };
}

export function randomDriftBook(rng: Rng, options: DriftBookOptions): Book {
  const buffer = rng.pick([200n, 0n, 100n, BigInt(rng.int(0, 10_000))]);
  const initialPct = rng.pick([10_000n, 1_000n, 2_500n, 0n, BigInt(rng.int(0, 10_000))]);
  const markets = Array.from({ length: options.markets ?? rng.int(1, 5) }, (_, i) => randomMarket(rng, i, rng.chance(options.extreme), options.monotone === true, buffer, initialPct));
  const assets = options.assets ? Array.from({ length: rng.int(1, 3) }, (_, i) => randomAsset(rng, i, rng.chance(options.extreme))) : undefined;
  const accounts: Account[] = [];
  for (let a = 0; a < options.accounts; a++) {
    const extreme = rng.chance(options.extreme);
    const held = new Set<number>();
    const positions: Position[] = [];
    const count = rng.int(0, Math.min(3, markets.length));
    for (let k = 0; k < count; k++) {
      const m = rng.int(0, markets.length - 1);
      if (held.has(m)) continue;
      held.add(m);
      positions.push(randomPosition(rng, m, markets[m]!, extreme));
    }
    const collateral = extreme && rng.chance(0.3) ? rng.pick([0n, I64_MIN, I64_MAX, -rng.bits(40)]) : BigInt(rng.int(-1_000, 100_000)) * 1_000_000n;
    const balances: Balance[] = [];
    for (let k = 0; assets !== undefined && k < assets.length; k++) {
      if (!rng.chance(0.5)) continue;
      const units = extreme && rng.chance(0.3) ? rng.pick([1n, I64_MAX, rng.bits(rng.int(1, 63))]) : BigInt(rng.int(1, 1_000_000)) * 10n ** BigInt(Math.max(0, assets[k]!.decimals - 3));
      balances.push({ asset: k, amount: rng.chance(0.4) ? -units : units });
    }
    accounts.push({ id: `a${a}`, collateral, positions, ...(balances.length > 0 ? { balances } : {}) });
  }
  const book: Book = { venue: "drift-v2", liquidatorSharePpm: 0n, markets, accounts, ...(assets ? { assets } : {}) };
  // A quarter of the accounts on the trigger line (equity = requirement), or a unit either side.
  const moved = accounts.map((account, a) => {
    if (!rng.chance(0.25)) return account;
    const x = evaluateAccount(book, a);
    const collateral = account.collateral + x.maintenance - x.equity + BigInt(rng.int(-1, 1));
    return collateral >= I64_MIN && collateral <= I64_MAX ? { ...account, collateral } : account;
  });
  return { ...book, accounts: moved };
}
