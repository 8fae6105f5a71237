/**
 * @module Rule-based capture of what a user states explicitly in a prompt ("from now on…", "we decided…",
 * "the fix was…", "FYI…", "when you see ECONNRESET it means…"). No model: cue families anchored at clause
 * starts (cues.ts), with questions, hypotheticals, dismissals, reported speech, pasted code and secrets
 * filtered out first (gates.ts), because a wrong memory costs more than a missed one.
 */
import { type Clause, clauses, normalizeProse } from "./clauses.ts";
import type { CaptureType, Cue } from "./cue.ts";
import { orderedCues } from "./cues.ts";
import { ABOUT_THIS_CHAT, DEFERRAL, DISMISSAL, NOT_A_STATEMENT, ONE_OFF, POINTED_CHOICE, REPORTED, TEMPORARY, WHEN_DONE } from "./gates.ts";
import { redactSecrets } from "./redact.ts";
import { type Scope, statementScope } from "./scope.ts";
import { capitalize, cleanSentence, isCodeLike, ownWords, sentences } from "./sentences.ts";
import { topicTags } from "./topics.ts";
import { STOPWORDS } from "../retrieve/stopwords.ts";
import { cutText } from "../text/cut.ts";

export interface Capture {
  content: string;
  type: CaptureType;
  tags: string[];
  /**
   * Whom the sentence is about: "global" only for the person ("I prefer short answers", "call me Sam");
   * statements about the project, its code or its team, and those that say neither, stay in the project.
   */
  scope: Scope;
}

/** Content longer than this is cut at a word boundary; a memory should be one statement. */
const MAX_CONTENT = 300;
/** A "sentence" longer than this is pasted data (a CSV line, minified text), and scanning it costs time. */
const MAX_SENTENCE = 1000;

const ABOUT_THE_WORK: ReadonlySet<CaptureType> = new Set(["decision", "lesson", "error"]);

const EARLY = orderedCues.filter((c) => c.beforeGates);
const LATE = orderedCues.filter((c) => !c.beforeGates);

/** "remember to …", "please remember to …": a reminder, of a standing rule or of one thing to do now. */
const REMEMBER_TO = /^(?:please\s+)?(?:also\s+)?remember to\b/i;
/**
 * Things done once, as asked in passing: "remember to run the linter", "remember to close the PR" are for the work
 * in hand (QA: kept as preferences briefed in every session), while "remember to use the en-GB spelling" is a
 * standing rule. With a word that makes it standing ({@link STANDING}) it is kept.
 */
const ONE_ACTION = /^(?:run|close|open|merge|push|pull|bump|delete|remove|update|check|ping|tell|send|deploy|commit|rebase|restart|rerun|re-run|clean|tag|release|publish|file|create|add|mention|ask|review|test)\b/i;
/** Words that make a request a standing rule: it holds every time, not just now. */
const STANDING = /\b(?:always|never|every|each|whenever|any time|anytime|from now on|going forward|in (?:the )?future|before (?:you |we )?(?:commit|push|merg|deploy|releas|open)\w*|after (?:every|each))\b/i;

/** A request wrapped around a standing rule ("going forward can you keep…"): the rule is what is kept. */
const REQUEST_LEAD = /^(?:(?:can|could|would|will) you\s+)?(?:please\s+)?/i;

interface Hit {
  type: CaptureType;
  text: string;
  /** The clause a label's rest came from, kept when the rest alone is too short to say anything ("…: riverpod"). */
  clause?: string;
}

function trimContent(s: string): string {
  if (s.length <= MAX_CONTENT) return s;
  const cut = cutText(s, MAX_CONTENT);
  return `${cutText(cut, Math.max(cut.lastIndexOf(" "), MAX_CONTENT / 2)).trimEnd()}…`;
}

/**
 * The statement a cue match stands for, or null when what it introduces is itself not a statement
 * ("in the future we might…", "for now…"). Wrappers ("FYI", "note that") hand their rest to the other cues
 * first, so "FYI we went with Kafka" is a decision and "note that the X warning is harmless" an error.
 */
function resolve(cue: Cue, m: RegExpExecArray, clause: Clause, sentence: string, nested: boolean): Hit | null {
  let text = cue.shape === "rest" ? m.groups?.rest ?? "" : cue.shape === "clause" ? clause.text : sentence;
  if (cue.shape === "rest") {
    text = text.replace(REQUEST_LEAD, "").replace(/^(?:to|that)\s+/i, "");
    if (NOT_A_STATEMENT.test(text) || DISMISSAL.test(text)) return null;
  }
  if (ONE_OFF.test(clause.text) || WHEN_DONE.test(sentence)) return null;
  if ((cue.type === "preference" || cue.type === "error") && TEMPORARY.test(clause.text)) return null;
  if (cue.type === "decision" && (DEFERRAL.test(clause.text) || (cue.shape === "rest" && POINTED_CHOICE.test(text)))) return null;
  if (cue.wrapper && ABOUT_THIS_CHAT.test(text)) return null;
  if (cue.wrapper && !nested) {
    const inner = matchClause({ text, before: "", index: 0 }, text, true);
    if (inner && inner !== "stop") return inner;
  }
  return { type: cue.type, text, ...(cue.shape === "rest" ? { clause: clause.text } : {}) };
}

