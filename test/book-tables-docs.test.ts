// The Arrow example of docs/book-format.md must run as written against the built package and print
// what its comments say. Run `npm run build` first.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("docs/book-format.md", () => {
  it("the Arrow tables example runs and prints what its comments say", () => {
    const doc = readFileSync("docs/book-format.md", "utf8");
    const start = doc.indexOf("<!-- example:tables");
    expect(start).toBeGreaterThan(-1);
    const code = /```js\n([\s\S]*?)```/.exec(doc.slice(start))![1]!;
    mkdirSync("build", { recursive: true });
    writeFileSync("build/tables-example.mjs", code); // inside the package, "liqscan" resolves to dist/
    const out = execFileSync(process.execPath, ["build/tables-example.mjs"], { encoding: "utf8" });
    const expected = [...code.matchAll(/console\.log\(.*\);?.*?\/\/ ([^\n]*)\n/g)].map((m) => m[1]!.trim());
    expect(expected).toEqual(["983.713261", "50000000 -10000000 20000000 5000000 -3500 12000", 'positions.arrow: field "size": is a floating-point column (Float64)']);
    expect(out.trimEnd().split("\n")).toEqual(expected);
  });
});
