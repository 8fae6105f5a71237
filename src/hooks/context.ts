/**
 * @module What a hook handler gets: the parsed event, the data dir, a lazily opened Engine scoped to the
 * event's project, and the session's state. Nothing is opened that the handler does not touch.
 */
import { existsSync } from "node:fs";
import type { Paths } from "../config/paths.ts";
import { detectProject } from "../config/project.ts";
import { Engine } from "../engine/engine.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import type { HookInput } from "./input.ts";
import { loadState, type SessionState, saveState } from "./state.ts";

export class HookContext {
  readonly input: HookInput;
  readonly paths: Paths;
  readonly project: string;
  #engine: Engine | null = null;
  #state: SessionState | null = null;
  #stateDirty = false;

  constructor(input: HookInput, paths: Paths) {
    this.input = input;
    this.paths = paths;
    // cwd follows `cd` and worktrees (CLAUDE_PROJECT_DIR does not), so the event's cwd names the project.
    this.project = detectProject(input.cwd);
  }

  /** True when a database exists: read-only events then have nothing to say and skip opening one. */
  hasMemory(): boolean {
    return existsSync(this.paths.dbFile);
  }

  /** Keyword recall only: the dense channel's model costs ~450 ms to load, too slow for a hook. */
  engine(): Engine {
    if (!this.#engine) {
      this.#engine = new Engine({ store: new SqliteStore(this.paths.dbFile), project: this.project, actor: "hook" });
    }
    return this.#engine;
  }

  get state(): SessionState {
    this.#state ??= loadState(this.paths.dataDir, this.input.sessionId);
    return this.#state;
  }

  /** Marks the state to be written back when the handler finishes. */
  touchState(): SessionState {
    this.#stateDirty = true;
    return this.state;
  }

  /** Drops pending state changes (the session's state file was removed). */
  discardState(): void {
    this.#stateDirty = false;
  }

  /** The agent that sent the event, for the `agent` field of captured memories. */
  get agent(): string {
    return this.input.camelCase ? "vscode" : "claude-code";
  }

  close(): void {
    if (this.#stateDirty && this.#state) saveState(this.paths.dataDir, this.input.sessionId, this.#state);
    this.#engine?.close();
    this.#engine = null;
  }
}
