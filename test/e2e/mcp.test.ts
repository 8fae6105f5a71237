/**
 * @module End to end: the compiled `dist/cairn mcp` spoken to over stdio as a client would, asserting that
 * every stdout line is JSON-RPC, bad input gets error replies, it exits promptly on EOF and signals, and
 * six servers on one database see each other's writes without losing any.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McpProcess } from "./mcp-process.ts";

const BIN = join(import.meta.dir, "../../dist/cairn");

/**
 * "Exits promptly": well past what exiting takes on a loaded machine (~0.1 s here), well short of what waiting
 * for background work, an idle timer or a stuck read would take.
 */
const PROMPT_EXIT_MS = 5000;

let home: string;
let procs: McpProcess[] = [];
beforeEach(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does).`);
  home = mkdtempSync(join(tmpdir(), "cairn-e2e-mcp-"));
});
afterEach(async () => {
  for (const p of procs) await p.kill();
  procs = [];
  rmSync(home, { recursive: true, force: true });
});

function start(): McpProcess {
  const p = new McpProcess(BIN, { home, cwd: home });
  procs.push(p);
  return p;
}

describe("cairn mcp --project", () => {
  test("a name fitting several projects fails only the calls relying on it, saying where to fix it (QA: every call failed)", async () => {
    const seed = new McpProcess(BIN, { home, cwd: home });
    procs.push(seed);
    await seed.initialize();
    for (const project of ["github.com/acme/payments", "github.com/other/payments"]) {
      expect((await seed.call("remember", { content: `a fact of ${project}`, type: "fact", project })).result.isError).toBeUndefined();
    }
    const p = new McpProcess(BIN, { home, cwd: home, args: ["--project", "payments"] });
    procs.push(p);
    expect((await p.initialize()).result.serverInfo.name).toBe("cairn");
    const unnamed = await p.call("remember", { content: "which payments is this?", type: "fact" });
    expect(unnamed.result.isError).toBe(true);
    expect(unnamed.result.content[0].text).toContain('started pinned to project "payments" (in the client\'s MCP settings), which fits several projects');
    expect((await p.call("remember", { content: "a rule for everyone", project: "global" })).result.isError).toBeUndefined();
    const found = await p.call("recall", { query: "fact", project: "github.com/acme/payments" });
    const contents = found.result.structuredContent.results.map((r: any) => r.content);
    expect(contents).toContain("a fact of github.com/acme/payments");
    expect(contents).not.toContain("a fact of github.com/other/payments");
  });
});

describe("cairn mcp --project global | all | a new name (QA)", () => {
  test("global and all are scopes of a call, not a session's project: the calls relying on it say so, nothing is stored", async () => {
    for (const scope of ["global", "all"]) {
      const p = new McpProcess(BIN, { home, cwd: home, args: ["--project", scope] });
      procs.push(p);
      await p.initialize();
      const r = await p.call("remember", { content: `a fact meant for ${scope}`, type: "fact" });
      expect(r.result.isError).toBe(true);
      expect(r.result.content[0].text).toContain(`\`cairn mcp --project ${scope}\` names no project`);
      // A call naming its own scope still works.
      expect((await p.call("remember", { content: `a rule for everyone, via ${scope}`, project: "global" })).result.isError).toBeUndefined();
    }
    const seed = start();
    await seed.initialize();
    const stats = (await seed.call("stats", {})).result.structuredContent;
    expect(JSON.stringify(stats)).not.toContain('"global":');
    expect(stats.total).toBe(2);
  });

  test("a name no memory is in yet starts that project and says so on stderr, in case it was a typo", async () => {
    const seed = start();
    await seed.initialize();
    await seed.call("remember", { content: "the payments ledger is append-only", type: "fact", project: "payments" });
    const p = new McpProcess(BIN, { home, cwd: home, args: ["--project", "paymnets"] });
    procs.push(p);
    await p.initialize();
    expect((await p.call("remember", { content: "a fact of the new project", type: "fact" })).result.isError).toBeUndefined();
    p.closeStdin();
    await p.exited;
    await Bun.sleep(50);
    expect(p.stderr).toContain("--project paymnets: no memory is in that project yet, so this session starts it (known projects: payments");
  });
});

describe("cairn mcp audit actor", () => {
  test("a call piped right behind initialize is audited under the client's name (QA: a bare \"mcp\")", async () => {
    const p = start();
    // The call goes before the client says it is initialized, as a client that pipes does.
    p.send(JSON.stringify({ jsonrpc: "2.0", id: 1000, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "piper", version: "9" } } }));
    const saved = await p.call("remember", { content: "written right behind initialize", type: "fact" });
    p.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    expect(saved.result.isError).toBeUndefined();
    const log = Bun.spawnSync([BIN, "audit", "log", "--json"], { env: { ...process.env, CAIRN_HOME: home } });
    expect(JSON.parse(log.stdout.toString()).entries.map((e: { actor: string }) => e.actor)).toEqual(["mcp:piper/9"]);
  });
});

