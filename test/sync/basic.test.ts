/** @module Team sync between devices through a real PostgreSQL: what one writes, the others get; conflicts, erase, tampering. */
import { describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { readConfig, readSettings } from "../../src/sync/settings.ts";
import { syncStatus } from "../../src/sync/status.ts";
import { SyncServer } from "../../src/sync/server.ts";
import { leaveTeam, setShared } from "../../src/sync/team.ts";
import { usePostgres } from "../helpers/postgres.ts";
import { Device, errorCode, failure } from "../helpers/sync-devices.ts";

const postgres = usePostgres();
let dbs = 0;

async function team(n: number, encrypted: boolean[] = []): Promise<Device[]> {
  const db = `t${++dbs}`;
  await postgres.current()!.createDb(db);
  const url = postgres.current()!.url(db);
  const devices = Array.from({ length: n }, (_, i) => new Device({ encrypted: encrypted[i] }));
  await devices[0]!.init(url);
  for (const d of devices.slice(1)) await d.join(devices[0]!.code(), url);
  return devices;
}

/** Whether `d`'s history of memory `id` holds an old text with `word`. */
const oldTextIn = (d: Device, id: string, word: string) => d.engine.history(id).entries.some((e) => e.contentBefore?.includes(word) === true);

/** A device joining team `from` belongs to (the last database `team` made) now, after a first sync. */
async function joinNow(from: Device): Promise<{ device: Device; url: string }> {
  const url = postgres.current()!.url(`t${dbs}`);
  const device = new Device();
  await device.join(from.code(), url);
  await device.sync();
  return { device, url };
}

/** How many records the server at `url` holds. */
async function serverRecords(url: string): Promise<number> {
  const sql = new SQL(url);
  try {
    return (await sql`SELECT count(*)::int AS n FROM cairn_sync_records`)[0].n as number;
  } finally {
    await sql.close();
  }
}

describe("sync", () => {
  test("a memory written on one device reaches the other; an edit and a hard erase follow", async () => {
    const pg = postgres.current();
  if (!pg) return;
    const [a, b] = await team(2);
    const r = a!.engine.remember({ content: "deploys need the VPN up first", tags: ["ops"] });
    await a!.sync();
    await b!.sync();
    expect(b!.engine.get(r.id, { track: false }).content).toBe("deploys need the VPN up first");
    b!.engine.update(r.id, { content: "deploys need the VPN and the bastion" });
    await b!.sync();
    await a!.sync();
    expect(a!.engine.get(r.id, { track: false }).content).toBe("deploys need the VPN and the bastion");
    expect(a!.engine.history(r.id).entries.some((e) => e.actor.startsWith("sync:"))).toBe(true);
    a!.engine.forget(r.id, { hard: true });
    await a!.sync();
    await b!.sync();
    expect(() => b!.engine.get(r.id)).toThrow();
    expect(a!.exported()).toEqual(b!.exported());
    for (const d of [a, b]) d!.close();
  });
});

test("a store encrypted at rest syncs with a plain one: the team sees plain text, each disk its own encoding", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2, [true, false]);
  const r = a!.engine.remember({ content: "the staging bastion rotates its host key monthly", tags: ["ops"] });
  await a!.sync();
  await b!.sync();
  expect(b!.engine.get(r.id, { track: false })).toMatchObject({ content: "the staging bastion rotates its host key monthly", tags: ["ops"] });
  b!.engine.update(r.id, { content: "the staging bastion rotates its host key weekly" });
  await b!.sync();
  await a!.sync();
  expect(a!.engine.get(r.id, { track: false }).content).toBe("the staging bastion rotates its host key weekly");
  expect(a!.exported()).toEqual(b!.exported());
  const rows = a!.store.database.query("SELECT content, tags FROM memories").all();
  expect(JSON.stringify(rows)).not.toContain("bastion");
  for (const d of [a, b]) d!.close();
});

test("a device offline for 5,000 changes catches up", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const lines = Array.from({ length: 4900 }, (_, i) => JSON.stringify({ content: `offline change ${i}: worker w${i} drains queue q${i % 50}`, project: "github.com/acme/app" }));
  await a!.engine.import(`${lines.join("\n")}\n`);
  const ids = [...a!.engine.export()].slice(0, 100).map((m) => m.id);
  for (const id of ids) a!.engine.update(id, { tags: ["edited"] });
  await a!.sync();
  const report = await b!.sync();
  expect(report.pulled).toBe(4900);
  expect(b!.exported()).toEqual(a!.exported());
  for (const d of [a, b]) d!.close();
});

