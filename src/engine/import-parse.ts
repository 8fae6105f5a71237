/**
 * @module Reading one import line: JSON within its size and depth limits, checked against the shape `cairn
 * export` writes, made into a complete memory (redacted, hashed, its project resolved) with the links it
 * asks for. No store access, so it runs on the import's parse thread as well as in process (import-thread.ts).
 */
import * as z from "zod/mini";
import { isRelation, RELATIONS, type Relation, type Settlement } from "../domain/edge.ts";
import type { Memory } from "../domain/memory.ts";
import { STATUSES } from "../domain/memory.ts";
import { MAX_ID_CHARS, unsafeIdReason } from "../domain/safe-id.ts";
import { onTimeline, parseTime } from "../domain/time.ts";
import { CairnError, cairnError, describeError } from "../errors.ts";
import { importedProject, MAX_PROJECT_NAME, NOT_IN_NAMES } from "./projects.ts";
import { redactSecrets } from "../capture/redact.ts";
import { plainImportLine } from "./import-line-check.ts";
import { buildMemory } from "./remember.ts";
import { checkPriority, MAX_CONTENT_BYTES, MAX_METADATA_BYTES, MAX_METADATA_DEPTH, MAX_TAG_CHARS, MAX_TAGS, nestingDepth } from "./validate.ts";

/**
 * The longest line read: an exported memory (content and metadata at their limits, every character
 * escaped as \uXXXX) stays well under it, and a longer line is refused before it is parsed.
 */
export const MAX_IMPORT_LINE_BYTES = 1024 * 1024;

/** A line's own object, its metadata (at most MAX_METADATA_DEPTH deep) and nothing else may nest. */
export const MAX_IMPORT_LINE_DEPTH = MAX_METADATA_DEPTH + 1;

/** Links per line. */
export const MAX_IMPORT_LINKS = 1000;

/** Tags per line: far above what a memory gathers, even merged over many reinforcements (validate.ts). */
export const MAX_IMPORT_TAGS = MAX_TAGS;

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
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_ID_CHARS))),
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
      .array(
        z.strictObject({
          relation: z.string(),
          to: z.string().check(z.minLength(1), z.maxLength(MAX_ID_CHARS)),
          created_at: time,
          possible: z.optional(z.boolean()),
          settled: z.optional(z.enum(["conflict", "not_conflict"])),
          undone: z.optional(z.boolean()),
        }),
      )
      .check(z.maxLength(MAX_IMPORT_LINKS)),
  ),
});
type ImportLine = z.infer<typeof ImportLine>;

export interface PendingLink {
  from: string;
  relation: Relation;
  to: string;
  createdAt: number | null;
  /** A possible conflict remember kept (domain/edge.ts POSSIBLE_CHANGE), exported as such. */
  possible: boolean;
  /** How that possible conflict was settled, if it was. */
  settled?: Settlement;
  /** A `supersedes` link whose retirement was undone (domain/edge.ts UNDONE), exported as such. */
  undone?: true;
}

/**
 * One line of an import source: its text, or only its size when it is over {@link MAX_IMPORT_LINE_BYTES}, or
 * the offset of a byte that is not UTF-8 (it would be stored as U+FFFD: text other than the file's).
 */
export type RawLine = string | { overLimitBytes: number; unended?: true } | { invalidUtf8At: number };

/** What reading a line needs besides the line: all plain data, so it can be sent to the parse thread. */
export interface ParseContext {
  /** The project memories default to (the engine's). */
  project: string;
  /** The import's start: relative times and the memories' creation time. */
  now: number;
  /** Old project paths and unique display names, and the project keys they stand for. */
  aliases: ReadonlyMap<string, string>;
}

/** A line read: its memory, whether the line named the memory's id, and the links it asks for. */
export interface ParsedLine {
  memory: Memory;
  hasId: boolean;
  links: PendingLink[];
}

/** A line parsed and checked (null for a blank one), or BAD_IMPORT_LINE naming it. */
export function parseImportLine(pc: ParseContext, raw: RawLine, lineNo: number): ParsedLine | null {
  const read = readImportLine(pc, raw);
  if ("why" in read) throw badImportLine(lineNo, read.why, read.cause);
  return read.parsed;
}

/** The error of a line that cannot be imported, naming it and why. */
export function badImportLine(lineNo: number, why: string, cause?: unknown): CairnError {
  return cairnError("BAD_IMPORT_LINE", [lineNo, why], cause);
}

