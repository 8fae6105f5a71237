/**
 * @module Whether a new statement changes what an older one about the same subject says, from structure
 * alone (no model): a change cue ("moved to", "no longer", "instead of"), a quantity of the same kind with
 * another value ("30 minutes" → "2 hours"), a flipped polarity ("always" → "don't"), the same subject slot
 * with another value ("Email delivery is handled by Mailgun" → "Email delivery is done through Postmark"), or
 * one name replaced by another in the same frame. An addition cue ("also", "another") or a new statement
 * about the older one's own value ("RabbitMQ is configured with quorum queues" after "The queue runs on
 * RabbitMQ") is not a change. A stated change that names what it replaced, or gives another value of the
 * same thing, is confident enough to supersede on its own.
 */
import { alreadySaid } from "./already-said.ts";
import { swappedAlternative } from "./alternatives.ts";
import { changedQuantity, namedAlike, UNIT_STEMS } from "./quantities.ts";
import { type ChangeMarks, changeMarks, retiresNameOf, versionChanged } from "./retired-names.ts";
import { opposite } from "./opposites.ts";
import { hasLike, sharedStems, some, statementParts, type StatementParts } from "./statement-parts.ts";
import { changeFeatures, changeLikelihood, type ChangeSignals } from "./change-model.ts";
import { namesOld, swapsOtherThing } from "./named-old.ts";
import { changesOneOfTwo } from "./partial-change.ts";
import { holderChanged } from "./role-holders.ts";
import { unstatedChange } from "./unstated-change.ts";
import { otherNamedSubject, otherPurpose, otherSubjects, subjectsApart } from "./subjects.ts";
import { STOPWORDS } from "../retrieve/stopwords.ts";
import { porterStem } from "../text/porter.ts";

export type Relation = "duplicate" | "update" | "conflict" | "none";

export interface Comparison {
  relation: Relation;
  /** Why, in a few words (shown by `--json` and MCP with a conflict). */
  reason: string;
  /** An update or conflict sure enough to supersede the older memory without asking. */
  confident: boolean;
  /**
   * Set when the signal is one any statement sharing a word or two with the newer one would give (a change
   * cue, a negation, another value or name in the same frame) and it is not confident: the share of the older
   * statement's content words the newer one shares. On write, such a flag needs enough of it and is kept for
   * the closest candidate only (engine/related-on-write.ts).
   */
  looseOverlap?: number;
}

/** Words announcing that the new statement replaces what was true before. */
export const CHANGE =
  /\b(switch(ed|ing)?|migrat(ed|ing)|moved|replac(ed|es|ing)|changed|upgraded|downgraded|deprecated|decommissioned|retired|removed|deleted|dropped|relocated|stopped|renamed|ported|became|superseded|no longer|from now on|not anymore|anymore|instead( of)?|is gone|are gone|since|now|raised|lowered|bumped|updated|increased|decreased|reduced|grew|shrank|resized|took over|transferred|handed over|starting (?:next|from|today|tomorrow|this|in|on)|as of|these days|going forward|rolled back|reverted|reversed|abandoned)\b/i;
/**
 * Words saying an earlier statement was wrong: "that's wrong", "the earlier note was incorrect", "turns out",
 * "actually". A correction contradicts whatever it shares a subject with, whatever words it uses for the rest.
 */
const CORRECTION = /\b(wrong|incorrect|inaccurate|mistaken|untrue|not true|turn(s|ed) out|actually|correction|in fact|misremembered)\b/i;
/**
 * Words announcing something added next to what was said, not instead of it. "A second …" only as what a
 * sentence is about ("A second ETL job runs at 03:00"): "replaying creates a second ledger entry" adds nothing.
 */
