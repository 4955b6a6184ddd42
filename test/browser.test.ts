// End to end in a real browser (Chromium, driven by playwright-core; test/support/chromium.ts
// picks it, by default the build inside the @sparticuz/chromium devDependency). The browser runs
// under this machine's locale (LANG as the environment has it); one test also gives the page a
// language tag that Intl rejects.
// - the package as published loads in a plain page with no bundler (import map, liqscan.wasm next
//   to the module, streaming compile, or the core passed in as bytes);
// - the demo (web/) built by Vite, and served by Vite's dev server, scans a generated book in its
//   worker and shows exactly the totals that the Node API computes for the same seed, and draws
//   its charts. A screenshot of the demo is saved to build/browser/demo.png (to docs/screenshot.png
//   with LIQSCAN_SCREENSHOT=docs, for the README).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { build, createServer, preview, type PreviewServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, generateBook, importDydx, importHyperliquid, liquidationMap, parseBookJson, stress, type LiveBook, type TotalsReport } from "../bindings/index.js";
import { concatBytes, writeBookArrow, writeBookParquet } from "../book/tables.js";
import { bookToColumns } from "../book/columns.js";
import { writeBookCsv } from "../book/csv.js";
import { EXAMPLE } from "./support/assets.js";
import { launchChromium } from "./support/chromium.js";
import { serveStatic, type StaticServer } from "./support/static-server.js";

const VITE_CONFIG = "web/vite.config.ts";
const SEED = 7;
const ACCOUNTS = 20_000;

// Launched by the first test that needs it, so that a Chromium that cannot launch fails every test
// with the message that says why (rather than skipping them).
let browser: Promise<Browser> | undefined;
afterAll(async () => {
  await (await browser?.catch(() => undefined))?.close();
});

/** A new page whose uncaught errors, console errors and failed requests fail the test. */
async function openPage(url: string, options: { language?: string } = {}): Promise<{ page: Page; errors: string[] }> {
  browser ??= launchChromium();
  const page = await (await browser).newPage({ viewport: { width: 1320, height: 900 } });
  if (options.language !== undefined) {
    // What the page's scripts read as navigator.language, before any of them runs.
    await page.addInitScript((language) => {
      Object.defineProperty(navigator, "language", { get: () => language, configurable: true });
    }, options.language);
  }
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  return { page, errors };
}

async function nodeBook(accounts: number, seed: number): Promise<LiveBook> {
  const engine = await createEngine("wasm");
  return engine.load(generateBook({ accounts, seed }));
}

describe("the package in a plain page (no bundler)", () => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await serveStatic(".");
  });
  afterAll(async () => server?.close());

  it("scans the spec's example as Node does, the core fetched next to the module or passed as bytes", async () => {
    const { page, errors } = await openPage(`${server.url}/web/plain/`);
    const out = page.getByTestId("out");
    await page.waitForSelector('[data-testid="out"]:not([data-state="busy"])');
    expect(await out.getAttribute("data-state"), await out.textContent() ?? "").toBe("done");
    const shown = JSON.parse((await out.textContent())!);

    const node = (await (await createEngine("wasm")).load(parseBookJson(readFileSync("examples/spec-example.json", "utf8")))).scan();
    expect(shown.totals).toEqual(node.totalsReport());
    expect(shown.totalsFromBytes).toEqual(node.totalsReport());
    expect(shown.accounts).toEqual(node.reports({ all: true }));
    expect(shown.totals.badDebt).toBe("983.713261"); // the spec's figure
    expect(shown.streamedCompile).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** Generates a book in the demo, waits for the scan and its views, returns the exact totals shown. */
async function scanInDemo(page: Page, accounts: number, seed: number): Promise<TotalsReport> {
  await page.getByTestId("accounts").fill(String(accounts));
  await page.getByTestId("seed").fill(String(seed));
  await page.getByTestId("generate").click();
  return shownTotals(page);
}

/** Waits until the page has scanned its book and drawn its views; the exact totals it shows. */
async function shownTotals(page: Page): Promise<TotalsReport> {
  await page.waitForSelector('[data-testid="status"][data-state="done"], [data-testid="status"][data-state="error"]', { timeout: 60_000 });
  const status = page.getByTestId("status");
  expect(await status.getAttribute("data-state"), (await status.textContent()) ?? "").toBe("done");
  const exact = async (key: string) => (await page.getByTestId(`total-${key}`).getAttribute("data-exact"))!;
  return {
    liquidatable: Number(await exact("liquidatable")),
    overflow: Number(await exact("overflow")),
    penalty: await exact("penalty"),
    liquidatorReward: await exact("liquidatorReward"),
    insuranceFund: await exact("insuranceFund"),
    badDebt: await exact("badDebt"),
    notional: await exact("notional"),
  };
}

/** Pixels of a chart's canvas close to a series colour: the series was drawn, not just the axes. */
async function pixelsOfColour(page: Page, chart: string, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(([selector, [r, g, b]]) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`${selector} canvas`);
    if (!canvas || canvas.width === 0) return -1;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 200 && Math.abs(data[i]! - r) < 24 && Math.abs(data[i + 1]! - g) < 24 && Math.abs(data[i + 2]! - b) < 24) n++;
    }
    return n;
  }, [`[data-testid="${chart}"]`, rgb] as const);
}

