/** @module Claude Desktop: `mcpServers.cairn` in claude_desktop_config.json (per-OS app settings folder; no hooks, no project scope). */
import { dirname, join } from "node:path";
import { jsonTarget, mcpEntry, mcpServerOps } from "./json-file.ts";
import { appConfigDir, exists, fileMode } from "./locations.ts";
import type { ClientSetup, SetupContext } from "./plan.ts";

/** macOS/Windows paths are documented; the Linux one (XDG config) is the community convention. */
export const claudeDesktopFile = (ctx: SetupContext): string => join(appConfigDir(ctx), "Claude", "claude_desktop_config.json");

export const claudeDesktop: ClientSetup = {
  id: "claude-desktop",
  name: "Claude Desktop",
  scopes: ["user"],
  detect: (ctx) => exists(dirname(claudeDesktopFile(ctx))),
  targets: (ctx) => [
    jsonTarget(claudeDesktopFile(ctx), "mcp", fileMode(ctx), (v) => mcpServerOps(v, "mcpServers", mcpEntry(ctx, { command: ctx.command, args: ["mcp"] }), ctx.uninstall)),
  ],
  notes: (ctx) => (ctx.uninstall ? [] : ["Claude Desktop has no hooks; restart it completely to load the server."]),
};
