/**
 * The `liqscan` command line, end to end: `node dist/cli/main.js ...` as a child process (run
 * `npm run build` first). The example book of shared/spec/model.md with every number of its
 * expected table, in JSON and CSV form and on both engines; the table output; every error path
 * (exit code 2, message on stderr naming the file, record and field, nothing on stdout);
 * generate -> scan round trips; demo; help and version.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liqscan, MAIN } from "./support/run-cli.js";

const FIXTURES = "test/fixtures/cli";
const EXAMPLE = `${FIXTURES}/example.json`;
const EXAMPLE_CSV = `${FIXTURES}/example-csv`;

/** A successful run's stdout, parsed as exactly one JSON value. */
async function json(...args: string[]): Promise<unknown> {
  const r = await liqscan(...args);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** An input or usage error: exit 2, nothing on stdout, one `liqscan: ...` line on stderr. */
async function failure(...args: string[]): Promise<string> {
  const r = await liqscan(...args);
  expect(r.stdout).toBe("");
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^liqscan: [^\n]+\n$/);
  return r.stderr;
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` before the tests`);
});

// The expected results of the example book (shared/spec/model.md, "Expected results").
const EXPECTED_SCAN = {
  accounts: [
    { id: "alice", status: "ok", equity: "1500.250000", maintenance: "173.334754", marginRatio: "0.115537" },
    {
      id: "bob", status: "liquidatable", equity: "19.950000", maintenance: "34.666951", marginRatio: "1.737691",
      penalty: "11.493434", liquidatorReward: "5.746717", insuranceFund: "5.746717", badDebt: "0.000000", returned: "0.000000",
    },
    {
      id: "carol", status: "liquidatable", equity: "-949.900000", maintenance: "69.333902", marginRatio: null,
      penalty: "0.000000", liquidatorReward: "0.000000", insuranceFund: "0.000000", badDebt: "983.713261", returned: "0.000000",
    },
    {
      id: "dave", status: "liquidatable", equity: "49.150000", maintenance: "79.689164", marginRatio: "1.621346",
      penalty: "47.034233", liquidatorReward: "23.517116", insuranceFund: "23.517117", badDebt: "0.000000", returned: "0.000000",
    },
    {
      id: "erin", status: "liquidatable", equity: "150.000000", maintenance: "250.219500", marginRatio: "1.668130",
      penalty: "81.606000", liquidatorReward: "40.803000", insuranceFund: "40.803000", badDebt: "0.000000", returned: "68.394000",
    },
  ],
  totals: {
    liquidatable: 4,
    overflow: 0,
    penalty: "140.133667",
    liquidatorReward: "70.066833",
    insuranceFund: "70.066834",
    badDebt: "983.713261",
    notional: "75454.050000",
  },
};

const EXPECTED_PRICES = {
  positions: [
    { account: "alice", market: "BTC-PERP", size: "0.50000000", liquidationPrice: "62332.43" },
    { account: "bob", market: "BTC-PERP", size: "-0.10000000", liquidationPrice: "64854.12" },
    { account: "carol", market: "BTC-PERP", size: "0.20000000", liquidationPrice: "70123.99" },
    { account: "dave", market: "BTC-PERP", size: "0.05000000", liquidationPrice: "65614.55" },
    { account: "dave", market: "ETH-PERP", size: "-3.500", liquidationPrice: "3391.59" },
    { account: "erin", market: "ETH-PERP", size: "12.000", liquidationPrice: "3408.65" },
  ],
};

