/** @module Replies waiting on a slow MCP client share one 'drain' listener (QA soak: Node warned of a listener leak past ten). */
import { expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { streamOutput } from "../../src/mcp/stdio.ts";

test("twenty replies written while the reader lags wait on one drain listener, and all are released by it", async () => {
  const stream = Object.assign(new EventEmitter(), { written: [] as string[], write(line: string) { this.written.push(line); return false; } });
  const out = streamOutput(stream as unknown as NodeJS.WritableStream);
  let released = 0;
  const waits = Array.from({ length: 20 }, (_, i) => out(`{"id":${i}}\n`).then(() => released++));
  await Promise.resolve();
  expect(stream.listenerCount("drain")).toBe(1);
  expect(released).toBe(0);
  stream.emit("drain");
  await Promise.all(waits);
  expect(released).toBe(20);
  expect(stream.written).toHaveLength(20);
  expect(stream.listenerCount("drain")).toBe(0);
  // A later backlog gets a listener of its own.
  const later = out("{}\n");
  expect(stream.listenerCount("drain")).toBe(1);
  stream.emit("drain");
  await later;
});
