/** @module MCP tool `forget`: archive a memory so it is no longer recalled (restorable with `cairn restore`). */
import * as z from "zod";
import { defineTool } from "../tool.ts";
import { memoryId } from "../schemas.ts";

export default defineTool({
  name: "forget",
  config: {
    title: "Forget a memory",
    description:
      "Archive a memory that is wrong, obsolete or unwanted, so recall stops returning it. Give a short reason. The " +
      "memory is kept in the archive (the user can restore it with `cairn restore`); nothing is erased for good.",
    inputSchema: z.strictObject({
      id: memoryId,
      reason: z.string().max(1000).optional().describe("why, for the audit log, e.g. \"we moved to Postgres\""),
    }),
    // Every field the result may carry: one the schema did not list failed the SDK client's check of a forget that
    // was done (QA: "forget" twice, or of a memory that had superseded another, reported as an error).
    outputSchema: z.object({
      id: z.string(),
      status: z.enum(["archived", "purged"]),
      already: z.literal(true).optional().describe("it was archived already: nothing changed"),
      current: z.array(z.string()).optional().describe("memories it had superseded, current again now that it is gone"),
      folded: z.array(z.string()).optional().describe("it had been folded into these consolidated memories (archived by that); now forgotten too"),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  },
  handler(args, { engine }) {
    return engine.forget(args.id, { reason: args.reason });
  },
});
