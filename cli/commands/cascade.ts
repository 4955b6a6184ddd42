/** `liqscan cascade BOOK --shock=PCT [--market ID] [--beta ...] [--max-rounds N] [--json]` */
import { runIfLending } from "./aave.js";
import type { LiveBook } from "../../bindings/types.js";
import { cascade, type CascadeResult } from "../../views/index.js";
import { parseCount, parseEngine } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { openBook } from "../open-book.js";
import { Output } from "../output.js";
import { phase } from "../progress.js";
import { cellText, renderTable, type Column } from "../table.js";
import { byMarket, money, parseAssetShocks, parseBetas, parseMarket, parseShock, percent, price, rate, runView } from "../view-options.js";

/** The cascade as `cascade --json` prints it. */
export function cascadeReport(live: LiveBook, shockPpm: bigint, market: number | undefined, c: CascadeResult) {
  const marks = (v: readonly bigint[]) => byMarket(live.markets, v, price);
  const amounts = (v: readonly bigint[]) => byMarket(live.markets, v, money);
  return {
    shock: rate(shockPpm),
    market: market === undefined ? null : live.markets[market]!.id,
    stop: c.stop,
    initialMarks: marks(c.initialMarks),
    rounds: c.rounds.map((r) => ({
      round: r.round,
      marks: marks(r.marks),
      liquidated: r.accounts.length,
      accounts: r.accounts.map((a) => live.accountId(a)),
      overflow: r.overflow,
      notionalClosed: money(r.notionalClosed),
      penalty: money(r.penalty),
      liquidatorReward: money(r.liquidatorReward),
      insuranceFund: money(r.insuranceFund),
      badDebt: money(r.badDebt),
      sold: amounts(r.sold),
      bought: amounts(r.bought),
      impact: byMarket(live.markets, r.impactPpm, rate),
      marksAfter: marks(r.marksAfter),
    })),
    finalMarks: marks(c.finalMarks),
    totals: {
      liquidated: c.liquidated,
      notionalClosed: money(c.notionalClosed),
      penalty: money(c.penalty),
      liquidatorReward: money(c.liquidatorReward),
      insuranceFund: money(c.insuranceFund),
      badDebt: money(c.badDebt),
      insuranceFundDraw: money(c.insuranceFundDraw),
      insuranceFundNet: money(c.insuranceFundNet),
    },
  };
}

export const cascadeCommand: Command = {
  name: "cascade",
  summary: "a liquidation cascade: a shock, then close-outs moving the marks, round by round",
  help: `Usage: liqscan cascade BOOK --shock=PCT [--market ID] [--beta ID=B,...] [--max-rounds N]
                       [--json] [--engine wasm|reference]

Shocks the marks of BOOK, then repeats: scan; close every position of the accounts liquidatable
now; move each market with close-out impact by the spec's slippage of its net forced flow
(min(maxSlippage, |sold - bought| / depth), down when the liquidations sell, up when they buy,
rounded away from the old mark); until nobody new is liquidatable or the round limit is hit.
Prints each round's marks, accounts, notional closed, penalties and bad debt, and the insurance
fund draw: the most the fund is down at any point, each round's bad debt taken before its
penalties come in. The book file is not changed. See docs/risk-views.md.

BOOK is a JSON book file, or a directory holding markets.json, accounts.csv and positions.csv.

Options:
  --shock=PCT         the initial shock in percent, e.g. --shock=-10 (required; >= -100)
  --market ID         shock this market only (default: every market); impact moves any market
  --beta ID=B,...     per-market beta of the initial shock (decimal, default 1)
  --max-rounds N      at most N rounds (default 20)
  --json              one JSON object instead of a table:
                      {"shock","market","stop","initialMarks":{ID:price},"rounds":[{"round",
                        "marks","liquidated","accounts":[ids],"overflow","notionalClosed",
                        "penalty","liquidatorReward","insuranceFund","badDebt","sold":{ID:amount},
                        "bought","impact":{ID:fraction},"marksAfter"}],"finalMarks",
                       "totals":{"liquidated","notionalClosed","penalty","liquidatorReward",
                        "insuranceFund","badDebt","insuranceFundDraw","insuranceFundNet"}}
                      stop is "settled" or "maxRounds"; shock and impact are fractions with
                      6 decimals; amounts are quote units; marks in each market's decimals
  --asset ID=PCT      shock a collateral asset's price by PCT percent for the whole run (a depeg,
                      a collateral crash); repeat it or join with commas: --asset USDT=-5,ETH=-30
  --engine NAME       wasm (default) or reference (the pure-TypeScript oracle)
  -h, --help          this help
`,
  options: {
    shock: { type: "string" },
    market: { type: "string" },
    beta: { type: "string", multiple: true },
    "max-rounds": { type: "string" },
    depth: { type: "string" },
    json: { type: "boolean" },
    engine: { type: "string" },
    asset: { type: "string", multiple: true },
  },
  maxPositionals: 1,
  async run({ values, lists, positionals }) {
    const path = positionals[0];
    if (path === undefined) throw new CliError('cascade: missing BOOK (a JSON book file or a CSV book directory; see "liqscan cascade --help")');
    if (await runIfLending("cascade", path, values)) return;
    if (values.depth !== undefined) throw new CliError("cascade: --depth is for lending books (aave-v3); a perp market's depth is its impact.depth");
    const shockPpm = parseShock(values.shock, "shock");
    if (shockPpm === undefined) throw new CliError('cascade: missing --shock=PCT, e.g. --shock=-10 (see "liqscan cascade --help")');
    const engine = parseEngine(values.engine);
    const maxRounds = parseCount(values["max-rounds"], "max-rounds", 1, 10_000);
    const { live } = await openBook(path, engine);
    const market = parseMarket(values.market, live.markets);
    const betaPpm = parseBetas(lists.beta, live.markets, market);
    const { value: c } = await phase("running the cascade", (progress) => runView(() => cascade(live, { shockPpm, market, betaPpm, maxRounds, assetShocksPpm: parseAssetShocks(lists.asset, live.assets), onRound: (r, max) => progress.update(r, max) }), { shockPpm: "--shock", market: "--market", betaPpm: "--beta", maxRounds: "--max-rounds" }));
    const out = new Output();
    if (values.json) out.line(JSON.stringify(cascadeReport(live, shockPpm, market, c)));
    else for (const line of cascadeTable(live, shockPpm, market, c)) out.line(line);
    await out.flush();
    live.dispose();
  },
};

