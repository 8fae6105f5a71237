/** @module Imports of a folder do not follow links out of it: a rule file linking outside is left out unread and said (QA). */
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adapter as agentRules } from "../../src/import-formats/agent-rules.ts";
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
});
