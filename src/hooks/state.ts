/**
 * @module Per-session hook state in `<dataDir>/hooks/<session>.json`: what this session captured, surfaced
 * and which commands are failing, so later events of the same session can link fixes and avoid repeats.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface OpenFailure {
  /** The failing command line, as run. */
  command: string;
  /** Normalised error signature. */
  signature: string;
  /** The error memory captured for it, if any. */
  errorId: string | null;
  at: number;
  /** Commands run and files edited since, in order: the candidates for "what fixed it". */
  since: string[];
}

export interface SessionState {
  v: 1;
  /** The first substantial prompt: names the session's task in its checkpoint. */
  firstPrompt: string | null;
  /** Memories this session created (captures, errors), so they are not injected back to it. */
  created: string[];
  /** Memories already shown to the agent this session; showing them again is noise. */
  surfaced: string[];
  /** Fixes already given after a failure: a failing command gets its fix again even if a prompt showed it, but only once. */
  advised: string[];
  /** Error memories captured this session (capped). */
  errorsCaptured: number;
  /** Open failures by command key. */
  failures: Record<string, OpenFailure>;
  /** The session summary memory, updated in place as the session goes on. */
  summaryId: string | null;
  /** The last assistant message seen at Stop (cut), for the checkpoint at compaction or session end. */
  lastMessage: string | null;
  /** Content of the last checkpoint written, so repeated PreCompact/SessionEnd do not write it twice. */
  checkpointContent: string | null;
}

/** Records a memory this session wrote; a duplicate write (reinforcing the same memory) is listed once. */
export function noteCreated(state: SessionState, id: string): void {
  if (!state.created.includes(id)) state.created.push(id);
}

const MAX_LIST = 200;
/** State files of sessions that never sent SessionEnd are removed after this long. */
const STALE_MS = 7 * 86_400_000;

export function emptyState(): SessionState {
  return { v: 1, firstPrompt: null, created: [], surfaced: [], advised: [], errorsCaptured: 0, failures: {}, summaryId: null, lastMessage: null, checkpointContent: null };
}

/** Session ids come from the agent: anything outside a safe file-name alphabet is replaced. */
export function stateFile(dataDir: string, sessionId: string): string {
  const safe = sessionId.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_").slice(0, 128) || "_";
  return join(dataDir, "hooks", `${safe}.json`);
}

export function loadState(dataDir: string, sessionId: string | null): SessionState {
  if (!sessionId) return emptyState();
  try {
    const parsed = JSON.parse(readFileSync(stateFile(dataDir, sessionId), "utf8")) as Partial<SessionState>;
    if (parsed?.v !== 1) return emptyState();
    return { ...emptyState(), ...parsed };
  } catch {
    return emptyState();
  }
}

/** Atomic replace (temp file + rename): two hooks of one session may run at once. */
export function saveState(dataDir: string, sessionId: string | null, state: SessionState): void {
  if (!sessionId) return;
  const file = stateFile(dataDir, sessionId);
  const dir = join(dataDir, "hooks");
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  state.created = state.created.slice(-MAX_LIST);
  state.surfaced = state.surfaced.slice(-MAX_LIST);
  state.advised = state.advised.slice(-MAX_LIST);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Removes this session's state, and any left behind by sessions that ended without telling us. */
export function clearState(dataDir: string, sessionId: string | null, now: number): void {
  if (sessionId) rmSync(stateFile(dataDir, sessionId), { force: true });
  const dir = join(dataDir, "hooks");
  try {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    }
  } catch {
    // no state directory yet
  }
}
