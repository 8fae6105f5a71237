/** @module Where agent clients keep their config, from HOME/APPDATA/XDG only, so tests can point HOME at a temp dir. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { SetupContext } from "./plan.ts";


/** The per-user application settings folder of desktop apps (Claude Desktop, VS Code). */
export function appConfigDir(ctx: Pick<SetupContext, "env" | "platform" | "home">): string {
  if (ctx.platform === "darwin") return join(ctx.home, "Library", "Application Support");
  if (ctx.platform === "win32") return ctx.env.APPDATA || join(ctx.home, "AppData", "Roaming");
  return ctx.env.XDG_CONFIG_HOME || join(ctx.home, ".config");
}

export const exists = (path: string): boolean => existsSync(path);

/** New files under the home directory may hold tokens next to cairn's entry later: keep them private. */
export const USER_FILE_MODE = 0o600;
/** Project files are meant to be committed and read by teammates' tools. */
export const PROJECT_FILE_MODE = 0o644;

export const fileMode = (ctx: SetupContext): number => (ctx.scope === "user" ? USER_FILE_MODE : PROJECT_FILE_MODE);

/**
 * The command string for a shell-form hook: quoted when the path has characters a shell would split or
 * expand. Forward slashes on Windows, because both Git Bash and PowerShell accept them there.
 */
export function shellCommand(command: string, platform: NodeJS.Platform, ...args: string[]): string {
  const path = platform === "win32" ? command.replace(/\\/g, "/") : command;
  const quoted = /^[A-Za-z0-9_\/.:@%+=,-]+$/.test(path) ? path : `"${path.replace(/(["\\$`])/g, "\\$1")}"`;
  return [quoted, ...args].join(" ");
}
