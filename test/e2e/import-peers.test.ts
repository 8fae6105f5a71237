/**
 * @module `cairn import --from <format>` through the binary, for each format: a dry run changes nothing, the
 * import creates what the dry run announced, a second import adds nothing, and a malformed source is refused
 * with the record named and nothing written.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { omegaDb } from "../helpers/omega-db.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

setDefaultTimeout(60_000);
requireBinary();

const FIX = join(import.meta.dir, "..", "fixtures", "peers");
let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-peers-");
});
afterEach(() => s.cleanup());

interface Report {
  dry_run: boolean;
  records: number;
  created: number;
  already_present: number;
  links_created: number;
  links_existing: number;
  items: Array<{ action: string; content: string; reason?: string }>;
}

/** Every stored memory, expired and superseded ones included (OMEGA's session summaries expire within the hour). */
const total = async () => (await s.ok(["export"])).stdout.split("\n").filter((l) => l.trim() !== "").length;

const cases: Array<{ format: string; source: () => string; bad: string; badWhere: RegExp; records: number; links: number; projects: () => Array<string | null> }> = [
  {
    format: "mcp-memory",
    source: () => join(FIX, "mcp-memory", "memory.jsonl"),
    bad: join(FIX, "mcp-memory", "missing-entity-type.jsonl"),
    badWhere: /stopped at line 2: "entityType" of entity "Anthropic"/,
    records: 12,
    links: 11,
    projects: () => [null],
  },
  {
    format: "agent-rules",
    source: () => {
      const repo = s.project("rules-repo");
      cpSync(join(FIX, "agent-rules", "repo"), repo, { recursive: true });
      return repo;
    },
    bad: join(FIX, "agent-rules", "unclosed.mdc"),
    badWhere: /unclosed\.mdc stopped at line 1: the frontmatter/,
    records: 14,
    links: 0,
    projects: () => [join(s.root, "projects", "rules-repo")],
  },
  {
    format: "mem0",
    source: () => join(FIX, "mem0", "get_all.json"),
    bad: join(FIX, "mem0", "bad-record.json"),
    badWhere: /stopped at record 2 \(id 1c8f0a3b-4d5e-4f60-9b0c-1d2e3f4a5b6c\): "memory" must be a string/,
    records: 3,
    links: 0,
    projects: () => [null],
  },
  {
    format: "basic-memory",
    source: () => join(FIX, "basic-memory", "notes"),
    bad: join(FIX, "basic-memory", "unclosed-note.md"),
    badWhere: /unclosed-note\.md stopped at line 1: the frontmatter/,
    records: 18,
    links: 18,
    projects: () => [null],
  },
  {
    format: "omega",
    source: () => omegaDb(s.root, "omega-v5"),
    bad: "bad-metadata",
    badWhere: /bad-metadata\.db stopped at memory mem-0000000000b2: "metadata" is not a JSON object/,
    records: 7,
    links: 3,
    projects: () => ["/home/dev/acme-api", null],
  },
];

