// The API example of docs/risk-views.md must run as written against the built package and print
// what its comments say. Run `npm run build` first.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("docs/risk-views.md", () => {
  it("the API example runs and prints what its comments say", () => {
    const doc = readFileSync("docs/risk-views.md", "utf8");
    const start = doc.indexOf("<!-- example:views");
    expect(start).toBeGreaterThan(-1);
    const code = /```js\n([\s\S]*?)```/.exec(doc.slice(start))![1]!;
    mkdirSync("build", { recursive: true });
    writeFileSync("build/views-example.mjs", code); // inside the package, "liqscan" resolves to dist/
    const out = execFileSync(process.execPath, ["build/views-example.mjs"], { encoding: "utf8" });
    // The comment after a console.log (or on the next line) is what it prints: " (...)" is
    // commentary and is dropped.
    const expected = [...code.matchAll(/console\.log\(.*\);(?: \/\/ ([^\n]*))?\n(?:\/\/ ([^\n]*))?/g)]
      .map((m) => (m[1] ?? m[2] ?? "").replace(/ \(.*\)$/, "").trim());
    expect(expected).toHaveLength(5);
    const lines = out.trimEnd().split("\n");
    // stress prints three lines, the others one each
    expect(lines).toHaveLength(7);
    expect([lines[0], lines[3], lines[4], lines[5], lines[6]]).toEqual(expected);
  });
});
