/**
 * @module The read path: search channels run in parallel, re-scoring channels (time) score what they found,
 * everything is fused, session context lifts and widens the candidates, an optional reranker reorders, near
 * duplicates step back (after newer statements went ahead of the older ones they change or share a subject
 * with), then the token budget applies and access is recorded.
 */
import type { Memory, MemoryFilter } from "../domain/memory.ts";
import { type Abstention, abstention } from "../retrieve/abstain.ts";
import type { Explained } from "../retrieve/explain.ts";
import { CairnError, cairnError, describeError } from "../errors.ts";
import { applyBudget } from "../retrieve/budget.ts";
import { BASE_CANDIDATES, type RecallMode, type RetrievalChannel } from "../retrieve/channel.ts";
import { asksForList } from "../retrieve/asks-list.ts";
import { currentFirst } from "../retrieve/current-first.ts";
import { demoteNearDuplicates } from "../retrieve/diversity.ts";
import { type ChannelResult, type FusedHit, fuse } from "../retrieve/fusion.ts";
import { boostBySession, coherentSessions, EXPAND_DEPTH, neighboursToAdd, type SessionContextNote } from "../retrieve/session-context.ts";
import { TemporalChannel } from "../retrieve/temporal-channel.ts";
import { type Hop, hopSources, liftByLinks, linksToFollow } from "../retrieve/graph-hops.ts";
import { pastIn } from "../retrieve/asks-past.ts";
import { analyzeQueryTime } from "../retrieve/query-time.ts";
import { type FlaggedFirst, flaggedFirst, flaggers } from "../retrieve/flagged-first.ts";
import { newerFirst } from "../retrieve/newer-first.ts";
import { type InPlaceOf, inPlaceOf } from "../retrieve/in-place-of.ts";
import { type LaterFirst, laterFirst, type LaterMove, POOL as LATER_POOL } from "../retrieve/later-first.ts";
import { idf, queryTerms } from "../retrieve/terms.ts";
import type { EngineContext } from "./context.ts";
import { type FilterOptions, resolveFilter } from "./filter.ts";

export interface RecallInput extends FilterOptions {
  query: string;
  limit?: number;
  mode?: RecallMode;
  /** Trim the results to about this many tokens. */
  budget?: number;
  /** Record the access on the returned memories (default true). */
  track?: boolean;
  /** Answer "nothing relevant" (no results) when the query names something no memory mentions (default true). */
  abstain?: boolean;
}

/** A result, with what --explain tells of it (channels, lifts, and why it moved: retrieve/explain.ts). */
export interface RecallHit extends Explained {
  memory: Memory;
  score: number;
  /** True when the content was cut to fit the budget. */
  truncated: boolean;
}

export interface RecallResult {
  results: RecallHit[];
  mode: RecallMode;
  channels: string[];
  /** Things the caller should show the user: a model that failed to load, a reranker missing. */
  warnings: string[];
  /** True when nothing relevant was found: no candidates at all, or {@link abstention} said so. */
  abstained: boolean;
  /** Session context (for --explain): whether the best candidates looked spread out over sittings, and how many
   *  sittings neighbours then joined around; absent when no candidate has a session. */
  sessionContext?: SessionContextNote;
  /** Why recall abstained although it had candidates (for --explain). */
  abstention?: Abstention;
  /**
   * Memories a channel could not search yet, when some could not: those without a vector for the active
   * model (written moments ago, or an import the background worker is still embedding). Keyword finds them.
   */
  unembedded?: number;
}

export const DEFAULT_RECALL_LIMIT = 10;
const MAX_RECALL_LIMIT = 1000;

/**
 * Which channels each mode uses, and their fusion weights. Hybrid's 0.7/0.3 was fitted on LoCoMo
 * conversations 0–4 and checked on 5–9 (held out): R@5 57.8 vs 54.5 for BM25 alone; weights from 0.6 to
 * 0.8 all beat keyword-only, so the choice is not knife-edge. Time adds 0.3 beside content weights summing
 * to 1 in every mode (fitted on 0–4: 0.1 → 0.5 gave R@5 65.2 → 66.7, flat from 0.3).
 */
const TIME_WEIGHT = 0.3;
const MODE_CHANNELS: Record<RecallMode, Array<{ name: string; weight: number }>> = {
  keyword: [
    { name: "keyword", weight: 1 },
    { name: "time", weight: TIME_WEIGHT },
  ],
  semantic: [
    { name: "dense", weight: 1 },
    { name: "time", weight: TIME_WEIGHT },
  ],
  hybrid: [
    { name: "keyword", weight: 0.7 },
    { name: "dense", weight: 0.3 },
    { name: "time", weight: TIME_WEIGHT },
  ],
};

