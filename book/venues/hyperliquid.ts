/**
 * Hyperliquid importer: the venue's own API responses -> a venue book (docs/book-format.md ("Venue books"),
 * `"venue": "hyperliquid"`), as JSON text. Browser-safe (no Node built-ins).
 *
 * Inputs, as the venue sends them (POST https://api.hyperliquid.xyz/info):
 * - `{"type": "metaAndAssetCtxs"}`: `[meta, assetCtxs]`; `meta.universe[i]` (name, szDecimals,
 *   maxLeverage, marginTableId) goes with `assetCtxs[i]` (markPx); `meta.marginTables` is a list of
 *   `[id, {description, marginTiers: [{lowerBound, maxLeverage}]}]`.
 * - `{"type": "clearinghouseState", "user": ...}` per account: `assetPositions[k].position` (coin,
 *   szi, entryPx, leverage {type, value, rawUsd}) and `crossMarginSummary.totalRawUsd`.
 *
 * Mapping (docs/venues/hyperliquid.md has it field by field): one state is one cross account
 * (collateral = crossMarginSummary.totalRawUsd, its cross positions); each isolated position is an
 * account of its own, id "<id>/<coin>", collateral = position.leverage.rawUsd. Markets are the
 * coins the states hold, in universe order. Every number is read from the JSON text exactly
 * (parseJsonStrict keeps numbers as text); nothing is rounded: a value the book cannot hold
 * exactly is an error. Every error is a BookError naming the file, the record and the field.
 * Fields not named here are ignored.
 */
import { BookError, describeValue, quote } from "../errors.js";
import { I64_MAX, I64_MIN, NOT_A_DECIMAL, formatDecimal, i64Problem, tryParseDecimal } from "../decimal.js";
import { JsonNumber, parseJsonStrict } from "../json.js";
import type { JsonObject, JsonValue } from "../json.js";
import { MAX_DECIMALS, MAX_DECIMALS_SUM } from "../validate.js";
import { QUOTE_DECIMALS } from "../types.js";
import { has, describeJson, rec, object, array, required, text, DECIMAL_RE, type Dec } from "./response.js";

/** One clearinghouseState response: `id` names the account, `source` the file (for messages; default `id`). */
export interface HyperliquidState {
  readonly id: string;
  readonly text: string;
  readonly source?: string;
}

export interface HyperliquidInput {
  /** JSON text of the metaAndAssetCtxs response. */
  readonly meta: string;
  /** Name of the meta file in messages (default "meta"). */
  readonly metaSource?: string;
  readonly states: readonly HyperliquidState[];
}

/** The book text and what it holds (for the command line's summary line). */
export interface HyperliquidImport {
  readonly text: string;
  readonly markets: number;
  readonly accounts: number;
  readonly positions: number;
}

/** Largest leverage accepted in a margin tier or a position (mmr = 1/(2*leverage) stays a small rational). */
export const MAX_LEVERAGE = 1_000_000;

// ---------------------------------------------------------------------------------------------
// Reading JSON values

/** A decimal string field (the venue sends prices, sizes and amounts as strings). */
function decimal(v: JsonValue, record: string, field: string): Dec {
  if (typeof v !== "string") throw new BookError(record, field, `expected a decimal string, got ${describeJson(v)}`);
  if (!DECIMAL_RE.test(v)) throw new BookError(record, field, `${quote(v)} ${NOT_A_DECIMAL}`);
  const dot = v.indexOf(".");
  const decimals = dot < 0 ? 0 : v.length - dot - 1;
  if (decimals > MAX_DECIMALS) throw new BookError(record, field, `${quote(v)} has ${decimals} decimals, more than a book holds (${MAX_DECIMALS})`);
  return { text: v, units: tryParseDecimal(v, decimals) as bigint, decimals };
}

/** Decimals of a value without its trailing zeros ("1.2500" -> 2). */
function significantDecimals(d: Dec): number {
  let n = d.decimals;
  const t = d.text;
  while (n > 0 && t.charCodeAt(t.length - 1 - (d.decimals - n)) === 48) n--;
  return n;
}

