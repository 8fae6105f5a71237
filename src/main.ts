/** @module The entry point of the `cairn` binary. */

// A dynamic import keeps every module behind a lazy initialiser in the compiled bundle; measured, this
// halves the start-up time of the binary (about 32 ms → 16 ms), which every hook and CLI call pays.
export {};
const args = process.argv.slice(2);
if (args[0] === "hook") {
  // Hooks run on every prompt and tool call: they skip the CLI framework (citty, flag parsing) entirely.
  const { runHook } = await import("./hooks/run.ts");
  // An explicit exit skips the runtime's orderly teardown (~4 ms of a ~25 ms hook): by now the output is
  // written, the database closed and any daemon launched.
  process.exit(await runHook(args.slice(1)));
} else {
  const { main } = await import("./cli/run.ts");
  // exitCode rather than exit(): lets piped stdout (e.g. a large export) drain before the process ends.
  process.exitCode = await main(args);
}
