/** @module Limits on MCP input at the transport: an oversized message answered under its own id, deep nesting and malformed params refused in one line. */
import { describe, expect, test } from "bun:test";
import { PassThrough } from "node:stream";
import { TopLevelIdScanner } from "../../src/mcp/message-id.ts";
import { paramsProblem } from "../../src/mcp/params-check.ts";
import { LineTransport, MAX_MESSAGE_DEPTH } from "../../src/mcp/stdio.ts";

function scan(text: string, chunk = 3): string | number | null {
  const scanner = new TopLevelIdScanner();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) scanner.feed(bytes.subarray(i, i + chunk));
  scanner.finish();
  return scanner.id;
}

describe("TopLevelIdScanner", () => {
  test("finds a number or string id before or after the params, across chunk borders", () => {
    expect(scan('{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"a":"b"}}')).toBe(42);
    expect(scan('{"method":"x","params":{"id":"inner","arguments":{"id":7}},"id":"outer-1"}')).toBe("outer-1");
    expect(scan('{ "id" : -3 }', 1)).toBe(-3);
    expect(scan('{"id":"a\\"b"}')).toBe('a"b');
  });

  test("ignores ids nested in params, keys that only look like ids, and non-scalar ids", () => {
    expect(scan('{"params":{"id":5},"method":"x"}')).toBeNull();
    expect(scan('{"text":"\\"id\\":9","idx":4}')).toBeNull();
    expect(scan('{"id":{"x":1}}')).toBeNull();
    expect(scan('{"id":null}')).toBeNull();
  });
});

describe("paramsProblem", () => {
  test("names the wrong field of tools/call in one line", () => {
    expect(paramsProblem("tools/call", { name: "recall", arguments: [1, 2] })).toContain("`arguments` of tools/call");
    expect(paramsProblem("tools/call", { arguments: {} })).toContain("`name`");
    expect(paramsProblem("tools/call", { name: "recall", arguments: { query: "x" } })).toBeNull();
    expect(paramsProblem("ping", [1])).toBeNull();
  });
});

function wire(maxMessageBytes?: number) {
  const input = new PassThrough();
  const lines: any[] = [];
  const received: any[] = [];
  const transport = new LineTransport(input, async (line) => void lines.push(JSON.parse(line)), { maxMessageBytes });
  transport.onmessage = (m) => received.push(m);
  return { input, lines, received, transport };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setImmediate(r));
  }
}

describe("LineTransport limits", () => {
  test("an oversized request is answered under its own id, with its size and the limit", async () => {
    const { input, lines, received, transport } = wire(1024);
    await transport.start();
    input.write(`{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"remember","arguments":{"content":"${"y".repeat(5000)}"}}}\n`);
    input.write('{"jsonrpc":"2.0","id":18,"method":"ping"}\n');
    await until(() => lines.length === 1 && received.length === 1);
    expect(lines[0]).toMatchObject({ id: 17, error: { code: -32600 } });
    expect(lines[0].error.message).toMatch(/Message too large: \d+ bytes; the limit is 1024 bytes/);
    expect(received[0]).toMatchObject({ id: 18 });
  });

  test("a message nested 50,000 deep is refused under its id, one level past the limit too; the limit itself passes", async () => {
    const { input, lines, received, transport } = wire();
    await transport.start();
    const nest = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
    const call = (id: number, depth: number) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"remember","arguments":{"content":"x","metadata":${nest(depth)}}}}\n`;
    // The envelope (message, params, arguments) takes 3 levels.
    input.write(call(1, 50_000) + call(2, MAX_MESSAGE_DEPTH - 2) + call(3, MAX_MESSAGE_DEPTH - 3));
    await until(() => lines.length === 2 && received.length === 1);
    expect(lines.map((l) => [l.id, l.error.code])).toEqual([
      [1, -32600],
      [2, -32600],
    ]);
    expect(lines[0].error.message).toContain(`more than ${MAX_MESSAGE_DEPTH} levels deep`);
    expect(received[0]).toMatchObject({ id: 3 });
  });

  test("tools/call with arguments that are not an object gets -32602 naming the field", async () => {
    const { input, lines, transport } = wire();
    await transport.start();
    input.write('{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"remember","arguments":"text"}}\n');
    await until(() => lines.length === 1);
    expect(lines[0]).toMatchObject({ id: 5, error: { code: -32602 } });
    expect(lines[0].error.message).toStartWith("Invalid params: `arguments` of tools/call");
  });
});
