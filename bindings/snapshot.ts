/**
 * A live book as bytes: `book.snapshot()` writes this image, `engine.restore(image)` reads it
 * back, on either engine. The columns go in as they sit in memory, so writing and reading cost a
 * copy and a checksum, not a parse.
 *
 * Format 1 (little-endian; every column starts on an 8-byte boundary, zero padding between):
 *   0   8 bytes   magic "LIQSCAN\x1a"
 *   8   u32       format version (SNAPSHOT_VERSION)
 *   12  u32       checksum of bytes 16.. (see `checksum`)
 *   16  u32       accounts A
 *   20  u32       positions P
 *   24  u32       flags: 1 account isolation labels, 2 leverage labels, 4 side labels,
 *                 8 ids are "0", "1", ... (no id block), 16 ids are a JSON array (an id holds "\n"),
 *                 32 collateral assets and balances, 64 gmx-v2 USD amounts at 10^-30, 128 (with 64)
 *                 gmx-v2 token amounts: the gmxUsd column is 8 words an account (an image with
 *                 64 alone, written before layout 11, holds 4: sizeInTokens is then the size and
 *                 the balance's tokenAmount its amount)
 *   28  u32       header bytes H: UTF-8 JSON {venue, liquidatorSharePpm, markets (with their
 *                 marks), removed, and with flag 32 assets (with their prices)}, bigints as
 *                 {"$bigint": "digits"}
 *   32  u32       id bytes I: the ids, UTF-8, joined by "\n" (or the JSON array)
 *   36  u32       balances B (0 without flag 32)
 *   40  H bytes header, I bytes ids, then the columns:
 *       collateral i64[A], positionStart u32[A + 1], positionMarket u32[P], positionSize i64[P],
 *       positionEntry i64[P], status u8[A] (the last scan's, without edit flags), then the
 *       labels the flags name: accountIsolated u8[A], positionLeverage u32[P], positionSide u8[P]
 *       (a label column is there when some entry of it is not 0, so both engines write the same
 *       image of the same book), then with flag 32 balanceStart u32[A + 1], balanceAsset u32[B],
 *       balanceAmount i64[B], then with flag 64 gmxUsd u64[6 A] (book/gmx-wide.ts: a gmx-v2 book's
 *       sizeInUsd and collateral at 10^-30, sizeInTokens and the balance's tokenAmount per account (8 words since layout 11), there when some amount is finer than its
 *       quote-unit image, so an image without such amounts is byte for byte what it was).
 * The checksum finds corruption (a changed, lost or added byte), not tampering. `checksum` below
 * defines it; the wasm engine computes the same value in the core (assembly/snapshot.ts,
 * coreChecksum): a restore sums each column where it copies it into wasm memory, a snapshot where
 * the column sits, both at wasm SIMD speed (test/snapshot-checksum.test.ts checks the two agree).
 */
import type { Asset, BookColumns, Market, VenueName } from "../book/types.js";

export const SNAPSHOT_VERSION = 1;
const MAGIC = [0x4c, 0x49, 0x51, 0x53, 0x43, 0x41, 0x4e, 0x1a]; // "LIQSCAN\x1a"
const FIXED = 40;
const FLAG_ISOLATED = 1, FLAG_LEVERAGE = 2, FLAG_SIDE = 4, FLAG_DEFAULT_IDS = 8, FLAG_JSON_IDS = 16, FLAG_BALANCES = 32;
const FLAG_GMX_USD = 64, FLAG_GMX_TOKENS = 128;

/** A snapshot that cannot be restored: not one, corrupt, truncated, or of another version. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(`liqscan: ${message}`);
    this.name = "SnapshotError";
  }
}

/** What a snapshot holds: a book in columns, its last statuses and its removed accounts. */
export interface SnapshotContent extends Required<Pick<BookColumns, "liquidatorSharePpm" | "markets" | "accountIds" | "collateral" | "positionStart" | "positionMarket" | "positionSize" | "positionEntry">>,
  Pick<BookColumns, "assets" | "balanceStart" | "balanceAsset" | "balanceAmount" | "gmxUsd"> {
  readonly venue: VenueName;
  readonly accountIsolated?: Uint8Array | undefined;
  readonly positionLeverage?: Uint32Array | undefined;
  readonly positionSide?: Uint8Array | undefined;
  readonly status: Uint8Array;
  readonly removed: readonly number[];
  /** The ids as the image holds them (decodeSnapshot's, or a book's cache of them): encodeSnapshot then copies bytes instead of joining strings. */
  readonly idImage?: IdImage | undefined;
}

