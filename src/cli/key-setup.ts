/**
 * @module Making the key of a store being encrypted (`init --encrypt`, `encrypt`, `key rotate`) and saving it
 * before any data depends on it: a passphrase (CAIRN_PASSPHRASE or typed twice) through scrypt; CAIRN_KEY as
 * given; else 32 random bytes written to the key file (0600, outside the data directory) or, with
 * `--keychain`, to the OS keychain. `commit` runs once the store is re-encoded; `abort` undoes the save.
 */
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync } from "node:fs";
import { cairnError } from "../errors.ts";
import { deriveKey, newKdfParams } from "../keys/kdf.ts";
import { keyFilePath, parseKey, writeKeyFile } from "../keys/key-file.ts";
import { keychain } from "../keys/keychain.ts";
import { AeadCodec } from "../store/aead-codec.ts";
import { type EncryptionRecord, newRecord } from "../store/encryption-record.ts";
import type { RecodeReport } from "../store/recode.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";
import { recodeProgress } from "./encryption-output.ts";
import { promptHidden } from "./tty-prompt.ts";

export interface KeyChoice {
  passphrase?: boolean;
  keychain?: boolean;
}

export interface NewKey {
  codec: AeadCodec;
  record: EncryptionRecord;
  /** Where the key now lives, for the user: a file path, "CAIRN_KEY", "the passphrase", the keychain's name. */
  savedIn: string;
  /** The key file written, if any (removed by abort). */
  file: string | null;
  /** After the store was re-encoded: a key file written beside an existing one takes its place. */
  commit(): void;
  abort(): void;
}

export function makeKey(location: string, choice: KeyChoice, env: NodeJS.ProcessEnv = process.env): NewKey {
  const storeId = crypto.randomUUID();
  const now = Date.now();
  if (choice.passphrase || env.CAIRN_PASSPHRASE) {
    const pass = env.CAIRN_PASSPHRASE || askTwice();
    const kdf = newKdfParams(env.CAIRN_KDF_LOG_N ? Number(env.CAIRN_KDF_LOG_N) : undefined);
    const key = deriveKey(pass, kdf);
    const codec = new AeadCodec(key, location);
    return { codec, record: newRecord(codec.keyCheck, kdf, now, storeId), savedIn: "the passphrase (scrypt)", file: null, commit: () => {}, abort: () => {} };
  }
  if (env.CAIRN_KEY) {
    const codec = new AeadCodec(parseKey(env.CAIRN_KEY, "CAIRN_KEY"), location);
    return { codec, record: newRecord(codec.keyCheck, null, now, storeId), savedIn: "CAIRN_KEY (keep it: cairn stored it nowhere)", file: null, commit: () => {}, abort: () => {} };
  }
  const key = new Uint8Array(randomBytes(32));
  const codec = new AeadCodec(key, location);
  const record = newRecord(codec.keyCheck, null, now, storeId);
  if (choice.keychain) {
    const kc = keychain();
    if (!("put" in kc)) throw cairnError("KEYCHAIN_UNAVAILABLE", [kc.unavailable]);
    kc.put(storeId, Buffer.from(key).toString("hex"));
    return { codec, record, savedIn: kc.name, file: null, commit: () => {}, abort: () => {} };
  }
  const file = keyFilePath(storeId, env);
  // CAIRN_KEY_FILE names one file for every key: a rotation writes beside it and moves into place at commit.
  const beside = existsSync(file) && env.CAIRN_KEY_FILE ? `${file}.new` : file;
  writeKeyFile(beside, key);
  return {
    codec,
    record,
    savedIn: file,
    file,
    commit: () => beside !== file && renameSync(beside, file),
    abort: () => rmSync(beside, { force: true }),
  };
}

function askTwice(): string {
  const first = promptHidden("New passphrase for the cairn store: ");
  if (!first) throw cairnError("USAGE", ["A passphrase is needed: set CAIRN_PASSPHRASE, or run the command at a terminal to type one. Nothing was changed."]);
  if (first.length < 8) throw cairnError("USAGE", ["The passphrase is shorter than 8 characters; choose a longer one. Nothing was changed."]);
  if (promptHidden("Type it again: ") !== first) throw cairnError("USAGE", ["The two passphrases differ. Nothing was changed."]);
  return first;
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
