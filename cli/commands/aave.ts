/**
 * Lending books on the command line (docs/venues/aave-v3.md): `liqscan scan|stress|map|cascade
 * BOOK.json` on an aave-v3 book run these instead of the perp views. A JSON file is a lending book
 * when its first 64 KiB say `"venue": "aave-v3"` (liqscan import aave writes it first).
 * Amounts are base currency (USD, 8 decimals), health factors the pool's wad written out exactly.
 */
import { open } from "node:fs/promises";
import { AaveScanner, formatHealthFactor, type AaveScan } from "../../bindings/aave-v3.js";
import { formatDecimal, tryParseDecimal } from "../../book/decimal.js";
import { BookError } from "../../book/errors.js";
import { parseAaveBook, type AaveBook } from "../../book/venues/aave-book.js";
import { lendingCascade, lendingLiquidationMap, lendingStress } from "../../views/aave-v3.js";
import { ViewError } from "../../views/errors.js";
import type { ParsedArgs } from "../args.js";
import { CliError } from "../errors.js";
import { readText } from "../load-book.js";
import { Output } from "../output.js";
import { renderTable, type Column } from "../table.js";
import { parseShock, parseShockList } from "../view-options.js";

const BASE = 8;
const usd = (v: bigint | null) => (v === null ? "" : formatDecimal(v, BASE));
/** ppm as a percentage without trailing zeros: -300000 -> "-30 %". */
const pct = (ppm: bigint) => `${formatDecimal(ppm, 4).replace(/\.?0+$/, "")} %`;

/** The lending book at `path`, or null when the file is not one (a perp book, a directory). */
export async function lendingBookAt(path: string): Promise<AaveBook | null> {
  let head: string;
  try {
    const f = await open(path, "r");
    try {
      const { bytesRead, buffer } = await f.read(Buffer.alloc(65536), 0, 65536, 0);
      head = buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await f.close();
    }
  } catch {
    return null; // the perp path reports what is wrong with it
  }
  if (!/"venue"\s*:\s*"aave-v3"/.test(head)) return null;
  try {
    return parseAaveBook(await readText(path), path);
  } catch (e) {
    if (e instanceof BookError) throw new CliError(e.message);
    throw e;
  }
}

type Values = ParsedArgs["values"];

function refuse(values: Values, command: string, allowed: readonly string[]): void {
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && k !== "help" && !allowed.includes(k)) throw new CliError(`${command}: --${k} is not an option for a lending book (aave-v3; see docs/venues/aave-v3.md)`);
  }
}

function reserveOf(book: AaveBook, command: string, id: unknown): string {
  if (typeof id !== "string" || !book.reserves.some((r) => r.id === id)) {
    throw new CliError(`${command}: --market ${JSON.stringify(id)} is not a reserve of the book (${book.reserves.map((r) => r.id).join(", ")})`);
  }
  return id;
}

function usdOption(text: unknown, option: string): bigint | undefined {
  if (text === undefined) return undefined;
  const v = tryParseDecimal(String(text), BASE, `${BASE} (base currency)`);
  if (typeof v === "string" || v <= 0n) throw new CliError(`--${option}: ${JSON.stringify(String(text))} ${typeof v === "string" ? v : "must be positive"}`);
  return v;
}

function print(out: Output, columns: Column[], rows: string[][]): void {
  for (const l of renderTable(columns, rows)) out.line(l);
}

const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));

