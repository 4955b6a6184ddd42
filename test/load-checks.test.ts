/**
 * The wasm engine checks the positions of a plain book in the core once they are in its memory
 * (assembly/validate.ts), and asks the JavaScript validation for the error when the core finds a
 * fault. A fault the core missed would load a wrong book silently, so every rule is broken here,
 * at the first, a middle and the last account, and the load must fail with validateColumns's own
 * error; a book that breaks none loads.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createEngine, generateBook, type Engine } from "../bindings/index.js";
import { BookError } from "../book/errors.js";
import type { BookColumns } from "../book/types.js";
import { validateColumns } from "../book/validate.js";

let wasm: Engine;
beforeAll(async () => {
  wasm = await createEngine("wasm");
});

function copy(c: BookColumns): BookColumns {
  return { ...c, accountIds: [...c.accountIds], collateral: c.collateral.slice(), positionStart: c.positionStart.slice(), positionMarket: c.positionMarket.slice(), positionSize: c.positionSize.slice(), positionEntry: c.positionEntry.slice() };
}

/** The error validateColumns throws for these columns (it must throw one). */
function jsError(c: BookColumns): BookError {
  try {
    validateColumns(c);
  } catch (e) {
    if (e instanceof BookError) return e;
    throw e;
  }
  throw new Error("validateColumns accepted the columns");
}

const base = generateBook({ accounts: 400, seed: 17, markets: 6 });
/** An account with at least two positions near `at` (of the accounts). */
function twoPositionAccount(at: number): number {
  for (let a = at; a < base.accountIds.length; a++) if (base.positionStart[a + 1]! - base.positionStart[a]! >= 2) return a;
  for (let a = at; a >= 0; a--) if (base.positionStart[a + 1]! - base.positionStart[a]! >= 2) return a;
  throw new Error("no account with two positions");
}

const faults: Record<string, (c: BookColumns, a: number) => void> = {
  "a market index past the markets": (c, a) => { c.positionMarket[c.positionStart[a]!] = c.markets.length; },
  "a market index far past the markets": (c, a) => { c.positionMarket[c.positionStart[a]!] = 0xffffffff; },
  "a negative entry price": (c, a) => { c.positionEntry[c.positionStart[a]! + 1] = -1n; },
  "the most negative entry price": (c, a) => { c.positionEntry[c.positionStart[a]!] = -(1n << 63n); },
  "a market held twice": (c, a) => { c.positionMarket[c.positionStart[a]! + 1] = c.positionMarket[c.positionStart[a]!]!; },
  "decreasing offsets": (c, a) => { c.positionStart[a + 1] = c.positionStart[a]! - 1; },
  "an offset past the positions": (c, a) => { c.positionStart[a + 1] = c.positionSize.length + 5; },
};

describe("loading a plain book checks its positions in the core", () => {
  for (const [name, breakIt] of Object.entries(faults)) {
    it(`${name}: the load fails with validateColumns's error, at the first, a middle and the last account`, async () => {
      for (const where of [0, 200, base.accountIds.length - 1]) {
        const a = name.includes("offset") ? Math.max(1, Math.min(where, base.accountIds.length - 2)) : twoPositionAccount(where);
        const bad = copy(base);
        breakIt(bad, a);
        const want = jsError(bad);
        await expect(wasm.load(bad), `${name} at account ${a}`).rejects.toThrow(want.message);
      }
    });
  }

  it("decreasing offsets whose overlap breaks no other rule (three accounts in three markets)", async () => {
    const markets = base.markets.slice(0, 3);
    const book: BookColumns = {
      markets, accountIds: ["x", "y", "z"], liquidatorSharePpm: 0n, collateral: new BigInt64Array([1n, 1n, 1n]),
      positionStart: new Uint32Array([0, 1, 0, 3]), positionMarket: new Uint32Array([0, 1, 2]),
      positionSize: new BigInt64Array([1n, 1n, 1n]), positionEntry: new BigInt64Array([1n, 1n, 1n]),
    };
    await expect(wasm.load(book)).rejects.toThrow(jsError(book).message);
  });

  it("a book that breaks none loads, and scans as the reference does", async () => {
    const book = await wasm.load(copy(base));
    const reference = await (await createEngine("reference")).load(copy(base));
    expect(book.scan().totals).toEqual(reference.scan().totals);
  });

  it("a book without markets loads when it has no positions, and fails when it has some", async () => {
    const empty: BookColumns = { ...copy(base), markets: [], positionStart: new Uint32Array(base.accountIds.length + 1), positionMarket: new Uint32Array(0), positionSize: new BigInt64Array(0), positionEntry: new BigInt64Array(0) };
    await expect(wasm.load(empty)).resolves.toBeDefined();
    const one = copy(base);
    const some: BookColumns = { ...one, markets: [] };
    await expect(wasm.load(some)).rejects.toThrow(jsError(some).message);
  });
});
