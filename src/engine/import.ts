/**
 * @module Import of JSONL, one memory per line in the MemoryJson shape `cairn export` writes. Lines are
 * read, validated and written one at a time inside one transaction, so memory stays flat whatever the size
 * and a bad line or a crash never leaves half an import behind (the transaction rolls back). Loaded only when importing (the Engine imports it dynamically),
 * so its schema library stays off the start-up path of recalls and hooks.
 */
import * as z from "zod/mini";
import { isRelation, RELATIONS, type Relation } from "../domain/edge.ts";
import type { Memory } from "../domain/memory.ts";
import { STATUSES } from "../domain/memory.ts";
import { parseTime } from "../domain/time.ts";
import { CairnError, cairnError, describeError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { importedProject } from "./projects.ts";
import { plainImportLine } from "./import-line-check.ts";
import { buildMemory, storeOrReinforce } from "./remember.ts";
import { checkPriority, MAX_CONTENT_BYTES, MAX_METADATA_BYTES, MAX_METADATA_DEPTH, nestingDepth } from "./validate.ts";

/**
 * The longest line read: an exported memory (content and metadata at their limits, every character
 * escaped as \uXXXX) stays well under it, and a longer line is refused before it is parsed.
 */
export const MAX_IMPORT_LINE_BYTES = 1024 * 1024;

/** A line's own object, its metadata (at most MAX_METADATA_DEPTH deep) and nothing else may nest. */
export const MAX_IMPORT_LINE_DEPTH = MAX_METADATA_DEPTH + 1;

/** Links per line. */
export const MAX_IMPORT_LINKS = 1000;

/** Tags per line: far above what a memory gathers, even merged over many reinforcements. */
export const MAX_IMPORT_TAGS = 1000;
const MAX_TAG_CHARS = 1000;

const time = z.nullish(z.union([z.string(), z.number()]));
const text = z.nullish(z.string());

/** One import line. Only `content` is required; the rest is what `cairn export` writes. */
export const ImportLine = z.strictObject({
  content: z.string(),
  type: z.optional(z.string()),
  tags: z.optional(z.union([z.array(z.string()), z.string()])),
  project: text,
  event_time: time,
  metadata: z.optional(z.record(z.string(), z.unknown())),
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  created_at: time,
  updated_at: time,
  expires_at: time,
  priority: z.optional(z.int()),
  status: z.optional(z.enum(STATUSES)),
  superseded_by: text,
  session_id: text,
  agent: text,
  source: text,
  access_count: z.optional(z.int().check(z.minimum(0))),
  last_accessed_at: time,
  links: z.optional(
    z
      .array(z.strictObject({ relation: z.string(), to: z.string().check(z.minLength(1), z.maxLength(100)), created_at: time }))
      .check(z.maxLength(MAX_IMPORT_LINKS)),
  ),
});
type ImportLine = z.infer<typeof ImportLine>;

export interface ImportReport {
  lines: number;
  created: number;
  duplicates: number;
  /** Links restored (both ends present after the import). */
  links: number;
  /** Links whose target is neither in the file nor in the store: not made. */
  unlinked: number;
}

interface PendingLink {
  from: string;
  relation: Relation;
  to: string;
  createdAt: number | null;
}

/** Lines written so far and, when known in advance, how many there are. */
export type Progress = (done: number, total?: number) => void;

/** One line of an import source: its text, or only its size when it is over {@link MAX_IMPORT_LINE_BYTES}. */
export type RawLine = string | { overLimitBytes: number };

/**
 * Reads, validates and writes line by line inside one transaction: memory stays bounded by a line (plus the
 * links, kept until every memory is in), and a bad line anywhere rolls everything back, so nothing is
 * written. `source` is the whole text or the lines of a file read as the import goes (cli/jsonl-lines.ts).
 */
export function importJsonl(ctx: EngineContext, source: string | Iterable<RawLine>, onProgress?: Progress): ImportReport {
  const now = ctx.now();
  const links: PendingLink[] = [];
  // Exports from before projects were keyed by git remote name them by path; those paths are aliases now.
  const aliases = new Map(ctx.store.projectAliases().map((a) => [a.alias, a.project]));
  const lines = typeof source === "string" ? source.split("\n") : source;
  const total = typeof source === "string" ? (lines as string[]).filter((l) => l.trim() !== "").length : undefined;
  const report: ImportReport = { lines: 0, created: 0, duplicates: 0, links: 0, unlinked: 0 };
  const { store } = ctx;
  store.transaction(() => {
    // A line that repeats a stored memory is reinforced there: its links start from that memory instead.
    // Only those are remembered, so the map stays as small as the duplicates.
    const storedAs = new Map<string, string>();
    let lineNo = 0;
    for (const raw of lines) {
      lineNo++;
      const parsed = readLine(ctx, raw, lineNo, now, aliases);
      if (!parsed) continue;
      const { memory, line, lineLinks } = parsed;
      // A fresh id cannot be stored yet; only a line that brings its own is looked up.
      const stored = line.id !== undefined && store.get(memory.id);
      const { status, id } = stored ? { status: "duplicate" as const, id: memory.id } : insertImported(ctx, memory, now);
      if (id !== memory.id) storedAs.set(memory.id, id);
      for (const l of lineLinks) links.push(l);
      if (status === "created") report.created++;
      else report.duplicates++;
      report.lines++;
      if (onProgress && report.lines % 1000 === 0) onProgress(report.lines, total);
    }
    if (onProgress && report.lines % 1000 !== 0) onProgress(report.lines, total);
    for (const l of links) {
      const from = storedAs.get(l.from) ?? l.from;
      const to = storedAs.get(l.to) ?? l.to;
      if (from === to || !store.get(from) || !store.get(to)) {
        report.unlinked++;
        continue;
      }
      if (store.addEdge({ fromId: from, toId: to, relation: l.relation, weight: 1, createdAt: l.createdAt ?? now, metadata: {} })) {
        store.appendAudit({ at: now, actor: ctx.actor, op: "link", memoryId: from, hashBefore: null, hashAfter: null, contentBefore: null, detail: { relation: l.relation, to, imported: true } });
      }
      report.links++;
    }
  }, { bulk: true });
  return report;
}

/** A line parsed and checked (null for a blank one), or BAD_IMPORT_LINE naming it. */
function readLine(ctx: EngineContext, raw: RawLine, lineNo: number, now: number, aliases: ReadonlyMap<string, string>): { memory: Memory; line: ImportLine; lineLinks: PendingLink[] } | null {
  try {
    if (typeof raw !== "string") throw overLimit(raw.overLimitBytes);
    const text = raw.trim();
    if (text === "") return null;
    const line = parseLine(text);
    const memory = toMemory(ctx, line, now, aliases);
    // Checked now, so a bad relation names its line; made once every memory is in.
    return { memory, line, lineLinks: line.links === undefined ? [] : linksOf(memory.id, line, now) };
  } catch (err) {
    const why = err instanceof CairnError ? err.message : describeError(err);
    throw cairnError("BAD_IMPORT_LINE", [lineNo, why], err);
  }
}

function overLimit(bytes: number): Error {
  return new Error(
    `the line is ${bytes} bytes; the limit is ${MAX_IMPORT_LINE_BYTES} (content may hold ${MAX_CONTENT_BYTES} bytes, metadata ${MAX_METADATA_BYTES})`,
  );
}

function linksOf(from: string, line: ImportLine, now: number): PendingLink[] {
  return (line.links ?? []).map((l, i) => {
    if (!isRelation(l.relation)) throw new Error(`field "links.${i}.relation": "${l.relation}" is not one of ${RELATIONS.join(", ")}`);
    const createdAt = l.created_at === undefined || l.created_at === null ? null : typeof l.created_at === "number" ? l.created_at : parseTime(l.created_at, now);
    return { from, relation: l.relation, to: l.to, createdAt };
  });
}

function parseLine(line: string): ImportLine {
  // Checked in UTF-16 units first: UTF-8 takes at least as many bytes, so only a line near the limit is measured.
  const bytes = line.length > MAX_IMPORT_LINE_BYTES / 3 ? Buffer.byteLength(line, "utf8") : line.length;
  if (bytes > MAX_IMPORT_LINE_BYTES) throw overLimit(bytes);
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    throw new Error(`not valid JSON (${describeError(err)})`);
  }
  // Without recursion, before the schema or redaction walk it.
  const depth = nestingDepth(json, MAX_IMPORT_LINE_DEPTH);
  if (depth > MAX_IMPORT_LINE_DEPTH) {
    throw new Error(`it nests more than ${MAX_IMPORT_LINE_DEPTH} levels deep; the limit is ${MAX_IMPORT_LINE_DEPTH} (metadata may nest ${MAX_METADATA_DEPTH})`);
  }
  if (plainImportLine(json, MAX_IMPORT_LINKS)) return json as ImportLine;
  const parsed = ImportLine.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `field "${issue.path.join(".")}"` : "line";
    throw new Error(`${where}: ${issue.message}`);
  }
  return parsed.data;
}

