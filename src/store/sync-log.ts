/**
 * @module The local sync tables (sync-schema.ts) behind one small port: the outbox, versions, sealed records
 * waiting to be sent, links waiting for their target, and the counters. Every method runs inside the caller's
 * write transaction when there is one (push and pull hold one across their steps), else in its own.
 */
import type { Database } from "bun:sqlite";
import { checkedWrite } from "./checked-write.ts";
import type { LiveDatabase } from "./live-db.ts";
import { type ContentCodec, PLAIN_CODEC, place } from "./content-codec.ts";
import { storedProject } from "./rows.ts";
import { canonicalMatch } from "./canonical-prefix.ts";
import { hashText, type StoredHash } from "./stored-hash.ts";
import { CLOCK, ENQUEUE, HISTORY_ERASED, HISTORY_ERASED_AT, MARK_HISTORY_ERASED, TICK } from "./sync-schema.ts";

/**
 * The one type of global-scope memory `cairn sync share --global` shares: the user's preferences, as the README
 * says. A global note or fact stays on this machine (QA: a personal global note reached the team).
 */
export const GLOBAL_SHARED_TYPE = "preference";

export type SyncMode = 0 | 1 | 2;
/** Where the team key is kept (its AEAD binding in an encrypted store; recode.ts re-encodes it there). */
export const TEAM_KEY_PLACE = place("sync_secret", "team_key", 1);
export const SERVER_PASSWORD_PLACE = place("sync_secret", "server_password", 1);
export interface OutboxEntry { memoryId: string; op: "put" | "erase"; hlc: number }
export interface SyncVersion { hlc: number; device: string; erased: boolean }
/**
 * A sealed record waiting to be sent. `compact`: it carries the memory's history erased, and the server drops
 * the memory's earlier records once it has it (stored as erase = 2: no new column for a flag).
 */
export interface PendingRecord { counter: number; memoryId: string; mid: string; erase: boolean; compact?: boolean; body: Uint8Array }
export interface DanglingLink { fromId: string; toId: string; relation: string; weight: number; createdAt: number; metadata: string; device: string }
type Counter = "mode" | "clock" | "counter" | "cursor";

