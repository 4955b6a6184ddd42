// The exported surface of the core. Every entry point takes the address of a book descriptor
// (layout.ts) that the wrapper filled; none allocates, so the wrapper's views stay valid across calls.

import { ASSET_BYTES, CHANGE_BYTES, DESC_BYTES, DESC_F_SLACK, DESC_MARKETS, DESC_MARKET_TABLE, DESC_TIER_TABLE, ENTRY_BYTES, LAYOUT_VERSION, MARKET_BYTES, TIER_BYTES, TOTALS_BYTES } from "./layout";
import { marketAt, prepareMarket } from "./market";

export { summarizeMarkets } from "./scan";
export { valueCollateral } from "./assets";
export { countHolders, fillHolders, markHolders } from "./tick";
export { checkPlainPositions } from "./validate";
export { compactSlots, placeSlots, slotScratchBytes, slotScratchSize, slotScratchStarts } from "./relayout"; // a live book's re-layout (bindings/wasm-book.ts relayout)
export { checksumStart, checksumWords, checksumEnd, checksumBytes, firstDescent, firstAtLeast } from "./snapshot"; // snapshot images (bindings/snapshot.ts)
export * from "./venues/index";
export { bandwidthChecksum } from "./bandwidth"; // bench/ yardstick: takes column addresses, no descriptor

/** First free byte after the core's static data: the wrapper lays the book out from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Sizes the wrapper checks against its own copy of the layout. */
export function layoutVersion(): i32 { return LAYOUT_VERSION; }
export function descriptorBytes(): i32 { return DESC_BYTES; }
export function marketBytes(): i32 { return MARKET_BYTES; }
export function tierBytes(): i32 { return TIER_BYTES; }
export function totalsBytes(): i32 { return TOTALS_BYTES; }
export function entryBytes(): i32 { return ENTRY_BYTES; }
export function changeBytes(): i32 { return CHANGE_BYTES; }
export function assetBytes(): i32 { return ASSET_BYTES; }

/** Derive every market's constants; call after writing or editing market records. */
export function prepareMarkets(desc: usize): void {
  const table = load<u32>(desc, DESC_MARKET_TABLE) as usize;
  const tiers = load<u32>(desc, DESC_TIER_TABLE) as usize;
  const count = load<u32>(desc, DESC_MARKETS);
  let slack: f64 = 0;
  for (let m: u32 = 0; m < count; m++) slack = max(slack, prepareMarket(marketAt(table, m), tiers));
  store<f64>(desc, slack, DESC_F_SLACK);
}
