/**
 * @module `audit verify` checks the memories against the log: every way cairn changes a memory keeps them in
 * step (plain, encrypted, re-keyed, decrypted again), and a memory changed outside cairn is named.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { salvage } from "../../src/store/salvage.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { encryptedOptions, T0 } from "../helpers/engine.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;

function storeFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-audit-memories-"));
  dirs.push(dir);
  return join(dir, "cairn.db");
}

/** Every kind of change a memory goes through, as an engine makes them; returns the id of one left active. */
async function workOn(store: SqliteStore, round: string): Promise<string> {
  const clock = { now: T0 + DAY * Number(round.length) };
  const engine = new Engine({ store, project: "/work/app", actor: "test", now: () => clock.now });
  const tick = () => (clock.now += 60_000);
  const a = engine.remember({ content: `${round}: the staging database listens on port 5432`, type: "fact" }).memory.id;
  tick();
  engine.remember({ content: `${round}: deploy with token ghp_0123456789abcdefghijABCDEFGHIJ012345 from CI`, type: "fact" });
  tick();
  engine.remember({ content: `${round}: the staging database listens on port 5432`, type: "fact" }); // reinforced
  engine.update(a, { content: `${round}: the staging database listens on port 6543` });
  tick();
  const b = engine.remember({ content: `${round}: we use pnpm for every package`, type: "preference" }).memory.id;
  engine.forget(b, { reason: "test" });
  engine.restore(b);
  const gone = engine.remember({ content: `${round}: the sprint review moved to Thursday afternoons`, type: "note" }).memory.id;
  tick();
  engine.remember({ content: `${round} session summary: the sprint review moved to Thursday afternoons, noted`, type: "note" });
  engine.forget(gone, { hard: true, reason: "erase" }); // rewrites the summary quoting it
  tick();
  const c = engine.remember({ content: `${round}: CI runs on GitHub Actions`, type: "fact" }).memory.id;
  tick();
  const d = engine.remember({ content: `${round}: CI moved from GitHub Actions to Buildkite`, type: "fact" }).memory.id;
  engine.relate(d, c, "supersedes");
  engine.update(d, { content: `${round}: CI moved from GitHub Actions to Buildkite agents` });
  engine.eraseHistory(d);
  for (const n of [1, 2, 3]) engine.remember({ content: `${round}: flaky test ${n}: Error: ECONNRESET in fetchUser retry loop`, type: "error" });
  const plan = engine.consolidate({ dryRun: false });
  expect(plan.groups.length).toBeGreaterThan(0);
  // One consolidation undone, another kept: both leave the sources' and the merged memory's hashes logged.
  engine.undoConsolidation(plan.groups[0]!.id!);
  for (const n of [4, 5, 6]) engine.remember({ content: `${round}: flaky test ${n}: Error: ECONNRESET in fetchUser retry loop`, type: "error" });
  expect(engine.consolidate({ dryRun: false }).groups.length).toBeGreaterThan(0);
  await engine.import(JSON.stringify({ content: `${round}: imported note about the release train`, type: "note" }));
  engine.close();
  return a;
}

/** Re-encodes `store` (at `path`) for `to` (null: plain), works on it as `round`, and returns it reopened once it verifies. */
async function nextEra(store: SqliteStore, path: string, to: ReturnType<typeof encryptedOptions> | null, round: string): Promise<SqliteStore> {
  store.recode(to?.codec ?? PLAIN_CODEC, to?.newRecord ?? null);
  store.close();
  await workOn(new SqliteStore(path, to ?? {}), round);
  const again = new SqliteStore(path, to ?? {});
  expect(again.verifyAudit()).toMatchObject({ ok: true });
  return again;
}

