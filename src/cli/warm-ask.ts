/**
 * @module How a one-shot command asks the warm hook daemon for something (an embedding, a whole recall): the
 * daemon's socket when the warm path is on and one may be listening, and its JSON reply, or null — when it is
 * absent, late, of another build, or answered an error — so the command does the work itself.
 */
import { existsSync } from "node:fs";
import { log } from "../log.ts";
import { askWarm } from "../hooks/warm/client.ts";
import { buildId, socketPath, warmEnabled, type WarmRequest } from "../hooks/warm/protocol.ts";

export interface Deadlines {
  connectMs: number;
  sentMs: number;
  replyMs: number;
}

/** The daemon's socket for `dataDir` when the warm path is on and the socket file exists; else null. */
export function daemonSocket(dataDir: string): string | null {
  const sock = warmEnabled() ? socketPath(dataDir) : null;
  return sock && existsSync(sock) ? sock : null;
}

/**
 * Sends `ask` (the `embed` or `recall` part of a request) and returns the parsed reply unless it failed or
 * carries `{ error }`; `what` names the work in the debug log ("embed", "recall").
 */
export async function askDaemon<R extends object>(sock: string, ask: Pick<WarmRequest, "embed" | "recall">, deadlines: Deadlines, what: string, cwd = process.cwd()): Promise<Exclude<R, { error: string }> | null> {
  const warm = await askWarm(sock, { build: buildId(), event: undefined, cwd, stdin: "", ...ask }, deadlines);
  if (warm.kind !== "served") {
    log.debug(`warm ${what} unavailable (${warm.kind === "absent" ? warm.reason : `timeout in ${warm.phase}`}); doing it here`);
    return null;
  }
  try {
    const reply = JSON.parse(warm.out) as R | { error: string };
    if ("error" in reply) {
      log.debug(`the hook daemon could not ${what} (${reply.error}); doing it here`);
      return null;
    }
    return reply as Exclude<R, { error: string }>;
  } catch {
    return null;
  }
}
