/**
 * @module Per-session hook state in `<dataDir>/hooks/<session>.json`: what this session captured, surfaced
 * and which commands are failing, so later events of the same session can link fixes and avoid repeats.
 * It holds the user's words only as long as needed: every string passes secret redaction on the way to
 * disk, the file goes at SessionEnd, and a session silent for {@link STALE_MS} is treated as over.
 */
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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

/** A capture of a prompt that could not be written (another process held the write lock): written by a later event. */
export interface PendingCapture {
  content: string;
  type: string;
  tags: string[];
  /** About the user (the global scope), not the project. */
  global: boolean;
  /** What the capture carries besides (an error's command line). */
  metadata?: Record<string, string>;
  /** The project and session it was stated in (another session may write it: pending.ts adoptEnded). */
  project?: string;
  sessionId?: string;
  /**
   * An error of a failing command, or the lesson its later success left (post-tool.ts): the command's key, and the
   * error memory the lesson fixes when that was written already. A kept error written later becomes the open
   * failure's error; a kept lesson is linked to it (`fixes`).
   */
  failure?: { key: string; errorId: string | null };
}

export interface SessionState {
  v: 1;
  /** The first substantial prompt: names the session's task in its checkpoint. */
  firstPrompt: string | null;
  /** Memories this session created (captures, errors), so they are not injected back to it. */
  created: string[];
  /** Memories already shown to the agent this session; showing them again is noise. */
  surfaced: string[];
  /**
   * Lessons and pitfalls the SessionStart briefing gave: not shown again before the command they name (QA: the
   * same lesson at SessionStart and PreToolUse seconds apart). Prompts may bring them back (a question about them).
   */
  briefed: string[];
  /** Fixes already given after a failure: a failing command gets its fix again even if a prompt showed it, but only once. */
  advised: string[];
  /** Rules shown before a command, each with its command's lead hashed (governing.ts governedKey): once per command, not per session. */
  governed: string[];
  /** Error memories captured this session (capped). */
  errorsCaptured: number;
  /** Statements captured from this session's prompts (capped: prompt.ts). */
  promptCaptures: number;
  /** Open failures by command key. */
  failures: Record<string, OpenFailure>;
  /** The session summary memory, updated in place as the session goes on. */
  summaryId: string | null;
  /** The last assistant message seen at Stop (cut), for the checkpoint at compaction or session end. */
  lastMessage: string | null;
  /** A hash of the last checkpoint written (never its text), so repeated PreCompact/SessionEnd do not write it twice. */
  checkpointContent: string | null;
  /** This session's checkpoint, brought up to date in place as the session goes on. */
  checkpointId: string | null;
  /** When it was last written (epoch ms), and a hash of the next steps it stated: Stop refreshes it only now and then. */
  checkpointAt: number;
  checkpointSteps: string | null;
  /** Whether the agent used a tool this session: a conversation that never did leaves no checkpoint unless it states next steps. */
  worked: boolean;
  /**
   * Captures a prompt stated while another process held the write lock past the hook's wait (an import, a sweep):
   * the session's next prompt, Stop or SessionEnd writes them, instead of their being lost (QA: 11 skipped in a
   * 2-minute run of four agents).
   */
  pending: PendingCapture[];
}

/** Captures kept for a later write, at most: a session that never gets the lock keeps its newest. */
export const MAX_PENDING = 20;

/** Records a memory this session wrote; a duplicate write (reinforcing the same memory) is listed once. */
export function noteCreated(state: SessionState, id: string): void {
  if (!state.created.includes(id)) state.created.push(id);
}

const MAX_LIST = 200;
/**
 * A session with no state write for this long is over (sessions that never send SessionEnd: VS Code, a
 * crash): its file is ignored and removed. A day covers a session left open overnight.
 */
export const STALE_MS = 24 * 3_600_000;

export function emptyState(): SessionState {
  return { v: 1, firstPrompt: null, created: [], surfaced: [], briefed: [], advised: [], governed: [], errorsCaptured: 0, promptCaptures: 0, failures: {}, summaryId: null, lastMessage: null, checkpointContent: null, checkpointId: null, checkpointAt: 0, checkpointSteps: null, worked: false, pending: [] };
}

/** Session ids come from the agent: anything outside a safe file-name alphabet is replaced. */
export function stateFile(dataDir: string, sessionId: string): string {
  const safe = sessionId.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_").slice(0, 128) || "_";
  return join(dataDir, "hooks", `${safe}.json`);
}

/**
 * How the state file of an encrypted store is sealed (AES-GCM under the store's key, bound to the session):
 * hooks/context.ts makes one from the store's codec. A sealed file starts with {@link SEALED_PREFIX}.
 */
export interface StateSeal {
  seal(json: string): string;
  open(stored: string): string;
}

export const SEALED_PREFIX = "c1:";

