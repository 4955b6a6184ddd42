/**
 * `liqscan stress | map | cascade` end to end (node dist/cli/main.js as a child process; run
 * `npm run build` first): hand-computed results in JSON on both engines and both book forms, the
 * tables and charts, and every error path (exit 2, one message naming the option, nothing on
 * stdout). The numbers are worked out in test/views-examples.test.ts.
 */
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { liqscan, MAIN } from "./support/run-cli.js";

const EXAMPLE = "test/fixtures/cli/example.json";
const EXAMPLE_CSV = "test/fixtures/cli/example-csv";
const CASCADE = "test/fixtures/views/cascade.json";

async function ok(...args: string[]): Promise<string> {
  const r = await liqscan(...args);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

async function json(...args: string[]): Promise<unknown> {
  return JSON.parse(await ok(...args));
}

/** A usage or input error: exit 2, nothing on stdout, exactly `liqscan: <message>` on stderr. */
async function failure(...args: string[]): Promise<string> {
  const r = await liqscan(...args);
  expect(r.stdout).toBe("");
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^liqscan: [^\n]+\n$/);
  return r.stderr.slice("liqscan: ".length, -1);
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` before the tests`);
});

const ENGINES = ["wasm", "reference"] as const;

describe("stress", () => {
  // At 0 % the totals are the spec's; at -10 % (BTC 58500.45, ETH 3060.22) the computed row is checked
  // against the API in views-differential; here the two engines and two forms must print the same.
  it("--json: the shock-0 row is the spec's totals; every engine and form prints the same", async () => {
    const outputs: string[] = [];
    for (const engine of ENGINES) {
      for (const book of [EXAMPLE, EXAMPLE_CSV]) outputs.push(await ok("stress", book, "--shocks=-10,0,10", "--json", "--engine", engine));
    }
    for (const o of outputs) expect(o).toBe(outputs[0]);
    const r = JSON.parse(outputs[0]!) as { market: null; shocks: Record<string, unknown>[] };
    expect(r.market).toBeNull();
    expect(r.shocks.map((s) => s.shock)).toEqual(["-0.100000", "0.000000", "0.100000"]);
    expect(r.shocks[1]).toStrictEqual({
      shock: "0.000000", marks: { "BTC-PERP": "65000.50", "ETH-PERP": "3400.25" }, liquidatable: 4, overflow: 0,
      notional: "75454.050000", penalty: "140.133667", liquidatorReward: "70.066833", insuranceFund: "70.066834", badDebt: "983.713261",
    });
    // floor(6_500_050 * 0.9) = 5_850_045; floor(340_025 * 0.9) = floor(306_022.5) = 306_022
    expect(r.shocks[0]!.marks).toStrictEqual({ "BTC-PERP": "58500.45", "ETH-PERP": "3060.22" });
  });

  it("the hand-computed cascade book: -10 % liquidates A only (equity 50 < 90)", async () => {
    const r = (await json("stress", CASCADE, "--shocks=-10", "--json")) as { shocks: Record<string, unknown>[] };
    // A at 90: notional 900, fee 9, slippage 81, closeEquity -31: penalty 0, bad debt 31
    expect(r.shocks[0]).toStrictEqual({
      shock: "-0.100000", marks: { X: "90.000000" }, liquidatable: 1, overflow: 0, notional: "900.000000",
      penalty: "0.000000", liquidatorReward: "0.000000", insuranceFund: "0.000000", badDebt: "31.000000",
    });
  });

  it("table: 101 shocks by default, a bar per non-zero notional; --market adds its mark", async () => {
    const lines = (await ok("stress", EXAMPLE)).trimEnd().split("\n");
    expect(lines[0]).toBe("shocks on every market (2)");
    expect(lines[2]).toMatch(/^shock +liquidatable +overflow +notional +penalty +liquidatorReward +insuranceFund +badDebt +notional to close$/);
    const rows = lines.slice(4);
    expect(rows).toHaveLength(101);
    expect(rows[0]).toMatch(/^ -50% /);
    expect(rows[50]).toMatch(/^ +0% +4 +0 +75454\.050000 +140\.133667 +70\.066833 +70\.066834 +983\.713261 +#+$/);
    expect(rows[100]).toMatch(/^ \+50% /);
    // the largest notional gets the full 30 characters
    expect(Math.max(...rows.map((r) => /#*$/.exec(r)![0].length))).toBe(30);
    const one = (await ok("stress", EXAMPLE, "--market", "ETH-PERP", "--from=-2", "--to=2", "--step=0.5")).split("\n");
    expect(one[0]).toBe("shocks on ETH-PERP (mark 3400.25)");
    expect(one[2]).toMatch(/^shock +ETH-PERP mark +liquidatable/);
    expect(one.slice(4, 13).map((l) => l.trim().split(/ +/).slice(0, 2))).toEqual([
      ["-2%", "3332.24"], ["-1.5%", "3349.24"], ["-1%", "3366.24"], ["-0.5%", "3383.24"], ["0%", "3400.25"],
      ["+0.5%", "3417.25"], ["+1%", "3434.25"], ["+1.5%", "3451.25"], ["+2%", "3468.25"],
    ]);
  });

  it("--beta repeated is the same as --beta with a list; a beta on the --market itself is allowed", async () => {
    const listed = await ok("stress", EXAMPLE, "--shocks=-10", "--beta", "ETH-PERP=2,BTC-PERP=0.5", "--json");
    expect(await ok("stress", EXAMPLE, "--shocks=-10", "--beta", "ETH-PERP=2", "--beta", "BTC-PERP=0.5", "--json")).toBe(listed);
    const r = (await json("stress", EXAMPLE, "--shocks=-10", "--market", "ETH-PERP", "--beta", "ETH-PERP=2", "--json")) as { shocks: { marks: Record<string, string> }[] };
    expect(r.shocks[0]!.marks["ETH-PERP"]).toBe("2720.20"); // floor(340025 * 0.8)
  });

  it("--beta scales a market's shock", async () => {
    const r = (await json("stress", EXAMPLE, "--shocks=-10", "--beta", "ETH-PERP=2", "--json")) as { shocks: { marks: object }[] };
    // ETH: floor(340_025 * 0.8) = 272_020
    expect(r.shocks[0]!.marks).toStrictEqual({ "BTC-PERP": "58500.45", "ETH-PERP": "2720.20" });
  });

  it("errors name the option", async () => {
    expect(await failure("stress")).toBe('stress: missing BOOK (a JSON book file or a CSV book directory; see "liqscan stress --help")');
    expect(await failure("stress", EXAMPLE, "--from", "-20")).toBe(`stress: option '--from' argument is ambiguous: a value that starts with "-" must be attached to its option: write --from=-20`);
    expect(await failure("stress", EXAMPLE, "--from=-150")).toBe("--from: -150 is below -100 (a price cannot fall below 0)");
    expect(await failure("stress", EXAMPLE, "--to=abc")).toMatch(/^--to: "abc" is not a decimal number/);
    expect(await failure("stress", EXAMPLE, "--step=0.00001")).toBe('--step: "0.00001" has more decimals than 4 (a percentage is converted to whole ppm)');
    expect(await failure("stress", EXAMPLE, "--step=0")).toBe("--step: 0 is not positive");
    expect(await failure("stress", EXAMPLE, "--from=10", "--to=5")).toBe("--to: +5% is below --from (+10%)");
    expect(await failure("stress", EXAMPLE, "--step=0.0001")).toBe("--step: the grid from -50% to +50% in steps of 0.0001% has 1000001 shocks; at most 100001 (use a larger --step or a narrower --from/--to)");
    // issue 9: the option given is named and the numbers are in percent, not ppm
    expect(await failure("stress", EXAMPLE, "--to=100000")).toBe("--to: the grid from -50% to +100000% in steps of 1% has 100051 shocks; at most 100001 (use a larger --step or a narrower --from/--to)");
    expect(await failure("stress", EXAMPLE, "--from=-100", "--to=1000", "--step=0.01")).toMatch(/^--from\/--to\/--step: the grid from -100% to \+1000% in steps of 0\.01% has 110001 shocks/);
    expect(await failure("stress", EXAMPLE, "--shocks=1,,2")).toBe('--shocks: "1,,2" has an empty item (write e.g. -20,-10,5)');
    expect(await failure("stress", EXAMPLE, "--shocks=1", "--from=0")).toBe("--shocks: give either a list of shocks or --from/--to/--step, not both");
    expect(await failure("stress", EXAMPLE, "--market", "SOL-PERP")).toBe('--market: "SOL-PERP" is not a market of the book (BTC-PERP, ETH-PERP)');
    expect(await failure("stress", EXAMPLE, "--beta", "ETH-PERP")).toBe('--beta: "ETH-PERP" is not MARKET=BETA (e.g. ETH-PERP=1.2)');
    expect(await failure("stress", EXAMPLE, "--beta", "ETH-PERP=1,ETH-PERP=2")).toBe("--beta: market ETH-PERP is given twice");
    // the repeated option follows the same rule as the list
    expect(await failure("stress", EXAMPLE, "--beta", "ETH-PERP=1", "--beta", "ETH-PERP=2")).toBe("--beta: market ETH-PERP is given twice");
    // a beta on a market the shock does not move would be ignored
    expect(await failure("stress", EXAMPLE, "--market", "BTC-PERP", "--beta", "ETH-PERP=2")).toBe(
      "--beta: ETH-PERP is not shocked (--market BTC-PERP moves that market only), so its beta would be ignored: drop it, or drop --market",
    );
    expect(await failure("cascade", EXAMPLE, "--shock=-5", "--market", "BTC-PERP", "--beta", "ETH-PERP=2")).toMatch(/^--beta: ETH-PERP is not shocked/);
    expect(await failure("stress", EXAMPLE, "--beta", "ETH-PERP=x")).toMatch(/^--beta: "x" is not a decimal number/);
    expect(await failure("stress", EXAMPLE, "--engine", "gpu")).toBe('--engine: "gpu" is not an engine (use "wasm" or "reference")');
    expect(await failure("stress", "test/fixtures/cli/missing-field.json")).toMatch(/^test\/fixtures\/cli\/missing-field\.json: /);
    expect(await failure("stress", "no-such-book.json")).toBe("no-such-book.json: no such file or directory");
  });
});

describe("map", () => {
  const BTC_MAP = {
    market: "BTC-PERP", markPrice: "65000.50", from: "60000.00", to: "72000.00",
    buckets: [
      { from: "60000.00", to: "63000.00", longNotional: "32500.250000", shortNotional: "0.000000", longPositions: 1, shortPositions: 0, cumulativeLong: "48750.375000", cumulativeShort: "0.000000" },
      { from: "63000.00", to: "66000.00", longNotional: "3250.025000", shortNotional: "6500.050000", longPositions: 1, shortPositions: 1, cumulativeLong: "16250.125000", cumulativeShort: "6500.050000" },
      { from: "66000.00", to: "69000.00", longNotional: "0.000000", shortNotional: "0.000000", longPositions: 0, shortPositions: 0, cumulativeLong: "13000.100000", cumulativeShort: "6500.050000" },
      { from: "69000.00", to: "72000.00", longNotional: "13000.100000", shortNotional: "0.000000", longPositions: 1, shortPositions: 0, cumulativeLong: "13000.100000", cumulativeShort: "6500.050000" },
    ],
    below: { longNotional: "0.000000", shortNotional: "0.000000", longPositions: 0, shortPositions: 0 },
    above: { longNotional: "0.000000", shortNotional: "0.000000", longPositions: 0, shortPositions: 0 },
    noPrice: { longNotional: "0.000000", shortNotional: "0.000000", longPositions: 0, shortPositions: 0 },
  };

  for (const engine of ENGINES) {
    for (const book of [EXAMPLE, EXAMPLE_CSV]) {
      it(`--json: the hand-computed BTC-PERP map (${engine}, ${book === EXAMPLE ? "JSON" : "CSV"})`, async () => {
        expect(await json("map", book, "--market", "BTC-PERP", "--from", "60000", "--to", "72000", "--buckets", "4", "--json", "--engine", engine)).toStrictEqual(BTC_MAP);
      });
    }
  }

  it("table: a row per bucket, bars of L and S, the mark's bucket pointed at, the outside lines", async () => {
    const lines = (await ok("map", EXAMPLE, "--market", "BTC-PERP", "--from", "60000", "--to", "72000", "--buckets", "4")).trimEnd().split("\n");
    expect(lines[0]).toBe("BTC-PERP liquidation map, mark 65000.50, 4 buckets from 60000.00 to 72000.00");
    expect(lines[2]).toMatch(/^ +from +to +longs +shorts +cumulativeLong +cumulativeShort +L longs  S shorts$/);
    // bucket 1: longs 3250.025 and shorts 6500.05 of a largest bucket of 32500.25 (40 characters):
    // round(9750.075 * 40 / 32500.25) = 12 characters, of which round(3250.025 * 40 / 32500.25) = 4 L
    expect(lines[4]).toMatch(/ L{40}$/);
    expect(lines[5]).toMatch(/^63000\.00 +66000\.00 +3250\.025000 +6500\.050000 .* LLLLSSSSSSSS  <- mark$/);
    expect(lines[6]).toMatch(/ 0\.000000 +13000\.100000 +6500\.050000$/);
    expect(lines[7]).toMatch(/ L{16}$/);
    expect(lines.slice(9)).toEqual([
      "outside the range (notional, positions)",
      "  below 60000.00               longs 0.000000 (0)  shorts 0.000000 (0)",
      "  at or above 72000.00         longs 0.000000 (0)  shorts 0.000000 (0)",
      "  no liquidation price         longs 0.000000 (0)  shorts 0.000000 (0)",
    ]);
  });

  it("defaults: the mark +-50 % in 20 buckets", async () => {
    const r = (await json("map", EXAMPLE, "--market", "ETH-PERP", "--json")) as { from: string; to: string; buckets: unknown[] };
    expect([r.from, r.to, r.buckets.length]).toEqual(["1700.12", "5100.38", 20]);
  });

  it("errors name the option", async () => {
    expect(await failure("map", EXAMPLE)).toBe('map: missing --market ID (see "liqscan map --help")');
    expect(await failure("map", "--market", "BTC-PERP")).toBe('map: missing BOOK (a JSON book file or a CSV book directory; see "liqscan map --help")');
    expect(await failure("map", EXAMPLE, "--market", "DOGE")).toBe('--market: "DOGE" is not a market of the book (BTC-PERP, ETH-PERP)');
    expect(await failure("map", EXAMPLE, "--market", "BTC-PERP", "--from", "60000.001")).toBe(`--from: "60000.001" has more decimals than the market's 2`);
    expect(await failure("map", EXAMPLE, "--market", "BTC-PERP", "--from=-1")).toBe('--from: "-1" is negative (prices are >= 0)');
    expect(await failure("map", EXAMPLE, "--market", "BTC-PERP", "--from", "70000", "--to", "60000")).toBe("--to: 6000000 is not above from (7000000)");
    expect(await failure("map", EXAMPLE, "--market", "BTC-PERP", "--from", "0", "--to", "0.05", "--buckets", "6")).toBe("--buckets: 6 buckets do not fit in 5 price units (each bucket holds at least one)");
    expect(await failure("map", EXAMPLE, "--market", "BTC-PERP", "--buckets", "0")).toBe("--buckets: 0 is outside [1, 1000000]");
    expect(await failure("map", EXAMPLE, "--market", "BTC-PERP", "--buckets", "many")).toBe('--buckets: "many" is not a whole number');
  });
});

describe("cascade", () => {
  const EXPECTED = {
    shock: "-0.100000", market: null, stop: "settled", initialMarks: { X: "100.000000" },
    rounds: [
      {
        round: 1, marks: { X: "90.000000" }, liquidated: 1, accounts: ["A"], overflow: 0, notionalClosed: "900.000000",
        penalty: "0.000000", liquidatorReward: "0.000000", insuranceFund: "0.000000", badDebt: "31.000000",
        sold: { X: "900.000000" }, bought: { X: "0.000000" }, impact: { X: "0.090000" }, marksAfter: { X: "81.900000" },
      },
      {
        round: 2, marks: { X: "81.900000" }, liquidated: 1, accounts: ["B"], overflow: 0, notionalClosed: "819.000000",
        penalty: "1.923900", liquidatorReward: "0.961950", insuranceFund: "0.961950", badDebt: "0.000000",
        sold: { X: "819.000000" }, bought: { X: "0.000000" }, impact: { X: "0.081900" }, marksAfter: { X: "75.192390" },
      },
    ],
    finalMarks: { X: "75.192390" },
    totals: {
      liquidated: 2, notionalClosed: "1719.000000", penalty: "1.923900", liquidatorReward: "0.961950", insuranceFund: "0.961950",
      badDebt: "31.000000", insuranceFundDraw: "31.000000", insuranceFundNet: "-30.038050",
    },
  };

  for (const engine of ENGINES) {
    it(`--json: the hand-computed two-round cascade (${engine})`, async () => {
      expect(await json("cascade", CASCADE, "--shock=-10", "--json", "--engine", engine)).toStrictEqual(EXPECTED);
    });
  }

  it("table: a row per round with the marks that moved, the end marks, the totals", async () => {
    expect(await ok("cascade", CASCADE, "--shock=-10")).toBe(`cascade after a -10% shock on every market

round          X  liquidated  notionalClosed   penalty  insuranceFund    badDebt
-----  ---------  ----------  --------------  --------  -------------  ---------
    1  90.000000           1      900.000000  0.000000       0.000000  31.000000
    2  81.900000           1      819.000000  1.923900       0.961950   0.000000
  end  75.192390

settled: nobody new is liquidatable at the last marks

totals
  liquidated                   2
  notionalClosed     1719.000000
  penalty               1.923900
  liquidatorReward      0.961950
  insuranceFund         0.961950
  badDebt              31.000000
  insuranceFundDraw    31.000000
  insuranceFundNet    -30.038050
`);
  });

  it("--max-rounds stops it; a shock that liquidates nobody says so", async () => {
    const r = (await json("cascade", CASCADE, "--shock=-10", "--max-rounds", "1", "--json")) as typeof EXPECTED;
    expect([r.stop, r.rounds.length, r.finalMarks]).toEqual(["maxRounds", 1, { X: "81.900000" }]);
    const none = await ok("cascade", CASCADE, "--shock=0");
    expect(none).toContain("no account is liquidatable at the shocked marks");
    expect(none).toContain("settled: nobody new is liquidatable");
  });

  it("on the spec's example, every engine and form prints the same", async () => {
    const outputs: string[] = [];
    for (const engine of ENGINES) {
      for (const book of [EXAMPLE, EXAMPLE_CSV]) outputs.push(await ok("cascade", book, "--shock=-2", "--beta", "ETH-PERP=1.5", "--json", "--engine", engine));
    }
    for (const o of outputs) expect(o).toBe(outputs[0]);
    const r = JSON.parse(outputs[0]!) as typeof EXPECTED;
    // BTC: floor(6_500_050 * 0.98) = 6_370_049; ETH with beta 1.5: floor(340_025 * 0.97) = 329_824
    expect(r.rounds[0]!.marks).toStrictEqual({ "BTC-PERP": "63700.49", "ETH-PERP": "3298.24" });
  });

  it("errors name the option", async () => {
    expect(await failure("cascade", CASCADE)).toBe('cascade: missing --shock=PCT, e.g. --shock=-10 (see "liqscan cascade --help")');
    expect(await failure("cascade", CASCADE, "--shock", "-10")).toBe(`cascade: option '--shock' argument is ambiguous: a value that starts with "-" must be attached to its option: write --shock=-10`);
    expect(await failure("cascade", CASCADE, "--shock=-100.5")).toBe("--shock: -100.5 is below -100 (a price cannot fall below 0)");
    expect(await failure("cascade", CASCADE, "--shock=10", "--max-rounds", "0")).toBe("--max-rounds: 0 is outside [1, 10000]");
    expect(await failure("cascade", CASCADE, "--shock=10", "--market", "Y")).toBe('--market: "Y" is not a market of the book (X)');
    expect(await failure("cascade", CASCADE, "--shock=10", "extra")).toBe('cascade: unexpected argument "extra" (see "liqscan cascade --help")');
  });
});

describe("help", () => {
  it("lists the three commands; each has its help", async () => {
    const top = await ok("--help");
    for (const c of ["stress", "map", "cascade"]) {
      expect(top).toContain(`  ${c} `);
      const h = await ok(c, "--help");
      expect(h).toMatch(new RegExp(`^Usage: liqscan ${c} BOOK`));
      expect(await ok("help", c)).toBe(h);
    }
  });
});
