/**
 * The liquidation prices the core leaves to the exact BigInt reference: positions it marks WIDE
 * (-2), whose intermediates might leave its fixed widths, and the legs of hedged pairs
 * (reference/hedged-pair.ts). Each such account is priced as a book of its own (the markets at
 * their current marks and that one account), so a few of them cost what they cost, not a copy of
 * the whole book; the two legs of a pair share one price and are searched once.
 */
import type { Account, Balance, Book, BookColumns, Market, Position, VenueName } from "../book/types.js";
import { balancesOf } from "../book/columns.js";
import { applyWide } from "../book/gmx-wide.js";
import { liquidationPrice } from "../reference/index.js";

export const WIDE = -2n;

export interface WideSource extends Pick<BookColumns, "assets" | "balanceStart" | "balanceAsset" | "balanceAmount" | "gmxUsd"> {
  readonly venue: VenueName;
  readonly liquidatorSharePpm: bigint;
  /** The markets with their current marks. */
  markets(): readonly Market[];
  readonly positionStart: Uint32Array;
  readonly collateral: BigInt64Array;
  readonly positionMarket: Uint32Array;
  readonly positionSize: BigInt64Array;
  readonly positionEntry: BigInt64Array;
}

/** Replaces every WIDE entry of `prices` (one per position) with the reference's price, -1 for none. */
export function priceWidePositions(prices: BigInt64Array, s: WideSource): void {
  if (!hasWide(prices)) return;
  const markets = s.markets();
  const starts = s.positionStart;
  for (let a = 0; a + 1 < starts.length; a++) {
    const first = starts[a]!;
    const end = starts[a + 1]!;
    let book: Book | null = null;
    for (let p = first; p < end; p++) {
      if (prices[p] !== WIDE) continue;
      book ??= {
        ...(s.venue !== "generic" ? { venue: s.venue } : {}),
        liquidatorSharePpm: s.liquidatorSharePpm,
        markets,
        ...(s.assets ? { assets: s.assets } : {}),
        accounts: [accountOf(s, a, first, end)],
      };
      const price = liquidationPrice(book, 0, p - first) ?? -1n;
      prices[p] = price;
      // The other leg of a hedged pair (same market, the other side) has the same price.
      for (let q = p + 1; q < end; q++) {
        if (prices[q] === WIDE && s.positionMarket[q] === s.positionMarket[p] && s.positionSize[q] !== 0n && (s.positionSize[q]! > 0n) !== (s.positionSize[p]! > 0n)) prices[q] = price;
      }
    }
  }
}

/** Account a as the reference reads it: its positions, balances and (gmx-v2) USD amounts at 10^-30 and sizeInTokens. */
function accountOf(s: WideSource, a: number, first: number, end: number): Account {
  const positions: Position[] = Array.from({ length: end - first }, (_, k) => ({ market: s.positionMarket[first + k]!, size: s.positionSize[first + k]!, entryPrice: s.positionEntry[first + k]! }));
  const account: { id: string; collateral: bigint; balances: Balance[]; positions: Position[]; collateral30?: bigint } = { id: `${a}`, collateral: s.collateral[a]!, balances: balancesOf(s, a), positions };
  // The core's region holds the exact amounts (book/gmx-wide.ts): the floors in the 64-bit columns are not enough.
  if (s.gmxUsd) applyWide(s.gmxUsd, a, account, s.markets(), s.assets);
  return account;
}

/**
 * Whether some price is WIDE, from the 32-bit halves (BigInt64Array.includes makes a BigInt of
 * every entry: about 20 ms for a million prices, a fifth of the whole computation).
 */
function hasWide(prices: BigInt64Array): boolean {
  const words = new Int32Array(prices.buffer, prices.byteOffset, prices.length * 2);
  const low = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
  for (let i = 0; i < words.length; i += 2) if (words[i + low] === -2 && words[i + 1 - low] === -1) return true;
  return false;
}
