/**
 * The scan worker: holds the engine and the live book, so that generating, parsing and scanning
 * millions of positions never blocks the page. It imports the package as a user would ("liqscan"),
 * so the core is fetched from liqscan.wasm next to the package's module.
 */
import {
  QUOTE_DECIMALS,
  createEngine,
  formatDecimal,
  generateBook,
  parseBookCsv,
  parseBookJson,
  marginRatioPpm,
  type Book,
  type BookColumns,
  type Engine,
  type LiveBook,
  type ScanResult,
  type TotalsReport,
  AaveScanner,
  formatHealthFactor,
  lendingStress,
  parseAaveBook,
} from "liqscan";
import { parseBookArrow, parseBookParquet } from "liqscan/tables";
import { AMOUNT_KEYS, type AccountDetail, type AmountKey, type LiquidatableTable, type Reply, type Request, type Summary } from "./protocol.js";
import { liquidationMapOf, stressCurveOf } from "./risk.js";

interface WorkerScope {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: Reply, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let engine: Promise<Engine> | undefined;
let book: LiveBook | undefined;
let table: LiquidatableTable | undefined;
let liquidationPrices: BigInt64Array | undefined;
let totals: TotalsReport | undefined;

function post(message: Reply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function progress(phase: string, done = 0, total = 0): void {
  post({ type: "progress", phase, done, total });
}

scope.onmessage = async (event) => {
  try {
    await handle(event.data);
  } catch (error) {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
};

async function handle(request: Request): Promise<void> {
  switch (request.type) {
    case "generate": {
      const t0 = performance.now();
      progress("Generating", 0, request.accounts);
      const columns = generateBook({ accounts: request.accounts, seed: request.seed, onProgress: (done, total) => progress("Generating", done, total) });
      const source = `generated: ${request.accounts.toLocaleString("en-US")} accounts, seed ${request.seed}`;
      return scanNew(columns, source, performance.now() - t0);
    }
    case "load": {
      const t0 = performance.now();
      progress("Reading");
      if (request.files.length === 1 && request.files[0]!.name.toLowerCase().endsWith(".json")) {
        const text = await request.files[0]!.text();
        if (/"venue"\s*:\s*"aave-v3"/.test(text.slice(0, 65536))) return scanLending(text, request.files[0]!.name, performance.now() - t0);
      }
      const parsed = await readBook(request.files);
      return scanNew(parsed, request.files.map((f) => f.name).join(", "), performance.now() - t0);
    }
    case "liquidation-map":
      return post({ type: "liquidation-map", map: liquidationMapOf(current(), request.market) });
    case "account":
      return post({ type: "account", detail: accountDetail(request.row) });
    case "export":
      return post({ type: "export", json: exportJson() });
  }
}

function current(): LiveBook {
  if (book === undefined) throw new Error("no book is loaded");
  return book;
}

/**
 * The accounts and positions tables among `files` by name (accounts.EXT, positions.EXT), with
 * markets.json, and the balances table (balances.EXT) of a book with collateral assets.
 */
function tableFiles(files: readonly File[], ext: string): { markets: File; accounts: File; positions: File; balances?: File } | null {
  const named = (prefix: string) => files.find((f) => f.name.toLowerCase().startsWith(prefix) && f.name.toLowerCase().endsWith(ext));
  const markets = files.find((f) => f.name.toLowerCase().endsWith(".json"));
  const accounts = named("accounts");
  const positions = named("positions");
  const balances = named("balances");
  if (files.length !== (balances ? 4 : 3) || !markets || !accounts || !positions) return null;
  return { markets, accounts, positions, ...(balances ? { balances } : {}) };
}

/**
 * A JSON book (one .json file with accounts); the CSV form: markets.json, accounts.csv,
 * positions.csv and, for a book with collateral assets, balances.csv, told apart by extension and
 * header line; or the Arrow (.arrow, .arrows) and Parquet (.parquet) forms: markets.json,
 * accounts.EXT, positions.EXT (and balances.EXT), told apart by name.
 */
async function readBook(files: readonly File[]): Promise<Book | BookColumns> {
  if (files.length === 1 && files[0]!.name.toLowerCase().endsWith(".json")) return parseBookJson(await files[0]!.text());
  for (const ext of [".arrow", ".arrows"]) {
    const t = tableFiles(files, ext);
    if (t) {
      const names = { accounts: t.accounts.name, positions: t.positions.name, ...(t.balances ? { balances: t.balances.name } : {}) };
      const balances = t.balances ? new Uint8Array(await t.balances.arrayBuffer()) : undefined;
      return parseBookArrow(await t.markets.text(), new Uint8Array(await t.accounts.arrayBuffer()), new Uint8Array(await t.positions.arrayBuffer()), names, balances);
    }
  }
  const pq = tableFiles(files, ".parquet");
  if (pq) {
    progress("Parsing", 0, 1);
    // a File is a Blob: parquet-wasm reads it a row group at a time
    return parseBookParquet(await pq.markets.text(), pq.accounts, pq.positions, { accounts: pq.accounts.name, positions: pq.positions.name, ...(pq.balances ? { balances: pq.balances.name } : {}) }, pq.balances);
  }
  const texts = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
  const markets = texts.find((t) => t.name.toLowerCase().endsWith(".json"));
  const accounts = texts.find((t) => t.text.startsWith("id,") || t.text.startsWith("\uFEFFid,"));
  const balances = texts.find((t) => t.text.startsWith("account,asset,") || t.text.startsWith("\uFEFFaccount,asset,"));
  const positions = texts.find((t) => t !== balances && (t.text.startsWith("account,") || t.text.startsWith("\uFEFFaccount,")));
  if (files.length !== (balances ? 4 : 3) || !markets || !accounts || !positions) {
    throw new Error(
      "choose one JSON book, or the three files of the CSV form: markets.json, accounts.csv (header id,collateral) and positions.csv (header account,market,size,entryPrice), " +
        "with balances.csv (header account,asset,amount) for a book with collateral assets, " +
        "or of the Arrow or Parquet forms: markets.json, accounts.arrow|arrows|parquet and positions.arrow|arrows|parquet (and balances.EXT)",
    );
  }
  return parseBookCsv(markets.text, accounts.text, positions.text, { onProgress: (done, total) => progress("Parsing", done, total), ...(balances ? { balances: balances.text } : {}) });
}

async function scanNew(input: Book | BookColumns, source: string, readMs: number): Promise<void> {
  book?.dispose();
  book = undefined;
  table = undefined;
  liquidationPrices = undefined;
  totals = undefined;
  progress("Loading into the engine");
  engine ??= createEngine("wasm");
  const core = await engine; // compiled once, on the first book
  const t1 = performance.now();
  const live = await core.load(input);
  const t2 = performance.now();
  progress("Scanning");
  const result = live.scan();
  const t3 = performance.now();
  book = live;
  progress("Reading the results");
  table = tableOf(result);
  totals = result.totalsReport();
  const summary: Summary = {
    source,
    accounts: live.accountCount,
    positions: live.positionCount,
    markets: live.markets.map((m, i) => ({ id: m.id, priceDecimals: m.priceDecimals, sizeDecimals: m.sizeDecimals, markPrice: live.markPrice(i) })),
    totals,
    residentBytes: live.residentBytes,
    timings: { read: readMs, load: t2 - t1, scan: t3 - t2 },
  };
  // The page keeps its own copy of the columns (transferred); the worker keeps these for exports.
  const copy = copyTable(table);
  post({ type: "scanned", summary, table: copy }, [copy.account.buffer, ...AMOUNT_KEYS.map((k) => copy.amounts[k].buffer)]);
  // The risk views rescan the book: they come after the result above has been read.
  progress("Stress test");
  post({ type: "stress", curve: stressCurveOf(live, (done, total) => progress("Stress test", done, total)) });
  post({ type: "liquidation-map", map: liquidationMapOf(live, 0) });
}

/** The liquidatable accounts of a scan, with their exact amounts (marginRatio -1 where it is none). */
function tableOf(result: ScanResult): LiquidatableTable {
  const rows = result.liquidatable();
  const n = rows.length;
  const amounts = Object.fromEntries(AMOUNT_KEYS.map((k) => [k, new BigInt64Array(n)])) as Record<AmountKey, BigInt64Array>;
  const ids: string[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const a = rows[r]!;
    const { equity, maintenance, closeOut } = result.account(a);
    const values: Record<AmountKey, bigint> = {
      equity: equity!, maintenance: maintenance!, marginRatio: marginRatioPpm(equity!, maintenance!) ?? -1n,
      penalty: closeOut!.penalty, liquidatorReward: closeOut!.liquidatorReward, insuranceFund: closeOut!.insuranceFund,
      badDebt: closeOut!.badDebt, returned: closeOut!.returned,
    };
    ids[r] = result.accountIds[a]!;
    for (const k of AMOUNT_KEYS) amounts[k][r] = values[k];
    if (r % 65536 === 65535) progress("Reading the results", r + 1, n);
  }
  return { rows: n, account: Uint32Array.from(rows), ids, amounts };
}

function copyTable(t: LiquidatableTable): LiquidatableTable {
  const amounts = Object.fromEntries(AMOUNT_KEYS.map((k) => [k, t.amounts[k].slice()])) as Record<AmountKey, BigInt64Array>;
  return { rows: t.rows, account: t.account.slice(), ids: t.ids, amounts };
}

const money = (v: bigint): string => formatDecimal(v, QUOTE_DECIMALS);

/** One row's report, as ScanResult.report gives it, rebuilt from the kept columns. */
function reportOf(t: LiquidatableTable, r: number): Record<string, string | null> {
  const out: Record<string, string | null> = { id: t.ids[r]!, status: "liquidatable" };
  for (const k of AMOUNT_KEYS) {
    const v = t.amounts[k][r]!;
    out[k] = k === "marginRatio" && v < 0n ? null : money(v);
  }
  return out;
}

function accountDetail(row: number): AccountDetail {
  const live = current();
  const t = table!;
  const a = t.account[row]!;
  liquidationPrices ??= live.liquidationPrices().slice();
  const { positionMarket, positionSize, positionEntry } = live.inputs;
  const positions = [];
  for (let p = live.positionStart[a]!; p < live.positionStart[a + 1]!; p++) {
    const m = live.markets[positionMarket[p]!]!;
    const liq = liquidationPrices[p]!;
    positions.push({
      market: m.id,
      size: formatDecimal(positionSize[p]!, m.sizeDecimals),
      entryPrice: formatDecimal(positionEntry[p]!, m.priceDecimals),
      markPrice: formatDecimal(live.markPrice(positionMarket[p]!), m.priceDecimals),
      liquidationPrice: liq < 0n ? null : formatDecimal(liq, m.priceDecimals),
    });
  }
  return { report: reportOf(t, row), positions };
}

/** The liquidatable accounts and the totals, exact, in the CLI's `scan --json` shape. */
function exportJson(): Blob {
  const t = table!;
  const parts: string[] = ['{"accounts":['];
  for (let r = 0; r < t.rows; r++) parts.push((r ? "," : "") + JSON.stringify(reportOf(t, r)));
  parts.push(`],"totals":${JSON.stringify(totals)}}\n`);
  return new Blob(parts, { type: "application/json" });
}

/** An aave-v3 lending book: the core's scan of every user, the liquidator's view and the stress grid (views/aave-v3.ts). */
async function scanLending(text: string, source: string, readMs: number): Promise<void> {
  book?.dispose();
  book = undefined;
  table = undefined;
  progress("Loading the lending book");
  const lending = parseAaveBook(text, source);
  const scanner = await AaveScanner.load(lending);
  const t1 = performance.now();
  const scan = scanner.scan();
  const t2 = performance.now();
  const usd = (v: bigint | null) => (v === null ? "" : formatDecimal(v, 8));
  const best = new Map(scanner.opportunities(scan).map((o) => [o.user, o.best]));
  const rows = scan.users.flatMap((r, a) => {
    if (r.status !== "liquidatable") return [];
    const u = lending.users[a]!, b = best.get(u.id);
    return [{ id: u.id, healthFactor: formatHealthFactor(r.healthFactor), collateral: usd(r.totalCollateralBase), debt: usd(r.totalDebtBase), pair: b ? `${b.debtReserveId} / ${b.collateralReserveId}` : "none the pool accepts", profit: b ? usd(b.profitBase) : "" }];
  });
  progress("Stress test");
  const shocks = { from: -500_000n, to: 500_000n, step: 100_000n };
  const stress = lendingStress(scanner, { shocks }).map((c) => ({ reserve: c.reserve, rows: c.rows.map((x) => ({ shockPpm: x.shockPpm, liquidatable: x.liquidatable, debt: usd(x.debtBase) })) }));
  post({
    type: "lending",
    summary: {
      source, version: lending.version, users: lending.users.length, reserves: lending.reserves.map((r) => ({ id: r.id, price: usd(r.price) })),
      liquidatable: scan.liquidatable, overflow: scan.overflow, rows, stress, timings: { read: readMs, scan: t2 - t1 },
    },
  });
}
