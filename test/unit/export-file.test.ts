/**
 * @module `cairn export --output`'s file: replaced only by a complete export, private (0600); a failed write,
 * sync or rename leaves the file that was there as it was, no temporary file behind, and a full disk is
 * EXPORT_FULL, not INTERNAL.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, fsyncSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExportFs, openExportFile } from "../../src/cli/export-file.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cairn-export-file-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
const realFs: ExportFs = { openSync, writeSync: (fd, data) => writeSync(fd, data), fsyncSync, renameSync };

test("a complete export replaces the file, private, with nothing left beside it", () => {
  const file = join(dir, "memories.jsonl");
  writeFileSync(file, "old export\n", { mode: 0o644 });
  const out = openExportFile(file);
  out.write('{"content":"one"}\n');
  out.write('{"content":"two"}\n');
  expect(readFileSync(file, "utf8")).toBe("old export\n");
  out.commit();
  expect(readFileSync(file, "utf8")).toBe('{"content":"one"}\n{"content":"two"}\n');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir)).toEqual(["memories.jsonl"]);
});

test.each(["write", "fsync", "rename"] as const)("a disk filling during the %s leaves the old file as it was and no temporary file", (step) => {
  const file = join(dir, "memories.jsonl");
  writeFileSync(file, "old export\n", { mode: 0o600 });
  let writes = 0;
  const fs: ExportFs = {
    ...realFs,
    writeSync: (fd, data) => {
      if (step === "write" && ++writes === 2) throw enospc();
      return realFs.writeSync(fd, data);
    },
    fsyncSync: (fd) => {
      if (step === "fsync") throw enospc();
      realFs.fsyncSync(fd);
    },
    renameSync: (a, b) => {
      if (step === "rename") throw enospc();
      realFs.renameSync(a, b);
    },
  };
  const out = openExportFile(file, fs);
  let caught: unknown;
  try {
    out.write("x".repeat(100));
    out.write("y".repeat(100));
    out.commit();
  } catch (err) {
    caught = err;
    out.abort();
  }
  expect(caught).toMatchObject({ code: "EXPORT_FULL" });
  expect((caught as Error).message).toMatch(/The disk holding ".*memories\.jsonl" is full \(ENOSPC.*\); the export was not written, and what was there is as it was/);
  expect(readFileSync(file, "utf8")).toBe("old export\n");
  expect(readdirSync(dir)).toEqual(["memories.jsonl"]);
});

test("a directory that does not exist is EXPORT_FILE", () => {
  expect(() => openExportFile(join(dir, "no", "such.jsonl"))).toThrow(expect.objectContaining({ code: "EXPORT_FILE" }));
});

test("a symbolic link is followed: the file it points at is replaced, the link stays", () => {
  const real = join(dir, "real.jsonl");
  writeFileSync(real, "old\n");
  symlinkSync(real, join(dir, "link.jsonl"));
  const out = openExportFile(join(dir, "link.jsonl"));
  out.write("new\n");
  out.commit();
  expect(readFileSync(real, "utf8")).toBe("new\n");
  expect(readdirSync(dir).sort()).toEqual(["link.jsonl", "real.jsonl"]);
});

test("a link to something that is not a regular file (/dev/stdout → a pipe) is written through, never replaced", () => {
  // A FIFO stands for the pipe behind /dev/stdout: the link must stay a link, and the bytes go through it.
  const fifo = join(dir, "pipe");
  Bun.spawnSync(["mkfifo", fifo]);
  const link = join(dir, "stdout");
  symlinkSync(fifo, link);
  const reader = Bun.spawn(["cat", fifo], { stdout: "pipe" });
  const out = openExportFile(link);
  out.write("through the pipe\n");
  out.commit();
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
  return new Response(reader.stdout).text().then((text) => expect(text).toBe("through the pipe\n"));
});

test("a dangling link is not replaced by a file either", () => {
  const link = join(dir, "dangling.jsonl");
  symlinkSync(join(dir, "gone", "target.jsonl"), link);
  expect(() => openExportFile(link)).toThrow(expect.objectContaining({ code: "EXPORT_FILE" }));
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
});

test("a loop of links is EXPORT_FILE, not an internal error", () => {
  symlinkSync(join(dir, "loop2"), join(dir, "loop1"));
  symlinkSync(join(dir, "loop1"), join(dir, "loop2"));
  expect(() => openExportFile(join(dir, "loop1"))).toThrow(expect.objectContaining({ code: "EXPORT_FILE" }));
});

test("a read-only file (0444) is EXPORT_FILE and left as it was, for root too; a link to one likewise (QA: the rename replaced it)", () => {
  const file = join(dir, "keep.jsonl");
  writeFileSync(file, "an earlier export I protected\n");
  chmodSync(file, 0o444);
  const link = join(dir, "link.jsonl");
  symlinkSync(file, link);
  for (const path of [file, link]) {
    expect(() => openExportFile(path)).toThrow(expect.objectContaining({ code: "EXPORT_FILE", message: expect.stringContaining("not writable (mode 0444)") }));
  }
  expect(readFileSync(file, "utf8")).toBe("an earlier export I protected\n");
  expect(statSync(file).mode & 0o777).toBe(0o444);
  expect(readdirSync(dir).sort()).toEqual(["keep.jsonl", "link.jsonl"]);
});
