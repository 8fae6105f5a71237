/** @module Retention rules and legal holds: what they select, and the shapes the sweep reports. */

/** What a retention rule applies to: every memory of one type, in one project, or carrying one tag. */
export const RULE_KINDS = ["type", "project", "tag"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** What a legal hold covers: every memory of one project, every memory with one tag, or one memory. */
export const HOLD_KINDS = ["project", "tag", "id"] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

/** Keep matching memories at most `keepMs` after creation; purge them `graceMs` after the sweep expired them. */
export interface RetentionRule {
  id: string;
  kind: RuleKind;
  /** A type name, a project key, or a normalised tag. */
  target: string;
  keepMs: number;
  graceMs: number;
  createdAt: number;
  actor: string;
}

export interface Hold {
  id: string;
  kind: HoldKind;
  /** A project key, a normalised tag, or a full memory id. */
  target: string;
  reason: string;
  createdAt: number;
  actor: string;
  releasedAt: number | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

/** A memory the sweep expired and will purge once its rule's grace has passed. */
export interface RetentionMark {
  memoryId: string;
  ruleId: string;
  expiredAt: number;
}

/** What selects a memory for rules and holds, read from its row. */
export interface PolicySubject {
  id: string;
  type: string;
  project: string | null;
  tags: readonly string[];
}

/** Whether `rule` covers `m`. */
export function ruleCovers(rule: Pick<RetentionRule, "kind" | "target">, m: PolicySubject): boolean {
  if (rule.kind === "type") return m.type === rule.target;
  if (rule.kind === "project") return m.project === rule.target;
  return m.tags.includes(rule.target);
}

/** Whether `hold` (still in force) covers `m`. */
export function holdCovers(hold: Pick<Hold, "kind" | "target" | "releasedAt">, m: PolicySubject): boolean {
  if (hold.releasedAt !== null) return false;
  if (hold.kind === "id") return m.id === hold.target;
  if (hold.kind === "project") return m.project === hold.target;
  return m.tags.includes(hold.target);
}

/** How a rule or hold reads to a person: "type error", "project acme/app", "tag legal", "memory 0190…". */
export function describeSelector(kind: RuleKind | HoldKind, target: string): string {
  return `${kind === "id" ? "memory" : kind} ${target}`;
}

/** The JSON shape of a rule (snake_case, ISO times). */
export function ruleToJson(r: RetentionRule) {
  return {
    id: r.id,
    kind: r.kind,
    target: r.target,
    keep_ms: r.keepMs,
    keep_days: r.keepMs / 86_400_000,
    grace_ms: r.graceMs,
    grace_days: r.graceMs / 86_400_000,
    created_at: new Date(r.createdAt).toISOString(),
    actor: r.actor,
  };
}

/** The JSON shape of a hold (snake_case, ISO times). */
export function holdToJson(h: Hold) {
  return {
    id: h.id,
    kind: h.kind,
    target: h.target,
    reason: h.reason,
    created_at: new Date(h.createdAt).toISOString(),
    actor: h.actor,
    released_at: h.releasedAt === null ? null : new Date(h.releasedAt).toISOString(),
    released_by: h.releasedBy,
    release_reason: h.releaseReason,
  };
}
