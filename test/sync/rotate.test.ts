/**
 * @module A new team key (`cairn sync rotate`): the devices that join the new team keep and exchange everything,
 * newer edits win whichever side made them, erases reach a device that missed them, and the device left out can
 * neither read the new team's records nor add to the retired team, which the server has emptied.
 */
import { expect, test } from "bun:test";
import { SQL } from "bun";
import { sealOutbox } from "../../src/sync/push.ts";
import { readConfig, readSettings } from "../../src/sync/settings.ts";
import { rejoinTeam, rotateTeam } from "../../src/sync/rotate.ts";
import { open } from "../../src/sync/seal.ts";
import { usePostgres } from "../helpers/postgres.ts";
import { Device, errorCode as codeOf, failure, startTeam } from "../helpers/sync-devices.ts";

const postgres = usePostgres();
let dbs = 0;

const team = (n: number) => startTeam(postgres.current()!, `r${++dbs}`, n);

async function withSql<T>(url: string, fn: (sql: SQL) => Promise<T>): Promise<T> {
  const sql = new SQL(url);
  try {
    return await fn(sql);
  } finally {
    await sql.close();
  }
}

const contentOf = (d: Device, id: string) => d.store.get(id)?.content;

test("after a rotation the devices that join again exchange everything, and the device left out reads nothing new and adds nothing", async () => {
  if (!postgres.current()) return;
  const { devices, url } = await team(3);
  const [a, b, gone] = devices as [Device, Device, Device];
  const kept = a.engine.remember({ content: "the staging database is restored every Sunday" }).id;
  const edited = a.engine.remember({ content: "deploys need two approvals" }).id;
  await a.sync();
  for (const d of [b, gone]) await d.sync();
  expect(b.exported()).toEqual(a.exported());
  const oldTeam = readConfig(a.dir, a.store.sync)!;
  // Written on b before the rotation and not yet sent: it must reach the new team.
  b.engine.update(edited, { content: "deploys need three approvals since the audit" });
  const offline = b.engine.remember({ content: "the pager rotation changes on Mondays" }).id;

  const r = await rotateTeam(a.context(), a.dir);
  expect(r.retired).toBe(oldTeam.team);
  expect(r.retiredNow).toBe(true);
  expect(r.sent).toBe(2);
  expect(readSettings(a.dir)!.retiring).toBeUndefined();
  const newCode = a.code();
  await withSql(url, async (sql) => {
    expect((await sql`SELECT count(*)::int AS n FROM cairn_sync_records WHERE team = ${oldTeam.team}`)[0].n).toBe(0);
  });

  // The device left out: its syncs are refused by name, and nothing it writes reaches the server.
  gone.engine.remember({ content: "written after the rotation by the device left out" });
  for (const d of [gone, b]) expect(codeOf(await failure(d.sync()))).toBe("SYNC_TEAM_RETIRED");
  // b joins the new team from the retired one: its memories and its unsent edit go to the new team.
  const moved = await rejoinTeam(b.store, b.store.sync, b.dir, newCode, url);
  expect(moved.from).toBe(oldTeam.team);
  await b.sync();
  await a.sync();
  expect(contentOf(a, edited)).toBe("deploys need three approvals since the audit");
  expect(contentOf(a, offline)).toBe("the pager rotation changes on Mondays");
  expect(contentOf(b, kept)).toBe("the staging database is restored every Sunday");
  expect(b.exported()).toEqual(a.exported());

  await withSql(url, async (sql) => {
    expect((await sql`SELECT count(*)::int AS n FROM cairn_sync_records WHERE team = ${oldTeam.team}`)[0].n).toBe(0);
    const records = (await sql`SELECT device, counter, body FROM cairn_sync_records`) as Array<{ device: string; counter: string; body: Uint8Array }>;
    const team = readConfig(a.dir, a.store.sync)!.team;
    expect(records.length).toBeGreaterThan(0);
    // The old key opens none of them; the new one opens all.
    const opened = (key: Uint8Array) => records.filter((rec) => open(key, { team, device: rec.device, counter: Number(rec.counter) }, rec.body) !== null).length;
    expect(opened(oldTeam.key)).toBe(0);
    expect(opened(readConfig(a.dir, a.store.sync)!.key)).toBe(records.length);
  });
  // The old code does not join the retired team either, and says why (QA: it said the server held no such team).
  const late = new Device();
  expect(codeOf(await failure(late.join(oldTeam && (await import("../../src/sync/code.ts")).encodeJoinCode(oldTeam.team, oldTeam.key), url)))).toBe("SYNC_TEAM_RETIRED");
  for (const d of [a, b, gone, late]) d.close();
});

