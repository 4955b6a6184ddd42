// The memory layout of a book, in one place. The TypeScript wrapper (bindings/layout.ts) mirrors
// these numbers; a test checks that both agree through `layoutVersion` and the exported sizes.
//
// The wrapper owns memory: it plans where every column goes, grows the memory, writes the
// columns (or hands the caller typed-array views to write into), and fills a descriptor with the
// column addresses. The core never allocates.
//
// Descriptor (DESC_* byte offsets from the descriptor address):
//   counts            accounts, positions (slots), markets (u32)
//   input columns     collateral        i64[accounts]      quote units
//                     positionStart     u32[accounts + 1]  account a holds slots [start[a], end[a])
//                     positionEnd       u32[accounts]
//                     positionMarket    u32[positions]     market index; FREE_SLOT in a slot no account holds
//                     positionSize      i64[positions]     size units, long > 0
//                     positionEntry     i64[positions]     price units
//                     markets           MARKET_BYTES[markets]
//                     tiers             TIER_BYTES[total tiers]
//   outputs           status            u8[accounts]       STATUS_OK / _LIQUIDATABLE / _OVERFLOW;
//                                                          the wrapper sets STATUS_DIRTY on an
//                                                          account it edited, the scan clears it
//                     flagged           ENTRY_BYTES[flaggedCount]: the liquidatable and overflow
//                                       accounts, in account order, with their exact amounts
//                     spare             ENTRY_BYTES[capacity]: where the next scan writes its list
//                                       (then the two swap)
//                     scratch           ENTRY_BYTES: evaluateAccount's answer
//                     totals            TOTALS_BYTES
//                     marketSummary     u32[accounts]      which markets (mod 32) an account holds
//                     candidates        u32[CANDIDATE_CHUNK]: an incremental scan's work list; a
//                                       full scan of a compact book uses the same 64 KiB as its
//                                       pre-filter's scratch (scan.ts scanCompact)
//                     changes           CHANGE_BYTES[changeCapacity]: the accounts whose status this
//                                       scan changed (u32 account, u32 status before); the wrapper
//                                       zeroes the count before a scan, a cut-short scan keeps its
//                                       records and the full scan after it adds the rest
//   book constant     liquidatorSharePpm i64
//   assets (optional) the asset table, the quote collateral and the balances (DESC_ASSETS..):
//                     `collateral` is then derived from them by valueCollateral (assets.ts)
//
// Live books (bindings/wasm-book.ts owns the plan, `plan`, and its growth, `relayout`): a loaded
// book is compact: end[a] = start[a + 1], slots in account order, no free slot, and every column
// has exactly the book's size; its positionEnd is positionStart + 4 (no column of its own). The
// first edit that changes the book's shape (a new account, a new position, a closed one) lays it
// out again with a positionEnd column and room for 1/4 more accounts and slots (at least 1,024 and
// 4,096). Then:
//   - closing a position shifts the account's later positions down one slot (their order is the
//     book's) and frees its last slot (FREE_SLOT);
//   - opening one takes the slot at end[a] when it is free or beyond the last used slot;
//     otherwise the account's positions move to the top of the used slots (their old slots freed)
//     and it grows there;
//   - a new account takes the next account index (a removed one keeps its index, empty);
//   - when the top reaches the capacity, the book is compacted in place; when that would leave
//     less than 1/8 of the slots free after the move, or the accounts are full, it is laid out
//     again with room for 1/2 more than it needs (a book that grew goes on growing), its slots
//     kept as they are (holes and relocated accounts included) when the new room holds the move.
// A compaction (relayout.ts) copies the slots into a scratch region of wasm memory past both the
// old plan and the new one (and past what was taken after the old one), 20 bytes a position and
// 4 an account, and places them back; the memory stays for the next one. A larger plan puts every
// region at or above where it was, so a growth moves the columns in place, highest first.
// The core never assumes start[a + 1] = end[a]: only the wrapper's public views (`inputs`,
// `positionStart`) and the liquidation-price buffer do, and the wrapper compacts before it hands
// them out. Account indices never move, so statuses, the market summary and the flagged lists
// are carried over every re-layout.
//
// The tick index (tick.ts), which the wrapper turns on for a live book that keeps rescanning after
// price moves without changing shape (a book that is only scanned whole does not pay for it): per
// account an f32 lower bound on its margin (DESC_TICK_BOUNDS), written over the market summary
// (the same 4 bytes an account; incremental scans then find the holders of a moved market in the
// lists instead), and per market the ascending list of the accounts that hold it with each one's
// size there as an f32 (8 bytes per holder, bump-allocated), handed to the scan of a tick of that
// market. Every scan keeps the bounds of the accounts it evaluates. A change of shape turns the
// index off: the wrapper computes the summary again (summarizeMarkets) before it edits it.
//
// Compact outputs: an account that is not flagged costs one status byte. Its exact equity and
// maintenance are computed on demand (evaluateAccount), because a risk engine reads them for a
// handful of accounts, while it rescans all of them on every tick. That is what keeps a book
// under 32 resident bytes per position (20 for the position, 17 per account, the lists).
//
// Columns are 8-byte aligned. Struct of arrays keeps the scan's reads sequential.
//
// Stress grid (stress.ts), a buffer the wrapper passes per call, not in the descriptor:
//   marks   i64[(shocks + 1) * markets]  row k: every market's mark at shock k; row `shocks`:
//                                        the book's own marks, restored when the pass ends
//   totals  TOTALS_BYTES[shocks]         the totals of shock k at k * TOTALS_BYTES

