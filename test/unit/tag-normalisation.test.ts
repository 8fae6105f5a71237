/** @module A tag matches what a user types: NFKC, lower case, and no combining dot left by lower-casing Turkish İ (capture/normalize.ts). */
import { describe, expect, test } from "bun:test";
import { normalizeTags, parseTagList } from "../../src/capture/normalize.ts";
import { testEngine } from "../helpers/engine.ts";

describe("tag normalisation", () => {
  test("İ lower-cases to i, full-width letters to ASCII; other scripts and emoji stay", () => {
    expect(normalizeTags(["İzmir"])).toEqual(["izmir"]);
    expect(normalizeTags(["İSTANBUL", "istanbul"])).toEqual(["istanbul"]);
    expect(normalizeTags(["ＡＰＩ"])).toEqual(["api"]);
    expect(normalizeTags(["日本語", "🚀", "Straße", "Deploy Notes"])).toEqual(["deploy-notes", "straße", "日本語", "🚀"]);
    for (const tag of normalizeTags(["İzmir", "İĞDIR"])) expect(tag).not.toContain("\u0307");
  });

  test("a memory tagged İzmir is found by izmir, IZMIR and İzmir (QA: only İzmir found it)", () => {
    const { engine } = testEngine();
    const m = engine.remember({ content: "office network notes", type: "note", tags: ["İzmir"] });
    expect(engine.get(m.id, { track: false }).tags).toEqual(["izmir"]);
    for (const typed of ["izmir", "IZMIR", "İzmir"]) {
      expect(engine.list({ tags: parseTagList(typed) }).memories.map((x) => x.id), typed).toEqual([m.id]);
    }
  });
});
