/** @module What now stands in a superseded memory's place: the end of its chain of `supersedes`. */
import type { Memory } from "../domain/memory.ts";
import type { Store } from "../store/store.ts";

/** Links followed at most (a cycle written by hand must not loop). */
const MAX_HOPS = 16;

/**
 * The memory reached from `m` through its `supersededBy` links: `m` itself when nothing replaced it, else the
 * last of the chain that still exists (active, or archived, or superseded where a link leads nowhere).
 */
export function currentVersion(store: Pick<Store, "get">, m: Memory): Memory {
  let current = m;
  for (let hop = 0; hop < MAX_HOPS && current.status === "superseded" && current.supersededBy; hop++) {
    const next = store.get(current.supersededBy);
    if (!next) break;
    current = next;
  }
  return current;
}