/** A line parsed and checked (null for a blank one), or why it cannot be imported: plain data either way. */
export function readImportLine(pc: ParseContext, raw: RawLine): { parsed: ParsedLine | null } | { why: string; cause: unknown } {
  try {
    if (typeof raw !== "string") {
      if ("invalidUtf8At" in raw) throw new Error(`byte ${raw.invalidUtf8At} of the line is not valid UTF-8 (the file must be UTF-8 text)`);
      throw overLimit(raw.overLimitBytes, raw.unended === true);
    }
    const text = raw.trim();
    if (text === "") return { parsed: null };
    const line = parseLine(text);
    const memory = toMemory(pc, line);
    // Checked now, so a bad relation names its line; made once every memory is in.
    return { parsed: { memory, hasId: line.id !== undefined, links: line.links === undefined ? [] : linksOf(memory.id, line, pc.now) } };
  } catch (err) {
    return { why: err instanceof CairnError ? err.message : describeError(err), cause: err };
  }
}

/** `unended`: the line was measured only this far (reading stopped there: it may never end). */
function overLimit(bytes: number, unended = false): Error {
  return new Error(
    `the line is ${unended ? `over ${bytes} bytes (read no further)` : `${bytes} bytes`}; the limit is ${MAX_IMPORT_LINE_BYTES} (content may hold ${MAX_CONTENT_BYTES} bytes, metadata ${MAX_METADATA_BYTES})`,
  );
}

function linksOf(from: string, line: ImportLine, now: number): PendingLink[] {
  return (line.links ?? []).map((l, i) => {
    checkId(`links.${i}.to`, l.to);
    // A link joins two memories (QA: one to itself was counted as a link whose target was not found).
    if (l.to === from) throw new Error(`field "links.${i}.to": it names the line's own id; a link joins two memories`);
    if (!isRelation(l.relation)) throw new Error(`field "links.${i}.relation": "${l.relation}" is not one of ${RELATIONS.join(", ")}`);
    const createdAt = importedTime(l.created_at, now);
    return { from, relation: l.relation, to: l.to, createdAt, possible: l.possible === true, ...(l.possible === true && l.settled ? { settled: l.settled } : {}), ...(l.undone === true && l.relation === "supersedes" ? { undone: true as const } : {}) };
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
    const input = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), json);
    throw new Error(`${where}: ${describeIssue(issue, input)}`);
  }
  return parsed.data;
}

/** An id from the file names its memory in paths and file names too: one that could name another place is refused. */
function checkId(field: string, id: string): void {
  const why = unsafeIdReason(id);
  if (why !== null) throw new Error(`field "${field}": ${why}`);
  noSecretIn(field, id);
}

/**
 * Ids and projects are kept as given, never redacted (they key and scope memories): one that holds what looks like
 * a secret (a `ghp_…` token, a connection string's password) is refused instead of stored in the clear (QA).
 */
function noSecretIn(field: string, value: string): void {
  const found = redactSecrets(value).redactions[0];
  if (found) throw new Error(`field "${field}": it holds what looks like a secret (${found.kind}); ids and projects are stored as given, so give one without it`);
}

/** An imported project name cairn can store: no secret in it (stored as given), not a scope word. Throws Error. */
export function checkImportProject(project: string): void {
  // As `remember` takes it: no empty name, no spaces around it (QA: stored as given, then reachable only with --all-projects).
  if (project.trim() === "") throw new Error(`field "project": it is empty; give null for the global scope, or a project name`);
  noSecretIn("project", project);
  if (NOT_IN_NAMES.test(project)) throw new Error(`field "project": it holds control characters (an escape, a line break, NUL) or text-direction overrides; give a name without them`);
  if (project.length > MAX_PROJECT_NAME) throw new Error(`field "project": it is ${project.length} characters long; give a name of at most ${MAX_PROJECT_NAME}`);
  // The scope words every reader takes as scopes: a project so named could never be read on its own (QA).
  if (/^(?:global|all)$/i.test(project.trim())) throw new Error(`field "project": "${project}" is a scope word, not a project name: give null for the global scope, or another name`);
}

/**
 * A line's time: epoch milliseconds, or text as `parseTime` reads it (an ISO time; a relative one counts back from
 * the import). Either must fall within years 0000–9999 (QA: -9e15 and "99999999999d" were imported, and list and
 * export then failed for the whole store; 1e300 was an internal error).
 */
