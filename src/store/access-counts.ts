/**
 * @module Access counts: statistics a recall records on the read path, never at the read's expense. The write
 * waits at most briefly for the lock and is skipped when another process holds it, when the store refuses
 * writes (read-only, full disk: said once per process) or is damaged, and until the integrity check a
 * long-lived process runs before its first write has run (it reads the whole file: 0.7 s at 100k memories,
 * 8 s at 1M; the process runs it at a quiet moment, or a real write runs it first).
 */
import type { Database } from "bun:sqlite";
import { CairnError } from "../errors.ts";
import { log } from "../log.ts";
import { isBusy, withLockWait } from "./db.ts";
import type { LiveDatabase } from "./live-db.ts";
import { writeFailure } from "./write-access.ts";

/** How long a recall waits to record access counts before skipping them. */
const TOUCH_WAIT_MS = 50;

export class AccessCounts {
  readonly #live: LiveDatabase;
  /** The store's read connection (checked against the file and the key). */
  readonly #read: () => Database;
  readonly #location: string;
  readonly #waitMs: number;
  /** Rows changed by these writes, which the vector change token leaves out (vectors.ts). */
  readonly #changes: { n: number };
  /** Set once the user was told that access counts cannot be recorded. */
  #warned = false;

  constructor(opts: { live: LiveDatabase; read: () => Database; location: string; writeWaitMs?: number; changes: { n: number } }) {
    this.#live = opts.live;
    this.#read = opts.read;
    this.#location = opts.location;
    this.#waitMs = Math.min(TOUCH_WAIT_MS, opts.writeWaitMs ?? TOUCH_WAIT_MS);
    this.#changes = opts.changes;
  }

  /** Counts one access of each memory in `ids` at `now`, or nothing (see the module). */
  record(ids: readonly string[], now: number): void {
    if (ids.length === 0) return;
    const update = () => {
      const stmt = this.#read().query("UPDATE memories SET access_count = access_count + 1, last_accessed_at = ? WHERE id = ?");
      for (const id of ids) this.#changes.n += stmt.run(now, id).changes;
    };
    if (this.#live.current.inTransaction) return update();
    if (!this.#live.checked) {
      const refusal = this.#live.refusal;
      if (refusal) this.#skip(refusal);
      return;
    }
    let db: Database;
    try {
      db = this.#live.write();
    } catch (err) {
      if (this.#skip(err)) return;
      throw err;
    }
    try {
      withLockWait(db, this.#waitMs, () => db.transaction(update).immediate());
    } catch (err) {
      if (isBusy(err)) log.debug("access tracking skipped: the database is busy with another writer");
      else if (!this.#skip(writeFailure(err, this.#location) ?? err)) throw err;
    }
  }

  /** Whether a failed access-count write leaves the read standing: a damaged, read-only or full store. */
  #skip(err: unknown): boolean {
    if (!(err instanceof CairnError)) return false;
    // A damaged file keeps answering reads as far as it can; only statistics are lost.
    if (err.code === "DB_CORRUPT") log.debug(`access tracking skipped: ${err.message}`);
    else if (err.code !== "DB_READ_ONLY" && err.code !== "DB_FULL") return false;
    else if (!this.#warned) {
      // Once per process: every recall would say it again.
      this.#warned = true;
      const [, why, dir] = err.args;
      log.warn(
        err.code === "DB_FULL"
          ? `the disk of ${dir} is full (${why}): recall works, but access counts are not recorded and nothing new can be stored until space is freed`
          : `the memory database is read-only (${why}): recall works, but access counts are not recorded; remembering needs write access to ${dir}`,
      );
    }
    return true;
  }
}
