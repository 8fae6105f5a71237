/**
 * @module Migration 9's data step: every float32 vector blob (4 · dims bytes) is rewritten as int8 + scale
 * (vector-codec.ts), in rowid batches so no statement walks a table it is changing. Rowids and created_at
 * stay, so nothing that keyed on them sees a change beyond the bytes.
 */
import type { Database } from "bun:sqlite";
import { packVector, unpackVector } from "./vector-codec.ts";

const BATCH = 2000;

export function vectorsToInt8(db: Database): void {
  const select = db.query("SELECT rowid, dims, vector FROM vectors WHERE rowid > ? ORDER BY rowid LIMIT ?");
  const update = db.query("UPDATE vectors SET vector = ? WHERE rowid = ?");
  for (let after = 0; ; ) {
    const rows = select.all(after, BATCH) as Array<{ rowid: number; dims: number; vector: Uint8Array }>;
    if (rows.length === 0) return;
    for (const r of rows) {
      if (r.vector.byteLength !== r.dims * 4) continue; // already packed, or damaged: left for reembed to replace
      const v = unpackVector(r.vector, r.dims);
      if (v) update.run(packVector(v), r.rowid);
    }
    after = rows.at(-1)!.rowid;
  }
}