/** `d` as a count of 10^-decimals units (decimals >= its significant decimals). */
function rescale(d: Dec, decimals: number): bigint {
  if (decimals >= d.decimals) return d.units * 10n ** BigInt(decimals - d.decimals);
  return d.units / 10n ** BigInt(d.decimals - decimals); // only trailing zeros are dropped (checked by the caller)
}

/** A positive integer sent as a JSON number (leverage, marginTableId). */
function positiveInteger(v: JsonValue, record: string, field: string, max: number): number {
  if (!(v instanceof JsonNumber)) throw new BookError(record, field, `expected a positive whole JSON number, got ${describeJson(v)}`);
  if (!/^[1-9][0-9]*$/.test(v.raw)) throw new BookError(record, field, `${v.raw} is not a positive whole number`);
  if (v.raw.length > 16 || Number(v.raw) > max) throw new BookError(record, field, `${v.raw} is larger than ${max}`);
  return Number(v.raw);
}

/** A quote amount (USDC), at most 6 decimals, fitting 64 bits: its text in the book ("-95.059824"). */
function quoteAmount(d: Dec, record: string, field: string): string {
  if (significantDecimals(d) > QUOTE_DECIMALS) {
    throw new BookError(record, field, `${quote(d.text)} has more decimals than a quote amount holds (${QUOTE_DECIMALS})`);
  }
  const units = rescale(d, QUOTE_DECIMALS);
  if (units < I64_MIN || units > I64_MAX) throw new BookError(record, field, `${quote(d.text)} ${i64Problem(units, QUOTE_DECIMALS)}`);
  return formatDecimal(units, QUOTE_DECIMALS);
}

// ---------------------------------------------------------------------------------------------
// The meta

interface Asset {
  readonly coin: string;
  readonly index: number;
  readonly szDecimals: number;
  readonly markPx: Dec;
  /** Tiers: lowerBound (quote text in the book) and maxLeverage. */
  readonly tiers: readonly { lowerBound: string; maxLeverage: number }[];
  /** Where the mark came from (for messages about its size). */
  readonly markRecord: string;
}

interface MarginTable {
  readonly tiers: { lowerBound: string; maxLeverage: number }[];
}

function readMarginTables(meta: JsonObject, source: string, record: string): Map<number, MarginTable> {
  const tables = new Map<number, MarginTable>();
  if (!has(meta, "marginTables")) return tables;
  const list = array(meta.marginTables, record, "marginTables");
  for (let t = 0; t < list.length; t++) {
    const tRecord = rec(source, `marginTables[${t}]`);
    const pair = array(list[t], tRecord, "");
    if (pair.length !== 2) throw new BookError(tRecord, "", `expected a pair [id, table], got an array of ${pair.length}`);
    const id = positiveIntegerOrZero(pair[0]!, tRecord, "[0]");
    if (tables.has(id)) throw new BookError(tRecord, "[0]", `duplicate margin table id ${id}`);
    const body = object(pair[1], tRecord, "[1]");
    const tierValues = array(required(body, "marginTiers", tRecord, "[1]."), tRecord, "[1].marginTiers");
    if (tierValues.length === 0) throw new BookError(tRecord, "[1].marginTiers", "at least one tier is required");
    const tiers: { lowerBound: string; maxLeverage: number }[] = [];
    let previous: Dec | null = null;
    for (let n = 0; n < tierValues.length; n++) {
      const nRecord = rec(source, `marginTables[${t}] marginTiers[${n}]`);
      const tier = object(tierValues[n], nRecord, "");
      const lower = decimal(required(tier, "lowerBound", nRecord, ""), nRecord, "lowerBound");
      const lowerText = quoteAmount(lower, nRecord, "lowerBound");
      if (n === 0 && lower.units !== 0n) throw new BookError(nRecord, "lowerBound", `${quote(lower.text)}: the first tier must start at 0`);
      if (previous !== null && compareDec(lower, previous) <= 0) {
        throw new BookError(nRecord, "lowerBound", `${quote(lower.text)} is not greater than the previous tier's ${quote(previous.text)}`);
      }
      const maxLeverage = positiveInteger(required(tier, "maxLeverage", nRecord, ""), nRecord, "maxLeverage", MAX_LEVERAGE);
      if (n > 0 && maxLeverage > tiers[n - 1]!.maxLeverage) {
        throw new BookError(nRecord, "maxLeverage", `${maxLeverage} is greater than the previous tier's ${tiers[n - 1]!.maxLeverage} (leverage may only fall as notional grows)`);
      }
      tiers.push({ lowerBound: lowerText, maxLeverage });
      previous = lower;
    }
    tables.set(id, { tiers });
  }
  return tables;
}

