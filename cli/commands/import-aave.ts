/** `liqscan import aave --reserves R.json --users U.json [--at UNIX] [--protocol-fee BPS] [--version 3.0|3.3] --out BOOK.json` */
import { importAaveBook } from "../../book/venues/aave.js";
import { CliError } from "../errors.js";
import { readText } from "../load-book.js";
import type { Importer } from "./import.js";

export const aave: Importer = {
  venue: "aave",
  usage: "--reserves RESERVES.json --users USERS.json [--at UNIX] [--protocol-fee BPS] [--version 3.0|3.3] --out BOOK.json",
  help: `  --reserves RESERVES.json  @aave/contract-helpers' UiPoolDataProvider getReservesHumanized()
                            response ({reservesData, baseCurrencyData}), with a v3.2+ pool's
                            getEModesHumanized() beside them as "eModes"; each reserve's
                            liquidationProtocolFee (bps) where the record has it
  --users USERS.json        an array of getUserReservesHumanized() responses, each with the
                            user's address as "user", or an object keyed by the addresses
  --at UNIX                 the scan's time: the indexes (and v3.0 stable debts) are accrued to
                            it as the pool does (default: the reserves' latest update)
  --protocol-fee BPS        the liquidation protocol fee of reserves whose record has none
  --version 3.0|3.3         the pool's rules (default: 3.0 when the reserves carry their e-mode
                            category, as a v3.0/3.1 provider returns them; else 3.3)
`,
  options: { reserves: { type: "string" }, users: { type: "string" }, at: { type: "string" }, "protocol-fee": { type: "string" }, version: { type: "string" } },
  async build(values) {
    const file = (name: string, what: string): string => {
      const v = values[name];
      if (typeof v !== "string" || v === "") throw new CliError(`import aave: missing --${name} ${what} (see "liqscan import --help")`);
      return v;
    };
    const reserves = file("reserves", "RESERVES.json"), users = file("users", "USERS.json");
    const whole = (name: string, max: bigint): bigint | undefined => {
      const v = values[name];
      if (v === undefined) return undefined;
      if (typeof v !== "string" || !/^[0-9]+$/.test(v) || BigInt(v) > max) throw new CliError(`import aave: --${name} ${JSON.stringify(v)} is not a whole number in [0, ${max}]`);
      return BigInt(v);
    };
    const at = whole("at", (1n << 40n) - 1n);
    const protocolFee = whole("protocol-fee", 10000n);
    const version = values.version;
    if (version !== undefined && version !== "3.0" && version !== "3.3") throw new CliError(`import aave: --version ${JSON.stringify(version)} is not 3.0 or 3.3`);
    const r = importAaveBook({
      reserves: await readText(reserves), reservesSource: reserves, users: await readText(users), usersSource: users,
      ...(at === undefined ? {} : { at }), ...(protocolFee === undefined ? {} : { protocolFee }), ...(version === undefined ? {} : { version }),
    });
    return {
      text: r.text, markets: r.reserves, accounts: r.users, positions: r.entries,
      summary: (out) => `wrote ${r.users} users with ${r.entries} reserve balances over ${r.reserves} reserves (aave-v3 ${r.book.version}) to ${out}\n`,
    };
  },
};
