/**
 * @module The keyword search thread's entry (started by search-thread.ts, bundled as its own entry point by
 * scripts/build.ts). It holds a read-only connection to the store's file and runs {@link ftsSearch} there, so
 * a long-lived process ranks keyword matches while its main thread embeds the query and ranks vectors. It only
 * reads: every write, and every decision about what a row means, stays on the main thread.
 *
 * It also keeps a full-text index (text-index.ts; an encrypted store's read through the key each request
 * carries): opened from the keyword index file when one is usable (its lists read from the file as searches
 * need them), else built on a second connection when the store asks (as it opens) or at the first search
 * (searches meanwhile rank through FTS5), then written to the file and read from there; caught up from
 * text_log before each search, built again when too much changed. The ranks are FTS5's to the bit; only their
 * cost differs.
 */
import type { Database } from "bun:sqlite";
import { openReader } from "./db.ts";
import { type ftsSearch, ftsSearchTerms, type PassRate } from "./fts.ts";
import type { PrepareRequest, SearchReply, SearchRequest } from "./search-thread.ts";
import type { TextIndex } from "./text-index.ts";
import { closeTextIndexFile, keywordIndexPath, openTextIndexFile, publishTextIndex, textIndexFileUnlinked } from "./text-index-file.ts";
import { indexFileState } from "./index-file-io.ts";
import { searchIndexed } from "./text-index-rank.ts";
import { buildTextIndex, catchUp } from "./text-index-source.ts";
import { AeadCodec } from "./aead-codec.ts";
import { type ContentCodec, PLAIN_CODEC } from "./content-codec.ts";

declare const self: Worker;

/** Changed documents an index holds beside its lists (each with a map of its terms) before it is built again. */
const MAX_CHANGED = 5_000;

let db: Database | null = null;
/** How the store's rows read (an encrypted store's through the key each request carries), made once per connection. */
let codec: ContentCodec = PLAIN_CODEC;
/** The key `codec` was made with (null: plain). */
let codecKey: Uint8Array | null = null;
/** The main connection's generation this connection was opened for: another one means the file was replaced. */
let generation = -1;
let index: TextIndex | null = null;
/** The store's path as last asked for (to build again from the idle check). */
let lastPath: string | null = null;
/** How often an idle thread checks whether the file its index reads was deleted. */
const UNLINKED_CHECK_MS = 2_000;
/** The generation whose index failed: searched through FTS5 only. */
let failed = -1;
/** The build under way, and the generation it reads. */
let building: { generation: number } | null = null;

