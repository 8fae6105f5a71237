/** @module A `supersedes` link and the successor's life: only a current memory supersedes; forgetting or purging it makes what it replaced current again; restoring it retires that again. */
import { describe, expect, test } from "bun:test";
import { testEngine } from "../helpers/engine.ts";
import { codeOf } from "../helpers/errors.ts";

function pair() {
  const t = testEngine();
  const old = t.engine.remember({ content: "Alpha: the cache is redis on the shared cluster", type: "fact" }).id;
  t.advance(60_000);
  const next = t.engine.remember({ content: "Beta: postgres tuning uses pgtune defaults for the reporting replica", type: "fact" }).id;
  t.engine.relate(next, old, "supersedes");
  const status = (id: string) => t.engine.get(id, { track: false }).status;
  return { ...t, old, next, status };
}

describe("supersedes and the successor's life", () => {
  test("an archived or superseded memory cannot supersede: no cycle hides both", () => {
    const { engine, old, next, status } = pair();
    expect(codeOf(() => engine.relate(old, next, "supersedes"))).toBe("SUPERSEDER_NOT_ACTIVE");
    expect([status(old), status(next)]).toEqual(["superseded", "active"]);
    const other = engine.remember({ content: "Gamma: logs ship to loki through promtail", type: "fact" }).id;
    engine.forget(next);
    expect(codeOf(() => engine.relate(next, other, "supersedes"))).toBe("SUPERSEDER_NOT_ACTIVE");
    expect(status(other)).toBe("active");
    expect(engine.links(other)).toEqual([]);
  });

  test("a reminder is not superseded: it would leave every list and briefing unsaid (QA)", () => {
    const { engine, next } = pair();
    const reminder = engine.remind({ content: "renew the TLS certificate", in: "3d" }).reminder.id;
    expect(codeOf(() => engine.relate(next, reminder, "supersedes"))).toBe("REMINDER_NOT_SUPERSEDED");
    expect(engine.get(reminder, { track: false }).status).toBe("active");
    expect(engine.links(reminder)).toEqual([]);
  });

  test("forgetting the successor makes what it replaced current; restoring it retires that again", () => {
    const { engine, old, next, status } = pair();
    expect(engine.forget(next).current).toEqual([old]);
    expect(engine.get(old, { track: false }).supersededBy).toBeNull();
    expect(status(old)).toBe("active");
    expect(engine.forget(next)).toMatchObject({ already: true });
    expect(engine.restore(next)).toMatchObject({ already: false, superseded: [old] });
    expect(engine.get(old, { track: false })).toMatchObject({ status: "superseded", supersededBy: next });
    expect(engine.restore(next)).toMatchObject({ already: true, superseded: [] });
    expect(engine.verifyAudit().ok).toBe(true);
  });

  test("a memory forgotten while superseded comes back superseded while its successor stands; restored again, it is current", () => {
    const { engine, old, next, status } = pair();
    const third = engine.remember({ content: "Delta: the reporting replica moved to its own host", type: "fact" }).id;
    engine.relate(third, next, "supersedes");
    engine.forget(next);
    expect(engine.restore(next)).toMatchObject({ already: false, superseded: [] });
    expect(engine.get(next, { track: false })).toMatchObject({ status: "superseded", supersededBy: third });
    expect(status(old)).toBe("superseded");
    expect(engine.restore(next).memory).toMatchObject({ status: "active", supersededBy: null });
    // Forgotten while superseded, and what replaced it forgotten since: nothing stands in its place.
    const { engine: e2, old: o2, next: n2 } = pair();
    e2.forget(o2);
    e2.forget(n2);
    expect(e2.restore(o2).memory.status).toBe("active");
    expect(engine.verifyAudit().ok).toBe(true);
  });

  test("purging the successor makes what it replaced current, or hands it on to the successor's own successor", () => {
    const a = pair();
    expect(a.engine.forget(a.next, { hard: true }).current).toEqual([a.old]);
    expect(a.status(a.old)).toBe("active");

    const b = pair();
    b.advance(60_000);
    const third = b.engine.remember({ content: "Delta: the reporting replica moved to a managed instance", type: "fact" }).id;
    b.engine.relate(third, b.next, "supersedes");
    expect(b.engine.forget(b.next, { hard: true }).current ?? []).toEqual([]);
    expect(b.engine.get(b.old, { track: false })).toMatchObject({ status: "superseded", supersededBy: third });
  });
});

