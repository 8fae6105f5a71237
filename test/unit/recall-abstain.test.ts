/**
 * @module Abstention: recall answers nothing (abstained) when the query names something no memory mentions
 * and no result covers most of it; it still answers paraphrases without names (dense matches), questions
 * whose names are stored, and pasted logs full of ids no note repeats.
 */
import { expect, test } from "bun:test";
import type { EmbedKind, Embedder } from "../../src/embed/port.ts";
import { Engine } from "../../src/engine/engine.ts";
import { nameLike } from "../../src/retrieve/abstain.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { abstentionText } from "../../src/retrieve/explain.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { SCOPED_MATCH_WINDOW } from "../../src/store/term-stats.ts";
import { testEngine } from "../helpers/engine.ts";

const NOTES = [
  "The dashboard metrics table is rendered with TanStack Table and paginates on the server.",
  "Dashboard charts use Recharts; wrap them in a client component to avoid hydration errors.",
  "Event timestamps are stored in UTC and rendered in the viewer's time zone.",
  "Money amounts are stored as integer cents, never floats.",
];

/** Stores `content` in `engine` and recalls `query`: answered, with that memory first. */
async function expectAnsweredBy(engine: ReturnType<typeof seeded>["engine"], content: string, query: string): Promise<void> {
  const { id } = engine.remember({ content });
  const r = await engine.recall({ query, track: false });
  expect(r.abstained).toBe(false);
  expect(r.results[0]!.memory.id).toBe(id);
}

function seeded() {
  const t = testEngine();
  for (const content of NOTES) t.engine.remember({ content });
  return t;
}

test("abstains when the query names a product no memory mentions", async () => {
  const { engine } = seeded();
  const r = await engine.recall({ query: "PostHog product analytics event tracking in the dashboard", track: false });
  expect(r.results).toEqual([]);
  expect(r.abstained).toBe(true);
  expect(r.abstention?.unknown).toEqual(["PostHog"]);
  expect(abstentionText(r.abstention!)).toContain('"PostHog"');
  expect(abstentionText(r.abstention!)).toContain(`closest covered ${Math.round(r.abstention!.bestCoverage * 100)}%`);
  expect(r.abstention!.bestCoverage).toBeLessThan(0.5);
  // The same query without abstention has keyword matches on "dashboard" and "event": the nearest, not an answer.
  const all = await engine.recall({ query: "PostHog product analytics event tracking in the dashboard", track: false, abstain: false });
  expect(all.results.length).toBeGreaterThan(0);
  expect(all.abstained).toBe(false);
});

test("answers once a memory mentions the name", async () => {
  const content = "Product analytics: PostHog, events sent from the dashboard's client components.";
  await expectAnsweredBy(seeded().engine, content, "PostHog product analytics event tracking in the dashboard");
});

test("a name memories write with a number after it (GPIO0, GPIO6) is mentioned; a longer word starting with it is not", async () => {
  const { engine } = seeded();
  // The note shares little else with the question (DIO1 only): before, "GPIO" counted as a name no memory mentions.
  const pins = "Board rev C: DIO1 on GPIO0, DS18B20 on GPIO1; the rest of the SX1262 wiring as before (SCK 6, MOSI 7).";
  await expectAnsweredBy(engine, pins, "which GPIO is the radio DIO1 interrupt on?");
  engine.remember({ content: "Dashboard exports go through the Posthogger service." });
  const r = await engine.recall({ query: "PostHog product analytics event tracking in the dashboard", track: false });
  expect(r.abstention?.unknown).toEqual(["PostHog"]);
});

test("a result covering most of the query answers it despite an unknown name", async () => {
  const { engine } = seeded();
  const r = await engine.recall({ query: "Recharts hydration errors client component Nivo", track: false });
  expect(r.abstained).toBe(false);
  expect(r.results[0]!.memory.content).toContain("Recharts");
});

