/**
 * @module The time channel: scores candidates by how well their time fits the time the query names. A
 * memory's times are when it happened (event time, else when it was written) plus every time its words
 * name, read relative to that moment — "I went yesterday", written on 8 May, counts for 7 May. "before/after
 * <event>" places the answer on one side of the event's best keyword match. A query asking "when …" without
 * naming a time favours memories that say when. Mostly it re-scores: "in 2022" alone does not make a memory
 * relevant, so those hits are weak (they rank, never stand alone). A short span ("yesterday", "last week",
 * "on 8 May") also brings the memories inside it, since "what happened yesterday?" has no other handle.
 */
import type { Memory } from "../domain/memory.ts";
import type { Store } from "../store/store.ts";
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "./channel.ts";
import { buildKeywordQuery } from "./fts-query.ts";
import { analyzeQueryTime } from "./query-time.ts";
import { findTimeSpans, mentionsTime } from "./time-expr.ts";

const DAY = 86_400_000;
/**
 * Outside a window a memory's score halves every quarter window length (a day for "yesterday", ~3 months
 * for "in 2022"): lenient about time zones and loose talk, not about the wrong month. LoCoMo 0–4 is flat
 * from a hard cut-off to a full window length (R@5 66.8–66.9).
 */
export const HALF_LIFE = 0.25;
/** Scores below this are noise, not evidence. */
const MIN_SCORE = 0.01;
/**
 * Spans this short are worth listing ("in 2022" or every June of the last years are not). Listing changed
 * nothing on LoCoMo 0–4 (R@10 76.5 → 76.6), where questions always name a topic too.
 */
const LISTABLE = 31 * DAY;
const MAX_LISTED = 2;
/** Memories whose times are remembered (long-lived processes score the same memories again and again). */
const CACHE_SIZE = 10_000;

type Window = [number, number];
interface Times {
  key: number;
  spans: Window[];
  says: boolean;
}

export class TemporalChannel implements RetrievalChannel {
  readonly name = "time";
  readonly scale = "absolute";
  readonly stage = "rescore";
  readonly #store: Store;
  readonly #cache = new Map<string, Times>();

  constructor(store: Store) {
    this.#store = store;
  }

  async search(query: ChannelQuery): Promise<ChannelHit[]> {
    const qt = analyzeQueryTime(query.text, query.now);
    const windows: Window[] = qt.spans.map((s) => [s.start, s.end]);
    for (const a of qt.anchors) {
      const at = await this.#anchorTime(a.text, query);
      if (at !== null) windows.push(a.side === "before" ? [0, dayStart(at) + DAY] : [dayStart(at), Number.MAX_SAFE_INTEGER]);
    }
    if (windows.length === 0 && !qt.asksWhen) return [];
    const hits: ChannelHit[] = [];
    for (const memory of query.candidates ?? []) {
      const t = this.#times(memory);
      const score = windows.length > 0 ? fit(t.spans, windows) : t.says ? 1 : 0;
      if (score >= MIN_SCORE) hits.push({ memory, score, weak: true });
    }
    if (qt.spans.length > 0 && qt.spans.length <= MAX_LISTED && qt.spans.every((s) => s.end - s.start <= LISTABLE)) {
      hits.push(...this.#listed(qt.spans, query, hits));
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, query.limit);
  }

  /** The memories inside short spans the query names, newest first: the answer to a query that is only a time. */
  #listed(spans: ReadonlyArray<{ start: number; end: number }>, query: ChannelQuery, scored: ChannelHit[]): ChannelHit[] {
    const seen = new Set(scored.map((h) => h.memory.id));
    const out: ChannelHit[] = [];
    for (const s of spans) {
      if (s.end - s.start > LISTABLE) continue;
      const filter = { ...query.filter, since: Math.max(s.start, query.filter.since ?? s.start), until: Math.min(s.end, query.filter.until ?? s.end) };
      for (const memory of this.#store.list(filter, query.now, { limit: query.limit, by: "event" })) {
        if (!seen.has(memory.id)) out.push({ memory, score: 1 });
        seen.add(memory.id);
      }
    }
    return out;
  }

  /**
   * When the event a query places itself around happened: the best keyword match for its words, searched on
   * the store's search thread where it has one (on a long-lived process's own thread FTS5 ranked every match).
   */
  async #anchorTime(text: string, query: ChannelQuery): Promise<number | null> {
    const { match } = buildKeywordQuery(text);
    if (match === null) return null;
    const [best] = await this.#store.searchTextSoon(match, query.filter, query.now, 1);
    return best ? (best.memory.eventTime ?? best.memory.createdAt) : null;
  }

  #times(memory: Memory): Times {
    const ref = memory.eventTime ?? memory.createdAt;
    const key = ref + memory.updatedAt;
    const known = this.#cache.get(memory.id);
    if (known && known.key === key) return known;
    const found = findTimeSpans(memory.content, ref);
    const times = { key, spans: [[dayStart(ref), dayStart(ref) + DAY] as Window, ...found.map((s): Window => [s.start, s.end])], says: mentionsTime(memory.content, found) };
    if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(memory.id, times);
    return times;
  }
}

const dayStart = (ms: number) => ms - (((ms % DAY) + DAY) % DAY);

/** 1 when one of a memory's spans overlaps one of the windows, decaying with the gap in window lengths. */
export function fit(spans: readonly Window[], windows: readonly Window[]): number {
  let best = 0;
  for (const [ws, we] of windows) {
    const len = Math.max(Math.min(we - ws, 366 * DAY), DAY);
    for (const [s, e] of spans) {
      const gap = s >= we ? s - we : ws >= e ? ws - e : 0;
      if (gap === 0) return 1;
      best = Math.max(best, 0.5 ** (gap / (HALF_LIFE * len)));
    }
  }
  return best;
}
