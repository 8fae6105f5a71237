/**
 * @module `cairn hook <event>`: the entry point agents spawn on every session start, prompt and tool call.
 * Reached from main.ts without loading the CLI framework. It hands the event to the warm daemon when one
 * runs (warm/), and otherwise handles it in this process and starts a daemon for the next event. It fails
 * open: whatever goes wrong inside, the agent gets exit 0 and no output (the problem goes to
 * `<dataDir>/hooks.log`), because a memory tool must never block or derail the user's session.
 */
import { homeMissing, type Paths, resolvePaths } from "../config/paths.ts";
import { DEADLINE_MS, warmWaits } from "./deadlines.ts";
import { limitEvent } from "./event-size.ts";
import { type HookEvent, type HookInput, parseHookInput } from "./input.ts";
import { readStdin } from "./read-stdin.ts";
import { appendHookLog } from "./log.ts";
import { writeOutput } from "./output.ts";
import { askWarm } from "./warm/client.ts";
import { buildId, socketPath, warmEnabled } from "./warm/protocol.ts";

const USAGE = `Usage: cairn hook <event>   (reads the agent's hook JSON on stdin)

Events: session-start, prompt, pre-tool, post-tool, post-tool-failure, stop, pre-compact, session-end
(Claude Code's names work too: SessionStart, UserPromptSubmit, PreToolUse, PostToolUse,
PostToolUseFailure, Stop, PreCompact, SessionEnd.)

Prints context for the agent as hookSpecificOutput.additionalContext JSON, or nothing. Always exits 0;
problems are logged to hooks.log in the data directory.

Hooks hand events to a background process (\`cairn hook --serve\`, started on demand, one per data
directory, gone after 15 idle minutes) that keeps memory loaded. CAIRN_HOOK_DAEMON=off runs every
event in the hook process instead.
`;

export async function runHook(args: readonly string[]): Promise<number> {
  if (args[0] === "--help" || args[0] === "-h") {
    await writeOutput(USAGE);
    return 0;
  }
  if (args[0] === "--serve") {
    const paths = resolvePaths();
    try {
      const { serveHooks } = await import("./warm/server.ts");
      process.exit(await serveHooks(paths));
    } catch (err) {
      // Its stdio goes nowhere: the log is the only place a daemon that cannot start shows up.
      appendHookLog(paths.dataDir, `hookd error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      process.exit(1);
    }
  }
  const started = performance.now();
  let paths: Paths | null = null;
  let event = args[0] ?? "?";
  try {
    paths = resolvePaths();
    const idleMs = DEADLINE_MS[args[0] as HookEvent] ?? DEADLINE_MS.prompt;
    const read = await readStdin(idleMs);
    // CAIRN_HOME names no directory (a typo, an unmounted volume): nothing to recall, and no store, state or log
    // is made there (QA: a capture made a new, empty store on the wrong disk).
    if (homeMissing(paths)) return 0;
    if (read.open === "idle") appendHookLog(paths.dataDir, `${args[0] ?? "?"} stdin still open and silent after ${idleMs} ms: read what had come`);
    const { raw, note } = limitEvent(read.text);
    if (note) appendHookLog(paths.dataDir, `${args[0] ?? "?"} ${note}`);
    const problems: string[] = [];
    const input = parseHookInput(args[0], raw, process.cwd(), problems);
    // Logged here, before the warm/cold split, so each bad event is one line whichever path serves it.
    if (problems.length > 0) appendHookLog(paths.dataDir, `${args[0] ?? input?.event ?? event} malformed input: ${problems.join("; ")}`);
    if (!input) return 0;
    event = input.event;
    const sock = warmEnabled() ? socketPath(paths.dataDir) : null;
    if (sock) {
      const { waits, cut } = warmWaits(input.event, performance.now() - started);
      const warm = await askWarm(sock, { build: buildId(), event: args[0], cwd: process.cwd(), stdin: raw }, waits);
      if (warm.kind === "served") {
        await writeOutput(warm.out);
        debugLog(paths, `${event} ok, warm${warm.out ? ` (${warm.out.length} chars)` : ""}`, started);
        return 0;
      }
      if (warm.kind === "timeout") {
        // Stuck (stopped, hung): put a new daemon in its place first (whatever happens to this event, the
        // next one must not wait on it too), then run cold in the time left. Not when the event came too late
        // to give it its usual time.
        const verb = { connect: "accept the connection", send: "take the event", reply: "answer" }[warm.phase];
        const what = cut(warm.phase)
          ? `left as it is (the event was read ${Math.round(performance.now() - started - warm.afterMs)} ms after the hook started)`
          : (await import("./warm/launch.ts")).replaceDaemon(paths.dataDir, sock, performance.timeOrigin + started);
        appendHookLog(paths.dataDir, `${event}: the hook daemon did not ${verb} within ${warm.afterMs} ms; running it cold, ${what}`);
        await runCold(input, paths, started);
        return 0;
      }
    }
    await runCold(input, paths, started);
    if (sock) (await import("./warm/launch.ts")).launchDaemon(paths.dataDir);
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (paths) appendHookLog(paths.dataDir, `${event} error: ${message} (${Math.round(performance.now() - started)} ms)`);
  }
  return 0;
}

/** Handles the event in this process, under a watchdog that gives up (silently) at the event's deadline. */
async function runCold(input: HookInput, paths: Paths, started: number): Promise<void> {
  const watchdog = setTimeout(() => {
    appendHookLog(paths.dataDir, `${input.event} error: gave up after ${DEADLINE_MS[input.event]} ms`);
    process.exit(0);
  }, Math.max(0, DEADLINE_MS[input.event] - (performance.now() - started)));
  watchdog.unref?.();
  const { handleEvent } = await import("./dispatch.ts");
  const out = await handleEvent(input, paths);
  // Output last: a failure anywhere before it leaves stdout empty, never half-written.
  await writeOutput(out);
  debugLog(paths, `${input.event} ok${out ? ` (${out.length} chars)` : ""}`, started);
}

function debugLog(paths: Paths, line: string, started: number): void {
  if (process.env.CAIRN_HOOK_DEBUG) appendHookLog(paths.dataDir, `${line} (${(performance.now() - started).toFixed(1)} ms)`);
}