test("a database replaced under the team's settings resumes: recording on again, no device counter reused", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const first = a!.engine.remember({ content: "written before the database was restored" });
  await a!.sync();
  // Device counters 1–3 are used on the server.
  for (const tag of ["two", "three"]) {
    a!.engine.update(first.id, { tags: [tag] });
    await a!.sync();
  }
  // What a restore from an old backup (or a repaired database) looks like to sync: counters and tables empty,
  // recording off; the team key as the backup held it (one from before joining has none: SYNC_KEY_MISSING).
  const key = a!.store.sync.teamKey()!;
  a!.store.sync.reset();
  a!.store.sync.setTeamKey(key);
  a!.engine.remember({ content: "written after the restore, before any sync" });
  await a!.sync();
  await b!.sync();
  expect(b!.exported()).toHaveLength(2);
  expect(b!.exported()).toEqual(a!.exported());
  for (const d of [a, b]) d!.close();
});

test("the same statement stored on two devices merges by the duplicate rule, the same way on both", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const ra = a!.engine.remember({ content: "Run the migrations before the deploy", tags: ["deploy"] });
  const rb = b!.engine.remember({ content: "run the migrations before the deploy", tags: ["db"] });
  for (let i = 0; i < 2; i++) for (const d of [a, b]) await d!.sync();
  expect(b!.exported()).toEqual(a!.exported());
  const [keep, drop] = ra.id < rb.id ? [ra.id, rb.id] : [rb.id, ra.id];
  const kept = a!.engine.get(keep, { track: false });
  expect(kept.status).toBe("active");
  expect(kept.tags.sort()).toEqual(["db", "deploy"]);
  expect(a!.engine.get(drop, { track: false })).toMatchObject({ status: "superseded", supersededBy: keep });
  for (const d of [a, b]) d!.close();
});

test("an erase stays final even when a later edit of the memory arrives before it was sent", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const r = a!.engine.remember({ content: "the staging host is called kiwi" });
  await a!.sync();
  await b!.sync();
  // An edit made after the team erased the memory is not kept by the server, and not counted as sent (QA sync).
  const s = a!.engine.remember({ content: "the backup host is called fig" });
  await a!.sync();
  await b!.sync();
  a!.engine.forget(s.id, { hard: true });
  await a!.sync();
  b!.engine.update(s.id, { content: "the backup host is called fig-2" });
  expect((await b!.sync()).pushed).toBe(0);
  a!.engine.forget(r.id, { hard: true });
  b!.engine.update(r.id, { content: "the staging host is called kiwi-2" });
  await b!.sync();
  // A pulls B's later edit while its own erase still waits in the outbox: the erase wins and goes out.
  const { pullAll } = await import("../../src/sync/pull.ts");
  const { SyncServer } = await import("../../src/sync/server.ts");
  const server = await SyncServer.connect(a!.context().config.server);
  await pullAll(a!.context(), server);
  await server.close();
  await a!.sync();
  await b!.sync();
  expect(a!.exported()).toEqual([]);
  expect(b!.exported()).toEqual([]);
  for (const d of [a, b]) d!.close();
});

test("a possible conflict settled on one device is settled on the others; confirmed beats dismissed whatever the order", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const old = a!.engine.remember({ content: "In staging the API server listens on port 8080; the staging port is set in deploy/staging.env", type: "fact" });
  const neu = a!.engine.remember({ content: "Staging API server: port 9090", type: "fact" });
  expect(neu.conflicts?.map((c) => c.id)).toEqual([old.id]);
  await a!.sync();
  await b!.sync();
  expect(b!.engine.links(old.id)).toEqual([{ relation: "contradicts", direction: "in", id: neu.id, possible: true }]);
  // Dismissed on b: a gets the dismissal.
  b!.engine.relate(neu.id, old.id, "contradicts", { dismiss: true });
  await b!.sync();
  await a!.sync();
  expect(a!.engine.links(old.id)).toEqual([{ relation: "contradicts", direction: "in", id: neu.id, settled: "not_conflict" }]);
  // Then confirmed on a, while b (not yet synced) still has it dismissed: both end confirmed.
  a!.engine.relate(neu.id, old.id, "contradicts");
  await a!.sync();
  await b!.sync();
  await a!.sync();
  for (const d of [a, b]) expect(d!.engine.links(old.id)).toEqual([{ relation: "contradicts", direction: "in", id: neu.id, settled: "conflict" }]);
  expect(a!.exported()).toEqual(b!.exported());
  for (const d of [a, b]) d!.close();
});

