/**
 * The one error type of the risk views: a bad option (a shock below -100 %, an empty price range,
 * a beta list of the wrong length). The message names the view and the option, so that the command
 * line can report it as a usage error (exit 2) and an API caller can find the offending argument.
 */
export class ViewError extends RangeError {
  constructor(
    /** The view that refused: `stress`, `liquidationMap`, `cascade`, `realizedVolatilityPpm`. */
    readonly view: string,
    /** The option at fault, as the API spells it (`shocksPpm`, `buckets`, ...). */
    readonly option: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`${view}: ${option}: ${problem}`);
    this.name = "ViewError";
  }
}
