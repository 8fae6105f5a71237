/** @module `cairn mcp`: the MCP server on stdio; the composition root for agent sessions. */
import { defineCommand } from "citty";
import { detectProjectKey } from "../../config/project.ts";
import { IdleSweeper, idleWork, idleWorkDelay } from "../../engine/idle-sweep.ts";
import { log } from "../../log.ts";
import { manageLifecycle } from "../../mcp/lifecycle.ts";
import { ProjectScope } from "../../mcp/scope.ts";
import { createMcpServer } from "../../mcp/server.ts";
import { LineTransport, streamOutput } from "../../mcp/stdio.ts";
import { TOOLS } from "../../mcp/tools/index.ts";
import { BackgroundSync, whenQuiet } from "../../sync/background.ts";
import { syncIfConfigured } from "../../sync/run.ts";
import { openRuntime, type Runtime } from "../runtime.ts";
import { loadCliConfig } from "../session.ts";
import { CairnError, cairnError, describeError } from "../../errors.ts";
import type { Engine } from "../../engine/engine.ts";
import { longUpgradeDueAt, upgradeOffThread } from "../../store/upgrade-thread.ts";
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
    // The client's name and version as soon as its initialize is read, not once it says it is initialized:
    // calls piped right behind initialize were audited as a bare "mcp" (QA).
    let client: () => { name: string; version: string } | undefined = () => undefined;
    const actor = () => {
      const c = client();
      return c ? `mcp:${c.name}/${c.version}` : "mcp";
    };
    const loaded = loadCliConfig();
    const { config, paths } = loaded;
    // A CAIRN_HOME that does not exist is not made here: every call says so (NO_STORE), as the CLI does.
    const open = () => openRuntime("mcp", { actor, create: false, loaded });
    let opening: Promise<Runtime>;
    let fixed: string | Promise<string> | undefined;
    if (longUpgradeDueAt(paths.dbFile)) {
      // A large store of an older schema is upgraded on a thread of its own (~20 s at 1M memories), so the
      // client's initialize is answered meanwhile; tool calls wait for the store, and say why it failed.
      log.info("the memory store is being upgraded; tool calls wait until it is done");
      opening = upgradeOffThread(paths.dbFile).then(open);
      opening.catch((err) => log.error(`could not open the memory store: ${describeError(err)}`));
      fixed = args.project ? opening.then((r) => pinnedProject(r.engine, args.project!)) : undefined;
      fixed?.catch((err) => log.error(describeError(err)));
    } else {
      // Otherwise here and now. A store that cannot be opened (damaged, not a database) or an unknown --project
      // stopped the server before it answered `initialize`, so the agent saw only that the server died: it now
      // answers, and every tool call says why (stderr too).
      try {
        const runtime = open();
        opening = Promise.resolve(runtime);
      } catch (err) {
        // A store made after this server started is not looked for again: said, so the way out is known (QA).
        const said = err instanceof CairnError && err.code === "NO_STORE" ? cairnError("NO_STORE_SERVER", [paths.dataDir], err) : err;
        log.error(`could not open the memory store: ${describeError(said)}`);
        opening = Promise.reject(said);
        opening.catch(() => {});
      }
      // A --project that fits several projects fails only the calls that rely on it (QA: it was taken for a store
      // that could not be opened, and every call failed, those naming their own project too).
      fixed = args.project ? opening.then((r) => pinnedProject(r.engine, args.project!)) : undefined;
      fixed?.catch((err) => log.error(describeError(err)));
    }
    let runtime: Runtime | null = null;
    void opening.then((r) => (runtime = r), () => {});
    const cwdProject = detectProjectKey();
    const scope = new ProjectScope({
      fixed,
      fallback: process.env.CLAUDE_PROJECT_DIR ? detectProjectKey(process.env.CLAUDE_PROJECT_DIR) : cwdProject,
    });
    // Retention rules and consolidation of near-copies are applied here at idle (after 2 quiet minutes, at most
    // hourly across processes), never while a tool call runs; the audit actor is "sweep". Team sync (when this
    // data directory is in a team) runs between tool calls too, backing off while the server is down. Both
    // start once the store is open.
    let inFlight = 0;
    let sweeper: IdleSweeper | null = null;
    let teamSync: BackgroundSync | null = null;
    let erasures: ReturnType<typeof setInterval> | null = null;
    const activity = {
      begin: () => (inFlight++, sweeper?.begin()),
      end: () => (inFlight--, sweeper?.end()),
    };
    const server = createMcpServer({ engine: opening.then((r) => r.engine), scope, defaults: config.values, activity });
    client = () => server.server.getClientVersion();
    const transport = new LineTransport(process.stdin, streamOutput(process.stdout), { tools: TOOLS.map((t) => t.name) });
    transport.onerror = (err) => log.warn(`mcp: ${err.message}`);
    const lifecycle = manageLifecycle({
      transport,
      closeServer: () => server.close(),
      // A store still opening (its upgrade's thread) has nothing to close: the exit ends the thread, whose
      // unfinished upgrade is rolled back and done again next time.
      release: () => {
        sweeper?.stop();
        teamSync?.stop();
        return runtime?.close() ?? Promise.resolve();
      },
      flush: () => new Promise<void>((resolve) => process.stdout.write("", () => resolve())),
    });
    // A closed stdout means the client is gone; writing on would only raise EPIPE.
    process.stdout.on("error", (err) => void lifecycle.shutdown(`stdout: ${err.message}`));
    if (process.stdin.isTTY) {
      log.warn("cairn mcp speaks JSON-RPC on stdin/stdout for an agent; register it with e.g. `claude mcp add cairn -- cairn mcp`. Ctrl-D to quit.");
    }
    await server.connect(transport);
    void opening.then((opened) => {
      const { store, engine } = opened;
      const sweep = new IdleSweeper({
        sweep: () => idleWork(engine),
        idleMs: idleWorkDelay(),
        lastSweep: () => store.policy.lastSweep(),
        onError: (message) => log.warn(message),
      });
      const sync = new BackgroundSync({
        run: () => syncIfConfigured(paths.dataDir, () => ({ store, log: store.sync, engineAs: (a) => engine.withActor(a) }), () => whenQuiet(() => inFlight > 0)),
        busy: () => inFlight > 0,
        onError: (message) => log.warn(message),
      });
      [sweeper, teamSync] = [sweep, sync];
      sweep.start();
      sync.start();
      // Memories without vectors (an import, a worker that died) are embedded now, in the worker's process.
      embedBacklog(paths.dataDir, () => store.vectors.pendingCount(config.values.model));
      // Every few seconds, between tool calls: a pending erasure, the integrity check before the first write.
      erasures = setInterval(() => opened.betweenRequests(inFlight === 0), ERASURE_CHECK_MS);
      erasures.unref();
    }, () => {});
    const code = await lifecycle.done;
    if (erasures) clearInterval(erasures);
    // Replies are out and flushed, the database is closed. Embedding the last writes in the background is
    // best effort (the next recall catches up), so a model still loading must not hold the exit back.
    process.exit(code);
  },
});

