/** @module Changes on write from structure alone: which signals flag a change, which supersede it, and what is left alone. */
import { describe, expect, test } from "bun:test";
import { changeOf, sameMeaning, SWAPS_OTHER_THING } from "../../src/capture/change-rules.ts";
import { roleHolders } from "../../src/capture/role-holders.ts";
import { changedQuantity, quantities } from "../../src/capture/quantities.ts";
import { testEngine } from "../helpers/engine.ts";

const DAY = 86_400_000;

describe("quantities", () => {
  test("times and sizes compare on one scale; identifiers are not numbers", () => {
    expect(changedQuantity(quantities("Builds time out after 45 minutes"), quantities("The build timeout is an hour"))).toBe(true);
    expect(changedQuantity(quantities("Retention is 1 hour"), quantities("We keep them 60 minutes"))).toBe(false);
    expect(changedQuantity(quantities("Request bodies up to 8 MB"), quantities("Bodies up to 16mb are accepted"))).toBe(true);
    expect(changedQuantity(quantities("Backups start at 03:30"), quantities("The backup runs at 3:30 every night"))).toBe(false);
    expect(quantities("Tokens are signed with HS512 on host web-03 at 10.0.0.12")).toEqual([]);
  });

  test("a count is not a measure that shares its word: times are not a duration, ports counted are not a port", () => {
    expect(changedQuantity(quantities("Webhook delivery retries 5 times"), quantities("Webhook retries back off starting at 30 seconds"))).toBe(false);
    expect(changedQuantity(quantities("The gateway has 3 ports open"), quantities("The gateway listens on port 8443"))).toBe(false);
    // Tries counted in other words are one count.
    expect(changedQuantity(quantities("Webhook retries: 3 attempts"), quantities("Webhooks retry up to 8 times"))).toBe(true);
    expect(changedQuantity(quantities("A job is retried 5 times"), quantities("A job is retried 3 times"))).toBe(true);
  });
});

describe("a value set against", () => {
  test("\"on 8443, not 8080\" changes \"on port 8080\", by number; a value set against that was not the earlier one changes nothing (QA)", () => {
    expect(changedQuantity(quantities("The admin API listens on port 8080"), quantities("The admin API listens on 8443, not 8080"))).toBe(true);
    expect(changeOf("The admin API listens on port 8080", "The admin API listens on 8443, not 8080").relation).toBe("conflict");
    expect(changeOf("Sessions expire after 30 minutes", "Sessions expire after an hour, not 30 minutes").relation).toBe("conflict");
    expect(changedQuantity(quantities("The admin API listens on port 8080"), quantities("The admin API listens on port 8080, not 9090"))).toBe(false);
    expect(quantities("runs on 8443 instead of port 8080").map((q) => [q.value, q.negated === true])).toEqual([
      [8080, true],
      [8443, false],
    ]);
  });
});

