/** @module MCP tools through a real SDK Client: schemas, annotations, results, and errors the agent can act on. */
import { afterEach, describe, expect, test } from "bun:test";
import { INSTRUCTIONS } from "../../src/mcp/instructions.ts";
import { connect, errorText, type Harness, PROJECT } from "./helpers.ts";

let h: Harness;
afterEach(async () => h?.close());

const TOOL_NAMES = ["checkpoint", "forget", "get", "list", "recall", "relate", "remember", "remind", "resume", "stats", "timeline", "update"];

describe("tools/list", () => {
  test("every tool has a title, a teaching description, schemas and all four annotations", async () => {
    h = await connect();
    const { tools } = await h.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      // Claude's model-facing name is mcp__<server>__<tool>, limited to 64 characters of [a-zA-Z0-9_-].
      expect(`mcp__cairn__${tool.name}`).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.title).toBeTruthy();
      expect(tool.description!.length).toBeGreaterThan(80);
      expect(tool.description!.length).toBeLessThan(2048);
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type).toBe("object");
      const a = tool.annotations!;
      expect(typeof a.readOnlyHint).toBe("boolean");
      expect(typeof a.destructiveHint).toBe("boolean");
      expect(typeof a.idempotentHint).toBe("boolean");
      expect(a.openWorldHint).toBe(false);
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.annotations!]));
    expect(byName.recall!.readOnlyHint).toBe(true);
    expect(byName.remember!.readOnlyHint).toBe(false);
    expect(byName.forget!.destructiveHint).toBe(true);
    // Abstention catches names no memory mentions, not every question nothing answers (README, Performance): the
    // agent is not told that results mean something relevant is stored (QA).
    const recall = tools.find((t) => t.name === "recall")!;
    expect(recall.description).not.toContain("means nothing relevant is stored");
    expect(recall.description).toContain("`abstained: false` does not mean a relevant memory was found");
    expect((recall.outputSchema!.properties as Record<string, { description?: string }>).abstained!.description).toContain("false does not mean the results are relevant");
  });

  test("instructions fit Claude Code's 2 KB and teach the protocol", async () => {
    h = await connect();
    const sent = h.client.getInstructions()!;
    expect(sent).toBe(INSTRUCTIONS);
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(2048);
    for (const word of ["recall", "remember", "decision", "lesson", "error", "preference", "checkpoint"]) expect(sent).toContain(word);
  });
});

