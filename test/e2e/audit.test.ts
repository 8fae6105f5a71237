/** @module `cairn audit` through the binary: writers in many processes form one chain; verify names the first broken entry; an anchor proves growth only. */
import { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";
import { McpProcess } from "./mcp-process.ts";

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-audit-");
});
afterEach(() => s.cleanup());

test("8 processes writing at once leave one chain that verifies, against an anchor taken before", async () => {
  await s.ok(["remember", "the first memory, before the anchor"]);
  const head = await s.json<{ anchor: string; count: number }>(["audit", "head", "--json"]);
  expect(head.count).toBe(1);
  await Promise.all(
    Array.from({ length: 8 }, async (_, p) => {
      for (let i = 0; i < 5; i++) await s.ok(["remember", `process ${p} writes memory ${i} about topic ${p * 10 + i}`]);
    }),
  );
  const report = await s.json<{ ok: boolean; checked: number }>(["audit", "verify", "--from", head.anchor, "--json"]);
  expect(report).toMatchObject({ ok: true, checked: 41 });
  expect(await s.json<{ entries: unknown[]; more: boolean }>(["audit", "log", "--limit", "100", "--json"])).toMatchObject({ entries: expect.any(Array), more: false });
  expect((await s.json<{ entries: unknown[] }>(["audit", "log", "--limit", "100", "--json"])).entries).toHaveLength(41);
  // A listing cut at its limit says so (QA: 50 entries, and no word of more).
  expect(await s.json<{ entries: unknown[]; more: boolean }>(["audit", "log", "--limit", "41", "--json"])).toMatchObject({ more: false });
  expect((await s.json<{ entries: unknown[]; more: boolean }>(["audit", "log", "--limit", "40", "--json"])).more).toBe(true);
  expect((await s.run(["audit", "log", "--limit", "10"])).stdout).toContain("older entries match too: --limit 40");
});

test("an edited entry makes verify exit 1 and name it; a rewritten log fails its anchor", async () => {
  for (const text of ["one thing", "another thing", "a third thing"]) await s.ok(["remember", text]);
  const head = await s.json<{ anchor: string }>(["audit", "head", "--json"]);
  const db = new Database(join(s.cairnHome, "cairn.db"));
  db.run("DROP TRIGGER audit_only_purge");
  db.run("UPDATE audit SET actor = 'mallory' WHERE seq = 2");
  db.close();
  const r = await s.run(["audit", "verify"]);
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toContain("broken at entry 2");
  const bad = await s.run(["audit", "verify", "--from", "nonsense"]);
  expect(bad.exitCode).toBe(2);
  // The head recorded earlier no longer matches once the chain is recomputed from entry 2 on.
  expect((await s.run(["audit", "verify", "--from", head.anchor, "--json"])).exitCode).toBe(1);
});

test("a memory edited around cairn: verify and doctor say the log is whole and name the memory", async () => {
  const { id } = await s.json<{ id: string }>(["remember", "the staging database listens on port 5432", "--json"]);
  const db = new Database(join(s.cairnHome, "cairn.db"));
  db.run("UPDATE memories SET content = 'the staging database listens on port 1' WHERE id = ?", [id]);
  db.close();
  const r = await s.run(["audit", "verify"]);
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toContain(`A memory does not match the audit log (audit entry 1): memory ${id}'s text does not match its own content hash`);
  expect(r.stdout).toContain(`cairn audit log --memory ${id}`);
  const json = JSON.parse((await s.run(["audit", "verify", "--json"])).stdout);
  expect(json).toMatchObject({ ok: false, memory: id, broken_at: 1 });
  const doctor = await s.run(["doctor"]);
  expect(doctor.stdout).toContain(`the log verifies, but memory ${id}'s text does not match its own content hash`);
});

