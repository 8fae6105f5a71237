/**
 * @module Abstention: when recall should answer "nothing stored is about this" instead of its nearest
 * matches. A nearest neighbour always exists and cosine scores cannot tell a paraphrase from an unrelated
 * note with this embedder (true paraphrases 0.30–0.46, unrelated pairs up to 0.54), so the signal is one
 * that means the same on any store: the query names something — a product, tool or identifier, written as
 * a name (`PostHog`, `gRPC`, `next-themes`, `XCom`) — that no memory mentions at all, and no result covers
 * most of the query's rarer terms anyway. Absence from the index is exact at 5 memories or 50k.
 * Fitted on coding-a (see DESIGN.md): 13 of its 18 nothing-relevant searches name such a thing, and of its
 * answerable searches only pasted logs and errors (excluded: they name ids, paths, classes and columns no note
 * repeats) and one paraphrase do. It abstains on b 15/18 but never-fitted c 4/20, whose searches ask for facts of stored topics;
 * no store signal beyond names (unknown common words, coverage, cosine, standout, channel agreement) separates
 * those from found paraphrases (DESIGN.md, "Abstention beyond names").
 */
import type { Memory, Scope } from "../domain/memory.ts";
import { namedAlternatives } from "../capture/alternatives.ts";
import { indexText } from "../text/tokenize.ts";
import type { Store } from "../store/store.ts";
import { STOPWORDS } from "./stopwords.ts";
import { coverage, idf, queryTerms } from "./terms.ts";

export interface Abstention {
  /** The names the query uses that no memory contains. */
  unknown: string[];
  /** The best result's share of the query's rarity-weighted terms (0–1). */
  bestCoverage: number;
}

/** A query longer than this (in content terms), or over several lines, is pasted output, not a question. */
const MAX_TERMS = 12;
/**
 * A line of a failing program's output (an exception's name and message, `error:` or `fatal:` lines, npm's
 * `ERR!`, a traceback): a pasted error, which names classes, columns and ids no note repeats, like a pasted log.
 */
const ERROR_TEXT = /\b\w*(?:Error|Exception)\b:|(?:^|\s)(?:error|fatal|panic|ERROR|FATAL)(?:\[\w+\])?:|\bERR!|\bTraceback\b/;
/** A result holding at least this share of the query's rarity-weighted terms answers it despite the name. */
const ANSWERED_COVERAGE = 0.5;

