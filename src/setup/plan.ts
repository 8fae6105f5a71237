/**
 * @module `cairn setup` in two steps: plan (read every target file, compute its new text and a list of
 * changes, touching nothing) then apply (backup + atomic write). Dry runs stop after the plan, so what
 * they print is exactly what a real run would do; a failure in one file never stops the others.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const CLIENT_IDS = ["claude-code", "claude-desktop", "cursor", "vscode", "codex", "windsurf", "gemini"] as const;
export type ClientId = (typeof CLIENT_IDS)[number];
export type Scope = "user" | "project";
export type Env = Record<string, string | undefined>;

export interface SetupContext {
  env: Env;
  platform: NodeJS.Platform;
  home: string;
  /** Root of the current project (git root of the working directory), for --project. */
  projectDir: string;
  scope: Scope;
  /** Absolute path of the cairn binary that clients should run. */
  command: string;
  uninstall: boolean;
}

export interface Change {
  action: "added" | "updated" | "removed";
  key: string;
  detail?: string;
}

/** Thrown by a target's `edit` when the file cannot be changed safely; the file is then left untouched. */
export class SetupFileError extends Error {}

export interface FileTarget {
  path: string;
  purpose: "mcp" | "hooks";
  /** Permission bits for a file cairn creates (existing files keep theirs). */
  newMode: number;
  /** New text and the changes, from the current text (`null`: the file does not exist). */
  edit(current: string | null): { text: string; changes: Change[] };
}

export interface ClientSetup {
  id: ClientId;
  name: string;
  scopes: readonly Scope[];
  /** True when the client looks installed, so `--client all` includes it. */
  detect(ctx: SetupContext): boolean;
  targets(ctx: SetupContext): FileTarget[];
  /** What cairn deliberately does not set up for this client, and why. */
  notes(ctx: SetupContext): string[];
}

export interface FilePlan {
  path: string;
  purpose: "mcp" | "hooks";
  status: "created" | "changed" | "unchanged" | "error";
  changes: Change[];
  error?: string;
  backup?: string;
  before: string | null;
  after?: string;
  newMode: number;
}

export interface ClientPlan {
  client: ClientId;
  name: string;
  status: "ok" | "skipped" | "error";
  reason?: string;
  files: FilePlan[];
  notes: string[];
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Reads a config file; `null` when it does not exist. */
export function readText(path: string): string | null {
  if (!existsSync(path)) return null;
  return readFileSync(path, "utf8");
}

/** Computes every client's file changes without writing anything. */
export function planClient(client: ClientSetup, ctx: SetupContext, explicit: boolean): ClientPlan {
  const base = { client: client.id, name: client.name, files: [] as FilePlan[], notes: client.notes(ctx) };
  if (!client.scopes.includes(ctx.scope)) return { ...base, status: "skipped", reason: `${client.name} has no ${ctx.scope}-level configuration` };
  if (!explicit && !ctx.uninstall && !client.detect(ctx)) {
    return { ...base, status: "skipped", reason: `not found on this machine; run \`cairn setup --client ${client.id}\` to set it up anyway` };
  }
  const targets = client.targets(ctx);
  if (!explicit && ctx.uninstall && !targets.some((t) => existsSync(t.path))) return { ...base, notes: [], status: "skipped", reason: "nothing to remove (no config file)" };
  for (const target of targets) {
    const file: FilePlan = { path: target.path, purpose: target.purpose, status: "unchanged", changes: [], before: null, newMode: target.newMode };
    try {
      file.before = readText(target.path);
      if (ctx.uninstall && file.before === null) {
        base.files.push(file);
        continue;
      }
      const { text, changes } = target.edit(file.before);
      file.changes = changes;
      // A missing file that would stay empty is not worth creating.
      if (text !== (file.before ?? "")) {
        file.after = text;
        file.status = file.before === null ? "created" : "changed";
      }
    } catch (err) {
      file.status = "error";
      file.error = message(err);
    }
    base.files.push(file);
  }
  return { ...base, status: base.files.some((f) => f.status === "error") ? "error" : "ok" };
}

/** Filesystem-safe UTC time stamp for backup names. */
export function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** Writes the planned files: a backup of each existing file first, then an atomic replace keeping its mode. */
export function applyPlans(plans: ClientPlan[], now: Date = new Date()): void {
  for (const plan of plans) {
    for (const file of plan.files) {
      if (file.after === undefined || file.status === "error") continue;
      try {
        file.backup = writeFile(file, now);
      } catch (err) {
        file.status = "error";
        file.error = `not written: ${message(err)}`;
        plan.status = "error";
      }
    }
  }
}

function writeFile(file: FilePlan, now: Date): string | undefined {
  // Write through symlinks (dotfile managers) instead of replacing the link with a plain file.
  const real = existsSync(file.path) ? realpathSync(file.path) : file.path;
  const current = readText(real);
  if (current !== file.before) throw new SetupFileError("the file changed while cairn was editing it; run `cairn setup` again");
  let backup: string | undefined;
  let mode = file.newMode;
  if (current !== null) {
    mode = statSync(real).mode & 0o777;
    // Never overwrite an earlier backup (two runs in one second): it may hold the only pre-cairn copy.
    backup = `${file.path}.cairn-backup-${stamp(now)}`;
    for (let n = 2; existsSync(backup); n++) backup = `${file.path}.cairn-backup-${stamp(now)}-${n}`;
    copyFileSync(real, backup);
  } else {
    mkdirSync(dirname(real), { recursive: true });
  }
  const tmp = `${real}.cairn-tmp-${process.pid}`;
  writeFileSync(tmp, file.after!, { mode });
  chmodSync(tmp, mode); // umask must not loosen or tighten what the user had
  renameSync(tmp, real);
  return backup;
}
