/**
 * @module A superseded memory's match speaks for what replaced it. Recall leaves superseded memories out, but
 * the stale one often holds the question's words ("Docs search uses Algolia DocSearch") while its successor
 * says the new state in its own ("Replaced Algolia with Pagefind, which builds a static index"): once the
 * older one was retired on write, the answer lost the match that carried it. So recall searches superseded
 * memories too, and each one found gives its place to the active memory that replaced it (following a chain
 * of supersedes), when that one does not already rank higher on its own; the stale one itself stays out.
 */
import type { Memory } from "../domain/memory.ts";
import type { FusedHit } from "./fusion.ts";

/** Supersedes followed from a stale memory to the active one at the end of its chain. */
const MAX_HOPS = 4;

export interface InPlaceOf {
  hits: FusedHit[];
  /** For each memory that took a superseded one's place: that memory's id. */
  replaced: Map<string, string>;
}

/**
 * `fused` without superseded memories, each replaced by its active successor (read by `successors`: the
 * memories with those ids that pass the recall's filter as active ones) at its place.
 */
export function inPlaceOf(fused: readonly FusedHit[], successors: (ids: string[]) => Memory[]): InPlaceOf {
  const replaced = new Map<string, string>();
  if (!fused.some((f) => f.memory.status === "superseded")) return { hits: [...fused], replaced };
  const current = successorsOf(fused.filter((f) => f.memory.status === "superseded").map((f) => f.memory), successors);
  const out: FusedHit[] = [];
  const placed = new Set<string>();
  for (const f of fused) {
    if (f.memory.status !== "superseded") {
      if (!placed.has(f.memory.id)) out.push(f);
      placed.add(f.memory.id);
      continue;
    }
    const next = current.get(f.memory.id);
    if (!next || placed.has(next.id)) continue;
    const own = fused.find((x) => x.memory.id === next.id);
    out.push(own ? { ...own, score: Math.max(own.score, f.score), weak: own.weak && f.weak } : { memory: next, score: f.score, channels: {}, lifts: {}, weak: f.weak });
    placed.add(next.id);
    replaced.set(next.id, f.memory.id);
  }
  return { hits: out, replaced };
}

/** Each stale memory's active successor, chains followed up to {@link MAX_HOPS}; none when the chain ends elsewhere. */
function successorsOf(stale: readonly Memory[], successors: (ids: string[]) => Memory[]): Map<string, Memory> {
  const out = new Map<string, Memory>();
  let frontier = stale.map((m) => ({ from: m.id, next: m.supersededBy }));
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0; hop++) {
    const ids = [...new Set(frontier.map((f) => f.next).filter((id): id is string => id !== null))];
    const found = new Map(successors(ids).map((m) => [m.id, m]));
    const later: typeof frontier = [];
    for (const f of frontier) {
      const m = f.next === null ? undefined : found.get(f.next);
      if (m === undefined) continue;
      if (m.status === "active") out.set(f.from, m);
      else if (m.status === "superseded") later.push({ from: f.from, next: m.supersededBy });
    }
    frontier = later;
  }
  return out;
}
