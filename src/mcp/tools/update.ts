/** @module MCP tool `update`: correct or refine a stored memory (the old version stays in the audit log). */
import * as z from "zod";
import { memoryToJson } from "../../domain/serialize.ts";
import { defineTool } from "../tool.ts";
import { redactedByEdit } from "../../capture/redact-record.ts";
import { startedProject } from "../../engine/projects.ts";
import { contentArg, memoryFull, memoryId, memoryType, projectArg, tags, timeArg, timeArgValue, writeProjectArg } from "../schemas.ts";

export default defineTool({
  name: "update",
  config: {
    title: "Update a memory",
    description:
      "Change a stored memory when it is wrong, outdated or incomplete: new content, type, tags, priority, event time, " +
      "metadata or project. Only the fields you give change; the previous version is kept in history. To replace a " +
      "decision with a new one, prefer `remember` plus `relate` (supersedes), which keeps both.",
    inputSchema: z.strictObject({
      id: memoryId,
      content: contentArg.optional().describe("the new full text"),
      type: memoryType.optional(),
      tags: tags.optional().describe("the new tag set (replaces the old one)"),
      priority: z.number().int().min(1).max(5).optional(),
      event_time: timeArg("when it happened"),
      metadata: z.record(z.string(), z.unknown()).optional().describe("replaces the old metadata"),
      project: projectArg.describe('move it to this project directory or name; "global" = shared by all projects'),
    }),
    outputSchema: z.object({
      memory: memoryFull,
      new_project: z.literal(true).optional().describe("the memory moved into a project no memory was in: if that name is a typo, update it again"),
      redacted: z.number().int().optional().describe("how many secrets were taken out of what you sent; the stored text holds [REDACTED:<kind>] in their place"),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  },
  handler(args, { engine }) {
    const known = typeof args.project === "string" ? new Set(engine.store.projectKeys()) : null;
    const before = engine.get(args.id, { track: false });
    const memory = engine.update(args.id, {
      content: args.content,
      type: args.type,
      tags: args.tags,
      priority: args.priority,
      eventTime: timeArgValue(args.event_time, engine.now()),
      metadata: args.metadata,
      project: writeProjectArg(args.project),
    });
    // As remember says it (QA: update said nothing of the secrets it took out).
    const redacted = redactedByEdit(before, memory);
    return { memory: memoryToJson(memory), ...(known !== null && startedProject(known, memory, engine.project) ? { new_project: true as const } : {}), ...(redacted > 0 ? { redacted } : {}) };
  },
});
