/**
 * @module The memories against the audit log: the chain proves the log was not rewritten, but an agent reads
 * the memories table, which a direct SQL edit changed unnoticed. `audit verify` now also checks that each
 * memory's text hashes to its recorded content hash, and that the last entry of the log giving the memory's
 * content hash gives that one (the keyed hash: audit-key.ts, or the codec's in an encrypted store).
 *
 * Log hashes are keyed under whichever key the store had when each entry was written, and no entry records
 * an encrypt, decrypt or key rotation, so the second check reads only entries it knows the key of: in a plain
 * store those from `audit_keyed_from` on (the first keyed entry since the store was made plain, recorded with
 * the audit key's check value), while `audit.key` is the key recorded; in an encrypted store those from
 * `audit_sealed_from` on (set by every encrypt and rotation). Older entries, and memories whose last such entry
 * predates them, are not compared (nor, so, their text against their own hash: a store upgraded from an earlier
 * cairn, whose rows were never checked, is checked from its next writes on).
 */
import type { Database } from "bun:sqlite";
import { readFileSync } from "node:fs";
import { auditKeyFile, auditKeyState, KEYED_FROM, KEYED_PREFIX, SEALED_FROM } from "./audit-key.ts";
import type { ContentCodec } from "./content-codec.ts";
import { decodeContent, sealedHash } from "./rows.ts";
import { hashText } from "./stored-hash.ts";

const sha256 = (text: string, key?: string) => new Bun.CryptoHasher("sha256", key).update(text).digest("hex");

/** The entries' key for content hashes from which the log can be read, or null when no entry's key is known. */
function logKey(db: Database, codec: ContentCodec): { from: number; keyed: (hash: string) => string } | null {
  const from = (name: string) => (db.query("SELECT value FROM store_state WHERE key = ?").get(name) as { value: string } | null)?.value;
  if (codec.encrypted) {
    const seq = from(SEALED_FROM);
    return seq === undefined ? null : { from: Number(seq), keyed: (h) => codec.keyedHash(h) };
  }
  const seq = from(KEYED_FROM);
  const file = auditKeyFile(db.filename);
  // A missing or replaced audit key is doctor's to report; its hashes cannot be checked meanwhile.
  if (seq === undefined || file === null || auditKeyState(db, db.filename) !== "ok") return null;
  const key = readFileSync(file, "utf8").trim();
  return { from: Number(seq), keyed: (h) => KEYED_PREFIX + sha256(h, key) };
}

/**
 * The first memory, among those whose last content-hash entry is of a known era, that does not match its own
 * hash or that entry, as the entry to look at.
 */
export function memoryAuditProblem(db: Database, codec: ContentCodec): { seq: number; problem: string } | null {
  const key = logKey(db, codec);
  const rows = db.query(
    `SELECT m.id, m.content, m.content_hash,
       (SELECT a.seq FROM audit a WHERE a.memory_id = m.id AND a.hash_after IS NOT NULL ORDER BY a.seq DESC LIMIT 1) AS seq
     FROM memories m`,
  );
  const logged = db.query("SELECT hash_after FROM audit WHERE seq = ?");
  if (key === null) return null;
  for (const r of rows.iterate() as Iterable<{ id: string; content: string; content_hash: unknown; seq: number | null }>) {
    if (r.seq === null || r.seq < key.from) continue;
    let text: string;
    let hash: string | null;
    try {
      text = decodeContent(codec, r.id, r.content);
      hash = codec.encrypted ? sealedHash(codec, r.id, r.content) : hashText(r.content_hash);
    } catch {
      return { seq: r.seq, problem: `memory ${r.id} fails its integrity check (its sealed row was altered or moved)` };
    }
    if (hash !== sha256(text)) return { seq: r.seq, problem: `memory ${r.id}'s text does not match its own content hash (it was changed outside cairn)` };
    const after = hashText((logged.get(r.seq) as { hash_after: unknown }).hash_after);
    if (after !== key.keyed(hash)) return { seq: r.seq, problem: `memory ${r.id}'s text is not the one this entry records (it was changed outside cairn)` };
  }
  return null;
}