/**
 * Channels that need nothing but the store, so every engine has them without configuration. One per store:
 * the time channel caches what it read from memories.
 */
const builtIn = new WeakMap<object, Readonly<Record<string, RetrievalChannel>>>();

function channelsFor(ctx: EngineContext, mode: RecallMode): Array<{ channel: RetrievalChannel; weight: number }> {
  let own = builtIn.get(ctx.store);
  if (!own) builtIn.set(ctx.store, (own = { time: new TemporalChannel(ctx.store) }));
  const lookup = (name: string) => ctx.channels[name] ?? own[name];
  const wanted = MODE_CHANNELS[mode];
  const missing = wanted.filter((w) => !lookup(w.name)).map((w) => w.name);
  if (missing.length > 0) {
    throw cairnError("MODE_UNAVAILABLE", [mode, missing.join(", ")]);
  }
  return wanted.map(({ name, weight }) => ({ channel: lookup(name)!, weight }));
}

export async function recall(ctx: EngineContext, input: RecallInput): Promise<RecallResult> {
  const limit = input.limit ?? DEFAULT_RECALL_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECALL_LIMIT) {
    throw cairnError("USAGE", [`Limit must be a whole number from 1 to ${MAX_RECALL_LIMIT}, got ${limit}.`]);
  }
  if (input.budget !== undefined && (!Number.isInteger(input.budget) || input.budget < 1)) {
    throw cairnError("USAGE", [`Budget must be a positive whole number of tokens, got ${input.budget}.`]);
  }
  if (input.query.trim() === "") throw cairnError("EMPTY_QUERY");
  const mode = input.mode ?? "keyword";
  const channels = channelsFor(ctx, mode);
  const now = ctx.now();
  const filter: MemoryFilter = resolveFilter(ctx, input);
  const asked = analyzeQueryTime(input.query, now);
  // Superseded memories answer questions about the past (asks-past.ts); by default they are left out.
  const past = input.statuses === undefined && pastIn(asked, now);
  if (past) filter.statuses = ["active", "superseded"];
  // Otherwise a superseded memory's match gives its place to what replaced it (in-place-of.ts): searched too.
  const standIn = input.statuses === undefined && !past;
  const searchFilter: MemoryFilter = standIn ? { ...filter, statuses: ["active", "superseded"] } : filter;
  // Always more candidates than results, in keyword mode too: session context and the time channel reorder
  // them. LoCoMo 0–4, keyword mode, limit 10: 10 candidates R@10 72.9, 20 → 75.0, 50 → 77.2.
  const candidates = Math.max(limit * 4, BASE_CANDIDATES);
  const warnings: string[] = [];
  let unembedded = 0;
  const search = async ({ channel, weight }: { channel: RetrievalChannel; weight: number }, found?: Memory[], depth = candidates): Promise<ChannelResult[]> => {
    try {
      const hits = await channel.search({ text: input.query, filter: searchFilter, now, limit: depth, candidates: found });
      unembedded = Math.max(unembedded, channel.unsearched?.() ?? 0);
      return [{ channel: channel.name, weight, scale: channel.scale, hits }];
    } catch (err) {
      // A model that cannot load degrades recall to the remaining channels, visibly, never silently.
      if (!(err instanceof CairnError && err.code === "MODEL_UNAVAILABLE")) throw err;
      if (!warnings.includes(describeError(err))) warnings.push(describeError(err));
      return [];
    }
  };
  const searching = channels.filter((c) => c.channel.stage !== "rescore");
  const keyword = ctx.channels.keyword;
  const searchAll = async (depth: number) => {
    const found = (await Promise.all(searching.map((c) => search(c, undefined, depth)))).flat();
    return found.length === 0 && keyword && !channels.some((c) => c.channel === keyword) ? await search({ channel: keyword, weight: 1 }, undefined, depth) : found;
  };
  let lists = await searchAll(candidates);
  // A query naming a time or an event to place the answer by ("in March", "before the migration") asks about
  // then, not about what holds now: a later statement on the subject stays where it scored. Superseded
  // memories asked for (`--include-superseded`) come with what holds now still first (QA: a flagged change
  // fell behind the decision it changed).
  const namesTime = asked.spans.length > 0 || asked.anchors.length > 0 || past;
  const pass = { ctx, query: input.query, channels, filter, searchFilter, now, standIn, namesTime, warnings, search };
  // The first ten are ranked from the candidates a default recall has, so asking for more results (`--limit
  // 50`, the page's 20) lists more after them instead of reordering them; the rest come from all candidates.
  // The channels are asked for a default recall's candidates again: a channel's best 40 of 80 need not be its best
  // 40, where scores tie (QA: `--limit 20` ranked another top ten than the default's).
  const head = candidates > BASE_CANDIDATES ? await searchAll(BASE_CANDIDATES) : lists;
  let ranked = await rankCandidates(pass, head.map((l) => ({ ...l, hits: l.hits.slice(0, BASE_CANDIDATES) })), BASE_CANDIDATES);
  if (candidates > BASE_CANDIDATES) ranked = withTail(ranked, await rankCandidates(pass, lists, candidates));
  const { context, explain } = ranked;
  lists = ranked.lists;
  let fused = ranked.hits.slice(0, limit);
  const declined = input.abstain === false ? null : abstention(ctx.store, input.query, fused.map((f) => f.memory), filter.scope);
  if (declined) fused = [];
  const shaped = fused.map((f) => ({ ...f, content: f.memory.content }));
  const kept = input.budget === undefined ? shaped.map((s) => ({ ...s, truncated: false })) : applyBudget(shaped, input.budget);
  const results: RecallHit[] = kept.map((k) => ({
    memory: k.truncated ? { ...k.memory, content: k.content } : k.memory,
    score: k.score,
    truncated: k.truncated,
    channels: k.channels,
    lifts: k.lifts ?? {},
    ...(explain.demoted.has(k.memory.id) ? { duplicateOf: explain.demoted.get(k.memory.id)!.duplicateOf } : {}),
    ...(explain.updates.has(k.memory.id) ? { updates: explain.updates.get(k.memory.id)! } : {}),
    ...(explain.newerThan.has(k.memory.id) ? { newerThan: explain.newerThan.get(k.memory.id)!.older, newerLikelihood: explain.newerThan.get(k.memory.id)!.likelihood } : {}),
    ...(explain.hops.has(k.memory.id) ? { linked: explain.hops.get(k.memory.id)! } : {}),
    ...(explain.flagged.has(k.memory.id) ? { flaggedAgainst: explain.flagged.get(k.memory.id)! } : {}),
    ...(explain.replaced.has(k.memory.id) ? { inPlaceOf: explain.replaced.get(k.memory.id)! } : {}),
  }));
  rankOrderScores(results);
  if (input.track !== false) ctx.store.touch(results.map((r) => r.memory.id), now);
  // A re-scoring channel with nothing to say about this query (no time in it) took no part in the answer.
  const used = lists.filter((l) => l.hits.length > 0 || !channels.some((c) => c.channel.name === l.channel && c.channel.stage === "rescore"));
  return { results, mode, channels: used.map((l) => l.channel), warnings, ...(context.spread !== undefined || context.list ? { sessionContext: context } : {}), abstained: results.length === 0, ...(declined ? { abstention: declined } : {}), ...(unembedded > 0 ? { unembedded } : {}) };
}