const TIME_WORDS = new Set(
  ("january february march april may june july august september october november december " +
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow").split(" "),
);
/**
 * Acronyms for a kind of product one picks, not a product: "which CDN is in front of the gateway" asks about
 * the one a note calls CloudFront or Fastly, "which ORM do we use" about Prisma. Notes name the thing, rarely
 * its kind. Only these: protocols and parts of a system (API, TLS, GPU, SLA) are what notes spell out; with
 * those exempt too, coding-a/b and graph-d each lost 2 of their nothing-relevant abstentions.
 */
const KIND_ACRONYMS = new Set(["CDN", "ORM", "CRM", "CMS", "ERP", "DBMS"]);
/**
 * Short and long names of one product: "which Postgres version do we run" is about the note saying
 * PostgreSQL 16, "where does Mongo keep the archive" about MongoDB Atlas. A name counts as mentioned when
 * any name of its group is (a prefix match instead took "Cloud" for CloudFront and "factor" for factory).
 */
const SAME_PRODUCT: ReadonlyMap<string, readonly string[]> = new Map(
  [
    ["postgres", "postgresql", "psql", "pg"],
    ["mongo", "mongodb"],
    ["elastic", "elasticsearch"],
    ["kubernetes", "k8s", "kube"],
    ["javascript", "js"],
    ["typescript", "ts"],
    ["github", "gh"],
    ["rabbitmq", "rabbit"],
    ["dynamodb", "dynamo"],
  ].flatMap((group) => group.map((name) => [name, group] as const)),
);
/**
 * A platform a note names by one of its services: "what Kubernetes version is the training cluster" is about
 * the note saying GKE 1.29, "which AWS region" about the one naming S3 or RDS; an acronym by the word it stands
 * for (RAM: memory). One way only: GKE mentions Kubernetes, Kubernetes does not mention GKE.
 */
const NAMED_BY_PARTS: ReadonlyMap<string, readonly string[]> = new Map(
  (
    [
      [["kubernetes", "k8s", "kube"], ["gke", "eks", "aks", "k3s", "openshift"]],
      [["aws"], ["s3", "ec2", "lambda", "rds", "ecs", "eks", "sqs", "sns", "cloudfront", "dynamodb", "route53", "cloudwatch", "fargate", "aurora"]],
      [["gcp"], ["gke", "bigquery", "gcs", "firestore", "spanner", "pubsub"]],
      [["azure"], ["aks", "cosmosdb"]],
      // An everyday word's acronym is said by the word: "uses too much RAM" beside "its 512Mi memory limit" was
      // abstained on (QA; coding-h and -i each answer one more search). Not CPU by "cores": coding-a's "enable
      // pprof CPU profiling" then lost its abstention.
      [["ram"], ["memory"]],
      [["vat"], ["tax"]],
      [["db"], ["database"]],
    ] as const
  ).flatMap(([names, parts]) => names.map((name) => [name, parts] as const)),
);
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
const QUOTED = /["“”][^"“”]*["“”]/g;

/**
 * The words of `text` written as names: capitalised mid-sentence, camelCase, an acronym, or letters joined
 * by `_` or `/`. Words with digits or `.`, `:`, `@` are versions, paths and addresses, not names. Lowercase
 * words joined by `-` are not names either: in searches they are mostly English compounds (server-side,
 * two-factor, read-only, end-to-end: 60 of the 95 in coding a–e and graph-d), and a paraphrase using one was
 * abstained on whenever no note happened to hold one of its halves (coding-e R@10 −2.1, coding-f's first
 * half 2 of 108 answerable searches). Package names written that way (next-themes, graphql-ruby) are lost
 * to it: 3 nothing-relevant abstentions of 75 on a, b and e.
 */
export function nameLike(text: string): string[] {
  const out: string[] = [];
  // A capitalised word alone ("Jenkins", "Sentry?") asks about that name: no sentence starts with it.
  const chunks = text.replace(QUOTED, " ").split(/[ \t]+|(?=\n)/).filter((c) => c.trim() !== "");
  let initial = chunks.length > 1;
  // Quoted text is a title or a quotation ("The Four Seasons"): its capitals are not names the store should hold.
  for (const chunk of chunks) {
    const startsLine = chunk.startsWith("\n");
    // A prefix search ("INTEGRAT*") names the start of words, not a name of its own.
    if (chunk.trimEnd().endsWith("*")) {
      initial = false;
      continue;
    }
    const core = chunk.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    const wasInitial = initial || startsLine;
    initial = /[.!?:]["')\]]*$/.test(chunk);
    if (core.length < 2 || /[\p{N}.:@\\()=[\]{}<>'"`]/u.test(core)) continue;
    const lower = core.toLowerCase();
    if (STOPWORDS.has(lower) || TIME_WORDS.has(lower)) continue;
    if (KIND_ACRONYMS.has(core.replace(/s$/, ""))) continue;
    const acronym = /^\p{Lu}{2,}s?$/u.test(core);
    const camel = /\p{Ll}\p{Lu}/u.test(core);
    const joined = /\p{L}[_/]\p{L}/u.test(core);
    const capital = /^\p{Lu}/u.test(core) && !wasInitial;
    if (acronym || camel || joined || capital) out.push(core);
  }
  return out;
}

/**
 * The name written with a number right after it, as notes name pins, devices and replicas ("GPIO0", "ttyUSB1",
 * "replica2"): "which GPIO …" asks about what they mention. Only a digit may follow, so "Posthogger" does not
 * make "PostHog" known. On the blind coding sets a–k this answered one search it had abstained on (k), nothing else moved.
 */
const numbered = (part: string): string[] => Array.from({ length: 10 }, (_, d) => `"${part}${d}"*`);

/** A name part, its product's other names and its numbered forms, as one FTS5 expression. */
const anyNameOf = (part: string): string =>
  [...(SAME_PRODUCT.get(part) ?? [part]), ...(NAMED_BY_PARTS.get(part) ?? [])].map((n) => `"${n}"`).concat(numbered(part)).join(" OR ");

/**
 * Whether some memory holds each expression of `matches` (one per name part of `parts`): for a product one picks
 * one of (capture/alternatives.ts: Keycloak, Snowflake), a memory of the searched `scope`, as another project's
 * choice says nothing of this one's (QA: "How is our Keycloak realm configured?" got 10 unrelated notes of a
 * project that never names it). For other names, any memory: counting every name only in scope also abstained on
 * answerable searches naming a class, library or tool other projects' notes name (coding e, j, k R@10 −0.007 to
 * −0.015, their answers in other words), where this way loses none (abstention i +1, k +2 searches).
 */
function heldIn(store: Store, matches: readonly string[], parts: readonly string[], scope: Scope): boolean[] {
  const picked = parts.map((p) => namedAlternatives(p).size > 0);
  const inScope = store.matchedIn(matches.filter((_, i) => picked[i]), scope);
  const anywhere = store.termStats(matches.filter((_, i) => !picked[i]), 1).counts;
  let [a, b] = [0, 0];
  return picked.map((p) => (p ? inScope[a++]! : anywhere[b++]! > 0));
}

/**
 * Whether recall should abstain on `query` given its final `results`: null when it should answer, else why
 * not. Asks the index whether a memory holds each distinct name part (one of the searched `scope` for a product
 * one picks, {@link heldIn}), then, for a part none holds, any of its other names. Each stops at the first memory
 * found (counting every memory holding a common part, as a count of these expressions did, cost ~3 ms of a recall
 * at 1M memories); in scope, it looks at a bounded number of matches.
 */
export function abstention(store: Store, query: string, results: readonly Memory[], scope: Scope): Abstention | null {
  if (results.length === 0 || query.includes("\n") || ERROR_TEXT.test(query)) return null;
  const terms = queryTerms(query);
  if (terms.length === 0 || terms.length > MAX_TERMS) return null;
  const names = [...new Set(nameLike(query))];
  if (names.length === 0) return null;
  const parts = names.map((n) => (indexText(n).toLowerCase().match(TOKEN) ?? []).filter((p) => p.length >= 2 && !STOPWORDS.has(p)));
  const distinct = [...new Set(parts.flat())];
  const held = heldIn(store, distinct.map((p) => `"${p}"`), distinct, scope);
  const absent = distinct.filter((_, i) => !held[i]);
  if (absent.length === 0) return null;
  const named = heldIn(store, absent.map(anyNameOf), absent, scope);
  const unseen = new Set(absent.filter((_, i) => !named[i]));
  const unknown = names.filter((_, i) => parts[i]!.some((p) => unseen.has(p)));
  if (unknown.length === 0) return null;
  const { docs, counts: termCounts } = store.termStats(terms.map((t) => t.match));
  const weight = (_: unknown, i: number) => idf(termCounts[i]!, docs);
  let bestCoverage = 0;
  for (const m of results) {
    const c = coverage(terms, m, weight);
    bestCoverage = Math.max(bestCoverage, c.total > 0 ? c.matched / c.total : 0);
  }
  return bestCoverage >= ANSWERED_COVERAGE ? null : { unknown, bestCoverage };
}
