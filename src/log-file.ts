/**
 * @module Append-only log files that stay small: past `maxBytes` the file moves to `<file>.1` (one generation
 * kept) before the next line is appended, created private (0600). Used by hooks.log, reembed.log and
 * activity.jsonl.
 *
 * Logs of an encrypted store are sealed: a store that opens encrypted registers a {@link LineSeal} for its
 * data directory, and from then on {@link appendLogLine} writes `<time> sealed:<ciphertext>` there instead of
 * the words, so an error message that quotes what a user wrote is no more readable on disk than the memory
 * itself. `cairn logs` opens them again with the key.
 */
import { dirname, join } from "node:path";

/** Seals and opens one log line's text, bound to the log file's name and the line's time. */
export interface LineSeal {
  seal(text: string, bound: string): string;
  open(sealed: string, bound: string): string;
}

/** Marks a sealed line's text. */
export const SEALED_LINE = "sealed:";

const seals = new Map<string, LineSeal>();

/** Registers how the logs of the store at `dbFile` are sealed (null: they are plain again, as after decrypt). */
export function sealLogsOf(dbFile: string, seal: LineSeal | null): void {
  if (dbFile === ":memory:" || dbFile === "") return;
  if (seal) seals.set(dirname(dbFile), seal);
  else seals.delete(dirname(dbFile));
}

/** The seal registered for `dataDir`'s store in this process, if it is encrypted and was opened. */
export function logSealOf(dataDir: string): LineSeal | null {
  return seals.get(dataDir) ?? null;
}

/** Appends `line` (with its newline) to `file`, rotating it first when it grew past `maxBytes`. May throw. */
export function appendRotated(file: string, line: string, maxBytes: number): void {
  // Loaded here, not at the top: node:fs costs a few ms in a fresh process and most hooks never log.
  const { appendFileSync, renameSync, statSync } = require("node:fs") as typeof import("node:fs");
  try {
    if (statSync(file).size > maxBytes) renameSync(file, `${file}.1`);
  } catch {
    // no file yet
  }
  appendFileSync(file, line, { mode: 0o600 });
}

/** Appends one timestamped line of `text` to `<dataDir>/<name>`, sealed when the store there is encrypted. */
export function appendLogLine(dataDir: string, name: string, text: string, maxBytes: number): void {
  const at = new Date().toISOString();
  const seal = logSealOf(dataDir);
  appendRotated(join(dataDir, name), `${at} ${seal ? SEALED_LINE + seal.seal(text, `${name} ${at}`) : text}\n`, maxBytes);
}

/** One line of a log as `cairn logs` shows it. */
export interface LogLine {
  at: string;
  text: string;
  /** Whether the line was sealed on disk; `text` is then what the key opened, or why it could not be. */
  sealed: boolean;
  /** False when the line was sealed and could not be opened (no key here, or the line was altered). */
  readable: boolean;
}

/** Splits one stored line; sealed text is opened with `seal` when given. */
export function parseLogLine(name: string, line: string, seal: LineSeal | null): LogLine {
  const space = line.indexOf(" ");
  const at = space > 0 ? line.slice(0, space) : "";
  const body = space > 0 ? line.slice(space + 1) : line;
  if (!body.startsWith(SEALED_LINE)) return { at, text: body, sealed: false, readable: true };
  if (!seal) return { at, text: "[sealed: the store's key is needed to read this line]", sealed: true, readable: false };
  try {
    return { at, text: seal.open(body.slice(SEALED_LINE.length), `${name} ${at}`), sealed: true, readable: true };
  } catch {
    return { at, text: "[sealed: this line does not open under the store's key (altered, or another key)]", sealed: true, readable: false };
  }
}

/**
 * Re-seals the logs of `dataDir` (every `*.log`, and its rotated generation) from `from` to `to` (null: plain), as
 * an encrypt, decrypt or key rotation re-encodes the store: lines sealed under the old key were unreadable after a
 * rotation or a decrypt, and plain lines stayed in the clear after an encrypt (QA). A line that does not open
 * under `from` is left as it is.
 */
export function resealLogs(dataDir: string, from: LineSeal | null, to: LineSeal | null): void {
  const { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
  if (!existsSync(dataDir)) return;
  for (const file of readdirSync(dataDir).filter((n) => /\.log(\.1)?$/.test(n))) {
    const name = file.replace(/\.1$/, "");
    const path = join(dataDir, file);
    const lines = readFileSync(path, "utf8").split("\n").map((line) => {
      if (line.trim() === "" || !/^\S+ /.test(line)) return line;
      const p = parseLogLine(name, line, from);
      if (p.sealed && !p.readable) return line;
      return `${p.at} ${to ? SEALED_LINE + to.seal(p.text, `${name} ${p.at}`) : p.text}`;
    });
    const tmp = `${path}.${process.pid}.reseal`;
    writeFileSync(tmp, lines.join("\n"), { mode: 0o600 });
    renameSync(tmp, path);
  }
}
