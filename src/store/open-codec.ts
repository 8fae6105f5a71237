/**
 * @module Settling a store's codec when it first opens: from its encryption record (none: plain) and the key
 * found for it (keys/unlock.ts), checked against the record's key check value before anything is read or
 * written; or a codec given by the caller, which must match; or, for a new empty store given a record, that
 * record written so the store starts encrypted.
 */
import type { Database } from "bun:sqlite";
import { cairnError } from "../errors.ts";
import { type UnlockOptions, unlockKey } from "../keys/unlock.ts";
import { AeadCodec } from "./aead-codec.ts";
import { type ContentCodec, PLAIN_CODEC } from "./content-codec.ts";
import { writeTransaction } from "./db.ts";
import { type EncryptionRecord, readEncryption, writeEncryption } from "./encryption-record.ts";
import { startKeyingEra } from "./audit-key.ts";

export interface CodecOptions {
  /** Where an encrypted store's key is looked for (keys/unlock.ts); default: environment, key file, keychain. */
  unlock?: UnlockOptions;
  /** The codec to use as is (its key check must match the store's), instead of looking for a key. */
  codec?: ContentCodec;
  /** With an encrypting `codec`: the record to give an empty plain store, which then starts encrypted. */
  newRecord?: EncryptionRecord;
}

export function codecAtOpen(db: Database, path: string, opts: CodecOptions): { codec: ContentCodec; source: string | null } {
  let record = readEncryption(db);
  if (record === null && opts.newRecord && opts.codec?.encrypted) record = startEncrypted(db, opts.newRecord, path);
  if (opts.codec) {
    if ((record?.keyCheck ?? null) === opts.codec.keyCheck) return { codec: opts.codec, source: opts.codec.encrypted ? "the key given" : null };
    if (record === null) throw cairnError("NOT_ENCRYPTED", [path]);
    throw cairnError("KEY_WRONG", [path, "the key given"]);
  }
  if (record === null) return { codec: PLAIN_CODEC, source: null };
  const { key, source } = unlockKey(record, path, opts.unlock);
  const codec = new AeadCodec(key, path);
  if (codec.keyCheck !== record.keyCheck) throw cairnError("KEY_WRONG", [path, source]);
  return { codec, source };
}

function startEncrypted(db: Database, record: EncryptionRecord, path: string): EncryptionRecord {
  return writeTransaction(db, () => {
    const n = (db.query("SELECT count(*) AS n FROM memories").get() as { n: number }).n;
    if (n > 0) throw cairnError("NOT_ENCRYPTED", [path]);
    writeEncryption(db, record);
    startKeyingEra(db, true);
    return record;
  });
}

/** What a store's key is missing or wrong with: a refusal that must come before the file is touched. */
const KEY_REFUSALS = new Set(["KEY_WRONG", "KEY_MISSING", "NOT_ENCRYPTED"]);

/**
 * {@link codecAtOpen} of a store of an older schema, before its upgrade: a wrong or missing key is refused with
 * the file as it was (QA: the refused command had upgraded it already, and the older cairn the user still ran was
 * locked out of its own store). Null when the older schema cannot say (its upgrade then goes first, as before).
 */
export function codecBeforeUpgrade(db: Database, path: string, opts: CodecOptions): { codec: ContentCodec; source: string | null } | null {
  try {
    return codecAtOpen(db, path, { ...opts, newRecord: undefined });
  } catch (err) {
    if (KEY_REFUSALS.has((err as { code?: string }).code ?? "")) throw err;
    return null;
  }
}
