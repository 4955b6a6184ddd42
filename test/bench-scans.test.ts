// The benchmark competitors that have logic of their own: the naive float scan (and how its wrong
// decisions are counted), the bn.js scan (which must be exact), and the bandwidth loop (which must
// read every byte of every column). No timings here: performance lives in bench/.
import { describe, expect, it } from "vitest";
import type BN from "bn.js";
import { bookToColumns, columnsToBook } from "../book/columns.js";
import { generateBook } from "../book/generate.js";
import type { Book, BookColumns } from "../book/types.js";
import { scanBook } from "../reference/index.js";
import { BandwidthLoop } from "../bench/bandwidth.js";
import { bnMarks, bnScan, toBnBook } from "../bench/bn-scan.js";
import { floatMarks, floatScan, toFloatBook, wrongDecisions } from "../bench/float-scan.js";
import { SPEC_BOOK } from "./fixtures/spec-example.js";
import { Rng, randomBook } from "./support/random-book.js";

const CODE = { ok: 0, liquidatable: 1, overflow: 2 } as const;

/** The reference's status codes and totals: the oracle. */
function exact(book: Book) {
  const { results, totals } = scanBook(book);
  return { status: Uint8Array.from(results, (r) => CODE[r.status]), totals };
}

function floatDecisions(c: BookColumns) {
  const out = new Uint8Array(c.collateral.length);
  const totals = floatScan(toFloatBook(c), floatMarks(c.markets.map((m) => m.markPrice)), out);
  return { out, totals };
}

function bnResult(c: BookColumns) {
  const status = new Uint8Array(c.collateral.length).fill(9);
  const t = bnScan(toBnBook(c), bnMarks(c.markets.map((m) => m.markPrice)), status);
  const big = (x: BN) => BigInt(x.toString());
  return {
    status,
    totals: {
      liquidatable: t.liquidatable, overflow: t.overflow, penalty: big(t.penalty), liquidatorReward: big(t.liquidatorReward),
      insuranceFund: big(t.insuranceFund), badDebt: big(t.badDebt), notional: big(t.notional),
    },
  };
}

/**
 * Account 0 is liquidatable by one unit of equity, but at a scale (2^60) where a double's step is
 * 256 units: collateral 2^60 + 499 and a pnl of -2^60 leave equity 499 against maintenance 500.
 * A double reads the collateral as 2^60 + 512 and calls the account safe. Account 1 is plainly
 * liquidatable (equity far below maintenance) and the float scan gets it right.
 */
const FLOAT_TRAP: Book = {
  liquidatorSharePpm: 500_000n,
  markets: [{ id: "X", sizeDecimals: 3, priceDecimals: 3, markPrice: 1_000n, tiers: [{ maxNotional: null, mmrPpm: 500_000n }], liquidationFeePpm: 10_000n }],
  accounts: [
    { id: "edge", collateral: 2n ** 60n + 499n, positions: [{ market: 0, size: 1n, entryPrice: 2n ** 60n + 1_000n }] },
    { id: "plain", collateral: 100n, positions: [{ market: 0, size: 1_000n, entryPrice: 2_000n }] },
  ],
};

describe("wrongDecisions", () => {
  it("counts accounts whose liquidatable-or-not decision differs; ok and overflow are both 'not liquidatable'", () => {
    expect(wrongDecisions(Uint8Array.of(1, 0, 1, 0, 0, 1), Uint8Array.of(1, 1, 0, 2, 0, 2))).toBe(3);
    expect(wrongDecisions(Uint8Array.of(), Uint8Array.of())).toBe(0);
    expect(() => wrongDecisions(Uint8Array.of(1), Uint8Array.of(1, 0))).toThrow(/1 decisions for 2 accounts/);
  });
});

