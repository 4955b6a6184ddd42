/** The registry of venues: one line per venue (its rules live in the file of its name). */
import type { VenueName } from "../../book/types.js";
import { binanceUsdm } from "./binance-usdm.js";
import { driftV2 } from "./drift-v2.js";
import { dydxV4 } from "./dydx-v4.js";
import { generic } from "./generic.js";
import { gmxV2 } from "./gmx-v2.js";
import { hyperliquid } from "./hyperliquid.js";
import type { VenueRules } from "./rules.js";

export const VENUES: Readonly<Record<VenueName, VenueRules>> = {
  generic,
  "binance-usdm": binanceUsdm,
  hyperliquid,
  "dydx-v4": dydxV4,
  "drift-v2": driftV2,
  "gmx-v2": gmxV2,
};

/** The rules of a book's venue (absent: generic). */
export function venueRules(name: VenueName | undefined): VenueRules {
  return VENUES[name ?? "generic"];
}

export type { CloseOutInput, MaintenanceLines, PriceQuery, Valuation, VenueRules } from "./rules.js";
