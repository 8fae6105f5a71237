/**
 * @module Three data directories ("machines") doing random creates, edits, relates, forgets, restores and hard
 * erases, with syncs in random order, end with identical exports. A fixed seed (SYNC_SEED overrides it) is
 * printed when they do not.
 */
import { expect, test } from "bun:test";
import { usePostgres } from "../helpers/postgres.ts";
import { Device } from "../helpers/sync-devices.ts";

const SEED = Number(process.env.SYNC_SEED ?? 20261202);
const ROUNDS = Number(process.env.SYNC_ROUNDS ?? 200);
const WORDS = "deploy vpn bastion flaky test orm postgres redis cache queue retry timeout lint build docker schema index".split(" ");

const postgres = usePostgres();

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("three machines with random changes and syncs in random order converge", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("converge");
  const url = pg.url("converge");
  const rand = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const sentence = () => Array.from({ length: 3 + Math.floor(rand() * 4) }, () => pick(WORDS)).join(" ");
  const devices = [new Device(), new Device(), new Device()];
  try {
    await devices[0]!.init(url);
    for (const d of devices.slice(1)) await d.join(devices[0]!.code(), url);
    const pool: string[] = [];
    const counts: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const d = pick(devices);
      const all = [...d.engine.export()];
      const active = all.filter((m) => m.status === "active");
      const r = rand();
      const op = r < 0.3 || all.length < 3 ? "create" : r < 0.5 ? "edit" : r < 0.62 ? "relate" : r < 0.72 ? "forget" : r < 0.78 ? "restore" : r < 0.84 ? "erase" : "sync";
      counts[op] = (counts[op] ?? 0) + 1;
      if (op === "create") {
        // Now and then the same words on another machine: the duplicate rule merges them.
        const content = pool.length > 0 && rand() < 0.2 ? pick(pool) : `${sentence()} #${round}`;
        pool.push(content);
        d.engine.remember({ content, tags: [pick(WORDS)], type: pick(["fact", "lesson", "decision"]) });
      } else if (op === "edit" && active.length > 0) {
        const m = pick(active);
        d.engine.update(m.id, rand() < 0.5 ? { content: `${sentence()} edited ${round}` } : { tags: [pick(WORDS), pick(WORDS)], priority: 1 + Math.floor(rand() * 5) });
      } else if (op === "relate" && all.length >= 2) {
        const relation = pick(["relates_to", "depends_on", "fixes", "supersedes"] as const);
        // Only an active memory may supersede another (the engine refuses the rest): pick the superseder there.
        const a = pick(relation === "supersedes" && active.length > 0 ? active : all);
        const b = pick(all);
        if (a.id !== b.id && (relation !== "supersedes" || a.status === "active")) d.engine.relate(a.id, b.id, relation);
      } else if (op === "forget" && active.length > 0) {
        d.engine.forget(pick(active).id);
      } else if (op === "restore" && all.some((m) => m.status !== "active")) {
        d.engine.restore(pick(all.filter((m) => m.status !== "active")).id);
      } else if (op === "erase" && all.length > 0) {
        d.engine.forget(pick(all).id, { hard: true });
      }
      if (op === "sync" || rand() < 0.35) await pick(devices).sync();
    }
    // Quiesce: every machine pushes and pulls until nothing is left to send anywhere.
    for (let i = 0; i < 4; i++) for (const d of devices) await d.sync();
    const [a, b, c] = devices.map((d) => d.exported());
    if (JSON.stringify(a) !== JSON.stringify(b) || JSON.stringify(a) !== JSON.stringify(c)) console.error(`sync convergence failed with SYNC_SEED=${SEED} (ops: ${JSON.stringify(counts)})`);
    expect(b).toEqual(a!);
    expect(c).toEqual(a!);
    expect(a!.length).toBeGreaterThan(10);
    for (const d of devices) expect(d.store.sync.counts()).toEqual({ outbox: 0, pending: 0 });
  } finally {
    for (const d of devices) d.close();
  }
});
