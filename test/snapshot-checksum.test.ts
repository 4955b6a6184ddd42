// The snapshot checksum in the core (assembly/snapshot.ts, bindings/snapshot.ts coreChecksum)
// against the JavaScript function that defines it (bindings/snapshot.ts checksum), and a restore's
// refusal of corrupt images now that the wasm engine checks the sum in the core.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createEngine, SnapshotError, type Engine } from "../bindings/index.js";
import { Rng, randomVenueBook } from "./support/random-book.js";
import { withAssets } from "./support/assets.js";
import { checksum, coreChecksum, readSnapshotFrame, snapshotContent, type ChecksumCore, type PlacedPart } from "../bindings/snapshot.js";

interface Core extends ChecksumCore {
  heapBase(): number;
  checksumBytes(ptr: number, length: number): number;
  firstDescent(ptr: number, count: number): number;
  firstAtLeast(ptr: number, count: number, bound: number): number;
}

let core: Core;
let base: number;
const ROOM = 1 << 22;
beforeAll(() => {
  core = new WebAssembly.Instance(new WebAssembly.Module(readFileSync("bindings/liqscan.wasm")), {}).exports as unknown as Core;
  base = (core.heapBase() + 63) & ~63;
  core.memory.grow(Math.ceil((base + 2 * ROOM) / 65536));
});

/** The JavaScript checksum of `bytes` as an image's bytes 16.. (the image: 16 bytes of anything, then them). */
const jsSum = (bytes: Uint8Array) => {
  const image = new Uint8Array(16 + bytes.length);
  image.set(bytes, 16);
  return checksum(image, 16);
};
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

describe("the core's checksum", () => {
  it("keeps today's values (computed by the JavaScript function before the core had one)", () => {
    // checksum(pattern image, 16) of bindings/snapshot.ts at c7fd52f, images of 16, 17, 1000, 1003 and 1030 bytes.
    const want: [number, number][] = [[16, 0xa20b5891], [17, 0xabaceac5], [1000, 0xc5cbfe41], [1003, 0x327763c2], [1030, 0x997080b8]];
    for (const [n, sum] of want) {
      const image = pattern(n);
      expect(checksum(image, 16), `js ${n}`).toBe(sum);
      new Uint8Array(core.memory.buffer, base, n).set(image);
      expect(core.checksumBytes(base + 16, n - 16) >>> 0, `core ${n}`).toBe(sum);
      expect(coreChecksum(core, image, [], base + ROOM, 64), `streamed ${n}`).toBe(sum);
    }
  });

  it("is the JavaScript value on random bytes of every length (odd ones too) at every alignment", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), fc.nat(63), (bytes, offset) => {
      new Uint8Array(core.memory.buffer, base + offset, bytes.length).set(bytes);
      expect(core.checksumBytes(base + offset, bytes.length) >>> 0).toBe(jsSum(bytes));
    }), { numRuns: 2_000 });
    for (let n = 0; n < 80; n++) {
      const bytes = pattern(n).map((b) => b ^ n);
      new Uint8Array(core.memory.buffer, base, n).set(bytes);
      expect(core.checksumBytes(base, n) >>> 0, `length ${n}`).toBe(jsSum(bytes));
    }
  });

  it("streams: parts placed anywhere in memory at any word of the stream, copied or not, the rest through a scratch of any size, give the same value", () => {
    const arb = fc.record({
      bytes: fc.uint8Array({ minLength: 0, maxLength: 3_000 }),
      cuts: fc.array(fc.tuple(fc.nat(3_000), fc.nat(400)), { maxLength: 6 }),
      scratchWords: fc.integer({ min: 1, max: 40 }),
      copy: fc.boolean(),
    });
    fc.assert(fc.property(arb, ({ bytes, cuts, scratchWords, copy }) => {
      const image = new Uint8Array(16 + bytes.length);
      image.set(bytes, 16);
      // Parts on 4-byte offsets of the image, in order, apart, each at its own (unaligned) place in memory.
      const parts: PlacedPart[] = [];
      let free = 16, address = base + 3;
      for (const [start, length] of [...cuts].sort((x, y) => x[0] - y[0])) {
        const at = 16 + (start & ~3);
        if (at < free || at + length > image.length) continue;
        parts.push({ at, bytes: length, address });
        if (!copy) new Uint8Array(core.memory.buffer, address, length).set(image.subarray(at, at + length));
        address += length + 5;
        free = at + length;
      }
      expect(coreChecksum(core, image, parts, base + ROOM, 4 * scratchWords, copy)).toBe(checksum(image, 16));
      for (const p of parts) expect(new Uint8Array(core.memory.buffer, p.address, p.bytes)).toEqual(image.subarray(p.at, p.at + p.bytes));
    }), { numRuns: 1_000 });
  });

  it("is the JavaScript value on a large image, its parts copied in chunks", () => {
    const n = 3_000_016 + 4 * 7 + 3;
    const image = new Uint8Array(n);
    let x = 12345;
    for (let i = 0; i < n; i++) image[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const parts: PlacedPart[] = [{ at: 24, bytes: 1_000_001, address: base }, { at: 1_000_032, bytes: 1_999_990, address: base + 1_000_008 }];
    expect(coreChecksum(core, image, parts, base + ROOM, 4096, true)).toBe(checksum(image, 16));
  });

  it("changes with any one word of a part summed in place (every lane, both phases)", () => {
    const image = pattern(16 + 8 * 40);
    const parts: PlacedPart[] = [{ at: 24, bytes: 8 * 39, address: base }];
    const sum = coreChecksum(core, image, parts, base + ROOM, 64, true);
    for (let w = 0; w < 78; w++) {
      const bad = image.slice();
      bad[24 + 4 * w]! ^= 1;
      expect(coreChecksum(core, bad, parts, base + ROOM, 64, true), `word ${w}`).not.toBe(sum);
      expect(checksum(bad, 16)).not.toBe(sum);
    }
  });
});

