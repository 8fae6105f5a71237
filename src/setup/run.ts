/** @module The client table and one `cairn setup` run: choose clients, plan every file, apply unless dry-run, report. */
import { accessSync, constants, existsSync } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import { detectProject } from "../config/project.ts";
import { claudeCode } from "./claude-code.ts";
import { claudeDesktop } from "./claude-desktop.ts";
import { codex } from "./codex.ts";
import { cursor } from "./cursor.ts";
import { gemini } from "./gemini.ts";
import { homeDir } from "../config/paths.ts";
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
  if (value === undefined || value === "" || value === "all") return "all";
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(CLIENT_IDS as readonly string[]).includes(n)) throw new Error(`Unknown client "${n}". Use one of: ${CLIENT_IDS.join(", ")}, all.`);
  return names as ClientId[];
}

/**
 * The command clients should run: `--command`, else this executable. Run from source, the executable is
 * Bun itself, which would register `bun mcp` — so that case needs an explicit `--command`.
 */
export function resolveCommand(given: string | undefined, execPath: string = process.execPath, cwd: string = process.cwd()): string {
  if (given !== undefined && given !== "") return isAbsolute(given) ? given : resolve(cwd, given);
  if (/^bun(\.exe)?$/i.test(basename(execPath))) throw new Error("cairn is running from source (under Bun); give the binary clients should run: --command /path/to/cairn.");
  return execPath;
}

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
  };
  const explicit = opts.clients !== "all";
  const chosen = opts.clients === "all" ? CLIENTS : CLIENTS.filter((c) => (opts.clients as ClientId[]).includes(c.id));
  const plans = chosen.map((c) => planClient(c, ctx, explicit));
  if (!opts.dryRun) applyPlans(plans, opts.now);
  return { action: opts.uninstall ? "uninstall" : "setup", dryRun: opts.dryRun, scope: opts.scope, command: opts.command, warnings: opts.uninstall ? [] : commandWarnings(opts.command), clients: plans };
}

function commandWarnings(command: string): string[] {
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

/** Human rendering: one block per client, one line per changed key (+ added, ~ updated, - removed). */
export function reportText(r: SetupReport): string {
  const sign = { added: "+", updated: "~", removed: "-" } as const;
  const out: string[] = [];
  for (const w of r.warnings) out.push(`warning: ${w}`);
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
