/** @module MCP tool `resume`: the latest checkpoint of a task (or of the project), to continue the work. */
import * as z from "zod";
import { toIso } from "../../domain/time.ts";
import { defineTool, READ_ONLY } from "../tool.ts";
import { projectArg, scopeArg } from "../schemas.ts";

export default defineTool({
  name: "resume",
  config: {
    title: "Resume a task",
    description:
      "Pick up work where an earlier session left it: returns the newest checkpoint for the task (or for the project " +
      "when no task is given) with progress, next steps, files and decisions. Call it at the start of a session that " +
      "continues earlier work.",
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
    }),
    annotations: READ_ONLY,
  },
  handler(args, { engine }) {
    const { checkpoint, state } = engine.resume({ task: args.task, ...scopeArg(args.project) });
    if (!checkpoint || !state) return { found: false };
    return { found: true, checkpoint: { id: checkpoint.id, created_at: toIso(checkpoint.createdAt)!, ...state } };
  },
});
