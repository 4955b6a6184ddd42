// The demo page's display helpers: money rounded to cents on the integers, and the table's sort,
// which must order rows exactly even where two amounts convert to the same double.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { repairNavigatorLanguage, validLocale } from "../web/src/locale.js";
import { count, exactMoney, groupThousands, money, moneyOf, price } from "../web/src/money.js";
import { AMOUNT_KEYS, type AmountKey, type LiquidatableTable } from "../web/src/protocol.js";
import { sortRows } from "../web/src/sort.js";

describe("money display", () => {
  it("rounds quote units (10^-6) to cents, half away from zero, with thousands separators", () => {
    expect(money(0n)).toBe("0.00");
    expect(money(983_713_261n)).toBe("983.71");
    expect(money(1_234_567_891n)).toBe("1,234.57");
    expect(money(5_000n)).toBe("0.01"); // exactly half a cent rounds up
    expect(money(4_999n)).toBe("0.00");
    expect(money(-5_000n)).toBe("-0.01");
    expect(money(-4_999n)).toBe("0.00"); // no "-0.00"
    expect(money(-1_234_567_890_125_000n)).toBe("-1,234,567,890.13");
    expect(money((1n << 63n) - 1n)).toBe("9,223,372,036,854.78");
    expect(money(10n ** 30n)).toBe("1,000,000,000,000,000,000,000,000.00"); // totals wider than 64 bits
  });

  it("shows the exact value with all six decimals, and parses exact strings back", () => {
    expect(exactMoney(1_234_567_891n)).toBe("1,234.567891");
    expect(exactMoney(-5n)).toBe("-0.000005");
    expect(moneyOf("983.713261")).toBe("983.71");
    expect(moneyOf("-949.900000")).toBe("-949.90");
    expect(price(6_500_050n, 2)).toBe("65,000.50");
    expect(price(12n, 0)).toBe("12");
    expect(groupThousands("-1234567")).toBe("-1,234,567");
    expect(count(1234567)).toBe("1,234,567");
  });

  it("agrees with exact rounding on random amounts", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), (v) => {
        const cents = BigInt(money(v).replaceAll(",", "").replace(".", ""));
        // |v - cents * 10^4| <= 5000, and exactly 5000 only when rounding away from zero.
        const diff = v - cents * 10_000n;
        expect(diff <= 5_000n && diff >= -5_000n).toBe(true);
        if (diff === 5_000n) expect(v < 0n).toBe(true);
        if (diff === -5_000n) expect(v > 0n).toBe(true);
      }),
    );
  });
});

function tableOf(ids: string[], key: AmountKey, values: bigint[]): LiquidatableTable {
  const amounts = Object.fromEntries(AMOUNT_KEYS.map((k) => [k, new BigInt64Array(values.length)])) as Record<AmountKey, BigInt64Array>;
  amounts[key].set(values);
  return { rows: values.length, account: Uint32Array.from(values, (_, i) => i), ids, amounts };
}

describe("table sort", () => {
  it("orders amounts exactly where their doubles are equal, ties in book order", () => {
    const big = 1n << 60n; // doubles are 256 apart here: big, big+1 and big+2 all convert to the same one
    const values = [big + 2n, big, 5n, big + 1n, 5n, -7n];
    const t = tableOf(values.map((_, i) => `a${i}`), "badDebt", values);
    expect([...sortRows(t, "badDebt", false)]).toEqual([5, 2, 4, 1, 3, 0]);
    expect([...sortRows(t, "badDebt", true)]).toEqual([0, 3, 1, 2, 4, 5]);
  });

  it("ranks 'no margin ratio' (equity <= 0, stored as -1) above every ratio", () => {
    const t = tableOf(["a", "b", "c", "d"], "marginRatio", [1_500_000n, -1n, 9_000_000_000n, -1n]);
    expect([...sortRows(t, "marginRatio", true)]).toEqual([1, 3, 2, 0]);
    expect([...sortRows(t, "marginRatio", false)]).toEqual([0, 2, 1, 3]);
  });

  it("sorts ids by code units, equal ids in book order", () => {
    const t = tableOf(["acct-10", "acct-02", "Bob", "acct-02"], "equity", [0n, 0n, 0n, 0n]);
    expect([...sortRows(t, "id", false)]).toEqual([2, 1, 3, 0]);
    expect([...sortRows(t, "id", true)]).toEqual([0, 1, 3, 2]);
  });

  it("matches a BigInt sort on random columns", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { maxLength: 200 }), fc.boolean(), (values, descending) => {
        const t = tableOf(values.map(String), "penalty", values);
        const expected = values
          .map((v, i) => ({ v, i }))
          .sort((x, y) => (x.v === y.v ? x.i - y.i : (x.v < y.v) !== descending ? -1 : 1))
          .map((x) => x.i);
        expect([...sortRows(t, "penalty", descending)]).toEqual(expected);
      }),
    );
  });
});

describe("the browser's language", () => {
  it("reads a tag that Intl rejects as a valid one, or as none", () => {
    expect(() => new Intl.NumberFormat("en-US@posix")).toThrow(RangeError); // what Chromium says under LANG=C.UTF-8
    expect(validLocale("en-US@posix")).toBe("en-US");
    expect(validLocale("de_DE.UTF-8")).toBe("de-DE");
    expect(validLocale("fr-CA")).toBe("fr-CA");
    expect(validLocale("en-us")).toBe("en-US"); // canonical case
    expect(validLocale("C")).toBeUndefined();
    expect(validLocale("@posix")).toBeUndefined();
    expect(validLocale("")).toBeUndefined();
    expect(validLocale(undefined)).toBeUndefined();
  });

  it("repairs navigator.language so that a number format built from it works (uPlot builds one)", () => {
    const posix = { language: "en-US@posix" };
    expect(repairNavigatorLanguage(posix)).toBe("en-US");
    expect(posix.language).toBe("en-US");
    expect(new Intl.NumberFormat(posix.language).format(1234.5)).toBe("1,234.5");

    const unreadable = { language: "C" };
    const fallback = repairNavigatorLanguage(unreadable)!;
    expect(unreadable.language).toBe(fallback);
    expect(fallback).toBe(new Intl.NumberFormat().resolvedOptions().locale);
    expect(() => new Intl.NumberFormat(unreadable.language)).not.toThrow();

    const valid = { language: "pt-BR" };
    expect(repairNavigatorLanguage(valid)).toBe("pt-BR");
    expect(valid.language).toBe("pt-BR");
    expect(repairNavigatorLanguage(undefined)).toBeUndefined();
  });
});