/** The id block of an image: its flags (FLAG_DEFAULT_IDS, FLAG_JSON_IDS or none) and bytes, for `count` accounts. */
export interface IdImage {
  readonly flags: number;
  readonly bytes: Uint8Array;
  readonly count: number;
}

const pad8 = (n: number) => (n + 7) & ~7;

/**
 * The image of `content`. `sum` computes its checksum (bytes 16.. of the image, with `checksum`'s
 * value) given the image and where each part went in it: a wasm book's passes its columns' place
 * in wasm memory to the core (coreChecksum); by default `checksum`.
 */
export function encodeSnapshot(content: SnapshotContent, sum: (image: Uint8Array, parts: readonly { at: number; view: ArrayBufferView }[]) => number = (image) => checksum(image, 16)): Uint8Array {
  // A label column of zeros says nothing: left out, so that both engines write the same image.
  const given = <T extends Uint8Array | Uint32Array>(x: T | undefined) => (x !== undefined && x.some((v) => v !== 0) ? x : undefined);
  const c = content; // not spread: its accountIds may be a getter that decodes them
  const isolated = given(c.accountIsolated), leverage = given(c.positionLeverage), side = given(c.positionSide);
  const A = c.collateral.length, P = c.positionSize.length;
  const enc = new TextEncoder();
  const balances = c.assets !== undefined && c.assets.length > 0 && c.balanceStart !== undefined;
  const header = enc.encode(JSON.stringify({ venue: c.venue, liquidatorSharePpm: c.liquidatorSharePpm, markets: c.markets, removed: c.removed, ...(balances ? { assets: c.assets } : {}) }, (_, v) => (typeof v === "bigint" ? { $bigint: v.toString() } : v)));
  const idImage = c.idImage?.count === A ? c.idImage : encodeIds(c.accountIds);
  const gmxUsd = c.gmxUsd;
  const flags = (isolated ? FLAG_ISOLATED : 0) | (leverage ? FLAG_LEVERAGE : 0) | (side ? FLAG_SIDE : 0) | (balances ? FLAG_BALANCES : 0) | (gmxUsd ? FLAG_GMX_USD | FLAG_GMX_TOKENS : 0) | idImage.flags;
  const ids = idImage.bytes;
  const parts: ArrayBufferView[] = [header, ids, c.collateral, c.positionStart, c.positionMarket, c.positionSize, c.positionEntry, c.status];
  if (isolated) parts.push(isolated);
  if (leverage) parts.push(leverage);
  if (side) parts.push(side);
  if (balances) parts.push(c.balanceStart!, c.balanceAsset!, c.balanceAmount!);
  if (gmxUsd) parts.push(gmxUsd);
  let total = FIXED;
  for (const p of parts) total = pad8(total + p.byteLength);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  v.setUint32(8, SNAPSHOT_VERSION, true);
  v.setUint32(16, A, true);
  v.setUint32(20, P, true);
  v.setUint32(24, flags, true);
  v.setUint32(28, header.byteLength, true);
  v.setUint32(32, ids.byteLength, true);
  v.setUint32(36, balances ? c.balanceAmount!.length : 0, true);
  let at = FIXED;
  const placed: { at: number; view: ArrayBufferView }[] = [];
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    placed.push({ at, view: p });
    at = pad8(at + p.byteLength);
  }
  v.setUint32(12, sum(out, placed), true);
  return out;
}

/** An image whose frame is checked (magic, version, the length its counts imply), not yet its checksum. */
export interface SnapshotFrame {
  /** The image, on an 8-byte boundary (a copy when it was not). */
  readonly image: Uint8Array;
  readonly accounts: number;
  readonly positions: number;
  readonly flags: number;
  readonly headerBytes: number;
  readonly idBytes: number;
  readonly balances: number;
  /** The checksum the image carries (bytes 12..16). */
  readonly stored: number;
}

