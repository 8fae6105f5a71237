/** @module The kept row counts (store/row-counts.ts) stay equal to the tables through every kind of engine write. */
import { expect, test } from "bun:test";
import { countDrift } from "../../src/store/row-counts.ts";
import { testEngine } from "../helpers/engine.ts";

test("remember, import, update, vectors written twice, archive and hard forget keep the counts exact", async () => {
  const { engine, store, advance } = testEngine();
  const db = store.database;
  const ids = [0, 1, 2, 3, 4].map((i) => {
    advance(1000);
    return engine.remember({ content: `memory ${i} about the ${["billing", "deploy", "cache", "queue", "search"][i]} service` }).id;
  });
  await engine.import([{ content: "imported note about the mail relay" }, { content: "imported note about backups" }].map((m) => JSON.stringify(m)).join("\n") + "\n");
  const rows = store.vectors.pending("m", 100).rows;
  const put = () => store.vectors.put("m", 2, rows.slice(0, 4).map((r) => ({ seq: r.seq, contentHash: r.contentHash, vector: new Float32Array([1, 0]) })), 0);
  put();
  put(); // replaced, not added
  store.vectors.put("n", 2, rows.slice(0, 1).map((r) => ({ seq: r.seq, contentHash: r.contentHash, vector: new Float32Array([0, 1]) })), 0);
  expect(store.vectors.pendingCount("m")).toBe(3);
  expect(store.vectors.pendingCount("n")).toBe(6);
  engine.update(ids[1]!, { content: "memory 1 about the deploy service, rewritten" });
  engine.forget(ids[2]!);
  engine.forget(ids[3]!, { hard: true });
  engine.forget(ids[4]!, { hard: true });
  expect(countDrift(db)).toEqual([]);
  const counted = (db.query("SELECT count(*) AS n FROM memories m WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.memory_seq = m.seq AND v.model = 'm')").get() as { n: number }).n;
  expect(store.vectors.pendingCount("m")).toBe(counted);
  expect(counted).toBeGreaterThan(0);
  engine.close();
});

test("stats read the kept counts and seek per status, giving what counting the tables gives", () => {
  const { engine, store, advance } = testEngine();
  const db = store.database;
  const ids = ["billing", "deploy", "cache", "queue"].map((topic) => {
    advance(60_000);
    return engine.remember({ content: `the ${topic} service runs on its own host` }).id;
  });
  const rows = store.vectors.pending("m", 100).rows;
  store.vectors.put("m", 2, rows.slice(0, 3).map((r) => ({ seq: r.seq, contentHash: r.contentHash, vector: new Float32Array([1, 0]) })), 0);
  store.vectors.put("n", 2, rows.slice(0, 1).map((r) => ({ seq: r.seq, contentHash: r.contentHash, vector: new Float32Array([0, 1]) })), 0);
  engine.forget(ids[0]!); // archived: the oldest memory is no longer active
  engine.forget(ids[3]!); // and the newest
  engine.forget(ids[2]!, { hard: true });
  const s = engine.stats();
  const one = (sql: string) => (db.query(sql).get() as { n: number }).n;
  const byStatus = Object.fromEntries((db.query("SELECT status AS k, count(*) AS n FROM memories GROUP BY status").all() as Array<{ k: string; n: number }>).map((r) => [r.k, r.n]));
  expect(byStatus).toEqual({ active: 1, archived: 2 });
  expect(s.total).toBe(one("SELECT count(*) AS n FROM memories"));
  expect(s.byStatus).toEqual(byStatus);
  expect(Object.keys(s.byStatus)).toEqual(["active", "archived"]);
  expect(s.vectors).toBe(one("SELECT count(*) AS n FROM vectors"));
  expect(s.vectors).toBe(3);
  expect(s.oldest).toBe(one("SELECT min(created_at) AS n FROM memories"));
  expect(s.newest).toBe(one("SELECT max(created_at) AS n FROM memories"));
  expect(s.newest! - s.oldest!).toBe(180_000);
  engine.close();
});
