/**
 * @module Current beats stale: when a newer memory says it changed something an older candidate states
 * ("Switched unit tests from jest to vitest" against "Unit tests run with jest"), the newer one goes just
 * ahead of the older. The older memory describes the past state in the query's own words, so it usually
 * matches better; without this the agent is told the stale fact first. A pair qualifies when the newer
 * memory is in the same scope, carries a change cue, and shares at least two distinctive words with the
 * older one. Explicit `supersedes` links retire the old memory outright; this covers changes nobody linked.
 * A change said outright between two statements of state (a name the older one holds is gone, or the same
 * named thing at another version: capture/retired-names.ts) moves from further down, when the query names no
 * time: current above stale a/b/c 0.833/0.717/0.817 → 0.900/0.800/0.917, coding MRR unchanged or up.
 */
import { namedAlternatives, swapBetween } from "../capture/alternatives.ts";
import { changedOutright, type Outright, outrightOf } from "../capture/change-rules.ts";
import { statesHowThingsAre } from "../domain/kinds.ts";
import { laterThan, type Memory } from "../domain/memory.ts";
import type { FusedHit } from "./fusion.ts";
import { moveAhead } from "./move-ahead.ts";
import { statesChange } from "./stated-change.ts";
import { STOPWORDS } from "./stopwords.ts";

/** Words that announce a change of state, in the newer memory. */
const CHANGE =
  /\b(switch(ed|ing)?|migrat(ed|ing)|moved|replac(ed|ing)|changed|upgraded|downgraded|dropped|removed|deprecated|no longer|instead of|superseded|banned|renamed|converted|now uses?|we now|from now on)\b/i;
/** How far below the older memory a newer one is looked for, as a multiple of the result count. */
const REACH = 3;
const MIN_SHARED = 2;
/** The newer memory must itself match the query this well, relative to the older one's score. */
// Measured at 0.3 for pairs the write-time rules call a change: current-a 0.767 → 0.817, but coding MRR
// a −2.6, b −1.1 points; kept at 0.6 for every pair.
const MIN_SCORE_RATIO = 0.6;
/**
 * A change said outright (capture/retired-names.ts) between two statements of state may come from this far
 * down, when the query names no time: the newer one says the thing in other words ("Fastly replaced
 * CloudFront" against "CloudFront sits in front of the gateway"), so it matches a question about the older
 * one's subject less. Letting every write-time change move from 0.2 cost coding MRR a −5.4, d −5.1 points.
 */
const MIN_STATED_RATIO = 0.2;
const WORD = /[\p{L}\p{N}_]+/gu;
/** Clause ends: a sentence's, or a semicolon. */
const CLAUSE = /[.;!?](?:\s|$)/;

export interface CurrentFirst {
  hits: FusedHit[];
  /** For each memory moved ahead: the older memory it updates (for --explain). */
  updates: Map<string, string>;
}

/** Reorders the top `depth` so each memory that updates an older candidate stands just before it. */
export function currentFirst(hits: readonly FusedHit[], depth: number, now = true): CurrentFirst {
  const wordsOf = perMemory(distinctive);
  const marksOf = perMemory((content): Marks => ({ ...outrightOf(content), names: namedAlternatives(content) }));
  const { hits: out, moved } = moveAhead(hits, { depth, below: REACH * depth }, (older, newer) => isUpdate(older, newer, wordsOf, now && marksOf));
  return { hits: out, updates: moved };
}

/** `read` of a hit's content, computed once per memory (recall compares each of its best results with many). */
function perMemory<T>(read: (content: string) => T): (h: FusedHit) => T {
  const seen = new Map<string, T>();
  return (h) => {
    let v = seen.get(h.memory.id);
    if (v === undefined) seen.set(h.memory.id, (v = read(h.memory.content)));
    return v;
  };
}

/** What a change said outright is read from, per memory: its change marks and the things it names by kind. */
type Marks = Outright & { names: ReadonlyMap<string, ReadonlySet<string>> };

/** `outright` (the marks of a memory, read once) when a change said outright may move from further down. */
function isUpdate(older: FusedHit, newer: FusedHit, wordsOf: (h: FusedHit) => Set<string>, outright: false | ((h: FusedHit) => Marks)): boolean {
  if (newer.score >= MIN_SCORE_RATIO * older.score && states(newer.memory, older.memory, () => wordsOf(older), () => wordsOf(newer))) return true;
  if (!outright || newer.score < MIN_STATED_RATIO * older.score) return false;
  const [a, b] = [older.memory, newer.memory];
  if (!laterThan(b, a) || b.project !== a.project || !statesHowThingsAre(a) || !statesHowThingsAre(b)) return false;
  if (changedOutright(outright(older), outright(newer))) return true;
  // Another thing of the kind the older one names, on a subject they share a word of ("Services log with
  // logrus" → "New services log through log/slog"): current above stale b 0.850 → 0.867, c 0.950 → 0.967,
  // d 0.723 → 0.785; coding and graph sets within 0.2 points (b MRR −0.1).
  return swapBetween(outright(older).names, outright(newer).names) !== null && shareWords(wordsOf(newer), wordsOf(older), 1);
}

/**
 * True when `newer` states a change to what `older` says (same scope, later, a change cue, shared words); a
 * loose signal counts only from `minLooseOverlap` (stated-change.ts).
 */
export function updates(newer: Memory, older: Memory, minLooseOverlap = 0): boolean {
  return states(newer, older, () => distinctive(older.content), () => distinctive(newer.content), minLooseOverlap);
}

/**
 * Where the rules decide nothing, a change word counts in a clause that shares a word with the older statement,
 * with two shared words in all: "Switched unit tests from Jest to Vitest …; run pnpm vitest" changes nothing in
 * "never run npm install" (QA: the prompt hook hid that rule as changed). Words are read last: most pairs fail
 * the cheaper tests, and reading them was 3 ms of a 100k-store recall.
 */
function states(newer: Memory, older: Memory, oldWords: () => Set<string>, newWords: () => Set<string>, minLooseOverlap = 0): boolean {
  if (!laterThan(newer, older) || newer.project !== older.project) return false;
  const said = statesChange(newer, older, minLooseOverlap);
  if (said !== undefined) return said;
  if (!CHANGE.test(newer.content)) return false;
  const old = oldWords();
  if (!shareWords(newWords(), old)) return false;
  return newer.content.split(CLAUSE).some((clause) => CHANGE.test(clause) && [...distinctive(clause)].some((w) => old.has(w)));
}

function shareWords(newWords: Set<string>, oldWords: Set<string>, min = MIN_SHARED): boolean {
  let shared = 0;
  for (const w of newWords) if (oldWords.has(w) && ++shared >= min) return true;
  return false;
}

function distinctive(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.slice(0, 2000).toLowerCase().match(WORD) ?? []) if (w.length >= 3 && !STOPWORDS.has(w)) out.add(w);
  return out;
}
