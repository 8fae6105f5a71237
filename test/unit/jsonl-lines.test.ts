/**
 * @module The import file reader: lines come out as the file holds them whatever the chunk boundaries
 * (multi-byte characters included), a line over the limit is only measured, and the import built on it
 * stays all-or-nothing with the bad line named.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLines } from "../../src/cli/jsonl-lines.ts";
import type { RawLine } from "../../src/engine/import-parse.ts";
import { testEngine } from "../helpers/engine.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function file(text: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-lines-"));
  dirs.push(dir);
  const path = join(dir, "in.jsonl");
  writeFileSync(path, text);
  return path;
}

function read(path: string, max: number): RawLine[] {
  const f = openLines(path, max);
  try {
    return [...f.lines];
  } finally {
    f.close();
  }
}

test("lines across 1 MiB chunk boundaries, with multi-byte characters, come out whole", () => {
  // ~3.5 MB: lines of 1–20,000 characters, some CJK and emoji, so boundaries fall inside lines and characters.
  const lines: string[] = [];
  for (let i = 0, size = 0; size < 3_500_000; i++) {
    const unit = ["a", "é", "漢", "🦦"][i % 4]!;
    const line = `${i}:${unit.repeat((i * 7919) % 20_000)}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  lines.push("", "last line without a newline");
  const path = file(lines.join("\n"));
  expect(read(path, 1 << 20)).toEqual(lines);
});

test("a line over the limit is measured, not held; the lines around it are intact", () => {
  const long = "x".repeat(2_500_000);
  const path = file(`first\n${long}\nthird\r\n`);
  expect(read(path, 1_000_000)).toEqual(["first", { overLimitBytes: 2_500_000 }, "third\r"]);
});

test("a line that never ends (/dev/zero) is measured only so far, then reading stops and the import names it (QA: it never ended)", async () => {
  expect(read("/dev/zero", 1000)).toEqual([{ overLimitBytes: 1 << 20, unended: true }]);
  const { engine } = testEngine();
  const f = openLines("/dev/zero", 1000);
  const err = await engine.import(f.lines).catch((e: unknown) => e).finally(() => f.close());
  expect(err).toMatchObject({ code: "BAD_IMPORT_LINE", args: [1, expect.stringMatching(/^the line is over 1048576 bytes \(read no further\); the limit is/)] });
});

test("an import from the reader is all-or-nothing: a bad line far down names its number and writes nothing", async () => {
  const { engine } = testEngine();
  const good = Array.from({ length: 2500 }, (_, i) => JSON.stringify({ content: `streamed memory number ${i}` }));
  const path = file(`${[...good, "{not json", ...good.slice(0, 10)].join("\n")}\n`);
  const f = openLines(path, 1 << 20);
  await expect(engine.import(f.lines)).rejects.toThrow(/line 2501/);
  f.close();
  expect(engine.stats().total).toBe(0);

  const ok = openLines(file(`${good.join("\n")}\n`), 1 << 20);
  const progress: number[] = [];
  expect(await engine.import(ok.lines, (done) => progress.push(done))).toMatchObject({ lines: 2500, created: 2500 });
  ok.close();
  expect(progress).toEqual([1000, 2000, 2500]);
  expect(engine.stats().total).toBe(2500);
});

test("a line that is not UTF-8 stops the import naming the line and the byte, instead of becoming U+FFFD", async () => {
  const path = file(Buffer.concat([Buffer.from('{"content":"fine"}\n{"content":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
  expect(read(path, 1 << 20)).toEqual(['{"content":"fine"}', { invalidUtf8At: 15 }]);
  const { engine } = testEngine();
  const f = openLines(path, 1 << 20);
  const err = await engine.import(f.lines).catch((e: unknown) => e).finally(() => f.close());
  expect(err).toMatchObject({ code: "BAD_IMPORT_LINE", args: [2, "byte 15 of the line is not valid UTF-8 (the file must be UTF-8 text)"] });
  expect(engine.stats().total).toBe(0);
});
