/** @module MCP tool `get`: one memory in full, with its typed links to other memories. */
import * as z from "zod";
import { RELATIONS } from "../../domain/edge.ts";
import { memoryToJson } from "../../domain/serialize.ts";
import { defineTool, READ_ONLY } from "../tool.ts";
import { memoryFull, memoryId } from "../schemas.ts";

export const linkSchema = z.object({
  relation: z.enum(RELATIONS),
  direction: z.enum(["out", "in"]).describe("out: this memory → id; in: id → this memory"),
  id: z.string(),
  possible: z.literal(true).optional().describe("a possible conflict remember noted on write, nobody settled: `relate` contradicts confirms it, with dismiss: true dismisses it"),
  settled: z.enum(["conflict", "not_conflict"]).optional().describe("a conflict noted on write, confirmed or dismissed"),
  undone: z.literal(true).optional().describe("a supersedes link undone: the memory it replaced was restored, or linked as superseding it; kept as history"),
});

export default defineTool({
  name: "get",
  config: {
    title: "Get a memory",
    description:
      "Read one memory in full by id: all fields, status, history-relevant times and its links to other memories. " +
      "Use it when recall cut a result short or you need a linked memory.",
    inputSchema: z.strictObject({ id: memoryId }),
    outputSchema: z.object({ memory: memoryFull, links: z.array(linkSchema) }),
    annotations: READ_ONLY,
  },
  handler(args, { engine }) {
    const memory = engine.get(args.id);
    return { memory: memoryToJson(memory), links: engine.links(memory.id) };
  },
});
