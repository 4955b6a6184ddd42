// The memory layout of a book, in one place. The TypeScript wrapper (bindings/layout.ts) mirrors
// these numbers; a test checks that both agree through `layoutVersion` and the exported strides.
//
// The wrapper owns memory: it plans where every column goes, grows the memory, writes the
// columns (or hands the caller typed-array views to write into), and fills a descriptor with the
// column addresses. The core never allocates.
//
// Descriptor (DESC_* byte offsets from the descriptor address):
//   counts            accounts, positions, markets (u32)
//   input columns     collateral        i64[accounts]      quote units
//                     positionStart     u32[accounts + 1]  account a holds positions [start[a], start[a+1])
//                     positionMarket    u32[positions]     market index
//                     positionSize      i64[positions]     size units, long > 0
//                     positionEntry     i64[positions]     price units
//                     markets           MARKET_BYTES[markets]
//                     tiers             TIER_BYTES[total tiers]
//   output columns    status            u8[accounts]       STATUS_OK / _LIQUIDATABLE / _OVERFLOW
//                     equity, maintenance, penalty, liquidatorReward, insuranceFund, badDebt,
//                     returned          i64[accounts] each (0 where the status gives none)
//                     totals            TOTALS_BYTES
//   book constant     liquidatorSharePpm i64
//
// Columns are 8-byte aligned. Struct of arrays keeps the scan's reads sequential: a position is
// 20 bytes (market, size, entry) and an account 12 (collateral, start) on the input side.

export const LAYOUT_VERSION: i32 = 1;

export const DESC_ACCOUNTS = 0;
export const DESC_POSITIONS = 4;
export const DESC_MARKETS = 8;
export const DESC_COLLATERAL = 12;
export const DESC_POSITION_START = 16;
export const DESC_POSITION_MARKET = 20;
export const DESC_POSITION_SIZE = 24;
export const DESC_POSITION_ENTRY = 28;
export const DESC_MARKET_TABLE = 32;
export const DESC_TIER_TABLE = 36;
export const DESC_STATUS = 40;
export const DESC_EQUITY = 44;
export const DESC_MAINTENANCE = 48;
export const DESC_PENALTY = 52;
export const DESC_REWARD = 56;
export const DESC_INSURANCE = 60;
export const DESC_BAD_DEBT = 64;
export const DESC_RETURNED = 68;
export const DESC_TOTALS = 72;
export const DESC_LIQUIDATOR_SHARE = 80; // i64
export const DESC_BYTES = 88;

// Market record. The wrapper writes the inputs; `prepareMarkets` derives the rest, so every
// per-market constant the scan needs is computed once, not per position.
export const MARKET_MARK = 0;            // i64 input: mark price (price units)
export const MARKET_SIZE_DECIMALS = 8;   // i32 input
export const MARKET_PRICE_DECIMALS = 12; // i32 input
export const MARKET_FEE_PPM = 16;        // i64 input: liquidation fee
export const MARKET_VOL_CURRENT = 24;    // i64 input: volatility ppm, 0 when the market gives none
export const MARKET_VOL_REFERENCE = 32;  // i64 input
export const MARKET_DEPTH = 40;          // i64 input: quote units, 0 when the market gives no impact
export const MARKET_MAX_SLIPPAGE = 48;   // i64 input: ppm
export const MARKET_TIER_START = 56;     // u32 input: first tier's index in the tier table
export const MARKET_TIER_COUNT = 60;     // u32 input
export const MARKET_DIVISOR = 64;        // u64 derived: 10^e when e >= 0, else 1
export const MARKET_MULTIPLIER = 72;     // u64 derived: 10^-e when e < 0, else 1
export const MARKET_SCALE_PPM = 80;      // u64 derived: volatility scale
export const MARKET_BYTES = 96;

// Tier record.
export const TIER_MAX_NOTIONAL = 0;      // i64 input: inclusive bound; i64.MAX_VALUE on the last tier
export const TIER_MMR_PPM = 8;           // i64 input
export const TIER_CUM_LO = 16;           // u64 derived: continuity offset (quote*ppm), low word
export const TIER_CUM_HI = 24;           // u64 derived: high word
export const TIER_BYTES = 32;

// Totals over the liquidatable accounts: exact 128-bit sums (lo, hi words).
export const TOTALS_LIQUIDATABLE = 0;    // u32
export const TOTALS_OVERFLOW = 4;        // u32
export const TOTALS_PENALTY = 8;
export const TOTALS_REWARD = 24;
export const TOTALS_INSURANCE = 40;
export const TOTALS_BAD_DEBT = 56;
export const TOTALS_NOTIONAL = 72;       // notional of the liquidatable accounts' positions
export const TOTALS_BYTES = 88;

export const STATUS_OK: u8 = 0;
export const STATUS_LIQUIDATABLE: u8 = 1;
export const STATUS_OVERFLOW: u8 = 2;
