/** @module What a statement says is gone, and named things given another version (capture/retired-names.ts). */
import { describe, expect, test } from "bun:test";
import { changeMarks, retiredNames, retiresNameOf, versionChanged } from "../../src/capture/retired-names.ts";
import { statementParts } from "../../src/capture/statement-parts.ts";

describe("retiredNames", () => {
  test("passive, active and 'off' forms name what is gone, not what replaces it", () => {
    expect(retiredNames("Replaced Algolia with Pagefind, which builds a static index.")).toEqual([["algolia"]]);
    expect(retiredNames("The target warehouse is Snowflake. Redshift was decommissioned in May.")).toEqual([["redshift"]]);
    expect(retiredNames("We use mockery v2 with testify/mock; gomock was removed.")).toEqual([["gomock"]]);
    expect(retiredNames("ledger-phx moved off Fly.io: it deploys to EKS now.")).toEqual([["fly", "io"]]);
    expect(retiredNames("Tax goes through Stripe Tax; the Avalara integration was turned off at the end of Q3.")).toEqual([["avalara"]]);
    expect(retiredNames("We dropped Moment.js in favour of date-fns.")).toEqual([["moment", "js"]]);
  });

  test("a list of gone names gives each; words naming no particular thing are left out", () => {
    expect(retiredNames("We use uv now. Poetry and poetry.lock are gone.")).toEqual([["poetri"], ["poetri", "lock"]]);
    expect(retiredNames("Config comes from env vars; the YAML config files were deleted.")).toEqual([["yaml", "config"]]);
  });

  test("nothing is retired by an adjective, a one-off, a time, or a statement without a gone-verb", () => {
    expect(retiredNames("Before the bump, move the controller to v2.7; older releases call removed APIs.")).toEqual([]);
    expect(retiredNames("Migrations run as a one-off task `app-migrate`.")).toEqual([]);
    expect(retiredNames("The search team was renamed Discovery.")).toEqual([]);
    expect(retiredNames("Settlement runs as a Kubernetes CronJob at 02:30.")).toEqual([]);
  });

  test("an older statement is retired when it holds the gone name (both words of a two-word name)", () => {
    const holds = (older: string, newer: string) => retiresNameOf(changeMarks(newer), statementParts(older).stems);
    expect(holds("CloudFront sits in front of edge-gateway.", "Fastly replaced CloudFront; VCL lives in fastly/.")).toBe(true);
    expect(holds("Questions about search go to #search-dev.", "Use #team-discovery. #search-dev is archived.")).toBe(true);
    expect(holds("Generated code lives in src/gen.", "Migrated to Expo Router; src/navigation/ was deleted.")).toBe(false);
    expect(holds("Edge functions read flags from Edge Config.", "Fastly replaced CloudFront.")).toBe(false);
  });
});

const namedVersionChange = (prev: string, next: string) => versionChanged(changeMarks(prev), changeMarks(next));

describe("versionChanged", () => {
  test("the same named thing at another version", () => {
    expect(namedVersionChange("All servers run Debian 11 (bullseye).", "The fleet finished moving to Debian 12 bookworm.")).toBe(true);
    expect(namedVersionChange("The project runs dbt-core 1.6 with dbt-snowflake 1.6.", "We're on dbt-core 1.8.7 now.")).toBe(true);
    expect(namedVersionChange("rostering-api targets net6.0.", "Every csproj has <TargetFramework>net9.0</TargetFramework>.")).toBe(true);
    expect(namedVersionChange("Supported compilers: GCC 13, Clang 17.", "Minimum compilers are now GCC 14 and Clang 18.")).toBe(true);
    expect(namedVersionChange("Rails version is 6.1.", "Rails 7.1 with Zeitwerk and propshaft.")).toBe(true);
    expect(namedVersionChange("Spring Boot version: 2.7", "Spring Boot 2.7.18 with the javax namespaces.")).toBe(false);
  });

  test("not a repeated or more precise version, a year, a ticket or standard, a count, another kind, or a plan", () => {
    expect(namedVersionChange("We test on Node 18 and Node 20.", "CI uses Node 20.")).toBe(false);
    expect(namedVersionChange("Use Python 3.12.", "Python 3.12.4 is pinned in .python-version.")).toBe(false);
    expect(namedVersionChange("MSRV is Rust 1.70.", "tilecli is a Rust 2021 CLI.")).toBe(false);
    expect(namedVersionChange("PR titles start with the key, e.g. PAY-412.", "Upgraded Spring Boot (PAY-598).")).toBe(false);
    expect(namedVersionChange("Amounts carry an ISO-4217 currency.", "Timestamps are ISO-8601 strings.")).toBe(false);
    expect(namedVersionChange("Postgres listens on port 5432.", "The tunnel is on port 6543.")).toBe(false);
    expect(namedVersionChange("Phase 2: backfill the shadow columns.", "Phase 3: flip readers.")).toBe(false);
    expect(namedVersionChange("thermo-fw builds on nRF Connect SDK v2.5.0.", "The toolchain is the Zephyr SDK 0.16.1.")).toBe(false);
    expect(namedVersionChange("The pipeline runs dbt-core 1.7.", "Upgrade to dbt-core 1.8 is postponed until the adapter catches up.")).toBe(false);
  });
});
