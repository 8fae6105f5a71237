/**
 * @module The params of the requests cairn serves, checked before the SDK sees them: the SDK answers a
 * malformed one (e.g. `arguments` given as an array) with code -32603 and a raw schema dump, where the
 * agent needs one line saying which field is wrong.
 */
import { own } from "../domain/own.ts";
import {
  CallToolRequestParamsSchema,
  GetPromptRequestParamsSchema,
  InitializeRequestParamsSchema,
  ReadResourceRequestParamsSchema,
} from "@modelcontextprotocol/sdk/types.js";

const SCHEMAS: Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } } }> = {
  initialize: InitializeRequestParamsSchema,
  "tools/call": CallToolRequestParamsSchema,
  "resources/read": ReadResourceRequestParamsSchema,
  "prompts/get": GetPromptRequestParamsSchema,
};

/**
 * What is wrong with a request's params, in one line, or null when they are well-formed (or not checked here);
 * `tools`, when given, are the names a `tools/call` may name.
 */
export function paramsProblem(method: string, params: unknown, tools?: readonly string[]): string | null {
  const schema = own(SCHEMAS, method);
  if (!schema) return null;
  const parsed = schema.safeParse(params ?? {});
  if (parsed.success) {
    const name = (params as { name?: unknown }).name;
    if (method === "tools/call" && tools && typeof name === "string" && !tools.includes(name)) return `no tool is named "${name.slice(0, 100)}"; the tools are ${tools.join(", ")}.`;
    return null;
  }
  const issue = parsed.error?.issues[0];
  if (!issue) return `malformed params for ${method}.`;
  const where = issue.path.length > 0 ? `\`${issue.path.map(String).join(".")}\`` : "params";
  return `${where} of ${method}: ${issue.message}.`;
}