describe("cairn mcp over stdio", () => {
  test("initialize, tools, resources, prompts; stdout is JSON-RPC only; exits on stdin EOF within 1 s", async () => {
    const p = start();
    const init = await p.initialize();
    expect(init.result.serverInfo.name).toBe("cairn");
    expect(init.result.instructions).toContain("recall");

    const tools = await p.request("tools/list");
    expect(tools.result.tools).toHaveLength(12);
    expect(tools.result.tools.map((t: any) => t.name)).toContain("remind");

    const saved = await p.call("remember", { content: "The e2e suite spawns the compiled binary", type: "fact", tags: ["test"] });
    expect(saved.result.isError).toBeUndefined();
    const id = saved.result.structuredContent.id;
    const found = await p.call("recall", { query: "compiled binary" });
    expect(found.result.structuredContent.results.map((r: any) => r.id)).toEqual([id]);
    expect(JSON.parse(found.result.content[0].text)).toEqual(found.result.structuredContent);

    const resources = await p.request("resources/list");
    expect(resources.result.resources.map((r: any) => r.uri)).toContain(`cairn://memory/${id}`);
    const read = await p.request("resources/read", { uri: `cairn://memory/${id}` });
    expect(JSON.parse(read.result.contents[0].text).content).toBe("The e2e suite spawns the compiled binary");
    const briefing = await p.request("prompts/get", { name: "briefing", arguments: {} });
    expect(briefing.result.messages[0].content.text).toContain("cairn briefing");

    const started = performance.now();
    p.closeStdin();
    expect(await p.exited).toBe(0);
    // Not a speed check: a server that waits for background work or a timer before exiting takes 10 s+.
    expect(performance.now() - started).toBeLessThan(PROMPT_EXIT_MS);
    p.assertAllStdoutIsJsonRpc();
    expect(p.lines.length).toBeGreaterThanOrEqual(7);
  });

  test("malformed JSON, invalid requests, wrong argument types and unknown methods get errors, never a crash", async () => {
    const p = start();
    await p.initialize();
    p.send("this is not json");
    p.send('{"jsonrpc":"2.0","id":41,"method":');
    p.send(JSON.stringify({ id: 42, hello: "world" }));
    const wrongType = await p.call("recall", { query: 12345 });
    expect(wrongType.result.isError).toBe(true);
    expect(wrongType.result.content[0].text).toContain("Input validation error");
    const tooBig = await p.call("remember", { content: "x".repeat(100_000) });
    expect(tooBig.result.isError).toBe(true);
    expect(tooBig.result.content[0].text).toContain("limit of 65536 bytes");
    const unknown = await p.request("no/such/method");
    expect(unknown.error.code).toBe(-32601);
    // Method names an object inherits from its prototype are unknown methods too.
    for (const method of ["constructor", "toString", "__proto__"]) expect((await p.request(method)).error.code).toBe(-32601);
    const errors = p.messages.filter((m) => m.error && (m.id === null || m.id === 42));
    expect(errors.map((m) => m.error.code).sort((a, b) => a - b)).toEqual([-32700, -32700, -32600]);
    // Still serving after all that.
    expect((await p.call("stats")).result.structuredContent.total).toBe(0);
    p.closeStdin();
    expect(await p.exited).toBe(0);
    p.assertAllStdoutIsJsonRpc();
  });

  test("a store that cannot be opened: initialize is still answered, and each tool call says why (QA L6)", async () => {
    // Not a database: the server used to exit 1 before answering, so the agent saw only a dead server.
    writeFileSync(join(home, "cairn.db"), "this is not a database, just text a user saved here by mistake\n".repeat(100));
    const p = start();
    const init = await p.initialize();
    expect(init.result.serverInfo.name).toBe("cairn");
    const r = await p.call("recall", { query: "deploys" });
    expect(r.result.isError).toBe(true);
    expect(r.result.content[0].text).toMatch(/database|store/i);
    expect(r.result.content[0].text).toContain("doctor");
    p.assertAllStdoutIsJsonRpc();
  });

  test("SIGTERM exits cleanly and promptly; a write it acknowledged is stored", async () => {
    const p = start();
    await p.initialize();
    expect((await p.call("remember", { content: "written before SIGTERM" })).result.structuredContent.status).toBe("created");
    // Racing the signal: the server may or may not read this request before it stops reading.
    const racing = p.call("remember", { content: "racing the SIGTERM" }).catch(() => null);
    const started = performance.now();
    p.signal("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(PROMPT_EXIT_MS);
    const reply = await racing;
    p.assertAllStdoutIsJsonRpc();

    const check = start();
    await check.initialize();
    const found = await check.call("recall", { query: "SIGTERM", limit: 10 });
    const contents = found.result.structuredContent.results.map((r: any) => r.content);
    expect(contents).toContain("written before SIGTERM");
    if (reply?.result?.structuredContent?.status === "created") expect(contents).toContain("racing the SIGTERM");
  });
});

describe("many servers, one database", () => {
  test("6 servers writing at once lose nothing, and each recalls the others' memories on its next call", async () => {
    const servers = Array.from({ length: 6 }, () => start());
    await Promise.all(servers.map((s) => s.initialize()));
    // Warm each server's read path first, so any stale in-memory state would show up below.
    for (const s of servers) expect((await s.call("recall", { query: "walrus" })).result.structuredContent.abstained).toBe(true);
    const PER_SERVER = 25;
    const writes = servers.flatMap((s, i) =>
      Array.from({ length: PER_SERVER }, (_, j) => s.call("remember", { content: `walrus fact from server${i} number ${j}` })),
    );
    const replies = await Promise.all(writes);
    for (const r of replies) expect(r.result.structuredContent.status).toBe("created");
    for (const s of servers) {
      for (let i = 0; i < servers.length; i++) {
        const hits = await s.call("recall", { query: `server${i}`, limit: 100 });
        // Hybrid recall may add semantically close memories from other servers; every one of server i's must be there.
        const contents: string[] = hits.result.structuredContent.results.map((r: { content: string }) => r.content);
        expect(contents.filter((c) => c.includes(`from server${i} `))).toHaveLength(PER_SERVER);
      }
      expect((await s.call("stats")).result.structuredContent.total).toBe(6 * PER_SERVER);
    }
    for (const s of servers) s.closeStdin();
    expect(await Promise.all(servers.map((s) => s.exited))).toEqual([0, 0, 0, 0, 0, 0]);
    for (const s of servers) s.assertAllStdoutIsJsonRpc();
  });
});
