/** @module Things one picks one of: a later statement naming another of the same kind, about the same subject, is a possible change. */
import { describe, expect, test } from "bun:test";
import { namedAlternatives, swappedAlternative } from "../../src/capture/alternatives.ts";
import { changeOf } from "../../src/capture/change-rules.ts";

describe("names by kind", () => {
  test("aliases are one name, the longest name is read first, and a name is a whole word", () => {
    expect(namedAlternatives("Prod runs PostgreSQL 16; dev uses postgres too")).toEqual(new Map([["database", new Set(["postgres"])]]));
    expect(namedAlternatives("CI moved to GitHub Actions")).toEqual(new Map([["CI service", new Set(["github actions"])]]));
    expect(namedAlternatives("The app is React Native")).toEqual(new Map([["mobile UI toolkit", new Set(["react native"])]]));
    expect(namedAlternatives("k8s manifests live in deploy/")).toEqual(new Map([["container orchestrator", new Set(["kubernetes"])]]));
    // Parts of other words, paths and file names are not names.
    expect(namedAlternatives("reactive streams, npmrc, .yarnrc, src/vite.config.ts, the rusty bucket")).toEqual(new Map());
  });
});

describe("swaps", () => {
  test("another of the same kind in place of the first is a swap; one named in both is not", () => {
    expect(swappedAlternative("Tokens are hashed with scrypt.", "Token hashes use Argon2id.")).toEqual({ kind: "password hash", from: "scrypt", to: "argon2" });
    expect(swappedAlternative("Use pnpm, not npm, for installs", "We install with yarn")).toEqual({ kind: "JavaScript package manager", from: "pnpm", to: "yarn" });
    expect(swappedAlternative("Use pnpm, not npm, for installs", "npm install is not allowed here")).toBeNull();
    // Things of different kinds are not alternatives: a cache next to a database.
    expect(swappedAlternative("Sessions are stored in Postgres", "Sessions are cached in Redis")).toBeNull();
  });

  test("changeOf flags the swap when the two share a subject, and not an addition or another subject", () => {
    expect(changeOf("Deploys are triggered from Jenkins", "GitHub Actions triggers our deploys")).toMatchObject({
      relation: "conflict",
      reason: "names another CI service (jenkins → github actions)",
      confident: false,
    });
    expect(changeOf("Error reports go to Sentry", "We send error reports to Rollbar").reason).toBe("names another error tracker (sentry → rollbar)");
    expect(changeOf("Error reports go to Sentry", "We also send error reports to Rollbar").relation).toBe("none");
    expect(changeOf("The billing service uses Stripe", "Newsletters go out through Mailgun").relation).toBe("none");
  });
});
