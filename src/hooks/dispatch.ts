/**
 * @module Running one parsed hook event: pick its handler (loaded lazily, so each event pays only for its
 * own code), give it a {@link HookContext}, and render what it returns. Shared by the cold path (run.ts)
 * and the warm daemon (warm/server.ts), so both produce the same output, except what the daemon's loaded
 * model adds (it passes its dense channel; see pre-tool-meaning.ts).
 */
import type { Paths } from "../config/paths.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";
import type { RetrievalChannel } from "../retrieve/channel.ts";
import { appendActivity } from "../activity/log.ts";
import { HookContext } from "./context.ts";
import type { HookEvent, HookInput } from "./input.ts";
import { renderOutput } from "./output.ts";


export type Handler = (ctx: HookContext) => string | null | Promise<string | null>;

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
 * Runs the handler for a parsed event and returns what to print on stdout ("" for nothing). A long-lived
 * caller passes its open `store` so the database (and its page cache) stays warm between events, and its
 * `dense` channel (model loaded) so prompts and tool events are weighed by meaning too.
 */
export async function handleEvent(input: HookInput, paths: Paths, store?: () => SqliteStore, dense?: RetrievalChannel | null): Promise<string> {
  const started = performance.now();
  const ctx = new HookContext(input, paths, store, dense);
  try {
    // post-tool decides itself whether it needs memory (most successful commands do not).
    const [handler] = await Promise.all([HANDLERS[input.event](), input.event === "post-tool" ? undefined : ctx.ready()]);
    const context = await handler(ctx);
    if (input.event === "pre-tool" || input.event === "post-tool") ctx.noteWork();
    const changes = ctx.changes();
    ctx.close();
    // Ids and a duration only (activity/log.ts): what `cairn ui` shows as injected, captured and hook latency.
    const ms = Math.round((performance.now() - started) * 10) / 10;
    appendActivity(paths.dataDir, { kind: "hook", at: Date.now(), event: input.event, ms, path: store ? "warm" : "cold", ...changes });
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
