/** @module Changing stored memories: get (with access tracking), update (old version kept in the audit log), forget. */
import { contentHashes, normalizeTags } from "../capture/normalize.ts";
import { withoutQuotes } from "../capture/quotes.ts";
import { redactMemory } from "../capture/redact-record.ts";
import type { Memory } from "../domain/memory.ts";
import { KIND_DEFAULTS, type MemoryType } from "../domain/kinds.ts";
import { toIso } from "../domain/time.ts";
import { CairnError, cairnError } from "../errors.ts";
import type { AuditEntry } from "../store/store.ts";
import type { EngineContext } from "./context.ts";
import { resolveId, resolveLoggedId, shortId } from "./ids.ts";
import { writeProject } from "./projects.ts";
import { PAST_GRACE_MS } from "./remind.ts";
import { consolidationsOf, erasedTexts, hookWrittenLinks, rebuildConsolidated, rewriteQuoting } from "./erase-quotes.ts";
import { checkContent, checkMetadata, checkPriority, checkTags, checkType } from "./validate.ts";
import { assertNotHeld, assertPolicyIntact } from "./holds.ts";
import { consolidatedSources } from "../domain/consolidated.ts";
import { forgottenSince } from "./consolidate-undo.ts";
import { successorBack, successorGone, supersededBy, undoSupersedes } from "./successor-gone.ts";
import { currentVersion } from "./current-version.ts";

export function getMemory(ctx: EngineContext, idOrPrefix: string, track = true): Memory {
  const id = resolveId(ctx.store, idOrPrefix);
  // Read first: a memory that cannot be read (sealed value damaged) is not counted as used, and nothing is written.
  const memory = ctx.store.get(id)!;
  if (track) ctx.store.touch([id], ctx.now());
  return memory;
}

export function history(ctx: EngineContext, idOrPrefix: string): { id: string; entries: AuditEntry[] } {
  const id = idOrPrefix.length >= 36 ? idOrPrefix : resolveLoggedId(ctx.store, idOrPrefix);
  const entries = ctx.store.history(id);
  if (entries.length === 0) throw cairnError("NOT_FOUND", [idOrPrefix]);
  return { id, entries };
}

export interface UpdateInput {
  content?: string;
  type?: string;
  tags?: string[];
  priority?: number;
  /** epoch ms; null clears it. */
  eventTime?: number | null;
  metadata?: Record<string, unknown>;
  /** A project (any name for it, see projects.ts); null moves the memory to the global scope. */
  project?: string | null;
}

/**
 * The expiry a memory retyped to `type` has: a type that keeps (a lesson, a decision) drops the lifetime the
 * old one's kind gave it, a type that fades (a task, an error) gets its own when it had none (QA: an error made
 * a lesson still expired 180 days on). An expiry the old type does not explain by itself stays.
 */
function lifetimeFor(old: Memory, type: MemoryType, now: number): number | null {
  const before = KIND_DEFAULTS[old.type].ttlMs;
  const after = KIND_DEFAULTS[type].ttlMs;
  if (old.expiresAt !== null && before !== null && after === null) return null;
  if (old.expiresAt === null && before === null && after !== null) return now + after;
  return old.expiresAt;
}

