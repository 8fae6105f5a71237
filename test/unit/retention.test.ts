/** @module Retention rules and the sweep on the test clock: expire, purge after grace, dry runs, holds, audit, idle runs. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IdleSweeper } from "../../src/engine/idle-sweep.ts";
import { buildMemory } from "../../src/engine/remember.ts";
import { salvage } from "../../src/store/salvage.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { T0, testEngine } from "../helpers/engine.ts";
import { codeOf } from "../helpers/errors.ts";

const DAY = 86_400_000;

describe("retention rules", () => {
  test("set, change, show and clear, each audit-logged; bad rules are refused", () => {
    const { engine } = testEngine();
    const { rule, replaced } = engine.setRetention({ type: "error", keepMs: 90 * DAY });
    expect(replaced).toBeNull();
    expect(rule).toMatchObject({ kind: "type", target: "error", keepMs: 90 * DAY, graceMs: 30 * DAY, actor: "test" });
    const again = engine.setRetention({ type: "error", keepMs: 60 * DAY, graceMs: 0 });
    expect(again.rule).toMatchObject({ id: rule.id, keepMs: 60 * DAY, graceMs: 0 });
    expect(again.replaced?.keepMs).toBe(90 * DAY);
    const byTag = engine.setRetention({ tag: "Scratch", keepMs: 7 * DAY }).rule;
    const byProject = engine.setRetention({ project: "/work/app", keepMs: 365 * DAY }).rule;
    expect(byTag.target).toBe("scratch");
    expect(engine.retentionRules().map((r) => r.id)).toEqual([rule.id, byTag.id, byProject.id]);

    expect(codeOf(() => engine.setRetention({ keepMs: DAY }))).toBe("RULE_TARGET");
    expect(codeOf(() => engine.setRetention({ type: "error", tag: "x", keepMs: DAY }))).toBe("RULE_TARGET");
    expect(codeOf(() => engine.setRetention({ type: "nonsense", keepMs: DAY }))).toBe("BAD_TYPE");
    expect(codeOf(() => engine.setRetention({ type: "error", keepMs: 0 }))).toBe("RULE_KEEP");
    expect(codeOf(() => engine.clearRetention(["ret-00000000"]))).toBe("RULE_NOT_FOUND");

    expect(engine.clearRetention([byTag.id]).map((r) => r.id)).toEqual([byTag.id]);
    expect(engine.clearRetention("all").map((r) => r.id)).toEqual([rule.id, byProject.id]);
    expect(engine.retentionRules()).toEqual([]);
    const log = engine.auditLog({ memory: rule.id, limit: 10 });
    expect(log.map((e) => [e.op, e.detail.action])).toEqual([["retention", "clear"], ["retention", "set"], ["retention", "set"]]);
    expect(log[1]!.detail.before).toEqual({ keep_ms: 90 * DAY, grace_ms: 30 * DAY });
    expect(engine.verifyAudit().ok).toBe(true);
  });
});

describe("sweep", () => {
  test("expires what is past retention, then purges it once the grace has passed, with audit entries and receipts", async () => {
    const { engine, store, advance } = testEngine();
    const old = engine.remember({ content: "ENOSPC while writing the build cache", type: "error" }).memory;
    advance(50 * DAY);
    const young = engine.remember({ content: "EACCES on the deploy key", type: "error" }).memory;
    const note = engine.remember({ content: "build cache lives in /var/cache" }).memory;
    const rule = engine.setRetention({ type: "error", keepMs: 40 * DAY, graceMs: 10 * DAY }).rule;

    const first = engine.sweep();
    expect(first.expired.map((e) => e.id)).toEqual([old.id]);
    expect(first.expired[0]).toMatchObject({ rule: rule.id, purgeAfter: T0 + 60 * DAY });
    expect(first.purged).toEqual([]);
    expect(store.get(old.id)!.expiresAt).toBe(T0 + 50 * DAY);
    expect((await engine.recall({ query: "ENOSPC build cache" })).results.map((r) => r.memory.id)).not.toContain(old.id);
    expect(engine.history(old.id).entries.at(-1)).toMatchObject({ op: "expire", actor: "test", detail: { rule: rule.id } });

    advance(9 * DAY);
    const second = engine.sweep({ actor: "sweep" });
    expect(second.expired).toEqual([]);
    expect(second.purged).toEqual([]);
    expect(store.get(old.id)).not.toBeNull();

    advance(DAY);
    const third = engine.sweep({ actor: "sweep" });
    expect(third.purged.map((p) => p.id)).toEqual([old.id]);
    expect(store.get(old.id)).toBeNull();
    const purge = engine.auditLog({ memory: old.id, limit: 5 })[0]!;
    expect(purge).toMatchObject({ op: "purge", actor: "sweep", hashBefore: expect.stringMatching(/^hmac:[0-9a-f]{64}$/) });
    expect(third.purged[0]!.receipt).toEqual({ contentHash: purge.hashBefore!, auditSeq: purge.seq, auditHash: purge.entryHash! });
    expect(store.get(young.id)).not.toBeNull();
    expect(store.get(note.id)).not.toBeNull();
    expect(engine.verifyAudit().ok).toBe(true);
  });

  test("a memory whose TTL already passed is expired by a rule that covers it; grace 0 purges in the same run", () => {
    const { engine, store, advance } = testEngine();
    const task = engine.remember({ content: "rotate the staging certificates", type: "task", tags: ["ops"] }).memory;
    const kept = engine.remember({ content: "staging certificates live in vault", tags: ["ops"] }).memory;
    advance(31 * DAY);
    engine.setRetention({ tag: "ops", keepMs: 365 * DAY, graceMs: 0 });
    const report = engine.sweep();
    expect(report.expired.map((e) => [e.id, e.why])).toEqual([[task.id, "its TTL passed"]]);
    expect(report.purged.map((p) => p.id)).toEqual([task.id]);
    expect(store.get(task.id)).toBeNull();
    expect(store.get(kept.id)).not.toBeNull();
  });

  test("a reminder not yet due is kept past retention until it is due; then the rule takes it (QA: dropped before it was told)", () => {
    const { engine, advance } = testEngine();
    const pending = engine.remind({ content: "renew the TLS certificate", in: "60d" }).reminder;
    advance(40 * DAY);
    engine.setRetention({ project: "/work/app", keepMs: 30 * DAY, graceMs: 0 });
    expect(engine.sweep().expired.map((e) => e.id)).not.toContain(pending.id);
    advance(21 * DAY);
    expect(engine.sweep().expired.map((e) => e.id)).toContain(pending.id);
  });

  test("what a purge takes along (a consolidation built from the purged sources) is in the report (QA: purged unsaid)", () => {
    const { engine, store, advance, clock } = testEngine();
    const copies = ["Always run `pnpm db:migrate` before the integration tests.", "Always run `pnpm db:migrate` before running the integration tests."].map((content) => {
      const m = buildMemory({ project: "/work/app" }, { content, type: "lesson" }, clock.now);
      store.insert(m);
      store.appendAudit({ at: clock.now, actor: "import", op: "create", memoryId: m.id, hashBefore: null, hashAfter: m.contentHash, contentBefore: null, detail: {} });
      return m.id;
    });
    advance(40 * DAY);
    const folded = engine.consolidate({ reasons: ["near-copies"] }).groups[0]!.id!;
    engine.setRetention({ type: "lesson", keepMs: 30 * DAY, graceMs: 0 });
    const report = engine.sweep();
    expect(report.purged.map((p) => p.id).sort()).toEqual([...copies].sort());
    expect(report.purged.flatMap((p) => p.with?.purged ?? [])).toEqual([folded]);
    expect(store.get(folded)).toBeNull();
  });

  test("the shortest keep wins where several rules cover a memory", () => {
    const { engine, advance } = testEngine();
    const m = engine.remember({ content: "flaky test notes", tags: ["scratch"] }).memory;
    engine.setRetention({ project: "/work/app", keepMs: 365 * DAY });
    const short = engine.setRetention({ tag: "scratch", keepMs: 7 * DAY, graceMs: DAY }).rule;
    advance(8 * DAY);
    expect(engine.sweep().expired.map((e) => [e.id, e.rule])).toEqual([[m.id, short.id]]);
  });

  test("a dry run reports what a sweep would do and changes nothing", () => {
    const { engine, store, advance } = testEngine();
    const a = engine.remember({ content: "old error one", type: "error" }).memory;
    const b = engine.remember({ content: "old error two", type: "error" }).memory;
    engine.setRetention({ type: "error", keepMs: DAY, graceMs: DAY });
    advance(2 * DAY);
    engine.sweep({ dryRun: false, actor: "sweep" }); // expires both
    const c = engine.remember({ content: "newer error three", type: "error" }).memory;
    advance(2 * DAY);
    const head = engine.auditHead();
    const rows = [a, b, c].map((m) => store.get(m.id));
    const dry = engine.sweep({ dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.expired.map((e) => e.id)).toEqual([c.id]);
    expect(dry.purged.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
    expect(engine.auditHead()).toEqual(head);
    expect([a, b, c].map((m) => store.get(m.id))).toEqual(rows);
    expect(store.policy.lastSweep()).toBe(T0 + 2 * DAY);
    const real = engine.sweep();
    expect(real.expired.map((e) => e.id)).toEqual(dry.expired.map((e) => e.id));
    expect(real.purged.map((p) => p.id).sort()).toEqual(dry.purged.map((p) => p.id).sort());
  });

  test("held memories are neither expired nor purged, and are reported; after release the sweep goes on", () => {
    const { engine, store, advance } = testEngine();
    const a = engine.remember({ content: "incident timeline error", type: "error", tags: ["incident-7"] }).memory;
    const b = engine.remember({ content: "unrelated old error", type: "error" }).memory;
    engine.setRetention({ type: "error", keepMs: DAY, graceMs: DAY });
    advance(2 * DAY);
    engine.sweep(); // expires both
    const hold = engine.addHold({ tag: "incident-7", reason: "regulator request" });
    const late = engine.remember({ content: "late error in the incident", type: "error", tags: ["incident-7"] }).memory;
    advance(3 * DAY);
    const report = engine.sweep();
    expect(report.purged.map((p) => p.id)).toEqual([b.id]);
    expect(report.held).toEqual([
      { id: late.id, hold: hold.id, step: "expire" },
      { id: a.id, hold: hold.id, step: "purge" },
    ]);
    expect(store.get(a.id)!.content).toBe("incident timeline error");
    expect(store.get(late.id)!.expiresAt).toBe(T0 + 2 * DAY + 180 * DAY);
    expect(engine.history(late.id).entries.map((e) => e.op)).toEqual(["create"]);
    expect(engine.sweep({ dryRun: true }).held).toHaveLength(2);

    engine.releaseHold(hold.id, "request answered");
    const after = engine.sweep();
    expect(after.purged.map((p) => p.id)).toEqual([a.id]);
    expect(after.expired.map((e) => e.id)).toEqual([late.id]);
  });

  test("held memories never crowd a batch out: the others past retention are still expired", () => {
    const { engine, advance } = testEngine();
    const held = [1, 2, 3].map((i) => engine.remember({ content: `evidence error ${i}`, type: "error", tags: ["case"] }).memory);
    const free = engine.remember({ content: "ordinary error", type: "error" }).memory;
    engine.addHold({ tag: "case", reason: "case 8" });
    engine.setRetention({ type: "error", keepMs: DAY });
    advance(2 * DAY);
    const report = engine.sweep({ batch: 2 });
    expect(report.expired.map((e) => e.id)).toEqual([free.id]);
    expect(report.held.map((h) => h.id)).toEqual(held.slice(0, 2).map((m) => m.id));
  });

  test("clearing a rule stops its pending purges and brings back what it expired, its expiry as before", () => {
    const { engine, store, advance } = testEngine();
    const m = engine.remember({ content: "short-lived note", tags: ["tmp"] }).memory;
    const before = m.expiresAt;
    const rule = engine.setRetention({ tag: "tmp", keepMs: DAY, graceMs: DAY }).rule;
    advance(2 * DAY);
    engine.sweep();
    expect(store.get(m.id)!.expiresAt).toBe(T0 + 2 * DAY);
    engine.clearRetention([rule.id]);
    advance(5 * DAY);
    const dry = engine.sweep({ dryRun: true });
    expect(dry.released.map((r) => [r.id, r.rule])).toEqual([[m.id, rule.id]]);
    expect(store.get(m.id)!.expiresAt).toBe(T0 + 2 * DAY);
    const report = engine.sweep();
    expect(report.purged).toEqual([]);
    expect(report.released.map((r) => r.id)).toEqual([m.id]);
    expect(store.get(m.id)!.expiresAt).toBe(before);
    expect(store.policy.marks()).toEqual([]);
    expect(engine.history(m.id).entries.at(-1)).toMatchObject({ op: "update", detail: { changed: ["expires_at"] } });
    expect(engine.sweep().released).toEqual([]);
    expect(engine.verifyAudit().ok).toBe(true);
  });

  test("each sweep asks again whether a rule holds an expired memory past retention (QA: decided once, never again)", () => {
    const { engine, store, advance } = testEngine();
    const past = (content: string, tags: string[]) => engine.remember({ content, tags }).memory;
    const retagged = past("record to keep, re-tagged", ["pii"]);
    const lengthened = past("record under a lengthened rule", ["audit"]);
    const handedOver = past("record whose strict rule was cleared", ["pii2", "scratch"]);
    engine.setRetention({ tag: "pii", keepMs: 30 * DAY, graceMs: DAY });
    engine.setRetention({ tag: "audit", keepMs: 30 * DAY, graceMs: DAY });
    engine.setRetention({ tag: "pii2", keepMs: 10 * DAY, graceMs: 365 * DAY });
    const other = engine.setRetention({ tag: "scratch", keepMs: 30 * DAY, graceMs: 0 }).rule;
    advance(60 * DAY);
    const first = engine.sweep();
    expect(first.expired.map((e) => e.id).sort()).toEqual([retagged.id, lengthened.id, handedOver.id].sort());
    // Of the rules it is past retention under, the shortest grace: purged in the same run under `other`.
    expect(first.purged.map((p) => [p.id, p.rule])).toEqual([[handedOver.id, other.id]]);
    engine.update(retagged.id, { tags: ["keepme"] });
    engine.setRetention({ tag: "audit", keepMs: 365 * DAY, graceMs: DAY });
    advance(2 * DAY);
    const second = engine.sweep();
    expect(second.purged).toEqual([]);
    expect(second.released.map((r) => r.id).sort()).toEqual([retagged.id, lengthened.id].sort());
    for (const m of [retagged, lengthened]) expect(store.get(m.id)!.expiresAt).toBe(m.expiresAt);
  });

  test("a cleared rule's expired memory that another rule holds past retention is purged under that one (QA: kept forever)", () => {
    const { engine, store, advance } = testEngine();
    const m = engine.remember({ content: "a personal record", tags: ["pii"], type: "note" }).memory;
    engine.setRetention({ tag: "pii", keepMs: 30 * DAY, graceMs: 0 });
    const loose = engine.setRetention({ type: "note", keepMs: 10 * DAY, graceMs: 365 * DAY }).rule;
    advance(20 * DAY);
    expect(engine.sweep().expired.map((e) => [e.id, e.rule])).toEqual([[m.id, loose.id]]);
    engine.clearRetention([loose.id]);
    advance(15 * DAY); // 35 days old: past the pii rule's keep
    const report = engine.sweep();
    expect(report.purged.map((p) => p.id)).toEqual([m.id]);
    expect(store.get(m.id)).toBeNull();
  });

  test("a sweep that cannot take everything past retention says so", () => {
    const { engine, advance } = testEngine();
    for (let i = 0; i < 5; i++) engine.remember({ content: `old error ${i}`, type: "error" });
    engine.setRetention({ type: "error", keepMs: DAY, graceMs: DAY });
    advance(2 * DAY);
    expect(engine.sweep({ batch: 3 }).more).toBe(true);
    expect(engine.sweep({ batch: 3 }).more).toBe(false);
  });

  test("a memory purged by forget --hard after the sweep expired it leaves no mark behind", () => {
    const { engine, store, advance } = testEngine();
    const m = engine.remember({ content: "old error", type: "error" }).memory;
    engine.setRetention({ type: "error", keepMs: DAY, graceMs: DAY });
    advance(2 * DAY);
    engine.sweep();
    engine.forget(m.id, { hard: true });
    advance(2 * DAY);
    expect(engine.sweep().purged).toEqual([]);
    expect(store.policy.marks()).toEqual([]);
  });
});

describe("idle sweeps", () => {
  test("run only when idle, never during a request, at most once per interval across processes", () => {
    let now = T0;
    let runs = 0;
    let last: number | null = null;
    const sweeper = new IdleSweeper({ sweep: () => ((runs += 1), (last = now)), lastSweep: () => last, now: () => now, idleMs: 60_000, everyMs: 3_600_000 });
    expect(sweeper.tick()).toBe(false); // just started: not idle yet
    now += 61_000;
    sweeper.begin();
    expect(sweeper.tick()).toBe(false); // a request is in flight
    sweeper.end();
    expect(sweeper.tick()).toBe(false); // it just ended
    now += 61_000;
    expect(sweeper.tick()).toBe(true);
    now += 30 * 60_000;
    expect(sweeper.tick()).toBe(false); // within the hour
    now += 31 * 60_000;
    last = now - 1000; // another process swept a second ago
    expect(sweeper.tick()).toBe(false);
    now += 3_600_000;
    expect(sweeper.tick()).toBe(true);
    expect(runs).toBe(2);
  });

  test("a failing sweep is reported and not retried until the next interval", () => {
    let now = T0 + 10 * 60_000;
    const errors: string[] = [];
    const sweeper = new IdleSweeper({
      sweep: () => {
        throw new Error("disk full");
      },
      lastSweep: () => null,
      now: () => now,
      idleMs: 0,
      onError: (m) => errors.push(m),
    });
    expect(sweeper.tick()).toBe(false);
    now += 60_000;
    expect(sweeper.tick()).toBe(false);
    expect(errors).toEqual(["retention sweep failed: disk full"]);
  });

  test("an engine sweep driven idle records the actor `sweep` and the time in the database", () => {
    const { engine, store, advance, clock } = testEngine();
    const m = engine.remember({ content: "old error", type: "error" }).memory;
    engine.setRetention({ type: "error", keepMs: DAY });
    advance(2 * DAY);
    const sweeper = new IdleSweeper({ sweep: () => engine.sweep({ actor: "sweep" }), lastSweep: () => store.policy.lastSweep(), now: () => clock.now, idleMs: 0 });
    expect(sweeper.tick()).toBe(true);
    expect(store.policy.lastSweep()).toBe(clock.now);
    expect(engine.history(m.id).entries.at(-1)).toMatchObject({ op: "expire", actor: "sweep" });
  });
});

describe("repair keeps policy", () => {
  test("the salvage of `doctor --repair` copies rules, holds (released too) and marks into the new store", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-salvage-"));
    try {
      // Salvaged into a plain store: the old one is plain too (an encrypted one is salvaged under its key).
      const { engine, advance } = testEngine({ path: join(dir, "old.db"), encrypted: false });
      const m = engine.remember({ content: "old error", type: "error", tags: ["legal"] }).memory;
      const rule = engine.setRetention({ type: "error", keepMs: DAY });
      advance(2 * DAY);
      engine.sweep();
      const held = engine.addHold({ tag: "legal", reason: "case 5" });
      const released = engine.addHold({ project: "/work/app", reason: "old case" });
      engine.releaseHold(released.id, "closed");
      engine.close();

      const fresh = new SqliteStore(join(dir, "new.db"));
      salvage(join(dir, "old.db"), fresh);
      expect(fresh.policy.rules().map((r) => r.id)).toEqual([rule.rule.id]);
      expect(fresh.policy.holds(false).map((h) => h.id)).toEqual([held.id]);
      expect(fresh.policy.holds(true).map((h) => [h.id, h.releaseReason])).toEqual([[held.id, null], [released.id, "closed"]]);
      expect(fresh.policy.marks().map((k) => k.memoryId)).toEqual([m.id]);
      expect(fresh.policy.holdsOn(fresh.get(m.id)!).map((h) => h.id)).toEqual([held.id]);
      fresh.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
