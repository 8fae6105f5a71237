/**
 * @module `cairn hook <event>`: the entry point agents spawn on every session start, prompt and tool call.
 * Reached from main.ts without loading the CLI framework. It fails open: whatever goes wrong inside, the
 * agent gets exit 0 and no output (the problem goes to `<dataDir>/hooks.log`), because a memory tool must
 * never block or derail the user's session.
 */
import { type Paths, resolvePaths } from "../config/paths.ts";
import { HookContext } from "./context.ts";
import { type HookEvent, type HookInput, parseHookInput } from "./input.ts";
import { appendHookLog } from "./log.ts";
import { renderOutput, writeOutput } from "./output.ts";

export type Handler = (ctx: HookContext) => string | null | Promise<string | null>;

/** Handlers load lazily so each event pays only for its own code. */
export const HANDLERS: Record<HookEvent, () => Promise<Handler>> = {
  "session-start": () => import("./session-start.ts").then((m) => m.sessionStart),
  prompt: () => import("./prompt.ts").then((m) => m.prompt),
  "pre-tool": () => import("./pre-tool.ts").then((m) => m.preTool),
  "post-tool": () => import("./post-tool.ts").then((m) => m.postTool),
  stop: () => import("./stop.ts").then((m) => m.stop),
  "pre-compact": () => import("./stop.ts").then((m) => m.preCompact),
  "session-end": () => import("./stop.ts").then((m) => m.sessionEnd),
};

/**
 * A hook that hangs (a database locked by a stuck writer) would stall the agent until its own timeout;
 * we give up first. SessionEnd shares a 1.5 s budget among all hooks, so it gets less.
 */
const DEADLINE_MS: Record<HookEvent, number> = {
  "session-start": 5000,
  prompt: 5000,
  "pre-tool": 3000,
  "post-tool": 3000,
  stop: 3000,
  "pre-compact": 5000,
  "session-end": 1200,
};

const USAGE = `Usage: cairn hook <event>   (reads the agent's hook JSON on stdin)

Events: session-start, prompt, pre-tool, post-tool, stop, pre-compact, session-end
(Claude Code's names work too: SessionStart, UserPromptSubmit, PreToolUse, PostToolUse,
PostToolUseFailure, Stop, PreCompact, SessionEnd.)

Prints context for the agent as hookSpecificOutput.additionalContext JSON, or nothing. Always exits 0;
problems are logged to hooks.log in the data directory.
`;

export async function runHook(args: readonly string[]): Promise<number> {
  if (args[0] === "--help" || args[0] === "-h") {
    await writeOutput(USAGE);
    return 0;
  }
  const started = performance.now();
  let paths: Paths | null = null;
  let event = args[0] ?? "?";
  try {
    paths = resolvePaths();
    const raw = await Bun.stdin.text();
    const input = parseHookInput(args[0], raw, process.cwd());
    if (!input) {
      debugLog(paths, `${event} skipped: not a hook event we handle (or stdin is not a JSON object)`, started);
      return 0;
    }
    event = input.event;
    const watchdog = setTimeout(() => {
      appendHookLog(paths!.dataDir, `${event} error: gave up after ${DEADLINE_MS[input.event]} ms`);
      process.exit(0);
    }, DEADLINE_MS[input.event]);
    watchdog.unref?.();
    const out = await handleEvent(input, paths);
    // Output last: a failure anywhere before it leaves stdout empty, never half-written.
    await writeOutput(out);
    debugLog(paths, `${event} ok${out ? ` (${out.length} chars)` : ""}`, started);
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (paths) appendHookLog(paths.dataDir, `${event} error: ${message} (${Math.round(performance.now() - started)} ms)`);
  }
  return 0;
}

/** Runs the handler for a parsed event and returns what to print on stdout ("" for nothing). */
export async function handleEvent(input: HookInput, paths: Paths): Promise<string> {
  const ctx = new HookContext(input, paths);
  try {
    // post-tool decides itself whether it needs memory (most successful commands do not).
    const [handler] = await Promise.all([HANDLERS[input.event](), input.event === "post-tool" ? undefined : ctx.ready()]);
    const context = await handler(ctx);
    ctx.close();
    return renderOutput(input, context);
  } catch (err) {
    try {
      ctx.close();
    } catch {
      // already failing; the first error is the one worth logging
    }
    throw err;
  }
}

function debugLog(paths: Paths, line: string, started: number): void {
  if (process.env.CAIRN_HOOK_DEBUG) appendHookLog(paths.dataDir, `${line} (${(performance.now() - started).toFixed(1)} ms)`);
}
