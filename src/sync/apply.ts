/**
 * @module Applying one pulled record, inside the pull's transaction with the outbox triggers paused (mode 2),
 * so nothing applied is sent back. Last writer wins by (hybrid logical clock, device id): the same winner
 * on every device whatever the order of arrival. The losing version is kept in the memory's audit history
 * with the remote device as actor; links are a union; an erase is final and runs the engine's purge path.
 */
import { contentHashes } from "../capture/normalize.ts";
import { linkAmong, mergeLinkMetadata, type Relation, SETTLED } from "../domain/edge.ts";
import { consolidatedSources } from "../domain/consolidated.ts";
import type { Memory } from "../domain/memory.ts";
import { CairnError } from "../errors.ts";
import { log as logger } from "../log.ts";
import type { SyncContext } from "./context.ts";
import { mergeDuplicate } from "./duplicates.ts";
import { type ChangeRecord, compareVersions, type SyncedLink, type SyncedMemory } from "./record.ts";

/** Fields compared to tell whether two versions differ (id and creation time never change). */
const FIELDS = ["content", "type", "tags", "project", "sessionId", "agent", "source", "updatedAt", "eventTime", "expiresAt",
  "priority", "status", "supersededBy", "metadata"] as const;

/** The fields a peer sees that differ between two versions of a memory. */
const changedFields = (a: Memory, b: Memory): Array<(typeof FIELDS)[number]> => FIELDS.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

/** What a batch knows up front: which canonical hashes active memories already have (the duplicate check's cue). */
export interface BatchHints {
  canonical: Set<string>;
}

/** Hints for a batch of records: one query for all their canonical hashes. */
export function batchHints(ctx: SyncContext, records: readonly ChangeRecord[]): BatchHints {
  const hashes = records.flatMap((r) => (r.op === "put" ? [contentHashes(r.memory.content).canonicalHash] : []));
  return { canonical: ctx.log.activeCanonical(hashes) };
}

/** Applies one record; the caller advances the clock past the batch's largest stamp. */
export function applyRecord(ctx: SyncContext, rec: ChangeRecord, hints: BatchHints): void {
  const { log } = ctx;
  const known = log.version(rec.id);
  if (known?.erased) {
    // Erased here and by the team too: an erase queued here (a device that joined a rotated team queues every
    // erase it knew) has nothing left to tell (QA: each joining device sent every erase again).
    if (rec.op === "erase" && log.outboxEntry(rec.id)?.op === "erase") log.dropOutbox(rec.id);
    return;
  }
  if (rec.op === "erase") return applyErase(ctx, rec);
  const queued = log.outboxEntry(rec.id);
  // Erased here and not yet sent: an erase is final, whatever the clocks say; it goes out with the next push.
  if (queued?.op === "erase") return;
  const local = ctx.store.get(rec.id);
  // Erased here (`forget --hard`, while out of the team too): not brought back, and the team erases it as well
  // (QA: a memory purged between leaving and joining again was back on the next sync).
  if (!local && !known && log.purgedHere(rec.id)) {
    log.setVersion(rec.id, { hlc: rec.hlc, device: rec.device, erased: false });
    log.enqueueErase(rec.id);
    return;
  }
  const current = queued ? { hlc: queued.hlc, device: ctx.config.device } : known;
  const incoming = toMemory(rec.memory, local);
  const actor = `sync:${rec.device}`;
  const changed = local ? changedFields(local, incoming) : [];
  // The team holds the very version queued here (a device that joined with what it had): nothing to send.
  if (queued && local && changed.length === 0) {
    log.dropOutbox(rec.id);
    log.setVersion(rec.id, { hlc: rec.hlc, device: rec.device, erased: false });
    return applyLinks(ctx, rec.id, rec.links, rec.device);
  }
  // A copy held here before this device (re)joined, its version unknown: the team's earlier states of it are its
  // history, not news (QA: a re-join set the text back to the first version, then forward again, an entry each).
  if (local && !current && olderState(incoming, local)) return applyLinks(ctx, rec.id, rec.links, rec.device);
  if (!local || !current || compareVersions(rec, current) > 0) {
    if (!local) insertNew(ctx, incoming, actor, hints);
    else if (heldHere(ctx, local, changed, rec)) return applyLinks(ctx, rec.id, rec.links, rec.device);
    else replaceWith(ctx, local, incoming, changed, actor);
    if (queued) log.dropOutbox(rec.id);
    log.setVersion(rec.id, { hlc: rec.hlc, device: rec.device, erased: false });
  } else {
    // A version from before this memory's history was erased, from a device that was offline meanwhile: kept out
    // of the history, and the memory goes out again with its history erased, so the server drops that record too.
    const erasedAt = rec.eraseHistory ? null : log.historyErasedAt(rec.id);
    if (erasedAt !== null && rec.hlc < erasedAt) log.resendHistoryErased(rec.id);
    // An earlier state of a copy this device held before it (re)joined, not a rival edit: a device catching up
    // replays the team's history, which its copy already went through (QA: a re-join added an entry per old version).
    else if (!known && olderState(incoming, local!)) return applyLinks(ctx, rec.id, rec.links, rec.device);
    // The remote version lost: it stays in this memory's history, readable with `cairn get --history`.
    else if (changed.length > 0) {
      ctx.store.appendAudit({
        at: Date.now(), actor, op: "update", memoryId: rec.id, hashBefore: incoming.contentHash, hashAfter: local.contentHash,
        contentBefore: changed.includes("content") ? incoming.content : null,
        detail: { sync: "lost", changed, version: fieldsOf(incoming, changed.filter((k) => k !== "content")) },
      });
    }
  }
  applyLinks(ctx, rec.id, rec.links, rec.device);
  if (rec.eraseHistory) eraseHistoryHere(ctx, rec);
}