const ADDITION = /\b(also|additionally|as well|too|in addition|another|besides|plus|there'?s a separate|an? (?:additional|extra|separate))\b|(?:^|[.;:!?]\s+)a (?:second|third) (?!(?:or|and|to|later|before|after|apart|delay|timeout)\b)(?=[a-z])/i;

/** "Also" in other languages: "Die Tests laufen auch mit vitest" was merged into "Die Tests laufen mit vitest" (QA). */
const ADDITION_OTHER =
  /(?<![\p{L}\p{N}'’-])(?:auch|zusätzlich|aussi|également|también|además|anche|inoltre|também|ook|også|också|также|тоже|też|także|również)(?![\p{L}\p{N}'’-])/iu;
const adds = (text: string) => ADDITION.test(text) || ADDITION_OTHER.test(text);

/** `next` says it adds to what `prev` said, in however few new words ("Also cache the token list in Redis"). */
export const addsTo = (prev: string, next: string): boolean => adds(next) && !adds(prev);

/** A change cue in a clause of `next` that names something the older statement holds ("…; use X instead" about another thing is not). */
function cueAbout(p: StatementParts, next: string): boolean {
  return next
    .split(/[.;!?]\s|[;!?]$|\.$/)
    .some((clause) => CHANGE.test(clause) && sharedStems(statementParts(clause).stems, p.stems).length > 0);
}

/** The content words of the clause of `text` around position `at` ("retention raised to 35 days" in "…; …"). */
function clauseAt(text: string, at: number): Set<string> {
  const start = Math.max(...[";", ". ", "! ", "? "].map((d) => text.lastIndexOf(d, at)));
  const ends = [";", ". ", "! ", "? "].map((d) => text.indexOf(d, at)).filter((i) => i >= 0);
  return statementParts(text.slice(start < 0 ? 0 : start + 1, ends.length > 0 ? Math.min(...ends) : text.length)).stems;
}

/** The reason a pair sharing words is left alone when each statement is about a thing the other never names. */
export const ANOTHER_NAMED_SUBJECT = "about another named thing";

/** Content words two statements share from which they are one frame filled for two things (see below). */
const OTHER_SUBJECT_FRAME = 3;

/** The reason a pair is left alone when the newer statement holds no more than the older already says. */
export const ALREADY_SAID = "already says what it changed to";

/** The reason a pair is left alone when each statement's subject is a thing the other never names. */
export const ANOTHER_SUBJECT = "is about another thing";

/** A restriction: "only reachable over the VPN" rules out the rest without a negation. */
const ONLY = /\b(?:only|solely|exclusively)\b/i;
/** A negation of a manner: "not publicly", "never directly", "isn't manually". */
const NEGATED_MANNER = /(?:\bnot|\bnever|n't)\s+\p{L}{3,}ly\b/giu;

/** Verbs a negation leaves to their object: "do not run npm install" is about npm install. */
const BARE_VERBS = new Set(["run", "us", "use", "call", "add", "set", "put", "get", "keep", "make", "do", "push", "instal", "commit", "touch", "edit", "chang"]);

/** Signals of a change from `p` (older) to `n` (newer); exported for the bench's --show. */
export function changeSignals(p: StatementParts, n: StatementParts, prev: string, next: string): ChangeSignals {
  const shared = sharedStems(p.stems, n.stems);
  // The newer statement is about the same slot: it has a subject and that subject adds no other thing
  // ("Java service's heap" after "Java service uses Flyway" is another slot).
  const sameSlot = n.subject.size >= 2 && [...n.subject].every((w) => hasLike(p.stems, w)) && !otherPurpose(prev, next);
  const subjectKept = some(p.subject, (w) => n.stems.has(w));
  const valueGone = p.value.size > 0 && !some(p.value, (w) => n.stems.has(w));
  const goneNames = [...p.valueNames].filter((w) => !n.stems.has(w));
  const freshNames = [...n.valueNames].filter((w) => !p.stems.has(w));
  const freshValue = [...n.value].some((w) => !hasLike(p.stems, w));
  // A negation flips what both say only when what it governs is there in both: "do not run npm install" and
  // "tests run with vitest" share "run" alone, a verb that says little without its object (QA: "says the
  // opposite", and recall moved the fact ahead). "is not idempotent" needs no more than its word.
  const negatedShared = (x: StatementParts, other: StatementParts, xText: string, otherText: string) => {
    const [head, ...governed] = [...x.negated];
    if (head === undefined || !shared.some((w) => x.negated.has(w))) return false;
    // "Only" in the other restricts what a negated manner rules out: "not publicly reachable" and "only reachable
    // over the VPN" agree (QA: "says the opposite"). Any negated word the other lacks, not just a manner, lost
    // true contradictions on pairs c and f: what one rules out and the other allows "only" may clash ("never use an
    // ORM" / "only use Prisma").
    if (ONLY.test(otherText) && [...(xText.match(NEGATED_MANNER) ?? [])].some((m) => !hasLike(other.stems, porterStem(m.split(/\s+/).pop()!.toLowerCase())))) return false;
    // Or the two share enough besides ("services must not run queries" / "services may run raw SQL"): pairs a, j.
    return !BARE_VERBS.has(head) || governed.length === 0 || governed.some((w) => other.stems.has(w)) || shared.length >= 3;
  };
  return {
    shared: shared.length,
    cue: !CHANGE.test(prev) && cueAbout(p, next),
    added: addsTo(prev, next),
    corrects: CORRECTION.test(next) && !CORRECTION.test(prev),
    opposed: opposite(prev, next),
    quantity: changedQuantity(
      p.quantities,
      n.quantities,
      (a, b) => sharedStems(clauseAt(prev, a.at), clauseAt(next, b.at)).some((w) => !UNIT_STEMS.has(w)) && namedAlike(a, b, a.unit === "" ? n.stems : p.stems),
    ),
    flip: negatedShared(p, n, prev, next) !== negatedShared(n, p, next, prev),
    slot: sameSlot && subjectKept && valueGone && p.valueNames.size > 0 && freshValue,
    replaced: sameSlot && goneNames.length > 0 && freshNames.length > 0,
    nameGone: goneNames.length > 0,
    nameNew: freshNames.length > 0,
    namesOld: namesOld(p, next),
  };
}

/**
 * A loose signal (Comparison.looseOverlap) counts on write only when the new statement shares at least this
 * share of the older one's content words: in a store, a long note that mentions one or two of them
 * ("Documents are stored as JSON" against "Never store the editor selection in React state; it re-rendered
 * the whole document") is another fact. Fitted on the whole stores of bench/write-flags.ts (coding e–f,
 * current a–e): flags outside the labelled pairs 580 → 330, labelled pairs found 255 → 239 of 413; pair sets
 * a–f: flag recall unchanged but c 0.883 → 0.867, f 0.469 → 0.448. Held out: coding-g outside 84 → 43 (found
 * 23 → 24 of 33), current-f 41 → 29 (47 of 81 both), pairs-g recall 0.807 → 0.789, additions flagged 0.109
 * both. 0.25 lost a sixth of the found pairs. Recall's current-first (retrieve/stated-change.ts) does not
 * apply it: there it cost coding-e's current-first 0.704 → 0.667. The hooks do (governing.ts, prompt.ts): a rule is
 * not taken as changed by a later one sharing a word or two of it (QA: "Before committing, run git status" hid
 * "never git push --force"); blind inject sets a–k, with the flags of governing.ts: recall +0 to +2.6 points,
 * precision −1.7 to +1.3, silence on three sets −0.9 to −2.6.
 */
export const LOOSE_MIN_OVERLAP = 0.2;

/** "moved CI from …", "switched the marketing site from …", "migrated frontend error monitoring from …": what moved. */
const MOVED_THING = /\b(?:moved|switched|migrated|ported|converted|changed)\s+(?<thing>[^,;:.]{1,60}?)\s+(?:over\s+)?from\s/i;

/**
 * Whether `next` says it moved a thing the older statement does not speak of: no word of the thing is in `prev`
 * and the two share nothing but the name moved from ("moved CI from Jenkins" against "the nightly backups are
 * run by a Jenkins job"), or a word both have comes after a word of its own in each ("the marketing site"
 * against "Docs site"). The thing is often named in other words ("card processing" for "Card payments", "moved
 * hosting from Heroku" for "deployed to Heroku with Procfile …"): one word of it, or a second word shared, is
 * enough (coding-b lost a true supersede to the first version of this rule).
 */
function movesOtherThing(prev: string, next: string, shared: number): boolean {
  const thing = MOVED_THING.exec(next)?.groups?.thing;
  if (!thing) return false;
  const [a, b] = [stemmedWords(prev), stemmedWords(thing)];
  if (b.some((x) => x.s !== undefined) && !b.some((x) => x.s !== undefined && a.some((y) => y.s === x.s))) return shared <= 1;
  return qualifiedApart(a, b);
}

type StemmedWord = { w: string; s: string | undefined };
const stemOf = (w: string): string | undefined => [...statementParts(w).stems][0];
const stemmedWords = (t: string): StemmedWord[] => (t.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_-]*/gu) ?? []).map((w) => ({ w, s: stemOf(w) }));

