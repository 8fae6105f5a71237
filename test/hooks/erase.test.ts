/**
 * @module Hooks under `forget --hard`: an event that loaded its session's state before the purge (as the warm
 * daemon does for an event in flight) must not write the purged text back — not into the state file, not
 * into the summary or checkpoint it writes from that state.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resolvePaths } from "../../src/config/paths.ts";
import { Engine } from "../../src/engine/engine.ts";
import { HookContext } from "../../src/hooks/context.ts";
import { parseHookInput } from "../../src/hooks/input.ts";
import { stateFile } from "../../src/hooks/state.ts";
import { hookStateErasure } from "../../src/hooks/state-erase.ts";
import { preCompact } from "../../src/hooks/stop.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { fixture, type HookWorld, hookWorld } from "./helpers.ts";

const MARKER = "BLUEHERON-4471";
let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

/** A working session that captured the codename and ended a turn quoting it; returns the captured memory's id. */
async function sessionThatSawIt(): Promise<string> {
  await w.hook("prompt", fixture("prompt", { cwd: w.project, prompt: `remember that the launch codename is ${MARKER}` }));
  await w.hook("post-tool", fixture("post-tool-bash-ok", { cwd: w.project, command: "git log -1" }));
  await w.hook("stop", fixture("stop", { cwd: w.project, message: `The codename ${MARKER} is in the release notes now.` }));
  return w.withEngine((e) => e.list({ statuses: ["active"] }).memories.find((m) => m.content.includes(MARKER) && m.type !== "note" && m.type !== "checkpoint")!.id);
}

function purge(id: string, erasure = hookStateErasure(w.cairnHome)): void {
  const engine = new Engine({ store: new SqliteStore(join(w.cairnHome, "cairn.db")), project: w.project, actor: "test", erasure });
  try {
    engine.forget(id, { hard: true });
  } finally {
    engine.close();
  }
}

/** A pre-compact event whose context loaded the session state now, to run later. */
async function eventInFlight(): Promise<HookContext> {
  const input = parseHookInput("pre-compact", fixture("pre-compact", { cwd: w.project }), w.project)!;
  const ctx = new HookContext(input, resolvePaths({ CAIRN_HOME: w.cairnHome }));
  await ctx.ready();
  expect(ctx.state.firstPrompt).toContain(MARKER);
  return ctx;
}

const everywhere = () =>
  w.withEngine((e) => e.list({ statuses: ["active", "archived", "superseded"], limit: 100 }).memories.filter((m) => JSON.stringify(m).includes(MARKER)).map((m) => m.content));
const stateText = () => readFileSync(stateFile(w.cairnHome, "sess-fixture-1"), "utf8");

describe("an event in flight across a purge", () => {
  test("loaded before the purge, it writes its summary, checkpoint and state without the text", async () => {
    const id = await sessionThatSawIt();
    const ctx = await eventInFlight();
    purge(id);
    expect(everywhere()).toEqual([]);
    expect(stateText()).not.toContain(MARKER);
    preCompact(ctx);
    ctx.close();
    expect(everywhere()).toEqual([]);
    expect(stateText()).not.toContain(MARKER);
    // What the event itself recorded is kept: the checkpoint was written, from the scrubbed state.
    expect(w.withEngine((e) => e.list({ types: ["checkpoint"] }).total)).toBe(1);
  });

  test("saving while a purge runs (after its start, before its scrub) drops the state's text fields", async () => {
    const id = await sessionThatSawIt();
    const ctx = await eventInFlight();
    const erasure = hookStateErasure(w.cairnHome);
    erasure.begin();
    ctx.touchState();
    ctx.close();
    expect(stateText()).not.toContain(MARKER);
    // The purge then finishes as usual (its own begin moves the generation again).
    purge(id, { begin: () => {}, scrub: (texts) => erasure.scrub(texts) });
    expect(everywhere()).toEqual([]);
  });
});

test("erasing a captured error takes its whole command out of the session's state too (QA: the state kept the command the error names)", async () => {
  const command = "./scripts/lookup --patient 'Jane Quartermaine' --dob 1970-01-01";
  await w.hook("post-tool-failure", fixture("post-tool-bash-failure", { cwd: w.project, command, error: "Error: no record for the patient in the registry" }));
  expect(stateText()).toContain("Quartermaine");
  const error = w.withEngine((e) => e.list({ types: ["error"] }).memories[0]!);
  expect(error.metadata.command).toContain("Quartermaine");
  purge(error.id);
  expect(stateText()).not.toContain("Quartermaine");
});

test("erasing a captured error takes its program's name out of the state's keys too (QA soak: 'acme-payroll-export' stayed as a key)", async () => {
  const command = "./acme-payroll-export.sh --month 11";
  await w.hook("post-tool-failure", fixture("post-tool-bash-failure", { cwd: w.project, command, error: "Error: ECONNREFUSED 10.0.0.5:5432 while exporting" }));
  expect(stateText()).toContain("acme-payroll-export");
  const error = w.withEngine((e) => e.list({ types: ["error"] }).memories[0]!);
  purge(error.id);
  expect(stateText()).not.toContain("acme-payroll-export");
});
