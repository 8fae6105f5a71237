/**
 * @module The event JSON from stdin. Reading Bun.stdin as a stream takes ~1.4 ms in a fresh process, where
 * Bun.stdin.text() takes ~5 ms and `readFileSync(0)` needs node:fs, whose first import alone costs 3.5–5 ms —
 * a fifth of a warm hook. A client that writes the event and leaves stdin open is not waited on past a whole
 * JSON object (QA: the hook hung 90 s until the client's timeout threw its output away), and silence on an
 * open stdin ends after `idleMs`.
 */

export interface StdinRead {
  text: string;
  /** Set when stdin was still open: how the read ended. */
  open?: "complete" | "idle";
}

const WHOLE_CHECK_MAX = 1 << 20;

export async function readStdin(idleMs: number, stream: ReadableStream<Uint8Array> = Bun.stdin.stream()): Promise<StdinRead> {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = () =>
    new Promise<"idle">((resolve) => {
      timer = setTimeout(() => resolve("idle"), idleMs);
    });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), idle()]);
      clearTimeout(timer);
      if (next === "idle") return { text: text + decoder.decode(), open: "idle" };
      if (next.done) return { text: text + decoder.decode() };
      text += decoder.decode(next.value, { stream: true });
      // Only when the chunk ends an object can the text be whole: parsing at every chunk of a large event
      // would cost its size again each time.
      // Past 1 MiB the event is cut anyway (event-size.ts): read to the end rather than parse it twice.
      if (text.length <= WHOLE_CHECK_MAX && /\}\s*$/.test(text.slice(-64)) && wholeObject(text)) return { text, open: "complete" };
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

function wholeObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
