/**
 * @module The warm daemon's one open database, reopened when the file under it changes. A daemon that kept
 * writing to a database someone deleted or replaced would lose every memory it stored afterwards.
 */
import { statSync } from "node:fs";
import { SqliteStore } from "../../store/sqlite-store.ts";

export class StoreHolder {
  readonly #file: string;
  #store: SqliteStore | null = null;
  #identity = "";

  constructor(file: string) {
    this.#file = file;
  }

  /** The open store, (re)opened if the file is new, was replaced, or was removed and recreated. */
  get(): SqliteStore {
    const now = identity(this.#file);
    if (this.#store && now === this.#identity) return this.#store;
    this.close();
    const store = new SqliteStore(this.#file);
    this.#store = store;
    this.#identity = identity(this.#file);
    return store;
  }

  /** Opens the database if it exists and reads it into the page cache; a daemon's warm-up. */
  prefetch(): void {
    if (identity(this.#file) === "") return;
    this.get().prefetch();
  }

  close(): void {
    this.#store?.close();
    this.#store = null;
    this.#identity = "";
  }
}

/** Device and inode: changes when the file is replaced or recreated, not when it is written. */
function identity(file: string): string {
  try {
    const s = statSync(file);
    return `${s.dev}:${s.ino}`;
  } catch {
    return "";
  }
}
