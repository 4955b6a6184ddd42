/** Books with collateral assets for the tests: the worked example of docs/model.md, and random books with balances. */
import type { Asset, Book } from "../../book/types.js";
import { I64_MAX, I64_MIN, type Rng } from "./random-book.js";

/** The worked example of docs/model.md: the example book's BTC-PERP, one account with ETH deposited and USDT borrowed. */
export const EXAMPLE = `{
  "liquidatorShare": "0.5",
  "markets": [
    { "id": "BTC-PERP", "sizeDecimals": 8, "priceDecimals": 2, "markPrice": "65000.50",
      "tiers": [ { "maxNotional": "50000", "mmr": "0.004" }, { "maxNotional": "250000", "mmr": "0.005" }, { "mmr": "0.01" } ],
      "liquidationFee": "0.0125" }
  ],
  "assets": [
    { "id": "ETH", "decimals": 8, "priceDecimals": 2, "price": "3400.25", "maintenanceWeight": "0.9", "initialWeight": "0.8", "liabilityWeight": "1.1" },
    { "id": "USDT", "decimals": 6, "priceDecimals": 6, "price": "0.9995", "maintenanceWeight": "0.95", "initialWeight": "0.9", "liabilityWeight": "1.05" }
  ],
  "accounts": [
    { "id": "frank", "collateral": "100", "balances": { "ETH": "0.33333333", "USDT": "-200.000001" },
      "positions": [ { "market": "BTC-PERP", "size": "-0.5", "entryPrice": "64000" } ] }
  ]
}`;

/** A random book with assets and balances: realistic values mostly, extremes (near 2^63, e < 0, zero weights) sometimes. */
export function withAssets(rng: Rng, book: Book, extreme: number): Book {
  const n = rng.int(1, 4);
  const assets: Asset[] = [];
  for (let k = 0; k < n; k++) {
    const wild = rng.chance(extreme);
    const decimals = wild ? rng.int(0, 18) : rng.pick([6, 8, 9, 18]);
    const priceDecimals = Math.min(24 - decimals, wild ? rng.int(0, 18) : rng.pick([2, 4, 6]));
    const mw = wild ? BigInt(rng.pick([0, 1, 999_999, 1_000_000])) : BigInt(rng.int(500_000, 1_000_000));
    assets.push({
      id: `A${k}`, decimals, priceDecimals,
      price: wild ? rng.pick([0n, 1n, I64_MAX, rng.bits(63)]) : BigInt(rng.int(1, 5_000_000)) * 10n ** BigInt(Math.max(0, priceDecimals - 3)),
      maintenanceWeightPpm: mw, initialWeightPpm: mw === 0n ? 0n : BigInt(rng.int(0, Number(mw))),
      liabilityWeightPpm: wild ? BigInt(rng.pick([1_000_000, 100_000_000, rng.int(1_000_000, 100_000_000)])) : BigInt(rng.int(1_000_000, 1_500_000)),
    });
  }
  const accounts = book.accounts.map((acc) => {
    const balances = [];
    for (let k = 0; k < n; k++) {
      if (!rng.chance(0.6)) continue;
      const x = assets[k]!;
      const wild = rng.chance(extreme);
      const amount = wild ? rng.pick([I64_MAX, I64_MIN, 0n, 1n, -1n, rng.bits(63), -rng.bits(63)])
        : BigInt(rng.int(-2_000, 5_000)) * 10n ** BigInt(Math.min(12, Math.max(0, x.decimals - 2))) + BigInt(rng.int(0, 99));
      balances.push({ asset: k, amount });
    }
    // Less quote collateral than the positions need, so that the balances decide often.
    return { ...acc, collateral: rng.chance(0.5) ? acc.collateral / 4n : acc.collateral, ...(balances.length ? { balances } : {}) };
  });
  return { ...book, assets, accounts };
}