/** A snapshot's content, its checksum verified in JavaScript (`checksum`) and its offsets checked. */
export function decodeSnapshot(image: Uint8Array): SnapshotContent {
  const frame = readSnapshotFrame(image);
  verifyChecksum(frame, checksum(frame.image, 16));
  const content = snapshotContent(frame);
  checkSnapshotContent(content);
  return content;
}

/** The frame of an image: refuses what is not a snapshot, of another version, or of a length its counts do not give. */
export function readSnapshotFrame(image: Uint8Array): SnapshotFrame {
  if (!(image instanceof Uint8Array)) throw new SnapshotError(`restore() takes the bytes of a snapshot (a Uint8Array), got ${image === null ? "null" : typeof image}`);
  if (image.byteLength < FIXED || MAGIC.some((b, i) => image[i] !== b)) throw new SnapshotError("not a liqscan snapshot (its first bytes are not \"LIQSCAN\\x1a\")");
  if (image.byteOffset % 8 !== 0) image = image.slice();
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const version = v.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION) throw new SnapshotError(`a snapshot of format version ${version}; this liqscan reads version ${SNAPSHOT_VERSION}`);
  const A = v.getUint32(16, true), P = v.getUint32(20, true), flags = v.getUint32(24, true);
  const H = v.getUint32(28, true), I = v.getUint32(32, true), B = v.getUint32(36, true);
  let total = FIXED;
  const sizes = [H, I, 8 * A, 4 * (A + 1), 4 * P, 8 * P, 8 * P, A];
  if (flags & FLAG_ISOLATED) sizes.push(A);
  if (flags & FLAG_LEVERAGE) sizes.push(4 * P);
  if (flags & FLAG_SIDE) sizes.push(P);
  if (flags & FLAG_BALANCES) sizes.push(4 * (A + 1), 4 * B, 8 * B);
  if ((flags & FLAG_GMX_TOKENS) && !(flags & FLAG_GMX_USD)) throw new SnapshotError(`the snapshot's flags ${flags} name gmx-v2 token amounts (128) without their column (64): corrupt`);
  if (flags & FLAG_GMX_USD) sizes.push((flags & FLAG_GMX_TOKENS ? 64 : 32) * A);
  for (const n of sizes) total = pad8(total + n);
  if (image.byteLength !== total) throw new SnapshotError(`the snapshot is ${image.byteLength} bytes where its header says ${total} (${A} accounts, ${P} positions): truncated or corrupt`);
  return { image, accounts: A, positions: P, flags, headerBytes: H, idBytes: I, balances: B, stored: v.getUint32(12, true) };
}

/** Refuses the image when `got`, the checksum of its bytes 16.., is not the one it carries. */
export function verifyChecksum(frame: SnapshotFrame, got: number): void {
  if (frame.stored !== got) throw new SnapshotError(`the snapshot is corrupt: its checksum is ${hex(frame.stored)}, its bytes give ${hex(got)}`);
}

/**
 * The content of a framed image, its columns views of the image's bytes. Neither its checksum nor
 * its offsets are checked here (decodeSnapshot does both; a restore into the core checks the sum
 * where it copied the columns, then calls checkSnapshotContent): a corrupt header may throw anything.
 */
