/**
 * @module `cairn sync [init|invite|join|status|share|unshare|leave|rotate]`: team memory over a PostgreSQL server that
 * only ever holds ciphertext (src/sync/). Without an action: push queued changes, then pull the team's.
 */
import { defineCommand } from "citty";
import { CairnError, cairnError } from "../../errors.ts";
import { encodeJoinCode } from "../../sync/code.ts";
import { checkServerUrl } from "../../sync/server.ts";
import { startEmbedWorker } from "../../embed-worker.ts";
import { syncOnce } from "../../sync/run.ts";
import { readSettings, redactUrl, writeConfig } from "../../sync/settings.ts";
import { syncStatus } from "../../sync/status.ts";
import { initTeam, joinTeam, leaveTeam, requireConfig, setShared } from "../../sync/team.ts";
import { rejoinTeam, rotateTeam } from "../../sync/rotate.ts";
import { actionArg, jsonFlag, onlyOptions, onlyWords } from "../flags.ts";
import { output, progress } from "../output.ts";
import { type CliSession, withEngine } from "../session.ts";
import { renderStatus } from "../sync-format.ts";

const ACTIONS = ["now", "init", "invite", "join", "status", "share", "unshare", "leave", "rotate"] as const;

export default defineCommand({
  meta: { name: "sync", description: "Team memory: end-to-end encrypted sync through a PostgreSQL server (push, then pull)." },
  args: {
    action: { type: "positional", required: false, description: "now (default) | init | invite | join | status | share | unshare | leave | rotate (a new team key: someone leaves)" },
    code: { type: "positional", required: false, description: "join: the code `cairn sync invite` (or `rotate`) printed" },
    server: {
      type: "string",
      description: "init, join: the PostgreSQL URL (postgres://user:password@host:5432/db); with a plain `cairn sync`: sync through this URL from now on (a moved server, a new password)",
      valueHint: "url",
    },
    project: { type: "string", description: "share, unshare (and init, join: share it at once): the project (name, key or directory; default: the current one)", valueHint: "name|dir" },
    global: { type: "boolean", description: "share, unshare (and init, join): your global-scope preferences instead of a project (other global memories stay here)" },
    discard: { type: "boolean", description: "leave: even with erases not sent to the team yet (the team keeps those memories)" },
    ...jsonFlag,
  },
  async run({ args }) {
    const action = actionArg("sync", args.action, [...ACTIONS]);
    onlyWords("sync", action, [args.code], action === "join" ? 1 : 0);
    onlyOptions("sync", action, args, { project: ["share", "unshare", "init", "join"], global: ["share", "unshare", "init", "join"], discard: ["leave"] });
    const json = args.json === true;
    const needsServer = action === "init" || action === "join";
    if (needsServer && !args.server) throw cairnError("USAGE", [`\`cairn sync ${action}\` needs --server <postgres url>.`]);
    // Accepted and ignored before: a changed password or a moved server had no way in but leave and join again.
    if (args.server !== undefined && !needsServer && action !== "now") {
      throw cairnError("USAGE", [`\`cairn sync ${action}\` takes no --server: to sync through another URL from now on, run \`cairn sync --server <postgres url>\`.`]);
    }
    if (action === "join" && !args.code) throw cairnError("USAGE", ["`cairn sync join` takes the code `cairn sync invite` printed on a device of the team."]);
    // The URL is checked before a new device's store is made (one made for an init or join that fails goes again).
    if (needsServer) checkServerUrl(args.server!);
    await withEngine((s) => ACTION_RUN[action](s, { ...args, json }), { create: needsServer });
  },
});

type Args = { code?: string; server?: string; project?: string; global?: boolean; discard?: boolean; json: boolean };

