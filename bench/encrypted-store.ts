/** @module Bench helper: options for a new store encrypted under a random key (`--encrypted` in benches). */
import { AeadCodec } from "../src/store/aead-codec.ts";
import { newRecord } from "../src/store/encryption-record.ts";
import type { StoreOptions } from "../src/store/sqlite-store.ts";

export function encryptedStoreOptions(location = ":memory:", key: Uint8Array = crypto.getRandomValues(new Uint8Array(32))): StoreOptions {
  const codec = new AeadCodec(key, location);
  return { codec, newRecord: newRecord(codec.keyCheck, null, Date.now()) };
}
