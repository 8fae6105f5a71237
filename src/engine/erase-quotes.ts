/**
 * @module What a purge also rewrites: hook-written memories (session summaries, checkpoints) repeat the user's
 * words, so purging a memory leaves its text there unless they are rewritten too. Each one that quotes the
 * purged text (capture/quotes.ts) is rewritten with `[erased]` in its place — content, tags and metadata —
 * and audited as an update whose earlier versions (which quoted it as well) are erased from the audit log;
 * one left with less than {@link MIN_OWN_CHARS} letters and digits of its own is purged instead.
 */
import { ERASED, withoutQuotes, withoutQuotesDeep } from "../capture/quotes.ts";
import { contentHashes, normalizeTags } from "../capture/normalize.ts";
import { STATUSES, type Memory } from "../domain/memory.ts";
import type { EngineContext } from "./context.ts";

/** Below this many letters and digits besides the fixed labels and `[erased]`, nothing worth keeping remains. */
export const MIN_OWN_CHARS = 20;

/** The labels hook summaries and checkpoints are built from: not the memory's own words. */
const LABELS = /Session summary \(\d{4}-\d{2}-\d{2}\)|\b(Asked|Outcome|Compaction note|Checkpoint|Progress|Next steps|Files|Decisions):|Captured \d+ memor(y|ies)|none \(task complete\)/g;

export interface QuoteRewrite {
  rewritten: string[];
  purged: string[];
}

/** Every text of memory `id` a purge erases: its content now and each earlier version the audit log kept. */
export function erasedTexts(ctx: EngineContext, id: string, current: Memory): string[] {
  const texts = [current.content];
  for (const e of ctx.store.history(id)) if (e.contentBefore) texts.push(e.contentBefore);
  return texts;
}

/** Rewrites (or purges) the summaries and checkpoints that quote `texts`; inside the purge's transaction. */
export function rewriteQuoting(ctx: EngineContext, purgedId: string, texts: readonly string[], now: number): QuoteRewrite {
  const out: QuoteRewrite = { rewritten: [], purged: [] };
  const all = { scope: { projects: null, includeGlobal: true }, statuses: [...STATUSES], includeExpired: true };
  const candidates = new Map<string, Memory>();
  for (const filter of [{ ...all, types: ["checkpoint" as const] }, { ...all, tags: ["session-summary"] }]) {
    for (const m of ctx.store.list(filter, now, { limit: 1_000_000 })) candidates.set(m.id, m);
  }
  candidates.delete(purgedId);
  for (const m of candidates.values()) {
    const content = withoutQuotes(m.content, texts);
    const tags = withoutQuotesDeep(m.tags, texts);
    const metadata = withoutQuotesDeep(m.metadata, texts);
    if (!content.quoted && !tags.quoted && !metadata.quoted) continue;
    const own = content.text.replaceAll(ERASED, "").replace(LABELS, "").replace(/[^\p{L}\p{N}]/gu, "");
    ctx.store.eraseHistory(m.id);
    if (own.length < MIN_OWN_CHARS) {
      ctx.store.purge(m.id);
      ctx.store.appendAudit(entry(ctx, m, now, "purge", null, { quoted: purgedId }));
      out.purged.push(m.id);
      continue;
    }
    const next: Memory = {
      ...m,
      content: content.text,
      ...contentHashes(content.text),
      tags: normalizeTags(tags.value),
      metadata: metadata.value,
      updatedAt: now,
    };
    ctx.store.replace(next);
    ctx.store.appendAudit(entry(ctx, m, now, "update", next.contentHash, { changed: ["content"], quoted: purgedId }));
    out.rewritten.push(m.id);
  }
  return out;
}

function entry(ctx: EngineContext, m: Memory, at: number, op: "purge" | "update", hashAfter: string | null, detail: Record<string, unknown>) {
  return { at, actor: ctx.actor, op, memoryId: m.id, hashBefore: m.contentHash, hashAfter, contentBefore: null, detail };
}
