/**
 * @module Updates and contradictions on write. A new statement is compared (capture/compare.ts) with the
 * active memories of its scope that share the most words with it; one it changes ("we moved deploys from
 * Heroku to Fly.io") or disagrees with ("port 8080" / "port 9090") is returned as a possible conflict for the
 * agent or user to settle (MCP `relate … supersedes`, `update`, or `forget`). Nothing is superseded or
 * merged on its own: measured on blind labelled pairs the rules catch a fifth of real changes, and
 * superseding automatically hid the memories that questions about the past ask for (bench/lifecycle.ts,
 * DESIGN.md "Conflicts on write").
 */
import { compareStatements } from "../capture/compare.ts";
import type { Memory, MemoryFilter } from "../domain/memory.ts";
import { buildKeywordQuery } from "../retrieve/fts-query.ts";
import type { EngineContext } from "./context.ts";

/**
 * Standing statements about the project or the user. Errors, tasks and checkpoints have lifecycles of their
 * own, and a note written in a session is a turn of a conversation ("I went to the workshop yesterday"), not
 * a claim a later turn replaces.
 */
const COMPARED_TYPES = new Set(["decision", "preference", "fact", "lesson", "note"]);
const standing = (m: Memory) => COMPARED_TYPES.has(m.type) && !(m.type === "note" && m.sessionId !== null);
/** The memories sharing the most words with the new one that are compared with it. */
const CANDIDATES = 5;

/** A possible conflict of a new memory: an active one it changes or contradicts, and why. */
export interface Conflict {
  id: string;
  content: string;
  reason: string;
}

/** The active memories of its scope that `candidate` (just stored) may change or contradict. */
export function conflictsOnWrite(ctx: EngineContext, candidate: Memory, now: number): Conflict[] {
  if (!standing(candidate)) return [];
  const { match } = buildKeywordQuery(candidate.content);
  if (match === null) return [];
  const filter: MemoryFilter = {
    scope: candidate.project === null ? { projects: [], includeGlobal: true } : { projects: [candidate.project], includeGlobal: false },
  };
  const out: Conflict[] = [];
  for (const { memory } of ctx.store.searchText(match, filter, now, CANDIDATES)) {
    if (memory.id === candidate.id || !standing(memory)) continue;
    const { relation, reason } = compareStatements(memory.content, candidate.content);
    if (relation === "update" || relation === "conflict") out.push({ id: memory.id, content: memory.content, reason });
  }
  return out;
}
