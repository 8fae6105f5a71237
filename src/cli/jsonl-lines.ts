/**
 * @module Reading an import file line by line in bounded memory: fixed-size chunks, one line at a time, and
 * a line over the limit is counted but never held (the import stops at it, naming its size). A 1M-line file
 * costs what one chunk and one line cost, where reading it whole held the text and every record at once.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { RawLine } from "../engine/import-parse.ts";
import { firstInvalidUtf8 } from "../text/utf8.ts";

const CHUNK = 1 << 20;
/** How far past the line limit an over-long line is measured (times the limit) before reading stops. */
const MEASURED = 64;

export interface LineFile {
  /** Every line in order (the newline stripped); iterate once. */
  lines: Iterable<RawLine>;
  /** The file's size in bytes when it is a regular file (for progress), else null. */
  size: number | null;
  /** Bytes read so far. */
  readonly bytesRead: number;
  close(): void;
  /** The file each line came from, when the lines were read from a folder (a Markdown export). */
  sources?: readonly string[];
}

/** Opens `path` (or stdin for "-") for reading line by line; throws what the open throws. */
export function openLines(path: string, maxLineBytes: number): LineFile {
  const fd = path === "-" ? 0 : openSync(path, "r");
  const st = fstatSync(fd);
  const state = { bytes: 0 };
  return {
    lines: { [Symbol.iterator]: () => readLines(fd, maxLineBytes, state) },
    size: st.isFile() ? st.size : null,
    get bytesRead() {
      return state.bytes;
    },
    close: () => {
      if (fd !== 0) closeSync(fd);
    },
  };
}

function readLines(fd: number, maxLineBytes: number, state: { bytes: number }): Generator<RawLine> {
  const buf = Buffer.allocUnsafe(CHUNK);
  // Fatal: a byte that is not UTF-8 stops the import at its line, instead of becoming U+FFFD in a memory.
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // The start of a line that runs past the end of a chunk (copied: the chunk buffer is reused).
  let parts: Buffer[] = [];
  let partBytes = 0;
  const finish = (last: Buffer): RawLine => {
    const bytes = partBytes + last.length;
    const line: RawLine = bytes > maxLineBytes ? { overLimitBytes: bytes } : decoded(decoder, parts.length === 0 ? last : Buffer.concat([...parts, last]));
    parts = [];
    partBytes = 0;
    return line;
  };
  return (function* () {
    for (;;) {
      const n = readChunk(fd, buf);
      if (n === 0) break;
      state.bytes += n;
      const chunk = buf.subarray(0, n);
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        yield finish(chunk.subarray(start, nl));
        start = nl + 1;
      }
      const rest = chunk.subarray(start);
      partBytes += rest.length;
      // Past the limit the line is only counted: its bytes are dropped, so memory stays bounded.
      if (partBytes <= maxLineBytes) parts.push(Buffer.from(rest));
      else parts = [];
      // ... and only so far: the import stops at it anyway, and a line that never ends (`cairn import /dev/zero`)
      // was counted forever (QA). Nothing after it is read.
      if (partBytes > maxLineBytes * MEASURED) {
        yield { overLimitBytes: partBytes, unended: true };
        return;
      }
    }
    if (partBytes > 0) yield finish(Buffer.alloc(0));
  })();
}

/** The line's text, or where its first byte that is not UTF-8 is. */
function decoded(decoder: TextDecoder, bytes: Uint8Array): RawLine {
  try {
    return decoder.decode(bytes);
  } catch {
    return { invalidUtf8At: Math.max(0, firstInvalidUtf8(bytes)) };
  }
}

/** One chunk; a non-blocking stdin that has nothing yet is waited for rather than taken for its end. */
function readChunk(fd: number, buf: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "EOF") return 0;
      if (code !== "EAGAIN") throw err;
      Bun.sleepSync(1);
    }
  }
}
