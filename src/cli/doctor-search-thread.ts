/**
 * @module `cairn doctor`'s check of the keyword search thread (store/search-thread.ts): it starts one and has
 * it search the store once, so a build that lost the thread's entry, or a file it cannot open a second time,
 * is reported rather than silently slower.
 */
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
    const kept = store.codec.encrypted ? "" : ", which keep this store's full-text index in memory there";
    return { name, level: "ok", detail: `answers from a second connection (${ms} ms with start-up); ${used} by cairn mcp, cairn ui and the hook daemon${kept}` };
  } catch (err) {
    return { name, level: "warn", detail: `${describeError(err)}: ${slower}` };
  } finally {
    thread.close();
  }
}
