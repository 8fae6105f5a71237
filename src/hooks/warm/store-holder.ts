/**
 * @module The warm daemon's one open database, opened on first use. The store itself notices a database
 * file that was deleted or replaced, or lost its -wal/-shm, and reopens (src/store/live-db.ts): a daemon
 * that kept writing to an unlinked file would lose every memory it stored afterwards.
 */
import { CairnError, cairnError } from "../../errors.ts";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { createStoreIfConfigured } from "../../keys/new-store.ts";
import { openDeferringUpgrade } from "../upgrade.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { SEARCH_THREAD_FROM } from "../../store/search-thread.ts";
import { LOCK_WAIT_MS, WRITE_WAIT_MS } from "../deadlines.ts";

export class StoreHolder {
  readonly #file: string;
  readonly #configFile: string;
  #store: SqliteStore | null = null;

  constructor(file: string, configFile: string) {
    this.#file = file;
    this.#configFile = configFile;
  }

  /** The open store, opened (and created if need be, encrypted when the configuration says so) on first use. */
  get(): SqliteStore {
    // The daemon's socket lives in the data directory: without the directory the daemon is on its way out, and
    // opening a store would make the directory again (a warm-up or a quiet-moment check racing its deletion).
    if (!this.#store && !existsSync(dirname(this.#file))) throw cairnError("NO_STORE", [dirname(this.#file), "CAIRN_HOME"]);
    if (!this.#store) createStoreIfConfigured(this.#file, this.#configFile);
    // A long upgrade is the background worker's: a daemon busy migrating misses every hook's deadline and is replaced.
    this.#store ??= openDeferringUpgrade(dirname(this.#file), () => new SqliteStore(this.#file, { verifyBeforeWrite: true, searchThreadFrom: SEARCH_THREAD_FROM, writeWaitMs: WRITE_WAIT_MS.warm, lockWaitMs: LOCK_WAIT_MS.warm, deferUpgrade: true }));
    return this.#store;
  }

  /**
   * Whether another process encrypted, decrypted or re-keyed the store since it was opened here: the daemon then
   * holds the old key (or none) and steps aside; writes would be refused and its state files sealed wrongly.
   */
  keyChanged(): boolean {
    try {
      this.#store?.checkKey();
      return false;
    } catch (err) {
      // Anything else (a damaged or replaced file) is met, and reported, by the event's own work.
      return err instanceof CairnError && err.code === "KEY_CHANGED";
    }
  }

  /** Opens the database if it exists and reads it into the page cache; a daemon's warm-up. */
  prefetch(): void {
    if (!existsSync(this.#file)) return;
    this.get().prefetch();
  }

  close(): void {
    this.#store?.close();
    this.#store = null;
  }
}