/** The rounds as a table (marks of the markets that moved), then the totals. */
export function cascadeTable(live: LiveBook, shockPpm: bigint, market: number | undefined, c: CascadeResult): string[] {
  const markets = live.markets;
  const target = market === undefined ? "every market" : markets[market]!.id;
  const lines = [`cascade after a ${percent(shockPpm)} shock on ${target}`, ""];
  // the markets whose mark differs from the initial one at some round: the shocked ones and those the flows moved
  const shown = markets.map((_, m) => m).filter((m) => c.rounds.some((r) => r.marks[m] !== c.initialMarks[m]) || c.finalMarks[m] !== c.initialMarks[m]);
  if (c.rounds.length === 0) {
    lines.push("no account is liquidatable at the shocked marks");
  } else {
    const columns: Column[] = [
      { header: "round", align: "right" },
      ...shown.map((m) => ({ header: cellText(markets[m]!.id), align: "right" as const })),
      { header: "liquidated", align: "right" },
      { header: "notionalClosed", align: "right" },
      { header: "penalty", align: "right" },
      { header: "insuranceFund", align: "right" },
      { header: "badDebt", align: "right" },
    ];
    const rows = c.rounds.map((r) => [
      String(r.round), ...shown.map((m) => price(r.marks[m]!, markets[m]!)), String(r.accounts.length),
      money(r.notionalClosed), money(r.penalty), money(r.insuranceFund), money(r.badDebt),
    ]);
    rows.push(["end", ...shown.map((m) => price(c.finalMarks[m]!, markets[m]!)), "", "", "", "", ""]);
    lines.push(...renderTable(columns, rows));
  }
  const totals: [string, string][] = [
    ["liquidated", String(c.liquidated)],
    ["notionalClosed", money(c.notionalClosed)],
    ["penalty", money(c.penalty)],
    ["liquidatorReward", money(c.liquidatorReward)],
    ["insuranceFund", money(c.insuranceFund)],
    ["badDebt", money(c.badDebt)],
    ["insuranceFundDraw", money(c.insuranceFundDraw)],
    ["insuranceFundNet", money(c.insuranceFundNet)],
  ];
  const t = renderTable([{ header: "totals", align: "left" }, { header: "", align: "right" }], totals);
  lines.push("", c.stop === "settled" ? "settled: nobody new is liquidatable at the last marks" : "stopped at the round limit: the marks were still moving");
  lines.push("", t[0]!.trimEnd(), ...t.slice(2).map((l) => "  " + l));
  return lines;
}
