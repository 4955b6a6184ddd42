/**
 * The wrapper's copy of assembly/layout.ts (the one place the memory layout is documented).
 * `checkLayout` compares the sizes with the ones the core reports, so a change on one side
 * without the other fails at instantiation, not with wrong numbers.
 */

export const LAYOUT_VERSION = 1;

export const DESC = {
  accounts: 0, positions: 4, markets: 8,
  collateral: 12, positionStart: 16, positionMarket: 20, positionSize: 24, positionEntry: 28,
  marketTable: 32, tierTable: 36,
  status: 40, equity: 44, maintenance: 48, penalty: 52, liquidatorReward: 56, insuranceFund: 60,
  badDebt: 64, returned: 68, totals: 72, liquidatorShare: 80,
} as const;
export const DESC_BYTES = 88;

export const MARKET = {
  mark: 0, sizeDecimals: 8, priceDecimals: 12, feePpm: 16, volCurrent: 24, volReference: 32,
  depth: 40, maxSlippage: 48, tierStart: 56, tierCount: 60,
} as const;
export const MARKET_BYTES = 96;

export const TIER = { maxNotional: 0, mmrPpm: 8 } as const;
export const TIER_BYTES = 32;

export const TOTALS = { liquidatable: 0, overflow: 4, penalty: 8, liquidatorReward: 24, insuranceFund: 40, badDebt: 56, notional: 72 } as const;
export const TOTALS_BYTES = 88;

export const I64_MAX = (1n << 63n) - 1n;

export interface CoreSizes {
  layoutVersion(): number;
  descriptorBytes(): number;
  marketBytes(): number;
  tierBytes(): number;
  totalsBytes(): number;
}

export function checkLayout(core: CoreSizes): void {
  const ours = [LAYOUT_VERSION, DESC_BYTES, MARKET_BYTES, TIER_BYTES, TOTALS_BYTES];
  const theirs = [core.layoutVersion(), core.descriptorBytes(), core.marketBytes(), core.tierBytes(), core.totalsBytes()];
  if (ours.some((v, i) => v !== theirs[i])) {
    throw new Error(`liqscan: the WebAssembly core's memory layout (${theirs.join(",")}) does not match the bindings (${ours.join(",")}); rebuild with npm run build`);
  }
}
