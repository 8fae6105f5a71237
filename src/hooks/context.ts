/**
 * @module What a hook handler gets: the parsed event, the data dir, a lazily opened Engine scoped to the
 * event's project, and the session's state. Nothing is opened that the handler does not touch.
 */
import { existsSync } from "node:fs";
import type { Paths } from "../config/paths.ts";
import { detectProject, detectProjectKey } from "../config/project.ts";
import { startEmbedWorker } from "../embed-worker.ts";
import type { Engine } from "../engine/engine.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";
import { LOCK_WAIT_MS, WRITE_WAIT_MS } from "./deadlines.ts";
import { appendHookLog } from "./log.ts";
import { openDeferringUpgrade } from "./upgrade.ts";

/** The engine and SQLite modules, loaded by {@link HookContext.ready} only for events that need memory. */
let modules: { Engine: typeof Engine; SqliteStore: typeof SqliteStore } | null = null;
import type { HookInput } from "./input.ts";
import type { RetrievalChannel } from "../retrieve/channel.ts";
import { loadState, type SessionState, type StateSeal, saveState } from "./state.ts";
import { place } from "../store/content-codec.ts";
import { afterErase, eraseGeneration, stateStillValid, withoutText } from "./state-erase.ts";

/** Thrown inside a write transaction when a purge moved the erase generation since the state was loaded. */
const ERASED_MEANWHILE = Symbol("erased meanwhile");

export class HookContext {
  readonly input: HookInput;
  readonly paths: Paths;
  readonly project: string;
  #engine: Engine | null = null;
  #state: SessionState | null = null;
  /** The erase generation when the state was loaded (state-erase.ts). */
  #stateGen = 0;
  #stateDirty = false;
  /** Ids the session had surfaced and created when its state was loaded: what this event added is the rest. */
  #before: { surfaced: Set<string>; created: Set<string> } | null = null;
  /** Memories shown to the agent without entering the session's `surfaced` list (the SessionStart briefing). */
  readonly #shown: string[] = [];
  /** Something was captured: its vector is made by the background worker, not on the agent's clock. */
  #wrote = false;
  /** Why a write of this event did not happen (another process's lock past its wait, a full disk): later ones do not try again. */
  #lockMissed: false | "DB_BUSY" | "DB_FULL" = false;
  /** A store owned by a long-lived caller (the warm daemon): used instead of opening one, never closed here. */
  readonly #sharedStore: (() => SqliteStore) | undefined;
  /** The long-lived caller's dense channel (its model loaded): hooks then weigh meaning, not only words. */
  readonly #dense: RetrievalChannel | null;

  constructor(input: HookInput, paths: Paths, sharedStore?: () => SqliteStore, dense?: RetrievalChannel | null) {
    this.input = input;
    this.paths = paths;
    this.#sharedStore = sharedStore;
    this.#dense = dense ?? null;
    // cwd follows `cd` and worktrees (CLAUDE_PROJECT_DIR does not), so the event's cwd names the project.
    this.project = detectProjectKey(input.cwd);
  }

  /** The dense channel when a model is loaded (warm daemon); else null. */
  get dense(): RetrievalChannel | null {
    return this.#dense;
  }

  /** True when a database exists: read-only events then have nothing to say and skip opening one. */
  hasMemory(): boolean {
    return existsSync(this.paths.dbFile);
  }

  /**
   * Loads the engine and SQLite modules (~10 ms). Events that never touch memory, like a successful
   * command, skip it; dispatch.ts calls it up front for every other event.
   */
  async ready(): Promise<void> {
    if (modules) return;
    const [{ Engine }, { SqliteStore }] = await Promise.all([import("../engine/engine.ts"), import("../store/sqlite-store.ts")]);
    modules = { Engine, SqliteStore };
  }

  /**
   * The engine for this event. A cold hook has keyword recall only (loading the model costs ~450 ms, too
   * slow for a hook); the warm daemon passes its loaded dense channel, and {@link dense} reports it.
   */
  engine(): Engine {
    if (!modules) throw new Error("HookContext.engine() before ready()");
    if (!this.#engine) {
      const store = this.#sharedStore?.() ?? this.#openStore(modules.SqliteStore);
      this.#engine = new modules.Engine({ store, project: this.project, actor: this.input.sessionId ? `hook:${this.input.sessionId}` : "hook", onWrite: () => (this.#wrote = true), ...(this.#dense ? { channels: { dense: this.#dense } } : {}) });
      // Memories of this repository from before it had a git remote follow it (engine/adopt-root.ts).
      this.#engine.adoptRoot(detectProject(this.input.cwd));
    }
    return this.#engine;
  }

  /**
   * Runs a write (a capture): when another process holds the database's write lock past the hook's short
   * wait, the write is skipped and logged, and the event is still answered.
   */
  writeOrSkip(what: string, write: () => void): void {
    this.writeOrKeep(what, write);
  }

  /**
   * {@link writeOrSkip}, with `keep` run instead when the lock was not had: it puts what the write would have
   * stored in the session state, for a later event to write (prompt.ts).
   */
  writeOrKeep(what: string, write: () => void, keep?: () => void): void {
    // Once the lock was not had, the event's later writes do not wait for it again: SessionEnd's three writes
    // waited 1.5 s, its whole budget.
    if (!this.#lockMissed) {
      try {
        return this.#writeChecked(write);
      } catch (err) {
        const code = (err as { code?: unknown } | null)?.code;
        if (code !== "DB_BUSY" && code !== "DB_FULL") throw err;
        this.#lockMissed = code;
      }
    }
    keep?.();
    const why = this.#lockMissed === "DB_FULL" ? "the disk is full" : "another process held the database's write lock";
    appendHookLog(this.paths.dataDir, `${this.input.event} ${what} ${keep ? "kept for the session's next write" : "skipped"}: ${why}`);
  }

