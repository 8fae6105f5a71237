/**
 * @module The relevance bar, measured on labelled prompt/memory pairs: every "related" pair must clear it
 * and every "unrelated" one must not (precision and recall 1.0 on this set; add cases when tuning).
 */
import { describe, expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import { coverage, queryTerms, relevant, requiredMatches, stem } from "../../src/hooks/relevance.ts";

function mem(content: string, tags: string[] = []): Memory {
  return { id: content, content, tags, createdAt: 0 } as unknown as Memory;
}

const MEMORY = mem("The integration tests need `docker compose up db` first, or they fail with ECONNREFUSED.");

const RELATED = [
  "how do I run the integration tests?",
  "the integration tests fail with ECONNREFUSED",
  "start the db for the integration tests",
  "why does docker compose matter for tests",
];
const UNRELATED = [
  "rename the button label to Save",
  "fix the failing unit test in the parser",
  "continue",
  "write a README section about integration with Slack",
  "add docker support to the CLI",
];

describe("relevance bar", () => {
  test.each(RELATED)("related: %s", (q) => {
    expect(relevant(q, [{ memory: MEMORY, score: 5 }])).toHaveLength(1);
  });
  test.each(UNRELATED)("unrelated: %s", (q) => {
    expect(relevant(q, [{ memory: MEMORY, score: 5 }])).toHaveLength(0);
  });

  test("hits far below the best score are dropped", () => {
    const other = mem("integration tests run in CI nightly");
    const r = relevant("integration tests docker", [{ memory: MEMORY, score: 10 }, { memory: other, score: 1 }]);
    expect(r.map((h) => h.memory.id)).toEqual([MEMORY.id]);
  });

  test("half of a short query, 3 terms of a long one", () => {
    expect([1, 2, 3, 4, 6, 7, 9, 10, 30].map(requiredMatches)).toEqual([1, 2, 2, 2, 3, 3, 3, 3, 3]);
  });

  test("stemming folds inflections like the index does", () => {
    expect(stem("tests")).toBe(stem("test"));
    expect(stem("failing")).toBe(stem("fail"));
    expect(stem("libraries")).toBe("library");
  });

  test("a compound term must appear as a phrase and counts double", () => {
    const t = queryTerms("node-gyp rebuild");
    expect(coverage(t, mem("node-gyp failed to rebuild"))).toEqual({ matched: 3, total: 3 });
    expect(coverage(t, mem("gyp on node"))).toEqual({ matched: 0, total: 3 });
  });
});
