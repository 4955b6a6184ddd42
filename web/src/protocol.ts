/**
 * Messages between the page (main.ts) and the scan worker (worker.ts). Everything crosses by
 * structured clone; the table's columns are transferred (their buffers move, nothing is copied).
 */
import type { TotalsReport } from "liqscan";

export type Request =
  | { readonly type: "generate"; readonly accounts: number; readonly seed: number }
  | { readonly type: "load"; readonly files: readonly File[] }
  | { readonly type: "liquidation-map"; readonly market: number }
  | { readonly type: "account"; readonly row: number }
  | { readonly type: "export" };

export type Reply =
  | { readonly type: "progress"; readonly phase: string; readonly done: number; readonly total: number }
  | { readonly type: "scanned"; readonly summary: Summary; readonly table: LiquidatableTable }
  | { readonly type: "stress"; readonly curve: StressCurve }
  | { readonly type: "liquidation-map"; readonly map: LiquidationMapData }
  | { readonly type: "account"; readonly detail: AccountDetail }
  | { readonly type: "export"; readonly json: Blob }
  | { readonly type: "lending"; readonly summary: LendingSummary }
  | { readonly type: "error"; readonly message: string };

/**
 * An aave-v3 lending book's scan (docs/venues/aave-v3.md): its liquidatable users with their exact
 * health factor and the liquidator's best pair, and the stress grid with every reserve shocked at
 * once and each collateral alone. Amounts are exact decimal strings of the base currency (USD).
 */
export interface LendingSummary {
  readonly source: string;
  readonly version: string;
  readonly users: number;
  readonly reserves: readonly { readonly id: string; readonly price: string }[];
  readonly liquidatable: number;
  readonly overflow: number;
  readonly rows: readonly { readonly id: string; readonly healthFactor: string; readonly collateral: string; readonly debt: string; readonly pair: string; readonly profit: string }[];
  readonly stress: readonly { readonly reserve: string; readonly rows: readonly { readonly shockPpm: bigint; readonly liquidatable: number; readonly debt: string }[] }[];
  readonly timings: { readonly read: number; readonly scan: number };
}

export interface MarketInfo {
  readonly id: string;
  readonly priceDecimals: number;
  readonly sizeDecimals: number;
  /** Mark price in price units (10^-priceDecimals). */
  readonly markPrice: bigint;
}

export interface Summary {
  /** Where the book came from: "generated: 20,000 accounts, seed 7" or the file names. */
  readonly source: string;
  readonly accounts: number;
  readonly positions: number;
  readonly markets: readonly MarketInfo[];
  /** Exact totals as decimal strings (ScanResult.totalsReport()). */
  readonly totals: TotalsReport;
  readonly residentBytes: number;
  /** Milliseconds spent reading or generating, loading into the engine, and scanning. */
  readonly timings: { readonly read: number; readonly load: number; readonly scan: number };
}

/** The columns a table of accounts can be sorted by; amounts are in quote units (10^-6). */
export const AMOUNT_KEYS = ["equity", "maintenance", "marginRatio", "penalty", "liquidatorReward", "insuranceFund", "badDebt", "returned"] as const;
export type AmountKey = (typeof AMOUNT_KEYS)[number];

/**
 * The liquidatable accounts of one scan, as columns: row r is book account `account[r]`, with
 * the exact amounts of `ScanResult.report()` as bigints. `marginRatio` is maintenance/equity in
 * ppm, -1 where equity <= 0 (no ratio: the account is under water).
 */
export interface LiquidatableTable {
  readonly rows: number;
  readonly account: Uint32Array;
  readonly ids: readonly string[];
  readonly amounts: { readonly [K in AmountKey]: BigInt64Array };
}

/** Totals of the book at each shock of every mark price (views/stress), as exact bigints. */
export interface StressCurve {
  readonly shockPpm: readonly bigint[];
  readonly liquidatable: readonly number[];
  readonly notional: readonly bigint[];
  readonly penalty: readonly bigint[];
  readonly badDebt: readonly bigint[];
}

/** Notional liquidated per price bucket of one market (views/liquidationMap). */
export interface LiquidationMapData {
  readonly market: number;
  /** Lower edge of each bucket, in the market's price units; the last bucket ends at `to`. */
  readonly from: readonly bigint[];
  readonly to: bigint;
  readonly long: readonly bigint[];
  readonly short: readonly bigint[];
  /** Longs liquidated by a fall to each bucket's first price; shorts by a rise to its last. */
  readonly cumulativeLong: readonly bigint[];
  readonly cumulativeShort: readonly bigint[];
}

export interface PositionDetail {
  readonly market: string;
  /** Decimal strings in the market's units. */
  readonly size: string;
  readonly entryPrice: string;
  readonly markPrice: string;
  /** null when no price makes the account liquidatable. */
  readonly liquidationPrice: string | null;
}

export interface AccountDetail {
  readonly report: Readonly<Record<string, string | null>>;
  readonly positions: readonly PositionDetail[];
}
