/**
 * @module Cleanup when a command is interrupted (Ctrl-C, SIGTERM, SIGHUP): an export's temporary file or staging
 * folder holds the memories in plain text, even from an encrypted store, and a signal's default action left it
 * behind (QA). The handler removes it, then the signal is raised again so the process ends as the signal ends it.
 * JavaScript handlers run only when the event loop gets a turn: a long loop calls `letSignalsIn()` now and then.
 */

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Runs `cleanup` if one of the signals arrives before the returned function is called. */
export function cleanUpOnSignal(cleanup: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    off();
    try {
      cleanup();
    } finally {
      // No handler left: the default action ends the process, with the status a shell expects of that signal.
      process.kill(process.pid, signal);
    }
  };
  const off = () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return off;
}

/** A turn of the event loop, so a signal that arrived during synchronous work is handled now. */
export function letSignalsIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
