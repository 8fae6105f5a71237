/** @module Test helper: waiting on a child's output stream for a line, without fixed sleeps. */

/**
 * Reads `stream` until a line matches `pattern` and returns that line; rejects when the stream ends first
 * or after `timeoutMs`. The reader lock is released so the caller can keep draining the stream.
 */
export async function waitForLine(stream: ReadableStream<Uint8Array>, pattern: RegExp, timeoutMs: number): Promise<{ line: string; seen: string }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; saw:\n${seen.slice(-2000)}`)), timeoutMs);
  });
  try {
    for (;;) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error(`stream ended before a line matching ${pattern}; saw:\n${seen.slice(-2000)}`);
      seen += decoder.decode(value, { stream: true });
      const line = seen.split("\n").find((l) => pattern.test(l));
      if (line !== undefined) return { line, seen };
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/** Consumes the rest of a stream (so the child never blocks on a full pipe) and returns it as text. */
export async function drain(stream: ReadableStream<Uint8Array>): Promise<string> {
  // A reader rather than `new Response(stream)`: the stream may already have been read by waitForLine.
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}
