/**
 * @module A store created under `newStores: "encrypted"` (config key; CAIRN_NEW_STORES) starts encrypted, on
 * whichever path creates it first — a CLI write, `cairn mcp`, `cairn ui`, a hook — as with `init --encrypt`:
 * under CAIRN_PASSPHRASE or CAIRN_KEY when set, else a fresh key in the key file. Nothing happens when the
 * database exists (an existing plain store stays plain: `cairn encrypt` converts it).
 */
import { existsSync } from "node:fs";
import { loadConfig } from "../config/load.ts";
import type { NewStores } from "../config/schema.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import { makeKey } from "./new-key.ts";

/** Where the new key went, when this call created an encrypted store; null when it created nothing. */
export function createConfiguredStore(dbFile: string, newStores: NewStores, env: NodeJS.ProcessEnv = process.env): string | null {
  if (newStores !== "encrypted" || existsSync(dbFile)) return null;
  const key = makeKey(dbFile, {}, env);
  try {
    new SqliteStore(dbFile, { codec: key.codec, newRecord: key.record }).close();
  } catch (err) {
    key.abort();
    // Another process created the store meanwhile (under its own key): this one opens that store as usual.
    if (existsSync(dbFile) && createdByOther(dbFile)) return null;
    throw err;
  }
  key.commit();
  return key.savedIn;
}

function createdByOther(dbFile: string): boolean {
  try {
    new SqliteStore(dbFile, { unlock: { keychain: false } }).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * {@link createConfiguredStore} for processes that have not read the configuration (hooks, the hook daemon):
 * it is read only when the database does not exist yet.
 */
export function createStoreIfConfigured(dbFile: string, configFile: string): string | null {
  if (existsSync(dbFile)) return null;
  return createConfiguredStore(dbFile, loadConfig(configFile).values.newStores);
}