/** Applies `patch`; the replaced content is kept in the audit log so `cairn get --history` can show it. */
export function updateMemory(ctx: EngineContext, idOrPrefix: string, patch: UpdateInput): Memory {
  const hasChange = Object.values(patch).some((v) => v !== undefined);
  if (!hasChange) throw cairnError("NOTHING_TO_UPDATE");
  const content = patch.content === undefined ? undefined : checkContent(patch.content);
  const type = patch.type === undefined ? undefined : checkType(patch.type);
  const metadata = patch.metadata === undefined ? undefined : checkMetadata(patch.metadata);
  const project = writeProject(ctx, patch.project);
  return ctx.store.transaction(() => {
    const id = resolveId(ctx.store, idOrPrefix);
    const old = ctx.store.get(id)!;
    if (old.status !== "active") throw cairnError("NOT_ACTIVE", [id, old.status]);
    // A reminder is a due time as well as a text: one made by changing the type would be due at once.
    if (type === "reminder" && old.type !== "reminder") throw cairnError("REMINDER_BY_EDIT", [shortId(ctx.store, id)]);
    const now = ctx.now();
    // Nor may an edit leave one with no due time, or one past (QA: `--event-time none` made it due at once).
    const staysReminder = old.type === "reminder" && (type === undefined || type === "reminder");
    if (staysReminder && patch.eventTime !== undefined && (patch.eventTime === null || patch.eventTime < now - PAST_GRACE_MS)) {
      throw cairnError("REMINDER_DUE_EDIT", [shortId(ctx.store, id), patch.eventTime === null ? "none" : toIso(patch.eventTime)!]);
    }
    assertNotHeld(ctx, old, "edited");
    const draft: Memory = {
      ...old,
      ...(content === undefined ? {} : { content, ...contentHashes(content) }),
      type: type ?? old.type,
      // Raw tags, normalised after redaction (lower-casing would hide a token's shape).
      tags: patch.tags === undefined ? old.tags : checkTags(patch.tags),
      priority: checkPriority(patch.priority, old.priority),
      eventTime: patch.eventTime === undefined ? old.eventTime : patch.eventTime,
      metadata: metadata ?? old.metadata,
      project: project === undefined ? old.project : project,
      expiresAt: type === undefined ? old.expiresAt : lifetimeFor(old, type, now),
      updatedAt: now,
    };
    // The same boundary as every write; the count is kept in metadata and in the audit entry.
    const red = redactMemory(draft);
    const next: Memory = { ...red.memory, tags: normalizeTags(red.memory.tags) };
    const changed = (Object.keys(patch) as Array<keyof UpdateInput>).filter(
      (k) => patch[k] !== undefined && JSON.stringify(old[k]) !== JSON.stringify(next[k]),
    );
    if (changed.length === 0) return old;
    // Two active memories saying the same in one scope is what every write avoids (QA: an edit made one silently).
    if (changed.includes("content") || changed.includes("project")) {
      const same = ctx.store.findDuplicate(next.project, next.contentHash, next.canonicalHash);
      if (same && same.id !== id) throw cairnError("DUPLICATE_EDIT", [shortId(ctx.store, id), shortId(ctx.store, same.id)]);
    }
    ctx.store.replace(next);
    ctx.store.appendAudit({
      at: now,
      actor: ctx.actor,
      op: "update",
      memoryId: id,
      hashBefore: old.contentHash,
      hashAfter: next.contentHash,
      contentBefore: changed.includes("content") ? old.content : null,
      detail: {
        changed,
        before: Object.fromEntries(changed.filter((k) => k !== "content").map((k) => [k, old[k]])),
        ...(next.expiresAt !== old.expiresAt ? { expires_at: { before: toIso(old.expiresAt), after: toIso(next.expiresAt) } } : {}),
        ...(red.count > 0 ? { redacted: red.count } : {}),
      },
    });
    return next;
  });
}

export interface ForgetResult {
  id: string;
  status: "archived" | "purged";
  /** For a purge: what proves it happened (the text is gone; its hash and the chained audit entry stay). */
  receipt?: { contentHash: string; at: number; auditSeq: number; auditHash: string };
  /** Memories it had superseded, current again now that it is gone (successor-gone.ts). */
  current?: string[];
  /** A soft forget of a memory already archived: nothing changed. */
  already?: true;
  /**
   * A soft forget of a memory a consolidation archived (the consolidated memories it is a source of): now forgotten
   * too, so an undo of the consolidation leaves it archived.
   */
  folded?: string[];
  /** For a purge: session summaries, checkpoints and consolidated memories that held the text, rewritten without it or purged too. */
  quoting?: { rewritten: string[]; purged: string[] };
  /** For a purge of a consolidated memory: the archived sources it was built from (the same text), purged with it. */
  sources?: string[];
  /**
   * For a purge another process's read kept from being physical yet: old copies stay in the WAL until that
   * many other processes (null: unknown) close the database or end their read; the erasure is pending.
   */
  pendingWal?: { holders: number | null };
}

/**
 * Soft delete (default): the memory is archived and no longer recalled, but stays restorable and in
 * the audit log. Hard delete purges the content everywhere: the row, the full-text index, vectors,
 * edges, old versions in the audit log (only keyed hashes and the fact of deletion remain), session
 * summaries and checkpoints that quote it (erase-quotes.ts), and hook state (through `ctx.erasure`). The
 * reason of a purge is kept only when `keepReason` is set: a reason often names what was erased.
 */