export interface SyncLog {
  get(key: Counter): number;
  set(key: Counter, value: number): void;
  /** The highest counter applied from `device` (0: none): a record at or below it was applied already. */
  seen(device: string): number;
  /** Records that `device`'s records through `counter` were applied. */
  markSeen(device: string, counter: number): void;
  /** Whether a record of another device was ever applied here (the team key opened it). */
  seenAny(): boolean;
  /** Advances the clock past `hlc` (a pulled change), so later local changes order after it. */
  observe(hlc: number): void;
  /**
   * Queues every memory of `project` (null: the global scope) for sending, each at its version's clock (when it
   * last changed), not now: a device joining (again) with an older copy must not win over the team's newer
   * edits (QA). `unsentOnly`: not those the team has already (received from it or sent), whose changes are
   * queued as they are made anyway.
   */
  enqueueProject(project: string | null, unsentOnly?: boolean): number;
  /** Queues an erase of memory `memoryId` (one erased here that the team still holds). */
  enqueueErase(memoryId: string): void;
  /** Whether this device's audit log records a purge of memory `memoryId` (a `forget --hard` here, in a team or not). */
  purgedHere(memoryId: string): boolean;
  /** Memories the team erased that are still here (a legal hold kept them when the erase arrived). */
  erasedStillHere(): string[];
  /** Erases the team does not have yet: queued, or sealed and not sent, of memories it holds. */
  unsentErases(): number;
  outbox(limit: number): OutboxEntry[];
  outboxEntry(memoryId: string): OutboxEntry | null;
  dropOutbox(memoryId: string): void;
  version(memoryId: string): SyncVersion | null;
  setVersion(memoryId: string, v: SyncVersion): void;
  addPending(r: PendingRecord): void;
  pending(limit: number): PendingRecord[];
  dropPending(upTo: number): void;
  dropPendingOf(memoryId: string): void;
  /** Whether memory `memoryId`'s history was erased here since it was last sent (migration 24's trigger marks it). */
  historyErased(memoryId: string): boolean;
  clearHistoryErased(memoryId: string): void;
  /**
   * The clock of the last record that erased memory `memoryId`'s history, sent or applied here (null: none): a
   * record of it from before that clock arriving later (a device that was offline) is a version the erase was
   * meant to remove.
   */
  historyErasedAt(memoryId: string): number | null;
  setHistoryErasedAt(memoryId: string, hlc: number): void;
  /** Queues memory `memoryId` to be sent again with its history erased (the server then drops what came before). */
  resendHistoryErased(memoryId: string): void;
  counts(): { outbox: number; pending: number };
  /**
   * Queued changes that will leave this machine: those of memories the team has, and of memories in a shared
   * scope (`projects`, stored keys as given; `global`). The rest wait for their project to be shared.
   */
  outboxToSend(projects: readonly string[], global: boolean): number;
  addDangling(l: DanglingLink): void;
  /** Links both of whose ends now exist (removed from the waiting list). */
  takeResolvable(): DanglingLink[];
  /** Which of these canonical hashes some active memory has (one query per batch instead of one per record). */
  activeCanonical(hashes: readonly string[]): Set<string>;
  /** The team key (null: none kept), opened through the store's codec. */
  teamKey(): Uint8Array | null;
  setTeamKey(key: Uint8Array): void;
  /** The sync server's password (null: none kept), opened through the store's codec; kept only beside a team key. */
  serverPassword(): string | null;
  setServerPassword(password: string | null): void;
  /** Forgets everything sync kept (leave): the outbox, versions, sealed records, counters, the team key. */
  reset(): void;
  /**
   * Readies the tables for another team that is to hold the same memories (a rotation to a new key, or joining
   * the team a rotation made): every memory the old team had goes back to the outbox at its version's clock, to
   * be sealed under the new key (a change queued since stays, being newer), an erased one as an erase. Records
   * sealed for the old team and not sent are dropped (their memories are queued), and the device counter, the
   * cursor and what was applied of the old team's devices start again. How many memories were queued.
   */
  restartForTeam(): number;
  /**
   * Readies the tables for a new device id (a data folder restored from a backup or copied: sync/copied.ts): records
   * sealed under the old id and not sent go back to the outbox at their version's clock, and the device counter
   * starts again. How many memories were queued.
   */
  restartAsDevice(): number;
}

export class SqliteSyncLog implements SyncLog {
  readonly #live: LiveDatabase;

  /** Hashes are stored keyed in an encrypted store: queries key them the same way. */
  readonly #codec: ContentCodec;

  constructor(live: LiveDatabase, codec: ContentCodec = PLAIN_CODEC) {
    this.#live = live;
    this.#codec = codec;
  }

  #w<T>(fn: (db: Database) => T): T {
    return checkedWrite(this.#live, this.#codec.keyCheck, fn);
  }

