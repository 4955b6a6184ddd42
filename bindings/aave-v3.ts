/**
 * Aave v3 lending books in the WebAssembly core (assembly/venues/aave-v3.ts, whose header holds
 * the layout this file writes and the proof of the trigger): `AaveScanner.load(book)` lays the
 * reserves, the e-mode tables and the users' entries out once; `scan(prices?)` gives every user's
 * exact health factor and status in one pass; `liquidationPrices(user)` searches each reserve's
 * liquidation price in the core as the reference does; the liquidator's view (best pair, its
 * profit) comes from the reference (reference/venues/aave-v3.ts), as drift-v2's close-out does: few
 * users are flagged, and their calls need the 256-bit products of LiquidationLogic.
 */
import { AAVE_LIMITS, type AaveBook, type AaveUser } from "../book/venues/aave-book.js";
import { BookError } from "../book/errors.js";
import {
  bestLiquidation, liquidationPrice, UINT256_MAX, type LiquidationOutcome,
} from "../reference/venues/aave-v3.js";
import { compileCore, type WasmSource } from "./wasm-source.js";

const RESERVE_BYTES = 64, MODE_BYTES = 32, ENTRY_BYTES = 64, RESULT_BYTES = 48, LAYOUT_VERSION = 1;
const U64 = (1n << 64n) - 1n;
const PAGE = 65536;

interface AaveCore {
  memory: WebAssembly.Memory;
  heapBase(): number;
  aaveV3_layoutVersion(): number;
  aaveV3_scanUsers(reserves: number, modes: number, starts: number, eModes: number, entries: number, results: number, from: number, to: number): number;
  /** 0: no price (null), 1: the price at `out`, 2: a probe passed the core's words (ask the reference). */
  aaveV3_liquidationPrice(reserves: number, modes: number, starts: number, eModes: number, entries: number, user: number, reserve: number, out: number): number;
}

export type AaveStatus = "ok" | "liquidatable" | "overflow";
const STATUS: readonly AaveStatus[] = ["ok", "liquidatable", "overflow"];

export interface AaveUserResult {
  readonly status: AaveStatus;
  /** Wad (10^18 = 1.0), exact as calculateUserAccountData returns it; null without debt (the contract's uint max) or on overflow. */
  readonly healthFactor: bigint | null;
  /** Base currency (10^-8 USD); null on overflow. */
  readonly totalCollateralBase: bigint | null;
  readonly totalDebtBase: bigint | null;
  /** Bps, truncated as the pool truncates it. */
  readonly avgLiquidationThreshold: bigint | null;
}

export interface AaveScan {
  readonly users: readonly AaveUserResult[];
  readonly liquidatable: number;
  readonly overflow: number;
}

/** The liquidator's view of one flagged user. */
export interface AaveOpportunity {
  readonly user: string;
  readonly healthFactor: bigint;
  /** The best (debt, collateral) pair and what the call does (null: no pair the pool accepts). */
  readonly best: (LiquidationOutcome & { readonly debtReserveId: string; readonly collateralReserveId: string }) | null;
}

export class AaveScanner {
  private readonly reservesAt: number;
  private readonly modesAt: number;
  private readonly startsAt: number;
  private readonly eModesAt: number;
  private readonly entriesAt: number;
  private readonly resultsAt: number;
  /** 8 bytes: a liquidation price's answer. */
  private readonly priceAt: number;
  /** How many (user, reserve) liquidation prices the core searched, and how many it left to the reference (a probe beyond its 128-bit words). */
  readonly priceSearches = { core: 0, reference: 0 };

  /** The book the scanner holds: the loaded one, with the users setUser replaced. */
  readonly book: AaveBook;
  private readonly entryStart: Uint32Array;

