/**
 * Buffered writing to stdout with back-pressure: reports of millions of accounts are written in
 * chunks of about 1 MB, waiting for the stream to drain, rather than built as one giant string.
 */

const CHUNK = 1 << 20;

export interface Sink {
  write(chunk: string): boolean;
  once(event: "drain", listener: () => void): unknown;
}

export class Output {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly sink: Sink = process.stdout) {}

  /** Appends text; call `flushIfFull` now and then (or `end`) to pass it on. */
  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  line(text = ""): void {
    this.write(text + "\n");
  }

  /** Passes the buffer on once it holds a chunk, waiting for the stream to drain if it is full. */
  async flushIfFull(): Promise<void> {
    if (this.size >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const text = this.parts.join("");
    this.parts = [];
    this.size = 0;
    if (!this.sink.write(text)) await new Promise<void>((resolve) => this.sink.once("drain", resolve));
  }
}
