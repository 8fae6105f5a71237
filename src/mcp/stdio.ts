/**
 * @module The stdio transport: newline-delimited JSON-RPC on a byte stream. Replaces the SDK's
 * StdioServerTransport, which ignores EOF, drops unparseable lines without a reply and closes itself on
 * an oversized message. Here a bad, oversized or too deeply nested line gets a JSON-RPC error reply (under
 * the request's id when it has one) and the session goes on, EOF is reported, and requests still being
 * answered are tracked so shutdown can wait for them.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { MAX_CONTENT_BYTES, MAX_METADATA_DEPTH, nestingDepth } from "../engine/validate.ts";
import { describeError } from "../errors.ts";
import { ExactIds, withNumberId } from "./exact-ids.ts";
import { TopLevelIdScanner } from "./message-id.ts";
import { paramsProblem } from "./params-check.ts";

/** The input side: a Node-style readable (process.stdin, or a PassThrough in tests). */
export interface LineInput {
  on(event: "data", fn: (chunk: Buffer) => void): unknown;
  on(event: "end" | "close", fn: () => void): unknown;
  on(event: "error", fn: (err: Error) => void): unknown;
  off(event: string, fn: (...args: any[]) => void): unknown;
  pause(): unknown;
}

/** Writes one serialised line; resolves when it may be written again (backpressure). */
export type LineOutput = (line: string) => Promise<void>;

/** Far above any valid cairn request (content is capped at 64 KB), far below what could exhaust memory. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Deepest nesting of objects and arrays in one message: the envelope takes 4 levels and metadata may take
 * 32, so nothing valid comes near it; checked without recursion before anything walks the message.
 */
export const MAX_MESSAGE_DEPTH = 64;

