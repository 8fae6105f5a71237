/** @module The peer formats `cairn import --from` reads, each adapter in its own module, loaded only when used. */
import type { Adapter } from "./types.ts";

interface FormatInfo {
  /** What the path names, for `--help` and errors. */
  input: string;
  load: () => Promise<Adapter>;
}

export const PEER_FORMATS: Record<string, FormatInfo> = {
  "mcp-memory": {
    input: "the memory.jsonl of the official MCP memory server",
    load: () => import("./mcp-memory.ts").then((m) => m.adapter),
  },
  "agent-rules": {
    input: "a repository directory (CLAUDE.md, AGENTS.md, .cursor/rules/*.mdc, .github/copilot-instructions.md) or one such file",
    load: () => import("./agent-rules.ts").then((m) => m.adapter),
  },
  mem0: {
    input: "a JSON file of mem0's get_all output (an array, or {\"results\": [...]})",
    load: () => import("./mem0.ts").then((m) => m.adapter),
  },
  "basic-memory": {
    input: "a folder of basic-memory markdown notes, or one note",
    load: () => import("./basic-memory.ts").then((m) => m.adapter),
  },
  omega: {
    input: "an OMEGA omega.db SQLite file (opened read-only)",
    load: () => import("./omega.ts").then((m) => m.adapter),
  },
};

export function isPeerFormat(name: string): boolean {
  return Object.hasOwn(PEER_FORMATS, name);
}