test("joining through a server that holds no such team is refused and changes nothing; a team an earlier version started is found by its records", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a] = await team(1);
  await pg.createDb(`other${dbs}`);
  const other = pg.url(`other${dbs}`);
  // The other database has the schema (another team lives there) but not this team.
  const elsewhere = new Device();
  await elsewhere.init(other);
  const late = new Device();
  const err = await late.join(a!.code(), other).then(() => null, (e: unknown) => e);
  expect((err as { code?: string } | null)?.code).toBe("SYNC_TEAM_UNKNOWN");
  expect(readSettings(late.dir)).toBeNull();
  // A team started before teams were registered: no meta row, but its records.
  a!.engine.remember({ content: "the nightly build runs at two" });
  await a!.sync();
  const sql = new SQL(pg.url(`t${dbs}`));
  await sql`DELETE FROM cairn_sync_meta WHERE key LIKE 'team:%'`;
  await sql.close();
  await late.join(a!.code(), pg.url(`t${dbs}`));
  await late.sync();
  expect(late.exported()).toEqual(a!.exported());
  for (const d of [a, late, elsewhere]) d!.close();
});

test("a history erased on one device is erased on every device and on the server; a device joining later never gets it (QA sync H1)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const r = a!.engine.remember({ content: "the launch codename was Grapefruit Falcon, told by the client", tags: ["ops"] });
  await a!.sync();
  await b!.sync();
  a!.engine.update(r.id, { content: "the launch codename is in the client folder" });
  await a!.sync();
  await b!.sync();
  const oldText = (d: Device) => oldTextIn(d, r.id, "Grapefruit");
  expect(oldText(b!)).toBe(true);
  a!.engine.eraseHistory(r.id);
  await a!.sync();
  await b!.sync();
  for (const d of [a!, b!]) {
    expect(oldText(d)).toBe(false);
    expect(d.engine.get(r.id, { track: false }).content).toBe("the launch codename is in the client folder");
  }
  // The server keeps the memory's newest record only; a device joining now pulls no old version.
  const { device: c, url } = await joinNow(a!);
  expect(c.engine.get(r.id, { track: false }).content).toBe("the launch codename is in the client folder");
  expect(oldText(c)).toBe(false);
  expect(await serverRecords(url)).toBe(1);
  // Erasing again with nothing new to send changes nothing and sends nothing wrong.
  expect(a!.exported()).toEqual(c.exported());
  for (const d of [a, b, c]) d!.close();
});

test("a record the server has already is not counted as sent again (two syncs of one device at once both reported all)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a] = await team(1);
  const config = readConfig(a!.dir, a!.store.sync)!;
  const server = await SyncServer.connect(pg.url(`t${dbs}`));
  try {
    const records = [1, 2].map((counter) => ({ counter, mid: `m${counter}`, erase: false, body: new Uint8Array([counter]) }));
    expect(await server.push(config.team, "device-x", records)).toBe(2);
    expect(await server.push(config.team, "device-x", records)).toBe(0);
    expect(await server.push(config.team, "device-x", [...records, { counter: 3, mid: "m3", erase: false, body: new Uint8Array([3]) }])).toBe(1);
  } finally {
    await server.close();
    a!.close();
  }
});

test("status counts as waiting only what will be sent: a memory of a project not shared is not pending (QA sync)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a] = await team(1);
  const pending = async () => (await syncStatus(readConfig(a!.dir, a!.store.sync)!, a!.store.sync)).pending;
  a!.engine.remember({ content: "the other repo builds with bazel", project: "github.com/acme/other" });
  expect(await pending()).toBe(0);
  a!.engine.remember({ content: "the app deploys on fridays only after the freeze review" });
  expect(await pending()).toBe(1);
  expect((await a!.sync()).pushed).toBe(1);
  expect(await pending()).toBe(0);
  a!.close();
});

test("an older version from a device offline during a history erase neither comes back into any history nor stays on the server (QA re-check)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b, c] = await team(3);
  const r = a!.engine.remember({ content: "the staging database host is db-stg-quillfeather.internal", tags: ["ops"] });
  for (const d of [a, b, c]) await d!.sync();
  // c, offline, changes the tags only: its record still carries the old text.
  c!.engine.update(r.id, { tags: ["infra"] });
  a!.engine.update(r.id, { content: "the staging database host is in the vault" });
  a!.engine.eraseHistory(r.id);
  await a!.sync();
  await c!.sync();
  await b!.sync();
  await a!.sync();
  await c!.sync();
  const oldText = (d: Device) => oldTextIn(d, r.id, "quillfeather");
  for (const d of [a!, b!, c!]) {
    expect(oldText(d)).toBe(false);
    expect(d.engine.get(r.id, { track: false }).content).toBe("the staging database host is in the vault");
  }
  const { device: d, url } = await joinNow(a!);
  expect(oldText(d)).toBe(false);
  expect(await serverRecords(url)).toBe(1);
  for (const x of [a, b, c, d]) x!.close();
});

