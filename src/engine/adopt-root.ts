/**
 * @module A repository that gets a git remote keeps its memories. Without a remote a project is keyed by its
 * root's path; once `git remote add` runs, the same directory is keyed by the remote, and every memory stored
 * before sat under a key nothing looked at any more (QA: `list` and `recall` showed nothing, `stats` two
 * projects of one name). The first use under the new key moves them to it, each with an audit entry, in one
 * transaction.
 */
import { isAbsolute } from "node:path";
import type { MemoryFilter } from "../domain/memory.ts";
import type { EngineContext } from "./context.ts";

export interface Adopted {
  /** Memories moved from the path key to the project's key. */
  moved: number;
  /** Set when memories were left under the path: a legal hold or retention rule names it (see below). */
  keptFor?: string;
}

/**
 * Moves the memories stored under `root` (the path of the project's directory, its key before it had a remote)
 * to the project's key. Nothing when the key is the path, nothing is stored under it, or the store takes no
 * writes. A legal hold or a retention rule naming the path would stop covering the memories moved, so then they
 * stay, and `keptFor` says why.
 */
export function adoptRoot(ctx: EngineContext, root: string): Adopted {
  if (root === ctx.project || !isAbsolute(root) || isAbsolute(ctx.project)) return { moved: 0 };
  const now = ctx.now();
  const filter: MemoryFilter = { scope: { projects: [root], includeGlobal: false }, statuses: ["active", "superseded", "archived"], includeExpired: true };
  if (ctx.store.count(filter, now) === 0 || ctx.store.writeRefusal() !== null) return { moved: 0 };
  const { policy } = ctx.store;
  if (policy.holds(false).some((h) => h.kind === "project" && h.target === root)) return { moved: 0, keptFor: "a legal hold names its path" };
  if (policy.rules().some((r) => r.kind === "project" && r.target === root)) return { moved: 0, keptFor: "a retention rule names its path" };
  let moved = 0;
  ctx.store.transaction(() => {
    for (const m of [...ctx.store.listAll(filter, now, "oldest")]) {
      ctx.store.replace({ ...m, project: ctx.project, updatedAt: now });
      ctx.store.appendAudit({
        at: now,
        actor: ctx.actor,
        op: "update",
        memoryId: m.id,
        hashBefore: m.contentHash,
        hashAfter: m.contentHash,
        contentBefore: null,
        detail: { changed: ["project"], before: { project: root }, reason: "its repository got a git remote" },
      });
      moved++;
    }
  });
  return { moved };
}
