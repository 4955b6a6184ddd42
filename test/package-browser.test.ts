// The package as published loads in browsers: its entry's import graph is plain relative ES
// modules with no Node built-in (the one exception is the file: URL branch of wasm-source.js,
// a dynamic import behind a variable that browsers never reach), every module has its types, and
// the core sits next to the module that fetches it. The browser itself is test/browser.test.ts.
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const entry: string = pkg.exports["."].default;

/** A module's code without its comments (doc comments show imports of "liqscan" as examples). */
function code(file: string): string {
  return readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Every module reachable from `start` by static or literal dynamic imports. */
function importGraph(start: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [start];
  while (queue.length) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const src = code(file);
    const specifiers = [...src.matchAll(/(?:^|[;\s])(?:import|export)\s[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm)]
      .map((m) => m[1] ?? m[2] ?? m[3]!);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith(".")) queue.push(join(dirname(file), s));
  }
  return graph;
}

describe("the published package in browsers", () => {
  const graph = importGraph(entry);

  it("reaches the whole API through relative ES module imports only", () => {
    expect(graph.size).toBeGreaterThan(10);
    for (const [file, specifiers] of graph) {
      for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(/^\.\.?\/[\w./-]+\.js$/);
    }
  });

  // The only Node built-ins named are on Node-only branches, imported through variables so that
  // bundlers leave them alone: wasm-source.js reading a file: URL, and the worker_threads side of
  // the parallel scans (threads.js, parallel-worker.js), which test their platform with
  // `typeof process` first. ("module" in threads.js is a Web Worker's { type: "module" }.)
  const NODE_BRANCHES: Record<string, readonly string[]> = {
    "wasm-source.js": ["node:fs/promises"],
    "threads.js": ["node:worker_threads", "node:os", "module"],
    "parallel-worker.js": ["node:worker_threads"],
  };

  it("names Node built-ins only on the Node branches of wasm-source.js and the worker threads", () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    for (const file of graph.keys()) {
      const src = code(file);
      const name = file.split("/").pop()!;
      const named = [...src.matchAll(/["'](node:[\w/]+|[\w/]+)["']/g)].map((m) => m[1]!).filter((s) => builtins.has(s));
      expect({ file: relative(".", file), named }).toEqual({ file: relative(".", file), named: NODE_BRANCHES[name] ?? [] });
      expect(src, file).not.toMatch(/\brequire\(|\bBuffer\b|__dirname/);
      // process is only ever tested for, never assumed.
      for (const use of src.matchAll(/\bprocess\.[\w?.]+/g)) expect(use[0], file).toBe("process.versions?.node");
    }
  });

  it("ships the types of every module and the core next to the loader", () => {
    expect(existsSync(pkg.exports["."].types)).toBe(true);
    for (const file of graph.keys()) expect(existsSync(file.replace(/\.js$/, ".d.ts")), file).toBe(true);
    const loader = [...graph.keys()].find((f) => f.endsWith("wasm-source.js"))!;
    expect(readFileSync(loader, "utf8")).toContain('new URL("./liqscan.wasm", import.meta.url)');
    expect(existsSync(join(dirname(loader), "liqscan.wasm"))).toBe(true);
    expect(pkg.files).toContain("dist");
  });
});
