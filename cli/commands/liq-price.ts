/** `liqscan liq-price BOOK [--json] [--engine wasm|reference]` */
import { runIfLending } from "./aave.js";
import { formatDecimal } from "../../book/decimal.js";
import type { Book, BookColumns, Market } from "../../book/types.js";
import { parseEngine } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { openBook } from "../open-book.js";
import { Output } from "../output.js";
import { phase } from "../progress.js";
import { Table, cellText, type Column } from "../table.js";
import { resultFormat, writeResults, type Cell, type ResultColumn } from "../result-files.js";
import { pow10 } from "../../book/decimal.js";

/**
 * The result file's rows: account, market, size, liquidationPrice[, bankruptcyPrice], the amounts
 * as decimals at the largest decimals of any market (exact: each value scaled up from its market's).
 */
function fileRows(book: Book | BookColumns, markets: readonly Market[], prices: BigInt64Array, bankrupt?: BigInt64Array): { columns: ResultColumn[]; rows: Generator<Cell[]> } {
  const sd = Math.max(0, ...markets.map((m) => m.sizeDecimals));
  const pd = Math.max(0, ...markets.map((m) => m.priceDecimals));
  const sizeUp = markets.map((m) => pow10(sd - m.sizeDecimals));
  const priceUp = markets.map((m) => pow10(pd - m.priceDecimals));
  const columns: ResultColumn[] = [
    { name: "account", kind: "string" }, { name: "market", kind: "string" }, { name: "size", kind: "decimal", scale: sd },
    { name: "liquidationPrice", kind: "decimal", scale: pd }, ...(bankrupt ? [{ name: "bankruptcyPrice", kind: "decimal", scale: pd } as const] : []),
  ];
  function* rows(): Generator<Cell[]> {
    let p = 0;
    for (const pos of positions(book)) {
      const up = priceUp[pos.market]!;
      const price = prices[p]!;
      const row: Cell[] = [pos.account, markets[pos.market]!.id, pos.size * sizeUp[pos.market]!, price < 0n ? null : price * up];
      if (bankrupt) row.push(bankrupt[p]! < 0n ? null : bankrupt[p]! * up);
      yield row;
      p++;
    }
  }
  return { columns, rows: rows() };
}

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
  help: `Usage: liqscan liq-price BOOK [--bankruptcy] [--json | --format F [--out FILE]]
                      [--engine wasm|reference]

Prints the liquidation price of every position of BOOK, every other mark held fixed: for a long
the greatest price at which its account is liquidatable, for a short the least; none when no
price makes it liquidatable (and for a zero-size position).

BOOK is a JSON book file, or a directory holding markets.json and the accounts and positions
tables (.csv, .arrow, .arrows or .parquet).

Options:
  --bankruptcy        also the bankruptcy price of every position: every other mark held, for a
                      long the greatest price at which its account's equity is not positive, for
                      a short the least (a BigInt computation: slower than the liquidation prices)
  --json              one JSON object instead of a table:
                      {"positions":[{"account","market","size","liquidationPrice"}]}
                      size and liquidationPrice are decimal strings in the market's units
                      (sizeDecimals, priceDecimals); liquidationPrice is null where none;
                      with --bankruptcy each also has "bankruptcyPrice"
  --format FORMAT     the positions as a table for a data pipeline: csv, arrow, arrows or
                      parquet, one row per position with the fields of --json; size and the
                      prices are exact decimals at the largest sizeDecimals / priceDecimals of
                      the book's markets (decimal128 in Arrow and Parquet), null where none
  --out FILE          where to write it (csv without it goes to stdout); the format follows
                      from FILE's extension when --format is absent
  --engine NAME       wasm (default) or reference (the pure-TypeScript oracle)
  -h, --help          this help
`,
  options: {
    json: { type: "boolean" },
    bankruptcy: { type: "boolean" },
    format: { type: "string" },
    out: { type: "string", short: "o" },
    engine: { type: "string" },
  },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const path = positionals[0];
    if (path === undefined) throw new CliError('liq-price: missing BOOK (a JSON book file or a CSV book directory; see "liqscan liq-price --help")');
    if (await runIfLending("liq-price", path, values)) return;
    const engine = parseEngine(values.engine);
    const { loaded, live } = await openBook(path, engine);
    const { value: prices } = await phase("computing liquidation prices", (progress) => live.liquidationPrices({ onProgress: (d, t) => progress.update(d, t) }));
    const bankrupt = values.bankruptcy ? (await phase("computing bankruptcy prices", () => live.bankruptcyPrices())).value : undefined;
    const markets = live.markets;
    const file = resultFormat(values.format, values.out, "liq-price");
    if (file && values.json) throw new CliError("liq-price: give --json or --format, not both");
    const out = new Output();
    if (file) {
      const { columns, rows } = fileRows(loaded.book, markets, prices, bankrupt);
      await phase(`writing ${file.out ?? "stdout"}`, (progress) => writeResults(file.format, file.out, columns, rows, prices.length, progress));
      if (file.out !== null) out.line(`wrote ${prices.length} positions to ${file.out} (${file.format})`);
    } else if (values.json) {
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
