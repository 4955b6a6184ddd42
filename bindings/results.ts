import type { PositionsOf } from "./margins.js";
import { formatDecimal } from "../book/decimal.js";
import { QUOTE_DECIMALS, STATUS_NAME, type AccountResult, type Market, type Status, type Totals, type VenueName } from "../book/types.js";
import { venueRules } from "../reference/venues/index.js";

/**
 * What an engine hands a ScanResult. Outputs are compact: a status byte per account and the exact
 * amounts of the flagged (liquidatable or overflow) accounts; any other account's exact equity and
 * maintenance are computed when asked for.
 */
export interface ScanSource {
  /** Per account: 0 ok, 1 liquidatable, 2 overflow: the book's status column, rewritten by its next scan (a fresh view on every read for the wasm engine: memory growth detaches old ones). */
  readonly status: Uint8Array;
  readonly accountCount: number;
  readonly totals: Totals;
  readonly accountIds: readonly string[];
  /** One account's id, without making the list of every id (a table-read book's ids are bytes until then). */
  accountId?(account: number): string;
  /** The flagged accounts (liquidatable or overflow), in book order. */
  flagged(): ArrayLike<number>;
  /** The exact result of one account at the scanned marks. */
  account(account: number): AccountResult;
  /** The account's initial margin at the scanned marks, null where the book does not give it (bindings/margins.ts). */
  initialMargin(account: number): bigint | null;
  /** What the account's deposits count for less at their initial weights than at their maintenance ones (0 without assets): free collateral takes it off. */
  initialDiscount?(account: number): bigint;
  /** The book's venue, whose rules say what a liquidation step closes. */
  readonly venue: VenueName;
  /** Each position's notional, size, market and price at the scanned marks, in the account's order. */
  positions(account: number): PositionsOf;
  /** False once a later scan or an edit of the book has superseded this result. */
  isCurrent(): boolean;
  /** Pairs (account, status before this scan) of the accounts whose status this scan changed, in any order. */
  changes(): ArrayLike<number>;
}

/** An account whose status a scan changed, since the scan before it (the first scan: since a book of "ok" accounts). */
export interface AccountChange {
  readonly account: number;
  readonly id: string;
  /** "liquidatable": it became liquidatable; "recovered": it stopped being so (or left overflow); "overflow": its amounts left 64 bits. */
  readonly kind: "liquidatable" | "recovered" | "overflow";
  readonly before: Status;
  readonly after: Status;
  /** Its exact amounts at this scan (null on overflow). */
  readonly result: AccountResult;
}

/** One account of a scan as the command line prints it: amounts as decimal strings in quote units. */
export interface AccountReport {
  readonly id: string;
  readonly status: Status;
  readonly equity: string | null;
  readonly maintenance: string | null;
  /** maintenance / equity, floored to 6 decimals; null when equity <= 0 or on overflow. */
  readonly marginRatio: string | null;
  /** Where the book gives it (a generic tier's imr, a venue position's leverage): the initial margin, and equity minus it. */
  readonly initialMargin?: string;
  readonly freeCollateral?: string;
  readonly penalty?: string;
  readonly liquidatorReward?: string;
  readonly insuranceFund?: string;
  readonly badDebt?: string;
  readonly returned?: string;
}

export interface TotalsReport {
  readonly liquidatable: number;
  readonly overflow: number;
  readonly penalty: string;
  readonly liquidatorReward: string;
  readonly insuranceFund: string;
  readonly badDebt: string;
  readonly notional: string;
}

const PPM = 1_000_000n;

/** floor(maintenance * 10^6 / equity) for equity > 0, else null (the ratio is unbounded). */
export function marginRatioPpm(equity: bigint, maintenance: bigint): bigint | null {
  return equity > 0n ? (maintenance * PPM) / equity : null; // both >= 0: truncation is floor
}

const money = (v: bigint) => formatDecimal(v, QUOTE_DECIMALS);

/**
 * The result of one scan, valid until the book is scanned again, edited or disposed. `status` is
 * the book's own status column (on the wasm engine a view of WebAssembly memory), so a scan
 * copies nothing; reading `status` or any method (`account`, `report`, `liquidatable`, ...) of a
 * superseded result throws rather than show another scan's numbers, on both engines. The array
 * `status` returned is the book's: the next scan rewrites it in place (on the wasm engine an
 * edit also sets the 0x80 "edited" flag of the account's byte until then), so copy it
 * (`result.status.slice()`) to keep it. `totals` is this scan's own copy and stays readable.
 */
export class ScanResult {
  constructor(private readonly source: ScanSource) {}

  /**
   * Per account: 0 ok, 1 liquidatable, 2 overflow (STATUS_NAME maps them to names). Throws once the
   * result is superseded; the array is rewritten by the next scan (copy it to keep it).
   */
  get status(): Uint8Array {
    this.check();
    return this.source.status;
  }

  /** Exact sums over the liquidatable accounts, and the counts: this scan's own, readable at any time. */
  get totals(): Totals {
    return this.source.totals;
  }

  get accountIds(): readonly string[] {
    return this.source.accountIds;
  }

  /** Account `account`'s id, without making the list of every id. */
  accountId(account: number): string {
    return this.source.accountId?.(account) ?? this.source.accountIds[account]!;
  }

  get accountCount(): number {
    return this.source.accountCount;
  }

