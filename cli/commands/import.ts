/**
 * `liqscan import VENUE ... --out BOOK.json`: a venue book (docs/venues/) from the
 * venue's own API responses. One entry of IMPORTERS per venue; each names its options and turns
 * them into the book's JSON text. The book is written atomically (a temporary file in the same
 * directory, then a rename), so a failed import leaves no half-written book.
 */
import { basename, extname } from "node:path";
import { importDriftBook } from "../../book/venues/drift.js";
import { importDydxBook } from "../../book/venues/dydx.js";
import { importGmxBook } from "../../book/venues/gmx-import.js";
import { importHyperliquidBook } from "../../book/venues/hyperliquid.js";
import { aave } from "./import-aave.js";
import { writeFileAtomically } from "../atomic-write.js";
import { binance } from "./import-binance.js";
import type { OptionSpec, ParsedArgs } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { readText } from "../load-book.js";

/** What an importer produced: the book text and its counts. */
export interface ImportedBook {
  readonly text: string;
  readonly markets: number;
  readonly accounts: number;
  readonly positions: number;
  /** The line printed once the book is written, where the counts above do not describe it (a lending book). */
  readonly summary?: (out: string) => string;
}

/** One venue's importer. */
export interface Importer {
  /** The VENUE argument: `liqscan import hyperliquid`. */
  readonly venue: string;
  /** The usage line after `liqscan import VENUE`. */
  readonly usage: string;
  /** Lines of `--help` describing its options. */
  readonly help: string;
  /** Its options (besides --out). */
  readonly options: OptionSpec;
  build(values: ParsedArgs["values"], lists: ParsedArgs["lists"]): Promise<ImportedBook>;
}

/**
 * `[ID=]PATH` of `--state`: the account id is ID, or the file's base name without extension. The
 * text before the first "=" is an ID only when it is not empty and holds no path separator.
 */
export function stateArgument(arg: string, option = "--state"): { id: string; path: string } {
  const eq = arg.indexOf("=");
  if (eq > 0 && !/[\\/]/.test(arg.slice(0, eq))) {
    const path = arg.slice(eq + 1);
    if (path === "") throw new CliError(`${option}: ${JSON.stringify(arg)} has no file after "="`);
    return { id: arg.slice(0, eq), path };
  }
  const id = basename(arg, extname(arg));
  if (id === "") throw new CliError(`${option}: cannot take an account id from ${JSON.stringify(arg)}: write ID=${arg}`);
  return { id, path: arg };
}

const hyperliquid: Importer = {
  venue: "hyperliquid",
  usage: "--meta META.json --state [ID=]STATE.json ... --out BOOK.json",
  help: `  --meta META.json          the response to {"type": "metaAndAssetCtxs"}
  --state [ID=]STATE.json   a response to {"type": "clearinghouseState", "user": ...}, one per
                            account (repeat the option); the account id is ID, or the file's
                            name without extension; each isolated position becomes the account
                            "ID/COIN"
`,
  options: { meta: { type: "string" }, state: { type: "string", multiple: true } },
  async build(values, lists) {
    const meta = values.meta;
    if (typeof meta !== "string" || meta === "") throw new CliError('import hyperliquid: missing --meta META.json (see "liqscan import --help")');
    const stateArgs = lists.state ?? [];
    if (stateArgs.length === 0) throw new CliError('import hyperliquid: missing --state [ID=]STATE.json (see "liqscan import --help")');
    const metaText = await readText(meta);
    const states = [];
    for (const arg of stateArgs) {
      const { id, path } = stateArgument(arg);
      states.push({ id, text: await readText(path), source: path });
    }
    return importHyperliquidBook({ meta: metaText, metaSource: meta, states });
  },
};

const dydx: Importer = {
  venue: "dydx",
  usage: "--markets MARKETS.json --subaccount [ID=]SUB.json ... [--liquidations-config CONFIG.json] --out BOOK.json",
  help: `  --markets MARKETS.json    the indexer's response to GET /v4/perpetualMarkets
  --subaccount [ID=]SUB.json
                            a response to GET /v4/addresses/{address}/subaccountNumber/{n}, one
                            per account (repeat the option); the account id is ID, or the file's
                            name without extension
  --liquidations-config CONFIG.json
                            a node's GET /dydxprotocol/clob/liquidations_config (default: the
                            chain's values, 1.5 % fee, 1,000 USDC, 10 %, 100,000 USDC)
`,
  options: { markets: { type: "string" }, subaccount: { type: "string", multiple: true }, "liquidations-config": { type: "string" } },
  async build(values, lists) {
    const markets = values.markets;
    if (typeof markets !== "string" || markets === "") throw new CliError('import dydx: missing --markets MARKETS.json (see "liqscan import --help")');
    const subArgs = lists.subaccount ?? [];
    if (subArgs.length === 0) throw new CliError('import dydx: missing --subaccount [ID=]SUB.json (see "liqscan import --help")');
    const subaccounts = [];
    for (const arg of subArgs) {
      const { id, path } = stateArgument(arg, "--subaccount");
      subaccounts.push({ id, text: await readText(path), source: path });
    }
    const config = values["liquidations-config"];
    if (config !== undefined && (typeof config !== "string" || config === "")) throw new CliError("import dydx: --liquidations-config needs a file");
    return importDydxBook({
      markets: await readText(markets), marketsSource: markets, subaccounts,
      ...(typeof config === "string" ? { liquidationsConfig: await readText(config), liquidationsConfigSource: config } : {}),
    });
  },
};

