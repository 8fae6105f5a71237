/** @module Output read only in part (`cairn export | head -1`): the command stops quietly, exit 0, nothing on stderr. */
import { afterAll, expect, test } from "bun:test";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox } from "../helpers/sandbox.ts";

const s = createSandbox();
afterAll(() => s.cleanup());

test("export and list whose reader stops after the first bytes exit 0 without an error or a stack trace (QA)", async () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ content: `memory ${i} about deploy pipelines and their caches`, type: "note" }));
  await s.ok(["import", "-", "--no-embed", "--quiet"], { stdin: `${lines.join("\n")}\n` });
  for (const args of [["export"], ["export", "--json"], ["list", "--all-projects", "--limit", "5000"], ["list", "--all-projects", "--limit", "5000", "--json"]]) {
    const proc = Bun.spawn([requireBinary(), ...args], { cwd: s.cwd, env: s.env(), stdout: "pipe", stderr: "pipe" });
    const reader = proc.stdout.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    await reader.cancel();
    expect(await proc.exited).toBe(0);
    expect(await new Response(proc.stderr).text()).toBe("");
  }
});
