/**
 * Account ids as UTF-8 bytes, for the table readers (book/arrow.ts, book/csv.ts): the duplicate
 * check and the positions' account lookups compare bytes with bytes, and each id becomes a
 * JavaScript string once, at the end (one decoding of all the ids' bytes, then a slice per id).
 *
 * Id i is bytes[start[i], start[i + 1]). Bytes and strings agree: two ids are the same string
 * exactly when their UTF-8 bytes are the same (the readers refuse bytes that are not UTF-8).
 */

/** Growable offsets: Int32Array up to 2^31-1 bytes of ids, Float64Array past it. */
export type Offsets = Int32Array | Uint32Array | Float64Array;

/** FNV-1a over bytes b[s, e), with murmur3's finalizer (FNV's low bits cluster on sequential ids). */
export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** b[s, e) equals ids[k, k + len). */
export function sameBytes(b: Uint8Array, s: number, e: number, ids: Uint8Array, k: number, len: number): boolean {
  if (e - s !== len) return false;
  // from the end: sequential ids such as "acct-0000123" differ in their last bytes
  for (let j = len - 1; j >= 0; j--) if (b[s + j] !== ids[k + j]) return false;
  return true;
}

/** -1, 0 or 1 as x[s, e) sorts before, equal to or after y[t, u) (bytes compared as unsigned, then lengths). */
export function compareBytes(x: Uint8Array, s: number, e: number, y: Uint8Array, t: number, u: number): number {
  const len = Math.min(e - s, u - t);
  for (let j = 0; j < len; j++) {
    const p = x[s + j]!, q = y[t + j]!;
    if (p !== q) return p < q ? -1 : 1;
  }
  return e - s < u - t ? -1 : e - s > u - t ? 1 : 0;
}

/**
 * An index from id bytes to their row: open addressing over an Int32Array of [hash, row + 1]
 * pairs (0 = empty), sized up front (doubling past the capacity given), so a probe touches one
 * cache line and no string. `bytes` and `start` are the caller's and may be replaced by larger
 * copies (a streaming reader's growing buffers) between calls.
 */
export class ByteIdIndex {
  private table: Int32Array;
  private mask: number;
  private count = 0;

  constructor(
    public bytes: Uint8Array,
    public start: Offsets,
    capacity: number,
  ) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size * 2);
    this.mask = size - 1;
  }

  private grow(): void {
    const old = this.table;
    const size = (this.mask + 1) * 2;
    const table = new Int32Array(size * 2);
    const mask = size - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      let slot = old[s]! & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = old[s]!;
      table[2 * slot + 1] = old[s + 1]!;
    }
    this.table = table;
    this.mask = mask;
  }

  /** The row of the id spelled by b[s, e), or -1. */
  find(b: Uint8Array, s: number, e: number): number {
    const { table, mask, bytes, start } = this;
    const h = hashBytes(b, s, e);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[2 * slot + 1]! - 1;
      if (k < 0) return -1;
      if (table[2 * slot] === h) {
        const o = start[k]!;
        if (sameBytes(b, s, e, bytes, o, start[k + 1]! - o)) return k;
      }
    }
  }

  /** Records row `row` (its bytes already in `bytes`); returns the row of an earlier equal id (recording nothing), else -1. */
  add(row: number): number {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const { table, mask, bytes, start } = this;
    const s = start[row]!, e = start[row + 1]!;
    const h = hashBytes(bytes, s, e);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[2 * slot + 1]! - 1;
      if (k < 0) {
        table[2 * slot] = h;
        table[2 * slot + 1] = row + 1;
        this.count++;
        return -1;
      }
      if (table[2 * slot] === h) {
        const o = start[k]!;
        if (sameBytes(bytes, s, e, bytes, o, start[k + 1]! - o)) return k;
      }
    }
  }
}

/** True when every byte of b[s, e) is below 128 (a word at a time where aligned). */
export function isAsciiBytes(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e && ((b.byteOffset + i) & 3) !== 0) if (b[i++]! >= 128) return false;
  const words = (e - i) >> 2;
  if (words > 0) {
    const w = new Int32Array(b.buffer, b.byteOffset + i, words);
    let or = 0;
    for (let k = 0; k < words; k++) or |= w[k]!;
    if ((or & 0x80808080) !== 0) return false;
    i += words * 4;
  }
  for (; i < e; i++) if (b[i]! >= 128) return false;
  return true;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** b[s, e), all below 128 (the caller has checked), as a string: one decoding. */
export function asciiString(b: Uint8Array, s: number, e: number): string {
  return e <= s ? "" : utf8.decode(b.subarray(s, e));
}

/**
 * The n ids bytes[start[i], start[i + 1]) as strings. All ASCII (the usual case): one string of
 * all the bytes, sliced per id. Otherwise each id is decoded from UTF-8; `notUtf8(i)` is thrown
 * for an id that is not UTF-8.
 */
export function idStrings(bytes: Uint8Array, start: Offsets, n: number, notUtf8: (i: number) => Error): string[] {
  const ids: string[] = new Array(n);
  if (n === 0) return ids;
  const s0 = start[0]!, e0 = start[n]!;
  if (isAsciiBytes(bytes, s0, e0)) {
    const text = asciiString(bytes, s0, e0);
    for (let i = 0; i < n; i++) ids[i] = text.slice(start[i]! - s0, start[i + 1]! - s0);
    return ids;
  }
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = start[i + 1]!;
    if (isAsciiBytes(bytes, s, e)) ids[i] = asciiString(bytes, s, e);
    else {
      try {
        ids[i] = utf8.decode(bytes.subarray(s, e));
      } catch {
        throw notUtf8(i);
      }
    }
  }
  return ids;
}

/** Throws `notUtf8(i)` for the first id i of the n that is not UTF-8 (ASCII ids, the usual case, in one pass over their bytes). */
export function checkUtf8Ids(bytes: Uint8Array, start: Offsets, n: number, notUtf8: (i: number) => Error): void {
  if (n === 0 || isAsciiBytes(bytes, start[0]!, start[n]!)) return;
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = start[i + 1]!;
    if (isAsciiBytes(bytes, s, e)) continue;
    try {
      utf8.decode(bytes.subarray(s, e));
    } catch {
      throw notUtf8(i);
    }
  }
}

/** Id i as a string, its bytes known to be UTF-8 (withLazyIds: one id without the others). */
export function idString(bytes: Uint8Array, start: Offsets, i: number): string {
  return utf8.decode(bytes.subarray(start[i]!, start[i + 1]!));
}

/** Id i's text (the bytes are UTF-8; for error messages). */
export function idText(bytes: Uint8Array, start: Offsets, i: number): string {
  return new TextDecoder().decode(bytes.subarray(start[i]!, start[i + 1]!));
}