test("a hold deleted around cairn: verify names it, forget --hard refuses, doctor --repair puts it back", async () => {
  const { id } = await s.json<{ id: string }>(["remember", "Contract evidence for case 42", "--json"]);
  const { hold } = await s.json<{ hold: { id: string } }>(["hold", "add", "--id", id, "--reason", "litigation", "--json"]);
  const db = new Database(join(s.cairnHome, "cairn.db"));
  db.run("DELETE FROM holds");
  db.close();
  const verify = await s.run(["audit", "verify", "--json"]);
  expect(verify.exitCode).toBe(1);
  expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, policy: hold.id });
  const purge = await s.run(["forget", id, "--hard", "--yes", "--json"]);
  expect(purge.exitCode).toBe(1);
  expect(JSON.parse(purge.stdout).error.code).toBe("POLICY_TAMPERED");
  expect((await s.run(["doctor", "--repair"])).stdout).toContain(`holds and rules  written back from the audit log (1 row): hold ${hold.id}`);
  expect((await s.json<{ ok: boolean }>(["audit", "verify", "--json"])).ok).toBe(true);
  const again = await s.run(["forget", id, "--hard", "--yes", "--json"]);
  expect(JSON.parse(again.stdout).error.code).toBe("HELD");
});

test("each entry names who acted: the CLI user, the MCP client and version, the hook session", async () => {
  await s.ok(["remember", "written from the command line"], { env: { USER: "alice" } });
  const mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
  try {
    await mcp.initialize(); // clientInfo { name: "e2e", version: "1" }
    expect((await mcp.call("remember", { content: "written through MCP" })).result.isError).not.toBe(true);
    mcp.closeStdin();
    await mcp.exited;
  } finally {
    await mcp.kill();
  }
  const prompt = fixture("prompt", { cwd: s.cwd, prompt: "from now on always use pnpm in this repo", session: "s-123" });
  await s.ok(["hook", "prompt"], { stdin: prompt, env: { CAIRN_HOOK_DAEMON: "off" } });
  const log = await s.json<{ entries: Array<{ actor: string; op: string }> }>(["audit", "log", "--json"]);
  expect(log.entries.map((e) => e.actor).sort()).toEqual(["cli:alice", "hook:s-123", "mcp:e2e/1"]);
});

test("an actor's line breaks and escapes are taken out before it is logged: no forged rows in `audit log` (QA)", async () => {
  const user = "mallory\n    99  2026-01-01 00:00  cli:root purge \u001b[8mhidden";
  await s.ok(["remember", "written by an odd user name"], { env: { USER: user } });
  const log = await s.json<{ entries: Array<{ actor: string }> }>(["audit", "log", "--json"]);
  expect(log.entries[0]!.actor).toBe("cli:mallory?    99  2026-01-01 00:00  cli:root purge ?[8mhidden");
  const text = (await s.ok(["audit", "log"])).stdout;
  expect(text.trim().split("\n")).toHaveLength(1);
  expect((await s.run(["audit", "verify"])).exitCode).toBe(0);
});

test("doctor says when audit.key was deleted or replaced: receipts from before cannot be checked with the new one", async () => {
  await s.ok(["remember", "a memory whose create entry keys a hash"]);
  const key = join(s.cairnHome, "audit.key");
  rmSync(key);
  const missing = (await s.json<{ checks: Array<{ name: string; level: string; detail: string }> }>(["doctor", "--json"])).checks.find((c) => c.name === "audit key");
  expect(missing).toMatchObject({ level: "warn", detail: expect.stringContaining("is missing") });
  await s.ok(["remember", "written after the key was lost: a new key is made"]);
  const other = (await s.json<{ checks: Array<{ name: string; level: string; detail: string }> }>(["doctor", "--json"])).checks.find((c) => c.name === "audit key");
  expect(other).toMatchObject({ level: "warn", detail: expect.stringContaining("is not the key the log's hashes were made with") });
});

test("audit verify says, and exits 1, when a deleted or replaced audit.key kept it from comparing the memories (QA: 'intact', exit 0)", async () => {
  await s.ok(["remember", "a memory whose create entry keys a hash"]);
  expect((await s.run(["audit", "verify"])).exitCode).toBe(0);
  rmSync(join(s.cairnHome, "audit.key"));
  const gone = await s.run(["audit", "verify"]);
  expect(gone.exitCode).toBe(1);
  expect(gone.stdout).toContain("But the memories were not compared with it: audit.key beside the database is gone");
  await s.ok(["remember", "written after the key was lost: a new key is made"]);
  const other = await s.run(["audit", "verify", "--json"]);
  expect(other.exitCode).toBe(1);
  expect(JSON.parse(other.stdout)).toMatchObject({ ok: true, memories_checked: false, memories_unchecked: expect.stringContaining("is not the key the log's hashes were made with") });
});

