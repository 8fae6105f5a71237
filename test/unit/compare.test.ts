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
