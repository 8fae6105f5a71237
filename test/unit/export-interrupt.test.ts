/**
 * @module An interrupted export leaves no copy of the memories behind (QA: a hidden plain-text
 * `.F.cairn-export-<pid>-*.tmp`, even from an encrypted store; a markdown staging folder that refused every retry):
 * Ctrl-C, SIGTERM and SIGHUP remove the temporary file or staging folder, and what a killed export left (its
 * process gone) is removed by the next export to the same place, while a running export's files are left alone.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openExportFile } from "../../src/cli/export-file.ts";
import { withExportFolder } from "../../src/cli/export-folder.ts";

const SRC = join(import.meta.dir, "..", "..", "src", "cli");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cairn-export-interrupt-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has ended. */
function deadPid(): number {
  const p = Bun.spawnSync(["true"]);
  return p.pid;
}

test("the next export to a file removes the temporary file of a killed export, not a running one's", () => {
  const file = join(dir, "backup.jsonl");
  const dead = `.backup.jsonl.cairn-export-${deadPid()}-zvc5jvm2.tmp`;
  const live = `.backup.jsonl.cairn-export-${process.ppid}-k0gplahl.tmp`;
  const other = `.other.jsonl.cairn-export-${deadPid()}-abcdefgh.tmp`;
  for (const name of [dead, live, other]) writeFileSync(join(dir, name), '{"content":"confidential"}\n');
  const out = openExportFile(file);
  out.write('{"content":"new"}\n');
  out.commit();
  expect(readdirSync(dir).sort()).toEqual([live, other, "backup.jsonl"].sort());
});

test("a markdown export into a folder a killed export staged in clears that staging folder; a running one's is named", async () => {
  const md = join(dir, "md");
  const dead = join(md, `.cairn-export-${deadPid()}-6l0051st`);
  mkdirSync(join(dead, "p", "fact"), { recursive: true });
  writeFileSync(join(dead, "p", "fact", "a.md"), "confidential");
  await withExportFolder(md, async (folder) => folder.write("README.md", "# index\n"));
  expect(readdirSync(md)).toEqual(["README.md"]);

  const busy = join(dir, "busy");
  const running = `.cairn-export-${process.ppid}-6l0051st`;
  mkdirSync(join(busy, running), { recursive: true });
  await expect(withExportFolder(busy, async () => 0)).rejects.toThrow(`${running} is the staging folder of an export still running`);
  expect(readdirSync(busy)).toEqual([running]);
});

/** A process in the middle of an export, between writes, until it is signalled. */
function exporting(kind: "file" | "folder", target: string) {
  const code =
    kind === "file"
      ? `import { openExportFile } from ${JSON.stringify(join(SRC, "export-file.ts"))};
         import { letSignalsIn } from ${JSON.stringify(join(SRC, "interrupt.ts"))};
         const out = openExportFile(${JSON.stringify(target)});
         out.write("partial\\n");
         console.log("ready");
         for (;;) await letSignalsIn();`
      : `import { withExportFolder } from ${JSON.stringify(join(SRC, "export-folder.ts"))};
         import { letSignalsIn } from ${JSON.stringify(join(SRC, "interrupt.ts"))};
         await withExportFolder(${JSON.stringify(target)}, async (folder) => {
           folder.write("p/fact/a.md", "partial");
           console.log("ready");
           for (;;) await letSignalsIn();
         });`;
  return Bun.spawn([process.execPath, "-e", code], { stdout: "pipe", stderr: "inherit" });
}

async function untilReady(proc: ReturnType<typeof exporting>): Promise<void> {
  const reader = proc.stdout.getReader();
  let seen = "";
  while (!seen.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the exporting process ended before it was ready");
    seen += new TextDecoder().decode(value);
  }
  reader.releaseLock();
}

test.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)("%s during an export to a file removes its temporary file and ends the process", async (signal) => {
  const file = join(dir, "backup.jsonl");
  writeFileSync(file, "old export\n");
  const proc = exporting("file", file);
  await untilReady(proc);
  expect(readdirSync(dir)).toHaveLength(2);
  proc.kill(signal);
  await proc.exited;
  expect(proc.signalCode).toBe(signal);
  expect(readdirSync(dir)).toEqual(["backup.jsonl"]);
});

test.each(["SIGINT", "SIGTERM"] as const)("%s during a markdown export removes its staging folder, and the folder it created", async (signal) => {
  const kept = join(dir, "kept");
  mkdirSync(kept);
  const proc = exporting("folder", kept);
  await untilReady(proc);
  expect(readdirSync(kept)).toHaveLength(1);
  proc.kill(signal);
  await proc.exited;
  expect(proc.signalCode).toBe(signal);
  expect(readdirSync(kept)).toEqual([]);

  const fresh = join(dir, "new", "md");
  const again = exporting("folder", fresh);
  await untilReady(again);
  again.kill(signal);
  await again.exited;
  expect(readdirSync(dir)).toEqual(["kept"]);
});
