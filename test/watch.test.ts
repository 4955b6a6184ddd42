/**
 * `liqscan watch`: events in, change events out, refusals that name the line and field, and with
 * --state a process that SIGKILL cannot make lose or contradict anything: killed at random
 * points of a long stream many times and restarted on the same directory, the lines it writes
 * (duplicates of the same answer allowed) are exactly those of an uninterrupted run.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateBook, writeBookJson } from "../bindings/index.js";
import { formatDecimal } from "../book/decimal.js";
import { MAIN } from "./support/run-cli.js";
import { Rng } from "./support/random-book.js";
import { EXAMPLE } from "./support/assets.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "liqscan-watch-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs `liqscan watch` with `input` on stdin. `kill`: the input goes in pieces of 40 lines, and
 * after piece `kill.piece` (the child is still waiting for the rest, so it cannot have finished)
 * it is killed with SIGKILL `kill.afterMs` later, wherever it is: reading, applying, scanning,
 * writing its log or its snapshot.
 */
function watch(args: string[], input: string, kill?: { piece: number; afterMs: number }): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, "watch", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on("error", () => {}); // a killed child closes its stdin under us
    if (kill === undefined) {
      child.stdin.end(input);
      return;
    }
    const lines = input.split("\n");
    let piece = 0;
    const feed = () => {
      if (piece === kill.piece) return void setTimeout(() => child.kill("SIGKILL"), kill.afterMs);
      const at = piece++ * 40;
      child.stdin.write(lines.slice(at, at + 40).join("\n") + "\n", () => setImmediate(feed));
    };
    feed();
  });
}

const bookFile = (text: string) => {
  const path = join(tempDir(), "book.json");
  writeFileSync(path, text);
  return path;
};
const lines = (text: string) => text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

