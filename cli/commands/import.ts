/**
 * `liqscan import VENUE [options] --out BOOK.json`: a venue book from a venue's own API responses.
 * Each venue lives in its own file (cli/commands/import-<venue>.ts) and is listed in VENUES.
 */
import type { OptionSpec } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { binanceImport, type ImportVenue } from "./import-binance.js";

/** The venues `liqscan import` knows, by the name given on the command line. */
export const VENUES: Readonly<Record<string, ImportVenue>> = {
  binance: binanceImport,
};

const names = (): string => Object.keys(VENUES).join(", ");

export const importCommand: Command = {
  name: "import",
  summary: "write a venue book from a venue's API responses (binance)",
  get help() {
    return `Usage: liqscan import VENUE [options] --out BOOK.json

Venues:
${Object.entries(VENUES).map(([name, v]) => `  ${name.padEnd(12)} ${v.summary}`).join("\n")}

${Object.values(VENUES).map((v) => v.help).join("\n")}`;
  },
  // parseArgs sees every venue's options; each venue then refuses the options that are not its own
  get options(): OptionSpec {
    return Object.assign({}, ...Object.values(VENUES).map((v) => v.options)) as OptionSpec;
  },
  maxPositionals: 1,
  async run(args) {
    const name = args.positionals[0];
    if (name === undefined) throw new CliError(`import: missing VENUE (venues: ${names()}; see "liqscan import --help")`);
    const venue = VENUES[name];
    if (!venue || !Object.prototype.hasOwnProperty.call(VENUES, name)) throw new CliError(`import: unknown venue ${JSON.stringify(name)} (venues: ${names()})`);
    for (const [option, value] of Object.entries(args.values)) {
      if (value !== undefined && option !== "help" && !Object.prototype.hasOwnProperty.call(venue.options, option)) {
        throw new CliError(`import ${name}: option --${option} is not an option of this venue (see "liqscan import --help")`);
      }
    }
    await venue.run(args);
  },
};
