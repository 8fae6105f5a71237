/**
 * @module `cairn setup` with CAIRN_HOME set (QA H1): agents are started by their client, not from this shell, so
 * user files must name the data directory — the MCP entries' `env`, the hook commands' assignment — or the
 * agents write to another, empty store while the CLI reads this one. Project files never carry a machine's path
 * (a warning says so); the default directory needs nothing; `cairn doctor` names a wiring that points elsewhere.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CLAUDE_HOOKS, hookCommand } from "../../src/setup/claude-code.ts";
import { editCodex } from "../../src/setup/codex.ts";
import { clientChecks } from "../../src/setup/inspect.ts";
import { createWorld, type World } from "./world.ts";

let w: World;
beforeEach(() => {
  w = createWorld();
});
afterEach(() => w.cleanup());

const json = (path: string): any => JSON.parse(w.read(path));
const DATA = "/srv/team data/cairn's store";

describe("CAIRN_HOME set to its own directory", () => {
  test("every JSON client's MCP entry carries it, and Claude Code's hooks set it; a second run changes nothing", () => {
    const env = { HOME: w.home, CAIRN_HOME: DATA };
    for (const dir of [".claude", ".cursor", ".codex", ".gemini", ".codeium/windsurf", ".config/Claude", ".config/Code/User"]) mkdirSync(join(w.home, dir), { recursive: true });
    const report = w.setup({ env });
    expect(report.warnings).toEqual([]);
    const files = report.clients.flatMap((c) => c.files.filter((f) => f.purpose === "mcp" && !f.path.endsWith(".toml")).map((f) => f.path));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const value = json(file);
      const entry = (value.mcpServers ?? value.servers).cairn;
      expect([file, entry.env]).toEqual([file, { CAIRN_HOME: DATA }]);
    }
    const hooks = json(join(w.home, ".claude", "settings.json")).hooks;
    for (const spec of CLAUDE_HOOKS) {
      const command = hooks[spec.event][0].hooks[0].command as string;
      expect(command).toBe(`CAIRN_HOME='/srv/team data/cairn'\\''s store' ${w.bin} hook ${spec.name}`);
    }
    expect(w.read(join(w.home, ".codex", "config.toml"))).toContain(`env = { CAIRN_HOME = ${JSON.stringify(DATA)} }`);
    const again = w.setup({ env });
    expect(again.clients.flatMap((c) => c.files.map((f) => f.status)).every((s) => s === "unchanged")).toBe(true);
  });

  test("a shell runs the hook command with that data directory", () => {
    const command = hookCommand({ command: "/bin/echo", platform: "linux", dataEnv: { CAIRN_HOME: DATA } }, "prompt");
    const out = spawnSync("sh", ["-c", `${command.replace("/bin/echo", 'sh -c "printf %s \\"\\$CAIRN_HOME\\""')}`], { encoding: "utf8" });
    expect(out.stdout).toBe(DATA);
  });

  test("the user's own variables in cairn's entry stay; only CAIRN_HOME is set", () => {
    const state = w.write("home/.claude.json", JSON.stringify({ mcpServers: { cairn: { command: "/old/cairn", args: ["mcp"], env: { HTTPS_PROXY: "http://proxy:3128" } } } }));
    w.setup({ client: "claude-code", env: { HOME: w.home, CAIRN_HOME: DATA } });
    expect(json(state).mcpServers.cairn.env).toEqual({ HTTPS_PROXY: "http://proxy:3128", CAIRN_HOME: DATA });
  });

  test("project files carry no machine's path: a warning says what agents started from them use", () => {
    const report = w.setup({ client: "claude-code", scope: "project", command: "cairn", env: { HOME: w.home, CAIRN_HOME: DATA, PATH: join(w.root, "bin") } });
    expect(json(join(w.project, ".mcp.json")).mcpServers.cairn.env).toBeUndefined();
    expect(w.read(join(w.project, ".claude", "settings.json"))).not.toContain("CAIRN_HOME");
    expect(report.warnings.join("\n")).toContain(`CAIRN_HOME is set (${DATA}), but a project's files are shared`);
  });

  test("CAIRN_HOME naming the default directory, or unset: nothing extra is written", () => {
    w.setup({ client: "claude-code", env: { HOME: w.home, CAIRN_HOME: join(w.home, ".local", "share", "cairn") } });
    expect(json(join(w.home, ".claude.json")).mcpServers.cairn.env).toBeUndefined();
    expect(w.read(join(w.home, ".claude", "settings.json"))).not.toContain("CAIRN_HOME");
  });

  test("Codex: its env is edited variable by variable, inline or as a sub-table; the user's own variables stay", () => {
    const sub = `[mcp_servers.cairn]\ncommand = "/usr/bin/cairn"\nargs = ["mcp"]\n\n[mcp_servers.cairn.env]\nHTTPS_PROXY = "http://proxy:3128"\nCAIRN_HOME = "/elsewhere"\n`;
    const moved = editCodex(sub, "/usr/bin/cairn", false, { CAIRN_HOME: DATA });
    expect(moved.text).toBe(sub.replace('CAIRN_HOME = "/elsewhere"', `CAIRN_HOME = ${JSON.stringify(DATA)}`));
    expect(editCodex(moved.text, "/usr/bin/cairn", false, { CAIRN_HOME: DATA }).changes).toEqual([]);
    // Back to the default: taken out, the user's variable kept.
    expect(editCodex(moved.text, "/usr/bin/cairn", false, { CAIRN_HOME: null }).text).toBe(sub.replace('CAIRN_HOME = "/elsewhere"\n', ""));
    const inline = editCodex(null, "/usr/bin/cairn", false, { CAIRN_HOME: "/h1" }).text;
    expect(inline).toContain('env = { CAIRN_HOME = "/h1" }');
    expect(editCodex(inline, "/usr/bin/cairn", false, { CAIRN_HOME: "/h2" }).text).toContain('env = { CAIRN_HOME = "/h2" }');
    expect(editCodex(inline, "/usr/bin/cairn", false, { CAIRN_HOME: null }).text).toBe(`[mcp_servers.cairn]\ncommand = "/usr/bin/cairn"\nargs = ["mcp"]\n`);
  });

  test("setup for the default directory after one for CAIRN_HOME takes CAIRN_HOME out of every MCP entry (QA re-check)", () => {
    for (const dir of [".claude", ".cursor", ".codex"]) mkdirSync(join(w.home, dir), { recursive: true });
    const state = w.write("home/.cursor/mcp.json", JSON.stringify({ mcpServers: { cairn: { command: "/old/cairn", args: ["mcp"], env: { HTTPS_PROXY: "http://proxy:3128" } } } }));
    w.setup({ env: { HOME: w.home, CAIRN_HOME: DATA } });
    expect(json(state).mcpServers.cairn.env).toEqual({ HTTPS_PROXY: "http://proxy:3128", CAIRN_HOME: DATA });
    const back = w.setup({ env: { HOME: w.home } });
    expect(json(state).mcpServers.cairn.env).toEqual({ HTTPS_PROXY: "http://proxy:3128" });
    expect(json(join(w.home, ".claude.json")).mcpServers.cairn.env).toBeUndefined();
    expect(w.read(join(w.home, ".codex", "config.toml"))).not.toContain("CAIRN_HOME");
    expect(w.read(join(w.home, ".claude", "settings.json"))).not.toContain("CAIRN_HOME");
    expect(back.clients.filter((c) => c.status === "error")).toEqual([]);
    expect(clientChecks({ HOME: w.home }, w.project, "linux").every((c) => c.level === "ok")).toBe(true);
  });
});

describe("cairn doctor", () => {
  const claude = (env: Record<string, string>) => clientChecks({ HOME: w.home, ...env }, w.project, "linux").find((c) => c.name === "claude-code")!;

  test("names a wiring whose agents use another data directory than this shell", () => {
    w.setup({ client: "claude-code" });
    expect(claude({}).level).toBe("ok");
    const other = claude({ CAIRN_HOME: DATA });
    expect(other.level).toBe("warn");
    expect(other.detail).toContain(`use the data directory ${join(w.home, ".local", "share", "cairn")}, this shell ${DATA}`);
    w.setup({ client: "claude-code", env: { HOME: w.home, CAIRN_HOME: DATA } });
    expect(claude({ CAIRN_HOME: DATA }).level).toBe("ok");
    expect(claude({}).detail).toContain(`use the data directory ${DATA}`);
  });

  test("hooks carrying CAIRN_HOME are still found and their executable checked", () => {
    w.setup({ client: "claude-code", env: { HOME: w.home, CAIRN_HOME: DATA } });
    expect(claude({ CAIRN_HOME: DATA }).detail).toContain("hooks 8/8");
    chmodSync(w.bin, 0o644);
    expect(claude({ CAIRN_HOME: DATA }).detail).toContain(`${w.bin} (in ${join(w.home, ".claude", "settings.json")}) is not executable`);
  });
});