/**
 * Whether a word both hold comes after a word of its own in each, which the other does not hold: "The billing
 * service requires …" and "The reporting service requires …", "Docs site" and "the marketing site": one frame
 * said of two things.
 */
function qualifiedApart(a: readonly StemmedWord[], b: readonly StemmedWord[]): boolean {
  const before = (list: readonly StemmedWord[], s: string) => {
    const i = list.findIndex((x) => x.s === s);
    const w = i > 0 ? list[i - 1]!.w : undefined;
    return w === undefined || STOPWORDS.has(w) || /\d/.test(w) ? undefined : stemOf(w);
  };
  const has = (list: readonly StemmedWord[], s: string) => list.some((x) => x.s === s);
  return b.some((x) => {
    if (x.s === undefined || !has(a, x.s)) return false;
    const [p, n] = [before(a, x.s), before(b, x.s)];
    return p !== undefined && n !== undefined && p !== n && !has(b, p) && !has(a, n);
  });
}

/** Parts of a system a statement is about: one in the older statement and its counterpart in the newer is another subject. */
const COUNTERPART_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["frontend", "backend"], ["staging", "production"], ["development", "production"],
  ["ios", "android"], ["web", "mobile"], ["client", "server"], ["unit", "integration"], ["internal", "external"],
];
/** Short names of those parts: "prod" is production ("deploys to staging; prod needs a tagged release" names both). */
const PART_NAMES: ReadonlyMap<string, string> = new Map([["prod", "production"], ["dev", "development"]]);
/** Words joined by hyphens stay one: "server-side rendered" and "client-side SPA" say how one thing works, not which part. */
const partWords = (text: string) => new Set((text.toLowerCase().match(/\p{L}+(?:-\p{L}+)*/gu) ?? []).map((w) => PART_NAMES.get(w) ?? w));

