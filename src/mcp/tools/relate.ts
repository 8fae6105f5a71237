/** @module MCP tool `relate`: a typed link between two memories (supersedes, fixes, caused_by …). */
import * as z from "zod";
import { RELATIONS } from "../../domain/edge.ts";
import { defineTool } from "../tool.ts";
import { memoryId } from "../schemas.ts";

export default defineTool({
  name: "relate",
  config: {
    title: "Link two memories",
    description:
      "Record how two memories relate, read as \"from <relation> to\": a fix `fixes` an error, a new decision " +
      "`supersedes` an old one (the old one stops being recalled), an error is `caused_by` a decision, a lesson " +
      "`refines` another. Links show up in `get`. Linking twice is harmless. When `remember` returned a possible " +
      "conflict, `contradicts` confirms it (both stay) and `contradicts` with dismiss: true says it is none.",
    inputSchema: z.strictObject({
      from: memoryId,
      to: memoryId,
      relation: z.enum(RELATIONS).describe(RELATIONS.join(" | ")),
      dismiss: z
        .boolean()
        .optional()
        .describe("with contradicts: the possible conflict remember noted between from and to is not one (both stay; recall stops putting the later first)"),
    }),
    outputSchema: z.object({
      from: z.string(),
      to: z.string(),
      relation: z.enum(RELATIONS),
      status: z.enum(["created", "exists"]),
      superseded: z.boolean().describe("true when `to` was retired by this supersedes link"),
      settled: z.enum(["conflict", "not_conflict"]).optional().describe("how the possible conflict noted between the two now stands, when there is one"),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  },
  handler(args, { engine }) {
    return engine.relate(args.from, args.to, args.relation, { dismiss: args.dismiss === true });
  },
});
