import { describe, expect, it } from "vitest";
import { generateBook } from "../book/generate.js";
import { Random } from "../book/random.js";
import { columnsToBook } from "../book/columns.js";
import { validateBook, validateColumns } from "../book/validate.js";
import type { BookColumns, Market } from "../book/types.js";
import { SPEC_BOOK } from "./fixtures/spec-example.js";
import { bookToColumns } from "../book/columns.js";

// A small, slow, obviously-correct evaluation of docs/model.md, only to check that generated
// books look realistic (and itself checked against the spec's table below).

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
};
const ceilDiv = (a: bigint, b: bigint): bigint => -floorDiv(-a, b);
const abs = (a: bigint): bigint => (a < 0n ? -a : a);

interface Eval {
  equity: bigint;
  maintenance: bigint;
  liquidatable: boolean;
  closeEquity: bigint;
  notional: bigint;
}

function evaluate(c: BookColumns, a: number): Eval {
  let equity = c.collateral[a];
  let maintenance = 0n;
  let slippage = 0n;
  let notionalSum = 0n;
  let nonZero = false;
  for (let p = c.positionStart[a]; p < c.positionStart[a + 1]; p++) {
    const m: Market = c.markets[c.positionMarket[p]];
    const s = c.positionSize[p];
    const p0 = c.positionEntry[p];
    const P = m.markPrice;
    if (s !== 0n) nonZero = true;
    const e = m.sizeDecimals + m.priceDecimals - 6;
    const K = 10n ** BigInt(Math.abs(e));
    const notional = e >= 0 ? ceilDiv(abs(s) * P, K) : abs(s) * P * K;
    const pnl = e >= 0 ? floorDiv(s * (P - p0), K) : s * (P - p0) * K;
    let cum = 0n;
    let j = 0;
    while (m.tiers[j].maxNotional !== null && notional > (m.tiers[j].maxNotional as bigint)) {
      cum += (m.tiers[j].maxNotional as bigint) * (m.tiers[j + 1].mmrPpm - m.tiers[j].mmrPpm);
      j++;
    }
    let scale = 1_000_000n;
    if (m.volatility) {
      const v = ceilDiv(m.volatility.currentPpm * 1_000_000n, m.volatility.referencePpm);
      if (v > scale) scale = v;
    }
    maintenance += ceilDiv((notional * m.tiers[j].mmrPpm - cum) * scale, 10n ** 12n);
    if (m.impact) {
      let slip = ceilDiv(notional * 1_000_000n, m.impact.depth);
      if (slip > m.impact.maxSlippagePpm) slip = m.impact.maxSlippagePpm;
      slippage += ceilDiv(notional * slip, 1_000_000n);
    }
    equity += pnl;
    notionalSum += notional;
  }
  return { equity, maintenance, liquidatable: nonZero && equity < maintenance, closeEquity: equity - slippage, notional: notionalSum };
}

function plain(c: BookColumns) {
  return {
    liquidatorSharePpm: c.liquidatorSharePpm,
    markets: c.markets,
    accountIds: [...c.accountIds],
    collateral: [...c.collateral],
    positionStart: [...c.positionStart],
    positionMarket: [...c.positionMarket],
    positionSize: [...c.positionSize],
    positionEntry: [...c.positionEntry],
  };
}

describe("the test's model evaluation", () => {
  it("matches the spec's table for equity and maintenance", () => {
    const c = bookToColumns(SPEC_BOOK);
    const got = [0, 1, 2, 3, 4].map((a) => evaluate(c, a));
    expect(got.map((r) => [r.equity, r.maintenance, r.liquidatable])).toEqual([
      [1_500_250_000n, 173_334_754n, false],
      [19_950_000n, 34_666_951n, true],
      [-949_900_000n, 69_333_902n, true],
      [49_150_000n, 79_689_164n, true],
      [150_000_000n, 250_219_500n, true],
    ]);
  });
});

describe("Random", () => {
  it("is deterministic, spreads seeds, and gives floats in [0, 1)", () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 1000 }, () => a.u32());
    expect(Array.from({ length: 1000 }, () => b.u32())).toEqual(xs);
    expect(new Random(43).u32()).not.toBe(new Random(42).u32());
    expect(new Random(2 ** 40).u32()).not.toBe(new Random(0).u32());
    expect(new Random(-1).u32()).not.toBe(new Random(1).u32());
    const r = new Random(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      sum += f;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    expect(() => new Random(1.5)).toThrow(RangeError);
  });
});

