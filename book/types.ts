/**
 * The book in memory, in the integer units of docs/model.md: every amount is a bigint count of
 * the smallest unit of its field. This is what the parsers produce, what the generator produces,
 * and what both engines load. Nothing here is a float.
 *
 * - quote amounts (collateral, maxNotional, depth): 10^-6 quote units (QUOTE_DECIMALS = 6)
 * - sizes: 10^-sizeDecimals base units of the position's market; long > 0, short < 0
 * - prices: 10^-priceDecimals quote per base unit of the market; >= 0
 * - rates (mmr, fees, shares, slippage, volatility): parts per million
 */

export const QUOTE_DECIMALS = 6;
/** 1_000_000 ppm = 100 %. */
export const PPM = 1_000_000n;

/**
 * The venues whose rules liqscan implements (docs/venues/): "generic" is the model of
 * docs/model.md, and the default when a book names none.
 */
export type VenueName = "generic" | "binance-usdm" | "hyperliquid" | "dydx-v4" | "drift-v2" | "gmx-v2";
export const VENUE_NAMES: readonly VenueName[] = ["generic", "binance-usdm", "hyperliquid", "dydx-v4", "drift-v2", "gmx-v2"];

/**
 * One maintenance tier: applies to notionals up to and including `maxNotional` (null on the last
 * tier). What defines its rate depends on the book's venue:
 * - generic and binance-usdm: `mmrPpm`; binance-usdm also gives `cum`, the bracket's maintenance
 *   amount as Binance publishes it (quote units), taken as given rather than derived;
 * - hyperliquid: `maxLeverage`, the rate being exactly 1 / (2 * maxLeverage) (`mmrPpm` is 0).
 * - dydx-v4: one tier (the market's liquidity tier) with `imrPpm`, its initial margin fraction, and
 *   `maintenanceFractionPpm`: maintenance = ceil(ceil(n * imr / 10^6) * fraction / 10^6) (`mmrPpm` is 0).
 * - drift-v2: one tier with `mmrPpm` = the market's margin_ratio_maintenance * 100 (its base rate;
 *   the size premium and the program's roundings are in `drift`, docs/venues/drift-v2.md).
 * `maxLeverage` on a binance-usdm bracket is its `initialLeverage`.
 */
export interface Tier {
  readonly maxNotional: bigint | null;
  readonly mmrPpm: bigint;
  readonly cum?: bigint;
  readonly maxLeverage?: bigint;
  /** generic, optional: the tier's initial-margin rate in ppm (a book gives it on every tier or on none). */
  readonly imrPpm?: bigint;
  /** dydx-v4: the liquidity tier's maintenance fraction of the initial margin, ppm. */
  readonly maintenanceFractionPpm?: bigint;
}

/**
 * dydx-v4: what the chain keeps beside the liquidity tier (docs/venues/dydx-v4.md): the clob
 * pair's step, the perpetual's open interest with the tier's caps (they scale the initial margin
 * fraction), and the liquidations config's block limits (the chain's, the same on every market).
 */
export interface DydxMarket {
  /** The clob pair's stepBaseQuantums: a partial liquidation closes a multiple of it (size units). */
  readonly stepBaseQuantums: bigint;
  /** The perpetual's open interest (size units), and the tier's caps on its notional (quote units; upper 0: no scaling). */
  readonly openInterest: bigint;
  readonly openInterestLowerCap: bigint;
  readonly openInterestUpperCap: bigint;
  /** PositionBlockLimits: min_position_notional_liquidated (quote units), max_position_portion_liquidated_ppm. */
  readonly minPositionNotionalLiquidated: bigint;
  readonly maxPositionPortionLiquidatedPpm: bigint;
  /** SubaccountBlockLimits.max_notional_liquidated (quote units). */
  readonly subaccountMaxNotionalLiquidated: bigint;
}

/**
 * drift-v2: the perp market's margin and liquidation parameters as the program keeps them
 * (drift-labs/protocol-v2 PerpMarket and State; docs/venues/drift-v2.md), in the program's own
 * precisions: margin ratios and the buffer in 10^-4 (MARGIN_PRECISION), the asset weight in 10^-4
 * (SPOT_WEIGHT_PRECISION), fees in 10^-6 (LIQUIDATION_FEE_PRECISION, i.e. ppm), imf factors in
 * 10^-6 (SPOT_IMF_PRECISION), the initial share in 10^-4 (LIQUIDATION_PCT_PRECISION). The liquidator
 * fee is the market's `liquidationFeePpm`.
 */
