// Random gmx-v2 books for the tests: one isolated position per account, its collateral token a
// balance, its impact the quote collateral; realistic values mixed with the edges (sizes and
// amounts near 2^63, pools that cap the pnl, zero prices), market amounts (open interest, pools) up
// to the book's 2^192 bound (the core's 256-bit pool path), open interest in tokens near its USD
// cost (so that pool pnls are moderate and caps bind), and GMX's full precision: USD amounts at
// 10^-30 with all 24 digits past the quote unit; half the markets with a tokenDecimals finer than
// their sizeDecimals (layout 11), every sizeInTokens with digits below the size unit and the open
// interest in tokens up to its bounds (2^128, and 2^192 at one price unit).
import type { Asset, Book, Market } from "../../book/types.js";
import type { Rng } from "./random-book.js";

const E24 = 10n ** 24n;
const floor24 = (x: bigint) => (x >= 0n ? x / E24 : -((-x + E24 - 1n) / E24));

/**
 * sizeInUsd and impact in quote units, or with `sizeInUsd30` / `impact30` at 10^-30 (the quote
 * images derived: their floors).
 */
export function gmxBook(market: Market, assets: Asset[], accounts: { size: bigint; sizeInUsd: bigint; collateral: bigint; asset?: number; impact?: bigint; sizeInUsd30?: bigint; impact30?: bigint; tokens?: bigint; collateralTokens?: bigint }[]): Book {
  const held = (a: { asset?: number; collateral: bigint; collateralTokens?: bigint }) => {
    const x = assets[a.asset ?? 0]!;
    const s = 10n ** BigInt((x.tokenDecimals ?? x.decimals) - x.decimals);
    const t = a.collateralTokens;
    if (t === undefined) return { asset: a.asset ?? 0, amount: a.collateral };
    const amount = t < 0n ? -(-t / s) : t / s;
    return t % s === 0n ? { asset: a.asset ?? 0, amount } : { asset: a.asset ?? 0, amount, tokenAmount: t };
  };
  const scale = 10n ** BigInt((market.gmx?.tokenDecimals ?? market.sizeDecimals) - market.sizeDecimals);
  const image = (t: bigint) => (t < 0n ? -(-t / scale) : t / scale);
  return {
    venue: "gmx-v2", liquidatorSharePpm: 0n, markets: [market], assets,
    accounts: accounts.map((a, i) => ({
      id: `p${i}`, collateral: a.impact30 !== undefined ? floor24(a.impact30) : a.impact ?? 0n, margin: "isolated",
      positions: [{ market: 0, size: a.tokens !== undefined ? image(a.tokens) : a.size, entryPrice: a.sizeInUsd30 !== undefined ? floor24(a.sizeInUsd30) : a.sizeInUsd, ...(a.sizeInUsd30 !== undefined && a.sizeInUsd30 % E24 !== 0n ? { sizeInUsd30: a.sizeInUsd30 } : {}),
        ...(a.tokens !== undefined && a.tokens % scale !== 0n ? { sizeInTokens: a.tokens } : {}) }],
      balances: [held(a)],
      ...(a.impact30 !== undefined && a.impact30 % E24 !== 0n ? { collateral30: a.impact30 } : {}),
    })),
  };
}

/** A random amount of 24 digits below the quote unit, or none (a third of the time). */
function digits(rng: Rng): bigint {
  if (rng.chance(0.33)) return 0n;
  return rng.chance(0.1) ? BigInt(rng.int(0, 2) === 0 ? 1 : -1) + (rng.chance(0.5) ? 0n : E24 - 1n) : rng.bits(79) % E24;
}

