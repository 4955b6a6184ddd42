/**
 * What the benchmarks measure: one entry per case. A case prepares whatever it needs from the
 * size's book (not timed) and returns the function to time. To add one (e.g. a parallel scan),
 * append an entry to CASES; the runner, the report and the ratios pick it up.
 */
import type { Engine, LiveBook } from "../bindings/types.js";
import type { ScanResult } from "../bindings/results.js";
import type { BookColumns } from "../book/types.js";
import { openParallel } from "../bindings/parallel.js";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBookCsv } from "../book/csv.js";
import { formatDecimal } from "../book/decimal.js";
import { shockTotalsByScans } from "../bindings/shocks.js";
import { BandwidthLoop } from "./bandwidth.js";
import { bnMarks, bnScan, toBnBook } from "./bn-scan.js";
import { TICK_MARKETS, venueBook, type BookSize, assetBook, driftBook } from "./books.js";
import { floatMarks, floatScan, toFloatBook } from "./float-scan.js";
import { AAVE_CASES } from "./aave-cases.js";
import { gmxBenchBook, sdkScan } from "./gmx.js";

/** Everything a case may use at one book size. */
export interface SizeContext {
  readonly size: BookSize;
  /** The benchmark book (8 markets). */
  readonly columns: BookColumns;
  readonly engines: { readonly wasm: Engine; readonly reference: Engine };
  /** The same size over TICK_MARKETS markets, generated on first use. */
  tickColumns(): BookColumns;
}

/** A case ready to time. */
export interface Prepared {
  /** The timed call (may return a promise). */
  run(): unknown;
  /** Positions one call processes (positions per second = this / median time). */
  readonly positions: number;
  /** Decisions of the last run, one per account (1 = liquidatable), for the wrong-decision count. */
  decisions?(): Uint8Array;
  /** Bytes the case's book keeps resident, reported per position. */
  readonly residentBytes?: number;
  /** Seconds of each operation timed one by one (a latency case): the report adds its 99th percentile. */
  latencies?(): readonly number[];
  /** Release the case's book before the next case is prepared. */
  dispose?(): void;
}

/**
 * "scan": a full scan of the benchmark book, compared with the baselines (ratios); "other": an
 * operation measured on its own (load, rescan after a tick, liquidation prices).
 */
export type CaseKind = "scan" | "other";

export interface BenchCase {
  /** Stable id, used in the JSON and for --only. */
  readonly id: string;
  /** The report's row label. */
  readonly label: string;
  readonly kind: CaseKind;
  /** Seconds per call are large at big sizes: the runner takes fewer samples (see runner.ts). */
  readonly slow?: boolean;
  /** Skip books above this many positions (recorded as skipped in the report). */
  readonly maxPositions?: number;
  /** Skip books below this many positions. */
  readonly minPositions?: number;
  /** At least this many samples (a latency case, for its percentile). */
  readonly minSamples?: number;
  prepare(ctx: SizeContext): Promise<Prepared>;
}

/** Ids of the scan rows that the ratio columns divide by. */
export const BASELINE = { reference: "reference", float: "float", bandwidth: "bandwidth" } as const;

const marksOf = (book: LiveBook) => book.markets.map((_, m) => book.markPrice(m));

/** A full scan through an engine's public call. */
function engineScan(engine: (ctx: SizeContext) => Engine) {
  return async (ctx: SizeContext): Promise<Prepared> => {
    const book = await engine(ctx).load(ctx.columns);
    let last: ScanResult | undefined;
    return {
      // Every account every time: a plain scan() of an unchanged book would carry everything over.
      run: () => (last = book.scan({ full: true })),
      positions: book.positionCount,
      decisions: () => last!.status.slice(),
      residentBytes: book.engine === "wasm" ? book.residentBytes : undefined,
      dispose: () => book.dispose(),
    };
  };
}

/** stress()'s default grid: -50 % to +50 % in 1 % steps. */
const STRESS_SHOCKS = Array.from({ length: 101 }, (_, i) => BigInt(-500_000 + 10_000 * i));

/** Scans per timed call in the parallel comparison (see the "parallel" case). */
const PARALLEL_BATCH = 8;

/** Every mark moves by one price unit, up then back: each scan re-evaluates every account. */
function tickEveryMark(book: { markets: readonly unknown[]; markPrice(m: number): bigint; setMarkPrice(m: number, p: bigint): void }, base: readonly bigint[], up: boolean): void {
  for (let m = 0; m < book.markets.length; m++) book.setMarkPrice(m, up ? base[m]! + 1n : base[m]!);
}

