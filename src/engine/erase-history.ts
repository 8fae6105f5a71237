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
  /** False when the history held nothing to erase: nothing was changed, the log included. */
  changed: boolean;
  /** Another process's read kept the old pages on disk for now (see ForgetResult.pendingWal). */
  pendingWal?: { holders: number | null };
}

/** Audit detail fields that never hold the memory's or the user's words: erasing only these erases nothing. */
const NO_TEXT = new Set(["type", "versions", "status", "statusBefore", "changed", "imported", "superseded_by", "auto", "relation", "to", "possible", "settled", "rule", "selector", "expires_at_before", "purge_after"]);

export function eraseMemoryHistory(ctx: EngineContext, idOrPrefix: string): EraseHistoryResult {
  const id = resolveId(ctx.store, idOrPrefix);
  const versions = ctx.store.transaction(() => {
    const m = ctx.store.get(id)!;
    assertNotHeld(ctx, m, "edited");
    const history = ctx.store.history(id);
    const erased = history.filter((e) => e.contentBefore !== null).length;
    // Nothing to erase (no earlier text, no details such as a forget's reason) changes nothing, the log included
    // (QA: every run added an entry).
    if (history.every((e) => e.op === "erase_history" || (e.contentBefore === null && Object.keys(e.detail).every((k) => NO_TEXT.has(k))))) return null;
    ctx.store.eraseHistory(id);
    const now = ctx.now();
    ctx.store.appendAudit({ at: now, actor: ctx.actor, op: "erase_history", memoryId: id, hashBefore: m.contentHash, hashAfter: m.contentHash, contentBefore: null, detail: { versions: erased } });
    return erased;
  });
  if (versions === null) return { id, versions: 0, changed: false };
  const scrub = ctx.store.lastScrub();
  return { id, versions, changed: true, ...(scrub && !scrub.complete ? { pendingWal: { holders: scrub.holders } } : {}) };
}