const ACTION_RUN: Record<(typeof ACTIONS)[number], (s: CliSession, a: Args) => Promise<void> | void> = {
  async now({ engine, store, paths, config: settings }, a) {
    const stored = requireConfig(paths.dataDir, store.sync);
    // A new URL is kept only once a sync through it worked (the team is there, the key opens its records).
    const config = a.server ? { ...stored, server: a.server } : stored;
    const report = await syncOnce({ store, log: store.sync, config, engineAs: (actor) => engine.withActor(actor), progress }, paths.dataDir);
    if (a.server && a.server !== stored.server) writeConfig(paths.dataDir, store.sync, { ...requireConfig(paths.dataDir, store.sync), server: a.server });
    // Memories received have no vectors yet: the background worker makes them now, not at the next command.
    if (report.pulled > 0 && store.vectors.pendingCount(settings.values.model) > 0) startEmbedWorker(paths.dataDir);
    if (a.json) return output.json({ synced: true, ...report });
    output.text(`Synced with ${redactUrl(config.server)}: ${report.pushed} change(s) sent, ${report.pulled} received.`);
  },
  async init(s, a) {
    const share = shareTarget(s, a, "init");
    const config = await initTeam(s.paths.dataDir, s.store.sync, a.server!);
    const shared = shareAtOnce(s, share);
    if (a.json) return output.json({ team: config.team, device: config.device, server: redactUrl(config.server), shared: sharedScope(s) });
    output.text(
      `Started team ${config.team} on ${redactUrl(config.server)} (this device: ${config.device}).\n` +
        (shared ? `Sharing ${shared}. ` : "Nothing is shared yet: `cairn sync share --project <p>` chooses what leaves this machine. ") +
        "`cairn sync invite` prints the code for the other devices.",
    );
  },
  invite({ store, paths }, a) {
    const config = requireConfig(paths.dataDir, store.sync);
    const code = encodeJoinCode(config.team, config.key);
    if (a.json) return output.json({ code, team: config.team });
    progress("This code carries the team key: whoever has it can read everything the team shares. Hand it over privately (not in a ticket or a shared chat).");
    output.text(`${code}\n\nOn the other device: cairn sync join ${code.slice(0, 16)}… --server <url>`);
  },
  async join(s, a) {
    const share = shareTarget(s, a, "join");
    // In a team already: allowed when that team was retired by a rotation and the code is the new team's.
    if (readSettings(s.paths.dataDir)) {
      const moved = await rejoinTeam(s.store, s.store.sync, s.paths.dataDir, a.code!, a.server!);
      shareAtOnce(s, share);
      const { team, device, server } = moved.config;
      if (a.json) return output.json({ team, device, server: redactUrl(server), shared: sharedScope(s), replaced: moved.from, queued: moved.queued });
      output.text(
        `Joined team ${team} (this device: ${device}), which replaced team ${moved.from} under a new key. This device's memories stay; ` +
          `${moved.queued} memor${moved.queued === 1 ? "y" : "ies"} queued for the new team. Run \`cairn sync\` to send them and receive the team's.`,
      );
      return;
    }
    const config = await joinTeam(s.paths.dataDir, s.store.sync, a.code!, a.server!);
    const shared = shareAtOnce(s, share);
    if (a.json) return output.json({ team: config.team, device: config.device, server: redactUrl(config.server), shared: sharedScope(s) });
    output.text(
      `Joined team ${config.team} (this device: ${config.device}). Run \`cairn sync\` to receive the team's memories` +
        (shared ? `; sharing ${shared}.` : "; `cairn sync share --project <p>` to send yours."),
    );
  },
  async status({ store, paths }, a) {
    const status = await syncStatus(requireConfig(paths.dataDir, store.sync), store.sync);
    if (a.json) output.json(status);
    else output.text(renderStatus(status));
    if (!status.reachable) process.exitCode = 1;
  },
  share: (s, a) => share(s, a, true),
  unshare: (s, a) => share(s, a, false),
  async rotate({ engine, store, paths }, a) {
    const config = requireConfig(paths.dataDir, store.sync);
    const r = await rotateTeam({ store, log: store.sync, config, engineAs: (actor) => engine.withActor(actor), progress }, paths.dataDir);
    const code = encodeJoinCode(r.config.team, r.config.key);
    const server = redactUrl(r.config.server);
    // Moved, but not everything went out: the code is still given, and the command fails so a script notices.
    if (r.unfinished) process.exitCode = 1;
    if (a.json) return output.json({ team: r.config.team, device: r.config.device, server, retired: r.retired, retired_now: r.retiredNow, sent: r.sent, code, ...(r.unfinished ? { unfinished: r.unfinished } : {}) });
    progress("This code carries the new team key: hand it over privately, only to the devices that stay.");
    if (r.unfinished) progress(`Sending to the new team failed (${r.unfinished}): run \`cairn sync\` here to finish (it sends the memories and retires team ${r.retired}).`);
    output.text(
      `Moved to team ${r.config.team} under a new key on ${server}: ${r.sent} record(s) sent. ` +
        (r.retiredNow ? `Team ${r.retired} is retired: its records were deleted and the server takes nothing more for it.` : `Team ${r.retired} is retired at the next \`cairn sync\` here.`) +
        `\nEach device that stays joins with (its memories are kept): cairn sync join <code> --server <url>\n\n${code}\n\n` +
        "A device without this code can no longer read what the team shares from now on (it keeps what it already has). To keep someone off the server too, remove their database login there.",
    );
  },
  leave({ store, paths }, a) {
    const config = leaveTeam(paths.dataDir, store.sync, { discard: a.discard === true });
    if (a.json) return output.json({ left: config.team });
    output.text(`Left team ${config.team}. Memories stay on this device; nothing more is sent or received. The team key was removed from this device.`);
  },
};

