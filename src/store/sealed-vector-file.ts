/**
 * @module The vector index file of an encrypted store: the same file (vector-file.ts) sealed under the store's
 * key, so a search reads a few lists instead of decrypting every vector row (an encrypted 100k store's cold
 * hybrid recall spent ~550 ms there) and nothing about the vectors is in the clear. Layout: a plain header
 * (magic, format, the sealed header's length, a random file id), then the plain file's header and small
 * arrays sealed as one value, then each IVF list's rows sealed as one value. Every value is AES-GCM under the
 * store's key with its place (this file's id, and the list's number) as associated data, so a value moved to
 * another list or into another file fails to open, like a value moved between rows of the database.
 * A list is decrypted when a search first reads it (authentication replaces the plain file's CRC) and kept
 * in a bounded cache for later reads of the same query's deeper ranking. Whatever fails to open is damaged: ignored and
 * rebuilt, never trusted.
 */
import { closeSync, fstatSync, openSync } from "node:fs";
import { type ContentCodec, place } from "./content-codec.ts";
import { closeWhenCollected, readFullyAt } from "./index-file-io.ts";
import { signBytes } from "./vector-signs.ts";
import { discardIfSame, fileSections, headerCounts, type IndexRead, indexFileOf, readIndexFile, stillAtPath } from "./vector-file.ts";

const MAGIC = "CAIRNVXE";
const FORMAT = 1;
/** magic 8, format 4, sealed header length 4, file id 16. */
const HEAD = 32;
const ID_BYTES = 16;
/** Decrypted lists kept for later reads: past this, the oldest go. */
const CACHE_BYTES = 32 * 1024 * 1024;

const headPlace = (id: string) => place("vector_file", "header", id);
const listPlace = (id: string, l: number) => place("vector_file", "list", `${id}/${l}`);

/** The index file at `path` as `codec` stores it: sealed when the store is encrypted, else plain. */
export function readStoreIndexFile(codec: ContentCodec, path: string, model: string, dims: number, epoch: number): IndexRead {
  return codec.encrypted ? readSealedIndexFile(codec, path, model, dims, epoch) : readIndexFile(path, model, dims, epoch);
}

/** The file as written for a store with `codec`: `plain` itself, or its sealed pieces (made as they are written). */
export function storeIndexBytes(codec: ContentCodec, plain: Uint8Array): Uint8Array | Iterable<Uint8Array> {
  return codec.encrypted ? sealIndex(codec, plain) : plain;
}

/** The sealed pieces of the plain file `plain` (encodeIndex's bytes), in file order. */
export function* sealIndex(codec: ContentCodec, plain: Uint8Array): Generator<Uint8Array> {
  const { head, offsets, values, width } = fileSections(plain);
  const idBytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  const id = Buffer.from(idBytes).toString("hex");
  const sealedHead = codec.encodeBytes(head, headPlace(id));
  const top = new Uint8Array(HEAD);
  top.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(top.buffer);
  view.setUint32(8, FORMAT, true);
  view.setUint32(12, sealedHead.length, true);
  top.set(idBytes, 16);
  yield top;
  yield sealedHead;
  for (let l = 0; l + 1 < offsets.length; l++) yield codec.encodeBytes(values.subarray(offsets[l]! * width, offsets[l + 1]! * width), listPlace(id, l));
}

/** Opens and checks a sealed file: its header must open under the key, and each list when first read. */
export function readSealedIndexFile(codec: ContentCodec, path: string, model: string, dims: number, epoch: number): IndexRead {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return { ok: false, reason: "absent" };
  }
  let read: IndexRead;
  try {
    read = parseSealed(fd, path, codec, model, dims, epoch);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (!read.ok) closeSync(fd);
  return read;
}

