/**
 * @module The warm hook path's contract: where the socket lives, what a request and a reply carry, and the
 * build identity that keeps a daemon from an older binary from answering a newer one.
 */
import { join } from "node:path";
import { VERSION } from "../../version.ts";
import type { EmbedRequest } from "./embed-service.ts";
import type { RecallRequest } from "./recall-service.ts";

/**
 * Unix socket paths are capped by sun_path (108 bytes on Linux, 104 on macOS); longer data directories
 * simply stay on the cold path.
 */
const MAX_SOCKET_PATH = 100;

/**
 * The daemon's socket, inside the 0700 data directory: file permissions are what keep other local users
 * out (an abstract socket would let any of them connect and read memories). Null where the warm path is
 * not available: Windows, or a path too long for a socket.
 */
export function socketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === "win32") return null;
  const path = join(dataDir, "hookd.sock");
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH ? path : null;
}

/** Created exclusively by the hook that starts a daemon, so a burst of cold hooks starts only one. */
export function launchLockPath(dataDir: string): string {
  return join(dataDir, "hookd.lock");
}

/** `<pid> <socket inode>` of the daemon serving the socket, so a client can stop one that stopped answering. */
export function pidFilePath(dataDir: string): string {
  return join(dataDir, "hookd.pid");
}

export interface WarmRequest {
  /** {@link buildId} of the client; a daemon of another build steps aside. */
  build: string;
  /** The event argument as given (`prompt`, `UserPromptSubmit`, …). */
  event: string | undefined;
  /** The hook process's cwd: the fallback when the event JSON has none. */
  cwd: string;
  /** The event JSON exactly as read from stdin. */
  stdin: string;
  /** Instead of an event: texts to embed for a one-shot command (embed-service.ts); the reply's `out` is its JSON. */
  embed?: EmbedRequest;
  /** Instead of an event: a one-shot `cairn recall` to answer whole (recall-service.ts); `out` is its JSON. */
  recall?: RecallRequest;
}

export type WarmReply = { out: string } | { retry: "cold" };

/**
 * Identifies the code that is running: the version, plus the executable's size and mtime so a rebuilt or
 * upgraded binary of the same version is told apart too. One stat, through Bun.file: node:fs is not loaded
 * on the warm path (its first import costs 3.5–5 ms).
 */
export function buildId(execPath: string = process.execPath): string {
  try {
    const file = Bun.file(execPath);
    return `${VERSION}:${file.size}:${Math.trunc(file.lastModified)}`;
  } catch {
    return `${VERSION}:?`;
  }
}

/** Env switch: `CAIRN_HOOK_DAEMON=off` (or 0/false/no) keeps every hook on the cold path. */
export function warmEnabled(env: Record<string, string | undefined> = process.env): boolean {
  const v = env.CAIRN_HOOK_DAEMON?.trim().toLowerCase();
  return !(v === "off" || v === "0" || v === "false" || v === "no");
}
