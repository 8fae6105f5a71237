/** @module A memory that says an active one again in other words reinforces it instead of being stored (engine/remember.ts, capture/compare.ts saysTheSame). */
import { describe, expect, test } from "bun:test";
import { testEngine } from "../helpers/engine.ts";

describe("remember: the same thing in other words", () => {
  test("reinforces the memory that said it, merges tags, keeps its wording and audits why", () => {
    const { engine, advance } = testEngine();
    const first = engine.remember({ content: "The invoice service is owned by the billing team.", type: "fact", tags: ["owners"] });
    advance(1000);
    const again = engine.remember({ content: "Billing team owns the invoice service.", type: "fact", tags: ["billing"] });
    expect(again).toMatchObject({ id: first.id, status: "duplicate", sameMeaning: true });
    const stored = engine.get(first.id, { track: false });
    expect(stored.content).toBe("The invoice service is owned by the billing team.");
    expect(stored.accessCount).toBe(1);
    expect(stored.tags).toEqual(["billing", "owners"]);
    expect(engine.list({ allProjects: true }).total).toBe(1);
    const audit = engine.auditLog({ memory: first.id, limit: 10 }).map((e) => [e.op, e.detail]);
    expect(audit).toContainEqual(["reinforce", { exact: false, same_meaning: true }]);
  });

  test("distinct stores the rewording as a memory of its own; an exact repeat is reinforced all the same", () => {
    const { engine, advance } = testEngine();
    const first = engine.remember({ content: "The invoice service is owned by the billing team.", type: "fact" });
    advance(1000);
    const own = engine.remember({ content: "Billing team owns the invoice service.", type: "fact", distinct: true });
    expect(own.status).toBe("created");
    expect(own.id).not.toBe(first.id);
    const again = engine.remember({ content: "The invoice service is owned by the billing team.", type: "fact", distinct: true });
    expect(again).toMatchObject({ id: first.id, status: "duplicate" });
    expect(engine.list({ allProjects: true }).total).toBe(2);
  });

  test("an exact copy is a duplicate without the mark", () => {
    const { engine } = testEngine();
    const first = engine.remember({ content: "API calls time out after 30s.", type: "fact" });
    const again = engine.remember({ content: "API calls time out after 30s.", type: "fact" });
    expect(again).toMatchObject({ id: first.id, status: "duplicate" });
    expect(again.sameMeaning).toBeUndefined();
  });

  test.each([
    ["an order reversed", "Run the database migrations before the deploy.", "Run the database migrations after the deploy."],
    ["another one-letter name", "Service A runbook is in the wiki.", "Service C runbook is in the wiki."],
    ["an addition", "Cache the user list in Redis.", "Also cache the token list in Redis."],
    ["another occasion", "Went to the pottery workshop, it was lovely.", "Yesterday I went to a pottery workshop."],
    ["another value", "The API timeout is 30 seconds.", "The API timeout is 45 seconds."],
    ["one thing put in another's place", "We use pnpm, not npm, for installs.", "We use yarn, not npm, for installs."],
    ["the same sentence said of another service", "Alerts for search route to the #platform-alerts Slack channel", "Alerts for auth route to the #platform-alerts Slack channel"],
    [
      "the same sentence said of another service, wherever it names it (QA)",
      "Runbook for the billing service: check the billing queue depth and restart the billing workers",
      "Runbook for the search service: check the search queue depth and restart the search workers",
    ],
    ["two parts trading places (QA)", "The orders service depends on the inventory service", "The inventory service depends on the orders service"],
    ["a preference turned round (QA)", "Prefer composition over inheritance in the domain layer", "Prefer inheritance over composition in the domain layer"],
    ["a switch undone (QA)", "We switched from Webpack to Vite for the frontend build", "We switched from Vite back to Webpack for the frontend build"],
    ["two rules the other way round (QA)", "Staging deploys are automatic; production deploys need approval", "Production deploys are automatic; staging deploys need approval"],
    [
      "a longer text over the same words (QA: a 40-step runbook merged into one of 20)",
      "Deploy runbook: drain the node, restart the agent, check the logs, restart the agent, check the logs",
      "Deploy runbook: drain the node, restart the agent, check the logs, restart the agent, check the logs, drain the node, " +
        "restart the agent, check the logs, drain the node, restart the agent, check the logs, restart the agent, check the logs",
    ],
  ])("%s is stored as a memory of its own", (_name, older, newer) => {
    const { engine, advance } = testEngine();
    const first = engine.remember({ content: older, type: "fact" });
    advance(1000);
    const next = engine.remember({ content: newer, type: "fact" });
    expect(next.status).toBe("created");
    expect(next.id).not.toBe(first.id);
    expect(engine.list({ allProjects: true }).total).toBe(2);
  });

  test("a name one adds is not the same thing said again: \"… at midnight UTC\" is stored beside \"… at midnight\" (QA)", () => {
    const { engine } = testEngine();
    const first = engine.remember({ content: "The nightly backup job runs on the db-backup host at midnight", type: "fact" });
    const utc = engine.remember({ content: "The nightly backup job runs on the db-backup host at midnight UTC", type: "fact" });
    expect([utc.status, utc.id === first.id]).toEqual(["created", false]);
    // A capital that only starts the sentence is no name: still the same words.
    expect(engine.remember({ content: "the nightly backup job runs on the db-backup host at midnight.", type: "fact" })).toMatchObject({ id: first.id, status: "duplicate" });
  });

  test("only an active memory of the same scope is reinforced", () => {
    const { engine, advance } = testEngine();
    const other = engine.remember({ content: "Payments are processed with Stripe.", type: "fact", project: "/work/other" });
    advance(1000);
    const here = engine.remember({ content: "Stripe handles payment processing.", type: "fact" });
    expect(here.status).toBe("created");
    engine.forget(here.id);
    advance(1000);
    const again = engine.remember({ content: "Payments are processed with Stripe.", type: "fact" });
    expect(again.status).toBe("created");
    expect([other.id, here.id]).not.toContain(again.id);
  });
});
