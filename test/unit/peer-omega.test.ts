/** @module `--from omega` on OMEGA stores built from the schema of its sources: types, dates, TTL, status, edges, and errors. */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPeerImport, planPeerImport } from "../../src/cli/peer-import.ts";
import { adapter as omega } from "../../src/import-formats/omega.ts";
import type { PeerBatch } from "../../src/import-formats/types.ts";
import { testEngine } from "../helpers/engine.ts";
import { omegaDb } from "../helpers/omega-db.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-omega-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opts = { project: undefined, projectOfDir: () => "unused" };
const bySource = (batch: PeerBatch, nodeId: string) => {
  const found = batch.records.find((r) => r.metadata.source_id === nodeId);
  if (!found) throw new Error(`no record for ${nodeId}`);
  return found;
};

describe("omega v5 (omega-memory 0.10.x)", () => {
  const path = omegaDb(dir, "omega-v5");
  const batch = omega.read(path, opts);

  test("OMEGA's folder is read through its omega.db; a folder without one is an error saying what to give (QA)", () => {
    const home = mkdtempSync(join(dir, "home-"));
    writeFileSync(join(home, "omega.db"), readFileSync(path));
    expect(omega.read(home, opts).records.length).toBe(batch.records.length);
    const empty = mkdtempSync(join(dir, "empty-"));
    expect(() => omega.read(empty, opts)).toThrow(/holds no omega\.db; give OMEGA's database file/);
  });

  test("OMEGA's JSON export or backup is named as such, with the database to give instead (QA: \"not a SQLite database\")", () => {
    const backup = join(dir, "omega-2026-01-15.json");
    writeFileSync(backup, JSON.stringify({ version: "omega-sqlite-v1", nodes: [{ id: "mem-1", content: "x" }] }));
    expect(() => omega.read(backup, opts)).toThrow(/it is an OMEGA JSON export or backup; cairn reads OMEGA's database itself: give ~\/\.omega\/omega\.db/);
  });

  test("a memory flagged for review is archived, as OMEGA keeps it out of queries; an edge to itself is said to be left out (QA)", () => {
    const flagged = omegaDb(mkdtempSync(join(dir, "flagged-")), "omega-v5");
    const db = new Database(flagged);
    db.run(`UPDATE memories SET metadata = json_set(metadata, '$.flagged_for_review', json('true')) WHERE node_id = 'mem-2b3c4d5e6f70'`);
    db.run(`INSERT INTO edges (source_id, target_id, edge_type, weight, created_at) VALUES ('mem-1a2b3c4d5e6f', 'mem-1a2b3c4d5e6f', 'related', 1, '2026-01-14 08:15:02')`);
    db.close();
    const read = omega.read(flagged, opts);
    expect(bySource(read, "mem-2b3c4d5e6f70").status).toBe("archived");
    expect(bySource(read, "mem-1a2b3c4d5e6f").status).toBe("active");
    expect(read.skipped.filter((s) => s.reason === "it links a memory to itself")).toHaveLength(1);
    expect(read.links).toHaveLength(batch.links.length);
  });

  test("event types map to cairn types; the code index is left out", () => {
    expect(batch.records.map((r) => [r.metadata.source_id, r.type])).toEqual([
      ["mem-1a2b3c4d5e6f", "decision"],
      ["mem-2b3c4d5e6f70", "preference"],
      ["mem-3c4d5e6f7081", "lesson"],
      ["mem-4d5e6f708192", "note"],
      ["mem-5e6f708192a3", "decision"],
      ["mem-6f708192a3b4", "decision"],
      ["mem-8192a3b4c5d6", "error"],
    ]);
    expect(batch.skipped).toContainEqual({ where: "omega-v5.db memory mem-708192a3b4c5", reason: expect.stringContaining("code_chunk") });
  });

  test("content, project, tags, priority, dates, access and metadata are kept; private _keys are not", () => {
    const decision = bySource(batch, "mem-1a2b3c4d5e6f");
    expect(decision).toMatchObject({
      content: "Chose SQLite with WAL mode over Postgres for the local store: one file, no server.",
      project: "/home/dev/acme-api",
      tags: ["omega", "decision", "sqlite", "architecture"],
      priority: 4,
      created_at: "2026-01-10T09:30:00.000Z",
      updated_at: "2026-01-10T09:30:00.000Z",
      event_time: "2026-01-09T00:00:00.000Z",
      last_accessed_at: "2026-02-01T08:00:00.000Z",
      access_count: 4,
      expires_at: null,
      session_id: "sess-001",
      agent: "claude-code",
      status: "active",
    });
    expect(decision.metadata).toEqual({ source_format: "omega", source_id: "mem-1a2b3c4d5e6f", event_type: "decision", omega: { capture_confidence: "high" } });
    expect(bySource(batch, "mem-2b3c4d5e6f70").project).toBeNull();
    expect(bySource(batch, "mem-8192a3b4c5d6").created_at).toBe("2026-01-14T08:15:00.000Z");
  });

  test("TTL is created + ttl_seconds; superseded stays superseded, pointing at its replacement", () => {
    expect(bySource(batch, "mem-4d5e6f708192").expires_at).toBe("2026-01-12T19:00:00.000Z");
    const old = bySource(batch, "mem-5e6f708192a3");
    const replacement = bySource(batch, "mem-6f708192a3b4");
    expect(old).toMatchObject({ status: "superseded", superseded_by: replacement.id, expires_at: "2026-01-19T12:00:00.000Z" });
    expect(old.metadata.omega_superseded_by).toBeUndefined();
  });

  test("edges become links between imported memories; an edge to the code index is left out", () => {
    const id = (n: string) => bySource(batch, n).id;
    expect(batch.links.map((l) => [l.from, l.relation, l.to])).toEqual([
      [id("mem-3c4d5e6f7081"), "relates_to", id("mem-1a2b3c4d5e6f")],
      [id("mem-6f708192a3b4"), "supersedes", id("mem-5e6f708192a3")],
      [id("mem-6f708192a3b4"), "depends_on", id("mem-1a2b3c4d5e6f")],
    ]);
    expect(batch.skipped.some((s) => s.where.includes("mem-8192a3b4c5d6 → mem-708192a3b4c5"))).toBe(true);
  });

  test("imported into an engine: superseded history is stored as given, links made, a second import adds nothing", async () => {
    const { engine, advance } = testEngine();
    advance(60 * 86_400_000); // past the file's dates: a creation time to come is refused
    const report = await applyPeerImport(engine, path, batch, planPeerImport(engine, path, batch));
    expect(report).toEqual({ records: 7, created: 7, already_present: 0, updated: 0, links_created: 3, links_existing: 0, retired: 0 });
    const old = engine.get(bySource(batch, "mem-5e6f708192a3").id, { track: false });
    expect(old).toMatchObject({ status: "superseded", supersededBy: bySource(batch, "mem-6f708192a3b4").id });
    const again = omega.read(path, opts);
    expect(await applyPeerImport(engine, path, again, planPeerImport(engine, path, again))).toMatchObject({ created: 0, already_present: 7, links_created: 0 });
  });

  test("the file is only read: its bytes and modification time do not change", () => {
    const before = { bytes: readFileSync(path), mtime: statSync(path).mtimeMs };
    omega.read(path, opts);
    expect(statSync(path).mtimeMs).toBe(before.mtime);
    expect(readFileSync(path).equals(before.bytes)).toBe(true);
  });
});

describe("omega v15 (omega-memory 1.5.x)", () => {
  const batch = omega.read(omegaDb(dir, "omega-v15"), opts);

  test("status and updated_at columns, a constraint, a priority word, an archived row and a superseded_by edge", () => {
    const current = bySource(batch, "mem-aa11bb22cc33");
    expect(current).toMatchObject({ type: "decision", priority: 5, updated_at: "2026-03-02T09:00:00.000Z", metadata: { entity_id: "acme" } });
    expect(bySource(batch, "mem-bb22cc33dd44")).toMatchObject({ status: "superseded", priority: 4 });
    expect(bySource(batch, "mem-cc33dd44ee55")).toMatchObject({ status: "archived", type: "note", project: null });
    expect(batch.links).toEqual([expect.objectContaining({ from: current.id, relation: "supersedes", to: bySource(batch, "mem-bb22cc33dd44").id })]);
  });
});

describe("omega projects and reminders", () => {
  test("a project directory that exists here goes to the project cairn gives it; another machine's path stays", () => {
    const path = omegaDb(mkdtempSync(join(dir, "dirs-")), "omega-v15");
    const repo = mkdtempSync(join(dir, "repo-"));
    const db = new Database(path);
    db.run("UPDATE memories SET project = ? WHERE node_id = 'mem-aa11bb22cc33'", [repo]);
    db.close();
    const read = omega.read(path, { project: undefined, projectOfDir: (d: string) => `key-of:${d}` });
    expect(bySource(read, "mem-aa11bb22cc33").project).toBe(`key-of:${repo}`);
    expect(bySource(read, "mem-bb22cc33dd44").project).toBe("/home/dev/acme-api");
  });

  test("a reminder with its due time is a cairn reminder, due then, without OMEGA's [due: …] suffix; a dismissed one is done", async () => {
    const path = omegaDb(mkdtempSync(join(dir, "remind-")), "omega-v15");
    const db = new Database(path);
    const add = db.prepare("INSERT INTO memories (node_id, content, metadata, created_at, updated_at, event_type) VALUES (?, ?, ?, '2026-03-01T09:00:00+00:00', '2026-03-01T09:00:00+00:00', 'reminder')");
    add.run("mem-r1", "Renew the TLS cert [due: 2026-03-20T00:00:00+00:00]", JSON.stringify({ reminder_status: "pending", remind_at: "2026-03-20T00:00:00+00:00" }));
    add.run("mem-r2", "Rotate the API keys [due: 2026-03-05T00:00:00+00:00]", JSON.stringify({ reminder_status: "dismissed", remind_at: "2026-03-05T00:00:00+00:00" }));
    add.run("mem-r3", "Someday: tidy the wiki", "{}");
    db.close();
    const read = omega.read(path, opts);
    expect(bySource(read, "mem-r1")).toMatchObject({ type: "reminder", content: "Renew the TLS cert", event_time: "2026-03-20T00:00:00.000Z", status: "active" });
    expect(bySource(read, "mem-r2")).toMatchObject({ type: "reminder", status: "archived", metadata: { reminder: { done_at: "2026-03-05T00:00:00.000Z" } } });
    expect(bySource(read, "mem-r3")).toMatchObject({ type: "task", content: "Someday: tidy the wiki" });
    const { engine, advance } = testEngine();
    advance(60 * 86_400_000);
    await applyPeerImport(engine, path, read, planPeerImport(engine, path, read));
    const listed = engine.reminders({ allProjects: true });
    expect([...listed.due, ...listed.upcoming].map((r) => r.content)).toEqual(["Renew the TLS cert"]);
  });
});

describe("omega names that are object properties", () => {
  test("an event type, edge type or priority word named like an object property reads as an unknown one", () => {
    const path = omegaDb(mkdtempSync(join(dir, "props-")), "omega-v15");
    const db = new Database(path);
    db.run("UPDATE memories SET event_type = 'constructor', priority = 'toString' WHERE node_id = 'mem-aa11bb22cc33'");
    db.run("INSERT INTO edges (source_id, target_id, edge_type) VALUES ('mem-cc33dd44ee55', 'mem-aa11bb22cc33', 'hasOwnProperty')");
    db.close();
    const read = omega.read(path, opts);
    expect(bySource(read, "mem-aa11bb22cc33")).toMatchObject({ type: "note" });
    expect(read.links.find((l) => l.from === bySource(read, "mem-cc33dd44ee55").id)?.relation).toBe("relates_to");
  });
});

describe("omega errors", () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected an error");
  };

  test("bad metadata names the memory; a file that is not SQLite or not OMEGA's says so", () => {
    expect(message(() => omega.read(omegaDb(dir, "bad-metadata"), opts))).toMatch(/bad-metadata\.db stopped at memory mem-0000000000b2: "metadata" is not a JSON object/);
    const text = join(dir, "notes.db");
    writeFileSync(text, "just some text, long enough to look like a file".repeat(4));
    expect(message(() => omega.read(text, opts))).toMatch(/Cannot read import file ".*notes\.db": not a SQLite database/);
    expect(message(() => omega.read(join(dir, "missing.db"), opts))).toMatch(/missing\.db": no such file/);
  });
});
