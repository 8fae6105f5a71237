/**
 * @module The file a repair reads from. A database cut short (its header counts more pages than the file holds)
 * is refused by SQLite as a whole: every read, even of the tables whose pages all survived, fails "malformed"
 * (SQLite 3.54; a table whose root page lies past the end, such as the planner's statistics, makes the whole
 * schema unreadable), and a repair copied nothing from a file that still held every memory. The repair then
 * reads a copy extended with zeroed pages to the length its header gives (a sparse file: no disk space), so
 * only the missing pages fail to read. The damaged file itself is never changed.
 */
import { closeSync, copyFileSync, existsSync, fstatSync, openSync, readSync, rmSync, truncateSync } from "node:fs";

export interface SalvageSource {
  /** The path to open for reading. */
  path: string;
  /** Removes the copy, if one was made. */
  done(): void;
}

const HEADER = 100;

/** The length the (valid) header of the file at `path` gives it, when the file is shorter; else null. */
function cutShort(path: string): number | null {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const header = new Uint8Array(HEADER);
    if (readSync(fd, header, 0, HEADER, 0) < HEADER) return null;
    const view = new DataView(header.buffer);
    const raw = view.getUint16(16);
    const length = view.getUint32(28) * (raw === 1 ? 65_536 : raw);
    return view.getUint32(92) === view.getUint32(24) && length > size ? length : null;
  } finally {
    closeSync(fd);
  }
}

/** The damaged file at `from` as it can best be read: itself, or a copy of it (and its WAL) grown back to its length. */
export function salvageSource(from: string): SalvageSource {
  let length: number | null = null;
  try {
    length = cutShort(from);
  } catch {
    // unreadable header: read the file as it is (the scan reports what fails)
  }
  if (length === null) return { path: from, done: () => undefined };
  const copy = `${from}.salvage-${process.pid}`;
  const parts = ["", "-wal"] as const;
  const removeCopy = () => {
    for (const suffix of [...parts, "-shm"]) rmSync(copy + suffix, { force: true });
  };
  removeCopy();
  for (const suffix of parts) if (existsSync(from + suffix)) copyFileSync(from + suffix, copy + suffix);
  truncateSync(copy, length);
  return { path: copy, done: removeCopy };
}
