// The Aave v3 importer (book/venues/aave.ts): @aave/contract-helpers' humanized UI pool data
// provider responses -> a lending book, the indexes accrued as the pool accrues them (the
// math-utils YFI case, computed with hardhat), every refusal with its file, record and field, and
// `liqscan import aave`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAaveBook, type AaveBook } from "../../book/venues/aave-book.js";
import { randomAaveBook, reserveAddress, toHumanized } from "../../book/venues/aave-generate.js";
import { importAaveBook } from "../../book/venues/aave.js";
import { RAY, compoundedInterest, rayMul } from "../../reference/venues/aave-v3.js";
import { errorOf } from "../support/book-error.js";
import { liqscan } from "../support/run-cli.js";

const AT = 1_760_000_000;

/** The book without what the import leaves out (user reserves with no balance) and cannot carry (a v3.0 e-mode price source). */
function normalized(b: AaveBook): AaveBook {
  return {
    ...b,
    timestamp: BigInt(AT), // the import's --at (default: the reserves' last update, AT here)
    eModes: b.eModes.map(({ price: _p, ...e }) => e),
    users: b.users.map((u) => ({ ...u, reserves: u.reserves.filter((e) => e.scaledATokenBalance !== 0n || e.scaledVariableDebt !== 0n || e.stableDebt !== 0n) })),
  };
}

function importOf(b: AaveBook, edit: (h: ReturnType<typeof toHumanized>) => void = () => {}, extra: Partial<Parameters<typeof importAaveBook>[0]> = {}) {
  const h = structuredClone(toHumanized(b, AT));
  edit(h);
  return importAaveBook({ reserves: JSON.stringify(h.reserves), reservesSource: "R.json", users: JSON.stringify(h.users), usersSource: "U.json", ...extra });
}

