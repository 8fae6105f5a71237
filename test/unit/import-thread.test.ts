/** @module Import lines read on the parse thread come out as they do in process: in order, the first bad one named. */
import { describe, expect, test } from "bun:test";
import type { ParseContext, ParsedLine } from "../../src/engine/import-parse.ts";
import { parsedLines } from "../../src/engine/import-thread.ts";

const context: ParseContext = { project: "/work/app", now: Date.parse("2026-01-01T00:00:00Z"), aliases: new Map([["/old/app", "app-key"]]) };
const lines = Array.from({ length: 700 }, (_, i) =>
  i % 50 === 7 ? "" : JSON.stringify({ content: `note ${i} with password=hunter2-${i}`, tags: ["t"], project: i % 3 === 0 ? "/old/app" : null }),
);
/** What matters of a read line: everything but the fresh id (and the links made from it). */
const shape = (p: ParsedLine | null) => p && { ...p.memory, id: p.hasId ? p.memory.id : "fresh", hasId: p.hasId };

describe("parsedLines", () => {
  test("the thread reads the same memories in the same order as in process", () => {
    const here = [...parsedLines(lines, context, Infinity)].map(shape);
    const threaded = [...parsedLines(lines, context, 5)].map(shape);
    expect(threaded).toEqual(here);
    expect(threaded).toHaveLength(700);
    expect(threaded[8]).toMatchObject({ content: "note 8 with password=[REDACTED:password]", project: null });
    expect(threaded[9]).toMatchObject({ project: "app-key" });
    expect(threaded[7]).toBeNull();
  });

  test("a bad line read on the thread stops the lines there, naming it", () => {
    const bad = [...lines];
    bad[600] = '{"content": 3}';
    const seen: number[] = [];
    expect(() => {
      for (const p of parsedLines(bad, context, 5)) seen.push(p === null ? 0 : 1);
    }).toThrow(/line 601/);
    expect(seen).toHaveLength(600);
  });
});
