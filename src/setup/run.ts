/** @module The client table and one `cairn setup` run: choose clients, plan every file, apply unless dry-run, report. */
import { accessSync, constants, existsSync, mkdirSync, realpathSync } from "node:fs";
import { basename, delimiter, isAbsolute, join, resolve, sep } from "node:path";
import { detectProject } from "../config/project.ts";
import { cairnError } from "../errors.ts";
import { claudeCode, claudeCodeFiles, hasCairnHooks, hooksDisabled, hooksOffNote, localServerEntry, localServerNote, twiceRegistered } from "./claude-code.ts";
import { claudeDesktop } from "./claude-desktop.ts";
import { codex } from "./codex.ts";
import { cursor } from "./cursor.ts";
import { gemini } from "./gemini.ts";
import { defaultDataDir, homeDir, resolvePaths } from "../config/paths.ts";
import { CLIENT_IDS, type ClientId, type ClientPlan, type ClientSetup, type Env, type Scope, type SetupContext, applyPlans, planClient } from "./plan.ts";
import { vscode } from "./vscode.ts";
import { windsurf } from "./windsurf.ts";

/** In the order `--client all` handles them (and the issue's priority). */
export const CLIENTS: readonly ClientSetup[] = [claudeCode, cursor, vscode, claudeDesktop, codex, windsurf, gemini];

export interface SetupOptions {
  clients: ClientId[] | "all";
  scope: Scope;
  command: string;
  uninstall: boolean;
  dryRun: boolean;
  env?: Env;
  platform?: NodeJS.Platform;
  cwd?: string;
  now?: Date;
  /** This cairn binary, when it is one (not Bun running the source): named in the PATH hint. */
  self?: string;
}

export interface SetupReport {
  action: "setup" | "uninstall";
  dryRun: boolean;
  scope: Scope;
  command: string;
  warnings: string[];
  clients: ClientPlan[];
}

/** Parses `--client a,b` (or `all`); throws a message for an unknown name. */
export function parseClients(value: string | undefined): ClientId[] | "all" {
  if (value === undefined || value === "all") return "all";
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  // An empty value (an unset variable in a script) names no client: it set up every client found (QA).
  if (names.length === 0) throw new Error(`--client names no client. Use one of: ${CLIENT_IDS.join(", ")}, all.`);
  for (const n of names) if (!(CLIENT_IDS as readonly string[]).includes(n)) throw new Error(`Unknown client "${n}". Use one of: ${CLIENT_IDS.join(", ")}, all.`);
  return names as ClientId[];
}

/** The name project files use: each teammate's own cairn, found on PATH, rather than one machine's path. */
export const PROJECT_COMMAND = "cairn";

/**
 * The command clients should run: `--command` (a bare name stays a PATH lookup; a path is made absolute),
 * else `cairn` for project files, which a team commits, and this executable's absolute path for user
 * files, which belong to this machine and must work even where a client's PATH is not the shell's (GUI
 * apps started from a dock). Run from source, the executable is Bun itself, which would register
 * `bun mcp` — so that case needs an explicit `--command`.
 */
export function resolveCommand(
  given: string | undefined,
  scope: Scope = "user",
  execPath: string = process.execPath,
  cwd: string = process.cwd(),
  invoked: { argv0: string; path: string } = { argv0: process.argv0, path: process.env.PATH ?? "" },
): string {
  if (given !== undefined && given !== "") return isBareName(given) ? given : isAbsolute(given) ? given : resolve(cwd, given);
  if (scope === "project") return PROJECT_COMMAND;
  if (isBun(execPath)) throw new Error("cairn is running from source (under Bun); give the binary clients should run: --command /path/to/cairn.");
  return invokedPath(execPath, invoked.argv0, invoked.path, cwd) ?? execPath;
}

/**
 * The path this cairn was run by, when it is a link to the executable (`/opt/homebrew/bin/cairn` →
 * `../Cellar/cairn/0.2.0/bin/cairn`): the link stays where an upgrade puts the new version, the versioned
 * path it resolves to goes away with the old one and leaves every client's hooks and server broken (QA).
 */
