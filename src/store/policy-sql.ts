/** @module The SQLite implementation of {@link PolicyStore}: tables retention_rules, holds, retention_marks, retention_state. */
import type { Database } from "bun:sqlite";
import type { Memory } from "../domain/memory.ts";
import type { Hold, HoldKind, PolicySubject, RetentionMark, RetentionRule, RuleKind } from "../domain/retention.ts";
import { checkedWrite } from "./checked-write.ts";
import type { LiveDatabase } from "./live-db.ts";
import type { PolicyStore } from "./policy-store.ts";
import { HELD_SQL } from "./filter-sql.ts";
import { type PolicyProblem, policyAuditProblem, replay } from "./policy-audit.ts";
import { type ContentCodec, PLAIN_CODEC, place } from "./content-codec.ts";
import { MEMORY_COLUMNS, type MemoryRow, PROJECT_DOMAIN, rowToMemory, storedProject, storedTag, TAG_DOMAIN } from "./rows.ts";

type RuleRow = { id: string; kind: string; target: string; keep_ms: number; grace_ms: number; created_at: number; actor: string };
type HoldRow = {
  id: string; kind: string; target: string; reason: string; created_at: number; actor: string;
  released_at: number | null; released_by: string | null; release_reason: string | null;
};

/** Project and tag targets are stored as memories store those names (rows.ts), so SQL compares them directly. */
const DOMAIN: Record<string, string | undefined> = { project: PROJECT_DOMAIN, tag: TAG_DOMAIN };

export function storedTarget(codec: ContentCodec, kind: string, target: string): string {
  const domain = DOMAIN[kind];
  return domain ? codec.encodeName(target, domain) : target;
}

export function readTarget(codec: ContentCodec, kind: string, stored: string, what: string): string {
  const domain = DOMAIN[kind];
  return domain ? codec.decodeName(stored, domain, what) : stored;
}

const toRule = (codec: ContentCodec) => (r: RuleRow): RetentionRule => ({
  id: r.id, kind: r.kind as RuleKind, target: readTarget(codec, r.kind, r.target, `retention rule ${r.id}`), keepMs: r.keep_ms, graceMs: r.grace_ms,
  createdAt: r.created_at, actor: r.actor,
});
const toHold = (codec: ContentCodec) => (r: HoldRow): Hold => {
  const what = `hold ${r.id}`;
  return {
    id: r.id, kind: r.kind as HoldKind, target: readTarget(codec, r.kind, r.target, what), reason: codec.decode(r.reason, place("holds", "reason", r.id), what),
    createdAt: r.created_at, actor: r.actor, releasedAt: r.released_at, releasedBy: r.released_by,
    releaseReason: r.release_reason === null ? null : codec.decode(r.release_reason, place("holds", "release_reason", r.id), what),
  };
};

/** SQL selecting the memories `m` a rule of this kind covers (one parameter: the target). */
const COVERS: Record<RuleKind, string> = {
  type: "m.type = ?",
  project: "m.project = ?",
  tag: "m.seq IN (SELECT memory_seq FROM memory_tags WHERE tag = ?)",
};

export class SqlitePolicy implements PolicyStore {
  readonly #live: LiveDatabase;

  readonly #codec: ContentCodec;

  constructor(live: LiveDatabase, codec: ContentCodec = PLAIN_CODEC) {
    this.#live = live;
    this.#codec = codec;
  }

