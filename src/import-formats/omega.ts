/**
 * @module `--from omega`: an OMEGA store (`~/.omega/omega.db`, SQLite; schema v5 of omega-memory 0.10.x and the
 * later columns of 1.5.x: updated_at, status …), read-only through store/foreign-sqlite.ts. Each memory keeps
 * its content, dates (created_at, referenced_date → event time, last_accessed), access count, priority,
 * TTL (created_at + ttl_seconds; none = permanent), project, session, agent type, tags and metadata; its
 * event type maps to a cairn type (EVENT_TYPES), a reminder with its due time to a cairn reminder. A project
 * directory that exists here goes to cairn's project for it. Superseded memories stay superseded. Edges become links.
 * Code-index rows (code_chunk, file_summary) and coordination state are not memories and are left out.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { basename, isAbsolute, join } from "node:path";
import { readForeignTables } from "../store/foreign-sqlite.ts";
import { badRecord, isPlainObject } from "./read-source.ts";
import { tagSlug } from "./tag-slug.ts";
import { stableId } from "./stable-id.ts";
import type { Adapter, AdapterOptions, PeerBatch, PeerRecord } from "./types.ts";
import { own } from "../domain/own.ts";

const FORMAT = "omega";

/** OMEGA event type → cairn type; an event type not listed is a note. */
export const EVENT_TYPES: Readonly<Record<string, string>> = {
  decision: "decision",
  constraint: "decision",
  lesson_learned: "lesson",
  advisor_insight: "lesson",
  error_pattern: "error",
  user_preference: "preference",
  user_fact: "fact",
  task_completion: "task",
  blocked_context: "task",
  reminder: "task",
  checkpoint: "checkpoint",
  session_summary: "note",
  memory: "note",
};
/** Rows OMEGA itself keeps out of recall by default: a code index and coordination state, not memories. */
const NOT_MEMORIES = new Set(["code_chunk", "file_summary", "session_respawn", "coordination_snapshot"]);
/** OMEGA edge type → cairn relation (read "source <relation> target"). */
const EDGE_TYPES: Readonly<Record<string, string>> = {
  related: "relates_to",
  causal: "depends_on",
  contradicts: "contradicts",
  supersedes: "supersedes",
  evolves: "refines",
  evolved_from: "refines",
  derived_from: "refines",
};

export const adapter: Adapter = { read };

