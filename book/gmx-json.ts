/**
 * A gmx-v2 market's `gmx` object in a JSON book (docs/venues/gmx-v2.md): factors as decimals of 1
 * with at most 9 decimals (the core holds them in parts of 10^9; GMX's own are 10^30), the spread
 * in the market's price decimals, USD with up to 30 decimals (GMX's 10^-30; written with 6 where
 * they are whole 10^-6), open interest in tokens in its size decimals. A gmx-v2 position's
 * sizeInUsd and an account's collateral (the close's price impact) take up to 30 decimals too
 * (book/gmx-wide.ts: the image in quote units and the exact amount where it is finer).
 */
import { I64_MAX, I64_MIN, formatDecimal } from "./decimal.js";
import { QUOTE_AT_30, WIDE_LIMIT, gmxTokenDecimals, imageOf, sizeImageOf, tokenScale } from "./gmx-wide.js";
import { BookError, type RecordName } from "./errors.js";
import type { JsonObject, JsonValue } from "./json.js";
import { QUOTE_DECIMALS, type GmxMarket, type GmxPoolSide, type Market } from "./types.js";

const FACTOR_DECIMALS = 9;
/** GMX's FLOAT_PRECISION: USD amounts take up to 30 decimals. */
export const USD_DECIMALS = 30;
const USD_LABEL = `${USD_DECIMALS} (GMX keeps USD at 10^-30)`;
const U256 = (1n << 256n) - 1n;
const TO_FLOAT = 10n ** 21n;
const ONE = 10n ** 9n;
const FACTORS = ["minCollateralFactorForLiquidation", "liquidationFeeFactor", "liquidationFeeReceiverFactor", "maxPositionImpactFactorForLiquidations"] as const;
const FIELDS = ["indexPriceSpread", ...FACTORS, "minCollateralUsd", "long", "short", "tokenDecimals"];
const REQUIRED = ["indexPriceSpread", ...FACTORS, "minCollateralUsd", "long", "short"];
const SIDE_FIELDS = ["maxPnlFactorForTraders", "openInterestUsd", "openInterestInTokens", "poolUsd"];

/** The JSON parser's own field readers (book/json.ts), handed in. */
export interface JsonReaders {
  expectObject(v: JsonValue | undefined, record: RecordName, field: string, allowed: readonly string[], required: readonly string[], prefix?: string): JsonObject;
  decimalField(v: JsonValue | undefined, decimals: number, label: string, record: RecordName, field: string): bigint;
  i64Field(v: JsonValue | undefined, decimals: number, label: string, min: bigint, record: RecordName, field: string): bigint;
  decimalsCount(v: JsonValue | undefined, record: RecordName, field: string): number;
}

/**
 * A gmx-v2 position's size (sizeInTokens) with up to its market's tokenDecimals: its image (the
 * magnitude floored to size units, signed, 64 bits, not 0 unless the amount is) and, where finer,
 * the exact amount (book/gmx-wide.ts).
 */
export function parseGmxSize(r: JsonReaders, v: JsonValue | undefined, m: Market, record: RecordName): { image: bigint; exact?: bigint } {
  const td = gmxTokenDecimals(m);
  const t = r.decimalField(v, td, `the market's tokenDecimals ${td}`, record, "size");
  const image = sizeImageOf(t, m);
  const name = typeof record === "string" ? record : record();
  if (image < I64_MIN || image > I64_MAX) throw new BookError(name, "size", `${JSON.stringify(v)} is ${image} size units (10^-${m.sizeDecimals}), past 64 bits`);
  if (t !== 0n && image === 0n) throw new BookError(name, "size", `${JSON.stringify(v)} is below one size unit (10^-${m.sizeDecimals}): its image would be no position; the market's sizeDecimals must be finer`);
  return t === image * tokenScale(m) ? { image } : { image, exact: t };
}

/** The text of a gmx-v2 position's size: sizeInTokens with the market's tokenDecimals (a closed position's, 0: book/gmx-wide.ts editedTokens). */
export function gmxSizeText(m: Market, size: bigint, tokens: bigint | undefined): string {
  return formatDecimal(size === 0n ? 0n : tokens ?? size * tokenScale(m), gmxTokenDecimals(m));
}

function factor(r: JsonReaders, v: JsonValue | undefined, record: RecordName, field: string): bigint {
  const x = r.decimalField(v, FACTOR_DECIMALS, `${FACTOR_DECIMALS} (gmx factors are held in parts of 10^9)`, record, field);
  if (x < 0n || x > ONE) throw new BookError(typeof record === "string" ? record : record(), field, `${JSON.stringify(v)} is outside [0, 1]`);
  return x * TO_FLOAT;
}

/** A market's USD amount at 10^-30, in [0, 2^256 - 1]. */
function usd30(r: JsonReaders, v: JsonValue | undefined, record: RecordName, field: string): bigint {
  const x = r.decimalField(v, USD_DECIMALS, USD_LABEL, record, field);
  if (x < 0n || x > U256) throw new BookError(typeof record === "string" ? record : record(), field, `${JSON.stringify(v)} is outside [0, 2^256 - 1] at 10^-30 USD`);
  return x;
}

