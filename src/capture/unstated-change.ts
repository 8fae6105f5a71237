/**
 * @module A statement that speaks of a change without saying it happened: a question ("Should we switch from
 * Jest to Vitest?"), a proposal or a task ("Proposal: …", "TODO: evaluate switching …", "not approved yet"),
 * a rule against it ("Do not switch from Jest to Vitest"), or a change tried or weighed and not made ("We
 * considered switching … but decided to stay", "We tried moving from Poetry to uv but reverted"), or one decided
 * against or rejected ("we decided against switching …", "switching … was rejected"). Each names the old thing
 * beside a change cue, which alone would supersede it (QA: storing the question retired the decision it asked
 * about, and recall answered with the question).
 */

/** A sentence that asks: a question mark, or the way a question starts. */
const QUESTION = /\?\s*$|^\s*(?:should|shall|why not|what if|how about|whether)\b/i;
/** A change proposed, planned as a task or weighed: these words before the change cue. */
const PROPOSED =
  /\b(?:propos(?:al|e|ed|ing)|suggest(?:ion|s|ed|ing)?|consider(?:s|ed|ing)?|evaluat(?:e|es|ing)|investigat(?:e|es|ing)|explor(?:e|es|ing)|maybe|perhaps|might|whether|thinking (?:about|of)|idea|todo|rfc|spike|open question)\b/i;
/** Not agreed yet, or only put forward, wherever it is said: "not approved yet", "was proposed". */
const UNAPPROVED = /\bnot (?:yet )?(?:approved|decided|agreed)\b|\bpending approval\b|\b(?:was|were|is|been)\s+(?:proposed|suggested|floated|discussed|considered)\b/i;
/** Agreed and made: a proposal word then says where the change came from ("Proposal accepted: we replaced …"). */
const ACCEPTED = /\b(?:accepted|approved|adopted|agreed|merged|implemented|rolled out)\b/i;
/** Not making it: "not switching from Jest", "no move from Jest to Vitest for now". */
const NOT_DOING = /\bnot\s+(?:switching|moving|migrating|replacing|changing|upgrading|downgrading|dropping|porting)\b|\bno\s+(?:move|switch|migration|change|upgrade|replacement)\s+(?:from|to|away|off)\b/i;
/** A rule against the change: "do not switch", "never migrate", "no need to move". */
const FORBIDDEN =
  /\b(?:do not|don't|dont|never|no need to|avoid|shouldn't|should not|must not|mustn't|won't|will not|not to)\s+(?:\w+\s+){0,2}?(?:switch(?:ing)?|migrat(?:e|ing)|mov(?:e|ing)|replac(?:e|ing)|upgrad(?:e|ing)|downgrad(?:e|ing)|port(?:ing)?|chang(?:e|ing)|drop(?:ping)?|remov(?:e|ing))\b/i;
/** A change tried or weighed, then not made: "considered …, but stayed", "tried … but reverted". */
const NOT_MADE =
  /\b(?:tried|attempted|experimented|considered|evaluated|looked (?:into|at)|thought about|tested)\b[^.;]*\b(?:but|then|and)\b[^.;]*\b(?:stay(?:ed)?|kept|keep|stick|stuck|remain(?:ed)?|revert(?:ed)?|rolled back|went back|back to|decided against|gave up|abandoned|not)\b/i;

/** A change decided against: "we decided against switching", "chose not to move". */
const DECIDED_AGAINST = /\b(?:decided|chose|opted|voted)\s+(?:against|not\s+to)\b/i;
/**
 * A change turned down: the change itself rejected ("we rejected switching", "ruled out the move to …"), or
 * said to be ("switching … was rejected", "replacing Jest with Vitest: rejected"). A rejection of another thing
 * beside a change made ("rejected GitLab CI and replaced Jenkins …", "moved to pnpm after the registry rejected
 * our token") is not (QA re-check).
 */
const TURNED_DOWN = String.raw`(?:rejected|ruled\s+out|turned\s+down|vetoed|shelved|called\s+off)`;
const REJECTED = new RegExp(String.raw`\b${TURNED_DOWN}\s+(?:the\s+(?:idea|proposal|plan|move|switch)\s+(?:of|to)\s+)?(?:switch|migrat|mov|replac|chang|upgrad|downgrad|port|drop)\w*`, "i");
const REJECTED_PASSIVE = new RegExp(String.raw`\b(?:was|were|is|got|been)\s+(?:\w+\s+){0,3}?${TURNED_DOWN}\b|:\s*${TURNED_DOWN}\b`, "i");
/** A clause whose subject is the change itself ("Switching …", "The move to …"), as a passive rejection needs. */
const CHANGE_SUBJECT = /^\s*(?:the\s+(?:idea|proposal|plan)\s+(?:of|to)\s+)?(?:switching|moving|migrating|replacing|changing|upgrading|downgrading|porting|dropping|the\s+(?:move|switch|migration|change|upgrade|replacement))\b/i;

/** The clauses of `text` (a sentence, or a part of one after ";"). */
const clauses = (text: string): string[] => text.split(/(?<=[.!?;])\s+/).filter((s) => s.trim() !== "");

/** Whether `clause` speaks of the change `at` its cue without making it. */
function hedged(clause: string, at: number): boolean {
  const proposed = PROPOSED.exec(clause);
  return (
    (proposed !== null && proposed.index < at && !ACCEPTED.test(clause)) || REJECTED.test(clause) ||
    UNAPPROVED.test(clause) || FORBIDDEN.test(clause) || NOT_DOING.test(clause) || NOT_MADE.test(clause) || DECIDED_AGAINST.test(clause) || (CHANGE_SUBJECT.test(clause) && REJECTED_PASSIVE.test(clause))
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