export function snapshotContent(frame: SnapshotFrame): SnapshotContent {
  const { image, accounts: A, positions: P, flags, headerBytes: H, idBytes: I, balances: B } = frame;
  let at = FIXED;
  const next = (n: number) => { const start = at; at = pad8(at + n); return image.byteOffset + start; };
  const header = JSON.parse(new TextDecoder().decode(image.subarray(at, at + H)), (_, x) => (x !== null && typeof x === "object" && typeof x.$bigint === "string" ? BigInt(x.$bigint) : x)) as {
    venue: VenueName; liquidatorSharePpm: bigint; markets: Market[]; removed: number[]; assets?: Asset[];
  };
  next(H);
  const idImage: IdImage = { flags: flags & (FLAG_DEFAULT_IDS | FLAG_JSON_IDS), bytes: image.subarray(at, at + I), count: A };
  next(I);
  let accountIds: string[] | undefined;
  const b = image.buffer;
  return {
    venue: header.venue, liquidatorSharePpm: header.liquidatorSharePpm, markets: header.markets, removed: header.removed, idImage,
    // Decoded when first read: a million ids cost more than the rest of a restore.
    get accountIds() {
      return (accountIds ??= decodeIds(idImage));
    },
    collateral: new BigInt64Array(b, next(8 * A), A),
    positionStart: new Uint32Array(b, next(4 * (A + 1)), A + 1),
    positionMarket: new Uint32Array(b, next(4 * P), P),
    positionSize: new BigInt64Array(b, next(8 * P), P),
    positionEntry: new BigInt64Array(b, next(8 * P), P),
    status: new Uint8Array(b, next(A), A),
    accountIsolated: flags & FLAG_ISOLATED ? new Uint8Array(b, next(A), A) : undefined,
    positionLeverage: flags & FLAG_LEVERAGE ? new Uint32Array(b, next(4 * P), P) : undefined,
    positionSide: flags & FLAG_SIDE ? new Uint8Array(b, next(P), P) : undefined,
    ...(flags & FLAG_BALANCES ? {
      assets: header.assets,
      balanceStart: new Uint32Array(b, next(4 * (A + 1)), A + 1),
      balanceAsset: new Uint32Array(b, next(4 * B), B),
      balanceAmount: new BigInt64Array(b, next(8 * B), B),
    } : {}),
    ...(flags & FLAG_GMX_USD ? { gmxUsd: flags & FLAG_GMX_TOKENS ? new BigUint64Array(b, next(64 * A), 8 * A) : widenGmx(new BigUint64Array(b, next(32 * A), 4 * A), image, FIXED, frame) } : {}),
  };
}

/**
 * A gmxUsd column of 4 words an account (flag 64 alone: an image written before layout 11, whose
 * markets and assets had no tokenDecimals) as 8: sizeInTokens is the first position's size, the
 * balance's tokenAmount its first balance's amount.
 */
function widenGmx(old: BigUint64Array, image: Uint8Array, fixed: number, frame: SnapshotFrame): BigUint64Array {
  const { accounts: A, positions: P, headerBytes: H, idBytes: I } = frame;
  let at = pad8(pad8(fixed + H) + I);
  const starts = new Uint32Array(image.buffer, image.byteOffset + pad8(at + 8 * A), A + 1);
  at = pad8(pad8(at + 8 * A) + 4 * (A + 1));
  at = pad8(at + 4 * P);
  const sizes = new BigInt64Array(image.buffer, image.byteOffset + at, P);
  // Past sizes, entries and statuses: the labels the flags name, then the balances (flag 32).
  at = pad8(pad8(pad8(at + 8 * P) + 8 * P) + A);
  if (frame.flags & FLAG_ISOLATED) at = pad8(at + A);
  if (frame.flags & FLAG_LEVERAGE) at = pad8(at + 4 * P);
  if (frame.flags & FLAG_SIDE) at = pad8(at + P);
  const B = frame.balances;
  const bStart = frame.flags & FLAG_BALANCES ? new Uint32Array(image.buffer, image.byteOffset + at, A + 1) : undefined;
  const bAmount = frame.flags & FLAG_BALANCES ? new BigInt64Array(image.buffer, image.byteOffset + pad8(pad8(at + 4 * (A + 1)) + 4 * B), B) : undefined;
  const out = new BigUint64Array(8 * A);
  const put = (a: number, w: number, x: bigint) => { const u = BigInt.asUintN(128, x); out[8 * a + w] = u & ((1n << 64n) - 1n); out[8 * a + w + 1] = u >> 64n; };
  for (let a = 0; a < A; a++) {
    for (let w = 0; w < 4; w++) out[8 * a + w] = old[4 * a + w]!;
    put(a, 4, starts[a + 1]! > starts[a]! ? sizes[starts[a]!]! : 0n);
    put(a, 6, bStart && bAmount && bStart[a + 1]! > bStart[a]! ? bAmount[bStart[a]!]! : 0n);
  }
  return out;
}

/**
 * The checksum matched, so a book wrote these bytes: what the core relies on to stay inside its
 * columns is checked again (offsets in order, market indices in range), the values are not.
 */