/** Whether one statement names a part of a system and not its counterpart, and the other the counterpart and not the part. */
function counterparts(prev: string, next: string): boolean {
  const [a, b] = [partWords(prev), partWords(next)];
  const only = (one: Set<string>, other: Set<string>, x: string, y: string) => one.has(x) && !one.has(y) && other.has(y) && !other.has(x);
  return COUNTERPART_PAIRS.some(([x, y]) => only(a, b, x, y) || only(a, b, y, x));
}

/** The reason given when each statement names a part of a system the other does not (staging / production). */
export const ANOTHER_PART = "is about another part of the system";
/** The reason a statement that asks about, proposes or forbids a change is left alone (capture/unstated-change.ts). */
export const UNSTATED = "speaks of a change without making it";

/** The reason of a change stated of another thing than the older statement's, naming what that one names. */
export const CHANGES_ANOTHER_THING = "states a change of another thing it names";

/** The reason of a conflict found by a negation one statement has and the other lacks in a shared frame. */
export const SAYS_OPPOSITE = "says the opposite";

/** The reason of a newer statement that replaced something the older one never mentions (named-old.ts). */
export const SWAPS_OTHER_THING = "replaced something it does not mention";

/**
 * Whether a change found for `reason` is only reported to the writer: never kept as a link, and not read as a
 * change by recall (a negation in a shared frame; a change of another thing the older statement names).
 */
export const reportedOnly = (reason: string): boolean => reason === SAYS_OPPOSITE || reason === CHANGES_ANOTHER_THING;

/** The reason of a change only the model of change-model.ts finds. */
export const READS_LIKE_CHANGE = "reads like a change of it";
/** The model's probability from which a pair the rules leave undecided is flagged (bench/change-model.ts). */
export const LIKELY_CHANGE = 0.5;

/**
 * How `next` relates to `prev` when it is not a near-copy: an update, a conflict, or nothing to act on. A pair
 * sharing a word that no rule decides goes to the model of change-model.ts: a likely change is a loose conflict
 * (never superseded on its own). Held-out pairs g–l through `remember` (bench/lifecycle.ts): flag recall
 * +0.9 to +6.0 points, additions flagged unchanged (DESIGN.md "A fitted model for what the rules leave open").
 */
