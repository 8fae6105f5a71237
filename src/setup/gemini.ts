/** @module Gemini CLI: `mcpServers.cairn` in `~/.gemini/settings.json` or `<project>/.gemini/settings.json`. */
import { join } from "node:path";
import { jsonTarget, mcpEntry, mcpServerOps } from "./json-file.ts";
import { exists, fileMode } from "./locations.ts";
import type { ClientSetup, SetupContext } from "./plan.ts";

export const geminiFile = (ctx: SetupContext): string => join(ctx.scope === "project" ? ctx.projectDir : ctx.home, ".gemini", "settings.json");

export const gemini: ClientSetup = {
  id: "gemini",
  name: "Gemini CLI",
  scopes: ["user", "project"],
  detect: (ctx) => exists(join(ctx.home, ".gemini")),
  targets: (ctx) => [jsonTarget(geminiFile(ctx), "mcp", fileMode(ctx), (v) => mcpServerOps(v, "mcpServers", mcpEntry(ctx, { command: ctx.command, args: ["mcp"] }), ctx.uninstall))],
  // Gemini's events (BeforeAgent, AfterTool…), millisecond timeouts and JSON-only stdout differ from Claude Code's.
  notes: (ctx) => (ctx.uninstall ? [] : ["Gemini CLI hooks are not registered (different event names and output rules); MCP only."]),
};
