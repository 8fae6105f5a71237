/** @module Relating a new statement to an older one: changes and disagreements are flagged, additions and other subjects are not. */
import { expect, test } from "bun:test";
import { compareStatements } from "../../src/capture/compare.ts";

const rel = (a: string, b: string) => compareStatements(a, b).relation;

test("a stated change of the same subject is an update", () => {
  expect(rel("We deploy with Heroku using git push", "We moved deploys from Heroku to Fly.io; git push no longer deploys")).toBe("update");
});

test("the same sentence with another value, or the opposite rule, is a conflict", () => {
  expect(rel("The API server listens on port 8080 in staging", "The API server listens on port 9090 in staging")).toBe("conflict");
  expect(rel("Always squash-merge pull requests in this repo", "Never squash-merge pull requests in this repo")).toBe("conflict");
});

test("an addition, another subject and a near-copy are not flagged as conflicts", () => {
  expect(rel("We use Redis for caching sessions", "We also use Redis for rate limiting sessions")).toBe("none");
  expect(rel("Postgres runs in docker compose for tests", "The API docs are generated with redoc")).toBe("none");
  expect(rel("Run make sqlc after editing the queries", "Run make sqlc after editing the queries!")).not.toBe("conflict");
});

test("one frame filled for two named things is no change; a named thing's own new value, or a change told in other words, still is", () => {
  const payments = "The payments-api deployment runs in namespace payments with 3 replicas and exposes port 9090";
  expect(compareStatements(payments, "The invoice-renderer deployment runs in namespace payments with 2 replicas and exposes port 3001")).toEqual({ relation: "none", reason: "about another named thing", confident: false });
  expect(rel(payments, "The payments-api deployment runs in namespace payments with 5 replicas and exposes port 9090")).toBe("conflict");
  // Few shared words: the subject may be said another way, so the names do not decide.
  expect(rel("The open-data portal runs Ruby 3.0.", "Ruby 3.3.5 per .ruby-version; YJIT is enabled in production.")).toBe("update");
});
