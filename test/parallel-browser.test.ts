// Parallel scans in a browser: the built package served on the loopback interface, loaded by
// headless Chromium as ES modules, scanning with module Web Workers. Like the other browser
// tests it fails (never skips) with the reason where Chromium cannot launch (test/support/chromium.ts).
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";

const TYPES: Record<string, string> = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

// The page's module script (a string: vitest would rewrite the import() of a function's source).
const PAGE = `
import { createEngine, generateBook, openParallel } from "/bindings/index.js";
const text = (r) => JSON.stringify(r.totals, (_, v) => (typeof v === "bigint" ? v + "n" : v)) + ":" + r.status.join("");
window.outcome = (async () => {
  const book = generateBook({ accounts: 20000, seed: 5 });
  const single = await (await createEngine("wasm")).load(book);
  const parallel = await openParallel(book, { threads: 3 });
  const atLoad = text(await parallel.scanParallel()) === text(single.scan());
  const drop = (book.markets[0].markPrice * 9n) / 10n;
  parallel.setMarkPrice(0, drop);
  single.setMarkPrice(0, drop);
  const after = await parallel.scanParallel();
  const afterTick = text(after) === text(single.scan());
  parallel.setMarkPrice(0, book.markets[0].markPrice);
  await parallel.scanParallel();
  let superseded = "";
  try { after.status; } catch (e) { superseded = e.message; }
  await parallel.close();
  return { isolated: crossOriginIsolated, threads: parallel.threads, hardware: navigator.hardwareConcurrency, atLoad, afterTick, superseded, liquidatable: after.totals.liquidatable };
})();
`;

let server: Server;
let origin: string;
// Launched by the test, not in beforeAll: a failing hook would only mark the test skipped.
let browser: Promise<Browser> | undefined;

describe("parallel scans in a browser", () => {
  beforeAll(async () => {
    // Serves dist/ only, and one empty page to import it from.
    server = createServer((request, response) => {
      const path = normalize(decodeURIComponent(new URL(request.url!, "http://x").pathname));
      // "/isolated" is the same page, cross-origin isolated: the workers share the status buffer
      // (a SharedArrayBuffer); on "/" they cannot, and send copies.
      const isolation = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
      if (path === "/" || path === "/isolated") {
        response.writeHead(200, { "content-type": "text/html", ...(path === "/isolated" ? isolation : {}) }).end(`<!doctype html><title>liqscan</title><script type="module">${PAGE}</script>`);
        return;
      }
      const file = join("dist", path);
      if (!path.startsWith("/") || path.includes("..") || !existsSync(file)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", ...isolation }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address() as { port: number };
    origin = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await (await browser?.catch(() => undefined))?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.each([
    ["a page that is not cross-origin isolated (statuses copied)", "/", false],
    ["a cross-origin isolated page (statuses in shared memory)", "/isolated", true],
  ] as const)("gives one thread's totals and statuses, before and after a price tick, on %s", async (_, path, isolated) => {
    browser ??= launchChromium();
    const page = await (await browser).newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}${path}`);
    const outcome = (await page.evaluate("window.outcome")) as { isolated: boolean; threads: number; hardware: number; atLoad: boolean; afterTick: boolean; superseded: string; liquidatable: number };
    expect(errors).toEqual([]);
    expect(outcome).toMatchObject({ isolated, threads: Math.min(3, outcome.hardware), atLoad: true, afterTick: true }); // capped at the hardware's
    expect(outcome.superseded).toContain("superseded by a later scan");
    expect(outcome.liquidatable).toBeGreaterThan(0);
    await page.close();
  });
});
