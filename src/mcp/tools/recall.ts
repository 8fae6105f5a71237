/** @module MCP tool `recall`: the memories most relevant to a query, best first, or an explicit abstention. */
import * as z from "zod";
import { recallHitToJson } from "../../domain/serialize.ts";
import { RECALL_MODES } from "../../retrieve/channel.ts";
import { defineTool, READ_ONLY } from "../tool.ts";
import { memorySummary, readProjectArg, scopeArg, tags, timeArg, timeArgValue, untilArgValue, typeFilter, typesArg } from "../schemas.ts";

/** Default token budget for recall results handed to an agent. */
export const AGENT_BUDGET = 800;

/** A recall result: the shared memory summary with its score instead of its priority. */
const hit = memorySummary.omit({ priority: true }).extend({
  score: z.number(),
  truncated: z.boolean().optional().describe("content was cut to fit the budget; `get` returns all of it"),
  status: z.string().optional().describe("present only when the memory is not active, e.g. superseded (include_superseded)"),
  superseded_by: z.string().nullable().optional().describe("the memory that replaced this one"),
  linked: z
    .object({ from: z.string(), relation: z.string(), direction: z.enum(["from_hit", "to_hit"]) })
    .optional()
    .describe("present when this memory came because it is linked to result `from` (e.g. from_hit fixes: that result fixes this one)"),
});

export default defineTool({
  name: "recall",
  config: {
    title: "Recall memories",
    description:
      "Search long-term memory. Call it before acting on a task (\"how do we run tests\", \"auth token refresh bug\"), " +
      "before answering questions about past decisions, and when an error looks familiar. Searches the current project " +
      "and global memories by default. Returns the best matches with scores, which are the nearest stored memories, " +
      "not always an answer: check that they address the question before relying on them. `abstained: true` means " +
      "nothing matched or the query names something no memory in scope mentions, so do not invent an answer from " +
      "memory; `abstained: false` does not mean a relevant memory was found (a question naming no product or tool " +
      "still gets its nearest matches).",
    inputSchema: z.strictObject({
      query: z.string().max(10_000).describe("what to look for, in words likely to appear in the memory"),
      limit: z.number().int().min(1).max(100).optional().describe("most results to return (default 10)"),
      type: typeFilter,
      tags: tags.optional().describe("only memories with all of these tags"),
      project: readProjectArg,
      mode: z.enum(RECALL_MODES).optional().describe("retrieval channels: keyword (BM25), semantic (embeddings) or hybrid (both; the default unless configured otherwise)"),
      since: timeArg("only memories from this time on"),
      until: timeArg("only memories before this time"),
      include_superseded: z.boolean().optional().describe("also return memories a newer one superseded (their status says so); default false"),
      budget: z
        .number()
        .int()
        .min(1)
        .max(100_000)
        .optional()
        .describe(`trim the results to about this many tokens (default ${AGENT_BUDGET})`),
    }),
    outputSchema: z.object({
      results: z.array(hit),
      abstained: z.boolean().describe("true when nothing matched or the query names something no memory in scope mentions; false does not mean the results are relevant"),
      warnings: z
        .array(z.string())
        .optional()
        .describe("recall ran degraded (e.g. the embedding model could not load, so keyword-only); tell the user"),
      unembedded: z
        .number()
        .int()
        .optional()
        .describe("memories not yet embedded (being embedded in the background): semantic matching missed them, keyword matching did not"),
    }),
    annotations: READ_ONLY,
  },
  async handler(args, { engine, defaults }) {
    // Agents paste results into their context: by default they get about AGENT_BUDGET tokens of the best
    // memories (the configured `budget` overrides it), and `get` returns any one in full.
    const budget = args.budget ?? (defaults.budget > 0 ? defaults.budget : AGENT_BUDGET);
    const result = await engine.recall({
      query: args.query,
      limit: args.limit ?? defaults.limit,
      mode: args.mode ?? defaults.mode,
      budget,
      types: typesArg(args.type),
      tags: args.tags,
      since: timeArgValue(args.since, engine.now()),
      until: untilArgValue(args.until, engine.now()),
      ...scopeArg(args.project),
      ...(args.include_superseded ? { statuses: ["active", "superseded"] as const } : {}),
    });
    const results = result.results.map(recallHitToJson);
    const warnings = [...new Set(result.warnings)];
    return {
      results,
      abstained: result.abstained || results.length === 0,
      ...(warnings.length > 0 ? { warnings } : {}),
      ...(result.unembedded ? { unembedded: result.unembedded } : {}),
    };
  },
});
