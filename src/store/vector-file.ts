/**
 * @module The vector index file next to the database (`vectors-<model>-<dims>.idx`): a derived cache a fresh
 * process opens instead of reading every vector row (the small arrays at once, the rows of the lists a search
 * needs on demand). It holds only seqs and, per vector, its signs around its list's centroid and one factor
 * (vector-signs.ts; 72 bytes a USE-lite row with its seq) and its memory's project as a byte (project-codes.ts:
 * the stored keys they stand for listed once), grouped in IVF lists, never content: the vectors themselves are
 * in the database only, which scores the candidates the signs pick. Header: magic, version, dims, counts,
 * the database's epoch and the change-log entry it reflects (id and stamp: log-mark.ts), the model's hash,
 * how many vectors its centroids were trained on, a CRC of the header and
 * the small arrays, and one CRC per list (checked when a search first reads that list). A file that is
 * short, foreign (other database, model or width) or fails a CRC is ignored and rebuilt, never trusted.
 * Written whole to a temp file, then renamed under the database's write lock (see publishIndex), so readers
 * see the old file or the new one and a purge is never undone by a writer that read before it.
 */
import { processAlive } from "../process-alive.ts";
import { closeSync, fstatSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { closeWhenCollected, readFullyAt, sections } from "./index-file-io.ts";
import { onDisk } from "./db-path.ts";
import { signBytes } from "./vector-signs.ts";

/**
 * 4: each row's project code (project-codes.ts) and the names they stand for; 3: sign bits, a row's vector in
 * the database only (2 held the 4-bit values, 1 int8 values).
 */
export const INDEX_VERSION = 4;
const MAGIC = "CAIRNVX1";
const HEADER = 64;

/** What a file holds besides its rows, in arrays (the rows are written by encodeIndex's `fill`, read by IndexFile.readRows). */
export interface IndexParts {
  dims: number;
  epoch: number;
  /** The vector_log id the file reflects: changes after it are read from the database. */
  logPos: number;
  /**
   * That entry's stamp (log-mark.ts): the file is caught up only while the entry still holds it. In header bytes
   * files written before stamps left zero, so they stay readable: 0 cannot be checked, and is not.
   */
  logStamp: number;
  /** Per row (in list order): the memory's seq and its signs' factor (vector-signs.ts writeSigns). */
  seqs: Uint32Array;
  factors: Float32Array;
  /** Rows of list l are [offsets[l], offsets[l + 1]); one list means a flat (exact) index. */
  offsets: Uint32Array;
  /** nlist × dims centroids, each the point its list's signs are taken around (a flat index: the mean vector). */
  centroids: Float32Array;
  /**
   * How many vectors the centroids were trained on (a refresh may carry them into the next file: ivf-carry.ts).
   * In header bytes files written before it left zero: unknown, so the next refresh trains again.
   */
  trained: number;
  /** Per row (in list order): its memory's project code when the file was written (project-codes.ts). */
  codes: Uint8Array;
  /** The stored project keys codes 1… stand for. */
  names: readonly string[];
}

/**
 * An index file opened for searching: the small arrays (seqs, factors, offsets, centroids) read into memory,
 * the rows read on demand from the open file — not mapped, so a search's pages stay in the OS page cache
 * instead of the process's resident set. The descriptor keeps the
 * file it opened even after a writer renames a newer one over the path or a purge deletes it.
 */
export interface IndexFile extends IndexParts {
  count: number;
  nlist: number;
  /** Rows of each project code. */
  codeCounts: Uint32Array;
  /** Reads rows [from, to) of the signs into `into` (at least (to − from) × signBytes(dims) long). */
  readRows(from: number, to: number, into: Uint8Array): void;
  /** Whether list `l`'s values match their CRC (read and computed once per list and process). */
  listOk(l: number): boolean;
  /** Folds one piece of list `l`'s values (read in order) into its check; on the last piece, whether it matches. */
  checkPiece(l: number, piece: Uint8Array, first: boolean, last: boolean): boolean;
  /** Closes the file (also done when the object is collected). */
  close(): void;
  /**
   * Removes the file from its path if the path still names this file (not a newer one renamed over it), so
   * the next refresh writes it again: for a file found damaged, which a refresh would otherwise keep (it
   * checks the header, not every list). Call before close.
   */
  discard(): void;
  /**
   * Whether its path now names another file (a refresh renamed a newer one over it) or none: a long-lived
   * reader opens the newer one, so the replaced file's disk space is freed and its catch-up stays short.
   */
  replaced(): boolean;
  /** Frees what is held in memory for reads (a sealed file's decrypted lists): its rows are now kept elsewhere. */
  release(): void;
}

export function indexFileName(model: string, dims: number): string {
  return `vectors-${model.replace(/[^A-Za-z0-9._-]/g, "_")}-${dims}.idx`;
}

export function indexPath(dataDir: string, model: string, dims: number): string {
  return join(dataDir, indexFileName(model, dims));
}

/** Deletes `model`'s vector index files in `dataDir`, of any width (its vectors are gone: `models remove`). */
export function removeModelIndexFiles(dataDir: string, model: string): void {
  const stem = indexFileName(model, 0).replace(/0\.idx$/, "");
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(stem) && /^\d+\.idx(\.tmp-.*)?$/.test(n.slice(stem.length))) rmSync(join(dataDir, n), { force: true });
}

