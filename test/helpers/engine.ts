/** @module Test helper: an Engine over a fresh in-memory store with a controllable clock. */
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { AeadCodec } from "../../src/store/aead-codec.ts";
import { newRecord } from "../../src/store/encryption-record.ts";

/** Store options for a new store encrypted under a random key (kept in `key` for reopening). */
export function encryptedOptions(key: Uint8Array = crypto.getRandomValues(new Uint8Array(32)), location = ":memory:") {
  const codec = new AeadCodec(key, location);
  return { key, codec, newRecord: newRecord(codec.keyCheck, null, T0) };
}

export const T0 = Date.parse("2026-01-01T00:00:00Z");

export function testEngine(opts: { project?: string; path?: string; encrypted?: boolean } = {}) {
  const clock = { now: T0 };
  // CAIRN_TEST_CODEC=aead runs every engine test on an encrypted store (the codec contract, suite-wide).
  const encrypted = opts.encrypted ?? process.env.CAIRN_TEST_CODEC === "aead";
  const store = new SqliteStore(opts.path ?? ":memory:", encrypted ? encryptedOptions(undefined, opts.path) : {});
  const engine = new Engine({ store, project: opts.project ?? "/work/app", actor: "test", now: () => clock.now });
  return {
    engine,
    store,
    clock,
    /** Moves the clock forward by `ms`. */
    advance(ms: number) {
      clock.now += ms;
    },
  };
}
