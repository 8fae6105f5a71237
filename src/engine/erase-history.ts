/**
 * @module Erasing a memory's old versions while the memory stays: a secret or a name pasted in and then
 * edited out was still in `cairn get --history` (the audit log keeps each old text until the memory is purged).
 * The old texts and details of its entries are erased as a purge erases them (the chained hashes, times and
 * operations stay), an `erase_history` entry records it, and the freed pages are overwritten and the WAL
 * emptied. Session summaries that quoted an old version are not rewritten: `forget --hard` does that.
 */
import type { EngineContext } from "./context.ts";
import { assertNotHeld } from "./holds.ts";
import { resolveId } from "./ids.ts";

export interface EraseHistoryResult {
  id: string;
  /** Old versions whose text was erased. */
  versions: number;
  /** Another process's read kept the old pages on disk for now (see ForgetResult.pendingWal). */
  pendingWal?: { holders: number | null };
}

export function eraseMemoryHistory(ctx: EngineContext, idOrPrefix: string): EraseHistoryResult {
  const id = resolveId(ctx.store, idOrPrefix);
  const versions = ctx.store.transaction(() => {
    const m = ctx.store.get(id)!;
    assertNotHeld(ctx, m, "edited");
    const history = ctx.store.history(id);
    const erased = history.filter((e) => e.contentBefore !== null).length;
    // Nothing to erase (no earlier text, no details such as a forget's reason) changes nothing, the log included
    // (QA: every run added an entry).
    if (history.every((e) => e.op === "erase_history" || (e.contentBefore === null && Object.keys(e.detail).length === 0))) return 0;
    ctx.store.eraseHistory(id);
    const now = ctx.now();
    ctx.store.appendAudit({ at: now, actor: ctx.actor, op: "erase_history", memoryId: id, hashBefore: m.contentHash, hashAfter: m.contentHash, contentBefore: null, detail: { versions: erased } });
    return erased;
  });
  const scrub = ctx.store.lastScrub();
  return { id, versions, ...(scrub && !scrub.complete ? { pendingWal: { holders: scrub.holders } } : {}) };
}
