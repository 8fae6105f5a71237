/**
 * @module Making the key of a store being encrypted (`init --encrypt`, `encrypt`, `key rotate`, a new store
 * under `newStores: encrypted`) and saving it before any data depends on it: a passphrase (CAIRN_PASSPHRASE or
 * asked for) through scrypt; CAIRN_KEY as given; else 32 random bytes written to the key file (0600, outside
 * the data directory) or, when the keychain is chosen, to the OS keychain. `commit` runs once the store is
 * encoded under it; `abort` undoes the save.
 */
import { existsSync, renameSync, rmSync } from "node:fs";
import { cairnError } from "../errors.ts";
import { AeadCodec } from "../store/aead-codec.ts";
import { type EncryptionRecord, newRecord } from "../store/encryption-record.ts";
import { deriveKey, newKdfParams } from "./kdf.ts";
import { keyFilePath, parseKey, writeKeyFile } from "./key-file.ts";
import { keychain } from "./keychain.ts";
import { nodeCrypto } from "./node-crypto.ts";

/** The shortest passphrase a new key takes (scrypt slows guessing; it cannot make "a" safe). */
export const MIN_PASSPHRASE = 8;

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

/**
 * A new key for the store at `location`, saved before any data depends on it. `askPassphrase` is asked when a
 * passphrase is chosen and CAIRN_PASSPHRASE is not set (a terminal prompt; absent where nobody can answer).
 */
export function makeKey(location: string, choice: KeyChoice, env: NodeJS.ProcessEnv = process.env, askPassphrase?: () => string): NewKey {
  const storeId = crypto.randomUUID();
  const now = Date.now();
  if (choice.passphrase && choice.keychain) throw cairnError("ONE_OF", ["--passphrase and --keychain"]);
  // An explicit --keychain wins over CAIRN_PASSPHRASE / CAIRN_KEY, which may be set only to unlock the store
  // being rotated (rotating a passphrase store into the keychain kept the passphrase).
  if (choice.keychain) return keychainKey(location, storeId, now);
  if (choice.passphrase || env.CAIRN_PASSPHRASE) {
    const pass = env.CAIRN_PASSPHRASE || askPassphrase?.();
    if (!pass) throw cairnError("PASSPHRASE_NEEDED");
    // As at the prompt: a new key's passphrase from the environment is held to the same length.
    if (pass.length < MIN_PASSPHRASE) throw cairnError("PASSPHRASE_SHORT", [MIN_PASSPHRASE]);
    const kdf = newKdfParams(env.CAIRN_KDF_LOG_N ? Number(env.CAIRN_KDF_LOG_N) : undefined);
    const key = deriveKey(pass, kdf);
    const codec = new AeadCodec(key, location);
    return { codec, record: newRecord(codec.keyCheck, kdf, now, storeId), savedIn: "the passphrase (scrypt)", file: null, commit: () => {}, abort: () => {} };
  }
  if (env.CAIRN_KEY) {
    const codec = new AeadCodec(parseKey(env.CAIRN_KEY, "CAIRN_KEY"), location);
    return { codec, record: newRecord(codec.keyCheck, null, now, storeId), savedIn: "CAIRN_KEY (keep it: cairn stored it nowhere)", file: null, commit: () => {}, abort: () => {} };
  }
  const key = new Uint8Array(nodeCrypto().randomBytes(32));
  const codec = new AeadCodec(key, location);
  const record = newRecord(codec.keyCheck, null, now, storeId);
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

/** 32 random bytes kept in the OS keychain under the new store id. */
function keychainKey(location: string, storeId: ReturnType<typeof crypto.randomUUID>, now: number): NewKey {
  const kc = keychain();
  if (!("put" in kc)) throw cairnError("KEYCHAIN_UNAVAILABLE", [kc.unavailable]);
  const key = new Uint8Array(nodeCrypto().randomBytes(32));
  const codec = new AeadCodec(key, location);
  kc.put(storeId, Buffer.from(key).toString("hex"));
  return { codec, record: newRecord(codec.keyCheck, null, now, storeId), savedIn: kc.name, file: null, commit: () => {}, abort: () => {} };
}