describe("the naive Float64 scan", () => {
  it("gets the spec's example right, with totals close to the exact ones", () => {
    const { status, totals } = exact(SPEC_BOOK);
    const { out, totals: f } = floatDecisions(bookToColumns(SPEC_BOOK));
    expect([...out]).toEqual([0, 1, 1, 1, 1]);
    expect(wrongDecisions(out, status)).toBe(0);
    expect(f.liquidatable).toBe(4);
    // The float scan does not round (the slippage rate is not a whole ppm, ...), so its amounts are
    // close to the exact 140.133667 and 983.713261, not equal: bob's penalty is capped by his
    // equity after slippage, which the exact model rounds up to 1301 ppm and the float leaves at 1300.01.
    const near = (x: number, y: bigint, relative: number) => expect(Math.abs(x / Number(y) - 1)).toBeLessThan(relative);
    near(f.penalty, totals.penalty, 1e-4);
    near(f.badDebt, totals.badDebt, 1e-4);
    near(f.notional, totals.notional, 1e-12);
    expect(f.penalty).not.toBe(Number(totals.penalty));
  });

  it("misses an account that is liquidatable by one unit at a scale doubles cannot resolve", () => {
    const { status } = exact(FLOAT_TRAP);
    expect([...status]).toEqual([1, 1]);
    const { out } = floatDecisions(bookToColumns(FLOAT_TRAP));
    expect([...out]).toEqual([0, 1]);
    expect(wrongDecisions(out, status)).toBe(1);
  });

  it("is wrong on random books with accounts placed on the maintenance line, and the count is a plain comparison", () => {
    const book = randomBook(new Rng(2024), { accounts: 3000, extreme: 0.1 });
    const { status } = exact(book);
    const { out } = floatDecisions(bookToColumns(book));
    let differ = 0;
    for (let a = 0; a < status.length; a++) if ((out[a] === 1) !== (status[a] === 1)) differ++;
    expect(differ).toBeGreaterThan(0);
    expect(wrongDecisions(out, status)).toBe(differ);
  });
});

describe("the bn.js scan", () => {
  it("gives the spec's example exactly", () => {
    const { status, totals } = exact(SPEC_BOOK);
    const r = bnResult(bookToColumns(SPEC_BOOK));
    expect([...r.status]).toEqual([0, 1, 1, 1, 1]);
    expect(r.status).toEqual(status);
    expect(r.totals).toEqual(totals);
    expect(r.totals.penalty).toBe(140_133_667n);
    expect(r.totals.badDebt).toBe(983_713_261n);
  });

  it("is exact where doubles are not", () => {
    const { status, totals } = exact(FLOAT_TRAP);
    const r = bnResult(bookToColumns(FLOAT_TRAP));
    expect(r.status).toEqual(status);
    expect(r.totals).toEqual(totals);
  });

  it("matches the reference on random books (values near 2^63, e < 0, accounts on the line, overflow)", () => {
    let overflow = 0;
    let liquidatable = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const book = randomBook(new Rng(seed), { accounts: 1500, extreme: 0.3 });
      const { status, totals } = exact(book);
      const r = bnResult(bookToColumns(book));
      expect(r.status).toEqual(status);
      expect(r.totals).toEqual(totals);
      overflow += totals.overflow;
      liquidatable += totals.liquidatable;
    }
    // the books did exercise both outcomes
    expect(overflow).toBeGreaterThan(0);
    expect(liquidatable).toBeGreaterThan(0);
  });

  it("matches the reference on a generated book", () => {
    const c = generateBook({ accounts: 5000, seed: 11 });
    const { status, totals } = exact(columnsToBook(c));
    const r = bnResult(c);
    expect(r.status).toEqual(status);
    expect(r.totals).toEqual(totals);
    expect(totals.liquidatable).toBeGreaterThan(0);
  });
});

describe("the bandwidth loop", () => {
  /** Odd counts, so both the 4-wide loops and their scalar tails run. */
  const columns = () => generateBook({ accounts: 1_003, seed: 5 });

  it("reads 12 bytes per account (+4) and 20 per position, and is deterministic", async () => {
    const c = columns();
    const loop = await BandwidthLoop.create(c);
    expect(loop.bytes).toBe(c.collateral.length * 12 + 4 + c.positionSize.length * 20);
    const sum = loop.run();
    expect(typeof sum).toBe("bigint");
    expect(loop.run()).toBe(sum);
    expect((await BandwidthLoop.create(c)).run()).toBe(sum);
  });

  it("depends on every element of every column, the tails included", async () => {
    const c = columns();
    const base = (await BandwidthLoop.create(c)).run();
    const n = c.collateral.length;
    const np = c.positionSize.length;
    expect(n % 4).not.toBe(0);
    expect(np % 4).not.toBe(0);
    const edits: [string, (e: BookColumns) => void][] = [];
    for (const i of [0, 5, n - 1]) edits.push([`collateral[${i}]`, (e) => { e.collateral[i] += 1n; }]);
    for (const i of [1, n - 2, n]) edits.push([`positionStart[${i}]`, (e) => { e.positionStart[i] += 1; }]);
    for (const i of [2, np - 1]) {
      edits.push([`positionMarket[${i}]`, (e) => { e.positionMarket[i] += 1; }]);
      edits.push([`positionSize[${i}]`, (e) => { e.positionSize[i] += 1n; }]);
      edits.push([`positionEntry[${i}]`, (e) => { e.positionEntry[i] += 1n; }]);
    }
    for (const [what, edit] of edits) {
      const edited = columns();
      edit(edited);
      expect((await BandwidthLoop.create(edited)).run(), what).not.toBe(base);
    }
  });
});