/** `liqscan scan BOOK` on a lending book: the liquidatable users, each with its best pair and profit. */
export async function scanLending(book: AaveBook, values: Values): Promise<void> {
  refuse(values, "scan", ["all", "json"]);
  const scanner = await AaveScanner.load(book);
  const scan = scanner.scan();
  const best = new Map(scanner.opportunities(scan).map((o, _) => [o.user, o.best]));
  const indices = scan.users.map((_, a) => a).filter((a) => values.all || scan.users[a]!.status === "liquidatable");
  const out = new Output();
  if (values.json) {
    out.line(json({
      users: indices.map((a) => {
        const r = scan.users[a]!, b = best.get(book.users[a]!.id);
        return {
          id: book.users[a]!.id, status: r.status, healthFactor: r.healthFactor, totalCollateralBase: r.totalCollateralBase, totalDebtBase: r.totalDebtBase,
          avgLiquidationThreshold: r.avgLiquidationThreshold,
          ...(b ? { best: { debtReserve: b.debtReserveId, collateralReserve: b.collateralReserveId, debtRepaid: b.debtRepaid, collateralToLiquidator: b.collateralToLiquidator, protocolFee: b.protocolFee, profit: b.profit, profitBase: b.profitBase, closeFactor: b.closeFactor, deficit: b.deficit.map((d) => ({ reserve: book.reserves[d.reserve]!.id, amount: d.amount })) } } : {}),
        };
      }),
      totals: { users: book.users.length, liquidatable: scan.liquidatable, overflow: scan.overflow },
    }));
  } else {
    if (indices.length === 0) out.line(values.all ? "the book has no users" : "no liquidatable users");
    else {
      print(out, [
        { header: "user", align: "left" }, { header: "status", align: "left" }, { header: "health factor", align: "right" },
        { header: "collateral", align: "right" }, { header: "debt", align: "right" }, { header: "best pair (debt/collateral)", align: "left" }, { header: "profit", align: "right" },
      ], indices.map((a) => {
        const r = scan.users[a]!, b = best.get(book.users[a]!.id);
        return [book.users[a]!.id, r.status, r.status === "overflow" ? "" : formatHealthFactor(r.healthFactor), usd(r.totalCollateralBase), usd(r.totalDebtBase),
          b ? `${b.debtReserveId}/${b.collateralReserveId}` : r.status === "liquidatable" ? "none the pool accepts" : "", b ? usd(b.profitBase) : ""];
      }));
    }
    out.line();
    out.line(`${scan.liquidatable} of ${book.users.length} users liquidatable (HF < 1, aave-v3 ${book.version} rules)${scan.overflow ? `, ${scan.overflow} beyond the core's widths` : ""}; amounts in USD (8 decimals), profit = bonus less protocol fee`);
  }
  await out.flush();
}

/** `liqscan stress BOOK` on a lending book: the grid by reserve. */
export async function stressLending(book: AaveBook, values: Values): Promise<void> {
  refuse(values, "stress", ["shocks", "from", "to", "step", "market", "json"]);
  const list = parseShockList(values.shocks, "shocks");
  const from = parseShock(values.from, "from"), to = parseShock(values.to, "to"), step = parseShock(values.step, "step");
  if (list && (from !== undefined || to !== undefined || step !== undefined)) throw new CliError("stress: give --shocks or --from/--to/--step, not both");
  const shocks = list ?? { from: from ?? -500_000n, to: to ?? 500_000n, step: step ?? 100_000n };
  const reserves = values.market === undefined ? undefined : [reserveOf(book, "stress", values.market)];
  const scanner = await AaveScanner.load(book);
  const grid = view(() => lendingStress(scanner, { shocks, ...(reserves ? { reserves } : {}) }));
  const out = new Output();
  if (values.json) out.line(json({ columns: grid }));
  else {
    for (const c of grid) {
      out.line(`${c.reserve === "all" ? "every reserve at once" : c.reserve}:`);
      print(out, [{ header: "shock", align: "right" }, { header: "liquidatable", align: "right" }, { header: "collateral", align: "right" }, { header: "debt", align: "right" }],
        c.rows.map((r) => [pct(r.shockPpm), String(r.liquidatable), usd(r.collateralBase), usd(r.debtBase)]));
      out.line();
    }
  }
  await out.flush();
}

/** `liqscan map BOOK --market RESERVE` on a lending book. */
export async function mapLending(book: AaveBook, values: Values): Promise<void> {
  refuse(values, "map", ["market", "to", "buckets", "json"]);
  const reserve = reserveOf(book, "map", values.market);
  const to = usdOption(values.to, "to");
  const buckets = values.buckets === undefined ? undefined : Number(values.buckets);
  const scanner = await AaveScanner.load(book);
  const map = view(() => lendingLiquidationMap(scanner, { reserve, ...(to === undefined ? {} : { to }), ...(buckets === undefined ? {} : { buckets }) }));
  const out = new Output();
  if (values.json) out.line(json(map));
  else {
    out.line(`${map.reserve} from ${usd(map.price)} (others held); ${map.alreadyLiquidatable} users liquidatable already`);
    print(out, [{ header: "price", align: "right" }, { header: "new liquidatable", align: "right" }, { header: "their debt", align: "right" }, { header: "cumulative users", align: "right" }, { header: "cumulative debt", align: "right" }],
      map.buckets.map((b) => [usd(b.price), String(b.users), usd(b.debtBase), String(b.cumulativeUsers), usd(b.cumulativeDebtBase)]));
  }
  await out.flush();
}

/** `liqscan cascade BOOK --market RESERVE --shock PCT --depth USD` on a lending book. */
export async function cascadeLending(book: AaveBook, values: Values): Promise<void> {
  refuse(values, "cascade", ["market", "shock", "depth", "max-rounds", "json"]);
  const reserve = reserveOf(book, "cascade", values.market);
  const shockPpm = parseShock(values.shock, "shock");
  if (shockPpm === undefined) throw new CliError("cascade: missing --shock=PCT, e.g. --shock=-10");
  const depthBase = usdOption(values.depth, "depth");
  if (depthBase === undefined) throw new CliError("cascade: a lending book needs --depth USD, the sale of the reserve that moves its price by 100 %");
  const maxRounds = values["max-rounds"] === undefined ? undefined : Number(values["max-rounds"]);
  if (maxRounds !== undefined && (!Number.isInteger(maxRounds) || maxRounds < 1 || maxRounds > 10_000)) throw new CliError(`--max-rounds: ${JSON.stringify(values["max-rounds"])} is not a whole number in [1, 10000]`);
  const scanner = await AaveScanner.load(book);
  const c = view(() => lendingCascade(scanner, { reserve, shockPpm, depthBase, ...(maxRounds ? { maxRounds } : {}) }));
  const out = new Output();
  if (values.json) out.line(json(c));
  else {
    print(out, [{ header: "round", align: "right" }, { header: "price", align: "right" }, { header: "calls", align: "right" }, { header: "debt repaid", align: "right" },
      { header: "collateral seized", align: "right" }, { header: "protocol fee", align: "right" }, { header: "deficit", align: "right" }, { header: "sold", align: "right" }, { header: "impact", align: "right" }],
    c.rounds.map((r, i) => [String(i + 1), usd(r.price), String(r.calls), usd(r.debtRepaidBase), usd(r.collateralBase), usd(r.protocolFeeBase), usd(r.deficitBase), usd(r.soldBase), pct(r.impactPpm)]));
    out.line(`${c.reserve} ends at ${usd(c.finalPrice)}; ${{ settled: "settled: no user is liquidatable", stuck: "stuck: the liquidatable users left have no pair the pool accepts", "max-rounds": "stopped at --max-rounds" }[c.ended]}`);
  }
  await out.flush();
}

function view<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ViewError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * `liqscan liq-price BOOK` on a lending book: for each user, the liquidation price of each reserve
 * it holds, others held (reference liquidationPrice: a bisection over the price, 64 health factors
 * per reserve and user): where a collateral falling (a debt rising) makes the user liquidatable, or,
 * for a user liquidatable already, where it would stop being so.
 */
export async function liqPriceLending(book: AaveBook, values: Values): Promise<void> {
  refuse(values, "liq-price", ["json"]);
  const scanner = await AaveScanner.load(book);
  const scan = scanner.scan();
  const out = new Output();
  const rows: { user: string; reserve: string; role: string; price: bigint; liquidationPrice: bigint | null }[] = [];
  book.users.forEach((u, a) => {
    if (scan.users[a]!.status === "overflow") return;
    const prices = scanner.liquidationPrices(a);
    for (const e of u.reserves) {
      const r = book.reserves[e.reserve]!;
      const collateral = e.usageAsCollateralEnabled && e.scaledATokenBalance !== 0n && r.liquidationThreshold !== 0n;
      const debt = e.scaledVariableDebt !== 0n || e.stableDebt !== 0n;
      rows.push({ user: u.id, reserve: r.id, role: collateral && debt ? "both" : collateral ? "collateral" : debt ? "debt" : "neither", price: r.price, liquidationPrice: prices[r.id] ?? null });
    }
  });
  if (values.json) out.line(json({ users: rows }));
  else if (rows.length === 0) out.line("the book has no users to price");
  else {
    print(out, [{ header: "user", align: "left" }, { header: "reserve", align: "left" }, { header: "role", align: "left" }, { header: "price", align: "right" }, { header: "liquidationPrice", align: "right" }],
      rows.map((r) => [r.user, r.reserve, r.role, usd(r.price), r.liquidationPrice === null ? "none" : usd(r.liquidationPrice)]));
  }
  await out.flush();
}

/** The hook of scan, stress, map, cascade and liq-price: runs the lending view when BOOK is a lending book; false otherwise. */
export async function runIfLending(command: "scan" | "stress" | "map" | "cascade" | "liq-price", path: string, values: Values): Promise<boolean> {
  const book = await lendingBookAt(path);
  if (book === null) return false;
  await { scan: scanLending, stress: stressLending, map: mapLending, cascade: cascadeLending, "liq-price": liqPriceLending }[command](book, values);
  return true;
}