test("a rotation carries each memory at its version's clock: a later edit on the new team wins over the copy a returning device held, and an erase reaches it", async () => {
  if (!postgres.current()) return;
  const { devices, url } = await team(2);
  const [a, b] = devices as [Device, Device];
  const x = a.engine.remember({ content: "the cache holds sessions for an hour" }).id;
  const y = a.engine.remember({ content: "the old billing export runs nightly" }).id;
  await a.sync();
  await b.sync();
  // b is away from here on. a erases y in the old team, rotates, then edits x in the new one.
  a.engine.forget(y, { hard: true });
  await a.sync();
  await rotateTeam(a.context(), a.dir);
  a.engine.update(x, { content: "the cache holds sessions for a day" });
  await a.sync();
  await rejoinTeam(b.store, b.store.sync, b.dir, a.code(), url);
  await b.sync();
  await a.sync();
  expect(contentOf(b, x)).toBe("the cache holds sessions for a day");
  expect(contentOf(a, x)).toBe("the cache holds sessions for a day");
  expect(b.store.get(y)).toBeNull();
  expect(b.exported()).toEqual(a.exported());
  for (const d of [a, b]) d.close();
});

test("joining another team is refused while the team this device is in was not retired; a sync begun before a rotation stops before sealing for the old team", async () => {
  if (!postgres.current()) return;
  const one = await team(2);
  const other = await team(1);
  const [a, b] = one.devices as [Device, Device];
  const [c] = other.devices as [Device];
  expect(codeOf(await failure(rejoinTeam(b.store, b.store.sync, b.dir, c.code(), other.url)))).toBe("SYNC_ALREADY");
  expect(readConfig(b.dir, b.store.sync)!.team).toBe(readConfig(a.dir, a.store.sync)!.team);
  // A context read before the rotation (another process's sync) seals nothing under the old key.
  const stale = a.context();
  await rotateTeam(a.context(), a.dir);
  a.engine.remember({ content: "written after the rotation" });
  expect(codeOf(await failure(Promise.resolve().then(() => sealOutbox(stale))))).toBe("SYNC_SETTINGS_CHANGED");
  expect(a.store.sync.counts().pending).toBe(0);
  await a.sync();
  for (const d of [a, b, c]) d.close();
});

test("a rotation cut short once this device moved still gives the new code; the next sync sends the memories and retires the old team", async () => {
  if (!postgres.current()) return;
  const { devices, url } = await team(2);
  const [a, b] = devices as [Device, Device];
  a.engine.remember({ content: "the nightly backup runs at 02:00" });
  await a.sync();
  await b.sync();
  const old = readConfig(a.dir, a.store.sync)!.team;
  // The server goes away as soon as this device has moved to the new team.
  const ctx = { ...a.context(), pause: async () => {
    if (readConfig(a.dir, a.store.sync)!.team !== old) throw new Error("connection lost");
  } };
  const r = await rotateTeam(ctx, a.dir);
  expect(r.unfinished).toContain("connection lost");
  expect(r.retiredNow).toBe(false);
  expect(readSettings(a.dir)!.retiring).toBe(old);
  await withSql(url, async (sql) => {
    expect((await sql`SELECT count(*)::int AS n FROM cairn_sync_records WHERE team = ${old}`)[0].n).toBeGreaterThan(0);
  });
  await a.sync();
  expect(readSettings(a.dir)!.retiring).toBeUndefined();
  await withSql(url, async (sql) => {
    expect((await sql`SELECT count(*)::int AS n FROM cairn_sync_records WHERE team = ${old}`)[0].n).toBe(0);
  });
  await rejoinTeam(b.store, b.store.sync, b.dir, a.code(), url);
  await b.sync();
  expect(b.exported()).toEqual(a.exported());
  for (const d of [a, b]) d.close();
});

test("a device joining the rotated team does not send again the erases the team has (QA: every joining device re-sent them all)", async () => {
  if (!postgres.current()) return;
  const { devices, url } = await team(2);
  const [a, b] = devices as [Device, Device];
  const ids = [1, 2, 3].map((i) => a.engine.remember({ content: `a note to be erased, number ${i}` }).id);
  await a.sync();
  await b.sync();
  for (const id of ids) a.engine.forget(id, { hard: true });
  await a.sync();
  await b.sync();
  await rotateTeam(a.context(), a.dir);
  await rejoinTeam(b.store, b.store.sync, b.dir, a.code(), url);
  expect((await b.sync()).pushed).toBe(0);
  await withSql(url, async (sql) => {
    const [row] = (await sql`SELECT count(*)::int AS n, count(DISTINCT mid)::int AS mids FROM cairn_sync_records WHERE erase`) as Array<{ n: number; mids: number }>;
    expect(row).toEqual({ n: 3, mids: 3 });
  });
  for (const d of [a, b]) d.close();
});