/**
 * The project `--project` names, for writing; one fitting several projects is PROJECT_PIN, which says where to fix
 * it. "global" and "all" are scopes a tool call's `project` names, not a session's project (QA: a project called
 * "global" was started, its memories seen from nowhere); a name no memory is in yet starts that project, said on
 * stderr in case it was a typo.
 */
function pinnedProject(engine: Engine, ref: string): string {
  const scope = ref.trim().toLowerCase();
  if (scope === "global" || scope === "all") {
    throw cairnError("USAGE", [
      `\`cairn mcp --project ${scope}\` names no project: a session works in one project, and a tool call's \`project\` argument takes "global" or "all" for that call. Give a project's name, key or directory.`,
    ]);
  }
  let key: string;
  try {
    key = engine.resolveProject(ref, "write");
  } catch (err) {
    if (err instanceof CairnError && err.code === "PROJECT_AMBIGUOUS") throw cairnError("PROJECT_PIN", [ref, String(err.args[1])]);
    throw err;
  }
  const known = engine.projects();
  if (!known.some((p) => p.key === key)) {
    const names = known.map((p) => p.name).slice(0, 20).join(", ") || "none yet";
    log.warn(`--project ${ref.trim()}: no memory is in that project yet, so this session starts it (known projects: ${names}); check the spelling if it should be one of those`);
  }
  return key;
}