  /** Indices of the liquidatable accounts, in book order. */
  liquidatable(): number[] {
    this.check();
    const flagged = this.source.flagged();
    const status = this.source.status;
    const out: number[] = [];
    for (let i = 0; i < flagged.length; i++) if (status[flagged[i]!] === 1) out.push(flagged[i]!);
    return out;
  }

  /**
   * The accounts whose status changed since the previous scan of the book, in account order, each
   * with its exact amounts at this scan: which became liquidatable, which recovered (ok again),
   * which went to overflow. Computed during the scan (only the accounts it evaluated can change).
   */
  changes(): AccountChange[] {
    this.check();
    const pairs = this.source.changes();
    const status = this.source.status;
    const out: AccountChange[] = [];
    const order: number[] = [];
    for (let i = 0; i < pairs.length; i += 2) order.push(i);
    order.sort((x, y) => pairs[x]! - pairs[y]!);
    for (const i of order) {
      const account = pairs[i]!;
      const before = STATUS_NAME[pairs[i + 1]!]!;
      const after = STATUS_NAME[status[account]! & 0x7f]!;
      if (before === after) continue;
      const kind = after === "ok" ? "recovered" : after;
      out.push({ account, id: this.accountId(account), kind, before, after, result: this.source.account(account) });
    }
    return out;
  }

  statusOf(account: number): Status {
    this.check();
    this.checkIndex(account);
    return STATUS_NAME[this.source.status[account]!]!;
  }

  /**
   * The exact amounts of one account, as bigints in quote units: equity and maintenance (null on
   * overflow) and, for a liquidatable account, its close-out.
   */
  account(account: number): AccountResult {
    this.check();
    this.checkIndex(account);
    return this.source.account(account);
  }

  /**
   * The initial margin of an account at the scanned marks and its free collateral (equity with its
   * deposits at their initial weights, minus initial margin: what it can withdraw or open), exact; null where the book does not give an
   * initial margin (a generic book without imr, a venue position without leverage) or on overflow.
   */
  margins(account: number): { readonly initialMargin: bigint | null; readonly freeCollateral: bigint | null } {
    const r = this.account(account);
    const im = r.equity === null ? null : this.source.initialMargin(account);
    return { initialMargin: im, freeCollateral: im === null || r.equity === null ? null : r.equity - im - (this.source.initialDiscount?.(account) ?? 0n) };
  }

  /**
   * For a liquidatable account, per position (in the account's order) the notional this
   * liquidation step closes and the notional the next step would close; null for any other
   * account. Every venue closes a position whole in one step except Hyperliquid, whose book
   * liquidation of a position above 100,000 USDC closes 20 % first (docs/venues/hyperliquid.md),
   * and dYdX v4, whose per-block limits close a share of a large position (docs/venues/dydx-v4.md).
   */
  steps(account: number): { readonly now: bigint; readonly next: bigint }[] | null {
    const r = this.account(account);
    if (r.status !== "liquidatable" || r.equity === null || r.maintenance === null) return null;
    return venueRules(this.source.venue).steps({ equity: r.equity, maintenance: r.maintenance, sumFee: 0n, sumSlippage: 0n, ...this.source.positions(account), liquidatorSharePpm: 0n });
  }

  /** One account as decimal strings. */
  report(account: number): AccountReport {
    const r = this.account(account);
    const id = this.accountId(account);
    const status = r.status;
    if (r.equity === null || r.maintenance === null) return { id, status, equity: null, maintenance: null, marginRatio: null };
    const ratio = marginRatioPpm(r.equity, r.maintenance);
    const im = this.source.initialMargin(account);
    const base = {
      id, status, equity: money(r.equity), maintenance: money(r.maintenance), marginRatio: ratio === null ? null : formatDecimal(ratio, 6),
      ...(im === null ? {} : { initialMargin: money(im), freeCollateral: money(r.equity - im - (this.source.initialDiscount?.(account) ?? 0n)) }),
    };
    if (r.closeOut === null) return base;
    const c = r.closeOut;
    return {
      ...base,
      penalty: money(c.penalty),
      liquidatorReward: money(c.liquidatorReward),
      insuranceFund: money(c.insuranceFund),
      badDebt: money(c.badDebt),
      returned: money(c.returned),
    };
  }

  /** Reports of the liquidatable accounts, or of every account with `{ all: true }`. */
  reports(options: { all?: boolean } = {}): AccountReport[] {
    const indices = options.all ? Array.from({ length: this.accountCount }, (_, a) => a) : this.liquidatable();
    return indices.map((a) => this.report(a));
  }

  totalsReport(): TotalsReport {
    const t = this.totals;
    return {
      liquidatable: t.liquidatable,
      overflow: t.overflow,
      penalty: money(t.penalty),
      liquidatorReward: money(t.liquidatorReward),
      insuranceFund: money(t.insuranceFund),
      badDebt: money(t.badDebt),
      notional: money(t.notional),
    };
  }

  private checkIndex(account: number): void {
    if (!Number.isInteger(account) || account < 0 || account >= this.accountCount) throw new RangeError(`liqscan: account index ${account} is outside 0..${this.accountCount - 1}`);
  }

  private check(): void {
    if (!this.source.isCurrent()) throw new Error("liqscan: this scan result was superseded by a later scan or an edit of the same book; copy what you need before scanning or editing again");
  }
}
