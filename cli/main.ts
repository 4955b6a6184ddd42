#!/usr/bin/env node
/**
 * The `liqscan` command line: argument parsing and dispatch to cli/commands/, and exit codes.
 *
 *   0  success
 *   1  liqscan itself failed (a bug, or out of memory): `liqscan: internal error: ...` on stderr
 *   2  bad arguments or bad input (unknown command or option, unreadable file, invalid book):
 *      `liqscan: <message>` on stderr naming the file, record and field; nothing on stdout
 */
import { readFileSync } from "node:fs";
import { BookError } from "../book/errors.js";
import { parseCommandArgs } from "./args.js";
import type { Command } from "./command.js";
import { cascadeCommand } from "./commands/cascade.js";
import { convertCommand } from "./commands/convert.js";
import { demoCommand } from "./commands/demo.js";
import { generateCommand } from "./commands/generate.js";
import { importCommand } from "./commands/import.js";
import { liqPriceCommand } from "./commands/liq-price.js";
import { mapCommand } from "./commands/map.js";
import { scanCommand } from "./commands/scan.js";
import { stressCommand } from "./commands/stress.js";
import { watchCommand } from "./commands/watch.js";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./errors.js";

const COMMANDS: readonly Command[] = [scanCommand, liqPriceCommand, stressCommand, mapCommand, cascadeCommand, watchCommand, generateCommand, convertCommand, importCommand, demoCommand];

/** The version of the package this file belongs to (package.json up the directory tree). */
export function version(): string {
  for (let url = new URL("./", import.meta.url), i = 0; i < 4; url = new URL("../", url), i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "liqscan" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not here: look one directory up
    }
  }
  return "unknown";
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: liqscan COMMAND [options]

Exact liquidation scanning of perpetual-futures books.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

A BOOK is a JSON book file, or a directory holding markets.json and two tables: accounts.csv
and positions.csv, or the same as .arrow, .arrows or .parquet (docs/book-format.md); a book
with collateral assets adds balances.csv (.arrow, .arrows, .parquet).

Options:
  -h, --help      this help; "liqscan COMMAND --help" for a command's options
  -v, --version   the version of liqscan

Exit codes: 0 success, 2 bad arguments or input (message on stderr), 1 internal error.
`;
}

/** Runs the command line on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      process.stderr.write(usage());
      return EXIT_USAGE;
    }
    if (first === "-h" || first === "--help") {
      process.stdout.write(usage());
      return EXIT_OK;
    }
    if (first === "-v" || first === "--version") {
      process.stdout.write(`liqscan ${version()}\n`);
      return EXIT_OK;
    }
    if (first === "help") {
      const topic = rest[0];
      if (topic === undefined) {
        process.stdout.write(usage());
        return EXIT_OK;
      }
      const c = COMMANDS.find((x) => x.name === topic);
      if (!c) throw new CliError(`help: unknown command ${JSON.stringify(topic)} (commands: ${COMMANDS.map((x) => x.name).join(", ")})`);
      process.stdout.write(c.help);
      return EXIT_OK;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (!command) {
      const what = first.startsWith("-") ? `unknown option ${JSON.stringify(first)}` : `unknown command ${JSON.stringify(first)}`;
      throw new CliError(`${what} (commands: ${COMMANDS.map((c) => c.name).join(", ")}; see "liqscan --help")`);
    }
    const args = parseCommandArgs(command.name, rest, command.options, command.maxPositionals);
    if (args.values.help) {
      process.stdout.write(command.help);
      return EXIT_OK;
    }
    await command.run(args);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`liqscan: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof BookError) {
      process.stderr.write(`liqscan: ${err.message}\n`);
      return EXIT_USAGE;
    }
    const detail = process.env.LIQSCAN_DEBUG ? String((err as Error)?.stack ?? err) : String((err as Error)?.message ?? err);
    process.stderr.write(`liqscan: internal error: ${detail.replace(/^liqscan: /, "")}\n`);
    return EXIT_FAILURE;
  }
}

// A reader that stops early (`liqscan scan big.json | head`) is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(EXIT_OK);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