describe("remember and recall", () => {
  test("a remembered memory is recalled; text content carries the same JSON as structuredContent", async () => {
    h = await connect();
    const saved = await h.call("remember", { content: "Use pnpm, not npm: the lockfile is pnpm-lock.yaml", type: "decision", tags: ["build"] });
    expect(saved.isError).toBeFalsy();
    expect(JSON.parse(saved.content[0]!.text)).toEqual(saved.structuredContent!);
    const { id, status } = saved.structuredContent as { id: string; status: string };
    expect(status).toBe("created");

    const found = await h.call("recall", { query: "which package manager pnpm" });
    expect(JSON.parse(found.content[0]!.text)).toEqual(found.structuredContent!);
    const out = found.structuredContent as any;
    expect(out.abstained).toBe(false);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ id, type: "decision", project: PROJECT, tags: ["build"], event_time: null });
    expect(out.results[0].created_at).toBe("2026-01-01T00:00:00.000Z");
  });

  test("saying the same thing again reinforces instead of copying", async () => {
    h = await connect();
    const a = await h.ok("remember", { content: "Tests run with bun test" });
    const b = await h.ok("remember", { content: "tests run with  Bun test." });
    expect(b).toEqual({ id: a.id, status: "duplicate" });
  });

  test("a secret sent is said to be taken out, stored and repeated alike (QA: the agent took the key as saved)", async () => {
    h = await connect();
    const a = await h.ok("remember", { content: "The staging db password is Zq8#mK2pLx9 for the app user" });
    expect(a).toMatchObject({ status: "created", redacted: 1 });
    expect(await h.ok("remember", { content: "The staging db password is Zq8#mK2pLx9 for the app user" })).toEqual({ id: a.id, status: "duplicate", redacted: 1 });
    expect(await h.ok("remember", { content: "Deploys run from main" })).not.toHaveProperty("redacted");
  });

  test("saying it in other words reinforces too, and returns the wording kept", async () => {
    h = await connect();
    const a = await h.ok("remember", { content: "The invoice service is owned by the billing team.", type: "fact" });
    const b = await h.ok("remember", { content: "Billing team owns the invoice service.", type: "fact" });
    expect(b).toEqual({ id: a.id, status: "duplicate", same_meaning: true, content: "The invoice service is owned by the billing team." });
    const c = await h.ok("remember", { content: "Billing team owns the invoice service.", type: "fact", distinct: true });
    expect(c.status).toBe("created");
    expect(c.id).not.toBe(a.id);
  });

  test("abstains when nothing matches", async () => {
    h = await connect();
    await h.ok("remember", { content: "The staging database is Postgres 16" });
    expect(await h.ok("recall", { query: "kubernetes helm chart" })).toEqual({ results: [], abstained: true });
  });

  test("abstains when the query names what no memory mentions, though its other words match", async () => {
    h = await connect();
    await h.ok("remember", { content: "The staging database is Postgres 16 on the shared cluster" });
    expect((await h.ok("recall", { query: "the staging database" })).abstained).toBe(false);
    expect(await h.ok("recall", { query: "staging database on CockroachDB" })).toEqual({ results: [], abstained: true });
  });

  test("filters by type, tags, time and honours limit and budget", async () => {
    h = await connect();
    await h.ok("remember", { content: "deploy error: missing env var DATABASE_URL; fixed by adding it to .env", type: "error", tags: ["deploy"] });
    await h.ok("remember", { content: "deploy with fly deploy from main", type: "fact", event_time: "2025-06-01" });
    await h.ok("remember", { content: `deploy notes ${"long text ".repeat(200)}`, type: "note" });
    const errors = await h.ok("recall", { query: "deploy", type: "error" });
    expect(errors.results.map((r: any) => r.type)).toEqual(["error"]);
    const tagged = await h.ok("recall", { query: "deploy", tags: ["deploy"] });
    expect(tagged.results).toHaveLength(1);
    const old = await h.ok("recall", { query: "deploy", until: "2025-12-01" });
    expect(old.results.map((r: any) => r.type)).toEqual(["fact"]);
    expect((await h.ok("recall", { query: "deploy", limit: 2 })).results).toHaveLength(2);
    const cut = await h.ok("recall", { query: "deploy notes long text", budget: 30, type: "note" });
    expect(cut.results[0].truncated).toBe(true);
  });

  test("recall fits an agent-sized budget by default; an explicit budget widens it", async () => {
    h = await connect();
    for (let i = 0; i < 10; i++) await h.ok("remember", { content: `runbook step ${i}: ${"restart the worker pool and check queue depth ".repeat(12)}` });
    const byDefault = await h.ok("recall", { query: "runbook worker pool", limit: 10 });
    const tokens = byDefault.results.reduce((n: number, r: any) => n + Math.ceil(r.content.length / 4) + 12, 0);
    expect(byDefault.results.length).toBeGreaterThan(0);
    expect(byDefault.results.length).toBeLessThan(10);
    expect(tokens).toBeLessThanOrEqual(800);
    const wide = await h.ok("recall", { query: "runbook worker pool", limit: 10, budget: 100_000 });
    expect(wide.results).toHaveLength(10);
  });

  test("preferences default to the global scope and are recalled from any project", async () => {
    h = await connect();
    await h.ok("remember", { content: "The user prefers tabs over spaces", type: "preference" });
    await h.ok("remember", { content: "Another project's build uses make", project: "github.com/acme/other-project" });
    const elsewhere = await h.ok("recall", { query: "tabs spaces", project: "other-project" });
    expect(elsewhere.results[0].project).toBeNull();
  });
});

