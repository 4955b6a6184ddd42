/**
 * Display of exact quote amounts (bigint counts of 10^-6 units). The rounding to cents is done on
 * the integers (half away from zero), so the displayed figure is the exact one rounded, never a
 * float's approximation; `exactMoney` gives all six decimals.
 */
import { QUOTE_DECIMALS, formatDecimal, parseDecimal } from "liqscan";

const UNITS_PER_CENT = 10_000n;

/** Groups the integer part of a plain decimal string in thousands: "-1234567.89" -> "-1,234,567.89". */
export function groupThousands(decimal: string): string {
  const negative = decimal.startsWith("-");
  const body = negative ? decimal.slice(1) : decimal;
  const dot = body.indexOf(".");
  const int = dot < 0 ? body : body.slice(0, dot);
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + grouped + (dot < 0 ? "" : body.slice(dot));
}

/** 1234567891n -> "1,234.57"; -5000n -> "-0.01"; -4999n -> "0.00". */
export function money(units: bigint): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const cents = (magnitude + UNITS_PER_CENT / 2n) / UNITS_PER_CENT;
  return groupThousands(formatDecimal(negative && cents > 0n ? -cents : cents, 2));
}

/** All six decimals, grouped: 1234567891n -> "1,234.567891". */
export function exactMoney(units: bigint): string {
  return groupThousands(formatDecimal(units, QUOTE_DECIMALS));
}

/** Money from an exact decimal string of quote units ("983.713261" -> "983.71"). */
export function moneyOf(decimal: string): string {
  return money(quoteUnits(decimal));
}

/** "983.713261" -> 983713261n, exactly. */
export function quoteUnits(decimal: string): bigint {
  return parseDecimal(decimal, QUOTE_DECIMALS);
}

const COMPACT = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const COUNT = new Intl.NumberFormat("en-US");

/** For chart axes only (a float is fine there): 1.25e9 -> "1.3B". */
export function compact(value: number): string {
  return COMPACT.format(value);
}

export function count(n: number): string {
  return COUNT.format(n);
}

/** A price in a market's units, grouped: (6500012n, 1) -> "650,001.2". */
export function price(units: bigint, decimals: number): string {
  return groupThousands(formatDecimal(units, decimals));
}