describe("liqscan watch", () => {
  it("applies events, rescans, and writes each change with its cause and exact amounts; a bad event is refused by line and field, and the rest goes on", async () => {
    const events = [
      { type: "deposit", account: "bob", amount: "20", seq: 1 },
      { type: "mark", market: "BTC-PERP", price: "abc", seq: 2 },
      { type: "account", account: "frank", collateral: "100", seq: 3 },
      { type: "fill", account: "frank", market: "ETH-PERP", size: "1", price: "3400.25", seq: 4 },
      { type: "scan" },
      { type: "mark", market: "ETH-PERP", price: "3320", seq: 5 },
      { type: "fill", account: "frank", market: "ETH-PERP", size: "-1", price: "3320", seq: 6 },
      { type: "deposit", account: "carol", amount: 1000, seq: 7 },
      { type: "withdrawal", account: "bob", amount: "30", seq: 8 },
    ];
    const run = await watch(["examples/spec-example.json", "--pause", "0"], events.map((e) => JSON.stringify(e)).join("\n") + "\n");
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      // The first scan, at the start: the book as loaded (no event caused these).
      { type: "liquidatable", scan: 1, seq: null, account: "bob", equity: "19.950000", maintenance: "34.666951", marginRatio: "1.737691", penalty: "11.493434", liquidatorReward: "5.746717", insuranceFund: "5.746717", badDebt: "0.000000", returned: "0.000000" },
      { type: "liquidatable", scan: 1, seq: null, account: "carol", equity: "-949.900000", maintenance: "69.333902", marginRatio: null, penalty: "0.000000", liquidatorReward: "0.000000", insuranceFund: "0.000000", badDebt: "983.713261", returned: "0.000000" },
      { type: "liquidatable", scan: 1, seq: null, account: "dave", equity: "49.150000", maintenance: "79.689164", marginRatio: "1.621346", penalty: "47.034233", liquidatorReward: "23.517116", insuranceFund: "23.517117", badDebt: "0.000000", returned: "0.000000" },
      { type: "liquidatable", scan: 1, seq: null, account: "erin", equity: "150.000000", maintenance: "250.219500", marginRatio: "1.668130", penalty: "81.606000", liquidatorReward: "40.803000", insuranceFund: "40.803000", badDebt: "0.000000", returned: "68.394000" },
      // {"type":"scan"}: bob's deposit of 20 (seq 1) lifts his equity over his maintenance; frank's 1 ETH at the mark leaves him ok.
      { type: "recovered", scan: 2, seq: 1, account: "bob", equity: "39.950000", maintenance: "34.666951", marginRatio: "0.867758" },
      // At the end: bob withdrew 30 (120 + 20 - 30, and his short's pnl -0.1 * 1000.5 = 9.95) ...
      { type: "liquidatable", scan: 3, seq: 8, account: "bob", equity: "9.950000", maintenance: "34.666951", marginRatio: "3.484115", penalty: "1.493434", liquidatorReward: "0.746717", insuranceFund: "0.746717", badDebt: "0.000000", returned: "0.000000" },
      // ... and ETH fell to 3,320: dave's short gains 3.5 * 80.25 = 280.875.
      { type: "recovered", scan: 3, seq: 5, account: "dave", equity: "330.025000", maintenance: "77.863476", marginRatio: "0.235932" },
    ]);
    expect(run.stderr).toBe(
      'liqscan: stdin line 2: field "price": "abc" is not a decimal number (expected digits with an optional leading "-" and ".fraction", like "-12.5")\n' +
      'liqscan: stdin line 8: field "amount": expected a string, got the number 1000 (give amounts as decimal strings: a JSON number may have lost digits)\n',
    );
  });

  it("names the line and field of every kind of bad event, as JSON with --json", async () => {
    const input = [
      "not json",
      JSON.stringify({ type: "teleport" }),
      JSON.stringify({ type: "mark", market: "DOGE", price: "1" }),
      JSON.stringify({ type: "fill", account: "alice", market: "BTC-PERP", size: "0", price: "1" }),
      JSON.stringify({ type: "close", account: "nobody", market: "BTC-PERP" }),
      JSON.stringify({ type: "open", account: "alice", market: "BTC-PERP", size: "1", entryPrice: "1" }),
      JSON.stringify({ type: "deposit", account: "alice", amount: "1", colour: "red" }),
      JSON.stringify({ type: "fill", account: "alice", market: "BTC-PERP", size: "0.000000001", price: "1" }),
      JSON.stringify({ type: "deposit", account: "alice", amount: "1", seq: -1 }),
      JSON.stringify({ type: "withdrawal", account: "alice" }),
    ].join("\n");
    const run = await watch(["examples/spec-example.json", "--json", "--pause", "0"], input + "\n");
    expect(run.code).toBe(0);
    const errors = lines(run.stderr).map((e) => [e.line, e.field, e.error]);
    expect(errors).toEqual([
      [1, "", "is not JSON (one event, a JSON object, per line)"],
      [2, "type", expect.stringMatching(/^expected one of mark, fill, .*got "teleport"$/)],
      [3, "market", 'no market "DOGE" in the book'],
      [4, "size", "a fill of size 0 trades nothing"],
      [5, "account", 'no account "nobody" in this book'],
      [6, "market", expect.stringMatching(/already holds a position in this market/)],
      [7, "colour", "is not a field of a deposit event (its fields: account, amount, seq)"],
      [8, "size", '"0.000000001" has more decimals than 8'],
      [9, "seq", "expected a whole number from 0, got -1"],
      [10, "amount", "missing"],
    ]);
    expect(lines(run.stdout).map((l) => l.account)).toEqual(["bob", "carol", "dave", "erin"]);
  });

  it("rescans after every N events with --every", async () => {
    const input = Array.from({ length: 7 }, (_, i) => JSON.stringify({ type: "mark", market: "ETH-PERP", price: i % 2 ? "3300" : "3500" })).join("\n");
    const run = await watch(["examples/spec-example.json", "--every", "2", "--pause", "0"], input + "\n");
    // Scans at the start (ETH at 3,400.25), after lines 2, 4, 6 (3,300) and at the end (3,500):
    // dave's short is ok at 3,300, liquidatable above; an event's line number is its seq.
    expect(lines(run.stdout).filter((l) => l.account === "dave").map((l) => [l.scan, l.type, l.seq])).toEqual([[1, "liquidatable", null], [2, "recovered", 2], [5, "liquidatable", 7]]);
    expect(Math.max(...lines(run.stdout).map((l) => l.scan))).toBe(5);
  });
});

/** A long stream over a generated book: ticks, fills, opens, closes, deposits, withdrawals, new accounts. */
function stream(count: number, seed: number): { book: string; events: string[] } {
  const columns = generateBook({ accounts: 400, seed });
  const rng = new Rng(seed);
  const ids = [...columns.accountIds];
  const marks = columns.markets.map((m) => m.markPrice);
  const events: string[] = [];
  for (let seq = 1; events.length < count; seq++) {
    const r = rng.int(0, 99);
    const m = rng.int(0, columns.markets.length - 1);
    const market = columns.markets[m]!;
    const price = (v: bigint) => formatDecimal(v, market.priceDecimals);
    const account = rng.pick(ids);
    let e: Record<string, unknown>;
    if (r < 35) {
      marks[m] = (marks[m]! * BigInt(rng.int(970_000, 1_030_000))) / 1_000_000n;
      e = { type: "mark", market: market.id, price: price(marks[m]!) };
    } else if (r < 70) e = { type: "fill", account, market: market.id, size: formatDecimal(BigInt(rng.int(-5_000, 5_000)) * 10n ** BigInt(Math.max(0, market.sizeDecimals - 3)) || 1n, market.sizeDecimals), price: price(marks[m]!) };
    else if (r < 78) e = { type: "open", account, market: market.id, size: formatDecimal(BigInt(rng.int(1, 100)) * 10n ** BigInt(market.sizeDecimals), market.sizeDecimals), entryPrice: price(marks[m]!) };
    else if (r < 84) e = { type: "close", account, market: market.id };
    else if (r < 90) e = { type: "deposit", account, amount: formatDecimal(BigInt(rng.int(1, 10_000)) * 1_000_000n, 6) };
    else if (r < 96) e = { type: "withdrawal", account, amount: formatDecimal(BigInt(rng.int(1, 10_000)) * 1_000_000n, 6) };
    else {
      const id = `new-${seq}`;
      ids.push(id);
      e = { type: "account", account: id, collateral: "500" };
    }
    events.push(JSON.stringify({ ...e, seq }));
  }
  return { book: writeBookJson(columns), events };
}