  /**
   * Runs `write` in a write transaction that first checks, holding the lock, that no purge moved the erase
   * generation since the state was loaded: a summary or checkpoint built from that state would put a purged
   * text back. If one did, the state is taken again from the scrubbed file and the write runs once more.
   */
  #writeChecked(write: () => void): void {
    void this.state;
    // Not ready: the write can only change the state (writing memory needs the engine), checked at save.
    if (!modules) return write();
    const store = this.engine().store;
    for (let attempt = 0; ; attempt++) {
      try {
        return store.transaction(() => {
          const gen = stateStillValid(this.paths.dataDir, this.#stateGen);
          if (!gen.valid && attempt === 0) throw ERASED_MEANWHILE;
          write();
        });
      } catch (err) {
        if (err !== ERASED_MEANWHILE) throw err;
        this.#reloadAfterErase();
      }
    }
  }

  #reloadAfterErase(): void {
    const gen = eraseGeneration(this.paths.dataDir);
    this.#state = afterErase(loadState(this.paths.dataDir, this.input.sessionId, Date.now(), () => this.#seal()), this.state, gen % 2 === 1);
    this.#stateGen = gen;
    this.#stateDirty = true;
  }

  /** The store of a cold hook; a first write creates it, encrypted when the configuration says so. */
  #openStore(Store: typeof SqliteStore): SqliteStore {
    if (!existsSync(this.paths.dbFile)) {
      // A store deleted with its audit key left is not made anew by a hook (store/audit-key.ts).
      (require("../store/audit-key.ts") as typeof import("../store/audit-key.ts")).assertDatabaseHere(this.paths.dbFile);
      const { createStoreIfConfigured } = require("../keys/new-store.ts") as typeof import("../keys/new-store.ts");
      const savedIn = createStoreIfConfigured(this.paths.dbFile, this.paths.configFile);
      if (savedIn) appendHookLog(this.paths.dataDir, `created an encrypted store (newStores: encrypted); its key: ${savedIn}`);
    }
    return openDeferringUpgrade(this.paths.dataDir, () => new Store(this.paths.dbFile, { writeWaitMs: WRITE_WAIT_MS.cold, lockWaitMs: LOCK_WAIT_MS.cold, deferUpgrade: true }));
  }

  /**
   * The seal of this session's state file when the store is encrypted (its codec, bound to the session); null
   * for a plain store or none yet. Opens the store (synchronously loading its modules if this event had not):
   * only when a state file is sealed or a state is written, never for a plain read.
   */
  #seal(): StateSeal | null {
    return this.sealFor(this.input.sessionId ?? "");
  }

  /** {@link #seal} for the state file named `name` (another session's, an ended session's kept captures). */
  sealFor(name: string): StateSeal | null {
    if (!this.hasMemory()) return null;
    modules ??= {
      Engine: (require("../engine/engine.ts") as typeof import("../engine/engine.ts")).Engine,
      SqliteStore: (require("../store/sqlite-store.ts") as typeof import("../store/sqlite-store.ts")).SqliteStore,
    };
    const codec = this.engine().store.codec;
    if (!codec.encrypted) return null;
    const where = place("hooks", "state", name);
    return { seal: (json) => codec.encode(json, where), open: (stored) => codec.decode(stored, where, `the hook state file of session ${name}`) };
  }

  get state(): SessionState {
    if (!this.#state) {
      this.#stateGen = eraseGeneration(this.paths.dataDir);
      this.#state = loadState(this.paths.dataDir, this.input.sessionId, Date.now(), () => this.#seal());
      this.#before = { surfaced: new Set(this.#state.surfaced), created: new Set(this.#state.created) };
    }
    return this.#state;
  }

  /** Notes a memory put into the agent's context that the session state does not track as surfaced. */
  noteShown(id: string): void {
    this.#shown.push(id);
  }

  /** The memories this event injected into the agent's context and those it captured (for the activity log). */
  changes(): { injected: string[]; captured: string[] } {
    const state = this.#state;
    const before = this.#before;
    const added = (now: readonly string[], was: Set<string> | undefined) => now.filter((id) => !was?.has(id));
    return {
      injected: [...new Set([...this.#shown, ...added(state?.surfaced ?? [], before?.surfaced)])],
      captured: [...new Set(added(state?.created ?? [], before?.created))],
    };
  }

  /** A tool event: the session is doing work, so its end is worth a checkpoint (hooks/stop.ts; written to the state once). */
  noteWork(): void {
    if (this.input.sessionId && !this.state.worked) this.touchState().worked = true;
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

  /** Saves the state unless a purge ran since it was loaded; then as {@link afterErase} says, checked again after. */
  #saveChecked(): void {
    const dir = this.paths.dataDir;
    if (!stateStillValid(dir, this.#stateGen).valid) this.#reloadAfterErase();
    const seal = this.#seal();
    saveState(dir, this.input.sessionId, this.#state!, Date.now(), seal);
    // A purge that scrubbed the files between the check and the write: write again without the text fields.
    if (!stateStillValid(dir, this.#stateGen).valid) saveState(dir, this.input.sessionId, withoutText(this.#state!), Date.now(), seal);
  }

  close(): void {
    if (this.#stateDirty && this.#state) this.#saveChecked();
    if (!this.#sharedStore) this.#engine?.close();
    this.#engine = null;
    if (this.#wrote) startEmbedWorker(this.paths.dataDir);
    this.#wrote = false;
  }
}
