/**
 * @module The parts of a short statement that say what it is about and what it asserts, read from its
 * shape alone: content words (Porter stems; a compound like `payments-svc` also gives its parts), names
 * (capitals inside the sentence, camelCase, acronyms, code in backticks, dotted/slashed/dashed identifiers,
 * words with digits), the subject (words before the first verb linking it to a value: "Background jobs |
 * run on Sidekiq"), the value (words after it), quantities, and the words a negation governs ("never use
 * autogenerate", "not Postgres").
 */
import { porterStem, stemSet } from "../text/porter.ts";
import { STOPWORDS } from "../retrieve/stopwords.ts";
import { type Quantity, quantities } from "./quantities.ts";
import { isOtherNegation } from "./negation-words.ts";

export interface StatementParts {
  stems: Set<string>;
  names: Set<string>;
  /** Words before the linking verb; empty when the statement has none. */
  subject: Set<string>;
  /** The names among them, each whole (`payments-api`, not its parts): what the statement is about by name. */
  subjectNames: Set<string>;
  value: Set<string>;
  /** Names in the value part (what the statement says the subject is, uses, lives in). */
  valueNames: Set<string>;
  /** Words within a clause after a negation or prohibition. */
  negated: Set<string>;
  quantities: Quantity[];
}

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}._/:@#~+'-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]|[.;,!?()]/gu;
/** Verbs that link a subject to what it is, uses or where it lives: the split between subject and value. */
const LINK =
  /^(is|are|was|were|be|been|becomes?|became|uses?|using|runs?|goes|go|lives?|sits?|handled|built|builds|done|managed|stored|kept|hosted|deployed|processed|shipped|generated|defined|written|targets?|listens|pinned|points?|stores?|talks|calls|hits?|expires?|consumes?|carries|serves)$/;
/** Nouns for a part of a system that a word before them tells apart: the ledger service, the billing API. */
const SYSTEM_NOUN = /^(services?|api|apis|workers?|servers?|databases?|db|clusters?|queues?|jobs?|apps?|buckets?|repos?|modules?|pipelines?|containers?|pods?|daemons?|gateways?|proxy|proxies|frontends?|backends?)$/i;
/** Function words the search stop list keeps. */
const FUNCTION_WORDS = new Set(["via", "per", "etc", "e.g", "i.e"]);
/** Words too general to tie two statements to one subject. */
const GENERIC = stemSet(
  "user users we us our use uses used need needs want wants like likes prefer prefers always never must should may can all every new now".split(" "),
);
const NEGATION =
  /^(never|not|no|don't|dont|doesn't|isn't|aren't|won't|can't|cannot|shouldn't|mustn't|avoid|without|nothing|instead|rather|dislikes?|hates?|fails?|breaks?|broken)$/;
/** "Use X for Y": the purpose Y is the subject, X its value. */
const USE_FOR = /^\s*use\s+(.+?)\s+for\s+(.+)$/i;
/** How many content words after a negation it governs (within its clause). */
const NEGATION_REACH = 3;