test("an audit.key that is not a key: writes fail with what to do (not Internal error), doctor fails naming it", async () => {
  await s.ok(["remember", "written while the key was sound"]);
  writeFileSync(join(s.cairnHome, "audit.key"), "notakey\n");
  const r = await s.run(["remember", "written after", "--json"]);
  expect(r.exitCode).toBe(1);
  expect(JSON.parse(r.stdout).error).toMatchObject({ code: "AUDIT_KEY_BAD", message: expect.stringContaining("Restore it from a backup, or move it away") });
  const doctor = await s.run(["doctor", "--json"]);
  expect(doctor.exitCode).toBe(1);
  expect((JSON.parse(doctor.stdout) as { checks: Array<{ name: string; level: string }> }).checks.find((c) => c.name === "audit key")).toMatchObject({ level: "fail" });
});

test("audit verify of a database deleted from beside its audit key fails and creates nothing (QA: 'intact', a new empty store)", async () => {
  await s.ok(["remember", "a memory whose log goes with the database"]);
  for (const f of ["cairn.db", "cairn.db-wal", "cairn.db-shm"]) rmSync(join(s.cairnHome, f), { force: true });
  const r = await s.run(["audit", "verify"]);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain("is not there, but its audit key");
  expect(existsSync(join(s.cairnHome, "cairn.db"))).toBe(false);
});

test("no command makes an empty store where a deleted one was (its audit key left): doctor, list, remember refuse (QA re-check)", async () => {
  await s.ok(["remember", "a memory of the store that goes"]);
  for (const f of ["cairn.db", "cairn.db-wal", "cairn.db-shm"]) rmSync(join(s.cairnHome, f), { force: true });
  for (const args of [["doctor"], ["list"], ["remember", "written into an empty store"], ["stats"], ["init"], ["encrypt"], ["decrypt"], ["key", "rotate"], ["models", "list"]]) {
    const r = await s.run(args);
    expect(r.exitCode, args.join(" ")).toBe(1);
    expect(r.stderr + r.stdout).toContain("the store was deleted or moved, and nothing was created in its place");
  }
  // Nor a hook's capture (it fails open, silently, as hooks do).
  const prompt = fixture("prompt", { cwd: s.cwd, prompt: "from now on always use pnpm in this repo", session: "s-gone" });
  await s.ok(["hook", "prompt"], { stdin: prompt, env: { CAIRN_HOOK_DAEMON: "off" } });
  expect(existsSync(join(s.cairnHome, "cairn.db"))).toBe(false);
  // Moving the key away starts a new store, as the message says.
  rmSync(join(s.cairnHome, "audit.key"));
  await s.ok(["remember", "a new store's first memory"]);
});

test("the text audit log says what a rule's or hold's entry did: set or clear, and the reason (QA: a set and its clear read alike)", async () => {
  await s.ok(["remember", "x", "--tags", "a"]);
  const rule = (await s.json<{ rule: { id: string } }>(["retention", "set", "--tag", "a", "--keep", "1y", "--json"])).rule.id;
  await s.ok(["retention", "clear", rule]);
  const hold = (await s.json<{ hold: { id: string } }>(["hold", "add", "--tag", "a", "--reason", "case \u001b[31m9", "--json"])).hold.id;
  const lines = (await s.ok(["audit", "log"])).stdout.trim().split("\n");
  expect(lines.find((l) => l.includes(rule) && l.includes("retention") && l.endsWith("clear"))).toBeDefined();
  expect(lines.find((l) => l.includes(rule) && l.endsWith("set"))).toBeDefined();
  expect(lines.find((l) => l.includes(hold))).toMatch(/"case \[31m9"$/);
});

test("a forget's reason shows in the human audit log and in get --history, not only in --json (QA)", async () => {
  const { id } = await s.json<{ id: string }>(["remember", "the staging database is read-only", "--json"]);
  await s.ok(["forget", id, "--reason", "obsolete since the March migration"]);
  const log = (await s.ok(["audit", "log", "--memory", id])).stdout.split("\n").find((l) => l.includes(" forget "));
  expect(log).toContain('"obsolete since the March migration"');
  const history = (await s.ok(["get", id, "--history"])).stdout.split("\n").find((l) => l.includes(" forget "));
  expect(history).toContain('"obsolete since the March migration"');
});