export function randomGmxBook(rng: Rng, maxAccounts = 300): Book {
  const extreme = rng.chance(0.3);
  const sd = rng.int(0, 12), pd = rng.int(0, Math.min(18, 24 - sd));
  const mark = extreme && rng.chance(0.3) ? rng.bits(rng.int(1, 62)) : BigInt(rng.int(1, 1_000_000)) * 10n ** BigInt(Math.min(12, Math.max(0, pd - 3)));
  const factor = (max: number) => BigInt(rng.int(0, max)) * 10n ** 21n;
  const usd = (bits: number) => { const x = rng.bits(rng.int(1, bits)) * E24 + digits(rng); return x < 0n ? 0n : x; };
  // Market amounts up to (2^112 - 1) * 10^24 + 10^24 - 1 < 2^192 quote-unit digits included.
  const usdBits = rng.chance(0.4) ? 112 : extreme ? 63 : 50;
  // Token amounts exact in 10^-td (td - sd <= 19, td + pd <= 30, td <= 18).
  const td = rng.chance(0.5) ? sd : sd + rng.int(0, Math.max(0, Math.min(19, 30 - pd - sd, 18 - sd)));
  const scale = 10n ** BigInt(td - sd);
  const unitValue = 10n ** BigInt(30 - td - pd);
  const unit = mark * unitValue; // the index price per token unit at 10^-30
  // The open interest in tokens below 2^128 and, times 10^(30 - td - pd), below 2^192.
  let tokenBits = 127;
  while (tokenBits > 1 && (1n << BigInt(tokenBits)) * unitValue > 1n << 192n) tokenBits--;
  const side = () => {
    const oi = rng.chance(0.3) ? 0n : usd(usdBits);
    let tokens = rng.bits(rng.int(1, extreme ? tokenBits : Math.min(45 + 4 * (td - sd), tokenBits)));
    if (oi > 0n && unit > 0n && rng.chance(0.5)) {
      const t = (oi * BigInt(rng.int(900, 1100))) / 1000n / unit;
      if (t > 0n && t < 1n << BigInt(tokenBits)) tokens = t;
    }
    return { maxPnlFactorForTraders: factor(1_000_000_000), openInterestUsd: oi, openInterestInTokens: tokens, poolUsd: usd(usdBits) };
  };
  const market: Market = {
    id: "M", sizeDecimals: sd, priceDecimals: pd, markPrice: mark, tiers: [{ maxNotional: null, mmrPpm: 10_000n }], liquidationFeePpm: 0n,
    gmx: { ...(td !== sd || rng.chance(0.5) ? { tokenDecimals: td } : {}), indexPriceSpread: rng.chance(0.5) ? 0n : BigInt(rng.int(0, 1000)), minCollateralFactorForLiquidation: factor(200_000_000), liquidationFeeFactor: factor(10_000_000),
      liquidationFeeReceiverFactor: factor(1_000_000_000), maxPositionImpactFactorForLiquidations: factor(50_000_000), minCollateralUsd: rng.chance(0.2) ? 0n : BigInt(rng.int(0, 5_000_000)) * E24 + (rng.chance(0.5) ? 0n : rng.bits(79) % E24), long: side(), short: side() },
  };
  const dc = rng.int(0, 18), pc = rng.int(0, Math.min(18, 24 - dc));
  // The collateral token's exact unit (half the books): tdc - dc <= 19, tdc <= 18, tdc + pc <= 30.
  const tdc = rng.chance(0.5) ? dc : dc + rng.int(0, Math.max(0, Math.min(19, 18 - dc, 30 - pc - dc)));
  const cScale = 10n ** BigInt(tdc - dc);
  const asset: Asset = { ...(tdc !== dc || rng.chance(0.3) ? { tokenDecimals: tdc } : {}), id: "C", decimals: dc, priceDecimals: pc, price: rng.chance(0.05) ? 0n : BigInt(rng.int(1, 1_000_000)) * 10n ** BigInt(Math.min(12, Math.max(0, pc - 3))), maintenanceWeightPpm: 1_000_000n, initialWeightPpm: 1_000_000n, liabilityWeightPpm: 1_000_000n };
  const accounts = Array.from({ length: rng.int(1, maxAccounts) }, () => {
    const size = rng.bits(rng.int(1, extreme ? 63 : 40)) * (rng.chance(0.5) ? -1n : 1n);
    // sizeInUsd near the size's value at the mark, so that accounts sit near the trigger.
    const value = (size < 0n ? -size : size) * mark * 10n ** 6n / 10n ** BigInt(sd + pd);
    const sizeInUsd = value > 0n && value < 1n << 62n && !rng.chance(0.1) ? value + BigInt(rng.int(-1000, 1000)) * (value / 10_000n + 1n) : rng.bits(rng.int(1, 62));
    const collateral = rng.bits(rng.int(0, extreme ? 63 : 45)) * (rng.chance(0.1) ? -1n : 1n);
    const e = sizeInUsd > 0n ? sizeInUsd : 1n;
    const q = rng.chance(0.5) ? 0n : BigInt(rng.int(-1_000_000_000, 100_000_000));
    // GMX's own precision where the exact amount stays below 2^125 (past it, the quote image alone).
    const e30 = e * E24 + (rng.bits(79) % E24);
    const q30 = q * E24 + digits(rng);
    // sizeInTokens: the size's units and digits below them (the magnitude's residue, the size's sign).
    const residue = scale > 1n ? rng.bits(64) % scale : 0n;
    const tokens = size === 0n ? 0n : size < 0n ? size * scale - residue : size * scale + residue;
    const cResidue = cScale > 1n ? rng.bits(64) % cScale : 0n;
    const collateralTokens = collateral < 0n ? collateral * cScale - cResidue : collateral * cScale + cResidue;
    return { size, tokens, collateralTokens, sizeInUsd: e, collateral, impact: q, ...(rng.chance(0.7) && e30 < 1n << 125n ? { sizeInUsd30: e30 } : {}), ...(rng.chance(0.6) && q30 !== 0n ? { impact30: q30 } : {}) };
  });
  return gmxBook(market, [asset], accounts);
}