/** `seal` is asked only when the file is sealed (opening the store costs); null when none can be had. */
export function loadState(dataDir: string, sessionId: string | null, now = Date.now(), seal?: () => StateSeal | null): SessionState {
  if (!sessionId) return emptyState();
  try {
    const file = stateFile(dataDir, sessionId);
    if (now - statSync(file).mtimeMs > STALE_MS) return emptyState();
    return readStateFile(file, seal);
  } catch {
    return emptyState();
  }
}

/** The state in `file`, opened with `seal` when sealed; empty when it cannot be (throws when unreadable). */
export function readStateFile(file: string, seal?: () => StateSeal | null): SessionState {
  let text = readFileSync(file, "utf8");
  if (text.startsWith(SEALED_PREFIX)) {
    const s = seal?.();
    if (!s) return emptyState();
    text = s.open(text);
  }
  const parsed = JSON.parse(text) as Partial<SessionState>;
  if (parsed?.v !== 1) return emptyState();
  return { ...emptyState(), ...parsed };
}

/**
 * Atomic replace (temp file + rename): two hooks of one session may run at once. Every string is redacted
 * first (the same redaction as memories); a new session's first write also sweeps away stale files.
 */
export function saveState(dataDir: string, sessionId: string | null, state: SessionState, now = Date.now(), seal: StateSeal | null = null): void {
  if (!sessionId) return;
  const file = stateFile(dataDir, sessionId);
  const dir = join(dataDir, "hooks");
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  else if (!existsSync(file)) sweepStale(dataDir, now);
  state.created = state.created.slice(-MAX_LIST);
  state.surfaced = state.surfaced.slice(-MAX_LIST);
  state.briefed = state.briefed.slice(-MAX_LIST);
  state.advised = state.advised.slice(-MAX_LIST);
  state.governed = state.governed.slice(-MAX_LIST);
  state.pending = state.pending.slice(-MAX_PENDING);
  const tmp = `${file}.${process.pid}.tmp`;
  // Loaded on first save, not with this module: most events (a successful command) never write state.
  const { redactDeep } = require("../capture/redact-deep.ts") as typeof import("../capture/redact-deep.ts");
  const json = JSON.stringify(redactDeep(state).value);
  try {
    writeFileSync(tmp, seal ? seal.seal(json) : json, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    // A full disk left a 0-byte temp file per event (QA); the state stays as it was.
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Removes every session's state: after `encrypt`, `decrypt` or `key rotate`, files written under the old
 * encoding (in the clear, before an encrypt) must not outlive it. Running sessions start afresh (a memory may
 * be shown to them once more).
 */
export function dropSessionStates(dataDir: string): void {
  sweepStale(dataDir, Number.POSITIVE_INFINITY);
}

/** Removes state files (and temp files left by a crash) not written for {@link STALE_MS}. */
export function sweepStale(dataDir: string, now: number): void {
  for (const path of stateFiles(dataDir, true)) {
    try {
      if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {
      // removed by another session's sweep meanwhile
    }
  }
}

/** A state file's name, a temp file's (`<name>.<pid>.tmp`) with `temps`. */
const STATE_NAME = /^[A-Za-z0-9_.-]+\.json$/;
const TEMP_NAME = /^[A-Za-z0-9_.-]+\.json\.\d+\.tmp$/;

/**
 * The session state files in `<dataDir>/hooks/` (with `temps`, the temp files of their writes too): regular files
 * named so that begin as cairn writes them, in the clear or sealed. Nothing else there is cairn's to sweep or
 * scrub, and nothing through a link (QA: a `hooks` folder linked elsewhere, or a CAIRN_HOME that was a repository
 * with a hooks/ folder of its own, lost every file older than a day).
 */
export function stateFiles(dataDir: string, temps = false): string[] {
  const dir = join(dataDir, "hooks");
  let names: string[];
  try {
    if (!lstatSync(dir).isDirectory()) return [];
    names = readdirSync(dir);
  } catch {
    return []; // no state directory yet
  }
  return names
    .filter((n) => STATE_NAME.test(n) || (temps && TEMP_NAME.test(n)))
    .map((n) => join(dir, n))
    .filter((path) => {
      try {
        return lstatSync(path).isFile() && writtenByCairn(path);
      } catch {
        return false;
      }
    });
}

/** Whether the file begins as a state file cairn wrote does: `{"v":1,` or the sealed prefix. */
function writtenByCairn(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n).toString("utf8");
    return text.startsWith('{"v":1,') || text.startsWith(SEALED_PREFIX);
  } finally {
    closeSync(fd);
  }
}

/** Removes this session's state, and any left behind by sessions that ended without telling us. */
export function clearState(dataDir: string, sessionId: string | null, now: number): void {
  if (sessionId) rmSync(stateFile(dataDir, sessionId), { force: true });
  sweepStale(dataDir, now);
}
