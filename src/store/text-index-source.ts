/**
 * @module Reading a {@link TextIndex} out of the database: built whole from FTS5's own index (fts5vocab
 * `instance` rows, docsize), and kept current from text_log, the changed documents' terms read from a scratch
 * FTS5 table with the same tokenizer. An encrypted store's index holds keyed hashes of tokens (a blind index),
 * so its changed memories are read through its codec: only a holder of the key can catch the index up.
 */
import type { Database } from "bun:sqlite";
import { indexedTexts, type MemoryRow } from "./rows.ts";
import { type ContentCodec, PLAIN_CODEC } from "./content-codec.ts";
import { BM25_WEIGHTS, type DocProjects, type DocTerms, type Phrase, type TextIndex, TextIndexBuilder } from "./text-index.ts";
import { ProjectCoder, UNKNOWN_PROJECT } from "./project-codes.ts";
import { logHead } from "./log-mark.ts";
import { textChangedSince } from "./text-log.ts";
import { indexFileState } from "./index-file-io.ts";
import { readVarints } from "./term-stats.ts";

/**
 * Instances read between two yields of a build to the event loop (~10 ms: a search waits at most that long;
 * a build reads ~40 instances a memory).
 */
const BUILD_SLICE = 25_000;

const TOKENIZER = "porter unicode61 remove_diacritics 2";

/** A build's yield: searches waiting on the event loop run now. */
const toEventLoop = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The sum of a docsize record's varints (one per column): the document's tokens in all columns. */
function docSize(sz: Uint8Array): number {
  return readVarints(sz).reduce((a, b) => a + b, 0);
}

/**
 * Builds the index from `db` (a connection of its own: the build holds one read transaction, so its lists,
 * sizes and log position are one snapshot), yielding to the event loop every {@link BUILD_SLICE} instances so
 * searches go on meanwhile (on another connection, through FTS5).
 */
export async function buildTextIndex(db: Database): Promise<{ index: TextIndex; state: { epoch: number; erase: number } }> {
  // Read through the page cache, not a map: the index is read once, and mapped pages would count as the
  // process's own while the build lasts.
  db.run("PRAGMA mmap_size = 0");
  db.run("CREATE VIRTUAL TABLE IF NOT EXISTS temp.text_index_instances USING fts5vocab(main, memories_fts, instance)");
  db.run("BEGIN");
  try {
    const head = logHead(db, "text_log");
    // In the same snapshot: a purge after it moves `erase`, and a file written from this build is withdrawn.
    const state = indexFileState(db);
    const max = (db.query("SELECT max(id) AS n FROM memories_fts_docsize").get() as { n: number | null }).n ?? 0;
    const sizes = new Uint32Array(max + 1);
    for (const r of db.query("SELECT id, sz FROM memories_fts_docsize").iterate() as Iterable<{ id: number; sz: Uint8Array }>) sizes[r.id] = docSize(r.sz);
    const projects = await docProjects(db, sizes.length);
    const builder = new TextIndexBuilder();
    let n = 0;
    for (const r of db.query("SELECT term, doc, col FROM temp.text_index_instances").iterate() as Iterable<{ term: string; doc: number; col: string }>) {
      builder.add(r.term, r.doc, r.col === "tags");
      if (++n % BUILD_SLICE === 0) {
        // Each instance leaves a row object behind (~40 a memory): collected as the build goes, a build at 1M
        // memories peaked at ~580 MB resident, the index itself being ~60 MB.
        if (n % (BUILD_SLICE * 8) === 0) Bun.gc(false);
        await toEventLoop();
      }
    }
    return { index: builder.finish(sizes, projects, head), state };
  } finally {
    db.run("COMMIT");
  }
}

/**
 * Each memory's project by seq, for seqs below `length` (the rest {@link UNKNOWN_PROJECT}), read from the scope
 * index (project, status, created_at; the rowid is in it) rather than the table's rows, yielding like the
 * build. Projects past the first 254 (in key order) stay {@link UNKNOWN_PROJECT}.
 */
async function docProjects(db: Database, length: number): Promise<DocProjects> {
  const codes = new Uint8Array(length).fill(UNKNOWN_PROJECT);
  const coder = new ProjectCoder();
  let n = 0;
  for (const r of db.query("SELECT seq, project FROM memories INDEXED BY memories_scope").iterate() as Iterable<{ seq: number; project: string | null }>) {
    const c = coder.code(r.project);
    if (r.seq < length) codes[r.seq] = c;
    if (++n % BUILD_SLICE === 0) await toEventLoop();
  }
  return { codes, names: coder.names };
}

/**
 * Brings `index` up to the log's head on `db` (inside the caller's read transaction), reading changed rows
 * through the store's `codec`. False when it cannot (the log was pruned past it, or more changed than
 * `limit`): then the caller builds again.
 */
