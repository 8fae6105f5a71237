/**
 * @module Legal holds and retention rules against the audit log. Every hold, release, rule set and rule clear
 * writes an audit entry in the same transaction (engine/holds.ts, engine/retention.ts), so the log says which
 * holds and rules are in force. A row deleted, released or inserted in the `holds` or `retention_rules` tables
 * by hand (`sqlite3 cairn.db "DELETE FROM holds"`) lifted a hold or forged a rule that the sweep then applied,
 * while `audit verify` and `doctor` reported the log intact (QA, session 52). The tables are compared with the
 * log's replay here: what the log holds in force must be in force in the tables, and nothing more.
 * The entries are found by their ids' prefixes (`hold-…`, `ret-…`) through the audit's (memory_id, seq) index.
 * `doctor --repair` writes the tables back from the log (policy-sql.ts restoreFromAudit).
 */
import type { Database } from "bun:sqlite";
import type { Hold, HoldKind, RetentionRule, RuleKind } from "../domain/retention.ts";
import { type AuditRow, detailDigest, detailText, POLICY_OPS, toEntry } from "./audit.ts";
import { logKey } from "./audit-memories.ts";
import { hashText } from "./stored-hash.ts";
import type { ContentCodec } from "./content-codec.ts";
import { describeError } from "../errors.ts";

export interface PolicyProblem {
  /** The audit entry the problem is about (the last one, for a row the log never wrote). */
  seq: number;
  problem: string;
  /** The hold's or rule's id ("holds and rules" when the tables cannot be read). */
  policy: string;
}

/** A hold as its audit entries describe it; `seq` is its last entry's. */
interface LoggedHold {
  seq: number;
  hold: Hold;
}

/** A rule as its audit entries set it; `seq` is its last entry's. */
interface LoggedRule {
  seq: number;
  rule: RetentionRule;
}

/** The holds (released ones too) and rules the audit log's entries leave in force, and the log's last seq. */
export interface LoggedPolicy {
  holds: Map<string, LoggedHold>;
  rules: Map<string, LoggedRule>;
  last: number;
  /** The first entry whose details no longer match the digest the chain holds: the log itself is not to be trusted. */
  edited: PolicyProblem | null;
}

/**
 * The first difference between the holds and rules in the tables (`read`) and those the audit log put in force
 * (`log`, from {@link replay}), or null. A row that cannot be read (an encrypted store's row written without the
 * key) is one too.
 */
export function policyAuditProblem(log: LoggedPolicy, read: () => { holds: Hold[]; rules: RetentionRule[] }): PolicyProblem | null {
  if (log.edited) return log.edited;
  const { holds: logged, rules: loggedRules, last } = log;
  let holds: Hold[];
  let rules: RetentionRule[];
  try {
    ({ holds, rules } = read());
  } catch (err) {
    return { seq: last, problem: describeError(err), policy: "holds and rules" };
  }
  const outside = "changed outside cairn (cairn logs every hold, release and rule it writes)";
  for (const hold of holds) {
    const entry = logged.get(hold.id);
    const what = `hold ${hold.id} (${hold.kind} ${hold.target})`;
    const policy = hold.id;
    if (!entry) return { seq: last, policy, problem: `${what} is in the holds table but the audit log never placed it: ${outside}` };
    const placed = entry.hold;
    if (placed.kind !== hold.kind || placed.target !== hold.target) return { seq: entry.seq, policy, problem: `${what} is not the hold the audit log placed (${placed.kind} ${placed.target}): ${outside}` };
    const released = placed.releasedAt !== null;
    if (released !== (hold.releasedAt !== null)) {
      return { seq: entry.seq, policy, problem: `${what} is ${hold.releasedAt === null ? "in force" : "released"} in the holds table but ${released ? "released" : "in force"} by the audit log: ${outside}` };
    }
  }
  const inTable = new Set(holds.map((h) => h.id));
  for (const [id, entry] of logged) {
    if (!inTable.has(id)) return { seq: entry.seq, policy: id, problem: `hold ${id} (${entry.hold.kind} ${entry.hold.target}) is in the audit log but gone from the holds table: ${outside}` };
  }
  for (const rule of rules) {
    const entry = loggedRules.get(rule.id);
    const what = `retention rule ${rule.id} (${rule.kind} ${rule.target})`;
    if (!entry) return { seq: last, policy: rule.id, problem: `${what} is in the rules table but the audit log never set it: ${outside}` };
    const set = entry.rule;
    if (set.kind !== rule.kind || set.target !== rule.target || set.keepMs !== rule.keepMs || set.graceMs !== rule.graceMs) {
      return { seq: entry.seq, policy: rule.id, problem: `${what} does not keep what the audit log set (${set.kind} ${set.target}, keep ${set.keepMs} ms, grace ${set.graceMs} ms): ${outside}` };
    }
  }
  const ruleIds = new Set(rules.map((r) => r.id));
  for (const [id, entry] of loggedRules) {
    if (!ruleIds.has(id)) return { seq: entry.seq, policy: id, problem: `retention rule ${id} (${entry.rule.kind} ${entry.rule.target}) is set by the audit log but gone from the rules table: ${outside}` };
  }
  return null;
}

