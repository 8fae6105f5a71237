/**
 * @module What a statement says is gone, and versions it moves a named thing to: "Replaced Algolia with
 * Pagefind", "Redshift was decommissioned in May", "the Plastic repo is archived", "Poetry and poetry.lock
 * are gone", "moved off Fly.io", "no longer uses Moment"; "Debian 11" → "Debian 12", "net6.0" → "net9.0".
 * A later statement that retires a name an earlier one holds, or gives the same named thing another version,
 * speaks of the same subject and says it changed, however few other words the two share.
 */
import { porterStem, stemSet } from "../text/porter.ts";
import { STOPWORDS } from "../retrieve/stopwords.ts";

const GONE =
  "removed|retired|decommissioned|deleted|archived|dropped|deprecated|gone|uninstalled|disabled|abandoned|frozen|sunset|sunsetted|replaced|turned off|shut down|switched off|ripped out|phased out|killed";
/** "X (and Y) was removed": the words before the verb, in the clause. */
const PASSIVE = new RegExp(`([^,()]{1,60}?)\\s+(?:is|are|was|were|has been|have been|got|is being|are being|is now|are now)\\s+(?:now\\s+|fully\\s+|finally\\s+|being\\s+)?(?:${GONE})\\b`, "giu");
/**
 * "Replaced Algolia with …", "we dropped Moment.js", "moved off Fly.io" (not "a one-off task"), "no longer
 * uses X". Other verbs take an object only at the start of a clause or after a subject ("older releases call
 * removed APIs" retires nothing).
 */
