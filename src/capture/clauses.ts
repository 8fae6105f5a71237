/**
 * @module A prose sentence as the places a statement can start: typing slips normalised, discourse fillers and
 * politeness peeled off, and clause starts after commas, semicolons, colons and dashes ("looks good, from now
 * on…", "…was out of date; the fix was…"). Cues anchor at these starts, not anywhere, so a cue buried inside a
 * request ("write a test that checks the fix was applied") does not count.
 */

export interface Clause {
  /** From the clause start to the end of the sentence, fillers and "please" removed. */
  text: string;
  /** The sentence text before this clause (empty for the first). */
  before: string;
  /** 0 for the sentence's first clause. */
  index: number;
}

/**
 * Apostrophe-less contractions people type in a hurry; only forms that are not also ordinary words ("its",
 * "lets", "id", "wont", "cant" are left alone).
 */
const CONTRACTIONS: Record<string, string> = {
  dont: "don't", doesnt: "doesn't", didnt: "didn't", isnt: "isn't", arent: "aren't", wasnt: "wasn't",
  werent: "weren't", shouldnt: "shouldn't", wouldnt: "wouldn't", couldnt: "couldn't", havent: "haven't",
  hasnt: "hasn't", hadnt: "hadn't", ive: "I've", weve: "we've", youre: "you're", theyre: "they're",
  thats: "that's", whats: "what's", theres: "there's", wouldve: "would've", shouldve: "should've",
};
const CONTRACTION_RE = new RegExp(`\\b(?:${Object.keys(CONTRACTIONS).join("|")})\\b`, "gi");

/** Curly quotes and apostrophe-less contractions, so one set of patterns covers how people actually type. */
export function normalizeProse(s: string): string {
  return s
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(CONTRACTION_RE, (w) => {
      const r = CONTRACTIONS[w.toLowerCase()]!;
      return w[0] === w[0]!.toUpperCase() ? r.charAt(0).toUpperCase() + r.slice(1) : r;
    });
}

/**
 * Openers that do not change what follows: acknowledgements, "btw", "ok so", "one more thing:". "so" is kept
 * before "you know" because "so you know" is itself a cue. Words that also start real phrases ("no more…",
 * "right now", "well tested", "sure thing") count as fillers only when punctuation follows them.
 */
const FILLER = new RegExp(
  String.raw`^(?:(?:ok(?:ay)?|k|so(?! you know)|also|and|but|plus|btw|by the way|oh|ah|hmm+|hm+|um+|uh+|ugh|yes|yeah|yep|yup|nope|nah|alright|cool|great|perfect|awesome|thanks|thank you|thx|ty|anyway|anyways|actually|lastly|finally|just(?! so you know| to let you know)|hey|hi|hello|lol|haha|oh and|and also|one (?:more|last|other) thing|another thing|quick thing)\b[,.!:;)-]*\s+|(?:no|right|well|sure|wait|nice|true|fair)[,.!:;)-]+\s+|(?:wrong(?: \w+)?|that'?s wrong|not quite|found it|got it)\s*[,.!:;—–-]+\s+)`,
  "i",
);
const POLITE = /^(?:please|pls|plz|kindly)\b[,]?\s+/i;
/** A list bullet: rules are often pasted as a list ("- always use pnpm"). */
const BULLET = /^(?:[-*\u2022]|\d+[.)])\s+/;

/** Removes leading bullets, fillers and politeness until none is left. */
export function stripLead(s: string): string {
  let out = s.trim();
  for (let prev = ""; prev !== out; ) {
    prev = out;
    out = out.replace(BULLET, "").replace(FILLER, "").replace(POLITE, "");
  }
  return out;
}

/** A clause boundary: punctuation that separates clauses, then an optional joining word. */
const BOUNDARY = /[,;:]\s+|\s+[-\u2013\u2014]+\s+/g;
const JOINER = /^(?:and|but|so|then|though|plus)\b,?\s+/i;

/** True when `before` leaves a double quote or backtick open. */
function insideQuote(before: string): boolean {
  return (before.match(/"/g)?.length ?? 0) % 2 === 1 || (before.match(/`/g)?.length ?? 0) % 2 === 1;
}

/** Clause starts looked at per sentence: a statement is made early, and each start costs a pass of every cue. */
const MAX_CLAUSES = 12;

/** The clause starts of `sentence`, left to right; none inside quotes. */
export function clauses(sentence: string): Clause[] {
  const out: Clause[] = [{ text: stripLead(sentence), before: "", index: 0 }];
  for (const m of sentence.matchAll(BOUNDARY)) {
    if (out.length >= MAX_CLAUSES) break;
    const before = sentence.slice(0, m.index);
    if (insideQuote(before)) continue; // a quoted commit message or log line is not the user speaking
    const start = m.index + m[0].length;
    const text = stripLead(sentence.slice(start).replace(JOINER, ""));
    if (text) out.push({ text, before, index: out.length });
  }
  return out;
}
