/**
 * @module `cairn hook --serve`: the warm hook daemon. One per data directory, started on demand by a cold
 * hook, it keeps the engine loaded and the database open and paged in, so an event costs a socket round
 * trip instead of a process's cold start. It exits when idle, when its socket is removed or taken over,
 * and when a client of another build arrives (that client runs cold and starts a daemon of its own build).
 */
import { damagedDatabaseError } from "../../errors.ts";
import { confirmDamage } from "../../store/integrity-check.ts";
import { chmodSync, existsSync, lstatSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { loadConfig } from "../../config/load.ts";
import type { Paths } from "../../config/paths.ts";
import { embedBacklog } from "../../embed-worker.ts";
import { daemonDeadline } from "../deadlines.ts";
import { HANDLERS, handleEvent } from "../dispatch.ts";
import { parseHookInput } from "../input.ts";
import { appendHookLog } from "../log.ts";
import { isServing, LineReader, writeAll } from "./client.ts";
import { buildId, launchLockPath, pidFilePath, socketPath, type WarmReply, type WarmRequest } from "./protocol.ts";
import { StoreHolder } from "./store-holder.ts";
import type { SqliteStore } from "../../store/sqlite-store.ts";
import { DaemonModels } from "./daemon-models.ts";
import { DenseHolder } from "./dense-holder.ts";
import { EmbedService } from "./embed-service.ts";
import { RecallService } from "./recall-service.ts";
import { Engine } from "../../engine/engine.ts";
import { IdleSweeper, idleWork, idleWorkDelay } from "../../engine/idle-sweep.ts";
import { startTeamSync } from "./team-sync.ts";

/** Default idle lifetime: long enough to span a working session's pauses, short enough not to linger. */
const IDLE_MS = 15 * 60_000;
/** Quiet time before the daemon loads its embedding model (see loadModelWhenQuiet). */
const MODEL_AFTER_QUIET_MS = 1500;
/** How often the daemon checks that its socket is still its own (removed or taken over: it exits). */
const CHECK_MS = 2000;
/** Requests larger than this are refused: hooks cut larger events down before sending them (event-size.ts). */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export async function serveHooks(paths: Paths): Promise<number> {
  const sock = socketPath(paths.dataDir);
  if (!sock) return 0;
  const idleMs = envMs("CAIRN_HOOKD_IDLE_MS") ?? IDLE_MS;
  const build = buildId();
  // The hook that launched us took its lock inside the data directory: if that is gone now, the store was
  // deleted meanwhile (a wiped CAIRN_HOME, a test's cleanup), and recreating it would leave a daemon
  // idling over an empty directory for 15 minutes.
  if (!existsSync(paths.dataDir)) return 0;
  const listener = await bind(sock, (socket) => onConnection(socket));
  releaseLaunchLock(paths.dataDir);
  if (!listener) return 0; // another daemon already serves this data directory
  chmodSync(sock, 0o600);
  const ours = inode(sock);
  // Lets a client that finds this daemon stuck (stopped, hung) kill it: the pid, and the socket it serves.
  const pidFile = pidFilePath(paths.dataDir);
  writeFileSync(pidFile, `${process.pid} ${ours}\n`, { mode: 0o600 });
  // Its log goes into the data directory while that exists: one deleted under the daemon (a wiped CAIRN_HOME,
  // a test's cleanup) is not made again just to say the daemon stopped.
  const log = (line: string) => existsSync(paths.dataDir) && appendHookLog(paths.dataDir, line);
  const store = new StoreHolder(paths.dbFile, paths.configFile);
  // One session per model, shared by the hooks' dense channel and one-shot commands' embed requests.
  const models = new DaemonModels(paths.dataDir);
  const embeds = new EmbedService(models);
  const recalls = new RecallService(paths, () => store.get(), models);
  // The model stays loaded: hooks weigh meaning as well as words (no database yet: nothing to search).
  const dense = new DenseHolder(paths, () => store.get(), models);
  let denseState: "none" | "loading" | "ready" | "failed" = "none";
  /**
   * Loads the model once a database exists and the daemon has been quiet for MODEL_AFTER_QUIET_MS: creating
   * the ONNX session blocks this thread (~0.4 s idle, over 1 s on a loaded machine), and an event waiting
   * behind it past its client's deadline would run cold and get this daemon replaced. Agents pause between
   * events for seconds; the load goes there. Until then events use keyword evidence, as a cold hook does.
   */
  let modelTimer: ReturnType<typeof setTimeout> | undefined;
  const loadModelWhenQuiet = () => {
    clearTimeout(modelTimer);
    if (denseState !== "none" || stopping) return;
    modelTimer = setTimeout(() => {
      if (inFlight > 0) return loadModelWhenQuiet();
      if (!existsSync(paths.dbFile)) return;
      denseState = "loading";
      dense
        .warm()
        .then(() => (denseState = "ready"))
        .catch((err) => {
          denseState = "failed";
          log(`hookd model not loaded, hooks use keyword evidence: ${err instanceof Error ? err.message : String(err)}`);
        });
    }, MODEL_AFTER_QUIET_MS);
  };

  const debug = (line: string) => process.env.CAIRN_HOOK_DEBUG && log(`hookd ${line}`);
  debug(`started (pid ${process.pid})`);

  let inFlight = 0;
  let stopping = false;
  /** Events of one session run in order: they read and write the same session state. */
  const sessions = new Map<string, Promise<unknown>>();
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((r) => (resolveDone = r));

  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    debug(`stopping: ${why}`);
    clearTimeout(idle);
    clearTimeout(modelTimer);
    clearInterval(watch);
    sweeper.stop();
    teamSync.stop();
    listener.stop(false);
    if (inode(sock) === ours) safeUnlink(sock);
    if (readText(pidFile).startsWith(`${process.pid} `)) safeUnlink(pidFile);
    const finish = () => {
      if (inFlight > 0) return void setTimeout(finish, 20);
      void Promise.all([dense.dispose(), recalls.dispose()])
        .then(() => models.dispose())
        .finally(() => {
          store.close();
          resolveDone(0);
        });
    };
    finish();
  };
  let idle = setTimeout(() => shutdown("idle"), idleMs);
  // Retention and near-copy folding at idle, as in `cairn mcp` (at most hourly across every process). The
  // engine borrows the daemon's store: closing it is the holder's job.
  const sweeper = new IdleSweeper({
    sweep: () => existsSync(paths.dbFile) && idleWork(new Engine({ store: store.get(), project: "", actor: "sweep" })),
    // No database yet: nothing to sweep, and opening one would create it.
    lastSweep: () => (existsSync(paths.dbFile) ? store.get().policy.lastSweep() : Date.now()),
    onError: (message) => log(`hookd ${message}`),
    idleMs: idleWorkDelay(),
  });
  sweeper.start();
  const watch = setInterval(() => {
    if (inode(sock) !== ours) return shutdown("socket removed or taken over");
    // Idle between events: finish an erasure a purge left pending while this daemon was reading, and run the
    // integrity check before the first write (it reads the whole file) now rather than inside an event.
    if (inFlight === 0 && existsSync(paths.dbFile)) betweenEvents(store);
  }, CHECK_MS);
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => shutdown(sig));
  const teamSync = startTeamSync(paths.dataDir, () => store.get(), () => inFlight > 0 || stopping);

  async function serve(request: WarmRequest): Promise<WarmReply> {
    // Re-encoded by `encrypt`, `decrypt` or `key rotate` since this daemon opened it: the client does the work
    // itself (with the key as it is now), and the next hook starts a daemon that opens the store anew.
    if (store.keyChanged()) {
      shutdown("the store was encrypted, decrypted or re-keyed by another process");
      return { retry: "cold" };
    }
    if (request.embed || request.recall) {
      // A one-shot command of another build works for itself; the hooks' daemon stays (no step-aside).
      if (request.build !== build || stopping) return { retry: "cold" };
      clearTimeout(idle);
      idle = setTimeout(() => shutdown("idle"), idleMs);
      if (request.embed) return { out: JSON.stringify(await embeds.handle(request.embed)) };
      sweeper.begin();
      try {
        return { out: JSON.stringify(await recalls.handle(request.recall!)) };
      } finally {
        sweeper.end();
      }
    }
    if (request.build !== build) {
      // The client is a newer (or older) binary: its code must answer, not ours. Step aside now.
      shutdown(`client of another build (${request.build})`);
      return { retry: "cold" };
    }
    clearTimeout(idle);
    idle = setTimeout(() => shutdown("idle"), idleMs);
    const input = parseHookInput(request.event, request.stdin, request.cwd);
    if (!input) return { out: "" };
    const began = performance.now();
    const key = input.sessionId ?? "";
    sweeper.begin();
    const run = (sessions.get(key) ?? Promise.resolve())
      .then(() => withDeadline(handleEvent(input, paths, () => store.get(), denseState === "ready" ? dense.get() : null), daemonDeadline(input.event)))
      .finally(() => {
        sweeper.end();
        loadModelWhenQuiet();
      });
    const tail = run.catch(() => {});
    sessions.set(key, tail);
    void tail.then(() => sessions.get(key) === tail && sessions.delete(key));
    try {
      const out = await run;
      debug(`${input.event} served in ${(performance.now() - began).toFixed(1)} ms`);
      return { out };
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      log(`${input.event} error: ${message} (warm)`);
      // SQLite said the file is damaged: checked whole after this reply, and marked when it is (every process then refuses it).
      if (damagedDatabaseError(err, paths.dbFile)) setTimeout(() => confirmDamage(paths.dbFile), 0);
      return { out: "" };
    }
  }

  function onConnection(socket: Conn): void {
    const reader = new LineReader();
    let taken = false;
    socket.data = {
      onData(chunk: Uint8Array) {
        if (taken) return;
        if (!reader.push(chunk)) {
          if (reader.size > MAX_REQUEST_BYTES) {
            taken = true;
            socket.end();
          }
          return;
        }
        taken = true;
        let request: WarmRequest;
        try {
          request = JSON.parse(reader.line() ?? "") as WarmRequest;
        } catch {
          return void socket.end();
        }
        inFlight += 1;
        void serve(request)
          .then((reply) => writeAll(socket, `${JSON.stringify(reply)}\n`))
          .finally(() => {
            inFlight -= 1;
            socket.end();
          });
      },
    };
  }

  // Warm-up: load the handlers' modules and page the database in, so the first real event is fast too.
  try {
    await Promise.all(Object.values(HANDLERS).map((load) => load()));
    store.prefetch();
    // Memories without vectors (an import, a worker that died) are embedded now, in the worker's process.
    if (existsSync(paths.dbFile)) embedBacklog(paths.dataDir, () => store.get().vectors.pendingCount(loadConfig(paths.configFile).values.model));
  } catch (err) {
    log(`hookd warm-up failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  loadModelWhenQuiet();
  return done;
}

interface ConnData {
  onData(chunk: Uint8Array): void;
}
type Conn = { data: ConnData; write(data: Uint8Array): number; end(): void };

/** Listens on `sock`; a leftover socket file with nobody behind it is removed first. Null if a daemon is alive. */
async function bind(sock: string, onOpen: (s: Conn) => void): Promise<{ stop(closeActive?: boolean): void } | null> {
  const listen = () =>
    Bun.listen<ConnData>({
      unix: sock,
      socket: {
        open: (s) => onOpen(s as unknown as Conn),
        data: (s, chunk) => s.data?.onData(chunk),
        drain: (s) => void writeAll(s as unknown as Conn),
      },
    });
  try {
    return listen();
  } catch (err) {
    if ((err as { code?: string }).code !== "EADDRINUSE") throw err;
  }
  if (await isServing(sock)) return null;
  safeUnlink(sock);
  try {
    return listen();
  } catch {
    return null; // lost a race with another daemon starting: it serves
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | ""> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"">((resolve) => (timer = setTimeout(() => resolve(""), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Between events: finish an erasure a purge left pending, run the integrity check before the first write. */
function betweenEvents(store: StoreHolder): void {
  for (const work of [(s: SqliteStore) => s.pendingErasure() && s.finishErasure(), (s: SqliteStore) => s.checkIntegrityNow()]) {
    try {
      work(store.get());
    } catch {
      // the database is being replaced or repaired: the next check tries again
    }
  }
}

function inode(path: string): number {
  try {
    return lstatSync(path).ino;
  } catch {
    return -1;
  }
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function releaseLaunchLock(dataDir: string): void {
  safeUnlink(launchLockPath(dataDir));
}

function envMs(name: string): number | undefined {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