test("sharing a project sends only what the team does not have: memories received from it are not sent back (QA sync)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const OTHER = "github.com/acme/other";
  setShared(a!.dir, a!.store.sync, OTHER, true);
  a!.engine.remember({ content: "the other service pins node 22 in its dockerfile", project: OTHER });
  await a!.sync();
  await b!.sync();
  const own = b!.engine.remember({ content: "the other service runs its migrations at boot", project: OTHER }).id;
  expect(setShared(b!.dir, b!.store.sync, OTHER, true).queued).toBe(1);
  expect((await b!.sync()).pushed).toBe(1);
  await a!.sync();
  expect(a!.engine.get(own, { track: false }).content).toBe("the other service runs its migrations at boot");
  for (const d of [a, b]) d!.close();
});

test("a memory under a legal hold here is not changed by a teammate's edit or forget; once released, its next change is sent (QA sync)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const r = a!.engine.remember({ content: "the vendor contract renews every March", tags: ["legal"] });
  await a!.sync();
  await b!.sync();
  const hold = b!.engine.addHold({ id: r.id, reason: "audit freeze" });
  a!.engine.update(r.id, { content: "the vendor contract renews every April" });
  await a!.sync();
  await b!.sync();
  a!.engine.forget(r.id);
  await a!.sync();
  await b!.sync();
  const held = b!.engine.get(r.id, { track: false });
  expect([held.content, held.status]).toEqual(["the vendor contract renews every March", "active"]);
  expect(oldTextIn(b!, r.id, "April")).toBe(false);
  // The team went on without it.
  expect(a!.engine.get(r.id, { track: false }).status).toBe("archived");
  b!.engine.releaseHold(hold.id, "freeze over");
  b!.engine.update(r.id, { content: "the vendor contract renews every May" });
  await b!.sync();
  await a!.sync();
  expect(a!.engine.get(r.id, { track: false }).content).toBe("the vendor contract renews every May");
  for (const d of [a, b]) d!.close();
});

/** Leaves the team, as `cairn sync leave` does. */
async function leave(d: Device): Promise<void> {
  leaveTeam(d.dir, d.store.sync);
}

test("a device that rejoins, or joins holding an older copy (a restored export), does not undo newer edits (QA sync)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const r = a!.engine.remember({ content: "The staging database lives on host db-old", type: "fact" });
  const q = a!.engine.remember({ content: "Canary deploys take 10 percent of traffic", type: "fact" });
  await a!.sync();
  await b!.sync();
  await leave(b!);
  await Bun.sleep(5);
  a!.engine.update(r.id, { content: "The staging database lives on host db-new" });
  a!.engine.update(q.id, { content: "Canary deploys take 5 percent of traffic" });
  await Bun.sleep(5);
  // B, out of the team, edits q after A did: B's is the later version and wins everywhere.
  b!.engine.update(q.id, { content: "Canary deploys take 20 percent of traffic" });
  // B, out of the team meanwhile, changed another memory: its own later edit must win over the team's older copy.
  const s = a!.engine.remember({ content: "Staging deploys run at noon", type: "fact" });
  await a!.sync();
  await b!.join(a!.code(), pg.url(`t${dbs}`));
  await b!.sync();
  await Bun.sleep(5);
  const local = b!.engine.remember({ content: "Rollbacks need a ticket first", type: "fact" });
  await b!.sync();
  await a!.sync();
  for (const d of [a, b]) expect(d!.engine.get(r.id, { track: false }).content).toBe("The staging database lives on host db-new");
  for (const d of [a, b]) expect(d!.engine.get(q.id, { track: false }).content).toBe("Canary deploys take 20 percent of traffic");
  expect(a!.engine.get(local.id, { track: false }).content).toBe("Rollbacks need a ticket first");
  expect(b!.engine.get(s.id, { track: false }).content).toBe("Staging deploys run at noon");
  expect(b!.store.sync.counts()).toEqual({ outbox: 0, pending: 0 });
  // A third device joining with an export from before the edit.
  const { device: c } = await joinNow(a!);
  const stale = [...a!.engine.export()].find((m) => m.id === r.id)!;
  c.close();
  const d = new Device();
  await d.engine.import(JSON.stringify({ ...stale, content: "The staging database lives on host db-old", updated_at: new Date(r.memory.updatedAt).toISOString() }));
  await d.join(a!.code(), pg.url(`t${dbs}`));
  await d.sync();
  await a!.sync();
  for (const x of [a, d]) expect(x!.engine.get(r.id, { track: false }).content).toBe("The staging database lives on host db-new");
  for (const x of [a, b, d]) x!.close();
});

