/**
 * @module Writes that must not land in another encoding: inside a write transaction, a file-backed store's key
 * check is compared with the one this process encodes with first, so a process opened before `cairn encrypt`,
 * `decrypt` or `key rotate` refuses to write (KEY_CHANGED) instead of mixing encodings. Reads are checked too
 * ({@link ReadKeyCheck}): read in the old encoding, a filter matches nothing and a search finds nothing.
 */
import type { Database } from "bun:sqlite";
import { writeTransaction } from "./db.ts";
import { assertKeyCheck } from "./encryption-record.ts";
import type { LiveDatabase } from "./live-db.ts";
import { onDisk } from "./db-path.ts";

/** {@link assertKeyCheck} for a file (an in-memory database has no other process to change it). */
export function assertKeyUnchanged(db: Database, keyCheck: string | null, location: string): void {
  if (onDisk(db.filename)) assertKeyCheck(db, keyCheck, location);
}

/** Runs `fn` inside the caller's write transaction, or in one of its own that checks the key first. */
export function checkedWrite<T>(live: LiveDatabase, keyCheck: string | null, fn: (db: Database) => T): T {
  const db = live.write();
  if (db.inTransaction) return fn(db);
  return writeTransaction(db, () => {
    assertKeyUnchanged(db, keyCheck, live.path);
    return fn(db);
  });
}

/**
 * The read connection, checked whenever another connection committed since the last check (PRAGMA
 * data_version, ~1 µs) that no process re-encoded the store meanwhile. Once it did, every read fails with
 * KEY_CHANGED (the process must restart): never an empty answer read in the old encoding.
 */
export class ReadKeyCheck {
  /** The generation and data version the key was last checked at. */
  #at = "";
  #changed: unknown = null;

  connection(live: LiveDatabase, keyCheck: string | null): Database {
    if (this.#changed) throw this.#changed;
    const db = live.read();
    if (db.inTransaction || !onDisk(db.filename)) return db;
    const at = `${live.generation}:${(db.query("PRAGMA data_version").get() as { data_version: number }).data_version}`;
    if (at === this.#at) return db;
    try {
      assertKeyCheck(db, keyCheck, live.path);
    } catch (err) {
      this.#changed = err;
      throw err;
    }
    this.#at = at;
    return db;
  }
}
