/** @module Test helper: damaging a closed cairn database file in known ways (structure of one page, truncation). */
import { Database } from "bun:sqlite";
import { readFileSync, writeFileSync } from "node:fs";

/**
 * Breaks the leftmost leaf page of `table`'s b-tree (its first cell pointer points past the page), so
 * integrity and quick checks fail while a write that appends at the right end of the tree still succeeds.
 * Returns the damaged page's number. The file must be closed by every writer (no WAL).
 */
export function breakLeftLeaf(dbFile: string, table = "memories"): number {
  const db = new Database(dbFile, { readonly: true });
  const { rootpage } = db.query("SELECT rootpage FROM sqlite_master WHERE name = ?").get(table) as { rootpage: number };
  const { page_size: size } = db.query("PRAGMA page_size").get() as { page_size: number };
  db.close();
  const bytes = readFileSync(dbFile);
  let page = rootpage;
  for (;;) {
    const start = (page - 1) * size + (page === 1 ? 100 : 0);
    const kind = bytes[start]!;
    if (kind === 0x0d) {
      bytes.writeUInt16BE(size + 100, start + 8); // first cell pointer, out of the page
      writeFileSync(dbFile, bytes);
      return page;
    }
    if (kind !== 0x05) throw new Error(`page ${page} of ${table} is not a table b-tree page (${kind})`);
    const firstCell = bytes.readUInt16BE(start + 12);
    page = bytes.readUInt32BE((page - 1) * size + firstCell); // left child of the first cell
  }
}