export function forgetMemory(ctx: EngineContext, idOrPrefix: string, opts: { reason?: string; hard?: boolean; keepReason?: boolean }): ForgetResult {
  if (opts.hard) return purgeMemory(ctx, idOrPrefix, opts);
  return ctx.store.transaction(() => {
    const id = resolveId(ctx.store, idOrPrefix);
    const old = ctx.store.get(id)!;
    assertNotHeld(ctx, old, "forgotten");
    const now = ctx.now();
    if (old.status === "archived") {
      // Archived by a consolidation, not forgotten: said so, and kept out of an undo's restore (QA: "forgotten
      // already; nothing changed", and the undo brought it back).
      const folded = consolidationsOf(ctx, id).filter((c) => ctx.store.get(c) !== null);
      if (folded.length === 0 || forgottenSince(ctx, id)) return { id, status: "archived", already: true };
      ctx.store.appendAudit({ at: now, actor: ctx.actor, memoryId: id, hashBefore: old.contentHash, contentBefore: null, op: "forget", hashAfter: old.contentHash, detail: { reason: opts.reason ?? null, statusBefore: old.status, folded_into: folded } });
      return { id, status: "archived", folded };
    }
    ctx.store.replace({ ...old, status: "archived", updatedAt: now });
    ctx.store.appendAudit({
      at: now,
      actor: ctx.actor,
      memoryId: id,
      hashBefore: old.contentHash,
      contentBefore: null,
      op: "forget",
      hashAfter: old.contentHash,
      detail: { reason: opts.reason ?? null, statusBefore: old.status },
    });
    const current = successorGone(ctx, old, supersededBy(ctx, id), now, false);
    return { id, status: "archived", ...(current.length > 0 ? { current } : {}) };
  });
}

function purgeMemory(ctx: EngineContext, idOrPrefix: string, opts: { reason?: string; keepReason?: boolean }): ForgetResult {
  const id = resolveId(ctx.store, idOrPrefix);
  assertPolicyIntact(ctx);
  const erased: string[] = [];
  ctx.erasure?.begin();
  let result: ForgetResult;
  try {
    result = ctx.store.transaction(() => purgeRow(ctx, id, opts, erased));
  } finally {
    // Also when the purge failed: the erase generation must not stay "running".
    ctx.erasure?.scrub(erased);
  }
  const scrub = ctx.store.lastScrub();
  if (scrub && !scrub.complete) result.pendingWal = { holders: scrub.holders };
  return result;
}

/** The purge's transaction; `erased` receives every text it erases, for the files outside the database. */
function purgeRow(ctx: EngineContext, id: string, opts: { reason?: string; keepReason?: boolean }, erased: string[]): ForgetResult {
  let old: Memory;
  try {
    old = ctx.store.get(resolveId(ctx.store, id))!;
  } catch (err) {
    if (damagedRow(err, id)) return purgeDamaged(ctx, id);
    throw err;
  }
  // A legal hold stops an erase before anything is touched (the retention sweep purges through here too).
  assertNotHeld(ctx, old, "erased");
  const now = ctx.now();
  erased.push(...erasedTexts(ctx, id, old));
  const consolidations = consolidationsOf(ctx, id);
  const predecessors = supersededBy(ctx, id);
  const sources = archivedSources(ctx, old);
  for (const source of sources) assertNotHeld(ctx, source, "erased");
  const linked = hookWrittenLinks(ctx, id);
  ctx.store.purge(id);
  const quoting = rewriteQuoting(ctx, id, erased, now, linked);
  rebuildConsolidated(ctx, id, consolidations, erased, now, quoting);
  const current = successorGone(ctx, old, predecessors, now, true);
  // A kept reason may quote what was erased ("it held my phone number 0176…"): that part goes too.
  const detail = opts.keepReason && opts.reason ? { reason: withoutQuotes(opts.reason, erased).text } : {};
  ctx.store.appendAudit({ at: now, actor: ctx.actor, memoryId: id, hashBefore: old.contentHash, contentBefore: null, op: "purge", hashAfter: null, detail });
  // Its archived sources hold the text it was built from, out of sight: they go with it (their own sources too).
  const purgedSources = sources.flatMap((source) => {
    const gone = ctx.store.get(source.id) ? purgeRow(ctx, source.id, {}, erased) : null;
    return gone ? [source.id, ...(gone.sources ?? [])] : [];
  });
  // Inside the transaction, the purge's own entry is the chain's end. The receipt names the content by the
  // keyed hash that entry stores: a plain SHA-256 of a short erased text could be reversed by guessing.
  const head = ctx.store.auditHead();
  const [entry] = ctx.store.auditLog({ memoryId: id, limit: 1 });
  const contentHash = entry?.hashBefore ?? old.contentHash;
  return {
    id,
    status: "purged",
    receipt: { contentHash, at: now, auditSeq: head.seq, auditHash: head.hash },
    quoting,
    ...(current.length > 0 ? { current } : {}),
    ...(purgedSources.length > 0 ? { sources: purgedSources } : {}),
  };
}

