/**
 * @module `cairn doctor`'s checks of keyword search: the search thread (store/search-thread.ts), started and
 * asked to search the store once, so a build that lost the thread's entry, or a file it cannot open a second
 * time, is reported rather than silently slower; and the keyword index file beside the database.
 */
import { keywordFileState, writeKeywordFile } from "../store/keyword-file-state.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";
import { SEARCH_THREAD_FROM, SearchThread, threadFor } from "../store/search-thread.ts";
import { filterToSql } from "../store/filter-sql.ts";
import { describeError } from "../errors.ts";

export async function searchThreadCheck(store: SqliteStore): Promise<{ name: string; level: "ok" | "warn"; detail: string }> {
  const name = "search thread";
  const slower = "long-lived processes (cairn mcp, cairn ui, the hook daemon) search keywords on their main thread";
  const thread = SearchThread.start();
  if (!thread) return { name, level: "warn", detail: `cannot start: ${slower}` };
  try {
    const started = performance.now();
    const where = filterToSql({ scope: { projects: null, includeGlobal: true } }, Date.now(), store.codec);
    await thread.search({ path: store.location, generation: 0, match: store.codec.indexQuery('"cairn"'), where, limit: 1, rate: 1 });
    const ms = (performance.now() - started).toFixed(0);
    const used = threadFor(store.location, SEARCH_THREAD_FROM) ? "used" : `used once the database reaches ${SEARCH_THREAD_FROM / 2 ** 20} MiB`;
    return { name, level: "ok", detail: `answers from a second connection (${ms} ms with start-up); ${used} by cairn mcp, cairn ui and the hook daemon, which keep this store's full-text index in memory there` };
  } catch (err) {
    return { name, level: "warn", detail: `${describeError(err)}: ${slower}` };
  } finally {
    thread.close();
  }
}

/**
 * The keyword index file (store/text-index-file.ts): present, for this database, every checksum right, and how
 * far the change log has moved past it; written again on repair.
 */
export async function keywordIndexCheck(store: SqliteStore, repair: boolean): Promise<{ name: string; level: "ok" | "info" | "warn"; detail: string }> {
  const name = "keyword index";
  let state = keywordFileState(store);
  if (!state) return { name, level: "info", detail: "none: the store is in memory" };
  let rebuilt = "";
  if (repair && state.kind !== "fresh") {
    await writeKeywordFile(store);
    rebuilt = ` (written again: it was ${state.kind})`;
    state = keywordFileState(store)!;
  }
  const { path } = state;
  const later = "the search thread of cairn mcp, cairn ui or the hook daemon writes it once it has built the index in memory, as does the background worker for stores of 20,000 memories or more, or `cairn doctor --repair`";
  switch (state.kind) {
    case "fresh":
      return { name, level: "ok", detail: `${path}: checksums ok, ${state.behind} changes behind (re-read from the database)${rebuilt}` };
    case "stale":
      return { name, level: "info", detail: `${path}: checksums ok, but the change log moved past it: keyword search ranks through FTS5 until ${later}` };
    case "absent":
      return { name, level: "info", detail: `no file yet: one-shot keyword searches rank through FTS5 until ${later}` };
    case "outdated":
      return { name, level: "info", detail: `${path} was written by a cairn with another file format: keyword search ranks through FTS5 until ${later}` };
    default:
      return { name, level: "warn", detail: `${path} is damaged or from another database: it is ignored; ${later}` };
  }
}
