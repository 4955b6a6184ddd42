/**
 * Aligned text tables: text columns left-aligned, amounts right-aligned, widths measured over every
 * row first so that a column of decimal strings lines up on its point.
 */

export type Align = "left" | "right";

export interface Column {
  readonly header: string;
  readonly align: Align;
}

const GAP = "  ";

/**
 * Free text (an id) as a cell: shown JSON-quoted when it holds a control character, so that a line
 * break in an account id cannot break the table.
 */
export function cellText(text: string): string {
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text;
}

export class Table {
  private readonly widths: number[];

  constructor(private readonly columns: readonly Column[]) {
    this.widths = columns.map((c) => c.header.length);
  }

  /** Widens the columns to fit `row` (call for every row before printing any). */
  measure(row: readonly string[]): void {
    for (let i = 0; i < this.widths.length; i++) {
      const w = (row[i] ?? "").length;
      if (w > this.widths[i]!) this.widths[i] = w;
    }
  }

  header(): string {
    return this.format(this.columns.map((c) => c.header));
  }

  /** A line of dashes under the header. */
  rule(): string {
    return this.widths.map((w) => "-".repeat(w)).join(GAP);
  }

  format(row: readonly string[]): string {
    const cells = this.columns.map((c, i) => {
      const text = row[i] ?? "";
      return c.align === "right" ? text.padStart(this.widths[i]!) : text.padEnd(this.widths[i]!);
    });
    return cells.join(GAP).trimEnd();
  }
}

/** The whole table as lines (header, rule, rows), for tables small enough to hold in memory. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const t = new Table(columns);
  for (const r of rows) t.measure(r);
  return [t.header(), t.rule(), ...rows.map((r) => t.format(r))];
}