export const LAYOUT_VERSION: i32 = 11;

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
export const DESC_FLAGGED = 44;          // u32 address of the current list
export const DESC_FLAGGED_COUNT = 48;    // u32 entries in it
export const DESC_SPARE = 52;            // u32 address of the other list buffer
export const DESC_CAPACITY = 56;         // u32 entries each buffer holds
export const DESC_SCRATCH = 60;          // u32 address of one entry
export const DESC_TOTALS = 64;           // u32 address
export const DESC_EDITED_COUNT = 68;     // u32: n + 1 when an incremental scan with no moved mark
                                         // should take its work list from the candidates buffer:
                                         // the n edited accounts, ascending, every account whose
                                         // status carries STATUS_DIRTY (0: no list; the scan clears it)
export const DESC_LIQUIDATOR_SHARE = 72; // i64
export const DESC_MARKET_SUMMARY = 80;   // u32 address of u32[accounts]: bit (m & 31) set when the
                                         // account holds market m (summarizeMarkets fills it); the
                                         // tick bounds while the tick index is on
export const DESC_CANDIDATES = 84;       // u32 address of u32[CANDIDATE_CHUNK]: an incremental
                                         // scan's work list, one chunk of accounts at a time (a full
                                         // scan's pre-filter scratch)
export const DESC_F_SLACK = 88;          // f64: the pre-filter's absolute error allowance per
                                         // position, the largest over the markets (prefilter.ts)
export const DESC_POSITION_END = 96;     // u32 address of u32[accounts]: account a's slots end here
export const DESC_CHANGES = 100;         // u32 address of the change list
export const DESC_CHANGE_COUNT = 104;    // u32 records in it
export const DESC_CHANGE_CAPACITY = 108; // u32 records it holds: at least 2 * the list capacity
// Collateral in several assets (assets.ts): all zero in a book without assets, where collateral
// is the quote collateral column itself.
export const DESC_ASSETS = 112;          // u32 assets in the asset table
export const DESC_ASSET_TABLE = 116;     // u32 address of ASSET_BYTES[assets]
export const DESC_QUOTE_COLLATERAL = 120; // u32 address of i64[accounts]: the quote collateral (input);
                                         // DESC_COLLATERAL then points to the collateral value column
                                         // (derived: quote + weighted balances, COLLATERAL_WIDE when it
                                         // does not fit), which the scan reads
export const DESC_BALANCE_START = 124;   // u32 address of u32[accounts + 1]: account a holds balances [start[a], start[a + 1])
export const DESC_BALANCE_ASSET = 128;   // u32 address of u32[balances]: asset index
export const DESC_BALANCE_AMOUNT = 132;  // u32 address of i64[balances]: 10^-decimals units, < 0 borrowed
// The tick index (tick.ts): all zero until the wrapper turns it on for a live book that ticks.
export const DESC_TICK_BOUNDS = 136;     // u32 address of f32[accounts]: each account's lower bound on its
                                         // margin at the marks MARKET_TICK_MARK (0: no bounds kept)