/** The holds (released ones too) and rules the log's entries leave in force, and the log's last seq. */
export function replay(db: Database, codec: ContentCodec): LoggedPolicy {
  const holds = new Map<string, LoggedHold>();
  const rules = new Map<string, LoggedRule>();
  const rows = db
    .query(
      `SELECT seq, at, actor, op, memory_id, hash_before, hash_after, content_before, detail FROM audit
       WHERE (memory_id >= 'hold-' AND memory_id < 'hold.') OR (memory_id >= 'ret-' AND memory_id < 'ret.') ORDER BY seq`,
    )
    .all() as Array<AuditRow & { seq: number }>;
  const era = logKey(db, codec);
  let edited: PolicyProblem | null = null;
  for (const row of rows) {
    const { op, memoryId: id, detail, at, actor } = toEntry(row, codec);
    // Entries from before their details were chained have no digest; those of an era whose key is unknown are not read.
    const digest = hashText(row.hash_after);
    if (edited === null && digest !== null && era !== null && row.seq >= era.from && POLICY_OPS.has(op)) {
      if (era.keyed(detailDigest(detailText(row, codec))) !== digest) {
        edited = { seq: row.seq, policy: id, problem: `audit entry ${row.seq} of ${id} no longer holds the details the chain recorded (kind, target, times, reason): the entry was edited` };
      }
    }
    const kind = String(detail.kind);
    const target = String(detail.target);
    const reason = typeof detail.reason === "string" ? detail.reason : "";
    if (op === "hold") {
      const hold: Hold = { id, kind: kind as HoldKind, target, reason, createdAt: at, actor, releasedAt: null, releasedBy: null, releaseReason: null };
      holds.set(id, { seq: row.seq, hold });
    } else if (op === "release") {
      const logged = holds.get(id);
      if (logged) holds.set(id, { seq: row.seq, hold: { ...logged.hold, releasedAt: at, releasedBy: actor, releaseReason: reason } });
    } else if (op === "retention" && detail.action === "set") {
      const keepMs = Number(detail.keep_ms);
      const graceMs = Number(detail.grace_ms);
      const first = rules.get(id)?.rule ?? { id, kind: kind as RuleKind, target, keepMs, graceMs, createdAt: at, actor };
      rules.set(id, { seq: row.seq, rule: { ...first, keepMs, graceMs } });
    } else if (op === "retention" && detail.action === "clear") rules.delete(id);
  }
  const last = (db.query("SELECT max(seq) AS seq FROM audit").get() as { seq: number | null }).seq ?? 0;
  return { holds, rules, last, edited };
}
