/**
 * @module PreToolUse with the warm daemon's model: an error or lesson among the few memories closest in
 * meaning to a command is shown when it also shares two of the command's words, never on meaning alone, and
 * never without a model (a cold hook).
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "../../src/retrieve/channel.ts";
import { contextOf, fixture, type HookWorld, hookWorld } from "./helpers.ts";

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

/** A dense channel that ranks the scope's memories in a fixed order of contents (as a model would), cosine 0.9 down. */
function rankedBy(order: string[]): RetrievalChannel {
  return {
    name: "dense",
    async search(q: ChannelQuery): Promise<ChannelHit[]> {
      const all = w.withEngine((e) => e.list({ allProjects: true }).memories);
      return order.flatMap((c, i) => all.filter((m) => m.content === c).map((memory) => ({ memory, score: 0.9 - i * 0.05 }))).slice(0, q.limit);
    },
  };
}

const UPGRADE = "`Error: UPGRADE FAILED: another operation is in progress` on the payments deploy; fixed with `helm rollback` and re-running the upgrade.";
const LINT = "golangci-lint errcheck flags a rollback whose error is ignored.";
const FAR = "The upgrade of the chart to v2 broke the helm hooks in staging.";
const run = (command: string, dense?: RetrievalChannel) => w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command }), dense);

describe("pre-tool: words and meaning agree", () => {
  beforeEach(() => {
    w.withEngine((e) => {
      for (const [content, type] of [[UPGRADE, "error"], [LINT, "lesson"], [FAR, "lesson"]] as const) e.remember({ content, type });
    });
  });

  test("an error close in meaning that shares two command words is shown", async () => {
    const shown = contextOf(await run("helm upgrade --install api ./chart -n payments", rankedBy([UPGRADE, LINT, FAR])));
    expect(shown).toContain("UPGRADE FAILED");
  });

  test("not on the command's lead alone: `helm upgrade` starts every deploy", async () => {
    expect(await run("helm upgrade --install web ./chart -n web", rankedBy([UPGRADE, LINT, FAR]))).toBe("");
  });

  test("not on meaning alone: the closest memory shares one word at most", async () => {
    expect(await run("helm lint ./chart", rankedBy([LINT, UPGRADE, FAR]))).toBe("");
  });

  test("not on words alone: two shared words but far in meaning", async () => {
    const filler = Array.from({ length: 5 }, (_, i) => `Filler note number ${i} about something else entirely.`);
    w.withEngine((e) => filler.forEach((content) => e.remember({ content, type: "fact" })));
    expect(contextOf(await run("helm upgrade --install api ./chart", rankedBy([...filler, LINT, FAR, UPGRADE])))).not.toContain("UPGRADE FAILED");
  });

  test("a cold hook (no model) keeps the exact-mention rule only", async () => {
    expect(contextOf(await run("helm upgrade --install api ./chart"))).not.toContain("UPGRADE FAILED");
  });
});
