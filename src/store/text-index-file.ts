/**
 * @module The keyword index file next to the database (`keywords.idx`): the in-memory full-text index of a
 * long-lived process (text-index.ts), written once it is built, so a one-shot process ranks keyword matches
 * the same way instead of through FTS5's bm25() (~1.3 µs per match: 60–100 ms for a common word at 1M
 * memories). A derived cache like the vector index file (vector-file.ts): the database stays the truth.
 *
 * Layout: a 64-byte header (magic, version, term count, the database's epoch, the text_log id the lists reflect,
 * section sizes, a CRC of the header and the small arrays), the small arrays read whole when a process opens
 * the file (term ends, list ends, list lengths, document sizes, one CRC per 64 KiB block of lists, the term
 * bytes), then the lists, read term by term as searches need them, each block checked the first time it is
 * read. A short, foreign or damaged file is never trusted: the search goes to FTS5.
 *
 * Plain stores only (the lists hold the words). A purge deletes the file with the vector index files
 * (removeIndexFiles) after its commit; a writer whose build read before a purge removes what it published.
 */
import type { Database } from "bun:sqlite";
import { closeSync, fstatSync, openSync, readSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { closeWhenCollected, readFullyAt, sections } from "./index-file-io.ts";
import { TextIndex } from "./text-index.ts";
import { writeIndexFile } from "./vector-file.ts";

export const KEYWORD_FILE = "keywords.idx";
const MAGIC = "CAIRNKW1";
const VERSION = 1;
const HEADER = 64;
/** Lists are checked in blocks of this many bytes: a common word's list at 1M memories spans a few. */
const BLOCK = 1 << 16;

export function keywordIndexPath(dbPath: string): string | null {
  return dbPath === "" || dbPath === ":memory:" ? null : join(dirname(dbPath), KEYWORD_FILE);
}

/** The database's epoch and purge count (vector_index_state), read on `db` in the caller's snapshot. */
export function indexState(db: Database): { epoch: number; erase: number } {
  const get = (key: string) => (db.query("SELECT value FROM vector_index_state WHERE key = ?").get(key) as { value: number } | null)?.value ?? 0;
  return { epoch: get("epoch"), erase: get("erase") };
}

const pad4 = (n: number) => (n + 3) & ~3;

/** The file's bytes for a freshly built index of the database with `epoch`; null when the index changed since. */
export function encodeTextIndex(index: TextIndex, epoch: number): Uint8Array | null {
  const p = index.parts();
  if (!p || p.lists.length >= 2 ** 32) return null;
  const terms = p.termEnds.length;
  const blocks = Math.ceil(p.lists.length / BLOCK);
  const meta = 4 * (3 * terms + p.sizes.length + blocks) + pad4(p.termBytes.length);
  const bytes = new Uint8Array(HEADER + meta + p.lists.length);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, terms, true);
  view.setFloat64(16, epoch, true);
  view.setFloat64(24, p.logHead, true);
  view.setUint32(32, p.termBytes.length, true);
  view.setUint32(36, p.sizes.length, true);
  view.setUint32(40, p.lists.length, true);
  view.setUint32(44, blocks, true);
  view.setUint32(48, meta, true);
  const put = sections(bytes, HEADER);
  put(p.termEnds);
  put(p.listEnds);
  put(p.counts);
  put(p.sizes);
  const sums = new Uint32Array(blocks);
  for (let b = 0; b < blocks; b++) sums[b] = Bun.hash.crc32(p.lists.subarray(b * BLOCK, (b + 1) * BLOCK));
  put(sums);
  put(p.termBytes);
  bytes.set(p.lists, HEADER + meta);
  view.setUint32(52, headerCrc(bytes, meta), true);
  return bytes;
}

/** CRC of the header (without its own field) and the small arrays. */
function headerCrc(bytes: Uint8Array, meta: number): number {
  return Bun.hash.crc32(bytes.subarray(56, HEADER + meta), Bun.hash.crc32(bytes.subarray(0, 52)));
}

const descriptors = new WeakMap<TextIndex, number>();

/**
 * Opens the file at `path` for the database with `epoch`: the small arrays read and checked now, the lists on
 * demand (`whole`: read and checked now too, kept in memory, and the file closed). Null when it is absent,
 * short, of another database or another version, or fails a check.
 */
export function openTextIndexFile(path: string, epoch: number, opts: { whole?: boolean } = {}): TextIndex | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  let index: TextIndex | null = null;
  try {
    index = parse(fd, epoch, opts.whole ?? false);
  } catch {
    index = null;
  }
  if (!index || opts.whole) {
    closeSync(fd);
    return index;
  }
  descriptors.set(index, fd);
  closeWhenCollected.register(index, fd, index);
  return index;
}

/** Closes the file an index opened by {@link openTextIndexFile} reads its lists from (a later search throws). */
export function closeTextIndexFile(index: TextIndex): void {
  const fd = descriptors.get(index);
  if (fd === undefined) return;
  descriptors.delete(index);
  closeWhenCollected.unregister(index);
  closeSync(fd);
}

