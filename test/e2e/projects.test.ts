/**
 * @module One project identity on the command line: `--project` takes the name `stats` shows, the project's
 * directory or its git remote, from inside the project or anywhere else; an unknown project exits 2 naming
 * the known ones instead of answering with global memories only.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

/** A project directory whose git config names `url` as origin. */
function clone(name: string, url: string): string {
  const dir = s.project(name);
  writeFileSync(join(dir, ".git", "config"), `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${url}\n`);
  return dir;
}

const contents = async (args: string[], cwd?: string) =>
  (await s.json<{ memories: Array<{ content: string }> }>(["list", "--json", ...args], { cwd })).memories.map((m) => m.content).sort();

describe("--project", () => {
  test("the shown name, the path and the remote id find the project's memories from inside and outside it", async () => {
    const proj = clone("proj", "git@github.com:acme/proj.git");
    const other = s.project("other");
    await s.ok(["remember", "proj deploys with fly"], { cwd: proj });
    await s.ok(["remember", "other uses make"], { cwd: other });
    await s.ok(["remember", "I like short answers", "--global"]);

    const stats = await s.json<{ by_project: Array<{ project: string | null; name: string | null; count: number }> }>(["stats", "--json"]);
    expect(stats.by_project).toContainEqual({ project: "github.com/acme/proj", name: "proj", count: 1 });
    expect((await s.ok(["stats"])).stdout).toMatch(/projects .*\bproj 1/);

    const want = ["I like short answers", "proj deploys with fly"];
    for (const cwd of [proj, other, s.cwd]) {
      for (const ref of ["proj", proj, "github.com/acme/proj", "https://me@github.com/acme/proj.git"]) {
        expect(await contents(["--project", ref], cwd)).toEqual(want);
      }
    }
    const recall = await s.json<{ results: Array<{ content: string }> }>(["recall", "--json", "--project", "proj", "--", "deploys"]);
    expect(recall.results.map((r) => r.content)).toEqual(["proj deploys with fly"]);
  });

  test("an unknown project exits 2 and lists the known ones", async () => {
    const proj = clone("proj", "git@github.com:acme/proj.git");
    await s.ok(["remember", "proj deploys with fly"], { cwd: proj });
    await s.ok(["remember", "I like short answers", "--global"]);
    for (const args of [["list", "--project", "projj"], ["recall", "--project", "projj", "deploy"], ["export", "--project", "projj"]]) {
      const r = await s.run(args);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain('No project "projj"');
      expect(r.stderr).toContain("proj (github.com/acme/proj)");
    }
  });

  test("two clones of one remote at different paths are one project", async () => {
    const a = clone("a/payments", "git@github.com:acme/payments.git");
    const b = clone("b/payments-copy", "https://github.com/acme/payments");
    mkdirSync(join(b, "src"));
    await s.ok(["remember", "written in clone a"], { cwd: a });
    await s.ok(["remember", "written in clone b"], { cwd: join(b, "src") });
    expect(await contents([], a)).toEqual(["written in clone a", "written in clone b"]);
    expect(await contents(["--project", "payments"])).toEqual(["written in clone a", "written in clone b"]);
  });
});

describe("a repository that gets a git remote", () => {
  test("keeps the memories stored before: the next command moves them to the remote's key, once, and says so", async () => {
    const dir = s.project("r1repo");
    await s.ok(["remember", "Payments retries use exponential backoff", "--type", "decision"], { cwd: dir });
    writeFileSync(join(dir, ".git", "config"), `[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/acme/r1repo.git\n`);
    const first = await s.run(["list", "--json"], { cwd: dir });
    expect(first.stderr).toContain("1 memory of this repository from before it had a git remote now belongs to github.com/acme/r1repo");
    expect(JSON.parse(first.stdout).memories.map((m: { content: string; project: string }) => [m.content, m.project])).toEqual([
      ["Payments retries use exponential backoff", "github.com/acme/r1repo"],
    ]);
    const again = await s.run(["recall", "retries backoff", "--json"], { cwd: dir });
    expect(again.stderr).not.toContain("from before it had a git remote");
    expect(JSON.parse(again.stdout).results).toHaveLength(1);
    const stats = await s.json<{ by_project: Array<{ project: string }> }>(["stats", "--json"], { cwd: dir });
    expect(stats.by_project.map((p) => p.project)).toEqual(["github.com/acme/r1repo"]);
  });
});
