/**
 * Argument parsing for one command, on node:util parseArgs, with every mistake turned into a
 * CliError (exit code 2) that says what was wrong and where to look.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { EngineName } from "../bindings/types.js";
import { CliError } from "./errors.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | undefined>;
  /** The values of each repeatable option (`multiple: true`, e.g. --beta, --state), in order. */
  readonly lists: Record<string, string[] | undefined>;
  readonly positionals: string[];
}

/**
 * Parses `argv` (the arguments after the command name) strictly: unknown options, missing option
 * values and extra positionals are errors naming the command.
 */
export function parseCommandArgs(command: string, argv: readonly string[], options: OptionSpec, maxPositionals: number): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    // `--from -50`: parseArgs will not take a value that starts with "-" unless it is attached.
    const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(String((err as Error).message));
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && ambiguous) {
      const option = ambiguous[1]!;
      const value = argv[argv.indexOf(option) + 1] ?? "-1";
      throw new CliError(`${command}: option '${option}' argument is ambiguous: a value that starts with "-" must be attached to its option: write ${option}=${value}`);
    }
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      // parseArgs' own messages are clear but long; keep their first sentence.
      let first = String((err as Error).message).split(/\.(?:\s|$)/)[0]!;
      first = first.charAt(0).toLowerCase() + first.slice(1);
      throw new CliError(`${command}: ${first} (see "liqscan ${command} --help")`);
    }
    throw err;
  }
  const values: Record<string, string | boolean | undefined> = {};
  const lists: Record<string, string[] | undefined> = {};
  for (const [k, v] of Object.entries(parsed.values)) {
    if (Array.isArray(v)) lists[k] = v.map(String);
    else values[k] = v;
  }
  if (values.help) return { values, lists, positionals: parsed.positionals };
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).map((p) => JSON.stringify(p)).join(" ");
    throw new CliError(`${command}: unexpected argument${parsed.positionals.length - maxPositionals > 1 ? "s" : ""} ${extra} (see "liqscan ${command} --help")`);
  }
  return { values, lists, positionals: parsed.positionals };
}

/** A count such as `--accounts 200000` (underscores allowed: `200_000`), within [min, max]. */
export function parseCount(text: string | boolean | undefined, option: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const s = String(text);
  if (!/^[0-9]+(_[0-9]+)*$/.test(s)) throw new CliError(`--${option}: ${JSON.stringify(s)} is not a whole number`);
  const n = Number(s.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`--${option}: ${s} is outside [${min}, ${max}]`);
  return n;
}

export function parseEngine(text: string | boolean | undefined): EngineName {
  if (text === undefined) return "wasm";
  if (text === "wasm" || text === "reference") return text;
  throw new CliError(`--engine: ${JSON.stringify(String(text))} is not an engine (use "wasm" or "reference")`);
}