describe("aave importer", () => {
  it("the provider's responses of a book give the book back (3.3 with its eModes, 3.0 with the reserves' categories and stable debt)", () => {
    for (const version of ["3.3", "3.0"] as const) {
      const b = normalized(randomAaveBook(11, { users: 60, version }));
      const r = importOf(b);
      expect(r.book.version).toBe(version);
      expect(r.book).toEqual(b);
      expect(parseAaveBook(r.text)).toEqual(b);
      expect(r.users).toBe(60);
    }
  });

  it("takes a reserve's isActive and isPaused, and on v3.3 a liquidationGracePeriodUntil where the record has one; the book's timestamp is --at", () => {
    const b = normalized(randomAaveBook(12, { users: 10, version: "3.3" }));
    const r = importOf(b, (h) => {
      const rs = h.reserves.reservesData as Record<string, unknown>[];
      rs[0]!.isPaused = true;
      rs[1]!.isActive = false;
      rs[2]!.liquidationGracePeriodUntil = String(AT + 3600);
    }, { at: BigInt(AT + 60) });
    expect(r.book.timestamp).toBe(BigInt(AT + 60));
    expect(r.book.reserves[0]!.paused).toBe(true);
    expect(r.book.reserves[1]!.active).toBe(false);
    expect(r.book.reserves[2]!.liquidationGracePeriodUntil).toBe(BigInt(AT + 3600));
    expect(r.book.reserves[3]!.paused ?? false).toBe(false);
    expect(parseAaveBook(r.text)).toEqual(r.book);
    expect(() => importOf(b, (h) => { (h.reserves.reservesData as Record<string, unknown>[])[0]!.isPaused = "no"; })).toThrow(/R.json: reservesData\[0\]: field "isPaused": expected true or false, got string "no"/);
  });

  it("accrues the indexes to --at as the pool does: math-utils' YFI balance (hardhat), and a compounded debt", () => {
    const b: AaveBook = {
      venue: "aave-v3", version: "3.3", eModes: [],
      reserves: [{ id: "YFI", decimals: 18, price: 3_000_000_000_000n, ltv: 4000n, liquidationThreshold: 5500n, liquidationBonus: 11500n, liquidationProtocolFee: 1000n, reserveFactor: 2000n, liquidityIndex: 1001723339432542553527150680n, variableBorrowIndex: RAY }],
      users: [{ id: "0xa5a69107816c5e3dfa5561e6b621dfe6294f6e5b", eMode: 0, reserves: [{ reserve: 0, scaledATokenBalance: 161316503206059870n, usageAsCollateralEnabled: true, scaledVariableDebt: 10n ** 17n, stableDebt: 0n }] }],
    };
    const h = toHumanized(b, 1609673617);
    const yfi = (h.reserves.reservesData as Record<string, unknown>[])[0]!;
    yfi.liquidityRate = "22461916953455574582370088";
    yfi.variableBorrowRate = "50000000000000000000000000";
    const r = importAaveBook({ reserves: JSON.stringify(h.reserves), users: JSON.stringify(h.users), at: 1609675535n });
    expect(rayMul(161316503206059870n, r.book.reserves[0]!.liquidityIndex)).toBe(161594727054623229n);
    expect(r.book.reserves[0]!.variableBorrowIndex).toBe(rayMul(compoundedInterest(50000000000000000000000000n, 1609673617n, 1609675535n), RAY));
    // Default time: the reserves' latest update, so nothing accrues.
    expect(importAaveBook({ reserves: JSON.stringify(h.reserves), users: JSON.stringify(h.users) }).book.reserves[0]!.liquidityIndex).toBe(1001723339432542553527150680n);
  });

  it("a v3.0 stable debt is the principal compounded from the user's last update", () => {
    const b = normalized(randomAaveBook(3, { users: 1, version: "3.0" }));
    const r = importOf(b, (h) => {
      const e = (h.users[0]!.userReserves as Record<string, unknown>[])[0]!;
      e.principalStableDebt = "1000000000000000000";
      e.stableBorrowRate = "40000000000000000000000000";
      e.stableBorrowLastUpdateTimestamp = AT - 86400 * 30;
    });
    expect(r.book.users[0]!.reserves[0]!.stableDebt).toBe(rayMul(10n ** 18n, compoundedInterest(4n * 10n ** 25n, BigInt(AT - 86400 * 30), BigInt(AT))));
  });

  it("users as an object keyed by address; the protocol fee from --protocol-fee where the records lack it", () => {
    const b = normalized(randomAaveBook(5, { users: 3 }));
    const h = toHumanized(b, AT);
    const byAddress = Object.fromEntries(h.users.map(({ user, ...rest }) => [user as string, rest]));
    for (const r of h.reserves.reservesData as Record<string, unknown>[]) delete r.liquidationProtocolFee;
    const r = importAaveBook({ reserves: JSON.stringify(h.reserves), users: JSON.stringify(byAddress), protocolFee: 1000n });
    expect(r.book).toEqual({ ...b, reserves: b.reserves.map((x) => ({ ...x, liquidationProtocolFee: 1000n })) });
  });

  it("refuses, naming the file, the record and the field", () => {
    const b = normalized(randomAaveBook(2, { users: 5 }));
    const b30 = normalized(randomAaveBook(2, { users: 5, version: "3.0" }));
    const reserve = (h: ReturnType<typeof toHumanized>, k: number) => (h.reserves.reservesData as Record<string, unknown>[])[k]!;
    const cases: [AaveBook, (h: ReturnType<typeof toHumanized>) => void, string][] = [
      [b, (h) => { delete reserve(h, 2).liquidationProtocolFee; }, 'R.json: reservesData[2]: field "liquidationProtocolFee": missing: the UI pool data provider does not return it; add it to the record (the pool data provider\'s getLiquidationProtocolFee, the subgraph\'s Reserve.liquidationProtocolFee) or give --protocol-fee BPS'],
      [b, (h) => { reserve(h, 1).liquidityIndex = "1.5"; }, 'R.json: reservesData[1]: field "liquidityIndex": expected a whole number >= 0 (a decimal string), got string "1.5"'],
      [b, (h) => { reserve(h, 0).priceInMarketReferenceCurrency = (1n << 64n).toString(); }, 'R.json: reservesData[0]: field "priceInMarketReferenceCurrency": 18446744073709551616 exceeds 18446744073709551615'],
      [b, (h) => { reserve(h, 0).lastUpdateTimestamp = AT + 5; }, `R.json: reservesData[0]: field "lastUpdateTimestamp": ${AT + 5} is after the scan's time ${AT - 1} (--at)`],
      [b, (h) => { (h.reserves.eModes as { eMode: { collateralBitmap: string } }[])[0]!.eMode.collateralBitmap = (1n << 100n).toString(2); }, 'R.json: eModes[0].eMode: field "collateralBitmap": bit 100 is set but no reserve has originalId 100'],
      [b, (h) => { (h.users[1]!.userReserves as Record<string, unknown>[])[0]!.underlyingAsset = "0xdead"; }, 'U.json: [1].userReserves[0]: field "underlyingAsset": "0xdead" is not a reserve of R.json'],
      [b, (h) => { (h.users[1]!.userReserves as Record<string, unknown>[])[0]!.usageAsCollateralEnabledOnUser = 1; }, 'U.json: [1].userReserves[0]: field "usageAsCollateralEnabledOnUser": expected true or false, got number 1'],
      [b, (h) => { h.users[2]!.userEmodeCategoryId = 9; }, 'U.json: [2]: field "userEmodeCategoryId": 9 is not a category of R.json'],
      [b, (h) => { delete h.users[3]!.user; }, 'U.json: [3]: field "user": missing: each response needs the user\'s address (user or id)'],
      [b, (h) => { h.users[4]!.user = h.users[0]!.user; }, `U.json: [4]: field "user": "${h0(b)}" appears twice`],
      [b30, (h) => { reserve(h, 0).eModePriceSource = "0x1111111111111111111111111111111111111111"; }, 'R.json: reservesData[0]: field "eModePriceSource": "0x1111111111111111111111111111111111111111": a category priced by its own oracle; its price is not in the response (only the zero address is supported)'],
      [b30, (h) => { reserve(h, 1).eModeLiquidationThreshold = 9000; }, 'R.json: reservesData[1]: field "eModeLiquidationThreshold": 9000 differs from 9500, category 1\'s on another reserve'],
      [b, (h) => { reserve(h, 3).reserveLiquidationBonus = "10000"; }, 'the imported book: reserve "USDC": field "liquidationBonus": 10000: a collateral\'s bonus is above 10000 (100 %)'],
    ];
    for (const [book, edit, message] of cases) expect(errorOf(() => importOf(book, edit, edit === cases[3]![1] ? { at: BigInt(AT - 1) } : {})).message).toBe(message);
    expect(errorOf(() => importOf(b, (h) => { (h.reserves.eModes as { eMode: { collateralBitmap: string } }[])[0]!.eMode.collateralBitmap = "515"; })).message).toBe('R.json: eModes[0].eMode: field "collateralBitmap": expected a base-2 string of at most 256 digits (as getEModesHumanized writes it), got string "515"');
    expect(errorOf(() => importAaveBook({ reserves: "{", reservesSource: "R.json", users: "[]" })).message).toMatch(/^R\.json: not JSON: /);
    expect(errorOf(() => importAaveBook({ reserves: JSON.stringify({ reservesData: [] }), reservesSource: "R.json", users: "[]" })).message).toBe('R.json: field "reservesData": no reserves');
    expect(errorOf(() => importAaveBook({ reserves: JSON.stringify(toHumanized(b, AT).reserves), users: "5", usersSource: "U.json" })).message).toBe("U.json: expected an array of getUserReservesHumanized responses or an object keyed by address, got number 5");
  });
});

