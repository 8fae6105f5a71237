/**
 * @module Size and depth limits on every JSON input, through the binary: MCP arguments nested 50,000 deep,
 * 20 MB of content and 100,000 tags get one clear error each and the session goes on; an import line of
 * 5 MB, nested 50,000 deep or holding 100,000 tags stops the import naming the line, with nothing imported;
 * hook events nested 50,000 deep or of 20 MB are answered (exit 0). Never a stack trace on stderr.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_IMPORT_LINE_BYTES, MAX_IMPORT_TAGS } from "../../src/engine/import-parse.ts";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "../e2e/mcp-process.ts";

requireBinary();
setDefaultTimeout(60_000);

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
/** A stack frame as Bun or V8 prints one. */
const STACK = /^\s+at .+[:(]/m;

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

async function total(): Promise<number> {
  return (await s.json<{ total: number }>(["stats", "--json"])).total;
}

test("MCP: deep, huge and many-valued arguments each get one clear error; nothing is stored; the session goes on", async () => {
  await s.ok(["remember", "the harbour crane is red"]);
  const mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
  try {
    await mcp.initialize();
    const raw = (id: number, args: string) =>
      mcp.send(`{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"remember","arguments":${args}}}`);
    const replyTo = (id: number) =>
      new Promise<any>((resolve, reject) => {
        const end = Date.now() + 30_000;
        const look = () => {
          const m = mcp.messages.find((x) => x.id === id);
          if (m) resolve(m);
          else if (Date.now() > end) reject(new Error(`no reply to ${id}`));
          else setImmediate(look);
        };
        look();
      });
    raw(901, `{"content":"deep metadata","metadata":${nested(50_000)}}`);
    raw(902, `{"content":"deep tags","tags":${"[".repeat(50_000)}${"]".repeat(50_000)}}`);
    raw(903, JSON.stringify({ content: "y".repeat(20_000_000) }));
    raw(904, JSON.stringify({ content: "many tags", tags: Array.from({ length: 100_000 }, (_, i) => `t${i}`) }));
    raw(905, JSON.stringify({ content: "z".repeat(70_000) }));
    raw(906, '"just text"');
    const replies = await Promise.all([901, 902, 903, 904, 905, 906].map(replyTo));
    const texts = replies.map((r) => r.error?.message ?? (r.result?.isError ? r.result.content[0].text : "SUCCEEDED"));
    expect(texts[0]).toContain("more than 64 levels deep");
    expect(texts[1]).toContain("more than 64 levels deep");
    expect(texts[2]).toMatch(/Message too large: 20000\d+ bytes; the limit is \d+ bytes/);
    expect(texts[3]).toContain("At most 50 tags per memory");
    expect(texts[4]).toContain("over the limit of 65536 bytes of UTF-8 (it has more characters than that). Split it into smaller memories");
    expect(texts[5]).toStartWith("Invalid params: `arguments` of tools/call");
    for (const t of texts) expect(t).not.toContain("Internal error");

    const ok = await mcp.call("remember", { content: "the session still works after all of that" });
    expect(ok.result.structuredContent.status).toBe("created");
    mcp.assertAllStdoutIsJsonRpc();
    mcp.closeStdin();
    expect(await mcp.exited).toBe(0);
    expect(mcp.stderr).not.toMatch(STACK);
    expect(mcp.stderr).not.toContain("Maximum call stack");
  } finally {
    await mcp.kill();
  }
  expect(await total()).toBe(2);
});

test("import: a 5 MB line, a line nested 50,000 deep and 100,000 tags each stop the import at that line, nothing imported", async () => {
  await s.ok(["remember", "present before the import"]);
  const good = JSON.stringify({ content: "a fine first line" });
  const bad = {
    big: JSON.stringify({ content: "big", metadata: { blob: "b".repeat(5_000_000) } }),
    deep: `{"content":"deep","metadata":${nested(50_000)}}`,
    tags: JSON.stringify({ content: "tags", tags: Array.from({ length: 100_000 }, (_, i) => `t${i}`) }),
  };
  const expected = {
    big: `line 2 of ${join(s.root, "big.jsonl")}: the line is ${Buffer.byteLength(bad.big)} bytes; the limit is ${MAX_IMPORT_LINE_BYTES}`,
    deep: `line 2 of ${join(s.root, "deep.jsonl")}: it nests more than 33 levels deep`,
    tags: `line 2 of ${join(s.root, "tags.jsonl")}: field "tags": 100000 tags; the limit is ${MAX_IMPORT_TAGS}`,
  };
  for (const [name, line] of Object.entries(bad) as Array<[keyof typeof bad, string]>) {
    const file = join(s.root, `${name}.jsonl`);
    writeFileSync(file, `${good}\n${line}\n${good}\n`);
    const r = await s.run(["import", file]);
    expect({ name, exit: r.exitCode, signal: r.signalCode }).toEqual({ name, exit: 1, signal: null });
    expect(r.stderr).toContain(expected[name]);
    expect(r.stderr).toContain("Nothing was imported");
    expect(r.stderr).not.toMatch(STACK);
  }
  expect(await total()).toBe(1);
});

test("hooks: events nested 50,000 deep or of 20 MB are answered with exit 0 and no stderr, cold and warm", async () => {
  await s.ok(["remember", "deploys go through make ship"]);
  const events: Array<[string, string]> = [
    ["post-tool", `{"session_id":"s1","cwd":"${s.cwd}","tool_name":"Bash","tool_input":${nested(50_000)},"tool_response":${nested(50_000)}}`],
    ["prompt", `{"session_id":"s1","cwd":"${s.cwd}","prompt":"how do we deploy","extra":${"[".repeat(50_000)}${"]".repeat(50_000)}}`],
    ["post-tool", JSON.stringify({ session_id: "s1", cwd: s.cwd, tool_name: "Bash", tool_input: { command: "ls" }, tool_response: { stdout: "x".repeat(20_000_000) } })],
  ];
  for (const daemon of ["off", "on"]) {
    for (const [event, stdin] of events) {
      const r = await s.run(["hook", event], { stdin, env: { CAIRN_HOOK_DAEMON: daemon } });
      expect({ event, daemon, exit: r.exitCode, signal: r.signalCode, stderr: r.stderr }).toEqual({ event, daemon, exit: 0, signal: null, stderr: "" });
      if (r.stdout !== "") JSON.parse(r.stdout);
    }
  }
  const after = await s.run(["hook", "prompt"], { stdin: JSON.stringify({ session_id: "s1", cwd: s.cwd, prompt: "how do deploys go, make ship?" }), env: { CAIRN_HOOK_DAEMON: "off" } });
  expect(after.exitCode).toBe(0);
  expect(after.stdout).toContain("make ship");
});