describe("liqscan watch on a binance-usdm hedge-mode account", () => {
  it("opens, fills and closes each side by its \"side\"; an event that does not say which side is refused by line and field", async () => {
    const book = bookFile(JSON.stringify({
      venue: "binance-usdm",
      markets: [{ id: "BTCUSDT", sizeDecimals: 3, priceDecimals: 1, markPrice: "50000", liquidationFee: "0.0125", tiers: [{ mmr: "0.004", cum: "0" }] }],
      accounts: [{ id: "h", collateral: "1000", positions: [{ market: "BTCUSDT", size: "1", entryPrice: "50000", side: "LONG" }] }],
    }));
    const events = [
      { type: "open", account: "h", market: "BTCUSDT", size: "-0.5", entryPrice: "50000", side: "SHORT", seq: 1 },
      { type: "fill", account: "h", market: "BTCUSDT", size: "0.1", price: "50000", seq: 2 },
      { type: "fill", account: "h", market: "BTCUSDT", size: "-0.1", price: "50000", side: "SHORT", seq: 3 },
      { type: "close", account: "h", market: "BTCUSDT", side: "SIDEWAYS", seq: 4 },
      // LONG 1 and SHORT 0.6 at 50,000 with 1000 USDT: equity 1000 - 3000 + 1800 = -200 at 47,000.
      { type: "mark", market: "BTCUSDT", price: "47000", seq: 5 },
      { type: "close", account: "h", market: "BTCUSDT", side: "LONG", seq: 6 },
    ];
    const r = await watch([book, "--every", "1", "--pause", "0"], events.map((e) => JSON.stringify(e)).join("\n") + "\n");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("line 2: field \"side\": the account holds this market LONG and SHORT (hedge mode): say which side");
    expect(r.stderr).toContain("line 4: field \"side\": expected \"LONG\" or \"SHORT\" (a hedge-mode side), got \"SIDEWAYS\"");
    // Liquidatable at 47,000 (seq 5); closing the LONG leaves the 0.6 SHORT: equity 1000 + 1800 =
    // 2800 against MM 112.8, recovered (seq 6).
    expect(lines(r.stdout).map((l) => [l.type, l.seq, l.account])).toEqual([["liquidatable", 5, "h"], ["recovered", 6, "h"]]);
  });
});

