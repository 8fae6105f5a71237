/**
 * @module Building, checking and refreshing the vector index file (store/vector-file.ts) of one model:
 * a snapshot of every packed vector with the change-log position it reflects, written as signs
 * (store/vector-signs.ts) in IVF lists when the store is large (ivf.ts), atomically and published only if no
 * purge happened meanwhile. Whoever has
 * time calls it (the background embedding worker, `cairn models reindex`, `doctor --repair`); a one-shot
 * recall only reads the file.
 */
import { packedBytes, unpackScaledInto } from "../store/vector-codec.ts";
import { signBytes, writeSigns } from "../store/vector-signs.ts";
import { encodeIndex, type IndexFile, indexPath, writeIndexFile } from "../store/vector-file.ts";
import { readStoreIndexFile, storeIndexBytes } from "../store/sealed-vector-file.ts";
import type { VectorStore } from "../store/vector-store.ts";
import { type Assign, dequantised, jsAssign, listsFor, type RowReader, trainCentroids } from "./ivf.ts";
import { CARRY_DRIFT, carryLists } from "./ivf-carry.ts";

/** A file this many log entries behind is rewritten by {@link refreshIndex} (readers catch up exactly meanwhile). */
export const STALE_AFTER = 2000;

export interface IndexStatus {
  path: string;
  /** outdated: written by a cairn whose file format differs. */
  state: "fresh" | "stale" | "absent" | "damaged" | "foreign" | "outdated";
  /** Vectors in the file. */
  count: number;
  lists: number;
  /** Memories whose vectors changed since the file was written (null: the log was pruned past it). */
  behind: number | null;
}

/** Checks the file: present, for this database and model, every CRC (all lists), how far behind. */
export function indexStatus(dataDir: string, store: VectorStore, model: string, dims: number, verifyAll = true): IndexStatus {
  const { status, file } = inspectIndex(dataDir, store, model, dims, verifyAll);
  file?.close();
  return status;
}

/** {@link indexStatus}, and the file opened for it when it is readable (the caller closes it). */
function inspectIndex(dataDir: string, store: VectorStore, model: string, dims: number, verifyAll: boolean): { status: IndexStatus; file: IndexFile | null } {
  const path = indexPath(dataDir, model, dims);
  const log = store.logState();
  const read = readStoreIndexFile(store.codec, path, model, dims, log.epoch);
  if (!read.ok) return { status: { path, state: read.reason, count: 0, lists: 0, behind: null }, file: null };
  const { file } = read;
  const status = (state: IndexStatus["state"], behind: number | null = null) => ({ status: { path, state, count: file.count, lists: file.nlist, behind }, file });
  if (verifyAll) for (let l = 0; l < file.nlist; l++) if (!file.listOk(l)) return status("damaged");
  if (file.logPos > log.head) return status("foreign");
  const behind = file.logPos < log.pruned ? null : (store.changedSince(file.logPos, file.logStamp, 1_000_000)?.length ?? null);
  const fresh = behind === 0 || (behind !== null && behind < STALE_AFTER);
  return status(fresh ? "fresh" : "stale", behind);
}

/**
 * Builds the file's bytes from one snapshot of the store (`lists`: default by size; 1 = exact). With
 * `previous` (the file it replaces) and no `lists`, its lists are carried forward when they still fit
 * (ivf-carry.ts): only what changed since is assigned, nothing trained.
 */
