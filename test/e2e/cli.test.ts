/**
 * @module End-to-end tests of the compiled `dist/cairn` CLI: every command, its JSON shapes, scopes, hostile input,
 * exit codes, hard deletion down to the file bytes, and lossless import/export. One file because it is the
 * foundation issue's acceptance list; each describe block stands alone.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { rawDbBytes } from "../helpers/db.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
// bunfig's [test] timeout is not applied by this Bun; each test spawns the binary many times.
setDefaultTimeout(60_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RESULT_KEYS = ["content", "created_at", "event_time", "id", "project", "score", "tags", "type"];

interface RecallJson {
  results: Array<{ id: string; content: string; type: string; score: number; project: string | null; created_at: string; event_time: string | null; tags: string[]; truncated?: boolean }>;
}
interface MemoryJson {
  id: string;
  content: string;
  type: string;
  tags: string[];
  project: string | null;
  event_time: string | null;
  status: string;
  metadata: Record<string, unknown>;
}

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

const remember = async (args: string[], cwd?: string) => await s.json<{ id: string; status: string }>(["remember", ...args, "--json"], { cwd });
const recall = async (query: string, args: string[] = [], cwd?: string) => await s.json<RecallJson>(["recall", "--json", ...args, "--", query], { cwd });
const recallIds = async (query: string, args: string[] = [], cwd?: string) => (await recall(query, args, cwd)).results.map((r) => r.id);
const total = async () => (await s.json<{ total: number }>(["stats", "--json"])).total;
const exportText = async () => (await s.ok(["export"])).stdout;

describe("remember and recall", () => {
  test("a remembered memory is recalled, with the exact JSON shapes", async () => {
    const project = s.project("app");
    const made = await remember(["The deploy script lives in scripts/ship.sh"], project);
    expect(Object.keys(made).sort()).toEqual(["id", "status"]);
    expect(made.id).toMatch(UUID);
    expect(made.status).toBe("created");

    const out = await recall("deploy script", [], project);
    expect(out.results).toHaveLength(1);
    const hit = out.results[0]!;
    expect(Object.keys(hit).sort()).toEqual(RESULT_KEYS);
    expect(hit).toMatchObject({ id: made.id, content: "The deploy script lives in scripts/ship.sh", type: "note", project, event_time: null, tags: [] });
    expect(typeof hit.score).toBe("number");
    expect(Number.isNaN(Date.parse(hit.created_at))).toBe(false);

    const human = await s.ok(["recall", "deploy script"], { cwd: project });
    expect(human.stdout).toContain(made.id.slice(-8));
    expect(human.stdout).toContain("scripts/ship.sh");
  });

  test("exact and canonical duplicates return the same id with status duplicate", async () => {
    const first = await remember(["We use pnpm, not npm, for installs"]);
    const variants = [
      "We use pnpm, not npm, for installs",
      "we USE pnpm, NOT npm, for installs",
      "  We   use\n pnpm,   not npm,\tfor installs  ",
      "**We use** `pnpm`, not _npm_, for installs.",
      "# We use pnpm, not npm, for installs",
    ];
    for (const text of variants) expect(await remember([text])).toEqual({ id: first.id, status: "duplicate" });
    expect(await total()).toBe(1);
    expect((await remember(["We use yarn, not npm, for installs"])).status).toBe("created");
    // Another --type on a repeat is not applied, and that is said (QA).
    expect(await s.json(["remember", variants[0]!, "--type", "decision", "--json"])).toEqual({ id: first.id, status: "duplicate", type_kept: "note" });
    expect((await s.ok(["remember", variants[0]!, "--type", "decision"])).stdout).toContain("It stays a note: --type decision is not applied");
  });

  test("the same thing in other words reinforces the memory that said it, and says so", async () => {
    const first = await remember(["The invoice service is owned by the billing team.", "--type", "fact"]);
    const again = { id: first.id, status: "duplicate", same_meaning: true, content: "The invoice service is owned by the billing team." };
    expect(await remember(["Billing team owns the invoice service.", "--type", "fact"])).toEqual(again);
    const human = await s.ok(["remember", "The billing team owns the invoice service", "--type", "fact"]);
    expect(human.stdout).toContain(`Already remembered in other words as ${first.id.slice(-8)}`);
    expect(human.stdout).toContain("cairn edit");
    expect(human.stdout).toContain("--distinct");
    expect(await total()).toBe(1);
    const own = await remember(["Billing team owns the invoice service.", "--type", "fact", "--distinct"]);
    expect(own.status).toBe("created");
    expect(await total()).toBe(2);
  });

  test("--type and --tags are stored, shown and filter recall", async () => {
    const made = await remember(["Chose Postgres over MySQL for JSONB", "--type", "decision", "--tags", "DB, infra"]);
    const hit = (await recall("postgres")).results[0]!;
    expect(hit).toMatchObject({ id: made.id, type: "decision", tags: ["db", "infra"] });
    expect(await recallIds("postgres", ["--type", "decision"])).toEqual([made.id]);
    expect(await recallIds("postgres", ["--type", "lesson"])).toEqual([]);
    expect(await recallIds("postgres", ["--tags", "db"])).toEqual([made.id]);
    expect(await recallIds("postgres", ["--tags", "db,frontend"])).toEqual([]);
    const bad = await s.run(["remember", "x", "--type", "bogus"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("decision");
  });

  test("project scope: other projects are invisible unless --all-projects; global memories are everywhere", async () => {
    const alpha = s.project("alpha");
    const beta = s.project("beta");
    const a = await remember(["widgets in alpha are blue"], alpha);
    const b = await remember(["widgets in beta are red"], beta);
    const g = await remember(["widgets should always be tested", "--global"], alpha);

    expect((await recallIds("widgets", [], alpha)).sort()).toEqual([a.id, g.id].sort());
    expect((await recallIds("widgets", [], beta)).sort()).toEqual([b.id, g.id].sort());
    expect((await recallIds("widgets", [], s.cwd)).sort()).toEqual([g.id]);
    expect((await recallIds("widgets", ["--all-projects"], beta)).sort()).toEqual([a.id, b.id, g.id].sort());
    expect((await recallIds("widgets", ["--global"], alpha))).toEqual([g.id]);

    const results = (await recall("widgets", ["--all-projects"])).results;
    expect(results.find((r) => r.id === a.id)?.project).toBe(alpha);
    expect(results.find((r) => r.id === g.id)?.project).toBeNull();
    // A subdirectory belongs to its repository's project.
    const sub = join(alpha, "src");
    mkdirSync(sub);
    expect((await recallIds("widgets", [], sub)).sort()).toEqual([a.id, g.id].sort());
    // "global" and "all" given to --project are the scopes, as MCP reads them (QA: they became projects).
    const g2 = await remember(["widgets are shipped in crates", "--project", "global"], alpha);
    expect((await recallIds("widgets", [], beta)).sort()).toEqual([b.id, g.id, g2.id].sort());
    expect((await recallIds("widgets", ["--project", "all"], s.cwd)).sort()).toEqual([a.id, b.id, g.id, g2.id].sort());
    expect((await recallIds("widgets", ["--project", "global"], alpha)).sort()).toEqual([g.id, g2.id].sort());
    const all = await s.run(["remember", "widgets everywhere", "--project", "all"], { cwd: alpha });
    expect(all.exitCode).toBe(2);
    expect(all.stderr).toContain("one project or to the global scope");
    await s.ok(["edit", a.id, "--project", "global"]);
    expect((await recallIds("widgets", [], beta)).sort()).toEqual([a.id, b.id, g.id, g2.id].sort());
  });

  test("--event-time is kept and shown in JSON", async () => {
    const made = await remember(["Outage of the billing API", "--event-time", "2024-05-01T14:30:00Z"]);
    expect((await recall("billing outage")).results[0]).toMatchObject({ id: made.id, event_time: "2024-05-01T14:30:00.000Z" });
    expect((await s.json<MemoryJson>(["get", made.id, "--json"])).event_time).toBe("2024-05-01T14:30:00.000Z");
    expect((await s.run(["remember", "x", "--event-time", "not a time"])).exitCode).toBe(2);
  });

  test("--budget trims the results to about that many tokens", async () => {
    for (let i = 0; i < 4; i++) await remember([`budgeted memory ${i}: ${"lorem ipsum dolor sit amet ".repeat(15)}`]);
    const all = (await recall("budgeted memory")).results;
    expect(all).toHaveLength(4);
    const tight = (await recall("budgeted memory", ["--budget", "60"])).results;
    expect(tight).toHaveLength(1);
    expect(tight[0]!.truncated).toBe(true);
    expect(tight[0]!.content.length).toBeLessThan(all[0]!.content.length);
    const roomy = (await recall("budgeted memory", ["--budget", "250"])).results;
    expect(roomy.length).toBeGreaterThan(1);
    expect(roomy.length).toBeLessThan(4);
    expect((await s.run(["recall", "x", "--budget", "lots"])).exitCode).toBe(2);
  });

  test("hostile queries never fail", async () => {
    await remember(["col:val NEAR(a b) and other (((syntax))) with \"quotes\" 🎉 -foo *"]);
    await remember(["plain memory about a and b"]);
    const tenKb = Array.from({ length: 1200 }, (_, i) => `w${i}`).join(" ").slice(0, 10_240);
    const queries = ['"unbalanced', "NEAR(a b)", "a AND OR NOT b", "(((", "*", "-foo", "x -foo", "col:val", "🎉", "🦀 emoji 🎉", "'; DROP TABLE memories; --", "^", "a:b:c", tenKb];
    const runs = await Promise.all(queries.map((q) => s.run(["recall", "--json", "--", q])));
    runs.forEach((r, i) => {
      expect({ query: queries[i]!.slice(0, 40), exit: r.exitCode, stderr: r.stderr }).toEqual({ query: queries[i]!.slice(0, 40), exit: 0, stderr: "" });
      expect(Array.isArray((JSON.parse(r.stdout) as RecallJson).results)).toBe(true);
    });
    expect(await total()).toBe(2);
  });

  test("CJK text is found by a substring query", async () => {
    const made = await remember(["日本語のテストです"]);
    expect(await recallIds("日本")).toEqual([made.id]);
    expect(await recallIds("テスト")).toEqual([made.id]);
  });
});

describe("get, edit, forget, restore", () => {
  test("get by full id and by unique prefix; --history shows the content before an edit", async () => {
    const made = await remember(["The cache TTL is 5 minutes"]);
    const full = await s.json<MemoryJson>(["get", made.id, "--json"]);
    expect(full).toMatchObject({ id: made.id, content: "The cache TTL is 5 minutes", status: "active" });
    expect((await s.json<MemoryJson>(["get", made.id.slice(0, 8), "--json"])).id).toBe(made.id);

    const edited = await s.json<MemoryJson>(["edit", made.id, "--content", "The cache TTL is 10 minutes", "--json"]);
    expect(edited.content).toBe("The cache TTL is 10 minutes");
    const withHistory = await s.json<MemoryJson & { history: Array<{ op: string; content_before: string | null }> }>(["get", made.id, "--history", "--json"]);
    expect(withHistory.content).toBe("The cache TTL is 10 minutes");
    expect(withHistory.history.map((h) => h.op)).toEqual(["create", "update"]);
    expect(withHistory.history[1]!.content_before).toBe("The cache TTL is 5 minutes");
    expect((await s.ok(["get", made.id, "--history"])).stdout).toContain("The cache TTL is 5 minutes");
    expect(await recallIds("10 minutes")).toEqual([made.id]);
    // The same text again changes nothing and says so; no version is added (QA: it said "Updated").
    expect((await s.ok(["edit", made.id, "--content", "The cache TTL is 10 minutes"])).stdout).toContain("Nothing changed: memory");
    expect((await s.json<{ unchanged?: boolean }>(["edit", made.id, "--content", "The cache TTL is 10 minutes", "--json"])).unchanged).toBe(true);
    expect((await s.json<{ history: unknown[] }>(["get", made.id, "--history", "--json"])).history).toHaveLength(2);
    const empty = await s.run(["edit", made.id, "--project", ""]);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('--project "" names no project');
    // A move to a project no memory is in, and a secret taken out, are said, as remember says them (QA).
    const moved = await s.run(["edit", made.id, "--project", "brandnew"]);
    expect(moved.stdout).toContain('No memory was in project "brandnew" before: it starts now.');
    expect((await s.json<{ new_project?: boolean }>(["edit", made.id, "--project", "brandnew", "--tags", "x", "--json"])).new_project).toBeUndefined();
    const secret = await s.run(["edit", made.id, "--content", "The cache admin password is Zq8#mK2pLx9"]);
    expect(secret.stdout).toContain("Took out 1 secret");
    expect((await s.json<{ redacted?: number }>(["edit", made.id, "--content", "The cache TTL is 15 minutes", "--json"])).redacted).toBeUndefined();
  });

  test("forget archives (not recalled, listed as archived); restore brings it back", async () => {
    const made = await remember(["Staging runs on port 8443"]);
    expect(await s.json(["forget", made.id, "--json"])).toEqual({ id: made.id, status: "archived", changed: true, current: [] });
    expect(await s.json(["forget", made.id, "--json"])).toEqual({ id: made.id, status: "archived", changed: false, current: [] });
    expect(await recallIds("staging port")).toEqual([]);
    const archived = await s.json<{ memories: MemoryJson[] }>(["list", "--status", "archived", "--json"]);
    expect(archived.memories.map((m) => m.id)).toEqual([made.id]);
    expect(await s.json(["restore", made.id, "--json"])).toEqual({ id: made.id, status: "active", changed: true, superseded: [] });
    expect(await s.json(["restore", made.id, "--json"])).toEqual({ id: made.id, status: "active", changed: false, superseded: [] });
    expect(await recallIds("staging port")).toEqual([made.id]);
  });

  test("forget --hard: gone from recall, get, export and the raw database bytes", async () => {
    await remember(["an unrelated first memory"]);
    await remember(["an unrelated second memory"]);
    const marker = "ZQXJ-PURGE-7731";
    const made = await remember([`the secret token is ${marker} do not keep`]);
    await s.ok(["edit", made.id, "--content", `the secret token is ${marker} rotated`]);
    await s.ok(["get", made.id]);
    const purged = await s.json(["forget", made.id, "--hard", "--yes", "--json"]);
    expect(purged).toMatchObject({ id: made.id, status: "purged", receipt: { content_hash: expect.stringMatching(/^hmac:[0-9a-f]{64}$/) } });
    // The receipt names the chained audit entry of the purge, and the log still holds it.
    const { receipt } = purged as { receipt: { audit_seq: number; audit_hash: string } };
    const head = await s.json<{ seq: number; hash: string }>(["audit", "head", "--json"]);
    expect({ seq: head.seq, hash: head.hash }).toEqual({ seq: receipt.audit_seq, hash: receipt.audit_hash });
    expect((await s.run(["audit", "verify", "--from", `${receipt.audit_seq}:${receipt.audit_hash}`])).exitCode).toBe(0);

    expect(await recallIds("secret token")).toEqual([]);
    const get = await s.run(["get", made.id]);
    expect(get.exitCode).toBe(1);
    expect(await exportText()).not.toContain(marker);
    // Every cairn process has exited: what is on disk now is what an attacker with the file would see.
    const bytes = rawDbBytes(join(s.cairnHome, "cairn.db"));
    expect(bytes.includes(marker)).toBe(false);
  });

  test("forget --hard: the full-text index keeps no term of the purged text", async () => {
    await remember(["an unrelated first memory"]);
    // One distinctive token, no other indexed word shares its first letters, so FTS5 stores it whole.
    const token = "xylophonequokka";
    const made = await remember([`remember the ${token} password`]);
    await s.ok(["forget", made.id, "--hard", "--yes"]);
    const bytes = rawDbBytes(join(s.cairnHome, "cairn.db"));
    expect(bytes.includes(token.slice(1))).toBe(false);
  });

  test("not-found ids exit 1 with an actionable message", async () => {
    for (const cmd of [["get"], ["edit", "--content", "x"], ["forget"], ["restore"]]) {
      const r = await s.run([cmd[0]!, "0000dead", ...cmd.slice(1)]);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("0000dead");
      expect(r.stderr).toContain("cairn list");
    }
  });
});

describe("list, stats, doctor, config, version", () => {
  test("list filters by type, tags, status and --since", async () => {
    const old = await remember(["an old lesson about retries", "--type", "lesson", "--event-time", "2020-01-01"]);
    const dec = await remember(["a recent decision about queues", "--type", "decision", "--tags", "queue,infra"]);
    const gone = await remember(["a note to archive"]);
    await s.ok(["forget", gone.id]);
    const ids = async (args: string[]) => (await s.json<{ memories: MemoryJson[]; total: number }>(["list", "--json", ...args])).memories.map((m) => m.id);

    expect((await ids([])).sort()).toEqual([old.id, dec.id].sort());
    expect(await ids(["--type", "lesson"])).toEqual([old.id]);
    expect(await ids(["--tags", "infra"])).toEqual([dec.id]);
    expect(await ids(["--tags", "infra,nope"])).toEqual([]);
    expect(await ids(["--status", "archived"])).toEqual([gone.id]);
    expect((await ids(["--status", "all"])).length).toBe(3);
    expect(await ids(["--since", "2023-01-01"])).toEqual([dec.id]);
    expect(await ids(["--until", "2023-01-01"])).toEqual([old.id]);
    const page = await s.json<{ memories: MemoryJson[]; total: number }>(["list", "--json", "--limit", "1"]);
    expect(page.memories).toHaveLength(1);
    expect(page.total).toBe(2);
    // Pages say where they sit: the next one, the last one, one past the end (QA).
    expect((await s.ok(["list", "--limit", "1"])).stdout).toContain("1–1 of 2 shown; --offset 1 shows the next.");
    expect((await s.ok(["list", "--limit", "1", "--offset", "1"])).stdout).toContain("2–2 of 2 shown (the last).");
    expect((await s.ok(["list", "--offset", "1000"])).stdout).toBe("No memories past --offset 1000: 2 match, from --offset 0 to 1.\n");
    // Three memories, one archived: types and projects count the two active ones, and say so.
    expect((await s.ok(["stats"])).stdout).toMatch(/memories {3}3 \(active 2, archived 1\)\ntypes {6}decision 1, lesson 1 {3}\(active memories\)/);
    expect((await s.run(["list", "--status", "bogus"])).exitCode).toBe(2);
    const lapsed = await remember(["a note that lapsed", "--ttl", "1s"]);
    await Bun.sleep(1100);
    expect(await ids([])).not.toContain(lapsed.id);
    const shown = (await s.run(["list", "--expired"])).stdout;
    expect(shown).toMatch(new RegExp(`${lapsed.id.slice(-8)}  note .*  expired\n  a note that lapsed`));
    expect(shown).not.toMatch(/expired\n  a recent decision/);
  });

  test("stats --json counts what is stored", async () => {
    await remember(["fact one about stats", "--type", "fact"]);
    await remember(["fact two about stats", "--type", "fact"]);
    const gone = await remember(["lesson about stats", "--type", "lesson"]);
    await s.ok(["forget", gone.id]);
    const stats = await s.json<Record<string, any>>(["stats", "--json"]);
    expect(stats.total).toBe(3);
    expect(stats.by_status).toEqual({ active: 2, archived: 1 });
    expect(stats.by_type).toEqual({ fact: 2 });
    expect(stats.db_path).toBe(join(s.cairnHome, "cairn.db"));
    expect(stats.db_bytes).toBeGreaterThan(0);
  });

  test("doctor passes on a fresh and a used database", async () => {
    const fresh = await s.run(["doctor"]);
    expect(fresh.exitCode).toBe(0);
    await remember(["something for the doctor to check"]);
    const report = await s.json<{ ok: boolean; checks: Array<{ name: string; level: string }> }>(["doctor", "--json"]);
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.level === "fail")).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(["integrity", "fts index", "schema"]));
    // The compiled binary carries the keyword search thread's entry, and the thread can read the store.
    expect(report.checks.find((c) => c.name === "search thread")?.level).toBe("ok");
  });

  test("doctor reports the keyword index file, --repair writes it, a damaged one is reported and recall still answers", async () => {
    await remember(["the keyword index file holds these words"]);
    const check = async (args: string[] = []) => (await s.json<{ checks: Array<{ name: string; level: string; detail: string }> }>(["doctor", "--json", ...args])).checks.find((c) => c.name === "keyword index");
    const file = join(s.cairnHome, "keywords.idx");
    expect(existsSync(file)).toBe(false);
    expect((await check())?.level).toBe("info");
    expect((await check(["--repair"]))?.level).toBe("ok");
    expect(existsSync(file)).toBe(true);
    const bytes = readFileSync(file);
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff;
    writeFileSync(file, bytes);
    expect((await check())?.level).toBe("warn");
    expect(await recallIds("keyword index file")).toHaveLength(1);
  });

  test("config set / get / unset; invalid values and keys are rejected with exit 2", async () => {
    expect(await s.json(["config", "get", "limit", "--json"])).toEqual({ key: "limit", value: 10, source: "default" });
    await s.ok(["config", "set", "limit", "3"]);
    expect((await s.ok(["config", "get", "limit"])).stdout.trim()).toBe("3");
    expect(await s.json(["config", "get", "limit", "--json"])).toEqual({ key: "limit", value: 3, source: "file" });
    for (let i = 0; i < 5; i++) await remember([`configured memory number ${i}`]);
    expect(await recallIds("configured memory")).toHaveLength(3);
    const configFile = join(s.cairnHome, "config.json");
    const before = readFileSync(configFile, "utf8");
    for (const bad of [["limit", "abc"], ["limit", "0"], ["mode", "telepathy"], ["nosuchkey", "1"]]) {
      const r = await s.run(["config", "set", ...bad]);
      expect({ bad, exit: r.exitCode }).toEqual({ bad, exit: 2 });
      expect(r.stderr).not.toBe("");
    }
    expect(readFileSync(configFile, "utf8")).toBe(before);
    expect((await s.ok(["config", "unset", "limit"])).stdout).toContain("Removed limit from");
    expect(await s.json(["config", "get", "limit", "--json"])).toEqual({ key: "limit", value: 10, source: "default" });
    // Again: nothing to remove, and said so (QA).
    expect((await s.ok(["config", "unset", "limit"])).stdout).toContain("limit was not set in");
    expect((await s.json<{ unchanged?: boolean }>(["config", "unset", "limit", "--json"])).unchanged).toBe(true);
    expect(await s.json(["config", "get", "limit", "--json"], { env: { CAIRN_LIMIT: "7" } })).toEqual({ key: "limit", value: 7, source: "env" });
  });

  test("version", async () => {
    const version = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "package.json"), "utf8")).version as string;
    expect((await s.ok(["version"])).stdout.trim()).toBe(`cairn ${version}`);
    expect((await s.ok(["--version"])).stdout.trim()).toBe(version);
    expect((await s.json(["version", "--json"])).version).toBe(version);
    expect(await s.json(["--version", "--json"])).toEqual({ version });
    // --json before the command, or with no command, still answers in JSON (QA: `cairn --json` printed nothing).
    expect((await s.json<{ version: string }>(["--json", "version"])).version).toBe(version);
    const help = await s.json<{ commands: Array<{ command: string; description: string }> }>(["--help", "--json"]);
    expect(help.commands.find((c) => c.command === "recall")?.description).toBe("find memories relevant to a query");
    // `hook` is a command too, and the --json promise names the two that speak JSON already (QA).
    expect(help.commands.map((c) => c.command)).toContain("hook");
    const rootHelp = (await s.ok(["--help"])).stdout;
    expect(rootHelp).toMatch(/\n {2}hook {2,}/);
    expect(rootHelp).toContain("all but mcp and hook, which speak JSON already, take --json");
    expect(rootHelp).toContain("unshare");
    // A long alias is shown with the two dashes it takes (QA: help showed `-out`, which the flag check refuses).
    const exportHelp = (await s.ok(["export", "--help"])).stdout;
    expect(exportHelp).toContain("--out, --output=<path>");
    expect(exportHelp).not.toMatch(/\s-out,/);
    expect((await s.ok(["forget", "--help"])).stdout).toContain("-y, --yes");
    const bare = await s.run(["--json"]);
    expect(bare.exitCode).toBe(2);
    expect(JSON.parse(bare.stdout)).toEqual({ error: { code: "USAGE", message: "No command given. Run `cairn --help --json` to list the commands." } });
    // version must not create a database.
    expect(existsSync(join(s.cairnHome, "cairn.db"))).toBe(false);
  });
});

describe("exit codes and errors", () => {
  test("usage mistakes exit 2 with a message on stderr and nothing on stdout", async () => {
    const cases: Array<[string[], string]> = [
      [["rember", "x"], "rember"],
      [["list", "--limt", "3"], "--limt"],
      [["recall"], "QUERY"],
      [["recall", "x", "--limit", "many"], "--limit"],
      [["remember", "x", "--global", "--all-projects"], "--global"],
      [[], "Usage"],
    ];
    for (const [args, mention] of cases) {
      const r = await s.run(args);
      expect({ args, exit: r.exitCode, stdout: r.stdout }).toEqual({ args, exit: 2, stdout: "" });
      expect(r.stderr).toContain(mention);
    }
  });

  test("errors under --json are {error:{code,message}} on stdout", async () => {
    const cases: Array<[string[], number, string]> = [
      [["get", "0000dead", "--json"], 1, "NOT_FOUND"],
      [["list", "--limt", "3", "--json"], 2, "USAGE"],
      [["recall", "--json"], 2, "USAGE"],
      [["rember", "--json"], 2, "USAGE"],
      [["remember", "x", "--type", "bogus", "--json"], 2, "BAD_TYPE"],
      [["config", "set", "limit", "abc", "--json"], 2, "CONFIG_VALUE"],
      [["import", join(s.root, "missing.jsonl"), "--json"], 1, "IMPORT_READ"],
    ];
    for (const [args, exit, code] of cases) {
      const r = await s.run(args);
      expect({ args, exit: r.exitCode }).toEqual({ args, exit });
      const body = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(Object.keys(body)).toEqual(["error"]);
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(10);
    }
  });

  test("every command's --json output parses as JSON", async () => {
    const made = await remember(["json everywhere please"]);
    const jsonl = join(s.root, "one.jsonl");
    writeFileSync(jsonl, `${JSON.stringify({ content: "imported for json check" })}\n`);
    const commands = [
      ["recall", "json", "--json"],
      ["get", made.id, "--json"],
      ["get", made.id, "--history", "--json"],
      ["list", "--json"],
      ["edit", made.id, "--tags", "a,b", "--json"],
      ["forget", made.id, "--json"],
      ["restore", made.id, "--json"],
      ["stats", "--json"],
      ["import", jsonl, "--json"],
      ["export", "--output", join(s.root, "out.jsonl"), "--json"],
      ["doctor", "--json"],
      ["config", "--json"],
      ["config", "path", "--json"],
      ["version", "--json"],
    ];
    for (const args of commands) {
      const r = await s.ok(args);
      expect(r.stdout.trim().split("\n")).toHaveLength(1);
      expect(() => JSON.parse(r.stdout)).not.toThrow();
    }
    const lines = (await s.ok(["export", "--json"])).stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe("import and export", () => {
  const line = (o: Record<string, unknown>) => JSON.stringify(o);

  test("imports every field of a JSONL file, with progress on stderr", async () => {
    const file = join(s.root, "in.jsonl");
    const lines = [
      line({ content: "Imported decision about caching", type: "decision", tags: ["cache", "Perf"], event_time: "2023-03-04T05:06:07Z", project: "imported-app", metadata: { ticket: "ABC-12", n: 3 } }),
      line({ content: "Imported global preference for tabs", type: "preference", project: null }),
      "",
      line({ content: "Imported plain note" }),
    ];
    writeFileSync(file, `${lines.join("\n")}\n`);
    const r = await s.ok(["import", file]);
    expect(r.stderr).toMatch(/import: 3 lines read and committed \(3 new, 0 already known\)/);
    expect(r.stdout).toContain("3 new");

    const records = (await exportText()).trim().split("\n").map((l) => JSON.parse(l) as MemoryJson);
    const decision = records.find((m) => m.content.startsWith("Imported decision"))!;
    expect(decision).toMatchObject({ type: "decision", tags: ["cache", "perf"], event_time: "2023-03-04T05:06:07.000Z", project: "imported-app", metadata: { ticket: "ABC-12", n: 3 } });
    expect(records.find((m) => m.content.startsWith("Imported global"))!.project).toBeNull();
    expect(records.find((m) => m.content === "Imported plain note")!.project).toBe(s.cwd);

    const again = await s.json<{ lines: number; created: number; duplicates: number }>(["import", file, "--json"]);
    expect(again).toMatchObject({ lines: 3, created: 0, duplicates: 3 });
    expect(await total()).toBe(3);
  });

  test("a bad line stops the import, names the line, and imports nothing", async () => {
    await remember(["already here before the import"]);
    const good = (i: number) => line({ content: `bulk memory ${i}` });
    const cases: Array<[string, string[], number]> = [
      ["invalid JSON", [good(1), good(2), '{"content": "broken', good(4)], 3],
      ["unknown type", [good(1), good(2), good(3), line({ content: "typed", type: "bogus" }), good(5)], 4],
      ["missing content", [good(1), line({ type: "note" })], 2],
    ];
    for (const [name, lines, lineNo] of cases) {
      const file = join(s.root, `${name.replace(/ /g, "-")}.jsonl`);
      writeFileSync(file, `${lines.join("\n")}\n`);
      const r = await s.run(["import", file]);
      expect({ name, failed: r.exitCode !== 0 }).toEqual({ name, failed: true });
      expect(r.stderr).toContain(`line ${lineNo}`);
      expect(await total()).toBe(1);
    }
  });

  test("a long import reads its lines on a second thread: the same memories, secrets redacted, a bad line there still stops it", async () => {
    // Past the first 2,048 lines (import-thread.ts THREAD_FROM) lines are read on the parse thread.
    const token = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    const lines = Array.from({ length: 3000 }, (_, i) => line({ content: `threaded import note ${i} about widget ${i % 97}`, tags: [`batch${i % 5}`] }));
    lines[2500] = line({ content: `the mirror deploys with token ${token} every night` });
    lines[2700] = lines[2600]!;
    const file = join(s.root, "long.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const r = await s.run(["import", file, "--json", "--no-embed"], { env: { CAIRN_LOG_LEVEL: "debug" } });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("import: reading lines on a second thread");
    expect(JSON.parse(r.stdout)).toMatchObject({ lines: 3000, created: 2999, duplicates: 1 });
    const exported = await exportText();
    expect(exported).not.toContain(token);
    expect(exported).toContain("the mirror deploys with token [REDACTED:");
    expect((await recall("threaded import note 2999")).results[0]).toMatchObject({ content: "threaded import note 2999 about widget 89", tags: ["batch4"] });

    const bad = [...lines];
    bad[2899] = '{"content": "broken';
    writeFileSync(file, `${bad.map((l, i) => l.replace("threaded import", `again ${i}`)).join("\n")}\n`);
    const failed = await s.run(["import", file, "--no-embed"], { env: { CAIRN_LOG_LEVEL: "debug" } });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toContain("import: reading lines on a second thread");
    expect(failed.stderr).toContain("line 2900");
    expect(await total()).toBe(2999);
  });

  test("import - reads stdin", async () => {
    const stdin = [line({ content: "from stdin one" }), line({ content: "from stdin two", tags: "x,y" })].join("\n");
    const r = await s.json<{ created: number }>(["import", "-", "--json"], { stdin });
    expect(r.created).toBe(2);
    expect((await recall("stdin two")).results[0]).toMatchObject({ content: "from stdin two", tags: ["x", "y"] });
  });

  test("export → import into a fresh home → export is byte-identical", async () => {
    const alpha = s.project("alpha");
    await remember(["alpha decision with tags", "--type", "decision", "--tags", "x,y"], alpha);
    await remember(["global preference kept everywhere", "--type", "preference"], alpha);
    await remember(["a task with an event time", "--type", "task", "--event-time", "2022-02-02T02:02:02Z"], alpha);
    const edited = await remember(["content before the edit"], alpha);
    await s.ok(["edit", edited.id, "--content", "content after the edit", "--tags", "edited"]);
    const archived = await remember(["archived but exported"], alpha);
    await s.ok(["forget", archived.id]);
    await remember(["a checkpoint in the sandbox cwd", "--type", "checkpoint"]);
    const file = join(s.root, "meta.jsonl");
    writeFileSync(file, [
      line({ content: "imported with metadata", metadata: { nested: { a: [1, 2] }, s: "ü" }, project: "named", event_time: 1700000000000 }),
      line({ content: "imported superseded", status: "superseded", superseded_by: edited.id, project: "named" }),
    ].join("\n"));
    await s.ok(["import", file]);
    await s.ok(["recall", "alpha decision"], { cwd: alpha });

    const first = await exportText();
    expect(first.trim().split("\n")).toHaveLength(8);
    expect(first).toContain('"status":"archived"');
    expect(first).toContain('"project":null');

    const other = createSandbox();
    try {
      const out = join(other.root, "dump.jsonl");
      writeFileSync(out, first);
      await other.ok(["import", out]);
      const second = (await other.ok(["export"])).stdout;
      expect(second).toBe(first);
    } finally {
      other.cleanup();
    }
  });
});
