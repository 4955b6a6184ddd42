/**
 * Progress on stderr, only when stderr is a terminal: a bar for work with a known size, and a
 * phase line (`loading... 0.12 s`) otherwise. When stderr is not a terminal (a pipe, a file, a
 * test) everything here is silent, so that logs and captured output stay clean.
 */

const WIDTH = 30;
const MIN_INTERVAL_MS = 80;

export interface Progress {
  /** `done` of `total` units, or a fraction in [0, 1] when `total` is omitted. */
  update(done: number, total?: number): void;
  /** Erases the bar. */
  end(): void;
}

const SILENT: Progress = { update() {}, end() {} };

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(chunk: string): boolean;
}

export function progressEnabled(stream: ProgressStream = process.stderr): boolean {
  return stream.isTTY === true && process.env.TERM !== "dumb";
}

/** A progress bar labelled `label` on `stream` (stderr), or a silent one when it is not a terminal. */
export function progressBar(label: string, stream: ProgressStream = process.stderr): Progress {
  if (!progressEnabled(stream)) return SILENT;
  let last = 0;
  let shown = false;
  const draw = (fraction: number): void => {
    const f = Math.min(1, Math.max(0, fraction));
    const filled = Math.round(f * WIDTH);
    stream.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(WIDTH - filled)}] ${(f * 100).toFixed(0).padStart(3)}%`);
    shown = true;
  };
  return {
    update(done: number, total?: number) {
      const now = Date.now();
      const fraction = total === undefined ? done : total > 0 ? done / total : 1;
      if (now - last < MIN_INTERVAL_MS && fraction < 1) return;
      last = now;
      draw(fraction);
    },
    end() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}

/**
 * Runs `work` as a named phase: on a terminal shows `label...` while it runs and erases it after.
 * Returns the result and the seconds it took.
 */
export async function phase<T>(label: string, work: (progress: Progress) => T | Promise<T>, stream: ProgressStream = process.stderr): Promise<{ value: T; seconds: number }> {
  const enabled = progressEnabled(stream);
  const bar = progressBar(label, stream);
  if (enabled) stream.write(`\r${label}...`);
  const start = performance.now();
  try {
    const value = await work(bar);
    return { value, seconds: (performance.now() - start) / 1000 };
  } finally {
    bar.end();
    if (enabled) stream.write("\r\x1b[2K");
  }
}
