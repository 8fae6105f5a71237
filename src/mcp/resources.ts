/** @module Memories as MCP resources: `cairn://memory/{id}`, listed newest first for the current project. */
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Engine } from "../engine/engine.ts";
import { memoryToJson } from "../domain/serialize.ts";
import { CairnError } from "../errors.ts";
import { protocolError } from "./protocol-error.ts";
import type { ProjectScope } from "./scope.ts";

export const MEMORY_URI_PREFIX = "cairn://memory/";

/** How many memories `resources/list` offers (for @-mention pickers; everything else is one recall away). */
const LISTED = 50;

/** The 2025-11-25 spec's code for "resource not found". */
const RESOURCE_NOT_FOUND = -32002;

/** Ids are 36 characters; the `get` tool takes at most 100, and a longer one is not echoed back. */
const MAX_ID_CHARS = 100;

export function registerResources(server: McpServer, deps: { engine: Promise<Engine>; scope: ProjectScope }): void {
  const template = new ResourceTemplate(`${MEMORY_URI_PREFIX}{id}`, {
    list: async () => {
      const engine = (await deps.engine).forProject(await deps.scope.current());
      return {
        resources: engine.list({ limit: LISTED }).memories.map((m) => ({
          uri: `${MEMORY_URI_PREFIX}${m.id}`,
          name: m.content.slice(0, 80).replace(/\s+/g, " "),
          mimeType: "application/json",
          description: `${m.type}${m.tags.length > 0 ? ` #${m.tags.join(" #")}` : ""}`,
        })),
      };
    },
  });
  server.registerResource(
    "memory",
    template,
    { title: "Memory", description: "One stored memory as JSON (the same shape `get` returns).", mimeType: "application/json" },
    async (uri, { id }) => {
      const wanted = (Array.isArray(id) ? id[0] : id) ?? "";
      if (wanted.length > MAX_ID_CHARS) {
        throw protocolError(RESOURCE_NOT_FOUND, `No memory has an id of ${wanted.length} characters: memory ids are 36. Use the \`recall\` or \`list\` tool to find the right id.`);
      }
      let decoded: string;
      try {
        decoded = decodeURIComponent(wanted);
      } catch {
        throw protocolError(RESOURCE_NOT_FOUND, `"${wanted}" is not a well-formed memory id (bad %-escape). Use the \`recall\` or \`list\` tool to find the right id.`, { uri: uri.href });
      }
      try {
        const memory = (await deps.engine).get(decoded);
        return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(memoryToJson(memory)) }] };
      } catch (err) {
        if (err instanceof CairnError) throw protocolError(RESOURCE_NOT_FOUND, err.forMcp().message, { uri: uri.href });
        throw err;
      }
    },
  );
}
