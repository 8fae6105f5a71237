/**
 * @module Two devices stored the same statement under two ids: the usual duplicate rule applies (the older id
 * is kept and reinforced with the other's tags, lifetime and priority; the other is superseded by it). The
 * choice depends only on the two records, so every device merges the same way; the merge is a local change
 * (recorded, sent), and last-writer-wins settles the versions the devices write for it.
 */
import { normalizeTags } from "../capture/normalize.ts";
import type { Memory } from "../domain/memory.ts";
import type { SyncContext } from "./context.ts";

export function mergeDuplicate(ctx: SyncContext, a: Memory, b: Memory, actor: string): void {
  const { store, log } = ctx;
  if (store.policy.holdsOn(a).length > 0 || store.policy.holdsOn(b).length > 0) return;
  const [keep, drop] = a.id < b.id ? [a, b] : [b, a];
  const kept: Memory = {
    ...keep,
    tags: normalizeTags([...keep.tags, ...drop.tags]),
    expiresAt: keep.expiresAt === null || drop.expiresAt === null ? null : Math.max(keep.expiresAt, drop.expiresAt),
    priority: Math.max(keep.priority, drop.priority),
  };
  const mode = log.get("mode");
  log.set("mode", 1);
  try {
    store.replace(kept);
    store.replace({ ...drop, status: "superseded", supersededBy: keep.id });
  } finally {
    log.set("mode", mode);
  }
  const at = Date.now();
  store.appendAudit({ at, actor, op: "reinforce", memoryId: keep.id, hashBefore: keep.contentHash, hashAfter: keep.contentHash, contentBefore: null, detail: { sync: "duplicate", merged: drop.id } });
  store.appendAudit({ at, actor, op: "update", memoryId: drop.id, hashBefore: drop.contentHash, hashAfter: drop.contentHash, contentBefore: null, detail: { sync: "duplicate", changed: ["status"], supersededBy: keep.id } });
}
