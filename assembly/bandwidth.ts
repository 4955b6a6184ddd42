// A benchmark's yardstick, not part of the model: the fastest a loop on this machine can merely
// read the input columns the scan reads (collateral, positionStart, positionMarket, positionSize,
// positionEntry), 128 bits at a time, folding every byte into a checksum so that no load can be
// optimised away. No scan can beat it; bench/ reports each scan's time as a multiple of it.

// @ts-ignore: decorator
@inline function lanes(v: v128): u64 {
  return i64x2.extract_lane(v, 0) + i64x2.extract_lane(v, 1);
}

/**
 * Reads `accounts` collateral values (i64) and `accounts + 1` offsets (u32), then `positions`
 * markets (u32), sizes (i64) and entries (i64), from the given addresses (8-byte aligned), and
 * returns a wrapping sum of all of them.
 */
export function bandwidthChecksum(
  collateral: usize, positionStart: usize, accounts: u32,
  positionMarket: usize, positionSize: usize, positionEntry: usize, positions: u32,
): u64 {
  let acc64 = i64x2.splat(0);
  let acc32 = i32x4.splat(0);

  // Accounts, four at a time: 32 bytes of collateral and 16 of offsets.
  const a4 = accounts & ~3;
  for (let a: u32 = 0; a < a4; a += 4) {
    const c = collateral + (<usize>a << 3);
    acc64 = i64x2.add(acc64, v128.load(c));
    acc64 = i64x2.add(acc64, v128.load(c, 16));
    acc32 = i32x4.add(acc32, v128.load(positionStart + (<usize>a << 2)));
  }
  let tail: u64 = 0;
  for (let a = a4; a < accounts; a++) tail += load<u64>(collateral + (<usize>a << 3));
  for (let a = a4; a <= accounts; a++) tail += load<u32>(positionStart + (<usize>a << 2));

  // Positions, four at a time: 16 bytes of markets, 32 of sizes, 32 of entries.
  const p4 = positions & ~3;
  for (let p: u32 = 0; p < p4; p += 4) {
    const s = positionSize + (<usize>p << 3);
    const e = positionEntry + (<usize>p << 3);
    acc32 = i32x4.add(acc32, v128.load(positionMarket + (<usize>p << 2)));
    acc64 = i64x2.add(acc64, v128.load(s));
    acc64 = i64x2.add(acc64, v128.load(s, 16));
    acc64 = v128.xor(acc64, v128.load(e));
    acc64 = i64x2.add(acc64, v128.load(e, 16));
  }
  for (let p = p4; p < positions; p++) {
    tail += load<u32>(positionMarket + (<usize>p << 2));
    tail += load<u64>(positionSize + (<usize>p << 3));
    tail ^= load<u64>(positionEntry + (<usize>p << 3));
  }

  return lanes(acc64) + lanes(i64x2.extend_low_i32x4_u(acc32)) + lanes(i64x2.extend_high_i32x4_u(acc32)) + tail;
}
