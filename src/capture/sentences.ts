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
