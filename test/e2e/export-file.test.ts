/**
 * @module `cairn export --output`: the file is its owner's only, an existing one too; a missing directory is a
 * plain error; on a full disk (a small tmpfs, filled: needs root and a sandbox that allows mounting, skipped
 * elsewhere, test/unit/export-file.test.ts covers it in process) the file that was there stays whole, no
 * temporary file or half-written Markdown folder is left, and the error is EXPORT_FULL, not INTERNAL.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { fillDisk, MOUNTS_ALLOWED, mountTmpfs, unmount } from "../helpers/mounts.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

test("export says on stderr that the store's holds and rules are not in it; stdout is the memories only", async () => {
  const { id } = await s.json<{ id: string }>(["remember", "Contract evidence for case 42", "--json"]);
  const quiet = await s.run(["export"]);
  expect(quiet.stderr).not.toContain("not in the export");
  await s.ok(["hold", "add", "--id", id, "--reason", "litigation"]);
  await s.ok(["retention", "set", "--type", "task", "--keep", "90d"]);
  const r = await s.run(["export"]);
  expect(r.exitCode).toBe(0);
  expect(r.stderr).toContain("export: not in the export: this store's 1 legal hold in force and 1 retention rule");
  expect(r.stdout.trim().split("\n").map((l) => JSON.parse(l).id)).toEqual([id]);
});

test("export --output: an existing file becomes its owner's only; a missing directory is a plain error", async () => {
  await s.ok(["remember", "exported with care"]);
  const file = join(s.root, "old.jsonl");
  writeFileSync(file, "old data\n", { mode: 0o644 });
  await s.ok(["export", "--output", file]);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, "utf8")).toContain("exported with care");
  const r = await s.run(["export", "--output", join(s.root, "no", "such", "dir.jsonl")]);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain("Cannot write the export to");
  expect(r.stderr).not.toContain("Internal error");
});

const when = MOUNTS_ALLOWED ? "" : " [skipped: mounting is not allowed here]";

test.skipIf(!MOUNTS_ALLOWED)(`export to a full disk: the old file stays whole, nothing is left behind, EXPORT_FULL${when}`, async () => {
  for (let i = 0; i < 20; i++) await s.ok(["remember", "--", `memory ${i}: ${"words worth keeping ".repeat(20)}`]);
  const mnt = join(s.root, "disk");
  if (!mountTmpfs(mnt, 256 * 1024)) throw new Error(`could not mount a tmpfs at ${mnt}`);
  try {
    const file = join(mnt, "memories.jsonl");
    await s.ok(["export", "--output", file]);
    const before = readFileSync(file, "utf8");
    expect(before.split("\n").filter(Boolean)).toHaveLength(20);
    fillDisk(join(mnt, "fill"));

    const r = await s.run(["export", "--output", file, "--json"]);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe("EXPORT_FULL");
    expect(r.stderr).toMatch(/The disk holding ".*memories\.jsonl" is full/);
    expect(r.stderr).not.toContain("Internal error");
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const md = await s.run(["export", "--format", "markdown", "--out", join(mnt, "md"), "--json"]);
    expect(md.exitCode).toBe(1);
    expect(JSON.parse(md.stdout).error.code).toBe("EXPORT_FULL");
    expect(existsSync(join(mnt, "md"))).toBe(false);
    expect(readdirSync(mnt).sort()).toEqual(["fill", "memories.jsonl"]);
  } finally {
    unmount(mnt);
  }
});

test("export --output never replaces one of cairn's own files, directly or through a link", async () => {
  await s.ok(["remember", "a memory that must survive"]);
  const db = join(s.cairnHome, "cairn.db");
  const before = readFileSync(db);
  const link = join(s.root, "backup.jsonl");
  symlinkSync(db, link);
  for (const target of [db, join(s.cairnHome, "audit.key"), link]) {
    const r = await s.run(["export", "--output", target, "--json"]);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "EXPORT_FILE", message: expect.stringContaining("one of cairn's own files") });
  }
  expect(readFileSync(db).subarray(0, 16).toString()).toBe(before.subarray(0, 16).toString());
  expect((await s.json<{ total: number }>(["stats", "--json"])).total).toBe(1);
});

test("a Markdown export imports back whole: every field, content with its lines, links; another folder is refused with what to give (QA)", async () => {
  const a = await s.json<{ id: string }>(["remember", "Deploys go through Argo CD.\n\n## Not a links section\nkeep this", "--type", "decision", "--tags", "ops,deploy", "--json"]);
  const b = await s.json<{ id: string }>(["remember", "The canary must stay green for 30 minutes", "--type", "lesson", "--json"]);
  await s.ok(["relate", b.id, "refines", a.id]);
  // A possible conflict noted on write, then dismissed: its state comes back too (QA: it came back confirmed).
  const helm = await s.json<{ id: string }>(["remember", "In staging the API server listens on port 8080; the API server port for staging is set in deploy/staging.env", "--type", "fact", "--json"]);
  const argo = await s.json<{ id: string; conflicts?: unknown[] }>(["remember", "Staging API: port 9090", "--type", "fact", "--json"]);
  expect(argo.conflicts).toHaveLength(1);
  await s.ok(["relate", argo.id, "contradicts", helm.id, "--dismiss"]);
  // A memory's own text ending with a "## Links" list, with no links of its own, and one with both (QA: cut there).
  const own = "Useful resources for the project\n\n## Links\n\n- [Docs](https://example.com/docs)\n- [Runbook](https://example.com/runbook)";
  await s.ok(["remember", own, "--type", "fact", "--json"]);
  const both = await s.json<{ id: string }>(["remember", `Rollback steps\n\n## Links\n\n- supersedes: [x](x-not-a-file.md)`, "--type", "lesson", "--json"]);
  await s.ok(["relate", both.id, "refines", b.id]);
  const out = join(s.root, "md");
  await s.ok(["export", "--format", "markdown", "--out", out]);
  const before = (await s.ok(["export"])).stdout;
  const other = createSandbox();
  try {
    const r = await other.run(["import", out, "--json"]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ lines: 6, created: 6, links: 3 });
    const strip = (jsonl: string) =>
      jsonl.trim().split("\n").map((l) => {
        const { access_count: _a, last_accessed_at: _l, ...m } = JSON.parse(l);
        return m;
      });
    expect(strip((await other.ok(["export"])).stdout)).toEqual(strip(before));
    // Again: nothing new.
    expect(JSON.parse((await other.ok(["import", out, "--json"])).stdout)).toMatchObject({ created: 0, duplicates: 6 });
    // A file of the folder made wrong by hand is named by its path, not as a line of the folder (QA).
    const file = readdirSync(out, { recursive: true }).map(String).find((f) => f.endsWith(".md") && f !== "README.md")!;
    writeFileSync(join(out, file), readFileSync(join(out, file), "utf8").replace(/^type: .*$/m, 'type: "bogus"'));
    const bad = await other.run(["import", out]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(`Import stopped at ${join(out, file)}: `);
    const folder = await other.run(["import", s.root]);
    expect(folder.exitCode).toBe(1);
    expect(folder.stderr).toContain("it is a folder. Give a JSONL file (`cairn export`), a folder `cairn export --format markdown` wrote");
  } finally {
    other.cleanup();
  }
});
