/**
 * @module Migrations 1–8, the first releases' schema (migrations.ts runs them with the rest). Like every
 * migration, never edited once released.
 */
import type { Migration } from "./migrations.ts";
import { backfillChain } from "./audit-chain.ts";
import { rekeyPathProjects } from "./project-keys.ts";
import { SYNC_SCHEMA } from "./sync-schema.ts";

export const FIRST_MIGRATIONS: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: "memories, fts, vectors, edges, tags, audit",
    sql: `
      CREATE TABLE memories (
        seq              INTEGER PRIMARY KEY,
        id               TEXT NOT NULL UNIQUE,
        content          TEXT NOT NULL,
        type             TEXT NOT NULL,
        tags             TEXT NOT NULL DEFAULT '[]',
        project          TEXT,
        session_id       TEXT,
        agent            TEXT,
        source           TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        event_time       INTEGER,
        expires_at       INTEGER,
        priority         INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
        access_count     INTEGER NOT NULL DEFAULT 0,
        last_accessed_at INTEGER,
        content_hash     TEXT NOT NULL,
        canonical_hash   TEXT NOT NULL,
        status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'superseded', 'archived')),
        superseded_by    TEXT,
        metadata         TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX memories_scope ON memories (project, status, created_at);
      CREATE INDEX memories_canonical ON memories (canonical_hash);
      CREATE INDEX memories_type ON memories (type, created_at);
      CREATE INDEX memories_time ON memories (coalesce(event_time, created_at));

      -- Contentless: the store writes index rows itself, in the same transaction as the memory row, so
      -- stored content can later be encrypted while the index keeps working.
      CREATE VIRTUAL TABLE memories_fts USING fts5 (
        content, tags,
        content = '', contentless_delete = 1,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );

      CREATE TABLE memory_tags (
        tag        TEXT NOT NULL,
        memory_seq INTEGER NOT NULL REFERENCES memories (seq) ON DELETE CASCADE,
        PRIMARY KEY (tag, memory_seq)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX memory_tags_memory ON memory_tags (memory_seq);

      CREATE TABLE vectors (
        memory_seq INTEGER NOT NULL REFERENCES memories (seq) ON DELETE CASCADE,
        model      TEXT NOT NULL,
        dims       INTEGER NOT NULL CHECK (dims > 0),
        vector     BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (memory_seq, model)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX vectors_model ON vectors (model);

      CREATE TABLE edges (
        from_seq   INTEGER NOT NULL REFERENCES memories (seq) ON DELETE CASCADE,
        to_seq     INTEGER NOT NULL REFERENCES memories (seq) ON DELETE CASCADE,
        relation   TEXT NOT NULL,
        weight     REAL NOT NULL DEFAULT 1.0,
        created_at INTEGER NOT NULL,
        metadata   TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (from_seq, to_seq, relation)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX edges_to ON edges (to_seq);

      -- Append-only: rows are never deleted, and the only change allowed is erasing the stored old
      -- content when a memory is purged (cairn forget --hard), so purged text survives nowhere.
      CREATE TABLE audit (
        seq            INTEGER PRIMARY KEY,
        at             INTEGER NOT NULL,
        actor          TEXT NOT NULL,
        op             TEXT NOT NULL,
        memory_id      TEXT NOT NULL,
        hash_before    TEXT,
        hash_after     TEXT,
        content_before TEXT,
        detail         TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX audit_memory ON audit (memory_id, seq);
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER audit_only_purge BEFORE UPDATE ON audit
        WHEN NEW.content_before IS NOT NULL OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at
          OR NEW.op IS NOT OLD.op OR NEW.memory_id IS NOT OLD.memory_id OR NEW.actor IS NOT OLD.actor
          OR NEW.hash_before IS NOT OLD.hash_before OR NEW.hash_after IS NOT OLD.hash_after
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: "vectors as a rowid table, blob last, covering index per model",
    // Version 1 kept vectors WITHOUT ROWID with the blob before created_at: a 2 KB vector then spills to
    // overflow pages, and every fingerprint or pending check walked them (measured: 0.4 s each at 10k
    // memories). A rowid table stores the blob in the page; the index answers per-model counts, sums and
    // "has a vector" checks without touching blobs.
    sql: `
      CREATE TABLE vectors_v2 (
        memory_seq INTEGER NOT NULL REFERENCES memories (seq) ON DELETE CASCADE,
        model      TEXT NOT NULL,
        dims       INTEGER NOT NULL CHECK (dims > 0),
        created_at INTEGER NOT NULL,
        vector     BLOB NOT NULL,
        PRIMARY KEY (memory_seq, model)
      ) STRICT;
      INSERT INTO vectors_v2 (memory_seq, model, dims, created_at, vector)
        SELECT memory_seq, model, dims, created_at, vector FROM vectors;
      DROP TABLE vectors;
      ALTER TABLE vectors_v2 RENAME TO vectors;
      CREATE INDEX vectors_model ON vectors (model, created_at, memory_seq, dims);
    `,
  },
  {
    version: 3,
    name: "index memories by session",
    // Recall lifts candidates by their session's best match and their neighbours in it; both look
    // memories up by session.
    sql: `CREATE INDEX memories_session ON memories (session_id, created_at, seq) WHERE session_id IS NOT NULL;`,
  },
  {
    version: 4,
    name: "projects keyed by git remote; old path keys kept as aliases",
    // Projects were keyed by their absolute path, so two clones (or one repository on two machines) were
    // two projects. Keys become the normalised git remote where one is known; the old path stays an alias.
    sql: `
      CREATE TABLE project_aliases (
        alias   TEXT PRIMARY KEY,
        project TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX project_aliases_project ON project_aliases (project);
    `,
    run: rekeyPathProjects,
  },
  {
    version: 5,
    name: "audit log as a hash chain",
    // Each entry links to the one before it by hash (audit-chain.ts), so an edited, removed, added or moved
    // entry is found. Existing entries are linked in order; the update guard is rebuilt to also protect
    // the chain's columns, since the old one refused the backfill's writes.
    sql: `
      ALTER TABLE audit ADD COLUMN prev_hash TEXT;
      ALTER TABLE audit ADD COLUMN entry_hash TEXT;
      DROP TRIGGER audit_only_purge;
    `,
    run: (db) => {
      backfillChain(db);
      db.run(`
        CREATE TRIGGER audit_only_purge BEFORE UPDATE ON audit
          WHEN NEW.content_before IS NOT NULL OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at
            OR NEW.op IS NOT OLD.op OR NEW.memory_id IS NOT OLD.memory_id OR NEW.actor IS NOT OLD.actor
            OR NEW.hash_before IS NOT OLD.hash_before OR NEW.hash_after IS NOT OLD.hash_after
            OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.entry_hash IS NOT OLD.entry_hash
          BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      `);
    },
  },
  {
    version: 6,
    name: "retention rules, legal holds, the sweep's marks",
    // In the database rather than the config file so every process (CLI, MCP servers, hooks) sees the same
    // rules and holds at once. A mark records when the sweep expired a memory: its grace counts from there.
    sql: `
      CREATE TABLE retention_rules (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('type', 'project', 'tag')),
        target     TEXT NOT NULL,
        keep_ms    INTEGER NOT NULL CHECK (keep_ms > 0),
        grace_ms   INTEGER NOT NULL CHECK (grace_ms >= 0),
        created_at INTEGER NOT NULL,
        actor      TEXT NOT NULL,
        UNIQUE (kind, target)
      ) STRICT;
      CREATE TABLE holds (
        id             TEXT PRIMARY KEY,
        kind           TEXT NOT NULL CHECK (kind IN ('project', 'tag', 'id')),
        target         TEXT NOT NULL,
        reason         TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        actor          TEXT NOT NULL,
        released_at    INTEGER,
        released_by    TEXT,
        release_reason TEXT
      ) STRICT;
      CREATE INDEX holds_in_force ON holds (kind, target) WHERE released_at IS NULL;
      CREATE TABLE retention_marks (
        memory_id  TEXT PRIMARY KEY,
        rule_id    TEXT NOT NULL,
        expired_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE retention_state (
        key   TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: "encryption at rest: the store's record of its key",
    // One row when the store is encrypted (encryption-record.ts); none when it is plain.
    sql: `
      CREATE TABLE encryption (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        store_id   TEXT NOT NULL,
        cipher     TEXT NOT NULL,
        key_check  TEXT NOT NULL,
        kdf        TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 8,
    name: "team sync: outbox filled by triggers, versions, sealed records waiting to be sent",
    // Triggers rather than the write methods: a write path added later cannot forget to enqueue (sync-schema.ts).
    sql: SYNC_SCHEMA,
  },
];