export function checkSnapshotContent(content: SnapshotContent, core?: OffsetChecks): void {
  const A = content.collateral.length, P = content.positionSize.length, B = content.balanceAmount?.length ?? 0;
  const starts = content.positionStart, M = content.markets.length;
  if (starts[0] !== 0 || starts[A] !== P) throw new SnapshotError(`the snapshot's positionStart does not run from 0 to ${P}: corrupt`);
  const market = content.positionMarket;
  // The core's answers, on its copies, say where to look (firstDescent, firstAtLeast: -1 for none).
  const descent = core ? core.firstDescent(core.positionStart, A + 1) : 0, beyond = core ? core.firstAtLeast(core.positionMarket, P, M) : 0;
  if (descent >= 0) for (let a = descent; a < A; a++) if (starts[a]! > starts[a + 1]!) throw new SnapshotError(`the snapshot's positionStart falls at account ${a}: corrupt`);
  if (beyond >= 0) for (let p = beyond; p < P; p++) if (market[p]! >= M) throw new SnapshotError(`the snapshot's position ${p} names market ${market[p]} of ${M}: corrupt`);
  if (content.removed.some((a) => !Number.isInteger(a) || a < 0 || a >= A)) throw new SnapshotError("the snapshot's removed accounts are not accounts of it: corrupt");
  if (content.balanceStart) {
    const bs = content.balanceStart, na = content.assets?.length ?? 0;
    if (!Array.isArray(content.assets) || na === 0 || bs[0] !== 0 || bs[A] !== B) throw new SnapshotError(`the snapshot's balances do not run from 0 to ${B} over its assets: corrupt`);
    for (let a = 0; a < A; a++) if (bs[a]! > bs[a + 1]!) throw new SnapshotError(`the snapshot's balanceStart falls at account ${a}: corrupt`);
    for (let i = 0; i < B; i++) if (content.balanceAsset![i]! >= na) throw new SnapshotError(`the snapshot's balance ${i} names asset ${content.balanceAsset![i]} of ${na}: corrupt`);
  }
}

/** The id block of these ids. */
export function encodeIds(accountIds: readonly string[]): IdImage {
  const enc = new TextEncoder();
  const count = accountIds.length;
  if (defaultIds(accountIds)) return { flags: FLAG_DEFAULT_IDS, bytes: new Uint8Array(0), count };
  if (accountIds.some((id) => id.includes("\n"))) return { flags: FLAG_JSON_IDS, bytes: enc.encode(JSON.stringify(accountIds)), count };
  return { flags: 0, bytes: enc.encode(accountIds.join("\n")), count };
}

/** The ids of an id block (a SnapshotError when they are not `count`). */
function decodeIds(image: IdImage): string[] {
  const text = new TextDecoder().decode(image.bytes);
  const ids: unknown = image.flags & FLAG_DEFAULT_IDS ? Array.from({ length: image.count }, (_, a) => String(a)) : image.flags & FLAG_JSON_IDS ? JSON.parse(text) : image.count === 0 ? [] : text.split("\n");
  if (!Array.isArray(ids) || ids.length !== image.count || ids.some((id) => typeof id !== "string")) throw new SnapshotError(`the snapshot's ids are not ${image.count} strings: corrupt`);
  return ids as string[];
}