/**
 * Whether `local` is under a legal hold here and `incoming` would change it: then it stays as it is (a hold means
 * no edit and no archive, from this device or the team: QA found a teammate's edit and forget went through), the
 * version is marked seen so it is not asked for again, and an audit entry says what was not applied. The team's
 * copies go on without it; once the hold is lifted, this device's next change of the memory is sent as usual.
 */
function heldHere(ctx: SyncContext, local: Memory, changed: readonly string[], rec: ChangeRecord): boolean {
  if (changed.length === 0 || ctx.store.policy.holdsOn(local).length === 0) return false;
  ctx.log.setVersion(rec.id, { hlc: rec.hlc, device: rec.device, erased: false });
  ctx.store.appendAudit({
    at: Date.now(), actor: `sync:${rec.device}`, op: "update", memoryId: local.id, hashBefore: local.contentHash, hashAfter: local.contentHash,
    contentBefore: null, detail: { sync: "held", changed },
  });
  logger.warn(`sync: memory ${rec.id} is under a legal hold here; device ${rec.device}'s change (${changed.join(", ")}) was not applied`);
  return true;
}

/** The old versions of a memory whose history was erased where `rec` was written: erased here too. */
function eraseHistoryHere(ctx: SyncContext, rec: ChangeRecord): void {
  ctx.log.setHistoryErasedAt(rec.id, rec.hlc);
  if (!ctx.store.get(rec.id)) return;
  try {
    ctx.engineAs(`sync:${rec.device}`).eraseHistory(rec.id);
  } catch (err) {
    // A legal hold on this device keeps every version here, as it keeps an erased memory.
    if (!(err instanceof CairnError && err.code === "HELD")) throw err;
    logger.warn(`sync: memory ${rec.id}'s history was erased by device ${rec.device} but it is under a legal hold here; kept`);
  }
}

/** Whether `incoming` is a state of the memory from before `local`'s (by the time each was last changed). */
const olderState = (incoming: Memory, local: Memory): boolean => incoming.updatedAt < local.updatedAt;

function toMemory(m: SyncedMemory, local: Memory | null): Memory {
  return { ...m, ...contentHashes(m.content), accessCount: local?.accessCount ?? 0, lastAccessedAt: local?.lastAccessedAt ?? null };
}

function fieldsOf(m: Memory, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, m[k as keyof Memory]]));
}

function replaceWith(ctx: SyncContext, local: Memory, incoming: Memory, changed: readonly string[], actor: string): void {
  if (changed.length === 0) return;
  ctx.store.replace(incoming);
  // The version replaced here is the one that lost; its text stays in the history like any edit's.
  ctx.store.appendAudit({
    at: Date.now(), actor, op: "update", memoryId: local.id, hashBefore: local.contentHash, hashAfter: incoming.contentHash,
    contentBefore: changed.includes("content") ? local.content : null,
    detail: { sync: "applied", changed, before: fieldsOf(local, changed.filter((k) => k !== "content")) },
  });
}