/** Edits per timed call of the live-book cases (a call's time / LIVE_BATCH = one edit's, amortized). */
export const LIVE_BATCH = 1_000;

/** A small deterministic generator for the live cases' choices (xorshift32). */
function choices(seed: number) {
  let x = seed | 1;
  return (n: number) => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** A live wasm book of the size's book, scanned, its first shape edit (the re-layout with room) and its id index done before timing. */
async function liveBook(ctx: SizeContext): Promise<LiveBook> {
  const book = await ctx.engines.wasm.load(ctx.columns);
  book.scan();
  book.closePosition(0, ctx.columns.positionMarket[0]!);
  book.accountIndex("");
  return book;
}

/** LIVE_BATCH fills at the mark on random accounts and markets (opening, growing, reducing, flipping or closing positions). */
function fills(book: LiveBook, pick: (n: number) => number): void {
  const markets = book.markets.length;
  for (let i = 0; i < LIVE_BATCH; i++) {
    const m = pick(markets);
    book.fill(pick(book.accountCount), m, BigInt(pick(2_001) - 1_000) || 1n, book.markPrice(m));
  }
}

/** Small objects of the "parallel-heap" case's held heap: about 87 bytes each with their slot, 2 GB in all. */
const HEAP_OBJECTS = 24_000_000;

/** scanParallel on 2 threads, every mark ticking, the case holding `heapObjects` small objects while timed. */
function parallelCase(id: string, label: string, heapObjects: number): BenchCase {
  return {
    id,
    label,
    kind: "other",
    minPositions: 3_000_000,
    async prepare(ctx) {
      let held: { i: number; x: number; next: unknown }[] | null = [];
      for (let i = 0; i < heapObjects; i++) held.push({ i, x: i + 0.5, next: held[i - 1] ?? null });
      const book = await openParallel(ctx.columns, { threads: 2 });
      const base = ctx.columns.markets.map((m) => m.markPrice);
      let up = false;
      return {
        // A batch per timed call: benny times an async call through benchmark.js's deferred
        // cycles, whose scheduling adds milliseconds a call; a batch spreads that over 8 scans.
        run: async () => {
          for (let i = 0; i < PARALLEL_BATCH; i++) {
            up = !up;
            tickEveryMark(book, base, up);
            await book.scanParallel();
          }
          if (held && held.length !== heapObjects) throw new Error("the held heap changed");
        },
        positions: book.positionCount * PARALLEL_BATCH,
        dispose: () => {
          held = null;
          void book.close();
        },
      };
    },
  };
}

export const CASES: readonly BenchCase[] = [
  // The parallel comparison runs first, while this process's heap is small, and again holding a
  // 2 GB heap of small objects (a backend's own state): a scan allocates nothing the size of the
  // book, so the main thread's garbage collections do not stall the workers' answers.
  parallelCase("parallel", `wasm scanParallel, 2 threads (every mark ticks; ${PARALLEL_BATCH} scans a call)`, 0),
  parallelCase("parallel-heap", `wasm scanParallel, 2 threads, the caller holding a 2 GB JavaScript heap (every mark ticks; ${PARALLEL_BATCH} scans a call)`, HEAP_OBJECTS),
  {
    id: "stress-parallel",
    label: `stress grid, ${STRESS_SHOCKS.length} shocks on every market (wasm, one pass, 2 threads)`,
    kind: "other",
    slow: true,
    async prepare(ctx) {
      const book = await openParallel(ctx.columns, { threads: 2 });
      const beta = book.markets.map(() => 1_000_000n);
      return { run: () => book.shockTotalsParallel(STRESS_SHOCKS, beta), positions: book.positionCount, dispose: () => void book.close() };
    },
  },
  {
    id: "liquidation-prices-parallel",
    label: "liquidation prices, every position (wasm, 2 threads)",
    kind: "other",
    async prepare(ctx) {
      const book = await openParallel(ctx.columns, { threads: 2 });
      return { run: () => book.liquidationPricesParallel(), positions: book.positionCount, dispose: () => void book.close() };
    },
  },
  {
    id: "single-tick",
    label: `wasm scan, 1 thread (every mark ticks; ${PARALLEL_BATCH} scans a call)`,
    kind: "other",
    minPositions: 3_000_000,
    async prepare(ctx) {
      const book = await ctx.engines.wasm.load(ctx.columns);
      const base = ctx.columns.markets.map((m) => m.markPrice);
      let up = false;
      return {
        run: () => {
          for (let i = 0; i < PARALLEL_BATCH; i++) {
            up = !up;
            tickEveryMark(book, base, up);
            book.scan();
          }
        },
        positions: book.positionCount * PARALLEL_BATCH,
        dispose: () => book.dispose(),
      };
    },
  },
  {
    id: "wasm",
    label: "wasm scan",
    kind: "scan",
    prepare: engineScan((ctx) => ctx.engines.wasm),
  },
  // Each venue's scan on the same book under its rules (bench/books.ts venueBook): the issue's
  // target is at least 70 % of the generic scan's speed.
  ...(["binance-usdm", "hyperliquid", "dydx-v4"] as const).map((venue): BenchCase => ({
    id: `wasm-${venue}`,
    label: `wasm scan, ${venue} rules`,
    kind: "scan",
    // Other rules decide otherwise: its decisions are not compared with the generic reference's.
    prepare: async (ctx) => ({ ...(await engineScan((c) => c.engines.wasm)({ ...ctx, columns: venueBook(ctx.columns, venue) })), decisions: undefined }),
  })),
  {
    id: BASELINE.reference,
    label: "reference scan (TS, BigInt)",
    kind: "scan",
    slow: true,
    prepare: engineScan((ctx) => ctx.engines.reference),
  },
  {
    id: BASELINE.float,
    label: "naive Float64 scan (TS, inexact)",
    kind: "scan",
    async prepare(ctx) {
      const book = toFloatBook(ctx.columns);
      const marks = floatMarks(ctx.columns.markets.map((m) => m.markPrice));
      const out = new Uint8Array(ctx.columns.collateral.length);
      return { run: () => floatScan(book, marks, out), positions: book.positionSize.length, decisions: () => out.slice() };
    },
  },
  {
    id: "bn",
    label: "bn.js scan (TS, SDK style)",
    kind: "scan",
    slow: true,
    async prepare(ctx) {
      const book = toBnBook(ctx.columns);
      const marks = bnMarks(ctx.columns.markets.map((m) => m.markPrice));
      const out = new Uint8Array(ctx.columns.collateral.length);
      return { run: () => bnScan(book, marks, out), positions: book.positionSize.length, decisions: () => out.slice() };
    },
  },
  {
    id: BASELINE.bandwidth,
    label: "bandwidth loop (wasm, reads only)",
    kind: "scan",
    async prepare(ctx) {
      const loop = await BandwidthLoop.create(ctx.columns);
      return { run: () => loop.run(), positions: loop.positions };
    },
  },
  {
    id: "load",
    label: "load from typed arrays (wasm)",
    kind: "other",
    async prepare(ctx) {
      let book: LiveBook | undefined;
      return {
        run: async () => {
          book?.dispose();
          book = await ctx.engines.wasm.load(ctx.columns);
        },
        positions: ctx.columns.positionSize.length,
        dispose: () => book?.dispose(),
      };
    },
  },
  {
    // drift-v2 opts out of the float pre-filter (docs/venues/drift-v2.md): every account takes the exact path.
    id: "wasm-drift-v2",
    label: "wasm scan, drift-v2 rules",
    kind: "scan",
    prepare: async (ctx) => ({ ...(await engineScan((c) => c.engines.wasm)({ ...ctx, columns: driftBook(ctx.columns) })), decisions: undefined }),
  },
  {
    // gmx-v2 decides every account at FLOAT_PRECISION in its own kernel (docs/venues/gmx-v2.md): one account per position.
    id: "wasm-gmx-v2",
    label: "wasm scan, gmx-v2 rules (one account per position)",
    kind: "scan",
    prepare: async (ctx) => ({ ...(await engineScan((c) => c.engines.wasm)({ ...ctx, columns: gmxBenchBook(ctx.columns) })), decisions: undefined }),
  },
  {
    // The peer on the same book: @gmx-io/sdk's getLiquidationPrice per position against the mark.
    id: "sdk-gmx-v2",
    label: "@gmx-io/sdk getLiquidationPrice per position (TS, gmx-v2 book)",
    kind: "other",
    slow: true,
    // Its decisions are per position of another book: not compared with the generic reference's.
    prepare: async (ctx) => ({ ...sdkScan(gmxBenchBook(ctx.columns)), decisions: undefined }),
  },
  {
    id: "wasm-assets",
    label: "wasm scan, book with collateral assets",
    kind: "scan",
    // The balances change the decisions: not compared with the generic reference's.
    prepare: async (ctx) => ({ ...(await engineScan((c) => c.engines.wasm)({ ...ctx, columns: assetBook(ctx.columns) })), decisions: undefined }),
  },
  {
    id: "asset-tick",
    label: "asset price tick + revalue + rescan (wasm, ETH)",
    kind: "other",
    async prepare(ctx) {
      const book = await ctx.engines.wasm.load(assetBook(ctx.columns));
      const base = book.assetPrice("ETH");
      book.scan();
      let up = false;
      return {
        run: () => {
          up = !up;
          book.setAssetPrice("ETH", up ? base - 1_000n : base);
          return book.scan();
        },
        positions: book.positionCount,
        dispose: () => book.dispose(),
      };
    },
  },
  {
    id: "tick",
    label: `price tick + rescan (wasm, 1 of ${TICK_MARKETS} markets)`,
    kind: "other",
    async prepare(ctx) {
      // The row's bytes per position are what a ticking book keeps, tick index included (read
      // after the run: the index is built by the first ticks; each case has an engine of its own).
      const book = await ctx.engines.wasm.load(ctx.tickColumns());
      // BTC-PERP, the most traded market: the largest share of positions a tick can touch.
      const market = 0;
      const base = marksOf(book)[market]!;
      let up = false;
      return {
        run: () => {
          up = !up;
          book.setMarkPrice(market, up ? base + 1n : base);
          return book.scan();
        },
        positions: book.positionCount,
        get residentBytes() { return book.residentBytes; },
        dispose: () => book.dispose(),
      };
    },
  },
  {
    id: "stress",
    label: `stress grid, ${STRESS_SHOCKS.length} shocks on every market (wasm, one pass)`,
    kind: "other",
    slow: true,
    async prepare(ctx) {
      const book = await ctx.engines.wasm.load(ctx.columns);
      const beta = book.markets.map(() => 1_000_000n);
      return { run: () => book.shockTotals(STRESS_SHOCKS, beta), positions: book.positionCount, dispose: () => book.dispose() };
    },
  },
  {
    id: "stress-by-scans",
    label: `stress grid, ${STRESS_SHOCKS.length} shocks on every market (wasm, one scan per shock)`,
    kind: "other",
    slow: true,
    maxPositions: 2_000_000,
    async prepare(ctx) {
      const book = await ctx.engines.wasm.load(ctx.columns);
      const beta = book.markets.map(() => 1_000_000n);
      return { run: () => shockTotalsByScans(book, STRESS_SHOCKS, beta), positions: book.positionCount, dispose: () => book.dispose() };
    },
  },
  {
    id: "liquidation-prices",
    label: "liquidation prices, every position (wasm)",
    kind: "other",
    async prepare(ctx) {
      const book = await ctx.engines.wasm.load(ctx.columns);
      return { run: () => book.liquidationPrices(), positions: book.positionCount, dispose: () => book.dispose() };
    },
  },
  {
    // A liquidator bot asking every tick: one caller-owned array reused, no fresh 8 bytes per position each call.
    id: "liquidation-prices-into",
    label: "liquidation prices, every position (wasm, into a reused array)",
    kind: "other",
    async prepare(ctx) {
      const book = await ctx.engines.wasm.load(ctx.columns);
      const into = new BigInt64Array(book.positionCount);
      return { run: () => book.liquidationPrices({ into }), positions: book.positionCount, dispose: () => book.dispose() };
    },
  },
  ...(["binance-usdm", "hyperliquid", "dydx-v4"] as const).map((venue): BenchCase => ({
    id: `liquidation-prices-${venue}`,
    label: `liquidation prices, every position (wasm, ${venue} rules)`,
    kind: "other",
    async prepare(ctx) {
      const book = await ctx.engines.wasm.load(venueBook(ctx.columns, venue));
      return { run: () => book.liquidationPrices(), positions: book.positionCount, dispose: () => book.dispose() };
    },
  })),
  // Live books (issue 13): edits in place on a loaded book, the rescan after them, snapshots.
  {
    id: "live-fill",
    label: `live book: ${LIVE_BATCH} fills (wasm, random accounts and markets)`,
    kind: "other",
    async prepare(ctx) {
      const book = await liveBook(ctx);
      const pick = choices(7);
      return { run: () => fills(book, pick), positions: LIVE_BATCH, dispose: () => book.dispose() };
    },
  },
  {
    id: "live-open",
    label: `live book: ${LIVE_BATCH} positions opened in held accounts, then closed (wasm; slots moved, compacted and grown as they fill)`,
    kind: "other",
    async prepare(ctx) {
      const book = await liveBook(ctx);
      const pick = choices(11);
      const markets = book.markets.length;
      const opened: [number, number][] = [];
      return {
        // Open then close again: the book comes back to its shape, so every call finds free
        // (account, market) pairs (opening alone would fill a small book and then search forever).
        run: () => {
          for (let i = 0; i < LIVE_BATCH; ) {
            const a = pick(book.accountCount);
            const m = pick(markets);
            if (book.position(a, m) !== null) continue;
            book.openPosition(a, m, 10n, book.markPrice(m));
            opened.push([a, m]);
            i++;
          }
          for (const [a, m] of opened) book.closePosition(a, m);
          opened.length = 0;
        },
        positions: 2 * LIVE_BATCH,
        dispose: () => book.dispose(),
      };
    },
  },
  {
    id: "live-account",
    label: `live book: ${LIVE_BATCH} new accounts with a position each (wasm, the book grows)`,
    kind: "other",
    async prepare(ctx) {
      const book = await liveBook(ctx);
      const pick = choices(13);
      let next = 0;
      return {
        run: () => {
          for (let i = 0; i < LIVE_BATCH; i++) {
            const a = book.addAccount(`live-${next++}`, 1_000_000_000n);
            const m = pick(book.markets.length);
            book.openPosition(a, m, 10n, book.markPrice(m));
          }
        },
        positions: LIVE_BATCH,
        dispose: () => book.dispose(),
      };
    },
  },
  {
    id: "live-rescan",
    label: `live book: ${LIVE_BATCH} fills + rescan (wasm; minus live-fill: the rescan)`,
    kind: "other",
    async prepare(ctx) {
      const book = await liveBook(ctx);
      const pick = choices(7);
      return { run: () => { fills(book, pick); return book.scan(); }, positions: LIVE_BATCH, dispose: () => book.dispose() };
    },
  },
  {
    id: "snapshot",
    label: "snapshot of a live book (wasm)",
    kind: "other",
    async prepare(ctx) {
      const book = await ctx.engines.wasm.load(ctx.columns);
      book.scan();
      return { run: () => book.snapshot(), positions: book.positionCount, dispose: () => book.dispose() };
    },
  },
  {
    id: "restore",
    label: "restore from a snapshot (wasm)",
    kind: "other",
    async prepare(ctx) {
      const source = await ctx.engines.wasm.load(ctx.columns);
      source.scan();
      const image = source.snapshot();
      source.dispose();
      let book: LiveBook | undefined;
      return {
        run: async () => {
          book?.dispose();
          book = await ctx.engines.wasm.restore(image);
        },
        positions: ctx.columns.positionSize.length,
        dispose: () => book?.dispose(),
      };
    },
  },
  {
    // Issue 13: from a mark on stdin to the first change it causes on stdout, through a pipe, as
    // a service in another language drives `liqscan watch` (the book read from CSV beforehand).
    id: "watch-latency",
    label: "liqscan watch: a 1 % BTC-PERP tick on stdin to its first change line on stdout",
    kind: "other",
    // The size the issue asks for; a smaller book's 1 % tick may change no account, and the case waits for one.
    minPositions: 1_000_000,
    minSamples: 200, // each sample is one tick's latency: enough of them for a 99th percentile
    maxPositions: 1_100_000, // the "1M" book holds 1,000,161 positions
    async prepare(ctx) {
      const dir = mkdtempSync(join(tmpdir(), "liqscan-bench-watch-"));
      const csv = writeBookCsv(ctx.columns);
      writeFileSync(join(dir, "markets.json"), csv.markets);
      writeFileSync(join(dir, "accounts.csv"), csv.accounts);
      writeFileSync(join(dir, "positions.csv"), csv.positions);
      const main = fileURLToPath(new URL("../cli/main.js", import.meta.url));
      const child = spawn(process.execPath, [main, "watch", dir, "--every", "1", "--pause", "0"], { stdio: ["pipe", "pipe", "inherit"] });
      let text = "";
      let want = 1;
      let wake: (() => void) | undefined;
      child.stdout.on("data", (d: Buffer) => {
        text += d.toString();
        if (text.includes(`"scan":${want},`)) { text = ""; wake?.(); }
      });
      const scanned = (scan: number) => new Promise<void>((resolve) => { want = scan; wake = resolve; if (text.includes(`"scan":${scan},`)) { text = ""; resolve(); } });
      await scanned(1); // the first scan: the book as loaded
      const market = ctx.columns.markets[0]!;
      let up = false;
      let seq = 0;
      const latencies: number[] = [];
      return {
        run: async () => {
          up = !up;
          const price = up ? (market.markPrice * 99n) / 100n : market.markPrice;
          const done = scanned(seq + 2);
          const t = performance.now();
          child.stdin.write(JSON.stringify({ type: "mark", market: market.id, price: formatDecimal(price, market.priceDecimals), seq: ++seq }) + "\n");
          await done;
          latencies.push((performance.now() - t) / 1000);
        },
        latencies: () => latencies,
        positions: ctx.columns.positionSize.length,
        dispose: () => {
          child.kill();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  ...AAVE_CASES,
];