test("words no memory contains do not abstain unless written as names: a reworded question looks the same", async () => {
  const { engine } = seeded();
  // "throttling" and "threshold" are in no memory and the best match covers under half of the query's rarer
  // words, as for most paraphrase and nothing-relevant searches alike (DESIGN.md, "Abstention beyond names").
  const r = await engine.recall({ query: "throttling threshold for money amounts", track: false });
  expect(r.abstained).toBe(false);
  expect(r.abstention).toBeUndefined();
  expect(r.results[0]!.memory.content).toContain("integer cents");
  // Written as a name, the same unknown word is a thing the store never heard of.
  const named = await engine.recall({ query: "ThrottleKit threshold for money amounts", track: false });
  expect(named.abstained).toBe(true);
  expect(named.abstention?.unknown).toEqual(["ThrottleKit"]);
  // An English compound joined by "-" is a reworded question too, though no memory holds "side".
  const compound = await engine.recall({ query: "are table pages cut server-side", track: false });
  expect(compound.abstained).toBe(false);
  expect(compound.results[0]!.memory.content).toContain("paginates on the server");
});

test("a pasted multi-line log is never abstained on for the ids it names", async () => {
  const { engine } = seeded();
  const log = "Error: Hydration failed because the initial UI does not match\n    at RevenueChart (webpack-internal:///./components/RevenueChart.tsx:22:11)";
  const r = await engine.recall({ query: log, track: false });
  expect(r.abstained).toBe(false);
  expect(r.results.length).toBeGreaterThan(0);
});

test("a pasted one-line error is not abstained on for the class and column names it holds; the same names asked about are", async () => {
  const { engine } = seeded();
  const { id } = engine.remember({ content: "Rendering the dashboard failed after the migration: the new column is missing until `make migrate` runs." });
  for (const error of [
    "DatabaseError: no such column: goal_minutes while rendering the dashboard",
    "error[E0425]: cannot find value `goal_minutes` after the migration",
    "fatal: MetricsTable goal_minutes column missing after migration",
    "npm ERR! MetricsTable goal_minutes migration failed",
  ]) {
    const r = await engine.recall({ query: error, track: false });
    expect({ error, abstained: r.abstained, first: r.results[0]?.memory.id }).toEqual({ error, abstained: false, first: id });
  }
  // Written as a question, the unknown names still mean nothing stored is about it.
  const asked = await engine.recall({ query: "does the MetricsTable goal_minutes field feed the dashboard", track: false });
  expect(asked.abstained).toBe(true);
  expect(asked.abstention?.unknown).toEqual(["MetricsTable", "goal_minutes"]);
});

/** Vectors by topic word, so a paraphrase sharing no word with its memory is still its nearest neighbour. */
class TopicEmbedder implements Embedder {
  readonly model = "topic";
  readonly dims = 4;
  readonly minScore = 0.3;
  async embed(texts: string[], _kind: EmbedKind): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = new Float32Array(4);
      if (/money|cents|sums|price/i.test(t)) v[0] = 1;
      else if (/dashboard|chart|table/i.test(t)) v[1] = 1;
      else if (/time|utc/i.test(t)) v[2] = 1;
      else v[3] = 1;
      return v;
    });
  }
  async dispose(): Promise<void> {}
}

test("a paraphrase without names is answered by a dense-only match, not abstained on", async () => {
  const store = new SqliteStore(":memory:");
  const dense = new DenseChannel({ store, open: async () => new TopicEmbedder(), kernel: null });
  const engine = new Engine({ store, project: "/work/app", actor: "test", channels: { dense }, now: () => 1_700_000_000_000 });
  for (const content of NOTES) engine.remember({ content });
  const r = await engine.recall({ query: "what numeric type should I pick for a price so sums stay exact", mode: "hybrid", track: false });
  expect(r.abstained).toBe(false);
  expect(r.results[0]!.memory.content).toContain("integer cents");
  expect(r.results[0]!.channels.keyword).toBeUndefined();
  await dense.dispose();
});

