/**
 * @module Cues for standing instructions (preferences), by family: time markers ("from now on", "…going
 * forward"), imperative always/never/don't/stop, first-person likes ("I really prefer…"), team conventions
 * ("our convention is…", "we always…", "in this repo we…") and conditional rules ("when writing SQL, always…").
 * Each family lists its synonyms so unseen wordings of the same structure are covered.
 */
import { type Cue, re } from "./cue.ts";
import { DEICTIC, isPastForm } from "./gates.ts";

/** Markers that make an instruction standing rather than one-off. "going forward with X" is not one. */
const STANDING = String.raw`(?:from now on|from here on(?: out)?|from (?:today|this point)(?: on(?:wards?)?| forward)?|starting (?:now|today)|going forward(?!\s+with\b)|moving forward(?!\s+with\b)|in (?:the )?future|for the future|henceforth|hereafter|for all future \w+|for (?:the rest of|all of) (?:this|the) (?:project|repo|session|codebase|conversation))`;
/** A condition that is a step of the current task ("when you're done, …"), not a recurring situation. */
const DONE = String.raw`(?:you(?:'re| are)\s+(?:done|finished|ready|back)|you finish|that(?:'s| is) (?:done|merged)|this(?:'s| is) (?:done|merged)|it(?:'s| is) (?:done|merged))`;
/** A definite or pointing object: "use the existing helper", "prefer the simpler version" refer to this chat. */
const DEFINITE = /^(?:the|this|that|these|those|your|my|our|existing|a|an)\b/i;
/** Verbs of what happens to a team rather than what it chooses: "we always get this warning". */
const EXPERIENCE = /^(?:get|gets|see|hit|have|run|end|lose|forget|miss|break|fail|struggle|need|seem|find|hear|wonder)$/i;

/** Verbs after "don't" that dismiss or reassure ("don't worry", "don't forget to…" for the task at hand). */
const NOT_AN_INSTRUCTION = String.raw`(?:worry|bother|forget|mind|panic|stress|hesitate|sweat|care|rush|apologi[sz]e|feel|know|think|understand|see|get me|be sorry|be afraid|need|have to)`;
/** Nouns naming a team rule. */
const RULE_NOUN = String.raw`(?:conventions?|rules?|rule of thumb|standards?|polic(?:y|ies)|guidelines?|norms?|practices?|style(?:\s+guide)?|preferences?)`;
const RULE_ADJ = String.raw`(?:(?:our|the|my|team|house|a|one|general|standing|golden|ground|coding|naming|code|usual|unwritten|team'?s?)\s+)*`;
/** Where a team convention applies: "in this repo", "here". */
const PLACE = String.raw`(?:(?:in|on|for|at)\s+(?:this|our|the)\s+(?:repo|repository|codebase|code base|project|team|org|company|service|monorepo)|here)`;
/** A clause whose subject is a thing, not an addressee: a description ("it always fails…"), not an instruction. */
const DESCRIPTIVE_START = String.raw`(?!(?:it|this|that|there|these|those|the|a|an|my|he|she|they|its)\b)`;

/** Words that cannot open an imperative: subjects, determiners, auxiliaries ("…, it fails", "…, the build breaks"). */
const NOT_A_VERB =
  /^(?:i|you|we|he|she|it|they|this|that|these|those|there|the|a|an|my|our|your|its|their|is|are|was|were|been|has|have|had|will|would|can|could|should|may|might|must|so|then|and|but|or|not|no|same|nothing|everything)$/i;

/** A plausible imperative verb: a base form, not a subject, a third-person "-s", a past or a gerund. */
function isImperativeVerb(word: string): boolean {
  const w = word.toLowerCase();
  const thirdPerson = /s$/.test(w) && !/(?:ss|us|is)$/.test(w);
  return !NOT_A_VERB.test(w) && !isPastForm(w) && !/ing$/.test(w) && !thirdPerson;
}

/** "don't do that again": an instruction whose object only points back at the conversation. */
const onlyDeictic = (s: string) => /^\S+\s+(?:that|this|it)(?:\s+(?:again|anymore|please|now|ever))*[.!]*$/i.test(s);

/** "no" that opens an idiom ("no way", "no problem", "no need to"), not a ban of a thing. */
const NOT_IDIOM = String.raw`(?!(?:one|way|idea|problem|worries|clue|need|luck)\b)`;