describe("scan and liq-price on the example book of the spec", () => {
  for (const engine of ["wasm", "reference"]) {
    for (const [form, book] of [["JSON", EXAMPLE], ["CSV", EXAMPLE_CSV]] as const) {
      it(`scan --all --json: ${form} book, ${engine} engine, exactly the expected table`, async () => {
        expect(await json("scan", book, "--all", "--json", "--engine", engine)).toStrictEqual(EXPECTED_SCAN);
      });
      it(`liq-price --json: ${form} book, ${engine} engine, exactly the six expected prices`, async () => {
        expect(await json("liq-price", book, "--json", "--engine", engine)).toStrictEqual(EXPECTED_PRICES);
      });
    }
  }

  it("scan --json without --all lists only the liquidatable accounts, with the same totals", async () => {
    const r = (await json("scan", "--json", EXAMPLE)) as typeof EXPECTED_SCAN;
    expect(r).toStrictEqual({ accounts: EXPECTED_SCAN.accounts.slice(1), totals: EXPECTED_SCAN.totals });
  });

  it("JSON keys come in the documented order", async () => {
    const r = (await json("scan", "--all", "--json", EXAMPLE)) as typeof EXPECTED_SCAN;
    expect(Object.keys(r)).toEqual(["accounts", "totals"]);
    expect(Object.keys(r.accounts[1]!)).toEqual(["id", "status", "equity", "maintenance", "marginRatio", "penalty", "liquidatorReward", "insuranceFund", "badDebt", "returned"]);
    expect(Object.keys(r.totals)).toEqual(["liquidatable", "overflow", "penalty", "liquidatorReward", "insuranceFund", "badDebt", "notional"]);
  });

  it("the default output is an aligned table with the ids, the amounts and the totals", async () => {
    const r = await liqscan("scan", "--all", EXAMPLE);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^account\s+status\s+equity\s+maintenance\s+marginRatio\s+penalty\s+liquidatorReward\s+insuranceFund\s+badDebt\s+returned$/);
    for (const a of EXPECTED_SCAN.accounts) {
      const line = lines.find((l) => l.startsWith(a.id + " "));
      expect(line, a.id).toBeDefined();
      expect(line).toContain(a.status);
      expect(line).toContain(a.equity);
      expect(line).toContain(a.maintenance);
      expect(line).toContain(a.marginRatio ?? "none");
      if ("penalty" in a) for (const v of [a.penalty, a.liquidatorReward, a.insuranceFund, a.badDebt, a.returned]) expect(line).toContain(v);
    }
    // amounts are right-aligned: every equity ends in the same column
    const ends = EXPECTED_SCAN.accounts.map((a) => {
      const line = lines.find((l) => l.startsWith(a.id + " "))!;
      return line.indexOf(a.equity) + a.equity.length;
    });
    expect(new Set(ends).size).toBe(1);
    for (const [k, v] of [["liquidatable", "4"], ["penalty", "140.133667"], ["liquidatorReward", "70.066833"], ["insuranceFund", "70.066834"], ["badDebt", "983.713261"]]) {
      expect(r.stdout).toMatch(new RegExp(`\\n\\s*${k}\\s+${v.replace(".", "\\.")}\\n`));
    }
  });

  it("without --all the table leaves out the accounts that are ok", async () => {
    const r = await liqscan("scan", EXAMPLE_CSV);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^alice /m);
    expect(r.stdout).toMatch(/^carol\s+liquidatable\s+-949\.900000\s+69\.333902\s+none\s/m);
  });

  it("liq-price prints a table of every position", async () => {
    const r = await liqscan("liq-price", EXAMPLE, "--engine", "reference");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    for (const p of EXPECTED_PRICES.positions) {
      expect(r.stdout).toMatch(new RegExp(`^${p.account}\\s+${p.market}\\s+${p.size.replace(".", "\\.")}\\s+\\S+\\s+${p.liquidationPrice.replace(".", "\\.")}$`, "m"));
    }
  });
});

describe("overflow accounts", () => {
  for (const engine of ["wasm", "reference"]) {
    it(`are reported with null amounts and counted in the totals (${engine} engine)`, async () => {
      expect(await json("scan", `${FIXTURES}/overflow.json`, "--all", "--json", "--engine", engine)).toStrictEqual({
        accounts: [
          { id: "whale", status: "overflow", equity: null, maintenance: null, marginRatio: null },
          { id: "flat", status: "ok", equity: "10.000000", maintenance: "0.000000", marginRatio: "0.000000" },
          {
            id: "bob", status: "liquidatable", equity: "19.950000", maintenance: "65.000500", marginRatio: "3.258170",
            penalty: "19.950000", liquidatorReward: "9.975000", insuranceFund: "9.975000", badDebt: "0.000000", returned: "0.000000",
          },
        ],
        totals: { liquidatable: 1, overflow: 1, penalty: "19.950000", liquidatorReward: "9.975000", insuranceFund: "9.975000", badDebt: "0.000000", notional: "6500.050000" },
      });
    });
  }

  it("show as a row with the status and no amounts in the table", async () => {
    const r = await liqscan("scan", "--all", `${FIXTURES}/overflow.json`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^whale\s+overflow\n/m);
    expect(r.stdout).toMatch(/\n\s+overflow\s+1\n/);
  });
});

