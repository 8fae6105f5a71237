/** @module Peer-format adapters on fixtures built from each format's documentation: records, links, what is left out, and errors that name the record. */
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adapter as agentRules, classify } from "../../src/import-formats/agent-rules.ts";
import { adapter as basicMemory } from "../../src/import-formats/basic-memory.ts";
import { markdownItems } from "../../src/import-formats/markdown-items.ts";
import { adapter as mcpMemory } from "../../src/import-formats/mcp-memory.ts";
import { adapter as mem0 } from "../../src/import-formats/mem0.ts";
import { MAX_PEER_FILE_BYTES } from "../../src/import-formats/read-source.ts";
import { stableId } from "../../src/import-formats/stable-id.ts";
import type { AdapterOptions, PeerBatch } from "../../src/import-formats/types.ts";

const FIX = join(import.meta.dir, "..", "fixtures", "peers");
const opts = (project?: string | null): AdapterOptions => ({ project, projectOfDir: (dir) => `key-of:${dir}` });
const byContent = (batch: PeerBatch, content: string) => {
  const found = batch.records.find((r) => r.content === content);
  if (!found) throw new Error(`no record "${content}" in ${batch.records.map((r) => r.content).join(" | ")}`);
  return found;
};
const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected an error");
};

describe("mcp-memory", () => {
  const batch = mcpMemory.read(join(FIX, "mcp-memory", "memory.jsonl"), opts());

  test("each entity and observation is a global fact tagged with the entity type and name", () => {
    expect(batch.records).toHaveLength(4 + 6 + 2);
    const obs = byContent(batch, "John_Smith: Speaks fluent Spanish");
    expect(obs).toMatchObject({ type: "fact", project: null, tags: ["mcp-memory", "person", "john-smith"] });
    expect(obs.metadata).toEqual({ source_format: "mcp-memory", file: realpathSync(join(FIX, "mcp-memory", "memory.jsonl")), entity: "John_Smith", entity_type: "person" });
    expect(byContent(batch, "Anthropic is an organization.").tags).toEqual(["mcp-memory", "organization", "anthropic"]);
    expect(byContent(batch, "postgres is a technology.").where).toBe('memory.jsonl line 4 (entity "postgres")');
  });

  test("a relation named another way (dependsOn, depends-on) is cairn's; one of an entity to itself is said, not linked", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-mm-"));
    try {
      const entity = (name: string) => JSON.stringify({ type: "entity", name, entityType: "service", observations: [] });
      const relation = (from: string, relationType: string, to: string) => JSON.stringify({ type: "relation", from, to, relationType });
      const file = join(dir, "memory.jsonl");
      writeFileSync(file, [entity("api"), entity("db"), entity("cache"), relation("api", "dependsOn", "db"), relation("cache", "Depends-On", "db"), relation("api", "depends_on", "api")].join("\n"));
      const read = mcpMemory.read(file, opts());
      const id = (name: string) => byContent(read, `${name} is a service.`).id;
      expect(read.links.map((l) => [l.from, l.relation, l.to])).toEqual([[id("api"), "depends_on", id("db")], [id("cache"), "depends_on", id("db")]]);
      expect(read.skipped).toEqual([{ where: 'memory.jsonl line 6 (relation "api" depends_on "api")', reason: "an entity related to itself: cairn links two memories, so there is no link to make" }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("observations are part of their entity; relations are facts linked to both ends", () => {
    const john = byContent(batch, "John_Smith is a person.").id;
    const anthropic = byContent(batch, "Anthropic is an organization.").id;
    const obs = byContent(batch, "John_Smith: Graduated in 2019").id;
    expect(batch.links).toContainEqual(expect.objectContaining({ from: obs, to: john, relation: "part_of" }));
    const works = byContent(batch, "John_Smith works at Anthropic");
    expect(works.metadata.relation).toEqual({ from: "John_Smith", to: "Anthropic", relation_type: "works_at" });
    const worksLinks = batch.links.filter((l) => l.from === works.id);
    expect(worksLinks.map((l) => [l.to, l.relation])).toEqual([[john, "relates_to"], [anthropic, "relates_to"]]);
  });

  test("a relation type that is a cairn relation links the two entities directly, without a fact", () => {
    const billing = byContent(batch, "billing-service is a project.").id;
    const postgres = byContent(batch, "postgres is a technology.").id;
    expect(batch.links).toContainEqual(expect.objectContaining({ from: billing, to: postgres, relation: "depends_on" }));
    expect(batch.records.some((r) => r.content.includes("depends on"))).toBe(false);
    const direct = batch.links.filter((l) => l.from === byContent(batch, "John_Smith is a person.").id);
    expect(direct).toEqual([]);
  });

  test("ids are stable: the same file read twice gives the same ids; another scope or another file, other ids; --project is kept", () => {
    const file = join(FIX, "mcp-memory", "memory.jsonl");
    expect(mcpMemory.read(file, opts()).records.map((r) => r.id)).toEqual(batch.records.map((r) => r.id));
    const acme = mcpMemory.read(file, opts("acme"));
    expect(new Set(acme.records.map((r) => r.project))).toEqual(new Set(["acme"]));
    expect(acme.records.filter((r) => batch.records.some((b) => b.id === r.id))).toEqual([]);
    expect(new Set(batch.records.map((r) => r.id)).size).toBe(batch.records.length);
    // Another memory file naming the same entities (QA: its "Config" was skipped as already imported).
    const dir = mkdtempSync(join(tmpdir(), "cairn-mcpm-"));
    try {
      const other = join(dir, "memory.jsonl");
      writeFileSync(other, readFileSync(file));
      expect(mcpMemory.read(other, opts()).records.filter((r) => batch.records.some((b) => b.id === r.id))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("malformed lines are errors naming the file and line", () => {
    expect(errorOf(() => mcpMemory.read(join(FIX, "mcp-memory", "missing-entity-type.jsonl"), opts()))).toMatch(
      /missing-entity-type\.jsonl stopped at line 2: "entityType" of entity "Anthropic" must be a non-empty string\. Nothing was imported/,
    );
    expect(errorOf(() => mcpMemory.read(join(FIX, "mcp-memory", "cut-short.jsonl"), opts()))).toMatch(/cut-short\.jsonl stopped at line 2: not valid JSON/);
    expect(errorOf(() => mcpMemory.read(join(FIX, "mcp-memory", "absent.jsonl"), opts()))).toMatch(/Cannot read import file .*absent\.jsonl/);
  });
});

test("a secret in an entity's name or type, a relation's type or a mem0 category is taken out before it becomes a tag (QA)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-peer-secret-"));
  try {
    const gh = "ghp_R4nd0mT0k3nV4lu3xyzABCDEFGHIJKLMNOP12";
    const aws = "AKIAQWERTYUIOPASDFGH";
    const file = join(dir, "memory.jsonl");
    writeFileSync(file, [
      JSON.stringify({ type: "entity", name: gh, entityType: aws, observations: ["deploy key for CI"] }),
      JSON.stringify({ type: "entity", name: "ci", entityType: "service", observations: [] }),
      JSON.stringify({ type: "relation", from: "ci", to: "ci2", relationType: `signs_with_${aws}` }),
    ].join("\n"));
    const mem0File = join(dir, "mem0.json");
    writeFileSync(mem0File, JSON.stringify({ results: [{ id: "m1", memory: "staging creds rotated", user_id: "alice", categories: [`key ${aws}`] }] }));
    const tags = [...mcpMemory.read(file, opts()).records, ...mem0.read(mem0File, opts()).records].flatMap((r) => r.tags);
    expect(tags.filter((t) => /r4nd0m|akiaq/i.test(t))).toEqual([]);
    expect(tags).toContain("redacted-github-token");
    expect(tags).toContain("redacted-aws-access-key-id");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("mem0", () => {
  test("get_all results keep text, dates in UTC, owners and categories", () => {
    const batch = mem0.read(join(FIX, "mem0", "get_all.json"), opts());
    expect(batch.records.map((r) => r.type)).toEqual(["preference", "fact", "fact"]);
    const dark = batch.records[0]!;
    expect(dark).toMatchObject({
      content: "Prefers dark mode in every editor",
      project: null,
      created_at: "2024-07-20T17:15:00.123Z",
      updated_at: "2024-07-21T15:00:00.000Z",
      tags: ["mem0"],
    });
    expect(dark.metadata).toEqual({
      source_format: "mem0",
      source_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
      user_id: "alice",
      mem0_hash: "6a1c7e1b4f2e0e3f6a9d0c2b5e8f1a3d",
      mem0_metadata: { source: "chat" },
    });
    const peanuts = batch.records[1]!;
    expect(peanuts).toMatchObject({ tags: ["mem0", "health", "food"], agent: "travel-assistant", session_id: "trip-2024-09", updated_at: "2024-08-01T12:00:00.000Z" });
    expect(peanuts.metadata).toMatchObject({ agent_id: "travel-assistant", run_id: "trip-2024-09" });
    expect(peanuts.metadata.mem0_metadata).toBeUndefined();
    expect(dark.id).toBe(stableId("mem0", "\u00003c90c3cc-0d44-4b50-8888-8dd25736052a"));
  });

  test("the bare list form reads the same way; --project puts the memories there", () => {
    const batch = mem0.read(join(FIX, "mem0", "list.json"), opts("/work/app"));
    expect(batch.records).toHaveLength(1);
    expect(batch.records[0]).toMatchObject({ type: "preference", project: "/work/app", where: "list.json record 1 (id 0b7e9f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b)" });
  });

  test("a record without its memory text is an error naming record and id", () => {
    expect(errorOf(() => mem0.read(join(FIX, "mem0", "bad-record.json"), opts()))).toMatch(
      /bad-record\.json stopped at record 2 \(id 1c8f0a3b-4d5e-4f60-9b0c-1d2e3f4a5b6c\): "memory" must be a string/,
    );
    expect(errorOf(() => mem0.read(join(FIX, "mcp-memory", "memory.jsonl"), opts()))).toMatch(/stopped at the file: not valid JSON/);
  });

  test("a file past the size limit is refused before it is read, naming the limit (QA: endless inputs grew to GBs)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-mem0-big-"));
    try {
      const big = join(dir, "mem0.json");
      writeFileSync(big, "");
      truncateSync(big, MAX_PEER_FILE_BYTES + 1); // sparse: nothing is written
      for (const read of [() => mem0.read(big, opts()), () => mcpMemory.read(big, opts())]) {
        expect(errorOf(read)).toMatch(/Cannot read .*mem0\.json.*more than 256 MiB, the most an import --from reads/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("agent-rules", () => {
  // A repository of its own (a folder holding .git), as users give one: inside cairn's checkout, the fixture's
  // rule files would be named from cairn's root.
  const repo = mkdtempSync(join(tmpdir(), "cairn-rules-repo-"));
  cpSync(join(FIX, "agent-rules", "repo"), repo, { recursive: true });
  mkdirSync(join(repo, ".git"));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const batch = agentRules.read(repo, opts());

  test("every rule file of the repository, per bullet or paragraph, in the repository's project", () => {
    expect(batch.records).toHaveLength(7 + 3 + 2 + 2);
    expect(new Set(batch.records.map((r) => r.project))).toEqual(new Set([`key-of:${repo}`]));
    expect(byContent(batch, "Always use named exports.")).toMatchObject({
      type: "decision",
      tags: ["agent-rules", "claude.md"],
      where: "CLAUDE.md line 10",
      metadata: { source_format: "agent-rules", file: "CLAUDE.md", section: "CLAUDE.md > Code style" },
    });
    expect(byContent(batch, "Prefer small pull requests that change one thing.")).toMatchObject({ type: "preference", tags: ["agent-rules", "copilot-instructions.md"] });
    expect(byContent(batch, "The API lives in `server/` and the web client in `web/`; both are TypeScript.").type).toBe("fact");
  });

  test("a Cursor rule's frontmatter goes to metadata; body lines keep their file line numbers", () => {
    const rule = byContent(batch, "Use function components with hooks; avoid class components.");
    expect(rule).toMatchObject({ type: "decision", where: ".cursor/rules/react.mdc line 7", tags: ["agent-rules", "react.mdc"] });
    expect(rule.metadata.cursor_rule).toEqual({ description: "React component conventions", globs: ["web/**/*.tsx"], always_apply: false });
  });

  test("one file can be given; ids depend on the project, so two repositories do not collide", () => {
    const one = agentRules.read(join(repo, "CLAUDE.md"), opts());
    expect(one.records.map((r) => r.id)).toEqual(batch.records.filter((r) => r.metadata.file === "CLAUDE.md").map((r) => r.id));
    const other = agentRules.read(join(repo, "CLAUDE.md"), opts("other"));
    expect(other.records.map((r) => r.id).filter((id) => one.records.some((r) => r.id === id))).toEqual([]);
  });

  test("a UTF-16 file (a byte-order mark says so) is read as text; a binary or non-UTF-8 one is refused, naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-rules-"));
    try {
      const file = join(dir, "CLAUDE.md");
      writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("- Always be nice to the build.\n", "utf16le")]));
      expect(agentRules.read(file, opts()).records.map((r) => r.content)).toEqual(["Always be nice to the build."]);
      writeFileSync(file, Buffer.from([0x2d, 0x20, 0x41, 0xc3, 0x28, 0x0a]));
      expect(errorOf(() => agentRules.read(file, opts()))).toMatch(/CLAUDE\.md": it is not text in UTF-8 .*byte 3 is not valid/);
      writeFileSync(file, Buffer.from("- a rule\n\u0000\u0001\u0002binary", "latin1"));
      expect(errorOf(() => agentRules.read(file, opts()))).toMatch(/NUL character .*a binary file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unclosed frontmatter and a directory without rule files are errors naming them", () => {
    expect(errorOf(() => agentRules.read(join(FIX, "agent-rules", "unclosed.mdc"), opts()))).toMatch(/unclosed\.mdc stopped at line 1: the frontmatter opened on line 1 is never closed/);
    expect(errorOf(() => agentRules.read(join(FIX, "mem0"), opts()))).toMatch(/stopped at the directory: it holds none of CLAUDE\.md/);
  });

  test("rules are decisions, stated likings preferences, descriptions facts", () => {
    expect(classify("Never push to main")).toBe("decision");
    expect(classify("Do not mock the database")).toBe("decision");
    expect(classify("Use pnpm, not npm")).toBe("decision");
    expect(classify("Prefer composition over inheritance")).toBe("preference");
    expect(classify("We use tabs instead of spaces")).toBe("preference");
    expect(classify("The API lives in server/")).toBe("fact");
    expect(classify("```\nnpm test  # never skip this\n```")).toBe("fact");
    expect(classify("| command | always |\n|---|---|")).toBe("fact");
  });
});

describe("markdownItems", () => {
  test("bullets keep continuations, sub-bullets and the code block after them; paragraphs end at blank lines", () => {
    const md = ["# Top", "Intro one", "intro two.", "", "## Rules", "- Always lint.", "  because CI does", "  - sub point", "- Run tests:", "```", "npm test", "```", "<!-- note", "-->", "After the block."].join("\n");
    expect(markdownItems(md).map((i) => [i.kind, i.text, i.line, i.section.join(">")])).toEqual([
      ["paragraph", "Intro one\nintro two.", 2, "Top"],
      ["bullet", "Always lint. because CI does\n  - sub point", 6, "Top>Rules"],
      ["bullet", "Run tests:\n```\nnpm test\n```", 9, "Top>Rules"],
      ["paragraph", "After the block.", 15, "Top>Rules"],
    ]);
  });
  test("a table under a bullet stays one row a line; after a blank line it is an item of its own (QA)", () => {
    const md = ["- Ports in use:", "| Service | Port |", "|---|---|", "| api | 8080 |", "", "| a | b |", "|---|---|", "- Last."].join("\n");
    expect(markdownItems(md).map((i) => [i.kind, i.text, i.line])).toEqual([
      ["bullet", "Ports in use:\n| Service | Port |\n|---|---|\n| api | 8080 |", 1],
      ["paragraph", "| a | b |\n|---|---|", 6],
      ["bullet", "Last.", 8],
    ]);
  });
});

describe("basic-memory", () => {
  const notes = join(FIX, "basic-memory", "notes");
  const batch = basicMemory.read(notes, opts());

  test("notes and their observations, typed by category, tagged with category, #tags and the note's tags", () => {
    expect(batch.records.filter((r) => r.type === "note").map((r) => r.content)).toEqual([
      "Coffee Brewing Methods: Notes on how we brew coffee in the office, see also [[Tea Brewing Methods]].\n\n## Observations\n- [ ] Descale the kettle",
      "Paul Graham (Person)",
      "Tea Brewing Methods (note)",
    ]);
    expect(byContent(batch, "Coffee Brewing Methods: Buy a burr grinder for the office")).toMatchObject({
      type: "decision",
      project: null,
      tags: ["decision", "equipment", "coffee", "brewing", "note", "basic-memory"],
      where: "coffee-brewing-methods.md line 16",
    });
    expect(byContent(batch, "Tea Brewing Methods: Boiling water makes green tea bitter")).toMatchObject({ type: "lesson", tags: ["lesson", "temperature", "tea", "brewing", "note", "basic-memory"] });
    expect(byContent(batch, "Coffee Brewing Methods: Ethiopian beans work well with lighter roasts (personal experience)").type).toBe("preference");
    expect(byContent(batch, "Paul Graham: Essayist and investor")).toMatchObject({ type: "fact", metadata: { category: "role", permalink: "paul-graham", file: "people/paul-graham.md", root: realpathSync(notes) } });
    expect(batch.records.some((r) => r.content.includes("basic-memory keeps tool state"))).toBe(false);
  });

  test("cairn relations link notes; other relation types are facts linked to the notes found", () => {
    const id = (content: string) => byContent(batch, content).id;
    const coffee = id("Coffee Brewing Methods: Notes on how we brew coffee in the office, see also [[Tea Brewing Methods]].\n\n## Observations\n- [ ] Descale the kettle");
    const tea = id("Tea Brewing Methods (note)");
    expect(batch.links).toContainEqual(expect.objectContaining({ from: tea, to: coffee, relation: "part_of" }));
    expect(batch.links).toContainEqual(expect.objectContaining({ from: coffee, to: tea, relation: "relates_to" }));
    const contrasts = id("Coffee Brewing Methods contrasts with Tea Brewing Methods");
    expect(batch.links.filter((l) => l.from === contrasts).map((l) => [l.to, l.relation])).toEqual([[coffee, "relates_to"], [tea, "relates_to"]]);
    expect(byContent(batch, "Paul Graham works at Y Combinator (co-founder)").metadata.relation).toEqual({ from: "Paul Graham", to: "Y Combinator", relation_type: "works_at" });
    expect(batch.skipped.map((s) => s.where)).toContain("people/paul-graham.md line 18");
  });

  test("a file that is not markdown is refused naming it, for basic-memory and agent-rules alike", () => {
    const json = join(FIX, "mcp-memory", "memory.jsonl");
    expect(errorOf(() => basicMemory.read(json, opts()))).toMatch(/memory\.jsonl stopped at the file: it is not a basic-memory note/);
    expect(errorOf(() => agentRules.read(json, opts()))).toMatch(/memory\.jsonl stopped at the file: it is not a rule file/);
  });

  test("a frontmatter value that opens a list, map or quote and never closes it is an error naming the note and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-bm-"));
    try {
      for (const [value, what] of [["title: [Deploy notes", "a [ list"], ["tags: {ops, deploy", "a { map"], ['title: "Deploy notes', 'a " quote']] as const) {
        writeFileSync(join(dir, "bad.md"), `---\nplace: x\n${value}\n---\nDeploys run on Tuesdays.\n`);
        expect(errorOf(() => basicMemory.read(join(dir, "bad.md"), opts()))).toContain(`bad.md stopped at line 1: line 3 of the frontmatter (${value.split(":")[0]}) opens ${what} it never closes`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a folder's other files and links to nothing are left out and said, not an abort", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-bm-"));
    try {
      writeFileSync(join(dir, "deploys.md"), "---\ntitle: Deploys\n---\nDeploys run on Tuesdays.\n");
      mkdirSync(join(dir, "img"));
      writeFileSync(join(dir, "img", "diagram.png"), "png");
      symlinkSync(join(dir, "gone.md"), join(dir, "moved.md"));
      mkdirSync(join(dir, ".obsidian"));
      writeFileSync(join(dir, ".obsidian", "state.json"), "{}");
      const batch = basicMemory.read(dir, opts());
      expect(batch.records.map((r) => r.content)).toEqual(["Deploys: Deploys run on Tuesdays."]);
      expect(batch.skipped).toEqual([
        { where: "img/diagram.png", reason: "not a note (basic-memory notes are .md files)" },
        { where: "moved.md", reason: "a link to a file that is not there" },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unclosed frontmatter is an error naming the note", () => {
    expect(errorOf(() => basicMemory.read(join(FIX, "basic-memory", "unclosed-note.md"), opts()))).toMatch(/unclosed-note\.md stopped at line 1: the frontmatter/);
  });

  test("a note's own text keeps its code, tables, headings and lines; a text past a memory's limit is cut and reported", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-bm-"));
    try {
      const runbook = "Deploys go through staging first.\n\n## Promote\n\n```bash\nmake promote ENV=prod\n# not a heading\n- [decision] not an observation\n```\n\n| service | port |\n|---|---|\n| api | 8080 |";
      writeFileSync(join(dir, "runbook.md"), `---\ntitle: Deploy Runbook\n---\n# Deploy Runbook\n\n${runbook}\n\n## Observations\n- [decision] Promote on Tuesdays\n`);
      writeFileSync(join(dir, "big.md"), `---\ntitle: Big\n---\n${"a line of the note that goes on\n".repeat(3000)}`);
      const batch = basicMemory.read(dir, opts());
      expect(byContent(batch, `Deploy Runbook: ${runbook}`).type).toBe("note");
      expect(byContent(batch, "Deploy Runbook: Promote on Tuesdays").type).toBe("decision");
      const big = batch.records.find((r) => r.content.startsWith("Big: "))!;
      expect(Buffer.byteLength(big.content)).toBeLessThanOrEqual(64 * 1024);
      expect(big.content).toEndWith("goes on…");
      expect(batch.skipped).toContainEqual({ where: "big.md", reason: "the note's text past 64 KiB (a memory's limit) is left out; it stays in the note" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a category named like an object property (constructor, toString) is a category like any other", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-bm-"));
    try {
      writeFileSync(join(dir, "odd.md"), "---\ntitle: Odd\npermalink: odd\n---\n# Odd\n\n## Observations\n- [constructor] builds things\n- [toString] prints things\n- [decision] we use pnpm\n");
      const batch = basicMemory.read(dir, opts());
      expect(byContent(batch, "Odd: builds things").type).toBe("fact");
      expect(byContent(batch, "Odd: prints things").type).toBe("fact");
      expect(byContent(batch, "Odd: we use pnpm").type).toBe("decision");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
