/** @module What the prompt hook's injection model is given (inject-evidence.ts) and how it weighs it (inject-model.ts). */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import { injectEvidence, promptEvidence } from "../../src/hooks/inject-evidence.ts";
import { INJECT_BAR, type InjectEvidence, injectLikelihood } from "../../src/hooks/inject-model.ts";
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "../../src/retrieve/channel.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testEngine } from "../helpers/engine.ts";
import { fixture, hookWorld } from "./helpers.ts";

/** A dense channel answering a fixed list (cosines chosen by the test), and recording what it was asked. */
class ListedDense implements RetrievalChannel {
  readonly name = "dense";
  asked: ChannelQuery[] = [];
  constructor(private readonly hits: () => ChannelHit[]) {}
  async search(q: ChannelQuery): Promise<ChannelHit[]> {
    this.asked.push(q);
    return this.hits().slice(0, q.limit);
  }
}

let t: ReturnType<typeof testEngine>;
beforeEach(() => {
  t = testEngine({ project: "/work/shop" });
});
afterEach(() => t.engine.close());

const remember = (content: string, type = "decision") => t.engine.get(t.engine.remember({ content, type }).id)!;
/** Background: the store's other notes, so term rarity means something. */
function noise(): Memory[] {
  return Array.from({ length: 30 }, (_, i) => remember(`Note ${i}: the dashboard widget ${i} renders a chart of orders per region.`, "note"));
}

describe("prompt evidence", () => {
  test("without a model: keyword candidates only, ranked as found, meaning null", async () => {
    noise();
    const money = remember("Money amounts are stored as integer cents in every table, never floats.");
    const ev = await promptEvidence(t.engine, null, "add a discount column for money amounts to invoices", () => true);
    const first = ev.find((e) => e.memory.id === money.id)!;
    expect(first.keywordRank).toBe(1);
    expect(first.keywordRatio).toBe(1);
    expect(first.meaning).toBeNull();
    expect(first.matched).toBeGreaterThanOrEqual(2);
    expect(first.rareCoverageGap).toBe(0);
    expect(ev.every((e) => e.meaning === null && e.keywordRank > 0)).toBe(true);
  });

  test("with a model: the scope's nearest join (keyword rank 0), a keyword match outside the list gets the list's lowest cosine", async () => {
    const widget = noise()[0]!;
    const money = remember("Money amounts are stored as integer cents in every table, never floats.");
    const near = remember("Prices shown to customers are rounded half-even at checkout.", "lesson");
    const dense = new ListedDense(() => [
      { memory: near, score: 0.6 },
      { memory: widget, score: 0.4 },
      { memory: remember("Unrelated: the CI cache key includes the lockfile hash.", "fact"), score: 0.2 },
    ]);
    const ev = await injectEvidence({
      store: t.engine.store,
      project: t.engine.project,
      now: t.engine.now(),
      text: "add a discount column for money amounts to invoices",
      keyword: [{ memory: money, score: 8 }],
      dense,
      keep: () => true,
    });
    expect(dense.asked[0]!.filter.scope).toEqual({ projects: [t.engine.project], includeGlobal: true });
    const byId = new Map(ev.map((e) => [e.memory.id, e]));
    expect(byId.get(near.id)).toMatchObject({ keywordRank: 0, keywordRatio: 0, meaning: { cosine: 0.6, gap: 0, rank: 1 } });
    expect(byId.get(money.id)!.meaning).toMatchObject({ cosine: 0.2, rank: 0 });
    expect(byId.get(money.id)!.meaning!.gap).toBeCloseTo(-0.4, 9);
    // z against the listed cosines (0.6, 0.4, 0.2): mean 0.4, deviation sqrt(0.08 / 3)
    expect(byId.get(near.id)!.meaning!.z).toBeCloseTo(0.2 / Math.sqrt(0.08 / 3), 9);
  });

  test("what the hook may not show is no candidate, from either list", async () => {
    noise();
    const money = remember("Money amounts are stored as integer cents in every table, never floats.");
    const near = remember("Prices shown to customers are rounded half-even at checkout.", "lesson");
    const dense = new ListedDense(() => [{ memory: near, score: 0.6 }]);
    const keep = (m: Memory) => m.id !== money.id && m.id !== near.id;
    const ev = await promptEvidence(t.engine, dense, "add a discount column for money amounts to invoices", keep);
    expect(ev.some((e) => e.memory.id === money.id || e.memory.id === near.id)).toBe(false);
  });

  test("a term no memory contains does not weigh on the rarity share (it would dwarf all others in a small store)", async () => {
    const a = remember("Unit tests run with vitest via pnpm test.");
    const ev = await promptEvidence(t.engine, null, "should unit tests go back to jest", () => true);
    expect(ev.find((e) => e.memory.id === a.id)!.rareCoverage).toBe(1);
    expect(ev.find((e) => e.memory.id === a.id)!.coverage).toBeLessThan(1);
  });
});

describe("inject model", () => {
  const memory = { id: "x", type: "decision", project: "p", content: "Money amounts are stored as integer cents in every table." } as Memory;
  const strong: InjectEvidence = { memory, coverage: 0.75, matched: 3, rareCoverage: 0.8, rareCoverageGap: 0, keywordRank: 1, keywordRatio: 1, terms: 4, meaning: null };
  const weak: InjectEvidence = { ...strong, coverage: 0.25, matched: 1, rareCoverage: 0.1, rareCoverageGap: -0.7, keywordRank: 9, keywordRatio: 0.2 };

  test("words only: a memory holding the prompt's rare terms at the top of the list clears the bar; one sharing a word deep in it does not", () => {
    expect(injectLikelihood(strong)).toBeGreaterThanOrEqual(INJECT_BAR);
    expect(injectLikelihood(weak)).toBeLessThan(INJECT_BAR);
  });

  test("with meaning: closeness counts, and the meaning model is the one asked", () => {
    const close = { ...strong, meaning: { cosine: 0.7, gap: 0, z: 3, rank: 1 } };
    const far = { ...strong, meaning: { cosine: 0.1, gap: -0.6, z: -1, rank: 0 } };
    expect(injectLikelihood(close)).toBeGreaterThan(injectLikelihood(far));
    expect(injectLikelihood(close)).toBeGreaterThanOrEqual(INJECT_BAR);
    expect(injectLikelihood(close)).not.toBe(injectLikelihood(strong));
  });
});

describe("what the prompt hook weighed, in hooks.log", () => {
  test("with CAIRN_HOOK_DEBUG, the best candidates' ids and likelihoods, never their text", async () => {
    const w = hookWorld();
    const was = process.env.CAIRN_HOOK_DEBUG;
    process.env.CAIRN_HOOK_DEBUG = "1";
    try {
      const id = w.withEngine((e) => e.remember({ content: "Money amounts are stored as integer cents in every table, never floats.", type: "decision" }).id);
      await w.hook("prompt", fixture("prompt", { cwd: w.project, prompt: "how are money amounts stored in the invoices table?" }));
      const log = readFileSync(join(w.cairnHome, "hooks.log"), "utf8");
      expect(log).toMatch(new RegExp(`prompt: words only, 1 candidates; best ${id.slice(0, 8)} [01]\\.\\d\\d \\(bar ${INJECT_BAR}\\)`));
      expect(log).not.toContain("integer cents");
    } finally {
      if (was === undefined) delete process.env.CAIRN_HOOK_DEBUG;
      else process.env.CAIRN_HOOK_DEBUG = was;
      w.cleanup();
    }
  });
});