function defaultIds(ids: readonly string[]): boolean {
  for (let a = 0; a < ids.length; a++) if (ids[a] !== String(a)) return false;
  return true;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

/**
 * A 32-bit checksum of bytes [from, end): four FNV-1a lanes over 32-bit words (word i into lane
 * i mod 4, each step a bijection of the lane, so a change of one word always changes the result),
 * the trailing bytes into lane 0, the lanes mixed at the end with the length.
 */
export function checksum(bytes: Uint8Array, from: number): number {
  const length = bytes.byteLength - from;
  const words = length >>> 2;
  const base = bytes.byteOffset + from;
  const w = base % 4 === 0 ? new Uint32Array(bytes.buffer, base, words) : new Uint32Array(bytes.slice(from, from + words * 4).buffer);
  let h0 = 0x811c9dc5, h1 = 0x01000193, h2 = 0x9e3779b9, h3 = 0x85ebca6b;
  let i = 0;
  for (; i + 4 <= words; i += 4) {
    h0 = Math.imul(h0 ^ w[i]!, 0x01000193);
    h1 = Math.imul(h1 ^ w[i + 1]!, 0x01000193);
    h2 = Math.imul(h2 ^ w[i + 2]!, 0x01000193);
    h3 = Math.imul(h3 ^ w[i + 3]!, 0x01000193);
  }
  for (; i < words; i++) h0 = Math.imul(h0 ^ w[i]!, 0x01000193);
  for (let j = from + words * 4; j < bytes.byteLength; j++) h0 = Math.imul(h0 ^ bytes[j]!, 0x01000193);
  let h = length;
  for (const lane of [h0, h1, h2, h3]) {
    h = Math.imul(h ^ lane, 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

/** The core's checks of a restore's copies of positionStart and positionMarket (assembly/snapshot.ts) and where those copies are. */
export interface OffsetChecks {
  readonly positionStart: number;
  readonly positionMarket: number;
  firstDescent(ptr: number, count: number): number;
  firstAtLeast(ptr: number, count: number, bound: number): number;
}

/** The core's checksum entry points (assembly/snapshot.ts). */
export interface ChecksumCore {
  readonly memory: WebAssembly.Memory;
  checksumStart(length: number): void;
  checksumWords(ptr: number, words: number): void;
  checksumEnd(ptr: number, bytes: number): number;
}

/** A part of an image that has a place in wasm memory: `bytes` bytes at image offset `at` (a multiple of 4), and at `address`. */
export interface PlacedPart {
  readonly at: number;
  readonly bytes: number;
  readonly address: number;
}

/** Bytes a placed part is copied and summed in at a time: the sum reads what the copy just wrote, from the cache. */
const STREAM_CHUNK = 1 << 17;

/**
 * `checksum(image, 16)`, the same value, computed by the core (assembly/snapshot.ts, i32x4 lanes,
 * about 5 times the JavaScript loop's speed). The placed parts' whole words are summed where they
 * sit in wasm memory; with `copy`, each is first copied there from the image, a chunk at a time,
 * and the chunk summed while it is in the cache (a restore's columns: the sum then covers exactly
 * the bytes the book holds). Every other byte (the fixed fields, header, ids, padding, parts not
 * placed, a placed part's last 1-3 bytes) goes through `scratch` (`scratchBytes` of wasm memory, a
 * multiple of 4, left as written). `placed` is in image order, the parts apart.
 *
 * Lanes: the core sums from any word index (stepLane), but a snapshot's parts all start on 8-byte
 * boundaries of the image (pad8 above, FIXED = 40), so a part at offset `at` starts at word
 * (at - 16) / 4 of the stream, an even number: its first word goes into lane 0 or 2.
 */
export function coreChecksum(core: ChecksumCore, image: Uint8Array, placed: readonly PlacedPart[], scratch: number, scratchBytes: number, copy = false): number {
  const end = image.byteLength;
  if (end < 16) throw new RangeError("coreChecksum: an image has at least 16 bytes");
  core.checksumStart(end - 16);
  let cursor = 16;
  const memory = core.memory.buffer;
  // Image bytes [cursor, to) through the scratch; to - cursor a multiple of 4.
  const through = (to: number) => {
    while (cursor < to) {
      const n = Math.min(scratchBytes, to - cursor);
      new Uint8Array(memory, scratch, n).set(image.subarray(cursor, cursor + n));
      core.checksumWords(scratch, n >>> 2);
      cursor += n;
    }
  };
  for (const p of placed) {
    if (p.at < cursor || (p.at - cursor) % 4 !== 0 || p.at + p.bytes > end) throw new RangeError(`coreChecksum: a part at ${p.at} (${p.bytes} bytes) is not in order, 4-byte aligned and inside the image`);
    through(p.at);
    const whole = p.bytes & ~3;
    if (copy) {
      const into = new Uint8Array(memory, p.address, p.bytes);
      const from = image.subarray(p.at, p.at + p.bytes);
      for (let k = 0; k < p.bytes; k += STREAM_CHUNK) {
        const n = Math.min(STREAM_CHUNK, p.bytes - k);
        into.set(from.subarray(k, k + n), k);
        if (k < whole) core.checksumWords(p.address + k, (Math.min(whole, k + n) - k) >>> 2);
      }
    } else core.checksumWords(p.address, whole >>> 2);
    cursor += whole;
  }
  through(cursor + ((end - cursor) & ~3));
  const tail = end - cursor;
  new Uint8Array(memory, scratch, tail).set(image.subarray(cursor));
  return core.checksumEnd(scratch, tail) >>> 0;
}
