// The README's API example must run as written against the built package, and print what the
// README says it prints (test/package-install.test.ts runs it again from the packed tarball).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { liqscan } from "./support/run-cli.js";
import { expectPrinted, readmeBlock } from "./support/readme-example.js";

describe("README", () => {
  it("API example runs and prints what its comments say", () => {
    const code = readmeBlock("<!-- example:api");
    mkdirSync("build", { recursive: true });
    // Inside the package, `import "liqscan"` resolves to dist/ through package.json "exports".
    writeFileSync("build/readme-example.mjs", code);
    const out = execFileSync(process.execPath, ["build/readme-example.mjs"], { encoding: "utf8" });
    expectPrinted(code, out, 4);
  });

  it("Venues: the two Hyperliquid commands on the recorded responses print the table the README shows", async () => {
    const readme = readFileSync("README.md", "utf8");
    const start = readme.indexOf("$ npx liqscan liq-price book.json\n");
    expect(start).toBeGreaterThan(0);
    const shown = readme.slice(start + "$ npx liqscan liq-price book.json\n".length, readme.indexOf("```", start));
    const dir = "test/fixtures/venues/hyperliquid/";
    const book = join(mkdtempSync(join(tmpdir(), "liqscan-readme-")), "book.json");
    const imported = await liqscan("import", "hyperliquid", "--meta", dir + "meta.json", "--state", `alice=${dir}alice.json`, "--state", `${dir}bob.json`, "--out", book);
    expect(imported.code).toBe(0);
    expect((await liqscan("liq-price", book)).stdout).toBe(shown);
  });
});
