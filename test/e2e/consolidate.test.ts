/** @module `cairn consolidate` through the binary: a dry run, the real run, its undo, and a bad `--only`. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-consolidate-");
});
afterEach(() => s.cleanup());

type Report = { dry_run: boolean; scanned: number; groups: Array<{ reason: string; id: string | null; sources: string[]; content: string }> };

test("near-copies fold into one memory, recall finds it instead of the copies, and --undo brings them back", async () => {
  // Near-copies as an import brings them (`remember` would reinforce the first instead of storing the others).
  const texts = ["Run the linter with `make lint` before every push.", "Run the linter with `make lint` before every single push.", "Always run the linter with `make lint` before every push."];
  const ids = texts.map((_, i) => `01900000-0000-7000-8000-00000000000${i + 1}`);
  const lines = texts.map((content, i) => JSON.stringify({ id: ids[i], content, type: "lesson" }));
  await s.ok(["import", "-"], { stdin: `${lines.join("\n")}\n` });
  await s.ok(["remember", "Run the formatter with `make fmt` before every commit.", "--type", "lesson"]);

  const dry = await s.json<Report>(["consolidate", "--dry-run", "--json"]);
  expect(dry.dry_run).toBe(true);
  expect(dry.groups.map((g) => [g.reason, [...g.sources].sort(), g.id])).toEqual([["near-copies", [...ids].sort(), null]]);
  expect((await s.ok(["consolidate", "--dry-run"])).stdout).toContain("would consolidate 1 group");

  const done = await s.json<Report>(["consolidate", "--json"]);
  const id = done.groups[0]!.id!;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const found = await s.json<{ results: Array<{ id: string }> }>(["recall", "make lint before push", "--mode", "keyword", "--json"]);
  const foundIds = found.results.map((r) => r.id);
  expect(foundIds).toContain(id);
  for (const source of ids) expect(foundIds).not.toContain(source);
  expect((await s.json<{ status: string }>(["get", ids[0]!, "--json"])).status).toBe("archived");

  // An undo has no dry run: asked for one, nothing is undone.
  const dryUndo = await s.run(["consolidate", "--undo", id, "--dry-run"]);
  expect(dryUndo.exitCode).toBe(2);
  expect((await s.json<{ status: string }>(["get", id, "--json"])).status).toBe("active");
  const undo = await s.json<{ id: string; restored: string[] }>(["consolidate", "--undo", id, "--json"]);
  expect(undo.restored.sort()).toEqual([...ids].sort());
  const back = await s.json<{ results: Array<{ id: string }> }>(["recall", "make lint before push", "--mode", "keyword", "--json"]);
  const backIds = back.results.map((r) => r.id);
  expect(backIds).toEqual(expect.arrayContaining(ids));
  expect(backIds).not.toContain(id);

  const bad = await s.run(["consolidate", "--only", "paraphrases"]);
  expect(bad.exitCode).toBe(2);
  expect(bad.stderr).toContain('Unknown kind of group "paraphrases"');
});