describe("a supersede undone", () => {
  test("restoring the replaced memory while its successor stands is for good: the successor's forget and restore leave it current (QA)", () => {
    const { engine, old, next, status } = pair();
    expect(engine.restore(old).memory.status).toBe("active");
    expect(engine.links(old)).toEqual([{ relation: "supersedes", direction: "in", id: next, undone: true }]);
    engine.forget(next);
    expect(engine.restore(next)).toMatchObject({ already: false, superseded: [] });
    expect([status(old), status(next)]).toEqual(["active", "active"]);
    // Said again, the link retires it again; the mark stays (grow-only, as team sync merges it).
    expect(engine.relate(next, old, "supersedes")).toMatchObject({ status: "exists", superseded: true });
    expect(engine.links(old)).toEqual([{ relation: "supersedes", direction: "in", id: next, undone: true }]);
    expect(engine.verifyAudit().ok).toBe(true);
  });

  test("an undone supersede stays undone through export and import (QA re-check: a restore from a backup brought it back)", async () => {
    const { engine, old, next } = pair();
    engine.restore(old);
    const file = [...engine.export()].map((r) => JSON.stringify(r)).join("\n");
    expect(file).toContain('"undone":true');
    const b = testEngine();
    await b.engine.import(file);
    expect(b.engine.links(old)).toEqual([{ relation: "supersedes", direction: "in", id: next, undone: true }]);
    b.engine.forget(next);
    b.engine.restore(next);
    expect(b.engine.get(old, { track: false }).status).toBe("active");
  });

  test("a supersedes link the other way round undoes the older one: restores no longer flip which one is current (QA)", () => {
    const { engine, old, next, status } = pair();
    engine.restore(old);
    engine.relate(old, next, "supersedes");
    expect([status(old), status(next)]).toEqual(["active", "superseded"]);
    engine.restore(next);
    expect([status(old), status(next)]).toEqual(["active", "active"]);
    engine.forget(old);
    engine.restore(old);
    expect([status(old), status(next)]).toEqual(["active", "active"]);
  });
});

describe("a replaced statement said again", () => {
  test("is stored, and reported as a possible conflict with what replaced it (the end of the chain), not silently", () => {
    const { engine, old, next, advance } = pair();
    advance(60_000);
    const third = engine.remember({ content: "Gamma: the cache moved off the shared cluster to a dedicated redis", type: "fact" }).id;
    engine.relate(third, next, "supersedes");
    advance(60_000);
    const again = engine.remember({ content: "Alpha: the cache is redis on the shared cluster", type: "fact" });
    expect(again.status).toBe("created");
    expect(again.id).not.toBe(old);
    expect(again.conflicts).toEqual([{ id: third, content: "Gamma: the cache moved off the shared cluster to a dedicated redis", reason: "says again what this replaced" }]);
    // Said again in another scope, or never replaced: nothing to report.
    expect(engine.remember({ content: "Alpha: the cache is redis on the shared cluster", type: "fact", project: "/elsewhere" }).conflicts).toBeUndefined();
  });

  test("the conflict is kept as a possible contradicts link, as every other reported one between facts is (QA)", () => {
    const { engine, advance } = testEngine();
    engine.remember({ content: "Unit tests run with Jest.", type: "decision" });
    advance(60_000);
    const moved = engine.remember({ content: "We switched unit tests from Jest to Vitest.", type: "decision" });
    expect(moved.superseded?.length).toBe(1);
    advance(60_000);
    const again = engine.remember({ content: "Unit tests run with Jest.", type: "decision" });
    expect(again.conflicts).toEqual([{ id: moved.id, content: "We switched unit tests from Jest to Vitest.", reason: "says again what this replaced" }]);
    expect(engine.links(moved.id)).toContainEqual({ relation: "contradicts", direction: "in", id: again.id, possible: true });
  });
});