type Id = string | number;

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Called once when the input reaches end of file (the client went away). */
  onend?: () => void;

  readonly #input: LineInput;
  readonly #write: LineOutput;
  readonly #max: number;
  readonly #tools: readonly string[] | undefined;
  #parts: Buffer[] = [];
  #size = 0;
  /** Set while an oversized message is skipped: finds its id for the reply. */
  #oversized: TopLevelIdScanner | null = null;
  #oversizedBytes = 0;
  #reading = false;
  #closed = false;
  /** Requests received and not yet answered. */
  readonly #pending = new Set<Id>();
  /** Number ids JSON.parse would not keep exact, given back as sent. */
  readonly #ids = new ExactIds();
  #idleWaiters: Array<() => void> = [];

  /**
   * `tools`: the names `tools/call` may name; another is a protocol error (-32602), as the 2025-11-25 spec has it
   * (the SDK answered it as a tool result with isError).
   */
  constructor(input: LineInput, write: LineOutput, opts: { maxMessageBytes?: number; tools?: readonly string[] } = {}) {
    this.#input = input;
    this.#write = write;
    this.#max = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.#tools = opts.tools;
  }

  async start(): Promise<void> {
    if (this.#reading) throw new Error("LineTransport already started");
    this.#reading = true;
    this.#input.on("data", this.#onData);
    this.#input.on("end", this.#onEnd);
    this.#input.on("close", this.#onEnd);
    this.#input.on("error", this.#onError);
  }

  /** Stops taking new messages; replies to earlier ones can still be sent. */
  stopReading(): void {
    if (!this.#reading) return;
    this.#reading = false;
    this.#input.off("data", this.#onData);
    this.#input.off("end", this.#onEnd);
    this.#input.off("close", this.#onEnd);
    this.#input.pause();
  }

  /** Resolves once every request received so far has been answered. */
  idle(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  get pendingRequests(): number {
    return this.#pending.size;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ("id" in message && !("method" in message)) this.#settle(message.id as Id);
    try {
      await this.#write(`${this.#ids.line(message)}\n`);
    } catch (err) {
      this.onerror?.(new Error(`cannot write to stdout: ${describeError(err)}`));
    }
  }

  async close(): Promise<void> {
    this.stopReading();
    if (this.#closed) return;
    this.#closed = true;
    this.#pending.clear();
    this.#wakeIdle();
    this.onclose?.();
  }

  #onData = (chunk: Buffer): void => {
    let start = 0;
    for (;;) {
      // A newline byte never occurs inside a multi-byte UTF-8 character, so splitting bytes is safe.
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        this.#append(chunk.subarray(start));
        return;
      }
      this.#append(chunk.subarray(start, nl));
      this.#endLine();
      start = nl + 1;
      if (!this.#reading) return;
    }
  };

  #onEnd = (): void => {
    if (!this.#reading) return;
    if (this.#size > 0) this.#endLine();
    this.stopReading();
    this.onend?.();
  };

  #onError = (err: Error): void => {
    this.onerror?.(err);
  };

  #append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.#oversized) {
      this.#oversized.feed(part);
      this.#oversizedBytes += part.length;
      return;
    }
    if (this.#size + part.length > this.#max) {
      this.#oversized = new TopLevelIdScanner();
      for (const p of this.#parts) this.#oversized.feed(p);
      this.#oversized.feed(part);
      this.#oversizedBytes = this.#size + part.length;
      this.#parts = [];
      this.#size = 0;
      return;
    }
    this.#parts.push(part);
    this.#size += part.length;
  }

  #endLine(): void {
    if (this.#oversized) {
      const scanner = this.#oversized;
      scanner.finish();
      this.#oversized = null;
      this.#reply(
        scanner.id,
        -32600,
        `Message too large: ${this.#oversizedBytes} bytes; the limit is ${this.#max} bytes per JSON-RPC message. ` +
          `A memory's content may hold at most ${MAX_CONTENT_BYTES} bytes: split long text into several memories.`,
        scanner.id === null ? scanner.numberText : null,
      );
      return;
    }
    const line = (this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts)).toString("utf8").trim();
    this.#parts = [];
    this.#size = 0;
    if (line !== "") this.#handle(line);
  }

  #handle(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      this.#reply(null, -32700, `Parse error: ${describeError(err)}. Send one JSON-RPC message per line.`);
      return;
    }
    const id = this.#ids.take(value, line);
    const validId = typeof id === "string" || typeof id === "number" ? id : null;
    const depth = nestingDepth(value, MAX_MESSAGE_DEPTH);
    if (depth > MAX_MESSAGE_DEPTH) {
      this.#reply(
        validId,
        -32600,
        `Invalid Request: the message nests objects and arrays more than ${MAX_MESSAGE_DEPTH} levels deep; the limit is ${MAX_MESSAGE_DEPTH} ` +
          `(metadata may nest at most ${MAX_METADATA_DEPTH}). Flatten the arguments.`,
      );
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      this.#reply(validId, -32600, `Invalid Request: ${notAMessage(value)}`);
      return;
    }
    const message = parsed.data;
    if ("method" in message && "id" in message) {
      const problem = paramsProblem(message.method, message.params, this.#tools);
      if (problem !== null) {
        this.#reply(message.id, -32602, `Invalid params: ${problem}`);
        return;
      }
    }
    if ("method" in message) {
      if ("id" in message) this.#pending.add(message.id);
      // A cancelled request gets no reply (the SDK drops it), so it must not hold up shutdown.
      else if (message.method === "notifications/cancelled") this.#settle((message.params as { requestId?: Id })?.requestId);
    }
    this.onmessage?.(message);
  }

  /** An error reply; under `numberText` when given: an oversized message's number id beyond 2^53, as sent. */
  #reply(id: Id | null, code: number, message: string, numberText: string | null = null): void {
    const reply = { jsonrpc: "2.0", id, error: { code, message } };
    const line = numberText !== null ? withNumberId(reply, numberText) : this.#ids.line(reply);
    this.#write(`${line}\n`).catch((err) =>
      this.onerror?.(new Error(`cannot write to stdout: ${describeError(err)}`)),
    );
  }

  #settle(id: Id | undefined): void {
    if (id === undefined || !this.#pending.delete(id)) return;
    if (this.#pending.size === 0) this.#wakeIdle();
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** Why `value`, valid JSON, is not a JSON-RPC 2.0 message cairn takes, in one line. */
function notAMessage(value: unknown): string {
  if (Array.isArray(value)) return "batches are not supported; send one JSON-RPC message per line.";
  if (typeof value !== "object" || value === null) return "a JSON-RPC 2.0 message is a JSON object.";
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== "2.0") return 'not a JSON-RPC 2.0 message: "jsonrpc" must be "2.0".';
  if ("method" in message && typeof message.method !== "string") return '"method" must be a string.';
  if ("id" in message && typeof message.id !== "string" && typeof message.id !== "number") {
    return '"id" must be a string or a number (null is not allowed); leave "id" out for a notification.';
  }
  return "not a JSON-RPC 2.0 request, notification or response.";
}

/** A {@link LineOutput} over a Node-style writable, honouring backpressure. */
export function streamOutput(stream: NodeJS.WritableStream): LineOutput {
  // Writers waiting for the reader share one 'drain' listener: one each made Node warn of a listener leak once
  // eleven replies waited on a slow client (QA soak).
  let drained: Promise<void> | null = null;
  const drain = () => (drained ??= new Promise<void>((resolve) => stream.once("drain", () => ((drained = null), resolve()))));
  return (line) =>
    new Promise((resolve, reject) => {
      const ok = stream.write(line, (err) => err && reject(err));
      if (ok) resolve();
      else void drain().then(resolve);
    });
}