/** What one ranking of the candidates needs besides them: the query's reading and recall's channel search. */
interface RankPass {
  ctx: EngineContext;
  query: string;
  channels: ReadonlyArray<{ channel: RetrievalChannel; weight: number }>;
  filter: MemoryFilter;
  searchFilter: MemoryFilter;
  now: number;
  standIn: boolean;
  namesTime: boolean;
  warnings: string[];
  search(c: { channel: RetrievalChannel; weight: number }, found?: Memory[], depth?: number): Promise<ChannelResult[]>;
}

/** Why results moved, by memory id (for --explain). */
interface Moves {
  demoted: ReadonlyMap<string, { duplicateOf: string }>;
  updates: ReadonlyMap<string, string>;
  newerThan: ReadonlyMap<string, LaterMove>;
  hops: ReadonlyMap<string, Hop>;
  flagged: ReadonlyMap<string, string>;
  replaced: ReadonlyMap<string, string>;
}

interface Ranked {
  hits: FusedHit[];
  /** The channel lists, the re-scoring channels' included. */
  lists: ChannelResult[];
  context: SessionContextNote;
  explain: Moves;
}

/**
 * One ranking of the search channels' candidates: superseded matches give their place to what replaced them,
 * re-scoring channels score the rest, everything is fused, session context and links lift and widen, the
 * reranker reorders, and the first ten are reordered so current statements come before what they changed.
 */
