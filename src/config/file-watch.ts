/**
 * @module Whether a file changed since last looked at, by one stat (size, modification time, inode): long-lived
 * processes (`cairn mcp`, `cairn ui`, the hook daemon) re-read the configuration only when it did, so a
 * `cairn models use` while they run is followed without a restart and without reading the file per request.
 */
import { statSync } from "node:fs";

export class FileWatch {
  readonly #file: string;
  #seen: string;

  /** Starts from the file as it is now. */
  constructor(file: string) {
    this.#file = file;
    this.#seen = this.#stamp();
  }

  /** True once after each change (a missing file is a state too: created or removed counts). */
  changed(): boolean {
    const now = this.#stamp();
    if (now === this.#seen) return false;
    this.#seen = now;
    return true;
  }

  #stamp(): string {
    try {
      const s = statSync(this.#file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return "none";
    }
  }
}
