/**
 * A shard worker of a parallel book (bindings/parallel.ts), for Node's worker_threads and for
 * browsers' module Web Workers. It holds one shard in its own instance of the core and scans it on
 * request. Requests are handled one at a time, in the order they arrive.
 */

import { createEngine } from "./index.js";
import type { FromWorker, ToWorker } from "./parallel-protocol.js";
import type { LiveBook } from "./types.js";

// In a variable so that bundlers do not try to resolve a Node built-in on the browser path.
const NODE_WORKER_THREADS = "node:worker_threads";

interface Parent {
  post(message: FromWorker, transfer: ArrayBuffer[]): void;
  listen(received: (message: ToWorker) => void): void;
}

async function parent(): Promise<Parent> {
  if (typeof process === "object" && typeof process.versions?.node === "string") {
    const { parentPort } = (await import(/* @vite-ignore */ NODE_WORKER_THREADS)) as typeof import("node:worker_threads");
    if (parentPort) {
      return {
        post: (message, transfer) => parentPort.postMessage(message, transfer),
        listen: (received) => parentPort.on("message", received),
      };
    }
  }
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer: ArrayBuffer[]): void;
    addEventListener(type: "message", listener: (event: MessageEvent<ToWorker>) => void): void;
  };
  return {
    post: (message, transfer) => scope.postMessage(message, transfer),
    listen: (received) => scope.addEventListener("message", (event) => received(event.data)),
  };
}

let book: LiveBook | undefined;

async function handle(request: ToWorker): Promise<[FromWorker, ArrayBuffer[]]> {
  if (request.kind === "load") {
    const { venue, liquidatorSharePpm, markets, columns } = request.shard;
    const engine = await createEngine("wasm", { wasm: request.core });
    // Load the transferred columns (and labels): one copy into the core's memory, then they are
    // garbage. The shard's account ids are its indices; the parallel book keeps the real ones.
    const accountIds = Array.from({ length: columns.collateral.length }, (_, a) => String(a));
    book = await engine.load({ ...(venue !== undefined ? { venue } : {}), liquidatorSharePpm, markets, accountIds, ...columns });
    return [{ kind: "loaded" }, []];
  }
  if (!book) throw new Error("liqscan: scan before the shard was loaded");
  if (request.marks) request.marks.forEach((mark, m) => book!.setMarkPrice(m, mark));
  if (request.kind === "stress") return [{ kind: "stressed", totals: book.shockTotals(request.shocksPpm, request.betaPpm) }, []];
  if (request.kind === "prices") {
    if (request.into) {
      // Straight into the caller's shared array, at this shard's positions: no array of the worker's own.
      book.liquidationPrices({ into: new BigInt64Array(request.into.buffer, request.into.offset * 8, book.positionCount) });
      return [{ kind: "priced", prices: null }, []];
    }
    const prices = book.liquidationPrices();
    return [{ kind: "priced", prices }, [prices.buffer as ArrayBuffer]];
  }
  const result = book.scan();
  if (request.status) {
    // Into the book's shared status buffer, at this shard's accounts: no allocation.
    new Uint8Array(request.status.buffer, request.status.offset, book.accountCount).set(result.status);
    return [{ kind: "scanned", totals: result.totals, status: null }, []];
  }
  // A copy: the view is overwritten by the next scan, and the copy's buffer can be transferred.
  const status = result.status.slice();
  return [{ kind: "scanned", totals: result.totals, status }, [status.buffer]];
}

const port = await parent();
let queue: Promise<void> = Promise.resolve();
port.listen((request) => {
  queue = queue.then(async () => {
    try {
      const [answer, transfer] = await handle(request);
      port.post(answer, transfer);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      port.post({ kind: "failed", name: error.name, message: error.message }, []);
    }
  });
});
port.post({ kind: "ready" }, []);