function importedTime(v: string | number | null | undefined, now: number): number | null {
  if (v === undefined || v === null) return null;
  // A file's time without a zone is UTC (parseTime), as OMEGA's and cairn's own exports write them: read as
  // local, the same line gave another time on each machine (QA).
  if (typeof v === "string") return parseTime(v, now);
  if (!onTimeline(v)) throw cairnError("TIME_OUT_OF_RANGE", [String(v)]);
  // Milliseconds before 1973 are seconds since 1970 written by another tool (1733500000 is December 2024, not
  // January 1970): refused, not imported half a century off (QA).
  if (v !== 0 && Math.abs(v) < SECONDS_LOOK) {
    throw new Error(`a time of ${v} reads as ${new Date(v).toISOString()} in milliseconds, as cairn reads numbers; seconds since 1970 are ${new Date(v * 1000).toISOString()}: give milliseconds (${v * 1000}) or an ISO time`);
  }
  return v;
}

/** A number of milliseconds below this (March 1973) is taken for seconds, and refused. */
const SECONDS_LOOK = 1e11;

function toMemory(pc: ParseContext, line: ImportLine): Memory {
  const { now, aliases } = pc;
  if (line.id !== undefined) checkId("id", line.id);
  if (typeof line.project === "string") checkImportProject(line.project);
  if (line.superseded_by != null && line.superseded_by === line.id) throw new Error(`field "superseded_by": it names the line's own id; a memory is superseded by another one`);
  const t = (v: string | number | null | undefined) => importedTime(v, now);
  const tags = typeof line.tags === "string" ? line.tags.split(",") : (line.tags ?? []);
  if (tags.length > MAX_IMPORT_TAGS) throw new Error(`field "tags": ${tags.length} tags; the limit is ${MAX_IMPORT_TAGS} per memory`);
  const long = tags.find((tag) => tag.length > MAX_TAG_CHARS);
  if (long !== undefined) throw new Error(`field "tags": a tag of ${long.length} characters; the limit is ${MAX_TAG_CHARS}`);
  const base = buildMemory(
    pc,
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
  // A creation time to come would keep the memory out of every retention rule (their age counts from it) for
  // as long as the file says; a day covers clocks that disagree.
  if (createdAt > now + FUTURE_SLACK_MS) throw new Error(`field "created_at": ${new Date(createdAt).toISOString()} is in the future`);
  return {
    ...base,
    id: line.id ?? base.id,
    createdAt,
    updatedAt: t(line.updated_at) ?? createdAt,
    // A type's lifetime counts from the memory's creation, not from the import (QA: a task of 2024 was live again).
    expiresAt: line.expires_at !== undefined ? t(line.expires_at) : base.expiresAt === null ? null : createdAt + (base.expiresAt - base.createdAt),
    priority: checkPriority(line.priority, base.priority),
    status: line.status ?? "active",
    supersededBy: line.superseded_by ?? null,
    accessCount: line.access_count ?? 0,
    lastAccessedAt: t(line.last_accessed_at),
  };
}

/** How far ahead of this machine's clock an imported creation time may be (another machine's clock). */
const FUTURE_SLACK_MS = 86_400_000;

/** How a line's author calls the JSON types zod names. */
const EXPECTED: Record<string, string> = { array: "a list", record: "an object", object: "an object" };

/** What is wrong with a field, in words (zod/mini's own messages say only "Invalid input"). */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const given = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `a ${typeof v}`);
  const a = (word: string) => `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;
  switch (issue.code) {
    case "invalid_type":
      return input === undefined ? "is missing (it is required)" : `should be ${EXPECTED[issue.expected] ?? a(issue.expected)}, not ${given(input)}`;
    case "invalid_value":
      return `should be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, not ${JSON.stringify(input)}`;
    case "invalid_union": {
      // The one union holding lists is tags (a list of text, or one text of comma-separated tags): say which item is wrong.
      const bad = Array.isArray(input) ? input.find((v) => typeof v !== "string") : undefined;
      return Array.isArray(input) && bad !== undefined ? `should be a list of text, but holds ${given(bad)}` : `has the wrong type (${given(input)})`;
    }
    case "unrecognized_keys":
      return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    // Text said in characters, an empty one as empty (QA: "is under the limit of 1 characters").
    case "too_big":
      return issue.origin === "string" ? `is longer than ${String(issue.maximum)} characters` : `is over the limit of ${String(issue.maximum)}`;
    case "too_small":
      if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "is empty" : `is shorter than ${String(issue.minimum)} characters`;
      return `is under the limit of ${String(issue.minimum)}`;
    default:
      return issue.message;
  }
}
