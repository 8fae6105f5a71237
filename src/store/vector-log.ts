/**
 * @module The vector change log's own pruning (migration 20). `vector_log` (migration 9) records every vector
 * written or deleted so an index file catches up from its position; a published file deletes what it no longer
 * needs (vectors.ts publishIndex). A store that never publishes one kept every entry: an encrypted store
 * (it had no file until session 43 sealed one) and a small store (no file is asked for below a few thousand
 * vectors), ~15 bytes a vector
 * written, forever, and again with each re-embedding. Now every {@link PRUNE_EVERY}th entry also deletes those
 * {@link VECTOR_LOG_KEPT} or more behind it and moves the `pruned` mark as a publish does, so a reader or
 * writer whose position fell behind it rebuilds, as it does after a publish pruned past it. The kept
 * window is wider than any catch-up a file of up to 1.3M vectors allows (file-index.ts: a fifth of its rows).
 */
import { PRUNE_EVERY } from "./text-log.ts";

/** Entries kept behind the newest (~4 MB of log at most). */
export const VECTOR_LOG_KEPT = 262_144;

/** The trigger, and the pruning of what an older store kept (the same rule, once). */
export const VECTOR_LOG_PRUNE_SCHEMA = `
  CREATE TRIGGER vector_log_prune AFTER INSERT ON vector_log WHEN new.id % ${PRUNE_EVERY} = 0 BEGIN
    DELETE FROM vector_log WHERE id <= new.id - ${VECTOR_LOG_KEPT};
    UPDATE vector_index_state SET value = max(value, new.id - ${VECTOR_LOG_KEPT} + 1) WHERE key = 'pruned';
  END;
  UPDATE vector_index_state SET value = max(value, (SELECT max(id) FROM vector_log) - ${VECTOR_LOG_KEPT} + 1)
    WHERE key = 'pruned' AND (SELECT max(id) FROM vector_log) > ${VECTOR_LOG_KEPT};
  DELETE FROM vector_log WHERE id <= (SELECT max(id) FROM vector_log) - ${VECTOR_LOG_KEPT};
`;