describe("the project argument", () => {
  test("takes the name stats shows, the key or a remote URL; an unknown project is an error naming the known ones", async () => {
    h = await connect();
    const payments = "github.com/acme/payments";
    const made = await h.ok("remember", { content: "payments deploys with fly", type: "decision", project: payments });
    await h.ok("remember", { content: "The user likes short answers", type: "preference" });
    const stats = await h.ok("stats");
    expect(stats.by_project).toContainEqual({ project: payments, name: "payments", count: 1 });
    for (const project of ["payments", payments, "git@github.com:acme/payments.git"]) {
      expect((await h.ok("recall", { query: "deploys fly", project })).results.map((r: any) => r.id)).toEqual([made.id]);
      expect((await h.ok("list", { project, type: "decision" })).memories.map((m: any) => m.id)).toEqual([made.id]);
    }
    for (const [tool, args] of [["recall", { query: "deploys" }], ["list", {}], ["timeline", {}], ["resume", {}]] as const) {
      const text = errorText(await h.call(tool, { ...args, project: "paymnets" }));
      expect(text).toContain('No project "paymnets"');
      expect(text).toContain(`payments (${payments})`);
    }
    // Writing by the shown name lands in that project, not in a new one called "payments".
    const second = await h.ok("remember", { content: "payments uses postgres", type: "fact", project: "payments" });
    expect((await h.ok("get", { id: second.id })).memory.project).toBe(payments);
  });
});

describe("bad input gets an error result the agent can act on", () => {
  test("wrong argument types and missing arguments", async () => {
    h = await connect();
    expect(errorText(await h.call("remember", { content: 42 }))).toContain("Input validation error");
    expect(errorText(await h.call("recall", {}))).toContain("query");
    expect(errorText(await h.call("recall", { query: "x", limit: "ten" }))).toContain("limit");
    expect(errorText(await h.call("recall", { query: "x", limit: 0 }))).toContain("limit");
    expect(errorText(await h.call("remember", { content: "x", type: "opinion" }))).toContain("type");
  });

  test("unknown arguments are rejected, not silently ignored", async () => {
    h = await connect();
    expect(errorText(await h.call("recall", { query: "x", limt: 3 }))).toContain("limt");
  });

  test("oversized content, metadata and bad times say what to do", async () => {
    h = await connect();
    expect(errorText(await h.call("remember", { content: "x".repeat(70_000) }))).toContain("Split it into smaller memories");
    expect(errorText(await h.call("remember", { content: "x", metadata: { blob: "y".repeat(20_000) } }))).toContain("limit");
    expect(errorText(await h.call("recall", { query: "x", since: "last tuesday-ish" }))).toContain("relative time like 3d");
    expect(errorText(await h.call("remember", { content: "   " }))).toContain("empty");
  });

  test("unknown ids, unknown tools and writes to every project", async () => {
    h = await connect();
    expect(errorText(await h.call("get", { id: "0000dead" }))).toContain("No memory with id");
    expect(errorText(await h.call("nonexistent"))).toContain("not found");
    expect(errorText(await h.call("remember", { content: "x", project: "all" }))).toContain("belongs to one project");
  });

  test("a blank project, or one holding control characters or direction overrides, is refused and nothing changes (QA)", async () => {
    h = await connect();
    const { id } = await h.ok("remember", { content: "The ledger is append-only", type: "fact" });
    expect(errorText(await h.call("update", { id, project: "   " }))).toContain("The project is blank");
    expect(errorText(await h.call("remember", { content: "a fact", project: "  " }))).toContain("The project is blank");
    for (const project of ["\u001b[31mred", "a\u0000b", "two\nlines", "evil\u202etxt.exe"]) {
      expect(errorText(await h.call("remember", { content: `a fact of ${JSON.stringify(project)}`, project }))).toContain("control characters");
      expect(errorText(await h.call("update", { id, project }))).toContain("control characters");
    }
    expect(h.engine.projects().map((p) => p.key)).toEqual([PROJECT]);
    expect((await h.ok("stats")).total).toBe(1);
  });
});

