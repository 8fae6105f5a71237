/**
 * @module `cairn setup` in two steps: plan (read every target file, compute its new text and a list of
 * changes, touching nothing) then apply (backup + atomic write). Dry runs stop after the plan, so what
 * they print is exactly what a real run would do; a failure in one file never stops the others.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { keepPrivate, privateCopy } from "./private-copy.ts";

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
  /**
   * The cairn executable clients should run: an absolute path for user files (this machine's binary), or
   * a bare name (`cairn`, looked up on PATH) for project files that a team commits.
   */
  command: string;
  uninstall: boolean;
  /** cairn's data directory: backups of project files go there, never into the repository. */
  dataDir: string;
  /**
   * The variables cairn's entries must set (a value) or must not (null) for the agents to use that data
   * directory. User files: `CAIRN_HOME` when it names other than the default, else `CAIRN_HOME: null`, so one an
   * earlier setup wrote is taken out again. Project files (committed: no machine's path goes there): none.
   */
  dataEnv: Record<string, string | null>;
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
  /** `deleted`: uninstall left a project file holding nothing but `{}`, so the file goes. */
  status: "created" | "changed" | "deleted" | "unchanged" | "error";
  changes: Change[];
  error?: string;
  backup?: string;
  before: string | null;
  after?: string;
  newMode: number;
  /** Where the backup of an existing file goes: beside it (user files), or this folder (project files). */
  backupDir?: string;
  /** For a deleted project file: folders up to (not including) this one that are left empty go too. */
  pruneUpTo?: string;
}

export interface ClientPlan {
  client: ClientId;
  name: string;
  status: "ok" | "skipped" | "error";
  reason?: string;
  files: FilePlan[];
  notes: string[];
}

/** What went wrong with a config file, said so the user knows what to do (QA: raw EISDIR/EEXIST/EACCES text). */
function message(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { code, path } = err as NodeJS.ErrnoException;
  const at = path ?? "the file";
  switch (code) {
    case "EISDIR":
      return `${at} is a folder where a config file should be: move it away and run setup again`;
    case "EEXIST":
    case "ENOTDIR":
      return `a file stands where a folder is needed on the way to ${at}: move it away and run setup again`;
    case "EACCES":
    case "EPERM":
      return `no permission to write ${at} (or its folder): fix its permissions, or run setup as the user who owns it`;
    case "EROFS":
      return `${at} is on a read-only file system`;
    case "ENOSPC":
      return `no space left on the disk holding ${at}`;
    default:
      return err.message;
  }
}

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
    const scope = ctx.scope === "project" ? " --project" : "";
    return { ...base, status: "skipped", reason: `not found on this machine; run \`cairn setup --client ${client.id}${scope}\` to set it up anyway` };
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
      if (ctx.scope === "project") file.backupDir = join(ctx.dataDir, "backups");
      // A project file that held only cairn's entries goes entirely: no `{}` stub left to commit.
      // Unless the repository tracks it: then it was the team's file, and deleting it is a change to commit (QA).
      if (ctx.uninstall && ctx.scope === "project" && changes.length > 0 && isEmptyConfig(text) && !trackedByGit(target.path, ctx.projectDir)) {
        file.status = "deleted";
        file.pruneUpTo = ctx.projectDir;
      } else if (text !== (file.before ?? "")) {
        // A missing file that would stay empty is not worth creating.
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

/** Whether git tracks `path` in the repository at `dir` (false without git, or outside a repository). */
function trackedByGit(path: string, dir: string): boolean {
  try {
    return Bun.spawnSync(["git", "ls-files", "--error-unmatch", "--", path], { cwd: dir, stdout: "ignore", stderr: "ignore" }).exitCode === 0;
  } catch {
    return false;
  }
}

/** Nothing but whitespace, or an empty JSON object with no comments. */
export const isEmptyConfig = (text: string): boolean => /^\s*(\{\s*\})?\s*$/.test(text);

/** Filesystem-safe UTC time stamp for backup names. */
export function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** Writes the planned files: a backup of each existing file first, then an atomic replace keeping its mode. */
export function applyPlans(plans: ClientPlan[], now: Date = new Date()): void {
  for (const plan of plans) {
    for (const file of plan.files) {
      if ((file.after === undefined && file.status !== "deleted") || file.status === "error") continue;
      try {
        file.backup = file.status === "deleted" ? deleteFile(file, now) : writeFile(file, now);
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
    assertWritable(file.path, mode);
    backup = backupCopy(file, real, now);
  } else {
    mkdirSync(dirname(real), { recursive: true });
  }
  const tmp = `${real}.cairn-tmp-${process.pid}`;
  writeFileSync(tmp, file.after!, { mode });
  chmodSync(tmp, mode); // umask must not loosen or tighten what the user had
  renameSync(tmp, real);
  return backup;
}

/** A file made read-only on purpose (chmod 444): replacing or removing it would go around that (QA). */
function assertWritable(path: string, mode: number): void {
  if ((mode & 0o200) === 0) throw new SetupFileError(`${path} is read-only (mode ${mode.toString(8)}): make it writable (chmod u+w) if cairn may edit it, then run setup again`);
}

/** Removes a file uninstall emptied (after a backup), then the folders that held only it. */
function deleteFile(file: FilePlan, now: Date): string | undefined {
  const real = existsSync(file.path) ? realpathSync(file.path) : file.path;
  if (readText(real) !== file.before) throw new SetupFileError("the file changed while cairn was editing it; run `cairn setup --uninstall` again");
  assertWritable(file.path, statSync(real).mode & 0o777);
  const backup = backupCopy(file, real, now);
  unlinkSync(file.path);
  if (file.pruneUpTo === undefined) return backup;
  for (let dir = dirname(file.path); relative(file.pruneUpTo, dir) !== "" && !relative(file.pruneUpTo, dir).startsWith(".."); dir = dirname(dir)) {
    if (readdirSync(dir).length > 0) break;
    rmdirSync(dir);
  }
  return backup;
}

/**
 * Copies the current file before it is changed. User files get `<file>.cairn-backup-<time>` beside them;
 * project files are backed up under cairn's data directory (mirroring their absolute path), so nothing
 * cairn leaves behind shows up in the repository. Either copy is 0600: it may hold other servers' secrets.
 */
function backupCopy(file: FilePlan, real: string, now: Date): string {
  const base = file.backupDir === undefined ? `${file.path}.cairn-backup-${stamp(now)}` : join(file.backupDir, stamp(now), file.path.replace(/^[A-Za-z]:/, "").replace(/^[\\/]+/, ""));
  // Never overwrite an earlier backup (two runs in one second): it may hold the only pre-cairn copy.
  let backup = base;
  for (let n = 2; existsSync(backup); n++) backup = `${base}-${n}`;
  mkdirSync(dirname(backup), { recursive: true, mode: 0o700 });
  if (file.backupDir !== undefined) keepPrivate(file.backupDir);
  privateCopy(real, backup);
  return backup;
}