describe("the core's offset checks", () => {
  it("firstDescent and firstAtLeast find the first fault JavaScript finds, at every length and position", () => {
    const arb = fc.record({
      xs: fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 200 }),
      sorted: fc.boolean(),
      bound: fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(0, 1, 0xffff_ffff)),
      offset: fc.nat(3),
    });
    fc.assert(fc.property(arb, ({ xs, sorted, bound, offset }) => {
      const values = sorted ? [...xs].sort((a, b) => a - b) : xs;
      if (sorted && values.length > 2) values[values.length >> 1] = values[values.length - 1]! + (values[values.length - 1]! < 0xffff_ffff ? 1 : 0); // one fault, maybe
      const at = base + 4 * offset;
      new Uint32Array(core.memory.buffer, at, values.length).set(values);
      expect(core.firstDescent(at, values.length)).toBe(values.findIndex((x, i) => i + 1 < values.length && x > values[i + 1]!));
      expect(core.firstAtLeast(at, values.length, bound)).toBe(values.findIndex((x) => x >= bound));
    }), { numRuns: 3_000 });
    // A value equal to the bound is a fault, equal neighbours are not, at every place of a 16-value step.
    for (let k = 0; k < 48; k++) {
      const xs = new Uint32Array(50).fill(7);
      new Uint32Array(core.memory.buffer, base, xs.length).set(xs);
      expect(core.firstDescent(base, xs.length)).toBe(-1);
      expect(core.firstAtLeast(base, xs.length, 8)).toBe(-1);
      xs[k] = 8;
      new Uint32Array(core.memory.buffer, base, xs.length).set(xs);
      expect(core.firstAtLeast(base, xs.length, 8), `bound at ${k}`).toBe(k);
      expect(core.firstDescent(base, xs.length), `descent after ${k}`).toBe(k);
    }
    const ramp = Uint32Array.from({ length: 1_000 }, (_, i) => i);
    for (const fault of [0, 1, 15, 16, 17, 500, 998]) {
      const xs = ramp.slice();
      xs[fault] = 5_000;
      new Uint32Array(core.memory.buffer, base, xs.length).set(xs);
      expect(core.firstDescent(base, xs.length), `descent at ${fault}`).toBe(fault);
      expect(core.firstAtLeast(base, xs.length, 1_000), `beyond at ${fault}`).toBe(fault);
    }
  });
});

