// bench/book-formats.ts (npm run bench:formats) on a small book: every form is written, read back
// by the CLI's loader at the right size, and measured against reading its bytes (no timing is
// asserted: performance is measured in the benchmark, not in tests).
import { describe, expect, it } from "vitest";
import { formatsMarkdown, measureFormats } from "../bench/book-formats.js";

describe("bench: reading a book in each form", () => {
  it("measures every form against reading the same bytes", async () => {
    const rows = await measureFormats(2000, 1);
    expect(rows.map((r) => r.form)).toEqual(["csv", "arrow", "arrows", "parquet"]);
    for (const r of rows) {
      expect(r.bytes).toBeGreaterThan(20_000);
      expect(r.ratio).toBeCloseTo(r.diskSeconds / r.loadSeconds, 12);
      expect(r.loadMBps).toBeCloseTo(r.bytes / r.loadSeconds / 1e6, 6);
    }
    const md = formatsMarkdown(2000, rows);
    expect(md.split("\n").filter((l) => /^\| (csv|arrow|arrows|parquet) \|/.test(l))).toHaveLength(4);
  });
});
