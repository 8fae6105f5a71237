/** @module An undo of a consolidation gives the consolidated memory's links, those made after it too, back to the sources it restores (engine/consolidate-undo.ts; QA). */
import { expect, test } from "bun:test";
import { buildMemory } from "../../src/engine/remember.ts";
import { testEngine } from "../helpers/engine.ts";

const HOUR = 3_600_000;

test("a possible conflict flagged against the consolidated memory holds against each source after an undo (QA)", async () => {
  const t = testEngine();
  // Near-copies as an import leaves them (remember would reinforce the first instead of storing the second).
  const copy = (content: string) => {
    t.advance(HOUR);
    const m = buildMemory({ project: t.engine.project }, { content, type: "decision" }, t.clock.now);
    t.store.insert(m);
    t.store.appendAudit({ at: t.clock.now, actor: "import", op: "create", memoryId: m.id, hashBefore: null, hashAfter: m.contentHash, contentBefore: null, detail: {} });
    return m.id;
  };
  const sources = [
    copy("Release notes are drafted in the CHANGELOG.md file by the on-call engineer every Friday afternoon."),
    copy("Release notes are drafted in the CHANGELOG.md file by the on-call engineer every single Friday afternoon."),
  ];
  const id = t.engine.consolidate({ reasons: ["near-copies"] }).groups[0]!.id!;
  t.advance(HOUR);
  const moved = t.engine.remember({ content: "We moved release notes from the CHANGELOG.md file to GitHub Releases.", type: "decision" });
  expect(moved.conflicts?.map((c) => c.id)).toEqual([id]);
  t.engine.undoConsolidation(id);
  for (const sid of sources) expect(t.engine.links(sid)).toContainEqual({ relation: "contradicts", direction: "in", id: moved.id, possible: true });
  const top = (await t.engine.recall({ query: "where are release notes drafted", mode: "keyword", limit: 1, track: false })).results[0]!;
  expect(top.memory.id).toBe(moved.id);
});
