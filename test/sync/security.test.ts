/**
 * @module What the server holds and what it can do: a dump has no marker word, tag, project name or memory id
 * in it; a wrong team key or a record altered or moved on the server is refused by name and nothing is
 * applied; a server that is down leaves local work going and `status` saying so.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { SQL } from "bun";
import { encodeJoinCode } from "../../src/sync/code.ts";
import { readConfig, readSettings } from "../../src/sync/settings.ts";
import { goingAway, withSslMode } from "../../src/sync/server.ts";
import { syncStatus } from "../../src/sync/status.ts";
import { usePostgres } from "../helpers/postgres.ts";
import { Device, errorCode as codeOf, failure, startTeam } from "../helpers/sync-devices.ts";

const postgres = usePostgres();
let dbs = 0;

const team = (n: number) => startTeam(postgres.current()!, `s${++dbs}`, n);

test("a dump of the server holds none of 1,000 marker words, their tags, project names or memory ids", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const { devices: [a, b], db } = await team(2);
  const projects = ["github.com/acme/zephyrpayments", "github.com/acme/quillbilling"];
  for (const p of projects) a!.engine.remember({ content: "seed", project: p });
  for (const p of projects) a!.store.sync.enqueueProject(p);
  const { setShared } = await import("../../src/sync/team.ts");
  for (const p of projects) setShared(a!.dir, a!.store.sync, p, true);
  const markers: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const marker = `mk${randomBytes(5).toString("hex")}`;
    const tag = `tg${randomBytes(4).toString("hex")}`;
    markers.push(marker, tag);
    ids.push(a!.engine.remember({ content: `the ${marker} service needs a warm cache`, tags: [tag], project: projects[i % 2]!, type: "lesson" }).id);
  }
  a!.engine.relate(ids[0]!, ids[1]!, "relates_to");
  a!.engine.forget(ids[2]!, { hard: true });
  await a!.sync();
  await b!.sync();
  expect(b!.exported()).toEqual(a!.exported());
  const dump = pg.dump(db);
  expect(dump).toContain("cairn_sync_records");
  const found = [...markers, ...projects, "zephyrpayments", "quillbilling", ...ids, "lesson", "warm cache"].filter((w) => dump.includes(w));
  expect(found).toEqual([]);
  for (const d of [a, b]) d!.close();
});

test("a join code whose key opens none of the team's records is refused at join, and nothing is written (QA sync M4)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const { devices: [a], url } = await team(1);
  a!.engine.remember({ content: "the deploy key lives in the vault" });
  await a!.sync();
  const intruder = new Device();
  const wrong = encodeJoinCode(readConfig(a!.dir, a!.store.sync)!.team, new Uint8Array(randomBytes(32)));
  const err = await failure(intruder.join(wrong, url));
  expect(codeOf(err)).toBe("SYNC_WRONG_KEY");
  expect(readSettings(intruder.dir)).toBeNull();
  // The right code still joins.
  const friend = new Device();
  await friend.join(a!.code(), url);
  await friend.sync();
  expect(friend.exported()).toEqual(a!.exported());
  for (const d of [a!, intruder, friend]) d.close();
});

test("a wrong team key, joined while the team held no record yet, names the record it cannot open, applies nothing and sends nothing (the team goes on)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const { devices: [a], url } = await team(1);
  const intruder = new Device();
  await intruder.join(encodeJoinCode(readConfig(a!.dir, a!.store.sync)!.team, new Uint8Array(randomBytes(32))), url);
  a!.engine.remember({ content: "the deploy key lives in the vault" });
  await a!.sync();
  intruder.engine.remember({ content: "written under the wrong key" });
  const err = await failure(intruder.sync());
  expect(codeOf(err)).toBe("SYNC_BAD_RECORD");
  expect((err as Error).message).toContain("Record 1 ");
  expect(intruder.exported()).toHaveLength(1);
  expect(intruder.store.sync.get("cursor")).toBe(0);
  // Nothing of the intruder reached the server: the team syncs on.
  const sql = new SQL(url);
  try {
    expect((await sql`SELECT count(*)::int AS n FROM cairn_sync_records`)[0].n).toBe(1);
  } finally {
    await sql.close();
  }
  a!.engine.remember({ content: "the vault is sealed at night" });
  await a!.sync();
  for (const d of [a!, intruder]) d.close();
});

test("a record altered, or moved to another slot, on the server is refused by name and nothing is applied", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const { devices: [a, b], url } = await team(2);
  a!.engine.remember({ content: "first: rotate the api token monthly" });
  a!.engine.remember({ content: "second: the queue retries three times" });
  await a!.sync();
  const sql = new SQL(url);
  try {
    const [{ seq }] = await sql`SELECT max(seq)::int AS seq FROM cairn_sync_records`;
    await sql`UPDATE cairn_sync_records SET body = overlay(body placing '\\x00'::bytea from 20 for 1) WHERE seq = ${seq}`;
    let err = await failure(b!.sync());
    expect(codeOf(err)).toBe("SYNC_BAD_RECORD");
    expect((err as Error).message).toContain(`Record ${seq} `);
    expect(b!.exported()).toEqual([]);
    // Restored body, but moved to another device counter: the seal is bound to its slot.
    await sql`DELETE FROM cairn_sync_records WHERE seq = ${seq}`;
    b!.store.sync.set("cursor", 0);
    a!.store.sync.set("counter", 0);
    a!.engine.remember({ content: "third: caches expire hourly" });
    await a!.sync();
    const [{ last }] = await sql`SELECT max(seq)::int AS last FROM cairn_sync_records`;
    await sql`UPDATE cairn_sync_records SET counter = counter + 100 WHERE seq = ${last}`;
    err = await failure(b!.sync());
    expect(codeOf(err)).toBe("SYNC_BAD_RECORD");
    expect(b!.exported()).toEqual([]);
  } finally {
    await sql.close();
  }
  for (const d of [a, b]) d!.close();
});

test("a record put back on the server under a new sequence (a replay) is skipped: no change, no history entry", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const { devices: [a, b], url } = await team(2);
  const { id } = a!.engine.remember({ content: "the queue retries three times" });
  await a!.sync();
  await b!.sync();
  a!.engine.update(id, { content: "the queue retries five times" });
  await a!.sync();
  await b!.sync();
  const history = b!.engine.history(id).entries.length;
  const sql = new SQL(url);
  try {
    // The first version's record, deleted and inserted again at the end of the log.
    const [{ seq }] = await sql`SELECT min(seq)::int AS seq FROM cairn_sync_records`;
    await sql.begin(async (tx) => {
      await tx`CREATE TEMP TABLE replay AS SELECT * FROM cairn_sync_records WHERE seq = ${seq}`;
      await tx`DELETE FROM cairn_sync_records WHERE seq = ${seq}`;
      await tx`INSERT INTO cairn_sync_records (team, device, counter, mid, erase, size, at, body) SELECT team, device, counter, mid, erase, size, at, body FROM replay`;
    });
    expect(await b!.sync()).toMatchObject({ pulled: 0 });
    expect(b!.engine.get(id, { track: false }).content).toBe("the queue retries five times");
    expect(b!.engine.history(id).entries).toHaveLength(history);
  } finally {
    await sql.close();
  }
  for (const d of [a, b]) d!.close();
});

test("with the server down, local writes go on, changes queue, status says so; they go out once it is back", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const { devices: [a, b] } = await team(2);
  pg.stop();
  try {
    const r = a!.engine.remember({ content: "written while the server was down" });
    expect(codeOf(await failure(a!.sync()))).toBe("SYNC_UNREACHABLE");
    const status = await syncStatus(readConfig(a!.dir, a!.store.sync)!, a!.store.sync);
    expect(status.reachable).toBe(false);
    expect(status.pending).toBe(1);
    expect(readConfig(a!.dir, a!.store.sync)!.last?.ok).toBe(false);
    a!.engine.update(r.id, { tags: ["offline"] });
    // Joining while it is down: a plain error, and this device is in no team (nothing "stays queued").
    const late = new Device();
    const err = await failure(late.join(a!.code(), pg.url(`s${dbs}`)));
    expect(codeOf(err)).toBe("SYNC_SETUP_FAILED");
    expect(readConfig(late.dir, late.store.sync)).toBeNull();
    late.close();
  } finally {
    pg.start();
  }
  await a!.sync();
  await b!.sync();
  expect(b!.exported()).toEqual(a!.exported());
  expect(b!.exported()).toHaveLength(1);
  for (const d of [a, b]) d!.close();
});

test("a server URL without an sslmode asks for TLS when the server offers it; one given is kept", () => {
  expect(withSslMode("postgres://u:p@db.internal:5432/cairn")).toBe("postgres://u:p@db.internal:5432/cairn?sslmode=prefer");
  expect(withSslMode("postgres://db/cairn?application_name=x")).toBe("postgres://db/cairn?application_name=x&sslmode=prefer");
  expect(withSslMode("postgres://db/cairn?sslmode=verify-full")).toBe("postgres://db/cairn?sslmode=verify-full");
});

test("a password given as ?password= stays out of sync.json, and syncing goes on with it (QA)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("qpass");
  const a = new Device();
  await a.init(`${pg.url("qpass")}?password=hunter2secret`);
  expect(JSON.stringify(readSettings(a.dir))).not.toContain("hunter2secret");
  expect(readConfig(a.dir, a.store.sync)!.server).toContain("hunter2secret");
  a.engine.remember({ content: "the query password case", project: "github.com/acme/qpass" });
  await a.sync();
  const b = new Device();
  await b.join(a.code(), pg.url("qpass"));
  await b.sync();
  for (const d of [a, b]) d.close();
});

test("a server going away (shut down, crashed, starting) is unreachable for now, not a refusal of the credentials (QA)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("away");
  const sql = new SQL(pg.url("away"));
  const raised = (state: string, message: string) => sql.unsafe(`DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '${state}', MESSAGE = '${message}'; END $$`).then(() => null, (err: unknown) => err);
  try {
    expect(goingAway(await raised("57P01", "terminating connection due to administrator command"))).toBe(true);
    expect(goingAway(await raised("57P03", "the database system is starting up"))).toBe(true);
    expect(goingAway(await raised("28P01", "password authentication failed for user x"))).toBe(false);
    expect(goingAway(await raised("42501", "permission denied for table cairn_sync_records"))).toBe(false);
  } finally {
    await sql.close();
  }
});
