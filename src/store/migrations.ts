/**
 * @module Forward-only schema migrations, tracked in `PRAGMA user_version`. Migration N takes a database at
 * version N-1 to version N; a migration is never edited once released, only followed by a new one.
 */
import { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { type CairnError, cairnError } from "../errors.ts";
import { log } from "../log.ts";
import { openDatabase, refuseWrites, writeRefusal, writeTransaction } from "./db.ts";
import { markedError } from "./damage-mark.ts";
import { markOn } from "./integrity-check.ts";
import { packAuditHashes, packMemoryHashes } from "./migrate-hashes.ts";
import { repackVectors } from "./migrate-vectors-int4.ts";
import { keyVectors } from "./migrate-vectors-keyed.ts";
import { EDGE_METADATA_TRIGGER, HISTORY_ERASED_TRIGGER, SYNC_KEY_SCHEMA } from "./sync-schema.ts";
import { FIRST_MIGRATIONS } from "./migrations-first.ts";
import { CANONICAL_PREFIX_INDEX } from "./canonical-prefix.ts";
import { STAMP_SQL } from "./log-mark.ts";
import { measureWhole } from "./planner-stats.ts";
import { ROW_COUNTS_SCHEMA } from "./row-counts.ts";
import { TEXT_LOG_SCHEMA, TEXT_LOG_WINDOW_SCHEMA } from "./text-log.ts";
import { VECTOR_LOG_PRUNE_SCHEMA } from "./vector-log.ts";

/** `sql` runs first; `run`, when present, does what SQL alone cannot (e.g. read the filesystem). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  run?: (db: Database) => void;
  /**
   * Runs with foreign key enforcement off (it rebuilds a table others refer to: its copy's deletes would
   * cascade). SQLite can switch it only outside a transaction: {@link migrate} does. The rebuild keeps every
   * rowid, so every reference still holds.
   */
  foreignKeysOff?: true;
}

