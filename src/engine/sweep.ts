/**
 * @module The retention sweep. A memory a rule covers is past retention once it is `keepMs` old (by creation
 * time) or its own TTL passed; the sweep then expires it (expires_at set to the sweep's time, so recall stops
 * returning it, and a mark that starts its grace) and, once the rule's grace has passed since, purges it
 * through the same path as `forget --hard` (text gone from every table, a receipt, a `purge` audit entry).
 * Memories under a legal hold are skipped and reported. Where several rules cover a memory, the strictest
 * wins: it is past retention once one rule's keep passed, and purged once the shortest grace of the rules it is
 * past retention under passed. Each sweep asks again, of every memory it expired, whether a rule still holds it
 * past retention: one whose rule was cleared or lengthened, or whose tag was taken off, comes back (its
 * expiry as before), and one whose rule was cleared but that another rule covers is purged under that one. A dry
 * run plans the same work and writes nothing.
 */
import type { Memory } from "../domain/memory.ts";
import { describeSelector, type RetentionMark, type RetentionRule, ruleCovers } from "../domain/retention.ts";
import { CairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { assertNotHeld, assertPolicyIntact } from "./holds.ts";
import { forgetMemory } from "./modify.ts";
import { stoppedPartWay } from "./part-way.ts";

/** Expirations per rule in one sweep: an idle sweep stays short; the next one goes on. */
export const SWEEP_BATCH = 1000;

export interface SweepInput {
  dryRun?: boolean;
  /** Memories per rule and step in one run (default 1000); the next sweep goes on where this one stopped. */
  batch?: number;
  /** The audit actor; default the engine's (the caller). Idle sweeps pass "sweep". */
  actor?: string;
}

export interface SweptMemory {
  id: string;
  type: string;
  project: string | null;
  rule: string;
  /** Why it is past retention: "kept 90d since creation" or "its TTL passed". */
  why: string;
}

export interface SweepReport {
  at: number;
  dryRun: boolean;
  expired: Array<SweptMemory & { purgeAfter: number }>;
  /**
   * `with`: what the purge took along (a consolidation built from it alone, the archived sources of a consolidated
   * one, a summary left with nothing of its own) or rewrote without its text (QA: a consolidation was purged unsaid).
   */
  purged: Array<SweptMemory & { receipt?: { contentHash: string; auditSeq: number; auditHash: string }; with?: { purged: string[]; rewritten: string[] } }>;
  /** Past retention but under a legal hold: left as they are. */
  held: Array<{ id: string; hold: string; step: "expire" | "purge" }>;
  /** Expired by an earlier sweep, and no rule holds them past retention any more: their expiry is as before. */
  released: Array<{ id: string; type: string; project: string | null; rule: string }>;
  /** More memories were past retention than one sweep takes (`batch` a rule): the next sweep goes on. */
  more: boolean;
}

export function sweep(ctx: EngineContext, input: SweepInput = {}): SweepReport {
  const now = ctx.now();
  const dryRun = input.dryRun === true;
  const actx: EngineContext = { ...ctx, actor: input.actor ?? ctx.actor, now: () => now };
  const report: SweepReport = { at: now, dryRun, expired: [], purged: [], held: [], released: [], more: false };
  // A rule set or a hold lifted outside cairn would purge what the audit log protects (holds.ts).
  assertPolicyIntact(ctx);
  const rules = ctx.store.policy.rules();
  try {
    sweepSteps(ctx, actx, input, rules, report);
  } catch (err) {
    // Each expiry and purge is its own transaction: those before the failure stay done, receipts and all.
    throw stoppedPartWay(err, "sweep", sweptSoFar(report), report);
  }
  return report;
}

/** What a sweep did, said in one line (receipts included): null when it did nothing. */
export function sweptSoFar(r: SweepReport): string | null {
  const parts = [
    r.expired.length > 0 ? `${r.expired.length} expired (${r.expired.map((e) => e.id).join(", ")})` : "",
    r.purged.length > 0 ? `${r.purged.length} purged (${r.purged.map((p) => (p.receipt ? `${p.id}: receipt content hash ${p.receipt.contentHash}, audit entry ${p.receipt.auditSeq}:${p.receipt.auditHash}` : p.id)).join("; ")})` : "",
    r.released.length > 0 ? `${r.released.length} brought back (${r.released.map((b) => b.id).join(", ")})` : "",
  ].filter(Boolean);
  return parts.length === 0 ? null : parts.join("; ");
}

function sweepSteps(ctx: EngineContext, actx: EngineContext, input: SweepInput, rules: readonly RetentionRule[], report: SweepReport): void {
  const { at: now, dryRun } = report;
  const batch = input.batch ?? SWEEP_BATCH;
  for (const { memory } of pastRetention(ctx, rules, now, batch, true, report)) {
    const hold = ctx.store.policy.holdsOn(memory)[0];
    if (hold) report.held.push({ id: memory.id, hold: hold.id, step: "expire" });
  }
  for (const { memory, rule } of pastRetention(ctx, rules, now, batch, false, report)) {
    const item = swept(memory, rule, now);
    if (dryRun) {
      const hold = ctx.store.policy.holdsOn(memory)[0];
      if (hold) report.held.push({ id: memory.id, hold: hold.id, step: "expire" });
      else report.expired.push({ ...item, purgeAfter: now + rule.graceMs });
      // With no grace, a real sweep purges it in the same run.
      if (!hold && rule.graceMs === 0) report.purged.push(item);
      continue;
    }
    let done = false;
    const held = refusedBy(() => (done = expire(actx, memory.id, rule)));
    if (held) report.held.push({ id: memory.id, hold: held, step: "expire" });
    else if (done) report.expired.push({ ...item, purgeAfter: now + rule.graceMs });
  }

  if (!dryRun) ctx.store.policy.pruneMarks();
  for (const mark of ctx.store.policy.marks()) {
    const memory = ctx.store.get(mark.memoryId);
    if (!memory) continue;
    // Asked again now, not taken from the expiring sweep: the rules and the memory may have changed since (QA:
    // a tag taken off, a longer keep, a cleared rule all still purged, or never did).
    const before = expiryBefore(ctx, mark);
    const rule = governing(rules, memory, before, now);
    if (!rule) {
      if (ctx.store.policy.holdsOn(memory).length > 0) continue;
      report.released.push({ id: memory.id, type: memory.type, project: memory.project, rule: mark.ruleId });
      if (!dryRun) release(actx, memory.id, mark, before);
      continue;
    }
    if (mark.expiredAt + rule.graceMs > now) continue;
    const item = swept(memory, rule, now);
    if (dryRun) {
      const hold = ctx.store.policy.holdsOn(memory)[0];
      if (hold) report.held.push({ id: memory.id, hold: hold.id, step: "purge" });
      else report.purged.push(item);
      continue;
    }
    let receipt: SweepReport["purged"][number]["receipt"];
    let along: SweepReport["purged"][number]["with"];
    let gone = false;
    const held = refusedBy(() => {
      try {
        const r = forgetMemory(actx, memory.id, { hard: true, reason: `retention rule ${rule.id} (${describeSelector(rule.kind, rule.target)})` });
        if (r.receipt) receipt = { contentHash: r.receipt.contentHash, auditSeq: r.receipt.auditSeq, auditHash: r.receipt.auditHash };
        const taken = [...(r.quoting?.purged ?? []), ...(r.sources ?? [])];
        if (taken.length > 0 || (r.quoting?.rewritten.length ?? 0) > 0) along = { purged: taken, rewritten: r.quoting?.rewritten ?? [] };
      } catch (err) {
        // Another sweep running at once purged it first (QA: "No memory with id …" failed the second one).
        if (!(err instanceof CairnError && (err.code === "NOT_FOUND" || err.code === "ERASED"))) throw err;
        gone = true;
      }
      ctx.store.policy.deleteMark(memory.id);
    });
    if (held) report.held.push({ id: memory.id, hold: held, step: "purge" });
    else if (!gone) report.purged.push({ ...item, ...(receipt ? { receipt } : {}), ...(along ? { with: along } : {}) });
  }
  if (!dryRun) ctx.store.policy.setLastSweep(now);
}

/** Each memory past retention once, with the rule that governs it ({@link governing}); `report.more` when a batch was full. */
function pastRetention(
  ctx: EngineContext,
  rules: readonly RetentionRule[],
  now: number,
  batch: number,
  held: boolean,
  report: SweepReport,
): Array<{ memory: Memory; rule: RetentionRule }> {
  const found = new Map<string, { memory: Memory; rule: RetentionRule }>();
  for (const rule of rules) {
    const past = ctx.store.policy.pastRetention(rule, now, batch, held);
    if (!held && past.length >= batch) report.more = true;
    for (const memory of past) found.set(memory.id, { memory, rule: governing(rules, memory, memory.expiresAt, now) ?? rule });
  }
  return [...found.values()];
}

/**
 * Of the rules covering `memory`, those it is past retention under (older than the keep, or its own expiry
 * `expiresAt` passed), the one whose grace ends first (then the shortest keep); null when none.
 */
function governing(rules: readonly RetentionRule[], memory: Memory, expiresAt: number | null, now: number): RetentionRule | null {
  const past = rules.filter((r) => ruleCovers(r, memory) && (memory.createdAt <= now - r.keepMs || (expiresAt !== null && expiresAt <= now)));
  return past.sort((a, b) => a.graceMs - b.graceMs || a.keepMs - b.keepMs)[0] ?? null;
}

/** The memory's own expiry before the sweep that marked it expired it (its audit entry says), or null. */
function expiryBefore(ctx: EngineContext, mark: RetentionMark): number | null {
  const entry = ctx.store.auditLog({ memoryId: mark.memoryId, limit: 200 }).find((e) => e.op === "expire" && e.at === mark.expiredAt);
  const before = entry?.detail?.expires_at_before;
  return typeof before === "string" ? Date.parse(before) : null;
}

/** Gives a memory no rule holds past retention any more its expiry back, and drops its mark; audit-logged. */
function release(ctx: EngineContext, id: string, mark: RetentionMark, before: number | null): void {
  ctx.store.transaction(() => {
    const memory = ctx.store.get(id);
    if (!memory) return;
    const at = ctx.now();
    // Unless someone set another expiry since (an edit's --ttl), the one the sweep set goes.
    if (memory.expiresAt === mark.expiredAt && before !== memory.expiresAt) ctx.store.replace({ ...memory, expiresAt: before, updatedAt: at });
    ctx.store.policy.deleteMark(id);
    ctx.store.appendAudit({
      at,
      actor: ctx.actor,
      op: "update",
      memoryId: id,
      hashBefore: memory.contentHash,
      hashAfter: memory.contentHash,
      contentBefore: null,
      detail: {
        changed: ["expires_at"],
        before: { expires_at: memory.expiresAt === null ? null : new Date(memory.expiresAt).toISOString() },
        reason: `no retention rule holds it past retention any more (it was expired under ${mark.ruleId})`,
      },
    });
  });
}

/**
 * Expires one memory inside its own transaction, re-reading it, its holds and its mark there (another process
 * may act: a sweep running at once expired it first, QA); false when there was nothing to do.
 */
function expire(ctx: EngineContext, id: string, rule: RetentionRule): boolean {
  return ctx.store.transaction(() => {
    const memory = ctx.store.get(id);
    if (!memory || ctx.store.policy.hasMark(id)) return false;
    assertNotHeld(ctx, memory, "expired");
    const at = ctx.now();
    const expiresAt = memory.expiresAt !== null && memory.expiresAt <= at ? memory.expiresAt : at;
    if (expiresAt !== memory.expiresAt) ctx.store.replace({ ...memory, expiresAt, updatedAt: at });
    ctx.store.policy.addMark({ memoryId: id, ruleId: rule.id, expiredAt: at });
    ctx.store.appendAudit({
      at,
      actor: ctx.actor,
      op: "expire",
      memoryId: id,
      hashBefore: memory.contentHash,
      hashAfter: memory.contentHash,
      contentBefore: null,
      detail: {
        rule: rule.id,
        selector: describeSelector(rule.kind, rule.target),
        expires_at_before: memory.expiresAt === null ? null : new Date(memory.expiresAt).toISOString(),
        purge_after: new Date(at + rule.graceMs).toISOString(),
      },
    });
    return true;
  });
}

/** Runs `fn`; returns the id of the hold that refused it, or null when it went through. */
function refusedBy(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof CairnError && err.code === "HELD") return String(err.args[1]);
    throw err;
  }
}

function swept(m: Memory, rule: RetentionRule, now: number): SweptMemory {
  const byAge = m.createdAt <= now - rule.keepMs;
  return {
    id: m.id,
    type: m.type,
    project: m.project,
    rule: rule.id,
    why: byAge ? `older than ${formatSpan(rule.keepMs)} (${describeSelector(rule.kind, rule.target)})` : "its TTL passed",
  };
}

/** 90d, 12h, 30m: durations as rules are written. */
export function formatSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  // "min", never "m": a lifetime refuses "m" (minutes or months?), and "keep 1m" reads as a month.
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  return `${Math.round(ms / 1000)}s`;
}