/**
 * A gmx-v2 account's collateral or position's sizeInUsd (up to 30 decimals): its quote-unit image
 * (floor, 64 bits) and, where finer, the exact amount (below 2^125 in magnitude). `min` bounds the
 * exact amount.
 */
export function parseUsdAmount(r: JsonReaders, v: JsonValue | undefined, min: bigint, record: RecordName, field: string): { image: bigint; exact?: bigint } {
  const x = r.decimalField(v, USD_DECIMALS, USD_LABEL, record, field);
  const name = typeof record === "string" ? record : record();
  if (x < min) throw new BookError(name, field, `${JSON.stringify(v)} is below the least allowed ${formatDecimal(min, USD_DECIMALS)}`);
  const image = imageOf(x);
  if (image < I64_MIN || image > I64_MAX) throw new BookError(name, field, `${JSON.stringify(v)} is ${image} quote units (10^-6 USD), past 64 bits`);
  if (x % QUOTE_AT_30 === 0n) return { image };
  if (x >= WIDE_LIMIT || x <= -WIDE_LIMIT) throw new BookError(name, field, `${JSON.stringify(v)} has digits past 10^-6 USD and is past 2^125 at 10^-30 (about $42.5M), the core's 128-bit bound: only a whole number of 10^-6 USD may be that large`);
  return { image, exact: x };
}

/** The text of a gmx-v2 USD amount: 6 decimals where it is whole 10^-6 USD, else 30. */
export function usdText(image: bigint, exact: bigint | undefined): string {
  if (exact === undefined || exact % QUOTE_AT_30 === 0n) return formatDecimal(exact === undefined ? image : exact / QUOTE_AT_30, QUOTE_DECIMALS);
  return formatDecimal(exact, USD_DECIMALS);
}

export function parseGmx(v: JsonValue | undefined, record: RecordName, sizeDecimals: number, priceDecimals: number, r: JsonReaders): GmxMarket {
  const o = r.expectObject(v, record, "gmx", FIELDS, REQUIRED, "gmx.");
  const tokenDecimals = o.tokenDecimals !== undefined ? r.decimalsCount(o.tokenDecimals, record, "gmx.tokenDecimals") : sizeDecimals;
  const side = (name: "long" | "short"): GmxPoolSide => {
    const s = r.expectObject(o[name], record, `gmx.${name}`, SIDE_FIELDS, SIDE_FIELDS, `gmx.${name}.`);
    return {
      maxPnlFactorForTraders: factor(r, s.maxPnlFactorForTraders, record, `gmx.${name}.maxPnlFactorForTraders`),
      openInterestUsd: usd30(r, s.openInterestUsd, record, `gmx.${name}.openInterestUsd`),
      openInterestInTokens: r.decimalField(s.openInterestInTokens, tokenDecimals, `the market's tokenDecimals ${tokenDecimals}`, record, `gmx.${name}.openInterestInTokens`),
      poolUsd: usd30(r, s.poolUsd, record, `gmx.${name}.poolUsd`),
    };
  };
  const g: Record<string, unknown> = {
    indexPriceSpread: r.i64Field(o.indexPriceSpread, priceDecimals, `the market's priceDecimals ${priceDecimals}`, 0n, record, "gmx.indexPriceSpread"),
    minCollateralUsd: usd30(r, o.minCollateralUsd, record, "gmx.minCollateralUsd"),
  };
  for (const f of FACTORS) g[f] = factor(r, o[f], record, `gmx.${f}`);
  if (o.tokenDecimals !== undefined) g.tokenDecimals = tokenDecimals;
  g.long = side("long");
  g.short = side("short");
  return g as unknown as GmxMarket;
}

export function gmxMarketJson(m: Market): string {
  const g = m.gmx!;
  const q = JSON.stringify;
  const f = (x: bigint) => q(formatDecimal(x / TO_FLOAT, FACTOR_DECIMALS));
  const usd = (x: bigint) => q(usdText(0n, x));
  const side = (s: GmxPoolSide) => `{ "maxPnlFactorForTraders": ${f(s.maxPnlFactorForTraders)}, "openInterestUsd": ${usd(s.openInterestUsd)}, "openInterestInTokens": ${q(formatDecimal(s.openInterestInTokens, gmxTokenDecimals(m)))}, "poolUsd": ${usd(s.poolUsd)} }`;
  return `{ "indexPriceSpread": ${q(formatDecimal(g.indexPriceSpread, m.priceDecimals))}, ${FACTORS.map((k) => `${q(k)}: ${f(g[k])}`).join(", ")}, "minCollateralUsd": ${usd(g.minCollateralUsd)}, ${g.tokenDecimals !== undefined ? `"tokenDecimals": ${g.tokenDecimals}, ` : ""}"long": ${side(g.long)}, "short": ${side(g.short)} }`;
}
