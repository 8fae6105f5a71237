/**
 * @module The CLI's side of making a key (keys/new-key.ts): a passphrase typed twice at the terminal, and
 * re-encoding a store under the new key.
 */
import { CairnError, cairnError } from "../errors.ts";
import { parseKey } from "../keys/key-file.ts";
import { type KeyChoice, makeKey as makeNewKey, MIN_PASSPHRASE, type NewKey } from "../keys/new-key.ts";
import { readEncryption } from "../store/encryption-record.ts";
import type { RecodeReport } from "../store/recode.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";
import { recodeProgress } from "./encryption-output.ts";
import { promptHidden } from "./tty-prompt.ts";

function askTwice(): string {
  const first = promptHidden("New passphrase for the cairn store: ");
  // No terminal to type at, or nothing typed at one: each told as what it is (QA: Enter was told to find a terminal).
  if (first === null) throw cairnError("PASSPHRASE_NEEDED");
  if (first.length < MIN_PASSPHRASE) throw cairnError("PASSPHRASE_SHORT", [MIN_PASSPHRASE]);
  if (promptHidden("Type it again: ") !== first) throw cairnError("PASSPHRASE_MISMATCH");
  return first;
}

/** A new key for the store at `location` ({@link makeNewKey}), a passphrase typed twice when one is chosen. */
export function makeKey(location: string, choice: KeyChoice, env: NodeJS.ProcessEnv = process.env): NewKey {
  return makeNewKey(location, choice, env, askTwice);
}

/**
 * What a rotation's new key is made from. CAIRN_PASSPHRASE and CAIRN_KEY unlock the store being rotated: the
 * old secret, never the new one (QA: a rotation under them re-derived the same passphrase and the leaked one
 * still opened the store). The new one comes from CAIRN_NEW_PASSPHRASE / CAIRN_NEW_KEY, the terminal, a new
 * key file or the keychain; a passphrase store stays one unless --keychain is given. The same secret again is
 * refused.
 */
export function rotationKeyEnv(env: NodeJS.ProcessEnv, oldUsesPassphrase: boolean, choice: KeyChoice): { env: NodeJS.ProcessEnv; choice: KeyChoice; from?: string } {
  if (env.CAIRN_NEW_PASSPHRASE && env.CAIRN_NEW_PASSPHRASE === env.CAIRN_PASSPHRASE) throw cairnError("KEY_REUSED", ["CAIRN_NEW_PASSPHRASE", "CAIRN_PASSPHRASE"]);
  if (env.CAIRN_NEW_KEY && env.CAIRN_NEW_KEY.trim().toLowerCase() === env.CAIRN_KEY?.trim().toLowerCase()) throw cairnError("KEY_REUSED", ["CAIRN_NEW_KEY", "CAIRN_KEY"]);
  // Read here under its own name: passed on as CAIRN_KEY, a malformed one was blamed on CAIRN_KEY (QA re-check).
  if (env.CAIRN_NEW_KEY) parseKey(env.CAIRN_NEW_KEY, "CAIRN_NEW_KEY");
  const { CAIRN_PASSPHRASE: _p, CAIRN_KEY: _k, CAIRN_NEW_PASSPHRASE, CAIRN_NEW_KEY, ...rest } = env;
  const next: NodeJS.ProcessEnv = { ...rest, ...(CAIRN_NEW_PASSPHRASE ? { CAIRN_PASSPHRASE: CAIRN_NEW_PASSPHRASE } : {}), ...(CAIRN_NEW_KEY ? { CAIRN_KEY: CAIRN_NEW_KEY } : {}) };
  const passphrase = choice.passphrase === true || (oldUsesPassphrase && !choice.keychain && !CAIRN_NEW_KEY);
  // A new secret from the environment opens the store only once it is given as the usual variable (QA: "key: CAIRN_KEY").
  const from =
    CAIRN_NEW_KEY && !passphrase && !choice.keychain ? "the key in CAIRN_NEW_KEY (cairn stored it nowhere): give it as CAIRN_KEY from now on"
    : CAIRN_NEW_PASSPHRASE && passphrase ? "the passphrase in CAIRN_NEW_PASSPHRASE (scrypt): give it as CAIRN_PASSPHRASE from now on"
    : undefined;
  return { env: next, choice: { ...choice, passphrase }, ...(from ? { from } : {}) };
}

/**
 * Re-encodes `store` under a new key made by {@link makeKey}: the key is saved first, dropped again if the
 * re-encoding fails, and committed once it succeeded.
 */
export function recodeUnderNewKey(store: SqliteStore, choice: KeyChoice, json: boolean | undefined, env: NodeJS.ProcessEnv = process.env): { key: NewKey; report: RecodeReport } {
  const key = makeKey(store.location, choice, env);
  let report: RecodeReport;
  try {
    report = store.recode(key.codec, key.record, recodeProgress(json));
  } catch (err) {
    // Nothing should fail after the commit (store/recode.ts), but should anything, the key the store is under stays.
    if (underNewKey(store, key, err)) key.commit();
    else key.abort();
    throw err;
  }
  key.commit();
  return { key, report };
}

/**
 * Whether the failed re-encoding had committed: the store's record names the new key. Read without this store's
 * key check, which refuses a store re-keyed since it opened (QA: KEY_CHANGED was thrown here in place of the
 * error). When that cannot be told, the key is kept: a key file too many is harmless, one too few loses the store.
 */
function underNewKey(store: SqliteStore, key: NewKey, err: unknown): boolean {
  if (err instanceof CairnError && err.code === "RECODED_THEN_FAILED") return true;
  try {
    return readEncryption(store.database)?.keyCheck === key.record.keyCheck;
  } catch {
    return true;
  }
}
