/**
 * @module A superseded memory's match speaks for what replaced it. Recall leaves superseded memories out, but
 * the stale one often holds the question's words ("Docs search uses Algolia DocSearch") while its successor
 * says the new state in its own ("Replaced Algolia with Pagefind, which builds a static index"): once the
 * older one was retired on write, the answer lost the match that carried it. So recall searches superseded
 * memories too, and in each channel's list a superseded one gives its place (and its score there) to the
 * active memory at the end of its chain of supersedes, when that channel did not find the successor on its
 * own; otherwise it just leaves the list. This happens before fusion, so a channel's scale is what it would
 * be without the stale memories, and a stale note matching only a shared name ("billing-api is written in
 * Go 1.21") cannot lift its successor over the answer the successor also competes with.
 */
import type { Memory } from "../domain/memory.ts";
import type { ChannelResult } from "./fusion.ts";

/** Supersedes followed from a stale memory to the active one at the end of its chain. */
const MAX_HOPS = 4;

export interface InPlaceOf {
  lists: ChannelResult[];
  /** For each memory that took a superseded one's place in some channel: that memory's id. */
  replaced: Map<string, string>;
}

/**
 * `lists` without superseded memories, each replaced in its channel's list by its active successor (read by
 * `successors`: the memories with those ids that pass the recall's filter, superseded ones included).
 */
export function inPlaceOf(lists: readonly ChannelResult[], successors: (ids: string[]) => Memory[]): InPlaceOf {
  const replaced = new Map<string, string>();
  const stale = lists.flatMap((l) => l.hits.map((h) => h.memory)).filter((m) => m.status === "superseded");
  if (stale.length === 0) return { lists: [...lists], replaced };
  const current = successorsOf(stale, successors);
  const out = lists.map((list) => {
    const own = new Set(list.hits.filter((h) => h.memory.status !== "superseded").map((h) => h.memory.id));
    const hits = list.hits.flatMap((h) => {
      if (h.memory.status !== "superseded") return [h];
      const next = current.get(h.memory.id);
      if (!next || own.has(next.id)) return [];
      own.add(next.id);
      if (!replaced.has(next.id)) replaced.set(next.id, h.memory.id);
      return [{ ...h, memory: next }];
    });
    return { ...list, hits };
  });
  return { lists: out, replaced };
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