export interface DriftMarket {
  /** margin_ratio_initial (10^-4); margin_ratio_maintenance is the tier's mmrPpm / 100. */
  readonly marginRatioInitial: bigint;
  /** imf_factor (10^-6): the size premium of the margin ratio. */
  readonly imfFactor: bigint;
  /** unrealized_pnl_maintenance_asset_weight (10^-4): the weight of a position's positive pnl in the maintenance collateral. */
  readonly unrealizedPnlMaintenanceAssetWeight: bigint;
  /** if_liquidation_fee (10^-6): the insurance fund's fee cap. */
  readonly ifLiquidationFee: bigint;
  /** amm.order_step_size (size units): a liquidation closes a multiple of it; every size is one. */
  readonly orderStepSize: bigint;
  /** State.liquidation_margin_buffer_ratio (10^-4). */
  readonly liquidationMarginBufferRatio: bigint;
  /** State.initial_pct_to_liquidate (10^-4): the share of the shortage the first liquidation slot may free. */
  readonly initialPctToLiquidate: bigint;
}

/**
 * gmx-v2: what the synthetics contracts keep for a market beside its index price
 * (docs/venues/gmx-v2.md). Factors are GMX's, at FLOAT_PRECISION (10^30 = 100 %), each a multiple
 * of 10^21 (book/validate.ts: the core holds them in parts of 10^9); USD amounts are GMX's too, at
 * 10^-30 USD (FLOAT_PRECISION), >= 0 and unbounded (book/gmx-wide.ts); open interest in tokens is
 * in the market's token units (10^-tokenDecimals).
 */
export interface GmxMarket {
  /** The index token's max price less its min price (price units, >= 0); the market's mark is the min. */
  readonly indexPriceSpread: bigint;
  readonly minCollateralFactorForLiquidation: bigint;
  readonly liquidationFeeFactor: bigint;
  readonly liquidationFeeReceiverFactor: bigint;
  readonly maxPositionImpactFactorForLiquidations: bigint;
  /** MIN_COLLATERAL_USD (10^-30 USD). */
  readonly minCollateralUsd: bigint;
  /**
   * The decimals of the index token amounts held exactly (positions' sizeInTokens, the sides'
   * open interest in tokens): sizeDecimals <= tokenDecimals <= sizeDecimals + 19 and
   * tokenDecimals + priceDecimals <= 30 (18 for ETH in wei). Absent: sizeDecimals. book/gmx-wide.ts.
   */
  readonly tokenDecimals?: number;
  /** The pnl cap (MAX_PNL_FACTOR_FOR_TRADERS) per side, and that side's pool: its open interest (USD and tokens) and its pool token's worth at its min price. */
  readonly long: GmxPoolSide;
  readonly short: GmxPoolSide;
}

export interface GmxPoolSide {
  readonly maxPnlFactorForTraders: bigint;
  /** getOpenInterest (10^-30 USD) and getOpenInterestInTokens (10^-tokenDecimals tokens) of the side. */
  readonly openInterestUsd: bigint;
  readonly openInterestInTokens: bigint;
  /** poolAmount * poolTokenPrice.min of the side's pool token (10^-30 USD), as given. */
  readonly poolUsd: bigint;
}

export interface Volatility {
  readonly currentPpm: bigint;
  readonly referencePpm: bigint;
}

export interface Impact {
  /** Quote units (10^-6) of notional that move the close-out price by 100 %. */
  readonly depth: bigint;
  readonly maxSlippagePpm: bigint;
}

/**
 * The unit of a hyperliquid market's rates: 2 lcm of its tiers' maxLeverage, the least Q in which
 * every rate 1/(2 L) is a whole number of parts (book/validate.ts keeps it at most 10^6).
 */
export function leverageRateDenominator(tiers: readonly Tier[]): bigint {
  let l = 1n;
  for (const t of tiers) {
    const L = t.maxLeverage ?? 0n;
    if (L <= 0n) throw new RangeError("a hyperliquid tier needs maxLeverage >= 1");
    let a = l, b = L;
    while (b !== 0n) [a, b] = [b, a % b];
    l = (l / a) * L;
  }
  return 2n * l;
}

