/**
 * `liquidationPrices({ into })` (bindings/types.ts): a caller-owned array, reused across calls,
 * receives exactly what the plain form returns, on both engines, including after a tick; a view
 * into a larger buffer (byteOffset > 0) is written at its own offset; a wrong length or type is
 * refused before anything is written.
 */
import { describe, expect, it } from "vitest";
import { createEngine } from "../bindings/index.js";
import { generateBook } from "../book/generate.js";

describe("liquidationPrices into a caller-owned array", () => {
  for (const name of ["wasm", "reference"] as const) {
    it(`${name}: equals the plain form, call after call, and returns the array it was given`, async () => {
      const engine = await createEngine(name);
      const book = await engine.load(generateBook({ accounts: name === "wasm" ? 3000 : 300, seed: 7 }));
      try {
        const into = new BigInt64Array(book.positionCount).fill(-5n);
        expect(book.liquidationPrices({ into })).toBe(into);
        expect(into).toEqual(book.liquidationPrices());
        // A tick moves prices: the reused array follows (every entry overwritten).
        book.setMarkPrice(0, (book.markPrice(0) * 9n) / 10n);
        const again = book.liquidationPrices({ into });
        expect(again).toBe(into);
        expect(into).toEqual(book.liquidationPrices());
        // A view at an offset of a larger buffer: written in place, its neighbours untouched.
        const buffer = new BigInt64Array(book.positionCount + 4).fill(7n);
        const view = buffer.subarray(2, 2 + book.positionCount);
        book.liquidationPrices({ into: view });
        expect(view).toEqual(book.liquidationPrices());
        expect([buffer[0], buffer[1], buffer[buffer.length - 2], buffer[buffer.length - 1]]).toEqual([7n, 7n, 7n, 7n]);
        // Wrong length or type: refused, nothing written.
        const short = new BigInt64Array(book.positionCount - 1).fill(3n);
        expect(() => book.liquidationPrices({ into: short })).toThrow(/into must be a BigInt64Array of \d+ entries/);
        expect(short.every((v) => v === 3n)).toBe(true);
        expect(() => book.liquidationPrices({ into: new Float64Array(book.positionCount) as unknown as BigInt64Array })).toThrow(/into must be a BigInt64Array/);
      } finally {
        book.dispose();
      }
    });
  }
});
