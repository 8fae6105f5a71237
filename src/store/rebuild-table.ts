/**
 * @module A table rebuilt row by row inside a migration's transaction, for changes SQLite cannot make in place
 * (a STRICT column's type) or should not (rows shrinking a lot: an in-place update leaves every page partly
 * empty for good). Rows are copied in rowid batches, each batch converted, then deleted from the old table, so
 * the new table's pages are mostly the ones the old one just freed: the file does not grow. Rowids stay; the
 * table's own indexes and triggers are set aside meanwhile (no trigger fires for the copy's deletes, no index
 * is kept up by them) and made again at the end, as they were, with the planner's measure of them
 * (sqlite_stat1: dropping a table drops it, and SQLite does not measure again an index of a table it measured).
 * A table other tables refer to (memories) needs foreign keys off (Migration.foreignKeysOff): the copy's
 * deletes would otherwise cascade.
 */
import type { Database, SQLQueryBindings } from "bun:sqlite";

const BATCH = 2000;

export interface Rebuild<Row> {
  /** The table's columns as copied (the rowid comes along by itself). */
  columns: readonly string[];
  /** The new table's definition, from its current one (`CREATE TABLE <name> (…)`, any quoting of the name). */
  define: (current: string) => string;
  /** A row's values in `columns`' order, as the new table stores them. */
  convert: (row: Row) => SQLQueryBindings[];
  /** An index's or trigger's definition as made again (default: as it was). */
  remake?: (name: string, sql: string) => string;
}

export function rebuildTable<Row extends Record<string, unknown>>(db: Database, table: string, spec: Rebuild<Row>): void {
  const scratch = `${table}_rebuilt`;
  const attached = db
    .query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name")
    .all(table) as Array<{ type: string; name: string; sql: string }>;
  const current = (db.query("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql;
  const measured = db.query("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get() !== null;
  const stats = measured ? (db.query("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ?").values(table) as SQLQueryBindings[][]) : [];
  const defined = spec.define(current);
  const head = new RegExp(`^CREATE TABLE "?${table}"?`);
  if (!head.test(defined)) throw new Error(`rebuildTable: the new definition of ${table} must start with CREATE TABLE ${table}`);
  db.run(defined.replace(head, `CREATE TABLE ${scratch}`));
  for (const { type, name } of attached) db.run(`DROP ${type === "index" ? "INDEX" : "TRIGGER"} "${name}"`);
  const list = spec.columns.join(", ");
  const select = db.query(`SELECT rowid AS rowid_, ${list} FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ?`);
  const insert = db.query(`INSERT INTO ${scratch} (rowid, ${list}) VALUES (?, ${spec.columns.map(() => "?").join(", ")})`);
  const done = db.query(`DELETE FROM "${table}" WHERE rowid <= ?`);
  const count = () => (db.query(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  const rowsBefore = count();
  let copied = 0;
  // From the lowest rowid SQLite allows (cairn's start at 1; another tool may have written 0 or below).
  for (let after = -(2 ** 63); ; ) {
    const rows = select.all(after, BATCH) as Array<Row & { rowid_: number }>;
    if (rows.length === 0) break;
    for (const r of rows) insert.run(r.rowid_, ...spec.convert(r));
    copied += rows.length;
    after = rows.at(-1)!.rowid_;
    done.run(after);
  }
  // Every row copied, none left behind: else the caller's transaction rolls back.
  if (copied !== rowsBefore || count() !== 0) throw new Error(`rebuilding ${table}: copied ${copied} of ${rowsBefore} rows; nothing was changed`);
  db.run(`DROP TABLE "${table}"`);
  // Legacy mode: a trigger of another table naming this one (sync_edge_insert reads memories) would otherwise
  // fail the rename ("no such table"), the old table being gone; it names the renamed one all the same.
  db.run("PRAGMA legacy_alter_table = ON");
  try {
    db.run(`ALTER TABLE ${scratch} RENAME TO ${table}`);
  } finally {
    db.run("PRAGMA legacy_alter_table = OFF");
  }
  for (const { name, sql } of attached) db.run(spec.remake?.(name, sql) ?? sql);
  if (stats.length > 0) {
    const keep = db.query("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)");
    for (const row of stats) keep.run(...row);
    db.run("ANALYZE sqlite_schema"); // the planner reads the measures again
  }
}
