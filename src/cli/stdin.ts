/** @module Reading stdin (for `remember -`, `recall -`, `edit --content -` and `import -`). */
import { fstatSync } from "node:fs";
import { cairnError } from "../errors.ts";
import { firstInvalidUtf8 } from "../text/utf8.ts";

/**
 * Stdin as UTF-8 text (a leading BOM dropped). Bytes that are not UTF-8 are refused, naming the first, as
 * `import` refuses them: decoded leniently, a Latin-1 "café" was stored as "caf\uFFFD" with exit 0 (QA).
 */
export async function readStdinText(): Promise<string> {
  const bytes = new Uint8Array(await Bun.stdin.arrayBuffer());
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    throw cairnError("USAGE", [
      `Byte ${at} of stdin is not valid UTF-8 (0x${bytes[at]!.toString(16).padStart(2, "0")}): the text must be UTF-8. Convert it first (from Latin-1: \`iconv -f latin1 -t utf-8\`); nothing was done.`,
    ]);
  }
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
