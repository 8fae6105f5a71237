/** @module How to run this same cairn again in a child process (a re-embedding worker, the hook daemon). */

/** The compiled binary itself, or Bun with the entry script when running from source. */
export function selfCommand(): string[] {
  const script = process.argv[1];
  const fromSource = !!script && !script.startsWith("/$bunfs") && !script.startsWith("B:/~BUN") && /\.[mc]?[jt]s$/.test(script);
  return fromSource ? [process.execPath, script] : [process.execPath];
}
