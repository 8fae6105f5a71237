/**
 * @module Markdown export: one readable file per memory with every field, links that resolve, an index, a refusal to
 * write into a non-empty folder, file names no stored id can steer outside it, and nothing left by a failed export.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { inside } from "../../src/cli/export-folder.ts";
import { exportMarkdown } from "../../src/cli/markdown-export.ts";
import { testEngine } from "../helpers/engine.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "cairn-md-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test("every memory becomes a file with all its fields, grouped by project and type, links resolving", async () => {
  const { engine, advance } = testEngine({ project: "/work/shop" });
  const old = engine.remember({ content: "We deploy with Heroku using git push", type: "decision", tags: ["deploy"] });
  advance(1000);
  const neu = engine.remember({ content: "Deploys go to Fly.io from CI", type: "decision" });
  engine.relate(neu.id, old.id, "supersedes");
  engine.remember({ content: "I prefer short answers", type: "preference", project: null });
  engine.remember({ content: "Élodie owns the Öresund café rollout", type: "fact", project: null });
  const out = join(root, "export");
  const source = { records: engine.export({ allProjects: true }), links: (id: string) => engine.links(id), shortIds: (ids: readonly string[]) => engine.shortIds(ids) };
  expect(await exportMarkdown(source, out)).toBe(4);

  const all = files(out).map((f) => f.slice(out.length + 1)).sort();
  expect(all).toHaveLength(5);
  // Accents come off whole words (QA: "Élodie" made "e-lodie").
  expect(all.find((f) => f.startsWith("global/fact/"))).toMatch(/^global\/fact\/[0-9a-f]+-elodie-owns-the-oresund-cafe-rollout\.md$/);
  expect(all).toContain("README.md");
  expect(all.filter((f) => f.startsWith("shop/decision/"))).toHaveLength(2);
  expect(all.filter((f) => f.startsWith("global/preference/"))).toHaveLength(1);
  const newFile = join(out, all.find((f) => f.includes("deploys-go-to-fly"))!);
  const text = readFileSync(newFile, "utf8");
  expect(text).toStartWith("---\n");
  expect(text).toContain(`id: "${neu.id}"`);
  expect(text).toContain('project: "/work/shop"');
  expect(text).toContain("Deploys go to Fly.io from CI");
  const link = /- supersedes: \[[^\]]+\]\(([^)]+)\)/.exec(text)![1]!;
  const target = resolve(dirname(newFile), decodeURI(link));
  expect(readFileSync(target, "utf8")).toContain("We deploy with Heroku");
  expect(readFileSync(target, "utf8")).toContain("- supersedes (from): ");
  expect(readFileSync(join(out, "README.md"), "utf8")).toContain("[shop](shop/)");
  expect(statSync(newFile).mode & 0o777).toBe(0o600);
});

test("a folder that is not empty is refused and left as it was", async () => {
  const { engine } = testEngine();
  engine.remember({ content: "something worth keeping" });
  writeFileSync(join(root, "notes.txt"), "mine");
  const source = { records: engine.export({ allProjects: true }), links: (id: string) => engine.links(id), shortIds: (ids: readonly string[]) => engine.shortIds(ids) };
  await expect(exportMarkdown(source, root)).rejects.toThrow("not empty");
  expect(readdirSync(root)).toEqual(["notes.txt"]);
  expect(existsSync(join(root, "README.md"))).toBe(false);
});

const hostile = ["../../../victim", "/tmp/cairn-abs-victim", "a\nb", "..", "a:b", "a-b", "ABC", "abc", "x/../../y", "CON"];

test("ids stored before ids were checked (or synced in) name no path outside the folder, and no two memories share a file", async () => {
  const { engine, store } = testEngine();
  const template = store.get(engine.remember({ content: "We deploy on Fridays" }).id)!;
  // Straight into the store, as an old import or a team sync could have put them; same text, so names would meet.
  for (const id of hostile) store.insert({ ...template, id });
  const out = join(root, "a", "export");
  const source = { records: engine.export({ allProjects: true }), links: (id: string) => engine.links(id), shortIds: (ids: readonly string[]) => engine.shortIds(ids) };
  expect(await exportMarkdown(source, out)).toBe(hostile.length + 1);

  // Nothing beside the folder, nothing at the absolute path, one file per memory (plus the index) inside it.
  expect(readdirSync(root)).toEqual(["a"]);
  expect(readdirSync(join(root, "a"))).toEqual(["export"]);
  expect(existsSync("/tmp/cairn-abs-victim")).toBe(false);
  expect(existsSync("/tmp/cairn-abs-victim.md")).toBe(false);
  const written = files(out);
  expect(written).toHaveLength(hostile.length + 2);
  for (const f of written) expect(resolve(f).startsWith(`${resolve(out)}/`)).toBe(true);
  const ids = written.filter((f) => !f.endsWith("README.md")).map((f) => JSON.parse(/^id: (.*)$/m.exec(readFileSync(f, "utf8"))![1]!) as string);
  expect(ids.sort()).toEqual([template.id, ...hostile].sort());
  for (const f of written) expect(f.slice(out.length + 1)).toMatch(/^[\p{L}\p{N}._/-]+$/u);
});

test("a file name that would leave the folder is refused", () => {
  expect(() => inside(root, "../x.md")).toThrow("outside the export folder");
  expect(() => inside(root, "/etc/x.md")).toThrow("outside the export folder");
  expect(() => inside(root, "a/../../x.md")).toThrow("outside the export folder");
  expect(inside(root, "a/b.md")).toBe(join(root, "a", "b.md"));
});

test("an export failing midway leaves no folder, or an empty one as it was", async () => {
  const { engine } = testEngine();
  for (let i = 0; i < 5; i++) engine.remember({ content: `memory number ${i} worth keeping`, type: "fact" });
  let calls = 0;
  const failing = {
    records: engine.export({ allProjects: true }),
    links: (id: string) => {
      if (++calls === 4) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      return engine.links(id);
    },
    shortIds: (ids: readonly string[]) => engine.shortIds(ids),
  };
  const fresh = join(root, "new", "export");
  await expect(exportMarkdown(failing, fresh)).rejects.toThrow(expect.objectContaining({ code: "EXPORT_FULL" }));
  expect(readdirSync(root)).toEqual([]);

  calls = 0;
  const empty = join(root, "empty");
  mkdirSync(empty);
  const again = { ...failing, records: engine.export({ allProjects: true }) };
  await expect(exportMarkdown(again, empty)).rejects.toThrow(/The disk holding ".*empty" is full/);
  expect(readdirSync(empty)).toEqual([]);
});

test("a project shown as README.md gets a folder of its own beside the index (QA: the export failed)", async () => {
  const { engine } = testEngine({ project: "/work/README.md" });
  engine.remember({ content: "The docs site builds from README.md files", type: "fact" });
  const out = join(root, "export-readme");
  const source = { records: engine.export({ allProjects: true }), links: (id: string) => engine.links(id), shortIds: (ids: readonly string[]) => engine.shortIds(ids) };
  expect(await exportMarkdown(source, out)).toBe(1);
  const all = files(out).map((f) => f.slice(out.length + 1)).sort();
  expect(all).toContain("README.md");
  expect(all.filter((f) => /^README\.md-[0-9a-f]+\/fact\//.test(f))).toHaveLength(1);
});
