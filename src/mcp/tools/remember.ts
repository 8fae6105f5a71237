/** @module MCP tool `remember`: store one durable memory (or reinforce the one that already says it). */
import * as z from "zod";
import { ADDITIVE, defineTool } from "../tool.ts";
import { contentArg, memoryType, projectArg, tags, timeArg, timeArgValue, writeProjectArg } from "../schemas.ts";

/** A memory the new one relates to, and why. */
const related = z.object({ id: z.string(), content: z.string(), reason: z.string() });

export default defineTool({
  name: "remember",
  config: {
    title: "Remember",
    description:
      "Store one durable memory for future sessions. Use it right after you make a decision (and why), learn a lesson " +
      "the hard way, fix an error (the symptom and the fix), or learn how the user likes things done (type preference, " +
      "shared by all projects unless it names this project, e.g. \"in this repo…\"). One idea per memory, written so it makes sense on its own later. Do not store secrets, " +
      "whole files or transient chatter. Saying the same thing twice reinforces the existing memory instead of copying it.",
    inputSchema: z.strictObject({
      content: contentArg.describe("the memory, self-contained, e.g. \"Use pnpm, not npm: the lockfile is pnpm-lock.yaml\" (at most 64 KiB of UTF-8)"),
      // Not "reminder": one needs a due time (the `remind` tool), and remember refuses it.
      type: memoryType
        .exclude(["reminder"])
        .optional()
        .describe("decision | lesson | error | preference | fact | task | checkpoint | note (default note)"),
      tags: tags.optional().describe("a few lowercase keywords, e.g. [\"build\", \"ci\"]"),
      project: projectArg,
      event_time: timeArg("when it happened, if not now"),
      priority: z.number().int().min(1).max(5).optional().describe("1 (low) … 5 (high); default depends on the type"),
      metadata: z.record(z.string(), z.unknown()).optional().describe("small structured facts, e.g. {\"ticket\": \"ABC-12\"}"),
      distinct: z
        .boolean()
        .optional()
        .describe("true: store it even if a memory says the same in other words (same_meaning); an exact repeat is still reinforced"),
    }),
    outputSchema: z.object({
      id: z.string(),
      status: z.enum(["created", "duplicate"]).describe("duplicate = an existing memory said this already and was reinforced"),
      same_meaning: z
        .literal(true)
        .optional()
        .describe("the duplicate said it in other words: your wording was not stored; `update` memory `id` if yours says more, or remember again with distinct: true"),
      content: z.string().optional().describe("with same_meaning: what memory `id` says"),
      held: z.literal(true).optional().describe("the duplicate is under a legal hold: left exactly as it was, nothing (tags, lifetime) merged into it"),
      type_kept: z.string().optional().describe("the duplicate keeps this type, not the one you gave: `update` memory `id` with `type` to change it"),
      conflicts: z
        .array(related)
        .optional()
        .describe("active memories this one may change or contradict, left as they are: if it replaces one, `relate` it (supersedes); if it does not change it, `relate` contradicts with dismiss: true (else recall keeps putting the new one first)"),
      superseded: z
        .array(related)
        .optional()
        .describe("active memories this one clearly replaces, retired just now (status superseded, kept in history; `restore` undoes it)"),
      new_project: z.literal(true).optional().describe("stored under a project name that held no memory before: check it is not a typo (`update` its project if it is)"),
      redacted: z.number().int().optional().describe("secrets found in what you sent (keys, tokens, passwords): stored as [REDACTED:<kind>] markers, the values were not kept"),
    }),
    annotations: ADDITIVE,
  },
  async handler(args, { engine }) {
    const result = await engine.rememberSoon({
      content: args.content,
      type: args.type,
      tags: args.tags,
      project: writeProjectArg(args.project),
      eventTime: timeArgValue(args.event_time, engine.now()) ?? null,
      priority: args.priority,
      metadata: args.metadata,
      source: "mcp",
      distinct: args.distinct === true,
    });
    return {
      id: result.id,
      status: result.status,
      ...(result.sameMeaning ? { same_meaning: true as const, content: result.memory.content } : {}),
      ...(result.held ? { held: true as const } : {}),
      ...(result.typeKept ? { type_kept: result.typeKept } : {}),
      ...(result.conflicts ? { conflicts: result.conflicts } : {}),
      ...(result.superseded ? { superseded: result.superseded } : {}),
      ...(result.newProject ? { new_project: true as const } : {}),
      ...(result.redacted ? { redacted: result.redacted } : {}),
    };
  },
});
