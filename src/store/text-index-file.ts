/**
 * @module The keyword index file next to the database (`keywords.idx`): the in-memory full-text index of a
 * long-lived process (text-index.ts), written once it is built, so a one-shot process ranks keyword matches
 * the same way instead of through FTS5's bm25() (~1.3 µs per match: 60–100 ms for a common word at 1M
 * memories). A derived cache like the vector index file (vector-file.ts): the database stays the truth.
 *
 * Layout: a 72-byte header (magic, version, term count, the database's epoch, the text_log entry the lists
 * reflect (id and stamp: log-mark.ts), section sizes, a CRC of the header and the checksums after it), one CRC
 * per 64 KiB block of lists and per 4 KiB block of the small arrays, the small arrays (term ends, list ends,
 * list lengths, the seqs and sizes of long documents, a byte of size per document, a byte of project per
 * document, term bytes, project names as JSON), then the lists. A one-shot process reads only the blocks its
 * search touches, each checked the first time it is read; a long-lived one reads and checks all of it. A short, foreign or damaged file is never
 * trusted: the search goes to FTS5.
 *
 * Plain stores only (the lists hold the words). A purge deletes the file with the vector index files
 * (removeIndexFiles) after its commit; a writer whose build read before a purge removes what it published.
 */
import type { Database } from "bun:sqlite";
import { closeSync, fstatSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { closeWhenCollected, indexFileState, readFullyAt } from "./index-file-io.ts";
import { TextIndex } from "./text-index.ts";
import type { DocSizes } from "./text-index-lists.ts";
import { discardIfSame, writeIndexFile } from "./vector-file.ts";
import { besideDatabase } from "./db-path.ts";

export const KEYWORD_FILE = "keywords.idx";
const MAGIC = "CAIRNKW1";
/** 3: each document's project (text-index.ts DocProjects), sizes a byte each (text-index-lists.ts DocSizes). */
const VERSION = 3;
const HEADER = 72;
/** Lists are checked in blocks of this many bytes: a common word's list at 1M memories spans a few. */
const BLOCK = 1 << 16;

export function keywordIndexPath(dbPath: string): string | null {
  return besideDatabase(dbPath, KEYWORD_FILE);
}

const pad4 = (n: number) => (n + 3) & ~3;

/** The small arrays (all but the lists) are checked in blocks of this size. */
const SMALL_BLOCK = 1 << 12;

/** A file's counts, from its header. */
interface Counts {
  terms: number;
  termBytes: number;
  /** Documents (seqs) with a size and a project code. */
  docs: number;
  /** Documents whose size does not fit a byte. */
  long: number;
  nameBytes: number;
  listsLength: number;
}

/** Where things lie in a file, from its header's counts. */
function layout(c: Counts) {
  const listBlocks = Math.ceil(c.listsLength / BLOCK);
  const small = 4 * (3 * c.terms + 2 * c.long) + 2 * pad4(c.docs) + pad4(c.termBytes) + pad4(c.nameBytes);
  const smallBlocks = Math.ceil(small / SMALL_BLOCK);
  const smallAt = HEADER + 4 * (listBlocks + smallBlocks);
  return { listBlocks, small, smallBlocks, smallAt, listsAt: smallAt + small, size: smallAt + small + c.listsLength };
}

/** The small arrays as views of one region laid out as in the file. */
function smallArrays(region: Uint8Array, c: Counts) {
  const u32 = (at: number, n: number) => new Uint32Array(region.buffer, region.byteOffset + at, n);
  const longAt = 12 * c.terms;
  const shortAt = longAt + 8 * c.long;
  const codesAt = shortAt + pad4(c.docs);
  const termBytesAt = codesAt + pad4(c.docs);
  const at = { termEnds: 0, listEnds: 4 * c.terms, counts: 8 * c.terms, long: longAt, short: shortAt, codes: codesAt, termBytes: termBytesAt, names: termBytesAt + pad4(c.termBytes) };
  return {
    at,
    termEnds: u32(at.termEnds, c.terms),
    listEnds: u32(at.listEnds, c.terms),
    counts: u32(at.counts, c.terms),
    longSeqs: u32(at.long, c.long),
    longSizes: u32(at.long + 4 * c.long, c.long),
    short: region.subarray(at.short, at.short + c.docs),
    codes: region.subarray(at.codes, at.codes + c.docs),
    termBytes: region.subarray(at.termBytes, at.termBytes + c.termBytes),
    names: region.subarray(at.names, at.names + c.nameBytes),
  };
}

/** The document sizes of a file's arrays (`long` filled from them: call once they are read). */
const sizesOf = (a: ReturnType<typeof smallArrays>, long = new Map<number, number>()): DocSizes => {
  for (let i = 0; i < a.longSeqs.length; i++) long.set(a.longSeqs[i]!, a.longSizes[i]!);
  return { short: a.short, long };
};

/** The project names section; throws when it is not a list of names. */
function namesOf(bytes: Uint8Array): string[] {
  const names: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) throw new Error("keyword index file: project names are damaged");
  return names;
}

