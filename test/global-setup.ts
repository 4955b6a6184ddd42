// Builds the test-only core (wide-integer helpers exposed) once per run. The release core is
// built by `npm run build` (which `npm test` runs first), and the tests use it as shipped.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export default function setup(): void {
  if (!existsSync("bindings/liqscan.wasm")) {
    throw new Error("bindings/liqscan.wasm is missing: run `npm run build` first");
  }
  execFileSync(process.execPath, [
    "node_modules/assemblyscript/bin/asc.js", "assembly/testing.ts",
    "--outFile", "build/testing.wasm", "--textFile", "build/testing.wat", "-O3", "--runtime", "stub", "--noAssert",
  ], { stdio: "inherit" });
  // The whole core with test hooks (assembly/testing-book.ts), built as the release core is.
  execFileSync(process.execPath, [
    "node_modules/assemblyscript/bin/asc.js", "assembly/testing-book.ts", "--target", "release",
    "--outFile", "build/testing-book.wasm", "--textFile", "build/testing-book.wat",
  ], { stdio: "inherit" });
}
