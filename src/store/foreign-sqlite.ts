/**
 * @module Reading another program's SQLite file (a peer's store being imported): opened read-only, never
 * written, migrated or checkpointed, and closed before the import writes anything. Returns plain rows of the
 * tables asked for, so adapters outside src/store never touch SQLite themselves.
 */
import { Database } from "bun:sqlite";
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { cairnError, describeError } from "../errors.ts";
import { headerProblem } from "./file-check.ts";

export interface ForeignTable {
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

/** The tables of `path` that exist among `tables` (absent ones are left out); IMPORT_READ when it is not SQLite. */
export function readForeignTables(path: string, tables: readonly string[]): Map<string, ForeignTable> {
  checkHeader(path);
  let db: Database | null = null;
  try {
    db = new Database(path, { readonly: true });
    const present = new Set(
      (db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name),
    );
    const out = new Map<string, ForeignTable>();
    for (const table of tables) {
      if (!present.has(table)) continue;
      const quoted = `"${table.replace(/"/g, '""')}"`;
      const columns = (db.query(`PRAGMA table_info(${quoted})`).all() as Array<{ name: string }>).map((c) => c.name);
      const rows = db.query(`SELECT * FROM ${quoted}`).all() as Array<Record<string, unknown>>;
      out.set(table, { columns, rows });
    }
    return out;
  } catch (err) {
    throw cairnError("IMPORT_READ", [path, describeError(err)], err);
  } finally {
    db?.close();
  }
}

function checkHeader(path: string): void {
  if (!existsSync(path)) throw cairnError("IMPORT_READ", [path, "no such file"]);
  let header: Uint8Array;
  let size: number;
  try {
    const fd = openSync(path, "r");
    try {
      size = fstatSync(fd).size;
      header = new Uint8Array(100);
      header = header.subarray(0, size === 0 ? 0 : readSync(fd, header, 0, 100, 0));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw cairnError("IMPORT_READ", [path, describeError(err)], err);
  }
  const problem = headerProblem(header, size, existsSync(`${path}-wal`));
  if (problem) throw cairnError("IMPORT_READ", [path, `not a SQLite database: ${problem}`]);
}
