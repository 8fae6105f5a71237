/** @module Schema migrations: every earlier version migrates forward with its data intact; newer schemas are refused. */
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { migrate, MIGRATIONS, SCHEMA_VERSION, schemaVersion } from "../../src/store/migrations.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { entryHash } from "../../src/store/audit-chain.ts";
import { canonicalMatch } from "../../src/store/canonical-prefix.ts";
import { hashText } from "../../src/store/stored-hash.ts";
import { KEPT, PRUNE_EVERY, TEXT_LOG_WINDOW } from "../../src/store/text-log.ts";
import { VECTOR_LOG_KEPT } from "../../src/store/vector-log.ts";
import { logHead } from "../../src/store/log-mark.ts";
import { packedBytes, unpackVector } from "../../src/store/vector-codec.ts";
import { encryptedOptions } from "../helpers/engine.ts";

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-mig-"));
  dirs.push(dir);
  return join(dir, "cairn.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database file at schema `version` holding that version's fixture rows, plus whatever `more` writes. */
/**
 * The fixture's hold and rule (version 6 on) without them: the fixture writes their rows alone, where cairn
 * always logs them (engine/holds.ts, retention.ts), for tests that build an audit log of their own and verify it.
 */
function withoutPolicy(raw: Database): void {
  raw.run("DELETE FROM holds");
  raw.run("DELETE FROM retention_rules");
}

function fixtureDb(version: number, more?: (raw: Database) => void): string {
  const path = tempDb();
  const raw = new Database(path, { create: true, strict: true });
  migrate(raw, version);
  FIXTURES[version]!(raw);
  more?.(raw);
  raw.close();
  return path;
}

/**
 * Data written by a database at each schema version, in that version's own SQL. When a migration is
 * added, add the fixture for the version it leaves behind, so the upgrade path keeps being tested.
 */
const FIXTURES: Record<number, (db: Database) => void> = {
  // A version-0 file still holds a page (an empty file is refused as truncated: see test/faults/damaged-db.test.ts).
  0: (db) => void db.run("PRAGMA journal_mode = WAL"),
  1: (db) => {
    db.run(`INSERT INTO memories (id, content, type, tags, project, created_at, updated_at, priority, content_hash, canonical_hash)
            VALUES ('01900000-0000-7000-8000-000000000001', 'fixture memory about rollbacks', 'lesson', '["ops"]', '/p', 1, 1, 4, 'h', 'c')`);
    db.run("INSERT INTO memories_fts (rowid, content, tags) VALUES (1, 'fixture memory about rollbacks', 'ops')");
    db.run("INSERT INTO memory_tags (tag, memory_seq) VALUES ('ops', 1)");
    db.run("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (1, 'use-lite', 2, x'0000803f00000000', 5)");
  },
  2: (db) => FIXTURES[1]!(db),
  3: (db) => FIXTURES[1]!(db),
  4: (db) => FIXTURES[1]!(db),
  5: (db) => FIXTURES[1]!(db),
  6: (db) => {
    FIXTURES[1]!(db);
    db.run("INSERT INTO retention_rules (id, kind, target, keep_ms, grace_ms, created_at, actor) VALUES ('ret-0000000a', 'type', 'error', 86400000, 0, 1, 'cli')");
    db.run("INSERT INTO holds (id, kind, target, reason, created_at, actor) VALUES ('hold-0000000b', 'tag', 'ops', 'case 1', 1, 'cli')");
  },
  7: (db) => FIXTURES[6]!(db),
  8: (db) => {
    FIXTURES[7]!(db);
    db.run("UPDATE sync_local SET value = 1 WHERE key = 'mode'");
    db.run("UPDATE memories SET priority = 5");
  },
  9: (db) => {
    FIXTURES[8]!(db);
    // Version 9 stores int8 + float32 scale: [127, 0] × (1/127) is the same [1, 0].
    db.run("UPDATE vectors SET vector = x'7f000402013c' WHERE memory_seq = 1");
  },
  10: (db) => FIXTURES[9]!(db),
  11: (db) => FIXTURES[10]!(db),
  12: (db) => FIXTURES[11]!(db),
  13: (db) => FIXTURES[12]!(db),
  14: (db) => FIXTURES[13]!(db),
  15: (db) => FIXTURES[14]!(db),
  16: (db) => FIXTURES[15]!(db),
  17: (db) => {
    FIXTURES[16]!(db);
    // Version 17 packs 4-bit values, 32 dims to 16 bytes, then the float32 scale: [7, 0] × (1/7) is [1, 0].
    db.run("UPDATE vectors SET vector = x'070000000000000000000000000000002549123e' WHERE memory_seq = 1");
  },
  18: (db) => FIXTURES[17]!(db),
  19: (db) => FIXTURES[18]!(db),
  20: (db) => FIXTURES[19]!(db),
  21: (db) => {
    FIXTURES[20]!(db);
    db.run("INSERT INTO sync_secret (id, team_key) VALUES (1, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')");
  },
  22: (db) => {
    FIXTURES[21]!(db);
    db.run("INSERT INTO store_state (key, value) VALUES ('audit_key_check', '00000000000000000000000000000000')");
  },
  23: (db) => FIXTURES[22]!(db),
  24: (db) => FIXTURES[23]!(db),
  25: (db) => FIXTURES[24]!(db),
  26: (db) => FIXTURES[25]!(db),
  27: (db) => FIXTURES[26]!(db),
  28: (db) => FIXTURES[27]!(db),
  29: (db) => FIXTURES[28]!(db),
};

describe("migrations", () => {
  test("versions are consecutive from 1 and every earlier version has a fixture", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (let v = 0; v <= SCHEMA_VERSION; v++) expect(FIXTURES[v]).toBeDefined();
  });

  for (let from = 0; from <= SCHEMA_VERSION; from++) {
    test(`migrates a database at version ${from} to ${SCHEMA_VERSION} keeping its data`, async () => {
      const path = tempDb();
      const raw = new Database(path, { create: true, strict: true });
      migrate(raw, from);
      expect(schemaVersion(raw)).toBe(from);
      FIXTURES[from]!(raw);
      raw.close();

      const store = new SqliteStore(path);
      expect(schemaVersion(store.database)).toBe(SCHEMA_VERSION);
      const engine = new Engine({ store, project: "/p" });
      expect(engine.check()).toMatchObject({ integrity: [], ftsErrors: [], ftsMissing: 0, ftsOrphans: 0, tagMismatches: 0 });
      if (from >= 1) {
        const r = await engine.recall({ query: "rollbacks" });
        expect(r.results[0]?.memory.content).toBe("fixture memory about rollbacks");
        const [v] = store.vectors.read("use-lite", 2);
        expect(v && Array.from(v.vector)).toEqual([1, 0]);
      }
      engine.close();
    });
  }

  test("version 4 re-keys path projects that have a git remote and keeps the path as an alias", () => {
    const path = tempDb();
    const base = realpathSync(join(path, ".."));
    const withRemote = join(base, "payments");
    mkdirSync(join(withRemote, ".git"), { recursive: true });
    writeFileSync(join(withRemote, ".git", "config"), '[remote "origin"]\n\turl = git@github.com:acme/payments.git\n');
    const noRemote = join(base, "scratch");
    mkdirSync(join(noRemote, ".git"), { recursive: true });
    const raw = new Database(path, { create: true, strict: true });
    migrate(raw, 3);
    const insert = raw.query(`INSERT INTO memories (id, content, type, project, created_at, updated_at, priority, content_hash, canonical_hash)
                              VALUES (?, ?, 'note', ?, 1, 1, 2, ?, ?)`);
    const rows: Array<[string, string | null]> = [
      ["01900000-0000-7000-8000-00000000000a", withRemote],
      ["01900000-0000-7000-8000-00000000000b", withRemote],
      ["01900000-0000-7000-8000-00000000000c", noRemote],
      ["01900000-0000-7000-8000-00000000000d", "/gone/from/this/machine"],
      ["01900000-0000-7000-8000-00000000000e", "named-project"],
      ["01900000-0000-7000-8000-00000000000f", null],
    ];
    for (const [id, project] of rows) insert.run(id, `memory ${id}`, project, id, id);
    raw.close();

    const store = new SqliteStore(path);
    const projectOf = (id: string) => (store.database.query("SELECT project FROM memories WHERE id = ?").get(id) as { project: string | null }).project;
    expect(rows.map(([id]) => projectOf(id))).toEqual([
      "github.com/acme/payments", "github.com/acme/payments", noRemote, "/gone/from/this/machine", "named-project", null,
    ]);
    expect(store.projectAliases()).toEqual([{ alias: withRemote, project: "github.com/acme/payments" }]);
    // The old path still names the project, from anywhere.
    const engine = new Engine({ store, project: "/elsewhere" });
    expect(engine.list({ project: withRemote, includeGlobal: false }).memories).toHaveLength(2);
    expect(engine.list({ project: "payments", includeGlobal: false }).memories).toHaveLength(2);
    engine.close();
  });

  test("version 5 links the audit entries written before it into a chain that verifies", () => {
    const path = tempDb();
    const raw = new Database(path, { create: true, strict: true });
    migrate(raw, 4);
    const insert = raw.query(`INSERT INTO audit (at, actor, op, memory_id, hash_before, hash_after, content_before, detail)
                              VALUES (?, 'cli', ?, 'm1', ?, ?, ?, '{}')`);
    insert.run(1, "create", null, "h1", null);
    insert.run(2, "update", "h1", "h2", "first text"); // old content kept: the former update guard refused such rows
    insert.run(3, "update", "h2", "h3", "second text");
    raw.close();

    const store = new SqliteStore(path);
    const report = store.verifyAudit();
    expect(report).toMatchObject({ ok: true, checked: 3, head: { count: 3, seq: 3 } });
    // The memory the entries are about, as it now reads: the log's new last word on it must match it.
    const h4 = new Bun.CryptoHasher("sha256").update("fourth text").digest("hex");
    store.database.run("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES ('m1', 'fourth text', 'note', 1, 4, 3, ?, 'c')", [h4]);
    store.appendAudit({ at: 4, actor: "cli", op: "update", memoryId: "m1", hashBefore: "h3", hashAfter: h4, contentBefore: "third text", detail: {} });
    expect(store.verifyAudit()).toMatchObject({ ok: true, checked: 4 });
    // The guard now protects the chain's columns too.
    expect(() => store.database.run("UPDATE audit SET entry_hash = 'x' WHERE seq = 2")).toThrow("append-only");
    store.close();
  });

  test("version 7 adds the encryption record: a version-6 store opens as a plain store", () => {
    const store = new SqliteStore(fixtureDb(6));
    expect(store.encryption()).toBeNull();
    expect(store.get("01900000-0000-7000-8000-000000000001")?.content).toBe("fixture memory about rollbacks");
    store.close();
  });

  test("version 6 adds retention rules and holds: a version-5 store starts with none, and a held tag blocks edits", () => {
    const store = new SqliteStore(fixtureDb(5));
    expect(store.policy.rules()).toEqual([]);
    expect(store.policy.holds(true)).toEqual([]);
    const engine = new Engine({ store, project: "/p" });
    engine.addHold({ tag: "ops", reason: "case 1" });
    expect(() => engine.update("01900000-0000-7000-8000-000000000001", { priority: 1 })).toThrow(/legal hold/);
    engine.close();

    const store6 = new SqliteStore(fixtureDb(6));
    expect(store6.policy.rules().map((r) => [r.id, r.kind, r.target, r.keepMs])).toEqual([["ret-0000000a", "type", "error", 86_400_000]]);
    expect(store6.policy.holds(false).map((h) => [h.id, h.target])).toEqual([["hold-0000000b", "ops"]]);
    store6.close();
  });

  test("version 9's float32 vectors are packed in 4 bits by version 17, and every later vector write is logged", () => {
    const unit = new Float32Array(512).map((_, i) => Math.sin(i + 1));
    const norm = Math.hypot(...unit);
    const v = unit.map((x) => x / norm);
    const path = fixtureDb(6, (raw) => {
      raw.run("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES ('m2', 'second', 'note', 1, 1, 3, 'h2', 'c2')");
      raw.query("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (2, 'use-lite', 512, ?, 5)").run(new Uint8Array(v.buffer));
    });
    const store = new SqliteStore(path);
    const sizes = store.database.query("SELECT dims, length(vector) AS n FROM vectors ORDER BY memory_seq").all();
    expect(sizes).toEqual([{ dims: 2, n: packedBytes(2) }, { dims: 512, n: 260 }]);
    const [back] = store.vectors.read("use-lite", 512);
    let worst = 0;
    for (let i = 0; i < 512; i++) worst = Math.max(worst, Math.abs(back!.vector[i]! - v[i]!));
    expect(worst).toBeGreaterThan(0); // quantised, not copied
    // Within half a step, a step being the largest magnitude / 7.
    expect(worst).toBeLessThanOrEqual(Math.max(...v.map(Math.abs)) / 14 + 1e-7);
    expect(store.database.query("SELECT count(*) AS n FROM vector_log").get()).toEqual({ n: 0 });
    store.database.run("DELETE FROM memories WHERE seq = 2");
    expect(store.database.query("SELECT memory_seq FROM vector_log").all()).toEqual([{ memory_seq: 2 }]);
    store.close();
  });

  test("version 17 rebuilds the vectors table in 4 bits: the same rows, half the pages, its indexes and triggers kept", () => {
    const vectors = Array.from({ length: 300 }, (_, m) => Float32Array.from({ length: 512 }, (_, i) => Math.sin(m * 7 + i * 0.37) * (1 + (i % 5))));
    const int8 = (v: Float32Array) => {
      const max = Math.max(...v.map(Math.abs));
      const scale = Math.fround(max / 127);
      const out = new Uint8Array(516);
      for (let i = 0; i < 512; i++) out[i] = Math.round(v[i]! / scale) & 255;
      new DataView(out.buffer).setFloat32(512, scale, true);
      return out;
    };
    const sealed = Uint8Array.from({ length: 545 }, (_, i) => i % 251); // no layout's length: copied as it is
    const path = fixtureDb(16, (raw) => {
      const memory = raw.query("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, 'x', 'note', 1, 1, 3, ?, ?)");
      const vector = raw.query("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (?, 'use-lite', 512, ?, ?)");
      for (let m = 0; m < vectors.length; m++) {
        memory.run(`v${m}`, `h${m}`, `c${m}`);
        vector.run(m + 2, int8(vectors[m]!), 1000 + m);
      }
      memory.run("sealed", "hs", "cs");
      vector.run(vectors.length + 2, sealed, 7);
    });
    const raw = new Database(path, { strict: true });
    const pages = () => (raw.query("SELECT count(*) AS n FROM dbstat WHERE name = 'vectors'").get() as { n: number }).n;
    const before = pages();
    const rowsBefore = raw.query("SELECT rowid, memory_seq, created_at FROM vectors ORDER BY rowid").all();
    const schemaBefore = raw.query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'vectors' AND type != 'table' ORDER BY name").all();
    raw.close();
    // To version 17 only: version 23 keys the table anew (tested below).
    const db = new Database(path, { strict: true });
    db.run("PRAGMA foreign_keys = ON");
    migrate(db, 17);
    expect(db.query("SELECT rowid, memory_seq, created_at FROM vectors ORDER BY rowid").all()).toEqual(rowsBefore);
    expect(db.query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'vectors' AND type != 'table' ORDER BY name").all()).toEqual(schemaBefore);
    const after = (db.query("SELECT count(*) AS n FROM dbstat WHERE name = 'vectors'").get() as { n: number }).n;
    expect(after).toBeLessThanOrEqual(Math.ceil(before * 0.55));
    const back = new Map((db.query("SELECT memory_seq AS seq, vector FROM vectors").all() as Array<{ seq: number; vector: Uint8Array }>).map((r) => [r.seq, unpackVector(r.vector, 512)]));
    for (let m = 0; m < vectors.length; m++) {
      const was = unpackVector(int8(vectors[m]!), 512)!;
      const now = back.get(m + 2)!;
      expect(db.query("SELECT length(vector) AS n FROM vectors WHERE memory_seq = ?").get(m + 2)).toEqual({ n: 260 });
      const step = Math.max(...was.map(Math.abs)) / 7;
      for (let i = 0; i < 512; i++) expect(Math.abs(now[i]! - was[i]!)).toBeLessThanOrEqual(step / 2 + 1e-6);
    }
    expect(db.query("SELECT vector FROM vectors WHERE memory_seq = ?").get(vectors.length + 2)).toEqual({ vector: sealed });
    // The triggers still fire on the rebuilt table: a delete is logged and counted.
    const counted = () => (db.query("SELECT n FROM row_counts WHERE name = 'vectors/use-lite'").get() as { n: number }).n;
    expect(counted()).toBe(vectors.length + 2); // and the fixture's own
    db.run("DELETE FROM memories WHERE seq = 2");
    expect(db.query("SELECT memory_seq FROM vector_log ORDER BY id DESC LIMIT 1").get()).toEqual({ memory_seq: 2 });
    expect(counted()).toBe(vectors.length + 1);
    db.close();
  });

  test("version 23 drops the per-model index of vectors: the same rows, fewer pages, the in-memory index and counts as before", () => {
    const path = fixtureDb(22, (raw) => {
      const memory = raw.query("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, 'x', 'note', 1, 1, 3, ?, ?)");
      const vector = raw.query("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (?, 'use-lite', 2, x'070000000000000000000000000000002549123e', ?)");
      for (let m = 2; m <= 2001; m++) {
        memory.run(`v${m}`, `h${m}`, `c${m}`);
        vector.run(m, 1000 + m);
      }
    });
    const raw = new Database(path, { strict: true });
    // By key: version 25, which the store also runs, keeps vectors WITHOUT ROWID.
    const rows = () => raw.query("SELECT memory_seq, model, dims, created_at, vector FROM vectors ORDER BY memory_seq, model").all();
    const pages = () => (raw.query("SELECT count(*) AS n FROM dbstat WHERE name IN ('vectors', 'vectors_model') OR name LIKE 'sqlite_autoindex_vectors%'").get() as { n: number }).n;
    const [rowsBefore, pagesBefore] = [rows(), pages()];
    raw.close();
    const store = new SqliteStore(path);
    const db = store.database;
    expect(db.query("SELECT name FROM sqlite_schema WHERE tbl_name = 'vectors' AND type = 'index' AND sql IS NOT NULL").all()).toEqual([]);
    expect(db.query("SELECT memory_seq, model, dims, created_at, vector FROM vectors ORDER BY memory_seq, model").all()).toEqual(rowsBefore);
    expect((db.query("SELECT count(*) AS n FROM dbstat WHERE name IN ('vectors', 'vectors_model') OR name LIKE 'sqlite_autoindex_vectors%'").get() as { n: number }).n).toBeLessThan(pagesBefore);
    expect(store.vectors.hasAny("use-lite")).toBe(true);
    expect(store.vectors.hasAny("other")).toBe(false);
    expect(store.vectors.count("use-lite")).toBe(2001);
    store.close();
  });

  test("version 25 keeps vectors by their key (WITHOUT ROWID): the same rows in fewer pages, the copy no change to log or count, the triggers at work after", () => {
    const path = fixtureDb(24, (raw) => {
      const memory = raw.query("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, 'x', 'note', 1, 1, 3, ?, ?)");
      const vector = raw.query("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (?, ?, 2, x'070000000000000000000000000000002549123e', ?)");
      // Written newest first, as a search's catch-up does, and a second model for some: keys out of rowid order.
      for (let m = 2001; m >= 2; m--) {
        memory.run(`v${m}`, `h${m}`, `c${m}`);
        vector.run(m, "use-lite", 1000 + m);
        if (m % 3 === 0) vector.run(m, "other", 5000 + m);
      }
    });
    const raw = new Database(path, { strict: true });
    const rows = (db: Database) => db.query("SELECT memory_seq, model, dims, created_at, vector FROM vectors ORDER BY memory_seq, model").all();
    const pages = (db: Database) => (db.query("SELECT count(*) AS n FROM dbstat WHERE name = 'vectors' OR name LIKE 'sqlite_autoindex_vectors%'").get() as { n: number }).n;
    const triggers = (db: Database) => db.query("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'vectors' ORDER BY name").all();
    const lastLog = (db: Database) => db.query("SELECT max(id) AS id FROM vector_log").get();
    const [rowsBefore, pagesBefore, triggersBefore, logBefore] = [rows(raw), pages(raw), triggers(raw), lastLog(raw)];
    raw.close();
    const store = new SqliteStore(path);
    const db = store.database;
    expect((db.query("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'vectors'").get() as { sql: string }).sql).toMatch(/WITHOUT ROWID$/);
    expect(db.query("SELECT name FROM sqlite_schema WHERE tbl_name = 'vectors' AND type = 'index'").all()).toEqual([]);
    expect(rows(db)).toEqual(rowsBefore);
    expect(pages(db)).toBeLessThan(pagesBefore);
    expect(triggers(db)).toEqual(triggersBefore);
    expect(lastLog(db)).toEqual(logBefore);
    expect(store.vectors.count("use-lite")).toBe(2001);
    expect(store.vectors.count("other")).toBe(667);
    db.run("DELETE FROM memories WHERE seq = 3");
    expect(db.query("SELECT memory_seq FROM vector_log ORDER BY id DESC LIMIT 2").all()).toEqual([{ memory_seq: 3 }, { memory_seq: 3 }]);
    expect([store.vectors.count("use-lite"), store.vectors.count("other")]).toEqual([2000, 666]);
    expect(db.query("PRAGMA foreign_key_check(vectors)").all()).toEqual([]);
    store.close();
  });

  test("version 18 stores the audit log's hashes as bytes: the same entries, the chain verifying, other forms kept as text, a third fewer pages", () => {
    const keyed = (i: number) => `hmac:${new Bun.CryptoHasher("sha256").update(`content ${i}`).digest("hex")}`;
    const entries: Array<{ seq: number; at: number; actor: string; op: string; memory_id: string; hash_before: string | null; hash_after: string | null; detail: string }> = [];
    for (let i = 1; i <= 400; i++) {
      entries.push({ seq: i, at: 1000 + i, actor: "cli", op: i % 3 === 0 ? "update" : "create", memory_id: `m${i}`, hash_before: i % 3 === 0 ? keyed(i - 1) : null, hash_after: keyed(i), detail: `{"n":${i}}` });
    }
    // Other forms: an unkeyed digest (as an early version wrote) and a short text.
    entries.push({ seq: 401, at: 2000, actor: "cli", op: "update", memory_id: "m1", hash_before: "ab".repeat(32), hash_after: "hmac:abc", detail: "{}" });
    const hashes: string[] = [];
    const path = fixtureDb(17, (raw) => {
      withoutPolicy(raw);
      let prev = "0".repeat(64);
      const insert = raw.query("INSERT INTO audit (seq, at, actor, op, memory_id, hash_before, hash_after, detail, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (const e of entries) {
        const hash = entryHash(e, prev);
        // The first ten linked the way of versions before 10 (the link stored too).
        insert.run(e.seq, e.at, e.actor, e.op, e.memory_id, e.hash_before, e.hash_after, e.detail, e.seq <= 10 ? prev : null, hash);
        hashes.push(hash);
        prev = hash;
      }
      raw.run("ANALYZE");
    });
    const raw = new Database(path, { strict: true });
    const pages = () => (raw.query("SELECT count(*) AS n FROM dbstat WHERE name = 'audit'").get() as { n: number }).n;
    const before = pages();
    const schemaBefore = raw.query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'audit' AND type != 'table' ORDER BY name").all();
    const measures = () => raw.query("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'audit' ORDER BY idx").all();
    const measured = measures();
    expect(measured).toMatchObject([{ tbl: "audit", idx: "audit_memory" }]);
    raw.close();
    const store = new SqliteStore(path);
    const db = store.database;
    expect(store.verifyAudit({ seq: 401, hash: hashes[400]! })).toMatchObject({ ok: true, checked: 401 });
    const log = store.auditLog({ limit: 1000 }).reverse();
    expect(log.map((e) => [e.seq, e.at, e.op, e.memoryId, e.hashBefore, e.hashAfter, e.detail, e.entryHash])).toEqual(
      entries.map((e, i) => [e.seq, e.at, e.op, e.memory_id, e.hash_before, e.hash_after, JSON.parse(e.detail), hashes[i]]),
    );
    // Keyed hashes a tag byte and 32, digests 32; "hmac:abc" is no digest and stays text.
    const stored = db.query("SELECT length(hash_before) AS b, length(hash_after) AS a, length(prev_hash) AS p, length(entry_hash) AS e, typeof(hash_after) AS t FROM audit WHERE seq IN (3, 20, 401) ORDER BY seq").all();
    expect(stored).toEqual([
      { b: 33, a: 33, p: 32, e: 32, t: "blob" },
      { b: null, a: 33, p: null, e: 32, t: "blob" },
      { b: 32, a: 8, p: null, e: 32, t: "text" },
    ]);
    // The audit table's indexes and triggers survive its rebuild; version 24 adds one of its own (sync of erased histories).
    expect(db.query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'audit' AND type != 'table' AND name != 'sync_history_erased' ORDER BY name").all()).toEqual(schemaBefore);
    expect(db.query("SELECT name FROM sqlite_schema WHERE tbl_name = 'audit' AND name = 'sync_history_erased'").all()).toEqual([{ name: "sync_history_erased" }]);
    expect(db.query("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'audit' ORDER BY idx").all()).toEqual(measured);
    const after = (db.query("SELECT count(*) AS n FROM dbstat WHERE name = 'audit'").get() as { n: number }).n;
    expect(after).toBeLessThanOrEqual(Math.ceil(before * 0.67));
    // Still append-only, and new entries chain on from the converted ones.
    expect(() => db.run("DELETE FROM audit WHERE seq = 1")).toThrow("append-only");
    expect(() => db.run("UPDATE audit SET hash_after = NULL WHERE seq = 2")).toThrow("append-only");
    const engine = new Engine({ store, project: "/p" });
    engine.remember({ content: "a memory written after the upgrade" });
    expect(store.verifyAudit({ seq: 401, hash: hashes[400]! })).toMatchObject({ ok: true, checked: 402 });
    engine.close();
  });

  test("version 19 stores the memories' hashes as bytes: every row, vector, tag and link kept, triggers firing, duplicates found, fewer pages", () => {
    const digest = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex");
    const n = 300;
    const path = fixtureDb(18, (raw) => {
      const memory = raw.query(`INSERT INTO memories (id, content, type, tags, project, created_at, updated_at, priority, content_hash, canonical_hash)
                                VALUES (?, ?, 'note', '["t"]', '/p', ?, ?, 3, ?, ?)`);
      const vector = raw.query("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (?, 'use-lite', 2, x'070000000000000000000000000000002549123e', 1)");
      const tag = raw.query("INSERT INTO memory_tags (tag, memory_seq) VALUES ('t', ?)");
      const link = raw.query("INSERT INTO edges (from_seq, to_seq, relation, created_at) VALUES (?, ?, 'related', 1)");
      const fts = raw.query("INSERT INTO memories_fts (rowid, content, tags) VALUES (?, ?, 't')");
      for (let i = 0; i < n; i++) {
        // Keyed hashes (an encrypted store's form) for a few, plain digests for the rest.
        const keyed = i % 50 === 0 ? "hmac:" : "";
        const seq = memory.run(`m${i}`, `memory number ${i} of the fixture`, i, i, keyed + digest(`c${i}`), keyed + digest(`k${i}`)).lastInsertRowid as number;
        vector.run(seq);
        fts.run(seq, `memory number ${i} of the fixture`);
        tag.run(seq);
        if (i > 0) link.run(seq, seq - 1);
      }
      raw.run("ANALYZE");
    });
    const raw = new Database(path, { strict: true });
    const snapshot = (db: Database) => ({
      memories: db.query("SELECT seq, id, content, type, tags, project, created_at, updated_at, priority, status FROM memories ORDER BY seq").all(),
      hashes: (db.query("SELECT content_hash AS c, canonical_hash AS k FROM memories ORDER BY seq").all() as Array<{ c: unknown; k: unknown }>).map((r) => [hashText(r.c), hashText(r.k)]),
      vectors: db.query("SELECT memory_seq, vector FROM vectors ORDER BY memory_seq").all(),
      tags: db.query("SELECT tag, memory_seq FROM memory_tags ORDER BY memory_seq").all(),
      edges: db.query("SELECT from_seq, to_seq FROM edges ORDER BY from_seq").all(),
      fts: db.query("SELECT rowid FROM memories_fts WHERE memories_fts MATCH 'fixture' ORDER BY rowid").all(),
      counts: db.query("SELECT name, n FROM row_counts ORDER BY name").all(),
      // Migration 23's trigger on memories (moves between projects logged for the vector index), 26's index of id ends
      // and 28's of types per scope come later.
      schema: db.query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'memories' AND type != 'table' AND name NOT IN ('memories_canonical_prefix', 'vector_log_project', 'memories_id_tail', 'memories_scope_type') ORDER BY name").all(),
      measures: db.query("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'memories' ORDER BY idx").all(),
    });
    const before = snapshot(raw);
    const pages = (raw.query("SELECT count(*) AS n FROM dbstat WHERE name = 'memories'").get() as { n: number }).n;
    raw.close();
    const store = new SqliteStore(path);
    const db = store.database;
    expect(snapshot(db)).toEqual(before);
    expect(before.vectors.length).toBe(n + 1); // and the fixture's own
    expect(db.query("SELECT typeof(content_hash) AS t, length(content_hash) AS c, length(canonical_hash) AS k FROM memories WHERE id IN ('m0', 'm1') ORDER BY id").all()).toEqual([
      { t: "blob", c: 33, k: 33 },
      { t: "blob", c: 32, k: 32 },
    ]);
    expect(db.query("SELECT typeof(content_hash) AS t FROM memories WHERE seq = 1").get()).toEqual({ t: "text" }); // the fixture's 'h'
    expect((db.query("SELECT count(*) AS n FROM dbstat WHERE name = 'memories'").get() as { n: number }).n).toBeLessThan(pages * 0.85);
    expect(db.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    // The prefix index is on the bytes now, and a lookup through canonicalMatch uses it.
    const k7 = digest("k7");
    const match = canonicalMatch("m", [k7]);
    const plan = db.query(`EXPLAIN QUERY PLAN SELECT m.id FROM memories m WHERE ${match.sql}`).all(...match.params) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(" ")).toContain("memories_canonical_prefix");
    expect(db.query(`SELECT m.id FROM memories m WHERE ${match.sql}`).all(...match.params)).toEqual([{ id: "m7" }]);
    const engine = new Engine({ store, project: "/p" });
    const first = engine.remember({ content: "Deploys go out on Tuesdays.", type: "fact" });
    expect(engine.remember({ content: "deploys go out on tuesdays", type: "fact" })).toMatchObject({ status: "duplicate", id: first.id });
    expect(engine.check()).toMatchObject({ integrity: [], ftsErrors: [], ftsMissing: 0, ftsOrphans: 0, tagMismatches: 0 });
    // Triggers fire on the rebuilt table (change log, counts), and deletes cascade again.
    expect(db.query("SELECT n FROM row_counts WHERE name = 'memories'").get()).toEqual({ n: n + 2 });
    const logged = logHead(db, "text_log").id;
    db.run("DELETE FROM memories WHERE id = 'm5'");
    expect(logHead(db, "text_log").id).toBe(logged + 1);
    expect(db.query("SELECT count(*) AS n FROM vectors").get()).toEqual({ n: n });
    expect(db.query("SELECT count(*) AS n FROM edges WHERE from_seq = 7 OR to_seq = 7").get()).toEqual({ n: 0 });
    engine.close();
  });

  test("version 19 keeps memories at seq 0 and below (another tool's rows), and refuses to run inside a caller's transaction", () => {
    const path = fixtureDb(18, (raw) => {
      const memory = raw.query(`INSERT INTO memories (seq, id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, ?, ?, 'note', 1, 1, 3, ?, ?)`);
      memory.run(0, "zero", "row zero", "a".repeat(64), "b".repeat(64));
      memory.run(-5, "below", "row below zero", "c".repeat(64), "d".repeat(64));
    });
    // Inside a transaction of the caller's SQLite cannot turn foreign keys off, and the copy would cascade.
    const raw = new Database(path, { strict: true });
    raw.run("PRAGMA foreign_keys = ON");
    raw.run("BEGIN");
    expect(() => migrate(raw)).toThrow(/inside another transaction/);
    raw.run("ROLLBACK");
    expect(schemaVersion(raw)).toBe(18);
    expect(raw.query("SELECT count(*) AS n FROM vectors").get()).toEqual({ n: 1 });
    raw.close();
    const store = new SqliteStore(path);
    const rows = store.database.query("SELECT seq, id, content_hash AS h FROM memories WHERE seq <= 0 ORDER BY seq").all() as Array<{ seq: number; id: string; h: unknown }>;
    expect(rows.map((r) => [r.seq, r.id, hashText(r.h)])).toEqual([[-5, "below", "c".repeat(64)], [0, "zero", "a".repeat(64)]]);
    expect(schemaVersion(store.database)).toBe(SCHEMA_VERSION);
    store.close();
  });

  test("version 10 finds duplicates by a hash prefix and writes audit entries without a stored link, old ones still verifying", () => {
    const path = fixtureDb(9, (raw) => {
      withoutPolicy(raw);
      // Two version-9 entries, linked the old way (prev_hash stored).
      const prev = "0".repeat(64);
      const e1 = { seq: 1, at: 1, actor: "cli", op: "create", memory_id: "01900000-0000-7000-8000-000000000001", hash_before: null, hash_after: "hmac:a" };
      const h1 = entryHash(e1, prev);
      const e2 = { ...e1, seq: 2, at: 2, op: "reinforce", hash_before: "hmac:a" };
      raw.query("INSERT INTO audit (seq, at, actor, op, memory_id, hash_before, hash_after, detail, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?, ?)").run(e1.seq, e1.at, e1.actor, e1.op, e1.memory_id, e1.hash_before, e1.hash_after, prev, h1);
      raw.query("INSERT INTO audit (seq, at, actor, op, memory_id, hash_before, hash_after, detail, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?, ?)").run(e2.seq, e2.at, e2.actor, e2.op, e2.memory_id, e2.hash_before, e2.hash_after, h1, entryHash(e2, h1));
    });
    const store = new SqliteStore(path);
    const db = store.database;
    const indexes = (db.query("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'memories' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(indexes).toContain("memories_canonical_prefix");
    expect(indexes).not.toContain("memories_canonical");
    const engine = new Engine({ store, project: "/p" });
    const first = engine.remember({ content: "Deploys go out on Tuesdays.", type: "fact" });
    // The same text up to case and punctuation is found through the prefix index and reinforced.
    expect(engine.remember({ content: "deploys go out on tuesdays", type: "fact" })).toMatchObject({ status: "duplicate", id: first.id });
    const match = canonicalMatch("m", ["a".repeat(64)]);
    const plan = db.query(`EXPLAIN QUERY PLAN SELECT m.seq FROM memories m WHERE m.status = 'active' AND ${match.sql}`).all(...match.params) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(" ")).toContain("memories_canonical_prefix");
    const rows = db.query("SELECT seq, prev_hash FROM audit ORDER BY seq").all() as Array<{ seq: number; prev_hash: string | null }>;
    expect(rows.length).toBe(4);
    expect(rows.slice(0, 2).every((r) => r.prev_hash !== null)).toBe(true);
    expect(rows.slice(2).every((r) => r.prev_hash === null)).toBe(true);
    expect(store.verifyAudit()).toMatchObject({ ok: true, checked: 4 });
    engine.close();
  });

  test("version 11 logs every insert, text change and delete of a memory in text_log, and prunes it", () => {
    const store = new SqliteStore(fixtureDb(10, withoutPolicy));
    const db = store.database;
    const engine = new Engine({ store, project: "/p" });
    const logged = () => (db.query("SELECT memory_seq FROM text_log ORDER BY id").values() as number[][]).map((r) => r[0]);
    expect(logged()).toEqual([]); // what was there before the log is in any index built since
    const seqOf = (id: string) => (db.query("SELECT seq FROM memories WHERE id = ?").get(id) as { seq: number }).seq;
    const a = engine.remember({ content: "a note about the log" }).id;
    const b = engine.remember({ content: "another note, soon gone" }).id;
    const [sa, sb] = [seqOf(a), seqOf(b)];
    db.run("UPDATE memories SET access_count = access_count + 1 WHERE seq = 1"); // not indexed text: not logged
    engine.update(a, { content: "a note about the text log" });
    engine.forget(b, { hard: true });
    expect(logged()).toEqual([sa, sb, sa, sb]);
    // Every 4,096th entry deletes the entries 65,536 or more behind it.
    db.run(`INSERT INTO sqlite_sequence (name, seq) SELECT 'text_log', ${KEPT + PRUNE_EVERY - 4} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'text_log')`);
    db.run(`UPDATE sqlite_sequence SET seq = ${KEPT + PRUNE_EVERY - 4} WHERE name = 'text_log'`);
    db.run("INSERT INTO text_log (memory_seq) VALUES (7)"); // id KEPT + PRUNE_EVERY - 3
    expect(logged()).toEqual([sa, sb, sa, sb, 7]);
    for (let i = 0; i < 3; i++) db.run("INSERT INTO text_log (memory_seq) VALUES (8)"); // the last has id KEPT + PRUNE_EVERY
    expect(logged()).toEqual([7, 8, 8, 8]);
    engine.close();
  });

  test("version 27 keeps a shorter change log of indexed text: entries past 8,192 behind go at the upgrade, then every 4,096th entry prunes to it", () => {
    const path = fixtureDb(26, (raw) => {
      const log = raw.query("INSERT INTO text_log (memory_seq, stamp) VALUES (?, 1)");
      // One transaction: 20,000 commits took a minute on a loaded machine.
      raw.transaction(() => {
        for (let i = 1; i <= 20_000; i++) log.run(i);
      })();
    });
    const store = new SqliteStore(path);
    const db = store.database;
    const ids = () => db.query("SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM text_log").get() as { lo: number; hi: number; n: number };
    const head = ids().hi;
    expect(ids()).toEqual({ lo: head - TEXT_LOG_WINDOW + 1, hi: head, n: TEXT_LOG_WINDOW });
    const next = Math.ceil((head + 1) / PRUNE_EVERY) * PRUNE_EVERY;
    const log = db.query("INSERT INTO text_log (memory_seq, stamp) VALUES (1, 1)");
    db.transaction(() => {
      for (let id = head + 1; id < next; id++) log.run();
    })();
    expect(ids().hi).toBe(next - 1);
    expect(ids().lo).toBe(head - TEXT_LOG_WINDOW + 1); // nothing pruned between multiples of 4,096
    log.run(); // id `next`
    expect(ids()).toEqual({ lo: next - TEXT_LOG_WINDOW + 1, hi: next, n: TEXT_LOG_WINDOW });
    store.close();
  });

  test("version 29 keeps the sync server's password beside the team key: a team key of an earlier store stays, no password yet", () => {
    let before: unknown[] = [];
    const path = fixtureDb(28, (raw) => (before = raw.query("SELECT team_key FROM sync_secret").all()));
    const store = new SqliteStore(path);
    expect(before).toHaveLength(1);
    expect(store.database.query("SELECT team_key FROM sync_secret").all()).toEqual(before);
    expect(store.database.query("SELECT server_password FROM sync_secret").all()).toEqual([{ server_password: null }]);
    expect(store.sync.serverPassword()).toBeNull();
    store.sync.setServerPassword("s3cret");
    expect(store.sync.serverPassword()).toBe("s3cret");
    store.close();
  });

  test("version 20 prunes the vector change log itself: what an older store kept past the window, then every 4,096th entry", () => {
    // An encrypted or small store at version 19 kept every entry: ids 1–2 long ago, then a head past the window.
    const head = VECTOR_LOG_KEPT + 10;
    const path = fixtureDb(19, (raw) => {
      raw.run("INSERT INTO vector_log (memory_seq, stamp) VALUES (1, 11), (1, 12)");
      raw.run(`UPDATE sqlite_sequence SET seq = ${head - 1} WHERE name = 'vector_log'`);
      raw.run("INSERT INTO vector_log (memory_seq, stamp) VALUES (1, 13)");
    });
    const store = new SqliteStore(path);
    const db = store.database;
    const ids = () => (db.query("SELECT id FROM vector_log ORDER BY id").values() as number[][]).map((r) => r[0]!);
    // The upgrade deleted what lies the window or more behind the head, and moved the mark as a publish does.
    expect(ids()).toEqual([head]);
    expect(store.vectors.logState().pruned).toBe(head - VECTOR_LOG_KEPT + 1);
    // A reader positioned at a deleted entry cannot catch up (it rebuilds); one at the head can.
    expect(store.vectors.changedSince(2, 12, 100)).toBeNull();
    expect(store.vectors.changedSince(head, 13, 100)).toEqual([]);
    // The trigger: the entry whose id is a multiple of 4,096 deletes those the window or more behind it.
    const next = Math.ceil((head + 1) / PRUNE_EVERY) * PRUNE_EVERY;
    // Entries just at and just inside the window's edge as seen from `next` (given their ids outright).
    db.run(`INSERT INTO vector_log (id, memory_seq, stamp) VALUES (${next - VECTOR_LOG_KEPT}, 2, 14), (${next - VECTOR_LOG_KEPT + 1}, 2, 14)`);
    db.run(`UPDATE sqlite_sequence SET seq = ${next - 2} WHERE name = 'vector_log'`);
    db.run("INSERT INTO vector_log (memory_seq, stamp) VALUES (3, 15)"); // id next − 1: not a multiple, nothing pruned
    expect(ids()).toEqual([next - VECTOR_LOG_KEPT, next - VECTOR_LOG_KEPT + 1, head, next - 1]);
    db.run("INSERT INTO vector_log (memory_seq, stamp) VALUES (4, 16)"); // id next
    expect(ids()).toEqual([next - VECTOR_LOG_KEPT + 1, head, next - 1, next]);
    expect(store.vectors.logState().pruned).toBe(next - VECTOR_LOG_KEPT + 1);
    store.close();
  });

  test("version 12 stamps every change-log entry, those logged before it and every one after, each anew", () => {
    const path = fixtureDb(11, (raw) => {
      raw.run("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES ('m2', 'second', 'note', 1, 1, 3, 'h2', 'c2')");
      raw.run("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (2, 'use-lite', 2, x'7f000402013c', 5)");
    });
    const store = new SqliteStore(path);
    const db = store.database;
    const stamps = (log: string) => (db.query(`SELECT stamp FROM ${log} ORDER BY id`).values() as number[][]).map((r) => r[0]!);
    // The fixture's two memories and two vectors, logged at version 11.
    expect(stamps("text_log").length).toBe(2);
    expect(stamps("vector_log").length).toBe(2);
    const engine = new Engine({ store, project: "/p" });
    const a = engine.remember({ content: "a note about stamps" }).id;
    engine.update(a, { content: "a note about log stamps" });
    db.run("DELETE FROM vectors WHERE memory_seq = 2");
    for (const log of ["text_log", "vector_log"]) {
      const all = stamps(log);
      expect(all.length).toBe(log === "text_log" ? 4 : 3);
      expect(all.every((s) => Number.isSafeInteger(s) && s !== 0)).toBe(true);
      expect(new Set(all).size).toBe(all.length);
    }
    expect(logHead(db, "text_log")).toEqual({ id: 4, stamp: stamps("text_log")[3]! });
    engine.close();
  });

  test("version 15 counts memories and each model's vectors, and keeps counting through replaced vectors and cascades", () => {
    const path = fixtureDb(14, (raw) => {
      raw.run("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES ('m2', 'second', 'note', 1, 1, 3, 'h2', 'c2')");
      raw.run("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (2, 'other', 2, x'7f000402013c', 5)");
    });
    const store = new SqliteStore(path);
    const db = store.database;
    const counts = () => Object.fromEntries((db.query("SELECT name, n FROM row_counts ORDER BY name").values() as [string, number][]));
    expect(counts()).toEqual({ memories: 2, "vectors/other": 1, "vectors/use-lite": 1 });
    expect(store.vectors.pendingCount("use-lite")).toBe(1);
    expect(store.vectors.pendingCount("other")).toBe(1);
    expect(store.vectors.pendingCount("unseen")).toBe(2);
    // A vector written again for the same memory and model replaces it: counted once.
    store.vectors.put("use-lite", 2, [{ seq: 1, contentHash: "h", vector: new Float32Array([0, 1]) }], 9);
    store.vectors.put("use-lite", 2, [{ seq: 1, contentHash: "h", vector: new Float32Array([1, 1]) }], 10);
    expect(counts()["vectors/use-lite"]).toBe(1);
    // Deleting a memory deletes its vectors (a cascade): both counts follow.
    db.run("DELETE FROM memories WHERE seq = 2");
    expect(counts()).toEqual({ memories: 1, "vectors/other": 0, "vectors/use-lite": 1 });
    expect(store.vectors.pendingCount("use-lite")).toBe(0);
    store.close();
  });

  test("migrating twice is a no-op", () => {
    const db = new Database(":memory:");
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    expect(migrate(db)).toBe(SCHEMA_VERSION);
  });

  test("an encrypted store of an older schema opened with a wrong key is refused before its upgrade; the right key upgrades it (QA)", () => {
    const path = tempDb();
    const { key } = encryptedOptions(undefined, path);
    const made = new SqliteStore(path, encryptedOptions(key, path));
    const id = new Engine({ store: made, project: "/p", actor: "test" }).remember({ content: "sealed before the upgrade" }).id;
    made.close();
    const raw = new Database(path);
    raw.run("ALTER TABLE sync_secret DROP COLUMN server_password");
    raw.run(`PRAGMA user_version = ${SCHEMA_VERSION - 1}`);
    raw.close();
    expect(() => new SqliteStore(path, encryptedOptions(undefined, path))).toThrow(expect.objectContaining({ code: "KEY_WRONG" }));
    const after = new Database(path, { readonly: true });
    expect(schemaVersion(after)).toBe(SCHEMA_VERSION - 1);
    after.close();
    const store = new SqliteStore(path, encryptedOptions(key, path));
    expect(store.get(id)?.content).toBe("sealed before the upgrade");
    expect(schemaVersion(store.database)).toBe(SCHEMA_VERSION);
    store.close();
  });

  test("a store of an older schema that cannot be written is read from a copy upgraded in memory; the file stays as it was (QA)", () => {
    // In WAL mode, as cairn keeps its files (a copy in memory cannot open a WAL database as it is).
    const path = fixtureDb(14, (raw) => void raw.run("PRAGMA journal_mode = WAL"));
    const before = readFileSync(path);
    const store = new SqliteStore(path, { readOnly: true });
    try {
      expect(store.get("01900000-0000-7000-8000-000000000001")?.content).toBe("fixture memory about rollbacks");
      expect(schemaVersion(store.database)).toBe(SCHEMA_VERSION);
      const engine = new Engine({ store, project: "/p", actor: "test" });
      expect(engine.list().total).toBeGreaterThan(0);
      expect(() => engine.remember({ content: "not into the copy" })).toThrow(expect.objectContaining({ code: "DB_READ_ONLY" }));
    } finally {
      store.close();
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test("a database from a newer cairn is refused, not modified", () => {
    const path = tempDb();
    const raw = new Database(path, { create: true });
    raw.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => new SqliteStore(path)).toThrow(/newer than this cairn/);
    const again = new Database(path);
    expect(schemaVersion(again)).toBe(SCHEMA_VERSION + 1);
    again.close();
  });

  test("the database file and directory are private", () => {
    const path = join(tempDb().replace("cairn.db", "nested"), "cairn.db");
    const store = new SqliteStore(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
    store.close();
  });
});