function toMemory(ctx: EngineContext, line: ImportLine, now: number, aliases: ReadonlyMap<string, string>): Memory {
  const t = (v: string | number | null | undefined) =>
    v === undefined || v === null ? null : typeof v === "number" ? v : parseTime(v, now);
  const tags = typeof line.tags === "string" ? line.tags.split(",") : (line.tags ?? []);
  if (tags.length > MAX_IMPORT_TAGS) throw new Error(`field "tags": ${tags.length} tags; the limit is ${MAX_IMPORT_TAGS} per memory`);
  const long = tags.find((tag) => tag.length > MAX_TAG_CHARS);
  if (long !== undefined) throw new Error(`field "tags": a tag of ${long.length} characters; the limit is ${MAX_TAG_CHARS}`);
  const base = buildMemory(
    ctx,
    {
      content: line.content,
      type: line.type,
      tags,
      project: importedProject(aliases, line.project),
      eventTime: t(line.event_time),
      metadata: line.metadata,
      sessionId: line.session_id,
      agent: line.agent,
      source: line.source,
    },
    now,
  );
  const createdAt = t(line.created_at) ?? base.createdAt;
  return {
    ...base,
    id: line.id ?? base.id,
    createdAt,
    updatedAt: t(line.updated_at) ?? createdAt,
    expiresAt: line.expires_at === undefined ? base.expiresAt : t(line.expires_at),
    priority: checkPriority(line.priority, base.priority),
    status: line.status ?? "active",
    supersededBy: line.superseded_by ?? null,
    accessCount: line.access_count ?? 0,
    lastAccessedAt: t(line.last_accessed_at),
  };
}

/** Active memories go through duplicate detection; archived or superseded ones are history, stored as given. */
function insertImported(ctx: EngineContext, memory: Memory, now: number): { status: "created" | "duplicate"; id: string } {
  if (memory.status === "active") {
    const r = storeOrReinforce(ctx, memory, now);
    return { status: r.status, id: r.id };
  }
  ctx.store.insert(memory);
  ctx.store.appendAudit({
    at: now,
    actor: ctx.actor,
    op: "create",
    memoryId: memory.id,
    hashBefore: null,
    hashAfter: memory.contentHash,
    contentBefore: null,
    detail: { imported: true, status: memory.status },
  });
  return { status: "created", id: memory.id };
}