function h0(b: AaveBook): string {
  return b.users[0]!.id;
}

describe("liqscan import aave", () => {
  const dir = mkdtempSync(join(tmpdir(), "liqscan-aave-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the book and says what it holds; bad input exits 2 naming the file and field", async () => {
    const b = normalized(randomAaveBook(21, { users: 25 }));
    const h = toHumanized(b, AT);
    writeFileSync(join(dir, "R.json"), JSON.stringify(h.reserves));
    writeFileSync(join(dir, "U.json"), JSON.stringify(h.users));
    const out = join(dir, "BOOK.json");
    const ok = await liqscan("import", "aave", "--reserves", join(dir, "R.json"), "--users", join(dir, "U.json"), "--out", out);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`wrote 25 users with ${b.users.reduce((n, u) => n + u.reserves.length, 0)} reserve balances over ${b.reserves.length} reserves (aave-v3 3.3) to ${out}\n`);
    expect(parseAaveBook(readFileSync(out, "utf8"))).toEqual(b);
    const bad = structuredClone(h.users);
    (bad[0]!.userReserves as Record<string, unknown>[])[0]!.underlyingAsset = reserveAddress(40);
    writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
    const run = await liqscan("import", "aave", "--reserves", join(dir, "R.json"), "--users", join(dir, "bad.json"), "--out", join(dir, "X.json"));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`liqscan: ${join(dir, "bad.json")}: [0].userReserves[0]: field "underlyingAsset": "${reserveAddress(40)}" is not a reserve of ${join(dir, "R.json")}\n`);
    for (const [args, message] of [
      [["--users", "U.json"], 'liqscan: import aave: missing --reserves RESERVES.json (see "liqscan import --help")\n'],
      [["--reserves", "R.json"], 'liqscan: import aave: missing --users USERS.json (see "liqscan import --help")\n'],
      [["--reserves", "R.json", "--users", "U.json", "--at", "soon"], 'liqscan: import aave: --at "soon" is not a whole number in [0, 1099511627775]\n'],
      [["--reserves", "R.json", "--users", "U.json", "--version", "3.7"], 'liqscan: import aave: --version "3.7" is not 3.0 or 3.3\n'],
    ] as const) {
      const r = await liqscan("import", "aave", ...args, "--out", join(dir, "Y.json"));
      expect(r.stderr).toBe(message);
      expect(r.code).toBe(2);
    }
  });
});
