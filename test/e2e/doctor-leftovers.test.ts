/**
 * @module `cairn doctor` names the files killed or failed cairn processes left beside the database
 * (`erase-pending.json.<pid>.tmp`, `cairn.db.repair-<pid>` and its -wal), and `doctor --repair` removes them; a
 * live process's files are left alone (QA: none was reported, and only a later repair of a damaged store removed
 * a repair's copy).
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

type Check = { name: string; level: string; detail: string };
const leftovers = async (args: string[] = []) => {
  const r = await s.run(["doctor", "--json", ...args]);
  return (JSON.parse(r.stdout) as { checks: Check[] }).checks.find((c) => c.name === "leftovers");
};

test("leftovers of processes that are gone are named, then removed by --repair; a live process's stay", async () => {
  await s.ok(["remember", "a memory so the store exists"]);
  const dead = Bun.spawnSync(["true"]).pid;
  const gone = [`erase-pending.json.${dead}.tmp`, `cairn.db.repair-${dead}`, `cairn.db.repair-${dead}-wal`];
  const live = `erase-pending.json.${process.pid}.tmp`;
  for (const name of [...gone, live]) writeFileSync(join(s.cairnHome, name), "");
  const named = await leftovers();
  expect(named?.level).toBe("warn");
  for (const name of gone) expect(named?.detail).toContain(join(s.cairnHome, name));
  expect(named?.detail).not.toContain(live);
  expect(named?.detail).toContain("`cairn doctor --repair` removes them");

  const removed = await leftovers(["--repair"]);
  expect(removed?.level).toBe("ok");
  expect(removed?.detail).toStartWith("removed ");
  for (const name of gone) expect(existsSync(join(s.cairnHome, name))).toBe(false);
  expect(readdirSync(s.cairnHome)).toContain(live);
  expect(await leftovers()).toBeUndefined();
});

test("doctor says when it upgraded the store it checks, and from which version (QA: it did so silently)", async () => {
  await s.ok(["remember", "a note from an older cairn's day"]);
  const { Database } = await import("bun:sqlite");
  const { SCHEMA_VERSION } = await import("../../src/store/migrations.ts");
  // The store as the cairn before the last migration left it.
  const raw = new Database(join(s.cairnHome, "cairn.db"));
  raw.run("ALTER TABLE sync_secret DROP COLUMN server_password");
  raw.run(`PRAGMA user_version = ${SCHEMA_VERSION - 1}`);
  raw.close();
  const first = await s.run(["doctor", "--json"]);
  const schema = (r: { stdout: string }) => (JSON.parse(r.stdout) as { checks: Array<{ name: string; detail: string }> }).checks.find((c) => c.name === "schema")!.detail;
  expect(schema(first)).toContain(`upgraded just now from version ${SCHEMA_VERSION - 1}`);
  expect(schema(await s.run(["doctor", "--json"]))).toBe(`version ${SCHEMA_VERSION} (this cairn: ${SCHEMA_VERSION})`);
});
