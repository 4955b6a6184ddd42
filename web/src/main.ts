/**
 * The demo page: sends the book (generated or read from files) to the scan worker, then shows the
 * totals, the liquidatable accounts, the liquidation map and the stress curve it sends back.
 */
import { AccountTable } from "./table.js";
import { LiquidationMapChart, StressChart } from "./charts.js";
import { count, exactMoney, money, moneyOf, price, quoteUnits } from "./money.js";
import type { AccountDetail, LendingSummary, Reply, Request, StressCurve, Summary } from "./protocol.js";

const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => {
  const e = document.querySelector<T>(selector);
  if (!e) throw new Error(`missing element ${selector}`);
  return e;
};

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (request: Request): void => worker.postMessage(request);

const table = new AccountTable($("#table"), (row) => send({ type: "account", row }));
const stressChart = new StressChart($("#stress-chart"));
const mapChart = new LiquidationMapChart($("#map-chart"));
let summary: Summary | undefined;
let pending = 0; // replies still expected for the current book: stress curve and liquidation map

const statusEl = $("#status");
const progressEl = $<HTMLProgressElement>("#progress");
const controls = [$<HTMLButtonElement>("#generate-button"), $<HTMLInputElement>("#file"), $<HTMLButtonElement>("#export")];

function setBusy(busy: boolean): void {
  for (const c of controls) c.disabled = busy;
  progressEl.hidden = !busy;
  statusEl.dataset.state = busy ? "busy" : "done";
}

function start(request: Request): void {
  setBusy(true);
  statusEl.textContent = "Starting…";
  progressEl.removeAttribute("value");
  pending = 2;
  send(request);
}

$<HTMLFormElement>("#generate").addEventListener("submit", (e) => {
  e.preventDefault();
  const accounts = Number($<HTMLInputElement>("#accounts").value);
  const seed = Number($<HTMLInputElement>("#seed").value);
  start({ type: "generate", accounts, seed });
});

$<HTMLInputElement>("#file").addEventListener("change", (e) => {
  const input = e.target as HTMLInputElement;
  const files = [...(input.files ?? [])];
  input.value = "";
  if (files.length) start({ type: "load", files });
});

$<HTMLSelectElement>("#market").addEventListener("change", (e) => {
  send({ type: "liquidation-map", market: Number((e.target as HTMLSelectElement).value) });
});

$("#export").addEventListener("click", () => send({ type: "export" }));

worker.onmessage = (event: MessageEvent<Reply>) => {
  const reply = event.data;
  switch (reply.type) {
    case "progress":
      statusEl.textContent = reply.total ? `${reply.phase}… ${count(reply.done)} of ${count(reply.total)}` : `${reply.phase}…`;
      if (reply.total) progressEl.value = reply.done / reply.total;
      else progressEl.removeAttribute("value");
      return;
    case "scanned":
      summary = reply.summary;
      showSummary(reply.summary);
      table.setData(reply.table);
      $("#row-count").textContent = count(reply.table.rows);
      return;
    case "stress":
      showStress(reply.curve);
      return done();
    case "liquidation-map":
      if (summary) mapChart.show(reply.map, summary.markets[reply.map.market]!);
      $<HTMLSelectElement>("#market").value = String(reply.map.market);
      return done();
    case "account":
      return showDetail(reply.detail);
    case "export":
      return download(reply.json, "liqscan-scan.json");
    case "lending":
      return showLending(reply.summary);
    case "error":
      if (pending > 0) clearResults(); // the book could not be read or scanned: nothing valid to show
      setBusy(false);
      pending = 0;
      statusEl.dataset.state = "error";
      statusEl.textContent = `Error: ${reply.message}`;
      return;
  }
};

worker.onerror = (e) => {
  setBusy(false);
  statusEl.dataset.state = "error";
  statusEl.textContent = `The scan worker failed: ${e.message}`;
};

function done(): void {
  if (pending > 0 && --pending === 0) {
    setBusy(false);
    const s = summary!;
    const t = s.timings;
    statusEl.textContent = `Scanned ${count(s.positions)} positions of ${count(s.accounts)} accounts (${s.source}).`;
    $("#timings").textContent =
      `read ${ms(t.read)} · load into the core ${ms(t.load)} · scan ${ms(t.scan)} ` +
      `(${rate(s.positions, t.scan)}) · core memory ${(s.residentBytes / 2 ** 20).toFixed(1)} MiB`;
  }
}

function clearResults(): void {
  summary = undefined;
  table.clear();
  stressChart.clear();
  mapChart.clear();
  $("#timings").textContent = "";
  for (const id of ["#totals", "#charts", "#accounts-card", "#lending"]) $(id).hidden = true;
}

function showSummary(s: Summary): void {
  const totals = s.totals;
  const put = (key: string, text: string, exact: string) => {
    const e = $(`[data-testid="${key.startsWith("scan") ? key : `total-${key}`}"]`);
    e.textContent = text;
    e.dataset.exact = exact;
    e.title = exact;
  };
  put("accounts", count(s.accounts), String(s.accounts));
  put("positions", count(s.positions), String(s.positions));
  put("liquidatable", count(totals.liquidatable), String(totals.liquidatable));
  put("overflow", count(totals.overflow), String(totals.overflow));
  put("scan-time", ms(s.timings.scan), rate(s.positions, s.timings.scan));
  for (const key of ["notional", "penalty", "liquidatorReward", "insuranceFund", "badDebt"] as const) {
    put(key, moneyOf(totals[key]), totals[key]);
  }
  const select = $<HTMLSelectElement>("#market");
  select.replaceChildren(...s.markets.map((m, i) => new Option(`${m.id} (mark ${price(m.markPrice, m.priceDecimals)})`, String(i))));
  for (const id of ["#totals", "#charts", "#accounts-card"]) $(id).hidden = false;
  $("#lending").hidden = true;
}

