/** @module A consolidated text holds each statement once: a member's sentence that is a near-copy of one the text holds adds nothing (engine/consolidate-merge.ts; QA). */
import { expect, test } from "bun:test";
import { mergeMembers } from "../../src/engine/consolidate-merge.ts";
import { buildMemory } from "../../src/engine/remember.ts";

const member = (content: string, accessCount = 0, at = 1_000) => ({ ...buildMemory({ project: "/work/app" }, { content, type: "note" }, at), accessCount });

test("near-copies fold into one statement, whichever member is the most used (QA: \"each Friday\" then \"every Friday\")", () => {
  const each = "Release notes are drafted in the CHANGELOG.md file by the on-call engineer each Friday afternoon.";
  const every = "Release notes are drafted in the CHANGELOG.md file by the on-call engineer every Friday afternoon.";
  const single = "Release notes are drafted in the CHANGELOG.md file by the on-call engineer every single Friday afternoon.";
  expect(mergeMembers([member(every), member(each, 3)]).content).toBe(each);
  expect(mergeMembers([member(every, 3), member(each)]).content).toBe(every);
  expect(mergeMembers([member(every), member(single, 2)]).content).toBe(single);
});

test("a sentence that says something new is still added, one new word is enough", () => {
  const merged = mergeMembers([member("The build broke: npm install failed. Fix: pin eslint 8.", 2), member("The build broke: npm ci failed. Fix: pin eslint 8.")]);
  expect(merged.content).toBe("The build broke: npm install failed. Fix: pin eslint 8.\nThe build broke: npm ci failed.");
});
