/** @module Lookups by canonical hash through its prefix index: duplicates found, sync's active-hash check, other scopes and archived memories apart. */
import { expect, test } from "bun:test";
import { contentHashes } from "../../src/capture/normalize.ts";
import { testEngine } from "../helpers/engine.ts";

for (const encrypted of [false, true]) {
  test(`duplicates and active canonical hashes are found by prefix, in scope and active only (${encrypted ? "encrypted" : "plain"})`, () => {
    const { engine, store } = testEngine({ encrypted, project: "/work/a" });
    const a = engine.remember({ content: "The build cache lives in .turbo.", type: "fact" });
    for (let i = 0; i < 50; i++) engine.remember({ content: `unrelated fact number ${i}`, type: "fact" });
    expect(engine.remember({ content: "the build cache lives in .turbo", type: "fact" })).toMatchObject({ status: "duplicate", id: a.id });
    // Another project's same text is its own memory.
    const b = engine.remember({ content: "The build cache lives in .turbo.", type: "fact", project: "/work/b" });
    expect(b.status).toBe("created");

    const h = (text: string) => contentHashes(text).canonicalHash;
    const asked = [h("The build cache lives in .turbo."), h("unrelated fact number 7"), h("never stored")];
    expect(store.sync.activeCanonical(asked)).toEqual(new Set(asked.slice(0, 2)));
    // Forgotten (no longer active) memories are not counted.
    engine.forget(a.id);
    engine.forget(b.id);
    expect(store.sync.activeCanonical(asked)).toEqual(new Set([asked[1]!]));
    engine.close();
  });
}
