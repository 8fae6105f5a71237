/** @module Asking a yes/no question on the terminal before an irreversible step. */
import { readSync } from "node:fs";

/** True when stdin is a terminal a person can answer on. Loads node:tty only here, off the fast paths. */
export async function stdinIsTerminal(): Promise<boolean> {
  const { isatty } = await import("node:tty");
  return isatty(0);
}

/** Writes `question [y/N] ` to stderr and reads one line from the terminal; only "y" or "yes" mean yes. */
export function askYesNo(question: string): boolean {
  process.stderr.write(`${question} [y/N] `);
  const buf = Buffer.alloc(256);
  let line = "";
  for (;;) {
    let n = 0;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      // A non-blocking terminal has nothing yet; wait for the answer rather than fail.
      if ((err as NodeJS.ErrnoException).code === "EAGAIN") continue;
      throw err;
    }
    if (n === 0) break;
    line += buf.toString("utf8", 0, n);
    if (line.includes("\n")) break;
  }
  return /^\s*y(es)?\s*$/i.test(line.split("\n")[0] ?? "");
}