function positiveIntegerOrZero(v: JsonValue, record: string, field: string): number {
  if (v instanceof JsonNumber && v.raw === "0") return 0;
  return positiveInteger(v, record, field, Number.MAX_SAFE_INTEGER);
}

function compareDec(a: Dec, b: Dec): number {
  const d = Math.max(a.decimals, b.decimals);
  const x = rescale(a, d);
  const y = rescale(b, d);
  return x < y ? -1 : x > y ? 1 : 0;
}

function readMeta(metaText: string, source: string): Map<string, Asset> {
  const doc = parseJsonStrict(metaText, source);
  const top = array(doc, source, "");
  if (top.length !== 2) throw new BookError(source, "", `expected the metaAndAssetCtxs pair [meta, assetCtxs], got an array of ${top.length}`);
  const meta = object(top[0], source, "[0]");
  const ctxs = array(top[1], source, "[1]");
  const universe = array(required(meta, "universe", source, "[0]."), source, "[0].universe");
  if (ctxs.length !== universe.length) {
    throw new BookError(source, "[1]", `has ${ctxs.length} asset contexts for ${universe.length} assets of the universe (they go by index)`);
  }
  const tables = readMarginTables(meta, source, source);
  const assets = new Map<string, Asset>();
  for (let i = 0; i < universe.length; i++) {
    const uRecord = rec(source, `universe[${i}]`);
    const u = object(universe[i], uRecord, "");
    const coin = text(required(u, "name", uRecord, ""), uRecord, "name");
    if (coin === "") throw new BookError(uRecord, "name", "is empty");
    if (assets.has(coin)) throw new BookError(uRecord, "name", `duplicate coin ${quote(coin)} (also universe[${assets.get(coin)!.index}])`);
    const szText = required(u, "szDecimals", uRecord, "");
    if (!(szText instanceof JsonNumber) || !/^[0-9]{1,2}$/.test(szText.raw) || Number(szText.raw) > MAX_DECIMALS) {
      throw new BookError(uRecord, "szDecimals", `expected a whole JSON number in [0, ${MAX_DECIMALS}], got ${describeJson(szText)}`);
    }
    const maxLeverage = positiveInteger(required(u, "maxLeverage", uRecord, ""), uRecord, "maxLeverage", MAX_LEVERAGE);
    let tiers: { lowerBound: string; maxLeverage: number }[];
    if (has(u, "marginTableId")) {
      const id = positiveIntegerOrZero(u.marginTableId!, uRecord, "marginTableId");
      const table = tables.get(id);
      if (table) tiers = table.tiers;
      else if (id > 0 && id < 50) tiers = [{ lowerBound: formatDecimal(0n, QUOTE_DECIMALS), maxLeverage: Math.min(id, maxLeverage) }];
      else throw new BookError(uRecord, "marginTableId", `${id} is not a table of marginTables (ids below 50 without a table are single-tier at that leverage; a tiered table must be sent)`);
    } else {
      tiers = [{ lowerBound: formatDecimal(0n, QUOTE_DECIMALS), maxLeverage }];
    }
    const cRecord = rec(source, `assetCtxs[${i}]`);
    const ctx = object(ctxs[i], cRecord, "");
    const markPx = decimal(required(ctx, "markPx", cRecord, ""), cRecord, "markPx");
    if (markPx.units < 0n) throw new BookError(cRecord, "markPx", `${quote(markPx.text)} is negative`);
    assets.set(coin, { coin, index: i, szDecimals: Number(szText.raw), markPx, tiers, markRecord: cRecord });
  }
  return assets;
}

// ---------------------------------------------------------------------------------------------
// The states

interface ImportedPosition {
  readonly asset: Asset;
  readonly size: Dec;
  readonly entry: Dec;
  readonly leverage: number;
  readonly record: string;
}

