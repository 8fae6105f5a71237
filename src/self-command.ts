/** @module How to run this same cairn again in a child process (a re-embedding worker, the hook daemon). */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The compiled binary itself, or Bun with cairn's entry script (src/main.ts) when running from source —
 * whatever script this process was started with: a test or a bench runs cairn's code in-process, and
 * re-running *its* script with cairn's arguments ran that script again (the suite's in-process hook tests
 * started the first test file ~50 times, each launching a browser).
 */
export function selfCommand(): string[] {
  const script = process.argv[1];
  const fromSource = !!script && !script.startsWith("/$bunfs") && !script.startsWith("B:/~BUN") && /\.[mc]?[jt]s$/.test(script);
  return fromSource ? [process.execPath, join(dirname(fileURLToPath(import.meta.url)), "main.ts")] : [process.execPath];
}
