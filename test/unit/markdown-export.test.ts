/** @module Markdown export: one readable file per memory with every field, links that resolve, an index, a refusal to write into a non-empty folder. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
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

test("every memory becomes a file with all its fields, grouped by project and type, links resolving", () => {
  const { engine, advance } = testEngine({ project: "/work/shop" });
  const old = engine.remember({ content: "We deploy with Heroku using git push", type: "decision", tags: ["deploy"] });
  advance(1000);
  const neu = engine.remember({ content: "Deploys go to Fly.io from CI", type: "decision" });
  engine.relate(neu.id, old.id, "supersedes");
  engine.remember({ content: "I prefer short answers", type: "preference", project: null });
  const out = join(root, "export");
  const source = { records: engine.export({ allProjects: true }), links: (id: string) => engine.links(id), shortIds: (ids: readonly string[]) => engine.shortIds(ids) };
  expect(exportMarkdown(source, out)).toBe(3);

  const all = files(out).map((f) => f.slice(out.length + 1)).sort();
  expect(all).toHaveLength(4);
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

test("a folder that is not empty is refused and left as it was", () => {
  const { engine } = testEngine();
  engine.remember({ content: "something worth keeping" });
  writeFileSync(join(root, "notes.txt"), "mine");
  const source = { records: engine.export({ allProjects: true }), links: (id: string) => engine.links(id), shortIds: (ids: readonly string[]) => engine.shortIds(ids) };
  expect(() => exportMarkdown(source, root)).toThrow("not empty");
  expect(readdirSync(root)).toEqual(["notes.txt"]);
  expect(existsSync(join(root, "README.md"))).toBe(false);
});
