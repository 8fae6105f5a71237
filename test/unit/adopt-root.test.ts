/** @module A repository that gets a git remote keeps the memories stored under its path before. */
import { expect, test } from "bun:test";
import { testEngine } from "../helpers/engine.ts";

const ROOT = "/work/r1repo";
const REMOTE = "github.com/acme/r1repo";

test("memories stored under the path move to the remote's key at its first use, audited; the rest stay where they are", () => {
  const before = testEngine({ project: ROOT });
  const kept = before.engine.remember({ content: "Payments retries use exponential backoff", type: "decision" }).memory;
  const gone = before.engine.remember({ content: "the old queue was RabbitMQ" }).memory;
  before.engine.forget(gone.id);
  const other = before.engine.remember({ content: "the web app builds with vite", project: "/work/web" }).memory;
  // The same store, now used from the repository with a remote.
  const engine = before.engine.forProject(REMOTE);
  expect(engine.list({}).memories).toEqual([]);
  expect(engine.adoptRoot(ROOT)).toEqual({ moved: 2 });
  expect(engine.list({}).memories.map((m) => m.id)).toEqual([kept.id]);
  expect(engine.get(gone.id, { track: false })).toMatchObject({ project: REMOTE, status: "archived" });
  expect(engine.get(other.id, { track: false }).project).toBe("/work/web");
  expect(engine.history(kept.id).entries.at(-1)).toMatchObject({ op: "update", detail: { changed: ["project"], before: { project: ROOT }, reason: "its repository got a git remote" } });
  expect(engine.projects().map((p) => p.key).sort()).toEqual(["/work/web", REMOTE]);
  // Once moved, nothing is left to move; a path key, or another repository's, is never a remote's to take.
  expect(engine.adoptRoot(ROOT)).toEqual({ moved: 0 });
  expect(before.engine.forProject("/work/web2").adoptRoot("/work/web")).toEqual({ moved: 0 });
});

test("a legal hold or a retention rule naming the path keeps the memories there, and says so", () => {
  const { engine } = testEngine({ project: ROOT });
  engine.remember({ content: "Payments retries use exponential backoff", type: "decision" });
  engine.addHold({ project: ROOT, reason: "litigation 2026-17" });
  expect(engine.forProject(REMOTE).adoptRoot(ROOT)).toEqual({ moved: 0, keptFor: "a legal hold names its path" });
  expect(engine.list({}).memories).toHaveLength(1);
});