export function catchUp(db: Database, index: TextIndex, limit: number, codec: ContentCodec = PLAIN_CODEC): boolean {
  const changes = textChangedSince(db, index.log);
  if (!changes) return false;
  if (changes.seqs.length === 0) return true;
  const seqs = [...new Set(changes.seqs)];
  if (index.changed + seqs.length > limit) return false;
  const docs = docTerms(db, seqs, codec);
  for (const seq of seqs) index.replace(seq, docs.get(seq) ?? null);
  index.log = changes.head;
  return true;
}

/**
 * The indexed terms and size of each of `seqs` still in the index: the text the store gave FTS5 (content and
 * tags as `codec` indexes them), tokenized by a scratch FTS5 table, so the terms are FTS5's.
 */
function docTerms(db: Database, seqs: readonly number[], codec: ContentCodec): Map<number, { size: number; terms: DocTerms }> {
  const out = new Map<number, { size: number; terms: DocTerms }>();
  const list = JSON.stringify(seqs);
  const sizes = new Map(
    (db.query("SELECT id, sz FROM memories_fts_docsize WHERE id IN (SELECT value FROM json_each(?))").values(list) as Array<[number, Uint8Array]>).map(([id, sz]) => [id, docSize(sz)]),
  );
  if (sizes.size === 0) return out;
  const rows = db.query("SELECT seq, id, content, tags FROM memories WHERE seq IN (SELECT value FROM json_each(?))").all(list) as Array<Pick<MemoryRow, "seq" | "id" | "content" | "tags">>;
  scratch(db);
  const insert = db.query("INSERT INTO temp.text_index_scratch (rowid, content, tags) VALUES (?, ?, ?)");
  for (const row of rows) {
    if (!sizes.has(row.seq)) continue;
    insert.run(row.seq, ...indexedTexts(codec, row));
    out.set(row.seq, { size: sizes.get(row.seq)!, terms: new Map() });
  }
  for (const [term, doc, col] of db.query("SELECT term, doc, col FROM temp.text_index_scratch_instances").values() as Array<[string, number, string]>) {
    const terms = out.get(doc)!.terms;
    terms.set(term, (terms.get(term) ?? 0) + BM25_WEIGHTS[col === "tags" ? 1 : 0]);
  }
  db.run("DELETE FROM temp.text_index_scratch");
  return out;
}

/** The scratch FTS5 table (same tokenizer as memories_fts), emptied. */
function scratch(db: Database): void {
  db.run(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.text_index_scratch USING fts5 (content, tags, tokenize = '${TOKENIZER}')`);
  db.run("CREATE VIRTUAL TABLE IF NOT EXISTS temp.text_index_scratch_instances USING fts5vocab(temp, text_index_scratch, instance)");
  db.run("DELETE FROM temp.text_index_scratch");
}

const PHRASE = /^"([^"]*)"(\*?)$/;

/**
 * The phrases of a MATCH expression written by the query builder (quoted phrases, some with a trailing `*`,
 * joined by OR), in order: a quoted text FTS5 tokenizes to one token is scored in memory, anything else by FTS5.
 * Null for any other shape.
 */
export function matchPhrases(db: Database, match: string): Phrase[] | null {
  const parts = match.split(" OR ").map((p) => PHRASE.exec(p));
  if (parts.some((p) => p === null)) return null;
  tokenize(db, parts.filter((p) => p![2] === "").map((p) => p![1]!));
  const out: Phrase[] = [];
  for (const p of parts) {
    const t = p![2] === "" ? TOKENS.get(p![1]!)! : [];
    if (p![2] === "" && t.length === 1) out.push({ token: t[0]! });
    else if (p![2] === "" && t.length > 1) out.push({ fts: p![0]!, tokens: t });
    else if (p![2] !== "") out.push({ fts: p![0]! });
    // No token: FTS5 matches nothing for it.
  }
  return out;
}

/** FTS5's tokens of query texts already seen (the tokenizer never changes); cleared past {@link TOKENS_KEPT}. */
const TOKENS = new Map<string, string[]>();
const TOKENS_KEPT = 16_384;

/** Fills {@link TOKENS} for `texts` not in it, through the scratch table: one insert per text, one read. */
function tokenize(db: Database, texts: readonly string[]): void {
  const fresh = [...new Set(texts.filter((t) => !TOKENS.has(t)))];
  if (fresh.length === 0) return;
  if (TOKENS.size + fresh.length > TOKENS_KEPT) TOKENS.clear();
  scratch(db);
  const insert = db.query("INSERT INTO temp.text_index_scratch (rowid, content, tags) VALUES (?, ?, '')");
  fresh.forEach((text, i) => insert.run(i + 1, text));
  const tokens = fresh.map((): string[] => []);
  for (const [term, doc] of db.query("SELECT term, doc FROM temp.text_index_scratch_instances ORDER BY doc, offset").values() as Array<[string, number]>) {
    tokens[doc - 1]!.push(term);
  }
  db.run("DELETE FROM temp.text_index_scratch");
  fresh.forEach((text, i) => TOKENS.set(text, tokens[i]!)); // only once all were read
}
