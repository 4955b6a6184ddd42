// The public API: both engines on the spec's example, in-place edits, zero-copy allocation,
// result views that refuse to show stale numbers, and the errors a caller can meet.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { BookError, createEngine, generateBook, parseBookJson, type Engine } from "../bindings/index.js";
import { scanBook } from "../reference/index.js";

const example = parseBookJson(readFileSync("examples/spec-example.json", "utf8"));

// model.md, "Expected results of the example book", in quote units (10^-6).
const expected = {
  alice: { status: "ok", equity: "1500.250000", maintenance: "173.334754", marginRatio: "0.115537" },
  bob: { status: "liquidatable", equity: "19.950000", maintenance: "34.666951", marginRatio: "1.737691", penalty: "11.493434", liquidatorReward: "5.746717", insuranceFund: "5.746717", badDebt: "0.000000", returned: "0.000000" },
  carol: { status: "liquidatable", equity: "-949.900000", maintenance: "69.333902", marginRatio: null, penalty: "0.000000", liquidatorReward: "0.000000", insuranceFund: "0.000000", badDebt: "983.713261", returned: "0.000000" },
  dave: { status: "liquidatable", equity: "49.150000", maintenance: "79.689164", marginRatio: "1.621346", penalty: "47.034233", liquidatorReward: "23.517116", insuranceFund: "23.517117", badDebt: "0.000000", returned: "0.000000" },
  erin: { status: "liquidatable", equity: "150.000000", maintenance: "250.219500", marginRatio: "1.668130", penalty: "81.606000", liquidatorReward: "40.803000", insuranceFund: "40.803000", badDebt: "0.000000", returned: "68.394000" },
};

let engines: Engine[];
beforeAll(async () => {
  engines = [await createEngine("wasm"), await createEngine("reference")];
});

describe.each(["wasm", "reference"] as const)("%s engine", (name) => {
  const engine = () => engines.find((e) => e.name === name)!;

  it("scans the spec's example book to the spec's numbers", async () => {
    const book = await engine().load(example);
    const result = book.scan();
    expect(Object.fromEntries(result.reports({ all: true }).map(({ id, ...rest }) => [id, rest]))).toEqual(expected);
    expect(result.totalsReport()).toEqual({
      liquidatable: 4, overflow: 0, penalty: "140.133667", liquidatorReward: "70.066833", insuranceFund: "70.066834", badDebt: "983.713261", notional: "75454.050000",
    });
    expect(result.liquidatable()).toEqual([1, 2, 3, 4]);
  });

  it("rescans after edits to marks, collateral and positions", async () => {
    const book = await engine().load(example);
    book.setMarkPrice("BTC-PERP", 6_000_000n); // 60,000.00
    book.setCollateral(0, 5_000_000n);         // alice: 5 USD
    book.setPosition(5, -4_000n, 340_000n);   // dave's ETH short, now 4.000 at 3,400.00
    expect(book.markPrice(0)).toBe(6_000_000n);
    const got = book.scan();
    const want = scanBook(book.toBook());
    want.results.forEach((w, a) => {
      expect(got.statusOf(a)).toBe(w.status);
      expect(got.account(a)).toEqual(w);
    });
    expect(got.totals).toEqual(want.totals);
    expect(got.statusOf(0)).toBe("liquidatable"); // alice: 0.5 BTC bought at 64,000 now at 60,000 with 5 USD
  });

  it("fills an allocated book in place", async () => {
    const builder = await engine().allocate({ liquidatorSharePpm: example.liquidatorSharePpm, markets: example.markets, accountIds: ["x", "y"], accounts: 2, positions: 3 });
    const c = builder.columns;
    c.collateral.set([1_000_000_000n, 120_000_000n]);
    c.positionStart.set([0, 2, 3]);
    c.positionMarket.set([0, 1, 0]);
    c.positionSize.set([50_000_000n, -3_500n, -10_000_000n]);
    c.positionEntry.set([6_400_000n, 330_000n, 6_400_000n]);
    const result = builder.finish().scan();
    expect(result.report(1)).toEqual({ id: "y", ...expected.bob });
  });

  it("refuses to show a scan result after a later scan overwrote it", async () => {
    const book = await engine().load(example);
    const first = book.scan();
    book.scan();
    expect(() => first.report(0)).toThrow(/superseded/);
  });

  it("rejects bad edits, naming the record and field", async () => {
    const book = await engine().load(example);
    expect(() => book.setMarkPrice("BTC-PERP", -1n)).toThrow(BookError);
    expect(() => book.setMarkPrice("BTC-PERP", -1n)).toThrow(/market "BTC-PERP".*markPrice/);
    expect(() => book.setMarkPrice("NOPE", 1n)).toThrow(/unknown market "NOPE"/);
    expect(() => book.setCollateral(0, 1n << 63n)).toThrow(/account "alice".*collateral/);
    expect(() => book.setPosition(0, 1n, -5n)).toThrow(/entryPrice/);
  });

  it("rejects inconsistent columns", async () => {
    const columns = generateBook({ accounts: 50, seed: 7 });
    const bad = (patch: Partial<typeof columns>) => engine().load({ ...columns, ...patch });
    const start = columns.positionStart.slice();
    start[3] = start[2]! - 1;
    await expect(bad({ positionStart: start })).rejects.toThrow(BookError);
    const markets = columns.positionMarket.slice();
    markets[0] = 999;
    await expect(bad({ positionMarket: markets })).rejects.toThrow(/position 1: field "market": market index 999/);
    const entries = columns.positionEntry.slice();
    entries[0] = -1n;
    await expect(bad({ positionEntry: entries })).rejects.toThrow(/entryPrice/);
    await expect(bad({ accountIds: columns.accountIds.map(() => "same") })).rejects.toThrow(/duplicate account id/);
    const twice = columns.positionMarket.slice();
    const a = Array.from({ length: 50 }, (_, i) => i).find((i) => columns.positionStart[i + 1]! - columns.positionStart[i]! >= 2)!;
    twice[columns.positionStart[a]! + 1] = twice[columns.positionStart[a]!]!;
    await expect(bad({ positionMarket: twice })).rejects.toThrow(/already held by position/);
  });
});

