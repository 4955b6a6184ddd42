/** `liqscan map BOOK --market ID [--from PRICE] [--to PRICE] [--buckets N] [--json]` */
import { runIfLending } from "./aave.js";
import type { Market } from "../../book/types.js";
import { liquidationMap, type LiquidationMap, type SideNotional } from "../../views/index.js";
import { parseCount, parseEngine } from "../args.js";
import { barLength, maxOf } from "../chart.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { openBook } from "../open-book.js";
import { Output } from "../output.js";
import { phase } from "../progress.js";
import { renderTable, type Column } from "../table.js";
import { money, parseMarket, parsePrice, price, runView, parseAssetShocks } from "../view-options.js";

const CHART_WIDTH = 40;

const side = (s: SideNotional) => ({
  longNotional: money(s.longNotional), shortNotional: money(s.shortNotional), longPositions: s.longPositions, shortPositions: s.shortPositions,
});

/** The map as `map --json` prints it: decimal strings, cumulative amounts inside each bucket. */
export function mapReport(map: LiquidationMap, market: Market) {
  return {
    market: map.marketId,
    markPrice: price(map.markPrice, market),
    from: price(map.from, market),
    to: price(map.to, market),
    buckets: map.buckets.map((b, k) => ({
      from: price(b.from, market), to: price(b.to, market), ...side(b),
      cumulativeLong: money(map.cumulativeLong[k]!), cumulativeShort: money(map.cumulativeShort[k]!),
    })),
    below: side(map.below),
    above: side(map.above),
    noPrice: side(map.noPrice),
  };
}

export const mapCommand: Command = {
  name: "map",
  summary: "the liquidation map of a market: notional liquidated at each price",
  help: `Usage: liqscan map BOOK --market ID [--from PRICE] [--to PRICE] [--buckets N] [--json]
                   [--engine wasm|reference]

Cuts the price range of one market into buckets and prints, per bucket, the notional (at the
current mark) of the long and of the short positions whose exact liquidation price falls in it,
every other mark held fixed, with a bar chart (L longs, S shorts) and the cumulative notional a
move there would liquidate: longs at or above the bucket's first price (a fall reaches them),
shorts below its end (a rise reaches them). See docs/risk-views.md.

Buckets are half-open, [from, to) in price units; bucket k starts at from + floor(k * (to -
from) / N), so the remainder is spread over the range. Liquidation prices below FROM, at or
above TO, and positions with none are summed on separate lines.

BOOK is a JSON book file, or a directory holding markets.json, accounts.csv and positions.csv.

Options:
  --market ID         the market (required)
  --from PRICE        lowest price, included (default: the mark - 50 %)
  --to PRICE          end of the range, excluded (default: the mark + 50 %, included)
  --buckets N         number of buckets (default 20)
  --json              one JSON object instead of a table:
                      {"market","markPrice","from","to","buckets":[{"from","to","longNotional",
                        "shortNotional","longPositions","shortPositions","cumulativeLong",
                        "cumulativeShort"}],"below":{...},"above":{...},"noPrice":{...}}
                      prices in the market's decimals, notionals in quote units (6 decimals)
  --asset ID=PCT      shock a collateral asset's price by PCT percent for the whole run (a depeg,
                      a collateral crash); repeat it or join with commas: --asset USDT=-5,ETH=-30
  --engine NAME       wasm (default) or reference (the pure-TypeScript oracle)
  -h, --help          this help
`,
  options: {
    market: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    buckets: { type: "string" },
    json: { type: "boolean" },
    engine: { type: "string" },
    asset: { type: "string", multiple: true },
  },
  maxPositionals: 1,
  async run({ values, lists, positionals }) {
    const path = positionals[0];
    if (path === undefined) throw new CliError('map: missing BOOK (a JSON book file or a CSV book directory; see "liqscan map --help")');
    if (await runIfLending("map", path, values)) return;
    if (values.market === undefined) throw new CliError('map: missing --market ID (see "liqscan map --help")');
    const engine = parseEngine(values.engine);
    const buckets = parseCount(values.buckets, "buckets", 1, 1_000_000);
    const { live } = await openBook(path, engine);
    const m = parseMarket(values.market, live.markets)!;
    const market = live.markets[m]!;
    const from = parsePrice(values.from, market, "from");
    const to = parsePrice(values.to, market, "to");
    const { value: map } = await phase("computing liquidation prices", (progress) => runView(() => liquidationMap(live, { market: m, from, to, buckets, assetShocksPpm: parseAssetShocks(lists.asset, live.assets), onProgress: (d, t) => progress.update(d, t) }), { from: "--from", to: "--to", buckets: "--buckets", market: "--market" }));
    const out = new Output();
    if (values.json) out.line(JSON.stringify(mapReport(map, market)));
    else for (const line of mapTable(map, market)) out.line(line);
    await out.flush();
    live.dispose();
  },
};

/** The table, one row per bucket from the lowest price up, with the bars and a mark pointer. */
export function mapTable(map: LiquidationMap, market: Market): string[] {
  const columns: Column[] = [
    { header: "from", align: "right" },
    { header: "to", align: "right" },
    { header: "longs", align: "right" },
    { header: "shorts", align: "right" },
    { header: "cumulativeLong", align: "right" },
    { header: "cumulativeShort", align: "right" },
    { header: "L longs  S shorts", align: "left" },
  ];
  const max = maxOf(map.buckets.map((b) => b.longNotional + b.shortNotional));
  const rows = map.buckets.map((b, k) => {
    const total = barLength(b.longNotional + b.shortNotional, max, CHART_WIDTH);
    const longs = Math.min(total, barLength(b.longNotional, max, CHART_WIDTH));
    const shorts = b.shortNotional > 0n ? Math.max(1, total - longs) : 0;
    const here = map.markPrice >= b.from && map.markPrice < b.to ? "  <- mark" : "";
    return [
      price(b.from, market), price(b.to, market), money(b.longNotional), money(b.shortNotional),
      money(map.cumulativeLong[k]!), money(map.cumulativeShort[k]!), "L".repeat(longs) + "S".repeat(shorts) + here,
    ];
  });
  const outside = (label: string, s: SideNotional) =>
    `  ${label.padEnd(28)} longs ${money(s.longNotional)} (${s.longPositions})  shorts ${money(s.shortNotional)} (${s.shortPositions})`;
  return [
    `${map.marketId} liquidation map, mark ${price(map.markPrice, market)}, ${map.buckets.length} buckets from ${price(map.from, market)} to ${price(map.to, market)}`,
    "",
    ...renderTable(columns, rows),
    "",
    "outside the range (notional, positions)",
    outside(`below ${price(map.from, market)}`, map.below),
    outside(`at or above ${price(map.to, market)}`, map.above),
    outside("no liquidation price", map.noPrice),
  ];
}
