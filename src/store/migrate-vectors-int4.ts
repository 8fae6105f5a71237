/**
 * @module Migration 17's data step: the `vectors` table rebuilt with every blob in today's layout (4-bit
 * values + scale, vector-codec.ts; int8 and float32 blobs of earlier versions re-quantised), by
 * rebuild-table.ts: a row shrinking from 516 to 260 bytes in place would leave each page half empty for good.
 * The file does not grow (at 1M memories ~0.25 GB of it is left free, reused by later writes; the file itself
 * shrinks only by a VACUUM); the copy's deletes are no change to log or count. Sealed blobs (an encrypted
 * store) cannot be read here and are copied as they are: they stay readable, and are packed anew when next
 * written.
 */
import type { Database } from "bun:sqlite";
import { log } from "../log.ts";
import { keptCounts } from "./row-counts.ts";
import { rebuildTable } from "./rebuild-table.ts";
import { repacked } from "./vector-codec.ts";

/** From this many vectors the upgrade says what it is doing (it takes ~17 s at 1M, holding the write lock). */
const SAY_FROM = 100_000;

export function repackVectors(db: Database): void {
  const { vectors } = keptCounts(db);
  if (vectors >= SAY_FROM) log.warn(`upgrading the database: packing ${vectors} vectors in 4 bits (once; about 20 s a million)…`);
  type Row = { memory_seq: number; model: string; dims: number; created_at: number; vector: Uint8Array };
  rebuildTable<Row>(db, "vectors", {
    columns: ["memory_seq", "model", "dims", "created_at", "vector"],
    define: (current) => current,
    convert: (r) => [r.memory_seq, r.model, r.dims, r.created_at, repacked(r.vector, r.dims) ?? r.vector],
  });
}
