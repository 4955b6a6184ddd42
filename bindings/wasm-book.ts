/**
 * A book held in the WebAssembly core's linear memory. Each book gets its own instance (cheap: the
 * compiled module is shared), so its memory is laid out once, never fragmented, and dropped with
 * the book.
 */

import type { Book, BookColumns, Market, Totals } from "../book/types.js";
import { checkLayout, DESC, DESC_BYTES, I64_MAX, MARKET, MARKET_BYTES, TIER, TIER_BYTES, TOTALS, TOTALS_BYTES } from "./layout.js";
import { ScanResult } from "./results.js";
import type { BookBuilder, BookShape, LiveBook, WritableColumns } from "./types.js";
import { assembleBook, checkColumns, checkIndex, checkShape, checkValue, marketIndex } from "./checks.js";
import { liquidationPrice } from "../reference/index.js";

interface CoreExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  layoutVersion(): number;
  descriptorBytes(): number;
  marketBytes(): number;
  tierBytes(): number;
  totalsBytes(): number;
  prepareMarkets(desc: number): void;
  scanBook(desc: number): void;
  scanRange(desc: number, from: number, to: number): void;
  resetTotals(desc: number): void;
  liquidationPrices?(desc: number, out: number): void;
}

const PAGE = 65536;
/** wasm32 addresses 4 GiB; V8 and SpiderMonkey allow a memory of that size. */
const MAX_PAGES = 65536;

/** Byte offsets of every region of one book, planned before anything is written. */
interface Plan {
  desc: number;
  marketTable: number;
  tierTable: number;
  collateral: number;
  positionStart: number;
  positionMarket: number;
  positionSize: number;
  positionEntry: number;
  status: number;
  outputs: Record<"equity" | "maintenance" | "penalty" | "liquidatorReward" | "insuranceFund" | "badDebt" | "returned", number>;
  totals: number;
  liquidationPrice: number;
  end: number;
}