const modelHash = (model: string) => Bun.hash.crc32(new TextEncoder().encode(model));

const align4 = (n: number) => (n + 3) & ~3;

/**
 * Bytes of the small arrays: seqs and factors (a u32 and an f32 a row), list offsets and CRCs, centroids, rows
 * per project code (256), each row's code (a byte, padded), and the names' length and UTF-8 JSON (padded).
 */
function metaBytes(count: number, nlist: number, dims: number, nameBytes: number): number {
  return 4 * (2 * count + (nlist + 1) + nlist + nlist * dims + 256) + align4(count) + 4 + align4(nameBytes);
}

/**
 * The file's bytes, the rows written by `fill` straight into their place (count × signBytes(dims) bytes, in
 * list order): a builder at 1M vectors then holds them once, not in a buffer and again in the file.
 */
export function encodeIndex(model: string, p: IndexParts, fill: (values: Uint8Array) => void): Uint8Array {
  const count = p.seqs.length;
  const nlist = p.offsets.length - 1;
  const names = new TextEncoder().encode(JSON.stringify(p.names));
  const meta = metaBytes(count, nlist, p.dims, names.length);
  const bytes = new Uint8Array(HEADER + meta + count * signBytes(p.dims));
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, INDEX_VERSION, true);
  view.setUint32(12, p.dims, true);
  view.setUint32(16, count, true);
  view.setUint32(20, nlist, true);
  view.setFloat64(24, p.epoch, true);
  view.setFloat64(32, p.logPos, true);
  view.setFloat64(56, p.logStamp, true);
  view.setUint32(40, modelHash(model), true);
  view.setUint32(48, meta, true);
  view.setUint32(52, p.trained, true);
  // The rows first: `fill` may complete the arrays as it writes them (a row's factor comes with its signs).
  const values = bytes.subarray(HEADER + meta);
  fill(values);
  const sums = new Uint32Array(nlist);
  for (let l = 0; l < nlist; l++) sums[l] = Bun.hash.crc32(listBytes(values, p.offsets, p.dims, l));
  const put = sections(bytes, HEADER);
  put(p.seqs);
  put(p.factors);
  put(p.offsets);
  put(sums);
  put(p.centroids);
  const codeCounts = new Uint32Array(256);
  for (const c of p.codes) codeCounts[c]!++;
  put(codeCounts);
  put(p.codes);
  put(new Uint8Array(align4(count) - count));
  put(Uint32Array.of(names.length));
  put(names);
  view.setUint32(44, headerCrc(bytes, meta), true);
  return bytes;
}

