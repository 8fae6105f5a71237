/** @module Legal holds in the engine: CRUD with audit entries, and every path that would change a held memory refuses. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testEngine } from "../helpers/engine.ts";
import { cairnErrorOf } from "../helpers/errors.ts";

const DAY = 86_400_000;

describe("holds: add, list, release", () => {
  test("a hold or a retention rule on a project no memory is in (a typo) is refused, naming the known ones", () => {
    const { engine } = testEngine();
    engine.remember({ content: "Vendor contract renewal terms" });
    const err = cairnErrorOf(() => engine.addHold({ project: "prj", reason: "litigation" }));
    expect(err.code).toBe("PROJECT_UNKNOWN");
    expect(err.message).toContain("/work/app");
    expect(cairnErrorOf(() => engine.setRetention({ project: "prj", keepMs: 5 * DAY })).code).toBe("PROJECT_UNKNOWN");
    expect(engine.holds()).toEqual([]);
    expect(engine.retentionRules()).toEqual([]);
    expect(engine.addHold({ project: "app", reason: "litigation" }).target).toBe("/work/app");
  });

  test("a hold by project, tag or id is stored, listed, released once, and each step is an audit entry", () => {
    const { engine, advance } = testEngine();
    const m = engine.remember({ content: "Vendor contract renewal terms", tags: ["Legal"] }).memory;
    const byTag = engine.addHold({ tag: "Legal", reason: "case 42" });
    const byId = engine.addHold({ id: m.id.slice(0, 12), reason: "subpoena" });
    const byProject = engine.addHold({ project: "/work/app", reason: "audit 2026" });
    expect(byTag).toMatchObject({ kind: "tag", target: "legal", reason: "case 42", actor: "test", releasedAt: null });
    expect(byId.target).toBe(m.id);
    expect(byProject.target).toBe("/work/app");
    expect(engine.holds().map((h) => h.id)).toEqual([byTag.id, byId.id, byProject.id]);

    advance(DAY);
    const released = engine.releaseHold(byTag.id, "case closed");
    expect(released).toMatchObject({ releasedBy: "test", releaseReason: "case closed" });
    expect(engine.holds().map((h) => h.id)).toEqual([byId.id, byProject.id]);
    expect(engine.holds({ includeReleased: true })).toHaveLength(3);
    expect(cairnErrorOf(() => engine.releaseHold(byTag.id, "again")).code).toBe("HOLD_RELEASED");
    expect(cairnErrorOf(() => engine.releaseHold("hold-00000000", "x")).code).toBe("HOLD_NOT_FOUND");

    const log = engine.auditLog({ memory: byTag.id, limit: 10 });
    expect(log.map((e) => e.op)).toEqual(["release", "hold"]);
    expect(log[0]!.detail).toMatchObject({ kind: "tag", target: "legal", reason: "case closed" });
    expect(log[1]!.detail).toMatchObject({ reason: "case 42" });
    expect(engine.verifyAudit().ok).toBe(true);
  });

  test("a hold needs exactly one target and a reason", () => {
    const { engine } = testEngine();
    expect(cairnErrorOf(() => engine.addHold({ reason: "x" })).code).toBe("HOLD_TARGET");
    expect(cairnErrorOf(() => engine.addHold({ tag: "a", project: "/work/app", reason: "x" })).code).toBe("HOLD_TARGET");
    // The global scope is no project: said so, with what to give instead (QA: "No project \"global\" holds memories").
    for (const refused of [() => engine.addHold({ project: "global", reason: "x" }), () => engine.setRetention({ project: "Global", keepMs: 86_400_000 })]) {
      const err = cairnErrorOf(refused);
      expect(err.code).toBe("GLOBAL_NOT_PROJECT");
      expect(err.message).toContain("the global scope is not one");
    }
    expect(cairnErrorOf(() => engine.addHold({ tag: "a", reason: "  " })).code).toBe("REASON_REQUIRED");
    expect(cairnErrorOf(() => engine.addHold({ id: "ffffffff", reason: "x" })).code).toBe("NOT_FOUND");
    expect(engine.holds()).toEqual([]);
  });

  test("a secret in a reason is not stored", () => {
    const { engine } = testEngine();
    const h = engine.addHold({ tag: "x", reason: "token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB leaked" });
    expect(engine.holds()[0]!.reason).not.toContain("ghp_0123456789");
    expect(h.reason).toContain("REDACTED");
    // Nor a terminal's escape sequences, which `hold list` would print raw (QA).
    const e = engine.addHold({ tag: "y", reason: "case \u001b[31m12\u001b[0m\u0007 opened\n  by \u202elegal" });
    expect(e.reason).toBe("case [31m12[0m opened by legal");
  });
});

describe("holds: held memories cannot change", () => {
  test("edit, forget, forget --hard, supersede and closing a reminder are refused naming the hold; nothing changes", () => {
    const { engine, store } = testEngine();
    const m = engine.remember({ content: "Payment ledger reconciliation notes", tags: ["finance"] }).memory;
    const newer = engine.remember({ content: "Ledger reconciliation moved to nightly" }).memory;
    const r = engine.remind({ content: "file the quarterly report", in: "1d", tags: ["finance"] });
    const hold = engine.addHold({ tag: "finance", reason: "SEC inquiry" });
    const auditBefore = engine.auditHead().count;

    const err = cairnErrorOf(() => engine.update(m.id, { content: "changed" }));
    expect(err.code).toBe("HELD");
    expect(err.message).toContain(hold.id);
    expect(err.message).toContain("SEC inquiry");
    expect(err.message).toContain("edited");
    expect(err.forMcp().message).not.toContain("--");
    expect(cairnErrorOf(() => engine.forget(m.id)).code).toBe("HELD");
    expect(cairnErrorOf(() => engine.forget(m.id, { hard: true })).message).toContain("erased");
    expect(cairnErrorOf(() => engine.relate(newer.id, m.id, "supersedes")).code).toBe("HELD");
    expect(cairnErrorOf(() => engine.closeReminder(r.id, "done")).code).toBe("HELD");

    expect(store.get(m.id)).toMatchObject({ content: "Payment ledger reconciliation notes", status: "active" });
    expect(engine.links(m.id)).toEqual([]);
    expect(engine.auditHead().count).toBe(auditBefore);

    engine.releaseHold(hold.id, "inquiry closed");
    expect(engine.update(m.id, { content: "Payment ledger notes, revised" }).content).toBe("Payment ledger notes, revised");
    expect(engine.forget(m.id, { hard: true }).status).toBe("purged");
  });

  test("a held memory is not restored, nor made current when the memory that superseded it is forgotten (QA)", () => {
    const { engine, store } = testEngine();
    const old = engine.remember({ content: "Contract renewal goes through legal review first", type: "decision" }).memory;
    const neu = engine.remember({ content: "Contract renewals skip legal review under 10k", type: "decision" }).memory;
    engine.relate(neu.id, old.id, "supersedes");
    const archived = engine.remember({ content: "Vendor call notes from the dispute", tags: ["dispute"] }).memory;
    engine.forget(archived.id);
    engine.addHold({ id: old.id, reason: "dispute 4" });
    engine.addHold({ tag: "dispute", reason: "dispute 4" });
    const before = store.get(old.id);
    engine.forget(neu.id);
    expect(store.get(old.id)).toEqual(before);
    const err = cairnErrorOf(() => engine.restore(archived.id));
    expect([err.code, err.message]).toEqual(["HELD", expect.stringContaining("cannot be restored")]);
    expect(store.get(archived.id)!.status).toBe("archived");
  });

  test("remembering a held memory again answers duplicate without merging tags, lifetime or priority into it", () => {
    const { engine, store } = testEngine();
    const m = engine.remember({ content: "Quarterly revenue figure is final", tags: ["finance"], priority: 2 }).memory;
    engine.addHold({ id: m.id, reason: "earnings restatement" });
    const again = engine.remember({ content: "Quarterly revenue figure is final", tags: ["extra"], priority: 5 });
    expect(again).toMatchObject({ id: m.id, status: "duplicate", held: true });
    expect(store.get(m.id)).toEqual(m);
    expect(engine.history(m.id).entries.map((e) => e.op)).toEqual(["create"]);
  });

  test("a project hold covers the project's memories only; an id hold one memory", () => {
    const { engine } = testEngine();
    const here = engine.remember({ content: "Service A runbook" }).memory;
    const other = engine.remember({ content: "Service B runbook", project: "/work/other" }).memory;
    engine.addHold({ project: "/work/app", reason: "litigation" });
    expect(cairnErrorOf(() => engine.forget(here.id)).code).toBe("HELD");
    expect(engine.forget(other.id).status).toBe("archived");
    const third = engine.remember({ content: "Service C runbook", project: "/work/third" }).memory;
    const fourth = engine.remember({ content: "Service D runbook", project: "/work/third" }).memory;
    engine.addHold({ id: third.id, reason: "exhibit 3" });
    expect(cairnErrorOf(() => engine.update(third.id, { priority: 5 })).code).toBe("HELD");
    expect(engine.update(fourth.id, { priority: 5 }).priority).toBe(5);
  });

  test("a held memory stays in recall and list after its TTL passed; released, it fades as before", async () => {
    const { engine, advance } = testEngine();
    const m = engine.remember({ content: "Kafka consumer lag incident error", type: "error", ttlMs: DAY }).memory;
    engine.addHold({ id: m.id, reason: "postmortem evidence" });
    advance(2 * DAY);
    expect((await engine.recall({ query: "kafka consumer lag" })).results.map((r) => r.memory.id)).toEqual([m.id]);
    expect(engine.list().memories.map((x) => x.id)).toEqual([m.id]);
    engine.releaseHold(engine.holds()[0]!.id, "done");
    expect((await engine.recall({ query: "kafka consumer lag" })).results).toEqual([]);
  });
});

describe("holds and rules against the audit log", () => {
  /** A store with a held memory and a rule for facts, and what `audit verify` and a purge say. */
  function tampered(change: (run: (sql: string, ...args: Array<string | number>) => void, ids: { hold: string; rule: string; held: string }) => void) {
    const { engine, store, advance } = testEngine();
    const held = engine.remember({ content: "Vendor contract renewal terms", type: "fact", tags: ["legal"] }).memory.id;
    const other = engine.remember({ content: "The staging API listens on port 8080", type: "fact" }).memory.id;
    const hold = engine.addHold({ tag: "legal", reason: "case 42" }).id;
    const rule = engine.setRetention({ type: "fact", keepMs: 30 * DAY }).rule.id;
    expect(engine.verifyAudit().ok).toBe(true);
    change((sql, ...args) => store.database.run(sql, args), { hold, rule, held });
    advance(400 * DAY);
    return { engine, store, held, other, verify: engine.verifyAudit() };
  }

  test("a hold deleted or released by hand is named by audit verify, and no purge or sweep runs while it differs", () => {
    for (const lift of ["DELETE FROM holds WHERE id = ?", "UPDATE holds SET released_at = 1 WHERE id = ?"]) {
      const { engine, store, held, other, verify } = tampered((run, ids) => run(lift, ids.hold));
      expect(verify.ok).toBe(false);
      if (!verify.ok) expect(verify.problem).toMatch(/^hold hold-\w+ \(tag legal\) is (in the audit log but gone from the holds table|released in the holds table but in force by the audit log)/);
      expect(cairnErrorOf(() => engine.forget(held, { hard: true })).code).toBe("POLICY_TAMPERED");
      expect(cairnErrorOf(() => engine.forget(other, { hard: true })).code).toBe("POLICY_TAMPERED");
      expect(cairnErrorOf(() => engine.sweep()).code).toBe("POLICY_TAMPERED");
      expect(engine.get(held, { track: false }).status).toBe("active");
      expect(engine.get(other, { track: false }).status).toBe("active");
      // doctor --repair writes the hold back as the log placed it: in force again, the log and tables in step.
      expect(store.policy.restoreFromAudit()).toBeGreaterThan(0);
      expect(engine.verifyAudit().ok).toBe(true);
      expect(engine.holds().map((h) => [h.kind, h.target, h.reason])).toEqual([["tag", "legal", "case 42"]]);
      expect(cairnErrorOf(() => engine.forget(held, { hard: true })).code).toBe("HELD");
      expect(engine.forget(other, { hard: true }).status).toBe("purged");
      expect(store.policy.restoreFromAudit()).toBe(0);
    }
  });

  test("a rule inserted or changed by hand is named, and the sweep refuses to apply it", () => {
    const forged = tampered((run) => run("INSERT INTO retention_rules VALUES ('ret-forged01', 'type', 'lesson', 1, 0, 0, 'x')"));
    expect(forged.verify.ok).toBe(false);
    if (!forged.verify.ok) expect(forged.verify.problem).toContain("retention rule ret-forged01 (type lesson) is in the rules table but the audit log never set it");
    expect(cairnErrorOf(() => forged.engine.sweep()).code).toBe("POLICY_TAMPERED");
    const shortened = tampered((run, ids) => run("UPDATE retention_rules SET keep_ms = 1 WHERE id = ?", ids.rule));
    if (!shortened.verify.ok) expect(shortened.verify.problem).toMatch(/does not keep what the audit log set \(type fact, keep 2592000000 ms/);
    expect(shortened.verify.ok).toBe(false);
    const forgedHold = tampered((run) => run("INSERT INTO holds (id, kind, target, reason, created_at, actor) VALUES ('hold-forged01', 'id', 'x', 'r', 0, 'x')"));
    expect(forgedHold.verify.ok).toBe(false);
    // Written back from the log: the forged rows are gone, the changed rule keeps what was set again.
    for (const { engine, store } of [forged, shortened, forgedHold]) {
      store.policy.restoreFromAudit();
      expect(engine.verifyAudit().ok).toBe(true);
      expect(engine.retentionRules().map((r) => [r.kind, r.target, r.keepMs])).toEqual([["type", "fact", 30 * DAY]]);
      expect(engine.holds().map((h) => h.target)).toEqual(["legal"]);
    }
  });

  test("a hold or rule changed in its table and its audit entry's details alike is named: the chain holds their digest (QA)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-policy-digest-"));
    try {
      const attacks: Array<[string, string[], RegExp]> = [
        ["hold", [`UPDATE audit SET detail = '{"kind":"tag","target":"nothing-here","reason":"case 42"}' WHERE op = 'hold'`, "UPDATE holds SET target = 'nothing-here'"], /^audit entry \d+ of hold-\w+ no longer holds the details the chain recorded/],
        ["rule", [`UPDATE audit SET detail = '{"action":"set","kind":"type","target":"note","keep_ms":1000,"grace_ms":0}' WHERE op = 'retention'`, "UPDATE retention_rules SET target = 'note', keep_ms = 1000, grace_ms = 0"], /^audit entry \d+ of ret-\w+ no longer holds/],
      ];
      for (const [name, sql, problem] of attacks) {
        if (process.env.CAIRN_TEST_CODEC === "aead") continue; // sealed details fail their own integrity check first (sealedAuditProblem)
        const { engine, store, advance } = testEngine({ path: join(dir, `${name}.db`) });
        const held = engine.remember({ content: "Vendor contract renewal terms", type: "note", tags: ["legal"] }).memory.id;
        engine.addHold({ tag: "legal", reason: "case 42" });
        engine.setRetention({ type: "fact", keepMs: 30 * DAY });
        expect(engine.verifyAudit().ok).toBe(true);
        store.database.run("DROP TRIGGER audit_only_purge");
        for (const statement of sql) store.database.run(statement);
        advance(400 * DAY);
        const verify = engine.verifyAudit();
        expect(verify.ok).toBe(false);
        if (!verify.ok) expect(verify.problem).toMatch(problem);
        // Nothing is purged on the forged policy, and repair does not restore from an edited log.
        expect(cairnErrorOf(() => engine.sweep()).code).toBe("POLICY_TAMPERED");
        expect(cairnErrorOf(() => engine.forget(held, { hard: true })).code).toBe("POLICY_TAMPERED");
        expect(store.policy.restoreFromAudit()).toBe(0);
        expect(engine.get(held, { track: false }).status).toBe("active");
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("holds and rules placed, released, changed and cleared through cairn keep the log and the tables in step", () => {
    const { engine, advance } = testEngine();
    const m = engine.remember({ content: "Vendor contract renewal terms", type: "fact", tags: ["legal"] }).memory;
    const a = engine.addHold({ tag: "legal", reason: "case 42" });
    engine.addHold({ id: m.id, reason: "subpoena" });
    engine.releaseHold(a.id, "case closed");
    const rule = engine.setRetention({ type: "fact", keepMs: 30 * DAY }).rule;
    engine.setRetention({ type: "fact", keepMs: 60 * DAY });
    engine.setRetention({ type: "task", keepMs: 10 * DAY });
    engine.clearRetention([rule.id]);
    expect(engine.verifyAudit().ok).toBe(true);
    advance(100 * DAY);
    expect(engine.sweep().held).toEqual([]);
    expect(engine.verifyAudit().ok).toBe(true);
  });
});
