// The README's API example must run as written against the built package, and print what the
// README says it prints.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

function block(marker: string): string {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf(marker);
  expect(start, `README marker ${marker}`).toBeGreaterThan(-1);
  const match = /```js\n([\s\S]*?)```/.exec(readme.slice(start));
  return match![1]!;
}

describe("README", () => {
  it("API example runs and prints what its comments say", () => {
    const code = block("<!-- example:api");
    mkdirSync("build", { recursive: true });
    // Inside the package, `import "liqscan"` resolves to dist/ through package.json "exports".
    writeFileSync("build/readme-example.mjs", code);
    const out = execFileSync(process.execPath, ["build/readme-example.mjs"], { encoding: "utf8" });
    // Every `// value` comment after a console.log must appear in the output, in order.
    // A comment on its own line documents the line printed before it; " ..." elides the rest,
    // and a parenthesis is commentary.
    const expected = [...code.matchAll(/^.*console\.log\(.*\);(?: \/\/ (.*))?\n(?:\/\/ (\{.*))?/gm)]
      .map((m) => (m[1] ?? m[2] ?? "").replace(/ \.\.\.$/, "").replace(/ \(.*\)$/, "").trim())
      .filter((e) => e !== "");
    expect(expected.length).toBe(4);
    let at = 0;
    for (const e of expected) {
      const found = out.indexOf(e, at);
      expect(found, `README promises ${e}\n--- output ---\n${out}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
  });
});
