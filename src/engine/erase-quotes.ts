/**
 * @module What a purge also rewrites: hook-written memories (session summaries, checkpoints, the lesson linked to
 * a captured error) repeat the user's words, so purging a memory leaves its text there unless they are rewritten too. Each one that quotes the
 * purged text (capture/quotes.ts) is rewritten with `[erased]` in its place — content, tags and metadata —
 * and audited as an update whose earlier versions (which quoted it as well) are erased from the audit log;
 * one left with less than {@link MIN_OWN_CHARS} letters and digits of its own is purged instead. A
 * consolidated memory built from the purged one (consolidate-merge.ts) is built again from its other sources,
 * as if the purged one had never been among them (purged too when none is left); one edited since has its
 * quotes of the text erased instead, as a summary has.
 */
import { ERASED, MIN_QUOTE, withoutQuotes, withoutQuotesDeep } from "../capture/quotes.ts";
import { contentHashes, normalizeTags } from "../capture/normalize.ts";
import { STATUSES, type Memory } from "../domain/memory.ts";
import { mergeMembers } from "./consolidate-merge.ts";
import { consolidatedSources } from "../domain/consolidated.ts";
import type { EngineContext } from "./context.ts";
import { assertNotHeld } from "./holds.ts";

/** Below this many letters and digits besides the fixed labels and `[erased]`, nothing worth keeping remains. */
export const MIN_OWN_CHARS = 20;

/** The labels hook summaries and checkpoints are built from: not the memory's own words. */
const LABELS = /Session summary \(\d{4}-\d{2}-\d{2}\)|\b(?:Asked|Outcome|Compaction note|Checkpoint|Progress|Next steps|Files|Decisions):|Captured \d+ memor(?:y|ies)|none \(task complete\)/g;

export interface QuoteRewrite {
  rewritten: string[];
  purged: string[];
}

/**
 * Every text of memory `id` a purge erases: its content now, each earlier version the audit log kept, and the
 * command a captured error names (`metadata.command`; the session's state holds it whole: QA).
 */
export function erasedTexts(ctx: EngineContext, id: string, current: Memory): string[] {
  const texts = [current.content];
  const command = current.metadata.command;
  if (typeof command === "string" && command.trim().length >= MIN_QUOTE) texts.push(command);
  for (const e of ctx.store.history(id)) if (e.contentBefore) texts.push(e.contentBefore);
  return texts;
}

/**
 * What of `texts` a quote is looked for: a text built from the labels summaries and checkpoints are made of
 * (a purged checkpoint) counts by what stands between them, each part of {@link MIN_QUOTE} characters or
 * more, so its labels and short values ("Next steps:", "p") are not taken for quotes in every other one.
 */
export function quotable(texts: readonly string[]): string[] {
  return texts.flatMap((t) => {
    const parts = t.split(LABELS);
    if (parts.length === 1) return [t];
    return parts.filter((p) => p.replace(/[^\p{L}\p{N}]+/gu, " ").trim().length >= MIN_QUOTE);
  });
}

/**
 * The memories hooks wrote that are linked to `id`, read before its purge deletes the links: the lesson a
 * command that passed after failing leaves quotes its error and `fixes` it (QA: erasing the error left its
 * text in the lesson).
 */
export function hookWrittenLinks(ctx: EngineContext, id: string): string[] {
  const others = ctx.store.edges(id).map((e) => (e.fromId === id ? e.toId : e.fromId));
  return [...new Set(others)].filter((o) => o !== id && ctx.store.get(o)?.source === "hook");
}

/**
 * Rewrites (or purges) the summaries and checkpoints, and the hook-written memories `linked` to the purged one,
 * that quote `texts`; inside the purge's transaction. One under legal hold stops the erase: its words are kept.
 */
