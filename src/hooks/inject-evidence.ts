/**
 * @module The evidence {@link injectLikelihood} weighs for a prompt: its keyword candidates and, when the warm
 * daemon has the model loaded, the scope's memories nearest in meaning, each described by coverage of the
 * prompt's terms (plain and by rarity), keyword rank and score, and closeness against the prompt's own
 * candidate list. One function for the hook and for the bench that fits the model, so both see the same.
 */
import type { Memory } from "../domain/memory.ts";
import type { Engine } from "../engine/engine.ts";
import type { Store } from "../store/store.ts";
import type { ChannelHit, RetrievalChannel } from "../retrieve/channel.ts";
import { compoundWeight, coverage, idf, queryTerms } from "../retrieve/terms.ts";
import { DENSE_RANKED, type InjectEvidence } from "./inject-model.ts";

/** The fewest memories term rarity is read among (the blind sets the model was fitted on hold 160–370). */
export const RARITY_DOCS = 200;

/** How many of the scope's memories nearest in meaning set the prompt's own distribution of cosines. */
export const NEAREST_LISTED = 50;

export interface EvidenceQuery {
  store: Pick<Store, "termStats">;
  project: string;
  now: number;
  text: string;
  /** The keyword channel's candidates, best first, with their BM25 scores. */
  keyword: ReadonlyArray<{ memory: Memory; score: number }>;
  /** The loaded model's channel (warm daemon), or null. */
  dense: RetrievalChannel | null;
  /** Which memories may be injected at all (not already shown, not a checkpoint …). */
  keep: (m: Memory) => boolean;
}

/** Keyword candidates read before the model: enough that the model, not the limit, decides what is shown. */
export const KEYWORD_CANDIDATES = 12;

/** The prompt's candidates (keyword recall, then the scope's nearest in meaning) with their evidence. */
export async function promptEvidence(engine: Engine, dense: RetrievalChannel | null, text: string, keep: (m: Memory) => boolean): Promise<InjectEvidence[]> {
  const { results } = await engine.recall({ query: text, mode: "keyword", limit: KEYWORD_CANDIDATES, track: false, abstain: false });
  const keyword = results.map((r) => ({ memory: r.memory, score: r.channels.keyword?.score ?? 0 }));
  return injectEvidence({ store: engine.store, project: engine.project, now: engine.now(), text, keyword, dense, keep });
}

/** The candidates of one prompt with their evidence; meaning is null throughout when no model answers. */
export async function injectEvidence(q: EvidenceQuery): Promise<InjectEvidence[]> {
  const near = await nearest(q);
  const cands = new Map<string, { memory: Memory; keywordRank: number; keywordScore: number; denseRank: number }>();
  q.keyword.forEach((h, i) => {
    if (q.keep(h.memory)) cands.set(h.memory.id, { memory: h.memory, keywordRank: i + 1, keywordScore: h.score, denseRank: 0 });
  });
  near?.slice(0, DENSE_RANKED).forEach((h, i) => {
    if (!q.keep(h.memory)) return;
    const c = cands.get(h.memory.id);
    if (c) c.denseRank = i + 1;
    else cands.set(h.memory.id, { memory: h.memory, keywordRank: 0, keywordScore: 0, denseRank: i + 1 });
  });
  if (cands.size === 0) return [];
  const terms = queryTerms(q.text);
  const total = terms.reduce((n, t) => n + compoundWeight(t), 0);
  const { docs, counts } = terms.length > 0 ? q.store.termStats(terms.map((t) => t.match)) : { docs: 0, counts: [] };
  // Terms no memory contains are left out (in a small store their idf dwarfs every other term's), and a few
  // memories say little about which words are rare: counts are read as among at least RARITY_DOCS memories.
  const rarity = (_: unknown, i: number) => (counts[i]! > 0 ? idf(counts[i]!, Math.max(docs, RARITY_DOCS)) : 0);
  const cosines = near?.map((h) => h.score) ?? [];
  const floor = cosines.length > 0 ? Math.min(...cosines) : 0;
  const mean = cosines.reduce((a, b) => a + b, 0) / Math.max(1, cosines.length);
  const sd = Math.sqrt(cosines.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, cosines.length)) || 1;
  const cosineOf = new Map(near?.map((h) => [h.memory.id, h.score]));
  const rows = [...cands.values()].map((c) => {
    const plain = coverage(terms, c.memory);
    const rare = coverage(terms, c.memory, rarity);
    return { c, plain, rare: rare.total > 0 ? rare.matched / rare.total : 0, cosine: cosineOf.get(c.memory.id) ?? floor };
  });
  const bestRare = Math.max(...rows.map((r) => r.rare));
  const bestKeyword = Math.max(...rows.map((r) => r.c.keywordScore));
  const bestCosine = Math.max(...rows.map((r) => r.cosine));
  return rows.map(({ c, plain, rare, cosine }) => ({
    memory: c.memory,
    coverage: plain.total > 0 ? plain.matched / plain.total : 0,
    matched: plain.matched,
    rareCoverage: rare,
    rareCoverageGap: rare - bestRare,
    keywordRank: c.keywordRank,
    keywordRatio: bestKeyword > 0 ? c.keywordScore / bestKeyword : 0,
    terms: total,
    meaning: near ? { cosine, gap: cosine - bestCosine, z: (cosine - mean) / sd, rank: c.denseRank } : null,
  }));
}

/** The scope's memories nearest in meaning, best first; null without a model (or when it cannot load). */
async function nearest(q: EvidenceQuery): Promise<ChannelHit[] | null> {
  if (!q.dense) return null;
  try {
    const hits = await q.dense.search({ text: q.text, filter: { scope: { projects: [q.project], includeGlobal: true } }, now: q.now, limit: NEAREST_LISTED });
    return hits.length > 0 ? hits : null;
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === "MODEL_UNAVAILABLE") return null;
    throw err;
  }
}