test("a capitalised word alone is a name: \"Jenkins\" no memory mentions is abstained on, not answered by meaning alone (QA)", async () => {
  expect(nameLike("Jenkins")).toEqual(["Jenkins"]);
  expect(nameLike("  Sentry? ")).toEqual(["Sentry"]);
  expect(nameLike("Deploy the app")).toEqual([]);
  const store = new SqliteStore(":memory:");
  const dense = new DenseChannel({ store, open: async () => new TopicEmbedder(), kernel: null });
  const engine = new Engine({ store, project: "/work/app", actor: "test", channels: { dense }, now: () => 1_700_000_000_000 });
  for (const content of [...NOTES, "quick", "zero"]) engine.remember({ content });
  // Without the names rule, the nearest by meaning would come back.
  expect((await engine.recall({ query: "Jenkins", mode: "hybrid", track: false, abstain: false })).results.length).toBeGreaterThan(0);
  const r = await engine.recall({ query: "Jenkins", mode: "hybrid", track: false });
  expect([r.abstained, r.abstention?.unknown]).toEqual([true, ["Jenkins"]]);
  const known = await engine.recall({ query: "Recharts", mode: "hybrid", track: false });
  expect(known.results[0]!.memory.content).toContain("Dashboard charts use Recharts");
  await dense.dispose();
});

test("an English model's match of another script, across scripts or within one, or for a query without letters, is not returned on its own", async () => {
  // As USE-lite does with text in a script it has no words for: every such text lands on one vector.
  class OneScript extends TopicEmbedder {
    readonly oneScript = true;
    override async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
      return (await super.embed(texts, kind)).map((v, i) => (/\p{Script=Han}|[^\p{L}]{3,}$/u.test(texts[i]!) ? Float32Array.of(0, 0, 0, 1) : v));
    }
  }
  const store = new SqliteStore(":memory:");
  const dense = new DenseChannel({ store, open: async () => new OneScript(), kernel: null });
  const engine = new Engine({ store, project: "/work/app", actor: "test", channels: { dense }, now: () => 1_700_000_000_000 });
  for (const content of [...NOTES, "数据库迁移必须在周五之前完成", "The release goes out on wednesdays"]) engine.remember({ content });
  for (const query of ["what is the zebra crossing policy", "((()"]) {
    const r = await engine.recall({ query, mode: "hybrid", track: false, abstain: false });
    expect(r.results.map((x) => x.memory.content)).not.toContain("数据库迁移必须在周五之前完成");
  }
  // Nor within another script: the model maps every such text to nearly one vector (QA: a Chinese query returned
  // Korean and Japanese memories at cosine 1.006 on the dense channel alone).
  const same = await engine.recall({ query: "数据库什么时候迁移", mode: "semantic", track: false, abstain: false });
  expect(same.results.map((x) => x.memory.content)).not.toContain("数据库迁移必须在周五之前完成");
  // Its words still find it (the character pairs it shares with the query).
  const words = await engine.recall({ query: "数据库什么时候迁移", mode: "hybrid", track: false, abstain: false });
  expect(words.results[0]!.memory.content).toBe("数据库迁移必须在周五之前完成");
  expect(words.results[0]!.channels.keyword).toBeDefined();
  // English still matches by meaning.
  const english = await engine.recall({ query: "when does the release ship", mode: "semantic", track: false, abstain: false });
  expect(english.results.map((x) => x.memory.content)).toContain("The release goes out on wednesdays");
  await dense.dispose();
});

test("names: mid-sentence capitals, camelCase, acronyms and joined identifiers; not sentence starts, months, paths, lowercase compounds", () => {
  expect(nameLike("send invitation emails with Resend")).toEqual(["Resend"]);
  expect(nameLike("Storybook setup for shadcn components")).toEqual([]);
  expect(nameLike("what did we decide in January? Nothing.")).toEqual([]);
  expect(nameLike("gRPC interceptor, next-themes and read_excel via XCom")).toEqual(["gRPC", "read_excel", "XCom"]);
  // Lowercase words joined by "-" are English compounds more often than names; capitals keep it a name.
  expect(nameLike("why do baskets live server-side, and do customers get two-factor or Sign-In-With-Apple")).toEqual(["Sign-In-With-Apple"]);
  expect(nameLike("see src/app/page.tsx:18 and v1.2.3 at user@host")).toEqual([]);
  // An acronym for a kind of product is not a name: notes say which one (CloudFront, Prisma), rarely its kind.
  expect(nameLike("which CDN is in front of the gateway, and which ORMs did we try")).toEqual([]);
  expect(nameLike("the GPU renderer behind the REST API")).toEqual(["GPU", "REST", "API"]);
});

