/**
 * @module Test helper: a throwaway PostgreSQL cluster (Debian's postgresql package) in a temp directory on a
 * free localhost port, started with initdb + pg_ctl (as the `postgres` user when running as root: the server
 * refuses root) and stopped and removed after. `startPostgres` returns null, with the reason, when it cannot.
 */
import { afterAll, beforeAll } from "bun:test";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Postgres {
  /** A URL for database `db` (created by {@link Postgres.createDb}). */
  url(db: string): string;
  createDb(db: string): Promise<void>;
  /** `pg_dump` of database `db`, as SQL text. */
  dump(db: string): string;
  /** Stops the server (fast shutdown); `start` brings it back on the same port. */
  stop(): void;
  start(): void;
  /** Stops the server and removes its directory. */
  destroy(): void;
}

function binDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, "bin") : null;
}

function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/**
 * A temporary directory the `postgres` user can reach when the tests run as root: the system's, unless it is
 * closed to other users (some machines keep /tmp at 0700), then /var/tmp.
 */
function reachableTmp(): string {
  const open = (d: string) => existsSync(d) && (statSync(d).mode & 0o001) !== 0;
  return open(tmpdir()) || !open("/var/tmp") ? tmpdir() : "/var/tmp";
}

export async function startPostgres(): Promise<Postgres | { skip: string }> {
  const bin = binDir();
  if (!bin) return { skip: "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); apt-get install postgresql" };
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(root ? reachableTmp() : tmpdir(), "cairn-pg-"));
  const as = (args: string[]) => (root ? ["runuser", "-u", "postgres", "--", ...args] : args);
  const run = (args: string[]) => {
    // In the cluster's own directory: initdb returns to its working directory, which the server's user may not reach.
    const r = Bun.spawnSync(as(args), { stdout: "pipe", stderr: "pipe", cwd: dir });
    if (r.exitCode !== 0) throw new Error(`${args.join(" ")}: ${r.stderr.toString()}${r.stdout.toString()}`);
    return r.stdout.toString();
  };
  try {
    if (root) {
      const ids = Bun.spawnSync(["id", "-u", "postgres"]).stdout.toString().trim();
      const gid = Bun.spawnSync(["id", "-g", "postgres"]).stdout.toString().trim();
      if (!ids) throw new Error("no `postgres` user to run the server as");
      chownSync(dir, Number(ids), Number(gid));
    }
    run([join(bin, "initdb"), "-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `PostgreSQL cannot be started: ${(err as Error).message.split("\n")[0]}` };
  }
  const port = freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = () => void run([join(bin, "pg_ctl"), "-D", join(dir, "data"), "-l", join(dir, "log"), "-w", "-t", "60", "-o", opts, "start"]);
  const stop = () => void Bun.spawnSync(as([join(bin, "pg_ctl"), "-D", join(dir, "data"), "-m", "immediate", "-w", "stop"]), { stdout: "ignore", stderr: "ignore", cwd: dir });
  try {
    start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `PostgreSQL cannot be started: ${(err as Error).message.split("\n")[0]}` };
  }
  const url = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    url,
    async createDb(db) {
      run([join(bin, "psql"), "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-q", "-c", `CREATE DATABASE ${db}`]);
    },
    dump: (db) => run([join(bin, "pg_dump"), "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", db]),
    stop,
    start,
    destroy() {
      stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One throwaway PostgreSQL for a test file: started before its tests, removed after them. `current()` is null
 * when it could not start, after one warning saying why; each test then returns early.
 */
export function usePostgres(): { current(): Postgres | null } {
  let pg: Postgres | null = null;
  beforeAll(async () => {
    const r = await startPostgres();
    if ("skip" in r) console.warn(`sync tests skipped: ${r.skip}`);
    else pg = r;
  });
  afterAll(() => pg?.destroy());
  return { current: () => pg };
}
