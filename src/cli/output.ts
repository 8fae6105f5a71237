/**
 * @module The only writer of stdout for CLI commands (under `cairn mcp`, stdout is JSON-RPC's alone).
 * Output is buffered and written with `Bun.write(Bun.stdout)`: touching `process.stdout` builds Node's
 * stream machinery, which measured ~15 ms of start-up on every CLI call. `cli/run.ts` flushes at the end.
 */

import { describeError } from "../errors.ts";
import { showHidden } from "../text/hidden.ts";

let pending = "";

/** Writes a chunk now when the buffer grows large (exports), so memory stays bounded. */
const FLUSH_AT = 1 << 20;

export const output = {
  /**
   * Human-readable text; a trailing newline is added. Control characters in it never reach the terminal, and
   * invisible or reordering characters show as `[U+XXXX]` (text/hidden.ts).
   */
  text(text: string): void {
    const safe = forTerminal(text);
    pending += safe.endsWith("\n") ? safe : `${safe}\n`;
  },
  /** cairn's own help, with the colours citty gives it (no stored text in it). */
  help(text: string): void {
    pending += text.endsWith("\n") ? text : `${text}\n`;
  },
  /** One JSON document on one line (stable machine output). */
  json(value: unknown): void {
    pending += `${JSON.stringify(value)}\n`;
  },
  /** Raw chunk, no newline added (exports and streams). Await it so large outputs stream. */
  async raw(chunk: string): Promise<void> {
    pending += chunk;
    if (pending.length >= FLUSH_AT) await flushOutput();
  },
};

/**
 * Control characters that would drive the terminal (an OSC 52 clipboard write, a retitle, a cursor move, colours
 * that hide the text after them) taken out of human output: stored text could carry them (QA: a tag written
 * through MCP; an imported line's `agent` field setting conceal before the memory `cairn get` printed).
 */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
export const terminalSafe = (text: string): string => text.replace(TERMINAL_CONTROL, "");

/** Text for a person at a terminal (stdout or an error on stderr): no control of its own, hidden characters shown. */
export const forTerminal = (text: string): string => showHidden(terminalSafe(text));

/**
 * The reader of stdout went away (`cairn export | head -1`): what was asked for was read, and the command stops
 * there, quietly (cli/run.ts exits 0). It was an internal error with a stack trace (QA).
 */
export class OutputClosed extends Error {}

/** Writes everything buffered so far to stdout; {@link OutputClosed} when nobody reads it any more. */
export async function flushOutput(): Promise<void> {
  if (pending === "") return;
  const chunk = pending;
  pending = "";
  try {
    await Bun.write(Bun.stdout, chunk);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === "EPIPE") throw new OutputClosed("stdout closed");
    // A full disk or a device that refuses writes (`cairn export > /dev/full`): said in one line, not Bun's crash
    // dump of minified source (QA).
    throw new OutputFailed(code === "ENOSPC" ? "no space is left on the disk it goes to" : typeof code === "string" ? `${code}: ${describeError(err)}` : describeError(err));
  }
}

/** Writing the output failed for a reason other than its reader going away. */
export class OutputFailed extends Error {
  constructor(why: string) {
    super(`The output could not be written (${why}); what was written before may be cut short. Free some space or send the output elsewhere, then run the command again.`);
  }
}

/** Progress and notices for people go to stderr, so stdout stays parseable. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