async function rankCandidates(p: RankPass, searched: ChannelResult[], depth: number): Promise<Ranked> {
  const { ctx, filter, now } = p;
  const stoodIn: InPlaceOf = p.standIn ? inPlaceOf(searched, (ids) => ctx.store.getMany(ids, p.searchFilter, now)) : { lists: searched, replaced: new Map() };
  const lists = stoodIn.lists;
  const found = fuse(lists).filter((f) => !f.weak).map((f) => f.memory);
  for (const c of p.channels.filter((c) => c.channel.stage === "rescore")) lists.push(...(await p.search(c, found, depth)));
  const context: SessionContextNote = {};
  const inContext = withSessionContext(ctx, fuse(lists).filter((f) => !f.weak), filter, now, context, asksForList(p.query));
  const graph = withGraph(ctx, inContext, filter, now);
  let fused = graph.hits;
  if (ctx.reranker) {
    try {
      fused = await ctx.reranker.rerank(p.query, fused);
    } catch (err) {
      // The message says what happens instead: the fused order, unreranked.
      if (!(err instanceof CairnError && err.code === "RERANKER_UNAVAILABLE")) throw err;
      if (!p.warnings.includes(describeError(err))) p.warnings.push(describeError(err));
    }
  }
  // Reordered within a default recall's results, whatever the limit, so a larger one does not reorder them.
  const window = DEFAULT_RECALL_LIMIT;
  const current = currentFirst(fused, window, !p.namesTime);
  const subject = p.namesTime ? { hits: newerFirst(current.hits, window), newerThan: new Map<string, LaterMove>() } : withLaterFirst(ctx, p.channels, current.hits, p.query, window);
  const { hits: distinct, demoted } = demoteNearDuplicates(subject.hits, window);
  const flagged = p.namesTime ? { hits: distinct, flagged: new Map<string, string>() } : withFlagged(ctx, distinct, window, filter, now);
  const explain = { demoted, updates: current.updates, newerThan: subject.newerThan, hops: graph.hops, flagged: flagged.flagged, replaced: stoodIn.replaced };
  return { hits: flagged.hits, lists, context, explain };
}

/** The first ten of `head`, then the rest of `all` in its order; each result explained by the ranking it came from. */
function withTail(head: Ranked, all: Ranked): Ranked {
  const first = head.hits.slice(0, DEFAULT_RECALL_LIMIT);
  const ids = new Set(first.map((h) => h.memory.id));
  const merge = <V>(pick: (m: Moves) => ReadonlyMap<string, V>) => {
    const out = new Map<string, V>();
    for (const [id, v] of pick(all.explain)) if (!ids.has(id)) out.set(id, v);
    for (const [id, v] of pick(head.explain)) if (ids.has(id)) out.set(id, v);
    return out;
  };
  return {
    hits: [...first, ...all.hits.filter((h) => !ids.has(h.memory.id))],
    lists: all.lists,
    context: head.context,
    explain: { demoted: merge((m) => m.demoted), updates: merge((m) => m.updates), newerThan: merge((m) => m.newerThan), hops: merge((m) => m.hops), flagged: merge((m) => m.flagged), replaced: merge((m) => m.replaced) },
  };
}

/**
 * Query terms' counts for later-first's weights stop here: exact on stores this size (where it was fitted), and
 * a count of a common term at 1M memories (~3 ms) is not paid on every recall.
 */
const COUNT_UP_TO = 5_000;

/**
 * Later statements first (later-first.ts) where the mode has a vector channel that searched: the best results'
 * stored vectors are part of what the models weigh. Without them, newer-first.ts's word rule orders neighbours.
 */
function withLaterFirst(ctx: EngineContext, channels: ReadonlyArray<{ channel: RetrievalChannel }>, hits: FusedHit[], query: string, window: number): LaterFirst {
  const vectors = channels.find((c) => c.channel.vectorsOf)?.channel;
  if (!vectors) return { hits: newerFirst(hits, window, true), newerThan: new Map() };
  const terms = queryTerms(query);
  const weigh = () => {
    const { docs, counts } = ctx.store.termStats(terms.map((t) => t.match), COUNT_UP_TO);
    return counts.map((n) => idf(n, docs));
  };
  const stored = vectors.vectorsOf!(hits.slice(0, LATER_POOL).map((h) => h.memory.id));
  // No vectors to weigh (the model could not load, or nothing is embedded yet): the word rule, as in keyword mode.
  if (stored.size < 2) return { hits: newerFirst(hits, window, true), newerThan: new Map() };
  return laterFirst(hits, stored, terms, weigh);
}

/** The best results whose later statements are fetched when no channel found them. */
const FETCH_FLAGGERS_OF = 3;

