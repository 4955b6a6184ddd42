/**
 * A gmx-v2 market's `gmx` object in a JSON book (docs/venues/gmx-v2.md): factors as decimals of 1
 * with at most 9 decimals (the core holds them in parts of 10^9; GMX's own are 10^30), the spread
 * in the market's price decimals, USD in quote units, open interest in tokens in its size decimals.
 */
import { formatDecimal } from "./decimal.js";
import { BookError, type RecordName } from "./errors.js";
import type { JsonObject, JsonValue } from "./json.js";
import { QUOTE_DECIMALS, type GmxMarket, type GmxPoolSide, type Market } from "./types.js";

const FACTOR_DECIMALS = 9;
const TO_FLOAT = 10n ** 21n;
const ONE = 10n ** 9n;
const FACTORS = ["minCollateralFactorForLiquidation", "liquidationFeeFactor", "liquidationFeeReceiverFactor", "maxPositionImpactFactorForLiquidations"] as const;
const FIELDS = ["indexPriceSpread", ...FACTORS, "minCollateralUsd", "long", "short"];
const SIDE_FIELDS = ["maxPnlFactorForTraders", "openInterestUsd", "openInterestInTokens", "poolUsd"];

/** The JSON parser's own field readers (book/json.ts), handed in. */
export interface JsonReaders {
  expectObject(v: JsonValue | undefined, record: RecordName, field: string, allowed: readonly string[], required: readonly string[], prefix?: string): JsonObject;
  decimalField(v: JsonValue | undefined, decimals: number, label: string, record: RecordName, field: string): bigint;
  i64Field(v: JsonValue | undefined, decimals: number, label: string, min: bigint, record: RecordName, field: string): bigint;
}

function factor(r: JsonReaders, v: JsonValue | undefined, record: RecordName, field: string): bigint {
  const x = r.decimalField(v, FACTOR_DECIMALS, `${FACTOR_DECIMALS} (gmx factors are held in parts of 10^9)`, record, field);
  if (x < 0n || x > ONE) throw new BookError(typeof record === "string" ? record : record(), field, `${JSON.stringify(v)} is outside [0, 1]`);
  return x * TO_FLOAT;
}

export function parseGmx(v: JsonValue | undefined, record: RecordName, sizeDecimals: number, priceDecimals: number, r: JsonReaders): GmxMarket {
  const o = r.expectObject(v, record, "gmx", FIELDS, FIELDS, "gmx.");
  const quote = `${QUOTE_DECIMALS} (quote amounts are in 10^-${QUOTE_DECIMALS} units)`;
  const side = (name: "long" | "short"): GmxPoolSide => {
    const s = r.expectObject(o[name], record, `gmx.${name}`, SIDE_FIELDS, SIDE_FIELDS, `gmx.${name}.`);
    return {
      maxPnlFactorForTraders: factor(r, s.maxPnlFactorForTraders, record, `gmx.${name}.maxPnlFactorForTraders`),
      openInterestUsd: r.i64Field(s.openInterestUsd, QUOTE_DECIMALS, quote, 0n, record, `gmx.${name}.openInterestUsd`),
      openInterestInTokens: r.i64Field(s.openInterestInTokens, sizeDecimals, `the market's sizeDecimals ${sizeDecimals}`, 0n, record, `gmx.${name}.openInterestInTokens`),
      poolUsd: r.i64Field(s.poolUsd, QUOTE_DECIMALS, quote, 0n, record, `gmx.${name}.poolUsd`),
    };
  };
  const g: Record<string, unknown> = {
    indexPriceSpread: r.i64Field(o.indexPriceSpread, priceDecimals, `the market's priceDecimals ${priceDecimals}`, 0n, record, "gmx.indexPriceSpread"),
    minCollateralUsd: r.i64Field(o.minCollateralUsd, QUOTE_DECIMALS, quote, 0n, record, "gmx.minCollateralUsd"),
  };
  for (const f of FACTORS) g[f] = factor(r, o[f], record, `gmx.${f}`);
  g.long = side("long");
  g.short = side("short");
  return g as unknown as GmxMarket;
}

export function gmxMarketJson(m: Market): string {
  const g = m.gmx!;
  const q = JSON.stringify;
  const f = (x: bigint) => q(formatDecimal(x / TO_FLOAT, FACTOR_DECIMALS));
  const usd = (x: bigint) => q(formatDecimal(x, QUOTE_DECIMALS));
  const side = (s: GmxPoolSide) => `{ "maxPnlFactorForTraders": ${f(s.maxPnlFactorForTraders)}, "openInterestUsd": ${usd(s.openInterestUsd)}, "openInterestInTokens": ${q(formatDecimal(s.openInterestInTokens, m.sizeDecimals))}, "poolUsd": ${usd(s.poolUsd)} }`;
  return `{ "indexPriceSpread": ${q(formatDecimal(g.indexPriceSpread, m.priceDecimals))}, ${FACTORS.map((k) => `${q(k)}: ${f(g[k])}`).join(", ")}, "minCollateralUsd": ${usd(g.minCollateralUsd)}, "long": ${side(g.long)}, "short": ${side(g.short)} }`;
}
