/** Run the built command line (dist/cli/main.js) as a user would, capturing its exit code and output. */
import { execFile } from "node:child_process";

export const MAIN = "dist/cli/main.js";

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function liqscan(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MAIN, ...args], { maxBuffer: 64 << 20, env: { ...process.env, LIQSCAN_DEBUG: "" } }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}