/** The first cue that holds at this clause start, if the clause states anything at all. */
function matchClause(clause: Clause, sentence: string, nested = false): Hit | null | "stop" {
  const t = clause.text;
  if (clause.index > 0 && REPORTED.test(clause.before)) return "stop"; // "the docs say: always…"
  if (DISMISSAL.test(t)) return null;
  const tryCues = (cues: Cue[]): Hit | null => {
    for (const cue of cues) {
      if (cue.firstOnly && clause.index > 0) continue;
      if (cue.laterOnly && clause.index === 0) continue;
      const m = cue.re.exec(t);
      if (!m || (cue.accept && !cue.accept(m))) continue;
      const hit = resolve(cue, m, clause, sentence, nested);
      if (hit) return hit;
    }
    return null;
  };
  const early = tryCues(EARLY);
  if (early) return early;
  // A question or hypothetical at the sentence start governs the whole sentence; later on, only its clause.
  if (NOT_A_STATEMENT.test(t)) return clause.index === 0 ? "stop" : null;
  return tryCues(LATE);
}

function captureFrom(raw: string, standing = false): Capture | null {
  const sentence = normalizeProse(raw.trim());
  if (sentence.length > MAX_SENTENCE || /\?[\s"')\]]*$/.test(sentence)) return null;
  if (sentence.includes("[REDACTED:")) return null; // a memory that only says "the token is [REDACTED]" helps nobody
  const parts = clauses(sentence);
  const whole = parts[0]!.text;
  for (const clause of parts) {
    const hit = matchClause(clause, whole);
    if (hit === "stop") return null;
    if (!hit) continue;
    if (!standing && hit.type === "preference" && REMEMBER_TO.test(clause.text) && ONE_ACTION.test(hit.text.replace(REMEMBER_TO, "").trim()) && !STANDING.test(sentence)) return null;
    let text = cleanSentence(hit.text);
    // "From now on remember that service 49 listens on port 8049" states a fact: the standing marker adds
    // nothing to it (QA: kept as the preference "Remember that service 49 …").
    if (hit.type === "preference" && REMEMBER_LEAD.test(text) && text.length < sentence.length) {
      const stated = captureFrom(text, true);
      if (stated) return { ...stated, scope: statementScope(sentence) ?? stated.scope };
    }
    if (text.split(/\s+/).length < 3 && hit.clause) text = cleanSentence(hit.clause);
    if (text.split(/\s+/).length < 3 || namesNothing(text)) return null;
    const content = trimContent(capitalize(text));
    // Judged on the whole sentence: "in this repo, from now on use pnpm" keeps only "use pnpm" as content.
    // Decisions, lessons and errors are about the work even when told in the first person ("my laptop…").
    const scope = ABOUT_THE_WORK.has(hit.type) ? "project" : (statementScope(sentence) ?? "project");
    return { content, type: hit.type, tags: ["user-stated", ...topicTags(content)], scope };
  }
  return null;
}

/** A sentence asking to keep something in mind: what follows is the statement. */
const REMEMBER_LEAD = /^(?:please\s+)?(?:remember|keep in mind|bear in mind|note)(?:\s+that)?[,:]?\s/i;

/** Words that say a decision or a liking was made, not what about. */
const DECIDING = new Set(["decided", "decide", "agreed", "agree", "chose", "chosen", "choose", "picked", "pick", "settled", "went", "going", "against", "opted", "prefer", "prefers", "like", "likes", "want", "wants", "use", "using", "keep", "stick", "sticking", "ended", "end", "lets", "instead", "rather", "also", "now", "then", "finally", "just", "okay", "fine", "sure", "yes", "yeah"]);
/** Words that point back at the conversation: "it", "that one". */
const POINTING = new Set(["it", "this", "that", "these", "those", "them", "one", "ones", "option", "idea", "approach", "way"]);

/**
 * Whether a statement names nothing but its own deciding and what the conversation pointed at: "never mind, we
 * decided against it" was kept as the decision "We decided against it." (QA), which tells no later session anything.
 */
function namesNothing(text: string): boolean {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 2 || /\d/.test(w));
  return words.every((w) => STOPWORDS.has(w) || DECIDING.has(w) || POINTING.has(w));
}

/**
 * A sentence, or when it held a secret, its parts that did not, each on its own: "here is my env: [REDACTED] —
 * remember that the staging db is db.internal:5432" still says the last part (the whole sentence was
 * dropped). Parts are what commas, semicolons, dashes and colons set apart.
 */
function withoutSecretParts(sentence: string): string[] {
  if (!sentence.includes("[REDACTED:")) return [sentence];
  return sentence
    .split(/\s*(?:[,;]|\s[—–-]\s|:\s)\s*/)
    .map((p) => p.trim())
    .filter((p) => p !== "" && !p.includes("[REDACTED:"));
}

/** The memories a prompt states explicitly; empty for questions, chit-chat, task commands, dumps and secrets. */
export function extractCaptures(prompt: string): Capture[] {
  const { text, redactions } = redactSecrets(prompt);
  if (redactions.length > 0) {
    const kept = text.replace(/\[REDACTED:[a-z_]+\]/g, "").replace(/\b[\w.-]+\s*=\s*/g, "").trim();
    if (kept.length < prompt.length * 0.4) return []; // mostly credentials: nothing worth keeping
  }
  const out: Capture[] = [];
  const seen = new Set<string>();
  for (const sentence of sentences(ownWords(text)).flatMap(withoutSecretParts)) {
    if (isCodeLike(sentence)) continue;
    const capture = captureFrom(sentence);
    if (!capture || seen.has(capture.content.toLowerCase())) continue;
    seen.add(capture.content.toLowerCase());
    out.push(capture);
  }
  return out;
}
