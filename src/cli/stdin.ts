/** @module Reading stdin (for `remember -`, `recall -`, `edit --content -` and `import -`). */
import { fstatSync } from "node:fs";

export async function readStdinText(): Promise<string> {
  return await Bun.stdin.text();
}

/** True when stdin is a pipe or a file (not a terminal, not /dev/null). Avoids node:tty, which is slow to load. */
export function stdinIsPiped(): boolean {
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}
