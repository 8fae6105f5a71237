/** @module MCP tool `remind`: set a reminder for a later session, list pending ones, acknowledge (done) or cancel one. */
import * as z from "zod";
import { reminderToJson } from "../../domain/reminder.ts";
import { cairnError } from "../../errors.ts";
import { MAX_REMINDER_CHARS } from "../../engine/remind.ts";
import { ADDITIVE, defineTool } from "../tool.ts";
import { memoryId, projectArg, scopeArg, tags, writeProjectArg } from "../schemas.ts";

const ACTIONS = ["create", "list", "done", "cancel"] as const;
type Action = (typeof ACTIONS)[number];

/** Which arguments each action reads; any other one given is a mistake the agent should hear about. */
const ARGS_OF: Record<Action, readonly string[]> = {
  create: ["content", "at", "in", "tags", "project"],
  list: ["project"],
  done: ["id"],
  cancel: ["id"],
};

export const reminderShape = z.object({
  id: z.string(),
  content: z.string(),
  project: z.string().nullable(),
  due_at: z.string(),
  due: z.boolean().describe("true once due_at has passed"),
  state: z.enum(["pending", "done", "cancelled"]),
  created_at: z.string(),
  tags: z.array(z.string()),
});

export default defineTool({
  name: "remind",
  config: {
    title: "Reminders",
    description:
      "Set a reminder for a later session when the user asks to be reminded of something or a step must wait " +
      "(\"check the canary in 2 hours\", \"renew the certificate on 2026-05-01\"): give content and when, as `at` or `in`. " +
      "Once due, a reminder is shown at session start and by `resume` until acknowledged: when you have told the " +
      "user or done it, call this tool with action \"done\" and its id. Action \"list\" shows pending reminders, " +
      "due first; \"cancel\" withdraws one that is no longer wanted.",
    inputSchema: z.strictObject({
      action: z.enum(ACTIONS).optional().describe("create (default), list, done (acknowledge) or cancel"),
      content: z
        .string()
        .max(MAX_REMINDER_CHARS)
        .optional()
        .describe("create: what to bring up, self-contained, e.g. \"Ask whether the canary error rate stayed under 1%\""),
      at: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .describe("create: when it falls due, ISO 8601 (2026-05-01, 2026-05-01T09:00:00Z; without a zone: UTC) or \"now\"; not in the past"),
      in: z.string().min(1).max(100).optional().describe("create: when it falls due, as a delay from now: 30m, 2h, 3d, 1w"),
      id: memoryId.optional().describe("done, cancel: the reminder's id (full, its last 8 characters, or a unique prefix)"),
      tags: tags.optional().describe("create: a few lowercase keywords"),
      project: projectArg.describe(
        'create: the project it belongs to (default: the current one; "global" = every project). ' +
          'list: whose reminders (default: the current project plus global; "all" = every project)',
      ),
    }),
    outputSchema: z.object({
      action: z.enum(ACTIONS),
      id: z.string().optional(),
      status: z.enum(["created", "duplicate"]).optional().describe("duplicate = the same reminder was already pending for about that time"),
      changed: z.boolean().optional().describe("done, cancel: false when it was no longer pending"),
      reminder: reminderShape.optional(),
      due: z.array(reminderShape).optional(),
      upcoming: z.array(reminderShape).optional(),
      due_total: z.number().optional(),
      upcoming_total: z.number().optional(),
    }),
    annotations: ADDITIVE,
  },
  handler(args, { engine }) {
    const action: Action = args.action ?? "create";
    const given = Object.entries(args).filter(([k, v]) => k !== "action" && v !== undefined).map(([k]) => k);
    const stray = given.filter((k) => !ARGS_OF[action].includes(k));
    if (stray.length > 0) {
      const quote = (names: readonly string[]) => names.map((k) => `\`${k}\``).join(", ");
      throw cairnError("USAGE", [`Action "${action}" takes only ${quote(ARGS_OF[action])}; leave out ${quote(stray)}. Nothing was changed.`]);
    }
    const now = () => engine.now();
    if (action === "create") {
      const { id, status, reminder } = engine.remind({
        content: args.content ?? "",
        at: args.at,
        in: args.in,
        tags: args.tags,
        project: writeProjectArg(args.project),
        source: "mcp",
      });
      return { action, id, status, reminder: reminderToJson(reminder, now()) };
    }
    if (action === "list") {
      const r = engine.reminders(scopeArg(args.project));
      const t = now();
      return {
        action,
        due: r.due.map((m) => reminderToJson(m, t)),
        upcoming: r.upcoming.map((m) => reminderToJson(m, t)),
        due_total: r.dueTotal,
        upcoming_total: r.upcomingTotal,
      };
    }
    if (args.id === undefined || args.id.trim() === "") {
      throw cairnError("USAGE", [`Give the reminder's id in the \`id\` argument; action "list" shows the ids. Nothing was changed.`]);
    }
    const { reminder, changed } = engine.closeReminder(args.id, action === "done" ? "done" : "cancelled");
    return { action, id: reminder.id, changed, reminder: reminderToJson(reminder, now()) };
  },
});
