/**
 * A sortable table that stays fast with hundreds of thousands of rows: only the rows in view
 * (plus a few) exist in the DOM, reused as the body scrolls; a spacer gives the scrollbar its full
 * height. Rows have a fixed height, so the first visible row is scrollTop / ROW_HEIGHT.
 */
import { exactMoney, money } from "./money.js";
import type { LiquidatableTable } from "./protocol.js";
import { sortRows, type SortKey } from "./sort.js";
import { formatDecimal } from "liqscan";

const ROW_HEIGHT = 30;
const OVERSCAN = 6;
/** The body shows at most this many rows at once (and shrinks to fit fewer). */
const MAX_VISIBLE_ROWS = 16;

interface Column {
  readonly key: SortKey;
  readonly label: string;
  readonly title: string;
}

const COLUMNS: readonly Column[] = [
  { key: "id", label: "Account", title: "account id" },
  { key: "equity", label: "Equity", title: "collateral + unrealised PnL at the marks" },
  { key: "maintenance", label: "Maintenance", title: "maintenance margin required" },
  { key: "marginRatio", label: "Margin ratio", title: "maintenance / equity; above 1 the account is liquidatable; ∞ when equity ≤ 0" },
  { key: "penalty", label: "Penalty", title: "liquidation penalty collected" },
  { key: "liquidatorReward", label: "Liquidator", title: "the liquidator's share of the penalty" },
  { key: "insuranceFund", label: "Insurance", title: "the insurance fund's share of the penalty" },
  { key: "badDebt", label: "Bad debt", title: "the loss left after closing the account at the marks" },
  { key: "returned", label: "Returned", title: "equity handed back to the account owner" },
];

export class AccountTable {
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsHost: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private table: LiquidatableTable | undefined;
  private order: Uint32Array = new Uint32Array(0);
  private sortKey: SortKey = "badDebt";
  private descending = true;
  private frame = 0;

  constructor(host: HTMLElement, private readonly onSelect: (row: number) => void) {
    host.classList.add("vt");
    host.setAttribute("role", "table");
    host.setAttribute("aria-label", "liquidatable accounts");
    this.head = el("div", "vt-row vt-head");
    this.head.setAttribute("role", "row");
    for (const c of COLUMNS) {
      const b = el("button", "vt-cell" + (c.key === "id" ? "" : " num"));
      b.setAttribute("role", "columnheader");
      b.dataset.key = c.key;
      b.title = `${c.title} (click to sort)`;
      b.textContent = c.label;
      b.addEventListener("click", () => this.sortBy(c.key));
      this.head.append(b);
    }
    this.body = el("div", "vt-body");
    this.body.tabIndex = 0;
    this.body.dataset.testid = "table-body";
    this.spacer = el("div", "vt-spacer");
    this.rowsHost = el("div", "vt-rows");
    this.rowsHost.setAttribute("role", "rowgroup");
    this.body.append(this.spacer, this.rowsHost);
    this.empty = el("div", "vt-empty");
    this.empty.textContent = "No liquidatable accounts at the current marks.";
    host.append(this.head, this.body, this.empty);
    this.body.addEventListener("scroll", () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.body);
    this.rowsHost.addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>(".vt-row");
      if (row?.dataset.row !== undefined) this.onSelect(Number(row.dataset.row));
    });
    this.empty.hidden = true;
    this.showHeaderState();
  }

  setData(table: LiquidatableTable): void {
    this.table = table;
    this.order = sortRows(table, this.sortKey, this.descending);
    this.spacer.style.height = `${table.rows * ROW_HEIGHT}px`;
    this.body.style.height = `${Math.min(table.rows, MAX_VISIBLE_ROWS) * ROW_HEIGHT + 2}px`;
    this.body.hidden = table.rows === 0;
    this.empty.hidden = table.rows > 0;
    this.body.scrollTop = 0;
    this.render();
  }

  clear(): void {
    this.table = undefined;
    this.order = new Uint32Array(0);
    this.spacer.style.height = "0px";
    this.empty.hidden = true;
    this.render();
  }

  sortBy(key: SortKey): void {
    // A new column starts with the largest first (ids: A to Z); the same column flips.
    this.descending = key === this.sortKey ? !this.descending : key !== "id";
    this.sortKey = key;
    this.showHeaderState();
    if (this.table) {
      this.order = sortRows(this.table, key, this.descending);
      this.render();
    }
  }

  private showHeaderState(): void {
    for (const b of this.head.children as HTMLCollectionOf<HTMLElement>) {
      const active = b.dataset.key === this.sortKey;
      b.setAttribute("aria-sort", active ? (this.descending ? "descending" : "ascending") : "none");
    }
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const t = this.table;
    const total = t?.rows ?? 0;
    const first = Math.max(0, Math.floor(this.body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(this.body.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(total, first + visible);
    this.rowsHost.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    while (this.pool.length < last - first) this.pool.push(this.newRow());
    for (let i = 0; i < this.pool.length; i++) {
      const rowEl = this.pool[i]!;
      const pos = first + i;
      if (!t || pos >= last) {
        rowEl.hidden = true;
        continue;
      }
      rowEl.hidden = false;
      const r = this.order[pos]!;
      rowEl.dataset.row = String(r);
      rowEl.classList.toggle("odd", pos % 2 === 1);
      const cells = rowEl.children as HTMLCollectionOf<HTMLElement>;
      cells[0]!.textContent = t.ids[r]!;
      for (let c = 1; c < COLUMNS.length; c++) {
        const key = COLUMNS[c]!.key as Exclude<SortKey, "id">;
        const v = t.amounts[key][r]!;
        const cell = cells[c]!;
        if (key === "marginRatio") {
          cell.textContent = v < 0n ? "∞" : formatDecimal((v + 500n) / 1000n, 3);
          cell.title = v < 0n ? "equity ≤ 0" : formatDecimal(v, 6);
        } else {
          cell.textContent = money(v);
          cell.title = exactMoney(v);
        }
      }
    }
    if (this.rowsHost.childElementCount !== this.pool.length) this.rowsHost.replaceChildren(...this.pool);
  }

  private newRow(): HTMLElement {
    const row = el("div", "vt-row");
    row.setAttribute("role", "row");
    for (const c of COLUMNS) {
      const cell = el("div", "vt-cell" + (c.key === "id" ? " id" : " num"));
      cell.setAttribute("role", "cell");
      row.append(cell);
    }
    return row;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}
