/** @module MCP tool `resume`: the latest checkpoint of a task (or of the project), to continue the work, and due reminders. */
import * as z from "zod";
import { reminderToJson } from "../../domain/reminder.ts";
import { toIso } from "../../domain/time.ts";
import { defineTool, READ_ONLY } from "../tool.ts";
import { projectArg, scopeArg } from "../schemas.ts";
import { reminderShape } from "./remind.ts";

export default defineTool({
  name: "resume",
  config: {
    title: "Resume a task",
    description:
      "Pick up work where an earlier session left it: returns the newest checkpoint for the task (or for the project " +
      "when no task is given) with progress, next steps, files and decisions, and any due reminders (tell the user, then " +
      "acknowledge each with `remind`, action \"done\"). Call it at the start of a session that continues earlier work.",
    inputSchema: z.strictObject({
      task: z.string().max(300).optional().describe("the task name used in `checkpoint`, or words from it"),
      project: projectArg,
    }),
    outputSchema: z.object({
      found: z.boolean(),
      checkpoint: z
        .object({
          id: z.string(),
          created_at: z.string(),
          task: z.string(),
          progress: z.string(),
          next_steps: z.array(z.string()),
          files: z.array(z.string()),
          decisions: z.array(z.string()),
        })
        .optional(),
      due_reminders: z
        .array(reminderShape)
        .optional()
        .describe("reminders of the project and global ones that are due and not yet acknowledged"),
    }),
    annotations: READ_ONLY,
  },
  handler(args, { engine }) {
    const { checkpoint, state } = engine.resume({ task: args.task, ...scopeArg(args.project) });
    const now = engine.now();
    const due = engine.reminders(scopeArg(args.project)).due.map((m) => reminderToJson(m, now));
    const reminders = due.length > 0 ? { due_reminders: due } : {};
    if (!checkpoint || !state) return { found: false, ...reminders };
    return { found: true, checkpoint: { id: checkpoint.id, created_at: toIso(checkpoint.createdAt)!, ...state }, ...reminders };
  },
});