export const PREFERENCE_CUES: Cue[] = [
  // Conditional rules: "when writing SQL, always uppercase the keywords", "if you're unsure, don't guess".
  {
    type: "preference", shape: "sentence", beforeGates: true,
    re: re(String.raw`^(?:when(?:ever)?|any\s*time|each time|every time)\s+(?!i\b|i'm\b|${DONE})[^,]{3,80},\s+(?:please\s+)?(?:(?:always|never|also|just)\s+|(?:don't|do not)\s+(?:ever\s+)?|(?:make sure|be sure) (?:to|you)\s+|remember to\s+)?(?<verb>[a-z][\w'-]*)\s+\S+`),
    accept: (m) => isImperativeVerb(m.groups!.verb!),
  },
  {
    type: "preference", shape: "sentence", beforeGates: true,
    re: re(String.raw`^(?:if\s+(?:you|u)|before|after|once)\s+(?!${DONE})[^,]{3,80},\s+(?:please\s+)?(?:always|never|don't|do not|make sure)\b`),
  },
  // Labels: "our team's convention: …", "rule of thumb for this project: …".
  { type: "preference", shape: "rest", re: re(String.raw`^${RULE_ADJ}${RULE_NOUN}(?:\s+(?:for|in|on|here)\b[^:]{0,40})?\s*:\s+(?<rest>.+)`) },
  // Time markers, leading ("from now on, …"), inside a label ("one thing for the future: …") or trailing.
  { type: "preference", shape: "rest", re: re(String.raw`^${STANDING}\b[,:]?\s+(?<rest>.+)`) },
  { type: "preference", shape: "rest", re: re(String.raw`^[^:,]{0,40}\b${STANDING}\s*:\s+(?<rest>.+)`) },
  { type: "preference", shape: "rest", re: re(String.raw`^as a (?:general )?rule[,:]?\s+(?<rest>${DESCRIPTIVE_START}.+)`) },
  {
    type: "preference", shape: "rest",
    re: re(String.raw`^(?:in general|by default|generally)[,:]?\s+(?<rest>${DESCRIPTIVE_START}(?!we\b|i\b|our\b).+)`),
  },
  { type: "preference", shape: "clause", re: re(String.raw`^${DESCRIPTIVE_START}[^?]{6,}?\s${STANDING}[.!]*$`) },
  { type: "preference", shape: "clause", re: re(String.raw`^${DESCRIPTIVE_START}[^?]{6,}?,\s*(?:always|as a rule)[.!]*$`) },
  // Habits and rules asked for: "make it a habit to…", "make it a rule to…".
  { type: "preference", shape: "rest", re: re(String.raw`^make (?:it )?(?:a )?(?:habit|rule|point) (?:to|of)\s+(?<rest>.+)`) },
  // Remembering to do something, making sure of always/never.
  { type: "preference", shape: "rest", re: re(String.raw`^(?:make sure|be sure)\s+(?:to|you)\s+(?<rest>(?:always|never)\s+.+)`) },
  { type: "preference", shape: "rest", re: re(String.raw`^remember to\s+(?<rest>.+)`) },
  // Imperative always/never, with an optional "you should/must" ("you should never hardcode…").
  {
    type: "preference", shape: "clause",
    re: re(String.raw`^(?:you\s+(?:should|must|need to|have to|'ve got to)\s+)?(?:always|never)\s+(?!mind\b)(?:ever\s+)?(?<verb>[\w'-]+)\s+\S+`),
    accept: (m) => isImperativeVerb(m.groups!.verb!),
  },
  // Prohibitions: "don't mock the database…", "please dont ever reformat…".
  {
    type: "preference", shape: "clause", firstOnly: true,
    re: re(String.raw`^(?:you\s+(?:should|must)\s+)?(?:don't|do not)\s+(?:ever\s+)?(?!${NOT_AN_INSTRUCTION}\b)(?<what>[\w'-]+\s+\S+\s+\S+.*)`),
    accept: (m) => !onlyDeictic(m.groups!.what!),
  },
  // Imperative "prefer X" / "avoid X" (a one-off "prefer the second approach" points back at the conversation).
  {
    type: "preference", shape: "clause", firstOnly: true,
    re: re(String.raw`^(?:prefer|avoid)\s+(?<rest>\S+.*)`),
    accept: (m) => !DEICTIC.test(m.groups!.rest!) && !DEFINITE.test(m.groups!.rest!),
  },
  // A ban scoped to a place: "no default exports in the frontend, named exports only", "no !! in our code".
  { type: "preference", shape: "clause", firstOnly: true, re: re(String.raw`^no\s+${NOT_IDIOM}(?!more\b|longer\b)\S+(?:\s+\S+){0,3}?\s+(?:in|on|for|inside|within)\s+(?:the|our|this|any)\s+\S+`) },
  // A rule for a kind of thing: "every migration has to be reversible", "tests must never hit the real network".
  {
    type: "preference", shape: "clause", firstOnly: true,
    re: re(String.raw`^(?<all>(?:every|each|all|any|no)\s+)?(?!(?:it|this|that|these|those|you|i|he|she|they|there)\b)(?<subj>[\w./-]+(?:\s+[\w./-]+)?)\s+(?:has to|have to|must|need to|needs to|should)\s+(?<when>(?:always|never|not)\s+)?(?:be|go|use|run|have|hit|call|stay|live|pass|get|come|follow|touch|return)\b\s+\S+`),
    // A kind of thing (every X, all Xs, a plural) or a rule for always or never; "the function has to return a
    // list" is the task at hand.
    accept: (m) => Boolean(m.groups!.all || (m.groups!.when && !/^not/i.test(m.groups!.when))) || /[^su]s$/i.test(m.groups!.subj!),
  },
  // A ban with "ever": "no emojis in commit messages ever", "no force pushes to main, ever".
  { type: "preference", shape: "clause", re: re(String.raw`^no\s+${NOT_IDIOM}\S+(?:\s+\S+){0,6}?,?\s+(?:ever|never)\b`) },
  // Stopping a habit: "stop adding comments…", "no more console.logs…". "stop the server" is a task.
  { type: "preference", shape: "clause", re: re(String.raw`^(?:(?:stop|quit)\s+\w+ing\b\s+\S+|no more\s+\S+\s+\S+)`) },
  // First-person likes and dislikes. "I'd like you to…" is a request, not a preference.
  {
    type: "preference", shape: "clause",
    re: re(String.raw`^(?:(?:generally|honestly|personally|in general|usually),?\s+)?i(?:(?<would>'d|\s+would)?\s+(?:(?:really|much|strongly|definitely|generally|usually|always|very much|honestly|personally|kind of|kinda|also|still|do|so|much|would)\s+){0,3}(?<verb>prefer|rather|like|love|hate|dislike|don't like|do not like|can't stand|cannot stand|(?:want|need) you to (?=always|never)|(?:want|need|expect) (?=(?:all|every|each|our|any)\b))|(?:'m|\s+am)\s+(?:really\s+|not\s+)?(?:a\s+)?(?:big\s+|huge\s+)?fan of)\b\s*(?<rest>.+)`),
    accept: (m) => {
      const { would, verb, rest } = m.groups!;
      // "I'd like you to fix X" is a request; "I'd like you to always X" and "I'd like it when you X" are not.
      if (would && /^(?:like|love)$/i.test(verb ?? "") && !/^(?:(?:it )?when\b|you to (?:always|never)\b)/i.test(rest!)) return false;
      // "I like it when you end with a summary" names a habit; "I like it" alone reacts to the screen.
      return /^it when you\b/i.test(rest!) || !DEICTIC.test(rest!);
    },
  },
  // Team conventions: "our convention is…", "…, that's our convention", "we always squash merge", "in this repo we…".
  {
    type: "preference", shape: "clause",
    re: re(String.raw`^(?:our|the|my)\s+${RULE_ADJ}${RULE_NOUN}(?:\s+(?:here|for [^,;:]{1,40}?|in this (?:repo|codebase|project)))?\s+(?:is|are|says)\b(?:\s+that)?[,:]?\s+\S+\s+\S+\s+\S+`),
  },
  { type: "preference", shape: "clause", re: re(String.raw`^[^?]{6,}?\s(?:is|are)\s+(?:our|the team's|the house|the|a)\s+(?:convention|rule|standard|policy|norm)(?:\s+here|\s+in this \w+)?[.!]*$`) },
  {
    type: "preference", shape: "clause",
    re: re(String.raw`^(?:${PLACE},?\s*)?we\s+(?:(?:always|never|usually|generally|normally|typically|mostly)\s+|(?:prefer|avoid|like)\s+(?:to\s+)?|(?:tend|try)\s+to\s+|don't\s+ever\s+|do\s+not\s+ever\s+)(?<verb>[\w'-]+)\s+\S+`),
    accept: (m) => !isPastForm(m.groups!.verb!) && !EXPERIENCE.test(m.groups!.verb!),
  },
  { type: "preference", shape: "clause", re: re(String.raw`^${PLACE},?\s+we\s+(?:use|write|put|keep|name|run|deploy|follow|don't)\b\s+\S+`) },
  // "we don't use ORMs here", "we do not merge without review": a team habit stated as a refusal.
  {
    type: "preference", shape: "clause",
    re: re(String.raw`^we\s+(?:don't|do not)\s+(?:use|write|allow|accept|merge|commit|deploy|ship|push|do|support|want)\s+(?<what>\S+)`),
    accept: (m) => !/^(?:it|that|this|them|anything|much|many|any)$/i.test(m.groups!.what!),
  },
  // "use X instead of Y", "prefer X over Y".
  {
    type: "preference", shape: "clause",
    re: re(String.raw`^(?:use|prefer|pick|choose|favou?r)\s+(?<what>\S.*?)\s(?:instead of|rather than|over)\s+\S`),
    accept: (m) => !DEFINITE.test(m.groups!.what!),
  },
];