const OBJECT =
  /(?:\breplac(?:ed|es|ing)|(?:^|\b(?:we|we've|i|they|team|have|has|had|just|finally|also|and|then)\s+)(?:dropp(?:ed|ing)|remov(?:ed|ing)|retir(?:ed|ing)|decommission(?:ed|ing)|uninstall(?:ed|ing)|ditch(?:ed|ing)|abandon(?:ed|ing))|\b(?:moved|moving|migrated|migrating|came|went|got|taken|switched)\s+off|\baway from|\bno longer (?:use|uses|using|run|runs|running|on|in)|\bstopped using|\bgot rid of|\bget rid of)\s+(?!(?:in|on|at|by|to|for|with|from|after|before|during|since|as|because|of)\b)(?:the\s+|our\s+|a\s+|an\s+)?([^,()]{1,60})/giu;
/** A word either pattern needs. */
const ANY_GONE = new RegExp(`\\b(?:${GONE}|replac\\w*|dropp\\w*|remov\\w*|retir\\w*|decommission\\w*|uninstall\\w*|ditch\\w*|abandon\\w*|off|away|no longer|stopped|rid)\\b`, "iu");
/** Where a retired name's phrase stops: what replaces it ("with X", "for Y", "in favour of Z") is not retired. */
const PHRASE_END = /\s(?:with|for|in|by|to|on|at|from|because|since|after|when|and then|in favou?r of|so|as|which|that|but|once)\s.*$|\.\s.*$|\.$/iu;
/** Words of a retired phrase that name no particular thing ("the YAML config files were deleted": files). */
const GENERIC_HEADS = stemSet(
  "file files folder folders directory directories dir stack stacks table tables service services integration integrations target targets repo repos repository setup thing things step steps job jobs one ones old legacy previous former entire whole all every any cluster module modules code".split(" "),
);
/** Sentences and clauses: a retired name is said within one. */
const CLAUSE = /(?<=[.!?])\s+|;\s*|:\s+|\s+[-–—]\s+/u;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}_]*/gu;

const stemsOf = (phrase: string): string[] =>
  (phrase.toLowerCase().match(WORD) ?? []).filter((w) => !STOPWORDS.has(w) && w.length >= 2).map(porterStem).filter((w) => !GENERIC_HEADS.has(w));

/** The names `text` says are gone, each as the stems of its phrase ("Poetry and poetry.lock": two names). */
export function retiredNames(text: string): string[][] {
  const out: string[][] = [];
  const add = (phrase: string) => {
    for (const part of phrase.split(/\s+(?:and|or|plus)\s+|\s*[,&]\s*/iu)) {
      const stems = stemsOf(part).slice(-3);
      if (stems.length > 0) out.push(stems);
    }
  };
  // Most statements say nothing is gone: one cheap look before the clause-by-clause patterns.
  if (!ANY_GONE.test(text)) return out;
  for (const clause of text.split(CLAUSE)) {
    if (!ANY_GONE.test(clause)) continue;
    for (const m of clause.matchAll(PASSIVE)) add(lastWords(m[1]!, 4));
    for (const m of clause.matchAll(OBJECT)) add(firstWords(m[1]!.replace(PHRASE_END, ""), 4));
  }
  return out;
}

/** What a statement says of change on its own: the names it says are gone, and the versions it gives named things. */
export interface ChangeMarks {
  readonly retired: readonly (readonly string[])[];
  readonly versions: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Read once per text: recall compares each of its best results with the others, over and over (a bounded
 * memo; the marks are never changed after they are read).
 */
export function changeMarks(text: string): ChangeMarks {
  let marks = READ.get(text);
  if (!marks) {
    if (READ.size >= READ_MAX) READ.clear();
    READ.set(text, (marks = { retired: retiredNames(text), versions: versions(text) }));
  }
  return marks;
}
const READ = new Map<string, ChangeMarks>();
const READ_MAX = 1024;

/** Whether a statement with `marks` says a name `olderStems` holds is gone (both words of a two-word name, two of longer ones). */
export function retiresNameOf(marks: ChangeMarks, olderStems: ReadonlySet<string>): boolean {
  return marks.retired.some((name) => {
    const held = name.filter((w) => olderStems.has(w)).length;
    return held > 0 && held >= Math.min(2, name.length);
  });
}

function lastWords(phrase: string, n: number): string {
  const words = phrase.trim().split(/\s+/);
  return words.slice(-n).join(" ");
}

function firstWords(phrase: string, n: number): string {
  return phrase.trim().split(/\s+/).slice(0, n).join(" ");
}

/** "Debian 11", "Java 17", "dbt-core 1.6", "net6.0", "Node v18": a name and the version it is given. */
const VERSIONED = /(?<![\p{L}\p{N}_.-])((?:[\p{L}][\p{L}_-]*\s+)?)([\p{L}][\p{L}_-]*?)(?:\s+v?|v|)(\d+(?:\.\d+){0,3})(?![\p{L}\p{N}_-]|\.\d)/gu;
/** "Rails version is 6.1", "Spring Boot version: 2.7": the name before "version". */
const VERSION_IS = /(?<![\p{L}\p{N}_.-])([\p{L}][\p{L}_-]*)\s+version\s*(?:is\s+|=\s*|:\s*)v?(\d+(?:\.\d+){0,3})(?![\p{L}\p{N}_-]|\.\d)/giu;
/** Words before a number that count, order or measure, not name something with a version. */
const NOT_NAMES = new Set(
  "port ports level step steps phase phases stage stages part parts pr prs issue issues ticket tickets version versions to from at by of in on for and or the a an every each top than over under about up down within after before last first next is are was were be with only max min minimum maximum least most x v p q day days week weeks room floor line lines page pages row rows item items node_modules".split(" "),
);
/** Words that name a kind of thing, not one thing: the word before says which ("nRF Connect SDK 2.5" is not "Zephyr SDK 0.16"). */
const KINDS = new Set("sdk api toolchain runtime release edition plugin image chart driver server client cli engine compiler framework library lib module schema protocol spec standard".split(" "));
/** A number that is a year ("Rust 2021"), not a version. */
const YEAR = /^(19|20)\d\d$/;
/** The clause puts the version off: "Upgrade to dbt-core 1.8 is postponed", "we plan to move to Java 21". */
const NOT_YET = /\b(postpone\w*|plan\w*|will|would|should|could|might|consider\w*|propos\w*|evaluat\w*|blocked|wait\w*|until|someday|eventually|trial\w*|experiment\w*|spike|try(?:ing)?|tried|attempt\w*|want(?:s|ed)? to|next (?:quarter|year|month|sprint))\b/i;

function versions(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, version: string) => out.set(name, (out.get(name) ?? new Set<string>()).add(version));
  if (!/\d/.test(text)) return out;
  for (const clause of text.split(CLAUSE)) {
    if (!/\d/.test(clause) || NOT_YET.test(clause)) continue;
    for (const m of clause.matchAll(VERSIONED)) {
      const word = m[2]!.toLowerCase().replace(/[-_]+$/, "");
      if (word.length < 2 || NOT_NAMES.has(word) || STOPWORDS.has(word) || YEAR.test(m[3]!)) continue;
      // A ticket key (PAY-412) or a standard's number (ISO-8601) is not a version.
      if (/^[A-Z]{2,}[-_]$/.test(m[2]!)) continue;
      const name = KINDS.has(word) ? `${m[1]!.trim().toLowerCase()} ${word}` : word;
      add(name, m[3]!);
    }
    for (const m of clause.matchAll(VERSION_IS)) if (!NOT_NAMES.has(m[1]!.toLowerCase())) add(m[1]!.toLowerCase(), m[2]!);
  }
  return out;
}

/**
 * `next` gives a named thing `prev` states at one version another version, and not the old one too ("All
 * servers run Debian 11" → "The fleet finished moving to Debian 12"; not "supports Node 18 and Node 20").
 */
export function versionChanged(prev: ChangeMarks, next: ChangeMarks): boolean {
  for (const [name, old] of prev.versions) {
    const now = next.versions.get(name);
    if (!now) continue;
    if ([...now].some((v) => old.has(v) || [...old].some((o) => v.startsWith(`${o}.`) || o.startsWith(`${v}.`)))) continue;
    return true;
  }
  return false;
}
