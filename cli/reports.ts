/**
 * How scan results look on the command line: the account table, the totals, and the JSON text.
 * The values come from ScanResult.report() / totalsReport() (decimal strings in quote units).
 */
import type { AccountReport, ScanResult, TotalsReport } from "../bindings/results.js";
import type { Output } from "./output.js";
import { Table, cellText, renderTable, type Column } from "./table.js";

export const ACCOUNT_COLUMNS: readonly Column[] = [
  { header: "account", align: "left" },
  { header: "status", align: "left" },
  { header: "equity", align: "right" },
  { header: "maintenance", align: "right" },
  { header: "marginRatio", align: "right" },
  { header: "penalty", align: "right" },
  { header: "liquidatorReward", align: "right" },
  { header: "insuranceFund", align: "right" },
  { header: "badDebt", align: "right" },
  { header: "returned", align: "right" },
];

/** One table row: empty cells where the status gives no amount, "none" for an unbounded margin ratio. */
export function accountRow(r: AccountReport): string[] {
  const overflow = r.status === "overflow";
  return [
    cellText(r.id),
    r.status,
    r.equity ?? "",
    r.maintenance ?? "",
    overflow ? "" : (r.marginRatio ?? "none"),
    r.penalty ?? "",
    r.liquidatorReward ?? "",
    r.insuranceFund ?? "",
    r.badDebt ?? "",
    r.returned ?? "",
  ];
}

/** Columns of a book that gives initial margins (a generic tier's imr, venue positions' leverage). */
const MARGIN_COLUMNS: readonly Column[] = [
  { header: "initialMargin", align: "right" },
  { header: "freeCollateral", align: "right" },
];

/** Writes the account table for `indices` of `result`, measuring every row first. */
export async function writeAccountTable(out: Output, result: ScanResult, indices: readonly number[]): Promise<void> {
  const reports = indices.map((a) => result.report(a));
  const margins = reports.some((r) => r.initialMargin !== undefined);
  const row = (r: AccountReport) => (margins ? [...accountRow(r), r.initialMargin ?? "", r.freeCollateral ?? ""] : accountRow(r));
  const table = new Table(margins ? [...ACCOUNT_COLUMNS, ...MARGIN_COLUMNS] : ACCOUNT_COLUMNS);
  for (const r of reports) table.measure(row(r));
  out.line(table.header());
  out.line(table.rule());
  for (const r of reports) {
    out.line(table.format(row(r)));
    await out.flushIfFull();
  }
}

/** The totals as a small two-column table. */
export function totalsLines(totals: TotalsReport, accounts: number): string[] {
  const rows = [
    ["accounts", String(accounts)],
    ["liquidatable", String(totals.liquidatable)],
    ["overflow", String(totals.overflow)],
    ["penalty", totals.penalty],
    ["liquidatorReward", totals.liquidatorReward],
    ["insuranceFund", totals.insuranceFund],
    ["badDebt", totals.badDebt],
    ["notional", totals.notional],
  ];
  const lines = renderTable([{ header: "totals", align: "left" }, { header: "", align: "right" }], rows);
  return [lines[0]!.trimEnd(), ...lines.slice(2).map((l) => "  " + l)];
}

/**
 * The JSON result of `scan --json`: one object, one account per line.
 * `{"accounts":[...],"totals":{"liquidatable","overflow","penalty","liquidatorReward","insuranceFund","badDebt","notional"}}`
 */
export async function writeScanJson(out: Output, result: ScanResult, indices: readonly number[]): Promise<void> {
  out.write('{"accounts":[');
  for (let i = 0; i < indices.length; i++) {
    out.write((i === 0 ? "\n" : ",\n") + JSON.stringify(result.report(indices[i]!)));
    await out.flushIfFull();
  }
  out.write(indices.length === 0 ? "],\n" : "\n],\n");
  out.line(`"totals":${JSON.stringify(result.totalsReport())}}`);
}
