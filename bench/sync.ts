/**
 * @module Team sync speed against a localhost PostgreSQL: the initial sync of N memories to a new device, and
 * an incremental sync of 100 changes end to end (push on one device, pull on the other). Starts a throwaway
 * cluster (Debian's postgresql) unless --server is given.
 * Also recall p50 on the pulling device, idle and while it pulls 2,000 changes as background sync does.
 *   node scripts/bun.mjs run bench/sync.ts [--n 10000] [--gap 20] [--server postgres://…] [--json]
 */
import { parseArgs } from "node:util";
import { startPostgres } from "../test/helpers/postgres.ts";
import { whenQuiet } from "../src/sync/background.ts";
import { syncIfConfigured } from "../src/sync/run.ts";
import { Device, PROJECT } from "../test/helpers/sync-devices.ts";

const { values } = parseArgs({ options: { gap: { type: "string", default: "20" }, n: { type: "string", default: "10000" }, server: { type: "string" }, json: { type: "boolean" } } });
const N = Number(values.n);
const GAP_MS = Number(values.gap);

async function serverUrl(): Promise<{ url: string; done: () => void }> {
  if (values.server) return { url: values.server, done: () => {} };
  const pg = await startPostgres();
  if ("skip" in pg) throw new Error(pg.skip);
  const db = `bench${Date.now()}`;
  await pg.createDb(db);
  return { url: pg.url(db), done: () => pg.destroy() };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

const { url, done } = await serverUrl();
const a = new Device();
const b = new Device();
try {
  await a.init(url);
  const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ content: `memory ${i}: the service w${i} retries ${i % 7} times behind cache c${i % 97}`, project: PROJECT, tags: [`t${i % 13}`] }));
  const [, importMs] = await timed(() => a.engine.import(`${lines.join("\n")}\n`));
  const [, pushMs] = await timed(() => a.sync());
  await b.join(a.code(), url);
  const [pulled, initialMs] = await timed(() => b.sync());
  const ids = [...a.engine.export()].slice(0, 50).map((m) => m.id);
  for (const [i, id] of ids.entries()) a.engine.update(id, { content: `edited ${i}: the retry budget is now ${i}` });
  for (let i = 0; i < 50; i++) a.engine.remember({ content: `incremental ${i}: queue q${i} drains nightly` });
  const [, incPushMs] = await timed(() => a.sync());
  const [inc, incPullMs] = await timed(() => b.sync());
  // Recall on B while B pulls 2,000 changes the way long-lived processes do (batches of 100), against idle.
  const p50 = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  // Requests at an agent's pace (one every GAP_MS), as a long-lived process sees them; --gap 1 is back to back.
  let busy = false;
  const recallOnce = async () => {
    const t = performance.now();
    busy = true;
    try {
      await b.engine.recall({ query: `service w${Math.floor(Math.random() * N)} retries cache`, mode: "keyword" });
    } finally {
      busy = false;
    }
    return performance.now() - t;
  };
  const idle: number[] = [];
  for (let i = 0; i < 50; i++) await recallOnce(); // warm-up: caches, statements
  for (let i = 0; i < 200; i++) {
    idle.push(await recallOnce());
    await Bun.sleep(GAP_MS);
  }
  for (let i = 0; i < 2000; i++) a.engine.remember({ content: `background ${i}: worker b${i} restarts on deploy` });
  await a.sync();
  const during: number[] = [];
  const bg = syncIfConfigured(b.dir, () => ({ store: b.store, log: b.store.sync, engineAs: (x) => b.engine.withActor(x) }), () => whenQuiet(() => busy));
  let finished = false;
  void bg.then(() => (finished = true));
  while (!finished) {
    during.push(await recallOnce());
    await Bun.sleep(GAP_MS);
  }
  const same = JSON.stringify(a.exported()) === JSON.stringify(b.exported());
  const result = {
    memories: N, import_ms: Math.round(importMs), push_ms: Math.round(pushMs), initial_sync_ms: Math.round(initialMs), initial_pulled: pulled.pulled,
    initial_per_memory_ms: +(initialMs / N).toFixed(3), incremental_changes: inc.pulled, incremental_push_ms: Math.round(incPushMs),
    incremental_pull_ms: Math.round(incPullMs), incremental_end_to_end_ms: Math.round(incPushMs + incPullMs),
    recall_p50_idle_ms: +p50(idle).toFixed(2), recall_p50_during_sync_ms: +p50(during).toFixed(2), recalls_during_sync: during.length, converged: same,
  };
  if (values.json) console.log(JSON.stringify(result));
  else for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(28)} ${v}`);
} finally {
  a.close();
  b.close();
  done();
}