test("an erase not yet sent keeps a device from leaving; a memory erased here while out of the team is erased for the team on rejoin (QA sync)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const r = a!.engine.remember({ content: "Pasted by mistake: prod admin contact Yakfeather 555-0199", type: "note" });
  await a!.sync();
  await b!.sync();
  a!.engine.forget(r.id, { hard: true });
  expect(() => leaveTeam(a!.dir, a!.store.sync)).toThrow(/not sent to the team yet/);
  await a!.sync();
  leaveTeam(a!.dir, a!.store.sync);
  await b!.sync();
  expect(() => b!.engine.get(r.id)).toThrow();
  // Erased while out of the team: on rejoin it is not brought back, and the team erases it too.
  const s = b!.engine.remember({ content: "Second paste by mistake: Quokkaword 555-0142", type: "note" });
  await b!.sync();
  await a!.join(b!.code(), pg.url(`t${dbs}`));
  await a!.sync();
  leaveTeam(a!.dir, a!.store.sync);
  a!.engine.forget(s.id, { hard: true });
  await a!.join(b!.code(), pg.url(`t${dbs}`));
  await a!.sync();
  expect(() => a!.engine.get(s.id)).toThrow();
  await a!.sync();
  await b!.sync();
  expect(() => b!.engine.get(s.id)).toThrow();
  for (const d of [a, b]) d!.close();
});

test("a team's erase deferred by a legal hold here runs once the hold is released (QA sync)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const r = a!.engine.remember({ content: "The litigation memo for vendor Quokkaline", type: "note" });
  await a!.sync();
  await b!.sync();
  const hold = b!.engine.addHold({ id: r.id, reason: "litigation" });
  a!.engine.forget(r.id, { hard: true });
  await a!.sync();
  await b!.sync();
  expect(b!.engine.get(r.id, { track: false }).status).toBe("active");
  b!.engine.releaseHold(hold.id, "case closed");
  await b!.sync();
  expect(() => b!.engine.get(r.id)).toThrow();
  for (const d of [a, b]) d!.close();
});

test("share --global sends the user's global preferences only: a global note or fact stays here, and is not counted as waiting (QA)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const pref = a!.engine.remember({ content: "User prefers terse commit messages", type: "preference", project: null }).id;
  const note = a!.engine.remember({ content: "my personal salary negotiation note", type: "note", project: null }).id;
  a!.engine.remember({ content: "my dentist is on Tuesdays at nine", type: "fact", project: null });
  expect(setShared(a!.dir, a!.store.sync, null, true).queued).toBe(1);
  expect((await syncStatus(readConfig(a!.dir, a!.store.sync)!, a!.store.sync)).pending).toBe(1);
  a!.engine.remember({ content: "another personal note written after sharing", type: "note", project: null });
  expect((await a!.sync()).pushed).toBe(1);
  await b!.sync();
  expect(b!.store.get(pref)?.content).toBe("User prefers terse commit messages");
  expect(b!.store.get(note)).toBeNull();
  expect(b!.exported().some((line) => line.includes("personal") || line.includes("dentist"))).toBe(false);
  // A shared preference retyped to a note: its later edits stay here too (QA re-check), and are not counted as waiting.
  a!.engine.update(pref, { type: "note" });
  a!.engine.update(pref, { content: "my private note about commit messages and my manager" });
  expect((await syncStatus(readConfig(a!.dir, a!.store.sync)!, a!.store.sync)).pending).toBe(0);
  await a!.sync();
  await b!.sync();
  expect(b!.store.get(pref)?.content).toBe("User prefers terse commit messages");
  for (const d of [a, b]) d!.close();
});