export function isName(raw: string, first: boolean, code: boolean): boolean {
  if (code) return true;
  if (/\p{N}/u.test(raw) && /\p{L}/u.test(raw)) return true;
  if (/[\p{L}\p{N}][._/:@#-][\p{L}\p{N}]/u.test(raw)) return true;
  if (/\p{Lu}/u.test(raw.slice(1))) return true;
  return !first && /^\p{Lu}/u.test(raw);
}

/** Stems of a token: the token itself and, for a compound (`payments-svc`, `rust-toolchain.toml`), its parts. */
function stemsOf(raw: string): string[] {
  const lower = raw.toLowerCase().replace(/'s$/, "");
  const parts = lower.split(/[._/:@#~+-]+/).filter((p) => p.length >= 2 && !STOPWORDS.has(p));
  const whole = porterStem(lower);
  return parts.length > 1 ? [whole, ...parts.map(porterStem)] : [whole];
}

/** Positions inside `backticks`: the words there are code, so names. */
function codeSpans(text: string): Array<[number, number]> {
  return [...text.matchAll(/`[^`]+`/g)].map((m) => [m.index!, m.index! + m[0].length]);
}

/**
 * Recently split statements: a new memory is compared with several candidates, each once per write, and
 * recall's current-first compares up to ~300 pairs of ~50 candidates (plus their clauses) per query.
 */
const recent = new Map<string, StatementParts>();
const RECENT = 1024;

/** Splits `text` into the parts {@link ./change-rules.ts} relates (callers must not change the result). */
export function statementParts(text: string): StatementParts {
  const hit = recent.get(text);
  if (hit) return hit;
  const parts = split(text);
  if (recent.size >= RECENT) recent.delete(recent.keys().next().value!);
  recent.set(text, parts);
  return parts;
}

function split(text: string): StatementParts {
  const useFor = USE_FOR.exec(text.split(/[.;\n]/)[0] ?? "");
  if (useFor) text = `${useFor[2]} is ${useFor[1]}${text.slice(useFor[0].length)}`;
  const p: StatementParts = { stems: new Set(), names: new Set(), subject: new Set(), subjectNames: new Set(), value: new Set(), valueNames: new Set(), negated: new Set(), quantities: quantities(text) };
  const code = codeSpans(text.slice(0, 1000));
  let linked = false;
  let justLinked = false;
  let sentenceStart = true;
  let negating = 0;
  const tokens = [...text.slice(0, 1000).matchAll(TOKEN)];
  for (const [i, m] of tokens.entries()) {
    const raw = m[0];
    if (/^[.;,!?()]$/.test(raw)) {
      negating = 0;
      if (raw !== "," && raw !== "(" && raw !== ")") {
        sentenceStart = true;
        // The subject's names are those of the clause that links it to its value.
        if (!linked) p.subjectNames.clear();
      }
      continue;
    }
    const lower = raw.toLowerCase();
    const first = sentenceStart;
    sentenceStart = false;
    if (NEGATION.test(lower) || isOtherNegation(lower)) {
      negating = NEGATION_REACH;
      continue;
    }
    // The linking verb, with a participle right after it ("are shipped with", "is built by").
    // A linking word right before another is a noun ("iOS builds run on …", "the uses are …").
    const nounFirst = !linked && LINK.test(tokens[i + 1]?.[0].toLowerCase() ?? "") && !/^(is|are|was|were|be|been)$/.test(lower);
    if ((!linked && !nounFirst && LINK.test(lower)) || (justLinked && (LINK.test(lower) || /ed$/.test(lower)))) {
      linked = true;
      justLinked = true;
      if (!STOPWORDS.has(lower)) p.stems.add(porterStem(lower));
      if (negating > 0) p.negated.add(porterStem(lower));
      continue;
    }
    justLinked = false;
    if (STOPWORDS.has(lower) || FUNCTION_WORDS.has(lower) || (raw.length < 2 && !/\d/.test(raw))) continue;
    const name = isName(raw, first, code.some(([a, b]) => m.index! > a && m.index! < b));
    const stems = stemsOf(raw);
    // A word naming which system the subject is ("the ledger service", "the billing API") names it as a name does
    // (QA soak: "the billing service listens on port 1301" was flagged as a change of the ledger service's port).
    const names_ = name || (!linked && SYSTEM_NOUN.test(tokens[i + 1]?.[0] ?? "") && !/\d/.test(raw));
    if (names_ && !linked && !GENERIC.has(stems[0]!)) p.subjectNames.add(stems[0]!);
    for (const stem of stems) {
      p.stems.add(stem);
      if (name) p.names.add(stem);
      if (negating > 0) p.negated.add(stem);
      if (GENERIC.has(stem)) continue;
      if (linked) {
        p.value.add(stem);
        if (name) p.valueNames.add(stem);
      } else p.subject.add(stem);
    }
    if (negating > 0) negating--;
  }
  // No linking verb: the statement is all value ("Lint with ruff").
  if (!linked) {
    for (const s of p.subject) {
      p.value.add(s);
      if (p.names.has(s)) p.valueNames.add(s);
    }
    p.subject.clear();
    p.subjectNames.clear();
  }
  return p;
}

/** Content words of `a` also in `b`, general ones and bare numbers left out. */
export function sharedStems(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  const out: string[] = [];
  // A compound counts through its parts ("payments-svc" is "payments" and "svc"), not a third time whole.
  for (const w of a) if (b.has(w) && !GENERIC.has(w) && !/^\d+(\.\d+)?$/.test(w) && !/[\p{L}\p{N}][._/:@#~+-][\p{L}\p{N}]/u.test(w)) out.push(w);
  return out;
}

/** Whether `word` is in `set`, or one is a prefix (3+ letters) of the other ("docs" / "documentation"). */
export function hasLike(set: ReadonlySet<string>, word: string): boolean {
  if (set.has(word)) return true;
  if (!/^\p{L}{3,}$/u.test(word)) return false;
  for (const w of set) if (/^\p{L}{3,}$/u.test(w) && (w.startsWith(word) || word.startsWith(w))) return true;
  return false;
}

/** Whether some element of `xs` (a set of stems, say) passes `f`. */
export const some = <T>(xs: Iterable<T>, f: (x: T) => boolean): boolean => {
  for (const x of xs) if (f(x)) return true;
  return false;
};
