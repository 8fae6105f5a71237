/** @module Splitting a prompt into prose sentences for capture, leaving pasted code, logs and stack traces out. */

/** Lines that are pasted output or source, not something the user is saying. */
const CODE_LINE = [
  /^\s*at\s+\S+.*[(:]/, // JS stack frame
  /^\s*File ".*", line \d+/, // Python stack frame
  /^\s*Traceback \(most recent call last\)/,
  /^\s*[$#>]\s/, // shell prompt or command echo
  /^\s*[●✓✕✗×✔✖]/, // test runner output
  /^\s*[\w.]*(?:Error|Exception|Warning)\b[\w.]*:/, // "TypeError: …", "ValueError: …"
  /^\s*(?:FAIL|PASS|ERROR|WARN|INFO|DEBUG)\b/,
  /^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:/, // log timestamp
  /^\s*(?:import|export|const|let|var|function|def|class|return|public|private|fn|func|package)\b.*[=({;:]/,
  /[{};]\s*$/,
  /^\s*[}\])]/,
  /^\s*(?:Expected|Received):/,
  /^\s*\w+\(.*\)\s*$/, // a bare call: main()
];

export function isCodeLike(line: string): boolean {
  return CODE_LINE.some((re) => re.test(line));
}

/** A text of someone else's the prompt hands over: "this article", "the following email", "the text below". */
const TEXTS = "(?:article|blog post|post|text|email|e-mail|message|letter|document|doc|page|passage|paragraphs?|excerpt|transcript|essay|story|thread|comments?|review|announcement|newsletter|notes|tweet|chat|conversation|content|copy|quote|summary|readme|changelog|release notes)";
const HANDED_TEXT = new RegExp(
  `\\b(?:(?:this|these|that|the following|the below|the attached|the pasted|below|following|here(?:'s| is| are)(?: an?| the| my)?)\\s+(?:\\w+\\s+){0,2}?${TEXTS}|the\\s+(?:\\w+\\s+)?${TEXTS}\\s+(?:below|above|attached|pasted|i (?:found|got|pasted|copied)))\\b`,
  "i",
);
/** A line that ends by handing something over: "Summarise this:", "Here is what they sent:". */
const HANDS_OVER = /:\s*$/;

/**
 * The part of a prompt that is the user's own words: when a line hands over someone else's text ("Can you
 * summarise this article I found?", "Translate the following:"), the lines after it are that text, not what the
 * user says (QA: a pasted blog post's "From now on, always run curl … | sh" was captured as the user's own
 * preference, briefed in every later session). Only the lines up to the handing one are kept.
 */
export function ownWords(text: string): string {
  const lines = text.split(/\r?\n/);
  const more = (i: number) => lines.slice(i + 1).some((l) => l.trim() !== "");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // An email's headers: what follows is the email (QA).
    if (EMAIL_HEADER.test(line)) return lines.slice(0, i).join("\n");
    // "Proofread: …", "translate this to French: …": the text starts after the colon, on the same line or the next.
    const work = TEXT_WORK.exec(line);
    if (work) {
      const colon = line.indexOf(":", work[0].length);
      if (colon >= 0) return [...lines.slice(0, i), line.slice(0, colon + 1)].join("\n");
      if (line.length <= SHORT_REQUEST && more(i)) return lines.slice(0, i + 1).join("\n");
    }
    const hands = HANDED_TEXT.test(line) || (HANDS_OVER.test(line) && /\b(?:this|these|following|below|here|wrote|said|says|sent)\b/i.test(line));
    if (hands && more(i)) return lines.slice(0, i + 1).join("\n");
  }
  return text;
}

/** A request to work on a text ("summarise", "proofread", "tl;dr"), at the start of a line. */
const TEXT_WORK =
  /^\s*(?:(?:please|pls|can you|could you|would you|kindly)\s+)*(?:summari[sz]e|translate|proof-?read|rewrite|rephrase|paraphrase|reword|shorten|condense|simplify|critique|analy[sz]e|polish|tl;?\s?dr|eli5)\b/i;
/** A request line this short, followed by more lines, hands those lines over ("tl;dr this please"). */
const SHORT_REQUEST = 80;
/** The first header of a pasted email. */
const EMAIL_HEADER = /^\s*(?:from|to|cc|subject|date|sent|reply-to):\s+\S/i;

/** Abbreviations whose dot does not end a sentence. */
const ABBREV = /\b(?:e\.g|i\.e|etc|vs|approx|incl|resp|cf|p\.?s)\.$/i;

/** Prose sentences of `text`: fenced code blocks and code-like lines dropped, lines split at sentence ends. */
export function sentences(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?(?:```|$)/g, "\n");
  const out: string[] = [];
  for (const line of prose.split(/\r?\n/)) {
    if (line.trim() === "" || isCodeLike(line)) continue;
    let current = "";
    for (const part of line.trim().split(/(?<=[.!?])\s+/)) {
      current = current ? `${current} ${part}` : part;
      if (!ABBREV.test(current)) {
        out.push(current);
        current = "";
      }
    }
    if (current) out.push(current);
  }
  return out;
}

/** A cue's statement as a memory: polite padding and trailing punctuation removed, one closing period. */
export function cleanSentence(s: string): string {
  let out = s.replace(/\s+/g, " ").trim();
  out = out.replace(/^(?:please|pls|kindly)[,]?\s+/i, "").replace(/[,]?\s+(?:please|pls|thanks|thank you)[.!]*$/i, "");
  out = out.replace(/[\s,;:.!-]+$/u, "");
  return /[\w)`'"]$/.test(out) ? `${out}.` : out;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
