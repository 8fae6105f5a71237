/** @module VS Code (Copilot agent): `servers.cairn` in `<project>/.vscode/mcp.json` or the user profile's mcp.json (JSONC). */
import { dirname, join } from "node:path";
import { jsonTarget, mcpEntry, mcpServerOps } from "./json-file.ts";
import { appConfigDir, exists, fileMode } from "./locations.ts";
import type { ClientSetup, SetupContext } from "./plan.ts";

export function vscodeFile(ctx: SetupContext): string {
  if (ctx.scope === "project") return join(ctx.projectDir, ".vscode", "mcp.json");
  return join(appConfigDir(ctx), "Code", "User", "mcp.json");
}

export const vscode: ClientSetup = {
  id: "vscode",
  name: "VS Code",
  scopes: ["user", "project"],
  detect: (ctx) => exists(dirname(vscodeFile({ ...ctx, scope: "user" }))),
  targets: (ctx) => [
    jsonTarget(vscodeFile(ctx), "mcp", fileMode(ctx), (v) => mcpServerOps(v, "servers", mcpEntry(ctx, { type: "stdio", command: ctx.command, args: ["mcp"] }), ctx.uninstall)),
  ],
  // VS Code reads Claude Code's settings files for hooks by default, so `--client claude-code` covers it.
  notes: (ctx) => (ctx.uninstall ? [] : ["VS Code runs the hooks in Claude Code's settings files; set them up with `cairn setup --client claude-code`."]),
};
