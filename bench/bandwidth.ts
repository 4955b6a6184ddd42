/**
 * The bandwidth yardstick: `bandwidthChecksum` of the core (assembly/bandwidth.ts) over a copy of
 * a book's five input columns, in an instance of the same compiled core that holds nothing else.
 * A WasmBook keeps its instance private (and is being rewritten), so this does not reach into
 * one: it lays the same columns out the same way (8-byte aligned, one after another) in its own
 * instance. The bytes read are the bytes a scan reads.
 */
import { compileCore, type WasmSource } from "../bindings/wasm-source.js";
import type { WritableColumns } from "../bindings/types.js";

interface BandwidthExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  bandwidthChecksum(
    collateral: number, positionStart: number, accounts: number,
    positionMarket: number, positionSize: number, positionEntry: number, positions: number,
  ): bigint;
}

const PAGE = 65536;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

export class BandwidthLoop {
  private constructor(
    private readonly core: BandwidthExports,
    private readonly at: { collateral: number; positionStart: number; positionMarket: number; positionSize: number; positionEntry: number },
    readonly accounts: number,
    readonly positions: number,
  ) {}

  /** Bytes one `run()` reads: 12 per account (+4) and 20 per position. */
  get bytes(): number {
    return this.accounts * 12 + 4 + this.positions * 20;
  }

  /** Copy the columns into a fresh instance of the core. */
  static async create(columns: Readonly<WritableColumns>, wasm?: WasmSource): Promise<BandwidthLoop> {
    const instance = await WebAssembly.instantiate(await compileCore(wasm), {});
    const core = instance.exports as unknown as BandwidthExports;
    if (typeof core.bandwidthChecksum !== "function") throw new Error("bench: this build of the core has no bandwidthChecksum; run npm run build");
    let end = align16(core.heapBase());
    const take = (bytes: number) => {
      const start = end;
      end = align16(end + bytes);
      return start;
    };
    const accounts = columns.collateral.length;
    const positions = columns.positionSize.length;
    const at = {
      collateral: take(columns.collateral.byteLength),
      positionStart: take(columns.positionStart.byteLength),
      positionMarket: take(columns.positionMarket.byteLength),
      positionSize: take(columns.positionSize.byteLength),
      positionEntry: take(columns.positionEntry.byteLength),
    };
    const have = core.memory.buffer.byteLength / PAGE;
    const need = Math.ceil(end / PAGE);
    if (need > have) core.memory.grow(need - have);
    const buffer = core.memory.buffer;
    new BigInt64Array(buffer, at.collateral, accounts).set(columns.collateral);
    new Uint32Array(buffer, at.positionStart, accounts + 1).set(columns.positionStart);
    new Uint32Array(buffer, at.positionMarket, positions).set(columns.positionMarket);
    new BigInt64Array(buffer, at.positionSize, positions).set(columns.positionSize);
    new BigInt64Array(buffer, at.positionEntry, positions).set(columns.positionEntry);
    return new BandwidthLoop(core, at, accounts, positions);
  }

  /** Read every column once; the checksum (a wrapping 64-bit fold) keeps the reads alive. */
  run(): bigint {
    const a = this.at;
    return this.core.bandwidthChecksum(a.collateral, a.positionStart, this.accounts, a.positionMarket, a.positionSize, a.positionEntry, this.positions);
  }
}
