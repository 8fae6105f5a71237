/**
 * @module Settling a possible conflict remember noted: `relate … contradicts` confirms it (recall keeps the later
 * first), `--dismiss` dismisses it (both stay, recall goes by score again); audited, shown by get and graph,
 * exported and imported as settled, and refused with a clear error where there is nothing to settle.
 */
import { expect, test } from "bun:test";
import { mergeLinkMetadata } from "../../src/domain/edge.ts";
import { flaggers } from "../../src/retrieve/flagged-first.ts";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { codeOf } from "../helpers/errors.ts";

const DAY = 86_400_000;
const OLD = "In staging the API server listens on port 8080; the API server port for staging is set in deploy/staging.env";
// Shorter than the earlier note and without its "server": the earlier one matches the question better by its words.
const NEW = "Staging API: port 9090";
const QUERY = "which port does the API server listen on in staging";

function setup() {
  const store = new SqliteStore(":memory:");
  const clock = { now: Date.UTC(2026, 2, 2) };
  const engine = new Engine({ store, project: "/p", actor: "test", now: () => clock.now });
  engine.remember({ content: "The staging database is a small Postgres instance", type: "fact" });
  const old = engine.remember({ content: OLD, type: "fact" });
  clock.now += 3 * DAY;
  const neu = engine.remember({ content: NEW, type: "fact" });
  expect(engine.links(old.id)).toEqual([{ relation: "contradicts", direction: "in", id: neu.id, possible: true }]);
  return { store, engine, old: old.id, neu: neu.id };
}
const top = async (engine: Engine) => (await engine.recall({ query: QUERY, track: false })).results.slice(0, 2).map((r) => r.memory.id);

test("dismissed: both stay, recall goes by score again, and get and graph say it was dismissed", async () => {
  const { store, engine, old, neu } = setup();
  expect(await top(engine)).toEqual([neu, old]);
  // Either way round, by the ids remember returned.
  expect(engine.relate(old, neu, "contradicts", { dismiss: true })).toEqual({ from: old, to: neu, relation: "contradicts", status: "exists", superseded: false, settled: "not_conflict" });
  // Again: said so, nothing changed.
  expect(engine.relate(neu, old, "contradicts", { dismiss: true })).toMatchObject({ settled: "not_conflict", alreadySettled: true });
  expect(await top(engine)).toEqual([old, neu]);
  expect(engine.links(old)).toEqual([{ relation: "contradicts", direction: "in", id: neu, settled: "not_conflict" }]);
  expect(engine.neighbourhood(neu, 1).edges).toEqual([{ from: neu, to: old, relation: "contradicts", settled: "not_conflict" }]);
  expect(store.auditLog({ memoryId: neu, limit: 10 }).map((a) => [a.op, a.detail])).toContainEqual(["link", { relation: "contradicts", to: old, settled: "not_conflict" }]);
  expect([store.get(old)?.status, store.get(neu)?.status]).toEqual(["active", "active"]);
  // Dismissing again changes nothing and says the same.
  const entries = store.auditLog({ limit: 100 }).length;
  expect(engine.relate(neu, old, "contradicts", { dismiss: true }).settled).toBe("not_conflict");
  expect(store.auditLog({ limit: 100 }).length).toBe(entries);
});

test("confirmed: recall keeps the later first, the link is a contradicts link like any other, and it cannot be dismissed after", async () => {
  const { store, engine, old, neu } = setup();
  expect(engine.relate(neu, old, "contradicts")).toEqual({ from: neu, to: old, relation: "contradicts", status: "exists", superseded: false, settled: "conflict" });
  expect(await top(engine)).toEqual([neu, old]);
  expect(engine.links(neu)).toEqual([{ relation: "contradicts", direction: "out", id: old, settled: "conflict" }]);
  expect(store.auditLog({ memoryId: neu, limit: 10 }).map((a) => [a.op, a.detail])).toContainEqual(["link", { relation: "contradicts", to: old, settled: "conflict" }]);
  expect(codeOf(() => engine.relate(neu, old, "contradicts", { dismiss: true }))).toBe("CONFLICT_CONFIRMED");
  expect(engine.links(neu)[0]?.settled).toBe("conflict");
});

test("superseding one by the other settles the possible conflict between them as confirmed (QA: graph still showed it open)", () => {
  const { engine, old, neu } = setup();
  expect(engine.relate(neu, old, "supersedes")).toMatchObject({ superseded: true, settled: "conflict" });
  expect(engine.links(neu)).toContainEqual({ relation: "contradicts", direction: "out", id: old, settled: "conflict" });
  expect(engine.links(neu).some((l) => l.possible)).toBe(false);
});