function read(given: string, opts: AdapterOptions): PeerBatch {
  // OMEGA's folder (~/.omega) holds its database as omega.db (QA: the folder gave a raw EISDIR).
  const path = statSync(given, { throwIfNoEntry: false })?.isDirectory() ? join(given, "omega.db") : given;
  if (path !== given && !existsSync(path)) throw badRecord(given, "the directory", "it holds no omega.db; give OMEGA's database file (usually ~/.omega/omega.db)");
  if (isJsonBackup(path)) {
    // `omega export` / `omega backup` write JSON (~/.omega/backups/omega-*.json): said as what it is (QA: "not a SQLite database").
    throw badRecord(path, "the file", "it is an OMEGA JSON export or backup; cairn reads OMEGA's database itself: give ~/.omega/omega.db (or restore the backup into OMEGA first)");
  }
  const tables = readForeignTables(path, ["memories", "edges"]);
  const memories = tables.get("memories");
  if (!memories) throw badRecord(path, "the database", "it has no `memories` table, so it is not an OMEGA store (omega.db)");
  for (const column of ["node_id", "content", "created_at"]) {
    if (!memories.columns.includes(column)) throw badRecord(path, "table memories", `it has no "${column}" column, so it is not an OMEGA store`);
  }
  const file = basename(path);
  const batch: PeerBatch = { records: [], links: [], skipped: [] };
  const ids = new Map<string, string>();
  const projects = new Map<string, string>();
  const projectOf = (raw: string | null) => (raw === null ? null : (projects.get(raw) ?? projects.set(raw, projectIn(raw, opts)).get(raw)!));
  memories.rows.forEach((row, i) => {
    const nodeId = typeof row.node_id === "string" ? row.node_id : null;
    const place = nodeId ? `memory ${nodeId}` : `memories row ${i + 1}`;
    if (!nodeId) throw badRecord(path, place, '"node_id" is missing');
    if (typeof row.content !== "string") throw badRecord(path, place, '"content" is not text');
    const where = `${file} ${place}`;
    const meta = parseMetadata(row.metadata, path, place);
    const eventType = str(row.event_type) ?? str(meta.event_type) ?? "memory";
    if (NOT_MEMORIES.has(eventType)) return void batch.skipped.push({ where, reason: `${eventType} rows are OMEGA's code index or coordination state, not memories` });
    if (row.content.trim() === "") return void batch.skipped.push({ where, reason: "empty content" });
    const id = stableId(FORMAT, nodeId);
    ids.set(nodeId, id);
    batch.records.push(toRecord(row, meta, { projectOf, id, nodeId, eventType, where, path, place, opts }));
  });
  // Superseded-by pointers and edges name OMEGA node ids; only those imported here can be followed.
  for (const record of batch.records) {
    const by = record.metadata.omega_superseded_by;
    if (typeof by === "string") record.superseded_by = ids.get(by) ?? null;
    delete record.metadata.omega_superseded_by;
  }
  for (const [i, edge] of (tables.get("edges")?.rows ?? []).entries()) {
    const where = `${file} edge ${String(edge.source_id)} → ${String(edge.target_id)} (row ${i + 1})`;
    const from = ids.get(String(edge.source_id));
    const to = ids.get(String(edge.target_id));
    if (!from || !to) {
      batch.skipped.push({ where, reason: "one of its memories is not imported" });
      continue;
    }
    const type = String(edge.edge_type ?? "related");
    // A memory linked to itself is no link: said, as the mcp-memory import says its self-relations (QA).
    if (from === to) batch.skipped.push({ where, reason: "it links a memory to itself" });
    else if (type === "superseded_by") batch.links.push({ from: to, to: from, relation: "supersedes", where });
    else batch.links.push({ from, to, relation: own(EDGE_TYPES, type) ?? "relates_to", where });
  }
  return batch;
}

interface Context {
  /** The cairn project of an OMEGA project value ({@link projectIn}). */
  projectOf: (raw: string | null) => string | null;
  id: string;
  nodeId: string;
  eventType: string;
  where: string;
  path: string;
  place: string;
  opts: AdapterOptions;
}

function toRecord(row: Record<string, unknown>, meta: Record<string, unknown>, c: Context): PeerRecord {
  const created = isoUtc(row.created_at, c.path, c.place, "created_at")!;
  const ttl = typeof row.ttl_seconds === "number" && row.ttl_seconds > 0 ? row.ttl_seconds : null;
  const superseded = row.status === "superseded" || meta.superseded === true;
  const project = c.opts.project !== undefined ? c.opts.project : c.projectOf(str(row.project) ?? str(meta.project) ?? null);
  const reminder = c.eventType === "reminder" ? asReminder(row.content as string, meta, c) : null;
  const tags = Array.isArray(meta.tags) ? meta.tags.filter((t): t is string => typeof t === "string") : [];
  const { tags: _t, event_type: _e, project: _p, superseded: _s, superseded_by: supersededBy, ...rest } = meta;
  const kept = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith("_")));
  const record: PeerRecord = {
    id: c.id,
    content: reminder?.content ?? (row.content as string),
    type: reminder ? "reminder" : (own(EVENT_TYPES, c.eventType) ?? "note"),
    tags: ["omega", tagSlug(c.eventType), ...tags.map(tagSlug)].filter((t) => t !== ""),
    project,
    metadata: {
      source_format: FORMAT,
      source_id: c.nodeId,
      event_type: c.eventType,
      ...(str(row.entity_id) ? { entity_id: row.entity_id } : {}),
      ...(Object.keys(kept).length > 0 ? { omega: kept } : {}),
      ...(typeof supersededBy === "string" ? { omega_superseded_by: supersededBy } : {}),
      ...(reminder?.closedAt ? { reminder: { done_at: reminder.closedAt } } : {}),
    },
    created_at: created,
    updated_at: isoUtc(row.updated_at, c.path, c.place, "updated_at") ?? isoUtc(meta.edited_at, c.path, c.place, "edited_at") ?? created,
    expires_at: ttl === null ? null : new Date(Date.parse(created) + ttl * 1000).toISOString(),
    // Flagged for review (feedback of −3 or lower), OMEGA keeps it out of every query: archived here (QA: it came back).
    status: superseded ? "superseded" : row.status === "archived" || reminder?.closedAt || meta.flagged_for_review === true ? "archived" : "active",
    where: c.where,
  };
  const eventTime = reminder?.dueAt ?? isoUtc(row.referenced_date ?? meta.referenced_date, c.path, c.place, "referenced_date");
  if (eventTime) record.event_time = eventTime;
  const priority = priorityOf(row.priority ?? meta.priority);
  if (priority !== undefined) record.priority = priority;
  if (str(row.session_id)) record.session_id = row.session_id as string;
  if (str(row.agent_type)) record.agent = row.agent_type as string;
  if (typeof row.access_count === "number" && row.access_count > 0) record.access_count = row.access_count;
  const accessed = isoUtc(row.last_accessed, c.path, c.place, "last_accessed");
  if (accessed) record.last_accessed_at = accessed;
  return record;
}

