/**
 * The wrapper's copy of assembly/layout.ts (the one place the memory layout is documented).
 * `checkLayout` compares the sizes with the ones the core reports, so a change on one side
 * without the other fails at instantiation, not with wrong numbers.
 */

export const LAYOUT_VERSION = 11;

export const DESC = {
  accounts: 0, positions: 4, markets: 8,
  collateral: 12, positionStart: 16, positionMarket: 20, positionSize: 24, positionEntry: 28,
  marketTable: 32, tierTable: 36,
  status: 40, flagged: 44, flaggedCount: 48, spare: 52, capacity: 56, scratch: 60, totals: 64, editedCount: 68,
  liquidatorShare: 72, marketSummary: 80, candidates: 84, slack: 88,
  positionEnd: 96, changes: 100, changeCount: 104, changeCapacity: 108,
  assets: 112, assetTable: 116, quoteCollateral: 120, balanceStart: 124, balanceAsset: 128, balanceAmount: 132,
  tickBounds: 136, tickMarket: 140, tickHolders: 144, tickHolderCount: 148, tickSizes: 152,
  // gmx-v2 books: the region of the accounts' USD amounts at 10^-30 (assembly/layout.ts DESC_GMX_WIDE).
  gmxWide: 156,
} as const;
export const DESC_BYTES = 160;

export const ASSET = { price: 0, weight: 8, liabilityWeight: 16, divisor: 24, multiplier: 32, driftImf: 40, gmxTokenShift: 40 } as const;
export const ASSET_BYTES = 48;

export const CHANGE = { account: 0, before: 4 } as const;
export const CHANGE_BYTES = 8;
/** positionMarket of a slot no account holds. */
export const FREE_SLOT = 0xffffffff;

export const ENTRY = {
  account: 0, status: 4, equity: 8, maintenance: 16, penalty: 24, liquidatorReward: 32,
  badDebt: 40, returned: 48, notional: 56,
} as const;
export const ENTRY_BYTES = 72;

/** Accounts per chunk of an incremental scan's work list (u32 each). */
export const CANDIDATE_CHUNK = 16384;

export const MARKET = {
  mark: 0, sizeDecimals: 8, priceDecimals: 12, feePpm: 16, volCurrent: 24, volReference: 32,
  depth: 40, maxSlippage: 48, tierStart: 56, tierCount: 60, rateDenominator: 96,
  // dydx-v4 (assembly/layout.ts): the block limits in the impact fields, the step and the portion in spares.
  dydxMinNotional: 40, dydxSubaccountMax: 48, dydxMaxPortion: 88, dydxStep: 112,
  // drift-v2: the program's parameters in the impact and volatility fields and the spares.
  driftStep: 40, driftPnlWeight: 48, driftIfFee: 52, driftBuffer: 88, driftInitialPct: 92,
  // gmx-v2: the spread and open interest in tokens in the impact fields and spares, factors (10^-9) in u32 spares,
  // USD amounts at 10^-30 in the block at the end (assembly/layout.ts: MIN_COLLATERAL_USD u128 saturated at 2^126,
  // open interest and the pnl cap's bound u192, exact).
  gmxSpread: 40, gmxMinCf: 88, gmxLiqFee: 92, gmxTokenDecimals: 200, gmxLongOiTokens: 208, gmxShortOiTokens: 224,
  gmxMinUsd: 400, gmxLongOi: 416, gmxLongMaxPnl: 440, gmxShortOi: 464, gmxShortMaxPnl: 488,
} as const;
export const MARKET_BYTES = 512;

export const TIER = { maxNotional: 0, mmrPpm: 8, dydxImf: 56, dydxFraction: 60, driftRatio: 56, driftImf: 60, gmxReceiver: 56, gmxMaxImpact: 60 } as const;
export const TIER_BYTES = 64;

export const TOTALS = { liquidatable: 0, overflow: 4, penalty: 8, liquidatorReward: 24, insuranceFund: 40, badDebt: 56, notional: 72 } as const;
export const TOTALS_BYTES = 88;

/** Set by the wrapper in an edited account's status byte; the next scan re-evaluates the account and clears it. */
export const STATUS_DIRTY = 0x80;

export const I64_MAX = (1n << 63n) - 1n;

export interface CoreSizes {
  layoutVersion(): number;
  descriptorBytes(): number;
  marketBytes(): number;
  tierBytes(): number;
  totalsBytes(): number;
  entryBytes(): number;
  changeBytes(): number;
  assetBytes(): number;
}

export function checkLayout(core: CoreSizes): void {
  const ours = [LAYOUT_VERSION, DESC_BYTES, MARKET_BYTES, TIER_BYTES, TOTALS_BYTES, ENTRY_BYTES, CHANGE_BYTES, ASSET_BYTES];
  const theirs = [core.layoutVersion(), core.descriptorBytes(), core.marketBytes(), core.tierBytes(), core.totalsBytes(), core.entryBytes(), typeof core.changeBytes === "function" ? core.changeBytes() : -1, typeof core.assetBytes === "function" ? core.assetBytes() : -1];
  if (ours.some((v, i) => v !== theirs[i])) {
    throw new Error(`liqscan: the WebAssembly core's memory layout (${theirs.join(",")}) does not match the bindings (${ours.join(",")}); rebuild with npm run build`);
  }
}
