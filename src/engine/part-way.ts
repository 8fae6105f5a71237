/**
 * @module A multi-step operation (consolidate, the retention sweep, re-embedding) whose disk fills after some of its
 * steps committed. Each step is a transaction of its own, so what was done before stays done: the error says so and
 * lists it, instead of DB_FULL's "nothing was stored or changed" (QA: said of runs that had folded groups, purged a
 * memory, stored vectors). The partial report rides on the error for a caller that adds runs together.
 */
import { CairnError, cairnError } from "../errors.ts";

/** `err` told as a stop part-way through `command` after `done` (null: nothing was done, `err` as it is). */
export function stoppedPartWay<R>(err: unknown, command: string, done: string | null, partial?: R): unknown {
  if (done === null || !(err instanceof CairnError) || (err.code !== "DB_FULL" && err.code !== "DB_FULL_PART_WAY")) return err;
  // A stop already told (an inner step's): its disk and cause, with what this level did.
  const [path, why, dir] = err.args;
  return Object.assign(cairnError("DB_FULL_PART_WAY", [path ?? "", why ?? "", dir ?? "", command, done], err), partial === undefined ? {} : { partial });
}

/** The partial report a {@link stoppedPartWay} error carries, if any. */
export function partialOf<R>(err: unknown): R | undefined {
  return err instanceof CairnError && "partial" in err ? (err as CairnError & { partial: R }).partial : undefined;
}
