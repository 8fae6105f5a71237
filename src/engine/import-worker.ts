/**
 * @module The import's parse thread (started by import-thread.ts, bundled as its own entry point by
 * scripts/build.ts): it reads batches of lines into memories (import-parse.ts: JSON, shape, redaction, hashes)
 * while the importing thread writes the batch before. It never touches the store. A batch's reply stops at
 * its first bad line: the importer reports that one and rolls everything back.
 */
import type { Memory } from "../domain/memory.ts";
import { redactSecrets } from "../capture/redact.ts";
import { type ParseContext, type ParsedLine, type RawLine, readImportLine } from "./import-parse.ts";

declare const self: Worker;

export interface ParseBatch {
  lines: RawLine[];
}

/** A batch's lines read, in order, up to and including the first that cannot be imported. */
export interface ParsedBatch {
  parsed: Array<ParsedLine | null>;
  /** For each parsed line, its memory's texts that secret redaction leaves as they are (redact.ts markClean). */
  clean: string[][];
  bad?: { index: number; why: string };
}

export interface ParseSetup {
  context: ParseContext;
  port: MessagePort;
  /** Bumped (and notified) after each reply is posted: the importer waits on it without an event loop. */
  signal: SharedArrayBuffer;
}

self.onmessage = (event: MessageEvent<ParseSetup>) => {
  const { context, port, signal } = event.data;
  const replies = new Int32Array(signal);
  port.onmessage = (event) => {
    const reply: ParsedBatch = { parsed: [], clean: [] };
    for (const [index, raw] of (event.data as ParseBatch).lines.entries()) {
      const read = readImportLine(context, raw);
      if ("why" in read) {
        reply.bad = { index, why: read.why };
        break;
      }
      reply.parsed.push(read.parsed);
      reply.clean.push(read.parsed ? cleanTexts(read.parsed.memory) : []);
    }
    post(reply);
  };
  const post = (message: ParsedBatch | "ready") => {
    port.postMessage(message);
    Atomics.add(replies, 0, 1);
    Atomics.notify(replies, 0);
  };
  // Loaded and listening: the importer waits for this before it hands over any lines.
  post("ready");
};

/** The memory's text fields that a scan leaves unchanged (a lookup here: reading the line scanned them). */
function cleanTexts(m: Memory): string[] {
  const texts = [m.content, ...m.tags, m.sessionId, m.agent, m.source].filter((t): t is string => typeof t === "string");
  return texts.filter((t) => redactSecrets(t).redactions.length === 0);
}