/**
 * OMEGA keeps a project as the directory the agent worked in. Where that directory exists here, its memories go
 * to the project cairn gives the directory (a repository's remote, `github.com/acme/payments`): kept as the path,
 * they sat in a project that recall and `--project <dir>` run there never reach (QA). A path that is not a
 * directory here (another machine's) stays the key.
 */
function projectIn(raw: string, opts: AdapterOptions): string {
  if (!isAbsolute(raw)) return raw;
  try {
    if (statSync(raw).isDirectory()) return opts.projectOfDir(raw);
  } catch {
    // not on this machine
  }
  return raw;
}

/**
 * An OMEGA reminder (`event_type` reminder, `metadata.remind_at`, `reminder_status` pending → fired → dismissed)
 * as a cairn reminder: due at `remind_at` (so `cairn remind --list` and the session briefing show it), without
 * the `[due: …]` suffix OMEGA writes into the text; a dismissed one is done. Without `remind_at`: null (a task).
 */
function asReminder(content: string, meta: Record<string, unknown>, c: Context): { content: string; dueAt: string; closedAt?: string } | null {
  const dueAt = isoUtc(meta.remind_at, c.path, c.place, "remind_at");
  if (!dueAt) return null;
  const text = content.replace(/\s*\[due: [^\]]*\]\s*$/, "").trim() || content;
  const closed = meta.reminder_status === "dismissed";
  return { content: text, dueAt, ...(closed ? { closedAt: isoUtc(meta.dismissed_at ?? meta.updated_at, c.path, c.place, "dismissed_at") ?? dueAt } : {}) };
}

function parseMetadata(value: unknown, path: string, place: string): Record<string, unknown> {
  if (value === null || value === undefined || value === "") return {};
  try {
    const parsed: unknown = JSON.parse(String(value));
    if (isPlainObject(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw badRecord(path, place, '"metadata" is not a JSON object');
}

/** OMEGA writes UTC ISO times, and SQLite's datetime('now') "YYYY-MM-DD HH:MM:SS"; a time without offset is UTC. */
function isoUtc(value: unknown, path: string, place: string, field: string): string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const text = String(value).trim().replace(" ", "T");
  const withZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text) || !/T\d/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw badRecord(path, place, `"${field}" is not a time: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

/** 1–5 as OMEGA stores it; a word some versions let through (OMEGA issue #66: "high") is read as its rank. */
function priorityOf(value: unknown): number | undefined {
  const words: Record<string, number> = { critical: 5, high: 4, medium: 3, normal: 3, low: 2, minimal: 1 };
  const n = typeof value === "number" ? value : typeof value === "string" ? (own(words, value.toLowerCase()) ?? Number(value)) : Number.NaN;
  return Number.isInteger(n) ? Math.min(5, Math.max(1, n)) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Whether the file at `path` starts as OMEGA's JSON export does (`{"version": "omega-…`). */
function isJsonBackup(path: string): boolean {
  try {
    const fd = openSync(path, "r");
    try {
      const head = Buffer.alloc(256);
      const n = readSync(fd, head, 0, head.length, 0);
      return /^\s*\{\s*"version"\s*:\s*"omega-/.test(head.subarray(0, n).toString("utf8"));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