/**
 * What init or join with --project or --global will share (undefined: nothing), resolved before the team is
 * touched: a name this device does not know fails the command with nothing changed, not after joining.
 */
function shareTarget(s: CliSession, a: Args, action: "init" | "join"): string | null | undefined {
  if (!a.project && !a.global) return undefined;
  try {
    return target(s, a);
  } catch (err) {
    if (err instanceof CairnError && err.code === "PROJECT_UNKNOWN") throw cairnError("SYNC_SHARE_UNKNOWN", [a.project!.trim(), action]);
    throw err;
  }
}

/** What this device shares, as `sync status --json` gives it (QA: init and join gave a display string). */
function sharedScope(s: CliSession): { projects: string[]; global: boolean } {
  return readSettings(s.paths.dataDir)?.shared ?? { projects: [], global: false };
}

/** Shares what {@link shareTarget} resolved, once the team is set up; what was shared, or null. */
function shareAtOnce(s: CliSession, project: string | null | undefined): string | null {
  if (project === undefined) return null;
  setShared(s.paths.dataDir, s.store.sync, project, true);
  return scopeName(project);
}

/** What sharing `project` (null: global scope) takes, in words. */
const scopeName = (project: string | null): string => (project === null ? "global-scope preferences (other global memories stay on this device)" : `project ${project}`);

function target({ engine, paths }: CliSession, a: Args): string | null {
  if (a.global && a.project) throw cairnError("ONE_OF", ["--project and --global"]);
  if (a.global) return null;
  if (!a.project) return engine.project;
  // A name listed already (one an earlier version stored as typed) is taken as it is, so unshare can remove it.
  if (readSettings(paths.dataDir)?.shared.projects.includes(a.project)) return a.project;
  // Resolved as for a read: a typo must not be shared as a new project nobody writes to. A project with no
  // memories yet is named by its directory (resolved above) or its remote's key (host/owner/repo).
  try {
    return engine.resolveProject(a.project, "read");
  } catch (err) {
    if (err instanceof CairnError && err.code === "PROJECT_UNKNOWN" && REMOTE_KEY.test(a.project.trim())) return a.project.trim();
    throw err;
  }
}

/** A remote's project key as cairn writes it: `github.com/acme/payments`. */
const REMOTE_KEY = /^[\w-]+(\.[\w-]+)+\/[^\s]+$/;

function share(s: CliSession, a: Args, on: boolean): void {
  const { store, paths } = s;
  const project = target(s, a);
  const { queued, config } = setShared(paths.dataDir, store.sync, project, on);
  const what = scopeName(project);
  if (a.json) return output.json({ project, shared: on, queued, projects: config.shared.projects, global: config.shared.global });
  output.text(
    on
      ? `Sharing ${what} with team ${config.team}: ${queued} memor${queued === 1 ? "y" : "ies"} queued; \`cairn sync\` sends them.`
      : `Stopped sharing ${what}: new memories there stay on this device (those the team already has keep syncing).`,
  );
}
