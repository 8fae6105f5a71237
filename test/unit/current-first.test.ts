/** @module Current beats stale: a newer memory stating a change to an older result goes just ahead of it. */
import { expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import { currentFirst } from "../../src/retrieve/current-first.ts";
import type { FusedHit } from "../../src/retrieve/fusion.ts";
import { testEngine } from "../helpers/engine.ts";

const DAY = 86_400_000;

function hit(id: string, content: string, score: number, createdAt: number, project: string | null = "app"): FusedHit {
  return { memory: { id, content, createdAt, project } as Memory, score, channels: {}, weak: false };
}
const order = (hits: FusedHit[]) => hits.map((h) => h.memory.id);

const OLD = hit("old", "Unit tests run with jest + ts-jest via pnpm test.", 1, 1 * DAY);
const OTHER = hit("other", "Playwright runs the end-to-end tests in CI.", 0.9, 2 * DAY);
const NEW = hit("new", "Switched unit tests from jest to vitest; pnpm test now runs vitest.", 0.8, 3 * DAY);

test("a newer memory that changes an older result moves just ahead of it", () => {
  const r = currentFirst([OLD, OTHER, NEW], 10);
  expect(order(r.hits)).toEqual(["new", "old", "other"]);
  expect(r.updates).toEqual(new Map([["new", "old"]]));
});

test("nothing moves without a change cue, across scopes, backwards in time, on one shared word, or on a weak match", () => {
  const cases: FusedHit[] = [
    hit("new", "Unit tests with jest are slow on CI; pnpm test takes four minutes.", 0.8, 3 * DAY), // no change cue
    hit("new", "Switched unit tests from jest to vitest.", 0.8, 3 * DAY, "elsewhere"), // another project
    hit("new", "Switched unit tests from jest to vitest.", 0.8, 0), // older than the first result
    hit("new", "Switched the linter from eslint to biome; jest untouched.", 0.8, 3 * DAY), // shares only "jest"
    hit("new", "Switched unit tests from jest to vitest.", 0.5, 3 * DAY), // matches the query too weakly
  ];
  for (const c of cases) expect(order(currentFirst([OLD, OTHER, c], 10).hits)).toEqual(["old", "other", "new"]);
});

test("a chain of changes lands newest first", () => {
  const middle = hit("mid", "Switched unit tests from jest to vitest.", 0.7, 3 * DAY);
  const newest = hit("newest", "Replaced vitest with bun test for unit tests.", 0.65, 5 * DAY);
  expect(order(currentFirst([OLD, middle, newest], 10).hits)).toEqual(["newest", "mid", "old"]);
});

test("recall puts the current decision first and --explain says why, when nothing linked them", async () => {
  const { engine, advance } = testEngine({ project: "app" });
  const old = engine.remember({ content: "Unit tests run with jest and ts-jest via pnpm test.", type: "fact" });
  advance(30 * DAY);
  engine.remember({ content: "Playwright covers the checkout flow end to end.", type: "fact" });
  advance(30 * DAY);
  const { id, superseded } = engine.remember({ content: "Switched unit tests from jest to vitest; jest.config.js was removed.", type: "decision" });
  // The write retired the old one (related-on-write.ts); restoring it leaves both active, as if nobody had linked them.
  expect(superseded?.map((s) => s.id)).toEqual([old.id]);
  const before = await engine.recall({ query: "which runner do the unit tests use, jest?", limit: 5, track: false });
  expect(before.results.map((r) => r.memory.id)).not.toContain(old.id);
  engine.restore(old.id);
  const r = await engine.recall({ query: "which runner do the unit tests use, jest?", limit: 5, track: false });
  expect(r.results[0]!.memory.id).toBe(id);
  expect(r.results[0]!.updates).toBe(r.results[1]!.memory.id);
  expect(r.results[1]!.memory.content).toContain("ts-jest");
  // The score reads in rank order: the result moved ahead shows at least the score of the one it passed.
  const scores = r.results.map((x) => x.score);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  expect(r.results[0]!.score).toBeGreaterThanOrEqual(r.results[1]!.score);
  expect(r.results[0]!.channels.keyword!.score).toBeLessThan(r.results[1]!.channels.keyword!.score);
});

test("a later statement of state saying an older result's name is gone, or its version changed, moves up from far below", () => {
  const typed = (h: FusedHit, type: string) => ({ ...h, memory: { ...h.memory, type } as Memory });
  const old = typed(hit("old", "CloudFront sits in front of edge-gateway for static and API traffic.", 1, 1 * DAY), "fact");
  const other = typed(hit("other", "The gateway rate-limits per API key.", 0.6, 2 * DAY), "fact");
  const fastly = typed(hit("new", "Fastly replaced CloudFront; VCL snippets are in fastly/.", 0.3, 3 * DAY), "decision");
  expect(order(currentFirst([old, other, fastly], 10).hits)).toEqual(["new", "old", "other"]);
  const debian = typed(hit("d11", "All servers run Debian 11 (bullseye).", 1, 1 * DAY), "fact");
  const d12 = typed(hit("d12", "The fleet finished moving to Debian 12 bookworm.", 0.25, 3 * DAY), "fact");
  expect(order(currentFirst([debian, other, d12], 10).hits)).toEqual(["d12", "d11", "other"]);
  // Not when the query places its answer in time, not for errors and lessons, not below a fifth of the older's score.
  expect(order(currentFirst([old, other, fastly], 10, false).hits)).toEqual(["old", "other", "new"]);
  expect(order(currentFirst([typed(old, "error"), other, fastly], 10).hits)).toEqual(["old", "other", "new"]);
  expect(order(currentFirst([old, other, { ...fastly, score: 0.15 }], 10).hits)).toEqual(["old", "other", "new"]);
});

test("a later statement of state naming another thing of the kind an older result names, on a shared subject, moves up", () => {
  const typed = (h: FusedHit, type: string) => ({ ...h, memory: { ...h.memory, type } as Memory });
  const old = typed(hit("old", "Services write structured logs with logrus.", 1, 1 * DAY), "decision");
  const other = typed(hit("other", "Log lines carry the request id.", 0.6, 2 * DAY), "fact");
  const slog = typed(hit("new", "New services use log/slog from the standard library for logs.", 0.3, 3 * DAY), "decision");
  expect(order(currentFirst([old, other, slog], 10).hits)).toEqual(["new", "old", "other"]);
  // Not without a word in common, nor when the newer one names the older's choice too, nor when the query names a time.
  const bare = typed(hit("new", "slog it is.", 0.3, 3 * DAY), "decision");
  expect(order(currentFirst([old, other, bare], 10).hits)).toEqual(["old", "other", "new"]);
  const both = typed(hit("new", "Services may log with slog or logrus.", 0.3, 3 * DAY), "decision");
  expect(order(currentFirst([old, other, both], 10).hits)).toEqual(["old", "other", "new"]);
  expect(order(currentFirst([old, other, slog], 10, false).hits)).toEqual(["old", "other", "new"]);
});

test("a newer statement does not move ahead of one it only contradicts by a negation, or when what it replaced is another thing (QA)", () => {
  const typed = (h: FusedHit, type: string) => ({ ...h, memory: { ...h.memory, type } as Memory });
  // "Says the opposite" (a negation one has and the other lacks) is only reported on write: recall left it alone
  // nowhere else, and the emoji rule went ahead of the commit-message preference a question asked for.
  const commits = typed(hit("commits", "User prefers small commits with imperative commit messages (e.g. 'Add invoice export').", 1, 1 * DAY, null), "preference");
  const emojis = typed(hit("emojis", "User dislikes emojis in commit messages and code comments.", 0.8, 3 * DAY, null), "preference");
  expect(order(currentFirst([commits, emojis], 10).hits)).toEqual(["commits", "emojis"]);
  // A change word and two shared words ("run", "pnpm") made the Jest → Vitest switch an update of the npm rule.
  const npm = typed(hit("npm", "We use pnpm workspaces for the ledger monorepo; never run npm install, it breaks the lockfile.", 1, 1 * DAY), "decision");
  const vitest = typed(hit("vitest", "Switched unit tests from Jest to Vitest because Jest's ESM support kept breaking; run pnpm vitest.", 0.8, 3 * DAY), "decision");
  expect(order(currentFirst([npm, vitest], 10).hits)).toEqual(["npm", "vitest"]);
  const registry = typed(hit("registry", "Container images are pushed to the internal registry at registry.internal/platform/harbor.", 1, 1 * DAY), "fact");
  const base = typed(hit("base", "Switched harbor's base image from distroless to Chainguard static because of faster CVE patching.", 0.8, 3 * DAY), "decision");
  expect(order(currentFirst([registry, base], 10).hits)).toEqual(["registry", "base"]);
  // What it replaced, held by the older one, still moves it.
  const distroless = typed(hit("distroless", "harbor's container base image is gcr.io/distroless/static:nonroot.", 1, 1 * DAY), "fact");
  expect(order(currentFirst([distroless, base], 10).hits)).toEqual(["base", "distroless"]);
});

test("a statement written later about an earlier time is not the newer one (QA: a backdated note was moved ahead of the current fact)", async () => {
  const backdated = { ...hit("new", "Switched unit tests from jest to vitest.", 0.8, 3 * DAY), memory: { ...NEW.memory, id: "new", content: "Switched unit tests from jest to vitest.", eventTime: 0 } as Memory };
  expect(order(currentFirst([OLD, OTHER, backdated], 10).hits)).toEqual(["old", "other", "new"]);
  const t = testEngine();
  const current = t.engine.remember({ content: "The staging database runs PostgreSQL 16", type: "fact" }).id;
  t.advance(DAY);
  t.engine.remember({ content: "The staging database ran PostgreSQL 12", type: "fact", eventTime: Date.parse("2020-01-01") });
  const { results } = await t.engine.recall({ query: "what PostgreSQL version does the staging database run", mode: "keyword" });
  expect(results[0]!.memory.id).toBe(current);
});