export function changeOf(prev: string, next: string): Comparison {
  const { comparison, undecided, parts, signals } = changeOfByRules(prev, next);
  if (!undecided) return comparison;
  const likely = changeLikelihood(changeFeatures(parts[0], parts[1], signals, comparison.relation, prev.length, next.length)) >= LIKELY_CHANGE;
  return likely ? looseOr(parts[0].stems.size, signals.shared, { relation: "conflict", reason: READS_LIKE_CHANGE, confident: false }) : comparison;
}

/** What the rules alone say of a pair, and whether they left it open (the model's case): bench/change-model.ts fits on it. */
export function changeOfByRules(prev: string, next: string): { comparison: Comparison; undecided: boolean; parts: [StatementParts, StatementParts]; signals: ChangeSignals } {
  const [p, n] = [statementParts(prev), statementParts(next)];
  const s = changeSignals(p, n, prev, next);
  const c = changeByRules(p, n, s, prev, next);
  return { comparison: c === UNDECIDED ? { ...c } : c, undecided: c === UNDECIDED, parts: [p, n], signals: s };
}

/** What {@link changeByRules} returns when the statements share words and no rule decides. */
const UNDECIDED: Comparison = { relation: "none", reason: "related", confident: false };

function changeByRules(p: StatementParts, n: StatementParts, s: ChangeSignals, prev: string, next: string): Comparison {
  if (s.shared === 0) return { relation: "none", reason: "another subject", confident: false };
  // A question, a proposal, a rule against the change or one tried and not made keeps what the older one says.
  if (unstatedChange(next, CHANGE)) return { relation: "none", reason: UNSTATED, confident: false };
  if (s.cue && !s.namesOld && swapsOtherThing(p, prev, next)) return { relation: "none", reason: SWAPS_OTHER_THING, confident: false };
  // Another value said of two things is each one's own value, with a change word or not, unless the newer names
  // what it replaced (QA: "The Redis cache listens on port 6379" was flagged against "The API listens on port
  // 8080", and recall put it first for the API's port). Pairs a–m: unrelated flagged d 0.042 → 0.021, no flag lost. The same test for the model's and
  // the slot's changes cost flags (g, i), and subjects told apart by a qualifier ("the orders table" / "the
  // audit table") cost a–l flag recall up to 0.02 and current-above-stale on h.
  if (s.quantity && !s.namesOld && otherSubjects(p, n)) return { relation: "none", reason: ANOTHER_SUBJECT, confident: false };
  // A change to what the older statement already states, or the same change said again, is no change of it (QA:
  // "CI now runs on GitHub Actions; Jenkins was retired." was flagged against "CI runs on GitHub Actions." and took
  // the one loose flag a write keeps from the stale Jenkins memory). Pairs a–m and current a–l identical.
  const agrees = !s.quantity && !s.opposed && !s.corrects && !versionChanged(changeMarks(prev), changeMarks(next));
  if (agrees && alreadySaid(p, n, prev, next)) return { relation: "none", reason: ALREADY_SAID, confident: false };
  const framed = s.shared >= 2;
  // Confident only when the newer statement says it changed and names what it replaced ("from X to Y",
  // "instead of X", "no longer X"), or gives another value of the same thing in a shared frame. Any two
  // signals agreeing was measured too: pairs-a precision 1.0 (13 supersedes), held-out pairs-b 0.5 (1 of 2).
  // And only about the same subject: "We moved CI from Jenkins to GitHub Actions" names Jenkins, which "The
  // nightly backups are run by a Jenkins job" holds, but is about CI (QA: the backups fact was superseded, and
  // recall answered with the CI decision). What the change moved must be what the older statement is about,
  // and no part of a system set against its counterpart ("frontend" where it said "backend").
  const otherPart = counterparts(prev, next);
  const sameSubject = !movesOtherThing(prev, next, s.shared) && !otherPart;
  // A change of one of two things the older statement joins leaves the other true: flagged, not superseded.
  // Another value with no word of what it replaced is said of the same thing only when the subjects meet.
  const confident = s.cue && (s.namesOld || (s.quantity && framed && !subjectsApart(p, n))) && sameSubject && !changesOneOfTwo(prev, next);
  // "X also purges soft-deleted rows" adds; a change that names what it replaced is one, "also" or not.
  // Additions flagged: pairs-b 0.067 → 0.033, pairs-d 0.085 → 0.064, no flag lost.
  // A change of another thing that names what this one names is reported, never kept as a link: recall would
  // put "moved the marketing site from Netlify" ahead of "Docs site is hosted on Netlify" (QA re-check).
  const reason = s.namesOld && !sameSubject ? CHANGES_ANOTHER_THING : "states a change to it";
  if (s.cue && !(s.added && !s.namesOld)) return looseOr(p.stems.size, s.shared, { relation: "update", reason, confident });
  // Not sure enough to supersede on write: pairs-c precision 0.889 → 0.818, pairs-d 1.0 → 0.8 when it was.
  const said = outright({ stems: p.stems, marks: changeMarks(prev) }, { stems: n.stems, marks: changeMarks(next) });
  if (said.retired) return { relation: "update", reason: "says what it held is gone", confident: false };
  if (s.corrects) return { relation: "conflict", reason: "says it was wrong", confident: false };
  if (s.added) return { relation: "none", reason: "adds to it", confident: false };
  // One part of a system and its counterpart ("Staging database runs on port 5432", "Production database runs
  // on port 6432"): two facts side by side, not a change of one (QA: recall then answered the staging question
  // with the production port).
  if (otherPart) return { relation: "none", reason: ANOTHER_PART, confident: false };
  // Another holder of a role for the same subject (role-holders.ts): pairs a–m +4 flags, no addition or duplicate.
  if (holderChanged(prev, next, p, n)) return looseOr(p.stems.size, s.shared, { relation: "update", reason: "names another holder of its role", confident: false });
  if (s.shared >= OTHER_SUBJECT_FRAME && otherNamedSubject(p, n)) return { relation: "none", reason: ANOTHER_NAMED_SUBJECT, confident: false };
  if (said.version) return { relation: "update", reason: "gives it another version", confident: false };
  if (s.slot) return looseOr(p.stems.size, s.shared, { relation: "update", reason: "gives its subject another value", confident });
  if (framed && s.quantity) return looseOr(p.stems.size, s.shared, { relation: "conflict", reason: "states another value", confident });
  if (framed && s.flip) return looseOr(p.stems.size, s.shared, { relation: "conflict", reason: SAYS_OPPOSITE, confident });
  if (s.opposed) return { relation: "conflict", reason: "puts it in the opposite state", confident: false };
  if (framed && s.replaced) return looseOr(p.stems.size, s.shared, { relation: "conflict", reason: "names something else in its place", confident });
  // Another thing of the kind the older one names (capture/alternatives.ts): "Deploys are triggered from
  // Jenkins" → "GitHub Actions triggers our deploys". Flagged, never superseded on its own.
  const swap = swappedAlternative(prev, next);
  if (swap) return looseOr(p.stems.size, s.shared, { relation: "conflict", reason: `names another ${swap.kind} (${swap.from} → ${swap.to})`, confident: false });
  // The same words with two trading places: the roles turned round ("A depends on B" → "B depends on A").
  if (swappedRoles(prev, next)) return { relation: "conflict", reason: "puts two of its words the other way round", confident: false };
  return UNDECIDED;
}

