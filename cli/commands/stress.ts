/** `liqscan stress BOOK [--market ID] [--from P --to P --step P | --shocks LIST] [--beta ...] [--json]` */
import { runIfLending } from "./aave.js";
import type { LiveBook } from "../../bindings/types.js";
import { MAX_SHOCKS, stress, type StressRow } from "../../views/index.js";
import { shockList } from "../../views/shock.js";
import { parseEngine } from "../args.js";
import { bar, maxOf } from "../chart.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { openBook } from "../open-book.js";
import { Output } from "../output.js";
import { phase, type Progress } from "../progress.js";
import { renderTable, type Column } from "../table.js";
import { resultFormat, writeResults, type Cell, type ResultColumn } from "../result-files.js";
import { QUOTE_DECIMALS } from "../../book/types.js";
import { withAssetShocks } from "../../views/shock.js";
import { byMarket, money, parseAssetShocks, parseBetas, parseMarket, parsePercent, parseShock, parseShockList, percent, price, rate, runView } from "../view-options.js";

const CHART_WIDTH = 30;

/** The command-line option behind each option of the API, for error messages. */
const STRESS_FLAGS = { shocksPpm: "--shocks", "shocksPpm.from": "--from", "shocksPpm.to": "--to", "shocksPpm.step": "--step", market: "--market", betaPpm: "--beta" };

/** One shock as `stress --json` prints it. */
export interface StressReport {
  readonly shock: string;
  readonly marks: Record<string, string>;
  readonly liquidatable: number;
  readonly overflow: number;
  readonly notional: string;
  readonly penalty: string;
  readonly liquidatorReward: string;
  readonly insuranceFund: string;
  readonly badDebt: string;
}

function report(live: LiveBook, r: StressRow): StressReport {
  return {
    shock: rate(r.shockPpm), marks: byMarket(live.markets, r.marks, price), liquidatable: r.liquidatable, overflow: r.overflow,
    notional: money(r.notional), penalty: money(r.penalty), liquidatorReward: money(r.liquidatorReward),
    insuranceFund: money(r.insuranceFund), badDebt: money(r.badDebt),
  };
}

