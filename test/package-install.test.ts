// The package as published: `npm pack`, installed from the tarball into a fresh project. The
// README's API example runs there as written; installing runs no build (no prepare or install
// scripts); and every source map either carries its sources or points at files the tarball ships.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAndInstall, type Installed } from "./support/packed.js";
import { expectPrinted, readmeBlock } from "./support/readme-example.js";

let installed: Installed;
beforeAll(() => {
  installed = packAndInstall();
});
afterAll(() => installed?.remove());

describe("the packed package, installed into a fresh project", () => {
  it("runs the README's API example and prints what its comments say", () => {
    const code = readmeBlock("<!-- example:api");
    writeFileSync(join(installed.app, "example.mjs"), code);
    const out = execFileSync(process.execPath, ["example.mjs"], { cwd: installed.app, encoding: "utf8" });
    expectPrinted(code, out, 4);
  });

  it("runs no build on install: the published package.json has no prepare or install scripts", () => {
    const pkg = JSON.parse(readFileSync(join(installed.pkg, "package.json"), "utf8"));
    const scripts = Object.keys(pkg.scripts ?? {});
    for (const hook of ["prepare", "preinstall", "install", "postinstall"]) expect(scripts, hook).not.toContain(hook);
    // What the consumer needs was built before packing.
    expect(existsSync(join(installed.pkg, "dist/bindings/index.js"))).toBe(true);
    expect(existsSync(join(installed.pkg, "dist/bindings/liqscan.wasm"))).toBe(true);
  });

  it("ships the sources of its source maps, inline or as files", () => {
    const maps = installed.files.filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(10);
    const shipped = new Set(installed.files);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(installed.pkg, file), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      map.sources.forEach((source, i) => {
        const inline = typeof map.sourcesContent?.[i] === "string";
        const path = relative(installed.pkg, join(installed.pkg, dirname(file), source));
        expect(inline || shipped.has(path), `${file}: source ${source}`).toBe(true);
      });
    }
  });
});