/** `c`, marked loose with the overlap (the older statement's content words the newer shares) unless confident. */
function looseOr(oldSize: number, shared: number, c: Comparison): Comparison {
  return c.confident ? c : { ...c, looseOverlap: oldSize > 0 ? shared / oldSize : 0 };
}

/** A statement's content words and its change marks, read once when many pairs are compared (recall). */
export interface Outright {
  stems: ReadonlySet<string>;
  marks: ChangeMarks;
}

export const outrightOf = (text: string): Outright => ({ stems: statementParts(text).stems, marks: changeMarks(text) });

function outright(prev: Outright, next: Outright): { retired: boolean; version: boolean } {
  return { retired: retiresNameOf(next.marks, prev.stems), version: versionChanged(prev.marks, next.marks) };
}

/**
 * The newer statement says outright that what the older one states changed: a name the older one holds is
 * gone, or the same named thing has another version. Sure enough for recall to put it first even when it
 * matches the query far less than the older one.
 */
export function changedOutright(prev: Outright, next: Outright): boolean {
  if (next.marks.retired.length === 0 && next.marks.versions.size === 0) return false;
  const s = outright(prev, next);
  return (s.retired || s.version) && sharedStems(prev.stems, next.stems).length > 0;
}

/** Content words up to which a statement is short: one word swapped for another is then a change, not a rewording. */
const SHORT_STATEMENT = 6;

