/**
 * Aave v3 importer: what `@aave/contract-helpers`' UiPoolDataProvider returns (its humanized
 * responses, the inputs of `@aave/math-utils`' formatReserves / formatUserSummary) -> a lending book
 * (book/venues/aave-book.ts, docs/venues/aave-v3.md), as JSON text. Browser-safe.
 *
 * Inputs (JSON text):
 * - reserves: `getReservesHumanized()`'s `{ reservesData, baseCurrencyData }`, and for a v3.2+ pool
 *   the categories of `getEModesHumanized()` beside them as `eModes` (`[{ id, eMode: { ltv,
 *   liquidationThreshold, liquidationBonus, collateralBitmap } }]`, the bitmap in base 2 as it
 *   writes it). A v3.0/3.1 pool's reserves carry
 *   their category instead (eModeCategoryId, eModeLtv, eModeLiquidationThreshold,
 *   eModeLiquidationBonus, eModePriceSource) and their stable rates: the book is then "3.0".
 *   The UI provider does not return the liquidation protocol fee: each reserve takes its
 *   `liquidationProtocolFee` field where the file has one (the subgraph's Reserve has it; the pool
 *   data provider's getLiquidationProtocolFee gives it), else `protocolFee`, else the import fails
 *   naming the reserve.
 * - users: an array of `getUserReservesHumanized({ user })` responses, `{ userReserves,
 *   userEmodeCategoryId }`, each with the user's address as `user` (or `id`), or an object keyed by
 *   the addresses.
 * - at: the scan's time (unix seconds): each reserve's indexes are accrued from lastUpdateTimestamp
 *   to it as the pool does (getNormalizedIncome: linear; getNormalizedDebt: compounded), and a v3.0
 *   stable debt from the user's stableBorrowLastUpdateTimestamp (StableDebtToken.balanceOf). Default:
 *   the latest lastUpdateTimestamp of the reserves.
 *
 * Flags: a reserve's isActive and isPaused, where the record has them (the UI provider's do), and on
 * v3.3 its liquidationGracePeriodUntil where the record has one (the UI provider does not return
 * it; the pool's getLiquidationGracePeriod does); the book's timestamp is `at`.
 *
 * Prices: priceInMarketReferenceCurrency, the oracle's price in the pool's base currency (USD with
 * 8 decimals on every v3 market: marketReferenceCurrencyUnit 10^8). Reserves are named by symbol
 * (by symbol and address where two share one); a user's reserves by underlyingAsset, any case.
 * A user reserve whose three balances are zero is left out (it counts for nothing).
 * Refused, with the file, the record and the field: a v3.0 e-mode price source other than the zero
 * address (its price is not in the response), a reserve a user holds that the reserves file lacks,
 * a bitmap bit without its reserve, an `at` before a reserve's last update.
 */
import { BookError, describeValue, quote } from "../errors.js";
import { AAVE_LIMITS, aaveBookFromJson, stringifyAaveBook, type AaveBook, type AaveVersion } from "./aave-book.js";
import { compoundedInterest, normalizedDebt, normalizedIncome, rayMul } from "../../reference/venues/aave-v3.js";

export interface AaveImportInput {
  readonly reserves: string;
  readonly reservesSource?: string;
  readonly users: string;
  readonly usersSource?: string;
  /** Unix seconds; default: the latest lastUpdateTimestamp of the reserves. */
  readonly at?: bigint;
  /** bps, for the reserves whose record has no liquidationProtocolFee. */
  readonly protocolFee?: bigint;
  /** Override the version the reserves' shape says. */
  readonly version?: AaveVersion;
}

export interface AaveImport {
  readonly text: string;
  readonly book: AaveBook;
  readonly reserves: number;
  readonly users: number;
  readonly entries: number;
}

type O = Record<string, unknown>;
const ZERO_ADDRESS = /^0x0{40}$/i;

