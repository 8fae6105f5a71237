/** @module Text cut to a length for output never splits a character: budget trimming, hook context and one-line cuts (text/cut.ts). */
import { describe, expect, test } from "bun:test";
import { cutIndex, cutText, tailIndex } from "../../src/text/cut.ts";
import { applyBudget } from "../../src/retrieve/budget.ts";
import { oneLine } from "../../src/hooks/format.ts";
import { capContext } from "../../src/hooks/output.ts";
import { redactedCut } from "../../src/capture/redact-deep.ts";
import { errorSignature } from "../../src/hooks/command.ts";

/** A UTF-16 surrogate without its other half: not Unicode, and refused by strict JSON parsers. */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe("cutText", () => {
  test("never ends inside a surrogate pair, at any length", () => {
    const text = "rocket budget test " + "🚀".repeat(50);
    for (let n = 0; n <= text.length + 1; n++) {
      const cut = cutText(text, n);
      expect(LONE.test(cut), `cut at ${n}`).toBe(false);
      expect(text.startsWith(cut)).toBe(true);
      expect(cut.length).toBeGreaterThanOrEqual(Math.min(n, text.length) - 1);
    }
  });

  test("keeps a character whole: combining accents, ZWJ sequences, skin tones, flags", () => {
    expect(cutText("cafe\u0301!", 4)).toBe("caf");
    expect(cutText("x👨‍👩‍👧y", 5)).toBe("x");
    expect(cutText("x👍🏽ok", 3)).toBe("x");
    expect(cutText("x🇩🇪🇫🇷", 7)).toBe("x🇩🇪");
    expect(cutText("x🇩🇪🇫🇷", 5)).toBe("x🇩🇪");
    expect(cutText("hello", 3)).toBe("hel");
    expect(cutText("hello", 9)).toBe("hello");
  });

  test("a tail kept from a cut starts on a whole character", () => {
    const text = "ab🚀cd";
    expect(tailIndex(text, 3)).toBe(4);
    expect(tailIndex(text, 2)).toBe(2);
    expect(cutIndex(text, 3)).toBe(2);
  });
});

describe("output cut to a length", () => {
  const emoji = "rocket budget test " + "🚀".repeat(2000);

  test("a result trimmed to a token budget holds no half character (QA: lone \\ud83d in JSON)", () => {
    for (let budget = 9; budget <= 400; budget++) {
      const [first] = applyBudget([{ content: emoji }], budget);
      expect(first!.truncated).toBe(true);
      expect(LONE.test(first!.content), `budget ${budget}`).toBe(false);
      expect(JSON.stringify(first!.content)).not.toMatch(/\\ud[89ab]/);
    }
  });

  test("one-line cuts, the hook context cap, redacted cuts and error signatures hold none", () => {
    for (let n = 2; n < 60; n++) {
      expect(LONE.test(oneLine(emoji, n))).toBe(false);
      expect(LONE.test(redactedCut(emoji, n))).toBe(false);
    }
    for (let max = 40; max < 80; max++) expect(LONE.test(capContext(emoji, max))).toBe(false);
    expect(LONE.test(errorSignature(`Error: ${"🚀".repeat(300)}`))).toBe(false);
  });
});
