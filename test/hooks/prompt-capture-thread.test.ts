/**
 * @module Hook captures in the warm daemon (a prompt's rules, a failed command's error, the lesson of its fix)
 * search their nearest memories on the store's search thread, before the capture's write transaction (inside
 * it, FTS5 ranked every match on the daemon's own thread), and store, reinforce and supersede exactly as a cold
 * hook does.
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

const ECONN = "Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect";
/** Events in order: prompts, then a command that fails twice and passes after a step. */
const EVENTS: Array<[string, string, Record<string, string>]> = [
  ...PROMPTS.map((prompt): [string, string, Record<string, string>] => ["prompt", "prompt", { prompt }]),
  ["post-tool", "post-tool-bash-failure", { command: "npm run test:integration", error: ECONN }],
  ["post-tool", "post-tool-bash-failure", { command: "npm run test:integration", error: ECONN }],
  ["post-tool", "post-tool-bash-ok", { command: "docker compose up -d postgres" }],
  ["post-tool", "post-tool-bash-ok", { command: "npm run test:integration" }],
];

/** What the events leave stored (content, status), and how many keyword searches ran on the store's own thread. */
async function run(warm: boolean): Promise<{ stored: Array<[string, string]>; searchedHere: number }> {
  const w = hookWorld();
  worlds.push(w);
  const paths = resolvePaths({ CAIRN_HOME: w.cairnHome });
  const shared: { store?: SqliteStore } = {};
  const store = warm ? () => (shared.store ??= new SqliteStore(join(w.cairnHome, "cairn.db"), { searchThreadFrom: 0 })) : undefined;
  const onMain = spyOn(SqliteStore.prototype, "searchText");
  try {
    for (const [event, name, vars] of EVENTS) {
      const input = parseHookInput(event, fixture(name, { cwd: w.project, session: "s1", ...vars }), w.project)!;
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

test("the warm daemon's captures (prompt rules, an error and its fix) search on the thread and store what a cold hook stores", async () => {
  const cold = await run(false);
  const warm = await run(true);
  expect(warm.stored).toEqual(cold.stored);
  // Five distinct rules (the repeated one reinforced), a change among them that a rule noticed, the error
  // (its repeat not captured again) and the lesson of its fix.
  expect(cold.stored.length).toBe(7);
  expect(cold.stored.map(([, status]) => status)).toContain("superseded");
  expect(cold.stored.map(([content]) => content).filter((c) => c.includes("npm run test:integration"))).toHaveLength(2);
  expect(cold.searchedHere).toBeGreaterThan(0);
  expect(warm.searchedHere).toBe(0);
});
