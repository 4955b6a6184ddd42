/** `liqscan watch BOOK [--every N] [--pause MS] [--state DIR] [--json] [--engine wasm|reference]` */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { BookError, createEngine } from "../../bindings/index.js";
import type { AccountChange, ScanResult } from "../../bindings/results.js";
import type { EngineName, LiveBook } from "../../bindings/types.js";
import { parseCount, parseEngine } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { openBook } from "../open-book.js";
import { applyEvent, EventError, eventLine, parseEvent, type WatchEvent } from "../watch-events.js";

const HELP = `Usage: liqscan watch BOOK [--every N] [--pause MS] [--state DIR] [--json] [--engine wasm|reference]

Keeps BOOK live: reads events as NDJSON on stdin, one JSON object a line, applies them, rescans
after every N events and when the input pauses, and writes on stdout one JSON line per account
whose status a scan changed (the first scan, at the start: the accounts liquidatable as loaded).
Amounts are decimal strings (prices and sizes in the market's
decimals, collateral amounts in quote units):

  {"type":"mark","market":"BTC-PERP","price":"64000.5"}
  {"type":"fill","account":"alice","market":"BTC-PERP","size":"-0.5","price":"64010","fee":"1.25"}
  {"type":"open","account":"alice","market":"ETH-PERP","size":"2","entryPrice":"3100"}
  {"type":"close","account":"alice","market":"ETH-PERP"}
  (fill, open and close take "side":"LONG"|"SHORT" on a binance-usdm hedge-mode account)
  {"type":"deposit","account":"alice","amount":"500"}      (and "withdrawal")
  {"type":"account","account":"carol","collateral":"1000"} (a new account; "remove" removes one)
  {"type":"asset","asset":"ETH","price":"3100.5"}          (a collateral asset's price)
  {"type":"balance","account":"alice","asset":"ETH","amount":"-1.5"}  (a balance in it)
  {"type":"scan"}                                          (rescan now)

Each may carry "seq", a whole number that grows from event to event (its line number stands in
for it otherwise); an event whose seq is not above the last accepted one is skipped (a replay).
A fill moves the position by the venue's rule (see the README, "Live books").

Out, per scan, in account order:
  {"type":"liquidatable","scan":3,"seq":1041,"account":"bob","equity":"12.500000",
   "maintenance":"60.000000","marginRatio":"4.800000","penalty":...,"badDebt":...,"returned":...}
  {"type":"recovered",...}   it is not liquidatable any more (equity and maintenance with it)
  {"type":"overflow",...}    its amounts leave 64 bits (equity and maintenance null)
"seq" is the event that caused the change: the latest since the previous scan that edited the
account or moved the mark of a market it holds (null on the first scan for the book as loaded). A bad event is refused on stderr with its line
number and field ("liqscan: stdin line 7: field "price": ..."), and the process goes on.

Options:
  --every N      rescan after N accepted events (default 1000)
  --pause MS     rescan when no event came for MS milliseconds (default 20; 0: never)
  --state DIR    keep the book durable in DIR: a snapshot and an append-only log of the accepted
                 events and scans, flushed to disk (fsync) before anything is written for them;
                 started again with the same DIR (after a crash or a SIGKILL) it recovers to the
                 last accepted event, replays the scans since its snapshot (their lines again,
                 the same answers) and goes on. BOOK is read only when DIR holds no snapshot.
                 Give every event a seq here: line numbers start again with each process.
  --snapshot-every N  with --state: a new snapshot after N events (default 100000)
  --json         errors on stderr as JSON: {"line":7,"field":"price","error":"..."}
  --engine NAME  wasm (default) or reference
  -h, --help     this help
`;

export const watchCommand: Command = {
  name: "watch",
  summary: "keep a book live: events in on stdin, liquidations and recoveries out (NDJSON)",
  help: HELP,
  options: {
    every: { type: "string" },
    pause: { type: "string" },
    state: { type: "string" },
    "snapshot-every": { type: "string" },
    json: { type: "boolean" },
    engine: { type: "string" },
  },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const path = positionals[0];
    if (path === undefined) throw new CliError('watch: missing BOOK (a JSON book file or a CSV book directory; see "liqscan watch --help")');
    const every = parseCount(values.every, "--every", 1, 1e12) ?? 1000;
    const pause = parseCount(values.pause, "--pause", 0, 3_600_000) ?? 20;
    const snapshotEvery = parseCount(values["snapshot-every"], "--snapshot-every", 1, 1e12) ?? 100_000;
    const watcher = await Watcher.open(path, parseEngine(values.engine), typeof values.state === "string" ? values.state : undefined, { every, snapshotEvery, json: values.json === true });
    await watcher.run(pause);
  },
};

