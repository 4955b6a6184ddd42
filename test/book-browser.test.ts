import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dir = new URL("../book/", import.meta.url);
/** The package's runtime dependencies (apache-arrow, parquet-wasm): book/ may import them too. */
const dependencies = Object.keys((JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {});
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("book/ runs in browsers", () => {
  it.each(files)("%s uses no Node built-ins", (file) => {
    const src = readFileSync(new URL(file, dir), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(src).not.toMatch(/from\s+["'](node:|fs|path|os|crypto|buffer|util|stream)["'/]/);
    expect(src).not.toMatch(/\brequire\s*\(/);
    expect(src).not.toMatch(/\b(Buffer|process|__dirname|__filename|setImmediate)\b/);
    // imports stay inside book/, or name a declared runtime dependency
    for (const m of src.matchAll(/(?:from\s+|import\s*\(\s*)["']([^"']+)["']/g)) {
      if (!dependencies.includes(m[1]!)) expect(m[1]).toMatch(/^\.\/[\w-]+\.js$/);
    }
  });

  it("has every module exported from index.ts, or from tables.ts (the liqscan/tables entry, which imports apache-arrow)", () => {
    const index = readFileSync(new URL("index.ts", dir), "utf8") + readFileSync(new URL("tables.ts", dir), "utf8");
    for (const f of files) if (f !== "index.ts" && f !== "tables.ts") expect(index).toContain(`"./${f.replace(/\.ts$/, ".js")}"`);
    // the main entry stays free of the table libraries
    expect(readFileSync(new URL("index.ts", dir), "utf8")).not.toMatch(/arrow\.js|parquet\.js/);
  });
});