export interface Market {
  readonly id: string;
  readonly sizeDecimals: number;
  readonly priceDecimals: number;
  readonly markPrice: bigint;
  readonly tiers: readonly Tier[];
  readonly liquidationFeePpm: bigint;
  readonly volatility?: Volatility;
  readonly impact?: Impact;
  /** dydx-v4 markets only (and required there). */
  readonly dydx?: DydxMarket;
  /** drift-v2 markets only (and required there). */
  readonly drift?: DriftMarket;
  /** gmx-v2 markets only (and required there). */
  readonly gmx?: GmxMarket;
}

/**
 * A collateral asset (docs/model.md, "Collateral in several assets"): what an account may hold
 * beside its quote collateral, valued at `price` with a weight. Balances count 10^-decimals units
 * of the asset; the price is 10^-priceDecimals quote per whole unit; weights are ppm.
 */
export interface Asset {
  readonly id: string;
  readonly decimals: number;
  readonly priceDecimals: number;
  readonly price: bigint;
  /** What a deposit counts for in equity (the scan, liquidation): [0, 10^6]. */
  readonly maintenanceWeightPpm: bigint;
  /** What a deposit counts for in free collateral: [0, maintenanceWeight]. */
  readonly initialWeightPpm: bigint;
  /** What a borrow counts against equity, both for maintenance and initial: [10^6, 10^8]. */
  readonly liabilityWeightPpm: bigint;
  /**
   * gmx-v2 books: the decimals in which a balance of this collateral token is exact (decimals <=
   * tokenDecimals <= decimals + 19, at most 18, tokenDecimals + priceDecimals <= 30; 18 for WETH:
   * wei). Absent: decimals. book/gmx-wide.ts.
   */
  readonly tokenDecimals?: number;
  /** drift-v2 books: the spot market's imf_factor (10^-6), which discounts a large deposit's weight and raises a large borrow's. */
  readonly drift?: { readonly imfFactor: bigint };
}

/** An account's balance in one asset: positive deposited, negative borrowed. */
export interface Balance {
  /** Index into `Book.assets`. */
  readonly asset: number;
  readonly amount: bigint;
  /**
   * gmx-v2: the amount exactly, in 10^-tokenDecimals of its asset (signed as `amount`), where it has
   * digits below the asset's unit (`amount` is then its magnitude floored, with its sign; absent:
   * amount * 10^(tokenDecimals - decimals)). book/gmx-wide.ts.
   */
  readonly tokenAmount?: bigint;
}

export interface Position {
  /** Index into `Book.markets`. */
  readonly market: number;
  readonly size: bigint;
  /**
   * Price units of the market: the entry price. drift-v2: the position's quote_asset_amount instead,
   * in quote units (10^-6, signed; unrealized funding folded in), which its pnl adds to the
   * position's value (JSON books name it `quoteAssetAmount`).
   */
  readonly entryPrice: bigint;
  /** The position's leverage, where the venue gives one (its initial margin is notional / leverage). */
  readonly leverage?: bigint;
  /** binance-usdm hedge mode: the position's side (absent: one-way, "BOTH"). */
  readonly side?: "LONG" | "SHORT";
  /**
   * gmx-v2: sizeInUsd exactly, at 10^-30 USD, where it has digits past 10^-6 (`entryPrice` is then
   * its floor in quote units; absent: entryPrice * 10^24). book/gmx-wide.ts.
   */
  readonly sizeInUsd30?: bigint;
  /**
   * gmx-v2: sizeInTokens exactly, in 10^-tokenDecimals of the index token (signed as `size`), where
   * it has digits below the size unit (`size` is then its magnitude floored to size units, with its
   * sign; absent: size * 10^(tokenDecimals - sizeDecimals)). book/gmx-wide.ts.
   */
  readonly sizeInTokens?: bigint;
}

export interface Account {
  readonly id: string;
  readonly collateral: bigint;
  readonly positions: readonly Position[];
  /** "isolated": one position with its own margin, an account of its own (absent: cross). */
  readonly margin?: "cross" | "isolated";
  /** Balances in the book's assets, at most one per asset (absent: none). */
  readonly balances?: readonly Balance[];
  /**
   * gmx-v2: the collateral slot (the close's price impact) exactly, at 10^-30 USD, where it has
   * digits past 10^-6 (`collateral` is then its floor; absent: collateral * 10^24). book/gmx-wide.ts.
   */
  readonly collateral30?: bigint;
}

