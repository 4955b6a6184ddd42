/**
 * The package as npm publishes it: `npm pack` of the built package (scripts are not run: `npm
 * test` has just built dist/), installed from the tarball into a fresh project, preferring npm's
 * cache (the package's runtime dependencies, apache-arrow and parquet-wasm with theirs, come from
 * the registry where the cache lacks them). Packed and installed once per test file that asks.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Installed {
  /** The fresh project's folder: `import "liqscan"` there resolves to the installed package. */
  readonly app: string;
  /** node_modules/liqscan in it: exactly the tarball's files. */
  readonly pkg: string;
  /** The tarball's files, as `npm pack` lists them. */
  readonly files: readonly string[];
  /** Remove the project and the tarball. */
  remove(): void;
}

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });

/** Pack this package and install the tarball into a new project in a temporary folder. */
export function packAndInstall(): Installed {
  const dir = mkdtempSync(join(tmpdir(), "liqscan-packed-"));
  const [packed] = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", dir], process.cwd())) as { filename: string; files: { path: string }[] }[];
  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "liqscan-consumer", private: true, type: "module" }));
  npm(["install", "--prefer-offline", join(dir, packed!.filename)], app);
  return {
    app,
    pkg: join(app, "node_modules", "liqscan"),
    files: packed!.files.map((f) => f.path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
