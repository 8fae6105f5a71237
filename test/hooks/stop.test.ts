/** @module Stop / PreCompact / SessionEnd: one summary per session, a checkpoint with next steps, state cleaned up. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "../../src/engine/engine.ts";
import { stateFile } from "../../src/hooks/state.ts";
import { nextSteps, sentence } from "../../src/hooks/stop.ts";
import { chatter } from "../../src/hooks/prompt.ts";
import { fixture, type HookWorld, hookWorld } from "./helpers.ts";

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

const withEngine = <T>(fn: (e: Engine) => T): T => w.withEngine(fn);

const MESSAGE = "I've added the hook dispatcher and its tests.\n\nNext steps:\n- wire up cairn setup\n- measure start-up";

describe("stop family", () => {
  test("repeated Stops keep one summary; SessionEnd writes a checkpoint and removes the state", async () => {
    for (let i = 0; i < 3; i++) await w.hook("stop", fixture("stop", { cwd: w.project, message: `(${i}) ${MESSAGE}` }));
    expect(withEngine((e) => e.list({ tags: ["session-summary"] }).total)).toBe(1);
    expect(existsSync(stateFile(w.cairnHome, "sess-fixture-1"))).toBe(true);
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    const { summaries, resume } = withEngine((e) => ({ summaries: e.list({ tags: ["session-summary"] }).memories, resume: e.resume() }));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.content).toContain("(2)");
    expect(resume.state?.next_steps).toEqual(["wire up cairn setup", "measure start-up"]);
    expect(existsSync(stateFile(w.cairnHome, "sess-fixture-1"))).toBe(false);
  });

  test("a Stop another hook made the agent go on from (stop_hook_active) is read like any: its message is the newest (QA)", async () => {
    const continued = (message: string) => JSON.stringify({ ...JSON.parse(fixture("stop", { cwd: w.project, message })), stop_hook_active: true });
    await w.hook("stop", continued("Refactored the exporter.\n\nNext steps:\n- add CSV tests"));
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    const resume = withEngine((e) => e.resume());
    expect(resume.state?.next_steps).toEqual(["add CSV tests"]);
    expect(withEngine((e) => e.list({ types: ["checkpoint"] }).total)).toBe(1);
  });

  test("PreCompact then SessionEnd with nothing new → one checkpoint", async () => {
    await w.hook("stop", fixture("stop", { cwd: w.project, message: MESSAGE }));
    await w.hook("pre-compact", fixture("pre-compact", { cwd: w.project }));
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    expect(withEngine((e) => e.list({ types: ["checkpoint"] }).total)).toBe(1);
  });

  test("a Stop without a message (VS Code) writes nothing", async () => {
    await w.hook("stop", fixture("stop.camel", { cwd: w.project }));
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    expect(existsSync(join(w.cairnHome, "cairn.db")) ? withEngine((e) => e.list().total) : 0).toBe(0);
  });

  test("a session that only stated things (captured), with no outcome and no command run, leaves no summary (QA)", async () => {
    await w.hook("prompt", fixture("prompt", { cwd: w.project, prompt: "we always use pnpm in this repo, never npm" }));
    await w.hook("stop", fixture("stop.camel", { cwd: w.project }));
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    expect(withEngine((e) => e.list({ tags: ["session-summary"] }).total)).toBe(0);
    expect(withEngine((e) => e.list({ types: ["preference"] }).total)).toBe(1);
  });

  test("the summary reads as sentences: one period each, and 1 memory / 3 memories", async () => {
    const summary = () => withEngine((e) => e.list({ tags: ["session-summary"] }).memories[0]!.content);
    const prompt = (text: string) => w.hook("prompt", fixture("prompt", { cwd: w.project, prompt: text }));
    await prompt("remember that the staging database is called shop-staging");
    await w.hook("stop", fixture("stop", { cwd: w.project, message: "Done." }));
    expect(summary()).toMatch(/^Session summary \(\d{4}-\d\d-\d\d\)\. Asked: remember that the staging database is called shop-staging\. Outcome: Done\. Captured 1 memory\.$/);
    await prompt("from now on use pnpm, not npm");
    await prompt("we decided to keep the FTS index in the same database file");
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    expect(summary()).toEndWith(" Captured 3 memories.");
    expect(summary()).not.toContain("..");
  });

  test("sentence() ends text with exactly one stop", () => {
    expect(sentence("Outcome: done..")).toBe("Outcome: done.");
    expect(sentence("Outcome: all green")).toBe("Outcome: all green.");
    expect(sentence("Asked: why does it fail?")).toBe("Asked: why does it fail?");
    expect(sentence("Asked: a long question cut…")).toBe("Asked: a long question cut…");
    expect(sentence("Next:")).toBe("Next.");
  });

  test("next steps are read from bullets under a heading", () => {
    expect(nextSteps(MESSAGE)).toEqual(["wire up cairn setup", "measure start-up"]);
    expect(nextSteps("TODO: run the bench")).toEqual(["run the bench"]);
    expect(nextSteps("All done.")).toEqual([]);
    expect(nextSteps("I fixed the ERESOLVE error by switching to pnpm install. Next: add the lodash types.")).toEqual(["add the lodash types."]);
    expect(nextSteps("E2e passing now. Next up: the discount line test\n\nNotes follow.")).toEqual(["the discount line test"]);
    expect(nextSteps("The next release is in May.")).toEqual([]);
  });

  test("a checkpoint from a Stop that states no next step says none, not that the task is complete; its task skips greetings", async () => {
    const prompt = (text: string) => w.hook("prompt", fixture("prompt", { cwd: w.project, prompt: text }));
    await prompt("morning. let's pick up where we left off yesterday");
    await prompt("wire the discount line into the checkout summary");
    await w.hook("post-tool", fixture("post-tool-bash-ok", { cwd: w.project, command: "pnpm test" }));
    await w.hook("stop", fixture("stop", { cwd: w.project, message: "The discount line renders in the summary; tests pass." }));
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    const cp = withEngine((e) => e.list({ types: ["checkpoint"] }).memories[0]!);
    expect(cp.content).toStartWith("Checkpoint: wire the discount line into the checkout summary\n");
    expect(cp.content).not.toContain("Next steps");
  });

  test("Stop alone keeps the session's checkpoint, one per session, refreshed when the next steps change", async () => {
    const prompt = (text: string, session?: string) => w.hook("prompt", fixture("prompt", { cwd: w.project, prompt: text, session }));
    const stop = (message: string, session?: string) => w.hook("stop", fixture("stop", { cwd: w.project, message, session }));
    const checkpoints = () => withEngine((e) => e.list({ types: ["checkpoint"] }).memories);
    await prompt("Add CSV export to the invoices page");
    await w.hook("post-tool", fixture("post-tool-bash-ok", { cwd: w.project, command: "pnpm build" }));
    await stop("I added a CSV export button. Next: add a test for the export.");
    // Never a SessionEnd: the session is just closed. The next one resumes where it stopped.
    expect(checkpoints()).toHaveLength(1);
    expect(withEngine((e) => e.resume().state)).toMatchObject({ task: "Add CSV export to the invoices page", next_steps: ["add a test for the export."] });
    // A turn soon after with the same next steps: not written again (an audit entry a turn).
    await stop("Renamed the button. Next: add a test for the export.");
    expect(checkpoints()[0]!.content).toContain("I added a CSV export button");
    // New next steps: the same checkpoint, brought up to date.
    await stop("The export test passes. Next: wire the download filename to the date range.");
    const after = checkpoints();
    expect(after).toHaveLength(1);
    expect(withEngine((e) => e.resume().state?.next_steps)).toEqual(["wire the download filename to the date range."]);
    await w.hook("session-end", fixture("session-end", { cwd: w.project }));
    expect(checkpoints().map((m) => m.id)).toEqual([after[0]!.id]);
    // The session captured nothing: its summary does not count its own checkpoint.
    expect(withEngine((e) => e.list({ tags: ["session-summary"] }).memories[0]!.content)).not.toContain("Captured");
    // A later conversation that used no tool and states no next step leaves no checkpoint: it does not replace the task's.
    await prompt("we moved the webapp from Render to Netlify last week, Render is gone", "sess-chat");
    await stop("Noted the hosting change.", "sess-chat");
    await w.hook("session-end", fixture("session-end", { cwd: w.project, session: "sess-chat" }));
    expect(checkpoints()).toHaveLength(1);
    expect(withEngine((e) => e.resume().state?.task)).toBe("Add CSV export to the invoices page");
  });

  test("an updated checkpoint does not store its decisions again; a forgotten one is not made again, the next change makes a new one", async () => {
    await w.hook("prompt", fixture("prompt", { cwd: w.project, prompt: "we decided to keep the FTS index in the same database file" }));
    await w.hook("post-tool", fixture("post-tool-bash-ok", { cwd: w.project, command: "pnpm test" }));
    await w.hook("stop", fixture("stop", { cwd: w.project, message: "Done with the index. Next: measure it." }));
    await w.hook("stop", fixture("stop", { cwd: w.project, message: "Measured. Next: write it up." }));
    const { cp, decision, audit } = withEngine((e) => {
      const cp = e.list({ types: ["checkpoint"] }).memories;
      const decision = e.list({ types: ["decision"] }).memories;
      return { cp, decision, audit: e.auditLog({ memory: decision[0]!.id, limit: 100 }).map((a) => a.op) };
    });
    expect(cp).toHaveLength(1);
    expect(cp[0]!.content).toContain("- write it up.");
    expect(decision).toHaveLength(1);
    // Linked by the first checkpoint (which reinforces it once, as any checkpoint naming a stored decision), not again by its update.
    expect(audit).toEqual(["reinforce", "create"]);
    withEngine((e) => e.forget(cp[0]!.id, {}));
    // Nothing new: the forgotten checkpoint is not made again.
    await w.hook("pre-compact", fixture("pre-compact", { cwd: w.project }));
    expect(withEngine((e) => e.list({ types: ["checkpoint"] }).total)).toBe(0);
    await w.hook("stop", fixture("stop", { cwd: w.project, message: "Written up. Next: ship it." }));
    const active = withEngine((e) => e.list({ types: ["checkpoint"] }).memories);
    expect(active).toHaveLength(1);
    expect(active[0]!.id).not.toBe(cp[0]!.id);
  });

  test("a checkpoint under a legal hold is not rewritten: the session's next one is added beside it", async () => {
    await w.hook("post-tool", fixture("post-tool-bash-ok", { cwd: w.project, command: "pnpm test" }));
    await w.hook("stop", fixture("stop", { cwd: w.project, message: "Half done. Next: the other half." }));
    const held = withEngine((e) => {
      const cp = e.list({ types: ["checkpoint"] }).memories[0]!;
      e.addHold({ id: cp.id, reason: "litigation" });
      return cp;
    });
    await w.hook("stop", fixture("stop", { cwd: w.project, message: "All done. Next: ship it." }));
    const after = withEngine((e) => e.list({ types: ["checkpoint"] }).memories);
    expect(after).toHaveLength(2);
    expect(after.find((m) => m.id === held.id)!.content).toBe(held.content);
  });

  test("chatter: greetings and \"let's go on\" name no task", () => {
    for (const t of ["morning. let's pick up where we left off yesterday", "hey!", "ok continue from where we stopped", "good morning", "let's keep going"]) expect(chatter(t)).toBe(true);
    for (const t of ["morning standup notes need a template", "continue the migration of the auth routes to OAuth", "what did we decide about db sessions in the routes?"]) expect(chatter(t)).toBe(false);
  });
});

describe("captures kept while the database was locked", () => {
  test("Stop and SessionEnd write a session's kept captures first, in their scope, and the state forgets them", async () => {
    await w.hook("stop", fixture("stop", { cwd: w.project, message: MESSAGE })); // the store and the session's state exist
    const state = JSON.parse(readFileSync(stateFile(w.cairnHome, "sess-fixture-1"), "utf8"));
    state.pending = [
      { content: "The billing cron runs at 02:00 UTC.", type: "fact", tags: ["captured"], global: false },
      { content: "User prefers tabs over spaces.", type: "preference", tags: ["captured"], global: true },
    ];
    writeFileSync(stateFile(w.cairnHome, "sess-fixture-1"), JSON.stringify(state));
    await w.hook("stop", fixture("stop", { cwd: w.project, message: `again: ${MESSAGE}` }));
    const stored = withEngine((e) => e.list({ allProjects: true }).memories.filter((m) => m.tags.includes("captured")).map((m) => [m.content, m.project === null]));
    expect(stored.sort()).toEqual([["The billing cron runs at 02:00 UTC.", false], ["User prefers tabs over spaces.", true]]);
    expect(JSON.parse(readFileSync(stateFile(w.cairnHome, "sess-fixture-1"), "utf8")).pending).toEqual([]);
  });
});
