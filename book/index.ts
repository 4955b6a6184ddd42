/**
 * The book module: reading, validating, converting, writing and generating books.
 * Browser-safe: no Node built-ins; files are passed in and out as strings. The Arrow and Parquet
 * forms are the separate entry book/tables.ts (`liqscan/tables`), which imports apache-arrow.
 */
export * from "./types.js";
export { BookError } from "./errors.js";
export { I64_MAX, I64_MIN, formatDecimal, isI64, parseDecimal, tryParseDecimal } from "./decimal.js";
export {
  DEPTH_MIN,
  MAX_DECIMALS,
  MAX_DECIMALS_SUM,
  RATE_DECIMALS,
  RATE_MAX_PPM,
  VOLATILITY_MAX_PPM,
  VOLATILITY_MIN_PPM,
  validateBook,
  validateColumns,
  validateMarket,
} from "./validate.js";
export { parseBookJson, parseMarketsJson, writeBookJson, writeMarketsJson } from "./json.js";
export { FACTOR_UNIT, validateGmxAccount, validateGmxMarket } from "./gmx-validate.js";
export { gmxMarketJson, parseGmx } from "./gmx-json.js";
export { QUOTE_AT_30, WIDE_LIMIT, collateralOf30, sizeInUsdOf } from "./gmx-wide.js";
export { ACCOUNTS_HEADER, POSITIONS_HEADER, parseBookCsv, parseBookCsvStream, writeBookCsv, writeBookCsvChunks, type CsvReadOptions, type CsvStreamOptions, type TextChunks } from "./csv.js";
export { BALANCES_HEADER } from "./balances.js";
export type { BookCsv, ProgressCallback } from "./csv.js";
export { bookToColumns, columnsToBook } from "./columns.js";
export { generateBook } from "./generate.js";
export type { GenerateOptions } from "./generate.js";
export { Random } from "./random.js";
