/**
 * @module Writes that must not land in another encoding: inside a write transaction, a file-backed store's key
 * check is compared with the one this process encodes with first, so a process opened before `cairn encrypt`,
 * `decrypt` or `key rotate` refuses to write (KEY_CHANGED) instead of mixing encodings.
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