function parseSealed(fd: number, path: string, codec: ContentCodec, model: string, dims: number, epoch: number): IndexRead {
  const size = fstatSync(fd).size;
  const readAt = (into: Uint8Array, position: number) => readFullyAt(fd, into, position, "vector index file");
  if (size < HEAD) return { ok: false, reason: "damaged" };
  const top = new Uint8Array(HEAD);
  readAt(top, 0);
  if (new TextDecoder().decode(top.subarray(0, 8)) !== MAGIC) return { ok: false, reason: "damaged" };
  const view = new DataView(top.buffer);
  if (view.getUint32(8, true) !== FORMAT) return { ok: false, reason: "outdated" };
  const sealedLength = view.getUint32(12, true);
  const id = Buffer.from(top.subarray(16, 32)).toString("hex");
  if (HEAD + sealedLength > size) return { ok: false, reason: "damaged" };
  const sealedHead = new Uint8Array(sealedLength);
  readAt(sealedHead, HEAD);
  const plain = openValue(codec, sealedHead, headPlace(id));
  if (plain === null) return { ok: false, reason: "damaged" };
  // What sealing adds to a value (version, nonce, tag): the same for every list.
  const overhead = sealedLength - plain.length;
  const head = headerCounts(plain);
  const listsAt = HEAD + sealedLength;
  if (head === null || size !== listsAt + head.count * signBytes(head.dims) + head.nlist * overhead) return { ok: false, reason: "damaged" };
  const width = signBytes(dims);
  let open = true;
  const read = indexFileOf(plain, model, dims, epoch, ({ offsets, nlist }) => {
    const at = (l: number) => listsAt + offsets[l]! * width + l * overhead;
    const state = new Int8Array(nlist); // 0 unread, 1 opened, -1 fails to open
    const cache = new Map<number, Uint8Array>();
    let cached = 0;
    const list = (l: number): Uint8Array | null => {
      const hit = cache.get(l);
      if (hit) {
        cache.delete(l); // most recently used last
        cache.set(l, hit);
        return hit;
      }
      if (state[l] === -1) return null;
      if (!open) throw new Error("vector index file closed");
      const rows = offsets[l + 1]! - offsets[l]!;
      const sealed = new Uint8Array(rows * width + overhead);
      readAt(sealed, at(l));
      const values = openValue(codec, sealed, listPlace(id, l));
      if (values === null || values.length !== rows * width) {
        state[l] = -1;
        return null;
      }
      state[l] = 1;
      cache.set(l, values);
      cached += values.length;
      for (const [old, bytes] of cache) {
        if (cached <= CACHE_BYTES || old === l) break;
        cache.delete(old);
        cached -= bytes.length;
      }
      return values;
    };
    // The list holding row r: the last whose first row is ≤ r (empty lists share their first row with the next).
    const listOf = (r: number) => {
      let lo = 0;
      let hi = nlist - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (offsets[mid]! <= r) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const readRows = (from: number, to: number, into: Uint8Array) => {
      for (let r = from; r < to; ) {
        const l = listOf(r);
        const values = list(l);
        if (values === null) throw new Error(`vector index list ${l} does not open under the store's key`);
        const end = Math.min(to, offsets[l + 1]!);
        if (end <= r || r < offsets[l]!) throw new Error(`vector index list ${l} does not hold row ${r}`);
        into.set(values.subarray((r - offsets[l]!) * width, (end - offsets[l]!) * width), (r - from) * width);
        r = end;
      }
    };
    const listOk = (l: number) => list(l) !== null;
    return {
      readRows,
      listOk,
      checkPiece: (l: number) => listOk(l),
      close: () => {
        if (!open) return;
        open = false;
        cache.clear();
        closeWhenCollected.unregister(sealedHead);
        closeSync(fd);
      },
      discard: () => open && discardIfSame(fd, path),
      replaced: () => open && !stillAtPath(fd, path),
      release: () => {
        cache.clear();
        cached = 0;
      },
    };
  });
  if (read.ok) closeWhenCollected.register(read.file, fd, sealedHead);
  return read;
}

/** The value opened, or null when it does not open under the key at that place. */
function openValue(codec: ContentCodec, sealed: Uint8Array, where: string): Uint8Array | null {
  try {
    return codec.decodeBytes(sealed, where, "the vector index file");
  } catch {
    return null;
  }
}
