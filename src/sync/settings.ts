/**
 * @module Sync settings: `sync.json` in the data directory (server URL without its password, team id, this
 * device's id, shared projects, the last sync's outcome; written 0600) and the team key, which opens every record
 * of the team, and the server's password: kept in the database through its codec (sealed under the user's key in
 * an encrypted store). Earlier versions kept the key in a `sync.key` file in the clear; it moves in at the
 * next sync command and the file is removed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cairnError } from "../errors.ts";
import type { SyncLog } from "../store/sync-log.ts";

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
  /**
   * The team this device left by `cairn sync rotate`, until the server has retired it (its records deleted, and
   * no device may add to it): the first sync whose push went through does it (sync/run.ts).
   */
  retiring?: string;
}

export interface SyncConfig extends SyncSettings {
  key: Uint8Array;
}

const settingsFile = (dataDir: string) => join(dataDir, "sync.json");
/** Where earlier versions kept the team key, in the clear. */
const legacyKeyFile = (dataDir: string) => join(dataDir, "sync.key");

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

/** Writes the settings, the server URL without its password (which the database keeps: {@link writeConfig}). */
export function writeSettings(dataDir: string, s: SyncSettings): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writePrivate(settingsFile(dataDir), `${JSON.stringify({ ...s, server: splitPassword(s.server).url }, null, 2)}\n`);
}

/** Settings and key together, the server URL with its password, or null when sync is not set up here. */
export function readConfig(dataDir: string, log: SyncLog): SyncConfig | null {
  const s = readSettings(dataDir);
  if (!s) return null;
  const key = log.teamKey() ?? adoptLegacyKey(dataDir, s.team, log);
  if (key.length !== 32) throw cairnError("SYNC_SETTINGS", ["the team key", "not a 32-byte key"]);
  const { url, password } = splitPassword(s.server);
  // An earlier version wrote the password into sync.json, in the clear beside an encrypted store (QA): it moves in.
  if (password !== null) {
    log.setServerPassword(password);
    writeSettings(dataDir, s);
    return { ...s, key };
  }
  const kept = log.serverPassword();
  return { ...s, server: kept === null ? url : withPassword(url, kept), key };
}

/** A server URL's password (`postgres://user:secret@host/db`), and the URL without it. */
export function splitPassword(server: string): { url: string; password: string | null } {
  const m = /^(\w+:\/\/[^:/@]*):([^@/]*)@/.exec(server);
  if (m) return { url: `${m[1]}@${server.slice(m[0].length)}`, password: m[2]! };
  // libpq's other form, `?password=…` (QA: kept in sync.json and printed in clear).
  const q = QUERY_PASSWORD.exec(server);
  if (!q) return { url: server, password: null };
  const rest = server.slice(0, q.index) + (q[3] ? q[1] : "") + server.slice(q.index + q[0].length);
  return { url: rest, password: q[2]! };
}

/** `password=…` among a URL's query parameters: the separator before it, the value, and a separator after it. */
const QUERY_PASSWORD = /([?&])password=([^&#]*)(&?)/i;

/** `url` (`postgres://user@host/db`) with `password` put back: in the user part, or as `?password=` when there is none. */
function withPassword(url: string, password: string): string {
  if (/^\w+:\/\/[^:/@]*@/.test(url)) return url.replace(/^(\w+:\/\/[^:/@]*)@/, (_, user: string) => `${user}:${password}@`);
  return `${url}${url.includes("?") ? "&" : "?"}password=${password}`;
}

/** Moves a `sync.key` file (earlier versions) into the database, then removes the file. */
function adoptLegacyKey(dataDir: string, team: string, log: SyncLog): Uint8Array {
  const file = legacyKeyFile(dataDir);
  if (!existsSync(file)) throw cairnError("SYNC_KEY_MISSING", [team]);
  let key: Buffer;
  try {
    key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  } catch (err) {
    throw cairnError("SYNC_SETTINGS", [file, (err as Error).message], err);
  }
  if (key.length !== 32) throw cairnError("SYNC_SETTINGS", [file, "not a 32-byte key"]);
  log.setTeamKey(key);
  rmSync(file, { force: true });
  return new Uint8Array(key);
}

/** Keeps the team key in the database and writes the settings. */
export function writeConfig(dataDir: string, log: SyncLog, c: SyncConfig): void {
  const { key, ...settings } = c;
  log.setTeamKey(key);
  log.setServerPassword(splitPassword(settings.server).password);
  writeSettings(dataDir, settings);
}

/** Removes the settings (and a `sync.key` file of an earlier version); the key row goes with the log's reset. */
export function removeConfig(dataDir: string): void {
  rmSync(legacyKeyFile(dataDir), { force: true });
  rmSync(settingsFile(dataDir), { force: true });
}

/** The server URL without its password, for output and logs. */
export function redactUrl(url: string): string {
  const { url: bare, password } = splitPassword(url);
  return password === null ? url : withPassword(bare, "***");
}