function insertNew(ctx: SyncContext, incoming: Memory, actor: string, hints: BatchHints): void {
  const { store } = ctx;
  // Memories inserted earlier in this batch may be duplicates too: their hashes join the hints.
  const maybe = incoming.status === "active" && hints.canonical.has(incoming.canonicalHash);
  const dup = maybe ? store.findDuplicate(incoming.project, incoming.contentHash, incoming.canonicalHash) : null;
  if (incoming.status === "active") hints.canonical.add(incoming.canonicalHash);
  store.insert(incoming);
  store.appendAudit({
    at: Date.now(), actor, op: "create", memoryId: incoming.id, hashBefore: null, hashAfter: incoming.contentHash, contentBefore: null,
    detail: { type: incoming.type, sync: "applied" },
  });
  if (dup && dup.id !== incoming.id && (dup.type === "reminder") === (incoming.type === "reminder") && !consolidationOf(dup, incoming)) mergeDuplicate(ctx, dup, incoming, actor);
}

/**
 * Whether one of two memories is a consolidation the other is a source of: the consolidated memory starts with its
 * representative source's text, but it takes the sources' place (their archive follows it), it is no second copy
 * (QA: merged as one, it was superseded by its own source on every other device, and then archived with it).
 */
function consolidationOf(a: Memory, b: Memory): boolean {
  return consolidatedSources(a)?.includes(b.id) === true || consolidatedSources(b)?.includes(a.id) === true;
}

function applyErase(ctx: SyncContext, rec: ChangeRecord): void {
  const { log, store } = ctx;
  log.setVersion(rec.id, { hlc: rec.hlc, device: rec.device, erased: true });
  log.dropOutbox(rec.id);
  if (!store.get(rec.id)) return;
  try {
    ctx.engineAs(`sync:${rec.device}`).forget(rec.id, { hard: true });
  } catch (err) {
    // A legal hold on this device keeps the memory here; the team's erase still stands everywhere else.
    if (!(err instanceof CairnError && err.code === "HELD")) throw err;
    logger.warn(`sync: memory ${rec.id} was erased by device ${rec.device} but is under a legal hold here; kept`);
  }
  log.dropOutbox(rec.id);
}

/**
 * The team's erases a legal hold kept here (`ids`: SyncLog.erasedStillHere), run once no hold keeps them (QA: after the hold was released the
 * memory stayed for good, and its edits went nowhere). Called with recording paused, inside a transaction.
 */
export function applyDeferredErases(ctx: SyncContext, ids: readonly string[]): number {
  let erased = 0;
  for (const id of ids) {
    const m = ctx.store.get(id);
    if (!m || ctx.store.policy.holdsOn(m).length > 0) continue;
    ctx.engineAs("sync").forget(id, { hard: true });
    logger.info(`sync: memory ${id}, erased by the team while a legal hold kept it here, is erased now that the hold is gone`);
    erased++;
  }
  return erased;
}

function applyLinks(ctx: SyncContext, fromId: string, links: readonly SyncedLink[], device: string): void {
  for (const l of links) {
    if (ctx.log.version(l.to)?.erased) continue;
    if (!ctx.store.get(l.to)) {
      ctx.log.addDangling({ fromId, toId: l.to, relation: l.relation, weight: l.weight, createdAt: l.createdAt, metadata: JSON.stringify(l.metadata), device });
      continue;
    }
    addLink(ctx, { fromId, toId: l.to, relation: l.relation, weight: l.weight, createdAt: l.createdAt, metadata: l.metadata }, device);
  }
}

/** Links whose target arrived after them. */
export function resolveDangling(ctx: SyncContext): void {
  for (const d of ctx.log.takeResolvable()) {
    addLink(ctx, { fromId: d.fromId, toId: d.toId, relation: d.relation, weight: d.weight, createdAt: d.createdAt, metadata: JSON.parse(d.metadata) }, d.device);
  }
}

function addLink(ctx: SyncContext, e: { fromId: string; toId: string; relation: string; weight: number; createdAt: number; metadata: Record<string, unknown> }, device: string): void {
  const edge = { ...e, relation: e.relation as Relation };
  const audit = (detail: Record<string, unknown>) =>
    ctx.store.appendAudit({
      at: Date.now(), actor: `sync:${device}`, op: "link", memoryId: e.fromId, hashBefore: null, hashAfter: null, contentBefore: null,
      detail: { relation: e.relation, to: e.toId, ...detail, sync: "applied" },
    });
  if (ctx.store.addEdge(edge)) return audit({});
  // The link is here already: a possible conflict settled there is settled here too (confirmed over dismissed).
  const local = linkAmong(ctx.store.edges(e.fromId), e.fromId, e.toId, e.relation);
  if (!local) return;
  const metadata = mergeLinkMetadata(local.metadata, e.metadata);
  if (metadata === local.metadata) return;
  ctx.store.setEdgeMetadata({ ...local, metadata });
  audit({ settled: metadata[SETTLED] });
}