describe("errors: exit code 2, a message naming the file, record and field, nothing on stdout", () => {
  const cases: [string, string[], RegExp][] = [
    ["a decimal with too many decimals", ["scan", `${FIXTURES}/bad-decimal.json`],
      /bad-decimal\.json: account "bob" position 1: field "size": "-0\.123456789" has more decimals than/],
    ["an unknown market", ["scan", `${FIXTURES}/unknown-market.json`],
      /unknown-market\.json: account "erin" position 1: field "market": "SOL-PERP" is not a market/],
    ["a duplicate account id", ["scan", `${FIXTURES}/duplicate-id.json`],
      /duplicate-id\.json: account "bob": field "id": duplicate account id "bob"/],
    ["a missing field", ["scan", `${FIXTURES}/missing-field.json`],
      /missing-field\.json: account "dave": field "collateral": missing/],
    ["invalid JSON", ["liq-price", `${FIXTURES}/invalid.json`],
      /invalid\.json: invalid JSON at line 22 column 5/],
    ["a bad CSV line", ["scan", `${FIXTURES}/bad-csv`],
      /bad-csv[\\/]positions\.csv line 4: field "size": "0\.2x" is not a decimal number/],
    ["a CSV book without positions.csv", ["scan", `${FIXTURES}/incomplete-csv`],
      /incomplete-csv[\\/]positions\.csv: no such file or directory/],
    ["a missing file", ["scan", `${FIXTURES}/no-such-book.json`],
      /no-such-book\.json: no such file or directory/],
    ["a CSV file instead of its directory", ["scan", `${EXAMPLE_CSV}/accounts.csv`],
      /accounts\.csv: a CSV book is a directory holding markets\.json, accounts\.csv and positions\.csv/],
    ["an unknown command", ["frobnicate", EXAMPLE], /unknown command "frobnicate"/],
    ["an unknown option", ["scan", "--fast", EXAMPLE], /scan: unknown option '--fast'/],
    ["a missing BOOK", ["scan"], /scan: missing BOOK/],
    ["a missing BOOK for liq-price", ["liq-price", "--json"], /liq-price: missing BOOK/],
    ["an extra argument", ["scan", EXAMPLE, EXAMPLE_CSV], /scan: unexpected argument/],
    ["an unknown engine", ["scan", EXAMPLE, "--engine", "gpu"], /--engine: "gpu" is not an engine/],
    ["an option without its value", ["scan", EXAMPLE, "--engine"], /scan: option '--engine <value>' argument missing/],
    ["generate without --out", ["generate", "--accounts", "10"], /generate: missing --out/],
    ["generate without --accounts", ["generate", "--out", "x.json"], /generate: missing --accounts/],
    ["generate with a bad count", ["generate", "--accounts", "ten", "--out", "x.json"], /--accounts: "ten" is not a whole number/],
    ["generate to a path of unknown format", ["generate", "--accounts", "10", "--out", "book.txt"], /book\.txt: cannot tell the format/],
    ["generate with an unknown format", ["generate", "--accounts", "10", "--out", "book.json", "--format", "xml"], /--format: "xml" is not a format/],
    ["demo with a negative count", ["demo", "--accounts=-5"], /--accounts: "-5" is not a whole number/],
    ["demo with a dash value", ["demo", "--accounts", "-5"], /demo: option '--accounts' argument is ambiguous/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      expect(await failure(...args)).toMatch(message);
    });
  }

  it("a file that is not UTF-8", async () => {
    const dir = mkdtempSync(join(tmpdir(), "liqscan-cli-"));
    try {
      const path = join(dir, "latin1.json");
      writeFileSync(path, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
      expect(await failure("scan", path)).toMatch(/latin1\.json: is not UTF-8 text/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("running without a command prints the usage on stderr and exits with 2", async () => {
    const r = await liqscan();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Usage: liqscan COMMAND/);
  });
});

describe("generate, then scan", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "liqscan-cli-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the same book as JSON and as CSV, and both scan alike on both engines", async () => {
    const jsonBook = join(dir, "book.json");
    const csvBook = join(dir, "book-csv");
    const g1 = await liqscan("generate", "--accounts", "400", "--seed", "11", "--out", jsonBook);
    expect(g1.code).toBe(0);
    expect(g1.stderr).toBe("");
    expect(g1.stdout).toMatch(/^wrote 400 accounts and \d+ positions over 8 markets \(seed 11\) to .*book\.json \(json\)/);
    const g2 = await liqscan("generate", "--accounts", "400", "--seed", "11", "--out", csvBook);
    expect(g2.code).toBe(0);
    expect(g2.stdout).toMatch(/\(csv\)/);
    expect(readdirSync(csvBook).sort()).toEqual(["accounts.csv", "markets.json", "positions.csv"]);

    const a = (await json("scan", jsonBook, "--all", "--json")) as typeof EXPECTED_SCAN;
    expect(a.accounts).toHaveLength(400);
    expect(a.totals.liquidatable).toBe(a.accounts.filter((x) => x.status === "liquidatable").length);
    expect(await json("scan", csvBook, "--all", "--json")).toStrictEqual(a);
    expect(await json("scan", csvBook, "--all", "--json", "--engine", "reference")).toStrictEqual(a);

    const p = await json("liq-price", jsonBook, "--json", "--engine", "reference");
    expect((p as typeof EXPECTED_PRICES).positions.some((x) => x.liquidationPrice !== null)).toBe(true);
    expect(await json("liq-price", csvBook, "--json", "--engine", "reference")).toStrictEqual(p);
    expect(await json("liq-price", csvBook, "--json")).toStrictEqual(p);
  });

  it("is deterministic for a seed, and differs between seeds", async () => {
    const paths = ["s5a.json", "s5b.json", "s6.json"].map((f) => join(dir, f));
    await liqscan("generate", "--accounts", "50", "--seed", "5", "--out", paths[0]!);
    await liqscan("generate", "--accounts", "50", "--seed", "5", "--out", paths[1]!);
    await liqscan("generate", "--accounts", "50", "--seed", "6", "--out", paths[2]!);
    const [a, b, c] = paths.map((p) => readFileSync(p, "utf8"));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("--format csv writes a directory whatever its name; an existing directory gets CSV", async () => {
    const named = join(dir, "looks.json.d");
    expect((await liqscan("generate", "--accounts", "20", "--out", named, "--format", "csv")).code).toBe(0);
    expect(readdirSync(named).sort()).toEqual(["accounts.csv", "markets.json", "positions.csv"]);
    expect((await liqscan("generate", "--accounts", "20", "--out", named)).stdout).toMatch(/\(csv\)/);
    expect(await failure("generate", "--accounts", "20", "--out", named, "--format", "json")).toMatch(/is a directory/);
  });

  it("a CSV book edited by hand reports the file and line of a bad row", async () => {
    const book = join(dir, "edited");
    cpSync(EXAMPLE_CSV, book, { recursive: true });
    writeFileSync(join(book, "accounts.csv"), "id,collateral\nalice,1000\nbob,12.0000001\n");
    expect(await failure("scan", book)).toMatch(/edited[\\/]accounts\.csv line 3: field "collateral": "12\.0000001" has more decimals/);
  });
});

describe("demo, help, version", () => {
  it("demo --accounts 2000 prints the book, the top accounts, the totals and the throughput", async () => {
    const r = await liqscan("demo", "--accounts", "2000");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(""); // progress only on a terminal
    expect(r.stdout).toMatch(/^book: 2000 accounts, \d+ positions, 8 markets/);
    expect(r.stdout).toMatch(/\ntotals\n\s+accounts\s+2000\n\s+liquidatable\s+\d+\n/);
    expect(r.stdout).toMatch(/\n\s+penalty\s+\d+\.\d{6}\n/);
    expect(r.stdout).toMatch(/\nthroughput: [\d.]+ [kMG]? ?positions\/s, .*median full scan .* of 5\)\n/);
    expect(r.stdout).toMatch(/\nprice tick: BTC-PERP moves, rescan in .* \(median of 5\)\n$/);
  });

  it("demo's top table is sorted by penalty + badDebt", async () => {
    const r = await liqscan("demo", "--accounts", "3000", "--runs", "1", "--engine", "reference");
    expect(r.code).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => /^acct-\d+\s+liquidatable/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(10);
    const loss = rows.map((l) => {
      const cells = l.trim().split(/\s+/);
      // account status equity maintenance marginRatio penalty reward insurance badDebt returned
      return Number(cells[5]) + Number(cells[8]);
    });
    for (let i = 1; i < loss.length; i++) expect(loss[i]!).toBeLessThanOrEqual(loss[i - 1]!);
  });

  it("--help, help COMMAND, COMMAND --help and --version", async () => {
    const top = await liqscan("--help");
    expect(top.code).toBe(0);
    for (const c of ["scan", "liq-price", "generate", "demo"]) expect(top.stdout).toContain(`  ${c} `);
    for (const c of ["scan", "liq-price", "generate", "demo"]) {
      const h = await liqscan(c, "--help");
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^Usage: liqscan ${c}`));
      expect((await liqscan("help", c)).stdout).toBe(h.stdout);
    }
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    const v = await liqscan("--version");
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(`liqscan ${pkg.version}\n`);
  });
});
