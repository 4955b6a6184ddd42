// Lending books on the command line (cli/commands/aave.ts): liqscan scan, stress, map and cascade
// on an aave-v3 book print what the views compute, and refuse what does not apply, exit 2.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AaveScanner, formatHealthFactor } from "../../bindings/aave-v3.js";
import { parseAaveBook } from "../../book/venues/aave-book.js";
import { lendingCascade } from "../../views/aave-v3.js";
import { liquidationPrice } from "../../reference/venues/aave-v3.js";
import { liqscan } from "../support/run-cli.js";

const BOOK = "examples/aave-v3-book.json";
const book = parseAaveBook(readFileSync(BOOK, "utf8"));

describe("liqscan on a lending book", () => {
  it("scan: the liquidatable users with their exact health factor, best pair and profit; --json; --all", async () => {
    const scanner = await AaveScanner.load(book);
    const scan = scanner.scan();
    const best = scanner.opportunities(scan);
    const run = await liqscan("scan", BOOK);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^user +status +health factor +collateral +debt +best pair \(debt\/collateral\) +profit$/);
    expect(lines.filter((l) => /^\S+ +liquidatable /.test(l)).length).toBe(scan.liquidatable);
    const first = best.find((o) => o.best !== null)!;
    expect(run.stdout).toContain(formatHealthFactor(first.healthFactor));
    expect(run.stdout).toContain(`${first.best!.debtReserveId}/${first.best!.collateralReserveId}`);
    expect(run.stdout).toContain(`${scan.liquidatable} of ${book.users.length} users liquidatable (HF < 1, aave-v3 3.3 rules)`);
    const j = JSON.parse((await liqscan("scan", BOOK, "--json")).stdout);
    expect(j.totals).toEqual({ users: book.users.length, liquidatable: scan.liquidatable, overflow: scan.overflow });
    const u = j.users.find((x: { id: string }) => x.id === first.user);
    expect(u.healthFactor).toBe(first.healthFactor.toString());
    expect(u.best.profitBase).toBe(first.best!.profitBase.toString());
    expect(JSON.parse((await liqscan("scan", BOOK, "--all", "--json")).stdout).users.length).toBe(book.users.length);
  });

  it("stress, map and cascade", async () => {
    const stress = await liqscan("stress", BOOK, "--market", "WETH", "--shocks=-30,0,10");
    expect(stress.code).toBe(0);
    expect(stress.stdout).toMatch(/^WETH:\n *shock +liquidatable +collateral +debt\n/);
    expect(stress.stdout).toMatch(/\n *-30 % +\d+ /);
    const map = await liqscan("map", BOOK, "--market", "WETH", "--buckets", "4", "--json");
    expect(map.code).toBe(0);
    expect(JSON.parse(map.stdout).buckets).toHaveLength(4);
    const cascade = await liqscan("cascade", BOOK, "--market", "WETH", "--shock=-15", "--depth", "50000000", "--json");
    expect(cascade.code).toBe(0);
    const want = lendingCascade(await AaveScanner.load(book), { reserve: "WETH", shockPpm: -150_000n, depthBase: 50_000_000n * 10n ** 8n });
    expect(JSON.parse(cascade.stdout)).toEqual(JSON.parse(JSON.stringify(want, (_, x) => (typeof x === "bigint" ? x.toString() : x))));
  });

  it("liq-price: every reserve of every user, the reference's boundary price", async () => {
    const run = await liqscan("liq-price", BOOK, "--json");
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout).users as { user: string; reserve: string; liquidationPrice: string | null }[];
    expect(rows.length).toBe(book.users.reduce((n, u) => n + u.reserves.length, 0));
    for (const r of rows.slice(0, 12)) {
      const a = book.users.findIndex((u) => u.id === r.user), k = book.reserves.findIndex((x) => x.id === r.reserve);
      expect(r.liquidationPrice, `${r.user} ${r.reserve}`).toBe(liquidationPrice(book, book.users[a]!, k)?.toString() ?? null);
    }
    expect((await liqscan("liq-price", BOOK)).stdout).toMatch(/^user +reserve +role +price +liquidationPrice\n/);
  });

  it("refuses what does not apply to a lending book, exit 2", async () => {
    for (const [args, message] of [
      [["scan", BOOK, "--engine", "reference"], "liqscan: scan: --engine is not an option for a lending book (aave-v3; see docs/venues/aave-v3.md)\n"],
      [["map", BOOK, "--market", "BTC"], `liqscan: map: --market "BTC" is not a reserve of the book (${book.reserves.map((r) => r.id).join(", ")})\n`],
      [["cascade", BOOK, "--market", "WETH", "--shock=-10"], "liqscan: cascade: a lending book needs --depth USD, the sale of the reserve that moves its price by 100 %\n"],
      [["cascade", BOOK, "--market", "WETH", "--shock=-10", "--depth=-5"], 'liqscan: --depth: "-5" must be positive\n'],
      [["cascade", "examples/spec-example.json", "--shock=-10", "--depth", "5"], "liqscan: cascade: --depth is for lending books (aave-v3); a perp market's depth is its impact.depth\n"],
    ] as const) {
      const r = await liqscan(...args);
      expect(r.stderr).toBe(message);
      expect(r.code).toBe(2);
    }
  });
});