export const stressCommand: Command = {
  name: "stress",
  summary: "liquidations, penalties and bad debt under a grid of price shocks",
  help: `Usage: liqscan stress BOOK [--market ID] [--from=PCT] [--to=PCT] [--step=PCT] [--shocks=LIST]
                      [--beta ID=B,...] [--asset ID=PCT ...] [--json | --format F [--out FILE]]
                      [--engine wasm|reference]

Rescans BOOK with the marks shocked by each percentage of a grid and prints, per shock, the
accounts liquidatable, the notional that closing them trades, the penalties, the liquidator
rewards, the insurance fund's share and the bad debt, with a bar chart of the notional.

A shock s moves a mark P to floor(P * (1 + s * beta)) in price units (beta 1 unless given), at
least 0; see docs/risk-views.md. Percentages take up to 4 decimals (whole ppm); a negative one
is written attached to its option: --from=-50.

BOOK is a JSON book file, or a directory holding markets.json and the accounts and positions
tables (.csv, .arrow, .arrows or .parquet).

Options:
  --market ID         shock this market only (default: every market at once)
  --from=PCT          first shock, in percent (default -50)
  --to=PCT            last shock, in percent (default 50)
  --step=PCT          step between shocks, in percent (default 1)
  --shocks=LIST       these shocks instead of a range, e.g. --shocks=-30,-20,-10,10
  --beta ID=B,...     per-market beta (decimal, default 1): ETH-PERP moves by s * B
  --json              one JSON object instead of a table:
                      {"market":ID|null,"shocks":[{"shock","marks":{ID:price},"liquidatable",
                        "overflow","notional","penalty","liquidatorReward","insuranceFund",
                        "badDebt"}]}
                      shock is a fraction with 6 decimals ("-0.100000" = -10 %); amounts are
                      decimal strings in quote units; marks in each market's price decimals
  --format FORMAT     the grid as a table for a data pipeline: csv, arrow, arrows or parquet,
                      one row per shock: shock, mark.ID per market, liquidatable, overflow,
                      notional, penalty, liquidatorReward, insuranceFund, badDebt (exact
                      decimals: decimal128 in Arrow and Parquet)
  --out FILE          where to write it (csv without it goes to stdout); the format follows
                      from FILE's extension when --format is absent
  --asset ID=PCT      shock a collateral asset's price by PCT percent for the whole run (a depeg,
                      a collateral crash); repeat it or join with commas: --asset USDT=-5,ETH=-30
  --engine NAME       wasm (default) or reference (the pure-TypeScript oracle)
  -h, --help          this help
`,
  options: {
    market: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    step: { type: "string" },
    shocks: { type: "string" },
    beta: { type: "string", multiple: true },
    json: { type: "boolean" },
    format: { type: "string" },
    out: { type: "string", short: "o" },
    engine: { type: "string" },
    asset: { type: "string", multiple: true },
  },
  maxPositionals: 1,
  async run({ values, lists, positionals }) {
    const path = positionals[0];
    if (path === undefined) throw new CliError('stress: missing BOOK (a JSON book file or a CSV book directory; see "liqscan stress --help")');
    if (await runIfLending("stress", path, values)) return;
    const engine = parseEngine(values.engine);
    const list = parseShockList(values.shocks, "shocks");
    const from = parseShock(values.from, "from");
    const to = parseShock(values.to, "to");
    const step = parsePercent(values.step, "step");
    if (list && (from !== undefined || to !== undefined || step !== undefined)) {
      throw new CliError("--shocks: give either a list of shocks or --from/--to/--step, not both");
    }
    if (step !== undefined && step <= 0n) throw new CliError(`--step: ${String(values.step)} is not positive`);
    if ((from ?? -500_000n) > (to ?? 500_000n)) throw new CliError(`--to: ${percent(to ?? 500_000n)} is below --from (${percent(from ?? -500_000n)})`);
    if (!list) checkGridSize(from, to, step);
    if (list && list.length > MAX_SHOCKS) throw new CliError(`--shocks: ${list.length} shocks; at most ${MAX_SHOCKS}`);
    const { live } = await openBook(path, engine);
    const market = parseMarket(values.market, live.markets);
    const betaPpm = parseBetas(lists.beta, live.markets, market);
    const shocksPpm = list ?? { from: from ?? -500_000n, to: to ?? 500_000n, step: step ?? 10_000n };
    const flags = { ...STRESS_FLAGS, shocksPpm: list ? "--shocks" : "--step" };
    const assetShocks = parseAssetShocks(lists.asset, live.assets);
    const { value: rows } = await phase("stressing", (progress) => withAssetShocks("stress", live, assetShocks, () => stressInPasses(live, runView(() => shockList("stress", shocksPpm), flags), market, betaPpm, flags, progress)));
    const file = resultFormat(values.format, values.out, "stress");
    if (file && values.json) throw new CliError("stress: give --json or --format, not both");
    const out = new Output();
    if (file) {
      const money = (name: string): ResultColumn => ({ name, kind: "decimal", scale: QUOTE_DECIMALS });
      const columns: ResultColumn[] = [
        { name: "shock", kind: "decimal", scale: 6 },
        ...live.markets.map((m): ResultColumn => ({ name: `mark.${m.id}`, kind: "decimal", scale: m.priceDecimals })),
        { name: "liquidatable", kind: "int" }, { name: "overflow", kind: "int" },
        money("notional"), money("penalty"), money("liquidatorReward"), money("insuranceFund"), money("badDebt"),
      ];
      const cells = rows.map((r): Cell[] => [r.shockPpm, ...r.marks, BigInt(r.liquidatable), BigInt(r.overflow), r.notional, r.penalty, r.liquidatorReward, r.insuranceFund, r.badDebt]);
      await writeResults(file.format, file.out, columns, cells, cells.length);
      if (file.out !== null) out.line(`wrote ${cells.length} shocks to ${file.out} (${file.format})`);
    } else if (values.json) {
      out.line(JSON.stringify({ market: market === undefined ? null : live.markets[market]!.id, shocks: rows.map((r) => report(live, r)) }));
    } else {
      for (const line of stressTable(live, rows, market)) out.line(line);
    }
    await out.flush();
    live.dispose();
  },
};

