/**
 * @module The team key lives in the database through the store's codec: never in the clear beside an encrypted
 * store, carried through encrypt, key rotate and decrypt, moved in from an earlier version's `sync.key` file.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { readConfig, readSettings, type SyncConfig, writeConfig, writeSettings } from "../../src/sync/settings.ts";
import { leaveTeam } from "../../src/sync/team.ts";
import { encryptedOptions } from "../helpers/engine.ts";
import { codeOf } from "../helpers/errors.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-team-key-"));
  dirs.push(dir);
  return dir;
}

const KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) % 256);
const B64 = Buffer.from(KEY).toString("base64");
const CONFIG: SyncConfig = { server: "postgres://h/db", team: "t1", device: "d1", shared: { projects: [], global: false }, key: KEY };

/** Every byte of every file in `dir` (the database, its WAL, the settings), as latin1 text. */
function everything(dir: string): string {
  return readdirSync(dir).map((n) => readFileSync(join(dir, n)).toString("latin1")).join("\n");
}

test("an encrypted store keeps the team key sealed, and encrypt, key rotate and decrypt carry it over", () => {
  const dir = dataDir();
  const path = join(dir, "cairn.db");
  const first = encryptedOptions(undefined, path);
  let store = new SqliteStore(path, first);
  writeConfig(dir, store.sync, CONFIG);
  expect(existsSync(join(dir, "sync.key"))).toBe(false);
  expect(Buffer.from(readConfig(dir, store.sync)!.key)).toEqual(Buffer.from(KEY));
  store.close();
  expect(everything(dir)).not.toContain(B64);
  expect(everything(dir)).not.toContain(Buffer.from(KEY).toString("latin1"));

  store = new SqliteStore(path, { codec: first.codec });
  const second = encryptedOptions(undefined, path);
  store.recode(second.codec, second.newRecord);
  store.close();
  store = new SqliteStore(path, { codec: second.codec });
  expect(Buffer.from(readConfig(dir, store.sync)!.key)).toEqual(Buffer.from(KEY));
  store.recode(PLAIN_CODEC, null);
  store.close();
  store = new SqliteStore(path);
  expect(Buffer.from(readConfig(dir, store.sync)!.key)).toEqual(Buffer.from(KEY));
  store.close();
});

test("an earlier version's sync.key file moves into the database and is removed", () => {
  const dir = dataDir();
  const store = new SqliteStore(join(dir, "cairn.db"));
  const { key: _k, ...settings } = CONFIG;
  writeSettings(dir, settings);
  writeFileSync(join(dir, "sync.key"), `${B64}\n`, { mode: 0o600 });
  expect(Buffer.from(readConfig(dir, store.sync)!.key)).toEqual(Buffer.from(KEY));
  expect(existsSync(join(dir, "sync.key"))).toBe(false);
  expect(Buffer.from(store.sync.teamKey()!)).toEqual(Buffer.from(KEY));
  store.close();
});

test("settings whose database holds no key say so, and the device can still leave the team", () => {
  const dir = dataDir();
  const store = new SqliteStore(join(dir, "cairn.db"));
  writeConfig(dir, store.sync, CONFIG);
  store.sync.reset(); // as a database restored from before joining
  expect(store.sync.teamKey()).toBeNull();
  expect(codeOf(() => readConfig(dir, store.sync))).toBe("SYNC_KEY_MISSING");
  expect(leaveTeam(dir, store.sync).team).toBe("t1");
  expect(readSettings(dir)).toBeNull();
  expect(readConfig(dir, store.sync)).toBeNull();
  store.close();
});

test("the server's password is kept beside the key, sealed in an encrypted store, never in sync.json; an earlier sync.json's moves in (QA)", () => {
  const dir = dataDir();
  const path = join(dir, "cairn.db");
  const first = encryptedOptions(undefined, path);
  let store = new SqliteStore(path, first);
  const SECRET = "SyncPassw0rdLEAK";
  writeConfig(dir, store.sync, { ...CONFIG, server: `postgres://syncuser:${SECRET}@db.internal:5432/cairn` });
  expect(readSettings(dir)!.server).toBe("postgres://syncuser@db.internal:5432/cairn");
  expect(readConfig(dir, store.sync)!.server).toBe(`postgres://syncuser:${SECRET}@db.internal:5432/cairn`);
  store.close();
  expect(everything(dir)).not.toContain(SECRET);
  // Carried through a key rotation, and back to plain.
  store = new SqliteStore(path, { codec: first.codec });
  store.recode(PLAIN_CODEC, null);
  store.close();
  store = new SqliteStore(path);
  expect(readConfig(dir, store.sync)!.server).toBe(`postgres://syncuser:${SECRET}@db.internal:5432/cairn`);
  // An earlier version's sync.json held it in the URL: read, it moves into the database and out of the file.
  const { key: _k, ...settings } = CONFIG;
  writeFileSync(join(dir, "sync.json"), JSON.stringify({ ...settings, server: "postgres://u:Older0ne@h/db" }));
  expect(readConfig(dir, store.sync)!.server).toBe("postgres://u:Older0ne@h/db");
  expect(readFileSync(join(dir, "sync.json"), "utf8")).not.toContain("Older0ne");
  expect(readConfig(dir, store.sync)!.server).toBe("postgres://u:Older0ne@h/db");
  // A URL without a password keeps none.
  writeConfig(dir, store.sync, CONFIG);
  expect(readConfig(dir, store.sync)!.server).toBe("postgres://h/db");
  store.close();
});
