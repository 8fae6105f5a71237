/**
 * @module Statements in a prompt that may correct what is stored, without a cue the capture rules take on their
 * own: "the staging DB is no longer read-only, we can write to it now", "correction: the staging DB is writable
 * now", "actually deploys happen on Tuesdays now". Alone such a sentence is as likely a remark about the work in
 * hand ("the test no longer fails"), so these are only candidates: the prompt hook keeps one only when it reads
 * as a change of a decision, preference or fact already stored (hooks/prompt.ts). No model.
 */
import { cleanSentence, capitalize, isCodeLike, sentences } from "./sentences.ts";
import { clauses, normalizeProse } from "./clauses.ts";
import { DISMISSAL, NOT_A_STATEMENT, REPORTED } from "./gates.ts";
import { redactSecrets } from "./redact.ts";
import { statementScope } from "./scope.ts";
import { topicTags } from "./topics.ts";
import type { Capture } from "./extract.ts";

/** A lead that says what follows corrects something: "correction:", "actually,", "update:". Taken off the statement. */
const CORRECTION_LEAD = /^(?:(?:small\s+|quick\s+)?correction|update|actually|in fact|turns out|it turns out)\b[,:;.!—–-]*\s+/i;
/** Words in the statement that say something changed or was wrong: "no longer", "not … anymore", "… now". */
const CHANGE_WORDS = /\b(?:no longer|not\s+\w+(?:\s+\w+)?\s+any\s?more|any\s?more\b|(?:is|are|was|were|has been|have been)\s+(?:now|actually)\b|now\s*[.!]?$|these days)/i;
/** A statement of how things are: a verb of being or doing, not a bare noun phrase or an order. */
const STATES = /\b(?:is|are|was|were|isn't|aren't|has|have|uses?|runs?|happens?|lives?|listens?|goes|go|deploys?|needs?|takes?|can|can't|cannot|should|must)\b/i;
/** An order to the agent ("please make the DB writable now"), not a statement. */
const ORDER = /^(?:please\s+|pls\s+)?(?:make|set|change|update|switch|move|fix|add|remove|delete|run|use|try|let'?s|go|do|can you|could you|would you)\b/i;
/** Shorter than this many words says too little to stand for a fact. */
const MIN_WORDS = 4;
const MAX_CONTENT = 300;

/** Sentences of `prompt` that may correct a stored statement, as captures (type fact); see the module note. */
export function correctionCandidates(prompt: string): Capture[] {
  const { text } = redactSecrets(prompt);
  const out: Capture[] = [];
  for (const raw of sentences(text)) {
    const sentence = normalizeProse(raw.trim());
    if (sentence.includes("[REDACTED:") || isCodeLike(sentence) || /\?[\s"')\]]*$/.test(sentence) || sentence.length > 600) continue;
    const lead = CORRECTION_LEAD.exec(sentence);
    const body = lead ? sentence.slice(lead[0].length) : sentence;
    if (!lead && !CHANGE_WORDS.test(body)) continue;
    // The first clause is the statement; "…, we can write to it now" only says what follows from it.
    const first = clauses(body)[0]?.text ?? body;
    if (NOT_A_STATEMENT.test(first) || DISMISSAL.test(first) || REPORTED.test(first) || ORDER.test(first) || !STATES.test(first)) continue;
    const content = capitalize(cleanSentence(first));
    if (content.split(/\s+/).length < MIN_WORDS || content.length > MAX_CONTENT) continue;
    out.push({ content, type: "fact", tags: ["user-stated", ...topicTags(content)], scope: statementScope(sentence) ?? "project" });
  }
  return out;
}
