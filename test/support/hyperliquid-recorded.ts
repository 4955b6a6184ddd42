/**
 * Exchange-reported Hyperliquid liquidation prices, rebuilt as the venue's own responses
 * (metaAndAssetCtxs + clearinghouseState) so that they go through the importer, plus the
 * reported `liquidationPx`. Figures only; the response texts are built here.
 *
 * FREQTRADE: isolated positions read through ccxt (`fetch_positions`, first output with pnl 0, so
 * mark = entry) in 2024, when BTC and ETH had max leverage 50 and SOL and DOGE 20; the figures are
 * those of freqtrade/freqtrade tests/exchange/test_hyperliquid.py
 * (test_hyperliquid_dry_run_liquidation_price; collateral = ccxt `collateral` = the position's
 * marginUsed; liquidationPrice = the venue's liquidationPx).
 * Columns: coin, side, entryPx (= markPx), contracts, marginUsed, leverage, liquidationPx.
 */
export const FREQTRADE_SOURCE = "freqtrade/freqtrade tests/exchange/test_hyperliquid.py (ccxt fetch_positions on Hyperliquid mainnet, 2024)";
export const FREQTRADE_MAX_LEVERAGE: Record<string, number> = { BTC: 50, ETH: 50, SOL: 20, DOGE: 20 };
/** szDecimals of the venue's universe. */
export const SZ_DECIMALS: Record<string, number> = { BTC: 5, ETH: 4, SOL: 2, DOGE: 0 };

export type RecordedRow = [coin: string, side: "long" | "short", entryPx: string, contracts: string, marginUsed: string, leverage: number, liquidationPx: string];

export const FREQTRADE_ROWS: readonly RecordedRow[] = [
  ["ETH", "long", "2458.5", "0.015", "36.864593", 1, "0.86915825"],
  ["BTC", "long", "63287.0", "0.00039", "24.673292", 1, "22.37166537"],
  ["SOL", "long", "146.82", "0.16", "23.482979", 1, "0.05269872"],
  ["SOL", "long", "145.83", "0.33", "24.045107", 2, "74.83696193"],
  ["ETH", "long", "2459.5", "0.0199", "24.454895", 2, "1243.0411908"],
  ["BTC", "long", "62739.0", "0.00077", "24.137992", 2, "31708.03843631"],
  ["DOGE", "long", "0.11586", "437.0", "25.29769", 2, "0.05945697"],
  ["ETH", "short", "2642.8", "0.019", "25.091876", 2, "3924.18322043"],
  ["SOL", "short", "155.89", "0.32", "24.924941", 2, "228.07847866"],
  ["DOGE", "short", "0.14333", "351.0", "25.136807", 2, "0.20970228"],
  ["BTC", "short", "68595.0", "0.00069", "23.64871", 2, "101849.99354283"],
  ["BTC", "short", "65536.0", "0.00099", "21.604172", 3, "86493.46174617"],
  ["SOL", "long", "173.06", "0.6", "20.735658", 5, "142.05186667"],
  ["ETH", "long", "2545.5", "0.0329", "20.909894", 4, "1929.23322895"],
  ["BTC", "short", "67400.0", "0.00031", "20.887308", 1, "133443.97317151"],
  ["ETH", "short", "2552.0", "0.0327", "20.833393", 4, "3157.53150453"],
  ["BTC", "long", "66930.0", "0.0015", "20.043862", 5, "54108.51043771"],
  ["BTC", "long", "67033.0", "0.00121", "20.251817", 4, "50804.00091827"],
  ["ETH", "long", "2521.9", "0.0237", "19.902091", 3, "1699.14071943"],
  ["BTC", "short", "68139.0", "0.00145", "19.72573", 5, "80933.61590987"],
  ["SOL", "short", "178.29", "0.11", "19.605036", 1, "347.82205322"],
  ["SOL", "long", "176.23", "0.33", "19.364946", 3, "120.56240404"],
  ["SOL", "short", "173.08", "0.33", "19.01881", 3, "225.08561715"],
  ["BTC", "short", "68240.0", "0.00105", "17.887922", 4, "84431.79820839"],
  ["ETH", "short", "2518.4", "0.007", "17.62263", 1, "4986.05799151"],
  ["ETH", "long", "2533.2", "0.0347", "17.555195", 5, "2047.7642302"],
  ["DOGE", "long", "0.13284", "360.0", "15.943218", 3, "0.09082388"],
  ["SOL", "short", "163.11", "0.48", "15.650731", 5, "190.94213618"],
  ["BTC", "long", "67141.0", "0.00067", "14.979079", 3, "45236.52992613"],
];

/**
 * The API documentation's clearinghouseState example (an isolated ETH long, 2024-02-22):
 * https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals
 * szi 0.0335, entryPx 2986.3, positionValue 100.02765 (so markPx = 2985.9), leverage isolated 20
 * with rawUsd -95.059824, marginUsed 4.967826, maxLeverage 50, liquidationPx 2866.26936529.
 */
export const DOCS_EXAMPLE = {
  source: "Hyperliquid API docs, info endpoint (perpetuals), clearinghouseState example response",
  coin: "ETH",
  szi: "0.0335",
  entryPx: "2986.3",
  markPx: "2985.9",
  leverage: 20,
  rawUsd: "-95.059824",
  marginUsed: "4.967826",
  maxLeverage: 50,
  liquidationPx: "2866.26936529",
} as const;

