// The README's API example must run as written against the built package, and print what the
// README says it prints (test/package-install.test.ts runs it again from the packed tarball).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { describe, it } from "vitest";
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
});
