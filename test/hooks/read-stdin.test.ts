/** @module A hook's stdin: read to its end, or to a whole JSON object when the client leaves it open, or until it has been silent too long. */
import { expect, test } from "bun:test";
import { readStdin } from "../../src/hooks/read-stdin.ts";

/** A stream giving `chunks`, then closing, or staying open when `close` is false. */
function stdin(chunks: string[], close: boolean): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      if (close) c.close();
    },
  });
}

test("a closed stdin is read to its end, whatever it holds", async () => {
  expect(await readStdin(5000, stdin(["not ", "json"], true))).toEqual({ text: "not json" });
  expect(await readStdin(5000, stdin(['{"cwd":', '"/x"'], true))).toEqual({ text: '{"cwd":"/x"' });
});

test("an open stdin ends at the first whole JSON object, not at the client's timeout (QA: the hook hung)", async () => {
  const t0 = performance.now();
  expect(await readStdin(30_000, stdin(['{"cwd":"/x",', '"prompt":"a } b"}\n'], false))).toEqual({ text: '{"cwd":"/x","prompt":"a } b"}\n', open: "complete" });
  expect(performance.now() - t0).toBeLessThan(5_000);
});

test("an open stdin that falls silent mid-object ends after the idle time, with what came", async () => {
  expect(await readStdin(50, stdin(['{"cwd":"/x"', "}extra"], false))).toEqual({ text: '{"cwd":"/x"}extra', open: "idle" });
});