self.onmessage = (event: MessageEvent<SearchRequest | PrepareRequest>) => {
  const req = event.data;
  if ("prepare" in req) {
    try {
      connect(req.path, req.generation, req.key);
      build(req.path, generation);
    } catch {
      // The first search opens the file again and reports what fails.
    }
    return;
  }
  let reply: SearchReply;
  try {
    const conn = connect(req.path, req.generation, req.key);
    const seen = { rate: req.rate, measured: req.measured ?? false };
    const { hits, indexed } = search(conn, req, seen);
    reply = { id: req.id, hits, rate: seen.rate, measured: seen.measured, indexed };
  } catch (err) {
    reply = { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
  postMessage(reply);
  // A search that made buffers too large to keep (a common term's list at 1M memories: megabytes) leaves them
  // to the collector, which here let ~60 MB pile up in the server's resident set; collected now, after the
  // reply (~2.6 ms, off the caller's path, after about one search in ten at 1M memories).
  if (index && index.takeLargeBytes() > 0) Bun.gc(true);
};

/**
 * The connection to `path` for the main connection's `gen` (reopened, its index dropped, when that changed),
 * and the codec its rows read with (`key`: an encrypted store's).
 */
function connect(path: string, gen: number, key: Uint8Array | undefined): Database {
  lastPath = path;
  if (db === null || gen !== generation || !sameKey(codecKey, key ?? null)) {
    db?.close();
    db = null;
    use(null);
    db = openReader(path);
    generation = gen;
    codec = key ? new AeadCodec(key, path) : PLAIN_CODEC;
    codecKey = key ?? null;
  }
  return db;
}

function sameKey(a: Uint8Array | null, b: Uint8Array | null): boolean {
  return a === null || b === null ? a === b : a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * One search: through the in-memory index when the store allows it and the index is ready and current, else
 * through FTS5 (starting a build of the index when there is none). The very common terms are dropped first,
 * counted the same way. A failure of the index (a store without text_log) turns it off for this file: only
 * speed is lost.
 */
function search(conn: Database, req: SearchRequest, seen: PassRate): { hits: ReturnType<typeof ftsSearch>; indexed: boolean } {
  letGoOfDeletedFile();
  const current = req.indexed ? index : null;
  if (current) {
    try {
      const hits = searchIndexed(conn, current, MAX_CHANGED, req, seen, 0, codec);
      if (hits === "stale") use(null); // too much changed, or the log moved past it: built again below
      else if (hits) return { hits, indexed: true };
    } catch {
      use(null);
      failed = generation;
    }
  }
  if (req.indexed) build(req.path, generation);
  return { hits: ftsSearchTerms(conn, req, seen), indexed: false };
}

/**
 * The index another process (or this thread) wrote beside the database, caught up from text_log on `reader`
 * (at 1M memories ~0.1 s instead of a 13 s build); null when there is none, it is unusable or too far behind.
 * Its lists stay in the file, read as searches need them: held in memory they were 61 MB of the server's
 * resident set at 1M memories, for reads of a few hundred KB a search from the page cache.
 */
function savedIndex(reader: Database, path: string): TextIndex | null {
  const file = keywordIndexPath(path);
  const saved = file ? openTextIndexFile(file, indexFileState(reader).epoch) : null;
  if (saved && reader.transaction(() => catchUp(reader, saved, MAX_CHANGED, codec)).deferred()) return saved;
  if (saved) closeTextIndexFile(saved);
  return null;
}

/** Makes `next` the index searched, closing the file of the one it replaces. */
function use(next: TextIndex | null): void {
  if (index && index !== next) closeTextIndexFile(index);
  index = next;
}

/**
 * Lets go of an index whose file was deleted (a purge deletes it with the words it held) or replaced by a newer
 * one: held open, the deleted file would stay on disk for as long as this thread runs. Whether it did; the
 * next search (or the check below) opens the file now there, or builds.
 */
function letGoOfDeletedFile(): boolean {
  if (!index || !textIndexFileUnlinked(index)) return false;
  use(null);
  return true;
}

// An idle server searches nothing for hours: its thread checks every few seconds too, and starts from the new file
// (or builds) at once rather than at the next search.
setInterval(() => {
  if (letGoOfDeletedFile() && db && lastPath) build(lastPath, generation);
}, UNLINKED_CHECK_MS).unref();

/**
 * Starts a build of the index on a connection of its own, unless there is an index, one for this generation is
 * under way, or this generation's failed.
 */
function build(path: string, gen: number): void {
  if (index || failed === gen || building?.generation === gen) return;
  const job = { generation: gen };
  building = job;
  let reader: Database | null = null;
  (async () => {
    reader = openReader(path);
    const saved = savedIndex(reader, path);
    if (saved) {
      if (building === job && gen === generation) use(saved);
      else closeTextIndexFile(saved);
      return;
    }
    const built = await buildTextIndex(reader);
    // One-shot processes of this store, and the next long-lived one, start from the file (text-index-file.ts);
    // so does this thread once it is written, the built lists then given back.
    publishTextIndex(reader, path, built.index, built.state);
    const written = savedIndex(reader, path);
    if (building === job && gen === generation) use(written ?? built.index);
    else if (written) closeTextIndexFile(written);
    // A build leaves ~10 row objects per memory behind: give the memory back now, not whenever the heap next fills.
    Bun.gc(true);
  })()
    .catch(() => {
      failed = gen; // searches go on through FTS5
    })
    .finally(() => {
      reader?.close();
      if (building === job) building = null;
    });
}