export const DESC_TICK_MARKET = 140;     // u32: 1 + the one market whose mark moved, when the wrapper asks an
                                         // incremental scan to go through that market's holders; else 0
export const DESC_TICK_HOLDERS = 144;    // u32 address of u32[count]: the accounts holding that market, ascending
export const DESC_TICK_HOLDER_COUNT = 148; // u32
export const DESC_TICK_SIZES = 152;      // u32 address of f32[count]: each holder's size in that market (NaN: a hedge)
// gmx-v2 books (assembly/venues/gmx-v2.ts; 0 in every other book, which never reads it): the
// region of the accounts' exact amounts, u64[8 * account capacity] (64 bytes an account, layout
// 11), per account sizeInUsd (lo, hi) then the close's price impact (lo, hi), USD at GMX's
// FLOAT_PRECISION (10^-30), two's complement 128 bits, each below 2^125 in magnitude or saturated
// at +-2^126, then sizeInTokens (lo, hi): the position's index token amount at 10^-tokenDecimals
// of its market (MARKET_GMX_TOKEN_DECIMALS), two's complement 128 bits, below 2^127 in magnitude,
// its sign the size's (0 without a position), then the balance's tokenAmount (lo, hi): the collateral
// token amount at 10^-tokenDecimals of its asset (ASSET_GMX_TOKEN_SHIFT), two's complement 128 bits,
// below 2^127 in magnitude (0 without a balance) (book/gmx-wide.ts). The 64-bit columns keep their
// floors (positionEntry, the quote collateral: floor(exact / 10^24) in quote units; positionSize:
// the size whose magnitude is floor(|sizeInTokens| / 10^(tokenDecimals - sizeDecimals)), in size
// units) for the generic machinery; the gmx kernel reads this region. Bump-allocated by the wrapper after
// the plan's regions, like the asset region, and placed again on every re-layout.
export const DESC_GMX_WIDE = 156;        // u32 address
export const DESC_BYTES = 160;

// Asset record (assets.ts).
export const ASSET_PRICE = 0;            // i64 input: 10^-priceDecimals quote per unit
export const ASSET_WEIGHT = 8;           // u64 input: maintenance asset weight, ppm (deposits)
export const ASSET_LIABILITY_WEIGHT = 16; // u64 input: liability weight, ppm (borrows)
export const ASSET_DIVISOR = 24;         // u64 input: 10^e when e = decimals + priceDecimals - 6 >= 0, else 1
export const ASSET_MULTIPLIER = 32;      // u64 input: 10^-e when e < 0, else 1
export const ASSET_DRIFT_IMF = 40;       // u64 input, drift-v2 books: the spot market's imf_factor (10^-6), 0 elsewhere
export const ASSET_GMX_TOKEN_SHIFT = 40; // u32 input, gmx-v2 books (layout 11): tokenDecimals - decimals, the unit of the
                                         // balances' exact amounts in the region (DESC_GMX_WIDE words 6-7)
export const ASSET_BYTES = 48;
/** The collateral value of an account whose value does not fit 64 bits: the scan reports it as an overflow. */
export const COLLATERAL_WIDE: i64 = i64.MIN_VALUE;

// A change record: an account whose status the scan changed.
export const CHANGE_ACCOUNT = 0;         // u32
export const CHANGE_BEFORE = 4;          // u32 status before the scan (STATUS_DIRTY cleared)
export const CHANGE_BYTES = 8;
/** positionMarket of a slot no account holds. */
export const FREE_SLOT: u32 = 0xffffffff;

// An entry of the flagged list: one liquidatable or overflow account (zeros for overflow).
export const CANDIDATE_CHUNK: u32 = 16384;

export const ENTRY_ACCOUNT = 0;          // u32
export const ENTRY_STATUS = 4;           // u32
export const ENTRY_EQUITY = 8;           // i64 each from here
export const ENTRY_MAINTENANCE = 16;
export const ENTRY_PENALTY = 24;
export const ENTRY_REWARD = 32;          // the insurance fund's share is penalty - reward
export const ENTRY_BAD_DEBT = 40;
export const ENTRY_RETURNED = 48;
export const ENTRY_NOTIONAL = 56;        // u64 lo, u64 hi: the sum of the position notionals
                                         // (128 bits: with zero fee rates it passes 2^64
                                         // without making the account an overflow)