test("a consolidation reaches the other devices active, their sources archived, also after a teammate's edit of a source (QA)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = await team(2);
  const lines = ["The billing cron job runs nightly at 02:00 UTC", "Billing cron job runs nightly at 02:00 UTC."];
  await a!.engine.import(lines.map((content) => JSON.stringify({ content, type: "fact", project: "github.com/acme/app" })).join("\n"));
  await a!.sync();
  await b!.sync();
  const sources = a!.engine.list({ limit: 10 }).memories.filter((m) => m.content.includes("cron")).map((m) => m.id);
  expect(sources).toHaveLength(2);
  // A teammate's edit of a source, not yet synced, while the other device consolidates.
  b!.engine.update(sources[0]!, { tags: ["billing", "cron"] });
  const report = a!.engine.consolidate();
  expect(report.groups).toHaveLength(1);
  const merged = report.groups[0]!.id!;
  for (const d of [a, b, a, b]) await d!.sync();
  for (const d of [a, b]) {
    const active = d!.engine.list({ limit: 10 }).memories.filter((m) => m.content.includes("cron"));
    expect(active.map((m) => m.id)).toEqual([merged]);
    for (const s of sources) expect(d!.store.get(s)?.status).toBe("archived");
  }
  const { device: c } = await joinNow(a!);
  expect(c.engine.list({ limit: 10 }).memories.filter((m) => m.content.includes("cron")).map((m) => m.id)).toEqual([merged]);
  for (const d of [a, b, c]) d!.close();
});

test("a data folder restored from a backup goes on as a new device: its changes reach the team, and what its id sent since comes back (QA)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("copied");
  const url = pg.url("copied");
  const [a, b] = [new Device({ encrypted: false }), new Device({ encrypted: false })];
  await a.init(url);
  await b.join(a.code(), url);
  b.engine.remember({ content: "seed from b before the backup" });
  await b.sync();
  const backup = b.copy();
  const x = b.engine.remember({ content: "written on b after the backup" }).id;
  await b.sync();
  const oldId = readSettings(b.dir)!.device;
  b.close();
  const restored = new Device({ dir: backup });
  const y = restored.engine.remember({ content: "written on the restored b" }).id;
  expect((await restored.sync()).pushed).toBeGreaterThan(0);
  await a.sync();
  expect(a.store.get(y)?.content).toBe("written on the restored b");
  expect(restored.store.get(x)?.content).toBe("written on b after the backup");
  expect(readSettings(restored.dir)!.device).not.toBe(oldId);
  // Synced again: nothing more to send, and no further change of id.
  const id = readSettings(restored.dir)!.device;
  await restored.sync();
  expect(readSettings(restored.dir)!.device).toBe(id);
  expect(restored.store.sync.counts()).toEqual({ outbox: 0, pending: 0 });
  for (const d of [a, restored]) d.close();
});

test("a device that leaves and joins again, nothing changed anywhere, keeps its memories and their history as they were (QA)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = (await team(2)) as [Device, Device];
  const id = a.engine.remember({ content: "the deploy window is Monday, v1" }).id;
  await a.sync();
  for (const v of [2, 3, 4]) {
    a.engine.update(id, { content: `the deploy window is Monday, v${v}` });
    await a.sync();
  }
  await b.sync();
  const before = b.engine.history(id).entries.length;
  leaveTeam(b.dir, b.store.sync);
  await b.join(a.code(), postgres.current()!.url(`t${dbs}`));
  await b.sync();
  expect(b.store.get(id)?.content).toBe("the deploy window is Monday, v4");
  expect(b.engine.history(id).entries.length).toBe(before);
  for (const d of [a, b]) d.close();
});

test("a change the server drops on an erase flag no team member wrote fails the sync, saying so (QA: taken as sent silently)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  const [a, b] = (await team(2)) as [Device, Device];
  const id = a.engine.remember({ content: "the billing cron runs at 02:00 UTC" }).id;
  await a.sync();
  await b.sync();
  // The server's erase flag is in the clear: set on the memory's record by hand, as a tampering server could.
  const sql = new SQL(postgres.current()!.url(`t${dbs}`));
  try {
    await sql`UPDATE cairn_sync_records SET erase = true`;
  } finally {
    await sql.close();
  }
  a.engine.update(id, { content: "the billing cron runs at 03:00 UTC" });
  const err = await failure(a.sync());
  expect(errorCode(err)).toBe("SYNC_DROPPED");
  expect((err as Error).message).toContain(`dropped the change(s) of 1 memory (${id}) as erased, but no erase of them came from the team`);
  expect(a.store.get(id)?.content).toBe("the billing cron runs at 03:00 UTC");
  for (const d of [a, b]) d.close();
});
