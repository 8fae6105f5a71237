/**
 * @module What the index files beside the database (vector-file.ts, text-index-file.ts) share: the database
 * state they are checked against, their arrays written one after another into the file's bytes, reads at an
 * offset that fail rather than come back short, and descriptors closed when the object reading through them
 * is collected without being closed.
 */
import type { Database } from "bun:sqlite";
import { closeSync, readSync } from "node:fs";

/**
 * What both index files check against the database (vector_index_state, migration 9), read on `db` in the
 * caller's snapshot: its random `epoch` (a file of another database is foreign), the last vector_log id pruned,
 * and how many purges (and re-encodings) ran: a writer that saw `erase` move must not publish what it read.
 */
export function indexFileState(db: Database): { epoch: number; pruned: number; erase: number } {
  const rows = db.query("SELECT key, value FROM vector_index_state").all() as Array<{ key: string; value: number }>;
  const get = (k: string) => rows.find((r) => r.key === k)?.value ?? 0;
  return { epoch: get("epoch"), pruned: get("pruned"), erase: get("erase") };
}

/** Copies typed arrays into `bytes` one after another from `at`; returns the function that appends one. */
export function sections(bytes: Uint8Array, at: number): (a: ArrayBufferView) => void {
  return (a) => {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  };
}

/** Fills `into` from `fd` at `position`; throws when the file ends first. */
export function readFullyAt(fd: number, into: Uint8Array, position: number, what: string): void {
  for (let got = 0; got < into.byteLength; ) {
    const n = readSync(fd, into, got, into.byteLength - got, position + got);
    if (n === 0) throw new Error(`${what} ends early`);
    got += n;
  }
}

/** Closes the descriptor of an object dropped without being closed (register it with the descriptor). */
export const closeWhenCollected = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});