export function rewriteQuoting(ctx: EngineContext, purgedId: string, erased: readonly string[], now: number, linked: readonly string[] = []): QuoteRewrite {
  const texts = quotable(erased);
  const out: QuoteRewrite = { rewritten: [], purged: [] };
  const all = { scope: { projects: null, includeGlobal: true }, statuses: [...STATUSES], includeExpired: true };
  const candidates = new Map<string, Memory>();
  for (const filter of [{ ...all, types: ["checkpoint" as const] }, { ...all, tags: ["session-summary"] }]) {
    for (const m of ctx.store.list(filter, now, { limit: 1_000_000 })) candidates.set(m.id, m);
  }
  for (const id of linked) {
    const m = ctx.store.get(id);
    if (m) candidates.set(m.id, m);
  }
  candidates.delete(purgedId);
  for (const m of candidates.values()) {
    const content = withoutQuotes(m.content, texts);
    const tags = withoutQuotesDeep(m.tags, texts);
    const metadata = withoutQuotesDeep(m.metadata, texts);
    if (!content.quoted && !tags.quoted && !metadata.quoted) continue;
    // A hold keeps what the held memory says, quotes included (QA: a held summary was rewritten by an erase).
    assertNotHeld(ctx, m, "rewritten to erase what it quotes");
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

/** The consolidated memories `id` is a source of (read before its purge deletes the links that say so). */
export function consolidationsOf(ctx: EngineContext, id: string): string[] {
  return ctx.store
    .edges(id)
    .filter((e) => e.fromId === id && e.relation === "part_of" && e.metadata?.consolidation === true)
    .map((e) => e.toId);
}

/**
 * Builds each consolidated memory of `into` again without the purged source `purgedId` (its other sources
 * merged as consolidate does), and in turn those built from it; inside the purge's transaction, after the
 * purge. `texts` are the erased texts (for one edited since it was built, whose own words are unknown).
 */
export function rebuildConsolidated(ctx: EngineContext, purgedId: string, into: readonly string[], texts: readonly string[], now: number, out: QuoteRewrite): void {
  const quoted = quotable(texts);
  const queue = into.map((id) => ({ id, gone: purgedId }));
  const done = new Set<string>();
  for (let next = queue.shift(); next; next = queue.shift()) {
    const m = ctx.store.get(next.id);
    if (!m || done.has(m.id)) continue;
    done.add(m.id);
    // A hold on the consolidation keeps what it holds, the purged source's words included: no erase then.
    assertNotHeld(ctx, m, "erased");
    const later = consolidationsOf(ctx, m.id);
    const sources = (consolidatedSources(m) ?? []).filter((s) => s !== next.gone);
    const members = sources.map((s) => ctx.store.get(s)).filter((s): s is Memory => s !== null);
    // Edited by hand since it was built: its text is no longer its sources' merge (a purge's own rewrites say so).
    const edited = ctx.store.history(m.id).some((e) => e.op === "update" && e.detail.source === undefined && e.detail.quoted === undefined);
    ctx.store.eraseHistory(m.id);
    if (members.length === 0) {
      ctx.store.purge(m.id);
      ctx.store.appendAudit(entry(ctx, m, now, "purge", null, { source: next.gone }));
      out.purged.push(m.id);
      queue.push(...later.map((id) => ({ id, gone: m.id })));
      continue;
    }
    const rebuilt = edited ? null : mergeMembers(members);
    // Words a remaining source says too are not the purged one's alone: kept (QA: an edited consolidation lost them).
    const content = rebuilt ? rebuilt.content : withoutQuotes(m.content, quoted, members.map((s) => s.content)).text;
    const consolidated = { ...(m.metadata.consolidated as Record<string, unknown>), sources, ...(rebuilt ? { first: rebuilt.first, last: rebuilt.last } : {}) };
    const metadata = { ...(rebuilt ? m.metadata : withoutQuotesDeep(m.metadata, quoted).value), consolidated };
    const again: Memory = {
      ...m,
      content,
      ...contentHashes(content),
      tags: normalizeTags(rebuilt ? rebuilt.tags : withoutQuotesDeep(m.tags, quoted).value),
      metadata,
      ...(rebuilt ? { eventTime: rebuilt.first } : {}),
      updatedAt: now,
    };
    ctx.store.replace(again);
    // `source`: the purged memory this one no longer merges (null when a source of it was rebuilt instead).
    ctx.store.appendAudit(entry(ctx, m, now, "update", again.contentHash, { changed: ["content"], source: next.gone || null }));
    out.rewritten.push(m.id);
    queue.push(...later.map((id) => ({ id, gone: "" })));
  }
}

function entry(ctx: EngineContext, m: Memory, at: number, op: "purge" | "update", hashAfter: string | null, detail: Record<string, unknown>) {
  return { at, actor: ctx.actor, op, memoryId: m.id, hashBefore: m.contentHash, hashAfter, contentBefore: null, detail };
}