export async function buildIndexBytes(
  store: VectorStore,
  model: string,
  dims: number,
  opts: { lists?: number; assign?: Assign; previous?: IndexFile } = {},
): Promise<{ bytes: Uint8Array; count: number; lists: number; erase: number; logPos: number }> {
  const snap = store.snapshot(model, dims);
  const n = snap.seqs.length;
  const width = packedBytes(dims);
  const { packed } = snap;
  // Rows are read from the packed snapshot as needed (dequantised a batch at a time), never unpacked whole.
  const read: RowReader = (r, out, at) => unpackScaledInto(packed, r * width, dims, out, at);
  const wanted = Math.max(1, Math.min(opts.lists ?? listsFor(n), n));
  const assign = opts.assign ?? jsAssign;
  // The log is read after the snapshot: it names at least every change the snapshot holds since the previous file.
  const { previous } = opts;
  const changed = () => store.changedSince(previous!.logPos, previous!.logStamp, Math.floor(n * CARRY_DRIFT));
  const carried = previous && opts.lists === undefined ? carryLists(previous, snap.seqs, changed, wanted) : null;
  let nlist = wanted;
  let centroids: Float32Array;
  let list: Uint32Array;
  let trained = n;
  if (carried) {
    ({ nlist, centroids, list, trained } = carried);
    const { fresh } = carried;
    const assigned = fresh.length === 0 ? fresh : await assign(dequantised(read, dims, fresh), fresh.length, dims, centroids, nlist);
    for (let i = 0; i < fresh.length; i++) list[fresh[i]!] = assigned[i]!;
  } else {
    centroids = nlist === 1 ? meanOf(read, n, dims) : await trainCentroids(read, n, dims, nlist, assign);
    list = nlist === 1 ? new Uint32Array(n) : await assign(dequantised(read, dims), n, dims, centroids, nlist);
  }
  // Counting sort by list: each list's rows are contiguous, in seq order within it.
  const offsets = new Uint32Array(nlist + 1);
  for (let r = 0; r < n; r++) offsets[list[r]! + 1]!++;
  for (let l = 0; l < nlist; l++) offsets[l + 1]! += offsets[l]!;
  const at = offsets.slice(0, nlist);
  const place = new Uint32Array(n);
  const seqs = new Uint32Array(n);
  const codes = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const to = (place[r] = at[list[r]!]!++);
    seqs[to] = snap.seqs[r]!;
    codes[to] = snap.codes[r]!;
  }
  // A row's factor is known once its signs are written: the header's arrays are filled last (encodeIndex).
  const factors = new Float32Array(n);
  const meta = { dims, epoch: snap.state.epoch, logPos: snap.state.head, logStamp: snap.state.stamp, seqs, factors, offsets, centroids, trained, codes, names: snap.names };
  const row = signBytes(dims);
  const bytes = encodeIndex(model, meta, (values) => {
    for (let r = 0; r < n; r++) factors[place[r]!] = writeSigns(packed, r * width, dims, centroids, list[r]! * dims, values, place[r]! * row);
  });
  return { bytes, count: n, lists: nlist, erase: snap.state.erase, logPos: snap.state.head };
}

/** The mean of `n` rows: a flat file's one centroid, the point its signs are taken around (vector-signs.ts). */
function meanOf(read: RowReader, n: number, dims: number): Float32Array {
  const sum = new Float64Array(dims);
  const row = new Float32Array(dims);
  for (let r = 0; r < n; r++) {
    read(r, row, 0);
    for (let k = 0; k < dims; k++) sum[k]! += row[k]!;
  }
  return Float32Array.from(sum, (x) => (n > 0 ? x / n : 0));
}

/**
 * Writes a new file from the store now (carrying `previous`'s lists forward when they fit); false when a purge
 * meanwhile made it unpublishable (try again).
 */
export async function writeIndex(dataDir: string, store: VectorStore, model: string, dims: number, assign?: Assign, previous?: IndexFile): Promise<{ written: boolean; count: number; lists: number }> {
  const built = await buildIndexBytes(store, model, dims, { assign, previous });
  // Log entries up to the file's position are no longer needed by it; other models' files rebuild when pruned past.
  const bytes = storeIndexBytes(store.codec, built.bytes); // an encrypted store's sealed under its key
  const written = writeIndexFile(indexPath(dataDir, model, dims), bytes, (rename) => store.publishIndex(built.erase, built.logPos, rename));
  return { written, count: built.count, lists: built.lists };
}

/**
 * Rewrites the file when it is missing, unusable or {@link STALE_AFTER} behind, a stale one's lists carried
 * forward (ivf-carry.ts); returns whether it wrote.
 */
export async function refreshIndex(dataDir: string, store: VectorStore, model: string, dims: number, assign?: Assign): Promise<boolean> {
  const { status, file } = inspectIndex(dataDir, store, model, dims, false);
  // A stale file is carried forward; any other is only closed.
  const previous = status.state === "stale" ? (file ?? undefined) : undefined;
  if (!previous) file?.close();
  if (status.state === "fresh") return false;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await writeIndex(dataDir, store, model, dims, assign, previous)).written) return true;
      if (indexStatus(dataDir, store, model, dims, false).state === "fresh") return false; // another writer's is newer
    }
    return false;
  } finally {
    previous?.close();
  }
}

/** Runs `fn` with onnxruntime's nearest-centroid assignment when it loads, else with the JS one. */
export async function withFastAssign<T>(fn: (assign?: Assign) => Promise<T>): Promise<T> {
  let kernel: Awaited<ReturnType<typeof import("../embed/nearest-centroid.ts").openNearestCentroid>> | undefined;
  try {
    kernel = await (await import("../embed/nearest-centroid.ts")).openNearestCentroid();
  } catch {
    return fn();
  }
  try {
    return await fn(kernel.assign);
  } finally {
    await kernel.dispose();
  }
}