/** Share of each statement's words the other must hold (a prefix counts: "docs"/"documentation"). */
export const SAME_MEANING = 0.75;

/**
 * `next` says what `prev` says in other words: each holds at least {@link SAME_MEANING} of the other's
 * content words and nothing signals a change. Measured on blind pairs (bench/lifecycle.ts): precise, but it
 * finds only a fifth of the paraphrases (the rest share too few words to tell from a change without a model).
 */
export const sameMeaning = (prev: string, next: string): boolean => sameWords(prev, next) && changeOf(prev, next).relation === "none";

/** A statement this many times longer than another holding its words says more than it does. */
const LONGER_SAYS_MORE = 2;

/**
 * Whether one text is over {@link LONGER_SAYS_MORE} times as long as the other: holding the other's words, it
 * still says more (QA: a runbook of 40 steps over the words of one of 20 was merged into it). 1.5 cost a fifth
 * of the blind pairs' paraphrases found; 2 and 2.5 none.
 */
export function oneSaysMore(prev: string, next: string): boolean {
  const length = (t: string) => t.split(/\s+/).length;
  return Math.max(length(prev), length(next)) > LONGER_SAYS_MORE * Math.min(length(prev), length(next));
}

/** Longest run of words put in another's place that {@link slotSwapped} still calls one slot. */
const SLOT_WORDS = 2;

/**
 * The same sentence but for one slot, filled with other words: "Alerts for search route to #ops" → "Alerts for
 * auth route to #ops", also where the slot recurs ("Runbook for the billing service: check the billing queue" →
 * "… the search service: check the search queue"; QA: merged as a rewording, the second runbook was lost).
 * Said of something else, not in other words, however long the sentence (a rewording moves and changes words
 * throughout).
 */
function slotSwapped(prev: string, next: string): boolean {
  const [a, b] = [sentenceWords(prev), sentenceWords(next)];
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const slot = [a.slice(head, a.length - tail), b.slice(head, b.length - tail)] as const;
  return otherWords(...slot) || otherWords(...recurringSlot(a, b));
}

/** A statement's words in order, lower case, as the slot tests compare them. */
const sentenceWords = (t: string): string[] => t.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_.#/-]*/gu) ?? [];

/** Longest statement, in words, tried for a swap. */
const MAX_SWAP_WORDS = 60;

/**
 * The same words with two of them trading places, give or take one word: "The orders service depends on the
 * inventory service" → "The inventory service depends on the orders service", "Prefer composition over
 * inheritance" → "Prefer inheritance over composition", "from Webpack to Vite" → "from Vite back to Webpack".
 * The roles changed, not the wording (QA: each was merged into the other as a rewording, and consolidation
 * folded such pairs). A clause moved whole ("Before pushing, run the tests" → "Run the tests before pushing")
 * is no swap of two words.
 */
export function swappedRoles(prev: string, next: string): boolean {
  const words = (t: string) => sentenceWords(t).map((w) => w.replace(/[.]+$/, ""));
  const [a, b] = [words(prev), words(next)];
  if (Math.abs(a.length - b.length) > 1 || Math.max(a.length, b.length) > MAX_SWAP_WORDS) return false;
  // The two words are content words both statements hold.
  const [inA, inB] = [new Set(a), new Set(b)];
  const swappable = (w: string) => inA.has(w) && inB.has(w) && !STOPWORDS.has(w) && !/^\d/.test(w);
  if (a.length === b.length) return swapOf(a, b, swappable);
  // Give or take one word: the longer without each of its words in turn.
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.some((_, i) => swapOf(short, [...long.slice(0, i), ...long.slice(i + 1)], swappable));
}

