/**
 * @module The kept row counts (store/row-counts.ts) through the binary: what is not yet embedded is read from
 * them, and `doctor` finds a count something changed behind cairn's back and puts it right.
 */
import { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { join } from "node:path";
import { createSandbox, type DoctorReport, type Sandbox } from "../helpers/sandbox.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox("cairn-counts-");
});
afterEach(() => sb.cleanup());

test("doctor recounts a count changed behind cairn's back, and the pending vectors it reports follow", async () => {
  await sb.ok(["remember", "The billing service retries webhooks three times"]);
  await sb.ok(["remember", "Staging deploys need the VPN"]);
  await sb.ok(["models", "reembed"]);
  const vectors = async () => (await sb.json<DoctorReport>(["doctor", "--json"])).checks.filter((c) => c.name === "vectors" || c.name === "row counts");
  expect(await vectors()).toEqual([expect.objectContaining({ name: "vectors", level: "ok" })]);

  const db = new Database(join(sb.cairnHome, "cairn.db"));
  db.run("UPDATE row_counts SET n = n + 5 WHERE name = 'memories'");
  db.close();
  const found = await vectors();
  expect(found[0]).toMatchObject({ name: "row counts", level: "warn" });
  expect(found[0]!.detail).toContain("memories 7 → 2");
  // The vectors check ran after the fix: nothing is missing.
  expect(found[1]).toMatchObject({ name: "vectors", level: "ok" });
  expect(await vectors()).toEqual([expect.objectContaining({ name: "vectors", level: "ok" })]);
});

test("a memory row deleted with foreign keys off leaves its vector behind: doctor deletes it and counts nothing pending", async () => {
  const { id } = await sb.json<{ id: string }>(["remember", "The billing service retries webhooks three times", "--json"]);
  await sb.ok(["remember", "Staging deploys need the VPN"]);
  await sb.ok(["models", "reembed"]);
  const db = new Database(join(sb.cairnHome, "cairn.db"));
  db.run("PRAGMA foreign_keys = OFF");
  db.run("DELETE FROM memories WHERE id = ?", [id]);
  db.close();
  // Doctor fails on the deleted row itself (audit chain, fts index), and puts the counts right.
  const report = JSON.parse((await sb.run(["doctor", "--json"])).stdout) as DoctorReport;
  const checks = report.checks.filter((c) => c.name === "vectors" || c.name === "row counts");
  expect(checks[0]).toMatchObject({ name: "row counts", level: "warn" });
  expect(checks[0]!.detail).toContain("1 vector of no memory deleted");
  expect(checks[1]).toMatchObject({ name: "vectors", level: "ok" });
});
