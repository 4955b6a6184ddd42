// Random Binance USDⓈ-M accounts in BTCUSDT's brackets, as a book and as the closed form's case.
import { parseBookJson } from "../../book/index.js";
import type { Book } from "../../book/types.js";
import type * as binance from "./binance-closed-form.js";
import type { Rng } from "./random-book.js";

export const BTC_BRACKETS = [
  ["50000", "0.004", "0"], ["250000", "0.005", "50"], ["1000000", "0.01", "1300"], ["10000000", "0.025", "16300"],
  ["20000000", "0.05", "266300"], ["50000000", "0.1", "1266300"], ["100000000", "0.125", "2516300"],
  ["200000000", "0.15", "5016300"], ["300000000", "0.25", "25016300"], [null, "0.5", "100016300"],
] as const;

/**
 * A random cross account over 1-3 markets in Binance's BTCUSDT brackets, as a book and as the closed
 * form's case. With `hedged`, S0 is held on both sides in hedge mode (LONG and SHORT, sometimes of
 * one size), the other markets one-way.
 */
export function randomBinanceAccount(rng: Rng, hedged = false): { book: Book; case: binance.Case } {
  const count = rng.int(1, 3);
  const markets = Array.from({ length: count }, (_, i) => ({
    id: `S${i}`, sizeDecimals: 3, priceDecimals: 2, markPrice: String(rng.int(100, 10_000_000) / 100),
    liquidationFee: "0.0125",
    tiers: BTC_BRACKETS.map(([cap, mmr, cum]) => ({ ...(cap !== null ? { maxNotional: cap } : {}), mmr, cum })),
  }));
  const position = (m: (typeof markets)[number], sign: number, side?: "LONG" | "SHORT", size?: number) => {
    const mark = Number(m.markPrice);
    const qty = size ?? rng.int(1, 2_000_000) / 1000;
    const entry = Math.max(0.01, Math.round(mark * (0.8 + rng.int(0, 400) / 1000) * 100) / 100);
    return { market: m.id, size: (sign * qty).toFixed(3), entryPrice: entry.toFixed(2), ...(side ? { side } : {}) };
  };
  const positions = markets.map((m) => position(m, rng.chance(0.5) ? 1 : -1));
  if (hedged) {
    const long = position(markets[0]!, 1, "LONG");
    positions[0] = long;
    positions.splice(rng.int(0, positions.length), 0, position(markets[0]!, -1, "SHORT", rng.chance(0.3) ? Number(long.size) : undefined));
  }
  const mark = (id: string): number => Number(markets.find((m) => m.id === id)!.markPrice);
  const notional = positions.reduce((s, p) => s + Math.abs(Number(p.size)) * mark(p.market), 0);
  // Collateral between 1 % and 60 % of the notional: liquidation prices on both sides of the mark.
  const wb = (notional * rng.int(10, 600) / 1000).toFixed(2);
  const book = parseBookJson(JSON.stringify({ venue: "binance-usdm", markets, accounts: [{ id: "x", collateral: wb, positions }] }));
  return {
    book,
    case: {
      wb, mode: "cross",
      positions: positions.map((p) => ({ symbol: p.market, size: p.size, entry: p.entryPrice, ...("side" in p ? { side: p.side } : {}) })),
      marks: Object.fromEntries(markets.map((m) => [m.id, m.markPrice])),
      brackets: Object.fromEntries(markets.map((m) => [m.id, BTC_BRACKETS.map(([cap, mmr, cum]) => ({ cap, mmr, cum }))])),
      symbol: "S0",
    },
  };
}