/**
 * Whether trading two words everywhere in `a` makes `b` (as long as `a`): the first place they differ names the
 * two, every other place must follow. Linear, where trying each pair of words was quadratic in them: recall
 * asks this of its best results' pairs (stated-change.ts).
 */
function swapOf(a: readonly string[], b: readonly string[], swappable: (w: string) => boolean): boolean {
  const at = a.findIndex((w, i) => w !== b[i]);
  if (at < 0) return false;
  const [x, y] = [a[at]!, b[at]!];
  if (!swappable(x) || !swappable(y)) return false;
  return a.every((w, i) => b[i] === (w === x ? y : w === y ? x : w));
}

/** The words only one side holds, where taking them out of both leaves the same sentence (else two empty lists). */
function recurringSlot(a: readonly string[], b: readonly string[]): [string[], string[]] {
  const [inA, inB] = [new Set(a), new Set(b)];
  const gone = a.filter((w) => !inB.has(w));
  const put = b.filter((w) => !inA.has(w));
  const rest = (ws: readonly string[], out: readonly string[]) => ws.filter((w) => !out.includes(w)).join(" ");
  return rest(a, gone) === rest(b, put) ? [[...new Set(gone)], [...new Set(put)]] : [[], []];
}

/** Whether a slot's words `gone` and `put` (each 1–{@link SLOT_WORDS}) are other words, not a plural or a longer form. */
function otherWords(gone: readonly string[], put: readonly string[]): boolean {
  if (gone.length === 0 || put.length === 0 || gone.length > SLOT_WORDS || put.length > SLOT_WORDS) return false;
  // A plural, a longer form ("docs" → "documentation") or a repeated word is the same thing said again.
  const stemsOf = (ws: readonly string[]) => new Set(ws.flatMap((w) => [...statementParts(w).stems]));
  const [g, p] = [stemsOf(gone), stemsOf(put)];
  return g.size > 0 && p.size > 0 && ![...g].some((w) => hasLike(p, w)) && ![...p].some((w) => hasLike(g, w));
}

/**
 * The words half of {@link sameMeaning}: each statement holds enough of the other's words, and none differs in
 * a number, a name, a value, a negated rule or an "also". For callers that already know `changeOf` of the pair.
 */
export function sameWords(prev: string, next: string): boolean {
  const [pp, np] = [statementParts(prev), statementParts(next)];
  const [p, n] = [pp.stems, np.stems];
  if (p.size < 3 || n.size < 3) return false;
  // A number or identifier only one of them holds is a difference, however many words they share.
  const digits = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].some((w) => /\d/.test(w) && !b.has(w));
  if (digits(p, n) || digits(n, p)) return false;
  // So is a name only one of them holds ("CSV or JSON" after "CSV"), or a value each states and the other
  // lacks ("… is master" → "… is main"), or a rule only the newer one has ("…, and the approver can't be the
  // author"). With these, no pair of a–e or pairs-f's first half that is not a paraphrase passes (3 did).
  const unnamed = (a: StatementParts, b: ReadonlySet<string>) => [...a.names].some((w) => !hasLike(b, w));
  if (unnamed(pp, n) || unnamed(np, p)) return false;
  const valueOnly = (a: StatementParts, b: ReadonlySet<string>) => a.value.size > 0 && ![...a.value].some((w) => hasLike(b, w));
  if (valueOnly(pp, n) && valueOnly(np, p)) return false;
  if (pp.negated.size === 0 && [...np.negated].some((w) => !hasLike(p, w))) return false;
  if (addsTo(prev, next)) return false;
  const cover = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].filter((w) => hasLike(b, w)).length / a.size;
  // In a short statement, a word each holds and the other lacks is one thing put in another's place ("We use
  // pnpm, not npm" → "We use yarn, not npm"), however much else they share.
  const unmatched = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].some((w) => !hasLike(b, w));
  if (Math.min(p.size, n.size) <= SHORT_STATEMENT && unmatched(p, n) && unmatched(n, p)) return false;
  if (slotSwapped(prev, next) || swappedRoles(prev, next)) return false;
  if (oneSaysMore(prev, next)) return false;
  return Math.min(cover(p, n), cover(n, p)) >= SAME_MEANING;
}
