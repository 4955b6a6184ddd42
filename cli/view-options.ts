/**
 * Options shared by the risk-view commands (stress, map, cascade) and how their results are shown:
 * shocks in percent, betas, markets, prices in a market's decimals. Every bad value is a CliError
 * that names the option.
 */
import { formatDecimal, tryParseDecimal } from "../book/decimal.js";
import { QUOTE_DECIMALS, type Market } from "../book/types.js";
import { ViewError } from "../views/errors.js";
import { CliError } from "./errors.js";

/** A percentage such as `-12.5` (up to 4 decimals, so exactly a whole number of ppm) as ppm. */
export function parsePercent(text: string | boolean | undefined, option: string): bigint | undefined {
  if (text === undefined) return undefined;
  const s = String(text).replace(/%$/, "");
  const v = tryParseDecimal(s, 4, "4 (a percentage is converted to whole ppm)");
  if (typeof v === "string") throw new CliError(`--${option}: ${JSON.stringify(String(text))} ${v}`);
  return v;
}

/** A shock in percent: a percentage of at least -100. */
export function parseShock(text: string | boolean | undefined, option: string): bigint | undefined {
  const v = parsePercent(text, option);
  if (v !== undefined && v < -1_000_000n) throw new CliError(`--${option}: ${String(text)} is below -100 (a price cannot fall below 0)`);
  return v;
}

/** A comma-separated list of shocks in percent (`-20,-10,5`). */
export function parseShockList(text: string | boolean | undefined, option: string): bigint[] | undefined {
  if (text === undefined) return undefined;
  const items = String(text).split(",");
  if (items.some((x) => x === "")) throw new CliError(`--${option}: ${JSON.stringify(String(text))} has an empty item (write e.g. -20,-10,5)`);
  return items.map((x) => parseShock(x, option)!);
}

/** The index of a market given by id. */
export function parseMarket(text: string | boolean | undefined, markets: readonly Market[], option = "market"): number | undefined {
  if (text === undefined) return undefined;
  const m = markets.findIndex((x) => x.id === text);
  if (m < 0) throw new CliError(`--${option}: ${JSON.stringify(String(text))} is not a market of the book (${markets.map((x) => x.id).join(", ")})`);
  return m;
}

/**
 * `--beta BTC-PERP=1.2,ETH-PERP=1.5` (or the option repeated: `--beta BTC-PERP=1.2 --beta
 * ETH-PERP=1.5`): one beta per market (6 decimals, as ppm); markets not listed keep 1. A market
 * given twice is an error in either form; so is a market the shock does not move (`shocked`, the
 * index of `--market`, when given): its beta would be ignored.
 */
export function parseBetas(text: string | boolean | readonly string[] | undefined, markets: readonly Market[], shocked?: number): bigint[] | undefined {
  if (text === undefined) return undefined;
  const betas = markets.map(() => 1_000_000n);
  const seen = new Set<number>();
  const items = (Array.isArray(text) ? text : [String(text)]).flatMap((t: string) => t.split(","));
  for (const item of items) {
    const eq = item.lastIndexOf("=");
    if (eq <= 0) throw new CliError(`--beta: ${JSON.stringify(item)} is not MARKET=BETA (e.g. ETH-PERP=1.2)`);
    const m = parseMarket(item.slice(0, eq), markets, "beta");
    if (seen.has(m!)) throw new CliError(`--beta: market ${item.slice(0, eq)} is given twice`);
    seen.add(m!);
    if (shocked !== undefined && m !== shocked) {
      throw new CliError(`--beta: ${item.slice(0, eq)} is not shocked (--market ${markets[shocked]!.id} moves that market only), so its beta would be ignored: drop it, or drop --market`);
    }
    const v = tryParseDecimal(item.slice(eq + 1), 6, "6");
    if (typeof v === "string") throw new CliError(`--beta: ${JSON.stringify(item.slice(eq + 1))} ${v}`);
    betas[m!] = v;
  }
  return betas;
}

/**
 * `--asset USDT=-5 --asset ETH=-30` (or `--asset USDT=-5,ETH=-30`): collateral assets shocked for
 * the whole view, each by a percentage of at least -100. An asset given twice is an error.
 */
export function parseAssetShocks(text: string | boolean | readonly string[] | undefined, assets: readonly { readonly id: string }[]): Record<string, bigint> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, bigint> = {};
  const items = (Array.isArray(text) ? text : [String(text)]).flatMap((t: string) => t.split(","));
  for (const item of items) {
    const eq = item.lastIndexOf("=");
    if (eq <= 0) throw new CliError(`--asset: ${JSON.stringify(item)} is not ASSET=PCT (e.g. USDT=-5)`);
    const id = item.slice(0, eq);
    if (!assets.some((x) => x.id === id)) throw new CliError(`--asset: ${JSON.stringify(id)} is not an asset of the book (${assets.length ? assets.map((x) => x.id).join(", ") : "it lists none"})`);
    if (Object.hasOwn(out, id)) throw new CliError(`--asset: asset ${id} is given twice`);
    out[id] = parseShock(item.slice(eq + 1), "asset")!;
  }
  return out;
}

/** A price in a market's decimals, >= 0. */
export function parsePrice(text: string | boolean | undefined, market: Market, option: string): bigint | undefined {
  if (text === undefined) return undefined;
  const v = tryParseDecimal(String(text), market.priceDecimals, `the market's ${market.priceDecimals}`);
  if (typeof v === "string") throw new CliError(`--${option}: ${JSON.stringify(String(text))} ${v}`);
  if (v < 0n) throw new CliError(`--${option}: ${JSON.stringify(String(text))} is negative (prices are >= 0)`);
  return v;
}

/**
 * Runs a view, turning its option errors into usage errors (exit 2) that name the command-line
 * option (`flags` maps the API's option names to it: `{ buckets: "--buckets" }`); anything else is
 * rethrown.
 */
export function runView<T>(view: () => T, flags: Readonly<Record<string, string>> = {}): T {
  try {
    return view();
  } catch (err) {
    if (!(err instanceof ViewError)) throw err;
    const flag = flags[err.option.replace(/\[\d+\]$/, "")];
    throw new CliError(flag === undefined ? err.message : `${flag}: ${err.problem}`);
  }
}

export const money = (v: bigint): string => formatDecimal(v, QUOTE_DECIMALS);
export const price = (v: bigint, market: Market): string => formatDecimal(v, market.priceDecimals);

/** ppm as a fraction with 6 decimals, the form of every rate in a book: -100000 -> "-0.100000". */
export const rate = (ppm: bigint): string => formatDecimal(ppm, 6);

/** ppm as a percentage for tables: -100000 -> "-10%", 12345 -> "+1.2345%", 0 -> "0%". */
export function percent(ppm: bigint): string {
  const text = formatDecimal(ppm, 4).replace(/\.?0+$/, "");
  return `${ppm > 0n ? "+" : ""}${text}%`;
}

/** Per-market values as an object keyed by market id (for JSON). */
export function byMarket<T>(markets: readonly Market[], values: readonly bigint[], show: (v: bigint, m: Market) => T): Record<string, T> {
  return Object.fromEntries(markets.map((m, i) => [m.id, show(values[i]!, m)]));
}