/** Later statements flagged on write as possible changes of an earlier result, just ahead of it (flagged-first.ts). */
function withFlagged(ctx: EngineContext, hits: FusedHit[], depth: number, filter: MemoryFilter, now: number): FlaggedFirst {
  const top = hits.slice(0, depth).map((h) => h.memory.id);
  if (top.length === 0) return { hits, flagged: new Map() };
  const by = flaggers(ctx.store.links(top));
  // A later statement no channel found ("We moved deploys to Argo CD" for "do we use Helm?": the new state in
  // other words) is fetched, so the earlier one does not come back alone; kept only where it goes ahead of it.
  const have = new Set(hits.map((h) => h.memory.id));
  const missing = [...new Set(top.slice(0, FETCH_FLAGGERS_OF).flatMap((id) => [...(by.get(id)?.keys() ?? [])]))].filter((id) => !have.has(id));
  const fetched = missing.length === 0 ? [] : ctx.store.getMany(missing, filter, now).map((memory): FusedHit => ({ memory, score: 0, channels: {}, weak: false }));
  const ordered = flaggedFirst([...hits, ...fetched], depth, by);
  const extra = new Set(fetched.map((h) => h.memory.id));
  return { hits: ordered.hits.filter((h) => !extra.has(h.memory.id) || ordered.flagged.has(h.memory.id)), flagged: ordered.flagged };
}

/**
 * The graph over the candidates: memories linked to the strongest hits join just below them (graph-hops.ts),
 * through `filter`, so a superseded, archived or out-of-scope partner stays out.
 */
function withGraph(ctx: EngineContext, fused: FusedHit[], filter: MemoryFilter, now: number): { hits: FusedHit[]; hops: Map<string, Hop> } {
  const sources = hopSources(fused);
  const follow = sources.length === 0 ? [] : linksToFollow(sources, ctx.store.links(sources.map((s) => s.memory.id)));
  if (follow.length === 0) return { hits: fused, hops: new Map() };
  const have = new Set(fused.map((f) => f.memory.id));
  const missing = [...new Set(follow.map((l) => l.other).filter((id) => !have.has(id)))];
  return liftByLinks(fused, follow, missing.length === 0 ? [] : ctx.store.getMany(missing, filter, now));
}

/**
 * Session context over the fused candidates. The memories written just before and after the best matches
 * join the candidates first (the answer after a question, the fix after an error often shares no words
 * with the query): measured on LoCoMo 0–4, R@10 76.5 → 79.3 and R@50 85.4 → 89.2. Only around sittings about
 * the query ({@link coherentSessions}); `context` records how many there were, for --explain. None at all
 * for a question asking for a list of things said over time (asks-list.ts).
 */
function withSessionContext(ctx: EngineContext, fused: FusedHit[], filter: MemoryFilter, now: number, context: SessionContextNote, list: boolean): FusedHit[] {
  const inSessions = fused.filter((f) => f.memory.sessionId !== null).map((f) => f.memory.id);
  if (inSessions.length === 0) return fused;
  if (list) {
    context.list = true;
    return fused;
  }
  const neighbours = new Map(ctx.store.sessionNeighbours(inSessions));
  const around = coherentSessions(fused);
  context.spread = around !== null;
  if (around) context.joinedAround = around.size;
  const add = neighboursToAdd(fused, neighbours, EXPAND_DEPTH, around);
  if (add.length > 0) {
    const extra = ctx.store.getMany(add, filter, now);
    fused = [...fused, ...extra.map((memory) => ({ memory, score: 0, channels: {}, weak: false }))];
    for (const [id, n] of ctx.store.sessionNeighbours(extra.map((m) => m.id))) neighbours.set(id, n);
  }
  return boostBySession(fused, neighbours);
}

/**
 * Scores that read in rank order: a result moved ahead of higher-scored ones (it updates one of them, is the
 * later word on its subject, or was flagged as changing it) takes the score of the best it passed, so no
 * result shows a higher score than the one above it (agents cut on the score). A near-duplicate that stepped
 * back takes the score of the one above it instead: raising those it let pass gave an unrelated note the
 * near-copy's score (QA). `--explain` keeps each channel's own numbers. In place.
 */
export function rankOrderScores(results: Array<{ score: number; duplicateOf?: string }>): void {
  for (let i = 1; i < results.length; i++) if (results[i]!.duplicateOf !== undefined) results[i]!.score = Math.min(results[i]!.score, results[i - 1]!.score);
  for (let i = results.length - 2; i >= 0; i--) results[i]!.score = Math.max(results[i]!.score, results[i + 1]!.score);
}
