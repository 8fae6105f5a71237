/**
 * @module Word lists stemmed when first asked (text/porter.ts stemSet): the same stems as stemming them at
 * once, worked out once, and not before the first question (a list stemmed as its module loads cost every
 * cold command ~2 ms).
 */
import { describe, expect, test } from "bun:test";
import { porterStem, stemSet } from "../../src/text/porter.ts";

describe("stemSet", () => {
  const words = ["files", "directories", "services", "integrations", "repository", "retries", "attempts"];

  test("holds exactly the stems of its words", () => {
    const set = stemSet(words);
    for (const w of words) expect(set.has(porterStem(w))).toBe(true);
    // A word is asked for by its stem: the unstemmed form is not in the set unless it is its own stem.
    expect(set.has("directories")).toBe(false);
    expect(set.has("directori")).toBe(true);
    expect(set.has("deploy")).toBe(false);
  });

  test("stems its words on the first question, once", () => {
    let calls = 0;
    const set = stemSet(words, (w) => {
      calls++;
      return porterStem(w);
    });
    expect(calls).toBe(0);
    expect(set.has("servic")).toBe(true);
    expect(calls).toBe(words.length);
    expect(set.has("file")).toBe(true);
    expect(calls).toBe(words.length);
  });
});