describe("changeOf", () => {
  test("a stated move supersedes only a statement about the thing it moved (QA: \"moved CI from Jenkins\" superseded the Jenkins backups)", () => {
    const confident = (older: string, newer: string) => changeOf(older, newer).confident;
    // Flagged, not superseded: another thing, another qualifier of the same word, a counterpart.
    expect(confident("The nightly database backups are run by a Jenkins job", "We moved CI from Jenkins to GitHub Actions")).toBe(false);
    expect(confident("Docs site is hosted on Netlify", "We moved the marketing site from Netlify to Vercel")).toBe(false);
    expect(confident("Error monitoring uses Datadog for the backend", "We switched frontend error monitoring from Datadog to Sentry")).toBe(false);
    for (const older of ["The nightly database backups are run by a Jenkins job", "Docs site is hosted on Netlify"]) {
      expect(changeOf(older, older.includes("Jenkins") ? "We moved CI from Jenkins to GitHub Actions" : "We moved the marketing site from Netlify to Vercel").relation).not.toBe("none");
    }
    // Reported to the writer, never kept as a link recall would act on: the docs fact stays first for its question.
    expect(changeOf("Docs site is hosted on Netlify", "We moved the marketing site from Netlify to Vercel").reason).toBe("states a change of another thing it names");
    const { engine, advance } = testEngine();
    const docs = engine.remember({ content: "Docs site is hosted on Netlify", type: "fact" }).id;
    advance(DAY);
    const moved = engine.remember({ content: "We moved the marketing site from Netlify to Vercel", type: "decision" });
    expect(moved.conflicts?.map((c) => c.id)).toEqual([docs]);
    expect(engine.links(docs)).toEqual([]);
    // Superseded: the thing itself, named in the same or other words.
    expect(confident("CI runs on Jenkins", "We moved CI from Jenkins to GitHub Actions")).toBe(true);
    expect(confident("Card payments go through Braintree.", "We moved card processing from Braintree to Stripe (Payment Intents).")).toBe(true);
    expect(confident("Clinic SMS reminders are sent with Twilio.", "Moved SMS from Twilio to Vonage for cheaper UK rates.")).toBe(true);
    expect(confident("App is deployed to Heroku with Procfile processes web and worker.", "Moved hosting from Heroku to Kamal 2; the Procfile is only kept for local bin/dev.")).toBe(true);
    expect(confident("Linting: ESLint 9 flat config with typescript-eslint; formatting with Prettier.", "Switched linting/formatting from ESLint + Prettier to Biome.")).toBe(true);
  });

  test("one part of a system and its counterpart are two facts, not a change (QA: the staging port question was answered with production's)", () => {
    expect(changeOf("Staging database runs on port 5432", "Production database runs on port 6432")).toMatchObject({ relation: "none", reason: "is about another part of the system" });
    expect(changeOf("The iOS app supports iOS 16+.", "The Android app supports Android 10 and up.").relation).toBe("none");
    // Not when one names both, "prod" being production; not "server-side" against "client-side", which say how one thing works.
    expect(changeOf("The default branch deploys to production.", "Merging to the default branch only deploys to staging; prod needs a tagged release.").reason).not.toBe("is about another part of the system");
    expect(changeOf("The web app is server-side rendered with Next.js.", "Web app is a purely client-side SPA built with CRA, no SSR.").relation).toBe("conflict");
    expect(changeOf("Dev server: `pnpm -F web dev` (Vite default port 5173); packages/db holds the generated client.", "Vite dev server is pinned to port 5180 with strictPort.").relation).toBe("conflict");
    const { engine, advance } = testEngine();
    const staging = engine.remember({ content: "Staging database runs on port 5432", type: "fact" }).id;
    advance(DAY);
    expect(engine.remember({ content: "Production database runs on port 6432", type: "fact" }).conflicts ?? []).toEqual([]);
    expect(engine.recall({ query: "staging database port", mode: "keyword" }).then((r) => r.results[0]?.memory.id)).resolves.toBe(staging);
  });

  test("a threshold is not a value, a number named by another word is not the other's count, another purpose is another slot", () => {
    const relation = (a: string, b: string) => changeOf(a, b).relation;
    // "over 2 MB" is a condition; a condition changed is still a change.
    expect(relation("Max attachment size is 20 MB.", "Attachments over 2 MB are stored in the blob bucket.")).toBe("none");
    expect(relation("Alerts fire when p95 latency is over 300 ms.", "Alerts fire when p95 latency is over 500 ms.")).toBe("conflict");
    // "factor of 2" and "HTTP 503" name their numbers: not a count of shards or of requests.
    expect(relation("The Redis cluster has 5 shards.", "Redis shards are copied with a replica factor of 2.")).toBe("none");
    expect(relation("The search API allows 60 requests per second per client.", "Throttled clients of the search API get HTTP 503.")).toBe("none");
    // Named alike on both sides, or by a word the other statement uses: still another value.
    expect(relation("The API runs on Node 18.", "The API now runs on Node 22.")).toBe("update");
    expect(relation("Max line length is 100 characters in the backend.", "The backend's ruff config sets line-length 88.")).toBe("conflict");
    // What each is for: no shared word, two slots; a shared one, the same slot.
    expect(relation("The web app uses Zustand for state.", "The web app uses Zod for validation.")).toBe("none");
    expect(relation("The web app uses Redux for state management.", "The web app uses Zustand for state.")).toBe("conflict");
  });

  test("a stated change, another value of the same kind and a flipped rule are flagged", () => {
    expect(changeOf("The docs are published with Jekyll", "We migrated the docs to Hugo last month").relation).toBe("update");
    expect(changeOf("The worker pool has 6 threads in production", "Production worker pool: 16 threads").relation).toBe("conflict");
    expect(changeOf("Always squash commits when merging feature branches", "Don't squash commits when merging feature branches; keep history").relation).toBe("conflict");
  });

  test("a correction, an opposite state and a stated change of value are flagged, and never supersede on their own", () => {
    const corrections = [
      ["Nightly backups are kept for 90 days", "That's wrong: backups are kept for a month at most"],
      ["The importer handles gzip files", "Turns out the importer silently skips gzip archives"],
    ];
    const opposites = [
      ["Query logging is enabled on the replica", "Query logging is off on the replica"],
      ["Code review is mandatory for infra changes", "Code review for infra changes is optional"],
      ["Raw SQL is fine in the reporting module", "Raw SQL is forbidden in the reporting module"],
      ["Certificates are renewed automatically", "Certificates get renewed by hand every quarter"],
      ["The legacy importer has been shut down", "The legacy importer is still running for two customers"],
    ];
    const stated = [["The API rate limit sits at 100 requests per minute", "Raised the API rate limit after the launch"]];
    for (const [prev, next] of [...corrections, ...opposites]) {
      expect(changeOf(prev!, next!)).toMatchObject({ relation: "conflict", confident: false });
    }
    for (const [prev, next] of stated) expect(changeOf(prev!, next!)).toMatchObject({ relation: "update", confident: false });
  });

  test("a negated verb flips only with what it governs: 'do not run npm install' is not the opposite of 'tests run with vitest' (QA)", () => {
    expect(changeOf("The webapp uses yarn 4 with Plug'n'Play; do not run npm install here", "Frontend tests run with vitest: `yarn vitest run`; end-to-end tests use Playwright via `yarn e2e`").relation).toBe("none");
    expect(changeOf("Database migrations may run during business hours.", "Never run DB migrations during business hours; schedule them after 20:00.")).toMatchObject({ relation: "conflict", reason: "says the opposite" });
    expect(changeOf("Use WebClient for downstream calls; RestTemplate is in maintenance mode.", "With virtual threads we went back to blocking calls: new code uses Spring's RestClient. Don't add new WebClient usages.").relation).not.toBe("none");
  });

  test("opposite words count only where no negation governs them, and not when the older one says both", () => {
    expect(changeOf("Releases are published automatically on merge", "Merging publishes a release with no manual step").relation).toBe("none");
    expect(changeOf("Telemetry is disabled unless enabled per team", "Telemetry stays disabled for the finance team").relation).toBe("none");
  });

  test("the same subject slot with another named value is an update", () => {
    const c = changeOf("Email delivery is handled by Mailgun", "Email delivery is done through Postmark");
    expect(c.relation).toBe("update");
  });

  test("additions, statements about the older value and other subjects are left alone", () => {
    expect(changeOf("The queue runs on RabbitMQ", "RabbitMQ is configured with quorum queues").relation).toBe("none");
    expect(changeOf("The queue runs on RabbitMQ", "We also run a Redis stream for metrics").relation).toBe("none");
    expect(changeOf("The sweeper job deletes expired sessions", "The sweeper job also cleans up soft-deleted uploads").relation).toBe("none");
    expect(changeOf("The docs are published with Jekyll", "We also moved the docs from Jekyll to Hugo").relation).toBe("update");
    expect(changeOf("The billing service is written in Kotlin", "The billing service's memory limit is 1 GB").relation).toBe("none");
    expect(changeOf("Grafana dashboards live in ops/dashboards", "The mobile app uses Expo").relation).toBe("none");
  });

  test("a second or an extra one of a thing adds; a second of something as a consequence does not", () => {
    expect(changeOf("Nightly ETL runs at 02:00 UTC.", "A second ETL job for marketing data runs at 03:00 UTC.").relation).toBe("none");
    expect(changeOf("Nightly ETL runs at 02:00 UTC.", "An extra ETL job for marketing data runs at 03:00 UTC.").relation).toBe("none");
    expect(changeOf("Nightly ETL runs at 02:00 UTC.", "The nightly ETL runs at 03:00 UTC.").relation).toBe("conflict");
    expect(changeOf("The payment webhook handler is idempotent.", "The webhook handler is not idempotent: replaying an event creates a second ledger entry.").relation).toBe("conflict");
  });

  test("a setting's value counts what its key names", () => {
    expect(quantities("retention.ms=604800000")).toEqual([{ unit: "#duration", value: 604800, at: 13 }]);
    expect(changeOf("Kafka topic orders has 12 partitions.", "orders topic retention is 7 days (retention.ms=604800000)").relation).toBe("none");
    expect(changeOf("The mongo client pool: maxPoolSize=100", "The mongo client pool: maxPoolSize=200").relation).toBe("conflict");
  });

  test("only a stated change naming what it replaced, or giving another value of it, is confident", () => {
    expect(changeOf("The docs are published with Jekyll", "We migrated the docs from Jekyll to Hugo").confident).toBe(true);
    expect(changeOf("The worker pool has 6 threads in production", "Production worker pool: 16 threads").confident).toBe(false);
    expect(changeOf("Email delivery is handled by Mailgun", "We switched email delivery from Mailgun to Postmark").confident).toBe(true);
  });

  test("another value said of another subject is flagged, not superseded (QA: the billing API's port was retired by the staging db's)", () => {
    const c = changeOf("The billing API listens on port 8443 in staging (TLS)", "The staging db is on port 5433 now.");
    expect(c.relation).not.toBe("none");
    expect(c.confident).toBe(false);
    // The same subject keeps its confident change; so does one that names what it replaced.
    expect(changeOf("API rate limit is 100 req/min per key.", "per-key rate limit raised to 300 requests/minute").confident).toBe(true);
    expect(changeOf("Error tracking goes to Sentry.", "We report exceptions to Rollbar instead of Sentry now.").confident).toBe(true);
  });

  test("what a change names as replaced must be what the older statement holds, not what it already rules out", () => {
    expect(changeOf("This repo uses npm for packages.", "This repo uses pnpm instead of npm.").confident).toBe(true);
    expect(changeOf("Use pnpm, not npm, in this repo.", "This repo uses pnpm instead of npm.").confident).toBe(false);
  });

  test("a question, a proposal, a rule against a change or one tried and not made changes nothing (QA: the question retired the decision)", () => {
    const decision = "We use Jest for unit tests";
    for (const next of [
      "Should we switch from Jest to Vitest?",
      "Do not switch from Jest to Vitest",
      "TODO: evaluate switching from Jest to Vitest",
      "Proposal: switch unit tests from Jest to Vitest (not approved yet)",
      "We considered switching from Jest to Vitest but decided to stay on Jest",
      "We decided against switching unit tests from Jest to Vitest",
      "Switching unit tests from Jest to Vitest was rejected",
      "We rejected switching unit tests from Jest to Vitest",
      "Replacing Jest with Vitest was proposed but rejected",
      "Replacing Jest with Vitest: rejected",
      "Not switching from Jest to Vitest for unit tests",
      "No move from Jest to Vitest for now",
      "TODO: switch unit tests from Jest to Vitest once the migration is done",
    ]) expect(changeOf(decision, next)).toMatchObject({ relation: "none", confident: false });
    // A change made beside a proposal accepted, or beside a rejection of another thing, is one (QA re-check).
    for (const next of ["Proposal accepted: we replaced Jenkins with GitHub Actions", "We rejected GitLab CI and replaced Jenkins with GitHub Actions"]) {
      expect(changeOf("Deploys go through Jenkins", next)).toMatchObject({ relation: "update", confident: true });
    }
    expect(changeOf("We use npm for packages", "We moved from npm to pnpm after the token was rejected").confident).toBe(true);
    expect(changeOf("Our Python services use Poetry", "We tried moving from Poetry to uv but reverted").relation).toBe("none");
    // Made, it supersedes; a hedge about something else in another clause does not take that back.
    expect(changeOf(decision, "We switched from Jest to Vitest")).toMatchObject({ relation: "update", confident: true });
    expect(changeOf("We deploy with Helm", "We moved deploys from Helm to Argo CD; it might be faster")).toMatchObject({ confident: true });
    expect(changeOf("We use npm for packages", "We moved from npm to pnpm after the registry rejected our token").confident).toBe(true);
  });

  test("what was replaced, said with replace or in favour of, is named: confident (QA: only flagged)", () => {
    expect(changeOf("We use winston for logging", "We replaced winston with pino for logging").confident).toBe(true);
    expect(changeOf("We use winston for logging", "Winston was replaced by pino").confident).toBe(true);
    expect(changeOf("Alice is the team lead", "Bob replaced Alice as team lead").confident).toBe(true);
    expect(changeOf("We use Yarn for packages", "We dropped Yarn in favour of pnpm").confident).toBe(true);
  });

  test("the same frame about two systems told apart by a word (the ledger service, the billing service) is two facts (QA soak)", () => {
    expect(changeOf("The ledger service listens on port 8080 behind envoy.", "The billing service listens on port 1301 behind envoy.").relation).toBe("none");
    expect(changeOf("The ledger service listens on port 8080 behind envoy.", "The ledger service listens on port 9090 behind envoy.").relation).not.toBe("none");
    expect(changeOf("The ledger service listens on port 8080 behind envoy.", "The ledger service now listens on port 9090 behind envoy.").relation).toBe("update");
  });

  test("a swap of a thing the older statement never mentions changes nothing in it; its acronym or a word it starts is mentioned (QA)", () => {
    const registry = "Container images are pushed to the internal registry at registry.internal/platform/harbor.";
    const swap = changeOf(registry, "Switched harbor's base image from distroless to Chainguard static because of faster CVE patching.");
    expect(swap.relation).toBe("none");
    expect(swap.reason).toBe(SWAPS_OTHER_THING);
    expect(changeOf("harbor's container base image is gcr.io/distroless/static:nonroot.", "Switched harbor's base image from distroless to Chainguard static.").relation).toBe("update");
    expect(changeOf("Frontend uses Create React App.", "Frontend build switched from CRA to Vite 5 last sprint.").relation).toBe("update");
    expect(changeOf("The user runs tests with `make test` before committing.", "User changed their pre-commit habit to `just check`: the Makefile was replaced by a justfile.").relation).not.toBe("none");
    // A version replaced is the quantity rules' to judge.
    expect(changeOf("CI runs on Node 18.", "Upgraded CI from v18 to v20.").relation).not.toBe("none");
  });

  test("a change of one of two things the older statement joins is flagged, not superseded: the other stays true (QA)", () => {
    for (const [prev, next] of [
      ["We use Jest for unit tests and Cypress for end-to-end tests", "We switched unit tests from Jest to Vitest"],
      ["The API and the worker both run on Node 18", "We moved the worker from Node 18 to Node 20"],
      ["Staging and production both run on Heroku", "Staging moved from Heroku to Render"],
    ]) expect(changeOf(prev!, next!)).toMatchObject({ relation: "update", confident: false });
    expect(changeOf("The API and the worker both run on Node 18", "We moved the API and the worker from Node 18 to Node 20").confident).toBe(true);
  });

  test("the same statement in other words means the same; a changed number does not", () => {
    expect(sameMeaning("Run the linter before pushing any branch", "Before pushing a branch, run the linter")).toBe(true);
    expect(sameMeaning("Run the linter before pushing branch 12", "Before pushing branch 13, run the linter")).toBe(false);
    expect(sameMeaning("Reports can be downloaded as PDF", "Reports can be downloaded as PDF or XLSX")).toBe(false);
    expect(sameMeaning("The staging cluster of the data team is blue", "The data team's staging cluster is green")).toBe(false);
    expect(sameMeaning("Releases need a signed tag", "Releases need a signed tag, and the tag can't be reused")).toBe(false);
  });
});

