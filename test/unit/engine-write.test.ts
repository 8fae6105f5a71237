/** @module Engine write paths: remember with defaults and duplicates, update with history, forget and purge. */
import { describe, expect, test } from "bun:test";
import { KIND_DEFAULTS } from "../../src/domain/kinds.ts";
import { CairnError } from "../../src/errors.ts";
import { T0, testEngine } from "../helpers/engine.ts";

const DAY = 86_400_000;

describe("remember", () => {
  test("applies the type's default TTL, priority and scope", () => {
    const { engine } = testEngine();
    const task = engine.remember({ content: "Finish the migration tests", type: "task" }).memory;
    expect(task.expiresAt).toBe(T0 + KIND_DEFAULTS.task.ttlMs!);
    expect(task.priority).toBe(KIND_DEFAULTS.task.priority);
    expect(task.project).toBe("/work/app");
    const pref = engine.remember({ content: "User prefers tabs", type: "preference" }).memory;
    expect(pref.project).toBeNull();
    expect(pref.expiresAt).toBeNull();
    const note = engine.remember({ content: "plain note" }).memory;
    expect(note.type).toBe("note");
  });

  test("a preference about the project defaults to the project; one about the user, or unplaced, to global", () => {
    const { engine } = testEngine();
    const scopeOf = (content: string) => engine.remember({ content, type: "preference" }).memory.project;
    expect(scopeOf("Always use pnpm in this repo, never npm")).toBe("/work/app");
    expect(scopeOf("Our convention is snake_case for column names")).toBe("/work/app");
    expect(scopeOf("The user prefers short answers")).toBeNull();
    expect(scopeOf("Always explain a diff before applying it")).toBeNull();
  });

  test("caller overrides TTL, priority and scope", () => {
    const { engine } = testEngine();
    const m = engine.remember({ content: "x marks", type: "task", ttlMs: null, priority: 5, project: "other" }).memory;
    expect(m.expiresAt).toBeNull();
    expect(m.priority).toBe(5);
    expect(m.project).toBe("other");
  });

  test("a time to live of zero is refused and stores nothing, even for a text already stored (QA: an expired copy recall never found)", () => {
    const { engine } = testEngine();
    engine.remember({ content: "the staging deploy needs a VPN" });
    for (const content of ["a note that expires at once", "the staging deploy needs a VPN"]) {
      expect(() => engine.remember({ content, ttlMs: 0 })).toThrow(/A time to live of zero would expire the memory as it is stored/);
    }
    expect(engine.list({}).memories.map((m) => [m.content, m.expiresAt === null || m.expiresAt > T0])).toEqual([["the staging deploy needs a VPN", true]]);
  });

  test("a secret in what is remembered is counted in the result, also when it repeats a stored memory", () => {
    const { engine } = testEngine();
    const first = engine.remember({ content: "I set the admin password to Zq8#mK2pLx9 yesterday" });
    expect([first.status, first.redacted, first.memory.content]).toEqual(["created", 1, "I set the admin password to [REDACTED:password] yesterday"]);
    expect(engine.remember({ content: "I set the admin password to Zq8#mK2pLx9 yesterday" })).toMatchObject({ status: "duplicate", redacted: 1 });
    expect(engine.remember({ content: "nothing secret here" }).redacted).toBeUndefined();
  });

  test("an imported memory's type lifetime counts from its creation, not from the import (QA: a 2024 task was live again)", async () => {
    const { engine, store } = testEngine();
    const created = Date.parse("2024-01-01T00:00:00Z");
    await engine.import([
      JSON.stringify({ id: "old-task", content: "rotate the staging certificates", type: "task", created_at: "2024-01-01T00:00:00Z" }),
      JSON.stringify({ id: "given", content: "renew the wildcard certificate", type: "task", created_at: "2024-01-01T00:00:00Z", expires_at: null }),
      JSON.stringify({ id: "fresh", content: "update the runbook", type: "task" }),
    ].join("\n"));
    expect(store.get("old-task")!.expiresAt).toBe(created + 30 * 86_400_000);
    expect(store.get("given")!.expiresAt).toBeNull();
    expect(store.get("fresh")!.expiresAt).toBe(store.get("fresh")!.createdAt + 30 * 86_400_000);
  });

  test("an imported time without a zone is UTC, on any machine (QA: another time under each TZ)", async () => {
    const { engine, store } = testEngine();
    const tz = process.env.TZ;
    process.env.TZ = "Asia/Tokyo";
    try {
      await engine.import([JSON.stringify({ id: "tz-1", content: "the audit started", event_time: "2025-03-02T10:00:00" }), JSON.stringify({ id: "tz-2", content: "the audit ended", event_time: "2025-03-02 18:30" })].join("\n"));
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(new Date(store.get("tz-1")!.eventTime!).toISOString()).toBe("2025-03-02T10:00:00.000Z");
    expect(new Date(store.get("tz-2")!.eventTime!).toISOString()).toBe("2025-03-02T18:30:00.000Z");
  });

  test("a project name or an imported id or project holding a secret is refused, never stored in the clear (QA)", async () => {
    const { engine } = testEngine();
    expect(() => engine.remember({ content: "note in a secret-named project", project: "proj-sk_live_51HqLyjWDarjtT1zdp7dcXYZabc123def456" })).toThrow(/project name holds what looks like a secret/);
    await expect(engine.import(JSON.stringify({ id: "ghp_4fRt9KxQ2mZp7LwVn3bYc8HjD1sGe6TuA0oI", content: "id is a token" }))).rejects.toThrow(/field "id": it holds what looks like a secret/);
    await expect(engine.import(JSON.stringify({ content: "project is a conn string", project: "postgres://u:ProjPw5566@h/db" }))).rejects.toThrow(/field "project": it holds what looks like a secret/);
    await expect(engine.import(JSON.stringify({ content: "a project named like a scope", project: "global" }))).rejects.toThrow(/field "project": "global" is a scope word/);
    await expect(engine.import(JSON.stringify({ content: "a project named like a scope", project: "All" }))).rejects.toThrow(/is a scope word/);
    // Control characters and direction overrides reached the terminal through every listing (QA).
    await expect(engine.import(JSON.stringify({ content: "an escape in a project", project: "\u001b[2Jwiped" }))).rejects.toThrow(/field "project": it holds control characters/);
    expect(() => engine.remember({ content: "a line break in a project", project: "two\nlines" })).toThrow(/project name holds control characters/);
    // Nor a name longer than any directory or remote, printed whole in every listing row (QA: 900 KB imported).
    expect(() => engine.remember({ content: "a huge project name", project: "p".repeat(1025) })).toThrow(/1025 characters long; give one of at most 1024/);
    await expect(engine.import(JSON.stringify({ content: "a huge imported project", project: "p".repeat(5000) }))).rejects.toThrow(/field "project": it is 5000 characters long/);
    expect(engine.list({ allProjects: true }).total).toBe(0);
    // Ordinary names and ids go in.
    expect(engine.remember({ content: "a note in payments", project: "payments-api" }).status).toBe("created");
    expect((await engine.import(JSON.stringify({ id: "trip-2024-09", content: "an ordinary id" }))).created).toBe(1);
  });

  test("exact and canonical duplicates reinforce the existing memory", () => {
    const { engine, advance } = testEngine();
    const first = engine.remember({ content: "We use pnpm, not npm", tags: ["tooling"] });
    expect(first.status).toBe("created");
    advance(1000);
    const exact = engine.remember({ content: "We use pnpm, not npm" });
    const canonical = engine.remember({ content: "  we use **PNPM**,   not npm. ", tags: ["build"] });
    expect(exact).toMatchObject({ id: first.id, status: "duplicate" });
    expect(canonical).toMatchObject({ id: first.id, status: "duplicate" });
    const stored = engine.get(first.id, { track: false });
    expect(stored.accessCount).toBe(2);
    expect(stored.tags).toEqual(["build", "tooling"]);
    expect(engine.list({ allProjects: true }).total).toBe(1);
  });

  test("a repeat extends an expiring memory by its own lifetime and never makes it permanent", () => {
    const { engine, advance, clock } = testEngine();
    const first = engine.remember({ content: "the staging certificate is pinned for now", type: "task", ttlMs: 3_600_000 });
    advance(1_800_000);
    engine.remember({ content: "the staging certificate is pinned for now" }); // a note: kept forever by default
    expect(engine.get(first.id, { track: false }).expiresAt).toBe(clock.now + 3_600_000);
    const kept = engine.remember({ content: "the release freeze starts in december", type: "decision" });
    engine.remember({ content: "the release freeze starts in december", type: "task" });
    expect(engine.get(kept.id, { track: false }).expiresAt).toBeNull();
  });

  test("a repeat's own lifetime counts only when it was given: a type's default does not stretch a short one, --ttl never keeps it", () => {
    const { engine, advance, clock } = testEngine();
    const week = 7 * 86_400_000;
    const task = engine.remember({ content: "fix the login redirect loop", type: "task", ttlMs: week });
    advance(86_400_000);
    engine.remember({ content: "Fix the login redirect loop", type: "task" }); // the type's default is 30 days
    expect(engine.get(task.id, { track: false }).expiresAt).toBe(clock.now + week);
    engine.remember({ content: "fix the login redirect loop", type: "task", ttlMs: 60 * 86_400_000 });
    expect(engine.get(task.id, { track: false }).expiresAt).toBe(clock.now + 60 * 86_400_000);
    engine.remember({ content: "fix the login redirect loop", type: "task", ttlMs: null });
    expect(engine.get(task.id, { track: false }).expiresAt).toBeNull();
  });

  test("a memory stored under a project name that held none is marked a new project; the current one, a known one or a repeat is not", () => {
    const { engine } = testEngine();
    engine.remember({ content: "the deploy runs on fridays", project: "/work/other" });
    expect(engine.remember({ content: "a typo of a project", project: "othr" }).newProject).toBe(true);
    expect(engine.remember({ content: "a second note there", project: "othr" }).newProject).toBeUndefined();
    expect(engine.remember({ content: "in a known one", project: "other" }).newProject).toBeUndefined();
    expect(engine.remember({ content: "in the current one", project: "/work/app" }).newProject).toBeUndefined();
    expect(engine.remember({ content: "no project named" }).newProject).toBeUndefined();
  });

  test("the same text in another project is a separate memory", () => {
    const { engine } = testEngine();
    const a = engine.remember({ content: "Run make before tests" });
    const b = engine.remember({ content: "Run make before tests", project: "/work/other" });
    expect(b.status).toBe("created");
    expect(b.id).not.toBe(a.id);
  });

  test.each([
    ["empty", { content: "   " }, "EMPTY_CONTENT"],
    ["invisible only (QA)", { content: "\u200b \u200d\ufeff\u2060" }, "EMPTY_CONTENT"],
    ["a blank Braille cell or a lone accent (QA)", { content: "\u2800 \u0301" }, "EMPTY_CONTENT"],
    ["bad type", { content: "x", type: "rumour" }, "BAD_TYPE"],
    ["bad priority", { content: "x", priority: 9 }, "BAD_PRIORITY"],
    ["huge", { content: "x".repeat(70_000) }, "CONTENT_TOO_LARGE"],
  ] as const)("rejects %s input and stores nothing", (_name, input, code) => {
    const { engine } = testEngine();
    let caught: unknown;
    try {
      engine.remember(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CairnError);
    expect((caught as CairnError).code).toBe(code);
    expect(engine.stats().total).toBe(0);
  });

  test("ids are unique and time-sortable", () => {
    const { engine } = testEngine();
    const ids = Array.from({ length: 50 }, (_, i) => engine.remember({ content: `memory number ${i}` }).id);
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe("update", () => {
  test("keeps the old version in the audit log and re-indexes the new text", async () => {
    const { engine, advance } = testEngine();
    const { id } = engine.remember({ content: "Deploys run on Fridays", type: "decision" });
    advance(DAY);
    const updated = engine.update(id, { content: "Deploys run on Tuesdays", tags: ["ops"] });
    expect(updated.updatedAt).toBe(T0 + DAY);
    expect((await engine.recall({ query: "Fridays" })).results).toHaveLength(0);
    expect((await engine.recall({ query: "Tuesdays" })).results[0]?.memory.id).toBe(id);
    expect((await engine.recall({ query: "ops" })).results[0]?.memory.id).toBe(id);
    const history = engine.history(id).entries;
    expect(history.map((e) => e.op)).toEqual(["create", "update"]);
    expect(history[1]!.contentBefore).toBe("Deploys run on Fridays");
    expect(engine.check()).toMatchObject({ ftsMissing: 0, ftsOrphans: 0, tagMismatches: 0, ftsErrors: [] });
  });

  test("a new type brings its own lifetime: an error made a lesson keeps, a note made a task fades (QA: it still expired)", () => {
    const { engine, advance } = testEngine();
    const error = engine.remember({ content: "npm ci fails without the lockfile; run npm install once", type: "error" }).id;
    expect(engine.get(error, { track: false }).expiresAt).not.toBeNull();
    advance(DAY);
    expect(engine.update(error, { type: "lesson" }).expiresAt).toBeNull();
    expect(engine.history(error).entries.at(-1)!.detail).toMatchObject({ expires_at: { after: null } });
    const task = engine.remember({ content: "Move the billing cron to the worker", type: "task" }).id;
    expect(engine.update(task, { type: "decision" }).expiresAt).toBeNull();
    const note = engine.remember({ content: "Look into the flaky login test", type: "note" }).id;
    expect(engine.update(note, { type: "task" }).expiresAt).toBe(T0 + DAY + 30 * DAY);
    // Between two types that fade, the expiry it has stays.
    expect(engine.update(note, { type: "error" }).expiresAt).toBe(T0 + DAY + 30 * DAY);
  });

  test("rejects an empty patch and edits of archived memories", () => {
    const { engine } = testEngine();
    const { id } = engine.remember({ content: "something" });
    expect(() => engine.update(id, {})).toThrow(/Nothing to change/);
    engine.forget(id);
    expect(() => engine.update(id, { content: "new" })).toThrow(/archived/);
  });

  test("an edit that would repeat another active memory of its scope is refused and changes nothing (QA)", () => {
    const { engine } = testEngine();
    const kept = engine.remember({ content: "We deploy with Helm charts" }).id;
    const other = engine.remember({ content: "We deploy with Argo CD" }).id;
    expect(() => engine.update(other, { content: "we deploy with helm charts." })).toThrow(/already says/);
    expect(engine.get(other).content).toBe("We deploy with Argo CD");
    expect(engine.history(other).entries.map((e) => e.op)).toEqual(["create"]);
    // Moving it into a scope where its text is already stored is the same; another scope or text is not.
    const moved = engine.remember({ content: "We deploy with Helm charts", project: "/work/other" }).id;
    expect(() => engine.update(moved, { project: "/work/app" })).toThrow(/already says/);
    expect(engine.get(moved).project).toBe("/work/other");
    expect(engine.update(moved, { tags: ["deploy"] }).tags).toEqual(["deploy"]);
    expect(engine.update(other, { content: "We deploy with Argo CD v2" }).content).toBe("We deploy with Argo CD v2");
    expect(engine.get(kept).status).toBe("active");
  });

  test("resolves unique id prefixes and refuses ambiguous ones", () => {
    const { engine } = testEngine();
    const a = engine.remember({ content: "first" }).id;
    engine.remember({ content: "second" });
    expect(engine.get(a.slice(0, 30)).id).toBe(a);
    expect(() => engine.get(a.slice(0, 8))).toThrow(/matches|No memory/);
    expect(() => engine.get("ffffffff-nope")).toThrow(/No memory with id/);
  });
});

describe("forget", () => {
  test("soft delete hides the memory from recall and list, restore brings it back", async () => {
    const { engine } = testEngine();
    const { id } = engine.remember({ content: "The staging password rotates monthly" });
    expect(engine.forget(id, { reason: "outdated" })).toEqual({ id, status: "archived" });
    expect((await engine.recall({ query: "staging" })).results).toHaveLength(0);
    expect(engine.list().total).toBe(0);
    expect(engine.list({ statuses: ["archived"] }).total).toBe(1);
    expect(engine.history(id).entries.at(-1)?.detail).toMatchObject({ reason: "outdated" });
    engine.restore(id);
    expect((await engine.recall({ query: "staging" })).results).toHaveLength(1);
  });

  test("hard delete purges the row, index, vectors, edges, tags and old versions", async () => {
    const { engine, store } = testEngine();
    const { id } = engine.remember({ content: "secret marker zebra-42", tags: ["t"] });
    const other = engine.remember({ content: "unrelated memory" }).id;
    engine.update(id, { content: "secret marker zebra-43" });
    const db = store.database;
    const seq = (db.query("SELECT seq FROM memories WHERE id = ?").get(id) as { seq: number }).seq;
    const otherSeq = (db.query("SELECT seq FROM memories WHERE id = ?").get(other) as { seq: number }).seq;
    db.query("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (?, 'm', 2, x'00000000', 0)").run(seq);
    db.query("INSERT INTO edges (from_seq, to_seq, relation, created_at) VALUES (?, ?, 'related', 0)").run(seq, otherSeq);

    expect(engine.forget(id, { hard: true }).status).toBe("purged");
    const count = (sql: string) => (db.query(sql).get() as { n: number }).n;
    expect(count("SELECT count(*) AS n FROM memories WHERE content LIKE '%zebra%'")).toBe(0);
    expect(count("SELECT count(*) AS n FROM vectors")).toBe(0);
    expect(count("SELECT count(*) AS n FROM edges")).toBe(0);
    expect(count("SELECT count(*) AS n FROM memory_tags")).toBe(0);
    expect(count("SELECT count(*) AS n FROM audit WHERE content_before IS NOT NULL")).toBe(0);
    expect((await engine.recall({ query: "zebra" })).results).toHaveLength(0);
    expect(engine.history(id).entries.map((e) => e.op)).toEqual(["create", "update", "purge"]);
    expect(engine.check()).toMatchObject({ ftsMissing: 0, ftsOrphans: 0, integrity: [] });
  });

  test("the audit log refuses deletes and rewrites", () => {
    const { engine, store } = testEngine();
    engine.remember({ content: "audited" });
    expect(() => store.database.run("DELETE FROM audit")).toThrow(/append-only/);
    expect(() => store.database.run("UPDATE audit SET op = 'x'")).toThrow(/append-only/);
  });
});

test("remember refuses type reminder (it would be due at once) and points to remind", () => {
  const { engine } = testEngine();
  expect(() => engine.remember({ content: "call the bank", type: "reminder" })).toThrow("needs a due time");
  expect(engine.stats().total).toBe(0);
});
