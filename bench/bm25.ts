/**
 * @module The baseline the retrieval benches report beside cairn: plain SQLite FTS5 BM25 with the porter
 * stemmer, searched with an OR of the query's content words (no stop words), nothing else.
 */
import { Database } from "bun:sqlite";
import { STOPWORDS } from "../src/retrieve/stopwords.ts";

export class Bm25Baseline {
  readonly #db = new Database(":memory:");
  readonly #search;

  /** `scope`: a document's project; "" (the default) is global and found from every scope. */
  constructor(docs: Iterable<{ id: string; content: string; scope?: string }>) {
    this.#db.run("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, scope UNINDEXED, content, tokenize='porter unicode61')");
    const insert = this.#db.prepare("INSERT INTO d (id, scope, content) VALUES (?, ?, ?)");
    for (const doc of docs) insert.run(doc.id, doc.scope ?? "", doc.content);
    this.#search = this.#db.prepare("SELECT id FROM d WHERE d MATCH ?1 AND (?2 IS NULL OR scope = ?2 OR scope = '') ORDER BY bm25(d) LIMIT ?3");
  }

  /** Ids of the best `limit` documents for `query`, within `scope` (and global ones) when given. */
  search(query: string, limit: number, scope: string | null = null): string[] {
    const words = (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w));
    if (words.length === 0) return [];
    return (this.#search.all(words.map((w) => `"${w}"`).join(" OR "), scope, limit) as { id: string }[]).map((r) => r.id);
  }

  close(): void {
    this.#db.close();
  }
}
