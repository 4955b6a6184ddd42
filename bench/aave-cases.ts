/**
 * The aave-v3 rows (docs/venues/aave-v3.md): the core's scan of a lending book (every user's exact
 * health factor and trigger, bindings/aave-v3.ts) and, on a sample of the same users given as the
 * UI pool data provider returns them, @aave/math-utils' formatUserSummary (the peer SDK, a
 * devDependency), one user at a time as an application calls it. Both rows count users as their
 * "positions", so their positions/s divide into the speed ratio (the target below).
 */
import { formatReserves, formatUserSummary } from "@aave/math-utils";
import { AaveScanner } from "../bindings/aave-v3.js";
import { randomAaveBook, toHumanized } from "../book/venues/aave-generate.js";
import { liquidationPrice } from "../reference/venues/aave-v3.js";
import type { BenchCase } from "./cases.js";
import type { CaseRow } from "./report.js";
import { formatRate, formatRatio } from "./report.js";

/** Lending users per benchmark size: a quarter of its positions (an Aave user holds two to five reserves). */
const usersOf = (positions: number) => Math.max(1000, Math.round(positions / 4));
/** Users math-utils formats per timed call (it runs at about 10k users/s). */
const SDK_SAMPLE = 2000;
const AT = 1_760_000_000;
/** Users whose every reserve is priced per timed call: the core (about 4 us a pair), the reference (about 150 us). */
const PRICE_SAMPLE = 20_000, REFERENCE_PRICE_SAMPLE = 300;

export const AAVE_CASES: readonly BenchCase[] = [
  {
    id: "wasm-aave-v3",
    label: "wasm scan, aave-v3 lending book (positions = users)",
    kind: "other",
    async prepare(ctx) {
      const book = randomAaveBook(42, { users: usersOf(ctx.size.positions) });
      const scanner = await AaveScanner.load(book);
      return { run: () => scanner.scanCount(), positions: book.users.length };
    },
  },
  {
    id: "aave-math-utils",
    label: `@aave/math-utils 1.38 formatUserSummary, ${SDK_SAMPLE} users of the same book (positions = users)`,
    kind: "other",
    async prepare(ctx) {
      const book = randomAaveBook(42, { users: Math.min(SDK_SAMPLE, usersOf(ctx.size.positions)) });
      const h = toHumanized(book, AT);
      const reserves = formatReserves({
        reserves: (h.reserves as { reservesData: never[] }).reservesData, eModes: (h.reserves as { eModes: never[] }).eModes,
        currentTimestamp: AT, marketReferenceCurrencyDecimals: 8, marketReferencePriceInUsd: "100000000",
      });
      return {
        run: () => {
          let liquidatable = 0;
          for (let a = 0; a < book.users.length; a++) {
            const s = formatUserSummary({
              currentTimestamp: AT, marketReferencePriceInUsd: "100000000", marketReferenceCurrencyDecimals: 8,
              userReserves: h.users[a]!.userReserves as never, formattedReserves: reserves, userEmodeCategoryId: book.users[a]!.eMode,
            });
            if (s.healthFactor !== "-1" && Number(s.healthFactor) < 1) liquidatable++;
          }
          return liquidatable;
        },
        positions: book.users.length,
      };
    },
  },
  {
    id: "wasm-aave-v3-liq-price",
    label: `liquidation price of every reserve of ${PRICE_SAMPLE.toLocaleString("en-US")} users of the aave-v3 book (wasm; positions = (user, reserve) pairs)`,
    kind: "other",
    async prepare(ctx) {
      const book = randomAaveBook(42, { users: Math.min(PRICE_SAMPLE, usersOf(ctx.size.positions)) });
      const scanner = await AaveScanner.load(book);
      const pairs = book.users.reduce((n, u) => n + u.reserves.length, 0);
      return { run: () => { for (let a = 0; a < book.users.length; a++) scanner.liquidationPrices(a); }, positions: pairs };
    },
  },
  {
    id: "reference-aave-v3-liq-price",
    label: `liquidation price of every reserve of ${REFERENCE_PRICE_SAMPLE} users of the same book (BigInt reference; positions = pairs)`,
    kind: "other",
    async prepare(ctx) {
      const book = randomAaveBook(42, { users: Math.min(REFERENCE_PRICE_SAMPLE, usersOf(ctx.size.positions)) });
      const pairs = book.users.reduce((n, u) => n + u.reserves.length, 0);
      return { run: () => { for (const u of book.users) for (const e of u.reserves) liquidationPrice(book, u, e.reserve); }, positions: pairs };
    },
  },
];

/** The aave-v3 scan's users/s over math-utils' (informative: no figure is promised). */
export function aaveRatio(row: (id: string) => CaseRow | undefined): { measured: string; met: boolean } {
  const core = row("wasm-aave-v3"), sdk = row("aave-math-utils");
  if (core?.positionsPerSecond === undefined || sdk?.positionsPerSecond === undefined) return { measured: "not measured", met: false };
  const ratio = core.positionsPerSecond / sdk.positionsPerSecond;
  return { measured: `${formatRatio(ratio)} (${formatRate(core.positionsPerSecond)} vs ${formatRate(sdk.positionsPerSecond)} users/s)`, met: ratio >= 100 };
}
