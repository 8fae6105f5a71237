/**
 * @module Rule-based capture of what a user states explicitly in a prompt ("from now on…", "we decided…",
 * "the fix was…"). No model: cue phrases at the start of a sentence, with questions, hypotheticals, pasted
 * code and secrets filtered out first, because a wrong memory costs more than a missed one.
 */
import { redactSecrets } from "./redact.ts";
import { capitalize, cleanSentence, isCodeLike, sentences } from "./sentences.ts";
import { topicTags } from "./topics.ts";

export interface Capture {
  content: string;
  type: "preference" | "decision" | "lesson" | "fact" | "error" | "note";
  tags: string[];
}

/** Content longer than this is cut at a word boundary; a memory should be one statement. */
const MAX_CONTENT = 300;

type Shape = "rest" | "sentence";

interface Cue {
  type: Capture["type"];
  re: RegExp;
  /** "rest": the text after the cue becomes the memory; "sentence": the whole sentence does. */
  shape: Shape;
}

/** Checked in order against a cleaned sentence; the first match wins. */
const CUES: Cue[] = [
  // Standing instructions about how to work.
  { type: "preference", shape: "rest", re: /^(?:from now on|going forward|moving forward|in (?:the )?future|henceforth|for all future \w+)[,:]?\s+(.+)/i },
  { type: "preference", shape: "rest", re: /^(?:remember|make sure|be sure) to\s+((?:always|never)\s+.+)/i },
  { type: "preference", shape: "rest", re: /^(?:please\s+)?remember to\s+(.+)/i },
  { type: "preference", shape: "sentence", re: /^(?:always|never)\s+(?!mind\b)\w+\s+\S+/i },
  { type: "preference", shape: "sentence", re: /^(?:don'?t|do not)\s+(?:ever\s+)?\w+\s+\S+\s+\S+/i },
  { type: "preference", shape: "sentence", re: /^.{3,}[,;]\s+always[.!]?$/i },
  { type: "preference", shape: "rest", re: /^i(?:'d| would)? (?:prefer|rather)(?: that)?(?: you)?\s+(.+)/i },
  { type: "preference", shape: "sentence", re: /^(?:use|prefer)\s+\S.*?\s(?:instead of|rather than)\s+\S/i },
  // Things to know.
  { type: "fact", shape: "rest", re: /^(?:remember|note|keep in mind|bear in mind|be aware|just so you know)(?:\s+that)?[,:]?\s+(.+)/i },
  { type: "fact", shape: "rest", re: /^(?:fyi|for (?:future )?reference|for the record|important|heads up|nb)\b[,:!-]?\s+(.+)/i },
  // Choices made.
  { type: "decision", shape: "sentence", re: /^we(?:'ve| have)? (?:decided|agreed|chose|settled on)\b/i },
  { type: "decision", shape: "sentence", re: /^we(?:'re| are) (?:standardi[sz]ing on|going with|switching to|moving to)\b/i },
  { type: "decision", shape: "rest", re: /^let'?s (?:go with|stick with|settle on)\s+(.+)/i },
  { type: "decision", shape: "rest", re: /^(?:the |our )?decision (?:is|was)[:,]?\s+(.+)/i },
  // What was learned from a problem.
  { type: "lesson", shape: "sentence", re: /\b(?:the (?:fix|solution|workaround) (?:was|turned out to be)|(?:it )?turn(?:s|ed) out\b|the (?:root cause|problem|issue|bug|cause) was\b|lessons? learned\b)/i },
];

/** Questions and hypotheticals mention cues without stating anything ("should we always…?", "if we decided…"). */
const NOT_A_STATEMENT =
  /^(?:if|what if|suppose|supposing|imagine|assuming|in case|unless|whether|should|shall|do|does|did|can|could|would|will|is|are|was|were|what|why|how|when|where|which|who|have you|has)\b/i;

/** Discourse fillers that open a sentence without changing what it says. */
const FILLER = /^(?:ok(?:ay)?|so|also|and|btw|by the way|oh|hmm+|yes|yeah|yep|alright|cool|great|nice|right|thanks|ah)\b[,.!:]?\s+/i;

function stripFillers(s: string): string {
  let out = s;
  for (let prev = ""; prev !== out; ) {
    prev = out;
    out = out.replace(FILLER, "");
  }
  return out;
}

function trimContent(s: string): string {
  if (s.length <= MAX_CONTENT) return s;
  const cut = s.slice(0, MAX_CONTENT);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), MAX_CONTENT / 2)).trimEnd()}…`;
}

function captureFrom(sentence: string): Capture | null {
  const s = stripFillers(sentence.trim()).replace(/^(?:please|pls|kindly)[,]?\s+/i, "");
  if (s.endsWith("?") || NOT_A_STATEMENT.test(s)) return null;
  if (s.includes("[REDACTED:")) return null; // a memory that only says "the token is [REDACTED]" helps nobody
  for (const cue of CUES) {
    const m = cue.re.exec(s);
    if (!m) continue;
    const text = cleanSentence(cue.shape === "rest" && m[1] ? m[1] : s);
    if (text.split(/\s+/).length < 3) return null;
    const content = trimContent(capitalize(text));
    return { content, type: cue.type, tags: ["user-stated", ...topicTags(content)] };
  }
  return null;
}

/** The memories a prompt states explicitly; empty for questions, chit-chat, task commands, dumps and secrets. */
export function extractCaptures(prompt: string): Capture[] {
  const { text, redactions } = redactSecrets(prompt);
  if (redactions.length > 0) {
    const kept = text.replace(/\[REDACTED:[a-z_]+\]/g, "").replace(/\b[\w.-]+\s*[=:]\s*/g, "").trim();
    if (kept.length < prompt.length * 0.4) return []; // mostly credentials: nothing worth keeping
  }
  const out: Capture[] = [];
  const seen = new Set<string>();
  for (const sentence of sentences(text)) {
    if (isCodeLike(sentence)) continue;
    const capture = captureFrom(sentence);
    if (!capture || seen.has(capture.content.toLowerCase())) continue;
    seen.add(capture.content.toLowerCase());
    out.push(capture);
  }
  return out;
}
