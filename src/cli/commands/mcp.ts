/** @module `cairn mcp`: the MCP server on stdio; the composition root for agent sessions. */
import { defineCommand } from "citty";
import { detectProjectKey } from "../../config/project.ts";
import { IdleSweeper, idleWork, idleWorkDelay } from "../../engine/idle-sweep.ts";
import { log } from "../../log.ts";
import { manageLifecycle } from "../../mcp/lifecycle.ts";
import { ProjectScope } from "../../mcp/scope.ts";
import { createMcpServer } from "../../mcp/server.ts";
import { LineTransport, streamOutput } from "../../mcp/stdio.ts";
import { BackgroundSync, whenQuiet } from "../../sync/background.ts";
import { syncIfConfigured } from "../../sync/run.ts";
import { openRuntime } from "../runtime.ts";
import { embedBacklog } from "../../embed-worker.ts";

/** How often an idle MCP server looks for a pending erasure. */
const ERASURE_CHECK_MS = 2000;

export default defineCommand({
  meta: {
    name: "mcp",
    description: "Run the MCP server on stdio for an agent (e.g. `claude mcp add cairn -- cairn mcp`). Exits when stdin closes.",
  },
  args: {
    project: {
      type: "string",
      description: "the project to work in; default: the client's first root, else the git root of the current directory",
      valueHint: "dir|name",
    },
  },
  async run({ args }) {
    let actor = "mcp";
    // The client's name and version once it has introduced itself (initialize).
    const runtime = openRuntime("mcp", { actor: () => actor, create: true });
    const { config, paths, store, engine } = runtime;
    const cwdProject = detectProjectKey();
    const scope = new ProjectScope({
      fixed: args.project ? engine.resolveProject(args.project, "write") : undefined,
      fallback: process.env.CLAUDE_PROJECT_DIR ? detectProjectKey(process.env.CLAUDE_PROJECT_DIR) : cwdProject,
    });
    // Retention rules and consolidation of near-copies are applied here at idle (after 2 quiet minutes, at most hourly across processes),
    // never while a tool call runs; the audit actor is "sweep".
    const sweeper = new IdleSweeper({
      sweep: () => idleWork(engine),
      idleMs: idleWorkDelay(),
      lastSweep: () => store.policy.lastSweep(),
      onError: (message) => log.warn(message),
    });
    // Team sync (when this data directory is in a team) runs between tool calls too, backing off while the server is down.
    let inFlight = 0;
    const teamSync = new BackgroundSync({
      run: () => syncIfConfigured(paths.dataDir, () => ({ store, log: store.sync, engineAs: (a) => engine.withActor(a) }), () => whenQuiet(() => inFlight > 0)),
      busy: () => inFlight > 0,
      onError: (message) => log.warn(message),
    });
    const activity = {
      begin: () => (inFlight++, sweeper.begin()),
      end: () => (inFlight--, sweeper.end()),
    };
    const server = createMcpServer({ engine, scope, defaults: config.values, activity });
    const initialized = server.server.oninitialized;
    server.server.oninitialized = () => {
      initialized?.();
      const client = server.server.getClientVersion();
      if (client) actor = `mcp:${client.name}/${client.version}`;
    };
    const transport = new LineTransport(process.stdin, streamOutput(process.stdout));
    transport.onerror = (err) => log.warn(`mcp: ${err.message}`);
    const lifecycle = manageLifecycle({
      transport,
      closeServer: () => server.close(),
      release: () => {
        sweeper.stop();
        teamSync.stop();
        return runtime.close();
      },
      flush: () => new Promise<void>((resolve) => process.stdout.write("", () => resolve())),
    });
    // A closed stdout means the client is gone; writing on would only raise EPIPE.
    process.stdout.on("error", (err) => void lifecycle.shutdown(`stdout: ${err.message}`));
    if (process.stdin.isTTY) {
      log.warn("cairn mcp speaks JSON-RPC on stdin/stdout for an agent; register it with e.g. `claude mcp add cairn -- cairn mcp`. Ctrl-D to quit.");
    }
    await server.connect(transport);
    sweeper.start();
    teamSync.start();
    // Memories without vectors (an import, a worker that died) are embedded now, in the worker's process.
    embedBacklog(paths.dataDir, () => store.vectors.pendingCount(config.values.model));
    // Every few seconds, between tool calls: a pending erasure, the integrity check before the first write.
    const erasures = setInterval(() => runtime.betweenRequests(inFlight === 0), ERASURE_CHECK_MS);
    erasures.unref();
    const code = await lifecycle.done;
    clearInterval(erasures);
    // Replies are out and flushed, the database is closed. Embedding the last writes in the background is
    // best effort (the next recall catches up), so a model still loading must not hold the exit back.
    process.exit(code);
  },
});
