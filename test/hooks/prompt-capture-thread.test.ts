/**
 * @module A prompt's captures in the warm daemon search their nearest memories on the store's search thread,
 * before the capture's write transaction (inside it, FTS5 ranked every match on the daemon's own thread), and
 * store, reinforce and supersede exactly as a cold hook does.
 */
import { afterEach, expect, spyOn, test } from "bun:test";
import { join } from "node:path";
import { resolvePaths } from "../../src/config/paths.ts";
import { handleEvent } from "../../src/hooks/dispatch.ts";
import { parseHookInput } from "../../src/hooks/input.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { fixture, type HookWorld, hookWorld } from "./helpers.ts";

const worlds: HookWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.cleanup();
});

const PROMPTS = [
  "we decided to deploy the web app with Helm charts",
  "always use pnpm for this repo, never npm or yarn",
  "we decided to use Jest for unit tests",
  "we decided to deploy the web app with Helm charts",
  "from now on we deploy the web app with Argo CD instead of Helm",
  "we decided to use Vitest instead of Jest for unit tests",
];

/** What the prompts leave stored (content, status), and how many keyword searches ran on the store's own thread. */
async function run(warm: boolean): Promise<{ stored: Array<[string, string]>; searchedHere: number }> {
  const w = hookWorld();
  worlds.push(w);
  const paths = resolvePaths({ CAIRN_HOME: w.cairnHome });
  const shared: { store?: SqliteStore } = {};
  const store = warm ? () => (shared.store ??= new SqliteStore(join(w.cairnHome, "cairn.db"), { searchThreadFrom: 0 })) : undefined;
  const onMain = spyOn(SqliteStore.prototype, "searchText");
  try {
    for (const prompt of PROMPTS) {
      const input = parseHookInput("prompt", fixture("prompt", { cwd: w.project, prompt }), w.project)!;
      await handleEvent(input, paths, store);
    }
    const searchedHere = onMain.mock.calls.length;
    shared.store?.close();
    const stored = w.withEngine((e) => e.list({ allProjects: true, statuses: ["active", "superseded"] }).memories.map((m): [string, string] => [m.content, m.status]).sort());
    return { stored, searchedHere };
  } finally {
    onMain.mockRestore();
  }
}

test("the warm daemon's captures search on the thread and store what a cold hook stores", async () => {
  const cold = await run(false);
  const warm = await run(true);
  expect(warm.stored).toEqual(cold.stored);
  // Four distinct statements (the repeated one reinforced), and a change among them that a rule noticed.
  expect(cold.stored.length).toBe(5);
  expect(cold.stored.map(([, status]) => status)).toContain("superseded");
  expect(cold.searchedHere).toBeGreaterThan(0);
  expect(warm.searchedHere).toBe(0);
});
