/**
 * @module The one redaction boundary for records about to be stored: a memory, an audit entry or a link.
 * Every field is classified below; `text` fields (content, tags, session, agent, source, metadata, audit
 * details and old content) pass secret redaction, `id` fields (ids, hashes, enums, the project key, numbers)
 * are structure and stay. A field added to a record type without a class here fails the type check, and
 * one that appears at run time without a class is treated as text.
 */
import type { Edge } from "../domain/edge.ts";
import type { Memory } from "../domain/memory.ts";
import type { AuditEntry } from "../store/store.ts";
import type { Hold, RetentionRule } from "../domain/retention.ts";
import { contentHashes, normalizeTags } from "./normalize.ts";
import { redactSecrets } from "./redact.ts";
import { redactValue } from "./redact-deep.ts";

type FieldClass = "text" | "id";

const MEMORY_FIELDS = {
  id: "id", content: "text", type: "id", tags: "text", project: "id", sessionId: "text", agent: "text", source: "text",
  createdAt: "id", updatedAt: "id", eventTime: "id", expiresAt: "id", priority: "id", accessCount: "id",
  lastAccessedAt: "id", contentHash: "id", canonicalHash: "id", status: "id", supersededBy: "id", metadata: "text",
} as const satisfies Record<keyof Memory, FieldClass>;

const AUDIT_FIELDS = {
  at: "id", actor: "text", op: "id", memoryId: "id", hashBefore: "id", hashAfter: "id", contentBefore: "text", detail: "text",
} as const satisfies Record<keyof AuditEntry, FieldClass>;

const EDGE_FIELDS = {
  fromId: "id", toId: "id", relation: "id", weight: "id", createdAt: "id", metadata: "text",
} as const satisfies Record<keyof Edge, FieldClass>;

function redactFields<T extends object>(record: T, fields: Readonly<Record<string, FieldClass>>): { record: T; count: number } {
  const counter = { n: 0 };
  const fieldsOf = record as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  for (const k of Object.keys(fieldsOf)) {
    if (fields[k] === "id") continue;
    const v = fieldsOf[k];
    const r = redactValue(v, null, counter);
    if (r !== v) (out ??= { ...fieldsOf })[k] = r;
  }
  return { record: (counter.n > 0 && out ? out : record) as T, count: counter.n };
}

/** Adds `n` to the `redacted` count kept in metadata (or an audit detail), so the user can see it happened. */
function withCount(meta: Record<string, unknown>, n: number): Record<string, unknown> {
  const before = typeof meta.redacted === "number" ? meta.redacted : 0;
  return { ...meta, redacted: before + n };
}

/** The memory as it may be stored; content hashes follow the content when it changed. */
export function redactMemory(memory: Memory): { memory: Memory; count: number } {
  const { record, count } = redactFields(memory, MEMORY_FIELDS);
  if (count === 0) return { memory, count };
  const hashes = record.content === memory.content ? {} : contentHashes(record.content);
  return { memory: { ...record, ...hashes, metadata: withCount(record.metadata, count) }, count };
}

export function redactAudit(entry: AuditEntry): AuditEntry {
  const { record, count } = redactFields(entry, AUDIT_FIELDS);
  return count === 0 ? entry : { ...record, detail: withCount(record.detail, count) };
}

export function redactEdge(edge: Edge): Edge {
  return redactFields(edge, EDGE_FIELDS).record;
}

/**
 * Tags as memories store them: redacted, then normalised (lower-casing first would hide a token's shape).
 * Selectors (a retention rule's or a hold's tag) go the same way, so they match what was stored.
 */
export function storedTags(raw: Iterable<string>): string[] {
  return normalizeTags([...raw].map((t) => redactSecrets(t).text));
}

/** A retention rule as it may be stored: a tag target is text (a type or project key is structure). */
export function redactRule(rule: RetentionRule): RetentionRule {
  return rule.kind === "tag" ? { ...rule, target: storedTags([rule.target])[0] ?? rule.target } : rule;
}

/** A hold as it may be stored: its reasons and a tag target are text. */
export function redactHold(hold: Hold): Hold {
  const text = (v: string | null) => (v === null ? v : redactSecrets(v).text);
  const target = hold.kind === "tag" ? (storedTags([hold.target])[0] ?? hold.target) : hold.target;
  return { ...hold, target, reason: text(hold.reason)!, releaseReason: text(hold.releaseReason) };
}

/** Secrets an edit took out: what the count a memory's metadata keeps (`redacted`) grew by. */
export const redactedByEdit = (before: { metadata: Record<string, unknown> }, after: { metadata: Record<string, unknown> }): number =>
  Math.max(0, Number(after.metadata.redacted ?? 0) - Number(before.metadata.redacted ?? 0));
