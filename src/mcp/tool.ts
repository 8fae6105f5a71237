/** @module The shape of one MCP tool ({ name, config, handler }) and the wrapping every tool result gets. */
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type * as z from "zod";
import type { Engine } from "../engine/engine.ts";
import type { RecallMode } from "../retrieve/channel.ts";

/** Defaults the server was started with (config file, env), for arguments the agent leaves out. */
export interface ToolDefaults {
  limit: number;
  mode: RecallMode;
  /** 0 = no token budget. */
  budget: number;
}

/** What a handler gets besides its arguments: an engine bound to the session's current project. */
export interface ToolContext {
  engine: Engine;
  project: string;
  defaults: ToolDefaults;
}

export interface ToolConfig<I extends z.ZodObject, O extends z.ZodObject> {
  title: string;
  /** Teaches the agent when to use the tool (Claude Code truncates at 2 KB). */
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations & { openWorldHint: false };
}

export interface ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  config: ToolConfig<I, O>;
  /** Returns the structured result; registration adds the text copy. Throws CairnError for the agent to read. */
  handler: (args: z.output<I>, ctx: ToolContext) => z.input<O> | Promise<z.input<O>>;
}

/** Identity, for type inference: ties a handler's argument and result types to its schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef<I, O> {
  return def;
}

/** Annotation sets, following the MCP guidance for a memory server (its world is closed: only the local store). */
export const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
export const ADDITIVE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;

/**
 * A tool result: `structuredContent` for clients that read it, and the same JSON as text because many
 * clients show only `content` to the model.
 */
export function toolResult(structured: Record<string, unknown>) {
  return { content: [{ type: "text" as const, text: JSON.stringify(structured) }], structuredContent: structured };
}