function listBytes(values: Uint8Array, offsets: Uint32Array, dims: number, l: number): Uint8Array {
  const width = signBytes(dims);
  return values.subarray(offsets[l]! * width, offsets[l + 1]! * width);
}

/** CRC of the header (without its own field) and the meta section: every small array, the names included. */
function headerCrc(bytes: Uint8Array, meta: number): number {
  const head = Bun.hash.crc32(bytes.subarray(0, 44));
  return Bun.hash.crc32(bytes.subarray(48, HEADER + meta), head);
}

/** Most bytes the project names may take (254 stored keys): a header claiming more is damaged. */
const NAMES_MAX_BYTES = 64 * 2 ** 20;

/** Whether the header's meta size is one its counts allow (the names' length is checked once they are read). */
function metaFits(h: { count: number; nlist: number; dims: number; meta: number }): boolean {
  const least = metaBytes(h.count, h.nlist, h.dims, 0);
  return h.meta >= least && h.meta - least <= NAMES_MAX_BYTES && h.meta % 4 === 0;
}

/** Why a file cannot be used, or the parsed file. */
export type IndexRead = { ok: true; file: IndexFile } | { ok: false; reason: "absent" | "damaged" | "foreign" | "outdated" };


/** Opens and checks the file at `path` for `model`/`dims` of the database with `epoch` (an encrypted store's: sealed-vector-file.ts). */
export function readIndexFile(path: string, model: string, dims: number, epoch: number): IndexRead {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return { ok: false, reason: "absent" };
  }
  const read = parseIndex(fd, path, model, dims, epoch);
  if (!read.ok) closeSync(fd);
  return read;
}

/** The header's counts, as far as the header alone tells (null: not a file of this format at all). */
export function headerCounts(header: Uint8Array): { version: number; count: number; nlist: number; meta: number; dims: number } | null {
  if (header.length < HEADER || new TextDecoder().decode(header.subarray(0, 8)) !== MAGIC) return null;
  const view = new DataView(header.buffer, header.byteOffset, HEADER);
  return { version: view.getUint32(8, true), count: view.getUint32(16, true), nlist: view.getUint32(20, true), meta: view.getUint32(48, true), dims: view.getUint32(12, true) };
}

/** A plain file's bytes (encodeIndex's) in the parts sealing needs: header and small arrays, list offsets, rows. */
export function fileSections(plain: Uint8Array): { head: Uint8Array; offsets: Uint32Array; values: Uint8Array; width: number } {
  const h = headerCounts(plain);
  if (h === null) throw new Error("not a vector index file");
  const at = plain.byteOffset + HEADER + 8 * h.count; // after the seqs and factors
  return {
    head: plain.subarray(0, HEADER + h.meta),
    offsets: new Uint32Array(plain.buffer.slice(at, at + 4 * (h.nlist + 1))),
    values: plain.subarray(HEADER + h.meta),
    width: signBytes(h.dims),
  };
}

/** The rows' side of an opened file: how they are read and checked (plain: CRCs; sealed: authenticated decryption). */
export type RowAccess = Pick<IndexFile, "readRows" | "listOk" | "checkPiece" | "close" | "discard" | "replaced" | "release">;

/** Whether `path` still names the file open as `fd` (false too when the path names nothing). */
export function stillAtPath(fd: number, path: string): boolean {
  try {
    const mine = fstatSync(fd);
    const now = statSync(path);
    return mine.ino === now.ino && mine.dev === now.dev;
  } catch {
    return false;
  }
}

/** {@link IndexFile.discard} for the file open as `fd` at `path`. */
export function discardIfSame(fd: number, path: string): void {
  // Gone already, or not ours to remove: a refresh or doctor --repair replaces it.
  if (stillAtPath(fd, path)) rmSync(path, { force: true });
}

/**
 * The file's header and small arrays (`bytes`: HEADER + meta, as written by encodeIndex), checked (format,
 * sizes, header CRC, then database, model and width), with its rows read through `rows` (made from the list
 * CRCs the arrays hold); or why the file cannot be used.
 */
