/**
 * @module The CLI's side of making a key (keys/new-key.ts): a passphrase typed twice at the terminal, and
 * re-encoding a store under the new key.
 */
import { cairnError } from "../errors.ts";
import { type KeyChoice, makeKey as makeNewKey, MIN_PASSPHRASE, type NewKey } from "../keys/new-key.ts";
import type { RecodeReport } from "../store/recode.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";
import { recodeProgress } from "./encryption-output.ts";
import { promptHidden } from "./tty-prompt.ts";

function askTwice(): string {
  const first = promptHidden("New passphrase for the cairn store: ");
  if (!first) throw cairnError("PASSPHRASE_NEEDED");
  if (first.length < MIN_PASSPHRASE) throw cairnError("PASSPHRASE_SHORT", [MIN_PASSPHRASE]);
  if (promptHidden("Type it again: ") !== first) throw cairnError("PASSPHRASE_MISMATCH");
  return first;
}

/** A new key for the store at `location` ({@link makeNewKey}), a passphrase typed twice when one is chosen. */
export function makeKey(location: string, choice: KeyChoice): NewKey {
  return makeNewKey(location, choice, process.env, askTwice);
}

/**
 * Re-encodes `store` under a new key made by {@link makeKey}: the key is saved first, dropped again if the
 * re-encoding fails, and committed once it succeeded.
 */
export function recodeUnderNewKey(store: SqliteStore, choice: KeyChoice, json: boolean | undefined): { key: NewKey; report: RecodeReport } {
  const key = makeKey(store.location, choice);
  let report: RecodeReport;
  try {
    report = store.recode(key.codec, key.record, recodeProgress(json));
  } catch (err) {
    key.abort();
    throw err;
  }
  key.commit();
  return { key, report };
}