/** Exact decimal a - b of two decimal strings. */
export function subDecimal(a: string, b: string): string {
  const scale = (s: string): number => (s.includes(".") ? s.length - s.indexOf(".") - 1 : 0);
  const d = Math.max(scale(a), scale(b));
  const units = (s: string): bigint => {
    const neg = s.startsWith("-");
    const [i, f = ""] = (neg ? s.slice(1) : s).split(".");
    const v = BigInt(i! + f.padEnd(d, "0"));
    return neg ? -v : v;
  };
  const v = units(a) - units(b);
  const abs = (v < 0n ? -v : v).toString().padStart(d + 1, "0");
  const text = d === 0 ? abs : `${abs.slice(0, -d)}.${abs.slice(-d)}`;
  return (v < 0n ? "-" : "") + text;
}

/** Exact decimal product of two decimal strings. */
export function mulDecimal(a: string, b: string): string {
  const parts = (s: string): [bigint, number] => {
    const neg = s.startsWith("-");
    const [i, f = ""] = (neg ? s.slice(1) : s).split(".");
    const v = BigInt(i! + f);
    return [neg ? -v : v, f.length];
  };
  const [x, dx] = parts(a);
  const [y, dy] = parts(b);
  const v = x * y;
  const d = dx + dy;
  const abs = (v < 0n ? -v : v).toString().padStart(d + 1, "0");
  const text = d === 0 ? abs : `${abs.slice(0, -d)}.${abs.slice(-d)}`;
  return (v < 0n ? "-" : "") + text;
}

/** A metaAndAssetCtxs text for one coin (a single-tier margin table) at `markPx`. */
export function oneCoinMeta(coin: string, maxLeverage: number, markPx: string): string {
  // Ids below 50 are single-tier tables the venue does not send; 50 (50x) is sent.
  const tables = maxLeverage >= 50 ? [[maxLeverage, { description: "", marginTiers: [{ lowerBound: "0.0", maxLeverage }] }]] : [];
  const meta = { universe: [{ szDecimals: SZ_DECIMALS[coin] ?? 2, name: coin, maxLeverage, marginTableId: maxLeverage }], marginTables: tables };
  const ctx = { funding: "0.0000125", openInterest: "1000.0", oraclePx: markPx, markPx, midPx: markPx };
  return JSON.stringify([meta, [ctx]]);
}

/** A clearinghouseState text holding one isolated position and no cross margin. */
export function isolatedState(p: { coin: string; szi: string; entryPx: string; markPx: string; leverage: number; rawUsd: string; maxLeverage: number; liquidationPx: string }): string {
  const positionValue = mulDecimal(p.szi.replace(/^-/, ""), p.markPx);
  const marginUsed = subDecimal(p.rawUsd, mulDecimal("-1", mulDecimal(p.szi, p.markPx)));
  const state = {
    assetPositions: [
      {
        type: "oneWay",
        position: {
          coin: p.coin,
          szi: p.szi,
          entryPx: p.entryPx,
          leverage: { type: "isolated", value: p.leverage, rawUsd: p.rawUsd },
          liquidationPx: p.liquidationPx,
          marginUsed,
          maxLeverage: p.maxLeverage,
          positionValue,
          unrealizedPnl: mulDecimal(p.szi, subDecimal(p.markPx, p.entryPx)),
        },
      },
    ],
    crossMaintenanceMarginUsed: "0.0",
    crossMarginSummary: { accountValue: "0.0", totalMarginUsed: "0.0", totalNtlPos: "0.0", totalRawUsd: "0.0" },
    marginSummary: { accountValue: marginUsed, totalMarginUsed: marginUsed, totalNtlPos: positionValue, totalRawUsd: p.rawUsd },
    withdrawable: "0.0",
  };
  return JSON.stringify(state);
}

export interface RecordedCase {
  readonly id: string;
  readonly coin: string;
  readonly meta: string;
  readonly state: string;
  readonly liquidationPx: string;
  readonly source: string;
}

/** Every recorded case as venue responses. */
export function recordedCases(): RecordedCase[] {
  const cases: RecordedCase[] = FREQTRADE_ROWS.map(([coin, side, entryPx, contracts, marginUsed, leverage, liquidationPx], i) => {
    const szi = side === "long" ? contracts : `-${contracts}`;
    const maxLeverage = FREQTRADE_MAX_LEVERAGE[coin]!;
    // rawUsd = marginUsed - szi * markPx (the isolated margin less the position's value), mark = entry.
    const rawUsd = subDecimal(marginUsed, mulDecimal(szi, entryPx));
    const id = `freqtrade-${String(i + 1).padStart(2, "0")}`;
    return {
      id,
      coin,
      meta: oneCoinMeta(coin, maxLeverage, entryPx),
      state: isolatedState({ coin, szi, entryPx, markPx: entryPx, leverage, rawUsd, maxLeverage, liquidationPx }),
      liquidationPx,
      source: `${FREQTRADE_SOURCE}, row ${i + 1}`,
    };
  });
  const d = DOCS_EXAMPLE;
  cases.push({
    id: "docs-example",
    coin: d.coin,
    meta: oneCoinMeta(d.coin, d.maxLeverage, d.markPx),
    state: isolatedState({ coin: d.coin, szi: d.szi, entryPx: d.entryPx, markPx: d.markPx, leverage: d.leverage, rawUsd: d.rawUsd, maxLeverage: d.maxLeverage, liquidationPx: d.liquidationPx }),
    liquidationPx: d.liquidationPx,
    source: d.source,
  });
  return cases;
}
