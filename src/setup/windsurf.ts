/** @module Windsurf: `mcpServers.cairn` in `~/.codeium/windsurf/mcp_config.json` (user level only, no hooks). */
import { dirname, join } from "node:path";
import { jsonTarget, mcpEntry, mcpServerOps } from "./json-file.ts";
import { exists, fileMode } from "./locations.ts";
import type { ClientSetup, SetupContext } from "./plan.ts";

export const windsurfFile = (ctx: SetupContext): string => join(ctx.home, ".codeium", "windsurf", "mcp_config.json");

export const windsurf: ClientSetup = {
  id: "windsurf",
  name: "Windsurf",
  scopes: ["user"],
  detect: (ctx) => exists(dirname(windsurfFile(ctx))),
  targets: (ctx) => [jsonTarget(windsurfFile(ctx), "mcp", fileMode(ctx), (v) => mcpServerOps(v, "mcpServers", mcpEntry(ctx, { command: ctx.command, args: ["mcp"] }), ctx.uninstall))],
  notes: () => [],
};
