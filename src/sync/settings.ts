/**
 * @module Sync settings in the data directory: `sync.json` (server URL, team id, this device's id, shared
 * projects, the last sync's outcome) and `sync.key` (the team key). Both are written 0600: the key opens
 * every record of the team, and a server URL may carry a password.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cairnError } from "../errors.ts";

export interface LastSync {
  at: number;
  ok: boolean;
  error?: string;
  pushed?: number;
  pulled?: number;
}

export interface SyncSettings {
  server: string;
  team: string;
  device: string;
  shared: { projects: string[]; global: boolean };
  last?: LastSync;
}

export interface SyncConfig extends SyncSettings {
  key: Uint8Array;
}

const settingsFile = (dataDir: string) => join(dataDir, "sync.json");
const keyFile = (dataDir: string) => join(dataDir, "sync.key");

function writePrivate(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** The settings, or null when this data directory is not in a team. */
export function readSettings(dataDir: string): SyncSettings | null {
  const path = settingsFile(dataDir);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SyncSettings;
  } catch (err) {
    throw cairnError("SYNC_SETTINGS", [path, (err as Error).message], err);
  }
}

export function writeSettings(dataDir: string, s: SyncSettings): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writePrivate(settingsFile(dataDir), `${JSON.stringify(s, null, 2)}\n`);
}

/** Settings and key together, or null when sync is not set up here. */
export function readConfig(dataDir: string): SyncConfig | null {
  const s = readSettings(dataDir);
  if (!s) return null;
  let key: Buffer;
  try {
    key = Buffer.from(readFileSync(keyFile(dataDir), "utf8").trim(), "base64");
  } catch (err) {
    throw cairnError("SYNC_SETTINGS", [keyFile(dataDir), (err as Error).message], err);
  }
  if (key.length !== 32) throw cairnError("SYNC_SETTINGS", [keyFile(dataDir), "not a 32-byte key"]);
  return { ...s, key: new Uint8Array(key) };
}

export function writeConfig(dataDir: string, c: SyncConfig): void {
  const { key, ...settings } = c;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writePrivate(keyFile(dataDir), `${Buffer.from(key).toString("base64")}\n`);
  writeSettings(dataDir, settings);
}

export function removeConfig(dataDir: string): void {
  rmSync(keyFile(dataDir), { force: true });
  rmSync(settingsFile(dataDir), { force: true });
}

/** The server URL without its password, for output and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*):[^@/]*@/, "$1:***@");
}
