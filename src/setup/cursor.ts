/** @module Cursor: `mcpServers.cairn` in `~/.cursor/mcp.json` or `<project>/.cursor/mcp.json` (JSONC-tolerant). */
import { join } from "node:path";
import { jsonTarget, mcpEntry, mcpServerOps } from "./json-file.ts";
import { exists, fileMode } from "./locations.ts";
import type { ClientSetup, SetupContext } from "./plan.ts";

export const cursorFile = (ctx: SetupContext): string => join(ctx.scope === "project" ? ctx.projectDir : ctx.home, ".cursor", "mcp.json");

export const cursor: ClientSetup = {
  id: "cursor",
  name: "Cursor",
  scopes: ["user", "project"],
  detect: (ctx) => exists(join(ctx.home, ".cursor")) || exists(join(ctx.projectDir, ".cursor")),
  targets: (ctx) => [jsonTarget(cursorFile(ctx), "mcp", fileMode(ctx), (v) => mcpServerOps(v, "mcpServers", mcpEntry(ctx, { command: ctx.command, args: ["mcp"] }), ctx.uninstall))],
  // Cursor's hooks.json has its own flat format and output fields that `cairn hook` does not speak; Cursor
  // can instead run the hooks in Claude Code's settings files (its "third-party hooks"), which cover
  // failures too (PostToolUseFailure, Cursor's postToolUseFailure).
  notes: (ctx) =>
    ctx.uninstall
      ? []
      : [
          "Cursor's own hooks.json is not written (its hook format and I/O differ); Cursor runs the hooks in Claude Code's settings when third-party configs are enabled in its settings — write them with `cairn setup --client claude-code`.",
        ],
};
