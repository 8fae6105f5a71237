/** @module The compiled binary's `cairn setup`: JSON shape of a dry run over every client, exit codes, and a real run. */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN, requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-setup-e2e-");
});
afterEach(() => s.cleanup());

test("setup --client all --dry-run --json plans every client and writes nothing", async () => {
  for (const dir of [".claude", ".cursor", ".codex", ".gemini", ".codeium/windsurf", ".config/Claude", ".config/Code/User"]) mkdirSync(join(s.home, dir), { recursive: true });
  const out = await s.json(["setup", "--client", "all", "--dry-run", "--json"]);
  expect(out).toMatchObject({ action: "setup", dry_run: true, scope: "user", command: CAIRN_BIN, ok: true });
  expect(out.clients.map((c: any) => [c.client, c.status])).toEqual(
    ["claude-code", "cursor", "vscode", "claude-desktop", "codex", "windsurf", "gemini"].map((c) => [c, "ok"]),
  );
  const claude = out.clients[0];
  expect(claude.files.map((f: any) => [f.purpose, f.status])).toEqual([["mcp", "created"], ["hooks", "created"]]);
  expect(claude.files[1].changes).toHaveLength(8);
  // The sandbox's CAIRN_HOME is not the default data directory: the agents are told it.
  expect(claude.files[0].changes[0]).toEqual({ action: "added", key: "mcpServers.cairn", detail: `CAIRN_HOME=${s.cairnHome} ${CAIRN_BIN} mcp` });
  expect(claude.files[1].changes[0]).toEqual({ action: "added", key: "hooks.SessionStart", detail: `CAIRN_HOME='${s.cairnHome}' ${CAIRN_BIN} hook session-start` });
  expect(existsSync(join(s.home, ".claude.json"))).toBe(false);
  expect(existsSync(join(s.home, ".cursor", "mcp.json"))).toBe(false);
});

test("setup --client claude-code --dry-run lists the failure hook next to PostToolUse", async () => {
  const r = await s.ok(["setup", "--client", "claude-code", "--dry-run"]);
  expect(r.stdout).toContain(`+ hooks.PostToolUse  CAIRN_HOME='${s.cairnHome}' ${CAIRN_BIN} hook post-tool\n`);
  expect(r.stdout).toContain(`+ hooks.PostToolUseFailure  CAIRN_HOME='${s.cairnHome}' ${CAIRN_BIN} hook post-tool-failure\n`);
  expect(r.stdout).toContain("Dry run: nothing was written.");
  expect(existsSync(join(s.home, ".claude", "settings.json"))).toBe(false);
});

test("a malformed file makes the run exit 1 while the other clients are still written", async () => {
  mkdirSync(join(s.home, ".cursor"));
  await Bun.write(join(s.home, ".cursor", "mcp.json"), "{ not json");
  const r = await s.run(["setup", "--client", "cursor,claude-code"]);
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toContain("ERROR: malformed JSON");
  expect(await Bun.file(join(s.home, ".cursor", "mcp.json")).text()).toBe("{ not json");
  expect(existsSync(join(s.home, ".claude.json"))).toBe(true);
});

test("an unknown client is a usage error", async () => {
  const r = await s.run(["setup", "--client", "emacs"]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain('Unknown client "emacs"');
  // An empty one (an unset variable) names no client, not every client found (QA).
  for (const empty of ["", " , "]) {
    const none = await s.run(["setup", "--client", empty]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain("--client names no client");
  }
  expect(existsSync(join(s.home, ".claude.json"))).toBe(false);
});

test("doctor flags agents wired to another cairn build, not to a copy of this one (QA: OK while every hook ran an older cairn)", async () => {
  const { copyFileSync, chmodSync, writeFileSync } = await import("node:fs");
  const other = join(s.root, "elsewhere", "cairn");
  mkdirSync(join(s.root, "elsewhere"));
  copyFileSync(CAIRN_BIN, other);
  chmodSync(other, 0o755);
  await s.ok(["remember", "a memory, so doctor checks the store"]);
  const wire = Bun.spawnSync([other, "setup", "--client", "claude-code"], { env: s.env(), cwd: s.cwd });
  expect(wire.exitCode).toBe(0);
  const claude = async () => (await s.json<{ checks: Array<{ name: string; level: string; detail: string }> }>(["doctor", "--json"])).checks.find((c) => c.name === "claude-code")!;
  // A copy of this very binary (its date is the copy's) is this build.
  expect((await claude()).detail).not.toContain("another cairn build");
  // Another build in its place (here: other bytes of another size).
  writeFileSync(other, "#!/bin/sh\nexit 0\n");
  const flagged = await claude();
  expect(flagged.level).toBe("warn");
  expect(flagged.detail).toContain(`${other} (in `);
  expect(flagged.detail).toContain("is another cairn build than this one");
});
