/**
 * @module Hook state under `forget --hard`. A purge scrubs every session's state file (and both generations of
 * hooks.log, sealed lines opened with the store's key) of the purged text, and counts an erase generation in
 * `<data dir>/erase.gen` around it: odd while a purge runs, even once its scrub is done. A hook event (cold, or in the warm daemon) that loaded its session's state
 * before or during a purge must not write that text back, so before it writes the state file or a memory
 * built from it (a summary, a checkpoint) it compares generations, and when they moved it takes the text
 * fields from the scrubbed file (or drops them while a purge is still running) and keeps only its ids.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withoutQuotes, withoutQuotesDeep } from "../capture/quotes.ts";
import type { ErasurePort } from "../engine/context.ts";
import { type LineSeal, logSealOf, parseLogLine, SEALED_LINE } from "../log-file.ts";
import { HOOK_LOG, hookLogFile } from "./log.ts";
import { writeFailure } from "../store/write-access.ts";
import { emptyState, SEALED_PREFIX, type SessionState, stateFiles } from "./state.ts";

function genFile(dataDir: string): string {
  return join(dataDir, "erase.gen");
}

/** The erase generation: "0" before any purge; odd while one runs. */
export function eraseGeneration(dataDir: string): number {
  try {
    return Number(readFileSync(genFile(dataDir), "utf8")) || 0;
  } catch {
    return 0;
  }
}

/** Moves the generation to the next odd (a purge begins) or even (it is done) number. */
function bump(dataDir: string, odd: boolean): void {
  if (!existsSync(dataDir)) return;
  const now = eraseGeneration(dataDir);
  const next = now + ((now % 2 === 1) === odd ? 2 : 1);
  const tmp = `${genFile(dataDir)}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, String(next), { mode: 0o600 });
    renameSync(tmp, genFile(dataDir));
  } catch (err) {
    // A full disk is said as a full disk, and no temporary file stays behind (QA: "Internal error: ENOSPC").
    rmSync(tmp, { force: true });
    throw writeFailure(err, join(dataDir, "cairn.db")) ?? err;
  }
}

/** Whether state loaded at generation `loaded` may be written back as it is now. */
export function stateStillValid(dataDir: string, loaded: number): { valid: boolean; now: number } {
  const now = eraseGeneration(dataDir);
  return { valid: now === loaded && now % 2 === 0, now };
}

/**
 * The state to write after a purge moved the generation: text fields from the file on disk (scrubbed once the
 * purge is done; dropped while `running`), ids and counters from both.
 */
export function afterErase(disk: SessionState, mine: SessionState, running: boolean): SessionState {
  const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
  const merged: SessionState = {
    ...disk,
    created: union(disk.created, mine.created),
    surfaced: union(disk.surfaced, mine.surfaced),
    briefed: union(disk.briefed, mine.briefed),
    advised: union(disk.advised, mine.advised),
    governed: union(disk.governed, mine.governed),
    errorsCaptured: Math.max(disk.errorsCaptured, mine.errorsCaptured),
    summaryId: mine.summaryId ?? disk.summaryId,
    checkpointContent: mine.checkpointContent ?? disk.checkpointContent,
    checkpointId: mine.checkpointId ?? disk.checkpointId,
    checkpointAt: Math.max(disk.checkpointAt, mine.checkpointAt),
    checkpointSteps: mine.checkpointSteps ?? disk.checkpointSteps,
    worked: disk.worked || mine.worked,
    pending: [...disk.pending, ...mine.pending.filter((p) => !disk.pending.some((d) => d.content === p.content))],
  };
  return running ? withoutText(merged) : merged;
}

/** The state with every field that can hold the user's words emptied. */
export function withoutText(s: SessionState): SessionState {
  return { ...s, firstPrompt: null, lastMessage: null, failures: {}, pending: [] };
}

/** Removes every quote of `texts` from the session state files and hooks.log of `dataDir`. */
export function scrubHookFiles(dataDir: string, texts: readonly string[]): void {
  for (const file of stateFiles(dataDir)) {
    try {
      const text = readFileSync(file, "utf8");
      // Sealed (an encrypted store): unreadable here, so it cannot be scrubbed; the state is a cache: it goes.
      if (text.startsWith(SEALED_PREFIX)) {
        rmSync(file, { force: true });
        continue;
      }
      const parsed = JSON.parse(text) as SessionState;
      const r = withoutQuotesDeep({ ...emptyState(), ...parsed }, texts);
      // A failure is keyed by its command's program: a key quoting the text goes with its entry (QA soak: the
      // erased error's "acme-payroll-export" stayed on disk as a key).
      const failures = Object.entries(r.value.failures).filter(([key]) => !withoutQuotes(key, texts).quoted);
      const keysQuoted = failures.length < Object.keys(r.value.failures).length;
      if (r.quoted || keysQuoted) replace(file, JSON.stringify({ ...r.value, failures: Object.fromEntries(failures) }));
    } catch {
      // removed by its session meanwhile, or not a state file
    }
  }
  for (const log of [hookLogFile(dataDir), `${hookLogFile(dataDir)}.1`]) {
    if (!existsSync(log)) continue;
    const r = scrubLog(readFileSync(log, "utf8"), texts, logSealOf(dataDir));
    if (r.quoted) replace(log, r.text);
  }
}

/**
 * hooks.log without quotes of `texts`. Plain lines are scrubbed in place; sealed lines (an encrypted store)
 * are opened with the store's seal, scrubbed and sealed again, and dropped when they cannot be opened here.
 */
function scrubLog(text: string, texts: readonly string[], seal: LineSeal | null): { quoted: boolean; text: string } {
  let quoted = false;
  const lines = text.split("\n").flatMap((line) => {
    const parsed = line.includes(SEALED_LINE) ? parseLogLine(HOOK_LOG, line, seal) : null;
    if (!parsed?.sealed) {
      const r = withoutQuotes(line, texts);
      quoted ||= r.quoted;
      return [r.text];
    }
    if (!parsed.readable || !seal) {
      quoted = true;
      return [];
    }
    const r = withoutQuotes(parsed.text, texts);
    if (!r.quoted) return [line];
    quoted = true;
    return [`${parsed.at} ${SEALED_LINE}${seal.seal(r.text, `${HOOK_LOG} ${parsed.at}`)}`];
  });
  return { quoted, text: lines.join("\n") };
}

function replace(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.erase`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The {@link ErasurePort} of a data directory: what `forget --hard` clears beside the database. */
export function hookStateErasure(dataDir: string): ErasurePort {
  return {
    begin: () => bump(dataDir, true),
    scrub: (texts) => {
      try {
        scrubHookFiles(dataDir, texts);
      } finally {
        bump(dataDir, false);
      }
    },
  };
}
