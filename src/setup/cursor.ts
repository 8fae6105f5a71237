/** @module Cursor: `mcpServers.cairn` in `~/.cursor/mcp.json` or `<project>/.cursor/mcp.json` (JSONC-tolerant). */
import { join } from "node:path";
import { jsonTarget, mcpServerOps } from "./json-file.ts";
import { exists, fileMode } from "./locations.ts";
import type { ClientSetup, SetupContext } from "./plan.ts";

export const cursorFile = (ctx: SetupContext): string => join(ctx.scope === "project" ? ctx.projectDir : ctx.home, ".cursor", "mcp.json");

export const cursor: ClientSetup = {
  id: "cursor",
  name: "Cursor",
  scopes: ["user", "project"],
  detect: (ctx) => exists(join(ctx.home, ".cursor")) || exists(join(ctx.projectDir, ".cursor")),
  targets: (ctx) => [jsonTarget(cursorFile(ctx), "mcp", fileMode(ctx), (v) => mcpServerOps(v, "mcpServers", { command: ctx.command, args: ["mcp"] }, ctx.uninstall))],
  // Cursor's hooks.json has its own flat format and output fields that `cairn hook` does not speak.
  notes: (ctx) => (ctx.uninstall ? [] : ["Cursor hooks are not registered (Cursor's hook format and I/O differ from Claude Code's); MCP only."]),
};
