/** @module Test helper: a cairn MCP server and a real SDK Client, linked in-process by InMemoryTransport. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { Engine } from "../../src/engine/engine.ts";
import { ProjectScope } from "../../src/mcp/scope.ts";
import { createMcpServer } from "../../src/mcp/server.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

export const T0 = Date.parse("2026-01-01T00:00:00Z");
export const PROJECT = "/work/app";

export interface Harness {
  client: Client;
  engine: Engine;
  clock: { now: number };
  /** Calls a tool; returns the raw result. */
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  /** Calls a tool that must succeed; returns its structuredContent. */
  ok<T = any>(name: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export interface ToolResult {
  content: Array<{ type: string; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface HarnessOptions {
  /** Database file; default a fresh in-memory database. */
  path?: string;
  /** Roots the client offers (file:// URIs); none = the client has no roots capability. */
  roots?: string[];
  fixedProject?: string;
  /** Open the database for reading only, as on a read-only disk. */
  readOnly?: boolean;
  /** Hears tool calls start and end (the idle sweep's hook). */
  activity?: { begin(): void; end(): void };
}

export async function connect(opts: HarnessOptions = {}): Promise<Harness> {
  const clock = { now: T0 };
  const engine = new Engine({ store: new SqliteStore(opts.path ?? ":memory:", { readOnly: opts.readOnly }), project: PROJECT, actor: "test", now: () => clock.now });
  const scope = new ProjectScope({ fixed: opts.fixedProject, fallback: PROJECT });
  const server = createMcpServer({ engine, scope, activity: opts.activity });
  const roots = opts.roots;
  const client = new Client({ name: "test", version: "1" }, roots ? { capabilities: { roots: { listChanged: true } } } : {});
  // Read at each request, so a test can change the array and send roots/list_changed.
  if (roots) client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: roots.map((uri) => ({ uri })) }));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([client.connect(clientTransport), server.connect(serverTransport)]);
  // Listed first, as clients do: the SDK client then checks every result against its tool's output schema.
  await client.listTools();
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  return {
    client,
    engine,
    clock,
    call,
    async ok(name, args) {
      const result = await call(name, args);
      if (result.isError) throw new Error(`${name} failed: ${result.content[0]?.text}`);
      return result.structuredContent as any;
    },
    async close() {
      await client.close();
      await server.close();
      engine.close();
    },
  };
}

/** The error text of a failed call (asserting that it failed). */
export function errorText(result: ToolResult): string {
  if (!result.isError) throw new Error(`expected an error, got ${JSON.stringify(result.structuredContent)}`);
  return result.content.map((c) => c.text).join("\n");
}