function plan(base: number, markets: number, tiers: number, accounts: number, positions: number): Plan {
  let at = align8(base);
  const take = (bytes: number) => {
    const start = at;
    at = align8(at + bytes);
    return start;
  };
  const desc = take(DESC_BYTES);
  const marketTable = take(markets * MARKET_BYTES);
  const tierTable = take(tiers * TIER_BYTES);
  const collateral = take(accounts * 8);
  const positionStart = take((accounts + 1) * 4);
  const positionMarket = take(positions * 4);
  const positionSize = take(positions * 8);
  const positionEntry = take(positions * 8);
  const status = take(accounts);
  const outputs = {
    equity: take(accounts * 8), maintenance: take(accounts * 8), penalty: take(accounts * 8),
    liquidatorReward: take(accounts * 8), insuranceFund: take(accounts * 8), badDebt: take(accounts * 8),
    returned: take(accounts * 8),
  };
  const totals = take(TOTALS_BYTES);
  const liquidationPrice = take(positions * 8);
  return { desc, marketTable, tierTable, collateral, positionStart, positionMarket, positionSize, positionEntry, status, outputs, totals, liquidationPrice, end: at };
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export async function instantiateCore(module: WebAssembly.Module): Promise<CoreExports> {
  const instance = await WebAssembly.instantiate(module, {});
  const core = instance.exports as unknown as CoreExports;
  checkLayout(core);
  return core;
}

export class WasmBook implements LiveBook {
  readonly engine = "wasm" as const;
  private readonly plan: Plan;
  private generation = 0;
  private disposed = false;
  private readonly marketIds: Map<string, number>;

  readonly accountIds: readonly string[];

  private constructor(
    private core: CoreExports,
    readonly markets: readonly Market[],
    accountIds: readonly string[] | undefined,
    readonly accountCount: number,
    readonly positionCount: number,
    private readonly liquidatorSharePpm: bigint,
  ) {
    const tiers = markets.reduce((n, m) => n + m.tiers.length, 0);
    this.plan = plan(core.heapBase(), markets.length, tiers, accountCount, positionCount);
    reserve(core.memory, this.plan.end, accountCount, positionCount);
    // Default ids only once the memory is known to be there: a refused book costs nothing.
    this.accountIds = accountIds ?? Array.from({ length: accountCount }, (_, a) => String(a));
    this.marketIds = new Map(markets.map((m, i) => [m.id, i]));
    this.writeDescriptor();
    this.writeMarkets();
  }

  /** Lay out an empty book of this shape; the caller fills the input columns. */
  static allocate(core: CoreExports, shape: BookShape): BookBuilder {
    checkShape(shape);
    const book = new WasmBook(core, shape.markets, shape.accountIds, shape.accounts, shape.positions, shape.liquidatorSharePpm);
    return {
      columns: book.inputColumns(),
      finish: () => {
        checkColumns(book.columnsForCheck());
        return book;
      },
    };
  }

  static load(core: CoreExports, columns: BookColumns): WasmBook {
    // Check the caller's columns before copying: TypedArray.set would zero-fill a short column
    // and silently convert a plain array's out-of-range values.
    checkColumns(columns);
    const book = new WasmBook(core, columns.markets, columns.accountIds, columns.collateral.length, columns.positionSize.length, columns.liquidatorSharePpm);
    const into = book.inputColumns();
    into.collateral.set(columns.collateral);
    into.positionStart.set(columns.positionStart);
    into.positionMarket.set(columns.positionMarket);
    into.positionSize.set(columns.positionSize);
    into.positionEntry.set(columns.positionEntry);
    return book;
  }

  private startsCopy?: Uint32Array;

  /** A copy: the offsets must not change under the core once checked. */
  get positionStart(): Uint32Array {
    this.startsCopy ??= this.inputColumns().positionStart.slice();
    return this.startsCopy;
  }

  get inputs(): Readonly<WritableColumns> {
    return this.inputColumns();
  }

  get residentBytes(): number {
    this.alive();
    return this.core.memory.buffer.byteLength;
  }

  markPrice(market: number | string): bigint {
    const m = marketIndex(this.marketIds, this.markets.length, market);
    return this.view().getBigInt64(this.plan.marketTable + m * MARKET_BYTES + MARKET.mark, true);
  }

  setMarkPrice(market: number | string, price: bigint): void {
    const m = marketIndex(this.marketIds, this.markets.length, market);
    checkValue(`market "${this.markets[m]!.id}"`, "markPrice", price, 0n, I64_MAX);
    this.view().setBigInt64(this.plan.marketTable + m * MARKET_BYTES + MARKET.mark, price, true);
  }

  setCollateral(account: number, collateral: bigint): void {
    checkIndex(account, this.accountCount, "account");
    checkValue(`account "${this.accountIds[account]}"`, "collateral", collateral, -I64_MAX - 1n, I64_MAX);
    this.inputColumns().collateral[account] = collateral;
  }

  setPosition(position: number, size: bigint, entryPrice: bigint): void {
    checkIndex(position, this.positionCount, "position");
    const record = `position ${position}`;
    checkValue(record, "size", size, -I64_MAX - 1n, I64_MAX);
    checkValue(record, "entryPrice", entryPrice, 0n, I64_MAX);
    const columns = this.inputColumns();
    columns.positionSize[position] = size;
    columns.positionEntry[position] = entryPrice;
  }

  scan(): ScanResult {
    this.alive();
    this.core.scanBook(this.plan.desc);
    const generation = ++this.generation;
    return new ScanResult(this.outputColumns(), this.readTotals(), this.accountIds, () => {
      if (this.disposed) throw new Error("liqscan: this book was disposed; its scan results went with it");
      return generation === this.generation;
    });
  }

  liquidationPrices(): BigInt64Array {
    this.alive();
    if (!this.core.liquidationPrices) throw new Error("liqscan: this build of the core has no liquidation prices");
    this.core.liquidationPrices(this.plan.desc, this.plan.liquidationPrice);
    const prices = new BigInt64Array(this.core.memory.buffer, this.plan.liquidationPrice, this.positionCount).slice();
    // The core computes in fixed widths (128-bit signed intermediates; see the header of
    // assembly/liquidation-price.ts for the exact regime) and writes -2 ("wide") for a position
    // whose intermediates might leave them: sizes and prices near 2^63, e < 0 with huge products,
    // an account whose other positions' pnl or maintenance leave 64 bits. Those rare positions
    // are priced here by the exact BigInt reference, so the result is exact for every valid book.
    const WIDE = -2n;
    if (prices.includes(WIDE)) {
      const book = this.toBook();
      const starts = this.positionStart;
      for (let a = 0; a < this.accountCount; a++) {
        for (let p = starts[a]!; p < starts[a + 1]!; p++) {
          if (prices[p] === WIDE) prices[p] = liquidationPrice(book, a, p - starts[a]!) ?? -1n;
        }
      }
    }
    return prices;
  }

  toBook(): Book {
    const c = this.inputColumns();
    const markets = this.markets.map((m, i) => ({ ...m, markPrice: this.markPrice(i) }));
    return assembleBook(this.liquidatorSharePpm, markets, this.accountIds, c);
  }

  dispose(): void {
    this.disposed = true;
    // Drop the instance so its memory can be collected.
    this.core = undefined as unknown as CoreExports;
  }

  // ---- memory ------------------------------------------------------------------------------

  private view(): DataView {
    this.alive();
    return new DataView(this.core.memory.buffer);
  }

  /** Views are made on demand: any memory growth detaches the old ones. */
  private inputColumns(): WritableColumns {
    this.alive();
    const buffer = this.core.memory.buffer;
    const p = this.plan;
    return {
      collateral: new BigInt64Array(buffer, p.collateral, this.accountCount),
      positionStart: new Uint32Array(buffer, p.positionStart, this.accountCount + 1),
      positionMarket: new Uint32Array(buffer, p.positionMarket, this.positionCount),
      positionSize: new BigInt64Array(buffer, p.positionSize, this.positionCount),
      positionEntry: new BigInt64Array(buffer, p.positionEntry, this.positionCount),
    };
  }

  private columnsForCheck(): BookColumns {
    return { ...this.inputColumns(), liquidatorSharePpm: this.liquidatorSharePpm, markets: this.markets, accountIds: this.accountIds };
  }

  private outputColumns() {
    const buffer = this.core.memory.buffer;
    const n = this.accountCount;
    const o = this.plan.outputs;
    const i64 = (at: number) => new BigInt64Array(buffer, at, n);
    return {
      status: new Uint8Array(buffer, this.plan.status, n),
      equity: i64(o.equity), maintenance: i64(o.maintenance), penalty: i64(o.penalty),
      liquidatorReward: i64(o.liquidatorReward), insuranceFund: i64(o.insuranceFund),
      badDebt: i64(o.badDebt), returned: i64(o.returned),
    };
  }

  private readTotals(): Totals {
    const v = this.view();
    const at = this.plan.totals;
    const u128 = (offset: number) => v.getBigUint64(at + offset, true) | (v.getBigUint64(at + offset + 8, true) << 64n);
    return {
      liquidatable: v.getUint32(at + TOTALS.liquidatable, true),
      overflow: v.getUint32(at + TOTALS.overflow, true),
      penalty: u128(TOTALS.penalty),
      liquidatorReward: u128(TOTALS.liquidatorReward),
      insuranceFund: u128(TOTALS.insuranceFund),
      badDebt: u128(TOTALS.badDebt),
      notional: u128(TOTALS.notional),
    };
  }

  private writeDescriptor(): void {
    const v = new DataView(this.core.memory.buffer);
    const p = this.plan;
    const d = p.desc;
    const u32 = (offset: number, value: number) => v.setUint32(d + offset, value, true);
    u32(DESC.accounts, this.accountCount);
    u32(DESC.positions, this.positionCount);
    u32(DESC.markets, this.markets.length);
    u32(DESC.collateral, p.collateral);
    u32(DESC.positionStart, p.positionStart);
    u32(DESC.positionMarket, p.positionMarket);
    u32(DESC.positionSize, p.positionSize);
    u32(DESC.positionEntry, p.positionEntry);
    u32(DESC.marketTable, p.marketTable);
    u32(DESC.tierTable, p.tierTable);
    u32(DESC.status, p.status);
    for (const [name, at] of Object.entries(p.outputs)) u32(DESC[name as keyof typeof p.outputs], at);
    u32(DESC.totals, p.totals);
    v.setBigInt64(d + DESC.liquidatorShare, this.liquidatorSharePpm, true);
  }

  private writeMarkets(): void {
    const v = new DataView(this.core.memory.buffer);
    let tier = 0;
    this.markets.forEach((market, m) => {
      const at = this.plan.marketTable + m * MARKET_BYTES;
      v.setBigInt64(at + MARKET.mark, market.markPrice, true);
      v.setInt32(at + MARKET.sizeDecimals, market.sizeDecimals, true);
      v.setInt32(at + MARKET.priceDecimals, market.priceDecimals, true);
      v.setBigInt64(at + MARKET.feePpm, market.liquidationFeePpm, true);
      v.setBigInt64(at + MARKET.volCurrent, market.volatility?.currentPpm ?? 0n, true);
      v.setBigInt64(at + MARKET.volReference, market.volatility?.referencePpm ?? 0n, true);
      v.setBigInt64(at + MARKET.depth, market.impact?.depth ?? 0n, true);
      v.setBigInt64(at + MARKET.maxSlippage, market.impact?.maxSlippagePpm ?? 0n, true);
      v.setUint32(at + MARKET.tierStart, tier, true);
      v.setUint32(at + MARKET.tierCount, market.tiers.length, true);
      for (const t of market.tiers) {
        const tierAt = this.plan.tierTable + tier * TIER_BYTES;
        v.setBigInt64(tierAt + TIER.maxNotional, t.maxNotional ?? I64_MAX, true);
        v.setBigInt64(tierAt + TIER.mmrPpm, t.mmrPpm, true);
        tier++;
      }
    });
    this.core.prepareMarkets(this.plan.desc);
  }

  private alive(): void {
    if (this.disposed) throw new Error("liqscan: this book was disposed");
  }
}

function reserve(memory: WebAssembly.Memory, end: number, accounts: number, positions: number): void {
  const pages = Math.ceil(end / PAGE);
  const have = memory.buffer.byteLength / PAGE;
  const tooLarge = () => new RangeError(
    `liqscan: a book of ${accounts} accounts and ${positions} positions needs ${mib(end)} of WebAssembly memory; ` +
    `the limit is ${mib(MAX_PAGES * PAGE)} (wasm32) and this runtime could not provide it. Split the book into shards.`,
  );
  if (pages > MAX_PAGES) throw tooLarge();
  if (pages > have) {
    try {
      memory.grow(pages - have);
    } catch {
      throw tooLarge();
    }
  }
}

const mib = (bytes: number) => `${Math.ceil(bytes / 2 ** 20)} MiB`;