const drift: Importer = {
  venue: "drift",
  usage: "--perp-markets PERP.json --spot-markets SPOT.json --state-account STATE.json --user [ID=]USER.json ... [--bn hex|decimal] [--without-open-orders] --out BOOK.json",
  help: `  --perp-markets PERP.json  JSON.stringify of the SDK's PerpMarketAccount array
                            (driftClient.getPerpMarketAccounts())
  --spot-markets SPOT.json  the same of the SpotMarketAccount array (it must hold market 0, USDC)
  --state-account STATE.json
                            the same of the State account (the liquidation buffer, the initial share)
  --user [ID=]USER.json     the same of one UserAccount, one per account (repeat the option); the
                            account id is ID, or the file's name without extension
  --bn hex|decimal          how BN fields are written (default hex, as BN's toJSON writes them)
  --without-open-orders     take positions with open orders as liquidate_perp does once it has
                            cancelled them (default: refuse them; their margin is not modelled)
`,
  options: { "perp-markets": { type: "string" }, "spot-markets": { type: "string" }, "state-account": { type: "string" }, user: { type: "string", multiple: true }, bn: { type: "string" }, "without-open-orders": { type: "boolean" } },
  async build(values, lists) {
    const file = (name: string, what: string): string => {
      const v = values[name];
      if (typeof v !== "string" || v === "") throw new CliError(`import drift: missing --${name} ${what} (see "liqscan import --help")`);
      return v;
    };
    const perp = file("perp-markets", "PERP.json"), spot = file("spot-markets", "SPOT.json"), state = file("state-account", "STATE.json");
    const userArgs = lists.user ?? [];
    if (userArgs.length === 0) throw new CliError('import drift: missing --user [ID=]USER.json (see "liqscan import --help")');
    const bnFormat = values.bn ?? "hex";
    if (bnFormat !== "hex" && bnFormat !== "decimal") throw new CliError(`import drift: --bn ${JSON.stringify(bnFormat)} is not hex or decimal`);
    const users = [];
    for (const arg of userArgs) {
      const { id, path } = stateArgument(arg, "--user");
      users.push({ id, text: await readText(path), source: path });
    }
    return importDriftBook({
      perpMarkets: await readText(perp), perpMarketsSource: perp, spotMarkets: await readText(spot), spotMarketsSource: spot,
      state: await readText(state), stateSource: state, users, bn: bnFormat, withoutOpenOrders: values["without-open-orders"] === true,
    });
  },
};

const gmx: Importer = {
  venue: "gmx",
  usage: "--markets MARKETS.json --positions POSITIONS.json --config CONFIG.json --out BOOK.json",
  help: `  --markets MARKETS.json    the GMX SDK's marketsInfoData (sdk.markets.getMarketsInfo()), bigints
                            as decimal strings
  --positions POSITIONS.json
                            the SDK's positionsInfoData (sdk.positions.getPositionsInfo()), or an
                            array of the Reader's positions with their fees; one account each
  --config CONFIG.json      the DataStore values the SDK does not carry: {"minCollateralUsd",
                            "liquidationFeeReceiverFactor", "liquidationFeeFactors": {market: f}}
`,
  options: { markets: { type: "string" }, positions: { type: "string" }, config: { type: "string" } },
  async build(values) {
    const file = (name: string, what: string): string => {
      const v = values[name];
      if (typeof v !== "string" || v === "") throw new CliError(`import gmx: missing --${name} ${what} (see "liqscan import --help")`);
      return v;
    };
    const markets = file("markets", "MARKETS.json"), positions = file("positions", "POSITIONS.json"), config = file("config", "CONFIG.json");
    return importGmxBook({ markets: await readText(markets), marketsSource: markets, positions: await readText(positions), positionsSource: positions, config: await readText(config), configSource: config });
  },
};

/** The importers by venue name; a venue is one more entry. */
export const IMPORTERS: readonly Importer[] = [hyperliquid, binance, dydx, drift, gmx, aave];

function venueNames(): string {
  return IMPORTERS.map((i) => i.venue).join(", ");
}

const ownOptions: OptionSpec = { out: { type: "string", short: "o" } };

export const importCommand: Command = {
  name: "import",
  summary: "write a venue book from the venue's API responses",
  help: `Usage: liqscan import VENUE [options] --out BOOK.json

Reads a venue's own API responses and writes the book they describe (a JSON venue book: the
venue's rules apply when it is scanned). Exact: a value the book cannot hold is an error.

${IMPORTERS.map((i) => `liqscan import ${i.venue} ${i.usage}\n${i.help}`).join("\n")}
  --out BOOK.json           where to write the book (replaced atomically)
  -h, --help                this help

Venues: ${venueNames()}.
`,
  options: Object.assign({}, ownOptions, ...IMPORTERS.map((i) => i.options)) as OptionSpec,
  maxPositionals: 1,
  async run({ values, lists, positionals }) {
    const venue = positionals[0];
    if (venue === undefined) throw new CliError(`import: missing VENUE (one of ${venueNames()}; see "liqscan import --help")`);
    const importer = IMPORTERS.find((i) => i.venue === venue);
    if (!importer) throw new CliError(`import: unknown venue ${JSON.stringify(venue)} (venues: ${venueNames()})`);
    for (const key of [...Object.keys(values), ...Object.keys(lists)]) {
      if ((values[key] !== undefined || lists[key] !== undefined) && key !== "help" && !(key in ownOptions) && !(key in importer.options)) {
        throw new CliError(`import ${venue}: --${key} is not an option of this venue (see "liqscan import --help")`);
      }
    }
    const out = values.out;
    if (typeof out !== "string" || out === "") throw new CliError(`import ${venue}: missing --out BOOK.json (see "liqscan import --help")`);
    const book = await importer.build(values, lists);
    await writeFileAtomically(out, [book.text]);
    process.stdout.write(book.summary?.(out) ?? `wrote ${book.accounts} accounts and ${book.positions} positions over ${book.markets} markets (${venue}) to ${out}\n`);
  },
};
