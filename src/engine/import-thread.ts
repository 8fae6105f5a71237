/**
 * @module Reading import lines on a second thread. Reading a line (JSON, shape, secret redaction, hashes) is
 * about a third of an import's time and needs no store, so past the first {@link THREAD_FROM} lines a worker
 * (import-worker.ts) reads batches ahead while this thread writes the batch before, in the one transaction
 * import.ts holds. The transaction is synchronous, so replies are taken synchronously too: the worker bumps a
 * shared counter after each one, and this thread waits on it (Atomics.wait) and takes the message off its
 * port. Lines come out in file order, and the first bad line stops the import exactly as in process. When
 * the worker cannot start, or a reply does not come, the lines are read here: only speed is lost.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { markClean } from "../capture/redact.ts";
import { log } from "../log.ts";
import { badImportLine, type ParseContext, type ParsedLine, parseImportLine, type RawLine } from "./import-parse.ts";
import type { ParseBatch, ParsedBatch, ParseSetup } from "./import-worker.ts";
import { workerUrl } from "../worker-url.ts";

/** Lines read in process before the thread starts: a short import does not pay for starting it (~50 ms). */
export const THREAD_FROM = 2048;
/** Lines per message. */
const BATCH = 256;
/** Batches the worker holds besides the one being written. */
const AHEAD = 2;
/** How long the importer waits for the worker to load: a worker that cannot, fails out of sight of a blocked thread. */
const READY_WAIT_MS = 10_000;
/** How long the importer waits for a reply before reading the lines itself (the worker died or hangs). */
const REPLY_WAIT_MS = 60_000;

class ParseThread {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #replies: Int32Array;
  #taken = 0;

  private constructor(worker: Worker, port: MessagePort, replies: Int32Array) {
    this.#worker = worker;
    this.#port = port;
    this.#replies = replies;
  }

  /** A thread that loaded and answered, or null (then the lines are read in process). */
  static start(context: ParseContext): ParseThread | null {
    let thread: ParseThread | null = null;
    try {
      const worker = new Worker(workerUrl(import.meta.url, "./engine/import-worker.ts"));
      const { port1, port2 } = new MessageChannel();
      const signal = new SharedArrayBuffer(4);
      thread = new ParseThread(worker, port1, new Int32Array(signal));
      worker.postMessage({ context, port: port2, signal } satisfies ParseSetup, [port2 as unknown as Bun.Transferable]);
      if (thread.receive(READY_WAIT_MS) !== "ready") throw new Error(`no answer within ${READY_WAIT_MS / 1000} s`);
      log.debug("import: reading lines on a second thread");
      return thread;
    } catch (err) {
      thread?.close();
      log.debug(`import parse thread unavailable, reading lines in process: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  send(lines: RawLine[]): void {
    this.#port.postMessage({ lines } satisfies ParseBatch);
  }

  /** The next reply, in the order batches were sent; null when none came within `waitMs`. */
  receive(waitMs: number): ParsedBatch | "ready" | null {
    const until = performance.now() + waitMs;
    for (;;) {
      const posted = Atomics.load(this.#replies, 0);
      if (posted > this.#taken) {
        const got = receiveMessageOnPort(this.#port);
        if (got) {
          this.#taken++;
          return got.message as ParsedBatch | "ready";
        }
      }
      const left = until - performance.now();
      if (left <= 0) return null;
      Atomics.wait(this.#replies, 0, posted, Math.min(left, 1000));
    }
  }

  close(): void {
    this.#port.close();
    this.#worker.terminate();
  }
}

/**
 * The lines of an import read in order (null for a blank line), the first bad one thrown as BAD_IMPORT_LINE.
 * `threadFrom` lines are read here first; the rest on the thread when it starts.
 */
export function* parsedLines(lines: Iterable<RawLine>, context: ParseContext, threadFrom = THREAD_FROM): Generator<ParsedLine | null> {
  const source = lines[Symbol.iterator]();
  let lineNo = 0;
  const rest = function* () {
    for (let r = source.next(); !r.done; r = source.next()) yield parseImportLine(context, r.value, ++lineNo);
  };
  while (lineNo < threadFrom) {
    const r = source.next();
    if (r.done) return;
    yield parseImportLine(context, r.value, ++lineNo);
  }
  const thread = ParseThread.start(context);
  if (thread === null) return yield* rest();
  try {
    const sent: Array<{ first: number; lines: RawLine[] }> = [];
    const send = (): void => {
      const batch: RawLine[] = [];
      for (let r = source.next(); !r.done; r = batch.length < BATCH ? source.next() : { done: true, value: undefined }) batch.push(r.value);
      if (batch.length === 0) return;
      sent.push({ first: lineNo + 1, lines: batch });
      lineNo += batch.length;
      thread.send(batch);
    };
    for (let i = 0; i <= AHEAD; i++) send();
    while (sent.length > 0) {
      const batch = sent.shift()!;
      const reply = thread.receive(REPLY_WAIT_MS);
      if (reply === null || reply === "ready") {
        log.warn("import parse thread did not answer; reading the remaining lines in process");
        for (const b of [batch, ...sent]) for (const [i, raw] of b.lines.entries()) yield parseImportLine(context, raw, b.first + i);
        return yield* rest();
      }
      // The worker reads the next batch while this one is written.
      send();
      for (const [i, parsed] of reply.parsed.entries()) {
        markClean(reply.clean[i]!);
        yield parsed;
      }
      if (reply.bad) throw badImportLine(batch.first + reply.bad.index, reply.bad.why);
    }
  } finally {
    thread.close();
  }
}
