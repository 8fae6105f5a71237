/**
 * @module `<dataDir>/hooks.log`: one line per failed hook (and per hook with CAIRN_HOOK_DEBUG=1). Hooks must
 * never print to stderr (the agent may show it), so this file is where their problems become visible. Lines
 * are sealed when the store is encrypted (log-file.ts); `cairn logs` reads them.
 */
import { join } from "node:path";
import { appendLogLine } from "../log-file.ts";

/** Past this size the log is rotated to hooks.log.1 (one generation kept): at most ~512 KiB on disk. */
const MAX_LOG_BYTES = 256 * 1024;

export const HOOK_LOG = "hooks.log";

export function hookLogFile(dataDir: string): string {
  return join(dataDir, HOOK_LOG);
}

/** Appends one line; never throws (an unwritable data dir must not turn into a failing hook). */
export function appendHookLog(dataDir: string, line: string): void {
  try {
    // Loaded here, not at the top: most hooks never log, and node:fs costs 3.5–5 ms to load in a fresh process.
    const { existsSync, mkdirSync } = require("node:fs") as typeof import("node:fs");
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Loaded here too: most hooks never log. Errors can quote input (a JSON parse error quotes a token).
    const { redactedCut } = require("../capture/redact-deep.ts") as typeof import("../capture/redact-deep.ts");
    const oneLine = redactedCut(line.replace(/\s*\n\s*/g, " | "), 2000);
    appendLogLine(dataDir, HOOK_LOG, oneLine, MAX_LOG_BYTES);
  } catch {
    // nowhere to log: stay silent, the agent's session matters more
  }
}