  private constructor(private readonly core: AaveCore, loaded: AaveBook) {
    const book: AaveBook = { ...loaded, users: loaded.users.slice() };
    this.book = book;
    this.entryStart = new Uint32Array(book.users.length);
    const users = book.users.length;
    const entries = book.users.reduce((n, u) => n + u.reserves.length, 0);
    const align = (n: number) => Math.ceil(n / 8) * 8;
    let at = align(core.heapBase());
    this.reservesAt = at; at += book.reserves.length * RESERVE_BYTES;
    this.modesAt = at; at += 256 * MODE_BYTES;
    this.startsAt = at; at = align(at + (users + 1) * 4);
    this.eModesAt = at; at = align(at + users);
    this.entriesAt = at; at += entries * ENTRY_BYTES;
    this.resultsAt = at; at += users * RESULT_BYTES;
    this.priceAt = at; at += 8;
    if (at > 0xFFFF_0000) throw new BookError("book", "users", `${users} users with ${entries} reserve entries need ${at} bytes, more than the core's 4 GiB`);
    const need = Math.ceil(at / PAGE) - core.memory.buffer.byteLength / PAGE;
    if (need > 0) core.memory.grow(need);
    const v = new DataView(core.memory.buffer);
    const u128 = (o: number, x: bigint) => { v.setBigUint64(o, x & U64, true); v.setBigUint64(o + 8, x >> 64n, true); };
    this.writePrices(book.reserves.map((r) => r.price));
    book.reserves.forEach((r, k) => {
      const o = this.reservesAt + k * RESERVE_BYTES;
      v.setUint32(o + 8, r.decimals, true);
      v.setUint32(o + 12, Number(r.liquidationThreshold), true);
      v.setUint32(o + 16, Number(r.ltv), true);
      u128(o + 24, r.liquidityIndex);
      u128(o + 40, r.variableBorrowIndex);
    });
    for (const m of book.eModes) {
      const o = this.modesAt + m.id * MODE_BYTES;
      v.setUint32(o, Number(m.liquidationThreshold), true);
      v.setUint32(o + 4, Number(m.ltv), true);
      v.setBigUint64(o + 8, book.version === "3.0" ? m.price ?? 0n : 0n, true);
      let mask = 0n;
      for (const k of m.collateral) mask |= 1n << BigInt(k);
      u128(o + 16, mask);
    }
    let i = 0;
    book.users.forEach((u, a) => {
      v.setUint32(this.startsAt + a * 4, i, true);
      this.entryStart[a] = i;
      v.setUint8(this.eModesAt + a, u.eMode);
      for (const e of u.reserves) {
        const o = this.entriesAt + i * ENTRY_BYTES;
        v.setUint32(o, e.reserve, true);
        v.setUint32(o + 4, e.usageAsCollateralEnabled ? 1 : 0, true);
        u128(o + 8, e.scaledATokenBalance);
        u128(o + 24, e.scaledVariableDebt);
        u128(o + 40, e.stableDebt);
        i++;
      }
    });
    v.setUint32(this.startsAt + users * 4, i, true);
  }

  /** Lays `book` out in a fresh instance of the core (the book is validated: parseAaveBook). */
  static async load(book: AaveBook, wasm?: WasmSource): Promise<AaveScanner> {
    const instance = await WebAssembly.instantiate(await compileCore(wasm), {});
    const core = instance.exports as unknown as AaveCore;
    if (typeof core.aaveV3_scanUsers !== "function" || core.aaveV3_layoutVersion() !== LAYOUT_VERSION) {
      throw new Error("liqscan: the WebAssembly core has no aave-v3 layout " + LAYOUT_VERSION + "; rebuild with npm run build");
    }
    return new AaveScanner(core, book);
  }

  /**
   * Replaces user `a`'s balances (a liquidation, a deposit): the same reserves in the same order as
   * the loaded user's, each balance within the book's limits (AAVE_LIMITS).
   */
  setUser(a: number, user: AaveUser): void {
    const old = this.book.users[a];
    if (old === undefined) throw new RangeError(`setUser: no user ${a}`);
    if (user.reserves.length !== old.reserves.length || user.reserves.some((e, j) => e.reserve !== old.reserves[j]!.reserve) || user.eMode !== old.eMode) {
      throw new RangeError(`setUser: user ${JSON.stringify(old.id)} must keep its reserves, their order and its e-mode`);
    }
    for (const e of user.reserves) {
      for (const x of [e.scaledATokenBalance, e.scaledVariableDebt, e.stableDebt]) if (x < 0n || x > AAVE_LIMITS.balance) throw new RangeError(`setUser: balance ${x} outside [0, 2^128 - 1]`);
    }
    const v = new DataView(this.core.memory.buffer);
    const u128 = (o: number, x: bigint) => { v.setBigUint64(o, x & U64, true); v.setBigUint64(o + 8, x >> 64n, true); };
    user.reserves.forEach((e, j) => {
      const o = this.entriesAt + (this.entryStart[a]! + j) * ENTRY_BYTES;
      v.setUint32(o + 4, e.usageAsCollateralEnabled ? 1 : 0, true);
      u128(o + 8, e.scaledATokenBalance);
      u128(o + 24, e.scaledVariableDebt);
      u128(o + 40, e.stableDebt);
    });
    (this.book.users as AaveUser[])[a] = user;
  }

  private writePrices(prices: readonly bigint[]): void {
    const v = new DataView(this.core.memory.buffer);
    prices.forEach((p, k) => v.setBigUint64(this.reservesAt + k * RESERVE_BYTES, p, true));
  }

  /** One pass: every user's status and health factor at `prices` (default: the book's), without decoding the results. */
  scanCount(prices?: readonly bigint[]): number {
    if (prices) {
      if (prices.length !== this.book.reserves.length) throw new RangeError(`prices: expected ${this.book.reserves.length}, got ${prices.length}`);
      for (const p of prices) if (p <= 0n || p > U64) throw new RangeError(`prices: ${p} is not in [1, 2^64)`);
      this.writePrices(prices);
    }
    const n = this.core.aaveV3_scanUsers(this.reservesAt, this.modesAt, this.startsAt, this.eModesAt, this.entriesAt, this.resultsAt, 0, this.book.users.length);
    if (prices) this.writePrices(this.book.reserves.map((r) => r.price));
    return n;
  }