  get #db(): Database {
    return this.#live.read();
  }

  /** Runs `fn` inside the caller's write transaction, or in one of its own. */
  #write<T>(fn: (db: Database) => T): T {
    return checkedWrite(this.#live, this.#codec.keyCheck, fn);
  }

  rules(): RetentionRule[] {
    return (this.#db.query("SELECT * FROM retention_rules ORDER BY created_at, rowid").all() as RuleRow[]).map(toRule(this.#codec));
  }

  putRule(rule: RetentionRule): RetentionRule | null {
    return this.#write((db) => {
      const old = db.query("SELECT * FROM retention_rules WHERE kind = ? AND target = ?").get(rule.kind, storedTarget(this.#codec, rule.kind, rule.target)) as RuleRow | null;
      if (old) {
        db.query("UPDATE retention_rules SET keep_ms = ?, grace_ms = ? WHERE id = ?").run(rule.keepMs, rule.graceMs, old.id);
        return toRule(this.#codec)(old);
      }
      db.query("INSERT INTO retention_rules (id, kind, target, keep_ms, grace_ms, created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
        rule.id, rule.kind, storedTarget(this.#codec, rule.kind, rule.target), rule.keepMs, rule.graceMs, rule.createdAt, rule.actor,
      );
      return null;
    });
  }

  deleteRules(ids: readonly string[] | "all"): RetentionRule[] {
    return this.#write((db) => {
      const rows =
        ids === "all"
          ? (db.query("SELECT * FROM retention_rules ORDER BY created_at, rowid").all() as RuleRow[])
          : (db.query("SELECT * FROM retention_rules WHERE id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid").all(JSON.stringify(ids)) as RuleRow[]);
      const del = db.query("DELETE FROM retention_rules WHERE id = ?");
      for (const r of rows) del.run(r.id);
      return rows.map(toRule(this.#codec));
    });
  }

  holds(includeReleased: boolean): Hold[] {
    const where = includeReleased ? "" : "WHERE released_at IS NULL";
    return (this.#db.query(`SELECT * FROM holds ${where} ORDER BY created_at, rowid`).all() as HoldRow[]).map(toHold(this.#codec));
  }

  hold(id: string): Hold | null {
    const row = this.#db.query("SELECT * FROM holds WHERE id = ?").get(id) as HoldRow | null;
    return row ? toHold(this.#codec)(row) : null;
  }

  addHold(h: Hold): void {
    this.#write((db) =>
      db.query("INSERT INTO holds (id, kind, target, reason, created_at, actor) VALUES (?, ?, ?, ?, ?, ?)").run(
        h.id, h.kind, storedTarget(this.#codec, h.kind, h.target), this.#codec.encode(h.reason, place("holds", "reason", h.id)), h.createdAt, h.actor,
      ),
    );
  }

  releaseHold(id: string, at: number, by: string, reason: string): void {
    this.#write((db) =>
      db.query("UPDATE holds SET released_at = ?, released_by = ?, release_reason = ? WHERE id = ? AND released_at IS NULL").run(at, by, this.#codec.encode(reason, place("holds", "release_reason", id)), id),
    );
  }

  /** The first difference between the holds and rules here and those the audit log put in force (policy-audit.ts). */
  auditProblem(): PolicyProblem | null {
    return policyAuditProblem(replay(this.#db, this.#codec), () => this.#policyRows());
  }

  /** Every hold (released ones too) and rule in the tables. */
  #policyRows(): { holds: Hold[]; rules: RetentionRule[] } {
    return { holds: this.holds(true), rules: this.rules() };
  }

  /**
   * Writes the holds and rules tables back to what the audit log put in force (policy-audit.ts), for
   * `doctor --repair`: a hold deleted or released by hand is back as the log placed it, a rule or hold the log
   * never wrote is gone. Returns how many rows it wrote or deleted (0: the tables matched).
   */
  restoreFromAudit(): number {
    return this.#write((db) => {
      const log = replay(db, this.#codec);
      // An edited log is no source to restore from: the tables stay as they are and verify keeps naming it.
      if (log.edited !== null || policyAuditProblem(log, () => this.#policyRows()) === null) return 0;
      const { holds, rules } = log;
      const changed = db.query("DELETE FROM holds").run().changes + db.query("DELETE FROM retention_rules").run().changes;
      for (const { hold } of holds.values()) {
        this.addHold(hold);
        if (hold.releasedAt !== null) this.releaseHold(hold.id, hold.releasedAt, hold.releasedBy ?? "?", hold.releaseReason ?? "");
      }
      for (const { rule } of rules.values()) this.putRule(rule);
      return changed + holds.size + rules.size;
    });
  }

  holdsOn(s: PolicySubject): Hold[] {
    const rows = this.#db
      .query(
        `SELECT * FROM holds WHERE released_at IS NULL AND (
           (kind = 'id' AND target = ?1) OR (kind = 'project' AND target = ?2)
           OR (kind = 'tag' AND target IN (SELECT value FROM json_each(?3)))) ORDER BY created_at, rowid`,
      )
      .all(s.id, storedProject(this.#codec, s.project), JSON.stringify(s.tags.map((t) => storedTag(this.#codec, t)))) as HoldRow[];
    return rows.map(toHold(this.#codec));
  }

  pastRetention(rule: RetentionRule, now: number, limit: number, held: boolean): Memory[] {
    const rows = this.#db
      .query(
        `SELECT ${MEMORY_COLUMNS} FROM memories m
         WHERE ${COVERS[rule.kind]} AND (m.created_at <= ? OR (m.expires_at IS NOT NULL AND m.expires_at <= ?3))
           AND NOT EXISTS (SELECT 1 FROM retention_marks r WHERE r.memory_id = m.id)
           -- A reminder not yet due is kept until it is: expired, it would never be told (QA).
           AND NOT (m.type = 'reminder' AND m.status = 'active' AND coalesce(m.event_time, m.created_at) > ?3)
           AND ${held ? "" : "NOT "}${HELD_SQL}
         ORDER BY m.seq LIMIT ?`,
      )
      .all(storedTarget(this.#codec, rule.kind, rule.target), now - rule.keepMs, now, limit) as MemoryRow[];
    return rows.map((r) => rowToMemory(r, this.#codec));
  }

  marks(): RetentionMark[] {
    const rows = this.#db.query("SELECT memory_id, rule_id, expired_at FROM retention_marks ORDER BY expired_at, memory_id").all() as Array<{
      memory_id: string; rule_id: string; expired_at: number;
    }>;
    return rows.map((r) => ({ memoryId: r.memory_id, ruleId: r.rule_id, expiredAt: r.expired_at }));
  }

  addMark(mark: RetentionMark): void {
    this.#write((db) =>
      db.query("INSERT OR REPLACE INTO retention_marks (memory_id, rule_id, expired_at) VALUES (?, ?, ?)").run(mark.memoryId, mark.ruleId, mark.expiredAt),
    );
  }

  hasMark(memoryId: string): boolean {
    return this.#db.query("SELECT 1 FROM retention_marks WHERE memory_id = ?").get(memoryId) !== null;
  }

  deleteMark(memoryId: string): void {
    this.#write((db) => db.query("DELETE FROM retention_marks WHERE memory_id = ?").run(memoryId));
  }

  pruneMarks(): number {
    return this.#write((db) => db.query("DELETE FROM retention_marks WHERE memory_id NOT IN (SELECT id FROM memories)").run().changes);
  }

  lastSweep(): number | null {
    const row = this.#db.query("SELECT value FROM retention_state WHERE key = 'last_sweep'").get() as { value: number } | null;
    return row?.value ?? null;
  }

  setLastSweep(at: number): void {
    this.#write((db) => db.query("INSERT OR REPLACE INTO retention_state (key, value) VALUES ('last_sweep', ?)").run(at));
  }
}
