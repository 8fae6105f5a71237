/** @module createMcpServer: the cairn MCP server (tools, resources, prompts) over an Engine, for any transport. */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Engine } from "../engine/engine.ts";
import { VERSION } from "../version.ts";
import { registerBriefing } from "./briefing.ts";
import { INSTRUCTIONS } from "./instructions.ts";
import { registerResources } from "./resources.ts";
import { ProjectScope } from "./scope.ts";
import type { ToolDefaults } from "./tool.ts";
import { registerTools, type ToolActivity } from "./tools/index.ts";

interface Common {
  defaults?: Partial<ToolDefaults>;
  /** Told when each tool call starts and ends, so background work (the idle retention sweep) waits for quiet. */
  activity?: ToolActivity;
}

/**
 * The engine, or its promise while the store is still opening (a long upgrade on its own thread:
 * store/upgrade-thread.ts): the server answers `initialize` and lists its tools meanwhile, calls wait. `scope`:
 * which project the session works in; default: the engine's project, updated from the client's roots.
 */
export type McpDeps = Common & ({ engine: Engine; scope?: ProjectScope } | { engine: Promise<Engine>; scope: ProjectScope });

const DEFAULTS: ToolDefaults = { limit: 10, mode: "keyword", budget: 0 };

/** Elicitation is never used, so the SDK's default JSON-Schema validator (Ajv) need not be built at start-up. */
const noValidator = {
  getValidator: () => () => ({ valid: false as const, data: undefined, errorMessage: "cairn does not validate elicitation" }),
};

export function createMcpServer(deps: McpDeps): McpServer {
  const scope = deps.scope ?? new ProjectScope({ fallback: (deps.engine as Engine).project });
  const engine = Promise.resolve(deps.engine);
  engine.catch(() => {}); // a store that failed to open: each call says why
  const server = new McpServer(
    { name: "cairn", title: "cairn memory", version: VERSION },
    {
      instructions: INSTRUCTIONS,
      capabilities: { tools: {}, resources: {}, prompts: {} },
      jsonSchemaValidator: noValidator,
    },
  );
  scope.attach(server.server);
  const ctx = { engine, scope };
  registerTools(server, { ...ctx, defaults: { ...DEFAULTS, ...deps.defaults }, activity: deps.activity });
  registerResources(server, ctx);
  registerBriefing(server, ctx);
  return server;
}