interface ImportedAccount {
  readonly id: string;
  readonly margin: "cross" | "isolated";
  readonly collateral: string;
  readonly positions: ImportedPosition[];
}

function readState(state: HyperliquidState, index: number, assets: Map<string, Asset>): ImportedAccount[] {
  if (typeof state !== "object" || state === null) throw new BookError(`states[${index}]`, "", `expected {id, text}, got ${describeValue(state)}`);
  if (typeof state.id !== "string" || state.id === "") throw new BookError(`states[${index}]`, "id", `expected a non-empty account id, got ${describeValue(state.id)}`);
  const source = typeof state.source === "string" && state.source !== "" ? state.source : state.id;
  const doc = object(parseJsonStrict(state.text, source), source, "");
  const summary = object(required(doc, "crossMarginSummary", source, ""), source, "crossMarginSummary");
  const rawUsd = decimal(required(summary, "totalRawUsd", source, "crossMarginSummary."), source, "crossMarginSummary.totalRawUsd");
  const cross: ImportedAccount = { id: state.id, margin: "cross", collateral: quoteAmount(rawUsd, source, "crossMarginSummary.totalRawUsd"), positions: [] };
  const out: ImportedAccount[] = [cross];
  const list = array(required(doc, "assetPositions", source, ""), source, "assetPositions");
  const seen = new Map<string, number>();
  for (let k = 0; k < list.length; k++) {
    const record = rec(source, `assetPositions[${k}]`);
    const entry = object(list[k], record, "");
    const p = object(required(entry, "position", record, ""), record, "position");
    const coin = text(required(p, "coin", record, "position."), record, "position.coin");
    const asset = assets.get(coin);
    if (asset === undefined) throw new BookError(record, "position.coin", `${quote(coin)} is not a coin of the meta's universe`);
    const other = seen.get(coin);
    if (other !== undefined) throw new BookError(record, "position.coin", `${quote(coin)} is already held by assetPositions[${other}]`);
    seen.set(coin, k);
    const size = decimal(required(p, "szi", record, "position."), record, "position.szi");
    const entryPx = decimal(required(p, "entryPx", record, "position."), record, "position.entryPx");
    if (entryPx.units < 0n) throw new BookError(record, "position.entryPx", `${quote(entryPx.text)} is negative`);
    const lev = object(required(p, "leverage", record, "position."), record, "position.leverage");
    const type = text(required(lev, "type", record, "position.leverage."), record, "position.leverage.type");
    const value = positiveInteger(required(lev, "value", record, "position.leverage."), record, "position.leverage.value", MAX_LEVERAGE);
    const position: ImportedPosition = { asset, size, entry: entryPx, leverage: value, record };
    if (type === "cross") {
      cross.positions.push(position);
    } else if (type === "isolated") {
      const raw = decimal(required(lev, "rawUsd", record, "position.leverage."), record, "position.leverage.rawUsd");
      out.push({ id: `${state.id}/${coin}`, margin: "isolated", collateral: quoteAmount(raw, record, "position.leverage.rawUsd"), positions: [position] });
    } else {
      throw new BookError(record, "position.leverage.type", `${quote(type)} is not a margin type (expected "cross" or "isolated")`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The book

interface MarketOut {
  readonly asset: Asset;
  sizeDecimals: number;
  priceDecimals: number;
}

const q = JSON.stringify;

/** A count of units as the book's text, after checking that it fits 64 bits. */
function fixed(d: Dec, decimals: number, record: string, field: string): string {
  const units = rescale(d, decimals);
  if (units < I64_MIN || units > I64_MAX) throw new BookError(record, field, `${quote(d.text)} ${i64Problem(units, decimals)}`);
  return formatDecimal(units, decimals);
}

/** The import, with the counts the command line reports. */
export function importHyperliquidBook(input: HyperliquidInput): HyperliquidImport {
  if (typeof input !== "object" || input === null) throw new BookError("input", "", `expected {meta, states}, got ${describeValue(input)}`);
  const metaSource = typeof input.metaSource === "string" && input.metaSource !== "" ? input.metaSource : "meta";
  const assets = readMeta(input.meta, metaSource);
  if (!Array.isArray(input.states)) throw new BookError("input", "states", `expected an array of states, got ${describeValue(input.states)}`);
  const accounts: ImportedAccount[] = [];
  const ids = new Map<string, string>();
  for (let s = 0; s < input.states.length; s++) {
    const state = input.states[s]!;
    for (const a of readState(state, s, assets)) {
      const source = state.source || state.id;
      const before = ids.get(a.id);
      if (before !== undefined) {
        throw new BookError(source, "", `account id ${quote(a.id)} is already taken (by ${before}); give each state a distinct ID (--state ID=FILE)`);
      }
      ids.set(a.id, source);
      accounts.push(a);
    }
  }
  // Markets: the coins held, in universe order; decimals as many as any value of the market carries.
  const markets = new Map<Asset, MarketOut>();
  for (const a of accounts) {
    for (const p of a.positions) {
      let m = markets.get(p.asset);
      if (!m) {
        m = { asset: p.asset, sizeDecimals: p.asset.szDecimals, priceDecimals: p.asset.markPx.decimals };
        markets.set(p.asset, m);
      }
      m.sizeDecimals = Math.max(m.sizeDecimals, significantDecimals(p.size));
      m.priceDecimals = Math.max(m.priceDecimals, p.entry.decimals);
    }
  }
  const ordered = [...markets.values()].sort((x, y) => x.asset.index - y.asset.index);
  for (const m of ordered) {
    if (m.sizeDecimals + m.priceDecimals > MAX_DECIMALS_SUM) {
      throw new BookError(m.asset.markRecord, "markPx", `market ${quote(m.asset.coin)} would need sizeDecimals + priceDecimals = ${m.sizeDecimals} + ${m.priceDecimals}, more than a book holds (${MAX_DECIMALS_SUM})`);
    }
  }
  const marketLines = ordered.map((m) => {
    const tiers = m.asset.tiers.map((t, n) => {
      const next = m.asset.tiers[n + 1];
      return next === undefined
        ? `{ "maxLeverage": ${q(String(t.maxLeverage))} }`
        : `{ "maxNotional": ${q(next.lowerBound)}, "maxLeverage": ${q(String(t.maxLeverage))} }`;
    });
    const mark = fixed(m.asset.markPx, m.priceDecimals, m.asset.markRecord, "markPx");
    return (
      `    { "id": ${q(m.asset.coin)}, "sizeDecimals": ${m.sizeDecimals}, "priceDecimals": ${m.priceDecimals}, "markPrice": ${q(mark)},\n` +
      `      "tiers": [ ${tiers.join(", ")} ] }`
    );
  });
  let positionCount = 0;
  const accountLines = accounts.map((a) => {
    const head = `    { "id": ${q(a.id)}, "margin": ${q(a.margin)}, "collateral": ${q(a.collateral)}, "positions": [`;
    if (a.positions.length === 0) return head + "] }";
    const ps = a.positions.map((p) => {
      positionCount++;
      const m = markets.get(p.asset)!;
      const size = fixed(p.size, m.sizeDecimals, p.record, "position.szi");
      const entry = fixed(p.entry, m.priceDecimals, p.record, "position.entryPx");
      return `{ "market": ${q(p.asset.coin)}, "size": ${q(size)}, "entryPrice": ${q(entry)}, "leverage": ${q(String(p.leverage))} }`;
    });
    return `${head}\n        ${ps.join(",\n        ")}\n      ] }`;
  });
  const list = (lines: string[]): string => (lines.length === 0 ? "[]" : `[\n${lines.join(",\n")}\n  ]`);
  const text = `{\n  "venue": "hyperliquid",\n  "markets": ${list(marketLines)},\n  "accounts": ${list(accountLines)}\n}\n`;
  return { text, markets: ordered.length, accounts: accounts.length, positions: positionCount };
}

/**
 * The venue book (contract format, `"venue": "hyperliquid"`) of a metaAndAssetCtxs response and
 * one clearinghouseState response per account, as JSON text. Throws a BookError naming the file,
 * the record (`assetPositions[2]`, `universe[0]`, `marginTables[1] marginTiers[0]`) and the field.
 */
export function importHyperliquid(input: HyperliquidInput): string {
  return importHyperliquidBook(input).text;
}