/** The file's bytes for a freshly built index of the database with `epoch`; null when the index changed since. */
export function encodeTextIndex(index: TextIndex, epoch: number): Uint8Array | null {
  const p = index.parts();
  if (!p || p.lists.length >= 2 ** 32) return null;
  const names = new TextEncoder().encode(JSON.stringify(p.projects.names));
  if (p.projects.codes.length !== p.sizes.short.length) return null;
  const c: Counts = { terms: p.termEnds.length, termBytes: p.termBytes.length, docs: p.sizes.short.length, long: p.sizes.long.size, nameBytes: names.length, listsLength: p.lists.length };
  const l = layout(c);
  const bytes = new Uint8Array(l.size);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, c.terms, true);
  view.setFloat64(16, epoch, true);
  view.setFloat64(24, p.log.id, true);
  view.setFloat64(56, p.log.stamp, true);
  view.setUint32(32, p.termBytes.length, true);
  view.setUint32(36, c.docs, true);
  view.setUint32(40, p.lists.length, true);
  view.setUint32(44, l.listBlocks, true);
  view.setUint32(48, l.smallBlocks, true);
  view.setUint32(64, c.nameBytes, true);
  view.setUint32(68, c.long, true);
  const a = smallArrays(bytes.subarray(l.smallAt, l.listsAt), c);
  a.termEnds.set(p.termEnds);
  a.listEnds.set(p.listEnds);
  a.counts.set(p.counts);
  a.longSeqs.set([...p.sizes.long.keys()]);
  a.longSizes.set([...p.sizes.long.values()]);
  a.short.set(p.sizes.short);
  a.codes.set(p.projects.codes);
  a.termBytes.set(p.termBytes);
  a.names.set(names);
  bytes.set(p.lists, l.listsAt);
  const sums = new Uint32Array(bytes.buffer, HEADER, l.listBlocks + l.smallBlocks);
  for (let b = 0; b < l.listBlocks; b++) sums[b] = Bun.hash.crc32(p.lists.subarray(b * BLOCK, (b + 1) * BLOCK));
  const small = bytes.subarray(l.smallAt, l.listsAt);
  for (let b = 0; b < l.smallBlocks; b++) sums[l.listBlocks + b] = Bun.hash.crc32(small.subarray(b * SMALL_BLOCK, (b + 1) * SMALL_BLOCK));
  view.setUint32(52, headerCrc(bytes, l.smallAt), true);
  return bytes;
}

/** CRC of the header (without its own field) and the block checksums after it. */
function headerCrc(bytes: Uint8Array, sumsEnd: number): number {
  return Bun.hash.crc32(bytes.subarray(56, sumsEnd), Bun.hash.crc32(bytes.subarray(0, 52)));
}

const descriptors = new WeakMap<TextIndex, number>();

/**
 * Opens the file at `path` for the database with `epoch`. Read term by term (the default): the header and the
 * blocks' checksums now, each 4 KiB block of the small arrays and 64 KiB block of lists when a search first needs
 * it, checked then (a one-shot search at 1M memories reads a few hundred KB of a 61 MB file). `whole`: all of it
 * read and checked now, kept in memory, the file closed. `oneShot`: for a process that searches once or twice
 * (TextIndex `once`). Null when it is absent, short, of another database or version, or fails a check.
 */