describe("role holders", () => {
  const relation = (a: string, b: string) => changeOf(a, b);
  test("another holder of a role for the same subject is a change, however the sentence is built", () => {
    for (const [a, b] of [
      ["Amira Haddad is the tech lead of the search squad.", "Search squad tech lead: Jonah Klein."],
      ["The billing team is led by Keiko.", "Rafael runs the billing team."],
      ["Ops on-call for the ledger is owned by Tariq.", "Wen owns ledger on-call."],
    ] as const) {
      expect(relation(a, b)).toMatchObject({ relation: "update", reason: "names another holder of its role" });
      expect(roleHolders(a).size).toBeGreaterThan(0);
    }
  });

  test("the same holder said again, another subject's holder, or an addition is not", () => {
    for (const [a, b] of [
      ["Keiko leads the billing team.", "Billing team lead is Keiko."],
      ["Amira is the tech lead for search.", "Jonah is the tech lead for payments."],
      ["Keiko owns the billing service.", "Keiko also owns the invoices service."],
      ["The release notes are written in Markdown.", "The changelog is generated from commits."],
    ] as const) {
      expect(relation(a, b).reason).not.toBe("names another holder of its role");
    }
  });
});

describe("on write", () => {
  test("a confident change supersedes the older memory: status, edge, audit entry; restore brings it back", () => {
    const { engine, advance } = testEngine();
    const old = engine.remember({ content: "The docs are published with Jekyll", type: "decision" });
    advance(DAY);
    const neu = engine.remember({ content: "We migrated the docs from Jekyll to Hugo", type: "decision" });
    expect(neu.superseded?.map((s) => s.id)).toEqual([old.id]);
    expect(engine.get(old.id)).toMatchObject({ status: "superseded", supersededBy: neu.id });
    expect(engine.links(neu.id)).toEqual([{ relation: "supersedes", direction: "out", id: old.id }]);
    const entries = engine.history(old.id).entries;
    expect(entries.at(-1)).toMatchObject({ op: "update" });
    expect(engine.restore(old.id).memory.status).toBe("active");
  });

  test("a statement that would retire several memories at once supersedes none: each is reported as a conflict", () => {
    const { engine, advance } = testEngine();
    const texts = ["Deploys use Helm charts from the deploy folder.", "Staging deploys use Helm with the staging values file."];
    const [a, b] = texts.map((content) => engine.remember({ content, type: "decision" }));
    advance(DAY);
    // Each alone would be superseded (a confident change); together the write is ambiguous.
    expect(texts.map((t) => changeOf(t, "Switched deploys from Helm to Argo CD.").confident)).toEqual([true, true]);
    const neu = engine.remember({ content: "Switched deploys from Helm to Argo CD.", type: "decision" });
    expect(neu.superseded).toBeUndefined();
    expect(neu.conflicts?.map((c) => c.id).sort()).toEqual([a!.id, b!.id].sort());
    expect([engine.get(a!.id).status, engine.get(b!.id).status]).toEqual(["active", "active"]);
  });

  test("of several it would retire, the one holding the value it moved from is superseded; the others are flagged (QA: Node 16, 18, 20)", () => {
    const { engine, advance } = testEngine();
    const olds = ["CI runs on Node 16", "CI runs on Node 18", "CI runs on Node 20"].map((content) => {
      advance(DAY);
      return engine.remember({ content, type: "fact" }).id;
    });
    advance(DAY);
    const neu = engine.remember({ content: "We upgraded CI from Node 20 to Node 22", type: "decision" });
    expect(neu.superseded?.map((c) => c.id)).toEqual([olds[2]!]);
    expect(neu.conflicts?.map((c) => c.id).sort()).toEqual([olds[0]!, olds[1]!].sort());
  });

  test("a loose signal (a change cue and a shared word) is reported for the closest memory only, a specific one for each", () => {
    const { engine, advance } = testEngine();
    const olds = ["Staging deploys run from the CI job.", "Production deploys run after two approvals.", "Hotfix deploys run from a laptop."];
    const next = "Deploys now run through Argo CD.";
    // Compared one by one, each would be flagged.
    expect(olds.map((o) => changeOf(o, next))).toEqual([0.4, 0.4, 0.5].map((looseOverlap) => ({ relation: "update", reason: "states a change to it", confident: false, looseOverlap })));
    const stored = olds.map((content) => engine.remember({ content, type: "fact" }).id);
    advance(DAY);
    const flagged = engine.remember({ content: next, type: "decision" }).conflicts ?? [];
    expect(flagged.length).toBe(1);
    expect(stored).toContain(flagged[0]!.id);

    // A long note sharing one word of many with it is another fact: its loose signal is not reported.
    const long = "Every deploy job posts a summary with the commit list and the approvers to the releases channel.";
    expect(changeOf(long, next).looseOverlap).toBeLessThan(0.2);
    const alone = testEngine();
    alone.engine.remember({ content: long, type: "fact" });
    alone.advance(DAY);
    expect(alone.engine.remember({ content: next, type: "decision" }).conflicts).toBeUndefined();

    // Another version of a named thing points at each memory holding it: not loose, every one is reported.
    const runtimes = ["The API service runs on Node 18.", "Workers run on Node 18 as well."];
    const versioned = runtimes.map((content) => engine.remember({ content, type: "fact" }).id);
    advance(DAY);
    const newer = "The API service and the workers run on Node 20.";
    expect(runtimes.map((o) => changeOf(o, newer))).toEqual(runtimes.map(() => ({ relation: "update", reason: "gives it another version", confident: false })));
    expect((engine.remember({ content: newer, type: "fact" }).conflicts ?? []).map((c) => c.id).sort()).toEqual([...versioned].sort());
  });

  test("the nearest memories are searched before the write lock is taken; one retired meanwhile is not compared", () => {
    const { engine, store, advance } = testEngine();
    // The engine reads the store through a view that keeps the first method it sees: spy from the start.
    const searchedInside: boolean[] = [];
    let retire: string | undefined;
    const searchText = store.searchText.bind(store);
    store.searchText = (...args: Parameters<typeof store.searchText>) => {
      searchedInside.push(store.database.inTransaction);
      const found = searchText(...args);
      // Another writer retires the memory between the search and the write.
      if (retire) store.database.run("UPDATE memories SET status = 'archived' WHERE id = ?", [retire]);
      return found;
    };
    const old = engine.remember({ content: "The worker pool has 6 threads in production", type: "fact" });
    advance(DAY);
    retire = old.id;
    const next = engine.remember({ content: "Production worker pool: 16 threads", type: "fact" });
    expect(searchedInside).toEqual([false, false]);
    expect(next.conflicts).toBeUndefined();
    // Left as it was, the same write reports it.
    const control = testEngine();
    const kept = control.engine.remember({ content: "The worker pool has 6 threads in production", type: "fact" });
    control.advance(DAY);
    expect(control.engine.remember({ content: "Production worker pool: 16 threads", type: "fact" }).conflicts?.map((c) => c.id)).toEqual([kept.id]);
  });

  test("an unsure change is only reported; a held memory is never superseded; other projects are not compared", () => {
    const { engine, advance } = testEngine();
    const pool = engine.remember({ content: "The worker pool has 6 threads in production", type: "fact" });
    advance(DAY);
    const next = engine.remember({ content: "Production worker pool: 16 threads", type: "fact" });
    expect(next.conflicts?.map((c) => c.id)).toEqual([pool.id]);
    expect(engine.get(pool.id).status).toBe("active");

    const held = engine.remember({ content: "Email delivery is handled by Mailgun", type: "fact" });
    engine.addHold({ id: held.id, reason: "case 7" });
    advance(DAY);
    const after = engine.remember({ content: "We switched email delivery from Mailgun to Postmark", type: "fact" });
    expect(after.superseded).toBeUndefined();
    expect(after.conflicts?.map((c) => c.id)).toEqual([held.id]);
    expect(engine.get(held.id).status).toBe("active");

    const elsewhere = engine.remember({ content: "The docs are published with Jekyll", type: "decision", project: "/work/other" });
    advance(DAY);
    const here = engine.remember({ content: "We migrated the docs from Jekyll to Hugo", type: "decision" });
    expect(here.superseded).toBeUndefined();
    expect(engine.get(elsewhere.id).status).toBe("active");
  });
});
