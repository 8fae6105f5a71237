/** @module What an imported record's stable id costs to hold: a peer import holds every record's id at once. */
import { expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { stableId } from "../../src/import-formats/stable-id.ts";

const strings = () => {
  Bun.gc(true);
  return heapStats().objectTypeCounts.string ?? 0;
};

test("a stable id is one flat string, not a rope of its pieces holding the hash they were cut from (QA: a 100k mem0 import peaked at 770 MB)", () => {
  const n = 20_000;
  const before = strings();
  const ids = Array.from({ length: n }, (_, i) => stableId("mem0", `\u0000${i}`));
  const per = (strings() - before) / n;
  // A template literal of slices kept ~10 string cells alive an id (~380 bytes where a flat id is ~60).
  expect(per).toBeLessThan(1.5);
  expect(ids[7]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
