import { formatDecimal } from "../book/decimal.js";
import { QUOTE_DECIMALS, STATUS_NAME, type Status, type Totals } from "../book/types.js";

/** The output columns of a scan, one entry per account (quote units; 0 where the status gives none). */
export interface ScanColumns {
  readonly status: Uint8Array;
  readonly equity: BigInt64Array;
  readonly maintenance: BigInt64Array;
  readonly penalty: BigInt64Array;
  readonly liquidatorReward: BigInt64Array;
  readonly insuranceFund: BigInt64Array;
  readonly badDebt: BigInt64Array;
  readonly returned: BigInt64Array;
}

/** One account of a scan as the command line prints it: amounts as decimal strings in quote units. */
export interface AccountReport {
  readonly id: string;
  readonly status: Status;
  readonly equity: string | null;
  readonly maintenance: string | null;
  /** maintenance / equity, floored to 6 decimals; null when equity <= 0 or on overflow. */
  readonly marginRatio: string | null;
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
 * The result of one scan. For the wasm engine the columns are views of WebAssembly memory, so
 * reading them costs nothing, and the next scan of the same book overwrites them: copy a column
 * (`result.equity.slice()`) to keep it. The methods (`report`, `liquidatable`, ...) throw when
 * their result has been superseded rather than show the newer numbers.
 */
export class ScanResult implements ScanColumns {
  readonly status!: Uint8Array;
  readonly equity!: BigInt64Array;
  readonly maintenance!: BigInt64Array;
  readonly penalty!: BigInt64Array;
  readonly liquidatorReward!: BigInt64Array;
  readonly insuranceFund!: BigInt64Array;
  readonly badDebt!: BigInt64Array;
  readonly returned!: BigInt64Array;

  constructor(
    columns: ScanColumns,
    readonly totals: Totals,
    readonly accountIds: readonly string[],
    private readonly isCurrent: () => boolean = () => true,
  ) {
    Object.assign(this, columns);
  }

  get accountCount(): number {
    return this.status.length;
  }

  /** Indices of the liquidatable accounts, in book order. */
  liquidatable(): number[] {
    this.check();
    const out: number[] = [];
    const status = this.status;
    for (let a = 0; a < status.length; a++) if (status[a] === 1) out.push(a);
    return out;
  }

  statusOf(account: number): Status {
    this.check();
    return STATUS_NAME[this.status[account]!]!;
  }

  /** One account as decimal strings. */
  report(account: number): AccountReport {
    this.check();
    if (!Number.isInteger(account) || account < 0 || account >= this.accountCount) throw new RangeError(`liqscan: account index ${account} is outside 0..${this.accountCount - 1}`);
    const status = this.statusOf(account);
    const id = this.accountIds[account]!;
    if (status === "overflow") return { id, status, equity: null, maintenance: null, marginRatio: null };
    const equity = this.equity[account]!;
    const maintenance = this.maintenance[account]!;
    const ratio = marginRatioPpm(equity, maintenance);
    const base = { id, status, equity: money(equity), maintenance: money(maintenance), marginRatio: ratio === null ? null : formatDecimal(ratio, 6) };
    if (status !== "liquidatable") return base;
    return {
      ...base,
      penalty: money(this.penalty[account]!),
      liquidatorReward: money(this.liquidatorReward[account]!),
      insuranceFund: money(this.insuranceFund[account]!),
      badDebt: money(this.badDebt[account]!),
      returned: money(this.returned[account]!),
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

  private check(): void {
    if (!this.isCurrent()) throw new Error("liqscan: this scan result was overwritten by a later scan of the same book; copy what you need before scanning again");
  }
}