describe("the demo, built by Vite", () => {
  let server: PreviewServer;
  beforeAll(async () => {
    await build({ configFile: VITE_CONFIG, logLevel: "warn" });
    server = await preview({ configFile: VITE_CONFIG, preview: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
  });
  afterAll(async () => server?.close());

  it("shows the totals the Node API computes for the same book, the table, and both charts", async () => {
    const { page, errors } = await openPage(server.resolvedUrls!.local[0]!);
    const shown = await scanInDemo(page, ACCOUNTS, SEED);

    const book = await nodeBook(ACCOUNTS, SEED);
    const result = book.scan();
    const totals = result.totalsReport();
    expect(shown).toEqual(totals);
    expect(totals.liquidatable).toBeGreaterThan(100); // the generator's ~2 %: a table worth showing

    // The table holds every liquidatable account; by default the largest bad debt comes first
    // (ties in book order), as the reports say.
    expect(await page.getByTestId("row-count").textContent()).toBe(totals.liquidatable.toLocaleString("en-US"));
    const reports = result.reports();
    const worst = reports.reduce((w, r) => (BigInt(r.badDebt!.replace(".", "")) > BigInt(w.badDebt!.replace(".", "")) ? r : w));
    const firstRow = page.locator('[data-testid="table-body"] [role="row"]').first();
    await expect.poll(() => firstRow.locator('[role="cell"]').first().textContent()).toBe(worst.id);
    // Every account, exactly: the page's export is Node's report of the same book.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export").click()]);
    expect(JSON.parse(readFileSync((await download.path())!, "utf8"))).toEqual({ accounts: reports, totals });

    // The stress table holds the views' exact figures for the same book.
    const rows = stress(book, { shocksPpm: [-100_000n, 0n, 100_000n] });
    for (const row of rows) {
      const cells = page.locator(`[data-testid="stress-table"] tr[data-shock-ppm="${row.shockPpm}"] td[data-exact]`);
      const exact = await cells.evaluateAll((tds) => tds.map((td) => (td as HTMLElement).dataset.exact!.replaceAll(",", "")));
      expect(exact).toEqual([row.notional, row.penalty, row.badDebt].map((v) => formatQuote(v)));
    }
    expect(rows[1]!.penalty).toBe(result.totals.penalty); // the book's marks were restored
    const map = liquidationMap(book, { market: 0 });
    expect(map.buckets.some((b) => b.longNotional > 0n)).toBe(true);

    // Both charts drew their series: penalties (blue) and bad debt (red) on the stress curve,
    // long liquidations (red) and short ones (green) on the map.
    expect(await pixelsOfColour(page, "stress-chart", [37, 99, 235])).toBeGreaterThan(50);
    expect(await pixelsOfColour(page, "stress-chart", [220, 38, 38])).toBeGreaterThan(50);
    expect(await pixelsOfColour(page, "map-chart", [220, 38, 38])).toBeGreaterThan(50);
    expect(await pixelsOfColour(page, "map-chart", [5, 150, 105])).toBeGreaterThan(50);

    mkdirSync("build/browser", { recursive: true });
    await page.screenshot({ path: "build/browser/demo.png", fullPage: true });
    if (process.env.LIQSCAN_SCREENSHOT === "docs") {
      // The README's picture: the page's default book (200,000 accounts, seed 1).
      await scanInDemo(page, 200_000, 1);
      await page.screenshot({ path: "docs/screenshot.png", fullPage: true });
    }
    expect(errors).toEqual([]);
    await page.close();
    book.dispose();
  });

  it("works when the browser's language is not a BCP 47 tag (Chromium under LANG=C.UTF-8 says en-US@posix)", async () => {
    // uPlot builds an Intl.NumberFormat from navigator.language when it loads: with this tag that
    // threw a RangeError, and the page never scanned.
    const { page, errors } = await openPage(server.resolvedUrls!.local[0]!, { language: "en-US@posix" });
    const shown = await scanInDemo(page, 3_000, 11);
    expect(shown).toEqual((await nodeBook(3_000, 11)).scan().totalsReport());
    expect(await page.evaluate(() => navigator.language)).toBe("en-US"); // repaired before uPlot read it
    expect(await pixelsOfColour(page, "stress-chart", [37, 99, 235])).toBeGreaterThan(50);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a book file (JSON, or the CSV, Arrow and Parquet forms), shows an account's positions and exports the exact JSON", async () => {
    const { page, errors } = await openPage(server.resolvedUrls!.local[0]!);
    const spec = (await (await createEngine("wasm")).load(parseBookJson(readFileSync("examples/spec-example.json", "utf8")))).scan();
    const picker = page.getByTestId("file");

    await picker.setInputFiles("examples/spec-example.json");
    expect(await shownTotals(page)).toEqual(spec.totalsReport());
    await picker.setInputFiles(["markets.json", "accounts.csv", "positions.csv"].map((f) => `test/fixtures/spec-example-csv/${f}`));
    expect(await shownTotals(page)).toEqual(spec.totalsReport());
    expect(await page.getByTestId("total-badDebt").textContent()).toBe("983.71"); // rounded for display

    // The Arrow (file and stream) and Parquet forms, as generate and convert write them: two
    // generated books of different seeds, so that each load shows totals of its own.
    for (const [form, seed] of [["arrow", 21], ["arrows", 22], ["parquet", 23]] as const) {
      const columns = generateBook({ accounts: 3000, seed });
      const expected = (await (await createEngine("wasm")).load(columns)).scan().totalsReport();
      const files = form === "parquet"
        ? await (async () => { const w = writeBookParquet(columns); return { markets: w.markets, accounts: await concatBytes(w.accounts), positions: await concatBytes(w.positions) }; })()
        : writeBookArrow(columns, form === "arrow" ? "file" : "stream");
      await picker.setInputFiles([
        { name: "markets.json", mimeType: "application/json", buffer: Buffer.from(files.markets) },
        { name: `accounts.${form}`, mimeType: "application/octet-stream", buffer: Buffer.from(files.accounts) },
        { name: `positions.${form}`, mimeType: "application/octet-stream", buffer: Buffer.from(files.positions) },
      ]);
      expect(await shownTotals(page), form).toEqual(expected);
    }

    // A book with collateral assets: markets.json lists them, a fourth file holds the balances
    // (frank is liquidatable without them, not with them, so the totals show they were read).
    const withAssets = bookToColumns(parseBookJson(EXAMPLE));
    const expectedAssets = (await (await createEngine("wasm")).load(withAssets)).scan();
    expect(expectedAssets.totals.liquidatable).toBe(0);
    const csv = writeBookCsv(withAssets);
    const pq = writeBookParquet(withAssets);
    for (const [form, files] of [
      ["csv", { markets: csv.markets, accounts: csv.accounts, positions: csv.positions, balances: csv.balances! }],
      ["parquet", { markets: pq.markets, accounts: await concatBytes(pq.accounts), positions: await concatBytes(pq.positions), balances: await concatBytes(pq.balances!) }],
    ] as const) {
      await picker.setInputFiles("examples/spec-example.json");
      expect(await shownTotals(page)).toEqual(spec.totalsReport());
      await picker.setInputFiles([
        { name: "markets.json", mimeType: "application/json", buffer: Buffer.from(files.markets) },
        ...(["accounts", "positions", "balances"] as const).map((t) => ({ name: `${t}.${form}`, mimeType: "application/octet-stream", buffer: Buffer.from(files[t]) })),
      ]);
      expect(await shownTotals(page), form).toEqual(expectedAssets.totalsReport());
    }

    // A venue book (Hyperliquid's rules), as `liqscan import hyperliquid` writes it from the recorded responses.
    const dir = "test/fixtures/venues/hyperliquid/";
    const venueText = importHyperliquid({ meta: readFileSync(dir + "meta.json", "utf8"), states: ["alice", "bob"].map((id) => ({ id, text: readFileSync(`${dir}${id}.json`, "utf8") })) });
    const venue = (await (await createEngine("wasm")).load(parseBookJson(venueText))).scan();
    await picker.setInputFiles({ name: "hyperliquid.json", mimeType: "application/json", buffer: Buffer.from(venueText) });
    expect(await shownTotals(page)).toEqual(venue.totalsReport());
    // And a dYdX one, from the recorded indexer responses, with a liquidatable subaccount beside them.
    const dydxDir = "test/fixtures/venues/dydx/";
    const underwater = JSON.stringify({ subaccount: { openPerpetualPositions: { "ETH-USD": { market: "ETH-USD", status: "OPEN", side: "LONG", size: "1" } }, assetPositions: { USDC: { symbol: "USDC", side: "SHORT", size: "3200", assetId: "0" } } } });
    const dydxText = importDydx({ markets: readFileSync(dydxDir + "perpetual-markets-2024-08.json", "utf8"), subaccounts: [{ id: "main", text: readFileSync(dydxDir + "subaccount-2024-08.json", "utf8") }, { id: "underwater", text: underwater }] });
    const dydx = (await (await createEngine("wasm")).load(parseBookJson(dydxText))).scan();
    expect(dydx.totals.liquidatable).toBe(1);
    await picker.setInputFiles({ name: "dydx.json", mimeType: "application/json", buffer: Buffer.from(dydxText) });
    expect(await shownTotals(page)).toEqual(dydx.totalsReport());
    await picker.setInputFiles("examples/spec-example.json");
    expect(await shownTotals(page)).toEqual(spec.totalsReport());

    // carol: under water (no margin ratio), bad debt 983.713261, BTC-PERP liquidation price 70123.99.
    await page.locator('[data-testid="table-body"] [role="row"]', { hasText: "carol" }).click();
    const detail = page.getByTestId("detail");
    await detail.waitFor({ state: "visible" });
    const text = (await detail.textContent())!;
    expect(text).toContain("70123.99");
    expect(text).toContain('"badDebt": "983.713261"');
    await page.keyboard.press("Escape");
    await detail.waitFor({ state: "hidden" });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export").click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect(exported).toEqual({ accounts: spec.reports(), totals: spec.totalsReport() });

    // A bad book: the page says which record and field, and shows no stale results.
    const bad = readFileSync("examples/spec-example.json", "utf8").replace('"size": "-0.1"', '"size": "-0.123456789"');
    await picker.setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from(bad) });
    await page.waitForSelector('[data-testid="status"][data-state="error"]');
    expect(await page.getByTestId("status").textContent()).toBe(
      'Error: account "bob" position 1: field "size": "-0.123456789" has more decimals than the market\'s 8',
    );
    expect(await page.getByTestId("totals").isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the demo, served by Vite's dev server", () => {
  let server: ViteDevServer;
  beforeAll(async () => {
    server = await createServer({ configFile: VITE_CONFIG, server: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
    await server.listen();
  });
  afterAll(async () => server?.close());

  it("scans a generated book to the Node API's totals", async () => {
    const { page, errors } = await openPage(server.resolvedUrls!.local[0]!);
    const shown = await scanInDemo(page, 3_000, 11);
    const book = await nodeBook(3_000, 11);
    expect(shown).toEqual(book.scan().totalsReport());
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("an app that installs the package, under Vite's dev server", () => {
  // The package as npm installs it (package.json and dist/, its "files"), in a fresh app's
  // node_modules: Vite pre-bundles it, and the core must still be found next to the module.
  let app: string;
  let server: ViteDevServer;
  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), "liqscan-vite-app-"));
    const installed = join(app, "node_modules", "liqscan");
    mkdirSync(installed, { recursive: true });
    cpSync("package.json", join(installed, "package.json"));
    cpSync("dist", join(installed, "dist"), { recursive: true });
    // the package's runtime dependencies, as npm would install them beside it (linked to ours)
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) symlinkSync(resolve("node_modules", dep), join(app, "node_modules", dep), "dir");
    writeFileSync(join(app, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<pre id="out" data-state="busy"></pre>
<script type="module">
  import { createEngine, generateBook } from "liqscan";
  const out = document.querySelector("#out");
  const book = await (await createEngine()).load(generateBook({ accounts: 2000, seed: 5 }));
  out.textContent = JSON.stringify(book.scan().totalsReport());
  out.dataset.state = "done";
</script>`);
    server = await createServer({ root: app, configFile: false, server: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
    await server.listen();
  });
  afterAll(async () => {
    await server?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it("scans with the pre-bundled package to the Node API's totals", async () => {
    const { page, errors } = await openPage("about:blank");
    const loaded: string[] = [];
    page.on("response", (r) => loaded.push(new URL(r.url()).pathname));
    await page.goto(server.resolvedUrls!.local[0]!);
    await page.waitForSelector('#out[data-state="done"]', { timeout: 30_000 });
    expect(loaded).toContainEqual(expect.stringMatching(/\/node_modules\/\.vite\/deps\/liqscan\.js$/)); // pre-bundled
    expect(loaded).toContainEqual(expect.stringMatching(/liqscan\.wasm$/));
    const book = await nodeBook(2000, 5);
    expect(JSON.parse((await page.textContent("#out"))!)).toEqual(book.scan().totalsReport());
    expect(errors).toEqual([]);
    await page.close();
  });
});

function formatQuote(v: bigint): string {
  const s = (v < 0n ? -v : v).toString().padStart(7, "0");
  return `${v < 0n ? "-" : ""}${s.slice(0, -6)}.${s.slice(-6)}`;
}
