// views/ runs wherever the bindings run (browsers included): no Node built-ins, and it reaches the
// engines only through the LiveBook interface (a type import), so both engines share one
// implementation of every view.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dir = new URL("../views/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("views/", () => {
  it.each(files)("%s uses no Node built-ins and no engine internals", (file) => {
    const src = readFileSync(new URL(file, dir), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(src).not.toMatch(/from\s+["'](node:|fs|path|os|crypto|buffer|util|stream)["'/]/);
    expect(src).not.toMatch(/\b(require\s*\(|Buffer|process|__dirname)\b/);
    for (const m of src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gm)) {
      const [, typeOnly, path] = m;
      // A lending book's views (aave-v3.ts) reach its scanner and book the same way, as types.
      if (["../bindings/types.js", "../bindings/aave-v3.js", "../book/venues/aave-book.js"].includes(path!)) expect(typeOnly, `${file}: ${path} is imported as a type only`).toBeDefined();
      // The reference's formulas, exact helpers and venue rules: browser-safe BigInt code.
      else expect(path).toMatch(/^(\.\/[\w-]+\.js|\.\.\/reference\/(position|shock|arith|venues\/index|venues\/aave-v3)\.js)$/);
    }
  });

  it("has every module exported from index.ts, and index.ts from the package", () => {
    const index = readFileSync(new URL("index.ts", dir), "utf8");
    for (const f of files) if (f !== "index.ts") expect(index).toContain(`"./${f.replace(/\.ts$/, ".js")}"`);
    expect(readFileSync("bindings/index.ts", "utf8")).toContain('export * from "../views/index.js";');
  });
});