export const ENTRY_BYTES = 72;

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
// dydx-v4 markets have no impact; their records hold the liquidations config's block limits there.
export const MARKET_DYDX_MIN_NOTIONAL = 40; // u64 input: min_position_notional_liquidated (quote units)
export const MARKET_DYDX_SUBACCOUNT_MAX = 48; // u64 input: subaccount max_notional_liquidated (quote units)
// drift-v2 markets have no impact or volatility; their records hold the program's parameters in
// those fields and the spares (docs/venues/drift-v2.md):
export const MARKET_DRIFT_STEP = 40;     // u64 input: amm.order_step_size (size units)
export const MARKET_DRIFT_PNL_WEIGHT = 48; // u32 input: unrealized_pnl_maintenance_asset_weight (10^-4)
export const MARKET_DRIFT_IF_FEE = 52;   // u32 input: if_liquidation_fee (10^-6)
export const MARKET_DRIFT_BUFFER = 88;   // u32 input: State.liquidation_margin_buffer_ratio (10^-4)
export const MARKET_DRIFT_INITIAL_PCT = 92; // u32 input: State.initial_pct_to_liquidate (10^-4)
// gmx-v2 markets (docs/venues/gmx-v2.md): the spread and open interest in tokens in the impact
// fields and spares, factors in 10^-9, USD amounts at 10^-30 in the 128-bit block at the end.
export const MARKET_GMX_SPREAD = 40;     // u64 input: index max price - min price (price units)
export const MARKET_GMX_MIN_CF = 88;     // u32 input: minCollateralFactorForLiquidation (10^-9)
export const MARKET_GMX_LIQ_FEE = 92;    // u32 input: liquidationFeeFactor (10^-9)
// Layout 11: the index token's amounts exact past 64 bits. A gmx market's tokenDecimals (>= its
// sizeDecimals, tokenDecimals + priceDecimals <= 30) is the unit of sizeInTokens (the region above)
// and of each side's open interest in tokens, u128 exact (book/gmx-validate.ts: below 2^128, and
// times 10^(30 - tokenDecimals - priceDecimals) below 2^192, so the pool path's side value at a
// price below 2^63 stays below 2^255; assembly/venues/gmx-v2.ts header).
export const MARKET_GMX_TOKEN_DECIMALS = 200; // i32 input: tokenDecimals
export const MARKET_GMX_LONG_OI_TOKENS = 208; // u128 input: long open interest in tokens (10^-tokenDecimals)
export const MARKET_GMX_SHORT_OI_TOKENS = 224; // u128 input (ends at 240)
// gmx-v2's USD amounts at FLOAT_PRECISION (10^-30 USD), little-endian u64 words, unsigned (layout 9:
// the pool path is 256-bit, assembly/venues/gmx-v2.ts; bindings/venues.ts writes them). MIN_COLLATERAL_USD
// is u128, saturated at 2^126 where the book's amount is at or past 2^125 (an account reading it is an
// overflow); each side's open interest and getCappedPnl's bound are u192, exact (book/gmx-validate.ts
// refuses a market whose openInterestUsd or poolUsd reaches 2^192):
export const MARKET_GMX_MIN_USD = 400;   // u128 input: MIN_COLLATERAL_USD
export const MARKET_GMX_LONG_OI = 416;   // u192 input: the long side's open interest (getOpenInterest)
export const MARKET_GMX_LONG_MAX_PNL = 440; // u192 input: applyFactor(long poolUsd, maxPnlFactorForTraders), exact
                                         // (the wrapper derives it: the pool's worth and the factor are given)
export const MARKET_GMX_SHORT_OI = 464;  // u192 input: the short side's
export const MARKET_GMX_SHORT_MAX_PNL = 488; // u192 input: the short side's (ends at 512)
export const MARKET_TIER_START = 56;     // u32 input: first tier's index in the tier table
export const MARKET_TIER_COUNT = 60;     // u32 input
export const MARKET_DIVISOR = 64;        // u64 derived: 10^e when e >= 0, else 1
export const MARKET_MULTIPLIER = 72;     // u64 derived: 10^-e when e < 0, else 1
export const MARKET_SCALE_PPM = 80;      // u64 derived: volatility scale
export const MARKET_DYDX_MAX_PORTION = 88; // u32 input, dydx-v4: max_position_portion_liquidated_ppm
// Float images for the pre-filter (prefilter.ts), derived from the inputs (the mark is read as is).
export const MARKET_RATE_DENOMINATOR = 96; // u64 input: what the tiers' rates are parts of (10^6: ppm;
                                         // hyperliquid: 2 lcm of the tiers' max leverages)
