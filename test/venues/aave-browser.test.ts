// The demo opens an aave-v3 lending book (web/src/worker.ts scanLending): in a real browser
// (Chromium through playwright-core, test/support/chromium.ts), under Vite's dev server, the page
// shows the users and counts the Node API computes for examples/aave-v3-book.json, then a perp
// book replaces them.
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AaveScanner, formatHealthFactor, lendingStress, parseAaveBook } from "../../bindings/index.js";
import { launchChromium } from "../support/chromium.js";

const BOOK = "examples/aave-v3-book.json";
let browser: Promise<Browser> | undefined;
let server: ViteDevServer;
beforeAll(async () => {
  server = await createServer({ configFile: "web/vite.config.ts", server: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
  await server.listen();
});
afterAll(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await server?.close();
});

describe("the demo opens a lending book", () => {
  it("shows the liquidatable users with their exact health factors and best pairs, and the stress grid by reserve", async () => {
    browser ??= launchChromium();
    const page = await (await browser).newPage({ viewport: { width: 1320, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
    await page.goto(server.resolvedUrls!.local[0]!);
    const book = parseAaveBook(readFileSync(BOOK, "utf8"));
    const scanner = await AaveScanner.load(book);
    const scan = scanner.scan();
    const best = scanner.opportunities(scan);
    await page.getByTestId("file").setInputFiles(BOOK);
    await page.getByTestId("lending").waitFor({ state: "visible" });
    expect(await page.getByTestId("lending-summary").textContent()).toMatch(new RegExp(`^${scan.liquidatable} of ${book.users.length} users liquidatable \\(health factor below 1, Aave v3\\.3 rules\\)`));
    const rows = page.locator('[data-testid="lending-table"] tr[data-user]');
    expect(await rows.count()).toBe(scan.liquidatable);
    const o = best.find((x) => x.best !== null)!;
    const row = (await page.locator(`[data-testid="lending-table"] tr[data-user="${o.user}"]`).textContent())!;
    expect(row).toContain(formatHealthFactor(o.healthFactor));
    expect(row).toContain(`${o.best!.debtReserveId} / ${o.best!.collateralReserveId}`);
    const all = lendingStress(scanner, { shocks: { from: -500_000n, to: 500_000n, step: 100_000n } }).find((c) => c.reserve === "all")!;
    const cells = await page.locator('[data-testid="lending-stress"] tr[data-reserve="all"] td.num').allTextContents();
    expect(cells).toEqual(all.rows.map((r) => r.liquidatable.toLocaleString("en-US")));
    expect(await page.getByTestId("totals").isHidden()).toBe(true);
    await page.getByTestId("lending").screenshot({ path: "build/browser/aave-demo.png" });
    // A perp book afterwards: the lending section goes away.
    await page.getByTestId("file").setInputFiles("examples/spec-example.json");
    await page.getByTestId("totals").waitFor({ state: "visible" });
    expect(await page.getByTestId("lending").isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
