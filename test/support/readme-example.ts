/** The README's runnable examples: a block after a marker, and what its comments promise it prints. */
import { readFileSync } from "node:fs";
import { expect } from "vitest";

/** The ```js block that follows `marker` in README.md. */
export function readmeBlock(marker: string): string {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf(marker);
  expect(start, `README marker ${marker}`).toBeGreaterThan(-1);
  const match = /```js\n([\s\S]*?)```/.exec(readme.slice(start));
  return match![1]!;
}

/**
 * Every `// value` comment after a console.log must appear in the output, in order. A comment on
 * its own line documents the line printed before it; " ..." elides the rest, and a parenthesis is
 * commentary.
 */
export function expectPrinted(code: string, out: string, count: number): void {
  const expected = [...code.matchAll(/^.*console\.log\(.*\);(?: \/\/ (.*))?\n(?:\/\/ (\{.*))?/gm)]
    .map((m) => (m[1] ?? m[2] ?? "").replace(/ \.\.\.$/, "").replace(/ \(.*\)$/, "").trim())
    .filter((e) => e !== "");
  expect(expected.length).toBe(count);
  let at = 0;
  for (const e of expected) {
    const found = out.indexOf(e, at);
    expect(found, `README promises ${e}\n--- output ---\n${out}`).toBeGreaterThanOrEqual(0);
    at = found;
  }
}
