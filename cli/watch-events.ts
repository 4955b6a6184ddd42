/**
 * The events `liqscan watch` reads, one JSON object a line (NDJSON), and how each edits a live
 * book. Amounts are decimal strings, exact: prices in the market's price decimals, sizes in its
 * size decimals, collateral amounts in quote units (6 decimals); a JSON number is refused, since
 * it may already have lost digits.
 *
 *   {"type":"mark","market":"BTC-PERP","price":"64000.5"}
 *   {"type":"fill","account":"alice","market":"BTC-PERP","size":"-0.5","price":"64010","fee":"1.25"}
 *   {"type":"open","account":"alice","market":"ETH-PERP","size":"2","entryPrice":"3100"}
 *   {"type":"close","account":"alice","market":"ETH-PERP"}
 *   (fill, open and close take "side": "LONG" | "SHORT" for a binance-usdm hedge-mode account)
 *   {"type":"deposit","account":"alice","amount":"500"}
 *   {"type":"withdrawal","account":"alice","amount":"20"}
 *   {"type":"account","account":"carol","collateral":"1000"}        a new account
 *   {"type":"remove","account":"carol"}
 *   {"type":"asset","asset":"ETH","price":"3100.5"}                  a collateral asset's price
 *   {"type":"balance","account":"alice","asset":"ETH","amount":"-1.5"}   an account's balance in it
 *   {"type":"scan"}                                                   rescan now
 * Every event may carry "seq": a whole number that grows from event to event (else its line
 * number stands for it).
 */
import { BookError } from "../book/errors.js";
import { tryParseDecimal } from "../book/decimal.js";
import { QUOTE_DECIMALS } from "../book/types.js";
import type { LiveBook } from "../bindings/types.js";

export type WatchEvent =
  | { readonly type: "mark"; readonly seq: number; readonly market: number; readonly price: bigint }
  | { readonly type: "fill"; readonly seq: number; readonly account: string; readonly market: number; readonly size: bigint; readonly price: bigint; readonly fee: bigint; readonly side?: Side }
  | { readonly type: "open"; readonly seq: number; readonly account: string; readonly market: number; readonly size: bigint; readonly entryPrice: bigint; readonly side?: Side }
  | { readonly type: "close"; readonly seq: number; readonly account: string; readonly market: number; readonly side?: Side }
  | { readonly type: "deposit" | "withdrawal"; readonly seq: number; readonly account: string; readonly amount: bigint }
  | { readonly type: "account"; readonly seq: number; readonly account: string; readonly collateral: bigint }
  | { readonly type: "remove"; readonly seq: number; readonly account: string }
  | { readonly type: "asset"; readonly seq: number; readonly asset: number; readonly price: bigint }
  | { readonly type: "balance"; readonly seq: number; readonly account: string; readonly asset: number; readonly amount: bigint }
  | { readonly type: "scan"; readonly seq: number };

const FIELDS: Record<string, readonly string[]> = {
  mark: ["market", "price"],
  fill: ["account", "market", "size", "price", "fee", "side"],
  open: ["account", "market", "size", "entryPrice", "side"],
  close: ["account", "market", "side"],
  deposit: ["account", "amount"],
  withdrawal: ["account", "amount"],
  account: ["account", "collateral"],
  remove: ["account"],
  asset: ["asset", "price"],
  balance: ["account", "asset", "amount"],
  scan: [],
};
const OPTIONAL = new Set(["fee", "collateral", "side"]);

/** A binance-usdm hedge-mode side: which of an account's two positions in a market an event is for. */
type Side = "LONG" | "SHORT";

/** A refused event: the field at fault ("" for the line as a whole) and what is wrong. */
export class EventError extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(field === "" ? problem : `field "${field}": ${problem}`);
  }
}