function parse(fd: number, epoch: number, whole: boolean): TextIndex | null {
  const size = fstatSync(fd).size;
  const readAt = (into: Uint8Array, position: number) => readFullyAt(fd, into, position, "keyword index file");
  if (size < HEADER) return null;
  const header = new Uint8Array(HEADER);
  readAt(header, 0);
  const view = new DataView(header.buffer);
  if (new TextDecoder().decode(header.subarray(0, 8)) !== MAGIC || view.getUint32(8, true) !== VERSION) return null;
  const terms = view.getUint32(12, true);
  const termBytes = view.getUint32(32, true);
  const sizes = view.getUint32(36, true);
  const listsLength = view.getUint32(40, true);
  const blocks = view.getUint32(44, true);
  const meta = view.getUint32(48, true);
  if (blocks !== Math.ceil(listsLength / BLOCK) || meta !== 4 * (3 * terms + sizes + blocks) + pad4(termBytes)) return null;
  if (size !== HEADER + meta + listsLength) return null;
  // The header and small arrays, and with `whole` the lists after them, in one buffer as in the file.
  const bytes = new Uint8Array(whole ? size : HEADER + meta);
  bytes.set(header);
  readAt(bytes.subarray(HEADER), HEADER);
  if (view.getUint32(52, true) !== headerCrc(bytes, meta) || view.getFloat64(16, true) !== epoch) return null;
  let at = HEADER;
  const u32 = (n: number) => {
    const a = new Uint32Array(bytes.buffer, at, n);
    at += 4 * n;
    return a;
  };
  const termEnds = u32(terms);
  const listEnds = u32(terms);
  const counts = u32(terms);
  const sizesArray = u32(sizes);
  const sums = u32(blocks);
  const termBytesArray = bytes.subarray(at, at + termBytes);
  for (let t = 1; t < terms; t++) if (termEnds[t]! < termEnds[t - 1]! || listEnds[t]! < listEnds[t - 1]!) return null;
  if (terms > 0 && (termEnds[terms - 1] !== termBytes || listEnds[terms - 1] !== listsLength)) return null;
  const listsAt = HEADER + meta;
  const blockOk = (b: number, piece: Uint8Array) => Bun.hash.crc32(piece) === sums[b];
  const logHead = view.getFloat64(24, true);
  if (whole) {
    const lists = bytes.subarray(listsAt);
    for (let b = 0; b < blocks; b++) if (!blockOk(b, lists.subarray(b * BLOCK, (b + 1) * BLOCK))) return null;
    return new TextIndex(termBytesArray, termEnds, lists, listEnds, counts, sizesArray, logHead);
  }
  const checked = new Uint8Array(blocks);
  const lists = (start: number, end: number): Uint8Array => {
    if (!descriptors.has(index)) throw new Error("keyword index file closed");
    if (start >= end) return new Uint8Array(0);
    const first = Math.floor(start / BLOCK);
    const last = Math.max(first, Math.ceil(end / BLOCK) - 1);
    const from = first * BLOCK;
    const buf = new Uint8Array(Math.min((last + 1) * BLOCK, listsLength) - from);
    readAt(buf, listsAt + from);
    for (let b = first; b <= last && b < blocks; b++) {
      if (checked[b]) continue;
      if (!blockOk(b, buf.subarray((b - first) * BLOCK, (b - first + 1) * BLOCK))) throw new Error(`keyword index block ${b} fails its checksum`);
      checked[b] = 1;
    }
    return buf.subarray(start - from, end - from);
  };
  const index = new TextIndex(termBytesArray, termEnds, lists, listEnds, counts, sizesArray, logHead);
  return index;
}

/**
 * Writes `index` (just built, on `db`, with `state` read in the build's snapshot) beside the database at
 * `dbPath`. A purge that committed after the build's snapshot moved `erase`: the file is then removed again,
 * since its lists may hold the purged words (a purge after the check removes it itself). Never throws.
 */
export function publishTextIndex(db: Database, dbPath: string, index: TextIndex, state: { epoch: number; erase: number }): boolean {
  const path = keywordIndexPath(dbPath);
  const bytes = path ? encodeTextIndex(index, state.epoch) : null;
  if (!path || !bytes) return false;
  try {
    if (sameFile(path, bytes)) return false; // another process (or an earlier start) wrote this very index
    const published = writeIndexFile(path, bytes, (rename) => {
      rename();
      return true;
    });
    if (published && indexState(db).erase !== state.erase) {
      rmSync(path, { force: true });
      return false;
    }
    return published;
  } catch {
    return false;
  }
}

/** Whether the file at `path` has the header (magic, version, epoch, log position, sizes, CRC) and length of `bytes`. */
function sameFile(path: string, bytes: Uint8Array): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return false;
  }
  try {
    const header = new Uint8Array(HEADER);
    return fstatSync(fd).size === bytes.length && readSync(fd, header, 0, HEADER, 0) === HEADER && header.every((b, i) => b === bytes[i]);
  } finally {
    closeSync(fd);
  }
}
