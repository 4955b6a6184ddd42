// Side by side with @aave/math-utils 1.38.0 (aave/aave-utilities, the SDK the Aave interface uses):
// the same random 3.3 users, given to formatReserves / formatUserSummary as the UI pool data
// provider returns them (book/venues/aave-generate.ts toHumanized) and to the core as a lending
// book. math-utils computes in bignumber.js decimals without the pool's truncations (each
// reserve's base value, the average threshold to whole bps), so its HF is not the pool's to the
// last wei; the test derives the band those truncations allow and checks that math-utils' HF lies
// in it, and that both say the same wherever the band does not straddle 1.
import { formatReserves, formatUserSummary } from "@aave/math-utils";
import { describe, expect, it } from "vitest";
import { AaveScanner } from "../../bindings/aave-v3.js";
import { randomAaveBook, toHumanized } from "../../book/venues/aave-generate.js";
import { accountData, borrowed, supplied, WAD } from "../../reference/venues/aave-v3.js";
import type { AaveBook, AaveUser } from "../../book/venues/aave-book.js";

const baseSeed = Number(process.env.LIQSCAN_SEED ?? Date.now() % 1_000_000_000);
const AT = 1_760_000_000;
const SCALE = 10n ** 36n;

/** A decimal string as a rational n / SCALE (math-utils' HF has at most ~20 decimals). */
function rational(s: string): bigint {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = (m[3] ?? "").slice(0, 36).padEnd(36, "0");
  const v = BigInt(m[2]!) * SCALE + BigInt(frac);
  return m[1] ? -v : v;
}

/**
 * The band of the exact (untruncated) health factor around the pool's, times SCALE: the collateral
 * side loses under one base unit per reserve and under one bps of the average (C / 10^4), plus the
 * half-up of percentMul; the debt side under one base unit per reserve. Each token balance may also
 * differ by its rounding (one token unit, worth price / unit).
 */
function band(b: AaveBook, u: AaveUser): { lo: bigint; hi: bigint } {
  const d = accountData(b, u);
  const mode = b.eModes.find((e) => e.id === u.eMode);
  let slackC = 0n, slackD = 0n;
  for (const e of u.reserves) {
    const r = b.reserves[e.reserve]!;
    const unit = 10n ** BigInt(r.decimals);
    const oneToken = r.price / unit + 1n;
    const lt = mode?.collateral.includes(e.reserve) ? mode.liquidationThreshold : r.liquidationThreshold;
    if (lt !== 0n && e.usageAsCollateralEnabled && supplied(r, e.scaledATokenBalance) !== 0n) slackC += (oneToken + 1n) * lt;
    if (borrowed(r, e.scaledVariableDebt, e.stableDebt) !== 0n) slackD += oneToken + 1n;
  }
  const X = (d.totalCollateralBase * d.avgLiquidationThreshold + 5000n) / 10000n;
  const D = d.totalDebtBase;
  // Exact collateral side in [X - 1, X + (slackC + C) / 10^4 + 1]; exact debt in [D - slackD, D + slackD].
  const hiNum = (X + (slackC + d.totalCollateralBase) / 10000n + 2n) * SCALE;
  const loNum = (X - 1n) * SCALE;
  return { lo: loNum / (D + slackD), hi: D - slackD > 0n ? hiNum / (D - slackD) + 1n : (1n << 400n) };
}

describe("aave-v3 against @aave/math-utils", () => {
  it("the same health factors on random users, to math-utils' precision (the band of the pool's truncations)", async () => {
    let compared = 0, maxRel = 0, agreeOnTrigger = 0;
    for (let i = 0; i < 3; i++) {
      const seed = baseSeed + i;
      const b = randomAaveBook(seed, { users: 300, version: "3.3" });
      const h = toHumanized(b, AT);
      const reserves = formatReserves({
        reserves: (h.reserves as { reservesData: never[] }).reservesData, eModes: (h.reserves as { eModes: never[] }).eModes,
        currentTimestamp: AT, marketReferenceCurrencyDecimals: 8, marketReferencePriceInUsd: "100000000",
      });
      const scan = (await AaveScanner.load(b)).scan();
      b.users.forEach((u, a) => {
        const where = `seed ${seed} user ${a}`;
        const ours = scan.users[a]!;
        if (ours.status === "overflow") return;
        const theirs = formatUserSummary({
          currentTimestamp: AT, marketReferencePriceInUsd: "100000000", marketReferenceCurrencyDecimals: 8,
          userReserves: h.users[a]!.userReserves as never, formattedReserves: reserves, userEmodeCategoryId: u.eMode,
        });
        if (ours.healthFactor === null) {
          expect(theirs.healthFactor, where).toBe("-1");
          return;
        }
        const hf = rational(theirs.healthFactor);
        const { lo, hi } = band(b, u);
        expect(hf >= lo && hf <= hi, `${where}: math-utils ${theirs.healthFactor} outside [${lo}, ${hi}] / 1e36 (ours ${ours.healthFactor})`).toBe(true);
        const oursScaled = ours.healthFactor * (SCALE / WAD);
        if (oursScaled > 0n) maxRel = Math.max(maxRel, Math.abs(Number(hf - oursScaled)) / Number(oursScaled));
        if (lo >= SCALE || hi < SCALE) {
          expect(hf < SCALE, where).toBe(ours.status === "liquidatable");
          agreeOnTrigger++;
        }
        compared++;
      });
    }
    console.log(`aave-v3 vs math-utils: ${compared} health factors compared, ${agreeOnTrigger} outside the band around 1 agree on the trigger, largest relative difference ${maxRel.toExponential(2)}`);
    expect(compared).toBeGreaterThan(700);
    expect(agreeOnTrigger).toBeGreaterThan(600);
    // The average threshold's truncation to whole bps dominates: below 1 / 5000 relative.
    expect(maxRel).toBeLessThan(2e-4);
  });
});
