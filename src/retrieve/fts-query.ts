/**
 * @module The safe FTS5 query builder. Any user text becomes a valid MATCH expression: every term is
 * quoted, so FTS5 syntax in the input (quotes, `*`, `-`, `NEAR`, `AND`, `OR`, `NOT`, parentheses, column
 * filters) is searched for as words and can never raise a syntax error.
 */
import { porterStem } from "../text/porter.ts";
import { indexText, isCjkChar } from "../text/tokenize.ts";
import { STOPWORDS } from "./stopwords.ts";

/** Bounds the cost of one query: enough for a paragraph-long prompt. */
const MAX_TERMS = 32;

// The same notion of a token as FTS5's unicode61 tokenizer: letters, numbers, marks, private use.
const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
// "Melanie's" indexes as melanie + s; searching the phrase "melanie s" would find only possessive mentions.
const POSSESSIVE = /^(.*\p{L})['’]s?(?=[^\p{L}\p{N}]*$)/u;
const CONTRACTION = /^[^\p{L}]*\p{L}+['’]\p{L}+[^\p{L}]*$/u;
const QUOTED = /["“”]([^"“”]+)["“”]/g;

export interface KeywordQuery {
  /** The FTS5 MATCH expression, or null when the text holds nothing searchable. */
  match: string | null;
  /** The terms searched for (for --explain and tests): words and compounds. */
  terms: string[];
  /** Phrases searched for besides the terms (quoted text, names), so memories holding them together rank higher. */
  phrases: string[];
}

/**
 * Builds an OR query over the words of `text`. A chunk written without spaces but made of several
 * tokens (`node-gyp`, `user_id`, `v1.2.3`, `src/app.ts`, a CJK run) becomes a phrase, so its parts must
 * appear together. A single word ending in `*` becomes a prefix search. Stop words are dropped unless
 * nothing else is left. Possessives search for the name ("Melanie's" → melanie); contractions of stop
 * words ("don't") and compounds of them ("is_a") are stop words. Text in double quotes is also searched as
 * a phrase, and so are runs of capitalised words (names: "Harry Potter"), so memories holding them together
 * rank higher.
 */
export function buildKeywordQuery(text: string): KeywordQuery {
  const terms: string[] = [];
  const stop: string[] = [];
  const seen = new Set<string>();
  const add = (term: string, isStop: boolean) => {
    if (seen.has(term)) return;
    seen.add(term);
    (isStop ? stop : terms).push(term);
  };
  const words: Array<{ lower: string[]; name: boolean; stop: boolean }> = [];
  for (const raw of text.split(/\s+/)) {
    const chunk = raw.replace(POSSESSIVE, "$1");
    const tokens = indexText(chunk).match(TOKEN);
    if (!tokens) continue;
    const lower = tokens.map((t) => t.toLowerCase());
    // Chinese and Japanese are written without spaces: a run of their characters is searched as its two-character
    // pairs, each a phrase, so a question matches the memories sharing most of its pairs (QA: "請求サービスのデプロイ"
    // found nothing, the whole run being one phrase no memory held); what else the chunk holds stays as it was.
    if (lower.length > 2 && lower.some(isCjkChar)) {
      const rest = lower.filter((t) => !isCjkChar(t));
      for (const pair of cjkPairs(chunk)) add(`"${pair}"`, false);
      if (rest.length > 0) add(rest.length > 1 ? `"${rest.join(" ")}"` : `"${rest[0]}"`, rest.length === 1 && STOPWORDS.has(rest[0]!));
      words.push({ lower, name: false, stop: false });
      continue;
    }
    let term: string;
    if (lower.length > 1) term = `"${lower.join(" ")}"`;
    else if (chunk.endsWith("*") && lower[0]!.length >= 2) {
      term = `"${lower[0]}"*`;
      // The stem-safe prefixes besides the word (an encrypted store's index searches a prefix as its whole word).
      for (const safe of stemSafePrefixes(lower[0]!)) add(`"${safe}"*`, false);
    }
    else term = `"${lower[0]}"`;
    // "don't" is two tokens but one stop word; so is a compound of stop words only ("is_a", "as-is", "of_the"):
    // as a phrase it matched a quarter of a 1M generated store ("the_the") and FTS5 took ~500 ms to rank it.
    const isStop = (lower.length === 1 || CONTRACTION.test(chunk)) ? STOPWORDS.has(lower.join("'")) : allStop(lower);
    add(term, isStop);
    words.push({ lower, name: /^\p{Lu}/u.test(tokens[0]!), stop: isStop });
  }
  const chosen = (terms.length > 0 ? terms : stop).slice(0, MAX_TERMS);
  const extra = phrases(text, words).filter((p) => !seen.has(p)).slice(0, Math.max(0, MAX_TERMS - chosen.length));
  const all = [...chosen, ...new Set(extra)];
  return { match: all.length > 0 ? all.join(" OR ") : null, terms: chosen, phrases: [...new Set(extra)] };
}

const allStop = (tokens: readonly string[]) => tokens.every((t) => STOPWORDS.has(t));

const HIRAGANA = /[\u3040-\u309f]/;


/** The two-character pairs of each run of such characters in `chunk`, in order ("日 本", "本 語"); a lone one alone. */
function cjkPairs(chunk: string): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) out.push(run[0]!);
    const pairs: string[] = [];
    for (let i = 0; i + 1 < run.length; i++) pairs.push(`${run[i]} ${run[i + 1]}`);
    // Japanese grammar is written in hiragana (particles, endings: "スの", "の再"): a pair holding one matches
    // notes about anything (QA: "サービスの再起動" found a database note by "スの" alone). Kept when all are such.
    const content = pairs.filter((p) => !HIRAGANA.test(p));
    out.push(...(content.length > 0 ? content : pairs));
    run = [];
  };
  for (const c of chunk.toLowerCase()) {
    if (isCjkChar(c)) run.push(c);
    else flush();
  }
  flush();
  return out;
}