export const MIGRATIONS: ReadonlyArray<Migration> = [
  ...FIRST_MIGRATIONS,
  {
    version: 9,
    name: "int8 vectors; the change log and state the vector index file follows",
    // Vectors shrink from 4 · dims bytes (2,048 for USE-lite, one 4 KB page each) to dims + 4. Every insert
    // or delete of a vector (cascades included; REPLACE inserts a row) appends its memory's seq to
    // vector_log, so an index file written at log position P catches up by reading the seqs logged after
    // P. State: 'epoch' tells this database from another one's file, 'pruned' is the last log id deleted,
    // 'erase' counts purges (an index writer that saw it move must not publish vectors a purge removed).
    sql: `
      CREATE TABLE vector_log (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        memory_seq INTEGER NOT NULL
      ) STRICT;
      CREATE TRIGGER vector_log_insert AFTER INSERT ON vectors BEGIN
        INSERT INTO vector_log (memory_seq) VALUES (new.memory_seq);
      END;
      CREATE TRIGGER vector_log_delete AFTER DELETE ON vectors BEGIN
        INSERT INTO vector_log (memory_seq) VALUES (old.memory_seq);
      END;
      CREATE TABLE vector_index_state (
        key   TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      INSERT INTO vector_index_state (key, value) VALUES ('epoch', abs(random()) % 9007199254740991), ('pruned', 0), ('erase', 0);
    `,
    // The float32 blobs were rewritten as int8 here until version 17 packed every vector in 4 bits: that
    // migration now re-quantises them straight from float32.
  },
  {
    version: 10,
    name: "compact storage: duplicate lookups by a hash prefix; audit entries without a stored previous hash",
    // The full 64-character canonical hash cost 84 bytes a memory in its index (measured with dbstat at 100k);
    // 16 hex digits (64 bits) find the few candidates, which are then compared in full: 25 bytes. Audit
    // entries written from this version on leave prev_hash NULL (a copy of the entry before's entry_hash,
    // which every entry_hash already covers): 65 bytes an entry. ~1 s per 100k memories (index rebuilt).
    sql: `
      DROP INDEX memories_canonical;
      CREATE INDEX ${CANONICAL_PREFIX_INDEX} ON memories (substr(canonical_hash, 1, 16));
    `,
  },
  {
    version: 11,
    name: "a change log of indexed text, which in-memory keyword indexes catch up from",
    sql: TEXT_LOG_SCHEMA,
  },
  {
    version: 12,
    name: "a random stamp on every change-log entry, so an index file tells this history from an older copy's",
    // An index file records the log id it reflects and that entry's stamp (log-mark.ts). A database replaced by
    // an older copy of itself and then written to reuses the ids the file reflects, under new stamps: the file
    // is rebuilt instead of caught up past writes it never saw. Entries logged before this version get stamps
    // now; the triggers are the same but for the stamp.
    sql: `
      ALTER TABLE vector_log ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
      UPDATE vector_log SET stamp = ${STAMP_SQL};
      DROP TRIGGER vector_log_insert;
      DROP TRIGGER vector_log_delete;
      CREATE TRIGGER vector_log_insert AFTER INSERT ON vectors BEGIN
        INSERT INTO vector_log (memory_seq, stamp) VALUES (new.memory_seq, ${STAMP_SQL});
      END;
      CREATE TRIGGER vector_log_delete AFTER DELETE ON vectors BEGIN
        INSERT INTO vector_log (memory_seq, stamp) VALUES (old.memory_seq, ${STAMP_SQL});
      END;
      ALTER TABLE text_log ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
      UPDATE text_log SET stamp = ${STAMP_SQL};
      DROP TRIGGER text_log_insert;
      DROP TRIGGER text_log_delete;
      DROP TRIGGER text_log_update;
      CREATE TRIGGER text_log_insert AFTER INSERT ON memories BEGIN
        INSERT INTO text_log (memory_seq, stamp) VALUES (new.seq, ${STAMP_SQL});
      END;
      CREATE TRIGGER text_log_delete AFTER DELETE ON memories BEGIN
        INSERT INTO text_log (memory_seq, stamp) VALUES (old.seq, ${STAMP_SQL});
      END;
      CREATE TRIGGER text_log_update AFTER UPDATE OF content, tags ON memories BEGIN
        INSERT INTO text_log (memory_seq, stamp) VALUES (new.seq, ${STAMP_SQL});
      END;
    `,
  },
  {
    version: 13,
    name: "list, count and stats without reading every memory: indexes by status and time, by type and status, and of expiring memories",
    // At 1M memories `cairn list` took 0.6 s (2.5 s across projects) and `cairn stats` 2 s: counting what is
    // not expired read each row for expires_at, listing across projects sorted every active memory, and the
    // per-type counts read each row for its status. ~31 bytes a memory; ~2.5 s at 1M (indexes built, then
    // measured again for the planner, which does not measure new indexes of a table it measured before).
    sql: `
      DROP INDEX memories_type;
      CREATE INDEX memories_type ON memories (type, status, created_at);
      CREATE INDEX memories_recent ON memories (status, created_at);
      CREATE INDEX memories_expiring ON memories (expires_at) WHERE expires_at IS NOT NULL;
    `,
    run: (db) => {
      if (db.query("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get()) measureWhole(db, "ANALYZE memories");
    },
  },
  {
    version: 14,
    name: "a link's settlement (a possible conflict confirmed or dismissed) goes out with team sync",
    sql: EDGE_METADATA_TRIGGER,
  },
  {
    version: 15,
    name: "counts of memories and of each model's vectors, kept by triggers: what is not yet embedded, without counting",
    // A fresh process's first count read every page of two indexes: 10 ms at 100k memories, up to 0.36 s at 1M.
    sql: ROW_COUNTS_SCHEMA,
  },
  {
    version: 16,
    name: "a memory moved to another project is logged like a change of its text",
    // The keyword index knows each memory's project and leaves other projects' matches out of a search
    // (text-index.ts); a project re-keyed (project-keys.ts) must reach it as its own writes do (their updates
    // set content and tags too).
    sql: `
      DROP TRIGGER text_log_update;
      CREATE TRIGGER text_log_update AFTER UPDATE OF content, tags, project ON memories BEGIN
        INSERT INTO text_log (memory_seq, stamp) VALUES (new.seq, ${STAMP_SQL});
      END;
    `,
  },
  {
    version: 17,
    name: "vectors packed in 4 bits a value",
    // 516 → 260 bytes a USE-lite vector, in the database and again in the index file (whose format 2 follows):
    // ~0.5 KB a memory. LoCoMo hybrid R@10 unchanged (see DESIGN.md). The table is rebuilt (migrate-vectors-int4.ts).
    sql: "",
    run: repackVectors,
  },
  {
    version: 18,
    name: "audit hashes stored as bytes",
    // 64 hex characters (69 keyed) → 32 bytes for each of an entry's hashes: ~69 bytes an entry, about one a
    // memory. The table is rebuilt (migrate-hashes.ts); the chain reads the same text.
    sql: "",
    run: packAuditHashes,
  },
  {
    version: 19,
    name: "memory hashes stored as bytes",
    // The content and canonical hashes, 64 hex characters each (69 keyed), → 32 bytes (33): 64 bytes a
    // memory, 8 more in the canonical prefix index (8 bytes, not 16 hex digits). The table is rebuilt
    // (migrate-hashes.ts), with foreign keys off: vectors, tags and links refer to it.
    sql: "",
    run: packMemoryHashes,
    foreignKeysOff: true,
  },
  {
    version: 20,
    name: "the vector change log prunes itself",
    // Only a published index file pruned it, so an encrypted store (which had none then) kept every vector
    // write: 20.7 bytes a memory at 100k after one embedding, as much again with each re-embedding.
    sql: VECTOR_LOG_PRUNE_SCHEMA,
  },
  {
    version: 21,
    name: "the team key in the database, sealed like the memories",
    // A `sync.key` file of a data directory in a team moves in at its next sync command (sync/settings.ts).
    sql: SYNC_KEY_SCHEMA,
  },
  {
    version: 22,
    name: "the store's own settings; the first: which audit key the log's hashes are keyed with",
    // A deleted audit.key was made anew, silently: doctor now says so (audit-key.ts auditKeyState).
    sql: "CREATE TABLE store_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;",
  },
  {
    version: 23,
    name: "no per-model index of vectors; the change log records updates too, and moves between projects",
    // vectors_model (model, created_at, memory_seq, dims) answered the in-memory index's key comparison, which
    // now follows the change log (retrieve/vector-index.ts); per-model counts come from row-counts.ts. 35 bytes
    // a memory at 1M memories (1,529 → ~1,495 with the index files). cairn writes a vector anew rather than
    // update it (a re-encoding does, with the same values), but an update is a change all the same.
    // A memory moved to another project is a change for the vector index file too: it holds each row's project
    // (vector-file.ts format 4), and a search in one project leaves the others' rows out by it.
    sql: `
      DROP INDEX vectors_model;
      CREATE TRIGGER vector_log_update AFTER UPDATE ON vectors BEGIN
        INSERT INTO vector_log (memory_seq, stamp) VALUES (new.memory_seq, ${STAMP_SQL});
      END;
      CREATE TRIGGER vector_log_project AFTER UPDATE OF project ON memories WHEN old.project IS NOT new.project BEGIN
        INSERT INTO vector_log (memory_seq, stamp) VALUES (new.seq, ${STAMP_SQL});
      END;
    `,
  },
  {
    version: 24,
    name: "a memory's history erased here is sent to the team",
    sql: HISTORY_ERASED_TRIGGER,
  },
  {
    version: 25,
    name: "vectors kept by their key (WITHOUT ROWID)",
    // The rowid table held every key twice (row and primary-key index): ~15 bytes a memory on a fresh 100k store
    // once the copy's fill is counted. The table is copied over (migrate-vectors-keyed.ts).
    sql: "",
    run: keyVectors,
  },
  {
    version: 26,
    name: "memories found by the end of their id",
    // A memory's short form is the end of its id (engine/ids.ts): showing results (is the end unique?) and
    // resolving a typed one scanned every id, ~30 ms at 100k memories and ~0.3 s at 1M on every human-readable
    // recall or list. Four characters index it (~13 bytes a memory); the full end is checked on the few rows found.
    sql: "CREATE INDEX memories_id_tail ON memories (substr(id, -4));",
  },
  {
    version: 27,
    name: "a shorter change log of indexed text",
    // 65,536 entries (~1 MB, 13 bytes a memory at 100k) where 8,192 cover every catch-up a reader makes (text-log.ts).
    sql: TEXT_LOG_WINDOW_SCHEMA,
  },
  {
    version: 28,
    name: "memories of one type in one scope",
    // The session briefing (every SessionStart, MCP `resume`) reads a few memories of each type in the project
    // and the global scope. memories_scope walked a scope's every memory for the types it lacks, memories_type
    // every project's, and due reminders were read from memories_time (every memory before now): 0.13 s at 100k
    // memories, 4.5 s at 1M, and the hook daemon was replaced for missing its deadline. ~25 bytes a memory.
    sql: "CREATE INDEX memories_scope_type ON memories (project, type, status, created_at);",
  },
  {
    version: 29,
    name: "the sync server's password beside the team key",
    // It was kept in sync.json in the URL, in the clear beside an encrypted store (QA); here it goes through the
    // store's codec as the team key does (sync/settings.ts moves an earlier sync.json's password in).
    sql: "ALTER TABLE sync_secret ADD COLUMN server_password TEXT;",
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(db: Database): number {
  return (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
}

/**
 * Brings the database to `target` (default: latest). Runs inside one IMMEDIATE transaction and re-reads
 * the version there, so many processes opening a fresh database at once migrate it exactly once.
 */
export function migrate(db: Database, target: number = SCHEMA_VERSION): number {
  const seen = schemaVersion(db);
  if (seen === target) return target;
  // Read again inside the transaction (another process may have migrated meanwhile): only ever fewer to run.
  const keysOff = MIGRATIONS.some((m) => m.foreignKeysOff && m.version > seen && m.version <= target);
  const keysBefore = (db.query("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys;
  if (keysOff) db.run("PRAGMA foreign_keys = OFF");
  try {
    return writeTransaction(db, () => {
      const current = schemaVersion(db);
      if (current > SCHEMA_VERSION) throw cairnError("DB_TOO_NEW", [current, SCHEMA_VERSION]);
      // Inside a caller's transaction the switch above does nothing, and a rebuild would cascade: refused.
      if (keysOff && (db.query("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys !== 0) {
        throw new Error("migrate: an upgrade that rebuilds the memories table cannot run inside another transaction");
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current || m.version > target) continue;
        if (m.sql.trim()) db.run(m.sql);
        m.run?.(db);
        db.run(`PRAGMA user_version = ${m.version}`);
      }
      return schemaVersion(db);
    });
  } finally {
    if (keysOff) db.run(`PRAGMA foreign_keys = ${keysBefore}`); // as the caller had it (cairn's connections: on)
  }
}

/**
 * A database file from this size on (~35k memories) may take an upgrade seconds (migration 17: ~17 s at 1M
 * memories): callers on a clock leave it to a process that is not ({@link openMigrated} `deferUpgrade`).
 */
export const LONG_UPGRADE_FROM_BYTES = 64 * 2 ** 20;

/**
 * Opens the database at `path` (see {@link openDatabase}) and migrates it to the latest schema. With
 * `deferUpgrade` (hooks, on a clock no timer can enforce during a migration), a large database of an older
 * schema is not migrated here: DB_UPGRADE_PENDING, and the caller starts a process that does it.
 */
export function openMigrated(
  path: string,
  opts: { readOnly: boolean; lockWaitMs: number | undefined; deferUpgrade?: boolean; beforeUpgrade?: (db: Database) => void },
): Database {
  // A file found damaged before is refused, reads included (damage-mark.ts), until repaired or found sound.
  const mark = markOn(path);
  if (mark) throw markedError(path, mark);
  const db = openDatabase(path, opts);
  try {
    if (opts.deferUpgrade && longUpgradeDue(db, path)) throw cairnError("DB_UPGRADE_PENDING", [schemaVersion(db), SCHEMA_VERSION]);
    const version = schemaVersion(db);
    if (version > 0 && version < SCHEMA_VERSION) opts.beforeUpgrade?.(db);
    const refusal = writeRefusal(db);
    if (refusal && version > 0 && version < SCHEMA_VERSION) return upgradedCopy(db, path, refusal);
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * A store of an older schema that cannot be written (a read-only folder or disk, a full one) is read from a copy
 * in memory, upgraded there; writes are refused as on the file, which stays as it is (QA: an archived store could
 * not even be exported by a newer cairn, whose message said reading still worked). The copy holds the whole file
 * in memory, once per process.
 */
function upgradedCopy(db: Database, path: string, refusal: CairnError): Database {
  const bytes = db.serialize();
  db.close();
  // The header's read and write versions say WAL (2), which a database in memory cannot open: rollback (1).
  bytes[18] = 1;
  bytes[19] = 1;
  const copy = Database.deserialize(bytes, { strict: true });
  try {
    copy.run("PRAGMA foreign_keys = ON");
    migrate(copy);
  } catch (err) {
    copy.close();
    throw err;
  }
  refuseWrites(copy, refusal);
  log.warn(`${path} is of an older schema and cannot be written (${refusal.code === "DB_FULL" ? "the disk is full" : "read-only"}): read from a copy upgraded in memory; the file is left as it is`);
  return copy;
}

/** Whether `db` (the file at `path`) is a large one of an older, non-empty schema: its upgrade may take seconds. */
export function longUpgradeDue(db: Database, path: string): boolean {
  const version = schemaVersion(db);
  return version > 0 && version < SCHEMA_VERSION && fileBytes(path) >= LONG_UPGRADE_FROM_BYTES;
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // in memory
  }
}
