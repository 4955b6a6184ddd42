import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BookError } from "../book/errors.js";
import { I64_MAX, I64_MIN, formatDecimal, isI64, parseDecimal, tryParseDecimal } from "../book/decimal.js";

describe("tryParseDecimal", () => {
  it("parses exactly into 10^-decimals units", () => {
    expect(tryParseDecimal("65000.50", 2)).toBe(6500050n);
    expect(tryParseDecimal("65000.5", 2)).toBe(6500050n);
    expect(tryParseDecimal("65000", 2)).toBe(6500000n);
    expect(tryParseDecimal("0.5", 8)).toBe(50000000n);
    expect(tryParseDecimal("-0.1", 8)).toBe(-10000000n);
    expect(tryParseDecimal("-3.5", 3)).toBe(-3500n);
    expect(tryParseDecimal("1000", 6)).toBe(1000000000n);
    expect(tryParseDecimal("0.0125", 6)).toBe(12500n);
    expect(tryParseDecimal("7", 0)).toBe(7n);
    expect(tryParseDecimal("007.10", 2)).toBe(710n);
    expect(tryParseDecimal("0", 18)).toBe(0n);
    expect(tryParseDecimal("-0", 3)).toBe(0n);
    expect(tryParseDecimal("-0.000", 3)).toBe(0n);
    expect(tryParseDecimal("123456789012345678901234567890", 0)).toBe(123456789012345678901234567890n);
  });

  it("accepts zeros beyond the field's decimals and rejects any other digit there", () => {
    expect(tryParseDecimal("65000.500", 2)).toBe(6500050n);
    expect(tryParseDecimal("1.000000000000", 0)).toBe(1n);
    expect(tryParseDecimal("65000.501", 2)).toBe("has more decimals than 2");
    expect(tryParseDecimal("0.123456789", 8, "the market's 8")).toBe("has more decimals than the market's 8");
    expect(tryParseDecimal("1.5", 0)).toBe("has more decimals than 0");
    expect(tryParseDecimal("0.0000001", 6)).toMatch(/more decimals/);
  });

  it.each(["", "-", "+1", " 1", "1 ", "1e5", "1E5", ".5", "5.", "-.5", "1.2.3", "1,5", "--1", "0x10", "١", "1_000", "Infinity", "NaN", "1.-5", "-1.e3"])(
    "rejects %j",
    (text) => {
      expect(tryParseDecimal(text, 6)).toMatch(/is not a decimal number/);
    },
  );

  it("throws a BookError naming record and field from parseDecimal", () => {
    try {
      parseDecimal("0.123456789", 8, 'account "alice" position 1', "size", "the market's 8");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BookError);
      const err = e as BookError;
      expect(err.record).toBe('account "alice" position 1');
      expect(err.field).toBe("size");
      expect(err.message).toBe('account "alice" position 1: field "size": "0.123456789" has more decimals than the market\'s 8');
    }
  });
});

describe("formatDecimal", () => {
  it("writes exactly `decimals` digits after the point", () => {
    expect(formatDecimal(1500250000n, 6)).toBe("1500.250000");
    expect(formatDecimal(-5n, 6)).toBe("-0.000005");
    expect(formatDecimal(0n, 0)).toBe("0");
    expect(formatDecimal(0n, 2)).toBe("0.00");
    expect(formatDecimal(-949900000n, 6)).toBe("-949.900000");
    expect(formatDecimal(6500050n, 2)).toBe("65000.50");
    expect(formatDecimal(-12n, 0)).toBe("-12");
    expect(formatDecimal(1n, 18)).toBe("0.000000000000000001");
    expect(formatDecimal(I64_MAX, 2)).toBe("92233720368547758.07");
    expect(formatDecimal(I64_MIN, 6)).toBe("-9223372036854.775808");
  });
});

describe("round trip", () => {
  const decimals = fc.integer({ min: 0, max: 18 });

  it("parse(format(v)) === v for 64-bit values", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: I64_MIN, max: I64_MAX }), decimals, (v, d) => {
        expect(tryParseDecimal(formatDecimal(v, d), d)).toBe(v);
      }),
      { numRuns: 3000 },
    );
  });

  it("parse(format(v)) === v for values of any width", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), decimals, (v, d) => {
        expect(tryParseDecimal(formatDecimal(v, d), d)).toBe(v);
      }),
    );
  });

  it("trailing zeros and leading zeros do not change the value", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: I64_MIN, max: I64_MAX }), decimals, fc.nat(5), fc.nat(3), (v, d, zeros, lead) => {
        let text = formatDecimal(v, d);
        if (zeros > 0) text += (d === 0 ? "." : "") + "0".repeat(zeros);
        const neg = text.startsWith("-");
        text = (neg ? "-" : "") + "0".repeat(lead) + (neg ? text.slice(1) : text);
        expect(tryParseDecimal(text, d)).toBe(v);
      }),
    );
  });

  it("a non-zero digit beyond the decimals is always rejected", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: I64_MIN, max: I64_MAX }), fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 9 }), (v, d, digit) => {
        const text = formatDecimal(v, d) + (d === 0 ? "." : "") + String(digit);
        expect(tryParseDecimal(text, d)).toMatch(/more decimals/);
        // ... and accepted with one more decimal
        expect(tryParseDecimal(text, d + 1)).toBe(v * 10n + (v < 0n || text.startsWith("-") ? -BigInt(digit) : BigInt(digit)));
      }),
    );
  });

  it("format always has exactly `decimals` fraction digits", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: I64_MIN, max: I64_MAX }), decimals, (v, d) => {
        const text = formatDecimal(v, d);
        expect(text).toMatch(d === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${d}}$`));
        expect(/^-?0\d/.test(text)).toBe(false);
      }),
    );
  });
});

describe("64-bit range after scaling", () => {
  it("accepts exactly 2^63-1 and -2^63 and rejects one beyond", () => {
    for (let d = 0; d <= 18; d++) {
      const max = formatDecimal(I64_MAX, d);
      const min = formatDecimal(I64_MIN, d);
      expect(isI64(tryParseDecimal(max, d) as bigint)).toBe(true);
      expect(isI64(tryParseDecimal(min, d) as bigint)).toBe(true);
      expect(isI64(tryParseDecimal(formatDecimal(I64_MAX + 1n, d), d) as bigint)).toBe(false);
      expect(isI64(tryParseDecimal(formatDecimal(I64_MIN - 1n, d), d) as bigint)).toBe(false);
    }
    expect(tryParseDecimal("9223372036854775807", 0)).toBe(I64_MAX);
    expect(tryParseDecimal("9223372036854.775807", 6)).toBe(I64_MAX);
    expect(tryParseDecimal("-9.223372036854775808", 18)).toBe(I64_MIN);
  });
});