/** The store's integrity error for this very memory (encrypted: its sealed value fails to open). */
const damagedRow = (err: unknown, id: string): boolean => err instanceof CairnError && err.code === "TAMPERED" && err.args[0] === `memory ${id}`;

/**
 * Purges a memory whose sealed value no longer opens (altered on disk, or written under another key): the
 * error every read gave told the user to do this, and it failed on the same read (QA: one damaged row locked
 * the whole store). Nothing of it can be read, so neither quotes nor links are rewritten; a legal hold cannot
 * be checked against it, so any hold in force stops the purge.
 */
function purgeDamaged(ctx: EngineContext, id: string): ForgetResult {
  if (ctx.store.policy.holds(false).length > 0) throw cairnError("DAMAGED_UNDER_HOLD", [id]);
  const now = ctx.now();
  // Its content hash as the log last recorded it (keyed): the receipt names what was erased, as a purge's does.
  const contentHash = ctx.store.auditLog({ memoryId: id, limit: 20 }).find((e) => e.hashAfter !== null)?.hashAfter ?? null;
  ctx.store.purge(id);
  ctx.store.appendAudit({ at: now, actor: ctx.actor, memoryId: id, hashBefore: contentHash, contentBefore: null, op: "purge", hashAfter: null, detail: { damaged: true } });
  const head = ctx.store.auditHead();
  return { id, status: "purged", receipt: { contentHash: contentHash ?? "unknown (the memory could not be read)", at: now, auditSeq: head.seq, auditHash: head.hash } };
}

/**
 * The sources a consolidated memory was built from that are archived still (consolidate archived them; one
 * restored since is a memory in its own right and stays).
 */
function archivedSources(ctx: EngineContext, m: Memory): Memory[] {
  return (consolidatedSources(m) ?? [])
    .filter((s) => consolidationsOf(ctx, s).includes(m.id))
    .map((s) => ctx.store.get(s))
    .filter((s): s is Memory => s !== null && s.status === "archived");
}

export interface RestoreResult {
  memory: Memory;
  /** It was active already: nothing changed. */
  already: boolean;
  /** Memories it supersedes (its links) that were current meanwhile, superseded again (successor-gone.ts). */
  superseded: string[];
}

/**
 * Brings an archived (forgotten) or superseded memory back to active. One forgotten while superseded goes back to
 * superseded while what replaced it stands (the end of its chain active): restoring undoes the forget, and a
 * second restore makes it current. It came back current beside its successor, and recall answered both (QA).
 */
export function restoreMemory(ctx: EngineContext, idOrPrefix: string): RestoreResult {
  return ctx.store.transaction(() => {
    const id = resolveId(ctx.store, idOrPrefix);
    const old = ctx.store.get(id)!;
    if (old.status === "active") return { memory: old, already: true, superseded: [] };
    // A hold freezes the memory's state as it is (QA: a held archived memory came back).
    assertNotHeld(ctx, old, "restored");
    const now = ctx.now();
    const successor = old.status === "archived" && old.supersededBy ? ctx.store.get(old.supersededBy) : null;
    const replaced = successor !== null && currentVersion(ctx.store, successor).status === "active";
    const next: Memory = replaced ? { ...old, status: "superseded", updatedAt: now } : { ...old, status: "active", supersededBy: null, updatedAt: now };
    ctx.store.replace(next);
    ctx.store.appendAudit({
      at: now,
      actor: ctx.actor,
      op: "restore",
      memoryId: id,
      hashBefore: old.contentHash,
      hashAfter: old.contentHash,
      contentBefore: null,
      detail: { statusBefore: old.status },
    });
    // Restored from superseded while its successor stands: the user undid that supersede, for good.
    if (old.status === "superseded") undoSupersedes(ctx, id, now);
    return { memory: next, already: false, superseded: replaced ? [] : successorBack(ctx, next, now) };
  });
}
