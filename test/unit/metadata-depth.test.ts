/** @module Deeply nested metadata is refused with a clear error before anything walks it recursively. */
import { expect, test } from "bun:test";
import { CairnError } from "../../src/errors.ts";
import { MAX_METADATA_DEPTH, nestingDepth } from "../../src/engine/validate.ts";
import { testEngine } from "../helpers/engine.ts";

function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

test("nesting depth is measured without recursion, even 50,000 levels deep", () => {
  expect(nestingDepth(nested(3), 100)).toBe(3);
  expect(nestingDepth([[{ a: [1] }]], 100)).toBe(4);
  expect(nestingDepth("text", 100)).toBe(0);
  expect(nestingDepth(nested(50_000), MAX_METADATA_DEPTH)).toBeGreaterThan(MAX_METADATA_DEPTH);
});

test("remember refuses metadata nested past the limit with a usage error and stores nothing", () => {
  const { engine } = testEngine();
  let error: unknown;
  try {
    engine.remember({ content: "deep", metadata: nested(50_000) });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(CairnError);
  expect((error as CairnError).message).toContain(`more than ${MAX_METADATA_DEPTH} levels deep`);
  expect(engine.stats().total).toBe(0);
  expect(engine.remember({ content: "fine", metadata: nested(MAX_METADATA_DEPTH) }).status).toBe("created");
});
