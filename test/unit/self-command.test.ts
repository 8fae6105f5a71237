/**
 * @module How cairn runs itself again (the re-embedding worker, the hook daemon): from source, always cairn's own
 * entry, never the script the process was started with (in a test run, a test file: re-running it with cairn's
 * arguments ran the test file again, ~50 times a suite).
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { selfCommand } from "../../src/self-command.ts";
import { VERSION } from "../../src/version.ts";
import { REPO_ROOT } from "../helpers/bin.ts";

test("from source, the command is Bun with src/main.ts, whatever this process's script is", () => {
  expect(process.argv[1]).not.toBe(join(REPO_ROOT, "src", "main.ts"));
  expect(selfCommand()).toEqual([process.execPath, join(REPO_ROOT, "src", "main.ts")]);
});

test("the command runs cairn", () => {
  const r = Bun.spawnSync([...selfCommand(), "version", "--json"], { env: { ...process.env, CAIRN_HOOK_DAEMON: "off" } });
  expect(r.exitCode).toBe(0);
  expect(JSON.parse(r.stdout.toString())).toMatchObject({ version: VERSION });
});
