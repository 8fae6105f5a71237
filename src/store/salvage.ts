/**
 * @module What `cairn doctor --repair` reads from a damaged database: every memory, link and audit entry that
 * can still be read, copied into a new store (its full-text and tag indexes rebuilt on insert). Rows are read
 * in key order; where a broken page stops the read, the scan steps past it and finds by bisection where
 * readable rows start again, so one bad page costs only the rows on it. Vectors are not copied: they are
 * recomputed from the text.
 */
import { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import type { Edge, Relation } from "../domain/edge.ts";
import { CairnError, describeError } from "../errors.ts";
import { appendAudit, type AuditRow, toEntry } from "./audit.ts";
import type { StoredChainRow } from "./audit-chain.ts";
import { type OldChain, OldChainWalk, recordRepair } from "./salvage-audit.ts";
import { forgetKeyingEras } from "./audit-key.ts";
import { secureDelete } from "./db.ts";
import { checkDatabaseFile } from "./file-check.ts";
import { salvagePolicy } from "./salvage-policy.ts";
import { salvageSource } from "./salvage-source.ts";
import { MEMORY_COLUMNS, type MemoryRow, rowToMemory } from "./rows.ts";
import type { SqliteStore } from "./sqlite-store.ts";

export interface SalvageReport {
  memories: number;
  links: number;
  auditEntries: number;
  /** Rows found but unreadable, or stretches of keys skipped past a broken page. */
  unreadable: number;
  /**
   * Memories lost with the damage, at least: those the copied audit log shows were made and never purged that
   * are not among those copied, or, when more, the old store's own count of its rows less those copied.
   */
  lost: number;
  /** Of those, the ones the audit log names (its entries show what each held: `cairn audit log --memory <id>`). */
  lostIds: string[];
  /** The old audit log as it was read: entries missing, where its chain broke (written into the new log too). */
  oldLog: OldChain;
}

/** Why the file at `path` needs repair (header, then SQLite's integrity check), or null when it is sound. */
export function diagnose(path: string, walPresent: boolean): string | null {
  try {
    checkDatabaseFile(path, { walPresent });
  } catch (err) {
    // What is wrong, not the whole refusal (whose advice is to run this very repair).
    return err instanceof CairnError && err.code === "DB_CORRUPT" ? String(err.args[1]) : describeError(err);
  }
  let db: Database | undefined;
  try {
    db = secureDelete(new Database(path, { readonly: true }));
    const rows = db.query("PRAGMA integrity_check(5)").values() as Array<[string]>;
    // Its first report often spans lines under a "*** in database main ***" heading.
    const found = rows.flatMap((r) => r[0].split("\n")).filter((l) => l !== "ok" && l.trim() !== "" && !l.startsWith("***"));
    return found.length === 0 ? null : found.slice(0, 2).join("; ") + (found.length > 2 ? "; …" : "");
  } catch (err) {
    return describeError(err);
  } finally {
    db?.close();
  }
}

/** Copies what can be read from the database at `from` (opened read-only, never changed) into `to`. */
export function salvage(from: string, to: SqliteStore): SalvageReport {
  const walk = new OldChainWalk();
  const report: SalvageReport = { memories: 0, links: 0, auditEntries: 0, unreadable: 0, lost: 0, lostIds: [], oldLog: walk.result() };
  if ((statSync(from, { throwIfNoEntry: false })?.size ?? 0) === 0) return report; // nothing was ever in it
  const source = salvageSource(from);
  let db: Database;
  try {
    db = secureDelete(new Database(source.path, { readonly: true }));
  } catch {
    source.done();
    return report;
  }
  try {
    const seqToId = new Map<number, string>();
    to.transaction(() => {
      report.unreadable += scan(db, "memories m", "m.seq", MEMORY_COLUMNS, (row: MemoryRow) => {
        const memory = rowToMemory(row, to.codec);
        to.insert(memory);
        seqToId.set(row.seq, memory.id);
        report.memories++;
      });
      report.unreadable += scanAll(db, "SELECT * FROM edges", (e: EdgeRow) => {
        const edge = toEdge(e, seqToId);
        if (edge && to.addEdge(edge)) report.links++;
      });
      report.unreadable += scan(db, "audit", "seq", "*", (a: AuditRow & StoredChainRow) => {
        appendAudit(to.database, toEntry(a, to.codec), to.codec);
        walk.take(a);
        report.auditEntries++;
      });
      report.oldLog = walk.result();
      recordRepair(to.database, to.codec, report.oldLog, Date.now());
      report.unreadable += salvagePolicy(db, to.database);
      // Copied entries were keyed under keys whose eras are not known here: the memory check starts afresh.
      forgetKeyingEras(to.database);
      report.lostIds = lostMemories(to.database);
      report.lost = Math.max(report.lostIds.length, countedRows(db) - report.memories);
    });
  } finally {
    db.close();
    source.done();
  }
  return report;
}

/** The memories the damaged store counted (row-counts.ts), or 0 when that count cannot be read. */
function countedRows(db: Database): number {
  try {
    return (db.query("SELECT n FROM row_counts WHERE name = 'memories'").get() as { n: number } | null)?.n ?? 0;
  } catch {
    return 0;
  }
}

/** Memories with a `create` entry whose last entry is not a purge, missing from the memories table. */
function lostMemories(db: Database): string[] {
  const rows = db
    .query(
      `SELECT l.id FROM (SELECT memory_id AS id, max(seq) AS seq FROM audit WHERE memory_id IN (SELECT memory_id FROM audit WHERE op = 'create') GROUP BY memory_id) l
       JOIN audit a ON a.seq = l.seq
       WHERE a.op <> 'purge' AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.id = l.id) ORDER BY l.seq`,
    )
    .all() as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

interface EdgeRow {
  from_seq: number;
  to_seq: number;
  relation: string;
  weight: number;
  created_at: number;
  metadata: string;
}


function toEdge(e: EdgeRow, seqToId: Map<number, string>): Edge | null {
  const fromId = seqToId.get(e.from_seq);
  const toId = seqToId.get(e.to_seq);
  if (!fromId || !toId) return null;
  return { fromId, toId, relation: e.relation as Relation, weight: e.weight, createdAt: e.created_at, metadata: JSON.parse(e.metadata) };
}

/** Keys are stepped over at most this far past a broken page before the scan gives up on the table. */
const MAX_SKIP = 2 ** 40;

/**
 * Calls `take` with each readable row of `table` in ascending order of its integer primary key `key`;
 * returns how many broken stretches were stepped over plus rows that read but did not convert.
 */
function scan<R>(db: Database, table: string, key: string, columns: string, take: (row: R) => void): number {
  let batch: ReturnType<Database["query"]>;
  let single: ReturnType<Database["query"]>;
  try {
    const sql = `SELECT ${columns} FROM ${table} WHERE ${key} >= ? ORDER BY ${key} LIMIT `;
    batch = db.query(`${sql}256`);
    single = db.query(`${sql}1`);
  } catch {
    return 1; // the table itself (its schema entry or root page) cannot be read
  }
  const name = key.replace(/^\w+\./, "");
  const read = (q: typeof batch, from: number): Array<Record<string, unknown>> | null => {
    try {
      return q.all(from) as Array<Record<string, unknown>>;
    } catch {
      return null;
    }
  };
  let skipped = 0;
  let from = 0;
  for (;;) {
    // A batch fails as a whole when it reaches a broken page; row by row then gets every row before it.
    const rows = read(batch, from) ?? read(single, from);
    if (rows === null) {
      // `from` lies in a broken page: step past it, doubling, then bisect back to where rows read again.
      skipped++;
      let step = 1;
      while (step < MAX_SKIP && read(single, from + step) === null) step *= 2;
      if (step >= MAX_SKIP) return skipped;
      let bad = from + Math.floor(step / 2);
      let good = from + step;
      while (good - bad > 1) {
        const mid = bad + Math.floor((good - bad) / 2);
        if (read(single, mid) === null) bad = mid;
        else good = mid;
      }
      from = good;
      continue;
    }
    if (rows.length === 0) return skipped;
    for (const row of rows) {
      try {
        take(row as R);
      } catch {
        skipped++;
      }
    }
    from = (rows[rows.length - 1]![name] as number) + 1;
  }
}

/** Rows of a small table without an integer key, in one pass up to the first unreadable page. */
function scanAll<R>(db: Database, sql: string, take: (row: R) => void): number {
  let skipped = 0;
  try {
    for (const row of db.query(sql).iterate()) {
      try {
        take(row as R);
      } catch {
        skipped++;
      }
    }
  } catch {
    skipped++;
  }
  return skipped;
}
