/** @module Rule-based capture measured on realistic prompts (precision and recall), plus exact cases. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Capture, extractCaptures } from "../../src/capture/extract.ts";

interface Case {
  prompt: string;
  expect: Array<{ type: Capture["type"]; contains: string }>;
}

const fixture: { cases: Case[]; holdout: Case[] } = JSON.parse(
  readFileSync(join(import.meta.dir, "../fixtures/capture/prompts.json"), "utf8"),
);
const cases = [...fixture.cases, ...fixture.holdout];

const matches = (c: Capture, e: Case["expect"][number]) =>
  c.type === e.type && c.content.toLowerCase().includes(e.contains.toLowerCase());

/** Precision: captures that match an expected memory. Recall: expected memories that were captured. */
function score(set: Case[] = cases) {
  let captured = 0, correct = 0, expected = 0, found = 0;
  const misses: string[] = [];
  for (const c of set) {
    const got = extractCaptures(c.prompt);
    captured += got.length;
    expected += c.expect.length;
    for (const g of got) {
      if (c.expect.some((e) => matches(g, e))) correct += 1;
      else misses.push(`false capture: ${JSON.stringify(c.prompt.slice(0, 70))} → ${g.type}: ${g.content}`);
    }
    for (const e of c.expect) {
      if (got.some((g) => matches(g, e))) found += 1;
      else misses.push(`missed: ${JSON.stringify(c.prompt.slice(0, 70))} (want ${e.type} ~ ${e.contains}; got ${JSON.stringify(got.map((g) => `${g.type}: ${g.content}`))})`);
    }
  }
  return { precision: captured === 0 ? 0 : correct / captured, recall: found / expected, captured, expected, misses };
}

describe("fixture set", () => {
  test("has at least 70 prompts with both captures and non-captures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
    expect(cases.filter((c) => c.expect.length === 0).length).toBeGreaterThanOrEqual(25);
  });

  test("precision >= 0.9 and recall >= 0.7", () => {
    const h = score(fixture.holdout);
    console.error(`capture (holdout only): precision ${h.precision.toFixed(3)}, recall ${h.recall.toFixed(3)}`);
    const s = score();
    console.error(`capture: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} (${s.captured} captured, ${s.expected} expected)`);
    for (const m of s.misses) console.error(`  ${m}`);
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
    expect(s.recall).toBeGreaterThanOrEqual(0.7);
  });
});

describe("exact cases", () => {
  test("'from now on' becomes the instruction itself", () => {
    expect(extractCaptures("from now on use pnpm for everything in this repo")).toEqual([
      { content: "Use pnpm for everything in this repo.", type: "preference", tags: ["user-stated", "dependencies"] },
    ]);
  });

  test("chit-chat around a statement is dropped, the statement kept", () => {
    const got = extractCaptures("Thanks, that fixed it! Btw we decided to keep the monorepo.");
    expect(got.map((c) => [c.type, c.content])).toEqual([["decision", "We decided to keep the monorepo."]]);
  });

  test("questions, hypotheticals and task commands capture nothing", () => {
    for (const p of ["should we always use pnpm?", "If we decided to drop Node 18, what breaks?", "fix the failing test", "thanks!"]) {
      expect(extractCaptures(p)).toEqual([]);
    }
  });

  test("a prompt that is mostly credentials captures nothing, and no capture carries a secret", () => {
    expect(extractCaptures("remember that OPENAI_API_KEY=sk-proj-Zk3vQ9mLx2Rt7Wp4Nc8Hb1Yd6Fg0Js5Ua")).toEqual([]);
    const got = extractCaptures("Note that the staging DB is postgres://app:Hq7vZ2kLp9@db.staging:5432/app and is reset nightly.");
    expect(JSON.stringify(got)).not.toContain("Hq7vZ2kLp9");
  });

  test("long statements are trimmed to the limit", () => {
    const long = `From now on ${"keep every module small and focused on one idea ".repeat(10)}`;
    const [c] = extractCaptures(long);
    expect(c!.content.length).toBeLessThanOrEqual(301);
    expect(c!.content.endsWith("…")).toBe(true);
  });

  test("pasted code and stack traces are not statements", () => {
    expect(extractCaptures("```ts\n// always returns the cached value\nconst x = 1;\n```")).toEqual([]);
    expect(extractCaptures("Error: never call this twice\n    at run (src/a.ts:1:1)")).toEqual([]);
  });
});