function invokedPath(execPath: string, argv0: string, pathEnv: string, cwd: string): string | undefined {
  const candidates = isBareName(argv0) ? pathEnv.split(delimiter).filter(Boolean).map((dir) => join(resolve(cwd, dir), argv0)) : [resolve(cwd, argv0)];
  const real = realPath(execPath);
  const found = candidates.find((c) => existsSync(c) && realPath(c) === real);
  return found !== undefined && found !== execPath ? found : undefined;
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

const isBareName = (command: string): boolean => !/[\\/]/.test(command);
const isBun = (execPath: string): boolean => /^bun(\.exe)?$/i.test(basename(execPath));

/** This cairn binary's path, or undefined when Bun runs the source. */
export const selfBinary = (execPath: string = process.execPath): string | undefined => (isBun(execPath) ? undefined : execPath);

export function runSetup(opts: SetupOptions): SetupReport {
  const env = opts.env ?? process.env;
  const ctx: SetupContext = {
    env,
    platform: opts.platform ?? process.platform,
    home: homeDir(env),
    projectDir: detectProject(opts.cwd ?? process.cwd()),
    scope: opts.scope,
    command: opts.command,
    uninstall: opts.uninstall,
    dataDir: resolvePaths(env, opts.platform ?? process.platform).dataDir,
    dataEnv: {},
  };
  if (opts.scope === "project") refuseHomeAsProject(ctx.projectDir, ctx.home);
  const ownHome = customHome(env, ctx.platform, opts.cwd ?? process.cwd());
  if (opts.scope === "user") ctx.dataEnv = { CAIRN_HOME: ownHome };
  const explicit = opts.clients !== "all";
  const chosen = opts.clients === "all" ? CLIENTS : CLIENTS.filter((c) => (opts.clients as ClientId[]).includes(c.id));
  const plans = chosen.map((c) => planClient(c, ctx, explicit));
  if (!opts.dryRun) applyPlans(plans, opts.now);
  // What the written files run and which store they use matters only when a client's files hold cairn (QA: both
  // were said with every client skipped and nothing written).
  const configured = plans.some((p) => p.status === "ok");
  // The agents are wired to this CAIRN_HOME now: it is made, since the MCP server and hooks refuse one that does
  // not exist (a typo or an unmounted volume later must not become a new, empty store).
  if (!opts.dryRun && !opts.uninstall && configured && ownHome && !existsSync(ownHome)) mkdirSync(ownHome, { recursive: true, mode: 0o700 });
  const warnings = opts.uninstall ? [] : [...(configured ? [...commandWarnings(opts.command, env, opts.self), ...homeWarnings(ownHome, ctx)] : []), ...claudeCodeWarnings(chosen, ctx)];
  return { action: opts.uninstall ? "uninstall" : "setup", dryRun: opts.dryRun, scope: opts.scope, command: opts.command, warnings, clients: plans };
}

/**
 * A project's config files sit where user-level ones do when the "project" is the home folder or a folder
 * above it (`/`): setup --project there rewrote ~/.claude/settings.json for a project and --uninstall deleted
 * it (QA). Refused before anything is read or written.
 */
function refuseHomeAsProject(projectDir: string, home: string): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const [dir, own] = [real(projectDir), real(home)];
  const above = own === dir || own.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  if (above) throw cairnError("SETUP_PROJECT_HOME", [projectDir, own === dir ? "your home folder" : "a folder holding your home folder"]);
}

/** Claude Code hooks written here while its other level's settings already run cairn's, or a local server entry that takes precedence over what setup writes (doctor says both too). */
function claudeCodeWarnings(chosen: readonly ClientSetup[], ctx: SetupContext): string[] {
  if (!chosen.includes(claudeCode)) return [];
  const here = claudeCodeFiles(ctx).hooks;
  const other = claudeCodeFiles({ ...ctx, scope: ctx.scope === "user" ? "project" : "user" }).hooks;
  const local = localServerEntry(ctx);
  const off = [here, other].filter((path, i, all) => all.indexOf(path) === i && hooksDisabled(path)).map(hooksOffNote);
  return [...(other !== here && hasCairnHooks(other) ? [twiceRegistered([here, other])] : []), ...(local ? [localServerNote(local, ctx.projectDir)] : []), ...off];
}

