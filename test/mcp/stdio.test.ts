/** @module The line transport and the lifecycle: bad input gets replies, EOF and signals shut down after in-flight work. */
import { describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { manageLifecycle } from "../../src/mcp/lifecycle.ts";
import { LineTransport } from "../../src/mcp/stdio.ts";

function wire(maxMessageBytes?: number) {
  const input = new PassThrough();
  const lines: any[] = [];
  const received: JSONRPCMessage[] = [];
  const transport = new LineTransport(input, async (line) => void lines.push(JSON.parse(line)), { maxMessageBytes });
  transport.onmessage = (m) => received.push(m);
  return { input, lines, received, transport };
}

/** Resolves when `check` holds, polling the event loop (no fixed sleeps). */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setImmediate(r));
  }
}

const ping = (id: number) => `${JSON.stringify({ jsonrpc: "2.0", id, method: "ping" })}\n`;

describe("LineTransport", () => {
  test("a tools/call naming no tool is a protocol error (-32602) listing the tools; one naming a tool goes on (QA)", async () => {
    const input = new PassThrough();
    const lines: any[] = [];
    const received: JSONRPCMessage[] = [];
    const transport = new LineTransport(input, async (line) => void lines.push(JSON.parse(line)), { tools: ["recall", "remember"] });
    transport.onmessage = (m) => received.push(m);
    await transport.start();
    const call = (id: number, name: string) => `${JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: {} } })}\n`;
    input.write(call(1, "no_such_tool") + call(2, "recall"));
    await until(() => lines.length === 1 && received.length === 1);
    expect(lines[0]).toMatchObject({ id: 1, error: { code: -32602, message: 'Invalid params: no tool is named "no_such_tool"; the tools are recall, remember.' } });
    expect((received[0] as any).id).toBe(2);
  });

  test("splits messages across and within chunks, multi-byte text included", async () => {
    const { input, received, transport } = wire();
    await transport.start();
    const msg = JSON.stringify({ jsonrpc: "2.0", method: "notifications/x", params: { text: "größe ✓ 記憶" } });
    const bytes = Buffer.from(`${msg}\n${ping(1)}${ping(2)}`);
    for (let i = 0; i < bytes.length; i += 7) input.write(bytes.subarray(i, i + 7));
    await until(() => received.length === 3);
    expect((received[0] as any).params.text).toBe("größe ✓ 記憶");
    expect(received.slice(1).map((m: any) => m.id)).toEqual([1, 2]);
  });

  test("malformed JSON and non-JSON-RPC lines get error replies, and the session goes on", async () => {
    const { input, lines, received, transport } = wire();
    await transport.start();
    input.write('{"jsonrpc": "2.0", "id": 1, "method":\n');
    input.write('{"id": 7, "hello": "world"}\n');
    input.write("[1, 2]\n\n   \n");
    input.write(ping(3));
    await until(() => lines.length === 3 && received.length === 1);
    expect(lines[0]).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
    expect(lines[1]).toMatchObject({ jsonrpc: "2.0", id: 7, error: { code: -32600 } });
    expect(lines[2]).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
    expect(lines[2].error.message).toContain("batches are not supported");
    expect(received[0]).toMatchObject({ id: 3, method: "ping" });
  });

  test("each refused message says what is wrong with it", async () => {
    const { input, lines, received, transport } = wire();
    await transport.start();
    input.write('{"jsonrpc": "2.0", "id": null, "method": "tools/list"}\n');
    input.write('{"jsonrpc": "1.0", "id": 4, "method": "ping"}\n');
    input.write('{"jsonrpc": "2.0", "id": 5, "method": 12}\n');
    input.write('"ping"\n');
    await until(() => lines.length === 4);
    expect(lines.map((l) => l.id)).toEqual([null, 4, 5, null]);
    expect(lines[0].error.message).toContain('"id" must be a string or a number');
    expect(lines[0].error.message).not.toContain("batch");
    expect(lines[1].error.message).toContain('"jsonrpc" must be "2.0"');
    expect(lines[2].error.message).toContain('"method" must be a string');
    expect(lines[3].error.message).toContain("JSON object");
    expect(received).toHaveLength(0);
  });

  test("an oversized message is refused with an error, then the next one is read", async () => {
    const { input, lines, received, transport } = wire(1024);
    await transport.start();
    input.write(`{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":"${"y".repeat(600)}`);
    input.write(`${"z".repeat(600)}"}}\n`);
    input.write(ping(2));
    await until(() => lines.length === 1 && received.length === 1);
    expect(lines[0].error.code).toBe(-32600);
    expect(lines[0].error.message).toContain("1024 bytes");
    expect(received[0]).toMatchObject({ id: 2 });
  });

  test("reports EOF once, after delivering a last line without a newline", async () => {
    const { input, received, transport } = wire();
    let ends = 0;
    transport.onend = () => ends++;
    await transport.start();
    input.end(ping(1).trim());
    await until(() => ends === 1);
    expect(received).toHaveLength(1);
  });

  test("idle() waits until every received request is answered (or cancelled)", async () => {
    const { input, received, transport } = wire();
    await transport.start();
    input.write(ping(1) + ping(2));
    await until(() => received.length === 2);
    let idle = false;
    void transport.idle().then(() => (idle = true));
    await transport.send({ jsonrpc: "2.0", id: 1, result: {} });
    await Bun.sleep(0);
    expect(idle).toBe(false);
    input.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 2 } })}\n`);
    await until(() => idle);
  });
});

describe("lifecycle", () => {
  function setup() {
    const w = wire();
    const proc = Object.assign(new EventEmitter(), { exit: (code?: number) => void exits.push(code ?? 0) }) as any;
    const exits: number[] = [];
    const steps: string[] = [];
    const life = manageLifecycle({
      transport: w.transport,
      closeServer: async () => void steps.push("server"),
      release: () => void steps.push("release"),
      flush: async () => void steps.push("flush"),
      proc,
    });
    return { ...w, proc, exits, steps, life };
  }

  test("stdin EOF waits for in-flight requests, then closes server, database and stdout in order", async () => {
    const s = setup();
    await s.transport.start();
    s.input.write(ping(1));
    await until(() => s.received.length === 1);
    s.input.end();
    await Bun.sleep(5);
    expect(s.steps).toEqual([]);
    await s.transport.send({ jsonrpc: "2.0", id: 1, result: {} });
    expect(await s.life.done).toBe(0);
    expect(s.steps).toEqual(["server", "release", "flush"]);
  });

  test("SIGTERM shuts down; a second signal exits at once", async () => {
    const s = setup();
    await s.transport.start();
    s.input.write(ping(1));
    await until(() => s.received.length === 1);
    s.proc.emit("SIGTERM", "SIGTERM");
    s.input.write(ping(2));
    await Bun.sleep(5);
    expect(s.received).toHaveLength(1);
    s.proc.emit("SIGINT", "SIGINT");
    expect(s.exits).toEqual([130]);
    await s.transport.send({ jsonrpc: "2.0", id: 1, result: {} });
    expect(await s.life.done).toBe(0);
  });
});

describe("ids JSON.parse would not keep exact", () => {
  /** A transport whose replies are kept as the lines written. */
  function rawWire() {
    const input = new PassThrough();
    const lines: string[] = [];
    const received: JSONRPCMessage[] = [];
    const transport = new LineTransport(input, async (line) => void lines.push(line), { maxMessageBytes: 1024 });
    transport.onmessage = (m) => received.push(m);
    return { input, lines, received, transport };
  }

  test("a request with an id beyond 2^53 or a fraction is taken, and its reply carries the id as sent (QA)", async () => {
    const { input, lines, received, transport } = rawWire();
    await transport.start();
    input.write('{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}\n{"jsonrpc":"2.0","id":1.5,"method":"ping"}\n');
    await until(() => received.length === 2);
    for (const m of received) await transport.send({ jsonrpc: "2.0", id: (m as any).id, result: {} });
    expect(lines).toEqual(['{"id":9007199254740993,"jsonrpc":"2.0","result":{}}\n', '{"id":1.5,"jsonrpc":"2.0","result":{}}\n']);
    expect(transport.pendingRequests).toBe(0);
  });

  test("refused messages with such an id are answered under it too, an oversized one included", async () => {
    const { input, lines, transport } = rawWire();
    await transport.start();
    input.write('{"jsonrpc":"1.0","id":123456789012345678901234567890,"method":"ping"}\n');
    input.write(`{"jsonrpc":"2.0","id":18446744073709551615,"method":"x","params":{"a":"${"y".repeat(1100)}"}}\n`);
    await until(() => lines.length === 2);
    expect(lines[0]).toStartWith('{"id":123456789012345678901234567890,"jsonrpc":"2.0","error":{"code":-32600');
    expect(lines[1]).toStartWith('{"id":18446744073709551615,"jsonrpc":"2.0","error":{"code":-32600');
  });
});
