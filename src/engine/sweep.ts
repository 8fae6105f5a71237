/**
 * @module The retention sweep. A memory a rule covers is past retention once it is `keepMs` old (by creation
 * time) or its own TTL passed; the sweep then expires it (expires_at set to the sweep's time, so recall stops
 * returning it, and a mark that starts its grace) and, once the rule's grace has passed since, purges it
 * through the same path as `forget --hard` (text gone from every table, a receipt, a `purge` audit entry).
 * Memories under a legal hold are skipped and reported. Where several rules cover a memory, the shortest
 * keep wins. A dry run plans the same work and writes nothing.
 */
import type { Memory } from "../domain/memory.ts";
import { describeSelector, type RetentionRule, ruleCovers } from "../domain/retention.ts";
import { CairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { assertNotHeld, assertPolicyIntact } from "./holds.ts";
import { forgetMemory } from "./modify.ts";

/** Expirations per rule in one sweep: an idle sweep stays short; the next one goes on. */
const BATCH = 1000;

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
  purged: Array<SweptMemory & { receipt?: { contentHash: string; auditSeq: number; auditHash: string } }>;
  /** Past retention but under a legal hold: left as they are. */
  held: Array<{ id: string; hold: string; step: "expire" | "purge" }>;
}

export function sweep(ctx: EngineContext, input: SweepInput = {}): SweepReport {
  const now = ctx.now();
  const dryRun = input.dryRun === true;
  const actx: EngineContext = { ...ctx, actor: input.actor ?? ctx.actor, now: () => now };
  const report: SweepReport = { at: now, dryRun, expired: [], purged: [], held: [] };
  // A rule set or a hold lifted outside cairn would purge what the audit log protects (holds.ts).
  assertPolicyIntact(ctx);
  const rules = ctx.store.policy.rules();
  const byId = new Map(rules.map((r) => [r.id, r]));

  const batch = input.batch ?? BATCH;
  for (const { memory } of pastRetention(ctx, rules, now, batch, true)) {
    const hold = ctx.store.policy.holdsOn(memory)[0];
    if (hold) report.held.push({ id: memory.id, hold: hold.id, step: "expire" });
  }
  for (const { memory, rule } of pastRetention(ctx, rules, now, batch, false)) {
    const item = swept(memory, rule, now);
    if (dryRun) {
      const hold = ctx.store.policy.holdsOn(memory)[0];
      if (hold) report.held.push({ id: memory.id, hold: hold.id, step: "expire" });
      else report.expired.push({ ...item, purgeAfter: now + rule.graceMs });
      // With no grace, a real sweep purges it in the same run.
      if (!hold && rule.graceMs === 0) report.purged.push(item);
      continue;
    }
    const held = refusedBy(() => expire(actx, memory.id, rule));
    if (held) report.held.push({ id: memory.id, hold: held, step: "expire" });
    else report.expired.push({ ...item, purgeAfter: now + rule.graceMs });
  }

  if (!dryRun) ctx.store.policy.pruneMarks();
  for (const mark of ctx.store.policy.marks()) {
    const rule = byId.get(mark.ruleId);
    // A cleared rule purges nothing more; its expired memories stay as they are.
    if (!rule || mark.expiredAt + rule.graceMs > now) continue;
    const memory = ctx.store.get(mark.memoryId);
    if (!memory) continue;
    const item = swept(memory, rule, now);
    if (dryRun) {
      const hold = ctx.store.policy.holdsOn(memory)[0];
      if (hold) report.held.push({ id: memory.id, hold: hold.id, step: "purge" });
      else report.purged.push(item);
      continue;
    }
    let receipt: SweepReport["purged"][number]["receipt"];
    const held = refusedBy(() => {
      const r = forgetMemory(actx, memory.id, { hard: true, reason: `retention rule ${rule.id} (${describeSelector(rule.kind, rule.target)})` });
      ctx.store.policy.deleteMark(memory.id);
      if (r.receipt) receipt = { contentHash: r.receipt.contentHash, auditSeq: r.receipt.auditSeq, auditHash: r.receipt.auditHash };
    });
    if (held) report.held.push({ id: memory.id, hold: held, step: "purge" });
    else report.purged.push({ ...item, ...(receipt ? { receipt } : {}) });
  }
  if (!dryRun) ctx.store.policy.setLastSweep(now);
  return report;
}

/** Each memory past retention once, with the rule that governs it (shortest keep, then shortest grace). */
function pastRetention(
  ctx: EngineContext,
  rules: readonly RetentionRule[],
  now: number,
  batch: number,
  held: boolean,
): Array<{ memory: Memory; rule: RetentionRule }> {
  const found = new Map<string, { memory: Memory; rule: RetentionRule }>();
  for (const rule of rules) {
    for (const memory of ctx.store.policy.pastRetention(rule, now, batch, held)) {
      const best = rules.filter((r) => ruleCovers(r, memory)).sort((a, b) => a.keepMs - b.keepMs || a.graceMs - b.graceMs)[0] ?? rule;
      found.set(memory.id, { memory, rule: best });
    }
  }
  return [...found.values()];
}

/** Expires one memory inside its own transaction, re-reading it and its holds there (another process may act). */
function expire(ctx: EngineContext, id: string, rule: RetentionRule): void {
  ctx.store.transaction(() => {
    const memory = ctx.store.get(id);
    if (!memory) return;
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