/**
 * CAIRN_HOME, absolute, when it names a data directory other than the platform's default: agents started by a
 * client do not inherit this shell's environment, so the files must carry it, or the agents would use another,
 * empty store. Null when it is unset or names the default.
 */
function customHome(env: Env, platform: NodeJS.Platform, cwd: string): string | null {
  if (!env.CAIRN_HOME) return null;
  const dir = resolve(cwd, resolvePaths(env, platform).dataDir);
  return dir === defaultDataDir(env, platform) ? null : dir;
}

/** What the written files do about a CAIRN_HOME of this shell. */
function homeWarnings(home: string | null, ctx: SetupContext): string[] {
  if (!home) return [];
  if (ctx.scope === "project") {
    return [
      `CAIRN_HOME is set (${home}), but a project's files are shared and carry no machine's path: agents started from them use the default data directory unless CAIRN_HOME is set where the agent starts. \`cairn setup\` without --project writes it into your own client files.`,
    ];
  }
  return ctx.platform === "win32" ? [`CAIRN_HOME (${home}) is written into the MCP entries; on Windows the hook commands do not carry it: set CAIRN_HOME in your user environment for them.`] : [];
}

/** Problems with the command that was written, with what to do about them. */
function commandWarnings(command: string, env: Env, self: string | undefined): string[] {
  if (isBareName(command)) {
    if (Bun.which(command, { PATH: env.PATH ?? "" })) return [];
    const bin = self ?? "/path/to/cairn";
    return [
      `\`${command}\` is not on PATH, so agents cannot start the \`${command}\` these files now run. ` +
        `Put it there, e.g. \`ln -s "${bin}" ~/.local/bin/${command}\` (with ~/.local/bin on PATH) or \`sudo install -m 755 "${bin}" /usr/local/bin/${command}\`, then check with \`command -v ${command}\`.`,
    ];
  }
  if (!existsSync(command)) return [`${command} does not exist; clients will fail to start cairn until it does.`];
  try {
    accessSync(command, constants.X_OK);
    return [];
  } catch {
    return [`${command} is not executable; run: chmod +x "${command}"`];
  }
}

/** The JSON shape of a report (snake_case, no file contents). */
export function reportJson(r: SetupReport): unknown {
  return {
    action: r.action,
    dry_run: r.dryRun,
    scope: r.scope,
    command: r.command,
    ok: !r.clients.some((c) => c.status === "error"),
    warnings: r.warnings,
    clients: r.clients.map((c) => ({
      client: c.client,
      name: c.name,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      notes: c.notes,
      files: c.files.map((f) => ({
        path: f.path,
        purpose: f.purpose,
        status: f.status,
        changes: f.changes,
        ...(f.backup ? { backup: f.backup } : {}),
        ...(f.error ? { error: f.error } : {}),
      })),
    })),
  };
}

/** Human rendering: one block per client, one line per changed key (+ added, ~ updated, - removed). Warnings go to stderr, separately. */
export function reportText(r: SetupReport): string {
  const sign = { added: "+", updated: "~", removed: "-" } as const;
  const out: string[] = [];
  for (const c of r.clients) {
    if (c.status === "skipped") {
      out.push(`${c.name}: skipped — ${c.reason}`);
      continue;
    }
    out.push(`${c.name}:`);
    for (const f of c.files) {
      const verb = f.status === "error" ? `ERROR: ${f.error}` : f.status === "unchanged" ? "unchanged" : r.dryRun ? `would be ${f.status}` : f.status;
      out.push(`  ${f.path} (${f.purpose}): ${verb}${f.backup ? ` (backup: ${f.backup})` : ""}`);
      if (f.status !== "error" && f.status !== "unchanged") for (const ch of f.changes) out.push(`    ${sign[ch.action]} ${ch.key}${ch.detail ? `  ${ch.detail}` : ""}`);
    }
    for (const n of c.notes) out.push(`  note: ${n}`);
  }
  if (r.dryRun) out.push("Dry run: nothing was written.");
  return out.join("\n");
}
