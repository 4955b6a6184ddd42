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

  it("Collateral in several assets: the stress command prints the table the README shows", async () => {
    const readme = readFileSync("README.md", "utf8");
    const command = "$ npx liqscan stress examples/collateral-assets.json --shocks=-10,0,10 --asset ETH=-30\n";
    const start = readme.indexOf(command);
    expect(start).toBeGreaterThan(0);
    const shown = readme.slice(start + command.length, readme.indexOf("```", start));
    expect((await liqscan("stress", "examples/collateral-assets.json", "--shocks=-10,0,10", "--asset", "ETH=-30")).stdout).toBe(shown);
  });

  it("Live books: the example runs and prints what its comments say, line for line", () => {
    const code = readmeBlock("<!-- example:live");
    mkdirSync("build", { recursive: true });
    writeFileSync("build/readme-live-example.mjs", code);
    const out = execFileSync(process.execPath, ["build/readme-live-example.mjs"], { encoding: "utf8" });
    // The comments after console.log calls, and the comment lines after the loop that prints changes.
    const promised = [...code.matchAll(/console\.log\(.*\); \/\/ (.*?)(?: \(.*\))?$/gm)].map((m) => m[1]!);
    const loop = code.slice(code.indexOf("for (const c of book.scan().changes())"));
    const changes = [...loop.matchAll(/^\/\/ (\w+ \w+ -?\d+n)/gm)].map((m) => m[1]!);
    expect([promised.length, changes.length]).toEqual([3, 2]);
    expect(out.trim().split("\n")).toEqual([promised[0], promised[1], ...changes, promised[2]]);
  });

  it("Streaming: liqscan watch on the README's events prints the README's lines", async () => {
    const readme = readFileSync("README.md", "utf8");
    const events = /```ndjson\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("<!-- example:watch-events")))![1]!;
    const shown = /```sh\n\$ liqscan watch examples\/spec-example\.json --every 3 --pause 0 < events\.ndjson\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("<!-- example:watch-output")))![1]!;
    const out = execFileSync(process.execPath, ["dist/cli/main.js", "watch", "examples/spec-example.json", "--every", "3", "--pause", "0"], { input: events, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    expect(out).toBe(shown);
  });

  it("Streaming: the Python driver (examples/watch_driver.py) prints the README's lines", () => {
    const readme = readFileSync("README.md", "utf8");
    const shown = /```sh\n\$ python3 examples\/watch_driver\.py node dist\/cli\/main\.js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("<!-- example:watch-python")))![1]!;
    // python3 is part of the machine this project runs on (no package is needed); without it this fails, saying so.
    let out: string;
    try {
      out = execFileSync("python3", ["examples/watch_driver.py", process.execPath, "dist/cli/main.js"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      throw new Error(`running examples/watch_driver.py with python3 failed (is python3 on PATH?): ${(e as Error).message}`);
    }
    expect(out).toBe(shown);
  });
});
