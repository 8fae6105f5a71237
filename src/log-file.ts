/**
 * @module Append-only log files that stay small: past `maxBytes` the file moves to `<file>.1` (one generation
 * kept) before the next line is appended, created private (0600). Used by hooks.log and activity.jsonl.
 */

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