/** A lending book (aave-v3): its own section, with the users the pool could liquidate and the stress grid. */
function showLending(s: LendingSummary): void {
  clearResults();
  pending = 0;
  setBusy(false);
  const esc = (t: string) => t.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  $("#lending-summary").textContent =
    `${count(s.liquidatable)} of ${count(s.users)} users liquidatable (health factor below 1, Aave v3.${s.version.slice(2)} rules)` +
    (s.overflow ? `, ${count(s.overflow)} beyond the core's widths` : "") + `; reserves: ${s.reserves.map((r) => `${r.id} $${r.price}`).join(", ")}`;
  $("#lending-table").innerHTML = "<tr><th>user</th><th>health factor</th><th>collateral</th><th>debt</th><th>best pair (debt / collateral)</th><th>profit</th></tr>" +
    s.rows.map((r) => `<tr data-user="${esc(r.id)}"><td>${esc(r.id)}</td><td class="num">${r.healthFactor}</td><td class="num">${r.collateral}</td><td class="num">${r.debt}</td><td>${esc(r.pair)}</td><td class="num">${r.profit}</td></tr>`).join("");
  const shocks = s.stress[0]?.rows.map((r) => r.shockPpm) ?? [];
  $("#lending-stress").innerHTML = `<tr><th>reserve shocked</th>${shocks.map((x) => `<th>${shockLabel(x)}</th>`).join("")}</tr>` +
    s.stress.map((c) => `<tr data-reserve="${esc(c.reserve)}"><td>${c.reserve === "all" ? "every reserve" : esc(c.reserve)}</td>${c.rows.map((r) => `<td class="num" title="debt $${r.debt}">${count(r.liquidatable)}</td>`).join("")}</tr>`).join("");
  $("#lending").hidden = false;
  statusEl.textContent = `Scanned ${count(s.users)} users of a lending book (${s.source}).`;
  $("#timings").textContent = `read ${ms(s.timings.read)} · scan ${ms(s.timings.scan)}`;
}

function showStress(curve: StressCurve): void {
  stressChart.show(curve);
  const head = "<tr><th>shock</th><th>liquidatable</th><th>notional</th><th>penalties</th><th>bad debt</th></tr>";
  const body = curve.shockPpm.map((s, i) => {
    const cells = [curve.notional[i]!, curve.penalty[i]!, curve.badDebt[i]!].map((v) => `<td class="num" data-exact="${exactMoney(v)}">${money(v)}</td>`);
    return `<tr data-shock-ppm="${s}"><td class="num">${shockLabel(s)}</td><td class="num">${count(curve.liquidatable[i]!)}</td>${cells.join("")}</tr>`;
  });
  $("#stress-table").innerHTML = head + body.join("");
}

function shockLabel(ppm: bigint): string {
  const pct = Number(ppm) / 1e4;
  return `${pct > 0 ? "+" : ""}${pct}%`;
}

function showDetail(detail: AccountDetail): void {
  const r = detail.report;
  const amount = (k: string) => {
    const v = r[k];
    return v === null || v === undefined ? "–" : `<span title="${exactMoney(quoteUnits(v))}">${moneyOf(v)}</span>`;
  };
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const positions = detail.positions
    .map((p) => `<tr><td>${esc(p.market)}</td><td class="num">${p.size}</td><td class="num">${p.entryPrice}</td><td class="num">${p.markPrice}</td><td class="num">${p.liquidationPrice ?? "none"}</td></tr>`)
    .join("");
  $("#detail-body").innerHTML = `
    <h3>Account ${esc(String(r.id))}</h3>
    <dl class="facts">
      <dt>Equity</dt><dd>${amount("equity")}</dd>
      <dt>Maintenance</dt><dd>${amount("maintenance")}</dd>
      <dt>Margin ratio</dt><dd>${r.marginRatio ?? "∞ (equity ≤ 0)"}</dd>
      <dt>Penalty</dt><dd>${amount("penalty")}</dd>
      <dt>to liquidator</dt><dd>${amount("liquidatorReward")}</dd>
      <dt>to insurance fund</dt><dd>${amount("insuranceFund")}</dd>
      <dt>Bad debt</dt><dd>${amount("badDebt")}</dd>
      <dt>Returned</dt><dd>${amount("returned")}</dd>
    </dl>
    <table class="plain"><tr><th>market</th><th>size</th><th>entry</th><th>mark</th><th>liquidation price</th></tr>${positions}</table>
    <details><summary>Exact report (JSON)</summary><pre>${esc(JSON.stringify(r, null, 2))}</pre></details>`;
  $<HTMLDialogElement>("#detail").showModal();
}

function download(blob: Blob, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function ms(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`;
}

function rate(positions: number, scanMs: number): string {
  if (scanMs <= 0) return "–";
  const perSecond = (positions / scanMs) * 1000;
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(1)} M positions/s` : `${Math.round(perSecond / 1e3)} k positions/s`;
}
