/**
 * @module Finding the key of an encrypted store, in order: `CAIRN_KEY` (64 hex digits), `CAIRN_PASSPHRASE`
 * (for a passphrase store), the key file (`CAIRN_KEY_FILE` or the default path), the OS keychain, and last a
 * passphrase typed at a terminal when the caller allows prompting. The store checks the result against its
 * key check value, so a wrong key is an error before anything is read.
 */
import type { EncryptionRecord } from "../store/encryption-record.ts";
import { cairnError } from "../errors.ts";
import { deriveKey } from "./kdf.ts";
import { keyFilePath, parseKey, readKeyFile } from "./key-file.ts";
import { keychain } from "./keychain.ts";

export interface UnlockedKey {
  key: Uint8Array;
  /** Where it came from, for messages: "CAIRN_KEY", "the key file /…", "the passphrase". */
  source: string;
}

export interface UnlockOptions {
  env?: NodeJS.ProcessEnv;
  /** Asks for a passphrase (a terminal prompt); absent where nobody can answer (hooks, MCP). */
  prompt?: (question: string) => string | null;
  /** Also ask the OS keychain (spawns a tool: skipped on the hook path). */
  keychain?: boolean;
}

export function unlockKey(record: EncryptionRecord, location: string, opts: UnlockOptions = {}): UnlockedKey {
  const env = opts.env ?? process.env;
  if (record.kdf !== null) {
    if (env.CAIRN_PASSPHRASE) return { key: deriveKey(env.CAIRN_PASSPHRASE, record.kdf), source: "CAIRN_PASSPHRASE" };
    const typed = opts.prompt?.(`Passphrase for the encrypted cairn store ${location}: `);
    if (typed) return { key: deriveKey(typed, record.kdf), source: "the passphrase typed" };
    throw cairnError("KEY_MISSING", [location, "This store is unlocked with a passphrase: set CAIRN_PASSPHRASE, or run the command at a terminal to type it."]);
  }
  if (env.CAIRN_KEY) return { key: parseKey(env.CAIRN_KEY, "CAIRN_KEY"), source: "CAIRN_KEY" };
  const file = keyFilePath(record.storeId, env);
  const fromFile = readKeyFile(file);
  if (fromFile) return { key: fromFile, source: `the key file ${file}` };
  if (opts.keychain !== false) {
    const kc = keychain();
    if ("get" in kc) {
      const hex = kc.get(record.storeId);
      if (hex) return { key: parseKey(hex, kc.name), source: kc.name };
    }
  }
  throw cairnError("KEY_MISSING", [location, `Set CAIRN_KEY to its key (64 hex digits), put the key file at ${file} (mode 0600), or store the key in the OS keychain.`]);
}