/** Parses one line; `line` is its number, the seq when it gives none. */
export function parseEvent(text: string, line: number, book: LiveBook): WatchEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new EventError("", "is not JSON (one event, a JSON object, per line)");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new EventError("", "is not a JSON object");
  const o = raw as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== "string" || !(type in FIELDS)) throw new EventError("type", `expected one of ${Object.keys(FIELDS).join(", ")}, got ${JSON.stringify(type) ?? "nothing"}`);
  const fields = FIELDS[type]!;
  for (const key of Object.keys(o)) {
    if (key !== "type" && key !== "seq" && !fields.includes(key)) throw new EventError(key, `is not a field of a ${type} event (its fields: ${fields.join(", ") || "none"}, seq)`);
  }
  for (const f of fields) if (!OPTIONAL.has(f) && o[f] === undefined) throw new EventError(f, "missing");
  // A scan without a seq is never taken for a replay: NaN compares below nothing.
  let seq = type === "scan" ? NaN : line;
  if (o.seq !== undefined) {
    if (typeof o.seq !== "number" || !Number.isSafeInteger(o.seq) || o.seq < 0) throw new EventError("seq", `expected a whole number from 0, got ${JSON.stringify(o.seq)}`);
    seq = o.seq;
  }
  const text_ = (f: string): string => {
    const v = o[f];
    if (typeof v !== "string") throw new EventError(f, `expected a string, got ${typeof v === "number" ? `the number ${v} (give amounts as decimal strings: a JSON number may have lost digits)` : JSON.stringify(v)}`);
    return v;
  };
  const market = (): number => {
    const id = text_("market");
    const m = book.markets.findIndex((x) => x.id === id);
    if (m < 0) throw new EventError("market", `no market ${JSON.stringify(id)} in the book`);
    return m;
  };
  const decimal = (f: string, decimals: number): bigint => {
    const v = tryParseDecimal(text_(f), decimals);
    if (typeof v === "string") throw new EventError(f, `${JSON.stringify(o[f])} ${v}`);
    return v;
  };
  const account = () => text_("account");
  const asset = (): number => {
    const id = text_("asset");
    const k = book.assets.findIndex((x) => x.id === id);
    if (k < 0) throw new EventError("asset", `no asset ${JSON.stringify(id)} in the book${book.assets.length ? ` (${book.assets.map((x) => x.id).join(", ")})` : " (it lists none)"}`);
    return k;
  };
  const side = (): { side?: Side } => {
    if (o.side === undefined) return {};
    if (o.side !== "LONG" && o.side !== "SHORT") throw new EventError("side", `expected "LONG" or "SHORT" (a hedge-mode side), got ${JSON.stringify(o.side)}`);
    return { side: o.side };
  };
  switch (type) {
    case "mark": { const m = market(); return { type, seq, market: m, price: decimal("price", book.markets[m]!.priceDecimals) }; }
    case "fill": {
      const m = market();
      return { type, seq, account: account(), market: m, size: decimal("size", book.markets[m]!.sizeDecimals), price: decimal("price", book.markets[m]!.priceDecimals), fee: o.fee === undefined ? 0n : decimal("fee", QUOTE_DECIMALS), ...side() };
    }
    case "open": {
      const m = market();
      return { type, seq, account: account(), market: m, size: decimal("size", book.markets[m]!.sizeDecimals), entryPrice: decimal("entryPrice", book.markets[m]!.priceDecimals), ...side() };
    }
    case "close": return { type, seq, account: account(), market: market(), ...side() };
    case "deposit": case "withdrawal": return { type, seq, account: account(), amount: decimal("amount", QUOTE_DECIMALS) };
    case "account": return { type, seq, account: account(), collateral: o.collateral === undefined ? 0n : decimal("collateral", QUOTE_DECIMALS) };
    case "remove": return { type, seq, account: account() };
    case "asset": { const k = asset(); return { type, seq, asset: k, price: decimal("price", book.assets[k]!.priceDecimals) }; }
    case "balance": { const a = account(); const k = asset(); return { type, seq, account: a, asset: k, amount: decimal("amount", book.assets[k]!.decimals) }; }
    default: return { type: "scan", seq };
  }
}

/** The event as a log line: what parseEvent reads back to the same event. */
export function eventLine(e: WatchEvent, book: LiveBook): string {
  const m = "market" in e ? book.markets[e.market]! : undefined;
  const dec = (v: bigint, d: number) => formatExact(v, d);
  switch (e.type) {
    case "mark": return JSON.stringify({ type: e.type, seq: e.seq, market: m!.id, price: dec(e.price, m!.priceDecimals) });
    case "fill": return JSON.stringify({ type: e.type, seq: e.seq, account: e.account, market: m!.id, size: dec(e.size, m!.sizeDecimals), price: dec(e.price, m!.priceDecimals), fee: dec(e.fee, QUOTE_DECIMALS), side: e.side });
    case "open": return JSON.stringify({ type: e.type, seq: e.seq, account: e.account, market: m!.id, size: dec(e.size, m!.sizeDecimals), entryPrice: dec(e.entryPrice, m!.priceDecimals), side: e.side });
    case "close": return JSON.stringify({ type: e.type, seq: e.seq, account: e.account, market: m!.id, side: e.side });
    case "deposit": case "withdrawal": return JSON.stringify({ type: e.type, seq: e.seq, account: e.account, amount: dec(e.amount, QUOTE_DECIMALS) });
    case "account": return JSON.stringify({ type: e.type, seq: e.seq, account: e.account, collateral: dec(e.collateral, QUOTE_DECIMALS) });
    case "remove": return JSON.stringify({ type: e.type, seq: e.seq, account: e.account });
    case "asset": return JSON.stringify({ type: e.type, seq: e.seq, asset: book.assets[e.asset]!.id, price: dec(e.price, book.assets[e.asset]!.priceDecimals) });
    case "balance": return JSON.stringify({ type: e.type, seq: e.seq, account: e.account, asset: book.assets[e.asset]!.id, amount: dec(e.amount, book.assets[e.asset]!.decimals) });
    default: return JSON.stringify({ type: "scan", seq: e.seq });
  }
}

function formatExact(v: bigint, decimals: number): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(decimals + 1, "0");
  const body = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return neg ? `-${body}` : body;
}

/** Applies an event (not "scan") to the book; a refusal of the book becomes an EventError naming the field. */
export function applyEvent(e: WatchEvent, book: LiveBook): void {
  try {
    switch (e.type) {
      case "mark": return book.setMarkPrice(e.market, e.price);
      case "fill": return void book.fill(e.account, e.market, e.size, e.price, e.fee, e.side);
      case "open": return book.openPosition(e.account, e.market, e.size, e.entryPrice, e.side ? { side: e.side } : {});
      case "close": return book.closePosition(e.account, e.market, e.side);
      case "deposit": return book.deposit(e.account, e.amount);
      case "withdrawal": return book.withdraw(e.account, e.amount);
      case "account": return void book.addAccount(e.account, e.collateral);
      case "remove": return book.removeAccount(e.account);
      case "asset": return book.setAssetPrice(e.asset, e.price);
      case "balance": return book.setBalance(e.account, e.asset, e.amount);
      default: return;
    }
  } catch (err) {
    if (err instanceof BookError) throw new EventError(err.field, err.problem);
    if (err instanceof RangeError) throw new EventError("account" in e ? "account" : "market", err.message.replace(/^liqscan: /, ""));
    throw err;
  }
}
