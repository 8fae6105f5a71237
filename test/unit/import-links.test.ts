/**
 * @module Imports of a folder do not follow links out of it: a rule file or note linking outside is left out
 * unread and said, links to folders are not entered (two `up -> ..` links walked forever), and a Markdown
 * export folder holding such a link is refused, naming it (QA).
 */
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markdownExportLines } from "../../src/cli/markdown-import.ts";
import { adapter as agentRules } from "../../src/import-formats/agent-rules.ts";
import { adapter as basicMemory } from "../../src/import-formats/basic-memory.ts";
import type { AdapterOptions } from "../../src/import-formats/types.ts";

const opts: AdapterOptions = { project: undefined, projectOfDir: () => "repo" };
const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-links-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("agent-rules: rule files linking out of the repository are left out unread and said; a link inside it is read", () => {
  const t = tmp();
  writeFileSync(join(t, "ssh-config"), "Host prod-db\n  User OUTSIDE_MARKER\n");
  writeFileSync(join(t, "private.mdc"), "- Never rsync OUTSIDE_MARKER files\n");
  mkdirSync(join(t, "folder.mdc"));
  const repo = join(t, "repo");
  mkdirSync(join(repo, ".git"), { recursive: true });
  mkdirSync(join(repo, ".cursor", "rules"), { recursive: true });
  mkdirSync(join(repo, "pkg"));
  writeFileSync(join(repo, "CLAUDE.md"), "- Always use pnpm.\n");
  symlinkSync(join(t, "ssh-config"), join(repo, "AGENTS.md"));
  symlinkSync(join(t, "private.mdc"), join(repo, ".cursor", "rules", "team.mdc"));
  symlinkSync(join(t, "folder.mdc"), join(repo, ".cursor", "rules", "folder.mdc"));
  symlinkSync(join(t, "ssh-config"), join(repo, "pkg", "CLAUDE.md"));
  symlinkSync("../CLAUDE.md", join(repo, "pkg", "AGENTS.md"));
  symlinkSync("../../pkg", join(repo, ".cursor", "rules", "inner.mdc"));
  const batch = agentRules.read(repo, opts);
  expect(batch.records.map((r) => [r.metadata.file, r.content])).toEqual([
    ["CLAUDE.md", "Always use pnpm."],
    ["pkg/AGENTS.md", "Always use pnpm."],
  ]);
  expect(JSON.stringify(batch)).not.toContain("OUTSIDE_MARKER");
  const outside = "a link leading outside the folder imported: not read";
  expect(batch.skipped).toEqual([
    { where: "AGENTS.md", reason: outside },
    { where: ".cursor/rules/folder.mdc", reason: outside },
    { where: ".cursor/rules/inner.mdc", reason: "a link to a folder: not followed" },
    { where: ".cursor/rules/team.mdc", reason: outside },
    { where: "pkg/CLAUDE.md", reason: outside },
  ]);
  // Named alone, the same file is left out the same way; a rule file inside the repository is read (QA).
  const alone = agentRules.read(join(repo, "AGENTS.md"), opts);
  expect(alone.records).toEqual([]);
  expect(alone.skipped).toEqual([{ where: "AGENTS.md", reason: outside }]);
  expect(JSON.stringify(alone)).not.toContain("OUTSIDE_MARKER");
  expect(agentRules.read(join(repo, "pkg", "AGENTS.md"), opts).records.map((r) => r.content)).toEqual(["Always use pnpm."]);
});

test("basic-memory: links to folders are not entered, notes linking out of the folder are not read; both are said", () => {
  const t = tmp();
  const notes = join(t, "notes");
  mkdirSync(join(notes, "sub"), { recursive: true });
  writeFileSync(join(notes, "n.md"), "# n\n- [fact] loop note\n");
  writeFileSync(join(t, "outside.md"), "# o\n- [fact] OUTSIDE_MARKER note\n");
  mkdirSync(join(t, "elsewhere"));
  writeFileSync(join(t, "elsewhere", "far.md"), "# far\n- [fact] OUTSIDE_MARKER far\n");
  symlinkSync("..", join(notes, "up"));
  symlinkSync("..", join(notes, "up2"));
  symlinkSync(join(t, "elsewhere"), join(notes, "sub", "elsewhere"));
  symlinkSync("../../outside.md", join(notes, "sub", "linked.md"));
  symlinkSync("loop.md", join(notes, "loop.md"));
  symlinkSync("sub", join(notes, "again"));
  const batch = basicMemory.read(notes, opts);
  expect(batch.records.map((r) => r.content)).toEqual(["n (note)", "n: loop note"]);
  expect(JSON.stringify(batch)).not.toContain("OUTSIDE_MARKER");
  expect(batch.skipped).toEqual([
    { where: "again", reason: "a link to a folder: not followed" },
    { where: "loop.md", reason: "a loop of links: not followed" },
    { where: "sub/elsewhere", reason: "a link leading outside the folder imported: not read" },
    { where: "sub/linked.md", reason: "a link leading outside the folder imported: not read" },
    { where: "up", reason: "a link leading outside the folder imported: not read" },
    { where: "up2", reason: "a link leading outside the folder imported: not read" },
  ]);
});

test("a Markdown export folder holding a link out of it is refused, naming the link; a link to a folder is not walked", () => {
  const t = tmp();
  const dir = join(t, "export");
  mkdirSync(join(dir, "global"), { recursive: true });
  writeFileSync(join(dir, "README.md"), "# cairn memories\n");
  writeFileSync(join(dir, "global", "a.md"), '---\nid: "m1"\ntype: "fact"\n---\n\nkept\n');
  symlinkSync("..", join(dir, "global", "up"));
  expect(markdownExportLines(dir).files).toEqual(["global/a.md"]);
  writeFileSync(join(t, "secret.md"), '---\nid: "m2"\n---\n\nOUTSIDE_MARKER\n');
  symlinkSync(join(t, "secret.md"), join(dir, "global", "b.md"));
  expect(() => markdownExportLines(dir)).toThrow(/global\/b\.md: a link leading outside the folder imported: not read/);
});