export const MARKET_F_INV_K = 104;       // f64 1/K
export const MARKET_DYDX_STEP = 112;     // u64 input, dydx-v4: the clob pair's stepBaseQuantums
export const MARKET_F_WEIGHT = 120;      // f64 (1 + steepest maintenance rate)/K, for the error band
// The line the full scan's pre-filter reads per position (prefilter.ts segmentedSums), all f64:
// the mark's images, which every scan derives from the mark first (scan.ts floatMarks), and the
// first two tiers' pieces, which prepareMarket derives (a market with one tier repeats its piece).
export const MARKET_F_MARK_K = 128;      // f64 mark / K           } one f64x2: (mark, weight) lanes
export const MARKET_F_MARK_W = 136;      // f64 mark * MARKET_F_WEIGHT }
export const MARKET_F_NEG_INV_K = 144;   // f64 -MARKET_F_INV_K        } one f64x2: what an entry adds
export const MARKET_F_WEIGHT2 = 152;     // f64 MARKET_F_WEIGHT again   }
export const MARKET_F_SLOPE0 = 160;      // f64 first tier's TIER_F_SLOPE
export const MARKET_F_INTERCEPT0 = 168;  // f64 first tier's TIER_F_INTERCEPT
export const MARKET_F_SLOPE1 = 176;      // f64 second tier's (the first's with one tier)
export const MARKET_F_INTERCEPT1 = 184;  // f64
export const MARKET_F_BOUND1 = 192;      // f64 second tier's TIER_F_BOUND (+Infinity with one or two tiers)
// The tick index (tick.ts), past the venues' fields (gmx-v2's fill 200..239 and 400..511).
export const MARKET_TICK_MARK = 256;     // i64 derived: the mark the accounts' tick bounds were computed at
export const MARKET_F_TICK_SLOPE = 264;  // f64 derived: the steepest maintenance rate, rounded up, plus the
                                         // float guard of a tick's update (tick.ts)
export const MARKET_BYTES = 512;         // a power of two: the scan finds a record with a shift
export const MARKET_SHIFT: usize = 9;     // log2(MARKET_BYTES)

// Tier record.
export const TIER_MAX_NOTIONAL = 0;      // i64 input: inclusive bound; i64.MAX_VALUE on the last tier
export const TIER_MMR_PPM = 8;           // i64 input
export const TIER_CUM_LO = 16;           // u64 derived: continuity offset (quote*ppm), low word
export const TIER_CUM_HI = 24;           // u64 derived: high word
export const TIER_F_BOUND = 32;          // f64 derived: maxNotional, +Infinity on the last tier
export const TIER_F_SLOPE = 40;          // f64 derived: mmr * scale / 10^12
export const TIER_F_INTERCEPT = 48;      // f64 derived: cum * scale / 10^12
export const TIER_DYDX_IMF = 56;         // u32 input, dydx-v4: the liquidity tier's initial margin ppm
export const TIER_DYDX_FRACTION = 60;    // u32 input, dydx-v4: its maintenance fraction ppm
                                         // (TIER_MMR_PPM holds their product, in ppm^2: the float image)
export const TIER_DRIFT_RATIO = 56;      // u32 input, drift-v2: margin_ratio_maintenance (10^-4)
export const TIER_DRIFT_IMF = 60;        // u32 input, drift-v2: imf_factor (10^-6)
export const TIER_GMX_RECEIVER = 56;     // u32 input, gmx-v2: liquidationFeeReceiverFactor (10^-9)
export const TIER_GMX_MAX_IMPACT = 60;   // u32 input, gmx-v2: maxPositionImpactFactorForLiquidations (10^-9)
export const TIER_BYTES = 64;           // a power of two (generic tiers leave 56..63 as padding)

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
export const STATUS_DIRTY: u8 = 0x80;