  /** Every user's exact health factor and status (at `prices`, default the book's). */
  scan(prices?: readonly bigint[]): AaveScan {
    this.scanCount(prices);
    return this.results();
  }

  /** The results of the last pass. */
  results(): AaveScan {
    const v = new DataView(this.core.memory.buffer);
    let liquidatable = 0, overflow = 0;
    const users: AaveUserResult[] = this.book.users.map((_, a) => {
      const o = this.resultsAt + a * RESULT_BYTES;
      const status = STATUS[v.getUint32(o, true)]!;
      if (status === "overflow") {
        overflow++;
        return { status, healthFactor: null, totalCollateralBase: null, totalDebtBase: null, avgLiquidationThreshold: null };
      }
      if (status === "liquidatable") liquidatable++;
      const hf = v.getBigUint64(o + 24, true) | (v.getBigUint64(o + 32, true) << 64n);
      return {
        status,
        healthFactor: hf === (1n << 128n) - 1n ? null : hf,
        totalCollateralBase: v.getBigUint64(o + 8, true),
        totalDebtBase: v.getBigUint64(o + 16, true),
        avgLiquidationThreshold: BigInt(v.getUint32(o + 4, true)),
      };
    });
    return { users, liquidatable, overflow };
  }

  /** For every liquidatable user of `scan`: the best pair to liquidate and its profit (reference/venues/aave-v3.ts bestLiquidation). */
  opportunities(scan: AaveScan = this.scan()): AaveOpportunity[] {
    const out: AaveOpportunity[] = [];
    scan.users.forEach((r, a) => {
      if (r.status !== "liquidatable") return;
      const user = this.book.users[a]!;
      const best = bestLiquidation(this.book, user);
      out.push({
        user: user.id, healthFactor: r.healthFactor!,
        best: best && { ...best, debtReserveId: this.book.reserves[best.debtReserve]!.id, collateralReserveId: this.book.reserves[best.collateralReserve]!.id },
      });
    });
    return out;
  }

  /**
   * The liquidation price of each reserve the user holds, by reserve id; null where no price
   * changes the trigger. The core searches as reference liquidationPrice does (the same bisection,
   * the same answer); a pair whose probes pass the core's 128-bit words is searched by the
   * reference.
   */
  liquidationPrices(userIndex: number): Record<string, bigint | null> {
    const user = this.book.users[userIndex];
    if (user === undefined) throw new RangeError(`liquidationPrices: no user ${userIndex}`);
    const out: Record<string, bigint | null> = {};
    for (const e of user.reserves) {
      const code = this.core.aaveV3_liquidationPrice(this.reservesAt, this.modesAt, this.startsAt, this.eModesAt, this.entriesAt, userIndex, e.reserve, this.priceAt);
      if (code === 2) this.priceSearches.reference++;
      else this.priceSearches.core++;
      out[this.book.reserves[e.reserve]!.id] =
        code === 0 ? null : code === 1 ? new DataView(this.core.memory.buffer).getBigUint64(this.priceAt, true) : liquidationPrice(this.book, user, e.reserve);
    }
    return out;
  }
}

/** The health factor as a decimal string of the pool's wad ("1.2", "0.999..."), "max" for the contract's uint max. */
export function formatHealthFactor(hf: bigint | null): string {
  if (hf === null || hf === UINT256_MAX) return "max";
  const whole = hf / 10n ** 18n, frac = (hf % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return frac === "" ? whole.toString() : `${whole}.${frac}`;
}

// The lending-book API in one place (bindings/index.ts re-exports this module).
export { AAVE_LIMITS, AAVE_VERSIONS, parseAaveBook, stringifyAaveBook, type AaveBook, type AaveEMode, type AaveReserve, type AaveUser, type AaveUserReserve, type AaveVersion } from "../book/venues/aave-book.js";
export { importAaveBook, type AaveImport, type AaveImportInput } from "../book/venues/aave.js";
export { randomAaveBook, toHumanized, type AaveBookOptions } from "../book/venues/aave-generate.js";
export {
  accountData as aaveAccountData, bestLiquidation as aaveBestLiquidation, largestCleanCall as aaveLargestCleanCall, liquidationCall as aaveLiquidationCall,
  liquidationPrice as aaveLiquidationPrice, type AccountData as AaveAccountData, type LiquidationOutcome as AaveLiquidationOutcome,
  type LiquidationRefusal as AaveLiquidationRefusal,
} from "../reference/venues/aave-v3.js";
// The lending views are in views/aave-v3.ts, exported with the other views (views/index.ts).
