/** @module A store grown by one-shot writes gets the query planner's statistics from the first `cairn mcp` that is quiet. */
import { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "./mcp-process.ts";

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-planner-");
});
afterEach(() => s.cleanup());

/** The memories table's indexes the planner has statistics for (none before anything measured them). */
function measured(home: string): string[] {
  const db = new Database(join(home, "cairn.db"), { readonly: true });
  try {
    if (!db.query("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get()) return [];
    return (db.query("SELECT idx FROM sqlite_stat1 WHERE tbl = 'memories'").all() as Array<{ idx: string }>).map((r) => r.idx);
  } finally {
    db.close();
  }
}

test("cairn mcp measures a store grown by single remembers once it is quiet", async () => {
  for (const content of ["Deploys go out on Tuesdays", "The staging database is refreshed on Sundays", "Use pnpm, never npm install"]) {
    await s.ok(["remember", content]);
  }
  expect(measured(s.cairnHome)).toEqual([]);
  const mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
  try {
    await mcp.initialize();
    // Between requests, every 2 s: polled for up to 30 s (a slow, loaded machine).
    for (const until = Date.now() + 30_000; measured(s.cairnHome).length === 0 && Date.now() < until; ) await Bun.sleep(200);
    expect(measured(s.cairnHome)).toEqual(expect.arrayContaining(["memories_scope", "memories_time", "sqlite_autoindex_memories_1"]));
    // Recall still answers as before.
    const hits = (await mcp.call("recall", { query: "deploys tuesdays", mode: "keyword" })).result.structuredContent.results as Array<{ content: string }>;
    expect(hits.map((h) => h.content)).toContain("Deploys go out on Tuesdays");
  } finally {
    mcp.closeStdin();
    await mcp.exited;
  }
});