function parse(text: string, source: string): unknown {
  if (typeof text !== "string") throw new BookError(source, "", `expected the file's JSON text, got ${describeValue(text)}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BookError(source, "", `not JSON: ${(e as Error).message}`);
  }
}

function isObj(v: unknown): v is O {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function obj(v: unknown, record: string, field: string): O {
  if (!isObj(v)) throw new BookError(record, field, `expected an object, got ${describeValue(v)}`);
  return v;
}

function list(v: unknown, record: string, field: string): unknown[] {
  if (!Array.isArray(v)) throw new BookError(record, field, `expected an array, got ${describeValue(v)}`);
  return v;
}

function need(o: O, key: string, record: string): unknown {
  if (!(key in o)) throw new BookError(record, key, "missing");
  return o[key];
}

/** A whole number >= 0: a decimal string (the humanized responses' big numbers) or a safe JSON integer. */
function whole(o: O, key: string, record: string, max: bigint = (1n << 256n) - 1n): bigint {
  const v = need(o, key, record);
  let x: bigint;
  if (typeof v === "string" && /^[0-9]+$/.test(v)) x = BigInt(v);
  else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) x = BigInt(v);
  else throw new BookError(record, key, `expected a whole number >= 0 (a decimal string), got ${describeValue(v)}`);
  if (x > max) throw new BookError(record, key, `${x} exceeds ${max}`);
  return x;
}

function flag(o: O, key: string, record: string): boolean {
  const v = need(o, key, record);
  if (typeof v !== "boolean") throw new BookError(record, key, `expected true or false, got ${describeValue(v)}`);
  return v;
}

function str(o: O, key: string, record: string): string {
  const v = need(o, key, record);
  if (typeof v !== "string" || v === "") throw new BookError(record, key, `expected a non-empty string, got ${describeValue(v)}`);
  return v;
}

export function importAaveBook(input: AaveImportInput): AaveImport {
  const rs = input.reservesSource ?? "reserves";
  const us = input.usersSource ?? "users";
  const top = obj(parse(input.reserves, rs), rs, "");
  const data = list(need(top, "reservesData", rs), rs, "reservesData");
  if (data.length === 0) throw new BookError(rs, "reservesData", "no reserves");
  if (data.length > AAVE_LIMITS.reserves) throw new BookError(rs, "reservesData", `${data.length} reserves; a pool holds at most ${AAVE_LIMITS.reserves}`);
  const records = data.map((v, i) => ({ o: obj(v, `${rs}: reservesData[${i}]`, ""), record: `${rs}: reservesData[${i}]` }));
  const v30 = records.some((r) => "eModeCategoryId" in r.o);
  const version: AaveVersion = input.version ?? (v30 ? "3.0" : "3.3");
  const at = input.at ?? records.reduce((m, r) => { const t = whole(r.o, "lastUpdateTimestamp", r.record); return t > m ? t : m; }, 0n);
  const symbols = new Map<string, number>();
  for (const r of records) { const s = str(r.o, "symbol", r.record); symbols.set(s, (symbols.get(s) ?? 0) + 1); }
  const byAddress = new Map<string, number>();
  const L = AAVE_LIMITS;
  const reserves = records.map(({ o, record }, k) => {
    const symbol = str(o, "symbol", record);
    const address = str(o, "underlyingAsset", record).toLowerCase();
    if (byAddress.has(address)) throw new BookError(record, "underlyingAsset", `${quote(address)} appears twice`);
    byAddress.set(address, k);
    const last = whole(o, "lastUpdateTimestamp", record);
    if (at < last) throw new BookError(record, "lastUpdateTimestamp", `${last} is after the scan's time ${at} (--at)`);
    let fee: bigint;
    if ("liquidationProtocolFee" in o) fee = whole(o, "liquidationProtocolFee", record, 10000n);
    else if (input.protocolFee !== undefined) fee = input.protocolFee;
    else throw new BookError(record, "liquidationProtocolFee", "missing: the UI pool data provider does not return it; add it to the record (the pool data provider's getLiquidationProtocolFee, the subgraph's Reserve.liquidationProtocolFee) or give --protocol-fee BPS");
    return {
      id: (symbols.get(symbol) ?? 0) > 1 ? `${symbol}:${address}` : symbol,
      decimals: Number(whole(o, "decimals", record, BigInt(L.decimals))),
      price: whole(o, "priceInMarketReferenceCurrency", record, L.price).toString(),
      ltv: whole(o, "baseLTVasCollateral", record, L.bps).toString(),
      liquidationThreshold: whole(o, "reserveLiquidationThreshold", record, L.bps).toString(),
      liquidationBonus: whole(o, "reserveLiquidationBonus", record, L.bps).toString(),
      liquidationProtocolFee: fee.toString(),
      reserveFactor: whole(o, "reserveFactor", record, L.bps).toString(),
      liquidityIndex: normalizedIncome(whole(o, "liquidityIndex", record, L.index), whole(o, "liquidityRate", record), last, at).toString(),
      variableBorrowIndex: normalizedDebt(whole(o, "variableBorrowIndex", record, L.index), whole(o, "variableBorrowRate", record), last, at).toString(),
      // The configuration's flags, where the response has them (the UI provider does); a call on an inactive or paused reserve reverts.
      ...("isActive" in o && !flag(o, "isActive", record) ? { active: false } : {}),
      ...("isPaused" in o && flag(o, "isPaused", record) ? { paused: true } : {}),
      // v3.3's grace period: not in the UI provider's response (the pool's getLiquidationGracePeriod gives it); taken where a record has it.
      ...("liquidationGracePeriodUntil" in o && version === "3.3" ? { liquidationGracePeriodUntil: whole(o, "liquidationGracePeriodUntil", record, (1n << 40n) - 1n).toString() } : {}),
    };
  });
  // E-mode categories.
  const eModes: { id: number; ltv: string; liquidationThreshold: string; liquidationBonus: string; collateral: string[] }[] = [];
  if (v30) {
    records.forEach(({ o, record }, k) => {
      const id = Number(whole(o, "eModeCategoryId", record, 255n));
      if (id === 0) return;
      const source = str(o, "eModePriceSource", record);
      if (!ZERO_ADDRESS.test(source)) throw new BookError(record, "eModePriceSource", `${quote(source)}: a category priced by its own oracle; its price is not in the response (only the zero address is supported)`);
      const mode = { id, ltv: whole(o, "eModeLtv", record, L.bps).toString(), liquidationThreshold: whole(o, "eModeLiquidationThreshold", record, L.bps).toString(), liquidationBonus: whole(o, "eModeLiquidationBonus", record, L.bps).toString() };
      const have = eModes.find((e) => e.id === id);
      if (have === undefined) eModes.push({ ...mode, collateral: [reserves[k]!.id] });
      else {
        for (const f of ["ltv", "liquidationThreshold", "liquidationBonus"] as const) {
          if (have[f] !== mode[f]) throw new BookError(record, `eMode${f[0]!.toUpperCase()}${f.slice(1)}`, `${mode[f]} differs from ${have[f]}, category ${id}'s on another reserve`);
        }
        have.collateral.push(reserves[k]!.id);
      }
    });
  } else if ("eModes" in top) {
    const byPoolId = new Map<bigint, number>();
    records.forEach(({ o, record }, k) => byPoolId.set(whole(o, "originalId", record, 127n), k));
    list(top.eModes, rs, "eModes").forEach((v, i) => {
      const record = `${rs}: eModes[${i}]`;
      const e = obj(v, record, "");
      const id = Number(whole(e, "id", record, 255n));
      const m = obj(need(e, "eMode", record), record, "eMode");
      const inner = `${record}.eMode`;
      // getEModesHumanized writes the bitmaps in base 2, padded to 256 digits; bit i is reserve i.
      const bits = need(m, "collateralBitmap", inner);
      if (typeof bits !== "string" || !/^[01]{1,256}$/.test(bits)) throw new BookError(inner, "collateralBitmap", `expected a base-2 string of at most 256 digits (as getEModesHumanized writes it), got ${describeValue(bits)}`);
      const collateral: string[] = [];
      for (let i = 0; i < bits.length; i++) {
        if (bits[bits.length - 1 - i] !== "1") continue;
        const bit = BigInt(i);
        const k = byPoolId.get(bit);
        if (k === undefined) throw new BookError(inner, "collateralBitmap", `bit ${bit} is set but no reserve has originalId ${bit}`);
        collateral.push(reserves[k]!.id);
      }
      eModes.push({ id, ltv: whole(m, "ltv", inner, L.bps).toString(), liquidationThreshold: whole(m, "liquidationThreshold", inner, L.bps).toString(), liquidationBonus: whole(m, "liquidationBonus", inner, L.bps).toString(), collateral });
    });
  }
  // Users.
  const raw = parse(input.users, us);
  const responses: { id: string; o: O; record: string }[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((v, i) => {
      const record = `${us}: [${i}]`;
      const o = obj(v, record, "");
      const id = "user" in o ? str(o, "user", record) : "id" in o ? str(o, "id", record) : undefined;
      if (id === undefined) throw new BookError(record, "user", "missing: each response needs the user's address (user or id)");
      responses.push({ id, o, record });
    });
  } else if (isObj(raw)) {
    for (const [id, v] of Object.entries(raw)) responses.push({ id, o: obj(v, `${us}: ${quote(id)}`, ""), record: `${us}: ${quote(id)}` });
  } else throw new BookError(us, "", `expected an array of getUserReservesHumanized responses or an object keyed by address, got ${describeValue(raw)}`);
  let entries = 0;
  const seen = new Set<string>();
  const users = responses.map(({ id, o, record }) => {
    if (seen.has(id.toLowerCase())) throw new BookError(record, "user", `${quote(id)} appears twice`);
    seen.add(id.toLowerCase());
    const eMode = Number(whole(o, "userEmodeCategoryId", record, 255n));
    if (eMode !== 0 && !eModes.some((e) => e.id === eMode)) throw new BookError(record, "userEmodeCategoryId", `${eMode} is not a category of ${rs}`);
    const rows = list(need(o, "userReserves", record), record, "userReserves").flatMap((v, j) => {
      const rr = `${record}.userReserves[${j}]`;
      const x = obj(v, rr, "");
      const address = str(x, "underlyingAsset", rr).toLowerCase();
      const k = byAddress.get(address);
      if (k === undefined) throw new BookError(rr, "underlyingAsset", `${quote(address)} is not a reserve of ${rs}`);
      const a = whole(x, "scaledATokenBalance", rr, L.balance);
      const d = whole(x, "scaledVariableDebt", rr, L.balance);
      let stable = 0n;
      if (version === "3.0" && "principalStableDebt" in x) {
        const p = whole(x, "principalStableDebt", rr, L.balance);
        if (p !== 0n) {
          const last = whole(x, "stableBorrowLastUpdateTimestamp", rr);
          if (at < last) throw new BookError(rr, "stableBorrowLastUpdateTimestamp", `${last} is after the scan's time ${at} (--at)`);
          stable = rayMul(p, compoundedInterest(whole(x, "stableBorrowRate", rr), last, at));
        }
      }
      const collateral = flag(x, "usageAsCollateralEnabledOnUser", rr);
      if (a === 0n && d === 0n && stable === 0n) return [];
      entries++;
      return [{ reserve: reserves[k]!.id, scaledATokenBalance: a.toString(), collateral, scaledVariableDebt: d.toString(), ...(stable === 0n ? {} : { stableDebt: stable.toString() }) }];
    });
    return { id, eMode, reserves: rows };
  });
  const book = aaveBookFromJson({ venue: "aave-v3", version, timestamp: at.toString(), reserves, eModes, users }, "the imported book");
  return { text: stringifyAaveBook(book), book, reserves: reserves.length, users: users.length, entries };
}
