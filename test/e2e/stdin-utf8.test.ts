/** @module Text read from stdin that is not UTF-8 is refused, naming the byte, as `import` refuses it: never stored as U+FFFD (cli/stdin.ts). */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

/** Runs cairn with `bytes` on stdin. */
const withStdin = (args: string[], bytes: Uint8Array) => s.run(args, { stdin: bytes });

/** "legacy note café résumé" in Latin-1 (QA: stored as "caf\uFFFD r\uFFFDsum\uFFFD" with exit 0). */
const LATIN1 = new Uint8Array([...new TextEncoder().encode("legacy note caf"), 0xe9, ...new TextEncoder().encode(" r"), 0xe9, ...new TextEncoder().encode("sum"), 0xe9, 0x0a]);

test("remember - refuses stdin that is not UTF-8, names the byte, and stores nothing", async () => {
  const r = await withStdin(["remember", "-"], LATIN1);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain("Byte 15 of stdin is not valid UTF-8");
  expect(r.stderr).toContain("iconv");
  const stats = JSON.parse((await s.ok(["stats", "--json"])).stdout) as { total: number };
  expect(stats.total).toBe(0);
  expect((await s.ok(["export"])).stdout).not.toContain("\uFFFD");
});

test("UTF-8 on stdin, with a BOM, is stored as written", async () => {
  const text = new TextEncoder().encode("\uFEFFnote about the café résumé template\n");
  const r = await withStdin(["remember", "-", "--json"], text);
  expect(r.exitCode).toBe(0);
  expect((await s.ok(["export"])).stdout).toContain('"content":"note about the café résumé template"');
});