export function indexFileOf(bytes: Uint8Array, model: string, dims: number, epoch: number, rows: (p: { offsets: Uint32Array; sums: Uint32Array; count: number; nlist: number }) => RowAccess): IndexRead {
  const head = headerCounts(bytes);
  if (head === null) return { ok: false, reason: "damaged" };
  if (head.version !== INDEX_VERSION) return { ok: false, reason: "outdated" };
  const { count, nlist, meta } = head;
  if (nlist < 1 || !metaFits(head) || bytes.length !== HEADER + meta) return { ok: false, reason: "damaged" };
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER);
  if (view.getUint32(44, true) !== headerCrc(bytes, meta)) return { ok: false, reason: "damaged" };
  if (head.dims !== dims || view.getUint32(40, true) !== modelHash(model) || view.getFloat64(24, true) !== epoch) return { ok: false, reason: "foreign" };
  // Aligned copies when the bytes are not (a decrypted buffer may start anywhere).
  const own = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  let at = own.byteOffset + HEADER;
  const u32 = (n: number) => {
    const a = new Uint32Array(own.buffer, at, n);
    at += 4 * n;
    return a;
  };
  const seqs = u32(count);
  const factors = new Float32Array(own.buffer, at, count);
  at += 4 * count;
  const offsets = u32(nlist + 1);
  const sums = u32(nlist);
  const centroids = new Float32Array(own.buffer, at, nlist * dims);
  at += 4 * nlist * dims;
  const codeCounts = u32(256);
  const codes = new Uint8Array(own.buffer, at, count);
  at += align4(count);
  const nameBytes = new DataView(own.buffer, at, 4).getUint32(0, true);
  if (meta !== metaBytes(count, nlist, dims, nameBytes)) return { ok: false, reason: "damaged" };
  let names: string[];
  try {
    names = JSON.parse(new TextDecoder().decode(new Uint8Array(own.buffer, at + 4, nameBytes))) as string[];
  } catch {
    return { ok: false, reason: "damaged" };
  }
  if (!Array.isArray(names) || names.some((n) => typeof n !== "string")) return { ok: false, reason: "damaged" };
  if (offsets[0] !== 0 || offsets[nlist] !== count) return { ok: false, reason: "damaged" };
  for (let l = 0; l < nlist; l++) if (offsets[l]! > offsets[l + 1]!) return { ok: false, reason: "damaged" };
  const access = rows({ offsets, sums, count, nlist });
  const file: IndexFile = {
    dims,
    epoch,
    logPos: view.getFloat64(32, true),
    logStamp: view.getFloat64(56, true),
    trained: view.getUint32(52, true),
    seqs,
    factors,
    offsets,
    centroids,
    codes,
    names,
    codeCounts,
    count,
    nlist,
    readRows: access.readRows,
    listOk: access.listOk,
    checkPiece: access.checkPiece,
    close: access.close,
    discard: access.discard,
    replaced: access.replaced,
    release: access.release,
  };
  return { ok: true, file };
}

function parseIndex(fd: number, path: string, model: string, dims: number, epoch: number): IndexRead {
  const size = fstatSync(fd).size;
  const readAt = (into: Uint8Array, position: number) => readFullyAt(fd, into, position, "vector index file");
  if (size < HEADER) return { ok: false, reason: "damaged" };
  const header = new Uint8Array(HEADER);
  readAt(header, 0);
  const head = headerCounts(header);
  if (head === null) return { ok: false, reason: "damaged" };
  if (head.version !== INDEX_VERSION) return { ok: false, reason: "outdated" };
  if (head.nlist < 1 || !metaFits(head) || size !== HEADER + head.meta + head.count * signBytes(head.dims)) return { ok: false, reason: "damaged" };
  // Header and the small arrays in one buffer, as in the file (the header CRC covers both).
  const bytes = new Uint8Array(HEADER + head.meta);
  bytes.set(header);
  readAt(bytes.subarray(HEADER), HEADER);
  const valuesAt = HEADER + head.meta;
  const width = signBytes(dims);
  let open = true;
  const read = indexFileOf(bytes, model, dims, epoch, ({ offsets, sums, nlist }) => {
    const readRows = (from: number, to: number, into: Uint8Array) => {
      if (!open) throw new Error("vector index file closed");
      readAt(into.subarray(0, (to - from) * width), valuesAt + from * width);
    };
    const close = () => {
      if (!open) return;
      open = false;
      closeWhenCollected.unregister(bytes);
      closeSync(fd);
    };
    return { readRows, ...crcChecks(offsets, sums, nlist, width, readRows), close, discard: () => open && discardIfSame(fd, path), replaced: () => open && !stillAtPath(fd, path), release: () => undefined };
  });
  if (read.ok) closeWhenCollected.register(read.file, fd, bytes);
  return read;
}

