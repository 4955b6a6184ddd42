/**
 * `liqscan import binance --brackets B.json --premium-index P.json --account A.json
 *   --position-risk R.json --exchange-info E.json [--clearance-fee [SYMBOL=]RATE ...] [--id ID] --out BOOK.json`
 *
 * Reads the five saved responses of Binance USDⓈ-M's REST API and writes the venue book
 * (docs/venues/binance-usdm.md). The book is written atomically: to a temporary file next to
 * BOOK.json, then renamed over it, so a failed import never leaves a half-written book.
 */
import { BookError } from "../../book/errors.js";
import { DEFAULT_ACCOUNT_ID, DEFAULT_CLEARANCE_FEE, importBinance } from "../../book/venues/binance.js";
import type { ParsedArgs } from "../args.js";
import type { Importer } from "./import.js";
import { parseBookJson } from "../../book/json.js";
import { CliError } from "../errors.js";
import { readText } from "../load-book.js";

const INPUTS = [
  ["brackets", "GET /fapi/v1/leverageBracket"],
  ["premium-index", "GET /fapi/v1/premiumIndex"],
  ["account", "GET /fapi/v2/account (or v3)"],
  ["position-risk", "GET /fapi/v2/positionRisk (or v3)"],
  ["exchange-info", "GET /fapi/v1/exchangeInfo"],
] as const;

function required(values: ParsedArgs["values"], option: string): string {
  const v = values[option];
  if (typeof v !== "string" || v === "") throw new CliError(`import binance: missing --${option} FILE (see "liqscan import --help")`);
  return v;
}

export const binance: Importer = {
  venue: "binance",
  usage: "--brackets B.json --premium-index P.json --account A.json --position-risk R.json --exchange-info E.json [--clearance-fee [SYMBOL=]RATE ...] [--id ID] [--round-balances] --out BOOK.json",
  help: `  Saved responses of Binance USDⓈ-M's API (the book's venue is "binance-usdm"):
${INPUTS.map(([o, e]) => `  --${o.padEnd(23)} ${e}`).join("\n")}
  --clearance-fee RATE      the clearance-fee rate of every market (default ${DEFAULT_CLEARANCE_FEE};
                            Binance publishes no table: see docs/venues/binance-usdm.md)
  --clearance-fee SYMBOL=RATE
                            one symbol's rate, over that (repeatable)
  --round-balances          round wallet balances with more than 6 decimals (Binance books 8) down to
                            10^-6 USDT, toward the venue's solvency, each one noted on stderr;
                            without it such a balance is an error
  --id ID                   id of the API key's account (default "${DEFAULT_ACCOUNT_ID}"); isolated
                            positions become ID/SYMBOL (hedge mode: ID/SYMBOL/LONG|SHORT)
`,
  options: {
    brackets: { type: "string" },
    "premium-index": { type: "string" },
    account: { type: "string" },
    "position-risk": { type: "string" },
    "exchange-info": { type: "string" },
    "clearance-fee": { type: "string", multiple: true },
    id: { type: "string" },
    "round-balances": { type: "boolean" },
  },
  async build(values: ParsedArgs["values"], lists: ParsedArgs["lists"]) {
    const files = Object.fromEntries(INPUTS.map(([o]) => [o, required(values, o)])) as Record<(typeof INPUTS)[number][0], string>;
    let fee: string | undefined;
    const perSymbol: Record<string, string> = {};
    for (const item of lists["clearance-fee"] ?? []) {
      const eq = item.indexOf("=");
      const [symbol, rate] = eq < 0 ? [null, item] : [item.slice(0, eq), item.slice(eq + 1)];
      if (!/^[0-9]+(\.[0-9]+)?$/.test(rate) || symbol === "") {
        throw new CliError(`--clearance-fee: ${JSON.stringify(item)} is not a rate (a decimal such as 0.0125) or SYMBOL=RATE`);
      }
      if (symbol === null ? fee !== undefined : symbol in perSymbol) throw new CliError(`--clearance-fee: ${symbol === null ? "the rate of every market" : symbol} is given twice`);
      if (symbol === null) fee = rate;
      else perSymbol[symbol] = rate;
    }
    const id = values.id;
    const texts: Record<string, string> = {};
    for (const [option] of INPUTS) texts[option] = await readText(files[option]); // in order: the first unreadable file is named
    const src = (option: (typeof INPUTS)[number][0]) => ({ text: texts[option]!, source: files[option] });
    let text: string;
    try {
      text = importBinance({
        brackets: src("brackets"),
        premiumIndex: src("premium-index"),
        account: src("account"),
        positionRisk: src("position-risk"),
        exchangeInfo: src("exchange-info"),
        clearanceFee: fee,
        clearanceFees: perSymbol,
        accountId: id as string | undefined,
        ...(values["round-balances"] ? { onRoundedBalance: (where: string, field: string, from: string, to: string) => process.stderr.write(`liqscan: note: ${where}: ${field} ${from} rounded down to ${to} (the quote unit is 10^-6 USDT)\n`) } : {}),
      });
    } catch (err) {
      // importBinance's own parameters are named "importBinance"; on the command line they are options
      if (err instanceof BookError && err.record === "importBinance") {
        throw new CliError(`${err.field.startsWith("clearanceFee") ? `--clearance-fee${err.field.startsWith("clearanceFees.") ? ` ${err.field.slice("clearanceFees.".length)}` : ""}` : "--id"}: ${err.problem}`);
      }
      throw err;
    }
    const book = parseBookJson(text);
    return { text, markets: book.markets.length, accounts: book.accounts.length, positions: book.accounts.reduce((n, a) => n + a.positions.length, 0) };
  },
};