test("nothing to dismiss, or dismiss with another relation: a clear error and nothing changes", () => {
  const { store, engine, old, neu } = setup();
  const other = engine.remember({ content: "Staging logs are kept for 14 days", type: "fact" }).id;
  const before = store.auditLog({ limit: 100 }).length;
  expect(codeOf(() => engine.relate(neu, other, "contradicts", { dismiss: true }))).toBe("NO_POSSIBLE_CONFLICT");
  expect(codeOf(() => engine.relate(neu, old, "supersedes", { dismiss: true }))).toBe("DISMISS_RELATION");
  engine.relate(neu, other, "relates_to");
  expect(codeOf(() => engine.relate(neu, other, "contradicts", { dismiss: true }))).toBe("NO_POSSIBLE_CONFLICT");
  expect(store.auditLog({ limit: 100 }).length).toBe(before + 1);
  expect(engine.links(old)).toEqual([{ relation: "contradicts", direction: "in", id: neu, possible: true }]);
  // A contradicts link a person made is not a possible conflict either.
  engine.relate(other, old, "contradicts");
  expect(codeOf(() => engine.relate(other, old, "contradicts", { dismiss: true }))).toBe("NO_POSSIBLE_CONFLICT");
});

test("export writes the settlement and import reads it back", async () => {
  const { engine, old, neu } = setup();
  engine.relate(neu, old, "contradicts", { dismiss: true });
  const lines = [...engine.export()].map((r) => JSON.stringify(r));
  expect(lines.join("\n")).toContain('"possible":true,"settled":"not_conflict"');
  const into = new Engine({ store: new SqliteStore(":memory:"), project: "/p", actor: "test" });
  await into.import(`${lines.join("\n")}\n`);
  expect(into.links(old)).toEqual([{ relation: "contradicts", direction: "in", id: neu, settled: "not_conflict" }]);
});

test("imported onto the same link, a settlement merges as sync merges it: settled over open, confirmed over dismissed", async () => {
  const { engine, old, neu } = setup();
  const exported = (e: Engine) => `${[...e.export()].map((r) => JSON.stringify(r)).join("\n")}\n`;
  const open = exported(engine);
  engine.relate(neu, old, "contradicts", { dismiss: true });
  const dismissed = exported(engine);
  // A store that has the open link takes the dismissal from the file, with an audit entry saying so.
  const into = new Engine({ store: new SqliteStore(":memory:"), project: "/p", actor: "test" });
  await into.import(open);
  expect(into.links(old)).toEqual([{ relation: "contradicts", direction: "in", id: neu, possible: true }]);
  await into.import(dismissed);
  expect(into.links(old)).toEqual([{ relation: "contradicts", direction: "in", id: neu, settled: "not_conflict" }]);
  expect(into.auditLog({ memory: neu, limit: 20 }).find((a) => a.op === "link" && a.detail.settled)?.detail).toMatchObject({ settled: "not_conflict", imported: true });
  // An open link in the file leaves a settled one as it is; a confirmation beats the dismissal.
  await into.import(open);
  expect(into.links(old)[0]).toMatchObject({ settled: "not_conflict" });
  engine.relate(neu, old, "contradicts");
  const confirmed = exported(engine);
  await into.import(confirmed);
  expect(into.links(old)[0]).toMatchObject({ settled: "conflict" });
});

test("two copies of a link merge their settlement the same whatever the order: settled over open, confirmed over dismissed", () => {
  const open = { auto: true, possible: true, reason: "states another value" };
  const dismissed = { ...open, settled: "not_conflict" };
  const confirmed = { ...open, settled: "conflict" };
  for (const [a, b, want] of [
    [open, dismissed, "not_conflict"],
    [open, confirmed, "conflict"],
    [dismissed, confirmed, "conflict"],
    [open, open, undefined],
  ] as const) {
    expect(mergeLinkMetadata(a, b).settled).toBe(want);
    expect(mergeLinkMetadata(b, a).settled).toBe(want);
  }
  // A link that is no possible conflict takes no settlement.
  expect(mergeLinkMetadata({}, {})).toEqual({});
});

test("an undone supersede merges grow-only, whatever the order: the devices end alike (sync convergence)", () => {
  const undone = { undone: 1 };
  expect(mergeLinkMetadata({}, undone)).toEqual({ undone: 1 });
  expect(mergeLinkMetadata(undone, {})).toBe(undone);
  const settled = { possible: true, settled: "conflict" };
  expect(mergeLinkMetadata(settled, undone)).toEqual({ possible: true, settled: "conflict", undone: 1 });
  const plain = {};
  expect(mergeLinkMetadata(plain, {})).toBe(plain);
});

test("recall's flaggers: an open or confirmed conflict flags the earlier memory, a dismissed one does not", () => {
  const link = (other: string, extra: object) => ({ id: "old", other, relation: "contradicts" as const, outgoing: false, createdAt: 1, ...extra });
  const by = flaggers([link("open", { possible: true }), link("confirmed", { possible: false, settled: "conflict" }), link("dismissed", { possible: false, settled: "not_conflict" })]);
  expect([...(by.get("old") ?? [])]).toEqual([["open", false], ["confirmed", true]]);
});
