/** @module MCP tool `stats`: how much is remembered, of which kinds, in which projects. */
import * as z from "zod";
import { projectName } from "../../domain/project.ts";
import { toIso } from "../../domain/time.ts";
import { defineTool, READ_ONLY } from "../tool.ts";

export default defineTool({
  name: "stats",
  config: {
    title: "Memory statistics",
    description:
      "Counts of stored memories by status, type and project (key and short name; either works as a project argument), plus the current project and database size. Use it to " +
      "see whether memory holds anything for this project before relying on it.",
    inputSchema: z.strictObject({}),
    outputSchema: z.object({
      current_project: z.string(),
      total: z.number(),
      by_status: z.record(z.string(), z.number()),
      by_type: z.record(z.string(), z.number()).describe("active memories by type"),
      by_project: z.array(z.object({ project: z.string().nullable(), name: z.string().nullable(), count: z.number() })).describe("active memories by project (null: global)"),
      expired: z.number(),
      edges: z.number(),
      oldest: z.string().nullable(),
      newest: z.string().nullable(),
      db_bytes: z.number(),
    }),
    annotations: READ_ONLY,
  },
  handler(_args, { engine, project }) {
    const s = engine.stats();
    return {
      current_project: project,
      total: s.total,
      by_status: s.byStatus,
      by_type: s.byType,
      by_project: s.byProject.map((p) => ({ ...p, name: p.project === null ? null : projectName(p.project) })),
      expired: s.expired,
      edges: s.edges,
      oldest: toIso(s.oldest),
      newest: toIso(s.newest),
      db_bytes: s.dbBytes,
    };
  },
});
