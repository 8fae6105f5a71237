/** @module MCP tool `list`: browse memories by type, tags, project, time and status, newest first. */
import * as z from "zod";
import { STATUSES } from "../../domain/memory.ts";
import { defineTool, READ_ONLY } from "../tool.ts";
import { memorySummary, readProjectArg, scopeArg, summaryOf, tags, timeArg, timeArgValue, untilArgValue, typeFilter, typesArg } from "../schemas.ts";

export default defineTool({
  name: "list",
  config: {
    title: "List memories",
    description:
      "Browse memories by filter rather than by meaning, newest first: e.g. all decisions in this project, every " +
      "preference, what was stored this week. Use `recall` to search by topic.",
    inputSchema: z.strictObject({
      type: typeFilter,
      tags: tags.optional().describe("only memories with all of these tags"),
      project: readProjectArg,
      since: timeArg("only memories from this time on"),
      until: timeArg("only memories before this time"),
      status: z.enum([...STATUSES, "all"]).optional().describe("default active; archived = forgotten ones"),
      limit: z.number().int().min(1).max(200).optional().describe("page size (default 20)"),
      offset: z.number().int().min(0).optional().describe("skip this many (paging)"),
    }),
    outputSchema: z.object({
      memories: z.array(memorySummary.extend({ status: z.string() })),
      total: z.number().describe("how many match in all"),
    }),
    annotations: READ_ONLY,
  },
  handler(args, { engine }) {
    const { memories, total } = engine.list({
      types: typesArg(args.type),
      tags: args.tags,
      since: timeArgValue(args.since, engine.now()),
      until: untilArgValue(args.until, engine.now()),
      statuses: args.status === undefined ? undefined : args.status === "all" ? [...STATUSES] : [args.status],
      limit: args.limit ?? 20,
      offset: args.offset,
      ...scopeArg(args.project),
    });
    return { memories: memories.map((m) => ({ ...summaryOf(m), status: m.status })), total };
  },
});
