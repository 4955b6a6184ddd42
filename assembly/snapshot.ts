// Snapshot images. The checksum (bindings/snapshot.ts `checksum`), computed over wasm memory with
// i32x4 lanes, so that a restore checks the columns where it has just copied them instead of in
// JavaScript first. The value is the JavaScript function's, bit for bit (test/snapshot-checksum.test.ts):
//
//   the stream: S = the image's bytes 16.., L bytes, W = L >> 2 little-endian words, Q = W & ~3;
//   lanes h0..h3 start at 0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b; word i < Q goes into
//   lane i mod 4, words Q..W-1 and then the trailing L & 3 bytes go into lane 0, one step each:
//   h = imul(h ^ x, 0x01000193); then h = L, and for each lane in order
//   h = imul(h ^ lane, 0x01000193); h ^= h >>> 15; h = imul(h, 0x2c1b3c6d); h ^= h >>> 13.
//
// A lane step is one i32x4.xor and one i32x4.mul on all four lanes at once when the stream is at
// a word index divisible by 4: the vector holds lane k in its lane k. The stream is fed in pieces
// (checksumWords, each a run of whole words, anywhere in wasm memory), so a restore hashes every
// column in place, each where it starts in the stream: a piece that starts at word index i = 2
// mod 4 (a column on an 8-byte boundary that is not a 16-byte one) takes its first two words into
// lanes 2 and 3 one lane at a time, then runs four at a time. The piece boundaries never change
// the value: each word goes into the lane its stream index names, in stream order per lane.

const PRIME: u32 = 0x01000193;

/** The four lanes (lane k of the vector is h_k), the next word's stream index, and Q. */
let lanes: v128 = i32x4(0, 0, 0, 0);
let at: u32 = 0;
let lane0From: u32 = 0;
let streamBytes: u32 = 0;

/** Starts a stream of `length` bytes (the image's length less 16). */
export function checksumStart(length: u32): void {
  lanes = i32x4(0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b);
  at = 0;
  lane0From = (length >>> 2) & ~3;
  streamBytes = length;
}

// @ts-ignore: decorator
@inline function step(h: u32, x: u32): u32 {
  return (h ^ x) * PRIME;
}

/** One word into lane k (0..3) of the vector. */
function stepLane(v: v128, k: u32, x: u32): v128 {
  switch (k) {
    case 0: return i32x4.replace_lane(v, 0, step(i32x4.extract_lane(v, 0), x));
    case 1: return i32x4.replace_lane(v, 1, step(i32x4.extract_lane(v, 1), x));
    case 2: return i32x4.replace_lane(v, 2, step(i32x4.extract_lane(v, 2), x));
    default: return i32x4.replace_lane(v, 3, step(i32x4.extract_lane(v, 3), x));
  }
}

/**
 * The next `words` words of the stream, read at `ptr` (any alignment): each into the lane its
 * stream index names (lane 0 from Q on).
 */
export function checksumWords(ptr: usize, words: u32): void {
  let v = lanes;
  let i: u32 = at;
  const end = i + words;
  // Words i < Q by their lane; first up to a multiple of 4, then 16 bytes a step.
  const vectorEnd = min(end, lane0From);
  while (i < vectorEnd && (i & 3) != 0) {
    v = stepLane(v, i & 3, load<u32>(ptr));
    ptr += 4;
    i++;
  }
  const p = i32x4.splat(PRIME);
  // Four vectors a loop: the loads run ahead of the lanes' chain of xor and mul.
  while (i + 16 <= vectorEnd) {
    const a = v128.load(ptr), b = v128.load(ptr, 16), c = v128.load(ptr, 32), d = v128.load(ptr, 48);
    v = i32x4.mul(v128.xor(v, a), p);
    v = i32x4.mul(v128.xor(v, b), p);
    v = i32x4.mul(v128.xor(v, c), p);
    v = i32x4.mul(v128.xor(v, d), p);
    ptr += 64;
    i += 16;
  }
  while (i + 4 <= vectorEnd) {
    v = i32x4.mul(v128.xor(v, v128.load(ptr)), p);
    ptr += 16;
    i += 4;
  }
  while (i < vectorEnd) {
    v = stepLane(v, i & 3, load<u32>(ptr));
    ptr += 4;
    i++;
  }
  // Words from Q on: lane 0.
  if (i < end) {
    let h0 = i32x4.extract_lane(v, 0) as u32;
    while (i < end) {
      h0 = step(h0, load<u32>(ptr));
      ptr += 4;
      i++;
    }
    v = i32x4.replace_lane(v, 0, h0);
  }
  lanes = v;
  at = end;
}

/** The stream's trailing `bytes` (its length mod 4) at `ptr` into lane 0, and the checksum. */
export function checksumEnd(ptr: usize, bytes: u32): u32 {
  let h0 = i32x4.extract_lane(lanes, 0) as u32;
  for (let j: u32 = 0; j < bytes; j++) h0 = step(h0, load<u8>(ptr + j));
  let h = streamBytes;
  h = mix(h, h0);
  h = mix(h, i32x4.extract_lane(lanes, 1));
  h = mix(h, i32x4.extract_lane(lanes, 2));
  h = mix(h, i32x4.extract_lane(lanes, 3));
  return h;
}

// @ts-ignore: decorator
@inline function mix(h: u32, lane: u32): u32 {
  h = step(h, lane);
  h ^= h >>> 15;
  h *= 0x2c1b3c6d;
  h ^= h >>> 13;
  return h;
}

/** The checksum of `length` bytes at `ptr` in one call. */
export function checksumBytes(ptr: usize, length: u32): u32 {
  checksumStart(length);
  checksumWords(ptr, length >>> 2);
  return checksumEnd(ptr + (length & ~3), length & 3);
}

// A restore's checks of the offsets it copied (bindings/snapshot.ts checkSnapshotContent names
// the fault), 16 values a step.

/** The first i < count - 1 with x[i] > x[i + 1] in the u32 column at `ptr`, or -1. */
export function firstDescent(ptr: usize, count: u32): i32 {
  let i: u32 = 0;
  for (; i + 17 <= count; i += 16) {
    const at = ptr + (<usize>i << 2);
    const d = v128.or(
      v128.or(i32x4.gt_u(v128.load(at), v128.load(at, 4)), i32x4.gt_u(v128.load(at, 16), v128.load(at, 20))),
      v128.or(i32x4.gt_u(v128.load(at, 32), v128.load(at, 36)), i32x4.gt_u(v128.load(at, 48), v128.load(at, 52))),
    );
    if (v128.any_true(d)) break;
  }
  for (; i + 1 < count; i++) if (load<u32>(ptr + (<usize>i << 2)) > load<u32>(ptr + (<usize>i << 2), 4)) return i;
  return -1;
}

/** The first i < count with x[i] >= bound in the u32 column at `ptr`, or -1. */
export function firstAtLeast(ptr: usize, count: u32, bound: u32): i32 {
  let i: u32 = 0;
  const b = i32x4.splat(bound);
  for (; i + 16 <= count; i += 16) {
    const at = ptr + (<usize>i << 2);
    const d = v128.or(
      v128.or(i32x4.ge_u(v128.load(at), b), i32x4.ge_u(v128.load(at, 16), b)),
      v128.or(i32x4.ge_u(v128.load(at, 32), b), i32x4.ge_u(v128.load(at, 48), b)),
    );
    if (v128.any_true(d)) break;
  }
  for (; i < count; i++) if (load<u32>(ptr + (<usize>i << 2)) >= bound) return i;
  return -1;
}
