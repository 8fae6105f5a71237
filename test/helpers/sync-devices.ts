/** @module Test helper: "machines" for team sync — each a data directory with its own store and engine, synced in process. */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { encryptedOptions } from "./engine.ts";
import type { SyncContext } from "../../src/sync/context.ts";
import { syncOnce } from "../../src/sync/run.ts";
import { readConfig } from "../../src/sync/settings.ts";
import { initTeam, joinTeam, setShared } from "../../src/sync/team.ts";
import { encodeJoinCode } from "../../src/sync/code.ts";
import type { Postgres } from "./postgres.ts";

export const PROJECT = "github.com/acme/app";

export class Device {
  readonly dir: string;
  readonly store: SqliteStore;
  readonly engine: Engine;

  /**
   * `encrypted`: the store is encrypted at rest under its own random key (default: CAIRN_TEST_CODEC=aead); `dir`: a
   * data folder to open (a plain store's, as {@link copy} makes) instead of a new one.
   */
  constructor(opts: { encrypted?: boolean; dir?: string } = {}) {
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), "cairn-sync-dev-"));
    const file = join(this.dir, "cairn.db");
    const encrypted = opts.encrypted ?? process.env.CAIRN_TEST_CODEC === "aead";
    this.store = new SqliteStore(file, encrypted ? encryptedOptions(undefined, file) : {});
    this.engine = new Engine({ store: this.store, project: PROJECT, actor: "test" });
  }

  context(progress?: (l: string) => void): SyncContext {
    const config = readConfig(this.dir, this.store.sync);
    if (!config) throw new Error("device not in a team");
    return { store: this.store, log: this.store.sync, config, engineAs: (a) => this.engine.withActor(a), progress };
  }

  sync() {
    return syncOnce(this.context(), this.dir);
  }

  async init(url: string) {
    await initTeam(this.dir, this.store.sync, url);
    setShared(this.dir, this.store.sync, PROJECT, true);
  }

  code(): string {
    const c = readConfig(this.dir, this.store.sync)!;
    return encodeJoinCode(c.team, c.key);
  }

  async join(code: string, url: string) {
    await joinTeam(this.dir, this.store.sync, code, url);
    setShared(this.dir, this.store.sync, PROJECT, true);
  }

  /** Every memory as exported, without this device's own access statistics. */
  exported(): string[] {
    return [...this.engine.export()].map(({ access_count: _a, last_accessed_at: _l, ...m }) => JSON.stringify(m)).sort();
  }

  /** A copy of this device's data folder as it is now (a backup, or a folder copied to another machine). */
  copy(): string {
    this.store.database.run("PRAGMA wal_checkpoint(TRUNCATE)");
    const to = mkdtempSync(join(tmpdir(), "cairn-sync-copy-"));
    cpSync(this.dir, to, { recursive: true });
    return to;
  }

  close() {
    this.engine.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A team of `n` devices on a new database `db` of the throwaway server: the first starts it, the others join. */
export async function startTeam(pg: Postgres, db: string, n: number): Promise<{ devices: Device[]; db: string; url: string }> {
  await pg.createDb(db);
  const url = pg.url(db);
  const devices = Array.from({ length: n }, () => new Device());
  await devices[0]!.init(url);
  for (const d of devices.slice(1)) await d.join(devices[0]!.code(), url);
  return { devices, db, url };
}

/** The error `p` fails with; the test fails when it does not. */
export async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

/** A thrown error's code (CairnError, or a system error's). */
export const errorCode = (err: unknown) => (err as { code?: string }).code;
