/**
 * @module A prompt's captures are capped, per prompt and per session: a pasted page of "Remember that …" sentences
 * must not flood the store (QA: 500 sentences made 500 memories). The first are kept; the rest is logged.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_PROMPT_CAPTURES, MAX_SESSION_CAPTURES } from "../../src/hooks/prompt.ts";
import { fixture, type HookWorld, hookWorld } from "./helpers.ts";

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

/** One prompt of `n` explicit statements, numbered from `from`. */
const flood = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `Remember that service${from + i} listens on port ${8000 + from + i}.`).join(" ");
const say = (prompt: string) => w.hook("prompt", fixture("prompt", { cwd: w.project, prompt }));
const count = () => w.withEngine((e) => e.list({ allProjects: true, limit: 1000 }).memories.length);

test("one prompt captures its first statements up to the cap, and hooks.log says how many were left", async () => {
  await say(flood(0, 50));
  expect(count()).toBe(MAX_PROMPT_CAPTURES);
  const stored = w.withEngine((e) => e.list({ allProjects: true, limit: 1000 }).memories.map((m) => m.content.toLowerCase()));
  expect(stored.some((c) => c.includes("service0 listens on port 8000"))).toBe(true);
  expect(stored.some((c) => c.includes(`service${MAX_PROMPT_CAPTURES} listens`))).toBe(false);
  expect(readFileSync(join(w.cairnHome, "hooks.log"), "utf8")).toContain(`prompt: ${50 - MAX_PROMPT_CAPTURES} more statements not captured`);
});

test("a session's prompts capture at most the session cap together; a few statements a prompt are all kept", async () => {
  await say("Remember that the staging database listens on port 5433. We decided to deploy with Helm.");
  expect(count()).toBe(2);
  for (let from = 100; from < 400 && count() < MAX_SESSION_CAPTURES; from += MAX_PROMPT_CAPTURES) await say(flood(from, MAX_PROMPT_CAPTURES));
  await say(flood(900, 3));
  expect(count()).toBe(MAX_SESSION_CAPTURES);
});