describe("cairn import --from", () => {
  for (const c of cases) {
    test(`${c.format}: dry run writes nothing, import creates it, again adds nothing, malformed is refused`, async () => {
      const source = c.source();
      const dry = await s.json<Report>(["import", "--from", c.format, source, "--dry-run", "--json"]);
      expect(dry).toMatchObject({ dry_run: true, records: c.records, created: c.records, already_present: 0, links_created: c.links });
      expect(await total()).toBe(0);

      const human = await s.ok(["import", "--from", c.format, source, "--dry-run"]);
      expect(human.stdout).toContain("nothing was written");
      expect(human.stdout).toContain(`${c.records} records: ${c.records} would be created`);

      const done = await s.json<Report>(["import", "--from", c.format, source, "--json", "--no-embed"]);
      expect(done).toMatchObject({ dry_run: false, created: c.records, already_present: 0, links_created: c.links });
      // The created records are the store's now: the import's --json lists them by id and place, without their
      // text (QA: 58 MB of it), so a script knows what it made (QA: it listed none of them).
      expect(done.items).toHaveLength(c.records);
      expect(done.items.every((i) => i.action === "create" && i.content === undefined && typeof (i as { id?: unknown }).id === "string")).toBe(true);
      expect(await total()).toBe(c.records);
      const ids = new Set((await s.ok(["export"])).stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id));
      expect(done.items.every((i) => ids.has((i as unknown as { id: string }).id))).toBe(true);
      const exported = (await s.ok(["export"])).stdout.trim().split("\n").map((l) => JSON.parse(l) as { project: string | null; metadata: { source_format?: string } });
      expect(new Set(exported.map((m) => m.project))).toEqual(new Set(c.projects()));
      expect(new Set(exported.map((m) => m.metadata.source_format))).toEqual(new Set([c.format]));

      const again = await s.json<Report>(["import", "--from", c.format, source, "--json", "--no-embed"]);
      expect(again).toMatchObject({ created: 0, already_present: c.records, links_created: 0, links_existing: c.links });
      const dryAgain = await s.json<Report>(["import", "--from", c.format, source, "--dry-run", "--json"]);
      expect(new Set(dryAgain.items.map((i) => i.reason))).toEqual(new Set(["already imported"]));
      expect(await total()).toBe(c.records);

      const bad = await s.run(["import", "--from", c.format, c.format === "omega" ? omegaDb(s.root, c.bad) : c.bad]);
      expect(bad.exitCode).toBe(1);
      expect(bad.stderr).toMatch(c.badWhere);
      expect(bad.stderr).toContain("Nothing was imported");
      expect(await total()).toBe(c.records);
    });
  }

  test("a dry run before the first import plans against an empty store and creates none", async () => {
    const home = join(s.root, "not-yet");
    const dry = await s.json<Report>(["import", "--from", "mcp-memory", join(FIX, "mcp-memory", "memory.jsonl"), "--dry-run", "--json"], { env: { CAIRN_HOME: home } });
    expect(dry).toMatchObject({ dry_run: true, records: 12, created: 12, already_present: 0 });
    expect(existsSync(home)).toBe(false);
  });

  test("agent-rules imported again after a rule was reworded: the old wording is archived, said in the report", async () => {
    const repo = s.project("rules-repo");
    cpSync(join(FIX, "agent-rules", "repo"), repo, { recursive: true });
    await s.ok(["import", "--from", "agent-rules", repo, "--no-embed"]);
    const claude = join(repo, "CLAUDE.md");
    writeFileSync(claude, readFileSync(claude, "utf8").replace("Always use named exports.", "Always use default exports."));
    const dry = await s.ok(["import", "--from", "agent-rules", repo, "--dry-run"]);
    expect(dry.stdout).toContain("retire   decision   Always use named exports.  [CLAUDE.md] — no longer in CLAUDE.md");
    expect(dry.stdout).toContain("1 would be created, 13 already present; 1 earlier memory the source no longer holds would be archived");
    const done = await s.json<Report & { retired: number; no_longer_in_source: Array<{ action: string; content: string }> }>(["import", "--from", "agent-rules", repo, "--json", "--no-embed"]);
    expect(done).toMatchObject({ created: 1, retired: 1, no_longer_in_source: [{ action: "retire", content: "Always use named exports." }] });
    const listed = await s.json<{ memories: Array<{ content: string }> }>(["list", "--json", "--limit", "50"], { cwd: repo });
    const contents = listed.memories.map((m) => m.content);
    expect(contents).toContain("Always use default exports.");
    expect(contents).not.toContain("Always use named exports.");
  });

  test("agent-rules reads a monorepo's nested CLAUDE.md; its rules go when the package goes; one record is one record", async () => {
    const repo = s.project("mono-repo");
    writeFileSync(join(repo, "CLAUDE.md"), "- Never push to main.\n");
    mkdirSync(join(repo, "packages", "api"), { recursive: true });
    const nested = join(repo, "packages", "api", "CLAUDE.md");
    writeFileSync(nested, "- Always run make migrate before the API tests.\n");
    const one = await s.ok(["import", "--from", "agent-rules", nested, "--dry-run"]);
    expect(one.stdout).toContain("1 record: 1 would be created, 0 already present");
    const first = await s.ok(["import", "--from", "agent-rules", repo, "--no-embed"]);
    expect(first.stdout).toContain("2 records: 2 were created");
    rmSync(join(repo, "packages"), { recursive: true });
    const again = await s.ok(["import", "--from", "agent-rules", repo, "--no-embed"]);
    expect(again.stdout).toContain("retire   decision   Always run make migrate before the API tests.  [packages/api/CLAUDE.md] — no longer in packages/api/CLAUDE.md");
    expect(again.stdout).toContain("1 record: 0 were created, 1 already present; 1 earlier memory the source no longer holds was archived");
  });

  test("the report of an mcp-memory import quotes no secret of the source, text or --json, dry run or not (QA)", async () => {
    const file = join(s.root, "secret-memory.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ type: "entity", name: "AKIAIOSFODNN7EXAMPLE", entityType: "key", observations: ["has token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 in it"] }),
        JSON.stringify({ type: "entity", name: "Other", entityType: "thing", observations: [] }),
        JSON.stringify({ type: "relation", from: "AKIAIOSFODNN7EXAMPLE", to: "Other", relationType: "password=hunter2hunter2" }),
      ].join("\n"),
    );
    for (const args of [["--dry-run", "--json"], ["--dry-run"], ["--json"], []]) {
      const r = await s.run(["import", "--from", "mcp-memory", file, "--no-embed", ...args]);
      expect(r.exitCode).toBe(0);
      for (const secret of ["AKIAIOSFODNN7EXAMPLE", "ghp_aBcDeFgHiJk", "hunter2hunter2"]) expect({ args, leaked: r.stdout.includes(secret) }).toEqual({ args, leaked: false });
    }
  });

  test("mcp-memory into a named project, found by recall there; an unknown format is a usage error", async () => {
    const app = s.project("app");
    await s.ok(["import", "--from", "mcp-memory", join(FIX, "mcp-memory", "memory.jsonl"), "--project", app]);
    const hits = await s.json<{ results: Array<{ content: string; project: string }> }>(["recall", "Spanish", "--json", "--mode", "keyword"], { cwd: app });
    expect(hits.results[0]).toMatchObject({ content: "John_Smith: Speaks fluent Spanish", project: app });
    const wrong = await s.run(["import", "--from", "omega-db", "x.db"]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain('Unknown import format "omega-db". Formats cairn reads: mcp-memory, agent-rules, mem0, basic-memory, omega');
  });
});