  get #db(): Database {
    return this.#live.read();
  }

  get(key: Counter): number {
    return (this.#db.query("SELECT value FROM sync_local WHERE key = ?").get(key) as { value: number } | null)?.value ?? 0;
  }

  seen(device: string): number {
    return (this.#db.query("SELECT value FROM sync_local WHERE key = ?").get(`seen:${device}`) as { value: number } | null)?.value ?? 0;
  }

  seenAny(): boolean {
    return this.#db.query("SELECT 1 AS x FROM sync_local WHERE key LIKE 'seen:%' LIMIT 1").get() !== null;
  }

  markSeen(device: string, counter: number): void {
    this.#w((db) =>
      db.query("INSERT INTO sync_local (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)").run(`seen:${device}`, counter),
    );
  }

  set(key: Counter, value: number): void {
    this.#w((db) => db.query("UPDATE sync_local SET value = ? WHERE key = ?").run(value, key));
  }

  observe(hlc: number): void {
    this.#w((db) => db.query("UPDATE sync_local SET value = max(value, ?) WHERE key = 'clock'").run(hlc));
  }

  enqueueProject(project: string | null, unsentOnly = false): number {
    return this.#w((db) => {
      db.run(TICK);
      return db
        .query(
          `INSERT INTO sync_outbox (memory_id, op, hlc)
             SELECT id, 'put', min(updated_at * 1000, ${CLOCK}) FROM memories WHERE project IS ?
               ${project === null ? `AND type = '${GLOBAL_SHARED_TYPE}'` : ""}
               ${unsentOnly ? "AND id NOT IN (SELECT memory_id FROM sync_versions)" : ""}
           ON CONFLICT (memory_id) DO UPDATE SET op = sync_outbox.op`,
        )
        .run(storedProject(this.#codec, project)).changes;
    });
  }

  enqueueErase(memoryId: string): void {
    this.#w((db) => {
      db.run(TICK);
      db.query(ENQUEUE("?", "erase")).run(memoryId);
    });
  }

  purgedHere(memoryId: string): boolean {
    return this.#db.query("SELECT 1 FROM audit WHERE memory_id = ? AND op = 'purge' LIMIT 1").get(memoryId) !== null;
  }

  erasedStillHere(): string[] {
    const rows = this.#db.query("SELECT v.memory_id AS id FROM sync_versions v JOIN memories m ON m.id = v.memory_id WHERE v.erased = 1").all() as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  unsentErases(): number {
    const row = this.#db
      .query(
        `SELECT (SELECT count(*) FROM sync_outbox o JOIN sync_versions v ON v.memory_id = o.memory_id WHERE o.op = 'erase' AND v.erased = 0)
              + (SELECT count(*) FROM sync_pending WHERE erase = 1) AS n`,
      )
      .get() as { n: number };
    return row.n;
  }

  outbox(limit: number): OutboxEntry[] {
    return this.#db.query("SELECT memory_id AS memoryId, op, hlc FROM sync_outbox ORDER BY hlc, memory_id LIMIT ?").all(limit) as OutboxEntry[];
  }

  outboxEntry(memoryId: string): OutboxEntry | null {
    return this.#db.query("SELECT memory_id AS memoryId, op, hlc FROM sync_outbox WHERE memory_id = ?").get(memoryId) as OutboxEntry | null;
  }

  dropOutbox(memoryId: string): void {
    this.#w((db) => db.query("DELETE FROM sync_outbox WHERE memory_id = ?").run(memoryId));
  }

  version(memoryId: string): SyncVersion | null {
    const r = this.#db.query("SELECT hlc, device, erased FROM sync_versions WHERE memory_id = ?").get(memoryId) as
      | { hlc: number; device: string; erased: number }
      | null;
    return r ? { hlc: r.hlc, device: r.device, erased: r.erased === 1 } : null;
  }

  setVersion(memoryId: string, v: SyncVersion): void {
    this.#w((db) =>
      db
        .query(
          `INSERT INTO sync_versions (memory_id, hlc, device, erased) VALUES (?, ?, ?, ?)
           ON CONFLICT (memory_id) DO UPDATE SET hlc = excluded.hlc, device = excluded.device, erased = excluded.erased`,
        )
        .run(memoryId, v.hlc, v.device, v.erased ? 1 : 0),
    );
  }

  addPending(r: PendingRecord): void {
    this.#w((db) =>
      db.query("INSERT INTO sync_pending (counter, memory_id, mid, erase, body) VALUES (?, ?, ?, ?, ?)").run(r.counter, r.memoryId, r.mid, r.erase ? 1 : r.compact ? 2 : 0, r.body),
    );
  }

  pending(limit: number): PendingRecord[] {
    const rows = this.#db.query("SELECT counter, memory_id, mid, erase, body FROM sync_pending ORDER BY counter LIMIT ?").all(limit) as Array<{
      counter: number; memory_id: string; mid: string; erase: number; body: Uint8Array;
    }>;
    return rows.map((r) => ({ counter: r.counter, memoryId: r.memory_id, mid: r.mid, erase: r.erase === 1, compact: r.erase === 2, body: r.body }));
  }

  dropPending(upTo: number): void {
    this.#w((db) => db.query("DELETE FROM sync_pending WHERE counter <= ?").run(upTo));
  }

  dropPendingOf(memoryId: string): void {
    this.#w((db) => db.query("DELETE FROM sync_pending WHERE memory_id = ? AND erase <> 1").run(memoryId));
  }

  historyErased(memoryId: string): boolean {
    return this.#db.query("SELECT 1 FROM sync_local WHERE key = ?").get(HISTORY_ERASED + memoryId) !== null;
  }

  clearHistoryErased(memoryId: string): void {
    this.#w((db) => db.query("DELETE FROM sync_local WHERE key = ?").run(HISTORY_ERASED + memoryId));
  }

  historyErasedAt(memoryId: string): number | null {
    return (this.#db.query("SELECT value FROM sync_local WHERE key = ?").get(HISTORY_ERASED_AT + memoryId) as { value: number } | null)?.value ?? null;
  }

  setHistoryErasedAt(memoryId: string, hlc: number): void {
    this.#w((db) =>
      db.query("INSERT INTO sync_local (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)").run(HISTORY_ERASED_AT + memoryId, hlc),
    );
  }

  resendHistoryErased(memoryId: string): void {
    this.#w((db) => {
      db.query(MARK_HISTORY_ERASED("?")).run(memoryId);
      db.run(TICK);
      db.query(ENQUEUE("?", "put")).run(memoryId);
    });
  }

  outboxToSend(projects: readonly string[], global: boolean): number {
    const stored = projects.map((p) => storedProject(this.#codec, p));
    const shared = [...(stored.length > 0 ? [`m.project IN (${stored.map(() => "?").join(", ")})`] : []), ...(global ? [`(m.project IS NULL AND m.type = '${GLOBAL_SHARED_TYPE}')`] : [])];
    const row = this.#db
      .query(
        `SELECT count(*) AS n FROM sync_outbox o
           LEFT JOIN sync_versions v ON v.memory_id = o.memory_id
           LEFT JOIN memories m ON m.id = o.memory_id
         WHERE (v.memory_id IS NOT NULL AND v.erased = 0 AND (m.id IS NULL OR m.project IS NOT NULL OR m.type = '${GLOBAL_SHARED_TYPE}'))
            OR (m.id IS NOT NULL AND (${shared.length > 0 ? shared.join(" OR ") : "0"}))`,
      )
      .get(...stored) as { n: number };
    return row.n;
  }

  restartForTeam(): number {
    return this.#w((db) => {
      const queued = db
        .query(
          `INSERT INTO sync_outbox (memory_id, op, hlc)
             SELECT memory_id, CASE erased WHEN 1 THEN 'erase' ELSE 'put' END, hlc FROM sync_versions WHERE true
           ON CONFLICT (memory_id) DO UPDATE SET op = CASE WHEN excluded.hlc > sync_outbox.hlc THEN excluded.op ELSE sync_outbox.op END,
             hlc = max(sync_outbox.hlc, excluded.hlc)`,
        )
        .run().changes;
      db.run("DELETE FROM sync_pending");
      db.run("DELETE FROM sync_local WHERE key LIKE 'seen:%'");
      db.run("UPDATE sync_local SET value = 0 WHERE key IN ('counter', 'cursor')");
      return queued;
    });
  }

  restartAsDevice(): number {
    return this.#w((db) => {
      const queued = db
        .query(
          `INSERT INTO sync_outbox (memory_id, op, hlc)
             SELECT p.memory_id, CASE p.erase WHEN 1 THEN 'erase' ELSE 'put' END, coalesce(v.hlc, 0)
               FROM sync_pending p LEFT JOIN sync_versions v ON v.memory_id = p.memory_id WHERE true
           ON CONFLICT (memory_id) DO UPDATE SET op = CASE WHEN excluded.hlc > sync_outbox.hlc THEN excluded.op ELSE sync_outbox.op END,
             hlc = max(sync_outbox.hlc, excluded.hlc)`,
        )
        .run().changes;
      db.run("DELETE FROM sync_pending");
      db.run("UPDATE sync_local SET value = 0 WHERE key = 'counter'");
      return queued;
    });
  }

  counts(): { outbox: number; pending: number } {
    return this.#db.query("SELECT (SELECT count(*) FROM sync_outbox) AS outbox, (SELECT count(*) FROM sync_pending) AS pending").get() as {
      outbox: number; pending: number;
    };
  }

  addDangling(l: DanglingLink): void {
    this.#w((db) =>
      db
        .query(`INSERT OR IGNORE INTO sync_dangling (from_id, to_id, relation, weight, created_at, metadata, device) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(l.fromId, l.toId, l.relation, l.weight, l.createdAt, l.metadata, l.device),
    );
  }

  takeResolvable(): DanglingLink[] {
    return this.#w((db) => {
      const rows = db
        .query(
          `SELECT from_id AS fromId, to_id AS toId, relation, weight, created_at AS createdAt, metadata, device FROM sync_dangling d
           WHERE EXISTS (SELECT 1 FROM memories WHERE id = d.from_id) AND EXISTS (SELECT 1 FROM memories WHERE id = d.to_id)`,
        )
        .all() as DanglingLink[];
      const del = db.query("DELETE FROM sync_dangling WHERE from_id = ? AND to_id = ? AND relation = ?");
      for (const r of rows) del.run(r.fromId, r.toId, r.relation);
      return rows;
    });
  }

  activeCanonical(hashes: readonly string[]): Set<string> {
    const found = new Set<string>();
    const plainOf = new Map(hashes.map((h) => [this.#codec.keyedHash(h), h]));
    const stored = [...plainOf.keys()];
    for (let i = 0; i < stored.length; i += 500) {
      const part = stored.slice(i, i + 500);
      const match = canonicalMatch("m", part);
      const rows = this.#db
        .query(`SELECT DISTINCT m.canonical_hash AS h FROM memories m WHERE m.status = 'active' AND ${match.sql}`)
        .all(...match.params) as Array<{ h: StoredHash }>;
      for (const r of rows) found.add(plainOf.get(hashText(r.h)!)!);
    }
    return found;
  }

  teamKey(): Uint8Array | null {
    const row = this.#db.query("SELECT team_key FROM sync_secret WHERE id = 1").get() as { team_key: string } | null;
    return row ? new Uint8Array(Buffer.from(this.#codec.decode(row.team_key, TEAM_KEY_PLACE, "the team key"), "base64")) : null;
  }

  setTeamKey(key: Uint8Array): void {
    const stored = this.#codec.encode(Buffer.from(key).toString("base64"), TEAM_KEY_PLACE);
    this.#w((db) => db.query("INSERT OR REPLACE INTO sync_secret (id, team_key) VALUES (1, ?)").run(stored));
  }

  serverPassword(): string | null {
    const row = this.#db.query("SELECT server_password FROM sync_secret WHERE id = 1").get() as { server_password: string | null } | null;
    return row?.server_password == null ? null : this.#codec.decode(row.server_password, SERVER_PASSWORD_PLACE, "the sync server's password");
  }

  setServerPassword(password: string | null): void {
    const stored = password === null ? null : this.#codec.encode(password, SERVER_PASSWORD_PLACE);
    this.#w((db) => db.query("UPDATE sync_secret SET server_password = ? WHERE id = 1").run(stored));
  }

  reset(): void {
    this.#w((db) => {
      db.run("DELETE FROM sync_secret");
      for (const t of ["sync_outbox", "sync_versions", "sync_pending", "sync_dangling"]) db.run(`DELETE FROM ${t}`);
      db.run("UPDATE sync_local SET value = 0 WHERE key IN ('mode', 'counter', 'cursor')");
      db.run("DELETE FROM sync_local WHERE key LIKE 'seen:%'");
      db.run(`DELETE FROM sync_local WHERE key LIKE '${HISTORY_ERASED}%' OR key LIKE '${HISTORY_ERASED_AT}%'`);
    });
  }
}
