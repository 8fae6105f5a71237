/** @module Test helper for hooks: fixtures with placeholders filled in, and running a handler in process over a temp CAIRN_HOME. */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolvePaths } from "../../src/config/paths.ts";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { parseHookInput } from "../../src/hooks/input.ts";
import { handleEvent } from "../../src/hooks/dispatch.ts";
import type { RetrievalChannel } from "../../src/retrieve/channel.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures", "hooks");

/**
 * A real event JSON from test/fixtures/hooks with `__NAME__` placeholders replaced inside string values
 * (after parsing, so any text — quotes, newlines — stays valid JSON).
 */
export function fixture(name: string, vars: Record<string, string | undefined> = {}): string {
  const fill = (v: unknown): unknown => {
    if (typeof v === "string") return v.replace(/__([A-Z]+)__/g, (m, k: string) => vars[k.toLowerCase()] ?? m);
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const json = fill(JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8"))) as Record<string, unknown>;
  if (vars.session) {
    if ("session_id" in json) json.session_id = vars.session;
    if ("sessionId" in json) json.sessionId = vars.session;
  }
  return JSON.stringify(json);
}

export interface HookWorld {
  root: string;
  cairnHome: string;
  /** A project directory (holds .git). */
  project: string;
  /**
   * Runs `cairn hook <event>` in process with `stdin`; returns what it would print. `dense` stands in for the
   * warm daemon's loaded model.
   */
  hook(event: string, stdin: string, dense?: RetrievalChannel): Promise<string>;
  /** Runs `fn` with an Engine on the world's database (closed afterwards), to inspect what hooks stored. */
  withEngine<T>(fn: (e: Engine) => T): T;
  cleanup(): void;
}

export function hookWorld(): HookWorld {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "cairn-hooks-")));
  const cairnHome = join(root, "cairn-home");
  const project = join(root, "app");
  mkdirSync(join(project, ".git"), { recursive: true });
  return {
    root,
    cairnHome,
    project,
    async hook(event, stdin, dense) {
      const input = parseHookInput(event, stdin, project);
      if (!input) return "";
      return handleEvent(input, resolvePaths({ CAIRN_HOME: cairnHome }), undefined, dense);
    },
    withEngine(fn) {
      const engine = new Engine({ store: new SqliteStore(join(cairnHome, "cairn.db")), project, actor: "test" });
      try {
        return fn(engine);
      } finally {
        engine.close();
      }
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The injected context of a hook's stdout ("" when it printed nothing). */
export function contextOf(stdout: string): string {
  if (stdout === "") return "";
  return JSON.parse(stdout).hookSpecificOutput.additionalContext as string;
}
