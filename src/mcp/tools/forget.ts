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
    outputSchema: z.object({ id: z.string(), status: z.enum(["archived", "purged"]) }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  },
  handler(args, { engine }) {
    return engine.forget(args.id, { reason: args.reason });
  },
});
