// The browser the end-to-end tests drive, through playwright-core (which brings no browser of its
// own): LIQSCAN_CHROMIUM if set, else a `chromium` or `chromium-browser` on PATH, else the Chromium
// build inside the `@sparticuz/chromium` devDependency, so that `npm ci` brings everything the
// tests need. That package holds the browser compressed; it is unpacked on first use into a
// directory of the system's temporary folder that belongs to the user and names the version.
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { chromium, type Browser } from "playwright-core";

/**
 * Flags for a quiet, reproducible headless run in a container: no sandbox (root, no user
 * namespaces), no GPU, and nothing that reaches out to the network on its own. Playwright starts
 * every launch with a fresh temporary profile (--user-data-dir) and removes it on close. They work
 * with the @sparticuz/chromium build (a headless shell), and with a system chromium such as Debian's.
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

export interface ChromiumChoice {
  path: string;
  /** Where it came from, for messages. */
  source: string;
}

/** LIQSCAN_CHROMIUM, else `chromium` or `chromium-browser` on PATH, else the @sparticuz/chromium build (unpacked if needed). */
export function chromiumPath(): ChromiumChoice {
  const fromEnv = process.env.LIQSCAN_CHROMIUM;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`LIQSCAN_CHROMIUM=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: "LIQSCAN_CHROMIUM" };
  }
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const candidate = join(dir, name);
      if (dir && isExecutable(candidate)) return { path: candidate, source: "PATH" };
    }
  }
  return { path: bundledChromium(), source: "the @sparticuz/chromium devDependency" };
}

/**
 * The Chromium inside @sparticuz/chromium, unpacked (about 200 MB, a few seconds) on first use into
 * `<tmpdir>/liqscan-chromium-<version>-<uid>`. The package itself unpacks into its TMPDIR: it runs
 * in a child process whose TMPDIR is a fresh directory, renamed into place once complete, so that
 * test files launching at the same time, or a run interrupted while unpacking, never leave a
 * partial browser where a later run would take it.
 */
export function bundledChromium(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve("@sparticuz/chromium");
  } catch {
    throw new Error("the devDependency @sparticuz/chromium is not installed: run `npm ci`, or set LIQSCAN_CHROMIUM to a Chromium or Chrome executable");
  }
  const root = dirname(dirname(dirname(entry))); // <root>/build/cjs/index.cjs
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const uid = process.getuid?.() ?? "user";
  const dir = join(tmpdir(), `liqscan-chromium-${version}-${uid}`);
  const executable = join(dir, "chromium");
  if (existsSync(dir)) {
    if (typeof uid === "number" && statSync(dir).uid !== uid) {
      throw new Error(`${dir} belongs to another user: remove it, or set LIQSCAN_CHROMIUM`);
    }
    if (isExecutable(executable)) return executable;
    rmSync(dir, { recursive: true, force: true });
  }
  const partial = mkdtempSync(`${dir}.partial-`);
  try {
    const unpacked = execFileSync(
      process.execPath,
      ["-e", "require(process.argv[1]).executablePath().then((p) => console.log(p))", entry],
      { env: { ...process.env, TMPDIR: partial }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 },
    ).trim();
    if (unpacked !== join(partial, "chromium")) throw new Error(`@sparticuz/chromium unpacked its browser to ${unpacked}, not ${partial}`);
    try {
      renameSync(partial, dir);
    } catch (e) {
      // Another process renamed its copy into place first: use that one.
      if (!isExecutable(executable)) throw e;
    }
  } catch (e) {
    throw new Error(`could not unpack the Chromium of @sparticuz/chromium ${version} into ${dir}: ${(e as Error).message}`);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return executable;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Launches the chosen Chromium headless; throws saying which browser failed and how to choose another. */
export async function launchChromium(options: { env?: NodeJS.ProcessEnv } = {}): Promise<Browser> {
  const { path, source } = chromiumPath();
  try {
    return await chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS, env: options.env });
  } catch (e) {
    throw new Error(
      `Chromium (${path}, from ${source}) did not launch, and the browser tests need it; ` +
        `set LIQSCAN_CHROMIUM to another Chromium or Chrome executable. ${(e as Error).message}`,
    );
  }
}