/**
 * The prefix to search for `word*`. The index holds stems, and FTS5 stems a prefix too: "deploy*" became
 * "deploi*", which misses "deployment" (stored as "deploy"). Where stemming rewrites the word's end, the part
 * it keeps ("deplo") is searched instead, cut further until stemming only shortens it.
 */
function stableStemPrefix(word: string): string {
  let prefix = word;
  // Stemming that only cuts the end ("tests" → "test") searches more of the same words: left to FTS5.
  for (let stem = porterStem(prefix); !prefix.startsWith(stem) && prefix.length > 2; stem = porterStem(prefix)) {
    let shared = 0;
    while (shared < prefix.length && prefix[shared] === stem[shared]) shared++;
    prefix = prefix.slice(0, Math.max(2, Math.min(shared, prefix.length - 1)));
  }
  return prefix;
}

/** Endings a prefix is typed short of ("deploym" of "deployment", "integrat" of "integration", "switchi" of "switching"). */
const ENDINGS = ["ment", "ments", "ation", "ations", "ion", "ions", "ing", "ings", "ed", "er", "ers", "ics", "ical", "ity", "ive", "ize", "ise", "al", "ness"];

/**
 * What to search for `word*` besides the word, as prefixes of what the index holds (stems). A prefix typed past
 * its word's stem finds nothing: "deploym*" and "integrat*" stem to themselves, while the index holds "deploy"
 * (deployment) and "integr" (integration). The stems of the words the prefix begins, completed with common
 * endings, are searched too (at most three, none shorter than three letters), and the stem-safe form of the
 * word itself ({@link stableStemPrefix}).
 */
function stemSafePrefixes(word: string): string[] {
  const out = new Set<string>([stableStemPrefix(word)]);
  // A word typed whole ("deployment*") asks for its own forms, not for everything its stem starts.
  const whole = ENDINGS.some((e) => word.endsWith(e));
  for (const ending of whole ? [] : ENDINGS) {
    // Complete the word where its end already spells the ending's start: "switchi" + "ng", "deploym" + "ent".
    for (let k = Math.min(ending.length - 1, word.length); k >= 1; k--) {
      if (!word.endsWith(ending.slice(0, k))) continue;
      const stem = porterStem(word + ending.slice(k));
      // FTS5 stems the prefix searched as well: the stem's own stem-safe form ("deploy" would become "deploi").
      if (stem.length >= 3 && stem.length < word.length && word.startsWith(stem)) out.add(stableStemPrefix(stem));
      break;
    }
  }
  out.delete(word);
  return [...out].sort((a, b) => b.length - a.length).slice(0, 3);
}

function phrases(text: string, words: Array<{ lower: string[]; name: boolean; stop: boolean }>): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(QUOTED)) {
    const tokens = indexText(m[1]!).match(TOKEN)?.map((t) => t.toLowerCase());
    if (tokens && tokens.length > 1 && !allStop(tokens)) out.push(`"${tokens.join(" ")}"`);
  }
  // Adjacent capitalised words, past the first (capitalised by grammar), are a name. Phrases of every
  // adjacent word pair were measured too: R@5 +0.5 but multi-hop R@10 −1.2 and ~2 ms more per query.
  for (let i = 1; i + 1 < words.length; i++) {
    const a = words[i]!;
    const b = words[i + 1]!;
    if (!a.stop && !b.stop && a.name && b.name) out.push(`"${[...a.lower, ...b.lower].join(" ")}"`);
  }
  return out;
}
