/** @module The tool table and its registration: binds each call to the session's project and wraps results. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Engine } from "../../engine/engine.ts";
import { CairnError, cairnError, damagedDatabaseError, describeError } from "../../errors.ts";
import { log } from "../../log.ts";
import { confirmDamage } from "../../store/integrity-check.ts";
import type { ProjectScope } from "../scope.ts";
import { type ToolDef, type ToolDefaults, toolResult } from "../tool.ts";
import checkpoint from "./checkpoint.ts";
import forget from "./forget.ts";
import get from "./get.ts";
import list from "./list.ts";
import recall from "./recall.ts";
import relate from "./relate.ts";
import remember from "./remember.ts";
import remind from "./remind.ts";
import resume from "./resume.ts";
import stats from "./stats.ts";
import timeline from "./timeline.ts";
import update from "./update.ts";

/** In the order clients list them: the everyday pair first. */
export const TOOLS: readonly ToolDef<any, any>[] = [
  recall,
  remember,
  get,
  list,
  update,
  forget,
  relate,
  timeline,
  checkpoint,
  resume,
  remind,
  stats,
];

/** Hears when tool calls start and end (engine/idle-sweep.ts's IdleSweeper is one). */
export interface ToolActivity {
  begin(): void;
  end(): void;
}

export interface ToolDeps {
  /** Resolved once the store is open (server.ts). */
  engine: Promise<Engine>;
  scope: ProjectScope;
  defaults: ToolDefaults;
  activity?: ToolActivity;
}

export function registerTools(server: McpServer, deps: ToolDeps): void {
  let bound: Engine | null = null;
  // Calls run one after another, in the order they came: a client that sends `remember` and then `recall` without
  // waiting (JSON-RPC allows it) reads what it wrote (QA soak: the recall ran while the remember awaited its
  // search, and abstained).
  let previous: Promise<unknown> = Promise.resolve();
  for (const tool of TOOLS) {
    server.registerTool(tool.name, tool.config, (args: unknown) => {
      const run = previous.then(async () => {
        deps.activity?.begin();
        try {
          return await call(tool, args);
        } finally {
          deps.activity?.end();
        }
      });
      previous = run.catch(() => undefined);
      return run;
    });
  }

  /** One tool call: bound to the session's project, errors worded for an agent. */
  async function call(tool: ToolDef<any, any>, args: unknown) {
    // A call naming its project needs no default: one the server cannot settle (a --project fitting several
    // projects) fails only the calls that rely on it.
    const named = typeof (args as { project?: unknown } | null)?.project === "string";
    const project = await deps.scope.current().catch((err: unknown) => {
      if (named) return deps.scope.fallback;
      throw err instanceof CairnError ? err.forMcp() : err;
    });
    const engine = await deps.engine.catch((err: unknown) => {
      throw err instanceof CairnError ? err.forMcp() : err;
    });
    bound ??= engine;
    if (bound.project !== project) bound = engine.forProject(project);
    const ctx = { engine: bound, project, defaults: deps.defaults };
    try {
      return toolResult(await tool.handler(args, ctx));
    } catch (err) {
      if (err instanceof CairnError) throw err.forMcp();
      const damaged = damagedDatabaseError(err, engine.store.location);
      if (damaged) {
        confirmDamage(engine.store.location);
        throw damaged.forMcp();
      }
      // A bug, not the agent's mistake: one log line with where it happened (the whole stack at debug level),
      // a short message for the agent. A failure repeated on every call must not flood the client's log.
      log.error(`tool ${tool.name} failed: ${oneLine(err)}`);
      if (err instanceof Error && err.stack) log.debug(err.stack);
      throw cairnError("INTERNAL", [describeError(err)], err);
    }
  }
}

/** The error's message and the first frame of its stack, on one line. */
function oneLine(err: unknown): string {
  const frame = err instanceof Error ? err.stack?.split("\n").find((l) => l.trimStart().startsWith("at "))?.trim() : undefined;
  return `${describeError(err).replace(/\s*\n\s*/g, " ")}${frame ? ` (${frame})` : ""}`;
}
