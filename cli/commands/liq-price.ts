/** `liqscan liq-price BOOK [--json] [--engine wasm|reference]` */
import { formatDecimal } from "../../book/decimal.js";
import type { Book, BookColumns, Market } from "../../book/types.js";
import { parseEngine } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { openBook } from "../open-book.js";
import { Output } from "../output.js";
import { phase } from "../progress.js";
import { Table, cellText, type Column } from "../table.js";

/** One position as `liq-price --json` prints it. */
export interface PositionReport {
  readonly account: string;
  readonly market: string;
  readonly size: string;
  readonly liquidationPrice: string | null;
  /** With --bankruptcy: where equity reaches zero, null where none. */
  readonly bankruptcyPrice?: string | null;
}

/** Every position of the book in book order (the order of the engine's columns), with its market index. */
function* positions(book: Book | BookColumns): Generator<{ account: string; market: number; size: bigint }> {
  if ("accountIds" in book) {
    for (let a = 0; a < book.accountIds.length; a++) {
      for (let p = book.positionStart[a]!; p < book.positionStart[a + 1]!; p++) {
        yield { account: book.accountIds[a]!, market: book.positionMarket[p]!, size: book.positionSize[p]! };
      }
    }
  } else {
    for (const acc of book.accounts) for (const pos of acc.positions) yield { account: acc.id, market: pos.market, size: pos.size };
  }
}

/** The reports of every position, given the engine's prices (-1 where none). */
function* reports(book: Book | BookColumns, markets: readonly Market[], prices: BigInt64Array, bankrupt?: BigInt64Array): Generator<PositionReport> {
  let p = 0;
  const text = (x: bigint, market: Market) => (x < 0n ? null : formatDecimal(x, market.priceDecimals));
  for (const pos of positions(book)) {
    const market = markets[pos.market]!;
    const price = prices[p]!;
    yield {
      account: pos.account,
      market: market.id,
      size: formatDecimal(pos.size, market.sizeDecimals),
      liquidationPrice: text(price, market),
      ...(bankrupt ? { bankruptcyPrice: text(bankrupt[p]!, market) } : {}),
    };
    p++;
  }
  if (p !== prices.length) throw new Error(`liq-price: the engine returned ${prices.length} prices for ${p} positions`);
}

const COLUMNS: readonly Column[] = [
  { header: "account", align: "left" },
  { header: "market", align: "left" },
  { header: "size", align: "right" },
  { header: "markPrice", align: "right" },
  { header: "liquidationPrice", align: "right" },
];

export const liqPriceCommand: Command = {
  name: "liq-price",
  summary: "the liquidation price of every position of a book",
  help: `Usage: liqscan liq-price BOOK [--bankruptcy] [--json] [--engine wasm|reference]

Prints the liquidation price of every position of BOOK, every other mark held fixed: for a long
the greatest price at which its account is liquidatable, for a short the least; none when no
price makes it liquidatable (and for a zero-size position).

BOOK is a JSON book file, or a directory holding markets.json, accounts.csv and positions.csv.

Options:
  --bankruptcy        also the bankruptcy price of every position: every other mark held, for a
                      long the greatest price at which its account's equity is not positive, for
                      a short the least (a BigInt computation: slower than the liquidation prices)
  --json              one JSON object instead of a table:
                      {"positions":[{"account","market","size","liquidationPrice"}]}
                      size and liquidationPrice are decimal strings in the market's units
                      (sizeDecimals, priceDecimals); liquidationPrice is null where none;
                      with --bankruptcy each also has "bankruptcyPrice"
  --engine NAME       wasm (default) or reference (the pure-TypeScript oracle)
  -h, --help          this help
`,
  options: {
    json: { type: "boolean" },
    bankruptcy: { type: "boolean" },
    engine: { type: "string" },
  },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const path = positionals[0];
    if (path === undefined) throw new CliError('liq-price: missing BOOK (a JSON book file or a CSV book directory; see "liqscan liq-price --help")');
    const engine = parseEngine(values.engine);
    const { loaded, live } = await openBook(path, engine);
    const { value: prices } = await phase("computing liquidation prices", (progress) => live.liquidationPrices({ onProgress: (d, t) => progress.update(d, t) }));
    const bankrupt = values.bankruptcy ? (await phase("computing bankruptcy prices", () => live.bankruptcyPrices())).value : undefined;
    const markets = live.markets;
    const out = new Output();
    if (values.json) {
      out.write('{"positions":[');
      let first = true;
      for (const r of reports(loaded.book, markets, prices, bankrupt)) {
        out.write((first ? "\n" : ",\n") + JSON.stringify(r));
        first = false;
        await out.flushIfFull();
      }
      out.line(first ? "]}" : "\n]}");
    } else if (prices.length === 0) {
      out.line("the book has no positions");
    } else {
      const marks = new Map(markets.map((m, i) => [m.id, formatDecimal(live.markPrice(i), m.priceDecimals)]));
      const cells = (r: PositionReport): string[] => [
        cellText(r.account), cellText(r.market), r.size, marks.get(r.market)!, r.liquidationPrice ?? "none",
        ...(bankrupt ? [r.bankruptcyPrice ?? "none"] : []),
      ];
      const table = new Table(bankrupt ? [...COLUMNS, { header: "bankruptcyPrice", align: "right" }] : COLUMNS);
      for (const r of reports(loaded.book, markets, prices, bankrupt)) table.measure(cells(r));
      out.line(table.header());
      out.line(table.rule());
      for (const r of reports(loaded.book, markets, prices, bankrupt)) {
        out.line(table.format(cells(r)));
        await out.flushIfFull();
      }
    }
    await out.flush();
    live.dispose();
  },
};
