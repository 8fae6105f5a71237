/** @module What a purge rewrites besides the memory: only real quotes of its text, not the labels every checkpoint shares. */
import { describe, expect, test } from "bun:test";
import { withoutQuotes } from "../../src/capture/quotes.ts";
import { quotable } from "../../src/engine/erase-quotes.ts";
import { testEngine } from "../helpers/engine.ts";

describe("purging a checkpoint", () => {
  test("another checkpoint sharing only the labels stays byte for byte", () => {
    const { engine, advance } = testEngine();
    const kept = engine.checkpoint({ task: "migrate auth", progress: "half done", nextSteps: ["write tests"], files: ["src/a.ts"] }).id;
    advance(60_000);
    const gone = engine.checkpoint({ task: "sdk", progress: "p", nextSteps: [] }).id;
    const before = engine.get(kept, { track: false });
    expect(engine.forget(gone, { hard: true }).quoting).toEqual({ rewritten: [], purged: [] });
    expect(engine.get(kept, { track: false })).toEqual(before);
  });

  test("one that quotes what stood between the labels is still rewritten", () => {
    const { engine, advance } = testEngine();
    const gone = engine.checkpoint({ task: "rotate the signing key", progress: "the old key lives in vault path secret/mobile/signing", nextSteps: [] }).id;
    advance(60_000);
    const quoting = engine.checkpoint({ task: "release", progress: "blocked: the old key lives in vault path secret/mobile/signing until rotation", nextSteps: ["ship"] }).id;
    expect(engine.forget(gone, { hard: true }).quoting!.rewritten).toEqual([quoting]);
    const after = engine.get(quoting, { track: false }).content;
    expect(after).not.toContain("secret/mobile/signing");
    expect(after).toContain("Next steps:");
  });

  test("quotable: a text without labels counts whole, however short; labelled parts count from MIN_QUOTE characters", () => {
    expect(quotable(["PIN 1234"])).toEqual(["PIN 1234"]);
    expect(quotable(["Checkpoint: sdk\nProgress: p\nNext steps: none (task complete)"])).toEqual([]);
    expect(quotable(["Checkpoint: sdk\nProgress: the staging deploy is green"]).map((p) => p.trim())).toEqual(["the staging deploy is green"]);
  });
});

describe("one ordinary word is no quote", () => {
  test("a summary sharing one long ordinary word with the erased text keeps it; a phrase, a token or a name is erased (QA)", () => {
    const erased = ["The staging configuration uses port 5433"];
    expect(withoutQuotes("I added a regression test for the configuration loader.", erased)).toEqual({ text: "I added a regression test for the configuration loader.", quoted: false });
    expect(withoutQuotes("Checked the staging configuration again.", erased).text).toBe("Checked [erased] again.");
    // A one-word erased text counts wherever it occurs; so does a word with a digit or a capital inside.
    expect(withoutQuotes("the key was correcthorsebattery, rotated", ["correcthorsebattery"]).text).toBe("the key was [erased], rotated");
    expect(withoutQuotes("bucket AKIAIOSFODNN7EXAMPLE seen", ["creds: AKIAIOSFODNN7EXAMPLE for prod"]).text).toBe("bucket [erased] seen");
    expect(withoutQuotes("met with the QuetzalCoatlus team", ["the QuetzalCoatlus launch is secret"]).text).toBe("met with [erased] team");
    // A name the erased text writes with a capital is its own, named alone too (QA: the codename stayed).
    expect(withoutQuotes("Kicked off Zanzibarquetzal with the vendor.", ["The acquisition target is Zanzibarquetzal"]).text).toBe("Kicked off [erased] with the vendor.");
  });
});

describe("a quote written with other separators", () => {
  test("a name quoted with dashes, underscores or capitals is erased; other words stay (QA: the summary kept Zanzibar-Quetzal-Bucket9)", () => {
    const erased = ["the deploy bucket is named zanzibarquetzalbucket9 in prod"];
    const { text, quoted } = withoutQuotes("Checked Zanzibar-Quetzal-Bucket9 (aka zanzibar_quetzal_bucket9). Next steps: verify the CDN.", erased);
    expect(quoted).toBe(true);
    expect(text).not.toMatch(/zanzibar|quetzal/i);
    expect(text).toContain("Next steps: verify the CDN.");
    expect(withoutQuotes("Next steps: verify the CDN and the cache headers.", erased)).toEqual({ text: "Next steps: verify the CDN and the cache headers.", quoted: false });
  });
});
