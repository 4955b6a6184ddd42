/**
 * Worker threads for parallel scans, one small interface over Node's worker_threads and the
 * browsers' Web Workers. The worker script is parallel-worker.js next to this module. Node
 * built-ins are imported through variables, so that bundlers do not try to resolve them on the
 * browser path (as in wasm-source.ts).
 */

import type { FromWorker, ToWorker } from "./parallel-protocol.js";

const NODE_WORKER_THREADS = "node:worker_threads";
const NODE_OS = "node:os";

/** One worker as the main thread sees it, whatever the platform. */
interface ThreadPort {
  post(message: ToWorker, transfer: ArrayBuffer[]): void;
  /** `failed` is called once if the worker dies or cannot start. */
  listen(received: (message: FromWorker) => void, failed: (error: Error) => void): void;
  /** Whether the worker should keep the process alive (Node); it does only while a request is pending. */
  hold(busy: boolean): void;
  terminate(): Promise<void>;
}

const isNode = typeof process === "object" && typeof process.versions?.node === "string";

/** How many threads the platform offers: navigator.hardwareConcurrency, else Node's availableParallelism(). */
export async function hardwareThreads(): Promise<number> {
  const navigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (navigator?.hardwareConcurrency) return navigator.hardwareConcurrency;
  if (isNode) {
    const os: { availableParallelism?(): number; cpus(): unknown[] } = await import(/* @vite-ignore */ NODE_OS);
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  return 1;
}

/**
 * A started worker that answers requests in the order they were sent. Its first answer, "ready",
 * is asked for on creation: `ready` settles when the worker listens (or fails to start).
 */
export class Thread {
  private readonly pending: { resolve(m: FromWorker): void; reject(e: Error): void }[] = [];
  private failure: Error | undefined;
  readonly ready: Promise<FromWorker>;

  private constructor(private readonly port: ThreadPort) {
    this.ready = this.expect();
    this.ready.catch(() => {}); // a worker stopped before anyone awaited it is not an unhandled rejection
    port.listen((m) => this.received(m), (e) => this.fail(e));
  }

  static async start(): Promise<Thread> {
    return new Thread(isNode ? await nodePort() : browserPort());
  }

  /** Send a request; resolves with its answer, rejects if the worker reports a failure or dies. */
  request(message: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const answer = this.expect();
    this.port.post(message, transfer);
    return answer;
  }

  /** Stop the worker; pending requests reject with `reason`. */
  async terminate(reason: Error): Promise<void> {
    this.fail(reason);
    await this.port.terminate();
  }

  private expect(): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      if (this.pending.length === 1) this.port.hold(true);
    });
  }

  private received(message: FromWorker): void {
    const next = this.pending.shift();
    if (this.pending.length === 0) this.port.hold(false);
    if (!next) return;
    if (message.kind === "failed") next.reject(rebuildError(message.name, message.message));
    else next.resolve(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
    this.port.hold(false);
  }
}

/** The worker's error as the caller would have seen it on one thread: same class where it is a built-in one. */
function rebuildError(name: string, message: string): Error {
  const error = name === "RangeError" ? new RangeError(message) : name === "TypeError" ? new TypeError(message) : new Error(message);
  if (error.name !== name) error.name = name;
  return error;
}

const diedMessage = (detail: string) => `liqscan: a scan worker stopped: ${detail}`;

interface NodeWorker {
  postMessage(message: unknown, transfer: readonly ArrayBuffer[]): void;
  on(event: "message", listener: (message: FromWorker) => void): void;
  on(event: "error" | "messageerror", listener: (error: Error) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

async function nodePort(): Promise<ThreadPort> {
  if (import.meta.url.endsWith(".ts")) {
    // Worker threads run JavaScript only: the sources' worker would be parallel-worker.ts.
    throw new Error("liqscan: parallel scans run the built package (dist/bindings/parallel-worker.js); worker threads cannot run the TypeScript sources. Run `npm run build` and import from dist/.");
  }
  const { Worker } = (await import(/* @vite-ignore */ NODE_WORKER_THREADS)) as { Worker: new (url: URL) => NodeWorker };
  const worker = new Worker(new URL("./parallel-worker.js", import.meta.url));
  worker.unref();
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (received, failed) => {
      worker.on("message", received);
      worker.on("error", (e) => failed(new Error(diedMessage(e.message), { cause: e })));
      worker.on("messageerror", (e) => failed(new Error(diedMessage(e.message), { cause: e })));
      worker.on("exit", (code) => failed(new Error(diedMessage(`it exited with code ${code}`))));
    },
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

function browserPort(): ThreadPort {
  // Written out in full so that bundlers (Vite, webpack) see the worker and emit it.
  const worker = new Worker(new URL("./parallel-worker.js", import.meta.url), { type: "module" });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (received, failed) => {
      worker.onmessage = (event: MessageEvent<FromWorker>) => received(event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        failed(new Error(diedMessage(event.message || "it could not be started (is parallel-worker.js served next to the module?)")));
      };
      worker.onmessageerror = () => failed(new Error(diedMessage("a message could not be read")));
    },
    hold: () => {},
    terminate: async () => worker.terminate(),
  };
}
