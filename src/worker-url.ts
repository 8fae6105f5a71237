/**
 * @module Where a worker thread's entry file is: beside the module starting it when running from source,
 * under the bundle's root in the compiled binary (each worker entry is an entry point of scripts/build.ts).
 */

/**
 * `from`: the starting module's `import.meta.url`; `bundled`: the entry's path from the bundle's root
 * ("./store/fts-worker.ts"); the file name is the same beside the starting module.
 */
export function workerUrl(from: string, bundled: string): string {
  if (from.startsWith("file:///$bunfs/") || from.startsWith("file:///B:/~BUN/")) return bundled;
  return new URL(`./${bundled.slice(bundled.lastIndexOf("/") + 1)}`, from).href;
}
