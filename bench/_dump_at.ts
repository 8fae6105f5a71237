import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Engine } from "../src/engine/engine.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { type BlindSet, replaySet } from "./coding.ts";
import { openBenchEmbedder } from "./embedder.ts";
const out: unknown[] = [];
for (const s of process.argv.slice(2)) {
  const set = JSON.parse(readFileSync(`bench/data/coding-${s}.json`, "utf8")) as BlindSet;
  const extra = `bench/data/coding-${s}-extra.json`;
  if (existsSync(extra)) set.queries.push(...(JSON.parse(readFileSync(extra, "utf8")) as BlindSet).queries);
  let clock = 0;
  const store = new SqliteStore(":memory:");
  const embedder = await openBenchEmbedder("cairn-at-");
  const engine = new Engine({ store, project: "bench", actor: "bench", channels: { dense: new DenseChannel({ store, open: async () => embedder }) }, now: () => clock });
  const { toBlind } = replaySet(engine, set, (t) => (clock = t));
  await embedPending(store, embedder);
  for (const q of set.queries) {
    const r = await engine.recall({ query: q.query, project: q.project, limit: 10, mode: "hybrid", track: false, abstain: false });
    const r2 = await engine.recall({ query: q.query, project: q.project, limit: 10, mode: "hybrid", track: false });
    const ids = r.results.map((h) => toBlind.get(h.memory.id) ?? "?");
    const rel = q.type === "none" ? -1 : ids.findIndex((id) => q.relevant.includes(id)) + 1;
    out.push({ set: s, type: q.type, query: q.query, rel, abst: r2.abstained, top: r.results.slice(0, 10).map((h) => ({ c: h.memory.content, ch: Object.keys(h.channels ?? {}), s: h.score })) });
  }
  engine.close();
  await embedder.dispose();
  process.stderr.write(`${s} done\n`);
}
writeFileSync("/tmp/s52/at.json", JSON.stringify(out));
