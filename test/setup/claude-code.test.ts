/** @module `cairn setup --client claude-code`: MCP in ~/.claude.json / .mcp.json and hooks merged into settings.json. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CLAUDE_HOOKS } from "../../src/setup/claude-code.ts";
import { parseJsonc } from "../../src/setup/jsonc.ts";
import { resolveCommand } from "../../src/setup/run.ts";
import { backupsOf, createWorld, type World } from "./world.ts";

let w: World;
beforeEach(() => {
  w = createWorld();
});
afterEach(() => w.cleanup());

const json = (path: string): any => JSON.parse(w.read(path));

describe("user scope", () => {
  test("registers the server and all seven hooks, keeping every other key in its order", () => {
    const state = w.fixture("claude.json", "home/.claude.json");
    const settings = w.fixture("claude-settings.json", "home/.claude/settings.json");
    const original = { state: json(state), settings: json(settings) };
    const report = w.setup({ client: "claude-code" });
    expect(report.clients[0]!.status).toBe("ok");

    const s = json(state);
    expect(Object.keys(s)).toEqual(Object.keys(original.state));
    expect(Object.keys(s.mcpServers)).toEqual(["github", "cairn"]);
    expect(s.mcpServers.github).toEqual(original.state.mcpServers.github);
    expect(s.mcpServers.cairn).toEqual({ type: "stdio", command: w.bin, args: ["mcp"] });
    expect(s.projects).toEqual(original.state.projects);

    const h = json(settings);
    expect(Object.keys(h)).toEqual(Object.keys(original.settings));
    expect(h.permissions).toEqual(original.settings.permissions);
    for (const spec of CLAUDE_HOOKS) {
      const groups = h.hooks[spec.event] as any[];
      const ours = groups.filter((g) => g.hooks.some((x: any) => x.command === `${w.bin} hook ${spec.name}`));
      expect(ours).toEqual([{ ...(spec.matcher ? { matcher: spec.matcher } : {}), hooks: [{ type: "command", command: `${w.bin} hook ${spec.name}`, timeout: spec.timeout }] }]);
    }
    // The user's own handlers stay first and untouched.
    expect(h.hooks.PreToolUse[0]).toEqual(original.settings.hooks.PreToolUse[0]);
    expect(h.hooks.Stop[0]).toEqual(original.settings.hooks.Stop[0]);
  });

  test("a second run changes nothing, byte for byte, and makes no new backup", () => {
    const state = w.fixture("claude.json", "home/.claude.json");
    const settings = w.fixture("claude-settings.json", "home/.claude/settings.json");
    w.setup({ client: "claude-code" });
    const first = { state: w.read(state), settings: w.read(settings), backups: backupsOf(state).length + backupsOf(settings).length };
    const again = w.setup({ client: "claude-code", now: new Date("2026-08-23T10:00:00Z") });
    expect(again.clients[0]!.files.map((f) => f.status)).toEqual(["unchanged", "unchanged"]);
    expect(again.clients[0]!.files.flatMap((f) => f.changes)).toEqual([]);
    expect(w.read(state)).toBe(first.state);
    expect(w.read(settings)).toBe(first.settings);
    expect(backupsOf(state).length + backupsOf(settings).length).toBe(first.backups);
  });

  test("backs up each existing file before changing it and keeps its mode", () => {
    const state = w.fixture("claude.json", "home/.claude.json");
    const before = w.read(state);
    const { chmodSync } = require("node:fs") as typeof import("node:fs");
    chmodSync(state, 0o600);
    const report = w.setup({ client: "claude-code" });
    const file = report.clients[0]!.files[0]!;
    expect(file.backup).toBe(`${state}.cairn-backup-20260822T100000Z`);
    expect(w.read(file.backup!)).toBe(before);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    // settings.json did not exist: created (private), nothing to back up.
    const created = report.clients[0]!.files[1]!;
    expect(created.status).toBe("created");
    expect(created.backup).toBeUndefined();
    expect(statSync(created.path).mode & 0o777).toBe(0o600);
  });

  test("uninstall removes exactly cairn's entries and gives back the original meaning", () => {
    const state = w.fixture("claude.json", "home/.claude.json");
    const settings = w.fixture("claude-settings.json", "home/.claude/settings.json");
    const original = { state: w.read(state), settings: w.read(settings) };
    w.setup({ client: "claude-code" });
    const report = w.setup({ client: "claude-code", uninstall: true });
    expect(report.clients[0]!.files.flatMap((f) => f.changes.map((c) => c.action))).toEqual(Array(1 + CLAUDE_HOOKS.length).fill("removed"));
    expect(json(state)).toEqual(JSON.parse(original.state));
    expect(json(settings)).toEqual(JSON.parse(original.settings));
    expect(w.read(state)).toBe(original.state);
  });

  test("updates a stale cairn hook in place, drops duplicates, and leaves other handlers alone", () => {
    const settings = w.fixture("claude-settings-stale.json", "home/.claude/settings.json");
    const report = w.setup({ client: "claude-code" });
    const h = json(settings);
    // The path is brought up to date; its timeout of 30, above cairn's 10, is kept as the user's.
    expect(h.hooks.Stop).toEqual([
      { hooks: [{ type: "command", command: `${w.bin} hook stop`, timeout: 30 }, { type: "command", command: "notify-send done" }] },
    ]);
    expect(h.hooks.SessionEnd).toEqual([{ hooks: [{ type: "command", command: `${w.bin} hook session-end`, timeout: 5 }] }]);
    const changes = report.clients[0]!.files[1]!.changes;
    expect(changes.find((c) => c.key === "hooks.Stop")?.action).toBe("updated");
    expect(changes.filter((c) => c.key === "hooks.SessionEnd").map((c) => c.action)).toEqual(["updated", "removed"]);
    expect(w.setup({ client: "claude-code" }).clients[0]!.files[1]!.status).toBe("unchanged");
  });

  test("a user's additions to cairn's server entry (env) survive a re-run with a new path", () => {
    const state = w.write("home/.claude.json", JSON.stringify({ mcpServers: { cairn: { command: "/old/cairn", args: ["mcp"], env: { HTTPS_PROXY: "http://proxy:3128" } } } }, null, 2));
    const report = w.setup({ client: "claude-code" });
    expect(json(state).mcpServers.cairn).toEqual({ command: w.bin, args: ["mcp"], env: { HTTPS_PROXY: "http://proxy:3128" }, type: "stdio" });
    expect(report.clients[0]!.files[0]!.changes.map((c) => `${c.action} ${c.key}`)).toEqual(["added mcpServers.cairn.type", "updated mcpServers.cairn.command"]);
  });

  test("a hook timeout the user raised stays on a re-run; one below cairn's is raised to it (QA)", () => {
    w.setup({ client: "claude-code" });
    const settings = join(w.home, ".claude", "settings.json");
    const h = json(settings);
    h.hooks.PreToolUse[0].hooks[0].timeout = 20;
    h.hooks.Stop[0].hooks[0].timeout = 2;
    writeFileSync(settings, JSON.stringify(h, null, 2));
    w.setup({ client: "claude-code" });
    const after = json(settings);
    expect(after.hooks.PreToolUse[0].hooks[0].timeout).toBe(20);
    expect(after.hooks.Stop[0].hooks[0].timeout).toBe(CLAUDE_HOOKS.find((s) => s.event === "Stop")!.timeout);
    // Its matcher narrowed by the user too: the handler is put back under cairn's matcher, the timeout kept.
    after.hooks.PreToolUse[0].matcher = "Bash";
    writeFileSync(settings, JSON.stringify(after, null, 2));
    w.setup({ client: "claude-code" });
    const pre = json(settings).hooks.PreToolUse as Array<{ matcher: string; hooks: Array<{ timeout: number }> }>;
    expect(pre.map((g) => [g.matcher, g.hooks[0]!.timeout])).toEqual([["Edit|Write|MultiEdit|Bash", 20]]);
  });

  test("a hand-written `cairn mcp` with arguments of the user's own (a project pin) keeps them; only the command's path is updated (QA M3)", () => {
    const state = w.write("home/.claude.json", JSON.stringify({ mcpServers: { cairn: { command: "cairn", args: ["mcp", "--project", "payments"] } } }));
    const report = w.setup({ client: "claude-code" });
    expect(json(state).mcpServers.cairn).toEqual({ command: w.bin, args: ["mcp", "--project", "payments"], type: "stdio" });
    expect(report.clients[0]!.files[0]!.changes.map((c) => `${c.action} ${c.key}`)).toEqual(["added mcpServers.cairn.type", "updated mcpServers.cairn.command"]);
    // Not a way of running `cairn mcp`: put right.
    w.write("home/.claude.json", JSON.stringify({ mcpServers: { cairn: { command: w.bin, args: ["serve"], type: "stdio" } } }));
    w.setup({ client: "claude-code" });
    expect(json(state).mcpServers.cairn.args).toEqual(["mcp"]);
  });

  test("a user's hook that only mentions `cairn hook stop` is theirs: setup and uninstall leave it (QA)", () => {
    const theirs = [
      { type: "command", command: "echo 'cairn hook stop' >> /tmp/hook-audit.log" },
      { type: "command", command: "python3 ~/bin/my_stop_hook.py  # replaces cairn hook stop" },
    ];
    const settings = w.write("home/.claude/settings.json", JSON.stringify({ hooks: { Stop: [{ hooks: theirs }] } }, null, 2));
    w.setup({ client: "claude-code" });
    const stop = json(settings).hooks.Stop as Array<{ hooks: Array<{ command: string }> }>;
    expect(stop[0]!.hooks).toEqual(theirs);
    expect(stop.flatMap((g) => g.hooks.map((h) => h.command))).toContain(`${w.bin} hook stop`);
    w.setup({ client: "claude-code", uninstall: true });
    expect(json(settings).hooks).toEqual({ Stop: [{ hooks: theirs }] });
  });

  test("cairn's handler wrapped by the user (a pipeline, variables of their own) keeps the wrapping on a re-run with a new path (QA)", () => {
    const settings = w.write(
      "home/.claude/settings.json",
      JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: "command", command: "tee -a /tmp/stop.log | CAIRN_HOOK_DEBUG=1 /old/bin/cairn hook stop", timeout: 10 }] }], SessionEnd: [{ hooks: [{ type: "command", command: "CAIRN_HOOK_DEBUG=1 '/old dir/cairn' hook session-end", timeout: 5 }] }] } }, null, 2),
    );
    w.setup({ client: "claude-code" });
    const h = json(settings).hooks;
    expect(h.Stop).toEqual([{ hooks: [{ type: "command", command: `tee -a /tmp/stop.log | CAIRN_HOOK_DEBUG=1 ${w.bin} hook stop`, timeout: 10 }] }]);
    expect(h.SessionEnd).toEqual([{ hooks: [{ type: "command", command: `CAIRN_HOOK_DEBUG=1 ${w.bin} hook session-end`, timeout: 5 }] }]);
    expect(w.setup({ client: "claude-code" }).clients[0]!.files[1]!.status).toBe("unchanged");
  });

  test("a path with spaces is quoted in hook commands and still recognised on uninstall", () => {
    const bin = join(w.root, "my tools", "cairn");
    const settings = join(w.home, ".claude", "settings.json");
    w.setup({ client: "claude-code", command: bin });
    expect(json(settings).hooks.Stop[0].hooks[0].command).toBe(`"${bin}" hook stop`);
    w.setup({ client: "claude-code", command: bin, uninstall: true });
    expect(json(settings)).toEqual({});
  });
});

test("SessionStart is registered for every source Claude Code reports, a fork included (v2.1.214; reported as resume before)", () => {
  const written = CLAUDE_HOOKS.find((h) => h.event === "SessionStart")!.matcher!.split("|").sort();
  expect(written).toEqual(["clear", "compact", "fork", "resume", "startup"]);
});

describe("project scope", () => {
  test("the command: `cairn` for project files, this binary for user files, a bare --command stays a PATH lookup", () => {
    expect(resolveCommand(undefined, "project", "/opt/cairn/bin/cairn")).toBe("cairn");
    expect(resolveCommand(undefined, "user", "/opt/cairn/bin/cairn")).toBe("/opt/cairn/bin/cairn");
    expect(resolveCommand("cairn", "user", "/opt/cairn/bin/cairn")).toBe("cairn");
    expect(resolveCommand("bin/cairn", "project", "/opt/cairn/bin/cairn", "/work")).toBe("/work/bin/cairn");
    expect(() => resolveCommand(undefined, "user", "/usr/local/bin/bun")).toThrow("--command");
  });

  test("run through a link (Homebrew's bin/cairn → Cellar/…/0.2.0), user files get the link, which outlives an upgrade (QA)", () => {
    const root = mkdtempSync(join(tmpdir(), "cairn-link-"));
    try {
      const real = join(root, "Cellar", "cairn", "0.2.0", "bin", "cairn");
      mkdirSync(dirname(real), { recursive: true });
      writeFileSync(real, "#!/bin/sh\n", { mode: 0o755 });
      mkdirSync(join(root, "bin"));
      symlinkSync(real, join(root, "bin", "cairn"));
      writeFileSync(join(root, "bin", "other"), "#!/bin/sh\n", { mode: 0o755 });
      const link = join(root, "bin", "cairn");
      expect(resolveCommand(undefined, "user", real, "/", { argv0: "cairn", path: `/nowhere:${join(root, "bin")}` })).toBe(link);
      expect(resolveCommand(undefined, "user", real, root, { argv0: "./bin/cairn", path: "" })).toBe(link);
      // Run by its own path, or by a name that is another program: the executable's path.
      expect(resolveCommand(undefined, "user", real, root, { argv0: real, path: "" })).toBe(real);
      expect(resolveCommand(undefined, "user", real, root, { argv0: "other", path: join(root, "bin") })).toBe(real);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("uninstall deletes a project file that held only cairn; a user file keeps its (empty) object", () => {
    w.setup({ client: "claude-code", scope: "project", command: "cairn" });
    w.setup({ client: "claude-code", command: "cairn" });
    const project = w.setup({ client: "claude-code", scope: "project", command: "cairn", uninstall: true });
    expect(project.clients[0]!.files.map((f) => f.status)).toEqual(["deleted", "deleted"]);
    expect(existsSync(join(w.project, ".mcp.json"))).toBe(false);
    expect(existsSync(join(w.project, ".claude"))).toBe(false);
    w.setup({ client: "claude-code", command: "cairn", uninstall: true });
    expect(json(join(w.home, ".claude", "settings.json"))).toEqual({});
  });

  test("backups are 0600 in 0700 folders whatever the original's mode, and earlier ones there are made so (QA: 0644 with secrets)", () => {
    const mcp = w.write("project/.mcp.json", `{ "mcpServers": { "other": { "command": "x", "env": { "API_TOKEN": "tok_abc123secret" } } } }\n`);
    chmodSync(mcp, 0o644);
    const backups = join(w.home, ".local", "share", "cairn", "backups");
    const earlier = w.write("home/.local/share/cairn/backups/20260801T000000Z/old/.mcp.json", "{}\n");
    chmodSync(earlier, 0o644);
    chmodSync(dirname(earlier), 0o755);
    const file = w.setup({ client: "claude-code", scope: "project", command: "cairn" }).clients[0]!.files[0]!;
    expect(file.backup!.startsWith(`${backups}/`)).toBe(true);
    expect(w.read(file.backup!)).toContain("tok_abc123secret");
    expect(statSync(file.backup!).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file.backup!)).mode & 0o777).toBe(0o700);
    expect(statSync(earlier).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(earlier)).mode & 0o777).toBe(0o700);
    expect(statSync(mcp).mode & 0o777).toBe(0o644);
    // A user file's copy beside it is private too.
    const state = w.write("home/.claude.json", `{ "mcpServers": { "other": { "command": "x" } } }\n`);
    chmodSync(state, 0o644);
    const userFile = w.setup({ client: "claude-code" }).clients[0]!.files[0]!;
    expect(statSync(userFile.backup!).mode & 0o777).toBe(0o600);
  });

  test("writes .mcp.json and .claude/settings.json at the git root, not the home directory", () => {
    const report = w.setup({ client: "claude-code", scope: "project", cwd: join(w.project) });
    expect(report.clients[0]!.files.map((f) => f.path)).toEqual([join(w.project, ".mcp.json"), join(w.project, ".claude", "settings.json")]);
    expect(json(join(w.project, ".mcp.json")).mcpServers.cairn.command).toBe(w.bin);
    expect(Object.keys(json(join(w.project, ".claude", "settings.json")).hooks)).toEqual(CLAUDE_HOOKS.map((h) => h.event));
    expect(existsSync(join(w.home, ".claude.json"))).toBe(false);
    expect(statSync(join(w.project, ".mcp.json")).mode & 0o777).toBe(0o644);
  });
});

describe("files that cannot be edited safely", () => {
  test("a malformed file is reported with the parse error and left untouched; the other file still gets done", () => {
    const state = w.fixture("malformed.json", "home/.claude.json");
    const before = w.read(state);
    const report = w.setup({ client: "claude-code" });
    const [mcp, hooks] = report.clients[0]!.files;
    expect(report.clients[0]!.status).toBe("error");
    expect(mcp!.status).toBe("error");
    expect(mcp!.error).toMatch(/malformed JSON .*line \d+, column \d+/);
    expect(w.read(state)).toBe(before);
    expect(backupsOf(state)).toEqual([]);
    expect(hooks!.status).toBe("created");
  });

  test("an empty file is treated as an empty object", () => {
    const state = w.fixture("empty.json", "home/.claude.json");
    w.setup({ client: "claude-code" });
    expect(parseJsonc(w.read(state))).toEqual({ mcpServers: { cairn: { type: "stdio", command: w.bin, args: ["mcp"] } } });
  });

  test("a read-only file is refused and left as it is; a folder in its place is named as such (QA: replaced by a rename, raw EISDIR)", () => {
    const state = w.write("home/.claude.json", '{ "mcpServers": {} }\n');
    chmodSync(state, 0o444);
    const report = w.setup({ client: "claude-code" });
    expect(report.clients[0]!.files[0]!.error).toContain("is read-only (mode 444): make it writable (chmod u+w)");
    expect(w.read(state)).toBe('{ "mcpServers": {} }\n');
    expect(statSync(state).mode & 0o777).toBe(0o444);
    const settings = join(w.home, ".claude", "settings.json");
    rmSync(settings, { force: true });
    mkdirSync(settings, { recursive: true });
    const hooks = w.setup({ client: "claude-code" }).clients[0]!.files[1]!;
    expect(hooks.error).toContain("is a folder where a config file should be: move it away");
  });

  test("hooks that are not a list are refused, not overwritten", () => {
    const settings = w.write("home/.claude/settings.json", '{ "hooks": { "Stop": "oops" } }\n');
    const report = w.setup({ client: "claude-code" });
    expect(report.clients[0]!.files[1]!.error).toContain("hooks.Stop");
    expect(w.read(settings)).toBe('{ "hooks": { "Stop": "oops" } }\n');
  });
});
