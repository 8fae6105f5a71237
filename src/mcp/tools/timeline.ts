/** @module MCP tool `timeline`: what happened when, in order, for a time window. */
import * as z from "zod";
import { toIso } from "../../domain/time.ts";
import { defineTool, READ_ONLY } from "../tool.ts";
import { readProjectArg, scopeArg, timeArg, timeArgValue, untilArgValue, typeFilter, typesArg } from "../schemas.ts";

export default defineTool({
  name: "timeline",
  config: {
    title: "Timeline",
    description:
      "What happened when: memories in a time window in the order the things happened (event time, else when stored), " +
      "oldest first. Use it for \"what did we do last week\", \"what changed since the release\", or to rebuild the " +
      "story of a bug. Without since/until it shows the latest events.",
    inputSchema: z.strictObject({
      since: timeArg("start of the window"),
      until: timeArg("end of the window"),
      project: readProjectArg,
      type: typeFilter,
      limit: z.number().int().min(1).max(200).optional().describe("most events (the latest ones in the window; default 50)"),
    }),
    outputSchema: z.object({
      events: z.array(
        z.object({
          time: z.string().describe("event time, else creation time"),
          id: z.string(),
          type: z.string(),
          content: z.string(),
          project: z.string().nullable(),
          tags: z.array(z.string()),
        }),
      ),
      total: z.number().describe("events in the window; more than returned when the limit cut the oldest"),
    }),
    annotations: READ_ONLY,
  },
  handler(args, { engine }) {
    const { events, total } = engine.timeline({
      since: timeArgValue(args.since, engine.now()),
      until: untilArgValue(args.until, engine.now()),
      types: typesArg(args.type),
      limit: args.limit,
      ...scopeArg(args.project),
    });
    return {
      events: events.map((m) => ({
        time: toIso(m.eventTime ?? m.createdAt)!,
        id: m.id,
        type: m.type,
        content: m.content,
        project: m.project,
        tags: m.tags,
      })),
      total,
    };
  },
});
