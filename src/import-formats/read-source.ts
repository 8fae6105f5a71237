/** @module Reading a peer's files for an adapter, with read failures and bad records reported as cairn errors. */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { CairnError, cairnError, describeError } from "../errors.ts";
import { firstInvalidUtf8 } from "../text/utf8.ts";

/**
 * The file's text. UTF-8 (a byte-order mark skipped), or UTF-16 when a byte-order mark says so (what
 * PowerShell's `>` writes); anything else (invalid UTF-8, NUL bytes: a binary file) is refused naming the
 * file, where it was turned into garbage memories before.
 */
export function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readBounded(path);
  } catch (err) {
    if (err instanceof CairnError) throw err;
    throw cairnError("IMPORT_READ", [path, describeError(err)], err);
  }
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : "utf-8";
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw cairnError("IMPORT_READ", [path, `it is not text in UTF-8 (or UTF-16 with a byte-order mark): byte ${Math.max(0, firstInvalidUtf8(bytes))} is not valid there`]);
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0) throw cairnError("IMPORT_READ", [path, `it holds a NUL character (at character ${nul}): a binary file, not text`]);
  return text;
}

/**
 * The most a peer's file may hold: far above a real export (100k mem0 memories are ~30 MB), and an import holds
 * every record at once, so an endless input (`/dev/zero`, a stream) grew to GBs in seconds instead (QA).
 */
export const MAX_PEER_FILE_BYTES = 256 * 1024 * 1024;

/** The file's bytes, refused past {@link MAX_PEER_FILE_BYTES}: a regular file by its size, anything else as it is read. */
function readBounded(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const tooLarge = () => cairnError("IMPORT_READ", [path, `it holds more than ${MAX_PEER_FILE_BYTES / 1024 / 1024} MiB, the most an import --from reads, or it never ends`]);
    if (fstatSync(fd).size > MAX_PEER_FILE_BYTES) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return Buffer.concat(chunks, total);
      total += n;
      if (total > MAX_PEER_FILE_BYTES) throw tooLarge();
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** True for a directory, false for a file; a path that cannot be read fails as {@link readText} names it. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    readText(path);
    throw badRecord(path, "the path", "it is neither a file nor a directory");
  }
}

/** The error for one bad record: which file, where in it, what is wrong; nothing is imported. */
export function badRecord(file: string, where: string, why: string): Error {
  return cairnError("PEER_RECORD", [file, where, why]);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