test("a product's short and long names are one name: Postgres is mentioned where PostgreSQL is, and back", async () => {
  const { engine } = seeded();
  await expectAnsweredBy(engine, "The ledger database runs PostgreSQL 16 on RDS with one read replica.", "which Postgres version do we run in production");
  await expectAnsweredBy(seeded().engine, "Mongo keeps the event archive for 90 days.", "retention of the MongoDB event archive");
  // Still unknown when no name of the product is stored.
  expect((await engine.recall({ query: "which Cassandra version do we run in production", track: false })).abstained).toBe(true);
});

test("a platform is mentioned where one of its services is, and not the other way round", async () => {
  await expectAnsweredBy(seeded().engine, "Cluster ml-train is on GKE 1.29, release channel regular.", "what Kubernetes version is the ml-train cluster on");
  await expectAnsweredBy(seeded().engine, "Nightly exports land in S3 under s3://acme-exports/nightly.", "where do the nightly AWS exports land");
  const { engine } = seeded();
  engine.remember({ content: "Our clusters run Kubernetes 1.29 on bare metal." });
  expect((await engine.recall({ query: "which GKE release channel are the clusters on", track: false })).abstained).toBe(true);
});

test("an everyday word's acronym is mentioned where the word is: RAM by memory, VAT by tax (QA)", async () => {
  await expectAnsweredBy(seeded().engine, "OOMKilled: harbor-controller exceeded its 512Mi memory limit during reconcile; scope informers to labelled objects.", "the harbor controller pod uses too much RAM during reconcile");
  await expectAnsweredBy(seeded().engine, "Sales tax is computed by the internal taxman service; ledger calls it at /v2/quote.", "which service computes the VAT for an invoice");
  // One way: a note saying RAM does not make "memory" a name, and a store saying neither still abstains.
  expect((await seeded().engine.recall({ query: "how much RAM does the harbor controller get", track: false })).abstained).toBe(true);
});

test("a question naming only the kind of thing (CDN, ORM) is answered by the note naming the thing", async () => {
  const content = "Fastly serves the static traffic of edge-gateway; VCL snippets live in fastly/.";
  await expectAnsweredBy(seeded().engine, content, "which CDN sits before edge-gateway for production clients");
});

test("a product only another project's memories name is unknown in this one: recall cannot return them (QA)", async () => {
  const { engine } = seeded();
  const keycloak = "Login uses OIDC with PKCE against the clinic's Keycloak; tokens are kept in the secure store.";
  const { id } = engine.remember({ content: keycloak, project: "/work/other" });
  const query = "How is the Keycloak realm of the dashboard configured?";
  const here = await engine.recall({ query, track: false });
  expect([here.abstained, here.abstention?.unknown]).toEqual([true, ["Keycloak"]]);
  // Where the memory can be returned, the name is known: its own project, every project, or a global memory.
  expect((await engine.recall({ query, project: "/work/other", track: false })).results[0]?.memory.id).toBe(id);
  expect((await engine.recall({ query, allProjects: true, track: false })).abstained).toBe(false);
  await expectAnsweredBy(engine, "Keycloak realms are exported to infra/keycloak/realm.json on every release.", query);
  // Other names (a class, a library) still count wherever they are: answers put them in other words.
  engine.remember({ content: "LedgerWriter batches journal rows per account before the commit.", project: "/work/other" });
  expect((await engine.recall({ query: "How does LedgerWriter batch the dashboard metrics?", track: false })).abstained).toBe(false);
});

test("the look for a name in scope is bounded: a word that many other projects' memories hold counts as mentioned", () => {
  const { engine, store } = testEngine();
  for (let i = 0; i < SCOPED_MATCH_WINDOW; i++) engine.remember({ content: `Zitadel tenant ${i} holds the login users of shop ${i}`, project: "/work/other" });
  const here = { projects: ["/work/app"], includeGlobal: true };
  expect(store.matchedIn(['"zitadel"', '"tenant"', '"keycloak"'], here)).toEqual([false, false, false]);
  expect(store.matchedIn(['"zitadel"'], { projects: ["/work/other"], includeGlobal: false })).toEqual([true]);
  engine.remember({ content: "Zitadel tenant for the staging shop", project: "/work/third" });
  expect(store.matchedIn(['"zitadel"', '"keycloak"'], here)).toEqual([true, false]);
});