describe("snapshot images and the core's checksum", () => {
  let wasm: Engine, reference: Engine;
  beforeAll(async () => {
    wasm = await createEngine("wasm");
    reference = await createEngine("reference");
  });

  /** A binance-usdm book with every optional part: isolation, leverage and side labels, balances, removed accounts, an id with a "\n". */
  async function fullImage(engine: Engine): Promise<Uint8Array> {
    const rng = new Rng(9);
    const venue = randomVenueBook(rng, "binance-usdm", { accounts: 300, extreme: 0.05, hedges: 0.3 });
    const accounts = venue.accounts.map((x, a) => ({
      ...x,
      ...(a === 7 ? { id: "a\nb" } : {}),
      ...(x.positions.length === 1 && x.positions[0]!.side === undefined && a % 3 === 0 ? { margin: "isolated" as const } : {}),
      positions: x.positions.map((p, k) => (k === 0 && a % 2 === 0 ? { ...p, leverage: 20n } : p)),
    }));
    const book = withAssets(rng, { ...venue, accounts }, 0.05);
    const live = await engine.load(book);
    live.scan();
    live.removeAccount(3);
    const image = live.snapshot();
    expect(new DataView(image.buffer).getUint32(24, true), "flags: every label, ids as JSON, balances").toBe(1 | 2 | 4 | 16 | 32);
    return image;
  }

  it("every part starts at word 0 or 2 mod 4 of the stream, both occur, and the image's sum is the JavaScript one", async () => {
    for (const engine of [wasm, reference]) {
      const image = await fullImage(engine);
      expect(new DataView(image.buffer).getUint32(12, true)).toBe(checksum(image, 16));
      const c = snapshotContent(readSnapshotFrame(image));
      const views = [c.collateral, c.positionStart, c.positionMarket, c.positionSize, c.positionEntry, c.status, c.accountIsolated!, c.positionLeverage!, c.positionSide!, c.balanceStart!, c.balanceAsset!, c.balanceAmount!, c.idImage!.bytes];
      const phases = new Set(views.map((v) => ((v.byteOffset - image.byteOffset - 16) / 4) % 4));
      expect([...phases].sort()).toEqual([0, 2]);
    }
  });

  it("the wasm engine's snapshot and restore agree with the reference's, bit for bit, on a book with every part", async () => {
    const image = await fullImage(wasm);
    expect(await fullImage(reference)).toEqual(image);
    const restored = await wasm.restore(image);
    expect(restored.snapshot()).toEqual(image);
    expect((await reference.restore(image)).snapshot()).toEqual(image);
    expect(restored.accountIds[7]).toBe("a\nb");
    // An image that does not start on an 8-byte boundary of its buffer (it is copied first).
    const shifted = new Uint8Array(image.length + 3);
    shifted.set(image, 3);
    expect((await wasm.restore(shifted.subarray(3))).snapshot()).toEqual(image);
  });

  it("refuses a corrupt image with the same error on both engines, whichever byte changed, and the engine restores the next sound one", async () => {
    const image = await fullImage(wasm);
    const c = snapshotContent(readSnapshotFrame(image));
    const H = new DataView(image.buffer).getUint32(28, true);
    const at = (v: ArrayBufferView) => v.byteOffset - image.byteOffset;
    const spots: [string, number][] = [
      ["the header's first byte (its JSON no longer parses)", 40], ["the header's last byte", 40 + H - 1],
      ["an id", at(c.idImage!.bytes) + 3], ["a collateral", at(c.collateral) + 8 * 17 + 2], ["positionStart", at(c.positionStart) + 4 * 100],
      ["a market", at(c.positionMarket) + 4 * 9 + 1], ["a size's last byte", at(c.positionSize) + c.positionSize.byteLength - 1],
      ["an entry", at(c.positionEntry) + 5], ["a status", at(c.status) + 12], ["padding after the statuses", at(c.status) + c.status.byteLength],
      ["an isolation label", at(c.accountIsolated!) + 1], ["a balance's asset", at(c.balanceAsset!)], ["the last byte", image.length - 1],
      ["the account count (then the length)", 16],
    ];
    for (const [what, spot] of spots) {
      const bad = image.slice();
      bad[spot]! ^= 0x10;
      const errors = await Promise.all([wasm, reference].map((e) => e.restore(bad).then(() => undefined, (err: unknown) => err)));
      expect(errors[0], what).toBeInstanceOf(SnapshotError);
      expect((errors[0] as Error).message, what).toBe((errors[1] as Error).message);
      expect((errors[0] as Error).message, what).toMatch(spot === 16 ? /truncated or corrupt/ : /^liqscan: the snapshot is corrupt: its checksum is 0x[0-9a-f]{8}, its bytes give 0x[0-9a-f]{8}$/);
    }
    // The checksum field itself.
    const bad = image.slice();
    bad[13]! ^= 1;
    await expect(wasm.restore(bad)).rejects.toThrow(/the snapshot is corrupt/);
    expect((await wasm.restore(image)).snapshot()).toEqual(image);
  });

  it("a sound image whose offsets a writer got wrong (a market out of range, a falling start) is refused after the core's sum, with decodeSnapshot's error", async () => {
    const image = await fullImage(wasm);
    const c = snapshotContent(readSnapshotFrame(image));
    const bad = image.slice();
    const v = new DataView(bad.buffer);
    v.setUint32(c.positionMarket.byteOffset - image.byteOffset, 999, true);
    v.setUint32(12, checksum(bad, 16), true);
    for (const e of [wasm, reference]) await expect(e.restore(bad)).rejects.toThrow(/^liqscan: the snapshot.s position 0 names market 999 of \d+: corrupt$/);
    const falls = image.slice();
    const w = new DataView(falls.buffer);
    w.setUint32(c.positionStart.byteOffset - image.byteOffset + 4 * 100, c.positionSize.length, true);
    w.setUint32(12, checksum(falls, 16), true);
    for (const e of [wasm, reference]) await expect(e.restore(falls)).rejects.toThrow(/^liqscan: the snapshot.s positionStart falls at account 100: corrupt$/);
  });
});
