/**
 * The Arrow and Parquet forms of a book: the package's `liqscan/tables` entry. Kept out of the main
 * entry (book/index.ts, `liqscan`) because it imports apache-arrow (and, on first Parquet use,
 * parquet-wasm): a page or program that never reads a table does not load them.
 */
export { BALANCE_COLUMNS } from "./balances.js";
export { ACCOUNT_COLUMNS, POSITION_COLUMNS, arrowIpcChunks, arrowTableFromBytes, bookFromArrowTables, bookToArrowTables, parseBookArrow, utf8Data, writeBookArrow } from "./arrow.js";
export type { ArrowWriteOptions, TableFiles } from "./arrow.js";
export { arrowToParquet, concatBytes, parquetToArrowTable, parquetWasm, parseBookParquet, writeBookParquet } from "./parquet.js";
export type { ByteRanges, ParquetSource } from "./parquet.js";
export type { Offsets } from "./id-bytes.js";
