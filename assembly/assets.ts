// Collateral in several assets (docs/model.md, "Collateral in several assets"; the BigInt
// statement is reference/assets.ts). An account's collateral value is its quote collateral plus,
// for every balance b of an asset at price P with weight w (deposits) or lw (borrows),
//   b >= 0:  floor(b P w / (10^6 K)),   b < 0:  -ceil(|b| P lw / (10^6 K)),
// K = 10^(decimals + priceDecimals - 6) as for a position. `valueCollateral` writes it into the
// column the scan reads as collateral (layout.ts, DESC_COLLATERAL), so the scan, the stress pass
// and the liquidation prices are the same code with or without assets; the wrapper calls it after
// a load, an asset price or a balance edit.
//
// Exact in fixed widths. With x = |b| P (< 2^126) and a = floor(x / K), r = x mod K:
//   floor(x w / (10^6 K)) = floor((a w + floor(r w / K)) / 10^6)
//   ceil(x w / (10^6 K))  = ceil((a w + ceil(r w / K)) / 10^6)
// (x w / K = a w + r w / K, and for an integer N, floor(y / N) = floor(floor(y) / N) and
// ceil(y / N) = ceil(ceil(y) / N)). The model makes a >= 2^63 an overflow (a balance's unweighted
// value must fit, as a notional must), so a < 2^63, w <= 10^8 < 2^27: a w < 2^90 fits 128 bits,
// r w < K 2^27 gives a high word below K (what udiv128 needs), and a value that reaches 2^64
// (high word >= 10^6 before the last division) cannot fit either.

import {
  ASSET_BYTES, ASSET_DIVISOR, ASSET_LIABILITY_WEIGHT, ASSET_MULTIPLIER, ASSET_PRICE, ASSET_WEIGHT,
  COLLATERAL_WIDE, DESC_ASSET_TABLE, DESC_BALANCE_AMOUNT, DESC_BALANCE_ASSET, DESC_BALANCE_START,
  DESC_COLLATERAL, DESC_QUOTE_COLLATERAL, DESC_STATUS, STATUS_DIRTY,
} from "./layout";
import { acc0, accAddMagnitude, accFitsI64, accSet, divRem, mulHi, udiv128, umul128 } from "./wide";

const PPM: u64 = 1_000_000;
const I64_MAX: u64 = <u64>i64.MAX_VALUE;

/** The magnitude of one balance's weighted value, or u64.MAX_VALUE when it cannot fit (the account is an overflow). */
// @ts-ignore: decorator
@inline function weightedMagnitude(asset: usize, amount: i64): u64 {
  const borrowed = amount < 0;
  const size = borrowed ? <u64>(-amount) : <u64>amount; // -i64.MIN wraps to 2^63 as a u64: right
  const lo = umul128(size, <u64>load<i64>(asset, ASSET_PRICE));
  const hi = mulHi;
  const k = load<u64>(asset, ASSET_DIVISOR);
  let a: u64, r: u64 = 0;
  if (k > 1) {
    if (hi >= k) return u64.MAX_VALUE;
    a = udiv128(hi, lo, k);
    r = divRem;
  } else {
    if (hi != 0) return u64.MAX_VALUE;
    a = umul128(lo, load<u64>(asset, ASSET_MULTIPLIER));
    if (mulHi != 0) return u64.MAX_VALUE;
  }
  if (a > I64_MAX) return u64.MAX_VALUE;
  const w = borrowed ? load<u64>(asset, ASSET_LIABILITY_WEIGHT) : load<u64>(asset, ASSET_WEIGHT);
  let tlo = umul128(a, w);
  let thi = mulHi;
  if (r != 0) {
    const rlo = umul128(r, w);
    let part = udiv128(mulHi, rlo, k);
    if (borrowed && divRem != 0) part++;
    tlo += part;
    thi += u64(tlo < part);
  }
  if (thi >= PPM) return u64.MAX_VALUE;
  let v = udiv128(thi, tlo, PPM);
  if (borrowed && divRem != 0) v++;
  return v;
}

/**
 * How a venue weighs one balance for valueCollateralFor: `magnitude` is the weighted value's
 * magnitude, or u64.MAX_VALUE when it cannot fit (the account is an overflow); `negative` (read
 * after it) says whether it counts against the account. The model's: weightedMagnitude above.
 */
export class ModelBalances {
  // @ts-ignore: decorator
  @inline magnitude(asset: usize, amount: i64): u64 { return weightedMagnitude(asset, amount); }
  // @ts-ignore: decorator
  @inline negative(amount: i64): bool { return amount < 0; }
}

/**
 * The collateral value of accounts [from, to) into the collateral column, each balance weighed by
 * B; with `markDirty`, an account whose value changed gets STATUS_DIRTY (the next incremental scan
 * evaluates it again). Returns how many values changed.
 */
export function valueCollateralFor<B>(desc: usize, from: u32, to: u32, markDirty: bool): u32 {
  const weigh = changetype<B>(0);
  const table = load<u32>(desc, DESC_ASSET_TABLE) as usize;
  const quote = load<u32>(desc, DESC_QUOTE_COLLATERAL) as usize;
  const out = load<u32>(desc, DESC_COLLATERAL) as usize;
  const starts = load<u32>(desc, DESC_BALANCE_START) as usize;
  const assetCol = load<u32>(desc, DESC_BALANCE_ASSET) as usize;
  const amountCol = load<u32>(desc, DESC_BALANCE_AMOUNT) as usize;
  const status = load<u32>(desc, DESC_STATUS) as usize;
  let changed: u32 = 0;
  for (let a = from; a < to; a++) {
    accSet(load<i64>(quote + (<usize>a << 3)));
    let wide = false;
    const end = load<u32>(starts + (<usize>(a + 1) << 2));
    for (let i = load<u32>(starts + (<usize>a << 2)); i < end; i++) {
      const amount = load<i64>(amountCol + (<usize>i << 3));
      const m = weigh.magnitude(table + <usize>load<u32>(assetCol + (<usize>i << 2)) * ASSET_BYTES, amount);
      if (m == u64.MAX_VALUE) { wide = true; break; }
      accAddMagnitude(weigh.negative(amount), m, 0, 0);
    }
    // -2^63 stands for "does not fit" (COLLATERAL_WIDE): the model's range is [-2^63 + 1, 2^63 - 1].
    const value: i64 = wide || !accFitsI64() ? COLLATERAL_WIDE : <i64>acc0;
    const at = out + (<usize>a << 3);
    if (load<i64>(at) != value) {
      store<i64>(at, value);
      changed++;
      if (markDirty) store<u8>(status + <usize>a, load<u8>(status + <usize>a) | STATUS_DIRTY);
    }
  }
  return changed;
}

/** The model's collateral value (the wrapper calls a venue's `${prefix}valueCollateral` instead where there is one). */
export function valueCollateral(desc: usize, from: u32, to: u32, markDirty: bool): u32 {
  return valueCollateralFor<ModelBalances>(desc, from, to, markDirty);
}
