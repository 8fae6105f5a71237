/** @module The session briefing as Markdown, offered both as a resource and as a prompt. */
import { quoteForAgent } from "../text/markup.ts";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { protocolError } from "./protocol-error.ts";
import * as z from "zod";
import { CairnError } from "../errors.ts";
import type { Briefing } from "../engine/briefing.ts";
import type { Engine } from "../engine/engine.ts";
import type { Memory } from "../domain/memory.ts";
import type { ProjectScope } from "./scope.ts";
import { cutText } from "../text/cut.ts";

export const BRIEFING_URI = "cairn://briefing";

/** Long memories are cut so the briefing stays a briefing; `get` shows the rest. */
const MAX_ITEM_CHARS = 400;

function item(m: Memory): string {
  const text = m.content.replace(/\s*\n\s*/g, " ");
  const cut = text.length > MAX_ITEM_CHARS ? `${cutText(text, MAX_ITEM_CHARS)}…` : text;
  return `- ${cut} (${m.id})`;
}

/** A line a later memory may have changed: says so, with the later one's id. */
const changed = (line: string, by: Memory | undefined) => (by ? `${line} — a later memory may change this: ${by.id}` : line);

export function renderBriefing(b: Briefing): string {
  const sections: Array<[string, Memory[]]> = [
    ["About the user", b.user],
    ["Preferences", b.preferences],
    ["Recent decisions", b.decisions],
    ["Project facts", b.facts],
    ["Lessons", b.lessons],
    ["Pitfalls (errors and their fixes)", b.pitfalls],
  ];
  const out = [`# cairn briefing for ${b.project}`];
  if (b.reminders.length > 0) {
    const left = b.remindersDue - b.reminders.length;
    const more = left > 0 ? ` (${left} more: call remind with action "list")` : "";
    out.push("", `## Due reminders${more}`, ...b.reminders.map(item), "(tell the user, then call remind with action \"done\" and the id)");
  }
  if (b.checkpoint) out.push("", "## Where work stopped", b.checkpoint.content, `(checkpoint ${b.checkpoint.id}; call resume for details)`);
  for (const [title, memories] of sections) {
    if (memories.length > 0) out.push("", `## ${title}`, ...memories.map((m) => changed(item(m), b.changedLater.get(m.id))));
  }
  if (out.length === 1) {
    out.push(
      "",
      "Nothing is remembered for this project yet. As you work, remember decisions, lessons, errors with their fixes, and the user's preferences.",
    );
  }
  return out.join("\n");
}

/** Registers the briefing resource (current project) and the `briefing` prompt (any project). */
export function registerBriefing(server: McpServer, deps: { engine: Promise<Engine>; scope: ProjectScope }): void {
  const forProject = async (project?: string) => {
    const chosen = project || undefined;
    try {
      // A prompt naming its project needs no default (a --project fitting several projects fails the others).
      const current = await deps.scope.current().catch((err: unknown) => (chosen ? deps.scope.fallback : Promise.reject(err)));
      // Quoted into the agent's context as the hooks' briefing is: stored text cannot bring markup or hidden text
      // of its own (QA: agents wired only through MCP, Codex and Gemini CLI, got `<system>` and TAG characters raw).
      return quoteForAgent(renderBriefing((await deps.engine).forProject(current).briefing({ project: chosen })));
    } catch (err) {
      if (err instanceof CairnError && err.code === "PROJECT_PIN") throw protocolError(ErrorCode.InvalidParams, err.forMcp().message);
      // A project no memory is in (or several fit) is the caller's argument, not a server fault.
      if (err instanceof CairnError && (err.code === "PROJECT_UNKNOWN" || err.code === "PROJECT_AMBIGUOUS")) throw protocolError(ErrorCode.InvalidParams, err.forMcp().message);
      throw err;
    }
  };
  server.registerResource(
    "briefing",
    BRIEFING_URI,
    {
      title: "Session briefing",
      description: "Due reminders, top preferences, recent decisions, lessons and pitfalls for the current project, and where work stopped.",
      mimeType: "text/markdown",
    },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/markdown", text: await forProject() }] }),
  );
  server.registerPrompt(
    "briefing",
    {
      title: "cairn briefing",
      description: "Load what memory knows about this project (preferences, decisions, lessons, pitfalls) into the conversation.",
      argsSchema: { project: z.string().max(4096).optional().describe("a project: its name, key, directory or git remote; default: the current project") },
    },
    async ({ project }) => ({
      description: "What cairn remembers for this project",
      messages: [
        {
          role: "user" as const,
          content: {
            type: "text" as const,
            text: `${await forProject(project)}\n\nKeep these in mind for this session. Use recall for anything more specific.`,
          },
        },
      ],
    }),
  );
}
