/** The shape of one sub-command of `liqscan`. */
import type { OptionSpec, ParsedArgs } from "./args.js";

export interface Command {
  readonly name: string;
  /** One line for `liqscan --help`. */
  readonly summary: string;
  /** The full text of `liqscan NAME --help`. */
  readonly help: string;
  readonly options: OptionSpec;
  /** Largest number of positional arguments. */
  readonly maxPositionals: number;
  /** Does the work; writes its result to stdout; throws a CliError for bad arguments or input. */
  run(args: ParsedArgs): Promise<void>;
}
