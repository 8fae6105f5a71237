/**
 * @module A refresh of the index file carries the previous file's IVF lists forward instead of training them
 * again: its centroids, and each unchanged vector's list; only the vectors added or changed since that file
 * (the change log says which) are assigned to their nearest centroid. At 1M vectors a full build spent 8.5 s
 * training and 20 s assigning every vector of its ~31 s, and the background worker rebuilt after every 2,000
 * changes. Lists are trained again once the store has grown or shrunk by a quarter since they were, when the
 * list count the store calls for moved by a quarter, or when the log no longer reaches back to the file.
 * Only where vectors sit changes (a search reads the lists it probes either way, every row scored exactly
 * from the same packed bytes); the same previous file and store give the same new file.
 */
import type { IndexFile } from "../store/vector-file.ts";

/** How far the vector count (or the list count wanted) may move from the trained one before training again. */
export const CARRY_DRIFT = 0.25;
/** Above the most lists a file gets (ivf.ts MAX_LISTS): a seq and its list packed in one number. */
const LIST_SPAN = 4096;

export interface CarriedLists {
  centroids: Float32Array;
  nlist: number;
  /** The vector count the centroids were trained on. */
  trained: number;
  /** Per snapshot row, its list; rows in `fresh` are still to be assigned. */
  list: Uint32Array;
  /** Snapshot rows added or changed since the previous file, ascending. */
  fresh: Uint32Array;
}

/**
 * The lists `previous` carries into a build of `seqs` (the snapshot's, ascending), or null when it should train
 * again. `changed`: the memories whose vectors the log names since the previous file (null: it cannot say),
 * read only once the counts allow carrying; `wanted`: the list count the store calls for now.
 */
export function carryLists(previous: IndexFile, seqs: Uint32Array, changed: () => readonly number[] | null, wanted: number): CarriedLists | null {
  const { nlist, trained, offsets } = previous;
  const n = seqs.length;
  if (nlist <= 1 || trained === 0) return null;
  if (Math.abs(wanted - nlist) > CARRY_DRIFT * nlist || Math.abs(n - trained) > CARRY_DRIFT * trained) return null;
  const named = changed();
  if (named === null) return null;
  // The previous file's rows as seq · LIST_SPAN + list, sorted: walked in step with the ascending snapshot.
  const keys = new Float64Array(previous.count);
  for (let l = 0; l < nlist; l++) for (let r = offsets[l]!; r < offsets[l + 1]!; r++) keys[r] = previous.seqs[r]! * LIST_SPAN + l;
  keys.sort();
  const stale = new Set(named);
  const list = new Uint32Array(n);
  const fresh: number[] = [];
  let k = 0;
  for (let r = 0; r < n; r++) {
    const seq = seqs[r]!;
    while (k < keys.length && keys[k]! < seq * LIST_SPAN) k++;
    const key = keys[k];
    if (key !== undefined && key < (seq + 1) * LIST_SPAN && !stale.has(seq)) list[r] = key - seq * LIST_SPAN;
    else fresh.push(r);
  }
  return { centroids: previous.centroids, nlist, trained, list, fresh: Uint32Array.from(fresh) };
}