describe.each(["wasm", "reference"] as const)("%s engine: one behaviour on both engines", (name) => {
  const engine = () => engines.find((e) => e.name === name)!;

  it("a superseded result's status throws rather than show another scan's bytes; a copy stays right", async () => {
    const book = await engine().load(example);
    const first = book.scan();
    expect([...first.status].join(",")).toBe("0,1,1,1,1");
    const kept = first.status.slice();
    const held = first.status; // the book's own column: no copy per scan
    book.setMarkPrice("BTC-PERP", 6_200_000n); // alice liquidatable, bob no longer
    expect(() => first.status).toThrow(/superseded/); // an edit supersedes it already
    const second = book.scan();
    expect(() => first.status).toThrow(/superseded/);
    expect([...second.status].join(",")).toBe("1,0,1,1,1");
    expect([...kept].join(",")).toBe("0,1,1,1,1");
    expect([...held].join(","), "the array itself is rewritten in place, as documented").toBe("1,0,1,1,1");
    // The totals are the scan's own copy: they stay those of the first scan.
    expect(first.totals.liquidatable).toBe(4);
    expect(() => first.liquidatable()).toThrow(/superseded/);
  });

  it("a disposed book refuses every use, with a clear error", async () => {
    const book = await engine().load(example);
    const result = book.scan();
    book.dispose();
    const disposed = /^liqscan: this book was disposed/;
    expect(() => book.scan()).toThrow(disposed);
    expect(() => book.setMarkPrice("BTC-PERP", 1n)).toThrow(disposed);
    expect(() => book.setCollateral(0, 1n)).toThrow(disposed);
    expect(() => book.setPosition(0, 1n, 1n)).toThrow(disposed);
    expect(() => book.markPrice("BTC-PERP")).toThrow(disposed);
    expect(() => book.shockTotals([0n], [1_000_000n, 1_000_000n])).toThrow(disposed);
    expect(() => book.liquidationPrices()).toThrow(disposed);
    expect(() => book.toBook()).toThrow(disposed);
    expect(() => book.inputs).toThrow(disposed);
    expect(() => result.report(0)).toThrow(disposed);
    expect(() => result.status).toThrow(disposed);
    book.dispose(); // twice is harmless
  });

  it("load(null) says what load takes", async () => {
    for (const bad of [null, undefined, 42, "book.json", []]) {
      const error = (await engine().load(bad as never).then(() => null, (e: unknown) => e)) as Error;
      expect(error, String(bad)).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/^liqscan: load\(\) takes a book: .*parseBookJson.*got /);
    }
  });

  it("load(JSON.parse(text)) points to parseBookJson", async () => {
    const raw = JSON.parse(readFileSync("examples/spec-example.json", "utf8"));
    await expect(engine().load(raw)).rejects.toThrow(/JSON book file.*parseBookJson\(text\)/);
    // Also when only the markets are raw (decimal strings where the book has bigints).
    const rawMarkets = { ...example, markets: raw.markets };
    await expect(engine().load(rawMarkets)).rejects.toThrow(/parseBookJson/);
  });

  it("finish() on an unfilled builder blames positionStart, not positionMarket", async () => {
    const builder = await engine().allocate({ liquidatorSharePpm: 500_000n, markets: example.markets, accounts: 2, positions: 3 });
    const error = (() => { try { builder.finish(); } catch (e) { return e as Error; } })()!;
    expect(error).toBeInstanceOf(BookError);
    expect(error.message).toMatch(/field "positionStart": positionStart\[2\] is 0, .*3 positions.*all zeros/);
  });
});

describe("wasm engine", () => {
  it("says clearly when a book cannot fit WebAssembly memory", async () => {
    const wasm = engines[0]!;
    await expect(wasm.allocate({ liquidatorSharePpm: 0n, markets: example.markets, accounts: 100_000_000, positions: 300_000_000 }))
      .rejects.toThrow(/needs \d+ MiB of WebAssembly memory; the limit is 4096 MiB/);
  });

  it("loads the core from bytes or from a compiled module", async () => {
    const bytes = readFileSync("bindings/liqscan.wasm");
    for (const wasm of [bytes, await WebAssembly.compile(bytes)]) {
      const engine = await createEngine("wasm", { wasm });
      expect((await engine.load(example)).scan().totals.liquidatable).toBe(4);
    }
  });

  it("matches the reference on a generated book after a price tick", async () => {
    const columns = generateBook({ accounts: 3_000, seed: 11 });
    const [wasm, reference] = await Promise.all(engines.map((e) => e.load(columns)));
    for (const book of [wasm!, reference!]) book.setMarkPrice(0, (book.markPrice(0) * 93n) / 100n);
    const a = wasm!.scan();
    const b = reference!.scan();
    expect(Array.from(a.status)).toEqual(Array.from(b.status));
    for (let i = 0; i < columns.collateral.length; i += 7) expect(a.account(i)).toEqual(b.account(i));
    for (const i of b.liquidatable()) expect(a.account(i)).toEqual(b.account(i));
    expect(a.totals).toEqual(b.totals);
    expect(a.totals.liquidatable).toBeGreaterThan(0);
  });
});