/**
 * Each list checked against its CRC, piece by piece as a search reads it, or whole (listOk). A list is read from
 * the file again at each search, so it is checked each time: only a failure is remembered (a list changed in
 * place after a first check passed was trusted: QA found the same of the keyword file).
 */
function crcChecks(offsets: Uint32Array, sums: Uint32Array, nlist: number, width: number, readRows: IndexFile["readRows"]): Pick<IndexFile, "listOk" | "checkPiece"> {
  const checked = new Int8Array(nlist); // 0 not known bad, -1 bad
  const running = new Map<number, number>(); // list → CRC of the pieces folded in so far
  const checkPiece = (l: number, piece: Uint8Array, first: boolean, last: boolean) => {
    if (checked[l] === -1) return false;
    const crc = first ? Bun.hash.crc32(piece) : Bun.hash.crc32(piece, running.get(l) ?? 0);
    if (!last) {
      running.set(l, crc);
      return true;
    }
    running.delete(l);
    if (crc !== sums[l]) checked[l] = -1;
    return checked[l] === 0;
  };
  const listOk = (l: number) => {
    if (checked[l] === -1) return false;
    const rows = offsets[l + 1]! - offsets[l]!;
    const step = Math.max(1, Math.floor((1 << 22) / width));
    const buf = new Uint8Array(Math.min(rows, step) * width);
    if (rows === 0) return checkPiece(l, buf, true, true);
    let ok = true;
    for (let r = 0; r < rows; r += step) {
      const n = Math.min(step, rows - r);
      readRows(offsets[l]! + r, offsets[l]! + r + n, buf);
      ok = checkPiece(l, buf.subarray(0, n * width), r === 0, r + n >= rows) && ok;
    }
    return ok;
  };
  return { listOk, checkPiece };
}

/**
 * Writes `bytes` (or its pieces, in order, made as they are written) to a temp file beside `path`, flushes
 * it, and renames it over `path` only if `publish` (run under the database's write lock) says so; returns
 * whether the file was published.
 */
export function writeIndexFile(path: string, bytes: Uint8Array | Iterable<Uint8Array>, publish: (rename: () => void) => boolean): boolean {
  removeOrphans(path);
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const fd = openSync(tmp, "w", 0o600);
    try {
      for (const piece of bytes instanceof Uint8Array ? [bytes] : bytes) {
        for (let off = 0; off < piece.byteLength; ) off += writeSync(fd, piece, off, piece.byteLength - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return publish(() => renameSync(tmp, path));
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Temp files of writers that died (SIGKILL, power loss) before renaming: their pid is gone. */
function removeOrphans(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(n.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) rmSync(join(dir, n), { force: true });
  }
}

/**
 * Deletes every index file (and temp file) beside the database at `dbPath`, the vector index files and the
 * keyword index file (text-index-file.ts): a purge's vectors and words go with them.
 */
export function removeIndexFiles(dbPath: string): void {
  if (!onDisk(dbPath)) return;
  const dir = dirname(dbPath);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (/^(vectors-.*|keywords)\.idx(\.tmp-.*)?$/.test(n) && n !== basename(dbPath)) rmSync(join(dir, n), { force: true });
}
