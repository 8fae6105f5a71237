/** @module Zod pieces shared by the MCP tools: argument parsing (scope, times) and the memory shapes they return. */
import * as z from "zod";
import { MEMORY_TYPES } from "../domain/kinds.ts";
import type { Memory } from "../domain/memory.ts";
import { memoryToJson } from "../domain/serialize.ts";
import { parseOptionalTime, parseOptionalUntil } from "../domain/time.ts";
import type { ScopeOptions } from "../engine/scope.ts";
import { MAX_CONTENT_BYTES } from "../engine/validate.ts";
import { cairnError } from "../errors.ts";

export const memoryType = z.enum(MEMORY_TYPES);

/** One type or several; agents write both. */
export const typeFilter = z
  .union([memoryType, z.array(memoryType).max(MEMORY_TYPES.length)])
  .optional()
  .describe("only these memory types");

export const tags = z
  .array(z.string().min(1).max(100, { error: "A tag may be at most 100 characters; use short keywords" }))
  .max(50, { error: "At most 50 tags per memory; keep a few keywords" });

/**
 * Memory text. UTF-8 takes at least a byte per UTF-16 unit, so a longer string is over the byte limit the
 * engine checks; refusing it here keeps multi-megabyte arguments from being cleaned and measured first.
 */
export const contentArg = z
  .string()
  .max(MAX_CONTENT_BYTES, { error: `Memory content is over the limit of ${MAX_CONTENT_BYTES} bytes of UTF-8 (it has more characters than that). Split it into smaller memories` });

export const projectArg = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .describe('a project: its name as stats shows it, its key, a directory or its git remote; default: the current project. "global" = memories shared by all projects');

export const readProjectArg = projectArg.describe(
  'a project: its name as stats shows it, its key, a directory or its git remote; default: the current project (plus global memories). "global" = only global memories, "all" = every project',
);

export const timeArg = (what: string) =>
  z.string().min(1).max(100).optional().describe(`${what}: ISO 8601 (2024-05-01, 2024-05-01T14:30:00Z; without a zone: UTC) or relative (3d, 12h, 2w ago)`);

export const memoryId = z.string().min(1).max(100).describe("a memory id: the full id, its last 8 or more characters, or a unique prefix of at least 4 characters");

/** The `project` argument of a read tool as engine scope options. */
export function scopeArg(project: string | undefined): ScopeOptions {
  if (project === undefined) return {};
  if (project === "all" || project === "*") return { allProjects: true };
  if (project === "global") return { project: null };
  return { project };
}

/** The `project` argument of a write tool: a project name for the engine to resolve, null for global, undefined for the default. */
export function writeProjectArg(project: string | undefined): string | null | undefined {
  if (project === undefined) return undefined;
  if (project === "all" || project === "*") throw cairnError("USAGE", ['A memory belongs to one project: give the `project` argument a project name, directory or git remote, or "global", or leave it out for the current project.']);
  return project === "global" ? null : project;
}

export function timeArgValue(value: string | undefined, now: number): number | undefined {
  return parseOptionalTime(value, now);
}

/** An `until` argument: a date alone takes in that whole day (domain/time.ts parseOptionalUntil). */
export function untilArgValue(value: string | undefined, now: number): number | undefined {
  return parseOptionalUntil(value, now);
}

export function typesArg(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

/** The compact shape lists, timelines and recall return. */
export const memorySummary = z.object({
  id: z.string(),
  content: z.string(),
  type: z.string(),
  project: z.string().nullable(),
  created_at: z.string(),
  event_time: z.string().nullable(),
  tags: z.array(z.string()),
  priority: z.number(),
});

export function summaryOf(m: Memory): z.infer<typeof memorySummary> {
  const j = memoryToJson(m);
  return {
    id: j.id,
    content: j.content,
    type: j.type,
    project: j.project,
    created_at: j.created_at,
    event_time: j.event_time,
    tags: j.tags,
    priority: j.priority,
  };
}

/** The full stable shape ({@link memoryToJson}), as `get` and `update` return it. */
export const memoryFull = z.object({
  id: z.string(),
  content: z.string(),
  type: z.string(),
  tags: z.array(z.string()),
  project: z.string().nullable(),
  event_time: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  expires_at: z.string().nullable(),
  priority: z.number(),
  status: z.string(),
  superseded_by: z.string().nullable(),
  session_id: z.string().nullable(),
  agent: z.string().nullable(),
  source: z.string().nullable(),
  access_count: z.number(),
  last_accessed_at: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});
