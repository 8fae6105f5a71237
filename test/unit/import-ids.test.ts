/**
 * @module What an import line's id may be (a name that could reach another place in a path is refused, the ids
 * cairn, its peers and people write are not) and what a line whose id is stored with other content does.
 */
import { describe, expect, test } from "bun:test";
import { applyPeerImport, planPeerImport } from "../../src/cli/peer-import.ts";
import { isSafeId } from "../../src/domain/safe-id.ts";
import { stableId } from "../../src/import-formats/stable-id.ts";
import type { PeerBatch } from "../../src/import-formats/types.ts";
import { testEngine } from "../helpers/engine.ts";

const lines = (...objects: object[]) => objects.map((o) => JSON.stringify(o)).join("\n");

describe("import ids", () => {
  const unsafe = ["../../../victim", "/abs/path", "a/b", "a\\b", "a\nb", "a\u0007b", "..", ".hidden", "-rf", "a..b", "x y", "é", "a".repeat(101)];

  test.each(unsafe)("the id %j stops the import at its line, naming the field; nothing is imported", async (id) => {
    const { engine } = testEngine();
    const text = lines({ content: "a fine first memory" }, { id, content: "a memory with a hostile id" });
    const err = await engine.import(text).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_IMPORT_LINE", args: [2, expect.stringContaining('field "id"')] });
    expect((err as Error).message).toMatch(/^Import stopped at line 2: field "id": .*Nothing was imported/s);
    expect(engine.stats().total).toBe(0);
  });

  test("an empty or over-long id is said so in characters (QA: \"is under the limit of 1 characters\")", async () => {
    const { engine } = testEngine();
    const message = async (id: string) => ((await engine.import(lines({ id, content: "x" })).catch((e: unknown) => e)) as Error).message;
    expect(await message("")).toContain('field "id": is empty');
    expect(await message("a".repeat(101))).toContain('field "id": is longer than 100 characters');
  });

  test("an unsafe link target stops the import too, naming the link", async () => {
    const { engine } = testEngine();
    const err = await engine.import(lines({ content: "linked", links: [{ relation: "fixes", to: "../../etc/passwd" }] })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_IMPORT_LINE", args: [1, expect.stringContaining('field "links.0.to"')] });
    expect(engine.stats().total).toBe(0);
  });

  test("cairn's own ids, peers' stable ids and hand-written names import", async () => {
    const { engine } = testEngine();
    const ids = [Bun.randomUUIDv7(), stableId("mem0", "3c90c3cc-0d44-4b50-8888-8dd25736052a"), "m1", "trip-2024-09", "mem-1a2b3c4d5e6f", "sess:001", "Note_7.v2", "_x"];
    for (const id of ids) expect(isSafeId(id)).toBe(true);
    const r = await engine.import(lines(...ids.map((id, i) => ({ id, content: `memory number ${i} about ${id}` }))));
    expect(r).toMatchObject({ created: ids.length });
    for (const id of ids) expect(engine.store.get(id)?.content).toContain(id);
  });
});

describe("an id already in the store", () => {
  test("with other content stops the import, naming the line and the id; the stored memory is as it was", async () => {
    const { engine, advance } = testEngine();
    await engine.import(lines({ id: "m1", content: "the staging database is postgres 15" }));
    // A later import (one in the same millisecond would take m1 for a line of its own).
    advance(1000);
    const before = [...engine.export()];
    const text = lines({ id: "m2", content: "a new memory before the clash" }, { id: "m1", content: "the staging database is postgres 16" });
    const err = await engine.import(text).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_IMPORT_LINE", args: [2, expect.stringContaining("a memory with the id m1 exists in the store with other content")] });
    expect((err as Error).message).toContain("Nothing was imported");
    expect([...engine.export()]).toEqual(before);
  });

  test("with the same content stays a duplicate", async () => {
    const { engine, advance } = testEngine();
    await engine.import(lines({ id: "m1", content: "the staging database is postgres 15" }));
    advance(1000);
    expect(await engine.import(lines({ id: "m1", content: "the staging database is postgres 15", type: "fact" }))).toMatchObject({ created: 0, duplicates: 1 });
  });

  test("a peer source read again after a record changed there updates the memory made the first time, keeping the old text in its history", async () => {
    const { engine, advance } = testEngine();
    const record = { id: stableId("mem0", "abc"), content: "prefers dark mode", type: "preference", tags: [], project: null, metadata: {}, where: "record 1 (id abc)" };
    const first: PeerBatch = { records: [record], links: [], skipped: [] };
    await applyPeerImport(engine, "mem0.json", first, planPeerImport(engine, "mem0.json", first));
    advance(1000);
    const edited: PeerBatch = { records: [{ ...record, content: "prefers light mode" }], links: [], skipped: [] };
    const plan = planPeerImport(engine, "mem0.json", edited);
    expect(plan.items[0]).toMatchObject({ action: "update", id: record.id });
    expect(await applyPeerImport(engine, "mem0.json", edited, plan)).toMatchObject({ created: 0, updated: 1, already_present: 0 });
    expect(engine.get(record.id, { track: false }).content).toBe("prefers light mode");
    expect(engine.history(record.id).entries.some((e) => e.contentBefore === "prefers dark mode")).toBe(true);
  });
});

describe("import times", () => {
  test("a creation time in the future (past a day of clock skew) stops the import: retention would never reach it", async () => {
    const { engine, clock } = testEngine();
    const ahead = (ms: number) => new Date(clock.now + ms).toISOString();
    const err = await engine.import(lines({ content: "fine" }, { content: "created in 2099", created_at: "2099-01-01T00:00:00.000Z" })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_IMPORT_LINE", args: [2, expect.stringContaining('field "created_at": 2099-01-01T00:00:00.000Z is in the future')] });
    expect(engine.stats().total).toBe(0);
    expect(await engine.import(lines({ content: "another machine's clock, an hour ahead", created_at: ahead(3_600_000) }))).toMatchObject({ created: 1 });
  });
});

describe("import projects", () => {
  test("a line naming a project by the name cairn shows goes to that project; an unknown or shared name is kept as written", async () => {
    const { engine } = testEngine({ project: "github.com/acme/payments" });
    engine.remember({ content: "retries use exponential backoff" });
    engine.remember({ content: "the web app builds with vite", project: "github.com/acme/web" });
    engine.remember({ content: "the old web app used webpack", project: "gitlab.com/legacy/web" });
    await engine.import(lines({ content: "refunds settle in two days", project: "payments" }, { content: "the web app lints with biome", project: "web" }, { content: "a brand new project", project: "billing" }));
    const where = (content: string) => engine.list({ allProjects: true, limit: 50 }).memories.find((m) => m.content === content)?.project;
    expect(where("refunds settle in two days")).toBe("github.com/acme/payments");
    expect(where("the web app lints with biome")).toBe("web");
    expect(where("a brand new project")).toBe("billing");
  });
});
