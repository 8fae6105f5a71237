/** @module Planning and applying a peer import on an in-memory store: dry-run accuracy, idempotency, reuse of stored twins, all-or-nothing. */
import { describe, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import { applyPeerImport, planPeerImport } from "../../src/cli/peer-import.ts";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { adapter as agentRules } from "../../src/import-formats/agent-rules.ts";
import { adapter as basicMemory } from "../../src/import-formats/basic-memory.ts";
import { adapter as mcpMemory } from "../../src/import-formats/mcp-memory.ts";
import { stableId } from "../../src/import-formats/stable-id.ts";
import type { PeerBatch } from "../../src/import-formats/types.ts";
import { testEngine } from "../helpers/engine.ts";

const FILE = join(import.meta.dir, "..", "fixtures", "peers", "mcp-memory", "memory.jsonl");
const read = () => mcpMemory.read(FILE, { project: undefined, projectOfDir: () => "unused" });
const count = (engine: ReturnType<typeof testEngine>["engine"]) => engine.list({ allProjects: true, limit: 1000 }).memories.length;

describe("peer import", () => {
  test("the plan writes nothing and says exactly what the import then does", async () => {
    const { engine } = testEngine();
    const batch = read();
    const plan = planPeerImport(engine, FILE, batch);
    expect(count(engine)).toBe(0);
    expect(plan.items.filter((i) => i.action === "create")).toHaveLength(batch.records.length);
    expect(plan.links.filter((l) => l.action === "create")).toHaveLength(batch.links.length);
    const report = await applyPeerImport(engine, FILE, batch, plan);
    expect(report).toEqual({ records: 12, created: 12, already_present: 0, updated: 0, links_created: 11, links_existing: 0, retired: 0 });
    expect(count(engine)).toBe(12);
    const john = batch.records.find((r) => r.content === "John_Smith is a person.")!.id;
    expect(engine.links(john).filter((l) => l.relation === "part_of" && l.direction === "in")).toHaveLength(3);
    expect(engine.get(john, { track: false }).project).toBeNull();
  });

  test("a second import finds everything already imported and adds nothing", async () => {
    const { engine } = testEngine();
    await applyPeerImport(engine, FILE, read(), planPeerImport(engine, FILE, read()));
    const before = [...engine.export()];
    const plan = planPeerImport(engine, FILE, read());
    expect(new Set(plan.items.map((i) => i.reason))).toEqual(new Set(["already imported"]));
    expect(plan.links.every((l) => l.action === "exists")).toBe(true);
    const report = await applyPeerImport(engine, FILE, read(), plan);
    expect(report).toMatchObject({ created: 0, already_present: 12, links_created: 0, links_existing: 11 });
    expect([...engine.export()]).toEqual(before);
  });

  test("a record changed in the source since it was imported updates its memory; one edited only in cairn keeps cairn's text", async () => {
    const { engine } = testEngine();
    const record = (content: string) => ({ id: stableId("t", "note"), content, type: "fact", tags: [], project: null, metadata: { k: 1 }, where: "g.md" });
    const run = async (content: string) => {
      const batch: PeerBatch = { records: [record(content)], links: [], skipped: [] };
      const plan = planPeerImport(engine, "src", batch);
      return { plan, report: await applyPeerImport(engine, "src", batch, plan) };
    };
    await run("Set the grinder to 22 clicks.");
    const id = stableId("t", "note");
    // Changed in the source (QA: the new text was reported "already imported" and dropped).
    const changed = await run("Set the grinder to 24 clicks.");
    expect(changed.plan.items[0]).toMatchObject({ action: "update", id });
    expect(changed.report).toMatchObject({ records: 1, created: 0, updated: 1, already_present: 0 });
    expect(engine.get(id, { track: false }).content).toBe("Set the grinder to 24 clicks.");
    expect(engine.get(id, { track: false }).metadata.k).toBe(1);
    expect(engine.history(id).entries.some((e) => e.contentBefore === "Set the grinder to 22 clicks.")).toBe(true);
    // Edited in cairn, the source unchanged: imported again, cairn's text stays.
    engine.update(id, { content: "Set the grinder to 25 clicks (new burrs)." });
    const same = await run("Set the grinder to 24 clicks.");
    expect(same.plan.items[0]).toMatchObject({ action: "skip", reason: "already imported" });
    expect(same.report).toMatchObject({ updated: 0, already_present: 1 });
    expect(engine.get(id, { track: false }).content).toBe("Set the grinder to 25 clicks (new burrs).");
    // Forgotten here: a changed source does not bring it back or change it.
    engine.forget(id);
    expect((await run("Set the grinder to 26 clicks.")).plan.items[0]).toMatchObject({ action: "skip" });
    expect(engine.get(id, { track: false }).content).toBe("Set the grinder to 25 clicks (new burrs).");
  });

  test("a held memory changed in the source stays as it is and the rest is imported; a supersedes link onto it is left out (QA: half written, 'nothing was changed')", async () => {
    const { engine } = testEngine();
    const rec = (id: string, content: string) => ({ id: stableId("t", id), content, type: "fact", tags: [], project: null, metadata: {}, where: `${id}.md` });
    const run = async (records: ReturnType<typeof rec>[], links: PeerBatch["links"] = []) => {
      const batch: PeerBatch = { records, links, skipped: [] };
      const plan = planPeerImport(engine, "src", batch);
      return { plan, report: await applyPeerImport(engine, "src", batch, plan) };
    };
    await run([rec("a", "The water ratio is 15:1.")]);
    const held = stableId("t", "a");
    engine.addHold({ id: held, reason: "audit" });
    const again = await run([rec("a", "The water ratio is 16:1."), rec("b", "Grind medium-fine.")], [{ from: stableId("t", "b"), to: held, relation: "supersedes", where: "b.md" }]);
    expect(again.plan.items[0]).toMatchObject({ action: "held", reason: expect.stringContaining("kept as it is while hold") });
    expect(again.plan.links[0]).toMatchObject({ action: "held" });
    expect(again.report).toMatchObject({ records: 2, created: 1, updated: 0, already_present: 1, links_created: 0 });
    expect(engine.get(held, { track: false })).toMatchObject({ content: "The water ratio is 15:1.", status: "active" });
    expect(engine.get(stableId("t", "b"), { track: false }).content).toBe("Grind medium-fine.");
  });

  test("a basic-memory folder is the whole of its notes: an edited observation replaces its old wording, a deleted note's memories are archived; another folder's stay (QA)", async () => {
    const { engine } = testEngine();
    const dir = mkdtempSync(join(tmpdir(), "cairn-bm-"));
    const other = mkdtempSync(join(tmpdir(), "cairn-bm-other-"));
    try {
      const note = (folder: string, name: string, ratio: string) =>
        writeFileSync(join(folder, `${name}.md`), `---\ntitle: ${name}\ntype: note\npermalink: ${name}\n---\n\n## Observations\n- [decision] Always use a ${ratio} water ratio\n`);
      const run = async (folder: string) => {
        const batch = basicMemory.read(folder, { project: undefined, projectOfDir: () => "unused" });
        const plan = planPeerImport(engine, folder, batch);
        return { plan, report: await applyPeerImport(engine, folder, batch, plan) };
      };
      const active = () => engine.list({ allProjects: true, limit: 100 }).memories.map((m) => m.content).sort();
      note(dir, "coffee", "15:1");
      note(dir, "tea", "20:1");
      note(other, "cocoa", "10:1");
      await run(dir);
      await run(other);
      note(dir, "coffee", "16:1");
      rmSync(join(dir, "tea.md"));
      const again = await run(dir);
      expect(again.report).toMatchObject({ created: 1, retired: 3 });
      expect(active()).toEqual(["cocoa (note)", "cocoa: Always use a 10:1 water ratio", "coffee (note)", "coffee: Always use a 16:1 water ratio"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(other, { recursive: true, force: true });
    }
  });

  test("memory.jsonl is the server's whole graph: an observation reworded or deleted there, or a relation removed, is retired by the next import; another file's are not", async () => {
    const { engine } = testEngine();
    const dir = mkdtempSync(join(tmpdir(), "cairn-mm-"));
    try {
      const entity = (observations: string[]) => JSON.stringify({ type: "entity", name: "billing", entityType: "service", observations });
      const relation = JSON.stringify({ type: "relation", from: "billing", to: "billing", relationType: "owned_by" });
      const [file, other] = [join(dir, "memory.jsonl"), join(dir, "other.jsonl")];
      const run = async (path: string) => {
        const batch = mcpMemory.read(path, { project: undefined, projectOfDir: () => "unused" });
        const plan = planPeerImport(engine, path, batch);
        return { plan, report: await applyPeerImport(engine, path, batch, plan) };
      };
      writeFileSync(file, [entity(["Runs Go 1.22", "Deploys every Tuesday"]), relation].join("\n"));
      writeFileSync(other, entity(["Runs Go 1.21"]));
      await run(file);
      await run(other);
      const active = () => engine.list({ allProjects: true, limit: 100 }).memories.map((m) => m.content).sort();
      expect(active()).toEqual(["billing is a service.", "billing owned by billing", "billing: Deploys every Tuesday", "billing: Runs Go 1.21", "billing: Runs Go 1.22"]);
      // The server's update_observation is a delete and an add: the old wording goes, as does a removed relation.
      writeFileSync(file, entity(["Runs Go 1.23", "Deploys every Tuesday"]));
      const again = await run(file);
      expect(again.plan.retire.map((r) => [r.action, r.content, r.reason]).sort()).toEqual([
        ["retire", "billing owned by billing", `no longer in ${realpathSync(file)}`],
        ["retire", "billing: Runs Go 1.22", `no longer in ${realpathSync(file)}`],
      ]);
      expect(again.report).toMatchObject({ created: 1, retired: 2 });
      expect(active()).toEqual(["billing is a service.", "billing: Deploys every Tuesday", "billing: Runs Go 1.21", "billing: Runs Go 1.23"]);
      expect((await run(file)).plan.retire).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a record saying what a stored memory says is not copied: the links go to the stored one", async () => {
    const { engine } = testEngine();
    const stored = engine.remember({ content: "John_Smith is a person.", type: "fact", project: null });
    const plan = planPeerImport(engine, FILE, read());
    const item = plan.items.find((i) => i.content === "John_Smith is a person.")!;
    expect(item).toMatchObject({ action: "skip", id: stored.id, reason: `same text as memory ${stored.id}` });
    const report = await applyPeerImport(engine, FILE, read(), plan);
    expect(report).toMatchObject({ created: 11, already_present: 1 });
    expect(engine.links(stored.id).filter((l) => l.relation === "part_of")).toHaveLength(3);
  });

  test("two records with the same text become one memory", async () => {
    const { engine } = testEngine();
    const twin = (n: number) => ({ id: stableId("t", String(n)), content: "Same words", type: "fact", tags: [], project: null, metadata: {}, where: `line ${n}` });
    const batch: PeerBatch = { records: [twin(1), twin(2)], links: [], skipped: [] };
    const plan = planPeerImport(engine, "x", batch);
    expect(plan.items.map((i) => [i.action, i.reason])).toEqual([["create", undefined], ["skip", "same text as line 1"]]);
    expect(await applyPeerImport(engine, "x", batch, plan)).toMatchObject({ created: 1, already_present: 1 });
  });

  test("a secret in a record shows in no plan and no stored hash; a second import still finds it unchanged (QA)", async () => {
    const { engine } = testEngine();
    const record = { id: stableId("t", "pin"), content: "The staging server pin is 4921", type: "fact", tags: [], project: null, metadata: {}, where: "line 1" };
    const batch: PeerBatch = { records: [record], links: [], skipped: [] };
    const plan = planPeerImport(engine, "x", batch);
    expect(plan.items[0]!.content).toBe("The staging server pin is [REDACTED:pin]");
    await applyPeerImport(engine, "x", batch, plan);
    const stored = engine.get(record.id, { track: false });
    const hash = stored.metadata.source_text_sha256 as string;
    const sha = (t: string) => new Bun.CryptoHasher("sha256").update(t).digest("hex");
    expect(hash).not.toBe(sha("The staging server pin is 4921"));
    expect(hash).toBe(sha(stored.content));
    const again = planPeerImport(engine, "x", batch);
    expect(again.items.map((i) => [i.action, i.reason])).toEqual([["skip", "already imported"]]);
  });

  test("a record cairn refuses stops everything, named by its place in the source", async () => {
    const { engine } = testEngine();
    const good = { id: stableId("t", "a"), content: "fine", type: "fact", tags: [], project: null, metadata: {}, where: "line 1" };
    const empty: PeerBatch = { records: [good, { ...good, id: stableId("t", "b"), content: "  \u0000 ", where: "line 2 (entity x)" }], links: [], skipped: [] };
    expect(() => planPeerImport(engine, "src.jsonl", empty)).toThrow(/Import from src\.jsonl stopped at line 2 \(entity x\): Memory content is empty/);
    const badType: PeerBatch = { records: [good, { ...good, id: stableId("t", "c"), content: "other", type: "bogus", where: "record 2" }], links: [], skipped: [] };
    await expect(applyPeerImport(engine, "src.json", badType, { items: [], links: [], retire: [] })).rejects.toThrow(/src\.json stopped at record 2: Unknown memory type "bogus"/);
    expect(count(engine)).toBe(0);
    // A project the import would refuse is found by the plan, the dry run's too, with the way round it (QA).
    const scopeWord: PeerBatch = { records: [good, { ...good, id: stableId("t", "d"), content: "other", project: "global", where: "omega.db memory 7" }], links: [], skipped: [] };
    expect(() => planPeerImport(engine, "omega.db", scopeWord)).toThrow(/stopped at omega\.db memory 7: field "project": "global" is a scope word.*`--project <name>` stores every record/);
  });

  test("the plan (a dry run's too) refuses what the import's own line checks refuse: metadata nested too deep (QA)", async () => {
    const { engine } = testEngine();
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const good = { id: stableId("t", "a"), content: "fine", type: "fact", tags: [], project: null, metadata: {}, where: "record 1 (id a)" };
    const batch: PeerBatch = { records: [good, { ...good, id: stableId("t", "d"), content: "deep", metadata: { mem0_metadata: deep }, where: "record 2 (id d)" }], links: [], skipped: [] };
    const said = /Import from mem0\.json stopped at record 2 \(id d\): it nests more than \d+ levels deep/;
    expect(() => planPeerImport(engine, "mem0.json", batch)).toThrow(said);
    await expect(applyPeerImport(engine, "mem0.json", batch, { items: [], links: [], retire: [] })).rejects.toThrow(said);
    // Too many tags, too: a check only the import's line reader made.
    const tagged: PeerBatch = { records: [{ ...good, tags: Array.from({ length: 5000 }, (_, i) => `t${i}`) }], links: [], skipped: [] };
    expect(() => planPeerImport(engine, "mem0.json", tagged)).toThrow(/stopped at record 1 \(id a\): field "tags"/);
    expect(count(engine)).toBe(0);
  });

  test("a rule its file no longer says is archived by the next import; another file's rules and a held rule stay", async () => {
    const { engine } = testEngine();
    const repo = mkdtempSync(join(tmpdir(), "cairn-rules-"));
    try {
      const claude = (rules: string[]) => writeFileSync(join(repo, "CLAUDE.md"), `# Rules\n\n${rules.map((r) => `- ${r}`).join("\n")}\n`);
      writeFileSync(join(repo, "AGENTS.md"), "- Run the linter before each commit.\n");
      const run = async () => {
        const batch = agentRules.read(repo, { project: "rules", projectOfDir: () => "unused" });
        const plan = planPeerImport(engine, repo, batch);
        return { plan, report: await applyPeerImport(engine, repo, batch, plan) };
      };
      claude(["Always use npm to install packages.", "Never push to main.", "Keep functions short."]);
      await run();
      const held = engine.list({ project: "rules", includeGlobal: false, limit: 10 }).memories.find((m) => m.content === "Keep functions short.")!;
      engine.addHold({ id: held.id, reason: "audit" });
      const byHand = engine.remember({ content: "Use npm, not yarn, in CI.", type: "decision", project: "rules", tags: ["agent-rules"] }).id;
      // QA M1: the edited rule stayed active beside its new wording.
      claude(["Always use pnpm to install packages.", "Never push to main."]);
      const { plan, report } = await run();
      const npm = plan.retire.find((r) => r.content === "Always use npm to install packages.")!;
      expect(plan.retire.map((r) => [r.action, r.where, r.content])).toEqual([
        ["retire", "CLAUDE.md", "Always use npm to install packages."],
        ["keep", "CLAUDE.md", "Keep functions short."],
      ]);
      expect(report).toMatchObject({ created: 1, already_present: 2, retired: 1 });
      const active = engine.list({ project: "rules", includeGlobal: false, limit: 10 }).memories.map((m) => m.content).sort();
      expect(active).toEqual(["Always use pnpm to install packages.", "Keep functions short.", "Never push to main.", "Run the linter before each commit.", "Use npm, not yarn, in CI."]);
      expect(engine.get(npm.id, { track: false }).status).toBe("archived");
      expect(engine.history(npm.id).entries.at(-1)?.detail.reason).toBe(`no longer in CLAUDE.md (import from ${repo})`);
      expect(engine.get(byHand, { track: false }).status).toBe("active");
      // Imported once more, unchanged: nothing else goes; a rule file removed from the repository says nothing now.
      expect((await run()).plan.retire.map((r) => r.action)).toEqual(["keep"]);
      rmSync(join(repo, "AGENTS.md"));
      expect((await run()).plan.retire.map((r) => [r.action, r.where]).sort()).toEqual([["keep", "CLAUDE.md"], ["retire", "AGENTS.md"]]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("a monorepo's nested CLAUDE.md, AGENTS.md and .cursor/rules are read; dependencies and hidden folders are not; a removed one retires its rules", async () => {
    const { engine } = testEngine();
    const repo = mkdtempSync(join(tmpdir(), "cairn-rules-"));
    try {
      const put = (rel: string, text: string) => {
        mkdirSync(dirname(join(repo, rel)), { recursive: true });
        writeFileSync(join(repo, rel), text);
      };
      put("CLAUDE.md", "- Never push to main.\n");
      put("packages/api/CLAUDE.md", "- Always run `make migrate` before the API tests.\n");
      put("packages/web/AGENTS.md", "- Use vitest for the web package.\n");
      put("packages/web/.cursor/rules/ui.mdc", "---\ndescription: UI\n---\n- Never inline styles.\n");
      put("node_modules/left-pad/CLAUDE.md", "- A dependency's own rule.\n");
      put(".venv/lib/AGENTS.md", "- A hidden folder's rule.\n");
      put("packages/api/README.md", "- Not a rule file.\n");
      const run = async () => {
        const batch = agentRules.read(repo, { project: "mono", projectOfDir: () => "unused" });
        const plan = planPeerImport(engine, repo, batch);
        return { batch, plan, report: await applyPeerImport(engine, repo, batch, plan) };
      };
      const first = await run();
      expect(first.batch.records.map((r) => [r.where, r.content])).toEqual([
        ["CLAUDE.md line 1", "Never push to main."],
        ["packages/api/CLAUDE.md line 1", "Always run `make migrate` before the API tests."],
        ["packages/web/.cursor/rules/ui.mdc line 4", "Never inline styles."],
        ["packages/web/AGENTS.md line 1", "Use vitest for the web package."],
      ]);
      expect(first.batch.records[1]).toMatchObject({ project: "mono", tags: ["agent-rules", "claude.md"], metadata: { file: "packages/api/CLAUDE.md" } });
      expect(first.report).toMatchObject({ created: 4 });
      // The package goes; its rules say nothing now. The others stay as they are.
      rmSync(join(repo, "packages/api"), { recursive: true });
      rmSync(join(repo, "packages/web/.cursor"), { recursive: true });
      const second = await run();
      expect(second.plan.retire.map((r) => [r.action, r.where]).sort()).toEqual([["retire", "packages/api/CLAUDE.md"], ["retire", "packages/web/.cursor/rules/ui.mdc"]]);
      const active = engine.list({ project: "mono", includeGlobal: false, limit: 10 }).memories.map((m) => m.content).sort();
      expect(active).toEqual(["Never push to main.", "Use vitest for the web package."]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("a folder of a repository, or one of its rule files, is named from the repository's root: the root's rules stay (QA)", async () => {
    const { engine } = testEngine();
    const repo = mkdtempSync(join(tmpdir(), "cairn-rules-"));
    try {
      mkdirSync(join(repo, ".git"));
      mkdirSync(join(repo, "pkg", "api"), { recursive: true });
      writeFileSync(join(repo, "CLAUDE.md"), "- Always use pnpm.\n- Never commit .env.\n");
      writeFileSync(join(repo, "pkg", "api", "CLAUDE.md"), "- API must validate input with zod.\n");
      const run = async (path: string) => {
        const batch = agentRules.read(path, { project: "mono", projectOfDir: () => "unused" });
        const plan = planPeerImport(engine, path, batch);
        return { plan, report: await applyPeerImport(engine, path, batch, plan) };
      };
      expect((await run(repo)).report).toMatchObject({ created: 3 });
      for (const part of [join(repo, "pkg", "api"), join(repo, "pkg", "api", "CLAUDE.md")]) {
        const again = await run(part);
        expect(again.report).toMatchObject({ created: 0, already_present: 1, retired: 0 });
        expect(again.plan.retire).toEqual([]);
      }
      // A rule file removed inside the folder read is retired; the root's are not.
      writeFileSync(join(repo, "pkg", "api", "CLAUDE.md"), "- API must validate input with valibot.\n");
      const changed = await run(join(repo, "pkg", "api"));
      expect(changed.report).toMatchObject({ created: 1, retired: 1 });
      const active = engine.list({ project: "mono", includeGlobal: false, limit: 10 }).memories.map((m) => m.content).sort();
      expect(active).toEqual(["API must validate input with valibot.", "Always use pnpm.", "Never commit .env."]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