export function openTextIndexFile(path: string, epoch: number, opts: { whole?: boolean; oneShot?: boolean } = {}): TextIndex | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  let index: TextIndex | null = null;
  try {
    index = parse(fd, epoch, opts.whole ?? false, opts.oneShot ?? false);
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

/**
 * Closes the file an index opened by {@link openTextIndexFile} reads its lists from (a later search throws).
 * `discard`: a search found it damaged, so it is also removed if it is still the file at `path` (not replaced
 * since): the background worker then writes it again, as it does a missing one.
 */
export function closeTextIndexFile(index: TextIndex, discard?: { path: string }): void {
  const fd = descriptors.get(index);
  if (fd === undefined) return;
  if (discard) discardIfSame(fd, discard.path);
  descriptors.delete(index);
  closeWhenCollected.unregister(index);
  closeSync(fd);
}

/**
 * Whether the file `index` reads its lists from is no longer at any path (deleted, or replaced by a newer one);
 * false for an index held in memory.
 */
export function textIndexFileUnlinked(index: TextIndex): boolean {
  const fd = descriptors.get(index);
  if (fd === undefined) return false;
  try {
    return fstatSync(fd).nlink === 0;
  } catch {
    return true;
  }
}

function parse(fd: number, epoch: number, whole: boolean, oneShot: boolean): TextIndex | null {
  const size = fstatSync(fd).size;
  const readAt = (into: Uint8Array, position: number) => readFullyAt(fd, into, position, "keyword index file");
  if (size < HEADER) return null;
  const header = new Uint8Array(HEADER);
  readAt(header, 0);
  const view = new DataView(header.buffer);
  if (new TextDecoder().decode(header.subarray(0, 8)) !== MAGIC || view.getUint32(8, true) !== VERSION) return null;
  const c: Counts = {
    terms: view.getUint32(12, true),
    termBytes: view.getUint32(32, true),
    docs: view.getUint32(36, true),
    long: view.getUint32(68, true),
    nameBytes: view.getUint32(64, true),
    listsLength: view.getUint32(40, true),
  };
  const { terms, termBytes, listsLength } = c;
  const l = layout(c);
  if (view.getUint32(44, true) !== l.listBlocks || view.getUint32(48, true) !== l.smallBlocks || size !== l.size) return null;
  const head = new Uint8Array(l.smallAt);
  head.set(header);
  readAt(head.subarray(HEADER), HEADER);
  if (view.getUint32(52, true) !== headerCrc(head, l.smallAt) || view.getFloat64(16, true) !== epoch) return null;
  const sums = new Uint32Array(head.buffer, HEADER, l.listBlocks + l.smallBlocks);
  const log = { id: view.getFloat64(24, true), stamp: view.getFloat64(56, true) };
  const listOk = (b: number, piece: Uint8Array) => Bun.hash.crc32(piece) === sums[b];
  const smallOk = (b: number, piece: Uint8Array) => Bun.hash.crc32(piece) === sums[l.listBlocks + b];
  if (whole) {
    const rest = new Uint8Array(l.small + listsLength);
    readAt(rest, l.smallAt);
    const region = rest.subarray(0, l.small);
    const lists = rest.subarray(l.small);
    for (let b = 0; b < l.smallBlocks; b++) if (!smallOk(b, region.subarray(b * SMALL_BLOCK, (b + 1) * SMALL_BLOCK))) return null;
    for (let b = 0; b < l.listBlocks; b++) if (!listOk(b, lists.subarray(b * BLOCK, (b + 1) * BLOCK))) return null;
    const a = smallArrays(region, c);
    for (let t = 1; t < terms; t++) if (a.termEnds[t]! < a.termEnds[t - 1]! || a.listEnds[t]! < a.listEnds[t - 1]!) return null;
    if (terms > 0 && (a.termEnds[terms - 1] !== termBytes || a.listEnds[terms - 1] !== listsLength)) return null;
    return new TextIndex(a.termBytes, a.termEnds, lists, a.listEnds, a.counts, sizesOf(a), { codes: a.codes, names: namesOf(a.names) }, log);
  }
  // Term by term: the region is filled block by block as the index reads it (LazyParts), each block checked.
  const region = new Uint8Array(l.small);
  const a = smallArrays(region, c);
  const sizes: DocSizes = { short: a.short, long: new Map() };
  const loaded = new Uint8Array(l.smallBlocks);
  /** Set once made; from then on a read needs the file still open. */
  let index: TextIndex | null = null;
  const ensure = (from: number, length: number) => {
    if (index && !descriptors.has(index)) throw new Error("keyword index file closed");
    if (length <= 0) return;
    // Each run of blocks not yet read in one read (the document sizes are ~1,000 blocks at 1M memories), then
    // each block checked.
    const last = Math.ceil((from + length) / SMALL_BLOCK);
    for (let first = Math.floor(from / SMALL_BLOCK); first < last; first++) {
      if (loaded[first]) continue;
      let end = first + 1;
      while (end < last && !loaded[end]) end++;
      readAt(region.subarray(first * SMALL_BLOCK, end * SMALL_BLOCK), l.smallAt + first * SMALL_BLOCK);
      for (let b = first; b < end; b++) {
        if (!smallOk(b, region.subarray(b * SMALL_BLOCK, (b + 1) * SMALL_BLOCK))) throw new Error(`keyword index block ${b} of its terms fails its checksum`);
        loaded[b] = 1;
      }
      first = end;
    }
  };
  let sizesRead = false;
  let codesRead = false;
  const lazy = {
    term(t: number) {
      const first = Math.max(t - 1, 0);
      ensure(a.at.termEnds + 4 * first, 4 * (t - first + 1));
      ensure(a.at.listEnds + 4 * first, 4 * (t - first + 1));
      ensure(a.at.counts + 4 * t, 4);
      const start = t === 0 ? 0 : a.termEnds[t - 1]!;
      ensure(a.at.termBytes + start, a.termEnds[t]! - start);
    },
    sizes() {
      if (sizesRead) return;
      ensure(a.at.long, 8 * c.long + c.docs);
      sizesOf(a, sizes.long);
      sizesRead = true;
    },
    codes() {
      if (codesRead) return;
      ensure(a.at.codes, c.docs);
      codesRead = true;
    },
  };
  // One buffer for every read: a long-lived search thread reads a few lists per search (up to ~1 MB at 1M memories).
  let scratch = new Uint8Array(0);
  const lists = (start: number, end: number): Uint8Array => {
    if (!index || !descriptors.has(index)) throw new Error("keyword index file closed");
    if (start >= end) return new Uint8Array(0);
    const first = Math.floor(start / BLOCK);
    const last = Math.max(first, Math.ceil(end / BLOCK) - 1);
    const from = first * BLOCK;
    const length = Math.min((last + 1) * BLOCK, listsLength) - from;
    if (scratch.length < length) scratch = new Uint8Array(Math.max(length, scratch.length * 2));
    const buf = scratch.subarray(0, length);
    readAt(buf, l.listsAt + from);
    // Checked at every read, not only the first: the bytes are read from the file again each time, and a block
    // changed in place since (a failing disk, a hand edit) gave a long-lived process wrong ranks (QA). A CRC runs
    // at ~10 GB/s: a search reading 1 MB of lists spends ~0.1 ms on it.
    for (let b = first; b <= last && b < l.listBlocks; b++) {
      if (!listOk(b, buf.subarray((b - first) * BLOCK, (b - first + 1) * BLOCK))) throw new Error(`keyword index block ${b} fails its checksum`);
    }
    return buf.subarray(start - from, end - from);
  };
  // The project names now (a few hundred bytes): a scope is matched against them before any code is read.
  ensure(a.at.names, c.nameBytes);
  index = new TextIndex(a.termBytes, a.termEnds, lists, a.listEnds, a.counts, sizes, { codes: a.codes, names: namesOf(a.names) }, log, lazy, oneShot);
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
    if (published && indexFileState(db).erase !== state.erase) {
      rmSync(path, { force: true });
      return false;
    }
    return published;
  } catch {
    return false;
  }
}