export interface Book {
  /** The venue whose rules apply; absent: "generic". */
  readonly venue?: VenueName;
  readonly liquidatorSharePpm: bigint;
  readonly markets: readonly Market[];
  readonly accounts: readonly Account[];
  /** Collateral assets the accounts may hold balances in (absent or empty: quote collateral only). */
  readonly assets?: readonly Asset[];
}

/** Scan status of one account. */
export type Status = "ok" | "liquidatable" | "overflow";

/** Numeric status codes, as the WebAssembly core writes them into its status column. */
export const STATUS_CODE = { ok: 0, liquidatable: 1, overflow: 2 } as const;
export const STATUS_NAME: readonly Status[] = ["ok", "liquidatable", "overflow"];

/**
 * The result of scanning one account, in quote units (10^-6).
 * `equity` and `maintenance` are null for an overflow account; the close-out amounts are set
 * only for a liquidatable account.
 */
export interface AccountResult {
  readonly status: Status;
  readonly equity: bigint | null;
  readonly maintenance: bigint | null;
  readonly closeOut: CloseOut | null;
}

export interface CloseOut {
  /** Sum of the account's position notionals at the scanned marks: what the close-out trades. */
  readonly notional: bigint;
  readonly penalty: bigint;
  readonly liquidatorReward: bigint;
  readonly insuranceFund: bigint;
  readonly badDebt: bigint;
  readonly returned: bigint;
}

/** Exact sums over a book's liquidatable accounts (bigints, so never wrapped). */
export interface Totals {
  readonly liquidatable: number;
  readonly overflow: number;
  readonly penalty: bigint;
  readonly liquidatorReward: bigint;
  readonly insuranceFund: bigint;
  readonly badDebt: bigint;
  /** Sum of the notionals of the liquidatable accounts' positions: what a full close-out sells or buys. */
  readonly notional: bigint;
}

/**
 * The same book as columns (struct of arrays), the shape the engines scan. An account's positions
 * are contiguous: account `a` holds positions `positionStart[a]` up to (not including)
 * `positionStart[a + 1]`. Big books (CSV files, the generator) are built in this form directly,
 * without an object per position.
 */
export interface BookColumns {
  /** The venue whose rules apply; absent: "generic". */
  readonly venue?: VenueName;
  readonly liquidatorSharePpm: bigint;
  readonly markets: readonly Market[];
  readonly accountIds: readonly string[];
  /** [accounts] quote units. */
  readonly collateral: BigInt64Array;
  /** [accounts + 1] offsets into the position columns; positionStart[0] = 0. */
  readonly positionStart: Uint32Array;
  /** [positions] index into `markets`. */
  readonly positionMarket: Uint32Array;
  /** [positions] size units of the position's market. */
  readonly positionSize: BigInt64Array;
  /** [positions] price units of the position's market. */
  readonly positionEntry: BigInt64Array;
  /** Optional labels of venue books: [accounts] 1 where the account is an isolated position. */
  readonly accountIsolated?: Uint8Array;
  /** [positions] the position's leverage, 0 where none is given. */
  readonly positionLeverage?: Uint32Array;
  /** [positions] binance-usdm hedge mode: 1 LONG, 2 SHORT, 0 one-way. */
  readonly positionSide?: Uint8Array;
  /** Collateral assets; with them the balance columns (all three or none). */
  readonly assets?: readonly Asset[];
  /** [accounts + 1] offsets into the balance columns, as positionStart is into the positions'. */
  readonly balanceStart?: Uint32Array;
  /** [balances] index into `assets`; an account holds each asset at most once. */
  readonly balanceAsset?: Uint32Array;
  /** [balances] 10^-decimals units of the asset; positive deposited, negative borrowed. */
  readonly balanceAmount?: BigInt64Array;
  /**
   * gmx-v2 only, optional: [6 * accounts] each account's sizeInUsd and collateral (the price
   * impact) at 10^-30 USD, then its position's sizeInTokens in 10^-tokenDecimals tokens (0
   * without one), two's complement 128 bits as (low, high) words (book/gmx-wide.ts); absent: the
   * images * 10^24 and size * 10^(tokenDecimals - sizeDecimals).
   */
  readonly gmxUsd?: BigUint64Array;
}

export const SIDE_CODE = { LONG: 1, SHORT: 2 } as const;
export const SIDE_NAME = [undefined, "LONG", "SHORT"] as const;