test("every change cairn makes keeps the memories in step with the log; an edit outside it is named", async () => {
  const path = storeFile();
  let store = new SqliteStore(path);
  const kept = await workOn(store, "plain");
  store = new SqliteStore(path);
  expect(store.verifyAudit()).toMatchObject({ ok: true });
  // Encrypted, used, re-keyed, used, decrypted, used: each era's entries are checked under their own key.
  store = await nextEra(store, path, encryptedOptions(undefined, path), "sealed");
  store = await nextEra(store, path, encryptedOptions(undefined, path), "rekeyed");
  store = await nextEra(store, path, null, "plain again");
  const db = store.database;
  const hashOf = () => db.query("SELECT content_hash FROM memories WHERE id = ?").get(kept) as { content_hash: unknown };
  const before = hashOf().content_hash;
  // The text alone changed: it no longer matches its own hash.
  db.run("UPDATE memories SET content = 'plain: the staging database listens on port 1' WHERE id = ?", [kept]);
  const text = store.verifyAudit();
  expect(text).toMatchObject({ ok: false, problem: `memory ${kept}'s text does not match its own content hash (it was changed outside cairn)` });
  // Text and hash changed together: the log's last word on the memory gives the hash it had.
  const forged = new Bun.CryptoHasher("sha256").update("plain: the staging database listens on port 1").digest();
  db.run("UPDATE memories SET content_hash = ? WHERE id = ?", [forged, kept]);
  const both = store.verifyAudit();
  expect(both).toMatchObject({ ok: false, problem: `memory ${kept}'s text is not the one this entry records (it was changed outside cairn)` });
  expect(both.ok === false && (db.query("SELECT memory_id FROM audit WHERE seq = ?").get(both.brokenAt) as { memory_id: string }).memory_id).toBe(kept);
  expect(both).toMatchObject({ memory: kept });
  db.run("UPDATE memories SET content = 'plain: the staging database listens on port 6543', content_hash = ? WHERE id = ?", [before as Uint8Array, kept]);
  expect(store.verifyAudit()).toMatchObject({ ok: true });
  // A row added around cairn (no audit entry), and a row deleted around it (no purge entry), are named too.
  const row = db.query("SELECT * FROM memories WHERE id = ?").get(kept) as Record<string, unknown>;
  const copy = { ...row, seq: null, id: "01900000-0000-7000-8000-00000000beef" };
  const columns = Object.keys(copy);
  db.query(`INSERT INTO memories (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).run(...(Object.values(copy) as never[]));
  expect(store.verifyAudit()).toMatchObject({ ok: false, memory: copy.id, problem: `memory ${copy.id} has no audit entry (it was added outside cairn)` });
  db.run("DELETE FROM memories WHERE id = ?", [copy.id]);
  expect(store.verifyAudit()).toMatchObject({ ok: true });
  db.run("PRAGMA foreign_keys = OFF");
  db.run("DELETE FROM memories WHERE id = ?", [kept]);
  expect(store.verifyAudit()).toMatchObject({ ok: false, memory: kept, problem: `memory ${kept} is in the audit log but not in the store (its row was deleted outside cairn)` });
  store.close();
});

test("in an encrypted store a sealed row put back from an older copy (a rollback) is named", async () => {
  const path = storeFile();
  const opts = encryptedOptions(undefined, path);
  const store = new SqliteStore(path, opts);
  const engine = new Engine({ store, project: "/work/app", actor: "test", now: () => T0 });
  const { id } = engine.remember({ content: "payments-api runs 3 replicas", type: "fact" }).memory;
  const old = (store.database.query("SELECT content, content_hash FROM memories WHERE id = ?").get(id) as { content: string; content_hash: unknown });
  engine.update(id, { content: "payments-api runs 5 replicas" });
  expect(store.verifyAudit()).toMatchObject({ ok: true });
  store.database.run("UPDATE memories SET content = ?, content_hash = ? WHERE id = ?", [old.content, old.content_hash as Uint8Array, id]);
  expect(store.verifyAudit()).toMatchObject({ ok: false, problem: `memory ${id}'s text is not the one this entry records (it was changed outside cairn)` });
  engine.close();
});

test("a sealed row written before the store was encrypted, swapped for another's, is named (QA: called intact)", async () => {
  const path = storeFile();
  const plain = new SqliteStore(path);
  const engine = new Engine({ store: plain, project: "/work/app", actor: "test", now: () => T0 });
  const a = engine.remember({ content: "payments-api runs 3 replicas", type: "fact" }).memory.id;
  const b = engine.remember({ content: "the ledger keeps 7 years of entries", type: "fact" }).memory.id;
  const opts = encryptedOptions(undefined, path);
  plain.recode(opts.codec, opts.newRecord);
  engine.close();
  const store = new SqliteStore(path, opts);
  expect(store.verifyAudit()).toMatchObject({ ok: true });
  const other = store.database.query("SELECT content, content_hash FROM memories WHERE id = ?").get(b) as { content: string; content_hash: unknown };
  store.database.run("UPDATE memories SET content = ?, content_hash = ? WHERE id = ?", [other.content, other.content_hash as Uint8Array, a]);
  expect(store.verifyAudit()).toMatchObject({ ok: false, problem: `memory ${a} fails its integrity check (its sealed row was altered or moved)` });
  store.close();
});

test("a repair's copy of a store that was encrypted and decrypted again verifies: copied entries' eras are not guessed", async () => {
  const path = storeFile();
  let store = new SqliteStore(path);
  await workOn(store, "plain");
  store = await nextEra(new SqliteStore(path), path, encryptedOptions(undefined, path), "sealed");
  store.recode(PLAIN_CODEC, null);
  store.close();
  const copy = new SqliteStore(join(path, "..", "copy.db"));
  expect(salvage(path, copy).memories).toBeGreaterThan(10);
  expect(copy.verifyAudit()).toMatchObject({ ok: true });
  // Written after the repair: checked again.
  const engine = new Engine({ store: copy, project: "/work/app", actor: "test", now: () => T0 + 9 * DAY });
  const { id } = engine.remember({ content: "after the repair: backups run at 02:00", type: "fact" }).memory;
  copy.database.run("UPDATE memories SET content = 'after the repair: backups run at 03:00' WHERE id = ?", [id]);
  expect(copy.verifyAudit()).toMatchObject({ ok: false, problem: `memory ${id}'s text does not match its own content hash (it was changed outside cairn)` });
  engine.close();
});
