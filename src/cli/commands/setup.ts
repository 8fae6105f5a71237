/** @module `cairn setup`: register cairn's MCP server (and Claude Code hooks) with agent clients, or `--uninstall` it. */
import { defineCommand } from "citty";
import { cairnError } from "../../errors.ts";
import { parseClients, reportJson, reportText, resolveCommand, runSetup, selfBinary } from "../../setup/run.ts";
import { jsonFlag } from "../flags.ts";
import { output, progress } from "../output.ts";

export default defineCommand({
  meta: {
    name: "setup",
    description:
      "Register cairn with agent clients: the MCP server (`cairn mcp`) and, for Claude Code, the hooks. Edits only cairn's own entries, keeps a backup of each changed file, and is safe to run again.",
  },
  args: {
    client: { type: "string", description: "claude-code, claude-desktop, cursor, vscode, codex, windsurf, gemini (comma-separated), or all: every client found on this machine (default)", valueHint: "name|all" },
    project: { type: "boolean", description: "write the current project's config files (.mcp.json, .claude/settings.json, .cursor/mcp.json …)" },
    user: { type: "boolean", description: "write the per-user config files (default)" },
    command: { type: "string", description: "the cairn executable clients should run (default: this binary's absolute path; with --project, `cairn` found on PATH)", valueHint: "path|name" },
    "dry-run": { type: "boolean", description: "print what would change and write nothing" },
    uninstall: { type: "boolean", description: "remove the \"cairn\" server entry (as a whole, also one you wrote before setup: the backup beside the file keeps it) and the `cairn hook` handlers" },
    ...jsonFlag,
  },
  run({ args }) {
    if (args.project && args.user) throw cairnError("ONE_OF", ["--project and --user"]);
    let clients: ReturnType<typeof parseClients>;
    let command: string;
    try {
      clients = parseClients(args.client);
      command = resolveCommand(args.command, args.project ? "project" : "user");
    } catch (err) {
      throw cairnError("USAGE", [(err as Error).message]);
    }
    const report = runSetup({ clients, scope: args.project ? "project" : "user", command, uninstall: args.uninstall === true, dryRun: args["dry-run"] === true, self: selfBinary() });
    for (const w of report.warnings) progress(`warning: ${w}`);
    if (args.json) output.json(reportJson(report));
    else output.text(reportText(report));
    if (report.clients.some((c) => c.status === "error")) process.exitCode = 1;
  },
});