/**
 * The stress rows of `shocks`, evaluated in passes of `passSize` shocks (each shock's row does not
 * depend on the others), reporting the shocks done to `progress` between passes.
 */
export function stressInPasses(
  live: LiveBook, shocks: readonly bigint[], market: number | undefined, betaPpm: readonly bigint[] | undefined,
  flags: Readonly<Record<string, string>>, progress: Progress, passSize = Math.max(256, Math.ceil(shocks.length / 100)),
): StressRow[] {
  const rows: StressRow[] = [];
  progress.update(0, shocks.length);
  for (let i = 0; i < shocks.length; i += passSize) {
    rows.push(...runView(() => stress(live, { shocksPpm: shocks.slice(i, i + passSize), market, betaPpm }), flags));
    progress.update(rows.length, shocks.length);
  }
  return rows;
}

/**
 * Refuses a --from/--to/--step grid of more than MAX_SHOCKS shocks, in percent and naming the
 * options the user gave (the range when --from or --to was given, else --step).
 */
export function checkGridSize(from: bigint | undefined, to: bigint | undefined, step: bigint | undefined): void {
  const f = from ?? -500_000n;
  const t = to ?? 500_000n;
  const s = step ?? 10_000n;
  const count = (t - f) / s + 1n;
  if (count <= BigInt(MAX_SHOCKS)) return;
  const given = [from !== undefined ? "--from" : "", to !== undefined ? "--to" : "", step !== undefined ? "--step" : ""].filter((x) => x !== "");
  const blamed = given.length === 0 ? "--step" : given.join("/");
  throw new CliError(
    `${blamed}: the grid from ${percent(f)} to ${percent(t)} in steps of ${percent(s).replace(/^\+/, "")} has ${count} shocks; at most ${MAX_SHOCKS} ` +
      `(use a larger --step or a narrower --from/--to)`,
  );
}

/** The table: one row per shock, the mark of the shocked market when there is one, a bar of the notional. */
export function stressTable(live: LiveBook, rows: readonly StressRow[], market: number | undefined): string[] {
  const shocked = market === undefined ? null : live.markets[market]!;
  const columns: Column[] = [
    { header: "shock", align: "right" },
    ...(shocked ? [{ header: `${shocked.id} mark`, align: "right" } as const] : []),
    { header: "liquidatable", align: "right" },
    { header: "overflow", align: "right" },
    { header: "notional", align: "right" },
    { header: "penalty", align: "right" },
    { header: "liquidatorReward", align: "right" },
    { header: "insuranceFund", align: "right" },
    { header: "badDebt", align: "right" },
    { header: "notional to close", align: "left" },
  ];
  const max = maxOf(rows.map((r) => r.notional));
  const cells = rows.map((r) => [
    percent(r.shockPpm),
    ...(shocked ? [price(r.marks[market!]!, shocked)] : []),
    String(r.liquidatable), String(r.overflow), money(r.notional), money(r.penalty), money(r.liquidatorReward),
    money(r.insuranceFund), money(r.badDebt), bar(r.notional, max, CHART_WIDTH),
  ]);
  const title = shocked ? `shocks on ${shocked.id} (mark ${price(live.markPrice(market!), shocked)})` : `shocks on every market (${live.markets.length})`;
  return [title, "", ...renderTable(columns, cells)];
}
