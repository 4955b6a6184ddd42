// The browser the end-to-end tests drive: Debian's chromium (scripts/install-chromium.sh), through
// playwright-core, which brings no browser of its own.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { chromium, type Browser } from "playwright-core";

/**
 * Flags for a quiet, reproducible headless run in a container: no sandbox (root, no user
 * namespaces), no GPU, and nothing that reaches out to the network on its own. Playwright starts
 * every launch with a fresh temporary profile (--user-data-dir) and removes it on close.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** LIQSCAN_CHROMIUM, else `chromium` or `chromium-browser` on PATH; throws saying how to install it. */
export function chromiumPath(): string {
  const fromEnv = process.env.LIQSCAN_CHROMIUM;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`LIQSCAN_CHROMIUM=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const candidate = join(dir, name);
      if (dir && isExecutable(candidate)) return candidate;
    }
  }
  throw new Error(
    "Chromium is not installed, and the browser tests need it: run scripts/install-chromium.sh " +
      "(Debian's chromium package), or set LIQSCAN_CHROMIUM to a Chromium or Chrome executable.",
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}
