/**
 * What a book of N accounts needs in memory, estimated from the count before anything is built, so
 * that `generate` and `demo` refuse up front (exit 2, saying what to do instead) what cannot fit,
 * rather than running for minutes and dying with an out-of-memory abort.
 *
 * The costs per account were measured on the generator's books (1.9 positions per account on
 * average; node 20, x64), 10^6 accounts, after a full GC, and rounded up:
 *
 * - the generated columns: 42.5 bytes of JavaScript heap (the id strings) + 50.0 bytes of typed
 *   arrays (outside the heap) once built; the peak while building and scanning is higher: `demo`
 *   and `generate --format csv` of 7 * 10^6 accounts pass in a 448 MiB heap
 *   (--max-old-space-size=400: at most 67 bytes per account), and `demo` of 7 * 10^7 accounts
 *   dies in a 4144 MiB heap (more than 62) -> HEAP 72, OFF_HEAP 52;
 * - the JSON text: 227.2 characters -> JSON_CHARS 235; building it takes 855 bytes of heap
 *   (the parts and the joined text) -> JSON_HEAP 880;
 * - the wasm engine: 15 bytes + 20 per position of fixed regions, plus the flagged list (3 % of
 *   the accounts at 72 bytes, doubling when full) -> WASM 60, within wasm32's 4 GiB;
 * - the reference engine: 327 bytes of heap -> REFERENCE_HEAP 340.
 *
 * The heap limit is V8's (`heap_size_limit`, set by `node --max-old-space-size=MiB`), of which 85 %
 * is counted as usable; the longest string is buffer.constants.MAX_STRING_LENGTH characters.
 */
import { constants } from "node:buffer";
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import { CliError } from "./errors.js";

export const BYTES_PER_ACCOUNT = { HEAP: 72, OFF_HEAP: 52, JSON_CHARS: 235, JSON_HEAP: 880, WASM: 60, REFERENCE_HEAP: 340 } as const;

export interface MemoryLimits {
  /** Usable JavaScript heap, bytes. */
  readonly heapBytes: number;
  /** Memory of the machine, bytes (typed arrays live outside the heap). */
  readonly systemBytes: number;
  /** The longest string, characters. */
  readonly stringChars: number;
  /** The largest WebAssembly memory (wasm32), bytes. */
  readonly wasmBytes: number;
}

export function memoryLimits(): MemoryLimits {
  return {
    heapBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.85),
    systemBytes: Math.floor(totalmem() * 0.8),
    stringChars: constants.MAX_STRING_LENGTH,
    wasmBytes: 4 * 2 ** 30,
  };
}

/** 2_400_000_000 -> "2.2 GiB" */
export function bytesText(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(0)} MiB`;
  return `${(n / 2 ** 10).toFixed(0)} KiB`;
}

/** The largest count, rounded down to 2 significant digits, for which perAccount * count <= limit. */
function atMost(limit: number, perAccount: number): string {
  const n = Math.floor(limit / perAccount);
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, n))) - 1);
  return (Math.floor(n / scale) * scale).toLocaleString("en-US").replaceAll(",", "_");
}

/** What the book will be used for. */
export type BookUse =
  | { readonly kind: "generate"; readonly format: string }
  | { readonly kind: "demo"; readonly engine: "wasm" | "reference" };

/**
 * Throws a CliError (exit 2) when a book of `accounts` accounts cannot fit for `use`, saying how
 * much it needs, how much there is, and what to do instead. `command` prefixes the message.
 */
export function checkBookFits(command: string, accounts: number, use: BookUse, limits: MemoryLimits = memoryLimits()): void {
  if (process.env.LIQSCAN_NOCHECK === "1") return; // for measuring the costs above
  const B = BYTES_PER_ACCOUNT;
  const count = accounts.toLocaleString("en-US").replaceAll(",", "_");
  const heapHint = (perAccount: number) =>
    `use at most about ${atMost(limits.heapBytes, perAccount)} accounts, or give Node a larger heap ` +
    `(node --max-old-space-size=${Math.ceil((accounts * perAccount) / 0.85 / 2 ** 20 / 1024) * 1024} dist/cli/main.js ${command} ..., if the machine has the memory)`;
  if (use.kind === "generate" && use.format === "json") {
    const chars = accounts * B.JSON_CHARS;
    if (chars > limits.stringChars) {
      throw new CliError(
        `${command}: ${count} accounts as JSON need about ${bytesText(chars)} of text, more than the longest string Node can hold ` +
          `(${bytesText(limits.stringChars)}): write the CSV form (--format csv, or an --out directory), or at most about ${atMost(limits.stringChars, B.JSON_CHARS)} accounts as JSON`,
      );
    }
  }
  const heapPerAccount =
    B.HEAP + (use.kind === "generate" && use.format === "json" ? B.JSON_HEAP : 0) + (use.kind === "demo" && use.engine === "reference" ? B.REFERENCE_HEAP : 0);
  const heap = accounts * heapPerAccount;
  if (heap > limits.heapBytes) {
    const also = use.kind === "generate" && use.format === "json" ? " (the CSV form needs less: --format csv)" : "";
    throw new CliError(
      `${command}: ${count} accounts need about ${bytesText(heap)} of JavaScript heap, more than this Node allows (${bytesText(limits.heapBytes)} usable)${also}: ${heapHint(heapPerAccount)}`,
    );
  }
  const offHeap = accounts * B.OFF_HEAP + (use.kind === "demo" && use.engine === "wasm" ? accounts * B.WASM : 0);
  if (offHeap > limits.systemBytes) {
    throw new CliError(`${command}: ${count} accounts need about ${bytesText(offHeap + heap)} of memory; this machine has ${bytesText(limits.systemBytes / 0.8)}: use at most about ${atMost(limits.systemBytes, (offHeap + heap) / Math.max(1, accounts))} accounts`);
  }
  if (use.kind === "demo" && use.engine === "wasm") {
    const wasm = accounts * B.WASM;
    if (wasm > limits.wasmBytes) {
      throw new CliError(
        `${command}: ${count} accounts need about ${bytesText(wasm)} of WebAssembly memory, more than wasm32's ${bytesText(limits.wasmBytes)}: ` +
          `use at most about ${atMost(limits.wasmBytes, B.WASM)} accounts`,
      );
    }
  }
}
