/**
 * @module Whether captured statements land in the right scope — the project, or global (about the person) —
 * measured on the capture fixture's scope labels and on two blind sets written by someone who never saw the
 * code (test/fixtures/capture/scope-a.jsonl, scope-b.jsonl). The rules in src/capture/scope.ts and
 * cues-context.ts were fitted on scope-a; scope-b was held out (never read) and scored once with the final
 * rules on 2026-12-02: scope accuracy 0.950 (scope-a 1.000, capture fixture 0.992); captured at all 19/80
 * (scope-a 51/80). The floors asserted below sit just under those measurements. Tuning a rule on scope-b
 * turns it into a fitting set: then get a new blind set written.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Capture, extractCaptures } from "../../src/capture/extract.ts";
import { type Scope, statementScope } from "../../src/capture/scope.ts";

const FIXTURES = join(import.meta.dir, "../fixtures/capture");

interface Expected {
  type: Capture["type"];
  contains: string;
  scope: Scope;
}
interface Case {
  prompt: string;
  expect: Expected[];
}

const prompts: { cases: Case[]; holdout: Case[]; blind: Case[] } = JSON.parse(readFileSync(join(FIXTURES, "prompts.json"), "utf8"));
const blind = (name: string): Array<{ text: string; scope: Scope }> =>
  readFileSync(join(FIXTURES, name), "utf8").trim().split("\n").map((line) => JSON.parse(line));

/** Scope accuracy over the fixture's expected memories that capture finds (missed ones are extract.test.ts's business). */
function fixtureScore() {
  let scored = 0, right = 0;
  const wrong: string[] = [];
  for (const c of [...prompts.cases, ...prompts.holdout, ...prompts.blind]) {
    const got = extractCaptures(c.prompt);
    for (const e of c.expect) {
      const hit = got.find((g) => g.type === e.type && g.content.toLowerCase().includes(e.contains.toLowerCase()));
      if (!hit) continue;
      scored += 1;
      if (hit.scope === e.scope) right += 1;
      else wrong.push(`want ${e.scope}, got ${hit.scope}: ${c.prompt.slice(0, 90)}`);
    }
  }
  return { scored, accuracy: right / scored, wrong };
}

/**
 * A blind statement's scope as cairn would store it: the capture's scope when capture fires, else the scope
 * rule alone (what a memory with that text would get). `captured` counts statements capture keeps at all.
 */
function blindScore(rows: Array<{ text: string; scope: Scope }>) {
  let right = 0, captured = 0;
  const wrong: string[] = [];
  for (const r of rows) {
    const [first] = extractCaptures(r.text);
    if (first) captured += 1;
    const scope = first?.scope ?? statementScope(r.text) ?? "project";
    if (scope === r.scope) right += 1;
    else wrong.push(`want ${r.scope}: ${r.text}`);
  }
  return { accuracy: right / rows.length, captured, total: rows.length, wrong };
}

describe("scope of captured statements", () => {
  test("the fixture labels every expected memory, with both scopes present", () => {
    const all = [...prompts.cases, ...prompts.holdout, ...prompts.blind].flatMap((c) => c.expect);
    expect(all.every((e) => e.scope === "project" || e.scope === "global")).toBe(true);
    expect(all.filter((e) => e.scope === "global").length).toBeGreaterThanOrEqual(20);
    expect(all.filter((e) => e.scope === "project").length).toBeGreaterThanOrEqual(200);
  });

  test("scope accuracy on the capture fixture", () => {
    const s = fixtureScore();
    console.error(`scope (capture fixture): ${s.accuracy.toFixed(3)} over ${s.scored} captured statements`);
    for (const w of s.wrong) console.error(`  ${w}`);
    expect(s.accuracy).toBeGreaterThanOrEqual(0.98);
  });

  test("scope accuracy and capture rate on the blind sets (scope-b held out)", () => {
    const a = blindScore(blind("scope-a.jsonl"));
    const b = blindScore(blind("scope-b.jsonl"));
    console.error(`scope (scope-a, fitted): ${a.accuracy.toFixed(3)}; captured ${a.captured}/${a.total}`);
    console.error(`scope (scope-b, held out): ${b.accuracy.toFixed(3)}; captured ${b.captured}/${b.total} (do not tune on it)`);
    for (const w of a.wrong) console.error(`  scope-a ${w}`);
    expect(a.accuracy).toBeGreaterThanOrEqual(0.98);
    expect(b.accuracy).toBeGreaterThanOrEqual(0.94);
    // The scope rule only matters where capture fires; on unseen wording it fires far less often.
    expect(a.captured / a.total).toBeGreaterThanOrEqual(0.6);
    expect(b.captured / b.total).toBeGreaterThanOrEqual(0.22);
  });

  test("the issue's examples", () => {
    const scopeOf = (text: string) => extractCaptures(text).map((c) => c.scope);
    expect(scopeOf("always use pnpm for this repo")).toEqual(["project"]);
    expect(scopeOf("our convention here is to name branches after the ticket")).toEqual(["project"]);
    expect(scopeOf("in this project we always squash merge")).toEqual(["project"]);
    expect(scopeOf("I prefer short answers")).toEqual(["global"]);
    expect(scopeOf("call me Sam")).toEqual(["global"]);
    // The place in the sentence decides even when the content keeps only the rule.
    expect(extractCaptures("in this repo, from now on use pnpm for installs")).toMatchObject([{ content: "Use pnpm for installs.", scope: "project" }]);
    // A rule with no person in it is about the code; decisions and lessons are about the work.
    expect(scopeOf("Always use tabs for indentation in the Go files.")).toEqual(["project"]);
    expect(scopeOf("turns out the flaky test was my laptop's timezone")).toEqual(["project"]);
  });

  test("the rule alone: whom a sentence is about, or null when it does not say", () => {
    expect(statementScope("I prefer pnpm in this repo")).toBe("project");
    expect(statementScope("at my job we're mostly a Go shop")).toBe("global");
    expect(statementScope("The user prefers tabs over spaces")).toBe("global");
    // "I" narrating project work does not make it personal.
    expect(statementScope("I decided to use Kafka for the event bus")).toBeNull();
    expect(statementScope("API responses must be JSON")).toBeNull();
  });
});