interface Options {
  readonly every: number;
  readonly snapshotEvery: number;
  readonly json: boolean;
}

const SNAPSHOT = "snapshot.bin";
const LOG = "events.log";

/**
 * The live process. With a state directory: `snapshot.bin` is [u32 length of a JSON header]
 * [header {logOffset, lastSeq, scans, events}][the book's snapshot image], written atomically
 * (temporary name, fsync, rename, fsync of the directory) after a scan; `events.log` holds one
 * accepted event a line (eventLine) and "S" ("S seq") for a scan, appended, fsynced before any output.
 */
class Watcher {
  private lastSeq = -1;
  private scans = 0;
  private events = 0;
  private pending = 0;
  private sinceSnapshot = 0;
  /** Since the last scan: the seq of the latest event that edited each account, and moved each market. */
  private touched = new Map<number, number>();
  /** Asset index to the seq of the latest price event since the last scan. */
  private readonly movedAssets = new Map<number, number>();
  private moved: number[];
  private log?: { fd: number; offset: number; unsynced: boolean };

  private constructor(private readonly book: LiveBook, private readonly dir: string | undefined, private readonly options: Options) {
    this.moved = book.markets.map(() => -1);
  }

  static async open(path: string, engineName: EngineName, dir: string | undefined, options: Options): Promise<Watcher> {
    if (dir === undefined) {
      const w = new Watcher((await openBook(path, engineName)).live, undefined, options);
      w.scan(true);
      return w;
    }
    mkdirSync(dir, { recursive: true });
    const snapshotPath = join(dir, SNAPSHOT);
    if (!existsSync(snapshotPath)) {
      const w = new Watcher((await openBook(path, engineName)).live, dir, options);
      w.openLog(0);
      w.scan(true);
      w.writeSnapshot();
      return w;
    }
    const bytes = readFileSync(snapshotPath);
    const length = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + length).toString("utf8")) as { logOffset: number; lastSeq: number; scans: number; events: number };
    const engine = await createEngine(engineName);
    let book: LiveBook;
    try {
      book = await engine.restore(new Uint8Array(bytes.buffer, bytes.byteOffset + 4 + length, bytes.length - 4 - length).slice());
    } catch (err) {
      throw new CliError(`${snapshotPath}: ${(err as Error).message.replace(/^liqscan: /, "")}`);
    }
    const w = new Watcher(book, dir, options);
    w.lastSeq = header.lastSeq;
    w.scans = header.scans;
    w.events = header.events;
    await w.replay(header.logOffset);
    // Killed after the event that completed a batch was logged but before its scan was: that scan
    // is owed now, before any later event joins the batch (else the answer moves by an event).
    if (w.pending >= options.every) w.scan(true);
    return w;
  }

  /** The log after the snapshot, applied again: its events, and its scans with their lines. */
  private async replay(from: number): Promise<void> {
    const logPath = join(this.dir!, LOG);
    const text = existsSync(logPath) ? readFileSync(logPath) : Buffer.alloc(0);
    // A line cut short by the crash was never answered: it goes.
    const end = text.lastIndexOf(10) + 1;
    const lines = text.subarray(from, Math.max(from, end)).toString("utf8").split("\n");
    lines.pop();
    const fd = openSync(logPath, "a+");
    if (end < text.length) ftruncateSync(fd, end);
    this.log = { fd, offset: Math.max(from, end), unsynced: false };
    for (const line of lines) {
      if (line.startsWith("S")) this.scan(false, line.length > 1 ? Number(line.slice(2)) : NaN);
      else this.accept(parseEvent(line, 0, this.book), false);
    }
    process.stdout.write("");
  }

  private openLog(offset: number): void {
    const fd = openSync(join(this.dir!, LOG), "a+");
    ftruncateSync(fd, offset);
    this.log = { fd, offset, unsynced: false };
  }

  private append(line: string): void {
    if (!this.log) return;
    const bytes = Buffer.from(line + "\n", "utf8");
    writeSync(this.log.fd, bytes);
    this.log.offset += bytes.length;
    this.log.unsynced = true;
  }

  private sync(): void {
    if (this.log?.unsynced) {
      fsyncSync(this.log.fd);
      this.log.unsynced = false;
    }
  }

  async run(pause: number): Promise<void> {
    const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let lineNo = 0;
    let timer: NodeJS.Timeout | undefined;
    for await (const text of input) {
      lineNo++;
      if (timer) clearTimeout(timer);
      if (text.trim() === "") continue;
      let event: WatchEvent;
      try {
        event = parseEvent(text, lineNo, this.book);
        if (event.seq <= this.lastSeq) continue; // a replay of an accepted event
        if (event.type === "scan") {
          this.scan(true, event.seq);
          continue;
        }
        applyEvent(event, this.book);
      } catch (err) {
        if (!(err instanceof EventError)) throw err;
        this.refuse(lineNo, err);
        continue;
      }
      this.accept(event, true);
      if (this.pending >= this.options.every) this.scan(true);
      else if (pause > 0) timer = setTimeout(() => this.pending > 0 && this.scan(true), pause);
    }
    if (timer) clearTimeout(timer);
    if (this.pending > 0) this.scan(true);
    this.sync();
  }

  private refuse(line: number, err: EventError): void {
    process.stderr.write(this.options.json
      ? JSON.stringify({ line, field: err.field, error: err.problem }) + "\n"
      : `liqscan: stdin line ${line}: ${err.message}\n`);
  }

  /** An event applied to the book (by run(), or here when replaying): logged, and remembered as a cause. */
  private accept(e: WatchEvent, fresh: boolean): void {
    if (!fresh) applyEvent(e, this.book);
    if (fresh) this.append(eventLine(e, this.book));
    this.lastSeq = e.seq;
    this.events++;
    this.pending++;
    this.sinceSnapshot++;
    if (e.type === "mark") this.moved[e.market] = e.seq;
    else if (e.type === "asset") this.movedAssets.set(e.asset, e.seq);
    else if ("account" in e) {
      const a = this.book.accountIndex(e.account);
      if (a !== undefined) this.touched.set(a, e.seq);
    }
  }

  /** Rescan, write the changes; with state: the scan logged and the log on disk first, and a snapshot now and then. */
  private scan(fresh: boolean, seq = NaN): void {
    if (fresh) {
      this.append(Number.isFinite(seq) ? `S ${seq}` : "S");
      this.sync();
    }
    if (Number.isFinite(seq)) this.lastSeq = seq;
    const result = this.book.scan();
    this.scans++;
    const out: string[] = [];
    for (const c of result.changes()) out.push(this.changeLine(result, c));
    if (out.length > 0) process.stdout.write(out.join("\n") + "\n");
    this.pending = 0;
    this.touched.clear();
    this.moved.fill(-1);
    this.movedAssets.clear();
    if (fresh && this.dir !== undefined && this.sinceSnapshot >= this.options.snapshotEvery) this.writeSnapshot();
  }

  private changeLine(result: ScanResult, c: AccountChange): string {
    let seq = this.touched.get(c.account) ?? -1;
    this.moved.forEach((s, m) => {
      if (s > seq && this.holds(c.account, m)) seq = s;
    });
    // A collateral asset's price moved the accounts holding a balance in it.
    for (const [k, s] of this.movedAssets) if (s > seq && this.book.balance(c.account, k) !== 0n) seq = s;
    const { id, status: _, ...amounts } = result.report(c.account);
    return JSON.stringify({ type: c.kind, scan: this.scans, seq: seq < 0 ? null : seq, account: id, ...amounts });
  }

  /** Whether the account holds the market (on either side of a hedge-mode pair, for which position() wants the side). */
  private holds(account: number, market: number): boolean {
    try {
      return this.book.position(account, market) !== null;
    } catch (e) {
      if (e instanceof BookError && e.field === "side") return true;
      throw e;
    }
  }

  private writeSnapshot(): void {
    const dir = this.dir!;
    this.sync();
    const header = Buffer.from(JSON.stringify({ logOffset: this.log!.offset, lastSeq: this.lastSeq, scans: this.scans, events: this.events }), "utf8");
    const image = this.book.snapshot();
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    const temp = join(dir, `.${SNAPSHOT}.liqscan-tmp-${process.pid}`);
    const fd = openSync(temp, "w");
    try {
      writeSync(fd, length);
      writeSync(fd, header);
      writeSync(fd, image);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(dir, SNAPSHOT));
    const dirFd = openSync(dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    this.sinceSnapshot = 0;
  }
}
