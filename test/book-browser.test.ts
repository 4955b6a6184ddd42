import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dir = new URL("../book/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("book/ runs in browsers", () => {
  it.each(files)("%s uses no Node built-ins", (file) => {
    const src = readFileSync(new URL(file, dir), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(src).not.toMatch(/from\s+["'](node:|fs|path|os|crypto|buffer|util|stream)["'/]/);
    expect(src).not.toMatch(/\brequire\s*\(/);
    expect(src).not.toMatch(/\b(Buffer|process|__dirname|__filename|setImmediate)\b/);
    // imports stay inside book/
    for (const m of src.matchAll(/from\s+["']([^"']+)["']/g)) expect(m[1]).toMatch(/^\.\/[\w-]+\.js$/);
  });

  it("has every module exported from index.ts", () => {
    const index = readFileSync(new URL("index.ts", dir), "utf8");
    for (const f of files) if (f !== "index.ts") expect(index).toContain(`"./${f.replace(/\.ts$/, ".js")}"`);
  });
});