/** Whether the file at `path` is a keyword index file of another format version (an earlier cairn's). */
export function otherVersion(path: string): boolean {
  const head = fileHeader(path);
  if (!head || new TextDecoder().decode(head.bytes.subarray(0, 8)) !== MAGIC) return false;
  return new DataView(head.bytes.buffer).getUint32(8, true) !== VERSION;
}

/**
 * Whether the file at `path` holds `bytes`: its header (magic, version, epoch, log position, sizes, CRC) and length
 * first, then every byte. A header and length alone passed a file damaged in its lists (same index, bytes changed
 * in place), which was then never written again (QA).
 */
function sameFile(path: string, bytes: Uint8Array): boolean {
  const head = fileHeader(path);
  if (head === null || head.size !== bytes.length || !head.bytes.every((b, i) => b === bytes[i])) return false;
  try {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(readFileSync(path));
  } catch {
    return false;
  }
}

/** The first {@link HEADER} bytes of the file at `path` and its size; null when it is absent or shorter. */
function fileHeader(path: string): { bytes: Uint8Array; size: number } | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const bytes = new Uint8Array(HEADER);
    return readSync(fd, bytes, 0, HEADER, 0) === HEADER ? { bytes, size: fstatSync(fd).size } : null;
  } finally {
    closeSync(fd);
  }
}
