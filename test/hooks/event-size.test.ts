/** @module The hook event size bound (event-size.ts) and the warm path's linear socket I/O (LineReader, writeAll). */
import { describe, expect, test } from "bun:test";
import { limitEvent, MAX_EVENT_CHARS, MAX_FIELD_CHARS } from "../../src/hooks/event-size.ts";
import { LineReader, writeAll } from "../../src/hooks/warm/client.ts";

describe("limitEvent", () => {
  test("an event under the limit is passed through as the same string", () => {
    const raw = JSON.stringify({ tool_response: { stdout: "x".repeat(MAX_FIELD_CHARS * 2) } });
    expect(raw.length).toBeLessThan(MAX_EVENT_CHARS);
    expect(limitEvent(raw)).toEqual({ raw, note: null });
  });

  test("over the limit: long strings keep their start and end, short ones and the shape stay, and it says what it cut", () => {
    const stdout = `START${"a".repeat(3 * MAX_FIELD_CHARS)}${"b".repeat(2 * MAX_FIELD_CHARS)}Error: connect ECONNREFUSED 127.0.0.1:5432`;
    const event = { session_id: "s", tool_name: "Bash", tool_input: { command: "npm test" }, tool_response: { stdout, stderr: "", list: ["c".repeat(MAX_FIELD_CHARS + 10)] } };
    const { raw, note } = limitEvent(JSON.stringify(event));
    const out = JSON.parse(raw);
    expect(out.session_id).toBe("s");
    expect(out.tool_input).toEqual({ command: "npm test" });
    expect(out.tool_response.stdout.startsWith("START")).toBe(true);
    expect(out.tool_response.stdout.endsWith("Error: connect ECONNREFUSED 127.0.0.1:5432")).toBe(true);
    expect(out.tool_response.stdout).toContain(`(${stdout.length - MAX_FIELD_CHARS} characters cut by cairn)`);
    expect(out.tool_response.stdout.length).toBeLessThan(MAX_FIELD_CHARS + 100);
    expect(out.tool_response.list[0].length).toBeLessThan(MAX_FIELD_CHARS + 100);
    expect(raw.length).toBeLessThan(MAX_EVENT_CHARS);
    expect(note).toMatch(/^event of 6\.0 M characters is over the 4\.0 M limit: 2 field\(s\) longer than 1\.0 M characters cut/);
  });

  test("input that is not JSON is left for the parser to report", () => {
    const raw = `{ not json ${"x".repeat(MAX_EVENT_CHARS)}`;
    expect(limitEvent(raw).raw).toBe(raw);
  });
});

describe("LineReader", () => {
  test("a UTF-8 character split between chunks stays whole, and only the first line counts", () => {
    const bytes = new TextEncoder().encode('{"a":"é€𝄞"}\nrest');
    const r = new LineReader();
    const cuts = [1, 7, 9, 12, bytes.length];
    let from = 0;
    let complete = false;
    for (const to of cuts) {
      complete = r.push(bytes.subarray(from, to));
      from = to;
    }
    expect(complete).toBe(true);
    expect(r.line()).toBe('{"a":"é€𝄞"}');
  });

  test("incomplete until the newline arrives", () => {
    const r = new LineReader();
    expect(r.push(new TextEncoder().encode("abc"))).toBe(false);
    expect(r.line()).toBeNull();
    expect(r.size).toBe(3);
  });
});

describe("writeAll", () => {
  test("a large payload through a socket that takes 64 KiB per write is never copied, whatever the number of drains", () => {
    const payload = new Uint8Array(8 * 1024 * 1024).fill(7);
    const seen: Uint8Array[] = [];
    let received = 0;
    const socket = {
      write(data: Uint8Array) {
        seen.push(data);
        const n = Math.min(64 * 1024, data.length);
        received += n;
        return n;
      },
    };
    let done = writeAll(socket, payload);
    while (!done) done = writeAll(socket);
    expect(received).toBe(payload.length);
    expect(seen.length).toBe(128);
    // Every write is a view of the caller's buffer: nothing was concatenated or copied along the way.
    expect(seen.every((b) => b.buffer === payload.buffer)).toBe(true);
  });
});
