/**
 * @module A statement that speaks of a change without saying it happened: a question ("Should we switch from
 * Jest to Vitest?"), a proposal or a task ("Proposal: …", "TODO: evaluate switching …", "not approved yet"),
 * a rule against it ("Do not switch from Jest to Vitest"), or a change tried or weighed and not made ("We
 * considered switching … but decided to stay", "We tried moving from Poetry to uv but reverted"). Each names
 * the old thing beside a change cue, which alone would supersede it (QA: storing the question retired the
 * decision it asked about, and recall answered with the question).
 */

/** A sentence that asks: a question mark, or the way a question starts. */
const QUESTION = /\?\s*$|^\s*(?:should|shall|why not|what if|how about|whether)\b/i;
/** A change proposed, planned as a task or weighed: these words before the change cue. */
const PROPOSED =
  /\b(?:propos(?:al|e|ed|ing)|suggest(?:ion|s|ed|ing)?|consider(?:s|ed|ing)?|evaluat(?:e|es|ing)|investigat(?:e|es|ing)|explor(?:e|es|ing)|maybe|perhaps|might|whether|thinking (?:about|of)|idea|todo|rfc|spike|open question)\b/i;
/** Not agreed yet, wherever it is said. */
const UNAPPROVED = /\bnot (?:yet )?(?:approved|decided|agreed)\b|\bpending approval\b/i;
/** A rule against the change: "do not switch", "never migrate", "no need to move". */
const FORBIDDEN =
  /\b(?:do not|don't|dont|never|no need to|avoid|shouldn't|should not|must not|mustn't|won't|will not|not to)\s+(?:\w+\s+){0,2}?(?:switch(?:ing)?|migrat(?:e|ing)|mov(?:e|ing)|replac(?:e|ing)|upgrad(?:e|ing)|downgrad(?:e|ing)|port(?:ing)?|chang(?:e|ing)|drop(?:ping)?|remov(?:e|ing))\b/i;
/** A change tried or weighed, then not made: "considered …, but stayed", "tried … but reverted". */
const NOT_MADE =
  /\b(?:tried|attempted|experimented|considered|evaluated|looked (?:into|at)|thought about|tested)\b[^.;]*\b(?:but|then|and)\b[^.;]*\b(?:stay(?:ed)?|kept|keep|stick|stuck|remain(?:ed)?|revert(?:ed)?|rolled back|went back|back to|decided against|gave up|abandoned|not)\b/i;

/** A change decided against: "we decided against switching", "chose not to move". */
const DECIDED_AGAINST = /\b(?:decided|chose|opted|voted)\s+(?:against|not\s+to)\b/i;
/**
 * A change turned down: these words before the change cue ("we rejected switching"), or said of it
 * ("switching … was rejected"). After the cue and active they may be about something else ("moved to pnpm
 * after the registry rejected our token").
 */
const REJECTED = /\b(?:rejected|ruled\s+out|turned\s+down|vetoed|shelved|called\s+off)\b/i;
const REJECTED_PASSIVE = /\b(?:was|were|is|got|been)\s+(?:rejected|ruled\s+out|turned\s+down|vetoed|shelved|called\s+off)\b/i;

/** The clauses of `text` (a sentence, or a part of one after ";"). */
const clauses = (text: string): string[] => text.split(/(?<=[.!?;])\s+/).filter((s) => s.trim() !== "");

/** Whether `clause` speaks of the change `at` its cue without making it. */
function hedged(clause: string, at: number): boolean {
  const proposed = PROPOSED.exec(clause);
  const rejected = REJECTED.exec(clause);
  return (
    (proposed !== null && proposed.index < at) || (rejected !== null && rejected.index < at) ||
    UNAPPROVED.test(clause) || FORBIDDEN.test(clause) || NOT_MADE.test(clause) || DECIDED_AGAINST.test(clause) || REJECTED_PASSIVE.test(clause)
  );
}

/**
 * Whether `text` states no change: every clause asks, or every clause that speaks of a change (`cue`, a
 * pattern without the g flag) asks, proposes, forbids it or says it was not made.
 */
export function unstatedChange(text: string, cue: RegExp): boolean {
  const all = clauses(text);
  if (all.length > 0 && all.every((c) => QUESTION.test(c))) return true;
  const speaking = all.flatMap((c) => {
    const m = cue.exec(c);
    return m ? [{ c, at: m.index }] : [];
  });
  return speaking.length > 0 && speaking.every(({ c, at }) => QUESTION.test(c) || hedged(c, at));
}