describe("get, update, forget, list, stats", () => {
  test("update changes only given fields, forget archives, recall then skips it", async () => {
    h = await connect();
    const { id } = await h.ok("remember", { content: "API rate limit is 100 requests per minute", type: "fact" });
    const got = await h.ok("get", { id: id.slice(0, 13) });
    expect(got.memory).toMatchObject({ id, content: "API rate limit is 100 requests per minute", status: "active" });
    expect(got.links).toEqual([]);

    const updated = await h.ok("update", { id, content: "API rate limit is 500 requests per minute", tags: ["api"] });
    expect(updated.memory).toMatchObject({ id, content: "API rate limit is 500 requests per minute", type: "fact", tags: ["api"] });
    expect(errorText(await h.call("update", { id }))).toContain("Nothing to change");
    // A move into a project no memory was in is said, as remember says it (QA: a typo moved it silently).
    const other = (await h.ok("remember", { content: "The payments ledger is append-only", type: "decision" })).id;
    const moved = await h.ok("update", { id: other, project: "payements" });
    expect(moved).toMatchObject({ new_project: true, memory: { project: "payements" } });
    expect((await h.ok("update", { id: other, tags: ["ledger"] })).new_project).toBeUndefined();
    expect((await h.ok("update", { id: other, content: "The ledger db password is hunter2hunter2 and it is append-only" })).redacted).toBe(1);

    expect(await h.ok("forget", { id, reason: "limit removed" })).toEqual({ id, status: "archived" });
    // Again, and of a memory that had superseded another: results the tool's own output schema admits (QA; the
    // harness lists the tools, so the SDK client checks every result against its schema).
    expect(await h.ok("forget", { id })).toEqual({ id, status: "archived", already: true });
    const heroku = (await h.ok("remember", { content: "We host the app on Heroku", type: "decision" })).id;
    const fly = (await h.ok("remember", { content: "We moved hosting from Heroku to Fly.io", type: "decision" })).id;
    expect((await h.ok("get", { id: heroku })).memory.status).toBe("superseded");
    expect(await h.ok("forget", { id: fly })).toEqual({ id: fly, status: "archived", current: [heroku] });
    expect((await h.ok("recall", { query: "rate limit" })).abstained).toBe(true);
    const archived = await h.ok("list", { status: "archived" });
    expect(archived.memories.map((m: any) => m.id).sort()).toEqual([id, fly].sort());
  });

  test("list filters and pages; stats counts", async () => {
    h = await connect();
    for (let i = 0; i < 5; i++) {
      h.clock.now += 1000;
      await h.ok("remember", { content: `decision number ${i}`, type: "decision" });
    }
    await h.ok("remember", { content: "a lesson", type: "lesson" });
    const page = await h.ok("list", { type: "decision", limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.memories.map((m: any) => m.content)).toEqual(["decision number 3", "decision number 2"]);
    expect((await h.ok("list", { type: ["decision", "lesson"] })).total).toBe(6);
    const stats = await h.ok("stats");
    expect(stats).toMatchObject({ current_project: PROJECT, total: 6, by_type: { decision: 5, lesson: 1 } });
  });
});

describe("relate and timeline", () => {
  test("supersedes retires the old memory; links show on both sides; relating twice is harmless", async () => {
    h = await connect();
    const old = await h.ok("remember", { content: "We deploy with Heroku", type: "decision" });
    // A supersede is the caller's to make unless remember is sure; otherwise it reports (and keeps) possible conflicts.
    const neu = await h.ok("remember", { content: "Deploys go to Fly.io, see Heroku notes", type: "decision" });
    const linked = await h.ok("relate", { from: neu.id, to: old.id, relation: "supersedes" });
    expect(linked).toEqual({ from: neu.id, to: old.id, relation: "supersedes", status: "created", superseded: true });
    expect((await h.ok("relate", { from: neu.id, to: old.id, relation: "supersedes" })).status).toBe("exists");
    const hits = await h.ok("recall", { query: "deploy Heroku" });
    expect(hits.results.map((r: any) => r.id)).toEqual([neu.id]);
    const oldGot = await h.ok("get", { id: old.id });
    expect(oldGot.memory).toMatchObject({ status: "superseded", superseded_by: neu.id });
    expect(oldGot.links).toEqual([{ relation: "supersedes", direction: "in", id: neu.id }]);
    expect((await h.ok("get", { id: neu.id })).links).toEqual([{ relation: "supersedes", direction: "out", id: old.id }]);
  });

  test("remember supersedes a memory it clearly replaces, and reports one it may contradict, leaving that as it is", async () => {
    h = await connect();
    const old = await h.ok("remember", { content: "We deploy with Heroku using git push", type: "decision" });
    const neu = await h.ok("remember", { content: "We moved deploys from Heroku to Fly.io; git push no longer deploys", type: "decision" });
    expect(neu.superseded).toEqual([{ id: old.id, content: "We deploy with Heroku using git push", reason: "states a change to it" }]);
    expect(neu.conflicts).toBeUndefined();
    const oldGot = await h.ok("get", { id: old.id });
    expect(oldGot.memory).toMatchObject({ status: "superseded", superseded_by: neu.id });
    expect(oldGot.links).toEqual([{ relation: "supersedes", direction: "in", id: neu.id }]);
    const unrelated = await h.ok("remember", { content: "Staging uses a smaller Postgres instance", type: "fact" });
    expect(unrelated.conflicts).toBeUndefined();
    expect(unrelated.superseded).toBeUndefined();
    const port = await h.ok("remember", { content: "The API server listens on port 8080 in staging", type: "fact" });
    const other = await h.ok("remember", { content: "The API server listens on port 9090 in staging", type: "fact" });
    expect(other.conflicts).toEqual([{ id: port.id, content: "The API server listens on port 8080 in staging", reason: "states another value" }]);
    expect(other.superseded).toBeUndefined();
    // Both stay active; the possible conflict is kept as a link marked possible (recall: test/unit/flagged-first.test.ts).
    const portGot = await h.ok("get", { id: port.id });
    expect(portGot.memory.status).toBe("active");
    expect(portGot.links).toEqual([{ relation: "contradicts", direction: "in", id: other.id, possible: true }]);
    expect((await h.ok("get", { id: other.id })).links).toEqual([{ relation: "contradicts", direction: "out", id: port.id, possible: true }]);
    // Dismissed through relate: both stay, get says how the link stands.
    const dismissed = await h.ok("relate", { from: other.id, to: port.id, relation: "contradicts", dismiss: true });
    expect(dismissed).toEqual({ from: other.id, to: port.id, relation: "contradicts", status: "exists", superseded: false, settled: "not_conflict" });
    expect((await h.ok("get", { id: port.id })).links).toEqual([{ relation: "contradicts", direction: "in", id: other.id, settled: "not_conflict" }]);
    expect(errorText(await h.call("relate", { from: other.id, to: unrelated.id, relation: "contradicts", dismiss: true }))).toContain("No possible conflict");
  });

  test("relate rejects unknown relations and self links", async () => {
    h = await connect();
    const a = await h.ok("remember", { content: "a thing" });
    expect(errorText(await h.call("relate", { from: a.id, to: a.id, relation: "blocks" }))).toContain("relation");
    expect(errorText(await h.call("relate", { from: a.id, to: a.id, relation: "fixes" }))).toContain("itself");
  });

  test("timeline orders by when things happened, within the window", async () => {
    h = await connect();
    await h.ok("remember", { content: "released v2", event_time: "2025-12-20" });
    await h.ok("remember", { content: "started v2", event_time: "2025-11-01" });
    await h.ok("remember", { content: "hotfix v2.0.1", event_time: "2025-12-22T10:00:00Z" });
    await h.ok("remember", { content: "stored today" });
    const all = await h.ok("timeline");
    expect(all.events.map((e: any) => e.content)).toEqual(["started v2", "released v2", "hotfix v2.0.1", "stored today"]);
    expect(all.events[0].time).toBe("2025-11-01T00:00:00.000Z");
    const dec = await h.ok("timeline", { since: "2025-12-01", until: "2025-12-31" });
    expect(dec.events.map((e: any) => e.content)).toEqual(["released v2", "hotfix v2.0.1"]);
    const latest = await h.ok("timeline", { limit: 2 });
    expect(latest).toMatchObject({ total: 4 });
    expect(latest.events.map((e: any) => e.content)).toEqual(["hotfix v2.0.1", "stored today"]);
    // What is still to come did not happen yet: out of the default window, in when asked for (QA).
    await h.ok("remind", { content: "review the v3 plan", in: "3d" });
    expect((await h.ok("timeline", { limit: 2 })).events.map((e: any) => e.content)).toEqual(["hotfix v2.0.1", "stored today"]);
    const ahead = new Date(h.clock.now + 7 * 86_400_000).toISOString();
    expect((await h.ok("timeline", { limit: 1, until: ahead })).events.map((e: any) => e.content)).toEqual(["review the v3 plan"]);
  });
});

describe("checkpoint and resume", () => {
  test("resume returns the newest checkpoint for a task, and decisions outlive it", async () => {
    h = await connect();
    expect(await h.ok("resume")).toEqual({ found: false });
    await h.ok("checkpoint", { task: "Migrate auth to OAuth", progress: "token endpoint done", next_steps: ["refresh flow"] });
    h.clock.now += 60_000;
    const cp = await h.ok("checkpoint", {
      task: "Migrate auth to OAuth",
      progress: "token endpoint and refresh flow done",
      next_steps: ["remove old session code", "update docs"],
      files: ["src/auth/oauth.ts"],
      decisions: ["Keep refresh tokens in the OS keychain, not on disk"],
    });
    expect(cp.decisions).toHaveLength(1);
    expect(cp.redacted).toBeUndefined();
    // A secret sent in a checkpoint is said to have been taken out, as remember says it (QA).
    const secret = await h.ok("checkpoint", { task: "Rotate keys", progress: "set the db password to Zq8#mK2pLx9 on staging", next_steps: ["prod"] });
    expect(secret.redacted).toBe(1);
    h.clock.now += 60_000;
    await h.ok("checkpoint", { task: "Upgrade the linter", progress: "half the rules fixed", next_steps: ["the rest"] });

    const byTask = await h.ok("resume", { task: "migrate auth to oauth" });
    expect(byTask).toEqual({
      found: true,
      checkpoint: {
        id: cp.id,
        created_at: new Date(h.clock.now - 60_000).toISOString(),
        task: "Migrate auth to OAuth",
        progress: "token endpoint and refresh flow done",
        next_steps: ["remove old session code", "update docs"],
        files: ["src/auth/oauth.ts"],
        decisions: ["Keep refresh tokens in the OS keychain, not on disk"],
      },
    });
    expect((await h.ok("resume", { task: "OAuth" })).checkpoint.id).toBe(cp.id);
    expect((await h.ok("resume", { task: "the linter task" })).checkpoint.task).toBe("Upgrade the linter");
    // A task no checkpoint names is not found, though every checkpoint's tag says "task".
    expect(await h.ok("resume", { task: "no such task at all" })).toEqual({ found: false });
    expect(await h.ok("resume", { task: "billing export" })).toEqual({ found: false });
    expect((await h.ok("resume")).checkpoint.task).toBe("Upgrade the linter");
    const decision = await h.ok("recall", { query: "refresh tokens keychain", type: "decision" });
    expect(decision.results[0].id).toBe(cp.decisions[0].id);
  });

  test("checkpoint needs a task and progress", async () => {
    h = await connect();
    expect(errorText(await h.call("checkpoint", { task: " ", progress: "x", next_steps: [] }))).toContain("Name the task");
    expect(errorText(await h.call("checkpoint", { task: "t", next_steps: [] }))).toContain("progress");
    // Each field within the schema, the whole too large: said in the checkpoint's terms, nothing saved (QA).
    const big = await h.call("checkpoint", { task: "t", progress: "p".repeat(19_500), next_steps: Array.from({ length: 40 }, (_, i) => `${i} ${"s".repeat(1_500)}`), decisions: ["use Postgres"] });
    expect(errorText(big)).toMatch(/^The checkpoint is \d+ bytes written out .* Shorten the progress or the lists; decisions are stored on their own/);
    expect((await h.ok("stats")).total).toBe(0);
  });
});