describe("generateBook", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = generateBook({ accounts: 2000, seed: 99 });
    const b = generateBook({ accounts: 2000, seed: 99 });
    expect(plain(a)).toEqual(plain(b));
    const c = generateBook({ accounts: 2000, seed: 100 });
    expect(plain(c).positionSize).not.toEqual(plain(a).positionSize);
    expect(plain(c).collateral).not.toEqual(plain(a).collateral);
    // a prefix of a bigger book is not required to match, but the default seed must be stable
    expect(plain(generateBook({ accounts: 50 }))).toEqual(plain(generateBook({ accounts: 50, seed: 1 })));
  });

  it("is pinned: seed 1 gives the same book as when this test was written", () => {
    const g = generateBook({ accounts: 1000, seed: 1 });
    let h = 0n;
    const mix = (v: bigint) => {
      h = (h * 1_000_003n + v) % (1n << 61n);
    };
    g.markets.forEach((m) => mix(m.markPrice));
    g.collateral.forEach(mix);
    g.positionSize.forEach(mix);
    g.positionEntry.forEach(mix);
    g.positionMarket.forEach((m) => mix(BigInt(m)));
    expect({ positions: g.positionStart[1000], hash: h }).toMatchInlineSnapshot(`
      {
        "hash": 1538025735053843508n,
        "positions": 1898,
      }
    `);
  });

  it("produces a valid book: validateBook passes on columnsToBook of it", () => {
    const g = generateBook({ accounts: 5000, seed: 4 });
    expect(() => validateColumns(g)).not.toThrow();
    expect(() => validateBook(columnsToBook(g))).not.toThrow();
  });

  it("has the documented shape", () => {
    const n = 20_000;
    const g = generateBook({ accounts: n, seed: 2024 });
    expect(g.accountIds[0]).toBe("acct-000001");
    expect(g.accountIds[n - 1]).toBe("acct-020000");
    expect(g.liquidatorSharePpm).toBe(500_000n);
    expect(g.markets.map((m) => m.id)).toEqual(["BTC-PERP", "ETH-PERP", "SOL-PERP", "BNB-PERP", "XRP-PERP", "DOGE-PERP", "AVAX-PERP", "LINK-PERP"]);
    for (const m of g.markets) {
      expect(m.tiers.length).toBeGreaterThanOrEqual(3);
      expect(m.tiers.length).toBeLessThanOrEqual(5);
      expect(m.tiers[0].mmrPpm).toBeGreaterThanOrEqual(4_000n);
      expect(m.tiers[m.tiers.length - 1].mmrPpm).toBeLessThanOrEqual(50_000n);
      expect(m.tiers[0].maxNotional).toBeGreaterThanOrEqual(50_000_000_000n);
      expect(m.tiers[m.tiers.length - 2].maxNotional).toBeLessThanOrEqual(10_000_000_000_000n);
      expect(m.liquidationFeePpm).toBeGreaterThanOrEqual(2_000n);
      expect(m.liquidationFeePpm).toBeLessThanOrEqual(12_500n);
      expect(m.markPrice).toBeGreaterThan(0n);
    }
    expect(g.markets.filter((m) => m.volatility).length).toBeGreaterThan(0);
    expect(g.markets.filter((m) => !m.volatility).length).toBeGreaterThan(0);
    expect(g.markets.filter((m) => m.impact).length).toBeGreaterThan(0);
    expect(g.markets.filter((m) => !m.impact).length).toBeGreaterThan(0);

    const counts = [0, 0, 0, 0, 0];
    let longs = 0;
    const perMarket = new Array(8).fill(0);
    for (let a = 0; a < n; a++) {
      const k = g.positionStart[a + 1] - g.positionStart[a];
      counts[k]++;
      const ms = new Set<number>();
      for (let p = g.positionStart[a]; p < g.positionStart[a + 1]; p++) {
        ms.add(g.positionMarket[p]);
        perMarket[g.positionMarket[p]]++;
        expect(g.positionSize[p]).not.toBe(0n);
        expect(g.positionEntry[p]).toBeGreaterThan(0n);
        if (g.positionSize[p] > 0n) longs++;
      }
      expect(ms.size).toBe(k);
      expect(g.collateral[a]).toBeGreaterThan(0n);
    }
    expect(counts[0]).toBe(0);
    for (let k = 1; k <= 4; k++) expect(counts[k]).toBeGreaterThan(n * 0.05);
    expect(counts[1]).toBeGreaterThan(counts[2]);
    const np = g.positionStart[n];
    expect(longs / np).toBeGreaterThan(0.5);
    expect(longs / np).toBeLessThan(0.6);
    expect(perMarket[0]).toBeGreaterThan(perMarket[6]); // BTC more popular than AVAX
  });

  it("has a skewed leverage and a few percent of accounts at or past the maintenance line", () => {
    const n = 20_000;
    const g = generateBook({ accounts: n, seed: 77 });
    const leverage: number[] = [];
    let liquidatable = 0;
    let badDebt = 0;
    let near = 0;
    for (let a = 0; a < n; a++) {
      const r = evaluate(g, a);
      leverage.push(Number(r.notional) / Number(g.collateral[a]));
      if (r.liquidatable) liquidatable++;
      if (r.liquidatable && r.closeEquity < 0n) badDebt++;
      if (r.liquidatable || r.maintenance * 2n > r.equity) near++;
    }
    leverage.sort((x, y) => x - y);
    const q = (f: number) => leverage[Math.floor(f * (n - 1))];
    expect(q(0.5)).toBeGreaterThan(1.5);
    expect(q(0.5)).toBeLessThan(5);
    expect(q(0.8)).toBeLessThan(10);
    expect(q(0.99)).toBeGreaterThan(30);
    expect(q(1)).toBeLessThan(200);
    expect(liquidatable / n).toBeGreaterThan(0.005);
    expect(liquidatable / n).toBeLessThan(0.08);
    expect(near / n).toBeGreaterThan(liquidatable / n);
    expect(near / n).toBeLessThan(0.15);
    expect(badDebt).toBeGreaterThan(0);
    expect(badDebt).toBeLessThan(liquidatable);
  });

  it("reports progress and handles zero accounts", () => {
    const calls: [number, number][] = [];
    generateBook({ accounts: 70_000, seed: 1, onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([
      [65_536, 70_000],
      [70_000, 70_000],
    ]);
    const empty = generateBook({ accounts: 0 });
    expect(empty.accountIds).toEqual([]);
    expect([...empty.positionStart]).toEqual([0]);
    expect(() => validateColumns(empty)).not.toThrow();
  });

  it("adds markets on request: clones of the templates with distinct ids, a long tail of popularity", () => {
    // The default is the same book as `markets: 8` (the pinned test above pins that book).
    expect(plain(generateBook({ accounts: 300, seed: 9, markets: 8 }))).toEqual(plain(generateBook({ accounts: 300, seed: 9 })));
    const n = 20_000;
    const g = generateBook({ accounts: n, seed: 3, markets: 50 });
    expect(g.markets.length).toBe(50);
    expect(new Set(g.markets.map((m) => m.id)).size).toBe(50);
    expect(g.markets.slice(0, 9).map((m) => m.id)).toEqual(["BTC-PERP", "ETH-PERP", "SOL-PERP", "BNB-PERP", "XRP-PERP", "DOGE-PERP", "AVAX-PERP", "LINK-PERP", "BTC-PERP-2"]);
    expect(g.markets[49].id).toBe("ETH-PERP-7");
    // a clone has its template's parameters and its own mark
    const { markPrice: cloneMark, id: cloneId, ...clone } = g.markets[8];
    const { markPrice: btcMark, id: btcId, ...btc } = g.markets[0];
    expect(clone).toEqual(btc);
    expect([cloneId, btcId]).toEqual(["BTC-PERP-2", "BTC-PERP"]);
    expect(cloneMark).not.toBe(btcMark);
    expect(() => validateColumns(g)).not.toThrow();
    // every market is traded, the clones less than their templates, and accounts still hold distinct markets
    const perMarket = new Array(50).fill(0);
    for (let a = 0; a < n; a++) {
      const ms = new Set<number>();
      for (let p = g.positionStart[a]; p < g.positionStart[a + 1]; p++) {
        ms.add(g.positionMarket[p]);
        perMarket[g.positionMarket[p]]++;
      }
      expect(ms.size).toBe(g.positionStart[a + 1] - g.positionStart[a]);
    }
    expect(Math.min(...perMarket)).toBeGreaterThan(0);
    expect(perMarket[0]).toBeGreaterThan(perMarket[8]); // BTC-PERP over BTC-PERP-2
    expect(perMarket[8]).toBeGreaterThan(perMarket[48]); // BTC-PERP-2 over BTC-PERP-7
    // still a few percent liquidatable
    let liquidatable = 0;
    for (let a = 0; a < n; a++) if (evaluate(g, a).liquidatable) liquidatable++;
    expect(liquidatable / n).toBeGreaterThan(0.005);
    expect(liquidatable / n).toBeLessThan(0.08);
    // fewer than the templates: the first ones
    expect(generateBook({ accounts: 100, seed: 3, markets: 4 }).markets.map((m) => m.id)).toEqual(["BTC-PERP", "ETH-PERP", "SOL-PERP", "BNB-PERP"]);
  });

  it("rejects bad options", () => {
    expect(() => generateBook({ accounts: 10, markets: 3 })).toThrow(/markets must be an integer in \[4, 4096\], got 3/);
    expect(() => generateBook({ accounts: 10, markets: 4097 })).toThrow(RangeError);
    expect(() => generateBook({ accounts: 10, markets: 8.5 })).toThrow(RangeError);
    expect(() => generateBook({ accounts: -1 })).toThrow(RangeError);
    expect(() => generateBook({ accounts: 1.5 })).toThrow(RangeError);
    expect(() => generateBook({ accounts: 10, seed: 0.5 })).toThrow(RangeError);
  });

  it("generates a million accounts quickly, with ids widened to 7 digits", () => {
    const t = performance.now();
    const g = generateBook({ accounts: 1_000_000, seed: 5 });
    const ms = performance.now() - t;
    expect(g.accountIds[0]).toBe("acct-0000001");
    expect(g.accountIds[999_999]).toBe("acct-1000000");
    expect(g.positionStart[1_000_000]).toBeGreaterThan(1_500_000);
    expect(g.positionSize.length).toBe(g.positionStart[1_000_000]);
    expect(ms).toBeLessThan(30_000); // a few seconds on an idle machine; generous for shared CI
    expect(generateBook({ accounts: 10, seed: 1 }).accountIds[9]).toBe("acct-000010");
  });
});