describe("liqscan watch --state", () => {
  it("killed after the event that completes a batch was logged but before its scan was: the restart scans that batch first", async () => {
    // --every 2 over four ETH marks: the uninterrupted run scans after marks 2 and 4 (dave recovers
    // at 3,300, is liquidatable again at 3,500). A kill between mark 2's log line and the scan's
    // "S" leaves a log of two events and no scan; the restart owes that scan before mark 3.
    const marks = ["3300", "3300", "3500", "3500"].map((price, i) => JSON.stringify({ type: "mark", market: "ETH-PERP", price, seq: i + 1 }));
    const args = (dir: string) => ["examples/spec-example.json", "--state", dir, "--every", "2", "--pause", "0"];
    const whole = await watch(args(tempDir()), marks.join("\n") + "\n");
    expect(whole.code, whole.stderr).toBe(0);
    const want = lines(whole.stdout).filter((l) => l.account === "dave").map((l) => [l.scan, l.type, l.seq]);
    expect(want).toEqual([[1, "liquidatable", null], [2, "recovered", 2], [3, "liquidatable", 4]]);
    const dir = tempDir();
    expect((await watch(args(dir), marks.slice(0, 2).join("\n") + "\n")).code).toBe(0);
    const log = readFileSync(join(dir, "events.log"), "utf8");
    expect(log.endsWith("S\n"), log).toBe(true);
    writeFileSync(join(dir, "events.log"), log.slice(0, -2)); // the scan's line never written
    const again = await watch(args(dir), marks.join("\n") + "\n");
    expect(again.code, again.stderr).toBe(0);
    expect(lines(again.stdout).filter((l) => l.account === "dave").map((l) => [l.scan, l.type, l.seq])).toEqual(want.slice(1));
  });

  it("killed with SIGKILL at random points of a long stream, again and again, writes what an uninterrupted run writes", async () => {
    const { book, events } = stream(4_000, 3);
    const path = bookFile(book);
    const input = events.join("\n") + "\n";
    const args = (dir: string) => [path, "--state", dir, "--every", "97", "--pause", "0", "--snapshot-every", "700"];
    const whole = await watch(args(tempDir()), input);
    expect(whole.code, whole.stderr).toBe(0);
    const want = whole.stdout.split("\n").filter((l) => l !== "");
    expect(want.length).toBeGreaterThan(100);
    expect(new Set(want).size).toBe(want.length);

    const rng = new Rng(17);
    const dir = tempDir();
    const got: string[] = [];
    let kills = 0;
    const pieces = Math.ceil(events.length / 40);
    for (let run = 0; ; run++) {
      const last = run >= 12;
      const r = await watch(args(dir), input, last ? undefined : { piece: rng.int(1, pieces - 1), afterMs: rng.int(0, 40) });
      // A killed run may leave its last line cut short: only whole lines count.
      const text = r.stdout.slice(0, r.stdout.lastIndexOf("\n") + 1);
      got.push(...text.split("\n").filter((l) => l !== ""));
      if (r.signal === "SIGKILL") kills++;
      else {
        expect(r.code, r.stderr).toBe(0);
        if (last) break;
      }
    }
    expect(kills).toBe(12);
    // Every line is one of the uninterrupted run's (a replayed scan repeats its lines, the same
    // answers), and every one of those came out.
    const wanted = new Set(want);
    for (const line of got) expect(wanted.has(line), line).toBe(true);
    expect(new Set(got)).toEqual(wanted);
  }, 180_000);

  it("refuses a corrupt snapshot in the state directory by name", async () => {
    const dir = tempDir();
    const run = await watch(["examples/spec-example.json", "--state", dir, "--pause", "0"], "");
    expect(run.code).toBe(0);
    const file = readFileSync(join(dir, "snapshot.bin"));
    file[file.length - 20] ^= 1;
    writeFileSync(join(dir, "snapshot.bin"), file);
    const again = await watch(["examples/spec-example.json", "--state", dir], "");
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/snapshot\.bin: the snapshot is corrupt: its checksum is 0x[0-9a-f]{8}, its bytes give 0x[0-9a-f]{8}\n$/);
  });
});

describe("liqscan watch on a book with collateral assets", () => {
  const book = EXAMPLE;
  it("an asset price event liquidates the accounts holding it, with its seq; balance events; a restart from --state keeps the assets", async () => {
    const path = bookFile(book);
    const dir = tempDir();
    const events = [
      { type: "asset", asset: "ETH", price: "2380.17", seq: 10 },
      { type: "scan", seq: 11 },
      { type: "balance", account: "frank", asset: "ETH", amount: "1", seq: 12 },
      { type: "scan", seq: 13 },
      { type: "asset", asset: "BTC", price: "1", seq: 14 },
      { type: "balance", account: "frank", asset: "USDT", amount: "1.0000001", seq: 15 },
    ].map((e) => JSON.stringify(e)).join("\n") + "\n";
    const run = await watch([path, "--state", dir, "--pause", "0", "--json"], events);
    expect(run.code, run.stderr).toBe(0);
    const out = lines(run.stdout);
    expect(out.map((o) => [o.type, o.seq, o.account])).toEqual([["liquidatable", 10, "frank"], ["recovered", 12, "frank"]]);
    // 100 + 714.050992 - 209.895002 - 500.25 (the worked example of docs/model.md at 2380.17)
    expect(out[0].equity).toBe("103.905990");
    const errors = lines(run.stderr);
    expect(errors.map((e) => [e.line, e.field])).toEqual([[5, "asset"], [6, "amount"]]);
    expect(errors[0].error).toContain('no asset "BTC" in the book (ETH, USDT)');
    // Restarted on its state: the ETH price and frank's balance are the ones the events left.
    const again = await watch([path, "--state", dir, "--pause", "0"], JSON.stringify({ type: "asset", asset: "ETH", price: "1500", seq: 16 }) + "\n");
    expect(again.code, again.stderr).toBe(0);
    // The log replayed gives the same answers again (nothing new: 1 ETH at 1500 * 0.9 = 1350 against
    // 209.895002 borrowed and a 500.25 loss keeps frank ok).
    expect(lines(again.stdout)).toEqual(out);
  });
});
