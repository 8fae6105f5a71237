/**
 * @module Logs of an encrypted store are sealed (log-file.ts): once the store is open in a process, hooks.log
 * lines hold ciphertext, not the words; they open again with the store's key, not with another; a purge
 * scrubs quotes out of sealed lines too (both generations of the file); a plain store's logs stay plain.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendHookLog, HOOK_LOG, hookLogFile } from "../../src/hooks/log.ts";
import { scrubHookFiles } from "../../src/hooks/state-erase.ts";
import { logSealOf, parseLogLine, SEALED_LINE } from "../../src/log-file.ts";
import { logSeal } from "../../src/store/content-codec.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { encryptedOptions } from "../helpers/engine.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cairn-sealed-logs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = () => readFileSync(hookLogFile(dir), "utf8").trim().split("\n");

test("an encrypted store's hooks.log holds no words; they open with its key and not with another", () => {
  const dbFile = join(dir, "cairn.db");
  const store = new SqliteStore(dbFile, encryptedOptions(undefined, dbFile));
  try {
    appendHookLog(dir, "prompt error: the quarrelsome-pelican deploy failed");
    appendHookLog(dir, "stop ok (12 chars)");
    const raw = readFileSync(hookLogFile(dir), "utf8");
    expect(raw).not.toContain("pelican");
    expect(raw).not.toContain("stop ok");
    expect(lines().every((l) => l.split(" ")[1]!.startsWith(SEALED_LINE))).toBe(true);
    const opened = lines().map((l) => parseLogLine(HOOK_LOG, l, logSealOf(dir)));
    expect(opened.map((l) => [l.text, l.sealed, l.readable])).toEqual([
      ["prompt error: the quarrelsome-pelican deploy failed", true, true],
      ["stop ok (12 chars)", true, true],
    ]);
    const other = logSeal(encryptedOptions().codec)!;
    expect(parseLogLine(HOOK_LOG, lines()[0]!, other)).toMatchObject({ sealed: true, readable: false });
    expect(parseLogLine(HOOK_LOG, lines()[0]!, null)).toMatchObject({ sealed: true, readable: false });
    // A line moved to another time does not open: each is bound to its own.
    const [at, body] = lines()[0]!.split(" ");
    const moved = `${new Date(Date.parse(at!) + 1000).toISOString()} ${body}`;
    expect(parseLogLine(HOOK_LOG, moved, logSealOf(dir)).readable).toBe(false);
  } finally {
    store.close();
  }
});

test("a purge scrubs quotes out of sealed lines in both generations, keeps the others, drops lines it cannot open", () => {
  const dbFile = join(dir, "cairn.db");
  const store = new SqliteStore(dbFile, encryptedOptions(undefined, dbFile));
  try {
    appendHookLog(dir, "prompt error: could not store 'rotate the vault token weekly'");
    appendHookLog(dir, "stop ok (40 chars)");
    writeFileSync(`${hookLogFile(dir)}.1`, readFileSync(hookLogFile(dir), "utf8"));
    const foreign = `2026-01-01T00:00:00.000Z ${SEALED_LINE}${logSeal(encryptedOptions().codec)!.seal("x", `${HOOK_LOG} 2026-01-01T00:00:00.000Z`)}`;
    writeFileSync(hookLogFile(dir), `${readFileSync(hookLogFile(dir), "utf8")}${foreign}\n`);
    scrubHookFiles(dir, ["rotate the vault token weekly"]);
    for (const file of [hookLogFile(dir), `${hookLogFile(dir)}.1`]) {
      const texts = readFileSync(file, "utf8").trim().split("\n").map((l) => parseLogLine(HOOK_LOG, l, logSealOf(dir)));
      expect(texts.every((t) => t.readable && t.sealed)).toBe(true);
      expect(texts.map((t) => t.text).join("\n")).not.toContain("vault token");
      expect(texts.map((t) => t.text)).toContain("stop ok (40 chars)");
      expect(texts).toHaveLength(2);
    }
  } finally {
    store.close();
  }
});

test("a plain store's hooks.log stays plain text", () => {
  const dbFile = join(dir, "cairn.db");
  const store = new SqliteStore(dbFile);
  try {
    appendHookLog(dir, "stop ok (3 chars)");
    expect(lines()[0]).toEndWith(" stop ok (3 chars)");
    expect(logSealOf(dir)).toBeNull();
  } finally {
    store.close();
  }
});
