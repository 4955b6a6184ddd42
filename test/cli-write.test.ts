/**
 * Writes by the command line are atomic (issue 9): a book is never half written under its real
 * name. The writer's file system is injected so that a write fails midway (as on a full disk).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateBook, parseBookCsv, parseBookJson } from "../book/index.js";
import { nodeFs, type WriteFs } from "../cli/atomic-write.js";
import { writeBook } from "../cli/commands/generate.js";
import { CliError } from "../cli/errors.js";

/** The real file system, except that the `failAt`-th write of all (1-based) fails with ENOSPC. */
function failingFs(failAt: number): WriteFs & { writes: number } {
  const fs = {
    writes: 0,
    ...nodeFs,
    async create(path: string) {
      const h = await nodeFs.create(path);
      return {
        write: async (chunk: string) => {
          if (++fs.writes === failAt) {
            await h.write(chunk.slice(0, chunk.length >> 1)); // half of it reaches the disk
            throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
          }
          return h.write(chunk);
        },
        close: () => h.close(),
      };
    },
  };
  return fs;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "liqscan-write-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every name under `d`, recursively. */
function names(d: string): string[] {
  return readdirSync(d, { recursive: true }).map(String).sort();
}

const small = generateBook({ accounts: 3000, seed: 7 });
const other = generateBook({ accounts: 50, seed: 8 });

describe("generate writes atomically", () => {
  it("JSON: a failed write leaves nothing under the name, and no temporary file", async () => {
    const out = join(dir, "book.json");
    const err = await writeBook(small, out, "json", undefined, failingFs(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe(`${out}: no space left on the device (nothing was written under this name)`);
    expect(names(dir)).toEqual([]);
  });

  it("JSON: a failed write over an older book leaves the older book intact", async () => {
    const out = join(dir, "book.json");
    await writeBook(other, out, "json");
    const before = readFileSync(out, "utf8");
    await expect(writeBook(small, out, "json", undefined, failingFs(1))).rejects.toThrow(/no space left/);
    expect(readFileSync(out, "utf8")).toBe(before);
    expect(names(dir)).toEqual(["book.json"]);
    expect(parseBookJson(before).accounts).toHaveLength(50);
  });

  it("CSV: a failure midway through positions.csv leaves no book file under its real name", async () => {
    const out = join(dir, "book");
    const fs = failingFs(2); // accounts.csv is one chunk (3000 rows); positions.csv's first chunk fails
    await expect(writeBook(small, out, "csv", undefined, fs)).rejects.toThrow(`${join(out, "positions.csv")}: no space left on the device`);
    expect(names(dir)).toEqual(["book"]);
    expect(names(out)).toEqual([]);
  });

  it("CSV: a failure over an older CSV book leaves its three files intact", async () => {
    const out = join(dir, "book");
    await writeBook(other, out, "csv");
    const read = () => ["markets.json", "accounts.csv", "positions.csv"].map((f) => readFileSync(join(out, f), "utf8"));
    const before = read();
    for (const failAt of [1, 2, 3]) {
      await expect(writeBook(small, out, "csv", undefined, failingFs(failAt))).rejects.toThrow(/no space left/);
      expect(read()).toEqual(before);
      expect(names(out)).toEqual(["accounts.csv", "markets.json", "positions.csv"]);
    }
    expect(parseBookCsv(before[0]!, before[1]!, before[2]!).accountIds).toHaveLength(50);
  });

  it("success replaces the older book, with no temporary file left", async () => {
    const out = join(dir, "book");
    mkdirSync(out);
    writeFileSync(join(out, "accounts.csv"), "id,collateral\nold,1\n");
    await writeBook(small, out, "csv");
    expect(names(out)).toEqual(["accounts.csv", "markets.json", "positions.csv"]);
    const [m, a, p] = ["markets.json", "accounts.csv", "positions.csv"].map((f) => readFileSync(join(out, f), "utf8"));
    expect(parseBookCsv(m!, a!, p!).accountIds).toEqual(small.accountIds);
    await writeBook(small, join(dir, "b.json"), "json");
    expect(existsSync(join(dir, "b.json"))).toBe(true);
    expect(names(dir)).toEqual(["b.json", "book", "book/accounts.csv", "book/markets.json", "book/positions.csv"].sort());
  });
});
