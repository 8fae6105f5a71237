/**
 * @module The local side of team sync (migration 8): an outbox filled by triggers, so no write path can forget
 * to enqueue; the version (hybrid logical clock, device) each memory holds; sealed records waiting to be sent;
 * links whose target has not arrived yet; and counters (mode, clock, device counter, pull cursor).
 */

/** The hybrid logical clock: ms × 1000 + a logical count, never going back, one tick per local change. */
export const TICK = `UPDATE sync_local SET value = max(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 1000, value + 1) WHERE key = 'clock'`;
export const CLOCK = `(SELECT value FROM sync_local WHERE key = 'clock')`;
/** 1: record local changes. 0 (sync off) and 2 (applying pulled changes) record nothing. */
const RECORDING = `(SELECT value FROM sync_local WHERE key = 'mode') = 1`;
/** Queues memory `id` (an SQL expression: NEW.id in a trigger, ? in a statement) at the clock's value. */
export const ENQUEUE = (id: string, op: string) =>
  `INSERT INTO sync_outbox (memory_id, op, hlc) VALUES (${id}, '${op}', ${CLOCK})
     ON CONFLICT (memory_id) DO UPDATE SET op = excluded.op, hlc = excluded.hlc`;
/**
 * Every column a peer sees: access counts and times are this device's own statistics. `content` too: an
 * encrypted store seals tags, metadata and source into it, so a tag-only edit changes only that column.
 */
const SYNCED = ["content", "content_hash", "type", "tags", "project", "session_id", "agent", "source", "updated_at", "event_time", "expires_at",
  "priority", "status", "superseded_by", "metadata"];

export const SYNC_SCHEMA = `
  CREATE TABLE sync_local (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  INSERT INTO sync_local (key, value) VALUES ('mode', 0), ('clock', 0), ('counter', 0), ('cursor', 0);
  CREATE TABLE sync_outbox (
    memory_id TEXT PRIMARY KEY,
    op        TEXT NOT NULL CHECK (op IN ('put', 'erase')),
    hlc       INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX sync_outbox_hlc ON sync_outbox (hlc);
  CREATE TABLE sync_versions (
    memory_id TEXT PRIMARY KEY,
    hlc       INTEGER NOT NULL,
    device    TEXT NOT NULL,
    erased    INTEGER NOT NULL DEFAULT 0
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE sync_pending (
    counter   INTEGER PRIMARY KEY,
    memory_id TEXT NOT NULL,
    mid       TEXT NOT NULL,
    erase     INTEGER NOT NULL,
    body      BLOB NOT NULL
  ) STRICT;
  CREATE INDEX sync_pending_memory ON sync_pending (memory_id);
  CREATE TABLE sync_dangling (
    from_id    TEXT NOT NULL,
    to_id      TEXT NOT NULL,
    relation   TEXT NOT NULL,
    weight     REAL NOT NULL,
    created_at INTEGER NOT NULL,
    metadata   TEXT NOT NULL,
    device     TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id, relation)
  ) STRICT, WITHOUT ROWID;
  CREATE TRIGGER sync_memory_insert AFTER INSERT ON memories WHEN ${RECORDING}
    BEGIN ${TICK}; ${ENQUEUE("NEW.id", "put")}; END;
  CREATE TRIGGER sync_memory_update AFTER UPDATE OF ${SYNCED.join(", ")} ON memories
    WHEN ${RECORDING} AND (${SYNCED.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(" OR ")})
    BEGIN ${TICK}; ${ENQUEUE("NEW.id", "put")}; END;
  CREATE TRIGGER sync_memory_delete AFTER DELETE ON memories WHEN ${RECORDING}
    BEGIN ${TICK}; ${ENQUEUE("OLD.id", "erase")}; END;
  -- Whatever the mode: sealed copies of an erased memory's text that were never sent go with it.
  CREATE TRIGGER sync_memory_erased AFTER DELETE ON memories
    BEGIN
      DELETE FROM sync_pending WHERE memory_id = OLD.id AND erase = 0;
      DELETE FROM sync_dangling WHERE from_id = OLD.id OR to_id = OLD.id;
    END;
  CREATE TRIGGER sync_edge_insert AFTER INSERT ON edges WHEN ${RECORDING}
    BEGIN ${TICK}; ${ENQUEUE("(SELECT id FROM memories WHERE seq = NEW.from_seq)", "put")}; END;
`;

/**
 * Migration 14: a link's metadata changing (a possible conflict confirmed or dismissed) sends its source memory
 * again, whose record carries its links; a peer merges the settlement (domain/edge.ts mergeLinkMetadata).
 */
export const EDGE_METADATA_TRIGGER = `
  CREATE TRIGGER sync_edge_update AFTER UPDATE OF metadata ON edges WHEN ${RECORDING} AND NEW.metadata IS NOT OLD.metadata
    BEGIN ${TICK}; ${ENQUEUE("(SELECT id FROM memories WHERE seq = NEW.from_seq)", "put")}; END;
`;

/**
 * The team key (migration 21), one row, its base64 stored through the store's codec: sealed under the user's
 * key in an encrypted store (it was a `sync.key` file in the clear beside it, which opened everything the team
 * shares), and re-encoded with the rest of the store by encrypt, decrypt and key rotate.
 */
export const SYNC_KEY_SCHEMA = `
  CREATE TABLE sync_secret (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    team_key TEXT NOT NULL
  ) STRICT;
`;

/** The sync_local key marking that memory `id`'s old versions were erased here since it was last sent. */
export const HISTORY_ERASED = "history-erased/";
/** The sync_local key holding the clock of the last record that erased memory `id`'s history (sent or applied). */
export const HISTORY_ERASED_AT = "history-erased-at/";

/** Marks memory `id` (an SQL expression: NEW.memory_id in a trigger, ? in a statement) as erased here since last sent. */
export const MARK_HISTORY_ERASED = (id: string) => `INSERT INTO sync_local (key, value) VALUES ('${HISTORY_ERASED}' || ${id}, 1) ON CONFLICT (key) DO NOTHING`;

/**
 * Migration 24: a memory's history erased here (`edit --erase-history`, an erased quote) is a change the team must
 * make too, or the old text stays on the server and on every other device (and comes back to this one on a
 * re-join). Marked for the next push, which sends the memory's state saying so; the server then drops the
 * memory's earlier records and each device erases its own copies of the old versions.
 */
export const HISTORY_ERASED_TRIGGER = `
  CREATE TRIGGER sync_history_erased AFTER INSERT ON audit WHEN NEW.op = 'erase_history' AND ${RECORDING}
  BEGIN
    ${MARK_HISTORY_ERASED("NEW.memory_id")};
    ${TICK}; ${ENQUEUE("NEW.memory_id", "put")};
  END;
`;
