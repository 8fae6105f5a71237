/**
 * @module Key files: 32 random bytes as 64 hex digits, mode 0600, by default outside the data directory
 * (`$XDG_CONFIG_HOME/cairn/<store id>.key`, else `~/.config/cairn/…`), so a copied data directory or backup
 * does not carry its key along. `CAIRN_KEY_FILE` names another file. A file other users could read is refused.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { cairnError } from "../errors.ts";

/** Where the key of the store `storeId` is looked for and written. */
export function keyFilePath(storeId: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CAIRN_KEY_FILE) return env.CAIRN_KEY_FILE;
  const config = env.XDG_CONFIG_HOME || join(env.HOME ?? env.USERPROFILE ?? ".", ".config");
  return join(config, "cairn", `${storeId}.key`);
}

/**
 * The default key file of the store id a store had before its last key rotation, when it is still there: a
 * rotation killed after the switch left it (the store no longer needs it; it opens copies of the old store).
 * None under CAIRN_KEY_FILE, which names the current key whatever the id.
 */
export function leftKeyFile(record: { before?: string } | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (!record?.before || env.CAIRN_KEY_FILE) return null;
  const file = keyFilePath(record.before, env);
  return existsSync(file) ? file : null;
}

/** A key as text (64 hex digits) → its 32 bytes; `from` names where it came from, for the error. */
export function parseKey(text: string, from: string): Uint8Array {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw cairnError("KEY_BAD", [from, `expected 64 hex digits, found ${hex.length} characters`]);
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** The key in `file`, or null when there is no such file. Refuses a file group or others can read. */
export function readKeyFile(file: string): Uint8Array | null {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return null;
  if ((st.mode & 0o077) !== 0) throw cairnError("KEY_FILE_UNSAFE", [file, (st.mode & 0o777).toString(8).padStart(4, "0")]);
  return parseKey(readFileSync(file, "utf8"), file);
}

/** Writes `key` to `file` (0600, its directory 0700), atomically; an existing file is never overwritten. */
export function writeKeyFile(file: string, key: Uint8Array): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(file)) throw cairnError("KEY_FILE_EXISTS", [file]);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, `${Buffer.from(key).toString("hex")}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
