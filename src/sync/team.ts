/**
 * @module Joining and leaving a team: init (a new team on a server, creating its schema), join (with a code
 * from `invite`), share/unshare a project, leave. Each device gets a random id; the team key never leaves
 * the data directory except inside the join code a person hands over.
 */
import { randomBytes } from "node:crypto";
import { CairnError, cairnError } from "../errors.ts";
import type { SyncLog } from "../store/sync-log.ts";
import { decodeJoinCode } from "./code.ts";
import { open } from "./seal.ts";
import { SyncServer } from "./server.ts";
import { readConfig, readSettings, redactUrl, removeConfig, type SyncConfig, type SyncSettings, writeConfig, writeSettings } from "./settings.ts";

/** How many of the others' newest records a key is tried on (one altered record must not look like a wrong key). */
const KEY_SAMPLE = 8;

/**
 * Whether `key` opens one of the newest records of `team` that devices other than `device` wrote (true when
 * there is none to try): a key that opens none would seal records nobody else can open, which stop the
 * others' pulls at them.
 */
export async function keyOpensOthers(server: SyncServer, team: string, device: string, key: Uint8Array): Promise<boolean> {
  const sample = await server.latestOfOthers(team, device, KEY_SAMPLE);
  return sample.length === 0 || sample.some((r) => open(key, { team, device: r.device, counter: r.counter }, r.body) !== null);
}

function assertNotInTeam(dataDir: string): void {
  const s = readSettings(dataDir);
  if (s) throw cairnError("SYNC_ALREADY", [s.team, redactUrl(s.server)]);
}

async function begin(dataDir: string, log: SyncLog, server: string, team: string, key: Uint8Array, setUp: (s: SyncServer) => Promise<void>): Promise<SyncConfig> {
  assertNotInTeam(dataDir);
  try {
    const conn = await SyncServer.connect(server);
    try {
      await setUp(conn);
    } finally {
      await conn.close();
    }
  } catch (err) {
    // Not in a team yet: nothing is queued or waits for the server (the usual wording of these errors).
    if (err instanceof CairnError && (err.code === "SYNC_UNREACHABLE" || err.code === "SYNC_SERVER")) throw cairnError("SYNC_SETUP_FAILED", [redactUrl(server), String(err.args[1])], err);
    throw err;
  }
  const config: SyncConfig = { server, team, key, device: randomBytes(8).toString("hex"), shared: { projects: [], global: false } };
  log.reset();
  log.set("mode", 1);
  writeConfig(dataDir, log, config);
  return config;
}

/** Starts a team on `server` (creating the schema there if absent). */
export function initTeam(dataDir: string, log: SyncLog, server: string): Promise<SyncConfig> {
  const team = randomBytes(16).toString("hex");
  return begin(dataDir, log, server, team, new Uint8Array(randomBytes(32)), async (s) => {
    await s.ensureSchema();
    await s.registerTeam(team);
  });
}

/** Joins the team a join code names, through `server`. */
export function joinTeam(dataDir: string, log: SyncLog, code: string, server: string): Promise<SyncConfig> {
  const { team, key } = decodeJoinCode(code);
  return begin(dataDir, log, server, team, key, (s) => assertJoinable(s, team, key));
}

/** Refuses to join `team` with `key` on server `s` before anything changes here (join, and join after a rotation). */
export async function assertJoinable(s: SyncServer, team: string, key: Uint8Array): Promise<void> {
  await s.checkSchema();
  // A code of a team moved to a new key (`sync rotate`): that, not "no such team" (QA).
  if (await s.retired(team)) throw cairnError("SYNC_TEAM_RETIRED", [team, redactUrl(s.url)]);
  // Another database (a typo in the URL, a staging server) would take this device into a team of one.
  if (!(await s.hasTeam(team))) throw cairnError("SYNC_TEAM_UNKNOWN", [redactUrl(s.url), team]);
  // An altered or made-up code: refused before this device joins.
  if (!(await keyOpensOthers(s, team, "", key))) throw cairnError("SYNC_WRONG_KEY", [redactUrl(s.url), team]);
}

export function requireConfig(dataDir: string, log: SyncLog): SyncConfig {
  const c = readConfig(dataDir, log);
  if (!c) throw cairnError("SYNC_NOT_SET_UP");
  return c;
}

/**
 * Shares (or stops sharing) a project's memories (`project` null: global-scope preferences). Sharing queues
 * the project's existing memories; unsharing stops new ones from leaving, while memories the team already
 * has keep syncing (they are the team's now).
 */
export function setShared(dataDir: string, log: SyncLog, project: string | null, shared: boolean): { queued: number; config: SyncConfig } {
  const config = requireConfig(dataDir, log);
  const projects = new Set(config.shared.projects);
  // Shared already: its memories were queued then and every change since is queued as it is made.
  if (shared && (project === null ? config.shared.global : projects.has(project))) return { queued: 0, config };
  if (project !== null) {
    if (shared) projects.add(project);
    else projects.delete(project);
  }
  const next: SyncConfig = {
    ...config,
    shared: { projects: [...projects].sort(), global: project === null ? shared : config.shared.global },
  };
  const { key: _k, ...settings } = next;
  writeSettings(dataDir, settings);
  // What the team has already (memories received from it) is not sent back: each was a needless record, and a
  // repeated "was:" line in every device's history (QA).
  const queued = shared ? log.enqueueProject(project, true) : 0;
  return { queued, config: next };
}

/**
 * Leaves the team: local memories stay; the key, settings and everything sync kept locally are removed. Needs
 * only the settings: a device whose database lost the key (replaced by an older copy) must be able to leave.
 */
export function leaveTeam(dataDir: string, log: SyncLog, opts: { discard?: boolean } = {}): SyncSettings {
  const settings = readSettings(dataDir);
  if (!settings) throw cairnError("SYNC_NOT_SET_UP");
  // An erase the team does not have yet would be lost: the team would keep what this device erased (QA).
  const erases = opts.discard ? 0 : log.unsentErases();
  if (erases > 0) throw cairnError("SYNC_UNSENT_ERASE", [erases]);
  log.reset();
  removeConfig(dataDir);
  return settings;
}
