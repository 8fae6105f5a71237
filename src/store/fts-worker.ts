/**
 * @module The keyword search thread's entry (started by search-thread.ts, bundled as its own entry point by
 * scripts/build.ts). It holds a read-only connection to the store's file and runs {@link ftsSearch} there, so
 * a long-lived process ranks keyword matches while its main thread embeds the query and ranks vectors. It only
 * reads: every write, and every decision about what a row means, stays on the main thread.
 */
import type { Database } from "bun:sqlite";
import { openReader } from "./db.ts";
import { ftsSearch } from "./fts.ts";
import type { SearchReply, SearchRequest } from "./search-thread.ts";

declare const self: Worker;

let db: Database | null = null;
/** The main connection's generation this connection was opened for: another one means the file was replaced. */
let generation = -1;

self.onmessage = (event: MessageEvent<SearchRequest>) => {
  const req = event.data;
  let reply: SearchReply;
  try {
    if (db === null || req.generation !== generation) {
      db?.close();
      db = null;
      db = openReader(req.path);
      generation = req.generation;
    }
    const seen = { rate: req.rate, measured: req.measured ?? false };
    const hits = ftsSearch(db, req.match, req.where, req.limit, seen, req.matches);
    reply = { id: req.id, hits, rate: seen.rate, measured: seen.measured };
  } catch (err) {
    reply = { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
  postMessage(reply);
};
