/** @module Pairs the write-time change rules must leave alone: another thing's value, a statement that already agrees, a restriction said two ways (QA). */
import { describe, expect, test } from "bun:test";
import { changeOf, SAYS_OPPOSITE } from "../../src/capture/change-rules.ts";
import { testEngine } from "../helpers/engine.ts";

const DAY = 86_400_000;

describe("another thing's value", () => {
  test("the same frame with another value, said of a thing the other statement never names, is no change (QA)", () => {
    expect(changeOf("The API listens on port 8080.", "The Redis cache listens on port 6379.").relation).toBe("none");
    expect(changeOf("The frontend runs on Node 20.", "The data pipeline runs on Python 3.12.").relation).toBe("none");
    expect(changeOf("The database listens on port 5432.", "The API now listens on port 9090.").relation).toBe("none");
    expect(changeOf("The API is rate limited to 100 requests per minute.", "The webhook endpoint is rate limited to 10 requests per second.").relation).toBe("none");
    // The same thing with another value still is one.
    expect(changeOf("The API listens on port 8080.", "The API now listens on port 9090.").relation).not.toBe("none");
    expect(changeOf("The frontend runs on Node 20.", "The frontend runs on Node 22 now.").relation).not.toBe("none");
  });

  test("nothing is flagged on write, and recall answers with the fact asked about", async () => {
    const { engine, advance } = testEngine();
    const api = engine.remember({ content: "The API listens on port 8080.", type: "fact" }).id;
    advance(DAY);
    const redis = engine.remember({ content: "The Redis cache listens on port 6379.", type: "fact" });
    expect(redis.conflicts ?? []).toEqual([]);
    expect(engine.links(api)).toEqual([]);
    const r = await engine.recall({ query: "what port does the API listen on", mode: "keyword" });
    expect(r.results[0]?.memory.id).toBe(api);
  });
});

describe("a change the older statement already holds", () => {
  test("a change to what the older one states, or the same change said twice, is no change of it (QA)", () => {
    expect(changeOf("CI runs on GitHub Actions.", "CI now runs on GitHub Actions; Jenkins was retired.").relation).toBe("none");
    expect(changeOf("The staging database runs PostgreSQL 16.", "The staging database was upgraded to PostgreSQL 16.").relation).toBe("none");
    const twice = changeOf("We switched from tabs to spaces for indentation.", "The user now prefers spaces instead of tabs for indentation.");
    expect(twice.relation).toBe("none");
    expect(twice.reason).not.toBe(SAYS_OPPOSITE);
    // What the older one holds, changed, dropped, negated or joined by another, still is a change.
    expect(changeOf("Our CI pipeline runs on Jenkins.", "CI now runs on GitHub Actions; Jenkins was retired.").relation).not.toBe("none");
    expect(changeOf("The staging database runs PostgreSQL 13.", "The staging database was upgraded to PostgreSQL 16.").relation).not.toBe("none");
    expect(changeOf("CI runs on GitHub Actions.", "CI no longer runs on GitHub Actions.").relation).not.toBe("none");
    expect(changeOf("Dark mode is the default theme.", "Dark mode is not the default theme now.").relation).not.toBe("none");
    expect(changeOf("CI runs on GitHub Actions.", "CI now runs on GitHub Actions and CircleCI.").relation).not.toBe("none");
  });

  test("on write, the stale memory is the one flagged, not the one that already agrees (QA)", () => {
    const { engine, advance } = testEngine();
    const jenkins = engine.remember({ content: "Our CI pipeline runs on Jenkins.", type: "decision" }).id;
    advance(DAY);
    const actions = engine.remember({ content: "CI runs on GitHub Actions.", type: "decision" }).id;
    advance(DAY);
    const change = engine.remember({ content: "CI now runs on GitHub Actions; Jenkins was retired.", type: "decision" });
    const touched = [...(change.conflicts ?? []), ...(change.superseded ?? [])].map((c) => c.id);
    expect(touched).toContain(jenkins);
    expect(touched).not.toContain(actions);
  });
});

describe("a restriction said two ways", () => {
  test("a negated manner and an 'only' agree; a negation of what 'only' allows still says the opposite (QA)", () => {
    const vpn = changeOf("The staging database is not publicly reachable.", "The staging database is only reachable over the VPN.");
    expect(vpn.reason).not.toBe(SAYS_OPPOSITE);
    expect(vpn.relation).toBe("none");
    expect(changeOf("The admin panel isn't directly reachable.", "The admin panel is only reachable through the bastion host.").relation).toBe("none");
    expect(changeOf("We don't deploy on Fridays.", "We only deploy on Fridays.").reason).toBe(SAYS_OPPOSITE);
    expect(changeOf("The staging database is publicly reachable.", "The staging database is not publicly reachable.").relation).not.toBe("none");
  });
});
