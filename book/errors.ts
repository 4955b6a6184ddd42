/**
 * The one error type of the book module. Every parser, validator and writer in `book/` throws a
 * `BookError` for bad input, naming the record (which account, market, tier, position or file
 * line) and the field, so that a user can find the offending value in a file of millions of rows.
 */
export class BookError extends Error {
  /** Which record holds the bad value: `account "alice"`, `market "BTC-PERP" tier 3`, `positions.csv line 17`, `book`. */
  readonly record: string;
  /** Which field of that record: `size`, `maxNotional`, `volatility.current`, `collateral`; "" when the record as a whole is wrong. */
  readonly field: string;
  /** What is wrong, without the record and field: `"0.123456789" has more decimals than the market's 8`. */
  readonly problem: string;

  constructor(record: string, field: string, problem: string) {
    super(field === "" ? `${record}: ${problem}` : `${record}: field "${field}": ${problem}`);
    this.name = "BookError";
    this.record = record;
    this.field = field;
    this.problem = problem;
  }
}

/** Longest piece of an offending value quoted in a message (a 10 MB string must not become a 10 MB message). */
const MAX_QUOTED = 80;

/** A string value as it appears in a message: JSON-quoted, shortened when very long. */
export function quote(text: string): string {
  if (text.length > MAX_QUOTED) return `${JSON.stringify(text.slice(0, MAX_QUOTED))}... (${text.length} characters)`;
  return JSON.stringify(text);
}

/** How a non-string value is described in a message: `JSON number 1000`, `null`, `an array`, `bigint 5`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing (undefined)";
  if (typeof value === "string") return `string ${quote(value)}`;
  if (typeof value === "bigint") return `bigint ${value}`;
  if (typeof value === "number") return `number ${value}`;
  if (typeof value === "boolean") return `boolean ${value}`;
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return typeof value;
}

/**
 * A record name, or a function that builds it. Hot loops over millions of accounts pass a function
 * so that the name (`account "alice" position 2`) is only built when there is an error to report.
 */
export type RecordName = string | (() => string);

/** A BookError for a record given as a name or as a function that builds the name. */
export function bookError(record: RecordName, field: string, problem: string): BookError {
  return new BookError(typeof record === "string" ? record : record(), field, problem);
}
