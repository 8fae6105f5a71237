/**
 * @module The memories against the audit log: the chain proves the log was not rewritten, but an agent reads
 * the memories table, which a direct SQL edit changed unnoticed. `audit verify` now also checks that each
 * memory's text hashes to its recorded content hash, that the last entry of the log giving the memory's
 * content hash gives that one (the keyed hash: audit-key.ts, or the codec's in an encrypted store), that a
 * memory made in the current era has an entry at all, and that one the log gives a hash for and never purged
 * is still there.
 *
 * Log hashes are keyed under whichever key the store had when each entry was written, and no entry records
 * an encrypt, decrypt or key rotation, so the second check reads only entries it knows the key of: in a plain
 * store those from `audit_keyed_from` on (the first keyed entry since the store was made plain, recorded with
 * the audit key's check value), while `audit.key` is the key recorded; in an encrypted store those from
 * `audit_sealed_from` on (set by every encrypt and rotation). Older entries, and memories whose last such entry
 * predates them, are not compared (nor, so, their text against their own hash: a store upgraded from an earlier
 * cairn, whose rows were never checked, is checked from its next writes on); in an encrypted store their sealed
 * rows are still opened, which one swapped for another's, or altered, fails.
 */
import type { Database } from "bun:sqlite";
import { readFileSync } from "node:fs";
import { POLICY_OPS } from "./audit.ts";
import { auditKeyFile, auditKeyState, KEYED_FROM, KEYED_PREFIX, SEALED_FROM } from "./audit-key.ts";
import type { ContentCodec } from "./content-codec.ts";
import { decodeContent, sealedHash } from "./rows.ts";
import { hashText } from "./stored-hash.ts";

const sha256 = (text: string, key?: string) => new Bun.CryptoHasher("sha256", key).update(text).digest("hex");

/** Where the era whose key is known starts: its first audit entry and the first memory made in it. */
export interface Era {
  from: number;
  memoriesFrom: number;
  keyed: (hash: string) => string;
}

/** The era of the store's current key, or null when no era's key is known. */
export function logKey(db: Database, codec: ContentCodec): Era | null {
  const start = (name: string) => {
    const value = (db.query("SELECT value FROM store_state WHERE key = ?").get(name) as { value: string } | null)?.value;
    const [from, memoriesFrom] = (value ?? "").split(":").map(Number);
    return value === undefined || !Number.isSafeInteger(from) || !Number.isSafeInteger(memoriesFrom) ? null : { from: from!, memoriesFrom: memoriesFrom! };
  };
  if (codec.encrypted) {
    const era = start(SEALED_FROM);
    return era && { ...era, keyed: (h) => codec.keyedHash(h) };
  }
  const era = start(KEYED_FROM);
  const file = auditKeyFile(db.filename);
  // A missing or replaced audit key is doctor's to report; its hashes cannot be checked meanwhile.
  if (era === null || file === null || auditKeyState(db, db.filename) !== "ok") return null;
  const key = readFileSync(file, "utf8").trim();
  return { ...era, keyed: (h) => KEYED_PREFIX + sha256(h, key) };
}

/**
 * The first memory, among those whose last content-hash entry is of a known era, that does not match its own
 * hash or that entry, as the entry to look at.
 */
export function memoryAuditProblem(db: Database, codec: ContentCodec): { seq: number; memory: string; problem: string } | null {
  const key = logKey(db, codec);
  if (key === null) return null;
  const rows = db.query(
    `SELECT m.seq AS row, m.id, m.content, m.content_hash,
       (SELECT a.seq FROM audit a WHERE a.memory_id = m.id AND a.hash_after IS NOT NULL ORDER BY a.seq DESC LIMIT 1) AS seq
     FROM memories m`,
  );
  const logged = db.query("SELECT hash_after FROM audit WHERE seq = ?");
  for (const r of rows.iterate() as Iterable<{ row: number; id: string; content: string; content_hash: unknown; seq: number | null }>) {
    // Made in this era, it was written with an entry: none at all means it was added around cairn.
    if (r.seq === null && r.row >= key.memoriesFrom) return { seq: 0, memory: r.id, problem: `memory ${r.id} has no audit entry (it was added outside cairn)` };
    if (r.seq === null || r.seq < key.from) {
      // Of an earlier era, its hash is not compared; sealed, its row is still bound to its id (QA: a row swapped
      // for another's after an encrypt was called intact, though listing it failed).
      if (codec.encrypted && !opens(codec, r.id, r.content)) return { seq: r.seq ?? 0, memory: r.id, problem: `memory ${r.id} fails its integrity check (its sealed row was altered or moved)` };
      continue;
    }
    let text: string;
    let hash: string | null;
    try {
      text = decodeContent(codec, r.id, r.content);
      hash = codec.encrypted ? sealedHash(codec, r.id, r.content) : hashText(r.content_hash);
    } catch {
      return { seq: r.seq, memory: r.id, problem: `memory ${r.id} fails its integrity check (its sealed row was altered or moved)` };
    }
    if (hash !== sha256(text)) return { seq: r.seq, memory: r.id, problem: `memory ${r.id}'s text does not match its own content hash (it was changed outside cairn)` };
    const after = hashText((logged.get(r.seq) as { hash_after: unknown }).hash_after);
    if (after !== key.keyed(hash)) return { seq: r.seq, memory: r.id, problem: `memory ${r.id}'s text is not the one this entry records (it was changed outside cairn)` };
  }
  return missingMemory(db, key);
}

/** Whether a sealed row's content opens as memory `id`'s. */
function opens(codec: ContentCodec, id: string, content: string): boolean {
  try {
    decodeContent(codec, id, content);
    return true;
  } catch {
    return false;
  }
}

/**
 * A memory the log gives a content hash for in this era and never purged, that is not in the store (a row
 * deleted around cairn): every way cairn deletes one writes a purge entry for it. Holds and rules are no
 * memories: their entries' digest is of their details (policy-audit.ts).
 */
function missingMemory(db: Database, era: Era): { seq: number; memory: string; problem: string } | null {
  const row = db
    .query(
      `WITH last AS (
         SELECT memory_id AS id, max(seq) AS seq, max(seq >= ?1 AND hash_after IS NOT NULL) AS era FROM audit
         WHERE op NOT IN (${[...POLICY_OPS].map((op) => `'${op}'`).join(", ")}) GROUP BY memory_id
       )
       SELECT l.id, l.seq FROM last l JOIN audit a ON a.seq = l.seq
       WHERE l.era = 1 AND a.op <> 'purge' AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.id = l.id)
       ORDER BY l.seq LIMIT 1`,
    )
    .get(era.from) as { id: string; seq: number } | null;
  return row && { seq: row.seq, memory: row.id, problem: `memory ${row.id} is in the audit log but not in the store (its row was deleted outside cairn)` };
}
