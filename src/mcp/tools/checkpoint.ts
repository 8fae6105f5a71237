/** @module MCP tool `checkpoint`: save where a task stands so another session can pick it up. */
import * as z from "zod";
import { ADDITIVE, defineTool } from "../tool.ts";
import { projectArg, writeProjectArg } from "../schemas.ts";

const items = (what: string) => z.array(z.string().max(2000)).max(100).describe(what);

export default defineTool({
  name: "checkpoint",
  config: {
    title: "Checkpoint a task",
    description:
      "Save where a task stands before the session ends, the context fills up, or you hand work over: what is done, " +
      "what comes next, which files matter and which decisions were made. A later session calls `resume` to continue. " +
      "Decisions are also remembered on their own so they outlive the checkpoint (checkpoints expire after 14 days). " +
      "Written out, the task, progress, next steps and files must stay under 64 KiB together (decisions do not count).",
    inputSchema: z.strictObject({
      task: z.string().max(300).describe("short stable name of the task, e.g. \"migrate auth to OAuth\""),
      progress: z.string().max(20_000).describe("what is done and the current state"),
      next_steps: items("what to do next, in order (empty when the task is complete)"),
      files: items("files that matter for continuing").optional(),
      decisions: items("decisions made, each with its reason").optional(),
      project: projectArg,
    }),
    outputSchema: z.object({
      id: z.string(),
      // "updated" only for a writer that names its earlier checkpoint (the hooks); this tool always adds one.
      status: z.enum(["created", "duplicate", "updated"]),
      decisions: z.array(z.object({ id: z.string(), status: z.enum(["created", "duplicate"]) })),
      redacted: z.number().int().optional().describe("secrets found in what you sent (keys, tokens, passwords): stored as [REDACTED:<kind>] markers, the values were not kept"),
    }),
    annotations: ADDITIVE,
  },
  handler(args, { engine }) {
    return engine.checkpoint({
      task: args.task,
      progress: args.progress,
      nextSteps: args.next_steps,
      files: args.files,
      decisions: args.decisions,
      project: writeProjectArg(args.project),
    });
  },
});
